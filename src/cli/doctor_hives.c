/* SPDX-License-Identifier: MIT */
/*
 * The doctor's rules from the server's hives (doctor --hives DIR): the
 * checklist items that the SAM and SECURITY answer for the local
 * accounts become findings MB020-MB031 (rule texts in doctor.c's table),
 * each with the Windows Server 2003 command that fixes it. Domain
 * accounts, and every account on a domain controller, keep their
 * checklist lines: their answers are in Active Directory.
 */
#include <stdlib.h>
#include <string.h>

#include "doctor_priv.h"
#include "mb/path.h"
#include "winside.h"

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
static void fix_name(struct mb_drun *d, struct mb_finding *f,
		     const char *name, const char *before, const char *after)
{
	const char *q = mb_dr_q(d, f, MB_SHELL_CMDLINE, name, -1, 1);

	if (q)
		mb_dr_cmd(d, f, MB_SHELL_CMDLINE, "%s%s%s", before, q, after);
}

static void fix_net(struct mb_drun *d, struct mb_finding *f,
		    const struct mb_hcheck *c, const char *before,
		    const char *after)
{
	fix_name(d, f, c->user->name, before, after);
}

static void account_state(struct mb_drun *d, const struct mb_acct *a,
			  const struct mb_hcheck *c)
{
	struct mb_finding *f;
	struct mb_buf h;
	char t[64];

	if (c->disabled)
		fix_net(d, finding(d, "MB021", a, "disabled in the SAM"), c,
			"net user ", " /active:yes");
	if (c->locked) {
		mb_hcheck_time_text(c->user->last_bad, t, sizeof(t));
		f = finding(d, "MB022", a, "locked out");
		mb_dr_fix(d, f, "last bad password %s%s; fix the stale "
			  "password first (MB031, mbtool sync-passwords)", t,
			  c->lock_elapsed ? ", lockout duration over by now" :
			  "");
		fix_net(d, f, c, "net user ", " /active:yes");
	}
	if (c->acct_expired)
		fix_net(d, finding(d, "MB023", a, "account expired"), c,
			"net user ", " /expires:never");
	if (c->must_change || c->pwd_expired) {
		f = finding(d, "MB024", a, c->must_change ? "must change its "
			    "password at next logon" : "password expired");
		fix_net(d, f, c, "net user ", " /logonpasswordchg:no");
		fix_net(d, f, c, "wmic useraccount where name=", " set "
			"PasswordExpires=false");
	}
	if (c->hours_restricted) {
		mb_buf_init(&h);
		mb_buf_puts(&h, "logon hours deny (UTC) ");
		mb_hcheck_hours_text(c->user->hours, &h);
		f = finding(d, "MB025", a, h.data ? h.data : "logon hours");
		mb_buf_release(&h);
		fix_net(d, f, c, "net user ", " /times:all");
	}
	if (c->ws_restricted)
		fix_net(d, finding(d, "MB026", a, "may log on only to "
				   "other computers"), c, "net user ",
			" /workstations:*");
}

static void groups(struct mb_drun *d, const struct mb_acct *a,
		   const struct mb_hcheck *c)
{
	if (c->guests && strcmp(a->kind, "anonymous") == 0)
		fix_net(d, finding(d, "MB027", a, "member of Guests"), c,
			"net localgroup Guests ", " /delete");
	if (c->admins)
		fix_net(d, finding(d, "MB028", a, "member of Administrators"),
			c, "net localgroup Administrators ", " /delete");
}

static void rights(struct mb_drun *d, const struct mb_acct *a,
		   const struct mb_hcheck *c)
{
	struct mb_finding *f;
	char what[160];
	const char *q;

	if (!c->rights_known)
		return;
	if (!c->has_right) {
		snprintf(what, sizeof(what), "lacks %s",
			 mb_hcheck_right_name(c->need));
		f = finding(d, "MB029", a, what);
		/* ntrights: Windows Server 2003 Resource Kit Tools. */
		snprintf(what, sizeof(what), " +r %s",
			 mb_hcheck_right_name(c->need));
		fix_net(d, f, c, "ntrights -u ", what);
		mb_dr_fix(d, f, "or secpol.msc, Local Policies, User Rights "
			  "Assignment: \"%s\"", mb_hcheck_right_title(c->need));
	}
	if (c->deny) {
		snprintf(what, sizeof(what), "denied by %s through %s",
			 mb_hcheck_right_name(c->deny), c->deny_via);
		f = finding(d, "MB030", a, what);
		/* A SID string today, but every printed command is quoted. */
		q = mb_dr_q(d, f, MB_SHELL_CMDLINE, c->deny_via, -1, 1);
		if (q)
			mb_dr_note(d, mb_dr_cmd(d, f, MB_SHELL_CMDLINE,
						"ntrights -u %s -r %s", q,
						mb_hcheck_right_name(c->deny)),
				   "the SID as the name it stands for");
		mb_dr_fix(d, f, "or secpol.msc, Local Policies, User Rights "
			  "Assignment: \"%s\"", mb_hcheck_right_title(c->deny));
	}
}

static void passwords(struct mb_drun *d, const struct mb_acct *a,
		      const struct mb_cli_wacct *w)
{
	struct mb_finding *f;
	size_t i, other = 0;

	if (!w->differs)
		return;
	for (i = 0; i < a->nkeys; i++)
		other += w->pw[i] == MB_CLI_PW_DIFFERS;
	/* Say what was found: a SAM with no password is not a different one. */
	if (!other)
		f = mb_dr_new(d, "MB031", "%s: the metabase stores a password "
			      "but the SAM has none", a->name);
	else
		f = mb_dr_new(d, "MB031", "%s: the metabase password differs "
			      "from the SAM", a->name);
	for (i = 0; i < a->nkeys; i++)
		if (w->pw[i] == MB_CLI_PW_DIFFERS ||
		    w->pw[i] == MB_CLI_PW_SAM_EMPTY)
			mb_dr_key(d, f, a->keys[i], 0);
	if (w->matches || a->ngroups > 1)
		mb_dr_note(d, mb_dr_cmd(d, f, MB_SHELL_SH, "mbtool "
					"sync-passwords"), "one level holds the "
			   "SAM's password: copy it to the others");
	mb_dr_note(d, mb_dr_cmd(d, f, MB_SHELL_SH, "mbtool sam --hives DIR"),
		   "the net user command that gives Windows the metabase's "
		   "password");
}

void mb_dr_hive_rules(struct mb_drun *d)
{
	size_t i;

	for (i = 0; i < d->accts->n && !d->oom; i++) {
		const struct mb_acct *a = &d->accts->v[i];
		const struct mb_cli_wacct *w = &d->ws->v[i];

		if (w->c.scope != MB_HC_LOCAL)
			continue;
		if (!w->c.user) {
			struct mb_finding *f = finding(d, "MB020", a,
				"not in the server's SAM");

			fix_name(d, f, mb_dr_user(a->name, &(int){ 0 }),
				 "net user ", " * /add  (then mbtool sam "
				 "--hives DIR for its password)");
			continue;
		}
		account_state(d, a, &w->c);
		groups(d, a, &w->c);
		rights(d, a, &w->c);
		passwords(d, a, w);
	}
}
