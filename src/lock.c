/* SPDX-License-Identifier: MIT */
/*
 * The write lock (FILE.lock) and what a stopped write leaves behind.
 *
 * A lock is made whole before it has its name: a temp file gets "PID HOST"
 * and an flock(2) held for as long as the lock is, then link(2) gives it
 * the name FILE.lock (which fails if the name exists). So whoever sees
 * FILE.lock sees its owner, and the flock tells a live owner from a dead
 * one even when the PID was reused: the kernel drops it when the process
 * dies, however it dies.
 *
 * A lock whose flock is free and whose PID is gone on this host is stale:
 * it is taken over (with a note) under its own flock, after checking that
 * the name still points at that inode, so two mbtools taking over the
 * same stale lock cannot both win, nor remove a lock made meanwhile. A
 * lock held by a live process is never broken, --break-lock or not.
 *
 * The lock and temp files are registered for mb_write_cleanup, which a
 * program calls from its signal handlers and at exit.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mb/write.h"
#include "write_priv.h"

/* ---- clean-up on signals and exit ---------------------------------------- */

#define CLEAN_MAX 16

/* Written only outside handlers; used is set last and cleared first. */
static struct {
	volatile sig_atomic_t used;
	char path[PATH_MAX + 64];
} doomed[CLEAN_MAX];

int mb_clean_add(const char *path)
{
	int i;

	if (strlen(path) >= sizeof(doomed[0].path))
		return -1;
	for (i = 0; i < CLEAN_MAX; i++)
		if (!doomed[i].used) {
			strcpy(doomed[i].path, path);
			doomed[i].used = 1;
			return i;
		}
	return -1;
}

void mb_clean_del(int slot)
{
	if (slot >= 0 && slot < CLEAN_MAX)
		doomed[slot].used = 0;
}

void mb_signals_hold(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, old);
}

void mb_signals_release(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

/* Newest first: temp files go before the lock that guards them. */
void mb_write_cleanup(void)
{
	int i;

	for (i = CLEAN_MAX; i-- > 0;)
		if (doomed[i].used) {
			doomed[i].used = 0;
			unlink(doomed[i].path);
		}
}

/* ---- names --------------------------------------------------------------- */

void mb_target_split(struct mb_target *t)
{
	char *slash = strrchr(t->path, '/');
	size_t n;

	if (!slash) {
		strcpy(t->dir, ".");
		t->base = t->path;
		return;
	}
	n = (size_t)(slash - t->path);
	memcpy(t->dir, t->path, n ? n : 1);
	t->dir[n ? n : 1] = '\0';
	t->base = slash + 1;
}

int mb_write_temp_name(const char *path, char *out, size_t n)
{
	struct mb_target t;
	int k;

	if (strlen(path) >= sizeof(t.path))
		return -1;
	strcpy(t.path, path);
	mb_target_split(&t);
	k = snprintf(out, n, "%s/.%s.mbtool-%ld-XXXXXX", t.dir, t.base,
		     (long)getpid());
	return k < 0 || (size_t)k >= n ? -1 : 0;
}

static void host_name(char *h, size_t n)
{
	if (gethostname(h, n) != 0)
		snprintf(h, n, "localhost");
	h[n - 1] = '\0';
	h[strcspn(h, " \t\n")] = '\0';
}

/* A PID on this host that no longer runs (not ours, not anyone's). */
static int pid_gone(long pid)
{
	return pid > 0 && pid != (long)getpid() &&
	       kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* ---- temp files of dead writes ------------------------------------------- */

/* .BASE.mbtool-PID-XXXXXX: the PID, or 0 when name is not of that form. */
static long stray_pid(const char *name, const char *prefix, size_t pl)
{
	char *end;
	long pid;

	if (strncmp(name, prefix, pl) != 0 || name[pl] < '1' ||
	    name[pl] > '9')
		return 0;
	errno = 0;
	pid = strtol(name + pl, &end, 10);
	if (errno || *end != '-' || strlen(end + 1) != 6)
		return 0;
	return pid;
}

/* Ours to remove: our name, our user's, a regular file, its PID dead. */
static int is_stray(DIR *d, const char *name, const char *prefix, size_t pl)
{
	struct stat st;
	long pid = stray_pid(name, prefix, pl);

	return pid && fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISREG(st.st_mode) && st.st_uid == geteuid() && pid_gone(pid);
}

int mb_write_strays(const char *path, int remove, char *first, size_t n)
{
	struct mb_target t;
	char prefix[NAME_MAX + 16];
	struct dirent *e;
	int count = 0, pl;
	DIR *d;

	if (strlen(path) >= sizeof(t.path))
		return 0;
	strcpy(t.path, path);
	mb_target_split(&t);
	pl = snprintf(prefix, sizeof(prefix), ".%s.mbtool-", t.base);
	if (pl < 0 || (size_t)pl >= sizeof(prefix) || !(d = opendir(t.dir)))
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (!is_stray(d, e->d_name, prefix, (size_t)pl))
			continue;
		if (!count++ && first &&
		    snprintf(first, n, "%s/%s", t.dir, e->d_name) >= (int)n)
			first[0] = '\0'; /* too long to name */
		if (remove)
			unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
	return count;
}

/* ---- making the lock ----------------------------------------------------- */

/* Locks this process holds: the name, and the fd that holds the flock. */
#define HELD_MAX 8
static struct {
	char *lp;
	int fd, slot;
} held[HELD_MAX];

static int links_unsupported(int e)
{
	return e == EPERM || e == ENOTSUP || e == EOPNOTSUPP ||
	       e == EMLINK || e == ENOSYS || e == EXDEV;
}

/* Owner line and flock on fd; the file is not yet visible as the lock. */
static int lock_fill(int fd)
{
	char info[320], host[256];
	int n;

	host_name(host, sizeof(host));
	n = snprintf(info, sizeof(info), "%ld %s\n", (long)getpid(), host);
	return flock(fd, LOCK_EX | LOCK_NB) || fchmod(fd, 0644) ||
	       mb_write_all(fd, info, (size_t)n) ? -1 : 0;
}

/*
 * Where the file system has no hard links: O_EXCL, then the flock at once.
 * A reader in between sees an empty lock that it cannot flock for long;
 * it is told the lock is held, never that it has no owner.
 */
static int lock_excl(const char *lp)
{
	int fd = open(lp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644), e;

	if (fd < 0)
		return -1;
	if (lock_fill(fd) != 0) {
		e = errno;
		close(fd);
		unlink(lp);
		errno = e;
		return -1;
	}
	return fd;
}

/* The lock fd (flock held), or -1 with errno (EEXIST: the lock exists). */
static int lock_create(const char *path, const char *lp)
{
	char tmp[PATH_MAX + 64];
	int fd, slot, r, e;

	if (mb_write_temp_name(path, tmp, sizeof(tmp)) != 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkstemp(tmp);
	if (fd < 0)
		return -1;
	slot = mb_clean_add(tmp);
	r = lock_fill(fd) ? -1 : link(tmp, lp);
	e = errno;
	unlink(tmp);
	mb_clean_del(slot);
	if (r != 0) {
		close(fd);
		if (links_unsupported(e))
			return lock_excl(lp);
		errno = e;
		return -1;
	}
	return fd;
}

/* ---- a lock that exists -------------------------------------------------- */

enum lock_state {
	LOCK_LIVE,     /* its flock is held: a running mbtool */
	LOCK_STALE,    /* flock free, its PID gone on this host */
	LOCK_PIDLIVE,  /* flock free, but a process with its PID runs */
	LOCK_FOREIGN,  /* flock free, made on another host */
	LOCK_UNKNOWN,  /* flock free, no owner line (not made by mbtool) */
	LOCK_GONE      /* removed meanwhile: try again */
};

struct owner {
	long pid;
	char host[256];
	int fd;        /* open on the lock; flock held unless LOCK_LIVE */
};

static void owner_read(struct owner *o)
{
	char buf[320], fmt[32];
	ssize_t n = pread(o->fd, buf, sizeof(buf) - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	snprintf(fmt, sizeof(fmt), "%%ld %%%zus", sizeof(o->host) - 1);
	if (sscanf(buf, fmt, &o->pid, o->host) != 2 || o->pid <= 0) {
		o->pid = 0;
		o->host[0] = '\0';
	}
}

static enum lock_state lock_examine(const char *lp, struct owner *o)
{
	char mine[256];

	memset(o, 0, sizeof(*o));
	o->fd = open(lp, O_RDONLY | O_CLOEXEC);
	if (o->fd < 0)
		return LOCK_GONE;
	if (flock(o->fd, LOCK_EX | LOCK_NB) != 0) {
		owner_read(o);
		return LOCK_LIVE;
	}
	owner_read(o);
	if (!o->pid)
		return LOCK_UNKNOWN;
	host_name(mine, sizeof(mine));
	if (strcmp(o->host, mine) != 0)
		return LOCK_FOREIGN;
	return pid_gone(o->pid) ? LOCK_STALE : LOCK_PIDLIVE;
}

/*
 * Remove the lock o->fd is open on, whose flock we hold: only if the name
 * still points at that inode (else someone took it over first). 0 either
 * way, -1 when it could not be removed.
 */
static int lock_remove(const char *lp, const struct owner *o)
{
	struct stat a, b;

	if (fstat(o->fd, &a) != 0 || stat(lp, &b) != 0)
		return 0;
	if (a.st_dev != b.st_dev || a.st_ino != b.st_ino)
		return 0;
	return unlink(lp) == 0 || errno == ENOENT ? 0 : -1;
}

static enum mb_status lock_refuse(const char *path, const char *lp,
				  enum lock_state s, const struct owner *o,
				  struct mb_error *err)
{
	if (s == LOCK_LIVE)
		return mb_error_set(err, MB_EFILE, "lock", path,
			"the file is locked by process %ld on %s, which is "
			"running: another mbtool is writing it; wait for it to "
			"finish (lock file %s; a lock in use cannot be broken)",
			o->pid, o->host[0] ? o->host : "this host", lp);
	if (s == LOCK_FOREIGN)
		return mb_error_set(err, MB_EFILE, "lock", path,
			"the file is locked by process %ld on host %s; if no "
			"mbtool runs there on this file any more, rerun with "
			"--break-lock", o->pid, o->host);
	if (s == LOCK_PIDLIVE)
		return mb_error_set(err, MB_EFILE, "lock", path,
			"lock file %s names process %ld, which is running but "
			"does not hold the lock (an older mbtool, or its number "
			"was reused); check that nothing else edits the file, "
			"then rerun with --break-lock", lp, o->pid);
	return mb_error_set(err, MB_EFILE, "lock", path,
		"lock file %s was not made by mbtool (it names no process) "
		"and nobody holds it; check that nothing else edits the "
		"file, then rerun with --break-lock", lp);
}

/* The lock exists: take it over when stale (or allowed), else explain. */
static enum mb_status lock_held(const char *path, const char *lp,
				int break_lock, char *note, size_t nn,
				struct mb_error *err)
{
	struct owner o;
	enum lock_state s = lock_examine(lp, &o);
	enum mb_status st = MB_OK;

	if (s == LOCK_LIVE || (s != LOCK_STALE && s != LOCK_GONE &&
			       !break_lock))
		st = lock_refuse(path, lp, s, &o, err);
	else if (s != LOCK_GONE && lock_remove(lp, &o) != 0)
		st = mb_error_set(err, MB_EFILE, "lock", path,
				  "cannot remove the stale lock %s: %s", lp,
				  strerror(errno));
	else if (s == LOCK_STALE && note)
		snprintf(note, nn, "took over the stale lock %s: process %ld "
			 "that made it is gone", lp, o.pid);
	else if (s != LOCK_GONE && note)
		snprintf(note, nn, "broke the lock %s (--break-lock); "
			 "nobody held it", lp);
	if (o.fd >= 0)
		close(o.fd);
	return st;
}

static enum mb_status hold(const char *path, char *lp, int fd,
			   char **lockpath, struct mb_error *err)
{
	int i;

	for (i = 0; i < HELD_MAX && held[i].lp; i++)
		;
	if (i == HELD_MAX) {
		close(fd);
		unlink(lp);
		free(lp);
		return mb_error_set(err, MB_EFILE, "lock", path,
				    "too many locks held at once");
	}
	held[i].lp = lp;
	held[i].fd = fd;
	held[i].slot = mb_clean_add(lp);
	*lockpath = lp;
	return MB_OK;
}

enum mb_status mb_write_lock(const char *path, int break_lock,
			     char **lockpath, char *note, size_t nn,
			     struct mb_error *err)
{
	size_t n = strlen(path) + sizeof(".lock");
	char *lp = malloc(n);
	enum mb_status st = MB_OK;
	int tries, fd;

	*lockpath = NULL;
	if (note && nn)
		note[0] = '\0';
	if (!lp)
		return mb_error_set(err, MB_EFILE, "lock", path,
				    "out of memory");
	snprintf(lp, n, "%s.lock", path);
	for (tries = 0; !st && tries < 5; tries++) {
		sigset_t old;

		mb_signals_hold(&old);
		fd = lock_create(path, lp);
		if (fd >= 0) {
			st = hold(path, lp, fd, lockpath, err);
			mb_signals_release(&old);
			return st;
		}
		mb_signals_release(&old);
		if (errno != EEXIST) {
			int e = errno;

			st = mb_error_set(err, MB_EFILE, "lock", path,
				"cannot create the lock file %s: %s%s", lp,
				strerror(e), mb_write_dir_hint(e));
		} else {
			st = lock_held(path, lp, break_lock, note, nn, err);
		}
	}
	free(lp);
	return st ? st : mb_error_set(err, MB_EFILE, "lock", path,
			    "the lock file keeps coming back: another program "
			    "is writing the file");
}

void mb_write_unlock(char *lockpath)
{
	sigset_t old;
	int i;

	if (!lockpath)
		return;
	mb_signals_hold(&old);
	for (i = 0; i < HELD_MAX; i++)
		if (held[i].lp == lockpath) {
			mb_clean_del(held[i].slot);
			unlink(lockpath);
			close(held[i].fd); /* the flock goes last */
			held[i].lp = NULL;
		}
	mb_signals_release(&old);
	free(lockpath);
}
