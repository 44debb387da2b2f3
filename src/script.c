/* SPDX-License-Identifier: MIT */
/*
 * Command scripts (script.h): lines split into shell-like words. The
 * reader only tokenizes; what a command means is the caller's business
 * (the batch command), so fuzzing this file needs no metabase.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "mb/script.h"

void mb_script_init(struct mb_script *s, const char *text, size_t len)
{
	memset(s, 0, sizeof(*s));
	s->text = text ? text : "";
	s->len = text ? len : 0;
}

void mb_script_release(struct mb_script *s)
{
	free(s->buf);
	free(s->argv);
	mb_script_init(s, NULL, 0);
}

/* One quoted part starting at *p (a quote), copied to *o; -1 if open. */
static int quoted(const char **p, char **o)
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

/*
 * Split line into words written to o, NUL-terminated one after the other
 * (never longer than line itself); -1 on an unterminated quote.
 */
static int split(const char *line, char *o, char **words)
{
	const char *p = line;
	int n = 0;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p) {
			words[n] = NULL;
			return n;
		}
		words[n++] = o;
		while (*p && *p != ' ' && *p != '\t') {
			if (*p != '"' && *p != '\'')
				*o++ = *p++;
			else if (quoted(&p, &o))
				return -1;
		}
		*o++ = '\0';
	}
}

/*
 * Room for a line of n bytes: the line, its words (at most n bytes plus
 * one NUL each, and a word takes at least two bytes of the line), and
 * argv (at most n / 2 + 1 words, then NULL).
 */
static int reserve(struct mb_script *s, size_t n)
{
	size_t need = 2 * n + 2, words = n / 2 + 2;

	if (need > s->bufcap) {
		char *b = realloc(s->buf, need);

		if (!b)
			return -1;
		s->buf = b;
		s->bufcap = need;
	}
	if (words > s->argvcap) {
		char **v = realloc(s->argv, words * sizeof(*v));

		if (!v)
			return -1;
		s->argv = v;
		s->argvcap = words;
	}
	return 0;
}

/* Copy text[from, to) without its surrounding blanks into s->buf. */
static int take_line(struct mb_script *s, size_t from, size_t to)
{
	while (from < to && isspace((unsigned char)s->text[from]))
		from++;
	while (to > from && isspace((unsigned char)s->text[to - 1]))
		to--;
	if (reserve(s, to - from))
		return -1;
	memcpy(s->buf, s->text + from, to - from);
	s->buf[to - from] = '\0';
	s->line = s->buf;
	return 0;
}

static enum mb_status fail(struct mb_script *s, struct mb_error *err,
			   enum mb_status st, const char *why)
{
	s->pos = s->len; /* nothing after an error */
	s->argc = 0;
	return mb_error_set_line(err, st, "script", NULL, s->lineno, "%s",
				 why);
}

enum mb_status mb_script_next(struct mb_script *s, struct mb_error *err)
{
	s->argc = 0;
	while (s->pos < s->len) {
		const char *start = s->text + s->pos;
		const char *nl = memchr(start, '\n', s->len - s->pos);
		size_t end = nl ? (size_t)(nl - s->text) : s->len;
		const char *nul = memchr(start, '\0', end - s->pos);

		s->lineno++;
		if (take_line(s, s->pos, nul ? (size_t)(nul - s->text) : end))
			return fail(s, err, MB_EFILE, "out of memory");
		s->pos = nl ? end + 1 : end;
		if (nul)
			return fail(s, err, MB_EUSAGE, "a NUL byte in the "
				    "line: the script is not a text file");
		if (!s->line[0] || s->line[0] == '#')
			continue;
		s->argc = split(s->line, s->buf + strlen(s->line) + 1,
				s->argv);
		if (s->argc < 0)
			return fail(s, err, MB_EUSAGE, "unterminated quote");
		return MB_OK;
	}
	s->line = NULL;
	return MB_OK;
}
