/* SPDX-License-Identifier: MIT */
/*
 * The doctor's account rules (rule texts in doctor.c's table):
 *   MB001  one account with different passwords (lockout risk)
 *   MB002  an anonymous account set at several levels
 *   MB003  a privileged identity
 *   MB004  a name without its password, or the reverse
 *   MB005  AnonymousPasswordSync TRUE
 *   MB006  an anonymous account where AuthAnonymous is off
 *   MB007  IIS 5 isolation mode with a WAM account
 *   MB008  a configurable pool identity without name or password
 *   MB009  a secure value that cannot be decrypted
 * and the checklist lines for each account.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "doctor_priv.h"
#include "mb/blob.h"
#include "mb/path.h"
#include "mb/value.h"

static void acct_keys(struct mb_drun *d, struct mb_finding *f,
		      const struct mb_acct *a, int groups)
{
	size_t i;

	for (i = 0; i < a->nkeys; i++)
		mb_dr_key(d, f, a->keys[i], !groups ? 0 : a->group[i] < 0 ?
			  -1 : mb_secrets_group_of(d->groups, d->doc, a->keys[i],
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
		/* quoted: the comment is part of a pasted sh line (puts, not
		 * printf: a hosting file names ten per lockout finding) */
		if (b->len)
			mb_buf_puts(b, ", ");
		q = mb_shellquote_word(MB_SHELL_SH, o->name);
		mb_buf_puts(b, q ? q : "a name with control characters");
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
	mb_secrets_group_name(mb_secrets_group_of(d->groups, d->doc, a->keys[0],
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
		if (mb_dr_anon_on(d, a->keys[i]))
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

void mb_dr_lockout(struct mb_drun *d, size_t i)
{
	if (d->accts->v[i].ngroups > 1)
		rule_lockout(d, &d->accts->v[i]);
}

void mb_dr_levels(struct mb_drun *d, size_t i)
{
	const struct mb_acct *a = &d->accts->v[i];
	struct mb_finding *f;

	if (a->nkeys < 2 || strcmp(a->kind, "anonymous"))
		return;
	f = mb_dr_new(d, "MB002", "%s is set at several levels", a->name);
	acct_keys(d, f, a, 0);
	fix_collapse(d, f, a, a->ngroups > 1 ? "PATH" : NULL, NULL);
}

void mb_dr_privileged(struct mb_drun *d, size_t i)
{
	const struct mb_acct *a = &d->accts->v[i];
	struct mb_finding *f;

	if (!privileged(a->name))
		return;
	f = mb_dr_new(d, "MB003", "%s account %s looks privileged", a->kind,
		      a->name);
	acct_keys(d, f, a, 0);
	mb_dr_fix(d, f, "mbtool set PATH/%s IUSR_<computer> (and its "
		  "password), for each key listed",
		  strcmp(a->kind, "anonymous") == 0 ? "AnonymousUserName" :
		  "WAMUserName");
}

void mb_dr_anon_off(struct mb_drun *d, size_t i)
{
	if (strcmp(d->accts->v[i].kind, "anonymous") == 0)
		rule_anon_off(d, &d->accts->v[i]);
}

/* 1 when IIS reads k's content over UNC (its effective Path is \\...):
 * only then does it use UNCUserName/UNCPassword. */
static int unc_content(const struct mb_drun *d, size_t k)
{
	char *path = mb_dr_text(d, k, d->p[MB_DR_PATH], 0);
	int unc = path && strncmp(path, "\\\\", 2) == 0;

	free(path);
	return unc;
}

/*
 * Per key and identity kind i, bit 2i: an account of kind i has the key
 * among its setters; bit 2i+1: some setter of that account stores its
 * password. One pass over the accounts, built on first use: after mbtool
 * reset every setter of a hosting file asks.
 */
static unsigned char *setter_bits(struct mb_drun *d)
{
	const struct mb_idkind *kd = mb_idkinds(&(size_t){ 0 });
	const struct mb_acct *a;
	size_t i, j, ki;
	int any;

	d->half = calloc(d->doc->nkeys + 1, 1);
	if (!d->half) {
		d->oom = 1;
		return NULL;
	}
	for (i = 0; i < d->accts->n; i++) {
		a = &d->accts->v[i];
		ki = (size_t)(mb_idkind_of(a) - kd);
		if (ki >= d->nkinds)
			continue;
		for (j = 0, any = 0; !any && j < a->nkeys; j++)
			any = mb_dr_has(d, a->keys[j], d->kpass[ki]);
		for (j = 0; j < a->nkeys; j++)
			d->half[a->keys[j]] |= (unsigned char)
				((1u | (unsigned)any << 1) << (2 * ki));
	}
	return d->half;
}

/* 1 when some key that sets name (kind i, at key k) stores its password
 * itself: k's account tells, else (a key no account covers) a search. */
static int stores_pass(struct mb_drun *d, size_t k, size_t i,
		       const char *name)
{
	const struct mb_idkind *kd = &mb_idkinds(&(size_t){ 0 })[i];
	const unsigned char *h = d->half ? d->half : setter_bits(d);
	const struct mb_acct *a;
	size_t n, j;
	int any = 0;

	if (h && (h[k] >> (2 * i) & 1u))
		return h[k] >> (2 * i + 1) & 1u;
	for (n = 0; h && n < d->accts->n; n++) {
		a = &d->accts->v[n];
		if (strcmp(a->kind, kd->kind) || strcasecmp(a->name, name))
			continue;
		for (j = 0; !any && j < a->nkeys; j++)
			any = mb_dr_has(d, a->keys[j], d->kpass[i]);
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

/* A name without its password at k, of kind i: MB004, or a check when
 * no level of the account stores one (after mbtool reset). */
static void name_only(struct mb_drun *d, size_t k, size_t i)
{
	const struct mb_idkind *kd = &mb_idkinds(&(size_t){ 0 })[i];
	const char *p = mb_path_display(d->doc->keys[k].location), *q;
	char *name = mb_dr_text(d, k, d->kname[i], 1);
	struct mb_finding *f;

	if (!name) {
		d->oom = 1;
		return;
	}
	if (!stores_pass(d, k, i, name)) {
		pending_pass(d, k, kd, name);
		free(name);
		return;
	}
	free(name);
	f = mb_dr_new(d, "MB004", "%s without %s", kd->name, kd->pass);
	if ((q = mb_dr_qf(d, f, MB_SHELL_SH, "%s/%s", p, kd->name)))
		mb_dr_note(d, mb_dr_cmd(d, f, MB_SHELL_SH, "mbtool delete %s",
					q), "or set the password there");
	mb_dr_key(d, f, k, 0);
}

/* Kind t/2's name (t even) or password property (t odd). */
static const struct mb_prop *kind_prop(const struct mb_drun *d, unsigned t)
{
	return t % 2 ? d->kpass[t / 2] : d->kname[t / 2];
}

/* Bit t: key k sets kind_prop(t). One pass over the key's attributes,
 * not a search per property (every key of a hosting file is asked). */
static unsigned half_bits(const struct mb_drun *d, size_t k)
{
	const struct mb_key *key = &d->doc->keys[k];
	const struct mb_prop *p;
	unsigned bits = 0, a, t;

	for (t = 0; key->ncustoms && t < 2 * d->nkinds; t++)
		bits |= (unsigned)mb_dr_has(d, k, kind_prop(d, t)) << t;
	for (a = 0; !key->ncustoms && a < key->nattrs; a++)
		for (t = 0; t < 2 * d->nkinds; t++)
			if ((p = kind_prop(d, t)) &&
			    key->attrs[a].name.len == d->klen[t] &&
			    !memcmp(d->doc->buf + key->attrs[a].name.off,
				    p->name, d->klen[t]))
				bits |= 1u << t;
	return bits;
}

/* Kind i's name and password at k (bits: half_bits): both or neither,
 * or MB004. The name's text is read only when it is alone. */
static void rule_half(struct mb_drun *d, size_t k, size_t i, unsigned bits)
{
	const struct mb_idkind *kd = &mb_idkinds(&(size_t){ 0 })[i];
	int name = bits >> (2 * i) & 1u;
	int pass = bits >> (2 * i + 1) & 1u;
	const char *p, *q;
	struct mb_finding *f;

	if (name == pass || (strcmp(kd->name, "UNCUserName") == 0 &&
			     !unc_content(d, k)))
		return; /* (local content: IIS never uses UNC credentials) */
	if (name) {
		name_only(d, k, i);
		return;
	}
	p = mb_path_display(d->doc->keys[k].location);
	f = mb_dr_new(d, "MB004", "%s without %s", kd->pass, kd->name);
	if ((q = mb_dr_qf(d, f, MB_SHELL_SH, "%s/%s", p, kd->pass)))
		mb_dr_cmd(d, f, MB_SHELL_SH, "mbtool delete %s", q);
	mb_dr_key(d, f, k, 0);
}

static void rule_pool(struct mb_drun *d, size_t k)
{
	char *name = mb_dr_text(d, k, d->p[MB_DR_WAMNAME], 0);
	char *pass = mb_dr_text(d, k, d->p[MB_DR_WAMPASS], 0);
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

void mb_dr_half(struct mb_drun *d, size_t k)
{
	unsigned bits = half_bits(d, k);
	size_t i;

	for (i = 0; bits && i < d->nkinds; i++)
		rule_half(d, k, i, bits);
}

void mb_dr_pwsync(struct mb_drun *d, size_t k)
{
	const char *p = mb_path_display(d->doc->keys[k].location), *q;
	struct mb_finding *f;
	uint32_t v;

	if (!mb_dr_num(d, k, d->p[MB_DR_PWSYNC], 1, &v) || !v)
		return;
	f = mb_dr_new(d, "MB005", "AnonymousPasswordSync is TRUE");
	mb_dr_key(d, f, k, 0);
	if ((q = mb_dr_qf(d, f, MB_SHELL_SH, "%s/AnonymousPasswordSync", p)))
		mb_dr_cmd(d, f, MB_SHELL_SH, "mbtool set %s FALSE", q);
}

void mb_dr_isolation(struct mb_drun *d, size_t k)
{
	struct mb_finding *f;
	uint32_t v;
	char *wam;

	if (!mb_dr_num(d, k, d->p[MB_DR_ISO5], 1, &v) || !v ||
	    !(wam = mb_dr_text(d, k, d->p[MB_DR_WAMNAME], 0)))
		return;
	f = mb_dr_new(d, "MB007", "IIS 5 isolation mode with WAM account %s",
		      wam);
	mb_dr_key(d, f, k, 0);
	mb_dr_cmd(d, f, MB_SHELL_CMDLINE, "cscript %%SystemDrive%%\\"
		  "Inetpub\\AdminScripts\\synciwam.vbs -v");
	free(wam);
}

void mb_dr_pool(struct mb_drun *d, size_t k)
{
	uint32_t v;

	if (mb_dr_num(d, k, d->p[MB_DR_POOLTYPE], 1, &v) && v == 3)
		rule_pool(d, k);
}

/* From the inventory the groups came from: its blobs are parsed once. */
void mb_dr_secure(struct mb_drun *d, size_t k)
{
	const char *p = mb_path_display(d->doc->keys[k].location), *q;
	const struct mb_secrets *s = d->groups;
	const struct mb_secret *e;
	struct mb_finding *f;
	size_t i;

	for (i = mb_dr_secrets_at(d, k); i < s->n && s->v[i].key == k; i++) {
		e = &s->v[i];
		if (e->custom || !e->secure || (e->parsed &&
		    e->blob.kind != MB_BLOB_INVALIDATED))
			continue;
		f = mb_dr_new(d, "MB009", "%s at %s cannot be decrypted",
			      e->prop, p);
		mb_dr_key(d, f, k, 0);
		if ((q = mb_dr_qf(d, f, MB_SHELL_SH, "%s/%s", p, e->prop)))
			mb_dr_fix(d, f, "set it again: mbtool set %s NEWVALUE "
				  "on the server, or adsutil.vbs SET there", q);
	}
}

/* ---- checks that need Windows ---------------------------------------------- */

void mb_dr_account_checks(struct mb_drun *d)
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

