/* SPDX-License-Identifier: MIT */
/*
 * report -o FILE [--stylesheet XSL]: one self-contained HTML page. The
 * facts (key tree with where the anonymous identity comes from, accounts
 * and password groups) go into an XML document built with libxml2's tree
 * API; transforms/report.xsl turns it into HTML under libxslt security
 * preferences that forbid writes, network access and reading any file
 * outside the stylesheet's folder.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/xslt.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#include "cli.h"
#include "mb/path.h"
#include "mb/query.h"
#include "mb/value.h"
#include "mb_config.h"

/* What the tree shows at each key: the anonymous identity and how it logs
 * on (effective, with where it comes from), and the content's own Path. */
static const struct {
	const char *name;
	int local;   /* only where the key sets it */
} report_props[] = {
	{ "AnonymousUserName", 0 }, { "AnonymousUserPass", 0 },
	{ "AuthFlags", 0 }, { "LogonMethod", 0 }, { "Path", 1 },
};
#define NPROPS (sizeof(report_props) / sizeof(report_props[0]))

#define X(s) ((const xmlChar *)(s))

static void add_prop(xmlNodePtr parent, const struct mb_doc *doc, size_t key,
		     const struct mb_ref *ref, size_t i)
{
	struct mb_prop storage;
	const struct mb_prop *p = mb_ref_display_prop(ref, &storage);
	const char *origin[] = { "local", "inherited", "default", "none" };
	struct mb_result r;
	xmlNodePtr n;

	if (!mb_query_allowed(doc, key, ref) ||
	    mb_query_get(doc, key, ref, report_props[i].local, &r, NULL))
		return;
	n = xmlNewChild(parent, NULL, X("prop"), NULL);
	xmlNewProp(n, X("name"), X(report_props[i].name));
	xmlNewProp(n, X("origin"), X(origin[r.origin]));
	if (r.origin == MB_ORIGIN_INHERITED && r.value.key != MB_NOKEY)
		xmlNewProp(n, X("from"), X(mb_path_display(
			doc->keys[r.value.key].location)));
	/* An unset secure value is "", not a mask over nothing. */
	if (r.text)
		xmlNewProp(n, X("value"), X((p->attrs & MB_ATTR_SECURE) &&
					     *r.text ? MB_MASK : r.text));
	mb_result_release(&r);
}

static void add_key(xmlNodePtr parent, const struct mb_doc *doc, size_t key)
{
	const struct mb_key *k = &doc->keys[key];
	char *type = strndup(doc->buf + k->elem.off, k->elem.len);
	xmlNodePtr n = xmlNewChild(parent, NULL, X("key"), NULL);
	struct mb_ref ref;
	size_t i, c;

	xmlNewProp(n, X("path"), X(mb_path_display(k->location)));
	xmlNewProp(n, X("keytype"), X(type ? type : ""));
	free(type);
	for (i = 0; i < NPROPS; i++) {
		if (mb_query_resolve(doc, key, report_props[i].name, &ref,
				     NULL))
			continue;
		add_prop(n, doc, key, &ref, i);
		mb_ref_release(&ref);
	}
	for (c = k->first_child; c != MB_NOKEY; c = doc->keys[c].next_sibling)
		add_key(n, doc, c);
}

static int add_accounts(xmlNodePtr root, const struct mb_doc *doc)
{
	struct mb_accts a;
	xmlNodePtr list, an, kn;
	char buf[64];
	size_t i, j;

	if (mb_accts_collect(doc, NULL, 1, &a)) {
		mb_accts_free(&a);
		return -1;
	}
	list = xmlNewChild(root, NULL, X("accounts"), NULL);
	for (i = 0; i < a.n; i++) {
		const struct mb_acct *ac = &a.v[i];

		an = xmlNewChild(list, NULL, X("account"), NULL);
		xmlNewProp(an, X("name"), X(ac->name));
		xmlNewProp(an, X("kind"), X(ac->kind));
		snprintf(buf, sizeof(buf), "%zu", ac->used);
		xmlNewProp(an, X("used"), X(buf));
		snprintf(buf, sizeof(buf), "%d", ac->ngroups);
		xmlNewProp(an, X("groups"), X(buf));
		xmlNewProp(an, X("lockout-risk"),
			   X(ac->ngroups > 1 ? "yes" : "no"));
		for (j = 0; j < ac->nkeys; j++) {
			kn = xmlNewChild(an, NULL, X("set-at"), NULL);
			xmlNewProp(kn, X("path"), X(mb_path_display(
				doc->keys[ac->keys[j]].location)));
			buf[0] = ac->group[j] < 0 ? '-' :
				 (char)('A' + ac->group[j]);
			buf[1] = '\0';
			xmlNewProp(kn, X("password-group"), X(buf));
		}
	}
	mb_accts_free(&a);
	return 0;
}

static void add_finding(xmlNodePtr parent, const struct mb_finding *f)
{
	xmlNodePtr n = xmlNewChild(parent, NULL, X("finding"), NULL), at;
	char group[2] = { 0, 0 };
	size_t i;

	xmlNewProp(n, X("id"), X(f->id));
	xmlNewProp(n, X("severity"), X(f->severity));
	xmlNewProp(n, X("title"), X(f->title));
	for (i = 0; i < f->nkeys; i++) {
		at = xmlNewChild(n, NULL, X("at"), NULL);
		xmlNewProp(at, X("path"), X(f->keys[i].path));
		group[0] = f->keys[i].group;
		if (group[0])
			xmlNewProp(at, X("group"), X(group));
	}
	xmlNewTextChild(n, NULL, X("why"), X(f->why));
	for (i = 0; i < f->nfix; i++)
		xmlNewTextChild(n, NULL, X("fix"), X(f->fix[i]));
}

/* Doctor findings, from the same rules the doctor command prints. */
static int add_doctor(xmlNodePtr root, const struct mb_doc *doc)
{
	struct mb_findings f;
	struct mb_error err;
	xmlNodePtr d;
	char num[32];
	size_t i;

	mb_error_clear(&err);
	if (mb_doctor_run(doc, &f, &err))
		return -1;
	d = xmlNewChild(root, NULL, X("doctor"), NULL);
	snprintf(num, sizeof(num), "%zu", f.problems);
	xmlNewProp(d, X("problems"), X(num));
	for (i = 0; i < f.n; i++)
		add_finding(d, &f.v[i]);
	for (i = 0; i < f.nchecks; i++)
		xmlNewTextChild(d, NULL, X("check"), X(f.checks[i]));
	mb_findings_free(&f);
	return 0;
}

static xmlDocPtr build(const struct mb_doc *doc)
{
	xmlDocPtr x = xmlNewDoc(X("1.0"));
	xmlNodePtr root, keys;
	size_t k;

	if (!x)
		return NULL;
	root = xmlNewDocNode(x, NULL, X("mbreport"), NULL);
	xmlDocSetRootElement(x, root);
	xmlNewProp(root, X("file"), X(doc->path));
	xmlNewProp(root, X("version"), X(MB_VERSION));
	keys = xmlNewChild(root, NULL, X("keys"), NULL);
	for (k = 0; k < doc->nkeys; k++)
		if (doc->keys[k].parent == MB_NOKEY)
			add_key(keys, doc, k);
	if (add_accounts(root, doc) || add_doctor(root, doc)) {
		xmlFreeDoc(x);
		return NULL;
	}
	return x;
}

/* The folder READ_FILE may read from: the stylesheet's own. */
static char style_dir[4096];

static int check_read(xsltSecurityPrefsPtr sec, xsltTransformContextPtr ctxt,
		      const char *value)
{
	size_t n = strlen(style_dir);
	char *real;
	int ok;

	(void)sec;
	(void)ctxt;
	if (!value)
		return 0;
	if (strncmp(value, "file://", 7) == 0)
		value += 7;
	if (strstr(value, "://"))
		return 0;
	real = realpath(value, NULL);
	ok = real && n && strncmp(real, style_dir, n) == 0 &&
	     real[n] == '/';
	free(real);
	return ok;
}

static const char *find_stylesheet(const char *opt)
{
	static const char src[] = MB_SRCDIR "/transforms/report.xsl";

	if (opt)
		return opt;
	if (access(src, R_OK) == 0)
		return src;
	return MB_DATADIR "/report.xsl";
}

static int write_out(struct mb_cli *cli, const char *out, const xmlChar *html,
		     int len)
{
	size_t tlen = strlen(out) + sizeof(".tmpXXXXXX");
	char *tmp;
	FILE *f;
	int fd, bad;

	if (strcmp(out, "-") == 0)
		return mb_buf_append(&cli->out, html, (size_t)len) ?
			mb_error_set(&cli->err, MB_EFILE, "report", NULL,
				     "out of memory") : MB_OK;
	tmp = malloc(tlen);
	if (tmp)
		snprintf(tmp, tlen, "%s.tmpXXXXXX", out);
	else
		return mb_error_set(&cli->err, MB_EFILE, "report", out,
				    "out of memory");
	fd = mkstemp(tmp);
	if (fd < 0 || fchmod(fd, 0644) || !(f = fdopen(fd, "wb"))) {
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		free(tmp);
		return mb_error_set(&cli->err, MB_EFILE, "report", out,
				    "cannot create the output file; check "
				    "that its folder exists and is writable");
	}
	bad = fwrite(html, 1, (size_t)len, f) != (size_t)len;
	bad |= fflush(f) != 0 || fsync(fileno(f)) != 0;
	bad |= fclose(f) != 0;
	if (!bad)
		bad = rename(tmp, out) != 0;
	if (bad)
		unlink(tmp);
	free(tmp);
	if (bad)
		return mb_error_set(&cli->err, MB_EFILE, "report", out,
				    "cannot write the output file; nothing "
				    "was written");
	return MB_OK;
}

static xmlDocPtr read_stylesheet(const char *path)
{
	struct mb_buf b;
	char chunk[8192];
	xmlDocPtr d = NULL;
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		return NULL;
	mb_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		mb_buf_append(&b, chunk, n);
	if (!ferror(f) && !mb_buf_failed(&b) && b.len < (size_t)1 << 30)
		d = xmlReadMemory(b.data ? b.data : "", (int)b.len, path, NULL,
				  XML_PARSE_NONET);
	fclose(f);
	mb_buf_release(&b);
	return d;
}

static void quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

int mb_cmd_report(struct mb_cli *cli, struct mb_doc *doc, int argc,
		  char **argv)
{
	const char *out = NULL, *style = NULL, *path, *v;
	xsltSecurityPrefsPtr sec = NULL;
	xsltTransformContextPtr ctxt = NULL;
	xsltStylesheetPtr xsl = NULL;
	xmlDocPtr sdoc = NULL, in = NULL, res = NULL;
	xmlChar *html = NULL;
	char *real, *slash;
	int i, len = 0, st = MB_OK;

	for (i = 1; i < argc; i++) {
		if (mb_cli_value(argc, argv, &i, "-o", &v) ||
		    mb_cli_value(argc, argv, &i, "--output", &v)) {
			if (!v)
				return mb_cli_usage(cli, "report",
						    "-o needs a file (- = stdout)");
			out = v;
		} else if (mb_cli_value(argc, argv, &i, "--stylesheet", &v)) {
			if (!v)
				return mb_cli_usage(cli, "report",
						    "--stylesheet needs a file");
			style = v;
		} else {
			return mb_cli_bad_option(cli, "report", argv[i]);
		}
	}
	if (!out)
		return mb_cli_usage(cli, "report", "-o FILE is required "
				    "(-o - writes to standard output)");
	path = find_stylesheet(style);
	real = realpath(path, NULL);
	if (!real)
		return mb_error_set(&cli->err, MB_EFILE, "report", path,
				    "cannot find the stylesheet; give one "
				    "with --stylesheet FILE");
	slash = strrchr(real, '/');
	snprintf(style_dir, sizeof(style_dir), "%.*s",
		 (int)(slash ? slash - real : 0), real);
	free(real);

	xsltSetGenericErrorFunc(NULL, quiet);
	/*
	 * Read the bytes ourselves: the process-wide entity loader (doc_xml.c)
	 * refuses every fetch, so xsl:include and document() stay dead too.
	 */
	sdoc = read_stylesheet(path);
	if (!sdoc || sdoc->intSubset) {
		st = mb_error_set(&cli->err, MB_EFILE, "report", path,
				  "the stylesheet is not well-formed XML "
				  "(or has a DOCTYPE)");
		goto done;
	}
	sec = xsltNewSecurityPrefs();
	if (!sec ||
	    xsltSetSecurityPrefs(sec, XSLT_SECPREF_WRITE_FILE,
				 xsltSecurityForbid) ||
	    xsltSetSecurityPrefs(sec, XSLT_SECPREF_CREATE_DIRECTORY,
				 xsltSecurityForbid) ||
	    xsltSetSecurityPrefs(sec, XSLT_SECPREF_READ_NETWORK,
				 xsltSecurityForbid) ||
	    xsltSetSecurityPrefs(sec, XSLT_SECPREF_WRITE_NETWORK,
				 xsltSecurityForbid) ||
	    xsltSetSecurityPrefs(sec, XSLT_SECPREF_READ_FILE, check_read)) {
		st = mb_error_set(&cli->err, MB_EFILE, "report", NULL,
				  "out of memory");
		goto done;
	}
	xsl = xsltParseStylesheetDoc(sdoc);
	if (!xsl) {
		st = mb_error_set(&cli->err, MB_EFILE, "report", path,
				  "not a usable XSLT stylesheet");
		goto done;
	}
	sdoc = NULL; /* owned by xsl now */
	in = build(doc);
	if (!in) {
		st = mb_error_set(&cli->err, MB_EFILE, "report", NULL,
				  "out of memory");
		goto done;
	}
	ctxt = xsltNewTransformContext(xsl, in);
	if (!ctxt || xsltSetCtxtSecurityPrefs(sec, ctxt)) {
		st = mb_error_set(&cli->err, MB_EFILE, "report", NULL,
				  "out of memory");
		goto done;
	}
	res = xsltApplyStylesheetUser(xsl, in, NULL, NULL, NULL, ctxt);
	if (!res || ctxt->state != XSLT_STATE_OK ||
	    xsltSaveResultToString(&html, &len, res, xsl) || !html) {
		st = mb_error_set(&cli->err, MB_EFILE, "report", path,
				  "the transform failed (or tried something "
				  "the security settings forbid)");
		goto done;
	}
	st = write_out(cli, out, html, len);
done:
	xmlFree(html);
	if (res)
		xmlFreeDoc(res);
	if (ctxt)
		xsltFreeTransformContext(ctxt);
	if (in)
		xmlFreeDoc(in);
	if (xsl)
		xsltFreeStylesheet(xsl);
	if (sdoc)
		xmlFreeDoc(sdoc);
	if (sec)
		xsltFreeSecurityPrefs(sec);
	return st;
}
