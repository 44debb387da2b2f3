/* SPDX-License-Identifier: MIT */
/*
 * schemagen: write an MBSchema.xml twin (tests/schemaw.c) for the golden
 * cases of --schema FILE, which otherwise need the corpus's real file.
 *
 *   schemagen [--prop NAME:ID:TYPE:ATTRS:CLASS[,CLASS...]]... -o FILE
 *
 * --prop adds a property the built-in schema lacks (a site's own
 * extension), so a case can tell the loaded file from the built-in table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schemaw.h"

#define MAX_EXTRA 16

static int usage(void)
{
	fputs("usage: schemagen [--prop NAME:ID:TYPE:ATTRS:CLASS[,CLASS...]]"
	      "... -o FILE\n", stderr);
	return 2;
}

/* NAME:ID:TYPE:ATTRS:CLASSES, split in place. */
static int parse_prop(char *s, struct schemaw_extra *x)
{
	char *f[5];
	int i;

	for (i = 0; i < 5; i++) {
		f[i] = s;
		s = i < 4 ? strchr(s, ':') : NULL;
		if (i < 4 && !s)
			return -1;
		if (s)
			*s++ = '\0';
	}
	x->name = f[0];
	x->id = (unsigned)strtoul(f[1], NULL, 10);
	x->type = f[2];
	x->attrs = f[3];
	x->classes = f[4];
	return x->id ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct schemaw_extra x[MAX_EXTRA];
	const char *out = NULL;
	size_t nx = 0;
	FILE *f;
	int i, rc = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--prop") && i + 1 < argc &&
			 nx < MAX_EXTRA)
			rc = parse_prop(argv[++i], &x[nx++]);
		else
			return usage();
		if (rc)
			return usage();
	}
	if (!out)
		return usage();
	f = fopen(out, "w");
	if (!f) {
		perror(out);
		return 1;
	}
	rc = schemaw_write(f, mb_schema_builtin(), x, nx);
	if (fclose(f) || rc) {
		perror(out);
		return 1;
	}
	return 0;
}
