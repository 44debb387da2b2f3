/* SPDX-License-Identifier: MIT */
/* Shared by hiveset.c (files, SYSTEM, SECURITY) and hiveset_sam.c. */
#ifndef MB_HIVESET_PRIV_H
#define MB_HIVESET_PRIV_H

#include <stdint.h>

#include "mb/buf.h"
#include "mb/hive.h"
#include "mb/hiveset.h"

static inline uint32_t hs_rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t hs_rd64(const unsigned char *p)
{
	return hs_rd32(p) | (uint64_t)hs_rd32(p + 4) << 32;
}

/* A UTF-16LE field as a malloc'd UTF-8 string (NULs dropped). */
char *mb_hs_utf16(const unsigned char *p, size_t len);
/* A binary SID as "S-1-..." into out; -1 when p is not a SID. */
int mb_hs_sid(const unsigned char *p, size_t len, char *out, size_t cap);
/* The SAM part: hashed boot key, domain policy, users, aliases. */
enum mb_status mb_hs_read_sam(struct mb_hiveset *hs, struct mb_hive *sam,
			      struct mb_error *err);

#endif
