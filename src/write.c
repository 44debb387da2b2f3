/* SPDX-License-Identifier: MIT */
/*
 * Writing a metabase back safely (write.h); the diff that --dry-run shows
 * is diff.c's.
 *
 * The order of a write, and why:
 *  1. FILE.lock (lock.c), holding "PID HOST" and an flock: two mbtools
 *     never interleave, and a lock left by a killed process can be told
 *     from a live one and is taken over.
 *  2. Under the lock the file is read again and compared with what the
 *     caller loaded: a change made meanwhile is refused, never lost.
 *  3. The new bytes go to a temp file in the same folder (rename is atomic
 *     only within one file system), get the original's owner and mode, and
 *     are fsync'd before the rename: a crash leaves the old file or the new
 *     one, never a mix.
 *  4. The backup is a hard link to the old inode (byte-exact and instant),
 *     or a copy where the file system has no links.
 *  5. The file must still be the one checked in 2 (same inode, size and
 *     time): a program that ignores the lock and renamed another file
 *     over it meanwhile keeps its file, and the write is refused.
 *  6. rename, then fsync of the folder so that the rename itself lasts.
 *  7. Temp files of earlier writes that were killed (SIGKILL, power loss)
 *     are removed: under the lock no live mbtool can own one, and only
 *     this user's, named with a PID that is gone, are taken. Backups
 *     beyond keep_backups go, oldest first.
 * A failure before 6 removes the temp file and the backup just made. A
 * symlink is written through (the target changes, the link stays).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mb/diff.h"
#include "mb/write.h"
#include "write_priv.h"

static const struct mb_write_io io_real = { write, fsync, rename, link };
static struct mb_write_io io = { write, fsync, rename, link };

void mb_write_set_io(const struct mb_write_io *o)
{
	io = io_real;
	if (!o)
		return;
	if (o->write)
		io.write = o->write;
	if (o->fsync)
		io.fsync = o->fsync;
	if (o->rename)
		io.rename = o->rename;
	if (o->link)
		io.link = o->link;
}

/*
 * A link is written through: its target gets the new bytes (temp file,
 * backup and lock next to the target), the link stays. A link to nothing
 * is refused rather than replaced by a plain file.
 */
static enum mb_status resolve(const char *path, struct mb_target *t,
			      struct mb_error *err)
{
	struct stat ls;
	int e;

	if (!realpath(path, t->path)) {
		e = errno;
		if (e == ENOENT && lstat(path, &ls) == 0 && S_ISLNK(ls.st_mode))
			return mb_error_set(err, MB_EFILE, "write", path,
				"a symbolic link to a file that does not "
				"exist; mbtool writes through links and will "
				"not replace one with a file");
		if (e != ENOENT || strlen(path) >= sizeof(t->path))
			return mb_error_set(err, MB_EFILE, "write", path, "%s",
					    strerror(e));
		strcpy(t->path, path); /* a new file is written as named */
	}
	mb_target_split(t);
	return MB_OK;
}

const char *mb_write_dir_hint(int e)
{
	if (e == EACCES || e == EPERM || e == EROFS)
		return " (mbtool writes the new file next to the original and "
		       "renames it, so the folder must be writable)";
	if (e == ENOSPC || e == EDQUOT || e == EFBIG)
		return " (free some space: the new file is written in full "
		       "before it replaces the original)";
	if (e == EIO)
		return " (the disk reported an error: check it and the "
		       "system log before writing again)";
	return "";
}

/* ---- file helpers ------------------------------------------------------ */

/* read(2) that an interrupting signal does not cut short. */
static ssize_t read_some(int fd, void *b, size_t n)
{
	ssize_t r;

	do
		r = read(fd, b, n);
	while (r < 0 && errno == EINTR);
	return r;
}

static int put_all(ssize_t (*wr)(int, const void *, size_t), int fd,
		   const char *p, size_t n)
{
	while (n) {
		ssize_t w = wr(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = ENOSPC;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The metabase's own bytes go through the fault-injection hook. */
static int write_all(int fd, const char *p, size_t n)
{
	return put_all(io.write, fd, p, n);
}

int mb_write_all(int fd, const void *p, size_t n)
{
	return put_all(write, fd, p, n);
}

static int read_fd(int fd, char **buf, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *b = NULL, *nb;
	ssize_t r;

	for (;;) {
		if (n == cap || !b) {
			cap = b ? cap * 2 : cap;
			if (!(nb = realloc(b, cap)))
				break;
			b = nb;
		}
		r = read_some(fd, b + n, cap - n);
		if (r <= 0) {
			if (r == 0) {
				*buf = b;
				*len = n;
				return 0;
			}
			break;
		}
		n += (size_t)r;
	}
	free(b);
	return -1;
}

/* src's bytes to out, piece by piece (no whole-file copy in memory). */
static int copy_fd(int in, int out)
{
	char piece[65536];
	ssize_t r;

	for (;;) {
		r = read_some(in, piece, sizeof(piece));
		if (r <= 0)
			return r < 0 ? -1 : 0;
		if (write_all(out, piece, (size_t)r))
			return -1;
	}
}

/* Copy src to a new dst (O_EXCL), for file systems without hard links. */
static int copy_file(const char *src, const char *dst, mode_t mode)
{
	int in, out, r = -1, e;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (out >= 0) {
		r = copy_fd(in, out) || io.fsync(out) ? -1 : 0;
		e = errno;
		if (close(out) != 0 && r == 0)
			r = -1;
		if (r)
			unlink(dst);
		errno = e;
	}
	e = errno;
	close(in);
	errno = e;
	return r;
}

static int links_unsupported(int e)
{
	return e == EPERM || e == ENOTSUP || e == EOPNOTSUPP ||
	       e == EMLINK || e == ENOSYS || e == EXDEV;
}

/* FILE.mbtool-YYYYMMDDTHHMMSSZ.bak, -2, -3... when taken this second. */
static enum mb_status make_backup(const struct mb_target *t, mode_t mode,
				  char *out, size_t n, struct mb_error *err)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int i, r;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	for (i = 1; i < 100; i++) {
		if (i == 1)
			snprintf(out, n, "%s.mbtool-%s.bak", t->path, stamp);
		else
			snprintf(out, n, "%s.mbtool-%s-%d.bak", t->path,
				 stamp, i);
		r = io.link(t->path, out);
		if (r != 0 && links_unsupported(errno))
			r = copy_file(t->path, out, mode & 0777);
		if (r == 0)
			return MB_OK;
		if (errno != EEXIST)
			break;
	}
	r = errno;
	out[0] = '\0';
	return mb_error_set(err, MB_EFILE, "backup", t->path,
			    "cannot make a backup: %s%s; --no-backup writes "
			    "without one", strerror(r), mb_write_dir_hint(r));
}

/* ---- pruning old backups ------------------------------------------------ */

struct bak {
	char name[NAME_MAX + 1];
	char stamp[17];         /* YYYYMMDDTHHMMSSZ */
	int seq;                /* -N, 1 for none */
};

/* BASE.mbtool-STAMP[-N].bak: 1 and *b filled, or 0 when not that. */
static int bak_parse(const char *name, const char *base, struct bak *b)
{
	size_t bl = strlen(base), nl = strlen(name);
	const char *p = name + bl + sizeof(".mbtool-") - 1;
	char *end;

	if (nl > NAME_MAX || strncmp(name, base, bl) != 0 ||
	    strncmp(name + bl, ".mbtool-", 8) != 0 || nl < 4 ||
	    strcmp(name + nl - 4, ".bak") != 0 || strlen(p) < 16 + 4 ||
	    p[8] != 'T' || p[15] != 'Z')
		return 0;
	memcpy(b->stamp, p, 16);
	b->stamp[16] = '\0';
	b->seq = 1;
	if (p[16] == '-') {
		b->seq = (int)strtol(p + 17, &end, 10);
		if (strcmp(end, ".bak") != 0 || b->seq < 2)
			return 0;
	} else if (strcmp(p + 16, ".bak") != 0) {
		return 0;
	}
	strcpy(b->name, name);
	return 1;
}

static int bak_cmp(const void *x, const void *y)
{
	const struct bak *a = x, *b = y;
	int c = strcmp(a->stamp, b->stamp);

	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

/* The backups of t that this user made, oldest first; NULL on failure. */
static struct bak *bak_list(const struct mb_target *t, DIR *d, size_t *n)
{
	struct bak *v = NULL, *nv, b;
	struct dirent *e;
	struct stat st;
	size_t cap = 0;

	*n = 0;
	while ((e = readdir(d)) != NULL) {
		if (!bak_parse(e->d_name, t->base, &b) ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISREG(st.st_mode) || st.st_uid != geteuid())
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			if (!(nv = realloc(v, cap * sizeof(*v))))
				break;
			v = nv;
		}
		v[(*n)++] = b;
	}
	if (v)
		qsort(v, *n, sizeof(*v), bak_cmp);
	return v;
}

/* Keep the newest keep backups of t; how many older ones were removed. */
static int prune_backups(const struct mb_target *t, int keep)
{
	DIR *d = opendir(t->dir);
	struct bak *v;
	size_t n, i;
	int gone = 0;

	if (!d)
		return 0;
	v = bak_list(t, d, &n);
	for (i = 0; v && keep > 0 && i + (size_t)keep < n; i++)
		gone += unlinkat(dirfd(d), v[i].name, 0) == 0;
	free(v);
	closedir(d);
	return gone;
}

/* Folders cannot be fsync'd on every file system: those are not errors. */
static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r, e;

	if (fd < 0)
		return -1;
	r = io.fsync(fd);
	e = errno;
	close(fd);
	if (r != 0 && (e == EINVAL || e == ENOTSUP || e == EBADF))
		r = 0;
	errno = e;
	return r;
}

/* ---- one write --------------------------------------------------------- */

struct job {
	struct mb_target t;
	struct stat st;
	int exists;
	char tmp[PATH_MAX + 64];
	int tslot;              /* tmp's clean-up slot (mb_clean_add) */
	const struct mb_write_opts *opts;
	struct mb_write_result *res;
};

/*
 * 1 when what fd holds is exactly old, 0 when not, -1 on a read error.
 * Compared piece by piece: reading the whole file back would hold a second
 * copy of a large metabase in memory while the new one is also there.
 */
static int same_bytes(int fd, const char *old, size_t oldlen)
{
	char piece[65536];
	size_t off = 0;
	ssize_t r;

	for (;;) {
		r = read_some(fd, piece, sizeof(piece));
		if (r < 0)
			return -1;
		if (r == 0)
			return off == oldlen;
		if ((size_t)r > oldlen - off ||
		    memcmp(piece, old + off, (size_t)r) != 0)
			return 0;
		off += (size_t)r;
	}
}

/*
 * The file read piece by piece against the old bytes that undo gives
 * (write.h): same_bytes without them in memory. ok: 1 while equal, 0 once
 * not, -1 on a read error.
 */
struct cmp {
	int fd, ok;
	char piece[65536];
	size_t have, used;
};

static int cmp_piece(void *ctx, const char *p, size_t n)
{
	struct cmp *c = ctx;
	size_t k;
	ssize_t r;

	while (n) {
		if (c->used == c->have) {
			r = read_some(c->fd, c->piece, sizeof(c->piece));
			if (r <= 0) {
				c->ok = r < 0 ? -1 : 0;
				return 1;
			}
			c->have = (size_t)r;
			c->used = 0;
		}
		k = c->have - c->used < n ? c->have - c->used : n;
		if (memcmp(c->piece + c->used, p, k) != 0) {
			c->ok = 0;
			return 1;
		}
		c->used += k;
		p += k;
		n -= k;
	}
	return 0;
}

static int same_undone(int fd, const struct mb_edits *undo, const char *data,
		       size_t len)
{
	struct cmp *c = malloc(sizeof(*c));
	ssize_t r;
	int ok;

	if (!c)
		return -1;
	c->fd = fd;
	c->ok = 1;
	c->have = c->used = 0;
	mb_edits_undo(undo, data, len, cmp_piece, c);
	/* all of it: nothing may follow in the file */
	if (c->ok == 1 && c->used < c->have)
		c->ok = 0;
	else if (c->ok == 1 && (r = read_some(fd, c->piece, 1)) != 0)
		c->ok = r < 0 ? -1 : 0;
	ok = c->ok == 1 ? 1 : c->ok;
	free(c);
	return ok;
}

/* Under the lock: the file must still hold what the caller read. */
static enum mb_status check_current(struct job *j, const char *old,
				    size_t oldlen, const char *data,
				    size_t len, struct mb_error *err)
{
	const struct mb_edits *undo = j->opts->undo;
	int fd = open(j->t.path, O_RDONLY | O_CLOEXEC), same;

	j->exists = fd >= 0;
	if (fd < 0 && errno != ENOENT)
		return mb_error_set(err, MB_EFILE, "write", j->t.path,
				    "cannot open: %s", strerror(errno));
	if (fd < 0)
		return old || undo ? mb_error_set(err, MB_EFILE, "write",
			j->t.path, "the file disappeared since mbtool read "
			"it; nothing written") : MB_OK;
	if (fstat(fd, &j->st) != 0 ||
	    (same = old ? same_bytes(fd, old, oldlen) :
	     undo ? same_undone(fd, undo, data, len) : 1) < 0) {
		int e = errno;

		close(fd);
		return mb_error_set(err, MB_EFILE, "write", j->t.path,
				    "cannot read: %s", strerror(e));
	}
	close(fd);
	if (!same)
		return mb_error_set(err, MB_EFILE, "write", j->t.path,
			"the file changed since mbtool read it (another "
			"program wrote it); nothing written: run the command "
			"again");
	return MB_OK;
}

/* The temp file goes (a failure), or is the file now (after the rename). */
static void drop_temp(struct job *j)
{
	unlink(j->tmp);
	mb_clean_del(j->tslot);
}

static enum mb_status temp_fail(struct job *j, int fd, const char *what,
				struct mb_error *err)
{
	int e = errno;

	if (fd >= 0)
		close(fd);
	drop_temp(j);
	return mb_error_set(err, MB_EFILE, "write", j->t.path,
			    "%s the temp file %s: %s%s; the original is "
			    "unchanged", what, j->tmp, strerror(e),
			    mb_write_dir_hint(e));
}

/* Owner first: fchown may clear mode bits that fchmod then restores. */
static int keep_owner_mode(struct job *j, int fd)
{
	mode_t um;

	if (!j->exists) {
		um = umask(0);
		umask(um);
		return fchmod(fd, j->opts->new_mode ? (mode_t)j->opts->new_mode
			      : (0666 & ~um));
	}
	if ((j->st.st_uid != geteuid() || j->st.st_gid != getegid()) &&
	    fchown(fd, j->st.st_uid, j->st.st_gid) != 0)
		return -1;
	return fchmod(fd, j->st.st_mode & 07777);
}

static enum mb_status write_temp(struct job *j, const char *data, size_t len,
				 struct mb_error *err)
{
	sigset_t old;
	int fd;

	j->tslot = -1;
	mb_signals_hold(&old);
	fd = mb_write_temp_name(j->t.path, j->tmp, sizeof(j->tmp)) ? -1 :
	     mkstemp(j->tmp);
	if (fd >= 0)
		j->tslot = mb_clean_add(j->tmp);
	mb_signals_release(&old);
	if (fd < 0) {
		int e = errno;

		return mb_error_set(err, MB_EFILE, "write", j->t.path,
				    "cannot create a temp file in %s: %s%s",
				    j->t.dir, strerror(e), mb_write_dir_hint(e));
	}
	if (write_all(fd, data, len) != 0)
		return temp_fail(j, fd, "cannot write", err);
	if (keep_owner_mode(j, fd) != 0)
		return temp_fail(j, fd, "cannot give the original's owner "
				 "and mode to", err);
	if (io.fsync(fd) != 0)
		return temp_fail(j, fd, "cannot flush (fsync)", err);
	if (close(fd) != 0)
		return temp_fail(j, -1, "cannot close", err);
	return MB_OK;
}

/*
 * Just before the rename: is the file still the one checked under the
 * lock? A program that ignores the lock may have renamed another file over
 * it, or rewritten it, since; renaming ours in would drop its work.
 */
static int replaced(const struct job *j)
{
	struct stat now;

	if (stat(j->t.path, &now) != 0)
		return j->exists || errno != ENOENT;
	return !j->exists || now.st_dev != j->st.st_dev ||
	       now.st_ino != j->st.st_ino || now.st_size != j->st.st_size ||
	       now.st_mtim.tv_sec != j->st.st_mtim.tv_sec ||
	       now.st_mtim.tv_nsec != j->st.st_mtim.tv_nsec;
}

/* Before the rename, a failure leaves no temp file and no new backup. */
static void undo(struct job *j)
{
	drop_temp(j);
	if (j->res->backup[0])
		unlink(j->res->backup);
	j->res->backup[0] = '\0';
}

static enum mb_status put_in_place(struct job *j, struct mb_error *err)
{
	int e;

	if (replaced(j)) {
		undo(j);
		return mb_error_set(err, MB_EFILE, "write", j->t.path,
			"another program replaced or changed the file while "
			"mbtool was writing it (it ignored %s.lock); nothing "
			"written, the file now there is left as it is: check "
			"it, then run the command again", j->t.path);
	}
	if (io.rename(j->tmp, j->t.path) != 0) {
		e = errno;
		undo(j);
		return mb_error_set(err, MB_EFILE, "write", j->t.path,
				    "cannot rename the new file into place: "
				    "%s%s; the original is unchanged",
				    strerror(e), mb_write_dir_hint(e));
	}
	mb_clean_del(j->tslot);
	if (sync_dir(j->t.dir) != 0) {
		e = errno;
		return mb_error_set(err, MB_EFILE, "write", j->t.path,
			"the new file is in place, but the folder %s could not "
			"be flushed (fsync): %s%s; the change may not survive "
			"a crash%s%s%s", j->t.dir, strerror(e), mb_write_dir_hint(e),
			j->res->backup[0] ? " (the old file is kept as " : "",
			j->res->backup, j->res->backup[0] ? ")" : "");
	}
	return MB_OK;
}

static enum mb_status write_locked(struct job *j, const char *old,
				   size_t oldlen, const char *data, size_t len,
				   struct mb_error *err)
{
	enum mb_status st = check_current(j, old, oldlen, data, len, err);

	if (!st && j->exists && !(j->st.st_mode & 0222) && !j->opts->force)
		return mb_error_set(err, MB_EFILE, "write", j->t.path,
			"the file is read-only (mode %04o); nothing written: "
			"make it writable, or add --force to replace it anyway "
			"(it keeps its mode)", (unsigned)(j->st.st_mode & 07777));
	if (!st)
		st = write_temp(j, data, len, err);
	if (st)
		return st;
	if (j->exists && !j->opts->no_backup) {
		st = make_backup(&j->t, j->st.st_mode, j->res->backup,
				 sizeof(j->res->backup), err);
		if (st) {
			drop_temp(j);
			return st;
		}
	}
	st = put_in_place(j, err);
	if (!st)
		mb_write_strays(j->t.path, 1, NULL, 0);
	if (!st && j->res->backup[0])
		j->res->pruned = prune_backups(&j->t, j->opts->keep_backups ?
			j->opts->keep_backups : MB_WRITE_KEEP_BACKUPS);
	return st;
}

static int changed(const char *old, size_t oldlen,
		   const struct mb_edits *undo, const char *data, size_t len)
{
	if (old)
		return oldlen != len || memcmp(old, data, len) != 0;
	return !undo || mb_edits_changed(undo, data);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

enum mb_status mb_write_replace(const char *path, const char *old,
				size_t oldlen, const char *data, size_t len,
				const struct mb_write_opts *opts,
				struct mb_write_result *res,
				struct mb_error *err)
{
	struct job *j;
	char *lock = NULL;
	enum mb_status st;

	memset(res, 0, sizeof(*res));
	res->changed = changed(old, oldlen, opts->undo, data, len);
	if (!old && opts->undo && opts->dry_run)
		return mb_error_set(err, MB_EFILE, "write", path, "internal "
				    "error: a dry run needs the old bytes");
	if (opts->dry_run) {
		if (opts->diff)
			mb_diff_to_buf(opts->diff, base_name(path),
				      old ? old : "", old ? oldlen : 0, data,
				      len);
		return MB_OK;
	}
	if (!res->changed)
		return MB_OK; /* nothing to do: no lock, no backup */
	j = calloc(1, sizeof(*j));
	if (!j)
		return mb_error_set(err, MB_EFILE, "write", path,
				    "out of memory");
	j->opts = opts;
	j->res = res;
	st = resolve(path, &j->t, err);
	if (!st)
		st = mb_write_lock(j->t.path, opts->break_lock, &lock,
				   res->note, sizeof(res->note), err);
	if (!st)
		st = write_locked(j, old, oldlen, data, len, err);
	mb_write_unlock(lock);
	free(j);
	return st;
}

enum mb_status mb_write_bytes(const char *path, const char *data, size_t len,
			      const struct mb_write_opts *opts,
			      struct mb_write_result *res,
			      struct mb_error *err)
{
	char *old = NULL;
	size_t oldlen = 0;
	enum mb_status st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (read_fd(fd, &old, &oldlen) != 0)
			old = NULL;
		close(fd);
	}
	st = mb_write_replace(path, old, oldlen, data, len, opts, res, err);
	free(old);
	return st;
}
