/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "mb/doc.h"
#include "mb/splice.h"

static const char small[] =
	"\xef\xbb\xbf<?xml version =\"1.0\"?>\r\n"
	"<configuration xmlns=\"urn:microsoft-catalog:XML_Metabase_V64_0\">\r\n"
	"<MBProperty>\r\n"
	"<IIS_Global\tLocation =\".\"\r\n\t>\r\n</IIS_Global>\r\n"
	"<IIsWebService\tLocation =\"/LM/W3SVC\"\r\n"
	"\t\tAnonymousUserName=\"IUSR_A&amp;B\"\r\n"
	"\t\tServerBindings=\":80:\r\n\t\t\t:81:\"\r\n\t>\r\n"
	"\t<Custom\r\n\t\tName=\"UnknownName_2166\"\r\n\t\tID=\"2166\"\r\n"
	"\t\tValue=\"7\"\r\n\t\tType=\"DWORD\"\r\n\t/>\r\n"
	"</IIsWebService>\r\n"
	"<IIsWebVirtualDir\tLocation =\"/LM/W3SVC/1/Root\"\r\n\t>\r\n"
	"</IIsWebVirtualDir>\r\n"
	"</MBProperty>\r\n</configuration>\r\n";

static struct mb_doc *parse(const char *text, struct mb_error *err)
{
	struct mb_doc *d = NULL;

	mb_error_clear(err);
	mb_doc_parse("test.xml", text, strlen(text), mb_schema_builtin(), &d,
		     err);
	return d;
}

static void test_small(void **state)
{
	struct mb_error err;
	struct mb_doc *d = parse(small, &err);
	size_t svc, root;
	char *t;

	(void)state;
	assert_non_null(d);
	assert_true(d->bom);
	assert_true(d->crlf);
	assert_string_equal(d->ns, "urn:microsoft-catalog:XML_Metabase_V64_0");
	assert_int_equal(d->nkeys, 3);
	svc = mb_doc_find(d, "/lm/w3svc");
	root = mb_doc_find(d, "/LM/W3SVC/1/ROOT");
	assert_int_equal(svc, 1);
	assert_int_equal(root, 2);
	/* /LM/W3SVC/1 is missing: the nearest ancestor stands in. */
	assert_int_equal(mb_key_parent(&d->keys[root]), svc);
	assert_true(mb_doc_is_under(d, svc, root));
	assert_false(mb_doc_is_under(d, root, svc));
	assert_int_equal(d->keys[svc].nattrs, 2);
	t = mb_doc_text(d, d->keys[svc].attrs[0].value);
	assert_string_equal(t, "IUSR_A&B");
	free(t);
	t = mb_doc_text(d, d->keys[svc].attrs[1].value);
	assert_string_equal(t, ":80:\n\t\t\t:81:");
	free(t);
	assert_int_equal(d->keys[svc].ncustoms, 1);
	assert_true(mb_key_customs(d, &d->keys[svc])[0].has_id);
	assert_int_equal(mb_key_customs(d, &d->keys[svc])[0].id, 2166);
	mb_doc_free(d);
}

/*
 * The Location attribute sits before a key's attributes (mb_key_loc);
 * where an attribute's bytes begin and end follows from its spans.
 */
static void test_attr_bounds(void **state)
{
	struct mb_error err;
	struct mb_doc *d = parse(small, &err);
	const struct mb_key *k;
	const struct mb_attr *a, *loc;
	static const char anon[] = "\r\n\t\tAnonymousUserName=\"IUSR_A&amp;B\"";

	(void)state;
	assert_non_null(d);
	k = &d->keys[mb_doc_find(d, "/LM/W3SVC")];
	loc = mb_key_loc(k);
	assert_true(mb_span_eq(d, loc->name, "Location"));
	assert_true(mb_span_eq(d, loc->value, "/LM/W3SVC"));
	/* the first attribute's white space follows the element's name */
	assert_int_equal(mb_attr_start(d, loc), k->start + 1 + k->elem_len);
	a = &k->attrs[0];
	assert_int_equal(mb_attr_start(d, a), mb_attr_end(loc));
	assert_int_equal(mb_attr_end(a) - mb_attr_start(d, a),
			 sizeof(anon) - 1);
	assert_memory_equal(d->buf + mb_attr_start(d, a), anon,
			    sizeof(anon) - 1);
	/* a Custom's attributes too */
	a = mb_custom_attr(d, &mb_key_customs(d, k)[0], "ID");
	assert_non_null(a);
	assert_memory_equal(d->buf + mb_attr_start(d, a), "\r\n\t\tID=\"2166\"",
			    mb_attr_end(a) - mb_attr_start(d, a));
	mb_doc_free(d);
}

/* The 32-bit tree links: roots, leaves and the last sibling are MB_NOKEY. */
static void test_links(void **state)
{
	static const char tree[] =
		"<configuration><MBProperty>\n"
		"<IIS_Global Location=\".\"/>\n"
		"<IIsWebService Location=\"/LM/W3SVC\"/>\n"
		"<IIsWebServer Location=\"/LM/W3SVC/1\"/>\n"
		"<IIsWebServer Location=\"/LM/W3SVC/2\"/>\n"
		"</MBProperty></configuration>\n";
	struct mb_error err;
	struct mb_doc *d = parse(tree, &err);
	size_t svc, one, two;

	(void)state;
	assert_int_equal(mb_key_link(MB_NOLINK), MB_NOKEY);
	assert_int_equal(mb_key_link(0), 0);
	assert_int_equal(mb_key_link(0xFFFFFFFEu), (size_t)0xFFFFFFFEu);
	assert_non_null(d);
	svc = mb_doc_find(d, "/LM/W3SVC");
	one = mb_doc_find(d, "/LM/W3SVC/1");
	two = mb_doc_find(d, "/LM/W3SVC/2");
	assert_int_equal(mb_key_parent(&d->keys[0]), MB_NOKEY);
	assert_int_equal(mb_key_parent(&d->keys[svc]), MB_NOKEY);
	assert_int_equal(mb_key_first_child(&d->keys[0]), MB_NOKEY);
	assert_int_equal(mb_key_first_child(&d->keys[svc]), one);
	assert_int_equal(mb_key_parent(&d->keys[one]), svc);
	assert_int_equal(mb_key_next_sibling(&d->keys[one]), two);
	assert_int_equal(mb_key_next_sibling(&d->keys[two]), MB_NOKEY);
	assert_int_equal(mb_key_first_child(&d->keys[two]), MB_NOKEY);
	assert_true(d->keys[two].empty);
	mb_doc_free(d);
}

/* parse_take keeps the caller's buffer (no copy); drop_* empty a doc. */
static void test_take_and_drop(void **state)
{
	struct mb_error err;
	struct mb_doc *d = NULL;
	size_t n = strlen(small);
	char *buf = malloc(n + 1), *bad = malloc(4);

	(void)state;
	assert_non_null(buf);
	assert_non_null(bad);
	memcpy(buf, small, n);
	mb_error_clear(&err);
	assert_int_equal(mb_doc_parse_take("t.xml", buf, n,
		mb_schema_builtin(), &d, &err), MB_OK);
	assert_ptr_equal(d->buf, buf);
	assert_int_equal(d->nkeys, 3);
	mb_doc_drop_index(d);
	assert_int_equal(d->nkeys, 0);
	assert_null(d->keys);
	assert_int_equal(mb_doc_find(d, "/LM/W3SVC"), MB_NOKEY);
	assert_ptr_equal(d->buf, buf);
	mb_doc_drop_bytes(d);
	assert_null(d->buf);
	assert_int_equal(d->len, 0);
	assert_string_equal(d->path, "t.xml");
	mb_doc_free(d);
	/* A failed parse frees the buffer it was given (ASan checks). */
	memcpy(bad, "<x>", 3);
	assert_int_equal(mb_doc_parse_take("b.xml", bad, 3,
		mb_schema_builtin(), &d, &err), MB_EFILE);
	assert_null(d);
}

static void test_inherit(void **state)
{
	struct mb_error err;
	struct mb_doc *d = parse(small, &err);
	const struct mb_schema *s = mb_schema_builtin();
	struct mb_value v;
	size_t root = mb_doc_find(d, "/LM/W3SVC/1/ROOT");

	(void)state;
	assert_true(mb_doc_effective(d, root,
		    mb_schema_prop(s, "AnonymousUserName"), &v));
	assert_int_equal(v.key, 1);
	assert_false(mb_doc_local(d, root,
		     mb_schema_prop(s, "AnonymousUserName"), &v));
	/* ServerBindings is not INHERIT: nothing reaches ROOT. */
	assert_false(mb_doc_effective(d, root,
		     mb_schema_prop(s, "ServerBindings"), &v));
	mb_doc_free(d);
}

static void expect_error(const char *text, const char *needle, long line)
{
	struct mb_error err;
	struct mb_doc *d = parse(text, &err);

	assert_null(d);
	assert_int_equal(err.status, MB_EFILE);
	if (!strstr(err.reason, needle))
		fail_msg("'%s' lacks '%s'", err.reason, needle);
	if (line)
		assert_int_equal(err.line, line);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("<configuration>\n<MBProperty>\n<A Location =\"/\">\n"
		     "</MBProperty>\n</configuration>\n", "malformed XML", 4);
	expect_error("<?xml version=\"1.0\"?>\n<!DOCTYPE c [\n<!ENTITY x "
		     "SYSTEM \"file:///etc/passwd\">]>\n<configuration>&x;"
		     "</configuration>\n", "DOCTYPE", 0);
	expect_error("<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b "
		     "\"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><l>&b;</l>",
		     "DOCTYPE", 0);
	expect_error("<configuration><MBProperty>\n<A Location =\"/x\"/>\n"
		     "<B Location =\"/X\"/>\n</MBProperty></configuration>",
		     "duplicate Location", 3);
	expect_error("<configuration xmlns=\"urn:other\"><MBProperty>"
		     "</MBProperty></configuration>", "namespace", 0);
	expect_error("<root/>", "not a metabase", 1);
	expect_error("<configuration><MBProperty><A X=\"1\"/></MBProperty>"
		     "</configuration>", "no Location", 1);
	expect_error("<configuration><MBProperty>\n<A Location =\"/\">\n"
		     "<Other/></A></MBProperty></configuration>",
		     "only <Custom>", 3);
	expect_error("<configuration><MBProperty>\xff\xfe</MBProperty>"
		     "</configuration>", "malformed XML", 1);
}

static void test_utf16(void **state)
{
	struct mb_error err;
	struct mb_doc *d = NULL;
	const char bytes[] = "\xff\xfe<\0c\0/\0>\0";

	(void)state;
	assert_int_equal(mb_doc_parse("u.xml", bytes, sizeof(bytes) - 1,
				      NULL, &d, &err), MB_EFILE);
	assert_non_null(strstr(err.reason, "UTF-16"));
}

static void test_truncated(void **state)
{
	size_t n = strlen(small), cut;

	(void)state;
	for (cut = 0; cut < n; cut += 7) {
		struct mb_error err;
		struct mb_doc *d = NULL;

		assert_int_equal(mb_doc_parse("t.xml", small, cut, NULL, &d,
					      &err), MB_EFILE);
		assert_null(d);
	}
}

/* Every attribute replaced by its own bytes: the file must come back. */
static void round_trip(const char *path)
{
	struct mb_error err;
	struct mb_doc *d = NULL;
	struct mb_edits e;
	struct mb_buf out;
	size_t k;
	unsigned a;

	assert_int_equal(mb_doc_load(path, mb_schema_builtin(), &d, &err), 0);
	mb_edits_init(&e);
	for (k = 0; k < d->nkeys; k++)
		for (a = 0; a < d->keys[k].nattrs; a++) {
			const struct mb_attr *at = &d->keys[k].attrs[a];

			uint32_t st = mb_attr_start(d, at);

			assert_int_equal(mb_edits_add(&e, st, mb_attr_end(at),
				d->buf + st, mb_attr_end(at) - st), 0);
		}
	mb_buf_init(&out);
	assert_int_equal(mb_doc_splice(d, &e, &out, &err), MB_OK);
	assert_int_equal(out.len, d->len);
	assert_memory_equal(out.data, d->buf, d->len);
	mb_buf_release(&out);
	mb_edits_release(&e);
	mb_doc_free(d);
}

static const char *corpus(const char *name, char *buf, size_t n)
{
	const char *dir = getenv("MB_CORPUS");
	FILE *f;

	if (!dir)
		return NULL;
	snprintf(buf, n, "%s/metabase/%s", dir, name);
	f = fopen(buf, "rb");
	if (!f)
		return NULL;
	fclose(f);
	return buf;
}

static void test_corpus(void **state)
{
	char path[4096];
	struct mb_error err;
	struct mb_doc *d = NULL;
	const struct mb_prop *p;
	struct mb_value v;
	size_t root, svc;

	(void)state;
	if (!corpus("modulogrc_modSIC__metabaseSample.xml", path, sizeof(path)))
		fx_corpus_absent();
	assert_int_equal(mb_doc_load(path, mb_schema_builtin(), &d, &err), 0);
	assert_int_equal(d->nkeys, 57);
	assert_true(d->bom);
	assert_false(d->crlf);
	assert_null(d->ns);
	root = mb_doc_find(d, "/lm/w3svc/1/root");
	svc = mb_doc_find(d, "/LM/W3SVC");
	assert_int_not_equal(root, MB_NOKEY);
	p = mb_schema_prop(mb_schema_builtin(), "AnonymousUserName");
	assert_true(mb_doc_effective(d, root, p, &v));
	assert_int_equal(v.key, svc);
	mb_doc_free(d);
}

static void test_round_trip(void **state)
{
	char path[4096];

	(void)state;
	if (!corpus("modulogrc_modSIC__metabaseSample.xml", path, sizeof(path)))
		fx_corpus_absent();
	round_trip(path);
	assert_non_null(corpus("modulogrc_modSIC__metabaseSampleWith"
			       "IncompleteSessions.xml", path, sizeof(path)));
	round_trip(path);
}

/*
 * The twin of the corpus round trip, made by mbgen: what IIS writes (a BOM
 * or none, LF or CRLF, <Custom> elements, a MULTISZ value across lines, the
 * nameless and typeless <Custom> an unfinished session leaves) comes back
 * byte-identical.
 */
#define CUSTOMS " --custom '/LM/W3SVC:2166:DWORD:INHERIT:UnknownName_2166=1'" \
	" --custom '/LM/W3SVC/1:9202::NO_ATTRIBUTES:=1'" \
	" --custom \"$(printf '/LM/W3SVC/1:1030:MULTISZ:INHERIT:" \
	"MD_METADATA_ID_REGISTRATION=0-65535;Reserved\\n65536;IIS')\""

static void test_round_trip_generated(void **state)
{
	static const struct {
		const char *args;
		bool bom, crlf;
	} v[] = {
		{ "--story" CUSTOMS, true, false },
		{ "--story --ftp --crlf" CUSTOMS, true, true },
		{ "--story --no-bom" CUSTOMS, false, false },
		{ "--sites 20 --vdirs 2 --crlf --no-bom" CUSTOMS, false, true },
	};
	struct mb_error err;
	struct mb_doc *d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		const char *path = fx_mbgen(v[i].args);

		round_trip(path);
		assert_int_equal(mb_doc_load(path, mb_schema_builtin(), &d,
					     &err), 0);
		assert_int_equal(d->bom, v[i].bom);
		assert_int_equal(d->crlf, v[i].crlf);
		assert_int_not_equal(mb_doc_find(d, "/LM/W3SVC/1"), MB_NOKEY);
		mb_doc_free(d);
	}
	fx_mbgen_done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small),
		cmocka_unit_test(test_attr_bounds),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_take_and_drop),
		cmocka_unit_test(test_inherit),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_utf16),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_round_trip_generated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
