/* SPDX-License-Identifier: MIT */
/*
 * The reveal solver on the real corpus file (no plaintext of a real
 * password is ever compared, stored or printed: only lengths and status)
 * and on files written by mbgen with varied descriptor layouts and keys.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"
#include "mb/blob.h"
#include "mb/crypt.h"
#include "mb/reveal.h"

#define CORPUS_FILE "/metabase/modulogrc_modSIC__metabaseSample.xml"
#define MAXV 256

struct item {
	char loc[256];
	char prop[64];
	struct mb_blob blob;
};

/* A metabase as the tests see it: its secure values, in file order. */
struct mbfile {
	struct item it[MAXV];
	size_t n;
	struct mb_blob session;
	int has_session;
	struct mb_reveal_item in[MAXV];
};

struct env {
	char dir[64];
	char cache[128];
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *p;
	size_t n;

	if (!f)
		return NULL;
	p = malloc(1 << 22);
	assert_non_null(p);
	n = fread(p, 1, (1 << 22) - 1, f);
	p[n] = '\0';
	fclose(f);
	return p;
}

/* The Location of the key a start tag opens. */
static void take_location(const char *p, char *loc, size_t len)
{
	const char *l = strstr(p, "Location =\""), *e;

	if (!l || l > strchr(p, '\n'))
		return;
	l += 11;
	e = strchr(l, '"');
	snprintf(loc, len, "%.*s", (int)(e - l), l);
}

static void take_value(struct mbfile *m, const char *loc, const char *p)
{
	const char *eq = strchr(p, '='), *v, *e;
	struct item *it;

	if (!eq || eq[1] != '"')
		return;
	v = eq + 2;
	e = strchr(v, '"');
	if (!e || (strncmp(v, "4963", 4) && strncmp(v, "NOLONGER", 8)))
		return;
	if (!strncmp(p, "SessionKey=", 11)) {
		assert_int_equal(mb_blob_parse(v, (size_t)(e - v), &m->session,
					       NULL), MB_OK);
		m->has_session = 1;
		return;
	}
	assert_true(m->n < MAXV);
	it = &m->it[m->n++];
	snprintf(it->loc, sizeof(it->loc), "%s", loc);
	snprintf(it->prop, sizeof(it->prop), "%.*s", (int)(eq - p), p);
	assert_int_equal(mb_blob_parse(v, (size_t)(e - v), &it->blob, NULL),
			 MB_OK);
}

/* A small scanner: the document model is not needed for this. */
static int load(const char *path, struct mbfile *m)
{
	char *text = read_file(path), *p, loc[256] = "";
	size_t i;

	memset(m, 0, sizeof(*m));
	if (!text)
		return -1;
	for (p = text; p; p = strchr(p, '\n')) {
		p += *p == '\n';
		if (*p == '<')
			take_location(p, loc, sizeof(loc));
		else if (!strncmp(p, "\t\t", 2))
			take_value(m, loc, p + 2);
	}
	free(text);
	for (i = 0; i < m->n; i++) {
		m->in[i].label = m->it[i].loc;
		m->in[i].prop = m->it[i].prop;
		m->in[i].blob = &m->it[i].blob;
	}
	return 0;
}

static void unload(struct mbfile *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		mb_blob_free(&m->it[i].blob);
	if (m->has_session)
		mb_blob_free(&m->session);
}

static const struct mb_reveal_value *find(const struct mb_reveal_report *r,
					  const char *loc, const char *prop)
{
	size_t i;

	for (i = 0; i < r->nvalues; i++)
		if (!strcmp(r->values[i].label, loc) &&
		    !strcmp(r->values[i].prop, prop))
			return &r->values[i];
	fail_msg("no result for %s %s", loc, prop);
	return NULL;
}

static void run(struct mbfile *m, struct mb_reveal_opts *o,
		struct mb_reveal_report *r)
{
	struct mb_error e;

	if (m->has_session)
		o->session = &m->session;
	mb_error_clear(&e);
	if (mb_reveal_run(m->in, m->n, o, r, &e) != MB_OK)
		fail_msg("reveal: %s", e.reason);
}

static int corpus(struct mbfile *m)
{
	const char *dir = getenv("MB_CORPUS");
	char path[4096];

	if (!dir)
		return -1;
	snprintf(path, sizeof(path), "%s%s", dir, CORPUS_FILE);
	return load(path, m);
}

static const char *srcdir(void)
{
	const char *s = getenv("MB_SRCDIR");

	return s ? s : ".";
}

static struct mb_rsakey *test_key(const char *name)
{
	char path[4096];
	struct mb_rsakey *k;

	snprintf(path, sizeof(path), "%s/tests/keys/%s", srcdir(), name);
	assert_int_equal(mb_crypt_key_load(path, &k, NULL), MB_OK);
	return k;
}

static int setup(void **state)
{
	struct env *env = calloc(1, sizeof(*env));

	snprintf(env->dir, sizeof(env->dir), "/tmp/mbtool-reveal-XXXXXX");
	if (!mkdtemp(env->dir))
		return -1;
	snprintf(env->cache, sizeof(env->cache), "%s/cache", env->dir);
	*state = env;
	return 0;
}

static int teardown(void **state)
{
	struct env *env = *state;
	char cmd[200];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", env->dir);
	if (system(cmd))
		return -1;
	free(env);
	return 0;
}

/* ---- the real file --------------------------------------------------- */

/* Passwords: length and verification only; the public answers in full. */
static void check_corpus_strings(const struct mb_reveal_report *r)
{
	const struct mb_reveal_value *v;

	v = find(r, "/LM/W3SVC", "LogOdbcPassword");
	assert_int_equal(v->status, MB_REVEAL_VERIFIED);
	assert_string_equal(v->text, "sqllog");
	v = find(r, "/LM/W3SVC/1/ROOT", "UNCPassword");
	assert_int_equal(v->status, MB_REVEAL_VERIFIED);
	assert_string_equal(v->text, "");
	v = find(r, "/LM/W3SVC", "AnonymousUserPass");
	assert_int_equal(v->status, MB_REVEAL_VERIFIED);
	assert_int_equal(v->units_total, 14);
	assert_int_equal(v->units_known, 14);
	assert_null(strchr(v->text, '?'));
	v = find(r, "/LM/W3SVC", "WAMUserPass");
	assert_int_equal(v->status, MB_REVEAL_VERIFIED);
	assert_int_equal(v->units_total, 14);
	assert_int_equal(v->units_known, 14);
}

static void check_corpus_acls(const struct mb_reveal_report *r)
{
	const struct mb_reveal_value *v = find(r, "/LM/Logging", "AdminACL");

	/* The 84-byte descriptor: completed by the signature (its mask). */
	assert_int_equal(v->status, MB_REVEAL_VERIFIED);
	assert_string_equal(v->text, "O:BAG:BAD:(A;;0x400ab;;;BA)");
	assert_int_equal(find(r, "/LM/W3SVC/Info", "AdminACL")->group,
			 v->group);
	/* The 160-byte ones reach past the keystream: partial, not wrong. */
	v = find(r, "/", "AdminACL");
	assert_int_equal(v->status, MB_REVEAL_PARTIAL);
	assert_int_equal(v->units_total, 160);
	assert_true(r->ks_prefix >= 88);
	assert_true(r->session_verified);
}

static void mbgen(struct env *env, const char *args, char *xml, char *man);
static void check_manifest(const char *man,
			   const struct mb_reveal_report *r);

/*
 * A generated file without an empty value: the gcd must come from the
 * SessionKey and probable plaintexts. It runs in a second thread while the
 * corpus gcd runs here (each takes seconds), which also shows that reveal
 * keeps no shared state.
 */
struct gcd_job {
	struct env *env;
	struct mbfile m;
	char xml[200], man[200];
	struct mb_reveal_report r;
	struct mb_reveal_opts o;
	int ran;
};

static void *gcd_thread(void *arg)
{
	struct gcd_job *j = arg;

	if (load(j->xml, &j->m) == 0) {
		j->o.cache_dir = j->env->cache;
		j->o.session = &j->m.session;
		j->ran = mb_reveal_run(j->m.in, j->m.n, &j->o, &j->r, NULL) ==
			 MB_OK;
	}
	return NULL;
}

static void corpus_gcd(struct env *env)
{
	struct mb_reveal_opts o = { .cache_dir = env->cache };
	struct mb_reveal_report r;
	struct mbfile m;
	struct stat sb;

	if (corpus(&m))
		return;
	run(&m, &o, &r);
	assert_int_equal(r.modsrc, MB_MODSRC_GCD);
	assert_true(r.gcd_seconds > 0);
	check_corpus_strings(&r);
	check_corpus_acls(&r);
	assert_int_equal(r.modulus.len, 64);
	assert_int_equal(mb_reveal_report_status(&r), MB_ESECRET);
	mb_reveal_report_free(&r);
	/* The modulus was cached, privately. */
	assert_int_equal(stat(env->cache, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	unload(&m);
}

static void test_gcd(void **state)
{
	struct env *env = *state;
	struct gcd_job *j = calloc(1, sizeof(*j));
	pthread_t t;
	int threaded = getenv("MBGEN") != NULL;

	assert_non_null(j);
	j->env = env;
	if (threaded) {
		mbgen(env, "--sites 4 --vdirs 2 --seed 5", j->xml, j->man);
		assert_int_equal(pthread_create(&t, NULL, gcd_thread, j), 0);
	}
	corpus_gcd(env);
	if (threaded) {
		assert_int_equal(pthread_join(t, NULL), 0);
		assert_true(j->ran);
		assert_int_equal(j->r.modsrc, MB_MODSRC_GCD);
		check_manifest(j->man, &j->r);
		mb_reveal_report_free(&j->r);
		unload(&j->m);
	}
	free(j);
}

static void test_corpus_cached(void **state)
{
	struct env *env = *state;
	struct mb_reveal_opts o = { .cache_dir = env->cache };
	struct mb_reveal_report r;
	struct mbfile m;
	double t0;

	if (corpus(&m))
		fx_corpus_absent();
	t0 = now();
	run(&m, &o, &r);
	assert_true(now() - t0 < 1.0);
	assert_int_equal(r.modsrc, MB_MODSRC_CACHE);
	check_corpus_strings(&r);
	check_corpus_acls(&r);
	mb_reveal_report_free(&r);
	unload(&m);
}

static void test_corpus_no_modulus(void **state)
{
	struct mb_reveal_opts o = { .no_gcd = 1, .no_cache = 1 };
	struct mb_reveal_report r;
	const struct mb_reveal_value *v;
	struct mbfile m;
	size_t i;

	(void)state;
	if (corpus(&m))
		fx_corpus_absent();
	run(&m, &o, &r);
	assert_int_equal(r.modsrc, MB_MODSRC_NONE);
	/* The descriptor cribs alone give the default and the empty value. */
	v = find(&r, "/LM/W3SVC", "LogOdbcPassword");
	assert_int_equal(v->status, MB_REVEAL_CONSISTENT);
	assert_string_equal(v->text, "sqllog");
	v = find(&r, "/LM/W3SVC/1/ROOT", "UNCPassword");
	assert_int_equal(v->status, MB_REVEAL_CONSISTENT);
	/* The passwords are not complete: their bytes from hypotheses (the
	 * descriptor layouts, ASCII) are not shown as known. */
	v = find(&r, "/LM/W3SVC", "AnonymousUserPass");
	assert_int_equal(v->status, MB_REVEAL_PARTIAL);
	assert_true(v->units_known < 13);
	for (i = 0; i < r.nvalues; i++) {
		assert_int_not_equal(r.values[i].status, MB_REVEAL_CONFLICT);
		assert_false(r.values[i].proven);
	}
	mb_reveal_report_free(&r);
	unload(&m);
}

/* A known value one character off the real one, never printed. */
static char *off_by_one(struct mbfile *m, struct mb_reveal_opts *o)
{
	struct mb_reveal_report r;
	char *s;

	run(m, o, &r);
	s = strdup(find(&r, "/LM/W3SVC", "AnonymousUserPass")->text);
	mb_reveal_report_free(&r);
	s[9] = (char)(s[9] == 'x' ? 'y' : 'x');
	return s;
}

static size_t index_of(const struct mbfile *m, const char *loc,
		       const char *prop)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (!strcmp(m->it[i].loc, loc) && !strcmp(m->it[i].prop, prop))
			return i;
	fail();
	return 0;
}

static void test_corpus_wrong_known(void **state)
{
	struct env *env = *state;
	struct mb_reveal_opts o = { .cache_dir = env->cache };
	struct mb_reveal_report r;
	const struct mb_reveal_value *v;
	struct mbfile m;
	size_t k;
	char *wrong;

	if (corpus(&m))
		fx_corpus_absent();
	k = index_of(&m, "/LM/W3SVC", "AnonymousUserPass");
	wrong = off_by_one(&m, &o);
	m.in[k].known = wrong;
	run(&m, &o, &r);
	v = &r.values[k];
	assert_int_equal(v->status, MB_REVEAL_CONFLICT);
	assert_non_null(strstr(v->reason, "signature"));
	/* The other values are not disturbed by the bad crib. */
	assert_int_equal(find(&r, "/LM/W3SVC", "WAMUserPass")->status,
			 MB_REVEAL_VERIFIED);
	mb_reveal_report_free(&r);
	/* Without any signing key, the descriptors still expose it. */
	o.no_cache = o.no_gcd = 1;
	run(&m, &o, &r);
	assert_int_equal(r.values[k].status, MB_REVEAL_CONFLICT);
	mb_reveal_report_free(&r);
	/* A known value of the wrong length is refused at once. */
	m.in[k].known = "short";
	run(&m, &o, &r);
	assert_int_equal(r.values[k].status, MB_REVEAL_CONFLICT);
	assert_non_null(strstr(r.values[k].reason, "14"));
	mb_reveal_report_free(&r);
	memset(wrong, 0, strlen(wrong));
	free(wrong);
	unload(&m);
}

/* ---- generated files ----------------------------------------------------- */

/* Run mbgen; a test without it (MBGEN unset) is skipped up front. */
static void mbgen(struct env *env, const char *args, char *xml, char *man)
{
	const char *gen = getenv("MBGEN");
	char cmd[1024];

	snprintf(xml, 200, "%s/gen.xml", env->dir);
	snprintf(man, 200, "%s/gen.man", env->dir);
	snprintf(cmd, sizeof(cmd), "%s %s -o %s --manifest %s", gen, args, xml,
		 man);
	if (system(cmd) != 0)
		fail_msg("mbgen failed: %s", cmd);
}

static void need_mbgen(void)
{
	if (!getenv("MBGEN"))
		skip();
}

/* Every password of the manifest is revealed exactly and verified. */
static void check_manifest(const char *man, const struct mb_reveal_report *r)
{
	char *text = read_file(man), *line, *save = NULL;
	size_t n = 0;

	assert_non_null(text);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *prop = strchr(line, '\t'), *pw;

		assert_non_null(prop);
		*prop++ = '\0';
		pw = strchr(prop, '\t');
		*pw++ = '\0';
		if (strlen(pw) > 20)
			continue;
		assert_int_equal(find(r, line, prop)->status,
				 MB_REVEAL_VERIFIED);
		assert_string_equal(find(r, line, prop)->text, pw);
		n++;
	}
	assert_true(n >= 5);
	free(text);
}

static void reveal_generated(struct env *env, const char *args,
			     struct mb_reveal_opts *o)
{
	char xml[200], man[200];
	struct mb_reveal_report r;
	struct mbfile m;

	mbgen(env, args, xml, man);
	assert_int_equal(load(xml, &m), 0);
	run(&m, o, &r);
	check_manifest(man, &r);
	mb_reveal_report_free(&r);
	unload(&m);
}

static void test_generated_layouts(void **state)
{
	struct env *env = *state;
	struct mb_rsakey *k;
	struct mb_reveal_opts o = { .no_cache = 1 };
	char args[64];
	int seed;

	need_mbgen();
	k = test_key("signing.pub.pem");
	o.modulus = mb_crypt_key_pub(k);
	reveal_generated(env, "--story", &o);
	reveal_generated(env, "--story --crlf --no-bom --seed 99", &o);
	for (seed = 1; seed <= 12; seed++) {
		snprintf(args, sizeof(args), "--story --seed %d", seed);
		reveal_generated(env, args, &o);
	}
	mb_crypt_key_free(k);
}

/* The story's password groups, decided without any key. */
static void test_generated_groups(void **state)
{
	struct env *env = *state;
	struct mb_reveal_opts o = { .no_gcd = 1, .no_cache = 1 };
	char xml[200], man[200];
	struct mb_reveal_report r;
	struct mbfile m;
	size_t g1;

	need_mbgen();
	mbgen(env, "--story", xml, man);
	assert_int_equal(load(xml, &m), 0);
	run(&m, &o, &r);
	g1 = find(&r, "/LM/W3SVC/1", "AnonymousUserPass")->group;
	assert_int_equal(find(&r, "/LM/W3SVC/1/ROOT/VD3",
			      "AnonymousUserPass")->group, g1);
	assert_int_equal(find(&r, "/LM/W3SVC/2", "AnonymousUserPass")->group,
			 g1);
	assert_int_not_equal(find(&r, "/LM/W3SVC/1/ROOT/VD2",
				  "AnonymousUserPass")->group, g1);
	mb_reveal_report_free(&r);
	unload(&m);
}

/* ---- soundness: never a wrong byte shown as known ------------------------ */

/* What the machine keys say every value is (the ground truth). */
static void truth(struct mbfile *m, struct mb_reveal_report *t)
{
	struct mb_rsakey *x = test_key("exchange.pem"), *s = test_key("signing.pem");
	struct mb_reveal_opts o = { .no_cache = 1, .exchange = x };
	size_t i;

	o.modulus = mb_crypt_key_pub(s);
	run(m, &o, t);
	for (i = 0; i < t->nvalues; i++)
		assert_int_equal(t->values[i].status, MB_REVEAL_VERIFIED);
	mb_crypt_key_free(x);
	mb_crypt_key_free(s);
}

/*
 * Every byte r shows as known is the true one; complete values too, unless
 * they are marked unverified (consistent) and !strict.
 */
static void assert_sound(const struct mb_reveal_report *r,
			 const struct mb_reveal_report *t, int strict)
{
	size_t i, j;

	for (i = 0; i < r->nvalues; i++) {
		const struct mb_reveal_value *v = &r->values[i];

		if (v->status == MB_REVEAL_ERROR ||
		    (v->status == MB_REVEAL_CONSISTENT && !strict))
			continue;
		assert_int_equal(v->len, t->values[i].len);
		for (j = 0; j < v->len; j++)
			if (v->known[j] && v->bytes[j] != t->values[i].bytes[j])
				fail_msg("%s %s (%s): byte %zu shown as known "
					 "is wrong", v->label, v->prop,
					 mb_reveal_status_name(v->status), j);
		if (v->proven)
			assert_string_equal(v->text, t->values[i].text);
	}
}

static void load_generated(struct env *env, const char *args,
			   struct mbfile *m)
{
	char xml[200], man[200];

	need_mbgen();
	mbgen(env, args, xml, man);
	assert_int_equal(load(xml, m), 0);
}

/*
 * A wrong known value where nothing else is certain: the gcd against the
 * SessionKey fails, which refutes every plaintext multiplied in (the
 * known one, and LogOdbcPassword taken for its default "sqllog" while it
 * is "SqlLog"). Nothing derived from them may stand.
 */
static void test_known_refuted(void **state)
{
	struct env *env = *state;
	struct mb_reveal_opts o = { .no_cache = 1 };
	struct mb_reveal_report r, t;
	struct mbfile m;
	size_t k;

	load_generated(env, "--story --no-acl "
		       "--secure /LM/W3SVC:LogOdbcPassword=SqlLog "
		       "--secure /LM/W3SVC/1/ROOT/VD3:UNCPassword=Nkw", &m);
	truth(&m, &t);
	k = index_of(&m, "/LM/W3SVC", "AnonymousUserPass");
	m.in[k].known = "xQR;hP_9%=7X)V"; /* the first character is wrong */
	run(&m, &o, &r);
	assert_int_equal(r.modsrc, MB_MODSRC_NONE);
	assert_int_equal(r.values[k].status, MB_REVEAL_CONFLICT);
	assert_non_null(strstr(r.values[k].reason, "refuted"));
	assert_true(strcmp(find(&r, "/LM/W3SVC", "LogOdbcPassword")->text,
			   "sqllog"));
	assert_sound(&r, &t, 1);
	assert_int_equal(mb_reveal_report_status(&r), MB_ESECRET);
	mb_reveal_report_free(&r);
	mb_reveal_report_free(&t);
	unload(&m);
}

/*
 * A known value wrong in its second character and in the seventh, where
 * LogOdbcPassword's terminating NUL lies: rejected at byte 16, it must not
 * leave its wrong bytes 6..15 in the certain keystream.
 */
static void test_known_rejected_leaves_nothing(void **state)
{
	struct env *env = *state;
	struct mb_reveal_opts o = { .no_gcd = 1, .no_cache = 1 };
	struct mb_reveal_report r, t;
	struct mbfile m;
	size_t k;

	load_generated(env, "--story --no-acl", &m);
	truth(&m, &t);
	k = index_of(&m, "/LM/W3SVC", "WAMUserPass");
	/* the stored value is "*)L%mo[@3aaCLsJ\\p2K!" */
	m.in[k].known = "*QL%mo!@3aaCLsJ\\p2K!";
	run(&m, &o, &r);
	assert_int_equal(r.values[k].status, MB_REVEAL_CONFLICT);
	assert_non_null(strstr(r.values[k].reason, "byte 16"));
	assert_sound(&r, &t, 1);
	mb_reveal_report_free(&r);
	mb_reveal_report_free(&t);
	unload(&m);
}

/*
 * One Cyrillic password, the longest string: where it alone covers a high
 * byte, the ASCII vote takes 0 for it, which is wrong. Partial values
 * (the AdminACLs) must not show bytes from that failed hypothesis.
 */
static void test_partial_certain(void **state)
{
	struct env *env = *state;
	struct mb_rsakey *s = test_key("signing.pub.pem");
	struct mb_reveal_opts o = { .no_cache = 1 };
	struct mb_reveal_report r, t;
	struct mbfile m;

	o.modulus = mb_crypt_key_pub(s);
	load_generated(env, "--story --secure /LM/W3SVC:WAMUserPass="
		       "\xd0\x9f\xd0\xb0\xd1\x80\xd0\xbe\xd0\xbb\xd1\x8c"
		       "\xd0\x94\xd0\xbb\xd1\x8f\xd0\x9f\xd1\x80\xd0\xbe"
		       "\xd0\xb2\xd0\xb5\xd1\x80\xd0\xba\xd0\xb8\xd0\x94"
		       "\xd0\xbb\xd0\xb8\xd0\xbd\xd0\xbd\xd1\x8b\xd0\xb9"
		       "\xd0\x9e\xd1\x87\xd0\xb5\xd0\xbd\xd1\x8c", &m);
	truth(&m, &t);
	run(&m, &o, &r);
	assert_sound(&r, &t, 1);
	mb_reveal_report_free(&r);
	mb_reveal_report_free(&t);
	unload(&m);
	mb_crypt_key_free(s);
}

/*
 * One accented password (Latin-1, not printable ASCII) among ASCII ones:
 * it is taken as non-ASCII on its own, and the file keeps the printable
 * and default cribs (they used to be dropped for every value): without
 * any signing key, LogOdbcPassword is its default again.
 */
static void test_latin1_keeps_cribs(void **state)
{
	struct env *env = *state;
	struct mb_reveal_opts o = { .no_gcd = 1, .no_cache = 1 };
	struct mb_reveal_report r, t;
	struct mbfile m;
	size_t i, right = 0;

	load_generated(env, "--story --no-acl --secure "
		       "/LM/W3SVC/1/ROOT/VD1:AnonymousUserPass=p\xc3\xa4sswort "
		       "--secure /LM/W3SVC/1/ROOT/VD3:UNCPassword=Nkw", &m);
	truth(&m, &t);
	run(&m, &o, &r);
	assert_sound(&r, &t, 0);
	for (i = 0; i < r.nvalues; i++)
		right += r.values[i].status == MB_REVEAL_CONSISTENT &&
			 !strcmp(r.values[i].text, t.values[i].text);
	/* the documented default survives the accented password */
	assert_int_equal(find(&r, "/LM/W3SVC", "LogOdbcPassword")->status,
			 MB_REVEAL_CONSISTENT);
	assert_true(right >= 1);
	mb_reveal_report_free(&r);
	mb_reveal_report_free(&t);
	unload(&m);
}

/*
 * strings_only (sam, the account commands): every string the full run
 * proves is proven as well, but once the strings are settled no MD5 is
 * spent on a descriptor; the story's W3SVC AdminACL, which the full run
 * completes by signature search after its strings, is left as it was.
 */
static void test_strings_only(void **state)
{
	struct env *env = *state;
	struct mb_reveal_opts o = { .no_cache = 1 };
	struct mb_reveal_report full, some;
	struct mb_rsakey *k;
	struct mbfile m;
	size_t i;

	load_generated(env, "--story", &m);
	k = test_key("signing.pub.pem");
	o.modulus = mb_crypt_key_pub(k);
	run(&m, &o, &full);
	o.strings_only = 1;
	run(&m, &o, &some);
	for (i = 0; i < full.nvalues; i++) {
		if (full.values[i].type != MB_T_STRING)
			continue;
		assert_int_equal(some.values[i].status,
				 full.values[i].status);
		assert_string_equal(some.values[i].text,
				    full.values[i].text);
	}
	assert_string_equal(find(&full, "/LM/W3SVC", "AdminACL")->method,
			    "signature search");
	assert_int_not_equal(find(&some, "/LM/W3SVC", "AdminACL")->status,
			     MB_REVEAL_VERIFIED);
	mb_reveal_report_free(&full);
	mb_reveal_report_free(&some);
	mb_crypt_key_free(k);
	unload(&m);
}

/*
 * With the signing key, each file (mbgen arguments) reveals its value
 * (location, prop) verified, and nothing shown is wrong.
 */
static void verified_with_key(struct env *env, const char *const (*cases)[2],
			      size_t n, const char *prop)
{
	struct mb_rsakey *k = test_key("signing.pub.pem");
	struct mb_reveal_opts o = { .no_cache = 1 };
	struct mb_reveal_report r, t;
	struct mbfile m;
	size_t i;

	o.modulus = mb_crypt_key_pub(k);
	for (i = 0; i < n; i++) {
		load_generated(env, cases[i][0], &m);
		truth(&m, &t);
		run(&m, &o, &r);
		assert_int_equal(find(&r, cases[i][1], prop)->status,
				 MB_REVEAL_VERIFIED);
		assert_sound(&r, &t, 1);
		mb_reveal_report_free(&r);
		mb_reveal_report_free(&t);
		unload(&m);
	}
	mb_crypt_key_free(k);
}

/*
 * Long AdminACLs over a keystream the strings barely cover have millions
 * of layouts: the joint search gives up. What every layout of each one
 * allows, byte by byte, still pins the keystream under a password's tail
 * (a Latin-1 password of 17 characters; a lone 4-character one), and the
 * signature proves it. Both stayed partial while a search that gave up
 * switched the descriptor crib off.
 */
static void test_layout_unions(void **state)
{
	static const char *const cases[][2] = {
		{ "--mix --values 6 --charset latin1 --seed 3", "/LM/W3SVC/2" },
		{ "--mix --values 1 --acls 1 --no-odbc --pw-len 0-6 --seed 1",
		  "/LM/W3SVC/1" },
	};

	verified_with_key(*state, cases, sizeof(cases) / sizeof(cases[0]),
			  "AnonymousUserPass");
}

/*
 * A wrong --known where the other cribs and the signature prove the
 * stored value: the conflict is reported (exit 7), and the value shown is
 * the stored one, proven. It used to be shown unproven.
 */
static void test_known_wrong_revealed(void **state)
{
	struct env *env = *state;
	struct mb_rsakey *k = test_key("signing.pub.pem");
	struct mb_reveal_opts o = { .no_cache = 1 };
	struct mb_reveal_report r, t;
	const struct mb_reveal_value *v;
	struct mbfile m;
	char wrong[128];
	size_t i;

	o.modulus = mb_crypt_key_pub(k);
	load_generated(env, "--story --seed 1", &m);
	truth(&m, &t);
	i = index_of(&m, "/LM/W3SVC", "AnonymousUserPass");
	snprintf(wrong, sizeof(wrong), "%s", t.values[i].text);
	wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
	m.in[i].known = wrong;
	run(&m, &o, &r);
	v = &r.values[i];
	assert_int_equal(v->status, MB_REVEAL_CONFLICT);
	assert_true(v->proven);
	assert_string_equal(v->text, t.values[i].text);
	assert_int_equal(mb_reveal_report_status(&r), MB_ESECRET);
	assert_sound(&r, &t, 1);
	mb_reveal_report_free(&r);
	mb_reveal_report_free(&t);
	unload(&m);
	mb_crypt_key_free(k);
}

/*
 * The descriptor search is bounded by time, not skipped by size: with a
 * trial count far too small for the story's W3SVC AdminACL, the search
 * goes on in order while its time lasts and proves it; with no time past
 * the trials, it stays partial.
 */
static void test_search_time_budget(void **state)
{
	struct env *env = *state;
	struct mb_rsakey *k = test_key("signing.pub.pem");
	struct mb_reveal_opts o = { .no_cache = 1, .search_budget = 1024 };
	struct mb_reveal_report r, t;
	struct mbfile m;

	o.modulus = mb_crypt_key_pub(k);
	load_generated(env, "--story", &m);
	truth(&m, &t);
	o.search_seconds = 60; /* generous for sanitizer builds */
	run(&m, &o, &r);
	assert_int_equal(find(&r, "/LM/W3SVC", "AdminACL")->status,
			 MB_REVEAL_VERIFIED);
	assert_string_equal(find(&r, "/LM/W3SVC", "AdminACL")->method,
			    "signature search");
	assert_sound(&r, &t, 1);
	mb_reveal_report_free(&r);
	o.search_seconds = 1e-9;
	run(&m, &o, &r);
	assert_int_equal(find(&r, "/LM/W3SVC", "AdminACL")->status,
			 MB_REVEAL_PARTIAL);
	assert_sound(&r, &t, 1);
	mb_reveal_report_free(&r);
	mb_reveal_report_free(&t);
	unload(&m);
	mb_crypt_key_free(k);
}

/*
 * AdminACLs with domain SIDs: a SID's per-domain bytes that the other
 * values' keystream constrains are searched over what it still allows
 * (they made the plan unsearchable), and a descriptor keeps up to 64 of
 * its layouts for the search (the true one came after the first 4).
 */
static void test_domain_sid_search(void **state)
{
	static const char *const cases[][2] = {
		{ "--mix --acls 4 --acl-variety --domain-sids --aces 1-6 "
		  "--seed 1", "/LM/W3SVC/1" },
		{ "--mix --acls 4 --acl-variety --domain-sids --aces 1-6 "
		  "--seed 1", "/LM/W3SVC/2" },
		{ "--mix --acls 6 --acl-variety --aces 0-8 --seed 2",
		  "/LM/W3SVC/2" },
	};

	verified_with_key(*state, cases, sizeof(cases) / sizeof(cases[0]),
			  "AdminACL");
}

/* An AdminACL blob of n random bytes after the file's 4-byte prefix. */
static void random_acl(struct item *it, const unsigned char *prefix,
		       size_t n, unsigned *seed)
{
	static const char hx[] = "0123456789abcdef";
	size_t len = 16 + n + (8 - n % 8) % 8 + 64, i;
	unsigned char *b = calloc(1, len);
	char *t = malloc(2 * len + 1);
	uint32_t body = (uint32_t)(len - 8);

	assert_non_null(b);
	assert_non_null(t);
	memcpy(b, "IcDb", 4);
	memcpy(b + 4, &body, 4); /* little-endian hosts only: tests */
	b[8] = (unsigned char)n, b[9] = (unsigned char)(n >> 8);
	b[12] = 64;
	memcpy(b + 16, prefix, 4);
	for (i = 20; i < len; i++)
		b[i] = (unsigned char)((*seed = *seed * 1103515245u + 12345u)
				       >> 16);
	for (i = 0; i < len; i++) {
		t[2 * i] = hx[b[i] >> 4];
		t[2 * i + 1] = hx[b[i] & 15];
	}
	mb_blob_free(&it->blob);
	assert_int_equal(mb_blob_parse(t, 2 * len, &it->blob, NULL), MB_OK);
	free(b);
	free(t);
}

/*
 * Long random "AdminACLs" over a keystream no string covers: the layout
 * unions are bounded (per descriptor and per run), so the solver ends
 * (it ran for many minutes while each ACL's bytes were added once per
 * ACE count) and shows nothing of them as known.
 */
static void test_hostile_descriptors(void **state)
{
	struct mb_reveal_opts o = { .no_cache = 1, .no_gcd = 1 };
	struct mb_reveal_report r;
	unsigned char prefix[4];
	unsigned seed = 7;
	struct mbfile m;
	size_t i, j;

	load_generated(*state, "--mix --values 0 --acls 2 --no-odbc --seed 1",
		       &m);
	memcpy(prefix, m.it[0].blob.data, 4);
	for (i = 0; i < m.n; i++)
		if (!strcmp(m.it[i].prop, "AdminACL"))
			random_acl(&m.it[i], prefix, 2048, &seed);
	run(&m, &o, &r);
	for (i = 0; i < r.nvalues; i++)
		for (j = 0; r.values[i].type == MB_T_NTACL && j < r.values[i].len;
		     j++)
			assert_false(r.values[i].known[j]);
	mb_reveal_report_free(&r);
	unload(&m);
}

/* ---- machine-key mode ---------------------------------------------------- */

static void add_new_value(struct mbfile *m, struct mb_rsakey *x,
			  struct mb_rsakey *s)
{
	struct mb_session_key sk;
	struct item *it = &m->it[m->n];

	assert_int_equal(mb_crypt_session_unwrap(x, &m->session, &sk, NULL),
			 MB_OK);
	assert_int_equal(mb_crypt_string_encrypt(&sk, s, "n3w-Passw0rd",
						 &it->blob, NULL), MB_OK);
	mb_crypt_session_wipe(&sk);
	snprintf(it->loc, sizeof(it->loc), "/LM/W3SVC/9");
	snprintf(it->prop, sizeof(it->prop), "AnonymousUserPass");
	m->in[m->n].label = it->loc;
	m->in[m->n].prop = it->prop;
	m->in[m->n].blob = &it->blob;
	m->n++;
}

/* One password with characters outside ASCII among ASCII ones. */
static void test_non_ascii(void **state)
{
	/* "naive" with U+00EF, then U+2713 (a high byte that is not 0) */
	static const char pw[] = "na\xc3\xafve\xe2\x9c\x93pw";
	struct env *env = *state;
	struct mb_rsakey *x, *s;
	struct mb_session_key sk;
	struct mb_reveal_opts o = { .no_cache = 1 };
	char xml[200], man[200];
	struct mb_reveal_report r;
	struct mbfile m;
	struct item *it;

	need_mbgen();
	mbgen(env, "--story", xml, man);
	assert_int_equal(load(xml, &m), 0);
	x = test_key("exchange.pem");
	s = test_key("signing.pem");
	assert_int_equal(mb_crypt_session_unwrap(x, &m.session, &sk, NULL),
			 MB_OK);
	it = &m.it[m.n];
	assert_int_equal(mb_crypt_string_encrypt(&sk, s, pw, &it->blob, NULL),
			 MB_OK);
	mb_crypt_session_wipe(&sk);
	m.in[m.n].label = "/LM/W3SVC/5";
	m.in[m.n].prop = "AnonymousUserPass";
	m.in[m.n].blob = &it->blob;
	m.n++;
	o.modulus = mb_crypt_key_pub(s);
	run(&m, &o, &r);
	assert_int_equal(r.values[m.n - 1].status, MB_REVEAL_VERIFIED);
	assert_string_equal(r.values[m.n - 1].text, pw);
	assert_non_null(strstr(r.notes, "/LM/W3SVC/5 AnonymousUserPass"));
	check_manifest(man, &r);
	mb_reveal_report_free(&r);
	unload(&m);
	mb_crypt_key_free(x);
	mb_crypt_key_free(s);
}

static void test_machine_key(void **state)
{
	struct env *env = *state;
	struct mb_rsakey *x, *s;
	struct mb_reveal_opts o = { .no_cache = 1 };
	char xml[200], man[200];
	struct mb_reveal_report r;
	const struct mb_reveal_value *v;
	struct mbfile m;
	size_t i;

	need_mbgen();
	x = test_key("exchange.pvk");
	s = test_key("signing.pem");
	o.exchange = x;
	o.modulus = mb_crypt_key_pub(s);
	mbgen(env, "--story --seed 21", xml, man);
	assert_int_equal(load(xml, &m), 0);
	add_new_value(&m, x, s);
	run(&m, &o, &r);
	assert_true(r.machine_key);
	assert_int_equal(r.ks_known, r.ks_len);
	for (i = 0; i < r.nvalues; i++) {
		assert_int_equal(r.values[i].status, MB_REVEAL_VERIFIED);
		assert_string_equal(r.values[i].method, "machine key");
	}
	v = find(&r, "/LM/W3SVC/9", "AnonymousUserPass");
	assert_string_equal(v->text, "n3w-Passw0rd");
	check_manifest(man, &r);
	mb_reveal_report_free(&r);
	unload(&m);
	mb_crypt_key_free(x);
	mb_crypt_key_free(s);
}

/* ---- damaged and unusual values ------------------------------------------ */

static void test_errors(void **state)
{
	struct env *env = *state;
	struct mb_reveal_opts o = { .no_gcd = 1, .no_cache = 1 };
	struct mb_reveal_report r;
	struct mbfile m, other;
	char xml[200], man[200];
	size_t n;

	need_mbgen();
	mbgen(env, "--story --seed 3", xml, man);
	assert_int_equal(load(xml, &other), 0);
	mbgen(env, "--story --seed 4", xml, man);
	assert_int_equal(load(xml, &m), 0);
	n = m.n;
	/* A value copied from another server, and an invalidated one. */
	m.in[n].label = "/LM/W3SVC/7";
	m.in[n].prop = "AnonymousUserPass";
	m.in[n].blob = &other.it[index_of(&other, "/LM/W3SVC/1/ROOT/VD1",
					  "AnonymousUserPass")].blob;
	assert_int_equal(mb_blob_parse("NOLONGERVALID2ba6", 17,
				       &m.it[n + 1].blob, NULL), MB_OK);
	m.in[n + 1].label = "/LM/W3SVC/8";
	m.in[n + 1].prop = "UNCPassword";
	m.in[n + 1].blob = &m.it[n + 1].blob;
	m.n = n + 2;
	run(&m, &o, &r);
	assert_int_equal(r.values[n].status, MB_REVEAL_ERROR);
	assert_non_null(strstr(r.values[n].reason, "different session key"));
	assert_int_equal(r.values[n + 1].status, MB_REVEAL_ERROR);
	assert_non_null(strstr(r.values[n + 1].reason, "NOLONGERVALID"));
	mb_reveal_report_free(&r);
	mb_blob_free(&m.it[n + 1].blob);
	m.n = n;
	unload(&m);
	unload(&other);
}

static void test_password_protected(void **state)
{
	struct env *env = *state;
	struct mb_reveal_opts o = { .no_gcd = 1, .no_cache = 1 };
	struct mb_reveal_report r;
	struct mbfile m;
	char xml[200], man[200];

	need_mbgen();
	mbgen(env, "--story", xml, man);
	assert_int_equal(load(xml, &m), 0);
	/* What a backup made with a password would carry: a session key
	 * wrapped by a key derived from the password, not by RSA. */
	((unsigned char *)m.session.data)[9] = 0x68;
	((unsigned char *)m.session.data)[8] = 0x01;
	run(&m, &o, &r);
	assert_true(r.password_protected);
	assert_non_null(strstr(r.notes, "not public"));
	mb_reveal_report_free(&r);
	unload(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gcd),
		cmocka_unit_test(test_corpus_cached),
		cmocka_unit_test(test_corpus_no_modulus),
		cmocka_unit_test(test_corpus_wrong_known),
		cmocka_unit_test(test_generated_layouts),
		cmocka_unit_test(test_generated_groups),
		cmocka_unit_test(test_non_ascii),
		cmocka_unit_test(test_machine_key),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_password_protected),
		cmocka_unit_test(test_known_refuted),
		cmocka_unit_test(test_known_rejected_leaves_nothing),
		cmocka_unit_test(test_partial_certain),
		cmocka_unit_test(test_latin1_keeps_cribs),
		cmocka_unit_test(test_strings_only),
		cmocka_unit_test(test_layout_unions),
		cmocka_unit_test(test_known_wrong_revealed),
		cmocka_unit_test(test_search_time_budget),
		cmocka_unit_test(test_domain_sid_search),
		cmocka_unit_test(test_hostile_descriptors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
