/* SPDX-License-Identifier: MIT */
/*
 * The account model (mb/accounts.h): setters found in one pass, accounts
 * looked up by a hashed name, usage counted from each key's effective
 * setter, so the whole collection is linear in the number of keys.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mb/accounts.h"
#include "mb/blob.h"
#include "mb/edit.h"
#include "mb/hidx.h"
#include "mb/secrets.h"
#include "mb/value.h"

static const struct mb_idkind kinds[] = {
	{ "anonymous", "AnonymousUserName", "AnonymousUserPass" },
	{ "wam", "WAMUserName", "WAMUserPass" },
	{ "unc", "UNCUserName", "UNCPassword" },
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))
/* acct_of[] for a setter not yet looked up. */
#define UNSEEN (MB_HIDX_NONE - 1)

const struct mb_idkind *mb_idkinds(size_t *n)
{
	*n = NKINDS;
	return kinds;
}

const struct mb_idkind *mb_idkind_of(const struct mb_acct *a)
{
	size_t i;

	for (i = 0; i < NKINDS; i++)
		if (strcmp(kinds[i].kind, a->kind) == 0)
			return &kinds[i];
	return &kinds[0];
}

char *mb_acct_value(const struct mb_doc *doc, size_t key, const char *name,
		    int local)
{
	const struct mb_prop *p = mb_schema_prop(doc->schema, name);
	struct mb_value v;

	if (!p)
		return NULL;
	if (local ? !mb_doc_local(doc, key, p, &v) :
	    !mb_doc_effective(doc, key, p, &v))
		return NULL;
	return mb_doc_text(doc, v.raw);
}

/* AuthFlags and its AuthAnonymous bit, looked up once per collection. */
struct anon_q {
	const struct mb_prop *af;
	const struct mb_flag *fl;
};

static void anon_lookup(const struct mb_doc *doc, struct anon_q *q)
{
	q->fl = mb_schema_flag(doc->schema, "AuthAnonymous", &q->af);
}

static int anon_on(const struct mb_doc *doc, const struct anon_q *q,
		   size_t key)
{
	struct mb_value v;
	char *text = NULL;
	const char *t;
	uint32_t bits = 0;

	if (!q->fl || !q->af || !q->fl->value)
		return 0;
	if (mb_doc_effective(doc, key, q->af, &v))
		t = text = mb_doc_text(doc, v.raw);
	else
		t = q->af->default_value;
	if (!t)
		return 0;
	if (mb_value_dword(q->af, t, &bits))
		bits = 0;
	free(text);
	return (bits & q->fl->value) == q->fl->value;
}

/*
 * Asked for every key of a large file, so the flag is looked up directly
 * (not through mb_query_resolve, which first misses in the property table)
 * and the DWORD is read without building a query result; the answer is
 * mb_query_get's for "AuthAnonymous": the effective AuthFlags, else the
 * schema default, has the flag's bits.
 */
int mb_acct_anon_on(const struct mb_doc *doc, size_t key)
{
	struct anon_q q;

	anon_lookup(doc, &q);
	return anon_on(doc, &q, key);
}

/* One kind's collection in progress. */
struct coll {
	const struct mb_doc *doc;
	const struct mb_idkind *kd;
	const struct mb_prop *name_prop; /* kd->name in the schema */
	const struct mb_secrets *known; /* parsed values, or NULL */
	const char *svc;
	struct mb_accts *out;
	size_t first;          /* this kind's first account in out */
	size_t *src;           /* per key: the key its name comes from */
	size_t *acct_of;       /* per setter key: its account, or NONE */
	struct mb_hidx ix;     /* this kind's accounts by folded name */
};

static int in_scope(const struct coll *c, size_t k)
{
	const char *loc = c->doc->keys[k].location;

	if (c->svc)
		return mb_edit_loc_under(loc, c->svc);
	return mb_edit_loc_under(loc, "/LM/W3SVC") ||
	       mb_edit_loc_under(loc, "/LM/MSFTPSVC");
}

static int same_name(size_t item, const void *ctx)
{
	const struct coll *c = *(const struct coll *const *)ctx;
	const char *name = ((const char *const *)ctx)[1];

	return strcasecmp(c->out->v[c->first + item].name, name) == 0;
}

/* Room for one more account: by doubling, not one at a time (a hosting
 * file has one per site, and each move left the old array behind as a
 * hole the next small blocks only partly fill). */
static int grow_accts(struct mb_accts *a)
{
	size_t cap = a->cap ? a->cap * 2 : 16;
	struct mb_acct *v;

	if (a->n < a->cap)
		return 0;
	v = realloc(a->v, cap * sizeof(*v));
	if (!v)
		return -1;
	a->v = v;
	a->cap = cap;
	return 0;
}

/* The account of this kind named name, or NONE (or added when add). */
static size_t lookup(struct coll *c, const char *name, int add)
{
	const void *ctx[2] = { c, name };
	uint64_t h = mb_hidx_fold(MB_HIDX_SEED, name, strlen(name));
	size_t i = mb_hidx_find(&c->ix, h, same_name, ctx);
	struct mb_acct *v;

	if (i != MB_HIDX_NONE || !add)
		return i == MB_HIDX_NONE ? i : c->first + i;
	if (grow_accts(c->out))
		return UNSEEN;
	v = &c->out->v[c->out->n];
	memset(v, 0, sizeof(*v));
	v->kind = c->kd->kind;
	if (!(v->name = strdup(name)) ||
	    mb_hidx_add(&c->ix, h, c->out->n - c->first)) {
		free(v->name);
		return UNSEEN;
	}
	return c->out->n++;
}

/*
 * The keys and their groups in one block (a hosting file has an account
 * per site): group follows the keys, and is filled only once they are
 * all in (finish_acct), so a move need not carry it.
 */
static int add_setter(struct mb_acct *a, size_t key)
{
	size_t n = a->nkeys + 1;
	size_t *k = realloc(a->keys, n * (sizeof(*k) + sizeof(*a->group)));

	if (!k)
		return -1;
	a->keys = k;
	a->group = (int *)(void *)(k + n);
	a->keys[a->nkeys++] = key;
	return 0;
}

/* The account named at setter key s (memoised in acct_of), or NONE. */
static size_t acct_at(struct coll *c, size_t s, int add)
{
	struct mb_value v;
	char *name;

	if (c->acct_of[s] != UNSEEN)
		return c->acct_of[s];
	if (!mb_doc_local(c->doc, s, c->name_prop, &v) ||
	    !(name = mb_doc_text(c->doc, v.raw)))
		return UNSEEN;
	c->acct_of[s] = *name ? lookup(c, name, add) : MB_HIDX_NONE;
	free(name);
	return c->acct_of[s];
}

static int collect_setters(struct coll *c)
{
	size_t k, a;

	for (k = 0; k < c->doc->nkeys; k++) {
		if (c->src[k] != k || !in_scope(c, k))
			continue;
		a = acct_at(c, k, 1);
		if (a == UNSEEN)
			return -1;
		if (a != MB_HIDX_NONE && add_setter(&c->out->v[a], k))
			return -1;
	}
	return 0;
}

/*
 * Whether key answers requests (a site, virtual directory, directory or
 * file of the web or FTP service): an anonymous account in effect at an
 * AppPools, Filters or IIsCertMapper key logs nobody on there.
 */
static int serves(const struct mb_doc *doc, size_t key)
{
	static const char *const types[] = {
		"IIsWebServer", "IIsWebVirtualDir", "IIsWebDirectory",
		"IIsWebFile", "IIsFtpServer", "IIsFtpVirtualDir",
	};
	struct mb_span el = mb_key_elem(&doc->keys[key]);
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (mb_span_eq(doc, el, types[i]))
			return 1;
	return 0;
}

static int count_users(struct coll *c)
{
	size_t k, a;
	int anon = strcmp(c->kd->kind, "anonymous") == 0;

	for (k = 0; k < c->doc->nkeys; k++) {
		if (c->src[k] == MB_NOKEY || !in_scope(c, k) ||
		    (anon && !serves(c->doc, k)))
			continue;
		a = acct_at(c, c->src[k], 0);
		if (a == UNSEEN)
			return -1;
		if (a != MB_HIDX_NONE)
			c->out->v[a].used++;
	}
	return 0;
}

/*
 * One account's password groups in the making: the distinct blobs met so
 * far, either the secrets' own (already parsed) or parsed here (owned).
 */
struct groups {
	const struct mb_secrets *known;
	const struct mb_blob *rep[26];
	struct mb_blob own[26];
	int nown;
};

/*
 * The value v as the gathered secrets hold it, or NULL. Attributes only:
 * a key cannot repeat one, while the <Custom> the lookup found may be one
 * the secrets skipped (no Value).
 */
static const struct mb_secret *known_at(const struct mb_secrets *s,
					const struct mb_value *v,
					const struct mb_prop *pass)
{
	size_t i;

	if (!s || !v->attr)
		return NULL;
	for (i = mb_secrets_at(s, v->key); i < s->n && s->v[i].key == v->key;
	     i++)
		if (!s->v[i].custom && s->v[i].prop == pass->name)
			return &s->v[i];
	return NULL;
}

/* The blob of v, parsed here into an own slot; NULL when it does not
 * parse or no slot is left. */
static const struct mb_blob *parse_own(const struct mb_doc *doc,
				       const struct mb_value *v,
				       struct groups *g)
{
	char *text = mb_doc_text(doc, v->raw);
	int bad;

	if (!text || g->nown >= 26) {
		free(text);
		return NULL;
	}
	bad = mb_blob_parse(text, strlen(text), &g->own[g->nown], NULL) != 0;
	free(text);
	return bad ? NULL : &g->own[g->nown++];
}

/* The password group of the blob effective at key (-1: none). */
static int group_of(const struct mb_doc *doc, size_t key,
		    const struct mb_prop *pass, struct groups *g, int *nreps)
{
	const struct mb_secret *e;
	const struct mb_blob *b;
	struct mb_value v;
	int i;

	if (!pass || !mb_doc_effective(doc, key, pass, &v))
		return -1;
	/* The secrets parsed every secure value already: not again. */
	if ((e = known_at(g->known, &v, pass)) != NULL)
		b = e->parsed ? &e->blob : NULL;
	else
		b = parse_own(doc, &v, g);
	if (!b)
		return -1;
	for (i = 0; i < *nreps; i++)
		if (mb_blob_equal(g->rep[i], b))
			return i;
	if (*nreps >= 26)
		return -1;
	g->rep[(*nreps)++] = b;
	return i;
}

static void finish_acct(const struct mb_doc *doc, const struct mb_prop *pass,
			const struct anon_q *q, const struct mb_secrets *known,
			struct mb_acct *a)
{
	struct groups g;
	size_t i;

	g.known = known;
	g.nown = 0;
	a->ngroups = 0;
	for (i = 0; i < a->nkeys; i++) {
		a->group[i] = group_of(doc, a->keys[i], pass, &g,
				       &a->ngroups);
		a->anon_on += anon_on(doc, q, a->keys[i]);
	}
	for (i = 0; i < (size_t)g.nown; i++)
		mb_blob_free(&g.own[i]);
}

static int collect_kind(struct coll *c)
{
	const struct mb_prop *p = mb_schema_prop(c->doc->schema, c->kd->name);
	const struct mb_prop *pass = mb_schema_prop(c->doc->schema,
						    c->kd->pass);
	struct anon_q q;
	size_t k;
	int st;

	if (!p)
		return 0;
	c->name_prop = p;
	mb_doc_effective_keys(c->doc, p, c->src);
	for (k = 0; k < c->doc->nkeys; k++)
		c->acct_of[k] = UNSEEN;
	mb_hidx_init(&c->ix);
	c->first = c->out->n;
	st = collect_setters(c) || count_users(c) ? -1 : 0;
	mb_hidx_free(&c->ix);
	anon_lookup(c->doc, &q);
	for (k = c->first; !st && k < c->out->n; k++)
		finish_acct(c->doc, pass, &q, c->known, &c->out->v[k]);
	return st;
}

int mb_accts_collect(const struct mb_doc *doc, const char *svc, int all_ids,
		     struct mb_accts *out)
{
	return mb_accts_collect_known(doc, svc, all_ids, NULL, out);
}

int mb_accts_collect_known(const struct mb_doc *doc, const char *svc,
			   int all_ids, const struct mb_secrets *known,
			   struct mb_accts *out)
{
	struct coll c = { .doc = doc, .svc = svc, .out = out, .known = known };
	size_t i, n = doc->nkeys ? doc->nkeys : 1;
	int st = 0;

	memset(out, 0, sizeof(*out));
	c.src = malloc(n * sizeof(*c.src));
	c.acct_of = malloc(n * sizeof(*c.acct_of));
	if (!c.src || !c.acct_of)
		st = -1;
	for (i = 0; !st && i < (all_ids ? NKINDS : 1u); i++) {
		c.kd = &kinds[i];
		st = collect_kind(&c);
	}
	free(c.src);
	free(c.acct_of);
	return st;
}

void mb_accts_free(struct mb_accts *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		free(a->v[i].name);
		free(a->v[i].keys); /* and group, in the same block */
	}
	free(a->v);
	memset(a, 0, sizeof(*a));
}
