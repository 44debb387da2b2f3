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
	/* The push parser says this of a tag it cannot hold in its window. */
	if (st->failed && strstr(st->msg, "Huge input lookup"))
		return mb_error_set_line(err, MB_EFILE, "parse", doc->path,
			st->line, "malformed XML: the element starting here is "
			"too long (a tag or attribute value over 10 MB; IIS "
			"never writes one); restore the file from History or "
			"a backup");
	if (st->failed || !wellformed)
		return mb_error_set_line(err, MB_EFILE, "parse", doc->path,
			st->line, "malformed XML: %s; restore the file from "
			"History or a backup", st->failed ? st->msg :
			"not well-formed");
	return MB_OK;
}

/*
 * Fed to libxml2 in pieces through the push parser: xmlCreateMemoryParserCtxt
 * would copy the whole file into its own input buffer first, one more file
 * size of memory for nothing (SPEC section 5 caps peak memory at 3x).
 */
#define MB_XML_CHUNK (256u * 1024u)

static int feed(xmlParserCtxtPtr ctxt, const char *p, size_t len)
{
	size_t off = 0, n;

	do {
		n = len - off < MB_XML_CHUNK ? len - off : MB_XML_CHUNK;
		if (xmlParseChunk(ctxt, p + off, (int)n, off + n == len) ||
		    ctxt->disableSAX > 1)
			return -1; /* fatal error or xmlStopParser */
		off += n;
	} while (off < len);
	return 0;
}

enum mb_status mb_doc_check_xml(const struct mb_doc *doc,
				struct mb_error *err)
{
	xmlSAXHandler sax;
	xmlParserCtxtPtr ctxt;
	struct mb_xml_check st;
	size_t first = doc->len < 4 ? doc->len : 4;
	int wf;

	if (doc->len > INT_MAX)
		return mb_error_set(err, MB_EFILE, "parse", doc->path,
				    "file too large (%zu bytes)", doc->len);
	mb_xmlsafe_init();
	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	/* The first bytes only let libxml2 sniff the encoding; nothing is
	 * parsed before the hardening hook is in place. */
	ctxt = xmlCreatePushParserCtxt(&sax, NULL, doc->buf, (int)first,
				       doc->path);
	if (!ctxt)
		return mb_error_set(err, MB_EFILE, "parse", doc->path,
				    "out of memory");
	mb_xmlsafe_hook(ctxt, &st);
	xmlCtxtUseOptions(ctxt, XML_PARSE_NONET);
	feed(ctxt, doc->buf + first, doc->len - first);
	wf = ctxt->wellFormed;
	/* Entity declarations seen before the DOCTYPE stop build a document. */
	if (ctxt->myDoc)
		xmlFreeDoc(ctxt->myDoc);
	xmlFreeParserCtxt(ctxt);
	return report(doc, &st, wf, err);
}
