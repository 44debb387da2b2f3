/* SPDX-License-Identifier: MIT */
/*
 * Edits as splices: a set/get round trip per type, set-then-set-back and
 * insert-then-remove byte identity, the one-line diff of a one-attribute
 * set on the corpus file, ordinal attribute position, IIS key order, flag
 * text, value checks, flag sub-properties, Customs, key removal and copy,
 * CRLF files, and IIS_Global left alone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "mb/edit.h"
#include "mb/query.h"
#include "mb/value.h"
#include "mb/diff.h"
#include "mb/write.h"

static const char small[] =
	"<?xml version =\"1.0\"?>\n"
	"<configuration xmlns=\"urn:microsoft-catalog:XML_Metabase_V64_0\">\n"
	"<MBProperty>\n"
	"<IIS_Global\tLocation =\".\"\n\t\tChangeNumber=\"1\"\n\t>\n"
	"</IIS_Global>\n"
	"<IIsComputer\tLocation =\"/LM\"\n\t>\n</IIsComputer>\n"
	"<IIsWebService\tLocation =\"/LM/W3SVC\"\n"
	"\t\tAnonymousUserName=\"IUSR_X\"\n"
	"\t\tAuthFlags=\"AuthAnonymous\"\n\t>\n</IIsWebService>\n"
	"<IIsWebServer\tLocation =\"/LM/W3SVC/1\"\n"
	"\t\tCacheISAPI=\"TRUE\"\n"
	"\t\tServerBindings=\":80:\"\n\t>\n</IIsWebServer>\n"
	"<IIsWebVirtualDir\tLocation =\"/LM/W3SVC/1/ROOT\"\n"
	"\t\tAppRoot=\"/LM/W3SVC/1/Root\"\n"
	"\t\tPath=\"C:\\inetpub\"\n\t>\n"
	"\t<Custom\n\t\tName=\"UnknownName_2166\"\n\t\tID=\"2166\"\n"
	"\t\tValue=\"7\"\n\t\tType=\"DWORD\"\n"
	"\t\tUserType=\"IIS_MD_UT_SERVER\"\n"
	"\t\tAttributes=\"NO_ATTRIBUTES\"\n\t/>\n"
	"</IIsWebVirtualDir>\n"
	"<IIsWebVirtualDir\tLocation =\"/LM/W3SVC/1/ROOT/app\"\n"
	"\t\tAppRoot=\"/LM/W3SVC/1/ROOT/app\"\n\t>\n</IIsWebVirtualDir>\n"
	"<IIsWebServer\tLocation =\"/LM/W3SVC/3\"\n\t>\n</IIsWebServer>\n"
	"</MBProperty>\n</configuration>\n";

#define ROOT "/LM/W3SVC/1/ROOT"

static struct mb_doc *parse_n(const char *text, size_t n)
{
	struct mb_doc *d = NULL;
	struct mb_error err;

	mb_error_clear(&err);
	if (mb_doc_parse("t.xml", text, n, mb_schema_builtin(), &d, &err))
		fail_msg("parse: %s", err.reason);
	return d;
}

static struct mb_doc *parse(const char *text)
{
	return parse_n(text, strlen(text));
}

/* The document with the edits applied, parsed again (it must parse). */
static struct mb_doc *apply(struct mb_doc *d, struct mb_edits *e)
{
	struct mb_buf out;
	struct mb_error err;
	struct mb_doc *nd;

	mb_buf_init(&out);
	assert_int_equal(mb_doc_splice(d, e, &out, &err), MB_OK);
	nd = parse_n(out.data, out.len);
	mb_buf_release(&out);
	mb_edits_release(e);
	return nd;
}

static const struct mb_prop *prop(const char *name)
{
	const struct mb_prop *p = mb_schema_prop(mb_schema_builtin(), name);

	assert_non_null(p);
	return p;
}

/* Apply the edits to *d, which becomes the re-parsed result. */
static void apply_into(struct mb_doc **d, struct mb_edits *e)
{
	struct mb_doc *nd = apply(*d, e);

	mb_doc_free(*d);
	*d = nd;
}

/* Set name at loc from command-line values, in place. */
static void set_get(struct mb_doc **d, const char *loc, const char *name,
		    const char *const *args, size_t n)
{
	struct mb_edits e;
	struct mb_error err;
	char *text;

	mb_edits_init(&e);
	assert_int_equal(mb_edit_format(prop(name), args, n, &text, &err),
			 MB_OK);
	assert_int_equal(mb_edit_set(*d, &e, mb_doc_find(*d, loc), prop(name),
				     text, 0, &err), MB_OK);
	free(text);
	apply_into(d, &e);
}

static char *local(const struct mb_doc *d, const char *loc, const char *name)
{
	struct mb_value v;

	if (!mb_doc_local(d, mb_doc_find(d, loc), prop(name), &v))
		return NULL;
	return mb_doc_text(d, v.raw);
}

/* Decoded text with list items rejoined (continuation TABs dropped). */
static char *items_text(char *text)
{
	struct mb_buf b;
	size_t n = 0, i;
	char **items = mb_value_list(text, &n);

	mb_buf_init(&b);
	for (i = 0; i < n; i++)
		mb_buf_printf(&b, "%s%s", i ? "\n" : "", items[i]);
	mb_value_free_list(items);
	free(text);
	return b.data ? mb_buf_detach(&b, NULL) : strdup("");
}

static void round_trip(const char *name, const char *const *args, size_t n,
		       const char *want_text, const char *want_bytes)
{
	struct mb_doc *d = parse(small), *nd;
	struct mb_edits e;
	struct mb_error err;
	char *text;

	mb_edits_init(&e);
	assert_int_equal(mb_edit_format(prop(name), args, n, &text, &err),
			 MB_OK);
	assert_string_equal(text, want_text);
	assert_int_equal(mb_edit_set(d, &e, mb_doc_find(d, ROOT), prop(name),
				     text, 0, &err), MB_OK);
	nd = apply(d, &e);
	free(text);
	text = local(nd, ROOT, name);
	assert_non_null(text);
	text = items_text(text);
	assert_string_equal(text, want_text);
	assert_non_null(strstr(nd->buf, want_bytes));
	free(text);
	mb_doc_free(nd);
	mb_doc_free(d);
}

static void test_round_trip_types(void **state)
{
	static const char *str[] = { "D:\\web & <x> \"q\"" };
	static const char *exp[] = { "%SystemDrive%\\logs" };
	static const char *dw[] = { "0x10" };
	static const char *fl[] = { "AuthNTLM|authanonymous" };
	static const char *bo[] = { "true" };
	static const char *ms[] = { "404,*,FILE,a b.htm", "500,*,URL,/e" };
	static const char *mm[] = { ".htm,text/html", ".x,a/b" };
	static const char *bin[] = { "0xABcd01" };
	static const char *ip[] = { "" };

	(void)state;
	round_trip("Path", str, 1, str[0],
		   "\t\tPath=\"D:\\web &amp; &lt;x&gt; &quot;q&quot;\"\n");
	round_trip("LogFileDirectory", exp, 1, exp[0],
		   "\t\tLogFileDirectory=\"%SystemDrive%\\logs\"\n");
	round_trip("MaxConnections", dw, 1, "16", "MaxConnections=\"16\"");
	round_trip("AuthFlags", fl, 1, "AuthAnonymous | AuthNTLM",
		   "\t\tAuthFlags=\"AuthAnonymous | AuthNTLM\"\n");
	round_trip("AspEnableParentPaths", bo, 1, "TRUE",
		   "AspEnableParentPaths=\"TRUE\"");
	round_trip("HttpErrors", ms, 2, "404,*,FILE,a b.htm\n500,*,URL,/e",
		   "\t\tHttpErrors=\"404,*,FILE,a b.htm\n\t\t\t500,*,URL,/e\"\n");
	round_trip("MimeMap", mm, 2, ".htm,text/html\n.x,a/b",
		   "MimeMap=\".htm,text/html\n\t\t\t.x,a/b\"");
	round_trip("SSLCertHash", bin, 1, "abcd01", "SSLCertHash=\"abcd01\"");
	round_trip("IPSecurity", ip, 1, "", "IPSecurity=\"\"");
}

static void test_list_items_read_back(void **state)
{
	static const char *ms[] = { "a b", "c" };
	struct mb_doc *d = parse(small);
	char **items, *text;
	size_t n;

	(void)state;
	set_get(&d, ROOT, "HttpErrors", ms, 2);
	text = local(d, ROOT, "HttpErrors");
	items = mb_value_list(text, &n);
	assert_int_equal(n, 2);
	assert_string_equal(items[0], "a b");
	assert_string_equal(items[1], "c");
	mb_value_free_list(items);
	free(text);
	mb_doc_free(d);
}

static void test_ordinal_position(void **state)
{
	static const char *one[] = { "1" };
	struct mb_doc *d = parse(small);

	(void)state;
	set_get(&d, ROOT, "AuthFlags", one, 1);   /* AppRoot < . < Path */
	set_get(&d, ROOT, "AccessFlags", one, 1); /* first */
	set_get(&d, ROOT, "UNCUserName", one, 1); /* last */
	assert_non_null(strstr(d->buf,
		"\"/LM/W3SVC/1/ROOT\"\n\t\tAccessFlags=\"AccessRead\"\n"
		"\t\tAppRoot=\"/LM/W3SVC/1/Root\"\n"
		"\t\tAuthFlags=\"AuthAnonymous\"\n\t\tPath=\"C:\\inetpub\"\n"
		"\t\tUNCUserName=\"1\"\n\t>\n\t<Custom"));
	/* ordinal, not alphabetical: CGITimeout sorts before CacheISAPI */
	set_get(&d, "/LM/W3SVC/1", "CGITimeout", one, 1);
	assert_non_null(strstr(d->buf, "\"/LM/W3SVC/1\"\n\t\tCGITimeout=\"1\"\n"
			       "\t\tCacheISAPI=\"TRUE\"\n"));
	mb_doc_free(d);
}

/* Set, then set back: the original bytes; insert, then unset: same. */
static void test_set_back_identical(void **state)
{
	static const char *five[] = { "5" }, *orig[] = { "AuthAnonymous" };
	static const char *ms[] = { "x" };
	struct mb_doc *d = parse(small);
	struct mb_edits e;
	struct mb_error err;
	int removed;

	(void)state;
	set_get(&d, "/LM/W3SVC", "AuthFlags", five, 1);
	assert_null(strstr(d->buf, small));
	set_get(&d, "/LM/W3SVC", "AuthFlags", orig, 1);
	assert_string_equal(d->buf, small);
	set_get(&d, ROOT, "HttpErrors", ms, 1);
	mb_edits_init(&e);
	assert_int_equal(mb_edit_unset(d, &e, mb_doc_find(d, ROOT),
				       prop("HttpErrors"), &removed, &err),
			 MB_OK);
	assert_int_equal(removed, 1);
	apply_into(&d, &e);
	assert_string_equal(d->buf, small);
	mb_doc_free(d);
}

static char *corpus_file(void)
{
	const char *c = getenv("MB_CORPUS");
	char path[1024];

	snprintf(path, sizeof(path), "%s/metabase/"
		 "modulogrc_modSIC__metabaseSample.xml", c ? c : "../shared/corpus");
	return fx_slurp(path);
}

static int count_lines(const char *s, char mark)
{
	int n = 0;

	for (; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : NULL)
		n += s[0] == mark && s[1] != mark;
	return n;
}

static void test_corpus_one_line(void **state)
{
	static const char *five[] = { "5" }, *back[] = { "AuthNTLM" };
	char *orig = corpus_file();
	struct mb_doc *d, *d0;
	struct mb_buf diff;

	(void)state;
	if (!orig)
		fx_corpus_absent();
	d0 = parse(orig);
	d = parse(orig);
	set_get(&d, ROOT, "AuthFlags", five, 1);
	mb_buf_init(&diff);
	mb_diff_to_buf(&diff, "MetaBase.xml", d0->buf, d0->len, d->buf, d->len);
	assert_int_equal(count_lines(diff.data, '-'), 1);
	assert_int_equal(count_lines(diff.data, '+'), 1);
	assert_non_null(strstr(diff.data,
		"-\t\tAuthFlags=\"AuthNTLM\"\n"
		"+\t\tAuthFlags=\"AuthAnonymous | AuthNTLM\"\n"));
	set_get(&d, ROOT, "AuthFlags", back, 1);
	assert_int_equal(d->len, d0->len);
	assert_memory_equal(d->buf, d0->buf, d0->len);
	mb_buf_release(&diff);
	mb_doc_free(d);
	mb_doc_free(d0);
}

static void add_key(struct mb_doc **d, const char *loc, const char *type)
{
	struct mb_edits e;
	struct mb_error err;

	mb_edits_init(&e);
	assert_int_equal(mb_edit_add_key(*d, &e, loc, type, &err), MB_OK);
	apply_into(d, &e);
}

static void test_key_order(void **state)
{
	static const char *order[] = {
		".", "/LM", "/LM/W3SVC", "/LM/W3SVC/1", "/LM/W3SVC/1/Filters",
		"/LM/W3SVC/1/ROOT", "/LM/W3SVC/1/ROOT/app",
		"/LM/W3SVC/1/ROOT/App2", "/LM/W3SVC/1 2", "/LM/W3SVC/2",
		"/LM/W3SVC/3",
	};
	struct mb_doc *d = parse(small);
	size_t i;

	(void)state;
	assert_true(mb_edit_loccmp(".", "/") < 0);
	assert_true(mb_edit_loccmp("/LM/W3SVC/1/ROOT", "/LM/W3SVC/1 2") < 0);
	assert_true(mb_edit_loccmp("/x/deflate", "/x/gzip") < 0);
	assert_true(mb_edit_loccmp("/x/gzip", "/x/Parameters") < 0);
	assert_int_equal(mb_edit_loccmp("/LM/w3svc", "/LM/W3SVC"), 0);
	assert_true(mb_edit_loc_under("/LM/W3SVC/1/root", "/lm/w3svc/1"));
	assert_false(mb_edit_loc_under("/LM/W3SVC/10", "/LM/W3SVC/1"));
	/* one at a time: keys added at one spot in one go keep call order */
	add_key(&d, "/LM/W3SVC/2", "IIsWebServer");
	add_key(&d, "/LM/W3SVC/1 2", "IIsWebServer");
	add_key(&d, "/LM/W3SVC/1/Filters", "IIsFilters");
	add_key(&d, "/LM/W3SVC/1/ROOT/App2", "IIsWebVirtualDir");
	assert_int_equal(d->nkeys, sizeof(order) / sizeof(order[0]));
	for (i = 0; i < d->nkeys; i++)
		assert_string_equal(d->keys[i].location, order[i]);
	assert_non_null(strstr(d->buf, "</IIsWebServer>\n"
		"<IIsWebServer\tLocation =\"/LM/W3SVC/2\"\n\t>\n"
		"</IIsWebServer>\n<IIsWebServer\tLocation =\"/LM/W3SVC/3\""));
	mb_doc_free(d);
}

static void dword_is(const char *name, uint32_t v, const char *want)
{
	char *text = mb_edit_dword_text(prop(name), v);

	assert_string_equal(text, want);
	free(text);
}

static void test_dword_text(void **state)
{
	(void)state;
	dword_is("AuthFlags", 0, "0");
	dword_is("AuthFlags", 5, "AuthAnonymous | AuthNTLM");
	dword_is("AuthFlags", 0x85, "AuthAnonymous | AuthNTLM | 128");
	/* schema declaration order, not bit order */
	dword_is("DirBrowseFlags", 0x4000003e,
		 "DirBrowseShowDate | DirBrowseShowTime | DirBrowseShowSize | "
		 "DirBrowseShowExtension | DirBrowseShowLongDate | "
		 "EnableDefaultDoc");
	dword_is("MaxConnections", 4294967295u, "4294967295");
}

static void bad(const char *name, const char *const *args, size_t n)
{
	struct mb_error err;
	char *text = NULL;

	mb_error_clear(&err);
	assert_int_equal(mb_edit_format(prop(name), args, n, &text, &err),
			 MB_EUSAGE);
	assert_null(text);
	assert_true(err.reason[0] != '\0');
}

static void test_format_errors(void **state)
{
	static const char *big[] = { "4294967296" }, *neg[] = { "-1" };
	static const char *junk[] = { "12abc" }, *two[] = { "1", "2" };
	static const char *maybe[] = { "maybe" }, *odd[] = { "abc" };
	static const char *nl[] = { "a\nb" }, *four[] = { "4" };
	static const char *unknown[] = { "AuthAnonymous|AuthNope" };

	(void)state;
	bad("MaxConnections", big, 1);
	bad("MaxConnections", neg, 1);
	bad("MaxConnections", junk, 1);
	bad("MaxConnections", two, 2);
	bad("AuthFlags", unknown, 1);
	bad("AspEnableParentPaths", maybe, 1);
	bad("SSLCertHash", odd, 1);
	bad("HttpErrors", nl, 1);
	bad("AppPoolIdentityType", four, 1);  /* schema range 0..3 */
	bad("Path", two, 2);
}

static void test_set_flag_inherited(void **state)
{
	const struct mb_prop *parent;
	const struct mb_flag *ntlm = mb_schema_flag(mb_schema_builtin(),
						    "AuthNTLM", &parent);
	struct mb_doc *d = parse(small);
	struct mb_edits e;
	struct mb_error err;
	char *text = NULL, *v;

	(void)state;
	assert_non_null(ntlm);
	mb_edits_init(&e);
	assert_int_equal(mb_edit_set_flag(d, &e, mb_doc_find(d, ROOT), parent,
					  ntlm, 1, 0, &text, &err), MB_OK);
	assert_string_equal(text, "AuthAnonymous | AuthNTLM");
	free(text);
	apply_into(&d, &e);
	v = local(d, ROOT, "AuthFlags");
	assert_string_equal(v, "AuthAnonymous | AuthNTLM");
	free(v);
	v = local(d, "/LM/W3SVC", "AuthFlags");
	assert_string_equal(v, "AuthAnonymous"); /* the parent is untouched */
	free(v);
	mb_doc_free(d);
}

static void test_custom(void **state)
{
	static const char *one[] = { "1" };
	struct mb_doc *d = parse(small);
	struct mb_edits e;
	struct mb_error err;
	struct mb_ref ref;
	int removed;

	(void)state;
	mb_edits_init(&e);
	assert_int_equal(mb_edit_set(d, &e, mb_doc_find(d, ROOT),
				     prop("AuthFlags"), "AuthNTLM", 1, &err),
			 MB_OK);
	apply_into(&d, &e);
	/* by Name: AuthFlags goes before UnknownName_2166 */
	assert_non_null(strstr(d->buf, "\t>\n\t<Custom\n"
		"\t\tName=\"AuthFlags\"\n\t\tID=\"6000\"\n"
		"\t\tValue=\"AuthNTLM\"\n\t\tType=\"DWORD\"\n"
		"\t\tUserType=\"IIS_MD_UT_FILE\"\n\t\tAttributes=\"INHERIT\"\n"
		"\t/>\n\t<Custom\n\t\tName=\"UnknownName_2166\""));
	/* a later set updates the Custom: the same datum */
	set_get(&d, ROOT, "AuthFlags", one, 1);
	assert_non_null(strstr(d->buf, "\t\tValue=\"AuthAnonymous\"\n"));
	/* no attribute form appeared next to it (W3SVC's is the only one) */
	assert_ptr_equal(strstr(d->buf, "\t\tAuthFlags="),
			 strstr(small, "\t\tAuthFlags=") - small + d->buf);
	/* a Custom-only property is removed by its ID */
	assert_int_equal(mb_query_resolve(d, mb_doc_find(d, ROOT),
					  "UnknownName_2166", &ref, &err),
			 MB_OK);
	mb_edits_init(&e);
	assert_int_equal(mb_edit_unset(d, &e, mb_doc_find(d, ROOT), ref.prop,
				       &removed, &err), MB_OK);
	mb_ref_release(&ref);
	assert_int_equal(removed, 1);
	apply_into(&d, &e);
	assert_null(strstr(d->buf, "UnknownName_2166"));
	mb_doc_free(d);
}

static void test_remove_key(void **state)
{
	struct mb_doc *d = parse(small), *nd;
	struct mb_edits e;
	struct mb_error err;
	const char *w1 = strstr(small, "<IIsWebServer\tLocation =\"/LM/W3SVC/1\"");
	const char *w3 = strstr(small, "<IIsWebServer\tLocation =\"/LM/W3SVC/3\"");

	(void)state;
	mb_edits_init(&e);
	assert_int_equal(mb_edit_remove_key(d, &e, mb_doc_find(d,
				"/LM/W3SVC/1"), &err), MB_OK);
	nd = apply(d, &e);
	assert_int_equal(nd->nkeys, 4);
	/* exactly the subtree's lines are gone */
	assert_int_equal(nd->len, strlen(small) - (size_t)(w3 - w1));
	assert_memory_equal(nd->buf, small, (size_t)(w1 - small));
	assert_string_equal(nd->buf + (w1 - small), w3);
	mb_doc_free(nd);
	mb_doc_free(d);
}

static void test_copy_tree(void **state)
{
	struct mb_doc *d = parse(small), *nd;
	struct mb_edits e;
	struct mb_error err;
	size_t n = 0;
	char *v;

	(void)state;
	mb_edits_init(&e);
	assert_int_equal(mb_edit_copy_tree(d, &e, mb_doc_find(d,
			 "/LM/W3SVC/1"), "/LM/W3SVC/2", &n, &err), MB_OK);
	assert_int_equal(n, 3);
	nd = apply(d, &e);
	assert_int_equal(nd->nkeys, 10);
	v = local(nd, "/LM/W3SVC/2/ROOT", "AppRoot");
	assert_string_equal(v, "/LM/W3SVC/2/Root"); /* its own case kept */
	free(v);
	v = local(nd, "/LM/W3SVC/2/ROOT/app", "AppRoot");
	assert_string_equal(v, "/LM/W3SVC/2/ROOT/app");
	free(v);
	assert_string_equal(nd->keys[8].location, "/LM/W3SVC/2/ROOT/app");
	assert_string_equal(nd->keys[9].location, "/LM/W3SVC/3");
	assert_non_null(strstr(nd->buf, "\t\tName=\"UnknownName_2166\""));
	mb_edits_init(&e);
	assert_int_equal(mb_edit_copy_tree(d, &e, mb_doc_find(d, ROOT),
			 "/LM/W3SVC/3", NULL, &err), MB_EUSAGE);
	assert_int_equal(mb_edit_copy_tree(d, &e, mb_doc_find(d,
			 "/LM/W3SVC/1"), ROOT "/x", NULL, &err), MB_EUSAGE);
	assert_int_equal(e.n, 0);
	mb_edits_release(&e);
	mb_doc_free(nd);
	mb_doc_free(d);
}

static void test_global_refused(void **state)
{
	struct mb_doc *d = parse(small);
	struct mb_edits e;
	struct mb_error err;
	int removed;

	(void)state;
	mb_edits_init(&e);
	assert_int_equal(mb_edit_set(d, &e, mb_doc_find(d, "."),
				     prop("ChangeNumber"), "2", 0, &err),
			 MB_EPROP);
	assert_int_equal(mb_edit_unset(d, &e, mb_doc_find(d, "."),
				       prop("ChangeNumber"), &removed, &err),
			 MB_EPROP);
	assert_int_equal(mb_edit_remove_key(d, &e, mb_doc_find(d, "."), &err),
			 MB_EPROP);
	assert_int_equal(mb_edit_add_key(d, &e, ".", "IIS_Global", &err),
			 MB_EPROP);
	assert_int_equal(e.n, 0);
	mb_edits_release(&e);
	mb_doc_free(d);
}

/* A KeyType becomes an element name: only a plain XML name, not the frame. */
static void test_keytype_name(void **state)
{
	static const char *const bad[] = {
		"", "x:Shop", "1Shop", "Shop Site", "Shop>", "Custom",
		"mbproperty", "configuration", "IIS_Global",
	};
	struct mb_doc *d = parse(small);
	struct mb_edits e;
	struct mb_error err;
	size_t i;

	(void)state;
	mb_edits_init(&e);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mb_error_clear(&err);
		assert_int_equal(mb_edit_add_key(d, &e, "/LM/W3SVC/7", bad[i],
						 &err), MB_EUSAGE);
		assert_non_null(strstr(err.reason, "element name"));
	}
	assert_int_equal(e.n, 0);
	mb_edits_release(&e);
	add_key(&d, "/LM/W3SVC/7", "My_Shop-2.x");
	assert_non_null(strstr(d->buf,
			       "<My_Shop-2.x\tLocation =\"/LM/W3SVC/7\""));
	mb_doc_free(d);
}

static void test_crlf(void **state)
{
	static const char *ms[] = { "a", "b" };
	static const char doc[] =
		"<?xml version =\"1.0\"?>\r\n<configuration>\r\n"
		"<MBProperty>\r\n"
		"<IIsWebVirtualDir\tLocation =\"/LM/W3SVC/1/ROOT\"\r\n"
		"\t\tPath=\"C:\\\"\r\n\t>\r\n</IIsWebVirtualDir>\r\n"
		"</MBProperty>\r\n</configuration>\r\n";
	struct mb_doc *d = parse(doc);

	(void)state;
	set_get(&d, ROOT, "HttpErrors", ms, 2);
	assert_non_null(strstr(d->buf, "\"/LM/W3SVC/1/ROOT\"\r\n"
			       "\t\tHttpErrors=\"a\r\n\t\t\tb\"\r\n"
			       "\t\tPath=\"C:\\\"\r\n"));
	mb_doc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_types),
		cmocka_unit_test(test_list_items_read_back),
		cmocka_unit_test(test_ordinal_position),
		cmocka_unit_test(test_set_back_identical),
		cmocka_unit_test(test_corpus_one_line),
		cmocka_unit_test(test_key_order),
		cmocka_unit_test(test_dword_text),
		cmocka_unit_test(test_format_errors),
		cmocka_unit_test(test_set_flag_inherited),
		cmocka_unit_test(test_custom),
		cmocka_unit_test(test_remove_key),
		cmocka_unit_test(test_copy_tree),
		cmocka_unit_test(test_global_refused),
		cmocka_unit_test(test_keytype_name),
		cmocka_unit_test(test_crlf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
