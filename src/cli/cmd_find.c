/* SPDX-License-Identifier: MIT */
/*
 * find [--values] [PATH/]PROP: every key at or below PATH (default /LM)
 * that sets PROP itself, in file order, as adsutil FIND prints it.
 * adsutil's MDUTIL names find their property (AccessPerm -> AccessFlags,
 * mb/alias.h) after its two note lines; --json says "alias_of" instead.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "mb/alias.h"
#include "mb/json.h"
#include "mb/path.h"
#include "mb/query.h"
#include "mb/value.h"

/* A Custom-only name may live anywhere below the start key. */
static int resolve_below(struct cli *cli, const struct mb_doc *doc,
			 size_t start, const char *name, struct mb_ref *ref)
{
	size_t k;
	int st = mb_query_resolve(doc, start, name, ref, &cli->err);

	for (k = 0; st == MB_EPROP && k < doc->nkeys; k++)
		if (doc->keys[k].ncustoms && mb_doc_is_under(doc, start, k) &&
		    mb_query_resolve(doc, k, name, ref, NULL) == MB_OK)
			st = MB_OK;
	return st;
}

static void emit_one(struct cli *cli, struct mb_json *j,
		     const struct mb_doc *doc, size_t k,
		     const struct mb_prop *p, int values)
{
	const char *where = mb_path_display(doc->keys[k].location);
	struct mb_value v;
	char *text = NULL;

	if (values && mb_doc_local(doc, k, p, &v))
		text = mb_doc_text(doc, v.raw);
	if (cli->json) {
		mb_json_obj_begin(j);
		mb_json_kstr(j, "path", where);
		if (text) {
			mb_json_key(j, "value");
			mb_value_json(j, p, text);
		}
		mb_json_obj_end(j);
	} else if (text) {
		mb_buf_puts(&cli->out, "  ");
		mb_value_render(&cli->out, MB_STYLE_FIND, where, p, text, NULL);
	} else {
		mb_buf_printf(&cli->out, "  %s\n", where);
	}
	free(text);
}

static size_t emit(struct cli *cli, const struct mb_doc *doc,
		   size_t start, const struct mb_prop *p, const char *typed,
		   const struct mb_alias *alias, int values)
{
	const char *shown = alias ? alias->target : typed;
	struct mb_json j;
	struct mb_value v;
	size_t k, n = 0;

	mb_json_init(&j, &cli->out);
	if (cli->json) {
		mb_json_obj_begin(&j);
		mb_json_kstr(&j, "property", typed);
		if (alias)
			mb_json_kstr(&j, "alias_of", alias->target);
		mb_json_kstr(&j, "beneath",
			     mb_path_display(doc->keys[start].location));
		mb_json_key(&j, "found");
		mb_json_arr_begin(&j);
	}
	for (k = 0; k < doc->nkeys; k++) {
		if (!mb_doc_local(doc, k, p, &v) ||
		    !mb_doc_is_under(doc, start, k))
			continue;
		if (n++ == 0 && !cli->json)
			mb_buf_printf(&cli->out, "Property %s found at:\n",
				      shown);
		emit_one(cli, &j, doc, k, p, values);
	}
	if (cli->json) {
		mb_json_arr_end(&j);
		mb_json_obj_end(&j);
	}
	return n;
}

static int find_one(struct cli *cli, struct mb_doc *doc, const char *arg,
		    int values)
{
	const struct mb_alias *alias;
	struct mb_path path;
	struct mb_ref ref;
	const char *name;
	size_t key;
	int st;

	st = cli_find_key(cli, doc, "find", arg, MB_PATH_PROP, &path,
			  &key);
	if (st)
		return st;
	alias = mb_alias_find(path.prop);
	if (!mb_alias_maps(alias))
		alias = NULL;
	name = alias ? alias->target : path.prop;
	st = resolve_below(cli, doc, key, name, &ref);
	if (!st) {
		if (!cli->json)
			mb_alias_note(&cli->out, alias, path.prop);
		if (!emit(cli, doc, key, ref.prop, path.prop, alias, values) &&
		    !cli->json)
			mb_buf_printf(&cli->out, "Property %s was not found at "
				      "any node beneath %s\n", name,
				      mb_path_display(path.location));
		mb_ref_release(&ref);
	}
	mb_path_release(&path);
	return st;
}

const struct cli_opt cli_find_opts[] = {
	{ CLI_O_VALUES, "values", 0, NULL, "print each key's value too", 0,
	  NULL },
	CLI_END,
};

int cmd_find(struct cli *cli, struct mb_doc *doc, int argc,
	     char **argv)
{
	const char *arg = NULL;
	struct cli_parser p;
	int id, st, values = 0;

	cli_parser_init(&p, "find", cli_find_opts, argc, argv);
	while ((id = cli_next(&p, &cli->err)) != CLI_DONE) {
		if (id == CLI_O_VALUES)
			values = 1;
		else if (id != CLI_ARG)
			return cli_unexpected(cli, &p, id);
		else if ((st = cli_take_arg(cli, &p, &arg)) != 0)
			return st;
	}
	if (!arg)
		return cli_usage(cli, "find", "missing PROP");
	return find_one(cli, doc, arg, values);
}
