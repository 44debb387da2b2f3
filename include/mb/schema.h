/* SPDX-License-Identifier: MIT */
/*
 * The metabase schema: the facts of IIS 6.0 MBSchema.xml.
 *
 * A built-in schema is compiled into the binary (src/schema_table.c, made by
 * src/gen/schema_gen.c from a real MBSchema.xml and owned by the project).
 * mb_schema_load() reads a real MBSchema.xml instead (--schema FILE). Both
 * give the same lookups:
 *
 *   prop  = mb_schema_prop(s, "anonymoususername");  (case-insensitive)
 *   prop  = mb_schema_prop_by_id(s, 6020);
 *   flag  = mb_schema_flag(s, "AuthAnonymous", &parent);  (flag sub-property)
 *   cls   = mb_schema_class(s, "IIsWebVirtualDir");
 *   ok    = mb_schema_class_has(cls, prop);
 *   ok    = mb_schema_may_contain(s, "IIsWebServer", "IIsWebVirtualDir");
 *
 * Pointers returned stay valid as long as the schema does. The built-in
 * schema lives for the whole process.
 */
#ifndef MB_SCHEMA_H
#define MB_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "mb/err.h"

enum mb_type {
	MB_T_UNKNOWN = 0,
	MB_T_STRING,
	MB_T_EXPANDSZ,
	MB_T_DWORD,
	MB_T_BOOL,
	MB_T_MULTISZ,
	MB_T_BINARY,
	MB_T_MIMEMAP,
	MB_T_IPSECLIST,
	MB_T_NTACL,
	MB_T_WSTR,
};

/* Property attributes: the ABO METADATA_* bit values. */
#define MB_ATTR_INHERIT   0x01u
#define MB_ATTR_SECURE    0x04u
#define MB_ATTR_REFERENCE 0x08u
#define MB_ATTR_VOLATILE  0x10u

/* Schema MetaFlags that matter to mbtool. */
#define MB_META_CASEINSENSITIVE 0x01u
#define MB_META_PRIMARYKEY      0x02u

struct mb_flag {
	const char *name;   /* InternalName, e.g. "AuthAnonymous" */
	uint32_t value;     /* bit(s), e.g. 1 */
	uint32_t id;        /* the flag's own ID (its ADSI BOOLEAN property) */
};

struct mb_prop {
	const char *name;          /* InternalName, exact case */
	uint32_t id;
	enum mb_type type;
	const char *user_type;     /* "IIS_MD_UT_FILE", ... */
	unsigned attrs;            /* MB_ATTR_* */
	unsigned meta;             /* MB_META_* */
	const char *default_value; /* DefaultValue as written, NULL if none */
	int has_start, has_end;    /* StartingNumber / EndingNumber present */
	uint32_t start, end;
	const struct mb_flag *flags; /* in schema declaration order */
	unsigned nflags;
};

struct mb_class {
	const char *name;            /* KeyType, e.g. "IIsWebVirtualDir" */
	const char *container_list;  /* ContainerClassList as written, or "" */
	const uint16_t *props;       /* indexes into the schema's properties */
	unsigned nprops;
};

struct mb_schema;

/* The schema compiled into the binary. Never NULL. */
const struct mb_schema *mb_schema_builtin(void);

/* Load a real MBSchema.xml (hardened parse: no network, no DTD, no entities). */
enum mb_status mb_schema_load(const char *path, struct mb_schema **out,
			      struct mb_error *err);
void mb_schema_free(struct mb_schema *s);

/* Properties of the master collection (IIsConfigObject), in file order. */
size_t mb_schema_nprops(const struct mb_schema *s);
const struct mb_prop *mb_schema_prop_at(const struct mb_schema *s, size_t i);

const struct mb_prop *mb_schema_prop(const struct mb_schema *s,
				     const char *name);
const struct mb_prop *mb_schema_prop_n(const struct mb_schema *s,
				       const char *name, size_t len);
const struct mb_prop *mb_schema_prop_by_id(const struct mb_schema *s,
					   uint32_t id);

/*
 * A flag used as a BOOLEAN sub-property (AuthAnonymous -> bit 1 of
 * AuthFlags). Case-insensitive. *parent receives the flag DWORD property.
 */
const struct mb_flag *mb_schema_flag(const struct mb_schema *s,
				     const char *name,
				     const struct mb_prop **parent);
/* As mb_schema_flag, for a name that is not NUL-terminated (a path tail). */
const struct mb_flag *mb_schema_flag_n(const struct mb_schema *s,
				       const char *name, size_t len,
				       const struct mb_prop **parent);

size_t mb_schema_nclasses(const struct mb_schema *s);
const struct mb_class *mb_schema_class_at(const struct mb_schema *s, size_t i);
/* Case-sensitive KeyType lookup (element names are case-sensitive). */
const struct mb_class *mb_schema_class(const struct mb_schema *s,
				       const char *keytype);
/*
 * May a key of this class hold prop? A NULL class (KeyType unknown to the
 * schema) and IIsConfigObject allow every property.
 */
int mb_schema_class_has(const struct mb_schema *s, const struct mb_class *cls,
			const struct mb_prop *prop);

/*
 * Key containment, as ADSI checks it when it creates a key: a key of class
 * parent may hold a child key of class child when the parent's
 * ContainerClassList names it (items split at ',', blanks around an item
 * ignored, compared case-insensitively; "" holds nothing). Class names are
 * looked up as mb_schema_class (case-sensitive element names).
 *
 * A key without a KeyType is ADSI's IIsObject, and the file writes it as
 * IIsConfigObject (the master collection): so IIsConfigObject stands for
 * IIsObject on both sides. It may go wherever IIsObject is listed, and it
 * may hold what IIsObject lists (only IIsObject), not everything.
 *
 * 1 = may, 0 = may not, -1 = the schema does not know parent or child, so
 * there is nothing to decide from (mbtool asks for --force then).
 */
int mb_schema_may_contain(const struct mb_schema *s, const char *parent,
			  const char *child);
/*
 * The ContainerClassList that governs keys of class name (IIsObject's for
 * IIsConfigObject, as above), "" when such a key may hold nothing, NULL
 * when the schema does not know name. Written as in MBSchema.xml.
 */
const char *mb_schema_containers(const struct mb_schema *s, const char *name);

/* "STRING", "DWORD", ... as written in MBSchema.xml; from text, or UNKNOWN. */
const char *mb_type_name(enum mb_type t);
enum mb_type mb_type_parse(const char *name);

#endif
