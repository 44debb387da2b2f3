/* SPDX-License-Identifier: MIT */
/*
 * Safe writes: backup, mode kept, nothing left behind on failure (write,
 * fsync, rename and link failures injected through mb_write_set_io, a full
 * disk through RLIMIT_FSIZE, a read-only folder), lock contention between
 * processes, stale locks, concurrent changes, symlinks, and the diff.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mb/write.h"

static const char old_text[] = "line 1\nline 2\nline 3\n";
static const char new_text[] = "line 1\nline two\nline 3\n";

struct fixture {
	char dir[64];
	char file[128];
};

static void put_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static char *slurp(const char *path)
{
	static char buf[1 << 17];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* Entries of the folder other than . and .., and the first .bak name. */
static int count_entries(const char *dir, char *bak, size_t n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int count = 0;

	assert_non_null(d);
	if (bak)
		bak[0] = '\0';
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		count++;
		if (bak && strstr(e->d_name, ".bak"))
			snprintf(bak, n, "%s/%s", dir, e->d_name);
	}
	closedir(d);
	return count;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	strcpy(f->dir, "/tmp/mbtest-write-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->file, sizeof(f->file), "%s/MetaBase.xml", f->dir);
	put_file(f->file, old_text, 0640);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[160];

	mb_write_set_io(NULL);
	chmod(f->dir, 0755);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static enum mb_status replace(struct fixture *f, struct mb_write_opts *o,
			      struct mb_write_result *r, struct mb_error *e)
{
	mb_error_clear(e);
	return mb_write_replace(f->file, old_text, strlen(old_text), new_text,
				strlen(new_text), o, r, e);
}

static void test_write_backup_mode(void **state)
{
	struct fixture *f = *state;
	struct mb_write_opts o = { 0 };
	struct mb_write_result r;
	struct mb_error e;
	struct stat st;
	char bak[512];

	assert_int_equal(replace(f, &o, &r, &e), MB_OK);
	assert_true(r.changed);
	assert_string_equal(slurp(f->file), new_text);
	assert_int_equal(stat(f->file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	/* the file and its backup: no temp file, no lock */
	assert_int_equal(count_entries(f->dir, bak, sizeof(bak)), 2);
	assert_string_equal(r.backup, bak);
	assert_non_null(strstr(bak, "MetaBase.xml.mbtool-"));
	assert_string_equal(slurp(bak), old_text);
}

/* Only root can hand a file to another owner: elsewhere, nothing to do. */
static void test_owner_kept(void **state)
{
	struct fixture *f = *state;
	struct mb_write_opts o = { 0 };
	struct mb_write_result r;
	struct mb_error e;
	struct stat st;

	if (geteuid() != 0 || chown(f->file, 65534, 65534) != 0)
		skip();
	assert_int_equal(replace(f, &o, &r, &e), MB_OK);
	assert_int_equal(stat(f->file, &st), 0);
	assert_int_equal(st.st_uid, 65534);
	assert_int_equal(st.st_gid, 65534);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_string_equal(slurp(f->file), new_text);
}

static void test_no_backup_unchanged(void **state)
{
	struct fixture *f = *state;
	struct mb_write_opts o = { 0 };
	struct mb_write_result r;
	struct mb_error e;

	o.no_backup = 1;
	assert_int_equal(replace(f, &o, &r, &e), MB_OK);
	assert_int_equal(count_entries(f->dir, NULL, 0), 1);
	/* the same bytes again: nothing written at all */
	assert_int_equal(mb_write_bytes(f->file, new_text, strlen(new_text),
					&o, &r, &e), MB_OK);
	assert_false(r.changed);
	o.no_backup = 0;
	assert_int_equal(mb_write_bytes(f->file, new_text, strlen(new_text),
					&o, &r, &e), MB_OK);
	assert_int_equal(count_entries(f->dir, NULL, 0), 1);
}

static void test_dry_run(void **state)
{
	struct fixture *f = *state;
	struct mb_write_opts o = { 0 };
	struct mb_write_result r;
	struct mb_error e;
	struct mb_buf diff;

	mb_buf_init(&diff);
	o.dry_run = 1;
	o.diff = &diff;
	assert_int_equal(replace(f, &o, &r, &e), MB_OK);
	assert_true(r.changed);
	assert_string_equal(diff.data,
		"--- a/MetaBase.xml\n+++ b/MetaBase.xml\n@@ -1,3 +1,3 @@\n"
		" line 1\n-line 2\n+line two\n line 3\n");
	assert_string_equal(slurp(f->file), old_text);
	assert_int_equal(count_entries(f->dir, NULL, 0), 1);
	mb_buf_release(&diff);
}

/* ---- injected failures --------------------------------------------------- */

static int fail_errno;

static ssize_t bad_write(int fd, const void *p, size_t n)
{
	(void)fd;
	(void)p;
	(void)n;
	errno = fail_errno;
	return -1;
}

static int bad_fsync(int fd)
{
	(void)fd;
	errno = EIO;
	return -1;
}

static int bad_rename(const char *a, const char *b)
{
	(void)a;
	(void)b;
	errno = EXDEV;
	return -1;
}

static int bad_link(const char *a, const char *b)
{
	(void)a;
	(void)b;
	errno = fail_errno;
	return -1;
}

/* The original byte-identical, and nothing else in the folder. */
static void assert_untouched(struct fixture *f, const struct mb_error *e,
			     const char *reason_part)
{
	struct stat st;

	assert_int_equal(e->status, MB_EFILE);
	assert_non_null(strstr(e->reason, reason_part));
	assert_string_equal(slurp(f->file), old_text);
	assert_int_equal(count_entries(f->dir, NULL, 0), 1);
	assert_int_equal(stat(f->file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
}

static void run_failing(struct fixture *f, const struct mb_write_io *io,
			const char *reason_part)
{
	struct mb_write_opts o = { 0 };
	struct mb_write_result r;
	struct mb_error e;

	mb_write_set_io(io);
	assert_int_equal(replace(f, &o, &r, &e), MB_EFILE);
	mb_write_set_io(NULL);
	assert_untouched(f, &e, reason_part);
	assert_string_equal(r.backup, "");
}

static void test_disk_full_injected(void **state)
{
	struct mb_write_io io = { .write = bad_write };

	fail_errno = ENOSPC;
	run_failing(*state, &io, "free some space");
}

static void test_readonly_injected(void **state)
{
	struct mb_write_io io = { .write = bad_write };

	fail_errno = EROFS;
	run_failing(*state, &io, "folder must be writable");
}

static void test_fsync_fails(void **state)
{
	struct mb_write_io io = { .fsync = bad_fsync };

	run_failing(*state, &io, "fsync");
}

static void test_rename_fails(void **state)
{
	/* the backup was already made: it must go too */
	struct mb_write_io io = { .rename = bad_rename };

	run_failing(*state, &io, "cannot rename");
}

static void test_backup_fails(void **state)
{
	struct mb_write_io io = { .link = bad_link };

	fail_errno = EIO;
	run_failing(*state, &io, "--no-backup");
}

static void test_backup_copy_fallback(void **state)
{
	struct fixture *f = *state;
	struct mb_write_io io = { .link = bad_link };
	struct mb_write_opts o = { 0 };
	struct mb_write_result r;
	struct mb_error e;

	fail_errno = EPERM; /* a file system without hard links */
	mb_write_set_io(&io);
	assert_int_equal(replace(f, &o, &r, &e), MB_OK);
	mb_write_set_io(NULL);
	assert_string_equal(slurp(r.backup), old_text);
	assert_string_equal(slurp(f->file), new_text);
}

/* A real short write: the file size limit, as a nearly full disk. */
static void test_disk_full_rlimit(void **state)
{
	struct fixture *f = *state;
	static char big[40000];
	int status;
	pid_t pid;

	memset(big, 'x', sizeof(big) - 1);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = { 4096, 4096 };
		struct mb_write_opts o = { 0 };
		struct mb_write_result r;
		struct mb_error e;

		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		_exit(mb_write_replace(f->file, old_text, strlen(old_text),
				       big, strlen(big), &o, &r, &e));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), MB_EFILE);
	assert_string_equal(slurp(f->file), old_text);
	assert_int_equal(count_entries(f->dir, NULL, 0), 1);
}

/*
 * Root ignores a folder's mode, so as root the write runs in a child that
 * has become "nobody" first; if that is impossible the test is skipped
 * (test_readonly_injected still covers the error path).
 */
static void test_readonly_folder(void **state)
{
	struct fixture *f = *state;
	int status;
	pid_t pid;

	assert_int_equal(chmod(f->file, 0644), 0);
	assert_int_equal(chmod(f->dir, 0555), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct mb_write_opts o = { 0 };
		struct mb_write_result r;
		struct mb_error e;

		if (access(f->dir, W_OK) == 0 &&
		    (setgid(65534) != 0 || setuid(65534) != 0 ||
		     access(f->dir, W_OK) == 0))
			_exit(77);
		_exit(replace(f, &o, &r, &e) == MB_EFILE &&
		      strstr(e.reason, "folder must be writable") ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	chmod(f->dir, 0755);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_string_equal(slurp(f->file), old_text);
	assert_int_equal(count_entries(f->dir, NULL, 0), 1);
}

static void test_not_a_folder(void **state)
{
	struct fixture *f = *state;
	struct mb_write_opts o = { 0 };
	struct mb_write_result r;
	struct mb_error e;
	char path[200];

	/* a file where the folder should be: fails even for root */
	snprintf(path, sizeof(path), "%s/MetaBase.xml/inner.xml", f->dir);
	assert_int_equal(mb_write_bytes(path, new_text, strlen(new_text), &o,
					&r, &e), MB_EFILE);
	assert_string_equal(slurp(f->file), old_text);
	assert_int_equal(count_entries(f->dir, NULL, 0), 1);
}

/* ---- locks and concurrent changes ---------------------------------------- */

static int child_write(struct fixture *f, int break_lock, char *reason,
		       size_t n)
{
	int pfd[2], status;
	pid_t pid;
	ssize_t got;

	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct mb_write_opts o = { 0 };
		struct mb_write_result r;
		struct mb_error e;
		enum mb_status st;

		o.break_lock = break_lock;
		o.no_backup = 1;
		st = replace(f, &o, &r, &e);
		if (write(pfd[1], e.reason, strlen(e.reason)) < 0)
			_exit(100);
		_exit(st);
	}
	close(pfd[1]);
	got = read(pfd[0], reason, n - 1);
	reason[got > 0 ? got : 0] = '\0';
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_lock_contention(void **state)
{
	struct fixture *f = *state;
	struct mb_error e;
	char *lock, reason[1100], pid[32];

	assert_int_equal(mb_write_lock(f->file, 0, &lock, &e), MB_OK);
	assert_int_equal(child_write(f, 1, reason, sizeof(reason)), MB_EFILE);
	snprintf(pid, sizeof(pid), "process %ld", (long)getpid());
	assert_non_null(strstr(reason, pid));
	assert_non_null(strstr(reason, "running"));
	assert_string_equal(slurp(f->file), old_text);
	mb_write_unlock(lock);
	assert_int_equal(child_write(f, 0, reason, sizeof(reason)), MB_OK);
	assert_string_equal(slurp(f->file), new_text);
	assert_int_equal(count_entries(f->dir, NULL, 0), 1);
}

static void test_stale_lock(void **state)
{
	struct fixture *f = *state;
	char reason[1100], lock[200];
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		char *lp;
		struct mb_error e;

		/* take the lock and die holding it */
		_exit(mb_write_lock(f->file, 0, &lp, &e));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), MB_OK);
	snprintf(lock, sizeof(lock), "%s.lock", f->file);
	assert_int_equal(access(lock, F_OK), 0);
	assert_int_equal(child_write(f, 0, reason, sizeof(reason)), MB_EFILE);
	assert_non_null(strstr(reason, "stale lock"));
	assert_non_null(strstr(reason, "--break-lock"));
	assert_int_equal(access(lock, F_OK), 0); /* never removed silently */
	assert_int_equal(child_write(f, 1, reason, sizeof(reason)), MB_OK);
	assert_string_equal(slurp(f->file), new_text);
	assert_int_equal(access(lock, F_OK), -1);
}

static void test_changed_meanwhile(void **state)
{
	struct fixture *f = *state;
	struct mb_write_opts o = { 0 };
	struct mb_write_result r;
	struct mb_error e;

	put_file(f->file, "someone else\n", 0640);
	assert_int_equal(replace(f, &o, &r, &e), MB_EFILE);
	assert_non_null(strstr(e.reason, "changed since"));
	assert_string_equal(slurp(f->file), "someone else\n");
	assert_int_equal(count_entries(f->dir, NULL, 0), 1);
}

static void test_symlink_kept(void **state)
{
	struct fixture *f = *state;
	struct mb_write_opts o = { 0 };
	struct mb_write_result r;
	struct mb_error e;
	char link_path[200];
	struct stat st;

	snprintf(link_path, sizeof(link_path), "%s/link.xml", f->dir);
	assert_int_equal(symlink("MetaBase.xml", link_path), 0);
	o.no_backup = 1;
	assert_int_equal(mb_write_replace(link_path, old_text,
					  strlen(old_text), new_text,
					  strlen(new_text), &o, &r, &e), MB_OK);
	assert_int_equal(lstat(link_path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_string_equal(slurp(f->file), new_text);
}

/* ---- diff ------------------------------------------------------------------ */

static void check_diff(const char *a, const char *b, const char *want)
{
	struct mb_buf out;

	mb_buf_init(&out);
	mb_write_diff(&out, "f", a, strlen(a), b, strlen(b));
	assert_string_equal(out.data ? out.data : "", want);
	mb_buf_release(&out);
}

static void test_diff_shapes(void **state)
{
	(void)state;
	check_diff("a\nb\n", "a\nb\n", "");
	check_diff("", "x\n", "--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+x\n");
	check_diff("x\n", "", "--- a/f\n+++ b/f\n@@ -1 +0,0 @@\n-x\n");
	check_diff("a\nb", "a\nc",
		   "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n"
		   "\\ No newline at end of file\n+c\n"
		   "\\ No newline at end of file\n");
	/* an insertion at the top, and two hunks far apart */
	check_diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n",
		   "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\nX\n",
		   "--- a/f\n+++ b/f\n@@ -1,3 +1,4 @@\n+0\n 1\n 2\n 3\n"
		   "@@ -9,4 +10,4 @@\n 9\n 10\n 11\n-12\n+X\n");
}

static void test_diff_moved_block(void **state)
{
	/* unique lines anchor the diff: a moved key is one - and one + run */
	(void)state;
	check_diff("<A>\nx\n</A>\n<B>\ny\n</B>\n<C>\nz\n</C>\n",
		   "<B>\ny\n</B>\n<A>\nx\n</A>\n<C>\nz\n</C>\n",
		   "--- a/f\n+++ b/f\n@@ -1,9 +1,9 @@\n-<A>\n-x\n-</A>\n"
		   " <B>\n y\n </B>\n+<A>\n+x\n+</A>\n <C>\n z\n </C>\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_backup_mode, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_owner_kept, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_backup_unchanged,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_dry_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disk_full_injected, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_readonly_injected, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fsync_fails, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rename_fails, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_backup_fails, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_backup_copy_fallback,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_disk_full_rlimit, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_readonly_folder, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_not_a_folder, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lock_contention, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stale_lock, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_changed_meanwhile, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_symlink_kept, setup,
						teardown),
		cmocka_unit_test(test_diff_shapes),
		cmocka_unit_test(test_diff_moved_block),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
