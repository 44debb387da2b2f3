/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "fixture.h"
#include "mb/blob.h"
#include "mb/crypt.h"
#include "mb/legacy.h"
#include "mb/sigmod.h"
#include "testkeys.h"

#define CORPUS_FILE "/metabase/modulogrc_modSIC__metabaseSample.xml"

/* The corpus file's signing modulus, recovered from the file itself
 * (reference/secure-values.md 5.1). It is a public key. */
static const char corpus_n[] =
	"c2a0d7946f170e0b62f6715acb04505ce049f3f94a5209a5be8484f95d72bc09"
	"4f8796880403cdfc11a2af4da4f68500cf8e531f64a8014dd244542cb9658c45";

/* ---- helpers ---------------------------------------------------------- */

static void unhex(const char *h, unsigned char *out, size_t *n)
{
	unsigned char *p;

	assert_int_equal(mb_blob_hex_decode(h, strlen(h), &p, n, NULL), MB_OK);
	memcpy(out, p, *n);
	free(p);
}

static void corpus_pub(struct mb_rsa_pub *pub)
{
	memset(pub, 0, sizeof(*pub));
	unhex(corpus_n, pub->n, &pub->len);
	pub->e = 65537;
}

static unsigned char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p;

	if (!f)
		return NULL;
	p = malloc(1 << 20);
	assert_non_null(p);
	*len = fread(p, 1, (1 << 20) - 1, f);
	p[*len] = 0;
	fclose(f);
	return p;
}

/* ---- primitives ---------------------------------------------------------- */

static void test_rc4_vectors(void **state)
{
	/* RFC 6229, key 0x0102030405, keystream bytes 0..15. */
	static const unsigned char k40[] = { 1, 2, 3, 4, 5 };
	static const unsigned char want[16] = {
		0xb2, 0x39, 0x63, 0x05, 0xf0, 0x3d, 0xc0, 0x27,
		0xcc, 0xc3, 0x52, 0x4a, 0x0a, 0x11, 0x18, 0xa8,
	};
	/* The same key as CryptoAPI uses it: salted with 11 zero bytes. */
	static const unsigned char salted[16] = {
		0xee, 0x54, 0x41, 0xe6, 0xb3, 0x8c, 0x2d, 0x5a,
		0x75, 0xa6, 0xdb, 0x59, 0x0a, 0x1c, 0xbd, 0x2a,
	};
	unsigned char buf[16] = { 0 };
	struct mb_session_key sk;

	(void)state;
	assert_int_equal(mb_legacy_rc4(k40, 5, buf, buf, 16, NULL), MB_OK);
	assert_memory_equal(buf, want, 16);
	assert_int_equal(mb_crypt_session_set(&sk, k40, 5, NULL), MB_OK);
	assert_int_equal(sk.len, 16);
	assert_int_equal(mb_crypt_keystream(&sk, buf, 16, NULL), MB_OK);
	assert_memory_equal(buf, salted, 16);
	/* Other lengths are used as they are. */
	assert_int_equal(mb_crypt_session_set(&sk, want, 16, NULL), MB_OK);
	assert_int_equal(sk.len, 16);
	assert_memory_equal(sk.key, want, 16);
}

static void test_md5_emsa(void **state)
{
	static const unsigned char abc[16] = {
		0x90, 0x01, 0x50, 0x98, 0x3c, 0xd2, 0x4f, 0xb0,
		0xd6, 0x96, 0x3f, 0x7d, 0x28, 0xe1, 0x7f, 0x72,
	};
	unsigned char h[16], em[64], back[16];

	(void)state;
	assert_int_equal(mb_crypt_md5("abc", 3, h, NULL), MB_OK);
	assert_memory_equal(h, abc, 16);
	assert_int_equal(mb_crypt_emsa_md5(h, em, 64), 0);
	assert_int_equal(em[0], 0);
	assert_int_equal(em[1], 1);
	assert_int_equal(em[28], 0xff);
	assert_int_equal(em[29], 0);
	assert_int_equal(em[30], 0x30);
	assert_int_equal(mb_crypt_emsa_md5_parse(em, 64, back), 0);
	assert_memory_equal(back, h, 16);
	em[10] = 0xfe;
	assert_int_equal(mb_crypt_emsa_md5_parse(em, 64, back), -1);
	assert_int_equal(mb_crypt_emsa_md5(h, em, 40), -1);
}

/* ---- keys ---------------------------------------------------------------- */

/*
 * A search hashes many messages that share their first bytes from one
 * saved state: the digest must be MD5 of the whole message, checked here
 * against OpenSSL's one-shot MD5 for prefixes shorter than a block, whole
 * blocks and more, and messages that change after the prefix.
 */
static void test_md5_prefix(void **state)
{
	static const size_t pre[] = { 0, 10, 63, 64, 65, 130 };
	unsigned char msg[200], want[16], got[16];
	unsigned int len;
	struct mb_md5 *c;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)(i * 7 + 3);
	assert_int_equal(mb_crypt_md5_new(&c, NULL), MB_OK);
	for (i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
		assert_int_equal(mb_crypt_md5_prefix(c, msg, pre[i]), 0);
		for (n = pre[i]; n <= sizeof(msg); n += 37) {
			msg[n ? n - 1 : 0] ^= 0x5a; /* a trial's change */
			if (n && n - 1 < pre[i])
				msg[n - 1] ^= 0x5a;
			assert_true(EVP_Digest(msg, n, want, &len, EVP_md5(),
					       NULL));
			assert_int_equal(mb_crypt_md5_rest(c, msg, n, got), 0);
			assert_memory_equal(got, want, 16);
		}
	}
	/* shorter than what the state already holds: refused */
	assert_int_equal(mb_crypt_md5_prefix(c, msg, 130), 0);
	assert_int_equal(mb_crypt_md5_rest(c, msg, 100, got), -1);
	mb_crypt_md5_free(c);
}

static void test_key_formats(void **state)
{
	struct mb_rsakey *pem = load("signing.pem"), *pvk = load("signing.pvk");
	struct mb_rsakey *pub = load("signing.pub.pem"), *blob = NULL;
	unsigned char *raw;
	size_t len = 0;

	(void)state;
	assert_true(mb_crypt_key_is_private(pem));
	assert_true(mb_crypt_key_is_private(pvk));
	assert_false(mb_crypt_key_is_private(pub));
	assert_int_equal(mb_crypt_key_pub(pem)->len, 64);
	assert_int_equal(mb_crypt_key_pub(pem)->e, 65537);
	assert_memory_equal(mb_crypt_key_pub(pem)->n, mb_crypt_key_pub(pvk)->n,
			    64);
	assert_memory_equal(mb_crypt_key_pub(pem)->n, mb_crypt_key_pub(pub)->n,
			    64);
	/* A bare PRIVATEKEYBLOB: the PVK without its 24-byte header. */
	raw = read_all(key_path("signing.pvk"), &len);
	assert_non_null(raw);
	assert_int_equal(mb_crypt_key_parse(raw + 24, len - 24, "blob", &blob,
					    NULL), MB_OK);
	assert_true(mb_crypt_key_is_private(blob));
	assert_memory_equal(mb_crypt_key_pub(blob)->n, mb_crypt_key_pub(pem)->n,
			    64);
	mb_crypt_key_free(blob);
	raw[12] = 1; /* "encrypted" */
	assert_int_equal(mb_crypt_key_parse(raw, len, "enc", &blob, NULL),
			 MB_EFILE);
	assert_int_equal(mb_crypt_key_parse(raw, 30, "short", &blob, NULL),
			 MB_EFILE);
	free(raw);
	assert_int_equal(mb_crypt_key_parse((const unsigned char *)"junk", 4,
					    "junk", &blob, NULL), MB_EFILE);
	assert_int_equal(mb_crypt_key_load("/nonexistent/key", &blob, NULL),
			 MB_EFILE);
	mb_crypt_key_free(pem);
	mb_crypt_key_free(pvk);
	mb_crypt_key_free(pub);
}

static void test_sign_verify(void **state)
{
	struct mb_rsakey *k = load("signing.pvk"), *x = load("exchange.pem");
	unsigned char h[16], sig[64], back[16];
	struct mb_error e;

	(void)state;
	mb_crypt_md5("value", 5, h, NULL);
	assert_int_equal(mb_crypt_sign_md5(k, h, sig, 64, NULL), MB_OK);
	assert_int_equal(mb_crypt_sig_md5(mb_crypt_key_pub(k), sig, 64, back,
					  NULL), MB_OK);
	assert_memory_equal(back, h, 16);
	/* Another key: the block does not decode. */
	assert_int_not_equal(mb_crypt_sig_md5(mb_crypt_key_pub(x), sig, 64,
					      back, &e), MB_OK);
	mb_crypt_key_free(x);
	x = load("signing.pub.pem");
	assert_int_equal(mb_crypt_sign_md5(x, h, sig, 64, &e), MB_EUSAGE);
	mb_crypt_key_free(k);
	mb_crypt_key_free(x);
}

/* One context, many signatures: each as the one-off oracle gives it,
 * a wrong length or a block of another key refused, the context intact. */
static void test_pubctx(void **state)
{
	struct mb_rsakey *k = load("signing.pvk"), *x = load("exchange.pem");
	struct mb_rsa_pubctx *c, *cx;
	unsigned char h[16], sig[3][64], back[16];
	struct mb_error e;
	char word[2] = "a";
	int i;

	(void)state;
	assert_int_equal(mb_crypt_pubctx_new(mb_crypt_key_pub(k), &c, &e),
			 MB_OK);
	assert_int_equal(mb_crypt_pubctx_new(mb_crypt_key_pub(x), &cx, &e),
			 MB_OK);
	for (i = 0; i < 3; i++) {
		word[0] = (char)('a' + i);
		mb_crypt_md5(word, 1, h, NULL);
		assert_int_equal(mb_crypt_sign_md5(k, h, sig[i], 64, NULL),
				 MB_OK);
	}
	for (i = 0; i < 3; i++) {
		word[0] = (char)('a' + i);
		mb_crypt_md5(word, 1, h, NULL);
		assert_int_equal(mb_crypt_pubctx_sig_md5(c, sig[i], 64, back,
							 &e), MB_OK);
		assert_memory_equal(back, h, 16);
		assert_int_equal(mb_crypt_pubctx_sig_md5(c, sig[i], 63, back,
							 &e), MB_ESECRET);
		assert_int_equal(mb_crypt_pubctx_sig_md5(cx, sig[i], 64, back,
							 &e), MB_ESECRET);
	}
	mb_crypt_pubctx_free(c);
	mb_crypt_pubctx_free(cx);
	mb_crypt_pubctx_free(NULL);
	mb_crypt_key_free(k);
	mb_crypt_key_free(x);
}

static void check_unwrap(const char *xname)
{
	static const unsigned char raw[5] = { 0x6d, 0x62, 0x67, 0x65, 0x6e };
	struct mb_rsakey *x = load(xname), *s = load("signing.pem");
	struct mb_session_key sk, back;
	struct mb_blob b;
	struct mb_error e;

	assert_int_equal(mb_crypt_session_set(&sk, raw, 5, NULL), MB_OK);
	assert_int_equal(mb_crypt_session_wrap(mb_crypt_key_pub(x), s, &sk,
					       NULL, &b, &e), MB_OK);
	assert_int_equal(b.kind, MB_BLOB_SESSION);
	assert_int_equal(b.data_len, 76);
	assert_int_equal(b.raw_len, 160);
	assert_int_equal(mb_crypt_blob_verify(mb_crypt_key_pub(s), &b, NULL,
					      &e), MB_OK);
	assert_int_equal(mb_crypt_session_unwrap(x, &b, &back, &e), MB_OK);
	assert_int_equal(back.raw_len, 5);
	assert_memory_equal(back.raw, raw, 5);
	assert_int_equal(back.len, 16);
	assert_memory_equal(back.key, sk.key, 16);
	/* The signing key is not the exchange key: unwrap must refuse. */
	assert_int_equal(mb_crypt_session_unwrap(s, &b, &back, &e),
			 MB_ESECRET);
	mb_blob_free(&b);
	mb_crypt_key_free(x);
	mb_crypt_key_free(s);
}

static void test_session_wrap_unwrap(void **state)
{
	(void)state;
	check_unwrap("exchange.pem");
	check_unwrap("exchange.pvk");
}

static void test_value_roundtrip(void **state)
{
	static const unsigned char k1[5] = { 1, 2, 3, 4, 5 };
	static const unsigned char k2[5] = { 9, 2, 3, 4, 5 };
	struct mb_rsakey *s = load("signing.pem");
	const struct mb_rsa_pub *pub = mb_crypt_key_pub(s);
	struct mb_session_key sk, other;
	struct mb_blob b;
	struct mb_buf out;
	int verified = 0;

	(void)state;
	mb_crypt_session_set(&sk, k1, 5, NULL);
	mb_crypt_session_set(&other, k2, 5, NULL);
	assert_int_equal(mb_crypt_string_encrypt(&sk, s, "Pa55-word!", &b,
						 NULL), MB_OK);
	assert_int_equal(mb_blob_chars(&b), 10);
	mb_buf_init(&out);
	assert_int_equal(mb_crypt_value_decrypt(&sk, &b, pub, &out, &verified,
						NULL), MB_OK);
	assert_true(verified);
	assert_int_equal(out.len, 22);
	assert_memory_equal(out.data, "P\0a\0""5\0""5\0-\0w\0o\0r\0d\0!\0\0\0",
			    22);
	mb_buf_reset(&out);
	assert_int_equal(mb_crypt_value_decrypt(&other, &b, pub, &out, NULL,
						NULL), MB_ESECRET);
	((unsigned char *)b.data)[7] ^= 1; /* flip a ciphertext bit */
	mb_buf_reset(&out);
	assert_int_equal(mb_crypt_value_decrypt(&sk, &b, pub, &out, &verified,
						NULL), MB_OK);
	assert_false(verified);
	mb_buf_release(&out);
	mb_blob_free(&b);
	mb_crypt_key_free(s);
}

/* ---- the corpus: every signature verifies under its modulus ------------ */

static int corpus_blob(char *text, const char *name, struct mb_blob *b)
{
	char pat[80], *p, *e;

	snprintf(pat, sizeof(pat), "\t\t%s=\"", name);
	p = strstr(text, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	e = strchr(p, '"');
	return mb_blob_parse(p, (size_t)(e - p), b, NULL) == MB_OK ? 0 : -1;
}

static void test_corpus_oracle(void **state)
{
	static const char *const names[] = {
		"SessionKey", "UNCPassword", "LogOdbcPassword", "AdminACL",
		"AnonymousUserPass", "WAMUserPass",
	};
	const char *dir = getenv("MB_CORPUS");
	char path[4096];
	unsigned char *text, h[16], want[16];
	struct mb_rsa_pub pub;
	struct mb_blob b;
	size_t len, i;

	(void)state;
	snprintf(path, sizeof(path), "%s%s", dir ? dir : "", CORPUS_FILE);
	text = dir ? read_all(path, &len) : NULL;
	if (!text)
		fx_corpus_absent();
	corpus_pub(&pub);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_int_equal(corpus_blob((char *)text, names[i], &b), 0);
		assert_int_equal(mb_crypt_sig_md5(&pub, b.sig, b.sig_len, h,
						  NULL), MB_OK);
		if (i == 0)
			assert_int_equal(mb_crypt_blob_verify(&pub, &b, NULL,
							      NULL), MB_OK);
		if (i == 1) { /* "" = prefix + NUL */
			mb_crypt_md5("\0\0\0\0\0\0", 6, want, NULL);
			assert_memory_equal(h, want, 16);
		}
		if (i == 2) {
			mb_crypt_md5("\0\0\0\0s\0q\0l\0l\0o\0g\0\0\0", 18, want,
				     NULL);
			assert_memory_equal(h, want, 16);
		}
		mb_blob_free(&b);
	}
	free(text);
}

/* ---- signing modulus recovery -------------------------------------------- */

/* A throw-away RSA-512 key with e = 3: its gcds take milliseconds. */
static struct mb_rsakey *small_e_key(void)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY *pkey = NULL;
	BIGNUM *e = BN_new();
	BIO *mem = BIO_new(BIO_s_mem());
	struct mb_rsakey *k = NULL;
	char *data;
	long len;

	BN_set_word(e, 3);
	assert_true(EVP_PKEY_keygen_init(ctx) > 0);
	assert_true(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 512) > 0);
	assert_true(EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx, e) > 0);
	assert_true(EVP_PKEY_generate(ctx, &pkey) > 0);
	assert_true(PEM_write_bio_PrivateKey(mem, pkey, NULL, NULL, 0, NULL,
					     NULL));
	len = BIO_get_mem_data(mem, &data);
	assert_int_equal(mb_crypt_key_parse((unsigned char *)data, (size_t)len,
					    "e3", &k, NULL), MB_OK);
	BIO_free(mem);
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(ctx);
	BN_free(e);
	return k;
}

static void make_pair(struct mb_rsakey *k, const char *msg,
		      unsigned char *sig, struct mb_sigpair *p)
{
	mb_crypt_md5(msg, strlen(msg), p->md5, NULL);
	assert_int_equal(mb_crypt_sign_md5(k, p->md5, sig, 64, NULL), MB_OK);
	p->sig = sig;
	p->sig_len = 64;
	p->ok = -1;
}

static void test_sigmod_recover(void **state)
{
	struct mb_rsakey *k = small_e_key();
	unsigned char sig[5][64];
	struct mb_sigpair p[5];
	struct mb_rsa_pub n;
	struct mb_sigmod_stats st;
	struct mb_error e;

	(void)state;
	make_pair(k, "anchor", sig[0], &p[0]);
	make_pair(k, "second", sig[1], &p[1]);
	make_pair(k, "third", sig[2], &p[2]);
	make_pair(k, "fourth", sig[3], &p[3]);
	/* Two certain pairs: one gcd. */
	assert_int_equal(mb_sigmod_recover(p, 2, 2, 3, &n, &st, &e), MB_OK);
	assert_int_equal(st.gcds, 1);
	assert_int_equal(n.len, 64);
	assert_memory_equal(n.n, mb_crypt_key_pub(k)->n, 64);
	/* One anchor, candidates of which two are wrong. */
	mb_crypt_md5("wrong", 5, p[1].md5, NULL);
	mb_crypt_md5("also wrong", 10, p[3].md5, NULL);
	assert_int_equal(mb_sigmod_recover(p, 4, 1, 3, &n, &st, &e), MB_OK);
	assert_memory_equal(n.n, mb_crypt_key_pub(k)->n, 64);
	assert_true(p[0].ok && !p[1].ok && p[2].ok && !p[3].ok);
	/* Nothing right but the anchor: no modulus. */
	mb_crypt_md5("bad", 3, p[2].md5, NULL);
	assert_int_equal(mb_sigmod_recover(p, 4, 1, 3, &n, &st, &e),
			 MB_ESECRET);
	assert_int_equal(mb_sigmod_recover(p, 1, 1, 3, &n, &st, &e),
			 MB_ESECRET);
	mb_crypt_key_free(k);
}

/* The one entry a cache directory holds (there is one per test). */
static void cache_entry(const char *dir, char *out, size_t len)
{
	char cmd[4400];
	FILE *ls;

	snprintf(cmd, sizeof(cmd), "ls %s/sigmod-*", dir);
	ls = popen(cmd, "r");
	assert_non_null(ls);
	assert_non_null(fgets(out, (int)len, ls));
	pclose(ls);
	out[strcspn(out, "\n")] = 0;
}

static void test_sigmod_cache(void **state)
{
	char dir[] = "/tmp/mbtool-cache-XXXXXX", sub[4200], file[4400];
	static const unsigned char id[] = "session key bytes";
	struct mb_rsa_pub pub, back;
	struct stat sb;
	int found = 1;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/a/mbtool", dir);
	corpus_pub(&pub);
	assert_int_equal(mb_sigmod_cache_load(sub, id, sizeof(id), &back,
					      &found, NULL), MB_OK);
	assert_false(found);
	assert_int_equal(mb_sigmod_cache_store(sub, id, sizeof(id), &pub, NULL),
			 MB_OK);
	assert_int_equal(mb_sigmod_cache_load(sub, id, sizeof(id), &back,
					      &found, NULL), MB_OK);
	assert_true(found);
	assert_int_equal(back.len, 64);
	assert_int_equal(back.e, 65537);
	assert_memory_equal(back.n, pub.n, 64);
	assert_int_equal(stat(sub, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	cache_entry(sub, file, sizeof(file));
	assert_int_equal(stat(file, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	/* A damaged entry is ignored, not trusted. */
	f = fopen(file, "w");
	assert_non_null(f);
	fputs("mbtool-sigmod 1\nn=zz\ne=3\n", f);
	fclose(f);
	assert_int_equal(mb_sigmod_cache_load(sub, id, sizeof(id), &back,
					      &found, NULL), MB_OK);
	assert_false(found);
	snprintf(file, sizeof(file), "rm -rf %s", dir);
	assert_int_equal(system(file), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rc4_vectors),
		cmocka_unit_test(test_md5_emsa),
		cmocka_unit_test(test_md5_prefix),
		cmocka_unit_test(test_key_formats),
		cmocka_unit_test(test_sign_verify),
		cmocka_unit_test(test_pubctx),
		cmocka_unit_test(test_session_wrap_unwrap),
		cmocka_unit_test(test_value_roundtrip),
		cmocka_unit_test(test_corpus_oracle),
		cmocka_unit_test(test_sigmod_recover),
		cmocka_unit_test(test_sigmod_cache),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
