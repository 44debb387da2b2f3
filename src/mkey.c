/* SPDX-License-Identifier: MIT */
/*
 * Machine-key writes: unwrap, prove the keys belong to the file, encrypt
 * and sign new values (include/mb/mkey.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mb/mkey.h"
#include "mb/secrets.h"

struct mb_mkey {
	const struct mb_rsakey *signing;
	struct mb_session_key sk;
};

static enum mb_status need_private(const struct mb_rsakey *k,
				   const char *which, const char *use,
				   struct mb_error *err)
{
	if (k && mb_crypt_key_is_private(k))
		return MB_OK;
	return mb_error_set(err, MB_EUSAGE, "machine key", NULL,
			    "the %s key must be the private key (PVK or PEM "
			    "exported from the server's machine key "
			    "container) to %s", which, use);
}

/*
 * A backup or export protected by a password is said so; any other failure
 * (no PKCS#1 block, a block not below the modulus: which one is chance)
 * means one thing, said one way.
 */
static enum mb_status unwrap(const struct mb_rsakey *exchange,
			     const struct mb_blob *session,
			     struct mb_session_key *sk, struct mb_error *err)
{
	struct mb_simpleblob sb;
	enum mb_status st;

	st = mb_blob_session_info(session, &sb, err);
	if (!st)
		st = mb_blob_session_check(&sb, err);
	if (st)
		return st;
	if (mb_crypt_session_unwrap(exchange, session, sk, NULL) == MB_OK)
		return MB_OK;
	return mb_error_set(err, MB_ESECRET, "machine key", NULL,
			    "the exchange key does not unwrap the "
			    "SessionKey: it is not the exchange key of the "
			    "machine that wrote this file");
}

enum mb_status mb_mkey_open(const struct mb_rsakey *exchange,
			    const struct mb_rsakey *signing,
			    const struct mb_blob *session,
			    struct mb_mkey **out, struct mb_error *err)
{
	struct mb_mkey *mk;
	enum mb_status st;

	*out = NULL;
	st = need_private(exchange, "exchange", "unwrap the SessionKey", err);
	if (!st)
		st = need_private(signing, "signing", "sign new values", err);
	if (st)
		return st;
	if (!session)
		return mb_error_set(err, MB_ESECRET, "machine key", NULL,
				    "the file has no IIS_Global/SessionKey, "
				    "so there is no session key to encrypt "
				    "with");
	mk = calloc(1, sizeof(*mk));
	if (!mk)
		return mb_error_set(err, MB_EFILE, "machine key", NULL,
				    "out of memory");
	mk->signing = signing;
	st = unwrap(exchange, session, &mk->sk, err);
	if (!st && mb_crypt_blob_verify(mb_crypt_key_pub(signing), session,
					NULL, NULL))
		st = mb_error_set(err, MB_ESECRET, "machine key", NULL,
				  "the signing key does not verify the "
				  "SessionKey's signature: it is not the "
				  "signing key of the machine that wrote this "
				  "file");
	if (st) {
		mb_mkey_free(mk);
		return st;
	}
	*out = mk;
	return MB_OK;
}

enum mb_status mb_mkey_check(const struct mb_mkey *mk,
			     const struct mb_blob *value,
			     struct mb_error *err)
{
	struct mb_buf plain;
	int verified = 0;
	enum mb_status st;

	if (value->kind != MB_BLOB_DATA)
		return mb_error_set(err, MB_ESECRET, "machine key", NULL,
				    "not an encrypted value (IcDb) blob");
	mb_buf_init(&plain);
	st = mb_crypt_value_decrypt(&mk->sk, value,
				    mb_crypt_key_pub(mk->signing), &plain,
				    &verified, err);
	mb_buf_wipe(&plain);
	if (!st && !verified)
		st = mb_error_set(err, MB_ESECRET, "machine key", NULL,
				  "its signature does not verify under the "
				  "signing key: the key is another machine's, "
				  "or the value is damaged");
	return st;
}

/* Every value the file holds must decrypt and verify: the same machine. */
static enum mb_status check_values(const struct mb_secrets *s,
				   const struct mb_mkey *mk,
				   struct mb_error *err)
{
	struct mb_error e;
	char where[1200];
	size_t i;

	for (i = 0; i < s->n; i++) {
		const struct mb_secret *v = &s->v[i];

		if (!v->ok || v->blob.kind != MB_BLOB_DATA ||
		    mb_mkey_check(mk, &v->blob, &e) == MB_OK)
			continue;
		snprintf(where, sizeof(where), "%s%s%s", v->label,
			 *v->label ? "/" : "", v->prop);
		return mb_error_set(err, MB_ESECRET, "machine key", where,
				    "%s; refusing to add a value this file's "
				    "machine would not accept", e.reason);
	}
	return MB_OK;
}

enum mb_status mb_mkey_open_doc(const struct mb_rsakey *exchange,
				const struct mb_rsakey *signing,
				const struct mb_doc *doc,
				struct mb_mkey **out, struct mb_error *err)
{
	struct mb_secrets s;
	enum mb_status st;

	*out = NULL;
	memset(&s, 0, sizeof(s));
	st = (enum mb_status)mb_secrets_gather(doc, &s, err);
	if (!st)
		st = mb_mkey_open(exchange, signing, mb_secrets_session(&s),
				  out, err);
	if (!st)
		st = check_values(&s, *out, err);
	if (st) {
		mb_mkey_free(*out);
		*out = NULL;
	}
	mb_secrets_free(&s);
	return st;
}

enum mb_status mb_mkey_string(const struct mb_mkey *mk, const char *utf8,
			      struct mb_buf *hex, struct mb_error *err)
{
	struct mb_blob b;
	enum mb_status st;

	st = mb_crypt_string_encrypt(&mk->sk, mk->signing, utf8, &b, err);
	if (st)
		return st;
	st = mb_mkey_check(mk, &b, err);
	if (!st && mb_blob_emit(&b, hex))
		st = mb_error_set(err, MB_EFILE, "machine key", NULL,
				  "out of memory");
	mb_blob_free(&b);
	return st;
}

void mb_mkey_free(struct mb_mkey *mk)
{
	if (!mk)
		return;
	mb_crypt_session_wipe(&mk->sk);
	OPENSSL_cleanse(mk, sizeof(*mk));
	free(mk);
}
