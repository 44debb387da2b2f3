/* SPDX-License-Identifier: MIT */
/*
 * Signing-modulus recovery with GMP, and its on-disk cache. OpenSSL BN is
 * far too slow for 33-Mbit gcds (secure-values.md 5.1), hence GMP here.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gmp.h>
#include <openssl/evp.h>

#include "mb/blob.h"
#include "mb/sigmod.h"
#include "mb/write.h"

#define SMALL_PRIME_LIMIT 65536u
#define CACHE_MAGIC "mbtool-sigmod 1\n"
#define FAIL_MAGIC "mbtool-sigfail 1\n"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void pair_sig(mpz_t s, const struct mb_sigpair *p)
{
	/* Stored least significant byte first: word order -1, 1-byte words. */
	mpz_import(s, p->sig_len, -1, 1, 0, 0, p->sig);
}

static void pair_em(mpz_t m, const struct mb_sigpair *p)
{
	unsigned char em[MB_RSA_MAX];

	mb_crypt_emsa_md5(p->md5, em, p->sig_len);
	mpz_import(m, p->sig_len, 1, 1, 0, 0, em);
}

/* out = s^e - EM: a multiple of n when the pair is right. */
static void pair_number(mpz_t out, const struct mb_sigpair *p, uint32_t e)
{
	mpz_t m;

	mpz_init(m);
	pair_sig(out, p);
	mpz_pow_ui(out, out, e);
	pair_em(m, p);
	mpz_sub(out, out, m);
	mpz_clear(m);
}

static unsigned char composite[SMALL_PRIME_LIMIT];
static pthread_once_t sieve_once = PTHREAD_ONCE_INIT;

static void sieve(void)
{
	unsigned long p, q;

	for (p = 2; p * p < SMALL_PRIME_LIMIT; p++)
		if (!composite[p])
			for (q = p * p; q < SMALL_PRIME_LIMIT; q += p)
				composite[q] = 1;
}

/* Divide out every prime below SMALL_PRIME_LIMIT (n has none). */
static void strip_small(mpz_t g)
{
	unsigned long p;

	pthread_once(&sieve_once, sieve);
	for (p = 2; p < SMALL_PRIME_LIMIT; p++) {
		if (composite[p])
			continue;
		while (mpz_sgn(g) && mpz_divisible_ui_p(g, p))
			mpz_divexact_ui(g, g, p);
	}
}

/* Does pair p verify under modulus g (s < g and s^e = EM mod g)? */
static int pair_fits(const mpz_t g, const struct mb_sigpair *p, uint32_t e)
{
	mpz_t s, m, ez;
	int ok;

	mpz_inits(s, m, ez, NULL);
	pair_sig(s, p);
	pair_em(m, p);
	mpz_set_ui(ez, e);
	ok = mpz_cmp(s, g) < 0 && mpz_cmp(m, g) < 0;
	if (ok) {
		mpz_powm(s, s, ez, g);
		ok = mpz_cmp(s, m) == 0;
	}
	mpz_clears(s, m, ez, NULL);
	return ok;
}

/*
 * Shrink g with every pair that shares the big factor: cheap, since the
 * reduction modulo g is a 512-bit modular exponentiation.
 */
static void refine(mpz_t g, struct mb_sigpair *pairs, size_t np, uint32_t e,
		   size_t bits)
{
	mpz_t r, m, ez, t;
	size_t i;

	mpz_inits(r, m, ez, t, NULL);
	mpz_set_ui(ez, e);
	for (i = 0; i < np && mpz_sizeinbase(g, 2) > bits; i++) {
		pair_sig(r, &pairs[i]);
		mpz_powm(r, r, ez, g);
		pair_em(m, &pairs[i]);
		mpz_sub(r, r, m);
		mpz_mod(r, r, g);
		if (!mpz_sgn(r))
			continue;
		mpz_gcd(t, g, r);
		strip_small(t);
		if (mpz_sizeinbase(t, 2) + 8 > bits)
			mpz_set(g, t);
	}
	mpz_clears(r, m, ez, t, NULL);
}

/* Product of the candidates' numbers modulo A (no full-size product). */
static size_t candidate_product(mpz_t prod, const mpz_t A,
				struct mb_sigpair *pairs, size_t np,
				size_t anchor, uint32_t e)
{
	mpz_t b;
	size_t i, used = 0;

	mpz_init(b);
	for (i = 0; i < np && used < MB_SIGMOD_MAX_CANDIDATES; i++) {
		if (i == anchor)
			continue;
		pair_number(b, &pairs[i], e);
		mpz_mod(b, b, A);
		if (used++ == 0) {
			mpz_set(prod, b);
		} else {
			mpz_mul(prod, prod, b);
			mpz_mod(prod, prod, A);
		}
	}
	mpz_clear(b);
	return used;
}

/* gcd(anchor, product of the others): np limits which pairs take part. */
static int try_anchor(mpz_t g, struct mb_sigpair *pairs, size_t np,
		      size_t anchor, uint32_t e, struct mb_sigmod_stats *st)
{
	size_t bits = 8 * pairs[anchor].sig_len;
	mpz_t A, P;
	size_t used;

	mpz_inits(A, P, NULL);
	pair_number(A, &pairs[anchor], e);
	used = candidate_product(P, A, pairs, np, anchor, e);
	st->candidates += (unsigned)used;
	if (used) {
		mpz_gcd(g, A, P);
		st->gcds++;
		strip_small(g);
	}
	mpz_clears(A, P, NULL);
	return used && mpz_sizeinbase(g, 2) + 8 > bits;
}

static int right_size(const mpz_t g, size_t bits)
{
	return mpz_sizeinbase(g, 2) + 8 > bits && mpz_sizeinbase(g, 2) <= bits;
}

static enum mb_status check_pairs(const struct mb_sigpair *pairs, size_t np,
				  struct mb_error *err)
{
	size_t i;

	if (np < 2)
		return mb_error_set(err, MB_ESECRET, "signing key", NULL,
				    "two values with known plaintext are "
				    "needed to recover the signing key");
	for (i = 0; i < np; i++)
		if (pairs[i].sig_len != pairs[0].sig_len ||
		    pairs[i].sig_len < 45 || pairs[i].sig_len > MB_RSA_MAX)
			return mb_error_set(err, MB_ESECRET, "signing key",
					    NULL, "signatures of different or "
					    "unsupported lengths");
	return MB_OK;
}

static void export_pub(const mpz_t g, uint32_t e, struct mb_rsa_pub *out)
{
	size_t count = 0;

	memset(out, 0, sizeof(*out));
	mpz_export(out->n, &count, 1, 1, 0, 0, g);
	out->len = count;
	out->e = e;
}

enum mb_status mb_sigmod_recover(struct mb_sigpair *pairs, size_t npairs,
				 size_t nanchors, uint32_t e,
				 struct mb_rsa_pub *out,
				 struct mb_sigmod_stats *stats,
				 struct mb_error *err)
{
	struct mb_sigmod_stats local = { 0 }, *st = stats ? stats : &local;
	enum mb_status status = check_pairs(pairs, npairs, err);
	double t0 = now();
	size_t a, i;
	mpz_t g;
	int found = 0;

	memset(st, 0, sizeof(*st));
	if (status != MB_OK)
		return status;
	mpz_init(g);
	/* Two certain pairs: one gcd of the two, nothing multiplied in. */
	if (nanchors >= 2)
		found = try_anchor(g, pairs, 2, 0, e, st);
	for (a = 0; !found && a < (nanchors == 1 || npairs == 2 ? 1u : 2u); a++)
		found = try_anchor(g, pairs, npairs, a, e, st);
	/* A certain anchor whose gcd with the product has no modulus-size
	 * factor: n divides no candidate's number, so none is right. */
	st->refuted = nanchors == 1 && !found && st->gcds;
	if (found)
		refine(g, pairs, npairs, e, 8 * pairs[0].sig_len);
	found = found && right_size(g, 8 * pairs[0].sig_len);
	for (i = 0; i < npairs; i++)
		pairs[i].ok = found && pair_fits(g, &pairs[i], e);
	if (found)
		export_pub(g, e, out);
	else if (st->refuted)
		status = mb_error_set(err, MB_ESECRET, "signing key", NULL,
				      "no %zu-bit modulus divides the "
				      "signatures: none of the plaintexts "
				      "tried against the certain one is right",
				      8 * pairs[0].sig_len);
	else
		status = mb_error_set(err, MB_ESECRET, "signing key", NULL,
				      "no %zu-bit modulus divides the "
				      "signatures: at most one of the "
				      "plaintexts tried is right",
				      8 * pairs[0].sig_len);
	mpz_clear(g);
	st->seconds = now() - t0;
	return status;
}

/* ---- cache ------------------------------------------------------------ */

static int mkdir_one(const char *path)
{
	if (mkdir(path, 0700) == 0 || errno == EEXIST)
		return 0;
	return -1;
}

enum mb_status mb_sigmod_cache_dir(const char *dir, struct mb_buf *out,
				   struct mb_error *err)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	mb_buf_reset(out);
	if (dir)
		mb_buf_puts(out, dir);
	else if (xdg && xdg[0] == '/')
		mb_buf_printf(out, "%s/mbtool", xdg);
	else if (home && home[0] == '/')
		mb_buf_printf(out, "%s/.cache/mbtool", home);
	else
		return mb_error_set(err, MB_EFILE, "cache", NULL,
				    "neither XDG_CACHE_HOME nor HOME is set");
	if (mb_buf_failed(out))
		return mb_error_set(err, MB_EFILE, "cache", NULL,
				    "out of memory");
	return MB_OK;
}

static enum mb_status cache_path(const char *dir, const char *kind,
				 const unsigned char *id, size_t idlen,
				 struct mb_buf *path, struct mb_error *err)
{
	unsigned char h[32];
	unsigned int hl = 0;
	enum mb_status st = mb_sigmod_cache_dir(dir, path, err);

	if (st != MB_OK)
		return st;
	if (!EVP_Digest(id, idlen, h, &hl, EVP_sha256(), NULL) || hl != 32)
		return mb_error_set(err, MB_EFILE, "cache", NULL,
				    "SHA-256 unavailable");
	mb_buf_printf(path, "/%s-", kind);
	mb_blob_hex_encode(path, h, 16, 0);
	return mb_buf_failed(path) ? mb_error_set(err, MB_EFILE, "cache",
						  NULL, "out of memory")
				   : MB_OK;
}

static enum mb_status cache_file(const char *dir, const unsigned char *id,
				 size_t idlen, struct mb_buf *path,
				 struct mb_error *err)
{
	return cache_path(dir, "sigmod", id, idlen, path, err);
}

static int parse_cache(const char *text, struct mb_rsa_pub *out)
{
	const char *p, *nl;
	unsigned char *n = NULL;
	size_t nlen = 0;
	unsigned long e;
	char *end = NULL;

	if (strncmp(text, CACHE_MAGIC, strlen(CACHE_MAGIC)))
		return -1;
	p = text + strlen(CACHE_MAGIC);
	if (strncmp(p, "n=", 2) || !(nl = strchr(p, '\n')))
		return -1;
	if (mb_blob_hex_decode(p + 2, (size_t)(nl - p - 2), &n, &nlen, NULL))
		return -1;
	p = nl + 1;
	e = strncmp(p, "e=", 2) ? 0 : strtoul(p + 2, &end, 10);
	if (!e || e > UINT32_MAX || !end || *end != '\n' || !nlen ||
	    nlen > MB_RSA_MAX || !n[0]) {
		free(n);
		return -1;
	}
	memset(out, 0, sizeof(*out));
	memcpy(out->n, n, nlen);
	out->len = nlen;
	out->e = (uint32_t)e;
	free(n);
	return 0;
}

enum mb_status mb_sigmod_cache_load(const char *dir, const unsigned char *id,
				    size_t idlen, struct mb_rsa_pub *out,
				    int *found, struct mb_error *err)
{
	struct mb_buf path;
	char text[2 * MB_RSA_MAX + 64];
	struct stat sb;
	ssize_t r = -1;
	int fd;
	enum mb_status st;

	*found = 0;
	mb_buf_init(&path);
	st = cache_file(dir, id, idlen, &path, err);
	fd = st == MB_OK ? open(path.data, O_RDONLY | O_NOFOLLOW) : -1;
	if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
		r = read(fd, text, sizeof(text) - 1);
	if (fd >= 0)
		close(fd);
	mb_buf_release(&path);
	if (r > 0) {
		text[r] = '\0';
		*found = parse_cache(text, out) == 0;
	}
	return st;
}

/* mkdir -p for the cache directory, each new level mode 0700. */
static int make_dirs(char *path)
{
	char *s;

	for (s = path + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir_one(path)) {
			*s = '/';
			return -1;
		}
		*s = '/';
	}
	return mkdir_one(path);
}

static enum mb_status store_file(const char *file, const char *dirpath,
				 const char *text, struct mb_error *err)
{
	struct mb_buf tmp;
	int fd, bad;

	mb_buf_init(&tmp);
	mb_buf_printf(&tmp, "%s/.sigmod-XXXXXX", dirpath);
	fd = mb_buf_failed(&tmp) ? -1 : mkstemp(tmp.data);
	if (fd < 0) {
		mb_buf_release(&tmp);
		return mb_error_set(err, MB_EFILE, "cache", dirpath,
				    "cannot create a file: %s",
				    strerror(errno));
	}
	bad = fchmod(fd, 0600) || mb_write_all(fd, text, strlen(text)) ||
	      fsync(fd);
	bad = close(fd) || bad;
	if (!bad)
		bad = rename(tmp.data, file);
	if (bad)
		unlink(tmp.data);
	mb_buf_release(&tmp);
	if (bad)
		return mb_error_set(err, MB_EFILE, "cache", file,
				    "cannot write: %s", strerror(errno));
	return MB_OK;
}

static enum mb_status ensure_dir(const char *dir, struct mb_buf *dpath,
				 struct mb_error *err)
{
	enum mb_status st = mb_sigmod_cache_dir(dir, dpath, err);

	if (st == MB_OK && make_dirs(dpath->data))
		st = mb_error_set(err, MB_EFILE, "cache", dpath->data,
				  "cannot create the directory: %s",
				  strerror(errno));
	return st;
}

enum mb_status mb_sigmod_cache_store(const char *dir, const unsigned char *id,
				     size_t idlen,
				     const struct mb_rsa_pub *pub,
				     struct mb_error *err)
{
	struct mb_buf dpath, file, text;
	enum mb_status st;

	mb_buf_init(&dpath);
	mb_buf_init(&file);
	mb_buf_init(&text);
	st = ensure_dir(dir, &dpath, err);
	if (st == MB_OK)
		st = cache_file(dir, id, idlen, &file, err);
	if (st == MB_OK) {
		mb_buf_puts(&text, CACHE_MAGIC "n=");
		mb_blob_hex_encode(&text, pub->n, pub->len, 0);
		mb_buf_printf(&text, "\ne=%lu\n", (unsigned long)pub->e);
		st = store_file(file.data, dpath.data, text.data, err);
	}
	mb_buf_release(&dpath);
	mb_buf_release(&file);
	mb_buf_release(&text);
	return st;
}

/* ---- one gcd per entry, and failed outcomes ------------------------------ */

enum mb_status mb_sigmod_cache_lock(const char *dir, const unsigned char *id,
				    size_t idlen, int *fd,
				    struct mb_error *err)
{
	struct mb_buf dpath, path;
	enum mb_status st;

	*fd = -1;
	mb_buf_init(&dpath);
	mb_buf_init(&path);
	st = ensure_dir(dir, &dpath, err);
	if (st == MB_OK)
		st = cache_path(dir, "sigmod", id, idlen, &path, err);
	if (st == MB_OK)
		mb_buf_puts(&path, ".lock");
	if (st == MB_OK && !mb_buf_failed(&path))
		*fd = open(path.data, O_RDWR | O_CREAT | O_NOFOLLOW |
			   O_CLOEXEC, 0600);
	if (st == MB_OK && *fd < 0)
		st = mb_error_set(err, MB_EFILE, "cache", path.data,
				  "cannot open the lock: %s", strerror(errno));
	while (*fd >= 0 && flock(*fd, LOCK_EX) && errno == EINTR)
		;
	mb_buf_release(&dpath);
	mb_buf_release(&path);
	return st;
}

void mb_sigmod_cache_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* releases the flock */
}

/* The identity of a gcd: which pairs, in which roles. */
static int fail_id(const struct mb_sigpair *pairs, size_t np,
		   size_t nanchors, unsigned char *id)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned char a = (unsigned char)nanchors;
	unsigned int len = 0;
	size_t i;
	int ok = c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) &&
		 EVP_DigestUpdate(c, &a, 1);

	for (i = 0; ok && i < np; i++)
		ok = EVP_DigestUpdate(c, pairs[i].sig, pairs[i].sig_len) &&
		     EVP_DigestUpdate(c, pairs[i].md5, 16);
	ok = ok && EVP_DigestFinal_ex(c, id, &len) && len == 32;
	EVP_MD_CTX_free(c);
	return ok ? 0 : -1;
}

int mb_sigmod_fail_load(const char *dir, const struct mb_sigpair *pairs,
			size_t np, size_t nanchors, int *refuted)
{
	unsigned char id[32];
	struct mb_buf path;
	char text[64];
	ssize_t r = -1;
	int fd = -1;

	mb_buf_init(&path);
	if (!fail_id(pairs, np, nanchors, id) &&
	    cache_path(dir, "sigfail", id, sizeof(id), &path, NULL) == MB_OK)
		fd = open(path.data, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		r = read(fd, text, sizeof(text) - 1);
		close(fd);
	}
	mb_buf_release(&path);
	if (r <= 0)
		return 0;
	text[r] = '\0';
	if (strncmp(text, FAIL_MAGIC "refuted=", strlen(FAIL_MAGIC) + 8))
		return 0;
	*refuted = text[strlen(FAIL_MAGIC) + 8] == '1';
	return 1;
}

enum mb_status mb_sigmod_fail_store(const char *dir,
				    const struct mb_sigpair *pairs,
				    size_t np, size_t nanchors, int refuted,
				    struct mb_error *err)
{
	unsigned char id[32];
	struct mb_buf dpath, path;
	enum mb_status st;

	mb_buf_init(&dpath);
	mb_buf_init(&path);
	st = ensure_dir(dir, &dpath, err);
	if (st == MB_OK && fail_id(pairs, np, nanchors, id))
		st = mb_error_set(err, MB_EFILE, "cache", NULL,
				  "SHA-256 unavailable");
	if (st == MB_OK)
		st = cache_path(dir, "sigfail", id, sizeof(id), &path, err);
	if (st == MB_OK)
		st = store_file(path.data, dpath.data, refuted ?
				FAIL_MAGIC "refuted=1\n" :
				FAIL_MAGIC "refuted=0\n", err);
	mb_buf_release(&dpath);
	mb_buf_release(&path);
	return st;
}
