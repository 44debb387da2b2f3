/* SPDX-License-Identifier: MIT */
/*
 * The libxml2 half of loading: libxml2 decides whether the bytes are a
 * well-formed XML document. It runs as SAX with no content callbacks, so no
 * tree is built: the tokenizer in doc_scan.c builds the index afterwards.
 */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
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

/*
 * Pieces go to libxml2 in chunks of MB_XML_CHUNK: a large piece straight
 * from its bytes, small ones (one key each, when a write re-checks what
 * it changed) gathered in stage first, since a parse call per key would
 * cost more than the key.
 */
struct feed {
	xmlParserCtxtPtr ctxt;
	char *stage;
	size_t n;
};

static int push(struct feed *f, const char *p, size_t len, int last)
{
	return xmlParseChunk(f->ctxt, p, (int)len, last) ||
	       f->ctxt->disableSAX > 1 ? -1 : 0; /* fatal or stopped */
}

static int put(struct feed *f, const char *p, size_t len)
{
	size_t k;

	while (len) {
		if (!f->n && len >= MB_XML_CHUNK) {
			k = MB_XML_CHUNK;
			if (push(f, p, k, 0))
				return -1;
		} else {
			k = len < MB_XML_CHUNK - f->n ? len :
			    MB_XML_CHUNK - f->n;
			memcpy(f->stage + f->n, p, k);
			f->n += k;
			if (f->n == MB_XML_CHUNK && push(f, f->stage, f->n, 0))
				return -1;
			f->n %= MB_XML_CHUNK;
		}
		p += k;
		len -= k;
	}
	return 0;
}

static void feed(struct feed *f, const struct mb_piece *v, size_t n,
		 size_t skip)
{
	size_t i;

	for (i = 0; i < n; i++, skip = 0)
		if (put(f, v[i].p + skip, v[i].n - skip))
			return;
	push(f, f->stage, f->n, 1);
}

enum mb_status mb_doc_check_xml_pieces(const struct mb_doc *doc,
				       const struct mb_piece *v, size_t n,
				       struct mb_error *err)
{
	xmlSAXHandler sax;
	struct feed f = { NULL, NULL, 0 };
	struct mb_xml_check st;
	size_t i, total = 0, first = n && v[0].n < 4 ? v[0].n : n ? 4 : 0;
	int wf;

	for (i = 0; i < n; i++)
		total += v[i].n;
	if (total > INT_MAX)
		return mb_error_set(err, MB_EFILE, "parse", doc->path,
				    "file too large (%zu bytes)", total);
	mb_xmlsafe_init();
	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	/* The first bytes only let libxml2 sniff the encoding; nothing is
	 * parsed before the hardening hook is in place. */
	f.stage = malloc(MB_XML_CHUNK);
	f.ctxt = f.stage ? xmlCreatePushParserCtxt(&sax, NULL, n ? v[0].p :
						   "", (int)first, doc->path)
			 : NULL;
	if (!f.ctxt) {
		free(f.stage);
		return mb_error_set(err, MB_EFILE, "parse", doc->path,
				    "out of memory");
	}
	mb_xmlsafe_hook(f.ctxt, &st);
	xmlCtxtUseOptions(f.ctxt, XML_PARSE_NONET);
	feed(&f, v, n, first);
	wf = f.ctxt->wellFormed;
	/* Entity declarations seen before the DOCTYPE stop build a document. */
	if (f.ctxt->myDoc)
		xmlFreeDoc(f.ctxt->myDoc);
	xmlFreeParserCtxt(f.ctxt);
	free(f.stage);
	return report(doc, &st, wf, err);
}

enum mb_status mb_doc_check_xml(const struct mb_doc *doc,
				struct mb_error *err)
{
	struct mb_piece all = { doc->buf, doc->len };

	return mb_doc_check_xml_pieces(doc, &all, 1, err);
}
