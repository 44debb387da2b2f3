/* SPDX-License-Identifier: MIT */
/*
 * collapse's edits: one anonymous account for a service. The account's
 * name and the encrypted password to keep (the blob's hex text, moved as
 * it is: a blob is valid anywhere in its file) go to the service key,
 * unless it already holds them, and every AnonymousUserName and
 * AnonymousUserPass set below it is deleted. Which account and which
 * password is the caller's choice (mbtool collapse: --account,
 * --password-from, the password groups).
 *
 *   struct mb_edits e; mb_edits_init(&e);
 *   mb_collapse_plan(doc, "/LM/W3SVC", "IUSR_WEB", blob, &e, note, ctx,
 *                    &err);
 */
#ifndef MB_COLLAPSE_H
#define MB_COLLAPSE_H

#include <stddef.h>

#include "mb/doc.h"
#include "mb/err.h"
#include "mb/splice.h"

/*
 * Each change as it is planned: op "set" (prop at key, to value) or
 * "delete" (value NULL). Non-zero stops the plan (that status is
 * returned).
 */
typedef int mb_collapse_fn(void *ctx, const char *op, size_t key,
			   const char *prop, const char *value);

/*
 * The edits that make name (with the password blob text pass) the only
 * anonymous account of svc, whose key must exist, into e; fn hears of
 * each change. MB_OK also when nothing needs to change (fn not called).
 */
enum mb_status mb_collapse_plan(const struct mb_doc *doc, const char *svc,
				const char *name, const char *pass,
				struct mb_edits *e, mb_collapse_fn *fn,
				void *ctx, struct mb_error *err);

#endif
