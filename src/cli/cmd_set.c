/* SPDX-License-Identifier: MIT */
/*
 * set [--force] PATH/PROP VALUE...: write a property at a key, typed by the
 * schema, and echo it as adsutil SET does ("AuthFlags<pad>: (INTEGER) 5").
 * A flag sub-property (AuthNTLM) flips one bit of the effective DWORD and
 * writes the whole DWORD at the key. A property the key type may not hold
 * is refused (exit 5) unless --force, which writes a <Custom> element.
 * Secure strings (AnonymousUserPass, WAMUserPass, UNCPassword, ...) are
 * set with the server's machine keys (--exchange-key F --signing-key F),
 * the new value read from --password-file F|- or a no-echo prompt, never
 * from argv; without the keys they are refused with what to run instead.
 * adsutil's special names (mb/alias.h): AccessPerm and Authorization write
 * AccessFlags / AuthFlags from a number or words, VRPath writes Path;
 * ServerCommand and AppPoolCommand, orders to a running server, are
 * refused with what to do instead.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mb/alias.h"
#include "mb/edit.h"
#include "mb/path.h"
#include "mb/query.h"
#include "mb/shellquote.h"
#include "mb/value.h"

#define MAX_PASS 1024 /* a longer password file is the wrong file */

struct set_req {
	const char *arg;          /* PATH/PROP as typed */
	const char *pw_file;      /* --password-file */
	struct cli_keys keys;  /* --exchange-key, --signing-key */
	const char **vals;
	size_t nvals;
	int force;
	struct mb_path path;
	size_t key;
	struct mb_ref ref;
	const struct mb_alias *alias;  /* adsutil special name, or NULL */
};

/*
 * PATH/PROP as one word of a command line for sh (mb/shellquote.h); a
 * placeholder when that shell cannot carry the key's name. malloc'd, NULL
 * when out of memory.
 */
static char *target(enum mb_shell sh, const char *where, const char *prop)
{
	struct mb_buf b;
	char *q;

	mb_buf_init(&b);
	mb_buf_printf(&b, "%s/%s", where, prop);
	q = b.data ? mb_shellquote_word(sh, b.data) : NULL;
	mb_buf_release(&b);
	return q || mb_shellquote_refusal(sh, where) == NULL ? q :
		strdup("PATH/PROPERTY");
}

/*
 * Secure properties (AnonymousUserPass, WAMUserPass, UNCPassword,
 * AdminACL...) are stored encrypted with the server's machine keys, which
 * are not in the file. Without them: refuse, and say what does work.
 */
static int no_keys(struct cli_wsess *s, const struct set_req *r)
{
	char *t = target(MB_SHELL_CMDLINE, mb_path_display(r->path.location),
			 r->ref.prop->name);
	int st;

	st = mb_error_set(&s->cli->err, MB_EPROP, "set", r->arg,
		"%s is a secure property: IIS keeps it encrypted with the "
		"server's machine key, which is not in the file, so it cannot "
		"be set offline. On the live server run: cscript "
		"%%SystemDrive%%\\Inetpub\\AdminScripts\\adsutil.vbs SET "
		"%s <password> (and make Windows agree: net user <account> "
		"<password>). To reuse an encrypted value already in this "
		"file, use 'mbtool collapse' or 'mbtool sync-passwords --from "
		"PATH'", r->ref.prop->name, t ? t : "PATH/PROPERTY");
	free(t);
	return st;
}

static int has_keys(const struct set_req *r)
{
	return r->keys.exchange || r->keys.signing || r->pw_file;
}

/* The new value: --password-file, or asked on the terminal. */
static int new_password(struct cli_wsess *s, const struct set_req *r,
			char **pw, size_t *len)
{
	int st;

	if (r->pw_file && s->batch && strcmp(r->pw_file, "-") == 0)
		st = cli_usage(s->cli, "set", "a batch line cannot read "
			       "%s from standard input: name a FILE",
			       r->ref.prop->name);
	else if (r->pw_file)
		st = cli_secret_file(s->cli, "set", r->pw_file, MAX_PASS,
				     pw, len);
	else if (s->batch)
		st = cli_usage(s->cli, "set", "a batch line cannot ask for "
			       "%s: add --password-file FILE",
			       r->ref.prop->name);
	else
		st = cli_secret_prompt(s->cli, "set", r->ref.prop->name,
				       MAX_PASS, pw, len);
	if (!st && memchr(*pw, '\0', *len))
		st = cli_usage(s->cli, "set", "the password file holds a "
			       "NUL byte, which no password can contain");
	else if (!st && !*len)
		st = cli_usage(s->cli, "set", "the new %s is empty (an "
			       "empty account password fails IIS's logon "
			       "with 401.1); nothing changed",
			       r->ref.prop->name);
	return st;
}

/* AdminACL (NTAcl) and AdminACLBin hold security descriptors, not text. */
static int not_a_string(struct cli_wsess *s, const struct set_req *r)
{
	return mb_error_set(&s->cli->err, MB_EPROP, "set", r->arg,
		"%s is a binary security descriptor, not a string: mbtool "
		"encrypts only secure strings (passwords). Change the ACL on "
		"the live server (metaacl.vbs, or the Operators tab of IIS "
		"Manager)",
		r->ref.prop->name);
}

/*
 * Machine-key mode: prove the keys are this file's (cli_mkey_open), then
 * encrypt and sign the new password exactly as IIS does; *hex is the
 * attribute text.
 */
static int secure_value(struct cli_wsess *s, struct set_req *r, char **hex)
{
	struct mb_mkey *mk = NULL;
	struct mb_buf b;
	char *pw = NULL;
	size_t len = 0;
	int st;

	*hex = NULL;
	if (!has_keys(r))
		return no_keys(s, r);
	if (r->ref.prop->type != MB_T_STRING)
		return not_a_string(s, r);
	if (r->nvals)
		return cli_usage(s->cli, "set", "a secure value never comes "
				 "from the command line: give it with "
				 "--password-file FILE (or - for stdin), or "
				 "leave VALUE out to be asked");
	st = cli_mkey_open(s->cli, "set", s->doc, &r->keys, &mk);
	if (!st)
		st = new_password(s, r, &pw, &len);
	mb_buf_init(&b);
	if (!st && mb_mkey_string(mk, pw, &b, &s->cli->err) != MB_OK)
		st = s->cli->err.status;
	if (!st)
		*hex = mb_buf_detach(&b, NULL);
	mb_buf_release(&b);
	cli_secret_free(pw, len);
	mb_mkey_free(mk);
	return st;
}

static int not_allowed(struct cli_wsess *s, const struct set_req *r)
{
	const struct mb_key *k = &s->doc->keys[r->key];
	char *who = mb_query_holders(s->doc->schema, r->ref.prop);
	int st;

	st = mb_error_set(&s->cli->err, MB_EPROP, "set", r->arg,
		"%s is not allowed at a key of type %.*s; key types that may "
		"hold it: %s (--force writes it as a <Custom> element anyway)",
		r->ref.prop->name, (int)k->elem_len,
		s->doc->buf + mb_key_elem(k).off, who && *who ? who : "none");
	free(who);
	return st;
}

static char *local_text(const struct mb_doc *doc, size_t key,
			const struct mb_prop *p)
{
	struct mb_value v;

	return mb_doc_local(doc, key, p, &v) ? mb_doc_text(doc, v.raw) : NULL;
}

/* The change --json reports; takes previous. */
static int note_change(struct cli_wsess *s, const struct set_req *r,
		       const struct mb_prop *shown, const char *text,
		       char *previous)
{
	struct cli_change *c = cli_wsess_change(s, "set");

	if (!c) {
		free(previous);
		return s->cli->err.status;
	}
	c->path = strdup(mb_path_display(s->doc->keys[r->key].location));
	c->prop = strdup(r->path.prop);
	c->alias_of = r->alias ? r->alias->target : NULL;
	c->type = *shown;
	c->type.name = NULL; /* may point into r->ref, which goes away */
	c->value = strdup(text);
	c->previous = previous;
	c->done = !previous || strcmp(previous, text) != 0;
	return MB_OK;
}

/* adsutil's echo of the new value, and the change. */
static int record(struct cli_wsess *s, const struct set_req *r,
		  const char *text, char *previous)
{
	struct mb_prop storage;
	const struct mb_prop *shown = mb_ref_display_prop(&r->ref, &storage);

	/* adsutil's MimeMap handler echoes the name as the schema has it */
	mb_value_render(&s->echo, MB_STYLE_SET, shown->type == MB_T_MIMEMAP ?
			shown->name : r->path.prop, shown, text, NULL);
	return note_change(s, r, shown, text, previous);
}

static int set_flag(struct cli_wsess *s, struct set_req *r, int as_custom)
{
	int on, st, was = 0;
	char *dword = NULL, *old = local_text(s->doc, r->key, r->ref.prop);
	uint32_t v;

	if (r->nvals != 1 || mb_value_bool(r->vals[0], &on)) {
		free(old);
		return cli_usage(s->cli, "set", "%s is one bit of %s: give "
				 "TRUE or FALSE", r->path.prop,
				 r->ref.prop->name);
	}
	if (old && !mb_value_dword(r->ref.prop, old, &v))
		was = (v & r->ref.flag->value) == r->ref.flag->value;
	st = mb_edit_set_flag(s->doc, &s->edits, r->key, r->ref.prop,
			      r->ref.flag, on, as_custom, &dword, &s->cli->err);
	if (!st)
		st = record(s, r, on ? "TRUE" : "FALSE", old ?
			    strdup(was ? "TRUE" : "FALSE") : NULL);
	/* a local DWORD that already had this bit is unchanged */
	if (!st && old && strcmp(old, dword) == 0)
		s->changes[s->nchanges - 1].done = 0;
	free(old);
	free(dword);
	return st;
}

static int set_value(struct cli_wsess *s, struct set_req *r, int as_custom)
{
	char *text = NULL;
	int st;

	if (r->ref.prop->attrs & MB_ATTR_SECURE)
		st = secure_value(s, r, &text);
	else
		st = mb_edit_format(r->ref.prop, r->vals, r->nvals, &text,
				    &s->cli->err);
	if (!st)
		st = mb_edit_set(s->doc, &s->edits, r->key, r->ref.prop, text,
				 as_custom, &s->cli->err);
	if (!st)
		st = record(s, r, text, local_text(s->doc, r->key,
						   r->ref.prop));
	free(text);
	return st;
}

/* A library error names the alias; name the PATH/PROP as typed. */
static int as_typed(struct cli_wsess *s, const struct set_req *r, int st)
{
	if (st)
		snprintf(s->cli->err.subject, sizeof(s->cli->err.subject),
			 "%s", r->arg);
	return st;
}

/*
 * AccessPerm / Authorization: the flag DWORD from a number or adsutil's
 * words with every other bit zero; VRPath: Path. Written at the key and
 * echoed as adsutil does ("AccessFlags (AccessPerm)<pad>: (Long)  Read").
 */
static int set_alias(struct cli_wsess *s, struct set_req *r, int as_custom)
{
	const struct mb_prop *p = r->ref.prop;
	struct mb_buf tail;
	char *text = NULL;
	uint32_t v = 0;
	int st;

	mb_buf_init(&tail);
	if (r->alias->kind == MB_ALIAS_FLAGS) {
		st = as_typed(s, r, mb_alias_flags(s->doc->schema, r->alias,
						   r->vals, r->nvals, &v,
						   &tail, &s->cli->err));
		if (!st)
			text = mb_edit_dword_text(p, v);
	} else {
		st = as_typed(s, r, mb_edit_format(p, r->vals, r->nvals,
						   &text, &s->cli->err));
		mb_buf_puts(&tail, text ? text : "");
	}
	if (!st && (!text || mb_buf_failed(&tail)))
		st = mb_error_set(&s->cli->err, MB_EFILE, "set", NULL,
				  "out of memory");
	if (!st)
		st = mb_edit_set(s->doc, &s->edits, r->key, p, text,
				 as_custom, &s->cli->err);
	if (!st) {
		mb_alias_echo(&s->echo, r->alias, tail.data);
		st = note_change(s, r, p, text, local_text(s->doc, r->key, p));
	}
	free(text);
	mb_buf_release(&tail);
	return st;
}

/* "Start it now on the server" or "set ServerAutoStart for later". */
static void command_hint(char *out, size_t n, const struct set_req *r,
			 const char *where, unsigned code)
{
	const struct mb_alias *a = r->alias;
	const struct mb_alias_verb *v = &a->verbs[code - 1];
	char *t = target(MB_SHELL_SH, where, a->autostart ? a->autostart : "");

	if (v->autostart)
		snprintf(out, n, "For the state after IIS next starts, set "
			 "%s in the file: mbtool set %s %s. To %s it now, "
			 "on the live server run", a->autostart,
			 t ? t : "PATH/PROPERTY", v->autostart, v->verb);
	else
		snprintf(out, n, "A %s does not outlast a restart, so no "
			 "setting in the file stands for it. To %s it now, "
			 "on the live server run", v->verb, v->verb);
	free(t);
}

/*
 * ServerCommand / AppPoolCommand order a running IIS to start, stop, ...:
 * VOLATILE in the schema, never stored in the file. After adsutil's own
 * checks (key type, then code), refuse and say what works instead. Exit
 * 5, SPEC's "not allowed", as for secure properties; the wrong key type
 * is 5 too (not allowed at that key), where adsutil quits with 2.
 */
static int server_command(struct cli_wsess *s, const struct set_req *r)
{
	const struct mb_alias *a = r->alias;
	const struct mb_key *k = &s->doc->keys[r->key];
	const char *type = s->doc->buf + mb_key_elem(k).off;
	unsigned tlen = k->elem_len;
	const char *where = mb_path_display(k->location);
	char hint[700], *t;
	unsigned code;
	int st;

	if (tlen != strlen(a->keytype) || memcmp(type, a->keytype, tlen) != 0)
		return mb_error_set(&s->cli->err, MB_EPROP, "set", r->arg,
				    "Can't set %s on a non-%s object (%s is "
				    "an %.*s)", a->name, a->keytype, where,
				    (int)tlen, type);
	if (r->nvals != 1)
		return cli_usage(s->cli, "set", "%s takes one value: the "
				 "command code", a->name);
	st = as_typed(s, r, mb_alias_command(a, r->vals[0], &code,
					     &s->cli->err));
	if (st)
		return st;
	command_hint(hint, sizeof(hint), r, where, code);
	t = target(MB_SHELL_CMDLINE, where, a->name);
	st = mb_error_set(&s->cli->err, MB_EPROP, "set", r->arg,
			  "%s %u (%s) is an order to the running IIS, not a "
			  "setting: it is never stored in the file, so "
			  "offline there is nothing to %s. %s: cscript "
			  "%%SystemDrive%%\\Inetpub\\AdminScripts\\"
			  "adsutil.vbs SET %s %u", a->name, code,
			  a->verbs[code - 1].verb, a->verbs[code - 1].verb,
			  hint, t ? t : "PATH/PROPERTY", code);
	free(t);
	return st;
}

static int plan(struct cli_wsess *s, struct set_req *r)
{
	const char *loc = r->path.location;
	int st, allowed, custom_only;

	st = cli_wsess_scope(s, &loc, 1);
	if (st)
		return st;
	r->key = mb_doc_find(s->doc, loc);
	if (r->key == MB_NOKEY)
		return cli_no_path(s->cli, "set", r->arg, s->doc, loc);
	r->alias = mb_alias_find(r->path.prop);
	if (r->alias && r->alias->kind == MB_ALIAS_COMMAND)
		return server_command(s, r);
	st = mb_query_resolve(s->doc, r->key, r->alias ? r->alias->target :
			      r->path.prop, &r->ref, &s->cli->err);
	if (st)
		return st;
	allowed = mb_query_allowed(s->doc, r->key, &r->ref);
	custom_only = r->ref.prop == &r->ref.custom;
	if (!allowed && !r->force)
		st = not_allowed(s, r);
	else if (has_keys(r) && !(r->ref.prop->attrs & MB_ATTR_SECURE))
		st = cli_usage(s->cli, "set", "--exchange-key, --signing-key "
			       "and --password-file are for secure "
			       "properties; %s is not one", r->path.prop);
	else if (r->alias)
		st = set_alias(s, r, !allowed || custom_only);
	else if (r->ref.flag)
		st = set_flag(s, r, !allowed || custom_only);
	else
		st = set_value(s, r, !allowed || custom_only);
	mb_ref_release(&r->ref);
	return st;
}

const struct cli_opt cli_set_opts[] = {
	{ CLI_O_FORCE, "force", 0, NULL, "write even where the schema does "
	  "not allow the property at the key's KeyType; also replace a "
	  "read-only metabase", 0, NULL },
	CLI_INCLUDE(cli_key_opts),
	{ CLI_O_PASSWORD_FILE, "password-file", 0, "FILE|-", "a secure "
	  "value, from FILE or standard input (with the machine keys)",
	  CLI_OPT_STDIN, NULL },
	CLI_INCLUDE(cli_write_opts),
	CLI_END,
};

/* set's own options: 1 taken, 0 not one of them. */
static int take_option(struct set_req *r, int id, const char *v)
{
	if (id == CLI_O_FORCE)
		r->force = 1;
	else if (id == CLI_O_PASSWORD_FILE)
		r->pw_file = v;
	else
		return cli_keys_option(&r->keys, id, v);
	return 1;
}

static int parse_args(struct cli_wsess *s, struct set_req *r, int argc,
		      char **argv)
{
	struct cli_parser p;
	int id, st;

	r->vals = calloc((size_t)argc, sizeof(*r->vals));
	if (!r->vals)
		return mb_error_set(&s->cli->err, MB_EFILE, "set", NULL,
				    "out of memory");
	cli_parser_init(&p, "set", cli_set_opts, argc, argv);
	p.dash_args = 1;  /* "-1" is a value, not an option */
	while ((id = cli_next(&p, &s->cli->err)) != CLI_DONE) {
		if ((st = cli_wsess_option(s, "set", id, p.word)) != 0) {
			if (st < 0)
				return MB_EUSAGE;
		} else if (id == CLI_ARG) {
			if (!r->arg)
				r->arg = p.val;
			else
				r->vals[r->nvals++] = p.val;
		} else if (!take_option(r, id, p.val)) {
			return cli_unexpected(s->cli, &p, id);
		}
	}
	/* with machine keys a secure VALUE comes from a file or the tty */
	if (!r->arg || (!r->nvals && !has_keys(r)))
		return cli_usage(s->cli, "set", "missing %s",
				 r->arg ? "VALUE" : "PATH/PROP");
	return MB_OK;
}

int cli_plan_set(struct cli_wsess *s, int argc, char **argv)
{
	struct set_req r;
	int st;

	memset(&r, 0, sizeof(r));
	st = parse_args(s, &r, argc, argv);
	if (!st)
		st = mb_path_parse(r.arg, MB_PATH_PROP, &r.path, &s->cli->err);
	if (!st) {
		st = plan(s, &r);
		mb_path_release(&r.path);
	}
	cli_keys_free(&r.keys);
	free(r.vals);
	return st;
}

int cmd_set(struct cli *cli, struct mb_doc *doc, int argc, char **argv)
{
	return cli_write(cli, doc, argc, argv, cli_plan_set);
}
