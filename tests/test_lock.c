/* SPDX-License-Identifier: MIT */
/*
 * The write lock (lock.c) and what a stopped write leaves: many writers
 * racing for one lock (never two inside, never "no owner"), a live lock
 * that --break-lock cannot break, a stale one taken over, locks and temp
 * files removed by mb_write_cleanup on a signal and at exit; and the
 * write's own rules: a read-only file refused unless force, old backups
 * pruned to keep_backups.
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

#define WRITERS 24
#define ROUNDS 10       /* times each racer gets in */
#define TRIES 200000    /* attempts before a racer gives up */

/* One racer: take the lock (with --break-lock, the advice that once let
 * two writers in), be alone inside, leave. Exit 3: two inside; 4: told
 * "no owner" about a lock; 5: never got in. */
static int racer(const char *file, const char *inside)
{
	struct mb_error e;
	char *lp, note[4400];
	int r, got = 0, fd;

	for (r = 0; got < ROUNDS && r < TRIES; r++) {
		mb_error_clear(&e);
		if (mb_write_lock(file, 1, &lp, note, sizeof(note), &e)) {
			if (strstr(e.reason, "no owner") ||
			    strstr(e.reason, "names no process"))
				return 4;
			usleep(50);
			continue;
		}
		fd = open(inside, O_CREAT | O_EXCL | O_WRONLY, 0600);
		if (fd < 0)
			return 3;
		close(fd);
		got++;
		usleep(200);
		unlink(inside);
		mb_write_unlock(lp);
	}
	return got == ROUNDS ? 0 : 5;
}

static void test_lock_race(void **state)
{
	struct fx_dir *f = *state;
	char inside[200];
	pid_t pids[WRITERS];
	int i, status, bad = 0;

	snprintf(inside, sizeof(inside), "%s/inside", f->dir);
	for (i = 0; i < WRITERS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0)
			_exit(racer(f->file, inside));
	}
	for (i = 0; i < WRITERS; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			print_message("racer %d: status %d\n", i, status);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	assert_int_equal(fx_entries(f->dir, NULL, 0), 1);
}

/* A lock in use cannot be broken, --break-lock or not; once released,
 * the next write goes through. */
static void test_live_lock_unbreakable(void **state)
{
	struct fx_dir *f = *state;
	struct mb_error e;
	char *lock, reason[1100], pid[32];

	assert_int_equal(mb_write_lock(f->file, 0, &lock, NULL, 0, &e), MB_OK);
	assert_int_equal(fx_child_write(f, 1, reason, sizeof(reason)),
			 MB_EFILE);
	snprintf(pid, sizeof(pid), "process %ld", (long)getpid());
	assert_non_null(strstr(reason, pid));
	assert_non_null(strstr(reason, "cannot be broken"));
	assert_int_equal(access(lock, F_OK), 0);
	assert_string_equal(fx_slurp(f->file), fx_old);
	mb_write_unlock(lock);
	assert_int_equal(fx_child_write(f, 0, reason, sizeof(reason)), MB_OK);
	assert_string_equal(fx_slurp(f->file), fx_new);
	assert_int_equal(fx_entries(f->dir, NULL, 0), 1);
}

/* A lock nobody holds whose PID runs (reused): --break-lock only. */
static void test_pid_reused_lock(void **state)
{
	struct fx_dir *f = *state;
	char lock[200], text[300], host[256], reason[1100];

	gethostname(host, sizeof(host));
	host[sizeof(host) - 1] = '\0';
	snprintf(lock, sizeof(lock), "%s.lock", f->file);
	snprintf(text, sizeof(text), "1 %s\n", host);
	fx_put(lock, text, 0644);
	assert_int_equal(fx_child_write(f, 0, reason, sizeof(reason)),
			 MB_EFILE);
	assert_non_null(strstr(reason, "does not hold the lock"));
	assert_string_equal(fx_slurp(f->file), fx_old);
	assert_int_equal(fx_child_write(f, 1, reason, sizeof(reason)), MB_OK);
	assert_non_null(strstr(reason, "broke the lock"));
	assert_int_equal(access(lock, F_OK), -1);
}

/* ---- clean-up on a signal and at exit ------------------------------------ */

static int hang_fd = -1;

static ssize_t write_then_hang(int fd, const void *b, size_t n)
{
	ssize_t w = write(fd, b, n < 4096 ? n : 4096);

	if (hang_fd >= 0) {
		if (write(hang_fd, "x", 1) != 1)
			_exit(101);
		close(hang_fd);
		hang_fd = -1;
	}
	pause();
	return w;
}

static void on_int(int sig)
{
	mb_write_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void test_signal_cleanup(void **state)
{
	struct fx_dir *f = *state;
	int pfd[2], status;
	char c;
	pid_t pid;

	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct mb_write_io io = { write_then_hang, NULL, NULL, NULL };
		struct mb_write_opts o = { 0 };
		struct mb_write_result r;
		struct mb_error e;

		close(pfd[0]);
		hang_fd = pfd[1];
		signal(SIGINT, on_int);
		mb_write_set_io(&io);
		fx_replace(f, &o, &r, &e);
		_exit(102);
	}
	close(pfd[1]);
	assert_int_equal(read(pfd[0], &c, 1), 1);
	close(pfd[0]);
	/* mid-write: the lock and the temp file exist */
	assert_int_equal(fx_entries(f->dir, NULL, 0), 3);
	assert_int_equal(kill(pid, SIGINT), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGINT);
	assert_int_equal(fx_entries(f->dir, NULL, 0), 1);
	assert_string_equal(fx_slurp(f->file), fx_old);
}

static void test_exit_cleanup(void **state)
{
	struct fx_dir *f = *state;
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct mb_error e;
		char *lp;

		atexit(mb_write_cleanup);
		if (mb_write_lock(f->file, 0, &lp, NULL, 0, &e))
			_exit(50);
		exit(0); /* lock still held: removed at exit */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(fx_entries(f->dir, NULL, 0), 1);
}

/* ---- read-only files, backups -------------------------------------------- */

static void test_readonly_refused(void **state)
{
	struct fx_dir *f = *state;
	struct mb_write_opts o = { 0 };
	struct mb_write_result r;
	struct mb_error e;
	struct stat st;

	assert_int_equal(chmod(f->file, 0444), 0);
	assert_int_equal(fx_replace(f, &o, &r, &e), MB_EFILE);
	assert_non_null(strstr(e.reason, "read-only (mode 0444)"));
	assert_non_null(strstr(e.reason, "--force"));
	assert_string_equal(fx_slurp(f->file), fx_old);
	assert_int_equal(fx_entries(f->dir, NULL, 0), 1);
	o.force = 1;
	o.no_backup = 1;
	assert_int_equal(fx_replace(f, &o, &r, &e), MB_OK);
	assert_string_equal(fx_slurp(f->file), fx_new);
	assert_int_equal(stat(f->file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0444);
}

static void test_keep_backups(void **state)
{
	struct fx_dir *f = *state;
	static const char *const old[] = {
		"MetaBase.xml.mbtool-20200101T000000Z.bak",
		"MetaBase.xml.mbtool-20200101T000000Z-2.bak",
		"MetaBase.xml.mbtool-20210101T000000Z.bak",
		"MetaBase.xml.mbtool-20220101T000000Z.bak",
	};
	struct mb_write_opts o = { 0 };
	struct mb_write_result r;
	struct mb_error e;
	char path[300];
	size_t i;

	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", f->dir, old[i]);
		fx_put(path, fx_old, 0640);
	}
	snprintf(path, sizeof(path), "%s/MetaBase.xml.mbtool-notes.bak",
		 f->dir);
	fx_put(path, "not a backup of ours", 0640);
	o.keep_backups = 2;
	assert_int_equal(fx_replace(f, &o, &r, &e), MB_OK);
	assert_int_equal(r.pruned, 3);
	assert_int_equal(access(r.backup, F_OK), 0);
	snprintf(path, sizeof(path), "%s/%s", f->dir, old[3]);
	assert_int_equal(access(path, F_OK), 0);
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", f->dir, old[i]);
		assert_int_equal(access(path, F_OK), -1);
	}
	/* the file, two backups, the file that only looks like one */
	assert_int_equal(fx_entries(f->dir, NULL, 0), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(test_lock_race),
		FX_TEST(test_live_lock_unbreakable),
		FX_TEST(test_pid_reused_lock),
		FX_TEST(test_signal_cleanup),
		FX_TEST(test_exit_cleanup),
		FX_TEST(test_readonly_refused),
		FX_TEST(test_keep_backups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
