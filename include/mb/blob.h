/* SPDX-License-Identifier: MIT */
/*
 * Secure-value blobs: the hex text of an MS-IMSA IIS_CRYPTO_BLOB as IIS 6
 * stores it in MetaBase.xml (reference/secure-values.md section 2).
 *
 *   "IcDb" LE32 size LE32 n LE32 siglen | n data | pad | siglen signature
 *   "IcKb" (IIS_Global/SessionKey): same shape, data = a CryptoAPI SIMPLEBLOB
 *
 * mb_blob_parse() decodes and validates the text: every length field is
 * checked against the bytes present, so a damaged value (odd hex, a short or
 * inconsistent blob) gives a per-value error and never a crash. A
 * "NOLONGERVALID<hex>" value parses as an opaque MB_BLOB_INVALIDATED blob so
 * it can be kept and written back; mb_blob_usable() says why it cannot be
 * revealed. mb_blob_emit() writes the exact text that was read.
 *
 * No key is needed to compare values: IIS restarts RC4 for every value of a
 * file, so two values are equal exactly when their encrypted bytes and their
 * signatures are equal (mb_blob_equal, mb_blob_cmp for sorting into groups).
 *
 *   struct mb_blob b;
 *   if (mb_blob_parse(text, len, &b, &err) == MB_OK) {
 *           long chars = mb_blob_chars(&b);  (characters of a STRING value)
 *           mb_blob_free(&b);
 *   }
 */
#ifndef MB_BLOB_H
#define MB_BLOB_H

#include <stddef.h>
#include <stdint.h>

#include "mb/buf.h"
#include "mb/err.h"

#define MB_BLOB_MAGIC_DATA    0x62446349u /* "IcDb" ENCRYPTED_DATA_BLOB */
#define MB_BLOB_MAGIC_SESSION 0x624b6349u /* "IcKb" SESSION_KEY_BLOB */
#define MB_BLOB_MAGIC_CLEAR   0x62436349u /* "IcCb" CLEARTEXT_DATA_BLOB */
#define MB_BLOB_MAGIC_PUBKEY  0x62506349u /* "IcPb" wire only */
#define MB_BLOB_MAGIC_HASH    0x62486349u /* "IcHb" wire only */

/* Bytes of the zero prefix IIS puts before every encrypted value. */
#define MB_BLOB_PREFIX 4u

enum mb_blob_kind {
	MB_BLOB_DATA = 0,    /* IcDb: encrypted and signed value */
	MB_BLOB_SESSION,     /* IcKb: wrapped session key */
	MB_BLOB_CLEAR,       /* IcCb: value in clear (never seen on disk) */
	MB_BLOB_INVALIDATED, /* "NOLONGERVALID..." marker: opaque */
};

enum mb_hex_case { MB_HEX_LOWER = 0, MB_HEX_UPPER, MB_HEX_MIXED };

struct mb_blob {
	enum mb_blob_kind kind;
	enum mb_hex_case hex_case; /* (beside kind: no padding, a file has
				      tens of thousands of blobs) */
	unsigned char *raw;        /* decoded bytes (after NOLONGERVALID) */
	size_t raw_len;
	uint32_t body_len;         /* BlobDataLength: raw_len - 8 */
	uint32_t data_len;         /* n: encrypted bytes incl. the prefix */
	uint32_t sig_len;          /* 64 for RSA-512 */
	uint32_t pad_len;          /* (8 - n % 8) % 8 */
	const unsigned char *data; /* n bytes inside raw */
	const unsigned char *pad;  /* pad_len bytes: garbage, not signed */
	const unsigned char *sig;  /* signature, byte-reversed as stored */
	char *text;                /* original text when not rebuildable */
	size_t text_len;
};

/* A parsed CryptoAPI SIMPLEBLOB (the data of an IcKb blob). */
struct mb_simpleblob {
	uint8_t type;              /* 1 = SIMPLEBLOB */
	uint8_t version;           /* 2 */
	uint32_t key_alg;          /* 0x6801 CALG_RC4 */
	uint32_t wrap_alg;         /* 0xa400 CALG_RSA_KEYX */
	const unsigned char *wrapped; /* RSA block, little-endian */
	size_t wrapped_len;
};

#define MB_CALG_RC4      0x6801u
#define MB_CALG_RSA_KEYX 0xa400u
#define MB_CALG_RSA_SIGN 0x2400u
/* IIS 6's signature length (RSA-512); blobs with any other are damaged. */
#define MB_BLOB_SIG_LEN 64u

/* Hex codec. Decoding accepts either case and rejects odd or bad digits. */
enum mb_status mb_blob_hex_decode(const char *hex, size_t len,
				  unsigned char **out, size_t *out_len,
				  struct mb_error *err);
int mb_blob_hex_encode(struct mb_buf *out, const unsigned char *p, size_t n,
		       int upper);

/* Parse the text of a secure attribute (as read from the file). */
enum mb_status mb_blob_parse(const char *text, size_t len, struct mb_blob *out,
			     struct mb_error *err);
/* Parse decoded bytes (an IcDb/IcKb/IcCb blob); hex case becomes lower. */
enum mb_status mb_blob_from_bytes(const unsigned char *raw, size_t len,
				  struct mb_blob *out, struct mb_error *err);
/*
 * Build a new IcDb (kind MB_BLOB_DATA) or IcKb (MB_BLOB_SESSION) blob from
 * its data and stored signature; padding is written as zeros.
 */
enum mb_status mb_blob_build(enum mb_blob_kind kind, const unsigned char *data,
			     uint32_t n, const unsigned char *sig,
			     uint32_t sig_len, struct mb_blob *out,
			     struct mb_error *err);
/* Append the blob's text, byte-identical to what was parsed. */
int mb_blob_emit(const struct mb_blob *b, struct mb_buf *out);
/* Wipe and free; the struct is left empty (safe to free twice). */
void mb_blob_free(struct mb_blob *b);

/* MB_OK when the blob holds an encrypted value that reveal can work on. */
enum mb_status mb_blob_usable(const struct mb_blob *b, struct mb_error *err);

/* Keyless equality: same n, same encrypted bytes, same signature. */
int mb_blob_equal(const struct mb_blob *a, const struct mb_blob *b);
/* Total order consistent with mb_blob_equal (for grouping by qsort). */
int mb_blob_cmp(const struct mb_blob *a, const struct mb_blob *b);
/* A hash consistent with mb_blob_equal (for grouping by hash index). */
uint64_t mb_blob_hash(const struct mb_blob *b);
/* Characters of a STRING value ((n - 6) / 2), or -1 if not string-shaped. */
long mb_blob_chars(const struct mb_blob *b);

/* The SIMPLEBLOB inside a SessionKey blob. */
enum mb_status mb_blob_session_info(const struct mb_blob *b,
				    struct mb_simpleblob *out,
				    struct mb_error *err);
/*
 * MB_OK when the session key is wrapped by the machine's RSA exchange key
 * (as in a live MetaBase.xml). Otherwise MB_ESECRET explaining that the file
 * is a password-protected backup or export, whose scheme is not public.
 */
enum mb_status mb_blob_session_check(const struct mb_simpleblob *sb,
				     struct mb_error *err);

/*
 * Value encodings. UTF-8 to UTF-16LE with the terminating NUL (what IIS
 * encrypts after the prefix); and back, with '?' for characters whose bytes
 * are not all known (known may be NULL: all known) or not valid UTF-16.
 */
enum mb_status mb_blob_utf8_to_utf16(const char *s, size_t len,
				     struct mb_buf *out, struct mb_error *err);
int mb_blob_utf16_to_utf8(const unsigned char *p, size_t len,
			  const unsigned char *known, struct mb_buf *out);

#endif
