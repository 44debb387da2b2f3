/* SPDX-License-Identifier: MIT */
/* Internal to the document module: the tokenizer and the libxml2 check. */
#ifndef MB_DOC_PRIV_H
#define MB_DOC_PRIV_H

#include "mb/doc.h"

/* libxml2 pass: well-formed, UTF-8, no DOCTYPE, no entities, no network. */
enum mb_status mb_doc_check_xml(const struct mb_doc *doc,
				struct mb_error *err);
/*
 * Before libxml2 sees the bytes: no element with more than
 * MB_DOC_MAX_ATTRS attributes (libxml2's duplicate check is quadratic in
 * them: 500,000 on one element took minutes). One linear pass.
 */
enum mb_status mb_doc_check_limits(const struct mb_doc *doc,
				   struct mb_error *err);
/* Tokenizer pass: fills doc->keys with spans into doc->buf. */
enum mb_status mb_doc_scan(struct mb_doc *doc, struct mb_error *err);

#endif
