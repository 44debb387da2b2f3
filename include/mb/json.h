/* SPDX-License-Identifier: MIT */
/*
 * A small JSON writer (output only, in insertion order), after git's
 * json-writer: it builds text into a struct mb_buf and knows where commas
 * go. Strings are escaped; invalid UTF-8 bytes become U+FFFD.
 *
 *   mb_json_init(&j, &buf);
 *   mb_json_obj_begin(&j);
 *   mb_json_key(&j, "path"); mb_json_str(&j, "W3SVC/1");
 *   mb_json_obj_end(&j);
 */
#ifndef MB_JSON_H
#define MB_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "mb/buf.h"

#define MB_JSON_MAXDEPTH 32

struct mb_json {
	struct mb_buf *b;
	int depth;
	int after_key;
	unsigned char count[MB_JSON_MAXDEPTH]; /* items so far, saturating */
};

void mb_json_init(struct mb_json *j, struct mb_buf *b);
void mb_json_obj_begin(struct mb_json *j);
void mb_json_obj_end(struct mb_json *j);
void mb_json_arr_begin(struct mb_json *j);
void mb_json_arr_end(struct mb_json *j);
void mb_json_key(struct mb_json *j, const char *key);
void mb_json_str(struct mb_json *j, const char *s);
void mb_json_strn(struct mb_json *j, const char *s, size_t n);
void mb_json_int(struct mb_json *j, long long v);
void mb_json_bool(struct mb_json *j, int v);
void mb_json_null(struct mb_json *j);
/* Text as an array of its lines (no newlines; a last empty one left out). */
void mb_json_lines(struct mb_json *j, const char *text);
/* Shorthands for "key": value members. */
void mb_json_kstr(struct mb_json *j, const char *key, const char *s);
void mb_json_kint(struct mb_json *j, const char *key, long long v);
void mb_json_kbool(struct mb_json *j, const char *key, int v);

/*
 * Append text (JSON as this writer makes it) to out on one line: the
 * whitespace between tokens removed, strings kept byte for byte. For
 * line-per-record output (--jsonl); -1 when out of memory.
 */
int mb_json_compact(struct mb_buf *out, const char *text, size_t len);
/*
 * Append text (JSON as this writer makes it, at depth 0) to out with every
 * line after the first indented by depth levels, trailing newlines dropped:
 * a document nested into another one. -1 when out of memory.
 */
int mb_json_indent(struct mb_buf *out, const char *text, size_t len,
		   int depth);
/* A value that is already JSON text (this writer's), nested at this point. */
void mb_json_raw(struct mb_json *j, const char *text, size_t len);

#endif
