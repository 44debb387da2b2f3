/* SPDX-License-Identifier: MIT */
/* "Did you mean": edit distance over names (mb/suggest.h). */
#include <ctype.h>
#include <string.h>

#include "mb/schema.h"
#include "mb/suggest.h"

#define MAXLEN 64  /* longer names are never a typo of a short one */

static int same(char a, char b)
{
	return tolower((unsigned char)a) == tolower((unsigned char)b);
}

static unsigned min3(unsigned a, unsigned b, unsigned c)
{
	unsigned m = a < b ? a : b;

	return m < c ? m : c;
}

unsigned mb_suggest_distance(const char *a, const char *b)
{
	/* three rows of the optimal-string-alignment table */
	unsigned r0[MAXLEN + 1], r1[MAXLEN + 1], r2[MAXLEN + 1];
	unsigned *pp = r0, *p = r1, *c = r2, *t;
	size_t n = strlen(a), m = strlen(b), i, j;

	if (n > MAXLEN || m > MAXLEN)
		return 255;
	for (j = 0; j <= m; j++)
		p[j] = (unsigned)j;
	for (i = 1; i <= n; i++) {
		c[0] = (unsigned)i;
		for (j = 1; j <= m; j++) {
			c[j] = min3(p[j] + 1, c[j - 1] + 1,
				    p[j - 1] + !same(a[i - 1], b[j - 1]));
			if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) &&
			    same(a[i - 2], b[j - 1]) && pp[j - 2] + 1 < c[j])
				c[j] = pp[j - 2] + 1;
		}
		t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[m] > 255 ? 255 : p[m];
}

int mb_suggest_close(const char *typed, unsigned d)
{
	size_t n = strlen(typed);

	return d <= (n <= 4 ? 1u : n <= 8 ? 2u : 3u);
}

const char *mb_suggest(const char *typed, const char *const *names, size_t n)
{
	const char *best = NULL;
	unsigned bd = 256, d;
	size_t i;

	for (i = 0; i < n; i++) {
		d = mb_suggest_distance(typed, names[i]);
		if (d < bd) {
			bd = d;
			best = names[i];
		}
	}
	return best && mb_suggest_close(typed, bd) ? best : NULL;
}

const char *mb_schema_nearest(const struct mb_schema *s, const char *typed)
{
	const char *best = NULL;
	unsigned bd = 256, d, f;
	size_t i, n = mb_schema_nprops(s);

	for (i = 0; i < n; i++) {
		const struct mb_prop *p = mb_schema_prop_at(s, i);

		d = mb_suggest_distance(typed, p->name);
		if (d < bd) {
			bd = d;
			best = p->name;
		}
		for (f = 0; f < p->nflags; f++) {
			d = mb_suggest_distance(typed, p->flags[f].name);
			if (d < bd) {
				bd = d;
				best = p->flags[f].name;
			}
		}
	}
	return best && mb_suggest_close(typed, bd) ? best : NULL;
}
