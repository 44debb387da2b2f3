/* SPDX-License-Identifier: MIT */
/* libFuzzer target: mb_blob_parse, then emit must give back the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mb/blob.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mb_blob b;
	struct mb_error err;

	memset(&b, 0, sizeof b);
	mb_error_clear(&err);
	if (mb_blob_parse((const char *)data, size, &b, &err) == MB_OK) {
		(void)mb_blob_chars(&b);
		(void)mb_blob_usable(&b, &err);
		if (b.kind == MB_BLOB_SESSION) {
			struct mb_simpleblob sb;
			if (mb_blob_session_info(&b, &sb, &err) == MB_OK)
				(void)mb_blob_session_check(&sb, &err);
		}
		(void)mb_blob_equal(&b, &b);
		mb_blob_free(&b);
	}
	mb_blob_free(&b);
	return 0;
}
