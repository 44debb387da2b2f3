/* SPDX-License-Identifier: MIT */
/*
 * Hardened libxml2 parsing, shared by every reader of XML in libmb: a
 * process-wide entity loader that refuses every fetch (XML_PARSE_NONET does
 * not stop file: URLs on libxml2 2.9), a SAX hook that stops the parse at
 * "<!DOCTYPE" before any declaration is read, and errors captured instead of
 * printed.
 *
 *   struct mb_xml_check st;
 *   mb_xmlsafe_init();
 *   ctxt = xmlCreateMemoryParserCtxt(buf, len);
 *   mb_xmlsafe_hook(ctxt, &st);
 *   xmlCtxtUseOptions(ctxt, XML_PARSE_NONET);
 *   xmlParseDocument(ctxt);   then look at st.doctype, st.failed, st.line
 */
#ifndef MB_XMLSAFE_H
#define MB_XMLSAFE_H

#include <libxml/parser.h>

struct mb_xml_check {
	int doctype;    /* a DOCTYPE was met: the parse was stopped */
	int failed;     /* an error was reported; msg holds the first */
	long line;
	char msg[256];
};

/* Install the deny-all entity loader (once per process, thread-safe). */
void mb_xmlsafe_init(void);
/* Route ctxt's DOCTYPE and error callbacks into st (zeroed here). */
void mb_xmlsafe_hook(xmlParserCtxtPtr ctxt, struct mb_xml_check *st);

#endif
