/* SPDX-License-Identifier: MIT */
/* Reveal: classification of the inputs, one dv per distinct blob, notes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reveal_priv.h"

void mb_rv_note(struct solver *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mb_buf_vprintf(&s->notes, fmt, ap);
	va_end(ap);
	mb_buf_putc(&s->notes, '\n');
}

void mb_rv_why(char **dst, size_t cap, const char *fmt, ...)
{
	char t[WHY_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t, cap < sizeof(t) ? cap : sizeof(t), fmt, ap);
	va_end(ap);
	free(*dst);
	*dst = strdup(t);
}

const char *mb_rv_dv_name(const struct solver *s, size_t i)
{
	return s->items[s->v[i].first].prop ? s->items[s->v[i].first].prop
					    : "value";
}

const char *mb_rv_dv_label(const struct solver *s, size_t i)
{
	return s->items[s->v[i].first].label ? s->items[s->v[i].first].label
					     : "";
}

static int has_pass(const char *p)
{
	for (; *p; p++)
		if (strncasecmp(p, "pass", 4) == 0)
			return 1;
	return 0;
}

enum mb_type mb_reveal_prop_type(const char *prop)
{
	if (!prop)
		return MB_T_BINARY;
	if (strcasecmp(prop, "AdminACL") == 0)
		return MB_T_NTACL;
	if (strcasecmp(prop, "AdminACLBin") == 0)
		return MB_T_BINARY;
	if (has_pass(prop))
		return MB_T_STRING;
	return MB_T_BINARY;
}

static enum vkind kind_of(const struct mb_reveal_item *it)
{
	enum mb_type t = it->type;

	if (t == MB_T_UNKNOWN)
		t = mb_reveal_prop_type(it->prop);
	if (it->blob->kind == MB_BLOB_CLEAR)
		return VK_CLEAR;
	if (t == MB_T_STRING || t == MB_T_EXPANDSZ || t == MB_T_WSTR)
		return VK_STRING;
	if (t == MB_T_NTACL)
		return VK_SD;
	return VK_BINARY;
}

static int shape_ok(struct solver *s, size_t i, enum vkind k)
{
	const struct mb_blob *b = s->items[i].blob;

	if (k == VK_STRING && (b->data_len < 6 || b->data_len % 2)) {
		mb_rv_why(&s->item_why[i], WHY_MAX,
			  "encrypted length %lu cannot hold a UTF-16 string",
			  (unsigned long)b->data_len);
		return 0;
	}
	if (k == VK_SD && b->data_len < 4 + 20) {
		mb_rv_why(&s->item_why[i], WHY_MAX,
			  "encrypted length %lu is too short for a security "
			  "descriptor", (unsigned long)b->data_len);
		return 0;
	}
	return 1;
}

/* Items sorted by blob, so that equal blobs are neighbours. */
struct ent {
	const struct mb_blob *b;
	size_t i;
};

static int ent_cmp(const void *pa, const void *pb)
{
	const struct ent *a = pa, *b = pb;
	int c = mb_blob_cmp(a->b, b->b);

	if (c)
		return c;
	return a->i < b->i ? -1 : a->i > b->i;
}

static int is_odbc(const char *prop)
{
	return prop && strcasecmp(prop, "LogOdbcPassword") == 0;
}

static size_t add_dv(struct solver *s, size_t item, enum vkind k)
{
	const struct mb_blob *b = s->items[item].blob;
	struct dv *d = &s->v[s->nv];

	memset(d, 0, sizeof(*d));
	d->blob = b;
	d->c = b->data;
	d->n = b->data_len;
	d->kind = k;
	d->first = item;
	d->na = calloc(1, d->n + 1);
	if (d->n > s->L && k != VK_CLEAR)
		s->L = d->n;
	return s->nv++;
}

static int set_known(struct solver *s, size_t item, size_t di)
{
	struct dv *d = &s->v[di];
	struct mb_buf u;
	int ok = 1;

	mb_buf_init(&u);
	mb_buf_append(&u, "\0\0\0\0", 4);
	if (d->kind != VK_STRING ||
	    mb_blob_utf8_to_utf16(s->items[item].known,
				  strlen(s->items[item].known), &u, NULL)) {
		mb_rv_why(&d->known_why, KNOWN_WHY_MAX,
			  "a known value can only be given for a string, as "
			  "valid UTF-8");
		ok = 0;
	} else if (u.len != d->n) {
		mb_rv_why(&d->known_why, KNOWN_WHY_MAX,
			  "the known value has %zu characters, the stored "
			  "value has %zu", (u.len - 6) / 2, (d->n - 6) / 2);
		ok = 0;
	} else if (d->known && memcmp(d->known, u.data, d->n)) {
		mb_rv_why(&d->known_why, KNOWN_WHY_MAX,
			  "two different known values for equal values");
		ok = 0;
	}
	if (ok && !d->known)
		d->known = (unsigned char *)mb_buf_detach(&u, NULL);
	d->known_bad |= !ok;
	mb_buf_wipe(&u);
	return ok;
}

static int item_usable(struct solver *s, size_t i)
{
	const struct mb_reveal_item *it = &s->items[i];
	struct mb_error e;

	s->map[i] = NOVAL;
	mb_error_clear(&e);
	if (!it->blob || mb_blob_usable(it->blob, &e) != MB_OK) {
		mb_rv_why(&s->item_why[i], WHY_MAX, "%.200s",
			  it->blob ? e.reason : "no value");
		return 0;
	}
	return shape_ok(s, i, kind_of(it));
}

/* One dv per distinct blob (sorting keeps this O(n log n)). */
int mb_rv_setup_items(struct solver *s)
{
	struct ent *e = calloc(s->nitems + 1, sizeof(*e));
	size_t n = 0, i, di = NOVAL;

	if (!e)
		return -1;
	for (i = 0; i < s->nitems; i++)
		if (item_usable(s, i)) {
			e[n].b = s->items[i].blob;
			e[n++].i = i;
		}
	qsort(e, n, sizeof(*e), ent_cmp);
	for (i = 0; i < n; i++) {
		if (i == 0 || mb_blob_cmp(e[i - 1].b, e[i].b))
			di = add_dv(s, e[i].i, kind_of(&s->items[e[i].i]));
		s->map[e[i].i] = di;
		/* the default holds for the blob, whichever item came first */
		s->v[di].is_odbc |= is_odbc(s->items[e[i].i].prop);
		if (s->items[e[i].i].known)
			set_known(s, e[i].i, di);
	}
	free(e);
	return 0;
}
