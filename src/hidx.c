/* SPDX-License-Identifier: MIT */
/* Open-addressing hash index over the caller's items (mb/hidx.h). */
#include <stdlib.h>

#include "mb/hidx.h"

void mb_hidx_init(struct mb_hidx *ix)
{
	ix->item = NULL;
	ix->hash = NULL;
	ix->cap = ix->n = 0;
}

size_t mb_hidx_find(const struct mb_hidx *ix, uint64_t hash, mb_hidx_eq eq,
		    const void *ctx)
{
	size_t mask = ix->cap - 1, i;

	if (!ix->cap)
		return MB_HIDX_NONE;
	for (i = (size_t)hash & mask; ix->item[i]; i = (i + 1) & mask)
		if (ix->hash[i] == hash && eq(ix->item[i] - 1, ctx))
			return ix->item[i] - 1;
	return MB_HIDX_NONE;
}

static void put(size_t *item, uint64_t *hash, size_t cap, uint64_t h,
		size_t it)
{
	size_t i;

	for (i = (size_t)h & (cap - 1); item[i]; i = (i + 1) & (cap - 1))
		;
	item[i] = it + 1;
	hash[i] = h;
}

/* Doubles the table, keeping it at most half full. */
static int grow(struct mb_hidx *ix)
{
	size_t cap = ix->cap ? ix->cap * 2 : 64, i;
	size_t *item = calloc(cap, sizeof(*item));
	uint64_t *hash = malloc(cap * sizeof(*hash));

	if (!item || !hash) {
		free(item);
		free(hash);
		return -1;
	}
	for (i = 0; i < ix->cap; i++)
		if (ix->item[i])
			put(item, hash, cap, ix->hash[i], ix->item[i] - 1);
	free(ix->item);
	free(ix->hash);
	ix->item = item;
	ix->hash = hash;
	ix->cap = cap;
	return 0;
}

int mb_hidx_add(struct mb_hidx *ix, uint64_t hash, size_t item)
{
	if ((ix->n + 1) * 2 > ix->cap && grow(ix))
		return -1;
	put(ix->item, ix->hash, ix->cap, hash, item);
	ix->n++;
	return 0;
}

void mb_hidx_free(struct mb_hidx *ix)
{
	free(ix->item);
	free(ix->hash);
	mb_hidx_init(ix);
}

uint64_t mb_hidx_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}

uint64_t mb_hidx_fold(uint64_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		h = mb_hidx_fold1(h, (unsigned char)s[i]);
	return h;
}
