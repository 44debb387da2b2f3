/* SPDX-License-Identifier: MIT */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include "mb/xmlsafe.h"

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

void mb_xmlsafe_init(void)
{
	pthread_once(&loader_once, install_loader);
}

/* Called at "<!DOCTYPE": stop before any declaration is even read. */
static void on_subset(void *ctx, const xmlChar *name, const xmlChar *ext,
		      const xmlChar *sys)
{
	xmlParserCtxtPtr c = ctx;
	struct mb_xml_check *st = c->_private;

	(void)name;
	(void)ext;
	(void)sys;
	if (!st->doctype) {
		st->doctype = 1;
		st->line = xmlSAX2GetLineNumber(c);
	}
	xmlStopParser(c);
}

/* Keep the first error; the library never prints. */
static void on_error(void *ctx, xmlErrorPtr e)
{
	xmlParserCtxtPtr c = ctx;
	struct mb_xml_check *st = c->_private;
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

void mb_xmlsafe_hook(xmlParserCtxtPtr ctxt, struct mb_xml_check *st)
{
	memset(st, 0, sizeof(*st));
	ctxt->sax->internalSubset = on_subset;
	ctxt->sax->serror = on_error;
	ctxt->_private = st;
}
