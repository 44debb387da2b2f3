/* SPDX-License-Identifier: MIT */
/*
 * Sets of byte values (256 bits) for the reveal solver: cand[j], the values
 * keystream byte j may still take. Inline: the layout search tests them in
 * its innermost loop.
 */
#ifndef MB_REVEAL_BSET_H
#define MB_REVEAL_BSET_H

#include <stdint.h>
#include <string.h>

struct bset {
	uint64_t w[4];
};

static inline void bs_all(struct bset *s)
{
	memset(s, 0xff, sizeof(*s));
}

static inline void bs_one(struct bset *s, unsigned v)
{
	memset(s, 0, sizeof(*s));
	s->w[v >> 6] = 1ull << (v & 63);
}

static inline int bs_has(const struct bset *s, unsigned v)
{
	return (int)(s->w[v >> 6] >> (v & 63) & 1);
}

static inline void bs_add(struct bset *s, unsigned v)
{
	s->w[v >> 6] |= 1ull << (v & 63);
}

static inline unsigned bs_count(const struct bset *s)
{
	return (unsigned)(__builtin_popcountll(s->w[0]) +
			  __builtin_popcountll(s->w[1]) +
			  __builtin_popcountll(s->w[2]) +
			  __builtin_popcountll(s->w[3]));
}

/*
 * The only member of a singleton, or -1. Without popcount: the build has
 * no -mpopcnt, so __builtin_popcountll is a libgcc call, and this runs for
 * every byte of every value at every level (6% of sam on a hosting file
 * with a password per site).
 */
static inline int bs_single(const struct bset *s)
{
	int at = -1;
	unsigned i;

	for (i = 0; i < 4; i++) {
		uint64_t w = s->w[i];

		if (!w)
			continue;
		if (at >= 0 || (w & (w - 1)))
			return -1;
		at = (int)(i * 64 + (unsigned)__builtin_ctzll(w));
	}
	return at;
}

/* a &= b; 0 when nothing is left. */
static inline int bs_and(struct bset *a, const struct bset *b)
{
	unsigned i;
	uint64_t any = 0;

	for (i = 0; i < 4; i++)
		any |= a->w[i] &= b->w[i];
	return any != 0;
}

static inline int bs_is_all(const struct bset *s)
{
	return (s->w[0] & s->w[1] & s->w[2] & s->w[3]) == ~0ull;
}

#endif
