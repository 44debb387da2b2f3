/* SPDX-License-Identifier: MIT */
/*
 * The doctor's rules (mb/doctor.h), one test per rule ID of the table:
 * each builds a minimal document in memory (and, for the hive rules
 * MB020-MB031, the accounts' Windows side as the program fills it from
 * the hives), and asserts that the rule fires on the bad input and stays
 * silent on the good one that differs from it in the one thing the rule
 * is about. every_rule_tested fails when the table gains a rule without
 * a test here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mb/blob.h"
#include "mb/buf.h"
#include "mb/doctor.h"

/* The hex text of a data blob of n bytes (4 of prefix, then UTF-16
 * characters and their NUL); fill tells values apart. */
static char *blob_hex(unsigned char fill, uint32_t n)
{
	unsigned char data[64], sig[64];
	struct mb_blob b;
	struct mb_buf out;

	memset(data, fill, sizeof(data));
	memset(data, 0x11, 4);
	memset(data + n - 2, 0, 2);
	memset(sig, fill ^ 0x5a, sizeof(sig));
	assert_int_equal(mb_blob_build(MB_BLOB_DATA, data, n, sig, 64, &b,
				       NULL), MB_OK);
	mb_buf_init(&out);
	assert_int_equal(mb_blob_emit(&b, &out), 0);
	mb_blob_free(&b);
	return mb_buf_detach(&out, NULL);
}

/* A password of 14 characters; values of one fill are equal. */
static char *pw(unsigned char fill)
{
	return blob_hex(fill, 34);
}

/* Two different passwords, made once (main). */
static char *pw1, *pw2;

static struct mb_buf doc_b;

static void begin(void)
{
	mb_buf_init(&doc_b);
	mb_buf_puts(&doc_b, "<?xml version=\"1.0\"?>\n<configuration xmlns="
		    "\"urn:microsoft-catalog:XML_Metabase_V64_0\">\n"
		    "<MBProperty>\n");
}

/* A key of type at loc, then NAME=VALUE pairs (NULL-terminated). */
static void key(const char *type, const char *loc, ...)
{
	va_list ap;
	const char *n;

	va_start(ap, loc);
	mb_buf_printf(&doc_b, "<%s Location=\"%s\"", type, loc);
	while ((n = va_arg(ap, const char *)) != NULL)
		mb_buf_printf(&doc_b, " %s=\"%s\"", n,
			      va_arg(ap, const char *));
	va_end(ap);
	mb_buf_printf(&doc_b, "></%s>\n", type);
}

static struct mb_doc *parse(void)
{
	struct mb_doc *d = NULL;
	struct mb_error err;
	char *text;
	size_t n;

	mb_buf_puts(&doc_b, "</MBProperty>\n</configuration>\n");
	text = mb_buf_detach(&doc_b, &n);
	mb_error_clear(&err);
	assert_int_equal(mb_doc_parse("t.xml", text, n, mb_schema_builtin(),
				      &d, &err), MB_OK);
	free(text);
	return d;
}

/* How many findings of rule id the run gives (ws: the Windows side). */
static size_t fired_ws(struct mb_doc *doc, const struct mb_accts *a,
		       const struct mb_wside *ws, const char *id)
{
	struct mb_doctor_in in = { doc, a, NULL, ws, NULL, NULL };
	struct mb_findings f;
	struct mb_error err;
	size_t i, n = 0;

	mb_error_clear(&err);
	assert_int_equal(mb_doctor_run(&in, &f, &err), MB_OK);
	for (i = 0; i < f.n; i++)
		n += strcmp(f.v[i].id, id) == 0;
	mb_findings_free(&f);
	return n;
}

/* The document built so far, run and freed. */
static size_t fired(const char *id)
{
	struct mb_doc *doc = parse();
	size_t n = fired_ws(doc, NULL, NULL, id);

	mb_doc_free(doc);
	return n;
}

/* The service with anonymous authentication on, then site 1. */
static void service(const char *name, const char *pass)
{
	key("IIsWebService", "/LM/W3SVC", "AuthFlags", "AuthAnonymous",
	    "AnonymousUserName", name, "AnonymousUserPass", pass, NULL);
}

/* ---- MB001-MB009 --------------------------------------------------------- */

/* Two levels of one account: the same password (fa == fb) or two. */
static size_t two_levels(const char *id, unsigned char fa, unsigned char fb)
{
	char *a = pw(fa), *b = pw(fb);
	size_t n;

	begin();
	service("IUSR_A", a);
	key("IIsWebServer", "/LM/W3SVC/1", "AnonymousUserName", "iusr_a",
	    "AnonymousUserPass", b, NULL);
	n = fired(id);
	free(a);
	free(b);
	return n;
}

static void mb001_lockout(void **state)
{
	(void)state;
	assert_int_equal(two_levels("MB001", 1, 2), 1);
	assert_int_equal(two_levels("MB001", 1, 1), 0);
}

/* One level of IUSR_A with anything else set by attribute pairs. */
static size_t one_level(const char *id, const char *name, const char *n1,
			const char *v1)
{
	char *a = pw(1);
	size_t n;

	begin();
	service(name, a);
	key("IIsWebServer", "/LM/W3SVC/1", n1, v1, NULL);
	n = fired(id);
	free(a);
	return n;
}

static void mb002_levels(void **state)
{
	(void)state;
	assert_int_equal(two_levels("MB002", 1, 1), 1);
	assert_int_equal(one_level("MB002", "IUSR_A", "ServerComment", "x"),
			 0);
}

static void mb003_privileged(void **state)
{
	(void)state;
	assert_int_equal(one_level("MB003", "CORP\\Administrator",
				   "ServerComment", "x"), 1);
	assert_int_equal(one_level("MB003", "IUSR_A", "ServerComment", "x"),
			 0);
}

static void mb004_half(void **state)
{
	char *a = pw(1);

	(void)state;
	/* a password below the name's level, without a name of its own */
	assert_int_equal(one_level("MB004", "IUSR_A", "AnonymousUserPass", a),
			 1);
	assert_int_equal(one_level("MB004", "IUSR_A", "ServerComment", "x"),
			 0);
	free(a);
}

/* Checks of the run on the document built so far that contain part. */
static size_t checks_with(const char *part)
{
	struct mb_doc *doc = parse();
	struct mb_doctor_in in = { doc, NULL, NULL, NULL, NULL, NULL };
	struct mb_findings f;
	size_t i, n = 0;

	assert_int_equal(mb_doctor_run(&in, &f, NULL), MB_OK);
	for (i = 0; i < f.nchecks; i++)
		n += f.checks[i].command && strstr(f.checks[i].command, part);
	mb_findings_free(&f);
	mb_doc_free(doc);
	return n;
}

/* A name without its password: MB004 when another level of the account
 * stores one, a check (set it on the live server) when none does, as
 * after mbtool reset. */
static void mb004_name_only(void **state)
{
	(void)state;
	begin();
	service("IUSR_A", pw1);
	key("IIsWebServer", "/LM/W3SVC/1", "AnonymousUserName", "iusr_a",
	    NULL);
	assert_int_equal(fired("MB004"), 1);
	begin();
	key("IIsWebService", "/LM/W3SVC", "AuthFlags", "AuthAnonymous",
	    "AnonymousUserName", "IUSR_A", NULL);
	key("IIsWebServer", "/LM/W3SVC/1", "AnonymousUserName", "iusr_a",
	    NULL);
	assert_int_equal(fired("MB004"), 0);
	begin();
	key("IIsWebService", "/LM/W3SVC", "AuthFlags", "AuthAnonymous",
	    "AnonymousUserName", "IUSR_A", NULL);
	key("IIsWebServer", "/LM/W3SVC/1", "AnonymousUserName", "iusr_a",
	    NULL);
	assert_int_equal(checks_with("adsutil.vbs SET"), 2);
}

static void mb005_pwsync(void **state)
{
	(void)state;
	assert_int_equal(one_level("MB005", "IUSR_A", "AnonymousPasswordSync",
				   "TRUE"), 1);
	assert_int_equal(one_level("MB005", "IUSR_A", "AnonymousPasswordSync",
				   "FALSE"), 0);
}

/* Rule id fires once on build(0), the bad input, and not on build(1). */
static void bad_good(const char *id, void (*build)(int good))
{
	build(0);
	assert_int_equal(fired(id), 1);
	build(1);
	assert_int_equal(fired(id), 0);
}

static void anon_off(int good)
{
	begin();
	key("IIsWebService", "/LM/W3SVC", "AuthFlags",
	    good ? "AuthAnonymous | AuthNTLM" : "AuthNTLM",
	    "AnonymousUserName", "IUSR_A", "AnonymousUserPass", pw1, NULL);
}

static void mb006_anon_off(void **state)
{
	(void)state;
	bad_good("MB006", anon_off);
}

static void isolation(int good)
{
	begin();
	key("IIsWebService", "/LM/W3SVC", "AuthFlags", "AuthAnonymous",
	    "AnonymousUserName", "IUSR_A", "AnonymousUserPass", pw1,
	    "WAMUserName", "IWAM_A", "WAMUserPass", pw2,
	    "IIs5IsolationModeEnabled", good ? "FALSE" : "TRUE", NULL);
}

static void mb007_isolation(void **state)
{
	(void)state;
	bad_good("MB007", isolation);
}

/* The good pool has its password, the bad one not. */
static void pool(int good)
{
	begin();
	service("IUSR_A", pw1);
	key("IIsApplicationPools", "/LM/W3SVC/AppPools", NULL);
	key("IIsApplicationPool", "/LM/W3SVC/AppPools/P",
	    "AppPoolIdentityType", "3", "WAMUserName", "CORP\\pool",
	    good ? "WAMUserPass" : "ServerComment", good ? pw2 : "x", NULL);
}

static void mb008_pool(void **state)
{
	(void)state;
	bad_good("MB008", pool);
}

static void mb009_secure(void **state)
{
	char *a = pw(1), *bad;
	size_t n;

	(void)state;
	bad = malloc(strlen(a) + 16);
	assert_non_null(bad);
	sprintf(bad, "NOLONGERVALID%s", a);
	begin();
	service("IUSR_A", bad);
	n = fired("MB009");
	assert_int_equal(n, 1);
	begin();
	service("IUSR_A", a);
	assert_int_equal(fired("MB009"), 0);
	free(bad);
	free(a);
}

/* ---- MB010-MB013 --------------------------------------------------------- */

static void mb010_logon(void **state)
{
	(void)state;
	/* interactive logon for a served anonymous account */
	assert_int_equal(one_level("MB010", "CORP\\web", "LogonMethod", "0"),
			 1);
	assert_int_equal(one_level("MB010", "CORP\\web", "LogonMethod", "3"),
			 0);
}

static void mb011_empty(void **state)
{
	char *e = blob_hex(1, 6), *a = pw(1);

	(void)state;
	begin();
	service("IUSR_A", e);
	assert_int_equal(fired("MB011"), 1);
	begin();
	service("IUSR_A", a);
	assert_int_equal(fired("MB011"), 0);
	free(e);
	free(a);
}

/* A virtual directory on a share, with the UNC account user (or none). */
static size_t unc(const char *user)
{
	char *a = pw(1), *u = pw(3);
	size_t n;

	begin();
	service("IUSR_A", a);
	key("IIsWebServer", "/LM/W3SVC/1", NULL);
	if (user)
		key("IIsWebVirtualDir", "/LM/W3SVC/1/ROOT",
		    "Path", "\\\\files\\web\\site1", "UNCUserName", user,
		    "UNCPassword", u, NULL);
	else
		key("IIsWebVirtualDir", "/LM/W3SVC/1/ROOT",
		    "Path", "\\\\files\\web\\site1", NULL);
	n = fired("MB012");
	free(a);
	free(u);
	return n;
}

static void mb012_unc(void **state)
{
	(void)state;
	assert_int_equal(unc(NULL), 1);
	assert_int_equal(unc("webuser"), 1);  /* a local account */
	assert_int_equal(unc("CORP\\webfiles"), 0);
}

static void mb013_domain(void **state)
{
	(void)state;
	assert_int_equal(one_level("MB013", "CORP\\web", "ServerComment", "x"),
			 1);
	assert_int_equal(one_level("MB013", "IUSR_A", "ServerComment", "x"),
			 0);
}

/* ---- MB020-MB031: the Windows side -------------------------------------- */

struct win {
	struct mb_doc *doc;
	struct mb_accts a;
	struct mb_wside ws;
	struct mb_hiveset hs;
	struct mb_hs_user user;
};

/* IUSR_A at the service and at site 1 (same password); its Windows side
 * as the hives answer it for a local account with nothing wrong. */
static void win_init(struct win *w)
{
	char *a = pw(1);
	size_t i;

	memset(w, 0, sizeof(*w));
	begin();
	service("IUSR_A", a);
	key("IIsWebServer", "/LM/W3SVC/1", "AnonymousUserName", "IUSR_A",
	    "AnonymousUserPass", a, NULL);
	free(a);
	w->doc = parse();
	assert_int_equal(mb_accts_collect(w->doc, NULL, 1, &w->a), 0);
	assert_int_equal(w->a.n, 1);
	w->user.name = "IUSR_A";
	w->hs.have_rights = 1;
	w->ws.hs = &w->hs;
	w->ws.n = w->a.n;
	w->ws.v = calloc(w->a.n, sizeof(*w->ws.v));
	assert_non_null(w->ws.v);
	for (i = 0; i < w->a.n; i++) {
		struct mb_wacct *v = &w->ws.v[i];

		v->c.scope = MB_HC_LOCAL;
		v->c.user = &w->user;
		v->c.rights_known = 1;
		v->c.need = MB_RIGHT_NETWORK;
		v->c.has_right = 1;
		v->pw = calloc(w->a.v[i].nkeys, sizeof(*v->pw));
		v->why = calloc(w->a.v[i].nkeys, sizeof(*v->why));
		assert_true(v->pw && v->why);
		v->pw[0] = MB_WPW_MATCH;
		v->pw[1] = MB_WPW_MATCH;
		v->matches = 1;
	}
}

static size_t win_fired(struct win *w, const char *id)
{
	return fired_ws(w->doc, &w->a, &w->ws, id);
}

static void win_free(struct win *w)
{
	mb_wside_free(&w->ws);
	mb_accts_free(&w->a);
	mb_doc_free(w->doc);
}

/* The flag that rule id is about, set (on) or cleared in w. */
static void win_set(struct win *w, const char *id, int on)
{
	struct mb_hcheck *c = &w->ws.v[0].c;

	if (!strcmp(id, "MB020"))
		c->user = on ? NULL : &w->user;
	else if (!strcmp(id, "MB021"))
		c->disabled = on;
	else if (!strcmp(id, "MB022"))
		c->locked = on;
	else if (!strcmp(id, "MB023"))
		c->acct_expired = on;
	else if (!strcmp(id, "MB024"))
		c->pwd_expired = on;
	else if (!strcmp(id, "MB025"))
		c->hours_restricted = on;
	else if (!strcmp(id, "MB026"))
		c->ws_restricted = on;
	else if (!strcmp(id, "MB027"))
		c->guests = on;
	else if (!strcmp(id, "MB028"))
		c->admins = on;
	else if (!strcmp(id, "MB029"))
		c->has_right = !on;
	else if (!strcmp(id, "MB030"))
		c->deny = on ? MB_RIGHT_DENY_NETWORK : 0;
	else
		fail_msg("no flag for %s", id);
	if (on && !strcmp(id, "MB030"))
		strcpy(c->deny_via, "S-1-5-32-546");
}

/* The rule fires once on the flag, never without it, and never without
 * the hives' side at all. */
static void win_rule(const char *id)
{
	struct win w;

	win_init(&w);
	assert_int_equal(win_fired(&w, id), 0);
	win_set(&w, id, 1);
	assert_int_equal(win_fired(&w, id), 1);
	assert_int_equal(fired_ws(w.doc, &w.a, NULL, id), 0);
	/* a domain account's answers are in AD: not the SAM's findings */
	w.ws.v[0].c.scope = MB_HC_DOMAIN;
	assert_int_equal(win_fired(&w, id), 0);
	win_free(&w);
}

static void mb020_missing(void **state) { (void)state; win_rule("MB020"); }
static void mb021_disabled(void **state) { (void)state; win_rule("MB021"); }
static void mb022_locked(void **state) { (void)state; win_rule("MB022"); }
static void mb023_expired(void **state) { (void)state; win_rule("MB023"); }
static void mb024_pwd(void **state) { (void)state; win_rule("MB024"); }
static void mb025_hours(void **state) { (void)state; win_rule("MB025"); }
static void mb026_ws(void **state) { (void)state; win_rule("MB026"); }
static void mb027_guests(void **state) { (void)state; win_rule("MB027"); }
static void mb028_admins(void **state) { (void)state; win_rule("MB028"); }
static void mb029_right(void **state) { (void)state; win_rule("MB029"); }
static void mb030_deny(void **state) { (void)state; win_rule("MB030"); }

static void mb031_password(void **state)
{
	struct mb_wacct *v;
	struct win w;

	(void)state;
	win_init(&w);
	assert_int_equal(win_fired(&w, "MB031"), 0);
	v = &w.ws.v[0];
	v->pw[1] = MB_WPW_DIFFERS;
	v->differs = 1;
	v->matches = 0;
	assert_int_equal(win_fired(&w, "MB031"), 1);
	v->c.scope = MB_HC_DOMAIN;
	assert_int_equal(win_fired(&w, "MB031"), 0);
	win_free(&w);
}

/* A level whose password could not be compared: no MB031, but a check
 * that names the account, the level and why. */
static void mb031_unsettled(void **state)
{
	struct mb_doctor_in in;
	struct mb_findings f;
	struct mb_error err;
	struct win w;
	size_t i, n = 0;

	(void)state;
	win_init(&w);
	w.ws.v[0].pw[1] = MB_WPW_UNKNOWN;
	w.ws.v[0].why[1] = "its password could not be recovered";
	in = (struct mb_doctor_in){ w.doc, &w.a, NULL, &w.ws, NULL, NULL };
	mb_error_clear(&err);
	assert_int_equal(mb_doctor_run(&in, &f, &err), MB_OK);
	for (i = 0; i < f.n; i++)
		assert_string_not_equal(f.v[i].id, "MB031");
	for (i = 0; i < f.nchecks; i++)
		n += f.checks[i].note && strcmp(f.checks[i].note,
			"IUSR_A's password at W3SVC/1: not compared with the "
			"SAM: its password could not be recovered") == 0;
	assert_int_equal(n, 1);
	mb_findings_free(&f);
	win_free(&w);
}

/* ---- the table ----------------------------------------------------------- */

static const char *const tested[] = {
	"MB001", "MB002", "MB003", "MB004", "MB005", "MB006", "MB007",
	"MB008", "MB009", "MB010", "MB011", "MB012", "MB013", "MB020",
	"MB021", "MB022", "MB023", "MB024", "MB025", "MB026", "MB027",
	"MB028", "MB029", "MB030", "MB031",
};

#define NTESTED (sizeof(tested) / sizeof(tested[0]))

static void every_rule_tested(void **state)
{
	const struct mb_doctor_rule *r;
	size_t n, i, j;

	(void)state;
	r = mb_doctor_rules(&n);
	assert_int_equal(n, NTESTED);
	for (i = 0; i < n; i++) {
		for (j = 0; j < NTESTED && strcmp(tested[j], r[i].id); j++)
			;
		if (j == NTESTED)
			fail_msg("rule %s has no test", r[i].id);
		assert_ptr_equal(mb_doctor_rule(r[i].id), &r[i]);
		assert_non_null(r[i].check);
		assert_true(strlen(r[i].title) && strlen(r[i].why) &&
			    strlen(r[i].fix));
		assert_true(!strcmp(r[i].severity, "error") ||
			    !strcmp(r[i].severity, "warning") ||
			    !strcmp(r[i].severity, "info"));
	}
	assert_null(mb_doctor_rule("MB999"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mb001_lockout),
		cmocka_unit_test(mb002_levels),
		cmocka_unit_test(mb003_privileged),
		cmocka_unit_test(mb004_half),
		cmocka_unit_test(mb004_name_only),
		cmocka_unit_test(mb005_pwsync),
		cmocka_unit_test(mb006_anon_off),
		cmocka_unit_test(mb007_isolation),
		cmocka_unit_test(mb008_pool),
		cmocka_unit_test(mb009_secure),
		cmocka_unit_test(mb010_logon),
		cmocka_unit_test(mb011_empty),
		cmocka_unit_test(mb012_unc),
		cmocka_unit_test(mb013_domain),
		cmocka_unit_test(mb020_missing),
		cmocka_unit_test(mb021_disabled),
		cmocka_unit_test(mb022_locked),
		cmocka_unit_test(mb023_expired),
		cmocka_unit_test(mb024_pwd),
		cmocka_unit_test(mb025_hours),
		cmocka_unit_test(mb026_ws),
		cmocka_unit_test(mb027_guests),
		cmocka_unit_test(mb028_admins),
		cmocka_unit_test(mb029_right),
		cmocka_unit_test(mb030_deny),
		cmocka_unit_test(mb031_password),
		cmocka_unit_test(mb031_unsettled),
		cmocka_unit_test(every_rule_tested),
	};

	int st;

	pw1 = pw(1);
	pw2 = pw(2);
	st = cmocka_run_group_tests(tests, NULL, NULL);
	free(pw1);
	free(pw2);
	return st;
}
