/* SPDX-License-Identifier: MIT */
/*
 * The account model (mb/accounts.h): accounts grouped by name without
 * regard to case, usage counted through inheritance, password groups from
 * equal blobs, the service scope, and a hosting-size layout (one account
 * per site) collected with the same answers as a small one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mb/accounts.h"
#include "mb/blob.h"
#include "mb/buf.h"
#include "mb/secrets.h"

/* The hex text of a data blob whose bytes are all fill. */
static char *blob_hex(unsigned char fill)
{
	unsigned char data[34], sig[64];
	struct mb_blob b;
	struct mb_buf out;

	memset(data, fill, sizeof(data));
	memset(data, 0x11, 4);
	memset(sig, fill ^ 0x5a, sizeof(sig));
	assert_int_equal(mb_blob_build(MB_BLOB_DATA, data, sizeof(data), sig,
				       64, &b, NULL), MB_OK);
	mb_buf_init(&out);
	assert_int_equal(mb_blob_emit(&b, &out), 0);
	mb_blob_free(&b);
	return mb_buf_detach(&out, NULL);
}

/* A key: Location, then NAME=VALUE attribute pairs (NULL-terminated). */
static void key(struct mb_buf *b, const char *loc, ...)
{
	va_list ap;
	const char *n;

	va_start(ap, loc);
	mb_buf_printf(b, "<IIsWebVirtualDir Location=\"%s\"", loc);
	while ((n = va_arg(ap, const char *)) != NULL)
		mb_buf_printf(b, " %s=\"%s\"", n, va_arg(ap, const char *));
	va_end(ap);
	mb_buf_printf(b, "></IIsWebVirtualDir>\n");
}

static struct mb_doc *parse(struct mb_buf *b)
{
	struct mb_doc *d = NULL;
	struct mb_error err;
	char *text;
	size_t n;

	mb_buf_printf(b, "</MBProperty>\n</configuration>\n");
	text = mb_buf_detach(b, &n);
	mb_error_clear(&err);
	assert_int_equal(mb_doc_parse("t.xml", text, n, mb_schema_builtin(),
				      &d, &err), MB_OK);
	free(text);
	return d;
}

static void begin(struct mb_buf *b)
{
	mb_buf_init(b);
	mb_buf_printf(b, "<?xml version=\"1.0\"?>\n<configuration xmlns="
		      "\"urn:microsoft-catalog:XML_Metabase_V64_0\">\n"
		      "<MBProperty>\n");
}

static const struct mb_acct *named(const struct mb_accts *a,
				   const char *kind, const char *name)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (!strcmp(a->v[i].kind, kind) && !strcmp(a->v[i].name, name))
			return &a->v[i];
	fail_msg("no account %s (%s)", name, kind);
	return NULL;
}

/*
 * IUSR_A at the service with blob A, again as iusr_a (another case) at
 * site 1 with another blob, and at site 2's ROOT with blob A: one account,
 * two groups; IUSR_B below site 1 with A's blob is a group of its own.
 */
static void test_groups_and_inheritance(void **state)
{
	char *pa = blob_hex(0xa0), *pb = blob_hex(0xb0);
	struct mb_buf b;
	struct mb_doc *d;
	struct mb_accts a;
	const struct mb_acct *x;

	(void)state;
	begin(&b);
	key(&b, "/LM/W3SVC", "AnonymousUserName", "IUSR_A",
	    "AnonymousUserPass", pa, "AuthFlags", "AuthAnonymous", NULL);
	key(&b, "/LM/W3SVC/1", "AnonymousUserName", "iusr_a",
	    "AnonymousUserPass", pb, NULL);
	key(&b, "/LM/W3SVC/1/ROOT", NULL);
	key(&b, "/LM/W3SVC/1/ROOT/vd", "AnonymousUserName", "IUSR_B",
	    "AuthFlags", "AuthNTLM", NULL);
	key(&b, "/LM/W3SVC/2", NULL);
	key(&b, "/LM/W3SVC/2/ROOT", "AnonymousUserName", "IUSR_A",
	    "AnonymousUserPass", pa, NULL);
	key(&b, "/LM/W3SVC/2/ROOT/a/b", NULL);
	d = parse(&b);
	assert_int_equal(mb_accts_collect(d, NULL, 0, &a), 0);
	assert_int_equal(a.n, 2);
	x = named(&a, "anonymous", "IUSR_A");
	assert_ptr_equal(x, &a.v[0]);
	assert_int_equal(x->nkeys, 3);
	assert_int_equal(x->ngroups, 2);
	assert_int_equal(x->group[0], 0);
	assert_int_equal(x->group[1], 1);
	assert_int_equal(x->group[2], 0);
	/* W3SVC, 1, 1/ROOT, 2, 2/ROOT, 2/ROOT/a/b: vd has its own. */
	assert_int_equal(x->used, 6);
	assert_int_equal(x->anon_on, 3);
	x = named(&a, "anonymous", "IUSR_B");
	assert_int_equal(x->nkeys, 1);
	assert_int_equal(x->used, 1);
	assert_int_equal(x->anon_on, 0);
	/* vd inherits iusr_a's password from site 1: group A of its own. */
	assert_int_equal(x->ngroups, 1);
	assert_int_equal(x->group[0], 0);
	mb_accts_free(&a);
	mb_doc_free(d);
	free(pa);
	free(pb);
}

static void same_groups(const struct mb_accts *x, const struct mb_accts *y)
{
	size_t i, k;

	assert_int_equal(x->n, y->n);
	for (i = 0; i < x->n; i++) {
		assert_string_equal(x->v[i].name, y->v[i].name);
		assert_int_equal(x->v[i].ngroups, y->v[i].ngroups);
		for (k = 0; k < x->v[i].nkeys; k++)
			assert_int_equal(x->v[i].group[k], y->v[i].group[k]);
	}
}

/*
 * The groups from the secrets' parsed blobs are the ones the accounts find
 * parsing alone: the same bytes in upper-case hex, a damaged value, a
 * NOLONGERVALID one; and the secrets' blobs are the ones used (one
 * changed there moves its key to a group of its own).
 */
static void test_known_secrets(void **state)
{
	char *pa = blob_hex(0xa0), *up = strdup(pa), *p;
	struct mb_buf b;
	struct mb_doc *d;
	struct mb_accts a, k;
	struct mb_secrets s;
	const struct mb_acct *x;
	size_t i;

	(void)state;
	for (p = up; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 32);
	begin(&b);
	key(&b, "/LM/W3SVC", "AnonymousUserName", "IUSR_A",
	    "AnonymousUserPass", pa, NULL);
	key(&b, "/LM/W3SVC/1", "AnonymousUserName", "IUSR_A",
	    "AnonymousUserPass", up, NULL);
	key(&b, "/LM/W3SVC/2", "AnonymousUserName", "IUSR_A",
	    "AnonymousUserPass", "4963zz", NULL);
	key(&b, "/LM/W3SVC/3", "AnonymousUserName", "IUSR_A",
	    "AnonymousUserPass", "NOLONGERVALID00", NULL);
	d = parse(&b);
	assert_int_equal(mb_accts_collect(d, NULL, 1, &a), 0);
	assert_int_equal(mb_secrets_gather(d, &s, NULL), 0);
	assert_int_equal(mb_accts_collect_known(d, NULL, 1, &s, &k), 0);
	same_groups(&a, &k);
	x = named(&k, "anonymous", "IUSR_A");
	assert_int_equal(x->nkeys, 4);
	assert_int_equal(x->group[0], 0);
	assert_int_equal(x->group[1], 0);
	assert_int_equal(x->group[2], -1);
	assert_int_equal(x->group[3], 1);
	mb_accts_free(&k);
	for (i = 0; i < s.n; i++)
		if (s.v[i].key == 1)
			s.v[i].blob.raw[16 + 5] ^= 1; /* a data byte */
	assert_int_equal(mb_accts_collect_known(d, NULL, 1, &s, &k), 0);
	x = named(&k, "anonymous", "IUSR_A");
	assert_int_equal(x->group[1], 1);
	mb_accts_free(&k);
	mb_accts_free(&a);
	mb_secrets_free(&s);
	mb_doc_free(d);
	free(pa);
	free(up);
}

/* --service and --all-identities; a name set above the scope counts. */
static void test_scope_and_kinds(void **state)
{
	struct mb_buf b;
	struct mb_doc *d;
	struct mb_accts a;
	const struct mb_acct *x;

	(void)state;
	begin(&b);
	key(&b, "/LM", "AnonymousUserName", "IUSR_TOP", NULL);
	key(&b, "/LM/W3SVC", "WAMUserName", "IWAM_X", NULL);
	key(&b, "/LM/W3SVC/1", "AnonymousUserName", "IUSR_TOP", NULL);
	key(&b, "/LM/W3SVC/1/ROOT", "UNCUserName", "", NULL);
	key(&b, "/LM/MSFTPSVC", "AnonymousUserName", "IUSR_FTP", NULL);
	key(&b, "/LM/MSFTPSVC/1", NULL);
	d = parse(&b);
	assert_int_equal(mb_accts_collect(d, "/LM/W3SVC", 0, &a), 0);
	assert_int_equal(a.n, 1);
	x = named(&a, "anonymous", "IUSR_TOP");
	assert_int_equal(x->nkeys, 1);
	/* W3SVC inherits IUSR_TOP from /LM (out of scope): it counts. */
	assert_int_equal(x->used, 3);
	assert_int_equal(x->ngroups, 0);
	assert_int_equal(x->group[0], -1);
	mb_accts_free(&a);
	assert_int_equal(mb_accts_collect(d, NULL, 1, &a), 0);
	assert_int_equal(a.n, 3);
	assert_string_equal(a.v[0].name, "IUSR_TOP");
	assert_string_equal(a.v[1].name, "IUSR_FTP");
	assert_int_equal(a.v[1].used, 2);
	x = named(&a, "wam", "IWAM_X");
	assert_int_equal(x->used, 3);
	assert_ptr_equal(mb_idkind_of(x), &mb_idkinds(&(size_t){ 0 })[1]);
	mb_accts_free(&a);
	mb_doc_free(d);
}

/*
 * The hosting layout: N sites, each with its own account, every 10th
 * setting it again at ROOT with another password. Each account's answer
 * is the same as in a two-site file.
 */
static void test_per_site(void **state)
{
	enum { N = 3000 };
	char *pa = blob_hex(0xa0), *pb = blob_hex(0xb0);
	char loc[64], name[32];
	struct mb_buf b;
	struct mb_doc *d;
	struct mb_accts a;
	size_t i;

	(void)state;
	begin(&b);
	key(&b, "/LM/W3SVC", NULL);
	for (i = 1; i <= N; i++) {
		snprintf(loc, sizeof(loc), "/LM/W3SVC/%zu", i);
		snprintf(name, sizeof(name), "IUSR_S%zu", i);
		key(&b, loc, "AnonymousUserName", name,
		    "AnonymousUserPass", pa, NULL);
		snprintf(loc, sizeof(loc), "/LM/W3SVC/%zu/ROOT", i);
		if (i % 10)
			key(&b, loc, NULL);
		else
			key(&b, loc, "AnonymousUserName", name,
			    "AnonymousUserPass", pb, NULL);
		snprintf(loc, sizeof(loc), "/LM/W3SVC/%zu/ROOT/vd1", i);
		key(&b, loc, NULL);
	}
	d = parse(&b);
	assert_int_equal(mb_accts_collect(d, NULL, 0, &a), 0);
	assert_int_equal(a.n, N);
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "IUSR_S%zu", i + 1);
		assert_string_equal(a.v[i].name, name);
		assert_int_equal(a.v[i].used, 3);
		assert_int_equal(a.v[i].nkeys, (i + 1) % 10 ? 1 : 2);
		assert_int_equal(a.v[i].ngroups, (i + 1) % 10 ? 1 : 2);
	}
	mb_accts_free(&a);
	mb_doc_free(d);
	free(pa);
	free(pb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_groups_and_inheritance),
		cmocka_unit_test(test_scope_and_kinds),
		cmocka_unit_test(test_per_site),
		cmocka_unit_test(test_known_secrets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
