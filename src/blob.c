/* SPDX-License-Identifier: MIT */
/*
 * IIS_CRYPTO_BLOB codec. All arithmetic on length fields is done in 64 bits
 * and compared with the bytes actually present before anything is read, so
 * hostile values cannot make us read past the buffer.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mb/blob.h"
#include "mb/hidx.h"

#define INVALID_TAG "NOLONGERVALID"
#define INVALID_TAG_LEN 13

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void wr32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/*
 * Hex digits by table: 0x10 marks a digit, the low nibble is its value,
 * 0x20 and 0x40 say it was a lower- or an upper-case letter (blobs are most
 * of what every account command decodes).
 */
#define HD(v) (0x10 | (v))
#define HL(v) (0x30 | (v))
#define HU(v) (0x50 | (v))
static const unsigned char hexd[256] = {
	['0'] = HD(0), ['1'] = HD(1), ['2'] = HD(2), ['3'] = HD(3),
	['4'] = HD(4), ['5'] = HD(5), ['6'] = HD(6), ['7'] = HD(7),
	['8'] = HD(8), ['9'] = HD(9),
	['a'] = HL(10), ['b'] = HL(11), ['c'] = HL(12), ['d'] = HL(13),
	['e'] = HL(14), ['f'] = HL(15),
	['A'] = HU(10), ['B'] = HU(11), ['C'] = HU(12), ['D'] = HU(13),
	['E'] = HU(14), ['F'] = HU(15),
};

/*
 * len (even) hex digits into p; *cases gathers the 0x20/0x40 bits. 0, or
 * the 1-based position of the first character that is not a hex digit.
 */
static size_t unhex(const char *hex, size_t len, unsigned char *p,
		    unsigned *cases)
{
	const unsigned char *h = (const unsigned char *)hex;
	unsigned seen = 0, all = 0x10;
	size_t i;

	/* No branch per digit: validity is gathered, and looked for only
	 * when some digit lacked the mark. */
	for (i = 0; i < len / 2; i++) {
		unsigned hi = hexd[h[2 * i]], lo = hexd[h[2 * i + 1]];

		all &= hi & lo;
		seen |= hi | lo;
		p[i] = (unsigned char)(hi << 4 | (lo & 15));
	}
	*cases = seen;
	if (all)
		return 0;
	for (i = 0; hexd[h[i]] & 0x10; i++)
		;
	return i + 1;
}

static enum mb_status hex_decode(const char *hex, size_t len,
				 unsigned char **out, size_t *out_len,
				 unsigned *cases, struct mb_error *err)
{
	unsigned char *p;
	size_t bad;

	*out = NULL;
	*out_len = 0;
	if (len % 2)
		return mb_error_set(err, MB_ESECRET, "decode", NULL,
				    "odd number of hex digits (%zu): the value "
				    "is truncated or damaged", len);
	p = malloc(len / 2 + 1);
	if (!p)
		return mb_error_set(err, MB_EFILE, "decode", NULL,
				    "out of memory");
	bad = unhex(hex, len, p, cases);
	if (bad) {
		free(p);
		return mb_error_set(err, MB_ESECRET, "decode", NULL,
				    "character %zu is not a hex digit", bad);
	}
	*out = p;
	*out_len = len / 2;
	return MB_OK;
}

enum mb_status mb_blob_hex_decode(const char *hex, size_t len,
				  unsigned char **out, size_t *out_len,
				  struct mb_error *err)
{
	unsigned cases;

	return hex_decode(hex, len, out, out_len, &cases, err);
}

int mb_blob_hex_encode(struct mb_buf *out, const unsigned char *p, size_t n,
		       int upper)
{
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t i;

	if (mb_buf_reserve(out, 2 * n))
		return -1;
	for (i = 0; i < n; i++) {
		out->data[out->len++] = dig[p[i] >> 4];
		out->data[out->len++] = dig[p[i] & 15];
	}
	out->data[out->len] = '\0';
	return 0;
}

static enum mb_hex_case hex_case_of(unsigned cases)
{
	if ((cases & 0x60) == 0x60)
		return MB_HEX_MIXED;
	return cases & 0x40 ? MB_HEX_UPPER : MB_HEX_LOWER;
}

/* IcDb / IcKb: n, siglen, data, pad, signature; every length checked. */
static enum mb_status parse_signed(struct mb_blob *b, struct mb_error *err)
{
	uint64_t n, sl, pad, need;

	if (b->raw_len < 16)
		return mb_error_set(err, MB_ESECRET, "decode", NULL,
				    "blob is %zu bytes, shorter than its "
				    "16-byte header", b->raw_len);
	n = rd32(b->raw + 8);
	sl = rd32(b->raw + 12);
	pad = (8 - n % 8) % 8;
	need = 16 + n + pad + sl;
	if (need != b->raw_len)
		return mb_error_set(err, MB_ESECRET, "decode", NULL,
				    "inconsistent lengths: data %llu + "
				    "padding %llu + signature %llu needs %llu "
				    "bytes, the blob has %zu",
				    (unsigned long long)n,
				    (unsigned long long)pad,
				    (unsigned long long)sl,
				    (unsigned long long)need, b->raw_len);
	if (n < MB_BLOB_PREFIX && b->kind == MB_BLOB_DATA)
		return mb_error_set(err, MB_ESECRET, "decode", NULL,
				    "encrypted length %llu is shorter than the "
				    "4-byte prefix", (unsigned long long)n);
	/*
	 * IIS 6 signs with RSA-512: 64 bytes. Any other length is damage, and
	 * a longer one would send the modulus search into a gcd of numbers
	 * that grow with it (hostile files: 512 bytes cost minutes).
	 */
	if (sl != MB_BLOB_SIG_LEN)
		return mb_error_set(err, MB_ESECRET, "decode", NULL,
				    "signature of %llu bytes: IIS 6 signs "
				    "with RSA-512 (%u bytes); the value is "
				    "damaged", (unsigned long long)sl,
				    MB_BLOB_SIG_LEN);
	b->data_len = (uint32_t)n;
	b->sig_len = (uint32_t)sl;
	b->pad_len = (uint32_t)pad;
	b->data = b->raw + 16;
	b->pad = b->data + n;
	b->sig = b->pad + pad;
	return MB_OK;
}

static enum mb_status parse_raw(struct mb_blob *b, struct mb_error *err)
{
	uint32_t magic;

	if (b->raw_len < 8)
		return mb_error_set(err, MB_ESECRET, "decode", NULL,
				    "blob is %zu bytes, too short for a header",
				    b->raw_len);
	magic = rd32(b->raw);
	b->body_len = rd32(b->raw + 4);
	if ((uint64_t)b->body_len + 8 != b->raw_len)
		return mb_error_set(err, MB_ESECRET, "decode", NULL,
				    "size field says %lu bytes follow the "
				    "header, the value holds %zu",
				    (unsigned long)b->body_len, b->raw_len - 8);
	switch (magic) {
	case MB_BLOB_MAGIC_DATA:
		b->kind = MB_BLOB_DATA;
		return parse_signed(b, err);
	case MB_BLOB_MAGIC_SESSION:
		b->kind = MB_BLOB_SESSION;
		return parse_signed(b, err);
	case MB_BLOB_MAGIC_CLEAR:
		b->kind = MB_BLOB_CLEAR;
		b->data = b->raw + 8;
		b->data_len = b->body_len;
		return MB_OK;
	case MB_BLOB_MAGIC_PUBKEY:
	case MB_BLOB_MAGIC_HASH:
		return mb_error_set(err, MB_ESECRET, "decode", NULL,
				    "an IcPb/IcHb blob belongs to the DCOM "
				    "wire protocol and cannot be a stored "
				    "value");
	}
	return mb_error_set(err, MB_ESECRET, "decode", NULL,
			    "not an IIS crypto blob (expected hex starting "
			    "49634462 \"IcDb\" or 49634b62 \"IcKb\")");
}

static enum mb_status keep_text(struct mb_blob *b, const char *text,
				size_t len, struct mb_error *err)
{
	b->text = malloc(len + 1);
	if (!b->text)
		return mb_error_set(err, MB_EFILE, "decode", NULL,
				    "out of memory");
	memcpy(b->text, text, len);
	b->text[len] = '\0';
	b->text_len = len;
	return MB_OK;
}

/*
 * NOLONGERVALID values are kept verbatim: their meaning is undocumented, so
 * the payload is decoded only when it is clean hex, and never interpreted.
 */
static enum mb_status parse_invalidated(const char *text, size_t len,
					struct mb_blob *b, struct mb_error *err)
{
	const char *hex = text + INVALID_TAG_LEN;
	size_t hlen = len - INVALID_TAG_LEN;

	b->kind = MB_BLOB_INVALIDATED;
	if (mb_blob_hex_decode(hex, hlen, &b->raw, &b->raw_len, NULL)) {
		b->raw = NULL;
		b->raw_len = 0;
	}
	return keep_text(b, text, len, err);
}

enum mb_status mb_blob_parse(const char *text, size_t len, struct mb_blob *out,
			     struct mb_error *err)
{
	enum mb_status st;
	unsigned cases = 0; /* set by hex_decode; gcc -O3 cannot see it */

	memset(out, 0, sizeof(*out));
	if (len >= INVALID_TAG_LEN &&
	    memcmp(text, INVALID_TAG, INVALID_TAG_LEN) == 0)
		return parse_invalidated(text, len, out, err);
	if (len == 0)
		return mb_error_set(err, MB_ESECRET, "decode", NULL,
				    "the secure value is empty");
	st = hex_decode(text, len, &out->raw, &out->raw_len, &cases, err);
	if (st != MB_OK)
		return st;
	out->hex_case = hex_case_of(cases);
	st = parse_raw(out, err);
	if (st == MB_OK && out->hex_case == MB_HEX_MIXED)
		st = keep_text(out, text, len, err);
	if (st != MB_OK)
		mb_blob_free(out);
	return st;
}

enum mb_status mb_blob_from_bytes(const unsigned char *raw, size_t len,
				  struct mb_blob *out, struct mb_error *err)
{
	enum mb_status st;

	memset(out, 0, sizeof(*out));
	out->raw = malloc(len ? len : 1);
	if (!out->raw)
		return mb_error_set(err, MB_EFILE, "decode", NULL,
				    "out of memory");
	memcpy(out->raw, raw, len);
	out->raw_len = len;
	st = parse_raw(out, err);
	if (st != MB_OK)
		mb_blob_free(out);
	return st;
}

enum mb_status mb_blob_build(enum mb_blob_kind kind, const unsigned char *data,
			     uint32_t n, const unsigned char *sig,
			     uint32_t sig_len, struct mb_blob *out,
			     struct mb_error *err)
{
	uint32_t pad = (8 - n % 8) % 8;
	uint64_t total = 16 + (uint64_t)n + pad + sig_len;
	unsigned char *p;
	enum mb_status st;

	memset(out, 0, sizeof(*out));
	if (kind != MB_BLOB_DATA && kind != MB_BLOB_SESSION)
		return mb_error_set(err, MB_EUSAGE, "encode", NULL,
				    "only IcDb and IcKb blobs can be built");
	if (total > UINT32_MAX)
		return mb_error_set(err, MB_EUSAGE, "encode", NULL,
				    "value too large for a blob");
	p = calloc(1, (size_t)total);
	if (!p)
		return mb_error_set(err, MB_EFILE, "encode", NULL,
				    "out of memory");
	wr32(p, kind == MB_BLOB_DATA ? MB_BLOB_MAGIC_DATA
				     : MB_BLOB_MAGIC_SESSION);
	wr32(p + 4, (uint32_t)(total - 8));
	wr32(p + 8, n);
	wr32(p + 12, sig_len);
	memcpy(p + 16, data, n);
	memcpy(p + 16 + n + pad, sig, sig_len);
	st = mb_blob_from_bytes(p, (size_t)total, out, err);
	OPENSSL_cleanse(p, (size_t)total);
	free(p);
	return st;
}

int mb_blob_emit(const struct mb_blob *b, struct mb_buf *out)
{
	if (b->text)
		return mb_buf_append(out, b->text, b->text_len);
	return mb_blob_hex_encode(out, b->raw, b->raw_len,
				  b->hex_case == MB_HEX_UPPER);
}

void mb_blob_free(struct mb_blob *b)
{
	if (b->raw) {
		OPENSSL_cleanse(b->raw, b->raw_len);
		free(b->raw);
	}
	free(b->text);
	memset(b, 0, sizeof(*b));
}

enum mb_status mb_blob_usable(const struct mb_blob *b, struct mb_error *err)
{
	switch (b->kind) {
	case MB_BLOB_DATA:
		return MB_OK;
	case MB_BLOB_INVALIDATED:
		return mb_error_set(err, MB_ESECRET, "reveal", NULL,
				    "the value is marked NOLONGERVALID: IIS "
				    "could not use it any more (its meaning is "
				    "undocumented); set it again on the live "
				    "server");
	case MB_BLOB_SESSION:
		return mb_error_set(err, MB_ESECRET, "reveal", NULL,
				    "this is the file's session key (IcKb), "
				    "not a value");
	case MB_BLOB_CLEAR:
		return MB_OK;
	}
	return mb_error_set(err, MB_ESECRET, "reveal", NULL, "unknown blob");
}

int mb_blob_equal(const struct mb_blob *a, const struct mb_blob *b)
{
	return mb_blob_cmp(a, b) == 0;
}

static int cmp_bytes(const unsigned char *a, size_t na, const unsigned char *b,
		     size_t nb)
{
	int c;

	if (na != nb)
		return na < nb ? -1 : 1;
	if (!na)
		return 0;
	c = memcmp(a, b, na);
	return c < 0 ? -1 : c > 0;
}

int mb_blob_cmp(const struct mb_blob *a, const struct mb_blob *b)
{
	int c;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->kind == MB_BLOB_INVALIDATED)
		return cmp_bytes((const unsigned char *)a->text, a->text_len,
				 (const unsigned char *)b->text, b->text_len);
	c = cmp_bytes(a->data, a->data_len, b->data, b->data_len);
	if (c)
		return c;
	/* Padding is ignored: IIS fills it with leftover memory. */
	return cmp_bytes(a->sig, a->sig_len, b->sig, b->sig_len);
}

uint64_t mb_blob_hash(const struct mb_blob *b)
{
	uint64_t h = mb_hidx_bytes(MB_HIDX_SEED, &b->kind, sizeof(b->kind));

	/* The fields mb_blob_cmp compares, padding left out as there. */
	if (b->kind == MB_BLOB_INVALIDATED)
		return mb_hidx_bytes(h, b->text, b->text_len);
	h = mb_hidx_bytes(h, b->data, b->data_len);
	return mb_hidx_bytes(h, b->sig, b->sig_len);
}

long mb_blob_chars(const struct mb_blob *b)
{
	uint32_t n = b->data_len;

	if (b->kind == MB_BLOB_CLEAR)
		n += MB_BLOB_PREFIX;
	else if (b->kind != MB_BLOB_DATA)
		return -1;
	if (n < MB_BLOB_PREFIX + 2 || n % 2)
		return -1;
	return (long)(n - MB_BLOB_PREFIX - 2) / 2;
}

enum mb_status mb_blob_session_info(const struct mb_blob *b,
				    struct mb_simpleblob *out,
				    struct mb_error *err)
{
	memset(out, 0, sizeof(*out));
	if (b->kind != MB_BLOB_SESSION)
		return mb_error_set(err, MB_ESECRET, "session key", NULL,
				    "SessionKey is not an IcKb blob");
	if (b->data_len < 12 + 8)
		return mb_error_set(err, MB_ESECRET, "session key", NULL,
				    "SIMPLEBLOB of %lu bytes is too short",
				    (unsigned long)b->data_len);
	out->type = b->data[0];
	out->version = b->data[1];
	out->key_alg = rd32(b->data + 4);
	out->wrap_alg = rd32(b->data + 8);
	out->wrapped = b->data + 12;
	out->wrapped_len = b->data_len - 12;
	if (out->type != 1)
		return mb_error_set(err, MB_ESECRET, "session key", NULL,
				    "blob type %u is not a SIMPLEBLOB (1)",
				    out->type);
	return MB_OK;
}

enum mb_status mb_blob_session_check(const struct mb_simpleblob *sb,
				     struct mb_error *err)
{
	if (sb->wrap_alg == MB_CALG_RSA_KEYX && sb->key_alg == MB_CALG_RC4)
		return MB_OK;
	if (sb->wrap_alg != MB_CALG_RSA_KEYX)
		return mb_error_set(err, MB_ESECRET, "session key", NULL,
				    "the session key is wrapped with algorithm "
				    "0x%04lx, not the machine's RSA exchange "
				    "key: this is a password-protected backup "
				    "or export. IIS derives that key from the "
				    "password by a scheme that is not public, "
				    "so only IIS can open it (iisback /restore "
				    "/e or iiscnfg /import /d with the "
				    "password)", (unsigned long)sb->wrap_alg);
	return mb_error_set(err, MB_ESECRET, "session key", NULL,
			    "session key algorithm 0x%04lx is not RC4 "
			    "(0x6801)", (unsigned long)sb->key_alg);
}

/* One code point from UTF-8; returns bytes used, 0 when invalid. */
static size_t utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t n, i;
	uint32_t c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
	if (!n || n > len || c >= 0xf8)
		return 0;
	c &= 0x3f >> (n - 1);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) ||
	    (n == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c < 0xe000))
		return 0;
	*cp = c;
	return n;
}

static int put16(struct mb_buf *out, uint32_t u)
{
	unsigned char b[2] = { (unsigned char)u, (unsigned char)(u >> 8) };

	return mb_buf_append(out, b, 2);
}

enum mb_status mb_blob_utf8_to_utf16(const char *s, size_t len,
				     struct mb_buf *out, struct mb_error *err)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;
	uint32_t cp;

	while (i < len) {
		k = utf8_next(p + i, len - i, &cp);
		if (!k)
			return mb_error_set(err, MB_EUSAGE, "encode", NULL,
					    "invalid UTF-8 at byte %zu", i);
		if (cp == 0)
			return mb_error_set(err, MB_EUSAGE, "encode", NULL,
					    "a NUL character cannot be stored");
		if (cp >= 0x10000) {
			cp -= 0x10000;
			put16(out, 0xd800 | cp >> 10);
			put16(out, 0xdc00 | (cp & 0x3ff));
		} else {
			put16(out, cp);
		}
		i += k;
	}
	put16(out, 0);
	if (mb_buf_failed(out))
		return mb_error_set(err, MB_EFILE, "encode", NULL,
				    "out of memory");
	return MB_OK;
}

static void put_utf8(struct mb_buf *out, uint32_t c)
{
	char b[4];
	size_t n;

	if (c < 0x80) {
		b[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		b[0] = (char)(0xc0 | c >> 6);
		b[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		b[0] = (char)(0xe0 | c >> 12);
		b[1] = (char)(0x80 | (c >> 6 & 0x3f));
		b[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | c >> 18);
		b[1] = (char)(0x80 | (c >> 12 & 0x3f));
		b[2] = (char)(0x80 | (c >> 6 & 0x3f));
		b[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	mb_buf_append(out, b, n);
}

static int unit_known(const unsigned char *known, size_t i)
{
	return !known || (known[i] && known[i + 1]);
}

int mb_blob_utf16_to_utf8(const unsigned char *p, size_t len,
			  const unsigned char *known, struct mb_buf *out)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		uint32_t u = p[i] | (uint32_t)p[i + 1] << 8, lo;

		if (!unit_known(known, i)) {
			mb_buf_putc(out, '?');
			continue;
		}
		if (u >= 0xd800 && u < 0xdc00 && i + 3 < len &&
		    unit_known(known, i + 2)) {
			lo = p[i + 2] | (uint32_t)p[i + 3] << 8;
			if (lo >= 0xdc00 && lo < 0xe000) {
				put_utf8(out, 0x10000 + ((u - 0xd800) << 10) +
						      (lo - 0xdc00));
				i += 2;
				continue;
			}
		}
		if ((u >= 0xd800 && u < 0xe000) || u == 0)
			u = '?';
		put_utf8(out, u);
	}
	return mb_buf_failed(out) ? -1 : 0;
}
