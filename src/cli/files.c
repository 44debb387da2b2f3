/* SPDX-License-Identifier: MIT */
/*
 * -f DIR: the metabase files in a folder (and its subfolders, a few levels
 * deep), found by content, not by name: MetaBase.xml, History
 * MetaBase_*.xml, MetaBack *.MD0 and exports all hold <MBProperty>.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static int looks_like_metabase(const char *path)
{
	char buf[8192];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return memchr(buf, '\0', n) == NULL && strstr(buf, "<configuration") &&
	       strstr(buf, "<MBProperty");
}

static int push(char ***v, int *n, char *s)
{
	char **nv = realloc(*v, (size_t)(*n + 1) * sizeof(*nv));

	if (!nv) {
		free(s);
		return -1;
	}
	*v = nv;
	(*v)[(*n)++] = s;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(const char *dir, int depth, char ***v, int *n)
{
	struct dirent **ents;
	int i, k, rc = 0;

	k = scandir(dir, &ents, NULL, alphasort);
	if (k < 0)
		return -1;
	for (i = 0; i < k; i++) {
		const char *nm = ents[i]->d_name;
		size_t len = strlen(dir) + strlen(nm) + 2;
		char *p = malloc(len);
		struct stat st;

		if (p && nm[0] != '.') {
			snprintf(p, len, "%s/%s", dir, nm);
			if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
				if (depth > 0)
					walk(p, depth - 1, v, n);
			} else if (S_ISREG(st.st_mode) &&
				   looks_like_metabase(p)) {
				rc |= push(v, n, p);
				p = NULL;
			}
		}
		free(p);
		free(ents[i]);
	}
	free(ents);
	return rc;
}

int mb_cli_expand_dir(const char *dir, char ***files, int *nfiles)
{
	int start = *nfiles;

	if (walk(dir, 3, files, nfiles))
		return -1;
	qsort(*files + start, (size_t)(*nfiles - start), sizeof(**files),
	      cmp_str);
	return 0;
}
