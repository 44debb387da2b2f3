/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mb/path.h"
#include "mb/query.h"

int cli_usage(struct cli *cli, const char *cmd, const char *fmt, ...)
{
	const struct cli_cmd *c = cli_command(cmd);
	struct mb_buf syn;
	char msg[512];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mb_buf_init(&syn);
	if (c)
		cli_synopsis(&syn, c);
	/* one line: the synopsis when short, else where the options are */
	if (syn.data && syn.len <= 60)
		st = mb_error_set(&cli->err, MB_EUSAGE, cmd, NULL,
				  "%s; usage: mbtool %s", msg, syn.data);
	else
		st = mb_error_set(&cli->err, MB_EUSAGE, cmd, NULL,
				  "%s (usage: mbtool help %s)", msg, cmd);
	mb_buf_release(&syn);
	return st;
}

int cli_nothing_stored(const struct mb_prop *p, const struct mb_result *r)
{
	return (p->attrs & MB_ATTR_SECURE) && r->origin == MB_ORIGIN_DEFAULT;
}

int cli_unexpected(struct cli *cli, const struct cli_parser *p, int id)
{
	if (id == CLI_HELP)
		return cli_usage(cli, p->cmd, "'%s' is not for a batch "
				 "line", p->word);
	if (id == CLI_ERR)
		return MB_EUSAGE;  /* cli->err says why */
	return cli_usage(cli, p->cmd, "'%s' is not handled here",
			 p->word);
}

int cli_take_arg(struct cli *cli, const struct cli_parser *p,
		 const char **arg)
{
	if (*arg)
		return cli_usage(cli, p->cmd, "wrong number of arguments "
				 "('%s')", p->val);
	*arg = p->val;
	return MB_OK;
}

int cli_find_key(struct cli *cli, const struct mb_doc *doc,
		 const char *cmd, const char *arg, unsigned flags,
		 struct mb_path *path, size_t *key)
{
	int st = mb_path_parse(arg ? arg : "", flags, path, &cli->err);

	if (st)
		return st;
	*key = mb_doc_find(doc, path->location);
	if (*key != MB_NOKEY)
		return MB_OK;
	st = cli_no_path(cli, cmd, arg ? arg : "/LM", doc, path->location);
	mb_path_release(path);
	return st;
}
