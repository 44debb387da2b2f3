/* SPDX-License-Identifier: MIT */
/*
 * Byte splicing: a new file is the original bytes with some ranges
 * replaced. Every byte outside the edited ranges is copied as it is, which
 * is how mbtool keeps untouched keys and attributes byte-identical.
 *
 *   struct mb_edits e; mb_edits_init(&e);
 *   mb_edits_add(&e, mb_attr_start(doc, a), mb_attr_end(a), "", 0);
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

/* 32 bytes: a collapse of a hosting file plans one per attribute. */
struct mb_edit {
	uint32_t start;  /* replace bytes [start, end) */
	uint32_t end;
	uint32_t nstart; /* where text begins in the spliced file (set by
			    mb_doc_splice) */
	uint32_t seq;    /* insertion order, to keep inserts at one offset
			    stable */
	char *text;      /* with these (owned; NULL when len is 0) */
	size_t len;
};

struct mb_edits {
	struct mb_edit *v;
	size_t n, cap;
	char *old;       /* the bytes the edits replace, in file order
			    (mb_edits_keep_old), or NULL */
	size_t oldlen;
};

void mb_edits_init(struct mb_edits *e);
int mb_edits_add(struct mb_edits *e, uint32_t start, uint32_t end,
		 const char *text, size_t len);
void mb_edits_release(struct mb_edits *e);
/* In file order (start, end, then the order they were added). */
void mb_edits_sort(struct mb_edits *e);

/*
 * The original bytes with the edits applied, into out (sized once, for
 * the whole new file). Overlapping edits are refused (MB_EFILE): they
 * would mean two changes to one span.
 */
enum mb_status mb_doc_splice(const struct mb_doc *doc, struct mb_edits *e,
			     struct mb_buf *out, struct mb_error *err);

/*
 * The original file without the original bytes: after mb_doc_splice, the
 * spliced bytes with the splice undone. keep_old copies what the edits
 * replace (a fraction of the file: the attributes a collapse deletes) so
 * that the caller may let doc's bytes go; undo then gives the old file
 * back piece by piece, in order, from the new bytes (data, len) and those
 * copies: what a write compares with the file under its lock and what a
 * dry run's diff shows as removed. fn returning non-zero stops the walk
 * (its value is returned); 0 when every piece was given.
 */
int mb_edits_keep_old(struct mb_edits *e, const struct mb_doc *doc);
typedef int mb_piece_fn(void *ctx, const char *p, size_t n);
int mb_edits_undo(const struct mb_edits *e, const char *data, size_t len,
		  mb_piece_fn *fn, void *ctx);
/* The length of the old file that undo gives. */
size_t mb_edits_old_len(const struct mb_edits *e, size_t len);
/* 1 when undo gives other bytes than data (some edit changes some). */
int mb_edits_changed(const struct mb_edits *e, const char *data);

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
	/* for mb_doc_recheck_alone: */
	uint32_t open;   /* the new file's <MBProperty> content: [open, */
	uint32_t close;  /* close) */
	char *locs;      /* the Locations of the original's keys in the
			    ranges, in order, each with its NUL */
	size_t nlocs, locs_len;
};

/*
 * The ranges for e (sorted here) on doc, which must still have its keys.
 * Only memory can fail (-1; r is then whole).
 */
int mb_doc_recheck_plan(const struct mb_doc *doc, struct mb_edits *e,
			struct mb_doc_recheck *r);
void mb_doc_recheck_free(struct mb_doc_recheck *r);

/*
 * The check of a spliced file when its keys stay what they were: a
 * document made of the new file's prolog, its ranges and its tail is
 * parsed whole (libxml2, the attribute limit, the tokenizer, the index);
 * the tokenizer must find each range's ends between items there, and the
 * keys it finds must carry the Locations the original's keys in the
 * ranges had, in the same order. Then every key outside the ranges is an
 * original one, unchanged, and no Location can be doubled: the new file
 * reads back without being tokenized and indexed whole. 0 when that holds,
 * -1 when it does not or cannot be told (keys added, removed or renamed,
 * an edit elsewhere, a failure of any kind, memory): parse the new file
 * whole then (mb_doc_parse_spliced), which says what is wrong.
 */
int mb_doc_recheck_alone(const char *name, const char *buf, size_t len,
			 const struct mb_schema *schema,
			 const struct mb_doc_recheck *r);

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
