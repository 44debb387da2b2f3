/* SPDX-License-Identifier: MIT */
/*
 * Self-relative security descriptors (the NTACL type: AdminACL): what
 * IIS's descriptors are made of, and their SDDL text.
 *
 * The reveal solver lays descriptors out from this grammar (well-known
 * SIDs, the SID lengths an ACE holds, the access masks IIS writes) and
 * renders a complete one as SDDL; any command that shows a decrypted
 * AdminACL renders it the same way:
 *
 *   struct mb_buf t;
 *   mb_buf_init(&t);
 *   if (mb_sd_sddl(bytes, len, &t) == 0)
 *           ... t.data is "O:BAG:BAD:(A;;0x8b;;;BA)..." ...
 */
#ifndef MB_SD_H
#define MB_SD_H

#include <stddef.h>
#include <stdint.h>

#include "mb/buf.h"

/* A SID as stored: revision 1, count, authority, sub-authorities (LE). */
struct mb_sd_sid {
	const char *sddl;         /* SDDL alias ("BA"), or NULL */
	uint8_t len;              /* bytes */
	uint8_t fixed;            /* leading bytes that are known */
	unsigned char b[28];
};

/*
 * Well-known SIDs, ordered by how often they appear in IIS AdminACLs;
 * entries with fixed < len stand for a family (domain, machine, logon
 * SIDs) whose trailing sub-authorities are per machine.
 */
extern const struct mb_sd_sid mb_sd_sids[];
extern const size_t mb_sd_nsids;

/* The lengths a SID of the table may have, most likely first. */
#define MB_SD_NSIDLENS 5
extern const uint8_t mb_sd_sid_lens[MB_SD_NSIDLENS];

/*
 * Access masks worth trying for an unknown ACE mask, most likely first
 * (IIS MD_ACR_* combinations, other low bytes, generic rights), as 4-byte
 * little-endian values into out; at most max. Returns how many.
 */
size_t mb_sd_mask_cands(unsigned char *out, size_t max);

/* The fully fixed SIDs of the table that are len bytes long, as len-byte
 * values into out (room for mb_sd_nsids). Returns how many. */
size_t mb_sd_sid_cands(unsigned char *out, uint32_t len);

/*
 * A complete self-relative descriptor (p, n bytes) as SDDL, appended to
 * out ("O:BAG:BAD:(A;;0x8b;;;BA)"). 0, or -1 when the bytes are not a
 * descriptor this renderer reads (out may then hold part of the text).
 */
int mb_sd_sddl(const unsigned char *p, size_t n, struct mb_buf *out);

#endif
