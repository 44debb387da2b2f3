/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mb/buf.h"

void mb_buf_init(struct mb_buf *b)
{
	memset(b, 0, sizeof(*b));
}

int mb_buf_reserve(struct mb_buf *b, size_t extra)
{
	size_t want, cap;
	char *p;

	if (b->failed)
		return -1;
	if (extra > (size_t)-1 / 2 - b->len) {
		b->failed = 1;
		return -1;
	}
	want = b->len + extra + 1;
	if (want <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < want)
		cap *= 2;
	/*
	 * Not realloc: it may move the bytes and free the old block as it is,
	 * leaving a plaintext password in freed memory. The old block is
	 * copied, wiped, then freed (amortised linear, as doubling is).
	 */
	p = malloc(cap);
	if (!p) {
		b->failed = 1;
		return -1;
	}
	p[b->len] = '\0';
	if (b->data) {
		memcpy(p, b->data, b->len);
		OPENSSL_cleanse(b->data, b->cap);
		free(b->data);
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

int mb_buf_append(struct mb_buf *b, const void *p, size_t n)
{
	/* Room already there (nearly always): no call, no checks to redo.
	 * n == 0 takes the slow path: p may then be NULL, which memcpy must
	 * never see (UBSan). */
	if (n && !b->failed && b->data && n < b->cap - b->len) {
		memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return 0;
	}
	if (mb_buf_reserve(b, n))
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int mb_buf_puts(struct mb_buf *b, const char *s)
{
	return mb_buf_append(b, s, strlen(s));
}

int mb_buf_putc(struct mb_buf *b, char c)
{
	return mb_buf_append(b, &c, 1);
}

int mb_buf_vprintf(struct mb_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	size_t room = b->cap > b->len ? b->cap - b->len : 0;
	int n;

	if (b->failed)
		return -1;
	/*
	 * One pass when the text fits the room left (nearly always: the
	 * buffer doubles); a second only to grow it. Output-heavy commands
	 * (enum_all) print millions of short lines.
	 */
	va_copy(cp, ap);
	n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, cp);
	va_end(cp);
	if (n >= 0 && (size_t)n < room) {
		b->len += (size_t)n;
		return 0;
	}
	if (n < 0 || mb_buf_reserve(b, (size_t)n)) {
		if (b->data)
			b->data[b->len] = '\0';
		b->failed = 1;
		return -1;
	}
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int mb_buf_printf(struct mb_buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = mb_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

int mb_buf_failed(const struct mb_buf *b)
{
	return b->failed;
}

void mb_buf_reset(struct mb_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *mb_buf_detach(struct mb_buf *b, size_t *len)
{
	char *p = b->data;

	if (!p)
		p = calloc(1, 1);
	if (len)
		*len = b->len;
	mb_buf_init(b);
	return p;
}

void mb_buf_release(struct mb_buf *b)
{
	free(b->data);
	mb_buf_init(b);
}

void mb_buf_wipe(struct mb_buf *b)
{
	if (b->data)
		OPENSSL_cleanse(b->data, b->cap);
	mb_buf_release(b);
}
