/* SPDX-License-Identifier: MIT */
/*
 * The sam/reset script builders (include/mb/samcmd.h). Each line is built
 * in a scratch buffer and appended only when every part of it could be
 * quoted, so a refused name leaves no half line behind.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "mb/samcmd.h"

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

/*
 * Unbiased: rejection sampling. The random bytes come in blocks: one
 * RAND_bytes call per byte cost 0.2 G instructions for a 10,000-site file
 * (a fifth of sam).
 */
int mb_samcmd_generate(char *out, size_t n)
{
	const size_t k = sizeof(alphabet) - 1, lim = 256 - 256 % k;
	unsigned char r[64];
	size_t i, used = sizeof(r);
	int st = 0;

	do {
		for (i = 0; i < n; used++) {
			if (used == sizeof(r)) {
				if (RAND_bytes(r, sizeof(r)) != 1) {
					st = -1;
					break;
				}
				used = 0;
			}
			if (r[used] < lim)
				out[i++] = alphabet[r[used] % k];
		}
		out[i] = '\0';
	} while (!st && n >= 4 && !complex_enough(out));
	OPENSSL_cleanse(r, sizeof(r));
	return st;
}

int mb_samcmd_safe(const char *p, int wsh)
{
	for (; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f ||
		    (wsh && *p == '"'))
			return 0;
	return 1;
}

void mb_samcmd_header(struct mb_buf *b, enum mb_shell sh, const char *what)
{
	int ps = sh == MB_SHELL_PS;
	const char *c = ps ? "#" : "rem";

	if (!ps)
		mb_buf_puts(b, "@echo off\n");
	mb_buf_printf(b, "%s mbtool %s: THIS SCRIPT CONTAINS PASSWORDS; "
		      "store it safely and delete it after use\n", c, what);
	if (ps)
		mb_buf_puts(b, "# runs in PowerShell 1.0 (Windows Server 2003 "
			    "SP1) and 2.0 (SP2) and later: [ADSI] WinNT:, no "
			    "module needed\n");
	else
		mb_buf_puts(b, "rem runs in cmd.exe on Windows Server 2003 and "
			    "later (net user: any Windows; dsmod: Server 2003 "
			    "or its Administration Tools)\n");
}

static enum mb_status refuse(struct mb_error *err, enum mb_shell sh,
			     const char *what, const char *s,
			     const char *reason)
{
	char *shown = mb_shellquote_show(s);
	enum mb_status st;

	st = mb_error_set(err, MB_EFILE, what, shown ? shown : "?", "cannot "
			  "print a %s command for it: it %s; set it right on "
			  "the server by hand", mb_shellquote_shell_name(sh),
			  reason);
	free(shown);
	return st;
}

static enum mb_status put(struct mb_buf *b, enum mb_shell sh, const char *s,
			  int word, struct mb_error *err)
{
	char *q = word ? mb_shellquote_word(sh, s) : mb_shellquote(sh, s);
	const char *why = mb_shellquote_refusal(sh, s);

	if (!q && why && !word) /* a password: never in a message */
		return mb_error_set(err, MB_EFILE, "password", NULL, "cannot "
				    "be quoted for %s: it %s",
				    mb_shellquote_shell_name(sh), why);
	if (!q && why)
		return refuse(err, sh, "name", s, why);
	if (q) {
		mb_buf_puts(b, q);
		OPENSSL_cleanse(q, strlen(q));
	} else {
		b->failed = 1;
	}
	free(q);
	return MB_OK;
}

enum mb_status mb_samcmd_word(struct mb_buf *b, enum mb_shell sh,
			      const char *s, struct mb_error *err)
{
	return put(b, sh, s, 1, err);
}

const char *mb_samcmd_refusal(enum mb_shell sh, const char *name)
{
	const char *why = mb_shellquote_refusal(sh, name);

	if (why)
		return why;
	if (!*name)
		return "names no user (nothing after DOMAIN\\)";
	if (sh != MB_SHELL_PS && name[0] == '/')
		return "starts with '/', which net.exe reads as an option";
	if (sh == MB_SHELL_PS && strpbrk(name, "/,"))
		return "holds '/' or ',', which end a WinNT: ADsPath part";
	return NULL;
}

static enum mb_status cmd_user(struct mb_buf *b, const char *name,
			       const char *pass, int ad, struct mb_error *err)
{
	enum mb_status st;

	mb_buf_puts(b, "net user ");
	st = put(b, MB_SHELL_CMD, name, 1, err);
	mb_buf_putc(b, ' ');
	if (!st)
		st = put(b, MB_SHELL_CMD, pass, 0, err);
	mb_buf_puts(b, ad ? " /domain\n" : "\n");
	if (st || !ad)
		return st;
	mb_buf_puts(b, "rem or: dsquery user -samid ");
	st = put(b, MB_SHELL_CMD, name, 1, err);
	mb_buf_puts(b, " | dsmod user -pwd ");
	if (!st)
		st = put(b, MB_SHELL_CMD, pass, 0, err);
	mb_buf_putc(b, '\n');
	return st;
}

/* dom: the DOMAIN of DOMAIN\name, or NULL for this computer ("."), or
 * "" for the domain of the logged-on user (a DC, or name@domain). */
static enum mb_status ps_user(struct mb_buf *b, const char *dom,
			      const char *name, const char *pass,
			      struct mb_error *err)
{
	struct mb_buf path;
	enum mb_status st;

	mb_buf_init(&path);
	mb_buf_printf(&path, "%s%s/%s,user", dom && *dom ? "WinNT://" : "",
		      dom ? dom : "WinNT://.", name);
	mb_buf_puts(b, dom && !*dom ? "$u = [ADSI]('WinNT://' + "
		    "$env:USERDOMAIN + " : "$u = [ADSI]");
	st = mb_buf_failed(&path) ? (b->failed = 1, MB_OK) :
		put(b, MB_SHELL_PS, path.data, 0, err);
	mb_buf_puts(b, dom && !*dom ? "); " : "; ");
	mb_buf_release(&path);
	mb_buf_puts(b, "$u.SetPassword(");
	if (!st)
		st = put(b, MB_SHELL_PS, pass, 0, err);
	mb_buf_puts(b, "); $u.SetInfo()\n");
	return st;
}

enum mb_status mb_samcmd_user(struct mb_buf *b, enum mb_shell sh,
			      const char *account, const char *pass,
			      int domain, struct mb_error *err)
{
	const char *bsl = strrchr(account, '\\'), *at;
	char *name, *dom = NULL;
	const char *why;
	struct mb_buf line;
	enum mb_status st;

	name = strdup(bsl ? bsl + 1 : account);
	if (bsl)
		dom = strndup(account, (size_t)(bsl - account));
	if (!name || (bsl && !dom)) {
		free(name);
		free(dom);
		b->failed = 1;
		return MB_OK;
	}
	if ((at = strchr(name, '@')) != NULL)
		name[at - name] = '\0'; /* both take the sAMAccountName */
	why = mb_samcmd_refusal(sh, name);
	if (!why && dom && sh == MB_SHELL_PS)
		why = mb_samcmd_refusal(sh, dom);
	mb_buf_init(&line);
	if (why)
		st = refuse(err, sh, "account", account, why);
	else if (sh == MB_SHELL_PS)
		st = ps_user(&line, dom ? dom : at || domain ? "" : NULL, name,
			     pass, err);
	else
		st = cmd_user(&line, name, pass, bsl || at || domain, err);
	if (!st)
		mb_buf_append(b, line.data, line.len);
	if (mb_buf_failed(&line))
		b->failed = 1;
	mb_buf_wipe(&line);
	free(name);
	free(dom);
	return st;
}

enum mb_status mb_samcmd_adsutil(struct mb_buf *b, enum mb_shell sh,
				 const char *path, const char *prop,
				 const char *pass, struct mb_error *err)
{
	int ps = sh == MB_SHELL_PS;
	struct mb_buf line, target;
	enum mb_status st;

	mb_buf_init(&target);
	mb_buf_init(&line);
	mb_buf_printf(&target, "%s/%s", path, prop);
	mb_buf_printf(&line, "cscript %s%s%s SET ", ps ? "\"" : "",
		      ps ? ADSUTIL_PS : ADSUTIL, ps ? "\"" : "");
	st = put(&line, sh, target.data ? target.data : "", 1, err);
	mb_buf_putc(&line, ' ');
	if (!st)
		st = put(&line, sh, pass, 0, err);
	mb_buf_putc(&line, '\n');
	if (!st)
		mb_buf_append(b, line.data, line.len);
	if (mb_buf_failed(&line) || mb_buf_failed(&target))
		b->failed = 1;
	mb_buf_wipe(&line);
	mb_buf_release(&target);
	return st;
}
