/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "mb/json.h"

void mb_json_init(struct mb_json *j, struct mb_buf *b)
{
	memset(j, 0, sizeof(*j));
	j->b = b;
}

static void indent(struct mb_json *j)
{
	int i;

	mb_buf_putc(j->b, '\n');
	for (i = 0; i < j->depth; i++)
		mb_buf_puts(j->b, "  ");
}

/* Comma and newline before a new value (not after a key). */
static void before_value(struct mb_json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth == 0)
		return;
	if (j->count[j->depth - 1])
		mb_buf_putc(j->b, ',');
	if (j->count[j->depth - 1] < 255)
		j->count[j->depth - 1]++;
	indent(j);
}

static void json_open(struct mb_json *j, char c)
{
	before_value(j);
	mb_buf_putc(j->b, c);
	if (j->depth < MB_JSON_MAXDEPTH)
		j->count[j->depth] = 0;
	j->depth++;
}

static void json_close(struct mb_json *j, char c)
{
	int had = j->depth > 0 && j->depth <= MB_JSON_MAXDEPTH &&
		  j->count[j->depth - 1];

	j->depth--;
	if (had)
		indent(j);
	mb_buf_putc(j->b, c);
	if (j->depth == 0)
		mb_buf_putc(j->b, '\n');
}

void mb_json_obj_begin(struct mb_json *j) { json_open(j, '{'); }
void mb_json_obj_end(struct mb_json *j) { json_close(j, '}'); }
void mb_json_arr_begin(struct mb_json *j) { json_open(j, '['); }
void mb_json_arr_end(struct mb_json *j) { json_close(j, ']'); }

/* Length of a valid UTF-8 sequence at p, or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t len, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

static void quote(struct mb_buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, l;

	mb_buf_putc(b, '"');
	while (i < n) {
		unsigned char c = p[i];

		if (c == '"' || c == '\\') {
			mb_buf_putc(b, '\\');
			mb_buf_putc(b, (char)c);
		} else if (c == '\n') {
			mb_buf_puts(b, "\\n");
		} else if (c == '\t') {
			mb_buf_puts(b, "\\t");
		} else if (c == '\r') {
			mb_buf_puts(b, "\\r");
		} else if (c < 0x20) {
			mb_buf_printf(b, "\\u%04x", c);
		} else if ((l = utf8_len(p + i, n - i)) == 0) {
			mb_buf_puts(b, "\\ufffd");
		} else {
			mb_buf_append(b, p + i, l);
			i += l;
			continue;
		}
		i++;
	}
	mb_buf_putc(b, '"');
}

void mb_json_key(struct mb_json *j, const char *key)
{
	before_value(j);
	quote(j->b, key, strlen(key));
	mb_buf_puts(j->b, ": ");
	j->after_key = 1;
}

void mb_json_strn(struct mb_json *j, const char *s, size_t n)
{
	before_value(j);
	quote(j->b, s, n);
}

void mb_json_str(struct mb_json *j, const char *s)
{
	if (!s) {
		mb_json_null(j);
		return;
	}
	mb_json_strn(j, s, strlen(s));
}

void mb_json_int(struct mb_json *j, long long v)
{
	before_value(j);
	mb_buf_printf(j->b, "%lld", v);
}

void mb_json_bool(struct mb_json *j, int v)
{
	before_value(j);
	mb_buf_puts(j->b, v ? "true" : "false");
}

void mb_json_null(struct mb_json *j)
{
	before_value(j);
	mb_buf_puts(j->b, "null");
}

void mb_json_lines(struct mb_json *j, const char *text)
{
	const char *nl;

	mb_json_arr_begin(j);
	for (; text && *text; text = nl ? nl + 1 : text + strlen(text)) {
		nl = strchr(text, '\n');
		mb_json_strn(j, text, nl ? (size_t)(nl - text) : strlen(text));
	}
	mb_json_arr_end(j);
}

void mb_json_kstr(struct mb_json *j, const char *key, const char *s)
{
	mb_json_key(j, key);
	mb_json_str(j, s);
}

void mb_json_kint(struct mb_json *j, const char *key, long long v)
{
	mb_json_key(j, key);
	mb_json_int(j, v);
}

void mb_json_kbool(struct mb_json *j, const char *key, int v)
{
	mb_json_key(j, key);
	mb_json_bool(j, v);
}

int mb_json_compact(struct mb_buf *out, const char *text, size_t len)
{
	size_t i, start = 0;
	int in_str = 0;

	/* Escaped quotes are skipped with their backslash, so a quote seen
	 * here always opens or closes a string. */
	for (i = 0; i < len; i++) {
		char c = text[i];

		if (in_str) {
			if (c == '\\' && i + 1 < len)
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
			mb_buf_append(out, text + start, i - start);
			start = i + 1;
		}
	}
	mb_buf_append(out, text + start, len - start);
	return mb_buf_failed(out) ? -1 : 0;
}

int mb_json_indent(struct mb_buf *out, const char *text, size_t len,
		   int depth)
{
	size_t i, start = 0;
	int k;

	while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
		len--;
	/* The writer escapes newlines inside strings: every one here is
	 * between tokens. */
	for (i = 0; i < len; i++) {
		if (text[i] != '\n')
			continue;
		mb_buf_append(out, text + start, i + 1 - start);
		for (k = 0; k < depth; k++)
			mb_buf_puts(out, "  ");
		start = i + 1;
	}
	mb_buf_append(out, text + start, len - start);
	return mb_buf_failed(out) ? -1 : 0;
}

void mb_json_raw(struct mb_json *j, const char *text, size_t len)
{
	before_value(j);
	mb_json_indent(j->b, text, len, j->depth);
}
