/* SPDX-License-Identifier: MIT */
/*
 * The secure values of a file and their password groups (mb/secrets.h):
 * gathered in key order, so the values of one key are found by a binary
 * search, and numbered by hash, so a hosting file's tens of thousands of
 * values cost one pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mb/hidx.h"
#include "mb/path.h"
#include "mb/secrets.h"

/* One value; form: 1 for a <Custom> element, else 0 (an attribute). */
static int add_secret(struct mb_secrets *s, const struct mb_doc *doc,
		      size_t key, const struct mb_prop *p, struct mb_span raw,
		      int custom)
{
	struct mb_secret *n, *e;
	char *text;
	size_t len;
	struct mb_error err;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;

		n = realloc(s->v, cap * sizeof(*n));
		if (!n)
			return -1;
		s->v = n;
		s->cap = cap;
	}
	e = &s->v[s->n];
	memset(e, 0, sizeof(*e));
	e->key = key;
	e->label = mb_path_display(doc->keys[key].location);
	e->prop = p->name;
	e->type = mb_reveal_prop_type(p->name);
	e->custom = custom;
	e->secure = (p->attrs & MB_ATTR_SECURE) != 0;
	/* Parsed where it lies unless it holds a reference or a CR (a
	 * copy per value was a tenth of gathering them). */
	if (memchr(doc->buf + raw.off, '&', raw.len) ||
	    memchr(doc->buf + raw.off, '\r', raw.len)) {
		text = mb_doc_text(doc, raw);
		if (!text)
			return -1;
		len = strlen(text);
	} else {
		text = NULL;
		len = raw.len;
	}
	err.reason[0] = '\0';
	e->parsed = mb_blob_parse(text ? text : doc->buf + raw.off, len,
				  &e->blob, &err) == MB_OK;
	if (!e->parsed ||
	    (e->blob.kind != MB_BLOB_SESSION && mb_blob_usable(&e->blob, &err)))
		e->error = strdup(err.reason[0] ? err.reason : "damaged value");
	else
		e->ok = 1;
	free(text);
	s->n++;
	return e->ok || e->error ? 0 : -1;
}

static int gather_key(struct mb_secrets *s, const struct mb_doc *doc,
		      size_t k)
{
	const struct mb_key *key = &doc->keys[k];
	const struct mb_prop *p;
	const struct mb_attr *v;
	unsigned i;

	for (i = 0; i < key->nattrs; i++) {
		p = mb_doc_attr_prop(doc, &key->attrs[i]);
		if (p && ((p->attrs & MB_ATTR_SECURE) ||
			  strcmp(p->name, "SessionKey") == 0) &&
		    add_secret(s, doc, k, p, key->attrs[i].value, 0))
			return -1;
	}
	for (i = 0; i < key->ncustoms; i++) {
		const struct mb_custom *c = &mb_key_customs(doc, key)[i];

		p = c->has_id ? mb_schema_prop_by_id(doc->schema, c->id) : NULL;
		v = mb_custom_attr(doc, c, "Value");
		if (p && v && (p->attrs & MB_ATTR_SECURE) &&
		    add_secret(s, doc, k, p, v->value, 1))
			return -1;
	}
	return 0;
}

int mb_secrets_gather(const struct mb_doc *doc, struct mb_secrets *s,
		      struct mb_error *err)
{
	size_t k;

	memset(s, 0, sizeof(*s));
	for (k = 0; k < doc->nkeys; k++)
		if (gather_key(s, doc, k)) {
			mb_secrets_free(s);
			return mb_error_set(err, MB_EFILE, "secrets", doc->path,
					    "out of memory");
		}
	return MB_OK;
}

size_t mb_secrets_at(const struct mb_secrets *s, size_t key)
{
	size_t lo = 0, hi = s->n, mid;

	/* Gathered in key order: a lower bound, not a scan of them all. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->v[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct mb_blob *mb_secrets_session(const struct mb_secrets *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].ok && s->v[i].blob.kind == MB_BLOB_SESSION)
			return &s->v[i].blob;
	return NULL;
}

void mb_secrets_free(struct mb_secrets *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		mb_blob_free(&s->v[i].blob);
		free(s->v[i].error);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

int mb_secrets_items(const struct mb_secrets *s,
		     struct mb_reveal_item **items, size_t **of, size_t *n)
{
	size_t i;

	*n = 0;
	*items = calloc(s->n + 1, sizeof(**items));
	*of = calloc(s->n + 1, sizeof(**of));
	if (!*items || !*of)
		return -1;
	for (i = 0; i < s->n; i++) {
		const struct mb_secret *e = &s->v[i];
		struct mb_reveal_item *it = &(*items)[*n];

		if (!e->ok || e->blob.kind == MB_BLOB_SESSION)
			continue;
		it->label = e->label;
		it->prop = e->prop;
		it->type = MB_T_UNKNOWN;
		it->blob = &e->blob;
		(*of)[i] = ++*n;
	}
	return 0;
}

struct same_ctx {
	const struct mb_secrets *s;
	const struct mb_secret *e;
};

static int same_value(size_t item, const void *ctx)
{
	const struct same_ctx *c = ctx;
	const struct mb_secret *o = &c->s->v[item];

	return o->type == c->e->type && mb_blob_equal(&o->blob, &c->e->blob);
}

/*
 * Password groups: G1, G2, ... one per distinct encrypted value, in file
 * order, one sequence for the whole file (mb/secrets.h). Earlier values are
 * found by hash, not compared one by one. -1: out of memory.
 */
int mb_secrets_number(struct mb_secrets *s)
{
	struct mb_hidx ix;
	struct same_ctx c = { s, NULL };
	size_t i, j, next = 0;
	uint64_t h;
	int st = 0;

	mb_hidx_init(&ix);
	for (i = 0; !st && i < s->n; i++) {
		c.e = &s->v[i];
		if (!c.e->ok || c.e->blob.kind == MB_BLOB_SESSION)
			continue;
		h = mb_blob_hash(&c.e->blob) ^ (uint64_t)c.e->type;
		j = mb_hidx_find(&ix, h, same_value, &c);
		if (j != MB_HIDX_NONE) {
			s->v[i].group = s->v[j].group;
			continue;
		}
		s->v[i].group = ++next;
		st = mb_hidx_add(&ix, h, i);
	}
	mb_hidx_free(&ix);
	return st;
}

void mb_secrets_group_name(long g, char *out, size_t n)
{
	if (g > 0)
		snprintf(out, n, "G%ld", g);
	else
		snprintf(out, n, "-");
}

int mb_secrets_groups(struct mb_secrets *s, const struct mb_doc *doc)
{
	if (mb_secrets_gather(doc, s, NULL))
		return -1;
	return mb_secrets_number(s);
}

long mb_secrets_group_of(const struct mb_secrets *s, const struct mb_doc *doc,
			 size_t key, const char *prop)
{
	size_t i;

	/* the value in effect: the key's own, or the nearest ancestor's */
	for (; key != MB_NOKEY; key = mb_key_parent(&doc->keys[key]))
		for (i = mb_secrets_at(s, key); i < s->n && s->v[i].key == key;
		     i++)
			if (strcasecmp(s->v[i].prop, prop) == 0)
				return s->v[i].group ? (long)s->v[i].group :
				       -1;
	return -1;
}
