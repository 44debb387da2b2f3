/* SPDX-License-Identifier: MIT */
/*
 * The facts of report: accounts, password groups, doctor findings, which
 * keys the tree shows and why, and the page frame that transforms/
 * report.xsl renders (report_priv.h):
 *
 *   <mbreport file version>
 *     <keys total shown folded fold-over group folding/>
 *     <accounts count lockout-risks windows/>
 *     <doctor problems findings errors warnings infos checks/>
 *   </mbreport>
 *
 * Its rows (accounts, findings, checks) and the key tree are written by
 * report_html.c and report_tree.c into the frame's slots.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mb/path.h"
#include "mb/query.h"
#include "mb/value.h"
#include "mb_config.h"
#include "report_priv.h"

/*
 * Besides every secure value (each password), the settings that decide
 * who a request runs as and how it logs on: a key that sets one of these
 * is never folded away.
 */
static const char *const ident_props[] = {
	"AnonymousUserName", "WAMUserName", "UNCUserName", "LogOdbcUserName",
	"ADConnectionsUserName", "RouteUserName", "AnonymousPasswordSync",
	"DefaultLogonDomain", "AuthFlags", "LogonMethod",
	"AppPoolIdentityType",
};

/* Why a key is shown (struct cli_report.mark). */
#define M_HOT        0x01u /* an account is set here or a finding names it */
#define M_IDENT      0x02u /* sets one of ident_props or a secure value */
#define M_HOT_BELOW  0x04u /* M_HOT here or in a descendant: opened */
#define M_KEEP_BELOW 0x08u /* M_HOT or M_IDENT here or below */
#define M_ANON       0x10u /* an anonymous account is set here */
#define M_SHOWN      0x20u /* in the tree (not folded) */
#define M_SEEN       0x40u /* (while the findings are indexed) */

#define X(s) ((const xmlChar *)(s))

void cli_report_setter_group(const struct cli_report *r,
			     const struct mb_acct *a, size_t i, char *out,
			     size_t n)
{
	mb_secrets_group_name(a->group[i] < 0 ? -1 : mb_secrets_group_of(
		&r->groups, r->doc, a->keys[i], mb_idkind_of(a)->pass), out,
		n);
}

/* Keys in the subtree under (and with) root, without recursion: a file
 * may nest deeper than the stack allows. */
static size_t subtree_size(const struct mb_doc *doc, size_t root)
{
	size_t n = 0, k = root;

	for (;;) {
		n++;
		if (mb_key_first_child(&doc->keys[k]) != MB_NOKEY) {
			k = mb_key_first_child(&doc->keys[k]);
			continue;
		}
		while (k != root && mb_key_next_sibling(&doc->keys[k]) == MB_NOKEY)
			k = mb_key_parent(&doc->keys[k]);
		if (k == root)
			return n;
		k = mb_key_next_sibling(&doc->keys[k]);
	}
}

size_t cli_report_folded(const struct cli_report *r, size_t key)
{
	size_t c, keys = 0;

	for (c = mb_key_first_child(&r->doc->keys[key]); c != MB_NOKEY;
	     c = mb_key_next_sibling(&r->doc->keys[c]))
		if (!(r->mark[c] & M_SHOWN))
			keys += subtree_size(r->doc, c);
	return keys;
}

int cli_report_open(const struct cli_report *r, size_t key, unsigned depth)
{
	return depth < 4 || (r->mark[key] & M_HOT_BELOW);
}

int cli_report_anon(const struct cli_report *r, size_t key)
{
	return (r->mark[key] & M_ANON) != 0;
}

size_t cli_report_next(const struct cli_report *r, size_t parent, size_t c)
{
	const struct mb_doc *doc = r->doc;

	if (parent != MB_NOKEY)
		c = c == MB_NOKEY ? mb_key_first_child(&doc->keys[parent]) :
				    mb_key_next_sibling(&doc->keys[c]);
	else
		c = c == MB_NOKEY ? 0 : c + 1;
	for (; c != MB_NOKEY && c < doc->nkeys;
	     c = parent == MB_NOKEY ? c + 1 : mb_key_next_sibling(&doc->keys[c]))
		if ((r->mark[c] & M_SHOWN) &&
		    (parent != MB_NOKEY || mb_key_parent(&doc->keys[c]) == MB_NOKEY))
			return c;
	return MB_NOKEY;
}

int cli_report_grouped(const struct cli_report *r, size_t parent)
{
	size_t c, n = 0;

	for (c = cli_report_next(r, parent, MB_NOKEY); c != MB_NOKEY;
	     c = cli_report_next(r, parent, c))
		if (++n > MB_REPORT_GROUP)
			return 1;
	return 0;
}

int cli_report_shown(const struct cli_report *r, size_t key)
{
	return (r->mark[key] & M_SHOWN) != 0;
}

static void set_num(xmlNodePtr n, const char *name, size_t v)
{
	char num[32];

	snprintf(num, sizeof(num), "%zu", v);
	xmlNewProp(n, X(name), X(num));
}

static void page_accounts(const struct cli_report *r, xmlNodePtr root)
{
	xmlNodePtr n = xmlNewChild(root, NULL, X("accounts"), NULL);
	size_t i, risks = 0;

	for (i = 0; i < r->accts.n; i++)
		risks += r->accts.v[i].ngroups > 1;
	set_num(n, "count", r->accts.n);
	set_num(n, "lockout-risks", risks);
	xmlNewProp(n, X("windows"), X(r->ws.v && r->accts.n ? "yes" : "no"));
}

/* Doctor findings by severity, from the same rules the doctor command
 * prints. */
static void page_doctor(const struct cli_report *r, xmlNodePtr root)
{
	xmlNodePtr n = xmlNewChild(root, NULL, X("doctor"), NULL);
	static const char *const sev[] = { "error", "warning", "info" };
	static const char *const attr[] = { "errors", "warnings", "infos" };
	size_t i, j, count;

	set_num(n, "problems", r->finds.problems);
	set_num(n, "findings", r->finds.n);
	for (j = 0; j < 3; j++) {
		for (i = count = 0; i < r->finds.n; i++)
			count += strcmp(r->finds.v[i].severity, sev[j]) == 0;
		set_num(n, attr[j], count);
	}
	set_num(n, "checks", r->finds.nchecks);
}

xmlDocPtr cli_report_page(const struct cli_report *r)
{
	xmlDocPtr x = xmlNewDoc(X("1.0"));
	xmlNodePtr root, keys;

	root = x ? xmlNewDocNode(x, NULL, X("mbreport"), NULL) : NULL;
	if (!root) {
		xmlFreeDoc(x);
		return NULL;
	}
	xmlDocSetRootElement(x, root);
	xmlNewProp(root, X("file"), X(r->doc->path));
	xmlNewProp(root, X("version"), X(MB_VERSION));
	keys = xmlNewChild(root, NULL, X("keys"), NULL);
	set_num(keys, "total", r->doc->nkeys);
	set_num(keys, "shown", r->shown);
	set_num(keys, "folded", r->doc->nkeys - r->shown);
	set_num(keys, "fold-over", MB_REPORT_FOLD_OVER);
	set_num(keys, "group", MB_REPORT_GROUP);
	xmlNewProp(keys, X("folding"), X(r->fold ? "yes" : "no"));
	page_accounts(r, root);
	page_doctor(r, root);
	return x;
}

static int ident_prop(const struct mb_prop *p)
{
	size_t i;

	if (!p)
		return 0;
	if (p->attrs & MB_ATTR_SECURE)
		return 1;
	for (i = 0; i < sizeof(ident_props) / sizeof(ident_props[0]); i++)
		if (strcmp(p->name, ident_props[i]) == 0)
			return 1;
	return 0;
}

/*
 * The names of the schema's properties that ident_prop() takes, as the
 * file must spell them: every attribute of the file is matched against
 * these bytes (lengths first) instead of being looked up in the schema.
 */
#define IDENT_MAX 64
struct ident_names {
	uint64_t lens;           /* bit n: a name of n bytes (n < 64) */
	size_t n;
	const char *name[IDENT_MAX];
	size_t len[IDENT_MAX];
};

/* 0, or -1 when there are too many (the schema is asked per attribute). */
static int ident_names(const struct mb_schema *s, struct ident_names *in)
{
	size_t i, n = s ? mb_schema_nprops(s) : 0;
	const struct mb_prop *p;

	memset(in, 0, sizeof(*in));
	for (i = 0; i < n; i++) {
		p = mb_schema_prop_at(s, i);
		if (!ident_prop(p))
			continue;
		if (in->n == IDENT_MAX || strlen(p->name) >= 64)
			return -1;
		in->name[in->n] = p->name;
		in->len[in->n] = strlen(p->name);
		in->lens |= (uint64_t)1 << in->len[in->n++];
	}
	return 0;
}

static int ident_attr(const struct mb_doc *doc, const struct ident_names *in,
		      const struct mb_attr *a)
{
	size_t i, len = a->name.len;

	if (!in)
		return ident_prop(mb_doc_attr_prop(doc, a));
	if (len >= 64 || !(in->lens & (uint64_t)1 << len))
		return 0;
	for (i = 0; i < in->n; i++)
		if (in->len[i] == len &&
		    memcmp(in->name[i], doc->buf + a->name.off, len) == 0)
			return 1;
	return 0;
}

static int sets_ident(const struct mb_doc *doc, const struct ident_names *in,
		      size_t key)
{
	const struct mb_key *k = &doc->keys[key];
	const struct mb_custom *cu = mb_key_customs(doc, k);
	unsigned i;

	for (i = 0; i < k->nattrs; i++)
		if (ident_attr(doc, in, &k->attrs[i]))
			return 1;
	for (i = 0; i < k->ncustoms && doc->schema; i++)
		if (cu[i].has_id &&
		    ident_prop(mb_schema_prop_by_id(doc->schema, cu[i].id)))
			return 1;
	return 0;
}

/* Set bit on key and its ancestors; stops where it is already set, so
 * marking every key costs one pass over the tree. */
static void mark_up(struct cli_report *r, size_t key, unsigned bit)
{
	while (key != MB_NOKEY && !(r->mark[key] & bit)) {
		r->mark[key] |= (unsigned char)bit;
		key = mb_key_parent(&r->doc->keys[key]);
	}
}

/*
 * After the markers: which keys the tree shows (all of a small file; else
 * the roots, the keys that matter and the path to them).
 */
static void mark_tree(struct cli_report *r)
{
	const struct mb_doc *doc = r->doc;
	struct ident_names names;
	const struct ident_names *in = ident_names(doc->schema, &names) ?
				       NULL : &names;
	size_t k;

	for (k = 0; k < doc->nkeys; k++) {
		if (r->acct_at[k] < r->acct_at[k + 1] ||
		    r->find_at[k] < r->find_at[k + 1])
			r->mark[k] |= M_HOT;
		/* (only a folded tree asks) */
		if (r->fold && sets_ident(doc, in, k))
			r->mark[k] |= M_IDENT;
		if (r->mark[k] & M_HOT)
			mark_up(r, k, M_HOT_BELOW);
		if (r->mark[k] & (M_HOT | M_IDENT))
			mark_up(r, k, M_KEEP_BELOW);
	}
	for (k = 0; k < doc->nkeys; k++) {
		if (r->fold && mb_key_parent(&doc->keys[k]) != MB_NOKEY &&
		    !(r->mark[k] & M_KEEP_BELOW))
			continue;
		r->mark[k] |= M_SHOWN;
		r->shown++;
	}
}

/*
 * Markers by key, as a counting sort without a cursor array: at[k] holds
 * key k's count, then (summed) where its markers end; placing them from
 * the last to the first moves it down to where they start, and at[n] is
 * where the last key's end.
 */
static uint32_t *counts_to_ends(uint32_t *at, size_t n)
{
	size_t k;

	for (k = 1; k < n; k++)
		at[k] += at[k - 1];
	at[n] = n ? at[n - 1] : 0;
	return at;
}

/*
 * The account markers of each key, in the order of the accounts and of
 * their keys.
 */
static int index_accounts(struct cli_report *r)
{
	size_t n = r->doc->nkeys, i, j, k;

	r->acct_at = calloc(n + 1, sizeof(*r->acct_at));
	if (!r->acct_at)
		return -1;
	for (i = 0; i < r->accts.n; i++)
		for (j = 0; j < r->accts.v[i].nkeys; j++)
			r->acct_at[r->accts.v[i].keys[j]]++;
	counts_to_ends(r->acct_at, n);
	r->acct_v = malloc((r->acct_at[n] + 1) * sizeof(*r->acct_v));
	for (i = r->accts.n; r->acct_v && i-- > 0;) {
		int anon = strcmp(r->accts.v[i].kind, "anonymous") == 0;

		for (j = r->accts.v[i].nkeys; j-- > 0;) {
			k = r->accts.v[i].keys[j];
			r->acct_v[--r->acct_at[k]].acct = (uint32_t)i;
			r->acct_v[r->acct_at[k]].at = (uint32_t)j;
			if (anon)
				r->mark[k] |= M_ANON;
		}
	}
	return r->acct_v ? 0 : -1;
}

/* Finding i's keys, each once (M_SEEN set while it is looked at). */
static void finding_keys(struct cli_report *r, size_t i, int place)
{
	const struct mb_finding *f = &r->finds.v[i];
	size_t j, k, n = r->doc->nkeys;

	for (j = 0; j < f->nkeys; j++) {
		if ((k = f->keys[j].key) >= n || (r->mark[k] & M_SEEN))
			continue;
		r->mark[k] |= M_SEEN;
		if (place)
			r->find_v[--r->find_at[k]] = (uint32_t)i;
		else
			r->find_at[k]++;
	}
	for (j = 0; j < f->nkeys; j++)
		if ((k = f->keys[j].key) < n)
			r->mark[k] &= (unsigned char)~M_SEEN;
}

/* Each finding once per key it names, in the order of the findings. */
static int index_findings(struct cli_report *r)
{
	size_t n = r->doc->nkeys, i;

	r->find_at = calloc(n + 1, sizeof(*r->find_at));
	if (!r->find_at)
		return -1;
	for (i = 0; i < r->finds.n; i++)
		finding_keys(r, i, 0);
	counts_to_ends(r->find_at, n);
	r->find_v = malloc((r->find_at[n] + 1) * sizeof(*r->find_v));
	if (!r->find_v)
		return -1;
	for (i = r->finds.n; i-- > 0;)
		finding_keys(r, i, 1);
	return 0;
}

/*
 * The tree's properties as the schema knows them, once for every key; a
 * name only a <Custom> element defines is resolved at each key.
 */
static void resolve_props(struct cli_report *r)
{
	size_t i;

	for (i = 0; i < MB_REPORT_NPROPS; i++) {
		if (!mb_query_resolve(r->doc, MB_NOKEY,
				      cli_report_props[i].name, &r->props[i],
				      NULL))
			continue;
		mb_ref_release(&r->props[i]);
		r->props[i].prop = NULL;
	}
}

int cli_report_prepare(struct cli_report *r, const struct mb_doc *doc,
		       const struct mb_hiveset *hs,
		       const struct cli_plain *p)
{
	struct mb_doctor_in in = { 0 };
	struct mb_error err;
	struct cli cli;

	memset(r, 0, sizeof(*r));
	r->doc = doc;
	r->fold = doc->nkeys > MB_REPORT_FOLD_OVER;
	mb_error_clear(&err);
	if (mb_accts_collect(doc, NULL, 1, &r->accts) ||
	    mb_secrets_groups(&r->groups, doc))
		return -1;
	memset(&cli, 0, sizeof(cli));
	if (hs && cli_wside_build(&cli, doc, hs, &r->accts, p, &r->ws))
		return -1;
	/* the doctor reads the collections built here, not its own */
	in.doc = doc;
	in.accts = &r->accts;
	in.groups = &r->groups;
	in.ws = hs ? &r->ws : NULL;
	if (mb_doctor_run(&in, &r->finds, &err)) {
		memset(&r->finds, 0, sizeof(r->finds));
		return -1;
	}
	r->mark = calloc(doc->nkeys + 1, 1);
	if (!r->mark || index_accounts(r) || index_findings(r))
		return -1;
	mark_tree(r);
	resolve_props(r);
	return 0;
}

void cli_report_free(struct cli_report *r)
{
	size_t i;

	mb_wside_free(&r->ws);
	mb_accts_free(&r->accts);
	mb_secrets_free(&r->groups);
	mb_findings_free(&r->finds);
	for (i = 0; i < MB_REPORT_NPROPS; i++)
		mb_ref_release(&r->props[i]);
	free(r->mark);
	free(r->acct_at);
	free(r->find_at);
	free(r->acct_v);
	free(r->find_v);
	memset(r, 0, sizeof(*r));
}
