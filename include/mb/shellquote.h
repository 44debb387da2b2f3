/* SPDX-License-Identifier: MIT */
/*
 * Quoting one argument for every command line mbtool prints: the mbtool
 * commands doctor and collapse suggest (POSIX sh), and the Windows
 * commands of sam, reset, doctor and report (cmd.exe, PowerShell 1.0/2.0).
 * Nothing prints a name or path from the file into a command without
 * going through here, so a hostile name (IUSR$(touch x), x" & calc & ")
 * comes out as one literal argument, or is refused.
 *
 * sh (MB_SHELL_SH): a POSIX single-quoted string, in which no character
 * is special but the single quote, written '\'' (close, escaped quote,
 * reopen). $(...), backticks, \, ", globs, ; & | < > all stay literal.
 *
 * cmd (MB_SHELL_CMD, a line of a .cmd/.bat script; MB_SHELL_CMDLINE, a
 * line pasted at the cmd.exe prompt): the text is read by three parsers in
 * turn, so each one's rules are undone in reverse order:
 *   1. percent expansion: in a script "%%" is one '%', so '%' is written
 *      "%%" everywhere; at the prompt %NAME% expands and nothing escapes a
 *      '%' inside quotes, so MB_SHELL_CMDLINE refuses a '%';
 *   2. cmd.exe toggles a "quoted" state at every '"' and treats
 *      ^ & | < > ( ) as operators outside it: those are escaped with '^'
 *      while cmd.exe is outside quotes (inside, '^' is literal);
 *   3. the program splits its command line with the MSVCRT /
 *      CommandLineToArgvW rules: 2n backslashes before a '"' give n
 *      backslashes and the '"' delimits; 2n+1 backslashes before a '"' give
 *      n backslashes and a literal '"'; other backslashes are literal.
 * The argument is wrapped in '"', a literal '"' becomes \" (after doubling
 * the backslashes before it), trailing backslashes are doubled before the
 * closing '"'. Since cmd.exe sees that \" as a plain quote, it is outside
 * quotes after an odd number of them, which step 2 tracks. '!' is left as
 * is: it is special only with delayed expansion, which is off unless a
 * script enables it. Bytes above 0x7f pass unchanged (no cmd.exe parser
 * gives them a meaning; the console code page decides how they display).
 *
 * PowerShell (MB_SHELL_PS): a single-quoted string, in which nothing is
 * special but the single quote itself: ' and the typographic
 * U+2018..U+201B (which PowerShell 1.0 and later also take as quotes) are
 * doubled.
 *
 * Every shell refuses control characters (U+0000..U+001F, U+007F): a line
 * break ends a cmd.exe or PowerShell command (a second command follows),
 * and a pasted CR or LF runs what came before in any shell.
 */
#ifndef MB_SHELLQUOTE_H
#define MB_SHELLQUOTE_H

enum mb_shell {
	MB_SHELL_SH,       /* POSIX sh: mbtool's own command lines */
	MB_SHELL_CMD,      /* a line of a .cmd script */
	MB_SHELL_CMDLINE,  /* a line typed at the cmd.exe prompt */
	MB_SHELL_PS,       /* Windows PowerShell 1.0 / 2.0 */
};

/* "sh", "cmd.exe" or "PowerShell", for messages. */
const char *mb_shellquote_shell_name(enum mb_shell sh);

/*
 * Why s cannot be one literal argument for sh (a phrase for a message,
 * such as "holds a line break"), or NULL when it can.
 */
const char *mb_shellquote_refusal(enum mb_shell sh, const char *s);

/*
 * s quoted for sh: a malloc'd string (wipe it if it held a secret), or
 * NULL when mb_shellquote_refusal refuses s or out of memory.
 */
char *mb_shellquote(enum mb_shell sh, const char *s);

/*
 * For names and paths taken from the file (an account, a key path): s as
 * it is when it is a plain word to sh (letters, digits and _ - . / : and,
 * for the Windows shells, \; not starting with '-'), else quoted as
 * above. NULL when refused or out of memory.
 */
char *mb_shellquote_word(enum mb_shell sh, const char *s);

/*
 * s for a message (never for a command): control characters as \n, \r,
 * \t or \xNN, everything else as is. malloc'd, NULL when out of memory.
 */
char *mb_shellquote_show(const char *s);

/* The three quoting rules themselves (no refusal check). */
char *mb_shellquote_sh(const char *s);
char *mb_shellquote_cmd(const char *s);
char *mb_shellquote_ps(const char *s);

#endif
