/* SPDX-License-Identifier: MIT */
/*
 * The cryptography of IIS 6 secure values (reference/secure-values.md 2.5-2.8)
 * on OpenSSL 3, with the CryptoAPI byte orders made explicit:
 *
 *   value blob = RC4(session key, 00000000 || value), then the RSA-512
 *                PKCS#1 v1.5 signature of MD5(00000000 || value), stored
 *                byte-reversed;
 *   SessionKey = SIMPLEBLOB: the RC4 key in a PKCS#1 type-2 block, raw RSA
 *                with the machine's exchange key, byte-reversed. A 40-bit
 *                key is salted with 11 zero bytes (16-byte RC4 key).
 *
 * RC4 comes from OpenSSL 3's legacy provider in mbtool's private library
 * context (mb/legacy.h); MD5 from the default provider. RSA is used raw (no padding) and the
 * PKCS#1 blocks are built and parsed by hand, so that byte reversal is
 * explicit and OpenSSL's implicit rejection never hides a bad unwrap.
 *
 * Keys: mb_crypt_key_load() reads PEM/DER (public or private, PKCS#1 or
 * SPKI/PKCS#8), PVK files (unencrypted) and raw PRIVATEKEYBLOB /
 * PUBLICKEYBLOB. A public key is also a plain struct mb_rsa_pub (modulus
 * bytes + exponent) so that a modulus recovered from signatures (sigmod.h)
 * or read from a cache works the same way. Key material is wiped
 * (OPENSSL_cleanse) when freed.
 *
 * Machine-key mode, end to end:
 *   mb_crypt_session_unwrap(exchange, session_blob, &sk, &err);
 *   mb_crypt_value_decrypt(&sk, blob, &signing_pub, &plain, &verified, &err);
 *   mb_crypt_string_encrypt(&sk, signing, "new password", &new_blob, &err);
 */
#ifndef MB_CRYPT_H
#define MB_CRYPT_H

#include <stddef.h>
#include <stdint.h>

#include "mb/blob.h"
#include "mb/buf.h"
#include "mb/err.h"

#define MB_RSA_MAX 512 /* bytes: moduli up to 4096 bits */

/* An RSA public key as plain data: big-endian modulus, exponent. */
struct mb_rsa_pub {
	unsigned char n[MB_RSA_MAX];
	size_t len;  /* bytes of n, no leading zero byte */
	uint32_t e;  /* 65537 for CryptoAPI keys */
};

/* MD5 through the default provider. A context is reused for searches. */
struct mb_md5;
enum mb_status mb_crypt_md5_new(struct mb_md5 **out, struct mb_error *err);
int mb_crypt_md5_run(struct mb_md5 *c, const void *p, size_t n,
		     unsigned char out[16]);
/*
 * Many messages that share their first bytes (a signature search):
 * mb_crypt_md5_prefix hashes the whole 64-byte blocks of p[0..n) once;
 * mb_crypt_md5_rest hashes a message that starts with those same bytes
 * from that state on. 0, or -1.
 */
int mb_crypt_md5_prefix(struct mb_md5 *c, const void *p, size_t n);
int mb_crypt_md5_rest(struct mb_md5 *c, const void *p, size_t n,
		      unsigned char out[16]);
void mb_crypt_md5_free(struct mb_md5 *c);
enum mb_status mb_crypt_md5(const void *p, size_t n, unsigned char out[16],
			    struct mb_error *err);

/* EMSA-PKCS1-v1_5 with the MD5 DigestInfo, k bytes (k >= 45). */
int mb_crypt_emsa_md5(const unsigned char md5[16], unsigned char *em,
		      size_t k);
/* The MD5 inside an encoded block, or -1 if it is not such a block. */
int mb_crypt_emsa_md5_parse(const unsigned char *em, size_t k,
			    unsigned char md5[16]);

/* An RSA key loaded from a file (public, or public and private). */
struct mb_rsakey;

enum mb_status mb_crypt_key_load(const char *path, struct mb_rsakey **out,
				 struct mb_error *err);
/* name is used in error messages only. */
enum mb_status mb_crypt_key_parse(const unsigned char *p, size_t len,
				  const char *name, struct mb_rsakey **out,
				  struct mb_error *err);
void mb_crypt_key_free(struct mb_rsakey *k);
int mb_crypt_key_is_private(const struct mb_rsakey *k);
const struct mb_rsa_pub *mb_crypt_key_pub(const struct mb_rsakey *k);

/* Raw RSA on big-endian blocks of pub->len bytes (in < n required). */
enum mb_status mb_crypt_rsa_public(const struct mb_rsa_pub *pub,
				   const unsigned char *in, unsigned char *out,
				   struct mb_error *err);
enum mb_status mb_crypt_rsa_private(const struct mb_rsakey *k,
				    const unsigned char *in, unsigned char *out,
				    struct mb_error *err);

/*
 * The signature oracle: the MD5 a stored (byte-reversed) signature carries.
 * MB_ESECRET when the signature does not decode to an MD5 EMSA block under
 * pub (wrong key or damaged value).
 */
enum mb_status mb_crypt_sig_md5(const struct mb_rsa_pub *pub,
				const unsigned char *sig, size_t sig_len,
				unsigned char md5[16], struct mb_error *err);
/*
 * The same oracle for many signatures under one key (every value of a
 * file): the Montgomery context is made once. Making it (a modular
 * inverse) was 60% of each public operation, and `sam` on a hosting file
 * with a password per site runs one per value.
 */
struct mb_rsa_pubctx;
enum mb_status mb_crypt_pubctx_new(const struct mb_rsa_pub *pub,
				   struct mb_rsa_pubctx **out,
				   struct mb_error *err);
enum mb_status mb_crypt_pubctx_sig_md5(struct mb_rsa_pubctx *c,
				       const unsigned char *sig,
				       size_t sig_len, unsigned char md5[16],
				       struct mb_error *err);
void mb_crypt_pubctx_free(struct mb_rsa_pubctx *c);
/* Sign an MD5 as CryptSignHash does; writes k bytes byte-reversed. */
enum mb_status mb_crypt_sign_md5(const struct mb_rsakey *priv,
				 const unsigned char md5[16],
				 unsigned char *sig, size_t sig_len,
				 struct mb_error *err);
/*
 * Check a blob's signature: for IcDb, plain is the n decrypted bytes
 * (prefix included); for IcKb, plain is NULL (the SIMPLEBLOB is signed).
 */
enum mb_status mb_crypt_blob_verify(const struct mb_rsa_pub *pub,
				    const struct mb_blob *b,
				    const unsigned char *plain,
				    struct mb_error *err);

/* The RC4 key of a file: unwrapped bytes and the salted key used. */
struct mb_session_key {
	unsigned char raw[64];  /* key bytes from the SIMPLEBLOB */
	size_t raw_len;
	unsigned char key[64];  /* RC4 key: raw, or raw || 00 x 11 if 40-bit */
	size_t len;
};

/* The salting rule of CryptoAPI: 5-byte keys get 11 zero bytes. */
enum mb_status mb_crypt_session_set(struct mb_session_key *sk,
				    const unsigned char *raw, size_t len,
				    struct mb_error *err);
void mb_crypt_session_wipe(struct mb_session_key *sk);
/* The keystream every value of the file is encrypted with. */
enum mb_status mb_crypt_keystream(const struct mb_session_key *sk,
				  unsigned char *out, size_t len,
				  struct mb_error *err);

enum mb_status mb_crypt_session_unwrap(const struct mb_rsakey *exchange,
				       const struct mb_blob *session,
				       struct mb_session_key *out,
				       struct mb_error *err);
/*
 * Make a SessionKey blob: wrap sk->raw under the exchange public key, sign
 * MD5(SIMPLEBLOB) with the signing private key. pad_random: the non-zero
 * PKCS#1 padding bytes to use (k - 3 - raw_len of them; zero bytes are
 * replaced), or NULL for OpenSSL RAND.
 */
enum mb_status mb_crypt_session_wrap(const struct mb_rsa_pub *exchange,
				     const struct mb_rsakey *signing,
				     const struct mb_session_key *sk,
				     const unsigned char *pad_random,
				     struct mb_blob *out, struct mb_error *err);

/*
 * Decrypt a value blob: out receives the value bytes without the prefix.
 * With pub, *verified says whether the signature matched; a value whose
 * prefix is not zero is refused (wrong key).
 */
enum mb_status mb_crypt_value_decrypt(const struct mb_session_key *sk,
				      const struct mb_blob *b,
				      const struct mb_rsa_pub *pub,
				      struct mb_buf *out, int *verified,
				      struct mb_error *err);
/* Encrypt and sign value bytes (no prefix) into a new IcDb blob. */
enum mb_status mb_crypt_value_encrypt(const struct mb_session_key *sk,
				      const struct mb_rsakey *signing,
				      const unsigned char *value, size_t len,
				      struct mb_blob *out,
				      struct mb_error *err);
/* The same for a password given as UTF-8 (stored as UTF-16LE + NUL). */
enum mb_status mb_crypt_string_encrypt(const struct mb_session_key *sk,
				       const struct mb_rsakey *signing,
				       const char *utf8, struct mb_blob *out,
				       struct mb_error *err);

#endif
