/* SPDX-License-Identifier: MIT */
/*
 * A hash index of items the caller keeps in its own array: slots hold an
 * item number and its 64-bit hash, equality is the caller's callback. It
 * turns "compare with every earlier one" (accounts by name, secure values
 * by blob) into one probe, so analyses stay linear at hosting scale.
 *
 *   struct mb_hidx ix;
 *   mb_hidx_init(&ix);
 *   size_t i = mb_hidx_find(&ix, h, same, ctx);   MB_HIDX_NONE if absent
 *   if (i == MB_HIDX_NONE && mb_hidx_add(&ix, h, item)) ... out of memory
 *   mb_hidx_free(&ix);
 */
#ifndef MB_HIDX_H
#define MB_HIDX_H

#include <stddef.h>
#include <stdint.h>

#define MB_HIDX_NONE ((size_t)-1)

struct mb_hidx {
	size_t *item;    /* item + 1; 0 = free */
	uint64_t *hash;
	size_t cap;      /* a power of two, or 0 */
	size_t n;
};

/* 1 when item is the one looked for (ctx: the caller's key). */
typedef int (*mb_hidx_eq)(size_t item, const void *ctx);

void mb_hidx_init(struct mb_hidx *ix);
size_t mb_hidx_find(const struct mb_hidx *ix, uint64_t hash, mb_hidx_eq eq,
		    const void *ctx);
/* 0, or -1 out of memory (the index is unchanged). */
int mb_hidx_add(struct mb_hidx *ix, uint64_t hash, size_t item);
void mb_hidx_free(struct mb_hidx *ix);

/* FNV-1a over bytes, continuing from h (start with MB_HIDX_SEED). */
#define MB_HIDX_SEED 1469598103934665603ull
uint64_t mb_hidx_bytes(uint64_t h, const void *p, size_t n);
/* The same with ASCII letters folded to lower case. */
uint64_t mb_hidx_fold(uint64_t h, const char *s, size_t n);

/* One byte of mb_hidx_fold, inline for loops that hash as they scan. */
static inline uint64_t mb_hidx_fold1(uint64_t h, unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		c = (unsigned char)(c + 32);
	return (h ^ c) * 1099511628211ull;
}

#endif
