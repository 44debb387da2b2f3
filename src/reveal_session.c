/* SPDX-License-Identifier: MIT */
/* Reveal: the SessionKey, and machine-key mode (the exchange key given). */
#include <stdlib.h>

#include "reveal_priv.h"

static int session_md5(struct solver *s)
{
	const struct mb_blob *b = s->o->session;

	return b && b->kind == MB_BLOB_SESSION &&
	       mb_crypt_md5(b->data, b->data_len, s->session_md5, NULL) ==
		       MB_OK;
}

void mb_rv_machine_key(struct solver *s)
{
	struct mb_session_key sk;
	struct mb_error e;

	if (!s->o->exchange || !s->o->session || !s->L)
		return;
	mb_error_clear(&e);
	if (mb_crypt_session_unwrap(s->o->exchange, s->o->session, &sk, &e)) {
		mb_rv_note(s, "machine key not used: %s", e.reason);
		return;
	}
	s->mk = malloc(s->L);
	if (s->mk && mb_crypt_keystream(&sk, s->mk, s->L, &e)) {
		mb_rv_note(s, "machine key not used: %s", e.reason);
		free(s->mk);
		s->mk = NULL;
	}
	mb_crypt_session_wipe(&sk);
}

void mb_rv_session_setup(struct solver *s)
{
	struct mb_simpleblob sb;
	struct mb_error e;

	if (!s->o->session)
		return;
	mb_error_clear(&e);
	if (mb_blob_session_info(s->o->session, &sb, &e) != MB_OK) {
		mb_rv_note(s, "SessionKey unusable: %s", e.reason);
		return;
	}
	if (mb_blob_session_check(&sb, &e) != MB_OK) {
		s->password_protected = sb.wrap_alg != MB_CALG_RSA_KEYX;
		mb_rv_note(s, "%s", e.reason);
	}
	s->session_ok = session_md5(s);
}
