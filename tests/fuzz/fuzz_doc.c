/* SPDX-License-Identifier: MIT */
/* libFuzzer target: mb_doc_parse with the built-in schema. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "mb/doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mb_doc *doc = NULL;
	struct mb_error err;

	mb_error_clear(&err);
	if (mb_doc_parse("fuzz.xml", (const char *)data, size,
			 mb_schema_builtin(), &doc, &err) == MB_OK) {
		/* Walk what was indexed: lookups and decoded text. */
		for (size_t k = 0; k < doc->nkeys; k++) {
			const struct mb_key *key = &doc->keys[k];
			if (key->location &&
			    mb_doc_find(doc, key->location) == MB_NOKEY)
				abort();
			for (unsigned a = 0; a < key->nattrs; a++) {
				char *t = mb_doc_text(doc, key->attrs[a].value);
				free(t);
				(void)mb_doc_attr_prop(doc, &key->attrs[a]);
			}
			(void)mb_doc_line(doc, key->start);
		}
		mb_doc_free(doc);
	}
	return 0;
}
