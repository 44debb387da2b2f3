/* SPDX-License-Identifier: MIT */
/*
 * "Did you mean": the nearest of a set of names to a mistyped one.
 *
 * The distance is the optimal-string-alignment edit distance (insert,
 * delete, substitute, swap two neighbours), case-insensitive, as adsutil
 * names are. A candidate counts only when it is close for its length: at
 * most 1 edit for names of up to 4 characters, 2 up to 8, then 3, so a
 * short word never "means" an unrelated one.
 *
 *   best = mb_suggest(typed, names, n);           NULL: nothing close
 *   name = mb_schema_nearest(schema, "AnonymousUserNme");
 *          ("AnonymousUserName"; properties and flag sub-properties)
 */
#ifndef MB_SUGGEST_H
#define MB_SUGGEST_H

#include <stddef.h>

struct mb_schema;

/* Edit distance between a and b, case-insensitive; capped at 255. */
unsigned mb_suggest_distance(const char *a, const char *b);
/* Whether distance d is close enough for a name as long as typed. */
int mb_suggest_close(const char *typed, unsigned d);
/* The closest of names[0..n) to typed, or NULL when none is close. */
const char *mb_suggest(const char *typed, const char *const *names,
		       size_t n);
/* The schema property or flag name nearest to typed, or NULL. */
const char *mb_schema_nearest(const struct mb_schema *s, const char *typed);

#endif
