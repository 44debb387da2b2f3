/* SPDX-License-Identifier: MIT */
/*
 * Writing secure values with the server's machine keys (SPEC 4.4).
 *
 * With the exported private keys of the IIS machine key container, a new
 * value can be made exactly as IIS makes it: the file's RC4 session key is
 * unwrapped from IIS_Global/SessionKey with the exchange key, the value is
 * encrypted with it and signed with the signing key (crypt.h). Before
 * anything is written the keys are proven to be this file's: the
 * SessionKey must unwrap, its signature must verify under the signing key,
 * and every value the file already holds must decrypt with a zero prefix
 * and verify (mb_mkey_check). Keys from another machine are refused with
 * MB_ESECRET and a reason that says so; nothing is printed.
 *
 *   struct mb_mkey *mk;
 *   if (mb_mkey_open_doc(exchange, signing, doc, &mk, &err) == MB_OK) {
 *           mb_mkey_string(mk, "new password", &hex, &err);
 *           mb_mkey_free(mk);   (wipes the session key)
 *   }
 */
#ifndef MB_MKEY_H
#define MB_MKEY_H

#include "mb/blob.h"
#include "mb/buf.h"
#include "mb/crypt.h"
#include "mb/doc.h"
#include "mb/err.h"

struct mb_mkey;

/*
 * Both keys must be private and stay alive until mb_mkey_free. session is
 * the parsed IIS_Global/SessionKey (NULL: the file has none, an error).
 */
enum mb_status mb_mkey_open(const struct mb_rsakey *exchange,
			    const struct mb_rsakey *signing,
			    const struct mb_blob *session,
			    struct mb_mkey **out, struct mb_error *err);
/*
 * The keys opened against doc's own SessionKey, then proven on every
 * encrypted value doc holds: the first that does not decrypt and verify
 * refuses the keys (MB_ESECRET; err's subject is "PATH/PROP", its reason
 * says why). A file with no value but the SessionKey is proven by the
 * SessionKey alone.
 */
enum mb_status mb_mkey_open_doc(const struct mb_rsakey *exchange,
				const struct mb_rsakey *signing,
				const struct mb_doc *doc,
				struct mb_mkey **out, struct mb_error *err);
/* MB_OK when value decrypts under the session key and its signature
 * verifies under the signing key; MB_ESECRET (with why) otherwise. */
enum mb_status mb_mkey_check(const struct mb_mkey *mk,
			     const struct mb_blob *value,
			     struct mb_error *err);
/*
 * Encrypt and sign a string value (UTF-8 in; stored UTF-16LE + NUL) and
 * append the attribute text (lower-case hex of the IcDb blob) to hex. The
 * new blob is checked with mb_mkey_check before it is handed out.
 */
enum mb_status mb_mkey_string(const struct mb_mkey *mk, const char *utf8,
			      struct mb_buf *hex, struct mb_error *err);
void mb_mkey_free(struct mb_mkey *mk);

#endif
