/* SPDX-License-Identifier: MIT */
/*
 * A Windows XP / Server 2003 machine's local account database, read from
 * its hive files (reference/windows-hives.md section 3): the boot key from
 * SYSTEM, the hashed boot key from the SAM (its checksum proves that the
 * two hives belong together), every local user's F and V values with the
 * NT hash decrypted, the local groups (aliases) and their members, and,
 * when SECURITY is given, the logon rights per SID (ActSysAc).
 *
 * The decrypted hashes stay inside this structure: nothing in mbtool
 * prints them; mb_hiveset_password compares a plaintext with one in
 * constant time. mb_hiveset_free wipes them.
 *
 * Errors are MB_EFILE naming the hive file and saying what to do: a file
 * that is not a hive, a SYSTEM of another machine (checksum), Vista-or-
 * later formats (AES), a missing SYSTEM or SAM.
 */
#ifndef MB_HIVESET_H
#define MB_HIVESET_H

#include <stddef.h>
#include <stdint.h>

#include "mb/err.h"
#include "mb/sd.h"

/* USER_ACCOUNT codes ([MS-SAMR] 2.2.1.12) in user F at 0x38. */
#define MB_UF_DISABLED     0x00000001u
#define MB_UF_PWNOTREQ     0x00000004u
#define MB_UF_NORMAL       0x00000010u
#define MB_UF_DONT_EXPIRE  0x00000200u
#define MB_UF_LOCKED       0x00000400u
#define MB_UF_PW_EXPIRED   0x00020000u

/* POLICY_SYSTEM_ACCESS_MODE bits ([MS-LSAD] 2.2.1.2) in ActSysAc. */
#define MB_RIGHT_INTERACTIVE      0x001u
#define MB_RIGHT_NETWORK          0x002u
#define MB_RIGHT_BATCH            0x004u
#define MB_RIGHT_SERVICE          0x010u
#define MB_RIGHT_DENY_INTERACTIVE 0x040u
#define MB_RIGHT_DENY_NETWORK     0x080u
#define MB_RIGHT_DENY_BATCH       0x100u
#define MB_RIGHT_DENY_SERVICE     0x200u
#define MB_RIGHT_REMOTE           0x400u
#define MB_RIGHT_DENY_REMOTE      0x800u

/* Well-known alias RIDs in SAM\Domains\Builtin\Aliases. */
#define MB_ALIAS_ADMINS 0x220u
#define MB_ALIAS_USERS  0x221u
#define MB_ALIAS_GUESTS 0x222u

#define MB_FILETIME_NEVER 0x7fffffffffffffffull

struct mb_hs_user {
	uint32_t rid;
	char *name;              /* UTF-8 */
	uint32_t flags;          /* MB_UF_* */
	uint64_t last_logon, pwd_set, expires, last_bad; /* FILETIME */
	unsigned bad_count, logon_count;
	char *workstations;      /* "log on to" list, NULL: any */
	unsigned char hours[21]; /* one bit per hour from Sunday 0:00 UTC */
	int hours_set;           /* a logon-hours field is stored */
	int has_nt;              /* a hash is stored (else: empty password) */
	unsigned char nt[16];    /* decrypted NT hash: never printed */
};

struct mb_hs_alias {
	uint32_t rid;
	int builtin;             /* Builtin (S-1-5-32) or Account domain */
	char *name;
	char **members;          /* SID strings */
	size_t nmembers;
};

struct mb_hs_right {
	char *sid;
	uint32_t access;         /* ActSysAc */
};

struct mb_hiveset {
	char *sam, *system, *security;  /* the files read */
	char computer[256];
	char product[32];        /* WinNT, ServerNT or LanmanNt */
	int dc;                  /* LanmanNt: accounts live in AD */
	unsigned char bootkey[16];
	unsigned char hbk[16];   /* hashed boot key (checksum verified) */
	char domain_sid[128];    /* S-1-5-21-a-b-c */
	unsigned char domain_sid_bin[24]; /* the same, as stored */
	int64_t max_pwd_age;     /* 100 ns units, 0 = passwords never expire */
	int64_t lockout_duration; /* 100 ns units, <0 = until an admin */
	unsigned lockout_threshold;
	uint64_t image_time;     /* last write of the SAM's account domain */
	struct mb_hs_user *users;
	size_t nusers;
	struct mb_hs_alias *aliases;
	size_t naliases;
	struct mb_hs_right *rights;
	size_t nrights;
	int have_rights;         /* SECURITY was read */
};

/*
 * Find SAM, SYSTEM and SECURITY in dir, dir/system32/config or
 * dir/WINDOWS/system32/config (every name matched case-insensitively).
 * Paths malloc'd; *security NULL when there is none. MB_EFILE when dir
 * has no SAM, or a SAM but no SYSTEM (saying what to copy).
 */
enum mb_status mb_hiveset_find(const char *dir, char **sam, char **system,
			       char **security, struct mb_error *err);
/* Read the hives (security may be NULL). */
enum mb_status mb_hiveset_load(const char *sam, const char *system,
			       const char *security, struct mb_hiveset **out,
			       struct mb_error *err);
/* mb_hiveset_find then mb_hiveset_load. */
enum mb_status mb_hiveset_open(const char *dir, struct mb_hiveset **out,
			       struct mb_error *err);
void mb_hiveset_free(struct mb_hiveset *hs);

/*
 * One hive read into hs by its role, the step mb_hiveset_load takes per
 * file (the fuzz target reads its input in every role this way). A SAM needs
 * the boot key of a SYSTEM read before it.
 */
enum mb_hive_role { MB_HIVE_SYSTEM, MB_HIVE_SAM, MB_HIVE_SECURITY };
struct mb_hive;
struct mb_hiveset *mb_hiveset_new(const char *sam, const char *system,
				  const char *security);
enum mb_status mb_hiveset_read(struct mb_hiveset *hs, struct mb_hive *h,
			       enum mb_hive_role role, struct mb_error *err);

/* A local user by name (case-insensitive, ASCII folding), or NULL. */
const struct mb_hs_user *mb_hiveset_user(const struct mb_hiveset *hs,
					 const char *name);
const struct mb_hs_alias *mb_hiveset_alias(const struct mb_hiveset *hs,
					   int builtin, uint32_t rid);
/* An Account-domain alias by name (IIS_WPG), or NULL. */
const struct mb_hs_alias *mb_hiveset_alias_named(const struct mb_hiveset *hs,
						 const char *name);
/* ActSysAc of sid, 0 when it has no account object. */
uint32_t mb_hiveset_rights(const struct mb_hiveset *hs, const char *sid);
/*
 * The SIDs of the machine's own domain as a descriptor stores them: the
 * domain S-1-5-21-a-b-c, then S-1-5-21-a-b-c-RID for each account and
 * local group of the SAM and for its None group (513). The reveal solver
 * tries them where an AdminACL names the machine's own SID
 * (mb_reveal_opts.machine_sids). *out malloc'd; *n 0 when the domain
 * SID is not of that form.
 */
enum mb_status mb_hiveset_machine_sids(const struct mb_hiveset *hs,
				       struct mb_sd_sid **out, size_t *n,
				       struct mb_error *err);
/* "S-1-5-21-...-RID" into out. */
void mb_hiveset_user_sid(const struct mb_hiveset *hs, uint32_t rid,
			 char *out, size_t cap);
int mb_hiveset_is_member(const struct mb_hs_alias *a, const char *sid);

enum mb_pwcmp {
	MB_PW_MATCH,        /* MD4(UTF-16LE(plain)) equals the SAM hash */
	MB_PW_DIFFERS,
	MB_PW_SAM_EMPTY,    /* the SAM stores no password, plain is not "" */
};
/* Compare a UTF-8 plaintext with u's password (constant time). */
enum mb_status mb_hiveset_password(const struct mb_hs_user *u,
				   const char *plain, size_t len,
				   enum mb_pwcmp *out, struct mb_error *err);

#endif
