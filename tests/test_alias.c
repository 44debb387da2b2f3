/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mb/alias.h"
#include "mb/value.h"

static void test_find(void **state)
{
	const struct mb_alias *a;

	(void)state;
	a = mb_alias_find("accessperm");
	assert_non_null(a);
	assert_string_equal(a->name, "AccessPerm");
	assert_string_equal(a->target, "AccessFlags");
	assert_int_equal(a->kind, MB_ALIAS_FLAGS);
	assert_string_equal(mb_alias_find("AUTHORIZATION")->target,
			    "AuthFlags");
	assert_string_equal(mb_alias_find("VRPath")->target, "Path");
	assert_int_equal(mb_alias_find("ServerCommand")->kind,
			 MB_ALIAS_COMMAND);
	assert_string_equal(mb_alias_find("apppoolcommand")->keytype,
			    "IIsApplicationPool");
	assert_null(mb_alias_find("AccessFlags"));
	assert_null(mb_alias_find("AccessPermX"));
	assert_null(mb_alias_find(""));
	assert_null(mb_alias_find(NULL));
	/* GET and FIND map the MDUTIL names, never the server commands */
	assert_true(mb_alias_maps(mb_alias_find("AccessPerm")));
	assert_true(mb_alias_maps(mb_alias_find("Authorization")));
	assert_true(mb_alias_maps(mb_alias_find("vrpath")));
	assert_false(mb_alias_maps(mb_alias_find("ServerCommand")));
	assert_false(mb_alias_maps(mb_alias_find("AppPoolCommand")));
	assert_false(mb_alias_maps(NULL));
}

static void assert_note(const char *typed, const char *want)
{
	struct mb_buf b;

	mb_buf_init(&b);
	mb_alias_note(&b, mb_alias_find(typed), typed);
	assert_string_equal(b.data ? b.data : "", want);
	mb_buf_release(&b);
}

static void test_note(void **state)
{
	(void)state;
	/* reference/metabase-format.md §3.7, with the name as typed */
	assert_note("accessPerm",
		    "Note: Your parameter \"accessPerm\" is being mapped to "
		    "AccessFlags\n"
		    "      Check individual perms using \"GET AccessRead\", "
		    "\"GET AccessWrite\", etc.\n");
	assert_note("Authorization",
		    "Note: Your parameter \"Authorization\" is being mapped "
		    "to AuthFlags\n"
		    "      Check individual auths using \"GET AuthNTLM\", "
		    "\"GET AuthBasic\", etc.\n");
	assert_note("VRPath", "");
	assert_note("AnonymousUserName", "");
}

/* mb_alias_flags on the built-in schema; *tail is malloc'd or NULL. */
static enum mb_status flags(const struct mb_schema *s, const char *alias,
			    const char *const *args, size_t n, uint32_t *v,
			    char **tail, struct mb_error *err)
{
	struct mb_buf b;
	enum mb_status st;

	mb_buf_init(&b);
	mb_error_clear(err);
	*v = 0xdeadbeef;
	st = mb_alias_flags(s ? s : mb_schema_builtin(), mb_alias_find(alias),
			    args, n, v, &b, err);
	*tail = mb_buf_detach(&b, NULL);
	return st;
}

static void assert_flags(const char *alias, const char *const *args,
			 size_t n, uint32_t want, const char *want_tail)
{
	struct mb_error err;
	uint32_t v;
	char *tail;

	assert_int_equal(flags(NULL, alias, args, n, &v, &tail, &err), MB_OK);
	assert_int_equal(v, want);
	assert_non_null(tail);
	assert_string_equal(tail, want_tail);
	free(tail);
}

static void test_flags(void **state)
{
	static const char *const n513[] = { "513" };
	static const char *const hex[] = { "0x1a" };
	static const char *const zero[] = { "0" };
	static const char *const rs[] = { "read", "SCRIPT" };
	static const char *const all[] = { "Read", "Write", "Execute",
					   "Script", "Read" };
	static const char *const na[] = { "NT", "anonymous" };
	static const char *const basic[] = { "Basic" };

	(void)state;
	assert_flags("AccessPerm", n513, 1, 513, " 513 (0x201)");
	assert_flags("AccessPerm", hex, 1, 26, " 26 (0x1A)");
	assert_flags("AccessPerm", zero, 1, 0, " 0 (0x0)");
	assert_flags("AccessPerm", rs, 2, 0x201, " Read Script");
	assert_flags("AccessPerm", all, 5, 0x207,
		     " Read Write Execute Script Read");
	assert_flags("Authorization", na, 2, 5, " NT Anonymous");
	assert_flags("Authorization", basic, 1, 2, " Basic");
}

static void assert_flags_refused(const char *alias, const char *const *args,
				 size_t n, enum mb_status want,
				 const char *why)
{
	struct mb_error err;
	uint32_t v;
	char *tail;

	assert_int_equal(flags(NULL, alias, args, n, &v, &tail, &err), want);
	assert_int_equal(err.status, want);
	assert_non_null(strstr(err.reason, why));
	free(tail);
}

static void test_flags_refused(void **state)
{
	static const char *const foo[] = { "Read", "Foo" };
	static const char *const five[] = { "5" };
	static const char *const mixed[] = { "5", "Read" };
	static const char *const flagname[] = { "AccessRead" };
	static const char *const neg[] = { "-1" };

	(void)state;
	/* adsutil: "Error: Setting not supported: <w>", GENERAL_FAILURE */
	assert_flags_refused("AccessPerm", foo, 2, MB_EUSAGE,
			     "Setting not supported: Foo");
	assert_flags_refused("AccessPerm", flagname, 1, MB_EUSAGE,
			     "Setting not supported: AccessRead");
	assert_flags_refused("AccessPerm", neg, 1, MB_EUSAGE,
			     "Setting not supported: -1");
	/* Authorization takes words only, as in adsutil */
	assert_flags_refused("Authorization", five, 1, MB_EUSAGE,
			     "Setting not supported: 5");
	assert_flags_refused("AccessPerm", mixed, 2, MB_EUSAGE,
			     "a number is the whole value");
	assert_flags_refused("AccessPerm", five, 0, MB_EUSAGE, "give");
	assert_flags_refused("VRPath", five, 1, MB_EUSAGE, "give");
}

/* A schema whose flags have other bits than IIS's: the words follow it. */
#define SMALL_SCHEMA \
	"<?xml version=\"1.0\"?>\n" \
	"<MetaData xmlns=\"x-urn:microsoft-catalog:MetaData_V7\">\n" \
	"<DatabaseMeta InternalName=\"METABASE\">\n" \
	"<Collection InternalName=\"IIsConfigObject\">\n" \
	"<Property InternalName=\"AccessFlags\" ID=\"6016\" Type=\"DWORD\"" \
	" Attributes=\"INHERIT\">\n" \
	"<Flag InternalName=\"AccessRead\" Value=\"64\" ID=\"6207\"/>\n" \
	"<Flag InternalName=\"AccessScript\" Value=\"128\" ID=\"6211\"/>\n" \
	"</Property>\n</Collection>\n</DatabaseMeta>\n</MetaData>\n"

static struct mb_schema *load_small(void)
{
	const char *dir = getenv("TMPDIR");
	struct mb_schema *s = NULL;
	struct mb_error err;
	char path[4096];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "%s/test_alias.XXXXXX",
		 dir ? dir : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_true(fputs(SMALL_SCHEMA, f) >= 0);
	assert_int_equal(fclose(f), 0);
	mb_error_clear(&err);
	assert_int_equal(mb_schema_load(path, &s, &err), MB_OK);
	unlink(path);
	return s;
}

static void test_flags_from_schema(void **state)
{
	static const char *const rs[] = { "Read", "Script" };
	static const char *const w[] = { "Write" };
	struct mb_schema *s = load_small();
	struct mb_error err;
	uint32_t v;
	char *tail;

	(void)state;
	assert_int_equal(flags(s, "AccessPerm", rs, 2, &v, &tail, &err),
			 MB_OK);
	assert_int_equal(v, 64 | 128);
	assert_string_equal(tail, " Read Script");
	free(tail);
	/* a word whose flag the schema lacks */
	assert_int_equal(flags(s, "AccessPerm", w, 1, &v, &tail, &err),
			 MB_EPROP);
	assert_non_null(strstr(err.reason, "AccessWrite"));
	free(tail);
	mb_schema_free(s);
}

static void assert_echo(const char *alias, const char *tail,
			const char *want)
{
	struct mb_buf b;

	mb_buf_init(&b);
	mb_alias_echo(&b, mb_alias_find(alias), tail);
	assert_string_equal(b.data, want);
	mb_buf_release(&b);
}

static void test_echo(void **state)
{
	(void)state;
	/* the name padded to 32 columns, then ": (Long) " and the tail */
	assert_echo("accessperm", " 513 (0x201)",
		    "AccessFlags (AccessPerm)        : (Long)  513 (0x201)\n");
	assert_echo("Authorization", " NT Anonymous",
		    "Authorization                   : (Long)  NT Anonymous\n");
	assert_echo("VRPath", "D:\\web",
		    "Path (VRPath)                   : (String) D:\\web\n");
}

static void assert_command(const char *alias, const char *arg,
			   enum mb_status want, unsigned want_code)
{
	struct mb_error err;
	unsigned code = 0;

	mb_error_clear(&err);
	assert_int_equal(mb_alias_command(mb_alias_find(alias), arg, &code,
					  &err), want);
	if (want == MB_OK) {
		assert_int_equal(code, want_code);
	} else {
		char msg[64];

		snprintf(msg, sizeof(msg), "Invalid %s: %s",
			 mb_alias_find(alias)->name, arg);
		assert_non_null(strstr(err.reason, msg));
	}
}

static void test_command(void **state)
{
	const struct mb_alias *sc = mb_alias_find("ServerCommand");

	(void)state;
	assert_command("ServerCommand", "1", MB_OK, 1);
	assert_command("ServerCommand", "4", MB_OK, 4);
	assert_command("ServerCommand", "0x2", MB_OK, 2);
	assert_command("ServerCommand", "0", MB_EUSAGE, 0);
	assert_command("ServerCommand", "5", MB_EUSAGE, 0);
	assert_command("ServerCommand", "start", MB_EUSAGE, 0);
	assert_command("AppPoolCommand", "2", MB_OK, 2);
	assert_command("AppPoolCommand", "3", MB_EUSAGE, 0);
	assert_command("AccessPerm", "1", MB_EUSAGE, 0);
	assert_int_equal(sc->nverbs, 4);
	assert_string_equal(sc->verbs[0].verb, "start");
	assert_string_equal(sc->verbs[1].autostart, "FALSE");
	assert_null(sc->verbs[2].autostart); /* a pause is not stored */
	assert_string_equal(sc->autostart, "ServerAutoStart");
	assert_string_equal(mb_alias_find("AppPoolCommand")->autostart,
			    "AppPoolAutoStart");
}

/* adsutil's CLng side: one number, decimal or 0x, nothing else. */
static void test_number(void **state)
{
	uint32_t v;

	(void)state;
	assert_int_equal(mb_value_number("4294967295", &v), 0);
	assert_int_equal(v, 4294967295u);
	assert_int_equal(mb_value_number("0X10", &v), 0);
	assert_int_equal(v, 16);
	assert_int_not_equal(mb_value_number("4294967296", &v), 0);
	assert_int_not_equal(mb_value_number("1|2", &v), 0);
	assert_int_not_equal(mb_value_number("", &v), 0);
	assert_int_not_equal(mb_value_number("+1", &v), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_note),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_flags_refused),
		cmocka_unit_test(test_flags_from_schema),
		cmocka_unit_test(test_echo),
		cmocka_unit_test(test_command),
		cmocka_unit_test(test_number),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
