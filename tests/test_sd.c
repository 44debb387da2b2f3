/* SPDX-License-Identifier: MIT */
/*
 * The security-descriptor module (mb/sd.h): SDDL text of self-relative
 * descriptors built here byte by byte from the documented layout
 * (MS-DTYP 2.4.6: revision, Sbz1, control, then the offsets of owner,
 * group, SACL and DACL; ACL header 2.4.5, ACE header 2.4.4.1), and the
 * candidate lists the reveal search enumerates.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "mb/sd.h"

static const unsigned char ba[16] = { 1, 2, 0, 0, 0, 0, 0, 5,
				      32, 0, 0, 0, 0x20, 2, 0, 0 };
static const unsigned char wd[12] = { 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0 };
/* A machine account SID, S-1-5-21-1-2-3-1000: no alias. */
static const unsigned char mach[28] = { 1, 5, 0, 0, 0, 0, 0, 5,
					21, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0,
					3, 0, 0, 0, 0xe8, 3, 0, 0 };

static size_t put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
	return 4;
}

static size_t ace(unsigned char *p, unsigned type, unsigned flags,
		  uint32_t mask, const unsigned char *sid, size_t sl)
{
	p[0] = (unsigned char)type;
	p[1] = (unsigned char)flags;
	p[2] = (unsigned char)(8 + sl);
	p[3] = 0;
	put32(p + 4, mask);
	memcpy(p + 8, sid, sl);
	return 8 + sl;
}

/* O:BA G:BA D:(A;;mask1;;;BA)(A;OICI;mask2;;;second) with control ctl. */
static size_t build(unsigned char *p, unsigned ctl, uint32_t m1, uint32_t m2,
		    const unsigned char *second, size_t sl)
{
	size_t n, acl;

	memset(p, 0, 512);
	p[0] = 1;
	p[2] = (unsigned char)ctl;
	p[3] = (unsigned char)(ctl >> 8);
	put32(p + 4, 20);
	memcpy(p + 20, ba, 16);
	put32(p + 8, 36);
	memcpy(p + 36, ba, 16);
	n = 52;
	put32(p + 16, (uint32_t)n);
	acl = n;
	p[acl] = 2;
	p[acl + 4] = 2;
	n += 8;
	n += ace(p + n, 0, 0, m1, ba, 16);
	n += ace(p + n, 0, 3, m2, second, sl);
	p[acl + 2] = (unsigned char)(n - acl);
	p[acl + 3] = (unsigned char)((n - acl) >> 8);
	return n;
}

static void sddl_is(const unsigned char *p, size_t n, const char *want)
{
	struct mb_buf t;

	mb_buf_init(&t);
	assert_int_equal(mb_sd_sddl(p, n, &t), 0);
	assert_string_equal(t.data, want);
	mb_buf_wipe(&t);
}

static void test_sddl_aliases(void **state)
{
	unsigned char p[512];
	size_t n = build(p, 0x9404, 0x400ab, 0x8, wd, sizeof(wd));

	(void)state;
	sddl_is(p, n, "O:BAG:BAD:PAI(A;;0x400ab;;;BA)(A;OICI;0x8;;;WD)");
}

static void test_sddl_numeric_sid(void **state)
{
	unsigned char p[512];
	size_t n = build(p, 0x8004, 0x1f01ff, 0x120089, mach, sizeof(mach));

	(void)state;
	sddl_is(p, n, "O:BAG:BAD:(A;;0x1f01ff;;;BA)"
		      "(A;OICI;0x120089;;;S-1-5-21-1-2-3-1000)");
}

/* DACL present at offset 0 is a NULL DACL (everyone has every right):
 * SDDL's NO_ACCESS_CONTROL; no DACL bit, no D: at all. */
static void test_sddl_null_dacl(void **state)
{
	unsigned char p[512];
	size_t n = build(p, 0x8404, 0x1f01ff, 0x8, wd, sizeof(wd));

	(void)state;
	put32(p + 16, 0);
	sddl_is(p, 52, "O:BAG:BAD:AINO_ACCESS_CONTROL");
	p[2] = 0;
	sddl_is(p, 52, "O:BAG:BA");
	(void)n;
}

static void test_sddl_refuses_damage(void **state)
{
	unsigned char p[512];
	size_t n = build(p, 0x8004, 1, 2, wd, sizeof(wd));
	struct mb_buf t;

	(void)state;
	mb_buf_init(&t);
	/* cut inside the DACL: its size runs past the end */
	assert_int_equal(mb_sd_sddl(p, n - 4, &t), -1);
	mb_buf_reset(&t);
	p[0] = 2; /* not revision 1 */
	assert_int_equal(mb_sd_sddl(p, n, &t), -1);
	mb_buf_reset(&t);
	p[0] = 1;
	p[20] = 7; /* the owner SID's revision */
	assert_int_equal(mb_sd_sddl(p, n, &t), -1);
	mb_buf_wipe(&t);
}

static void test_candidates(void **state)
{
	unsigned char m[4 * 1024], s[28 * 32];
	size_t n, i, found = 0;

	(void)state;
	n = mb_sd_mask_cands(m, 1024);
	assert_true(n > 64);
	/* MD_ACR_READ | MD_ACR_WRITE | MD_ACR_ENUM_KEYS (0xb) among the
	 * IIS combinations, before any generic right */
	for (i = 0; i < 64; i++)
		found += !memcmp(m + 4 * i, "\x0b\0\0\0", 4);
	assert_int_equal(found, 1);
	assert_int_equal(mb_sd_mask_cands(m, 3), 3);
	n = mb_sd_sid_cands(s, 16);
	assert_true(n >= 1);
	assert_memory_equal(s, ba, 16); /* BA first: the most common */
	/* 28-byte SIDs are per machine: none is fully fixed */
	assert_int_equal(mb_sd_sid_cands(s, 28), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sddl_aliases),
		cmocka_unit_test(test_sddl_numeric_sid),
		cmocka_unit_test(test_sddl_null_dacl),
		cmocka_unit_test(test_sddl_refuses_damage),
		cmocka_unit_test(test_candidates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
