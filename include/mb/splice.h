/* SPDX-License-Identifier: MIT */
/*
 * Byte splicing: a new file is the original bytes with some ranges
 * replaced. Every byte outside the edited ranges is copied as it is, which
 * is how mbtool keeps untouched keys and attributes byte-identical.
 *
 *   struct mb_edits e; mb_edits_init(&e);
 *   mb_edits_add(&e, attr->start, attr->end, "", 0);      (delete)
 *   mb_edits_add(&e, k->tag_end - 2, k->tag_end - 2, s, n); (insert)
 *   mb_doc_splice(doc, &e, &out, &err);
 *   mb_edits_release(&e);
 */
#ifndef MB_SPLICE_H
#define MB_SPLICE_H

#include <stddef.h>
#include <stdint.h>

#include "mb/buf.h"
#include "mb/doc.h"
#include "mb/err.h"

struct mb_edit {
	uint32_t start;  /* replace bytes [start, end) */
	uint32_t end;
	char *text;      /* with these (owned) */
	size_t len;
	size_t seq;      /* insertion order, to keep inserts at one offset stable */
};

struct mb_edits {
	struct mb_edit *v;
	size_t n, cap;
};

void mb_edits_init(struct mb_edits *e);
int mb_edits_add(struct mb_edits *e, uint32_t start, uint32_t end,
		 const char *text, size_t len);
void mb_edits_release(struct mb_edits *e);

/*
 * The original bytes with the edits applied, into out. Overlapping edits
 * are refused (MB_EFILE): they would mean two changes to one span.
 */
enum mb_status mb_doc_splice(const struct mb_doc *doc, struct mb_edits *e,
			     struct mb_buf *out, struct mb_error *err);

#endif
