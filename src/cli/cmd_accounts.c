/* SPDX-License-Identifier: MIT */
/*
 * accounts [--service w3svc|msftpsvc|all] [--all-identities]: every
 * anonymous account (and the WAM and UNC identities), the keys that set
 * it, how many keys use it, and its password groups: keys whose stored
 * blobs are equal (mb_blob_equal, no key needed) share a letter. One
 * account with two or more groups is a lockout risk. The collection is
 * the library's (mb/accounts.h); this file only presents it.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "mb/json.h"
#include "mb/path.h"

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

const struct cli_opt cli_accounts_opts[] = {
	{ CLI_O_SERVICE, "service", 0, "w3svc|msftpsvc|all", "which "
	  "service's accounts (default w3svc)", 0, NULL },
	{ CLI_O_ALL_IDENTITIES, "all-identities", 0, NULL, "also the WAM, "
	  "UNC and application pool identities", 0, NULL },
	CLI_END,
};

int mb_cmd_accounts(struct mb_cli *cli, struct mb_doc *doc, int argc,
		    char **argv)
{
	const char *svc = NULL;
	struct mb_accts a;
	struct cli_parser p;
	int id, all_ids = 0;

	cli_parser_init(&p, "accounts", cli_accounts_opts, argc, argv);
	while ((id = cli_next(&p, &cli->err)) != CLI_DONE) {
		if (id == CLI_O_ALL_IDENTITIES)
			all_ids = 1;
		else if (id != CLI_O_SERVICE)
			return cli_unexpected(cli, &p, id);
		else if (mb_cli_service(p.val, &svc))
			return mb_cli_usage(cli, "accounts", "--service "
					    "takes w3svc, msftpsvc or all");
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
