/* SPDX-License-Identifier: MIT */
/*
 * Safe writes: backup, mode kept, nothing left behind on failure (write,
 * rename and link failures injected through mb_write_set_io, a full disk
 * through RLIMIT_FSIZE, a read-only folder), stale locks (contention:
 * test_lock.c), and concurrent changes (the diff: test_diff.c). Killed writes,
 * files replaced under a write, failing fsyncs and symlinks: test_fault.c.
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
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "mb/diff.h"
#include "mb/doc.h"
#include "mb/schema.h"
#include "mb/txn.h"
#include "mb/write.h"

static void test_write_backup_mode(void **state)
{
	struct fx_dir *f = *state;
	struct mb_write_opts o = { 0 };
	struct mb_write_result r;
	struct mb_error e;
	struct stat st;
	char bak[512];

	assert_int_equal(fx_replace(f, &o, &r, &e), MB_OK);
	assert_true(r.changed);
	assert_string_equal(fx_slurp(f->file), fx_new);
	assert_int_equal(stat(f->file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	/* the file and its backup: no temp file, no lock */
	assert_int_equal(fx_entries(f->dir, bak, sizeof(bak)), 2);
	assert_string_equal(r.backup, bak);
	assert_non_null(strstr(bak, "MetaBase.xml.mbtool-"));
	assert_string_equal(fx_slurp(bak), fx_old);
}

/* Only root can hand a file to another owner: elsewhere, nothing to do. */
static void test_owner_kept(void **state)
{
	struct fx_dir *f = *state;
	struct mb_write_opts o = { 0 };
	struct mb_write_result r;
	struct mb_error e;
	struct stat st;

	if (geteuid() != 0 || chown(f->file, 65534, 65534) != 0)
		skip();
	assert_int_equal(fx_replace(f, &o, &r, &e), MB_OK);
	assert_int_equal(stat(f->file, &st), 0);
	assert_int_equal(st.st_uid, 65534);
	assert_int_equal(st.st_gid, 65534);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_string_equal(fx_slurp(f->file), fx_new);
}

static void test_no_backup_unchanged(void **state)
{
	struct fx_dir *f = *state;
	struct mb_write_opts o = { 0 };
	struct mb_write_result r;
	struct mb_error e;

	o.no_backup = 1;
	assert_int_equal(fx_replace(f, &o, &r, &e), MB_OK);
	assert_int_equal(fx_entries(f->dir, NULL, 0), 1);
	/* the same bytes again: nothing written at all */
	assert_int_equal(mb_write_bytes(f->file, fx_new, strlen(fx_new),
					&o, &r, &e), MB_OK);
	assert_false(r.changed);
	o.no_backup = 0;
	assert_int_equal(mb_write_bytes(f->file, fx_new, strlen(fx_new),
					&o, &r, &e), MB_OK);
	assert_int_equal(fx_entries(f->dir, NULL, 0), 1);
}

static void test_dry_run(void **state)
{
	struct fx_dir *f = *state;
	struct mb_write_opts o = { 0 };
	struct mb_write_result r;
	struct mb_error e;
	struct mb_buf diff;

	mb_buf_init(&diff);
	o.dry_run = 1;
	o.diff = &diff;
	assert_int_equal(fx_replace(f, &o, &r, &e), MB_OK);
	assert_true(r.changed);
	assert_string_equal(diff.data,
		"--- a/MetaBase.xml\n+++ b/MetaBase.xml\n@@ -1,3 +1,3 @@\n"
		" line 1\n-line 2\n+line two\n line 3\n");
	assert_string_equal(fx_slurp(f->file), fx_old);
	assert_int_equal(fx_entries(f->dir, NULL, 0), 1);
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

static void test_disk_full_injected(void **state)
{
	struct mb_write_io io = { .write = bad_write };

	fail_errno = ENOSPC;
	fx_run_failing(*state, &io, "free some space");
}

static void test_readonly_injected(void **state)
{
	struct mb_write_io io = { .write = bad_write };

	fail_errno = EROFS;
	fx_run_failing(*state, &io, "folder must be writable");
}

static void test_rename_fails(void **state)
{
	/* the backup was already made: it must go too */
	struct mb_write_io io = { .rename = bad_rename };

	fx_run_failing(*state, &io, "cannot rename");
}

static void test_backup_fails(void **state)
{
	struct mb_write_io io = { .link = bad_link };

	fail_errno = EIO;
	fx_run_failing(*state, &io, "--no-backup");
}

static void test_backup_copy_fallback(void **state)
{
	struct fx_dir *f = *state;
	struct mb_write_io io = { .link = bad_link };
	struct mb_write_opts o = { 0 };
	struct mb_write_result r;
	struct mb_error e;

	fail_errno = EPERM; /* a file system without hard links */
	mb_write_set_io(&io);
	assert_int_equal(fx_replace(f, &o, &r, &e), MB_OK);
	mb_write_set_io(NULL);
	assert_string_equal(fx_slurp(r.backup), fx_old);
	assert_string_equal(fx_slurp(f->file), fx_new);
}

/* A real short write: the file size limit, as a nearly full disk. */
static void test_disk_full_rlimit(void **state)
{
	struct fx_dir *f = *state;
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
		_exit(mb_write_replace(f->file, fx_old, strlen(fx_old),
				       big, strlen(big), &o, &r, &e));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), MB_EFILE);
	assert_string_equal(fx_slurp(f->file), fx_old);
	assert_int_equal(fx_entries(f->dir, NULL, 0), 1);
}

/*
 * Root ignores a folder's mode, so as root the write runs in a child that
 * has become "nobody" first; if that is impossible the test is skipped
 * (test_readonly_injected still covers the error path).
 */
static void test_readonly_folder(void **state)
{
	struct fx_dir *f = *state;
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
		_exit(fx_replace(f, &o, &r, &e) == MB_EFILE &&
		      strstr(e.reason, "folder must be writable") ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	chmod(f->dir, 0755);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_string_equal(fx_slurp(f->file), fx_old);
	assert_int_equal(fx_entries(f->dir, NULL, 0), 1);
}

static void test_not_a_folder(void **state)
{
	struct fx_dir *f = *state;
	struct mb_write_opts o = { 0 };
	struct mb_write_result r;
	struct mb_error e;
	char path[200];

	/* a file where the folder should be: fails even for root */
	snprintf(path, sizeof(path), "%s/MetaBase.xml/inner.xml", f->dir);
	assert_int_equal(mb_write_bytes(path, fx_new, strlen(fx_new), &o,
					&r, &e), MB_EFILE);
	assert_string_equal(fx_slurp(f->file), fx_old);
	assert_int_equal(fx_entries(f->dir, NULL, 0), 1);
}

/* ---- locks and concurrent changes ---------------------------------------- */

static void test_stale_lock(void **state)
{
	struct fx_dir *f = *state;
	char reason[1100], lock[200];
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		char *lp;
		struct mb_error e;

		/* take the lock and die holding it */
		_exit(mb_write_lock(f->file, 0, &lp, NULL, 0, &e));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), MB_OK);
	snprintf(lock, sizeof(lock), "%s.lock", f->file);
	assert_int_equal(access(lock, F_OK), 0);
	/* its process is gone: the next write takes it over and says so */
	assert_int_equal(fx_child_write(f, 0, reason, sizeof(reason)), MB_OK);
	assert_non_null(strstr(reason, "took over the stale lock"));
	assert_non_null(strstr(reason, lock));
	assert_string_equal(fx_slurp(f->file), fx_new);
	assert_int_equal(access(lock, F_OK), -1);
}

static void test_changed_meanwhile(void **state)
{
	struct fx_dir *f = *state;
	struct mb_write_opts o = { 0 };
	struct mb_write_result r;
	struct mb_error e;

	fx_put(f->file, "someone else\n", 0640);
	assert_int_equal(fx_replace(f, &o, &r, &e), MB_EFILE);
	assert_non_null(strstr(e.reason, "changed since"));
	assert_string_equal(fx_slurp(f->file), "someone else\n");
	assert_int_equal(fx_entries(f->dir, NULL, 0), 1);
}

/*
 * The caller let the old bytes go (old == NULL) and kept what its edits
 * replaced: the file under the lock is compared with the new bytes with
 * the edits undone, piece by piece. Same-length different bytes, a file
 * one byte longer or shorter are caught, identical new bytes write
 * nothing, and the matching file is replaced.
 */
static enum mb_status replace_by_undo(struct fx_dir *f, const char *seen,
				      const char *data,
				      struct mb_write_result *r,
				      struct mb_error *e)
{
	struct mb_write_opts o = { 0 };
	struct mb_doc d = { 0 };
	struct mb_edits ed;
	struct mb_buf out;
	size_t n = strlen(seen), m = strlen(data), pre = 0, suf = 0;
	enum mb_status st;

	while (pre < n && pre < m && seen[pre] == data[pre])
		pre++;
	while (suf < n - pre && suf < m - pre &&
	       seen[n - 1 - suf] == data[m - 1 - suf])
		suf++;
	d.path = f->file;
	d.buf = (char *)seen;
	d.len = n;
	mb_edits_init(&ed);
	mb_buf_init(&out);
	/* the change, and edits that change nothing around it */
	assert_int_equal(mb_edits_add(&ed, 0, 0, "", 0), 0);
	assert_int_equal(mb_edits_add(&ed, (uint32_t)pre, (uint32_t)(n - suf),
				      data + pre, m - pre - suf), 0);
	assert_int_equal(mb_edits_add(&ed, (uint32_t)n - 1, (uint32_t)n,
				      seen + n - 1, 1), 0);
	assert_int_equal(mb_doc_splice(&d, &ed, &out, e), MB_OK);
	assert_string_equal(out.data, data);
	assert_int_equal(mb_edits_keep_old(&ed, &d), 0);
	o.no_backup = 1;
	o.undo = &ed;
	mb_error_clear(e);
	st = mb_write_replace(f->file, NULL, n, out.data, out.len, &o, r, e);
	mb_edits_release(&ed);
	mb_buf_release(&out);
	return st;
}

static void test_changed_meanwhile_undo(void **state)
{
	struct fx_dir *f = *state;
	struct mb_write_result r;
	struct mb_error e;
	char other[4096];
	size_t n = strlen(fx_old), i;

	/* The same length, one byte different, anywhere. */
	assert_true(n + 1 < sizeof(other));
	for (i = 0; i < n; i += n / 7) {
		strcpy(other, fx_old);
		other[i] ^= 1;
		fx_put(f->file, other, 0640);
		assert_int_equal(replace_by_undo(f, fx_old, fx_new, &r, &e),
				 MB_EFILE);
		assert_non_null(strstr(e.reason, "changed since"));
		assert_string_equal(fx_slurp(f->file), other);
	}
	/* One byte more, one byte less. */
	strcpy(other, fx_old);
	strcat(other, "\n");
	fx_put(f->file, other, 0640);
	assert_int_equal(replace_by_undo(f, fx_old, fx_new, &r, &e), MB_EFILE);
	other[n - 1] = '\0';
	fx_put(f->file, other, 0640);
	assert_int_equal(replace_by_undo(f, fx_old, fx_new, &r, &e), MB_EFILE);
	assert_string_equal(fx_slurp(f->file), other);
	assert_int_equal(fx_entries(f->dir, NULL, 0), 1);
	/* Nothing to change: no write at all. */
	fx_put(f->file, fx_old, 0640);
	assert_int_equal(replace_by_undo(f, fx_old, fx_old, &r, &e), MB_OK);
	assert_false(r.changed);
	/* The file is what was read: replaced. */
	assert_int_equal(replace_by_undo(f, fx_old, fx_new, &r, &e), MB_OK);
	assert_true(r.changed);
	assert_string_equal(fx_slurp(f->file), fx_new);
	assert_int_equal(fx_entries(f->dir, NULL, 0), 1);
}

/* ---- a transaction that let the old bytes go --------------------------- */

static const char txn_old[] =
	"<?xml version =\"1.0\"?>\n<configuration xmlns="
	"\"urn:microsoft-catalog:XML_Metabase_V64_0\">\n<MBProperty>\n"
	"<IIS_Global\tLocation =\".\"\n\t>\n</IIS_Global>\n"
	"<IIsWebService\tLocation =\"/LM/W3SVC\"\n"
	"\t\tAnonymousUserName=\"IUSR_A\"\n\t>\n</IIsWebService>\n"
	"<IIsWebServer\tLocation =\"/LM/W3SVC/1\"\n"
	"\t\tAnonymousUserName=\"IUSR_B\"\n\t>\n</IIsWebServer>\n"
	"</MBProperty>\n</configuration>\n";

static const char txn_gone[] = "\n\t\tAnonymousUserName=\"IUSR_B\"";

static void to_buf(void *ctx, const char *p, size_t n)
{
	mb_buf_append(ctx, p, n);
}

/*
 * txn_old loaded, IUSR_A renamed and IUSR_B's attribute deleted, the file
 * then replaced by meanwhile (another program, after the load and before
 * the lock; NULL: nobody), and the change previewed (diff into d) or
 * committed (d NULL) with shed: the caller's bytes are let go, and what
 * the file must still be comes from the new bytes and the edits.
 */
static enum mb_status txn_run(struct fx_dir *f, const char *meanwhile,
			      struct mb_buf *d, struct mb_error *e)
{
	struct mb_doc *doc = NULL;
	struct mb_edits ed;
	struct mb_txn t;
	struct mb_write_opts o = { 0 };
	struct mb_write_result r;
	const char *b;
	enum mb_status st;

	fx_put(f->file, txn_old, 0640);
	mb_error_clear(e);
	assert_int_equal(mb_doc_load(f->file, mb_schema_builtin(), &doc, e),
			 MB_OK);
	mb_edits_init(&ed);
	b = strstr(doc->buf, "IUSR_A");
	assert_int_equal(mb_edits_add(&ed, (uint32_t)(b - doc->buf),
				      (uint32_t)(b - doc->buf) + 6, "IUSR_C",
				      6), 0);
	b = strstr(doc->buf, txn_gone);
	assert_int_equal(mb_edits_add(&ed, (uint32_t)(b - doc->buf),
				      (uint32_t)(b - doc->buf + strlen(txn_gone)),
				      "", 0), 0);
	if (meanwhile)
		fx_put(f->file, meanwhile, 0640);
	mb_txn_init(&t, doc, doc, &ed);
	t.shed = 1;
	o.no_backup = 1;
	st = d ? mb_txn_preview(&t, to_buf, d, &r, e) :
	     mb_txn_commit(&t, &o, &r, e);
	assert_null(doc->buf); /* the old bytes were let go */
	mb_edits_release(&ed);
	mb_doc_free(doc);
	return st;
}

static void test_txn_changed_meanwhile(void **state)
{
	struct fx_dir *f = *state;
	struct mb_error e;
	struct mb_buf d, want;
	char other[sizeof(txn_old)], *p;
	const char *where[] = { "IUSR_A", "IUSR_B", "IIS_Global", "/LM/W3SVC/1",
				"</configuration>" };
	size_t i;

	/* one byte changed: in what an edit replaced, or elsewhere */
	for (i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		strcpy(other, txn_old);
		other[strstr(other, where[i]) - other + 4] ^= 1;
		assert_int_equal(txn_run(f, other, NULL, &e), MB_EFILE);
		assert_non_null(strstr(e.reason, "changed since"));
		assert_string_equal(fx_slurp(f->file), other);
		assert_int_equal(fx_entries(f->dir, NULL, 0), 1);
	}
	/* nobody changed it: written */
	assert_int_equal(txn_run(f, NULL, NULL, &e), MB_OK);
	assert_non_null(strstr(fx_slurp(f->file), "IUSR_C"));
	assert_null(strstr(fx_slurp(f->file), "IUSR_B"));
	assert_int_equal(fx_entries(f->dir, NULL, 0), 1);
	/* the preview's diff, from the new bytes and the edits: the one of
	 * the two whole files */
	strcpy(other, txn_old);
	other[strstr(other, "IUSR_A") - other + 5] = 'C';
	p = strstr(other, txn_gone);
	memmove(p, p + strlen(txn_gone), strlen(p + strlen(txn_gone)) + 1);
	mb_buf_init(&d);
	mb_buf_init(&want);
	mb_diff_to_buf(&want, "MetaBase.xml", txn_old, strlen(txn_old), other,
		       strlen(other));
	assert_int_equal(txn_run(f, NULL, &d, &e), MB_OK);
	assert_non_null(want.data);
	assert_string_equal(d.data, want.data);
	assert_string_equal(fx_slurp(f->file), txn_old);
	mb_buf_release(&want);
	mb_buf_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(test_write_backup_mode),
		FX_TEST(test_owner_kept),
		FX_TEST(test_no_backup_unchanged),
		FX_TEST(test_dry_run),
		FX_TEST(test_disk_full_injected),
		FX_TEST(test_readonly_injected),
		FX_TEST(test_rename_fails),
		FX_TEST(test_backup_fails),
		FX_TEST(test_backup_copy_fallback),
		FX_TEST(test_disk_full_rlimit),
		FX_TEST(test_readonly_folder),
		FX_TEST(test_not_a_folder),
		FX_TEST(test_stale_lock),
		FX_TEST(test_changed_meanwhile),
		FX_TEST(test_changed_meanwhile_undo),
		FX_TEST(test_txn_changed_meanwhile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
