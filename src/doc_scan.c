/* SPDX-License-Identifier: MIT */
/*
 * The tokenizer half of loading. It runs after libxml2 has accepted the
 * bytes as well-formed XML, and records spans: it never copies or rewrites
 * text, which is what lets writers splice and keep untouched bytes as they
 * are. It still checks every bound, since it also meets fuzzed input.
 *
 * Shape accepted (reference/metabase-format.md §1.1-1.6):
 *   <?xml ...?> <configuration [xmlns=...]> <MBProperty>
 *     <KeyType Location ="..." Attr="..." ...> <Custom .../>* </KeyType>
 *   </MBProperty> </configuration>
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc_priv.h"

struct scan {
	struct mb_doc *doc;
	const char *b;
	size_t n;
	size_t i;
	struct mb_error *err;
	struct mb_attr *attrs;   /* one pool for every attribute */
	size_t nattrs, cattrs;
	struct mb_custom *customs;
	size_t ncustoms, ccustoms;
	size_t ckeys, ckey_attr, ccust_attr;
	/* 32 bits: an attribute or a custom takes bytes of a file < 4 GiB */
	uint32_t *key_attr;      /* first pool index, per key */
	uint32_t *cust_attr;     /* first pool index, per custom */
};

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static enum mb_status fail(struct scan *s, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum mb_status fail(struct scan *s, size_t off, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return mb_error_set_line(s->err, MB_EFILE, "parse", s->doc->path,
				 mb_doc_line(s->doc, off), "%s", msg);
}

static enum mb_status oom(struct scan *s)
{
	return mb_error_set(s->err, MB_EFILE, "parse", s->doc->path,
			    "out of memory");
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	q = realloc(*p, c * size);
	if (!q)
		return -1;
	mb_doc_huge(q, c * size);
	*p = q;
	*cap = c;
	return 0;
}

static int starts(const struct scan *s, const char *lit)
{
	size_t l = strlen(lit);

	return s->n - s->i >= l && memcmp(s->b + s->i, lit, l) == 0;
}

/* Skip to just after lit; -1 when it never comes. */
static int skip_past(struct scan *s, const char *lit)
{
	size_t l = strlen(lit);

	while (s->i + l <= s->n) {
		if (memcmp(s->b + s->i, lit, l) == 0) {
			s->i += l;
			return 0;
		}
		s->i++;
	}
	return -1;
}

/* Whitespace, comments and processing instructions between elements. */
static enum mb_status skip_misc(struct scan *s)
{
	for (;;) {
		size_t at = s->i;

		while (s->i < s->n && is_ws(s->b[s->i]))
			s->i++;
		at = s->i;
		if (starts(s, "<!--")) {
			if (skip_past(s, "-->"))
				return fail(s, at, "unterminated comment");
		} else if (starts(s, "<?")) {
			if (skip_past(s, "?>"))
				return fail(s, at, "unterminated processing "
					    "instruction");
		} else if (starts(s, "<!")) {
			return fail(s, at, "DOCTYPE and CDATA are not allowed "
				    "in a metabase");
		} else if (s->i < s->n && s->b[s->i] != '<') {
			return fail(s, at, "unexpected text between elements");
		} else {
			return MB_OK;
		}
	}
}

/* The bytes that end a name: white space, '=', '>', '/', '<' (and NUL). */
static const unsigned char name_end[256] = {
	[0] = 1, [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1,
	['='] = 1, ['>'] = 1, ['/'] = 1, ['<'] = 1,
};

static size_t scan_name(struct scan *s)
{
	size_t st = s->i;

	/* A table, not five comparisons: names are a fifth of a load. */
	while (s->i < s->n && !name_end[(unsigned char)s->b[s->i]])
		s->i++;
	return s->i - st;
}

static enum mb_status scan_attr(struct scan *s, struct mb_attr *a)
{
	const char *end;
	char q;
	size_t v;

	a->name.off = (uint32_t)s->i;
	a->name.len = (uint32_t)scan_name(s);
	while (s->i < s->n && is_ws(s->b[s->i]))
		s->i++;
	if (!a->name.len || s->i >= s->n || s->b[s->i] != '=')
		return fail(s, s->i, "malformed attribute");
	s->i++;
	while (s->i < s->n && is_ws(s->b[s->i]))
		s->i++;
	if (s->i >= s->n || (s->b[s->i] != '"' && s->b[s->i] != '\''))
		return fail(s, s->i, "attribute value not quoted");
	q = s->b[s->i++];
	v = s->i;
	end = memchr(s->b + v, q, s->n - v);
	if (!end)
		return fail(s, v, "unterminated attribute value");
	s->i = (size_t)(end - s->b);
	a->value.off = (uint32_t)v;
	a->value.len = (uint32_t)(s->i - v);
	s->i++;
	return MB_OK;
}

/*
 * Attributes of a start tag, up to and including '>' or "/>". They are
 * appended to the pool; *count says how many.
 */
static enum mb_status scan_attrs(struct scan *s, uint16_t *count,
				 uint8_t *empty)
{
	enum mb_status st;

	*count = 0;
	for (;;) {
		size_t ws = s->i;

		while (s->i < s->n && is_ws(s->b[s->i]))
			s->i++;
		if (s->i >= s->n)
			return fail(s, ws, "unterminated start tag");
		if (s->b[s->i] == '>' || starts(s, "/>")) {
			*empty = s->b[s->i] == '/';
			s->i += *empty ? 2 : 1;
			return MB_OK;
		}
		if (ws == s->i)
			return fail(s, s->i, "attributes must be separated "
				    "by white space");
		/* Before libxml2 reads it (see mb_doc_check_limits). */
		if (*count == MB_DOC_MAX_ATTRS)
			return fail(s, s->i, "element with more than %u "
				    "attributes: a metabase key has at most "
				    "%u", MB_DOC_MAX_ATTRS, MB_DOC_MAX_ATTRS);
		if (grow((void **)&s->attrs, &s->cattrs, s->nattrs + 1,
			 sizeof(*s->attrs)))
			return oom(s);
		st = scan_attr(s, &s->attrs[s->nattrs]);
		if (st)
			return st;
		s->nattrs++;
		(*count)++;
	}
}

static enum mb_status scan_end_tag(struct scan *s, struct mb_span name)
{
	size_t at = s->i;

	if (!starts(s, "</") || s->n - s->i - 2 < name.len ||
	    memcmp(s->b + s->i + 2, s->doc->buf + name.off, name.len) != 0)
		return fail(s, at, "expected the end tag </%.*s>",
			    (int)name.len, s->doc->buf + name.off);
	s->i += 2 + name.len;
	while (s->i < s->n && is_ws(s->b[s->i]))
		s->i++;
	if (s->i >= s->n || s->b[s->i] != '>')
		return fail(s, at, "malformed end tag");
	s->i++;
	return MB_OK;
}

static enum mb_status scan_custom(struct scan *s, size_t ws)
{
	struct mb_custom *c;
	struct mb_span name;
	enum mb_status st;
	uint8_t empty;

	if (grow((void **)&s->customs, &s->ccustoms, s->ncustoms + 1,
		 sizeof(*s->customs)) ||
	    grow((void **)&s->cust_attr, &s->ccust_attr, s->ncustoms + 1,
		 sizeof(*s->cust_attr)))
		return oom(s);
	c = &s->customs[s->ncustoms];
	memset(c, 0, sizeof(*c));
	c->start = (uint32_t)ws;
	s->cust_attr[s->ncustoms] = (uint32_t)s->nattrs;
	s->i++;
	name.off = (uint32_t)s->i;
	name.len = (uint32_t)scan_name(s);
	st = scan_attrs(s, &c->nattrs, &empty);
	if (!st && !empty) {
		st = skip_misc(s);
		if (!st)
			st = scan_end_tag(s, name);
	}
	c->end = (uint32_t)s->i;
	s->ncustoms++;
	return st;
}

static enum mb_status new_key(struct scan *s, struct mb_key **out)
{
	struct mb_doc *d = s->doc;
	size_t k = d->nkeys;

	if (grow((void **)&d->keys, &s->ckeys, k + 1, sizeof(*d->keys)) ||
	    grow((void **)&s->key_attr, &s->ckey_attr, k + 1,
		 sizeof(*s->key_attr)))
		return oom(s);
	*out = &d->keys[k];
	memset(*out, 0, sizeof(**out));
	s->key_attr[k] = (uint32_t)s->nattrs;
	(*out)->custom0 = (uint32_t)s->ncustoms;
	d->nkeys++;
	return MB_OK;
}

/* Children of a key: only <Custom> elements (and comments). */
static enum mb_status scan_key_body(struct scan *s, struct mb_key *k)
{
	struct mb_span el = mb_key_elem(k);
	enum mb_status st;

	for (;;) {
		size_t ws = s->i;

		st = skip_misc(s);
		if (st)
			return st;
		if (s->i >= s->n)
			return fail(s, ws, "missing end tag </%.*s>",
				    (int)el.len, s->doc->buf + el.off);
		if (starts(s, "</"))
			return scan_end_tag(s, el);
		if (!starts(s, "<Custom") ||
		    (s->i + 7 < s->n && !is_ws(s->b[s->i + 7]) &&
		     s->b[s->i + 7] != '/' && s->b[s->i + 7] != '>'))
			return fail(s, s->i, "unexpected element inside key "
				    "<%.*s>: only <Custom> may appear there",
				    (int)el.len, s->doc->buf + el.off);
		st = scan_custom(s, ws);
		if (st)
			return st;
		k->ncustoms++;
	}
}

static enum mb_status scan_key(struct scan *s)
{
	struct mb_key *k = NULL;
	enum mb_status st;
	size_t at = s->i;
	size_t kidx = s->doc->nkeys;

	st = new_key(s, &k);
	if (st)
		return st;
	k->start = (uint32_t)s->i;
	s->i++;
	k->elem_len = (uint32_t)scan_name(s);
	if (!k->elem_len)
		return fail(s, at, "malformed start tag");
	st = scan_attrs(s, &k->nattrs, &k->empty);
	if (st)
		return st;
	k = &s->doc->keys[kidx];
	k->tag_end = (uint32_t)s->i;
	if (!k->empty)
		st = scan_key_body(s, k);
	k->end = (uint32_t)s->i;
	return st;
}

static enum mb_status scan_mbproperty(struct scan *s)
{
	enum mb_status st;
	uint8_t empty;
	uint16_t n;
	size_t at = s->i;

	if (!starts(s, "<MBProperty") || (s->i + 11 < s->n &&
	    !is_ws(s->b[s->i + 11]) && s->b[s->i + 11] != '>' &&
	    s->b[s->i + 11] != '/'))
		return fail(s, at, "expected <MBProperty> inside "
			    "<configuration>: not a metabase file");
	s->i += 11;
	st = scan_attrs(s, &n, &empty);
	if (st)
		return st;
	s->doc->mbprop_open = (uint32_t)s->i;
	s->doc->mbprop_close = (uint32_t)s->i;
	if (empty)
		return MB_OK;
	for (;;) {
		st = skip_misc(s);
		if (st)
			return st;
		if (s->i >= s->n)
			return fail(s, at, "missing </MBProperty>");
		if (starts(s, "</"))
			break;
		st = scan_key(s);
		if (st)
			return st;
	}
	s->doc->mbprop_close = (uint32_t)s->i;
	return scan_end_tag(s, (struct mb_span){ (uint32_t)at + 1, 10 });
}

static enum mb_status scan_root(struct scan *s)
{
	struct mb_span name = { 0, 0 };
	enum mb_status st;
	uint16_t n, j;
	uint8_t empty;
	size_t first = s->nattrs, at = s->i;

	if (s->i < s->n) {
		s->i++;
		name.off = (uint32_t)s->i;
		name.len = (uint32_t)scan_name(s);
	}
	if (!mb_span_eq(s->doc, name, "configuration"))
		return fail(s, at, "root element is not <configuration>: "
			    "not a metabase file");
	st = scan_attrs(s, &n, &empty);
	for (j = 0; !st && j < n; j++) {
		struct mb_attr *a = &s->attrs[first + j];

		/* The tokenizer runs before libxml2 has refused a doubled
		 * attribute: a second xmlns replaces the first. */
		if (mb_span_eq(s->doc, a->name, "xmlns")) {
			free(s->doc->ns);
			s->doc->ns = mb_doc_text(s->doc, a->value);
		}
	}
	if (st || empty)
		return st ? st : fail(s, at, "empty <configuration>");
	st = skip_misc(s);
	if (!st)
		st = scan_mbproperty(s);
	if (!st)
		st = skip_misc(s);
	if (!st)
		st = scan_end_tag(s, name);
	if (!st)
		st = skip_misc(s);
	if (!st && s->i < s->n)
		st = fail(s, s->i, "content after </configuration>");
	return st;
}

static enum mb_status check_ns(struct mb_doc *d)
{
	static const char pre[] = "urn:microsoft-catalog:XML_Metabase_V";

	if (!d->ns || strncmp(d->ns, pre, sizeof(pre) - 1) == 0)
		return MB_OK;
	return MB_EFILE;
}

/* The number of '/' separated levels of a Location. */
static size_t depth(const char *loc)
{
	size_t n = 0;

	for (; *loc; loc++)
		n += *loc == '/';
	return n;
}

/*
 * Every Location decoded into one block (a malloc per key cost more than
 * the decoding, in time and in memory).
 */
static enum mb_status decode_locations(struct scan *s)
{
	struct mb_doc *d = s->doc;
	size_t k, total = 0, at = 0;

	for (k = 0; k < d->nkeys; k++)
		total += (size_t)mb_key_loc(&d->keys[k])->value.len + 1;
	d->loc_pool = malloc(total ? total : 1);
	if (!d->loc_pool)
		return oom(s);
	for (k = 0; k < d->nkeys; k++) {
		struct mb_key *key = &d->keys[k];

		key->location = d->loc_pool + at;
		at += mb_doc_decode(d, mb_key_loc(key)->value, key->location) + 1;
		if (depth(key->location) > MB_DOC_MAX_DEPTH)
			return fail(s, key->start, "Location of %zu levels: a "
				    "metabase key is at most %u deep",
				    depth(key->location), MB_DOC_MAX_DEPTH);
	}
	return MB_OK;
}

/* A pool grown by doubling, given back down to what it holds. */
static void *fit(void *p, size_t n, size_t size)
{
	void *q = n ? realloc(p, n * size) : NULL;

	return q ? q : p;
}

/* Pool indexes become pointers once the pool stops moving. */
static enum mb_status finish(struct scan *s)
{
	struct mb_doc *d = s->doc;
	size_t k, c;

	/* Up to half of each pool is slack after doubling (SPEC section 5
	 * caps peak memory at 3x the file). */
	d->keys = fit(d->keys, d->nkeys, sizeof(*d->keys));
	s->attrs = fit(s->attrs, s->nattrs, sizeof(*s->attrs));
	s->customs = fit(s->customs, s->ncustoms, sizeof(*s->customs));

	for (c = 0; c < s->ncustoms; c++) {
		struct mb_custom *cu = &s->customs[c];
		const struct mb_attr *id;

		cu->attrs = s->attrs ? s->attrs + s->cust_attr[c] : NULL;
		id = mb_custom_attr(d, cu, "ID");
		if (id && id->value.len && id->value.len < 11) {
			char tmp[12], *end;
			unsigned long v;

			memcpy(tmp, d->buf + id->value.off, id->value.len);
			tmp[id->value.len] = '\0';
			v = strtoul(tmp, &end, 10);
			cu->has_id = *end == '\0' && v <= UINT32_MAX;
			cu->id = (uint32_t)v;
		}
	}
	for (k = 0; k < d->nkeys; k++) {
		struct mb_key *key = &d->keys[k];
		struct mb_attr *a, loc;
		unsigned j;

		/* No pointer arithmetic on a pool that was never allocated. */
		a = s->attrs ? s->attrs + s->key_attr[k] : NULL;
		for (j = 0; j < key->nattrs; j++)
			if (mb_span_eq(d, a[j].name, "Location"))
				break;
		if (j == key->nattrs)
			return fail(s, key->start, "key <%.*s> has no "
				    "Location attribute", (int)key->elem_len,
				    d->buf + key->start + 1);
		/* Location goes first, just before attrs (mb_key_loc): in the
		 * pool, not a copy in the key (24 bytes a key). */
		loc = a[j];
		memmove(&a[1], &a[0], j * sizeof(*a));
		a[0] = loc;
		key->attrs = a + 1;
		key->nattrs--;
	}
	return decode_locations(s);
}

/* The pools belong to the document from here on, even after a failure. */
static void scan_release(struct scan *s)
{
	free(s->key_attr);
	free(s->cust_attr);
	s->doc->attr_pool = s->attrs;
	s->doc->custom_pool = s->customs;
}

enum mb_status mb_doc_scan(struct mb_doc *doc, struct mb_error *err)
{
	struct scan s;
	enum mb_status st;

	memset(&s, 0, sizeof(s));
	s.doc = doc;
	s.b = doc->buf;
	s.n = doc->len;
	s.err = err;
	if (doc->bom)
		s.i = 3;
	st = skip_misc(&s);
	if (!st)
		st = scan_root(&s);
	if (!st && check_ns(doc))
		st = mb_error_set(err, MB_EFILE, "parse", doc->path,
				  "unexpected namespace '%s': a metabase uses "
				  "urn:microsoft-catalog:XML_Metabase_V64_0 "
				  "or none", doc->ns);
	if (!st)
		st = finish(&s);
	scan_release(&s);
	return st;
}

/* Past the end of what follows p (before end) up to and including lit. */
static const char *past(const char *p, const char *end, const char *lit)
{
	size_t l = strlen(lit);

	while ((p = memchr(p, lit[0], (size_t)(end - p))) != NULL) {
		if ((size_t)(end - p) < l)
			return NULL;
		if (memcmp(p, lit, l) == 0)
			return p + l;
		p++;
	}
	return NULL;
}

/* The attributes (name="value" pairs) of the tag at p; *next after it. */
static size_t count_attrs(const char *p, const char *end, const char **next)
{
	size_t n = 0;
	const char *q;

	for (p++; p < end; p++) {
		if (*p == '"' || *p == '\'') {
			/* Values are most of a metabase: skip them whole. */
			q = memchr(p + 1, *p, (size_t)(end - p - 1));
			p = q ? q : end - 1;
		} else if (*p == '=') {
			n++;
		} else if (*p == '>') {
			p++;
			break;
		}
	}
	*next = p;
	return n;
}

static int at(const char *p, const char *end, const char *lit)
{
	size_t l = strlen(lit);

	return (size_t)(end - p) >= l && memcmp(p, lit, l) == 0;
}

enum mb_status mb_doc_check_limits_in(const struct mb_doc *doc, size_t from,
				      size_t to, struct mb_error *err)
{
	const char *p = doc->buf + from, *end = doc->buf + to, *tag;
	size_t n;

	while ((tag = memchr(p, '<', (size_t)(end - p))) != NULL) {
		if (at(tag, end, "<!--"))
			p = past(tag + 4, end, "-->");
		else if (at(tag, end, "<![CDATA["))
			p = past(tag + 9, end, "]]>");
		else if (at(tag, end, "<?"))
			p = past(tag + 2, end, "?>");
		else if ((n = count_attrs(tag, end, &p)) > MB_DOC_MAX_ATTRS)
			return mb_error_set_line(err, MB_EFILE, "parse",
				doc->path, mb_doc_line(doc, (size_t)(tag -
				doc->buf)), "element with %zu attributes: a "
				"metabase key has at most %u", n,
				MB_DOC_MAX_ATTRS);
		if (!p)
			break;  /* unterminated: libxml2 says where */
	}
	return MB_OK;
}

enum mb_status mb_doc_check_limits(const struct mb_doc *doc,
				   struct mb_error *err)
{
	/* Up to the first NUL, as libxml2 would read it. */
	return mb_doc_check_limits_in(doc, 0, strlen(doc->buf), err);
}
