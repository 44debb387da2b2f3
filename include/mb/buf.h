/* SPDX-License-Identifier: MIT */
/*
 * A growable byte buffer. Output of the library (rendered values, JSON,
 * spliced files) is built in one of these. Allocation failure is sticky:
 * every append after a failure is a no-op and mb_buf_failed() says so, so
 * callers can build a whole document and check once at the end.
 */
#ifndef MB_BUF_H
#define MB_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct mb_buf {
	char *data;  /* always NUL-terminated when non-NULL */
	size_t len;
	size_t cap;
	int failed;  /* an allocation failed */
};

void mb_buf_init(struct mb_buf *b);
int mb_buf_reserve(struct mb_buf *b, size_t extra);
int mb_buf_append(struct mb_buf *b, const void *p, size_t n);
int mb_buf_puts(struct mb_buf *b, const char *s);
int mb_buf_putc(struct mb_buf *b, char c);
int mb_buf_printf(struct mb_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int mb_buf_vprintf(struct mb_buf *b, const char *fmt, va_list ap);
int mb_buf_failed(const struct mb_buf *b);
void mb_buf_reset(struct mb_buf *b);
/* Take ownership of the data; the buffer is left empty. */
char *mb_buf_detach(struct mb_buf *b, size_t *len);
void mb_buf_release(struct mb_buf *b);
/* Release after overwriting the contents (buffers that held secrets). */
void mb_buf_wipe(struct mb_buf *b);

#endif
