/* SPDX-License-Identifier: MIT */
/*
 * The command table, and the names a command is found by: its own (in any
 * case, as adsutil's), enumall, and adsutil's command names, mapped to the
 * offline equivalent or answered with what to run on the live server.
 *
 * Adding a command: write src/cli/cmd_<verb>.c with its function and its
 * option table, declare both in cli.h, add a row here and the file to
 * src/cli/meson.build. `help`, the bash completion and the man page check
 * (tests/test_cliopts.c) then follow from the row; add a golden case and
 * the man page entry (the test says when it is missing).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "mb/suggest.h"

const struct cli_opt cli_global_opts[] = {
	{ CLI_G_FILE, "file", 'f', "FILE|DIR", "the metabase (repeatable; a "
	  "folder: the metabase files in it); default $MBTOOL_FILE, else "
	  "./MetaBase.xml", 0, NULL },
	{ CLI_G_SCHEMA, "schema", 0, "FILE", "a real MBSchema.xml instead of "
	  "the built-in IIS 6.0 schema", 0, NULL },
	{ CLI_G_JSON, "json", 0, NULL, "one JSON document: {mbtool_json, "
	  "command, files, exit} (doc/json.md)", 0, NULL },
	{ CLI_G_JSONL, "jsonl", 0, NULL, "one JSON line per file, as each is "
	  "done", 0, NULL },
	{ CLI_G_JOBS, "jobs", 'j', "N", "run the files in N worker "
	  "processes, output in input order", 0, NULL },
	{ CLI_G_INCLUDE_HISTORY, "include-history", 0, NULL, "a write over a "
	  "folder also changes its History copies, MetaBack backups and "
	  "exports (live MetaBase.xml files only without it)", 0, NULL },
	{ CLI_G_KEEP_BACKUPS, "keep-backups", 0, "N", "mbtool backups kept "
	  "per file by a write (default 10; older ones removed)", 0, NULL },
	{ CLI_G_VERSION, "version", 0, NULL, "the program's version", 0,
	  NULL },
	CLI_END,
};

static const struct cli_cmd commands[] = {
	{ "get", cmd_get, 0, cli_get_opts, "PATH/PROP",
	  "the effective value of a property, and where it comes from",
	  "get W3SVC/1/ROOT/AnonymousUserName", NULL },
	{ "find", cmd_find, 0, cli_find_opts, "[PATH/]PROP",
	  "every key that sets a property, in file order",
	  "find --values AnonymousUserName", NULL },
	{ "enum", cmd_enum, 0, cli_enum_opts, "[PATH] [/P]",
	  "the properties set at a key, and its child keys (/P: only the "
	  "child keys)", "enum W3SVC/1/ROOT", NULL },
	{ "enum_all", cmd_enum_all, 0, cli_enum_opts, "[PATH] [/P]",
	  "enum for a key and its whole subtree", "enum_all W3SVC/1", NULL },
	{ "tree", cmd_tree, 0, cli_tree_opts, "[PATH]",
	  "the key tree, with where each named property comes from",
	  "tree W3SVC --prop AnonymousUserName", NULL },
	{ "secrets", cmd_secrets, 0, cli_secrets_opts, "[PATH]",
	  "every secure value: key, property, length, password group",
	  "secrets W3SVC", NULL },
	{ "reveal", cmd_reveal, 0, cli_reveal_opts, "[PATH/PROP]...",
	  "recover the plaintext of secure values (explicit only: name them "
	  "or give --all)", "reveal W3SVC/AnonymousUserPass", NULL },
	{ "set", cmd_set, CLI_CMD_WRITES | CLI_CMD_DASHARGS, cli_set_opts,
	  "PATH/PROP [VALUE]...",
	  "write a property at a key, as adsutil SET, with its special names "
	  "(AccessPerm, Authorization, VRPath); a secure string only with the "
	  "machine keys, its value from --password-file or a prompt",
	  "set W3SVC/1/ROOT/AccessPerm Read Script", cli_plan_set },
	{ "delete", cmd_delete, CLI_CMD_WRITES, cli_delete_opts,
	  "PATH/PROP | PATH/",
	  "remove a local value (the key then inherits), or with a trailing "
	  "/ a key and its subtree", "delete W3SVC/1/ROOT/AnonymousUserName",
	  cli_plan_delete },
	{ "create", cmd_create, CLI_CMD_WRITES, cli_create_opts,
	  "PATH [KeyType]", "add a key (default KeyType IIsConfigObject)",
	  "create W3SVC/1/ROOT/app IIsWebVirtualDir", cli_plan_create },
	{ "copy", cmd_copy, CLI_CMD_WRITES, cli_copy_opts, "SRC DST",
	  "copy a key and its subtree (Locations and AppRoots rewritten)",
	  "copy W3SVC/1 W3SVC/2", cli_plan_copy },
	{ "move", cmd_copy, CLI_CMD_WRITES, cli_copy_opts, "SRC DST",
	  "move or rename a key and its subtree",
	  "move W3SVC/1/ROOT/old W3SVC/1/ROOT/new", cli_plan_copy },
	{ "batch", cmd_batch, CLI_CMD_WRITES | CLI_CMD_STDIN,
	  cli_batch_opts, "[SCRIPT|-]",
	  "set/delete/create/copy/move lines from SCRIPT or standard input, "
	  "in one all-or-nothing write", "batch --dry-run changes.txt", NULL },
	{ "accounts", cmd_accounts, 0, cli_accounts_opts, "",
	  "each anonymous account, where it is set, its password groups",
	  "accounts --service all", NULL },
	{ "collapse", cmd_collapse, CLI_CMD_WRITES, cli_collapse_opts, "",
	  "one global anonymous account at the service key, overrides "
	  "removed", "collapse --dry-run --account IUSR_WEB01", NULL },
	{ "sync-passwords", cmd_sync, CLI_CMD_WRITES, cli_sync_opts, "",
	  "copy the encrypted password at --from to every key that sets "
	  "--account", "sync-passwords --account IUSR_WEB01 --from W3SVC",
	  NULL },
	{ "sam", cmd_sam, 0, cli_sam_opts, "",
	  "the commands that make the Windows accounts' passwords match the "
	  "metabase", "sam --shell cmd -o sam.cmd", NULL },
	{ "reset", cmd_reset, CLI_CMD_WRITES, cli_reset_opts, "",
	  "remove an account's stored passwords before a restore; print the "
	  "commands that set a new one on both sides",
	  "reset --account IUSR_WEB01 --generate -o reset.cmd", NULL },
	{ "doctor", cmd_doctor, 0, cli_doctor_opts, "",
	  "account and password problems (rules MB001...), and the checks "
	  "that need Windows; exit 1 on an error or warning", "doctor", NULL },
	{ "report", cmd_report, 0, cli_report_opts, "",
	  "one self-contained HTML page: key tree, accounts, password groups, "
	  "doctor findings", "report -o report.html", NULL },
	{ "help", cmd_help, CLI_CMD_NODOC, cli_help_opts, "[COMMAND]",
	  "this list, or one command's options", "help collapse", NULL },
};

#define NCMDS (sizeof(commands) / sizeof(commands[0]))

const struct cli_cmd *cli_commands(size_t *n)
{
	*n = NCMDS;
	return commands;
}

const struct cli_cmd *cli_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCMDS; i++)
		if (strcasecmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/*
 * adsutil's own command names. to: the mbtool command it maps to, with
 * keytype appended (create_vdir PATH = create PATH IIsWebVirtualDir); or,
 * when to is NULL, what to do instead (the command needs a running IIS).
 */
struct adsutil_name {
	const char *name;
	const char *to;
	const char *keytype;
	const char *answer;
};

#define LIVE "on the live server run: cscript " \
	"%SystemDrive%\\Inetpub\\AdminScripts\\adsutil.vbs "
#define APP_OFFLINE "; offline, the application is the properties AppRoot, " \
	"AppIsolated (0 in-process, 1 out-of-process, 2 pooled) and " \
	"AppFriendlyName at PATH: mbtool set PATH/AppIsolated 2"

static const struct adsutil_name adsutil_names[] = {
	{ "enumall", "enum_all", NULL, NULL },
	{ "create_vdir", "create", "IIsWebVirtualDir", NULL },
	{ "create_vserv", "create", "IIsWebServer", NULL },
	{ "appcreateinproc", NULL, NULL,
	  "creates an application through the running IIS; " LIVE
	  "APPCREATEINPROC PATH" APP_OFFLINE },
	{ "appcreateoutproc", NULL, NULL,
	  "creates an application through the running IIS; " LIVE
	  "APPCREATEOUTPROC PATH" APP_OFFLINE },
	{ "appcreatepoolproc", NULL, NULL,
	  "creates an application through the running IIS; " LIVE
	  "APPCREATEPOOLPROC PATH" APP_OFFLINE },
	{ "appdelete", NULL, NULL,
	  "deletes an application through the running IIS; " LIVE
	  "APPDELETE PATH; offline: mbtool delete PATH/AppRoot, then "
	  "PATH/AppIsolated and PATH/AppFriendlyName" },
	{ "appunload", NULL, NULL, "unloads a running application; " LIVE
	  "APPUNLOAD PATH (a file holds no running state)" },
	{ "appdisable", NULL, NULL, "disables a running application; " LIVE
	  "APPDISABLE PATH (a file holds no running state)" },
	{ "appenable", NULL, NULL, "enables a running application; " LIVE
	  "APPENABLE PATH (a file holds no running state)" },
	{ "appgetstatus", NULL, NULL, "asks a running application; " LIVE
	  "APPGETSTATUS PATH (a file holds no running state)" },
	{ "start_server", NULL, NULL, "starts a running site; " LIVE
	  "START_SERVER W3SVC/n; offline, whether it starts with IIS: "
	  "mbtool set W3SVC/n/ServerAutoStart TRUE" },
	{ "stop_server", NULL, NULL, "stops a running site; " LIVE
	  "STOP_SERVER W3SVC/n; offline, whether it starts with IIS: "
	  "mbtool set W3SVC/n/ServerAutoStart FALSE" },
	{ "pause_server", NULL, NULL, "pauses a running site; " LIVE
	  "PAUSE_SERVER W3SVC/n (a pause is never stored in the file)" },
	{ "continue_server", NULL, NULL, "continues a paused site; " LIVE
	  "CONTINUE_SERVER W3SVC/n (a pause is never stored in the file)" },
	{ "start", NULL, NULL, "IIS is started on the server itself: "
	  "iisreset /start, or net start w3svc; one site: start_server" },
	{ "stop", NULL, NULL, "IIS is stopped on the server itself: "
	  "iisreset /stop, or net stop w3svc; one site: stop_server" },
	{ "script", NULL, NULL, "adsutil has no SCRIPT command; several "
	  "changes in one write: mbtool batch SCRIPT" },
};

#define NNAMES (sizeof(adsutil_names) / sizeof(adsutil_names[0]))

/* Every name a command is known by, for "did you mean". */
static const char *nearest_command(const char *typed)
{
	const char *names[NCMDS + NNAMES];
	size_t i, n = 0;

	for (i = 0; i < NCMDS; i++)
		names[n++] = commands[i].name;
	for (i = 0; i < NNAMES; i++)
		names[n++] = adsutil_names[i].name;
	return mb_suggest(typed, names, n);
}

static int not_found(const char *typed, struct mb_error *err)
{
	const char *near = nearest_command(typed);

	if (near)
		return mb_error_set(err, MB_EUSAGE, "command", typed,
				    "not recognized; did you mean '%s'? (the "
				    "commands: mbtool help)", near);
	return mb_error_set(err, MB_EUSAGE, "command", typed,
			    "not recognized (the commands: mbtool help)");
}

/* argv with keytype appended: create_vdir PATH -> create PATH KeyType. */
static int append_keytype(int *argc, char ***argv, const char *keytype,
			  struct mb_error *err)
{
	char **nv = calloc((size_t)*argc + 2, sizeof(*nv));

	if (!nv)
		return mb_error_set(err, MB_EFILE, "command", NULL,
				    "out of memory");
	memcpy(nv, *argv, (size_t)*argc * sizeof(*nv));
	nv[(*argc)++] = (char *)keytype;
	*argv = nv;
	return MB_OK;
}

int cli_reads_stdin(const struct cli_cmd *c, int argc, char **argv)
{
	struct cli_parser p;
	int id, nargs = 0, dash = 0;

	cli_parser_init(&p, c->name, c->opts, argc, argv);
	p.dash_args = (c->flags & CLI_CMD_DASHARGS) != 0;
	while ((id = cli_next(&p, NULL)) != CLI_DONE && id != CLI_ERR) {
		if (id == CLI_ARG) {
			nargs++;
			dash |= strcmp(p.val, "-") == 0;
		} else if (p.opt && (p.opt->flags & CLI_OPT_STDIN) &&
			   strcmp(p.val, "-") == 0) {
			return 1;
		}
	}
	return (c->flags & CLI_CMD_STDIN) && (!nargs || dash);
}

int cli_resolve(const char *typed, int *argc, char ***argv,
		const struct cli_cmd **cmd, struct mb_error *err)
{
	size_t i;

	*cmd = cli_command(typed);
	if (*cmd)
		return MB_OK;
	for (i = 0; i < NNAMES; i++) {
		const struct adsutil_name *a = &adsutil_names[i];

		if (strcasecmp(a->name, typed) != 0)
			continue;
		if (!a->to)
			return mb_error_set(err, MB_EUSAGE, "command", typed,
					    "adsutil's %s %s", a->name,
					    a->answer);
		*cmd = cli_command(a->to);
		return a->keytype ? append_keytype(argc, argv, a->keytype,
						   err) : MB_OK;
	}
	return not_found(typed, err);
}
