/* SPDX-License-Identifier: MIT */
/*
 * The secure values of a file (secrets, reveal, sam, doctor, report): each
 * encrypted value in file order, parsed, with its password group. A
 * damaged blob has ok = 0 and error set; the SessionKey is included
 * (blob.kind MB_BLOB_SESSION).
 *
 * Password groups are one scheme for secrets, accounts, collapse, doctor
 * and report: G1, G2, ... number every distinct encrypted value of the
 * file in file order; values that show the same group hold the same
 * bytes, so the same password.
 *
 *   struct mb_secrets s;
 *   if (mb_secrets_groups(&s, doc)) ... out of memory
 *   g = mb_secrets_group_of(&s, doc, key, "AnonymousUserPass");
 *   mb_secrets_free(&s);
 */
#ifndef MB_SECRETS_H
#define MB_SECRETS_H

#include <stddef.h>

#include "mb/blob.h"
#include "mb/doc.h"
#include "mb/err.h"
#include "mb/reveal.h"

struct mb_secret {
	size_t key;              /* the key that holds it */
	const char *label;       /* adsutil display path of the key */
	const char *prop;        /* schema name */
	enum mb_type type;       /* mb_reveal_prop_type(prop) */
	/* (the flags are bytes, together: a hosting file has tens of
	 * thousands of values) */
	unsigned char custom;    /* a <Custom> element, not an attribute */
	unsigned char secure;    /* the schema marks it secure (not the
				  * SessionKey) */
	unsigned char parsed;    /* blob holds it (ok may still be 0: a
				  * NOLONGERVALID or unusable value) */
	unsigned char ok;
	struct mb_blob blob;
	size_t group;            /* numbered: 1 = G1, 0 = none */
	char *error;             /* why !ok (malloc'ed); NULL when ok.
				  * A pointer, not an array: a hosting
				  * metabase holds tens of thousands. */
};

struct mb_secrets {
	struct mb_secret *v;
	size_t n, cap;
};

/* Every secure value of doc (and its SessionKey), groups not numbered. */
int mb_secrets_gather(const struct mb_doc *doc, struct mb_secrets *s,
		      struct mb_error *err);
/* Number the password groups of gathered values; 0, or -1 (memory). */
int mb_secrets_number(struct mb_secrets *s);
/* Gather and number (0, or -1 out of memory; free with mb_secrets_free). */
int mb_secrets_groups(struct mb_secrets *s, const struct mb_doc *doc);
/* The group of the value of prop in effect at key (its own or
 * inherited), -1 none. */
long mb_secrets_group_of(const struct mb_secrets *s, const struct mb_doc *doc,
			 size_t key, const char *prop);
/* "G3", or "-" for none (g <= 0). */
void mb_secrets_group_name(long g, char *out, size_t n);
/* The first of the values at key or after it (they are in key order). */
size_t mb_secrets_at(const struct mb_secrets *s, size_t key);
/* The file's IIS_Global/SessionKey blob, or NULL. */
const struct mb_blob *mb_secrets_session(const struct mb_secrets *s);
/*
 * The reveal solver's input: one item per usable value (the SessionKey and
 * damaged blobs left out). (*of)[i] is secret i's item index + 1, 0 = none.
 * -1 when out of memory; free both arrays.
 */
int mb_secrets_items(const struct mb_secrets *s,
		     struct mb_reveal_item **items, size_t **of, size_t *n);
void mb_secrets_free(struct mb_secrets *s);

#endif
