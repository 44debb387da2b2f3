/* SPDX-License-Identifier: MIT */
/*
 * Internal to the schema module: the layout shared by the lookups
 * (schema.c), the loader (schema_load.c), the generated built-in table
 * (schema_table.c) and its generator (gen/schema_gen.c).
 *
 * Every lookup is a bsearch over an index array of uint16_t positions (and
 * property names also a hash table), so a schema needs no initialisation
 * after it is built: the generator writes the indexes the loader computed,
 * and the built-in schema is plain const data.
 */
#ifndef MB_SCHEMA_PRIV_H
#define MB_SCHEMA_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "mb/schema.h"

/* Indexes are uint16_t (mb_class.props is): no table may grow past this. */
#define MB_SCHEMA_MAX_ENTRIES 65535u

struct mb_schema_pool;

struct mb_schema {
	const struct mb_prop *props;     /* IIsConfigObject, file order */
	size_t nprops;
	const uint16_t *prop_by_name;    /* prop positions, by folded name */
	const uint16_t *prop_by_id;      /* prop positions, by ID */
	const uint16_t *prop_hash;       /* open addressing on the folded
					    name: position + 1, 0 = empty */
	size_t prop_hash_size;           /* a power of two, >= 2 * nprops */
	const struct mb_flag *flags;     /* all flags, grouped by parent */
	const uint16_t *flag_parent;     /* flag position -> prop position */
	const uint16_t *flag_by_name;    /* flag positions, by folded name */
	size_t nflags;
	const struct mb_class *classes;  /* collections, file order */
	size_t nclasses;
	const uint16_t *class_by_name;   /* class positions, by exact name */
	struct mb_schema_pool *pool;         /* loaded schema only: owned memory */
};

/* The compiled-in table (schema_table.c). */
extern const struct mb_schema mb_schema_builtin_table;

/*
 * ASCII case-insensitive comparison of the key (len bytes, not terminated)
 * with a NUL-terminated name. The sort order of every name index: the
 * generator and the lookups must agree on it, so there is only one.
 */
int mb_schema_keycmp(const char *key, size_t len, const char *name);

/* The property-name hash table: its hash, its size for nprops names, and
 * its contents (tab has size entries; the loader fills it, the generator
 * writes it out). */
uint32_t mb_schema_name_hash(const char *name, size_t len);
size_t mb_schema_hash_size(size_t nprops);
void mb_schema_hash_fill(const struct mb_prop *props, size_t nprops,
			 uint16_t *tab, size_t size);

#endif
