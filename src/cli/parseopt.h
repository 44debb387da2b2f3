/* SPDX-License-Identifier: MIT */
/*
 * Option tables and the one option parser of the mbtool program.
 *
 * Each command keeps its options in one table (struct cli_opt[], in its
 * cmd_<verb>.c, named in its row of the command table). The table is the
 * single source of the command's options: the parser reads it, and
 * `help CMD`, the bash completion (completion/gen.c) and the check of the
 * man page (tests/test_cliopts.c) are made from it. Shared groups (the
 * write options, the machine keys) are tables of their own, included by a
 * CLI_INCLUDE row.
 *
 * The parser is an iterator, reentrant (no getopt state), in the style of
 * git's parse-options: --name, --name=VALUE, --name VALUE, -x, -x VALUE,
 * -xVALUE, "--" (only arguments after it), "-" (an argument):
 *
 *   struct cli_parser p;
 *   int id;
 *
 *   cli_parser_init(&p, "get", cli_get_opts, argc, argv);
 *   while ((id = cli_next(&p, &cli->err)) != CLI_DONE) {
 *           switch (id) {
 *           case CLI_ARG: ... p.val is the argument ...
 *           case O_LOCAL: ...
 *           case CLI_ERR: return MB_EUSAGE;   (cli->err says why)
 *           }
 *   }
 */
#ifndef MB_CLI_PARSEOPT_H
#define MB_CLI_PARSEOPT_H

#include <stddef.h>

#include "mb/buf.h"
#include "mb/err.h"

#define CLI_OPT_STDIN    0x1u  /* the value "-" reads standard input */
#define CLI_OPT_REQUIRED 0x2u  /* the command needs it (synopsis: no []) */

struct cli_opt {
	int id;               /* what cli_next returns; > 0 */
	const char *name;     /* long name without "--"; NULL ends the table */
	char letter;          /* short form, 0 for none */
	const char *arg;      /* value syntax ("FILE", "cmd|powershell"),
			       * NULL for a flag */
	const char *help;     /* one line */
	unsigned flags;       /* CLI_OPT_* */
	const struct cli_opt *include; /* a CLI_INCLUDE row: that table */
};

#define CLI_INCLUDE(t) { 0, NULL, 0, NULL, NULL, 0, (t) }
#define CLI_END { 0, NULL, 0, NULL, NULL, 0, NULL }

/*
 * Option ids: one per option name, shared by the commands that take it
 * (--force means the same to set, create, copy and move).
 */
enum {
	CLI_O_LOCAL = 1, CLI_O_VALUES, CLI_O_EFFECTIVE, CLI_O_PROP,
	CLI_O_ALL, CLI_O_KNOWN, CLI_O_PASSWORD_FILE, CLI_O_NO_CACHE,
	CLI_O_OUTPUT, CLI_O_FORCE, CLI_O_YES, CLI_O_PARENTS, CLI_O_SERVICE,
	CLI_O_ALL_IDENTITIES, CLI_O_ACCOUNT, CLI_O_PASSWORD_FROM, CLI_O_FROM,
	CLI_O_SHELL, CLI_O_DOMAIN_CONTROLLER, CLI_O_GENERATE,
	CLI_O_STYLESHEET,
	/* the shared groups */
	CLI_O_HIVES = 890,
	CLI_O_DRY_RUN = 900, CLI_O_NO_BACKUP, CLI_O_BREAK_LOCK,
	CLI_O_SIGNING_KEY, CLI_O_EXCHANGE_KEY,
	/* the global options */
	CLI_G_FILE = 950, CLI_G_SCHEMA, CLI_G_JSON, CLI_G_JSONL, CLI_G_JOBS,
	CLI_G_VERSION, CLI_G_INCLUDE_HISTORY, CLI_G_KEEP_BACKUPS,
};

/* The write options every write command takes; the machine keys. */
extern const struct cli_opt cli_write_opts[];
/* --force of a write command that has no --force of its own: also replace
 * a read-only metabase (set, create, copy and move say so in theirs). */
extern const struct cli_opt cli_force_opts[];
extern const struct cli_opt cli_key_opts[];
/* The global options (main.c), accepted before or after the command. */
extern const struct cli_opt cli_global_opts[];

/* What cli_next returns besides an option's id. */
enum { CLI_DONE = 0, CLI_ARG = -1, CLI_ERR = -2, CLI_HELP = -3 };

struct cli_parser {
	const char *cmd;            /* for messages */
	const struct cli_opt *opts; /* the command's table */
	const struct cli_opt *more; /* a second table (globals), or NULL */
	int argc;
	char **argv;                /* argv[0] is the command */
	int i;                      /* the next word */
	int dash_args;              /* unknown "-x" words are arguments
				     * (set's values: "-1") */
	int no_opts;                /* after "--" */
	const struct cli_opt *opt;  /* the option just returned */
	const char *val;            /* its value, or the argument */
	const char *word;           /* the word as typed */
};

void cli_parser_init(struct cli_parser *p, const char *cmd,
		     const struct cli_opt *opts, int argc, char **argv);
int cli_next(struct cli_parser *p, struct mb_error *err);

/* The option named name (n bytes) or with that letter, or NULL. */
const struct cli_opt *cli_opt_find(const struct cli_opt *t, const char *name,
				   size_t n, char letter);
/* Call fn for every option of t, shared groups included, in order. */
void cli_opt_each(const struct cli_opt *t,
		  void (*fn)(const struct cli_opt *o, void *ctx), void *ctx);

/* "-o, --output FILE" (the left column of help) into b. */
void cli_opt_label(struct mb_buf *b, const struct cli_opt *o);
/* text, wrapped at 79 columns, each line indented by indent spaces. */
void cli_wrap(struct mb_buf *b, const char *text, size_t indent,
	      size_t first);

#endif
