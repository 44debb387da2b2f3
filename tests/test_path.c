/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "mb/path.h"

static void check(const char *arg, unsigned flags, const char *loc,
		  const char *prop)
{
	struct mb_path p;

	assert_int_equal(mb_path_parse(arg, flags, &p, NULL), MB_OK);
	assert_string_equal(p.location, loc);
	if (prop)
		assert_string_equal(p.prop, prop);
	else
		assert_null(p.prop);
	mb_path_release(&p);
}

static void test_adsutil_form(void **state)
{
	(void)state;
	check("w3svc/1/root/vd1/AnonymousUserName", MB_PATH_PROP,
	      "/LM/w3svc/1/root/vd1", "AnonymousUserName");
	check("w3svc\\1\\root", 0, "/LM/w3svc/1/root", NULL);
	check("/w3svc/1/", 0, "/LM/w3svc/1", NULL);
	check("  W3SVC  ", 0, "/LM/W3SVC", NULL);
	check("", 0, "/LM", NULL);
	check("/", 0, "/LM", NULL);
}

static void test_location_form(void **state)
{
	(void)state;
	check("/LM/W3SVC/1/ROOT/VD1", 0, "/LM/W3SVC/1/ROOT/VD1", NULL);
	check("/lm/w3svc/AnonymousUserName", MB_PATH_PROP, "/lm/w3svc",
	      "AnonymousUserName");
	check("\\LM\\W3SVC", 0, "/LM/W3SVC", NULL);
	check("/LM", 0, "/LM", NULL);
}

static void test_property_only(void **state)
{
	struct mb_path p;
	struct mb_error err;

	(void)state;
	check("AnonymousUserPass", MB_PATH_PROP, "/LM", "AnonymousUserPass");
	check("/AnonymousUserPass", MB_PATH_PROP, "/LM", "AnonymousUserPass");
	assert_int_equal(mb_path_parse("", MB_PATH_PROP, &p, &err), MB_EUSAGE);
	assert_non_null(strstr(err.reason, "no property name"));
}

static void test_trailing_slash(void **state)
{
	struct mb_path p;

	(void)state;
	assert_int_equal(mb_path_parse("w3svc/1/root/vd1/", 0, &p, NULL), 0);
	assert_true(p.trailing_slash);
	assert_string_equal(p.location, "/LM/w3svc/1/root/vd1");
	mb_path_release(&p);
}

/* The keys above /LM by their names, the same in input and output. */
static void test_root_and_global(void **state)
{
	(void)state;
	check("IIS_ROOT", 0, "/", NULL);
	check("iis_root/AdminACL", MB_PATH_PROP, "/", "AdminACL");
	check("/IIS_ROOT/LM", 0, "/LM", NULL);
	check("IIS_Global/SessionKey", MB_PATH_PROP, ".", "SessionKey");
	check("IIS_ROOTS", 0, "/LM/IIS_ROOTS", NULL);
	check("w3svc/IIS_ROOT", 0, "/LM/w3svc/IIS_ROOT", NULL);
	assert_string_equal(mb_path_display("/"), "IIS_ROOT");
	assert_string_equal(mb_path_display("."), "IIS_Global");
	assert_string_equal(mb_path_display("/LM"), "/LM");
}

static void test_display(void **state)
{
	(void)state;
	assert_string_equal(mb_path_display("/LM/W3SVC/1/ROOT"), "W3SVC/1/ROOT");
	assert_string_equal(mb_path_display("/LM"), "/LM");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_adsutil_form),
		cmocka_unit_test(test_location_form),
		cmocka_unit_test(test_property_only),
		cmocka_unit_test(test_trailing_slash),
		cmocka_unit_test(test_display),
		cmocka_unit_test(test_root_and_global),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
