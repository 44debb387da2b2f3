/* SPDX-License-Identifier: MIT */
/*
 * The old ciphers Windows' account database uses (MD4, RC4, single DES),
 * from OpenSSL 3's legacy provider. The provider is loaded into one
 * private OSSL_LIB_CTX (with the default provider beside it) the first
 * time one of these is called, so the process-wide OpenSSL state is never
 * changed: other code keeps the default provider only. MD5 is here too so
 * that a whole SAM computation runs in the one context.
 *
 * Each function fails with
 * MB_EFILE and a reason naming the legacy provider when OpenSSL was built
 * without it.
 */
#ifndef MB_LEGACY_H
#define MB_LEGACY_H

#include <stddef.h>

#include "mb/err.h"

enum mb_status mb_legacy_md4(const void *p, size_t n, unsigned char out[16],
			     struct mb_error *err);
/* MD5 over the concatenation of nparts parts. */
enum mb_status mb_legacy_md5v(const void *const *parts, const size_t *lens,
			      size_t nparts, unsigned char out[16],
			      struct mb_error *err);
/* RC4: out = in XOR keystream(key); in and out may be the same buffer. */
enum mb_status mb_legacy_rc4(const unsigned char *key, size_t klen,
			     const unsigned char *in, unsigned char *out,
			     size_t n, struct mb_error *err);
/* Single DES-ECB decryption of one 8-byte block with an 8-byte key. */
enum mb_status mb_legacy_des_decrypt(const unsigned char key[8],
				     const unsigned char in[8],
				     unsigned char out[8],
				     struct mb_error *err);
/* The same, encrypting (tests/hivegen.c writes SAM hashes with it). */
enum mb_status mb_legacy_des_encrypt(const unsigned char key[8],
				     const unsigned char in[8],
				     unsigned char out[8],
				     struct mb_error *err);
/* A 7-byte key spread to 8 bytes (7 bits each, parity bit 0), as SAM and
 * LSA use it ([MS-LSAD] 5.1.3). */
void mb_legacy_des_key(const unsigned char in[7], unsigned char out[8]);

#endif
