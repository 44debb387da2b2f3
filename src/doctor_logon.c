/* SPDX-License-Identifier: MIT */
/*
 * The doctor's logon rules: what Windows checks when IIS logs an identity
 * on, as far as the metabase shows it (rule texts in doctor.c's table).
 *   MB010  LogonMethod and the user right it needs
 *   MB011  empty passwords (the encrypted value is only the UTF-16 NUL)
 *   MB012  UNC shares without credentials the file server can check
 *   MB013  domain accounts: logon hours and "log on to" live on the DC
 * and the checklist lines for user rights, UNC shares and NTFS.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "doctor_priv.h"
#include "mb/blob.h"
#include "mb/edit.h"
#include "mb/path.h"
#include "mb/samcmd.h"
#include "mb/value.h"

#define SECEDIT "secedit /export /areas USER_RIGHTS /cfg " \
	"%%TEMP%%\\rights.inf, then findstr /i \"%s %s\" %%TEMP%%\\rights.inf"

/* The logon right (and its deny right) of each LogonUser logon type. */
struct right {
	const char *allow_name, *allow, *deny_name, *deny;
};

static const struct right rights[] = {
	{ "Allow log on locally", "SeInteractiveLogonRight",
	  "Deny log on locally", "SeDenyInteractiveLogonRight" },
	{ "Log on as a batch job", "SeBatchLogonRight",
	  "Deny log on as a batch job", "SeDenyBatchLogonRight" },
	{ "Access this computer from the network", "SeNetworkLogonRight",
	  "Deny access to this computer from the network",
	  "SeDenyNetworkLogonRight" },
};

static const char *const methods[] = {
	"interactive", "batch", "network", "network cleartext",
};

/* 2 (network) and 3 (network cleartext) need the same right. */
static unsigned right_index(uint32_t m)
{
	return m < 2 ? m : 2;
}

/* A web key where anonymous requests are served (AuthAnonymous on). */
static int anon_key(struct mb_drun *d, size_t k)
{
	const struct mb_prop *af = d->p[MB_DR_AUTHFLAGS];
	const struct mb_key *key = &d->doc->keys[k];

	return af && mb_edit_loc_under(key->location, "/LM/W3SVC") &&
	       mb_schema_class_has(d->doc->schema, key->cls, af) &&
	       mb_dr_anon_on(d, k);
}

/* ---- MB010 ------------------------------------------------------------------ */

struct names {
	char **v;
	size_t n;
	int oom;
};

static void names_add(struct names *s, char *name)
{
	char **v;
	size_t i;

	for (i = 0; name && i < s->n; i++)
		if (strcasecmp(s->v[i], name) == 0)
			break;
	if (!name || !*name || i < s->n) {
		free(name);
		return;
	}
	v = realloc(s->v, (s->n + 1) * sizeof(*v));
	if (!v) {
		s->oom = 1;
		free(name);
		return;
	}
	s->v = v;
	s->v[s->n++] = name;
}

static void names_free(struct names *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

/*
 * The anonymous accounts served at k and below it with the LogonMethod
 * that k has: subtrees that set their own are their own case.
 */
static void collect(struct mb_drun *d, size_t k, int top, struct names *s)
{
	const struct mb_doc *doc = d->doc;
	size_t c;

	if (!top && mb_dr_method_src(d, k) == k)
		return;
	if (anon_key(d, k))
		names_add(s, mb_dr_text(d, k, d->p[MB_DR_ANONNAME], 0));
	for (c = mb_key_first_child(&doc->keys[k]); c != MB_NOKEY;
	     c = mb_key_next_sibling(&doc->keys[c]))
		collect(d, c, 0, s);
}

/* Interactive always; batch unless every account is an IUSR_ (setup
 * grants those the batch right); unknown types always. */
static int lacks_right(uint32_t m, const struct names *s)
{
	size_t i;

	if (!s->n || m == 2 || m == 3)
		return 0;
	for (i = 0; m == 1 && i < s->n; i++) {
		const char *bs = strrchr(s->v[i], '\\');

		if (strncasecmp(bs ? bs + 1 : s->v[i], "IUSR_", 5) != 0)
			return 1;
	}
	return m != 1;
}

static void logon_fixes(struct mb_drun *d, struct mb_finding *f,
			uint32_t m, const struct names *s)
{
	const struct right *r = &rights[right_index(m)];
	const char *q;
	size_t i;

	for (i = 0; i < s->n; i++)
		if ((q = mb_dr_q(d, f, MB_SHELL_CMDLINE, s->v[i], -1, 0)))
			mb_dr_note(d, mb_dr_cmd(d, f, MB_SHELL_CMDLINE,
						"ntrights -u %s +r %s", q,
						r->allow), "Resource Kit; or "
				   "secpol.msc, User Rights Assignment, \"%s\"",
				   r->allow_name);
	mb_dr_fix(d, f, "\"%s\" must name neither the account nor Guests: "
		  SECEDIT, r->deny_name, r->allow, r->deny);
}

static void logon_finding(struct mb_drun *d, size_t k, int dflt, uint32_t m,
			  const struct names *s)
{
	const char *p = mb_path_display(d->doc->keys[k].location), *q;
	struct mb_finding *f;
	struct mb_buf who;
	size_t i;

	mb_buf_init(&who);
	for (i = 0; i < s->n; i++)
		mb_buf_printf(&who, "%s%s", i ? ", " : "", s->v[i]);
	if (m > 3)
		f = mb_dr_new(d, "MB010", "LogonMethod %u at %s is not a logon "
			      "type IIS knows", (unsigned)m, p);
	else
		f = mb_dr_new(d, "MB010", "LogonMethod %u (%s)%s at %s needs "
			      "\"%s\" for %s", (unsigned)m, methods[m],
			      dflt ? ", the schema default," : "", p,
			      rights[right_index(m)].allow_name,
			      who.data ? who.data : "");
	mb_buf_release(&who);
	mb_dr_key(d, f, k, 0);
	q = mb_dr_qf(d, f, MB_SHELL_SH, "%s/LogonMethod", p);
	if (q && dflt)
		mb_dr_note(d, mb_dr_cmd(d, f, MB_SHELL_SH, "mbtool set %s 3",
					q), "network cleartext: needs only "
			   "\"%s\"", rights[2].allow_name);
	else if (q)
		mb_dr_note(d, mb_dr_cmd(d, f, MB_SHELL_SH, "mbtool delete %s",
					q), "back to the inherited or default "
			   "method; IIS 6's 3, network cleartext, needs only "
			   "\"%s\"", rights[2].allow_name);
	if (m <= 3)
		logon_fixes(d, f, m, s);
}

/* One key that sets LogonMethod (or the service key, for the default). */
static void rule_logon_at(struct mb_drun *d, size_t k, int dflt)
{
	struct names s = { NULL, 0, 0 };
	uint32_t m = mb_dr_method(d, k);

	if (m == 2 || m == 3)
		return;
	collect(d, k, 1, &s);
	if (s.oom)
		d->oom = 1;
	else if (lacks_right(m, &s))
		logon_finding(d, k, dflt, m, &s);
	names_free(&s);
}

void mb_dr_logon(struct mb_drun *d, size_t i)
{
	size_t k, svc = mb_doc_find(d->doc, "/LM/W3SVC");

	(void)i;
	if (!d->p[MB_DR_LOGON])
		return;
	if (svc != MB_NOKEY && mb_dr_method_src(d, svc) == MB_NOKEY)
		rule_logon_at(d, svc, 1);
	for (k = 0; k < d->doc->nkeys; k++)
		if (mb_dr_method_src(d, k) == k)
			rule_logon_at(d, k, 0);
}

/* ---- MB011 ------------------------------------------------------------------ */

/* 1 when key itself stores prop as an encrypted empty string (read from
 * the inventory the password groups parsed). */
static int empty_secret(struct mb_drun *d, size_t k, const char *prop)
{
	const struct mb_secret *e = mb_dr_secret(d, k, prop);

	return e && e->parsed && e->blob.kind == MB_BLOB_DATA &&
	       mb_blob_chars(&e->blob) == 0;
}

static void empty_fixes(struct mb_drun *d, struct mb_finding *f,
			const char *name, const char *p, const char *prop)
{
	int n;
	const char *u = mb_dr_user(name, &n), *q;

	if ((q = mb_dr_q(d, f, MB_SHELL_CMDLINE, u, n, 1)))
		mb_dr_note(d, mb_dr_cmd(d, f, MB_SHELL_CMDLINE, "net user %s *%s",
					q, mb_dr_domain_opt(name)),
			   "on the server: give the account a password");
	if ((q = mb_dr_qf(d, f, MB_SHELL_CMDLINE, "%s/%s", p, prop)))
		mb_dr_cmd(d, f, MB_SHELL_CMDLINE, "cscript %%SystemDrive%%\\"
			  "Inetpub\\AdminScripts\\adsutil.vbs SET %s \"<the "
			  "same password>\"", q);
	if ((q = mb_dr_q(d, f, MB_SHELL_SH, name, -1, 0)))
		mb_dr_note(d, mb_dr_lead(d, mb_dr_cmd(d, f, MB_SHELL_SH, "mbtool "
					     "reset --account %s --generate -o "
					     "reset.cmd", q), "or offline:"),
			   "then run reset.cmd on the server");
}

void mb_dr_empty(struct mb_drun *d, size_t k)
{
	const char *p = mb_path_display(d->doc->keys[k].location);
	struct mb_finding *f;
	size_t i, nk;
	const struct mb_idkind *kd = mb_idkinds(&nk);
	char *name;

	for (i = 0; i < nk; i++) {
		if (!empty_secret(d, k, kd[i].pass))
			continue;
		name = mb_dr_text(d, k, d->kname[i], 0);
		if (name && *name) {
			f = mb_dr_new(d, "MB011", "empty %s for %s at %s",
				      kd[i].pass, name, p);
			mb_dr_key(d, f, k, 0);
			empty_fixes(d, f, name, mb_path_display(
				d->doc->keys[k].location), kd[i].pass);
		}
		free(name);
	}
}

/* ---- MB012 ------------------------------------------------------------------ */

/* Length of the \\server\share part of a UNC path. */
static int share_len(const char *path)
{
	const char *s = strchr(path + 2, '\\');

	if (!s)
		return (int)strlen(path);
	s = strchr(s + 1, '\\');
	return (int)(s ? (size_t)(s - path) : strlen(path));
}

static void unc_fixes(struct mb_drun *d, struct mb_finding *f, size_t k,
		      const char *path)
{
	const char *p = mb_path_display(d->doc->keys[k].location), *q;

	if ((q = mb_dr_qf(d, f, MB_SHELL_SH, "%s/UNCUserName", p)))
		mb_dr_note(d, mb_dr_cmd(d, f, MB_SHELL_SH, "mbtool set %s "
					"'DOMAIN\\user'", q), "an account the "
			   "file server knows, with Read on the share and in "
			   "NTFS");
	if ((q = mb_dr_qf(d, f, MB_SHELL_CMDLINE, "%s/UNCPassword", p)))
		mb_dr_note(d, mb_dr_cmd(d, f, MB_SHELL_CMDLINE, "cscript "
					"%%SystemDrive%%\\Inetpub\\AdminScripts"
					"\\adsutil.vbs SET %s \"<its "
					"password>\"", q), "on the server; or IIS "
			   "Manager, the directory's Connect As");
	if ((q = mb_dr_q(d, f, MB_SHELL_CMDLINE, path, share_len(path), 0)))
		mb_dr_note(d, mb_dr_cmd(d, f, MB_SHELL_CMDLINE, "net use %s "
					"/user:DOMAIN\\user *", q), "from the IIS "
			   "server: the account opens the share");
}

void mb_dr_unc(struct mb_drun *d, size_t k)
{
	char *path = mb_dr_unc_path(d, k), *user;
	const char *p = mb_path_display(d->doc->keys[k].location), *q;
	struct mb_finding *f = NULL;

	if (!path)
		return;
	user = mb_dr_text(d, k, d->p[MB_DR_UNCNAME], 0);
	if (!user || !*user)
		f = mb_dr_new(d, "MB012", "UNC share %.*s at %s has no "
			      "UNCUserName", share_len(path), path, p);
	else if (!mb_dr_domain_account(user))
		f = mb_dr_new(d, "MB012", "UNC account %s of %s is a local "
			      "account", user, p);
	if (f) {
		mb_dr_key(d, f, k, 0);
		unc_fixes(d, f, k, path);
		if (user && *user &&
		    (q = mb_dr_q(d, f, MB_SHELL_CMDLINE, user, -1, 1)))
			mb_dr_note(d, mb_dr_lead(d, mb_dr_cmd(d, f,
					MB_SHELL_CMDLINE, "net user %s * /add",
					q), "or on the file server:"),
				   "the same name and password");
	}
	free(user);
	free(path);
}

/* ---- MB013 ------------------------------------------------------------------ */

/* PowerShell 1.0/2.0 has no AD module: [ADSI] WinNT: reads the account. */
static void domain_ps(struct mb_drun *d, struct mb_finding *f,
		      const char *name)
{
	const char *bs = strrchr(name, '\\'), *q;
	size_t i;

	if (!bs || strchr(bs, '@'))
		return; /* name@domain: WinNT: needs the NetBIOS domain */
	for (i = 0; name + i < bs; i++)
		if (name[i] == '/' || name[i] == ',')
			return;
	if (mb_samcmd_refusal(MB_SHELL_PS, bs + 1))
		return;
	q = mb_dr_qf(d, f, MB_SHELL_PS, "WinNT://%.*s/%s,user",
		     (int)(bs - name), name, bs + 1);
	if (q)
		mb_dr_lead(d, mb_dr_cmd(d, f, MB_SHELL_PS, "$u = [ADSI]%s; "
				  "'AccountDisabled','IsAccountLocked',"
				  "'PasswordExpired','AccountExpirationDate',"
				  "'LoginWorkstations' | %%{ $_ + ': ' + "
				  "$u.psbase.InvokeGet($_) }", q),
		     "PowerShell 1.0/2.0 (Windows Server 2003 SP1 and "
		     "later):");
}

void mb_dr_domain(struct mb_drun *d, size_t ai)
{
	const struct mb_acct *a = &d->accts->v[ai];
	struct mb_finding *f;
	const char *u, *q;
	size_t i;
	int n;

	if (!mb_dr_domain_account(a->name))
		return;
	u = mb_dr_user(a->name, &n);
	f = mb_dr_new(d, "MB013", "%s account %s is a domain account: logon "
		      "hours and \"log on to\" are checked on the DC", a->kind,
		      a->name);
	for (i = 0; i < a->nkeys; i++)
		mb_dr_key(d, f, a->keys[i], 0);
	if (!(q = mb_dr_q(d, f, MB_SHELL_CMDLINE, u, n, 1)))
		return;
	mb_dr_note(d, mb_dr_cmd(d, f, MB_SHELL_CMDLINE, "net user %s /domain",
				q), "Account active, Account expires, Password "
		   "expires, Workstations allowed, Logon hours allowed");
	mb_dr_note(d, mb_dr_cmd(d, f, MB_SHELL_CMDLINE, "net user %s "
				"/times:all /domain", q), "every logon hour");
	mb_dr_note(d, mb_dr_cmd(d, f, MB_SHELL_CMDLINE, "net user %s "
				"/workstations:* /domain", q),
		   "or list this IIS server among them");
	domain_ps(d, f, a->name);
}

/* ---- checks that need Windows ---------------------------------------------- */

static void rights_checks(struct mb_drun *d)
{
	unsigned seen = 0, i, m;
	struct mb_buf in_effect;
	size_t k;

	for (k = 0; k < d->doc->nkeys; k++)
		if (anon_key(d, k) && (m = mb_dr_method(d, k)) < 4)
			seen |= 1u << m;
	mb_buf_init(&in_effect);
	for (i = 0; i < 3; i++) {
		mb_buf_reset(&in_effect);
		for (m = 0; m < 4; m++)
			if ((seen & (1u << m)) && right_index(m) == i)
				mb_buf_printf(&in_effect, "%s%u", in_effect.len ?
					      " and " : "", m);
		if (!in_effect.len)
			continue;
		mb_dr_check(d, "secpol.msc, User Rights Assignment: \"%s\" "
			    "includes the anonymous accounts (LogonMethod %s) "
			    "and \"%s\" names neither them nor Guests: "
			    SECEDIT, rights[i].allow_name, in_effect.data,
			    rights[i].deny_name, rights[i].allow,
			    rights[i].deny);
	}
	if (mb_buf_failed(&in_effect))
		d->oom = 1;
	mb_buf_release(&in_effect);
}

static void unc_checks(struct mb_drun *d)
{
	char *path, *user;
	const char *q, *qu, *qk;
	size_t k;

	for (k = 0; k < d->doc->nkeys; k++) {
		if (!(path = mb_dr_unc_path(d, k)))
			continue;
		user = mb_dr_text(d, k, d->p[MB_DR_UNCNAME], 0);
		if (user && *user &&
		    (q = mb_dr_q(d, NULL, MB_SHELL_CMDLINE, path,
				 share_len(path), 0)) &&
		    (qu = mb_dr_qf(d, NULL, MB_SHELL_CMDLINE, "/user:%s",
				   user)) &&
		    (qk = mb_dr_q(d, NULL, MB_SHELL_CMDLINE, mb_path_display(
				  d->doc->keys[k].location), -1, 0)))
			mb_dr_note(d, mb_dr_check_cmd(d, MB_SHELL_CMDLINE,
						      "net use %s %s *", q, qu),
				   "from the IIS server: the UNC account of %s "
				   "opens the share, and has Read on it and in "
				   "NTFS", qk);
		free(user);
		free(path);
	}
}

void mb_dr_logon_checks(struct mb_drun *d)
{
	if (!mb_dr_hive_rights_answered(d))
		rights_checks(d);
	unc_checks(d);
	mb_dr_check(d, "cacls on each Path: the anonymous account has Read "
		    "(NTFS)");
}
