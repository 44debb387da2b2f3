/* SPDX-License-Identifier: MIT */
/*
 * The unified diff (diff.c): its shapes against hand-written expectations,
 * line numbers after a long shared start, hunks that begin mid-line in one
 * text only, and a round trip: the diff of random edits, applied to the
 * old text by a small patch reader here, gives the new text.
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
		struct mb_buf a, b, d, out;

		mb_buf_init(&a);
		mb_buf_init(&b);
		mb_buf_init(&d);
		mb_buf_init(&out);
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
		apply(a.data, a.len, d.data ? d.data : "", d.len, &out);
		assert_int_equal(out.len, b.len);
		assert_memory_equal(out.data ? out.data : "",
				    b.data ? b.data : "", b.len);
		mb_buf_release(&a);
		mb_buf_release(&b);
		mb_buf_release(&d);
		mb_buf_release(&out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff_shapes),
		cmocka_unit_test(test_diff_moved_block),
		cmocka_unit_test(test_diff_trimmed_numbers),
		cmocka_unit_test(test_diff_suffix_alignment),
		cmocka_unit_test(test_diff_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
