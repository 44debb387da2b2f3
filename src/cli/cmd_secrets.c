/* SPDX-License-Identifier: MIT */
/*
 * secrets [PATH]: every secure value at or under PATH (default: the whole
 * file), with its length and password group, decided from the encrypted
 * bytes alone (no key: SPEC section 4.1). Damaged blobs get a per-value
 * error. The gathering and the groups are the library's (mb/secrets.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "mb/json.h"
#include "mb/path.h"
#include "mb/reveal.h"

static long value_len(const struct mb_secret *e, const char **unit)
{
	long c;

	*unit = "bytes";
	if (!e->ok)
		return -1;
	if (e->type == MB_T_STRING && (c = mb_blob_chars(&e->blob)) >= 0) {
		*unit = "chars";
		return c;
	}
	return (long)e->blob.data_len - (long)MB_BLOB_PREFIX;
}

static void print_text(struct cli *cli, const struct mb_secrets *s,
		       const size_t *sel, size_t n)
{
	size_t i;
	char g[32], len[32];
	const char *unit;
	long l;

	mb_buf_printf(&cli->out, "%-32s %-20s %-12s %s\n", "KEY", "PROPERTY",
		      "LENGTH", "GROUP");
	for (i = 0; i < n; i++) {
		const struct mb_secret *e = &s->v[sel[i]];

		mb_secrets_group_name((long)e->group, g, sizeof(g));
		l = value_len(e, &unit);
		if (l < 0)
			snprintf(len, sizeof(len), "-");
		else
			snprintf(len, sizeof(len), "%ld %s", l, unit);
		mb_buf_printf(&cli->out, "%-32s %-20s %-12s %s", e->label,
			      e->prop, len, g);
		if (!e->ok)
			mb_buf_printf(&cli->out, "  error: %s", e->error);
		mb_buf_putc(&cli->out, '\n');
	}
	mb_buf_printf(&cli->out, "%zu secure value%s\n%s\n", n,
		      n == 1 ? "" : "s", CLI_GROUP_LEGEND);
}

static void print_json(struct cli *cli, const struct mb_secrets *s,
		       const size_t *sel, size_t n)
{
	struct mb_json j;
	size_t i;
	char g[32];
	const char *unit;
	long l;

	mb_json_init(&j, &cli->out);
	mb_json_obj_begin(&j);
	mb_json_key(&j, "secrets");
	mb_json_arr_begin(&j);
	for (i = 0; i < n; i++) {
		const struct mb_secret *e = &s->v[sel[i]];

		mb_secrets_group_name((long)e->group, g, sizeof(g));
		l = value_len(e, &unit);
		mb_json_obj_begin(&j);
		mb_json_kstr(&j, "path", e->label);
		mb_json_kstr(&j, "property", e->prop);
		mb_json_key(&j, "length");
		if (l < 0)
			mb_json_null(&j);
		else
			mb_json_int(&j, l);
		mb_json_kstr(&j, "unit", unit);
		mb_json_key(&j, "group");
		if (e->group)
			mb_json_str(&j, g);
		else
			mb_json_null(&j);
		mb_json_key(&j, "error");
		if (e->ok)
			mb_json_null(&j);
		else
			mb_json_str(&j, e->error);
		mb_json_obj_end(&j);
	}
	mb_json_arr_end(&j);
	mb_json_obj_end(&j);
}

static int select_under(struct cli *cli, const struct mb_doc *doc,
			const struct mb_secrets *s, const char *arg,
			size_t *sel, size_t *n)
{
	struct mb_path path;
	size_t i, top = MB_NOKEY;
	int st;

	*n = 0;
	if (arg) {
		st = mb_path_parse(arg, 0, &path, &cli->err);
		if (st)
			return st;
		top = mb_doc_find(doc, path.location);
		if (top == MB_NOKEY)
			st = cli_no_path(cli, "secrets", arg, doc,
					 path.location);
		mb_path_release(&path);
		if (st)
			return st;
	}
	for (i = 0; i < s->n; i++)
		if (s->v[i].blob.kind != MB_BLOB_SESSION &&
		    (top == MB_NOKEY || mb_doc_is_under(doc, top, s->v[i].key)))
			sel[(*n)++] = i;
	return MB_OK;
}

const struct cli_opt cli_secrets_opts[] = { CLI_END };

int cmd_secrets(struct cli *cli, struct mb_doc *doc, int argc,
		char **argv)
{
	const char *arg = NULL;
	struct mb_secrets s;
	struct cli_parser p;
	size_t *sel, n;
	int id, st;

	cli_parser_init(&p, "secrets", cli_secrets_opts, argc, argv);
	while ((id = cli_next(&p, &cli->err)) != CLI_DONE)
		if (id != CLI_ARG)
			return cli_unexpected(cli, &p, id);
		else if ((st = cli_take_arg(cli, &p, &arg)) != 0)
			return st;
	st = mb_secrets_gather(doc, &s, &cli->err);
	if (st)
		return st;
	sel = mb_secrets_number(&s) ? NULL : calloc(s.n + 1, sizeof(*sel));
	n = 0;
	if (sel)
		st = select_under(cli, doc, &s, arg, sel, &n);
	else
		st = mb_error_set(&cli->err, MB_EFILE, "secrets", doc->path,
				  "out of memory");
	if (!st && cli->json)
		print_json(cli, &s, sel, n);
	else if (!st)
		print_text(cli, &s, sel, n);
	free(sel);
	mb_secrets_free(&s);
	return st;
}
