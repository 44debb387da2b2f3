/* SPDX-License-Identifier: MIT */
/*
 * Quoting for POSIX sh, cmd.exe and PowerShell, and the names each one
 * refuses (rules in include/mb/shellquote.h).
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
static void cmd_char(struct mb_buf *b, char c, int inq, int script)
{
	if (c == '%' && script) {
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

static char *cmd_quote(const char *s, int script)
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
			cmd_char(&b, *s, inq, script);
		}
		bs = 0;
	}
	backslashes(&b, 2 * bs); /* so the closing '"' still delimits */
	mb_buf_putc(&b, '"');
	return finish(&b);
}

char *mb_shellquote_cmd(const char *s)
{
	return cmd_quote(s, 1);
}

char *mb_shellquote_sh(const char *s)
{
	struct mb_buf b;

	mb_buf_init(&b);
	mb_buf_putc(&b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			mb_buf_puts(&b, "'\\''");
		else
			mb_buf_putc(&b, *s);
	}
	mb_buf_putc(&b, '\'');
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

const char *mb_shellquote_shell_name(enum mb_shell sh)
{
	switch (sh) {
	case MB_SHELL_SH:
		return "sh";
	case MB_SHELL_PS:
		return "PowerShell";
	default:
		return "cmd.exe";
	}
}

const char *mb_shellquote_refusal(enum mb_shell sh, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	for (; *u; u++) {
		/* One test for the bytes that pass (every note is checked). */
		if (*u >= 0x20 && *u != 0x7f && *u != '%')
			continue;
		if (*u == '\n' || *u == '\r')
			return "holds a line break, which ends the command";
		if (*u < 0x20 || *u == 0x7f)
			return "holds a control character, which a pasted "
			       "line cannot carry";
		if (*u == '%' && sh == MB_SHELL_CMDLINE)
			return "holds a '%', which nothing escapes inside "
			       "quotes at the cmd.exe prompt";
	}
	return NULL;
}

char *mb_shellquote(enum mb_shell sh, const char *s)
{
	if (mb_shellquote_refusal(sh, s))
		return NULL;
	switch (sh) {
	case MB_SHELL_SH:
		return mb_shellquote_sh(s);
	case MB_SHELL_PS:
		return mb_shellquote_ps(s);
	case MB_SHELL_CMDLINE:
		return cmd_quote(s, 0);
	default:
		return cmd_quote(s, 1);
	}
}

/* Characters no shell gives a meaning to (\ only on Windows). */
static int plain_word(enum mb_shell sh, const char *s)
{
	if (!*s || *s == '-')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("_-./:", *s) ||
		      (*s == '\\' && sh != MB_SHELL_SH)))
			return 0;
	return 1;
}

char *mb_shellquote_word(enum mb_shell sh, const char *s)
{
	if (plain_word(sh, s))
		return strdup(s);
	return mb_shellquote(sh, s);
}

char *mb_shellquote_show(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	struct mb_buf b;

	mb_buf_init(&b);
	for (; *u; u++) {
		if (*u == '\n')
			mb_buf_puts(&b, "\\n");
		else if (*u == '\r')
			mb_buf_puts(&b, "\\r");
		else if (*u == '\t')
			mb_buf_puts(&b, "\\t");
		else if (*u < 0x20 || *u == 0x7f)
			mb_buf_printf(&b, "\\x%02x", *u);
		else
			mb_buf_putc(&b, (char)*u);
	}
	return finish(&b);
}
