/* SPDX-License-Identifier: MIT */
/*
 * What write.c (the atomic write) and lock.c (the lock, the clean-up of
 * what a stopped write leaves) share. Private to the library.
 */
#ifndef MB_WRITE_PRIV_H
#define MB_WRITE_PRIV_H

#include <limits.h>
#include <signal.h>
#include <stddef.h>

/* The real file (symlinks resolved, so the link survives) and its folder. */
struct mb_target {
	char path[PATH_MAX];
	char dir[PATH_MAX];
	const char *base;
};

/* t->dir and t->base from t->path. */
void mb_target_split(struct mb_target *t);

/* Why a folder refused a file, for the end of a message ("" if no hint). */
const char *mb_write_dir_hint(int e);

/*
 * The name of a temp file of this process next to path:
 * DIR/.BASE.mbtool-PID-XXXXXX (for mkstemp). The PID and the owner are
 * what tell a temp file of a dead mbtool from anyone else's file. 0, or
 * -1 when it does not fit.
 */
int mb_write_temp_name(const char *path, char *out, size_t n);

/*
 * Remove the temp files that dead mbtools of this user left next to path
 * (only under the lock); the first one's path into first (may be NULL).
 * Returns how many there were (with remove 0: how many would go).
 */
int mb_write_strays(const char *path, int remove, char *first, size_t n);

/*
 * Paths that mb_write_cleanup removes when the process is stopped: the
 * lock and the temp files while they exist. add returns a slot (or -1
 * when full: the path is then simply not cleaned up), del frees it.
 */
int mb_clean_add(const char *path);
void mb_clean_del(int slot);

/*
 * SIGINT, SIGTERM and SIGHUP held back while a file comes into being and
 * is registered (or is removed and unregistered): a handler in between
 * would leave it, or remove a name that is no longer ours.
 */
void mb_signals_hold(sigset_t *old);
void mb_signals_release(const sigset_t *old);

#endif
