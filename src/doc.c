/* SPDX-License-Identifier: MIT */
/*
 * Loading a metabase and answering questions about it: keys by Location,
 * the Location tree, local and inherited values, decoded text.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "doc_priv.h"
#include "mb/hidx.h"
#include "mb/splice.h"

static uint64_t hash_loc(const char *p, size_t n)
{
	return mb_hidx_fold(MB_HIDX_SEED, p, n);
}

static int loc_eq(const char *a, const char *b, size_t blen)
{
	return strlen(a) == blen && strncasecmp(a, b, blen) == 0;
}

/*
 * A slot holds the high half of the Location's hash beside the key: a
 * probe that meets another Location mostly tells it by the slot alone,
 * without reading that key (at 200,000 sites the keys are 100 MB, and
 * each such read is a cache miss).
 */
#define SLOT_KEY(e) ((size_t)((e) & 0xffffffffu) - 1)
#define SLOT(h, k) (((h) & ~(uint64_t)0xffffffffu) | ((uint64_t)(k) + 1))

/* The slot where loc[0, len) (hash h) is, or the free one it would take. */
static size_t probe(const struct mb_doc *d, const char *loc, size_t len,
		    uint64_t h)
{
	size_t mask = d->index_cap - 1, i;
	uint64_t e;

	for (i = (size_t)h & mask; (e = d->index[i]) != 0; i = (i + 1) & mask)
		if ((e ^ h) >> 32 == 0 &&
		    loc_eq(d->keys[SLOT_KEY(e)].location, loc, len))
			break;
	return i;
}

/* The key at loc[0, len) whose hash is h, or MB_NOKEY. */
static size_t find_hashed(const struct mb_doc *d, const char *loc, size_t len,
			  uint64_t h)
{
	uint64_t e = d->index[probe(d, loc, len, h)];

	return e ? SLOT_KEY(e) : MB_NOKEY;
}

size_t mb_doc_find_n(const struct mb_doc *doc, const char *loc, size_t len)
{
	if (!doc->index_cap)
		return MB_NOKEY;
	return find_hashed(doc, loc, len, hash_loc(loc, len));
}

size_t mb_doc_find(const struct mb_doc *doc, const char *location)
{
	return mb_doc_find_n(doc, location, strlen(location));
}

static enum mb_status build_index(struct mb_doc *d, struct mb_error *err)
{
	size_t cap = 16, k;

	while (cap < d->nkeys * 2)
		cap *= 2;
	d->index = calloc(cap, sizeof(*d->index));
	if (!d->index)
		return mb_error_set(err, MB_EFILE, "parse", d->path,
				    "out of memory");
	d->index_cap = cap;
	for (k = 0; k < d->nkeys; k++) {
		const char *l = d->keys[k].location;
		uint64_t h = MB_HIDX_SEED;
		size_t n, i;

		/* Hashed and measured in one pass, probed once: the slot
		 * where the search for a duplicate ends is the free one. */
		for (n = 0; l[n]; n++)
			h = mb_hidx_fold1(h, (unsigned char)l[n]);
		i = probe(d, l, n, h);
		if (d->index[i])
			return mb_error_set_line(err, MB_EFILE, "parse",
				d->path, mb_doc_line(d, d->keys[k].start),
				"duplicate Location '%s' (first at line %ld): "
				"remove one of the two keys", l,
				mb_doc_line(d, d->keys[SLOT_KEY(d->index[i])]
						   .start));
		d->index[i] = SLOT(h, k);
	}
	return MB_OK;
}

/*
 * Nearest existing ancestor by Location ("/LM/W3SVC/1" -> "/LM/W3SVC").
 * One pass hashes every prefix that ends before a '/', then the prefixes
 * are probed longest first: linear in the Location, not one hash of a
 * prefix per level (a 500,000-level Location took minutes that way).
 */
static size_t find_parent(const struct mb_doc *d, const char *loc)
{
	size_t cut[MB_DOC_MAX_DEPTH + 1], n = 0, i;
	uint64_t hash[MB_DOC_MAX_DEPTH + 1], h = MB_HIDX_SEED;

	if (!*loc || strcmp(loc, ".") == 0 || strcmp(loc, "/") == 0)
		return MB_NOKEY;
	for (i = 0; loc[i] && n <= MB_DOC_MAX_DEPTH; i++) {
		if (loc[i] == '/') {
			cut[n] = i;
			hash[n++] = h;
		}
		h = mb_hidx_fold1(h, (unsigned char)loc[i]);
	}
	while (n-- > 0) {
		if (cut[n] == 0)
			return mb_doc_find_n(d, "/", 1);
		if ((i = find_hashed(d, loc, cut[n], hash[n])) != MB_NOKEY)
			return i;
	}
	return MB_NOKEY;
}

/*
 * The one place a key number becomes a 32-bit link (see mb_key_link). A
 * key takes at least 16 bytes of a file under 4 GiB (check_bytes), so no
 * key number reaches MB_NOLINK.
 */
static uint32_t link32(size_t k)
{
	return k == MB_NOKEY ? MB_NOLINK : (uint32_t)k;
}

/* Each key's schema class: runs of keys share a type (a site's vdirs). */
static void classify(struct mb_doc *d, struct mb_key *key, size_t k)
{
	char name[128];
	struct mb_span el = mb_key_elem(key);
	size_t n = el.len < sizeof(name) ? el.len : sizeof(name) - 1;

	if (k && el.len == key[-1].elem_len &&
	    memcmp(d->buf + el.off, d->buf + key[-1].start + 1, el.len) == 0) {
		key->cls = key[-1].cls;
		return;
	}
	/* (not snprintf: it was a tenth of a load's own work) */
	memcpy(name, d->buf + el.off, n);
	name[n] = '\0';
	key->cls = d->schema ? mb_schema_class(d->schema, name) : NULL;
}

static enum mb_status link_tree(struct mb_doc *d, struct mb_error *err)
{
	/* Each key's last child so far (MB_NOLINK: none yet). */
	uint32_t *last = malloc((d->nkeys + 1) * sizeof(*last));
	size_t k;

	if (!last)
		return mb_error_set(err, MB_EFILE, "parse", d->path,
				    "out of memory");
	for (k = 0; k < d->nkeys; k++) {
		struct mb_key *key = &d->keys[k];

		key->first_child32 = key->next_sibling32 = MB_NOLINK;
		last[k] = MB_NOLINK;
		key->parent32 = link32(find_parent(d, key->location));
		classify(d, key, k);
	}
	for (k = 0; k < d->nkeys; k++) {
		size_t p = mb_key_parent(&d->keys[k]);

		if (p == MB_NOKEY)
			continue;
		if (last[p] == MB_NOLINK)
			d->keys[p].first_child32 = link32(k);
		else
			d->keys[last[p]].next_sibling32 = link32(k);
		last[p] = link32(k);
	}
	free(last);
	return MB_OK;
}

static void sniff_kind(struct mb_doc *d)
{
	const char *base = strrchr(d->path, '/');
	size_t n;

	base = base ? base + 1 : d->path;
	n = strlen(base);
	if (mb_doc_find(d, ".") == MB_NOKEY)
		d->kind = MB_KIND_EXPORT;
	else if (strncasecmp(base, "MetaBase_", 9) == 0)
		d->kind = MB_KIND_HISTORY;
	else if (n > 4 && strncasecmp(base + n - 4, ".MD", 3) == 0)
		d->kind = MB_KIND_BACKUP;
	else
		d->kind = MB_KIND_METABASE;
}

static enum mb_status check_bytes(struct mb_doc *d, struct mb_error *err)
{
	const unsigned char *b = (const unsigned char *)d->buf;

	if (d->len >= 2 && ((b[0] == 0xff && b[1] == 0xfe) ||
			    (b[0] == 0xfe && b[1] == 0xff) ||
			    memchr(b, 0, d->len)))
		return mb_error_set(err, MB_EFILE, "parse", d->path,
			"UTF-16 or binary content: IIS writes MetaBase.xml "
			"as UTF-8; convert it (iconv -f UTF-16 -t UTF-8)");
	if (d->len >= UINT32_MAX)
		return mb_error_set(err, MB_EFILE, "parse", d->path,
				    "file of 4 GiB or more is not a metabase");
	d->bom = d->len >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf;
	d->crlf = memchr(b, '\n', d->len) != NULL &&
		  ((const char *)memchr(b, '\n', d->len) > d->buf &&
		   ((const char *)memchr(b, '\n', d->len))[-1] == '\r');
	return MB_OK;
}

/*
 * The tokenizer runs first: it is linear on any input and refuses an
 * element of more than MB_DOC_MAX_ATTRS attributes, so when it accepts
 * the file libxml2 (quadratic in one element's attributes) may read it
 * without the separate counting pass, a tenth of a load. When it refuses
 * the file, the checks run in their old order, so the message is the same
 * as before: the attribute limit, then libxml2's, then the tokenizer's.
 */
static enum mb_status scan_and_check(struct mb_doc *d, struct mb_error *err)
{
	struct mb_error scan_err;
	enum mb_status st;

	mb_error_clear(&scan_err);
	if (!mb_doc_scan(d, &scan_err))
		return mb_doc_check_xml(d, err);
	st = mb_doc_check_limits(d, err);
	if (!st)
		st = mb_doc_check_xml(d, err);
	if (st)
		return st;
	if (err)
		*err = scan_err;
	return scan_err.status;
}

/* Takes ownership of buf (len bytes plus a NUL). */
/* rc: a spliced file's ranges for libxml2 (NULL: the whole file). */
static enum mb_status parse_owned(const char *name, char *buf, size_t len,
				  const struct mb_schema *schema,
				  const struct mb_doc_recheck *rc,
				  struct mb_doc **out, struct mb_error *err)
{
	struct mb_doc *d = calloc(1, sizeof(*d));
	enum mb_status st;

	*out = NULL;
	if (!d || !(d->path = strdup(name))) {
		free(buf);
		mb_doc_free(d);
		return mb_error_set(err, MB_EFILE, "read", name,
				    "out of memory");
	}
	d->buf = buf;
	d->len = len;
	d->schema = schema;
	st = check_bytes(d, err);
	if (!st)
		st = rc ? mb_doc_scan(d, err) : scan_and_check(d, err);
	/* After the scan, which says where the keys of the new bytes are. */
	if (!st && rc)
		st = mb_doc_recheck_xml(d, rc, err);
	if (!st)
		st = build_index(d, err);
	if (!st)
		st = link_tree(d, err);
	if (st) {
		mb_doc_free(d);
		return st;
	}
	sniff_kind(d);
	*out = d;
	return MB_OK;
}

enum mb_status mb_doc_parse(const char *name, const char *data, size_t len,
			    const struct mb_schema *schema,
			    struct mb_doc **out, struct mb_error *err)
{
	char *buf = malloc(len + 1);

	*out = NULL;
	if (!buf)
		return mb_error_set(err, MB_EFILE, "read", name,
				    "out of memory");
	memcpy(buf, data, len);
	buf[len] = '\0';
	return parse_owned(name, buf, len, schema, NULL, out, err);
}

enum mb_status mb_doc_parse_take(const char *name, char *buf, size_t len,
				 const struct mb_schema *schema,
				 struct mb_doc **out, struct mb_error *err)
{
	*out = NULL;
	buf[len] = '\0';
	return parse_owned(name, buf, len, schema, NULL, out, err);
}

enum mb_status mb_doc_parse_spliced(const char *name, char *buf, size_t len,
				    const struct mb_schema *schema,
				    const struct mb_doc_recheck *r,
				    struct mb_doc **out, struct mb_error *err)
{
	*out = NULL;
	buf[len] = '\0';
	return parse_owned(name, buf, len, schema, r, out, err);
}

/*
 * Opened without blocking (a FIFO would wait for a writer forever), then
 * refused unless it is a regular file of at most MB_DOC_MAX_SIZE bytes:
 * `-f /dev/zero` used to read until the OOM killer came.
 */
static enum mb_status open_regular(const char *path, int *fd, size_t *size,
				   struct mb_error *err)
{
	struct stat st;

	*fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (*fd < 0)
		return mb_error_set(err, MB_EFILE, "open", path, "%s%s",
			strerror(errno), errno == ENOENT ? "; name the "
			"metabase with -f FILE or set MBTOOL_FILE" : "");
	if (fstat(*fd, &st) != 0) {
		close(*fd);
		return mb_error_set(err, MB_EFILE, "open", path, "%s",
				    strerror(errno));
	}
	if (!S_ISREG(st.st_mode)) {
		close(*fd);
		return mb_error_set(err, MB_EFILE, "open", path, "not a "
				    "regular file (%s): a metabase is a file",
				    S_ISFIFO(st.st_mode) ? "a FIFO" :
				    S_ISDIR(st.st_mode) ? "a folder" :
				    S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ?
				    "a device" : "a socket or special file");
	}
	if ((uint64_t)st.st_size > MB_DOC_MAX_SIZE) {
		close(*fd);
		return mb_error_set(err, MB_EFILE, "open", path, "%lld bytes: "
				    "more than the %u MiB a metabase may have",
				    (long long)st.st_size,
				    (unsigned)(MB_DOC_MAX_SIZE >> 20));
	}
	fcntl(*fd, F_SETFL, fcntl(*fd, F_GETFL) & ~O_NONBLOCK);
	*size = (size_t)st.st_size;
	return MB_OK;
}

void mb_doc_huge(void *p, size_t n)
{
	const uintptr_t huge = 2u << 20;
	uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1);
	uintptr_t e = ((uintptr_t)p + n) & ~(huge - 1);

	if (e > a)
		madvise((void *)a, e - a, MADV_HUGEPAGE);
}

static enum mb_status read_all(const char *path, char **buf, size_t *len,
			       struct mb_error *err)
{
	size_t cap = 0, n = 0;
	ssize_t r = 0;
	char *b;
	int fd, e = 0;
	enum mb_status st = open_regular(path, &fd, &cap, err);

	if (st)
		return st;
	/* One byte more than the size: a file that grew is noticed. */
	b = malloc(cap + 2);
	if (b)
		mb_doc_huge(b, cap + 2);
	while (b && n <= cap && (r = read(fd, b + n, cap + 1 - n)) != 0) {
		if (r < 0 && errno != EINTR)
			break;
		n += r > 0 ? (size_t)r : 0;
	}
	e = !b ? ENOMEM : r < 0 ? errno : 0;
	close(fd);
	if (e || n > cap) {
		free(b);
		return mb_error_set(err, MB_EFILE, "read", path, "%s", e ?
				    strerror(e) : "the file grew while it was "
				    "read; try again");
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return MB_OK;
}

enum mb_status mb_doc_load(const char *path, const struct mb_schema *schema,
			   struct mb_doc **out, struct mb_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	enum mb_status st;

	*out = NULL;
	st = read_all(path, &buf, &len, err);
	if (st)
		return st;
	return parse_owned(path, buf, len, schema, NULL, out, err);
}

void mb_doc_drop_index(struct mb_doc *doc)
{
	free(doc->loc_pool);
	free(doc->keys);
	free(doc->attr_pool);
	free(doc->custom_pool);
	free(doc->index);
	doc->keys = NULL;
	doc->nkeys = 0;
	doc->attr_pool = NULL;
	doc->custom_pool = NULL;
	doc->loc_pool = NULL;
	doc->index = NULL;
	doc->index_cap = 0;
}

void mb_doc_drop_bytes(struct mb_doc *doc)
{
	mb_doc_drop_index(doc);
	free(doc->buf);
	doc->buf = NULL;
	doc->len = 0;
}

void mb_doc_free(struct mb_doc *doc)
{
	if (!doc)
		return;
	mb_doc_drop_index(doc);
	free(doc->ns);
	free(doc->buf);
	free(doc->path);
	free(doc);
}

int mb_doc_is_under(const struct mb_doc *doc, size_t ancestor, size_t key)
{
	while (key != MB_NOKEY) {
		if (key == ancestor)
			return 1;
		key = mb_key_parent(&doc->keys[key]);
	}
	return 0;
}

uint32_t mb_attr_start(const struct mb_doc *doc, const struct mb_attr *a)
{
	uint32_t p = a->name.off;

	/* The tokenizer wants white space before a name and took all of it:
	 * the byte before is a quote or the element's name. Walked back, not
	 * stored: 4 bytes an attribute, and only writers ask. */
	while (p > 0 && (doc->buf[p - 1] == ' ' || doc->buf[p - 1] == '\t' ||
			 doc->buf[p - 1] == '\n' || doc->buf[p - 1] == '\r'))
		p--;
	return p;
}

int mb_span_eq(const struct mb_doc *doc, struct mb_span s, const char *str)
{
	size_t n = strlen(str);

	return s.len == n && memcmp(doc->buf + s.off, str, n) == 0;
}

int mb_doc_local(const struct mb_doc *doc, size_t key,
		 const struct mb_prop *prop, struct mb_value *out)
{
	const struct mb_key *k = &doc->keys[key];
	size_t n = strlen(prop->name);
	unsigned i;

	/* Hot in whole-file analyses: the name's length is measured once. */
	for (i = 0; i < k->nattrs; i++) {
		if (k->attrs[i].name.len != n ||
		    memcmp(doc->buf + k->attrs[i].name.off, prop->name, n))
			continue;
		out->key = key;
		out->attr = &k->attrs[i];
		out->custom = NULL;
		out->raw = k->attrs[i].value;
		return 1;
	}
	for (i = 0; i < k->ncustoms; i++) {
		const struct mb_custom *c = &mb_key_customs(doc, k)[i];
		const struct mb_attr *v;

		if (!c->has_id || c->id != prop->id)
			continue;
		v = mb_custom_attr(doc, c, "Value");
		out->key = key;
		out->attr = NULL;
		out->custom = c;
		out->raw = v ? v->value : (struct mb_span){ c->start, 0 };
		return 1;
	}
	return 0;
}

int mb_doc_effective(const struct mb_doc *doc, size_t key,
		     const struct mb_prop *prop, struct mb_value *out)
{
	size_t k = key;

	memset(out, 0, sizeof(*out));
	out->key = MB_NOKEY;
	while (k != MB_NOKEY) {
		if (mb_doc_local(doc, k, prop, out))
			return 1;
		if (!(prop->attrs & MB_ATTR_INHERIT))
			break;
		k = mb_key_parent(&doc->keys[k]);
	}
	out->key = MB_NOKEY;
	return 0;
}

/* The next key of a preorder walk of root's subtree, or MB_NOKEY. */
static size_t next_preorder(const struct mb_doc *doc, size_t root, size_t k)
{
	if (mb_key_first_child(&doc->keys[k]) != MB_NOKEY)
		return mb_key_first_child(&doc->keys[k]);
	while (k != root && mb_key_next_sibling(&doc->keys[k]) == MB_NOKEY)
		k = mb_key_parent(&doc->keys[k]);
	return k == root ? MB_NOKEY : mb_key_next_sibling(&doc->keys[k]);
}

void mb_doc_effective_keys(const struct mb_doc *doc,
			   const struct mb_prop *prop, size_t *src)
{
	int inherit = (prop->attrs & MB_ATTR_INHERIT) != 0;
	struct mb_value v;
	size_t r, k, p;

	for (r = 0; r < doc->nkeys; r++) {
		if (mb_key_parent(&doc->keys[r]) != MB_NOKEY)
			continue;
		/* Parents come first, so src[parent] is already known. */
		for (k = r; k != MB_NOKEY; k = next_preorder(doc, r, k)) {
			p = mb_key_parent(&doc->keys[k]);
			if (mb_doc_local(doc, k, prop, &v))
				src[k] = k;
			else
				src[k] = inherit && p != MB_NOKEY ? src[p] :
					 MB_NOKEY;
		}
	}
}

const struct mb_prop *mb_doc_attr_prop(const struct mb_doc *doc,
				       const struct mb_attr *a)
{
	const struct mb_prop *p;

	if (!doc->schema)
		return NULL;
	p = mb_schema_prop_n(doc->schema, doc->buf + a->name.off, a->name.len);
	/* The file must spell the name as the schema does (case-sensitive). */
	if (p && !mb_span_eq(doc, a->name, p->name))
		return NULL;
	return p;
}

const struct mb_attr *mb_custom_attr(const struct mb_doc *doc,
				     const struct mb_custom *c,
				     const char *name)
{
	unsigned i;

	for (i = 0; i < c->nattrs; i++)
		if (mb_span_eq(doc, c->attrs[i].name, name))
			return &c->attrs[i];
	return NULL;
}

long mb_doc_line(const struct mb_doc *doc, size_t off)
{
	long line = 1;
	const char *p = doc->buf, *end;

	if (off > doc->len)
		off = doc->len;
	end = doc->buf + off;
	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		line++;
		p++;
	}
	return line;
}

static size_t put_utf8(char *o, unsigned long cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* One entity at p (p[0] == '&'); 0 when it is not one we know. */
static size_t entity(const char *p, const char *e, char *o, size_t *olen)
{
	static const char *names[] = { "lt;", "gt;", "amp;", "quot;", "apos;" };
	static const char chars[] = "<>&\"'";
	const char *semi = memchr(p, ';', (size_t)(e - p));
	unsigned long cp;
	char *end;
	size_t i;

	if (!semi || semi - p > 12)
		return 0;
	for (i = 0; i < 5; i++)
		if ((size_t)(semi - p) == strlen(names[i]) &&
		    memcmp(p + 1, names[i], strlen(names[i])) == 0) {
			*o = chars[i];
			*olen = 1;
			return (size_t)(semi - p) + 1;
		}
	if (p[1] != '#')
		return 0;
	cp = (p[2] == 'x') ? strtoul(p + 3, &end, 16) : strtoul(p + 2, &end, 10);
	if (end != semi || cp > 0x10ffff)
		return 0;
	*olen = put_utf8(o, cp);
	return (size_t)(semi - p) + 1;
}

char *mb_doc_text(const struct mb_doc *doc, struct mb_span raw)
{
	char *out = malloc((size_t)raw.len + 1);

	if (out)
		mb_doc_decode(doc, raw, out);
	return out;
}

size_t mb_doc_decode(const struct mb_doc *doc, struct mb_span raw, char *out)
{
	const char *p = doc->buf + raw.off, *e = p + raw.len;
	char *o = out;
	size_t used, olen;

	/* Most values hold neither: one copy (every command decodes many). */
	if (!memchr(p, '&', raw.len) && !memchr(p, '\r', raw.len)) {
		memcpy(out, p, raw.len);
		out[raw.len] = '\0';
		return raw.len;
	}
	while (p < e) {
		if (*p == '\r') {
			*o++ = '\n';
			p += (p + 1 < e && p[1] == '\n') ? 2 : 1;
		} else if (*p == '&' && (used = entity(p, e, o, &olen)) > 0) {
			o += olen;
			p += used;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return (size_t)(o - out);
}
