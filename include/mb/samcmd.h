/* SPDX-License-Identifier: MIT */
/*
 * The account-side scripts `sam` and `reset` print: commands that set a
 * Windows account's password to what the metabase holds, and the
 * adsutil.vbs lines that set the metabase side on the live server.
 *
 * Every form runs on the Windows Server 2003 host that runs IIS 6.0:
 *   cmd.exe     net user NAME "PASS"           local account (any Windows)
 *               net user NAME "PASS" /domain   domain account, from a
 *                                              domain member or the DC
 *               dsquery user -samid NAME | dsmod user -pwd "PASS"
 *                                              domain account (Windows
 *                                              Server 2003 and later, or
 *                                              its Administration Tools)
 *   PowerShell  $u = [ADSI]'WinNT://./NAME,user'; $u.SetPassword('PASS');
 *               $u.SetInfo()                   PowerShell 1.0 (Windows
 *                                              Server 2003 SP1) or 2.0
 *                                              (SP2): no module needed;
 *               WinNT://DOMAIN/NAME (or $env:USERDOMAIN on a DC) for a
 *               domain account.
 * Set-LocalUser (PowerShell 5.1) and the ActiveDirectory module (Windows
 * Server 2008 R2) are never used: they do not exist there.
 *
 * Every name, path and password goes through mb/shellquote.h. A value
 * that cannot be quoted for the shell (a line break, a control
 * character; for net user a name starting with '/', read as an option;
 * for [ADSI] a name holding '/' or ',', which end an ADsPath component)
 * is refused with MB_EFILE and err naming it, and nothing of that line is
 * appended. Builders append to b; out of memory shows in mb_buf_failed.
 */
#ifndef MB_SAMCMD_H
#define MB_SAMCMD_H

#include <stddef.h>

#include "mb/buf.h"
#include "mb/err.h"
#include "mb/shellquote.h"

/* A fresh random password of n characters and a NUL (no shell
 * metacharacters; upper, lower, digit and symbol when n >= 4); 0 or -1. */
int mb_samcmd_generate(char *out, size_t n);

/*
 * 1 when a command line can carry the password p: no control characters;
 * with wsh, no '"' either (WScript.Arguments cannot hold one, so
 * adsutil.vbs cannot).
 */
int mb_samcmd_safe(const char *p, int wsh);

/* The first lines: @echo off (cmd), the warning, which OS runs it. */
void mb_samcmd_header(struct mb_buf *b, enum mb_shell sh, const char *what);

/*
 * Why the user name (the part after DOMAIN\) cannot be given to net user
 * (sh MB_SHELL_CMD or MB_SHELL_CMDLINE) or put into a WinNT: ADsPath
 * (MB_SHELL_PS), or NULL when it can.
 */
const char *mb_samcmd_refusal(enum mb_shell sh, const char *name);

/* s as one word (quoted when it must be), or MB_EFILE when refused. */
enum mb_status mb_samcmd_word(struct mb_buf *b, enum mb_shell sh,
			      const char *s, struct mb_error *err);

/*
 * The commands that set account's password to pass (DOMAIN\name: the
 * domain forms; domain: the server is a domain controller, where every
 * account lives in Active Directory).
 */
enum mb_status mb_samcmd_user(struct mb_buf *b, enum mb_shell sh,
			      const char *account, const char *pass,
			      int domain, struct mb_error *err);

/* cscript adsutil.vbs SET PATH/PROP "PASS" for the live server. */
enum mb_status mb_samcmd_adsutil(struct mb_buf *b, enum mb_shell sh,
				 const char *path, const char *prop,
				 const char *pass, struct mb_error *err);

#endif
