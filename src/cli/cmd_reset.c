/* SPDX-License-Identifier: MIT */
/*
 * reset --account NAME [--password-file F|- | --generate] [-o FILE]
 *       [--exchange-key F --signing-key F]: for a metabase file about to be
 * restored whose account password no longer matches Windows. Microsoft's
 * documented recovery: remove the password property (AnonymousUserPass,
 * WAMUserPass, UNCPassword, by the kind of account) at every key that sets
 * NAME, restore, then set one new password on both sides. The file is
 * written (atomically, like every write) and the commands for after the
 * restore are printed (net user and adsutil.vbs SET at each key that sets
 * NAME), to stdout or to a new 0600 FILE. With the machine keys the new
 * password is encrypted into the file at those keys instead, and only the
 * Windows side is left to the script. The password comes from
 * --password-file (never argv) or is generated; it is wiped from memory
 * with OPENSSL_cleanse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli.h"
#include "mb/edit.h"
#include "mb/json.h"
#include "mb/path.h"
#include "mb/samcmd.h"

#define CMD "reset"
#define MAX_PASS 1024

struct reset {
	const char *account, *pw_file, *out_file;
	int generate;
	enum mb_shell sh;         /* MB_SHELL_CMD or MB_SHELL_PS */
	int dc;                   /* --domain-controller (as sam) */
	char *pass;               /* wiped and freed at the end */
	size_t pass_len;
	struct cli_keys keys;  /* machine-key mode when given */
	char *blob;               /* the new value's hex, in that mode */
	struct mb_accts a;
	const struct mb_buf *script; /* the commands, for --json */
};

static int read_pass(struct cli *cli, struct reset *r)
{
	int st = cli_secret_file(cli, CMD, r->pw_file, MAX_PASS, &r->pass,
				 &r->pass_len);

	if (st)
		return st;
	/* with the machine keys no adsutil.vbs line carries it: '"' is fine */
	if (!r->pass_len || strlen(r->pass) != r->pass_len ||
	    !mb_samcmd_safe(r->pass, !r->keys.exchange))
		return cli_usage(cli, CMD, "the password must be non-empty, "
				 "without control characters%s",
				 r->keys.exchange ? "" : " or '\"' "
				 "(adsutil.vbs cannot take one)");
	return MB_OK;
}

const struct cli_opt cli_reset_opts[] = {
	{ CLI_O_ACCOUNT, "account", 0, "NAME", "the account to reset "
	  "(required)", CLI_OPT_REQUIRED, NULL },
	{ CLI_O_PASSWORD_FILE, "password-file", 0, "FILE|-", "the new "
	  "password, from FILE or standard input", CLI_OPT_STDIN, NULL },
	{ CLI_O_GENERATE, "generate", 0, NULL, "a fresh random password (the "
	  "default)", 0, NULL },
	CLI_INCLUDE(cli_script_opts),
	CLI_INCLUDE(cli_key_opts),
	CLI_INCLUDE(cli_write_opts),
	CLI_INCLUDE(cli_force_opts),
	CLI_END,
};

/* reset's own options: 1 taken (*st its status), 0 not one of them. */
static int take(struct cli *cli, struct reset *r, int id, const char *v,
		int *st)
{
	*st = MB_OK;
	switch (id) {
	case CLI_O_DOMAIN_CONTROLLER: r->dc = 1; return 1;
	case CLI_O_GENERATE: r->generate = 1; return 1;
	case CLI_O_ACCOUNT: r->account = v; return 1;
	case CLI_O_PASSWORD_FILE: r->pw_file = v; return 1;
	case CLI_O_OUTPUT: r->out_file = v; return 1;
	case CLI_O_SHELL: *st = cli_shell(cli, CMD, v, &r->sh); return 1;
	default: return cli_keys_option(&r->keys, id, v);
	}
}

static int parse(struct cli_wsess *s, struct reset *r, int argc, char **argv)
{
	struct cli_parser p;
	int id, st;

	cli_parser_init(&p, CMD, cli_reset_opts, argc, argv);
	while ((id = cli_next(&p, &s->cli->err)) != CLI_DONE) {
		if ((st = cli_wsess_option(s, CMD, id, p.word)) != 0) {
			if (st < 0)
				return s->cli->err.status;
		} else if (!take(s->cli, r, id, p.val, &st)) {
			return cli_unexpected(s->cli, &p, id);
		} else if (st) {
			return st;
		}
	}
	if (!r->account)
		return cli_usage(s->cli, CMD, "--account NAME is required");
	if (r->pw_file && r->generate)
		return cli_usage(s->cli, CMD, "--password-file and "
				 "--generate exclude each other");
	if (r->pw_file)
		return read_pass(s->cli, r);
	r->pass_len = 20;
	r->pass = calloc(1, r->pass_len + 1);
	if (!r->pass || mb_samcmd_generate(r->pass, r->pass_len))
		return mb_error_set(&s->cli->err, MB_EFILE, CMD, NULL,
				    "no random numbers (RAND_bytes)");
	return MB_OK;
}

static int drop(struct cli_wsess *s, size_t key, const char *prop)
{
	int removed = 0, st;
	struct cli_change *ch;
	const char *p = mb_path_display(s->doc->keys[key].location);

	st = mb_edit_unset(s->doc, &s->edits, key,
			   mb_schema_prop(s->doc->schema, prop), &removed,
			   &s->cli->err);
	if (st || !removed)
		return st;
	if (!(ch = cli_wsess_change(s, "delete")))
		return s->cli->err.status;
	ch->path = strdup(p);
	ch->prop = strdup(prop);
	mb_buf_printf(&s->echo, "delete %s/%s\n", p, prop);
	return MB_OK;
}

static int new_blob(struct cli_wsess *s, struct reset *r)
{
	struct mb_mkey *mk = NULL;
	struct mb_buf b;
	int st;

	st = cli_mkey_open(s->cli, CMD, s->doc, &r->keys, &mk);
	mb_buf_init(&b);
	if (!st && mb_mkey_string(mk, r->pass, &b, &s->cli->err) != MB_OK)
		st = s->cli->err.status;
	if (!st)
		r->blob = mb_buf_detach(&b, NULL);
	mb_buf_release(&b);
	mb_mkey_free(mk);
	return st;
}

static int plan(struct cli_wsess *s, struct reset *r)
{
	size_t i, j, found = 0;
	int st = MB_OK;

	if ((r->keys.exchange || r->keys.signing) && (st = new_blob(s, r)))
		return st;
	if (mb_accts_collect(s->doc, NULL, 1, &r->a))
		return mb_error_set(&s->cli->err, MB_EFILE, CMD, NULL,
				    "out of memory");
	for (i = 0; !st && i < r->a.n; i++) {
		const struct mb_acct *a = &r->a.v[i];
		const char *pass = mb_idkind_of(a)->pass;

		if (strcasecmp(a->name, r->account))
			continue;
		found++;
		for (j = 0; !st && j < a->nkeys; j++)
			st = r->blob ? cli_put_secret(s, a->keys[j], pass,
					r->blob, "the new password, encrypted "
					"with the machine keys")
				     : drop(s, a->keys[j], pass);
	}
	if (!st && !found)
		return mb_error_set(&s->cli->err, MB_ENOPATH, CMD, r->account,
				    "no key sets this anonymous, WAM or UNC "
				    "account; 'mbtool accounts "
				    "--all-identities' lists them");
	if (!st && !s->nchanges)
		mb_buf_printf(&s->echo, r->blob ? "the file already holds "
			      "that password for %s\n" : "no password of %s "
			      "is stored; nothing to remove\n", r->account);
	return st;
}

/* The account's lines (the user command, then adsutil.vbs SET at each of
 * its keys unless the file itself holds the new password). */
static int account_lines(struct cli_wsess *s, struct reset *r,
			 const struct mb_acct *a, struct mb_buf *b)
{
	struct mb_error *err = &s->cli->err;
	size_t j;
	int st;

	st = mb_samcmd_user(b, r->sh, a->name, r->pass, r->dc, err);
	for (j = 0; !st && !r->blob && j < a->nkeys; j++)
		st = mb_samcmd_adsutil(b, r->sh, mb_path_display(
			s->doc->keys[a->keys[j]].location),
			mb_idkind_of(a)->pass, r->pass, err);
	return st;
}

/*
 * Built before the write, so that a name the shell cannot carry refuses
 * the command while the metabase is still untouched.
 */
static int script(struct cli_wsess *s, struct reset *r, struct mb_buf *b)
{
	const char *c = r->sh == MB_SHELL_PS ? "#" : "rem";
	size_t i;
	int st;

	for (i = 0; i < r->a.n; i++)
		if (strcasecmp(r->a.v[i].name, r->account) == 0)
			break;
	if (i == r->a.n)
		return MB_OK;
	mb_samcmd_header(b, r->sh, "reset");
	mb_buf_printf(b, r->blob ? "%s the file holds the new password of " :
		      "%s after the restore, set the new password of ", c);
	st = mb_samcmd_word(b, r->sh, r->a.v[i].name, &s->cli->err);
	mb_buf_puts(b, r->blob ? "; after the restore, set it in Windows "
		    "too:\n" : " on both sides:\n");
	if (!st)
		st = account_lines(s, r, &r->a.v[i], b);
	if (!st && mb_buf_failed(b))
		st = mb_error_set(&s->cli->err, MB_EFILE, CMD, NULL,
				  "out of memory");
	return st;
}

/* The file goes to -o FILE only when the metabase is really written. */
static int to_file(const struct cli_wsess *s, const struct reset *r)
{
	return r->out_file && !s->opts.dry_run;
}

/* --json: the script's facts inside the write's result object. */
static void json_more(struct cli_wsess *s, struct mb_json *j, void *arg)
{
	struct reset *r = arg;

	mb_json_kstr(j, "account", r->account);
	mb_json_kstr(j, "password", r->pw_file ? "given" : "generated");
	mb_json_kstr(j, "shell", r->sh == MB_SHELL_PS ? "powershell" : "cmd");
	mb_json_kbool(j, "domain_controller", r->dc);
	mb_json_kstr(j, "output", to_file(s, r) ? r->out_file : NULL);
	cli_sam_json_lines(j, r->script, r->sh, !to_file(s, r));
}

/*
 * The -o file, made before the metabase is written: a FILE that exists
 * (or cannot be written) fails the run while the metabase is still
 * byte-identical. *made says the file was made, for commit_or_undo.
 */
static int prepare(struct cli_wsess *s, struct reset *r, struct mb_buf *b,
		   int *made)
{
	int st = MB_OK;

	*made = 0;
	if (to_file(s, r)) {
		st = cli_sam_write_file(s->cli, CMD, r->out_file, b);
		*made = !st;
	}
	return st;
}

/* Write the metabase; if that fails, the -o file made for it goes too. */
static int commit_or_undo(struct cli_wsess *s, struct reset *r,
			  const struct mb_buf *b, int made)
{
	int st;

	r->script = b;
	s->json_more = json_more;
	s->json_arg = r;
	st = cli_wsess_commit(s);
	if (st && made)
		unlink(r->out_file);
	return st;
}

static void finish(struct cli_wsess *s, struct reset *r, struct mb_buf *b)
{
	if (s->cli->json)
		return;
	if (to_file(s, r))
		mb_buf_printf(&s->cli->out, "wrote %s (mode 0600)\n",
			      r->out_file);
	else
		mb_buf_append(&s->cli->out, b->data, b->len);
}

int cmd_reset(struct cli *cli, struct mb_doc *doc, int argc,
	      char **argv)
{
	struct cli_wsess s;
	struct reset r;
	struct mb_buf b;
	int st, made = 0;

	memset(&r, 0, sizeof(r));
	r.sh = MB_SHELL_CMD;
	cli_wsess_init(&s, cli, doc, argv[0]);
	st = parse(&s, &r, argc, argv);
	mb_buf_init(&b);
	if (!st)
		st = plan(&s, &r);
	if (!st)
		st = script(&s, &r, &b);
	if (!st)
		st = prepare(&s, &r, &b, &made);
	if (!st)
		st = commit_or_undo(&s, &r, &b, made);
	if (!st)
		finish(&s, &r, &b);
	mb_buf_wipe(&b);
	cli_wsess_release(&s);
	mb_accts_free(&r.a);
	cli_keys_free(&r.keys);
	cli_secret_free(r.pass, r.pass_len);
	free(r.blob);
	return st;
}
