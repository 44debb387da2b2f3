/* SPDX-License-Identifier: MIT */
/*
 * Machine-key writes (mb/mkey.h): keys are proven to be the file's before
 * use, and a new value has the layout of the blobs IIS writes, checked
 * here byte by byte with OpenSSL directly (not through crypt.c):
 *   "IcDb" LE32 size LE32 n LE32 64 | RC4(00000000 || UTF-16LE + NUL) |
 *   zero pad to 8 | RSA-512 PKCS#1 v1.5 MD5 signature, byte-reversed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "fixture.h"
#include "mb/blob.h"
#include "mb/crypt.h"
#include "mb/legacy.h"
#include "mb/mkey.h"
#include "mb/schema.h"
#include "testkeys.h"

#define CORPUS_FILE "/metabase/modulogrc_modSIC__metabaseSample.xml"

static const unsigned char raw_key[5] = { 0x11, 0x22, 0x33, 0x44, 0x55 };

static void session(const char *exch, const char *sign, struct mb_blob *b)
{
	struct mb_rsakey *x = load(exch), *s = load(sign);
	struct mb_session_key sk;

	assert_int_equal(mb_crypt_session_set(&sk, raw_key, 5, NULL), MB_OK);
	assert_int_equal(mb_crypt_session_wrap(mb_crypt_key_pub(x), s, &sk,
					       NULL, b, NULL), MB_OK);
	mb_crypt_key_free(x);
	mb_crypt_key_free(s);
}

static enum mb_status open_with(const char *exch, const char *sign,
				const struct mb_blob *sess,
				struct mb_error *e)
{
	struct mb_rsakey *x = load(exch), *s = load(sign);
	struct mb_mkey *mk = NULL;
	enum mb_status st = mb_mkey_open(x, s, sess, &mk, e);

	assert_true(st == MB_OK ? mk != NULL : mk == NULL);
	mb_mkey_free(mk);
	mb_crypt_key_free(x);
	mb_crypt_key_free(s);
	return st;
}

static void test_open_proves_keys(void **state)
{
	struct mb_blob sess, foreign;
	struct mb_error e;

	(void)state;
	session("exchange.pem", "signing.pem", &sess);
	assert_int_equal(open_with("exchange.pvk", "signing.pvk", &sess, &e),
			 MB_OK);
	/* Wrong exchange key: the SessionKey does not unwrap. */
	assert_int_equal(open_with("signing.pem", "signing.pem", &sess, &e),
			 MB_ESECRET);
	assert_non_null(strstr(e.reason, "not the exchange key"));
	/* Right exchange key, wrong signing key: the SessionKey's signature
	 * does not verify. */
	assert_int_equal(open_with("exchange.pem", "exchange.pem", &sess, &e),
			 MB_ESECRET);
	assert_non_null(strstr(e.reason, "signing key"));
	/* A public key cannot sign. */
	assert_int_equal(open_with("exchange.pem", "signing.pub.pem", &sess,
				   &e), MB_EUSAGE);
	assert_int_equal(open_with("exchange.pub.pem", "signing.pem", &sess,
				   &e), MB_EUSAGE);
	assert_int_equal(open_with("exchange.pem", "signing.pem", NULL, &e),
			 MB_ESECRET);
	/* Signed by another key: unwraps, but the signature says "no". */
	session("exchange.pem", "exchange.pem", &foreign);
	assert_int_equal(open_with("exchange.pem", "signing.pem", &foreign,
				   &e), MB_ESECRET);
	mb_blob_free(&sess);
	mb_blob_free(&foreign);
}

static struct mb_mkey *open_test(struct mb_rsakey **x, struct mb_rsakey **s,
				 struct mb_blob *sess)
{
	struct mb_mkey *mk = NULL;

	session("exchange.pem", "signing.pem", sess);
	*x = load("exchange.pem");
	*s = load("signing.pem");
	assert_int_equal(mb_mkey_open(*x, *s, sess, &mk, NULL), MB_OK);
	return mk;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* The signature checked by OpenSSL's own PKCS#1 v1.5 verify. */
static int openssl_verify(const unsigned char *sig, const unsigned char *msg,
			  size_t len)
{
	FILE *f = fopen(key_path("signing.pub.pem"), "r");
	EVP_PKEY *pk = f ? PEM_read_PUBKEY(f, NULL, NULL, NULL) : NULL;
	EVP_PKEY_CTX *ctx = pk ? EVP_PKEY_CTX_new(pk, NULL) : NULL;
	unsigned char md[16];
	unsigned int mdlen = 0;
	int ok;

	if (f)
		fclose(f);
	assert_non_null(ctx);
	assert_true(EVP_Digest(msg, len, md, &mdlen, EVP_md5(), NULL));
	ok = EVP_PKEY_verify_init(ctx) > 0 &&
	     EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0 &&
	     EVP_PKEY_CTX_set_signature_md(ctx, EVP_md5()) > 0 &&
	     EVP_PKEY_verify(ctx, sig, 64, md, mdlen) == 1;
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pk);
	return ok;
}

/* Decrypt with RC4 keyed raw_key || 11 zero bytes (40-bit salting). */
static void rc4_decrypt(unsigned char *p, size_t n)
{
	unsigned char key[16] = { 0 };

	memcpy(key, raw_key, 5);
	assert_int_equal(mb_legacy_rc4(key, 16, p, p, n, NULL), MB_OK);
}

static void check_layout(const unsigned char *r, size_t len, const char *u16,
			 size_t u16len)
{
	uint32_t n = le32(r + 8), pad = (8 - n % 8) % 8, i;
	unsigned char plain[256], sig[64];

	assert_memory_equal(r, "IcDb", 4);
	assert_int_equal(le32(r + 4), len - 8);
	assert_int_equal(n, 4 + u16len);
	assert_int_equal(le32(r + 12), 64);
	assert_int_equal(len, 16 + n + pad + 64);
	memcpy(plain, r + 16, n);
	rc4_decrypt(plain, n);
	assert_memory_equal(plain, "\0\0\0\0", 4);
	assert_memory_equal(plain + 4, u16, u16len);
	for (i = 0; i < pad; i++)
		assert_int_equal(r[16 + n + i], 0);
	/* Stored byte-reversed: reversed it verifies, as stored it does not. */
	for (i = 0; i < 64; i++)
		sig[i] = r[len - 1 - i];
	assert_true(openssl_verify(sig, plain, n));
	assert_false(openssl_verify(r + len - 64, plain, n));
}

static void test_string_layout(void **state)
{
	/* "Pa ß!" in UTF-16LE with its NUL: 5 characters, 12 bytes. */
	static const char u16[] = "P\0a\0 \0\xdf\0!\0\0";
	struct mb_rsakey *x, *s;
	struct mb_blob sess;
	struct mb_mkey *mk = open_test(&x, &s, &sess);
	struct mb_buf hex;
	unsigned char *r;
	size_t len;

	(void)state;
	mb_buf_init(&hex);
	assert_int_equal(mb_mkey_string(mk, "Pa \xc3\x9f!", &hex, NULL),
			 MB_OK);
	assert_int_equal(mb_blob_hex_decode(hex.data, hex.len, &r, &len, NULL),
			 MB_OK);
	/* n = 4 + 12 = 16: no padding; one more char gives 18 and 6 pad. */
	check_layout(r, len, u16, 12);
	free(r);
	mb_buf_reset(&hex);
	assert_int_equal(mb_mkey_string(mk, "Pa \xc3\x9f!x", &hex, NULL),
			 MB_OK);
	assert_int_equal(mb_blob_hex_decode(hex.data, hex.len, &r, &len, NULL),
			 MB_OK);
	check_layout(r, len, "P\0a\0 \0\xdf\0!\0x\0\0", 14);
	free(r);
	mb_buf_release(&hex);
	mb_mkey_free(mk);
	mb_blob_free(&sess);
	mb_crypt_key_free(x);
	mb_crypt_key_free(s);
}

static void test_codec_roundtrip(void **state)
{
	struct mb_rsakey *x, *s;
	struct mb_blob sess, b, other;
	struct mb_mkey *mk = open_test(&x, &s, &sess);
	struct mb_buf hex, again;
	struct mb_session_key sk2;
	static const unsigned char k2[5] = { 9, 9, 9, 9, 9 };

	(void)state;
	mb_buf_init(&hex);
	mb_buf_init(&again);
	assert_int_equal(mb_mkey_string(mk, "n3w-Pass", &hex, NULL), MB_OK);
	/* Lower-case hex, like the values IIS writes. */
	assert_memory_equal(hex.data, "49634462", 8);
	assert_int_equal(mb_blob_parse(hex.data, hex.len, &b, NULL), MB_OK);
	assert_int_equal(b.kind, MB_BLOB_DATA);
	assert_int_equal(mb_blob_chars(&b), 8);
	assert_int_equal(mb_blob_usable(&b, NULL), MB_OK);
	assert_int_equal(mb_blob_emit(&b, &again), 0);
	assert_int_equal(again.len, hex.len);
	assert_memory_equal(again.data, hex.data, hex.len);
	assert_int_equal(mb_mkey_check(mk, &b, NULL), MB_OK);
	/* Deterministic: the same value gives the same blob (RC4 restarts,
	 * PKCS#1 v1.5 signatures have no randomness), so group equality
	 * without keys still holds for values set this way. */
	mb_buf_reset(&again);
	assert_int_equal(mb_mkey_string(mk, "n3w-Pass", &again, NULL), MB_OK);
	assert_string_equal(again.data, hex.data);
	/* A value encrypted under another session key is refused. */
	mb_crypt_session_set(&sk2, k2, 5, NULL);
	assert_int_equal(mb_crypt_string_encrypt(&sk2, s, "x", &other, NULL),
			 MB_OK);
	assert_int_equal(mb_mkey_check(mk, &other, NULL), MB_ESECRET);
	mb_blob_free(&other);
	mb_blob_free(&b);
	mb_buf_release(&hex);
	mb_buf_release(&again);
	mb_mkey_free(mk);
	mb_blob_free(&sess);
	mb_crypt_key_free(x);
	mb_crypt_key_free(s);
}

/* The corpus file's AnonymousUserPass (written by IIS, 14 characters). */
static int corpus_anon(struct mb_blob *b)
{
	const char *dir = getenv("MB_CORPUS");
	char path[4096], *text, *p, *e;
	FILE *f;
	size_t len;
	int rc = -1;

	snprintf(path, sizeof(path), "%s%s", dir ? dir : "", CORPUS_FILE);
	f = dir ? fopen(path, "rb") : NULL;
	if (!f)
		return -1;
	text = calloc(1, 1 << 20);
	assert_non_null(text);
	len = fread(text, 1, (1 << 20) - 1, f);
	fclose(f);
	text[len] = 0;
	p = strstr(text, "\t\tAnonymousUserPass=\"");
	if (p) {
		p += strlen("\t\tAnonymousUserPass=\"");
		e = strchr(p, '"');
		rc = e && mb_blob_parse(p, (size_t)(e - p), b, NULL) == MB_OK
			     ? 0 : -1;
	}
	free(text);
	return rc;
}

static void test_same_layout_as_iis(void **state)
{
	struct mb_rsakey *x, *s;
	struct mb_blob sess, iis, ours;
	struct mb_mkey *mk;
	struct mb_buf hex;

	(void)state;
	if (corpus_anon(&iis))
		fx_corpus_absent();
	mk = open_test(&x, &s, &sess);
	mb_buf_init(&hex);
	assert_int_equal(mb_mkey_string(mk, "abcdefghijklmn", &hex, NULL),
			 MB_OK);
	assert_int_equal(mb_blob_parse(hex.data, hex.len, &ours, NULL), MB_OK);
	/* Same length of value, so every header field and size agrees. */
	assert_int_equal(mb_blob_chars(&iis), 14);
	assert_int_equal(ours.raw_len, iis.raw_len);
	assert_memory_equal(ours.raw, iis.raw, 16);
	assert_int_equal(ours.pad_len, iis.pad_len);
	assert_int_equal(ours.sig_len, iis.sig_len);
	mb_blob_free(&ours);
	mb_blob_free(&iis);
	mb_buf_release(&hex);
	mb_mkey_free(mk);
	mb_blob_free(&sess);
	mb_crypt_key_free(x);
	mb_crypt_key_free(s);
}

/* An mbgen file's bytes (malloc'ed): args as for fx_mbgen. */
static char *gen_file(const char *args)
{
	char *text = strdup(fx_slurp(fx_mbgen(args)));

	assert_non_null(text);
	fx_mbgen_done();
	return text;
}

/* A keys folder whose exchange and signing keys are the test keys
 * swapped: the keys of "another machine". */
static const char *swapped_keys(char *dir)
{
	char p[200];

	strcpy(dir, "/tmp/mkeys-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/exchange.pem", dir);
	assert_int_equal(symlink(key_path("signing.pem"), p), 0);
	snprintf(p, sizeof(p), "%s/signing.pem", dir);
	assert_int_equal(symlink(key_path("exchange.pem"), p), 0);
	return dir;
}

static void rm_keys(const char *dir)
{
	char p[200];

	snprintf(p, sizeof(p), "%s/exchange.pem", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/signing.pem", dir);
	unlink(p);
	rmdir(dir);
}

/* into with its first AnonymousUserPass value replaced by from's. */
static char *transplant(const char *into, const char *from)
{
	static const char attr[] = "AnonymousUserPass=\"";
	const char *a = strstr(into, attr), *b = strstr(from, attr);
	size_t alen, blen;
	char *out;

	assert_non_null(a);
	assert_non_null(b);
	a += strlen(attr);
	b += strlen(attr);
	alen = strcspn(a, "\"");
	blen = strcspn(b, "\"");
	out = malloc(strlen(into) + blen + 1);
	assert_non_null(out);
	memcpy(out, into, (size_t)(a - into));
	memcpy(out + (a - into), b, blen);
	strcpy(out + (a - into) + blen, a + alen);
	return out;
}

static enum mb_status open_doc(const char *text, const char *exch,
			       const char *sign, struct mb_error *e)
{
	struct mb_rsakey *x = load(exch), *s = load(sign);
	struct mb_mkey *mk = (struct mb_mkey *)1;
	struct mb_doc *doc = NULL;
	enum mb_status st;

	assert_int_equal(mb_doc_parse("t.xml", text, strlen(text),
				      mb_schema_builtin(), &doc, NULL), MB_OK);
	mb_error_clear(e);
	st = mb_mkey_open_doc(x, s, doc, &mk, e);
	assert_true(st == MB_OK ? mk != NULL : mk == NULL);
	mb_mkey_free(mk);
	mb_doc_free(doc);
	mb_crypt_key_free(x);
	mb_crypt_key_free(s);
	return st;
}

/*
 * The library refuses keys that are not the file's: on the SessionKey,
 * and on any value the file holds (here one copied from another machine's
 * file into a file whose SessionKey the keys do unwrap and verify).
 */
static void test_open_doc_refuses_foreign(void **state)
{
	char dir[32], args[96], *ours, *theirs, *mixed;
	struct mb_error e;

	(void)state;
	ours = gen_file("--story");
	snprintf(args, sizeof(args), "--story --seed 7 --keys %s",
		 swapped_keys(dir));
	theirs = gen_file(args);
	rm_keys(dir);
	assert_int_equal(open_doc(ours, "exchange.pem", "signing.pem", &e),
			 MB_OK);
	/* another machine's file: its SessionKey does not unwrap */
	assert_int_equal(open_doc(theirs, "exchange.pem", "signing.pem", &e),
			 MB_ESECRET);
	assert_non_null(strstr(e.reason, "not the exchange key"));
	/* our SessionKey, one value of the other machine's */
	mixed = transplant(ours, theirs);
	assert_int_equal(open_doc(mixed, "exchange.pem", "signing.pem", &e),
			 MB_ESECRET);
	assert_non_null(strstr(e.subject, "AnonymousUserPass"));
	assert_non_null(strstr(e.reason, "would not accept"));
	free(mixed);
	free(ours);
	free(theirs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_proves_keys),
		cmocka_unit_test(test_string_layout),
		cmocka_unit_test(test_codec_roundtrip),
		cmocka_unit_test(test_same_layout_as_iis),
		cmocka_unit_test(test_open_doc_refuses_foreign),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
