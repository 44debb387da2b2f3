// SPDX-License-Identifier: MIT
/*
 * report's HTML writer (src/cli/report_html.c): text and attribute
 * escaping, numbers as format-number(n, '#,##0') writes them, output
 * larger than its buffer, and a failed write.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "report_priv.h"

struct out {
	struct mb_buf b;
	size_t writes;
	int fail;       /* refuse the write after this many (0: never) */
};

static int to_buf(void *ctx, const char *p, size_t n)
{
	struct out *o = ctx;

	if (o->fail && ++o->writes >= (size_t)o->fail)
		return -1;
	return mb_buf_append(&o->b, p, n);
}

/* What the writer made of f(h). */
static char *written(void (*f)(struct cli_html *h), int fail, int *bad)
{
	struct out o = { { NULL, 0, 0, 0 }, 0, fail };
	struct cli_html h;

	mb_buf_init(&o.b);
	assert_int_equal(cli_html_init(&h, to_buf, &o), 0);
	f(&h);
	cli_html_flush(&h);
	*bad = h.bad;
	cli_html_free(&h);
	mb_buf_putc(&o.b, '\0');
	return mb_buf_detach(&o.b, NULL);
}

static void escapes(struct cli_html *h)
{
	cli_html_text(h, "a<b>&c\"d'e\tf\ng\rh<!--x-->");
	cli_html_lit(h, "|");
	cli_html_attr(h, "a<b>&c\"d'e\tf\ng\rh");
	cli_html_lit(h, "|");
	cli_html_text(h, "");
	cli_html_attr(h, "&amp;");
	cli_html_lit(h, "|");
	cli_html_text(h, "caf\xc3\xa9 \xe2\x80\xa6");
}

static void test_escape(void **state)
{
	int bad;
	char *s = written(escapes, 0, &bad);

	(void)state;
	assert_false(bad);
	assert_string_equal(s,
		"a&lt;b&gt;&amp;c\"d'e\tf\ng&#13;h&lt;!--x--&gt;|"
		"a&lt;b&gt;&amp;c&quot;d'e&#9;f&#10;g&#13;h|"
		"&amp;amp;|caf\xc3\xa9 \xe2\x80\xa6");
	free(s);
}

static void numbers(struct cli_html *h)
{
	static const size_t v[] = { 0, 7, 999, 1000, 12345, 250007,
				    1234567, 4294967296u };
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		cli_html_num(h, v[i], 1);
		cli_html_lit(h, " ");
		cli_html_num(h, v[i], 0);
		cli_html_lit(h, ";");
	}
}

static void test_numbers(void **state)
{
	int bad;
	char *s = written(numbers, 0, &bad);

	(void)state;
	assert_string_equal(s, "0 0;7 7;999 999;1,000 1000;12,345 12345;"
			    "250,007 250007;1,234,567 1234567;"
			    "4,294,967,296 4294967296;");
	free(s);
}

/* 200,000 escaped bytes: several buffers' worth, runs cut anywhere. */
static void big(struct cli_html *h)
{
	char chunk[1001];
	int i;

	memset(chunk, 'x', 1000);
	chunk[1000] = '\0';
	chunk[499] = '&';
	for (i = 0; i < 200; i++)
		cli_html_text(h, chunk);
}

static void test_larger_than_buffer(void **state)
{
	int bad;
	char *s = written(big, 0, &bad);
	size_t i, amps = 0;

	(void)state;
	assert_false(bad);
	assert_int_equal(strlen(s), 200 * 1004);
	for (i = 0; s[i]; i++)
		amps += strncmp(s + i, "&amp;", 5) == 0;
	assert_int_equal(amps, 200);
	assert_memory_equal(s + 499, "&amp;xxx", 8);
	free(s);
}

static void test_write_fails(void **state)
{
	int bad;
	char *s = written(big, 2, &bad);

	(void)state;
	/* The first buffer went out; the rest is dropped, and said so. */
	assert_true(bad);
	assert_true(strlen(s) < 200 * 1004);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_larger_than_buffer),
		cmocka_unit_test(test_write_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
