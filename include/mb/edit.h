/* SPDX-License-Identifier: MIT */
/*
 * Metabase edits as byte splices (see splice.h), in IIS 6's own layout
 * (reference/metabase-format.md §1.6): a new attribute goes on its own line
 * "\t\tName=\"Value\"" at its ordinal (case-sensitive ASCII) position, a new
 * key goes at its case-insensitive Location position, MULTISZ items are
 * continued on lines indented with three TABs, line ends follow the file.
 * Nothing outside the changed attribute or key changes.
 *
 * Edits are collected in a struct mb_edits against one loaded document;
 * mb_write_file (write.h) applies and writes them atomically. Several
 * changes to one document may be collected before writing, but two
 * changes to the same attribute or key in one batch are refused.
 */
#ifndef MB_EDIT_H
#define MB_EDIT_H

#include <stddef.h>
#include <stdint.h>

#include "mb/buf.h"
#include "mb/doc.h"
#include "mb/err.h"
#include "mb/schema.h"
#include "mb/splice.h"

/* Escape text for an attribute value (&, <, >, "; newlines kept raw). */
void mb_edit_escape(struct mb_buf *b, const char *text);

/*
 * Set prop at key to the already-formatted file text (e.g. "TRUE",
 * "AuthAnonymous | AuthNTLM", items joined by "\n" for MULTISZ, hex for
 * secure values). Replaces the existing attribute or <Custom> value, or
 * inserts a new attribute. With as_custom, a new value is written as a
 * <Custom> element (set --force for a property the key type may not hold).
 */
enum mb_status mb_edit_set(const struct mb_doc *doc, struct mb_edits *e,
			   size_t key, const struct mb_prop *prop,
			   const char *text, int as_custom,
			   struct mb_error *err);

/* Remove prop's local value at key (attribute or Custom). 0 if none. */
enum mb_status mb_edit_unset(const struct mb_doc *doc, struct mb_edits *e,
			     size_t key, const struct mb_prop *prop,
			     int *removed, struct mb_error *err);

/* Remove key and every key below it (IIS_Global is refused). */
enum mb_status mb_edit_remove_key(const struct mb_doc *doc,
				  struct mb_edits *e, size_t key,
				  struct mb_error *err);

/*
 * Insert a new empty key <keytype Location ="location"> at its sorted
 * position. keytype must be an ASCII XML name other than the file's frame
 * (configuration, MBProperty, Custom, IIS_Global), else MB_EUSAGE; whether
 * the parent may hold it is the caller's question (mb_schema_may_contain).
 * The caller checks that it does not exist. Keys added at one
 * position within one struct mb_edits keep the order of the calls: add
 * them in Location order, or apply the edits in between (batch does).
 */
enum mb_status mb_edit_add_key(const struct mb_doc *doc, struct mb_edits *e,
			       const char *location, const char *keytype,
			       struct mb_error *err);

/*
 * IIS's key order: IIS_Global (".") first, then Locations compared
 * case-insensitively (as _wcsicmp: folded to lower case) component by
 * component, so that a parent comes before its children and a subtree is
 * contiguous. <0, 0, >0 like strcmp.
 */
int mb_edit_loccmp(const char *a, const char *b);

/* Is location at or below ancestor (case-insensitive, whole components)? */
int mb_edit_loc_under(const char *location, const char *ancestor);

/*
 * Flag DWORD as the file writes it: the names of the set flags in schema
 * declaration order joined by " | ", bits no flag names as one decimal
 * number after them, "0" for none; a plain decimal number for a DWORD
 * without flags. malloc'd.
 */
char *mb_edit_dword_text(const struct mb_prop *p, uint32_t v);

/*
 * Command-line values as prop's file text, checked by type: STRING,
 * EXPANDSZ (one value, as is), DWORD (decimal, 0x hex, or flag names
 * joined by '|'; 0..4294967295 and the schema range), BOOL (TRUE/FALSE in
 * any case, or a number; written TRUE/FALSE), MULTISZ and MIMEMAP (one
 * value per item, joined by "\n"), BINARY and IPSECLIST (hex, written
 * lower case). MB_EUSAGE says what is wrong. *out is malloc'd.
 */
enum mb_status mb_edit_format(const struct mb_prop *prop,
			      const char *const *args, size_t nargs,
			      char **out, struct mb_error *err);

/*
 * A flag sub-property (AuthNTLM = one bit of AuthFlags): the effective
 * value at key (local, inherited or the schema default) with the bit set
 * or cleared, written at key as the whole DWORD. *text (may be NULL)
 * receives the new DWORD text, malloc'd.
 */
enum mb_status mb_edit_set_flag(const struct mb_doc *doc, struct mb_edits *e,
				size_t key, const struct mb_prop *prop,
				const struct mb_flag *flag, int on,
				int as_custom, char **text,
				struct mb_error *err);

/*
 * Copy key src and its subtree to the new Location dst: every copied key's
 * Location and every AppRoot that points into the source subtree are
 * rewritten; all else is copied byte for byte (secure values included: a
 * blob is valid anywhere in its file). dst and everything below it must
 * not exist. *count (may be NULL) receives the number of keys copied.
 */
enum mb_status mb_edit_copy_tree(const struct mb_doc *doc, struct mb_edits *e,
				 size_t src, const char *dst, size_t *count,
				 struct mb_error *err);

#endif
