/* SPDX-License-Identifier: MIT */
/*
 * Recovering the signing public key of a metabase from its own signatures.
 *
 * Every secure value carries s = EM^d mod n, where EM is the PKCS#1 block of
 * MD5(00000000 || value). For each value whose plaintext is known, n divides
 * s^e - EM; the gcd of two such numbers is n times a small cofactor. The
 * numbers have 512 * 65537 bits (33.5 Mbit), so this needs GMP: a single
 * gcd takes seconds, which is why the result is cached per file (keyed by
 * the SHA-256 of the file's SessionKey blob, mode 0600, in
 * $XDG_CACHE_HOME/mbtool or ~/.cache/mbtool).
 *
 * mb_sigmod_recover() tries few and small operations: one gcd per anchor
 * (a pair known for certain, such as the SessionKey, whose signed plaintext
 * is public) against the product of the candidate pairs (plaintexts that are
 * probably right), reduced modulo the anchor's number. Candidates that were
 * wrong only add small factors, which are stripped; each pair's ok flag then
 * says whether it verifies under the recovered modulus.
 *
 *   struct mb_sigpair p[2] = { { sig0, 64, md5_0 }, { sig1, 64, md5_1 } };
 *   struct mb_rsa_pub n;
 *   if (mb_sigmod_recover(p, 2, 1, 65537, &n, NULL, &err) == MB_OK) ...
 */
#ifndef MB_SIGMOD_H
#define MB_SIGMOD_H

#include <stddef.h>
#include <stdint.h>

#include "mb/crypt.h"
#include "mb/err.h"

struct mb_sigpair {
	const unsigned char *sig; /* as stored: byte-reversed */
	size_t sig_len;
	unsigned char md5[16];    /* MD5 of the plaintext it should sign */
	int ok;                   /* out: verifies under the result */
};

struct mb_sigmod_stats {
	double seconds;           /* wall time of the whole recovery */
	unsigned gcds;            /* full-size gcds computed */
	unsigned candidates;      /* pairs multiplied into a gcd */
	int refuted;              /* one anchor, and its gcd with the
				     candidates' product holds no modulus:
				     every candidate is wrong */
};

/* At most this many candidates are multiplied into one gcd. */
#define MB_SIGMOD_MAX_CANDIDATES 4

/*
 * Recover n from pairs[0..npairs). The first nanchors pairs are certain:
 * with two or more, the gcd of the first two is the only full-size gcd;
 * with one, it is the anchor against the product of the others (the
 * candidates, at most MB_SIGMOD_MAX_CANDIDATES); with none, pairs[0] and
 * then pairs[1] are tried as anchors. Every pair's ok flag is set at the
 * end. All signatures must have the same length (the modulus size).
 * MB_ESECRET when no modulus of that size comes out.
 */
enum mb_status mb_sigmod_recover(struct mb_sigpair *pairs, size_t npairs,
				 size_t nanchors, uint32_t e,
				 struct mb_rsa_pub *out,
				 struct mb_sigmod_stats *stats,
				 struct mb_error *err);

/* Cache directory: dir if not NULL, else the XDG default (see above). */
enum mb_status mb_sigmod_cache_dir(const char *dir, struct mb_buf *out,
				   struct mb_error *err);
/*
 * Look the modulus up by id (the SessionKey blob bytes). *found is 0 when
 * there is no usable entry; the caller must still check the modulus against
 * the file's signatures before trusting it.
 */
enum mb_status mb_sigmod_cache_load(const char *dir, const unsigned char *id,
				    size_t idlen, struct mb_rsa_pub *out,
				    int *found, struct mb_error *err);
/* Store atomically (temp file, fsync, rename), file mode 0600. */
enum mb_status mb_sigmod_cache_store(const char *dir, const unsigned char *id,
				     size_t idlen,
				     const struct mb_rsa_pub *pub,
				     struct mb_error *err);

/*
 * One gcd per signing key per run: workers (-j) take an exclusive flock
 * on the entry's lock file before the gcd and look the cache up again
 * once they hold it. *fd is -1 when the lock is not had (go on unlocked).
 */
enum mb_status mb_sigmod_cache_lock(const char *dir, const unsigned char *id,
				    size_t idlen, int *fd,
				    struct mb_error *err);
void mb_sigmod_cache_unlock(int fd);

/*
 * Failed gcds, keyed by the pairs tried (their signatures, plaintext MD5s
 * and roles): a file whose gcd fails does not pay for it on every run.
 * mb_sigmod_fail_load returns 1 when this exact gcd failed before, with
 * *refuted as mb_sigmod_stats.refuted said then.
 */
int mb_sigmod_fail_load(const char *dir, const struct mb_sigpair *pairs,
			size_t np, size_t nanchors, int *refuted);
enum mb_status mb_sigmod_fail_store(const char *dir,
				    const struct mb_sigpair *pairs,
				    size_t np, size_t nanchors, int refuted,
				    struct mb_error *err);

#endif
