/* SPDX-License-Identifier: MIT */
/* help [COMMAND]: the command list, or one command's usage. */
#include "cli.h"

int mb_cmd_help(struct mb_cli *cli, struct mb_doc *doc, int argc, char **argv)
{
	const struct mb_cmd *c;
	size_t i, n;

	(void)doc;
	if (argc > 1) {
		c = mb_cli_command(argv[1]);
		if (!c)
			return mb_error_set(&cli->err, MB_EUSAGE, "help",
					    argv[1], "no such command");
		mb_buf_printf(&cli->out, "usage: mbtool %s\n\n%s\n", c->usage,
			      c->summary);
		return MB_OK;
	}
	c = mb_cli_commands(&n);
	mb_buf_puts(&cli->out, MB_CLI_SYNOPSIS "\ncommands:\n");
	for (i = 0; i < n; i++)
		mb_buf_printf(&cli->out, "  %-40s %s\n", c[i].usage,
			      c[i].summary);
	return MB_OK;
}
