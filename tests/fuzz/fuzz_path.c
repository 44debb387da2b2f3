/* SPDX-License-Identifier: MIT */
/* libFuzzer target: mb_path_parse with and without MB_PATH_PROP. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mb/path.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';  /* argv strings: stop at the first NUL */
	for (unsigned flags = 0; flags <= MB_PATH_PROP; flags++) {
		struct mb_path p;
		struct mb_error err;
		memset(&p, 0, sizeof p);
		mb_error_clear(&err);
		if (mb_path_parse(s, flags, &p, &err) == MB_OK) {
			if (p.location)
				(void)mb_path_display(p.location);
			mb_path_release(&p);
		}
	}
	free(s);
	return 0;
}
