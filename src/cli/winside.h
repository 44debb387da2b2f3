/* SPDX-License-Identifier: MIT */
/*
 * The Windows side of a metabase's accounts, for accounts, doctor, sam and
 * report (winside.c): the --hives DIR|auto option (and $MBTOOL_HIVES),
 * loading the hive set for a file, the metabase passwords the solver
 * recovers (shared with sam), and per account the hive checks
 * (mb/hivecheck.h) plus, per level that stores its password, the
 * comparison with the SAM. No hash and no SAM password ever leaves the
 * library: this file only sees "matches" / "differs" / "SAM has none".
 */
#ifndef MB_CLI_WINSIDE_H
#define MB_CLI_WINSIDE_H

#include <stdint.h>

#include "cli.h"
#include "parseopt.h"
#include "plainsrc.h"
#include "mb/accounts.h"
#include "mb/hivecheck.h"
#include "mb/json.h"
#include "mb/reveal.h"
#include "mb/wside.h"

struct cli_hives {
	const char *arg;          /* --hives value or $MBTOOL_HIVES, or NULL */
	struct mb_hiveset *hs;    /* loaded by cli_hives_load */
	char *dir;                /* the folder the hives were found from */
	const char *metabase;     /* the file they were loaded for */
	struct cli_plainsrc src;  /* --known, the machine keys, --no-cache */
};

/*
 * The --hives option and the plaintext sources the comparison with the
 * SAM uses (cli_plainsrc_opts), for accounts, doctor, sam and report.
 */
extern const struct cli_opt cli_hives_opts[];
/* 1 when id is one of cli_hives_opts (taken; *st its status), else 0. */
int cli_hives_option(struct cli *cli, const char *cmd,
		     struct cli_hives *h, int id, const char *val, int *st);
/* A usage error when plaintext sources were given with no hives to
 * compare with (accounts, doctor, report: sam uses them alone). */
int cli_hives_unused(struct cli *cli, const char *cmd,
		     const struct cli_hives *h);
/* Load the hives for doc (nothing when no --hives nor $MBTOOL_HIVES). */
int cli_hives_load(struct cli *cli, const char *cmd,
		   const struct mb_doc *doc, struct cli_hives *h);
void cli_hives_free(struct cli_hives *h);
/* "hives: DIR (computer RAWR, workstation/server, SECURITY read)" */
void cli_hives_text(struct mb_buf *o, const struct cli_hives *h);
void cli_hives_json(struct mb_json *j, const struct cli_hives *h);

/* A recovered value as the commands read it (cli_plain_at). */
struct cli_plainv {
	char *text;               /* a proven password, else NULL */
	unsigned char fits;       /* fits the cribs, its signature unproven */
	unsigned char owns;       /* text is this value's (others of its
				     group share it) */
};

/* The passwords the solver recovers (reveal --all's work). */
struct cli_plain {
	struct mb_secrets s;
	struct mb_reveal_item *items; /* the solver's input, while it runs */
	size_t *item_of;          /* secret -> item + 1, 0 none */
	size_t nitems;
	struct cli_plainv *v;     /* per item, once solved (else NULL) */
};

/* Exit 7 when a --known is contradicted by the file. */
int cli_plain_solve(struct cli *cli, const char *cmd,
		       const struct mb_doc *doc, struct cli_plainsrc *src,
		       struct cli_plain *p);
/*
 * The password of prop in effect at key when it is proven (verified by
 * its signature or decrypted with the machine key); else NULL, and *why
 * says why when this knows better than the caller's default (*why is
 * CLI_PLAIN_NONE when no level stores one).
 */
#define CLI_PLAIN_NONE "no password is stored there"
const char *cli_plain_at(const struct cli_plain *p,
			 const struct mb_doc *doc, size_t key,
			 const char *prop, const char **why);
void cli_plain_free(struct cli_plain *p);

/* The Windows side of each account: mb/wside.h. */
int cli_wside_build(struct cli *cli, const struct mb_doc *doc,
		    const struct mb_hiveset *hs, const struct mb_accts *a,
		    const struct cli_plain *p, struct mb_wside *w);
const char *cli_pw_text(enum mb_wpw pw);
/* The Windows side of account i, indented lines / a "windows" object. */
void cli_wside_text(struct mb_buf *o, const struct mb_wside *w,
		    size_t i, const struct mb_acct *a,
		    const struct mb_doc *doc);
/* "key": s, or "key": null when s is NULL. */
void cli_kstr_or_null(struct mb_json *j, const char *key, const char *s);
void cli_wside_json(struct mb_json *j, const struct mb_wside *w,
		    size_t i, const struct mb_acct *a,
		    const struct mb_doc *doc);

#endif
