/* SPDX-License-Identifier: MIT */
/*
 * sam [--shell cmd|powershell] [--domain-controller] [--signing-key F]
 * [--no-cache] [-o FILE]: the commands that make Windows (SAM or Active
 * Directory) match the metabase. On a domain controller there is no local
 * SAM: IUSR_<DC> lives in Active Directory, so --domain-controller gives
 * every account the domain forms. Every secure value goes to the solver (as reveal --all does);
 * an account whose levels all hold one verified (or consistent) password
 * gets that password. Otherwise a fresh random password is generated, and
 * the adsutil.vbs SET lines for the live server are printed as well.
 *
 * Quoting for cmd.exe scripts and PowerShell: mb/shellquote.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "cli.h"
#include "mb/crypt.h"
#include "mb/path.h"
#include "mb/reveal.h"
#include "mb/shellquote.h"
#include "mb/write.h"

#define CMD "sam"
#define ADSUTIL "%SystemDrive%\\Inetpub\\AdminScripts\\adsutil.vbs"
#define ADSUTIL_PS "$env:SystemDrive\\Inetpub\\AdminScripts\\adsutil.vbs"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	"-_.+=@#";

static int complex_enough(const char *p)
{
	int u = 0, l = 0, d = 0, o = 0;

	for (; *p; p++) {
		u |= *p >= 'A' && *p <= 'Z';
		l |= *p >= 'a' && *p <= 'z';
		d |= *p >= '0' && *p <= '9';
		o |= strchr("-_.+=@#", *p) != NULL;
	}
	return u && l && d && o;
}

/* n characters and a NUL into out; unbiased (rejection sampling). */
int mb_sam_generate(char *out, size_t n)
{
	const size_t k = sizeof(alphabet) - 1, lim = 256 - 256 % k;
	unsigned char r;
	size_t i;

	do {
		for (i = 0; i < n;) {
			if (RAND_bytes(&r, 1) != 1)
				return -1;
			if (r < lim)
				out[i++] = alphabet[r % k];
		}
		out[n] = '\0';
	} while (n >= 4 && !complex_enough(out));
	OPENSSL_cleanse(&r, sizeof(r));
	return 0;
}

/*
 * 1 when a command line can carry p: no control characters; with wsh, no
 * '"' either (WScript.Arguments cannot hold one, so adsutil.vbs cannot).
 */
int mb_sam_safe(const char *p, int wsh)
{
	for (; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f ||
		    (wsh && *p == '"'))
			return 0;
	return 1;
}

static void quoted(struct mb_buf *b, int ps, const char *s)
{
	char *q = ps ? mb_shellquote_ps(s) : mb_shellquote_cmd(s);

	if (q) {
		mb_buf_puts(b, q);
		OPENSSL_cleanse(q, strlen(q));
	}
	free(q);
}

/* A name or path from the file: quoted only when it must be. */
static void word(struct mb_buf *b, int ps, const char *s)
{
	char *q = mb_shellquote_word(s, ps);

	if (q)
		mb_buf_puts(b, q);
	else
		b->failed = 1;
	free(q);
}

void mb_sam_header(struct mb_buf *b, int ps, const char *what)
{
	const char *c = ps ? "#" : "rem";

	if (!ps)
		mb_buf_puts(b, "@echo off\n");
	mb_buf_printf(b, "%s mbtool %s: THIS SCRIPT CONTAINS PASSWORDS; "
		      "store it safely and delete it after use\n", c, what);
}

/* net user / Set-LocalUser (or the domain forms) for one account. */
void mb_sam_user_line(struct mb_buf *b, int ps, const char *account,
		      const char *pass, int domain)
{
	const char *bsl = strchr(account, '\\');
	const char *name = bsl ? bsl + 1 : account;
	int ad = bsl || domain;

	if (!ps) {
		mb_buf_puts(b, "net user ");
		word(b, 0, name);
		mb_buf_putc(b, ' ');
		quoted(b, 0, pass);
		mb_buf_puts(b, ad ? " /domain\n" : "\n");
		if (ad) {
			mb_buf_puts(b, "rem or: dsquery user -samid ");
			word(b, 0, name);
			mb_buf_puts(b, " | dsmod user -pwd ");
			quoted(b, 0, pass);
			mb_buf_putc(b, '\n');
		}
		return;
	}
	mb_buf_printf(b, ad ? "Set-ADAccountPassword -Identity " :
		      "Set-LocalUser -Name ");
	quoted(b, 1, name);
	mb_buf_puts(b, ad ? " -Reset -NewPassword" : " -Password");
	mb_buf_puts(b, " (ConvertTo-SecureString ");
	quoted(b, 1, pass);
	mb_buf_puts(b, " -AsPlainText -Force)\n");
}

/* adsutil.vbs SET PATH/PROP "PASS" for the live server. */
void mb_sam_adsutil_line(struct mb_buf *b, int ps, const char *path,
			 const char *prop, const char *pass)
{
	struct mb_buf target;

	mb_buf_init(&target);
	mb_buf_printf(&target, "%s/%s", path, prop);
	mb_buf_printf(b, "cscript %s%s%s SET ", ps ? "\"" : "",
		      ps ? ADSUTIL_PS : ADSUTIL, ps ? "\"" : "");
	word(b, ps, target.data ? target.data : "");
	mb_buf_release(&target);
	mb_buf_putc(b, ' ');
	quoted(b, ps, pass);
	mb_buf_putc(b, '\n');
}

int mb_sam_write_file(struct mb_cli *cli, const char *cmd, const char *file,
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

struct sam {
	struct mb_cli *cli;
	struct mb_doc *doc;
	int ps, no_cache;
	int dc;              /* --domain-controller */
	const char *out_file;
	struct mb_cli_keys keys;
	struct mb_secrets s;
	struct mb_reveal_item *items;
	size_t *item_of;     /* secret -> item + 1 */
	size_t nitems;
	struct mb_reveal_report rep;
	int have_rep;
};

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
	{ CLI_O_SIGNING_KEY, "signing-key", 0, "FILE", "the machine's signing "
	  "key: recovers the passwords at once", 0, NULL },
	{ CLI_O_NO_CACHE, "no-cache", 0, NULL, "do not read or write the "
	  "signing-modulus cache", 0, NULL },
	CLI_END,
};

int mb_cli_shell(struct mb_cli *cli, const char *cmd, const char *v,
		 int *ps)
{
	if (strcmp(v, "cmd") && strcmp(v, "powershell"))
		return mb_cli_usage(cli, cmd, "--shell takes cmd or "
				    "powershell");
	*ps = strcmp(v, "powershell") == 0;
	return MB_OK;
}

static int parse(struct sam *m, int argc, char **argv)
{
	struct cli_parser p;
	int id;

	cli_parser_init(&p, CMD, cli_sam_opts, argc, argv);
	while ((id = cli_next(&p, &m->cli->err)) != CLI_DONE) {
		if (id == CLI_O_NO_CACHE)
			m->no_cache = 1;
		else if (id == CLI_O_DOMAIN_CONTROLLER)
			m->dc = 1;
		else if (id == CLI_O_OUTPUT)
			m->out_file = p.val;
		else if (id == CLI_O_SHELL) {
			if (mb_cli_shell(m->cli, CMD, p.val, &m->ps))
				return MB_EUSAGE;
		} else if (!mb_cli_keys_option(&m->keys, id, p.val))
			return cli_unexpected(m->cli, &p, id);
	}
	return MB_OK;
}

static int build_items(struct sam *m)
{
	if (mb_secrets_items(&m->s, &m->items, &m->item_of, &m->nitems))
		return mb_error_set(&m->cli->err, MB_EFILE, CMD,
				    m->doc->path, "out of memory");
	return MB_OK;
}

static int solve(struct sam *m)
{
	struct mb_reveal_opts o;
	int st;

	st = mb_secrets_gather(m->doc, &m->s, &m->cli->err);
	if (!st)
		st = build_items(m);
	if (st)
		return st;
	st = mb_cli_reveal_opts(m->cli, &m->s, &m->keys, m->no_cache, &o);
	if (st)
		return st;
	st = mb_reveal_run(m->items, m->nitems, &o, &m->rep, &m->cli->err);
	if (st && st != MB_ESECRET)
		return st;
	m->have_rep = 1;
	return MB_OK;
}

/* The recovered password in effect at key, or NULL. */
static const char *pass_at(const struct sam *m, size_t key, const char *prop)
{
	const struct mb_reveal_value *v;
	size_t i;

	for (; key != MB_NOKEY; key = m->doc->keys[key].parent)
		for (i = mb_secrets_at(&m->s, key);
		     i < m->s.n && m->s.v[i].key == key; i++) {
			if (m->s.v[i].blob.kind == MB_BLOB_SESSION ||
			    strcasecmp(m->s.v[i].prop, prop))
				continue;
			if (!m->item_of[i])
				return NULL;
			v = &m->rep.values[m->item_of[i] - 1];
			if ((v->status != MB_REVEAL_VERIFIED &&
			     v->status != MB_REVEAL_CONSISTENT) ||
			    v->type != MB_T_STRING || !v->text)
				return NULL;
			return v->text;
		}
	return NULL;
}

/* One password for the account, or NULL with why filled. */
static const char *account_pass(const struct sam *m,
				const struct mb_acct *a,
				const struct mb_idkind *k, const char **why)
{
	const char *p = NULL, *q;
	size_t i;

	for (i = 0; i < a->nkeys; i++) {
		q = pass_at(m, a->keys[i], k->pass);
		if (!q) {
			*why = "its password could not be recovered";
			return NULL;
		}
		if (p && strcmp(p, q)) {
			*why = "its levels hold different passwords";
			return NULL;
		}
		p = q;
	}
	if (p && !*p)
		*why = "the metabase holds an empty password";
	else if (p && !mb_sam_safe(p, 0))
		*why = "its password has characters a command line "
		       "cannot carry";
	else
		return p;
	return NULL;
}

static void where(struct mb_buf *b, const struct sam *m,
		  const struct mb_acct *a)
{
	size_t i;

	for (i = 0; i < a->nkeys; i++)
		mb_buf_printf(b, "%s%s", i ? ", " : "", mb_path_display(
			      m->doc->keys[a->keys[i]].location));
}

static int one_account(struct sam *m, const struct mb_acct *a,
		       struct mb_buf *b)
{
	const struct mb_idkind *k = mb_idkind_of(a);
	const char *why = NULL, *pass = account_pass(m, a, k, &why);
	const char *c = m->ps ? "#" : "rem";
	char fresh[21];
	size_t i;

	mb_buf_printf(b, "\n%s %s (%s), set at ", c, a->name, a->kind);
	where(b, m, a);
	mb_buf_putc(b, '\n');
	if (pass) {
		mb_sam_user_line(b, m->ps, a->name, pass, m->dc);
		return MB_OK;
	}
	if (mb_sam_generate(fresh, 20))
		return mb_error_set(&m->cli->err, MB_EFILE, CMD, NULL,
				    "no random numbers (RAND_bytes)");
	mb_buf_printf(b, "%s %s: a new random password; set it on both "
		      "sides\n", c, why);
	mb_sam_user_line(b, m->ps, a->name, fresh, m->dc);
	for (i = 0; i < a->nkeys; i++)
		mb_sam_adsutil_line(b, m->ps, mb_path_display(
			m->doc->keys[a->keys[i]].location), k->pass, fresh);
	if (strcmp(a->kind, "wam") == 0)
		mb_buf_printf(b, "%s IIS 5 isolation mode: then run cscript "
			      "%s\\Inetpub\\AdminScripts\\synciwam.vbs -v\n", c,
			      m->ps ? "$env:SystemDrive" : "%SystemDrive%");
	OPENSSL_cleanse(fresh, sizeof(fresh));
	return MB_OK;
}

static int emit(struct sam *m)
{
	struct mb_accts a;
	struct mb_buf b;
	size_t i;
	int st = MB_OK;

	if (mb_accts_collect(m->doc, NULL, 1, &a)) {
		mb_accts_free(&a);
		return mb_error_set(&m->cli->err, MB_EFILE, CMD, NULL,
				    "out of memory");
	}
	mb_buf_init(&b);
	mb_sam_header(&b, m->ps, "sam");
	for (i = 0; !st && i < a.n; i++)
		st = one_account(m, &a.v[i], &b);
	mb_accts_free(&a);
	if (!st && m->out_file) {
		st = mb_sam_write_file(m->cli, CMD, m->out_file, &b);
		if (!st)
			mb_buf_printf(&m->cli->out, "wrote %s (mode 0600)\n",
				      m->out_file);
	} else if (!st)
		mb_buf_append(&m->cli->out, b.data, b.len);
	mb_buf_wipe(&b);
	return st;
}

int mb_cmd_sam(struct mb_cli *cli, struct mb_doc *doc, int argc, char **argv)
{
	struct sam m;
	int st;

	memset(&m, 0, sizeof(m));
	m.cli = cli;
	m.doc = doc;
	st = parse(&m, argc, argv);
	if (!st)
		st = solve(&m);
	if (!st)
		st = emit(&m);
	if (m.have_rep)
		mb_reveal_report_free(&m.rep);
	mb_cli_keys_free(&m.keys);
	free(m.items);
	free(m.item_of);
	mb_secrets_free(&m.s);
	return st;
}
