/* SPDX-License-Identifier: MIT */
/*
 * collapse's edits (mb/collapse.h): the account and its password go to
 * the service key, every name and password below it go, keys outside it
 * (another service, a sibling whose name only begins like it) keep
 * theirs; a second plan on the result changes nothing; the plan stops
 * where its caller says.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mb/collapse.h"
#include "mb/schema.h"

static const char file[] =
	"<?xml version =\"1.0\"?>\n"
	"<configuration xmlns=\"urn:microsoft-catalog:XML_Metabase_V64_0\">"
	"\n<MBProperty>\n"
	"<IIsWebService\tLocation =\"/LM/W3SVC\"\n"
	"\t\tAnonymousUserName=\"IUSR_A\"\n"
	"\t\tAnonymousUserPass=\"496344620a\"\n\t>\n</IIsWebService>\n"
	"<IIsWebServer\tLocation =\"/LM/W3SVC/1\"\n"
	"\t\tAnonymousUserName=\"IUSR_B\"\n"
	"\t\tAnonymousUserPass=\"496344620b\"\n"
	"\t\tServerComment=\"one\"\n\t>\n</IIsWebServer>\n"
	"<IIsWebVirtualDir\tLocation =\"/LM/W3SVC/1/ROOT\"\n"
	"\t\tAnonymousUserPass=\"496344620c\"\n\t>\n</IIsWebVirtualDir>\n"
	"<IIsFtpServer\tLocation =\"/LM/MSFTPSVC/1\"\n"
	"\t\tAnonymousUserName=\"IUSR_F\"\n\t>\n</IIsFtpServer>\n"
	"<IIsConfigObject\tLocation =\"/LM/W3SVCX\"\n"
	"\t\tAnonymousUserName=\"IUSR_X\"\n\t>\n</IIsConfigObject>\n"
	"</MBProperty>\n</configuration>\n";

/* The changes heard, one "op key prop" line each; stop after `stop`. */
struct heard {
	char lines[1024];
	int n, stop;
};

static int hear(void *ctx, const char *op, size_t key, const char *prop,
		const char *value)
{
	struct heard *h = ctx;
	size_t l = strlen(h->lines);

	snprintf(h->lines + l, sizeof(h->lines) - l, "%s %zu %s%s%s\n", op,
		 key, prop, value ? "=" : "", value ? value : "");
	return ++h->n == h->stop ? MB_EFILE : MB_OK;
}

/* text with the plan's edits for svc, parsed again (*st: the plan's). */
static struct mb_doc *plan(const char *text, const char *svc,
			   struct heard *h, enum mb_status *st)
{
	struct mb_doc *d = NULL, *nd = NULL;
	struct mb_edits e;
	struct mb_buf b;
	struct mb_error err;

	mb_error_clear(&err);
	assert_int_equal(mb_doc_parse("t.xml", text, strlen(text),
				      mb_schema_builtin(), &d, &err), MB_OK);
	mb_edits_init(&e);
	mb_buf_init(&b);
	*st = mb_collapse_plan(d, svc, "IUSR_B", "496344620b", &e, hear, h,
			       &err);
	assert_int_equal(mb_doc_splice(d, &e, &b, &err), MB_OK);
	assert_int_equal(mb_doc_parse("t.xml", b.data, b.len,
				      mb_schema_builtin(), &nd, &err), MB_OK);
	mb_buf_release(&b);
	mb_edits_release(&e);
	mb_doc_free(d);
	return nd;
}

static void test_collapse_plan(void **state)
{
	struct heard h = { "", 0, 0 }, again = { "", 0, 0 };
	enum mb_status st;
	struct mb_doc *d = plan(file, "/LM/W3SVC", &h, &st), *d2;

	(void)state;
	assert_int_equal(st, MB_OK);
	assert_string_equal(h.lines,
			    "set 0 AnonymousUserName=IUSR_B\n"
			    "set 0 AnonymousUserPass=496344620b\n"
			    "delete 1 AnonymousUserName\n"
			    "delete 1 AnonymousUserPass\n"
			    "delete 2 AnonymousUserPass\n");
	assert_non_null(strstr(d->buf, "W3SVC\"\n\t\tAnonymousUserName="
				   "\"IUSR_B\"\n\t\tAnonymousUserPass="
				   "\"496344620b\""));
	assert_null(strstr(d->buf, "IUSR_A"));
	assert_null(strstr(d->buf, "496344620c"));
	assert_non_null(strstr(d->buf, "\"/LM/W3SVC/1\"\n\t\tServerComment"));
	/* outside the service: kept */
	assert_non_null(strstr(d->buf, "IUSR_F"));
	assert_non_null(strstr(d->buf, "IUSR_X"));
	/* already the only account: nothing to do */
	d2 = plan(d->buf, "/LM/W3SVC", &again, &st);
	assert_int_equal(st, MB_OK);
	assert_int_equal(again.n, 0);
	assert_string_equal(d2->buf, d->buf);
	mb_doc_free(d2);
	mb_doc_free(d);
}

static void test_collapse_stops(void **state)
{
	struct heard h = { "", 0, 3 }, none = { "", 0, 0 };
	enum mb_status st;
	struct mb_doc *d = plan(file, "/LM/W3SVC", &h, &st);

	(void)state;
	assert_int_equal(st, MB_EFILE);
	assert_int_equal(h.n, 3);
	mb_doc_free(d);
	d = plan(file, "/LM/SMTPSVC", &none, &st);
	assert_int_equal(st, MB_ENOPATH);
	assert_int_equal(none.n, 0);
	mb_doc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_collapse_plan),
		cmocka_unit_test(test_collapse_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
