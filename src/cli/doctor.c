/* SPDX-License-Identifier: MIT */
/*
 * The doctor's rules (cli.h, mb_doctor_run): the 401.1 troubleshooting
 * guide as findings with stable IDs, each with a severity, the keys
 * involved, why it matters and the fix (mbtool or Windows commands), plus
 * the checks that only Windows can answer. doctor prints the findings and
 * report renders them, both from the same structures. The account rules
 * (MB001-MB009) are here, the logon rules (MB010-MB013) in doctor_logon.c;
 * every rule's text is in the one table below.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "doctor_priv.h"
#include "winside.h"
#include "mb/blob.h"
#include "mb/path.h"
#include "mb/samcmd.h"
#include "mb/value.h"

struct drule {
	const char *id;
	const char *severity;   /* "error", "warning", "info" */
	const char *why;
};

static const struct drule rules[] = {
	{ "MB001", "error", "IIS logs on with the password stored at the "
	  "level that serves the request; Windows has one password per "
	  "account, so the levels holding another one fail with 401.1, and "
	  "repeated failures can lock the account out for every site." },
	{ "MB002", "warning", "The same account set at several levels "
	  "means several copies of its password: changing it in one place "
	  "(or in Windows) leaves the others stale, which is how lockout "
	  "risks start." },
	{ "MB003", "error", "Anonymous requests run as this account: a "
	  "privileged identity gives every anonymous visitor its rights on "
	  "the server and the domain." },
	{ "MB004", "error", "A name without its password (or the reverse) "
	  "at one key pairs a name with a password inherited from another "
	  "level, which is rarely the account's password: logon fails with "
	  "401.1." },
	{ "MB005", "warning", "AnonymousPasswordSync is not supported on "
	  "IIS 6.0 (sub-authentication was removed): with it TRUE, IIS does "
	  "not use the stored password and anonymous logon can fail." },
	{ "MB006", "warning", "An anonymous account is set where "
	  "anonymous authentication is off: it is never used there, and it "
	  "hides which account really serves the content." },
	{ "MB007", "warning", "In IIS 5 isolation mode out-of-process "
	  "applications run as the IWAM account in COM+; its password must "
	  "match the metabase and Windows, or applications fail to start." },
	{ "MB008", "error", "An application pool with identity type 3 "
	  "(configurable) runs as WAMUserName with WAMUserPass: without both "
	  "the pool cannot start (503) or its worker logon fails." },
	{ "MB009", "error", "A secure value that is marked NOLONGERVALID "
	  "or cannot be decoded cannot be decrypted on this machine "
	  "(typically a file restored to a new server): the account it "
	  "belongs to cannot log on until the password is set again." },
	{ "MB010", "warning", "IIS logs the anonymous account on with the "
	  "logon type LogonMethod names (0 interactive, 1 batch, 2 network, "
	  "3 network cleartext, the IIS 6 default), and Windows allows it "
	  "only to accounts that hold the matching user right and are not "
	  "named, themselves or through a group such as Guests, in its deny "
	  "right. IIS 6 needs only \"Access this computer from the network\"; "
	  "setup also gives IUSR_<computer> \"Log on as a batch job\", but "
	  "not \"Allow log on locally\", which domain controllers grant to "
	  "operators only. Without the right the logon fails with 401.1." },
	{ "MB011", "error", "The stored password is the empty string (the "
	  "encrypted value holds only the terminating NUL). Windows refuses "
	  "blank-password logons of local accounts anywhere but at the "
	  "console (\"Accounts: Limit local account use of blank passwords "
	  "to console logon only\", on by default) and domain password "
	  "policies refuse blank passwords, so IIS's logon fails with 401.1 "
	  "(a UNC share cannot be opened); if the Windows account has a real "
	  "password, the two differ anyway." },
	{ "MB012", "warning", "Content on a \\\\server\\share Path is read "
	  "over the network with the UNC credentials (UNCUserName, "
	  "UNCPassword). Without them IIS passes the request's own identity, "
	  "and the file server cannot authenticate the local anonymous "
	  "account; a local UNC account works only when the file server has "
	  "the same account with the same password. Either way the share "
	  "refuses the logon and requests fail (401.1, 401.3 or 500)." },
	{ "MB013", "info", "A domain account is checked by the domain "
	  "controller at every logon: its logon hours, the computers it may "
	  "\"log on to\" (which must include this IIS server), expiry, "
	  "password age and lockout are set there, not in the metabase, and "
	  "any of them makes IIS's logon fail with 401.1 (a pool identity: "
	  "503). The file cannot show them: check them on the DC." },
	/* MB020-MB031: what the server's hives say (--hives, doctor_hives.c). */
	{ "MB020", "error", "The account the metabase names is not in the "
	  "server's SAM: Windows cannot log it on, every request it serves "
	  "fails with 401.1 (a pool identity: 503)." },
	{ "MB021", "error", "The account is disabled in the SAM: LogonUser "
	  "fails, so every request it serves fails with 401.1." },
	{ "MB022", "error", "The account was locked out when the SAM was last "
	  "written (too many bad passwords, typically a metabase level with "
	  "a stale password): no logon succeeds until the lockout ends or "
	  "an administrator clears it. Windows clears the flag lazily, at "
	  "the next logon after the lockout duration, so on an old image it "
	  "may already have expired." },
	{ "MB023", "error", "The account has expired: LogonUser refuses it, "
	  "requests fail with 401.1." },
	{ "MB024", "error", "The account's password has expired or must be "
	  "changed at the next logon: a service logon (IIS) cannot change "
	  "it, so LogonUser fails and requests fail with 401.1." },
	{ "MB025", "error", "The account's logon hours forbid some hours of "
	  "the week: during them IIS's logon fails with 401.1." },
	{ "MB026", "error", "The account may log on only at the computers in "
	  "its \"log on to\" list, and this server is not one of them: IIS's "
	  "logon fails with 401.1." },
	{ "MB027", "warning", "The account is a member of Guests: security "
	  "policies commonly deny Guests the network logon or restrict "
	  "them, which makes IIS's logon fail with 401.1; an IIS 6 "
	  "anonymous account needs only Users' rights." },
	{ "MB028", "error", "The account is a member of Administrators: every "
	  "request it serves runs with full control of the server." },
	{ "MB029", "error", "IIS logs the account on with a logon type whose "
	  "user right the account holds neither itself nor through a group, "
	  "Everyone or Authenticated Users: LogonUser fails with 401.1." },
	{ "MB030", "error", "A deny logon right names the account, one of its "
	  "groups, Everyone or Authenticated Users: deny wins over any "
	  "grant, so LogonUser fails with 401.1." },
	{ "MB031", "error", "The password stored at this level is not the "
	  "account's password in the SAM (compared offline: MD4 of the "
	  "metabase plaintext against the SAM's NT hash): logon fails with "
	  "401.1, and repeated failures lock the account out." },
};

static const struct drule *rule(const char *id)
{
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (strcmp(rules[i].id, id) == 0)
			return &rules[i];
	return NULL;
}

/* ---- building findings ---------------------------------------------------- */

static char *vfmt_raw(const char *fmt, va_list ap)
{
	struct mb_buf b;

	mb_buf_init(&b);
	if (mb_buf_vprintf(&b, fmt, ap)) {
		mb_buf_release(&b);
		return NULL;
	}
	return mb_buf_detach(&b, NULL);
}

/*
 * A line of a finding: control characters from the file shown escaped
 * (\n), so that a name cannot start a line that looks like a fix of its
 * own. Commands never hold any: mb_dr_q refuses them.
 */
static char *vfmt(const char *fmt, va_list ap)
{
	char *s = vfmt_raw(fmt, ap), *shown;

	if (!s || !mb_shellquote_refusal(MB_SHELL_SH, s))
		return s;
	shown = mb_shellquote_show(s);
	free(s);
	return shown;
}

/* Append s (taken over) to a string array; 0, or -1 with s freed. */
static int push(char ***v, size_t *n, char *s)
{
	char **nv = s ? realloc(*v, (*n + 1) * sizeof(*nv)) : NULL;

	if (!nv) {
		free(s);
		return -1;
	}
	*v = nv;
	nv[(*n)++] = s;
	return 0;
}

struct mb_finding *mb_dr_new(struct mb_drun *d, const char *id,
			     const char *fmt, ...)
{
	struct mb_findings *o = d->out;
	const struct drule *r = rule(id);
	struct mb_finding *v;
	va_list ap;

	if (d->oom || !r)
		return NULL;
	v = realloc(o->v, (o->n + 1) * sizeof(*v));
	if (!v) {
		d->oom = 1;
		return NULL;
	}
	o->v = v;
	v = &o->v[o->n];
	memset(v, 0, sizeof(*v));
	va_start(ap, fmt);
	v->title = vfmt(fmt, ap);
	va_end(ap);
	if (!v->title) {
		d->oom = 1;
		return NULL;
	}
	v->id = r->id;
	v->severity = r->severity;
	v->why = r->why;
	o->n++;
	o->problems += strcmp(r->severity, "info") != 0;
	return v;
}

void mb_dr_key(struct mb_drun *d, struct mb_finding *f, size_t key,
	       long group)
{
	struct mb_finding_key *k;

	if (!f || d->oom)
		return;
	k = realloc(f->keys, (f->nkeys + 1) * sizeof(*k));
	if (!k) {
		d->oom = 1;
		return;
	}
	f->keys = k;
	k[f->nkeys].path = mb_shellquote_show(mb_path_display(
		d->doc->keys[key].location));
	k[f->nkeys].key = key;
	k[f->nkeys].group = group;
	if (!k[f->nkeys].path)
		d->oom = 1;
	else
		f->nkeys++;
}

/* A new line (parts NULL) at the end of *v; NULL when out of memory. */
static struct mb_fix_line *add_line(struct mb_drun *d,
				    struct mb_fix_line **v, size_t *n)
{
	struct mb_fix_line *nv;

	if (d->oom)
		return NULL;
	nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv) {
		d->oom = 1;
		return NULL;
	}
	*v = nv;
	memset(&nv[*n], 0, sizeof(nv[*n]));
	nv[*n].shell = -1;
	return &nv[(*n)++];
}

/* One part of a line: s (taken over) into *part, or oom. */
static void set_part(struct mb_drun *d, char **part, char *s)
{
	if (!s)
		d->oom = 1;
	free(*part);
	*part = s;
}

/* l's command for shell sh, or (sh < 0) its prose, from fmt; l. */
static struct mb_fix_line *vline(struct mb_drun *d, struct mb_fix_line *l,
				 int sh, const char *fmt, va_list ap)
{
	if (!l)
		return NULL;
	l->shell = sh;
	set_part(d, sh < 0 ? &l->note : &l->command, vfmt(fmt, ap));
	return l;
}

void mb_dr_fix(struct mb_drun *d, struct mb_finding *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(d, f ? add_line(d, &f->fix, &f->nfix) : NULL, -1, fmt, ap);
	va_end(ap);
}

void mb_dr_check(struct mb_drun *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(d, add_line(d, &d->out->checks, &d->out->nchecks), -1, fmt, ap);
	va_end(ap);
}

struct mb_fix_line *mb_dr_cmd(struct mb_drun *d, struct mb_finding *f,
			      enum mb_shell sh, const char *fmt, ...)
{
	struct mb_fix_line *l;
	va_list ap;

	va_start(ap, fmt);
	l = vline(d, f ? add_line(d, &f->fix, &f->nfix) : NULL, (int)sh, fmt,
		  ap);
	va_end(ap);
	return l;
}

struct mb_fix_line *mb_dr_check_cmd(struct mb_drun *d, enum mb_shell sh,
				    const char *fmt, ...)
{
	struct mb_fix_line *l;
	va_list ap;

	va_start(ap, fmt);
	l = vline(d, add_line(d, &d->out->checks, &d->out->nchecks), (int)sh,
		  fmt, ap);
	va_end(ap);
	return l;
}

void mb_dr_note(struct mb_drun *d, struct mb_fix_line *l, const char *fmt,
		...)
{
	va_list ap;

	if (!l || d->oom)
		return;
	va_start(ap, fmt);
	set_part(d, &l->note, vfmt(fmt, ap));
	va_end(ap);
}

struct mb_fix_line *mb_dr_lead(struct mb_drun *d, struct mb_fix_line *l,
			       const char *lead)
{
	if (l && lead && !d->oom)
		set_part(d, &l->lead, strdup(lead));
	return l;
}

void mb_fix_line_text(struct mb_buf *b, const struct mb_fix_line *l)
{
	if (l->lead)
		mb_buf_printf(b, "%s ", l->lead);
	if (!l->command) {
		mb_buf_puts(b, l->note ? l->note : "");
		return;
	}
	mb_buf_puts(b, l->command);
	if (l->note)
		mb_buf_printf(b, "  (%s)", l->note);
}

const char *mb_fix_line_shell(const struct mb_fix_line *l)
{
	switch (l->shell) {
	case MB_SHELL_SH: return "sh";
	case MB_SHELL_CMD:
	case MB_SHELL_CMDLINE: return "cmd";
	case MB_SHELL_PS: return "powershell";
	}
	return NULL;
}

static const char *hold(struct mb_drun *d, char *q)
{
	if (!q || push(&d->held, &d->nheld, q)) {
		d->oom = 1;
		return NULL;
	}
	return q;
}

const char *mb_dr_q(struct mb_drun *d, struct mb_finding *f,
		    enum mb_shell sh, const char *s, int n, int user)
{
	char *w = n < 0 ? strdup(s) : strndup(s, (size_t)n), *shown;
	const char *why;

	if (d->oom || !w) {
		d->oom = 1;
		free(w);
		return NULL;
	}
	why = user ? mb_samcmd_refusal(sh, w) : mb_shellquote_refusal(sh, w);
	if (!why) {
		shown = mb_shellquote_word(sh, w);
		free(w);
		return hold(d, shown);
	}
	shown = mb_shellquote_show(w);
	free(w);
	if (f)
		mb_dr_fix(d, f, "(no %s command printed for '%s': it %s)",
			  mb_shellquote_shell_name(sh), shown ? shown : "",
			  why);
	else
		mb_dr_check(d, "(no %s command printed for '%s': it %s)",
			    mb_shellquote_shell_name(sh), shown ? shown : "",
			    why);
	free(shown);
	return NULL;
}

const char *mb_dr_qf(struct mb_drun *d, struct mb_finding *f,
		     enum mb_shell sh, const char *fmt, ...)
{
	const char *q;
	va_list ap;
	char *s;

	if (d->oom)
		return NULL;
	va_start(ap, fmt);
	s = vfmt_raw(fmt, ap);
	va_end(ap);
	if (!s) {
		d->oom = 1;
		return NULL;
	}
	q = mb_dr_q(d, f, sh, s, -1, 0);
	free(s);
	return q;
}

/* ---- shared helpers --------------------------------------------------------- */

int mb_dr_num(const struct mb_doc *doc, size_t key, const char *prop,
	      int local, uint32_t *v)
{
	const struct mb_prop *p = mb_schema_prop(doc->schema, prop);
	char *t = mb_acct_value(doc, key, prop, local);
	int ok = 0, b;

	if (t && p && p->type == MB_T_BOOL)
		ok = mb_value_bool(t, &b) == 0 && (*v = (uint32_t)b, 1);
	else if (t && p)
		ok = mb_value_dword(p, t, v) == 0;
	free(t);
	return ok;
}

int mb_dr_domain_account(const char *name)
{
	const char *bs = strrchr(name, '\\');
	size_t n = bs ? (size_t)(bs - name) : 0;

	if (strchr(name, '@'))
		return 1;
	if (!bs || n == 0 || (n == 1 && name[0] == '.'))
		return 0;
	return !((n == 7 && strncasecmp(name, "BUILTIN", 7) == 0) ||
		 (n == 12 && strncasecmp(name, "NT AUTHORITY", 12) == 0));
}

const char *mb_dr_user(const char *name, int *len)
{
	const char *bs = strrchr(name, '\\');
	const char *u = bs ? bs + 1 : name;
	const char *at = strchr(u, '@');

	*len = (int)(at ? (size_t)(at - u) : strlen(u));
	return u;
}

const char *mb_dr_domain_opt(const char *name)
{
	return mb_dr_domain_account(name) ? " /domain" : "";
}

/* ---- MB001-MB009 ----------------------------------------------------------- */

static void acct_keys(struct mb_drun *d, struct mb_finding *f,
		      const struct mb_acct *a, int groups)
{
	size_t i;

	for (i = 0; i < a->nkeys; i++)
		mb_dr_key(d, f, a->keys[i], !groups ? 0 : a->group[i] < 0 ?
			  -1 : cli_group_of(&d->groups, d->doc, a->keys[i],
					    mb_idkind_of(a)->pass));
}

static int privileged(const char *name)
{
	const char *bs = strrchr(name, '\\');
	const char *n = bs ? bs + 1 : name;

	return strcasecmp(n, "Administrator") == 0 ||
	       strcasecmp(n, "Administrators") == 0 ||
	       strcasecmp(n, "admin") == 0 ||
	       strcasecmp(n, "Domain Admins") == 0 ||
	       strcasecmp(n, "Enterprise Admins") == 0;
}

/* 1 when Location loc is in service svc ("/LM/W3SVC"). */
static int in_service(const char *loc, const char *svc)
{
	size_t n = strlen(svc);

	return strncasecmp(loc, svc, n) == 0 && (!loc[n] || loc[n] == '/');
}

static const char *const services[2] = { "/LM/W3SVC", "/LM/MSFTPSVC" };

/* Fills d->svc_anon once: per lockout finding it was a pass over every
 * account, and a hosting file has one account per site. */
static void svc_anon(struct mb_drun *d)
{
	const struct mb_acct *o;
	size_t i, j, s;

	d->svc_anon_done = 1;
	for (s = 0; s < 2; s++) {
		d->svc_anon[s] = malloc((d->accts->n + 1) * sizeof(size_t));
		if (!d->svc_anon[s]) {
			d->oom = 1;
			return;
		}
		for (i = 0; i < d->accts->n; i++) {
			o = &d->accts->v[i];
			if (strcmp(o->kind, "anonymous"))
				continue;
			for (j = 0; j < o->nkeys; j++)
				if (in_service(d->doc->keys[o->keys[j]].location,
					       services[s]))
					break;
			if (j < o->nkeys)
				d->svc_anon[s][d->nsvc_anon[s]++] = i;
		}
	}
}

/* How many other accounts a fix names before "and N more". */
#define OTHERS_NAMED 10

/* The other anonymous accounts of a's service, which collapse removes
 * (", "-separated; past OTHERS_NAMED, counted). */
static void others(struct mb_drun *d, const struct mb_acct *a,
		   struct mb_buf *b)
{
	const char *loc = d->doc->keys[a->keys[0]].location;
	size_t s = in_service(loc, services[1]), i, named = 0;
	const struct mb_acct *o;
	char *q;

	if (!d->svc_anon_done)
		svc_anon(d);
	/* a is on its service's list: the others are one fewer. */
	for (i = 0; !d->oom && i < d->nsvc_anon[s] && named < OTHERS_NAMED;
	     i++) {
		o = &d->accts->v[d->svc_anon[s][i]];
		if (o == a)
			continue;
		named++;
		/* quoted: the comment is part of a pasted sh line */
		if ((q = mb_shellquote_word(MB_SHELL_SH, o->name)))
			mb_buf_printf(b, "%s%s", b->len ? ", " : "", q);
		else
			mb_buf_printf(b, "%sa name with control characters",
				      b->len ? ", " : "");
		free(q);
	}
	if (!d->oom && d->nsvc_anon[s] > named + 1)
		mb_buf_printf(b, " and %zu more (mbtool accounts lists them)",
			      d->nsvc_anon[s] - named - 1);
}

/* collapse, with what it removes named; lead: NULL or "or:". */
static void fix_collapse(struct mb_drun *d, struct mb_finding *f,
			 const struct mb_acct *a, const char *from,
			 const char *lead)
{
	const char *q = mb_dr_q(d, f, MB_SHELL_SH, a->name, -1, 0);
	struct mb_fix_line *l;
	struct mb_buf o;

	if (!q)
		return;
	mb_buf_init(&o);
	others(d, a, &o);
	l = mb_dr_cmd(d, f, MB_SHELL_SH, "mbtool collapse --account %s%s%s", q,
		      from ? " --password-from " : "", from ? from : "");
	mb_dr_lead(d, l, lead);
	mb_dr_note(d, l, "one global account: moves it to the service key "
		   "and deletes every AnonymousUserName/AnonymousUserPass "
		   "below it%s%s%s", o.len ? "; the other anonymous accounts " :
		   "", o.len ? o.data : "", o.len ? " are no longer used" : "");
	if (mb_buf_failed(&o))
		d->oom = 1;
	mb_buf_release(&o);
}

static void rule_lockout(struct mb_drun *d, const struct mb_acct *a)
{
	const char *first = mb_path_display(d->doc->keys[a->keys[0]].location);
	struct mb_finding *f = mb_dr_new(d, "MB001", "lockout risk: %s has %d "
					 "different passwords", a->name,
					 a->ngroups);
	const char *q, *from, *u;
	char g[32];
	int n;

	acct_keys(d, f, a, 1);
	cli_group_name(cli_group_of(&d->groups, d->doc, a->keys[0],
				    mb_idkind_of(a)->pass), g, sizeof(g));
	u = mb_dr_user(a->name, &n);
	if (strcmp(a->kind, "anonymous") == 0 &&
	    (q = mb_dr_q(d, f, MB_SHELL_SH, a->name, -1, 0)) &&
	    (from = mb_dr_q(d, f, MB_SHELL_SH, first, -1, 0))) {
		mb_dr_note(d, mb_dr_cmd(d, f, MB_SHELL_SH, "mbtool "
					"sync-passwords --account %s --from %s",
					q, from), "keeps every account and "
			   "level; all of them then hold the password of %s, "
			   "group %s: name the level whose password Windows "
			   "has", first, g);
		fix_collapse(d, f, a, from, "or:");
	} else if (strcmp(a->kind, "anonymous"))
		mb_dr_fix(d, f, "set one password for %s at every level "
			  "listed, and the same in Windows:", a->name);
	if ((q = mb_dr_q(d, f, MB_SHELL_CMDLINE, u, n, 1)))
		mb_dr_note(d, mb_dr_cmd(d, f, MB_SHELL_CMDLINE, "net user %s *%s",
					q, mb_dr_domain_opt(a->name)),
			   "on the server: the same password in Windows");
}

static void rule_anon_off(struct mb_drun *d, const struct mb_acct *a)
{
	struct mb_finding *f;
	const char *p, *q, *q2;
	size_t i;

	for (i = 0; i < a->nkeys; i++) {
		if (mb_acct_anon_on(d->doc, a->keys[i]))
			continue;
		p = mb_path_display(d->doc->keys[a->keys[i]].location);
		f = mb_dr_new(d, "MB006", "AuthAnonymous is off where %s is "
			      "set", a->name);
		mb_dr_key(d, f, a->keys[i], 0);
		if ((q = mb_dr_qf(d, f, MB_SHELL_SH, "%s/AuthAnonymous", p)) &&
		    (q2 = mb_dr_qf(d, f, MB_SHELL_SH, "%s/AnonymousUserName",
				   p)))
			mb_dr_note(d, mb_dr_cmd(d, f, MB_SHELL_SH, "mbtool "
						"set %s TRUE", q),
				   "or mbtool delete %s", q2);
	}
}

static void rules_account(struct mb_drun *d, const struct mb_acct *a)
{
	int anon = strcmp(a->kind, "anonymous") == 0;
	struct mb_finding *f;

	if (a->ngroups > 1)
		rule_lockout(d, a);
	if (a->nkeys > 1 && anon) {
		f = mb_dr_new(d, "MB002", "%s is set at several levels",
			      a->name);
		acct_keys(d, f, a, 0);
		fix_collapse(d, f, a, a->ngroups > 1 ? "PATH" : NULL, NULL);
	}
	if (privileged(a->name)) {
		f = mb_dr_new(d, "MB003", "%s account %s looks privileged",
			      a->kind, a->name);
		acct_keys(d, f, a, 0);
		mb_dr_fix(d, f, "mbtool set PATH/%s IUSR_<computer> (and its "
			  "password), for each key listed", anon ?
			  "AnonymousUserName" : "WAMUserName");
	}
	if (anon)
		rule_anon_off(d, a);
}

/* 1 when IIS reads k's content over UNC (its effective Path is \\...):
 * only then does it use UNCUserName/UNCPassword. */
static int unc_content(const struct mb_doc *doc, size_t k)
{
	char *path = mb_acct_value(doc, k, "Path", 0);
	int unc = path && strncmp(path, "\\\\", 2) == 0;

	free(path);
	return unc;
}

/* 1 when some key that sets the account name (of kind kd) stores its
 * password itself. */
static int stores_pass(struct mb_drun *d, const struct mb_idkind *kd,
		       const char *name)
{
	const struct mb_acct *a;
	size_t i, j;
	char *t;
	int any = 0;

	for (i = 0; i < d->accts->n; i++) {
		a = &d->accts->v[i];
		if (strcmp(a->kind, kd->kind) || strcasecmp(a->name, name))
			continue;
		for (j = 0; !any && j < a->nkeys; j++) {
			t = mb_acct_value(d->doc, a->keys[j], kd->pass, 1);
			any = t != NULL;
			free(t);
		}
	}
	return any;
}

/*
 * An account none of whose levels stores its password: what mbtool reset
 * leaves for the live server to complete (the reset script's adsutil.vbs
 * lines). A check, not an MB004 error whose fix would undo the reset.
 */
static void pending_pass(struct mb_drun *d, size_t k,
			 const struct mb_idkind *kd, const char *name)
{
	const char *p = mb_path_display(d->doc->keys[k].location);
	const char *q = mb_dr_qf(d, NULL, MB_SHELL_CMDLINE, "%s/%s", p,
				 kd->pass);
	/* the comment is on the cmd.exe line too: quoted as well */
	const char *qn = q ? mb_dr_q(d, NULL, MB_SHELL_CMDLINE, name, -1, 0) :
		NULL;

	if (qn)
		mb_dr_note(d, mb_dr_check_cmd(d, MB_SHELL_CMDLINE, "cscript "
					      "%%SystemDrive%%\\Inetpub\\"
					      "AdminScripts\\adsutil.vbs SET %s "
					      "\"<the password>\"", q),
			   "no level that names %s stores its password, as "
			   "after mbtool reset: set it on the live server, as "
			   "the reset script does", qn);
}

static void rule_half(struct mb_drun *d, size_t k, const struct mb_idkind *kd)
{
	char *name = mb_acct_value(d->doc, k, kd->name, 1);
	char *pass = mb_acct_value(d->doc, k, kd->pass, 1);
	const char *p = mb_path_display(d->doc->keys[k].location), *q;
	struct mb_finding *f = NULL;

	if ((name || pass) && strcmp(kd->name, "UNCUserName") == 0 &&
	    !unc_content(d->doc, k))
		; /* local content: IIS never uses these */
	else if (name && !pass && !stores_pass(d, kd, name))
		pending_pass(d, k, kd, name);
	else if (name && !pass) {
		f = mb_dr_new(d, "MB004", "%s without %s", kd->name, kd->pass);
		if ((q = mb_dr_qf(d, f, MB_SHELL_SH, "%s/%s", p, kd->name)))
			mb_dr_note(d, mb_dr_cmd(d, f, MB_SHELL_SH, "mbtool "
						"delete %s", q),
				   "or set the password there");
	} else if (pass && !name) {
		f = mb_dr_new(d, "MB004", "%s without %s", kd->pass, kd->name);
		if ((q = mb_dr_qf(d, f, MB_SHELL_SH, "%s/%s", p, kd->pass)))
			mb_dr_cmd(d, f, MB_SHELL_SH, "mbtool delete %s", q);
	}
	mb_dr_key(d, f, k, 0);
	free(name);
	free(pass);
}

static void rule_pool(struct mb_drun *d, size_t k)
{
	char *name = mb_acct_value(d->doc, k, "WAMUserName", 0);
	char *pass = mb_acct_value(d->doc, k, "WAMUserPass", 0);
	const char *p = mb_path_display(d->doc->keys[k].location), *q;
	struct mb_finding *f;

	if (!name || !*name || !pass || !*pass) {
		f = mb_dr_new(d, "MB008", "application pool %s has identity "
			      "type 3 without %s", p, name && *name ?
			      "WAMUserPass" : "WAMUserName");
		mb_dr_key(d, f, k, 0);
		if ((q = mb_dr_qf(d, f, MB_SHELL_SH, "%s/WAMUserName", p)))
			mb_dr_fix(d, f, "mbtool set %s 'DOMAIN\\user', then set "
				  "its password in IIS Manager (pool %s, "
				  "Identity tab)", q, p);
	}
	free(name);
	free(pass);
}

static void rules_key(struct mb_drun *d, size_t k)
{
	const char *p = mb_path_display(d->doc->keys[k].location), *q;
	struct mb_finding *f;
	size_t i, nk;
	const struct mb_idkind *kd = mb_idkinds(&nk);
	uint32_t v;
	char *wam;

	for (i = 0; i < nk; i++)
		rule_half(d, k, &kd[i]);
	if (mb_dr_num(d->doc, k, "AnonymousPasswordSync", 1, &v) && v) {
		f = mb_dr_new(d, "MB005", "AnonymousPasswordSync is TRUE");
		mb_dr_key(d, f, k, 0);
		if ((q = mb_dr_qf(d, f, MB_SHELL_SH, "%s/AnonymousPasswordSync",
				  p)))
			mb_dr_cmd(d, f, MB_SHELL_SH, "mbtool set %s FALSE", q);
	}
	if (mb_dr_num(d->doc, k, "IIs5IsolationModeEnabled", 1, &v) && v &&
	    (wam = mb_acct_value(d->doc, k, "WAMUserName", 0)) != NULL) {
		f = mb_dr_new(d, "MB007", "IIS 5 isolation mode with WAM "
			      "account %s", wam);
		mb_dr_key(d, f, k, 0);
		mb_dr_cmd(d, f, MB_SHELL_CMDLINE, "cscript %%SystemDrive%%\\"
			  "Inetpub\\AdminScripts\\synciwam.vbs -v");
		free(wam);
	}
	if (mb_dr_num(d->doc, k, "AppPoolIdentityType", 1, &v) && v == 3)
		rule_pool(d, k);
}

static void rule_secure(struct mb_drun *d, size_t k)
{
	const struct mb_key *key = &d->doc->keys[k];
	const char *p = mb_path_display(key->location), *q;
	const struct mb_prop *prop;
	struct mb_finding *f;
	struct mb_blob b;
	unsigned i;
	char *t;
	int bad;

	for (i = 0; i < key->nattrs; i++) {
		prop = mb_doc_attr_prop(d->doc, &key->attrs[i]);
		if (!prop || !(prop->attrs & MB_ATTR_SECURE))
			continue;
		t = mb_doc_text(d->doc, key->attrs[i].value);
		bad = !t || mb_blob_parse(t, strlen(t), &b, NULL) != MB_OK;
		if (!bad) {
			bad = b.kind == MB_BLOB_INVALIDATED;
			mb_blob_free(&b);
		}
		free(t);
		if (!bad)
			continue;
		f = mb_dr_new(d, "MB009", "%s at %s cannot be decrypted",
			      prop->name, p);
		mb_dr_key(d, f, k, 0);
		if ((q = mb_dr_qf(d, f, MB_SHELL_SH, "%s/%s", p, prop->name)))
			mb_dr_fix(d, f, "set it again: mbtool set %s NEWVALUE "
				  "on the server, or adsutil.vbs SET there", q);
	}
}

/* ---- checks that need Windows ---------------------------------------------- */

static void account_checks(struct mb_drun *d)
{
	const struct mb_accts *a = d->accts;
	const char *u, *q;
	size_t i;
	int n;

	for (i = 0; i < a->n; i++) {
		if (mb_dr_hive_answered(d, i))
			continue;
		u = mb_dr_user(a->v[i].name, &n);
		if ((q = mb_dr_q(d, NULL, MB_SHELL_CMDLINE, u, n, 1)))
			mb_dr_note(d, mb_dr_check_cmd(d, MB_SHELL_CMDLINE,
						      "net user %s%s", q,
						      mb_dr_domain_opt(
							a->v[i].name)),
				   "%s account: active, password not expired, "
				   "not locked out, logon hours, \"log on to\" "
				   "workstations", a->v[i].kind);
	}
	if (!mb_dr_hive_rights_answered(d))
		mb_dr_note(d, mb_dr_check_cmd(d, MB_SHELL_CMDLINE, "net "
					      "localgroup Guests"),
			   "the anonymous accounts are members");
}

int mb_doctor_run(const struct mb_doc *doc, struct mb_findings *out,
		  struct mb_error *err)
{
	return mb_doctor_run_hives(doc, NULL, NULL, out, err);
}

int mb_doctor_run_hives(const struct mb_doc *doc, const struct mb_hiveset *hs,
			const struct mb_cli_plain *p,
			struct mb_findings *out, struct mb_error *err)
{
	struct mb_cli_wside ws;
	struct mb_accts a;
	struct mb_drun d;
	struct mb_cli cli;
	size_t i;

	memset(out, 0, sizeof(*out));
	memset(&d, 0, sizeof(d));
	d.doc = doc;
	d.out = out;
	d.accts = &a;
	d.oom = mb_accts_collect(doc, NULL, 1, &a) != 0 ||
		cli_groups_load(&d.groups, doc) != 0;
	memset(&ws, 0, sizeof(ws));
	memset(&cli, 0, sizeof(cli));
	if (!d.oom && hs) {
		d.oom = mb_cli_wside_build(&cli, doc, hs, &a, p, &ws) != 0;
		d.ws = &ws;
	}
	for (i = 0; !d.oom && i < a.n; i++)
		rules_account(&d, &a.v[i]);
	for (i = 0; !d.oom && i < doc->nkeys; i++) {
		rules_key(&d, i);
		rule_secure(&d, i);
	}
	if (!d.oom)
		mb_dr_logon_rules(&d);
	if (!d.oom && d.ws)
		mb_dr_hive_rules(&d);
	if (!d.oom)
		account_checks(&d);
	if (!d.oom)
		mb_dr_logon_checks(&d);
	mb_cli_wside_free(&ws);
	mb_accts_free(&a);
	mb_secrets_free(&d.groups);
	free(d.svc_anon[0]);
	free(d.svc_anon[1]);
	for (i = 0; i < d.nheld; i++)
		free(d.held[i]);
	free(d.held);
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

void mb_findings_free(struct mb_findings *f)
{
	size_t i, j;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].title);
		for (j = 0; j < f->v[i].nkeys; j++)
			free(f->v[i].keys[j].path);
		free(f->v[i].keys);
		free_lines(f->v[i].fix, f->v[i].nfix);
	}
	free(f->v);
	free_lines(f->checks, f->nchecks);
	memset(f, 0, sizeof(*f));
}
