/* SPDX-License-Identifier: MIT */
/*
 * What the doctor's rules read from the file (doctor_priv.h), made cheap
 * for a hosting file's hundreds of thousands of keys: every property is
 * resolved in the schema once per run, not per key; a value is decoded
 * only when a rule needs its text, not to learn that it is set; the
 * effective AuthFlags and LogonMethod come from one walk of the tree, each
 * setting decoded once; and secure values are read from the inventory
 * that the password groups already parsed, not parsed again.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "doctor_priv.h"
#include "mb/value.h"

static const char *const prop_names[MB_DR_NPROPS] = {
	"Path", "AuthFlags", "LogonMethod", "AnonymousPasswordSync",
	"IIs5IsolationModeEnabled", "AppPoolIdentityType", "WAMUserName",
	"WAMUserPass", "UNCUserName", "AnonymousUserName",
};

void mb_dr_resolve(struct mb_drun *d)
{
	const struct mb_schema *sc = d->doc->schema;
	const struct mb_idkind *kd = mb_idkinds(&d->nkinds);
	size_t i;

	for (i = 0; i < MB_DR_NPROPS; i++)
		d->p[i] = mb_schema_prop(sc, prop_names[i]);
	if (d->nkinds > MB_DR_KINDS)
		d->nkinds = MB_DR_KINDS;
	for (i = 0; i < d->nkinds; i++) {
		d->kname[i] = mb_schema_prop(sc, kd[i].name);
		d->kpass[i] = mb_schema_prop(sc, kd[i].pass);
		d->klen[2 * i] = d->kname[i] ? strlen(d->kname[i]->name) : 0;
		d->klen[2 * i + 1] = d->kpass[i] ? strlen(d->kpass[i]->name) :
				     0;
	}
}

int mb_dr_has(const struct mb_drun *d, size_t k, const struct mb_prop *p)
{
	struct mb_value v;

	return p && mb_doc_local(d->doc, k, p, &v);
}

char *mb_dr_text(const struct mb_drun *d, size_t k, const struct mb_prop *p,
		 int local)
{
	struct mb_value v;

	if (!p || !(local ? mb_doc_local(d->doc, k, p, &v) :
		    mb_doc_effective(d->doc, k, p, &v)))
		return NULL;
	return mb_doc_text(d->doc, v.raw);
}

/* A DWORD or BOOL property's text as a number; 1 when it is one. */
static int num_of(const struct mb_prop *p, const char *t, uint32_t *v)
{
	int b;

	if (p->type == MB_T_BOOL)
		return mb_value_bool(t, &b) == 0 && (*v = (uint32_t)b, 1);
	return mb_value_dword(p, t, v) == 0;
}

int mb_dr_num(const struct mb_drun *d, size_t k, const struct mb_prop *p,
	      int local, uint32_t *v)
{
	char *t = mb_dr_text(d, k, p, local);
	int ok = t && num_of(p, t, v);

	free(t);
	return ok;
}

#define SRC_NONE UINT32_MAX

/*
 * src[k] for prop p: the key whose value is in effect (one walk), kept as
 * 32 bits (offsets in the file are): the doctor holds two such arrays
 * beside everything it found until its run ends (SPEC 5: memory).
 */
static uint32_t *sources(struct mb_drun *d, const struct mb_prop *p)
{
	size_t n = d->doc->nkeys, k, *wide = malloc((n + 1) * sizeof(*wide));
	uint32_t *src = wide ? malloc((n + 1) * sizeof(*src)) : NULL;

	if (src) {
		mb_doc_effective_keys(d->doc, p, wide);
		for (k = 0; k < n; k++)
			src[k] = wide[k] == MB_NOKEY ? SRC_NONE :
				 (uint32_t)wide[k];
	} else
		d->oom = 1;
	free(wide);
	return src;
}

static size_t source_at(const uint32_t *src, size_t k)
{
	return src[k] == SRC_NONE ? MB_NOKEY : src[k];
}

/* AuthAnonymous in the AuthFlags text t (or the default when NULL). */
static int anon_bits(const struct mb_drun *d, const char *t)
{
	const struct mb_prop *af = d->anon_prop;
	uint32_t bits = 0;

	if (!t)
		t = af->default_value;
	if (!t || mb_value_dword(af, t, &bits))
		bits = 0;
	return (bits & d->anon_flag) == d->anon_flag;
}

/* The AuthFlags set at key s (MB_NOKEY: the default) has AuthAnonymous. */
static int anon_from(struct mb_drun *d, size_t s)
{
	char *t;
	int on;

	if (s == MB_NOKEY)
		return anon_bits(d, NULL);
	if (d->anon[s])
		return d->anon[s] == 2;
	t = mb_dr_text(d, s, d->anon_prop, 1);
	on = anon_bits(d, t);
	free(t);
	d->anon[s] = (unsigned char)(on ? 2 : 1);
	return on;
}

int mb_dr_anon_on(struct mb_drun *d, size_t k)
{
	const struct mb_prop *af;
	const struct mb_flag *fl;

	if (!d->anon_src) {
		fl = mb_schema_flag(d->doc->schema, "AuthAnonymous", &af);
		if (!fl || !af || !fl->value)
			return 0;
		d->anon_prop = af;
		d->anon_flag = fl->value;
		d->anon = calloc(d->doc->nkeys + 1, 1);
		d->anon_src = d->anon ? sources(d, af) : NULL;
		if (!d->anon_src) {
			d->oom = 1;
			return 0;
		}
	}
	return anon_from(d, source_at(d->anon_src, k));
}

size_t mb_dr_method_src(struct mb_drun *d, size_t k)
{
	const struct mb_prop *p = d->p[MB_DR_LOGON];

	if (!p || (!d->lm_src && !(d->lm_src = sources(d, p))))
		return MB_NOKEY;
	return source_at(d->lm_src, k);
}

uint32_t mb_dr_method(struct mb_drun *d, size_t k)
{
	const struct mb_prop *p = d->p[MB_DR_LOGON];
	size_t s = mb_dr_method_src(d, k);
	uint32_t v = 3;

	if (!p)
		return 3;
	if (d->lm_have && s == d->lm_last)
		return d->lm_val;
	/* set in the file, else the schema's default (3 if it has none) */
	if (!(s != MB_NOKEY && mb_dr_num(d, s, p, 1, &v)) &&
	    p->default_value && mb_value_dword(p, p->default_value, &v))
		v = 3;
	d->lm_have = 1;
	d->lm_last = s;
	d->lm_val = v;
	return v;
}

char *mb_dr_unc_path(const struct mb_drun *d, size_t k)
{
	const struct mb_prop *p = d->p[MB_DR_PATH];
	struct mb_value v;
	const char *raw;
	char *path;

	if (!p || !mb_doc_local(d->doc, k, p, &v))
		return NULL;
	raw = d->doc->buf + v.raw.off;
	/* most Paths are local: no decoding to see that "d:\..." is not
	 * "\\..."; an escaped one (&#92;) is decoded first */
	if (v.raw.len < 2 || (memchr(raw, '&', v.raw.len) == NULL &&
			      strncmp(raw, "\\\\", 2) != 0))
		return NULL;
	path = mb_doc_text(d->doc, v.raw);
	if (path && strncmp(path, "\\\\", 2) == 0)
		return path;
	free(path);
	return NULL;
}

size_t mb_dr_secrets_at(struct mb_drun *d, size_t k)
{
	const struct mb_secrets *s = d->groups;
	size_t i = d->sec_next;

	/* the rules walk the keys in order: from where the last key's
	 * values ended, else (a key behind it) a binary search */
	if (i > s->n || (i > 0 && s->v[i - 1].key >= k))
		i = mb_secrets_at(s, k);
	while (i < s->n && s->v[i].key < k)
		i++;
	d->sec_next = i;
	return i;
}

const struct mb_secret *mb_dr_secret(struct mb_drun *d, size_t k,
				     const char *prop)
{
	const struct mb_secrets *s = d->groups;
	size_t i;

	for (i = mb_dr_secrets_at(d, k); i < s->n && s->v[i].key == k; i++)
		if (strcasecmp(s->v[i].prop, prop) == 0)
			return &s->v[i];
	return NULL;
}
