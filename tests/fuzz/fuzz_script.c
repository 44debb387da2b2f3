/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the command-script reader (mb_script_next), as batch
 * uses it, with the properties a caller relies on checked.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mb/script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every word lies inside the buffer and no longer than the line. */
static void check_line(const struct mb_script *s, long prev)
{
	size_t linelen = strlen(s->line), total = 0;

	if (s->lineno <= prev || !linelen || s->line[0] == '#' ||
	    s->argv[s->argc] != NULL)
		abort();
	for (int i = 0; i < s->argc; i++)
		total += strlen(s->argv[i]) + 1;
	if (total > linelen + 1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mb_script s;
	struct mb_error err;
	long prev = 0;
	enum mb_status st;

	mb_script_init(&s, (const char *)data, size);
	mb_error_clear(&err);
	while ((st = mb_script_next(&s, &err)) == MB_OK && s.argc) {
		check_line(&s, prev);
		prev = s.lineno;
		/* the words are the caller's to write to */
		for (int i = 0; i < s.argc; i++)
			memset(s.argv[i], 'x', strlen(s.argv[i]));
	}
	/* an error names its line and ends the script (MB_EFILE: memory) */
	if (st == MB_EUSAGE && (err.line != s.lineno ||
				mb_script_next(&s, &err) != MB_OK || s.argc))
		abort();
	mb_script_release(&s);
	return 0;
}
