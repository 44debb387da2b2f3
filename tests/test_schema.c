/* SPDX-License-Identifier: MIT */
/*
 * Schema module: lookups on the built-in table, the facts of the IIS 6.0
 * corpus schema (counts verified against the file itself), loading the
 * corpus schema (must equal the built-in one), and the hardened loader
 * refusing DOCTYPEs, entities, truncation and broken structure.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "schemaw.h"
#include "mb/schema.h"

#define CORPUS_SCHEMA "/schema/modulogrc_modSIC__mbSchemaSample.xml"

static const struct mb_prop *must_prop(const char *name)
{
	const struct mb_prop *p = mb_schema_prop(mb_schema_builtin(), name);

	assert_non_null(p);
	return p;
}

/* ---- the built-in table ---------------------------------------------- */

static void test_anonymous_account(void **state)
{
	const struct mb_prop *p = must_prop("AnonymousUserName");

	(void)state;
	assert_string_equal(p->name, "AnonymousUserName");
	assert_int_equal(p->id, 6020);
	assert_int_equal(p->type, MB_T_STRING);
	assert_int_equal(p->attrs, MB_ATTR_INHERIT);
	assert_string_equal(p->user_type, "IIS_MD_UT_FILE");
	assert_string_equal(p->default_value, "");
	assert_int_equal(p->nflags, 0);

	p = must_prop("AnonymousUserPass");
	assert_int_equal(p->id, 6021);
	assert_int_equal(p->type, MB_T_STRING);
	assert_int_equal(p->attrs, MB_ATTR_INHERIT | MB_ATTR_SECURE);

	p = must_prop("AdminACL");
	assert_int_equal(p->type, MB_T_NTACL);
	assert_int_equal(p->attrs,
			 MB_ATTR_INHERIT | MB_ATTR_SECURE | MB_ATTR_REFERENCE);
}

static void test_other_facts(void **state)
{
	const struct mb_prop *p;

	(void)state;
	p = must_prop("ServerBindings");
	assert_int_equal(p->type, MB_T_MULTISZ);
	assert_int_equal(p->attrs, 0);
	p = must_prop("AppPoolCommand");
	assert_int_equal(p->attrs, MB_ATTR_VOLATILE);
	assert_true(p->has_start && p->has_end);
	assert_int_equal(p->start, 1);
	assert_int_equal(p->end, 2);
	p = must_prop("AllowAnonymous");
	assert_int_equal(p->type, MB_T_BOOL);
	assert_int_equal(p->meta, MB_META_CASEINSENSITIVE);
	assert_false(p->has_start);
	assert_true(p->has_end);
	p = must_prop("KeyType");
	assert_int_equal(p->id, 1002);
	assert_int_equal(p->meta, MB_META_PRIMARYKEY);
	p = must_prop("AppPoolId");
	assert_null(p->default_value);
	p = must_prop("AspDiskTemplateCacheDirectory");
	assert_string_equal(p->default_value,
		"%Windir%\\System32\\inetsrv\\ASP Compiled Templates");
}

static void test_name_case(void **state)
{
	const struct mb_schema *s = mb_schema_builtin();
	const struct mb_prop *p = must_prop("AnonymousUserName");
	const char *tail = "anonymoususername/ignored";

	(void)state;
	assert_ptr_equal(mb_schema_prop(s, "anonymoususername"), p);
	assert_ptr_equal(mb_schema_prop(s, "ANONYMOUSUSERNAME"), p);
	assert_ptr_equal(mb_schema_prop(NULL, "AnonymousUserName"), p);
	assert_ptr_equal(mb_schema_prop_n(s, tail, 17), p);
	assert_null(mb_schema_prop_n(s, tail, 16));
	assert_null(mb_schema_prop_n(s, tail, 18));
	assert_null(mb_schema_prop(s, "AnonymousUser"));
	assert_null(mb_schema_prop(s, "NoSuchProperty"));
	assert_null(mb_schema_prop(s, ""));
	assert_null(mb_schema_prop(s, NULL));
	/* A flag is not a property. */
	assert_null(mb_schema_prop(s, "AuthAnonymous"));
}

static void test_by_id(void **state)
{
	const struct mb_schema *s = mb_schema_builtin();

	(void)state;
	assert_ptr_equal(mb_schema_prop_by_id(s, 6020),
			 must_prop("AnonymousUserName"));
	assert_ptr_equal(mb_schema_prop_by_id(s, 6000), must_prop("AuthFlags"));
	assert_ptr_equal(mb_schema_prop_by_id(s, 7502),
			 must_prop("WAMUserPass"));
	assert_ptr_equal(mb_schema_prop_by_id(s, 0), must_prop("MD_0"));
	assert_null(mb_schema_prop_by_id(s, 6218)); /* a flag's ID */
	assert_null(mb_schema_prop_by_id(s, UINT32_MAX));
}

static void test_authflags(void **state)
{
	static const struct { const char *name; uint32_t value, id; } want[] = {
		{ "AuthBasic", 2, 6219 }, { "AuthAnonymous", 1, 6218 },
		{ "AuthNTLM", 4, 6220 }, { "AuthMD5", 16, 6221 },
		{ "AuthPassport", 64, 6299 },
	};
	const struct mb_prop *p = must_prop("authflags");
	size_t i;

	(void)state;
	assert_int_equal(p->id, 6000);
	assert_int_equal(p->type, MB_T_DWORD);
	assert_int_equal(p->attrs, MB_ATTR_INHERIT);
	assert_string_equal(p->default_value, "AuthAnonymous");
	assert_int_equal(p->nflags, 5);
	for (i = 0; i < 5; i++) {
		assert_string_equal(p->flags[i].name, want[i].name);
		assert_int_equal(p->flags[i].value, want[i].value);
		assert_int_equal(p->flags[i].id, want[i].id);
	}
	/* Declaration order, not bit order (reference 1.4). */
	p = must_prop("AccessFlags");
	assert_string_equal(p->flags[0].name, "AccessExecute");
	assert_string_equal(p->flags[2].name, "AccessRead");
}

static void test_flag_lookup(void **state)
{
	const struct mb_schema *s = mb_schema_builtin();
	const struct mb_prop *parent = NULL;
	const struct mb_flag *f;

	(void)state;
	f = mb_schema_flag(s, "authanonymous", &parent);
	assert_non_null(f);
	assert_string_equal(f->name, "AuthAnonymous");
	assert_int_equal(f->value, 1);
	assert_int_equal(f->id, 6218);
	assert_ptr_equal(parent, must_prop("AuthFlags"));
	assert_ptr_equal(f, &parent->flags[1]);

	f = mb_schema_flag(s, "ACCESSEXECUTE", &parent);
	assert_non_null(f);
	assert_int_equal(f->value, 4);
	assert_ptr_equal(parent, must_prop("AccessFlags"));

	f = mb_schema_flag_n(s, "AuthNTLM|x", 8, &parent);
	assert_non_null(f);
	assert_int_equal(f->id, 6220);

	assert_null(mb_schema_flag(s, "AuthFlags", &parent));
	assert_null(parent);
	assert_null(mb_schema_flag(s, "Auth", NULL));
	assert_null(mb_schema_flag(s, NULL, NULL));
}

static void test_classes(void **state)
{
	const struct mb_schema *s = mb_schema_builtin();
	const struct mb_class *vdir = mb_schema_class(s, "IIsWebVirtualDir");
	const struct mb_class *dir = mb_schema_class(s, "IIsWebDirectory");
	const struct mb_class *svc = mb_schema_class(s, "IIsWebService");
	const struct mb_class *master = mb_schema_class(s, "IIsConfigObject");
	const struct mb_prop *unc = must_prop("UNCUserName");

	(void)state;
	assert_non_null(vdir);
	assert_non_null(dir);
	assert_non_null(svc);
	assert_non_null(master);
	assert_string_equal(vdir->name, "IIsWebVirtualDir");
	assert_string_equal(vdir->container_list,
		"IIsWebDirectory,IIsWebFile,IIsWebVirtualDir,IIsObject");
	assert_null(mb_schema_class(s, "iiswebvirtualdir"));
	assert_null(mb_schema_class(s, "NoSuchClass"));
	assert_true(mb_schema_class_has(s, vdir, unc));
	assert_true(mb_schema_class_has(s, vdir, must_prop("UNCPassword")));
	assert_false(mb_schema_class_has(s, dir, unc));
	assert_false(mb_schema_class_has(s, dir, must_prop("UNCPassword")));
	assert_true(mb_schema_class_has(s, svc, must_prop("AnonymousUserName")));
	assert_true(mb_schema_class_has(s, dir, must_prop("AuthFlags")));
	assert_false(mb_schema_class_has(s, svc, unc));
	assert_false(mb_schema_class_has(s, vdir, must_prop("ServerBindings")));
	assert_true(mb_schema_class_has(s, NULL, unc));
	assert_true(mb_schema_class_has(s, master, unc));
	assert_int_equal(master->nprops, mb_schema_nprops(s));
	assert_false(mb_schema_class_has(s, vdir, NULL));
}

/* Counts, verified against the corpus file (reference 1.9 counts WSTR's
 * one definition, Location, which is in MetabaseBaseClass, not here). */
static void test_counts(void **state)
{
	const struct mb_schema *s = mb_schema_builtin();
	size_t types[MB_T_WSTR + 1] = { 0 };
	size_t inherit = 0, inherit_secure = 0, none = 0, secure = 0;
	size_t flags = 0, i;

	(void)state;
	assert_int_equal(mb_schema_nprops(s), 507);
	assert_int_equal(mb_schema_nclasses(s), 66);
	for (i = 0; i < mb_schema_nprops(s); i++) {
		const struct mb_prop *p = mb_schema_prop_at(s, i);

		types[p->type]++;
		inherit += p->attrs == MB_ATTR_INHERIT;
		inherit_secure += p->attrs == (MB_ATTR_INHERIT | MB_ATTR_SECURE);
		none += p->attrs == 0;
		secure += (p->attrs & MB_ATTR_SECURE) != 0;
		flags += p->nflags;
	}
	assert_null(mb_schema_prop_at(s, i));
	assert_int_equal(types[MB_T_DWORD], 211);
	assert_int_equal(types[MB_T_STRING], 153);
	assert_int_equal(types[MB_T_BOOL], 98);
	assert_int_equal(types[MB_T_MULTISZ], 32);
	assert_int_equal(types[MB_T_BINARY], 5);
	assert_int_equal(types[MB_T_EXPANDSZ], 4);
	assert_int_equal(types[MB_T_IPSECLIST], 2);
	assert_int_equal(types[MB_T_MIMEMAP], 1);
	assert_int_equal(types[MB_T_NTACL], 1);
	assert_int_equal(types[MB_T_WSTR], 0);
	assert_int_equal(types[MB_T_UNKNOWN], 0);
	assert_int_equal(inherit, 413);
	assert_int_equal(inherit_secure, 9);
	assert_int_equal(none, 75);
	assert_int_equal(secure, 12);
	assert_int_equal(flags, 84);
}

/* The name hash: any case finds p, a longer or shorter name does not
 * (unless it is another property), nor do bytes past len. */
static void name_variants(const struct mb_schema *s, const struct mb_prop *p)
{
	char up[128], longer[130];
	size_t n = strlen(p->name), i;
	const struct mb_prop *q;

	assert_true(n < sizeof(up));
	for (i = 0; i <= n; i++)
		up[i] = (char)toupper((unsigned char)p->name[i]);
	assert_ptr_equal(mb_schema_prop(s, up), p);
	snprintf(longer, sizeof(longer), "%sQ", p->name);
	assert_ptr_equal(mb_schema_prop_n(s, longer, n), p);
	q = mb_schema_prop(s, longer);
	assert_true(q == NULL || q != p);
	q = mb_schema_prop_n(s, p->name, n - 1);
	assert_true(q == NULL || q != p);
}

/* Every entry is found through every index: the indexes are complete and
 * sorted the way the lookups search them. */
static void test_indexes(void **state)
{
	const struct mb_schema *s = mb_schema_builtin();
	const struct mb_prop *parent;
	size_t i, j;

	(void)state;
	for (i = 0; i < mb_schema_nprops(s); i++) {
		const struct mb_prop *p = mb_schema_prop_at(s, i);

		assert_ptr_equal(mb_schema_prop(s, p->name), p);
		assert_ptr_equal(mb_schema_prop_by_id(s, p->id), p);
		name_variants(s, p);
		for (j = 0; j < p->nflags; j++) {
			assert_ptr_equal(mb_schema_flag(s, p->flags[j].name,
							&parent), &p->flags[j]);
			assert_ptr_equal(parent, p);
		}
	}
	for (i = 0; i < mb_schema_nclasses(s); i++) {
		const struct mb_class *c = mb_schema_class_at(s, i);

		assert_ptr_equal(mb_schema_class(s, c->name), c);
		for (j = 0; j < c->nprops; j++)
			assert_true(mb_schema_class_has(s, c,
				mb_schema_prop_at(s, c->props[j])));
	}
	assert_null(mb_schema_class_at(s, i));
}

static void test_type_names(void **state)
{
	int t;

	(void)state;
	for (t = MB_T_STRING; t <= MB_T_WSTR; t++)
		assert_int_equal(mb_type_parse(mb_type_name(t)), t);
	assert_string_equal(mb_type_name(MB_T_DWORD), "DWORD");
	assert_string_equal(mb_type_name(MB_T_EXPANDSZ), "EXPANDSZ");
	assert_int_equal(mb_type_parse("multisz"), MB_T_MULTISZ);
	assert_int_equal(mb_type_parse("LONG"), MB_T_UNKNOWN);
	assert_int_equal(mb_type_parse(NULL), MB_T_UNKNOWN);
	assert_string_equal(mb_type_name((enum mb_type)99), "UNKNOWN");
}

/* ---- loading --------------------------------------------------------- */

static void assert_same_prop(const struct mb_prop *a, const struct mb_prop *b)
{
	unsigned i;

	assert_string_equal(a->name, b->name);
	assert_int_equal(a->id, b->id);
	assert_int_equal(a->type, b->type);
	assert_string_equal(a->user_type, b->user_type);
	assert_int_equal(a->attrs, b->attrs);
	assert_int_equal(a->meta, b->meta);
	if (a->default_value || b->default_value)
		assert_string_equal(a->default_value, b->default_value);
	assert_int_equal(a->has_start, b->has_start);
	assert_int_equal(a->has_end, b->has_end);
	assert_int_equal(a->start, b->start);
	assert_int_equal(a->end, b->end);
	assert_int_equal(a->nflags, b->nflags);
	for (i = 0; i < a->nflags; i++) {
		assert_string_equal(a->flags[i].name, b->flags[i].name);
		assert_int_equal(a->flags[i].value, b->flags[i].value);
		assert_int_equal(a->flags[i].id, b->flags[i].id);
	}
}

static void assert_same_class(const struct mb_class *a,
			      const struct mb_class *b)
{
	assert_string_equal(a->name, b->name);
	assert_string_equal(a->container_list, b->container_list);
	assert_int_equal(a->nprops, b->nprops);
	assert_memory_equal(a->props, b->props,
			    a->nprops * sizeof(a->props[0]));
}

/* ---- key containment (ContainerClassList) ---------------------------- */

static int may(const char *parent, const char *child)
{
	return mb_schema_may_contain(mb_schema_builtin(), parent, child);
}

struct contain_case {
	const char *parent, *child;
	int want;
};

static void assert_contain(const struct contain_case *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (may(c[i].parent, c[i].child) != c[i].want)
			fail_msg("%s may contain %s: expected %d", c[i].parent,
				 c[i].child, c[i].want);
	}
}

/* Each answer checked against the corpus MBSchema.xml's lists. */
static void test_may_contain(void **state)
{
	static const struct contain_case cases[] = {
		{ "IIsWebService", "IIsWebServer", 1 },
		{ "IIsWebService", "IIsApplicationPools", 1 },
		{ "IIsWebServer", "IIsWebVirtualDir", 1 },
		{ "IIsWebVirtualDir", "IIsWebDirectory", 1 },
		{ "IIsWebVirtualDir", "IIsWebVirtualDir", 1 },
		{ "IIsWebVirtualDir", "IIsWebFile", 1 },
		{ "IIsWebDirectory", "IIsWebVirtualDir", 1 },
		{ "IIsApplicationPools", "IIsApplicationPool", 1 },
		{ "IIsFtpServer", "IIsFtpVirtualDir", 1 },
		{ "IIsWebServer", "IIsWebServer", 0 },
		{ "IIsWebService", "IIsWebVirtualDir", 0 },
		{ "IIsWebVirtualDir", "IIsFtpVirtualDir", 0 },
		{ "IIsWebVirtualDir", "IIsWebServer", 0 },
		{ "IIsWebFile", "IIsWebFile", 0 },
		{ "IIsApplicationPool", "IIsApplicationPool", 0 },
		{ "IIsComputer", "IIsLogModules", 0 },
		{ "IIsComputer", "IIS_Global", 0 },
		{ "IIsComputer", "IIsComputer", 0 },
	};

	(void)state;
	assert_contain(cases, sizeof(cases) / sizeof(cases[0]));
}

/* A key without KeyType is IIsObject to ADSI, on both sides. */
static void test_may_contain_generic(void **state)
{
	static const struct contain_case cases[] = {
		{ "IIsComputer", "IIsConfigObject", 1 },
		{ "IIsWebVirtualDir", "IIsConfigObject", 1 },
		{ "IIsConfigObject", "IIsConfigObject", 1 },
		{ "IIsConfigObject", "IIsObject", 1 },
		{ "IIsObject", "IIsConfigObject", 1 },
		{ "IIsConfigObject", "IIsWebServer", 0 },
		{ "IIsConfigObject", "IIsWebVirtualDir", 0 },
		{ "IIsApplicationPools", "IIsConfigObject", 0 },
		{ "IIsFtpVirtualDir", "IIsConfigObject", 0 },
	};
	const struct mb_schema *b = mb_schema_builtin();

	(void)state;
	assert_contain(cases, sizeof(cases) / sizeof(cases[0]));
	assert_string_equal(mb_schema_containers(b, "IIsConfigObject"),
			    "IIsObject");
	assert_string_equal(mb_schema_containers(NULL, "IIsWebServer"),
			    "IIsObject,IIsCertMapper,IIsFilters,"
			    "IIsWebVirtualDir");
	assert_string_equal(mb_schema_containers(b, "IIsWebFile"), "");
	assert_null(mb_schema_containers(b, "NoSuchClass"));
	assert_null(mb_schema_containers(b, NULL));
}

/* Unknown classes: nothing to decide from. Class names are exact case. */
static void test_may_contain_unknown(void **state)
{
	static const struct contain_case cases[] = {
		{ "NoSuchClass", "IIsWebVirtualDir", -1 },
		{ "IIsWebServer", "NoSuchClass", -1 },
		{ "iiswebserver", "IIsWebVirtualDir", -1 },
		{ "IIsWebServer", "iiswebvirtualdir", -1 },
		{ "IIsWebServer", NULL, -1 },
		{ NULL, "IIsWebServer", -1 },
	};

	(void)state;
	assert_contain(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_load_corpus(void **state)
{
	const struct mb_schema *b = mb_schema_builtin();
	const char *corpus = getenv("MB_CORPUS");
	struct mb_schema *s = NULL;
	struct mb_error err;
	char path[4096];
	size_t i;

	(void)state;
	if (!corpus)
		fx_corpus_absent();
	snprintf(path, sizeof(path), "%s%s", corpus, CORPUS_SCHEMA);
	if (access(path, R_OK) != 0)
		fx_corpus_absent();
	mb_error_clear(&err);
	assert_int_equal(mb_schema_load(path, &s, &err), MB_OK);
	assert_int_equal(mb_schema_nprops(s), mb_schema_nprops(b));
	assert_int_equal(mb_schema_nclasses(s), mb_schema_nclasses(b));
	for (i = 0; i < mb_schema_nprops(b); i++)
		assert_same_prop(mb_schema_prop_at(s, i),
				 mb_schema_prop_at(b, i));
	for (i = 0; i < mb_schema_nclasses(b); i++)
		assert_same_class(mb_schema_class_at(s, i),
				  mb_schema_class_at(b, i));
	assert_false(mb_schema_class_has(s,
		mb_schema_class(s, "IIsWebDirectory"),
		mb_schema_prop(s, "uncusername")));
	mb_schema_free(s);
}

/*
 * The twin of test_load_corpus: the built-in table written as an
 * MBSchema.xml (tests/schemaw.c) and loaded back is the same table, and
 * an extra property the file declares is there, in the classes it names.
 */
static void write_temp(char *path, size_t size, const char *text);

static void test_load_twin(void **state)
{
	static const struct schemaw_extra x[] = {
		{ "SiteExtension", 70001, "DWORD", "INHERIT",
		  "IIsWebServer,IIsWebVirtualDir" },
	};
	const struct mb_schema *b = mb_schema_builtin();
	const struct mb_prop *p;
	struct mb_schema *s = NULL;
	struct mb_error err;
	char path[4096];
	size_t i;
	FILE *f;

	(void)state;
	write_temp(path, sizeof(path), "");
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(schemaw_write(f, b, x, 1), 0);
	assert_int_equal(fclose(f), 0);
	mb_error_clear(&err);
	assert_int_equal(mb_schema_load(path, &s, &err), MB_OK);
	unlink(path);
	assert_int_equal(mb_schema_nprops(s), mb_schema_nprops(b) + 1);
	assert_int_equal(mb_schema_nclasses(s), mb_schema_nclasses(b));
	for (i = 0; i < mb_schema_nprops(b); i++)
		assert_same_prop(mb_schema_prop_at(s, i),
				 mb_schema_prop_at(b, i));
	p = mb_schema_prop(s, "siteextension");
	assert_non_null(p);
	assert_int_equal(p->id, 70001);
	assert_int_equal(p->type, MB_T_DWORD);
	assert_true(mb_schema_class_has(s, mb_schema_class(s, "IIsWebServer"),
					p));
	assert_false(mb_schema_class_has(s, mb_schema_class(s,
					 "IIsWebDirectory"), p));
	assert_null(mb_schema_prop(b, "SiteExtension"));
	mb_schema_free(s);
}

/* Write text to a fresh temporary file; the caller unlinks it. */
static void write_temp(char *path, size_t size, const char *text)
{
	const char *dir = getenv("TMPDIR");
	FILE *f;
	int fd;

	snprintf(path, size, "%s/test_schema.XXXXXX", dir ? dir : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Load text; return the status, with the error in *err. */
static enum mb_status load_text(const char *text, struct mb_schema **s,
				struct mb_error *err)
{
	char path[4096];
	enum mb_status rc;

	write_temp(path, sizeof(path), text);
	mb_error_clear(err);
	rc = mb_schema_load(path, s, err);
	unlink(path);
	return rc;
}

static void assert_refused(const char *text, long line, const char *why)
{
	struct mb_schema *s = (struct mb_schema *)&s;
	struct mb_error err;

	assert_int_equal(load_text(text, &s, &err), MB_EFILE);
	assert_null(s);
	assert_int_equal(err.status, MB_EFILE);
	assert_int_equal(err.line, line);
	assert_non_null(strstr(err.subject, "test_schema."));
	assert_non_null(strstr(err.reason, why));
}

/* A small schema in the real file's own style (BOM, " =", tabs, " | "). */
#define HEAD "\xef\xbb\xbf<?xml version =\"1.0\"?>\n" \
	"<MetaData xmlns=\"x-urn:microsoft-catalog:MetaData_V7\">\n" \
	"<DatabaseMeta InternalName =\"METABASE\">\n"
#define MASTER_OPEN "<Collection InternalName =\"IIsConfigObject\">\n"
#define PROP_A "<Property InternalName =\"Alpha\"\tID=\"10\"\tType=\"DWORD\"" \
	"\tUserType=\"IIS_MD_UT_FILE\"\tAttributes=\"INHERIT | SECURE\"" \
	"\tDefaultValue=\"F2\"\tStartingNumber=\"0\" EndingNumber=\"7\">\n" \
	"<Flag InternalName =\"F2\" Value=\"2\" ID=\"11\"/>\n" \
	"<Flag InternalName =\"F1\" Value=\"1\" ID=\"12\"/>\n</Property>\n"
#define PROP_B "<Property InternalName =\"beta\" ID=\"5\" Type=\"BOOL\"" \
	" Attributes=\"NO_ATTRIBUTES\" MetaFlags=\"CASEINSENSITIVE | X\"/>\n"
#define TAIL "</DatabaseMeta>\n</MetaData>\n"
#define CLASS_W "<Collection InternalName =\"W\" ContainerClassList=\"W\">\n" \
	"<Property InheritsPropertiesFrom =\"IIsConfigObject:BETA\"/>\n" \
	"<Property InternalName =\"Location\" Type=\"WSTR\"/>\n" \
	"<Property InheritsPropertiesFrom =\"IIsConfigObject:Alpha\"/>\n" \
	"</Collection>\n"

static void test_load_small(void **state)
{
	struct mb_schema *s;
	struct mb_error err;
	const struct mb_prop *a, *b, *parent;
	const struct mb_class *w;

	(void)state;
	assert_int_equal(load_text(HEAD MASTER_OPEN PROP_A PROP_B
				   "</Collection>\n" CLASS_W TAIL, &s, &err),
			 MB_OK);
	a = mb_schema_prop(s, "ALPHA");
	b = mb_schema_prop_by_id(s, 5);
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(b->name, "beta");
	assert_string_equal(b->user_type, "");
	assert_int_equal(b->meta, MB_META_CASEINSENSITIVE);
	assert_null(b->default_value);
	assert_int_equal(a->attrs, MB_ATTR_INHERIT | MB_ATTR_SECURE);
	assert_true(a->has_start && a->has_end && a->end == 7);
	assert_int_equal(a->nflags, 2);
	assert_string_equal(a->flags[0].name, "F2");
	assert_ptr_equal(mb_schema_flag(s, "f1", &parent), &a->flags[1]);
	assert_ptr_equal(parent, a);
	w = mb_schema_class(s, "W");
	assert_non_null(w);
	assert_int_equal(w->nprops, 2);
	assert_int_equal(w->props[0], 0); /* sorted: Alpha is prop 0 */
	assert_true(mb_schema_class_has(s, w, b));
	assert_non_null(mb_schema_class(s, "IIsConfigObject"));
	mb_schema_free(s);
}

/* A hand-made schema's list: blanks around items, any case, empty items. */
static void test_may_contain_loaded(void **state)
{
	struct mb_schema *s;
	struct mb_error err;

	(void)state;
	assert_int_equal(load_text(HEAD MASTER_OPEN PROP_A "</Collection>\n"
		"<Collection InternalName =\"P\" ContainerClassList="
		"\" c , ,\tW \"/>\n<Collection InternalName =\"W\"/>\n"
		"<Collection InternalName =\"C\"/>\n" TAIL, &s, &err), MB_OK);
	assert_int_equal(mb_schema_may_contain(s, "P", "W"), 1);
	assert_int_equal(mb_schema_may_contain(s, "P", "C"), 1);
	assert_int_equal(mb_schema_may_contain(s, "P", "P"), 0);
	assert_int_equal(mb_schema_may_contain(s, "W", "C"), 0);
	/* this schema has no IIsObject: the generic key is unknown */
	assert_int_equal(mb_schema_may_contain(s, "P", "IIsConfigObject"), -1);
	assert_int_equal(mb_schema_may_contain(s, "IIsConfigObject", "W"), -1);
	assert_string_equal(mb_schema_containers(s, "W"), "");
	mb_schema_free(s);
}

static void test_refuse_doctype(void **state)
{
	(void)state;
	assert_refused("<?xml version=\"1.0\"?>\n"
		       "<!DOCTYPE MetaData [\n<!ENTITY a \"aaaaaaaaaa\">\n"
		       "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n]>\n"
		       "<MetaData>&b;</MetaData>\n", 2, "DOCTYPE");
	assert_refused("<?xml version=\"1.0\"?>\n\n"
		       "<!DOCTYPE MetaData SYSTEM \"file:///etc/passwd\">\n"
		       "<MetaData/>\n", 3, "DOCTYPE");
}

static void test_refuse_truncated(void **state)
{
	(void)state;
	assert_refused(HEAD MASTER_OPEN PROP_A "<Property InternalName =\"",
		       9, "malformed XML");
	assert_refused("", 0, "empty");
}

static void test_refuse_structure(void **state)
{
	struct mb_schema *s;
	struct mb_error err;

	(void)state;
	assert_refused(HEAD "<Collection InternalName =\"W\"/>\n" TAIL, 3,
		       "IIsConfigObject");
	assert_refused(HEAD MASTER_OPEN PROP_A "</Collection>\n" CLASS_W TAIL,
		       11, "IIsConfigObject:BETA");
	assert_refused(HEAD MASTER_OPEN PROP_A PROP_A "</Collection>\n" TAIL,
		       9, "duplicate property name");
	assert_refused(HEAD MASTER_OPEN "<Property InternalName =\"X\" "
		       "ID=\"0x10\" Type=\"DWORD\"/>\n</Collection>\n" TAIL,
		       5, "ID=\"0x10\"");
	assert_refused(HEAD MASTER_OPEN "<Property InternalName =\"X\" "
		       "ID=\"1\" Type=\"LONG\"/>\n</Collection>\n" TAIL,
		       5, "Type=\"LONG\"");
	assert_refused(HEAD MASTER_OPEN "<Property InternalName =\"X\" "
		       "ID=\"1\" Type=\"BOOL\" Attributes=\"INHERIT | ODD\"/>"
		       "\n</Collection>\n" TAIL, 5, "Attributes");
	assert_refused("<?xml version=\"1.0\"?>\n<Other/>\n", 2, "MetaData");
	mb_error_clear(&err);
	assert_int_equal(mb_schema_load("/nonexistent/MBSchema.xml", &s,
					&err), MB_EFILE);
	assert_non_null(strstr(err.reason, "cannot open"));
	mb_schema_free(NULL);
	mb_schema_free((struct mb_schema *)mb_schema_builtin());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_anonymous_account),
		cmocka_unit_test(test_other_facts),
		cmocka_unit_test(test_name_case),
		cmocka_unit_test(test_by_id),
		cmocka_unit_test(test_authflags),
		cmocka_unit_test(test_flag_lookup),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_indexes),
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_load_corpus),
		cmocka_unit_test(test_load_twin),
		cmocka_unit_test(test_load_small),
		cmocka_unit_test(test_may_contain),
		cmocka_unit_test(test_may_contain_generic),
		cmocka_unit_test(test_may_contain_unknown),
		cmocka_unit_test(test_may_contain_loaded),
		cmocka_unit_test(test_refuse_doctype),
		cmocka_unit_test(test_refuse_truncated),
		cmocka_unit_test(test_refuse_structure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
