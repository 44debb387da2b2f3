/* SPDX-License-Identifier: MIT */
/*
 * report -o FILE [--stylesheet XSL]: one self-contained HTML page. The
 * facts (key tree with where the anonymous identity comes from, accounts
 * and password groups, doctor findings) are gathered once (report_doc.c).
 * transforms/report.xsl renders the page frame from a small document of
 * totals, under libxslt security preferences that forbid writes, network
 * access and reading any file outside the stylesheet's folder; the rows
 * (accounts, findings, checks, the key tree) are written by mbtool as
 * HTML into the frame's slots, straight to the output (report_priv.h).
 *
 * A hosting server's 250,000 keys as one document and one result tree
 * took 3.5 GB; rendered by libxslt a few thousand keys at a time, 9x the
 * CPU time of xmllint --noout and 11x the file in memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxslt/imports.h>
#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/xslt.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#include "cli.h"
#include "mb/json.h"
#include "mb/write.h"
#include "mb_config.h"
#include "report_priv.h"

#define X(s) ((const xmlChar *)(s))

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

/*
 * Where the serialised page goes: straight into the file (or cli->out for
 * -o -) as libxml2 produces it, never as one string of the whole page.
 */
struct sink {
	struct mb_buf *buf;   /* -o -: the command's output */
	int fd;               /* else the temporary file */
	int bad;
};

static int sink_write(void *ctx, const char *p, int len)
{
	struct sink *s = ctx;

	if (len < 0 || s->bad)
		return -1;
	if (s->buf)
		s->bad = mb_buf_append(s->buf, p, (size_t)len) != 0;
	else
		s->bad = mb_write_all(s->fd, p, (size_t)len) != 0;
	return s->bad ? -1 : len;
}

/* xsltSaveResultTo with the encoding the stylesheet asks for, as
 * xsltSaveResultToString and xsltSaveResultToFd pick it. */
static int save(struct sink *s, xmlDocPtr res, xsltStylesheetPtr xsl)
{
	const xmlChar *enc;
	xmlCharEncodingHandlerPtr h = NULL;
	xmlOutputBufferPtr o;
	int n;

	XSLT_GET_IMPORT_PTR(enc, xsl, encoding)
	if (enc) {
		h = xmlFindCharEncodingHandler((const char *)enc);
		if (h && xmlStrEqual(X(h->name), X("UTF-8")))
			h = NULL;
	}
	o = xmlOutputBufferCreateIO(sink_write, NULL, s, h);
	if (!o)
		return -1;
	n = xsltSaveResultTo(o, res, xsl);
	if (xmlOutputBufferClose(o) < 0 || n < 0)
		s->bad = 1;
	return s->bad ? -1 : 0;
}

static int write_failed(struct cli *cli, const char *out)
{
	return mb_error_set(&cli->err, MB_EFILE, "report", out,
			    "cannot write the output file; nothing was "
			    "written");
}

/*
 * Something that exists and is not a regular file (/dev/null, a FIFO, a
 * terminal) is written to as it is: renaming a temp file over it would
 * replace the device node with a plain file. 1 when out is such a thing
 * and s->fd is open on it, 0 when out is a regular file or absent (a
 * symlink is followed: *real names its target), -1 on error.
 */
static int open_special(const char *out, struct sink *s, char **real)
{
	struct stat st;

	*real = NULL;
	if (stat(out, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (S_ISREG(st.st_mode)) {
		*real = realpath(out, NULL);
		return *real ? 0 : -1;
	}
	s->fd = open(out, O_WRONLY | O_CLOEXEC);
	return s->fd < 0 ? -1 : 1;
}

/* out (mode 0644) is written whole or not at all: into a temporary file
 * in the same folder, renamed over out once it is on disk. */
static int open_out(struct cli *cli, const char *out, struct sink *s,
		    char **tmp)
{
	char *real = NULL;
	size_t tlen;
	int special;

	*tmp = NULL;
	if (strcmp(out, "-") == 0) {
		s->buf = &cli->out;
		return MB_OK;
	}
	special = open_special(out, s, &real);
	if (special)
		return special > 0 ? MB_OK : mb_error_set(&cli->err,
			MB_EFILE, "report", out, "cannot open: %s",
			strerror(errno));
	out = real ? real : out;
	tlen = strlen(out) + sizeof(".tmpXXXXXX");
	*tmp = malloc(tlen);
	if (!*tmp)
		return mb_error_set(&cli->err, MB_EFILE, "report", out,
				    "out of memory");
	snprintf(*tmp, tlen, "%s.tmpXXXXXX", out);
	free(real);
	s->fd = mkstemp(*tmp);
	if (s->fd < 0 || fchmod(s->fd, 0644)) {
		if (s->fd >= 0) {
			close(s->fd);
			unlink(*tmp);
		}
		free(*tmp);
		*tmp = NULL;
		return mb_error_set(&cli->err, MB_EFILE, "report", out,
				    "cannot create the output file; check "
				    "that its folder exists and is writable");
	}
	return MB_OK;
}

/* Keep the page (ok) or drop every byte of it. */
static int close_out(struct cli *cli, const char *out, struct sink *s,
		     char *tmp, size_t start, int ok)
{
	int bad = s->bad;

	if (s->buf) {
		if (!ok || bad) {
			s->buf->len = start;
			if (s->buf->data)
				s->buf->data[start] = '\0';
		}
		return ok && bad ? write_failed(cli, out) : MB_OK;
	}
	if (!tmp) { /* a device or FIFO, written in place */
		bad |= close(s->fd) != 0;
		return ok && bad ? write_failed(cli, out) : MB_OK;
	}
	bad |= !ok || fsync(s->fd) != 0;
	bad |= close(s->fd) != 0;
	if (!bad) {
		/* The temp name is the real target's (a symlink is kept). */
		char *dst = strndup(tmp, strlen(tmp) -
				    (sizeof(".tmpXXXXXX") - 1));

		bad = !dst || rename(tmp, dst) != 0;
		free(dst);
	}
	if (bad)
		unlink(tmp);
	free(tmp);
	return ok && bad ? write_failed(cli, out) : MB_OK;
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

/* One run of report: the stylesheet, the facts and where the page goes. */
struct render {
	struct cli_report rep;
	xsltStylesheetPtr xsl;
	xsltSecurityPrefsPtr sec;
	struct mb_buf part;   /* the page frame, transformed */
	struct sink out;
	const char *failed;   /* why a transform failed, or NULL */
};

static const char TRANSFORM_FAILED[] = "the transform failed (or tried "
	"something the security settings forbid)";

/* Transform in (freed here) into rd->part. */
static int transform(struct render *rd, xmlDocPtr in)
{
	xsltTransformContextPtr ctxt = NULL;
	xmlDocPtr res = NULL;
	struct sink s = { &rd->part, -1, 0 };

	mb_buf_reset(&rd->part);
	/* Nothing more to do once a part failed or the output did. */
	if (rd->failed || rd->out.bad || !in) {
		if (!rd->failed && !rd->out.bad)
			rd->failed = "out of memory";
		xmlFreeDoc(in);
		return -1;
	}
	ctxt = xsltNewTransformContext(rd->xsl, in);
	if (ctxt && !xsltSetCtxtSecurityPrefs(rd->sec, ctxt))
		res = xsltApplyStylesheetUser(rd->xsl, in, NULL, NULL, NULL,
					      ctxt);
	if (!res || ctxt->state != XSLT_STATE_OK || save(&s, res, rd->xsl))
		rd->failed = TRANSFORM_FAILED;
	if (ctxt)
		xsltFreeTransformContext(ctxt);
	xmlFreeDoc(res);
	xmlFreeDoc(in);
	return rd->failed ? -1 : 0;
}

/* The writer's way into the output. */
static int sink_put(void *ctx, const char *p, size_t n)
{
	struct sink *s = ctx;
	int c;

	for (; n > 0 && !s->bad; p += c, n -= (size_t)c) {
		c = n > INT_MAX ? INT_MAX : (int)n;
		sink_write(s, p, c);
	}
	return s->bad ? -1 : 0;
}

/*
 * The page: the stylesheet's frame, and at each of its slots the section
 * that it names, written by mbtool (a stylesheet without slots gets none).
 */
static void render(struct render *rd)
{
	struct cli_html h;
	const char *p, *s, *e;

	if (transform(rd, cli_report_page(&rd->rep)))
		return;
	if (cli_html_init(&h, sink_put, &rd->out)) {
		rd->failed = "out of memory";
		return;
	}
	p = rd->part.data ? rd->part.data : "";
	while ((s = strstr(p, MB_REPORT_SLOT)) && !h.bad) {
		cli_html_rawn(&h, p, (size_t)(s - p));
		s += sizeof(MB_REPORT_SLOT) - 1;
		e = strstr(s, "-->");
		if (!e || cli_report_section(&h, &rd->rep, s,
					     (size_t)(e - s))) {
			rd->failed = "the stylesheet has a slot for a section "
				     "that mbtool does not write (see "
				     "transforms/report.xsl)";
			break;
		}
		p = e + 3;
	}
	if (!rd->failed)
		cli_html_raw(&h, p);
	cli_html_flush(&h);
	if (h.bad && !rd->out.bad)
		rd->failed = "out of memory";
	cli_html_free(&h);
}

/* Read, check and compile the stylesheet at path into rd->xsl. */
static int load_stylesheet(struct cli *cli, struct render *rd,
			   const char *path)
{
	xmlDocPtr sdoc;

	xsltSetGenericErrorFunc(NULL, quiet);
	/*
	 * Read the bytes ourselves: the process-wide entity loader (doc_xml.c)
	 * refuses every fetch, so xsl:include and document() stay dead too.
	 */
	sdoc = read_stylesheet(path);
	if (!sdoc || sdoc->intSubset) {
		xmlFreeDoc(sdoc);
		return mb_error_set(&cli->err, MB_EFILE, "report", path,
				    "the stylesheet is not well-formed XML "
				    "(or has a DOCTYPE)");
	}
	rd->sec = xsltNewSecurityPrefs();
	if (!rd->sec ||
	    xsltSetSecurityPrefs(rd->sec, XSLT_SECPREF_WRITE_FILE,
				 xsltSecurityForbid) ||
	    xsltSetSecurityPrefs(rd->sec, XSLT_SECPREF_CREATE_DIRECTORY,
				 xsltSecurityForbid) ||
	    xsltSetSecurityPrefs(rd->sec, XSLT_SECPREF_READ_NETWORK,
				 xsltSecurityForbid) ||
	    xsltSetSecurityPrefs(rd->sec, XSLT_SECPREF_WRITE_NETWORK,
				 xsltSecurityForbid) ||
	    xsltSetSecurityPrefs(rd->sec, XSLT_SECPREF_READ_FILE,
				 check_read)) {
		xmlFreeDoc(sdoc);
		return mb_error_set(&cli->err, MB_EFILE, "report", NULL,
				    "out of memory");
	}
	rd->xsl = xsltParseStylesheetDoc(sdoc);
	if (!rd->xsl) {
		xmlFreeDoc(sdoc);
		return mb_error_set(&cli->err, MB_EFILE, "report", path,
				    "not a usable XSLT stylesheet");
	}
	return MB_OK; /* sdoc is owned by rd->xsl now */
}

const struct cli_opt cli_report_opts[] = {
	{ CLI_O_OUTPUT, "output", 'o', "FILE|-", "the page (required; - "
	  "writes to standard output)", CLI_OPT_REQUIRED, NULL },
	{ CLI_O_STYLESHEET, "stylesheet", 0, "FILE.xsl", "another XSLT "
	  "stylesheet for the page frame (mbtool writes the rows into its "
	  "mbtool-slot:NAME comments)", 0, NULL },
	CLI_INCLUDE(cli_hives_opts),
	CLI_END,
};

static int parse_args(struct cli *cli, int argc, char **argv,
		      const char **out, const char **style,
		      struct cli_hives *h)
{
	struct cli_parser p;
	int id, st;

	cli_parser_init(&p, "report", cli_report_opts, argc, argv);
	while ((id = cli_next(&p, &cli->err)) != CLI_DONE) {
		if (id == CLI_O_OUTPUT)
			*out = p.val;
		else if (id == CLI_O_STYLESHEET)
			*style = p.val;
		else if (!cli_hives_option(cli, "report", h, id, p.val, &st))
			return cli_unexpected(cli, &p, id);
		else if (st)
			return st;
	}
	if (!*out)
		return cli_usage(cli, "report", "-o FILE is required "
				 "(-o - writes to standard output)");
	return MB_OK;
}

/*
 * -o DIR: one page per metabase, DIR/<the metabase's path, '/' as
 * '_'>.html, so that a folder run never overwrites one page with the
 * next. NULL (cli->err set) on failure; free the result.
 */
static char *page_in(struct cli *cli, const char *dir, const char *file)
{
	size_t n = strlen(dir) + strlen(file) + sizeof("/.html");
	char *p = malloc(n), *c;

	if (!p) {
		mb_error_set(&cli->err, MB_EFILE, "report", dir,
			     "out of memory");
		return NULL;
	}
	while (file[0] == '.' && file[1] == '/')
		file += 2;
	while (*file == '/')
		file++;
	snprintf(p, n, "%s/%s.html", dir, file);
	for (c = p + strlen(dir) + 1; *c; c++)
		if (*c == '/')
			*c = '_';
	return p;
}

/*
 * Where the page goes: -o as given for one file (a regular file, a
 * device, or - for standard output); a folder for one page per file.
 * Several files into one -o FILE would keep only the last page: refused.
 */
static int page_path(struct cli *cli, const struct mb_doc *doc,
		     const char *out, char **page)
{
	struct stat st;

	*page = NULL;
	if (stat(out, &st) == 0 && S_ISDIR(st.st_mode))
		return (*page = page_in(cli, out, doc->path)) ? MB_OK :
		       cli->err.status;
	if (cli->nfiles > 1 && strcmp(out, "-") != 0 &&
	    !(stat(out, &st) == 0 && !S_ISREG(st.st_mode)))
		return cli_usage(cli, "report", "-o %s would hold only the "
				 "last of %d pages: give a folder (-o DIR, "
				 "one page per metabase) or -o -", out,
				 cli->nfiles);
	return MB_OK;
}

/* The page into out, from the facts of doc; rd has its stylesheet. */
static int report(struct cli *cli, struct render *rd,
		  const struct mb_doc *doc, const char *out, const char *path,
		  struct cli_hives *h)
{
	size_t start = cli->out.len;
	struct cli_plain p;
	char *tmp, *page;
	int st = page_path(cli, doc, out, &page);

	if (st)
		return st;
	out = page ? page : out;
	memset(&p, 0, sizeof(p));
	st = cli_hives_load(cli, "report", doc, h);
	if (!st)
		st = cli_hives_unused(cli, "report", h);
	if (!st && h->hs)
		st = cli_plain_solve(cli, "report", doc, &h->src, &p);
	if (!st && cli_report_prepare(&rd->rep, doc, h->hs, h->hs ? &p : NULL))
		st = mb_error_set(&cli->err, MB_EFILE, "report", NULL,
				  "out of memory");
	cli_plain_free(&p);
	if (!st)
		st = cli_out_check(cli, "report", out);
	if (!st)
		st = open_out(cli, out, &rd->out, &tmp);
	if (!st) {
		render(rd);
		st = close_out(cli, out, &rd->out, tmp, start, !rd->failed);
	}
	if (rd->failed)
		st = mb_error_set(&cli->err, MB_EFILE, "report",
				  rd->failed == TRANSFORM_FAILED ? path : NULL,
				  "%s", rd->failed);
	if (!st && strcmp(out, "-") != 0)
		cli_note(cli, "wrote the report page %s", out);
	free(page);
	return st;
}

/*
 * --json: where the page went, and with -o - the page itself as a string
 * (it is in cli->out, the command's output so far).
 */
static int report_json(struct cli *cli, const char *out)
{
	struct mb_buf html;
	struct mb_json j;
	int to_stdout = strcmp(out, "-") == 0;

	html = cli->out;
	mb_buf_init(&cli->out);
	mb_json_init(&j, &cli->out);
	mb_json_obj_begin(&j);
	mb_json_kstr(&j, "output", out);
	mb_json_key(&j, "html");
	if (to_stdout)
		mb_json_strn(&j, html.data ? html.data : "", html.len);
	else
		mb_json_null(&j);
	mb_json_obj_end(&j);
	mb_buf_release(&html);
	return mb_buf_failed(&cli->out) ? mb_error_set(&cli->err, MB_EFILE,
		"report", NULL, "out of memory") : MB_OK;
}

int cmd_report(struct cli *cli, struct mb_doc *doc, int argc,
	       char **argv)
{
	const char *out = NULL, *style = NULL, *path;
	struct cli_hives h = { 0 };
	struct render rd;
	char *real, *slash;
	int st;

	st = parse_args(cli, argc, argv, &out, &style, &h);
	if (st) {
		cli_hives_free(&h);
		return st;
	}
	path = find_stylesheet(style);
	real = realpath(path, NULL);
	if (!real) {
		cli_hives_free(&h);
		return mb_error_set(&cli->err, MB_EFILE, "report", path,
				    "cannot find the stylesheet; give one "
				    "with --stylesheet FILE");
	}
	slash = strrchr(real, '/');
	snprintf(style_dir, sizeof(style_dir), "%.*s",
		 (int)(slash ? slash - real : 0), real);
	free(real);

	memset(&rd, 0, sizeof(rd));
	rd.out.fd = -1;
	mb_buf_init(&rd.part);
	st = load_stylesheet(cli, &rd, path);
	if (!st)
		st = report(cli, &rd, doc, out, path, &h);
	if (!st && cli->json)
		st = report_json(cli, out);
	cli_report_free(&rd.rep);
	cli_hives_free(&h);
	mb_buf_release(&rd.part);
	if (rd.xsl)
		xsltFreeStylesheet(rd.xsl);
	if (rd.sec)
		xsltFreeSecurityPrefs(rd.sec);
	return st;
}
