/* SPDX-License-Identifier: MIT */
/*
 * collapse's edits (collapse.h). On a hosting file (an account per site)
 * this visits every key below the service: the two properties are looked
 * up in the schema once, not per key.
 */
#include <stdlib.h>
#include <string.h>

#include "mb/accounts.h"
#include "mb/collapse.h"
#include "mb/edit.h"

#define NAMEP "AnonymousUserName"
#define PASSP "AnonymousUserPass"

struct plan {
	const struct mb_doc *doc;
	struct mb_edits *e;
	mb_collapse_fn *fn;
	void *ctx;
	struct mb_error *err;
};

/* prop at key (the service) to text, unless it already holds that text. */
static enum mb_status put(struct plan *p, size_t key, const char *name,
			  const char *text)
{
	char *cur = mb_acct_value(p->doc, key, name, 1);
	int same = cur && strcmp(cur, text) == 0;
	enum mb_status st;

	free(cur);
	if (same)
		return MB_OK;
	st = mb_edit_set(p->doc, p->e, key, mb_schema_prop(p->doc->schema,
			 name), text, 0, p->err);
	return st ? st : (enum mb_status)p->fn(p->ctx, "set", key, name, text);
}

static enum mb_status drop(struct plan *p, size_t key,
			   const struct mb_prop *prop, const char *name)
{
	int removed = 0;
	enum mb_status st = mb_edit_unset(p->doc, p->e, key, prop, &removed,
					  p->err);

	if (!st && removed)
		st = (enum mb_status)p->fn(p->ctx, "delete", key, name, NULL);
	return st;
}

enum mb_status mb_collapse_plan(const struct mb_doc *doc, const char *svc,
				const char *name, const char *pass,
				struct mb_edits *e, mb_collapse_fn *fn,
				void *ctx, struct mb_error *err)
{
	struct plan p = { doc, e, fn, ctx, err };
	const struct mb_prop *np = mb_schema_prop(doc->schema, NAMEP);
	const struct mb_prop *pp = mb_schema_prop(doc->schema, PASSP);
	size_t svckey = mb_doc_find(doc, svc), k;
	enum mb_status st;

	if (svckey == MB_NOKEY || !np || !pp)
		return mb_error_set(err, MB_ENOPATH, "collapse", svc,
				    "no such key, or a schema without "
				    "AnonymousUserName/AnonymousUserPass");
	st = put(&p, svckey, NAMEP, name);
	if (!st)
		st = put(&p, svckey, PASSP, pass);
	for (k = 0; !st && k < doc->nkeys; k++) {
		if (k == svckey || !mb_edit_loc_under(doc->keys[k].location,
						      svc))
			continue;
		st = drop(&p, k, np, NAMEP);
		if (!st)
			st = drop(&p, k, pp, PASSP);
	}
	return st;
}
