/* SPDX-License-Identifier: MIT */
/*
 * The Windows side of a metabase's accounts (accounts, doctor, sam and
 * report with --hives): per account of an mb_accts collection the hive
 * checks (mb/hivecheck.h) and, per level that stores its password, how
 * the password compares with the SAM. No hash and no SAM password is
 * held here: only "matches" / "differs" / "SAM has none".
 *
 * The program fills it (it holds the hives and the passwords the solver
 * recovered); the doctor's rules MB020-MB031 read it.
 */
#ifndef MB_WSIDE_H
#define MB_WSIDE_H

#include <stddef.h>

#include "mb/hivecheck.h"
#include "mb/hiveset.h"

enum mb_wpw {
	MB_WPW_UNKNOWN,   /* cannot be compared: why[i] */
	MB_WPW_MATCH,
	MB_WPW_DIFFERS,
	MB_WPW_SAM_EMPTY, /* the SAM has no password, the metabase has */
	MB_WPW_NONE,      /* the level stores no password */
};

struct mb_wacct {
	struct mb_hcheck c;
	enum mb_wpw *pw;     /* per account key (mb_acct.keys) */
	const char **why;    /* per key, when MB_WPW_UNKNOWN */
	int differs;         /* some level differs or the SAM has none */
	int matches;         /* every level that stores one matches */
};

struct mb_wside {
	const struct mb_hiveset *hs;
	struct mb_wacct *v;  /* parallel to the mb_accts */
	size_t n;
};

/* Free what v holds (pw and why of each account) and zero w. */
void mb_wside_free(struct mb_wside *w);

#endif
