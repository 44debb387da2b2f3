/* SPDX-License-Identifier: MIT */
/*
 * Reveal: what every layout of a descriptor allows, byte by byte.
 *
 * The joint layout search (reveal_layout.c) enumerates whole layouts and
 * gives up when too many fit (a long AdminACL over a keystream the other
 * values barely cover: one descriptor alone has millions). This pass never
 * enumerates: per descriptor it takes each skeleton (component sizes and
 * order, a handful), and inside an ACL it finds, by dynamic programming
 * over (position, ACEs so far), every ACE that lies on some sequence
 * filling the ACL exactly. The union, per byte, of the plaintext values
 * those layouts allow narrows cand: a keystream byte no layout allows is
 * dropped. The true layout is among them when the descriptor follows the
 * grammar (the hypothesis of the level), so nothing true is cut; it is
 * repeated over the descriptors until cand holds still, and then the
 * joint search runs on the narrowed sets.
 */
#include <stdlib.h>
#include <string.h>

#include "reveal_priv.h"

/*
 * Work (skeletons, ACL cells, ACE checks) one descriptor may cost before
 * it is left alone; all the unions of one run share UNION_RUN_WORK, so a
 * hostile file of long descriptors over an unknown keystream is bounded.
 */
#define UNION_WORK (1ul << 24)

struct un {
	const struct bset *cand;
	const unsigned char *c;   /* ciphertext, prefix included */
	uint32_t S;
	struct bset *acc;         /* per descriptor byte: allowed plaintext */
	signed char *ace;         /* (pos, sid length, sacl): -1 unknown */
	signed char *acl;         /* (pos, size, sacl): -1 unknown, 2 added */
	unsigned char *canend;    /* (pos, count) of the current ACL */
	unsigned char *reach;
	unsigned long work, limit;
	int sacl_any, plain_any;  /* control values with and without SACL */
};

static int ok(const struct un *u, uint32_t rel, unsigned b)
{
	return bs_has(&u->cand[4 + rel], u->c[4 + rel] ^ (b & 255));
}

static int ok_le(const struct un *u, uint32_t rel, uint32_t v, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (!ok(u, rel + i, v >> (8 * i)))
			return 0;
	return 1;
}

static void put_le(struct un *u, uint32_t rel, uint32_t v, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		bs_add(&u->acc[rel + i], (v >> (8 * i)) & 255);
}

/* Does a SID of the table fit at rel (len bytes)? add: its bytes. */
static int sid_fits(struct un *u, uint32_t rel, uint32_t len, int add)
{
	size_t t;
	uint32_t i;
	int any = 0;

	for (t = 0; t < mb_sd_nsids; t++) {
		const struct mb_sd_sid *d = &mb_sd_sids[t];

		if (d->len != len)
			continue;
		for (i = 0; i < d->fixed && ok(u, rel + i, d->b[i]); i++)
			;
		if (i < d->fixed)
			continue;
		any = 1;
		if (!add)
			return 1;
		for (i = 0; i < len; i++)
			if (i < d->fixed)
				bs_add(&u->acc[rel + i], d->b[i]);
			else
				bs_all(&u->acc[rel + i]);
	}
	return any;
}

/* The ACE header bytes an ACE type (or flags, mask) may hold. */
static int ace_byte(unsigned k, unsigned b, int sacl)
{
	switch (k) {
	case 0:
		return sacl ? b == 2 : b <= 1;
	case 1:
		return sacl ? !(b & 0x20) : !(b & 0xe0);
	case 6:
		return !(b & 0xe0);
	case 7:
		return !(b & 0x0e);
	}
	return 1;
}

static int byte_class_fits(const struct un *u, uint32_t rel, unsigned k,
			   int sacl)
{
	unsigned b;

	for (b = 0; b < 256; b++)
		if (ace_byte(k, b, sacl) && ok(u, rel, b))
			return 1;
	return 0;
}

/* 1 or 2 (its bytes added) when the ACE fits; memoized. */
static int ace_fits(struct un *u, uint32_t p, size_t si, int sacl)
{
	signed char *m = &u->ace[((size_t)p * MB_SD_NSIDLENS + si) * 2 +
				 (size_t)sacl];
	uint32_t sl = mb_sd_sid_lens[si];
	unsigned k;

	if (*m < 0) {
		u->work++;
		*m = (signed char)(ok_le(u, p + 2, 8 + sl, 2) &&
				   sid_fits(u, p + 8, sl, 0));
		for (k = 0; *m && k < 8; k++)
			if (k != 2 && k != 3 && !byte_class_fits(u, p + k, k,
								 sacl))
				*m = 0;
	}
	return *m;
}

/* Once per (position, SID length, kind): the union is idempotent, and
 * the ACEs of many ACLs and counts share positions. */
static void ace_add(struct un *u, uint32_t p, size_t si, int sacl)
{
	signed char *m = &u->ace[((size_t)p * MB_SD_NSIDLENS + si) * 2 +
				 (size_t)sacl];
	uint32_t sl = mb_sd_sid_lens[si];
	unsigned k, b;

	if (*m == 2)
		return;
	*m = 2;
	u->work += 8;

	for (k = 0; k < 8; k++)
		for (b = 0; k != 2 && k != 3 && b < 256; b++)
			if (ace_byte(k, b, sacl))
				bs_add(&u->acc[p + k], b);
	put_le(u, p + 2, 8 + sl, 2);
	sid_fits(u, p + 8, sl, 1);
}

#define CE(p, k) u->canend[(size_t)((p) - a0) / 4 * (maxc + 2) + (k)]
#define RE(p, k) u->reach[(size_t)((p) - a0) / 4 * (maxc + 2) + (k)]

/* canend(p, k): from p with k ACEs laid, the ACL can be filled exactly. */
static void acl_backward(struct un *u, uint32_t a0, uint32_t end,
			 uint32_t maxc, int sacl, uint32_t cmin)
{
	uint32_t p, k;
	size_t si;

	for (k = 0; k <= maxc; k++)
		CE(end, k) = k >= cmin && ok_le(u, a0 - 4, k, 2);
	for (p = end; p > a0;) {
		p -= 4;
		for (k = 0; k <= maxc; k++) {
			CE(p, k) = 0;
			for (si = 0; k < maxc && si < MB_SD_NSIDLENS; si++) {
				uint32_t q = p + 8 + mb_sd_sid_lens[si];

				if (q <= end && CE(q, k + 1) &&
				    ace_fits(u, p, si, sacl)) {
					CE(p, k) = 1;
					break;
				}
			}
		}
	}
}

/* The ACEs on some exact filling, and the counts it can end with. */
static void acl_forward(struct un *u, uint32_t a0, uint32_t end,
			uint32_t maxc, int sacl)
{
	uint32_t p, k;
	size_t si;

	RE(a0, 0) = 1;
	for (p = a0; p < end; p += 4)
		for (k = 0; k < maxc; k++) {
			if (!RE(p, k) || !CE(p, k))
				continue;
			for (si = 0; si < MB_SD_NSIDLENS; si++) {
				uint32_t q = p + 8 + mb_sd_sid_lens[si];

				if (q > end || !CE(q, k + 1) ||
				    !ace_fits(u, p, si, sacl))
					continue;
				RE(q, k + 1) = 1;
				ace_add(u, p, si, sacl);
			}
		}
	for (k = 0; k <= maxc; k++)
		if (RE(end, k) && CE(end, k))
			put_le(u, a0 - 4, k, 2);
}

/* An ACL at rel of size bytes: does it fit? add: its bytes. */
static int acl_run(struct un *u, uint32_t rel, uint32_t size, int sacl,
		   int add)
{
	uint32_t a0 = rel + 8, end = rel + size, maxc = (size - 8) / 20;
	size_t cells = (size_t)((size - 8) / 4 + 1) * (maxc + 2);
	int r;

	if (!(ok(u, rel, 2) || ok(u, rel, 4)) || !ok(u, rel + 1, 0) ||
	    !ok_le(u, rel + 2, size, 2) || !ok_le(u, rel + 6, 0, 2) ||
	    u->work > u->limit)
		return 0;
	u->work += cells;
	u->canend = calloc(cells, 1);
	u->reach = calloc(cells, 1);
	r = u->canend && u->reach;
	if (r) {
		acl_backward(u, a0, end, maxc, sacl, size > 8);
		r = CE(a0, 0);
	}
	if (r && add) {
		bs_add(&u->acc[rel], 2);
		bs_add(&u->acc[rel], 4);
		bs_add(&u->acc[rel + 1], 0);
		put_le(u, rel + 2, size, 2);
		put_le(u, rel + 6, 0, 2);
		acl_forward(u, a0, end, maxc, sacl);
	}
	free(u->canend);
	free(u->reach);
	return r;
}

#undef CE
#undef RE

/* acl_run, once per (position, size, kind): skeletons share ACLs. */
static int acl_fits(struct un *u, uint32_t rel, uint32_t size, int sacl,
		    int add)
{
	size_t q = u->S / 4 + 1;
	signed char *m = &u->acl[((rel / 4) * q + size / 4) * 2 +
				 (size_t)sacl];

	if (*m < 0)
		*m = (signed char)acl_run(u, rel, size, sacl, 0);
	if (*m == 1 && add) {
		acl_run(u, rel, size, sacl, 1);
		*m = 2;
	}
	return *m != 0;
}

enum { C_SACL, C_DACL, C_OWNER, C_GROUP };

struct skel {
	uint32_t size[4], off[4];
	int order[4], n;
};

/* Every component of sk at its offset fits; add: their bytes too. */
static int skel_fits(struct un *u, const struct skel *sk, int add)
{
	static const uint32_t field_of[4] = { 12, 16, 4, 8 };
	int i, k, r = 1;

	for (i = 0; i < 4 && r; i++)
		r = ok_le(u, field_of[i], sk->off[i], 4);
	for (i = 0; i < sk->n && r; i++) {
		k = sk->order[i];
		r = k == C_SACL || k == C_DACL
			    ? acl_fits(u, sk->off[k], sk->size[k], k == C_SACL,
				       add)
			    : sid_fits(u, sk->off[k], sk->size[k], add);
	}
	for (i = 0; i < 4 && r && add; i++)
		put_le(u, field_of[i], sk->off[i], 4);
	return r;
}

/* Every order of the components of these sizes: how many fit. */
static unsigned long try_orders(struct un *u, const uint32_t *size, int sacl)
{
	struct skel sk;
	unsigned long fit = 0;
	uint32_t at;
	int i;

	memset(&sk, 0, sizeof(sk));
	for (i = 0; i < 4; i++)
		if (size[i])
			sk.order[sk.n++] = i;
	do {
		memcpy(sk.size, size, sizeof(sk.size));
		memset(sk.off, 0, sizeof(sk.off));
		for (i = 0, at = 20; i < sk.n; at += size[sk.order[i++]])
			sk.off[sk.order[i]] = at;
		u->work++;
		if (skel_fits(u, &sk, 0)) {
			skel_fits(u, &sk, 1);
			fit++;
			u->sacl_any |= sacl;
			u->plain_any |= !sacl;
		}
	} while (mb_rv_next_perm(sk.order, sk.n) && u->work <= u->limit);
	return fit;
}

/* Component sizes: owner and group SIDs, a SACL (with sacl), a DACL or
 * none (absent or NULL). */
static unsigned long try_sizes(struct un *u, int sacl)
{
	static const uint32_t olen[] = { 16, 12, 28, 24, 20, 0 };
	unsigned long fit = 0;
	uint32_t size[4];
	long ss, rest, smax = sacl ? (long)u->S - 28 : 0;
	size_t a, b;

	for (a = 0; a < 6; a++)
		for (b = 0; b < 6; b++)
			for (ss = sacl ? 8 : 0; ss <= smax; ss += 4) {
				rest = (long)u->S - 20 - (long)olen[a] -
				       (long)olen[b] - ss;
				if (rest != 0 && (rest < 8 || rest % 4))
					continue;
				size[C_SACL] = (uint32_t)ss;
				size[C_DACL] = (uint32_t)rest;
				size[C_OWNER] = olen[a];
				size[C_GROUP] = olen[b];
				fit += try_orders(u, size, sacl);
				if (u->work > u->limit)
					return 0;
			}
	return fit;
}

/* The header: revision 1, Sbz1, control (SACL present or not). */
static void header(struct un *u)
{
	unsigned b;

	bs_add(&u->acc[0], 1);
	bs_add(&u->acc[1], 0);
	for (b = 0; b < 64; b++)
		if ((b & 0x10) ? u->sacl_any : u->plain_any)
			bs_add(&u->acc[2], b);
	for (b = 0x80; b < 0xc0; b++)
		bs_add(&u->acc[3], b);
}

static int control_fits(const struct un *u, int sacl)
{
	unsigned b, hi = 0;

	for (b = 0x80; b < 0xc0; b++)
		hi |= (unsigned)ok(u, 3, b);
	for (b = 0; hi && b < 64; b++)
		if (!!(b & 0x10) == sacl && ok(u, 2, b))
			return ok(u, 0, 1) && ok(u, 1, 0);
	return 0;
}

/*
 * The union over the layouts of descriptor d under cand, into acc (S
 * sets). 1: some layout fits; 0: none; -1: too much work (acc unusable).
 */
static int sd_union(const struct dv *d, const struct bset *cand,
		    struct bset *acc, unsigned long *left)
{
	struct un u;
	unsigned long fit = 0;
	size_t na, nl;
	int sacl;

	memset(&u, 0, sizeof(u));
	u.cand = cand;
	u.c = d->c;
	u.S = (uint32_t)(d->n - 4);
	u.acc = acc;
	u.limit = *left < UNION_WORK ? *left : UNION_WORK;
	na = (size_t)u.S * MB_SD_NSIDLENS * 2;
	nl = (size_t)(u.S / 4 + 1) * (u.S / 4 + 1) * 2;
	u.ace = malloc(na);
	u.acl = malloc(nl);
	if (u.ace && u.acl) {
		memset(u.ace, -1, na);
		memset(u.acl, -1, nl);
		memset(acc, 0, u.S * sizeof(*acc));
	} else {
		u.work = u.limit + 1;
	}
	for (sacl = 0; sacl < 2 && u.work <= u.limit; sacl++)
		if (control_fits(&u, sacl))
			fit += try_sizes(&u, sacl);
	free(u.ace);
	free(u.acl);
	*left -= u.work < *left ? u.work : *left;
	if (u.work > u.limit)
		return -1;
	if (fit)
		header(&u);
	return fit ? 1 : 0;
}

/* cand[4 + i] keeps the keystream values acc[i] allows. */
static int narrow(const struct dv *d, const struct bset *acc,
		  struct bset *cand)
{
	struct bset m;
	size_t i, changed = 0;
	unsigned b;

	for (i = 0; i + 4 < d->n; i++) {
		unsigned before = bs_count(&cand[4 + i]);

		memset(&m, 0, sizeof(m));
		for (b = 0; b < 256; b++)
			if (bs_has(&acc[i], b))
				bs_add(&m, d->c[4 + i] ^ b);
		bs_and(&cand[4 + i], &m);
		changed += bs_count(&cand[4 + i]) != before;
	}
	return changed != 0;
}

/*
 * Narrow cand by every descriptor's layouts until it holds still. Returns
 * how many descriptors have a layout (those without one, or too costly to
 * judge, narrow nothing: each descriptor is judged on its own).
 */
int mb_rv_sd_unions(struct solver *s, struct bset *cand)
{
	struct bset *acc = malloc((s->L + 1) * sizeof(*acc));
	size_t i, fit = 0;
	int round, moved = 1;

	for (round = 0; acc && moved && round < 16; round++) {
		moved = 0;
		fit = 0;
		for (i = 0; i < s->nv; i++) {
			const struct dv *d = &s->v[i];

			if (!mb_rv_sd_searchable(d) || !s->union_left ||
			    sd_union(d, cand, acc, &s->union_left) != 1)
				continue;
			fit++;
			moved |= narrow(d, acc, cand);
		}
	}
	free(acc);
	return (int)fit;
}
