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
#include "mb/xmlsafe.h"

static enum mb_status report(const struct mb_doc *doc, struct mb_xml_check *st,
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
	struct mb_xml_check st;
	int wf;

	if (doc->len > INT_MAX)
		return mb_error_set(err, MB_EFILE, "parse", doc->path,
				    "file too large (%zu bytes)", doc->len);
	mb_xmlsafe_init();
	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	ctxt = xmlCreateMemoryParserCtxt(doc->buf, (int)doc->len);
	if (!ctxt)
		return mb_error_set(err, MB_EFILE, "parse", doc->path,
				    "out of memory");
	memcpy(ctxt->sax, &sax, sizeof(sax));
	mb_xmlsafe_hook(ctxt, &st);
	xmlCtxtUseOptions(ctxt, XML_PARSE_NONET);
	xmlParseDocument(ctxt);
	wf = ctxt->wellFormed;
	/* Entity declarations seen before the DOCTYPE stop build a document. */
	if (ctxt->myDoc)
		xmlFreeDoc(ctxt->myDoc);
	xmlFreeParserCtxt(ctxt);
	return report(doc, &st, wf, err);
}
