/* SPDX-License-Identifier: MIT */
/*
 * Where the metabase plaintexts come from beyond the file's own cribs:
 * --known PATH/PROP --password-file F|- (repeatable), --signing-key,
 * --exchange-key and --no-cache, one table (cli_plainsrc_opts) for
 * reveal, sam, and accounts, doctor and report with --hives.
 */
#ifndef MB_CLI_PLAINSRC_H
#define MB_CLI_PLAINSRC_H

#include "cli.h"
#include "parseopt.h"
#include "mb/reveal.h"

#define CLI_MAX_KNOWN 64

struct cli_known {
	const char *arg;  /* PATH/PROP as given */
	size_t idx;       /* the secret it names, once resolved */
	char *value;      /* the plaintext; wiped by cli_plainsrc_free */
	size_t len;
};

struct cli_plainsrc {
	struct cli_keys keys;
	struct cli_known known[CLI_MAX_KNOWN];
	size_t nknown;
	int no_cache;
	/* the SAM's own SIDs, set by cli_hives_load (--hives): the solver
	 * tries them where an AdminACL names the machine's own SID */
	struct mb_sd_sid *msids;
	size_t nmsids;
};

extern const struct cli_opt cli_plainsrc_opts[];

/* 1 when id is one of cli_plainsrc_opts (*st its status), else 0. */
int cli_plainsrc_option(struct cli *cli, const char *cmd,
			struct cli_plainsrc *s, int id, const char *val,
			int *st);
/* After parsing: every --known has its --password-file (usage error). */
int cli_plainsrc_check(struct cli *cli, const char *cmd,
		       const struct cli_plainsrc *s);
/* 1 when any of the options was given. */
int cli_plainsrc_given(const struct cli_plainsrc *s);
void cli_plainsrc_free(struct cli_plainsrc *s);

/* The secret of prop in effect at key (its own or inherited), or -1. */
size_t cli_secret_in_effect(const struct mb_secrets *s,
			    const struct mb_doc *doc, size_t key,
			    const char *prop);
/*
 * The secret a PATH/PROP argument names: 4 no such key, 3 not set there
 * or above (5 for a property the schema does not know); with adsutil,
 * adsutil's own "not set at this node" line goes to the output first.
 */
int cli_secret_resolve(struct cli *cli, const char *cmd,
		       const struct mb_doc *doc, const struct mb_secrets *s,
		       const char *arg, int adsutil, size_t *out);
/* Resolve every --known and hand its plaintext to the solver's item. */
int cli_plainsrc_apply(struct cli *cli, const char *cmd,
		       struct cli_plainsrc *src, const struct mb_doc *doc,
		       const struct mb_secrets *s, struct mb_reveal_item *items,
		       const size_t *item_of);
/*
 * The solver options reveal, sam and the --hives comparisons share
 * (secret.c): the SessionKey, the cache switch, src's machine keys
 * (loaded here), and a note on a terminal before the seconds-long
 * modulus gcd.
 */
int cli_solver_opts(struct cli *cli, const struct mb_secrets *s,
		    struct cli_plainsrc *src, struct mb_reveal_opts *o);
/* Exit 7 naming the first --known the file contradicts, else 0. */
int cli_plainsrc_conflict(struct cli *cli, const char *cmd,
			  const struct cli_plainsrc *src,
			  const size_t *item_of,
			  const struct mb_reveal_report *rep);

#endif
