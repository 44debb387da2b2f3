/* SPDX-License-Identifier: MIT */
/*
 * The test keys of tests/keys for cmocka tests (include after cmocka.h):
 * key_path("signing.pem") is the file, load("signing.pem") the loaded key
 * (the test fails when it cannot be read). MB_SRCDIR comes from meson.
 */
#ifndef MB_TESTKEYS_H
#define MB_TESTKEYS_H

#include <stdio.h>
#include <stdlib.h>

#include "mb/crypt.h"

static inline const char *key_path(const char *name)
{
	static char path[4096];
	const char *src = getenv("MB_SRCDIR");

	snprintf(path, sizeof(path), "%s/tests/keys/%s", src ? src : ".",
		 name);
	return path;
}

static inline struct mb_rsakey *load(const char *name)
{
	struct mb_rsakey *k = NULL;
	struct mb_error e;

	if (mb_crypt_key_load(key_path(name), &k, &e) != MB_OK)
		fail_msg("%s: %s", name, e.reason);
	return k;
}

#endif
