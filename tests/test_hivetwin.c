// SPDX-License-Identifier: MIT
/*
 * The hive modules on twins that tests/hivegen.c writes from
 * tests/twins/web01.spec (plus a line or two per case), so that they run
 * without ../shared/corpus and reach the branches the real XP sets lack:
 * lockout, expiry, must-change, logon hours, workstations, deny rights
 * through a user, an alias, Everyone and Authenticated Users, IIS_WPG,
 * a domain controller, another machine's SYSTEM, a missing SECURITY and
 * a Vista-or-later one. The NT hashes the twins hold were checked with
 * samdump2 and openssl's MD4 (the constants below), so the reader is not
 * only tested against its own inverse.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "mb/buf.h"
#include "mb/hive.h"
#include "mb/hivecheck.h"
#include "mb/hiveset.h"

#define NOW 1767225600LL /* 2026-01-01, the spec's "now" */
#define DOMAIN "S-1-5-21-1004336348-1177238915-682003330"

/* Twins of web01.spec with extra lines, in a fresh folder. */
static const char *twin(const char *extra)
{
	static char dir[4][64];
	static int n;
	const char *gen = getenv("HIVEGEN"), *src = getenv("MB_SRCDIR");
	char cmd[8192];
	char *d = dir[n++ % 4];
	FILE *f;

	if (!gen || !src)
		fail_msg("HIVEGEN and MB_SRCDIR must be set (meson test does)");
	snprintf(d, sizeof(dir[0]), "/tmp/mbtwin.XXXXXX");
	assert_non_null(mkdtemp(d));
	snprintf(cmd, sizeof(cmd), "cp '%s/tests/twins/web01.spec' '%s/spec'",
		 src, d);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/spec", d);
	assert_non_null(f = fopen(cmd, "a")); /* later lines win */
	fprintf(f, "%s\n", extra);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "'%s' '%s/spec' '%s'", gen, d, d);
	assert_int_equal(system(cmd), 0);
	return d;
}

static void twin_rm(const char *d)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
	assert_int_equal(system(cmd), 0);
}

static struct mb_hiveset *open_twin(const char *extra)
{
	const char *d = twin(extra);
	struct mb_hiveset *hs = NULL;
	struct mb_error e;

	mb_error_clear(&e);
	if (mb_hiveset_open(d, &hs, &e))
		fail_msg("%s: %s", e.subject, e.reason);
	twin_rm(d);
	return hs;
}

static void unhex(const char *s, unsigned char *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
		out[i] = (unsigned char)v;
	}
}

/* ---- the files ------------------------------------------------------------ */

static void test_reader(void **state)
{
	const char *d = twin("");
	struct mb_hive *h;
	struct mb_error e;
	struct mb_buf v;
	char path[128], cls[16], **names;
	size_t n;

	(void)state;
	mb_buf_init(&v);
	snprintf(path, sizeof(path), "%s/SYSTEM", d);
	assert_int_equal(mb_hive_open(path, &h, &e), MB_OK);
	assert_int_equal(mb_hive_class(h, "ControlSet001\\Control\\Lsa\\GBG",
				       cls, sizeof(cls), &e), MB_OK);
	assert_int_equal(strlen(cls), 8);
	assert_int_equal(mb_hive_value(h, "Select", "Current", &v, &e), MB_OK);
	assert_int_equal(v.len, 4);
	assert_int_equal(mb_hive_value(h, "Select", "Nothing", &v, &e),
			 MB_ENOPATH);
	mb_hive_close(h);
	snprintf(path, sizeof(path), "%s/SAM", d);
	assert_int_equal(mb_hive_open(path, &h, &e), MB_OK);
	assert_int_equal(mb_hive_subkeys(h, "SAM\\Domains\\Account\\Users",
					 &names, &n, &e), MB_OK);
	assert_int_equal(n, 19); /* 18 users and Names, in lf order */
	assert_string_equal(names[0], "000001F4");
	assert_string_equal(names[18], "Names");
	mb_hive_names_free(names, n);
	mb_hive_close(h);
	mb_buf_release(&v);
	twin_rm(d);
}

static void test_boot_key(void **state)
{
	struct mb_hiveset *hs = open_twin("");
	unsigned char want[16];

	(void)state;
	unhex("3b6e2a91c04d58f7e6a1d2930c8b7f45", want, 16);
	assert_memory_equal(hs->bootkey, want, 16);
	assert_string_equal(hs->computer, "WEB01");
	assert_string_equal(hs->product, "ServerNT");
	assert_false(hs->dc);
	assert_string_equal(hs->domain_sid, DOMAIN);
	assert_true(hs->max_pwd_age == 42LL * 86400 * 10000000);
	assert_true(hs->lockout_duration == 30LL * 60 * 10000000);
	mb_hiveset_free(hs);
}

static void test_password(void **state)
{
	struct mb_hiveset *hs = open_twin("");
	const struct mb_hs_user *u = mb_hiveset_user(hs, "IUSR_WEB01");
	unsigned char want[16];

	(void)state;
	/* MD4(UTF-16LE("Secret1")) by openssl dgst -md4; samdump2 agrees. */
	unhex("ed50bdc9faa370e31ac4ee119fd51f48", want, 16);
	assert_non_null(u);
	assert_true(u->has_nt);
	assert_memory_equal(u->nt, want, 16);
	assert_int_equal(fx_pwcmp(hs, "IUSR_WEB01", "Secret1"), MB_PW_MATCH);
	assert_int_equal(fx_pwcmp(hs, "iusr_web01", "secret1"), MB_PW_DIFFERS);
	assert_int_equal(fx_pwcmp(hs, "IWAM_WEB01", "Wam2pass"), MB_PW_MATCH);
	assert_int_equal(fx_pwcmp(hs, "Administrator", "Secret1"), MB_PW_DIFFERS);
	assert_int_equal(fx_pwcmp(hs, "nopw", "x"), MB_PW_SAM_EMPTY);
	assert_int_equal(fx_pwcmp(hs, "nopw", ""), MB_PW_MATCH);
	mb_hiveset_free(hs);
}

/* ---- the checks ------------------------------------------------------------ */

static struct mb_hcheck check(const struct mb_hiveset *hs, const char *who,
			      enum mb_hc_logon logon)
{
	struct mb_hcheck c;

	mb_hcheck_run(hs, who, logon, mb_hcheck_filetime(NOW), &c);
	assert_int_equal(c.scope, MB_HC_LOCAL);
	assert_non_null(c.user);
	return c;
}

static void test_flags(void **state)
{
	struct mb_hiveset *hs = open_twin("");
	struct mb_hcheck c = check(hs, "IUSR_WEB01", MB_HC_NETWORK);

	(void)state;
	assert_false(c.disabled || c.locked || c.acct_expired ||
		     c.must_change || c.pwd_expired || c.hours_restricted ||
		     c.ws_restricted);
	assert_true(check(hs, "disabled1", MB_HC_NETWORK).disabled);
	c = check(hs, "lockedold", MB_HC_NETWORK);
	assert_true(c.locked && c.lock_elapsed);
	c = check(hs, "lockednow", MB_HC_NETWORK);
	assert_true(c.locked && !c.lock_elapsed);
	assert_true(check(hs, "expired1", MB_HC_NETWORK).acct_expired);
	assert_false(check(hs, "future1", MB_HC_NETWORK).acct_expired);
	c = check(hs, "mustchange", MB_HC_NETWORK);
	assert_true(c.must_change && !c.pwd_expired);
	c = check(hs, "oldpw", MB_HC_NETWORK);
	assert_true(c.pwd_expired && !c.must_change);
	assert_true(check(hs, "pwexpflag", MB_HC_NETWORK).pwd_expired);
	/* Guest: no password ever set is not "must change". */
	c = check(hs, "Guest", MB_HC_NETWORK);
	assert_true(c.disabled && !c.must_change && c.guests);
	mb_hiveset_free(hs);
}

static void test_hours_and_workstations(void **state)
{
	struct mb_hiveset *hs = open_twin("");
	struct mb_hcheck c = check(hs, "hours1", MB_HC_NETWORK);
	struct mb_buf t;

	(void)state;
	assert_true(c.hours_restricted);
	mb_buf_init(&t);
	assert_int_equal(mb_hcheck_hours_text(c.user->hours, &t), 0);
	assert_int_equal(mb_buf_putc(&t, 0), 0);
	assert_string_equal(t.data, "Mon 00-08, Sat 08-16");
	mb_buf_release(&t);
	assert_true(check(hs, "wsother", MB_HC_NETWORK).ws_restricted);
	assert_false(check(hs, "wsours", MB_HC_NETWORK).ws_restricted);
	mb_hiveset_free(hs);
}

static void test_groups(void **state)
{
	struct mb_hiveset *hs = open_twin("");
	struct mb_hcheck c = check(hs, "WEB01\\IUSR_WEB01", MB_HC_NETWORK);

	(void)state;
	assert_true(c.guests && c.users && !c.admins);
	assert_int_equal(c.iis_wpg, 0);
	c = check(hs, ".\\IWAM_WEB01", MB_HC_BATCH);
	assert_true(!c.guests && c.users && c.iis_wpg == 1);
	assert_true(check(hs, "Administrator", MB_HC_NETWORK).admins);
	mb_hiveset_free(hs);
}

/*
 * The machine's own SIDs as a descriptor stores them (reveal tries them
 * where an AdminACL names one): the domain, None (513), every user and
 * the local aliases (IIS_WPG 1100), never a builtin alias.
 */
static void test_machine_sids(void **state)
{
	struct mb_hiveset *hs = open_twin("");
	struct mb_sd_sid *v;
	unsigned char dom[24], wpg[28];
	size_t n, i, found = 0;
	struct mb_error e;

	(void)state;
	unhex("010400000000000515000000dcf4dc3b833d2b46828ba628", dom, 24);
	unhex("010500000000000515000000dcf4dc3b833d2b46828ba6284c040000",
	      wpg, 28);
	assert_int_equal(mb_hiveset_machine_sids(hs, &v, &n, &e), MB_OK);
	assert_int_equal(n, 2 + hs->nusers + 2); /* IIS_WPG, NoWeb */
	assert_int_equal(v[0].len, 24);
	assert_memory_equal(v[0].b, dom, 24);
	for (i = 1; i < n; i++) {
		assert_int_equal(v[i].len, 28);
		assert_int_equal(v[i].fixed, 28);
		assert_memory_equal(v[i].b + 12, dom + 12, 12);
		assert_false(v[i].b[24] == 0x20 && v[i].b[25] == 2); /* 544 */
		found += memcmp(v[i].b, wpg, 28) == 0;
	}
	assert_int_equal(found, 1);
	free(v);
	mb_hiveset_free(hs);
}

static void test_rights(void **state)
{
	struct mb_hiveset *hs = open_twin("");
	struct mb_hcheck c = check(hs, "IUSR_WEB01", MB_HC_NETWORK);

	(void)state;
	assert_true(c.rights_known && c.has_right && !c.deny);
	assert_string_equal(c.right_via, "S-1-1-0");
	c = check(hs, "IUSR_WEB01", MB_HC_INTERACTIVE);
	assert_true(c.has_right);
	assert_string_equal(c.right_via, "S-1-5-32-545");
	c = check(hs, "denyme", MB_HC_NETWORK);
	assert_int_equal(c.deny, MB_RIGHT_DENY_NETWORK);
	assert_string_equal(c.deny_via, DOMAIN "-1017");
	c = check(hs, "aliasdeny", MB_HC_NETWORK);
	assert_string_equal(c.deny_via, DOMAIN "-1101");
	assert_int_equal(check(hs, "denyme", MB_HC_BATCH).deny, 0);
	mb_hiveset_free(hs);
}

static void test_deny_everyone(void **state)
{
	struct mb_hiveset *hs = open_twin("right S-1-1-0 82\n"
					  "right S-1-5-11 100");
	struct mb_hcheck c = check(hs, "IUSR_WEB01", MB_HC_NETWORK);

	(void)state;
	assert_int_equal(c.deny, MB_RIGHT_DENY_NETWORK);
	assert_string_equal(c.deny_via, "S-1-1-0");
	assert_true(mb_hcheck_problems(&c));
	c = check(hs, "IWAM_WEB01", MB_HC_BATCH);
	assert_int_equal(c.deny, MB_RIGHT_DENY_BATCH);
	assert_string_equal(c.deny_via, "S-1-5-11");
	/* Guest's token has no Authenticated Users */
	assert_int_equal(check(hs, "Guest", MB_HC_BATCH).deny, 0);
	mb_hiveset_free(hs);
}

static void test_no_security(void **state)
{
	struct mb_hiveset *hs = open_twin("no-security");
	struct mb_hcheck c = check(hs, "IWAM_WEB01", MB_HC_NETWORK);

	(void)state;
	assert_false(c.rights_known || c.has_right);
	assert_false(mb_hcheck_problems(&c)); /* no rights: not a finding */
	mb_hiveset_free(hs);
}

static void test_domain_controller(void **state)
{
	struct mb_hiveset *hs = open_twin("product LanmanNt");
	struct mb_hcheck c;

	(void)state;
	assert_true(hs->dc);
	mb_hcheck_run(hs, "IUSR_WEB01", MB_HC_NETWORK,
		      mb_hcheck_filetime(NOW), &c);
	assert_int_equal(c.scope, MB_HC_DC);
	assert_false(mb_hcheck_problems(&c));
	mb_hiveset_free(hs);
}

static void expect_error(const char *extra, const char *reason_part)
{
	const char *d = twin(extra);
	struct mb_hiveset *hs = NULL;
	struct mb_error e;

	mb_error_clear(&e);
	assert_int_equal(mb_hiveset_open(d, &hs, &e), MB_EFILE);
	assert_null(hs);
	if (!strstr(e.reason, reason_part))
		fail_msg("'%s' not in '%s'", reason_part, e.reason);
	twin_rm(d);
}

static void test_bad_sets(void **state)
{
	(void)state;
	expect_error("foreign-system", "another machine");
	expect_error("vista", "Vista or later");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader),
		cmocka_unit_test(test_boot_key),
		cmocka_unit_test(test_password),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_hours_and_workstations),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_machine_sids),
		cmocka_unit_test(test_rights),
		cmocka_unit_test(test_deny_everyone),
		cmocka_unit_test(test_no_security),
		cmocka_unit_test(test_domain_controller),
		cmocka_unit_test(test_bad_sets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
