/* SPDX-License-Identifier: MIT */
/*
 * The --json / --jsonl envelope (doc/json.md, doc/mbtool.schema.json): the
 * same shape for one file or many, each file's exit status and error inside
 * its own object, the command's own JSON as its "result".
 *
 *   --json:  {"mbtool_json": 1, "command": C, "files": [F...], "exit": N}
 *   --jsonl: one line per file: F plus "mbtool_json" and "command"
 *   F:       {"file", "kind", "exit", "error": {what, subject, reason}
 *            or null, "result": the command's JSON or null}
 *
 * fleet.c calls these for every file (in a worker, the bytes travel back
 * to be printed in input order); main.c for a command that reads no file.
 */
#include <string.h>

#include "cli.h"
#include "mb/json.h"

static const char *status_word(int st)
{
	static const char *const words[] = {
		"ok", "problems found", "usage error", "not set",
		"path not found", "unknown property", "file error",
		"secret not recovered", "declined",
	};

	return st >= 0 && st < (int)(sizeof(words) / sizeof(words[0]))
		       ? words[st] : "failed";
}

static void error_obj(struct mb_json *j, const struct cli_env_file *f)
{
	const struct mb_error *e = f->err;

	if (!f->status) {
		mb_json_null(j);
		return;
	}
	mb_json_obj_begin(j);
	/* no command at all (mbtool --json): the program speaks */
	mb_json_kstr(j, "what", e && e->what[0] ? e->what :
				f->command ? f->command : "mbtool");
	mb_json_kstr(j, "subject", e && e->subject[0] ? e->subject : NULL);
	mb_json_kstr(j, "reason", e && e->reason[0] ? e->reason
						    : status_word(f->status));
	mb_json_obj_end(j);
}

static void file_obj(struct mb_json *j, const struct cli_env_file *f,
		     int jsonl)
{
	mb_json_obj_begin(j);
	if (jsonl) {
		mb_json_kint(j, "mbtool_json", CLI_JSON_VERSION);
		mb_json_kstr(j, "command", f->command);
	}
	mb_json_kstr(j, "file", f->file);
	mb_json_kstr(j, "kind", f->kind);
	mb_json_kint(j, "exit", f->status);
	mb_json_key(j, "error");
	error_obj(j, f);
	mb_json_key(j, "result");
	if (f->len)
		mb_json_raw(j, f->result, f->len);
	else
		mb_json_null(j);
	mb_json_obj_end(j);
}

void cli_env_file(struct mb_buf *b, const struct cli_env_file *f, int jsonl,
		  int first)
{
	struct mb_buf el;
	struct mb_json j;

	mb_buf_init(&el);
	mb_json_init(&j, &el);
	file_obj(&j, f, jsonl);
	if (jsonl) {
		mb_json_compact(b, el.data, el.len);
		mb_buf_putc(b, '\n');
	} else {
		/* an item of the envelope's "files" array, two levels in */
		mb_buf_puts(b, first ? "\n    " : ",\n    ");
		mb_json_indent(b, el.data, el.len, 2);
	}
	mb_buf_wipe(&el);
}

void cli_env_head(struct mb_buf *b, const char *command)
{
	struct mb_json j;

	/* The writer leaves the array open: the files follow, then the tail
	 * closes it. */
	mb_json_init(&j, b);
	mb_json_obj_begin(&j);
	mb_json_kint(&j, "mbtool_json", CLI_JSON_VERSION);
	mb_json_kstr(&j, "command", command);
	mb_json_key(&j, "files");
	mb_json_arr_begin(&j);
}

void cli_env_tail(struct mb_buf *b, int status)
{
	mb_buf_printf(b, "\n  ],\n  \"exit\": %d\n}\n", status);
}

const char *cli_doc_kind(const struct mb_doc *doc)
{
	switch (doc->kind) {
	case MB_KIND_METABASE: return "metabase";
	case MB_KIND_HISTORY: return "history";
	case MB_KIND_BACKUP: return "backup";
	case MB_KIND_EXPORT: return "export";
	}
	return "metabase";
}
