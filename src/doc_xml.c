/* SPDX-License-Identifier: MIT */
/*
 * The libxml2 half of loading: libxml2 decides whether the bytes are a
 * well-formed XML document. It runs as SAX with no content callbacks, so no
 * tree is built: the tokenizer in doc_scan.c builds the index afterwards.
 */
#include <limits.h>
#include <pthread.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include "doc_priv.h"

struct check {
	int doctype;
	int failed;
	long line;
	char msg[256];
};

static pthread_once_t loader_once = PTHREAD_ONCE_INIT;

/* No external entity, DTD or XInclude may ever be fetched. */
static xmlParserInputPtr deny_loader(const char *url, const char *id,
				     xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

static void install_loader(void)
{
	xmlInitParser();
	xmlSetExternalEntityLoader(deny_loader);
}

static void on_subset(void *ctx, const xmlChar *name, const xmlChar *ext,
		      const xmlChar *sys)
{
	xmlParserCtxtPtr c = ctx;
	struct check *st = c->_private;

	(void)name;
	(void)ext;
	(void)sys;
	if (!st->doctype) {
		st->doctype = 1;
		st->line = xmlSAX2GetLineNumber(c);
	}
	xmlStopParser(c);
}

static void on_error(void *ctx, xmlErrorPtr e)
{
	xmlParserCtxtPtr c = ctx;
	struct check *st = c->_private;
	size_t n;

	if (st->failed || !e || e->level < XML_ERR_ERROR)
		return;
	st->failed = 1;
	st->line = e->line;
	snprintf(st->msg, sizeof(st->msg), "%s", e->message ? e->message : "");
	n = strlen(st->msg);
	while (n && (st->msg[n - 1] == '\n' || st->msg[n - 1] == ' '))
		st->msg[--n] = '\0';
}

static enum mb_status report(const struct mb_doc *doc, struct check *st,
			     int wellformed, struct mb_error *err)
{
	if (st->doctype)
		return mb_error_set_line(err, MB_EFILE, "parse", doc->path,
			st->line, "document type declarations (DOCTYPE, "
			"entities) are refused: a metabase never has one; "
			"remove it or restore the file from History");
	if (st->failed || !wellformed)
		return mb_error_set_line(err, MB_EFILE, "parse", doc->path,
			st->line, "malformed XML: %s; restore the file from "
			"History or a backup", st->failed ? st->msg :
			"not well-formed");
	return MB_OK;
}

enum mb_status mb_doc_check_xml(const struct mb_doc *doc,
				struct mb_error *err)
{
	xmlSAXHandler sax;
	xmlParserCtxtPtr ctxt;
	struct check st;
	int wf;

	if (doc->len > INT_MAX)
		return mb_error_set(err, MB_EFILE, "parse", doc->path,
				    "file too large (%zu bytes)", doc->len);
	pthread_once(&loader_once, install_loader);
	memset(&st, 0, sizeof(st));
	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.internalSubset = on_subset;
	sax.serror = on_error;
	ctxt = xmlCreateMemoryParserCtxt(doc->buf, (int)doc->len);
	if (!ctxt)
		return mb_error_set(err, MB_EFILE, "parse", doc->path,
				    "out of memory");
	memcpy(ctxt->sax, &sax, sizeof(sax));
	ctxt->_private = &st;
	xmlCtxtUseOptions(ctxt, XML_PARSE_NONET);
	xmlParseDocument(ctxt);
	wf = ctxt->wellFormed;
	/* Entity declarations seen before the DOCTYPE stop build a document. */
	if (ctxt->myDoc)
		xmlFreeDoc(ctxt->myDoc);
	xmlFreeParserCtxt(ctxt);
	return report(doc, &st, wf, err);
}
