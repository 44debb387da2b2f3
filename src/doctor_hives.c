/* SPDX-License-Identifier: MIT */
/*
 * The doctor's rules from the server's hives (doctor --hives DIR): the
 * checklist items that the SAM and SECURITY answer for the local
 * accounts become findings MB020-MB031 (rule texts in doctor.c's table),
 * each with the Windows Server 2003 command that fixes it. Domain
 * accounts, and every account on a domain controller, keep their
 * checklist lines: their answers are in Active Directory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doctor_priv.h"
#include "mb/path.h"

int mb_dr_hive_answered(const struct mb_drun *d, size_t i)
{
	return d->ws && d->ws->v[i].c.scope == MB_HC_LOCAL;
}

int mb_dr_hive_rights_answered(const struct mb_drun *d)
{
	size_t i;

	if (!d->ws || !d->ws->hs->have_rights)
		return 0;
	for (i = 0; i < d->accts->n; i++)
		if (strcmp(d->accts->v[i].kind, "anonymous") == 0 &&
		    d->ws->v[i].c.scope != MB_HC_LOCAL &&
		    d->ws->v[i].c.scope != MB_HC_SYSTEM)
			return 0;
	return 1;
}

/* A finding for account a with all its keys; the name quoted for cmd. */
static struct mb_finding *finding(struct mb_drun *d, const char *id,
				  const struct mb_acct *a, const char *what)
{
	struct mb_finding *f = mb_dr_new(d, id, "%s: %s", a->name, what);
	size_t i;

	for (i = 0; i < a->nkeys; i++)
		mb_dr_key(d, f, a->keys[i], 0);
	return f;
}

/* before NAME after, the name quoted for the cmd.exe prompt (or the
 * reason no command is printed for it: mb_dr_q). */
static struct mb_fix_line *fix_name(struct mb_drun *d, struct mb_finding *f,
				    const char *name, const char *before,
				    const char *after)
{
	const char *q = mb_dr_q(d, f, MB_SHELL_CMDLINE, name, -1, 1);

	return q ? mb_dr_cmd(d, f, MB_SHELL_CMDLINE, "%s%s%s", before, q,
			     after) : NULL;
}

/* Account i's hive checks when the hives hold it (a local account that
 * the SAM has); NULL otherwise: those rules do not apply. */
static const struct mb_hcheck *local_user(const struct mb_drun *d, size_t i)
{
	const struct mb_hcheck *c = &d->ws->v[i].c;

	return c->scope == MB_HC_LOCAL && c->user ? c : NULL;
}

/* A finding of rule id for account i; the SAM user's name into the fix
 * as "before NAME after". */
static struct mb_finding *net(struct mb_drun *d, const char *id, size_t i,
			      const char *what, const char *before,
			      const char *after)
{
	struct mb_finding *f = finding(d, id, &d->accts->v[i], what);

	fix_name(d, f, d->ws->v[i].c.user->name, before, after);
	return f;
}

void mb_dr_missing(struct mb_drun *d, size_t i)
{
	const struct mb_hcheck *c = &d->ws->v[i].c;
	const struct mb_acct *a = &d->accts->v[i];
	struct mb_fix_line *l;

	if (c->scope != MB_HC_LOCAL || c->user)
		return;
	l = fix_name(d, finding(d, "MB020", a, "not in the server's SAM"),
		     mb_dr_user(a->name, &(int){ 0 }), "net user ", " * /add");
	/* The advice is the line's note, not part of the command (JSON
	 * keeps the two apart; the text shows "command  (note)"). */
	mb_dr_note(d, l, "then mbtool sam --hives DIR for its password");
}

void mb_dr_disabled(struct mb_drun *d, size_t i)
{
	const struct mb_hcheck *c = local_user(d, i);

	if (c && c->disabled)
		net(d, "MB021", i, "disabled in the SAM", "net user ",
		    " /active:yes");
}

void mb_dr_locked(struct mb_drun *d, size_t i)
{
	const struct mb_hcheck *c = local_user(d, i);
	struct mb_finding *f;
	char t[64];

	if (!c || !c->locked)
		return;
	mb_hcheck_time_text(c->user->last_bad, t, sizeof(t));
	f = finding(d, "MB022", &d->accts->v[i], "locked out");
	mb_dr_fix(d, f, "last bad password %s%s; fix the stale password "
		  "first (MB031, mbtool sync-passwords)", t,
		  c->lock_elapsed ? ", lockout duration over by now" : "");
	fix_name(d, f, c->user->name, "net user ", " /active:yes");
}

void mb_dr_expired(struct mb_drun *d, size_t i)
{
	const struct mb_hcheck *c = local_user(d, i);

	if (c && c->acct_expired)
		net(d, "MB023", i, "account expired", "net user ",
		    " /expires:never");
}

void mb_dr_pwd_expired(struct mb_drun *d, size_t i)
{
	const struct mb_hcheck *c = local_user(d, i);
	struct mb_finding *f;

	if (!c || !(c->must_change || c->pwd_expired))
		return;
	f = net(d, "MB024", i, c->must_change ? "must change its password "
		"at next logon" : "password expired", "net user ",
		" /logonpasswordchg:no");
	fix_name(d, f, c->user->name, "wmic useraccount where name=",
		 " set PasswordExpires=false");
}

void mb_dr_hours(struct mb_drun *d, size_t i)
{
	const struct mb_hcheck *c = local_user(d, i);
	struct mb_buf h;

	if (!c || !c->hours_restricted)
		return;
	mb_buf_init(&h);
	mb_buf_puts(&h, "logon hours deny (UTC) ");
	mb_hcheck_hours_text(c->user->hours, &h);
	net(d, "MB025", i, h.data ? h.data : "logon hours", "net user ",
	    " /times:all");
	mb_buf_release(&h);
}

void mb_dr_workstations(struct mb_drun *d, size_t i)
{
	const struct mb_hcheck *c = local_user(d, i);

	if (c && c->ws_restricted)
		net(d, "MB026", i, "may log on only to other computers",
		    "net user ", " /workstations:*");
}

void mb_dr_guests(struct mb_drun *d, size_t i)
{
	const struct mb_hcheck *c = local_user(d, i);

	if (c && c->guests && strcmp(d->accts->v[i].kind, "anonymous") == 0)
		net(d, "MB027", i, "member of Guests",
		    "net localgroup Guests ", " /delete");
}

void mb_dr_admins(struct mb_drun *d, size_t i)
{
	const struct mb_hcheck *c = local_user(d, i);

	if (c && c->admins)
		net(d, "MB028", i, "member of Administrators",
		    "net localgroup Administrators ", " /delete");
}

void mb_dr_right(struct mb_drun *d, size_t i)
{
	const struct mb_hcheck *c = local_user(d, i);
	struct mb_finding *f;
	char what[160], after[160];

	if (!c || !c->rights_known || c->has_right)
		return;
	snprintf(what, sizeof(what), "lacks %s",
		 mb_hcheck_right_name(c->need));
	/* ntrights: Windows Server 2003 Resource Kit Tools. */
	snprintf(after, sizeof(after), " +r %s",
		 mb_hcheck_right_name(c->need));
	f = net(d, "MB029", i, what, "ntrights -u ", after);
	mb_dr_fix(d, f, "or secpol.msc, Local Policies, User Rights "
		  "Assignment: \"%s\"", mb_hcheck_right_title(c->need));
}

void mb_dr_deny(struct mb_drun *d, size_t i)
{
	const struct mb_hcheck *c = local_user(d, i);
	struct mb_finding *f;
	char what[160];
	const char *q;

	if (!c || !c->rights_known || !c->deny)
		return;
	snprintf(what, sizeof(what), "denied by %s through %s",
		 mb_hcheck_right_name(c->deny), c->deny_via);
	f = finding(d, "MB030", &d->accts->v[i], what);
	/* A SID string today, but every printed command is quoted. */
	q = mb_dr_q(d, f, MB_SHELL_CMDLINE, c->deny_via, -1, 1);
	if (q)
		mb_dr_note(d, mb_dr_cmd(d, f, MB_SHELL_CMDLINE, "ntrights -u "
					"%s -r %s", q,
					mb_hcheck_right_name(c->deny)),
			   "the SID as the name it stands for");
	mb_dr_fix(d, f, "or secpol.msc, Local Policies, User Rights "
		  "Assignment: \"%s\"", mb_hcheck_right_title(c->deny));
}

void mb_dr_password(struct mb_drun *d, size_t ai)
{
	const struct mb_acct *a = &d->accts->v[ai];
	const struct mb_wacct *w = &d->ws->v[ai];
	struct mb_finding *f;
	size_t i, other = 0;

	if (!local_user(d, ai))
		return;
	/* What the hives could not settle stays a check, with the reason. */
	for (i = 0; i < a->nkeys; i++)
		if (w->pw[i] == MB_WPW_UNKNOWN)
			mb_dr_check(d, "%s's password at %s: not compared "
				    "with the SAM: %s", a->name,
				    mb_path_display(
					d->doc->keys[a->keys[i]].location),
				    w->why[i]);
	if (!w->differs)
		return;
	for (i = 0; i < a->nkeys; i++)
		other += w->pw[i] == MB_WPW_DIFFERS;
	/* Say what was found: a SAM with no password is not a different one. */
	if (!other)
		f = mb_dr_new(d, "MB031", "%s: the metabase stores a password "
			      "but the SAM has none", a->name);
	else
		f = mb_dr_new(d, "MB031", "%s: the metabase password differs "
			      "from the SAM", a->name);
	for (i = 0; i < a->nkeys; i++)
		if (w->pw[i] == MB_WPW_DIFFERS || w->pw[i] == MB_WPW_SAM_EMPTY)
			mb_dr_key(d, f, a->keys[i], 0);
	if (w->matches || a->ngroups > 1)
		mb_dr_note(d, mb_dr_cmd(d, f, MB_SHELL_SH, "mbtool "
					"sync-passwords"), "one level holds the "
			   "SAM's password: copy it to the others");
	mb_dr_note(d, mb_dr_cmd(d, f, MB_SHELL_SH, "mbtool sam --hives DIR"),
		   "the net user command that gives Windows the metabase's "
		   "password");
}
