/* SPDX-License-Identifier: MIT */
/* Shared helpers of the file-writing cmocka tests (fixture.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "mb/hiveset.h"

const char fx_old[] = "line 1\nline 2\nline 3\n";
const char fx_new[] = "line 1\nline two\nline 3\n";

void fx_corpus_absent(void)
{
	const char *need = getenv("MB_REQUIRE_CORPUS");
	const char *dir = getenv("MB_CORPUS");

	if (need && strcmp(need, "1") == 0)
		fail_msg("the corpus is absent at '%s' (MB_REQUIRE_CORPUS=1)",
			 dir ? dir : "(MB_CORPUS unset)");
	skip();
}

static char gen_dir[64];

const char *fx_mbgen(const char *args)
{
	static char path[128];
	const char *gen = getenv("MBGEN");
	char cmd[8192];

	if (!gen)
		fail_msg("MBGEN is unset (meson test sets it)");
	fx_mbgen_done();
	snprintf(gen_dir, sizeof(gen_dir), "/tmp/mbgen-XXXXXX");
	assert_non_null(mkdtemp(gen_dir));
	snprintf(path, sizeof(path), "%s/MetaBase.xml", gen_dir);
	snprintf(cmd, sizeof(cmd), "cd '%s' && '%s' %s -o MetaBase.xml",
		 gen_dir, gen, args);
	assert_int_equal(system(cmd), 0);
	return path;
}

const char *fx_mbgen_dir(void)
{
	return gen_dir;
}

void fx_mbgen_done(void)
{
	char cmd[128];

	if (!gen_dir[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", gen_dir);
	assert_int_equal(system(cmd), 0);
	gen_dir[0] = '\0';
}

void fx_put(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

char *fx_slurp(const char *path)
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

/* Visit dir's entries (not . and ..): the count; the last name with part. */
static int scan(const char *dir, const char *part, char *out, size_t n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int count = 0;

	assert_non_null(d);
	if (out)
		out[0] = '\0';
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		count++;
		if (out && strstr(e->d_name, part))
			snprintf(out, n, "%s/%s", dir, e->d_name);
	}
	closedir(d);
	return count;
}

int fx_entries(const char *dir, char *bak, size_t n)
{
	return scan(dir, ".bak", bak, n);
}

int fx_find(const char *dir, const char *part, char *out, size_t n)
{
	scan(dir, part, out, n);
	return out[0] ? 0 : -1;
}

int fx_setup(void **state)
{
	struct fx_dir *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/mbtest-write-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->file, sizeof(f->file), "%s/MetaBase.xml", f->dir);
	fx_put(f->file, fx_old, 0640);
	*state = f;
	return 0;
}

int fx_teardown(void **state)
{
	struct fx_dir *f = *state;
	char cmd[160];

	mb_write_set_io(NULL);
	chmod(f->dir, 0755);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

enum mb_status fx_replace_at(const char *path, struct mb_write_opts *o,
			     struct mb_write_result *r, struct mb_error *e)
{
	mb_error_clear(e);
	return mb_write_replace(path, fx_old, strlen(fx_old), fx_new,
				strlen(fx_new), o, r, e);
}

enum mb_status fx_replace(struct fx_dir *f, struct mb_write_opts *o,
			  struct mb_write_result *r, struct mb_error *e)
{
	return fx_replace_at(f->file, o, r, e);
}

int fx_child_write(struct fx_dir *f, int break_lock, char *reason, size_t n)
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
		st = fx_replace(f, &o, &r, &e);
		/* the error's reason, or the note of a write that worked */
		if (write(pfd[1], st ? e.reason : r.note,
			  strlen(st ? e.reason : r.note)) < 0)
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

void fx_assert_untouched(struct fx_dir *f, const struct mb_error *e,
			 const char *reason_part)
{
	struct stat st;

	assert_int_equal(e->status, MB_EFILE);
	if (!strstr(e->reason, reason_part))
		fail_msg("'%s' not in: %s", reason_part, e->reason);
	assert_string_equal(fx_slurp(f->file), fx_old);
	assert_int_equal(fx_entries(f->dir, NULL, 0), 1);
	assert_int_equal(stat(f->file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
}

void fx_run_failing(struct fx_dir *f, const struct mb_write_io *io,
		    const char *reason_part)
{
	struct mb_write_opts o = { 0 };
	struct mb_write_result r;
	struct mb_error e;

	mb_write_set_io(io);
	assert_int_equal(fx_replace(f, &o, &r, &e), MB_EFILE);
	mb_write_set_io(NULL);
	fx_assert_untouched(f, &e, reason_part);
	assert_string_equal(r.backup, "");
}

int fx_pwcmp(const struct mb_hiveset *hs, const char *user, const char *pw)
{
	const struct mb_hs_user *u = mb_hiveset_user(hs, user);
	enum mb_pwcmp r = MB_PW_DIFFERS;
	struct mb_error e;

	assert_non_null(u);
	assert_int_equal(mb_hiveset_password(u, pw, strlen(pw), &r, &e),
			 MB_OK);
	return (int)r;
}
