/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers of the cmocka tests that work on real files
 * (test_write.c, test_fault.c, test_edit.c): a temp folder holding a
 * MetaBase.xml, reading a file back, counting what a write left behind,
 * and a write run in a child process. Include after <cmocka.h>.
 */
#ifndef MB_TEST_FIXTURE_H
#define MB_TEST_FIXTURE_H

#include <stddef.h>
#include <sys/types.h>

#include "mb/write.h"

/* What the fixture's MetaBase.xml holds, and what the tests write. */
extern const char fx_old[];
extern const char fx_new[];

struct fx_dir {
	char dir[64];
	char file[128];   /* dir/MetaBase.xml, fx_old, mode 0640 */
};

/* cmocka setup/teardown: *state is a struct fx_dir, removed after. */
int fx_setup(void **state);
int fx_teardown(void **state);
#define FX_TEST(t) cmocka_unit_test_setup_teardown(t, fx_setup, fx_teardown)

/*
 * For a test that needs the corpus ($MB_CORPUS, the meson option 'corpus')
 * and did not find it: skipped (meson counts it through tests/cmocka_tap.py),
 * or failed when MB_REQUIRE_CORPUS=1 says the corpus must be there (CI).
 */
void fx_corpus_absent(void);

/*
 * The corpus's twins: runs $MBGEN (tests/mbgen.c) with args, a shell-quoted
 * line, in a new folder (where relative paths such as --manifest m.txt
 * land), writing MetaBase.xml there; its path (static; the folder stays
 * until fx_mbgen_done or the next call). The test fails if mbgen does.
 */
const char *fx_mbgen(const char *args);
/* A hive set's user (which must exist) against a password: its
 * enum mb_pwcmp (test_hive.c on the corpus, test_hivetwin.c on twins). */
struct mb_hiveset;
int fx_pwcmp(const struct mb_hiveset *hs, const char *user, const char *pw);
const char *fx_mbgen_dir(void);
void fx_mbgen_done(void);

void fx_put(const char *path, const char *text, mode_t mode);
/* The file's bytes in a static buffer (up to 128 KiB), NULL if absent. */
char *fx_slurp(const char *path);
/* Entries of dir other than . and ..; the last *.bak name into bak. */
int fx_entries(const char *dir, char *bak, size_t n);
/* The first entry of dir whose name contains part, into out; 0 or -1. */
int fx_find(const char *dir, const char *part, char *out, size_t n);

/* mb_write_replace of the fixture's file (or path) from fx_old to fx_new. */
enum mb_status fx_replace(struct fx_dir *f, struct mb_write_opts *o,
			  struct mb_write_result *r, struct mb_error *e);
enum mb_status fx_replace_at(const char *path, struct mb_write_opts *o,
			     struct mb_write_result *r, struct mb_error *e);
/*
 * fx_replace with no backup in a child process (a new PID, so that locks
 * taken by this one are foreign to it); its status, and its error's reason
 * (or, when it worked, the write's note) into reason.
 */
int fx_child_write(struct fx_dir *f, int break_lock, char *reason,
		   size_t n);

/*
 * Injected failures: the write fails with status MB_EFILE, its reason
 * contains reason_part, and the original is untouched with nothing else
 * in the folder.
 */
void fx_run_failing(struct fx_dir *f, const struct mb_write_io *io,
		    const char *reason_part);
void fx_assert_untouched(struct fx_dir *f, const struct mb_error *e,
			 const char *reason_part);

#endif
