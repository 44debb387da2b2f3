/* SPDX-License-Identifier: MIT */
/*
 * mb_schema_load(): read a real MBSchema.xml into the same layout as the
 * built-in table (schema_priv.h), indexes included, so that schema.c serves
 * both alike and gen/schema_gen.c can print what this file computed.
 *
 * The parse is hardened like the metabase's: no network, no DTD loading, no
 * entity substitution, an external entity loader that refuses everything,
 * and any DOCTYPE is refused outright (a real MBSchema.xml has none, and an
 * internal subset is where billion-laughs and XXE inputs live).
 *
 * Everything a loaded schema owns sits in one chain of pool chunks, so that
 * mb_schema_free() is a walk over the chain.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "schema_priv.h"
#include "mb/xmlsafe.h"

#define WHAT "load schema"
#define MASTER "IIsConfigObject"
#define POOL_CHUNK 65536u
/* A real MBSchema.xml is about 260 kB: anything near this is not one. */
#define MAX_FILE (64u << 20)

struct mb_schema_pool {
	struct mb_schema_pool *next;
	size_t used, cap;
	_Alignas(max_align_t) unsigned char data[];
};

/* Sort entry for building an index; line is for duplicate errors. */
struct ent {
	const char *name;
	uint32_t id;
	uint16_t pos;
	long line;
};

struct loader {
	const char *path;
	struct mb_error *err;
	struct mb_schema_pool *pool;
	struct mb_schema *s;
	struct ent *pents, *fents, *cents; /* props, flags, classes */
};

/* ---- memory ---------------------------------------------------------- */

static void pool_free(struct mb_schema_pool *p)
{
	while (p) {
		struct mb_schema_pool *next = p->next;

		free(p);
		p = next;
	}
}

/* Zeroed, max_align_t-aligned memory that lives as long as the pool. */
static void *pool_alloc(struct loader *ld, size_t n)
{
	const size_t align = _Alignof(max_align_t);
	struct mb_schema_pool *c = ld->pool;
	size_t at;

	n = n ? (n + align - 1) / align * align : align;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > POOL_CHUNK ? n : POOL_CHUNK;

		c = calloc(1, sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->cap = cap;
		c->next = ld->pool;
		ld->pool = c;
	}
	at = c->used;
	c->used += n;
	return c->data + at;
}

static const char *pool_strdup(struct loader *ld, const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = pool_alloc(ld, n);

	if (d)
		memcpy(d, s, n);
	return d;
}

static enum mb_status oom(struct loader *ld)
{
	return mb_error_set(ld->err, MB_EFILE, WHAT, ld->path,
			    "out of memory");
}

/* ---- reading and parsing --------------------------------------------- */

static enum mb_status read_file(const char *path, char **out, size_t *len,
				struct mb_error *err)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 0, n = 0, got;
	char *buf = NULL, *nb;

	if (!f)
		return mb_error_set(err, MB_EFILE, WHAT, path, "cannot open: "
				    "%s; check the --schema path",
				    strerror(errno));
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 1u << 18;
			nb = cap <= MAX_FILE ? realloc(buf, cap) : NULL;
			if (!nb) {
				free(buf);
				fclose(f);
				return mb_error_set(err, MB_EFILE, WHAT, path,
					"too large or out of memory: "
					"not an MBSchema.xml");
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return mb_error_set(err, MB_EFILE, WHAT, path, "read error");
	}
	fclose(f);
	*out = buf;
	*len = n;
	return MB_OK;
}

static enum mb_status parse_report(const char *path, const struct mb_xml_check *st,
				   xmlDocPtr doc, struct mb_error *err)
{
	if (st->doctype || (doc && doc->intSubset))
		return mb_error_set_line(err, MB_EFILE, WHAT, path, st->line,
			"document type declarations (DOCTYPE, entities) are "
			"refused: a real MBSchema.xml has none");
	if (st->failed || !doc)
		return mb_error_set_line(err, MB_EFILE, WHAT, path, st->line,
			"malformed XML: %s; use the MBSchema.xml that IIS "
			"wrote, or drop --schema to use the built-in schema",
			st->failed ? st->msg : "not well-formed");
	return MB_OK;
}

static enum mb_status parse_xml(const char *path, const char *buf,
				size_t len, xmlDocPtr *out,
				struct mb_error *err)
{
	xmlParserCtxtPtr ctxt;
	struct mb_xml_check st;
	xmlDocPtr doc;
	enum mb_status rc;

	mb_xmlsafe_init();
	ctxt = xmlCreateMemoryParserCtxt(buf, (int)len);
	if (!ctxt)
		return mb_error_set(err, MB_EFILE, WHAT, path,
				    "out of memory");
	/* The default SAX2 tree builder, minus DOCTYPE and error output. */
	mb_xmlsafe_hook(ctxt, &st);
	/* BIG_LINES only keeps line numbers past 65535 exact in errors. */
	xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_BIG_LINES);
	xmlParseDocument(ctxt);
	doc = ctxt->myDoc;
	ctxt->myDoc = NULL;
	rc = parse_report(path, &st, ctxt->wellFormed ? doc : NULL, err);
	xmlFreeParserCtxt(ctxt);
	if (rc != MB_OK) {
		xmlFreeDoc(doc);
		return rc;
	}
	*out = doc;
	return MB_OK;
}

/* ---- tree helpers ---------------------------------------------------- */

static int is_elem(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE &&
	       strcmp((const char *)n->name, name) == 0;
}

static const xmlNode *first_child(const xmlNode *n, const char *name)
{
	for (n = n ? n->children : NULL; n; n = n->next)
		if (is_elem(n, name))
			return n;
	return NULL;
}

static const xmlNode *next_sibling(const xmlNode *n, const char *name)
{
	for (n = n->next; n; n = n->next)
		if (is_elem(n, name))
			return n;
	return NULL;
}

static size_t count_children(const xmlNode *n, const char *name)
{
	size_t k = 0;

	for (n = first_child(n, name); n; n = next_sibling(n, name))
		k++;
	return k;
}

/*
 * An attribute's value, pointing into the tree, or NULL when absent. With
 * no DTD there are no entity references, so the value is one text node.
 */
static const char *attr(const xmlNode *n, const char *name)
{
	const xmlAttr *a;

	for (a = n->properties; a; a = a->next) {
		if (strcmp((const char *)a->name, name) != 0)
			continue;
		if (a->children && a->children->type == XML_TEXT_NODE)
			return (const char *)a->children->content;
		return "";
	}
	return NULL;
}

/* A structural error at node n, reported with its line. */
__attribute__((format(printf, 3, 4)))
static enum mb_status bad(struct loader *ld, const xmlNode *n,
			  const char *fmt, ...)
{
	char reason[sizeof(ld->err->reason)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	return mb_error_set_line(ld->err, MB_EFILE, WHAT, ld->path,
				 n ? xmlGetLineNo(n) : 0, "%s", reason);
}

static enum mb_status need(struct loader *ld, const xmlNode *n,
			   const char *name, const char **out)
{
	*out = attr(n, name);
	if (!*out)
		return bad(ld, n, "<%s> has no %s attribute",
			   (const char *)n->name, name);
	return MB_OK;
}

/* Strict unsigned decimal: the schema never writes hex or signs. */
static enum mb_status get_u32(struct loader *ld, const xmlNode *n,
			      const char *name, uint32_t *out)
{
	const char *v = attr(n, name);
	uint64_t x = 0;
	const char *p;

	if (!v)
		return bad(ld, n, "<%s> has no %s attribute",
			   (const char *)n->name, name);
	for (p = v; *p >= '0' && *p <= '9' && x <= UINT32_MAX; p++)
		x = x * 10 + (uint64_t)(*p - '0');
	if (p == v || *p || x > UINT32_MAX)
		return bad(ld, n, "%s=\"%s\" is not a 32-bit decimal number",
			   name, v);
	*out = (uint32_t)x;
	return MB_OK;
}

/* Next "|"-separated token of *p, trimmed; 0 at the end. */
static int next_token(const char **p, const char **tok, size_t *len)
{
	const char *s = *p, *e;

	while (*s == ' ' || *s == '\t' || *s == '|')
		s++;
	if (!*s)
		return 0;
	for (e = s; *e && *e != '|'; e++)
		;
	*p = e;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*tok = s;
	*len = (size_t)(e - s);
	return 1;
}

static int token_is(const char *tok, size_t len, const char *word)
{
	return strlen(word) == len && memcmp(tok, word, len) == 0;
}

/* ---- properties and flags -------------------------------------------- */

static enum mb_status parse_attrs(struct loader *ld, const xmlNode *n,
				  unsigned *out)
{
	static const struct { const char *name; unsigned bit; } names[] = {
		{ "NO_ATTRIBUTES", 0 }, { "INHERIT", MB_ATTR_INHERIT },
		{ "SECURE", MB_ATTR_SECURE },
		{ "REFERENCE", MB_ATTR_REFERENCE },
		{ "VOLATILE", MB_ATTR_VOLATILE },
	};
	const char *v = attr(n, "Attributes"), *tok;
	size_t len, i;

	*out = 0;
	while (v && next_token(&v, &tok, &len)) {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (token_is(tok, len, names[i].name))
				break;
		if (i == sizeof(names) / sizeof(names[0]))
			return bad(ld, n, "unknown Attributes value in "
				   "\"%s\"", attr(n, "Attributes"));
		*out |= names[i].bit;
	}
	return MB_OK;
}

/* Only the MetaFlags mbtool acts on; HIDDEN and the like are ignored. */
static unsigned parse_meta(const xmlNode *n)
{
	const char *v = attr(n, "MetaFlags"), *tok;
	unsigned m = 0;
	size_t len;

	while (v && next_token(&v, &tok, &len)) {
		if (token_is(tok, len, "CASEINSENSITIVE"))
			m |= MB_META_CASEINSENSITIVE;
		else if (token_is(tok, len, "PRIMARYKEY"))
			m |= MB_META_PRIMARYKEY;
	}
	return m;
}

static enum mb_status load_range(struct loader *ld, const xmlNode *n,
				 struct mb_prop *p)
{
	enum mb_status rc = MB_OK;

	p->has_start = attr(n, "StartingNumber") != NULL;
	p->has_end = attr(n, "EndingNumber") != NULL;
	if (p->has_start)
		rc = get_u32(ld, n, "StartingNumber", &p->start);
	if (rc == MB_OK && p->has_end)
		rc = get_u32(ld, n, "EndingNumber", &p->end);
	return rc;
}

static enum mb_status load_flags(struct loader *ld, const xmlNode *n,
				 uint16_t ppos, size_t *fpos)
{
	struct mb_flag *flags = (struct mb_flag *)ld->s->flags;
	uint16_t *parent = (uint16_t *)ld->s->flag_parent;
	const xmlNode *f;
	const char *name;

	for (f = first_child(n, "Flag"); f; f = next_sibling(f, "Flag")) {
		struct mb_flag *fl = &flags[*fpos];

		if (need(ld, f, "InternalName", &name) ||
		    get_u32(ld, f, "Value", &fl->value) ||
		    get_u32(ld, f, "ID", &fl->id))
			return MB_EFILE;
		fl->name = pool_strdup(ld, name);
		if (!fl->name)
			return oom(ld);
		parent[*fpos] = ppos;
		ld->fents[*fpos] = (struct ent){ fl->name, fl->id,
			(uint16_t)*fpos, xmlGetLineNo(f) };
		(*fpos)++;
	}
	return MB_OK;
}

static enum mb_status load_prop(struct loader *ld, const xmlNode *n,
				struct mb_prop *p)
{
	const char *name, *type, *ut = attr(n, "UserType");
	const char *def = attr(n, "DefaultValue");

	if (need(ld, n, "InternalName", &name) ||
	    get_u32(ld, n, "ID", &p->id) || need(ld, n, "Type", &type))
		return MB_EFILE;
	p->type = mb_type_parse(type);
	if (p->type == MB_T_UNKNOWN)
		return bad(ld, n, "unknown Type=\"%s\" of property %s", type,
			   name);
	if (parse_attrs(ld, n, &p->attrs) || load_range(ld, n, p))
		return MB_EFILE;
	p->meta = parse_meta(n);
	p->name = pool_strdup(ld, name);
	p->user_type = pool_strdup(ld, ut ? ut : "");
	p->default_value = def ? pool_strdup(ld, def) : NULL;
	if (!p->name || !p->user_type || (def && !p->default_value))
		return oom(ld);
	return MB_OK;
}

static enum mb_status alloc_props(struct loader *ld, const xmlNode *master)
{
	struct mb_schema *s = ld->s;
	const xmlNode *n;

	s->nprops = count_children(master, "Property");
	for (n = first_child(master, "Property"); n;
	     n = next_sibling(n, "Property"))
		s->nflags += count_children(n, "Flag");
	if (!s->nprops)
		return bad(ld, master, "collection %s defines no properties",
			   MASTER);
	if (s->nprops > MB_SCHEMA_MAX_ENTRIES ||
	    s->nflags > MB_SCHEMA_MAX_ENTRIES)
		return bad(ld, master, "too many properties or flags in %s",
			   MASTER);
	s->props = pool_alloc(ld, s->nprops * sizeof(struct mb_prop));
	s->flags = pool_alloc(ld, s->nflags * sizeof(struct mb_flag));
	s->flag_parent = pool_alloc(ld, s->nflags * sizeof(uint16_t));
	ld->pents = calloc(s->nprops, sizeof(struct ent));
	ld->fents = calloc(s->nflags + 1, sizeof(struct ent));
	if (!s->props || !s->flags || !s->flag_parent || !ld->pents ||
	    !ld->fents)
		return oom(ld);
	return MB_OK;
}

static enum mb_status load_props(struct loader *ld, const xmlNode *master)
{
	struct mb_prop *props;
	const xmlNode *n;
	size_t i = 0, fpos = 0;

	if (alloc_props(ld, master))
		return MB_EFILE;
	props = (struct mb_prop *)ld->s->props;
	for (n = first_child(master, "Property"); n;
	     n = next_sibling(n, "Property"), i++) {
		struct mb_prop *p = &props[i];
		size_t first = fpos;

		if (load_prop(ld, n, p) ||
		    load_flags(ld, n, (uint16_t)i, &fpos))
			return MB_EFILE;
		p->flags = fpos > first ? &ld->s->flags[first] : NULL;
		p->nflags = (unsigned)(fpos - first);
		ld->pents[i] = (struct ent){ p->name, p->id, (uint16_t)i,
					     xmlGetLineNo(n) };
	}
	return MB_OK;
}

/* ---- indexes --------------------------------------------------------- */

static int ent_fold(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;

	return mb_schema_keycmp(x->name, strlen(x->name), y->name);
}

static int ent_exact(const void *a, const void *b)
{
	return strcmp(((const struct ent *)a)->name,
		      ((const struct ent *)b)->name);
}

static int ent_id(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/*
 * Sort the entries and write their positions as an index. Two equal keys
 * would make a lookup ambiguous, so they are an error, reported at the
 * later of the two declarations.
 */
static enum mb_status make_index(struct loader *ld, struct ent *e, size_t n,
				 int (*cmp)(const void *, const void *),
				 const char *what, const uint16_t **out)
{
	uint16_t *idx = pool_alloc(ld, n * sizeof(uint16_t));
	size_t i;

	if (!idx)
		return oom(ld);
	qsort(e, n, sizeof(*e), cmp);
	for (i = 0; i < n; i++) {
		if (i && cmp(&e[i - 1], &e[i]) == 0) {
			const struct ent *d = e[i].line > e[i - 1].line ?
					      &e[i] : &e[i - 1];

			mb_error_set_line(ld->err, MB_EFILE, WHAT, ld->path,
					  d->line, "duplicate %s: %s and %s",
					  what, e[i - 1].name, e[i].name);
			return MB_EFILE;
		}
		idx[i] = e[i].pos;
	}
	*out = idx;
	return MB_OK;
}

static enum mb_status index_props(struct loader *ld)
{
	struct mb_schema *s = ld->s;
	size_t size = mb_schema_hash_size(s->nprops);
	uint16_t *tab;

	if (make_index(ld, ld->pents, s->nprops, ent_fold,
		       "property name", &s->prop_by_name) ||
	    make_index(ld, ld->pents, s->nprops, ent_id, "property ID",
		       &s->prop_by_id) ||
	    make_index(ld, ld->fents, s->nflags, ent_fold, "flag name",
		       &s->flag_by_name))
		return MB_EFILE;
	/* names are unique now (make_index checked): hash them */
	tab = pool_alloc(ld, size * sizeof(*tab));
	if (!tab)
		return oom(ld);
	mb_schema_hash_fill(s->props, s->nprops, tab, size);
	s->prop_hash = tab;
	s->prop_hash_size = size;
	return MB_OK;
}

/* ---- classes --------------------------------------------------------- */

static int cmp_u16(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;

	return (x > y) - (x < y);
}

/* "IIsConfigObject:Name" -> position of Name in the master collection. */
static enum mb_status resolve_member(struct loader *ld, const xmlNode *n,
				     const char *ref, uint16_t *pos)
{
	const char *colon = strchr(ref, ':');
	const struct mb_prop *p = NULL;

	if (colon && (size_t)(colon - ref) == strlen(MASTER) &&
	    memcmp(ref, MASTER, strlen(MASTER)) == 0)
		p = mb_schema_prop(ld->s, colon + 1);
	if (!p)
		return bad(ld, n, "InheritsPropertiesFrom=\"%s\" names no "
			   "property of %s", ref, MASTER);
	*pos = (uint16_t)(p - ld->s->props);
	return MB_OK;
}

/*
 * Members are kept sorted by position (master file order) and unique, so
 * that mb_schema_class_has() can bsearch them. A <Property> that defines
 * instead of referring (MetabaseBaseClass's Location, the key's own
 * Location attribute) is not a metabase property and is skipped.
 */
static enum mb_status load_members(struct loader *ld, const xmlNode *c,
				   struct mb_class *cls)
{
	size_t max = count_children(c, "Property"), n = 0, i, k = 0;
	uint16_t *m = pool_alloc(ld, max * sizeof(uint16_t));
	const xmlNode *p;
	const char *ref;

	if (!m)
		return oom(ld);
	for (p = first_child(c, "Property"); p;
	     p = next_sibling(p, "Property")) {
		ref = attr(p, "InheritsPropertiesFrom");
		if (ref && resolve_member(ld, p, ref, &m[n++]))
			return MB_EFILE;
	}
	qsort(m, n, sizeof(*m), cmp_u16);
	for (i = 0; i < n; i++)
		if (!k || m[k - 1] != m[i])
			m[k++] = m[i];
	cls->props = m;
	cls->nprops = (unsigned)k;
	return MB_OK;
}

/* The master lists every property: its members are all of them. */
static enum mb_status master_members(struct loader *ld, struct mb_class *cls)
{
	uint16_t *m = pool_alloc(ld, ld->s->nprops * sizeof(uint16_t));
	size_t i;

	if (!m)
		return oom(ld);
	for (i = 0; i < ld->s->nprops; i++)
		m[i] = (uint16_t)i;
	cls->props = m;
	cls->nprops = (unsigned)ld->s->nprops;
	return MB_OK;
}

static enum mb_status load_class(struct loader *ld, const xmlNode *c,
				 struct mb_class *cls)
{
	const char *name, *list = attr(c, "ContainerClassList");

	if (need(ld, c, "InternalName", &name))
		return MB_EFILE;
	cls->name = pool_strdup(ld, name);
	cls->container_list = pool_strdup(ld, list ? list : "");
	if (!cls->name || !cls->container_list)
		return oom(ld);
	if (strcmp(name, MASTER) == 0)
		return master_members(ld, cls);
	return load_members(ld, c, cls);
}

static enum mb_status load_classes(struct loader *ld, const xmlNode *db)
{
	struct mb_schema *s = ld->s;
	struct mb_class *classes;
	const xmlNode *c;
	size_t i = 0;

	s->nclasses = count_children(db, "Collection");
	if (s->nclasses > MB_SCHEMA_MAX_ENTRIES)
		return bad(ld, db, "too many collections");
	classes = pool_alloc(ld, s->nclasses * sizeof(*classes));
	ld->cents = calloc(s->nclasses + 1, sizeof(struct ent));
	if (!classes || !ld->cents)
		return oom(ld);
	s->classes = classes;
	for (c = first_child(db, "Collection"); c;
	     c = next_sibling(c, "Collection"), i++) {
		if (load_class(ld, c, &classes[i]))
			return MB_EFILE;
		ld->cents[i] = (struct ent){ classes[i].name, 0, (uint16_t)i,
					     xmlGetLineNo(c) };
	}
	return make_index(ld, ld->cents, s->nclasses, ent_exact,
			  "collection", &s->class_by_name);
}

/* ---- the document ---------------------------------------------------- */

static const xmlNode *find_master(const xmlNode *db)
{
	const xmlNode *c;
	const char *name;

	for (c = first_child(db, "Collection"); c;
	     c = next_sibling(c, "Collection")) {
		name = attr(c, "InternalName");
		if (name && strcmp(name, MASTER) == 0)
			return c;
	}
	return NULL;
}

static enum mb_status load_doc(struct loader *ld, xmlDocPtr doc)
{
	const xmlNode *root = xmlDocGetRootElement(doc), *db, *master;

	if (!is_elem(root, "MetaData"))
		return bad(ld, root, "the root element is not <MetaData>: "
			   "not an MBSchema.xml");
	db = first_child(root, "DatabaseMeta");
	if (!db)
		return bad(ld, root, "no <DatabaseMeta> in <MetaData>: "
			   "not an MBSchema.xml");
	master = find_master(db);
	if (!master)
		return bad(ld, db, "no <Collection InternalName=\"%s\">: "
			   "not an MBSchema.xml", MASTER);
	ld->s = pool_alloc(ld, sizeof(*ld->s));
	if (!ld->s)
		return oom(ld);
	if (load_props(ld, master) || index_props(ld) ||
	    load_classes(ld, db))
		return MB_EFILE;
	ld->s->pool = ld->pool;
	return MB_OK;
}

enum mb_status mb_schema_load(const char *path, struct mb_schema **out,
			      struct mb_error *err)
{
	struct loader ld = { .path = path, .err = err };
	xmlDocPtr doc = NULL;
	enum mb_status rc;
	char *buf = NULL;
	size_t len = 0;

	*out = NULL;
	rc = read_file(path, &buf, &len, err);
	if (rc != MB_OK)
		return rc;
	/* libxml2 cannot make a context for no bytes: say what it is. */
	if (len == 0)
		rc = mb_error_set(err, MB_EFILE, WHAT, path, "the file is empty: "
				  "not an MBSchema.xml");
	else
		rc = parse_xml(path, buf, len, &doc, err);
	free(buf);
	if (rc == MB_OK)
		rc = load_doc(&ld, doc);
	xmlFreeDoc(doc);
	free(ld.pents);
	free(ld.fents);
	free(ld.cents);
	if (rc != MB_OK) {
		pool_free(ld.pool);
		return rc;
	}
	*out = ld.s;
	return MB_OK;
}

void mb_schema_free(struct mb_schema *s)
{
	/* The built-in table has no pool and is never freed. */
	if (s && s->pool)
		pool_free(s->pool);
}
