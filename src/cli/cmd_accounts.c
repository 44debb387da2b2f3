/* SPDX-License-Identifier: MIT */
/*
 * accounts [--service w3svc|msftpsvc|all] [--all-identities]
 * [--hives DIR|auto]: every
 * anonymous account (and the WAM and UNC identities), the keys that set
 * it, how many keys use it, and its password groups: keys whose stored
 * blobs are equal (mb_blob_equal, no key needed) share a letter. One
 * account with two or more groups is a lockout risk. The collection is
 * the library's (mb/accounts.h); this file only presents it. With
 * --hives, each account's Windows side from the server's hives follows
 * (winside.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "winside.h"
#include "mb/json.h"
#include "mb/path.h"

int cli_acct_pass_from(struct cli *cli, const struct mb_doc *doc,
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
		st = cli_no_path(cli, cmd, arg, doc, p.location);
	else if (!(*pass = mb_acct_value(doc, key, "AnonymousUserPass", 0)))
		st = mb_error_set(&cli->err, MB_ENOTSET, cmd, arg,
				  "no AnonymousUserPass there");
	mb_path_release(&p);
	return st;
}

/* ---- output -------------------------------------------------------------- */

/* The setter's password group in the file-wide numbering (cli.h). */
static void setter_group(const struct mb_secrets *g, const struct mb_doc *doc,
			 const struct mb_acct *a, size_t i, char *out,
			 size_t n)
{
	mb_secrets_group_name(a->group[i] < 0 ? -1 : mb_secrets_group_of(g, doc,
		       a->keys[i], mb_idkind_of(a)->pass), out, n);
}

static void print_acct(struct mb_buf *o, const struct mb_doc *doc,
		       const struct mb_secrets *g, const struct mb_acct *a)
{
	int anon = strcmp(a->kind, "anonymous") == 0;
	char id[32];
	size_t i;

	mb_buf_printf(o, "%s (%s)  %s%d password group%s\n", a->name, a->kind,
		      a->ngroups > 1 ? "LOCKOUT-RISK: " : "", a->ngroups,
		      a->ngroups == 1 ? "" : "s");
	mb_buf_printf(o, "  in effect at %zu key%s%s\n", a->used,
		      a->used == 1 ? "" : "s",
		      !anon ? "" : a->used == 1 ? " that answers requests "
		      "(site, directory, file)" : " that answer requests "
		      "(sites, directories, files)");
	if (anon)
		mb_buf_printf(o, "  AuthAnonymous on at %zu of the %zu key%s "
			      "that set%s it\n", a->anon_on, a->nkeys,
			      a->nkeys == 1 ? "" : "s", a->nkeys == 1 ? "s" : "");
	for (i = 0; i < a->nkeys; i++) {
		setter_group(g, doc, a, i, id, sizeof(id));
		mb_buf_printf(o, "  set at %-30s password %s\n",
			      mb_path_display(doc->keys[a->keys[i]].location),
			      id);
	}
}

static void json_acct(struct mb_json *j, const struct mb_doc *doc,
		      const struct mb_secrets *g, const struct mb_acct *a,
		      const struct mb_wside *w, size_t n)
{
	char id[32];
	size_t i;

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
		setter_group(g, doc, a, i, id, sizeof(id));
		mb_json_key(j, "group");
		if (a->group[i] < 0)
			mb_json_null(j);
		else
			mb_json_str(j, id);
		mb_json_obj_end(j);
	}
	mb_json_arr_end(j);
	if (w)
		cli_wside_json(j, w, n, a, doc);
	mb_json_obj_end(j);
}

/* With --hives: {"hives": {...}, "accounts": [...]}; else the array. */
static void print_all(struct cli *cli, const struct mb_doc *doc,
		      const struct mb_secrets *g, const struct mb_accts *a,
		      const struct cli_hives *h,
		      const struct mb_wside *w)
{
	struct mb_json j;
	size_t i;

	if (cli->json) {
		mb_json_init(&j, &cli->out);
		mb_json_obj_begin(&j);
		if (w)
			cli_hives_json(&j, h);
		mb_json_key(&j, "accounts");
		mb_json_arr_begin(&j);
		for (i = 0; i < a->n; i++) {
			json_acct(&j, doc, g, &a->v[i], w, i);
			cli_out_flush(cli);
		}
		mb_json_arr_end(&j);
		mb_json_obj_end(&j);
		return;
	}
	if (w)
		cli_hives_text(&cli->out, h);
	for (i = 0; i < a->n; i++) {
		print_acct(&cli->out, doc, g, &a->v[i]);
		if (w)
			cli_wside_text(&cli->out, w, i, &a->v[i], doc);
		cli_out_flush(cli);
	}
	if (!a->n)
		mb_buf_printf(&cli->out, "no accounts set\n");
	else
		mb_buf_printf(&cli->out, "%s\n", CLI_GROUP_LEGEND);
}

/* "w3svc" -> "/LM/W3SVC"; "all" -> NULL; 0 on success. */
int cli_service(const char *name, const char **svc)
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

/* --hives: the hives, the recovered passwords and the Windows side. */
static int windows_side(struct cli *cli, const struct mb_doc *doc,
			const struct mb_accts *a, struct cli_hives *h,
			struct mb_wside *w)
{
	struct cli_plain p;
	int st = cli_hives_load(cli, "accounts", doc, h);

	if (!st)
		st = cli_hives_unused(cli, "accounts", h);
	if (st || !h->hs)
		return st;
	memset(&p, 0, sizeof(p));
	st = cli_plain_solve(cli, "accounts", doc, &h->src, &p);
	if (!st)
		st = cli_wside_build(cli, doc, h->hs, a, &p, w);
	cli_plain_free(&p);
	return st;
}

const struct cli_opt cli_accounts_opts[] = {
	{ CLI_O_SERVICE, "service", 0, "w3svc|msftpsvc|all", "which "
	  "service's accounts (default w3svc)", 0, NULL },
	{ CLI_O_ALL_IDENTITIES, "all-identities", 0, NULL, "also the WAM, "
	  "UNC and application pool identities", 0, NULL },
	CLI_INCLUDE(cli_hives_opts),
	CLI_END,
};

static int parse(struct cli *cli, int argc, char **argv,
		 const char **svc, int *all_ids, struct cli_hives *h)
{
	struct cli_parser p;
	int id, st;

	cli_parser_init(&p, "accounts", cli_accounts_opts, argc, argv);
	while ((id = cli_next(&p, &cli->err)) != CLI_DONE) {
		if (id == CLI_O_ALL_IDENTITIES)
			*all_ids = 1;
		else if (cli_hives_option(cli, "accounts", h, id, p.val, &st)) {
			if (st)
				return st;
		} else if (id != CLI_O_SERVICE)
			return cli_unexpected(cli, &p, id);
		else if (cli_service(p.val, svc))
			return cli_usage(cli, "accounts", "--service "
					 "takes w3svc, msftpsvc or all");
	}
	return MB_OK;
}

int cmd_accounts(struct cli *cli, struct mb_doc *doc, int argc,
		 char **argv)
{
	const char *svc = NULL;
	struct cli_hives h = { 0 };
	struct mb_wside w = { 0 };
	struct mb_accts a = { 0 };
	struct mb_secrets g;
	int all_ids = 0, st;

	st = parse(cli, argc, argv, &svc, &all_ids, &h);
	if (st) {
		cli_hives_free(&h);
		return st;
	}
	if (mb_secrets_groups(&g, doc) ||
	    mb_accts_collect_known(doc, svc, all_ids, &g, &a)) {
		mb_accts_free(&a);
		mb_secrets_free(&g);
		cli_hives_free(&h);
		return mb_error_set(&cli->err, MB_EFILE, "accounts", NULL,
				    "out of memory");
	}
	st = windows_side(cli, doc, &a, &h, &w);
	if (!st)
		print_all(cli, doc, &g, &a, &h, h.hs ? &w : NULL);
	mb_wside_free(&w);
	cli_hives_free(&h);
	mb_secrets_free(&g);
	mb_accts_free(&a);
	return st;
}
