/* SPDX-License-Identifier: MIT */
/*
 * report's key tree, written as HTML straight to the output: one
 * <details class="key"> per shown key, nested as the keys are, with its
 * account markers, finding badges and the values that decide its
 * anonymous identity; a key's folded children counted on one line; many
 * shown children of one key in closed <details class="group">s. A key's
 * nesting is bounded (MB_DOC_MAX_DEPTH), so the recursion is too.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mb/path.h"
#include "mb/query.h"
#include "mb/value.h"
#include "report_priv.h"

/* What the tree shows at each key: the anonymous identity and how it logs
 * on (effective, with where it comes from), and the content's own Path.
 * report_doc.c resolves them once, in this order. */
const struct cli_report_prop cli_report_props[MB_REPORT_NPROPS] = {
	{ "AnonymousUserName", 0, 1 }, { "AnonymousUserPass", 0, 1 },
	{ "AuthFlags", 0, 0 }, { "LogonMethod", 0, 0 }, { "Path", 1, 0 },
};

static const char *const origin_names[] = {
	"local", "inherited", "default", "none"
};

/*
 * Defaults are noise, except AuthFlags in a web or FTP service, where the
 * default means anonymous access is on.
 */
static int prop_shown(const char *path, const char *name,
		      enum mb_origin origin)
{
	size_t n = strcspn(path, "/");

	if (origin == MB_ORIGIN_LOCAL || origin == MB_ORIGIN_INHERITED)
		return 1;
	if (origin != MB_ORIGIN_DEFAULT || strcmp(name, "AuthFlags") != 0)
		return 0;
	return (n == 5 && strncasecmp(path, "W3SVC", 5) == 0) ||
	       (n == 8 && strncasecmp(path, "MSFTPSVC", 8) == 0);
}

/* One value line; *open tells whether the list has begun. */
static void prop_line(struct cli_html *h, const struct cli_report *r,
		      size_t key, const struct mb_ref *ref, size_t i,
		      int *open)
{
	const struct mb_doc *doc = r->doc;
	const char *name = cli_report_props[i].name;
	struct mb_prop storage;
	const struct mb_prop *p = mb_ref_display_prop(ref, &storage);
	struct mb_result v;

	if (!mb_query_allowed(doc, key, ref) ||
	    mb_query_get(doc, key, ref, r->fold || cli_report_props[i].local,
			 &v, NULL))
		return;
	if (prop_shown(mb_path_display(doc->keys[key].location), name,
		       v.origin)) {
		cli_html_raw(h, *open ? "<li class=\"" :
				"\n<ul class=\"props\">\n<li class=\"");
		*open = 1;
		cli_html_raw(h, origin_names[v.origin]);
		cli_html_lit(h, "\">");
		cli_html_text(h, name);
		cli_html_lit(h, " = \"");
		/* An unset secure value is "", not a mask over nothing. */
		if (v.text)
			cli_html_text(h, (p->attrs & MB_ATTR_SECURE) &&
				      *v.text ? MB_MASK : v.text);
		if (v.origin == MB_ORIGIN_LOCAL) {
			cli_html_lit(h, "\" (set here)</li>\n");
		} else if (v.origin == MB_ORIGIN_INHERITED) {
			cli_html_lit(h, "\" (inherited from ");
			if (v.value.key != MB_NOKEY)
				cli_html_text(h, mb_path_display(
					doc->keys[v.value.key].location));
			cli_html_lit(h, ")</li>\n");
		} else {
			cli_html_lit(h, "\" (default)</li>\n");
		}
	}
	mb_result_release(&v);
}

/*
 * A folded tree lists only the values set at the key (an inherited one is
 * shown where it is set, on the path above), and not the anonymous
 * account that the key's marker shows: on a hosting server those lines
 * would be most of the page.
 */
static void props(struct cli_html *h, const struct cli_report *r,
		  size_t key)
{
	struct mb_ref own;
	const struct mb_ref *ref;
	size_t i;
	int open = 0;

	for (i = 0; i < MB_REPORT_NPROPS; i++) {
		if (r->fold && cli_report_props[i].marked &&
		    cli_report_anon(r, key))
			continue;
		ref = &r->props[i];
		if (!ref->prop) {
			if (mb_query_resolve(r->doc, key,
					     cli_report_props[i].name, &own,
					     NULL))
				continue;
			ref = &own;
		}
		prop_line(h, r, key, ref, i, &open);
		if (ref == &own)
			mb_ref_release(&own);
	}
	if (open)
		cli_html_lit(h, "</ul>");
}

static void acct_marker(struct cli_html *h, const struct cli_report *r,
			const struct cli_report_acct *m)
{
	const struct mb_acct *a = &r->accts.v[m->acct];
	char group[32];

	cli_report_setter_group(r, a, m->at, group, sizeof(group));
	cli_html_lit(h, "<span class=\"acct ");
	cli_html_attr(h, a->kind);
	if (a->ngroups > 1)
		cli_html_lit(h, " lockout");
	cli_html_lit(h, "\" data-account=\"");
	cli_html_attr(h, a->name);
	/* A folded tree has no tooltips: tens of thousands of keys would
	 * repeat them. */
	if (!r->fold) {
		cli_html_lit(h, "\" title=\"");
		cli_html_attr(h, a->kind);
		cli_html_lit(h, " account set here, password group ");
		cli_html_attr(h, group);
	}
	cli_html_lit(h, "\">");
	cli_html_text(h, a->name);
	cli_html_lit(h, " (");
	cli_html_text(h, group);
	cli_html_lit(h, ")</span>");
}

static void badge(struct cli_html *h, const struct cli_report *r,
		  uint32_t fi)
{
	const struct mb_finding *f = &r->finds.v[fi];

	cli_html_lit(h, "<a class=\"badge ");
	cli_html_attr(h, f->severity);
	cli_html_lit(h, "\" href=\"#id");
	cli_html_num(h, (size_t)fi + 1, 0);
	if (!r->fold) {
		cli_html_lit(h, "\" title=\"");
		cli_html_attr(h, f->title);
	}
	cli_html_lit(h, "\">");
	cli_html_text(h, f->id);
	cli_html_lit(h, "</a>");
}

/* The key's line: path, type, markers and badges. */
static void summary(struct cli_html *h, const struct cli_report *r,
		    size_t key, const char *path)
{
	const struct mb_key *k = &r->doc->keys[key];
	size_t i;

	cli_html_lit(h, "<summary><code>");
	cli_html_text(h, path);
	cli_html_lit(h, "</code> <span class=\"kt\">[");
	/* The element name: a name token, nothing to escape in it. */
	cli_html_rawn(h, r->doc->buf + mb_key_elem(k).off, k->elem_len);
	cli_html_lit(h, "]</span>");
	for (i = r->acct_at[key]; i < r->acct_at[key + 1]; i++)
		acct_marker(h, r, &r->acct_v[i]);
	for (i = r->find_at[key]; i < r->find_at[key + 1]; i++)
		badge(h, r, r->find_v[i]);
	cli_html_lit(h, "</summary>");
}

static void folded(struct cli_html *h, const struct cli_report *r,
		   size_t key)
{
	size_t n = cli_report_folded(r, key);

	if (!n)
		return;
	cli_html_lit(h, "\n<div class=\"folded\">+ ");
	cli_html_num(h, n, 1);
	cli_html_raw(h, n == 1 ? " key that inherits" : " keys that inherit");
	cli_html_lit(h, " their identity from here</div>");
}

static void children(struct cli_html *h, const struct cli_report *r,
		     size_t parent, unsigned depth);

/*
 * Opened near the top and down to every key that sets an identity or has
 * a finding, so that the story is visible at once.
 */
static void key_node(struct cli_html *h, const struct cli_report *r,
		     size_t key, unsigned depth)
{
	const char *path = mb_path_display(r->doc->keys[key].location);

	cli_html_lit(h, "<details class=\"key\" data-path=\"");
	cli_html_attr(h, path);
	cli_html_raw(h, cli_report_open(r, key, depth) ? "\" open=\"open\">" :
			"\">");
	summary(h, r, key, path);
	props(h, r, key);
	children(h, r, key, depth + 1);
	folded(h, r, key);
	cli_html_lit(h, "</details>\n");
}

/* The group of parent's shown children that starts at first, closed; the
 * child after it. */
static size_t group(struct cli_html *h, const struct cli_report *r,
		    size_t parent, size_t first, unsigned depth)
{
	size_t c = first, last = first, n;

	for (n = 0; c != MB_NOKEY && n < MB_REPORT_GROUP; n++) {
		last = c;
		c = cli_report_next(r, parent, c);
	}
	cli_html_lit(h, "<details class=\"group\"><summary><code>");
	cli_html_text(h, mb_path_display(r->doc->keys[first].location));
	cli_html_lit(h, "</code> \xe2\x80\xa6 <code>");
	cli_html_text(h, mb_path_display(r->doc->keys[last].location));
	cli_html_lit(h, "</code> <span class=\"kt\">(");
	cli_html_num(h, n, 1);
	cli_html_lit(h, " keys)</span></summary>\n");
	for (c = first; c != MB_NOKEY && n > 0 && !h->bad; n--) {
		key_node(h, r, c, depth);
		c = cli_report_next(r, parent, c);
	}
	cli_html_lit(h, "</details>\n");
	return c;
}

/* The shown children of parent (MB_NOKEY: the roots). */
static void children(struct cli_html *h, const struct cli_report *r,
		     size_t parent, unsigned depth)
{
	size_t c = cli_report_next(r, parent, MB_NOKEY);
	int grouped;

	if (c == MB_NOKEY)
		return;
	grouped = cli_report_grouped(r, parent);
	if (parent != MB_NOKEY)
		cli_html_lit(h, "\n");
	while (c != MB_NOKEY && !h->bad) {
		if (grouped) {
			c = group(h, r, parent, c, depth);
		} else {
			key_node(h, r, c, depth);
			c = cli_report_next(r, parent, c);
		}
	}
}

void cli_report_tree(struct cli_html *h, const struct cli_report *r)
{
	children(h, r, MB_NOKEY, 0);
}
