// SPDX-License-Identifier: MIT
/*
 * MD4, MD5, RC4 and DES-ECB in a private OpenSSL library context with the
 * legacy and default providers (see include/mb/legacy.h). The algorithms
 * are fetched once; EVP_MD and EVP_CIPHER objects are safe to share
 * between threads, contexts are made per call.
 */
#include <pthread.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

#include "mb/legacy.h"

static struct {
	OSSL_LIB_CTX *ctx;
	EVP_MD *md4, *md5;
	EVP_CIPHER *rc4, *des;
	int ok;
} lg;

static pthread_once_t lg_once = PTHREAD_ONCE_INIT;

static void lg_init(void)
{
	lg.ctx = OSSL_LIB_CTX_new();
	/* Loading a provider explicitly turns off the implicit default, so
	 * both are loaded. */
	if (!lg.ctx || !OSSL_PROVIDER_load(lg.ctx, "legacy") ||
	    !OSSL_PROVIDER_load(lg.ctx, "default"))
		return;
	lg.md4 = EVP_MD_fetch(lg.ctx, "MD4", NULL);
	lg.md5 = EVP_MD_fetch(lg.ctx, "MD5", NULL);
	lg.rc4 = EVP_CIPHER_fetch(lg.ctx, "RC4", NULL);
	lg.des = EVP_CIPHER_fetch(lg.ctx, "DES-ECB", NULL);
	lg.ok = lg.md4 && lg.md5 && lg.rc4 && lg.des;
}

static enum mb_status ready(const char *alg, struct mb_error *err)
{
	pthread_once(&lg_once, lg_init);
	if (lg.ok)
		return MB_OK;
	return mb_error_set(err, MB_EFILE, "crypto", alg,
			    "OpenSSL's legacy provider (legacy.so, in "
			    "libssl3) cannot be loaded; it holds the MD4, RC4 "
			    "and DES that Windows' account database uses");
}

enum mb_status mb_legacy_md5v(const void *const *parts, const size_t *lens,
			      size_t nparts, unsigned char out[16],
			      struct mb_error *err)
{
	EVP_MD_CTX *c;
	unsigned int len = 0;
	size_t i;
	int ok;

	if (ready("MD5", err))
		return MB_EFILE;
	c = EVP_MD_CTX_new();
	ok = c && EVP_DigestInit_ex(c, lg.md5, NULL);
	for (i = 0; ok && i < nparts; i++)
		ok = EVP_DigestUpdate(c, parts[i], lens[i]);
	ok = ok && EVP_DigestFinal_ex(c, out, &len) && len == 16;
	EVP_MD_CTX_free(c);
	return ok ? MB_OK : mb_error_set(err, MB_EFILE, "crypto", "MD5",
					 "OpenSSL failed");
}

enum mb_status mb_legacy_md4(const void *p, size_t n, unsigned char out[16],
			     struct mb_error *err)
{
	unsigned int len = 0;

	if (ready("MD4", err))
		return MB_EFILE;
	if (!EVP_Digest(p, n, out, &len, lg.md4, NULL) || len != 16)
		return mb_error_set(err, MB_EFILE, "crypto", "MD4",
				    "OpenSSL failed");
	return MB_OK;
}

static enum mb_status cipher(const EVP_CIPHER *alg, const char *name,
			     const unsigned char *key, size_t klen, int enc,
			     const unsigned char *in, unsigned char *out,
			     size_t n, struct mb_error *err)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int ok, len = 0;

	ok = c && n <= 0x7fffffff &&
	     EVP_CipherInit_ex2(c, alg, NULL, NULL, enc, NULL) &&
	     EVP_CIPHER_CTX_set_key_length(c, (int)klen) &&
	     EVP_CIPHER_CTX_set_padding(c, 0) &&
	     EVP_CipherInit_ex2(c, NULL, key, NULL, enc, NULL) &&
	     EVP_CipherUpdate(c, out, &len, in, (int)n) && (size_t)len == n;
	EVP_CIPHER_CTX_free(c);
	return ok ? MB_OK : mb_error_set(err, MB_EFILE, "crypto", name,
					 "OpenSSL failed");
}

enum mb_status mb_legacy_rc4(const unsigned char *key, size_t klen,
			     const unsigned char *in, unsigned char *out,
			     size_t n, struct mb_error *err)
{
	if (ready("RC4", err))
		return MB_EFILE;
	if (klen == 0 || klen > 256)
		return mb_error_set(err, MB_EFILE, "crypto", "RC4",
				    "key of %zu bytes", klen);
	return cipher(lg.rc4, "RC4", key, klen, 1, in, out, n, err);
}

enum mb_status mb_legacy_des_decrypt(const unsigned char key[8],
				     const unsigned char in[8],
				     unsigned char out[8],
				     struct mb_error *err)
{
	if (ready("DES-ECB", err))
		return MB_EFILE;
	return cipher(lg.des, "DES-ECB", key, 8, 0, in, out, 8, err);
}

enum mb_status mb_legacy_des_encrypt(const unsigned char key[8],
				     const unsigned char in[8],
				     unsigned char out[8],
				     struct mb_error *err)
{
	if (ready("DES-ECB", err))
		return MB_EFILE;
	return cipher(lg.des, "DES-ECB", key, 8, 1, in, out, 8, err);
}

void mb_legacy_des_key(const unsigned char in[7], unsigned char out[8])
{
	out[0] = in[0] >> 1;
	out[1] = (unsigned char)(((in[0] & 0x01) << 6) | (in[1] >> 2));
	out[2] = (unsigned char)(((in[1] & 0x03) << 5) | (in[2] >> 3));
	out[3] = (unsigned char)(((in[2] & 0x07) << 4) | (in[3] >> 4));
	out[4] = (unsigned char)(((in[3] & 0x0f) << 3) | (in[4] >> 5));
	out[5] = (unsigned char)(((in[4] & 0x1f) << 2) | (in[5] >> 6));
	out[6] = (unsigned char)(((in[5] & 0x3f) << 1) | (in[6] >> 7));
	out[7] = in[6] & 0x7f;
	for (int i = 0; i < 8; i++)
		out[i] = (unsigned char)(out[i] << 1);
}
