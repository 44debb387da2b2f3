/* SPDX-License-Identifier: MIT */
/*
 * The sam/reset script builders (mb/samcmd.h): the forms that run on
 * Windows Server 2003 (net user, dsmod, [ADSI] WinNT: for PowerShell
 * 1.0/2.0), quoting through mb/shellquote.h, and refusals that leave no
 * half line behind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "mb/samcmd.h"

static void user_is(enum mb_shell sh, const char *account, int domain,
		    const char *want)
{
	struct mb_buf b;
	struct mb_error err;

	mb_buf_init(&b);
	assert_int_equal(mb_samcmd_user(&b, sh, account, "pw", domain, &err),
			 MB_OK);
	assert_false(mb_buf_failed(&b));
	assert_string_equal(b.data, want);
	mb_buf_release(&b);
}

static void test_cmd(void **state)
{
	(void)state;
	user_is(MB_SHELL_CMD, "IUSR_X", 0, "net user IUSR_X \"pw\"\n");
	/* DOMAIN\name: net user /domain, and dsmod (Server 2003). */
	user_is(MB_SHELL_CMD, "corp\\svc", 0, "net user svc \"pw\" /domain\n"
		"rem or: dsquery user -samid svc | dsmod user -pwd \"pw\"\n");
	/* name@domain: the sAMAccountName before '@'. */
	user_is(MB_SHELL_CMD, "svc@corp.example", 0,
		"net user svc \"pw\" /domain\nrem or: dsquery user -samid svc "
		"| dsmod user -pwd \"pw\"\n");
	/* A hostile name stays one argument: & after \" is outside cmd.exe's
	 * quotes, so it gets its caret. */
	user_is(MB_SHELL_CMD, "x\" & calc & \"", 0,
		"net user \"x\\\" ^& calc ^& \\\"\" \"pw\"\n");
}

static void test_ps(void **state)
{
	(void)state;
	/* PowerShell 1.0/2.0 has neither Set-LocalUser nor the AD module. */
	user_is(MB_SHELL_PS, "IUSR_X", 0, "$u = [ADSI]'WinNT://./IUSR_X,"
		"user'; $u.SetPassword('pw'); $u.SetInfo()\n");
	user_is(MB_SHELL_PS, "corp\\svc", 0, "$u = [ADSI]'WinNT://corp/svc,"
		"user'; $u.SetPassword('pw'); $u.SetInfo()\n");
	/* On a domain controller: the logged-on user's domain. */
	user_is(MB_SHELL_PS, "IUSR_DC", 1, "$u = [ADSI]('WinNT://' + "
		"$env:USERDOMAIN + '/IUSR_DC,user'); $u.SetPassword('pw'); "
		"$u.SetInfo()\n");
	user_is(MB_SHELL_PS, "IUSR$(x)'s", 0, "$u = [ADSI]'WinNT://./"
		"IUSR$(x)''s,user'; $u.SetPassword('pw'); $u.SetInfo()\n");
}

static void refused(enum mb_shell sh, const char *account)
{
	struct mb_buf b;
	struct mb_error err;

	mb_buf_init(&b);
	mb_buf_puts(&b, "before\n");
	assert_int_equal(mb_samcmd_user(&b, sh, account, "pw", 0, &err),
			 MB_EFILE);
	/* Nothing of the line; the message shows the name escaped. */
	assert_string_equal(b.data, "before\n");
	assert_null(strchr(err.subject, '\n'));
	assert_non_null(strstr(err.reason, "cannot print"));
	mb_buf_release(&b);
}

static void test_refused(void **state)
{
	(void)state;
	refused(MB_SHELL_CMD, "a\nb");
	refused(MB_SHELL_PS, "a\r\nb");
	/* net.exe reads /x as an option; WinNT: paths split at / and ,. */
	refused(MB_SHELL_CMD, "/delete");
	refused(MB_SHELL_PS, "a,b");
	refused(MB_SHELL_PS, "corp\\");
}

static void adsutil_is(enum mb_shell sh, const char *path,
		       const char *pass, const char *want)
{
	struct mb_buf b;
	struct mb_error err;

	mb_buf_init(&b);
	assert_int_equal(mb_samcmd_adsutil(&b, sh, path, "AnonymousUserPass",
					   pass, &err), MB_OK);
	assert_string_equal(b.data, want);
	mb_buf_release(&b);
}

static void test_adsutil(void **state)
{
	(void)state;
	/* cmd script: & inside quotes is literal, % doubled. */
	adsutil_is(MB_SHELL_CMD, "W3SVC/1/A&B", "p%w", "cscript "
		   "%SystemDrive%\\Inetpub\\AdminScripts\\adsutil.vbs SET "
		   "\"W3SVC/1/A&B/AnonymousUserPass\" \"p%%w\"\n");
	adsutil_is(MB_SHELL_PS, "W3SVC/1", "it's", "cscript "
		   "\"$env:SystemDrive\\Inetpub\\AdminScripts\\adsutil.vbs\" "
		   "SET W3SVC/1/AnonymousUserPass 'it''s'\n");
}

static void test_generate(void **state)
{
	char p[21];
	int i;

	(void)state;
	for (i = 0; i < 20; i++) {
		assert_int_equal(mb_samcmd_generate(p, 20), 0);
		assert_int_equal(strlen(p), 20);
		/* Nothing any shell or adsutil.vbs would treat specially. */
		assert_int_equal(strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
					"klmnopqrstuvwxyz0123456789-_.+=@#"),
				 20);
		assert_true(mb_samcmd_safe(p, 1));
	}
	assert_false(mb_samcmd_safe("a\"b", 1));
	assert_true(mb_samcmd_safe("a\"b", 0));
	assert_false(mb_samcmd_safe("a\nb", 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmd),
		cmocka_unit_test(test_ps),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_adsutil),
		cmocka_unit_test(test_generate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
