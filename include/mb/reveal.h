/* SPDX-License-Identifier: MIT */
/*
 * Revealing secure values without the machine key (SPEC section 4).
 *
 * IIS encrypts every value of a file with the same RC4 keystream, so the
 * keystream is one unknown shared by all values, and everything known about
 * any plaintext constrains it. The solver keeps, for every keystream byte,
 * the set of values still possible, and narrows it with:
 *
 *   certain facts  the 4-byte zero prefix, the UTF-16 NUL ending every
 *                  string, values the user knows, the machine keystream
 *                  (with the exchange key), values proven by signature;
 *   hypotheses     ASCII passwords (zero high bytes, printable low bytes),
 *                  documented defaults (LogOdbcPassword "sqllog"), and the
 *                  grammar of self-relative security descriptors (AdminACL):
 *                  control bits, component order and offsets, ACL and ACE
 *                  headers, well-known SIDs. Every layout of every
 *                  descriptor that fits is enumerated jointly (one search
 *                  over all descriptors, pruned by the shared keystream),
 *                  and only what all consistent layouts agree on is kept.
 *
 * Hypotheses are tried strongest set first and dropped when they lead to a
 * contradiction. The signature of each value is the arbiter: with the
 * signing modulus (given, cached, or recovered by gcd from values whose
 * plaintext is certain or probable, see sigmod.h) every blob yields
 * MD5(00000000 || value), which proves a revealed value ("verified"),
 * completes a few unknown bytes by search (an ACE mask, a character), checks
 * a bounded dictionary, and exposes a wrong known value ("conflict").
 *
 * The caller passes every secure value of the file (the more the better:
 * other values are cribs too), each with an opaque label, and reads one
 * result per input, in input order:
 *
 *   struct mb_reveal_item in[] = {
 *       { "W3SVC", "AnonymousUserPass", MB_T_UNKNOWN, &blob1, NULL },
 *       { "/", "AdminACL", MB_T_UNKNOWN, &blob2, NULL },
 *   };
 *   struct mb_reveal_opts o = { .session = &session_key_blob };
 *   struct mb_reveal_report r;
 *   if (mb_reveal_run(in, 2, &o, &r, &err) == MB_OK) {
 *           ... r.values[0].text, r.values[0].status ...
 *           exit_code = mb_reveal_report_status(&r);  (MB_ESECRET = 7)
 *           mb_reveal_report_free(&r);
 *   }
 *
 * Recovered plaintext lives only in the report; mb_reveal_report_free()
 * wipes it. The library never prints.
 */
#ifndef MB_REVEAL_H
#define MB_REVEAL_H

#include <stddef.h>
#include <stdint.h>

#include "mb/blob.h"
#include "mb/crypt.h"
#include "mb/err.h"
#include "mb/schema.h"
#include "mb/sd.h"

struct mb_reveal_item {
	const char *label;  /* opaque to the solver: e.g. "W3SVC/1/ROOT" */
	const char *prop;   /* property name, e.g. "AnonymousUserPass" */
	enum mb_type type;  /* MB_T_STRING, MB_T_NTACL, MB_T_BINARY, or
			       MB_T_UNKNOWN: decided from prop */
	const struct mb_blob *blob;
	const char *known;  /* UTF-8 plaintext the user knows, or NULL */
};

struct mb_reveal_opts {
	const struct mb_blob *session;    /* IIS_Global/SessionKey, or NULL */
	const struct mb_rsa_pub *modulus; /* signing public key, or NULL */
	const struct mb_rsakey *exchange; /* machine-key mode, or NULL */
	int no_defaults;    /* do not try documented default values */
	int no_gcd;         /* never compute the modulus (takes seconds) */
	int no_cache;       /* neither read nor write the modulus cache */
	int strings_only;   /* the caller uses only the strings: other
			       values are cribs, searched by signature only
			       while a string is left unproven */
	int text_only;      /* the caller reads each value's text, not its
			       bytes: the report holds no bytes and known
			       (NULL; len and the unit counts are set), a
			       hosting file's tens of thousands of values */
	const char *cache_dir;            /* NULL: XDG default */
	const char *const *dictionary;    /* UTF-8 words to try, or NULL */
	size_t ndictionary;
	unsigned long search_budget;      /* MD5 trials in all; 0: default */
	/*
	 * CPU seconds a descriptor's search may go on past its trials,
	 * trying candidates in order (0: 3 s). A descriptor is never
	 * skipped for the size of its plan: it is tried until this runs out.
	 */
	double search_seconds;
	unsigned long node_budget;        /* descriptor search; 0: default */
	/*
	 * The SIDs of the server's own domain, read from its SAM (--hives):
	 * S-1-5-21-a-b-c and S-1-5-21-a-b-c-RID for each of its accounts
	 * and groups, fully fixed (len == fixed). A descriptor that names a
	 * SID of the machine's own has bytes no crib in the file supplies;
	 * the signature search tries these there. NULL: none known.
	 */
	const struct mb_sd_sid *machine_sids;
	size_t nmachine_sids;
	/*
	 * Called just before the modulus gcd, which takes seconds, so that a
	 * program can tell a waiting user why (the library never prints).
	 */
	void (*before_gcd)(void *ctx);
	void *before_gcd_ctx;
};

enum mb_reveal_status {
	MB_REVEAL_VERIFIED = 0, /* every byte known, signature matches */
	MB_REVEAL_CONSISTENT,   /* every byte known, unverified: from cribs
				   (hypotheses) with no modulus to check the
				   signature, or from the machine key alone */
	MB_REVEAL_PARTIAL,      /* some bytes unknown ('?' in text); only
				   certain bytes are shown as known */
	MB_REVEAL_CONFLICT,     /* facts disagree (e.g. a wrong known value) */
	MB_REVEAL_ERROR,        /* the blob cannot be worked on (reason) */
};

struct mb_reveal_value {
	const char *label, *prop;  /* as given */
	enum mb_type type;         /* as decided */
	enum mb_reveal_status status;
	int proven;                /* the plaintext IIS holds: verified by
				      its signature, or decrypted with the
				      machine key. Only a proven value may
				      be acted on (sam, scripts). A
				      conflict (a wrong --known) is proven
				      when the other cribs and the
				      signature gave the stored value. */
	char *reason;              /* why not verified; NULL when verified
				      (a pointer, not an array: a file has
				      one value per secure attribute, most
				      of them verified) */
	const char *method;        /* "cribs", "signature search",
				      "dictionary", "known value",
				      "machine key", "cleartext" */
	unsigned char *bytes;      /* the value without the prefix ... */
	unsigned char *known;      /* ... and 1 per byte that is known */
	size_t len;
	char *text;                /* strings: UTF-8, '?' per unknown char;
				      descriptors: SDDL when complete, else
				      hex with "??" for unknown bytes */
	size_t units_known;        /* characters (strings) or bytes */
	size_t units_total;
	int has_md5;
	unsigned char md5[16];     /* MD5(prefix || value) from the signature */
	size_t group;              /* equal blobs share a group number */
};

enum mb_reveal_modsrc {
	MB_MODSRC_NONE = 0,
	MB_MODSRC_GIVEN,  /* opts.modulus */
	MB_MODSRC_CACHE,
	MB_MODSRC_GCD,    /* recovered from the file's signatures */
};

struct mb_reveal_report {
	struct mb_reveal_value *values; /* one per input, in input order */
	size_t nvalues;
	size_t ks_len;       /* keystream bytes the file needs (largest n) */
	size_t ks_known;     /* of which known */
	size_t ks_prefix;    /* known without a gap from byte 0 */
	enum mb_reveal_modsrc modsrc;
	struct mb_rsa_pub modulus;
	double gcd_seconds;  /* time spent in the gcd (0 if none) */
	int session_verified;   /* SessionKey signature checked */
	int password_protected; /* backup/export whose scheme is not public */
	int machine_key;        /* values decrypted with the exchange key */
	char *notes;         /* facts for the user, one per line, or "" */
};

enum mb_status mb_reveal_run(const struct mb_reveal_item *items, size_t n,
			     const struct mb_reveal_opts *opts,
			     struct mb_reveal_report *out,
			     struct mb_error *err);
/* MB_OK when every value is verified or consistent, else MB_ESECRET. */
enum mb_status mb_reveal_report_status(const struct mb_reveal_report *r);
void mb_reveal_report_free(struct mb_reveal_report *r);

const char *mb_reveal_status_name(enum mb_reveal_status st);
const char *mb_reveal_modsrc_name(enum mb_reveal_modsrc m);
/* The type the solver gives a secure property by name (MB_T_STRING...). */
enum mb_type mb_reveal_prop_type(const char *prop);

#endif
