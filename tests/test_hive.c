// SPDX-License-Identifier: MIT
/*
 * The hive modules (legacy.h, hive.h, hiveset.h, hivecheck.h) on the real
 * Windows XP hive sets of $MB_CORPUS/hives (skipped, and reported so by
 * cmocka, when the corpus is absent): boot keys and every NT hash equal
 * impacket's EXPECTED-secretsdump.txt (which proves the hashed boot key),
 * account flags, Guests and rights as reference/windows-hives.md states,
 * the password comparison against the published plaintexts, the checks,
 * and every bad-input case (not a hive, hostile, another machine's
 * SYSTEM, Vista-or-later, missing SYSTEM). Hashes are compared here only,
 * through the library API; mbtool never prints them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "mb/hive.h"
#include "mb/hivecheck.h"
#include "mb/hiveset.h"
#include "mb/legacy.h"

/* 2026-01-01: a fixed "now" so that the results do not age. */
#define NOW 1767225600LL

static const char *hives_dir(void)
{
	static char path[2048];
	const char *c = getenv("MB_CORPUS");
	struct stat st;

	if (!c)
		return NULL;
	snprintf(path, sizeof(path), "%.2000s/hives", c);
	return stat(path, &st) == 0 ? path : NULL;
}

static char *set_path(const char *set, const char *file)
{
	static char path[4][4096];
	static int i;
	const char *d = hives_dir();

	if (!d)
		return NULL;
	i = (i + 1) % 4;
	snprintf(path[i], sizeof(path[i]), "%s/%s%s%s", d, set,
		 file ? "/" : "", file ? file : "");
	return path[i];
}

static struct mb_hiveset *open_set(const char *set)
{
	struct mb_hiveset *hs = NULL;
	struct mb_error e;
	char *dir = set_path(set, NULL);

	if (!dir)
		fx_corpus_absent();
	mb_error_clear(&e);
	if (mb_hiveset_open(dir, &hs, &e))
		fail_msg("%s: %s", e.subject, e.reason);
	return hs;
}

static void unhex(const char *s, unsigned char *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned v;

		assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
		out[i] = (unsigned char)v;
	}
}

/* ---- OpenSSL legacy primitives: published vectors ---------------------- */

static void test_legacy_kat(void **state)
{
	unsigned char out[16], k[8], in[8], b[8];
	unsigned char rc4[8];
	const unsigned char rc4key[5] = { 1, 2, 3, 4, 5 };
	const unsigned char zero[8] = { 0 };
	const unsigned char k7[7] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct mb_error e;

	(void)state;
	/* RFC 1320 A.5 */
	assert_int_equal(mb_legacy_md4("abc", 3, out, &e), MB_OK);
	unhex("a448017aaf21d8525fc10ae87aa6729d", k, 8);
	assert_memory_equal(out, k, 8);
	/* RFC 6229, key 0102030405, offset 0 */
	assert_int_equal(mb_legacy_rc4(rc4key, 5, zero, rc4, 8, &e), MB_OK);
	unhex("b2396305f03dc027", k, 8);
	assert_memory_equal(rc4, k, 8);
	/* The classic DES example: 133457799BBCDFF1 / 0123456789ABCDEF. */
	unhex("133457799bbcdff1", k, 8);
	unhex("85e813540f0ab405", in, 8);
	assert_int_equal(mb_legacy_des_decrypt(k, in, b, &e), MB_OK);
	unhex("0123456789abcdef", k, 8);
	assert_memory_equal(b, k, 8);
	/* 7 bits per byte, low (parity) bit clear. */
	mb_legacy_des_key(k7, k);
	for (int i = 0; i < 8; i++)
		assert_int_equal(k[i], 0xfe);
}

/* ---- the three XP sets against impacket's output ----------------------- */

static void expect_set(const char *set)
{
	struct mb_hiveset *hs = open_set(set);
	FILE *f = fopen(set_path(set, "EXPECTED-secretsdump.txt"), "r");
	char line[1024], name[128], nt[33];
	unsigned char want[16];
	unsigned users = 0, rid;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		const char *bk = strstr(line, "bootKey: 0x");
		const struct mb_hs_user *u;

		if (bk) {
			unhex(bk + 11, want, 16);
			assert_memory_equal(hs->bootkey, want, 16);
		}
		if (sscanf(line, "%127[^:]:%u:%*32[0-9a-f]:%32[0-9a-f]:::",
			   name, &rid, nt) != 3)
			continue;
		u = mb_hiveset_user(hs, name);
		assert_non_null(u);
		assert_int_equal(u->rid, rid);
		unhex(nt, want, 16);
		if (strcmp(nt, "31d6cfe0d16ae931b73c59d7e0c089c0") && !u->has_nt)
			fail_msg("%s: no hash", name);
		if (u->has_nt)
			assert_memory_equal(u->nt, want, 16);
		users++;
	}
	fclose(f);
	assert_int_equal(users, hs->nusers);
	mb_hiveset_free(hs);
}

static void test_expected_rawr(void **state)
{
	(void)state;
	expect_set("xp-rawr");
}

static void test_expected_angry(void **state)
{
	(void)state;
	expect_set("xp-angry");
}

static void test_expected_ofiara(void **state)
{
	(void)state;
	expect_set("xp-ofiara");
}

/* ---- flags, groups, rights, product (reference 3.4-3.6) ----------------- */

static void test_accounts_rawr(void **state)
{
	struct mb_hiveset *hs = open_set("xp-rawr");
	const struct mb_hs_user *ha = mb_hiveset_user(hs, "helpassistant");
	const struct mb_hs_user *g = mb_hiveset_user(hs, "Guest");
	const struct mb_hs_alias *guests = mb_hiveset_alias(hs, 1,
							    MB_ALIAS_GUESTS);
	char sid[160];

	(void)state;
	assert_string_equal(hs->computer, "RAWR");
	assert_string_equal(hs->product, "WinNT");
	assert_int_equal(hs->dc, 0);
	assert_non_null(ha);
	assert_int_equal(ha->flags, 0x211);
	assert_int_equal(ha->hours_set, 1);
	assert_non_null(g);
	assert_int_equal(g->flags, 0x214); /* Guest enabled on RAWR */
	assert_int_equal(g->has_nt, 0);
	assert_non_null(guests);
	assert_string_equal(guests->name, "Guests");
	assert_int_equal(guests->nmembers, 1);
	mb_hiveset_user_sid(hs, 501, sid, sizeof(sid));
	assert_string_equal(guests->members[0], sid);
	assert_int_equal(hs->have_rights, 1);
	assert_int_equal(mb_hiveset_rights(hs, "S-1-1-0"), 0x2);
	assert_int_equal(mb_hiveset_rights(hs, "S-1-5-32-545"), 0x3);
	assert_int_equal(mb_hiveset_rights(hs, "S-1-5-32-544"), 0x403);
	assert_int_equal(mb_hiveset_rights(hs, "S-1-5-32-546"), 0);
	mb_hiveset_free(hs);
}

static void test_accounts_angry(void **state)
{
	struct mb_hiveset *hs = open_set("xp-angry");
	const struct mb_hs_user *g = mb_hiveset_user(hs, "GUEST");

	(void)state;
	assert_non_null(g);
	assert_int_equal(g->flags, 0x215);
	assert_string_equal(hs->computer, "WINXP");
	mb_hiveset_free(hs);
}

/* ---- password comparison with the published plaintexts ---------------- */

static void test_password(void **state)
{
	struct mb_hiveset *hs = open_set("xp-rawr");

	(void)state;
	assert_int_equal(fx_pwcmp(hs, "elwood", "password1337"), MB_PW_MATCH);
	assert_int_equal(fx_pwcmp(hs, "Administrator", "password1337"),
			 MB_PW_MATCH);
	assert_int_equal(fx_pwcmp(hs, "elwood", "Password1337"), MB_PW_DIFFERS);
	assert_int_equal(fx_pwcmp(hs, "elwood", ""), MB_PW_DIFFERS);
	assert_int_equal(fx_pwcmp(hs, "HelpAssistant", "jL=0CwFdqXYFGd"),
			 MB_PW_MATCH);
	assert_int_equal(fx_pwcmp(hs, "Guest", "x"), MB_PW_SAM_EMPTY);
	assert_int_equal(fx_pwcmp(hs, "Guest", ""), MB_PW_MATCH);
	mb_hiveset_free(hs);
}

/* ---- the checks ----------------------------------------------------------- */

static void test_checks(void **state)
{
	struct mb_hiveset *hs = open_set("xp-rawr");
	uint64_t now = mb_hcheck_filetime(NOW);
	struct mb_hcheck c;

	(void)state;
	mb_hcheck_run(hs, "HelpAssistant", MB_HC_NETWORK, now, &c);
	assert_int_equal(c.scope, MB_HC_LOCAL);
	assert_non_null(c.user);
	assert_int_equal(c.disabled, 1);
	assert_int_equal(c.hours_restricted, 0); /* all 168 hours allowed */
	assert_true(mb_hcheck_problems(&c));

	mb_hcheck_run(hs, "RAWR\\Guest", MB_HC_NETWORK, now, &c);
	assert_int_equal(c.scope, MB_HC_LOCAL);
	assert_int_equal(c.disabled, 0);
	assert_int_equal(c.guests, 1);
	assert_int_equal(c.has_right, 1);
	assert_string_equal(c.right_via, "S-1-1-0");
	assert_int_equal(c.deny, 0);
	assert_int_equal(c.must_change, 0); /* never set, not "must change" */
	/* Guest's own account object denies local logon (0x41). */
	mb_hcheck_run(hs, "Guest", MB_HC_INTERACTIVE, now, &c);
	assert_int_equal(c.deny, MB_RIGHT_DENY_INTERACTIVE);
	assert_string_equal(c.deny_via, c.sid);

	mb_hcheck_run(hs, ".\\elwood", MB_HC_NETWORK, now, &c);
	assert_int_equal(c.admins, 1);
	assert_int_equal(c.users, 1);
	assert_int_equal(c.guests, 0);
	assert_int_equal(c.iis_wpg, -1);
	assert_int_equal(c.pwd_expired, 0); /* DONT_EXPIRE_PASSWORD */

	mb_hcheck_run(hs, "IUSR_RAWR", MB_HC_NETWORK, now, &c);
	assert_int_equal(c.scope, MB_HC_LOCAL);
	assert_null(c.user);
	assert_true(mb_hcheck_problems(&c));
	mb_hcheck_run(hs, "CORP\\IUSR_RAWR", MB_HC_NETWORK, now, &c);
	assert_int_equal(c.scope, MB_HC_DOMAIN);
	mb_hcheck_run(hs, "iusr@corp.example", MB_HC_NETWORK, now, &c);
	assert_int_equal(c.scope, MB_HC_DOMAIN);
	mb_hcheck_run(hs, "NT AUTHORITY\\NETWORK SERVICE", MB_HC_BATCH, now,
		      &c);
	assert_int_equal(c.scope, MB_HC_SYSTEM);
	assert_false(mb_hcheck_problems(&c));
	mb_hiveset_free(hs);
}

static void test_hours_text(void **state)
{
	unsigned char h[21];
	struct mb_buf b;

	(void)state;
	memset(h, 0xff, sizeof(h));
	h[0] = 0x00;             /* Sun 00-08 */
	h[3] &= (unsigned char)~0x80; /* Mon 07 (bit 31) */
	mb_buf_init(&b);
	assert_int_equal(mb_hcheck_hours_text(h, &b), 0);
	mb_buf_putc(&b, 0);
	assert_string_equal(b.data, "Sun 00-08, Mon 07-08");
	mb_buf_release(&b);
}

/* ---- bad input ------------------------------------------------------------ */

static void expect_error(const char *sam, const char *system,
			 const char *security, const char *named,
			 const char *reason_part)
{
	struct mb_hiveset *hs = NULL;
	struct mb_error e;

	mb_error_clear(&e);
	assert_int_equal(mb_hiveset_load(sam, system, security, &hs, &e),
			 MB_EFILE);
	assert_null(hs);
	if (!strstr(e.subject, named) && !strstr(e.reason, named))
		fail_msg("'%s' not named in '%s': %s", named, e.subject,
			 e.reason);
	if (reason_part && !strstr(e.reason, reason_part))
		fail_msg("'%s' not in '%s'", reason_part, e.reason);
}

static void test_other_machine(void **state)
{
	(void)state;
	if (!hives_dir())
		fx_corpus_absent();
	expect_error(set_path("xp-rawr", "SAM"), set_path("xp-angry", "SYSTEM"),
		     NULL, "xp-rawr/SAM", "another machine");
}

static void test_vista(void **state)
{
	struct mb_hiveset *hs = NULL;
	struct mb_error e;

	(void)state;
	if (!hives_dir())
		fx_corpus_absent();
	mb_error_clear(&e);
	assert_int_equal(mb_hiveset_open(set_path("win10-regipy", NULL), &hs,
					 &e), MB_EFILE);
	assert_non_null(strstr(e.reason, "Windows Server 2003"));
	assert_non_null(strstr(e.reason, "Vista"));
	/* Without its SECURITY, the SAM does not pair with that SYSTEM. */
	expect_error(set_path("win10-regipy", "SAM"),
		     set_path("win10-regipy", "SYSTEM"), NULL,
		     "win10-regipy/SAM", "another machine");
}

static void test_missing_system(void **state)
{
	char dir[] = "/tmp/mbhiveXXXXXX", link[128];
	struct mb_hiveset *hs = NULL;
	struct mb_error e;

	(void)state;
	if (!hives_dir())
		fx_corpus_absent();
	assert_non_null(mkdtemp(dir));
	snprintf(link, sizeof(link), "%s/sam", dir);
	assert_int_equal(symlink(set_path("partial", "xp-SAM-only"), link), 0);
	mb_error_clear(&e);
	assert_int_equal(mb_hiveset_open(dir, &hs, &e), MB_EFILE);
	assert_non_null(strstr(e.subject, "/sam"));
	assert_non_null(strstr(e.reason, "no SYSTEM hive"));
	unlink(link);
	rmdir(dir);
	/* No SAM at all. */
	assert_int_equal(mb_hiveset_open("/", &hs, &e), MB_EFILE);
	assert_non_null(strstr(e.reason, "no SAM hive"));
}

/* WINDOWS/system32/config found below a disk root, any letter case. */
static void test_find_root(void **state)
{
	char dir[] = "/tmp/mbhiveXXXXXX", p[256];
	char *sam, *system, *security;
	struct mb_error e;
	static const char *const names[] = { "sam", "System", "SECURITY" };
	static const char *const sets[] = { "SAM", "SYSTEM", "SECURITY" };
	int i;

	(void)state;
	if (!hives_dir())
		fx_corpus_absent();
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/windows", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/windows/System32", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/windows/System32/CONFIG", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	for (i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/windows/System32/CONFIG/%s", dir,
			 names[i]);
		assert_int_equal(symlink(set_path("xp-rawr", sets[i]), p), 0);
	}
	mb_error_clear(&e);
	assert_int_equal(mb_hiveset_find(dir, &sam, &system, &security, &e),
			 MB_OK);
	assert_non_null(strstr(sam, "CONFIG/sam"));
	assert_non_null(strstr(system, "CONFIG/System"));
	assert_non_null(security);
	free(sam);
	free(system);
	free(security);
	for (i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/windows/System32/CONFIG/%s", dir,
			 names[i]);
		unlink(p);
	}
	snprintf(p, sizeof(p), "%s/windows/System32/CONFIG", dir);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/windows/System32", dir);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/windows", dir);
	rmdir(p);
	rmdir(dir);
}

/* Every hostile hive as SAM, SYSTEM and SECURITY: exit 6, file named. */
static void test_malformed(void **state)
{
	char *mdir = set_path("malformed", NULL), path[4096];
	DIR *d = mdir ? opendir(mdir) : NULL;
	struct dirent *de;
	int n = 0;

	(void)state;
	if (!d)
		fx_corpus_absent();
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", mdir, de->d_name);
		expect_error(path, set_path("xp-rawr", "SYSTEM"), NULL,
			     de->d_name, NULL);
		expect_error(set_path("xp-rawr", "SAM"), path, NULL,
			     de->d_name, NULL);
		expect_error(set_path("xp-rawr", "SAM"),
			     set_path("xp-rawr", "SYSTEM"), path, de->d_name,
			     NULL);
		n++;
	}
	closedir(d);
	assert_int_equal(n, 14);
}

/* The generic reader: sub-keys, a missing key, a cut file. */
static void test_reader(void **state)
{
	char *path = set_path("xp-rawr", "SAM");
	char cut[] = "/tmp/mbhiveXXXXXX";
	unsigned char head[100];
	struct mb_hive *h;
	struct mb_error e;
	char **names;
	size_t n;
	FILE *f;
	int fd;

	(void)state;
	if (!path)
		fx_corpus_absent();
	assert_int_equal(mb_hive_open(path, &h, &e), MB_OK);
	assert_int_equal(mb_hive_subkeys(h, "SAM\\Domains\\Account\\Users",
					 &names, &n, &e), MB_OK);
	assert_int_equal(n, 6); /* five users and Names */
	mb_hive_names_free(names, n);
	assert_int_equal(mb_hive_subkeys(h, "SAM\\Nowhere", &names, &n, &e),
			 MB_ENOPATH);
	mb_hive_close(h);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(head, 1, sizeof(head), f), sizeof(head));
	fclose(f);
	fd = mkstemp(cut);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, head, sizeof(head)), sizeof(head));
	close(fd);
	assert_int_equal(mb_hive_open(cut, &h, &e), MB_EFILE);
	assert_string_equal(e.subject, cut);
	unlink(cut);
	assert_int_equal(mb_hive_open(cut, &h, &e), MB_EFILE);
	assert_non_null(strstr(e.reason, "No such file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_legacy_kat),
		cmocka_unit_test(test_hours_text),
		cmocka_unit_test(test_expected_rawr),
		cmocka_unit_test(test_expected_angry),
		cmocka_unit_test(test_expected_ofiara),
		cmocka_unit_test(test_accounts_rawr),
		cmocka_unit_test(test_accounts_angry),
		cmocka_unit_test(test_password),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_other_machine),
		cmocka_unit_test(test_vista),
		cmocka_unit_test(test_missing_system),
		cmocka_unit_test(test_find_root),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_reader),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
