/* SPDX-License-Identifier: MIT */
/*
 * sam [--shell cmd|powershell] [--domain-controller] [--hives DIR|auto]
 * [--known PATH/PROP --password-file F]... [--signing-key F]
 * [--exchange-key F] [--no-cache] [-o FILE]: the commands that make Windows (SAM or Active
 * Directory) match the metabase. On a domain controller there is no local
 * SAM: IUSR_<DC> lives in Active Directory, so --domain-controller gives
 * every account the domain forms. Every secure value goes to the solver (as reveal --all does);
 * an account whose levels all hold one proven password (verified by its
 * signature, or decrypted with the machine key) gets that password; one
 * that merely fits the cribs is never acted on. Otherwise a fresh random password is generated, and
 * the adsutil.vbs SET lines for the live server are printed as well.
 *
 * With --hives, an account whose every level already matches the SAM
 * (winside.h) gets no command, only a line saying so.
 *
 * The lines themselves (and the OS each form needs): mb/samcmd.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli.h"
#include "winside.h"
#include "mb/crypt.h"
#include "mb/json.h"
#include "mb/path.h"
#include "mb/reveal.h"
#include "mb/samcmd.h"
#include "mb/write.h"

#define CMD "sam"

int cli_sam_write_file(struct cli *cli, const char *cmd, const char *file,
		       const struct mb_buf *b)
{
	int fd = open(file, O_CREAT | O_EXCL | O_WRONLY, 0600), short_write;

	if (fd < 0)
		return mb_error_set(&cli->err, MB_EFILE, cmd, file, "cannot "
				    "create the file: %s (it must not exist "
				    "yet)", strerror(errno));
	short_write = mb_write_all(fd, b->data, b->len) != 0;
	if (short_write || fsync(fd) || close(fd)) {
		if (short_write)
			close(fd);
		unlink(file);
		return mb_error_set(&cli->err, MB_EFILE, cmd, file,
				    "cannot write: %s", strerror(errno));
	}
	return MB_OK;
}

/* ---- the sam command ----------------------------------------------------- */

/* What the script's buffer b is, and what becomes of it as it grows. */
enum pass {
	PASS_KEEP,   /* a buffer of its own: kept whole (-o, --json) */
	PASS_DRY,    /* a dry run's: wiped, only whether every account can
			be given its commands counts */
	PASS_STREAM, /* the output: it goes out as it grows */
};

struct sam {
	struct cli *cli;
	struct mb_doc *doc;
	enum mb_shell sh;    /* MB_SHELL_CMD or MB_SHELL_PS */
	int dc;              /* --domain-controller */
	const char *out_file;
	struct cli_plain p;   /* the recovered passwords */
	struct cli_hives h;   /* --hives, --known, the machine keys */
	struct mb_wside w;   /* the SAM's side, with --hives */
	struct mb_json j;     /* --json: the result, into cli->out */
	enum pass pass;       /* accounts()'s */
};

/*
 * After a line of the script: the printed one goes out, a dry run's is
 * wiped. Line by line, not account by account: one account of a global
 * layout may be set at every site (a line each).
 */
static void spill(const struct sam *m, struct mb_buf *b)
{
	if (m->pass == PASS_STREAM) {
		cli_out_flush(m->cli);
	} else if (m->pass == PASS_DRY && b->data) {
		OPENSSL_cleanse(b->data, b->len);
		mb_buf_reset(b);
	}
}

/* The script options sam and reset share. */
const struct cli_opt cli_script_opts[] = {
	{ CLI_O_SHELL, "shell", 0, "cmd|powershell", "the commands' shell "
	  "(default cmd)", 0, NULL },
	{ CLI_O_DOMAIN_CONTROLLER, "domain-controller", 0, NULL, "the server "
	  "is a domain controller: every account is a domain account", 0,
	  NULL },
	{ CLI_O_OUTPUT, "output", 'o', "FILE", "write the commands to FILE "
	  "(created mode 0600)", 0, NULL },
	CLI_END,
};

const struct cli_opt cli_sam_opts[] = {
	CLI_INCLUDE(cli_script_opts),
	CLI_INCLUDE(cli_hives_opts),
	CLI_END,
};

int cli_shell(struct cli *cli, const char *cmd, const char *v,
	      enum mb_shell *sh)
{
	if (strcmp(v, "cmd") && strcmp(v, "powershell"))
		return cli_usage(cli, cmd, "--shell takes cmd or "
				 "powershell");
	*sh = strcmp(v, "powershell") == 0 ? MB_SHELL_PS : MB_SHELL_CMD;
	return MB_OK;
}

static int parse(struct sam *m, int argc, char **argv)
{
	struct cli_parser p;
	int id, st;

	cli_parser_init(&p, CMD, cli_sam_opts, argc, argv);
	while ((id = cli_next(&p, &m->cli->err)) != CLI_DONE) {
		if (id == CLI_O_DOMAIN_CONTROLLER)
			m->dc = 1;
		else if (id == CLI_O_OUTPUT)
			m->out_file = p.val;
		else if (id == CLI_O_SHELL) {
			if (cli_shell(m->cli, CMD, p.val, &m->sh))
				return MB_EUSAGE;
		} else if (!cli_hives_option(m->cli, CMD, &m->h, id, p.val,
					     &st)) {
			return cli_unexpected(m->cli, &p, id);
		} else if (st) {
			return st;
		}
	}
	return MB_OK;
}

static int solve(struct sam *m)
{
	return cli_plain_solve(m->cli, CMD, m->doc, &m->h.src, &m->p);
}

/* One password for the account, or NULL with why filled. */
static const char *account_pass(const struct sam *m,
				const struct mb_acct *a,
				const struct mb_idkind *k, const char **why)
{
	const char *p = NULL, *q;
	size_t i;

	for (i = 0; i < a->nkeys; i++) {
		*why = "its password could not be recovered";
		q = cli_plain_at(&m->p, m->doc, a->keys[i], k->pass, why);
		if (!q)
			return NULL;
		if (p && strcmp(p, q)) {
			*why = "its levels hold different passwords";
			return NULL;
		}
		p = q;
	}
	if (p && !*p)
		*why = "the metabase holds an empty password";
	else if (p && !mb_samcmd_safe(p, 0))
		*why = "its password has characters a command line "
		       "cannot carry";
	else
		return p;
	return NULL;
}

/* The comment line: name (kind), set at PATH, ... (each a quoted word,
 * so that no name from the file ends the comment or expands in it). */
static int heading(struct mb_buf *b, const struct sam *m,
		   const struct mb_acct *a)
{
	struct mb_error *err = &m->cli->err;
	int st;
	size_t i;

	mb_buf_puts(b, m->sh == MB_SHELL_PS ? "\n# " : "\nrem ");
	st = mb_samcmd_word(b, m->sh, a->name, err);
	mb_buf_printf(b, " (%s), set at ", a->kind);
	for (i = 0; !st && i < a->nkeys; i++) {
		mb_buf_puts(b, i ? ", " : "");
		st = mb_samcmd_word(b, m->sh, mb_path_display(
			m->doc->keys[a->keys[i]].location), err);
		spill(m, b);
	}
	mb_buf_putc(b, '\n');
	return st;
}

/* Why an account gets no command under --hives (a marker, compared by
 * address). */
static const char already[] = "already matches the SAM";

/* --hives: 1 when every level's password already matches the SAM. */
static int already_matches(const struct sam *m, size_t n, struct mb_buf *b)
{
	const char *c = m->sh == MB_SHELL_PS ? "#" : "rem";
	const struct mb_wacct *w;

	if (!m->h.hs)
		return 0;
	w = &m->w.v[n];
	if (w->c.scope == MB_HC_LOCAL && !w->c.user)
		mb_buf_printf(b, "%s not in the SAM of %s: create it first "
			      "(net user NAME * /add)\n", c, m->h.hs->computer);
	if (w->c.scope != MB_HC_LOCAL || !w->c.user || !w->matches)
		return 0;
	mb_buf_printf(b, "%s %s of %s at every level: no command\n", c,
		      already, m->h.hs->computer);
	return 1;
}

/*
 * The commands for one account into b (its heading is the caller's);
 * *why is NULL when the metabase's own password is used, else why a new
 * one was generated.
 */
static int one_account(struct sam *m, const struct mb_acct *a, size_t n,
		       struct mb_buf *b, const char **why)
{
	const struct mb_idkind *k = mb_idkind_of(a);
	const char *pass = account_pass(m, a, k, why);
	const char *c = m->sh == MB_SHELL_PS ? "#" : "rem";
	struct mb_error *err = &m->cli->err;
	char fresh[21];
	size_t i;
	int st;

	if (already_matches(m, n, b)) {
		*why = already;
		return MB_OK;
	}
	if (pass) {
		*why = NULL;
		return mb_samcmd_user(b, m->sh, a->name, pass, m->dc, err);
	}
	if (mb_samcmd_generate(fresh, 20))
		return mb_error_set(err, MB_EFILE, CMD, NULL,
				    "no random numbers (RAND_bytes)");
	mb_buf_printf(b, "%s %s: a new random password; set it on both "
		      "sides\n", c, *why);
	st = mb_samcmd_user(b, m->sh, a->name, fresh, m->dc, err);
	for (i = 0; !st && i < a->nkeys; i++) {
		st = mb_samcmd_adsutil(b, m->sh, mb_path_display(
			m->doc->keys[a->keys[i]].location), k->pass, fresh,
			err);
		spill(m, b);
	}
	if (!st && strcmp(a->kind, "wam") == 0)
		mb_buf_printf(b, "%s IIS 5 isolation mode: then run cscript "
			      "%s\\Inetpub\\AdminScripts\\synciwam.vbs -v\n", c,
			      m->sh == MB_SHELL_PS ? "$env:SystemDrive" :
			      "%SystemDrive%");
	OPENSSL_cleanse(fresh, sizeof(fresh));
	return st;
}

void cli_sam_json_lines(struct mb_json *j, const struct mb_buf *script,
			enum mb_shell sh, int shown)
{
	const char *c = sh == MB_SHELL_PS ? "# " : "rem ", *p, *e, *end;
	size_t clen = strlen(c);
	int pass;

	/* Two passes over the lines: commands, then comments (notes). */
	for (pass = 0; pass < 2; pass++) {
		mb_json_key(j, pass ? "notes" : "commands");
		if (!shown) {
			mb_json_null(j);
			continue;
		}
		mb_json_arr_begin(j);
		p = script->data ? script->data : "";
		end = p + script->len;
		for (; p < end; p = e + (e < end)) {
			e = memchr(p, '\n', (size_t)(end - p));
			e = e ? e : end;
			if (e == p || (e - p == 9 && !memcmp(p, "@echo off", 9)))
				continue;
			if ((size_t)(e - p) >= clen && !memcmp(p, c, clen)) {
				if (pass)
					mb_json_strn(j, p + clen,
						     (size_t)(e - p) - clen);
			} else if (!pass) {
				mb_json_strn(j, p, (size_t)(e - p));
			}
		}
		mb_json_arr_end(j);
	}
}

static void json_account(struct sam *m, const struct mb_acct *a,
			 const char *why, const struct mb_buf *body)
{
	size_t i;

	mb_json_obj_begin(&m->j);
	mb_json_kstr(&m->j, "account", a->name);
	mb_json_kstr(&m->j, "kind", a->kind);
	mb_json_key(&m->j, "set_at");
	mb_json_arr_begin(&m->j);
	for (i = 0; i < a->nkeys; i++)
		mb_json_str(&m->j, mb_path_display(
			m->doc->keys[a->keys[i]].location));
	mb_json_arr_end(&m->j);
	mb_json_kstr(&m->j, "password", why == already ? "matches the SAM" :
		     why ? "generated" : "recovered");
	mb_json_kstr(&m->j, "reason", why == already ? NULL : why);
	cli_sam_json_lines(&m->j, body, m->sh, !m->out_file);
	mb_json_obj_end(&m->j);
}

static void json_begin(struct sam *m)
{
	mb_json_init(&m->j, &m->cli->out);
	mb_json_obj_begin(&m->j);
	mb_json_kstr(&m->j, "shell", m->sh == MB_SHELL_PS ? "powershell"
							  : "cmd");
	mb_json_kbool(&m->j, "domain_controller", m->dc);
	mb_json_kstr(&m->j, "output", m->out_file);
	mb_json_key(&m->j, "accounts");
	mb_json_arr_begin(&m->j);
}

/* Each account: its heading and commands into b, and its JSON. */
static int accounts(struct sam *m, const struct mb_accts *a,
		    struct mb_buf *b, enum pass pass)
{
	const char *why = NULL;
	struct mb_buf body;
	size_t i;
	int st = MB_OK;

	m->pass = pass;
	mb_buf_init(&body);
	for (i = 0; !st && i < a->n; i++) {
		mb_buf_wipe(&body);
		st = heading(b, m, &a->v[i]);
		/* kept, the body is also the account's JSON; else it goes
		 * where the heading went, line by line */
		if (!st)
			st = one_account(m, &a->v[i], i,
					 pass == PASS_KEEP ? &body : b, &why);
		if (st)
			break;
		if (pass == PASS_KEEP)
			mb_buf_append(b, body.data, body.len);
		if (m->cli->json)
			json_account(m, &a->v[i], why, &body);
		spill(m, b);
	}
	mb_buf_wipe(&body);
	return st;
}

/*
 * The script printed as it is made (a hosting file's is a tenth of the
 * file, and held whole it was twice that while it grew): a dry run
 * first, so that an account the shell cannot be given a command for
 * still leaves no script at all.
 */
static int accounts_printed(struct sam *m, const struct mb_accts *a)
{
	struct mb_buf dry;
	int st = MB_OK;

	if (m->cli->stream) {
		mb_buf_init(&dry);
		st = accounts(m, a, &dry, PASS_DRY);
		mb_buf_wipe(&dry);
	}
	return st ? st : accounts(m, a, &m->cli->out, PASS_STREAM);
}

/* An error leaves no script: what went into out since start is wiped
 * (all of it once some went out: only a failure after the dry run). */
static void unprint(struct mb_buf *out, size_t start)
{
	if (start > out->len)
		start = 0;
	OPENSSL_cleanse(out->data + start, out->len - start);
	out->len = start;
	out->data[start] = '\0';
}

static int emit(struct sam *m)
{
	struct mb_accts a;
	struct mb_buf own, *b = &own;
	size_t start;
	int st;

	/* (the secrets solve() gathered: their blobs are parsed already) */
	if (mb_accts_collect_known(m->doc, NULL, 1, &m->p.s, &a)) {
		mb_accts_free(&a);
		return mb_error_set(&m->cli->err, MB_EFILE, CMD, NULL,
				    "out of memory");
	}
	st = m->h.hs ? cli_wside_build(m->cli, m->doc, m->h.hs, &a, &m->p,
				       &m->w) : MB_OK;
	mb_buf_init(&own);
	/* Printed, the script is made in the output itself, no copy. */
	if (!m->out_file && !m->cli->json)
		b = &m->cli->out;
	start = b->len;
	mb_samcmd_header(b, m->sh, "sam");
	if (m->h.hs)
		mb_buf_printf(b, "%s compared with the SAM of %s (hives in "
			      "%s)\n", m->sh == MB_SHELL_PS ? "#" : "rem",
			      m->h.hs->computer, m->h.dir);
	if (m->cli->json)
		json_begin(m);
	if (!st)
		st = b == &m->cli->out ? accounts_printed(m, &a)
				       : accounts(m, &a, b, PASS_KEEP);
	mb_accts_free(&a);
	if (!st && m->cli->json) {
		mb_json_arr_end(&m->j);
		mb_json_obj_end(&m->j);
	}
	if (!st && m->out_file) {
		st = cli_sam_write_file(m->cli, CMD, m->out_file, b);
		if (!st && !m->cli->json)
			mb_buf_printf(&m->cli->out, "wrote %s (mode 0600)\n",
				      m->out_file);
	} else if (st && b == &m->cli->out && b->data) {
		unprint(b, start);
	}
	mb_buf_wipe(&own);
	return st;
}

int cmd_sam(struct cli *cli, struct mb_doc *doc, int argc, char **argv)
{
	struct sam m;
	int st;

	memset(&m, 0, sizeof(m));
	m.sh = MB_SHELL_CMD;
	m.cli = cli;
	m.doc = doc;
	st = parse(&m, argc, argv);
	if (!st)
		st = cli_hives_load(cli, CMD, doc, &m.h);
	if (!st)
		st = solve(&m);
	if (!st)
		st = emit(&m);
	mb_wside_free(&m.w);
	cli_hives_free(&m.h);
	cli_plain_free(&m.p);
	return st;
}
