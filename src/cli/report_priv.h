/* SPDX-License-Identifier: MIT */
/*
 * report's facts (report_doc.c) and how the page is made of them.
 *
 * The stylesheet (transforms/report.xsl) renders the page frame from a
 * small <mbreport> document of totals (cli_report_page): head, styles,
 * summary, headings and prose. Where the page holds one row per account,
 * finding, check or key, the frame has a slot, the comment
 * MB_REPORT_SLOT NAME "-->", and mbtool writes that section as HTML
 * itself, straight to the output (report_html.c, report_tree.c): a
 * hosting server's 50,000 accounts and 250,000 keys never become an XML
 * tree or a transform.
 */
#ifndef MB_REPORT_PRIV_H
#define MB_REPORT_PRIV_H
#include <stdint.h>

#include <libxml/tree.h>

#include "cli.h"
#include "mb/query.h"
#include "winside.h"

/* A file with more keys than this gets a folded key tree (mbtool.1). */
#define MB_REPORT_FOLD_OVER 2000
/*
 * A key with more shown children than this (a web service with 50,000
 * sites) shows them in closed groups of this many: a browser lays out
 * only what is open, and 50,000 lines of sites took Chromium 20 s.
 */
#define MB_REPORT_GROUP 500
/* A folded tree's page lists this many keys per account and finding:
 * every key is in the tree anyway, with its marker. */
#define MB_REPORT_LIST_CAP 20
#define MB_REPORT_SLOT "<!--mbtool-slot:"

/* What the tree shows at each key (report_tree.c). */
#define MB_REPORT_NPROPS 5
struct cli_report_prop {
	const char *name;
	int local;   /* only where the key sets it */
	int marked;  /* the anonymous account marker shows it too */
};
extern const struct cli_report_prop cli_report_props[MB_REPORT_NPROPS];

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
	/* The markers of key k: acct_v[acct_at[k] .. acct_at[k + 1]). */
	uint32_t *acct_at, *find_at;
	struct cli_report_acct *acct_v;
	uint32_t *find_v;           /* indexes into finds.v */
	int fold;                   /* more than MB_REPORT_FOLD_OVER keys */
	struct mb_wside ws;     /* --hives: parallel to accts, or empty */
	size_t shown;
	/* The tree's properties resolved once (NULL prop: per key). */
	struct mb_ref props[MB_REPORT_NPROPS];
};

/*
 * HTML written as it is made: a buffer that goes to write() whenever it
 * fills. Every text and attribute value is escaped on its way in.
 */
struct cli_html {
	char *buf;
	size_t len, cap;
	int (*write)(void *ctx, const char *p, size_t n);
	void *ctx;
	int bad;    /* out of memory, or write() failed */
	struct mb_buf line;   /* a line of text on its way in */
};

int cli_html_init(struct cli_html *h,
		  int (*write)(void *ctx, const char *p, size_t n), void *ctx);
void cli_html_flush(struct cli_html *h);
void cli_html_free(struct cli_html *h);
/* Markup, as it is. */
void cli_html_rawn(struct cli_html *h, const char *p, size_t n);
#define cli_html_lit(h, s) cli_html_rawn((h), (s), sizeof(s) - 1)
void cli_html_raw(struct cli_html *h, const char *s);
/* Text content (& < > and CR escaped). */
void cli_html_text(struct cli_html *h, const char *s);
/* An attribute value between double quotes (& < > " and TAB, LF, CR
 * escaped, as libxml2's serialiser does). */
void cli_html_attr(struct cli_html *h, const char *s);
/* A number; grouped: "1,234" as XSLT's format-number(n, '#,##0'). */
void cli_html_num(struct cli_html *h, size_t v, int grouped);

/* Accounts, doctor findings and which keys the tree shows; with hs (and
 * the recovered passwords p) each account's Windows side too. */
int cli_report_prepare(struct cli_report *r, const struct mb_doc *doc,
		       const struct mb_hiveset *hs,
		       const struct cli_plain *p);
void cli_report_free(struct cli_report *r);
int cli_report_shown(const struct cli_report *r, size_t key);
/* Is key opened: near the top, or on the path to a marked key? */
int cli_report_open(const struct cli_report *r, size_t key, unsigned depth);
/* Is an anonymous account set at key (its marker shows it)? */
int cli_report_anon(const struct cli_report *r, size_t key);
/* The page frame's facts: totals only, no rows. */
xmlDocPtr cli_report_page(const struct cli_report *r);
/* Setter i of a's password group, in the file-wide numbering. */
void cli_report_setter_group(const struct cli_report *r,
			     const struct mb_acct *a, size_t i, char *out,
			     size_t n);
/* The shown child of parent (MB_NOKEY: the roots) after c (MB_NOKEY: the
 * first), or MB_NOKEY. */
size_t cli_report_next(const struct cli_report *r, size_t parent, size_t c);
/* Do parent's shown children go in groups? */
int cli_report_grouped(const struct cli_report *r, size_t parent);
/* The children of key that the tree folds: how many keys, 0 if none. */
size_t cli_report_folded(const struct cli_report *r, size_t key);

/*
 * Write section name (name_len bytes, from a slot) of the page: "accounts"
 * (table rows), "findings", "checks" (list items) or "tree". -1 when no
 * section has that name.
 */
int cli_report_section(struct cli_html *h, const struct cli_report *r,
		       const char *name, size_t name_len);
/* The sections (report_html.c, report_tree.c). */
void cli_report_accounts(struct cli_html *h, const struct cli_report *r);
void cli_report_findings(struct cli_html *h, const struct cli_report *r);
void cli_report_checks(struct cli_html *h, const struct cli_report *r);
void cli_report_tree(struct cli_html *h, const struct cli_report *r);
#endif
