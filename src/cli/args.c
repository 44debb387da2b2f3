/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mb/path.h"

int mb_cli_is(const char *arg, const char *opt)
{
	return strcmp(arg, opt) == 0;
}

int mb_cli_value(int argc, char **argv, int *i, const char *opt,
		 const char **val)
{
	size_t n = strlen(opt);

	if (strncmp(argv[*i], opt, n) != 0)
		return 0;
	if (argv[*i][n] == '=') {
		*val = argv[*i] + n + 1;
		return 1;
	}
	if (argv[*i][n] != '\0')
		return 0;
	if (*i + 1 >= argc) {
		*val = NULL;
		return 1;
	}
	*val = argv[++*i];
	return 1;
}

int mb_cli_usage(struct mb_cli *cli, const char *cmd, const char *fmt, ...)
{
	const struct mb_cmd *c = mb_cli_command(cmd);
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return mb_error_set(&cli->err, MB_EUSAGE, cmd, NULL,
			    "%s; usage: mbtool %s", msg,
			    c ? c->usage : cmd);
}

int mb_cli_bad_option(struct mb_cli *cli, const char *cmd, const char *arg)
{
	return mb_cli_usage(cli, cmd, "unknown option '%s'", arg);
}

int mb_cli_find_key(struct mb_cli *cli, const struct mb_doc *doc,
		    const char *cmd, const char *arg, unsigned flags,
		    struct mb_path *path, size_t *key)
{
	int st = mb_path_parse(arg ? arg : "", flags, path, &cli->err);

	if (st)
		return st;
	*key = mb_doc_find(doc, path->location);
	if (*key != MB_NOKEY)
		return MB_OK;
	st = mb_cli_no_path(cli, cmd, arg ? arg : "/LM", doc, path->location);
	mb_path_release(path);
	return st;
}
