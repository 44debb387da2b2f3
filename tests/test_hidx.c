/* SPDX-License-Identifier: MIT */
/* The hash index (mb/hidx.h): finds, growth, equal hashes told apart. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "mb/hidx.h"

static char names[5000][16];

static int same(size_t item, const void *ctx)
{
	return strcmp(names[item], ctx) == 0;
}

static void test_find_and_grow(void **state)
{
	struct mb_hidx ix;
	size_t i;

	(void)state;
	mb_hidx_init(&ix);
	assert_int_equal(mb_hidx_find(&ix, 1, same, "x"), MB_HIDX_NONE);
	for (i = 0; i < 5000; i++) {
		snprintf(names[i], sizeof(names[i]), "Name%zu", i);
		assert_int_equal(mb_hidx_add(&ix, mb_hidx_fold(MB_HIDX_SEED,
				 names[i], strlen(names[i])), i), 0);
	}
	assert_int_equal(ix.n, 5000);
	assert_true(ix.cap >= 10000);
	for (i = 0; i < 5000; i++)
		assert_int_equal(mb_hidx_find(&ix, mb_hidx_fold(MB_HIDX_SEED,
				 names[i], strlen(names[i])), same, names[i]),
				 i);
	/* Folding: NAME7 hashes as name7 (the callback decides equality). */
	assert_int_equal(mb_hidx_fold(MB_HIDX_SEED, "NAME7", 5),
			 mb_hidx_fold(MB_HIDX_SEED, "name7", 5));
	assert_int_not_equal(mb_hidx_bytes(MB_HIDX_SEED, "NAME7", 5),
			     mb_hidx_bytes(MB_HIDX_SEED, "name7", 5));
	assert_int_equal(mb_hidx_find(&ix, 42, same, "Name1"), MB_HIDX_NONE);
	mb_hidx_free(&ix);
}

/* Items with one hash: every one still found by the callback. */
static void test_collisions(void **state)
{
	struct mb_hidx ix;
	size_t i;

	(void)state;
	mb_hidx_init(&ix);
	for (i = 0; i < 100; i++) {
		snprintf(names[i], sizeof(names[i]), "c%zu", i);
		assert_int_equal(mb_hidx_add(&ix, 7, i), 0);
	}
	for (i = 0; i < 100; i++)
		assert_int_equal(mb_hidx_find(&ix, 7, same, names[i]), i);
	assert_int_equal(mb_hidx_find(&ix, 7, same, "c100"), MB_HIDX_NONE);
	mb_hidx_free(&ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_and_grow),
		cmocka_unit_test(test_collisions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
