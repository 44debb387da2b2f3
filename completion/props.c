/* SPDX-License-Identifier: MIT */
/*
 * Build-time helper: copy the completion script template (argv[1]) to
 * argv[2], replacing the line "@PROPERTIES@" with the property names of the
 * built-in schema (and their flag sub-properties), one shell word a line,
 * and the other @MARKERS@ with what the command and option tables say
 * (cli_completion).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mb/alias.h"
#include "mb/schema.h"

static int cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* adsutil's special names (mb/alias.h) complete like properties. */
static void emit_aliases(FILE *out)
{
	static const char *const names[] = {
		"AccessPerm", "Authorization", "VRPath",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (mb_alias_find(names[i]))
			fprintf(out, "%s\n", names[i]);
}

static int emit_props(FILE *out)
{
	const struct mb_schema *s = mb_schema_builtin();
	size_t n = mb_schema_nprops(s), i, k = 0, cap = n + 1;
	const char **names = malloc(cap * sizeof(*names));
	unsigned f;

	if (!names)
		return -1;
	for (i = 0; i < n; i++) {
		const struct mb_prop *p = mb_schema_prop_at(s, i);
		const char **nn;

		if (k + p->nflags + 1 > cap) {
			cap = (k + p->nflags + 1) * 2;
			nn = realloc(names, cap * sizeof(*names));
			if (!nn) {
				free(names);
				return -1;
			}
			names = nn;
		}
		names[k++] = p->name;
		for (f = 0; f < p->nflags; f++)
			names[k++] = p->flags[f].name;
	}
	qsort(names, k, sizeof(*names), cmp);
	for (i = 0; i < k; i++)
		if (names[i] && names[i][0] &&
		    (i == 0 || strcmp(names[i], names[i - 1]) != 0) &&
		    strspn(names[i], "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			   "abcdefghijklmnopqrstuvwxyz0123456789_-") ==
			    strlen(names[i]))
			fprintf(out, "%s\n", names[i]);
	free(names);
	emit_aliases(out);
	return 0;
}

/* A whole-line marker: @COMMANDS@, @VALUES@, ... (src/cli/complete.c). */
static void emit_marker(FILE *out, char *line)
{
	line[strcspn(line, "\n")] = '\0';
	cli_completion(out, line);
}

/* A marker inside a line: the line around the generated words. */
static void emit_inline(FILE *out, const char *line, const char *at,
			const char *marker)
{
	char *words = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&words, &len);

	if (!m)
		return;
	cli_completion(m, marker);
	fclose(m);
	words[strcspn(words, "\n")] = '\0';
	/* "|-f|--file...": the first bar would make an empty pattern */
	fprintf(out, "%.*s%s%s", (int)(at - line), line,
		words[0] == '|' ? words + 1 : words, at + strlen(marker));
	free(words);
}

int main(int argc, char **argv)
{
	char line[4096], *at;
	FILE *in, *out;
	int bad = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: props TEMPLATE OUTPUT\n");
		return 2;
	}
	in = fopen(argv[1], "r");
	out = fopen(argv[2], "w");
	if (!in || !out) {
		perror("props");
		return 1;
	}
	while (fgets(line, sizeof(line), in)) {
		if (strcmp(line, "@PROPERTIES@\n") == 0)
			bad |= emit_props(out) != 0;
		else if (line[0] == '@')
			emit_marker(out, line);
		else if ((at = strstr(line, "@GLOBAL_VALUED@")) != NULL)
			emit_inline(out, line, at, "@GLOBAL_VALUED@");
		else
			fputs(line, out);
	}
	bad |= ferror(in) || fclose(in) != 0;
	bad |= fclose(out) != 0;
	if (bad) {
		fprintf(stderr, "props: cannot write %s\n", argv[2]);
		remove(argv[2]);
		return 1;
	}
	return 0;
}
