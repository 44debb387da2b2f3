/* SPDX-License-Identifier: MIT */
/*
 * A Windows registry hive file (regf), read-only, through libregf. This is
 * the only module that knows libregf: everything above it (hiveset.h)
 * asks for a key's value, class name or sub-key names by path.
 *
 * Paths are relative to the hive's root key, components separated by '\'
 * ("SAM\Domains\Account"); a value name of NULL is the key's default
 * value. A key or value that is not there is MB_ENOPATH (err filled, so
 * that callers can say which one); a hive libregf cannot read, or a value
 * larger than MB_HIVE_VALUE_MAX, is MB_EFILE naming the file.
 */
#ifndef MB_HIVE_H
#define MB_HIVE_H

#include <stddef.h>
#include <stdint.h>

#include "mb/buf.h"
#include "mb/err.h"

#define MB_HIVE_VALUE_MAX (1u << 20)
#define MB_HIVE_SUBKEYS_MAX 100000u

struct mb_hive;

/* Open path; the error names it and says what to do. */
enum mb_status mb_hive_open(const char *path, struct mb_hive **out,
			    struct mb_error *err);
void mb_hive_close(struct mb_hive *h);
const char *mb_hive_name(const struct mb_hive *h);

/* The value's data (out reset first). */
enum mb_status mb_hive_value(struct mb_hive *h, const char *key,
			     const char *value, struct mb_buf *out,
			     struct mb_error *err);
/* The key's class name as UTF-8 (the boot key is hidden in four). */
enum mb_status mb_hive_class(struct mb_hive *h, const char *key, char *out,
			     size_t cap, struct mb_error *err);
/* The key's last-written time (FILETIME). */
enum mb_status mb_hive_time(struct mb_hive *h, const char *key,
			    uint64_t *filetime, struct mb_error *err);
/*
 * The names of key's sub-keys (UTF-8, malloc'd, *n of them); release with
 * mb_hive_names_free. Names with a stored trailing NUL are returned
 * without it.
 */
enum mb_status mb_hive_subkeys(struct mb_hive *h, const char *key,
			       char ***names, size_t *n,
			       struct mb_error *err);
void mb_hive_names_free(char **names, size_t n);

/*
 * Each sub-key of key in turn, as a node whose values fn can read without
 * a path lookup (libregf finds a path by scanning every sibling, so a
 * lookup per sub-key would be quadratic on a hostile hive). fn's status
 * other than MB_OK stops the walk and is returned.
 */
struct mb_hive_node;
typedef enum mb_status (*mb_hive_visit_fn)(void *ctx, const char *name,
					   struct mb_hive_node *node,
					   struct mb_error *err);
enum mb_status mb_hive_visit(struct mb_hive *h, const char *key,
			     mb_hive_visit_fn fn, void *ctx,
			     struct mb_error *err);
/* The same for the sub-keys of a node (walking a whole hive). */
enum mb_status mb_hive_node_visit(struct mb_hive_node *node,
				  mb_hive_visit_fn fn, void *ctx,
				  struct mb_error *err);
/* A value of the node, or of its direct sub-key sub (NULL: the node). */
enum mb_status mb_hive_node_value(struct mb_hive_node *node, const char *sub,
				  const char *value, struct mb_buf *out,
				  struct mb_error *err);

#endif
