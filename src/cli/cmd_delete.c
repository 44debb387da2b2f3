/* SPDX-License-Identifier: MIT */
/*
 * delete PATH/PROP | delete PATH/ [--yes], as adsutil DELETE: without a
 * trailing '/', the property's local value is removed (the key then
 * inherits) and "deleted property "PROP"" is echoed; with one, or when
 * PROP names no property but a child key, the key and its whole subtree
 * go ("deleted path "/W3SVC/1""), after a y/N prompt on a terminal or
 * with --yes.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mb/edit.h"
#include "mb/path.h"
#include "mb/query.h"

static size_t subtree_size(const struct mb_doc *doc, size_t key)
{
	size_t k, n = 0;

	for (k = 0; k < doc->nkeys; k++)
		n += mb_doc_is_under(doc, key, k) != 0;
	return n;
}

static int delete_key(struct cli_wsess *s, const char *arg,
		      const char *location)
{
	size_t key = mb_doc_find(s->doc, location), n;
	const char *shown;
	char what[1400];
	struct cli_change *c;
	int st;

	if (key == MB_NOKEY)
		return cli_no_path(s->cli, "delete", arg, s->doc, location);
	shown = mb_path_display(s->doc->keys[key].location);
	n = subtree_size(s->doc, key);
	snprintf(what, sizeof(what), "delete %s and the %zu key%s below it "
		 "from %s", shown, n - 1, n == 2 ? "" : "s", s->orig->path);
	st = cli_wsess_confirm(s, "delete", what);
	if (!st)
		st = mb_edit_remove_key(s->doc, &s->edits, key, &s->cli->err);
	if (st)
		return st;
	mb_buf_printf(&s->echo, "deleted path \"/%s\"\n", shown);
	c = cli_wsess_change(s, "delete");
	if (!c)
		return s->cli->err.status;
	c->path = strdup(shown);
	c->keys = n;
	return MB_OK;
}

static int delete_prop(struct cli_wsess *s, size_t key, const char *typed,
		       const struct mb_ref *ref)
{
	struct mb_value v;
	struct cli_change *c;
	char *prev = NULL;
	int removed, st;

	if (ref->flag)
		return cli_usage(s->cli, "delete", "%s is one bit of %s: "
				 "'set PATH/%s FALSE' clears it, 'delete "
				 "PATH/%s' removes the whole value", typed,
				 ref->prop->name, typed, ref->prop->name);
	if (mb_doc_local(s->doc, key, ref->prop, &v))
		prev = mb_doc_text(s->doc, v.raw);
	st = mb_edit_unset(s->doc, &s->edits, key, ref->prop, &removed,
			   &s->cli->err);
	if (!st && !(c = cli_wsess_change(s, "delete")))
		st = s->cli->err.status;
	if (st) {
		free(prev);
		return st;
	}
	mb_buf_printf(&s->echo, "deleted property \"%s\"\n", typed);
	c->path = strdup(mb_path_display(s->doc->keys[key].location));
	c->prop = strdup(typed);
	c->type = *ref->prop;
	c->type.name = NULL;
	c->previous = prev;
	c->done = removed > 0;
	return MB_OK;
}

/* Not a property: adsutil then deletes the child key of that name. */
static int prop_or_child(struct cli_wsess *s, const char *arg,
			 const struct mb_path *p)
{
	size_t key = mb_doc_find(s->doc, p->location), child;
	struct mb_ref ref;
	char *loc;
	int st;

	if (key == MB_NOKEY)
		return cli_no_path(s->cli, "delete", arg, s->doc,
				   p->location);
	if (mb_query_resolve(s->doc, key, p->prop, &ref, NULL) == MB_OK) {
		st = delete_prop(s, key, p->prop, &ref);
		mb_ref_release(&ref);
		return st;
	}
	loc = malloc(strlen(p->location) + strlen(p->prop) + 2);
	if (!loc)
		return mb_error_set(&s->cli->err, MB_EFILE, "delete", arg,
				    "out of memory");
	sprintf(loc, "%s/%s", p->location, p->prop);
	child = mb_doc_find(s->doc, loc);
	if (child != MB_NOKEY)
		st = delete_key(s, arg, loc);
	else
		st = mb_error_set(&s->cli->err, MB_EPROP, "delete", arg,
				  "no property or key named '%s' at %s: the "
				  "IIS 6.0 schema has no such property and the "
				  "key has no such child", p->prop,
				  mb_path_display(p->location));
	free(loc);
	return st;
}

const struct cli_opt cli_delete_opts[] = {
	{ CLI_O_YES, "yes", 'y', NULL, "delete a key (PATH/) without asking",
	  0, NULL },
	CLI_INCLUDE(cli_write_opts),
	CLI_INCLUDE(cli_force_opts),
	CLI_END,
};

int cli_plan_delete(struct cli_wsess *s, int argc, char **argv)
{
	const char *arg = NULL, *loc;
	struct mb_path p;
	struct cli_parser ps;
	int id, st;

	cli_parser_init(&ps, "delete", cli_delete_opts, argc, argv);
	while ((id = cli_next(&ps, &s->cli->err)) != CLI_DONE) {
		if ((st = cli_wsess_option(s, "delete", id, ps.word)) != 0) {
			if (st < 0)
				return MB_EUSAGE;
		} else if (id != CLI_ARG) {
			return cli_unexpected(s->cli, &ps, id);
		} else if ((st = cli_take_arg(s->cli, &ps, &arg)) != 0) {
			return st;
		}
	}
	if (!arg)
		return cli_usage(s->cli, "delete", "missing PATH/PROP");
	st = mb_path_parse(arg, MB_PATH_PROP, &p, &s->cli->err);
	if (st)
		return st;
	loc = p.location;
	st = cli_wsess_scope(s, &loc, 1);
	if (!st && p.trailing_slash) {
		mb_path_release(&p);
		st = mb_path_parse(arg, 0, &p, &s->cli->err);
		if (!st)
			st = delete_key(s, arg, p.location);
	} else if (!st) {
		st = prop_or_child(s, arg, &p);
	}
	mb_path_release(&p);
	return st;
}

int cmd_delete(struct cli *cli, struct mb_doc *doc, int argc,
	       char **argv)
{
	return cli_write(cli, doc, argc, argv, cli_plan_delete);
}
