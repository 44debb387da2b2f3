/* SPDX-License-Identifier: MIT */
/*
 * Internal to the reveal solver (include/mb/reveal.h has the model), shared
 * by its files, one concept each:
 *
 *   reveal.c           the driver: the order of the stages, the public API
 *   reveal_setup.c     classification of the inputs, one dv per blob, notes
 *   reveal_keystream.c the hard keystream and the soft hypotheses of a level
 *   reveal_layout.c    the joint search over security-descriptor layouts
 *   reveal_union.c     per descriptor, the bytes all its layouts allow
 *   reveal_level.c     levels: which hypotheses hold, checked by signature
 *   reveal_modulus.c   the signing modulus: given, cached, or by gcd
 *   reveal_search.c    completion by signature search and dictionary
 *   reveal_session.c   the SessionKey and machine-key mode
 *   reveal_result.c    the report: bytes, status, text per input
 *   reveal_bset.h      256-bit sets of byte values
 *   sd.c (mb/sd.h)     the descriptor grammar and SDDL, public
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
 */
#ifndef MB_REVEAL_PRIV_H
#define MB_REVEAL_PRIV_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "mb/buf.h"
#include "mb/reveal.h"
#include "mb/sd.h"
#include "reveal_bset.h"

#define NLEVELS 4
#define MAXLAY 64
#define DEF_SEARCH (1ul << 22)
#define DEF_NODES (1ul << 19) /* real files need < 100k */
#define SD_MAX 2048 /* larger "descriptors" are not searched as such */
#define SEARCH_CAP (1ul << 21) /* one string's search, at most */
#define SD_SEARCH_CAP (1ul << 20) /* one descriptor's, all layouts */
#define NOVAL ((size_t)-1)
#define UNION_RUN_WORK (1ul << 26) /* the layout unions of one run */
#define DEF_SECONDS 3.0 /* a descriptor's search past its trials (CPU) */
/* The lengths reasons are cut to (they were arrays of these sizes). */
#define WHY_MAX 240
#define KNOWN_WHY_MAX 200

enum vkind { VK_STRING, VK_SD, VK_BINARY, VK_CLEAR };

/* What a descriptor layout puts at a byte. */
enum {
	FM_NONE = 0, FM_FIXED, FM_FREE, FM_FLAGS, FM_FLAGS_S, FM_MASK2,
	FM_MASK3, FM_TYPEANY, FM_SIDANY, FM_SIDFREE,
};
/*
 * Fields whose value a signature search may enumerate, and (the AT kinds)
 * where a layout put one of the table's SIDs or an ACE type: when a
 * descriptor has more layouts than it keeps, layouts that differ only
 * there are merged into one that enumerates them.
 */
enum { FLD_MASK, FLD_FLAGS, FLD_SID, FLD_TYPE, FLD_SIDAT, FLD_TYPEAT };

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
	uint64_t skel;  /* hash of fm outside its SIDs and types */
};

/*
 * One per distinct value: a hosting file has tens of thousands, so what
 * only some of them need is kept out of line (reasons, layouts) and the
 * flags are bytes.
 */
struct dv {
	const struct mb_blob *blob;
	const unsigned char *c;
	size_t n;
	size_t first;            /* first input with this blob */
	unsigned char *known;    /* user crib: n bytes, prefix included */
	char *known_why;         /* mb_rv_why: NULL until set */
	char *why;               /* mb_rv_why: NULL until set */
	const char *method;
	unsigned char *pt;       /* plaintext once verified */
	unsigned char *na;       /* per byte: char taken as non-ASCII */
	size_t ascii_conflict;   /* first byte where the ASCII vote lost */
	size_t searched_at;      /* known-byte count at last failed search */
	unsigned char (*refuted)[16]; /* MD5s of plaintexts proven wrong */
	size_t nrefuted;
	struct layout *lay;      /* descriptors only: grown as layouts fit */
	unsigned char md5[16];
	enum vkind kind;
	unsigned char nlay, laycap; /* nlay <= laycap <= MAXLAY */
	unsigned char is_odbc;
	unsigned char known_bad;
	unsigned char excluded;
	unsigned char md5_ok;
	unsigned char verified;
	unsigned char from_default;
	unsigned char sig_bad;   /* signature does not decode */
	unsigned char dict_done;
};

struct solver {
	const struct mb_reveal_item *items;
	size_t nitems;
	const struct mb_reveal_opts *o;
	struct dv *v;
	size_t nv;
	size_t *map;             /* input -> dv, NOVAL when unusable */
	char **item_why;         /* mb_rv_why: NULL unless unusable */
	size_t L;
	unsigned char *hk, *hset;
	int *hsrc;               /* dv that set a hard byte, -1 = structure */
	unsigned char *mk;       /* machine keystream, or NULL */
	int have_prefix;
	unsigned char prefix[4];
	struct bset *cand;
	int level, used_sd;
	int sd_gave_up;          /* the layout search ran out of nodes */
	size_t gave_up_hard;     /* ... with this many certain bytes + 1 */
	const struct bset *dc_base; /* cand before the layout unions */
	struct bset *sdonly;     /* what the descriptors alone allow ... */
	size_t sdonly_hard;      /* ... with this many certain bytes + 1 */
	int sdonly_fit;          /* ... and whether any layout fit then */
	unsigned long union_left; /* work the layout unions may still do */
	int have_mod;
	struct mb_rsa_pub mod;
	enum mb_reveal_modsrc modsrc;
	double gcd_seconds;
	struct mb_md5 *md5;
	unsigned long search_left;
	double deadline;         /* thread CPU time the search stops at */
	unsigned long ticks;
	int overtime;
	unsigned long node_budget;
	int session_ok;          /* SessionKey parsed */
	int session_verified;
	int password_protected;
	unsigned char session_md5[16];
	struct mb_buf notes;
};

/* reveal_setup.c */
void mb_rv_note(struct solver *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Set a reason (*dst, freed first) cut to cap - 1 characters; NULL when
 * out of memory (the value is then shown without one). */
void mb_rv_why(char **dst, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *mb_rv_dv_name(const struct solver *s, size_t i);
const char *mb_rv_dv_label(const struct solver *s, size_t i);
/* One dv per distinct blob; -1 when out of memory. */
int mb_rv_setup_items(struct solver *s);

/* reveal_keystream.c */
void mb_rv_find_prefix(struct solver *s);
/* Derive the certain keystream again from every certain fact. */
void mb_rv_rebuild_hard(struct solver *s);
/* cand from the certain keystream and the hypotheses of level, within
 * base when not NULL (what the descriptors alone allow). */
int mb_rv_apply_soft(struct solver *s, int level, struct bset *cand,
		     const struct bset *base);

/* reveal_layout.c */
int mb_rv_sd_searchable(const struct dv *v);
void mb_rv_clear_layouts(struct dv *v);
/*
 * The layouts of every descriptor (only == NOVAL) or of one, with budget
 * nodes. 1: narrowed (or nothing to do), 0: no layout fits, -1: gave up.
 */
int mb_rv_run_dfs(struct solver *s, struct bset *cand, size_t only,
		  unsigned long budget);

int mb_rv_next_perm(int *a, int n);

/* reveal_union.c */
/* Narrow cand by what every layout of each descriptor allows, byte by
 * byte; the number of descriptors that have a layout. */
int mb_rv_sd_unions(struct solver *s, struct bset *cand);

/* reveal_level.c */
/* How many keystream bytes are certain. */
size_t mb_rv_hard_count(const struct solver *s);
/* The plaintext of d if cand determines every byte of it. */
int mb_rv_value_plain(const struct dv *d, const struct bset *cand,
		      unsigned char *pt);
int mb_rv_md5_matches(struct solver *s, const struct dv *d,
		      const unsigned char *pt);
void mb_rv_mark_verified(struct solver *s, struct dv *d,
			 const unsigned char *pt, const char *method);
/* Has a failed gcd proven this plaintext of d wrong? */
int mb_rv_is_refuted(struct solver *s, const struct dv *d,
		     const unsigned char *pt);
void mb_rv_refute(struct dv *d, const unsigned char *md5);
/* Check every fully determined value against its signature. */
int mb_rv_evaluate(struct solver *s, const struct bset *cand, int commit,
		   int *failed);
/* Pick the strongest set of hypotheses that holds; s->cand gets it. */
void mb_rv_choose_level(struct solver *s);

/* reveal_modulus.c */
void mb_rv_modulus_early(struct solver *s);
/* Gcds until the modulus comes out or no untried candidate is left. */
void mb_rv_stage_gcd(struct solver *s);

/* reveal_search.c: signature search and dictionary until nothing moves. */
void mb_rv_complete(struct solver *s);

/*
 * The plaintexts d may still have under the level's hypotheses, when they
 * are few: its string plan's or its descriptor layouts' tuples, each
 * checked against cand, into out (max * d->n bytes). Their count, 0 when
 * there are more than max (or none). They seed the modulus gcd.
 */
size_t mb_rv_handful(struct solver *s, const struct dv *d,
		     unsigned char *out, size_t max);
/* The time budget of the search is not spent yet. */
int mb_rv_time_left(struct solver *s);

/* reveal_session.c */
void mb_rv_session_setup(struct solver *s);
void mb_rv_machine_key(struct solver *s);

/* reveal_result.c */
int mb_rv_build_report(struct solver *s, struct mb_reveal_report *rep);

#endif
