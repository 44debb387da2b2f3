/* SPDX-License-Identifier: MIT */
/*
 * What a run leaves behind: notes on stderr (the backup a write made, a
 * stale lock taken over, the file report -o wrote), no lock or temp file
 * after SIGINT, SIGTERM or SIGHUP or at exit (the library keeps the list:
 * mb_write_cleanup), and no output lost silently: a standard output that
 * could not be written (a full disk, a closed pipe's EIO) is exit 6; an
 * output file (-o) is never reached through another user's symlink.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "mb/write.h"

void cli_note(struct cli *cli, const char *fmt, ...)
{
	va_list ap;
	char line[8192];

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	mb_buf_printf(&cli->notes, "mbtool: note: %s\n", line);
}

/* Remove what the write in progress holds, then die of the same signal. */
static void on_signal(int sig)
{
	mb_write_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void at_exit(void)
{
	mb_write_cleanup();
}

void cli_cleanup_install(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old;

		/* a signal ignored by whoever started us (nohup) stays so */
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
	atexit(at_exit);
}

int cli_stdout_check(void)
{
	int bad = fflush(stdout) != 0, e = errno;

	bad |= ferror(stdout);
	if (!bad)
		return MB_OK;
	cli_errorf("write", "standard output", "%s; the output is incomplete",
		   e ? strerror(e) : "write error");
	return MB_EFILE;
}

/*
 * The kernel's protected_symlinks rule, applied whatever the sysctl says:
 * a symlink is followed when its owner is us, or owns the folder it is in
 * (root's /dev/stdout). Another user's link in a shared folder (/tmp)
 * could point our output at any file we may write.
 */
int cli_out_check(struct cli *cli, const char *cmd, const char *out)
{
	struct stat ls, ds;
	char *dir, *slash;
	int foreign;

	if (strcmp(out, "-") == 0 || lstat(out, &ls) != 0 ||
	    !S_ISLNK(ls.st_mode) || ls.st_uid == geteuid())
		return MB_OK;
	dir = strdup(out);
	if (!dir)
		return mb_error_set(&cli->err, MB_EFILE, cmd, out,
				    "out of memory");
	slash = strrchr(dir, '/');
	if (slash)
		slash[slash == dir ? 1 : 0] = '\0';
	foreign = stat(slash ? dir : ".", &ds) != 0 || ds.st_uid != ls.st_uid;
	free(dir);
	if (!foreign)
		return MB_OK;
	return mb_error_set(&cli->err, MB_EFILE, cmd, out,
			    "a symbolic link owned by another user (uid %ld); "
			    "mbtool does not write through it: remove it or "
			    "choose another file", (long)ls.st_uid);
}
