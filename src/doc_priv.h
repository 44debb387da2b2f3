/* SPDX-License-Identifier: MIT */
/* Internal to the document module: the tokenizer and the libxml2 check. */
#ifndef MB_DOC_PRIV_H
#define MB_DOC_PRIV_H

#include "mb/doc.h"
#include "mb/splice.h"

/* A run of bytes given to a check. */
struct mb_piece {
	const char *p;
	size_t n;
};

/* libxml2 pass: well-formed, UTF-8, no DOCTYPE, no entities, no network. */
enum mb_status mb_doc_check_xml(const struct mb_doc *doc,
				struct mb_error *err);
/* The same on the concatenation of n pieces, read as doc's bytes. */
enum mb_status mb_doc_check_xml_pieces(const struct mb_doc *doc,
				       const struct mb_piece *v, size_t n,
				       struct mb_error *err);
/*
 * Before libxml2 sees the bytes: no element with more than
 * MB_DOC_MAX_ATTRS attributes (libxml2's duplicate check is quadratic in
 * them: 500,000 on one element took minutes). One linear pass.
 */
enum mb_status mb_doc_check_limits(const struct mb_doc *doc,
				   struct mb_error *err);
/* The same on doc's bytes [from, to), which begin and end between tags. */
enum mb_status mb_doc_check_limits_in(const struct mb_doc *doc, size_t from,
				      size_t to, struct mb_error *err);
/*
 * mb_doc_text into out (raw.len + 1 bytes: decoding never lengthens);
 * returns the decoded length.
 */
size_t mb_doc_decode(const struct mb_doc *doc, struct mb_span raw, char *out);
/*
 * Asks for transparent huge pages for the page-aligned inside of a large
 * block (the file's bytes, the key and attribute pools): in 4 KB pages a
 * 200,000-site file costs a page fault per page and a TLB miss on most
 * reads, a tenth of a load. A kernel without THP ignores the advice.
 */
void mb_doc_huge(void *p, size_t n);
/* Tokenizer pass: fills doc->keys with spans into doc->buf. */
enum mb_status mb_doc_scan(struct mb_doc *doc, struct mb_error *err);
/*
 * After the scan of spliced bytes: the attribute limit and libxml2 on r's
 * ranges (doc_recheck.c), or on everything (see mb_doc_parse_spliced).
 */
enum mb_status mb_doc_recheck_xml(const struct mb_doc *doc,
				  const struct mb_doc_recheck *r,
				  struct mb_error *err);

#endif
