/* SPDX-License-Identifier: MIT */
/*
 * mbtool: global options, the command table, and the per-file loop. Only
 * this file prints errors and chooses the exit status.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "mb_config.h"

static const struct mb_cmd commands[] = {
	{ "get", mb_cmd_get, 0, "get [--local] PATH/PROP",
	  "the effective value of a property, and where it comes from" },
	{ "find", mb_cmd_find, 0, "find [--values] [PATH/]PROP",
	  "every key that sets a property, in file order" },
	{ "enum", mb_cmd_enum, 0, "enum [PATH] [--effective] [/P]",
	  "the properties set at a key, and its child keys" },
	{ "enum_all", mb_cmd_enum_all, 0, "enum_all [PATH] [--effective] [/P]",
	  "enum for a key and its whole subtree" },
	{ "tree", mb_cmd_tree, 0, "tree [PATH] [--prop PROP]...",
	  "the key tree, with where each named property comes from" },
	{ "secrets", mb_cmd_secrets, 0, "secrets [PATH]",
	  "every secure value: key, property, length, password group" },
	{ "reveal", mb_cmd_reveal, 0,
	  "reveal [PATH/PROP]... | reveal --all [--known PATH/PROP "
	  "--password-file F]... [--signing-key F] [--exchange-key F] "
	  "[--no-cache] [-o FILE]",
	  "recover the plaintext of secure values (explicit only)" },
	{ "set", mb_cmd_set, MB_CMD_WRITES,
	  "set [--force] PATH/PROP VALUE... | set PATH/PROP --exchange-key F "
	  "--signing-key F [--password-file F|-]",
	  "write a property at a key, as adsutil SET, with its special names "
	  "(AccessPerm, Authorization, VRPath); a secure string with "
	  "the machine keys (all writes take --dry-run, --no-backup, "
	  "--break-lock, --force for a read-only file)" },
	{ "delete", mb_cmd_delete, MB_CMD_WRITES,
	  "delete PATH/PROP | delete [--yes] PATH/",
	  "remove a local value (the key then inherits), or a key and its "
	  "subtree" },
	{ "create", mb_cmd_create, MB_CMD_WRITES,
	  "create [--parents] [--force] PATH [KeyType]",
	  "add a key (default KeyType IIsConfigObject)" },
	{ "copy", mb_cmd_copy, MB_CMD_WRITES, "copy [--force] SRC DST",
	  "copy a key and its subtree (Locations and AppRoots rewritten)" },
	{ "move", mb_cmd_copy, MB_CMD_WRITES, "move [--force] SRC DST",
	  "move or rename a key and its subtree" },
	{ "batch", mb_cmd_batch, MB_CMD_WRITES, "batch [--yes] [SCRIPT]",
	  "set/delete/create/copy/move lines from SCRIPT or stdin, in one "
	  "all-or-nothing write" },
	{ "accounts", mb_cmd_accounts, 0,
	  "accounts [--service w3svc|msftpsvc|all] [--all-identities]",
	  "each anonymous account, where it is set, its password groups" },
	{ "collapse", mb_cmd_collapse, MB_CMD_WRITES,
	  "collapse [--account NAME] [--service w3svc|msftpsvc|all] "
	  "[--password-from PATH]",
	  "one global anonymous account at the service key, overrides "
	  "removed" },
	{ "sync-passwords", mb_cmd_sync, MB_CMD_WRITES,
	  "sync-passwords --account NAME --from PATH",
	  "copy the encrypted password at PATH to every key that sets NAME" },
	{ "sam", mb_cmd_sam, 0,
	  "sam [--shell cmd|powershell] [--domain-controller] "
	  "[--signing-key F] [--no-cache] [-o FILE]",
	  "the net user / Set-LocalUser commands that make Windows match the "
	  "metabase passwords" },
	{ "reset", mb_cmd_reset, MB_CMD_WRITES,
	  "reset --account NAME [--password-file F|- | --generate] "
	  "[--shell cmd|powershell] [--domain-controller] [-o FILE] "
	  "[--exchange-key F "
	  "--signing-key F]",
	  "remove NAME's stored passwords before a restore; print the "
	  "commands that set a new one on both sides" },
	{ "doctor", mb_cmd_doctor, 0, "doctor",
	  "account and password problems (rules MB001...), and the checks "
	  "that need Windows; exit 1 on an error or warning" },
	{ "report", mb_cmd_report, 0,
	  "report -o FILE|- [--stylesheet FILE.xsl]",
	  "one self-contained HTML page: key tree, accounts, password "
	  "groups, doctor findings" },
	{ "help", mb_cmd_help, MB_CMD_NODOC, "help [COMMAND]",
	  "this list, or one command's usage" },
};

const struct mb_cmd *mb_cli_commands(size_t *n)
{
	*n = sizeof(commands) / sizeof(commands[0]);
	return commands;
}

const struct mb_cmd *mb_cli_command(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	if (strcmp(name, "enumall") == 0)
		return mb_cli_command("enum_all");
	return NULL;
}

static void print_error(const struct mb_error *e)
{
	struct mb_buf b;

	mb_buf_init(&b);
	mb_cli_error_text(&b, e);
	if (b.len)
		fputs(b.data, stderr);
	mb_buf_release(&b);
}

struct run {
	struct mb_cli cli;
	const struct mb_cmd *cmd;
	char **files;
	int nfiles;
	int argc;
	char **argv;
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

/* --keep-backups N: how many mbtool backups of a file a write keeps. */
static int keep_backups(struct run *r, const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (!*v || *end || n < 1 || n > 100000) {
		fprintf(stderr, "mbtool: --keep-backups '%s': needs a whole "
			"number from 1 to 100000\n", v);
		return -1;
	}
	r->cli.keep_backups = (int)n;
	return 0;
}

/*
 * Global options may also follow the command (mbtool get --json X): take
 * them out of the command's arguments.
 */
static int take_globals(struct run *r, int argc, char **argv)
{
	int i, n = 0;
	const char *v;

	for (i = 0; i < argc; i++) {
		if (i > 0 && mb_cli_is(argv[i], "--json")) {
			r->cli.json = 1;
		} else if (i > 0 && mb_cli_is(argv[i], "--jsonl")) {
			r->jsonl = r->cli.json = 1;
		} else if (i > 0 && mb_cli_is(argv[i], "--include-history")) {
			r->cli.include_history = 1;
		} else if (i > 0 && (mb_cli_value(argc, argv, &i, "--jobs", &v) ||
			   mb_cli_value(argc, argv, &i, "-j", &v))) {
			if (!v)
				return -1;
			r->jobs = v;
		} else if (i > 0 && (mb_cli_value(argc, argv, &i, "--file", &v) ||
			   mb_cli_value(argc, argv, &i, "-f", &v))) {
			if (!v || add_file(r, v))
				return -1;
		} else if (i > 0 && mb_cli_value(argc, argv, &i,
						 "--keep-backups", &v)) {
			if (!v || keep_backups(r, v))
				return -1;
		} else if (i > 0 && mb_cli_value(argc, argv, &i, "--schema",
						 &v)) {
			if (!v)
				return -1;
			r->cli.schema_path = v;
		} else {
			argv[n++] = argv[i];
		}
	}
	argv[n] = NULL;
	return n;
}

static void usage(FILE *f)
{
	size_t i, n;
	const struct mb_cmd *c = mb_cli_commands(&n);

	fprintf(f, "%s\ncommands:\n", MB_CLI_SYNOPSIS);
	for (i = 0; i < n; i++)
		fprintf(f, "  %-40s %s\n", c[i].usage, c[i].summary);
	fprintf(f, "\nexit status: 0 ok, 1 doctor found problems, 2 usage, "
		"3 not set at this node,\n4 path not found, 5 unknown or "
		"disallowed property, 6 file error,\n7 secure value not "
		"recovered\n");
}

static int parse_globals(struct run *r, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "schema", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'J' },
		{ "jsonl", no_argument, NULL, 'L' },
		{ "include-history", no_argument, NULL, 'H' },
		{ "keep-backups", required_argument, NULL, 'K' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+f:hj:", opts, NULL)) != -1) {
		switch (c) {
		case 'f': if (add_file(r, optarg)) return -1; break;
		case 's': r->cli.schema_path = optarg; break;
		case 'J': r->cli.json = 1; break;
		case 'L': r->jsonl = r->cli.json = 1; break;
		case 'H': r->cli.include_history = 1; break;
		case 'K': if (keep_backups(r, optarg)) return -1; break;
		case 'j': r->jobs = optarg; break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("mbtool %s\n", MB_VERSION); exit(0);
		default: return -1;
		}
	}
	return optind;
}

static void flush_out(struct mb_cli *cli)
{
	if (cli->out.len)
		fwrite(cli->out.data, 1, cli->out.len, stdout);
	mb_buf_reset(&cli->out);
}

static int run_all(struct run *r)
{
	struct mb_fleet fleet;
	int st;

	if (r->cmd->flags & MB_CMD_NODOC) {
		st = r->cmd->run(&r->cli, NULL, r->argc, r->argv);
		flush_out(&r->cli);
		if (st)
			print_error(&r->cli.err);
		return st;
	}
	fleet.cli = &r->cli;
	fleet.cmd = r->cmd;
	fleet.files = r->files;
	fleet.nfiles = r->nfiles;
	fleet.argc = r->argc;
	fleet.argv = r->argv;
	fleet.jobs = r->jobs ? mb_cli_jobs(r->jobs) : 1;
	fleet.jsonl = r->jsonl;
	return mb_cli_run_files(&fleet);
}

static int check_jobs(const struct run *r)
{
	if (!r->jobs || mb_cli_jobs(r->jobs) > 0)
		return 0;
	fprintf(stderr, "mbtool: --jobs '%s': needs a whole number from 1 to "
		"%d\n", r->jobs, MB_CLI_MAXJOBS);
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
		print_error(&r->cli.err);
		return MB_EFILE;
	}
	r->cli.schema = *owned;
	return 0;
}

/*
 * -f FILE|DIR as given, folders expanded for this command; no -f at all:
 * $MBTOOL_FILE, else ./MetaBase.xml (never after a -f that found nothing).
 */
static int pick_files(struct run *r)
{
	const char *env = getenv("MBTOOL_FILE");

	if (!r->nfiles)
		return add_file(r, env && *env ? env : "MetaBase.xml") ?
		       MB_EFILE : MB_OK;
	if (r->cmd->flags & MB_CMD_NODOC)
		return MB_OK;
	if (!cli_files_expand(&r->files, &r->nfiles, (r->cmd->flags &
			      MB_CMD_WRITES) != 0, r->cli.include_history,
			      &r->cli.err))
		return MB_OK;
	print_error(&r->cli.err);
	return r->cli.err.status;
}

int main(int argc, char **argv)
{
	struct run r;
	struct mb_schema *owned = NULL;
	int first, st;

	memset(&r, 0, sizeof(r));
	mb_buf_init(&r.cli.out);
	mb_buf_init(&r.cli.notes);
	cli_cleanup_install();
	first = parse_globals(&r, argc, argv);
	if (first < 0 || first >= argc) {
		usage(stderr);
		return MB_EUSAGE;
	}
	r.cmd = mb_cli_command(argv[first]);
	if (!r.cmd) {
		fprintf(stderr, "mbtool: command not recognized: '%s'; "
			"run 'mbtool help'\n", argv[first]);
		return MB_EUSAGE;
	}
	r.argv = argv + first;
	r.argc = take_globals(&r, argc - first, r.argv);
	if (r.argc < 0) {
		fprintf(stderr, "mbtool: option needs a value\n");
		return MB_EUSAGE;
	}
	st = pick_files(&r);
	r.cli.nfiles = r.nfiles;
	if (!st)
		st = check_jobs(&r);
	if (!st)
		st = load_schema(&r, &owned);
	if (!st)
		st = run_all(&r);
	mb_schema_free(owned);
	mb_buf_release(&r.cli.out);
	mb_buf_release(&r.cli.notes);
	if (cli_stdout_check())
		st = MB_EFILE;
	while (r.nfiles > 0)
		free(r.files[--r.nfiles]);
	free(r.files);
	return st;
}
