/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "mb/splice.h"

void mb_edits_init(struct mb_edits *e)
{
	memset(e, 0, sizeof(*e));
}

int mb_edits_add(struct mb_edits *e, uint32_t start, uint32_t end,
		 const char *text, size_t len)
{
	struct mb_edit *ed;

	if (e->n == e->cap) {
		size_t c = e->cap ? e->cap * 2 : 16;
		struct mb_edit *v = realloc(e->v, c * sizeof(*v));

		if (!v)
			return -1;
		e->v = v;
		e->cap = c;
	}
	ed = &e->v[e->n];
	ed->text = NULL; /* a deletion (most edits) allocates nothing */
	if (len && !(ed->text = malloc(len + 1)))
		return -1;
	if (len) {
		memcpy(ed->text, text, len);
		ed->text[len] = '\0';
	}
	ed->start = start;
	ed->end = end;
	ed->len = len;
	ed->seq = (uint32_t)e->n++;
	return 0;
}

void mb_edits_release(struct mb_edits *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		free(e->v[i].text);
	free(e->v);
	free(e->old);
	mb_edits_init(e);
}

static int cmp_edit(const void *a, const void *b)
{
	const struct mb_edit *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

void mb_edits_sort(struct mb_edits *e)
{
	size_t i;

	/* Planned key by key, edits mostly come in order: then no qsort
	 * (nor its copy of the array, at a write's peak). */
	for (i = 1; i < e->n && cmp_edit(&e->v[i - 1], &e->v[i]) < 0; i++)
		;
	if (i < e->n) /* v is NULL when nothing is planned: no qsort then */
		qsort(e->v, e->n, sizeof(*e->v), cmp_edit);
}

/*
 * The new file's length, or (size_t)-1 when the edits overlap (*bad: the
 * first edit that does).
 */
static size_t new_len(const struct mb_doc *doc, const struct mb_edits *e,
		      uint32_t *bad)
{
	size_t i, pos = 0, n = doc->len;

	for (i = 0; i < e->n; i++) {
		const struct mb_edit *ed = &e->v[i];

		*bad = ed->start;
		if (ed->start < pos || ed->end < ed->start ||
		    ed->end > doc->len)
			return (size_t)-1;
		n += ed->len - (ed->end - ed->start);
		pos = ed->end;
	}
	return n;
}

enum mb_status mb_doc_splice(const struct mb_doc *doc, struct mb_edits *e,
			     struct mb_buf *out, struct mb_error *err)
{
	size_t i, pos = 0, n;
	uint32_t bad = 0;

	mb_edits_sort(e);
	if ((n = new_len(doc, e, &bad)) == (size_t)-1)
		return mb_error_set(err, MB_EFILE, "write", doc->path,
				    "internal error: overlapping edits at "
				    "byte %u", (unsigned)bad);
	/* One block of the final size: no doubling, no copy on growth. */
	mb_buf_reserve(out, n);
	for (i = 0; i < e->n; i++) {
		struct mb_edit *ed = &e->v[i];

		mb_buf_append(out, doc->buf + pos, ed->start - pos);
		ed->nstart = (uint32_t)out->len;
		mb_buf_append(out, ed->text, ed->len);
		pos = ed->end;
	}
	mb_buf_append(out, doc->buf + pos, doc->len - pos);
	if (mb_buf_failed(out))
		return mb_error_set(err, MB_EFILE, "write", doc->path,
				    "out of memory");
	return MB_OK;
}

int mb_edits_keep_old(struct mb_edits *e, const struct mb_doc *doc)
{
	size_t i, n = 0;

	for (i = 0; i < e->n; i++)
		n += e->v[i].end - e->v[i].start;
	free(e->old);
	e->oldlen = 0;
	if (!(e->old = malloc(n + 1)))
		return -1;
	for (i = 0; i < e->n; i++) {
		memcpy(e->old + e->oldlen, doc->buf + e->v[i].start,
		       e->v[i].end - e->v[i].start);
		e->oldlen += e->v[i].end - e->v[i].start;
	}
	return 0;
}

size_t mb_edits_old_len(const struct mb_edits *e, size_t len)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		len = len - e->v[i].len + (e->v[i].end - e->v[i].start);
	return len;
}

int mb_edits_undo(const struct mb_edits *e, const char *data, size_t len,
		  mb_piece_fn *fn, void *ctx)
{
	size_t i, pos = 0, old = 0, n;
	int r = 0;

	for (i = 0; !r && i < e->n; i++) {
		const struct mb_edit *ed = &e->v[i];

		n = ed->end - ed->start;
		if (ed->nstart > pos)
			r = fn(ctx, data + pos, ed->nstart - pos);
		if (!r && n)
			r = fn(ctx, e->old + old, n);
		old += n;
		pos = ed->nstart + ed->len;
	}
	if (!r && len > pos)
		r = fn(ctx, data + pos, len - pos);
	return r;
}

int mb_edits_changed(const struct mb_edits *e, const char *data)
{
	size_t i, old = 0, n;

	for (i = 0; i < e->n; i++) {
		n = e->v[i].end - e->v[i].start;
		if (e->v[i].len != n || (n && memcmp(data + e->v[i].nstart,
						    e->old + old, n) != 0))
			return 1;
		old += n;
	}
	return 0;
}
