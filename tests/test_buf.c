/* SPDX-License-Identifier: MIT */
/*
 * mb_buf leaves no plaintext in freed memory: every block the buffer gives
 * back is searched for the secret it held. The test is linked with
 * --wrap=free,--wrap=realloc (tests/meson.build), so every free of the
 * library comes here first, and realloc always moves (as glibc's does once
 * a block cannot grow in place), freeing the old block through the check.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "mb/buf.h"

void __real_free(void *p);
void *__real_realloc(void *p, size_t n);
void __wrap_free(void *p);
void *__wrap_realloc(void *p, size_t n);

static char secret[24];
static int watching;
static size_t leaked;

/* 1 when the n bytes at p hold the secret (memmem is not C11). */
static int holds_secret(const void *p, size_t n)
{
	const char *c = p;
	size_t k = strlen(secret), i;

	for (i = 0; k && i + k <= n; i++)
		if (memcmp(c + i, secret, k) == 0)
			return 1;
	return 0;
}

void __wrap_free(void *p)
{
	size_t n = p ? malloc_usable_size(p) : 0;

	if (watching && holds_secret(p, n))
		leaked++;
	__real_free(p);
}

void *__wrap_realloc(void *p, size_t n)
{
	void *q;
	size_t old;

	if (!p)
		return malloc(n);
	q = malloc(n);
	if (!q)
		return NULL;
	old = malloc_usable_size(p);
	memcpy(q, p, old < n ? old : n);
	__wrap_free(p);
	return q;
}

static void test_growth_wipes(void **state)
{
	struct mb_buf b;
	char filler[1000];
	int i;

	(void)state;
	/* Made at run time: no copy in the binary or in cmocka's output. */
	for (i = 0; i < 20; i++)
		secret[i] = (char)('a' + (i * 7) % 26);
	memset(filler, '.', sizeof(filler));
	leaked = 0;
	watching = 1;
	mb_buf_init(&b);
	mb_buf_printf(&b, "net user IUSR_X \"%s\"\n", secret);
	/* 64 bytes to 128 KB: eleven growths, each copying the secret. */
	for (i = 0; i < 128; i++)
		mb_buf_append(&b, filler, sizeof(filler));
	assert_false(mb_buf_failed(&b));
	assert_true(holds_secret(b.data, b.len));
	assert_int_equal(leaked, 0);
	mb_buf_wipe(&b);
	watching = 0;
	assert_int_equal(leaked, 0);
}

/*
 * mb_buf_printf formats straight into the room left and grows only when
 * the text does not fit: a text that fills the room to its last byte (the
 * NUL's), one a byte longer, and a secret cut off by the room, whose
 * partial copy must be wiped with the old block.
 */
static void test_printf_room(void **state)
{
	struct mb_buf b;
	char want[200];
	int i;

	(void)state;
	for (i = 0; i < 20; i++)
		secret[i] = (char)('a' + (i * 5) % 26);
	mb_buf_init(&b);
	mb_buf_append(&b, "0123456789", 10);
	/* cap 64: 53 bytes of room before the NUL */
	mb_buf_printf(&b, "%053d", 7);
	assert_int_equal(b.cap, 64);
	assert_int_equal(b.len, 63);
	mb_buf_printf(&b, "%s", "x");
	assert_int_equal(b.cap, 128);
	snprintf(want, sizeof(want), "0123456789%053dx", 7);
	assert_string_equal(b.data, want);
	leaked = 0;
	watching = 1;
	mb_buf_printf(&b, "%040d[%s]%030d", 1, secret, 2);
	watching = 0;
	assert_int_equal(leaked, 0);
	assert_int_equal(b.cap, 256);
	snprintf(want + strlen(want), sizeof(want) - strlen(want),
		 "%040d[%s]%030d", 1, secret, 2);
	assert_string_equal(b.data, want);
	assert_int_equal(b.len, strlen(want));
	assert_false(mb_buf_failed(&b));
	mb_buf_wipe(&b);
}

/* Nothing to add (an empty result's NULL data, as fleet.c passes it):
 * nothing changes, and memcpy never sees the NULL (the sanitizer build
 * fails this test if it does). */
static void test_append_nothing(void **state)
{
	struct mb_buf b;

	(void)state;
	mb_buf_init(&b);
	assert_int_equal(mb_buf_append(&b, NULL, 0), 0);
	assert_int_equal(mb_buf_append(&b, "ab", 2), 0);
	assert_int_equal(mb_buf_append(&b, NULL, 0), 0);
	assert_int_equal(b.len, 2);
	assert_string_equal(b.data, "ab");
	mb_buf_wipe(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_growth_wipes),
		cmocka_unit_test(test_printf_room),
		cmocka_unit_test(test_append_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
