/* SPDX-License-Identifier: MIT */
/*
 * Reading a command script (what `mbtool batch` runs): one command per
 * line, split into words.
 *
 *  - Lines end with LF; a CR before it (CRLF) and blanks around the line
 *    are ignored.
 *  - Blank lines, and lines whose first non-blank character is #, are
 *    skipped (a # later in a line is an ordinary character).
 *  - Words are separated by spaces and tabs. '...' quotes everything up to
 *    the next '; "..." too, except that \" and \\ inside it stand for " and
 *    \. A backslash anywhere else is an ordinary character, so W3SVC\1 is
 *    a path. Quoted and unquoted parts join into one word: a"b c"d is
 *    "ab cd". "" is an empty word.
 *  - An unterminated quote, and a NUL byte anywhere in the script (it is
 *    not a text file), are errors naming the line.
 * Lines have no length limit. The text is not modified.
 */
#ifndef MB_SCRIPT_H
#define MB_SCRIPT_H

#include <stddef.h>

#include "mb/err.h"

struct mb_script {
	/* the command last returned by mb_script_next */
	long lineno;          /* 1-based line number */
	const char *line;     /* the line, without its surrounding blanks */
	int argc;             /* number of words; 0 at the end */
	char **argv;          /* the words (writable), argv[argc] == NULL */

	/* private */
	const char *text;
	size_t len, pos;
	char *buf;            /* line, then the words, NUL-separated */
	size_t bufcap;
	size_t argvcap;
};

void mb_script_init(struct mb_script *s, const char *text, size_t len);

/*
 * Move to the next command. MB_OK with s->argc > 0 (the command), or with
 * s->argc == 0 when the script has no more; MB_EUSAGE with err filled for
 * an unterminated quote or a NUL byte (s->lineno and s->line say where);
 * MB_EFILE when out of memory. After an error the script stays at the
 * end.
 */
enum mb_status mb_script_next(struct mb_script *s, struct mb_error *err);

void mb_script_release(struct mb_script *s);

#endif
