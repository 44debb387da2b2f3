/* SPDX-License-Identifier: MIT */
/*
 * Error reporting for libmb.
 *
 * The library never prints and never exits. Every fallible function returns
 * an enum mb_status and, when it fails, fills a struct mb_error supplied by
 * the caller. The status values are the exit codes of SPEC section 2, so the
 * command-line tool can return them as they are. Only the CLI turns an error
 * into the line "mbtool: <what> '<subject>': <reason>".
 */
#ifndef MB_ERR_H
#define MB_ERR_H

#include <stddef.h>

enum mb_status {
	MB_OK = 0,
	MB_EFOUND = 1,   /* doctor found problems: not a failure of the tool */
	MB_EUSAGE = 2,   /* bad arguments */
	MB_ENOTSET = 3,  /* property not set at this node (get --local) */
	MB_ENOPATH = 4,  /* key path not found */
	MB_EPROP = 5,    /* unknown property, or not allowed at that key */
	MB_EFILE = 6,    /* file cannot be read, parsed or written */
	MB_ESECRET = 7,  /* a secure value could not be recovered */
	MB_EDECLINED = 8, /* the user answered no to a confirmation */
};

struct mb_error {
	enum mb_status status;
	char what[64];      /* the operation: "parse", "get", "write", ... */
	char subject[1024]; /* what it was applied to: a file[:line], a path */
	char reason[1024];  /* why, and what to do about it */
	long line;          /* line in the file for parse errors, else 0 */
};

/* Reset to "no error". */
void mb_error_clear(struct mb_error *err);

/*
 * Fill err (which may be NULL) and return st, so that a failing function can
 * end with "return mb_error_set(...)". subject may be NULL.
 */
enum mb_status mb_error_set(struct mb_error *err, enum mb_status st,
			    const char *what, const char *subject,
			    const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* As mb_error_set, with a line number for parse errors. */
enum mb_status mb_error_set_line(struct mb_error *err, enum mb_status st,
				 const char *what, const char *file, long line,
				 const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

#endif
