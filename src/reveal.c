/* SPDX-License-Identifier: MIT */
/*
 * The reveal solver (see include/mb/reveal.h for the model).
 *
 * Vocabulary used below:
 *   dv      one distinct encrypted value (equal blobs are solved once);
 *   K[j]    keystream byte j, shared by every value of the file;
 *   hard    keystream bytes known for certain (prefix, NULs, machine key,
 *           user cribs, values proven by their signature);
 *   cand[j] the set of values K[j] may still take under the hypotheses of
 *           the current level (a 256-bit set; a singleton means known);
 *   level   which hypotheses are in force: 0 = ASCII + printable +
 *           defaults, 1 = ASCII + printable, 2 = ASCII, 3 = none.
 *
 * Security descriptors are solved by one depth-first search over the
 * layouts of all descriptors at once, always extending the descriptor whose
 * next field lies lowest in the keystream, so that a choice in one
 * descriptor is checked against the others (and the strings) immediately.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "mb/reveal.h"
#include "mb/sigmod.h"

#define NLEVELS 4
#define MAXLAY 4
#define DEF_SEARCH (1ul << 22)
#define DEF_NODES (1ul << 19) /* real files need < 100k */
#define SD_MAX 2048 /* larger "descriptors" are not searched as such */
#define SEARCH_CAP (1ul << 21) /* one string's search, at most */
#define SD_SEARCH_CAP (1ul << 20) /* one descriptor's, all layouts */
#define NOVAL ((size_t)-1)

/* ==== 256-bit sets of byte values ==================================== */

struct bset {
	uint64_t w[4];
};

static void bs_all(struct bset *s)
{
	memset(s, 0xff, sizeof(*s));
}

static void bs_one(struct bset *s, unsigned v)
{
	memset(s, 0, sizeof(*s));
	s->w[v >> 6] = 1ull << (v & 63);
}

static int bs_has(const struct bset *s, unsigned v)
{
	return (int)(s->w[v >> 6] >> (v & 63) & 1);
}

static void bs_add(struct bset *s, unsigned v)
{
	s->w[v >> 6] |= 1ull << (v & 63);
}

static unsigned bs_count(const struct bset *s)
{
	return (unsigned)(__builtin_popcountll(s->w[0]) +
			  __builtin_popcountll(s->w[1]) +
			  __builtin_popcountll(s->w[2]) +
			  __builtin_popcountll(s->w[3]));
}

/* The only member of a singleton, or -1. */
static int bs_single(const struct bset *s)
{
	unsigned i;

	if (bs_count(s) != 1)
		return -1;
	for (i = 0; i < 4; i++)
		if (s->w[i])
			return (int)(i * 64 +
				     (unsigned)__builtin_ctzll(s->w[i]));
	return -1;
}

static int bs_and(struct bset *a, const struct bset *b)
{
	unsigned i;

	for (i = 0; i < 4; i++)
		a->w[i] &= b->w[i];
	return bs_count(a) != 0;
}

static int bs_is_all(const struct bset *s)
{
	return (s->w[0] & s->w[1] & s->w[2] & s->w[3]) == ~0ull;
}

/* ==== well-known structure of security descriptors =================== */

struct sidt {
	const char *sddl;         /* alias, or NULL */
	uint8_t len;              /* bytes */
	uint8_t fixed;            /* leading bytes that are known */
	unsigned char b[28];
};

/* Ordered by how often they appear in IIS AdminACLs. */
static const struct sidt sids[] = {
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
#define NSIDS (sizeof(sids) / sizeof(sids[0]))

static const uint8_t sid_lens[] = { 16, 12, 28, 24, 20 };
#define NSIDLENS 5

/* Access masks worth trying when a mask is unknown (IIS MD_ACR_* bits). */
static const uint32_t acr_bits[] = { 0x1, 0x2, 0x8, 0x20, 0x80, 0x40000 };
static const uint32_t common_masks[] = {
	0x10000000, 0x20000000, 0x40000000, 0x80000000, 0xa0000000,
	0xe0000000, 0xf0000000, 0x001f01ff, 0x001200a9, 0x001301bf,
	0x00120089, 0x00120116, 0x000f003f, 0x00020019, 0x000f01ff,
	0x001f0fff, 0x000f0000, 0x00100000, 0x00020000, 0x00060000,
	0x000e0000, 0x001e0000, 0x00010000, 0x00080000, 0x00040000,
};

/* ==== solver state ==================================================== */

enum vkind { VK_STRING, VK_SD, VK_BINARY, VK_CLEAR };

/* What a descriptor layout puts at a byte. */
enum {
	FM_NONE = 0, FM_FIXED, FM_FREE, FM_FLAGS, FM_FLAGS_S, FM_MASK2,
	FM_MASK3, FM_TYPEANY, FM_SIDANY, FM_SIDFREE,
};
/* Fields whose value a signature search may enumerate. */
enum { FLD_MASK, FLD_FLAGS, FLD_SID, FLD_TYPE };

struct fent {
	uint8_t kind, val;
};

struct fld {
	uint8_t kind;
	uint32_t start, len;
};

struct layout {
	struct fent *fm;
	struct fld *fl;
	size_t nfl;
};

struct dv {
	const struct mb_blob *blob;
	const unsigned char *c;
	size_t n;
	enum vkind kind;
	size_t first;            /* first input with this blob */
	int is_odbc;
	unsigned char *known;    /* user crib: n bytes, prefix included */
	int known_bad;
	char known_why[200];
	int excluded;
	char why[240];
	int md5_ok;
	unsigned char md5[16];
	int verified;
	const char *method;
	unsigned char *pt;       /* plaintext once verified */
	unsigned char *na;       /* per byte: char taken as non-ASCII */
	int from_default;
	int sig_bad;             /* signature does not decode */
	size_t ascii_conflict;   /* first byte where the ASCII vote lost */
	int dict_done;
	size_t searched_at;      /* known-byte count at last failed search */
	unsigned char (*refuted)[16]; /* MD5s of plaintexts proven wrong */
	size_t nrefuted;
	struct layout lay[MAXLAY];
	size_t nlay;
};

struct solver {
	const struct mb_reveal_item *items;
	size_t nitems;
	const struct mb_reveal_opts *o;
	struct dv *v;
	size_t nv;
	size_t *map;             /* input -> dv, NOVAL when unusable */
	char (*item_why)[240];
	size_t L;
	unsigned char *hk, *hset;
	int *hsrc;               /* dv that set a hard byte, -1 = structure */
	unsigned char *mk;       /* machine keystream, or NULL */
	int have_prefix;
	unsigned char prefix[4];
	struct bset *cand;
	int level, used_sd;
	int sd_gave_up;          /* the layout search ran out of nodes */
	int have_mod;
	struct mb_rsa_pub mod;
	enum mb_reveal_modsrc modsrc;
	double gcd_seconds;
	struct mb_md5 *md5;
	unsigned long search_left;
	unsigned long node_budget;
	int session_ok;          /* SessionKey parsed */
	int session_verified;
	int password_protected;
	unsigned char session_md5[16];
	struct mb_buf notes;
};

static void note(struct solver *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int is_refuted(struct solver *s, const struct dv *d,
		      const unsigned char *pt);

static void note(struct solver *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mb_buf_vprintf(&s->notes, fmt, ap);
	va_end(ap);
	mb_buf_putc(&s->notes, '\n');
}

static const char *dv_name(const struct solver *s, size_t i)
{
	return s->items[s->v[i].first].prop ? s->items[s->v[i].first].prop
					    : "value";
}

static const char *dv_label(const struct solver *s, size_t i)
{
	return s->items[s->v[i].first].label ? s->items[s->v[i].first].label
					     : "";
}

/* ==== classification and set-up ======================================== */

static int has_pass(const char *p)
{
	for (; *p; p++)
		if (strncasecmp(p, "pass", 4) == 0)
			return 1;
	return 0;
}

enum mb_type mb_reveal_prop_type(const char *prop)
{
	if (!prop)
		return MB_T_BINARY;
	if (strcasecmp(prop, "AdminACL") == 0)
		return MB_T_NTACL;
	if (strcasecmp(prop, "AdminACLBin") == 0)
		return MB_T_BINARY;
	if (has_pass(prop))
		return MB_T_STRING;
	return MB_T_BINARY;
}

static enum vkind kind_of(const struct mb_reveal_item *it)
{
	enum mb_type t = it->type;

	if (t == MB_T_UNKNOWN)
		t = mb_reveal_prop_type(it->prop);
	if (it->blob->kind == MB_BLOB_CLEAR)
		return VK_CLEAR;
	if (t == MB_T_STRING || t == MB_T_EXPANDSZ || t == MB_T_WSTR)
		return VK_STRING;
	if (t == MB_T_NTACL)
		return VK_SD;
	return VK_BINARY;
}

static int shape_ok(struct solver *s, size_t i, enum vkind k)
{
	const struct mb_blob *b = s->items[i].blob;

	if (k == VK_STRING && (b->data_len < 6 || b->data_len % 2)) {
		snprintf(s->item_why[i], sizeof(s->item_why[i]),
			 "encrypted length %lu cannot hold a UTF-16 string",
			 (unsigned long)b->data_len);
		return 0;
	}
	if (k == VK_SD && b->data_len < 4 + 20) {
		snprintf(s->item_why[i], sizeof(s->item_why[i]),
			 "encrypted length %lu is too short for a security "
			 "descriptor", (unsigned long)b->data_len);
		return 0;
	}
	return 1;
}

/* Items sorted by blob, so that equal blobs are neighbours. */
struct ent {
	const struct mb_blob *b;
	size_t i;
};

static int ent_cmp(const void *pa, const void *pb)
{
	const struct ent *a = pa, *b = pb;
	int c = mb_blob_cmp(a->b, b->b);

	if (c)
		return c;
	return a->i < b->i ? -1 : a->i > b->i;
}

static int is_odbc(const char *prop)
{
	return prop && strcasecmp(prop, "LogOdbcPassword") == 0;
}

static size_t add_dv(struct solver *s, size_t item, enum vkind k)
{
	const struct mb_blob *b = s->items[item].blob;
	struct dv *d = &s->v[s->nv];

	memset(d, 0, sizeof(*d));
	d->blob = b;
	d->c = b->data;
	d->n = b->data_len;
	d->kind = k;
	d->first = item;
	d->na = calloc(1, d->n + 1);
	if (d->n > s->L && k != VK_CLEAR)
		s->L = d->n;
	return s->nv++;
}

static int set_known(struct solver *s, size_t item, size_t di)
{
	struct dv *d = &s->v[di];
	struct mb_buf u;
	int ok = 1;

	mb_buf_init(&u);
	mb_buf_append(&u, "\0\0\0\0", 4);
	if (d->kind != VK_STRING ||
	    mb_blob_utf8_to_utf16(s->items[item].known,
				  strlen(s->items[item].known), &u, NULL)) {
		snprintf(d->known_why, sizeof(d->known_why),
			 "a known value can only be given for a string, as "
			 "valid UTF-8");
		ok = 0;
	} else if (u.len != d->n) {
		snprintf(d->known_why, sizeof(d->known_why),
			 "the known value has %zu characters, the stored "
			 "value has %zu", (u.len - 6) / 2, (d->n - 6) / 2);
		ok = 0;
	} else if (d->known && memcmp(d->known, u.data, d->n)) {
		snprintf(d->known_why, sizeof(d->known_why),
			 "two different known values for equal values");
		ok = 0;
	}
	if (ok && !d->known)
		d->known = (unsigned char *)mb_buf_detach(&u, NULL);
	d->known_bad |= !ok;
	mb_buf_wipe(&u);
	return ok;
}

static int item_usable(struct solver *s, size_t i)
{
	const struct mb_reveal_item *it = &s->items[i];
	struct mb_error e;

	s->map[i] = NOVAL;
	mb_error_clear(&e);
	if (!it->blob || mb_blob_usable(it->blob, &e) != MB_OK) {
		snprintf(s->item_why[i], sizeof(s->item_why[i]), "%.200s",
			 it->blob ? e.reason : "no value");
		return 0;
	}
	return shape_ok(s, i, kind_of(it));
}

/* One dv per distinct blob (sorting keeps this O(n log n)). */
static int setup_items(struct solver *s)
{
	struct ent *e = calloc(s->nitems + 1, sizeof(*e));
	size_t n = 0, i, di = NOVAL;

	if (!e)
		return -1;
	for (i = 0; i < s->nitems; i++)
		if (item_usable(s, i)) {
			e[n].b = s->items[i].blob;
			e[n++].i = i;
		}
	qsort(e, n, sizeof(*e), ent_cmp);
	for (i = 0; i < n; i++) {
		if (i == 0 || mb_blob_cmp(e[i - 1].b, e[i].b))
			di = add_dv(s, e[i].i, kind_of(&s->items[e[i].i]));
		s->map[e[i].i] = di;
		/* the default holds for the blob, whichever item came first */
		s->v[di].is_odbc |= is_odbc(s->items[e[i].i].prop);
		if (s->items[e[i].i].known)
			set_known(s, e[i].i, di);
	}
	free(e);
	return 0;
}

/* ==== the hard keystream =============================================== */

/* Majority (Boyer-Moore vote) of the first four ciphertext bytes. */
static void find_prefix(struct solver *s)
{
	const unsigned char *best = NULL;
	size_t i, votes = 0;

	for (i = 0; i < s->nv; i++) {
		if (s->v[i].kind == VK_CLEAR)
			continue;
		if (!votes)
			best = s->v[i].c;
		votes += best == s->v[i].c || !memcmp(best, s->v[i].c, 4) ? 1
									   : -1;
	}
	if (!best)
		return;
	s->have_prefix = 1;
	memcpy(s->prefix, s->mk ? s->mk : best, 4);
	for (i = 0; i < s->nv; i++) {
		if (s->v[i].kind == VK_CLEAR ||
		    !memcmp(s->v[i].c, s->prefix, 4))
			continue;
		s->v[i].excluded = 1;
		snprintf(s->v[i].why, sizeof(s->v[i].why),
			 "encrypted with a different session key than %s: "
			 "its first 4 bytes differ (copied from another "
			 "server?)", s->mk ? "this file's SessionKey"
					   : "the other values of the file");
	}
}

/* 0 on success, else the conflicting source + 1 (or -1 for structure). */
static int hard_set(struct solver *s, size_t j, unsigned k, int src)
{
	if (s->hset[j]) {
		if (s->hk[j] == k)
			return 0;
		return s->hsrc[j] >= 0 ? s->hsrc[j] + 1 : -1;
	}
	s->hset[j] = 1;
	s->hk[j] = (unsigned char)k;
	s->hsrc[j] = src;
	return 0;
}

static void hard_nuls(struct solver *s)
{
	size_t i;

	for (i = 0; i < s->nv; i++) {
		struct dv *d = &s->v[i];

		if (d->kind != VK_STRING || d->excluded)
			continue;
		if (hard_set(s, d->n - 2, d->c[d->n - 2], (int)i) ||
		    hard_set(s, d->n - 1, d->c[d->n - 1], (int)i)) {
			d->excluded = 1;
			snprintf(d->why, sizeof(d->why),
				 "its terminating NUL contradicts the other "
				 "values: the value is damaged or was not "
				 "encrypted with this file's key");
		}
	}
}

static void hard_plain(struct solver *s, size_t i, const unsigned char *pt)
{
	size_t j;

	for (j = 0; j < s->v[i].n; j++)
		hard_set(s, j, s->v[i].c[j] ^ pt[j], (int)i);
}

/* The first byte where d's known value contradicts the certain keystream:
 * its source + 1 (-1 for structure), 0 when it agrees everywhere. */
static int known_conflict(const struct solver *s, const struct dv *d,
			  size_t *at)
{
	size_t j;

	for (j = 0; j < d->n; j++) {
		if (!s->hset[j] || s->hk[j] == (d->c[j] ^ d->known[j]))
			continue;
		*at = j;
		return s->hsrc[j] >= 0 ? s->hsrc[j] + 1 : -1;
	}
	return 0;
}

/* All or nothing: a rejected known value leaves no byte behind. */
static void hard_knowns(struct solver *s)
{
	size_t i, j = 0;
	int r;

	for (i = 0; i < s->nv; i++) {
		struct dv *d = &s->v[i];

		if (!d->known || d->known_bad || d->excluded || d->verified)
			continue;
		r = known_conflict(s, d, &j);
		if (!r) {
			for (j = 0; j < d->n; j++)
				hard_set(s, j, d->c[j] ^ d->known[j], (int)i);
			continue;
		}
		d->known_bad = 1;
		snprintf(d->known_why, sizeof(d->known_why),
			 "the known value contradicts %s%s%s at byte %zu",
			 r > 0 ? dv_label(s, (size_t)r - 1) : "",
			 r > 0 ? " " : "the file's structure",
			 r > 0 ? dv_name(s, (size_t)r - 1) : "", j);
	}
}

/* Derive the certain keystream again from every certain fact. */
static void rebuild_hard(struct solver *s)
{
	size_t i, j;

	memset(s->hset, 0, s->L);
	for (j = 0; s->mk && j < s->L; j++)
		hard_set(s, j, s->mk[j], -1);
	for (j = 0; s->have_prefix && j < 4 && j < s->L; j++)
		hard_set(s, j, s->prefix[j], -1);
	hard_nuls(s);
	for (i = 0; i < s->nv; i++)
		if (s->v[i].verified && s->v[i].pt)
			hard_plain(s, i, s->v[i].pt);
	/* Knowns count until a signature or a certain fact says otherwise. */
	hard_knowns(s);
}

/* ==== soft hypotheses of a level ======================================= */

static int covers_high(const struct dv *d, size_t j)
{
	return d->kind == VK_STRING && !d->excluded && !d->verified &&
	       !(d->known && !d->known_bad) && j % 2 && j >= 5 && j + 2 < d->n;
}

/* High bytes of ASCII characters are zero: vote where strings disagree. */
static void ascii_position(struct solver *s, struct bset *cand, size_t j)
{
	unsigned cnt[256] = { 0 };
	unsigned best = 0, second = 0, bk = 0, k;
	size_t i;

	for (i = 0; i < s->nv; i++)
		if (covers_high(&s->v[i], j))
			cnt[s->v[i].c[j]]++;
	for (k = 0; k < 256; k++) {
		if (cnt[k] > best) {
			second = best;
			best = cnt[k];
			bk = k;
		} else if (cnt[k] > second) {
			second = cnt[k];
		}
	}
	if (!best)
		return;
	if (s->hset[j])
		bk = s->hk[j];
	else if (best == second)
		bk = 256; /* a tie: nobody knows which one is ASCII */
	else
		bs_one(&cand[j], bk);
	for (i = 0; i < s->nv; i++)
		if (covers_high(&s->v[i], j) && s->v[i].c[j] != bk) {
			s->v[i].na[j] = 1;
			if (!s->v[i].ascii_conflict)
				s->v[i].ascii_conflict = j;
		}
}

/*
 * Printable characters, per value and per character: a character that
 * cannot be printable given the others (an accented or control one) is
 * taken as non-ASCII on its own, and the file keeps every other crib.
 */
static void printable(struct solver *s, struct bset *cand)
{
	struct bset set, t;
	size_t i, j;
	unsigned p;

	for (i = 0; i < s->nv; i++) {
		struct dv *d = &s->v[i];

		for (j = 4; j + 3 < d->n; j += 2) {
			if (!covers_high(d, j + 1) || d->na[j + 1])
				continue;
			memset(&set, 0, sizeof(set));
			for (p = 0x20; p < 0x7f; p++)
				bs_add(&set, d->c[j] ^ p);
			t = cand[j];
			if (bs_and(&t, &set))
				cand[j] = t;
			else
				d->na[j + 1] = 1;
		}
	}
}

/* Byte j of the UTF-16 plaintext (after the prefix) of an ASCII word. */
static unsigned odbc_byte(const char *w, size_t j)
{
	return j % 2 ? 0 : (unsigned char)w[(j - 4) / 2];
}

/* Per value: a default a failed gcd refuted is not tried again. */
static int default_refuted(struct solver *s, const struct dv *d,
			   const char *w)
{
	unsigned char pt[4 + 2 * 16] = { 0 };
	size_t j;

	for (j = 4; j < d->n && j < sizeof(pt); j++)
		pt[j] = j + 2 < d->n ? (unsigned char)odbc_byte(w, j) : 0;
	return d->n <= sizeof(pt) && is_refuted(s, d, pt);
}

static void defaults(struct solver *s, struct bset *cand)
{
	static const char odbc[] = "sqllog";
	size_t i, j;

	for (i = 0; i < s->nv; i++) {
		struct dv *d = &s->v[i];
		int ok = 1;

		if (!d->is_odbc || d->n != 4 + 2 * sizeof(odbc) ||
		    d->verified || d->excluded || (d->known && !d->known_bad) ||
		    default_refuted(s, d, odbc))
			continue;
		for (j = 4; j < d->n - 2; j++)
			ok &= bs_has(&cand[j], d->c[j] ^ odbc_byte(odbc, j));
		for (j = 4; ok && j < d->n - 2; j++)
			bs_one(&cand[j], d->c[j] ^ odbc_byte(odbc, j));
		d->from_default = ok;
	}
}

static int apply_soft(struct solver *s, int level, struct bset *cand)
{
	size_t i, j;

	for (j = 0; j < s->L; j++) {
		if (s->hset[j])
			bs_one(&cand[j], s->hk[j]);
		else
			bs_all(&cand[j]);
	}
	for (i = 0; i < s->nv; i++) {
		memset(s->v[i].na, 0, s->v[i].n);
		s->v[i].from_default = 0;
	}
	if (level >= 3)
		return 0;
	for (j = 5; j < s->L; j += 2)
		ascii_position(s, cand, j);
	if (level < 2)
		printable(s, cand);
	if (level < 1 && !s->o->no_defaults)
		defaults(s, cand);
	return 0;
}

/* ==== joint search over descriptor layouts ============================== */

enum { PH_HDR, PH_OFF, PH_COMP, PH_DONE };
enum { C_SACL, C_DACL, C_OWNER, C_GROUP };

struct comp {
	uint8_t kind;
	uint32_t off, size;
};

struct sdst {
	size_t v;
	uint32_t S;
	int phase;
	uint8_t lo, hi;
	struct comp comp[4];
	int ncomp, ci;
	int in_acl;
	uint32_t ace_pos, acl_end;
	unsigned aces_left;
	uint32_t pos;
	struct fent *fm;
	struct fld *fl;
	size_t nfl, capfl;
};

struct dfs {
	struct solver *s;
	struct bset *cand;
	unsigned char *kv, *kk, *dc;
	size_t *trail;
	size_t ntrail;
	struct sdst *sd;
	size_t nsd;
	unsigned long nodes, budget;
	int aborted;
	unsigned long nsol;
	unsigned char *agree, *aval;
	struct bset *seen;
};

static void dfs(struct dfs *d);

static int fm_ok(uint8_t kind, uint8_t val, unsigned p)
{
	switch (kind) {
	case FM_FIXED:
		return p == val;
	case FM_FLAGS:
		return !(p & 0xe0);
	case FM_FLAGS_S:
		return !(p & 0x20);
	case FM_MASK2:
		return !(p & 0xe0);
	case FM_MASK3:
		return !(p & 0x0e);
	case FM_TYPEANY:
		return p <= 1;
	}
	return 1;
}

/* Does the keystream byte k at j agree with every laid-out descriptor? */
static int others_ok(struct dfs *d, size_t j, unsigned k)
{
	size_t i;

	for (i = 0; i < d->nsd; i++) {
		const struct sdst *o = &d->sd[i];
		const struct fent *f;

		if (j < 4 || j - 4 >= o->pos || j - 4 >= o->S)
			continue;
		f = &o->fm[j - 4];
		if (!fm_ok(f->kind, f->val, d->s->v[o->v].c[j] ^ k))
			return 0;
	}
	return 1;
}

static int assign(struct dfs *d, size_t j, unsigned k)
{
	if (d->kk[j])
		return d->kv[j] == k;
	if (!bs_has(&d->cand[j], k) || !others_ok(d, j, k))
		return 0;
	d->kk[j] = 1;
	d->kv[j] = (unsigned char)k;
	d->trail[d->ntrail++] = j;
	return 1;
}

static void undo(struct dfs *d, size_t mark)
{
	while (d->ntrail > mark)
		d->kk[d->trail[--d->ntrail]] = 0;
}

/* Lay byte off of descriptor sd as kind (val for FM_FIXED). */
static int place(struct dfs *d, struct sdst *sd, uint32_t off, uint8_t kind,
		 unsigned val)
{
	size_t j = 4 + (size_t)off;
	unsigned c = d->s->v[sd->v].c[j];

	sd->fm[off].kind = kind;
	sd->fm[off].val = (uint8_t)val;
	if (kind == FM_FIXED)
		return assign(d, j, c ^ val);
	if (d->kk[j])
		return fm_ok(kind, (uint8_t)val, c ^ d->kv[j]);
	return 1;
}

static int place_le(struct dfs *d, struct sdst *sd, uint32_t off, uint32_t v,
		    unsigned nbytes)
{
	unsigned i;

	for (i = 0; i < nbytes; i++)
		if (!place(d, sd, off + i, FM_FIXED, (v >> (8 * i)) & 255))
			return 0;
	return 1;
}

static void add_field(struct sdst *sd, uint8_t kind, uint32_t start,
		      uint32_t len)
{
	if (sd->nfl < sd->capfl) {
		sd->fl[sd->nfl].kind = kind;
		sd->fl[sd->nfl].start = start;
		sd->fl[sd->nfl].len = len;
		sd->nfl++;
	}
}

static struct sdst *next_sd(struct dfs *d)
{
	struct sdst *best = NULL;
	size_t i;

	for (i = 0; i < d->nsd; i++)
		if (d->sd[i].phase != PH_DONE &&
		    (!best || d->sd[i].pos < best->pos))
			best = &d->sd[i];
	return best;
}

/* The piece [.., end) of the current component is laid: move on. */
static void advance(struct sdst *sd, uint32_t end)
{
	const struct comp *c = &sd->comp[sd->ci];

	sd->pos = end;
	if (end < c->off + c->size)
		return;
	sd->in_acl = 0;
	if (++sd->ci >= sd->ncomp) {
		sd->phase = PH_DONE;
		sd->pos = sd->S;
	} else {
		sd->pos = sd->comp[sd->ci].off;
	}
}

/* Recurse on the state just laid, then restore everything. */
static void descend(struct dfs *d, struct sdst *sd, const struct sdst *saved,
		    size_t mark)
{
	dfs(d);
	undo(d, mark);
	*sd = *saved;
}

static void control_order(uint8_t *out, const uint8_t *pref, size_t npref,
			  uint8_t base)
{
	size_t n = 0, i;
	unsigned v;

	for (i = 0; i < npref; i++)
		out[n++] = pref[i];
	for (v = 0; v < 64; v++) {
		for (i = 0; i < npref && pref[i] != (base | v); i++)
			;
		if (i == npref)
			out[n++] = (uint8_t)(base | v);
	}
}

static void step_header(struct dfs *d, struct sdst *sd)
{
	static const uint8_t plo[] = { 0x04, 0x07, 0x05, 0x06, 0x14, 0x17,
				       0x0c, 0x0f };
	static const uint8_t phi[] = { 0x80, 0x84, 0x94, 0x90, 0x8c };
	uint8_t lo[64], hi[64];
	struct sdst saved = *sd;
	size_t a, b, mark = d->ntrail, mark2;

	control_order(lo, plo, sizeof(plo), 0);
	control_order(hi, phi, sizeof(phi), 0x80);
	if (!place(d, sd, 0, FM_FIXED, 1) || !place(d, sd, 1, FM_FIXED, 0)) {
		undo(d, mark);
		return;
	}
	mark2 = d->ntrail;
	for (a = 0; a < 64 && !d->aborted; a++) {
		if (!place(d, sd, 2, FM_FIXED, lo[a])) {
			undo(d, mark2);
			continue;
		}
		for (b = 0; b < 64 && !d->aborted; b++) {
			size_t m3 = d->ntrail;

			if (place(d, sd, 3, FM_FIXED, hi[b])) {
				sd->lo = lo[a];
				sd->hi = hi[b];
				sd->phase = PH_OFF;
				sd->pos = 4;
				dfs(d);
			}
			undo(d, m3);
			sd->phase = saved.phase;
			sd->pos = saved.pos;
		}
		undo(d, mark2);
	}
	undo(d, mark);
	*sd = saved;
}

/* Lay the four offsets for the components in the order of perm. */
static void try_order(struct dfs *d, struct sdst *sd, const struct comp *perm,
		      int n)
{
	static const uint32_t field_of[4] = { 12, 16, 4, 8 };
	uint32_t offs[4] = { 0, 0, 0, 0 }, off = 20;
	struct sdst saved = *sd;
	size_t mark = d->ntrail;
	int i, ok = 1;

	for (i = 0; i < n; i++) {
		sd->comp[i] = perm[i];
		sd->comp[i].off = off;
		offs[perm[i].kind] = off;
		off += perm[i].size;
	}
	for (i = 0; i < 4 && ok; i++)
		ok = place_le(d, sd, field_of[i], offs[i], 4);
	if (ok) {
		sd->ncomp = n;
		sd->ci = 0;
		sd->phase = n ? PH_COMP : PH_DONE;
		sd->pos = n ? 20 : sd->S;
		descend(d, sd, &saved, mark);
		return;
	}
	undo(d, mark);
	*sd = saved;
}

static int next_perm(int *a, int n)
{
	int i = n - 2, j, t;

	while (i >= 0 && a[i] >= a[i + 1])
		i--;
	if (i < 0)
		return 0;
	for (j = n - 1; a[j] <= a[i]; j--)
		;
	t = a[i];
	a[i] = a[j];
	a[j] = t;
	for (i++, j = n - 1; i < j; i++, j--) {
		t = a[i];
		a[i] = a[j];
		a[j] = t;
	}
	return 1;
}

static void try_sizes(struct dfs *d, struct sdst *sd, const uint32_t *size)
{
	struct comp present[4], perm[4];
	int idx[4], n = 0, i;

	for (i = 0; i < 4; i++) {
		if (!size[i])
			continue;
		present[n].kind = (uint8_t)i;
		present[n].size = size[i];
		present[n].off = 0;
		idx[n] = n;
		n++;
	}
	do {
		for (i = 0; i < n; i++)
			perm[i] = present[idx[i]];
		try_order(d, sd, perm, n);
	} while (!d->aborted && next_perm(idx, n));
}

static void step_offsets(struct dfs *d, struct sdst *sd)
{
	static const uint32_t olen[] = { 16, 12, 28, 24, 20, 0 };
	int sacl = sd->lo & 0x10, dacl = sd->lo & 0x04;
	uint32_t size[4];
	size_t a, b;
	long rest, ss, smax = sacl ? (long)sd->S - 28 : 0;

	for (a = 0; a < 6; a++)
		for (b = 0; b < 6; b++)
			for (ss = sacl ? 8 : 0; ss <= smax && !d->aborted;
			     ss += 4) {
				rest = (long)sd->S - 20 - (long)olen[a] -
				       (long)olen[b] - ss;
				if (dacl ? (rest < 8 || rest % 4) : rest != 0)
					continue;
				size[C_SACL] = (uint32_t)ss;
				size[C_DACL] = (uint32_t)rest;
				size[C_OWNER] = olen[a];
				size[C_GROUP] = olen[b];
				try_sizes(d, sd, size);
				if (!sacl)
					break;
			}
}

/* Every byte of [off, off+len) is free of any constraint but this one. */
static int dontcare(const struct dfs *d, uint32_t off, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		if (!d->dc[4 + off + i] || d->kk[4 + off + i])
			return 0;
	return 1;
}

static int place_sid(struct dfs *d, struct sdst *sd, uint32_t off,
		     const struct sidt *t)
{
	uint32_t i;

	for (i = 0; i < t->len; i++) {
		int ok = i < t->fixed
				 ? place(d, sd, off + i, FM_FIXED, t->b[i])
				 : place(d, sd, off + i, FM_SIDFREE, 0);
		if (!ok)
			return 0;
	}
	return 1;
}

static void sid_any(struct sdst *sd, uint32_t off, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++) {
		sd->fm[off + i].kind = FM_SIDANY;
		sd->fm[off + i].val = 0;
	}
	add_field(sd, FLD_SID, off, len);
}

static void step_sid(struct dfs *d, struct sdst *sd)
{
	const struct comp *c = &sd->comp[sd->ci];
	struct sdst saved = *sd;
	size_t t, mark = d->ntrail;

	if (dontcare(d, c->off, c->size)) {
		sid_any(sd, c->off, c->size);
		advance(sd, c->off + c->size);
		descend(d, sd, &saved, mark);
		return;
	}
	for (t = 0; t < NSIDS && !d->aborted; t++) {
		if (sids[t].len != c->size)
			continue;
		if (place_sid(d, sd, c->off, &sids[t])) {
			advance(sd, c->off + c->size);
			descend(d, sd, &saved, mark);
		} else {
			undo(d, mark);
			*sd = saved;
		}
	}
}

static void step_acl(struct dfs *d, struct sdst *sd)
{
	const struct comp *c = &sd->comp[sd->ci];
	struct sdst saved = *sd;
	uint32_t cnt, maxc = c->size == 8 ? 0 : (c->size - 8) / 20;
	size_t r, mark = d->ntrail;
	static const uint8_t revs[] = { 2, 4 };

	for (r = 0; r < 2 && !d->aborted; r++) {
		for (cnt = c->size == 8 ? 0 : 1; cnt <= maxc; cnt++) {
			int ok = place(d, sd, c->off, FM_FIXED, revs[r]) &&
				 place(d, sd, c->off + 1, FM_FIXED, 0) &&
				 place_le(d, sd, c->off + 2, c->size, 2) &&
				 place_le(d, sd, c->off + 4, cnt, 2) &&
				 place_le(d, sd, c->off + 6, 0, 2);
			if (ok) {
				sd->in_acl = 1;
				sd->aces_left = cnt;
				sd->ace_pos = c->off + 8;
				sd->acl_end = c->off + c->size;
				advance(sd, c->off + 8);
				descend(d, sd, &saved, mark);
			} else {
				undo(d, mark);
				*sd = saved;
			}
		}
	}
}

/* ACE header and mask; the type is laid by the caller. */
static int place_ace_body(struct dfs *d, struct sdst *sd, uint32_t a,
			  uint32_t asize, int sacl)
{
	int ok = place(d, sd, a + 1, sacl ? FM_FLAGS_S : FM_FLAGS, 0) &&
		 place_le(d, sd, a + 2, asize, 2) &&
		 place(d, sd, a + 4, FM_FREE, 0) &&
		 place(d, sd, a + 5, FM_FREE, 0) &&
		 place(d, sd, a + 6, FM_MASK2, 0) &&
		 place(d, sd, a + 7, FM_MASK3, 0);

	add_field(sd, FLD_FLAGS, a + 1, 1);
	add_field(sd, FLD_MASK, a + 4, 4);
	return ok;
}

static void ace_done(struct dfs *d, struct sdst *sd, const struct sdst *saved,
		     size_t mark, uint32_t asize)
{
	sd->ace_pos += asize;
	sd->aces_left--;
	if (sd->aces_left == 0)
		advance(sd, sd->acl_end);
	else
		sd->pos = sd->ace_pos;
	descend(d, sd, saved, mark);
}

static void ace_try(struct dfs *d, struct sdst *sd, uint32_t sl)
{
	int sacl = sd->comp[sd->ci].kind == C_SACL;
	uint32_t a = sd->ace_pos, asize = 8 + sl;
	struct sdst saved = *sd;
	size_t t, mark = d->ntrail;
	unsigned type;

	if (dontcare(d, a, 1) && dontcare(d, a + 8, sl)) {
		/* Only the structure matters here: one representative. */
		if (sacl) {
			place(d, sd, a, FM_FIXED, 2);
		} else {
			sd->fm[a].kind = FM_TYPEANY;
			add_field(sd, FLD_TYPE, a, 1);
		}
		sid_any(sd, a + 8, sl);
		if (place_ace_body(d, sd, a, asize, sacl))
			ace_done(d, sd, &saved, mark, asize);
		else
			undo(d, mark), *sd = saved;
		return;
	}
	for (type = sacl ? 2 : 0; type <= (sacl ? 2u : 1u); type++)
		for (t = 0; t < NSIDS && !d->aborted; t++) {
			if (sids[t].len != sl)
				continue;
			if (place(d, sd, a, FM_FIXED, type) &&
			    place_ace_body(d, sd, a, asize, sacl) &&
			    place_sid(d, sd, a + 8, &sids[t]))
				ace_done(d, sd, &saved, mark, asize);
			else
				undo(d, mark), *sd = saved;
		}
}

static void step_ace(struct dfs *d, struct sdst *sd)
{
	uint32_t r = sd->acl_end - sd->ace_pos, c = sd->aces_left, as;
	size_t i;

	for (i = 0; i < NSIDLENS && !d->aborted; i++) {
		as = 8 + sid_lens[i];
		if (c == 1 ? as != r
			   : (r < as + 20 * (c - 1) || r > as + 36 * (c - 1)))
			continue;
		ace_try(d, sd, sid_lens[i]);
	}
}

static int same_layout(const struct layout *l, const struct sdst *sd)
{
	return memcmp(l->fm, sd->fm, sd->S * sizeof(*sd->fm)) == 0;
}

static void save_layout(struct dv *v, const struct sdst *sd)
{
	struct layout *l;
	size_t i;

	for (i = 0; i < v->nlay; i++)
		if (same_layout(&v->lay[i], sd))
			return;
	if (v->nlay >= MAXLAY)
		return;
	l = &v->lay[v->nlay];
	l->fm = malloc(sd->S * sizeof(*l->fm));
	l->fl = malloc((sd->nfl + 1) * sizeof(*l->fl));
	if (!l->fm || !l->fl) {
		free(l->fm);
		free(l->fl);
		return;
	}
	memcpy(l->fm, sd->fm, sd->S * sizeof(*l->fm));
	memcpy(l->fl, sd->fl, sd->nfl * sizeof(*l->fl));
	l->nfl = sd->nfl;
	v->nlay++;
}

/* A complete joint layout: merge its keystream into the agreement. */
static void record(struct dfs *d)
{
	size_t j, i;

	d->nsol++;
	for (j = 0; j < d->s->L; j++) {
		if (!d->kk[j]) {
			d->agree[j] = 3;
			continue;
		}
		if (d->nsol == 1) {
			d->agree[j] = 1;
			d->aval[j] = d->kv[j];
		} else if (d->agree[j] == 1 && d->aval[j] != d->kv[j]) {
			d->agree[j] = 2;
		}
		bs_add(&d->seen[j], d->kv[j]);
	}
	for (i = 0; i < d->nsd; i++)
		save_layout(&d->s->v[d->sd[i].v], &d->sd[i]);
}

static void dfs(struct dfs *d)
{
	struct sdst *sd;

	if (d->aborted)
		return;
	if (++d->nodes > d->budget) {
		d->aborted = 1;
		return;
	}
	sd = next_sd(d);
	if (!sd)
		record(d);
	else if (sd->phase == PH_HDR)
		step_header(d, sd);
	else if (sd->phase == PH_OFF)
		step_offsets(d, sd);
	else if (sd->in_acl)
		step_ace(d, sd);
	else if (sd->comp[sd->ci].kind == C_SACL ||
		 sd->comp[sd->ci].kind == C_DACL)
		step_acl(d, sd);
	else
		step_sid(d, sd);
}

/* Positions where no other value can check a descriptor's choice. */
static void mark_dontcare(struct dfs *d)
{
	size_t j, i;

	for (j = 0; j < d->s->L; j++) {
		int first = -1, same = 1;

		for (i = 0; i < d->nsd && same; i++) {
			const struct dv *v = &d->s->v[d->sd[i].v];

			if (j >= v->n)
				continue;
			if (first < 0)
				first = v->c[j];
			else
				same = first == v->c[j];
		}
		d->dc[j] = same && bs_is_all(&d->cand[j]);
	}
}

static int dfs_alloc(struct dfs *d, struct solver *s, struct bset *cand)
{
	size_t L = s->L, i;

	memset(d, 0, sizeof(*d));
	d->s = s;
	d->cand = cand;
	d->kv = calloc(L, 1);
	d->kk = calloc(L, 1);
	d->dc = calloc(L, 1);
	d->agree = calloc(L, 1);
	d->aval = calloc(L, 1);
	d->seen = calloc(L, sizeof(*d->seen));
	d->trail = calloc(L + 1, sizeof(*d->trail));
	d->sd = calloc(s->nv + 1, sizeof(*d->sd));
	if (!d->kv || !d->kk || !d->dc || !d->agree || !d->aval || !d->seen ||
	    !d->trail || !d->sd)
		return -1;
	for (i = 0; i < L; i++) {
		int k = bs_single(&cand[i]);

		d->kk[i] = k >= 0;
		d->kv[i] = (unsigned char)(k >= 0 ? k : 0);
	}
	d->budget = s->node_budget;
	return 0;
}

static int dfs_add_sd(struct dfs *d, size_t vi)
{
	struct sdst *sd = &d->sd[d->nsd];
	uint32_t S = (uint32_t)(d->s->v[vi].n - 4);

	memset(sd, 0, sizeof(*sd));
	sd->v = vi;
	sd->S = S;
	sd->phase = PH_HDR;
	sd->fm = calloc(S, sizeof(*sd->fm));
	sd->capfl = S / 2 + 8;
	sd->fl = calloc(sd->capfl, sizeof(*sd->fl));
	if (!sd->fm || !sd->fl)
		return -1;
	d->nsd++;
	return 0;
}

static void dfs_free(struct dfs *d)
{
	size_t i;

	for (i = 0; i < d->nsd; i++) {
		free(d->sd[i].fm);
		free(d->sd[i].fl);
	}
	free(d->sd);
	free(d->kv);
	free(d->kk);
	free(d->dc);
	free(d->agree);
	free(d->aval);
	free(d->seen);
	free(d->trail);
}

static void clear_layouts(struct dv *v)
{
	size_t i;

	for (i = 0; i < v->nlay; i++) {
		free(v->lay[i].fm);
		free(v->lay[i].fl);
	}
	v->nlay = 0;
}

/* Narrow cand to what every consistent layout agrees on. */
static void dfs_narrow(struct dfs *d)
{
	size_t j;

	for (j = 0; j < d->s->L; j++) {
		if (d->agree[j] == 1)
			bs_one(&d->cand[j], d->aval[j]);
		else if (d->agree[j] == 2)
			bs_and(&d->cand[j], &d->seen[j]);
	}
}

static int sd_searchable(const struct dv *v)
{
	return v->kind == VK_SD && !v->excluded && !v->verified &&
	       v->n <= SD_MAX;
}

/*
 * The layouts of every descriptor (only == NOVAL) or of one, with budget
 * nodes. 1: narrowed (or nothing to do), 0: no layout fits, -1: gave up.
 */
static int run_dfs(struct solver *s, struct bset *cand, size_t only,
		   unsigned long budget)
{
	struct dfs d;
	size_t i;
	int r = 1;

	if (dfs_alloc(&d, s, cand)) {
		dfs_free(&d);
		return -1;
	}
	d.budget = budget;
	for (i = 0; i < s->nv; i++) {
		struct dv *v = &s->v[i];

		if (only != NOVAL && i != only)
			continue;
		clear_layouts(v);
		if (sd_searchable(v) && dfs_add_sd(&d, i)) {
			dfs_free(&d);
			return -1;
		}
	}
	if (d.nsd) {
		mark_dontcare(&d);
		dfs(&d);
		if (only == NOVAL)
			s->sd_gave_up |= d.aborted;
		if (d.aborted)
			r = -1;
		else if (!d.nsol)
			r = 0;
		else
			dfs_narrow(&d);
	}
	dfs_free(&d);
	return r;
}

/* ==== levels =========================================================== */

/*
 * The joint search failed: judge each descriptor on its own, so that one
 * unusual descriptor (a NULL DACL, odd masks) or one with too many layouts
 * does not switch the crib off for the others. 0 when one or more fit.
 */
static int each_sd(struct solver *s, struct bset *cand)
{
	size_t i, n = 0, fit = 0;
	unsigned long budget;

	for (i = 0; i < s->nv; i++)
		n += (size_t)sd_searchable(&s->v[i]);
	if (n < 2)
		return -1;
	budget = s->node_budget / n > (1ul << 14) ? s->node_budget / n
						  : (1ul << 14);
	for (i = 0; i < s->nv; i++)
		if (sd_searchable(&s->v[i]) &&
		    run_dfs(s, cand, i, budget) > 0 && s->v[i].nlay)
			fit++;
	return fit ? 0 : -1;
}

static int solve_level(struct solver *s, int level, int use_sd,
		       struct bset *cand)
{
	int r;

	if (apply_soft(s, level, cand))
		return -1;
	if (!use_sd)
		return 0;
	r = run_dfs(s, cand, NOVAL, s->node_budget);
	/* 0: nothing fits; -1: too many fit (the caller drops layouts). */
	return r > 0 ? 0 : each_sd(s, cand);
}

/* The plaintext of d if cand determines every byte of it. */
static int value_plain(const struct dv *d, const struct bset *cand,
		       unsigned char *pt)
{
	size_t j;
	int k;

	for (j = 0; j < d->n; j++) {
		k = bs_single(&cand[j]);
		if (k < 0)
			return 0;
		pt[j] = d->c[j] ^ (unsigned char)k;
	}
	return 1;
}

static int md5_matches(struct solver *s, const struct dv *d,
		       const unsigned char *pt)
{
	unsigned char h[16];

	return mb_crypt_md5_run(s->md5, pt, d->n, h) == 0 &&
	       memcmp(h, d->md5, 16) == 0;
}

static void mark_verified(struct solver *s, struct dv *d,
			  const unsigned char *pt, const char *method)
{
	if (s->mk)
		method = "machine key";
	if (!d->pt)
		d->pt = malloc(d->n);
	if (!d->pt)
		return;
	memcpy(d->pt, pt, d->n);
	d->verified = 1;
	d->method = method;
}

/* Has a failed gcd proven this plaintext of d wrong? */
static int is_refuted(struct solver *s, const struct dv *d,
		      const unsigned char *pt)
{
	unsigned char h[16];
	size_t i;

	if (!d->nrefuted || mb_crypt_md5_run(s->md5, pt, d->n, h))
		return 0;
	for (i = 0; i < d->nrefuted; i++)
		if (!memcmp(h, d->refuted[i], 16))
			return 1;
	return 0;
}

static void refute(struct dv *d, const unsigned char *md5)
{
	unsigned char (*r)[16] = realloc(d->refuted,
					 (d->nrefuted + 1) * sizeof(*r));

	if (!r)
		return;
	d->refuted = r;
	memcpy(d->refuted[d->nrefuted++], md5, 16);
}

/*
 * Check every fully determined value against its signature (or, without
 * a modulus, against the plaintexts a failed gcd refuted); commit: mark
 * the good ones verified.
 */
static int evaluate(struct solver *s, const struct bset *cand, int commit,
		    int *failed)
{
	unsigned char *pt = malloc(s->L + 1);
	size_t i;
	int ok = 0;

	*failed = 0;
	for (i = 0; pt && i < s->nv; i++) {
		struct dv *d = &s->v[i];

		if (d->excluded || d->verified || d->kind == VK_CLEAR ||
		    !value_plain(d, cand, pt))
			continue;
		if (!d->md5_ok) {
			*failed += is_refuted(s, d, pt);
		} else if (md5_matches(s, d, pt)) {
			ok++;
			if (commit)
				mark_verified(s, d, pt, d->known &&
					      !d->known_bad ? "known value"
							    : "cribs");
		} else {
			(*failed)++;
		}
	}
	if (pt)
		OPENSSL_cleanse(pt, s->L + 1);
	free(pt);
	return ok;
}

static int try_level(struct solver *s, int pass, int lvl, struct bset *tmp,
		     int *score, int *failed)
{
	/* Weaker hypotheses prune less: a search that gave up stays so. */
	if (pass == 0 && s->sd_gave_up)
		return 0;
	if (solve_level(s, lvl, pass == 0, tmp))
		return 0;
	*score = evaluate(s, tmp, 0, failed);
	*score -= 2 * *failed;
	return 1;
}

static void clear_all_layouts(struct solver *s)
{
	size_t i;

	for (i = 0; i < s->nv; i++)
		clear_layouts(&s->v[i]);
}

/* Pick the strongest set of hypotheses that holds; s->cand gets it. */
static void choose_level(struct solver *s)
{
	struct bset *tmp = malloc(s->L * sizeof(*tmp) + 1);
	int pass, lvl, score, failed, best = -1, bscore = 0, done = 0;

	for (pass = 0; tmp && pass < 2 && !done; pass++)
		for (lvl = 0; lvl < NLEVELS && !done; lvl++) {
			if (!try_level(s, pass, lvl, tmp, &score, &failed))
				continue;
			if (best < 0 || score > bscore) {
				best = pass * NLEVELS + lvl;
				bscore = score;
			}
			done = failed == 0;
		}
	free(tmp);
	s->level = best < 0 ? NLEVELS : best % NLEVELS;
	s->used_sd = best >= 0 && best < NLEVELS;
	/* Solve the chosen level again: its layouts are the ones kept. */
	if (best < 0 || solve_level(s, s->level, s->used_sd, s->cand))
		apply_soft(s, NLEVELS, s->cand);
	if (!s->used_sd)
		clear_all_layouts(s);
}

/* ==== the signature oracle ============================================= */

static void oracle_md5s(struct solver *s)
{
	size_t i;

	for (i = 0; i < s->nv; i++) {
		struct dv *d = &s->v[i];

		if (d->kind == VK_CLEAR || d->excluded)
			continue;
		d->md5_ok = mb_crypt_sig_md5(&s->mod, d->blob->sig,
					     d->blob->sig_len, d->md5,
					     NULL) == MB_OK;
		d->sig_bad = !d->md5_ok;
	}
}

/* Known values that the signature contradicts are cribs no longer. */
static void check_knowns(struct solver *s)
{
	size_t i;

	for (i = 0; i < s->nv; i++) {
		struct dv *d = &s->v[i];

		if (!d->known || d->known_bad || !d->md5_ok)
			continue;
		if (md5_matches(s, d, d->known)) {
			mark_verified(s, d, d->known, "known value");
			continue;
		}
		d->known_bad = 1;
		snprintf(d->known_why, sizeof(d->known_why),
			 "the known value does not match the value's "
			 "signature: it is not the stored password");
	}
}

static int session_md5(struct solver *s)
{
	const struct mb_blob *b = s->o->session;

	return b && b->kind == MB_BLOB_SESSION &&
	       mb_crypt_md5(b->data, b->data_len, s->session_md5, NULL) ==
		       MB_OK;
}

/* Accept a modulus only if the SessionKey's signature agrees with it. */
static int modulus_fits(struct solver *s, const struct mb_rsa_pub *m)
{
	unsigned char h[16];

	if (!s->session_ok)
		return 1;
	return mb_crypt_sig_md5(m, s->o->session->sig, s->o->session->sig_len,
				h, NULL) == MB_OK &&
	       memcmp(h, s->session_md5, 16) == 0;
}

static void use_modulus(struct solver *s, const struct mb_rsa_pub *m,
			enum mb_reveal_modsrc src)
{
	s->mod = *m;
	s->have_mod = 1;
	s->modsrc = src;
	s->session_verified = s->session_ok;
	oracle_md5s(s);
	check_knowns(s);
	rebuild_hard(s);
}

static void modulus_cached(struct solver *s)
{
	struct mb_rsa_pub m;
	int found = 0;

	if (mb_sigmod_cache_load(s->o->cache_dir, s->o->session->raw,
				 s->o->session->raw_len, &m, &found,
				 NULL) == MB_OK && found && modulus_fits(s, &m))
		use_modulus(s, &m, MB_MODSRC_CACHE);
}

static void modulus_early(struct solver *s)
{

	if (s->o->modulus) {
		if (modulus_fits(s, s->o->modulus))
			use_modulus(s, s->o->modulus, MB_MODSRC_GIVEN);
		else
			note(s, "the signing key given does not sign this "
				"file's SessionKey: it belongs to another "
				"server and was not used");
	}
	if (!s->have_mod && !s->o->no_cache && s->session_ok)
		modulus_cached(s);
}

/* ==== recovering the modulus by gcd ==================================== */

/* Full-size gcds one run may spend (each takes seconds). */
#define MAX_GCDS 3

enum { PAIR_ANCHOR, PAIR_KNOWN, PAIR_DERIVED };

struct pairs {
	struct mb_sigpair p[2 + MB_SIGMOD_MAX_CANDIDATES];
	size_t dv[2 + MB_SIGMOD_MAX_CANDIDATES];
	int kind[2 + MB_SIGMOD_MAX_CANDIDATES];
	size_t n, anchors;
};

static void pair_add(struct pairs *ps, const struct mb_blob *b,
		     const unsigned char *md5, size_t dv, int kind)
{
	if (ps->n >= sizeof(ps->p) / sizeof(ps->p[0]))
		return;
	ps->p[ps->n].sig = b->sig;
	ps->p[ps->n].sig_len = b->sig_len;
	memcpy(ps->p[ps->n].md5, md5, 16);
	ps->p[ps->n].ok = 0;
	ps->dv[ps->n] = dv;
	ps->kind[ps->n] = kind;
	ps->n++;
}

/* Certain plaintexts: empty strings, the machine keystream. */
static int certain_plain(struct solver *s, const struct dv *d,
			 unsigned char *pt)
{
	size_t j;

	if (d->kind == VK_STRING && d->n == 6) {
		memset(pt, 0, 6);
		return 1;
	}
	for (j = 0; j < d->n; j++) {
		if (!s->hset[j] || (s->hsrc[j] >= 0 && s->v[s->hsrc[j]].known &&
				    !s->v[s->hsrc[j]].verified))
			return 0;
		pt[j] = d->c[j] ^ s->hk[j];
	}
	return 1;
}

static void gather_anchors(struct solver *s, struct pairs *ps,
			   unsigned char *pt, unsigned char *used)
{
	unsigned char h[16];
	size_t i;

	if (s->session_ok)
		pair_add(ps, s->o->session, s->session_md5, NOVAL,
			 PAIR_ANCHOR);
	for (i = 0; i < s->nv && ps->n < 2; i++) {
		struct dv *d = &s->v[i];

		if (d->excluded || d->kind == VK_CLEAR ||
		    !certain_plain(s, d, pt) ||
		    mb_crypt_md5_run(s->md5, pt, d->n, h))
			continue;
		pair_add(ps, d->blob, h, i, PAIR_ANCHOR);
		used[i] = 1;
	}
	ps->anchors = ps->n;
}

static void gather_pairs(struct solver *s, struct pairs *ps,
			 unsigned char *pt, unsigned char *used)
{
	unsigned char h[16];
	size_t i, pass;

	gather_anchors(s, ps, pt, used);
	/* Candidates: user cribs first, then what the cribs determine. */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < s->nv; i++) {
			struct dv *d = &s->v[i];
			const unsigned char *src = NULL;

			if (used[i] || d->excluded || d->kind == VK_CLEAR ||
			    ps->n >= ps->anchors + MB_SIGMOD_MAX_CANDIDATES)
				continue;
			if (pass == 0 && d->known && !d->known_bad)
				src = d->known;
			else if (pass == 1 && value_plain(d, s->cand, pt) &&
				 !is_refuted(s, d, pt))
				src = pt;
			if (!src || mb_crypt_md5_run(s->md5, src, d->n, h))
				continue;
			pair_add(ps, d->blob, h, i, pass ? PAIR_DERIVED
							 : PAIR_KNOWN);
			used[i] = 1;
		}
}

/*
 * The gcd against a certain anchor failed: no candidate multiplied in is
 * right (a right one would have kept the modulus in the gcd). A known
 * value is a conflict; a plaintext the cribs gave is a hypothesis dropped.
 */
static void refute_candidates(struct solver *s, const struct pairs *ps)
{
	size_t i;

	for (i = ps->anchors; i < ps->n; i++) {
		struct dv *d = &s->v[ps->dv[i]];

		if (ps->kind[i] == PAIR_KNOWN) {
			d->known_bad = 1;
			snprintf(d->known_why, sizeof(d->known_why),
				 "the known value is refuted: no signing key "
				 "signs both it and %s, so it is not the "
				 "stored password", s->session_ok
				 ? "the SessionKey" : "the file's certain "
				 "values");
		} else {
			refute(d, ps->p[i].md5);
			note(s, "%s %s: the value the cribs gave was refuted by "
			     "the signatures; those cribs were dropped",
			     dv_label(s, ps->dv[i]), dv_name(s, ps->dv[i]));
		}
	}
}

static int use_cache(const struct solver *s)
{
	return !s->o->no_cache && s->session_ok;
}

/* 1 (worth another gcd) when the failure refuted the candidates. */
static int gcd_failed(struct solver *s, const struct pairs *ps, int refuted)
{
	if (!refuted || ps->anchors != 1 || s->password_protected)
		return 0;
	refute_candidates(s, ps);
	return 1;
}

static int gcd_run(struct solver *s, struct pairs *ps, int first)
{
	struct mb_sigmod_stats st;
	struct mb_rsa_pub m;
	struct mb_error e;
	int refuted = 0;

	if (use_cache(s) && mb_sigmod_fail_load(s->o->cache_dir, ps->p, ps->n,
						ps->anchors, &refuted)) {
		note(s, "signing key not recovered: the same gcd failed "
			"before (cached)");
		return gcd_failed(s, ps, refuted);
	}
	mb_error_clear(&e);
	if (s->o->before_gcd && first)
		s->o->before_gcd(s->o->before_gcd_ctx);
	memset(&st, 0, sizeof(st));
	if (mb_sigmod_recover(ps->p, ps->n, ps->anchors, 65537,
			      &m, &st, &e) != MB_OK) {
		s->gcd_seconds += st.seconds;
		note(s, "signing key not recovered: %s", e.reason);
		if (use_cache(s))
			mb_sigmod_fail_store(s->o->cache_dir, ps->p, ps->n,
					     ps->anchors, st.refuted, NULL);
		return gcd_failed(s, ps, st.refuted);
	}
	s->gcd_seconds += st.seconds;
	use_modulus(s, &m, MB_MODSRC_GCD);
	if (use_cache(s) &&
	    mb_sigmod_cache_store(s->o->cache_dir, s->o->session->raw,
				  s->o->session->raw_len, &m, &e) != MB_OK)
		note(s, "could not cache the signing key: %s", e.reason);
	return 0;
}

/*
 * One gcd; 1 when it refuted candidates (worth another try). With the
 * cache, the entry is locked first (one gcd per signing key even with
 * -j workers), then looked up again: another worker may have filled it.
 */
static int gcd_once(struct solver *s, int first)
{
	struct pairs ps;
	unsigned char *pt = malloc(s->L + 1), *used = calloc(s->nv + 1, 1);
	int lock = -1, r = 0;

	memset(&ps, 0, sizeof(ps));
	if (pt && used)
		gather_pairs(s, &ps, pt, used);
	free(used);
	if (pt)
		OPENSSL_cleanse(pt, s->L + 1);
	free(pt);
	if (ps.n < 2) {
		if (first)
			note(s, "the signing key cannot be recovered: fewer "
				"than two values have a known plaintext");
		return 0;
	}
	if (use_cache(s))
		mb_sigmod_cache_lock(s->o->cache_dir, s->o->session->raw,
				     s->o->session->raw_len, &lock, NULL);
	if (use_cache(s))
		modulus_cached(s);
	if (!s->have_mod)
		r = gcd_run(s, &ps, first);
	mb_sigmod_cache_unlock(lock);
	return r;
}

/* Gcds until the modulus comes out or no untried candidate is left. */
static void stage_gcd(struct solver *s)
{
	int i;

	for (i = 0; i < MAX_GCDS && !s->have_mod; i++) {
		if (!gcd_once(s, i == 0))
			break;
		rebuild_hard(s);
		choose_level(s);
	}
}

/* ==== completion by signature search =================================== */

struct sfield {
	size_t pos, len;
	unsigned char *cands;  /* ncand * len bytes */
	size_t ncand;
};

struct plan {
	struct sfield f[64];
	size_t nf;
	double space;
	int feasible;
};

static void plan_free(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->nf; i++)
		free(p->f[i].cands);
	p->nf = 0;
}

/* Is byte j of value d known now (hard or a singleton)? */
static int byte_known(const struct solver *s, const struct dv *d, size_t j,
		      unsigned char *p)
{
	int k = s->hset[j] ? s->hk[j] : bs_single(&s->cand[j]);

	if (k < 0)
		return 0;
	*p = d->c[j] ^ (unsigned char)k;
	return 1;
}

/* A candidate is kept when it agrees with known bytes and cand sets. */
static int cand_fits(const struct solver *s, const struct dv *d, size_t pos,
		     const unsigned char *v, size_t len, int use_cand)
{
	unsigned char p;
	size_t i;

	for (i = 0; i < len; i++) {
		size_t j = pos + i;

		if (byte_known(s, d, j, &p)) {
			if (p != v[i])
				return 0;
		} else if (use_cand &&
			   !bs_has(&s->cand[j], d->c[j] ^ v[i])) {
			return 0;
		}
	}
	return 1;
}

static int field_push(struct plan *p, const struct solver *s,
		      const struct dv *d, size_t pos, size_t len,
		      const unsigned char *vals, size_t nvals, int use_cand)
{
	struct sfield *f;
	size_t i;

	if (p->nf >= 64)
		return -1;
	f = &p->f[p->nf];
	f->pos = pos;
	f->len = len;
	f->ncand = 0;
	f->cands = malloc(nvals * len + 1);
	if (!f->cands)
		return -1;
	for (i = 0; i < nvals; i++)
		if (cand_fits(s, d, pos, vals + i * len, len, use_cand))
			memcpy(f->cands + len * f->ncand++, vals + i * len,
			       len);
	p->nf++;
	p->space *= (double)f->ncand;
	return f->ncand ? 0 : -1;
}

static void string_plan(struct solver *s, const struct dv *d, struct plan *p,
			int use_cand)
{
	unsigned char vals[2 * 256], b;
	size_t j, nv;
	unsigned u;

	p->nf = 0;
	p->space = 1;
	p->feasible = 1;
	for (j = 4; j + 3 < d->n && p->feasible; j += 2) {
		unsigned char lo, hi;

		if (byte_known(s, d, j, &lo) && byte_known(s, d, j + 1, &hi))
			continue;
		nv = 0;
		if (!byte_known(s, d, j + 1, &b))
			b = 0; /* unknown high byte: try ASCII */
		for (u = (b ? 0 : 0x20); u < (b ? 256u : 0x7fu); u++) {
			vals[2 * nv] = (unsigned char)u;
			vals[2 * nv + 1] = b;
			nv++;
		}
		if (field_push(p, s, d, j, 2, vals, nv, use_cand))
			p->feasible = 0;
	}
}

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
static size_t mask_cands(unsigned char *out, size_t max)
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

static size_t sid_cands(unsigned char *out, uint32_t len)
{
	size_t n = 0, t;

	for (t = 0; t < NSIDS; t++)
		if (sids[t].len == len && sids[t].fixed == len)
			memcpy(out + len * n++, sids[t].b, len);
	return n;
}

/*
 * A mask none of the usual values fits, with at most two bytes unknown:
 * enumerate those bytes outright (65536 candidates at most).
 */
static int mask_exhaustive(struct solver *s, const struct dv *d, size_t pos,
			   struct plan *p)
{
	unsigned char known[4], *buf = malloc(4 * 65536);
	size_t unk[4], nu = 0, i, nv, v;
	int r;

	for (i = 0; i < 4; i++)
		if (!byte_known(s, d, pos + i, &known[i]))
			unk[nu++] = i;
	if (!buf || nu > 2) {
		free(buf);
		return -1;
	}
	nv = (size_t)1 << (8 * nu);
	for (v = 0; v < nv; v++) {
		memcpy(buf + 4 * v, known, 4);
		for (i = 0; i < nu; i++)
			buf[4 * v + unk[i]] = (unsigned char)(v >> (8 * i));
	}
	r = field_push(p, s, d, pos, 4, buf, nv, 0);
	free(buf);
	return r;
}

static int sd_field(struct solver *s, const struct dv *d, const struct fld *f,
		    struct plan *p)
{
	unsigned char buf[1024 * 4];
	size_t nv = 0, i, pos = 4 + f->start, before = p->nf;
	unsigned char x;

	for (i = 0; i < f->len && byte_known(s, d, pos + i, &x); i++)
		;
	if (i == f->len)
		return 0;
	if (f->kind == FLD_MASK)
		nv = mask_cands(buf, 1024);
	else if (f->kind == FLD_SID)
		nv = sid_cands(buf, f->len);
	else
		for (nv = 0; nv < (f->kind == FLD_TYPE ? 3u : 32u); nv++)
			buf[nv] = (unsigned char)nv;
	if (field_push(p, s, d, pos, f->len, buf, nv, 0) == 0)
		return 0;
	if (f->kind != FLD_MASK || p->nf == before)
		return -1;
	/* Undo the empty field and try every value of the unknown bytes. */
	free(p->f[--p->nf].cands);
	p->space = 1;
	for (i = 0; i < p->nf; i++)
		p->space *= (double)p->f[i].ncand;
	return mask_exhaustive(s, d, pos, p);
}

static void sd_plan(struct solver *s, const struct dv *d,
		    const struct layout *l, struct plan *p)
{
	unsigned char x;
	size_t j, i;

	p->nf = 0;
	p->space = 1;
	p->feasible = 1;
	for (j = 4; j < d->n && p->feasible; j++) {
		const struct fent *f = &l->fm[j - 4];

		if (byte_known(s, d, j, &x))
			continue;
		if (f->kind == FM_SIDFREE || f->kind == FM_NONE)
			p->feasible = 0;
	}
	for (i = 0; i < l->nfl && p->feasible; i++)
		if (sd_field(s, d, &l->fl[i], p))
			p->feasible = 0;
}

/* Fill the bytes a plan does not enumerate: known, or fixed by layout. */
static int plan_base(struct solver *s, const struct dv *d,
		     const struct layout *l, unsigned char *pt)
{
	size_t j;

	for (j = 0; j < d->n; j++) {
		if (byte_known(s, d, j, &pt[j]))
			continue;
		if (l && j >= 4 && l->fm[j - 4].kind == FM_FIXED) {
			pt[j] = l->fm[j - 4].val;
			if (!bs_has(&s->cand[j], d->c[j] ^ pt[j]))
				return -1;
		} else {
			pt[j] = 0;
		}
	}
	return 0;
}

/*
 * Odometer over the plan's fields, each field's candidates in the order
 * of likelihood; at most *limit trials (decreased). 1 when the signature
 * matched.
 */
static int run_plan(struct solver *s, const struct dv *d, struct plan *p,
		    unsigned char *pt, double *limit)
{
	size_t idx[64] = { 0 }, i;

	for (;;) {
		for (i = 0; i < p->nf; i++)
			memcpy(pt + p->f[i].pos,
			       p->f[i].cands + idx[i] * p->f[i].len,
			       p->f[i].len);
		if (s->search_left == 0 || *limit < 1)
			return 0;
		s->search_left--;
		*limit -= 1;
		if (md5_matches(s, d, pt))
			return 1;
		for (i = 0; i < p->nf; i++) {
			if (++idx[i] < p->f[i].ncand)
				break;
			idx[i] = 0;
		}
		if (i == p->nf)
			return 0;
	}
}

static size_t known_count(struct solver *s, const struct dv *d)
{
	unsigned char x;
	size_t j, n = 0;

	for (j = 0; j < d->n; j++)
		n += (size_t)byte_known(s, d, j, &x);
	return n;
}

/* Strings are what the user asked for: they get the bigger share. */
static double cap(const struct solver *s, const struct dv *d)
{
	double c = (double)(d->kind == VK_STRING ? SEARCH_CAP : SD_SEARCH_CAP);

	return c < (double)s->search_left ? c : (double)s->search_left;
}

/*
 * Try one value: its string plan (only when it fits the limit: a string's
 * space is flat), or each saved descriptor layout in order of likelihood
 * until the limit, shared by the layouts, is spent.
 */
static int search_value(struct solver *s, struct dv *d, unsigned char *pt,
			double limit)
{
	struct plan p;
	size_t li, pass;
	int found = 0;

	memset(&p, 0, sizeof(p));
	for (pass = 0; d->kind == VK_STRING && pass < 2 && !found; pass++) {
		string_plan(s, d, &p, pass == 0);
		if (p.feasible && p.space > 0 && p.space <= limit &&
		    !plan_base(s, d, NULL, pt))
			found = run_plan(s, d, &p, pt, &limit);
		plan_free(&p);
	}
	for (li = 0; d->kind == VK_SD && li < d->nlay && !found; li++) {
		sd_plan(s, d, &d->lay[li], &p);
		if (p.feasible && p.space > 0 && !plan_base(s, d, &d->lay[li],
							     pt))
			found = run_plan(s, d, &p, pt, &limit);
		plan_free(&p);
	}
	return found;
}

static double estimate(struct solver *s, struct dv *d)
{
	struct plan p;
	double best = -1;
	size_t li;

	memset(&p, 0, sizeof(p));
	if (d->kind == VK_STRING) {
		string_plan(s, d, &p, 1);
		if (p.feasible)
			best = p.space;
		plan_free(&p);
	}
	for (li = 0; d->kind == VK_SD && li < d->nlay; li++) {
		sd_plan(s, d, &d->lay[li], &p);
		if (p.feasible && (best < 0 || p.space < best))
			best = p.space;
		plan_free(&p);
	}
	return best;
}

static int searchable(struct solver *s, struct dv *d)
{
	return !d->excluded && !d->verified && d->md5_ok &&
	       d->kind != VK_CLEAR && d->searched_at != known_count(s, d) + 1;
}

/* Search the cheapest value; on success it becomes verified. */
static int search_one(struct solver *s)
{
	unsigned char *pt = malloc(s->L + 1);
	double best = -1, e;
	size_t i, bi = 0;
	int found = 0;

	for (i = 0; pt && i < s->nv; i++) {
		if (!searchable(s, &s->v[i]))
			continue;
		e = estimate(s, &s->v[i]);
		/* a descriptor's plan is tried in order even when larger */
		if (e >= 0 && (e <= cap(s, &s->v[i]) ||
			       s->v[i].kind == VK_SD) &&
		    (best < 0 || e < best)) {
			best = e;
			bi = i;
		}
	}
	if (best >= 0) {
		found = search_value(s, &s->v[bi], pt, cap(s, &s->v[bi]));
		if (found)
			mark_verified(s, &s->v[bi], pt, "signature search");
		else
			s->v[bi].searched_at = known_count(s, &s->v[bi]) + 1;
	}
	if (pt)
		OPENSSL_cleanse(pt, s->L + 1);
	free(pt);
	return found ? 1 : best >= 0 ? 2 : 0;
}

/* Words of the dictionary that fit the length and the known bytes. */
static int dictionary_value(struct solver *s, struct dv *d, struct mb_buf *u)
{
	size_t w;

	for (w = 0; w < s->o->ndictionary && s->search_left; w++) {
		const char *word = s->o->dictionary[w];

		mb_buf_reset(u);
		mb_buf_append(u, "\0\0\0\0", 4);
		if (!word ||
		    mb_blob_utf8_to_utf16(word, strlen(word), u, NULL) ||
		    u->len != d->n ||
		    !cand_fits(s, d, 0, (unsigned char *)u->data, d->n, 0))
			continue;
		s->search_left--;
		if (md5_matches(s, d, (unsigned char *)u->data)) {
			mark_verified(s, d, (unsigned char *)u->data,
				      "dictionary");
			return 1;
		}
	}
	return 0;
}

static int dictionary(struct solver *s)
{
	struct mb_buf u;
	size_t i;
	int found = 0;

	if (!s->o->dictionary || !s->o->ndictionary)
		return 0;
	mb_buf_init(&u);
	for (i = 0; i < s->nv && !found; i++) {
		struct dv *d = &s->v[i];

		if (d->kind == VK_STRING && !d->excluded && !d->verified &&
		    d->md5_ok && !d->dict_done)
			found = dictionary_value(s, d, &u);
		d->dict_done = 1; /* each value goes through the list once */
	}
	mb_buf_wipe(&u);
	return found;
}

static void complete(struct solver *s)
{
	int iter, failed, r;

	for (iter = 0; iter < 64; iter++) {
		if (evaluate(s, s->cand, 1, &failed) > 0) {
			rebuild_hard(s);
			choose_level(s);
			continue;
		}
		r = search_one(s);
		while (r == 2)
			r = search_one(s);
		if (!r)
			r = dictionary(s);
		if (!r)
			break;
		rebuild_hard(s);
		choose_level(s);
	}
}

/* ==== machine-key mode ================================================== */

static void machine_key(struct solver *s)
{
	struct mb_session_key sk;
	struct mb_error e;

	if (!s->o->exchange || !s->o->session || !s->L)
		return;
	mb_error_clear(&e);
	if (mb_crypt_session_unwrap(s->o->exchange, s->o->session, &sk, &e)) {
		note(s, "machine key not used: %s", e.reason);
		return;
	}
	s->mk = malloc(s->L);
	if (s->mk && mb_crypt_keystream(&sk, s->mk, s->L, &e)) {
		note(s, "machine key not used: %s", e.reason);
		free(s->mk);
		s->mk = NULL;
	}
	mb_crypt_session_wipe(&sk);
}

static void session_setup(struct solver *s)
{
	struct mb_simpleblob sb;
	struct mb_error e;

	if (!s->o->session)
		return;
	mb_error_clear(&e);
	if (mb_blob_session_info(s->o->session, &sb, &e) != MB_OK) {
		note(s, "SessionKey unusable: %s", e.reason);
		return;
	}
	if (mb_blob_session_check(&sb, &e) != MB_OK) {
		s->password_protected = sb.wrap_alg != MB_CALG_RSA_KEYX;
		note(s, "%s", e.reason);
	}
	s->session_ok = session_md5(s);
}

/* ==== results =========================================================== */

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
	for (k = 0; k < NSIDS; k++)
		if (sids[k].sddl && sids[k].len == 8 + 4 * cnt &&
		    !memcmp(sids[k].b, p, sids[k].len))
			return mb_buf_puts(out, sids[k].sddl);
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
static int sd_sddl(const unsigned char *p, size_t n, struct mb_buf *out)
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
		if (dacl && acl_text(&x, dacl, out))
			return -1;
	}
	if ((ctl & 0x10) && sacl &&
	    (mb_buf_puts(out, "S:") || acl_text(&x, sacl, out)))
		return -1;
	return mb_buf_failed(out) ? -1 : 0;
}

static void hex_text(const unsigned char *p, const unsigned char *k, size_t n,
		     struct mb_buf *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (k[i])
			mb_blob_hex_encode(out, p + i, 1, 0);
		else
			mb_buf_puts(out, "??");
	}
}

static void value_text(struct mb_reveal_value *r, const struct dv *d)
{
	struct mb_buf t;
	size_t i, units = 0;

	mb_buf_init(&t);
	if (d->kind == VK_STRING && r->len >= 2) {
		mb_blob_utf16_to_utf8(r->bytes, r->len - 2, r->known, &t);
		for (i = 0; i + 3 < r->len; i += 2)
			units += r->known[i] && r->known[i + 1];
		r->units_known = units;
		r->units_total = (r->len - 2) / 2;
	} else {
		for (i = 0; i < r->len; i++)
			units += r->known[i];
		r->units_known = units;
		r->units_total = r->len;
		if (units < r->len || d->kind != VK_SD ||
		    sd_sddl(r->bytes, r->len, &t)) {
			mb_buf_reset(&t);
			hex_text(r->bytes, r->known, r->len, &t);
		}
	}
	r->text = mb_buf_detach(&t, NULL);
}

/* Bytes of d as finally known: verified, or from the chosen level. */
static void fill_bytes(struct solver *s, const struct dv *d,
		       struct mb_reveal_value *r)
{
	size_t j;
	int k;

	if (d->kind == VK_CLEAR) {
		memcpy(r->bytes, d->c, d->n);
		memset(r->known, 1, d->n);
		return;
	}
	for (j = 4; j < d->n; j++) {
		if (d->verified)
			k = d->c[j] ^ d->pt[j];
		else
			k = s->hset[j] ? s->hk[j] : bs_single(&s->cand[j]);
		r->known[j - 4] = k >= 0;
		if (k >= 0)
			r->bytes[j - 4] = d->c[j] ^ (unsigned char)k;
	}
}

static int all_known(const struct mb_reveal_value *r)
{
	size_t i;

	for (i = 0; i < r->len; i++)
		if (!r->known[i])
			return 0;
	return 1;
}

static void set_reason(struct mb_reveal_value *r, const char *why)
{
	snprintf(r->reason, sizeof(r->reason), "%s", why);
}

/* Only certain bytes stay known: hypotheses are not shown as facts. */
static void keep_certain(struct solver *s, const struct dv *d,
			 struct mb_reveal_value *r)
{
	size_t j;

	for (j = 4; j < d->n; j++)
		if (!s->hset[j])
			r->known[j - 4] = 0;
}

/* Complete values the signatures reject lose their soft bytes. */
static void demote_rejected(struct solver *s, const struct dv *d,
			    struct mb_reveal_value *r, const char *by)
{
	keep_certain(s, d, r);
	r->status = all_known(r) ? MB_REVEAL_CONFLICT : MB_REVEAL_PARTIAL;
	snprintf(r->reason, sizeof(r->reason), all_known(r)
		 ? "the certain facts give a value that %s rejects"
		 : "the cribs give a value that %s rejects: the unproven "
		   "bytes are shown as unknown", by);
}

/* Is the complete value r of d one a failed gcd refuted? */
static int refuted_value(struct solver *s, const struct dv *d,
			 const struct mb_reveal_value *r)
{
	unsigned char *pt;
	int bad;

	if (!d->nrefuted || !(pt = calloc(1, d->n)))
		return 0;
	memcpy(pt + 4, r->bytes, d->n - 4);
	bad = is_refuted(s, d, pt);
	OPENSSL_cleanse(pt, d->n);
	free(pt);
	return bad;
}

/* A value that is complete but unproven: say which hypotheses gave it. */
static void unverified(struct solver *s, const struct dv *d,
		       struct mb_reveal_value *r)
{
	r->status = MB_REVEAL_CONSISTENT;
	if (s->mk)
		set_reason(r, "decrypted with the machine key; no signing key "
			   "to verify the signature");
	else
		set_reason(r, d->from_default
			   ? "unverified: the documented default, consistent "
			     "with every other crib; no signing key to "
			     "verify it"
			   : "unverified: consistent with every crib; no "
			     "signing key to verify the signature");
}

static void status_of(struct solver *s, const struct dv *d,
		      struct mb_reveal_value *r)
{
	r->method = d->kind == VK_CLEAR ? "cleartext"
		    : d->verified      ? d->method
		    : s->mk            ? "machine key"
				       : "cribs";
	if (d->kind == VK_CLEAR) {
		r->status = MB_REVEAL_CONSISTENT;
		set_reason(r, "stored in clear (IcCb blob), not signed");
	} else if (d->verified) {
		r->status = MB_REVEAL_VERIFIED;
	} else if (d->sig_bad) {
		keep_certain(s, d, r);
		r->status = all_known(r) ? MB_REVEAL_CONFLICT
					 : MB_REVEAL_PARTIAL;
		set_reason(r, "its signature does not decode under the file's "
			   "signing key: the value is damaged or was copied "
			   "from another server");
	} else if (!all_known(r)) {
		keep_certain(s, d, r);
		r->status = MB_REVEAL_PARTIAL;
		set_reason(r, d->md5_ok ? "keystream not known for every byte, "
				"and the signature search did not complete it"
					: "keystream not known for every byte");
	} else if (d->md5_ok) {
		demote_rejected(s, d, r, "its signature");
	} else if (!s->mk && refuted_value(s, d, r)) {
		demote_rejected(s, d, r, "the signatures (a failed gcd)");
	} else {
		unverified(s, d, r);
	}
	/* Proven: what IIS itself would decrypt, not a hypothesis. */
	r->proven = r->status == MB_REVEAL_VERIFIED ||
		    (r->status == MB_REVEAL_CONSISTENT && s->mk);
	if (d->md5_ok) {
		r->has_md5 = 1;
		memcpy(r->md5, d->md5, 16);
	}
}

static int result_for(struct solver *s, size_t item,
		      struct mb_reveal_value *r)
{
	const struct mb_reveal_item *it = &s->items[item];
	size_t di = s->map[item];
	const struct dv *d;

	r->label = it->label;
	r->prop = it->prop;
	r->type = it->type != MB_T_UNKNOWN ? it->type
					   : mb_reveal_prop_type(it->prop);
	r->group = di == NOVAL ? (size_t)-1 : di;
	if (di == NOVAL || s->v[di].excluded) {
		r->status = MB_REVEAL_ERROR;
		r->method = "none";
		set_reason(r, di == NOVAL ? s->item_why[item] : s->v[di].why);
		r->text = calloc(1, 1);
		return r->text ? 0 : -1;
	}
	d = &s->v[di];
	r->len = d->kind == VK_CLEAR ? d->n : d->n - 4;
	r->bytes = calloc(1, r->len + 1);
	r->known = calloc(1, r->len + 1);
	if (!r->bytes || !r->known)
		return -1;
	fill_bytes(s, d, r);
	status_of(s, d, r);
	if (it->known && d->known_bad) {
		keep_certain(s, d, r);
		r->status = MB_REVEAL_CONFLICT;
		r->proven = 0;
		set_reason(r, d->known_why);
	}
	value_text(r, d);
	return r->text ? 0 : -1;
}

static void keystream_stats(struct solver *s, struct mb_reveal_report *rep)
{
	size_t j;
	int gap = 0;

	rep->ks_len = s->L;
	for (j = 0; j < s->L; j++) {
		int k = s->hset[j] || bs_single(&s->cand[j]) >= 0;

		rep->ks_known += (size_t)k;
		gap |= !k;
		if (!gap)
			rep->ks_prefix = j + 1;
	}
}

static int build_report(struct solver *s, struct mb_reveal_report *rep)
{
	size_t i;

	rep->values = calloc(s->nitems + 1, sizeof(*rep->values));
	if (!rep->values)
		return -1;
	rep->nvalues = s->nitems;
	for (i = 0; i < s->nitems; i++)
		if (result_for(s, i, &rep->values[i]))
			return -1;
	keystream_stats(s, rep);
	rep->modsrc = s->modsrc;
	if (s->have_mod)
		rep->modulus = s->mod;
	rep->gcd_seconds = s->gcd_seconds;
	rep->session_verified = s->session_verified;
	rep->password_protected = s->password_protected;
	rep->machine_key = s->mk != NULL;
	rep->notes = mb_buf_detach(&s->notes, NULL);
	return rep->notes ? 0 : -1;
}

/* ==== driver ============================================================ */

static void solver_free(struct solver *s)
{
	size_t i;

	for (i = 0; i < s->nv; i++) {
		struct dv *d = &s->v[i];

		clear_layouts(d);
		if (d->known)
			OPENSSL_cleanse(d->known, d->n);
		if (d->pt)
			OPENSSL_cleanse(d->pt, d->n);
		free(d->known);
		free(d->pt);
		free(d->na);
		free(d->refuted);
	}
	if (s->hk)
		OPENSSL_cleanse(s->hk, s->L + 1);
	if (s->mk)
		OPENSSL_cleanse(s->mk, s->L);
	if (s->cand)
		OPENSSL_cleanse(s->cand, (s->L + 1) * sizeof(*s->cand));
	free(s->v);
	free(s->map);
	free(s->item_why);
	free(s->hk);
	free(s->hset);
	free(s->hsrc);
	free(s->mk);
	free(s->cand);
	mb_crypt_md5_free(s->md5);
	mb_buf_wipe(&s->notes);
}

static enum mb_status solver_init(struct solver *s,
				  const struct mb_reveal_item *items, size_t n,
				  const struct mb_reveal_opts *o,
				  struct mb_error *err)
{
	s->items = items;
	s->nitems = n;
	s->o = o;
	s->search_left = o->search_budget ? o->search_budget : DEF_SEARCH;
	s->node_budget = o->node_budget ? o->node_budget : DEF_NODES;
	mb_buf_init(&s->notes);
	s->v = calloc(n + 1, sizeof(*s->v));
	s->map = calloc(n + 1, sizeof(*s->map));
	s->item_why = calloc(n + 1, sizeof(*s->item_why));
	if (!s->v || !s->map || !s->item_why)
		return mb_error_set(err, MB_EFILE, "reveal", NULL,
				    "out of memory");
	if (setup_items(s))
		return mb_error_set(err, MB_EFILE, "reveal", NULL,
				    "out of memory");
	s->hk = calloc(s->L + 1, 1);
	s->hset = calloc(s->L + 1, 1);
	s->hsrc = calloc(s->L + 1, sizeof(*s->hsrc));
	s->cand = calloc(s->L + 1, sizeof(*s->cand));
	if (!s->hk || !s->hset || !s->hsrc || !s->cand)
		return mb_error_set(err, MB_EFILE, "reveal", NULL,
				    "out of memory");
	return mb_crypt_md5_new(&s->md5, err);
}

static int unsolved_sd(const struct solver *s)
{
	size_t i;

	for (i = 0; i < s->nv; i++)
		if (s->v[i].kind == VK_SD && !s->v[i].verified &&
		    !s->v[i].excluded && !s->mk)
			return 1;
	return 0;
}

/*
 * Without a signing key, a wrong known value can still be caught when it
 * leaves no layout for the descriptors that fit without it.
 */
static void knowns_vs_descriptors(struct solver *s)
{
	size_t i;

	if (s->used_sd || s->have_mod || !unsolved_sd(s))
		return;
	for (i = 0; i < s->nv; i++) {
		struct dv *d = &s->v[i];

		if (!d->known || d->known_bad || d->verified)
			continue;
		d->known_bad = 1;
		rebuild_hard(s);
		choose_level(s);
		if (s->used_sd) {
			snprintf(d->known_why, sizeof(d->known_why),
				 "the known value contradicts the structure "
				 "of the AdminACL security descriptors");
			return;
		}
		d->known_bad = 0;
	}
	rebuild_hard(s);
	choose_level(s);
}

static const char *const level_text[NLEVELS + 1] = {
	"ASCII passwords, printable characters, documented defaults",
	"ASCII passwords, printable characters",
	"ASCII passwords",
	"structure only (prefix and terminators)",
	"structure only (prefix and terminators)",
};

static int any_sd(const struct solver *s)
{
	size_t i;

	for (i = 0; i < s->nv; i++)
		if (s->v[i].kind == VK_SD && !s->v[i].excluded)
			return 1;
	return 0;
}

/* Tell the user which hypotheses held and where cribs disagreed. */
static void crib_notes(struct solver *s)
{
	size_t i, j;

	if (s->mk)
		return;
	note(s, "cribs in force: %s%s", level_text[s->level],
	     s->used_sd && any_sd(s) ? ", AdminACL descriptor layouts" : "");
	for (i = 0; i < s->nv; i++) {
		const struct dv *d = &s->v[i];

		j = d->ascii_conflict;
		if (j)
			note(s, "%s %s: the ASCII crib for character %zu "
				"conflicts with the other values; it was left "
				"out%s", dv_label(s, i), dv_name(s, i),
			     (j - 5) / 2 + 1, d->verified
				     ? " and the signature settled it" : "");
		if (d->is_odbc && d->verified && (d->n != 18 ||
		    memcmp(d->pt + 4, "s\0q\0l\0l\0o\0g\0", 12)))
			note(s, "%s LogOdbcPassword is not the documented "
				"default", dv_label(s, i));
	}
}

static void solve(struct solver *s)
{
	session_setup(s);
	machine_key(s);
	find_prefix(s);
	rebuild_hard(s);
	modulus_early(s);
	choose_level(s);
	knowns_vs_descriptors(s);
	if (!s->have_mod && !s->o->no_gcd) {
		stage_gcd(s);
		if (s->have_mod)
			choose_level(s);
	}
	if (s->have_mod)
		complete(s);
	if (!s->used_sd && unsolved_sd(s))
		note(s, "%s: the AdminACL structure was not used as a crib",
		     s->sd_gave_up ? "too many security-descriptor layouts "
				     "fit"
				   : "no security-descriptor layout fits "
				     "every AdminACL");
	crib_notes(s);
}

enum mb_status mb_reveal_run(const struct mb_reveal_item *items, size_t n,
			     const struct mb_reveal_opts *opts,
			     struct mb_reveal_report *out,
			     struct mb_error *err)
{
	static const struct mb_reveal_opts none;
	struct solver s;
	enum mb_status st;

	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	st = solver_init(&s, items, n, opts ? opts : &none, err);
	if (st == MB_OK) {
		solve(&s);
		if (build_report(&s, out)) {
			mb_reveal_report_free(out);
			st = mb_error_set(err, MB_EFILE, "reveal", NULL,
					  "out of memory");
		}
	}
	solver_free(&s);
	return st;
}

enum mb_status mb_reveal_report_status(const struct mb_reveal_report *r)
{
	size_t i;

	for (i = 0; i < r->nvalues; i++)
		if (r->values[i].status != MB_REVEAL_VERIFIED &&
		    r->values[i].status != MB_REVEAL_CONSISTENT)
			return MB_ESECRET;
	return MB_OK;
}

void mb_reveal_report_free(struct mb_reveal_report *r)
{
	size_t i;

	for (i = 0; r->values && i < r->nvalues; i++) {
		struct mb_reveal_value *v = &r->values[i];

		if (v->bytes)
			OPENSSL_cleanse(v->bytes, v->len);
		if (v->text)
			OPENSSL_cleanse(v->text, strlen(v->text));
		free(v->bytes);
		free(v->known);
		free(v->text);
	}
	free(r->values);
	free(r->notes);
	memset(r, 0, sizeof(*r));
}

const char *mb_reveal_status_name(enum mb_reveal_status st)
{
	switch (st) {
	case MB_REVEAL_VERIFIED:
		return "verified";
	case MB_REVEAL_CONSISTENT:
		return "consistent";
	case MB_REVEAL_PARTIAL:
		return "partial";
	case MB_REVEAL_CONFLICT:
		return "conflict";
	case MB_REVEAL_ERROR:
		return "error";
	}
	return "?";
}

const char *mb_reveal_modsrc_name(enum mb_reveal_modsrc m)
{
	switch (m) {
	case MB_MODSRC_NONE:
		return "none";
	case MB_MODSRC_GIVEN:
		return "signing key";
	case MB_MODSRC_CACHE:
		return "cache";
	case MB_MODSRC_GCD:
		return "recovered from the file (gcd)";
	}
	return "?";
}
