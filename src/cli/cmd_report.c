/* SPDX-License-Identifier: MIT */
/*
 * report -o FILE [--stylesheet XSL]: one self-contained HTML page. The
 * facts (key tree with where the anonymous identity comes from, accounts
 * and password groups, doctor findings) go into XML documents built with
 * libxml2's tree API (report_doc.c); transforms/report.xsl turns them into
 * HTML under libxslt security preferences that forbid writes, network
 * access and reading any file outside the stylesheet's folder.
 *
 * The page is written as it is made: the page around the key tree first,
 * then the tree a part of a few thousand keys at a time (report_priv.h),
 * each transformed, serialised straight to the output and freed. A
 * hosting server's 250,000 keys as one document and one result tree took
 * 3.5 GB.
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
	struct mb_buf part;   /* the last transform's output */
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

/* Piece i of the last transform's output: the text after its i-th slot
 * marker, up to the next one (*len), or NULL when it has fewer slots. */
static const char *piece(const struct render *rd, size_t i, size_t *len)
{
	const char *p = rd->part.data ? rd->part.data : "", *e;

	for (; i > 0; i--) {
		p = strstr(p, MB_REPORT_SLOT);
		if (!p)
			return NULL;
		p += sizeof(MB_REPORT_SLOT) - 1;
	}
	e = strstr(p, MB_REPORT_SLOT);
	*len = e ? (size_t)(e - p) : strlen(p);
	return p;
}

static void put(struct render *rd, const char *p, size_t n)
{
	int c;

	for (; n > 0 && !rd->out.bad; p += c, n -= (size_t)c) {
		c = n > INT_MAX ? INT_MAX : (int)n;
		sink_write(&rd->out, p, c);
	}
}

/*
 * Write piece i and keep a copy of piece i + 1 (the rest of the key or
 * page, after its children), which the next transforms overwrite.
 */
static char *put_piece(struct render *rd, size_t i, size_t *tail_len)
{
	const char *p = piece(rd, i, tail_len), *t;
	char *tail;

	if (!p || !(t = piece(rd, i + 1, tail_len))) {
		rd->failed = "the stylesheet does not render the key tree in "
			     "parts (see transforms/report.xsl)";
		return NULL;
	}
	put(rd, p, (size_t)(t - p) - (sizeof(MB_REPORT_SLOT) - 1));
	tail = malloc(*tail_len + 1);
	if (!tail)
		rd->failed = "out of memory";
	else
		memcpy(tail, t, *tail_len);
	return tail;
}

/* Keys on their way into one transform (a part). */
struct batch {
	xmlDocPtr doc;
	xmlNodePtr keys;    /* where they go */
	size_t n;           /* shown keys in it */
};

static void render_children(struct render *rd, size_t parent,
			    unsigned depth);
static void put_key(struct render *rd, struct batch *b, size_t parent,
		    size_t key, unsigned depth);

/* A transformed part (two slots around its keys) into the output. */
static void flush(struct render *rd, struct batch *b)
{
	size_t len;
	char *tail;

	if (!b->doc)
		return;
	if (!transform(rd, b->doc)) {
		tail = put_piece(rd, 1, &len);
		free(tail);
	}
	memset(b, 0, sizeof(*b));
}

/* Where the next keys go, or NULL. */
static xmlNodePtr batch_at(struct render *rd, struct batch *b)
{
	if (!b->doc && !(b->doc = cli_report_part(&rd->rep, &b->keys)))
		rd->failed = "out of memory";
	return b->doc ? b->keys : NULL;
}

static void batch_added(struct render *rd, struct batch *b, size_t n)
{
	b->n += n;
	if (b->n >= MB_REPORT_PART)
		flush(rd, b);
}

/*
 * A key or group with more shown keys than a part holds: its own part
 * around a slot (group: the first of its keys), its children rendered in
 * between.
 */
static void render_big(struct render *rd, size_t parent, size_t key,
		       unsigned depth, int group)
{
	xmlNodePtr keys;
	xmlDocPtr part = cli_report_part(&rd->rep, &keys);
	size_t len, c, end;
	struct batch b = { NULL, NULL, 0 };
	char *tail;

	if (part && group)
		cli_report_group(&rd->rep, keys, parent, key, depth, 0);
	else if (part)
		cli_report_key(&rd->rep, keys, key, depth, 0);
	if (transform(rd, part) || !(tail = put_piece(rd, 1, &len)))
		return;
	if (!group) {
		render_children(rd, key, depth + 1);
	} else {
		end = cli_report_group_end(&rd->rep, parent, key, NULL);
		for (c = key; c != end && !rd->failed;
		     c = cli_report_next(&rd->rep, parent, c))
			put_key(rd, &b, parent, c, depth);
		flush(rd, &b);
	}
	put(rd, tail, len);
	free(tail);
}

static void put_key(struct render *rd, struct batch *b, size_t parent,
		    size_t key, unsigned depth)
{
	xmlNodePtr at;

	if (rd->rep.shown_in[key] > MB_REPORT_PART) {
		flush(rd, b);
		render_big(rd, parent, key, depth, 0);
	} else if ((at = batch_at(rd, b))) {
		cli_report_key(&rd->rep, at, key, depth, 1);
		batch_added(rd, b, rd->rep.shown_in[key]);
	}
}

/* The group of parent's children that starts at first; the next one. */
static size_t put_group(struct render *rd, struct batch *b, size_t parent,
			size_t first, unsigned depth)
{
	size_t size, end = cli_report_group_end(&rd->rep, parent, first,
						&size);
	xmlNodePtr at;

	if (size > MB_REPORT_PART) {
		flush(rd, b);
		render_big(rd, parent, first, depth, 1);
	} else if ((at = batch_at(rd, b))) {
		cli_report_group(&rd->rep, at, parent, first, depth, 1);
		batch_added(rd, b, size);
	}
	return end;
}

/* The children of parent (MB_NOKEY: the roots), about MB_REPORT_PART
 * shown keys per transform. */
static void render_children(struct render *rd, size_t parent, unsigned depth)
{
	struct batch b = { NULL, NULL, 0 };
	size_t c = cli_report_next(&rd->rep, parent, MB_NOKEY);
	int grouped = c != MB_NOKEY && cli_report_grouped(&rd->rep, parent);

	while (c != MB_NOKEY && !rd->failed && !rd->out.bad) {
		if (grouped) {
			c = put_group(rd, &b, parent, c, depth);
		} else {
			put_key(rd, &b, parent, c, depth);
			c = cli_report_next(&rd->rep, parent, c);
		}
	}
	flush(rd, &b);
	xmlFreeDoc(b.doc);
}

/* The page, with the key tree where its slot is (a stylesheet without
 * one gets no tree). */
static void render(struct render *rd)
{
	size_t len;
	char *tail;

	if (transform(rd, cli_report_page(&rd->rep)))
		return;
	if (!piece(rd, 1, &len)) {
		put(rd, rd->part.data ? rd->part.data : "", rd->part.len);
		return;
	}
	tail = put_piece(rd, 0, &len);
	if (!tail)
		return;
	render_children(rd, MB_NOKEY, 0);
	put(rd, tail, len);
	free(tail);
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
	  "stylesheet instead of the built-in one", 0, NULL },
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
