/* SPDX-License-Identifier: MIT */
/* Reveal: the report, one result per input: bytes, status, reason, text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "reveal_priv.h"

static void hex_text(const unsigned char *p, const unsigned char *k, size_t n,
		     struct mb_buf *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (k[i])
			mb_blob_hex_encode(out, p + i, 1, 0);
		else
			mb_buf_puts(out, "??");
	}
}

static void value_text(struct mb_reveal_value *r, const struct dv *d)
{
	struct mb_buf t;
	size_t i, units = 0;

	mb_buf_init(&t);
	if (d->kind == VK_STRING && r->len >= 2) {
		mb_blob_utf16_to_utf8(r->bytes, r->len - 2, r->known, &t);
		for (i = 0; i + 3 < r->len; i += 2)
			units += r->known[i] && r->known[i + 1];
		r->units_known = units;
		r->units_total = (r->len - 2) / 2;
	} else {
		for (i = 0; i < r->len; i++)
			units += r->known[i];
		r->units_known = units;
		r->units_total = r->len;
		if (units < r->len || d->kind != VK_SD ||
		    mb_sd_sddl(r->bytes, r->len, &t)) {
			mb_buf_reset(&t);
			hex_text(r->bytes, r->known, r->len, &t);
		}
	}
	/* Its own size: a buffer's 64 bytes or more for each of a hosting
	 * file's tens of thousands of passwords were most of their texts. */
	r->text = malloc(t.len + 1);
	if (r->text)
		memcpy(r->text, t.data ? t.data : "", t.len + 1);
	mb_buf_wipe(&t);
}

/* Bytes of d as finally known: verified, or from the chosen level. */
static void fill_bytes(struct solver *s, const struct dv *d,
		       struct mb_reveal_value *r)
{
	size_t j;
	int k;

	if (d->kind == VK_CLEAR) {
		memcpy(r->bytes, d->c, d->n);
		memset(r->known, 1, d->n);
		return;
	}
	for (j = 4; j < d->n; j++) {
		if (d->verified)
			k = d->c[j] ^ d->pt[j];
		else
			k = s->hset[j] ? s->hk[j] : bs_single(&s->cand[j]);
		r->known[j - 4] = k >= 0;
		if (k >= 0)
			r->bytes[j - 4] = d->c[j] ^ (unsigned char)k;
	}
}

static int all_known(const struct mb_reveal_value *r)
{
	size_t i;

	for (i = 0; i < r->len; i++)
		if (!r->known[i])
			return 0;
	return 1;
}

/* Out of memory leaves the value without its reason, nothing worse
 * (and a reason that could not be kept is an empty one). */
static void set_reason(struct mb_reveal_value *r, const char *why)
{
	free(r->reason);
	r->reason = strdup(why ? why : "");
}

/* Only certain bytes stay known: hypotheses are not shown as facts. */
static void keep_certain(struct solver *s, const struct dv *d,
			 struct mb_reveal_value *r)
{
	size_t j;

	for (j = 4; j < d->n; j++)
		if (!s->hset[j])
			r->known[j - 4] = 0;
}

/* Complete values the signatures reject lose their soft bytes. */
static void demote_rejected(struct solver *s, const struct dv *d,
			    struct mb_reveal_value *r, const char *by)
{
	char why[320];

	keep_certain(s, d, r);
	r->status = all_known(r) ? MB_REVEAL_CONFLICT : MB_REVEAL_PARTIAL;
	snprintf(why, sizeof(why), all_known(r)
		 ? "the certain facts give a value that %s rejects"
		 : "the cribs give a value that %s rejects: the unproven "
		   "bytes are shown as unknown", by);
	set_reason(r, why);
}

/* Is the complete value r of d one a failed gcd refuted? */
static int refuted_value(struct solver *s, const struct dv *d,
			 const struct mb_reveal_value *r)
{
	unsigned char *pt;
	int bad;

	if (!d->nrefuted || !(pt = calloc(1, d->n)))
		return 0;
	memcpy(pt + 4, r->bytes, d->n - 4);
	bad = mb_rv_is_refuted(s, d, pt);
	OPENSSL_cleanse(pt, d->n);
	free(pt);
	return bad;
}

/* A value that is complete but unproven: say which hypotheses gave it. */
static void unverified(struct solver *s, const struct dv *d,
		       struct mb_reveal_value *r)
{
	r->status = MB_REVEAL_CONSISTENT;
	if (s->mk)
		set_reason(r, "decrypted with the machine key; no signing key "
			   "to verify the signature");
	else
		set_reason(r, d->from_default
			   ? "unverified: the documented default, consistent "
			     "with every other crib; no signing key to "
			     "verify it"
			   : "unverified: consistent with every crib; no "
			     "signing key to verify the signature");
}

/*
 * The first run of unknown bytes that every layout found leaves to a SID
 * of the machine's own (S-1-5-21-a-b-c-RID): [*a, *b) in value bytes.
 */
static int machine_run(const struct dv *d, const struct mb_reveal_value *r,
		       size_t *a, size_t *b)
{
	size_t i, li;

	for (i = 0, *a = *b = 0; d->kind == VK_SD && d->nlay && i < r->len;
	     i++) {
		int sid = !r->known[i];

		for (li = 0; sid && li < d->nlay; li++)
			sid = d->lay[li].fm[i].kind == FM_SIDFREE;
		if (sid && *b == i && *b > *a)
			*b = i + 1;
		else if (sid && *b == *a)
			*a = i, *b = i + 1;
		else if (*b > *a)
			break;
	}
	return *b > *a;
}

/*
 * A partial value's reason; for a descriptor, the bytes only the
 * machine's own SID could supply, when those are what stop it.
 */
static void partial_reason(struct solver *s, const struct dv *d,
			   struct mb_reveal_value *r)
{
	char why[400];
	size_t a, b;

	if (!d->md5_ok) {
		set_reason(r, "keystream not known for every byte");
		return;
	}
	if (!machine_run(d, r, &a, &b)) {
		set_reason(r, "keystream not known for every byte, and the "
			   "signature search did not complete it");
		return;
	}
	snprintf(why, sizeof(why), "bytes %zu-%zu belong to a SID of the "
		 "machine's own (S-1-5-21-...), which no other value of the file "
		 "supplies; without them the signature cannot prove the "
		 "other unknown bytes. %s", a, b - 1, s->o->nmachine_sids
		 ? "None of the SIDs of the SAM given completes the value "
		   "(is it this server's?)"
		 : "This server's SAM holds them: give its hives "
		   "(--hives DIR)");
	set_reason(r, why);
}

static void status_of(struct solver *s, const struct dv *d,
		      struct mb_reveal_value *r)
{
	r->method = d->kind == VK_CLEAR ? "cleartext"
		    : d->verified      ? d->method
		    : s->mk            ? "machine key"
				       : "cribs";
	if (d->kind == VK_CLEAR) {
		r->status = MB_REVEAL_CONSISTENT;
		set_reason(r, "stored in clear (IcCb blob), not signed");
	} else if (d->verified) {
		r->status = MB_REVEAL_VERIFIED;
	} else if (d->sig_bad) {
		keep_certain(s, d, r);
		r->status = all_known(r) ? MB_REVEAL_CONFLICT
					 : MB_REVEAL_PARTIAL;
		set_reason(r, "its signature does not decode under the file's "
			   "signing key: the value is damaged or was copied "
			   "from another server");
	} else if (!all_known(r)) {
		keep_certain(s, d, r);
		r->status = MB_REVEAL_PARTIAL;
		partial_reason(s, d, r);
	} else if (d->md5_ok) {
		demote_rejected(s, d, r, "its signature");
	} else if (!s->mk && refuted_value(s, d, r)) {
		demote_rejected(s, d, r, "the signatures (a failed gcd)");
	} else {
		unverified(s, d, r);
	}
	/* Proven: what IIS itself would decrypt, not a hypothesis. */
	r->proven = r->status == MB_REVEAL_VERIFIED ||
		    (r->status == MB_REVEAL_CONSISTENT && s->mk);
	if (d->md5_ok) {
		r->has_md5 = 1;
		memcpy(r->md5, d->md5, 16);
	}
}

/* text_only: the bytes went into the text, which is all that is kept. */
static void drop_bytes(struct mb_reveal_value *r)
{
	OPENSSL_cleanse(r->bytes, r->len);
	free(r->bytes);
	free(r->known);
	r->bytes = NULL;
	r->known = NULL;
}

static int result_for(struct solver *s, size_t item,
		      struct mb_reveal_value *r)
{
	const struct mb_reveal_item *it = &s->items[item];
	size_t di = s->map[item];
	const struct dv *d;

	r->label = it->label;
	r->prop = it->prop;
	r->type = it->type != MB_T_UNKNOWN ? it->type
					   : mb_reveal_prop_type(it->prop);
	r->group = di == NOVAL ? (size_t)-1 : di;
	if (di == NOVAL || s->v[di].excluded) {
		r->status = MB_REVEAL_ERROR;
		r->method = "none";
		set_reason(r, di == NOVAL ? s->item_why[item] : s->v[di].why);
		r->text = calloc(1, 1);
		return r->text ? 0 : -1;
	}
	d = &s->v[di];
	r->len = d->kind == VK_CLEAR ? d->n : d->n - 4;
	r->bytes = calloc(1, r->len + 1);
	r->known = calloc(1, r->len + 1);
	if (!r->bytes || !r->known)
		return -1;
	fill_bytes(s, d, r);
	status_of(s, d, r);
	if (it->known && d->known_bad) {
		keep_certain(s, d, r);
		r->status = MB_REVEAL_CONFLICT;
		/* the other cribs may still prove the stored value: shown */
		r->proven = d->verified;
		set_reason(r, d->known_why);
	}
	value_text(r, d);
	if (s->o->text_only)
		drop_bytes(r);
	return r->text ? 0 : -1;
}

static void keystream_stats(struct solver *s, struct mb_reveal_report *rep)
{
	size_t j;
	int gap = 0;

	rep->ks_len = s->L;
	for (j = 0; j < s->L; j++) {
		int k = s->hset[j] || bs_single(&s->cand[j]) >= 0;

		rep->ks_known += (size_t)k;
		gap |= !k;
		if (!gap)
			rep->ks_prefix = j + 1;
	}
}

int mb_rv_build_report(struct solver *s, struct mb_reveal_report *rep)
{
	size_t i;

	rep->values = calloc(s->nitems + 1, sizeof(*rep->values));
	if (!rep->values)
		return -1;
	rep->nvalues = s->nitems;
	for (i = 0; i < s->nitems; i++)
		if (result_for(s, i, &rep->values[i]))
			return -1;
	keystream_stats(s, rep);
	rep->modsrc = s->modsrc;
	if (s->have_mod)
		rep->modulus = s->mod;
	rep->gcd_seconds = s->gcd_seconds;
	rep->session_verified = s->session_verified;
	rep->password_protected = s->password_protected;
	rep->machine_key = s->mk != NULL;
	rep->notes = mb_buf_detach(&s->notes, NULL);
	return rep->notes ? 0 : -1;
}
