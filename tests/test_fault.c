/* SPDX-License-Identifier: MIT */
/*
 * Faults around a write (mb/write.h): a writer killed halfway, the file
 * replaced by another program between our check and our rename, fsync
 * failing on the temp file and on the folder, and symlinked metabases.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "mb/write.h"

#define TEMP_PREFIX ".MetaBase.xml.mbtool-"

/* ---- (a) killed mid-write ------------------------------------------------ */

static int hang_fd = -1;

/* The temp file gets half the bytes, the parent is told, then we hang. */
static ssize_t half_then_hang(int fd, const void *p, size_t n)
{
	char c = 'w';

	if (write(fd, p, n / 2) < 0 || write(hang_fd, &c, 1) != 1)
		_exit(100);
	for (;;)
		pause();
}

/* A child writing 1 MiB over the file, SIGKILLed halfway; its PID. */
static pid_t kill_mid_write(struct fx_dir *f)
{
	int pfd[2], status;
	char c;
	pid_t pid;

	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct mb_write_io io = { .write = half_then_hang };
		struct mb_write_opts o = { 0 };
		struct mb_write_result r;
		struct mb_error e;
		size_t n = 1u << 20;
		char *big = malloc(n);

		if (!big)
			_exit(101);
		memset(big, 'x', n);
		hang_fd = pfd[1];
		mb_write_set_io(&io);
		mb_write_replace(f->file, fx_old, strlen(fx_old), big, n, &o,
				 &r, &e);
		_exit(102); /* never reached: the hook hangs */
	}
	close(pfd[1]);
	assert_int_equal(read(pfd[0], &c, 1), 1);
	close(pfd[0]);
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	return pid;
}

static void test_killed_mid_write(void **state)
{
	struct fx_dir *f = *state;
	char tmp[256], lock[200], reason[1100], want[64];
	struct stat st;
	pid_t pid = kill_mid_write(f);

	/* the original is byte-identical; the lock and a half temp remain */
	assert_string_equal(fx_slurp(f->file), fx_old);
	snprintf(lock, sizeof(lock), "%s.lock", f->file);
	snprintf(want, sizeof(want), "%ld ", (long)pid);
	assert_non_null(fx_slurp(lock));
	assert_memory_equal(fx_slurp(lock), want, strlen(want));
	assert_int_equal(fx_find(f->dir, TEMP_PREFIX, tmp, sizeof(tmp)), 0);
	assert_int_equal(stat(tmp, &st), 0);
	assert_int_equal(st.st_size, 1 << 19);
	assert_int_equal(fx_entries(f->dir, NULL, 0), 3);

	/* the next write takes the dead writer's lock over, with a note, and
	 * leaves nothing of it */
	assert_int_equal(fx_child_write(f, 0, reason, sizeof(reason)), MB_OK);
	snprintf(want, sizeof(want), "process %ld", (long)pid);
	assert_non_null(strstr(reason, "took over the stale lock"));
	assert_non_null(strstr(reason, want));
	assert_string_equal(fx_slurp(f->file), fx_new);
	assert_int_equal(fx_entries(f->dir, NULL, 0), 1);
}

/*
 * Temp files of killed writes go with the next write; nothing else does:
 * only names of this program's form (.BASE.mbtool-PID-XXXXXX) whose PID is
 * gone, owned by this user. A live mbtool's temp file (this PID's) stays.
 */
static void test_stray_temps_removed(void **state)
{
	struct fx_dir *f = *state;
	static const char *const strays[] = { TEMP_PREFIX "999999999-a1B2c3",
					      TEMP_PREFIX "999999998-zzzzzz" };
	static const char *const others[] = { TEMP_PREFIX "abc",
					      TEMP_PREFIX "abcdefg",
					      TEMP_PREFIX "a1B2c3",
					      TEMP_PREFIX "999999999-abc",
					      ".Other.xml.mbtool-999999999-abcdef",
					      "MetaBase.xml.mbtool-abcdef" };
	struct mb_write_opts o = { 0 };
	struct mb_write_result r;
	struct mb_error e;
	char path[256];
	size_t i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", f->dir, strays[i]);
		fx_put(path, "half a file", 0600);
	}
	for (i = 0; i < 6; i++) {
		snprintf(path, sizeof(path), "%s/%s", f->dir, others[i]);
		fx_put(path, "not ours", 0600);
	}
	snprintf(path, sizeof(path), "%s/" TEMP_PREFIX "%ld-live01", f->dir,
		 (long)getpid());
	fx_put(path, "a live write's", 0600);
	snprintf(path, sizeof(path), "%s/" TEMP_PREFIX "dir123", f->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	o.no_backup = 1;
	assert_int_equal(fx_replace(f, &o, &r, &e), MB_OK);
	assert_int_equal(fx_entries(f->dir, NULL, 0), 9);
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", f->dir, strays[i]);
		assert_int_equal(access(path, F_OK), -1);
	}
}

/* ---- (b) the file replaced under us -------------------------------------- */

static const char *swap_from, *swap_to;
static int swapped;

/* The first fsync is the temp file's, after the check under the lock. */
static int fsync_then_swap(int fd)
{
	if (!swapped++ && rename(swap_from, swap_to) != 0)
		return -1;
	return fsync(fd);
}

static void swap_during_write(struct fx_dir *f, const char *text,
			      const char *why)
{
	struct mb_write_io io = { .fsync = fsync_then_swap };
	struct mb_write_opts o = { 0 };
	struct mb_write_result r;
	struct mb_error e;
	char other[200];
	struct stat st;

	snprintf(other, sizeof(other), "%s/new.xml", f->dir);
	fx_put(other, text, 0600);
	swap_from = other;
	swap_to = f->file;
	swapped = 0;
	mb_write_set_io(&io);
	assert_int_equal(fx_replace(f, &o, &r, &e), MB_EFILE);
	mb_write_set_io(NULL);
	if (!strstr(e.reason, why))
		fail_msg("'%s' not in: %s", why, e.reason);
	/* the replacement as it was; no temp file, lock or backup */
	assert_string_equal(fx_slurp(f->file), text);
	assert_int_equal(stat(f->file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(fx_entries(f->dir, NULL, 0), 1);
	assert_string_equal(r.backup, "");
}

static void test_replaced_under_us(void **state)
{
	swap_during_write(*state, "another program's metabase\n",
			  "another program replaced or changed the file");
}

/* Even with the very bytes mbtool read: it is not the file checked. */
static void test_replaced_same_bytes(void **state)
{
	swap_during_write(*state, fx_old, "run the command again");
}

/* ---- (c) fsync failures -------------------------------------------------- */

static mode_t fsync_fails_on; /* S_IFREG or S_IFDIR */

static int fsync_eio(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == fsync_fails_on) {
		errno = EIO;
		return -1;
	}
	return fsync(fd);
}

static void test_fsync_temp_eio(void **state)
{
	struct mb_write_io io = { .fsync = fsync_eio };

	fsync_fails_on = S_IFREG;
	fx_run_failing(*state, &io, "cannot flush (fsync) the temp file");
	fx_run_failing(*state, &io, "the disk reported an error");
}

/* After the rename: the change is made, but may not last; say so. */
static void test_fsync_dir_eio(void **state)
{
	struct fx_dir *f = *state;
	struct mb_write_io io = { .fsync = fsync_eio };
	struct mb_write_opts o = { 0 };
	struct mb_write_result r;
	struct mb_error e;
	char bak[256];

	fsync_fails_on = S_IFDIR;
	mb_write_set_io(&io);
	assert_int_equal(fx_replace(f, &o, &r, &e), MB_EFILE);
	mb_write_set_io(NULL);
	assert_non_null(strstr(e.reason, "the new file is in place"));
	assert_non_null(strstr(e.reason, "Input/output error"));
	assert_non_null(strstr(e.reason, "may not survive a crash"));
	assert_non_null(strstr(e.reason, r.backup));
	assert_string_equal(fx_slurp(f->file), fx_new);
	/* the file and its backup (the old bytes); no temp file, no lock */
	assert_int_equal(fx_entries(f->dir, bak, sizeof(bak)), 2);
	assert_string_equal(bak, r.backup);
	assert_string_equal(fx_slurp(bak), fx_old);
}

/* ---- (d) symlinks: written through, the link kept ------------------------ */

static void test_symlink_kept(void **state)
{
	struct fx_dir *f = *state;
	struct mb_write_opts o = { 0 };
	struct mb_write_result r;
	struct mb_error e;
	char link_path[200];
	struct stat st;

	snprintf(link_path, sizeof(link_path), "%s/link.xml", f->dir);
	assert_int_equal(symlink("MetaBase.xml", link_path), 0);
	o.no_backup = 1;
	assert_int_equal(fx_replace_at(link_path, &o, &r, &e), MB_OK);
	assert_int_equal(lstat(link_path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_string_equal(fx_slurp(f->file), fx_new);
}

/* a/MetaBase.xml -> ../real/MetaBase.xml: all the work is in real/. */
static void test_symlink_other_folder(void **state)
{
	struct fx_dir *f = *state;
	struct mb_write_opts o = { 0 };
	struct mb_write_result r;
	struct mb_error e;
	char a[100], real[100], link_path[200], target[200], text[64], *lock;
	ssize_t n;

	snprintf(a, sizeof(a), "%s/a", f->dir);
	snprintf(real, sizeof(real), "%s/real", f->dir);
	snprintf(link_path, sizeof(link_path), "%s/MetaBase.xml", a);
	snprintf(target, sizeof(target), "%s/MetaBase.xml", real);
	assert_int_equal(mkdir(a, 0755), 0);
	assert_int_equal(mkdir(real, 0755), 0);
	assert_int_equal(rename(f->file, target), 0);
	assert_int_equal(symlink("../real/MetaBase.xml", link_path), 0);

	/* one lock for both names: a write through the link waits for it */
	assert_int_equal(mb_write_lock(target, 0, &lock, NULL, 0, &e), MB_OK);
	assert_int_equal(fx_replace_at(link_path, &o, &r, &e), MB_EFILE);
	assert_non_null(strstr(e.reason, "locked by process"));
	mb_write_unlock(lock);

	assert_int_equal(fx_replace_at(link_path, &o, &r, &e), MB_OK);
	assert_string_equal(fx_slurp(target), fx_new);
	n = readlink(link_path, text, sizeof(text) - 1);
	assert_true(n > 0);
	text[n] = '\0';
	assert_string_equal(text, "../real/MetaBase.xml");
	assert_int_equal(strncmp(r.backup, real, strlen(real)), 0);
	assert_string_equal(fx_slurp(r.backup), fx_old);
	assert_int_equal(fx_entries(a, NULL, 0), 1);    /* the link alone */
	assert_int_equal(fx_entries(real, NULL, 0), 2); /* file, backup */
}

/* A link to nothing is refused, not replaced by a plain file. */
static void test_symlink_dangling(void **state)
{
	struct fx_dir *f = *state;
	struct mb_write_opts o = { 0 };
	struct mb_write_result r;
	struct mb_error e;
	char link_path[200], gone[200];
	struct stat st;

	snprintf(link_path, sizeof(link_path), "%s/link.xml", f->dir);
	snprintf(gone, sizeof(gone), "%s/gone.xml", f->dir);
	assert_int_equal(symlink("gone.xml", link_path), 0);
	mb_error_clear(&e);
	assert_int_equal(mb_write_bytes(link_path, fx_new, strlen(fx_new), &o,
					&r, &e), MB_EFILE);
	assert_non_null(strstr(e.reason, "symbolic link to a file that does "
			       "not exist"));
	assert_int_equal(lstat(link_path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(access(gone, F_OK), -1);
	assert_int_equal(fx_entries(f->dir, NULL, 0), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(test_killed_mid_write),
		FX_TEST(test_stray_temps_removed),
		FX_TEST(test_replaced_under_us),
		FX_TEST(test_replaced_same_bytes),
		FX_TEST(test_fsync_temp_eio),
		FX_TEST(test_fsync_dir_eio),
		FX_TEST(test_symlink_kept),
		FX_TEST(test_symlink_other_folder),
		FX_TEST(test_symlink_dangling),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
