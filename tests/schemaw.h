/* SPDX-License-Identifier: MIT */
/*
 * An MBSchema.xml twin (schemaw.c): the built-in schema table written back
 * in the file format mb_schema_load reads, with optional extra properties,
 * so that --schema FILE and the loader run in a clone without the corpus.
 */
#ifndef MB_TESTS_SCHEMAW_H
#define MB_TESTS_SCHEMAW_H

#include <stdio.h>

#include "mb/schema.h"

/* A property the twin adds to IIsConfigObject and to the named classes. */
struct schemaw_extra {
	const char *name;
	unsigned id;
	const char *type;     /* "DWORD", "STRING", ... */
	const char *attrs;    /* "INHERIT", "NO_ATTRIBUTES", ... */
	const char *classes;  /* comma-separated KeyTypes that may hold it */
};

/* 0, or -1 when a write fails. */
int schemaw_write(FILE *f, const struct mb_schema *s,
		  const struct schemaw_extra *x, size_t nx);

#endif
