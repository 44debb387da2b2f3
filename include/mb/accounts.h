/* SPDX-License-Identifier: MIT */
/*
 * The account model: every identity a metabase names (anonymous, WAM and
 * UNC accounts), the keys that set it, how many keys it serves, and its
 * password groups (setters whose stored blobs are equal share a group; no
 * key needed). One account with two or more groups is a lockout risk.
 * accounts, collapse, sync-passwords, sam, reset, doctor and report all
 * read this one collection.
 *
 * Linear in the file: one walk of the key tree gives every key's
 * effective name (mb_doc_effective_keys), and accounts are found by a
 * hashed, case-insensitive name, so a hosting file where each of 200,000
 * sites has its own account costs what a file with one account does.
 *
 *   struct mb_accts a;
 *   if (mb_accts_collect(doc, "/LM/W3SVC", 0, &a)) ... out of memory
 *   for (i = 0; i < a.n; i++) a.v[i].name, a.v[i].ngroups ...
 *   mb_accts_free(&a);
 */
#ifndef MB_ACCOUNTS_H
#define MB_ACCOUNTS_H

#include <stddef.h>

#include "mb/doc.h"

struct mb_idkind {
	const char *kind;   /* "anonymous", "wam", "unc" */
	const char *name;   /* the name property */
	const char *pass;   /* its password property */
};

struct mb_acct {
	char *name;
	const char *kind;   /* points into mb_idkinds() */
	size_t *keys;       /* keys that set the name, file order */
	int *group;         /* their password group (0 = A), -1 none;
			     * inside the keys' allocation */
	size_t nkeys;
	int ngroups;
	size_t used;        /* keys in scope where the name is effective
			     * (anonymous: only keys that serve requests,
			     * sites, virtual directories, directories and
			     * files, not AppPools or IIsCertMapper) */
	size_t anon_on;     /* setters with AuthAnonymous effective */
};

struct mb_accts {
	struct mb_acct *v;  /* per kind, in the file order of first setters */
	size_t n, cap;      /* cap: v's room, grown by doubling */
};

const struct mb_idkind *mb_idkinds(size_t *n);
/* The identity kind an account belongs to (the first kind if unknown). */
const struct mb_idkind *mb_idkind_of(const struct mb_acct *a);
/* The decoded value of prop name at key (effective, or local), or NULL. */
char *mb_acct_value(const struct mb_doc *doc, size_t key, const char *name,
		    int local);
/* 1 when AuthAnonymous is on in the effective AuthFlags at key. */
int mb_acct_anon_on(const struct mb_doc *doc, size_t key);
/*
 * The accounts set at keys under svc ("/LM/W3SVC", "/LM/MSFTPSVC"; NULL:
 * both), anonymous only or (all_ids) WAM and UNC too. 0, or -1 out of
 * memory (out is still freeable).
 */
int mb_accts_collect(const struct mb_doc *doc, const char *svc, int all_ids,
		     struct mb_accts *out);
/*
 * The same, taking the password groups' blobs from secrets the caller
 * already gathered (mb_secrets_gather of the same doc) instead of parsing
 * every stored password a second time.
 */
struct mb_secrets;
int mb_accts_collect_known(const struct mb_doc *doc, const char *svc,
			   int all_ids, const struct mb_secrets *known,
			   struct mb_accts *out);
void mb_accts_free(struct mb_accts *a);

#endif
