/* SPDX-License-Identifier: MIT */
/*
 * get [--local] PATH/PROP: the effective value, as adsutil GET prints it,
 * plus where it comes from. --local is strict adsutil: "not set at this
 * node" (exit 3) unless the key itself holds the value. adsutil's MDUTIL
 * names read their property (AccessPerm -> AccessFlags, mb/alias.h), after
 * its two note lines; --json says "alias_of" instead.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mb/alias.h"
#include "mb/json.h"
#include "mb/path.h"
#include "mb/query.h"
#include "mb/value.h"

static const char *origin_name(enum mb_origin o)
{
	switch (o) {
	case MB_ORIGIN_LOCAL: return "local";
	case MB_ORIGIN_INHERITED: return "inherited";
	case MB_ORIGIN_DEFAULT: return "default";
	default: return "none";
	}
}

/* The property as typed, and the alias it was (NULL when not one). */
struct get_name {
	const char *typed;
	const struct mb_alias *alias;
};

/* adsutil prints an alias's value under its property's name. */
static const char *shown_name(const struct get_name *n)
{
	return n->alias ? n->alias->target : n->typed;
}

static void print_json(struct cli *cli, const struct mb_doc *doc,
		       const char *path, const struct get_name *name,
		       const struct mb_prop *p, const struct mb_result *res)
{
	struct mb_json j;

	mb_json_init(&j, &cli->out);
	mb_json_obj_begin(&j);
	mb_json_kstr(&j, "path", path);
	mb_json_kstr(&j, "property", name->typed);
	if (name->alias)
		mb_json_kstr(&j, "alias_of", name->alias->target);
	mb_json_kstr(&j, "type", mb_value_tag(p));
	mb_json_kbool(&j, "secure", (p->attrs & MB_ATTR_SECURE) != 0);
	mb_json_kstr(&j, "origin", origin_name(res->origin));
	mb_json_key(&j, "set_at");
	if (res->value.key != MB_NOKEY)
		mb_json_str(&j, mb_path_display(
			doc->keys[res->value.key].location));
	else
		mb_json_null(&j);
	mb_json_key(&j, "value");
	if (res->text && !cli_nothing_stored(p, res))
		mb_value_json(&j, p, res->text);
	else
		mb_json_null(&j);
	mb_json_obj_end(&j);
}

static void print_text(struct cli *cli, const struct mb_doc *doc,
		       const char *shown, const struct mb_prop *p,
		       const struct mb_result *res)
{
	char suffix[1200];

	if (cli_nothing_stored(p, res)) {
		mb_buf_printf(&cli->out, "%-32s: (%s) (nothing stored)\n", shown,
			      mb_value_tag(p));
		return;
	}
	suffix[0] = '\0';
	if (res->origin == MB_ORIGIN_INHERITED)
		snprintf(suffix, sizeof(suffix), "  (inherited from %s)",
			 mb_path_display(doc->keys[res->value.key].location));
	else if (res->origin == MB_ORIGIN_DEFAULT)
		snprintf(suffix, sizeof(suffix), "  (default)");
	mb_value_render(&cli->out, MB_STYLE_GET, shown, p, res->text, suffix);
}

static int not_allowed(struct cli *cli, const struct mb_doc *doc,
		       size_t key, const struct mb_ref *ref, const char *arg)
{
	char *who = mb_query_holders(doc->schema, ref->prop);
	const struct mb_key *k = &doc->keys[key];
	int st;

	st = mb_error_set(&cli->err, MB_EPROP, "get", arg,
		"%s is not allowed at a key of type %.*s (this property is "
		"probably not allowed at this node); key types that may hold "
		"it: %s", ref->prop->name, (int)k->elem_len,
		doc->buf + mb_key_elem(k).off, who && *who ? who : "none");
	free(who);
	return st;
}

static int show(struct cli *cli, struct mb_doc *doc, size_t key,
		const struct mb_ref *ref, const char *arg,
		const struct get_name *name, int local)
{
	const char *shown = shown_name(name);
	struct mb_prop storage;
	const struct mb_prop *p = mb_ref_display_prop(ref, &storage);
	struct mb_result res;
	int st;

	/* adsutil's MimeMap handler prints the name as the schema has it */
	if (p->type == MB_T_MIMEMAP)
		shown = p->name;

	st = mb_query_get(doc, key, ref, local, &res, &cli->err);
	if (st)
		return st;
	if (res.origin != MB_ORIGIN_LOCAL && !mb_query_allowed(doc, key, ref)) {
		mb_result_release(&res);
		return not_allowed(cli, doc, key, ref, arg);
	}
	if (res.origin == MB_ORIGIN_NONE) {
		/* --json: the same object with origin "none", value null. */
		if (cli->json)
			print_json(cli, doc, mb_path_display(
				   doc->keys[key].location), name, p, &res);
		else
			mb_buf_printf(&cli->out, "The parameter \"%s\" is not "
				      "set at this node.\n", shown);
		mb_result_release(&res);
		return mb_error_set(&cli->err, MB_ENOTSET, "get", arg,
				    "not set at this node");
	}
	if (cli->json)
		print_json(cli, doc, mb_path_display(doc->keys[key].location),
			   name, p, &res);
	else
		print_text(cli, doc, shown, p, &res);
	mb_result_release(&res);
	return MB_OK;
}

static int get_one(struct cli *cli, struct mb_doc *doc, const char *arg,
		   int local)
{
	struct mb_path path;
	struct get_name name;
	struct mb_ref ref;
	size_t key;
	int st;

	st = cli_find_key(cli, doc, "get", arg, MB_PATH_PROP, &path, &key);
	if (st)
		return st;
	name.typed = path.prop;
	name.alias = mb_alias_find(path.prop);
	if (!mb_alias_maps(name.alias))
		name.alias = NULL;
	st = mb_query_resolve(doc, key, shown_name(&name), &ref, &cli->err);
	if (!st) {
		if (!cli->json)
			mb_alias_note(&cli->out, name.alias, path.prop);
		st = show(cli, doc, key, &ref, arg, &name, local);
		mb_ref_release(&ref);
	}
	mb_path_release(&path);
	return st;
}

const struct cli_opt cli_get_opts[] = {
	{ CLI_O_LOCAL, "local", 0, NULL, "strict adsutil: exit 3 unless the "
	  "key itself holds the value", 0, NULL },
	CLI_END,
};

int cmd_get(struct cli *cli, struct mb_doc *doc, int argc, char **argv)
{
	const char *arg = NULL;
	struct cli_parser p;
	int id, st, local = 0;

	cli_parser_init(&p, "get", cli_get_opts, argc, argv);
	while ((id = cli_next(&p, &cli->err)) != CLI_DONE) {
		if (id == CLI_O_LOCAL)
			local = 1;
		else if (id != CLI_ARG)
			return cli_unexpected(cli, &p, id);
		else if ((st = cli_take_arg(cli, &p, &arg)) != 0)
			return st;
	}
	if (!arg)
		return cli_usage(cli, "get", "missing PATH/PROP");
	return get_one(cli, doc, arg, local);
}
