/* SPDX-License-Identifier: MIT */
/*
 * The reveal solver's driver (see include/mb/reveal.h for the model and
 * reveal_priv.h for its files): set-up, the stages in order, the report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "reveal_priv.h"

static void solver_free(struct solver *s)
{
	size_t i;

	for (i = 0; i < s->nv; i++) {
		struct dv *d = &s->v[i];

		mb_rv_clear_layouts(d);
		if (d->known)
			OPENSSL_cleanse(d->known, d->n);
		if (d->pt)
			OPENSSL_cleanse(d->pt, d->n);
		free(d->known);
		free(d->pt);
		free(d->na);
		free(d->refuted);
		free(d->why);
		free(d->known_why);
	}
	for (i = 0; s->item_why && i < s->nitems; i++)
		free(s->item_why[i]);
	if (s->hk)
		OPENSSL_cleanse(s->hk, s->L + 1);
	if (s->mk)
		OPENSSL_cleanse(s->mk, s->L);
	if (s->cand)
		OPENSSL_cleanse(s->cand, (s->L + 1) * sizeof(*s->cand));
	free(s->v);
	free(s->map);
	free(s->item_why);
	free(s->hk);
	free(s->hset);
	free(s->hsrc);
	free(s->mk);
	free(s->cand);
	free(s->sdonly);
	mb_crypt_md5_free(s->md5);
	mb_buf_wipe(&s->notes);
}

static enum mb_status solver_init(struct solver *s,
				  const struct mb_reveal_item *items, size_t n,
				  const struct mb_reveal_opts *o,
				  struct mb_error *err)
{
	s->items = items;
	s->nitems = n;
	s->o = o;
	s->search_left = o->search_budget ? o->search_budget : DEF_SEARCH;
	s->node_budget = o->node_budget ? o->node_budget : DEF_NODES;
	s->union_left = UNION_RUN_WORK;
	mb_buf_init(&s->notes);
	s->v = calloc(n + 1, sizeof(*s->v));
	s->map = calloc(n + 1, sizeof(*s->map));
	s->item_why = calloc(n + 1, sizeof(*s->item_why));
	if (!s->v || !s->map || !s->item_why)
		return mb_error_set(err, MB_EFILE, "reveal", NULL,
				    "out of memory");
	if (mb_rv_setup_items(s))
		return mb_error_set(err, MB_EFILE, "reveal", NULL,
				    "out of memory");
	s->hk = calloc(s->L + 1, 1);
	s->hset = calloc(s->L + 1, 1);
	s->hsrc = calloc(s->L + 1, sizeof(*s->hsrc));
	s->cand = calloc(s->L + 1, sizeof(*s->cand));
	if (!s->hk || !s->hset || !s->hsrc || !s->cand)
		return mb_error_set(err, MB_EFILE, "reveal", NULL,
				    "out of memory");
	return mb_crypt_md5_new(&s->md5, err);
}

static int unsolved_sd(const struct solver *s)
{
	size_t i;

	for (i = 0; i < s->nv; i++)
		if (s->v[i].kind == VK_SD && !s->v[i].verified &&
		    !s->v[i].excluded && !s->mk)
			return 1;
	return 0;
}

/*
 * Without a signing key, a wrong known value can still be caught when it
 * leaves no layout for the descriptors that fit without it.
 */
static void knowns_vs_descriptors(struct solver *s)
{
	size_t i;

	if (s->used_sd || s->have_mod || !unsolved_sd(s))
		return;
	for (i = 0; i < s->nv; i++) {
		struct dv *d = &s->v[i];

		if (!d->known || d->known_bad || d->verified)
			continue;
		d->known_bad = 1;
		mb_rv_rebuild_hard(s);
		mb_rv_choose_level(s);
		if (s->used_sd) {
			mb_rv_why(&d->known_why, KNOWN_WHY_MAX,
				  "the known value contradicts the structure "
				  "of the AdminACL security descriptors");
			return;
		}
		d->known_bad = 0;
	}
	mb_rv_rebuild_hard(s);
	mb_rv_choose_level(s);
}

static const char *const level_text[NLEVELS + 1] = {
	"ASCII passwords, printable characters, documented defaults",
	"ASCII passwords, printable characters",
	"ASCII passwords",
	"structure only (prefix and terminators)",
	"structure only (prefix and terminators)",
};

static int any_sd(const struct solver *s)
{
	size_t i;

	for (i = 0; i < s->nv; i++)
		if (s->v[i].kind == VK_SD && !s->v[i].excluded)
			return 1;
	return 0;
}

/* Tell the user which hypotheses held and where cribs disagreed. */
static void crib_notes(struct solver *s)
{
	size_t i, j;

	if (s->mk)
		return;
	mb_rv_note(s, "cribs in force: %s%s", level_text[s->level],
	     s->used_sd && any_sd(s) ? ", AdminACL descriptor layouts" : "");
	for (i = 0; i < s->nv; i++) {
		const struct dv *d = &s->v[i];

		j = d->ascii_conflict;
		if (j)
			mb_rv_note(s, "%s %s: the ASCII crib for character %zu "
				"conflicts with the other values; it was left "
				"out%s", mb_rv_dv_label(s, i), mb_rv_dv_name(s, i),
			     (j - 5) / 2 + 1, d->verified
				     ? " and the signature settled it" : "");
		if (d->is_odbc && d->verified && (d->n != 18 ||
		    memcmp(d->pt + 4, "s\0q\0l\0l\0o\0g\0", 12)))
			mb_rv_note(s, "%s LogOdbcPassword is not the documented "
				"default", mb_rv_dv_label(s, i));
	}
}

static void solve(struct solver *s)
{
	mb_rv_session_setup(s);
	mb_rv_machine_key(s);
	mb_rv_find_prefix(s);
	mb_rv_rebuild_hard(s);
	mb_rv_modulus_early(s);
	mb_rv_choose_level(s);
	knowns_vs_descriptors(s);
	if (!s->have_mod && !s->o->no_gcd) {
		mb_rv_stage_gcd(s);
		if (s->have_mod)
			mb_rv_choose_level(s);
	}
	if (s->have_mod)
		mb_rv_complete(s);
	if (!s->used_sd && unsolved_sd(s))
		mb_rv_note(s, "%s: the AdminACL structure was not used as a crib",
		     s->sd_gave_up ? "too many security-descriptor layouts "
				     "fit"
				   : "no security-descriptor layout fits "
				     "every AdminACL");
	crib_notes(s);
}

enum mb_status mb_reveal_run(const struct mb_reveal_item *items, size_t n,
			     const struct mb_reveal_opts *opts,
			     struct mb_reveal_report *out,
			     struct mb_error *err)
{
	static const struct mb_reveal_opts none;
	struct solver s;
	enum mb_status st;

	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	st = solver_init(&s, items, n, opts ? opts : &none, err);
	if (st == MB_OK) {
		solve(&s);
		if (mb_rv_build_report(&s, out)) {
			mb_reveal_report_free(out);
			st = mb_error_set(err, MB_EFILE, "reveal", NULL,
					  "out of memory");
		}
	}
	solver_free(&s);
	return st;
}

enum mb_status mb_reveal_report_status(const struct mb_reveal_report *r)
{
	size_t i;

	for (i = 0; i < r->nvalues; i++)
		if (r->values[i].status != MB_REVEAL_VERIFIED &&
		    r->values[i].status != MB_REVEAL_CONSISTENT)
			return MB_ESECRET;
	return MB_OK;
}

void mb_reveal_report_free(struct mb_reveal_report *r)
{
	size_t i;

	for (i = 0; r->values && i < r->nvalues; i++) {
		struct mb_reveal_value *v = &r->values[i];

		if (v->bytes)
			OPENSSL_cleanse(v->bytes, v->len);
		if (v->text)
			OPENSSL_cleanse(v->text, strlen(v->text));
		free(v->bytes);
		free(v->known);
		free(v->text);
		free(v->reason);
	}
	free(r->values);
	free(r->notes);
	memset(r, 0, sizeof(*r));
}

const char *mb_reveal_status_name(enum mb_reveal_status st)
{
	switch (st) {
	case MB_REVEAL_VERIFIED:
		return "verified";
	case MB_REVEAL_CONSISTENT:
		return "consistent";
	case MB_REVEAL_PARTIAL:
		return "partial";
	case MB_REVEAL_CONFLICT:
		return "conflict";
	case MB_REVEAL_ERROR:
		return "error";
	}
	return "?";
}

const char *mb_reveal_modsrc_name(enum mb_reveal_modsrc m)
{
	switch (m) {
	case MB_MODSRC_NONE:
		return "none";
	case MB_MODSRC_GIVEN:
		return "signing key";
	case MB_MODSRC_CACHE:
		return "cache";
	case MB_MODSRC_GCD:
		return "recovered from the file (gcd)";
	}
	return "?";
}
