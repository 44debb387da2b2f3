/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mb/err.h"

void mb_error_clear(struct mb_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

static enum mb_status fill(struct mb_error *err, enum mb_status st,
			   const char *what, const char *subject, long line,
			   const char *fmt, va_list ap)
{
	if (!err)
		return st;
	err->status = st;
	err->line = line;
	snprintf(err->what, sizeof(err->what), "%s", what ? what : "");
	if (subject && line > 0)
		snprintf(err->subject, sizeof(err->subject), "%s:%ld",
			 subject, line);
	else
		snprintf(err->subject, sizeof(err->subject), "%s",
			 subject ? subject : "");
	vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
	return st;
}

enum mb_status mb_error_set(struct mb_error *err, enum mb_status st,
			    const char *what, const char *subject,
			    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fill(err, st, what, subject, 0, fmt, ap);
	va_end(ap);
	return st;
}

enum mb_status mb_error_set_line(struct mb_error *err, enum mb_status st,
				 const char *what, const char *file, long line,
				 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fill(err, st, what, file, line, fmt, ap);
	va_end(ap);
	return st;
}
