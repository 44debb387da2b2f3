/* SPDX-License-Identifier: MIT */
/*
 * Quoting for cmd.exe scripts and PowerShell (rules in
 * include/mb/shellquote.h).
 */
#include <stdlib.h>
#include <string.h>

#include "mb/buf.h"
#include "mb/shellquote.h"

static char *finish(struct mb_buf *b)
{
	if (mb_buf_failed(b)) {
		mb_buf_wipe(b);
		return NULL;
	}
	return mb_buf_detach(b, NULL);
}

/* One character that is neither '\\' nor '"'. */
static void cmd_char(struct mb_buf *b, char c, int inq)
{
	if (c == '%') {
		mb_buf_puts(b, "%%");
		return;
	}
	if (!inq && strchr("^&|<>()", c))
		mb_buf_putc(b, '^');
	mb_buf_putc(b, c);
}

static void backslashes(struct mb_buf *b, size_t n)
{
	while (n--)
		mb_buf_putc(b, '\\');
}

char *mb_shellquote_cmd(const char *s)
{
	struct mb_buf b;
	size_t bs = 0;
	int inq = 1; /* cmd.exe's quote state, after the opening '"' */

	mb_buf_init(&b);
	mb_buf_putc(&b, '"');
	for (; *s; s++) {
		if (*s == '\\') {
			bs++; /* how many depends on what follows */
			continue;
		}
		if (*s == '"') {
			backslashes(&b, 2 * bs + 1);
			mb_buf_putc(&b, '"');
			inq = !inq;
		} else {
			backslashes(&b, bs);
			cmd_char(&b, *s, inq);
		}
		bs = 0;
	}
	backslashes(&b, 2 * bs); /* so the closing '"' still delimits */
	mb_buf_putc(&b, '"');
	return finish(&b);
}

/* ' and U+2018..U+201B (E2 80 98..9B) all end a PowerShell '...'. */
static size_t ps_quote_len(const unsigned char *s)
{
	if (s[0] == '\'')
		return 1;
	if (s[0] == 0xe2 && s[1] == 0x80 && s[2] >= 0x98 && s[2] <= 0x9b)
		return 3;
	return 0;
}

char *mb_shellquote_ps(const char *s)
{
	struct mb_buf b;
	size_t q;

	mb_buf_init(&b);
	mb_buf_putc(&b, '\'');
	while (*s) {
		q = ps_quote_len((const unsigned char *)s);
		if (q) {
			mb_buf_append(&b, s, q);
			mb_buf_append(&b, s, q);
			s += q;
		} else {
			mb_buf_putc(&b, *s++);
		}
	}
	mb_buf_putc(&b, '\'');
	return finish(&b);
}

static int plain_word(const char *s)
{
	if (!*s || *s == '-')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("_-./\\:", *s)))
			return 0;
	return 1;
}

char *mb_shellquote_word(const char *s, int ps)
{
	if (plain_word(s))
		return strdup(s);
	return ps ? mb_shellquote_ps(s) : mb_shellquote_cmd(s);
}
