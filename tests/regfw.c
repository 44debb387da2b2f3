// SPDX-License-Identifier: MIT
/*
 * The regf writer of tests/regfw.h. Layout after libyal's "Windows NT
 * Registry File (REGF) format" (reference/windows-hives.md 3.1): a
 * 4096-byte base block whose XOR checksum covers its first 508 bytes,
 * then hbins holding cells whose size is negative when in use and whose
 * offsets count from the first hbin.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "regfw.h"

#define NONE 0xffffffffu
#define HBIN 4096u
#define FT_FIXED 0x01d9000000000000ull /* a 2023 time: stable bytes */

struct regfw_val {
	char *name;
	uint32_t type;
	unsigned char *data;
	size_t len;
};

struct regfw_key {
	char *name, *cls;
	struct regfw_key **sub;
	size_t nsub;
	struct regfw_val *vals;
	size_t nvals;
};

struct regfw_key *regfw_new(void)
{
	struct regfw_key *k = calloc(1, sizeof(*k));

	if (k && !(k->name = strdup("ROOT"))) {
		free(k);
		return NULL;
	}
	return k;
}

void regfw_free(struct regfw_key *k)
{
	size_t i;

	if (!k)
		return;
	for (i = 0; i < k->nsub; i++)
		regfw_free(k->sub[i]);
	for (i = 0; i < k->nvals; i++) {
		free(k->vals[i].name);
		free(k->vals[i].data);
	}
	free(k->sub);
	free(k->vals);
	free(k->name);
	free(k->cls);
	free(k);
}

static struct regfw_key *child(struct regfw_key *k, const char *name,
			       size_t n)
{
	struct regfw_key **nv, *c;
	size_t i;

	for (i = 0; i < k->nsub; i++)
		if (strlen(k->sub[i]->name) == n &&
		    strncasecmp(k->sub[i]->name, name, n) == 0)
			return k->sub[i];
	nv = realloc(k->sub, (k->nsub + 1) * sizeof(*nv));
	if (!nv)
		return NULL;
	k->sub = nv;
	if (!(c = calloc(1, sizeof(*c))) || !(c->name = strndup(name, n))) {
		free(c);
		return NULL;
	}
	k->sub[k->nsub++] = c;
	return c;
}

struct regfw_key *regfw_key(struct regfw_key *root, const char *path)
{
	struct regfw_key *k = root;

	while (k && *path) {
		size_t n = strcspn(path, "\\");

		k = child(k, path, n);
		path += n + (path[n] == '\\');
	}
	return k;
}

int regfw_class(struct regfw_key *k, const char *cls)
{
	free(k->cls);
	k->cls = strdup(cls);
	return k->cls ? 0 : -1;
}

int regfw_value(struct regfw_key *k, const char *name, uint32_t type,
		const void *data, size_t len)
{
	struct regfw_val *nv, *v;
	size_t i;

	name = name ? name : "";
	for (i = 0; i < k->nvals; i++) /* a value set again: replaced */
		if (strcasecmp(k->vals[i].name, name) == 0) {
			free(k->vals[i].name);
			free(k->vals[i].data);
			k->vals[i] = k->vals[--k->nvals];
			break; /* names stay unique */
		}
	if (!(nv = realloc(k->vals, (k->nvals + 1) * sizeof(*nv))))
		return -1;
	k->vals = nv;
	v = &nv[k->nvals];
	v->name = strdup(name);
	v->type = type;
	v->len = len;
	v->data = malloc(len ? len : 1);
	if (!v->name || !v->data) {
		free(v->name);
		free(v->data);
		return -1;
	}
	memcpy(v->data, data, len);
	k->nvals++;
	return 0;
}

int regfw_dword(struct regfw_key *k, const char *name, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)v, (unsigned char)(v >> 8),
			       (unsigned char)(v >> 16),
			       (unsigned char)(v >> 24) };

	return regfw_value(k, name, REGFW_DWORD, b, 4);
}

int regfw_sz(struct regfw_key *k, const char *name, const char *s)
{
	size_t n = strlen(s) + 1, i;
	unsigned char *w = calloc(n, 2);
	int r;

	if (!w)
		return -1;
	for (i = 0; i < n; i++)
		w[2 * i] = (unsigned char)s[i];
	r = regfw_value(k, name, REGFW_SZ, w, 2 * n);
	free(w);
	return r;
}

/* ---- serialising ---------------------------------------------------------- */

struct out {
	unsigned char *p; /* from the first hbin's header */
	size_t len, cap;
	int failed;
};

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

/* A used cell of n data bytes (zeroed); its offset, or NONE. */
static uint32_t cell(struct out *o, size_t n)
{
	size_t size = (n + 4 + 7) & ~(size_t)7, off = o->len;

	if (o->failed)
		return NONE;
	if (off + size > o->cap) {
		size_t cap = (off + size) * 2;
		unsigned char *p = realloc(o->p, cap);

		if (!p) {
			o->failed = 1;
			return NONE;
		}
		o->p = p;
		o->cap = cap;
	}
	memset(o->p + off, 0, size);
	regfw_put32(o->p + off, (uint32_t)-(int32_t)size);
	o->len += size;
	return (uint32_t)off;
}

/* The data of the cell at off (valid until the next cell()). */
static unsigned char *at(struct out *o, uint32_t off)
{
	static unsigned char sink[256];

	return o->failed || off == NONE ? sink : o->p + off + 4;
}

static uint32_t data_cell(struct out *o, const void *d, size_t n)
{
	uint32_t off = cell(o, n);

	memcpy(at(o, off), d, n);
	return off;
}

static uint32_t write_vk(struct out *o, const struct regfw_val *v)
{
	size_t nl = strlen(v->name);
	uint32_t data = NONE, off;
	unsigned char *p;

	if (v->len > 4)
		data = data_cell(o, v->data, v->len);
	off = cell(o, 0x14 + nl);
	p = at(o, off);
	memcpy(p, "vk", 2);
	put16(p + 2, (unsigned)nl);
	if (v->len > 4) {
		regfw_put32(p + 4, (uint32_t)v->len);
		regfw_put32(p + 8, data);
	} else {
		regfw_put32(p + 4, (uint32_t)v->len | 0x80000000u);
		memcpy(p + 8, v->data, v->len);
	}
	regfw_put32(p + 12, v->type);
	put16(p + 16, nl ? 1 : 0); /* ASCII name */
	memcpy(p + 0x14, v->name, nl);
	return off;
}

static uint32_t write_values(struct out *o, const struct regfw_key *k)
{
	uint32_t *offs, list;
	size_t i;

	if (!k->nvals)
		return NONE;
	if (!(offs = malloc(k->nvals * sizeof(*offs)))) {
		o->failed = 1;
		return NONE;
	}
	for (i = 0; i < k->nvals; i++)
		offs[i] = write_vk(o, &k->vals[i]);
	list = cell(o, 4 * k->nvals);
	for (i = 0; i < k->nvals; i++)
		regfw_put32(at(o, list) + 4 * i, offs[i]);
	free(offs);
	return list;
}

static uint32_t write_class(struct out *o, const char *cls)
{
	size_t n = strlen(cls), i;
	uint32_t off = cell(o, 2 * n);

	for (i = 0; i < n; i++)
		at(o, off)[2 * i] = (unsigned char)cls[i];
	return off;
}

static int by_name(const void *a, const void *b)
{
	const struct regfw_key *const *x = a, *const *y = b;

	return strcasecmp((*x)->name, (*y)->name);
}

static uint32_t write_key(struct out *o, struct regfw_key *k,
			  uint32_t parent, int root);

/* An lf list (offset and the name's first four characters per key). */
static uint32_t write_subkeys(struct out *o, struct regfw_key *k,
			      uint32_t self)
{
	uint32_t *offs, list;
	size_t i;

	if (!k->nsub)
		return NONE;
	qsort(k->sub, k->nsub, sizeof(*k->sub), by_name);
	if (!(offs = malloc(k->nsub * sizeof(*offs)))) {
		o->failed = 1;
		return NONE;
	}
	for (i = 0; i < k->nsub; i++)
		offs[i] = write_key(o, k->sub[i], self, 0);
	list = cell(o, 4 + 8 * k->nsub);
	memcpy(at(o, list), "lf", 2);
	put16(at(o, list) + 2, (unsigned)k->nsub);
	for (i = 0; i < k->nsub; i++) {
		regfw_put32(at(o, list) + 4 + 8 * i, offs[i]);
		strncpy((char *)at(o, list) + 8 + 8 * i, k->sub[i]->name, 4);
	}
	free(offs);
	return list;
}

static void maxima(const struct regfw_key *k, uint32_t m[4])
{
	size_t i;

	memset(m, 0, 4 * sizeof(*m));
	for (i = 0; i < k->nsub; i++) {
		if (2 * strlen(k->sub[i]->name) > m[0])
			m[0] = (uint32_t)(2 * strlen(k->sub[i]->name));
		if (k->sub[i]->cls && 2 * strlen(k->sub[i]->cls) > m[1])
			m[1] = (uint32_t)(2 * strlen(k->sub[i]->cls));
	}
	for (i = 0; i < k->nvals; i++) {
		if (2 * strlen(k->vals[i].name) > m[2])
			m[2] = (uint32_t)(2 * strlen(k->vals[i].name));
		if (k->vals[i].len > m[3])
			m[3] = (uint32_t)k->vals[i].len;
	}
}

static uint32_t write_key(struct out *o, struct regfw_key *k,
			  uint32_t parent, int root)
{
	size_t nl = strlen(k->name), i;
	uint32_t self = cell(o, 0x4c + nl), m[4];
	uint32_t subs = write_subkeys(o, k, self);
	uint32_t vals = write_values(o, k);
	uint32_t cls = k->cls ? write_class(o, k->cls) : NONE;
	unsigned char *p = at(o, self);

	maxima(k, m);
	memcpy(p, "nk", 2);
	put16(p + 2, root ? 0x2c : 0x20); /* ASCII name; root: hive entry */
	regfw_put64(p + 4, FT_FIXED);
	regfw_put32(p + 0x10, parent);
	regfw_put32(p + 0x14, (uint32_t)k->nsub);
	regfw_put32(p + 0x1c, subs);
	regfw_put32(p + 0x20, NONE);
	regfw_put32(p + 0x24, (uint32_t)k->nvals);
	regfw_put32(p + 0x28, vals);
	regfw_put32(p + 0x2c, NONE);
	regfw_put32(p + 0x30, cls);
	for (i = 0; i < 4; i++)
		regfw_put32(p + 0x34 + 4 * i, m[i]);
	put16(p + 0x48, (unsigned)nl);
	put16(p + 0x4a, k->cls ? (unsigned)(2 * strlen(k->cls)) : 0);
	memcpy(p + 0x4c, k->name, nl);
	return self;
}

static void base_block(unsigned char *b, uint32_t root, size_t bins)
{
	uint32_t sum = 0;
	size_t i;

	memset(b, 0, HBIN);
	memcpy(b, "regf", 4);
	regfw_put32(b + 4, 1);
	regfw_put32(b + 8, 1);
	regfw_put64(b + 0x0c, FT_FIXED);
	regfw_put32(b + 0x14, 1);
	regfw_put32(b + 0x18, 3);
	regfw_put32(b + 0x20, 1);
	regfw_put32(b + 0x24, root);
	regfw_put32(b + 0x28, (uint32_t)bins);
	regfw_put32(b + 0x2c, 1);
	for (i = 0; i < 0x1fc; i += 4)
		sum ^= (uint32_t)b[i] | (uint32_t)b[i + 1] << 8 |
		       (uint32_t)b[i + 2] << 16 | (uint32_t)b[i + 3] << 24;
	regfw_put32(b + 0x1fc, sum == 0 ? 1 : sum == NONE ? NONE - 1 : sum);
}

/* The hbin header, and a free cell over the space left. */
static int finish_bin(struct out *o)
{
	size_t total = (o->len + HBIN - 1) / HBIN * HBIN;
	unsigned char *p = o->failed ? NULL : realloc(o->p, total);

	if (!p)
		return -1;
	o->p = p;
	if (total > o->len) {
		memset(p + o->len, 0, total - o->len);
		regfw_put32(p + o->len, (uint32_t)(total - o->len));
	}
	memset(p, 0, 32);
	memcpy(p, "hbin", 4);
	regfw_put32(p + 8, (uint32_t)total);
	regfw_put64(p + 0x14, FT_FIXED);
	o->len = total;
	return 0;
}

int regfw_write(struct regfw_key *root, const char *path)
{
	struct out o = { NULL, 32, 0, 0 };
	unsigned char base[HBIN];
	uint32_t top;
	FILE *f;
	int ok;

	o.cap = HBIN;
	if (!(o.p = calloc(1, o.cap)))
		return -1;
	top = write_key(&o, root, 0, 1);
	if (finish_bin(&o)) {
		free(o.p);
		errno = ENOMEM;
		return -1;
	}
	base_block(base, top, o.len);
	f = fopen(path, "wb");
	ok = f && fwrite(base, 1, HBIN, f) == HBIN &&
	     fwrite(o.p, 1, o.len, f) == o.len;
	if (f && fclose(f))
		ok = 0;
	free(o.p);
	return ok ? 0 : -1;
}
