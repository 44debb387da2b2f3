/* SPDX-License-Identifier: MIT */
/*
 * mbgen: writes IIS 6 MetaBase.xml files for tests, samples and benchmarks.
 *
 * The secure values are real: a SessionKey SIMPLEBLOB wrapping a 40-bit RC4
 * key under the test exchange key (tests/keys), and IcDb blobs encrypted
 * with it and signed with the test signing key, exactly as IIS writes them.
 * Everything random (passwords, security-descriptor layouts, the RC4 key,
 * PKCS#1 padding) comes from one seeded generator, so a seed names a file.
 * All passwords are invented by the generator.
 *
 *   mbgen --story [-o FILE]        the 401.1 troubleshooting story
 *   mbgen --sites N --vdirs M      a large metabase for benchmarks
 *            --per-site (the hosting layout: every site has its own
 *            anonymous account IUSR_S<n>, and every 10th site sets it again
 *            at ROOT with another password, a lockout risk)
 *   options: --seed S --crlf --no-bom --keys DIR --manifest FILE
 *            --no-acl (no AdminACL at all: no descriptor cribs)
 *            --no-session (no SessionKey: no certain signature anchor)
 *            --mimemap (the story with the IIsMimeMap key at /LM/MimeMap,
 *            its MimeMap list written as IIS writes it: one entry a line,
 *            each continuation line indented by three tabs)
 *            --ftp (the story with an FTP service and its anonymous
 *            accounts too: IUSR_m1 at the service, IUSR_m2 at site 1 with
 *            the web site's blob, IUSR_ftp at its pub folder)
 *
 * --manifest writes "Location<TAB>Property<TAB>plaintext" per secure value
 * (mode 0600) so that tests can compare what reveal finds.
 * --truth FILE (0600) writes every secure value, AdminACLs and the
 * SessionKey included: "Location<TAB>Property<TAB>plaintext hex (UTF-16LE
 * with its terminator for strings)<TAB>blob hex"; a later line for the
 * same value replaces an earlier one (--secure).
 *
 *   mbgen --mix   small files for the solver measurement
 *            (tests/bench/solver.py): the SessionKey, --acls N AdminACLs
 *            (default 2), LogOdbcPassword "sqllog" unless --no-odbc, and
 *            --values N sites (default 4) with their own passwords of
 *            --pw-len MIN-MAX units (0-64, default 8-20); --charset
 *            latin1|cyrillic|cjk|emoji puts 1-3 such characters into one
 *            password in three; --acl-variety draws descriptors of every
 *            component order, control, owner, group, mask and ACE type
 *            with --aces MIN-MAX ACEs (0-8); --null-dacl gives W3SVC's a
 *            NULL DACL; --domain-sids adds S-1-5-21 domain accounts.
 *
 * --set LOCATION:PROP=VALUE and --secure LOCATION:PROP=PLAINTEXT (both
 * repeatable) then set a plain or an encrypted attribute at a key the file
 * already has, so a test can make the one change its case is about (an
 * empty password: --secure /LM/W3SVC:AnonymousUserPass=).
 * --secure-hex LOCATION:PROP=HEX encrypts raw bytes instead (an AdminACL
 * of a given layout: a descriptor naming a machine's own SID).
 *
 * --custom LOCATION:ID:TYPE:ATTRIBUTES:NAME=VALUE (repeatable) adds a
 * <Custom> element as IIS writes one for a property its schema lacks:
 * a newline in VALUE is a MULTISZ line break, written literally. An empty
 * TYPE leaves out Type and UserType, and with an empty NAME that is the
 * incomplete element IIS leaves behind from an unfinished session
 * (--custom /LM/W3SVC/1:9202:::=1).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mb/blob.h"
#include "mb/buf.h"
#include "mb/crypt.h"
#include "mb_config.h"

#define POOL 16

struct attr {
	char *name, *value;
};

struct key {
	char *elem, *loc;
	struct attr *a;
	size_t na, cap;
	int custom;             /* write one <Custom> child (realism) */
	int lines;              /* values with line breaks written as IIS
				   writes MULTISZ and MimeMap: real breaks */
	const char **customs;   /* --custom arguments after LOCATION: */
	size_t ncustoms;
};

struct opts {
	int story, crlf, no_bom, seeded, ftp, per_site, no_acl, no_session;
	int distinct;      /* --distinct: per-site passwords all differ */
	int mimemap;
	unsigned long sites, vdirs;
	unsigned long long seed;
	const char *out, *keys, *manifest, *truth;
	struct mixopts {
		int on, odbc, variety, null_dacl, domain_sids;
		unsigned values, acls, len_min, len_max, ace_min, ace_max;
		const char *charset;
	} mix;
	struct edit {
		int secure;        /* 0 --set, 1 --secure, 2 --custom, 3 --secure-hex */
		const char *arg;   /* LOCATION:PROP=VALUE */
	} *edits;
	size_t nedits;
};

struct gen {
	struct opts o;
	unsigned long long rng;
	struct key *k;
	size_t nk, cap;
	struct mb_rsakey *sign, *exch;
	struct mb_session_key sk;
	struct mb_buf manifest, truth;
	unsigned char machine_sid[12]; /* the three domain sub-authorities */
	unsigned char domain_sid[12];  /* --domain-sids: the domain's */
	char *pool_pw[POOL];
	char *pool_hex[POOL];
	int failed;
};

static void die(const char *msg, const char *what)
{
	fprintf(stderr, "mbgen: %s%s%s\n", msg, what ? ": " : "",
		what ? what : "");
	exit(1);
}

static void *xmalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p)
		die("out of memory", NULL);
	return p;
}

static char *xstrdup(const char *s)
{
	char *p = xmalloc(strlen(s) + 1);

	memcpy(p, s, strlen(s) + 1);
	return p;
}

/* splitmix64: small, seedable, good enough for test data. */
static unsigned long long next_u64(struct gen *g)
{
	unsigned long long z = (g->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned rnd(struct gen *g, unsigned n)
{
	return n ? (unsigned)(next_u64(g) % n) : 0;
}

static void rnd_bytes(struct gen *g, unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)next_u64(g);
}

/* ---- keys and attributes ---------------------------------------------- */

static struct key *key_add(struct gen *g, const char *elem, const char *loc)
{
	struct key *k;

	if (g->nk == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 64;
		g->k = realloc(g->k, g->cap * sizeof(*g->k));
		if (!g->k)
			die("out of memory", NULL);
	}
	k = &g->k[g->nk++];
	memset(k, 0, sizeof(*k));
	k->elem = xstrdup(elem);
	k->loc = xstrdup(loc);
	return k;
}

static void attr_add(struct key *k, const char *name, const char *value)
{
	if (k->na == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 8;
		k->a = realloc(k->a, k->cap * sizeof(*k->a));
		if (!k->a)
			die("out of memory", NULL);
	}
	k->a[k->na].name = xstrdup(name);
	k->a[k->na].value = xstrdup(value);
	k->na++;
}

static void manifest(struct gen *g, const struct key *k, const char *prop,
		     const char *plain)
{
	if (g->o.manifest)
		mb_buf_printf(&g->manifest, "%s\t%s\t%s\n", k->loc, prop,
			      plain);
}

/* --truth: "Location<TAB>Property<TAB>plaintext hex<TAB>blob hex". */
static void truth(struct gen *g, const struct key *k, const char *prop,
		  const unsigned char *v, size_t len, const char *hex)
{
	size_t i;

	if (!g->o.truth)
		return;
	mb_buf_printf(&g->truth, "%s\t%s\t", k->loc, prop);
	for (i = 0; i < len; i++)
		mb_buf_printf(&g->truth, "%02x", v[i]);
	mb_buf_printf(&g->truth, "\t%s\n", hex);
}

static void truth_string(struct gen *g, const struct key *k,
			 const char *prop, const char *pw, const char *hex)
{
	struct mb_buf u;
	struct mb_error e;

	if (!g->o.truth)
		return;
	mb_buf_init(&u);
	if (mb_blob_utf8_to_utf16(pw, strlen(pw), &u, &e) != MB_OK)
		die("bad password", e.reason);
	truth(g, k, prop, (unsigned char *)u.data, u.len, hex);
	mb_buf_wipe(&u);
}

static char *encrypt_hex(struct gen *g, const unsigned char *v, size_t len)
{
	struct mb_blob b;
	struct mb_error e;
	struct mb_buf hex;

	mb_buf_init(&hex);
	if (mb_crypt_value_encrypt(&g->sk, g->sign, v, len, &b, &e) != MB_OK)
		die("cannot encrypt", e.reason);
	mb_blob_emit(&b, &hex);
	mb_blob_free(&b);
	return mb_buf_detach(&hex, NULL);
}

static char *string_hex(struct gen *g, const char *pw)
{
	struct mb_buf u;
	struct mb_error e;
	char *hex;

	mb_buf_init(&u);
	if (mb_blob_utf8_to_utf16(pw, strlen(pw), &u, &e) != MB_OK)
		die("bad password", e.reason);
	hex = encrypt_hex(g, (unsigned char *)u.data, u.len);
	mb_buf_wipe(&u);
	return hex;
}

static void secure_string(struct gen *g, struct key *k, const char *prop,
			  const char *pw)
{
	char *hex = string_hex(g, pw);

	attr_add(k, prop, hex);
	manifest(g, k, prop, pw);
	truth_string(g, k, prop, pw, hex);
	free(hex);
}

/* An anonymous account and its password at k. */
static void anon(struct gen *g, struct key *k, const char *name,
		 const char *pw)
{
	attr_add(k, "AnonymousUserName", name);
	secure_string(g, k, "AnonymousUserPass", pw);
}

/* A password of the pool: the same password always gives the same blob. */
static void pooled(struct gen *g, struct key *k, const char *prop, int i)
{
	attr_add(k, prop, g->pool_hex[i]);
	manifest(g, k, prop, g->pool_pw[i]);
	truth_string(g, k, prop, g->pool_pw[i], g->pool_hex[i]);
}

static char *password(struct gen *g, unsigned len)
{
	char *p = xmalloc(len + 1);
	unsigned i;

	for (i = 0; i < len; i++)
		p[i] = (char)(0x21 + rnd(g, 94));
	return p;
}

/* ---- security descriptors --------------------------------------------- */

struct ace {
	uint8_t type, flags;
	uint32_t mask;
	unsigned char sid[28];
	size_t sidlen;
};

struct sdspec {
	uint16_t control;
	int order;              /* index into sd_orders: 0 is NT's D, O, G */
	int null_dacl;          /* DACL present but NULL: offset 0, no ACL */
	unsigned char owner[28], group[28];
	size_t olen, glen;
	struct ace ace[8];
	size_t nace;
};

static const unsigned char sid_ba[16] = { 1, 2, 0, 0, 0, 0, 0, 5,
					  32, 0, 0, 0, 0x20, 2, 0, 0 };
static const unsigned char sid_bu[16] = { 1, 2, 0, 0, 0, 0, 0, 5,
					  32, 0, 0, 0, 0x21, 2, 0, 0 };
static const unsigned char sid_sy[12] = { 1, 1, 0, 0, 0, 0, 0, 5, 18 };
static const unsigned char sid_wd[12] = { 1, 1, 0, 0, 0, 0, 0, 1, 0 };
static const unsigned char sid_ns[12] = { 1, 1, 0, 0, 0, 0, 0, 5, 20 };
static const unsigned char sid_ls[12] = { 1, 1, 0, 0, 0, 0, 0, 5, 19 };

static size_t sid_machine(struct gen *g, unsigned rid, unsigned char *out)
{
	static const unsigned char hdr[12] = { 1, 5, 0, 0, 0, 0, 0, 5, 21 };

	memcpy(out, hdr, 12);
	memcpy(out + 12, g->machine_sid, 12);
	out[24] = (unsigned char)rid;
	out[25] = (unsigned char)(rid >> 8);
	out[26] = 0;
	out[27] = 0;
	return 28;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static size_t build_acl(const struct sdspec *sp, unsigned char *p)
{
	size_t off = 8, i;

	for (i = 0; i < sp->nace; i++) {
		const struct ace *a = &sp->ace[i];
		size_t size = 8 + a->sidlen;

		p[off] = a->type;
		p[off + 1] = a->flags;
		p[off + 2] = (unsigned char)size;
		p[off + 3] = 0;
		put32(p + off + 4, a->mask);
		memcpy(p + off + 8, a->sid, a->sidlen);
		off += size;
	}
	p[0] = 2;
	p[1] = 0;
	p[2] = (unsigned char)off;
	p[3] = (unsigned char)(off >> 8);
	p[4] = (unsigned char)sp->nace;
	p[5] = p[6] = p[7] = 0;
	return off;
}

/* Component orders: DACL, owner and group. */
static const char sd_orders[6][4] = { "dog", "ogd", "god", "odg", "gdo",
				      "dgo" };

/* A self-relative descriptor, its components in the order sp->order. */
static size_t build_sd(const struct sdspec *sp, unsigned char *out)
{
	unsigned char acl[512];
	size_t alen = sp->null_dacl ? 0 : build_acl(sp, acl), off = 20, i;
	uint32_t at[3] = { 0, 0, 0 }; /* DACL, owner, group; 0 = none */

	memset(out, 0, 20);
	out[0] = 1;
	out[2] = (unsigned char)sp->control;
	out[3] = (unsigned char)(sp->control >> 8);
	for (i = 0; i < 3; i++) {
		char c = sd_orders[sp->order][i];
		const unsigned char *src = c == 'd' ? acl : c == 'o' ?
					   sp->owner : sp->group;
		size_t len = c == 'd' ? alen : c == 'o' ? sp->olen : sp->glen;

		if (!len)
			continue;
		at[c == 'd' ? 0 : c == 'o' ? 1 : 2] = (uint32_t)off;
		memcpy(out + off, src, len);
		off += len;
	}
	put32(out + 4, at[1]);
	put32(out + 8, at[2]);
	put32(out + 16, at[0]);
	return off;
}

static void ace_add(struct sdspec *sp, const unsigned char *sid, size_t len,
		    uint32_t mask, uint8_t flags)
{
	struct ace *a = &sp->ace[sp->nace++];

	a->type = 0;
	a->flags = flags;
	a->mask = mask;
	memcpy(a->sid, sid, len);
	a->sidlen = len;
}

static uint32_t pick_mask(struct gen *g)
{
	static const uint32_t masks[] = { 0x400ab, 0x8b, 0x8, 0x400ff, 0xab,
					  0x9, 0xb, 0x40089, 0x1, 0x400bf };

	return masks[rnd(g, sizeof(masks) / sizeof(masks[0]))];
}

/*
 * Layouts vary the way real servers do: component order, control bits,
 * owner and group, ACE count, flags and masks. The first ACE names a
 * well-known group (IIS lists Administrators or SYSTEM first); machine
 * groups such as IIS_WPG (S-1-5-21-...-rid) come later.
 */
static size_t random_sd(struct gen *g, int root, unsigned char *out)
{
	static const uint8_t flag_set[] = { 0, 0, 0, 0x02, 0x12, 0x03 };
	struct sdspec sp;
	unsigned char sid[28];
	size_t i, extra;

	memset(&sp, 0, sizeof(sp));
	sp.control = (uint16_t)(0x8004 | rnd(g, 4) | (rnd(g, 3) ? 0 : 0x400) |
				(rnd(g, 4) ? 0 : 0x1000));
	sp.order = rnd(g, 3) == 0; /* O, G, D or D, O, G */
	sp.olen = rnd(g, 4) ? 16 : 12;
	memcpy(sp.owner, sp.olen == 16 ? sid_ba : sid_sy, sp.olen);
	i = rnd(g, 3);
	sp.glen = i == 0 ? 12 : 16;
	memcpy(sp.group, i == 0 ? sid_sy : i == 1 ? sid_ba : sid_bu, sp.glen);
	if (rnd(g, 5))
		ace_add(&sp, sid_ba, 16, pick_mask(g), 0);
	else
		ace_add(&sp, sid_sy, 12, pick_mask(g), 0);
	extra = root ? rnd(g, 2) : 1 + rnd(g, 4);
	for (i = 0; i < extra; i++) {
		unsigned which = rnd(g, 5);
		uint8_t fl = flag_set[rnd(g, sizeof(flag_set))];

		if (which == 0)
			ace_add(&sp, sid_wd, 12, 0x8, fl);
		else if (which == 1)
			ace_add(&sp, sid, sid_machine(g, 1000 + rnd(g, 50),
						      sid), pick_mask(g), fl);
		else if (which == 2)
			ace_add(&sp, sid_ns, 12, pick_mask(g), fl);
		else if (which == 3)
			ace_add(&sp, sid_ls, 12, pick_mask(g), fl);
		else
			ace_add(&sp, sid_sy, 12, pick_mask(g), fl);
	}
	return build_sd(&sp, out);
}

static void secure_sd(struct gen *g, struct key *k, int root)
{
	unsigned char sd[1024];
	size_t n = random_sd(g, root, sd);
	char *hex;

	if (g->o.no_acl)
		return; /* drawn all the same: the other values stay as they were */
	hex = encrypt_hex(g, sd, n);

	attr_add(k, "AdminACL", hex);
	truth(g, k, "AdminACL", sd, n, hex);
	free(hex);
}

/* ---- the file ---------------------------------------------------------- */

static void session_key(struct gen *g, struct key *k)
{
	unsigned char raw[5], pad[64];
	struct mb_blob b;
	struct mb_error e;
	struct mb_buf hex;
	static const unsigned char chosen[5] = { 0x6d, 0x62, 0x67, 0x65, 0x6e };

	if (g->o.seeded)
		rnd_bytes(g, raw, sizeof(raw));
	else
		memcpy(raw, chosen, sizeof(raw));
	rnd_bytes(g, pad, sizeof(pad));
	if (mb_crypt_session_set(&g->sk, raw, sizeof(raw), &e) ||
	    mb_crypt_session_wrap(mb_crypt_key_pub(g->exch), g->sign, &g->sk,
				  pad, &b, &e))
		die("cannot make the SessionKey", e.reason);
	mb_buf_init(&hex);
	mb_blob_emit(&b, &hex);
	if (!g->o.no_session) { /* a fragment: values without their key */
		attr_add(k, "SessionKey", hex.data);
		truth(g, k, "SessionKey", NULL, 0, hex.data);
	}
	mb_buf_release(&hex);
	mb_blob_free(&b);
}

static void global_keys(struct gen *g)
{
	struct key *k = key_add(g, "IIS_Global", ".");

	attr_add(k, "BINSchemaTimeStamp", "ba0cc15a0ececb01");
	attr_add(k, "ChangeNumber", "412");
	attr_add(k, "HistoryMajorVersionNumber", "17");
	session_key(g, k);
	attr_add(k, "XMLSchemaTimeStamp", "146fc35a0ececb01");
	secure_sd(g, key_add(g, "IIS_ROOT", "/"), 1);
	k = key_add(g, "IIsComputer", "/LM");
	attr_add(k, "EnableEditWhileRunning", "0");
	attr_add(k, "EnableHistory", "1");
	attr_add(k, "MaxBandwidth", "4294967295");
	attr_add(k, "MaxHistoryFiles", "10");
}

static struct key *w3svc(struct gen *g, const char *anon_pw, const char *wam)
{
	struct key *k = key_add(g, "IIsWebService", "/LM/W3SVC");

	secure_sd(g, k, 0);
	attr_add(k, "AllowKeepAlive", "TRUE");
	anon(g, k, "IUSR_m1", anon_pw);
	attr_add(k, "AppPoolId", "DefaultAppPool");
	attr_add(k, "AuthFlags", "AuthAnonymous | AuthNTLM");
	attr_add(k, "DefaultDoc", "Default.htm,Default.asp,index.htm");
	attr_add(k, "LogOdbcDataSource", "HTTPLOG");
	secure_string(g, k, "LogOdbcPassword", "sqllog");
	attr_add(k, "LogOdbcTableName", "InternetLog");
	attr_add(k, "LogOdbcUserName", "InternetAdmin");
	attr_add(k, "WAMUserName", "IWAM_m1");
	secure_string(g, k, "WAMUserPass", wam);
	k->custom = 1;
	return k;
}

static void app_pools(struct gen *g, const char *pool_pw)
{
	struct key *k = key_add(g, "IIsApplicationPools", "/LM/W3SVC/AppPools");

	attr_add(k, "AppPoolIdentityType", "2");
	attr_add(k, "PeriodicRestartTime", "1740");
	key_add(g, "IIsApplicationPool", "/LM/W3SVC/AppPools/DefaultAppPool");
	k = key_add(g, "IIsApplicationPool", "/LM/W3SVC/AppPools/IntranetPool");
	attr_add(k, "AppPoolIdentityType", "3");
	attr_add(k, "WAMUserName", "m2\\poolsvc");
	secure_string(g, k, "WAMUserPass", pool_pw);
}

static struct key *site(struct gen *g, unsigned long n, const char *comment,
			const char *bindings)
{
	char loc[64];
	struct key *k;

	snprintf(loc, sizeof(loc), "/LM/W3SVC/%lu", n);
	k = key_add(g, "IIsWebServer", loc);
	attr_add(k, "ServerAutoStart", "TRUE");
	attr_add(k, "ServerBindings", bindings);
	attr_add(k, "ServerComment", comment);
	attr_add(k, "ServerSize", "1");
	return k;
}

static struct key *vdir(struct gen *g, const char *loc, const char *path)
{
	struct key *k = key_add(g, "IIsWebVirtualDir", loc);

	attr_add(k, "AccessFlags", "AccessRead | AccessScript");
	attr_add(k, "Path", path);
	return k;
}

static void story_site1(struct gen *g, const char *pw2, const char *pw2b,
			const char *pw3)
{
	struct key *k = site(g, 1, "Default Web Site", ":80:");

	anon(g, k, "IUSR_m2", pw2);
	key_add(g, "IIsCertMapper", "/LM/W3SVC/1/IIsCertMapper");
	k = vdir(g, "/LM/W3SVC/1/ROOT", "c:\\inetpub\\wwwroot");
	attr_add(k, "AppFriendlyName", "Default Application");
	attr_add(k, "AppIsolated", "2");
	attr_add(k, "AppRoot", "/LM/W3SVC/1/ROOT");
	k = vdir(g, "/LM/W3SVC/1/ROOT/VD1", "d:\\sites\\vd1");
	anon(g, k, "IUSR_m3", pw3);
	k = vdir(g, "/LM/W3SVC/1/ROOT/VD2", "d:\\sites\\vd2");
	anon(g, k, "IUSR_m2", pw2b);
	k = vdir(g, "/LM/W3SVC/1/ROOT/VD3", "\\\\fileserver\\share\\vd3");
	anon(g, k, "IUSR_m2", pw2);
	attr_add(k, "UNCUserName", "m2\\webcontent");
	secure_string(g, k, "UNCPassword", "");
}

/*
 * The FTP service. Its passwords are drawn after every other draw of the
 * story, so that the story without --ftp stays byte-identical.
 */
static void story_ftp(struct gen *g, const char *pw1, const char *pw2)
{
	char *own = password(g, g->o.seeded ? 6 + rnd(g, 15) : 11);
	struct key *k = key_add(g, "IIsFtpService", "/LM/MSFTPSVC");

	attr_add(k, "AllowAnonymous", "TRUE");
	anon(g, k, "IUSR_m1", pw1);
	k = key_add(g, "IIsFtpServer", "/LM/MSFTPSVC/1");
	anon(g, k, "IUSR_m2", pw2);
	attr_add(k, "ServerBindings", ":21:");
	attr_add(k, "ServerComment", "Default FTP Site");
	k = key_add(g, "IIsFtpVirtualDir", "/LM/MSFTPSVC/1/ROOT");
	attr_add(k, "AccessFlags", "AccessRead");
	attr_add(k, "Path", "c:\\inetpub\\ftproot");
	k = key_add(g, "IIsFtpVirtualDir", "/LM/MSFTPSVC/1/ROOT/pub");
	attr_add(k, "AccessFlags", "AccessRead | AccessWrite");
	anon(g, k, "IUSR_ftp", own);
	attr_add(k, "Path", "d:\\ftp\\pub");
	free(own);
}

static unsigned pw_len(struct gen *g, unsigned fixed)
{
	return g->o.seeded ? 6 + rnd(g, 15) : fixed;
}

/* A few of the MIME types IIS 6 ships (its own list has about 340). */
static void story_mimemap(struct gen *g)
{
	struct key *k = key_add(g, "IIsMimeMap", "/LM/MimeMap");

	k->lines = 1;
	attr_add(k, "MimeMap", ".htm,text/html\n.txt,text/plain\n"
		 ".jpg,image/jpeg\n.css,text/css\n.xml,text/xml\n"
		 ".zip,application/x-zip-compressed\n"
		 ".exe,application/octet-stream");
}

static void story(struct gen *g)
{
	char *pw1 = password(g, pw_len(g, 14));
	char *pw2 = password(g, pw_len(g, 12));
	char *pw2b = password(g, pw_len(g, 10));
	char *pw3 = password(g, pw_len(g, 16));
	char *wam = password(g, pw_len(g, 20));
	char *pool = password(g, pw_len(g, 18));
	struct key *k;

	global_keys(g);
	w3svc(g, pw1, wam);
	app_pools(g, pool);
	story_site1(g, pw2, pw2b, pw3);
	k = site(g, 2, "Intranet", ":8080:");
	anon(g, k, "IUSR_m2", pw2);
	k = vdir(g, "/LM/W3SVC/2/ROOT", "d:\\intranet");
	attr_add(k, "AppPoolId", "IntranetPool");
	attr_add(k, "AppRoot", "/LM/W3SVC/2/ROOT");
	if (g->o.ftp)
		story_ftp(g, pw1, pw2);
	if (g->o.mimemap)
		story_mimemap(g);
	free(pw1);
	free(pw2);
	free(pw2b);
	free(pw3);
	free(wam);
	free(pool);
}

/* A per-site password: one of the pool, or (--distinct) its own. */
static void site_pass(struct gen *g, struct key *k, unsigned long n, int i)
{
	char *pw;

	if (!g->o.distinct) {
		pooled(g, k, "AnonymousUserPass", i);
		return;
	}
	pw = password(g, 10 + (unsigned)(n % 11));
	secure_string(g, k, "AnonymousUserPass", pw);
	free(pw);
}

static void scale_site(struct gen *g, unsigned long n)
{
	char buf[128], loc[96];
	unsigned long v;
	struct key *k;

	snprintf(buf, sizeof(buf), ":80:site%lu.example.com", n);
	snprintf(loc, sizeof(loc), "Site %lu", n);
	k = site(g, n, loc, buf);
	if (g->o.per_site) {
		snprintf(buf, sizeof(buf), "IUSR_S%lu", n);
		attr_add(k, "AnonymousUserName", buf);
		site_pass(g, k, n, (int)(n % POOL));
	} else if (n % 3 == 0) {
		attr_add(k, "AnonymousUserName", "IUSR_m2");
		pooled(g, k, "AnonymousUserPass", (int)(n % POOL));
	}
	snprintf(loc, sizeof(loc), "/LM/W3SVC/%lu/ROOT", n);
	snprintf(buf, sizeof(buf), "d:\\sites\\%lu", n);
	k = vdir(g, loc, buf);
	attr_add(k, "AppRoot", loc);
	if (g->o.per_site && n % 10 == 0) {
		snprintf(buf, sizeof(buf), "IUSR_S%lu", n);
		attr_add(k, "AnonymousUserName", buf);
		site_pass(g, k, n + 1, (int)((n + 1) % POOL));
	}
	for (v = 1; v <= g->o.vdirs; v++) {
		snprintf(loc, sizeof(loc), "/LM/W3SVC/%lu/ROOT/vd%lu", n, v);
		snprintf(buf, sizeof(buf), "d:\\sites\\%lu\\vd%lu", n, v);
		k = vdir(g, loc, buf);
		if (!g->o.per_site && (n + v) % 5 == 0) {
			attr_add(k, "AnonymousUserName", "IUSR_m3");
			pooled(g, k, "AnonymousUserPass",
			       (int)((n * 7 + v) % POOL));
		}
	}
}

static void scale(struct gen *g)
{
	char *pw1 = password(g, 14), *wam = password(g, 20);
	char *pool = password(g, 18);
	unsigned long n;
	int i;

	global_keys(g);
	for (i = 0; i < POOL; i++) {
		g->pool_pw[i] = password(g, 8 + rnd(g, 13));
		g->pool_hex[i] = string_hex(g, g->pool_pw[i]);
	}
	w3svc(g, pw1, wam);
	app_pools(g, pool);
	for (n = 1; n <= g->o.sites; n++)
		scale_site(g, n);
	free(pw1);
	free(wam);
	free(pool);
}

/* ---- --mix: files for the solver measurement (tests/bench/solver.py) --- */

/*
 * Well-known SIDs IIS AdminACLs name (and a few they rarely do), one
 * sub-authority (S-1-x-y) or two (S-1-5-32-y).
 */
static size_t sid_known(struct gen *g, unsigned char *out)
{
	static const uint8_t one[][2] = { { 5, 18 }, { 1, 0 }, { 5, 20 },
		{ 5, 19 }, { 5, 11 }, { 5, 4 }, { 5, 2 }, { 5, 6 }, { 3, 0 },
		{ 5, 7 } };
	static const uint16_t alias[] = { 544, 545, 546, 547, 549, 551,
					  568 };
	unsigned i = rnd(g, 17);

	memset(out, 0, 16);
	out[0] = 1;
	if (i < 10) {
		out[1] = 1;
		out[7] = one[i][0];
		out[8] = one[i][1];
		return 12;
	}
	memcpy(out, sid_ba, 16);
	out[12] = (unsigned char)alias[i - 10];
	out[13] = (unsigned char)(alias[i - 10] >> 8);
	return 16;
}

/* S-1-5-21-<the domain's three sub-authorities>-rid (--domain-sids). */
static size_t sid_domain(struct gen *g, unsigned rid, unsigned char *out)
{
	sid_machine(g, rid, out);
	memcpy(out + 12, g->domain_sid, 12);
	return 28;
}

/* Any principal: well-known, a machine account or group, a domain one. */
static size_t sid_any(struct gen *g, unsigned char *out)
{
	unsigned i = rnd(g, 10);

	if (i >= 8 && g->o.mix.domain_sids)
		return sid_domain(g, 1100 + rnd(g, 400), out);
	if (i >= 6)
		return sid_machine(g, 1000 + rnd(g, 50), out);
	return sid_known(g, out);
}

/*
 * IIS access masks (MD_ACR_* combinations) mostly, then generic and file
 * rights, and odd ones: DELETE-ish high bits over a random low byte.
 */
static uint32_t variety_mask(struct gen *g)
{
	static const uint32_t acr[] = { 0x1, 0x2, 0x8, 0x20, 0x80, 0x40000 };
	static const uint32_t other[] = { 0x10000000, 0xa0000000, 0x1f01ff,
					  0x1200a9, 0x120089, 0x80000000 };
	uint32_t m = 0;
	unsigned i = rnd(g, 8), b;

	if (i < 4)
		return pick_mask(g);
	if (i == 4) {
		for (b = 0; b < 6; b++)
			m |= rnd(g, 2) ? acr[b] : 0;
		return m ? m : 0x1;
	}
	if (i < 7)
		return other[rnd(g, 6)];
	return 0x10000u * (1 + rnd(g, 3)) | rnd(g, 256);
}

/* Principal which: 0 BA, 1 SY, 2 BU, 3 a machine account, 4 a domain one. */
static size_t principal(struct gen *g, unsigned which, unsigned rid,
			unsigned char *out)
{
	if (which == 3)
		return sid_machine(g, rid, out);
	if (which == 4)
		return sid_domain(g, rid, out);
	memcpy(out, which == 0 ? sid_ba : which == 1 ? sid_sy : sid_bu,
	       which == 1 ? 12 : 16);
	return which == 1 ? 12 : 16;
}

/* Owner: BA, SY, the machine's or the domain's administrator(s); group:
 * SY, BA, BU, the machine's None or Domain Users. */
static void variety_owner(struct gen *g, struct sdspec *sp)
{
	static const uint8_t owners[] = { 0, 1, 3, 4, 4 };
	static const uint8_t groups[] = { 1, 0, 2, 3, 4 };
	unsigned i = rnd(g, g->o.mix.domain_sids ? 5 : 3);

	sp->olen = principal(g, owners[i], i == 3 ? 512 : 500, sp->owner);
	i = rnd(g, g->o.mix.domain_sids ? 5 : 4);
	sp->glen = principal(g, groups[i], 513, sp->group);
}

/*
 * --acl-variety: any component order, control bits (defaulted owner and
 * group, protected, auto-inherited, defaulted DACL), owners and groups
 * from machine or domain accounts, --aces MIN-MAX ACEs of either type,
 * inheritance flags, masks of every kind. Without it, random_sd's layouts.
 */
static size_t variety_sd(struct gen *g, int null_dacl, unsigned char *out)
{
	static const uint8_t flag_set[] = { 0, 0x02, 0x03, 0x0b, 0x10, 0x12,
					    0x13, 0x1b };
	const struct mixopts *m = &g->o.mix;
	struct sdspec sp;
	unsigned char sid[28];
	size_t i, n = m->ace_min + rnd(g, m->ace_max - m->ace_min + 1);

	memset(&sp, 0, sizeof(sp));
	sp.control = (uint16_t)(0x8004 | rnd(g, 4) | (rnd(g, 2) ? 0x400 : 0) |
				(rnd(g, 3) ? 0 : 0x1000) |
				(rnd(g, 6) ? 0 : 0x8));
	sp.order = (int)rnd(g, 6);
	sp.null_dacl = null_dacl;
	variety_owner(g, &sp);
	for (i = 0; i < n && !null_dacl; i++) {
		size_t len = i == 0 && rnd(g, 2) ? 16 : sid_any(g, sid);

		if (len == 16 && i == 0)
			memcpy(sid, sid_ba, 16);
		ace_add(&sp, sid, len, variety_mask(g),
			flag_set[rnd(g, sizeof(flag_set))]);
		sp.ace[i].type = rnd(g, 6) ? 0 : 1;
	}
	return build_sd(&sp, out);
}

static void mix_sd(struct gen *g, struct key *k, int null_dacl)
{
	unsigned char sd[1024];
	size_t n = g->o.mix.variety || null_dacl ?
		   variety_sd(g, null_dacl, sd) : random_sd(g, 0, sd);
	char *hex = encrypt_hex(g, sd, n);

	attr_add(k, "AdminACL", hex);
	truth(g, k, "AdminACL", sd, n, hex);
	free(hex);
}

/* One character of --charset's script (Latin-1, Cyrillic, CJK, emoji). */
static uint32_t script_char(struct gen *g)
{
	const char *c = g->o.mix.charset;

	if (!strcmp(c, "latin1"))
		return 0xa1 + rnd(g, 0xff - 0xa1 + 1);
	if (!strcmp(c, "cyrillic"))
		return 0x410 + rnd(g, 0x40);
	if (!strcmp(c, "cjk"))
		return 0x4e00 + rnd(g, 0x5200);
	return 0x1f600 + rnd(g, 0x50); /* emoji: two UTF-16 units */
}

static void put_cp(struct mb_buf *b, uint32_t c)
{
	if (c < 0x80)
		mb_buf_putc(b, (char)c);
	else if (c < 0x800)
		mb_buf_printf(b, "%c%c", 0xc0 | c >> 6, 0x80 | (c & 0x3f));
	else if (c < 0x10000)
		mb_buf_printf(b, "%c%c%c", 0xe0 | c >> 12,
			      0x80 | (c >> 6 & 0x3f), 0x80 | (c & 0x3f));
	else
		mb_buf_printf(b, "%c%c%c%c", 0xf0 | c >> 18,
			      0x80 | (c >> 12 & 0x3f), 0x80 | (c >> 6 & 0x3f),
			      0x80 | (c & 0x3f));
}

static int ascii_at(const uint32_t *cp, unsigned len, unsigned p)
{
	return p < len && cp[p] && cp[p] < 0x80;
}

/*
 * A password of --pw-len MIN-MAX UTF-16 units: printable ASCII (space
 * included), and with --charset one password in three gets one to three
 * characters of that script (an emoji takes two units).
 */
static char *mix_password(struct gen *g)
{
	const struct mixopts *m = &g->o.mix;
	unsigned len = m->len_min + rnd(g, m->len_max - m->len_min + 1), i;
	uint32_t cp[64];
	struct mb_buf b;

	for (i = 0; i < len; i++)
		cp[i] = 0x20 + rnd(g, 95);
	if (strcmp(m->charset, "ascii") && len && rnd(g, 3) == 0)
		for (i = 1 + rnd(g, 3); i > 0; i--) {
			unsigned p = rnd(g, len), c = script_char(g);
			int wide = c >= 0x10000;

			if (!ascii_at(cp, len, p) ||
			    (wide && !ascii_at(cp, len, p + 1)))
				continue; /* keep the length in units */
			cp[p] = c;
			if (wide)
				cp[p + 1] = 0; /* the low surrogate's unit */
		}
	mb_buf_init(&b);
	for (i = 0; i < len; i++)
		if (cp[i])
			put_cp(&b, cp[i]);
	mb_buf_putc(&b, 0);
	return mb_buf_detach(&b, NULL);
}

/*
 * --mix: the SessionKey, --acls AdminACLs (IIS_ROOT, W3SVC, then the
 * sites), LogOdbcPassword "sqllog" unless --no-odbc, and --values sites,
 * each with its own anonymous account and password. The first AdminACL
 * after IIS_ROOT's has a NULL DACL with --null-dacl.
 */
static void mix(struct gen *g)
{
	const struct mixopts *m = &g->o.mix;
	struct key *k = key_add(g, "IIS_Global", ".");
	char name[32], loc[48];
	unsigned n;

	rnd_bytes(g, g->domain_sid, sizeof(g->domain_sid));
	session_key(g, k);
	if (m->acls >= 1)
		mix_sd(g, key_add(g, "IIS_ROOT", "/"), 0);
	k = key_add(g, "IIsWebService", "/LM/W3SVC");
	if (m->acls >= 2)
		mix_sd(g, k, m->null_dacl);
	if (m->odbc)
		secure_string(g, k, "LogOdbcPassword", "sqllog");
	for (n = 1; n <= m->values; n++) {
		char *pw = mix_password(g);

		snprintf(loc, sizeof(loc), ":80:site%u.example.com", n);
		snprintf(name, sizeof(name), "Site %u", n);
		k = site(g, n, name, loc);
		snprintf(name, sizeof(name), "IUSR_S%u", n);
		anon(g, k, name, pw);
		if (n + 2 <= m->acls)
			mix_sd(g, k, 0);
		free(pw);
	}
}

/* ---- --set and --secure -------------------------------------------------- */

/* The key named by arg's LOCATION (up to colon). */
static struct key *edit_key(struct gen *g, const char *arg, const char *colon)
{
	size_t i;

	for (i = 0; i < g->nk; i++)
		if (strlen(g->k[i].loc) == (size_t)(colon - arg) &&
		    !strncasecmp(g->k[i].loc, arg, (size_t)(colon - arg)))
			return &g->k[i];
	die("no key at that Location", arg);
	return NULL;
}

static void add_custom(struct gen *g, const char *arg)
{
	const char *colon = strchr(arg, ':'), *p = colon;
	struct key *k;
	int fields = 0;

	for (; p && *p && *p != '='; p++)
		fields += *p == ':';
	if (!colon || fields != 4 || *p != '=')
		die("--custom takes LOCATION:ID:TYPE:ATTRIBUTES:NAME=VALUE",
		    arg);
	k = edit_key(g, arg, colon);
	k->customs = realloc(k->customs, (k->ncustoms + 1) *
			     sizeof(*k->customs));
	if (!k->customs)
		die("out of memory", NULL);
	k->customs[k->ncustoms++] = colon + 1;
}

/* --secure-hex's value: the bytes HEX spells, encrypted. */
static char *bytes_hex(struct gen *g, const char *arg, const char *hex,
		       unsigned char *v, size_t *len)
{
	size_t n = strlen(hex), i;
	unsigned x;

	if (n % 2 || n / 2 > 4096)
		die("--secure-hex takes an even number of hex digits", arg);
	for (i = 0; i < n / 2; i++) {
		if (sscanf(hex + 2 * i, "%2x", &x) != 1)
			die("--secure-hex takes hex digits", arg);
		v[i] = (unsigned char)x;
	}
	*len = n / 2;
	return encrypt_hex(g, v, *len);
}

static void apply_edit(struct gen *g, const struct edit *e)
{
	const char *colon = strchr(e->arg, ':'), *eq;
	char *name, *hex;
	unsigned char raw[4096];
	size_t i, rawlen = 0;
	struct key *k;

	if (e->secure == 2) {
		add_custom(g, e->arg);
		return;
	}
	eq = colon ? strchr(colon, '=') : NULL;
	if (!eq || eq == colon + 1)
		die("--set/--secure take LOCATION:PROP=VALUE", e->arg);
	k = edit_key(g, e->arg, colon);
	name = strndup(colon + 1, (size_t)(eq - colon - 1));
	if (!name)
		die("out of memory", NULL);
	hex = e->secure == 3 ? bytes_hex(g, e->arg, eq + 1, raw, &rawlen)
	      : e->secure ? string_hex(g, eq + 1) : xstrdup(eq + 1);
	for (i = 0; i < k->na && strcmp(k->a[i].name, name); i++)
		;
	if (i < k->na) {
		free(k->a[i].value);
		k->a[i].value = hex;
	} else {
		attr_add(k, name, hex);
		free(hex);
	}
	if (e->secure == 3) {
		truth(g, k, name, raw, rawlen, k->a[i].value);
	} else if (e->secure) {
		manifest(g, k, name, eq + 1);
		truth_string(g, k, name, eq + 1, k->a[i].value);
	}
	free(name);
}

/* ---- writing ------------------------------------------------------------ */

static int key_cmp(const void *a, const void *b)
{
	return strcasecmp(((const struct key *)a)->loc,
			  ((const struct key *)b)->loc);
}

static int attr_cmp(const void *a, const void *b)
{
	return strcmp(((const struct attr *)a)->name,
		      ((const struct attr *)b)->name);
}

static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '"')
			fputs("&quot;", f);
		else if (*s == '\n' || *s == '\r' || *s == '\t')
			fprintf(f, "&#%d;", *s); /* literal ones become spaces */
		else
			fputc(*s, f);
	}
}

static void write_custom(FILE *f, const char *nl)
{
	fprintf(f, "\t<Custom%s\t\tName=\"MD_ISM_ACCESS_CHECK\"%s"
		   "\t\tID=\"6269\"%s\t\tValue=\"65535\"%s\t\tType=\"DWORD\"%s"
		   "\t\tUserType=\"IIS_MD_UT_FILE\"%s"
		   "\t\tAttributes=\"NO_ATTRIBUTES\"%s\t/>%s",
		nl, nl, nl, nl, nl, nl, nl, nl);
}

/* One attribute's value; a MULTISZ line break as IIS writes it. */
static void put_value(FILE *f, const char *v, size_t n, const char *nl)
{
	char *s = strndup(v, n), *line, *save = NULL;
	int first = 1;

	if (!s)
		die("out of memory", NULL);
	for (line = strtok_r(s, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), first = 0) {
		fprintf(f, "%s", first ? "" : nl);
		fputs(first ? "" : "\t\t\t", f);
		put_escaped(f, line);
	}
	free(s);
}

/* spec is ID:TYPE:ATTRIBUTES:NAME=VALUE (checked by add_custom). */
static void write_custom_arg(FILE *f, const char *spec, const char *nl)
{
	const char *type = strchr(spec, ':') + 1;
	const char *attrs = strchr(type, ':') + 1;
	const char *name = strchr(attrs, ':') + 1;
	const char *eq = strchr(name, '=');

	fprintf(f, "\t<Custom%s\t\tName=\"%.*s\"%s\t\tID=\"%.*s\"%s"
		   "\t\tValue=\"", nl, (int)(eq - name), name, nl,
		(int)(type - 1 - spec), spec, nl);
	put_value(f, eq + 1, strlen(eq + 1), nl);
	fprintf(f, "\"%s", nl);
	if (attrs - 1 > type)
		fprintf(f, "\t\tType=\"%.*s\"%s\t\tUserType="
			   "\"IIS_MD_UT_SERVER\"%s", (int)(attrs - 1 - type),
			type, nl, nl);
	fprintf(f, "\t\tAttributes=\"%.*s\"%s\t/>%s",
		(int)(name - 1 - attrs), attrs, nl, nl);
}

static void write_key(FILE *f, struct key *k, const char *nl)
{
	size_t i;

	if (k->na)
		qsort(k->a, k->na, sizeof(*k->a), attr_cmp);
	fprintf(f, "<%s\tLocation =\"", k->elem);
	put_escaped(f, k->loc);
	fprintf(f, "\"%s", nl);
	for (i = 0; i < k->na; i++) {
		fprintf(f, "\t\t%s=\"", k->a[i].name);
		if (k->lines)
			put_value(f, k->a[i].value, strlen(k->a[i].value), nl);
		else
			put_escaped(f, k->a[i].value);
		fprintf(f, "\"%s", nl);
	}
	fprintf(f, "\t>%s", nl);
	if (k->custom)
		write_custom(f, nl);
	for (i = 0; i < k->ncustoms; i++)
		write_custom_arg(f, k->customs[i], nl);
	fprintf(f, "</%s>%s", k->elem, nl);
}

static void write_file(struct gen *g, FILE *f)
{
	const char *nl = g->o.crlf ? "\r\n" : "\n";
	size_t i;

	qsort(g->k, g->nk, sizeof(*g->k), key_cmp);
	if (!g->o.no_bom)
		fputs("\xef\xbb\xbf", f);
	fprintf(f, "<?xml version =\"1.0\"?>%s", nl);
	fprintf(f, "<configuration xmlns=\"urn:microsoft-catalog:"
		   "XML_Metabase_V64_0\">%s<MBProperty>%s", nl, nl);
	for (i = 0; i < g->nk; i++)
		write_key(f, &g->k[i], nl);
	fprintf(f, "</MBProperty>%s</configuration>%s", nl, nl);
}

/* A plaintext file: mode 0600. */
static void write_private(const char *path, const struct mb_buf *b)
{
	int fd;

	if (!path)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, b->data ? b->data : "", b->len) !=
			      (ssize_t)b->len)
		die("cannot write", path);
	close(fd);
}

/* ---- command line -------------------------------------------------------- */

static void usage(void)
{
	fputs("usage: mbgen (--story [--ftp] [--mimemap] | --sites N [--vdirs M] [--per-site [--distinct]]\n"
	      "              | --mix [MIX OPTIONS]) "
	      "[--seed S] [--crlf] [--no-bom]\n"
	      "             [--no-acl] [--no-session]\n"
	      "             [--keys DIR] [--manifest FILE] [--truth FILE] "
	      "[-o FILE]\n"
	      "             [--set LOCATION:PROP=VALUE]... "
	      "[--secure LOCATION:PROP=PLAINTEXT]...\n"
	      "             [--secure-hex LOCATION:PROP=HEX]...\n"
	      "             [--custom LOCATION:ID:TYPE:ATTRIBUTES:NAME=VALUE]..."
	      "\n"
	      "MIX OPTIONS: --values N --acls N --pw-len MIN-MAX --charset "
	      "ascii|latin1|cyrillic|cjk|emoji\n"
	      "             --aces MIN-MAX --acl-variety --null-dacl "
	      "--domain-sids --no-odbc\n",
	      stderr);
	exit(2);
}

static unsigned long long number(const char *s)
{
	char *end;
	unsigned long long v;

	if (!s)
		usage();
	v = strtoull(s, &end, 0);
	if (*end || !*s)
		usage();
	return v;
}

/* MIN-MAX (or one number) within 0..max. */
static void range(const char *s, unsigned max, unsigned *lo, unsigned *hi)
{
	char *end;
	unsigned long a, b;

	if (!s)
		usage();
	a = strtoul(s, &end, 10);
	b = *end == '-' ? strtoul(end + 1, &end, 10) : a;
	if (*end || end == s || a > b || b > max)
		usage();
	*lo = (unsigned)a;
	*hi = (unsigned)b;
}

static int charset_ok(const char *c)
{
	return c && (!strcmp(c, "ascii") || !strcmp(c, "latin1") ||
		     !strcmp(c, "cyrillic") || !strcmp(c, "cjk") ||
		     !strcmp(c, "emoji"));
}

/* The --mix options: 1 when a is one of them (v used: *i advanced). */
static int mix_arg(struct mixopts *m, const char *a, const char *v, int *i)
{
	unsigned lo;

	if (!strcmp(a, "--acl-variety"))
		return m->variety = 1;
	if (!strcmp(a, "--null-dacl"))
		return m->null_dacl = 1;
	if (!strcmp(a, "--domain-sids"))
		return m->domain_sids = 1;
	if (!strcmp(a, "--no-odbc"))
		return !(m->odbc = 0);
	if (!strcmp(a, "--values"))
		range(v, 100000, &lo, &m->values);
	else if (!strcmp(a, "--acls"))
		range(v, 100000, &lo, &m->acls);
	else if (!strcmp(a, "--pw-len"))
		range(v, 64, &m->len_min, &m->len_max);
	else if (!strcmp(a, "--aces"))
		range(v, 8, &m->ace_min, &m->ace_max);
	else if (!strcmp(a, "--charset") && charset_ok(v))
		m->charset = v;
	else
		return 0;
	++*i;
	return 1;
}

static void add_edit(struct opts *o, int secure, const char *arg)
{
	struct edit *e = realloc(o->edits, (o->nedits + 1) * sizeof(*e));

	if (!e)
		die("out of memory", NULL);
	o->edits = e;
	e[o->nedits].secure = secure;
	e[o->nedits++].arg = arg;
}

static void parse_args(struct opts *o, int argc, char **argv)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->seed = 1;
	o->mix = (struct mixopts){ .odbc = 1, .values = 4, .acls = 2,
		.len_min = 8, .len_max = 20, .ace_min = 1, .ace_max = 4,
		.charset = "ascii" };
	o->keys = MB_SRCDIR "/tests/keys";
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--story"))
			o->story = 1;
		else if (!strcmp(a, "--mix"))
			o->mix.on = 1;
		else if (mix_arg(&o->mix, a, v, &i))
			continue;
		else if (!strcmp(a, "--crlf"))
			o->crlf = 1;
		else if (!strcmp(a, "--no-bom"))
			o->no_bom = 1;
		else if (!strcmp(a, "--ftp"))
			o->ftp = 1;
		else if (!strcmp(a, "--mimemap"))
			o->mimemap = 1;
		else if (!strcmp(a, "--per-site"))
			o->per_site = 1;
		else if (!strcmp(a, "--no-acl"))
			o->no_acl = 1;
		else if (!strcmp(a, "--no-session"))
			o->no_session = 1;
		else if (!strcmp(a, "--sites"))
			o->sites = (unsigned long)number(v), i++;
		else if (!strcmp(a, "--vdirs"))
			o->vdirs = (unsigned long)number(v), i++;
		else if (!strcmp(a, "--seed"))
			o->seed = number(v), o->seeded = 1, i++;
		else if (!strcmp(a, "-o") && v)
			o->out = v, i++;
		else if (!strcmp(a, "--keys") && v)
			o->keys = v, i++;
		else if (!strcmp(a, "--manifest") && v)
			o->manifest = v, i++;
		else if (!strcmp(a, "--truth") && v)
			o->truth = v, i++;
		else if ((!strcmp(a, "--set") || !strcmp(a, "--secure")) && v)
			add_edit(o, !strcmp(a, "--secure"), v), i++;
		else if (!strcmp(a, "--distinct"))
			o->distinct = 1;
		else if (!strcmp(a, "--secure-hex") && v)
			add_edit(o, 3, v), i++;
		else if (!strcmp(a, "--custom") && v)
			add_edit(o, 2, v), i++;
		else
			usage();
	}
	if (o->story + !!o->sites + o->mix.on != 1 || (o->ftp && !o->story) ||
	    (o->per_site && !o->sites) || (o->distinct && !o->per_site))
		usage();
}

static struct mb_rsakey *load_key(const char *dir, const char *name)
{
	char path[4096];
	struct mb_rsakey *k;
	struct mb_error e;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (mb_crypt_key_load(path, &k, &e) != MB_OK)
		die("cannot load the test key", e.reason);
	if (!mb_crypt_key_is_private(k))
		die("the test key must be private", path);
	return k;
}

static void gen_free(struct gen *g)
{
	size_t i, j;

	for (i = 0; i < g->nk; i++) {
		for (j = 0; j < g->k[i].na; j++) {
			free(g->k[i].a[j].name);
			free(g->k[i].a[j].value);
		}
		free(g->k[i].a);
		free(g->k[i].customs);
		free(g->k[i].elem);
		free(g->k[i].loc);
	}
	free(g->k);
	for (i = 0; i < POOL; i++) {
		free(g->pool_pw[i]);
		free(g->pool_hex[i]);
	}
	mb_buf_wipe(&g->manifest);
	mb_buf_wipe(&g->truth);
	mb_crypt_session_wipe(&g->sk);
	mb_crypt_key_free(g->sign);
	mb_crypt_key_free(g->exch);
	free(g->o.edits);
}

int main(int argc, char **argv)
{
	struct gen g;
	size_t i;
	FILE *f;

	memset(&g, 0, sizeof(g));
	parse_args(&g.o, argc, argv);
	g.rng = g.o.seed * 0x2545f4914f6cdd1dull + 7;
	mb_buf_init(&g.manifest);
	mb_buf_init(&g.truth);
	g.sign = load_key(g.o.keys, "signing.pem");
	g.exch = load_key(g.o.keys, "exchange.pem");
	rnd_bytes(&g, g.machine_sid, sizeof(g.machine_sid));
	if (g.o.story)
		story(&g);
	else if (g.o.mix.on)
		mix(&g);
	else
		scale(&g);
	for (i = 0; i < g.o.nedits; i++)
		apply_edit(&g, &g.o.edits[i]);
	f = g.o.out ? fopen(g.o.out, "wb") : stdout;
	if (!f)
		die("cannot write", g.o.out);
	write_file(&g, f);
	if (fflush(f) || (g.o.out && fclose(f)))
		die("cannot write", g.o.out ? g.o.out : "stdout");
	write_private(g.o.manifest, &g.manifest);
	write_private(g.o.truth, &g.truth);
	gen_free(&g);
	return 0;
}
