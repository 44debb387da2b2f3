/* SPDX-License-Identifier: MIT */
/*
 * The doctor (mb/doctor.h): the rule table and the run that walks it.
 * Consecutive rules of one scope share one walk of the accounts or keys,
 * so the table's order is the order of the findings. The checks live in
 * doctor_acct.c (MB001-MB009), doctor_logon.c (MB010-MB013) and
 * doctor_hives.c (MB020-MB031); the helpers that build findings in
 * doctor_build.c.
 */
#include <stdlib.h>
#include <string.h>

#include "doctor_priv.h"

static const struct mb_doctor_rule rules[] = {
	{ "MB001", "error", MB_DOCTOR_ACCOUNT, mb_dr_lockout,
	  "an account with different passwords at different levels "
	  "(lockout risk)",
	  "IIS logs on with the password stored at the "
	  "level that serves the request; Windows has one password per "
	  "account, so the levels holding another one fail with 401.1, and "
	  "repeated failures can lock the account out for every site.",
	  "sync-passwords from the level Windows agrees with, or "
	  "collapse to one global account; the same password in Windows" },
	{ "MB002", "warning", MB_DOCTOR_ACCOUNT, mb_dr_levels,
	  "an anonymous account set at several levels",
	  "The same account set at several levels "
	  "means several copies of its password: changing it in one place "
	  "(or in Windows) leaves the others stale, which is how lockout "
	  "risks start.",
	  "collapse to one global account (naming the accounts it "
	  "removes)" },
	{ "MB003", "error", MB_DOCTOR_ACCOUNT, mb_dr_privileged,
	  "an identity that looks privileged (Administrator, Domain "
	  "Admins, ...)",
	  "Anonymous requests run as this account: a "
	  "privileged identity gives every anonymous visitor its rights on "
	  "the server and the domain.",
	  "set an IUSR_<computer> account instead" },
	{ "MB006", "warning", MB_DOCTOR_ACCOUNT, mb_dr_anon_off,
	  "an anonymous account where AuthAnonymous is off",
	  "An anonymous account is set where "
	  "anonymous authentication is off: it is never used there, and it "
	  "hides which account really serves the content.",
	  "turn AuthAnonymous on, or delete the account there" },
	{ "MB004", "error", MB_DOCTOR_KEY, mb_dr_half,
	  "a name without its password, or a password without its "
	  "name, at one key",
	  "A name without its password (or the reverse) "
	  "at one key pairs a name with a password inherited from another "
	  "level, which is rarely the account's password: logon fails with "
	  "401.1.",
	  "delete the half, or set the missing password there" },
	{ "MB005", "warning", MB_DOCTOR_KEY, mb_dr_pwsync,
	  "AnonymousPasswordSync TRUE",
	  "AnonymousPasswordSync is not supported on "
	  "IIS 6.0 (sub-authentication was removed): with it TRUE, IIS does "
	  "not use the stored password and anonymous logon can fail.",
	  "set it FALSE" },
	{ "MB007", "warning", MB_DOCTOR_KEY, mb_dr_isolation,
	  "IIS 5 isolation mode with a WAM account",
	  "In IIS 5 isolation mode out-of-process "
	  "applications run as the IWAM account in COM+; its password must "
	  "match the metabase and Windows, or applications fail to start.",
	  "synciwam.vbs on the server" },
	{ "MB008", "error", MB_DOCTOR_KEY, mb_dr_pool,
	  "an application pool of identity type 3 without WAMUserName "
	  "or WAMUserPass",
	  "An application pool with identity type 3 "
	  "(configurable) runs as WAMUserName with WAMUserPass: without both "
	  "the pool cannot start (503) or its worker logon fails.",
	  "set the identity and its password" },
	{ "MB009", "error", MB_DOCTOR_KEY, mb_dr_secure,
	  "a secure value marked NOLONGERVALID or that cannot be "
	  "decoded",
	  "A secure value that is marked NOLONGERVALID "
	  "or cannot be decoded cannot be decrypted on this machine "
	  "(typically a file restored to a new server): the account it "
	  "belongs to cannot log on until the password is set again.",
	  "set the value again on the server" },
	{ "MB010", "warning", MB_DOCTOR_FILE, mb_dr_logon,
	  "a LogonMethod whose user right the anonymous accounts may "
	  "lack",
	  "IIS logs the anonymous account on with the "
	  "logon type LogonMethod names (0 interactive, 1 batch, 2 network, "
	  "3 network cleartext, the IIS 6 default), and Windows allows it "
	  "only to accounts that hold the matching user right and are not "
	  "named, themselves or through a group such as Guests, in its deny "
	  "right. IIS 6 needs only \"Access this computer from the network\"; "
	  "setup also gives IUSR_<computer> \"Log on as a batch job\", but "
	  "not \"Allow log on locally\", which domain controllers grant to "
	  "operators only. Without the right the logon fails with 401.1.",
	  "LogonMethod 3 (network cleartext), or grant the right" },
	{ "MB011", "error", MB_DOCTOR_KEY, mb_dr_empty,
	  "an empty stored password",
	  "The stored password is the empty string (the "
	  "encrypted value holds only the terminating NUL). Windows refuses "
	  "blank-password logons of local accounts anywhere but at the "
	  "console (\"Accounts: Limit local account use of blank passwords "
	  "to console logon only\", on by default) and domain password "
	  "policies refuse blank passwords, so IIS's logon fails with 401.1 "
	  "(a UNC share cannot be opened); if the Windows account has a real "
	  "password, the two differ anyway.",
	  "give the account a password in Windows and the metabase" },
	{ "MB012", "warning", MB_DOCTOR_KEY, mb_dr_unc,
	  "a UNC share without credentials the file server can check",
	  "Content on a \\\\server\\share Path is read "
	  "over the network with the UNC credentials (UNCUserName, "
	  "UNCPassword). Without them IIS passes the request's own identity, "
	  "and the file server cannot authenticate the local anonymous "
	  "account; a local UNC account works only when the file server has "
	  "the same account with the same password. Either way the share "
	  "refuses the logon and requests fail (401.1, 401.3 or 500).",
	  "set UNCUserName/UNCPassword to an account the file server "
	  "knows" },
	{ "MB013", "info", MB_DOCTOR_ACCOUNT, mb_dr_domain,
	  "a domain account, whose logon limits the DC checks",
	  "A domain account is checked by the domain "
	  "controller at every logon: its logon hours, the computers it may "
	  "\"log on to\" (which must include this IIS server), expiry, "
	  "password age and lockout are set there, not in the metabase, and "
	  "any of them makes IIS's logon fail with 401.1 (a pool identity: "
	  "503). The file cannot show them: check them on the DC.",
	  "check them with net user /domain or [ADSI]" },
	{ "MB020", "error", MB_DOCTOR_HIVES, mb_dr_missing,
	  "an account that is not in the SAM",
	  "The account the metabase names is not in the "
	  "server's SAM: Windows cannot log it on, every request it serves "
	  "fails with 401.1 (a pool identity: 503).",
	  "net user NAME * /add" },
	{ "MB021", "error", MB_DOCTOR_HIVES, mb_dr_disabled,
	  "an account disabled in the SAM",
	  "The account is disabled in the SAM: LogonUser "
	  "fails, so every request it serves fails with 401.1.",
	  "net user NAME /active:yes" },
	{ "MB022", "error", MB_DOCTOR_HIVES, mb_dr_locked,
	  "an account locked out in the SAM",
	  "The account was locked out when the SAM was last "
	  "written (too many bad passwords, typically a metabase level with "
	  "a stale password): no logon succeeds until the lockout ends or "
	  "an administrator clears it. Windows clears the flag lazily, at "
	  "the next logon after the lockout duration, so on an old image it "
	  "may already have expired.",
	  "fix the stale password, then net user NAME /active:yes" },
	{ "MB023", "error", MB_DOCTOR_HIVES, mb_dr_expired,
	  "an expired account",
	  "The account has expired: LogonUser refuses it, "
	  "requests fail with 401.1.",
	  "net user NAME /expires:never" },
	{ "MB024", "error", MB_DOCTOR_HIVES, mb_dr_pwd_expired,
	  "a password that has expired or must change at the next logon",
	  "The account's password has expired or must be "
	  "changed at the next logon: a service logon (IIS) cannot change "
	  "it, so LogonUser fails and requests fail with 401.1.",
	  "net user NAME /logonpasswordchg:no, PasswordExpires=false" },
	{ "MB025", "error", MB_DOCTOR_HIVES, mb_dr_hours,
	  "logon hours that forbid some hours of the week",
	  "The account's logon hours forbid some hours of "
	  "the week: during them IIS's logon fails with 401.1.",
	  "net user NAME /times:all" },
	{ "MB026", "error", MB_DOCTOR_HIVES, mb_dr_workstations,
	  "a \"log on to\" list without this server",
	  "The account may log on only at the computers in "
	  "its \"log on to\" list, and this server is not one of them: IIS's "
	  "logon fails with 401.1.",
	  "net user NAME /workstations:*" },
	{ "MB027", "warning", MB_DOCTOR_HIVES, mb_dr_guests,
	  "an anonymous account in Guests",
	  "The account is a member of Guests: security "
	  "policies commonly deny Guests the network logon or restrict "
	  "them, which makes IIS's logon fail with 401.1; an IIS 6 "
	  "anonymous account needs only Users' rights.",
	  "net localgroup Guests NAME /delete" },
	{ "MB028", "error", MB_DOCTOR_HIVES, mb_dr_admins,
	  "an account in Administrators",
	  "The account is a member of Administrators: every "
	  "request it serves runs with full control of the server.",
	  "net localgroup Administrators NAME /delete" },
	{ "MB029", "error", MB_DOCTOR_HIVES, mb_dr_right,
	  "an account without the logon right its logon type needs",
	  "IIS logs the account on with a logon type whose "
	  "user right the account holds neither itself nor through a group, "
	  "Everyone or Authenticated Users: LogonUser fails with 401.1.",
	  "ntrights -u NAME +r RIGHT, or secpol.msc" },
	{ "MB030", "error", MB_DOCTOR_HIVES, mb_dr_deny,
	  "a deny logon right that names the account or its groups",
	  "A deny logon right names the account, one of its "
	  "groups, Everyone or Authenticated Users: deny wins over any "
	  "grant, so LogonUser fails with 401.1.",
	  "ntrights -u SID -r RIGHT, or secpol.msc" },
	{ "MB031", "error", MB_DOCTOR_HIVES, mb_dr_password,
	  "a stored password that is not the SAM's",
	  "The password stored at this level is not the "
	  "account's password in the SAM (compared offline: MD4 of the "
	  "metabase plaintext against the SAM's NT hash): logon fails with "
	  "401.1, and repeated failures lock the account out.",
	  "sync-passwords, or sam --hives for the net user line" },
};

#define NRULES (sizeof(rules) / sizeof(rules[0]))

const struct mb_doctor_rule *mb_doctor_rules(size_t *n)
{
	*n = NRULES;
	return rules;
}

const struct mb_doctor_rule *mb_doctor_rule(const char *id)
{
	size_t i;

	for (i = 0; i < NRULES; i++)
		if (strcmp(rules[i].id, id) == 0)
			return &rules[i];
	return NULL;
}

/* How many times a rule of scope s runs: per account, key, or once. */
static size_t items(const struct mb_drun *d, enum mb_doctor_scope s)
{
	switch (s) {
	case MB_DOCTOR_ACCOUNT: return d->accts->n;
	case MB_DOCTOR_KEY: return d->doc->nkeys;
	case MB_DOCTOR_FILE: return 1;
	case MB_DOCTOR_HIVES: return d->ws ? d->accts->n : 0;
	}
	return 0;
}

/* rules[from..to): one scope, one walk, each item's rules in order. */
static void walk(struct mb_drun *d, size_t from, size_t to)
{
	size_t i, r, n = items(d, rules[from].scope);

	for (i = 0; i < n && !d->oom; i++)
		for (r = from; r < to && !d->oom; r++)
			rules[r].check(d, i);
}

static void run_rules(struct mb_drun *d)
{
	size_t from, to;

	for (from = 0; from < NRULES && !d->oom; from = to) {
		for (to = from + 1; to < NRULES &&
		     rules[to].scope == rules[from].scope; to++)
			;
		walk(d, from, to);
	}
	if (!d->oom)
		mb_dr_account_checks(d);
	if (!d->oom)
		mb_dr_logon_checks(d);
}

/* What the caller did not give: the accounts and the password groups. */
static int load(struct mb_drun *d, const struct mb_doctor_in *in,
		struct mb_accts *a, struct mb_secrets *g)
{
	d->doc = in->doc;
	d->accts = in->accts ? in->accts : a;
	d->groups = in->groups ? in->groups : g;
	d->ws = in->ws;
	mb_dr_resolve(d);
	/* The groups first: the accounts reuse their parsed blobs. */
	if (!in->groups && mb_secrets_groups(g, in->doc))
		return -1;
	if (!in->accts &&
	    mb_accts_collect_known(in->doc, NULL, 1, d->groups, a))
		return -1;
	return 0;
}

static void release(struct mb_drun *d)
{
	size_t i;

	free(d->svc_anon[0]);
	free(d->svc_anon[1]);
	free(d->anon_src);
	free(d->anon);
	free(d->lm_src);
	free(d->half);
	for (i = 0; i < d->nheld; i++)
		free(d->held[i]);
	free(d->held);
}

int mb_doctor_run(const struct mb_doctor_in *in, struct mb_findings *out,
		  struct mb_error *err)
{
	struct mb_accts a;
	struct mb_secrets g;
	struct mb_drun d;

	memset(out, 0, sizeof(*out));
	memset(&d, 0, sizeof(d));
	memset(&a, 0, sizeof(a));
	memset(&g, 0, sizeof(g));
	d.out = out;
	d.in = in;
	d.oom = load(&d, in, &a, &g) != 0;
	if (!d.oom)
		run_rules(&d);
	if (!d.oom)
		mb_dr_emit(&d);
	release(&d);
	mb_accts_free(&a);
	mb_secrets_free(&g);
	if (!d.oom)
		return MB_OK;
	mb_findings_free(out);
	return mb_error_set(err, MB_EFILE, "doctor", NULL, "out of memory");
}
static void free_lines(struct mb_fix_line *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].lead);
		free(v[i].command);
		free(v[i].note);
	}
	free(v);
}

static void free_finding(struct mb_finding *f)
{
	size_t j;

	free(f->title);
	for (j = 0; j < f->nkeys; j++)
		free(f->keys[j].path);
	free(f->keys);
	free_lines(f->fix, f->nfix);
}

/* The one pending finding: mb_dr_new calls this before each new one, so
 * with an emit v never holds more than one (its slot is reused). */
void mb_dr_emit(struct mb_drun *d)
{
	struct mb_findings *o = d->out;

	if (!d->in->emit || !o->n)
		return;
	d->in->emit(d->in->ctx, &o->v[0]);
	free_finding(&o->v[0]);
	o->n = 0;
	o->emitted++;
}

void mb_findings_free(struct mb_findings *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free_finding(&f->v[i]);
	free(f->v);
	free_lines(f->checks, f->nchecks);
	memset(f, 0, sizeof(*f));
}
