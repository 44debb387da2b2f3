/* SPDX-License-Identifier: MIT */
/*
 * batch [SCRIPT] [--dry-run] [--no-backup] [--yes] [--break-lock]: several
 * write commands, one per line of SCRIPT (default, or "-": standard
 * input), planned in order and written together in one atomic write, or
 * not at all: the first line that fails stops the batch and nothing is
 * written. Lines are set, delete, create, copy and move with their usual
 * arguments (a line may add --yes, --force, --parents); words are split on
 * blanks, '...' and "..." quote (\" and \\ inside "..."), a backslash
 * elsewhere is an ordinary character (W3SVC\1 is a path), and blank lines
 * and lines starting with # are skipped. Each line sees the lines before
 * it (create a key, then set its properties).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

static const struct {
	const char *name;
	mb_plan_fn *plan;
} planners[] = {
	{ "set", mb_plan_set },
	{ "delete", mb_plan_delete },
	{ "create", mb_plan_create },
	{ "copy", mb_plan_copy },
	{ "move", mb_plan_copy },
};

/* Standard input can be read once: with several -f files, keep it. */
static char *stdin_script;

static char *read_stream(FILE *f)
{
	struct mb_buf b;
	char chunk[8192];
	size_t n;

	mb_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		mb_buf_append(&b, chunk, n);
	if (ferror(f) || mb_buf_failed(&b)) {
		mb_buf_release(&b);
		return NULL;
	}
	return b.data ? mb_buf_detach(&b, NULL) : strdup("");
}

static int read_script(struct mb_cli *cli, const char *path, char **out)
{
	FILE *f;

	if (!path || strcmp(path, "-") == 0) {
		if (!stdin_script)
			stdin_script = read_stream(stdin);
		*out = stdin_script ? strdup(stdin_script) : NULL;
	} else if ((f = fopen(path, "r")) != NULL) {
		*out = read_stream(f);
		fclose(f);
	} else {
		return mb_error_set(&cli->err, MB_EUSAGE, "batch", path,
				    "cannot open the script");
	}
	if (!*out)
		return mb_error_set(&cli->err, MB_EFILE, "batch",
				    path ? path : "-", "cannot read the script");
	return MB_OK;
}

/* One quoted word starting at *p (a quote), copied to *o. */
static int quoted(char **p, char **o)
{
	char q = *(*p)++;

	while (**p && **p != q) {
		if (q == '"' && **p == '\\' && ((*p)[1] == '"' ||
						 (*p)[1] == '\\'))
			(*p)++;
		*(*o)++ = *(*p)++;
	}
	if (!**p)
		return -1;
	(*p)++;
	return 0;
}

/* Split line in place into words; -1 on an unterminated quote. */
static int split(char *line, char **words)
{
	char *p = line, *o;
	int n = 0;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return n;
		o = p;
		words[n++] = o;
		while (*p && *p != ' ' && *p != '\t') {
			if (*p != '"' && *p != '\'')
				*o++ = *p++;
			else if (quoted(&p, &o))
				return -1;
		}
		if (*p)
			p++;
		*o = '\0';
	}
}

static mb_plan_fn *planner(char *name)
{
	size_t i;

	for (i = 0; i < sizeof(planners) / sizeof(planners[0]); i++)
		if (strcasecmp(name, planners[i].name) == 0) {
			strcpy(name, planners[i].name); /* same length */
			return planners[i].plan;
		}
	return NULL;
}

/* The failing line's number and text go in front of the reason. */
static int at_line(struct mb_cli *cli, int st, long no, const char *text)
{
	char reason[sizeof(cli->err.reason)];

	snprintf(reason, sizeof(reason), "%s", cli->err.reason);
	snprintf(cli->err.reason, sizeof(cli->err.reason),
		 "batch line %ld (%.200s): %.760s; nothing written", no, text,
		 reason);
	cli->err.status = st;
	return st;
}

static int run_line(struct mb_wsess *s, char *line, long no)
{
	char *copy = strdup(line), **words;
	mb_plan_fn *plan;
	int n, st;

	words = calloc(strlen(line) / 2 + 2, sizeof(*words));
	if (!copy || !words) {
		free(copy);
		free(words);
		return mb_error_set(&s->cli->err, MB_EFILE, "batch", NULL,
				    "out of memory");
	}
	n = split(line, words);
	if (n < 0)
		st = mb_cli_usage(s->cli, "batch", "unterminated quote");
	else if (!(plan = planner(words[0])))
		st = mb_cli_usage(s->cli, "batch", "'%s' cannot be used in a "
				  "batch: only set, delete, create, copy and "
				  "move", words[0]);
	else {
		s->line_yes = 0;
		st = plan(s, n, words);
	}
	if (st)
		at_line(s->cli, st, no, copy);
	free(copy);
	free(words);
	return st;
}

static int run_script(struct mb_wsess *s, char *text)
{
	char *line = text, *next;
	long no = 0;
	int st = MB_OK;

	for (; line && !st; line = next) {
		size_t n;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		no++;
		n = strlen(line);
		while (n && isspace((unsigned char)line[n - 1]))
			line[--n] = '\0';
		while (isspace((unsigned char)*line))
			line++;
		if (*line && *line != '#')
			st = run_line(s, line, no);
	}
	return st;
}

static int parse_args(struct mb_wsess *s, int argc, char **argv,
		      const char **script)
{
	int i, st;

	*script = NULL;
	for (i = 1; i < argc; i++) {
		if ((st = mb_wsess_option(s, "batch", argv[i])) != 0) {
			if (st < 0)
				return MB_EUSAGE;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return mb_cli_bad_option(s->cli, "batch", argv[i]);
		} else if (*script) {
			return mb_cli_usage(s->cli, "batch", "one SCRIPT only");
		} else {
			*script = argv[i];
		}
	}
	return MB_OK;
}

int mb_cmd_batch(struct mb_cli *cli, struct mb_doc *doc, int argc,
		 char **argv)
{
	struct mb_wsess s;
	const char *path;
	char *text = NULL;
	int st;

	mb_wsess_init(&s, cli, doc, "batch");
	st = parse_args(&s, argc, argv, &path);
	if (!st)
		st = read_script(cli, path, &text);
	s.batch = 1;
	if (!st)
		st = run_script(&s, text);
	if (!st)
		st = mb_wsess_commit(&s);
	free(text);
	mb_wsess_release(&s);
	return st;
}
