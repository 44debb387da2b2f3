// SPDX-License-Identifier: MIT
/*
 * hivegen: writes SAM, SYSTEM and SECURITY twins of a Windows XP/2003
 * machine for tests, from a spec, so that every hive path runs without
 * ../shared/corpus/hives. Layouts and algorithms: reference/
 * windows-hives.md 3.2-3.6 (the inverse of src/hiveset*.c's reading).
 *
 *   hivegen SPEC OUTDIR     writes OUTDIR/SAM, OUTDIR/SYSTEM, OUTDIR/SECURITY
 *
 * SPEC, one directive a line ('#' starts a comment; times are Unix
 * seconds; settings first, then users, then aliases and rights):
 *   computer NAME | product WinNT|ServerNT|LanmanNt | bootkey HEX32
 *   domain S-1-5-21-A-B-C | max-password-age DAYS
 *   lockout-duration MINUTES | foreign-system | no-security | vista
 *   user NAME RID [pw=PASSWORD] [flags=HEX] [expires=T] [pwdset=T]
 *        [lastbad=T] [hours=HEX42] [ws=A,B]
 *   alias NAME RID builtin|local MEMBER...  (a user name or a SID)
 *   right SUBJECT HEX                       (ActSysAc bits; name or SID)
 * Passwords are ASCII test passwords; the file is test data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mb/blob.h"
#include "mb/buf.h"
#include "mb/legacy.h"
#include "regfw.h"

#define ACCOUNT "SAM\\Domains\\Account"
#define FT_UNIX 116444736000000000ull
#define FT_SEC 10000000ull
#define MAXUSERS 64

struct gen {
	struct regfw_key *sam, *sys, *sec;
	char computer[64], product[16], domain[96];
	unsigned char bootkey[16], hbk[16];
	int foreign, no_security, vista;
	uint64_t max_age, lockout; /* 100-ns intervals */
	struct {
		char name[64];
		uint32_t rid;
	} users[MAXUSERS];
	size_t nusers;
};

static const char qwerty[] = "!@#$%^&*()qwertyUIOPAzxcvbnmQQQQQQQQQQQQ)(*@&%";
static const char digits[] = "0123456789012345678901234567890123456789";

static int fail(const char *what, const char *arg)
{
	fprintf(stderr, "hivegen: %s '%s'\n", what, arg);
	return -1;
}

static int unhex(const char *s, unsigned char *out, size_t n)
{
	size_t i;

	if (strlen(s) != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	return 0;
}

static uint64_t filetime(const char *unix_s)
{
	return FT_UNIX + (uint64_t)strtoll(unix_s, NULL, 10) * FT_SEC;
}

/* "S-1-A-s1-s2..." as a binary SID into out[68]; its length or -1. */
static int sid_bin(const char *s, unsigned char *out)
{
	unsigned long long auth;
	int n = 0, i;
	char *end;

	if (strncmp(s, "S-1-", 4) != 0)
		return -1;
	auth = strtoull(s + 4, &end, 10);
	out[0] = 1;
	for (i = 0; i < 6; i++)
		out[2 + i] = (unsigned char)(auth >> (8 * (5 - i)));
	while (*end == '-' && n < 15) {
		regfw_put32(out + 8 + 4 * n++,
			    (uint32_t)strtoul(end + 1, &end, 10));
	}
	out[1] = (unsigned char)n;
	return *end ? -1 : 8 + 4 * n;
}

/* A user name's SID, or the argument itself when it is one. */
static int subject_sid(const struct gen *g, const char *who, char *out,
		       size_t cap)
{
	size_t i;

	if (strncmp(who, "S-1-", 4) == 0) {
		snprintf(out, cap, "%s", who);
		return 0;
	}
	for (i = 0; i < g->nusers; i++)
		if (strcasecmp(g->users[i].name, who) == 0) {
			int n = snprintf(out, cap, "%s-%lu", g->domain,
					 (unsigned long)g->users[i].rid);

			return n > 0 && (size_t)n < cap ? 0 : -1;
		}
	return fail("no such user", who);
}

/* ---- SYSTEM --------------------------------------------------------------- */

static int build_system(struct gen *g)
{
	static const char *const parts[] = { "JD", "Skew1", "GBG", "Data" };
	static const unsigned char perm[16] = {
		8, 5, 4, 2, 11, 9, 13, 3, 0, 6, 1, 12, 14, 10, 15, 7,
	};
	unsigned char s[16];
	char path[96], cls[9];
	struct regfw_key *k = regfw_key(g->sys, "Select");
	int i, r = !k || regfw_dword(k, "Current", 1) ||
		   regfw_dword(k, "Default", 1);

	for (i = 0; i < 16; i++) /* another machine: another boot key */
		s[perm[i]] = g->bootkey[i] ^ (g->foreign ? 0x5a : 0);
	for (i = 0; !r && i < 4; i++) {
		snprintf(path, sizeof(path), "ControlSet001\\Control\\Lsa\\%s",
			 parts[i]);
		snprintf(cls, sizeof(cls), "%02x%02x%02x%02x", s[4 * i],
			 s[4 * i + 1], s[4 * i + 2], s[4 * i + 3]);
		k = regfw_key(g->sys, path);
		r = !k || regfw_class(k, cls);
	}
	k = regfw_key(g->sys, "ControlSet001\\Control\\ProductOptions");
	r = r || !k || regfw_sz(k, "ProductType", g->product);
	k = regfw_key(g->sys,
		      "ControlSet001\\Control\\ComputerName\\ComputerName");
	return r || !k || regfw_sz(k, "ComputerName", g->computer) ? -1 : 0;
}

/* ---- SAM: the domain -------------------------------------------------------- */

/* SAM_KEY_DATA at F+0x68: revision 1, salt, RC4(hbk | checksum). */
static int key_data(struct gen *g, unsigned char *kd)
{
	unsigned char k[16], plain[32];
	const void *salt_p[] = { "salt", g->computer };
	const size_t salt_l[] = { 4, strlen(g->computer) };
	const void *hbk_p[] = { "hbk", g->bootkey };
	const size_t hbk_l[] = { 3, 16 };
	const void *p1[] = { kd + 8, qwerty, g->bootkey, digits };
	const size_t l1[] = { 16, sizeof(qwerty), 16, sizeof(digits) };
	const void *p2[] = { g->hbk, digits, g->hbk, qwerty };
	const size_t l2[] = { 16, sizeof(digits), 16, sizeof(qwerty) };

	regfw_put32(kd, 1);
	regfw_put32(kd + 4, 0x30);
	if (mb_legacy_md5v(salt_p, salt_l, 2, kd + 8, NULL) ||
	    mb_legacy_md5v(hbk_p, hbk_l, 2, g->hbk, NULL) ||
	    mb_legacy_md5v(p1, l1, 4, k, NULL) ||
	    mb_legacy_md5v(p2, l2, 4, plain + 16, NULL))
		return -1;
	memcpy(plain, g->hbk, 16);
	return mb_legacy_rc4(k, 16, plain, kd + 24, 32, NULL) ? -1 : 0;
}

static int build_domain(struct gen *g)
{
	unsigned char f[0xa0] = { 2, 0, 1, 0 }, sid[68];
	struct regfw_key *k = regfw_key(g->sam, ACCOUNT);
	int n = sid_bin(g->domain, sid);

	regfw_put64(f + 0x18, (uint64_t)0 - g->max_age);
	regfw_put64(f + 0x30, (uint64_t)0 - g->lockout);
	f[0x54] = g->lockout ? 5 : 0;
	if (!k || n < 0 || key_data(g, f + 0x68))
		return fail("cannot make the domain of", g->domain);
	if (!regfw_key(g->sam, ACCOUNT "\\Users\\Names") ||
	    !regfw_key(g->sam, "SAM\\Domains\\Builtin\\Aliases"))
		return -1;
	return regfw_value(k, "F", REGFW_BINARY, f, sizeof(f)) ||
	       regfw_value(k, "V", REGFW_BINARY, sid, (size_t)n) ? -1 : 0;
}

/* ---- SAM: users ------------------------------------------------------------- */

/* The NT hash field: PekID, revision 1, then MD4(UTF-16LE(pw)) under
 * DES with the RID's keys and RC4 with MD5(hbk | rid | "NTPASSWORD\0").
 * pw is UTF-8, as a spec file and the metabase generator write it; the
 * library's own encoder makes the UTF-16LE, so a twin's non-ASCII
 * password is the one Windows would have hashed. */
static int nt_hash(const char *pw, unsigned char h[16])
{
	struct mb_buf w;
	int st;

	mb_buf_init(&w);
	st = mb_blob_utf8_to_utf16(pw, strlen(pw), &w, NULL) ||
	     mb_legacy_md4(w.data, w.len - 2, h, NULL) ? -1 : 0;
	mb_buf_wipe(&w);
	return st;
}

static int nt_field(const struct gen *g, uint32_t rid, const char *pw,
		    unsigned char out[20])
{
	unsigned char h[16], obf[16], r[4], k[16], k7[7], k8[8];
	const void *parts[] = { g->hbk, r, "NTPASSWORD" };
	const size_t lens[] = { 16, 4, 11 };
	size_t i;
	int half;

	regfw_put32(r, rid);
	if (nt_hash(pw, h))
		return -1;
	for (half = 0; half < 2; half++) {
		for (i = 0; i < 7; i++)
			k7[i] = r[(i + 3 * (size_t)half) % 4];
		mb_legacy_des_key(k7, k8);
		if (mb_legacy_des_encrypt(k8, h + 8 * half, obf + 8 * half,
					  NULL))
			return -1;
	}
	memcpy(out, (unsigned char[4]){ 0, 0, 1, 0 }, 4);
	return mb_legacy_md5v(parts, lens, 3, k, NULL) ||
	       mb_legacy_rc4(k, 16, obf, out + 4, 16, NULL) ? -1 : 0;
}

struct user {
	const char *name, *pw, *ws, *hours;
	uint32_t rid, flags;
	uint64_t expires, pwdset, lastbad;
};

static void user_opt(struct user *u, const char *opt)
{
	const char *v = strchr(opt, '=') ? strchr(opt, '=') + 1 : "";

	if (!strncmp(opt, "pw=", 3))
		u->pw = v;
	else if (!strncmp(opt, "flags=", 6))
		u->flags = (uint32_t)strtoul(v, NULL, 16);
	else if (!strncmp(opt, "expires=", 8))
		u->expires = filetime(v);
	else if (!strncmp(opt, "pwdset=", 7))
		u->pwdset = strcmp(v, "0") ? filetime(v) : 0;
	else if (!strncmp(opt, "lastbad=", 8))
		u->lastbad = filetime(v);
	else if (!strncmp(opt, "hours=", 6))
		u->hours = v;
	else if (!strncmp(opt, "ws=", 3))
		u->ws = v;
}

static void user_f(const struct user *u, unsigned char f[0x50])
{
	memset(f, 0, 0x50);
	f[0] = 2;
	f[2] = 1;
	regfw_put64(f + 0x18, u->pwdset);
	regfw_put64(f + 0x20, u->expires);
	regfw_put64(f + 0x28, u->lastbad);
	regfw_put32(f + 0x30, u->rid);
	regfw_put32(f + 0x34, 513);
	regfw_put32(f + 0x38, u->flags);
	f[0x40] = u->lastbad ? 1 : 0;
}

/* Append field i of V (descriptor at 12*i, data from 0xCC, 4-aligned). */
static void v_field(unsigned char *v, size_t *len, int i, const void *d,
		    size_t n)
{
	regfw_put32(v + 12 * i, (uint32_t)(*len - 0xcc));
	regfw_put32(v + 12 * i + 4, (uint32_t)n);
	memcpy(v + *len, d, n);
	*len += (n + 3) & ~(size_t)3;
}

static void v_string(unsigned char *v, size_t *len, int i, const char *s)
{
	unsigned char w[256] = { 0 };
	size_t n = strlen(s) < 128 ? strlen(s) : 127, j;

	for (j = 0; j < n; j++)
		w[2 * j] = (unsigned char)s[j];
	v_field(v, len, i, w, 2 * n);
}

static int user_v(const struct gen *g, const struct user *u,
		  unsigned char *v, size_t *len)
{
	unsigned char hours[21], nt[20] = { 0, 0, 1, 0 };

	memset(v, 0, 0xcc);
	*len = 0xcc;
	v_string(v, len, 1, u->name);
	v_string(v, len, 10, u->ws ? u->ws : "");
	if (u->hours && unhex(u->hours, hours, 21))
		return fail("hours= needs 42 hex digits", u->hours);
	v_field(v, len, 11, hours, u->hours ? 21 : 0);
	v_field(v, len, 13, nt, 4); /* no LM hash */
	if (u->pw && *u->pw && nt_field(g, u->rid, u->pw, nt))
		return fail("cannot encrypt the hash of", u->name);
	v_field(v, len, 14, nt, u->pw && *u->pw ? 20 : 4);
	return 0;
}

static int build_user(struct gen *g, char **tok, int n)
{
	struct user u = { tok[1], NULL, NULL, NULL, 0, 0x210, 0,
			  filetime("1577836800"), 0 };
	unsigned char f[0x50], v[0xcc + 1024];
	char path[160];
	struct regfw_key *k;
	size_t len;
	int i;

	if (n < 3 || g->nusers == MAXUSERS)
		return fail("bad user line for", n > 1 ? tok[1] : "");
	u.rid = (uint32_t)strtoul(tok[2], NULL, 0);
	u.expires = 0x7fffffffffffffffull;
	for (i = 3; i < n; i++)
		user_opt(&u, tok[i]);
	user_f(&u, f);
	if (user_v(g, &u, v, &len))
		return -1;
	snprintf(path, sizeof(path), ACCOUNT "\\Users\\%08X", u.rid);
	k = regfw_key(g->sam, path);
	if (!k || regfw_value(k, "F", REGFW_BINARY, f, sizeof(f)) ||
	    regfw_value(k, "V", REGFW_BINARY, v, len))
		return -1;
	snprintf(path, sizeof(path), ACCOUNT "\\Users\\Names\\%s", u.name);
	if (!(k = regfw_key(g->sam, path)) ||
	    regfw_value(k, NULL, u.rid, "", 0))
		return -1;
	snprintf(g->users[g->nusers].name, sizeof(g->users[0].name), "%s",
		 u.name);
	g->users[g->nusers++].rid = u.rid;
	return 0;
}

/* ---- aliases and rights ------------------------------------------------------ */

/* C value: name and members at 16/20 and 40/44/48, relative to 52. */
static int build_alias(struct gen *g, char **tok, int n)
{
	unsigned char c[52 + 128 + 32 * 68] = { 0 };
	size_t off = 52, name = strlen(tok[1]) < 60 ? strlen(tok[1]) : 60, i;
	size_t members;
	char path[160], sid[96];
	struct regfw_key *k;
	int m, used;

	if (n < 4 || n > 4 + 32)
		return fail("bad alias line for", n > 1 ? tok[1] : "");
	snprintf(path, sizeof(path), "SAM\\Domains\\%s\\Aliases\\%08lX",
		 strcmp(tok[3], "builtin") ? "Account" : "Builtin",
		 strtoul(tok[2], NULL, 0));
	for (i = 0; i < name; i++)
		c[off + 2 * i] = (unsigned char)tok[1][i];
	regfw_put32(c + 20, (uint32_t)(2 * name));
	off += (2 * name + 3) & ~(size_t)3;
	regfw_put32(c + 40, (uint32_t)(off - 52));
	members = off;
	for (m = 4; m < n; m++) {
		if (subject_sid(g, tok[m], sid, sizeof(sid)) ||
		    (used = sid_bin(sid, c + off)) < 0)
			return fail("bad member", tok[m]);
		off += (size_t)used;
	}
	regfw_put32(c + 44, (uint32_t)(off - members));
	regfw_put32(c + 48, (uint32_t)(n - 4));
	k = regfw_key(g->sam, path);
	return !k || regfw_value(k, "C", REGFW_BINARY, c, off) ? -1 : 0;
}

static int build_right(struct gen *g, char **tok, int n)
{
	char path[160], sid[96];
	unsigned char bits[4];
	struct regfw_key *k;

	if (n != 3 || subject_sid(g, tok[1], sid, sizeof(sid)))
		return fail("bad right line for", n > 1 ? tok[1] : "");
	regfw_put32(bits, (uint32_t)strtoul(tok[2], NULL, 16));
	snprintf(path, sizeof(path), "Policy\\Accounts\\%s\\ActSysAc", sid);
	k = regfw_key(g->sec, path);
	return !k || regfw_value(k, NULL, REGFW_BINARY, bits, 4) ? -1 : 0;
}

/* ---- the spec ------------------------------------------------------------------ */

static int setting(struct gen *g, char **tok, int n)
{
	const char *a = n > 1 ? tok[1] : "";

	if (!strcmp(tok[0], "computer"))
		snprintf(g->computer, sizeof(g->computer), "%s", a);
	else if (!strcmp(tok[0], "product"))
		snprintf(g->product, sizeof(g->product), "%s", a);
	else if (!strcmp(tok[0], "domain"))
		snprintf(g->domain, sizeof(g->domain), "%s", a);
	else if (!strcmp(tok[0], "bootkey"))
		return unhex(a, g->bootkey, 16) ? fail("bad boot key", a) : 0;
	else if (!strcmp(tok[0], "max-password-age"))
		g->max_age = strtoull(a, NULL, 10) * 86400 * FT_SEC;
	else if (!strcmp(tok[0], "lockout-duration"))
		g->lockout = strtoull(a, NULL, 10) * 60 * FT_SEC;
	else if (!strcmp(tok[0], "foreign-system"))
		g->foreign = 1;
	else if (!strcmp(tok[0], "no-security"))
		g->no_security = 1;
	else if (!strcmp(tok[0], "vista"))
		g->vista = 1;
	else
		return fail("unknown directive", tok[0]);
	return 0;
}

/* Pass 0: settings; 1: users; 2: aliases and rights. */
static int directive(struct gen *g, int pass, char **tok, int n)
{
	int which = !strcmp(tok[0], "user") ? 1 :
		    !strcmp(tok[0], "alias") || !strcmp(tok[0], "right") ? 2 : 0;

	if (which != pass)
		return 0;
	if (pass == 0)
		return setting(g, tok, n);
	if (pass == 1)
		return build_user(g, tok, n);
	return tok[0][0] == 'a' ? build_alias(g, tok, n)
				: build_right(g, tok, n);
}

static int run_pass(struct gen *g, FILE *f, int pass)
{
	char line[2048], *tok[48];
	int n;

	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "#\r\n")] = '\0';
		n = 0;
		for (char *t = strtok(line, " \t"); t && n < 48;
		     t = strtok(NULL, " \t"))
			tok[n++] = t;
		if (n && directive(g, pass, tok, n))
			return -1;
	}
	return 0;
}

static int after_settings(struct gen *g)
{
	struct regfw_key *k = regfw_key(g->sec, "Policy\\Accounts");

	if (!k || build_system(g) || build_domain(g))
		return -1;
	if (g->vista && (!(k = regfw_key(g->sec, "Policy\\PolEKList")) ||
			 regfw_value(k, NULL, REGFW_BINARY, "\0\0\0\0", 4)))
		return -1;
	return 0;
}

static int write_all(struct gen *g, const char *dir)
{
	static const char *const names[] = { "SAM", "SYSTEM", "SECURITY" };
	struct regfw_key *trees[] = { g->sam, g->sys, g->sec };
	char path[4096];
	int i;

	for (i = 0; i < 3 - g->no_security; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (regfw_write(trees[i], path))
			return fail("cannot write", path);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct gen g = { .computer = "TWIN", .product = "ServerNT",
			 .domain = "S-1-5-21-1004336348-1177238915-682003330" };
	FILE *f;
	int r, pass;

	if (argc != 3) {
		fprintf(stderr, "usage: hivegen SPEC OUTDIR\n");
		return 2;
	}
	if (!(f = fopen(argv[1], "r")))
		return fail("cannot read", argv[1]) ? 1 : 0;
	g.sam = regfw_new();
	g.sys = regfw_new();
	g.sec = regfw_new();
	r = !g.sam || !g.sys || !g.sec;
	for (pass = 0; !r && pass < 3; pass++)
		r = run_pass(&g, f, pass) || (pass == 0 && after_settings(&g));
	fclose(f);
	if (!r)
		r = write_all(&g, argv[2]);
	regfw_free(g.sam);
	regfw_free(g.sys);
	regfw_free(g.sec);
	return r ? 1 : 0;
}
