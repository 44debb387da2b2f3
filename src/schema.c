/* SPDX-License-Identifier: MIT */
/*
 * Lookups over a schema, built-in or loaded. Both kinds carry pre-sorted
 * index arrays and a property-name hash table (schema_priv.h), so every
 * lookup reads const data and is safe from any number of threads without
 * locking; the library keeps no state of its own.
 *
 * A NULL schema means the built-in one, so that callers holding an optional
 * --schema never need a branch of their own.
 */
#include <stdlib.h>
#include <string.h>

#include "schema_priv.h"

/* Matches MB_T_* order; the spellings are those of MBSchema.xml Type=. */
static const char *const type_names[] = {
	"UNKNOWN", "STRING", "EXPANDSZ", "DWORD", "BOOL", "MULTISZ",
	"BINARY", "MIMEMAP", "IPSECLIST", "NTACL", "WSTR",
};

#define NTYPES (sizeof(type_names) / sizeof(type_names[0]))

/* The master collection: a key of this class may hold any property. */
static const char master_class[] = "IIsConfigObject";
/* ADSI's class of a key without KeyType, which the file writes as master. */
static const char generic_class[] = "IIsObject";

/* What bsearch compares against: a name that need not be terminated. */
struct key {
	const char *s;
	size_t len;
	const void *base; /* the array the uint16_t positions point into */
};

static const struct mb_schema *pick(const struct mb_schema *s)
{
	return s ? s : &mb_schema_builtin_table;
}

static int fold(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

int mb_schema_keycmp(const char *key, size_t len, const char *name)
{
	const unsigned char *n = (const unsigned char *)name;
	size_t i;

	for (i = 0; i < len && n[i]; i++) {
		int d = fold((unsigned char)key[i]) - fold(n[i]);

		if (d)
			return d;
	}
	if (i < len)
		return 1;       /* name is a prefix of key */
	return n[i] ? -1 : 0;   /* key is a prefix of name */
}

const struct mb_schema *mb_schema_builtin(void)
{
	return &mb_schema_builtin_table;
}

size_t mb_schema_nprops(const struct mb_schema *s)
{
	return pick(s)->nprops;
}

const struct mb_prop *mb_schema_prop_at(const struct mb_schema *s, size_t i)
{
	s = pick(s);
	return i < s->nprops ? &s->props[i] : NULL;
}

static int cmp_prop_name(const void *k, const void *elt)
{
	const struct key *key = k;
	const struct mb_prop *props = key->base;

	return mb_schema_keycmp(key->s, key->len,
				props[*(const uint16_t *)elt].name);
}

/*
 * The name hash of the schema's prop_hash table: the length and four
 * folded letters (cheap, and enough to spread the schema's names), so
 * names that mb_schema_keycmp calls equal hash alike.
 */
uint32_t mb_schema_name_hash(const char *name, size_t len)
{
	const unsigned char *n = (const unsigned char *)name;
	uint32_t h;

	if (!len)
		return 0;
	h = (uint32_t)len * 2654435761u;
	h ^= (uint32_t)fold(n[0]) * 31u + (uint32_t)fold(n[len - 1]);
	h = h * 16777619u ^ ((uint32_t)fold(n[len / 2]) << 8 |
			     (uint32_t)fold(n[len / 3]));
	return h ^ (h >> 15);
}

size_t mb_schema_hash_size(size_t nprops)
{
	size_t n = 16;

	while (n < 2 * nprops)
		n *= 2;
	return n;
}

void mb_schema_hash_fill(const struct mb_prop *props, size_t nprops,
			 uint16_t *tab, size_t size)
{
	size_t i, h;

	memset(tab, 0, size * sizeof(*tab));
	for (i = 0; i < nprops; i++) {
		h = mb_schema_name_hash(props[i].name, strlen(props[i].name));
		while (tab[h & (size - 1)])
			h++;
		tab[h & (size - 1)] = (uint16_t)(i + 1);
	}
}

/* Callers mostly write the schema's own spelling, so an exact compare
 * settles most probes before the case-folding one. */
static int same_name(const char *key, size_t len, const char *name)
{
	size_t i = 0;

	while (i < len && name[i] && key[i] == name[i])
		i++;
	if (i == len)
		return name[len] == '\0';
	return mb_schema_keycmp(key, len, name) == 0;
}

static const struct mb_prop *prop_bsearch(const struct mb_schema *s,
					  const char *name, size_t len)
{
	struct key key;
	const uint16_t *hit;

	key.s = name;
	key.len = len;
	key.base = s->props;
	hit = bsearch(&key, s->prop_by_name, s->nprops, sizeof(uint16_t),
		      cmp_prop_name);
	return hit ? &s->props[*hit] : NULL;
}

/*
 * The account and doctor rules ask for the same few names once per key,
 * hundreds of thousands of times on a large file: the schema's hash table
 * answers with one hash and (mostly) one compare, where the bsearch made
 * ten case-folding ones. Const data, so any number of threads may ask.
 */
static const struct mb_prop *prop_hashed(const struct mb_schema *s,
					 const char *name, size_t len)
{
	size_t mask = s->prop_hash_size - 1, h;
	unsigned pos;

	for (h = mb_schema_name_hash(name, len); (pos = s->prop_hash[h & mask]);
	     h++)
		if (same_name(name, len, s->props[pos - 1].name))
			return &s->props[pos - 1];
	return NULL;
}

const struct mb_prop *mb_schema_prop_n(const struct mb_schema *s,
				       const char *name, size_t len)
{
	s = pick(s);
	if (!name)
		return NULL;
	/* a schema still being loaded has only its sorted index */
	return s->prop_hash ? prop_hashed(s, name, len)
			    : prop_bsearch(s, name, len);
}

const struct mb_prop *mb_schema_prop(const struct mb_schema *s,
				     const char *name)
{
	return name ? mb_schema_prop_n(s, name, strlen(name)) : NULL;
}

struct id_key {
	uint32_t id;
	const struct mb_prop *props;
};

static int cmp_prop_id(const void *k, const void *elt)
{
	const struct id_key *key = k;
	uint32_t id = key->props[*(const uint16_t *)elt].id;

	return (key->id > id) - (key->id < id);
}

/* Position of the property with this ID, or -1. */
static long prop_pos_by_id(const struct mb_schema *s, uint32_t id)
{
	struct id_key key = { id, s->props };
	const uint16_t *hit;

	hit = bsearch(&key, s->prop_by_id, s->nprops, sizeof(uint16_t),
		      cmp_prop_id);
	return hit ? (long)*hit : -1;
}

const struct mb_prop *mb_schema_prop_by_id(const struct mb_schema *s,
					   uint32_t id)
{
	long pos;

	s = pick(s);
	pos = prop_pos_by_id(s, id);
	return pos < 0 ? NULL : &s->props[pos];
}

static int cmp_flag_name(const void *k, const void *elt)
{
	const struct key *key = k;
	const struct mb_flag *flags = key->base;

	return mb_schema_keycmp(key->s, key->len,
				flags[*(const uint16_t *)elt].name);
}

const struct mb_flag *mb_schema_flag_n(const struct mb_schema *s,
				       const char *name, size_t len,
				       const struct mb_prop **parent)
{
	struct key key;
	const uint16_t *hit = NULL;

	s = pick(s);
	if (name) {
		key.s = name;
		key.len = len;
		key.base = s->flags;
		hit = bsearch(&key, s->flag_by_name, s->nflags,
			      sizeof(uint16_t), cmp_flag_name);
	}
	if (parent)
		*parent = hit ? &s->props[s->flag_parent[*hit]] : NULL;
	return hit ? &s->flags[*hit] : NULL;
}

const struct mb_flag *mb_schema_flag(const struct mb_schema *s,
				     const char *name,
				     const struct mb_prop **parent)
{
	return mb_schema_flag_n(s, name, name ? strlen(name) : 0, parent);
}

size_t mb_schema_nclasses(const struct mb_schema *s)
{
	return pick(s)->nclasses;
}

const struct mb_class *mb_schema_class_at(const struct mb_schema *s, size_t i)
{
	s = pick(s);
	return i < s->nclasses ? &s->classes[i] : NULL;
}

static int cmp_class_name(const void *k, const void *elt)
{
	const struct key *key = k;
	const struct mb_class *classes = key->base;

	return strcmp(key->s, classes[*(const uint16_t *)elt].name);
}

const struct mb_class *mb_schema_class(const struct mb_schema *s,
				       const char *keytype)
{
	struct key key;
	const uint16_t *hit;

	s = pick(s);
	if (!keytype)
		return NULL;
	key.s = keytype;
	key.len = strlen(keytype);
	key.base = s->classes;
	hit = bsearch(&key, s->class_by_name, s->nclasses, sizeof(uint16_t),
		      cmp_class_name);
	return hit ? &s->classes[*hit] : NULL;
}

static int cmp_u16(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;

	return (x > y) - (x < y);
}

/*
 * A class's property positions are sorted ascending (master file order), so
 * membership is a bsearch. The property is found again by ID rather than by
 * pointer arithmetic, so a prop from another schema still gets an answer.
 */
int mb_schema_class_has(const struct mb_schema *s, const struct mb_class *cls,
			const struct mb_prop *prop)
{
	long pos;
	uint16_t p;

	if (!cls || strcmp(cls->name, master_class) == 0)
		return 1;
	if (!prop)
		return 0;
	pos = prop_pos_by_id(pick(s), prop->id);
	if (pos < 0)
		return 0;
	p = (uint16_t)pos;
	return bsearch(&p, cls->props, cls->nprops, sizeof(uint16_t),
		       cmp_u16) != NULL;
}

/* The class ADSI sees for a KeyType: IIsObject for the generic key. */
static const char *adsi_class(const char *name)
{
	return strcmp(name, master_class) == 0 ? generic_class : name;
}

const char *mb_schema_containers(const struct mb_schema *s, const char *name)
{
	const struct mb_class *c = name ? mb_schema_class(s, adsi_class(name)) :
				   NULL;

	return c ? c->container_list : NULL;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Is name an item of a ContainerClassList? (a loaded one may have blanks) */
static int list_has(const char *list, const char *name)
{
	while (*list) {
		const char *end = strchr(list, ',');
		size_t len;

		if (!end)
			end = list + strlen(list);
		while (list < end && is_blank(*list))
			list++;
		len = (size_t)(end - list);
		while (len && is_blank(list[len - 1]))
			len--;
		if (len && mb_schema_keycmp(list, len, name) == 0)
			return 1;
		list = *end ? end + 1 : end;
	}
	return 0;
}

int mb_schema_may_contain(const struct mb_schema *s, const char *parent,
			  const char *child)
{
	const char *list = mb_schema_containers(s, parent);

	if (!list || !child || !mb_schema_class(s, adsi_class(child)))
		return -1;
	return list_has(list, adsi_class(child));
}

const char *mb_type_name(enum mb_type t)
{
	if ((unsigned)t >= NTYPES)
		t = MB_T_UNKNOWN;
	return type_names[t];
}

enum mb_type mb_type_parse(const char *name)
{
	size_t i;

	if (!name)
		return MB_T_UNKNOWN;
	for (i = 1; i < NTYPES; i++)
		if (mb_schema_keycmp(name, strlen(name), type_names[i]) == 0)
			return (enum mb_type)i;
	return MB_T_UNKNOWN;
}
