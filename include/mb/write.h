/* SPDX-License-Identifier: MIT */
/*
 * Writing a metabase back, safely: an exclusive lock (FILE.lock, O_EXCL),
 * the new bytes in a temp file in the same folder, fsync, rename over the
 * original, fsync of the folder; a backup of the previous file
 * (FILE.mbtool-<UTC time>.bak) unless no_backup; the original's mode and
 * owner kept. On any failure the original is untouched and no temp or lock
 * file is left behind. With dry_run nothing is written: a unified diff of
 * the change goes into opts->diff.
 *
 * A symlink is written through: its target is replaced (temp file, backup
 * and lock next to the target), the link stays; a link to nothing is
 * refused. A file that another program replaced or changed while mbtool
 * wrote it is left as it is and the write is refused. Temp files left by a
 * write that was killed are named in the stale-lock error and removed by
 * the next successful write.
 */
#ifndef MB_WRITE_H
#define MB_WRITE_H

#include <sys/types.h>

#include "mb/buf.h"
#include "mb/doc.h"
#include "mb/err.h"
#include "mb/splice.h"

struct mb_write_opts {
	int dry_run;
	int no_backup;
	struct mb_buf *diff;      /* dry-run output (unified diff) */
	int break_lock;           /* remove a stale lock (its owner is gone) */
	unsigned new_mode;        /* mode of a file that did not exist; 0:
				     0666 & ~umask */
	/*
	 * With old == NULL: the caller read the file but has since freed its
	 * bytes to save memory; it must still be oldlen bytes with this
	 * SHA-256 (mb_write_sha256). Not with dry_run (a diff needs them).
	 */
	const unsigned char *old_sha256;
};

/*
 * All n bytes to fd, retrying after EINTR and short writes: 0, or -1 with
 * errno (ENOSPC when the system wrote nothing). The one such loop for the
 * program's other files (cache, scripts, reports, worker pipes).
 */
int mb_write_all(int fd, const void *p, size_t n);

/* SHA-256 of data, for mb_write_opts.old_sha256. 0, or -1 on failure. */
int mb_write_sha256(const char *data, size_t len, unsigned char out[32]);

struct mb_write_result {
	char backup[4096];        /* path of the backup made, or "" */
	int changed;              /* the new bytes differ from the old */
};

/* Apply edits to doc's bytes and write them to doc->path. */
enum mb_status mb_write_file(const struct mb_doc *doc, struct mb_edits *e,
			     const struct mb_write_opts *opts,
			     struct mb_write_result *res,
			     struct mb_error *err);

/* Write bytes to a path atomically (same lock/temp/fsync/rename rules). */
enum mb_status mb_write_bytes(const char *path, const char *data, size_t len,
			      const struct mb_write_opts *opts,
			      struct mb_write_result *res,
			      struct mb_error *err);

/*
 * Replace path, whose content must still be old (checked under the lock):
 * a file changed by someone else since it was read is refused, not
 * overwritten. With dry_run, the diff is of old and data.
 */
enum mb_status mb_write_replace(const char *path, const char *old,
				size_t oldlen, const char *data, size_t len,
				const struct mb_write_opts *opts,
				struct mb_write_result *res,
				struct mb_error *err);

/*
 * The lock alone, for callers that need it around more than one write:
 * FILE.lock made with O_EXCL, holding "PID HOST". When it is held, err
 * names the holder; a lock whose process is gone is "stale" and is removed
 * only with break_stale. *lockpath (malloc'd) goes to mb_write_unlock.
 */
enum mb_status mb_write_lock(const char *path, int break_stale,
			     char **lockpath, struct mb_error *err);
void mb_write_unlock(char *lockpath);

/*
 * The system calls a write goes through, so that tests can inject
 * failures (a full disk, a failing fsync or rename) without root. NULL
 * members, or io NULL, mean the real calls. Process-wide: set it before
 * writing, from one thread.
 */
struct mb_write_io {
	ssize_t (*write)(int fd, const void *buf, size_t n);
	int (*fsync)(int fd);
	int (*rename)(const char *from, const char *to);
	int (*link)(const char *from, const char *to);
};
void mb_write_set_io(const struct mb_write_io *io);

/* A unified diff of two texts, with a/ b/ names, into out. */
void mb_write_diff(struct mb_buf *out, const char *name, const char *a,
		   size_t alen, const char *b, size_t blen);

#endif
