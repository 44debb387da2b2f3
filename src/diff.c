/* SPDX-License-Identifier: MIT */
/*
 * The unified diff of --dry-run (diff.h). The lines that differ come in
 * regions: the one between the shared start and end of two texts, or,
 * for a splice, one around each cluster of edits. A region is split into
 * lines and diffed by patience anchors (lines unique on both sides) with
 * an exact LCS for small gaps. Equal lines are never indexed: they pass
 * as a run (where it is in the new text, how many lines), of which a hunk
 * takes its context lines; each hunk is written through the sink when
 * the next run of more than 2 * CONTEXT equal lines closes it.
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

#define CONTEXT 3

/*
 * Hunks as the line operations arrive: equal lines wait as one run of the
 * new text ([eq, eq_end), neq lines), changed lines go to the open hunk
 * (body, with its first lines ha / hb and counts na / nb).
 */
struct emit {
	mb_diff_sink *fn;
	void *ctx;
	const char *name;
	const char *eq, *eq_end;
	size_t neq;
	size_t aline, bline;    /* old / new lines before the run */
	struct mb_buf body;
	int open;
	size_t ha, hb, na, nb;
	int header;
};

/* One diff's two sides (a region's lines) and where its lines go. */
struct differ {
	struct lines a, b;
	struct emit *e;
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

/* Lines of [p, p + n), the last one with or without its newline. */
static size_t count_lines(const char *p, size_t n)
{
	const char *end = p + n, *nl;
	size_t k = 0;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
		k++;
	}
	return k;
}

/* hash: the lines will be compared (not when the other side has none). */
static int split_lines(const char *s, size_t len, int hash,
		       struct lines *out)
{
	const char *p, *end = s + len, *nl;

	out->v = malloc((count_lines(s, len) + 1) * sizeof(*out->v));
	out->n = 0;
	if (!out->v)
		return -1;
	for (p = s; p < end; p = nl) {
		nl = memchr(p, '\n', (size_t)(end - p));
		nl = nl ? nl + 1 : end;
		out->v[out->n].p = p;
		out->v[out->n].n = (uint32_t)(nl - p);
		out->v[out->n].h = hash ? hash_line(p, (size_t)(nl - p)) : 0;
		out->n++;
	}
	return 0;
}

static int same(const struct differ *d, size_t i, size_t j)
{
	const struct line *x = &d->a.v[i], *y = &d->b.v[j];

	return x->h == y->h && x->n == y->n && memcmp(x->p, y->p, x->n) == 0;
}

static void push(struct differ *d, int t, size_t a, size_t b);

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

static void put_line(struct mb_buf *o, char mark, const char *p, size_t n)
{
	mb_buf_putc(o, mark);
	mb_buf_append(o, p, n);
	if (!n || p[n - 1] != '\n')
		mb_buf_puts(o, "\n\\ No newline at end of file\n");
}

static void range(struct mb_buf *o, size_t before, size_t count)
{
	if (count == 1)
		mb_buf_printf(o, "%zu", before + 1);
	else
		mb_buf_printf(o, "%zu,%zu", count ? before + 1 : before, count);
}

/* The open hunk, after the file header if it is the first, to the sink. */
static void close_hunk(struct emit *e)
{
	struct mb_buf h;

	mb_buf_init(&h);
	if (!e->header) {
		e->header = 1;
		mb_buf_printf(&h, "--- a/%s\n+++ b/%s\n", e->name, e->name);
	}
	mb_buf_puts(&h, "@@ -");
	range(&h, e->ha, e->na);
	mb_buf_puts(&h, " +");
	range(&h, e->hb, e->nb);
	mb_buf_puts(&h, " @@\n");
	if (h.failed || e->body.failed) {
		e->body.failed = 1;
	} else {
		e->fn(e->ctx, h.data, h.len);
		e->fn(e->ctx, e->body.data ? e->body.data : "", e->body.len);
	}
	mb_buf_release(&h);
	mb_buf_reset(&e->body);
	e->open = 0;
}

/* Where the line after the first k lines of [p, end) begins. */
static const char *skip_lines(const char *p, const char *end, size_t k)
{
	const char *nl;

	while (k-- && p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	return p;
}

/* The lines of [p, end) into the hunk as context. */
static void context(struct emit *e, const char *p, const char *end)
{
	const char *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		nl = nl ? nl + 1 : end;
		put_line(&e->body, ' ', p, (size_t)(nl - p));
		p = nl;
	}
}

/*
 * Before a changed line: the run of equal lines waiting becomes context,
 * leading (a new hunk), inside the open hunk (up to 2 * CONTEXT lines), or
 * trailing for the open hunk and leading for the next.
 */
static void place_run(struct emit *e)
{
	size_t keep = e->neq < CONTEXT ? e->neq : CONTEXT;
	const char *head = skip_lines(e->eq, e->eq_end, keep);
	const char *tail = skip_lines(e->eq, e->eq_end, e->neq - keep);

	if (e->open && e->neq <= 2 * CONTEXT) {
		context(e, e->eq, e->eq_end);
		e->na += e->neq;
		e->nb += e->neq;
	} else {
		if (e->open) {
			context(e, e->eq, head);
			e->na += keep;
			e->nb += keep;
			close_hunk(e);
		}
		e->open = 1;
		e->ha = e->aline + e->neq - keep;
		e->hb = e->bline + e->neq - keep;
		e->na = e->nb = keep;
		context(e, tail, e->eq_end);
	}
	e->aline += e->neq;
	e->bline += e->neq;
	e->neq = 0;
	e->eq = e->eq_end = NULL;
}

/* Equal lines [p, p + n) of the new text (nl of them), after the run. */
static void emit_equal(struct emit *e, const char *p, size_t n, size_t nl)
{
	if (!n)
		return;
	if (!e->neq)
		e->eq = p;
	e->eq_end = p + n;
	e->neq += nl;
}

static void emit_change(struct emit *e, int t, const struct line *l)
{
	place_run(e);
	put_line(&e->body, t == OP_ADD ? '+' : '-', l->p, l->n);
	if (t == OP_ADD) {
		e->nb++;
		e->bline++;
	} else {
		e->na++;
		e->aline++;
	}
}

/* The last hunk, its trailing context cut to CONTEXT lines. */
static int emit_end(struct emit *e)
{
	size_t keep = e->neq < CONTEXT ? e->neq : CONTEXT;

	if (e->open) {
		context(e, e->eq, skip_lines(e->eq, e->eq_end, keep));
		e->na += keep;
		e->nb += keep;
		close_hunk(e);
	}
	return e->body.failed ? -1 : 0;
}

static void push(struct differ *d, int t, size_t a, size_t b)
{
	if (t == OP_EQ)
		emit_equal(d->e, d->b.v[b].p, d->b.v[b].n, 1);
	else
		emit_change(d->e, t, t == OP_ADD ? &d->b.v[b] : &d->a.v[a]);
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

static void emit_init(struct emit *e, const char *name, mb_diff_sink *fn,
		      void *ctx)
{
	memset(e, 0, sizeof(*e));
	e->fn = fn;
	e->ctx = ctx;
	e->name = name;
	mb_buf_init(&e->body);
}

/* The end of the line that starts at p (after its newline). */
static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl + 1 : end;
}

/* The start of the line that ends at end (just after a newline, or not). */
static const char *line_back(const char *from, const char *end)
{
	const char *p = end - 1;

	while (p > from && p[-1] != '\n')
		p--;
	return p;
}

/*
 * The lines a and b share at their start (*pre bytes of each, *npre
 * lines) and then at their end (*suf bytes, *nsuf lines), compared as
 * bytes: most of a splice's region, which diff_range would otherwise
 * hash line by line to find the same.
 */
static void shared_lines(const char *a, size_t alen, const char *b,
			 size_t blen, size_t *pre, size_t *npre, size_t *suf,
			 size_t *nsuf)
{
	const char *ae = a + alen, *be = b + blen, *x, *y;

	*pre = *npre = *suf = *nsuf = 0;
	while (a + *pre < ae && b + *pre < be) {
		x = line_end(a + *pre, ae);
		y = line_end(b + *pre, be);
		if (x - a != y - b || memcmp(a + *pre, b + *pre,
					     (size_t)(x - a) - *pre) != 0)
			break;
		*pre = (size_t)(x - a);
		++*npre;
	}
	while (alen - *suf > *pre && blen - *suf > *pre) {
		x = line_back(a + *pre, ae - *suf);
		y = line_back(b + *pre, be - *suf);
		if (ae - *suf - x != be - *suf - y ||
		    memcmp(x, y, (size_t)(ae - *suf - x)) != 0)
			break;
		*suf = (size_t)(ae - x);
		++*nsuf;
	}
}

/* The lines of region a against b, into e. */
static int diff_region(struct emit *e, const char *a, size_t alen,
		       const char *b, size_t blen)
{
	struct differ d;
	size_t pre, npre, suf, nsuf;
	int r = 0, both;

	shared_lines(a, alen, b, blen, &pre, &npre, &suf, &nsuf);
	emit_equal(e, b, pre, npre);
	memset(&d, 0, sizeof(d));
	d.e = e;
	both = alen - pre - suf && blen - pre - suf;
	if (split_lines(a + pre, alen - pre - suf, both, &d.a) ||
	    split_lines(b + pre, blen - pre - suf, both, &d.b))
		r = -1;
	else
		diff_range(&d, 0, d.a.n, 0, d.b.n);
	free(d.a.v);
	free(d.b.v);
	emit_equal(e, b + blen - suf, suf, nsuf);
	return r;
}

int mb_diff_unified(const char *name, const char *a, size_t alen,
		    const char *b, size_t blen, mb_diff_sink *fn, void *ctx)
{
	struct emit e;
	size_t pre, suf, skipped;
	int r;

	if (alen == blen && memcmp(a, b, alen) == 0)
		return 0;
	if (alen > UINT32_MAX / 2 || blen > UINT32_MAX / 2)
		return -1;
	region(a, alen, b, blen, &pre, &suf, &skipped);
	emit_init(&e, name, fn, ctx);
	e.aline = e.bline = skipped;
	r = diff_region(&e, a + pre, alen - suf - pre, b + pre,
			blen - suf - pre);
	if (!r)
		r = emit_end(&e);
	mb_buf_release(&e.body);
	return r;
}

/* ---- a splice's diff ------------------------------------------------------- */

/* The new text's lines [from, to) go to e as equal ones. */
static void equal_span(struct emit *e, const char *data, size_t from,
		       size_t to)
{
	emit_equal(e, data + from, to - from, count_lines(data + from,
							   to - from));
}

static size_t line_begin(const char *data, size_t p)
{
	while (p > 0 && data[p - 1] != '\n')
		p--;
	return p;
}

/* Just after the line holding the end of edit i's text. */
static size_t line_after(const char *data, size_t len,
			 const struct mb_edit *ed)
{
	size_t p = ed->nstart + ed->len;
	const char *nl = p < len ? memchr(data + p, '\n', len - p) : NULL;

	return nl ? (size_t)(nl - data) + 1 : len;
}

/*
 * One region: the whole lines of the new text around edits [i, j), and
 * the same lines with those edits undone (old: where edit i's replaced
 * bytes begin in e->old), diffed.
 */
static int splice_region(struct emit *em, const struct mb_edits *e,
			 const char *data, size_t from, size_t to, size_t i,
			 size_t j, size_t old, struct mb_buf *was)
{
	size_t pos = from, n;

	mb_buf_reset(was);
	for (; i < j; i++) {
		const struct mb_edit *ed = &e->v[i];

		n = ed->end - ed->start;
		mb_buf_append(was, data + pos, ed->nstart - pos);
		if (n)
			mb_buf_append(was, e->old + old, n);
		old += n;
		pos = ed->nstart + ed->len;
	}
	mb_buf_append(was, data + pos, to - pos);
	if (was->failed)
		return -1;
	return diff_region(em, was->data ? was->data : "", was->len,
			   data + from, to - from);
}

int mb_diff_splice(const char *name, const struct mb_edits *e,
		   const char *data, size_t len, mb_diff_sink *fn, void *ctx)
{
	struct emit em;
	struct mb_buf was;
	size_t i = 0, j, done = 0, old = 0, from, to, k;
	int r = 0;

	if (len > UINT32_MAX / 2)
		return -1;
	emit_init(&em, name, fn, ctx);
	mb_buf_init(&was);
	while (!r && i < e->n) {
		from = line_begin(data, e->v[i].nstart);
		to = line_after(data, len, &e->v[i]);
		/* edits whose lines touch this region's join it */
		for (j = i + 1; j < e->n && line_begin(data, e->v[j].nstart) <= to;
		     j++)
			if (line_after(data, len, &e->v[j]) > to)
				to = line_after(data, len, &e->v[j]);
		equal_span(&em, data, done, from);
		r = splice_region(&em, e, data, from, to, i, j, old, &was);
		for (k = i; k < j; k++)
			old += e->v[k].end - e->v[k].start;
		done = to;
		i = j;
	}
	if (!r)
		equal_span(&em, data, done, len);
	if (!r)
		r = emit_end(&em);
	mb_buf_release(&was);
	mb_buf_release(&em.body);
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
