/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "mb/blob.h"

#define CORPUS_FILE "/metabase/modulogrc_modSIC__metabaseSample.xml"
#define CORPUS_FILE2 \
	"/metabase/modulogrc_modSIC__metabaseSampleWithIncompleteSessions.xml"

/* ---- helpers ---------------------------------------------------------- */

static void make_blob(struct mb_blob *b, uint32_t n, unsigned char fill)
{
	unsigned char data[256], sig[64];

	memset(data, fill, sizeof(data));
	memset(data, 0x11, 4);
	memset(sig, 0x5a, sizeof(sig));
	assert_int_equal(mb_blob_build(MB_BLOB_DATA, data, n, sig, 64, b, NULL),
			 MB_OK);
}

static char *hex_of(const struct mb_blob *b)
{
	struct mb_buf out;

	mb_buf_init(&out);
	assert_int_equal(mb_blob_emit(b, &out), 0);
	return mb_buf_detach(&out, NULL);
}

static enum mb_status parse_str(const char *s, struct mb_blob *b,
				struct mb_error *e)
{
	mb_error_clear(e);
	return mb_blob_parse(s, strlen(s), b, e);
}

/* Secure values of a MetaBase.xml: attribute lines holding hex blobs. */
struct scan {
	char name[64];
	char *value;
	size_t len;
};

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;

	if (!f)
		return NULL;
	p = malloc(1 << 22);
	assert_non_null(p);
	*len = fread(p, 1, (1 << 22) - 1, f);
	p[*len] = '\0';
	fclose(f);
	return p;
}

static size_t scan_secure(char *text, struct scan *out, size_t max)
{
	char *p = text, *eq, *v, *e;
	size_t n = 0;

	while ((p = strstr(p, "\n\t\t")) && n < max) {
		p += 3;
		eq = strchr(p, '=');
		if (!eq || eq[1] != '"')
			continue;
		v = eq + 2;
		e = strchr(v, '"');
		if (!e || (strncmp(v, "4963", 4) && strncmp(v, "NOLONGER", 8)))
			continue;
		snprintf(out[n].name, sizeof(out[n].name), "%.*s",
			 (int)(eq - p), p);
		out[n].value = v;
		out[n].len = (size_t)(e - v);
		n++;
	}
	return n;
}

static char *corpus_path(const char *file)
{
	const char *dir = getenv("MB_CORPUS");
	static char path[4096];

	if (!dir)
		return NULL;
	snprintf(path, sizeof(path), "%s%s", dir, file);
	return path;
}

/* ---- hex codec --------------------------------------------------------- */

static void test_hex_codec(void **state)
{
	unsigned char *p;
	size_t n;
	struct mb_error e;
	struct mb_buf out;

	(void)state;
	assert_int_equal(mb_blob_hex_decode("00fFa0", 6, &p, &n, &e), MB_OK);
	assert_int_equal(n, 3);
	assert_int_equal(p[1], 0xff);
	mb_buf_init(&out);
	mb_blob_hex_encode(&out, p, n, 0);
	assert_string_equal(out.data, "00ffa0");
	mb_buf_reset(&out);
	mb_blob_hex_encode(&out, p, n, 1);
	assert_string_equal(out.data, "00FFA0");
	mb_buf_release(&out);
	free(p);
	assert_int_equal(mb_blob_hex_decode("abc", 3, &p, &n, &e), MB_ESECRET);
	assert_non_null(strstr(e.reason, "odd"));
	assert_null(p);
	assert_int_equal(mb_blob_hex_decode("zz", 2, &p, &n, &e), MB_ESECRET);
	assert_non_null(strstr(e.reason, "not a hex digit"));
}

/* ---- parse, validate, emit --------------------------------------------- */

static void test_build_parse_emit(void **state)
{
	struct mb_blob b, c;
	char *hex;

	(void)state;
	make_blob(&b, 34, 0xab);
	assert_int_equal(b.kind, MB_BLOB_DATA);
	assert_int_equal(b.data_len, 34);
	assert_int_equal(b.pad_len, 6);
	assert_int_equal(b.sig_len, 64);
	assert_int_equal(b.raw_len, 16 + 34 + 6 + 64);
	assert_int_equal(b.body_len, b.raw_len - 8);
	assert_int_equal(b.pad[0], 0);
	assert_int_equal(mb_blob_chars(&b), 14);
	hex = hex_of(&b);
	assert_int_equal(strncmp(hex, "49634462", 8), 0);
	assert_int_equal(mb_blob_parse(hex, strlen(hex), &c, NULL), MB_OK);
	assert_true(mb_blob_equal(&b, &c));
	assert_int_equal(c.data_len, 34);
	assert_memory_equal(c.data, b.data, 34);
	assert_int_equal(mb_blob_usable(&c, NULL), MB_OK);
	mb_blob_free(&b);
	mb_blob_free(&c);
	mb_blob_free(&c); /* safe twice */
	free(hex);
}

static void test_case_preserved(void **state)
{
	struct mb_blob b, c;
	char *lower, *back;
	size_t i;

	(void)state;
	make_blob(&b, 18, 0xcd);
	lower = hex_of(&b);
	for (i = 0; lower[i]; i++) /* IIS writes lower case; accept upper */
		if (lower[i] >= 'a' && lower[i] <= 'f')
			lower[i] = (char)(lower[i] - 32);
	assert_int_equal(mb_blob_parse(lower, strlen(lower), &c, NULL), MB_OK);
	assert_int_equal(c.hex_case, MB_HEX_UPPER);
	back = hex_of(&c);
	assert_string_equal(back, lower);
	free(back);
	mb_blob_free(&c);
	/* Mixed case is kept verbatim (a data byte becomes "Cd"). */
	lower[41] = 'd';
	assert_int_equal(mb_blob_parse(lower, strlen(lower), &c, NULL), MB_OK);
	back = hex_of(&c);
	assert_string_equal(back, lower);
	free(back);
	mb_blob_free(&c);
	mb_blob_free(&b);
	free(lower);
}

static void expect_bad(const char *hex, const char *why)
{
	struct mb_blob b;
	struct mb_error e;

	assert_int_equal(parse_str(hex, &b, &e), MB_ESECRET);
	assert_non_null(strstr(e.reason, why));
	assert_null(b.raw);
}

/*
 * Only IIS 6's 64-byte (RSA-512) signatures are values: a hostile file's
 * 512-byte ones would cost minutes of gcd in reveal and sam.
 */
static void sig_lengths(void)
{
	static const uint32_t bad[] = { 0, 1, 63, 65, 128, 512 };
	unsigned char data[34] = { 0x11, 0x11, 0x11, 0x11 }, sig[512];
	struct mb_blob b;
	struct mb_error e;
	char want[32];
	size_t i;

	memset(sig, 0x5a, sizeof(sig));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mb_error_clear(&e);
		assert_int_equal(mb_blob_build(MB_BLOB_DATA, data, 34, sig,
					       bad[i], &b, &e), MB_ESECRET);
		snprintf(want, sizeof(want), "signature of %u bytes",
			 (unsigned)bad[i]);
		assert_non_null(strstr(e.reason, want));
		assert_non_null(strstr(e.reason, "damaged"));
	}
	assert_int_equal(mb_blob_build(MB_BLOB_DATA, data, 34, sig, 64, &b,
				       &e), MB_OK);
	mb_blob_free(&b);
}

static void test_damaged(void **state)
{
	struct mb_blob b;
	char *hex, *cut;
	size_t len;

	(void)state;
	expect_bad("", "empty");
	expect_bad("4963446", "odd");
	expect_bad("49634462", "too short");
	expect_bad("4963446204000000", "size field");
	expect_bad("4963446208000000ffffffff40000000", "inconsistent lengths");
	expect_bad("4963446208000000020000004000000000", "size field");
	expect_bad("4963506200000000", "wire protocol");
	expect_bad("0102030400000000", "not an IIS crypto blob");
	make_blob(&b, 34, 0x01);
	hex = hex_of(&b);
	len = strlen(hex);
	cut = strndup(hex, len - 2); /* one byte short */
	expect_bad(cut, "size field");
	free(cut);
	hex[len - 1] = 'g';
	expect_bad(hex, "not a hex digit");
	free(hex);
	mb_blob_free(&b);
	sig_lengths();
}

/* Every prefix and random mutation must fail cleanly, never crash. */
static void test_no_crash(void **state)
{
	struct mb_blob b, c;
	char *hex;
	size_t len, i;
	unsigned seed = 7;

	(void)state;
	make_blob(&b, 40, 0x33);
	hex = hex_of(&b);
	len = strlen(hex);
	for (i = 0; i < len; i++) {
		if (mb_blob_parse(hex, i, &c, NULL) == MB_OK)
			fail_msg("prefix of %zu digits parsed", i);
	}
	for (i = 0; i < 5000; i++) {
		size_t pos;

		seed = seed * 1103515245 + 12345;
		pos = (seed >> 8) % len;
		hex[pos] = "0123456789abcdefxX"[(seed >> 3) % 18];
		if (mb_blob_parse(hex, len, &c, NULL) == MB_OK) {
			assert_true(c.raw_len == 8 + c.body_len);
			mb_blob_free(&c);
		}
	}
	free(hex);
	mb_blob_free(&b);
}

static void test_nolongervalid(void **state)
{
	const char *v = "NOLONGERVALID02ee1f";
	struct mb_blob b;
	struct mb_error e;
	char *back;

	(void)state;
	assert_int_equal(parse_str(v, &b, &e), MB_OK);
	assert_int_equal(b.kind, MB_BLOB_INVALIDATED);
	back = hex_of(&b);
	assert_string_equal(back, v);
	free(back);
	assert_int_equal(mb_blob_usable(&b, &e), MB_ESECRET);
	assert_non_null(strstr(e.reason, "NOLONGERVALID"));
	assert_int_equal(mb_blob_chars(&b), -1);
	mb_blob_free(&b);
	/* An odd payload is kept verbatim too. */
	assert_int_equal(parse_str("NOLONGERVALIDabc", &b, &e), MB_OK);
	back = hex_of(&b);
	assert_string_equal(back, "NOLONGERVALIDabc");
	free(back);
	mb_blob_free(&b);
}

static void test_equality(void **state)
{
	struct mb_blob a, b, c;
	unsigned char *raw;

	(void)state;
	make_blob(&a, 34, 0x10);
	make_blob(&b, 34, 0x10);
	make_blob(&c, 34, 0x11);
	/* Padding is garbage in IIS files: it does not count. */
	raw = (unsigned char *)b.pad;
	raw[0] = 0x49;
	assert_true(mb_blob_equal(&a, &b));
	assert_false(mb_blob_equal(&a, &c));
	assert_int_equal(mb_blob_cmp(&a, &b), 0);
	assert_int_equal(mb_blob_cmp(&a, &c), -mb_blob_cmp(&c, &a));
	/* The hash that groups values agrees with equality. */
	assert_int_equal(mb_blob_hash(&a), mb_blob_hash(&b));
	assert_int_not_equal(mb_blob_hash(&a), mb_blob_hash(&c));
	/* Same data, other signature: not the same value. */
	raw = (unsigned char *)b.sig;
	raw[5] ^= 1;
	assert_false(mb_blob_equal(&a, &b));
	assert_int_not_equal(mb_blob_hash(&a), mb_blob_hash(&b));
	mb_blob_free(&a);
	mb_blob_free(&b);
	mb_blob_free(&c);
}

static void test_chars(void **state)
{
	struct mb_blob b;

	(void)state;
	make_blob(&b, 6, 0);
	assert_int_equal(mb_blob_chars(&b), 0);
	mb_blob_free(&b);
	make_blob(&b, 46, 0);
	assert_int_equal(mb_blob_chars(&b), 20);
	mb_blob_free(&b);
	make_blob(&b, 88, 0);
	assert_int_equal(mb_blob_chars(&b), 41);
	mb_blob_free(&b);
	make_blob(&b, 35, 0);
	assert_int_equal(mb_blob_chars(&b), -1);
	mb_blob_free(&b);
}

static void test_utf16(void **state)
{
	struct mb_buf u, t;
	unsigned char known[16];

	(void)state;
	mb_buf_init(&u);
	mb_buf_init(&t);
	assert_int_equal(mb_blob_utf8_to_utf16("sqllog", 6, &u, NULL), MB_OK);
	assert_int_equal(u.len, 14);
	assert_memory_equal(u.data, "s\0q\0l\0l\0o\0g\0\0\0", 14);
	mb_blob_utf16_to_utf8((unsigned char *)u.data, 12, NULL, &t);
	assert_string_equal(t.data, "sqllog");
	memset(known, 1, sizeof(known));
	known[3] = 0;
	mb_buf_reset(&t);
	mb_blob_utf16_to_utf8((unsigned char *)u.data, 12, known, &t);
	assert_string_equal(t.data, "s?llog");
	mb_buf_reset(&u);
	assert_int_equal(mb_blob_utf8_to_utf16("\xc3\xa9\xf0\x9f\x98\x80", 6,
					       &u, NULL), MB_OK);
	assert_int_equal(u.len, 2 + 4 + 2);
	mb_buf_reset(&t);
	mb_blob_utf16_to_utf8((unsigned char *)u.data, 6, NULL, &t);
	assert_string_equal(t.data, "\xc3\xa9\xf0\x9f\x98\x80");
	mb_buf_reset(&u);
	assert_int_equal(mb_blob_utf8_to_utf16("\xc3", 1, &u, NULL),
			 MB_EUSAGE);
	mb_buf_release(&u);
	mb_buf_release(&t);
}

static void test_session_info(void **state)
{
	unsigned char sb[76], sig[64];
	struct mb_blob b;
	struct mb_simpleblob info;
	struct mb_error e;

	(void)state;
	memset(sb, 0x77, sizeof(sb));
	memcpy(sb, "\x01\x02\x00\x00\x01\x68\x00\x00\x00\xa4\x00\x00", 12);
	memset(sig, 1, sizeof(sig));
	assert_int_equal(mb_blob_build(MB_BLOB_SESSION, sb, 76, sig, 64, &b,
				       NULL), MB_OK);
	assert_int_equal(b.raw_len, 160);
	assert_int_equal(mb_blob_session_info(&b, &info, &e), MB_OK);
	assert_int_equal(info.key_alg, MB_CALG_RC4);
	assert_int_equal(info.wrap_alg, MB_CALG_RSA_KEYX);
	assert_int_equal(info.wrapped_len, 64);
	assert_int_equal(mb_blob_session_check(&info, &e), MB_OK);
	assert_int_equal(mb_blob_usable(&b, &e), MB_ESECRET);
	/* A session key wrapped by a password-derived key, not RSA. */
	info.wrap_alg = 0x6801;
	assert_int_equal(mb_blob_session_check(&info, &e), MB_ESECRET);
	assert_non_null(strstr(e.reason, "password-protected"));
	assert_non_null(strstr(e.reason, "not public"));
	mb_blob_free(&b);
}

/* ---- the real file ------------------------------------------------------ */

static void corpus_roundtrip(const char *file, int expect_count)
{
	char *path = corpus_path(file), *text;
	struct scan sc[64];
	size_t len, n, i;
	struct mb_buf out;
	struct mb_blob b;

	text = path ? read_file(path, &len) : NULL;
	if (!text)
		fx_corpus_absent();
	n = scan_secure(text, sc, 64);
	assert_int_equal(n, expect_count);
	mb_buf_init(&out);
	for (i = 0; i < n; i++) {
		assert_int_equal(mb_blob_parse(sc[i].value, sc[i].len, &b,
					       NULL), MB_OK);
		mb_buf_reset(&out);
		mb_blob_emit(&b, &out);
		assert_int_equal(out.len, sc[i].len);
		assert_memory_equal(out.data, sc[i].value, sc[i].len);
		assert_int_equal(b.kind, strcmp(sc[i].name, "SessionKey")
						 ? MB_BLOB_DATA
						 : MB_BLOB_SESSION);
		if (!strcmp(sc[i].name, "LogOdbcPassword"))
			assert_int_equal(mb_blob_chars(&b), 6);
		if (!strcmp(sc[i].name, "UNCPassword"))
			assert_int_equal(mb_blob_chars(&b), 0);
		if (!strcmp(sc[i].name, "AnonymousUserPass") ||
		    !strcmp(sc[i].name, "WAMUserPass"))
			assert_int_equal(mb_blob_chars(&b), 14);
		mb_blob_free(&b);
	}
	mb_buf_release(&out);
	free(text);
}

static void test_corpus(void **state)
{
	(void)state;
	corpus_roundtrip(CORPUS_FILE, 11);
}

static void test_corpus_second_file(void **state)
{
	(void)state;
	corpus_roundtrip(CORPUS_FILE2, 11);
}

/* Keyless equality on the corpus: the two 84-byte AdminACLs are equal. */
static void test_corpus_groups(void **state)
{
	char *path = corpus_path(CORPUS_FILE), *text;
	struct scan sc[64];
	struct mb_blob b[16];
	size_t len, n, i, j, equal = 0;

	(void)state;
	text = path ? read_file(path, &len) : NULL;
	if (!text)
		fx_corpus_absent();
	n = scan_secure(text, sc, 16);
	for (i = 0; i < n; i++)
		assert_int_equal(mb_blob_parse(sc[i].value, sc[i].len, &b[i],
					       NULL), MB_OK);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			equal += (size_t)mb_blob_equal(&b[i], &b[j]);
	/* 2 x 84-byte ACL (1 pair) + 4 x 160-byte ACLs of which 2 equal. */
	assert_int_equal(equal, 2);
	for (i = 0; i < n; i++)
		mb_blob_free(&b[i]);
	free(text);
}

/*
 * The twin of the corpus tests, made by mbgen (--manifest: each value's
 * plaintext): every secure value parses and emits its own bytes, its
 * length in characters is its plaintext's, and two values are equal
 * without a key exactly when their plaintexts are.
 */
static int size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

static void test_generated(void **state)
{
	char *text, *man, *line, *save = NULL, *tab, *plain[16];
	char mpath[256];
	struct scan sc[16];
	struct mb_blob b[16];
	size_t len, n, i, j, m = 0, equal = 0, want = 0, got[16], lens[16];
	struct mb_buf out;

	(void)state;
	text = read_file(fx_mbgen("--story --no-acl --manifest m.txt"), &len);
	assert_non_null(text);
	snprintf(mpath, sizeof(mpath), "%s", fx_mbgen_dir());
	strcat(mpath, "/m.txt");
	man = read_file(mpath, &len);
	assert_non_null(man);
	for (line = strtok_r(man, "\n", &save); line && m < 16;
	     line = strtok_r(NULL, "\n", &save)) {
		tab = strrchr(line, '\t');
		assert_non_null(tab);
		plain[m++] = tab + 1;
	}
	n = scan_secure(text, sc, 16);
	assert_int_equal(n, m + 1); /* and the SessionKey, first */
	mb_buf_init(&out);
	for (i = 0; i < n; i++) {
		assert_int_equal(mb_blob_parse(sc[i].value, sc[i].len, &b[i],
					       NULL), MB_OK);
		mb_buf_reset(&out);
		mb_blob_emit(&b[i], &out);
		assert_int_equal(out.len, sc[i].len);
		assert_memory_equal(out.data, sc[i].value, sc[i].len);
		assert_int_equal(b[i].kind, i ? MB_BLOB_DATA : MB_BLOB_SESSION);
		if (i) /* file order is not the manifest's: compare sorted */
			got[i - 1] = mb_blob_chars(&b[i]),
			lens[i - 1] = strlen(plain[i - 1]);
	}
	qsort(got, m, sizeof(got[0]), size_cmp);
	qsort(lens, m, sizeof(lens[0]), size_cmp);
	assert_memory_equal(got, lens, m * sizeof(got[0]));
	for (i = 1; i < n; i++)
		for (j = i + 1; j < n; j++) {
			equal += (size_t)mb_blob_equal(&b[i], &b[j]);
			want += !strcmp(plain[i - 1], plain[j - 1]);
		}
	assert_true(want >= 3); /* IUSR_m2's password at three levels */
	assert_int_equal(equal, want);
	for (i = 0; i < n; i++)
		mb_blob_free(&b[i]);
	mb_buf_release(&out);
	free(man);
	free(text);
	fx_mbgen_done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex_codec),
		cmocka_unit_test(test_build_parse_emit),
		cmocka_unit_test(test_case_preserved),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_no_crash),
		cmocka_unit_test(test_nolongervalid),
		cmocka_unit_test(test_equality),
		cmocka_unit_test(test_chars),
		cmocka_unit_test(test_utf16),
		cmocka_unit_test(test_session_info),
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_corpus_second_file),
		cmocka_unit_test(test_corpus_groups),
		cmocka_unit_test(test_generated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
