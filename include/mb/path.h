/* SPDX-License-Identifier: MIT */
/*
 * Paths as administrators type them.
 *
 * adsutil form: "w3svc/1/root/vd1/AnonymousUserName", '\' or '/', one
 * leading and one trailing '/' ignored, relative to /LM. Location form:
 * "/LM/W3SVC/1/ROOT/VD1" (absolute). With MB_PATH_PROP the last segment is a
 * property name (a path with no '/' names a property of /LM, as adsutil).
 * Case is kept as typed; lookups are case-insensitive (mb_doc_find).
 *
 * Every key has one name, the same in input and output: "/" (or nothing)
 * is /LM, as in adsutil, so the two keys above /LM go by their element
 * names: IIS_ROOT (Location "/") and IIS_Global (Location "."), e.g.
 * "IIS_Global/SessionKey", "IIS_ROOT/AdminACL"; /LM itself is "/LM".
 */
#ifndef MB_PATH_H
#define MB_PATH_H

#include "mb/err.h"

#define MB_PATH_PROP 0x1u  /* the last segment is a property name */

struct mb_path {
	char *location;      /* "/LM/w3svc/1/root": '/' separators */
	char *prop;          /* with MB_PATH_PROP, the property name */
	int trailing_slash;  /* the argument ended with '/' or '\' */
};

enum mb_status mb_path_parse(const char *arg, unsigned flags,
			     struct mb_path *out, struct mb_error *err);
void mb_path_release(struct mb_path *p);

/*
 * adsutil display form of a Location: "/LM/W3SVC/1" -> "W3SVC/1"; "/LM"
 * stays "/LM", "/" is "IIS_ROOT" and "." "IIS_Global" (the names
 * mb_path_parse reads back). Returns a pointer into location, or to a
 * static name.
 */
const char *mb_path_display(const char *location);

#endif
