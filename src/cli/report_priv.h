/* SPDX-License-Identifier: MIT */
/*
 * report's intermediate XML (report_doc.c), rendered by cmd_report.c.
 *
 * A large file's key tree is folded (MB_REPORT_FOLD_OVER) and rendered in
 * parts of about MB_REPORT_PART shown keys: each part is a small
 * <mbreport part="keys"> document transformed and written on its own, so
 * that memory follows the part, not the file. Where a part goes, the page
 * (or the part of a key whose subtree is itself too large) has a <slot/>,
 * which report.xsl renders as the comment MB_REPORT_SLOT.
 */
#ifndef MB_REPORT_PRIV_H
#define MB_REPORT_PRIV_H
#include <stdint.h>

#include <libxml/tree.h>

#include "cli.h"
#include "winside.h"

/* A file with more keys than this gets a folded key tree (mbtool.1). */
#define MB_REPORT_FOLD_OVER 2000
/* Shown keys per transform. */
#define MB_REPORT_PART 2000
/*
 * A key with more shown children than this (a web service with 50,000
 * sites) shows them in closed groups of this many: a browser lays out
 * only what is open, and 50,000 lines of sites took Chromium 20 s.
 */
#define MB_REPORT_GROUP 500
#define MB_REPORT_SLOT "<!--mbtool-slot-->"

struct cli_report_acct {
	uint32_t acct;   /* index into accts.v */
	uint32_t at;     /* index into its keys[] */
};

struct cli_report {
	const struct mb_doc *doc;
	struct mb_accts accts;
	struct mb_secrets groups;   /* password groups (mb/secrets.h) */
	struct mb_findings finds;
	unsigned char *mark;        /* why each key is shown (report_doc.c) */
	uint32_t *shown_in;         /* shown keys in each key's subtree */
	/* The markers of key k: acct_v[acct_at[k] .. acct_at[k + 1]). */
	size_t *acct_at, *find_at;
	struct cli_report_acct *acct_v;
	uint32_t *find_v;           /* indexes into finds.v */
	int fold;                   /* more than MB_REPORT_FOLD_OVER keys */
	struct mb_wside ws;     /* --hives: parallel to accts, or empty */
	size_t shown;
};

/* Accounts, doctor findings and which keys the tree shows; with hs (and
 * the recovered passwords p) each account's Windows side too. */
int cli_report_prepare(struct cli_report *r, const struct mb_doc *doc,
		       const struct mb_hiveset *hs,
		       const struct cli_plain *p);
void cli_report_free(struct cli_report *r);
int cli_report_shown(const struct cli_report *r, size_t key);
/* The page: accounts, findings, and a <slot/> for the key tree. */
xmlDocPtr cli_report_page(const struct cli_report *r);
/* An empty part; *keys receives the element to add keys to. */
xmlDocPtr cli_report_part(const struct cli_report *r, xmlNodePtr *keys);
/*
 * Key and (whole) its shown subtree, or (!whole) the key with a <slot/>
 * where its children go.
 */
void cli_report_key(const struct cli_report *r, xmlNodePtr parent, size_t key,
		    unsigned depth, int whole);
/* The shown child of parent (MB_NOKEY: the roots) after c (MB_NOKEY: the
 * first), or MB_NOKEY. */
size_t cli_report_next(const struct cli_report *r, size_t parent, size_t c);
/* Do parent's shown children go in groups? */
int cli_report_grouped(const struct cli_report *r, size_t parent);
/* The group of parent's shown children that starts at first: the child
 * after it, and its shown keys with their subtrees (*size). */
size_t cli_report_group_end(const struct cli_report *r, size_t parent,
			    size_t first, size_t *size);
/* That group as a <group>, with (whole) its keys or a <slot/>. */
void cli_report_group(const struct cli_report *r, xmlNodePtr xparent,
		      size_t parent, size_t first, unsigned depth, int whole);
#endif
