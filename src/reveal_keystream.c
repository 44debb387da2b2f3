/* SPDX-License-Identifier: MIT */
/*
 * Reveal: the keystream. The hard part is certain (prefix, NULs, machine
 * key, known values, verified plaintexts); the soft part is what the
 * hypotheses of a level add (ASCII, printable, documented defaults).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reveal_priv.h"

/* ---- the hard keystream ---------------------------------------------- */

/* Majority (Boyer-Moore vote) of the first four ciphertext bytes. */
void mb_rv_find_prefix(struct solver *s)
{
	const unsigned char *best = NULL;
	size_t i, votes = 0;

	for (i = 0; i < s->nv; i++) {
		if (s->v[i].kind == VK_CLEAR)
			continue;
		if (!votes)
			best = s->v[i].c;
		votes += best == s->v[i].c || !memcmp(best, s->v[i].c, 4) ? 1
									   : -1;
	}
	if (!best)
		return;
	s->have_prefix = 1;
	memcpy(s->prefix, s->mk ? s->mk : best, 4);
	for (i = 0; i < s->nv; i++) {
		if (s->v[i].kind == VK_CLEAR ||
		    !memcmp(s->v[i].c, s->prefix, 4))
			continue;
		s->v[i].excluded = 1;
		mb_rv_why(&s->v[i].why, WHY_MAX,
			  "encrypted with a different session key than %s: "
			  "its first 4 bytes differ (copied from another "
			  "server?)", s->mk ? "this file's SessionKey"
					    : "the other values of the file");
	}
}

/* 0 on success, else the conflicting source + 1 (or -1 for structure). */
static int hard_set(struct solver *s, size_t j, unsigned k, int src)
{
	if (s->hset[j]) {
		if (s->hk[j] == k)
			return 0;
		return s->hsrc[j] >= 0 ? s->hsrc[j] + 1 : -1;
	}
	s->hset[j] = 1;
	s->hk[j] = (unsigned char)k;
	s->hsrc[j] = src;
	return 0;
}

static void hard_nuls(struct solver *s)
{
	size_t i;

	for (i = 0; i < s->nv; i++) {
		struct dv *d = &s->v[i];

		if (d->kind != VK_STRING || d->excluded)
			continue;
		if (hard_set(s, d->n - 2, d->c[d->n - 2], (int)i) ||
		    hard_set(s, d->n - 1, d->c[d->n - 1], (int)i)) {
			d->excluded = 1;
			mb_rv_why(&d->why, WHY_MAX,
				  "its terminating NUL contradicts the other "
				  "values: the value is damaged or was not "
				  "encrypted with this file's key");
		}
	}
}

static void hard_plain(struct solver *s, size_t i, const unsigned char *pt)
{
	size_t j;

	for (j = 0; j < s->v[i].n; j++)
		hard_set(s, j, s->v[i].c[j] ^ pt[j], (int)i);
}

/* The first byte where d's known value contradicts the certain keystream:
 * its source + 1 (-1 for structure), 0 when it agrees everywhere. */
static int known_conflict(const struct solver *s, const struct dv *d,
			  size_t *at)
{
	size_t j;

	for (j = 0; j < d->n; j++) {
		if (!s->hset[j] || s->hk[j] == (d->c[j] ^ d->known[j]))
			continue;
		*at = j;
		return s->hsrc[j] >= 0 ? s->hsrc[j] + 1 : -1;
	}
	return 0;
}

/* All or nothing: a rejected known value leaves no byte behind. */
static void hard_knowns(struct solver *s)
{
	size_t i, j = 0;
	int r;

	for (i = 0; i < s->nv; i++) {
		struct dv *d = &s->v[i];

		if (!d->known || d->known_bad || d->excluded || d->verified)
			continue;
		r = known_conflict(s, d, &j);
		if (!r) {
			for (j = 0; j < d->n; j++)
				hard_set(s, j, d->c[j] ^ d->known[j], (int)i);
			continue;
		}
		d->known_bad = 1;
		mb_rv_why(&d->known_why, KNOWN_WHY_MAX,
			  "the known value contradicts %s%s%s at byte %zu",
			  r > 0 ? mb_rv_dv_label(s, (size_t)r - 1) : "",
			  r > 0 ? " " : "the file's structure",
			  r > 0 ? mb_rv_dv_name(s, (size_t)r - 1) : "", j);
	}
}

/* Derive the certain keystream again from every certain fact. */
void mb_rv_rebuild_hard(struct solver *s)
{
	size_t i, j;

	memset(s->hset, 0, s->L);
	for (j = 0; s->mk && j < s->L; j++)
		hard_set(s, j, s->mk[j], -1);
	for (j = 0; s->have_prefix && j < 4 && j < s->L; j++)
		hard_set(s, j, s->prefix[j], -1);
	hard_nuls(s);
	for (i = 0; i < s->nv; i++)
		if (s->v[i].verified && s->v[i].pt)
			hard_plain(s, i, s->v[i].pt);
	/* Knowns count until a signature or a certain fact says otherwise. */
	hard_knowns(s);
}

/* ---- soft hypotheses of a level ---------------------------------------- */

static int covers_high(const struct dv *d, size_t j)
{
	return d->kind == VK_STRING && !d->excluded && !d->verified &&
	       !(d->known && !d->known_bad) && j % 2 && j >= 5 && j + 2 < d->n;
}

/*
 * The keystream byte most strings vote for at j (they are ASCII: their
 * high bytes are zero), or 256 when none or a tie; cand narrowed. Only
 * what cand allows takes part: what the descriptors' layouts pin there
 * outvotes any number of strings (their characters are not ASCII).
 */
static unsigned ascii_vote(struct solver *s, struct bset *cand, size_t j,
			   const unsigned *cnt)
{
	unsigned best = 0, second = 0, bk = 0, k;

	for (k = 0; k < 256; k++) {
		if (!bs_has(&cand[j], k))
			continue;
		if (cnt[k] > best) {
			second = best;
			best = cnt[k];
			bk = k;
		} else if (cnt[k] > second) {
			second = cnt[k];
		}
	}
	if (!best)
		return 256;
	if (s->hset[j])
		return s->hk[j];
	if (best == second)
		return 256; /* a tie: nobody knows which one is ASCII */
	bs_one(&cand[j], bk);
	return bk;
}

/* A value whose high byte at j is not the vote: that character is not
 * ASCII (the first such j is kept). */
static void ascii_mark(struct dv *d, size_t j, unsigned bk)
{
	if (d->c[j] == bk)
		return;
	d->na[j] = 1;
	if (!d->ascii_conflict)
		d->ascii_conflict = j;
}

/* High bytes of ASCII characters are zero: vote where strings disagree. */
static void ascii_position(struct solver *s, struct bset *cand, size_t j)
{
	unsigned cnt[256] = { 0 }, bk;
	size_t i;

	for (i = 0; i < s->nv; i++)
		if (covers_high(&s->v[i], j))
			cnt[s->v[i].c[j]]++;
	bk = ascii_vote(s, cand, j, cnt);
	for (i = 0; i < s->nv; i++)
		if (covers_high(&s->v[i], j))
			ascii_mark(&s->v[i], j, bk);
}

/*
 * Every position's vote in two passes over the strings' own bytes, not
 * one pass over every value per position: with a password per site, a
 * hosting file has 50,000 values, almost all far shorter than the
 * longest. Long files of values fall back to ascii_position.
 */
static void ascii_positions(struct solver *s, struct bset *cand)
{
	unsigned (*cnt)[256] = s->L <= 1024 ? calloc(s->L + 1, sizeof(*cnt))
					    : NULL;
	unsigned short *bk = cnt ? malloc((s->L + 1) * sizeof(*bk)) : NULL;
	size_t i, j;

	if (!bk) {
		free(cnt);
		for (j = 5; j < s->L; j += 2)
			ascii_position(s, cand, j);
		return;
	}
	for (i = 0; i < s->nv; i++)
		for (j = 5; j < s->v[i].n; j += 2)
			if (covers_high(&s->v[i], j))
				cnt[j][s->v[i].c[j]]++;
	for (j = 5; j < s->L; j += 2)
		bk[j] = (unsigned short)ascii_vote(s, cand, j, cnt[j]);
	for (i = 0; i < s->nv; i++)
		for (j = 5; j < s->v[i].n; j += 2)
			if (covers_high(&s->v[i], j))
				ascii_mark(&s->v[i], j, bk[j]);
	free(cnt);
	free(bk);
}

/*
 * Printable characters, per value and per character: a character that
 * cannot be printable given the others (an accented or control one) is
 * taken as non-ASCII on its own, and the file keeps every other crib.
 */
static void printable(struct solver *s, struct bset *cand)
{
	/* keystream bytes under which ciphertext byte c is printable, per
	 * c: made once a call, not once a character (it was a tenth of
	 * sam on a hosting file with a password per site) */
	struct bset set[256], t;
	size_t i, j;
	unsigned p, c;

	memset(set, 0, sizeof(set));
	for (c = 0; c < 256; c++)
		for (p = 0x20; p < 0x7f; p++)
			bs_add(&set[c], c ^ p);
	for (i = 0; i < s->nv; i++) {
		struct dv *d = &s->v[i];

		for (j = 4; j + 3 < d->n; j += 2) {
			if (!covers_high(d, j + 1) || d->na[j + 1])
				continue;
			t = cand[j];
			if (bs_and(&t, &set[d->c[j]]))
				cand[j] = t;
			else
				d->na[j + 1] = 1;
		}
	}
}

/* Byte j of the UTF-16 plaintext (after the prefix) of an ASCII word. */
static unsigned odbc_byte(const char *w, size_t j)
{
	return j % 2 ? 0 : (unsigned char)w[(j - 4) / 2];
}

/* Per value: a default a failed gcd refuted is not tried again. */
static int default_refuted(struct solver *s, const struct dv *d,
			   const char *w)
{
	unsigned char pt[4 + 2 * 16] = { 0 };
	size_t j;

	for (j = 4; j < d->n && j < sizeof(pt); j++)
		pt[j] = j + 2 < d->n ? (unsigned char)odbc_byte(w, j) : 0;
	return d->n <= sizeof(pt) && mb_rv_is_refuted(s, d, pt);
}

static void defaults(struct solver *s, struct bset *cand)
{
	static const char odbc[] = "sqllog";
	size_t i, j;

	for (i = 0; i < s->nv; i++) {
		struct dv *d = &s->v[i];
		int ok = 1;

		if (!d->is_odbc || d->n != 4 + 2 * sizeof(odbc) ||
		    d->verified || d->excluded || (d->known && !d->known_bad) ||
		    default_refuted(s, d, odbc))
			continue;
		for (j = 4; j < d->n - 2; j++)
			ok &= bs_has(&cand[j], d->c[j] ^ odbc_byte(odbc, j));
		for (j = 4; ok && j < d->n - 2; j++)
			bs_one(&cand[j], d->c[j] ^ odbc_byte(odbc, j));
		d->from_default = ok;
	}
}

int mb_rv_apply_soft(struct solver *s, int level, struct bset *cand,
		     const struct bset *base)
{
	size_t i, j;

	for (j = 0; j < s->L; j++) {
		if (s->hset[j])
			bs_one(&cand[j], s->hk[j]);
		else if (base)
			cand[j] = base[j];
		else
			bs_all(&cand[j]);
	}
	for (i = 0; i < s->nv; i++) {
		memset(s->v[i].na, 0, s->v[i].n);
		s->v[i].from_default = 0;
	}
	if (level >= 3)
		return 0;
	ascii_positions(s, cand);
	if (level < 2)
		printable(s, cand);
	if (level < 1 && !s->o->no_defaults)
		defaults(s, cand);
	return 0;
}
