/* SPDX-License-Identifier: MIT */
/*
 * What every write command shares: the write options, the session that
 * collects edits (and, in a batch, re-reads the file between lines that
 * depend on each other), the confirmation of a key deletion, and the
 * commit: check that the result parses, write it atomically or show the
 * diff, then print adsutil's echo lines or one JSON object.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "mb/json.h"
#include "mb/path.h"
#include "mb/value.h"
#include "mb/txn.h"
#include "mb/write.h"

/*
 * The Locations planned so far (SCOPE) and every ancestor of them (ABOVE),
 * case-folded in a hash set: a new Location is related to a planned one
 * when it or one of its ancestors is a SCOPE, or it is itself ABOVE one.
 * That is O(depth) per line, so a batch of thousands of lines stays linear.
 */
#define SCOPE 1
#define ABOVE 2

struct scope_slot {
	char *loc;
	int kind;
};

struct mb_scopes {
	struct scope_slot *v;
	size_t cap, n;
};

static size_t fold_hash(const char *s, size_t n)
{
	size_t h = 1469598103934665603ull & (size_t)-1, i;

	for (i = 0; i < n; i++)
		h = (h ^ (size_t)tolower((unsigned char)s[i])) * 1099511628211u;
	return h;
}

static struct scope_slot *slot(const struct mb_scopes *t, const char *s,
			       size_t n)
{
	size_t i = fold_hash(s, n) & (t->cap - 1);

	while (t->v[i].loc && (strlen(t->v[i].loc) != n ||
			       strncasecmp(t->v[i].loc, s, n) != 0))
		i = (i + 1) & (t->cap - 1);
	return &t->v[i];
}

static int grow(struct mb_scopes *t)
{
	struct mb_scopes bigger = { NULL, t->cap ? t->cap * 2 : 64, t->n };
	size_t i;

	bigger.v = calloc(bigger.cap, sizeof(*bigger.v));
	if (!bigger.v)
		return -1;
	for (i = 0; i < t->cap; i++)
		if (t->v[i].loc)
			*slot(&bigger, t->v[i].loc, strlen(t->v[i].loc)) =
				t->v[i];
	free(t->v);
	*t = bigger;
	return 0;
}

static int mark(struct mb_scopes *t, const char *s, size_t n, int kind)
{
	struct scope_slot *e;

	if ((t->n + 1) * 2 > t->cap && grow(t))
		return -1;
	e = slot(t, s, n);
	if (!e->loc) {
		if (!(e->loc = strndup(s, n)))
			return -1;
		t->n++;
	}
	e->kind |= kind;
	return 0;
}

static int kind_of(const struct mb_scopes *t, const char *s, size_t n)
{
	return t->cap ? slot(t, s, n)->kind : 0;
}

/* Proper ancestors of loc, as prefix lengths: "/" is 1, "/LM" 3, ... */
static size_t next_ancestor(const char *loc, size_t after)
{
	const char *p;

	if (loc[0] != '/')
		return 0;           /* "." has none */
	if (after == 0)
		return loc[1] ? 1 : 0;
	p = strchr(loc + after + (after == 1 ? 0 : 1), '/');
	return p ? (size_t)(p - loc) : 0;
}

static int scopes_related(const struct mb_scopes *t, const char *loc)
{
	size_t n = 0;

	if (kind_of(t, loc, strlen(loc)))
		return 1;
	while ((n = next_ancestor(loc, n)) != 0)
		if (kind_of(t, loc, n) & SCOPE)
			return 1;
	return 0;
}

static int scopes_add(struct mb_scopes *t, const char *loc)
{
	size_t n = 0;

	if (mark(t, loc, strlen(loc), SCOPE))
		return -1;
	while ((n = next_ancestor(loc, n)) != 0)
		if (mark(t, loc, n, ABOVE))
			return -1;
	return 0;
}

static void scopes_free(struct mb_scopes *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->cap; i++)
		free(t->v[i].loc);
	free(t->v);
	free(t);
}

void cli_wsess_init(struct cli_wsess *s, struct cli *cli,
		    struct mb_doc *doc, const char *command)
{
	memset(s, 0, sizeof(*s));
	s->cli = cli;
	s->orig = doc;
	s->doc = doc;
	s->command = command;
	mb_edits_init(&s->edits);
	mb_buf_init(&s->echo);
}

void cli_wsess_release(struct cli_wsess *s)
{
	size_t i;

	for (i = 0; i < s->nchanges; i++) {
		struct cli_change *c = &s->changes[i];

		free(c->path);
		free(c->prop);
		free(c->to);
		free(c->keytype);
		free(c->value);
		free(c->previous);
	}
	free(s->changes);
	scopes_free(s->scopes);
	s->scopes = NULL;
	mb_edits_release(&s->edits);
	mb_buf_release(&s->echo);
	mb_doc_free(s->owned);
	s->owned = NULL;
}

const struct cli_opt cli_force_opts[] = {
	{ CLI_O_FORCE, "force", 0, NULL, "also replace a read-only metabase",
	  0, NULL },
	CLI_END,
};

/*
 * --force also lets a write replace a read-only file. set, create, copy
 * and move have a --force of their own (schema checks): it is noted here
 * and left to them too. A batch line's --force is that line's.
 */
static int force_option(struct cli_wsess *s, const char *cmd)
{
	static const char *const own[] = { "set", "create", "copy", "move" };
	size_t i;

	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (strcmp(cmd, own[i]) == 0) {
			s->opts.force |= !s->batch;
			return 0;
		}
	s->opts.force |= !s->batch;
	return 1;
}

int cli_wsess_option(struct cli_wsess *s, const char *cmd, int id,
		     const char *word)
{
	int *flag = NULL;

	if (id == CLI_O_FORCE)
		return force_option(s, cmd);
	if (id == CLI_O_DRY_RUN)
		flag = &s->opts.dry_run;
	else if (id == CLI_O_NO_BACKUP)
		flag = &s->opts.no_backup;
	else if (id == CLI_O_BREAK_LOCK)
		flag = &s->opts.break_lock;
	else if (id == CLI_O_YES)
		flag = s->batch ? &s->line_yes : &s->opts.yes;
	if (!flag)
		return 0;
	if (s->batch && flag != &s->line_yes) {
		cli_usage(s->cli, cmd, "%s applies to the whole batch: "
			  "give it to 'batch', not to one line", word);
		return -1;
	}
	*flag = 1;
	return 1;
}

/* ---- batch re-reads ----------------------------------------------------- */

/*
 * The bytes with the edits so far, parsed again; never written if bad. The
 * new document takes the buffer over (bytes is left empty): on a file of
 * tens of MB a second copy would be the largest allocation of the run.
 */
static int reparse(struct cli_wsess *s, struct mb_buf *bytes,
		   const struct mb_doc_recheck *rc, struct mb_doc **out)
{
	size_t len;
	char *data = mb_buf_detach(bytes, &len);

	return mb_txn_reparse(s->orig, data, len, rc, out, &s->cli->err);
}

static int flush(struct cli_wsess *s)
{
	struct mb_buf out;
	struct mb_doc *nd = NULL;
	struct mb_doc_recheck rc;
	int st;

	scopes_free(s->scopes);
	s->scopes = NULL;
	if (!s->edits.n)
		return MB_OK;
	mb_buf_init(&out);
	mb_doc_recheck_plan(s->doc, &s->edits, &rc);
	st = mb_doc_splice(s->doc, &s->edits, &out, &s->cli->err);
	if (!st)
		st = reparse(s, &out, &rc, &nd);
	mb_doc_recheck_free(&rc);
	mb_buf_release(&out);
	if (st)
		return st;
	mb_doc_free(s->owned);
	s->doc = s->owned = nd;
	mb_edits_release(&s->edits);
	return MB_OK;
}

int cli_wsess_scope(struct cli_wsess *s, const char *const *locs, size_t n)
{
	size_t i;

	for (i = 0; i < n && s->scopes; i++)
		if (scopes_related(s->scopes, locs[i])) {
			if (flush(s))
				return s->cli->err.status;
			break;
		}
	if (!s->scopes)
		s->scopes = calloc(1, sizeof(*s->scopes));
	for (i = 0; s->scopes && i < n; i++)
		if (scopes_add(s->scopes, locs[i]))
			break;
	if (!s->scopes || i < n)
		return mb_error_set(&s->cli->err, MB_EFILE, s->command, NULL,
				    "out of memory");
	return MB_OK;
}

struct cli_change *cli_wsess_change(struct cli_wsess *s, const char *op)
{
	struct cli_change *c;

	if (s->nchanges == s->cchanges) {
		size_t n = s->cchanges ? s->cchanges * 2 : 4;
		struct cli_change *v = realloc(s->changes, n * sizeof(*v));

		if (!v) {
			mb_error_set(&s->cli->err, MB_EFILE, op, NULL,
				     "out of memory");
			return NULL;
		}
		s->changes = v;
		s->cchanges = n;
	}
	c = &s->changes[s->nchanges++];
	memset(c, 0, sizeof(*c));
	c->op = op;
	c->done = 1;
	return c;
}

/* ---- confirmation -------------------------------------------------------- */

/*
 * The question goes to stderr and the answer comes from stdin, at once:
 * command output is buffered in cli->out and printed only at the end.
 */
static int ask(const char *what)
{
	char line[64];

	fprintf(stderr, "mbtool: %s? [y/N] ", what);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	return line[0] == 'y' || line[0] == 'Y';
}

int cli_wsess_confirm(struct cli_wsess *s, const char *cmd, const char *what)
{
	if (s->opts.yes || s->line_yes || s->opts.dry_run)
		return MB_OK;
	if (!s->batch && isatty(STDIN_FILENO)) {
		if (ask(what))
			return MB_OK;
		return mb_error_set(&s->cli->err, MB_EDECLINED, cmd, what,
				    "not confirmed; nothing changed");
	}
	return cli_usage(s->cli, cmd, "%s: this removes a whole subtree; "
			 "add --yes to confirm (%s)", what, s->batch ?
			 "a batch line cannot ask" : "standard input is "
			 "not a terminal, so mbtool cannot ask");
}

/* ---- commit -------------------------------------------------------------- */

static void json_text(struct mb_json *j, const char *key,
		      const struct mb_prop *type, const char *text)
{
	if (!text)
		return;
	mb_json_key(j, key);
	mb_value_json(j, type->type ? type : NULL, text);
}

static void json_change(struct mb_json *j, const struct cli_change *c)
{
	mb_json_obj_begin(j);
	mb_json_kstr(j, "op", c->op);
	mb_json_kstr(j, "path", c->path);
	if (c->prop)
		mb_json_kstr(j, "property", c->prop);
	if (c->alias_of)
		mb_json_kstr(j, "alias_of", c->alias_of);
	if (c->to)
		mb_json_kstr(j, "to", c->to);
	if (c->keytype)
		mb_json_kstr(j, "keytype", c->keytype);
	if (c->type.type)
		mb_json_kstr(j, "type", mb_value_tag(&c->type));
	json_text(j, "value", &c->type, c->value);
	json_text(j, "previous", &c->type, c->previous);
	if (c->keys)
		mb_json_kint(j, "keys", (long long)c->keys);
	mb_json_kbool(j, "changed", c->done);
	mb_json_obj_end(j);
}

static void report_json(struct cli_wsess *s, const struct mb_write_result *r,
			const struct mb_buf *diff)
{
	struct mb_json j;
	size_t i;

	mb_json_init(&j, &s->cli->out);
	mb_json_obj_begin(&j);
	mb_json_kbool(&j, "dry_run", s->opts.dry_run);
	mb_json_kbool(&j, "changed", r->changed);
	mb_json_key(&j, "backup");
	if (r->backup[0])
		mb_json_str(&j, r->backup);
	else
		mb_json_null(&j);
	mb_json_key(&j, "changes");
	mb_json_arr_begin(&j);
	for (i = 0; i < s->nchanges; i++)
		json_change(&j, &s->changes[i]);
	mb_json_arr_end(&j);
	if (s->opts.dry_run)
		mb_json_kstr(&j, "diff", diff->data ? diff->data : "");
	if (s->json_more)
		s->json_more(s, &j, s->json_arg);
	mb_json_obj_end(&j);
}

/* What the user should know about the write itself, on stderr. */
static void notes(struct cli_wsess *s, const struct mb_write_result *r)
{
	struct cli *cli = s->cli;

	if (r->note[0])
		cli_note(cli, "%s", r->note);
	if (r->backup[0])
		cli_note(cli, "the previous file is kept as %s%s", r->backup,
			 r->pruned ? " (older mbtool backups beyond "
			 "--keep-backups removed)" : "");
}

/*
 * Text: what the run changes, as the real run says it (collapse's list of
 * keys, adsutil's echo); with --dry-run the same lines, then the diff
 * (which commit streams after them).
 */
static void report(struct cli_wsess *s, const struct mb_write_result *r,
		   const struct mb_buf *diff)
{
	notes(s, r);
	if (s->cli->json)
		report_json(s, r, diff);
	else if (!s->opts.dry_run && s->echo.len)
		mb_buf_append(&s->cli->out, s->echo.data, s->echo.len);
}

/* A dry run's diff, straight into the output as it is made. */
static void diff_to_out(void *ctx, const char *p, size_t n)
{
	struct cli *cli = ctx;

	mb_buf_append(&cli->out, p, n);
	cli_out_flush(cli);
}

static void diff_to_buf(void *ctx, const char *p, size_t n)
{
	mb_buf_append(ctx, p, n);
}

/*
 * A dry run's lines go out before its diff: moved, not copied (a collapse
 * of a hosting file echoes a line per key), and nothing reads them after.
 */
static void echo_to_out(struct cli_wsess *s)
{
	struct mb_buf t;

	if (s->cli->out.len) {
		mb_buf_append(&s->cli->out, s->echo.data, s->echo.len);
		mb_buf_release(&s->echo);
		return;
	}
	t = s->cli->out;
	s->cli->out = s->echo;
	s->echo = t;
	mb_buf_release(&s->echo);
}

/*
 * The session's edits as one write transaction (mb/txn.h): previewed as a
 * diff (--dry-run) or written. shed: the caller reads its document no
 * more, so the transaction may let it go early (SPEC section 5 memory).
 */
static int commit(struct cli_wsess *s, int shed)
{
	struct mb_txn t;
	struct mb_write_opts wo;
	struct mb_write_result res;
	struct mb_buf diff;
	int st;

	mb_buf_init(&diff);
	mb_txn_init(&t, s->orig, s->doc, &s->edits);
	t.shed = shed;
	memset(&wo, 0, sizeof(wo));
	wo.no_backup = s->opts.no_backup;
	wo.break_lock = s->opts.break_lock;
	wo.force = s->opts.force;
	wo.keep_backups = s->cli->keep_backups;
	if (s->opts.dry_run && !s->cli->json && s->echo.len)
		echo_to_out(s);
	if (s->opts.dry_run)
		st = mb_txn_preview(&t, s->cli->json ? diff_to_buf :
				    diff_to_out, s->cli->json ? (void *)&diff :
				    (void *)s->cli, &res, &s->cli->err);
	else
		st = mb_txn_commit(&t, &wo, &res, &s->cli->err);
	if (!st)
		report(s, &res, &diff);
	mb_buf_release(&diff);
	return st;
}

int cli_wsess_commit(struct cli_wsess *s)
{
	return commit(s, 0);
}

int cli_wsess_commit_last(struct cli_wsess *s)
{
	return commit(s, 1);
}

int cli_write(struct cli *cli, struct mb_doc *doc, int argc,
	      char **argv, mb_plan_fn *plan)
{
	struct cli_wsess s;
	int st;

	cli_wsess_init(&s, cli, doc, argv[0]);
	st = plan(&s, argc, argv);
	/* Nothing reads doc after this write: let it go early. */
	if (!st)
		st = commit(&s, 1);
	cli_wsess_release(&s);
	return st;
}

/* ---- paths --------------------------------------------------------------- */

char *cli_new_location(const struct mb_doc *doc, const char *location,
		       size_t *parent)
{
	const char *slash = strrchr(location, '/');
	size_t n;
	char *out;

	*parent = MB_NOKEY;
	if (!slash || !slash[1])
		return NULL;
	n = (size_t)(slash - location);
	*parent = n ? mb_doc_find_n(doc, location, n) :
		  mb_doc_find(doc, "/");
	if (*parent == MB_NOKEY)
		return strdup(location);
	n = strlen(doc->keys[*parent].location);
	out = malloc(n + strlen(slash) + 1);
	if (!out)
		return NULL;
	memcpy(out, doc->keys[*parent].location, n);
	/* the root key "/" has no name of its own to separate */
	strcpy(out + (n == 1 && out[0] == '/' ? 0 : n), slash);
	return out;
}

int cli_no_path(struct cli *cli, const char *cmd, const char *arg,
		const struct mb_doc *doc, const char *location)
{
	return mb_error_set(&cli->err, MB_ENOPATH, cmd, arg,
			    "the path requested could not be found: no key "
			    "'%s' in %s", location, doc->path);
}
