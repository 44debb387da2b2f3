/* SPDX-License-Identifier: MIT */
/*
 * The command-script reader (mb/script.h): words, quotes and escapes,
 * blank and comment lines, CRLF, line numbers, very long lines, NUL bytes
 * and unterminated quotes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mb/script.h"

/*
 * Read text (n bytes) and check the commands: want is a list of lines
 * "LINENO|word|word|...", NULL-terminated.
 */
static void cmds_n(const char *text, size_t n, const char *const *want)
{
	struct mb_script s;
	struct mb_error err;
	char got[4096];

	mb_script_init(&s, text, n);
	for (; *want; want++) {
		size_t k = 0;

		mb_error_clear(&err);
		assert_int_equal(mb_script_next(&s, &err), MB_OK);
		assert_true(s.argc > 0);
		k += (size_t)snprintf(got, sizeof(got), "%ld", s.lineno);
		for (int i = 0; i < s.argc; i++)
			k += (size_t)snprintf(got + k, sizeof(got) - k, "|%s",
					      s.argv[i]);
		assert_null(s.argv[s.argc]);
		assert_string_equal(got, *want);
	}
	assert_int_equal(mb_script_next(&s, &err), MB_OK);
	assert_int_equal(s.argc, 0);
	assert_int_equal(mb_script_next(&s, &err), MB_OK); /* stays at end */
	assert_int_equal(s.argc, 0);
	mb_script_release(&s);
}

static void cmds(const char *text, const char *const *want)
{
	cmds_n(text, strlen(text), want);
}

/* The script fails at line `line` (whose text is `at`) with `why`. */
static void fails_n(const char *text, size_t n, long line,
			   const char *at, const char *why)
{
	struct mb_script s;
	struct mb_error err;
	enum mb_status st;

	mb_script_init(&s, text, n);
	mb_error_clear(&err);
	while ((st = mb_script_next(&s, &err)) == MB_OK && s.argc)
		;
	assert_int_equal(st, MB_EUSAGE);
	assert_int_equal(err.status, MB_EUSAGE);
	assert_int_equal(s.lineno, line);
	assert_int_equal(err.line, line);
	assert_string_equal(s.line, at);
	assert_non_null(strstr(err.reason, why));
	/* nothing is read after an error */
	assert_int_equal(mb_script_next(&s, &err), MB_OK);
	assert_int_equal(s.argc, 0);
	mb_script_release(&s);
}

static void fails(const char *text, long line, const char *at,
		  const char *why)
{
	fails_n(text, strlen(text), line, at, why);
}

static void test_words(void **state)
{
	(void)state;
	cmds("set w3svc/1/AuthFlags 5\n",
	       (const char *const[]){ "1|set|w3svc/1/AuthFlags|5", NULL });
	/* tabs and runs of blanks separate; no final newline */
	cmds("  delete\t\tw3svc/1/Path   --yes",
	       (const char *const[]){ "1|delete|w3svc/1/Path|--yes", NULL });
	/* a backslash outside quotes is part of the word: adsutil paths */
	cmds("set W3SVC\\1\\ROOT\\Path d:\\www\\\n",
	       (const char *const[]){ "1|set|W3SVC\\1\\ROOT\\Path|d:\\www\\",
				      NULL });
}

static void test_quotes(void **state)
{
	(void)state;
	cmds("set p \"Second site\" 'it''s' \"\" ''\n",
	       (const char *const[]){ "1|set|p|Second site|its||", NULL });
	/* quoted and unquoted parts join; blanks kept inside quotes */
	cmds("a\"b c\"d 'x  y'z \"  \"\n",
	       (const char *const[]){ "1|ab cd|x  yz|  ", NULL });
	/* the other quote is an ordinary character inside a quote */
	cmds("say \"it's\" 'a \"b\"'\n",
	       (const char *const[]){ "1|say|it's|a \"b\"", NULL });
}

static void test_escapes(void **state)
{
	(void)state;
	/* \" and \\ inside "..." only; any other \x stays as it is */
	cmds("set p \"D:\\\\sites\\\\two\" \"say \\\"hi\\\"\" \"a\\nb\"\n",
	       (const char *const[]){
		       "1|set|p|D:\\sites\\two|say \"hi\"|a\\nb", NULL });
	/* no escapes in '...': the backslash is kept, ' ends the quote */
	cmds("set p 'a\\\\b' 'c\\'\n",
	       (const char *const[]){ "1|set|p|a\\\\b|c\\", NULL });
	/* an escaped quote does not end the word's quote */
	cmds("x \"a\\\" b\"\n", (const char *const[]){ "1|x|a\" b", NULL });
}

static void test_blank_and_comment_lines(void **state)
{
	(void)state;
	cmds("", (const char *const[]){ NULL });
	cmds("\n\n \t \n", (const char *const[]){ NULL });
	cmds("# only a comment", (const char *const[]){ NULL });
	cmds("\n# a comment\n   # indented comment\nset a b # not one\n"
	       "\n#set c d\nset e \"#f\"\n",
	       (const char *const[]){ "4|set|a|b|#|not|one", "7|set|e|#f",
				      NULL });
	/* a comment line does not continue a quote */
	fails("# \"\nx \"\n", 2, "x \"", "unterminated quote");
}

static void test_crlf(void **state)
{
	(void)state;
	cmds("set a 1\r\n\r\n# c\r\nset b \"2 3\"\r\nset c 4\r",
	       (const char *const[]){ "1|set|a|1", "4|set|b|2 3",
				      "5|set|c|4", NULL });
	/* a CR inside a line stays part of the word */
	cmds("a b\rc\n", (const char *const[]){ "1|a|b\rc", NULL });
}

static void test_unterminated(void **state)
{
	(void)state;
	fails("set a 1\nset b \"2\nset c 3\n", 2, "set b \"2",
		       "unterminated quote");
	fails("x 'y", 1, "x 'y", "unterminated quote");
	/* an escaped quote at the end leaves the quote open */
	fails("x \"y\\\"", 1, "x \"y\\\"", "unterminated quote");
	/* a quote does not continue onto the next line */
	fails("x \"a\nb\"\n", 1, "x \"a", "unterminated quote");
}

static void test_nul_bytes(void **state)
{
	static const char one[] = "set a 1\nset b 2\0set c 3\nset d 4\n";
	static const char blank[] = "set a 1\n\0\n";
	static const char quoted[] = "set a \"x\0y\"\n";

	(void)state;
	/* refused, not taken as the end of the script */
	fails_n(one, sizeof(one) - 1, 2, "set b 2", "NUL byte");
	fails_n(blank, sizeof(blank) - 1, 2, "", "NUL byte");
	fails_n(quoted, sizeof(quoted) - 1, 1, "set a \"x", "NUL");
	/* the length given is what counts, not a terminating NUL */
	cmds_n("set a 1\nset b 2\n", 8,
		 (const char *const[]){ "1|set|a|1", NULL });
}

static void test_long_lines(void **state)
{
	size_t n = 3u << 20, i;
	char *text = malloc(n + 16), *want = malloc(n + 16);
	struct mb_script s;
	struct mb_error err;

	(void)state;
	assert_non_null(text);
	assert_non_null(want);
	/* one 3 MB word, then a line of a million one-letter words */
	memcpy(text, "set ", 4);
	memset(text + 4, 'v', n);
	memcpy(text + 4 + n, "\n", 1);
	mb_script_init(&s, text, n + 5);
	assert_int_equal(mb_script_next(&s, &err), MB_OK);
	assert_int_equal(s.argc, 2);
	assert_int_equal(strlen(s.argv[1]), n);
	mb_script_release(&s);
	for (i = 0; i < n; i += 2)
		memcpy(text + i, "w ", 2);
	mb_script_init(&s, text, n);
	assert_int_equal(mb_script_next(&s, &err), MB_OK);
	assert_int_equal(s.argc, (int)(n / 2));
	assert_string_equal(s.argv[s.argc - 1], "w");
	assert_null(s.argv[s.argc]);
	/* the same buffers serve a short line after a long one */
	mb_script_release(&s);
	memcpy(want, text, n);
	memcpy(want + n, "\nq\n", 3);
	mb_script_init(&s, want, n + 3);
	assert_int_equal(mb_script_next(&s, &err), MB_OK);
	assert_int_equal(mb_script_next(&s, &err), MB_OK);
	assert_int_equal(s.argc, 1);
	assert_string_equal(s.argv[0], "q");
	assert_int_equal(s.lineno, 2);
	mb_script_release(&s);
	free(text);
	free(want);
}

/* The words are the caller's to change (batch lowercases a verb). */
static void test_words_writable(void **state)
{
	struct mb_script s;
	struct mb_error err;

	(void)state;
	mb_script_init(&s, "SET a b\n", 8);
	assert_int_equal(mb_script_next(&s, &err), MB_OK);
	memcpy(s.argv[0], "set", 3);
	assert_string_equal(s.line, "SET a b"); /* the line stays as read */
	mb_script_release(&s);
	/* NULL text: an empty script */
	mb_script_init(&s, NULL, 5);
	assert_int_equal(mb_script_next(&s, &err), MB_OK);
	assert_int_equal(s.argc, 0);
	mb_script_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_blank_and_comment_lines),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_unterminated),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_words_writable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
