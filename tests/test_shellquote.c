/* SPDX-License-Identifier: MIT */
/*
 * Quoting for the scripts sam and reset print. The expected strings are
 * worked out by hand from the documented rules, undone in the order the
 * parsers run on a line of a .cmd script:
 *   B  batch reader: "%%" -> "%" (cmd /? and "call /?": in a batch file
 *      a literal percent is written twice);
 *   C  cmd.exe: each '"' toggles its quote state; outside quotes ^ escapes
 *      the next character and & | < > ( ) are operators; inside quotes all
 *      of them are literal; '!' is special only with delayed expansion
 *      (off unless "setlocal enabledelayedexpansion");
 *   A  the program's argv (MSVCRT "Parsing C command-line arguments",
 *      CommandLineToArgvW): 2n backslashes + '"' -> n backslashes and a
 *      delimiting quote; 2n+1 backslashes + '"' -> n backslashes and a
 *      literal '"'; backslashes before anything else are literal.
 * PowerShell (about_Quoting_Rules): inside '...' nothing is special but
 * the single quote, written twice; U+2018..U+201B count as single quotes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "mb/shellquote.h"

static void cmd_is(const char *in, const char *want)
{
	char *got = mb_shellquote_cmd(in);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void ps_is(const char *in, const char *want)
{
	char *got = mb_shellquote_ps(in);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_cmd_plain(void **state)
{
	(void)state;
	/* A: a quoted run is one argument; "" is the empty argument. */
	cmd_is("Passw0rd", "\"Passw0rd\"");
	cmd_is("", "\"\"");
	/* A: space is a separator only outside quotes. */
	cmd_is("two words", "\"two words\"");
	/* B: % doubled, also inside quotes (the batch reader runs first). */
	cmd_is("100%", "\"100%%\"");
	cmd_is("%PATH%", "\"%%PATH%%\"");
}

static void test_cmd_operators(void **state)
{
	(void)state;
	/* C: inside the quotes cmd.exe takes ^ & | < > ( ) literally, so no
	 * caret is added (a caret here would reach the program). */
	cmd_is("a^b&c|d<e>f(g)", "\"a^b&c|d<e>f(g)\"");
	/* C: '!' is literal while delayed expansion is off (scripts from sam
	 * and reset never turn it on). */
	cmd_is("hi!", "\"hi!\"");
}

static void test_cmd_quotes(void **state)
{
	(void)state;
	/* A: a literal '"' is \" (1 = 2*0+1 backslash). C: cmd.exe sees that
	 * '"' as a quote, so after it cmd.exe is outside quotes and '&' must
	 * be ^&; the closing '"' reopens (harmless at the end of the line). */
	cmd_is("a\"&b", "\"a\\\"^&b\"");
	/* Two quotes: cmd.exe is back inside after the second, no caret. */
	cmd_is("\"x\"&", "\"\\\"x\\\"&\"");
	/* C: every operator outside cmd.exe's quotes gets its caret, and a
	 * '^' becomes "^^"; B: '%' is still doubled. */
	cmd_is("\"^&|<>()%", "\"\\\"^^^&^|^<^>^(^)%%\"");
}

static void test_cmd_backslashes(void **state)
{
	(void)state;
	/* A: backslashes not before a '"' are literal, as many as given. */
	cmd_is("C:\\dir\\x", "\"C:\\dir\\x\"");
	cmd_is("a\\\\b", "\"a\\\\b\"");
	/* A: backslash before a literal '"': the n = 1 backslash is doubled
	 * and one more escapes the quote, 2n+1 = 3: \\\" -> \" ('b' is
	 * not an operator: no caret though cmd.exe is outside quotes). */
	cmd_is("a\\\"b", "\"a\\\\\\\"b\"");
	/* Two backslashes before a '"': 2*2+1 = 5. */
	cmd_is("a\\\\\"", "\"a\\\\\\\\\\\"\"");
	/* A: trailing backslash: doubled (2n = 2) so that the closing '"'
	 * still ends the argument instead of becoming a literal quote. */
	cmd_is("ends\\", "\"ends\\\\\"");
	cmd_is("two\\\\", "\"two\\\\\\\\\"");
	/* Only a backslash: "\\" gives one backslash. */
	cmd_is("\\", "\"\\\\\"");
}

static void test_ps(void **state)
{
	(void)state;
	/* Nothing but quotes is special in '...': $, `, ", \ are literal. */
	ps_is("$env:x `n \"q\" \\", "'$env:x `n \"q\" \\'");
	ps_is("", "''");
	/* ' is written twice. */
	ps_is("it's", "'it''s'");
	ps_is("'", "''''");
	/* U+2018 and U+2019 end a '...' too: written twice, as themselves. */
	ps_is("a\xe2\x80\x98" "b\xe2\x80\x99", "'a\xe2\x80\x98\xe2\x80\x98"
	      "b\xe2\x80\x99\xe2\x80\x99'");
	/* U+201C (a double quote) is not a single quote: as is. */
	ps_is("\xe2\x80\x9c", "'\xe2\x80\x9c'");
	/* %, ^ and ! mean nothing to PowerShell. */
	ps_is("100%^!", "'100%^!'");
}

static void word_is(const char *in, int ps, const char *want)
{
	char *got = mb_shellquote_word(ps ? MB_SHELL_PS : MB_SHELL_CMD, in);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_word(void **state)
{
	(void)state;
	/* Letters, digits, _ - . / \ : mean nothing to either shell, and
	 * A leaves backslashes not followed by '"' alone: as is. */
	word_is("IUSR_m2", 0, "IUSR_m2");
	word_is("W3SVC/1/ROOT/vd.1/AnonymousUserPass", 1,
		"W3SVC/1/ROOT/vd.1/AnonymousUserPass");
	word_is("m2\\poolsvc", 0, "m2\\poolsvc");
	/* A space splits arguments (A; PowerShell likewise): quoted. */
	word_is("Web User", 0, "\"Web User\"");
	word_is("Web User", 1, "'Web User'");
	/* C: & would start a second command; B: % is doubled. */
	word_is("W3SVC/1/ROOT/A&B%/AnonymousUserPass", 0,
		"\"W3SVC/1/ROOT/A&B%%/AnonymousUserPass\"");
	/* PowerShell expands $x in a bare word and ( ) group: quoted. */
	word_is("IUSR$x(1)", 1, "'IUSR$x(1)'");
	/* A leading '-' reads as a parameter to a cmdlet; "" as nothing. */
	word_is("-x", 1, "'-x'");
	word_is("", 0, "\"\"");
}

static void sh_is(const char *in, const char *want)
{
	char *got = mb_shellquote(MB_SHELL_SH, in);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void word_sh(const char *in, const char *want)
{
	char *got = mb_shellquote_word(MB_SHELL_SH, in);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_sh(void **state)
{
	(void)state;
	/* POSIX 2.2.2: inside '...' every character is literal, so $(...),
	 * backticks, ", \ and ; & | < > * ? stay as they are. */
	sh_is("IUSR$(touch pwned)", "'IUSR$(touch pwned)'");
	sh_is("`id`\"\\;&|<>*?~!", "'`id`\"\\;&|<>*?~!'");
	/* A ' cannot appear inside '...': close, \', reopen. */
	sh_is("it's", "'it'\\''s'");
	sh_is("", "''");
	/* A word: \ is special to sh (unlike cmd), so a DOMAIN\user is
	 * quoted; a plain path is not. */
	word_sh("m2\\poolsvc", "'m2\\poolsvc'");
	word_sh("W3SVC/1/ROOT", "W3SVC/1/ROOT");
	word_sh("-rf", "'-rf'");
}

static void test_refusal(void **state)
{
	const enum mb_shell all[] = { MB_SHELL_SH, MB_SHELL_CMD,
				      MB_SHELL_CMDLINE, MB_SHELL_PS };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		/* A line break ends a command in every shell (and a pasted
		 * one runs the line so far): refused, never printed. */
		assert_non_null(mb_shellquote_refusal(all[i], "a\nb"));
		assert_non_null(mb_shellquote_refusal(all[i], "a\rb"));
		assert_non_null(mb_shellquote_refusal(all[i], "a\x1b[2Jb"));
		assert_null(mb_shellquote(all[i], "a\nb"));
		assert_null(mb_shellquote_word(all[i], "a\tb"));
		/* Everything printable is quoted, hostile or not. */
		assert_null(mb_shellquote_refusal(all[i], "x\" & calc & \""));
		assert_null(mb_shellquote_refusal(all[i], "caf\xc3\xa9"));
	}
	/* '%': doubled in a script, refused at the cmd.exe prompt. */
	assert_null(mb_shellquote_refusal(MB_SHELL_CMD, "a%PATH%"));
	assert_non_null(mb_shellquote_refusal(MB_SHELL_CMDLINE, "a%PATH%"));
	assert_null(mb_shellquote_refusal(MB_SHELL_SH, "a%PATH%"));
}

static void test_cmdline(void **state)
{
	char *q;

	(void)state;
	/* At the prompt the same rules as in a script, but no %% (a typed
	 * "%%" stays two characters). */
	q = mb_shellquote(MB_SHELL_CMDLINE, "x\" & calc & \"");
	assert_non_null(q);
	assert_string_equal(q, "\"x\\\" ^& calc ^& \\\"\"");
	free(q);
	assert_string_equal(mb_shellquote_shell_name(MB_SHELL_CMDLINE),
			    "cmd.exe");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmd_plain),
		cmocka_unit_test(test_cmd_operators),
		cmocka_unit_test(test_cmd_quotes),
		cmocka_unit_test(test_cmd_backslashes),
		cmocka_unit_test(test_ps),
		cmocka_unit_test(test_word),
		cmocka_unit_test(test_sh),
		cmocka_unit_test(test_refusal),
		cmocka_unit_test(test_cmdline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
