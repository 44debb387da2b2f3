/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mb/value.h"

/* One number: decimal or 0x hex, 0..4294967295, nothing else. */
static int parse_number(const char *s, size_t n, uint32_t *out)
{
	char tmp[24], *end;
	unsigned long long v;
	int base = 10;

	if (n == 0 || n >= sizeof(tmp) || s[0] == '-' || s[0] == '+')
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (n > 2 && tmp[0] == '0' && (tmp[1] == 'x' || tmp[1] == 'X'))
		base = 16;
	errno = 0;
	v = strtoull(base == 16 ? tmp + 2 : tmp, &end, base);
	if (errno || *end || end == tmp || v > 0xffffffffull)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int mb_value_number(const char *text, uint32_t *out)
{
	return parse_number(text, strlen(text), out);
}

static int flag_bits(const struct mb_prop *p, const char *s, size_t n,
		     uint32_t *out)
{
	unsigned i;

	for (i = 0; p && i < p->nflags; i++)
		if (strlen(p->flags[i].name) == n &&
		    strncasecmp(p->flags[i].name, s, n) == 0) {
			*out = p->flags[i].value;
			return 0;
		}
	return parse_number(s, n, out);
}

int mb_value_dword(const struct mb_prop *p, const char *text, uint32_t *out)
{
	const char *s = text;
	uint32_t v = 0, bits;

	for (;;) {
		const char *e;

		while (*s == ' ' || *s == '\t')
			s++;
		e = s + strcspn(s, "|");
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (flag_bits(p, s, (size_t)(e - s), &bits))
			return -1;
		v |= bits;
		s = e + strspn(e, " \t");
		if (*s == '\0')
			break;
		if (*s++ != '|')
			return -1;
	}
	*out = v;
	return 0;
}

int mb_value_bool(const char *text, int *out)
{
	uint32_t v;

	if (strcasecmp(text, "TRUE") == 0) {
		*out = 1;
	} else if (strcasecmp(text, "FALSE") == 0) {
		*out = 0;
	} else if (mb_value_number(text, &v) == 0) {
		*out = v != 0;
	} else {
		return -1;
	}
	return 0;
}

char **mb_value_list(const char *text, size_t *count)
{
	size_t n = 0, cap = 1, i;
	const char *p;
	char **items;

	for (p = text; *p; p++)
		cap += *p == '\n';
	items = calloc(cap + 1, sizeof(*items));
	if (!items)
		return NULL;
	for (p = text; *text && p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (n > 0)
			while (len && *p == '\t') {
				p++;
				len--;
			}
		items[n] = strndup(p, len);
		if (!items[n]) {
			for (i = 0; i < n; i++)
				free(items[i]);
			free(items);
			return NULL;
		}
		n++;
		p = e ? e + 1 : NULL;
	}
	*count = n;
	return items;
}

void mb_value_free_list(char **items)
{
	size_t i;

	if (!items)
		return;
	for (i = 0; items[i]; i++)
		free(items[i]);
	free(items);
}

const char *mb_value_tag(const struct mb_prop *p)
{
	switch (p ? p->type : MB_T_STRING) {
	case MB_T_EXPANDSZ: return "EXPANDSZ";
	case MB_T_DWORD: return "INTEGER";
	case MB_T_BOOL: return "BOOLEAN";
	case MB_T_MULTISZ: return "LIST";
	case MB_T_BINARY: return "BINARY";
	case MB_T_MIMEMAP: return "MimeMapList";
	case MB_T_IPSECLIST: return "IPSec";
	case MB_T_NTACL: return "NTAcl";
	default: return "STRING";
	}
}

/* The VBScript type name adsutil GET/SET print for names of 32+ chars. */
static const char *vb_tag(const struct mb_prop *p)
{
	switch (p ? p->type : MB_T_STRING) {
	case MB_T_DWORD: return "Long";
	case MB_T_BOOL: return "Boolean";
	case MB_T_MULTISZ:
	case MB_T_MIMEMAP: return "Variant()";
	default: return "String";
	}
}

static int is_secure(const struct mb_prop *p)
{
	return p && (p->attrs & MB_ATTR_SECURE);
}

static void head(struct mb_buf *b, enum mb_style style, const char *shown,
		 const struct mb_prop *p)
{
	size_t n = strlen(shown);

	mb_buf_puts(b, shown);
	if (n < 32) {
		/* (no printf: enum_all --effective prints millions of these) */
		static const char pad[] = "                                ";

		mb_buf_append(b, pad, 32 - n);
		mb_buf_puts(b, ": (");
		mb_buf_puts(b, mb_value_tag(p));
		mb_buf_puts(b, ") ");
	} else if (style == MB_STYLE_ENUM || style == MB_STYLE_FIND) {
		mb_buf_printf(b, " : (%s)", mb_value_tag(p));
		if (style == MB_STYLE_FIND || is_secure(p) || !p ||
		    (p->type != MB_T_STRING &&
		    p->type != MB_T_EXPANDSZ && p->type != MB_T_WSTR))
			mb_buf_putc(b, ' ');
	} else {
		mb_buf_printf(b, ": (%s) ", vb_tag(p));
	}
}

/* Decimal, without printf (enum_all prints hundreds of thousands). */
static void put_uint(struct mb_buf *b, uint32_t v)
{
	char d[10];
	size_t i = sizeof(d);

	do
		d[--i] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	mb_buf_append(b, d + i, sizeof(d) - i);
}

static void scalar(struct mb_buf *b, const struct mb_prop *p,
		   const char *text)
{
	uint32_t v;
	int bv;

	if (is_secure(p)) {
		mb_buf_puts(b, "\"" MB_MASK "\"");
	} else if (p && p->type == MB_T_DWORD && !mb_value_dword(p, text, &v)) {
		put_uint(b, v);
	} else if (p && p->type == MB_T_BOOL && !mb_value_bool(text, &bv)) {
		mb_buf_puts(b, bv ? "True" : "False");
	} else if (p && (p->type == MB_T_BINARY || p->type == MB_T_IPSECLIST)) {
		mb_buf_puts(b, "0x");
		mb_buf_puts(b, text);
	} else {
		mb_buf_putc(b, '"');
		mb_buf_puts(b, text);
		mb_buf_putc(b, '"');
	}
}

static void list(struct mb_buf *b, enum mb_style style,
		 const struct mb_prop *p, const char *text, const char *suffix)
{
	size_t n = 0, i;
	char **items = mb_value_list(text, &n);

	if (!items) {
		b->failed = 1;
		return;
	}
	if (style == MB_STYLE_SET || p->type == MB_T_MIMEMAP) {
		for (i = 0; i < n; i++)
			mb_buf_printf(b, "\"%s\" ", items[i]);
		mb_buf_printf(b, "%s\n", suffix ? suffix : "");
	} else {
		mb_buf_printf(b, "%s(%zu Items)%s\n",
			      style == MB_STYLE_ENUM ? "" : " ", n,
			      suffix ? suffix : "");
		for (i = 0; i < n; i++)
			mb_buf_printf(b, "  \"%s\"\n", items[i]);
		if (style == MB_STYLE_ENUM)
			mb_buf_putc(b, '\n');
	}
	mb_value_free_list(items);
}

void mb_value_render(struct mb_buf *b, enum mb_style style, const char *shown,
		     const struct mb_prop *p, const char *text,
		     const char *suffix)
{
	head(b, style, shown, p);
	if (!is_secure(p) && p &&
	    (p->type == MB_T_MULTISZ || p->type == MB_T_MIMEMAP)) {
		list(b, style, p, text, suffix);
		return;
	}
	scalar(b, p, text);
	if (suffix)
		mb_buf_puts(b, suffix);
	mb_buf_putc(b, '\n');
}

void mb_value_json(struct mb_json *j, const struct mb_prop *p,
		   const char *text)
{
	uint32_t v;
	int bv;

	if (is_secure(p)) {
		mb_json_str(j, MB_MASK);
	} else if (p && p->type == MB_T_DWORD && !mb_value_dword(p, text, &v)) {
		mb_json_int(j, v);
	} else if (p && p->type == MB_T_BOOL && !mb_value_bool(text, &bv)) {
		mb_json_bool(j, bv);
	} else if (p && (p->type == MB_T_MULTISZ || p->type == MB_T_MIMEMAP)) {
		size_t n = 0, i;
		char **items = mb_value_list(text, &n);

		mb_json_arr_begin(j);
		for (i = 0; items && i < n; i++)
			mb_json_str(j, items[i]);
		mb_json_arr_end(j);
		mb_value_free_list(items);
	} else {
		mb_json_str(j, text);
	}
}
