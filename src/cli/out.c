// SPDX-License-Identifier: MIT
/*
 * Early output: a command whose output outgrows the file (enum_all of a
 * hosting-size file, accounts with one account per site) hands what is
 * complete to stdout in chunks, so memory stays near the file's size.
 */
#include <stdio.h>

#include "cli.h"

void cli_out_flush(struct cli *cli)
{
	if (!cli->stream || cli->out.len < (1u << 16))
		return;
	/* A failed write leaves the stream's error flag for the exit check. */
	fwrite(cli->out.data, 1, cli->out.len, cli->stream);
	mb_buf_reset(&cli->out);
}
