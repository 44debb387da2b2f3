/* SPDX-License-Identifier: MIT */
/*
 * Questions an administrator asks of one key: what is PROP here, and where
 * does it come from? A name resolves to a schema property, a flag
 * sub-property (AuthAnonymous = one bit of AuthFlags) or, for names the
 * schema does not know, a <Custom> element with that Name.
 */
#ifndef MB_QUERY_H
#define MB_QUERY_H

#include "mb/doc.h"
#include "mb/err.h"
#include "mb/schema.h"

struct mb_ref {
	const struct mb_prop *prop;  /* the property (for a flag: its DWORD) */
	const struct mb_flag *flag;  /* set for flag sub-properties */
	struct mb_prop custom;       /* storage for a Custom-only property */
	char *custom_name;
};

enum mb_origin {
	MB_ORIGIN_LOCAL,      /* set at the key itself */
	MB_ORIGIN_INHERITED,  /* set at an ancestor */
	MB_ORIGIN_DEFAULT,    /* the schema default */
	MB_ORIGIN_NONE,       /* not set anywhere, and no default */
};

struct mb_result {
	enum mb_origin origin;
	struct mb_value value;   /* where it is set (LOCAL/INHERITED) */
	char *text;              /* decoded value; "TRUE"/"FALSE" for flags */
};

/* Resolve name as typed at key (MB_EPROP when nothing by that name). */
enum mb_status mb_query_resolve(const struct mb_doc *doc, size_t key,
				const char *name, struct mb_ref *out,
				struct mb_error *err);
void mb_ref_release(struct mb_ref *ref);
/*
 * The MB_ATTR_INHERIT and MB_ATTR_SECURE bits a <Custom>'s Attributes
 * declare ("INHERIT | SECURE"): a value the schema does not know is still
 * masked everywhere (get, enum, JSON, report) when its own element says so.
 */
unsigned mb_custom_attrs(const struct mb_doc *doc, const struct mb_custom *c);

/* May the key hold this property (its KeyType's schema class)? */
int mb_query_allowed(const struct mb_doc *doc, size_t key,
		     const struct mb_ref *ref);
/* "IIsWebService, IIsWebServer, ..." : the key types that may hold prop. */
char *mb_query_holders(const struct mb_schema *s, const struct mb_prop *p);

/* The value at key: local only, or effective (inherited, default). */
enum mb_status mb_query_get(const struct mb_doc *doc, size_t key,
			    const struct mb_ref *ref, int local_only,
			    struct mb_result *out, struct mb_error *err);
void mb_result_release(struct mb_result *r);

/* The property that a ref displays as: a flag shows as a BOOL. */
const struct mb_prop *mb_ref_display_prop(const struct mb_ref *ref,
					  struct mb_prop *storage);

#endif
