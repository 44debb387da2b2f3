/* SPDX-License-Identifier: MIT */
/*
 * The unified diff (diff.c): its shapes against hand-written expectations,
 * line numbers after a long shared start, hunks that begin mid-line in one
 * text only, and a round trip: the diff of random edits, applied to the
 * old text by a small patch reader here, gives the new text. A splice's
 * diff (mb_diff_splice, from the new bytes and the edits alone) makes the
 * same round trip, and on metabase-shaped text (every line unique) the
 * same text as the diff of the two whole files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mb/buf.h"
#include "mb/diff.h"
#include "mb/doc.h"
#include "mb/splice.h"

static void check_diff(const char *a, const char *b, const char *want)
{
	struct mb_buf out;

	mb_buf_init(&out);
	mb_diff_to_buf(&out, "f", a, strlen(a), b, strlen(b));
	assert_string_equal(out.data ? out.data : "", want);
	mb_buf_release(&out);
}

static void test_diff_shapes(void **state)
{
	(void)state;
	check_diff("a\nb\n", "a\nb\n", "");
	check_diff("", "x\n", "--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+x\n");
	check_diff("x\n", "", "--- a/f\n+++ b/f\n@@ -1 +0,0 @@\n-x\n");
	check_diff("a\nb", "a\nc",
		   "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n"
		   "\\ No newline at end of file\n+c\n"
		   "\\ No newline at end of file\n");
	/* an insertion at the top, and two hunks far apart */
	check_diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n",
		   "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\nX\n",
		   "--- a/f\n+++ b/f\n@@ -1,3 +1,4 @@\n+0\n 1\n 2\n 3\n"
		   "@@ -9,4 +10,4 @@\n 9\n 10\n 11\n-12\n+X\n");
}

static void test_diff_moved_block(void **state)
{
	/* unique lines anchor the diff: a moved key is one - and one + run */
	(void)state;
	check_diff("<A>\nx\n</A>\n<B>\ny\n</B>\n<C>\nz\n</C>\n",
		   "<B>\ny\n</B>\n<A>\nx\n</A>\n<C>\nz\n</C>\n",
		   "--- a/f\n+++ b/f\n@@ -1,9 +1,9 @@\n-<A>\n-x\n-</A>\n"
		   " <B>\n y\n </B>\n+<A>\n+x\n+</A>\n <C>\n z\n </C>\n");
}

/* A long shared start and end: the hunk's numbers count those lines. */
static void test_diff_trimmed_numbers(void **state)
{
	struct mb_buf a, b, want;
	int i;

	(void)state;
	mb_buf_init(&a);
	mb_buf_init(&b);
	mb_buf_init(&want);
	for (i = 1; i <= 5000; i++) {
		mb_buf_printf(&a, "l%d\n", i);
		mb_buf_printf(&b, "%s%d\n", i == 2500 ? "L" : "l", i);
	}
	mb_buf_puts(&want, "--- a/f\n+++ b/f\n@@ -2497,7 +2497,7 @@\n"
		    " l2497\n l2498\n l2499\n-l2500\n+L2500\n l2501\n"
		    " l2502\n l2503\n");
	check_diff(a.data, b.data, want.data);
	mb_buf_release(&a);
	mb_buf_release(&b);
	mb_buf_release(&want);
}

/* The shared end must start a line in both texts, not just in one. */
static void test_diff_suffix_alignment(void **state)
{
	(void)state;
	check_diff("p\nq\n", "pq\n",
		   "--- a/f\n+++ b/f\n@@ -1,2 +1 @@\n-p\n-q\n+pq\n");
	check_diff("ab\n", "a\nb\n",
		   "--- a/f\n+++ b/f\n@@ -1 +1,2 @@\n-ab\n+a\n+b\n");
}

/* ---- round trip --------------------------------------------------------- */

/* The next line of s at *pos (with its newline), its length into *n. */
static const char *next_line(const char *s, size_t len, size_t *pos,
			     size_t *n)
{
	const char *p = s + *pos, *e = memchr(p, '\n', len - *pos);

	*n = e ? (size_t)(e - p) + 1 : len - *pos;
	*pos += *n;
	return p;
}

/* Apply diff d (from mb_diff_unified) to a; the result into out. */
static void apply(const char *a, size_t alen, const char *d, size_t dlen,
		  struct mb_buf *out)
{
	size_t apos = 0, dpos = 0, n, aline = 0, want;
	const char *l;

	while (dpos < dlen) {
		l = next_line(d, dlen, &dpos, &n);
		if (!strncmp(l, "---", 3) || !strncmp(l, "+++", 3) || l[0] == '\\')
			continue;
		if (l[0] == '@') {
			want = strtoul(l + 4, NULL, 10);
			want -= want > 0 && !strstr(l, "-0,0") ? 1 : 0;
			for (; aline < want; aline++) {
				size_t m;
				const char *al = next_line(a, alen, &apos, &m);

				mb_buf_append(out, al, m);
			}
			continue;
		}
		if (l[0] == '+') {
			mb_buf_append(out, l + 1, n - 1);
		} else {
			size_t skip;

			next_line(a, alen, &apos, &skip);
			aline++;
			if (l[0] == ' ')
				mb_buf_append(out, l + 1, n - 1);
		}
		/* a line without a newline of its own: the marker follows */
		if (l[0] != '-' && dpos < dlen && d[dpos] == '\\' &&
		    out->len && out->data[out->len - 1] == '\n')
			out->data[--out->len] = '\0';
	}
	mb_buf_append(out, a + apos, alen - apos);
}

/* Diff d applied to a gives b. */
static void assert_patches(const struct mb_buf *a, const struct mb_buf *b,
			   const struct mb_buf *d)
{
	struct mb_buf out;

	mb_buf_init(&out);
	apply(a->data ? a->data : "", a->len, d->data ? d->data : "", d->len,
	      &out);
	assert_int_equal(out.len, b->len);
	assert_memory_equal(out.data ? out.data : "", b->data ? b->data : "",
			    b->len);
	mb_buf_release(&out);
}

static void random_text(struct mb_buf *t, unsigned *seed, int lines)
{
	static const char *const words[] = { "<Key", "Location =\"/LM\"",
					      "\tA=\"1\"", "\tB=\"2\"",
					      ">", "</Key>", "x" };
	int i;

	for (i = 0; i < lines; i++)
		mb_buf_printf(t, "%s%s", words[rand_r(seed) % 7],
			      rand_r(seed) % 40 ? "\n" : "");
}

static void test_diff_round_trip(void **state)
{
	unsigned seed = 12345;
	int k;

	(void)state;
	for (k = 0; k < 400; k++) {
		struct mb_buf a, b, d;

		mb_buf_init(&a);
		mb_buf_init(&b);
		mb_buf_init(&d);
		random_text(&a, &seed, 1 + (int)(rand_r(&seed) % 60));
		/* b: a with pieces replaced, dropped or added */
		mb_buf_append(&b, a.data, a.len);
		if (rand_r(&seed) % 2)
			random_text(&b, &seed, (int)(rand_r(&seed) % 5));
		if (b.len > 4 && rand_r(&seed) % 2)
			b.len -= rand_r(&seed) % (b.len / 2);
		if (rand_r(&seed) % 2) {
			struct mb_buf c;

			mb_buf_init(&c);
			random_text(&c, &seed, (int)(rand_r(&seed) % 4));
			mb_buf_append(&c, b.data, b.len);
			mb_buf_release(&b);
			b = c;
		}
		mb_buf_putc(&b, 0);
		b.len--;
		mb_diff_to_buf(&d, "f", a.data, a.len, b.data ? b.data : "",
			       b.len);
		assert_false(d.failed);
		assert_patches(&a, &b, &d);
		mb_buf_release(&a);
		mb_buf_release(&b);
		mb_buf_release(&d);
	}
}

/* ---- a splice's diff ------------------------------------------------------- */

static void to_buf(void *ctx, const char *p, size_t n)
{
	mb_buf_append(ctx, p, n);
}

static int collect(void *ctx, const char *p, size_t n)
{
	return mb_buf_append(ctx, p, n);
}

/* Random edits of a (in order, apart, some touching): spliced into b. */
static void random_edits(const struct mb_buf *a, unsigned *seed,
			 struct mb_edits *e, struct mb_buf *b)
{
	struct mb_doc d = { 0 };
	struct mb_error err;
	size_t pos = 0, n = 1 + rand_r(seed) % 6, i, at, len;

	d.path = "f";
	d.buf = a->data ? a->data : "";
	d.len = a->len;
	for (i = 0; i < n && pos <= a->len; i++) {
		struct mb_buf t;

		at = pos + (a->len - pos ? rand_r(seed) % (a->len - pos + 1) : 0);
		len = at < a->len ? rand_r(seed) % (a->len - at + 1) % 40 : 0;
		mb_buf_init(&t);
		if (rand_r(seed) % 3)
			random_text(&t, seed, (int)(rand_r(seed) % 4));
		assert_int_equal(mb_edits_add(e, (uint32_t)at,
					      (uint32_t)(at + len),
					      t.data ? t.data : "", t.len), 0);
		mb_buf_release(&t);
		pos = at + len + (rand_r(seed) % 2 ? 0 : rand_r(seed) % 30);
	}
	mb_error_clear(&err);
	assert_int_equal(mb_doc_splice(&d, e, b, &err), MB_OK);
	assert_int_equal(mb_edits_keep_old(e, &d), 0);
}

static void test_splice_round_trip(void **state)
{
	unsigned seed = 777;
	int k;

	(void)state;
	for (k = 0; k < 600; k++) {
		struct mb_buf a, b, d, back;
		struct mb_edits e;

		mb_buf_init(&a);
		mb_buf_init(&b);
		mb_buf_init(&d);
		mb_buf_init(&back);
		mb_edits_init(&e);
		random_text(&a, &seed, 1 + (int)(rand_r(&seed) % 80));
		random_edits(&a, &seed, &e, &b);
		/* the old bytes, from the new ones and the edits */
		assert_int_equal(mb_edits_undo(&e, b.data ? b.data : "", b.len,
					       collect, &back), 0);
		assert_int_equal(back.len, a.len);
		assert_int_equal(mb_edits_old_len(&e, b.len), a.len);
		assert_memory_equal(back.data ? back.data : "",
				    a.data ? a.data : "", a.len);
		assert_int_equal(mb_edits_changed(&e, b.data ? b.data : ""),
				 a.len != b.len || memcmp(a.data ? a.data : "",
				 b.data ? b.data : "", a.len) != 0);
		assert_int_equal(mb_diff_splice("f", &e, b.data ? b.data : "",
						b.len, to_buf, &d), 0);
		assert_patches(&a, &b, &d);
		mb_edits_release(&e);
		mb_buf_release(&a);
		mb_buf_release(&b);
		mb_buf_release(&d);
		mb_buf_release(&back);
	}
}

/*
 * A metabase-shaped file (every line unique, as every key's are by its
 * Location): the splice's diff is the diff of the two whole files, hunk
 * for hunk, for edits far apart, close together and on one line.
 */
static void test_splice_same_text(void **state)
{
	struct mb_buf a, b, d1, d2;
	struct mb_edits e;
	struct mb_doc doc = { 0 };
	struct mb_error err;
	static const uint32_t at[][2] = { { 0, 0 }, { 40, 52 }, { 70, 75 },
					  { 300, 330 }, { 335, 336 },
					  { 2000, 2100 }, { 4990, 5020 } };
	static const char *const text[] = { "<top>\n", "", "X=\"1\"\n\t",
					    "moved\n", "", "a\nb\nc\n", "" };
	size_t i;

	(void)state;
	mb_buf_init(&a);
	mb_buf_init(&b);
	mb_buf_init(&d1);
	mb_buf_init(&d2);
	mb_edits_init(&e);
	for (i = 0; a.len < 5100; i++)
		mb_buf_printf(&a, "\t\tLine%zu=\"%zu\"\n", i, i * 7);
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		assert_int_equal(mb_edits_add(&e, at[i][0], at[i][1], text[i],
					      strlen(text[i])), 0);
	doc.path = "f";
	doc.buf = a.data;
	doc.len = a.len;
	mb_error_clear(&err);
	assert_int_equal(mb_doc_splice(&doc, &e, &b, &err), MB_OK);
	assert_int_equal(mb_edits_keep_old(&e, &doc), 0);
	assert_int_equal(mb_diff_splice("f", &e, b.data, b.len, to_buf, &d1),
			 0);
	mb_diff_to_buf(&d2, "f", a.data, a.len, b.data, b.len);
	assert_non_null(d2.data);
	assert_string_equal(d1.data, d2.data);
	mb_edits_release(&e);
	mb_buf_release(&a);
	mb_buf_release(&b);
	mb_buf_release(&d1);
	mb_buf_release(&d2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff_shapes),
		cmocka_unit_test(test_diff_moved_block),
		cmocka_unit_test(test_diff_trimmed_numbers),
		cmocka_unit_test(test_diff_suffix_alignment),
		cmocka_unit_test(test_diff_round_trip),
		cmocka_unit_test(test_splice_round_trip),
		cmocka_unit_test(test_splice_same_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
