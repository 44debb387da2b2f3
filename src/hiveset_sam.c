// SPDX-License-Identifier: MIT
/*
 * The SAM part of a hive set (include/mb/hiveset.h): the hashed boot key
 * with its checksum, the account domain's policy and SID, the users (F
 * and V values, NT hash decrypted) and the aliases with their members.
 * Offsets: reference/windows-hives.md 3.3-3.5; [MS-SAMR] 2.2.11.1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "hiveset_priv.h"
#include "mb/blob.h"
#include "mb/legacy.h"

#define ACCOUNT "SAM\\Domains\\Account"
#define BUILTIN "SAM\\Domains\\Builtin"
#define KEYDATA 0x68  /* SAM_KEY_DATA in the domain F value */

static const char qwerty[] = "!@#$%^&*()qwertyUIOPAzxcvbnmQQQQQQQQQQQQ)(*@&%";
static const char digits[] = "0123456789012345678901234567890123456789";

static enum mb_status sam_error(struct mb_hive *h, struct mb_error *err,
				const char *what)
{
	return mb_error_set(err, MB_EFILE, "read hive", mb_hive_name(h),
			    "%s: this is not the SAM hive of a Windows XP or "
			    "Server 2003 machine, or it is damaged; give the "
			    "file named SAM from WINDOWS\\system32\\config",
			    what);
}

/* rc4key = MD5(Salt | QWERTY | bootkey | DIGITS); hbk = RC4(Key|CheckSum);
 * then MD5(hbk | DIGITS | hbk | QWERTY) must equal the checksum. */
static enum mb_status hashed_boot_key(struct mb_hiveset *hs,
				      const unsigned char *kd,
				      struct mb_error *err)
{
	unsigned char k[16], out[32], sum[16];
	const void *p1[] = { kd + 8, qwerty, hs->bootkey, digits };
	const size_t l1[] = { 16, sizeof(qwerty), 16, sizeof(digits) };
	const void *p2[] = { out, digits, out, qwerty };
	const size_t l2[] = { 16, sizeof(digits), 16, sizeof(qwerty) };
	enum mb_status st = mb_legacy_md5v(p1, l1, 4, k, err);
	int ok;

	if (!st)
		st = mb_legacy_rc4(k, 16, kd + 24, out, 32, err);
	if (!st)
		st = mb_legacy_md5v(p2, l2, 4, sum, err);
	ok = !st && CRYPTO_memcmp(sum, out + 16, 16) == 0;
	if (ok)
		memcpy(hs->hbk, out, 16);
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(out, sizeof(out));
	if (st)
		return st;
	if (!ok)
		return mb_error_set(err, MB_EFILE, "read hive", hs->sam,
			"the SAM's key checksum fails with the boot key of "
			"'%s': that SYSTEM hive is from another machine (or "
			"the server uses a syskey startup password or "
			"floppy); give the SYSTEM hive copied from the same "
			"server and at the same time as this SAM", hs->system);
	return MB_OK;
}

static int64_t rd_i64(const unsigned char *p)
{
	return (int64_t)hs_rd64(p);
}

/* An age stored as a negative interval; INT64_MIN ("never", as in a
 * hostile or Vista hive) has no positive counterpart and means no limit. */
static int64_t neg_age(int64_t v)
{
	return v == INT64_MIN ? 0 : -v;
}

static enum mb_status read_domain(struct mb_hiveset *hs, struct mb_hive *h,
				  struct mb_buf *v, struct mb_error *err)
{
	const unsigned char *f;
	enum mb_status st = mb_hive_value(h, ACCOUNT, "F", v, err);

	if (st)
		return sam_error(h, err, ACCOUNT " has no F value");
	f = (const unsigned char *)v->data;
	if (v->len < KEYDATA + 8)
		return sam_error(h, err, ACCOUNT "\\F is too short");
	if (hs_rd32(f + KEYDATA) == 2)
		return mb_error_set(err, MB_EFILE, "read hive", mb_hive_name(h),
			"the SAM's key is AES-encrypted (revision 2): this "
			"hive comes from Windows Vista or later; IIS 6 runs "
			"on Windows Server 2003, so it is not the IIS "
			"server's SAM; give the hives of the Windows Server "
			"2003 machine");
	if (hs_rd32(f + KEYDATA) != 1 || v->len < KEYDATA + 56)
		return sam_error(h, err, "unknown SAM key revision");
	/* Policy (impacket DOMAIN_ACCOUNT_F): ages are negative intervals. */
	hs->max_pwd_age = neg_age(rd_i64(f + 0x18));
	hs->lockout_duration = neg_age(rd_i64(f + 0x30));
	hs->lockout_threshold = (unsigned)(f[0x54] | f[0x55] << 8);
	st = hashed_boot_key(hs, f + KEYDATA, err);
	if (st)
		return st;
	if (mb_hive_value(h, ACCOUNT, "V", v, NULL) || v->len < 24 ||
	    mb_hs_sid((unsigned char *)v->data + v->len - 24, 24,
		      hs->domain_sid, sizeof(hs->domain_sid)) < 0)
		return sam_error(h, err, ACCOUNT "\\V holds no domain SID");
	memcpy(hs->domain_sid_bin, v->data + v->len - 24, 24);
	if (mb_hive_time(h, ACCOUNT, &hs->image_time, NULL))
		hs->image_time = 0;
	return MB_OK;
}

/* ---- users --------------------------------------------------------------- */

/* V descriptor i: its data (relative to 0xCC), bounds-checked. */
static const unsigned char *vfield(const struct mb_buf *v, unsigned off,
				   size_t *len)
{
	const unsigned char *p = (const unsigned char *)v->data;
	uint32_t o, n;

	*len = 0;
	if (v->len < 0xCC)
		return NULL;
	o = hs_rd32(p + off);
	n = hs_rd32(p + off + 4);
	if (o > v->len - 0xCC || n > v->len - 0xCC - o)
		return NULL;
	*len = n;
	return p + 0xCC + o;
}

/* The NT hash: RC4 with MD5(hbk | rid | "NTPASSWORD\0"), then DES with
 * two keys spread from the RID ([MS-SAMR] 2.2.11.1.1, 2.2.11.1.3). */
static enum mb_status nt_hash(const struct mb_hiveset *hs,
			      struct mb_hs_user *u, const unsigned char *p,
			      struct mb_error *err)
{
	unsigned char rid[4], k[16], obf[16], k7[7], k8[8];
	const void *parts[] = { hs->hbk, rid, "NTPASSWORD" };
	const size_t lens[] = { 16, 4, 11 };
	enum mb_status st;
	int i, half;

	for (i = 0; i < 4; i++)
		rid[i] = (unsigned char)(u->rid >> (8 * i));
	st = mb_legacy_md5v(parts, lens, 3, k, err);
	if (!st)
		st = mb_legacy_rc4(k, 16, p + 4, obf, 16, err);
	for (half = 0; !st && half < 2; half++) {
		for (i = 0; i < 7; i++)
			k7[i] = rid[(i + 3 * half) % 4];
		mb_legacy_des_key(k7, k8);
		st = mb_legacy_des_decrypt(k8, obf + 8 * half,
					   u->nt + 8 * half, err);
	}
	u->has_nt = !st;
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(obf, sizeof(obf));
	return st;
}

static enum mb_status user_f(struct mb_hs_user *u, const struct mb_buf *f)
{
	const unsigned char *p = (const unsigned char *)f->data;

	if (f->len < 0x44)
		return MB_EFILE;
	u->last_logon = hs_rd64(p + 0x08);
	u->pwd_set = hs_rd64(p + 0x18);
	u->expires = hs_rd64(p + 0x20);
	u->last_bad = hs_rd64(p + 0x28);
	u->flags = hs_rd32(p + 0x38);
	u->bad_count = (unsigned)(p[0x40] | p[0x41] << 8);
	u->logon_count = (unsigned)(p[0x42] | p[0x43] << 8);
	return MB_OK;
}

/* Name, workstations and hours from V; *hash: the NT hash field when a
 * hash is stored (a field of 4 bytes means no password). -1: damaged. */
static int user_v(struct mb_hs_user *u, const struct mb_buf *v,
		  const unsigned char **hash)
{
	const unsigned char *p;
	size_t n;

	p = vfield(v, 0x0C, &n);
	if (!p || !n || !(u->name = mb_hs_utf16(p, n)))
		return -1;
	p = vfield(v, 0x78, &n);
	if (p && n && !(u->workstations = mb_hs_utf16(p, n)))
		return -1;
	p = vfield(v, 0x84, &n);
	if (p && n >= 21) {
		memcpy(u->hours, p, 21);
		u->hours_set = 1;
	}
	p = vfield(v, 0xA8, &n);
	*hash = p && n >= 20 && (p[2] | p[3] << 8) == 1 ? p : NULL;
	return 0;
}

static int is_rid(const char *s, uint32_t *rid)
{
	char *end;
	unsigned long v;

	if (strlen(s) != 8)
		return 0;
	v = strtoul(s, &end, 16);
	*rid = (uint32_t)v;
	return *end == '\0';
}

struct walk {
	struct mb_hiveset *hs;
	struct mb_hive *h;
	struct mb_buf *v;
	int builtin;
};

static enum mb_status grow(void **v, size_t n, size_t size)
{
	void *nv;

	if (n & (n - 1) && n > 8)
		return MB_OK; /* room left (capacity is a power of two) */
	nv = realloc(*v, (n < 8 ? 8 : 2 * n) * size);
	if (!nv)
		return MB_EFILE;
	*v = nv;
	return MB_OK;
}

static enum mb_status read_user(void *ctx, const char *key,
				struct mb_hive_node *node,
				struct mb_error *err)
{
	struct walk *w = ctx;
	struct mb_hiveset *hs = w->hs;
	const unsigned char *hash;
	struct mb_hs_user *u;
	uint32_t rid;

	if (!is_rid(key, &rid))
		return MB_OK; /* the Names sub-key */
	if (grow((void **)&hs->users, hs->nusers, sizeof(*u)))
		return sam_error(w->h, err, "out of memory");
	u = &hs->users[hs->nusers++];
	memset(u, 0, sizeof(*u));
	u->rid = rid;
	if (mb_hive_node_value(node, NULL, "F", w->v, err) || user_f(u, w->v))
		return sam_error(w->h, err, "a user's F value is missing or "
				 "short");
	if (mb_hive_node_value(node, NULL, "V", w->v, err) ||
	    user_v(u, w->v, &hash))
		return sam_error(w->h, err, "a user's V value is missing or "
				 "damaged");
	return hash ? nt_hash(hs, u, hash, err) : MB_OK;
}

static enum mb_status read_users(struct mb_hiveset *hs, struct mb_hive *h,
				 struct mb_buf *v, struct mb_error *err)
{
	struct walk w = { hs, h, v, 0 };
	enum mb_status st = mb_hive_visit(h, ACCOUNT "\\Users", read_user,
					  &w, err);

	if (st == MB_ENOPATH)
		return sam_error(h, err, ACCOUNT "\\Users is missing");
	return st;
}

/* ---- aliases ------------------------------------------------------------- */

/* Alias C value: name at 16/20, members at 40 (offset), 44 (size), 48
 * (count), offsets relative to 52 (winreg-kb Domains.md). */
static int alias_c(struct mb_hs_alias *a, const struct mb_buf *v)
{
	const unsigned char *p = (const unsigned char *)v->data;
	uint32_t no, nl, mo, ms, mc, i;
	size_t avail, off = 0;
	char sid[128];

	if (v->len < 52)
		return -1;
	avail = v->len - 52;
	no = hs_rd32(p + 16), nl = hs_rd32(p + 20);
	mo = hs_rd32(p + 40), ms = hs_rd32(p + 44), mc = hs_rd32(p + 48);
	if (no > avail || nl > avail - no || mo > avail || ms > avail - mo ||
	    mc > ms / 8)
		return -1;
	if (!(a->name = mb_hs_utf16(p + 52 + no, nl)))
		return -1;
	if (mc && !(a->members = calloc(mc, sizeof(char *))))
		return -1;
	for (i = 0; i < mc; i++) {
		int used = mb_hs_sid(p + 52 + mo + off, ms - off, sid,
				     sizeof(sid));

		if (used < 0 || !(a->members[i] = strdup(sid)))
			return -1;
		a->nmembers++;
		off += (size_t)used;
	}
	return 0;
}

static enum mb_status read_alias(void *ctx, const char *key,
				 struct mb_hive_node *node,
				 struct mb_error *err)
{
	struct walk *w = ctx;
	struct mb_hiveset *hs = w->hs;
	struct mb_hs_alias *a;
	uint32_t rid;

	if (!is_rid(key, &rid))
		return MB_OK; /* Names, Members */
	if (grow((void **)&hs->aliases, hs->naliases, sizeof(*a)))
		return sam_error(w->h, err, "out of memory");
	a = &hs->aliases[hs->naliases++];
	memset(a, 0, sizeof(*a));
	a->rid = rid;
	a->builtin = w->builtin;
	if (mb_hive_node_value(node, NULL, "C", w->v, err) || alias_c(a, w->v))
		return sam_error(w->h, err, "a group's C value is missing or "
				 "damaged");
	return MB_OK;
}

static enum mb_status read_aliases(struct mb_hiveset *hs, struct mb_hive *h,
				   const char *dom, int builtin,
				   struct mb_buf *v, struct mb_error *err)
{
	struct walk w = { hs, h, v, builtin };
	char path[64];
	enum mb_status st;

	snprintf(path, sizeof(path), "%s\\Aliases", dom);
	st = mb_hive_visit(h, path, read_alias, &w, err);
	return st == MB_ENOPATH ? MB_OK : st; /* no local groups there */
}

enum mb_status mb_hs_read_sam(struct mb_hiveset *hs, struct mb_hive *h,
			      struct mb_error *err)
{
	struct mb_buf v;
	enum mb_status st;

	mb_buf_init(&v);
	st = read_domain(hs, h, &v, err);
	if (!st)
		st = read_users(hs, h, &v, err);
	if (!st)
		st = read_aliases(hs, h, BUILTIN, 1, &v, err);
	if (!st)
		st = read_aliases(hs, h, ACCOUNT, 0, &v, err);
	mb_buf_wipe(&v);
	return st;
}

/* ---- queries ------------------------------------------------------------- */

const struct mb_hs_user *mb_hiveset_user(const struct mb_hiveset *hs,
					 const char *name)
{
	size_t i;

	for (i = 0; i < hs->nusers; i++)
		if (hs->users[i].name && strcasecmp(hs->users[i].name, name) == 0)
			return &hs->users[i];
	return NULL;
}

const struct mb_hs_alias *mb_hiveset_alias(const struct mb_hiveset *hs,
					   int builtin, uint32_t rid)
{
	size_t i;

	for (i = 0; i < hs->naliases; i++)
		if (hs->aliases[i].builtin == builtin &&
		    hs->aliases[i].rid == rid)
			return &hs->aliases[i];
	return NULL;
}

const struct mb_hs_alias *mb_hiveset_alias_named(const struct mb_hiveset *hs,
						 const char *name)
{
	size_t i;

	for (i = 0; i < hs->naliases; i++)
		if (hs->aliases[i].name &&
		    strcasecmp(hs->aliases[i].name, name) == 0)
			return &hs->aliases[i];
	return NULL;
}

uint32_t mb_hiveset_rights(const struct mb_hiveset *hs, const char *sid)
{
	size_t i;

	for (i = 0; i < hs->nrights; i++)
		if (strcasecmp(hs->rights[i].sid, sid) == 0)
			return hs->rights[i].access;
	return 0;
}

void mb_hiveset_user_sid(const struct mb_hiveset *hs, uint32_t rid,
			 char *out, size_t cap)
{
	snprintf(out, cap, "%s-%lu", hs->domain_sid, (unsigned long)rid);
}

static void machine_sid(const struct mb_hiveset *hs, uint32_t rid,
			struct mb_sd_sid *out)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->b, hs->domain_sid_bin, 24);
	out->len = out->fixed = 24;
	if (rid == 0)
		return;
	out->b[1] = 5;
	out->b[24] = (unsigned char)rid;
	out->b[25] = (unsigned char)(rid >> 8);
	out->b[26] = (unsigned char)(rid >> 16);
	out->b[27] = (unsigned char)(rid >> 24);
	out->len = out->fixed = 28;
}

enum mb_status mb_hiveset_machine_sids(const struct mb_hiveset *hs,
				       struct mb_sd_sid **out, size_t *n,
				       struct mb_error *err)
{
	static const unsigned char nt21[12] = { 1, 4, 0, 0, 0, 0, 0, 5, 21 };
	size_t i, k = 0;

	*out = NULL;
	*n = 0;
	if (memcmp(hs->domain_sid_bin, nt21, sizeof(nt21)))
		return MB_OK;
	*out = calloc(hs->nusers + hs->naliases + 2, sizeof(**out));
	if (!*out)
		return mb_error_set(err, MB_EFILE, "read hive", hs->sam,
				    "out of memory");
	machine_sid(hs, 0, &(*out)[k++]);
	machine_sid(hs, 513, &(*out)[k++]);
	for (i = 0; i < hs->nusers; i++)
		machine_sid(hs, hs->users[i].rid, &(*out)[k++]);
	for (i = 0; i < hs->naliases; i++)
		if (!hs->aliases[i].builtin)
			machine_sid(hs, hs->aliases[i].rid, &(*out)[k++]);
	*n = k;
	return MB_OK;
}

int mb_hiveset_is_member(const struct mb_hs_alias *a, const char *sid)
{
	size_t i;

	for (i = 0; a && i < a->nmembers; i++)
		if (strcasecmp(a->members[i], sid) == 0)
			return 1;
	return 0;
}

enum mb_status mb_hiveset_password(const struct mb_hs_user *u,
				   const char *plain, size_t len,
				   enum mb_pwcmp *out, struct mb_error *err)
{
	struct mb_buf w;
	unsigned char h[16];
	enum mb_status st;

	if (!u->has_nt) {
		*out = len ? MB_PW_SAM_EMPTY : MB_PW_MATCH;
		return MB_OK;
	}
	mb_buf_init(&w);
	st = mb_blob_utf8_to_utf16(plain, len, &w, err);
	/* The encoder adds the value's terminating NUL: not hashed. */
	if (!st)
		st = mb_legacy_md4(w.data, w.len >= 2 ? w.len - 2 : 0, h, err);
	if (!st)
		*out = CRYPTO_memcmp(h, u->nt, 16) == 0 ? MB_PW_MATCH
							 : MB_PW_DIFFERS;
	OPENSSL_cleanse(h, sizeof(h));
	mb_buf_wipe(&w);
	return st;
}
