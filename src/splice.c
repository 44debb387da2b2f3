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
	ed->text = malloc(len + 1);
	if (!ed->text)
		return -1;
	if (len)
		memcpy(ed->text, text, len);
	ed->text[len] = '\0';
	ed->start = start;
	ed->end = end;
	ed->len = len;
	ed->seq = e->n++;
	return 0;
}

void mb_edits_release(struct mb_edits *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		free(e->v[i].text);
	free(e->v);
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
	if (e->n) /* nothing planned: v is NULL, which qsort may not get */
		qsort(e->v, e->n, sizeof(*e->v), cmp_edit);
}

enum mb_status mb_doc_splice(const struct mb_doc *doc, struct mb_edits *e,
			     struct mb_buf *out, struct mb_error *err)
{
	size_t i, pos = 0;

	mb_edits_sort(e);
	for (i = 0; i < e->n; i++) {
		const struct mb_edit *ed = &e->v[i];

		if (ed->start < pos || ed->end < ed->start ||
		    ed->end > doc->len)
			return mb_error_set(err, MB_EFILE, "write", doc->path,
				"internal error: overlapping edits at byte %u",
				(unsigned)ed->start);
		mb_buf_append(out, doc->buf + pos, ed->start - pos);
		mb_buf_append(out, ed->text, ed->len);
		pos = ed->end;
	}
	mb_buf_append(out, doc->buf + pos, doc->len - pos);
	if (mb_buf_failed(out))
		return mb_error_set(err, MB_EFILE, "write", doc->path,
				    "out of memory");
	return MB_OK;
}
