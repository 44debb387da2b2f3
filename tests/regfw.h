/* SPDX-License-Identifier: MIT */
/*
 * A minimal registry hive (regf 1.3) writer for tests: a tree of keys
 * with class names and values, written as one base block and one hbin
 * (nk, lf, vk, value-list and data cells). Enough for libregf and
 * samdump2 to read the twins tests/hivegen.c composes; not a general
 * registry editor (no security cells, no big data, no logs).
 */
#ifndef MB_TESTS_REGFW_H
#define MB_TESTS_REGFW_H

#include <stddef.h>
#include <stdint.h>

#define REGFW_SZ 1u
#define REGFW_BINARY 3u
#define REGFW_DWORD 4u

struct regfw_key;

static inline void regfw_put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static inline void regfw_put64(unsigned char *p, uint64_t v)
{
	regfw_put32(p, (uint32_t)v);
	regfw_put32(p + 4, (uint32_t)(v >> 32));
}

struct regfw_key *regfw_new(void);
void regfw_free(struct regfw_key *root);
/* The key at path ("A\\B\\C", made with its parents); NULL: no memory. */
struct regfw_key *regfw_key(struct regfw_key *root, const char *path);
/* Set the key's class name (ASCII, stored as UTF-16LE). */
int regfw_class(struct regfw_key *k, const char *cls);
/* Add a value (name NULL or "": the default value); 0 or -1. */
int regfw_value(struct regfw_key *k, const char *name, uint32_t type,
		const void *data, size_t len);
int regfw_dword(struct regfw_key *k, const char *name, uint32_t v);
/* An ASCII string as REG_SZ (UTF-16LE with its NUL). */
int regfw_sz(struct regfw_key *k, const char *name, const char *s);
/* Write the hive to path; 0 or -1 (errno). */
int regfw_write(struct regfw_key *root, const char *path);

#endif
