/* SPDX-License-Identifier: MIT */
/*
 * Messages: every error, warning and note mbtool writes to standard error
 * goes through this file, in one shape (after git's usage.c and curl's
 * tool_msgs.c):
 *
 *   mbtool: <what> '<subject>': <reason>
 *   mbtool: warning: <what> '<subject>': <reason>
 *   mbtool: note: <what> '<subject>': <reason>
 *
 * and without a subject "mbtool: <what>: <reason>". Commands do not print
 * their errors: they fill cli->err, and the per-file loop (fleet.c) or
 * main.c hands it here. The same text goes into --json output's "error"
 * object field by field (envelope.c).
 */
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"

static void format(struct mb_buf *b, const char *level,
		   const struct mb_error *e)
{
	mb_buf_puts(b, "mbtool: ");
	if (level)
		mb_buf_printf(b, "%s: ", level);
	if (e->subject[0])
		mb_buf_printf(b, "%s '%s': %s\n", e->what, e->subject,
			      e->reason);
	else
		mb_buf_printf(b, "%s: %s\n", e->what, e->reason);
}

void cli_error_text(struct mb_buf *b, const struct mb_error *e)
{
	format(b, NULL, e);
}

/* One write of the whole line: lines from parallel workers do not mix. */
static void put(const char *level, const struct mb_error *e)
{
	struct mb_buf b;

	mb_buf_init(&b);
	format(&b, level, e);
	if (b.len)
		fwrite(b.data, 1, b.len, stderr);
	fflush(stderr);
	mb_buf_release(&b);
}

void cli_error(const struct mb_error *e)
{
	put(NULL, e);
}

static void vput(const char *level, const char *what, const char *subject,
		 const char *fmt, va_list ap)
{
	struct mb_error e;

	mb_error_clear(&e);
	snprintf(e.what, sizeof(e.what), "%s", what);
	snprintf(e.subject, sizeof(e.subject), "%s", subject ? subject : "");
	vsnprintf(e.reason, sizeof(e.reason), fmt, ap);
	put(level, &e);
}

void cli_errorf(const char *what, const char *subject, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vput(NULL, what, subject, fmt, ap);
	va_end(ap);
}

void cli_warnf(const char *what, const char *subject, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vput("warning", what, subject, fmt, ap);
	va_end(ap);
}

void cli_notef(const char *what, const char *subject, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vput("note", what, subject, fmt, ap);
	va_end(ap);
}
