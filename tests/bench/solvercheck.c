/* SPDX-License-Identifier: MIT */
/*
 * solvercheck: what the reveal solver shows for every secure value of a
 * file, byte for byte, for the solver measurement (tests/bench/solver.py).
 * It gathers the values as `mbtool reveal --all` does (mb/secrets.h:
 * mb_secrets_gather and mb_secrets_items) and runs mb_reveal_run with no
 * modulus cache, so every run pays what a first run pays.
 *
 *   solvercheck FILE [--signing-key PEM] [--known-file F]
 *   solvercheck --grammar
 *
 * F holds "Location<TAB>Property<TAB>UTF-8 plaintext" lines: the --known
 * values of the run (a file, never argv: they are passwords). Output, one
 * line per value in file order:
 *
 *   value<TAB>Location<TAB>Property<TAB>status<TAB>proven<TAB>bytes
 *
 * bytes: the value without its 4-byte prefix in hex, "??" for every byte
 * the solver does not show as known (so a wrong shown byte of any status
 * can be found). Then "modulus<TAB>source<TAB>gcd seconds". Exit 0 when
 * the solver ran (recovered or not), 1 when the file or a key cannot be
 * read.
 *
 * --grammar prints the descriptor vocabulary the solver uses (mb/sd.h), so
 * that the measurement's ideal solver has the same cribs: "sid<TAB>length
 * <TAB>fixed bytes<TAB>hex" per well-known SID or family, "mask<TAB>hex"
 * per access mask (4 bytes, little-endian).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mb/crypt.h"
#include "mb/doc.h"
#include "mb/reveal.h"
#include "mb/schema.h"
#include "mb/sd.h"
#include "mb/secrets.h"

#define MAX_KNOWN 64

struct known {
	char *loc, *prop, *value;
};

static int fail(const char *what, const struct mb_error *e)
{
	fprintf(stderr, "solvercheck: %s: %s\n", what, e ? e->reason : "");
	return 1;
}

/* Reads F's lines into k (at most MAX_KNOWN); -1 on a malformed line. */
static int read_known(const char *path, struct known *k, size_t *n)
{
	char line[4096];
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f) && *n < MAX_KNOWN) {
		char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t')
							 : NULL;

		if (!t2) {
			fclose(f);
			return -1;
		}
		line[strcspn(line, "\n")] = 0;
		*t1 = *t2 = 0;
		k[*n].loc = strdup(line);
		k[*n].prop = strdup(t1 + 1);
		k[(*n)++].value = strdup(t2 + 1);
	}
	fclose(f);
	return 0;
}

static void set_known(const struct mb_doc *doc, const struct mb_secrets *s,
		      const size_t *of, struct mb_reveal_item *items,
		      const struct known *k, size_t nk)
{
	size_t i, j;

	for (i = 0; i < s->n; i++)
		for (j = 0; j < nk; j++)
			if (of[i] && !strcasecmp(doc->keys[s->v[i].key].location,
						 k[j].loc) &&
			    !strcasecmp(s->v[i].prop, k[j].prop))
				items[of[i] - 1].known = k[j].value;
}

static void print_value(const struct mb_doc *doc, const struct mb_secret *e,
			const struct mb_reveal_value *v)
{
	size_t j;

	printf("value\t%s\t%s\t%s\t%d\t", doc->keys[e->key].location, e->prop,
	       v ? mb_reveal_status_name(v->status) : "error",
	       v ? v->proven : 0);
	for (j = 0; v && j < v->len; j++)
		if (v->known[j])
			printf("%02x", v->bytes[j]);
		else
			fputs("??", stdout);
	putchar('\n');
}

static int run(struct mb_doc *doc, const struct mb_rsakey *sign,
	       const struct known *k, size_t nk)
{
	struct mb_secrets s = { 0 };
	struct mb_reveal_item *items = NULL;
	struct mb_reveal_opts o = { 0 };
	struct mb_reveal_report rep;
	struct mb_error e;
	size_t *of = NULL, n = 0, i;
	int st;

	mb_error_clear(&e);
	if (mb_secrets_gather(doc, &s, &e) ||
	    mb_secrets_items(&s, &items, &of, &n))
		return fail("cannot gather the secure values", &e);
	set_known(doc, &s, of, items, k, nk);
	o.session = mb_secrets_session(&s);
	o.modulus = sign ? mb_crypt_key_pub(sign) : NULL;
	o.no_cache = 1;
	st = mb_reveal_run(items, n, &o, &rep, &e);
	if (st == MB_OK || st == MB_ESECRET) {
		for (i = 0; i < s.n; i++)
			if (s.v[i].blob.kind != MB_BLOB_SESSION)
				print_value(doc, &s.v[i], of[i] ?
					    &rep.values[of[i] - 1] : NULL);
		printf("modulus\t%s\t%.2f\n", mb_reveal_modsrc_name(rep.modsrc),
		       rep.gcd_seconds);
		mb_reveal_report_free(&rep);
	}
	free(items);
	free(of);
	mb_secrets_free(&s);
	return st == MB_OK || st == MB_ESECRET ? 0 : fail("reveal", &e);
}

static int grammar(void)
{
	static unsigned char masks[4 * 1024];
	size_t i, j, n = mb_sd_mask_cands(masks, 1024);

	for (i = 0; i < mb_sd_nsids; i++) {
		printf("sid\t%u\t%u\t", mb_sd_sids[i].len, mb_sd_sids[i].fixed);
		for (j = 0; j < mb_sd_sids[i].fixed; j++)
			printf("%02x", mb_sd_sids[i].b[j]);
		putchar('\n');
	}
	for (i = 0; i < n; i++)
		printf("mask\t%02x%02x%02x%02x\n", masks[4 * i],
		       masks[4 * i + 1], masks[4 * i + 2], masks[4 * i + 3]);
	return 0;
}

int main(int argc, char **argv)
{
	struct known k[MAX_KNOWN];
	struct mb_rsakey *sign = NULL;
	struct mb_doc *doc = NULL;
	struct mb_error e;
	size_t nk = 0, i;
	int a, st;

	if (argc == 2 && !strcmp(argv[1], "--grammar"))
		return grammar();
	for (a = 2; a + 1 < argc; a += 2)
		if (!strcmp(argv[a], "--signing-key")) {
			if (mb_crypt_key_load(argv[a + 1], &sign, &e))
				return fail(argv[a + 1], &e);
		} else if (strcmp(argv[a], "--known-file") ||
			   read_known(argv[a + 1], k, &nk)) {
			return fail("usage: solvercheck FILE [--signing-key "
				    "PEM] [--known-file F]", NULL);
		}
	if (argc < 2 || a != argc)
		return fail("usage: solvercheck FILE [--signing-key PEM] "
			    "[--known-file F]", NULL);
	if (mb_doc_load(argv[1], mb_schema_builtin(), &doc, &e))
		return fail(argv[1], &e);
	st = run(doc, sign, k, nk);
	for (i = 0; i < nk; i++) {
		free(k[i].loc);
		free(k[i].prop);
		free(k[i].value);
	}
	mb_doc_free(doc);
	mb_crypt_key_free(sign);
	return st;
}
