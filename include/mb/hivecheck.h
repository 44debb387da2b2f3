/* SPDX-License-Identifier: MIT */
/*
 * The Windows side of one identity the metabase names (anonymous, WAM,
 * UNC or application-pool account), answered from the server's hives
 * (hiveset.h): does the account exist, is it disabled, locked out,
 * expired, must its password change, do logon hours or a "log on to" list
 * forbid the logon, is it in Guests / Users / Administrators / IIS_WPG,
 * does it hold the logon right its logon type needs and no deny right
 * (through its own SID, its groups, Everyone, Authenticated Users or the
 * logon type's SID). reference/windows-hives.md 3.4-3.6, 3.11.
 *
 * Times are FILETIMEs (100 ns since 1601, UTC); "now" is given by the
 * caller so that results are reproducible. The library never prints:
 * callers render the fields (mb_hcheck_hours_text helps with the hours).
 */
#ifndef MB_HIVECHECK_H
#define MB_HIVECHECK_H

#include <stddef.h>
#include <stdint.h>

#include "mb/buf.h"
#include "mb/hiveset.h"

enum mb_hc_scope {
	MB_HC_LOCAL,    /* NAME or THISMACHINE\NAME: in these hives */
	MB_HC_DOMAIN,   /* DOMAIN\NAME or NAME@DOMAIN: in the domain */
	MB_HC_DC,       /* the server is a domain controller: in AD */
	MB_HC_SYSTEM,   /* NT AUTHORITY\..., BUILTIN\...: not a user */
};

/* How the identity logs on (which right it needs). */
enum mb_hc_logon {
	MB_HC_INTERACTIVE = 0, /* LogonMethod 0 */
	MB_HC_BATCH = 1,       /* LogonMethod 1; pool and WAM identities */
	MB_HC_NETWORK = 2,     /* LogonMethod 2 and 3 (the default); UNC */
};

struct mb_hcheck {
	enum mb_hc_scope scope;
	const struct mb_hs_user *user; /* LOCAL: NULL when missing */
	char sid[128];
	int disabled;
	int locked;           /* the lockout bit was set at the last write */
	int lock_elapsed;     /* ... but the lockout duration is over by now */
	int acct_expired;
	int must_change;      /* password last set = 0 */
	int pwd_expired;      /* flag, or last set + maximum age < now */
	int hours_restricted; /* some hours of the week are forbidden */
	int ws_restricted;    /* a "log on to" list without this computer */
	int guests, users, admins;
	int iis_wpg;          /* -1: no IIS_WPG group on this machine */
	int rights_known;     /* SECURITY was read */
	uint32_t need;        /* MB_RIGHT_* the logon type needs */
	int has_right;
	char right_via[128];  /* the SID that grants it */
	uint32_t deny;        /* the deny bit that applies, 0 none */
	char deny_via[128];   /* the SID that carries it */
};

/* FILETIME of a time_t. */
uint64_t mb_hcheck_filetime(long long unix_seconds);
/* The logon type of a LogonMethod value (0-3; others: network). */
enum mb_hc_logon mb_hcheck_logon_of(uint32_t logon_method);
/* Right names as secpol.msc / ntrights know them. */
const char *mb_hcheck_right_name(uint32_t bit);     /* "SeNetworkLogonRight" */
const char *mb_hcheck_right_title(uint32_t bit);    /* "Access this computer ..." */

/* Fill out for account (as the metabase names it). */
void mb_hcheck_run(const struct mb_hiveset *hs, const char *account,
		   enum mb_hc_logon logon, uint64_t now,
		   struct mb_hcheck *out);
/* Whether any check failed (a finding for doctor). */
int mb_hcheck_problems(const struct mb_hcheck *c);
/* "Sun 00-08, Mon 18-24" (UTC): the forbidden hours; 0 or -1 (memory). */
int mb_hcheck_hours_text(const unsigned char hours[21], struct mb_buf *out);
/* A FILETIME as "YYYY-MM-DD HH:MM UTC" (or "never"). */
void mb_hcheck_time_text(uint64_t ft, char *out, size_t cap);

#endif
