/* SPDX-License-Identifier: MIT */
/*
 * The mbtool program's shared state and command table.
 *
 * Adding a command: write src/cli/cmd_<verb>.c with
 *   int cmd_<verb>(struct cli *cli, struct mb_doc *doc,
 *                  int argc, char **argv);
 * and its option table (const struct cli_opt cli_<verb>_opts[],
 * parseopt.h), parsed with cli_next; declare both below, add a row to the
 * table in commands.c and the file to src/cli/meson.build. help, the bash
 * completion and the man page check (tests/test_cliopts.c, which fails
 * until doc/mbtool.1 has the entry) follow from the row; add golden cases.
 * A command writes its output into cli->out (never to stdout directly:
 * several files may run in parallel) and returns an enum mb_status; on
 * failure it fills cli->err. argv[0] is the command name.
 */
#ifndef MB_CLI_H
#define MB_CLI_H

#include <stdio.h>

#include "mb/accounts.h"
#include "mb/blob.h"
#include "mb/reveal.h"
#include "mb/mkey.h"
#include "mb/buf.h"
#include "mb/doc.h"
#include "mb/doctor.h"
#include "mb/err.h"
#include "mb/schema.h"
#include "mb/secrets.h"
#include "mb/shellquote.h"
#include "mb/splice.h"
#include "parseopt.h"

struct cli {
	const struct mb_schema *schema;
	int json;                /* --json */
	int nfiles;              /* how many files this run covers */
	struct mb_buf out;       /* the command's output for this file */
	FILE *stream;            /* where out may be flushed early (one file
				    run in this process, not --jsonl), or NULL:
				    large outputs then stream, not pile up */
	struct mb_error err;
	const char *schema_path; /* --schema, or NULL for the built-in */
	struct mb_buf notes;     /* "mbtool: note: ..." lines for stderr */
	int include_history;     /* --include-history */
	int keep_backups;        /* --keep-backups N; 0: the default */
	char *run_cache;         /* a run over several files: a private
				    modulus cache for --no-cache (so files
				    sharing a SessionKey, in any worker,
				    pay for one gcd), removed at the end */
};

/*
 * A command's capabilities, which the harness reads instead of guessing
 * from argv: NODOC runs once without a metabase; WRITES changes the file;
 * STDIN reads standard input when its argument is absent or "-" (an option
 * flagged CLI_OPT_STDIN reads it when its value is "-"); DASHARGS takes
 * unknown "-x" words as arguments (set's VALUE "-1"). A command with a
 * plan function is batchable: batch plans its lines with it.
 */
/* Hands out to cli->stream once it holds 64 KB or more (out.c). */
void cli_out_flush(struct cli *cli);

#define CLI_CMD_NODOC    0x1u
#define CLI_CMD_WRITES   0x2u
#define CLI_CMD_STDIN    0x4u
#define CLI_CMD_DASHARGS 0x8u

struct cli_wsess;
typedef int mb_plan_fn(struct cli_wsess *s, int argc, char **argv);

struct cli_cmd {
	const char *name;
	int (*run)(struct cli *cli, struct mb_doc *doc, int argc,
		   char **argv);
	unsigned flags;
	const struct cli_opt *opts; /* its option table (parseopt.h) */
	const char *args;           /* the arguments, as in the synopsis */
	const char *summary;        /* one sentence, for help */
	const char *example;        /* one command line, after "mbtool " */
	mb_plan_fn *plan;           /* batchable: plans one batch line */
};

/* The synopsis and global options: the head of the usage and of help. */
#define CLI_SYNOPSIS \
	"usage: mbtool [GLOBAL OPTION]... COMMAND [OPTION]... [ARG]...\n"

const struct cli_cmd *cli_commands(size_t *n);
/* By name, case-insensitive (adsutil's are): NULL when none. */
const struct cli_cmd *cli_command(const char *name);
/*
 * The command line as typed, with adsutil's own command names mapped
 * (create_vdir PATH -> create PATH IIsWebVirtualDir; enumall -> enum_all)
 * and commands of a running server (start_server, appunload, ...) answered
 * with what to do: *cmd is the command to run, or NULL with err filled
 * (exit 2). *argv may be replaced by a new array (freed by the caller
 * when it differs).
 */
int cli_resolve(const char *typed, int *argc, char ***argv,
		const struct cli_cmd **cmd, struct mb_error *err);
/* "usage: mbtool CMD ..." and every option with one line, an example. */
void cli_help_cmd(struct mb_buf *b, const struct cli_cmd *c);
/* The command list, wrapped at 80 columns. */
void cli_help_all(struct mb_buf *b);
/* One-line synopsis of c ("get [--local] PATH/PROP") into b. */
void cli_synopsis(struct mb_buf *b, const struct cli_cmd *c);
/*
 * The generated part of the bash completion named by marker (a template
 * line: @COMMANDS@, @GLOBALS@, @GLOBAL_VALUED@, @VALUES@, @CMDOPTS@).
 */
void cli_completion(FILE *out, const char *marker);
/* Whether c, with these arguments, reads standard input. */
int cli_reads_stdin(const struct cli_cmd *c, int argc, char **argv);

/*
 * The files of a run (files.c): each folder in *files replaced by the IIS
 * metabases in it (sorted), each file and folder once by inode. With
 * writes, a folder gives its live MetaBase.xml files only, unless history
 * (--include-history). A folder with no metabase (or, for a write, no
 * live one) is an error naming it (exit 6).
 */
enum cli_kind { CLI_LIVE, CLI_HISTORY, CLI_METABACK, CLI_EXPORT };
int cli_files_expand(char ***files, int *nfiles, int writes, int history,
		     struct mb_error *err);
/* A file's kind, from where it lies; its name for labels. */
enum cli_kind cli_file_kind(const char *path);
const char *cli_kind_name(enum cli_kind k);
/* 1 when buf (n bytes, NUL-terminated) starts an IIS metabase. */
int cli_is_metabase_text(const char *buf, size_t n);

/*
 * What a run leaves behind (safety.c): notes for stderr, the clean-up of
 * locks and temp files on SIGINT/SIGTERM/SIGHUP and at exit, and a failed
 * standard output (a full disk) turned into exit 6.
 */
void cli_note(struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cli_cleanup_install(void);
int cli_stdout_check(void);
/* -o FILE: refused (exit 6) when it is another user's symlink. */
int cli_out_check(struct cli *cli, const char *cmd, const char *out);

/*
 * The per-file loop (fleet.c): cmd once per file, in up to jobs worker
 * processes, each file's result printed in input order (the same bytes as
 * one job), then on stderr a summary line (text mode, several files).
 * Returns the worst exit status.
 */
#define CLI_MAXJOBS 256

struct cli_fleet {
	struct cli *cli;
	const struct cli_cmd *cmd;
	char **files;
	int nfiles;
	int argc;        /* the command's arguments, argv[0] its name */
	char **argv;
	int jobs;        /* --jobs: 1 = in this process */
	int jsonl;       /* --jsonl: one compact JSON line per file */
};

int cli_run_files(struct cli_fleet *f);
/* cli->run_cache for a run over several files, and its removal. */
void cli_run_cache_open(struct cli *cli);
void cli_run_cache_close(struct cli *cli);
/* --jobs N: N from 1 to CLI_MAXJOBS, else -1. */
int cli_jobs(const char *s);

/*
 * Messages (msg.c): the only way mbtool writes an error, a warning or a
 * note to stderr, each one line "mbtool: [warning: |note: ]<what>
 * '<subject>': <reason>" ("mbtool: <what>: <reason>" without a subject).
 */
void cli_error_text(struct mb_buf *b, const struct mb_error *e);
void cli_error(const struct mb_error *e);
void cli_errorf(const char *what, const char *subject, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void cli_warnf(const char *what, const char *subject, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void cli_notef(const char *what, const char *subject, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * The --json/--jsonl envelope (envelope.c; the contract: doc/json.md).
 * cli_env_head, then cli_env_file per file (first = the first one), then
 * cli_env_tail with the run's exit status; --jsonl: cli_env_file only.
 */
#define CLI_JSON_VERSION 1

struct cli_env_file {
	const char *command;         /* the command's canonical name */
	const char *file;            /* NULL: the command reads no file */
	const char *kind;            /* "metabase", ...; NULL: not loaded */
	int status;                  /* its exit status */
	const struct mb_error *err;  /* why, when status is not 0 */
	const char *result;          /* the command's JSON (len 0: null) */
	size_t len;
};

void cli_env_head(struct mb_buf *b, const char *command);
void cli_env_file(struct mb_buf *b, const struct cli_env_file *f, int jsonl,
		  int first);
void cli_env_tail(struct mb_buf *b, int status);
/* A loaded file's kind for the envelope: "metabase", "history", ... */
const char *cli_doc_kind(const struct mb_doc *doc);

/*
 * PATH (adsutil or Location form; NULL = /LM) to its key, for the read
 * commands. flags as mb_path_parse. On failure cli->err says which key is
 * missing (exit 4) and *path is released; on success release it.
 */
struct mb_path;
int cli_find_key(struct cli *cli, const struct mb_doc *doc,
		 const char *cmd, const char *arg, unsigned flags,
		 struct mb_path *path, size_t *key);

/* Fill cli->err with a usage error for cmd and return MB_EUSAGE. */
int cli_usage(struct cli *cli, const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * After cli_next: an id the command does not take (CLI_ERR: cli->err is
 * already filled; CLI_HELP in a batch line) as MB_EUSAGE.
 */
int cli_unexpected(struct cli *cli, const struct cli_parser *p, int id);
/*
 * A secure property nothing sets, at the key or above: shown as "(nothing
 * stored)", never as a masked "**********" of its schema default.
 */
struct mb_result;
int cli_nothing_stored(const struct mb_prop *p, const struct mb_result *r);
/* The command's single argument into *arg; a second one is an error. */
int cli_take_arg(struct cli *cli, const struct cli_parser *p,
		 const char **arg);

/* The commands' option tables (each in its cmd_<verb>.c). */
extern const struct cli_opt cli_get_opts[], cli_find_opts[], cli_enum_opts[],
	cli_tree_opts[], cli_secrets_opts[], cli_reveal_opts[], cli_set_opts[],
	cli_delete_opts[], cli_create_opts[], cli_copy_opts[],
	cli_batch_opts[], cli_accounts_opts[], cli_collapse_opts[],
	cli_sync_opts[], cli_sam_opts[], cli_reset_opts[], cli_doctor_opts[],
	cli_report_opts[], cli_help_opts[], cli_script_opts[];

int cmd_get(struct cli *cli, struct mb_doc *doc, int argc, char **argv);
int cmd_find(struct cli *cli, struct mb_doc *doc, int argc, char **argv);
int cmd_enum(struct cli *cli, struct mb_doc *doc, int argc, char **argv);
int cmd_enum_all(struct cli *cli, struct mb_doc *doc, int argc,
		 char **argv);
int cmd_tree(struct cli *cli, struct mb_doc *doc, int argc, char **argv);
int cmd_help(struct cli *cli, struct mb_doc *doc, int argc, char **argv);

/*
 * Secure values of a file: the library's (mb/secrets.h); the solver's
 * options from the plaintext sources: plainsrc.h.
 */
/* Password groups (mb/secrets.h): the legend under a table that shows them. */
#define CLI_GROUP_LEGEND \
	"password groups: G1, G2, ... number the distinct encrypted values " \
	"of the file\nin file order; the same group means the same bytes, " \
	"so the same password\n(secrets lists every value)"
int cmd_secrets(struct cli *cli, struct mb_doc *doc, int argc,
		char **argv);

/*
 * Secret inputs (secret.c). The machine key options (cli_key_opts): 1
 * when id is one of them (its FILE recorded in k), else 0.
 */

struct cli_keys {
	const char *exchange, *signing; /* FILE as given, or NULL */
	struct mb_rsakey *exch, *sign;  /* loaded by cli_keys_load */
};

int cli_keys_option(struct cli_keys *k, int id, const char *val);
int cli_keys_load(struct cli *cli, struct cli_keys *k);
void cli_keys_free(struct cli_keys *k);
/*
 * A password from FILE or "-" (stdin), one trailing newline removed, at
 * most max bytes; or asked twice on the terminal with echo off. *out is
 * malloc'd: release it with cli_secret_free (wipes).
 */
int cli_secret_file(struct cli *cli, const char *cmd, const char *file,
		    size_t max, char **out, size_t *len);
int cli_secret_prompt(struct cli *cli, const char *cmd,
		      const char *what, size_t max, char **out,
		      size_t *len);
void cli_secret_free(char *s, size_t len);
/*
 * Machine-key mode for a write: both keys given and private, the file's
 * SessionKey unwrapped and its signature verified, every value of the
 * file decrypting and verifying (another machine's keys are refused).
 */
int cli_mkey_open(struct cli *cli, const char *cmd,
		  const struct mb_doc *doc, struct cli_keys *k,
		  struct mb_mkey **out);
int cmd_reveal(struct cli *cli, struct mb_doc *doc, int argc,
	       char **argv);

/*
 * Write commands (writeopts.c). A write command plans its edits in a
 * session (struct cli_wsess), then commits them: one atomic write per run
 * (mb/write.h), or a unified diff with --dry-run. batch plans many
 * commands in one session, so they are written together or not at all.
 */
struct cli_wopts {
	int dry_run;     /* --dry-run: print a unified diff, write nothing */
	int no_backup;   /* --no-backup */
	int yes;         /* --yes: delete PATH/ without asking */
	int break_lock;  /* --break-lock: remove a lock nobody holds */
	int force;       /* --force: also replace a read-only file */
};

/* One change, as --json reports it. */
struct cli_change {
	const char *op;       /* "set", "delete", "create", "copy", "move" */
	char *path;           /* the key, adsutil form */
	char *prop;           /* the property as typed, or NULL */
	const char *alias_of; /* adsutil alias's property (static), or NULL */
	char *to;             /* copy/move destination, or NULL */
	char *keytype;        /* create: the new key's type */
	struct mb_prop type;  /* how value/previous are typed in JSON */
	char *value;          /* the new value, or NULL */
	char *previous;       /* the value the key itself held, or NULL */
	size_t keys;          /* keys created, removed or copied */
	int done;             /* 0: nothing to change (already so) */
};

struct mb_scopes;
struct mb_json;

struct cli_wsess {
	struct cli *cli;
	struct mb_doc *orig;        /* as loaded: what the write replaces */
	struct mb_doc *doc;         /* orig, or orig plus earlier edits */
	struct mb_doc *owned;       /* doc, when it is such a re-parse */
	struct mb_edits edits;      /* pending edits, against doc */
	struct mb_scopes *scopes;   /* Locations the pending edits touch */
	struct cli_wopts opts;
	int batch;                  /* planning a batch line */
	int line_yes;               /* --yes on this batch line */
	const char *command;        /* "set", ..., "batch" */
	struct mb_buf echo;         /* adsutil echo lines */
	struct cli_change *changes;
	size_t nchanges, cchanges;
	/* --json: members a command adds to the result (reset's script) */
	void (*json_more)(struct cli_wsess *s, struct mb_json *j, void *arg);
	void *json_arg;
};

void cli_wsess_init(struct cli_wsess *s, struct cli *cli,
		    struct mb_doc *doc, const char *command);
void cli_wsess_release(struct cli_wsess *s);
/*
 * The shared write options (--dry-run, --no-backup, --yes, --break-lock),
 * by option id (parseopt.h): 1 when id is one (recorded in s->opts), 0 when not, -1 (cli->err set)
 * when it is not allowed here (a batch line takes only --yes).
 */
int cli_wsess_option(struct cli_wsess *s, const char *cmd, int id,
		     const char *word);
/*
 * A planner names the Locations it reads or changes before it looks keys
 * up: in a batch, when an earlier line touched a related key (same, above
 * or below), the edits so far are applied and the file re-read first, so
 * every line sees the lines before it.
 */
int cli_wsess_scope(struct cli_wsess *s, const char *const *locs, size_t n);
/* A new, zeroed change record (NULL and cli->err set when out of memory). */
struct cli_change *cli_wsess_change(struct cli_wsess *s, const char *op);
/* delete PATH/: --yes, a y/N prompt on a terminal, or a usage error. */
int cli_wsess_confirm(struct cli_wsess *s, const char *cmd, const char *what);
/* Write (or diff) the planned edits and print the echo or JSON. */
int cli_wsess_commit(struct cli_wsess *s);
/* The same when nothing reads the document after it (memory goes early). */
int cli_wsess_commit_last(struct cli_wsess *s);
/* One write command: options, plan, commit. */
int cli_write(struct cli *cli, struct mb_doc *doc, int argc,
	      char **argv, mb_plan_fn *plan);
/*
 * Set secure prop at key to an encrypted value's text (unless it already
 * holds it), record the change, echo "set    PATH/PROP = (note)"
 * (secret.c: sync-passwords and reset share it).
 */
int cli_put_secret(struct cli_wsess *s, size_t key, const char *prop,
		   const char *text, const char *note);
/*
 * The Location of a new key typed as path (adsutil or Location form): its
 * existing parent's Location as the file spells it, plus the typed last
 * name. *parent is that parent key, MB_NOKEY when it does not exist.
 */
char *cli_new_location(const struct mb_doc *doc, const char *location,
		       size_t *parent);
/* "the path requested could not be found" for a Location. */
int cli_no_path(struct cli *cli, const char *cmd, const char *arg,
		const struct mb_doc *doc, const char *location);

/*
 * Key containment (contain.c): may the parent hold the new key, by the
 * parent class's ContainerClassList (mb_schema_may_contain)? MB_OK when it
 * may or with --force; else exit 5 naming the parent's type, what it may
 * hold and --force. Unknown classes are refused too (nothing to check).
 */
struct cli_contain {
	const char *cmd, *arg;    /* "create", PATH as typed: for the error */
	const char *parent_loc;   /* the parent's Location */
	const char *parent_type;  /* its KeyType (element name) */
	const char *child_type;   /* the new key's KeyType */
	int force;                /* --force */
};

int cli_contain(struct cli *cli, const struct mb_schema *sc,
		const struct cli_contain *c);
/* A key's KeyType (its element name) in buf, as the file spells it. */
const char *cli_keytype(const struct mb_doc *doc, size_t key, char *buf,
			size_t size);

mb_plan_fn cli_plan_set;
mb_plan_fn cli_plan_delete;
mb_plan_fn cli_plan_create;
mb_plan_fn cli_plan_copy;   /* copy and move, by argv[0] */

int cmd_set(struct cli *cli, struct mb_doc *doc, int argc, char **argv);
int cmd_delete(struct cli *cli, struct mb_doc *doc, int argc,
	       char **argv);
int cmd_create(struct cli *cli, struct mb_doc *doc, int argc,
	       char **argv);
int cmd_copy(struct cli *cli, struct mb_doc *doc, int argc, char **argv);
int cmd_batch(struct cli *cli, struct mb_doc *doc, int argc,
	      char **argv);

/* Identities: the account model is the library's (mb/accounts.h). */
/*
 * --password-from/--from PATH: the AnonymousUserPass text in effect there
 * (malloc'd into *pass); MB_ENOPATH or MB_ENOTSET with cli->err filled.
 */
int cli_acct_pass_from(struct cli *cli, const struct mb_doc *doc,
		       const char *cmd, const char *arg, char **pass);
int cli_service(const char *name, const char **svc);
/* --shell cmd|powershell: *sh set (MB_SHELL_CMD or MB_SHELL_PS), or a
 * usage error. */
int cli_shell(struct cli *cli, const char *cmd, const char *v,
	      enum mb_shell *sh);

int cmd_accounts(struct cli *cli, struct mb_doc *doc, int argc,
		 char **argv);
int cmd_collapse(struct cli *cli, struct mb_doc *doc, int argc,
		 char **argv);
int cmd_doctor(struct cli *cli, struct mb_doc *doc, int argc,
	       char **argv);

/* The doctor's rules and findings: the library's (mb/doctor.h). */

int cmd_sync(struct cli *cli, struct mb_doc *doc, int argc,
	     char **argv);
int cmd_reset(struct cli *cli, struct mb_doc *doc, int argc,
	      char **argv);
int cmd_sam(struct cli *cli, struct mb_doc *doc, int argc,
	    char **argv);
/* The scripts sam and reset print: mb/samcmd.h. */
/*
 * --json: a script's lines (no header) as "commands" (the lines to run,
 * byte for byte) and "notes" (its comment lines, without "rem "/"# ");
 * both null when !shown (the script went to a file, not to the output).
 */
void cli_sam_json_lines(struct mb_json *j, const struct mb_buf *script,
			enum mb_shell sh, int shown);
/* Create file (O_EXCL, mode 0600) holding b. */
int cli_sam_write_file(struct cli *cli, const char *cmd, const char *file,
		       const struct mb_buf *b);

/* report -o FILE (cmd_report.c): HTML through transforms/report.xsl. */
int cmd_report(struct cli *cli, struct mb_doc *doc, int argc,
	       char **argv);

#endif
