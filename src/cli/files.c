/* SPDX-License-Identifier: MIT */
/*
 * The files a run covers (-f FILE|DIR, repeatable). A folder stands for
 * the IIS metabases in it and its subfolders (a few levels deep), picked
 * by a strict content check: after an optional BOM, XML declaration and
 * comments, the root element <configuration> whose first child is
 * <MBProperty>, whose first child is a key (an element with a
 * Location). Source files that merely hold those strings, mbtool's own
 * backups, locks and temp files are never picked.
 *
 * Which files a write over a folder takes goes by where they lie: live
 * (MetaBase.xml), history (History/MetaBase_*.xml), metaback (*.MD0) or
 * export (any other name); the labels of the output are the document's
 * own kind (doc->kind). Reads see them all; a write over a folder changes
 * live files only unless --include-history, because History copies and MetaBack backups
 * are the administrator's restore points. A file named with -f FILE is
 * always taken as it is. Symlinked folders are followed once, and a file
 * reached by several names is taken once.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli.h"

#define DEPTH 3   /* subfolder levels searched below a -f folder */

/* ---- the content check --------------------------------------------------- */

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && isspace((unsigned char)*p))
		p++;
	return p;
}

/* Past whitespace, comments and processing instructions (<?xml ...?>). */
static const char *skip_misc(const char *p, const char *end)
{
	const char *q;

	for (;;) {
		p = skip_space(p, end);
		if (end - p >= 4 && memcmp(p, "<!--", 4) == 0)
			q = strstr(p + 4, "-->"), q = q ? q + 3 : NULL;
		else if (end - p >= 2 && memcmp(p, "<?", 2) == 0)
			q = strstr(p + 2, "?>"), q = q ? q + 2 : NULL;
		else
			return p;
		if (!q)
			return end;
		p = q;
	}
}

/* p starts the tag <name followed by '>', '/' or whitespace. */
static int is_tag(const char *p, const char *end, const char *name)
{
	size_t n = strlen(name);

	return (size_t)(end - p) > n + 1 && p[0] == '<' &&
	       memcmp(p + 1, name, n) == 0 &&
	       (p[n + 1] == '>' || p[n + 1] == '/' ||
		isspace((unsigned char)p[n + 1]));
}

int cli_is_metabase_text(const char *buf, size_t n)
{
	const char *end = buf + n, *p = buf, *q;

	if (memchr(buf, '\0', n))
		return 0;
	if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	p = skip_misc(p, end);
	if (!is_tag(p, end, "configuration"))
		return 0;
	p = memchr(p, '>', (size_t)(end - p));
	if (!p)
		return 0;
	p = skip_misc(p + 1, end);
	if (!is_tag(p, end, "MBProperty") || !(p = memchr(p, '>', (size_t)
							  (end - p))))
		return 0;
	/* then the first key: an element with a Location attribute */
	p = skip_misc(p + 1, end);
	if (p == end || *p != '<' || !isalpha((unsigned char)p[1]))
		return 0;
	for (q = p; q < end && *q != '>'; q++)
		if (end - q > 8 && memcmp(q, "Location", 8) == 0)
			return 1;
	return 0;
}

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
	return cli_is_metabase_text(buf, n);
}

/* mbtool's own files: backups, locks, temp files (never metabases). */
static int ours(const char *name)
{
	size_t n = strlen(name);

	return name[0] == '.' || (strstr(name, ".mbtool-") &&
				  n > 4 && strcmp(name + n - 4, ".bak") == 0) ||
	       (n > 5 && strcmp(name + n - 5, ".lock") == 0);
}

/* ---- kinds --------------------------------------------------------------- */

static const char *const kind_names[] = { "live", "history", "metaback",
					  "export" };

const char *cli_kind_name(enum cli_kind k)
{
	return kind_names[k];
}

enum cli_kind cli_file_kind(const char *path)
{
	const char *base = strrchr(path, '/'), *dir;
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (strcasecmp(base, "MetaBase.xml") == 0)
		return CLI_LIVE;
	if (n > 4 && strcasecmp(base + n - 4, ".MD0") == 0)
		return CLI_METABACK;
	/* History/MetaBase_<major>_<minor>.xml */
	for (dir = base - 1; dir > path && dir[-1] != '/'; dir--)
		;
	if (base > path && strncasecmp(base, "MetaBase_", 9) == 0 &&
	    n > 4 && strcasecmp(base + n - 4, ".xml") == 0 &&
	    (size_t)(base - 1 - dir) == 7 && strncasecmp(dir, "History", 7) == 0)
		return CLI_HISTORY;
	return CLI_EXPORT;
}

/* ---- the walk ------------------------------------------------------------ */

struct seen {
	dev_t dev;
	ino_t ino;
};

struct walk {
	char ***files;
	int *nfiles;
	struct seen *v;        /* folders and files taken, by inode */
	size_t n, cap;
	int writes, history;   /* a write command; --include-history */
	int skipped;           /* restore points left out of a write */
	int failed;
};

/* 1 when (dev, ino) was seen before; else it is recorded. */
static int seen_before(struct walk *w, const struct stat *st)
{
	struct seen *nv;
	size_t i;

	for (i = 0; i < w->n; i++)
		if (w->v[i].dev == st->st_dev && w->v[i].ino == st->st_ino)
			return 1;
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 32;
		if (!(nv = realloc(w->v, w->cap * sizeof(*nv)))) {
			w->failed = 1;
			return 1;
		}
		w->v = nv;
	}
	w->v[w->n].dev = st->st_dev;
	w->v[w->n++].ino = st->st_ino;
	return 0;
}

static int push(struct walk *w, const char *s)
{
	char **nv = realloc(*w->files, (size_t)(*w->nfiles + 1) *
			    sizeof(*nv));

	if (nv)
		*w->files = nv;
	if (!nv || !(nv[*w->nfiles] = strdup(s)))
		return w->failed = -1;
	(*w->nfiles)++;
	return 0;
}

static void take_file(struct walk *w, const char *p, const struct stat *st)
{
	if (!S_ISREG(st->st_mode) || !looks_like_metabase(p) ||
	    seen_before(w, st))
		return;
	if (w->writes && !w->history && cli_file_kind(p) != CLI_LIVE) {
		w->skipped++;
		return;
	}
	push(w, p);
}

static void walk(struct walk *w, const char *dir, int depth)
{
	struct dirent **ents;
	struct stat st;
	char *p;
	int i, k = scandir(dir, &ents, NULL, alphasort);

	for (i = 0; i < k; i++) {
		const char *nm = ents[i]->d_name;

		size_t len = strlen(dir) + strlen(nm) + 2;

		if (!ours(nm) && (p = malloc(len)) != NULL) {
			snprintf(p, len, "%s/%s", dir, nm);
			if (stat(p, &st) != 0)
				;
			else if (S_ISDIR(st.st_mode)) {
				if (depth > 0 && !seen_before(w, &st))
					walk(w, p, depth - 1);
			} else {
				take_file(w, p, &st);
			}
			free(p);
		}
		free(ents[i]);
	}
	if (k >= 0)
		free(ents);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int expand_dir(struct walk *w, const char *dir, const struct stat *st,
		      struct mb_error *err)
{
	int start = *w->nfiles;

	if (!seen_before(w, st))
		walk(w, dir, DEPTH);
	if (w->failed)
		return mb_error_set(err, MB_EFILE, "-f", dir, "out of memory");
	if (*w->nfiles > start) {
		/* Not before: with no file found the array may still be NULL. */
		qsort(*w->files + start, (size_t)(*w->nfiles - start),
		      sizeof(**w->files), cmp_str);
		return MB_OK;
	}
	if (w->skipped)
		return mb_error_set(err, MB_EFILE, "-f", dir, "no live "
			"MetaBase.xml in this folder or its subfolders: a "
			"write over a folder leaves History copies and MetaBack "
			"backups alone (the restore points); name one with -f "
			"FILE, or add --include-history to write them too");
	return mb_error_set(err, MB_EFILE, "-f", dir, "no IIS metabase in "
			    "this folder or its subfolders (files are picked "
			    "by content: <configuration> then <MBProperty>); "
			    "name the file with -f FILE");
}

int cli_files_expand(char ***files, int *nfiles, int writes, int history,
		     struct mb_error *err)
{
	char **in = *files;
	int n = *nfiles, i, st = MB_OK;
	struct walk w;
	struct stat sb;

	memset(&w, 0, sizeof(w));
	*files = NULL;
	*nfiles = 0;
	w.files = files;
	w.nfiles = nfiles;
	w.writes = writes;
	w.history = history;
	for (i = 0; i < n; i++) {
		int there = stat(in[i], &sb) == 0;

		if (!st && there && S_ISDIR(sb.st_mode))
			st = expand_dir(&w, in[i], &sb, err);
		else if (st || (there && seen_before(&w, &sb)))
			; /* the same file named twice is run once */
		else if (push(&w, in[i]))
			st = mb_error_set(err, MB_EFILE, "-f", in[i],
					  "out of memory");
		free(in[i]);
	}
	free(in);
	free(w.v);
	return st;
}
