/* SPDX-License-Identifier: MIT */
/*
 * The facts of report, as the XML that transforms/report.xsl renders:
 *
 *   <mbreport file version>
 *     <keys total shown folded fold-over folding><slot/></keys>
 *     <accounts><account name kind used groups lockout-risk keys
 *               windows (--hives: the Windows side, lines of text)>
 *         <set-at path password-group/>...   (a folded tree: the first 20)
 *     <doctor problems><finding id severity title anchor keys>
 *         <at path group/>... <why/> <fix/>... </finding> <check/>...
 *
 * and the parts of the key tree (report_priv.h):
 *
 *   <mbreport part="keys"><keys folding>
 *     <key path keytype open>
 *       <prop name origin from value/>...
 *       <acct name kind group lockout/>...   an account set here
 *       <badge anchor id severity title/>...  a finding that names it
 *       <key>... | <slot/>   <folded keys subtrees/>
 *
 * where a key with very many shown children has them in groups:
 *
 *     <group first last keys> <key>... | <slot/> </group>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mb/path.h"
#include "mb/query.h"
#include "mb/value.h"
#include "mb_config.h"
#include "report_priv.h"

/* What the tree shows at each key: the anonymous identity and how it logs
 * on (effective, with where it comes from), and the content's own Path. */
static const struct {
	const char *name;
	int local;   /* only where the key sets it */
	int marked;  /* the anonymous account marker shows it too */
} report_props[] = {
	{ "AnonymousUserName", 0, 1 }, { "AnonymousUserPass", 0, 1 },
	{ "AuthFlags", 0, 0 }, { "LogonMethod", 0, 0 }, { "Path", 1, 0 },
};
#define NPROPS (sizeof(report_props) / sizeof(report_props[0]))

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

/* A folded tree's page lists this many keys per account and finding:
 * every key is in the tree anyway, with its marker. */
#define LIST_CAP 20

/* Why a key is shown (struct cli_report.mark). */
#define M_HOT        0x01u /* an account is set here or a finding names it */
#define M_IDENT      0x02u /* sets one of ident_props or a secure value */
#define M_HOT_BELOW  0x04u /* M_HOT here or in a descendant: opened */
#define M_KEEP_BELOW 0x08u /* M_HOT or M_IDENT here or below */
#define M_ANON       0x10u /* an anonymous account is set here */
#define M_SHOWN      0x20u /* in the tree (not folded) */

#define X(s) ((const xmlChar *)(s))

static void set_num(xmlNodePtr n, const char *name, size_t v)
{
	char num[32];

	snprintf(num, sizeof(num), "%zu", v);
	xmlNewProp(n, X(name), X(num));
}

static void add_prop(xmlNodePtr parent, const struct mb_doc *doc, size_t key,
		     const struct mb_ref *ref, const char *name, int local)
{
	struct mb_prop storage;
	const struct mb_prop *p = mb_ref_display_prop(ref, &storage);
	const char *origin[] = { "local", "inherited", "default", "none" };
	struct mb_result r;
	xmlNodePtr n;

	if (!mb_query_allowed(doc, key, ref) ||
	    mb_query_get(doc, key, ref, local, &r, NULL))
		return;
	n = xmlNewChild(parent, NULL, X("prop"), NULL);
	xmlNewProp(n, X("name"), X(name));
	xmlNewProp(n, X("origin"), X(origin[r.origin]));
	if (r.origin == MB_ORIGIN_INHERITED && r.value.key != MB_NOKEY)
		xmlNewProp(n, X("from"), X(mb_path_display(
			doc->keys[r.value.key].location)));
	/* An unset secure value is "", not a mask over nothing. */
	if (r.text)
		xmlNewProp(n, X("value"), X((p->attrs & MB_ATTR_SECURE) &&
					     *r.text ? MB_MASK : r.text));
	mb_result_release(&r);
}

/*
 * A folded tree lists only the values set at the key (an inherited one is
 * shown where it is set, on the path above), and not the anonymous
 * account that the key's marker shows: on a hosting server those lines
 * would be most of the page.
 */
static void add_props(const struct cli_report *r, xmlNodePtr n, size_t key)
{
	struct mb_ref ref;
	size_t i;

	for (i = 0; i < NPROPS; i++) {
		if (r->fold && report_props[i].marked &&
		    (r->mark[key] & M_ANON))
			continue;
		if (mb_query_resolve(r->doc, key, report_props[i].name, &ref,
				     NULL))
			continue;
		add_prop(n, r->doc, key, &ref, report_props[i].name,
			 r->fold || report_props[i].local);
		mb_ref_release(&ref);
	}
}

/* Setter i of a's password group, in the file-wide numbering. */
static void setter_group(const struct cli_report *r, const struct mb_acct *a,
			 size_t i, char *out, size_t n)
{
	mb_secrets_group_name(a->group[i] < 0 ? -1 : mb_secrets_group_of(&r->groups,
		       r->doc, a->keys[i], mb_idkind_of(a)->pass), out, n);
}

static void add_markers(const struct cli_report *r, xmlNodePtr n, size_t key)
{
	const struct mb_finding *f;
	const struct mb_acct *a;
	char group[32], anchor[32];
	xmlNodePtr m;
	size_t i;

	for (i = r->acct_at[key]; i < r->acct_at[key + 1]; i++) {
		a = &r->accts.v[r->acct_v[i].acct];
		m = xmlNewChild(n, NULL, X("acct"), NULL);
		xmlNewProp(m, X("name"), X(a->name));
		xmlNewProp(m, X("kind"), X(a->kind));
		setter_group(r, a, r->acct_v[i].at, group, sizeof(group));
		xmlNewProp(m, X("group"), X(group));
		xmlNewProp(m, X("lockout"), X(a->ngroups > 1 ? "yes" : "no"));
	}
	for (i = r->find_at[key]; i < r->find_at[key + 1]; i++) {
		f = &r->finds.v[r->find_v[i]];
		m = xmlNewChild(n, NULL, X("badge"), NULL);
		snprintf(anchor, sizeof(anchor), "id%u", r->find_v[i] + 1);
		xmlNewProp(m, X("anchor"), X(anchor));
		xmlNewProp(m, X("id"), X(f->id));
		xmlNewProp(m, X("severity"), X(f->severity));
		xmlNewProp(m, X("title"), X(f->title));
	}
}

/* Keys in the subtree under (and with) root, without recursion: a file
 * may nest deeper than the stack allows. */
static size_t subtree_size(const struct mb_doc *doc, size_t root)
{
	size_t n = 0, k = root;

	for (;;) {
		n++;
		if (doc->keys[k].first_child != MB_NOKEY) {
			k = doc->keys[k].first_child;
			continue;
		}
		while (k != root && doc->keys[k].next_sibling == MB_NOKEY)
			k = doc->keys[k].parent;
		if (k == root)
			return n;
		k = doc->keys[k].next_sibling;
	}
}

/* One line for the children of key that the tree folds, if any. */
static void add_folded(const struct cli_report *r, xmlNodePtr parent,
		       size_t key)
{
	size_t c, keys = 0, subtrees = 0;
	xmlNodePtr n;

	for (c = r->doc->keys[key].first_child; c != MB_NOKEY;
	     c = r->doc->keys[c].next_sibling) {
		if (!(r->mark[c] & M_SHOWN)) {
			keys += subtree_size(r->doc, c);
			subtrees++;
		}
	}
	if (!keys)
		return;
	n = xmlNewChild(parent, NULL, X("folded"), NULL);
	set_num(n, "keys", keys);
	set_num(n, "subtrees", subtrees);
}

/*
 * Opened near the top and down to every key that sets an identity or has
 * a finding, so that the story is visible at once.
 */
void cli_report_key(const struct cli_report *r, xmlNodePtr parent, size_t key,
		    unsigned depth, int whole)
{
	const struct mb_key *k = &r->doc->keys[key];
	xmlNodePtr n = xmlNewChild(parent, NULL, X("key"), NULL);
	xmlChar *type = xmlStrndup(X(r->doc->buf + k->elem.off),
				   (int)k->elem.len);
	size_t c;
	int grouped;

	xmlNewProp(n, X("path"), X(mb_path_display(k->location)));
	xmlNewProp(n, X("keytype"), type ? type : X(""));
	xmlFree(type);
	if (depth < 4 || (r->mark[key] & M_HOT_BELOW))
		xmlNewProp(n, X("open"), X("open"));
	add_props(r, n, key);
	add_markers(r, n, key);
	if (!whole)
		xmlNewChild(n, NULL, X("slot"), NULL);
	c = whole ? cli_report_next(r, key, MB_NOKEY) : MB_NOKEY;
	grouped = c != MB_NOKEY && cli_report_grouped(r, key);
	while (c != MB_NOKEY) {
		if (grouped) {
			cli_report_group(r, n, key, c, depth + 1, 1);
			c = cli_report_group_end(r, key, c, NULL);
		} else {
			cli_report_key(r, n, c, depth + 1, 1);
			c = cli_report_next(r, key, c);
		}
	}
	add_folded(r, n, key);
}

size_t cli_report_next(const struct cli_report *r, size_t parent, size_t c)
{
	const struct mb_doc *doc = r->doc;

	if (parent != MB_NOKEY)
		c = c == MB_NOKEY ? doc->keys[parent].first_child :
				    doc->keys[c].next_sibling;
	else
		c = c == MB_NOKEY ? 0 : c + 1;
	for (; c != MB_NOKEY && c < doc->nkeys;
	     c = parent == MB_NOKEY ? c + 1 : doc->keys[c].next_sibling)
		if ((r->mark[c] & M_SHOWN) &&
		    (parent != MB_NOKEY || doc->keys[c].parent == MB_NOKEY))
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

size_t cli_report_group_end(const struct cli_report *r, size_t parent,
			    size_t first, size_t *size)
{
	size_t c = first, n;

	if (size)
		*size = 0;
	for (n = 0; c != MB_NOKEY && n < MB_REPORT_GROUP; n++) {
		if (size)
			*size += r->shown_in[c];
		c = cli_report_next(r, parent, c);
	}
	return c;
}

void cli_report_group(const struct cli_report *r, xmlNodePtr xparent,
		      size_t parent, size_t first, unsigned depth, int whole)
{
	xmlNodePtr g = xmlNewChild(xparent, NULL, X("group"), NULL);
	size_t c, last = first, n = 0,
	       end = cli_report_group_end(r, parent, first, NULL);

	for (c = first; c != end; c = cli_report_next(r, parent, c), n++) {
		last = c;
		if (whole)
			cli_report_key(r, g, c, depth, 1);
	}
	if (!whole)
		xmlNewChild(g, NULL, X("slot"), NULL);
	xmlNewProp(g, X("first"), X(mb_path_display(
		r->doc->keys[first].location)));
	xmlNewProp(g, X("last"), X(mb_path_display(
		r->doc->keys[last].location)));
	set_num(g, "keys", n);
}

int cli_report_shown(const struct cli_report *r, size_t key)
{
	return (r->mark[key] & M_SHOWN) != 0;
}

/* --hives: the account's Windows side, as accounts --hives prints it. */
static void add_windows(const struct cli_report *r, xmlNodePtr an, size_t i)
{
	struct mb_buf t;

	mb_buf_init(&t);
	cli_wside_text(&t, &r->ws, i, &r->accts.v[i], r->doc);
	if (t.data)
		xmlNewProp(an, X("windows"), X(t.data));
	mb_buf_release(&t);
}

static void add_accounts(const struct cli_report *r, xmlNodePtr root)
{
	size_t i, j, cap = r->fold ? LIST_CAP : (size_t)-1;
	xmlNodePtr list, an, kn;
	char buf[64];

	list = xmlNewChild(root, NULL, X("accounts"), NULL);
	for (i = 0; i < r->accts.n; i++) {
		const struct mb_acct *ac = &r->accts.v[i];

		an = xmlNewChild(list, NULL, X("account"), NULL);
		xmlNewProp(an, X("name"), X(ac->name));
		xmlNewProp(an, X("kind"), X(ac->kind));
		set_num(an, "used", ac->used);
		snprintf(buf, sizeof(buf), "%d", ac->ngroups);
		xmlNewProp(an, X("groups"), X(buf));
		xmlNewProp(an, X("lockout-risk"),
			   X(ac->ngroups > 1 ? "yes" : "no"));
		set_num(an, "keys", ac->nkeys);
		if (r->ws.v)
			add_windows(r, an, i);
		for (j = 0; j < ac->nkeys && j < cap; j++) {
			kn = xmlNewChild(an, NULL, X("set-at"), NULL);
			xmlNewProp(kn, X("path"), X(mb_path_display(
				r->doc->keys[ac->keys[j]].location)));
			setter_group(r, ac, j, buf, sizeof(buf));
			xmlNewProp(kn, X("password-group"), X(buf));
		}
	}
}

/* A fix or check line, as the doctor's text prints it. */
static void add_line(xmlNodePtr parent, const char *name,
		     const struct mb_fix_line *l)
{
	struct mb_buf t;

	mb_buf_init(&t);
	mb_fix_line_text(&t, l);
	xmlNewTextChild(parent, NULL, X(name), X(t.data ? t.data : ""));
	mb_buf_release(&t);
}

static void add_finding(const struct cli_report *r, xmlNodePtr parent,
			size_t fi)
{
	const struct mb_finding *f = &r->finds.v[fi];
	xmlNodePtr n = xmlNewChild(parent, NULL, X("finding"), NULL), at;
	size_t i, cap = r->fold ? LIST_CAP : (size_t)-1;
	char group[32], anchor[32];

	xmlNewProp(n, X("id"), X(f->id));
	xmlNewProp(n, X("severity"), X(f->severity));
	xmlNewProp(n, X("title"), X(f->title));
	snprintf(anchor, sizeof(anchor), "id%zu", fi + 1);
	xmlNewProp(n, X("anchor"), X(anchor));
	set_num(n, "keys", f->nkeys);
	for (i = 0; i < f->nkeys && i < cap; i++) {
		at = xmlNewChild(n, NULL, X("at"), NULL);
		xmlNewProp(at, X("path"), X(f->keys[i].path));
		mb_secrets_group_name(f->keys[i].group, group, sizeof(group));
		if (f->keys[i].group)
			xmlNewProp(at, X("group"), X(group));
	}
	xmlNewTextChild(n, NULL, X("why"), X(f->why));
	for (i = 0; i < f->nfix; i++)
		add_line(n, "fix", &f->fix[i]);
}

/* Doctor findings, from the same rules the doctor command prints. */
static void add_doctor(const struct cli_report *r, xmlNodePtr root)
{
	xmlNodePtr d = xmlNewChild(root, NULL, X("doctor"), NULL);
	size_t i;

	set_num(d, "problems", r->finds.problems);
	for (i = 0; i < r->finds.n; i++)
		add_finding(r, d, i);
	for (i = 0; i < r->finds.nchecks; i++)
		add_line(d, "check", &r->finds.checks[i]);
}

static xmlDocPtr new_doc(const struct cli_report *r, xmlNodePtr *keys)
{
	xmlDocPtr x = xmlNewDoc(X("1.0"));
	xmlNodePtr root;

	if (!x)
		return NULL;
	/* Element and attribute names once, not once per node. */
	x->dict = xmlDictCreate();
	root = x->dict ? xmlNewDocNode(x, NULL, X("mbreport"), NULL) : NULL;
	if (!root) {
		xmlFreeDoc(x);
		return NULL;
	}
	xmlDocSetRootElement(x, root);
	xmlNewProp(root, X("file"), X(r->doc->path));
	xmlNewProp(root, X("version"), X(MB_VERSION));
	*keys = xmlNewChild(root, NULL, X("keys"), NULL);
	xmlNewProp(*keys, X("folding"), X(r->fold ? "yes" : "no"));
	return x;
}

xmlDocPtr cli_report_page(const struct cli_report *r)
{
	xmlNodePtr keys;
	xmlDocPtr x = new_doc(r, &keys);

	if (!x)
		return NULL;
	set_num(keys, "total", r->doc->nkeys);
	set_num(keys, "shown", r->shown);
	set_num(keys, "folded", r->doc->nkeys - r->shown);
	set_num(keys, "fold-over", MB_REPORT_FOLD_OVER);
	set_num(keys, "group", MB_REPORT_GROUP);
	xmlNewChild(keys, NULL, X("slot"), NULL);
	add_accounts(r, xmlDocGetRootElement(x));
	add_doctor(r, xmlDocGetRootElement(x));
	return x;
}

xmlDocPtr cli_report_part(const struct cli_report *r, xmlNodePtr *keys)
{
	xmlDocPtr x = new_doc(r, keys);

	if (x)
		xmlNewProp(xmlDocGetRootElement(x), X("part"), X("keys"));
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

static int sets_ident(const struct mb_doc *doc, size_t key)
{
	const struct mb_key *k = &doc->keys[key];
	unsigned i;

	for (i = 0; i < k->nattrs; i++)
		if (ident_prop(mb_doc_attr_prop(doc, &k->attrs[i])))
			return 1;
	for (i = 0; i < k->ncustoms && doc->schema; i++)
		if (k->customs[i].has_id &&
		    ident_prop(mb_schema_prop_by_id(doc->schema,
						    k->customs[i].id)))
			return 1;
	return 0;
}

/* Set bit on key and its ancestors; stops where it is already set, so
 * marking every key costs one pass over the tree. */
static void mark_up(struct cli_report *r, size_t key, unsigned bit)
{
	while (key != MB_NOKEY && !(r->mark[key] & bit)) {
		r->mark[key] |= (unsigned char)bit;
		key = r->doc->keys[key].parent;
	}
}

/*
 * After the markers: which keys the tree shows (all of a small file; else
 * the roots, the keys that matter and the path to them) and how many
 * shown keys each subtree holds (the size of its part).
 */
static int mark_tree(struct cli_report *r)
{
	const struct mb_doc *doc = r->doc;
	size_t k, p;

	r->shown_in = calloc(doc->nkeys + 1, sizeof(*r->shown_in));
	if (!r->shown_in)
		return -1;
	for (k = 0; k < doc->nkeys; k++) {
		if (r->acct_at[k] < r->acct_at[k + 1] ||
		    r->find_at[k] < r->find_at[k + 1])
			r->mark[k] |= M_HOT;
		if (sets_ident(doc, k))
			r->mark[k] |= M_IDENT;
		if (r->mark[k] & M_HOT)
			mark_up(r, k, M_HOT_BELOW);
		if (r->mark[k] & (M_HOT | M_IDENT))
			mark_up(r, k, M_KEEP_BELOW);
	}
	for (k = 0; k < doc->nkeys; k++) {
		if (r->fold && doc->keys[k].parent != MB_NOKEY &&
		    !(r->mark[k] & M_KEEP_BELOW))
			continue;
		r->mark[k] |= M_SHOWN;
		r->shown++;
		for (p = k; p != MB_NOKEY; p = doc->keys[p].parent)
			r->shown_in[p]++;
	}
	return 0;
}

/* Turn counts per key (at[k + 1]) into start offsets (at[k]). */
static void offsets(size_t *at, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		at[k + 1] += at[k];
}

/*
 * The account markers of each key, in the order of the accounts and of
 * their keys, as report.xsl showed them before the tree came in parts.
 */
static int index_accounts(struct cli_report *r)
{
	size_t n = r->doc->nkeys, i, j, *fill;

	r->acct_at = calloc(n + 1, sizeof(*r->acct_at));
	fill = calloc(n + 1, sizeof(*fill));
	if (!r->acct_at || !fill) {
		free(fill);
		return -1;
	}
	for (i = 0; i < r->accts.n; i++)
		for (j = 0; j < r->accts.v[i].nkeys; j++)
			r->acct_at[r->accts.v[i].keys[j] + 1]++;
	offsets(r->acct_at, n);
	r->acct_v = malloc((r->acct_at[n] + 1) * sizeof(*r->acct_v));
	memcpy(fill, r->acct_at, (n + 1) * sizeof(*fill));
	for (i = 0; r->acct_v && i < r->accts.n; i++) {
		for (j = 0; j < r->accts.v[i].nkeys; j++) {
			size_t k = r->accts.v[i].keys[j];

			r->acct_v[fill[k]].acct = (uint32_t)i;
			r->acct_v[fill[k]++].at = (uint32_t)j;
			if (strcmp(r->accts.v[i].kind, "anonymous") == 0)
				r->mark[k] |= M_ANON;
		}
	}
	free(fill);
	return r->acct_v ? 0 : -1;
}

/* Each finding once per key it names, in the order of the findings. */
static int index_findings(struct cli_report *r)
{
	size_t n = r->doc->nkeys, i, j, k, *fill, *last;

	r->find_at = calloc(n + 1, sizeof(*r->find_at));
	fill = calloc(n + 1, sizeof(*fill));
	last = malloc((n + 1) * sizeof(*last));
	if (!r->find_at || !fill || !last)
		goto oom;
	for (k = 0; k < n; k++)
		last[k] = (size_t)-1;
	for (i = 0; i < r->finds.n; i++)
		for (j = 0; j < r->finds.v[i].nkeys; j++)
			if ((k = r->finds.v[i].keys[j].key) < n &&
			    last[k] != i) {
				last[k] = i;
				r->find_at[k + 1]++;
			}
	offsets(r->find_at, n);
	r->find_v = malloc((r->find_at[n] + 1) * sizeof(*r->find_v));
	if (!r->find_v)
		goto oom;
	memcpy(fill, r->find_at, (n + 1) * sizeof(*fill));
	for (i = 0; i < r->finds.n; i++)
		for (j = 0; j < r->finds.v[i].nkeys; j++)
			if ((k = r->finds.v[i].keys[j].key) < n &&
			    (fill[k] == r->find_at[k] ||
			     r->find_v[fill[k] - 1] != i))
				r->find_v[fill[k]++] = (uint32_t)i;
	free(fill);
	free(last);
	return 0;
oom:
	free(fill);
	free(last);
	return -1;
}

int cli_report_prepare(struct cli_report *r, const struct mb_doc *doc,
		       const struct mb_hiveset *hs,
		       const struct cli_plain *p)
{
	struct mb_doctor_in in;
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
	if (!r->mark || index_accounts(r) || index_findings(r) ||
	    mark_tree(r))
		return -1;
	return 0;
}

void cli_report_free(struct cli_report *r)
{
	mb_wside_free(&r->ws);
	mb_accts_free(&r->accts);
	mb_secrets_free(&r->groups);
	mb_findings_free(&r->finds);
	free(r->mark);
	free(r->shown_in);
	free(r->acct_at);
	free(r->find_at);
	free(r->acct_v);
	free(r->find_v);
	memset(r, 0, sizeof(*r));
}
