/* SPDX-License-Identifier: MIT */
/*
 * The unified diff of --dry-run (diff.h): the shared start and end of the
 * two texts skipped, the region between split into lines and diffed by
 * patience anchors (lines unique on both sides) with an exact LCS for
 * small gaps, then the hunks written through the sink one at a time.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mb/diff.h"

struct line {
	const char *p;
	uint32_t n;
	uint32_t h;
};

struct lines {
	struct line *v;
	size_t n;
};

enum { OP_EQ, OP_DEL, OP_ADD };

struct op {
	uint32_t a, b; /* line indexes in old / new (as the op uses them) */
	unsigned char t;
};

struct out {
	mb_diff_sink *fn;
	void *ctx;
};

#define CONTEXT 3

/*
 * Operations are not kept for the whole file: each goes to the hunk being
 * built (ops), or, between hunks, to the last CONTEXT equal lines (ring);
 * a hunk is written once CONTEXT * 2 equal lines follow its last change.
 */
struct differ {
	struct lines a, b;
	struct op *ops;         /* the hunk being built */
	size_t nops, cap;
	size_t trailing;        /* equal lines at its end */
	struct op ring[CONTEXT];
	size_t nring;
	size_t apos, bpos;      /* lines before ops[0] (or ring[0]) */
	const struct out *o;
	const char *name;
	int header, failed;
};

struct pair {
	uint32_t a, b;
};

#define LCS_MAX 250000u  /* cells of the LCS table for one gap */

static uint32_t hash_line(const char *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ (unsigned char)*p++) * 16777619u;
	return h;
}

static int split_lines(const char *s, size_t len, struct lines *out)
{
	size_t n = 0, i, start = 0;

	for (i = 0; i < len; i++)
		n += s[i] == '\n';
	out->v = malloc((n + 1) * sizeof(*out->v));
	out->n = 0;
	if (!out->v)
		return -1;
	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != '\n')
			continue;
		if (i == len && start == len)
			break;
		out->v[out->n].p = s + start;
		out->v[out->n].n = (uint32_t)((i < len ? i + 1 : i) - start);
		out->v[out->n].h = hash_line(s + start, out->v[out->n].n);
		out->n++;
		start = i + 1;
	}
	return 0;
}

static int same(const struct differ *d, size_t i, size_t j)
{
	const struct line *x = &d->a.v[i], *y = &d->b.v[j];

	return x->h == y->h && x->n == y->n && memcmp(x->p, y->p, x->n) == 0;
}

static void hunk(struct differ *d, size_t to);

static void append(struct differ *d, struct op op)
{
	if (d->nops == d->cap) {
		size_t c = d->cap ? d->cap * 2 : 256;
		struct op *v = realloc(d->ops, c * sizeof(*v));

		if (!v) {
			d->failed = 1;
			return;
		}
		d->ops = v;
		d->cap = c;
	}
	d->ops[d->nops++] = op;
}

/* An equal line between hunks: the oldest of the kept ones is passed. */
static void ring_add(struct differ *d, struct op op)
{
	if (d->nring == CONTEXT) {
		memmove(d->ring, d->ring + 1, (CONTEXT - 1) * sizeof(op));
		d->nring--;
		d->apos++;
		d->bpos++;
	}
	d->ring[d->nring++] = op;
}

/* Write the hunk, its trailing context cut to CONTEXT lines. */
static void close_hunk(struct differ *d)
{
	size_t keep = d->nops - d->trailing +
		      (d->trailing < CONTEXT ? d->trailing : CONTEXT), i;

	hunk(d, keep);
	for (i = 0; i < keep; i++) {
		d->apos += d->ops[i].t != OP_ADD;
		d->bpos += d->ops[i].t != OP_DEL;
	}
	for (; i < d->nops; i++)
		ring_add(d, d->ops[i]);
	d->nops = d->trailing = 0;
}

static void push(struct differ *d, int t, size_t a, size_t b)
{
	struct op op = { (uint32_t)a, (uint32_t)b, (unsigned char)t };
	size_t i;

	if (d->failed)
		return;
	if (!d->nops && t == OP_EQ) {
		ring_add(d, op);
		return;
	}
	if (!d->nops) {
		for (i = 0; i < d->nring; i++)
			append(d, d->ring[i]);
		d->nring = 0;
	}
	append(d, op);
	d->trailing = t == OP_EQ ? d->trailing + 1 : 0;
	if (d->trailing > 2 * CONTEXT)
		close_hunk(d);
}

static void replace_all(struct differ *d, size_t alo, size_t ahi,
			size_t blo, size_t bhi)
{
	for (; alo < ahi; alo++)
		push(d, OP_DEL, alo, 0);
	for (; blo < bhi; blo++)
		push(d, OP_ADD, 0, blo);
}

static void lcs(struct differ *d, size_t alo, size_t ahi, size_t blo,
		size_t bhi)
{
	size_t n = ahi - alo, m = bhi - blo, i, j, w = m + 1;
	uint32_t *t = calloc((n + 1) * w, sizeof(*t));

	if (!t) {
		replace_all(d, alo, ahi, blo, bhi);
		return;
	}
	for (i = n; i-- > 0;)
		for (j = m; j-- > 0;)
			t[i * w + j] = same(d, alo + i, blo + j) ?
				t[(i + 1) * w + j + 1] + 1 :
				(t[(i + 1) * w + j] > t[i * w + j + 1] ?
				 t[(i + 1) * w + j] : t[i * w + j + 1]);
	for (i = j = 0; i < n && j < m;) {
		if (same(d, alo + i, blo + j)) {
			push(d, OP_EQ, alo + i++, blo + j++);
		} else if (t[(i + 1) * w + j] >= t[i * w + j + 1]) {
			push(d, OP_DEL, alo + i++, 0);
		} else {
			push(d, OP_ADD, 0, blo + j++);
		}
	}
	free(t);
	replace_all(d, alo + i, ahi, blo + j, bhi);
}

/* A line hash of the old side: where it is, and how often (up to 2). */
struct slot {
	uint32_t h, a, b;
	unsigned char ca, cb, used;
};

static struct slot *slot_for(struct slot *s, size_t cap, uint32_t h, int add)
{
	size_t i = (size_t)h & (cap - 1);

	while (s[i].used && s[i].h != h)
		i = (i + 1) & (cap - 1);
	if (!s[i].used && !add)
		return NULL;
	s[i].used = 1;
	s[i].h = h;
	return &s[i];
}

/* Pairs of lines unique on both sides, in old-file order. */
static size_t unique_pairs(struct differ *d, size_t alo, size_t ahi,
			   size_t blo, size_t bhi, struct pair **out)
{
	size_t cap = 16, i, k = 0;
	struct slot *s, *x;

	/* only old lines are added; a table at most 3/4 full */
	while (cap < (ahi - alo) + (ahi - alo) / 3 + 1)
		cap <<= 1;
	s = calloc(cap, sizeof(*s));
	*out = malloc((ahi - alo) * sizeof(**out));
	if (!s || !*out) {
		free(s);
		free(*out);
		*out = NULL;
		return 0;
	}
	for (i = alo; i < ahi; i++) {
		x = slot_for(s, cap, d->a.v[i].h, 1);
		x->ca += x->ca < 2;
		x->a = (uint32_t)i;
	}
	for (i = blo; i < bhi; i++)
		if ((x = slot_for(s, cap, d->b.v[i].h, 0)) != NULL) {
			x->cb += x->cb < 2;
			x->b = (uint32_t)i;
		}
	for (i = alo; i < ahi; i++) {
		x = slot_for(s, cap, d->a.v[i].h, 0);
		if (x->ca == 1 && x->cb == 1 && same(d, x->a, x->b))
			(*out)[k++] = (struct pair){ x->a, x->b };
	}
	free(s);
	return k;
}

/* Longest run of pairs increasing in b (patience sorting); in place. */
static size_t longest_increasing(struct pair *p, size_t k)
{
	uint32_t *tails = malloc(k * sizeof(*tails));
	uint32_t *prev = malloc(k * sizeof(*prev));
	size_t len = 0, i, j, lo, hi, mid;
	struct pair *keep = malloc(k * sizeof(*keep));

	if (!tails || !prev || !keep) {
		len = 0;
		goto out;
	}
	for (i = 0; i < k; i++) {
		for (lo = 0, hi = len; lo < hi;) {
			mid = (lo + hi) / 2;
			if (p[tails[mid]].b < p[i].b)
				lo = mid + 1;
			else
				hi = mid;
		}
		prev[i] = lo ? tails[lo - 1] : UINT32_MAX;
		tails[lo] = (uint32_t)i;
		len += lo == len;
	}
	for (i = len, j = len ? tails[len - 1] : 0; i > 0; i--, j = prev[j])
		keep[i - 1] = p[j];
	memcpy(p, keep, len * sizeof(*p));
out:
	free(tails);
	free(prev);
	free(keep);
	return len;
}

static void diff_range(struct differ *d, size_t alo, size_t ahi, size_t blo,
		       size_t bhi);

static int by_anchors(struct differ *d, size_t alo, size_t ahi, size_t blo,
		      size_t bhi)
{
	struct pair *p = NULL;
	size_t k = unique_pairs(d, alo, ahi, blo, bhi, &p), i;

	k = k ? longest_increasing(p, k) : 0;
	if (!k) {
		free(p);
		return 0;
	}
	for (i = 0; i < k; i++) {
		diff_range(d, alo, p[i].a, blo, p[i].b);
		push(d, OP_EQ, p[i].a, p[i].b);
		alo = p[i].a + 1;
		blo = p[i].b + 1;
	}
	diff_range(d, alo, ahi, blo, bhi);
	free(p);
	return 1;
}

static void diff_range(struct differ *d, size_t alo, size_t ahi, size_t blo,
		       size_t bhi)
{
	size_t s = 0, i;

	while (alo < ahi && blo < bhi && same(d, alo, blo))
		push(d, OP_EQ, alo++, blo++);
	while (ahi - s > alo && bhi - s > blo && same(d, ahi - s - 1,
						       bhi - s - 1))
		s++;
	ahi -= s;
	bhi -= s;
	if (alo == ahi || blo == bhi)
		replace_all(d, alo, ahi, blo, bhi);
	else if (!by_anchors(d, alo, ahi, blo, bhi)) {
		if ((ahi - alo) * (bhi - blo) <= LCS_MAX)
			lcs(d, alo, ahi, blo, bhi);
		else
			replace_all(d, alo, ahi, blo, bhi);
	}
	for (i = 0; i < s; i++)
		push(d, OP_EQ, ahi + i, bhi + i);
}

/* ---- the text, through the sink ------------------------------------------ */

static void put(const struct out *o, const char *p, size_t n)
{
	o->fn(o->ctx, p, n);
}

static void puts_(const struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void range(const struct out *o, size_t before, size_t count)
{
	char t[64];

	if (count == 1)
		snprintf(t, sizeof(t), "%zu", before + 1);
	else
		snprintf(t, sizeof(t), "%zu,%zu", count ? before + 1 : before,
			 count);
	puts_(o, t);
}

static void put_line(const struct out *o, char mark, const struct line *l)
{
	put(o, &mark, 1);
	put(o, l->p, l->n);
	if (!l->n || l->p[l->n - 1] != '\n')
		puts_(o, "\n\\ No newline at end of file\n");
}

/* The hunk's ops [0, to), after the file header if it is the first. */
static void hunk(struct differ *d, size_t to)
{
	const struct out *o = d->o;
	size_t i, na = 0, nb = 0;

	if (!d->header) {
		d->header = 1;
		puts_(o, "--- a/");
		puts_(o, d->name);
		puts_(o, "\n+++ b/");
		puts_(o, d->name);
		puts_(o, "\n");
	}
	for (i = 0; i < to; i++) {
		na += d->ops[i].t != OP_ADD;
		nb += d->ops[i].t != OP_DEL;
	}
	puts_(o, "@@ -");
	range(o, d->apos, na);
	puts_(o, " +");
	range(o, d->bpos, nb);
	puts_(o, " @@\n");
	for (i = 0; i < to; i++) {
		const struct op *p = &d->ops[i];

		if (p->t == OP_ADD)
			put_line(o, '+', &d->b.v[p->b]);
		else
			put_line(o, p->t == OP_EQ ? ' ' : '-', &d->a.v[p->a]);
	}
}

/* ---- the shared start and end -------------------------------------------- */

/* Back from a (exclusive) to the start of the line, keeping CONTEXT more. */
static size_t back_lines(const char *s, size_t pos, int lines)
{
	while (pos > 0 && s[pos - 1] != '\n')
		pos--;
	while (lines-- > 0 && pos > 0) {
		pos--;
		while (pos > 0 && s[pos - 1] != '\n')
			pos--;
	}
	return pos;
}

static int line_start(const char *s, size_t pos, size_t from)
{
	return pos == from || s[pos - 1] == '\n';
}

/*
 * The region that differs, in whole lines with CONTEXT lines around it:
 * [pre, alen - suf) of a and [pre, blen - suf) of b. *skipped counts the
 * lines before pre.
 */
static void region(const char *a, size_t alen, const char *b, size_t blen,
		   size_t *pre, size_t *suf, size_t *skipped)
{
	size_t min = alen < blen ? alen : blen, i = 0, j = 0, k;

	while (i < min && a[i] == b[i])
		i++;
	*pre = back_lines(a, i, CONTEXT);
	while (j < min - *pre && a[alen - 1 - j] == b[blen - 1 - j])
		j++;
	/* the suffix starts a line in both texts */
	while (j > 0 && (!line_start(a, alen - j, *pre) ||
			 !line_start(b, blen - j, *pre)))
		j--;
	for (k = 0; k < CONTEXT && j > 0; k++) {
		do
			j--;
		while (j > 0 && a[alen - j - 1] != '\n');
	}
	*suf = j;
	for (*skipped = 0, i = 0; i < *pre; i++)
		*skipped += a[i] == '\n';
}

int mb_diff_unified(const char *name, const char *a, size_t alen,
		    const char *b, size_t blen, mb_diff_sink *fn, void *ctx)
{
	struct out o = { fn, ctx };
	struct differ d;
	size_t pre, suf, skipped;
	int r = 0;

	if (alen == blen && memcmp(a, b, alen) == 0)
		return 0;
	if (alen > UINT32_MAX / 2 || blen > UINT32_MAX / 2)
		return -1;
	region(a, alen, b, blen, &pre, &suf, &skipped);
	memset(&d, 0, sizeof(d));
	d.o = &o;
	d.name = name;
	d.apos = d.bpos = skipped;
	if (split_lines(a + pre, alen - suf - pre, &d.a) ||
	    split_lines(b + pre, blen - suf - pre, &d.b)) {
		r = -1;
	} else {
		diff_range(&d, 0, d.a.n, 0, d.b.n);
		if (d.nops && !d.failed)
			close_hunk(&d);
		r = d.failed ? -1 : 0;
	}
	free(d.a.v);
	free(d.b.v);
	free(d.ops);
	return r;
}

static void to_buf(void *ctx, const char *p, size_t n)
{
	mb_buf_append(ctx, p, n);
}

void mb_diff_to_buf(struct mb_buf *buf, const char *name, const char *a,
		    size_t alen, const char *b, size_t blen)
{
	if (mb_diff_unified(name, a, alen, b, blen, to_buf, buf))
		buf->failed = 1;
}
