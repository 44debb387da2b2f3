/* SPDX-License-Identifier: MIT */
/*
 * doctor: the 401.1 troubleshooting guide as rules with stable IDs, each
 * with a severity, the keys involved, why it matters and the fix (mbtool
 * or Windows commands), then the checks that only Windows can answer.
 * Exit 1 (MB_EFOUND) when any finding is a warning or an error.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "mb/blob.h"
#include "mb/edit.h"
#include "mb/json.h"
#include "mb/path.h"
#include "mb/value.h"

struct rule {
	const char *id;
	const char *severity;   /* "error", "warning" */
	const char *why;
};

static const struct rule rules[] = {
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
};

struct finding {
	const struct rule *rule;
	char *title;
	char *keys;   /* display paths, '\n'-separated */
	char *fix;    /* commands, '\n'-separated */
};

struct doctor {
	const struct mb_doc *doc;
	struct finding *v;
	size_t n;
	int oom;
};

static const struct rule *rule(const char *id)
{
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (strcmp(rules[i].id, id) == 0)
			return &rules[i];
	return NULL;
}

static char *fmt(const char *f, const char *a, const char *b)
{
	size_t n = strlen(f) + strlen(a) + strlen(b) + 1;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, f, a, b);
	return s;
}

static void add(struct doctor *d, const char *id, char *title, char *keys,
		char *fix)
{
	struct finding *v = realloc(d->v, (d->n + 1) * sizeof(*v));

	if (!v || !title || !keys || !fix) {
		d->oom = 1;
		free(title);
		free(keys);
		free(fix);
		return;
	}
	d->v = v;
	d->v[d->n].rule = rule(id);
	d->v[d->n].title = title;
	d->v[d->n].keys = keys;
	d->v[d->n++].fix = fix;
}

static char *key_list(const struct mb_doc *doc, const struct mb_acct *a,
		      int groups)
{
	struct mb_buf b;
	size_t i;
	char *s;

	mb_buf_init(&b);
	for (i = 0; i < a->nkeys; i++) {
		mb_buf_printf(&b, "%s%s", i ? "\n" : "",
			mb_path_display(doc->keys[a->keys[i]].location));
		if (groups)
			mb_buf_printf(&b, " (%c)", a->group[i] < 0 ? '-' :
				      'A' + a->group[i]);
	}
	s = strdup(b.data ? b.data : "");
	mb_buf_release(&b);
	return s;
}

static char *key_one(const struct mb_doc *doc, size_t k)
{
	return strdup(mb_path_display(doc->keys[k].location));
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

static void rule_lockout(struct doctor *d, const struct mb_acct *a)
{
	const char *first = mb_path_display(d->doc->keys[a->keys[0]].location);
	char n[32];

	snprintf(n, sizeof(n), "%d", a->ngroups);
	if (strcmp(a->kind, "anonymous") == 0)
		add(d, "MB001", fmt("lockout risk: %s has %s different "
				    "passwords", a->name, n),
		    key_list(d->doc, a, 1),
		    fmt("mbtool collapse --account \"%s\" --password-from "
			"%s", a->name, first));
	else
		add(d, "MB001", fmt("lockout risk: %s has %s different "
				    "passwords", a->name, n),
		    key_list(d->doc, a, 1),
		    fmt("set one password for %s at every level listed, and "
			"the same in Windows: net user \"%s\" *", a->name,
			a->name));
}

static void rules_account(struct doctor *d, const struct mb_acct *a)
{
	size_t i;

	if (a->ngroups > 1)
		rule_lockout(d, a);
	if (a->nkeys > 1 && strcmp(a->kind, "anonymous") == 0)
		add(d, "MB002", fmt("%s is set at several levels%s", a->name,
				    ""), key_list(d->doc, a, 0),
		    fmt("mbtool collapse --account \"%s\"%s", a->name,
			a->ngroups > 1 ? " --password-from PATH" : ""));
	if (privileged(a->name))
		add(d, "MB003", fmt("%s account %s looks privileged", a->kind,
				    a->name), key_list(d->doc, a, 0),
		    fmt("mbtool set PATH/%s IUSR_<computer>%s (and its "
			"password), for each key listed", strcmp(a->kind,
			"anonymous") ? "WAMUserName" : "AnonymousUserName",
			""));
	if (strcmp(a->kind, "anonymous") != 0)
		return;
	for (i = 0; i < a->nkeys; i++)
		if (!mb_acct_anon_on(d->doc, a->keys[i]))
			add(d, "MB006", fmt("AuthAnonymous is off where %s is "
					    "set%s", a->name, ""),
			    key_one(d->doc, a->keys[i]),
			    fmt("mbtool set %s/AuthAnonymous TRUE%s  (or "
				"mbtool delete .../AnonymousUserName)",
				mb_path_display(d->doc->keys[a->keys[i]]
						.location), ""));
}

static void rule_half(struct doctor *d, size_t k, const struct mb_idkind *kd)
{
	char *name = mb_acct_value(d->doc, k, kd->name, 1);
	char *pass = mb_acct_value(d->doc, k, kd->pass, 1);
	const char *p = mb_path_display(d->doc->keys[k].location);

	if (name && !pass)
		add(d, "MB004", fmt("%s without %s", kd->name, kd->pass),
		    key_one(d->doc, k),
		    fmt("mbtool delete %s/%s  (or set the password there)",
			p, kd->name));
	else if (pass && !name)
		add(d, "MB004", fmt("%s without %s", kd->pass, kd->name),
		    key_one(d->doc, k),
		    fmt("mbtool delete %s/%s", p, kd->pass));
	free(name);
	free(pass);
}

static int local_num(const struct mb_doc *doc, size_t k, const char *prop,
		     uint32_t *v)
{
	const struct mb_prop *p = mb_schema_prop(doc->schema, prop);
	char *t = mb_acct_value(doc, k, prop, 1);
	int ok = 0, b;

	if (t && p && p->type == MB_T_BOOL)
		ok = mb_value_bool(t, &b) == 0 && (*v = (uint32_t)b, 1);
	else if (t && p)
		ok = mb_value_dword(p, t, v) == 0;
	free(t);
	return ok;
}

static void rule_pool(struct doctor *d, size_t k)
{
	char *name = mb_acct_value(d->doc, k, "WAMUserName", 0);
	char *pass = mb_acct_value(d->doc, k, "WAMUserPass", 0);
	const char *p = mb_path_display(d->doc->keys[k].location);

	if (!name || !*name || !pass || !*pass)
		add(d, "MB008", fmt("application pool %s has identity type 3 "
				    "without %s", p, name && *name ?
				    "WAMUserPass" : "WAMUserName"),
		    key_one(d->doc, k),
		    fmt("mbtool set %s/WAMUserName DOMAIN\\user, then set its "
			"password in IIS Manager (pool %s, Identity tab)",
			p, p));
	free(name);
	free(pass);
}

static void rules_key(struct doctor *d, size_t k)
{
	const char *p = mb_path_display(d->doc->keys[k].location);
	char *wam;
	size_t i, nk;
	const struct mb_idkind *kd = mb_idkinds(&nk);
	uint32_t v;

	for (i = 0; i < nk; i++)
		rule_half(d, k, &kd[i]);
	if (local_num(d->doc, k, "AnonymousPasswordSync", &v) && v)
		add(d, "MB005", strdup("AnonymousPasswordSync is TRUE"),
		    key_one(d->doc, k),
		    fmt("mbtool set %s/AnonymousPasswordSync FALSE%s", p, ""));
	if (local_num(d->doc, k, "IIs5IsolationModeEnabled", &v) && v &&
	    (wam = mb_acct_value(d->doc, k, "WAMUserName", 0)) != NULL) {
		add(d, "MB007", fmt("IIS 5 isolation mode with WAM account "
				    "%s%s", wam, ""), key_one(d->doc, k),
		    strdup("cscript %SystemDrive%\\Inetpub\\AdminScripts\\"
			   "synciwam.vbs -v"));
		free(wam);
	}
	if (local_num(d->doc, k, "AppPoolIdentityType", &v) && v == 3)
		rule_pool(d, k);
}

static void rule_secure(struct doctor *d, size_t k)
{
	const struct mb_key *key = &d->doc->keys[k];
	const struct mb_prop *p;
	struct mb_blob b;
	unsigned i;
	char *t;
	int bad;

	for (i = 0; i < key->nattrs; i++) {
		p = mb_doc_attr_prop(d->doc, &key->attrs[i]);
		if (!p || !(p->attrs & MB_ATTR_SECURE))
			continue;
		t = mb_doc_text(d->doc, key->attrs[i].value);
		bad = !t || mb_blob_parse(t, strlen(t), &b, NULL) != MB_OK;
		if (!bad) {
			bad = b.kind == MB_BLOB_INVALIDATED;
			mb_blob_free(&b);
		}
		free(t);
		if (bad)
			add(d, "MB009", fmt("%s at %s cannot be decrypted",
					    p->name,
					    mb_path_display(key->location)),
			    key_one(d->doc, k),
			    fmt("set it again: mbtool set %s/%s NEWVALUE on "
				"the server, or adsutil.vbs SET there",
				mb_path_display(key->location), p->name));
	}
}

static void run_rules(struct doctor *d, const struct mb_accts *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		rules_account(d, &a->v[i]);
	for (i = 0; i < d->doc->nkeys; i++) {
		rules_key(d, i);
		rule_secure(d, i);
	}
}

/* ---- output -------------------------------------------------------------- */

static void json_lines(struct mb_json *j, const char *key, const char *s)
{
	const char *nl;

	mb_json_key(j, key);
	mb_json_arr_begin(j);
	while (*s) {
		nl = strchr(s, '\n');
		mb_json_strn(j, s, nl ? (size_t)(nl - s) : strlen(s));
		s = nl ? nl + 1 : s + strlen(s);
	}
	mb_json_arr_end(j);
}

static void text_lines(struct mb_buf *o, const char *label, const char *s,
		       const char *sep)
{
	mb_buf_printf(o, "  %-5s ", label);
	for (; *s; s++) {
		if (*s == '\n')
			mb_buf_puts(o, sep);
		else
			mb_buf_putc(o, *s);
	}
	mb_buf_putc(o, '\n');
}

static void checklist(struct mb_buf *o, struct mb_json *j,
		      const struct mb_accts *a)
{
	static const char *const fixed[] = {
		"net localgroup Guests  (the anonymous accounts are members)",
		"secpol.msc: \"Access this computer from the network\" and "
		"\"Log on locally\" (or \"Log on as a batch job\", per "
		"LogonMethod) include the anonymous accounts",
		"cacls on each Path: the anonymous account has Read (NTFS)",
	};
	size_t i;
	struct mb_buf line;

	mb_buf_init(&line);
	for (i = 0; i < a->n; i++) {
		const char *bs = strrchr(a->v[i].name, '\\');

		mb_buf_reset(&line);
		mb_buf_printf(&line, "net user \"%s\"%s  (%s account: active, "
			      "password not expired, not locked out, logon "
			      "hours, \"log on to\" workstations)",
			      bs ? bs + 1 : a->v[i].name, bs ? " /domain" : "",
			      a->v[i].kind);
		if (j)
			mb_json_str(j, line.data);
		else
			mb_buf_printf(o, "  [ ] %s\n", line.data);
	}
	for (i = 0; i < 3; i++) {
		if (j)
			mb_json_str(j, fixed[i]);
		else
			mb_buf_printf(o, "  [ ] %s\n", fixed[i]);
	}
	mb_buf_release(&line);
}

static void print_text(struct mb_buf *o, const struct doctor *d,
		       const struct mb_accts *a)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct finding *f = &d->v[i];

		mb_buf_printf(o, "%s %-7s %s\n", f->rule->id,
			      f->rule->severity, f->title);
		text_lines(o, "keys:", f->keys, ", ");
		text_lines(o, "why:", f->rule->why, " ");
		text_lines(o, "fix:", f->fix, "\n        ");
		mb_buf_putc(o, '\n');
	}
	if (!d->n)
		mb_buf_puts(o, "no problems found in the metabase\n\n");
	mb_buf_puts(o, "Checks that need Windows:\n");
	checklist(o, NULL, a);
	mb_buf_printf(o, "\n%zu finding%s\n", d->n, d->n == 1 ? "" : "s");
}

static void print_json(struct mb_buf *o, const struct doctor *d,
		       const struct mb_accts *a)
{
	struct mb_json j;
	size_t i;

	mb_json_init(&j, o);
	mb_json_obj_begin(&j);
	mb_json_key(&j, "findings");
	mb_json_arr_begin(&j);
	for (i = 0; i < d->n; i++) {
		mb_json_obj_begin(&j);
		mb_json_kstr(&j, "id", d->v[i].rule->id);
		mb_json_kstr(&j, "severity", d->v[i].rule->severity);
		mb_json_kstr(&j, "title", d->v[i].title);
		json_lines(&j, "keys", d->v[i].keys);
		mb_json_kstr(&j, "why", d->v[i].rule->why);
		json_lines(&j, "fix", d->v[i].fix);
		mb_json_obj_end(&j);
	}
	mb_json_arr_end(&j);
	mb_json_key(&j, "windows_checks");
	mb_json_arr_begin(&j);
	checklist(o, &j, a);
	mb_json_arr_end(&j);
	mb_json_obj_end(&j);
	mb_buf_putc(o, '\n');
}

static void doctor_free(struct doctor *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].title);
		free(d->v[i].keys);
		free(d->v[i].fix);
	}
	free(d->v);
}

int mb_cmd_doctor(struct mb_cli *cli, struct mb_doc *doc, int argc,
		  char **argv)
{
	struct doctor d;
	struct mb_accts a;
	int st = MB_OK;

	if (argc > 1)
		return mb_cli_bad_option(cli, "doctor", argv[1]);
	memset(&d, 0, sizeof(d));
	d.doc = doc;
	if (mb_accts_collect(doc, NULL, 1, &a))
		d.oom = 1;
	else
		run_rules(&d, &a);
	if (d.oom)
		st = mb_error_set(&cli->err, MB_EFILE, "doctor", NULL,
				  "out of memory");
	else if (cli->json)
		print_json(&cli->out, &d, &a);
	else
		print_text(&cli->out, &d, &a);
	if (!st && d.n)
		st = mb_error_set(&cli->err, MB_EFOUND, "doctor", NULL,
				  "%zu problem%s found", d.n,
				  d.n == 1 ? "" : "s");
	doctor_free(&d);
	mb_accts_free(&a);
	return st;
}
