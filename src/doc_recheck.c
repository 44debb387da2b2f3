/* SPDX-License-Identifier: MIT */
/*
 * Re-checking what a splice changed (splice.h), instead of giving libxml2
 * the whole new file again: on a hosting-size file that second parse was
 * most of a write's time.
 *
 * Why the ranges are enough: the original was well-formed, and a range
 * that starts and ends between two items of <MBProperty>'s content (a
 * key's edge, or white space between keys) holds complete items. The new
 * file is the original's prolog, stretches of its complete items, the
 * edited ranges and its tail; libxml2 reads the prolog, the edited ranges
 * and the tail together (the same namespace scope, no DTD, so nothing in
 * an item depends on another), and the tokenizer, which reads the whole
 * new file, must find the edited ranges' ends between items again: an
 * edit that opened a comment or a quote would move them.
 */
#include <stdlib.h>
#include <string.h>

#include "doc_priv.h"

void mb_doc_recheck_free(struct mb_doc_recheck *r)
{
	free(r->span);
	free(r->locs);
	memset(r, 0, sizeof(*r));
}

/* The last key that starts at or before p, or MB_NOKEY. */
static size_t key_at(const struct mb_doc *d, uint32_t p)
{
	size_t lo = 0, hi = d->nkeys, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (d->keys[mid].start <= p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? lo - 1 : MB_NOKEY;
}

static int all_space(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			return 0;
	return 1;
}

/* 1 when p is between two items of <MBProperty>'s content (see above). */
static int between_items(const struct mb_doc *d, uint32_t p)
{
	size_t k;
	uint32_t from, to;

	if (!d->keys || p < d->mbprop_open || p > d->mbprop_close)
		return 0;
	k = key_at(d, p);
	if (k != MB_NOKEY && (d->keys[k].start == p || d->keys[k].end == p))
		return 1;
	if (k != MB_NOKEY && p < d->keys[k].end)
		return 0;
	from = k == MB_NOKEY ? d->mbprop_open : d->keys[k].end;
	k = k == MB_NOKEY ? 0 : k + 1;
	to = k < d->nkeys ? d->keys[k].start : d->mbprop_close;
	return all_space(d->buf + from, d->buf + to);
}

/* p moved to the start (or the end) of the key it falls inside. */
static uint32_t widen(const struct mb_doc *d, uint32_t p, int to_end)
{
	size_t k = key_at(d, p);

	if (k != MB_NOKEY && d->keys[k].start < p && p < d->keys[k].end)
		return to_end ? d->keys[k].end : d->keys[k].start;
	return p;
}

static int whole(struct mb_doc_recheck *r, int ret)
{
	mb_doc_recheck_free(r);
	r->whole = 1;
	return ret;
}

/*
 * The Locations of doc's keys in [from, to) (a range, widened to whole
 * keys), after those already kept; -1 out of memory.
 */
static int keep_locs(const struct mb_doc *d, uint32_t from, uint32_t to,
		     struct mb_doc_recheck *r, size_t *cap)
{
	size_t k = key_at(d, from), n;
	char *v;

	for (k = k == MB_NOKEY ? 0 : k; k < d->nkeys; k++) {
		if (d->keys[k].start < from)
			continue;
		if (d->keys[k].end > to)
			break;
		n = strlen(d->keys[k].location) + 1;
		if (r->locs_len + n > *cap) {
			*cap = (r->locs_len + n) * 2;
			if (!(v = realloc(r->locs, *cap)))
				return -1;
			r->locs = v;
		}
		memcpy(r->locs + r->locs_len, d->keys[k].location, n);
		r->locs_len += n;
		r->nlocs++;
	}
	return 0;
}

int mb_doc_recheck_plan(const struct mb_doc *doc, struct mb_edits *e,
			struct mb_doc_recheck *r)
{
	int64_t shift = 0, s, end, last_end = -1, range_from = 0;
	size_t i, cap = 0;

	memset(r, 0, sizeof(*r));
	mb_edits_sort(e);
	if (e->n && !(r->span = malloc(2 * e->n * sizeof(*r->span))))
		return whole(r, -1);
	for (i = 0; i < e->n; i++) {
		const struct mb_edit *ed = &e->v[i];

		s = widen(doc, ed->start, 0);
		end = widen(doc, ed->end, 1);
		if (ed->end < ed->start || !between_items(doc, (uint32_t)s) ||
		    !between_items(doc, (uint32_t)end))
			return whole(r, 0);
		if (r->n && s <= last_end) {
			end = end > last_end ? end : last_end;
		} else {
			/* the range before this one is complete */
			if (r->n && keep_locs(doc, (uint32_t)range_from,
					      (uint32_t)last_end, r, &cap))
				return whole(r, -1);
			range_from = s;
			r->span[2 * r->n] = (uint32_t)(s + shift);
			r->n++;
		}
		shift += (int64_t)ed->len - (int64_t)(ed->end - ed->start);
		if (end + shift < 0 || end + shift >= UINT32_MAX)
			return whole(r, 0);
		last_end = end;
		r->span[2 * r->n - 1] = (uint32_t)(end + shift);
	}
	if (r->n && keep_locs(doc, (uint32_t)range_from, (uint32_t)last_end,
			      r, &cap))
		return whole(r, -1);
	r->open = doc->mbprop_open;
	r->close = (uint32_t)(doc->mbprop_close + shift);
	return 0;
}

/* The new file's prolog, ranges and tail; NULL when they do not hold. */
static struct mb_piece *pieces(const struct mb_doc *d,
			       const struct mb_doc_recheck *r, size_t *n)
{
	struct mb_piece *v;
	size_t i;

	if (r->whole)
		return NULL;
	for (i = 0; i < 2 * r->n; i++)
		if (r->span[i] > d->len || !between_items(d, r->span[i]) ||
		    (i && r->span[i] < r->span[i - 1]))
			return NULL;
	v = malloc((r->n + 2) * sizeof(*v));
	if (!v)
		return NULL;
	v[0] = (struct mb_piece){ d->buf, d->mbprop_open };
	for (i = 0; i < r->n; i++)
		v[i + 1] = (struct mb_piece){ d->buf + r->span[2 * i],
					      r->span[2 * i + 1] -
					      r->span[2 * i] };
	v[r->n + 1] = (struct mb_piece){ d->buf + d->mbprop_close,
					 d->len - d->mbprop_close };
	*n = r->n + 2;
	return v;
}

static enum mb_status check_all(const struct mb_doc *d, struct mb_error *err)
{
	enum mb_status st = mb_doc_check_limits(d, err);

	return st ? st : mb_doc_check_xml(d, err);
}

enum mb_status mb_doc_recheck_xml(const struct mb_doc *doc,
				  const struct mb_doc_recheck *r,
				  struct mb_error *err)
{
	struct mb_error e;
	struct mb_piece *v;
	enum mb_status st = MB_OK;
	size_t n = 0, i;

	if (!r || !(v = pieces(doc, r, &n)))
		return check_all(doc, err);
	mb_error_clear(&e);
	for (i = 0; !st && i < n; i++)
		st = mb_doc_check_limits_in(doc, (size_t)(v[i].p - doc->buf),
					    (size_t)(v[i].p - doc->buf) +
					    v[i].n, &e);
	if (!st)
		st = mb_doc_check_xml_pieces(doc, v, n, &e);
	free(v);
	/* A refusal is told as the whole file's check tells it (lines). */
	return st ? check_all(doc, err) : MB_OK;
}

/* ---- the ranges alone ------------------------------------------------------ */

/* The new file's prolog, ranges and tail, in one buffer; NULL on failure. */
static char *alone_bytes(const char *buf, size_t len,
			 const struct mb_doc_recheck *r, size_t *out)
{
	size_t i, n = r->open + (len - r->close);
	char *v, *p;

	for (i = 0; i < 2 * r->n; i++)
		if (r->span[i] < r->open || r->span[i] > r->close ||
		    (i && r->span[i] < r->span[i - 1]))
			return NULL;
	if (r->whole || !r->n || r->open > r->close || r->close > len)
		return NULL;
	for (i = 0; i < r->n; i++)
		n += r->span[2 * i + 1] - r->span[2 * i];
	if (!(v = malloc(n + 1)))
		return NULL;
	memcpy(v, buf, r->open);
	p = v + r->open;
	for (i = 0; i < r->n; i++) {
		memcpy(p, buf + r->span[2 * i], r->span[2 * i + 1] -
		       r->span[2 * i]);
		p += r->span[2 * i + 1] - r->span[2 * i];
	}
	memcpy(p, buf + r->close, len - r->close);
	*out = n;
	return v;
}

/* Each range begins and ends between items, with the keys it had. */
static int alone_holds(const struct mb_doc *d, const struct mb_doc_recheck *r)
{
	size_t i, k;
	uint32_t at = r->open;
	const char *loc = r->locs;

	if (d->mbprop_open != r->open || d->nkeys != r->nlocs)
		return 0;
	for (i = 0; i < r->n; i++) {
		if (!between_items(d, at))
			return 0;
		at += r->span[2 * i + 1] - r->span[2 * i];
		if (!between_items(d, at))
			return 0;
	}
	for (k = 0; k < d->nkeys; k++) {
		if (strcmp(d->keys[k].location, loc) != 0)
			return 0;
		loc += strlen(loc) + 1;
	}
	return d->mbprop_close == at;
}

int mb_doc_recheck_alone(const char *name, const char *buf, size_t len,
			 const struct mb_schema *schema,
			 const struct mb_doc_recheck *r)
{
	struct mb_error e;
	struct mb_doc *d = NULL;
	size_t n = 0;
	char *v = alone_bytes(buf, len, r, &n);
	int ok;

	if (!v)
		return -1;
	mb_error_clear(&e);
	if (mb_doc_parse_take(name, v, n, schema, &d, &e) != MB_OK)
		return -1;
	ok = alone_holds(d, r);
	mb_doc_free(d);
	return ok ? 0 : -1;
}
