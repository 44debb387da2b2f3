/* SPDX-License-Identifier: MIT */
/*
 * Reveal: the joint search over security-descriptor layouts.
 *
 * Security descriptors are solved by one depth-first search over the
 * layouts of all descriptors at once, always extending the descriptor whose
 * next field lies lowest in the keystream, so that a choice in one
 * descriptor is checked against the others (and the strings) immediately.
 * Only what every consistent layout agrees on narrows cand; the layouts
 * found are kept per descriptor for the signature search.
 */
#include <stdlib.h>
#include <string.h>

#include "reveal_priv.h"

enum { PH_HDR, PH_OFF, PH_COMP, PH_DONE };
enum { C_SACL, C_DACL, C_OWNER, C_GROUP };

struct comp {
	uint8_t kind;
	uint32_t off, size;
};

struct sdst {
	size_t v;
	uint32_t S;
	int phase;
	uint8_t lo, hi;
	struct comp comp[4];
	int ncomp, ci;
	int in_acl;
	uint32_t ace_pos, acl_end;
	unsigned aces_left;
	uint32_t pos;
	struct fent *fm;
	struct fld *fl;
	size_t nfl, capfl;
};

struct dfs {
	struct solver *s;
	struct bset *cand;
	unsigned char *kv, *kk, *dc;
	size_t *trail;
	size_t ntrail;
	struct sdst *sd;
	size_t nsd;
	unsigned long nodes, budget;
	int aborted;
	unsigned long nsol;
	unsigned char *agree, *aval;
	struct bset *seen;
};

static void dfs(struct dfs *d);

static int fm_ok(uint8_t kind, uint8_t val, unsigned p)
{
	switch (kind) {
	case FM_FIXED:
		return p == val;
	case FM_FLAGS:
		return !(p & 0xe0);
	case FM_FLAGS_S:
		return !(p & 0x20);
	case FM_MASK2:
		return !(p & 0xe0);
	case FM_MASK3:
		return !(p & 0x0e);
	case FM_TYPEANY:
		return p <= 1;
	}
	return 1;
}

/* Does the keystream byte k at j agree with every laid-out descriptor? */
static int others_ok(const struct dfs *d, size_t j, unsigned k)
{
	size_t i;

	for (i = 0; i < d->nsd; i++) {
		const struct sdst *o = &d->sd[i];
		const struct fent *f;

		if (j < 4 || j - 4 >= o->pos || j - 4 >= o->S)
			continue;
		f = &o->fm[j - 4];
		if (!fm_ok(f->kind, f->val, d->s->v[o->v].c[j] ^ k))
			return 0;
	}
	return 1;
}

static int assign(struct dfs *d, size_t j, unsigned k)
{
	if (d->kk[j])
		return d->kv[j] == k;
	if (!bs_has(&d->cand[j], k) || !others_ok(d, j, k))
		return 0;
	d->kk[j] = 1;
	d->kv[j] = (unsigned char)k;
	d->trail[d->ntrail++] = j;
	return 1;
}

static void undo(struct dfs *d, size_t mark)
{
	while (d->ntrail > mark)
		d->kk[d->trail[--d->ntrail]] = 0;
}

/* Lay byte off of descriptor sd as kind (val for FM_FIXED). */
static int place(struct dfs *d, struct sdst *sd, uint32_t off, uint8_t kind,
		 unsigned val)
{
	size_t j = 4 + (size_t)off;
	unsigned c = d->s->v[sd->v].c[j];

	sd->fm[off].kind = kind;
	sd->fm[off].val = (uint8_t)val;
	if (kind == FM_FIXED)
		return assign(d, j, c ^ val);
	if (d->kk[j])
		return fm_ok(kind, (uint8_t)val, c ^ d->kv[j]);
	return 1;
}

static int place_le(struct dfs *d, struct sdst *sd, uint32_t off, uint32_t v,
		    unsigned nbytes)
{
	unsigned i;

	for (i = 0; i < nbytes; i++)
		if (!place(d, sd, off + i, FM_FIXED, (v >> (8 * i)) & 255))
			return 0;
	return 1;
}

/* Would place_le succeed? Checked without laying anything. */
static int fits_le(const struct dfs *d, const struct sdst *sd, uint32_t off,
		   uint32_t v, unsigned nbytes)
{
	const unsigned char *c = d->s->v[sd->v].c;
	unsigned i, k;
	size_t j;

	for (i = 0; i < nbytes; i++) {
		j = 4 + (size_t)off + i;
		k = c[j] ^ ((v >> (8 * i)) & 255);
		if (d->kk[j] ? d->kv[j] != k
			     : !bs_has(&d->cand[j], k) ||
			       !others_ok(d, j, k))
			return 0;
	}
	return 1;
}

static void add_field(struct sdst *sd, uint8_t kind, uint32_t start,
		      uint32_t len)
{
	if (sd->nfl < sd->capfl) {
		sd->fl[sd->nfl].kind = kind;
		sd->fl[sd->nfl].start = start;
		sd->fl[sd->nfl].len = len;
		sd->nfl++;
	}
}

static struct sdst *next_sd(struct dfs *d)
{
	struct sdst *best = NULL;
	size_t i;

	for (i = 0; i < d->nsd; i++)
		if (d->sd[i].phase != PH_DONE &&
		    (!best || d->sd[i].pos < best->pos))
			best = &d->sd[i];
	return best;
}

/* The piece [.., end) of the current component is laid: move on. */
static void advance(struct sdst *sd, uint32_t end)
{
	const struct comp *c = &sd->comp[sd->ci];

	sd->pos = end;
	if (end < c->off + c->size)
		return;
	sd->in_acl = 0;
	if (++sd->ci >= sd->ncomp) {
		sd->phase = PH_DONE;
		sd->pos = sd->S;
	} else {
		sd->pos = sd->comp[sd->ci].off;
	}
}

/* Recurse on the state just laid, then restore everything. */
static void descend(struct dfs *d, struct sdst *sd, const struct sdst *saved,
		    size_t mark)
{
	dfs(d);
	undo(d, mark);
	*sd = *saved;
}

static void control_order(uint8_t *out, const uint8_t *pref, size_t npref,
			  uint8_t base)
{
	size_t n = 0, i;
	unsigned v;

	for (i = 0; i < npref; i++)
		out[n++] = pref[i];
	for (v = 0; v < 64; v++) {
		for (i = 0; i < npref && pref[i] != (base | v); i++)
			;
		if (i == npref)
			out[n++] = (uint8_t)(base | v);
	}
}

static void step_header(struct dfs *d, struct sdst *sd)
{
	static const uint8_t plo[] = { 0x04, 0x07, 0x05, 0x06, 0x14, 0x17,
				       0x0c, 0x0f };
	static const uint8_t phi[] = { 0x80, 0x84, 0x94, 0x90, 0x8c };
	uint8_t lo[64], hi[64];
	struct sdst saved = *sd;
	size_t a, b, mark = d->ntrail, mark2;

	control_order(lo, plo, sizeof(plo), 0);
	control_order(hi, phi, sizeof(phi), 0x80);
	if (!place(d, sd, 0, FM_FIXED, 1) || !place(d, sd, 1, FM_FIXED, 0)) {
		undo(d, mark);
		return;
	}
	mark2 = d->ntrail;
	for (a = 0; a < 64 && !d->aborted; a++) {
		if (!place(d, sd, 2, FM_FIXED, lo[a])) {
			undo(d, mark2);
			continue;
		}
		for (b = 0; b < 64 && !d->aborted; b++) {
			size_t m3 = d->ntrail;

			if (place(d, sd, 3, FM_FIXED, hi[b])) {
				sd->lo = lo[a];
				sd->hi = hi[b];
				sd->phase = PH_OFF;
				sd->pos = 4;
				dfs(d);
			}
			undo(d, m3);
			sd->phase = saved.phase;
			sd->pos = saved.pos;
		}
		undo(d, mark2);
	}
	undo(d, mark);
	*sd = saved;
}

/*
 * Which values each offset field (by component kind) can hold under the
 * keystream, one bit per multiple of 4 up to SD_MAX: computed once per
 * control value instead of for every size and order tried.
 */
struct offok {
	uint64_t w[4][SD_MAX / 4 / 64 + 1];
};

static const uint32_t field_of[4] = { 12, 16, 4, 8 };

static int offok_has(const struct offok *fit, int kind, uint32_t off)
{
	return off % 4 == 0 && off / 4 / 64 < SD_MAX / 4 / 64 + 1 &&
	       (fit->w[kind][off / 4 / 64] >> (off / 4 % 64) & 1);
}

static void offok_fill(const struct dfs *d, const struct sdst *sd,
		       struct offok *fit)
{
	uint32_t v;
	int k;

	memset(fit, 0, sizeof(*fit));
	for (k = 0; k < 4; k++)
		for (v = 0; v < sd->S && v / 4 / 64 < SD_MAX / 4 / 64 + 1;
		     v = v ? v + 4 : 20)
			if (fits_le(d, sd, field_of[k], v, 4))
				fit->w[k][v / 4 / 64] |= (uint64_t)1
							 << (v / 4 % 64);
}

/* Lay the four offsets for the components in the order of perm. */
static void try_order(struct dfs *d, struct sdst *sd, const struct comp *perm,
		      int n, const struct offok *fit)
{
	uint32_t offs[4] = { 0, 0, 0, 0 }, off = 20;
	struct sdst saved;
	size_t mark = d->ntrail;
	int i, ok = 1;

	/* Most orders fail on an offset: tell so before copying state. */
	for (i = 0; i < n; i++) {
		offs[perm[i].kind] = off;
		off += perm[i].size;
	}
	for (i = 0; i < 4; i++)
		if (!offok_has(fit, i, offs[i]))
			return;
	saved = *sd;
	off = 20;
	for (i = 0; i < n; i++) {
		sd->comp[i] = perm[i];
		sd->comp[i].off = off;
		offs[perm[i].kind] = off;
		off += perm[i].size;
	}
	for (i = 0; i < 4 && ok; i++)
		ok = place_le(d, sd, field_of[i], offs[i], 4);
	if (ok) {
		sd->ncomp = n;
		sd->ci = 0;
		sd->phase = n ? PH_COMP : PH_DONE;
		sd->pos = n ? 20 : sd->S;
		descend(d, sd, &saved, mark);
		return;
	}
	undo(d, mark);
	*sd = saved;
}

/* The next permutation of a[0..n) in lexicographic order; 0 after the last. */
int mb_rv_next_perm(int *a, int n)
{
	int i = n - 2, j, t;

	while (i >= 0 && a[i] >= a[i + 1])
		i--;
	if (i < 0)
		return 0;
	for (j = n - 1; a[j] <= a[i]; j--)
		;
	t = a[i];
	a[i] = a[j];
	a[j] = t;
	for (i++, j = n - 1; i < j; i++, j--) {
		t = a[i];
		a[i] = a[j];
		a[j] = t;
	}
	return 1;
}

static void try_sizes(struct dfs *d, struct sdst *sd, const uint32_t *size,
		      const struct offok *fit)
{
	struct comp present[4], perm[4];
	int idx[4], n = 0, i;

	for (i = 0; i < 4; i++) {
		if (!size[i])
			continue;
		present[n].kind = (uint8_t)i;
		present[n].size = size[i];
		present[n].off = 0;
		idx[n] = n;
		n++;
	}
	do {
		for (i = 0; i < n; i++)
			perm[i] = present[idx[i]];
		try_order(d, sd, perm, n, fit);
	} while (!d->aborted && mb_rv_next_perm(idx, n));
}

static void step_offsets(struct dfs *d, struct sdst *sd)
{
	static const uint32_t olen[] = { 16, 12, 28, 24, 20, 0 };
	int sacl = sd->lo & 0x10, dacl = sd->lo & 0x04;
	uint32_t size[4];
	size_t a, b;
	long rest, ss, smax = sacl ? (long)sd->S - 28 : 0;
	struct offok fit;

	offok_fill(d, sd, &fit);
	for (a = 0; a < 6; a++)
		for (b = 0; b < 6; b++)
			for (ss = sacl ? 8 : 0; ss <= smax && !d->aborted;
			     ss += 4) {
				rest = (long)sd->S - 20 - (long)olen[a] -
				       (long)olen[b] - ss;
				/* with the DACL bit, rest 0 is a NULL DACL */
				if (dacl ? rest && (rest < 8 || rest % 4)
					 : rest != 0)
					continue;
				size[C_SACL] = (uint32_t)ss;
				size[C_DACL] = (uint32_t)rest;
				size[C_OWNER] = olen[a];
				size[C_GROUP] = olen[b];
				try_sizes(d, sd, size, &fit);
				if (!sacl)
					break;
			}
}

/* Every byte of [off, off+len) is free of any constraint but this one. */
static int dontcare(const struct dfs *d, uint32_t off, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		if (!d->dc[4 + off + i] || d->kk[4 + off + i])
			return 0;
	return 1;
}

static int place_sid(struct dfs *d, struct sdst *sd, uint32_t off,
		     const struct mb_sd_sid *t)
{
	uint32_t i;

	for (i = 0; i < t->len; i++) {
		int ok = i < t->fixed
				 ? place(d, sd, off + i, FM_FIXED, t->b[i])
				 : place(d, sd, off + i, FM_SIDFREE, 0);
		if (!ok)
			return 0;
	}
	if (t->fixed == t->len)
		add_field(sd, FLD_SIDAT, off, t->len);
	return 1;
}

static void sid_any(struct sdst *sd, uint32_t off, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++) {
		sd->fm[off + i].kind = FM_SIDANY;
		sd->fm[off + i].val = 0;
	}
	add_field(sd, FLD_SID, off, len);
}

static void step_sid(struct dfs *d, struct sdst *sd)
{
	const struct comp *c = &sd->comp[sd->ci];
	struct sdst saved = *sd;
	size_t t, mark = d->ntrail;

	if (dontcare(d, c->off, c->size)) {
		sid_any(sd, c->off, c->size);
		advance(sd, c->off + c->size);
		descend(d, sd, &saved, mark);
		return;
	}
	for (t = 0; t < mb_sd_nsids && !d->aborted; t++) {
		if (mb_sd_sids[t].len != c->size)
			continue;
		if (place_sid(d, sd, c->off, &mb_sd_sids[t])) {
			advance(sd, c->off + c->size);
			descend(d, sd, &saved, mark);
		} else {
			undo(d, mark);
			*sd = saved;
		}
	}
}

static void step_acl(struct dfs *d, struct sdst *sd)
{
	const struct comp *c = &sd->comp[sd->ci];
	struct sdst saved = *sd;
	uint32_t cnt, maxc = c->size == 8 ? 0 : (c->size - 8) / 20;
	size_t r, mark = d->ntrail;
	static const uint8_t revs[] = { 2, 4 };

	for (r = 0; r < 2 && !d->aborted; r++) {
		for (cnt = c->size == 8 ? 0 : 1; cnt <= maxc; cnt++) {
			int ok = place(d, sd, c->off, FM_FIXED, revs[r]) &&
				 place(d, sd, c->off + 1, FM_FIXED, 0) &&
				 place_le(d, sd, c->off + 2, c->size, 2) &&
				 place_le(d, sd, c->off + 4, cnt, 2) &&
				 place_le(d, sd, c->off + 6, 0, 2);
			if (ok) {
				sd->in_acl = 1;
				sd->aces_left = cnt;
				sd->ace_pos = c->off + 8;
				sd->acl_end = c->off + c->size;
				advance(sd, c->off + 8);
				descend(d, sd, &saved, mark);
			} else {
				undo(d, mark);
				*sd = saved;
			}
		}
	}
}

/* ACE header and mask; the type is laid by the caller. */
static int place_ace_body(struct dfs *d, struct sdst *sd, uint32_t a,
			  uint32_t asize, int sacl)
{
	int ok = place(d, sd, a + 1, sacl ? FM_FLAGS_S : FM_FLAGS, 0) &&
		 place_le(d, sd, a + 2, asize, 2) &&
		 place(d, sd, a + 4, FM_FREE, 0) &&
		 place(d, sd, a + 5, FM_FREE, 0) &&
		 place(d, sd, a + 6, FM_MASK2, 0) &&
		 place(d, sd, a + 7, FM_MASK3, 0);

	add_field(sd, FLD_FLAGS, a + 1, 1);
	add_field(sd, FLD_MASK, a + 4, 4);
	return ok;
}

static void ace_done(struct dfs *d, struct sdst *sd, const struct sdst *saved,
		     size_t mark, uint32_t asize)
{
	sd->ace_pos += asize;
	sd->aces_left--;
	if (sd->aces_left == 0)
		advance(sd, sd->acl_end);
	else
		sd->pos = sd->ace_pos;
	descend(d, sd, saved, mark);
}

static void ace_try(struct dfs *d, struct sdst *sd, uint32_t sl)
{
	int sacl = sd->comp[sd->ci].kind == C_SACL;
	uint32_t a = sd->ace_pos, asize = 8 + sl;
	struct sdst saved = *sd;
	size_t t, mark = d->ntrail;
	unsigned type;

	if (dontcare(d, a, 1) && dontcare(d, a + 8, sl)) {
		/* Only the structure matters here: one representative. */
		if (sacl) {
			place(d, sd, a, FM_FIXED, 2);
		} else {
			sd->fm[a].kind = FM_TYPEANY;
			add_field(sd, FLD_TYPE, a, 1);
		}
		sid_any(sd, a + 8, sl);
		if (place_ace_body(d, sd, a, asize, sacl))
			ace_done(d, sd, &saved, mark, asize);
		else
			undo(d, mark), *sd = saved;
		return;
	}
	for (type = sacl ? 2 : 0; type <= (sacl ? 2u : 1u); type++)
		for (t = 0; t < mb_sd_nsids && !d->aborted; t++) {
			if (mb_sd_sids[t].len != sl)
				continue;
			if (!sacl) /* where a merge may make it any type */
				add_field(sd, FLD_TYPEAT, a, 1);
			if (place(d, sd, a, FM_FIXED, type) &&
			    place_ace_body(d, sd, a, asize, sacl) &&
			    place_sid(d, sd, a + 8, &mb_sd_sids[t]))
				ace_done(d, sd, &saved, mark, asize);
			else
				undo(d, mark), *sd = saved;
		}
}

static void step_ace(struct dfs *d, struct sdst *sd)
{
	uint32_t r = sd->acl_end - sd->ace_pos, c = sd->aces_left, as;
	size_t i;

	for (i = 0; i < MB_SD_NSIDLENS && !d->aborted; i++) {
		as = 8 + mb_sd_sid_lens[i];
		if (c == 1 ? as != r
			   : (r < as + 20 * (c - 1) || r > as + 36 * (c - 1)))
			continue;
		ace_try(d, sd, mb_sd_sid_lens[i]);
	}
}

static int same_layout(const struct layout *l, const struct sdst *sd)
{
	return memcmp(l->fm, sd->fm, sd->S * sizeof(*sd->fm)) == 0;
}

/* Room for more layouts: most values are no descriptor and have none. */
static int grow_layouts(struct dv *v)
{
	size_t cap = v->laycap ? v->laycap * 2 : 4;
	struct layout *l;

	if (cap > MAXLAY)
		cap = MAXLAY;
	l = realloc(v->lay, cap * sizeof(*l));
	if (!l)
		return -1;
	v->lay = l;
	v->laycap = cap;
	return 0;
}

static int sid_or_type(uint8_t kind)
{
	return kind == FLD_SIDAT || kind == FLD_TYPEAT || kind == FLD_SID ||
	       kind == FLD_TYPE;
}

/* The SID or type field of a layout that holds byte b, or NULL. */
static const struct fld *at_field(const struct fld *fl, size_t nfl,
				  uint32_t b)
{
	size_t i;

	for (i = 0; i < nfl; i++)
		if (sid_or_type(fl[i].kind) && b >= fl[i].start &&
		    b < fl[i].start + fl[i].len)
			return &fl[i];
	return NULL;
}

/*
 * FNV-1a over the layout's bytes with its SIDs and types left out: two
 * layouts that could merge have the same one, so most pairs are told
 * apart without comparing them byte by byte.
 */
static uint64_t skeleton(const struct fent *fm, const struct fld *fl,
			 size_t nfl, uint32_t S)
{
	uint16_t skip[SD_MAX];
	uint64_t h = 1469598103934665603ull;
	uint32_t b = 0;
	size_t i;

	memset(skip, 0, S * sizeof(*skip));
	for (i = 0; i < nfl; i++)
		if (sid_or_type(fl[i].kind) && fl[i].start < S)
			skip[fl[i].start] = (uint16_t)fl[i].len;
	while (b < S) {
		if (skip[b]) {
			b += skip[b];
			h = (h ^ 0xff) * 1099511628211ull;
			continue;
		}
		h = (h ^ fm[b].kind) * 1099511628211ull;
		h = (h ^ fm[b].val) * 1099511628211ull;
		b++;
	}
	return h;
}

/* Does l differ from sd only inside l's placed SIDs and types? */
static int mergeable(const struct layout *l, const struct sdst *sd)
{
	uint32_t b;

	for (b = 0; b < sd->S; b++) {
		const struct fent *x = &l->fm[b], *y = &sd->fm[b];
		const struct fld *f;

		if (x->kind == y->kind && x->val == y->val)
			continue;
		f = at_field(l->fl, l->nfl, b);
		if (!f || !at_field(sd->fl, sd->nfl, b) ||
		    (y->kind != FM_FIXED && y->kind != FM_SIDANY &&
		     y->kind != FM_TYPEANY))
			return 0;
		b = f->start + f->len - 1; /* the rest of it may differ */
	}
	return 1;
}

/* l takes sd in: each placed SID or type where they differ is any. */
static void merge_layout(struct layout *l, const struct sdst *sd)
{
	size_t i;
	uint32_t b;

	for (i = 0; i < l->nfl; i++) {
		struct fld *f = &l->fl[i];
		int same = 1;

		if (f->kind != FLD_SIDAT && f->kind != FLD_TYPEAT)
			continue;
		for (b = f->start; b < f->start + f->len; b++)
			same &= l->fm[b].kind == sd->fm[b].kind &&
				l->fm[b].val == sd->fm[b].val;
		if (same)
			continue;
		for (b = f->start; b < f->start + f->len; b++) {
			l->fm[b].kind = f->kind == FLD_SIDAT ? FM_SIDANY
							     : FM_TYPEANY;
			l->fm[b].val = 0;
		}
		f->kind = f->kind == FLD_SIDAT ? FLD_SID : FLD_TYPE;
	}
}

/*
 * A descriptor keeps MAXLAY layouts. Past that, one that differs from a
 * kept layout only in which of the table's SIDs or which ACE type it
 * puts somewhere is merged into it, so the true one stays searchable
 * (a 4-ACE AdminACL among others has thousands of such combinations).
 */
static int merge_into(struct dv *v, const struct sdst *sd)
{
	uint64_t h = skeleton(sd->fm, sd->fl, sd->nfl, sd->S);
	size_t i;

	for (i = 0; i < v->nlay; i++)
		if (v->lay[i].skel == h && mergeable(&v->lay[i], sd)) {
			merge_layout(&v->lay[i], sd);
			return 1;
		}
	return 0;
}

static void save_layout(struct dv *v, const struct sdst *sd)
{
	struct layout *l;
	size_t i;

	for (i = 0; i < v->nlay; i++)
		if (same_layout(&v->lay[i], sd))
			return;
	if (v->nlay >= MAXLAY && merge_into(v, sd))
		return;
	if (v->nlay >= MAXLAY || (v->nlay == v->laycap && grow_layouts(v)))
		return;
	l = &v->lay[v->nlay];
	l->fm = malloc(sd->S * sizeof(*l->fm));
	l->fl = malloc((sd->nfl + 1) * sizeof(*l->fl));
	if (!l->fm || !l->fl) {
		free(l->fm);
		free(l->fl);
		return;
	}
	memcpy(l->fm, sd->fm, sd->S * sizeof(*l->fm));
	memcpy(l->fl, sd->fl, sd->nfl * sizeof(*l->fl));
	l->nfl = sd->nfl;
	l->skel = skeleton(sd->fm, sd->fl, sd->nfl, sd->S);
	v->nlay++;
}

/* A complete joint layout: merge its keystream into the agreement. */
static void record(struct dfs *d)
{
	size_t j, i;

	d->nsol++;
	for (j = 0; j < d->s->L; j++) {
		if (!d->kk[j]) {
			d->agree[j] = 3;
			continue;
		}
		if (d->nsol == 1) {
			d->agree[j] = 1;
			d->aval[j] = d->kv[j];
		} else if (d->agree[j] == 1 && d->aval[j] != d->kv[j]) {
			d->agree[j] = 2;
		}
		bs_add(&d->seen[j], d->kv[j]);
	}
	for (i = 0; i < d->nsd; i++)
		save_layout(&d->s->v[d->sd[i].v], &d->sd[i]);
}

static void dfs(struct dfs *d)
{
	struct sdst *sd;

	if (d->aborted)
		return;
	if (++d->nodes > d->budget) {
		d->aborted = 1;
		return;
	}
	sd = next_sd(d);
	if (!sd)
		record(d);
	else if (sd->phase == PH_HDR)
		step_header(d, sd);
	else if (sd->phase == PH_OFF)
		step_offsets(d, sd);
	else if (sd->in_acl)
		step_ace(d, sd);
	else if (sd->comp[sd->ci].kind == C_SACL ||
		 sd->comp[sd->ci].kind == C_DACL)
		step_acl(d, sd);
	else
		step_sid(d, sd);
}

/* Positions where no other value can check a descriptor's choice. */
static void mark_dontcare(struct dfs *d)
{
	size_t j, i;

	for (j = 0; j < d->s->L; j++) {
		int first = -1, same = 1;

		for (i = 0; i < d->nsd && same; i++) {
			const struct dv *v = &d->s->v[d->sd[i].v];

			if (j >= v->n)
				continue;
			if (first < 0)
				first = v->c[j];
			else
				same = first == v->c[j];
		}
		d->dc[j] = same && bs_is_all(d->s->dc_base
						     ? &d->s->dc_base[j]
						     : &d->cand[j]);
	}
}

static int dfs_alloc(struct dfs *d, struct solver *s, struct bset *cand)
{
	size_t L = s->L, i;

	memset(d, 0, sizeof(*d));
	d->s = s;
	d->cand = cand;
	d->kv = calloc(L, 1);
	d->kk = calloc(L, 1);
	d->dc = calloc(L, 1);
	d->agree = calloc(L, 1);
	d->aval = calloc(L, 1);
	d->seen = calloc(L, sizeof(*d->seen));
	d->trail = calloc(L + 1, sizeof(*d->trail));
	d->sd = calloc(s->nv + 1, sizeof(*d->sd));
	if (!d->kv || !d->kk || !d->dc || !d->agree || !d->aval || !d->seen ||
	    !d->trail || !d->sd)
		return -1;
	for (i = 0; i < L; i++) {
		int k = bs_single(&cand[i]);

		d->kk[i] = k >= 0;
		d->kv[i] = (unsigned char)(k >= 0 ? k : 0);
	}
	d->budget = s->node_budget;
	return 0;
}

static int dfs_add_sd(struct dfs *d, size_t vi)
{
	struct sdst *sd = &d->sd[d->nsd];
	uint32_t S = (uint32_t)(d->s->v[vi].n - 4);

	memset(sd, 0, sizeof(*sd));
	sd->v = vi;
	sd->S = S;
	sd->phase = PH_HDR;
	sd->fm = calloc(S, sizeof(*sd->fm));
	sd->capfl = S / 2 + 8;
	sd->fl = calloc(sd->capfl, sizeof(*sd->fl));
	if (!sd->fm || !sd->fl)
		return -1;
	d->nsd++;
	return 0;
}

static void dfs_free(struct dfs *d)
{
	size_t i;

	for (i = 0; i < d->nsd; i++) {
		free(d->sd[i].fm);
		free(d->sd[i].fl);
	}
	free(d->sd);
	free(d->kv);
	free(d->kk);
	free(d->dc);
	free(d->agree);
	free(d->aval);
	free(d->seen);
	free(d->trail);
}

void mb_rv_clear_layouts(struct dv *v)
{
	size_t i;

	for (i = 0; i < v->nlay; i++) {
		free(v->lay[i].fm);
		free(v->lay[i].fl);
	}
	free(v->lay);
	v->lay = NULL;
	v->nlay = v->laycap = 0;
}

/* Narrow cand to what every consistent layout agrees on. */
static void dfs_narrow(struct dfs *d)
{
	size_t j;

	for (j = 0; j < d->s->L; j++) {
		if (d->agree[j] == 1)
			bs_one(&d->cand[j], d->aval[j]);
		else if (d->agree[j] == 2)
			bs_and(&d->cand[j], &d->seen[j]);
	}
}

int mb_rv_sd_searchable(const struct dv *v)
{
	return v->kind == VK_SD && !v->excluded && !v->verified &&
	       v->n <= SD_MAX;
}

/*
 * The layouts of every descriptor (only == NOVAL) or of one, with budget
 * nodes. 1: narrowed (or nothing to do), 0: no layout fits, -1: gave up.
 */
int mb_rv_run_dfs(struct solver *s, struct bset *cand, size_t only,
		  unsigned long budget)
{
	struct dfs d;
	size_t i;
	int r = 1;

	if (dfs_alloc(&d, s, cand)) {
		dfs_free(&d);
		return -1;
	}
	d.budget = budget;
	for (i = 0; i < s->nv; i++) {
		struct dv *v = &s->v[i];

		if (only != NOVAL && i != only)
			continue;
		mb_rv_clear_layouts(v);
		if (mb_rv_sd_searchable(v) && dfs_add_sd(&d, i)) {
			dfs_free(&d);
			return -1;
		}
	}
	if (d.nsd) {
		mark_dontcare(&d);
		dfs(&d);
		if (only == NOVAL && d.aborted) {
			s->sd_gave_up = 1;
			s->gave_up_hard = mb_rv_hard_count(s) + 1;
		}
		if (d.aborted)
			r = -1;
		else if (!d.nsol)
			r = 0;
		else
			dfs_narrow(&d);
	}
	dfs_free(&d);
	return r;
}
