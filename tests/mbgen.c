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
 *            --ftp (the story with an FTP service and its anonymous
 *            accounts too: IUSR_m1 at the service, IUSR_m2 at site 1 with
 *            the web site's blob, IUSR_ftp at its pub folder)
 *
 * --manifest writes "Location<TAB>Property<TAB>plaintext" per secure value
 * (mode 0600) so that tests can compare what reveal finds.
 *
 * --set LOCATION:PROP=VALUE and --secure LOCATION:PROP=PLAINTEXT (both
 * repeatable) then set a plain or an encrypted attribute at a key the file
 * already has, so a test can make the one change its case is about (an
 * empty password: --secure /LM/W3SVC:AnonymousUserPass=).
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
	const char **customs;   /* --custom arguments after LOCATION: */
	size_t ncustoms;
};

struct opts {
	int story, crlf, no_bom, seeded, ftp, per_site, no_acl, no_session;
	unsigned long sites, vdirs;
	unsigned long long seed;
	const char *out, *keys, *manifest;
	struct edit {
		int secure;        /* 0 --set, 1 --secure, 2 --custom */
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
	struct mb_buf manifest;
	unsigned char machine_sid[12]; /* the three domain sub-authorities */
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
	int owner_first;        /* O, G, D instead of NT's D, O, G */
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

/* A self-relative descriptor in the order the spec asks for. */
static size_t build_sd(const struct sdspec *sp, unsigned char *out)
{
	unsigned char acl[512];
	size_t alen = build_acl(sp, acl), off = 20, o, gr, d;

	memset(out, 0, 20);
	out[0] = 1;
	out[2] = (unsigned char)sp->control;
	out[3] = (unsigned char)(sp->control >> 8);
	if (sp->owner_first) {
		o = off;
		gr = o + sp->olen;
		d = gr + sp->glen;
	} else {
		d = off;
		o = d + alen;
		gr = o + sp->olen;
	}
	put32(out + 4, (uint32_t)o);
	put32(out + 8, (uint32_t)gr);
	put32(out + 16, (uint32_t)d);
	memcpy(out + o, sp->owner, sp->olen);
	memcpy(out + gr, sp->group, sp->glen);
	memcpy(out + d, acl, alen);
	return 20 + alen + sp->olen + sp->glen;
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
	sp.owner_first = rnd(g, 3) == 0;
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
	if (!g->o.no_session) /* a fragment: values without their key */
		attr_add(k, "SessionKey", hex.data);
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
	free(pw1);
	free(pw2);
	free(pw2b);
	free(pw3);
	free(wam);
	free(pool);
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
		pooled(g, k, "AnonymousUserPass", (int)(n % POOL));
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
		pooled(g, k, "AnonymousUserPass", (int)((n + 1) % POOL));
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

static void apply_edit(struct gen *g, const struct edit *e)
{
	const char *colon = strchr(e->arg, ':'), *eq;
	char *name, *hex;
	struct key *k;
	size_t i;

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
	hex = e->secure ? string_hex(g, eq + 1) : xstrdup(eq + 1);
	for (i = 0; i < k->na && strcmp(k->a[i].name, name); i++)
		;
	if (i < k->na) {
		free(k->a[i].value);
		k->a[i].value = hex;
	} else {
		attr_add(k, name, hex);
		free(hex);
	}
	if (e->secure)
		manifest(g, k, name, eq + 1);
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

static void write_manifest(struct gen *g)
{
	int fd;

	if (!g->o.manifest)
		return;
	fd = open(g->o.manifest, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, g->manifest.data, g->manifest.len) !=
			      (ssize_t)g->manifest.len)
		die("cannot write", g->o.manifest);
	close(fd);
}

/* ---- command line -------------------------------------------------------- */

static void usage(void)
{
	fputs("usage: mbgen (--story [--ftp] | --sites N [--vdirs M] [--per-site]) "
	      "[--seed S] [--crlf] [--no-bom]\n"
	      "             [--no-acl] [--no-session]\n"
	      "             [--keys DIR] [--manifest FILE] [-o FILE]\n"
	      "             [--set LOCATION:PROP=VALUE]... "
	      "[--secure LOCATION:PROP=PLAINTEXT]...\n"
	      "             [--custom LOCATION:ID:TYPE:ATTRIBUTES:NAME=VALUE]..."
	      "\n",
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
	o->keys = MB_SRCDIR "/tests/keys";
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--story"))
			o->story = 1;
		else if (!strcmp(a, "--crlf"))
			o->crlf = 1;
		else if (!strcmp(a, "--no-bom"))
			o->no_bom = 1;
		else if (!strcmp(a, "--ftp"))
			o->ftp = 1;
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
		else if ((!strcmp(a, "--set") || !strcmp(a, "--secure")) && v)
			add_edit(o, !strcmp(a, "--secure"), v), i++;
		else if (!strcmp(a, "--custom") && v)
			add_edit(o, 2, v), i++;
		else
			usage();
	}
	if (o->story == !!o->sites || (o->ftp && !o->story) ||
	    (o->per_site && !o->sites))
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
	g.sign = load_key(g.o.keys, "signing.pem");
	g.exch = load_key(g.o.keys, "exchange.pem");
	rnd_bytes(&g, g.machine_sid, sizeof(g.machine_sid));
	if (g.o.story)
		story(&g);
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
	write_manifest(&g);
	gen_free(&g);
	return 0;
}
