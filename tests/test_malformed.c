/* SPDX-License-Identifier: MIT */
/*
 * Robustness (SPEC section 5): damaged and hostile inputs to the document
 * parser and the blob decoder give the right error status, a message and,
 * where it means something, a line number; never a crash.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mb/blob.h"
#include "mb/buf.h"
#include "mb/doc.h"

#define NS "urn:microsoft-catalog:XML_Metabase_V64_0"
#define HEAD "<?xml version =\"1.0\"?>\n<configuration xmlns=\"" NS "\">\n" \
	"<MBProperty>\n"
#define TAIL "</MBProperty>\n</configuration>\n"

static char *sample;
static size_t sample_len;

static int load_sample(void **state)
{
	const char *dir = getenv("MB_SRCDIR");
	char path[4096];
	FILE *f;
	long n;

	(void)state;
	snprintf(path, sizeof(path), "%s/samples/MetaBase.xml",
		 dir ? dir : ".");
	f = fopen(path, "rb");
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	sample = malloc((size_t)n + 1);
	if (!sample || fread(sample, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		return -1;
	}
	fclose(f);
	sample_len = (size_t)n;
	sample[n] = '\0';
	return 0;
}

static int free_sample(void **state)
{
	(void)state;
	free(sample);
	return 0;
}

/* Parse len bytes (an exact-size heap copy so ASan sees overreads). */
static enum mb_status parse_n(const char *text, size_t len,
			      struct mb_error *err)
{
	struct mb_doc *d = NULL;
	enum mb_status st;
	char *copy = malloc(len ? len : 1);

	assert_non_null(copy);
	memcpy(copy, text, len);
	mb_error_clear(err);
	st = mb_doc_parse("bad.xml", copy, len, mb_schema_builtin(), &d, err);
	free(copy);
	if (st == MB_OK) {
		assert_non_null(d);
		mb_doc_free(d);
	} else {
		assert_int_equal(err->status, st);
		assert_true(err->reason[0] != '\0');
	}
	return st;
}

static enum mb_status parse(const char *text, struct mb_error *err)
{
	return parse_n(text, strlen(text), err);
}

static long lines_in(const char *p, size_t n)
{
	long l = 1;

	for (size_t i = 0; i < n; i++)
		l += p[i] == '\n';
	return l;
}

static void test_sample_ok(void **state)
{
	struct mb_error err;

	(void)state;
	assert_int_equal(parse_n(sample, sample_len, &err), MB_OK);
}

static void test_truncations(void **state)
{
	struct mb_error err;
	size_t last = sample_len, off;

	(void)state;
	while (last > 0 && sample[last - 1] != '>')
		last--;
	/* Every offset: all of them fail, with a line inside the text read. */
	for (off = 0; off < last; off++) {
		enum mb_status st = parse_n(sample, off, &err);
		if (st != MB_EFILE)
			fail_msg("truncation at %zu: status %d", off, (int)st);
		if (off > 64 && (err.line < 1 ||
				 err.line > lines_in(sample, off)))
			fail_msg("truncation at %zu: line %ld (text has %ld)",
				 off, err.line, lines_in(sample, off));
	}
	/* Only trailing whitespace missing: still a whole document. */
	for (off = last; off <= sample_len; off++)
		assert_int_equal(parse_n(sample, off, &err), MB_OK);
}

static void test_invalid_utf8(void **state)
{
	static const char bad[] = HEAD
		"<IIsWebService\tLocation =\"/LM/W3SVC\"\n"
		"\t\tAnonymousUserName=\"IUSR_\xc3\x28\xff\"\n\t>\n"
		"</IIsWebService>\n" TAIL;
	struct mb_error err;

	(void)state;
	assert_int_equal(parse(bad, &err), MB_EFILE);
	assert_int_equal(err.line, 5);
}

static void test_utf16(void **state)
{
	static const char ascii[] = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>"
		"<configuration><MBProperty></MBProperty></configuration>";
	size_t n = strlen(ascii), i;
	char *u = malloc(2 * n + 2);
	struct mb_error err;

	(void)state;
	assert_non_null(u);
	u[0] = (char)0xff;
	u[1] = (char)0xfe;
	for (i = 0; i < n; i++) {
		u[2 + 2 * i] = ascii[i];
		u[3 + 2 * i] = 0;
	}
	assert_int_equal(parse_n(u, 2 * n + 2, &err), MB_EFILE);
	assert_non_null(strstr(err.reason, "UTF-16"));
	/* UTF-16 without a BOM: still refused (NUL bytes). */
	assert_int_equal(parse_n(u + 2, 2 * n, &err), MB_EFILE);
	free(u);
}

static void test_namespaces(void **state)
{
	struct mb_error err;

	(void)state;
	assert_int_equal(parse("<?xml version=\"1.0\"?>\n"
		"<configuration xmlns=\"urn:example:not-iis\">\n"
		"<MBProperty>\n" TAIL, &err), MB_EFILE);
	assert_non_null(strstr(err.reason, "namespace"));
	assert_int_equal(parse("<?xml version=\"1.0\"?>\n<configuration>\n"
		"<MBProperty>\n<IIsWebService Location=\"/LM/W3SVC\"/>\n"
		TAIL, &err), MB_OK);
}

static void test_duplicate_locations(void **state)
{
	struct mb_error err;

	(void)state;
	assert_int_equal(parse(HEAD
		"<IIsWebService\tLocation =\"/LM/W3SVC\"\n\t>\n"
		"</IIsWebService>\n"
		"<IIsWebService\tLocation =\"/lm/w3svc\"\n\t>\n"
		"</IIsWebService>\n" TAIL, &err), MB_EFILE);
	assert_int_equal(err.line, 7);
	assert_non_null(strstr(err.reason, "duplicate"));
}

static void test_key_outside_mbproperty(void **state)
{
	struct mb_error err;

	(void)state;
	assert_int_equal(parse("<?xml version =\"1.0\"?>\n"
		"<configuration xmlns=\"" NS "\">\n"
		"<IIsWebService Location=\"/LM/W3SVC\"/>\n"
		"<MBProperty>\n" TAIL, &err), MB_EFILE);
	assert_int_equal(err.line, 3);
	assert_int_equal(parse(HEAD "</MBProperty>\n"
		"<IIsWebService Location=\"/LM/W3SVC\"/>\n"
		"</configuration>\n", &err), MB_EFILE);
	assert_int_equal(err.line, 5);
}

static void test_billion_laughs(void **state)
{
	static const char bomb[] = "<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE configuration [\n"
		" <!ENTITY a \"lollollollollollollollollollol\">\n"
		" <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
		" <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
		" <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
		" <!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
		" <!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
		" <!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
		" <!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">\n"
		" <!ENTITY i \"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">\n"
		"]>\n<configuration xmlns=\"" NS "\">\n<MBProperty>\n"
		"<IIsWebService Location=\"/LM/W3SVC\" AnonymousUserName=\"&i;\"/>\n"
		TAIL;
	struct mb_error err;

	(void)state;
	assert_int_equal(parse(bomb, &err), MB_EFILE);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.reason, "DOCTYPE"));
}

static void test_xxe(void **state)
{
	static const char xxe[] = "<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE configuration [\n"
		" <!ENTITY x SYSTEM \"file:///etc/passwd\">\n"
		" <!ENTITY y SYSTEM \"http://127.0.0.1:1/x\">\n"
		"]>\n<configuration xmlns=\"" NS "\">\n<MBProperty>\n"
		"<IIsWebService Location=\"/LM/W3SVC\" AnonymousUserName=\"&x;&y;\"/>\n"
		TAIL;
	struct mb_error err;

	(void)state;
	assert_int_equal(parse(xxe, &err), MB_EFILE);
	assert_int_equal(err.line, 2);
	/* A DOCTYPE with only an external DTD is refused as well. */
	assert_int_equal(parse("<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE configuration SYSTEM \"http://127.0.0.1:1/x.dtd\">\n"
		"<configuration>\n<MBProperty>\n" TAIL, &err), MB_EFILE);
	/* An undeclared entity reference is a plain XML error. */
	assert_int_equal(parse(HEAD "<IIsWebService Location=\"/LM/W3SVC\" "
		"AnonymousUserName=\"&x;\"/>\n" TAIL, &err), MB_EFILE);
	assert_int_equal(err.line, 4);
}

static void test_huge_attribute(void **state)
{
	static const char pre[] = HEAD
		"<IIsWebService\tLocation =\"/LM/W3SVC\"\n"
		"\t\tAnonymousUserName=\"";
	static const char post[] = "\"\n\t>\n</IIsWebService>\n" TAIL;
	size_t big = 20u * 1024 * 1024;
	size_t n = sizeof(pre) - 1 + big + sizeof(post) - 1;
	char *doc = malloc(n);
	struct mb_error err;

	(void)state;
	assert_non_null(doc);
	memcpy(doc, pre, sizeof(pre) - 1);
	memset(doc + sizeof(pre) - 1, 'A', big);
	memcpy(doc + sizeof(pre) - 1 + big, post, sizeof(post) - 1);
	/* libxml2 refuses values over 10 MB (no XML_PARSE_HUGE); fed in
	 * pieces, it names the line where the element starts. */
	assert_int_equal(parse_n(doc, n, &err), MB_EFILE);
	assert_int_equal(err.line, 4);
	assert_non_null(strstr(err.reason, "too long"));
	free(doc);
}

static void test_blobs(void **state)
{
	static const char *const bad[] = {
		"",
		"4",
		"496",
		"49634462",
		"4963446210000000040000000000000000000000000000000",
		"496344627",
		"49634462zz",
		/* size says 0x70 bytes, only the header is present */
		"4963446270000000220000004000000",
		"4963446270000000220000004000000000",
		/* n larger than size */
		"49634462080000001000000040000000",
		/* sig_len huge */
		"496344620800000000000000ffffffff",
		/* unknown magic */
		"4142434408000000000000000000000000000000",
		"NOLONGERVALID",
		"NOLONGERVALID0",
	};
	struct mb_error err;
	struct mb_blob b;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum mb_status st;
		memset(&b, 0, sizeof(b));
		mb_error_clear(&err);
		st = mb_blob_parse(bad[i], strlen(bad[i]), &b, &err);
		if (st == MB_OK) {
			/* Only the opaque NOLONGERVALID forms may parse. */
			if (strncmp(bad[i], "NOLONGERVALID", 13) != 0)
				fail_msg("blob %zu '%s' accepted", i, bad[i]);
			assert_int_equal(b.kind, MB_BLOB_INVALIDATED);
			assert_int_not_equal(mb_blob_usable(&b, &err), MB_OK);
		} else {
			if (st != MB_ESECRET)
				fail_msg("blob %zu '%s': status %d", i, bad[i],
					 (int)st);
			assert_true(err.reason[0] != '\0');
		}
		mb_blob_free(&b);
	}
}

/* Every truncation of a real blob is refused. */
static void test_blob_truncations(void **state)
{
	const char *p = strstr(sample, "AnonymousUserPass=\"");
	size_t n;
	struct mb_error err;
	struct mb_blob b;

	(void)state;
	assert_non_null(p);
	p += strlen("AnonymousUserPass=\"");
	n = strcspn(p, "\"");
	memset(&b, 0, sizeof(b));
	assert_int_equal(mb_blob_parse(p, n, &b, &err), MB_OK);
	mb_blob_free(&b);
	for (size_t k = 0; k < n; k++) {
		char *copy = malloc(k ? k : 1);
		enum mb_status st;
		assert_non_null(copy);
		memcpy(copy, p, k);
		memset(&b, 0, sizeof(b));
		st = mb_blob_parse(copy, k, &b, &err);
		if (st != MB_ESECRET)
			fail_msg("blob cut at %zu: status %d", k, (int)st);
		mb_blob_free(&b);
		free(copy);
	}
}

/* ---- bounded work (issue 15): depth, attributes, file kind, size ---- */

/* A document of one key chain: /LM/a/a/... with keys at every level. */
static char *chain(unsigned levels, size_t seglen, int every)
{
	struct mb_buf b, loc;
	unsigned i;

	mb_buf_init(&b);
	mb_buf_init(&loc);
	mb_buf_puts(&b, HEAD);
	mb_buf_puts(&loc, "/LM");
	for (i = 1; i < levels; i++) {
		mb_buf_putc(&loc, '/');
		while (seglen > 1 && loc.len % seglen)
			mb_buf_putc(&loc, 'a');
		mb_buf_putc(&loc, 'a');
		if (every || i + 1 == levels)
			mb_buf_printf(&b, "<IIsConfigObject Location=\"%s\">"
				      "</IIsConfigObject>\n", loc.data);
	}
	mb_buf_puts(&b, TAIL);
	mb_buf_release(&loc);
	assert_false(mb_buf_failed(&b));
	return mb_buf_detach(&b, NULL);
}

static void test_location_depth(void **state)
{
	struct mb_error err;
	struct mb_doc *d = NULL;
	char *text;

	(void)state;
	/* At the limit: accepted, each key's parent the level above. */
	text = chain(MB_DOC_MAX_DEPTH, 1, 1);
	assert_int_equal(mb_doc_parse("deep.xml", text, strlen(text),
				      mb_schema_builtin(), &d, &err), MB_OK);
	assert_int_equal(d->nkeys, MB_DOC_MAX_DEPTH - 1);
	assert_int_equal(mb_key_parent(&d->keys[d->nkeys - 1]), d->nkeys - 2);
	assert_int_equal(mb_key_parent(&d->keys[0]), MB_NOKEY);
	mb_doc_free(d);
	free(text);
	/* One level more: refused at the key's line, not walked. */
	text = chain(MB_DOC_MAX_DEPTH + 1, 1, 0);
	assert_int_equal(parse(text, &err), MB_EFILE);
	assert_non_null(strstr(err.reason, "257 levels"));
	assert_int_equal(err.line, 4);
	free(text);
	/* Long levels (4 KB each, 1 MB in all) with no key between: the
	 * nearest ancestor is found in one pass (bench: hostile rows). */
	text = chain(MB_DOC_MAX_DEPTH, 4096, 0);
	assert_int_equal(parse(text, &err), MB_OK);
	free(text);
}

static char *many_attrs(unsigned n)
{
	struct mb_buf b;
	unsigned i;

	mb_buf_init(&b);
	/* A comment's '=' are not attributes. */
	mb_buf_puts(&b, HEAD "<!-- a=1 b=2 -->\n"
		    "<IIsWebService Location=\"/LM/W3SVC\"");
	for (i = 1; i < n; i++)
		mb_buf_printf(&b, "\n\tA%u=\"x>=y\"", i);
	mb_buf_puts(&b, ">\n</IIsWebService>\n" TAIL);
	assert_false(mb_buf_failed(&b));
	return mb_buf_detach(&b, NULL);
}

static void test_attribute_limit(void **state)
{
	struct mb_error err;
	char *text;

	(void)state;
	text = many_attrs(MB_DOC_MAX_ATTRS);
	assert_int_equal(parse(text, &err), MB_OK);
	free(text);
	/* Refused before libxml2 sees the element (its duplicate check is
	 * quadratic: 500,000 attributes took minutes). */
	text = many_attrs(500000);
	assert_int_equal(parse(text, &err), MB_EFILE);
	assert_non_null(strstr(err.reason, "500000 attributes"));
	assert_int_equal(err.line, 5);
	free(text);
}

static enum mb_status load(const char *path, struct mb_error *err)
{
	struct mb_doc *d = NULL;
	enum mb_status st;

	mb_error_clear(err);
	st = mb_doc_load(path, mb_schema_builtin(), &d, err);
	mb_doc_free(d);
	return st;
}

static void test_not_a_file(void **state)
{
	char dir[] = "/tmp/mbmal.XXXXXX", path[64];
	struct mb_error err;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* A FIFO with no writer: refused at once, no wait. */
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(load(path, &err), MB_EFILE);
	assert_non_null(strstr(err.reason, "not a regular file (a FIFO)"));
	unlink(path);
	/* A device: /dev/zero used to be read until memory ran out. */
	assert_int_equal(load("/dev/zero", &err), MB_EFILE);
	assert_non_null(strstr(err.reason, "(a device)"));
	/* Over the size limit (sparse: no disk used), refused unread. */
	snprintf(path, sizeof(path), "%s/big.xml", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)MB_DOC_MAX_SIZE + 1), 0);
	close(fd);
	assert_int_equal(load(path, &err), MB_EFILE);
	assert_non_null(strstr(err.reason, "more than the 1024 MiB"));
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_ok),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_utf16),
		cmocka_unit_test(test_namespaces),
		cmocka_unit_test(test_duplicate_locations),
		cmocka_unit_test(test_key_outside_mbproperty),
		cmocka_unit_test(test_billion_laughs),
		cmocka_unit_test(test_xxe),
		cmocka_unit_test(test_huge_attribute),
		cmocka_unit_test(test_blobs),
		cmocka_unit_test(test_blob_truncations),
		cmocka_unit_test(test_location_depth),
		cmocka_unit_test(test_attribute_limit),
		cmocka_unit_test(test_not_a_file),
	};

	return cmocka_run_group_tests(tests, load_sample, free_sample);
}
