/* SPDX-License-Identifier: MIT */
/*
 * help [COMMAND]: the command list, or one command's usage, made from the
 * command table and the commands' option tables (so they cannot drift),
 * every line within 80 columns.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mb/json.h"

#define OPTCOL 24   /* where an option's help line starts */

const struct cli_opt cli_help_opts[] = { CLI_END };

static void synopsis_opt(const struct cli_opt *o, void *ctx)
{
	struct mb_buf *b = ctx;

	int req = (o->flags & CLI_OPT_REQUIRED) != 0;

	mb_buf_puts(b, req ? " " : " [");
	if (o->letter)
		mb_buf_printf(b, "-%c", o->letter);
	else
		mb_buf_printf(b, "--%s", o->name);
	if (o->arg)
		mb_buf_printf(b, " %s", o->arg);
	if (!req)
		mb_buf_puts(b, "]");
}

void cli_synopsis(struct mb_buf *b, const struct cli_cmd *c)
{
	mb_buf_puts(b, c->name);
	cli_opt_each(c->opts, synopsis_opt, b);
	if (c->args[0])
		mb_buf_printf(b, " %s", c->args);
}

static void option_line(const struct cli_opt *o, void *ctx)
{
	struct mb_buf *b = ctx;
	size_t start = b->len, n;

	mb_buf_puts(b, "  ");
	cli_opt_label(b, o);
	n = b->len - start;
	if (n + 2 > OPTCOL) {
		mb_buf_printf(b, "\n%*s", OPTCOL, "");
		n = OPTCOL;
	} else {
		mb_buf_printf(b, "%*s", (int)(OPTCOL - n), "");
		n = OPTCOL;
	}
	cli_wrap(b, o->help, OPTCOL, n);
}

static void global_line(const struct cli_opt *o, void *ctx)
{
	option_line(o, ctx);
}

void cli_help_cmd(struct mb_buf *b, const struct cli_cmd *c)
{
	struct mb_buf syn;

	mb_buf_init(&syn);
	cli_synopsis(&syn, c);
	mb_buf_puts(b, "usage: mbtool ");
	cli_wrap(b, syn.data ? syn.data : c->name, 8, 14);
	mb_buf_release(&syn);
	mb_buf_puts(b, "\n");
	cli_wrap(b, c->summary, 0, 0);
	mb_buf_puts(b, "\noptions:\n");
	cli_opt_each(c->opts, option_line, b);
	option_line(&(const struct cli_opt){ 0, "help", 'h', NULL,
		    "this help", 0, NULL }, b);
	mb_buf_printf(b, "\nexample:\n  mbtool -f MetaBase.xml %s\n",
		      c->example);
	if (!(c->flags & CLI_CMD_NODOC))
		mb_buf_puts(b, "\nglobal options (before or after the "
			    "command): mbtool help\n");
}

void cli_help_all(struct mb_buf *b)
{
	size_t i, n;
	const struct cli_cmd *c = cli_commands(&n);

	mb_buf_puts(b, CLI_SYNOPSIS "\nglobal options (before or after "
		    "the command):\n");
	cli_opt_each(cli_global_opts, global_line, b);
	mb_buf_puts(b, "\ncommands (mbtool help COMMAND: its options and an "
		    "example):\n");
	for (i = 0; i < n; i++) {
		mb_buf_printf(b, "  %-16s", c[i].name);
		cli_wrap(b, c[i].summary, 18, 18);
	}
	mb_buf_puts(b, "\nadsutil's command names work too (GET, ENUM_ALL, "
		    "CREATE_VDIR, ...).\nexit status: 0 ok, 1 doctor found "
		    "problems, 2 usage, 3 not set at this node,\n4 path not "
		    "found, 5 unknown or disallowed property, 6 file error,\n"
		    "7 secure value not recovered, 8 confirmation declined\n");
}

/* --json: {"commands": [{"name", "usage", "summary", "writes"}]} */
static void help_json(struct cli *cli, const struct cli_cmd *c, size_t n)
{
	struct mb_json j;
	struct mb_buf syn;
	size_t i;

	mb_buf_init(&syn);
	mb_json_init(&j, &cli->out);
	mb_json_obj_begin(&j);
	mb_json_key(&j, "commands");
	mb_json_arr_begin(&j);
	for (i = 0; i < n; i++) {
		mb_buf_reset(&syn);
		cli_synopsis(&syn, &c[i]);
		mb_json_obj_begin(&j);
		mb_json_kstr(&j, "name", c[i].name);
		mb_json_kstr(&j, "usage", syn.data ? syn.data : c[i].name);
		mb_json_kstr(&j, "summary", c[i].summary);
		mb_json_kbool(&j, "writes", (c[i].flags & CLI_CMD_WRITES) != 0);
		mb_json_obj_end(&j);
	}
	mb_json_arr_end(&j);
	mb_json_obj_end(&j);
	mb_buf_release(&syn);
}

int cmd_help(struct cli *cli, struct mb_doc *doc, int argc, char **argv)
{
	const struct cli_cmd *c;
	struct cli_parser p;
	const char *name = NULL;
	char **av;
	size_t n;
	int id;

	(void)doc;
	cli_parser_init(&p, "help", cli_help_opts, argc, argv);
	while ((id = cli_next(&p, &cli->err)) != CLI_DONE) {
		if (id != CLI_ARG || name)
			return id == CLI_ERR ? MB_EUSAGE :
			       cli_usage(cli, "help", "one COMMAND only");
		name = p.val;
	}
	if (!name) {
		c = cli_commands(&n);
		if (cli->json)
			help_json(cli, c, n);
		else
			cli_help_all(&cli->out);
		return MB_OK;
	}
	av = argv;
	if (cli_resolve(name, &argc, &av, &c, &cli->err))
		return MB_EUSAGE;
	if (av != argv)
		free(av);  /* create_vdir: help on create */
	if (cli->json)
		help_json(cli, c, 1);
	else
		cli_help_cmd(&cli->out, c);
	return MB_OK;
}
