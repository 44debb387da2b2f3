/* SPDX-License-Identifier: MIT */
/* Security descriptors: the grammar IIS's AdminACLs follow, and SDDL. */
#include <string.h>

#include "mb/sd.h"

/* Ordered by how often they appear in IIS AdminACLs (see sd.h). */
const struct mb_sd_sid mb_sd_sids[] = {
	{ "BA", 16, 16, { 1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x20, 2 } },
	{ "SY", 12, 12, { 1, 1, 0, 0, 0, 0, 0, 5, 18 } },
	{ "WD", 12, 12, { 1, 1, 0, 0, 0, 0, 0, 1, 0 } },
	{ "NS", 12, 12, { 1, 1, 0, 0, 0, 0, 0, 5, 20 } },
	{ "LS", 12, 12, { 1, 1, 0, 0, 0, 0, 0, 5, 19 } },
	{ NULL, 28, 12, { 1, 5, 0, 0, 0, 0, 0, 5, 21 } }, /* domain/machine */
	{ "AU", 12, 12, { 1, 1, 0, 0, 0, 0, 0, 5, 11 } },
	{ "BU", 16, 16, { 1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x21, 2 } },
	{ "BG", 16, 16, { 1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x22, 2 } },
	{ "PU", 16, 16, { 1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x23, 2 } },
	{ "SO", 16, 16, { 1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x25, 2 } },
	{ "BO", 16, 16, { 1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x27, 2 } },
	{ "IS", 16, 16, { 1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x38, 2 } },
	{ "IU", 12, 12, { 1, 1, 0, 0, 0, 0, 0, 5, 4 } },
	{ "NU", 12, 12, { 1, 1, 0, 0, 0, 0, 0, 5, 2 } },
	{ "SU", 12, 12, { 1, 1, 0, 0, 0, 0, 0, 5, 6 } },
	{ "AN", 12, 12, { 1, 1, 0, 0, 0, 0, 0, 5, 7 } },
	{ "ED", 12, 12, { 1, 1, 0, 0, 0, 0, 0, 5, 9 } },
	{ "CO", 12, 12, { 1, 1, 0, 0, 0, 0, 0, 3, 0 } },
	{ "CG", 12, 12, { 1, 1, 0, 0, 0, 0, 0, 3, 1 } },
	{ NULL, 24, 12, { 1, 4, 0, 0, 0, 0, 0, 5, 21 } }, /* domain SID */
	{ NULL, 20, 12, { 1, 3, 0, 0, 0, 0, 0, 5, 5 } },  /* logon SID */
};
const size_t mb_sd_nsids = sizeof(mb_sd_sids) / sizeof(mb_sd_sids[0]);

const uint8_t mb_sd_sid_lens[MB_SD_NSIDLENS] = { 16, 12, 28, 24, 20 };

/* Access masks worth trying when a mask is unknown (IIS MD_ACR_* bits). */
static const uint32_t acr_bits[] = { 0x1, 0x2, 0x8, 0x20, 0x80, 0x40000 };
static const uint32_t common_masks[] = {
	0x10000000, 0x20000000, 0x40000000, 0x80000000, 0xa0000000,
	0xe0000000, 0xf0000000, 0x001f01ff, 0x001200a9, 0x001301bf,
	0x00120089, 0x00120116, 0x000f003f, 0x00020019, 0x000f01ff,
	0x001f0fff, 0x000f0000, 0x00100000, 0x00020000, 0x00060000,
	0x000e0000, 0x001e0000, 0x00010000, 0x00080000, 0x00040000,
};

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/*
 * IIS ACR combinations first (MD_ACR_* bits, with and without
 * MD_ACR_WRITE_DAC), then every other low byte, then generic rights.
 */
size_t mb_sd_mask_cands(unsigned char *out, size_t max)
{
	size_t n = 0, i, b;
	uint32_t m;

	for (i = 0; i < 64 && n < max; i++) {
		for (m = 0, b = 0; b < 6; b++)
			if (i >> b & 1)
				m |= acr_bits[b];
		put_le32(out + 4 * n++, m);
	}
	for (i = 0; i < 512 && n < max; i++) {
		m = (uint32_t)(i & 255) | (i & 256 ? 0x40000u : 0);
		if (m & ~0x400abu)
			put_le32(out + 4 * n++, m);
	}
	for (i = 0; i < sizeof(common_masks) / 4 && n < max; i++)
		put_le32(out + 4 * n++, common_masks[i]);
	return n;
}

size_t mb_sd_sid_cands(unsigned char *out, uint32_t len)
{
	size_t n = 0, t;

	for (t = 0; t < mb_sd_nsids; t++)
		if (mb_sd_sids[t].len == len && mb_sd_sids[t].fixed == len)
			memcpy(out + len * n++, mb_sd_sids[t].b, len);
	return n;
}

/* ---- SDDL ----------------------------------------------------------- */

struct sddl {
	const unsigned char *p;
	size_t n;
	struct mb_buf *out;
};

static int sid_text(const struct sddl *x, size_t off, struct mb_buf *out)
{
	const unsigned char *p = x->p + off;
	size_t k, i, cnt;
	uint64_t auth = 0;

	if (off + 8 > x->n || p[0] != 1 || off + 8 + 4 * (size_t)p[1] > x->n)
		return -1;
	cnt = p[1];
	for (k = 0; k < mb_sd_nsids; k++)
		if (mb_sd_sids[k].sddl && mb_sd_sids[k].len == 8 + 4 * cnt &&
		    !memcmp(mb_sd_sids[k].b, p, mb_sd_sids[k].len))
			return mb_buf_puts(out, mb_sd_sids[k].sddl);
	for (i = 2; i < 8; i++)
		auth = auth << 8 | p[i];
	mb_buf_printf(out, "S-1-%llu", (unsigned long long)auth);
	for (i = 0; i < cnt; i++) {
		const unsigned char *q = p + 8 + 4 * i;

		mb_buf_printf(out, "-%lu", (unsigned long)(q[0] | q[1] << 8 |
			      q[2] << 16 | (uint32_t)q[3] << 24));
	}
	return 0;
}

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static int ace_text(const struct sddl *x, size_t a, struct mb_buf *out)
{
	static const char *const fl[] = { "OI", "CI", "NP", "IO", "ID" };
	const unsigned char *p = x->p + a;
	size_t i;

	if (a + 8 > x->n || p[0] > 2)
		return -1;
	mb_buf_printf(out, "(%s;", p[0] == 0 ? "A" : p[0] == 1 ? "D" : "AU");
	for (i = 0; i < 5; i++)
		if (p[1] >> i & 1)
			mb_buf_puts(out, fl[i]);
	mb_buf_printf(out, ";0x%lx;;;", (unsigned long)le32(p + 4));
	if (sid_text(x, a + 8, out))
		return -1;
	return mb_buf_putc(out, ')');
}

static int acl_text(const struct sddl *x, size_t off, struct mb_buf *out)
{
	size_t a, i, cnt, size;

	if (off + 8 > x->n)
		return -1;
	size = x->p[off + 2] | (size_t)x->p[off + 3] << 8;
	cnt = x->p[off + 4] | (size_t)x->p[off + 5] << 8;
	if (off + size > x->n)
		return -1;
	for (a = off + 8, i = 0; i < cnt; i++) {
		if (a + 4 > off + size || ace_text(x, a, out))
			return -1;
		a += x->p[a + 2] | (size_t)x->p[a + 3] << 8;
	}
	return 0;
}

/* A complete self-relative descriptor as SDDL ("O:BAG:BAD:(A;;...)"). */
int mb_sd_sddl(const unsigned char *p, size_t n, struct mb_buf *out)
{
	struct sddl x = { p, n, out };
	uint32_t own, grp, sacl, dacl;
	unsigned ctl;

	if (n < 20 || p[0] != 1)
		return -1;
	ctl = p[2] | (unsigned)p[3] << 8;
	own = le32(p + 4);
	grp = le32(p + 8);
	sacl = le32(p + 12);
	dacl = le32(p + 16);
	if (own && (mb_buf_puts(out, "O:") || sid_text(&x, own, out)))
		return -1;
	if (grp && (mb_buf_puts(out, "G:") || sid_text(&x, grp, out)))
		return -1;
	if (ctl & 4) {
		mb_buf_printf(out, "D:%s%s", ctl & 0x1000 ? "P" : "",
			      ctl & 0x400 ? "AI" : "");
		/* present but at offset 0: a NULL DACL, which grants all */
		if (dacl ? acl_text(&x, dacl, out)
			 : mb_buf_puts(out, "NO_ACCESS_CONTROL"))
			return -1;
	}
	if ((ctl & 0x10) && sacl &&
	    (mb_buf_puts(out, "S:") || acl_text(&x, sacl, out)))
		return -1;
	return mb_buf_failed(out) ? -1 : 0;
}
