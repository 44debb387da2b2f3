/* SPDX-License-Identifier: MIT */
/*
 * Reveal: levels of hypotheses, strongest first, each checked against the
 * signatures (or the plaintexts a failed gcd refuted).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "reveal_priv.h"

/*
 * The joint search failed: judge each descriptor on its own, so that one
 * unusual descriptor (a NULL DACL, odd masks) or one with too many layouts
 * does not switch the crib off for the others. 0 when one or more fit.
 */
static int each_sd(struct solver *s, struct bset *cand)
{
	size_t i, n = 0, fit = 0;
	unsigned long budget;

	for (i = 0; i < s->nv; i++)
		n += (size_t)mb_rv_sd_searchable(&s->v[i]);
	if (n < 2)
		return -1;
	budget = s->node_budget / n > (1ul << 14) ? s->node_budget / n
						  : (1ul << 14);
	for (i = 0; i < s->nv; i++)
		if (mb_rv_sd_searchable(&s->v[i]) &&
		    mb_rv_run_dfs(s, cand, i, budget) > 0 && s->v[i].nlay)
			fit++;
	return fit ? 0 : -1;
}

/*
 * The joint search gave up, and the unions narrowed cand: search again on
 * the narrowed sets, where far fewer layouts fit (bytes that only this
 * descriptor constrains keep standing for any SID or type, as before).
 */
static int dfs_again(struct solver *s, struct bset *cand,
		     const struct bset *base)
{
	int r;

	s->dc_base = base;
	r = mb_rv_run_dfs(s, cand, NOVAL, s->node_budget);
	if (r <= 0)
		r = each_sd(s, cand) == 0;
	s->dc_base = NULL;
	return r;
}

static int solve_level(struct solver *s, int level, int use_sd,
		       struct bset *cand);
static int solve_sd(struct solver *s, struct bset *cand);

/*
 * No layout fits under the level's hypotheses: one of them (a Cyrillic
 * character's high byte, say) contradicts the descriptors. Solve the
 * descriptors on the structure alone, and take the level's hypotheses
 * again within what they allow: the characters they contradict are not
 * ASCII, and every other crib is kept.
 */
static int within_descriptors(struct solver *s, int level,
			      struct bset *cand)
{
	size_t hard = mb_rv_hard_count(s) + 1;

	/* the same for every level: solved once per certain keystream */
	if (s->sdonly_hard != hard) {
		if (!s->sdonly &&
		    !(s->sdonly = malloc(s->L * sizeof(*s->sdonly) + 1)))
			return -1;
		s->sdonly_fit = solve_level(s, NLEVELS - 1, 1, s->sdonly) == 0;
		s->sdonly_hard = hard;
	}
	if (!s->sdonly_fit || mb_rv_apply_soft(s, level, cand, s->sdonly))
		return -1;
	return solve_sd(s, cand) > 0 ? 0 : -1;
}

static int solve_level(struct solver *s, int level, int use_sd,
		       struct bset *cand)
{
	int r;

	if (mb_rv_apply_soft(s, level, cand, NULL))
		return -1;
	if (!use_sd)
		return 0;
	r = solve_sd(s, cand);
	if (r > 0 || level == NLEVELS - 1)
		return r < 0 ? -1 : 0;
	if (within_descriptors(s, level, cand) == 0)
		return 0;
	/* as before: a skipped search with no layout leaves the level be */
	return r == 0 && mb_rv_apply_soft(s, level, cand, NULL) == 0 ? 0 : -1;
}

/*
 * The descriptors' layouts under cand, which they narrow: 1 when any fit,
 * -1 when none does, 0 when the joint search was skipped (it gave up on
 * this certain keystream before) and no descriptor fits alone.
 */
static int solve_sd(struct solver *s, struct bset *cand)
{
	struct bset *base = NULL;
	int r = 1, fit, tried = 0;

	/* The joint search gave up on this certain keystream: it would again
	 * (weaker hypotheses prune less), and it is the costly part. */
	if (s->gave_up_hard != mb_rv_hard_count(s) + 1) {
		tried = 1;
		r = mb_rv_run_dfs(s, cand, NOVAL, s->node_budget);
		/* 0: nothing fits jointly; -1: too many fit */
		if (r <= 0)
			r = each_sd(s, cand) == 0;
	}
	if (r <= 0 && tried && (base = malloc(s->L * sizeof(*base) + 1)))
		memcpy(base, cand, s->L * sizeof(*base));
	/*
	 * Then what every layout of each descriptor allows, byte by byte:
	 * it narrows cand where the search gave up, and beyond what the
	 * joint layouts agree on (the search keeps its layouts for plans).
	 */
	fit = mb_rv_sd_unions(s, cand);
	if (base && fit)
		r = dfs_again(s, cand, base);
	free(base);
	return fit || (r > 0 && tried) ? 1 : r > 0 ? 0 : -1;
}

size_t mb_rv_hard_count(const struct solver *s)
{
	size_t j, n = 0;

	for (j = 0; j < s->L; j++)
		n += s->hset[j];
	return n;
}

/* The plaintext of d if cand determines every byte of it. */
int mb_rv_value_plain(const struct dv *d, const struct bset *cand,
		      unsigned char *pt)
{
	size_t j;
	int k;

	for (j = 0; j < d->n; j++) {
		k = bs_single(&cand[j]);
		if (k < 0)
			return 0;
		pt[j] = d->c[j] ^ (unsigned char)k;
	}
	return 1;
}

int mb_rv_md5_matches(struct solver *s, const struct dv *d,
		      const unsigned char *pt)
{
	unsigned char h[16];

	return mb_crypt_md5_run(s->md5, pt, d->n, h) == 0 &&
	       memcmp(h, d->md5, 16) == 0;
}

void mb_rv_mark_verified(struct solver *s, struct dv *d,
			 const unsigned char *pt, const char *method)
{
	if (s->mk)
		method = "machine key";
	if (!d->pt)
		d->pt = malloc(d->n);
	if (!d->pt)
		return;
	memcpy(d->pt, pt, d->n);
	d->verified = 1;
	d->method = method;
}

/* Has a failed gcd proven this plaintext of d wrong? */
int mb_rv_is_refuted(struct solver *s, const struct dv *d,
		     const unsigned char *pt)
{
	unsigned char h[16];
	size_t i;

	if (!d->nrefuted || mb_crypt_md5_run(s->md5, pt, d->n, h))
		return 0;
	for (i = 0; i < d->nrefuted; i++)
		if (!memcmp(h, d->refuted[i], 16))
			return 1;
	return 0;
}

void mb_rv_refute(struct dv *d, const unsigned char *md5)
{
	unsigned char (*r)[16] = realloc(d->refuted,
					 (d->nrefuted + 1) * sizeof(*r));

	if (!r)
		return;
	d->refuted = r;
	memcpy(d->refuted[d->nrefuted++], md5, 16);
}

/*
 * Check every fully determined value against its signature (or, without
 * a modulus, against the plaintexts a failed gcd refuted); commit: mark
 * the good ones verified.
 */
int mb_rv_evaluate(struct solver *s, const struct bset *cand, int commit,
		   int *failed)
{
	unsigned char *pt = malloc(s->L + 1);
	size_t i;
	int ok = 0;

	*failed = 0;
	for (i = 0; pt && i < s->nv; i++) {
		struct dv *d = &s->v[i];

		if (d->excluded || d->verified || d->kind == VK_CLEAR ||
		    !mb_rv_value_plain(d, cand, pt))
			continue;
		if (!d->md5_ok) {
			*failed += mb_rv_is_refuted(s, d, pt);
		} else if (mb_rv_md5_matches(s, d, pt)) {
			ok++;
			if (commit)
				mb_rv_mark_verified(s, d, pt, d->known &&
					      !d->known_bad ? "known value"
							    : "cribs");
		} else {
			(*failed)++;
		}
	}
	if (pt)
		OPENSSL_cleanse(pt, s->L + 1);
	free(pt);
	return ok;
}

static int try_level(struct solver *s, int pass, int lvl, struct bset *tmp,
		     int *score, int *failed)
{
	if (solve_level(s, lvl, pass == 0, tmp))
		return 0;
	*score = mb_rv_evaluate(s, tmp, 0, failed);
	*score -= 2 * *failed;
	return 1;
}

static void clear_all_layouts(struct solver *s)
{
	size_t i;

	for (i = 0; i < s->nv; i++)
		mb_rv_clear_layouts(&s->v[i]);
}

/* Pick the strongest set of hypotheses that holds; s->cand gets it. */
void mb_rv_choose_level(struct solver *s)
{
	struct bset *tmp = malloc(s->L * sizeof(*tmp) + 1);
	int pass, lvl, score, failed, best = -1, bscore = 0, done = 0;

	for (pass = 0; tmp && pass < 2 && !done; pass++)
		for (lvl = 0; lvl < NLEVELS && !done; lvl++) {
			if (!try_level(s, pass, lvl, tmp, &score, &failed))
				continue;
			if (best < 0 || score > bscore) {
				best = pass * NLEVELS + lvl;
				bscore = score;
			}
			done = failed == 0;
		}
	free(tmp);
	s->level = best < 0 ? NLEVELS : best % NLEVELS;
	s->used_sd = best >= 0 && best < NLEVELS;
	/* Solve the chosen level again: its layouts are the ones kept. */
	if (best < 0 || solve_level(s, s->level, s->used_sd, s->cand))
		mb_rv_apply_soft(s, NLEVELS, s->cand, NULL);
	if (!s->used_sd)
		clear_all_layouts(s);
}
