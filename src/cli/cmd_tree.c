/* SPDX-License-Identifier: MIT */
/*
 * tree [PATH] [--prop PROP]...: the key tree below PATH, and for each key
 * where each named property comes from (set here, inherited from which key,
 * or the schema default). ASCII drawing, as tree --charset=ascii.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "mb/json.h"
#include "mb/path.h"
#include "mb/query.h"
#include "mb/value.h"

#define MAX_PROPS 16

struct tree_run {
	struct cli *cli;
	const struct mb_doc *doc;
	struct mb_json j;
	struct mb_ref refs[MAX_PROPS];
	const char *names[MAX_PROPS];
	int nprops;
	struct mb_buf prefix;
};

static void origin_text(struct mb_buf *b, const struct mb_doc *doc,
			size_t key, const struct mb_result *r)
{
	if (r->origin == MB_ORIGIN_LOCAL)
		mb_buf_puts(b, "  (set here)");
	else if (r->origin == MB_ORIGIN_INHERITED)
		mb_buf_printf(b, "  (inherited from %s)", mb_path_display(
			doc->keys[r->value.key].location));
	else if (r->origin == MB_ORIGIN_DEFAULT)
		mb_buf_puts(b, "  (default)");
	(void)key;
}

static void value_text(struct mb_buf *b, const struct mb_prop *p,
		       const char *text)
{
	size_t n = 0, i;
	char **items;

	if (p->attrs & MB_ATTR_SECURE) {
		mb_buf_puts(b, "\"" MB_MASK "\"");
		return;
	}
	if (p->type != MB_T_MULTISZ && p->type != MB_T_MIMEMAP) {
		mb_buf_printf(b, "\"%s\"", text);
		return;
	}
	items = mb_value_list(text, &n);
	for (i = 0; items && i < n; i++)
		mb_buf_printf(b, "%s\"%s\"", i ? " " : "", items[i]);
	mb_value_free_list(items);
}

static void prop_line(struct tree_run *t, size_t key, int i, int more)
{
	struct mb_prop storage;
	const struct mb_prop *p = mb_ref_display_prop(&t->refs[i], &storage);
	struct mb_result r;
	const char *origin[] = { "local", "inherited", "default", "none" };

	if (mb_query_get(t->doc, key, &t->refs[i], 0, &r, NULL))
		return;
	if (t->cli->json) {
		mb_json_obj_begin(&t->j);
		mb_json_kstr(&t->j, "name", t->names[i]);
		mb_json_kstr(&t->j, "origin", origin[r.origin]);
		if (r.value.key != MB_NOKEY)
			mb_json_kstr(&t->j, "set_at", mb_path_display(
				t->doc->keys[r.value.key].location));
		mb_json_key(&t->j, "value");
		if (r.text && !cli_nothing_stored(p, &r))
			mb_value_json(&t->j, p, r.text);
		else
			mb_json_null(&t->j);
		mb_json_obj_end(&t->j);
	} else {
		mb_buf_printf(&t->cli->out, "%s%s    %s = ", t->prefix.data,
			      more ? "|" : " ", t->names[i]);
		if (cli_nothing_stored(p, &r))
			mb_buf_puts(&t->cli->out, "(nothing stored)");
		else if (r.text)
			value_text(&t->cli->out, p, r.text);
		else
			mb_buf_puts(&t->cli->out, "(not set)");
		if (!cli_nothing_stored(p, &r))
			origin_text(&t->cli->out, t->doc, key, &r);
		mb_buf_putc(&t->cli->out, '\n');
	}
	mb_result_release(&r);
}

static void walk(struct tree_run *t, size_t key, int last, int root)
{
	const struct mb_key *k = &t->doc->keys[key];
	const char *name = strrchr(k->location, '/');
	size_t saved = t->prefix.len, c;
	int i, kids = mb_key_first_child(k) != MB_NOKEY;

	name = root || !name ? mb_path_display(k->location) : name + 1;
	if (t->cli->json) {
		mb_json_obj_begin(&t->j);
		mb_json_kstr(&t->j, "path", mb_path_display(k->location));
		mb_json_key(&t->j, "keytype");
		mb_json_strn(&t->j, t->doc->buf + mb_key_elem(k).off,
			     k->elem_len);
		mb_json_key(&t->j, "properties");
		mb_json_arr_begin(&t->j);
	} else {
		mb_buf_printf(&t->cli->out, "%s%s%s [%.*s]\n", t->prefix.data,
			      root ? "" : (last ? "`-- " : "|-- "), name,
			      (int)k->elem_len,
			      t->doc->buf + mb_key_elem(k).off);
		if (!root)
			mb_buf_puts(&t->prefix, last ? "    " : "|   ");
	}
	for (i = 0; i < t->nprops; i++)
		prop_line(t, key, i, kids);
	if (t->cli->json) {
		mb_json_arr_end(&t->j);
		mb_json_key(&t->j, "children");
		mb_json_arr_begin(&t->j);
	}
	for (c = mb_key_first_child(k); c != MB_NOKEY; c = mb_key_next_sibling(&t->doc->keys[c]))
		walk(t, c, mb_key_next_sibling(&t->doc->keys[c]) == MB_NOKEY, 0);
	if (t->cli->json) {
		mb_json_arr_end(&t->j);
		mb_json_obj_end(&t->j);
	}
	t->prefix.len = saved;
	t->prefix.data[saved] = '\0';
}

const struct cli_opt cli_tree_opts[] = {
	{ CLI_O_PROP, "prop", 0, "PROP", "show where PROP comes from at each "
	  "key (repeatable)", 0, NULL },
	CLI_END,
};

static int parse_args(struct tree_run *t, int argc, char **argv,
		      const char **arg)
{
	struct cli_parser p;
	int id, st;

	cli_parser_init(&p, "tree", cli_tree_opts, argc, argv);
	while ((id = cli_next(&p, &t->cli->err)) != CLI_DONE) {
		if (id == CLI_O_PROP) {
			if (t->nprops == MAX_PROPS)
				return cli_usage(t->cli, "tree", "at most "
						 "%d --prop", MAX_PROPS);
			t->names[t->nprops++] = p.val;
		} else if (id != CLI_ARG) {
			return cli_unexpected(t->cli, &p, id);
		} else if ((st = cli_take_arg(t->cli, &p, arg)) != 0) {
			return st;
		}
	}
	return MB_OK;
}

static int resolve_all(struct tree_run *t, size_t key)
{
	int i, st = MB_OK;

	for (i = 0; i < t->nprops && !st; i++)
		st = mb_query_resolve(t->doc, key, t->names[i], &t->refs[i],
				      &t->cli->err);
	return st;
}

int cmd_tree(struct cli *cli, struct mb_doc *doc, int argc, char **argv)
{
	struct tree_run t;
	struct mb_path path;
	const char *arg = NULL;
	size_t key;
	int st, i;

	memset(&t, 0, sizeof(t));
	t.cli = cli;
	t.doc = doc;
	mb_buf_init(&t.prefix);
	mb_buf_puts(&t.prefix, "");
	memset(&path, 0, sizeof(path));
	st = parse_args(&t, argc, argv, &arg);
	if (!st)
		st = cli_find_key(cli, doc, "tree", arg, 0, &path, &key);
	if (!st)
		st = resolve_all(&t, key);
	if (!st) {
		mb_json_init(&t.j, &cli->out);
		walk(&t, key, 1, 1);
	}
	for (i = 0; i < t.nprops; i++)
		mb_ref_release(&t.refs[i]);
	mb_buf_release(&t.prefix);
	mb_path_release(&path);
	return st;
}
