/* SPDX-License-Identifier: MIT */
/*
 * accounts [--service w3svc|msftpsvc|all] [--all-identities]: every
 * anonymous account (and the WAM and UNC identities), the keys that set
 * it, how many keys use it, and its password groups: keys whose stored
 * blobs are equal (mb_blob_equal, no key needed) share a letter. One
 * account with two or more groups is a lockout risk. The collection is
 * shared with collapse and doctor (cli.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "mb/blob.h"
#include "mb/edit.h"
#include "mb/json.h"
#include "mb/path.h"
#include "mb/query.h"

static const struct mb_idkind kinds[] = {
	{ "anonymous", "AnonymousUserName", "AnonymousUserPass" },
	{ "wam", "WAMUserName", "WAMUserPass" },
	{ "unc", "UNCUserName", "UNCPassword" },
};

const struct mb_idkind *mb_idkinds(size_t *n)
{
	*n = sizeof(kinds) / sizeof(kinds[0]);
	return kinds;
}

const struct mb_idkind *mb_idkind_of(const struct mb_acct *a)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].kind, a->kind) == 0)
			return &kinds[i];
	return &kinds[0];
}

int mb_acct_pass_from(struct mb_cli *cli, const struct mb_doc *doc,
		      const char *cmd, const char *arg, char **pass)
{
	struct mb_path p;
	size_t key;
	int st;

	*pass = NULL;
	st = mb_path_parse(arg, 0, &p, &cli->err);
	if (st)
		return st;
	key = mb_doc_find(doc, p.location);
	if (key == MB_NOKEY)
		st = mb_cli_no_path(cli, cmd, arg, doc, p.location);
	else if (!(*pass = mb_acct_value(doc, key, "AnonymousUserPass", 0)))
		st = mb_error_set(&cli->err, MB_ENOTSET, cmd, arg,
				  "no AnonymousUserPass there");
	mb_path_release(&p);
	return st;
}

/* The decoded value prop has at key (effective or local), or NULL. */
char *mb_acct_value(const struct mb_doc *doc, size_t key, const char *name,
		    int local)
{
	const struct mb_prop *p = mb_schema_prop(doc->schema, name);
	struct mb_value v;

	if (!p)
		return NULL;
	if (local ? !mb_doc_local(doc, key, p, &v) :
	    !mb_doc_effective(doc, key, p, &v))
		return NULL;
	return mb_doc_text(doc, v.raw);
}

/* 1 when AuthAnonymous is on in the effective AuthFlags at key. */
int mb_acct_anon_on(const struct mb_doc *doc, size_t key)
{
	struct mb_ref ref;
	struct mb_result res;
	int on = 0;

	if (mb_query_resolve(doc, key, "AuthAnonymous", &ref, NULL))
		return 0;
	if (!mb_query_get(doc, key, &ref, 0, &res, NULL)) {
		on = res.text && strcmp(res.text, "TRUE") == 0;
		mb_result_release(&res);
	}
	mb_ref_release(&ref);
	return on;
}

static int in_scope(const struct mb_doc *doc, size_t k, const char *svc)
{
	const char *loc = doc->keys[k].location;

	if (svc)
		return mb_edit_loc_under(loc, svc);
	return mb_edit_loc_under(loc, "/LM/W3SVC") ||
	       mb_edit_loc_under(loc, "/LM/MSFTPSVC");
}

static struct mb_acct *find_acct(struct mb_accts *a, const char *kind,
				 const char *name)
{
	size_t i;
	struct mb_acct *v;

	for (i = 0; i < a->n; i++)
		if (a->v[i].kind == kind && strcasecmp(a->v[i].name, name) == 0)
			return &a->v[i];
	v = realloc(a->v, (a->n + 1) * sizeof(*v));
	if (!v)
		return NULL;
	a->v = v;
	v = &a->v[a->n++];
	memset(v, 0, sizeof(*v));
	v->kind = kind;
	v->name = strdup(name);
	return v;
}

/* The password group of the blob effective at key (-1: none). */
static int group_of(const struct mb_doc *doc, size_t key, const char *pass,
		    struct mb_blob *reps, int *nreps)
{
	char *text = mb_acct_value(doc, key, pass, 0);
	struct mb_blob b;
	int i;

	if (!text)
		return -1;
	if (mb_blob_parse(text, strlen(text), &b, NULL)) {
		free(text);
		return -1;
	}
	free(text);
	for (i = 0; i < *nreps; i++)
		if (mb_blob_equal(&reps[i], &b)) {
			mb_blob_free(&b);
			return i;
		}
	if (*nreps >= 26) {
		mb_blob_free(&b);
		return -1;
	}
	reps[(*nreps)++] = b;
	return i;
}

static int add_setter(struct mb_acct *a, size_t key)
{
	size_t *k = realloc(a->keys, (a->nkeys + 1) * sizeof(*k));
	int *g;

	if (!k)
		return -1;
	a->keys = k;
	g = realloc(a->group, (a->nkeys + 1) * sizeof(*g));
	if (!g)
		return -1;
	a->group = g;
	a->keys[a->nkeys++] = key;
	return 0;
}

static int collect_setters(const struct mb_doc *doc, const char *svc,
			   const struct mb_idkind *kd, struct mb_accts *out)
{
	size_t k;
	char *name;
	struct mb_acct *a;

	for (k = 0; k < doc->nkeys; k++) {
		if (!in_scope(doc, k, svc))
			continue;
		name = mb_acct_value(doc, k, kd->name, 1);
		if (!name)
			continue;
		a = *name ? find_acct(out, kd->kind, name) : NULL;
		free(name);
		if (a && add_setter(a, k))
			return -1;
	}
	return 0;
}

static void finish_acct(const struct mb_doc *doc, const char *svc,
			const struct mb_idkind *kd, struct mb_acct *a)
{
	struct mb_blob reps[26];
	size_t i, k;
	char *name;

	a->ngroups = 0;
	for (i = 0; i < a->nkeys; i++) {
		a->group[i] = group_of(doc, a->keys[i], kd->pass, reps,
				       &a->ngroups);
		a->anon_on += mb_acct_anon_on(doc, a->keys[i]);
	}
	for (i = 0; i < (size_t)a->ngroups; i++)
		mb_blob_free(&reps[i]);
	for (k = 0; k < doc->nkeys; k++) {
		if (!in_scope(doc, k, svc))
			continue;
		name = mb_acct_value(doc, k, kd->name, 0);
		a->used += name && strcasecmp(name, a->name) == 0;
		free(name);
	}
}

int mb_accts_collect(const struct mb_doc *doc, const char *svc, int all_ids,
		     struct mb_accts *out)
{
	size_t i, j, first;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < (all_ids ? 3u : 1u); i++) {
		first = out->n;
		if (collect_setters(doc, svc, &kinds[i], out))
			return -1;
		for (j = first; j < out->n; j++)
			finish_acct(doc, svc, &kinds[i], &out->v[j]);
	}
	return 0;
}

void mb_accts_free(struct mb_accts *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		free(a->v[i].name);
		free(a->v[i].keys);
		free(a->v[i].group);
	}
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/* ---- output -------------------------------------------------------------- */

static void print_acct(struct mb_buf *o, const struct mb_doc *doc,
		       const struct mb_acct *a)
{
	size_t i;

	mb_buf_printf(o, "%s (%s)%s\n", a->name, a->kind,
		      a->ngroups > 1 ? "  LOCKOUT-RISK" : "");
	mb_buf_printf(o, "  used by %zu key%s; %d password group%s; "
		      "AuthAnonymous on at %zu of %zu\n", a->used,
		      a->used == 1 ? "" : "s", a->ngroups,
		      a->ngroups == 1 ? "" : "s", a->anon_on, a->nkeys);
	for (i = 0; i < a->nkeys; i++) {
		const char *p = mb_path_display(doc->keys[a->keys[i]].location);

		if (a->group[i] < 0)
			mb_buf_printf(o, "  set at %-30s password -\n", p);
		else
			mb_buf_printf(o, "  set at %-30s password %c\n", p,
				      'A' + a->group[i]);
	}
}

static void json_acct(struct mb_json *j, const struct mb_doc *doc,
		      const struct mb_acct *a)
{
	size_t i;
	char g[2] = { 0, 0 };

	mb_json_obj_begin(j);
	mb_json_kstr(j, "account", a->name);
	mb_json_kstr(j, "kind", a->kind);
	mb_json_kint(j, "used_by", (long long)a->used);
	mb_json_kint(j, "password_groups", a->ngroups);
	mb_json_kbool(j, "lockout_risk", a->ngroups > 1);
	mb_json_kint(j, "auth_anonymous_on", (long long)a->anon_on);
	mb_json_key(j, "set_at");
	mb_json_arr_begin(j);
	for (i = 0; i < a->nkeys; i++) {
		mb_json_obj_begin(j);
		mb_json_kstr(j, "path",
			     mb_path_display(doc->keys[a->keys[i]].location));
		g[0] = (char)('A' + a->group[i]);
		mb_json_key(j, "group");
		if (a->group[i] < 0)
			mb_json_null(j);
		else
			mb_json_str(j, g);
		mb_json_obj_end(j);
	}
	mb_json_arr_end(j);
	mb_json_obj_end(j);
}

static void print_all(struct mb_cli *cli, const struct mb_doc *doc,
		      const struct mb_accts *a)
{
	struct mb_json j;
	size_t i;

	if (cli->json) {
		mb_json_init(&j, &cli->out);
		mb_json_arr_begin(&j);
		for (i = 0; i < a->n; i++)
			json_acct(&j, doc, &a->v[i]);
		mb_json_arr_end(&j);
		mb_buf_printf(&cli->out, "\n");
		return;
	}
	for (i = 0; i < a->n; i++)
		print_acct(&cli->out, doc, &a->v[i]);
	if (!a->n)
		mb_buf_printf(&cli->out, "no accounts set\n");
}

/* "w3svc" -> "/LM/W3SVC"; "all" -> NULL; 0 on success. */
int mb_cli_service(const char *name, const char **svc)
{
	if (strcasecmp(name, "w3svc") == 0)
		*svc = "/LM/W3SVC";
	else if (strcasecmp(name, "msftpsvc") == 0)
		*svc = "/LM/MSFTPSVC";
	else if (strcasecmp(name, "all") == 0)
		*svc = NULL;
	else
		return -1;
	return 0;
}

int mb_cmd_accounts(struct mb_cli *cli, struct mb_doc *doc, int argc,
		    char **argv)
{
	const char *svc = NULL, *v;
	struct mb_accts a;
	int i, all_ids = 0;

	for (i = 1; i < argc; i++) {
		if (mb_cli_is(argv[i], "--all-identities"))
			all_ids = 1;
		else if (mb_cli_value(argc, argv, &i, "--service", &v)) {
			if (!v || mb_cli_service(v, &svc))
				return mb_cli_usage(cli, "accounts", "--service "
					"takes w3svc, msftpsvc or all");
		} else
			return mb_cli_bad_option(cli, "accounts", argv[i]);
	}
	if (mb_accts_collect(doc, svc, all_ids, &a)) {
		mb_accts_free(&a);
		return mb_error_set(&cli->err, MB_EFILE, "accounts", NULL,
				    "out of memory");
	}
	print_all(cli, doc, &a);
	mb_accts_free(&a);
	return MB_OK;
}
