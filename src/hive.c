// SPDX-License-Identifier: MIT
/*
 * Registry hive access through libregf (include/mb/hive.h). libregf
 * functions return 1 (done), 0 (no such item) or -1 (error, with a
 * libregf_error_t to free); this file turns those into mb_status values
 * and keeps libregf's types out of every other file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libregf.h>

#include "mb/hive.h"

struct mb_hive {
	libregf_file_t *file;
	char *name;
};

static enum mb_status fail(const char *name, libregf_error_t **e,
			   const char *what, struct mb_error *err)
{
	char msg[512] = "";

	if (e && *e) {
		libregf_error_sprint(*e, msg, sizeof(msg));
		libregf_error_free(e);
	}
	/* libregf's text is a backtrace of lines: keep the first. */
	msg[strcspn(msg, "\r\n")] = '\0';
	return mb_error_set(err, MB_EFILE, "read hive", name,
			    "%s: the file is damaged or not a registry hive"
			    "%s%s; use an undamaged copy (system32\\config's "
			    ".sav or repair\\ copy, or one from a backup)",
			    what, msg[0] ? " (" : "", msg[0] ? msg : "");
}

static enum mb_status absent(const char *name, const char *key,
			     const char *value, struct mb_error *err)
{
	return mb_error_set(err, MB_ENOPATH, "read hive", name,
			    "%s%s%s is not in the hive", key,
			    value ? " value " : "", value ? value : "");
}

static struct mb_hive *hive_new(const char *name, struct mb_error *err)
{
	struct mb_hive *h = calloc(1, sizeof(*h));
	libregf_error_t *e = NULL;

	if (h)
		h->name = strdup(name);
	if (!h || !h->name) {
		free(h);
		mb_error_set(err, MB_EFILE, "read hive", name,
			     "out of memory");
		return NULL;
	}
	if (libregf_file_initialize(&h->file, &e) != 1) {
		fail(name, &e, "cannot start libregf", err);
		mb_hive_close(h);
		return NULL;
	}
	return h;
}

enum mb_status mb_hive_open(const char *path, struct mb_hive **out,
			    struct mb_error *err)
{
	struct mb_hive *h = hive_new(path, err);
	libregf_error_t *e = NULL;

	*out = NULL;
	if (access(path, R_OK) != 0) {
		mb_hive_close(h);
		return mb_error_set(err, MB_EFILE, "read hive", path, "%s",
				    strerror(errno));
	}
	if (!h)
		return MB_EFILE;
	if (libregf_file_open(h->file, path, LIBREGF_OPEN_READ, &e) != 1) {
		fail(path, &e, "cannot be opened", err);
		mb_hive_close(h);
		return MB_EFILE;
	}
	*out = h;
	return MB_OK;
}

void mb_hive_close(struct mb_hive *h)
{
	libregf_error_t *e = NULL;

	if (!h)
		return;
	if (h->file) {
		libregf_file_close(h->file, &e);
		libregf_error_free(&e);
		libregf_file_free(&h->file, &e);
		libregf_error_free(&e);
	}
	free(h->name);
	free(h);
}

const char *mb_hive_name(const struct mb_hive *h)
{
	return h->name;
}

static void key_free(libregf_key_t **k)
{
	libregf_error_t *e = NULL;

	if (*k && libregf_key_free(k, &e) != 1)
		libregf_error_free(&e);
}

/* The key at path (root when path is ""); MB_ENOPATH when not there. */
static enum mb_status key_at(struct mb_hive *h, const char *path,
			     libregf_key_t **key, struct mb_error *err)
{
	libregf_error_t *e = NULL;
	int r;

	*key = NULL;
	if (!*path)
		r = libregf_file_get_root_key(h->file, key, &e);
	else
		r = libregf_file_get_key_by_utf8_path(h->file,
			(const uint8_t *)path, strlen(path), key, &e);
	if (r == 1 && *key)
		return MB_OK;
	key_free(key); /* libregf may leave a half-made key on failure */
	if (r == 0 || r == 1)
		return absent(h->name, path, NULL, err);
	return fail(h->name, &e, path, err);
}

static void value_free(libregf_value_t **v)
{
	libregf_error_t *e = NULL;

	if (*v && libregf_value_free(v, &e) != 1)
		libregf_error_free(&e);
}

/* value of key k (which stays the caller's). */
static enum mb_status value_of(struct mb_hive *h, libregf_key_t *k,
			       const char *key, const char *value,
			       libregf_value_t **v, struct mb_error *err)
{
	libregf_error_t *e = NULL;
	int r;

	*v = NULL;
	r = libregf_key_get_value_by_utf8_name(k, (const uint8_t *)value,
					       value ? strlen(value) : 0, v, &e);
	if (r == 1 && *v)
		return MB_OK;
	value_free(v);
	if (r == 0 || r == 1)
		return absent(h->name, key, value ? value : "(default)", err);
	return fail(h->name, &e, key, err);
}

static enum mb_status value_at(struct mb_hive *h, const char *key,
			       const char *value, libregf_value_t **v,
			       struct mb_error *err)
{
	libregf_key_t *k;
	enum mb_status st = key_at(h, key, &k, err);

	*v = NULL;
	if (st)
		return st;
	st = value_of(h, k, key, value, v, err);
	key_free(&k);
	return st;
}

/* The data of v (released here) into out. */
static enum mb_status value_data(struct mb_hive *h, const char *key,
				 libregf_value_t *v, struct mb_buf *out,
				 struct mb_error *err)
{
	libregf_error_t *e = NULL;
	enum mb_status st = MB_OK;
	size_t n = 0;

	if (libregf_value_get_value_data_size(v, &n, &e) != 1)
		st = fail(h->name, &e, key, err);
	else if (n > MB_HIVE_VALUE_MAX)
		st = mb_error_set(err, MB_EFILE, "read hive", h->name,
				  "%s: a value of %zu bytes is larger than "
				  "any the account checks read; the hive is "
				  "damaged or hostile", key, n);
	else if (n && mb_buf_reserve(out, n + 1))
		st = mb_error_set(err, MB_EFILE, "read hive", h->name,
				  "out of memory");
	else if (n && libregf_value_get_value_data(v, (uint8_t *)out->data,
						   n, &e) != 1)
		st = fail(h->name, &e, key, err);
	else
		out->len = n;
	value_free(&v);
	return st;
}

enum mb_status mb_hive_value(struct mb_hive *h, const char *key,
			     const char *value, struct mb_buf *out,
			     struct mb_error *err)
{
	libregf_value_t *v;
	enum mb_status st = value_at(h, key, value, &v, err);

	mb_buf_reset(out);
	return st ? st : value_data(h, key, v, out, err);
}

enum mb_status mb_hive_class(struct mb_hive *h, const char *key, char *out,
			     size_t cap, struct mb_error *err)
{
	libregf_error_t *e = NULL;
	libregf_key_t *k;
	enum mb_status st = key_at(h, key, &k, err);
	size_t n = 0;
	int r;

	if (st)
		return st;
	r = libregf_key_get_utf8_class_name_size(k, &n, &e);
	if (r == 1 && n <= cap)
		r = libregf_key_get_utf8_class_name(k, (uint8_t *)out, cap, &e);
	if (r == -1)
		st = fail(h->name, &e, key, err);
	else if (r == 0)
		st = absent(h->name, key, "(class name)", err);
	else if (n > cap || n == 0)
		st = mb_error_set(err, MB_EFILE, "read hive", h->name,
				  "%s: class name of %zu bytes where a few "
				  "are expected", key, n);
	key_free(&k);
	return st;
}

enum mb_status mb_hive_time(struct mb_hive *h, const char *key,
			    uint64_t *filetime, struct mb_error *err)
{
	libregf_error_t *e = NULL;
	libregf_key_t *k;
	enum mb_status st = key_at(h, key, &k, err);

	if (st)
		return st;
	if (libregf_key_get_last_written_time(k, filetime, &e) != 1)
		st = fail(h->name, &e, key, err);
	key_free(&k);
	return st;
}

void mb_hive_names_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
}

/* ---- visiting sub-keys --------------------------------------------------- */

struct mb_hive_node {
	struct mb_hive *h;
	libregf_key_t *key;
	const char *name;
};

enum mb_status mb_hive_node_value(struct mb_hive_node *node, const char *sub,
				  const char *value, struct mb_buf *out,
				  struct mb_error *err)
{
	libregf_error_t *e = NULL;
	libregf_key_t *k = node->key, *sk = NULL;
	libregf_value_t *v;
	enum mb_status st;
	int r;

	mb_buf_reset(out);
	if (sub) {
		r = libregf_key_get_sub_key_by_utf8_name(k,
			(const uint8_t *)sub, strlen(sub), &sk, &e);
		if (r != 1 || !sk)
			key_free(&sk);
		if (r == -1)
			return fail(node->h->name, &e, node->name, err);
		if (r == 0 || !sk)
			return absent(node->h->name, node->name, sub, err);
		k = sk;
	}
	st = value_of(node->h, k, node->name, value, &v, err);
	key_free(&sk);
	return st ? st : value_data(node->h, node->name, v, out, err);
}

static enum mb_status visit_one(struct mb_hive *h, libregf_key_t *k, int i,
				mb_hive_visit_fn fn, void *ctx,
				struct mb_error *err)
{
	libregf_error_t *e = NULL;
	struct mb_hive_node node = { h, NULL, NULL };
	char name[512];
	size_t n = 0;
	enum mb_status st;

	if (libregf_key_get_sub_key(k, i, &node.key, &e) != 1 || !node.key ||
	    libregf_key_get_utf8_name_size(node.key, &n, &e) != 1 || !n ||
	    n > sizeof(name) ||
	    libregf_key_get_utf8_name(node.key, (uint8_t *)name, n, &e) != 1) {
		key_free(&node.key);
		return fail(h->name, &e, "a sub-key", err);
	}
	node.name = name;
	st = fn(ctx, name, &node, err);
	key_free(&node.key);
	return st;
}

static enum mb_status visit_key(struct mb_hive *h, libregf_key_t *k,
				const char *key, mb_hive_visit_fn fn,
				void *ctx, struct mb_error *err)
{
	libregf_error_t *e = NULL;
	enum mb_status st = MB_OK;
	int count = 0, i;

	if (libregf_key_get_number_of_sub_keys(k, &count, &e) != 1)
		st = fail(h->name, &e, key, err);
	else if (count < 0 || (unsigned)count > MB_HIVE_SUBKEYS_MAX)
		st = mb_error_set(err, MB_EFILE, "read hive", h->name,
				  "%s: %d sub-keys; the hive is damaged or "
				  "hostile", key, count);
	for (i = 0; !st && i < count; i++)
		st = visit_one(h, k, i, fn, ctx, err);
	return st;
}

enum mb_status mb_hive_visit(struct mb_hive *h, const char *key,
			     mb_hive_visit_fn fn, void *ctx,
			     struct mb_error *err)
{
	libregf_key_t *k;
	enum mb_status st = key_at(h, key, &k, err);

	if (st)
		return st;
	st = visit_key(h, k, key, fn, ctx, err);
	key_free(&k);
	return st;
}

enum mb_status mb_hive_node_visit(struct mb_hive_node *node,
				  mb_hive_visit_fn fn, void *ctx,
				  struct mb_error *err)
{
	return visit_key(node->h, node->key, node->name, fn, ctx, err);
}

struct names {
	char **v;
	size_t n, cap;
};

static enum mb_status add_name(void *ctx, const char *name,
			       struct mb_hive_node *node, struct mb_error *err)
{
	struct names *c = ctx;
	char **nv = c->v;

	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		nv = realloc(c->v, c->cap * sizeof(*nv));
	}
	if (!nv || !(nv[c->n] = strdup(name))) {
		if (nv)
			c->v = nv;
		return mb_error_set(err, MB_EFILE, "read hive",
				    node->h->name, "out of memory");
	}
	c->v = nv;
	c->n++;
	return MB_OK;
}

enum mb_status mb_hive_subkeys(struct mb_hive *h, const char *key,
			       char ***names, size_t *n,
			       struct mb_error *err)
{
	struct names c = { NULL, 0, 0 };
	enum mb_status st = mb_hive_visit(h, key, add_name, &c, err);

	if (st) {
		mb_hive_names_free(c.v, c.n);
		c.v = NULL;
		c.n = 0;
	}
	*names = c.v;
	*n = c.n;
	return st;
}
