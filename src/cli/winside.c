/* SPDX-License-Identifier: MIT */
/*
 * --hives for accounts, doctor, sam and report (winside.h): which hives a
 * metabase gets, and the Windows side of its accounts from them.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "winside.h"
#include "mb/path.h"

const struct cli_opt cli_hives_opts[] = {
	{ CLI_O_HIVES, "hives", 0, "DIR|auto", "the server's SAM, SYSTEM "
	  "and SECURITY hives (or a Windows root; auto: beside each "
	  "metabase of a disk image): the accounts' Windows side", 0, NULL },
	CLI_INCLUDE(cli_plainsrc_opts),
	CLI_END,
};

int cli_hives_option(struct cli *cli, const char *cmd,
		     struct cli_hives *h, int id, const char *val, int *st)
{
	*st = MB_OK;
	if (id != CLI_O_HIVES)
		return cli_plainsrc_option(cli, cmd, &h->src, id, val, st);
	h->arg = val;
	return 1;
}

int cli_hives_unused(struct cli *cli, const char *cmd,
		     const struct cli_hives *h)
{
	if (h->hs || !cli_plainsrc_given(&h->src))
		return MB_OK;
	return cli_usage(cli, cmd, "--known, --signing-key, "
			    "--exchange-key and --no-cache serve the "
			    "comparison with the SAM: give --hives DIR too");
}

/* dir with its last n components removed (malloc'd), or NULL. */
static char *up(const char *path, int n)
{
	char *d = strdup(path), *s;

	while (d && n--) {
		s = strrchr(d, '/');
		if (!s) {
			free(d);
			return strdup(".");
		}
		*s = '\0';
	}
	return d;
}

/* --hives auto: .../WINDOWS/system32/inetsrv/MetaBase.xml -> .../WINDOWS
 * (mb_hiveset_find then looks in system32/config). */
static int auto_dir(struct cli *cli, const char *cmd,
		    const struct mb_doc *doc, char **dir)
{
	char *parent = up(doc->path, 1);
	const char *base = parent ? strrchr(parent, '/') : NULL;
	int ok = base && strcasecmp(base + 1, "inetsrv") == 0;

	free(parent);
	*dir = ok ? up(doc->path, 3) : NULL;
	if (*dir)
		return MB_OK;
	return mb_error_set(&cli->err, MB_EFILE, cmd, doc->path,
			    "--hives auto needs the metabase at its place in "
			    "a disk image (WINDOWS/system32/inetsrv/"
			    "MetaBase.xml, the hives in WINDOWS/system32/"
			    "config); give --hives DIR instead");
}

int cli_hives_load(struct cli *cli, const char *cmd,
		   const struct mb_doc *doc, struct cli_hives *h)
{
	const char *arg = h->arg;
	int st = cli_plainsrc_check(cli, cmd, &h->src);

	if (st)
		return st;
	if (!arg)
		arg = getenv("MBTOOL_HIVES");
	if (!arg || !*arg)
		return MB_OK;
	if (strcmp(arg, "auto") == 0)
		st = auto_dir(cli, cmd, doc, &h->dir);
	else
		st = (h->dir = strdup(arg)) ? MB_OK :
			mb_error_set(&cli->err, MB_EFILE, cmd, arg,
				     "out of memory");
	if (!st)
		st = mb_hiveset_open(h->dir, &h->hs, &cli->err);
	if (!st)
		st = mb_hiveset_machine_sids(h->hs, &h->src.msids,
					     &h->src.nmsids, &cli->err);
	h->metabase = doc->path;
	return st;
}

void cli_hives_free(struct cli_hives *h)
{
	mb_hiveset_free(h->hs);
	free(h->dir);
	cli_plainsrc_free(&h->src);
	h->hs = NULL;
	h->dir = NULL;
}

void cli_hives_text(struct mb_buf *o, const struct cli_hives *h)
{
	const struct mb_hiveset *hs = h->hs;

	mb_buf_printf(o, "hives: %s for %s\n  SAM %s, SYSTEM %s, SECURITY %s\n"
		      "  computer %s, ProductType %s%s\n\n", h->dir,
		      h->metabase, hs->sam, hs->system,
		      hs->security ? hs->security :
				     "absent (user rights not checked)",
		      hs->computer, hs->product,
		      hs->dc ? " (a domain controller: its accounts live "
			       "in Active Directory, not in the SAM)" : "");
}

void cli_hives_json(struct mb_json *j, const struct cli_hives *h)
{
	const struct mb_hiveset *hs = h->hs;

	mb_json_key(j, "hives");
	mb_json_obj_begin(j);
	mb_json_kstr(j, "dir", h->dir);
	mb_json_kstr(j, "metabase", h->metabase);
	mb_json_kstr(j, "sam", hs->sam);
	mb_json_kstr(j, "system", hs->system);
	cli_kstr_or_null(j, "security", hs->security);
	mb_json_kstr(j, "computer", hs->computer);
	mb_json_kstr(j, "product_type", hs->product);
	mb_json_kbool(j, "domain_controller", hs->dc);
	mb_json_obj_end(j);
}

/* ---- per account ------------------------------------------------------- */

static enum mb_hc_logon logon_of(const struct mb_doc *doc,
				 const struct mb_acct *a)
{
	char *t;
	unsigned long m = 3;

	if (strcmp(a->kind, "wam") == 0)
		return MB_HC_BATCH;   /* pool and COM+ identities */
	if (strcmp(a->kind, "anonymous") != 0 || !a->nkeys)
		return MB_HC_NETWORK; /* UNC */
	t = mb_acct_value(doc, a->keys[0], "LogonMethod", 0);
	if (t)
		m = strtoul(t, NULL, 0);
	free(t);
	return mb_hcheck_logon_of((uint32_t)m);
}

static void compare(const struct mb_doc *doc, const struct mb_acct *a,
		    const struct cli_plain *p, struct mb_wacct *w)
{
	const struct mb_idkind *k = mb_idkind_of(a);
	size_t i;

	w->matches = 1;
	for (i = 0; i < a->nkeys; i++) {
		const char *why = "its password could not be recovered; "
				  "--known or the machine keys settle it";
		const char *t = p ? cli_plain_at(p, doc, a->keys[i],
						 k->pass, &why) : NULL;
		enum mb_pwcmp r;

		if (!t && p && strcmp(why, CLI_PLAIN_NONE) == 0)
			w->pw[i] = MB_WPW_NONE;
		else if (!t || mb_hiveset_password(w->c.user, t, strlen(t),
						   &r, NULL))
			w->pw[i] = MB_WPW_UNKNOWN;
		else
			w->pw[i] = r == MB_PW_MATCH ? MB_WPW_MATCH :
				   r == MB_PW_DIFFERS ? MB_WPW_DIFFERS :
				   MB_WPW_SAM_EMPTY;
		w->why[i] = why;
		w->differs |= w->pw[i] == MB_WPW_DIFFERS ||
			      w->pw[i] == MB_WPW_SAM_EMPTY;
		if (w->pw[i] != MB_WPW_MATCH && w->pw[i] != MB_WPW_NONE)
			w->matches = 0;
	}
}

int cli_wside_build(struct cli *cli, const struct mb_doc *doc,
		    const struct mb_hiveset *hs, const struct mb_accts *a,
		    const struct cli_plain *p, struct mb_wside *w)
{
	uint64_t now = mb_hcheck_filetime((long long)time(NULL));
	size_t i;

	memset(w, 0, sizeof(*w));
	w->hs = hs;
	w->v = calloc(a->n ? a->n : 1, sizeof(*w->v));
	if (!w->v)
		return mb_error_set(&cli->err, MB_EFILE, "hives", NULL,
				    "out of memory");
	w->n = a->n;
	for (i = 0; i < a->n; i++) {
		struct mb_wacct *v = &w->v[i];
		size_t n = a->v[i].nkeys ? a->v[i].nkeys : 1;

		mb_hcheck_run(hs, a->v[i].name, logon_of(doc, &a->v[i]), now,
			      &v->c);
		v->pw = calloc(n, sizeof(*v->pw));
		v->why = calloc(n, sizeof(*v->why));
		if (!v->pw || !v->why) {
			mb_wside_free(w);
			return mb_error_set(&cli->err, MB_EFILE, "hives", NULL,
					    "out of memory");
		}
		if (v->c.scope == MB_HC_LOCAL && v->c.user)
			compare(doc, &a->v[i], p, v);
	}
	return MB_OK;
}

const char *cli_pw_text(enum mb_wpw pw)
{
	static const char *const t[] = {
		"cannot be compared", "matches the SAM", "differs from the SAM",
		"SAM has no password", "no password stored",
	};

	return t[pw];
}
