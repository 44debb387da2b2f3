/* SPDX-License-Identifier: MIT */
/*
 * A write re-checks with libxml2 only what its edits changed
 * (mb_doc_recheck_plan, mb_doc_parse_spliced): the ranges must be the
 * edited keys, anything else falls back to the whole file, and whatever
 * libxml2 refuses in an edited key is still refused. The edited keys
 * checked alone (mb_doc_recheck_alone) hold only when they are the keys
 * they were and their ranges still end between items.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mb/doc.h"
#include "mb/schema.h"
#include "mb/splice.h"

static const char text[] =
	"<?xml version =\"1.0\"?>\n"
	"<configuration xmlns=\"urn:microsoft-catalog:XML_Metabase_V64_0\">\n"
	"<MBProperty>\n"
	"<IIS_Global\tLocation =\".\"\n\t>\n</IIS_Global>\n"
	"<IIsWebService\tLocation =\"/LM/W3SVC\"\n"
	"\t\tAnonymousUserName=\"IUSR_A\"\n\t>\n"
	"</IIsWebService>\n"
	"<!-- a note -->\n"
	"<IIsWebServer\tLocation =\"/LM/W3SVC/1\"\n\t>\n</IIsWebServer>\n"
	"</MBProperty>\n</configuration>\n";

static struct mb_doc *load(void)
{
	struct mb_error err;
	struct mb_doc *d = NULL;

	mb_error_clear(&err);
	assert_int_equal(mb_doc_parse("t.xml", text, strlen(text),
				      mb_schema_builtin(), &d, &err), MB_OK);
	return d;
}

static uint32_t at(const struct mb_doc *d, const char *needle)
{
	const char *p = strstr(d->buf, needle);

	assert_non_null(p);
	return (uint32_t)(p - d->buf);
}

/* The value IUSR_A replaced by v: plan, splice, parse. */
static enum mb_status set_value(const char *v, struct mb_doc_recheck *r,
				struct mb_doc **out)
{
	struct mb_doc *d = load();
	struct mb_edits e;
	struct mb_buf b;
	struct mb_error err;
	uint32_t p = at(d, "IUSR_A");
	size_t len;
	char *bytes;
	enum mb_status st;

	mb_edits_init(&e);
	mb_buf_init(&b);
	mb_error_clear(&err);
	assert_int_equal(mb_edits_add(&e, p, p + 6, v, strlen(v)), 0);
	mb_doc_recheck_plan(d, &e, r);
	assert_int_equal(mb_doc_splice(d, &e, &b, &err), MB_OK);
	bytes = mb_buf_detach(&b, &len);
	st = mb_doc_parse_spliced("t.xml", bytes, len, mb_schema_builtin(), r,
				  out, &err);
	mb_edits_release(&e);
	mb_doc_free(d);
	return st;
}

static void test_range_is_the_edited_key(void **state)
{
	struct mb_doc_recheck r;
	struct mb_doc *nd = NULL;
	size_t k;

	(void)state;
	assert_int_equal(set_value("IUSR_LONGER", &r, &nd), MB_OK);
	assert_false(r.whole);
	assert_int_equal(r.n, 1);
	k = mb_doc_find(nd, "/LM/W3SVC");
	assert_int_equal(r.span[0], nd->keys[k].start);
	assert_int_equal(r.span[1], nd->keys[k].end);
	mb_doc_recheck_free(&r);
	mb_doc_free(nd);
}

/* What only libxml2 sees: the tokenizer alone would take each of these. */
static void test_bad_edit_refused(void **state)
{
	static const char *const bad[] = {
		"a<b",                           /* '<' in a value */
		"a&bogus;b",                     /* undefined entity */
		"a\xff\x62",                      /* not UTF-8 ("b" after 0xff) */
		"a\" AnonymousUserName=\"b",     /* the attribute twice */
		"a\" 1x=\"b",                    /* not a name */
		/* A comment opened here swallows the rest of the key and the
		 * next one's "<!--": only the whole file shows it. */
		"a\"\n\t>\n</IIsWebService>\n<!--",
	};
	struct mb_doc_recheck r;
	struct mb_doc *nd = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(set_value(bad[i], &r, &nd), MB_EFILE);
		assert_false(r.whole);
		assert_null(nd);
		mb_doc_recheck_free(&r);
	}
}

static void test_insert_and_delete_keys(void **state)
{
	static const char key[] =
		"<IIsWebServer\tLocation =\"/LM/W3SVC/2\"\n\t>\n"
		"</IIsWebServer>\n";
	struct mb_doc *d = load();
	struct mb_doc_recheck r;
	struct mb_edits e;
	uint32_t svc = at(d, "<IIS_Global"), end = at(d, "<IIsWebService");
	uint32_t close = d->mbprop_close;

	(void)state;
	mb_edits_init(&e);
	/* IIS_Global goes; a key is added before </MBProperty>. */
	assert_int_equal(mb_edits_add(&e, svc, end, "", 0), 0);
	assert_int_equal(mb_edits_add(&e, close, close, key, strlen(key)), 0);
	mb_doc_recheck_plan(d, &e, &r);
	assert_false(r.whole);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.span[0], svc);
	assert_int_equal(r.span[1], svc);
	assert_int_equal(r.span[2], close - (end - svc));
	assert_int_equal(r.span[3], close - (end - svc) + strlen(key));
	mb_doc_recheck_free(&r);
	mb_edits_release(&e);
	mb_doc_free(d);
}

/* One edit replacing the n bytes at needle: is the plan "whole"? */
static int whole_after(const char *needle, size_t n, const char *with)
{
	struct mb_doc *d = load();
	struct mb_doc_recheck r;
	struct mb_edits e;
	uint32_t p = at(d, needle);
	int whole;

	mb_edits_init(&e);
	assert_int_equal(mb_edits_add(&e, p, p + n, with, strlen(with)), 0);
	mb_doc_recheck_plan(d, &e, &r);
	whole = r.whole;
	mb_doc_recheck_free(&r);
	mb_edits_release(&e);
	mb_doc_free(d);
	return whole;
}

/* Edits in the prolog or in a comment are checked with the whole file. */
static void test_outside_keys_is_whole(void **state)
{
	(void)state;
	assert_true(whole_after("1.0", 3, "1.1"));
	assert_true(whole_after("a note", 6, "x"));
	assert_false(whole_after("IUSR_A", 6, "x"));
}

/* ---- the edited keys alone ------------------------------------------------ */

struct one_edit {
	const char *needle;  /* the edit is at this text of the file */
	size_t n;            /* replacing its first n bytes */
	const char *with;
};

/* mb_doc_recheck_alone's answer for the edits, and the whole check's. */
static int alone_after(const struct one_edit *v, size_t n, int *whole_ok)
{
	struct mb_doc *d = load(), *nd = NULL;
	struct mb_doc_recheck r;
	struct mb_edits e;
	struct mb_buf b;
	struct mb_error err;
	size_t i, len;
	char *bytes;
	int alone;

	mb_edits_init(&e);
	mb_buf_init(&b);
	mb_error_clear(&err);
	for (i = 0; i < n; i++) {
		uint32_t p = at(d, v[i].needle);

		assert_int_equal(mb_edits_add(&e, p, p + (uint32_t)v[i].n,
					      v[i].with, strlen(v[i].with)), 0);
	}
	mb_doc_recheck_plan(d, &e, &r);
	assert_int_equal(mb_doc_splice(d, &e, &b, &err), MB_OK);
	alone = mb_doc_recheck_alone("t.xml", b.data, b.len,
				     mb_schema_builtin(), &r);
	bytes = mb_buf_detach(&b, &len);
	*whole_ok = mb_doc_parse_spliced("t.xml", bytes, len,
					 mb_schema_builtin(), NULL, &nd,
					 &err) == MB_OK;
	mb_doc_free(nd);
	mb_doc_recheck_free(&r);
	mb_edits_release(&e);
	mb_doc_free(d);
	return alone;
}

static void test_alone_holds(void **state)
{
	static const struct one_edit set[] = { { "IUSR_A", 6, "IUSR_B" } };
	static const struct one_edit two[] = {
		{ "\n\t\tAnonymousUserName", 29, "" },
		{ "\"/LM/W3SVC/1\"\n", 14, "\"/LM/W3SVC/1\" A=\"1\"\n" },
	};
	int whole_ok;

	(void)state;
	assert_int_equal(alone_after(set, 1, &whole_ok), 0);
	assert_true(whole_ok);
	assert_int_equal(alone_after(two, 2, &whole_ok), 0);
	assert_true(whole_ok);
}

/* Not proven alone: the whole file is checked (and may well pass). */
static void test_alone_refuses(void **state)
{
	/* a key renamed: to a free name, or to another key's */
	static const struct one_edit renamed[] = { { "W3SVC\"", 5, "WWW" } };
	static const struct one_edit doubled[] = {
		{ "W3SVC/1\"", 7, "W3SVC" } };
	/* a key added, a key removed */
	static const struct one_edit added[] = { { "<IIsWebServer", 0,
		"<IIsWebServer\tLocation =\"/LM/W3SVC/2\"\n\t>\n"
		"</IIsWebServer>\n" } };
	static const struct one_edit removed[] = { { "<IIS_Global", 43, "" } };
	/*
	 * A comment opened before one key and closed before another: the
	 * two ranges alone make an empty comment, but in the file it hides
	 * the key between them (and here the note's "--" too), so a range's
	 * end is not between items.
	 */
	static const struct one_edit hidden[] = {
		{ "<IIsWebService", 0, "<!--" },
		{ "<IIsWebServer", 0, "-->" },
	};
	static const struct one_edit bad[] = { { "IUSR_A", 6, "a<b" } };
	static const struct {
		const struct one_edit *v;
		size_t n;
		int whole_ok;  /* what the whole file's check says */
	} cases[] = {
		{ renamed, 1, 1 }, { doubled, 1, 0 }, { added, 1, 1 },
		{ removed, 1, 1 }, { hidden, 2, 0 }, { bad, 1, 0 },
	};
	size_t i;
	int whole_ok;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(alone_after(cases[i].v, cases[i].n, &whole_ok),
				 -1);
		assert_int_equal(whole_ok, cases[i].whole_ok);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_range_is_the_edited_key),
		cmocka_unit_test(test_bad_edit_refused),
		cmocka_unit_test(test_insert_and_delete_keys),
		cmocka_unit_test(test_outside_keys_is_whole),
		cmocka_unit_test(test_alone_holds),
		cmocka_unit_test(test_alone_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
