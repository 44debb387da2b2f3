/* SPDX-License-Identifier: MIT */
/*
 * sync-passwords --account NAME --from PATH: copy the encrypted
 * AnonymousUserPass text set (or effective) at PATH, byte for byte, to
 * every key that sets AnonymousUserName = NAME (case-insensitive) locally,
 * so that the metabase holds one password per account. The blob's hex text
 * is moved as read, never re-encrypted (a blob is valid anywhere in the
 * same file). Exit 4 when PATH does not exist, 2 when NAME is set nowhere.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "mb/edit.h"
#include "mb/path.h"

#define NAMEP "AnonymousUserName"
#define PASSP "AnonymousUserPass"
#define CMD "sync-passwords"

struct sync {
	const char *account;
	const char *from;
	char *pass;
};

const struct cli_opt cli_sync_opts[] = {
	{ CLI_O_ACCOUNT, "account", 0, "NAME", "the account whose passwords "
	  "to make agree (required)", CLI_OPT_REQUIRED, NULL },
	{ CLI_O_FROM, "from", 0, "PATH", "the key whose encrypted password "
	  "is copied (required)", CLI_OPT_REQUIRED, NULL },
	CLI_INCLUDE(cli_write_opts),
	CLI_INCLUDE(cli_force_opts),
	CLI_END,
};

static int parse(struct cli_wsess *s, struct sync *c, int argc, char **argv)
{
	struct cli_parser p;
	int id, r;

	cli_parser_init(&p, CMD, cli_sync_opts, argc, argv);
	while ((id = cli_next(&p, &s->cli->err)) != CLI_DONE) {
		if ((r = cli_wsess_option(s, CMD, id, p.word)) != 0) {
			if (r < 0)
				return s->cli->err.status;
		} else if (id == CLI_O_ACCOUNT) {
			c->account = p.val;
		} else if (id == CLI_O_FROM) {
			c->from = p.val;
		} else {
			return cli_unexpected(s->cli, &p, id);
		}
	}
	if (!c->account || !c->from)
		return cli_usage(s->cli, CMD, "--account NAME and --from "
				 "PATH are required");
	return MB_OK;
}

static int sets_name(const struct mb_doc *doc, size_t key, const char *name)
{
	char *v = mb_acct_value(doc, key, NAMEP, 1);
	int yes = v && strcasecmp(v, name) == 0;

	free(v);
	return yes;
}

static int apply(struct cli_wsess *s, struct sync *c)
{
	size_t k, n = 0;
	int st = MB_OK;
	char note[1100];

	snprintf(note, sizeof(note), "encrypted, copied from %s", c->from);
	for (k = 0; !st && k < s->doc->nkeys; k++) {
		if (!sets_name(s->doc, k, c->account))
			continue;
		n++;
		st = cli_put_secret(s, k, PASSP, c->pass, note);
	}
	if (!st && !n)
		return mb_error_set(&s->cli->err, MB_ENOPATH, CMD, c->account,
				    "no key sets this AnonymousUserName; "
				    "'mbtool accounts' lists them");
	if (!st && !s->nchanges)
		mb_buf_printf(&s->echo, "every key that sets %s already holds "
			      "the password of %s\n", c->account, c->from);
	return st;
}

static int plan(struct cli_wsess *s, int argc, char **argv)
{
	struct sync c;
	int st;

	memset(&c, 0, sizeof(c));
	st = parse(s, &c, argc, argv);
	if (!st)
		st = cli_acct_pass_from(s->cli, s->doc, CMD, c.from, &c.pass);
	if (!st)
		st = apply(s, &c);
	free(c.pass);
	return st;
}

int cmd_sync(struct cli *cli, struct mb_doc *doc, int argc,
	     char **argv)
{
	return cli_write(cli, doc, argc, argv, plan);
}
