/* SPDX-License-Identifier: MIT */
/*
 * The metabase document: the original bytes of a MetaBase.xml (or History
 * copy, MetaBack backup, export file) and an index of spans into them.
 *
 * libxml2 checks the file (well-formedness, encoding, no DOCTYPE, no entity
 * expansion, no network); a small tokenizer then records, for every key
 * (element under <MBProperty>), its KeyType, Location, the byte span of each
 * attribute and of each <Custom> child. Nothing is ever re-serialised: values
 * are read from the raw spans (so literal newlines of MULTISZ values survive,
 * which libxml2's attribute normalisation would turn into spaces), and
 * writers splice new bytes between untouched ones.
 *
 *   struct mb_doc *doc;
 *   if (mb_doc_load(path, schema, &doc, &err)) ...
 *   size_t k = mb_doc_find(doc, "/LM/W3SVC/1/ROOT");   (case-insensitive)
 *   struct mb_value v;
 *   if (mb_doc_effective(doc, k, prop, &v)) ... v.key is where it is set
 *   char *text = mb_value_text(doc, &v);
 *   mb_doc_free(doc);
 *
 * Offsets are 32-bit: files of 4 GiB or more are refused.
 */
#ifndef MB_DOC_H
#define MB_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "mb/err.h"
#include "mb/schema.h"

#define MB_NOKEY ((size_t)-1)
/* No key, in a key's 32-bit tree links (mb_key_link turns it to MB_NOKEY). */
#define MB_NOLINK UINT32_MAX
/*
 * Deepest Location accepted (levels, i.e. '/' characters). Real files go
 * about 8 deep; the limit bounds what a hostile file can make a load cost.
 */
#define MB_DOC_MAX_DEPTH 256u
/* Largest file read (bytes): hosting files of 200,000 sites are ~250 MB. */
#define MB_DOC_MAX_SIZE (1024u * 1024 * 1024)
/* Most attributes one element may carry (the schema has some 500). */
#define MB_DOC_MAX_ATTRS 2048u

struct mb_span {
	uint32_t off;
	uint32_t len;
};

/*
 * 16 bytes: a hosting file holds four attributes a key, and the index of
 * a loaded file counts against SPEC section 5's 3x. Where the attribute's
 * bytes begin and end follows from the spans (mb_attr_start, mb_attr_end).
 */
struct mb_attr {
	struct mb_span name;   /* the attribute name */
	struct mb_span value;  /* raw bytes between the quotes, still escaped */
};

/* A <Custom Name ID Value Type UserType Attributes/> child of a key. */
struct mb_custom {
	uint32_t start;        /* first byte of the whitespace before '<' */
	uint32_t end;          /* just after "/>" */
	uint32_t id;
	uint16_t nattrs;       /* at most MB_DOC_MAX_ATTRS */
	uint8_t has_id;
	struct mb_attr *attrs;
};

/*
 * 64 bytes (was 112): the keys are most of a loaded file's index, which
 * counts against SPEC section 5's 3x. The tree links are 32-bit key
 * numbers (a key takes more than 4 bytes of a file under 4 GiB); read
 * them with mb_key_parent, mb_key_first_child, mb_key_next_sibling. The
 * element name and the Customs are found from start and custom0
 * (mb_key_elem, mb_key_customs), not held as a span and a pointer.
 */
struct mb_key {
	char *location;        /* decoded Location */
	struct mb_attr *attrs; /* the other attributes, in file order; the
				* Location attribute is attrs[-1] (mb_key_loc) */
	const struct mb_class *cls; /* NULL when the schema does not know it */
	uint32_t start;        /* the '<' of the start tag */
	uint32_t elem_len;     /* KeyType, just after the <: mb_key_elem */
	uint32_t tag_end;      /* just after the '>' (or "/>") of the start tag */
	uint32_t end;          /* just after the '>' of the end tag */
	uint32_t custom0;      /* first in doc's Custom pool: mb_key_customs */
	uint32_t ncustoms;
	/* private: MB_NOLINK for none */
	uint32_t parent32;     /* nearest existing ancestor key */
	uint32_t first_child32; /* direct children in document order */
	uint32_t next_sibling32;
	uint16_t nattrs;       /* at most MB_DOC_MAX_ATTRS */
	uint8_t empty;         /* written as <X .../> */
};

enum mb_doc_kind {
	MB_KIND_METABASE = 0,  /* MetaBase.xml or a copy of it */
	MB_KIND_HISTORY,       /* History\MetaBase_<major>_<minor>.xml */
	MB_KIND_BACKUP,        /* MetaBack\<name>.MD<n> */
	MB_KIND_EXPORT,        /* iiscnfg /export: no IIS_Global */
};

struct mb_doc {
	char *path;
	char *buf;             /* the original bytes, NUL-terminated */
	size_t len;
	int bom;               /* starts with a UTF-8 BOM */
	int crlf;              /* line ends are CRLF */
	char *ns;              /* namespace of <configuration>, or NULL */
	enum mb_doc_kind kind;
	uint32_t mbprop_open;  /* just after "<MBProperty>" */
	uint32_t mbprop_close; /* the '<' of "</MBProperty>" */
	struct mb_key *keys;   /* document order */
	size_t nkeys;
	const struct mb_schema *schema;
	/* private */
	uint64_t *index;       /* hash index of Locations: the hash's high
				* half, then key + 1 (0 = free) */
	size_t index_cap;
	struct mb_attr *attr_pool;
	struct mb_custom *custom_pool;
	char *loc_pool;        /* every key's decoded Location, one block */
};

/* Where a property's value comes from. */
struct mb_value {
	size_t key;                   /* the key that sets it, or MB_NOKEY */
	const struct mb_attr *attr;   /* attribute form, or NULL */
	const struct mb_custom *custom; /* <Custom> form, or NULL */
	struct mb_span raw;           /* raw (escaped) bytes of the value */
};

enum mb_status mb_doc_load(const char *path, const struct mb_schema *schema,
			   struct mb_doc **out, struct mb_error *err);
/* Parse bytes already in memory (copied); name is used in messages. */
enum mb_status mb_doc_parse(const char *name, const char *data, size_t len,
			    const struct mb_schema *schema,
			    struct mb_doc **out, struct mb_error *err);
/*
 * The same without the copy: buf (malloc'ed, len + 1 bytes so the parser
 * can NUL-terminate it) becomes the document's, or is freed on failure.
 * Used where the bytes were just built (a write checks its own output)
 * and a second copy of a large file would only cost memory.
 */
enum mb_status mb_doc_parse_take(const char *name, char *buf, size_t len,
				 const struct mb_schema *schema,
				 struct mb_doc **out, struct mb_error *err);
void mb_doc_free(struct mb_doc *doc);
/*
 * A write that has taken what it needs gives memory back before it builds
 * and checks the new file (SPEC section 5: peak <= 3x the file size).
 * drop_index leaves path, buf and len (no key lookups any more: nkeys is
 * 0); drop_bytes also frees buf (len 0). Only mb_doc_free may follow.
 */
void mb_doc_drop_index(struct mb_doc *doc);
void mb_doc_drop_bytes(struct mb_doc *doc);

/* The element name (KeyType) of a key. */
static inline struct mb_span mb_key_elem(const struct mb_key *k)
{
	return (struct mb_span){ k->start + 1, k->elem_len };
}

/* A key's <Custom> children (ncustoms of them), or NULL when none. */
static inline const struct mb_custom *mb_key_customs(const struct mb_doc *doc,
						     const struct mb_key *k)
{
	return k->ncustoms ? doc->custom_pool + k->custom0 : NULL;
}

/* A 32-bit tree link as a key number: MB_NOLINK is MB_NOKEY. */
static inline size_t mb_key_link(uint32_t link)
{
	return link == MB_NOLINK ? MB_NOKEY : (size_t)link;
}

/* Nearest existing ancestor key, or MB_NOKEY. */
static inline size_t mb_key_parent(const struct mb_key *k)
{
	return mb_key_link(k->parent32);
}

/* First direct child in document order, or MB_NOKEY. */
static inline size_t mb_key_first_child(const struct mb_key *k)
{
	return mb_key_link(k->first_child32);
}

/* The next child of the same parent, or MB_NOKEY after the last. */
static inline size_t mb_key_next_sibling(const struct mb_key *k)
{
	return mb_key_link(k->next_sibling32);
}

/* The Location attribute of a key (every key has one). */
static inline const struct mb_attr *mb_key_loc(const struct mb_key *k)
{
	return k->attrs - 1;
}

/* First byte of the white space before an attribute's name. */
uint32_t mb_attr_start(const struct mb_doc *doc, const struct mb_attr *a);
/* Just after an attribute's closing quote. */
static inline uint32_t mb_attr_end(const struct mb_attr *a)
{
	return a->value.off + a->value.len + 1;
}

/* Key by Location, case-insensitively; MB_NOKEY if absent. */
size_t mb_doc_find(const struct mb_doc *doc, const char *location);
size_t mb_doc_find_n(const struct mb_doc *doc, const char *location,
		     size_t len);

/* Is key a (or b itself) an ancestor-or-self of b in the Location tree? */
int mb_doc_is_under(const struct mb_doc *doc, size_t ancestor, size_t key);

/* 1 and *out filled when key itself sets prop (attribute or Custom ID). */
int mb_doc_local(const struct mb_doc *doc, size_t key,
		 const struct mb_prop *prop, struct mb_value *out);
/*
 * The effective value: key itself, then (INHERIT properties only) the
 * nearest ancestor that sets it. Returns 0 (out->key = MB_NOKEY) when only
 * the schema default applies.
 */
int mb_doc_effective(const struct mb_doc *doc, size_t key,
		     const struct mb_prop *prop, struct mb_value *out);

/*
 * mb_doc_effective for every key at once, in one walk of the tree:
 * src[k] (nkeys entries) is the key whose local value is effective at k,
 * or MB_NOKEY. Whole-file analyses use it instead of a lookup per key.
 */
void mb_doc_effective_keys(const struct mb_doc *doc,
			   const struct mb_prop *prop, size_t *src);

/* Resolve an attribute name to the schema, or NULL for unknown names. */
const struct mb_prop *mb_doc_attr_prop(const struct mb_doc *doc,
				       const struct mb_attr *a);
/* A Custom's name/attribute value by attribute name ("Name", "Value"...). */
const struct mb_attr *mb_custom_attr(const struct mb_doc *doc,
				     const struct mb_custom *c,
				     const char *name);

/* Decoded (entities resolved, CRLF -> LF) text of a raw span. malloc'd. */
char *mb_doc_text(const struct mb_doc *doc, struct mb_span raw);
/* Line number (1-based) of a byte offset. */
long mb_doc_line(const struct mb_doc *doc, size_t off);
/* A span compared with a C string. */
int mb_span_eq(const struct mb_doc *doc, struct mb_span s, const char *str);

#endif
