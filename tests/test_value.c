/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "mb/value.h"

static const struct mb_flag auth_flags[] = {
	{ "AuthBasic", 2, 6219 }, { "AuthAnonymous", 1, 6218 },
	{ "AuthNTLM", 4, 6220 }, { "AuthMD5", 16, 6221 },
};
static const struct mb_prop auth = {
	.name = "AuthFlags", .id = 6000, .type = MB_T_DWORD,
	.attrs = MB_ATTR_INHERIT, .flags = auth_flags, .nflags = 4,
};
static const struct mb_prop user = {
	.name = "AnonymousUserName", .id = 6020, .type = MB_T_STRING,
};
static const struct mb_prop pass = {
	.name = "AnonymousUserPass", .id = 6021, .type = MB_T_STRING,
	.attrs = MB_ATTR_INHERIT | MB_ATTR_SECURE,
};
static const struct mb_prop binds = {
	.name = "ServerBindings", .id = 1023, .type = MB_T_MULTISZ,
};

static void test_dword(void **state)
{
	uint32_t v;

	(void)state;
	assert_int_equal(mb_value_dword(&auth, "AuthAnonymous | AuthNTLM", &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(mb_value_dword(&auth, "authmd5|AUTHBASIC", &v), 0);
	assert_int_equal(v, 18);
	assert_int_equal(mb_value_dword(&auth, "4294967295", &v), 0);
	assert_int_equal(v, 4294967295u);
	assert_int_equal(mb_value_dword(&auth, "0x10", &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(mb_value_dword(&auth, "4294967296", &v), -1);
	assert_int_equal(mb_value_dword(&auth, "-1", &v), -1);
	assert_int_equal(mb_value_dword(&auth, "AuthBogus", &v), -1);
	assert_int_equal(mb_value_dword(&auth, "AuthNTLM |", &v), -1);
}

static void test_bool_and_list(void **state)
{
	size_t n;
	char **items;
	int b;

	(void)state;
	assert_int_equal(mb_value_bool("true", &b), 0);
	assert_true(b);
	assert_int_equal(mb_value_bool("FALSE", &b), 0);
	assert_false(b);
	assert_int_equal(mb_value_bool("maybe", &b), -1);
	items = mb_value_list("a b;c\n\t\t\td e\n\t\t\t:80:", &n);
	assert_int_equal(n, 3);
	assert_string_equal(items[0], "a b;c");
	assert_string_equal(items[1], "d e");
	assert_string_equal(items[2], ":80:");
	mb_value_free_list(items);
	items = mb_value_list("", &n);
	assert_int_equal(n, 0);
	mb_value_free_list(items);
}

static char *render(enum mb_style st, const char *shown,
		    const struct mb_prop *p, const char *text,
		    const char *suffix)
{
	struct mb_buf b;

	mb_buf_init(&b);
	mb_value_render(&b, st, shown, p, text, suffix);
	return mb_buf_detach(&b, NULL);
}

static void test_render(void **state)
{
	char *s;

	(void)state;
	s = render(MB_STYLE_GET, "AnonymousUserName", &user, "IUSR_X",
		   "  (inherited from W3SVC)");
	assert_string_equal(s, "AnonymousUserName               : (STRING) "
			    "\"IUSR_X\"  (inherited from W3SVC)\n");
	free(s);
	s = render(MB_STYLE_GET, "AnonymousUserPass", &pass, "4963446270", NULL);
	assert_string_equal(s, "AnonymousUserPass               : (STRING) "
			    "\"**********\"\n");
	free(s);
	s = render(MB_STYLE_GET, "AuthFlags", &auth, "AuthAnonymous | AuthNTLM",
		   NULL);
	assert_string_equal(s, "AuthFlags                       : (INTEGER) 5\n");
	free(s);
	s = render(MB_STYLE_GET, "ServerBindings", &binds, ":80:", NULL);
	assert_string_equal(s, "ServerBindings                  : (LIST)  "
			    "(1 Items)\n  \":80:\"\n");
	free(s);
	s = render(MB_STYLE_ENUM, "ServerBindings", &binds, ":80:\n\t\t\t:81:",
		   NULL);
	assert_string_equal(s, "ServerBindings                  : (LIST) "
			    "(2 Items)\n  \":80:\"\n  \":81:\"\n\n");
	free(s);
	s = render(MB_STYLE_ENUM, "AVeryLongPropertyNameOfThirtyTwoPlus",
		   &user, "x", NULL);
	assert_string_equal(s, "AVeryLongPropertyNameOfThirtyTwoPlus : "
			    "(STRING)\"x\"\n");
	free(s);
	s = render(MB_STYLE_GET, "AVeryLongPropertyNameOfThirtyTwoPlus",
		   &user, "x", NULL);
	assert_string_equal(s, "AVeryLongPropertyNameOfThirtyTwoPlus: "
			    "(String) \"x\"\n");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dword),
		cmocka_unit_test(test_bool_and_list),
		cmocka_unit_test(test_render),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
