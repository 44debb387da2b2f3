/* SPDX-License-Identifier: MIT */
/*
 * Plain driver for the libFuzzer targets, for builds without libFuzzer
 * (gcc): feeds every file of the seed directories given on the command line,
 * then deterministic mutations of each (bit flips, truncations, byte
 * insertions and deletions, block duplication) to LLVMFuzzerTestOneInput.
 *
 *   replay [-n MUTATIONS] [--skip-missing] DIR_OR_FILE...
 *
 * --skip-missing: inputs from outside the repository (the corpus) may be
 * absent; missing ones are left out, and with none there the run is
 * skipped (exit 77, which meson reports as SKIP).
 * Same inputs on every run (fixed PRNG seed per file), so a failure is
 * reproducible; set REPLAY_VERBOSE=1 to print each mutation before it runs,
 * REPLAY_ONLY=I to run only mutation I (not the seed itself) and
 * REPLAY_DUMP=FILE to also write that input to FILE (a new seed).
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1Dull;
}

static size_t below(size_t n)
{
	return n ? (size_t)(rng() % n) : 0;
}

static const char *const tokens[] = {
	"<", ">", "/>", "\"", "&", "&amp;", "&#0;", "&#x110000;", "\xff",
	"\xc3\x28", "\xe2\x82", "\xf0\x9f\x98", "\r\n", "\n", "\t", "]]>",
	"<!DOCTYPE a [<!ENTITY e \"x\">]>", "&e;", "<MBProperty>",
	"</MBProperty>", "Location =\"/LM/W3SVC/1\"", "<Custom ", "ID=\"6020\"",
	"49634462", "NOLONGERVALID", "00", "ff", "/", "\\", "//", "..",
	"ROOT", "AnonymousUserName", "\0",
};

static size_t ntokens(void)
{
	return sizeof(tokens) / sizeof(tokens[0]);
}

/* One mutation of in[0..n) into out (capacity n + 128); returns length. */
static size_t mutate(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t len = n, pos, k;
	const char *tok;
	size_t tlen;

	memcpy(out, in, n);
	switch (below(7)) {
	case 0: /* flip 1..4 bits */
		for (k = 1 + below(4); k && len; k--) {
			pos = below(len);
			out[pos] ^= (uint8_t)(1u << below(8));
		}
		break;
	case 1: /* truncate */
		len = below(n + 1);
		break;
	case 2: /* insert a token */
		tok = tokens[below(ntokens())];
		tlen = strlen(tok) ? strlen(tok) : 1;
		pos = below(len + 1);
		memmove(out + pos + tlen, out + pos, len - pos);
		memcpy(out + pos, tok, tlen);
		len += tlen;
		break;
	case 3: /* insert random bytes */
		tlen = 1 + below(8);
		pos = below(len + 1);
		memmove(out + pos + tlen, out + pos, len - pos);
		for (k = 0; k < tlen; k++)
			out[pos + k] = (uint8_t)rng();
		len += tlen;
		break;
	case 4: /* delete a run */
		if (len) {
			pos = below(len);
			tlen = 1 + below(len - pos < 64 ? len - pos : 64);
			memmove(out + pos, out + pos + tlen, len - pos - tlen);
			len -= tlen;
		}
		break;
	case 5: /* duplicate a block (up to 64 bytes) */
		if (len) {
			pos = below(len);
			tlen = 1 + below(len - pos < 64 ? len - pos : 64);
			k = below(len + 1);
			memmove(out + k + tlen, out + k, len - k);
			memcpy(out + k, in + pos, tlen); /* in is unchanged */
			len += tlen;
		}
		break;
	default: /* overwrite a byte with an interesting value */
		if (len) {
			static const uint8_t v[] = { 0, 0x7f, 0x80, 0xff, '<',
						     '"', '&', '/' };
			out[below(len)] = v[below(sizeof v)];
		}
		break;
	}
	return len;
}

static long only = -1;
static const char *dump;

static int run_file(const char *path, long nmut, int verbose)
{
	FILE *f = fopen(path, "rb");
	uint8_t *in = NULL, *out = NULL;
	size_t n = 0, cap = 0, r;
	uint64_t h = 1469598103934665603ull;

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 1;
	}
	for (;;) {
		if (n == cap) {
			uint8_t *p = realloc(in, cap = cap ? cap * 2 : 4096);
			if (!p) {
				fclose(f);
				free(in);
				return 1;
			}
			in = p;
		}
		r = fread(in + n, 1, cap - n, f);
		if (r == 0)
			break;
		n += r;
	}
	fclose(f);

	if (verbose)
		fprintf(stderr, "replay: %s (%zu bytes)\n", path, n);
	if (only < 0)
		LLVMFuzzerTestOneInput(in, n);

	/* A seed per file (FNV-1a of the name) keeps runs reproducible. */
	for (const char *c = path; *c; c++)
		h = (h ^ (uint8_t)*c) * 1099511628211ull;
	rng_state = h ? h : 1;
	out = malloc(n + 128);
	if (!out) {
		free(in);
		return 1;
	}
	for (long i = 0; i < nmut; i++) {
		size_t len = mutate(in, n, out);
		if (only >= 0 && i != only)
			continue;
		if (dump) {
			FILE *d = fopen(dump, "wb");
			if (d) {
				fwrite(out, 1, len, d);
				fclose(d);
			}
		}
		if (verbose)
			fprintf(stderr, "replay: %s mutation %ld (%zu bytes)\n",
				path, i, len);
		/* Give the target an exact-size heap copy so ASan sees overreads. */
		uint8_t *exact = malloc(len ? len : 1);
		if (!exact)
			break;
		memcpy(exact, out, len);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	free(out);
	free(in);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, long nmut, int verbose, long *nfiles)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (!d) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **p = realloc(names, (cap = cap ? cap * 2 : 16) *
						   sizeof(*names));
			if (!p) {
				rc = 1;
				break;
			}
			names = p;
		}
		size_t l = strlen(dir) + strlen(e->d_name) + 2;
		names[n] = malloc(l);
		if (!names[n]) {
			rc = 1;
			break;
		}
		snprintf(names[n], l, "%s/%s", dir, e->d_name);
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str); /* stable order */
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (!rc && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
			rc |= run_file(names[i], nmut, verbose);
			(*nfiles)++;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	long nmut = 2000, nfiles = 0;
	int rc = 0, i = 1, skip_missing = 0;
	const char *v = getenv("REPLAY_VERBOSE");
	int verbose = v && *v && strcmp(v, "0") != 0;

	if (getenv("REPLAY_ONLY"))
		only = strtol(getenv("REPLAY_ONLY"), NULL, 10);
	dump = getenv("REPLAY_DUMP");

	if (i + 1 < argc && strcmp(argv[i], "-n") == 0) {
		nmut = strtol(argv[i + 1], NULL, 10);
		i += 2;
	}
	if (i < argc && strcmp(argv[i], "--skip-missing") == 0) {
		skip_missing = 1;
		i++;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: replay [-n MUTATIONS] [--skip-missing] "
			"DIR_OR_FILE...\n");
		return 2;
	}
	for (; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0 && skip_missing) {
			printf("replay: %s: absent, left out\n", argv[i]);
		} else if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
				strerror(errno));
			rc = 1;
		} else if (S_ISDIR(st.st_mode)) {
			rc |= run_dir(argv[i], nmut, verbose, &nfiles);
		} else {
			rc |= run_file(argv[i], nmut, verbose);
			nfiles++;
		}
	}
	printf("replay: %ld inputs, %ld mutations each%s\n", nfiles, nmut,
	       rc ? ": ERRORS" : "");
	if (!rc && !nfiles && skip_missing) {
		printf("replay: SKIP: no input present\n");
		return 77;
	}
	return rc;
}
