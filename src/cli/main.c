/* SPDX-License-Identifier: MIT */
/*
 * mbtool: global options, the command table, and the per-file loop. This
 * file and the per-file loop (fleet.c) choose the exit status; errors are
 * printed through msg.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "mb_config.h"

struct run {
	struct cli cli;
	const struct cli_cmd *cmd;
	char **files;
	int nfiles;
	int argc;
	char **argv;
	char **own_argv;   /* argv as the command sees it (allocated) */
	const char *jobs;  /* --jobs, as typed */
	int jsonl;
};

/* Folders are expanded once the command is known (cli_files_expand). */
static int add_file(struct run *r, const char *f)
{
	char **nf;

	nf = realloc(r->files, (size_t)(r->nfiles + 1) * sizeof(*nf));
	if (!nf)
		return -1;
	r->files = nf;
	r->files[r->nfiles] = strdup(f);
	return r->files[r->nfiles++] ? 0 : -1;
}

static int fail(struct run *r)
{
	cli_error(&r->cli.err);
	return -1;
}

/* --keep-backups N: how many mbtool backups of a file a write keeps. */
static int keep_backups(struct run *r, const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (!*v || *end || n < 1 || n > 100000) {
		mb_error_set(&r->cli.err, MB_EUSAGE, "--keep-backups", v,
			     "needs a whole number from 1 to 100000");
		return fail(r);
	}
	r->cli.keep_backups = (int)n;
	return 0;
}

/* A global option: recorded in r. */
static int take_global(struct run *r, int id, const char *val)
{
	switch (id) {
	case CLI_G_FILE: return add_file(r, val) ? -1 : 0;
	case CLI_G_SCHEMA: r->cli.schema_path = val; return 0;
	case CLI_G_JSON: r->cli.json = 1; return 0;
	case CLI_G_JSONL: r->jsonl = r->cli.json = 1; return 0;
	case CLI_G_JOBS: r->jobs = val; return 0;
	case CLI_G_INCLUDE_HISTORY: r->cli.include_history = 1; return 0;
	case CLI_G_KEEP_BACKUPS: return keep_backups(r, val);
	case CLI_G_VERSION: printf("mbtool %s\n", MB_VERSION); exit(0);
	default: return 1;
	}
}

/*
 * Whether word, before the command, is the value of the command option
 * just before it (--account NAME collapse): it is not a command and the
 * next word is one.
 */
static int early_value(const char *word, const char *next, char **early,
		       int nearly)
{
	const char *o = nearly ? early[nearly - 1] : NULL;

	return o && o[0] == '-' && !strchr(o, '=') && next &&
	       !cli_command(word) && cli_command(next);
}

/*
 * The words before the command: global options, and options of the
 * command given before it, kept in early[] (their values too, when the
 * value is the next word: --account NAME collapse). Returns the index of
 * the command word, argc when there is none, -1 after an error (printed).
 */
static int before_command(struct run *r, int argc, char **argv,
			  char **early, int *nearly)
{
	struct cli_parser p;
	int id;

	cli_parser_init(&p, "option", cli_global_opts, argc, argv);
	for (;;) {
		int at = p.i;

		id = cli_next(&p, &r->cli.err);
		if (id == CLI_DONE)
			return argc;
		if (id == CLI_HELP)
			return argc + 1;
		if (id == CLI_ARG && p.no_opts && at < argc &&
		    strcmp(argv[at], "--") == 0)
			return p.i - 1;
		if (id == CLI_ERR && p.opt)
			return fail(r);  /* a global option without its value */
		if (id == CLI_ARG && !early_value(p.val, argv[at + 1], early,
						  *nearly))
			return at;
		if (id == CLI_ARG || id == CLI_ERR) {
			/* an option of the command, or its value */
			early[(*nearly)++] = argv[at];
			continue;
		}
		if (take_global(r, id, p.val) < 0)
			return -1;
	}
}

/*
 * The command's words, in place: global options taken out (into r), the
 * command's own options checked against its table, -h/--help answered.
 * Returns the new count, -1 after an error (printed), -2 for help.
 */
static int after_command(struct run *r)
{
	struct cli_parser p;
	int id, n = 1, at;

	cli_parser_init(&p, r->cmd->name, r->cmd->opts, r->argc, r->argv);
	p.more = cli_global_opts;
	p.dash_args = (r->cmd->flags & CLI_CMD_DASHARGS) != 0;
	while ((at = p.i, id = cli_next(&p, &r->cli.err)) != CLI_DONE) {
		if (id == CLI_ERR)
			return fail(r);
		if (id == CLI_HELP)
			return -2;
		if (id >= CLI_G_FILE) {
			if (take_global(r, id, p.val) < 0)
				return -1;
			continue;
		}
		while (at < p.i)
			r->argv[n++] = r->argv[at++];
	}
	r->argv[n] = NULL;
	return n;
}

/* argv for the command: its name, the early options, then the rest. */
static int command_argv(struct run *r, const char *typed, char **early,
			int nearly, char **rest, int nrest)
{
	char **v = calloc((size_t)(nearly + nrest + 2), sizeof(*v));
	char **mapped;
	int n = 0, i;

	if (!v)
		return -1;
	v[n++] = (char *)typed;
	for (i = 0; i < nearly; i++)
		v[n++] = early[i];
	for (i = 0; i < nrest; i++)
		v[n++] = rest[i];
	mapped = v;
	if (cli_resolve(typed, &n, &mapped, &r->cmd, &r->cli.err)) {
		free(v);
		return fail(r);
	}
	if (mapped != v)
		free(v);
	r->argv = r->own_argv = mapped;
	r->argv[0] = (char *)r->cmd->name;
	r->argc = n;
	return 0;
}

static int parse_args(struct run *r, int argc, char **argv)
{
	char **early = calloc((size_t)argc + 1, sizeof(*early));
	int nearly = 0, first, st = 0;

	if (!early)
		return -1;
	first = before_command(r, argc, argv, early, &nearly);
	if (first < 0)
		st = -1;
	else if (first > argc)
		st = -3;             /* mbtool --help */
	else if (first == argc)
		st = -4;             /* no command */
	else if (command_argv(r, argv[first], early, nearly, argv + first + 1,
			      argc - first - 1))
		st = -1;
	else if ((r->argc = after_command(r)) < 0)
		st = r->argc;
	free(early);
	return st;
}

static void flush_out(struct cli *cli)
{
	if (cli->out.len)
		fwrite(cli->out.data, 1, cli->out.len, stdout);
	mb_buf_reset(&cli->out);
}

/* --json/--jsonl: the envelope around one entry (file NULL or named). */
static void print_env(struct run *r, const struct cli_env_file *el)
{
	struct mb_buf env;

	mb_buf_init(&env);
	if (!r->jsonl)
		cli_env_head(&env, el->command);
	cli_env_file(&env, el, r->jsonl, 1);
	if (!r->jsonl)
		cli_env_tail(&env, el->status);
	mb_buf_reset(&r->cli.out);
	mb_buf_append(&r->cli.out, env.data, env.len);
	mb_buf_release(&env);
	flush_out(&r->cli);
}

/* A command that reads no file: in JSON, one entry with file null. */
static int run_nodoc(struct run *r)
{
	struct cli_env_file el;
	int st = r->cmd->run(&r->cli, NULL, r->argc, r->argv);

	if (st)
		cli_error(&r->cli.err);
	if (!r->cli.json) {
		flush_out(&r->cli);
		return st;
	}
	memset(&el, 0, sizeof(el));
	el.command = r->cmd->name;
	el.status = st;
	el.err = &r->cli.err;
	el.result = r->cli.out.data;
	el.len = r->cli.out.len;
	print_env(r, &el);
	return st;
}

/*
 * Whether --json or --jsonl was given: the parse may have stopped before
 * it reached them (an unknown command, a bad option). The same parser
 * reads the words again, past errors, with the command's table when the
 * command is known, so a word that is an option's value ("-o --json") or
 * comes after "--" is not taken for the option.
 */
static void json_asked(struct run *r, int argc, char **argv)
{
	struct cli_parser p;
	int id;

	cli_parser_init(&p, "option", r->cmd ? r->cmd->opts : cli_global_opts,
			argc, argv);
	if (r->cmd)
		p.more = cli_global_opts;
	while ((id = cli_next(&p, NULL)) != CLI_DONE) {
		if (id == CLI_G_JSON)
			r->cli.json = 1;
		else if (id == CLI_G_JSONL)
			r->jsonl = r->cli.json = 1;
	}
}

/*
 * A run that stopped before it read any file (usage error, -j x, an
 * unreadable --schema, -f DIR without a metabase): under --json/--jsonl
 * still one document, its one entry with file null carrying the error,
 * so that a script always has JSON to read (doc/json.md).
 */
static void early_json(struct run *r, int argc, char **argv, int st)
{
	struct cli_env_file el;

	json_asked(r, argc, argv);
	if (!r->cli.json)
		return;
	memset(&el, 0, sizeof(el));
	el.command = r->cmd ? r->cmd->name : NULL;
	el.status = st;
	el.err = &r->cli.err;
	print_env(r, &el);
}

static int run_all(struct run *r)
{
	struct cli_fleet fleet;

	if (r->cmd->flags & CLI_CMD_NODOC)
		return run_nodoc(r);
	fleet.cli = &r->cli;
	fleet.cmd = r->cmd;
	fleet.files = r->files;
	fleet.nfiles = r->nfiles;
	fleet.argc = r->argc;
	fleet.argv = r->argv;
	fleet.jobs = r->jobs ? cli_jobs(r->jobs) : 1;
	fleet.jsonl = r->jsonl;
	return cli_run_files(&fleet);
}

static int check_jobs(struct run *r)
{
	if (!r->jobs || cli_jobs(r->jobs) > 0)
		return 0;
	mb_error_set(&r->cli.err, MB_EUSAGE, "--jobs", r->jobs, "needs a "
		     "whole number from 1 to %d", CLI_MAXJOBS);
	cli_error(&r->cli.err);
	return MB_EUSAGE;
}

static int load_schema(struct run *r, struct mb_schema **owned)
{
	*owned = NULL;
	if (!r->cli.schema_path) {
		r->cli.schema = mb_schema_builtin();
		return 0;
	}
	if (mb_schema_load(r->cli.schema_path, owned, &r->cli.err)) {
		cli_error(&r->cli.err);
		return MB_EFILE;
	}
	r->cli.schema = *owned;
	return 0;
}

static int help_exit(struct run *r, int st)
{
	struct mb_buf b;

	if (st == -4)   /* for --json's error (the usage goes to stderr) */
		mb_error_set(&r->cli.err, MB_EUSAGE, "usage", NULL,
			     "no command given (the commands: mbtool help)");
	mb_buf_init(&b);
	if (st == -2)
		cli_help_cmd(&b, r->cmd);
	else
		cli_help_all(&b);
	fwrite(b.data, 1, b.len, st == -4 ? stderr : stdout);
	mb_buf_release(&b);
	return st == -4 ? MB_EUSAGE : MB_OK;
}

static void run_release(struct run *r, struct mb_schema *owned)
{
	mb_schema_free(owned);
	mb_buf_release(&r->cli.out);
	mb_buf_release(&r->cli.notes);
	while (r->nfiles > 0)
		free(r->files[--r->nfiles]);
	free(r->files);
	free(r->own_argv);
}

/*
 * The files to run: -f FILE|DIR as given, folders expanded for this
 * command; no -f at all: $MBTOOL_FILE, else ./MetaBase.xml (never after a
 * -f that found nothing).
 */
static int pick_files(struct run *r)
{
	const char *env = getenv("MBTOOL_FILE");

	if (!r->nfiles)
		return add_file(r, env && *env ? env : "MetaBase.xml") ?
		       MB_EFILE : MB_OK;
	if (r->cmd->flags & CLI_CMD_NODOC)
		return MB_OK;
	if (!cli_files_expand(&r->files, &r->nfiles, (r->cmd->flags &
			      CLI_CMD_WRITES) != 0, r->cli.include_history,
			      &r->cli.err))
		return MB_OK;
	cli_error(&r->cli.err);
	return r->cli.err.status;
}

int main(int argc, char **argv)
{
	struct run r;
	struct mb_schema *owned = NULL;
	int st;

	memset(&r, 0, sizeof(r));
	mb_buf_init(&r.cli.out);
	mb_buf_init(&r.cli.notes);
	cli_cleanup_install();
	st = parse_args(&r, argc, argv);
	if (st == -1)
		st = MB_EUSAGE;
	else if (st < 0)
		st = help_exit(&r, st);
	else if ((st = pick_files(&r)) == MB_OK)
		st = -5;
	if (st == -5) {
		r.cli.nfiles = r.nfiles;
		st = check_jobs(&r);
		if (!st)
			st = load_schema(&r, &owned);
		if (!st)
			st = run_all(&r);
		else
			early_json(&r, argc, argv, st);
	} else if (st) {
		early_json(&r, argc, argv, st);
	}
	run_release(&r, owned);
	if (cli_stdout_check())
		st = MB_EFILE;
	return st;
}
