/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "mb/json.h"

static void test_nesting(void **state)
{
	struct mb_buf b;
	struct mb_json j;

	(void)state;
	mb_buf_init(&b);
	mb_json_init(&j, &b);
	mb_json_obj_begin(&j);
	mb_json_kstr(&j, "a", "x");
	mb_json_key(&j, "l");
	mb_json_arr_begin(&j);
	mb_json_int(&j, 1);
	mb_json_bool(&j, 0);
	mb_json_arr_end(&j);
	mb_json_key(&j, "e");
	mb_json_arr_begin(&j);
	mb_json_arr_end(&j);
	mb_json_obj_end(&j);
	assert_string_equal(b.data, "{\n  \"a\": \"x\",\n  \"l\": [\n    1,\n"
			    "    false\n  ],\n  \"e\": []\n}\n");
	mb_buf_release(&b);
}

static void test_escaping(void **state)
{
	struct mb_buf b;
	struct mb_json j;

	(void)state;
	mb_buf_init(&b);
	mb_json_init(&j, &b);
	mb_json_str(&j, "q\"b\\n\nt\t\x01\xff\xc3\xa9");
	assert_string_equal(b.data, "\"q\\\"b\\\\n\\nt\\t\\u0001\\ufffd\xc3\xa9\"");
	mb_buf_release(&b);
}

static void test_compact(void **state)
{
	const char *in = "{\n  \"a b\": \"x \\\" y\\n\",\n  \"l\": [\n"
			 "    1,\n\tfalse\r\n  ],\n  \"e\": []\n}\n";
	struct mb_buf b;

	(void)state;
	mb_buf_init(&b);
	mb_buf_puts(&b, "<");
	assert_int_equal(mb_json_compact(&b, in, strlen(in)), 0);
	assert_string_equal(b.data, "<{\"a b\":\"x \\\" y\\n\",\"l\":[1,"
			    "false],\"e\":[]}");
	mb_buf_release(&b);
}

/* A document nested into another keeps the writer's indentation. */
static void test_raw(void **state)
{
	struct mb_buf inner, b;
	struct mb_json j;

	(void)state;
	mb_buf_init(&inner);
	mb_buf_init(&b);
	mb_json_init(&j, &inner);
	mb_json_obj_begin(&j);
	mb_json_kstr(&j, "s", "a\nb");
	mb_json_obj_end(&j);
	mb_json_init(&j, &b);
	mb_json_obj_begin(&j);
	mb_json_key(&j, "files");
	mb_json_arr_begin(&j);
	mb_json_raw(&j, inner.data, inner.len);
	mb_json_null(&j);
	mb_json_arr_end(&j);
	mb_json_obj_end(&j);
	assert_string_equal(b.data, "{\n  \"files\": [\n    {\n"
			    "      \"s\": \"a\\nb\"\n    },\n    null\n"
			    "  ]\n}\n");
	mb_buf_reset(&b);
	assert_int_equal(mb_json_indent(&b, inner.data, inner.len, 2), 0);
	assert_string_equal(b.data, "{\n      \"s\": \"a\\nb\"\n    }");
	mb_buf_release(&inner);
	mb_buf_release(&b);
}

/* Multi-line text as an array of its lines, spaces kept. */
static void test_lines(void **state)
{
	struct mb_buf b;
	struct mb_json j;

	(void)state;
	mb_buf_init(&b);
	mb_json_init(&j, &b);
	mb_json_lines(&j, "one  two\n\nthree \n");
	assert_string_equal(b.data, "[\n  \"one  two\",\n  \"\",\n"
			    "  \"three \"\n]\n");
	mb_buf_reset(&b);
	mb_json_init(&j, &b);
	mb_json_lines(&j, "");
	assert_string_equal(b.data, "[]\n");
	mb_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_compact),
		cmocka_unit_test(test_raw),
		cmocka_unit_test(test_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
