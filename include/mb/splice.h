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
/* In file order (start, end, then the order they were added). */
void mb_edits_sort(struct mb_edits *e);

/*
 * The original bytes with the edits applied, into out. Overlapping edits
 * are refused (MB_EFILE): they would mean two changes to one span.
 */
enum mb_status mb_doc_splice(const struct mb_doc *doc, struct mb_edits *e,
			     struct mb_buf *out, struct mb_error *err);

/*
 * What of a spliced file libxml2 must see again (doc_recheck.c). The
 * original was checked whole when it was loaded; a splice keeps every
 * byte outside its edits. Each edit is widened to the keys it falls in,
 * and the widened ranges must begin and end between two items of
 * <MBProperty> (a key's edge, or white space between keys: never inside
 * a comment a splice could cut). The new file is then checked as its
 * prolog, these ranges and its tail, and the untouched keys between
 * them keep the check they had. whole: an edit elsewhere (the prolog, a
 * comment, the tail): the new file is checked whole, as before.
 */
struct mb_doc_recheck {
	uint32_t *span;  /* [start, end) pairs, in the new file's offsets */
	size_t n;
	int whole;
};

/*
 * The ranges for e (sorted here) on doc, which must still have its keys.
 * Only memory can fail (-1; r is then whole).
 */
int mb_doc_recheck_plan(const struct mb_doc *doc, struct mb_edits *e,
			struct mb_doc_recheck *r);
void mb_doc_recheck_free(struct mb_doc_recheck *r);

/*
 * mb_doc_parse_take for spliced bytes: the whole file is tokenized and
 * indexed, libxml2 and the attribute limit see r's ranges (the whole
 * file when r is NULL or whole, or when the ranges no longer fall
 * between items). A failure is reported as the full check reports it.
 */
enum mb_status mb_doc_parse_spliced(const char *name, char *buf, size_t len,
				    const struct mb_schema *schema,
				    const struct mb_doc_recheck *r,
				    struct mb_doc **out, struct mb_error *err);

#endif
