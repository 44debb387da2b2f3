/* SPDX-License-Identifier: MIT */
/*
 * Reveal: completion by signature search. With the modulus, the few bytes
 * the cribs leave open (an ACE mask, a SID, a character) are enumerated
 * in order of likelihood until MD5(prefix || value) matches; then a
 * bounded dictionary.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "reveal_priv.h"

struct sfield {
	size_t pos, len;
	unsigned char *cands;  /* ncand * len bytes */
	size_t ncand;
};

struct plan {
	struct sfield f[64];
	size_t nf;
	double space;
	int feasible;
	int machine;           /* fields taken from the machine's SIDs */
};

static void plan_free(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->nf; i++)
		free(p->f[i].cands);
	p->nf = 0;
}

/* Is byte j of value d known now (hard or a singleton)? */
static int byte_known(const struct solver *s, const struct dv *d, size_t j,
		      unsigned char *p)
{
	int k = s->hset[j] ? s->hk[j] : bs_single(&s->cand[j]);

	if (k < 0)
		return 0;
	*p = d->c[j] ^ (unsigned char)k;
	return 1;
}

/* A candidate is kept when it agrees with known bytes and cand sets. */
static int cand_fits(const struct solver *s, const struct dv *d, size_t pos,
		     const unsigned char *v, size_t len, int use_cand)
{
	unsigned char p;
	size_t i;

	for (i = 0; i < len; i++) {
		size_t j = pos + i;

		if (byte_known(s, d, j, &p)) {
			if (p != v[i])
				return 0;
		} else if (use_cand &&
			   !bs_has(&s->cand[j], d->c[j] ^ v[i])) {
			return 0;
		}
	}
	return 1;
}

static int field_push(struct plan *p, const struct solver *s,
		      const struct dv *d, size_t pos, size_t len,
		      const unsigned char *vals, size_t nvals, int use_cand)
{
	struct sfield *f;
	size_t i;
	int pass;

	if (p->nf >= 64)
		return -1;
	f = &p->f[p->nf];
	f->pos = pos;
	f->len = len;
	f->ncand = 0;
	f->cands = malloc(nvals * len + 1);
	if (!f->cands)
		return -1;
	/* What the level's hypotheses allow first, in the list's order;
	 * without use_cand the others follow (a hypothesis may be wrong). */
	for (pass = 0; pass < 2 - use_cand; pass++)
		for (i = 0; i < nvals; i++)
			/* fitting cand implies fitting the known bytes */
			if (pass ? !cand_fits(s, d, pos, vals + i * len, len,
					      1) &&
				   cand_fits(s, d, pos, vals + i * len, len, 0)
				 : cand_fits(s, d, pos, vals + i * len, len, 1))
				memcpy(f->cands + len * f->ncand++,
				       vals + i * len, len);
	p->nf++;
	p->space *= (double)f->ncand;
	return f->ncand ? 0 : -1;
}

static void string_plan(struct solver *s, const struct dv *d, struct plan *p,
			int use_cand)
{
	unsigned char vals[2 * 256], b;
	size_t j, nv;
	unsigned u;

	p->nf = 0;
	p->space = 1;
	p->feasible = 1;
	for (j = 4; j + 3 < d->n && p->feasible; j += 2) {
		unsigned char lo, hi;

		if (byte_known(s, d, j, &lo) && byte_known(s, d, j + 1, &hi))
			continue;
		nv = 0;
		if (!byte_known(s, d, j + 1, &b))
			b = 0; /* unknown high byte: try ASCII */
		for (u = (b ? 0 : 0x20); u < (b ? 256u : 0x7fu); u++) {
			vals[2 * nv] = (unsigned char)u;
			vals[2 * nv + 1] = b;
			nv++;
		}
		if (field_push(p, s, d, j, 2, vals, nv, use_cand))
			p->feasible = 0;
	}
}

/*
 * A mask none of the usual values fits, with at most two bytes unknown:
 * enumerate those bytes outright (65536 candidates at most).
 */
static int mask_exhaustive(struct solver *s, const struct dv *d, size_t pos,
			   struct plan *p)
{
	unsigned char known[4], *buf = malloc(4 * 65536);
	size_t unk[4], nu = 0, i, nv, v;
	int r;

	for (i = 0; i < 4; i++)
		if (!byte_known(s, d, pos + i, &known[i]))
			unk[nu++] = i;
	if (!buf || nu > 2) {
		free(buf);
		return -1;
	}
	nv = (size_t)1 << (8 * nu);
	for (v = 0; v < nv; v++) {
		memcpy(buf + 4 * v, known, 4);
		for (i = 0; i < nu; i++)
			buf[4 * v + unk[i]] = (unsigned char)(v >> (8 * i));
	}
	r = field_push(p, s, d, pos, 4, buf, nv, 0);
	free(buf);
	return r;
}

static int sd_field(struct solver *s, const struct dv *d, const struct fld *f,
		    struct plan *p)
{
	unsigned char buf[1024 * 4];
	size_t nv = 0, i, pos = 4 + f->start, before = p->nf;
	unsigned char x;

	for (i = 0; i < f->len && byte_known(s, d, pos + i, &x); i++)
		;
	/* placed by the layout (plan_base lays it), or already known */
	if (i == f->len || f->kind == FLD_SIDAT || f->kind == FLD_TYPEAT)
		return 0;
	if (f->kind == FLD_MASK)
		nv = mb_sd_mask_cands(buf, 1024);
	else if (f->kind == FLD_SID)
		nv = mb_sd_sid_cands(buf, f->len);
	else
		for (nv = 0; nv < (f->kind == FLD_TYPE ? 3u : 32u); nv++)
			buf[nv] = (unsigned char)nv;
	if (field_push(p, s, d, pos, f->len, buf, nv, 0) == 0)
		return 0;
	if (f->kind != FLD_MASK || p->nf == before)
		return -1;
	/* Undo the empty field and try every value of the unknown bytes. */
	free(p->f[--p->nf].cands);
	p->space = 1;
	for (i = 0; i < p->nf; i++)
		p->space *= (double)p->f[i].ncand;
	return mask_exhaustive(s, d, pos, p);
}

/*
 * A per-machine SID byte (a domain SID's sub-authorities) that the other
 * values constrain: its field is what the keystream still allows there.
 * Unconstrained, the plan cannot be searched.
 */
static int free_byte(struct solver *s, const struct dv *d, size_t j,
		     struct plan *p)
{
	unsigned char vals[256];
	size_t n = 0;
	unsigned k;

	if (bs_is_all(&s->cand[j]))
		return -1;
	for (k = 0; k < 256; k++)
		if (bs_has(&s->cand[j], k))
			vals[n++] = (unsigned char)(d->c[j] ^ k);
	return field_push(p, s, d, j, 1, vals, n, 0);
}

/*
 * The bytes of a SID of the machine's own (S-1-5-21-a-b-c[-RID]) after
 * its 12 fixed bytes: nothing in the file supplies them, the server's SAM
 * does (opts.machine_sids). A field of those SIDs' bytes that fit what is
 * known; -1 (nothing pushed) when none does.
 */
static int machine_field(struct solver *s, const struct dv *d, size_t j,
			 size_t run, struct plan *p)
{
	const struct mb_sd_sid *m = s->o->machine_sids;
	unsigned char *vals = malloc(s->o->nmachine_sids * run + 1);
	size_t i, n = 0;
	int r = -1;

	for (i = 0; vals && i < s->o->nmachine_sids; i++)
		if (m[i].len == 12 + run &&
		    cand_fits(s, d, j, m[i].b + 12, run, 0))
			memcpy(vals + run * n++, m[i].b + 12, run);
	if (n)
		r = field_push(p, s, d, j, run, vals, n, 0);
	free(vals);
	p->machine += r == 0;
	return r;
}

/*
 * Bytes from j on that the layout leaves to a per-machine SID; 0 when
 * the keystream already gives every one of them.
 */
static size_t sidfree_run(struct solver *s, const struct layout *l,
			  const struct dv *d, size_t j)
{
	size_t e = j, open = 0;
	unsigned char x;

	for (; e < d->n && l->fm[e - 4].kind == FM_SIDFREE; e++)
		open += !byte_known(s, d, e, &x);
	return open ? e - j : 0;
}

/*
 * The plan of one layout: its unknown fields, and each per-machine SID
 * byte from what the keystream allows there; with machine set, a whole
 * SID of the machine's own from its SAM first.
 */
static void sd_plan(struct solver *s, const struct dv *d,
		    const struct layout *l, int machine, struct plan *p)
{
	unsigned char x;
	size_t j, i, run;

	p->nf = 0;
	p->space = 1;
	p->feasible = 1;
	p->machine = 0;
	for (i = 0; i < l->nfl && p->feasible; i++)
		if (sd_field(s, d, &l->fl[i], p))
			p->feasible = 0;
	for (j = 4; j < d->n && p->feasible; j++) {
		const struct fent *f = &l->fm[j - 4];

		if (machine && f->kind == FM_SIDFREE &&
		    (j == 4 || l->fm[j - 5].kind != FM_SIDFREE) &&
		    (run = sidfree_run(s, l, d, j)) &&
		    machine_field(s, d, j, run, p) == 0) {
			j += run - 1;
			continue;
		}
		if (byte_known(s, d, j, &x))
			continue;
		if (f->kind == FM_NONE ||
		    (f->kind == FM_SIDFREE && free_byte(s, d, j, p)))
			p->feasible = 0;
	}
}

/* Fill the bytes a plan does not enumerate: known, or fixed by layout. */
static int plan_base(struct solver *s, const struct dv *d,
		     const struct layout *l, unsigned char *pt)
{
	size_t j;

	for (j = 0; j < d->n; j++) {
		if (byte_known(s, d, j, &pt[j]))
			continue;
		if (l && j >= 4 && l->fm[j - 4].kind == FM_FIXED) {
			pt[j] = l->fm[j - 4].val;
			if (!bs_has(&s->cand[j], d->c[j] ^ pt[j]))
				return -1;
		} else {
			pt[j] = 0;
		}
	}
	return 0;
}

static double cpu_now(void)
{
	struct timespec t;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t))
		return 0;
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/*
 * Past its trials, a descriptor's search goes on in order while the time
 * budget lasts (the clock is read every 4096 trials).
 */
int mb_rv_time_left(struct solver *s)
{
	if ((s->ticks++ & 4095) == 0 && cpu_now() > s->deadline)
		s->overtime = 1;
	return !s->overtime;
}

/*
 * One trial: the candidates idx names put into pt, hashed from the first
 * field on. 1 when the signature matched, 0 not, -1 when the trials (and
 * for a descriptor the time budget) are spent.
 */
static int trial(struct solver *s, const struct dv *d, const struct plan *p,
		 const size_t *idx, unsigned char *pt, double *limit)
{
	unsigned char h[16];
	size_t i;

	for (i = 0; i < p->nf; i++)
		memcpy(pt + p->f[i].pos, p->f[i].cands + idx[i] * p->f[i].len,
		       p->f[i].len);
	if (s->search_left == 0 || *limit < 1) {
		if (d->kind != VK_SD || !mb_rv_time_left(s))
			return -1;
	} else {
		s->search_left--;
		*limit -= 1;
	}
	return mb_crypt_md5_rest(s->md5, pt, d->n, h) == 0 &&
	       memcmp(h, d->md5, 16) == 0;
}

/* The bytes before the first field never change: hashed once. */
static int plan_prefix(struct solver *s, const struct dv *d,
		       const struct plan *p, const unsigned char *pt,
		       size_t *first)
{
	size_t i;

	*first = d->n;
	for (i = 0; i < p->nf; i++)
		if (p->f[i].pos < *first)
			*first = p->f[i].pos;
	return mb_crypt_md5_prefix(s->md5, pt, *first);
}

/* The next tuple of the plan's fields, the first moving fastest; 0 after
 * the last. */
static int odometer_next(const struct plan *p, size_t *idx)
{
	size_t i;

	for (i = 0; i < p->nf; i++) {
		if (++idx[i] < p->f[i].ncand)
			return 1;
		idx[i] = 0;
	}
	return 0;
}

/*
 * Odometer over a string plan's fields, each field's candidates in the
 * order of likelihood; at most *limit trials (decreased). 1 when the
 * signature matched.
 */
static int run_plan(struct solver *s, const struct dv *d, struct plan *p,
		    unsigned char *pt, double *limit)
{
	size_t idx[64] = { 0 }, first;
	int r;

	if (plan_prefix(s, d, p, pt, &first))
		return 0;
	for (;;) {
		r = trial(s, d, p, idx, pt, limit);
		if (r)
			return r > 0;
		if (!odometer_next(p, idx))
			return 0;
	}
}

/*
 * A descriptor plan's tuples in order of the product of their ranks
 * (rank = 1 + the candidate's place in its field). A descriptor's fields
 * are each ordered by likelihood, and the odometer would exhaust the
 * unlikely candidates of its fast fields before a slow field moved on:
 * a value whose fields are all likely but one (an ACE mask 24th of 537,
 * the SAM's 20th SID) came after 10^7 trials, here after 10^4. Rounds
 * of doubling bounds; a tuple is tried in the first round that holds it.
 */
struct pwalk {
	struct solver *s;
	const struct dv *d;
	const struct plan *p;
	unsigned char *pt;
	double *limit, lo, hi;
	size_t idx[64], first;
	int r;
};

static void pwalk_rec(struct pwalk *w, size_t i, double prod)
{
	size_t k;

	if (i == w->p->nf) {
		if (prod > w->lo)
			w->r = trial(w->s, w->d, w->p, w->idx, w->pt, w->limit);
		return;
	}
	for (k = 0; k < w->p->f[i].ncand && prod * (double)(k + 1) <= w->hi &&
		    !w->r; k++) {
		w->idx[i] = k;
		pwalk_rec(w, i + 1, prod * (double)(k + 1));
	}
}

static int run_plan_ranked(struct solver *s, const struct dv *d,
			   const struct plan *p, unsigned char *pt,
			   double *limit)
{
	struct pwalk w = { .s = s, .d = d, .p = p, .pt = pt, .limit = limit,
			   .lo = 0, .hi = 1 };

	if (plan_prefix(s, d, p, pt, &w.first))
		return 0;
	for (; !w.r && w.lo < p->space; w.lo = w.hi, w.hi *= 2)
		pwalk_rec(&w, 0, 1);
	return w.r > 0;
}

static size_t known_count(struct solver *s, const struct dv *d)
{
	unsigned char x;
	size_t j, n = 0;

	for (j = 0; j < d->n; j++)
		n += (size_t)byte_known(s, d, j, &x);
	return n;
}

/* Strings are what the user asked for: they get the bigger share. */
static double cap(const struct solver *s, const struct dv *d)
{
	double c = (double)(d->kind == VK_STRING ? SEARCH_CAP : SD_SEARCH_CAP);

	return c < (double)s->search_left ? c : (double)s->search_left;
}

/*
 * Try one value: its string plan (only when it fits the limit: a string's
 * space is flat), or each saved descriptor layout in order of likelihood
 * until the limit, shared by the layouts, is spent.
 */
static int search_value(struct solver *s, struct dv *d, unsigned char *pt,
			double limit)
{
	struct plan p;
	size_t li, pass;
	int found = 0;

	memset(&p, 0, sizeof(p));
	for (pass = 0; d->kind == VK_STRING && pass < 2 && !found; pass++) {
		string_plan(s, d, &p, pass == 0);
		if (p.feasible && p.space > 0 && p.space <= limit &&
		    !plan_base(s, d, NULL, pt))
			found = run_plan(s, d, &p, pt, &limit);
		plan_free(&p);
	}
	for (li = 0; d->kind == VK_SD && li < d->nlay && !found; li++)
		for (pass = 0; pass < 2 && !found; pass++) {
			/* the machine's own SIDs first, then without them */
			sd_plan(s, d, &d->lay[li], pass == 0, &p);
			if (p.feasible && p.space > 0 &&
			    !plan_base(s, d, &d->lay[li], pt))
				found = run_plan_ranked(s, d, &p, pt,
							&limit);
			pass += !p.machine; /* the same plan: once */
			plan_free(&p);
		}
	return found;
}

/* ---- a handful of plaintexts: gcd candidates without the modulus ---- */

/* Keep only a plan's candidates that the cand sets (the level's
 * hypotheses) allow; the search keeps the others for the signature. */
static void plan_narrow(const struct solver *s, const struct dv *d,
			struct plan *p)
{
	size_t i, k, n;

	p->space = 1;
	for (i = 0; i < p->nf; i++) {
		struct sfield *f = &p->f[i];

		for (k = n = 0; k < f->ncand; k++)
			if (cand_fits(s, d, f->pos, f->cands + k * f->len,
				      f->len, 1))
				memmove(f->cands + n++ * f->len,
					f->cands + k * f->len, f->len);
		f->ncand = n;
		p->space *= (double)n;
	}
}

/* Append every tuple of p (pt holds the rest) unless already there. */
static void plan_collect(const struct dv *d, const struct plan *p,
			 unsigned char *pt, unsigned char *out, size_t *n)
{
	size_t idx[64] = { 0 }, i, k;

	for (;;) {
		for (i = 0; i < p->nf; i++)
			memcpy(pt + p->f[i].pos,
			       p->f[i].cands + idx[i] * p->f[i].len,
			       p->f[i].len);
		for (k = 0; k < *n && memcmp(out + k * d->n, pt, d->n); k++)
			;
		if (k == *n)
			memcpy(out + (*n)++ * d->n, pt, d->n);
		if (!odometer_next(p, idx))
			return;
	}
}

/*
 * One plan's share of a handful: 0, or -1 when the plans so far hold
 * more than max plaintexts (the tuples are only counted then).
 */
static int handful_plan(struct solver *s, const struct dv *d,
			const struct layout *l, struct plan *p,
			unsigned char *pt, unsigned char *out, size_t *n,
			size_t max)
{
	int r = 0;

	if (p->feasible)
		plan_narrow(s, d, p);
	if (p->feasible && p->space > (double)(max - *n))
		r = -1;
	else if (p->feasible && p->space > 0 && !plan_base(s, d, l, pt))
		plan_collect(d, p, pt, out, n);
	plan_free(p);
	return r;
}

size_t mb_rv_handful(struct solver *s, const struct dv *d,
		     unsigned char *out, size_t max)
{
	unsigned char *pt = malloc(d->n + 1);
	struct plan p;
	size_t n = 0, li;
	int r = pt ? 0 : -1;

	memset(&p, 0, sizeof(p));
	if (!r && d->kind == VK_STRING) {
		string_plan(s, d, &p, 1);
		r = handful_plan(s, d, NULL, &p, pt, out, &n, max);
	}
	for (li = 0; !r && d->kind == VK_SD && li < d->nlay; li++) {
		sd_plan(s, d, &d->lay[li], 1, &p);
		r = handful_plan(s, d, &d->lay[li], &p, pt, out, &n, max);
	}
	if (pt)
		OPENSSL_cleanse(pt, d->n + 1);
	free(pt);
	if (r)
		OPENSSL_cleanse(out, max * d->n);
	return r ? 0 : n;
}

static double estimate(struct solver *s, struct dv *d)
{
	struct plan p;
	double best = -1;
	size_t li;

	memset(&p, 0, sizeof(p));
	if (d->kind == VK_STRING) {
		string_plan(s, d, &p, 1);
		if (p.feasible)
			best = p.space;
		plan_free(&p);
	}
	for (li = 0; d->kind == VK_SD && li < d->nlay; li++) {
		sd_plan(s, d, &d->lay[li], 1, &p);
		if (p.feasible && (best < 0 || p.space < best))
			best = p.space;
		plan_free(&p);
	}
	return best;
}

/* A string not yet proven: what a strings_only caller still needs. */
static int strings_left(const struct solver *s)
{
	size_t i;

	for (i = 0; i < s->nv; i++)
		if (s->v[i].kind == VK_STRING && !s->v[i].excluded &&
		    !s->v[i].verified)
			return 1;
	return 0;
}

/*
 * With strings_only, another value is searched only while a string is
 * left that its keystream could complete: once every string is settled,
 * its search (2^20 MD5s for a large AdminACL) would reveal nothing the
 * caller uses.
 */
static int searchable(struct solver *s, struct dv *d, int need_cribs)
{
	return !d->excluded && !d->verified && d->md5_ok &&
	       d->kind != VK_CLEAR && (d->kind == VK_STRING || need_cribs) &&
	       d->searched_at != known_count(s, d) + 1;
}

/* Search the cheapest value; on success it becomes verified. */
static int search_one(struct solver *s)
{
	unsigned char *pt = malloc(s->L + 1);
	double best = -1, e;
	size_t i, bi = 0;
	int found = 0, need = !s->o->strings_only || strings_left(s);

	for (i = 0; pt && i < s->nv; i++) {
		if (!searchable(s, &s->v[i], need))
			continue;
		e = estimate(s, &s->v[i]);
		/* a descriptor's plan is tried in order even when larger */
		if (e >= 0 && (e <= cap(s, &s->v[i]) ||
			       s->v[i].kind == VK_SD) &&
		    (best < 0 || e < best)) {
			best = e;
			bi = i;
		}
	}
	if (best >= 0) {
		found = search_value(s, &s->v[bi], pt, cap(s, &s->v[bi]));
		if (found)
			mb_rv_mark_verified(s, &s->v[bi], pt, "signature search");
		else
			s->v[bi].searched_at = known_count(s, &s->v[bi]) + 1;
	}
	if (pt)
		OPENSSL_cleanse(pt, s->L + 1);
	free(pt);
	return found ? 1 : best >= 0 ? 2 : 0;
}

/* Words of the dictionary that fit the length and the known bytes. */
static int dictionary_value(struct solver *s, struct dv *d, struct mb_buf *u)
{
	size_t w;

	for (w = 0; w < s->o->ndictionary && s->search_left; w++) {
		const char *word = s->o->dictionary[w];

		mb_buf_reset(u);
		mb_buf_append(u, "\0\0\0\0", 4);
		if (!word ||
		    mb_blob_utf8_to_utf16(word, strlen(word), u, NULL) ||
		    u->len != d->n ||
		    !cand_fits(s, d, 0, (unsigned char *)u->data, d->n, 0))
			continue;
		s->search_left--;
		if (mb_rv_md5_matches(s, d, (unsigned char *)u->data)) {
			mb_rv_mark_verified(s, d, (unsigned char *)u->data,
				      "dictionary");
			return 1;
		}
	}
	return 0;
}

static int dictionary(struct solver *s)
{
	struct mb_buf u;
	size_t i;
	int found = 0;

	if (!s->o->dictionary || !s->o->ndictionary)
		return 0;
	mb_buf_init(&u);
	for (i = 0; i < s->nv && !found; i++) {
		struct dv *d = &s->v[i];

		if (d->kind == VK_STRING && !d->excluded && !d->verified &&
		    d->md5_ok && !d->dict_done)
			found = dictionary_value(s, d, &u);
		d->dict_done = 1; /* each value goes through the list once */
	}
	mb_buf_wipe(&u);
	return found;
}

void mb_rv_complete(struct solver *s)
{
	int iter, failed, r;

	s->deadline = cpu_now() + (s->o->search_seconds > 0
					   ? s->o->search_seconds
					   : DEF_SECONDS);
	for (iter = 0; iter < 64; iter++) {
		if (mb_rv_evaluate(s, s->cand, 1, &failed) > 0) {
			mb_rv_rebuild_hard(s);
			mb_rv_choose_level(s);
			continue;
		}
		r = search_one(s);
		while (r == 2)
			r = search_one(s);
		if (!r)
			r = dictionary(s);
		if (!r)
			break;
		mb_rv_rebuild_hard(s);
		mb_rv_choose_level(s);
	}
}
