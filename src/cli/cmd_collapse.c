/* SPDX-License-Identifier: MIT */
/*
 * collapse [--account NAME] [--service w3svc|msftpsvc|all]
 *          [--password-from PATH]:
 * one global anonymous account. The chosen name and its encrypted
 * password go to the service key (/LM/W3SVC) byte for byte (the blob's
 * hex text is written as it was read, never re-encrypted), and every
 * AnonymousUserName/AnonymousUserPass override below it is deleted. When
 * the levels that name the account hold different passwords, collapse
 * refuses unless --password-from names the level whose blob to keep.
 * --service all collapses W3SVC and MSFTPSVC in one write (a blob is valid
 * anywhere in its file, so --password-from may serve both); a service the
 * file lacks, or with no anonymous account to collapse, is left as is.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "mb/blob.h"
#include "mb/collapse.h"
#include "mb/path.h"
#include "mb/shellquote.h"

#define NAMEP "AnonymousUserName"
#define PASSP "AnonymousUserPass"

static const char *const services[] = { "/LM/W3SVC", "/LM/MSFTPSVC" };

struct coll {
	const char *account;
	const char *svc;     /* NULL: every service (--service all) */
	const char *from;
	size_t svckey;
	char *name;    /* the account, as the file spells it */
	char *pass;    /* the blob text to keep */
	int all;       /* --service all: skip what has nothing to collapse */
	struct mb_buf others; /* the other accounts it removes, ", "-joined */
};

const struct cli_opt cli_collapse_opts[] = {
	{ CLI_O_ACCOUNT, "account", 0, "NAME", "the account to keep (default: "
	  "the one most keys use)", 0, NULL },
	{ CLI_O_SERVICE, "service", 0, "w3svc|msftpsvc|all", "which service "
	  "(default w3svc; all: both in one write)", 0, NULL },
	{ CLI_O_PASSWORD_FROM, "password-from", 0, "PATH", "keep the "
	  "encrypted password in effect at PATH", 0, NULL },
	CLI_INCLUDE(cli_write_opts),
	CLI_INCLUDE(cli_force_opts),
	CLI_END,
};

#define MAX_NAMED 20

/* Every other anonymous account of the service: collapse removes them. */
static void name_others(struct coll *c, const struct mb_accts *a,
			const struct mb_acct *keep)
{
	size_t i, n = 0;
	char *shown = NULL;

	for (i = 0; i < a->n; i++) {
		if (&a->v[i] == keep || strcmp(a->v[i].kind, "anonymous"))
			continue;
		if (n++ < MAX_NAMED && (shown = mb_shellquote_show(
						a->v[i].name)) != NULL)
			mb_buf_printf(&c->others, "%s%s", n > 1 ? ", " : "",
				      shown); /* no line break from the file */
		else if (n <= MAX_NAMED)
			c->others.failed = 1;
		free(shown);
		shown = NULL;
	}
	if (n > MAX_NAMED)
		mb_buf_printf(&c->others, " and %zu more", n - MAX_NAMED);
}

static int parse(struct cli_wsess *s, struct coll *c, int argc, char **argv)
{
	struct cli_parser p;
	int id, r;

	c->svc = services[0];
	cli_parser_init(&p, "collapse", cli_collapse_opts, argc, argv);
	while ((id = cli_next(&p, &s->cli->err)) != CLI_DONE) {
		if ((r = cli_wsess_option(s, "collapse", id, p.word)) != 0) {
			if (r < 0)
				return s->cli->err.status;
		} else if (id == CLI_O_ACCOUNT) {
			c->account = p.val;
		} else if (id == CLI_O_PASSWORD_FROM) {
			c->from = p.val;
		} else if (id != CLI_O_SERVICE) {
			return cli_unexpected(s->cli, &p, id);
		} else if (cli_service(p.val, &c->svc)) {
			return cli_usage(s->cli, "collapse", "--service "
					 "takes w3svc, msftpsvc or all");
		}
	}
	return MB_OK;
}

static const struct mb_acct *chosen(struct coll *c,
				    const struct mb_accts *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (strcasecmp(a->v[i].name, c->account) == 0)
			return &a->v[i];
	return NULL;
}

static int refuse(struct cli_wsess *s, const struct mb_acct *a)
{
	size_t i;
	char list[2048] = "", id[32];
	struct mb_secrets g;
	int have = mb_secrets_groups(&g, s->doc) == 0;

	for (i = 0; i < a->nkeys && strlen(list) < 1800; i++) {
		char one[300];

		mb_secrets_group_name(a->group[i] < 0 || !have ? -1 : mb_secrets_group_of(&g,
			       s->doc, a->keys[i], mb_idkind_of(a)->pass), id,
			       sizeof(id));
		snprintf(one, sizeof(one), "%s%s (%s)", i ? ", " : "",
			 mb_path_display(s->doc->keys[a->keys[i]].location),
			 id);
		strcat(list, one);
	}
	mb_secrets_free(&g);
	return cli_usage(s->cli, "collapse", "the levels that set %s "
			 "hold %d different passwords: %s; choose the one "
			 "to keep with --password-from PATH (nothing "
			 "changed)", a->name, a->ngroups, list);
}

static int choose(struct cli_wsess *s, struct coll *c)
{
	struct mb_accts a;
	const struct mb_acct *ac;
	int st = MB_OK;

	if (mb_accts_collect(s->doc, c->svc, 0, &a)) {
		mb_accts_free(&a);
		return mb_error_set(&s->cli->err, MB_EFILE, "collapse", NULL,
				    "out of memory");
	}
	ac = chosen(c, &a);
	if (!ac && c->all)
		mb_buf_printf(&s->echo, "%s: no key sets AnonymousUserName %s; "
			      "left as is\n", mb_path_display(c->svc),
			      c->account);
	else if (!ac)
		st = mb_error_set(&s->cli->err, MB_ENOPATH, "collapse",
				  c->account, "no key below %s sets this "
				  "AnonymousUserName; 'mbtool accounts' lists "
				  "them", mb_path_display(c->svc));
	else if (c->from)
		st = cli_acct_pass_from(s->cli, s->doc, "collapse", c->from,
					&c->pass);
	else if (ac->ngroups > 1)
		st = refuse(s, ac);
	else if (!(c->pass = mb_acct_value(s->doc, ac->keys[0], PASSP, 0)))
		st = mb_error_set(&s->cli->err, MB_ENOTSET, "collapse",
				  mb_path_display(s->doc->keys[ac->keys[0]].location),
				  "%s is set here without a password "
				  "(AnonymousUserPass): nothing to keep", ac->name);
	if (!st && ac) {
		c->name = strdup(ac->name);
		name_others(c, &a, ac);
	}
	mb_accts_free(&a);
	return st;
}

static int record(struct cli_wsess *s, const char *op, size_t key,
		  const char *prop, const char *value)
{
	struct cli_change *ch = cli_wsess_change(s, op);
	const char *p = mb_path_display(s->doc->keys[key].location);

	if (!ch)
		return s->cli->err.status;
	ch->path = strdup(p);
	ch->prop = strdup(prop);
	ch->value = value ? strdup(value) : NULL;
	/* "%-6s %s/%s = %s\n" without printf: one line per key of a
	 * hosting file, where printf was a fifth of the plan */
	mb_buf_puts(&s->echo, op);
	mb_buf_append(&s->echo, "       ", strlen(op) < 7 ? 7 - strlen(op) : 1);
	mb_buf_puts(&s->echo, p);
	mb_buf_putc(&s->echo, '/');
	mb_buf_puts(&s->echo, prop);
	if (value) {
		mb_buf_puts(&s->echo, " = ");
		mb_buf_puts(&s->echo, strcmp(prop, PASSP) == 0 ?
			    "(encrypted, moved as is)" : value);
	}
	mb_buf_putc(&s->echo, '\n');
	return MB_OK;
}

/* Each change the library plans: recorded and echoed. */
static int planned(void *ctx, const char *op, size_t key, const char *prop,
		   const char *value)
{
	return record(ctx, op, key, prop, value);
}

static int apply(struct cli_wsess *s, struct coll *c)
{
	size_t before = s->nchanges;
	int st;

	st = mb_collapse_plan(s->doc, c->svc, c->name, c->pass, &s->edits,
			      planned, s, &s->cli->err);
	if (!st && s->nchanges == before)
		mb_buf_printf(&s->echo, "%s is already the only anonymous "
			      "account of %s\n", c->name,
			      mb_path_display(c->svc));
	else if (!st && c->others.len)
		mb_buf_printf(&s->echo, "removes the other anonymous accounts "
			      "of %s: %s (every key below now uses %s)\n",
			      mb_path_display(c->svc), c->others.data, c->name);
	if (!st && mb_buf_failed(&c->others))
		st = mb_error_set(&s->cli->err, MB_EFILE, "collapse", NULL,
				  "out of memory");
	return st;
}

/* --service all: 1 when no key of svc sets an anonymous account. */
static int no_account(const struct mb_doc *doc, const char *svc)
{
	struct mb_accts a;
	int none;

	if (mb_accts_collect(doc, svc, 0, &a)) {
		mb_accts_free(&a);
		return 0; /* out of memory: let the real work report it */
	}
	none = a.n == 0;
	mb_accts_free(&a);
	return none;
}

static int one_service(struct cli_wsess *s, const struct coll *opt,
		       const char *svc)
{
	struct coll c = *opt;
	char *dflt = NULL;
	int st;

	c.svc = svc;
	mb_buf_init(&c.others);
	c.svckey = mb_doc_find(s->doc, svc);
	if (c.svckey == MB_NOKEY && !c.all)
		return cli_no_path(s->cli, "collapse", svc, s->doc, svc);
	if (c.all && (c.svckey == MB_NOKEY || no_account(s->doc, svc))) {
		mb_buf_printf(&s->echo, "%s: no anonymous account; left as "
			      "is\n", mb_path_display(svc));
		return MB_OK;
	}
	if (!c.account)
		c.account = dflt = mb_acct_value(s->doc, c.svckey, NAMEP, 1);
	if (!c.account)
		return cli_usage(s->cli, "collapse", "%s sets no "
				 "AnonymousUserName: name one with "
				 "--account NAME", svc);
	st = choose(s, &c);
	if (!st && c.name)
		st = apply(s, &c);
	free(c.name);
	free(c.pass);
	free(dflt);
	mb_buf_release(&c.others);
	return st;
}

static int plan(struct cli_wsess *s, int argc, char **argv)
{
	struct coll c;
	size_t i;
	int st;

	memset(&c, 0, sizeof(c));
	st = parse(s, &c, argc, argv);
	if (st || c.svc)
		return st ? st : one_service(s, &c, c.svc);
	c.all = 1;
	for (i = 0; !st && i < sizeof(services) / sizeof(services[0]); i++)
		st = one_service(s, &c, services[i]);
	return st;
}

int cmd_collapse(struct cli *cli, struct mb_doc *doc, int argc,
		 char **argv)
{
	return cli_write(cli, doc, argc, argv, plan);
}
