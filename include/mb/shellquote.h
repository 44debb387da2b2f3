/* SPDX-License-Identifier: MIT */
/*
 * Quoting one argument for the Windows command lines that sam and reset
 * print (net user, dsmod, adsutil.vbs, Set-LocalUser).
 *
 * cmd: the text is a line of a .cmd/.bat script, read by three parsers in
 * turn, so each one's rules are undone in reverse order:
 *   1. the batch reader expands %VAR%: '%' is written "%%" everywhere;
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
 * is: it is special only with delayed expansion, which scripts do not
 * enable. Pasted at an interactive prompt, "%%" must be typed as "%".
 *
 * ps: a PowerShell single-quoted string, in which nothing is special but
 * the single quote itself: ' and the typographic U+2018..U+201B (which
 * PowerShell also accepts as quotes) are doubled.
 *
 * Both return a malloc'd string (wipe it if it held a secret), or NULL
 * when out of memory.
 */
#ifndef MB_SHELLQUOTE_H
#define MB_SHELLQUOTE_H

char *mb_shellquote_cmd(const char *s);
char *mb_shellquote_ps(const char *s);
/*
 * For names and paths taken from the file (an account, a key path): s as
 * it is when it is a plain word to both shells (letters, digits and
 * _ - . / \ : only, not starting with '-'), else quoted as above (ps: for
 * PowerShell). An account "Web User" or a path "W3SVC/1/ROOT/A&B" would
 * otherwise split into two arguments or start a second command.
 */
char *mb_shellquote_word(const char *s, int ps);

#endif
