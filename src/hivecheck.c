// SPDX-License-Identifier: MIT
/*
 * Account checks against the hives (include/mb/hivecheck.h). The rules
 * follow reference/windows-hives.md 3.4 (flags, times), 3.5 (aliases)
 * and 3.6 (rights: union over the token's SIDs, any deny wins).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "mb/hivecheck.h"

#define FT_UNIX 116444736000000000ull /* 1970-01-01 as a FILETIME */
#define FT_SEC 10000000ull

uint64_t mb_hcheck_filetime(long long unix_seconds)
{
	return FT_UNIX + (uint64_t)unix_seconds * FT_SEC;
}

enum mb_hc_logon mb_hcheck_logon_of(uint32_t logon_method)
{
	if (logon_method == 0)
		return MB_HC_INTERACTIVE;
	if (logon_method == 1)
		return MB_HC_BATCH;
	return MB_HC_NETWORK;
}

static const struct {
	uint32_t bit;
	const char *name, *title;
} rights[] = {
	{ MB_RIGHT_INTERACTIVE, "SeInteractiveLogonRight",
	  "Allow log on locally" },
	{ MB_RIGHT_NETWORK, "SeNetworkLogonRight",
	  "Access this computer from the network" },
	{ MB_RIGHT_BATCH, "SeBatchLogonRight", "Log on as a batch job" },
	{ MB_RIGHT_SERVICE, "SeServiceLogonRight", "Log on as a service" },
	{ MB_RIGHT_DENY_INTERACTIVE, "SeDenyInteractiveLogonRight",
	  "Deny log on locally" },
	{ MB_RIGHT_DENY_NETWORK, "SeDenyNetworkLogonRight",
	  "Deny access to this computer from the network" },
	{ MB_RIGHT_DENY_BATCH, "SeDenyBatchLogonRight",
	  "Deny log on as a batch job" },
	{ MB_RIGHT_DENY_SERVICE, "SeDenyServiceLogonRight",
	  "Deny log on as a service" },
};

static size_t right_at(uint32_t bit)
{
	size_t i;

	for (i = 0; i < sizeof(rights) / sizeof(rights[0]) - 1; i++)
		if (rights[i].bit == bit)
			return i;
	return i;
}

const char *mb_hcheck_right_name(uint32_t bit)
{
	return rights[right_at(bit)].name;
}

const char *mb_hcheck_right_title(uint32_t bit)
{
	return rights[right_at(bit)].title;
}

/* ---- scope ---------------------------------------------------------------- */

static enum mb_hc_scope scope_of(const struct mb_hiveset *hs,
				 const char *account, const char **user)
{
	const char *bs = strchr(account, '\\');
	size_t n = bs ? (size_t)(bs - account) : 0;

	*user = bs ? bs + 1 : account;
	if (bs && ((n == 12 && strncasecmp(account, "NT AUTHORITY", n) == 0) ||
		   (n == 7 && strncasecmp(account, "BUILTIN", n) == 0)))
		return MB_HC_SYSTEM;
	if (hs->dc)
		return MB_HC_DC;
	if (strchr(*user, '@'))
		return MB_HC_DOMAIN;
	if (bs && !(n == 1 && account[0] == '.') &&
	    !(n == strlen(hs->computer) &&
	      strncasecmp(account, hs->computer, n) == 0))
		return MB_HC_DOMAIN;
	return MB_HC_LOCAL;
}

/* ---- account flags and times ------------------------------------------- */

static int ws_allows(const char *list, const char *computer)
{
	size_t n = strlen(computer);
	const char *p = list;

	while (*p) {
		size_t len = strcspn(p, ",");

		while (len && *p == ' ')
			p++, len--;
		if (len == n && strncasecmp(p, computer, n) == 0)
			return 1;
		p += len + (p[len] == ',');
	}
	return 0;
}

static void flags_and_times(const struct mb_hiveset *hs,
			    const struct mb_hs_user *u, uint64_t now,
			    struct mb_hcheck *c)
{
	int i;

	c->disabled = !!(u->flags & MB_UF_DISABLED);
	c->locked = !!(u->flags & MB_UF_LOCKED);
	c->lock_elapsed = c->locked && hs->lockout_duration > 0 &&
			  u->last_bad + (uint64_t)hs->lockout_duration < now;
	c->acct_expired = u->expires && u->expires < MB_FILETIME_NEVER &&
			  u->expires < now;
	/* "Must change at next logon" is a zero last-set time on an account
	 * that has a password: one never set (Guest) has zero there too. */
	c->must_change = u->pwd_set == 0 && u->has_nt &&
			 !(u->flags & MB_UF_DONT_EXPIRE);
	c->pwd_expired = !!(u->flags & MB_UF_PW_EXPIRED) ||
			 (!(u->flags & MB_UF_DONT_EXPIRE) && !c->must_change &&
			  hs->max_pwd_age > 0 &&
			  u->pwd_set + (uint64_t)hs->max_pwd_age < now);
	for (i = 0; u->hours_set && i < 21; i++)
		if (u->hours[i] != 0xff)
			c->hours_restricted = 1;
	c->ws_restricted = u->workstations && *u->workstations &&
			   !ws_allows(u->workstations, hs->computer);
}

/* ---- groups and rights --------------------------------------------------- */

/* The token's SIDs beside the user's own: Everyone, Authenticated Users
 * (not for Guest), and the logon type's SID. */
static size_t token_sids(const struct mb_hcheck *c, enum mb_hc_logon logon,
			 const char *sids[4])
{
	static const char *const type_sid[] = { "S-1-5-4", "S-1-5-3",
						"S-1-5-2" };
	size_t n = 0;

	sids[n++] = c->sid;
	sids[n++] = "S-1-1-0";
	if (c->user && c->user->rid != 501)
		sids[n++] = "S-1-5-11";
	sids[n++] = type_sid[logon];
	return n;
}

static int in_alias(const struct mb_hs_alias *a, const char *const *sids,
		    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (mb_hiveset_is_member(a, sids[i]))
			return 1;
	return 0;
}

/* A SID string cut to fit (no SID string reaches it; -O3 cannot know). */
static void copy_sid(char *dst, size_t n, const char *sid)
{
	size_t len = strnlen(sid, n - 1);

	memcpy(dst, sid, len);
	dst[len] = '\0';
}

/* Rights of one SID: the grant and the deny that apply. */
static void rights_of(const struct mb_hiveset *hs, const char *sid,
		      uint32_t deny_bit, struct mb_hcheck *c)
{
	uint32_t a = mb_hiveset_rights(hs, sid);

	if ((a & c->need) && !c->has_right) {
		c->has_right = 1;
		copy_sid(c->right_via, sizeof(c->right_via), sid);
	}
	if ((a & deny_bit) && !c->deny) {
		c->deny = deny_bit;
		copy_sid(c->deny_via, sizeof(c->deny_via), sid);
	}
}

static void groups_and_rights(const struct mb_hiveset *hs,
			      enum mb_hc_logon logon, struct mb_hcheck *c)
{
	static const uint32_t need[] = { MB_RIGHT_INTERACTIVE,
					 MB_RIGHT_BATCH, MB_RIGHT_NETWORK };
	static const uint32_t deny[] = { MB_RIGHT_DENY_INTERACTIVE,
					 MB_RIGHT_DENY_BATCH,
					 MB_RIGHT_DENY_NETWORK };
	const char *sids[4];
	size_t n = token_sids(c, logon, sids), i;
	const struct mb_hs_alias *wpg = mb_hiveset_alias_named(hs, "IIS_WPG");

	c->admins = in_alias(mb_hiveset_alias(hs, 1, MB_ALIAS_ADMINS), sids, 1);
	c->users = in_alias(mb_hiveset_alias(hs, 1, MB_ALIAS_USERS), sids, n);
	c->guests = in_alias(mb_hiveset_alias(hs, 1, MB_ALIAS_GUESTS), sids, 1);
	c->iis_wpg = wpg ? in_alias(wpg, sids, 1) : -1;
	c->need = need[logon];
	c->rights_known = hs->have_rights;
	for (i = 0; i < n; i++)
		rights_of(hs, sids[i], deny[logon], c);
	for (i = 0; i < hs->naliases; i++) {
		const struct mb_hs_alias *a = &hs->aliases[i];
		char sid[160];

		if (!in_alias(a, sids, n))
			continue;
		snprintf(sid, sizeof(sid), "%s-%lu",
			 a->builtin ? "S-1-5-32" : hs->domain_sid,
			 (unsigned long)a->rid);
		rights_of(hs, sid, deny[logon], c);
	}
}

void mb_hcheck_run(const struct mb_hiveset *hs, const char *account,
		   enum mb_hc_logon logon, uint64_t now,
		   struct mb_hcheck *out)
{
	const char *name;

	memset(out, 0, sizeof(*out));
	out->scope = scope_of(hs, account, &name);
	if (out->scope != MB_HC_LOCAL)
		return;
	out->user = mb_hiveset_user(hs, name);
	if (!out->user)
		return;
	mb_hiveset_user_sid(hs, out->user->rid, out->sid, sizeof(out->sid));
	flags_and_times(hs, out->user, now, out);
	groups_and_rights(hs, logon, out);
}

int mb_hcheck_problems(const struct mb_hcheck *c)
{
	if (c->scope != MB_HC_LOCAL)
		return 0;
	return !c->user || c->disabled || c->locked || c->acct_expired ||
	       c->must_change || c->pwd_expired || c->hours_restricted ||
	       c->ws_restricted || c->guests || c->admins ||
	       (c->rights_known && (!c->has_right || c->deny));
}

/* ---- text helpers -------------------------------------------------------- */

int mb_hcheck_hours_text(const unsigned char hours[21], struct mb_buf *out)
{
	static const char *const day[] = { "Sun", "Mon", "Tue", "Wed",
					   "Thu", "Fri", "Sat" };
	int d, h, first = 1;

	for (d = 0; d < 7; d++)
		for (h = 0; h < 24; h++) {
			int bit = d * 24 + h, end = h;

			if (hours[bit / 8] & (1u << (bit % 8)))
				continue;
			while (end < 24 && !(hours[(d * 24 + end) / 8] &
					     (1u << ((d * 24 + end) % 8))))
				end++;
			mb_buf_printf(out, "%s%s %02d-%02d", first ? "" : ", ",
				      day[d], h, end);
			first = 0;
			h = end;
		}
	return mb_buf_failed(out) ? -1 : 0;
}

void mb_hcheck_time_text(uint64_t ft, char *out, size_t cap)
{
	time_t t;
	struct tm tm;

	if (ft == 0 || ft >= MB_FILETIME_NEVER || ft < FT_UNIX) {
		snprintf(out, cap, "never");
		return;
	}
	t = (time_t)((ft - FT_UNIX) / FT_SEC);
	gmtime_r(&t, &tm);
	strftime(out, cap, "%Y-%m-%d %H:%M UTC", &tm);
}
