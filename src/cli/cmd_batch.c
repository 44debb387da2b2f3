/* SPDX-License-Identifier: MIT */
/*
 * batch [SCRIPT] [--dry-run] [--no-backup] [--yes] [--break-lock]: several
 * write commands, one per line of SCRIPT (default, or "-": standard
 * input), planned in order and written together in one atomic write, or
 * not at all: the first line that fails stops the batch and nothing is
 * written. Lines are set, delete, create, copy and move with their usual
 * arguments (a line may add --yes, --force, --parents). How lines are
 * split into words (quotes, comments, CRLF) is mb/script.h, in the library
 * so that it can be fuzzed. Each line sees the lines before it (create a
 * key, then set its properties).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "mb/script.h"
#include "mb/suggest.h"

const struct cli_opt cli_batch_opts[] = {
	{ CLI_O_YES, "yes", 'y', NULL, "let delete PATH/ lines delete keys "
	  "without asking", 0, NULL },
	CLI_INCLUDE(cli_write_opts),
	CLI_INCLUDE(cli_force_opts),
	CLI_END,
};

/*
 * Standard input can be read once: with several -f files, keep it. The
 * length is kept too, so that a NUL byte in the script is seen (and
 * refused) instead of silently ending it.
 */
static struct mb_buf stdin_script;
static int stdin_read;

static int read_stream(FILE *f, struct mb_buf *b)
{
	char chunk[8192];
	size_t n;

	mb_buf_init(b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		mb_buf_append(b, chunk, n);
	if (ferror(f) || mb_buf_failed(b)) {
		mb_buf_release(b);
		return -1;
	}
	return 0;
}

/* The script's bytes in *text: stdin's are shared, a file's are owned. */
static int read_script(struct cli *cli, const char *path,
		       struct mb_buf *own, const struct mb_buf **text)
{
	FILE *f;
	int r;

	if (!path || strcmp(path, "-") == 0) {
		r = stdin_read ? 0 : read_stream(stdin, &stdin_script);
		stdin_read = !r;
		*text = &stdin_script;
	} else if ((f = fopen(path, "r")) != NULL) {
		r = read_stream(f, own);
		fclose(f);
		*text = own;
	} else {
		return mb_error_set(&cli->err, MB_EUSAGE, "batch", path,
				    "cannot open the script");
	}
	if (r)
		return mb_error_set(&cli->err, MB_EFILE, "batch",
				    path ? path : "-", "cannot read the script");
	return MB_OK;
}

/* A batchable command's planner (the command table says which). */
static mb_plan_fn *planner(char *name)
{
	const struct cli_cmd *c = cli_command(name);

	if (!c || !c->plan)
		return NULL;
	strcpy(name, c->name); /* same length: matched case-insensitively */
	return c->plan;
}

/* The failing line's number and text go in front of the reason. */
static int at_line(struct cli *cli, int st, long no, const char *text)
{
	char reason[sizeof(cli->err.reason)];

	snprintf(reason, sizeof(reason), "%s", cli->err.reason);
	snprintf(cli->err.reason, sizeof(cli->err.reason),
		 "batch line %ld (%.200s): %.760s; nothing written", no, text,
		 reason);
	cli->err.status = st;
	return st;
}

/* "only set, delete, ..." from the command table, and the nearest. */
static int not_batchable(struct cli *cli, const char *typed)
{
	const char *names[32], *near;
	char list[256] = "";
	size_t i, n, k = 0;
	const struct cli_cmd *c = cli_commands(&n);

	for (i = 0; i < n && k < 32; i++) {
		if (!c[i].plan)
			continue;
		names[k++] = c[i].name;
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s%s", k > 1 ? ", " : "", c[i].name);
	}
	near = mb_suggest(typed, names, k);
	return cli_usage(cli, "batch", "'%s' cannot be used in a batch: "
			 "only %s%s%s%s", typed, list,
			 near ? "; did you mean '" : "", near ? near : "",
			 near ? "'?" : "");
}

static int run_line(struct cli_wsess *s, struct mb_script *sc)
{
	mb_plan_fn *plan = planner(sc->argv[0]);

	if (!plan)
		return not_batchable(s->cli, sc->argv[0]);
	s->line_yes = 0;
	return plan(s, sc->argc, sc->argv);
}

static int run_script(struct cli_wsess *s, const char *text, size_t len)
{
	struct mb_script sc;
	int st;

	mb_script_init(&sc, text, len);
	for (;;) {
		st = mb_script_next(&sc, &s->cli->err);
		if (st == MB_EUSAGE)
			st = cli_usage(s->cli, "batch", "%s",
				       s->cli->err.reason);
		else if (!st && sc.argc)
			st = run_line(s, &sc);
		else
			break;
		if (st) {
			at_line(s->cli, st, sc.lineno, sc.line);
			break;
		}
	}
	mb_script_release(&sc);
	return st;
}

static int parse_args(struct cli_wsess *s, int argc, char **argv,
		      const char **script)
{
	struct cli_parser p;
	int id, st;

	*script = NULL;
	cli_parser_init(&p, "batch", cli_batch_opts, argc, argv);
	while ((id = cli_next(&p, &s->cli->err)) != CLI_DONE) {
		if ((st = cli_wsess_option(s, "batch", id, p.word)) != 0) {
			if (st < 0)
				return MB_EUSAGE;
		} else if (id != CLI_ARG) {
			return cli_unexpected(s->cli, &p, id);
		} else if (*script) {
			return cli_usage(s->cli, "batch", "one SCRIPT only");
		} else {
			*script = p.val;
		}
	}
	return MB_OK;
}

int cmd_batch(struct cli *cli, struct mb_doc *doc, int argc,
	      char **argv)
{
	struct cli_wsess s;
	struct mb_buf own;
	const struct mb_buf *text = NULL;
	const char *path;
	int st;

	mb_buf_init(&own);
	cli_wsess_init(&s, cli, doc, "batch");
	st = parse_args(&s, argc, argv, &path);
	if (!st)
		st = read_script(cli, path, &own, &text);
	s.batch = 1;
	if (!st)
		st = run_script(&s, text->data, text->len);
	if (!st)
		st = cli_wsess_commit_last(&s);
	mb_buf_release(&own);
	cli_wsess_release(&s);
	return st;
}
