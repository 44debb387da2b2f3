/* SPDX-License-Identifier: MIT */
/*
 * The generated parts of the bash completion (completion/mbtool.bash is
 * the template, completion/props.c fills it in at build time): the command
 * names, the global options, each command's options and what each option's
 * value completes to, all from the option tables, so the completion
 * cannot drift from what the commands accept.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

struct emit {
	FILE *out;
	int valued_only;   /* only options that take a value */
};

static void opt_words(const struct cli_opt *o, void *ctx)
{
	struct emit *e = ctx;

	if (e->valued_only && !o->arg)
		return;
	if (o->letter)
		fprintf(e->out, "%s-%c", e->valued_only ? "|" : " ", o->letter);
	fprintf(e->out, "%s--%s", e->valued_only ? "|" : " ", o->name);
}

/* What a value of syntax arg completes to: a case arm's body. */
static const char *value_action(const char *arg)
{
	if (strstr(arg, "FILE") || strstr(arg, "DIR"))
		return "compopt -o filenames 2>/dev/null; "
		       "COMPREPLY=($(compgen -f -- \"$cur\"))";
	if (strcmp(arg, "PROP") == 0)
		return "COMPREPLY=($(compgen -W \"$_mbtool_props\" -- "
		       "\"$cur\"))";
	if (strcmp(arg, "N") == 0)
		return "COMPREPLY=($(compgen -W \"1 2 4 8 16\" -- \"$cur\"))";
	return NULL;
}

/* Each option with a value once: --account is --account everywhere. */
struct arms {
	FILE *out;
	const char *seen[128];
	size_t n;
};

static void value_words(FILE *out, const char *arg)
{
	char words[128];
	size_t i;

	snprintf(words, sizeof(words), "%s", arg);
	for (i = 0; words[i]; i++)
		if (words[i] == '|')
			words[i] = ' ';
	fprintf(out, "COMPREPLY=($(compgen -W \"%s\" -- \"$cur\"))\n", words);
}

static void value_arm(const struct cli_opt *o, void *ctx)
{
	struct arms *a = ctx;
	const char *act;
	size_t i;

	if (!o->arg)
		return;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->seen[i], o->name) == 0)
			return;
	if (a->n < sizeof(a->seen) / sizeof(a->seen[0]))
		a->seen[a->n++] = o->name;
	fputs("        ", a->out);
	if (o->letter)
		fprintf(a->out, "-%c|", o->letter);
	fprintf(a->out, "--%s)\n            ", o->name);
	act = value_action(o->arg);
	if (act)
		fprintf(a->out, "%s\n", act);
	else if (strchr(o->arg, '|') && !strpbrk(o->arg, UPPER))
		value_words(a->out, o->arg);
	else
		fprintf(a->out, "COMPREPLY=()\n");
	fprintf(a->out, "            return ;;\n");
}

static void emit_cmdopts(FILE *out)
{
	struct emit e = { out, 0 };
	size_t i, n;
	const struct cli_cmd *c = cli_commands(&n);

	for (i = 0; i < n; i++) {
		if (c[i].flags & CLI_CMD_NODOC)
			continue;   /* help: completes command names */
		fprintf(out, "        %s) opts+=\"", c[i].name);
		cli_opt_each(c[i].opts, opt_words, &e);
		fprintf(out, "\" ;;\n");
	}
}

static void emit_values(FILE *out)
{
	struct arms a;
	size_t i, n;
	const struct cli_cmd *c = cli_commands(&n);

	a.out = out;
	a.n = 0;
	cli_opt_each(cli_global_opts, value_arm, &a);
	for (i = 0; i < n; i++)
		cli_opt_each(c[i].opts, value_arm, &a);
}

void cli_completion(FILE *out, const char *marker)
{
	struct emit e = { out, 0 };
	size_t i, n;
	const struct cli_cmd *c = cli_commands(&n);

	if (strcmp(marker, "@COMMANDS@") == 0) {
		for (i = 0; i < n; i++)
			fprintf(out, "%s\n", c[i].name);
	} else if (strcmp(marker, "@GLOBALS@") == 0) {
		cli_opt_each(cli_global_opts, opt_words, &e);
		fprintf(out, " -h --help\n");
	} else if (strcmp(marker, "@GLOBAL_VALUED@") == 0) {
		e.valued_only = 1;
		cli_opt_each(cli_global_opts, opt_words, &e);
		fprintf(out, "\n");
	} else if (strcmp(marker, "@VALUES@") == 0) {
		emit_values(out);
	} else if (strcmp(marker, "@CMDOPTS@") == 0) {
		emit_cmdopts(out);
	}
}
