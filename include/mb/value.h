/* SPDX-License-Identifier: MIT */
/*
 * Typed views of metabase values, and adsutil-style rendering.
 *
 * Values are handled as their decoded text (mb_doc_text): DWORDs are
 * decimal or " | "-joined flag names, BOOLs TRUE/FALSE, MULTISZ items are
 * separated by line breaks (continuation lines indented with TABs), BINARY
 * is hex. Rendering follows adsutil 6.0 (reference/metabase-format.md §3.4):
 * the name padded to 32 columns, ": (TYPE) value", secure values masked.
 */
#ifndef MB_VALUE_H
#define MB_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "mb/buf.h"
#include "mb/json.h"
#include "mb/schema.h"

#define MB_MASK "**********"

/* One number: decimal or 0x hex, 0..4294967295, nothing else. 0 on success. */
int mb_value_number(const char *text, uint32_t *out);
/* DWORD text: decimal, 0x hex, or flag names joined by '|'. 0 on success. */
int mb_value_dword(const struct mb_prop *p, const char *text, uint32_t *out);
/* BOOL text: TRUE/FALSE (any case) or a number. 0 on success. */
int mb_value_bool(const char *text, int *out);
/*
 * MULTISZ items: split on line breaks, continuation TABs removed.
 * Returns a NULL-terminated malloc'd array (free with mb_value_free_list);
 * an empty value has no items.
 */
char **mb_value_list(const char *text, size_t *count);
void mb_value_free_list(char **items);

/* The adsutil type tag: "STRING", "INTEGER", "BOOLEAN", "LIST", ... */
const char *mb_value_tag(const struct mb_prop *p);

enum mb_style {
	MB_STYLE_GET,   /* adsutil GET */
	MB_STYLE_ENUM,  /* adsutil ENUM */
	MB_STYLE_SET,   /* adsutil SET echo */
	MB_STYLE_FIND,  /* find --values: GET lines, ENUM's long-name form */
};

/*
 * One property as adsutil prints it, ending with '\n'. shown is the name as
 * the user typed it (GET/SET) or as the file has it (ENUM). suffix (may be
 * NULL) goes at the end of the first line, e.g. "  (inherited from W3SVC)".
 */
void mb_value_render(struct mb_buf *b, enum mb_style style, const char *shown,
		     const struct mb_prop *p, const char *text,
		     const char *suffix);

/* The value as JSON: number, boolean, string, array of strings, or mask. */
void mb_value_json(struct mb_json *j, const struct mb_prop *p,
		   const char *text);

#endif
