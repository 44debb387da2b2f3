/* SPDX-License-Identifier: MIT */
/*
 * Reveal: the signing modulus, the oracle that proves a plaintext (the
 * signature of each blob yields MD5(prefix || value)): given, cached, or
 * recovered by gcd from values whose plaintext is certain or probable.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mb/sigmod.h"
#include "reveal_priv.h"

/* ---- the signature oracle ------------------------------------------- */

static void oracle_md5s(struct solver *s)
{
	struct mb_rsa_pubctx *c = NULL;
	size_t i;

	/* One Montgomery context for all of them. Without it (out of
	 * memory, an even modulus) no signature decodes: the one-off
	 * oracle makes the same context. */
	(void)mb_crypt_pubctx_new(&s->mod, &c, NULL);
	for (i = 0; i < s->nv; i++) {
		struct dv *d = &s->v[i];

		if (d->kind == VK_CLEAR || d->excluded)
			continue;
		d->md5_ok = c && mb_crypt_pubctx_sig_md5(c, d->blob->sig,
							 d->blob->sig_len,
							 d->md5, NULL) == MB_OK;
		d->sig_bad = !d->md5_ok;
	}
	mb_crypt_pubctx_free(c);
}

/* Known values that the signature contradicts are cribs no longer. */
static void check_knowns(struct solver *s)
{
	size_t i;

	for (i = 0; i < s->nv; i++) {
		struct dv *d = &s->v[i];

		if (!d->known || d->known_bad || !d->md5_ok)
			continue;
		if (mb_rv_md5_matches(s, d, d->known)) {
			mb_rv_mark_verified(s, d, d->known, "known value");
			continue;
		}
		d->known_bad = 1;
		mb_rv_why(&d->known_why, KNOWN_WHY_MAX,
			  "the known value does not match the value's "
			  "signature: it is not the stored password");
	}
}

/* Accept a modulus only if the SessionKey's signature agrees with it. */
static int modulus_fits(struct solver *s, const struct mb_rsa_pub *m)
{
	unsigned char h[16];

	if (!s->session_ok)
		return 1;
	return mb_crypt_sig_md5(m, s->o->session->sig, s->o->session->sig_len,
				h, NULL) == MB_OK &&
	       memcmp(h, s->session_md5, 16) == 0;
}

static void use_modulus(struct solver *s, const struct mb_rsa_pub *m,
			enum mb_reveal_modsrc src)
{
	s->mod = *m;
	s->have_mod = 1;
	s->modsrc = src;
	s->session_verified = s->session_ok;
	oracle_md5s(s);
	check_knowns(s);
	mb_rv_rebuild_hard(s);
}

static void modulus_cached(struct solver *s)
{
	struct mb_rsa_pub m;
	int found = 0;

	if (mb_sigmod_cache_load(s->o->cache_dir, s->o->session->raw,
				 s->o->session->raw_len, &m, &found,
				 NULL) == MB_OK && found && modulus_fits(s, &m))
		use_modulus(s, &m, MB_MODSRC_CACHE);
}

void mb_rv_modulus_early(struct solver *s)
{

	if (s->o->modulus) {
		if (modulus_fits(s, s->o->modulus))
			use_modulus(s, s->o->modulus, MB_MODSRC_GIVEN);
		else
			mb_rv_note(s, "the signing key given does not sign this "
				"file's SessionKey: it belongs to another "
				"server and was not used");
	}
	if (!s->have_mod && !s->o->no_cache && s->session_ok)
		modulus_cached(s);
}

/* ---- recovering the modulus by gcd ------------------------------------ */

/* Full-size gcds one run may spend (each takes seconds). */
#define MAX_GCDS 3
/*
 * Values the cribs determine that go into one gcd: one right is enough,
 * the others stand in for a wrong one (each costs a 33-Mbit power, 0.7 s
 * here). A handful of one value may use all MB_SIGMOD_MAX_CANDIDATES.
 */
#define DETERMINED_MAX 3

enum { PAIR_ANCHOR, PAIR_KNOWN, PAIR_DERIVED };

struct pairs {
	struct mb_sigpair p[2 + MB_SIGMOD_MAX_CANDIDATES];
	size_t dv[2 + MB_SIGMOD_MAX_CANDIDATES];
	int kind[2 + MB_SIGMOD_MAX_CANDIDATES];
	size_t n, anchors;
	size_t handful;          /* candidates of one value (gather_handful) */
};

static void pair_add(struct pairs *ps, const struct mb_blob *b,
		     const unsigned char *md5, size_t dv, int kind)
{
	if (ps->n >= sizeof(ps->p) / sizeof(ps->p[0]))
		return;
	ps->p[ps->n].sig = b->sig;
	ps->p[ps->n].sig_len = b->sig_len;
	memcpy(ps->p[ps->n].md5, md5, 16);
	ps->p[ps->n].ok = 0;
	ps->dv[ps->n] = dv;
	ps->kind[ps->n] = kind;
	ps->n++;
}

/* Certain plaintexts: empty strings, the machine keystream. */
static int certain_plain(struct solver *s, const struct dv *d,
			 unsigned char *pt)
{
	size_t j;

	if (d->kind == VK_STRING && d->n == 6) {
		memset(pt, 0, 6);
		return 1;
	}
	for (j = 0; j < d->n; j++) {
		if (!s->hset[j] || (s->hsrc[j] >= 0 && s->v[s->hsrc[j]].known &&
				    !s->v[s->hsrc[j]].verified))
			return 0;
		pt[j] = d->c[j] ^ s->hk[j];
	}
	return 1;
}

static void gather_anchors(struct solver *s, struct pairs *ps,
			   unsigned char *pt, unsigned char *used)
{
	unsigned char h[16];
	size_t i;

	if (s->session_ok)
		pair_add(ps, s->o->session, s->session_md5, NOVAL,
			 PAIR_ANCHOR);
	for (i = 0; i < s->nv && ps->n < 2; i++) {
		struct dv *d = &s->v[i];

		if (d->excluded || d->kind == VK_CLEAR ||
		    !certain_plain(s, d, pt) ||
		    mb_crypt_md5_run(s->md5, pt, d->n, h))
			continue;
		pair_add(ps, d->blob, h, i, PAIR_ANCHOR);
		used[i] = 1;
	}
	ps->anchors = ps->n;
}

/*
 * One value is certain (the SessionKey, an empty string), no other is
 * determined: the value with the fewest plaintexts left, when they are a
 * handful (a descriptor's few layouts, a string's last ambiguous
 * character), goes in whole. The gcd keeps the modulus when one of them
 * is right, and refutes them all when none is.
 */
static void gather_handful(struct solver *s, struct pairs *ps,
			   unsigned char *used)
{
	size_t i, n, best = 0, bi = NOVAL, max = MB_SIGMOD_MAX_CANDIDATES;
	size_t size = max * s->L + 1;
	unsigned char *out = malloc(size), *keep = malloc(size), *t, h[16];

	for (i = 0; out && keep && i < s->nv; i++) {
		struct dv *d = &s->v[i];

		if (used[i] || d->excluded || d->kind == VK_CLEAR)
			continue;
		n = mb_rv_handful(s, d, out, max);
		/* a tie goes to a descriptor: its grammar is no hypothesis */
		if (n && (!best || n < best ||
			  (n == best && d->kind == VK_SD &&
			   s->v[bi].kind != VK_SD))) {
			best = n;
			bi = i;
			t = keep, keep = out, out = t; /* keep the best's */
		}
	}
	for (i = 0; bi != NOVAL && i < best; i++) {
		const unsigned char *p = keep + i * s->v[bi].n;

		if (!mb_rv_is_refuted(s, &s->v[bi], p) &&
		    !mb_crypt_md5_run(s->md5, p, s->v[bi].n, h)) {
			pair_add(ps, s->v[bi].blob, h, bi, PAIR_DERIVED);
			ps->handful++;
		}
	}
	if (out)
		OPENSSL_cleanse(out, size);
	if (keep)
		OPENSSL_cleanse(keep, size);
	free(out);
	free(keep);
}

static void gather_pairs(struct solver *s, struct pairs *ps,
			 unsigned char *pt, unsigned char *used)
{
	unsigned char h[16];
	size_t i, pass;

	gather_anchors(s, ps, pt, used);
	/* Candidates: user cribs first, then what the cribs determine. */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < s->nv; i++) {
			struct dv *d = &s->v[i];
			const unsigned char *src = NULL;

			if (used[i] || d->excluded || d->kind == VK_CLEAR ||
			    ps->n >= ps->anchors + DETERMINED_MAX)
				continue;
			if (pass == 0 && d->known && !d->known_bad)
				src = d->known;
			else if (pass == 1 && mb_rv_value_plain(d, s->cand, pt) &&
				 !mb_rv_is_refuted(s, d, pt))
				src = pt;
			if (!src || mb_crypt_md5_run(s->md5, src, d->n, h))
				continue;
			pair_add(ps, d->blob, h, i, pass ? PAIR_DERIVED
							 : PAIR_KNOWN);
			used[i] = 1;
		}
	/* one certain anchor and nothing to hold it against */
	if (ps->anchors == 1 && ps->n == 1)
		gather_handful(s, ps, used);
}

/*
 * The gcd against a certain anchor failed: no candidate multiplied in is
 * right (a right one would have kept the modulus in the gcd). A known
 * value is a conflict; a plaintext the cribs gave is a hypothesis dropped.
 */
static void refute_candidates(struct solver *s, const struct pairs *ps)
{
	size_t i;

	for (i = ps->anchors; i < ps->n; i++) {
		struct dv *d = &s->v[ps->dv[i]];

		if (ps->kind[i] == PAIR_KNOWN) {
			d->known_bad = 1;
			mb_rv_why(&d->known_why, KNOWN_WHY_MAX,
				  "the known value is refuted: no signing key "
				  "signs both it and %s, so it is not the "
				  "stored password", s->session_ok
				  ? "the SessionKey" : "the file's certain "
				  "values");
		} else {
			mb_rv_refute(d, ps->p[i].md5);
			if (i + 1 < ps->n && ps->dv[i + 1] == ps->dv[i])
				continue; /* a handful: one note for them all */
			mb_rv_note(s, "%s %s: %s refuted by the signatures; "
				   "those cribs were dropped",
				   mb_rv_dv_label(s, ps->dv[i]),
				   mb_rv_dv_name(s, ps->dv[i]),
				   i > ps->anchors &&
				   ps->dv[i - 1] == ps->dv[i]
				   ? "each plaintext the cribs left was"
				   : "the value the cribs gave was");
		}
	}
}

static int use_cache(const struct solver *s)
{
	return !s->o->no_cache && s->session_ok;
}

/* 1 (worth another gcd) when the failure refuted the candidates. */
static int gcd_failed(struct solver *s, const struct pairs *ps, int refuted)
{
	if (!refuted || ps->anchors != 1 || s->password_protected)
		return 0;
	refute_candidates(s, ps);
	return 1;
}

static int gcd_run(struct solver *s, struct pairs *ps, int first)
{
	struct mb_sigmod_stats st;
	struct mb_rsa_pub m;
	struct mb_error e;
	int refuted = 0;

	if (use_cache(s) && mb_sigmod_fail_load(s->o->cache_dir, ps->p, ps->n,
						ps->anchors, &refuted)) {
		mb_rv_note(s, "signing key not recovered: the same gcd failed "
			"before (cached)");
		return gcd_failed(s, ps, refuted);
	}
	mb_error_clear(&e);
	if (s->o->before_gcd && first)
		s->o->before_gcd(s->o->before_gcd_ctx);
	memset(&st, 0, sizeof(st));
	if (mb_sigmod_recover(ps->p, ps->n, ps->anchors, 65537,
			      &m, &st, &e) != MB_OK) {
		s->gcd_seconds += st.seconds;
		mb_rv_note(s, "signing key not recovered: %s", e.reason);
		if (use_cache(s))
			mb_sigmod_fail_store(s->o->cache_dir, ps->p, ps->n,
					     ps->anchors, st.refuted, NULL);
		return gcd_failed(s, ps, st.refuted);
	}
	s->gcd_seconds += st.seconds;
	if (ps->handful > 1)
		mb_rv_note(s, "the signing key came from the %zu plaintexts "
			   "the cribs leave for %s %s, one of which is "
			   "right",
			   ps->handful, mb_rv_dv_label(s, ps->dv[ps->anchors]),
			   mb_rv_dv_name(s, ps->dv[ps->anchors]));
	use_modulus(s, &m, MB_MODSRC_GCD);
	if (use_cache(s) &&
	    mb_sigmod_cache_store(s->o->cache_dir, s->o->session->raw,
				  s->o->session->raw_len, &m, &e) != MB_OK)
		mb_rv_note(s, "could not cache the signing key: %s", e.reason);
	return 0;
}

/*
 * One gcd; 1 when it refuted candidates (worth another try). With the
 * cache, the entry is locked first (one gcd per signing key even with
 * -j workers), then looked up again: another worker may have filled it.
 */
static int gcd_once(struct solver *s, int first)
{
	struct pairs ps;
	unsigned char *pt = malloc(s->L + 1), *used = calloc(s->nv + 1, 1);
	int lock = -1, r = 0;

	memset(&ps, 0, sizeof(ps));
	if (pt && used)
		gather_pairs(s, &ps, pt, used);
	free(used);
	if (pt)
		OPENSSL_cleanse(pt, s->L + 1);
	free(pt);
	if (ps.n < 2) {
		if (first)
			mb_rv_note(s, "the signing key cannot be recovered: fewer "
				"than two values have a known plaintext");
		return 0;
	}
	if (use_cache(s))
		mb_sigmod_cache_lock(s->o->cache_dir, s->o->session->raw,
				     s->o->session->raw_len, &lock, NULL);
	if (use_cache(s))
		modulus_cached(s);
	if (!s->have_mod)
		r = gcd_run(s, &ps, first);
	mb_sigmod_cache_unlock(lock);
	return r;
}

/* Gcds until the modulus comes out or no untried candidate is left. */
void mb_rv_stage_gcd(struct solver *s)
{
	int i;

	for (i = 0; i < MAX_GCDS && !s->have_mod; i++) {
		if (!gcd_once(s, i == 0))
			break;
		mb_rv_rebuild_hard(s);
		mb_rv_choose_level(s);
	}
}
