/* SPDX-License-Identifier: MIT */
/*
 * Writing a metabase back, safely: an exclusive lock (FILE.lock, lock.c),
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
 * write that was killed (SIGKILL, power loss) are removed by the next
 * successful write: only this user's files named .BASE.mbtool-PID-XXXXXX
 * whose PID is gone. A read-only file (no write bit) is refused unless
 * force; backups beyond keep_backups are pruned, oldest first.
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
	int break_lock;           /* remove a lock nobody holds that is not
				     plainly stale (another host's, one not
				     made by mbtool); a held one never */
	int force;                /* write a read-only (no w bit) file too */
	int keep_backups;         /* mbtool backups kept of the file, the new
				     one included; 0: MB_WRITE_KEEP_BACKUPS */
	unsigned new_mode;        /* mode of a file that did not exist; 0:
				     0666 & ~umask */
	/*
	 * With old == NULL: the caller read the file but has since freed its
	 * bytes to save memory; the file must still be the new bytes with
	 * these edits undone (mb_edits_undo: mb_doc_splice made the new
	 * bytes, mb_edits_keep_old kept what they replace), compared byte
	 * for byte under the lock. Not with dry_run.
	 */
	const struct mb_edits *undo;
};

/*
 * All n bytes to fd, retrying after EINTR and short writes: 0, or -1 with
 * errno (ENOSPC when the system wrote nothing). The one such loop for the
 * program's other files (cache, scripts, reports, worker pipes).
 */
int mb_write_all(int fd, const void *p, size_t n);

/* Backups of one file that a write keeps by default (oldest pruned). */
#define MB_WRITE_KEEP_BACKUPS 10

struct mb_write_result {
	char backup[4096];        /* path of the backup made, or "" */
	int changed;              /* the new bytes differ from the old */
	int pruned;               /* older mbtool backups removed */
	char note[4400];          /* what the user should know ("" if none):
				     a stale lock taken over */
};

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
 * The lock alone, for callers that need it around more than one write
 * (lock.c): FILE.lock, holding "PID HOST" from the moment it has that
 * name, and an flock(2) for as long as this process holds it. When it is
 * held, err names the holder. A lock whose flock is free and whose process
 * is gone on this host is taken over, saying so in note (nn bytes; NULL
 * for none); break_lock also takes over one that nobody holds but that is
 * not plainly stale. A lock in use is never broken. *lockpath (malloc'd)
 * goes to mb_write_unlock.
 */
enum mb_status mb_write_lock(const char *path, int break_lock,
			     char **lockpath, char *note, size_t nn,
			     struct mb_error *err);
void mb_write_unlock(char *lockpath);

/*
 * Remove the locks and temp files this process holds now: for signal
 * handlers (async-signal-safe) and atexit. A program that writes calls it
 * when it is stopped, so a SIGINT, SIGTERM or SIGHUP leaves no lock.
 */
void mb_write_cleanup(void);

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

#endif
