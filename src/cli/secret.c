/* SPDX-License-Identifier: MIT */
/*
 * Secret inputs shared by reveal, sam, set and reset: the machine key
 * options (--exchange-key F, --signing-key F), passwords from a file or
 * stdin (--password-file F|-) or a no-echo prompt, and machine-key mode
 * for a write: the keys proven to be the file's before anything is
 * encrypted. Secrets never come from argv; buffers that held one are
 * wiped (OPENSSL_cleanse) by cli_secret_free.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli.h"
#include "plainsrc.h"
#include "mb/edit.h"
#include "mb/path.h"

/* ---- machine keys ------------------------------------------------------ */

int cli_keys_option(struct cli_keys *k, int id, const char *val)
{
	if (id == CLI_O_SIGNING_KEY)
		k->signing = val;
	else if (id == CLI_O_EXCHANGE_KEY)
		k->exchange = val;
	else
		return 0;
	return 1;
}

int cli_keys_load(struct cli *cli, struct cli_keys *k)
{
	int st = MB_OK;

	if (k->signing && !k->sign)
		st = mb_crypt_key_load(k->signing, &k->sign, &cli->err);
	if (!st && k->exchange && !k->exch)
		st = mb_crypt_key_load(k->exchange, &k->exch, &cli->err);
	return st;
}

void cli_keys_free(struct cli_keys *k)
{
	mb_crypt_key_free(k->sign);
	mb_crypt_key_free(k->exch);
	k->sign = k->exch = NULL;
}

/* ---- passwords ----------------------------------------------------------- */

void cli_secret_free(char *s, size_t len)
{
	if (!s)
		return;
	OPENSSL_cleanse(s, len + 1);
	free(s);
}

/* All of f (at most max bytes), one trailing newline (LF or CRLF) off. */
static int read_stream(FILE *f, size_t max, char **out, size_t *len)
{
	char *buf = malloc(max + 2);
	size_t n;

	if (!buf)
		return -1;
	n = fread(buf, 1, max + 1, f);
	if (ferror(f) || n > max) {
		OPENSSL_cleanse(buf, max + 2);
		free(buf);
		return -1;
	}
	if (n && buf[n - 1] == '\n')
		n--;
	if (n && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

int cli_secret_file(struct cli *cli, const char *cmd, const char *file,
		    size_t max, char **out, size_t *len)
{
	FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
	int rc;

	*out = NULL;
	*len = 0;
	if (!f)
		return mb_error_set(&cli->err, MB_EFILE, cmd, file,
				    "cannot open password file: %s",
				    strerror(errno));
	rc = read_stream(f, max, out, len);
	if (f != stdin)
		fclose(f);
	if (rc)
		return mb_error_set(&cli->err, MB_EFILE, cmd, file,
				    "cannot read the password file (at most "
				    "%zu bytes)", max);
	return MB_OK;
}

/* One line from the terminal with echo off; 0 or -1. */
static int read_noecho(FILE *tty, const char *prompt, char *buf, size_t size)
{
	struct termios old, quiet;
	int fd = fileno(tty), ok;

	if (tcgetattr(fd, &old))
		return -1;
	quiet = old;
	quiet.c_lflag &= (tcflag_t)~(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	fprintf(stderr, "%s", prompt);
	fflush(stderr);
	if (tcsetattr(fd, TCSAFLUSH, &quiet))
		return -1;
	ok = fgets(buf, (int)size, tty) != NULL;
	tcsetattr(fd, TCSAFLUSH, &old);
	fputc('\n', stderr);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

static int prompt_twice(FILE *tty, const char *what, char *a, char *b,
			size_t size)
{
	char p[160];

	snprintf(p, sizeof(p), "New %s: ", what);
	if (read_noecho(tty, p, a, size))
		return -1;
	snprintf(p, sizeof(p), "Retype new %s: ", what);
	if (read_noecho(tty, p, b, size))
		return -1;
	return strcmp(a, b) ? 1 : 0;
}

int cli_secret_prompt(struct cli *cli, const char *cmd,
		      const char *what, size_t max, char **out,
		      size_t *len)
{
	FILE *tty = isatty(STDIN_FILENO) ? fopen("/dev/tty", "r+") : NULL;
	char *a = calloc(1, max + 2), *b = calloc(1, max + 2);
	int rc = -1, asked = tty != NULL;

	*out = NULL;
	/* unbuffered: no copy of the password is left in a stdio buffer */
	if (tty && a && b && setvbuf(tty, NULL, _IONBF, 0) == 0)
		rc = prompt_twice(tty, what, a, b, max + 2);
	if (tty)
		fclose(tty);
	cli_secret_free(b, max + 1);
	if (rc == 0 && strlen(a) <= max) {
		*out = a;
		*len = strlen(a);
		return MB_OK;
	}
	cli_secret_free(a, max + 1);
	if (rc == 1)
		return mb_error_set(&cli->err, MB_EUSAGE, cmd, NULL, "the two "
				    "passwords differ; nothing changed");
	if (rc == 0)
		return mb_error_set(&cli->err, MB_EUSAGE, cmd, NULL, "the "
				    "password is longer than %zu bytes", max);
	return cli_usage(cli, cmd, "give the new %s with --password-file "
			 "FILE (or - for stdin): %s", what, asked ?
			 "it could not be read from the terminal" :
			 "standard input is not a terminal to ask on");
}

/* ---- machine-key mode for a write ------------------------------------- */

/*
 * The gcd that recovers the signing key takes seconds with no output:
 * tell a user at a terminal why. Only for one file: with several, the
 * terminal's last line is the progress bar's.
 */
static void gcd_note(void *ctx)
{
	(void)ctx;
	cli_notef("signing key", NULL, "recovering the signing key from the "
		  "file's own signatures (one gcd: several seconds, then "
		  "cached)");
}

void cli_run_cache_open(struct cli *cli)
{
	const char *t = getenv("TMPDIR");
	char *dir = malloc(4096);

	if (!dir)
		return;
	snprintf(dir, 4096, "%s/mbtool-run-XXXXXX", t && *t == '/' ? t
								: "/tmp");
	if (mkdtemp(dir))
		cli->run_cache = dir;
	else
		free(dir);
}

/* The run's own files only: moduli, failed gcds and their locks. */
void cli_run_cache_close(struct cli *cli)
{
	char path[4200];
	struct dirent *e;
	DIR *d;

	if (!cli->run_cache)
		return;
	d = opendir(cli->run_cache);
	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, "sigmod-", 7) ||
		    !strncmp(e->d_name, "sigfail-", 8) ||
		    !strncmp(e->d_name, ".sigmod-", 8)) {
			snprintf(path, sizeof(path), "%s/%s", cli->run_cache,
				 e->d_name);
			unlink(path);
		}
	if (d)
		closedir(d);
	rmdir(cli->run_cache);
	free(cli->run_cache);
	cli->run_cache = NULL;
}

int cli_solver_opts(struct cli *cli, const struct mb_secrets *s,
		    struct cli_plainsrc *src, struct mb_reveal_opts *o)
{
	int st = cli_keys_load(cli, &src->keys);

	memset(o, 0, sizeof(*o));
	if (st)
		return st;
	o->session = mb_secrets_session(s);
	o->no_cache = src->no_cache;
	if (src->no_cache && cli->run_cache) {
		o->cache_dir = cli->run_cache;
		o->no_cache = 0;
	}
	if (src->keys.sign)
		o->modulus = mb_crypt_key_pub(src->keys.sign);
	o->exchange = src->keys.exch;
	o->machine_sids = src->msids;
	o->nmachine_sids = src->nmsids;
	if (cli->nfiles <= 1 && isatty(STDERR_FILENO))
		o->before_gcd = gcd_note;
	return MB_OK;
}

/*
 * The library proves the keys are this file's (the SessionKey, then every
 * value: mb_mkey_open_doc); here only the message: which command, which
 * file or value, and that nothing changed.
 */
int cli_mkey_open(struct cli *cli, const char *cmd,
		  const struct mb_doc *doc, struct cli_keys *k,
		  struct mb_mkey **out)
{
	char why[sizeof(cli->err.reason)], at[sizeof(cli->err.subject)];
	int st;

	*out = NULL;
	if (!k->exchange || !k->signing)
		return cli_usage(cli, cmd, "encrypting a new value needs "
				 "both machine keys: --exchange-key FILE "
				 "and --signing-key FILE (private keys)");
	st = cli_keys_load(cli, k);
	if (st)
		return st;
	st = mb_mkey_open_doc(k->exch, k->sign, doc, out, &cli->err);
	if (!st)
		return MB_OK;
	snprintf(why, sizeof(why), "%s", cli->err.reason);
	snprintf(at, sizeof(at), "%s", cli->err.subject);
	/* a value names itself; otherwise the keys failed on the file */
	if (!at[0])
		return mb_error_set(&cli->err, st, cmd, doc->path, "%s", why);
	return mb_error_set(&cli->err, st, cmd, at, "%s (nothing changed)",
			    why);
}

/* ---- writing an encrypted value ----------------------------------------- */

int cli_put_secret(struct cli_wsess *s, size_t key, const char *prop,
		   const char *text, const char *note)
{
	const struct mb_prop *p = mb_schema_prop(s->doc->schema, prop);
	const char *at = mb_path_display(s->doc->keys[key].location);
	char *cur = mb_acct_value(s->doc, key, prop, 1);
	int same = cur && strcmp(cur, text) == 0, st;
	struct cli_change *ch;

	free(cur);
	if (same)
		return MB_OK;
	st = mb_edit_set(s->doc, &s->edits, key, p, text, 0, &s->cli->err);
	if (st)
		return st;
	if (!(ch = cli_wsess_change(s, "set")))
		return s->cli->err.status;
	ch->path = strdup(at);
	ch->prop = strdup(prop);
	ch->type = *p; /* masked in --json, as set shows it */
	ch->value = strdup(text);
	mb_buf_printf(&s->echo, "set    %s/%s = (%s)\n", at, prop, note);
	return MB_OK;
}
