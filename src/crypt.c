/* SPDX-License-Identifier: MIT */
/*
 * MD5, raw RSA and the CryptoAPI blob formats that IIS 6 uses for its
 * secure values. See include/mb/crypt.h for the byte-level picture.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "mb/crypt.h"
#include "mb/legacy.h"

#define PVK_MAGIC 0xb0b5f11eu
#define RSA1_MAGIC 0x31415352u /* "RSA1": public key blob */
#define RSA2_MAGIC 0x32415352u /* "RSA2": private key blob */
#define KEYFILE_MAX (1u << 20)

struct mb_md5 {
	EVP_MD *md;
	EVP_MD_CTX *ctx;
	EVP_MD_CTX *pre;  /* state after pre_len bytes (mb_crypt_md5_prefix) */
	size_t pre_len;
};

struct mb_rsakey {
	EVP_PKEY *pkey;
	struct mb_rsa_pub pub;
	int priv;
};

static const unsigned char md5_digestinfo[18] = {
	0x30, 0x20, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48,
	0x86, 0xf7, 0x0d, 0x02, 0x05, 0x05, 0x00, 0x04, 0x10,
};

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* CryptoAPI stores big numbers little-endian: the reversal, in place. */
static void reverse(unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n / 2; i++) {
		unsigned char t = p[i];

		p[i] = p[n - 1 - i];
		p[n - 1 - i] = t;
	}
}

/* ---- MD5 and EMSA ------------------------------------------------- */

enum mb_status mb_crypt_md5_new(struct mb_md5 **out, struct mb_error *err)
{
	struct mb_md5 *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (!c)
		return mb_error_set(err, MB_EFILE, "md5", NULL,
				    "out of memory");
	c->md = EVP_MD_fetch(NULL, "MD5", NULL);
	c->ctx = EVP_MD_CTX_new();
	if (!c->md || !c->ctx) {
		mb_crypt_md5_free(c);
		return mb_error_set(err, MB_ESECRET, "md5", NULL,
				    "MD5 is not available from OpenSSL's "
				    "default provider");
	}
	*out = c;
	return MB_OK;
}

int mb_crypt_md5_run(struct mb_md5 *c, const void *p, size_t n,
		     unsigned char out[16])
{
	unsigned int len = 0;

	if (!EVP_DigestInit_ex2(c->ctx, c->md, NULL) ||
	    !EVP_DigestUpdate(c->ctx, p, n) ||
	    !EVP_DigestFinal_ex(c->ctx, out, &len) || len != 16)
		return -1;
	return 0;
}

int mb_crypt_md5_prefix(struct mb_md5 *c, const void *p, size_t n)
{
	c->pre_len = 0;
	if (!c->pre && !(c->pre = EVP_MD_CTX_new()))
		return -1;
	if (!EVP_DigestInit_ex2(c->pre, c->md, NULL) ||
	    !EVP_DigestUpdate(c->pre, p, n - n % 64))
		return -1;
	c->pre_len = n - n % 64;
	return 0;
}

int mb_crypt_md5_rest(struct mb_md5 *c, const void *p, size_t n,
		      unsigned char out[16])
{
	unsigned int len = 0;

	if (!c->pre || n < c->pre_len ||
	    !EVP_MD_CTX_copy_ex(c->ctx, c->pre) ||
	    !EVP_DigestUpdate(c->ctx, (const unsigned char *)p + c->pre_len,
			      n - c->pre_len) ||
	    !EVP_DigestFinal_ex(c->ctx, out, &len) || len != 16)
		return -1;
	return 0;
}

void mb_crypt_md5_free(struct mb_md5 *c)
{
	if (!c)
		return;
	EVP_MD_CTX_free(c->pre);
	EVP_MD_CTX_free(c->ctx);
	EVP_MD_free(c->md);
	free(c);
}

enum mb_status mb_crypt_md5(const void *p, size_t n, unsigned char out[16],
			    struct mb_error *err)
{
	struct mb_md5 *c;
	enum mb_status st = mb_crypt_md5_new(&c, err);

	if (st != MB_OK)
		return st;
	if (mb_crypt_md5_run(c, p, n, out))
		st = mb_error_set(err, MB_ESECRET, "md5", NULL,
				  "MD5 computation failed");
	mb_crypt_md5_free(c);
	return st;
}

int mb_crypt_emsa_md5(const unsigned char md5[16], unsigned char *em, size_t k)
{
	size_t ps;

	if (k < 3 + 8 + sizeof(md5_digestinfo) + 16)
		return -1;
	ps = k - 3 - sizeof(md5_digestinfo) - 16;
	em[0] = 0x00;
	em[1] = 0x01;
	memset(em + 2, 0xff, ps);
	em[2 + ps] = 0x00;
	memcpy(em + 3 + ps, md5_digestinfo, sizeof(md5_digestinfo));
	memcpy(em + k - 16, md5, 16);
	return 0;
}

int mb_crypt_emsa_md5_parse(const unsigned char *em, size_t k,
			    unsigned char md5[16])
{
	unsigned char want[MB_RSA_MAX];

	if (k > sizeof(want) || mb_crypt_emsa_md5(em + k - 16, want, k))
		return -1;
	if (memcmp(em, want, k - 16))
		return -1;
	memcpy(md5, em + k - 16, 16);
	return 0;
}

/* ---- keys --------------------------------------------------------- */

static enum mb_status pub_from_bn(struct mb_rsa_pub *pub, const BIGNUM *n,
				  const BIGNUM *e, const char *name,
				  struct mb_error *err)
{
	int len = BN_num_bytes(n);

	memset(pub, 0, sizeof(*pub));
	if (len <= 0 || len > MB_RSA_MAX || BN_num_bits(e) > 32 ||
	    BN_is_zero(e))
		return mb_error_set(err, MB_EFILE, "key", name,
				    "unsupported RSA key size or exponent");
	BN_bn2binpad(n, pub->n, len);
	pub->len = (size_t)len;
	pub->e = (uint32_t)BN_get_word(e);
	return MB_OK;
}

static enum mb_status key_finish(EVP_PKEY *pkey, const char *name,
				 struct mb_rsakey **out, struct mb_error *err)
{
	struct mb_rsakey *k;
	BIGNUM *n = NULL, *e = NULL, *d = NULL;
	enum mb_status st;

	if (!EVP_PKEY_is_a(pkey, "RSA") ||
	    !EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n) ||
	    !EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e)) {
		EVP_PKEY_free(pkey);
		BN_free(n);
		return mb_error_set(err, MB_EFILE, "key", name,
				    "not an RSA key");
	}
	k = calloc(1, sizeof(*k));
	st = k ? pub_from_bn(&k->pub, n, e, name, err)
	       : mb_error_set(err, MB_EFILE, "key", name, "out of memory");
	BN_free(n);
	BN_free(e);
	if (st != MB_OK) {
		free(k);
		EVP_PKEY_free(pkey);
		return st;
	}
	k->priv = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_D, &d);
	BN_clear_free(d);
	k->pkey = pkey;
	*out = k;
	return MB_OK;
}

static int is_text_pem(const unsigned char *p, size_t len)
{
	const char *tag = "-----BEGIN";
	size_t i, tl = strlen(tag);

	for (i = 0; i + tl <= len && i < 4096; i++)
		if (memcmp(p + i, tag, tl) == 0)
			return 1;
	return 0;
}

static enum mb_status load_openssl(const unsigned char *p, size_t len,
				   const char *name, struct mb_rsakey **out,
				   struct mb_error *err)
{
	const char *type = is_text_pem(p, len) ? "PEM" : "DER";
	EVP_PKEY *pkey = NULL;
	OSSL_DECODER_CTX *dc;
	const unsigned char *q = p;
	size_t ql = len;

	dc = OSSL_DECODER_CTX_new_for_pkey(&pkey, type, NULL, "RSA", 0, NULL,
					   NULL);
	if (!dc)
		return mb_error_set(err, MB_EFILE, "key", name,
				    "no OpenSSL decoder for %s RSA keys", type);
	if (!OSSL_DECODER_from_data(dc, &q, &ql) || !pkey) {
		OSSL_DECODER_CTX_free(dc);
		return mb_error_set(err, MB_EFILE, "key", name,
				    "not a readable RSA key (PEM, DER, PVK, "
				    "PRIVATEKEYBLOB or PUBLICKEYBLOB; "
				    "encrypted PEM/PVK files must be decrypted "
				    "first, e.g. openssl rsa -in F -out G)");
	}
	OSSL_DECODER_CTX_free(dc);
	return key_finish(pkey, name, out, err);
}

/* Little-endian number of len bytes at *p, advancing *p. */
static BIGNUM *take_le(const unsigned char **p, size_t len)
{
	BIGNUM *b = BN_lebin2bn(*p, (int)len, NULL);

	*p += len;
	return b;
}

static int bld_push(OSSL_PARAM_BLD *bld, const char *key, BIGNUM *v)
{
	return v && OSSL_PARAM_BLD_push_BN(bld, key, v);
}

static EVP_PKEY *pkey_from_params(OSSL_PARAM_BLD *bld, int selection)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY *pkey = NULL;

	if (params && ctx && EVP_PKEY_fromdata_init(ctx) > 0)
		EVP_PKEY_fromdata(ctx, &pkey, selection, params);
	OSSL_PARAM_free(params);
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

/*
 * RSAPUBKEY onwards: magic, bitlen, pubexp, then n (and for "RSA2" p, q,
 * dp, dq, qinv, d), all little-endian without padding.
 */
static EVP_PKEY *capi_numbers(const unsigned char *p, size_t len, int priv)
{
	static const char *const names[] = {
		OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2,
		OSSL_PKEY_PARAM_RSA_EXPONENT1, OSSL_PKEY_PARAM_RSA_EXPONENT2,
		OSSL_PKEY_PARAM_RSA_COEFFICIENT1,
	};
	uint32_t bits = rd32(p + 4), e = rd32(p + 8);
	size_t nb = bits / 8, hb = bits / 16, need, i;
	BIGNUM *v[8] = { 0 };
	OSSL_PARAM_BLD *bld;
	EVP_PKEY *pkey = NULL;
	int ok;

	need = 12 + nb + (priv ? 5 * hb + nb : 0);
	if (bits == 0 || bits % 16 || bits > 8 * MB_RSA_MAX || len < need)
		return NULL;
	p += 12;
	bld = OSSL_PARAM_BLD_new();
	v[0] = take_le(&p, nb);
	v[1] = BN_new();
	ok = bld && v[1] && BN_set_word(v[1], e) &&
	     bld_push(bld, OSSL_PKEY_PARAM_RSA_N, v[0]) &&
	     bld_push(bld, OSSL_PKEY_PARAM_RSA_E, v[1]);
	for (i = 0; ok && priv && i < 5; i++) {
		v[2 + i] = take_le(&p, hb);
		ok = bld_push(bld, names[i], v[2 + i]);
	}
	if (ok && priv) {
		v[7] = take_le(&p, nb);
		ok = bld_push(bld, OSSL_PKEY_PARAM_RSA_D, v[7]);
	}
	if (ok)
		pkey = pkey_from_params(bld, priv ? EVP_PKEY_KEYPAIR
						  : EVP_PKEY_PUBLIC_KEY);
	OSSL_PARAM_BLD_free(bld);
	for (i = 0; i < 8; i++)
		BN_clear_free(v[i]);
	return pkey;
}

/* PRIVATEKEYBLOB (07 02) or PUBLICKEYBLOB (06 02). */
static enum mb_status load_capi(const unsigned char *p, size_t len,
				const char *name, struct mb_rsakey **out,
				struct mb_error *err)
{
	int priv = p[0] == 0x07;
	uint32_t magic;
	EVP_PKEY *pkey;

	if (len < 20)
		return mb_error_set(err, MB_EFILE, "key", name,
				    "key blob too short");
	magic = rd32(p + 8);
	if (magic != (priv ? RSA2_MAGIC : RSA1_MAGIC))
		return mb_error_set(err, MB_EFILE, "key", name,
				    "key blob is not an RSA key (magic %08lx)",
				    (unsigned long)magic);
	pkey = capi_numbers(p + 8, len - 8, priv);
	if (!pkey)
		return mb_error_set(err, MB_EFILE, "key", name,
				    "key blob is truncated or malformed");
	return key_finish(pkey, name, out, err);
}

/* PVK: 24-byte header (magic, reserved, keyspec, encrypted, salt, key). */
static enum mb_status load_pvk(const unsigned char *p, size_t len,
			       const char *name, struct mb_rsakey **out,
			       struct mb_error *err)
{
	uint64_t salt, klen;

	if (len < 24)
		return mb_error_set(err, MB_EFILE, "key", name,
				    "PVK header truncated");
	if (rd32(p + 12))
		return mb_error_set(err, MB_EFILE, "key", name,
				    "the PVK file is password-encrypted: "
				    "export it without a password (openssl rsa "
				    "-inform PVK -in F -outform PVK "
				    "-pvk-none)");
	salt = rd32(p + 16);
	klen = rd32(p + 20);
	if (24 + salt + klen > len || klen < 8)
		return mb_error_set(err, MB_EFILE, "key", name,
				    "PVK lengths exceed the file");
	p += 24 + salt;
	if (p[0] != 0x07 && p[0] != 0x06)
		return mb_error_set(err, MB_EFILE, "key", name,
				    "PVK does not hold a key blob");
	return load_capi(p, (size_t)klen, name, out, err);
}

enum mb_status mb_crypt_key_parse(const unsigned char *p, size_t len,
				  const char *name, struct mb_rsakey **out,
				  struct mb_error *err)
{
	*out = NULL;
	if (len >= 24 && rd32(p) == PVK_MAGIC)
		return load_pvk(p, len, name, out, err);
	if (len >= 20 && (p[0] == 0x07 || p[0] == 0x06) && p[1] == 0x02)
		return load_capi(p, len, name, out, err);
	return load_openssl(p, len, name, out, err);
}

enum mb_status mb_crypt_key_load(const char *path, struct mb_rsakey **out,
				 struct mb_error *err)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	size_t len;
	enum mb_status st;

	*out = NULL;
	if (!f)
		return mb_error_set(err, MB_EFILE, "key", path,
				    "cannot open the key file");
	buf = malloc(KEYFILE_MAX);
	len = buf ? fread(buf, 1, KEYFILE_MAX, f) : 0;
	fclose(f);
	if (!buf)
		return mb_error_set(err, MB_EFILE, "key", path,
				    "out of memory");
	if (len == 0 || len == KEYFILE_MAX)
		st = mb_error_set(err, MB_EFILE, "key", path,
				  "the key file is empty or too large");
	else
		st = mb_crypt_key_parse(buf, len, path, out, err);
	OPENSSL_cleanse(buf, KEYFILE_MAX);
	free(buf);
	return st;
}

void mb_crypt_key_free(struct mb_rsakey *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	OPENSSL_cleanse(k, sizeof(*k));
	free(k);
}

int mb_crypt_key_is_private(const struct mb_rsakey *k)
{
	return k && k->priv;
}

const struct mb_rsa_pub *mb_crypt_key_pub(const struct mb_rsakey *k)
{
	return &k->pub;
}

/* ---- raw RSA -------------------------------------------------------- */

struct mb_rsa_pubctx {
	const struct mb_rsa_pub *pub;
	BN_CTX *ctx;
	BIGNUM *n, *e, *x, *r;
	BN_MONT_CTX *mont;
};

void mb_crypt_pubctx_free(struct mb_rsa_pubctx *c)
{
	if (!c)
		return;
	BN_MONT_CTX_free(c->mont);
	BN_free(c->n);
	BN_free(c->e);
	BN_clear_free(c->x);
	BN_clear_free(c->r);
	BN_CTX_free(c->ctx);
	free(c);
}

enum mb_status mb_crypt_pubctx_new(const struct mb_rsa_pub *pub,
				   struct mb_rsa_pubctx **out,
				   struct mb_error *err)
{
	struct mb_rsa_pubctx *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (c) {
		c->pub = pub;
		c->ctx = BN_CTX_new();
		c->n = BN_bin2bn(pub->n, (int)pub->len, NULL);
		c->e = BN_new();
		c->x = BN_new();
		c->r = BN_new();
		c->mont = BN_MONT_CTX_new();
	}
	if (!c || !c->ctx || !c->n || !c->e || !c->x || !c->r || !c->mont ||
	    !BN_set_word(c->e, pub->e) ||
	    !BN_MONT_CTX_set(c->mont, c->n, c->ctx)) {
		mb_crypt_pubctx_free(c);
		return mb_error_set(err, MB_ESECRET, "rsa", NULL,
				    "out of memory (or an even modulus)");
	}
	*out = c;
	return MB_OK;
}

/* Raw RSA with the context's key: in and out are pub->len bytes. */
static enum mb_status pubctx_raw(struct mb_rsa_pubctx *c,
				 const unsigned char *in, unsigned char *out,
				 struct mb_error *err)
{
	int len = (int)c->pub->len;

	if (!BN_bin2bn(in, len, c->x))
		return mb_error_set(err, MB_ESECRET, "rsa", NULL,
				    "out of memory");
	if (BN_cmp(c->x, c->n) >= 0)
		return mb_error_set(err, MB_ESECRET, "rsa", NULL,
				    "the block is not smaller than the modulus: "
				    "wrong key for this value");
	if (!BN_mod_exp_mont(c->r, c->x, c->e, c->n, c->ctx, c->mont) ||
	    BN_bn2binpad(c->r, out, len) < 0)
		return mb_error_set(err, MB_ESECRET, "rsa", NULL,
				    "RSA public operation failed");
	return MB_OK;
}

enum mb_status mb_crypt_rsa_public(const struct mb_rsa_pub *pub,
				   const unsigned char *in, unsigned char *out,
				   struct mb_error *err)
{
	struct mb_rsa_pubctx *c;
	enum mb_status st = mb_crypt_pubctx_new(pub, &c, err);

	if (st == MB_OK)
		st = pubctx_raw(c, in, out, err);
	mb_crypt_pubctx_free(c);
	return st;
}

enum mb_status mb_crypt_rsa_private(const struct mb_rsakey *k,
				    const unsigned char *in, unsigned char *out,
				    struct mb_error *err)
{
	EVP_PKEY_CTX *ctx;
	size_t outlen = k->pub.len;
	int ok;

	if (!k->priv)
		return mb_error_set(err, MB_EUSAGE, "rsa", NULL,
				    "a private key is needed, this is a "
				    "public key");
	if (memcmp(in, k->pub.n, k->pub.len) >= 0)
		return mb_error_set(err, MB_ESECRET, "rsa", NULL,
				    "the block is not smaller than the "
				    "modulus: wrong key for this value");
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
	ok = ctx && EVP_PKEY_decrypt_init(ctx) > 0 &&
	     EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING) > 0 &&
	     EVP_PKEY_decrypt(ctx, out, &outlen, in, k->pub.len) > 0 &&
	     outlen == k->pub.len;
	EVP_PKEY_CTX_free(ctx);
	if (!ok)
		return mb_error_set(err, MB_ESECRET, "rsa", NULL,
				    "RSA private operation failed");
	return MB_OK;
}

/* ---- signatures ---------------------------------------------------- */

enum mb_status mb_crypt_pubctx_sig_md5(struct mb_rsa_pubctx *c,
				       const unsigned char *sig,
				       size_t sig_len, unsigned char md5[16],
				       struct mb_error *err)
{
	unsigned char s[MB_RSA_MAX], em[MB_RSA_MAX];
	enum mb_status st;

	if (sig_len != c->pub->len)
		return mb_error_set(err, MB_ESECRET, "verify", NULL,
				    "signature is %zu bytes, the signing key "
				    "is %zu", sig_len, c->pub->len);
	memcpy(s, sig, sig_len);
	reverse(s, sig_len);
	st = pubctx_raw(c, s, em, err);
	if (st != MB_OK)
		return st;
	if (mb_crypt_emsa_md5_parse(em, c->pub->len, md5))
		return mb_error_set(err, MB_ESECRET, "verify", NULL,
				    "the signature does not decode under this "
				    "signing key (wrong key, or the value is "
				    "damaged)");
	return MB_OK;
}

enum mb_status mb_crypt_sig_md5(const struct mb_rsa_pub *pub,
				const unsigned char *sig, size_t sig_len,
				unsigned char md5[16], struct mb_error *err)
{
	struct mb_rsa_pubctx *c;
	enum mb_status st;

	if (sig_len != pub->len)
		return mb_error_set(err, MB_ESECRET, "verify", NULL,
				    "signature is %zu bytes, the signing key "
				    "is %zu", sig_len, pub->len);
	st = mb_crypt_pubctx_new(pub, &c, err);
	if (st == MB_OK)
		st = mb_crypt_pubctx_sig_md5(c, sig, sig_len, md5, err);
	mb_crypt_pubctx_free(c);
	return st;
}

enum mb_status mb_crypt_sign_md5(const struct mb_rsakey *priv,
				 const unsigned char md5[16],
				 unsigned char *sig, size_t sig_len,
				 struct mb_error *err)
{
	unsigned char em[MB_RSA_MAX];
	enum mb_status st;

	if (sig_len != priv->pub.len || mb_crypt_emsa_md5(md5, em, sig_len))
		return mb_error_set(err, MB_EUSAGE, "sign", NULL,
				    "signature length %zu does not fit the key",
				    sig_len);
	st = mb_crypt_rsa_private(priv, em, sig, err);
	if (st == MB_OK)
		reverse(sig, sig_len);
	return st;
}

enum mb_status mb_crypt_blob_verify(const struct mb_rsa_pub *pub,
				    const struct mb_blob *b,
				    const unsigned char *plain,
				    struct mb_error *err)
{
	unsigned char want[16], got[16];
	enum mb_status st;

	if (b->kind != MB_BLOB_DATA && b->kind != MB_BLOB_SESSION)
		return mb_error_set(err, MB_ESECRET, "verify", NULL,
				    "this blob carries no signature");
	st = mb_crypt_md5(b->kind == MB_BLOB_SESSION ? b->data : plain,
			  b->data_len, want, err);
	if (st == MB_OK)
		st = mb_crypt_sig_md5(pub, b->sig, b->sig_len, got, err);
	if (st == MB_OK && memcmp(want, got, 16))
		st = mb_error_set(err, MB_ESECRET, "verify", NULL,
				  "the signature does not match the value");
	return st;
}

/* ---- session key ---------------------------------------------------- */

enum mb_status mb_crypt_session_set(struct mb_session_key *sk,
				    const unsigned char *raw, size_t len,
				    struct mb_error *err)
{
	memset(sk, 0, sizeof(*sk));
	if (len == 0 || len > sizeof(sk->raw))
		return mb_error_set(err, MB_ESECRET, "session key", NULL,
				    "session key of %zu bytes", len);
	memcpy(sk->raw, raw, len);
	sk->raw_len = len;
	memcpy(sk->key, raw, len);
	/* CryptoAPI salts 40-bit keys with 11 zero bytes (secure-values
	 * 6.1). */
	sk->len = len == 5 ? 16 : len;
	return MB_OK;
}

void mb_crypt_session_wipe(struct mb_session_key *sk)
{
	OPENSSL_cleanse(sk, sizeof(*sk));
}

enum mb_status mb_crypt_keystream(const struct mb_session_key *sk,
				  unsigned char *out, size_t len,
				  struct mb_error *err)
{
	memset(out, 0, len);
	return mb_legacy_rc4(sk->key, sk->len, out, out, len, err);
}

/* PKCS#1 v1.5 type 2: 00 02 PS(>= 8 non-zero) 00 key. */
static enum mb_status unpad_type2(const unsigned char *m, size_t k,
				  struct mb_session_key *out,
				  struct mb_error *err)
{
	size_t i = 2;

	if (m[0] != 0x00 || m[1] != 0x02)
		return mb_error_set(err, MB_ESECRET, "session key", NULL,
				    "the exchange key does not unwrap this "
				    "SessionKey (no PKCS#1 type-2 block): it "
				    "belongs to another machine");
	while (i < k && m[i])
		i++;
	if (i < 10 || i + 1 >= k)
		return mb_error_set(err, MB_ESECRET, "session key", NULL,
				    "malformed PKCS#1 padding in SessionKey");
	return mb_crypt_session_set(out, m + i + 1, k - i - 1, err);
}

enum mb_status mb_crypt_session_unwrap(const struct mb_rsakey *exchange,
				       const struct mb_blob *session,
				       struct mb_session_key *out,
				       struct mb_error *err)
{
	struct mb_simpleblob sb;
	unsigned char c[MB_RSA_MAX], m[MB_RSA_MAX];
	enum mb_status st;

	memset(out, 0, sizeof(*out));
	st = mb_blob_session_info(session, &sb, err);
	if (st == MB_OK)
		st = mb_blob_session_check(&sb, err);
	if (st != MB_OK)
		return st;
	if (sb.wrapped_len != exchange->pub.len)
		return mb_error_set(err, MB_ESECRET, "session key", NULL,
				    "SessionKey is wrapped for a %zu-bit key, "
				    "the exchange key has %zu bits",
				    8 * sb.wrapped_len, 8 * exchange->pub.len);
	memcpy(c, sb.wrapped, sb.wrapped_len);
	reverse(c, sb.wrapped_len);
	st = mb_crypt_rsa_private(exchange, c, m, err);
	if (st == MB_OK)
		st = unpad_type2(m, sb.wrapped_len, out, err);
	OPENSSL_cleanse(m, sizeof(m));
	return st;
}

static void fill_nonzero(unsigned char *p, size_t n, const unsigned char *src)
{
	size_t i;

	if (src)
		memcpy(p, src, n);
	else if (RAND_bytes(p, (int)n) != 1)
		memset(p, 0x5a, n);
	for (i = 0; i < n; i++)
		if (!p[i])
			p[i] = (unsigned char)(0x80 | i);
}

static enum mb_status build_simpleblob(const struct mb_rsa_pub *exchange,
				       const struct mb_session_key *sk,
				       const unsigned char *pad_random,
				       unsigned char *sb, struct mb_error *err)
{
	static const unsigned char hdr[12] = {
		0x01, 0x02, 0x00, 0x00, 0x01, 0x68, 0x00, 0x00,
		0x00, 0xa4, 0x00, 0x00,
	};
	unsigned char m[MB_RSA_MAX];
	size_t k = exchange->len, ps;
	enum mb_status st;

	if (sk->raw_len + 11 > k)
		return mb_error_set(err, MB_EUSAGE, "session key", NULL,
				    "key too long for the exchange key");
	ps = k - 3 - sk->raw_len;
	m[0] = 0x00;
	m[1] = 0x02;
	fill_nonzero(m + 2, ps, pad_random);
	m[2 + ps] = 0x00;
	memcpy(m + 3 + ps, sk->raw, sk->raw_len);
	memcpy(sb, hdr, sizeof(hdr));
	st = mb_crypt_rsa_public(exchange, m, sb + sizeof(hdr), err);
	reverse(sb + sizeof(hdr), k);
	OPENSSL_cleanse(m, sizeof(m));
	return st;
}

enum mb_status mb_crypt_session_wrap(const struct mb_rsa_pub *exchange,
				     const struct mb_rsakey *signing,
				     const struct mb_session_key *sk,
				     const unsigned char *pad_random,
				     struct mb_blob *out, struct mb_error *err)
{
	unsigned char sb[12 + MB_RSA_MAX], md5[16], sig[MB_RSA_MAX];
	size_t sblen = 12 + exchange->len;
	enum mb_status st;

	memset(out, 0, sizeof(*out));
	st = build_simpleblob(exchange, sk, pad_random, sb, err);
	if (st == MB_OK)
		st = mb_crypt_md5(sb, sblen, md5, err);
	if (st == MB_OK)
		st = mb_crypt_sign_md5(signing, md5, sig, signing->pub.len,
				       err);
	if (st == MB_OK)
		st = mb_blob_build(MB_BLOB_SESSION, sb, (uint32_t)sblen, sig,
				   (uint32_t)signing->pub.len, out, err);
	return st;
}

/* ---- values ---------------------------------------------------------- */

enum mb_status mb_crypt_value_decrypt(const struct mb_session_key *sk,
				      const struct mb_blob *b,
				      const struct mb_rsa_pub *pub,
				      struct mb_buf *out, int *verified,
				      struct mb_error *err)
{
	unsigned char *pt;
	enum mb_status st;

	if (verified)
		*verified = 0;
	st = mb_blob_usable(b, err);
	if (st != MB_OK)
		return st;
	if (b->kind == MB_BLOB_CLEAR)
		return mb_buf_append(out, b->data, b->data_len)
			       ? mb_error_set(err, MB_EFILE, "decrypt", NULL,
					      "out of memory")
			       : MB_OK;
	pt = malloc(b->data_len);
	if (!pt)
		return mb_error_set(err, MB_EFILE, "decrypt", NULL,
				    "out of memory");
	memcpy(pt, b->data, b->data_len);
	st = mb_legacy_rc4(sk->key, sk->len, pt, pt, b->data_len, err);
	if (st == MB_OK && (pt[0] || pt[1] || pt[2] || pt[3]))
		st = mb_error_set(err, MB_ESECRET, "decrypt", NULL,
				  "the 4-byte prefix is not zero: this value "
				  "was not encrypted with this session key");
	else if (st == MB_OK && pub &&
		 mb_crypt_blob_verify(pub, b, pt, NULL) == MB_OK &&
		 verified)
		*verified = 1;
	if (st == MB_OK && mb_buf_append(out, pt + MB_BLOB_PREFIX,
					 b->data_len - MB_BLOB_PREFIX))
		st = mb_error_set(err, MB_EFILE, "decrypt", NULL,
				  "out of memory");
	OPENSSL_cleanse(pt, b->data_len);
	free(pt);
	return st;
}

enum mb_status mb_crypt_value_encrypt(const struct mb_session_key *sk,
				      const struct mb_rsakey *signing,
				      const unsigned char *value, size_t len,
				      struct mb_blob *out,
				      struct mb_error *err)
{
	size_t n = len + MB_BLOB_PREFIX;
	unsigned char *pt, md5[16], sig[MB_RSA_MAX];
	enum mb_status st;

	memset(out, 0, sizeof(*out));
	if (len > (1u << 24))
		return mb_error_set(err, MB_EUSAGE, "encrypt", NULL,
				    "value too large");
	pt = calloc(1, n);
	if (!pt)
		return mb_error_set(err, MB_EFILE, "encrypt", NULL,
				    "out of memory");
	memcpy(pt + MB_BLOB_PREFIX, value, len);
	st = mb_crypt_md5(pt, n, md5, err);
	if (st == MB_OK)
		st = mb_crypt_sign_md5(signing, md5, sig, signing->pub.len,
				       err);
	if (st == MB_OK)
		st = mb_legacy_rc4(sk->key, sk->len, pt, pt, n, err);
	if (st == MB_OK)
		st = mb_blob_build(MB_BLOB_DATA, pt, (uint32_t)n, sig,
				   (uint32_t)signing->pub.len, out, err);
	OPENSSL_cleanse(pt, n);
	free(pt);
	return st;
}

enum mb_status mb_crypt_string_encrypt(const struct mb_session_key *sk,
				       const struct mb_rsakey *signing,
				       const char *utf8, struct mb_blob *out,
				       struct mb_error *err)
{
	struct mb_buf u;
	enum mb_status st;

	mb_buf_init(&u);
	st = mb_blob_utf8_to_utf16(utf8, strlen(utf8), &u, err);
	if (st == MB_OK)
		st = mb_crypt_value_encrypt(sk, signing,
					    (const unsigned char *)u.data,
					    u.len, out, err);
	mb_buf_wipe(&u);
	return st;
}
