/* SPDX-License-Identifier: MIT */
/*
 * copy SRC DST and move SRC DST, as adsutil COPY/MOVE: a key and its whole
 * subtree, echoed as "copied from /W3SVC/1 to /W3SVC/2" ("moved from ...").
 * Every copied key's Location is rewritten, and so is every AppRoot in the
 * subtree that points into it; everything else, secure values included,
 * is copied byte for byte. DST must not exist; its parent must, and its
 * class must be one that may hold the copied key's (contain.c; --force
 * copies anyway). Only that top link is checked: the subtree keeps its
 * own, as it was.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "mb/edit.h"
#include "mb/path.h"

struct copy_req {
	const char *cmd;   /* "copy" or "move" */
	int move;
	const char *src_arg, *dst_arg;
	int force;
	struct mb_path src, dst;
};

static int is_root(const char *loc)
{
	return strcmp(loc, "/") == 0 || strcmp(loc, ".") == 0 ||
	       strcasecmp(loc, "/LM") == 0;
}

static int record(struct cli_wsess *s, const struct copy_req *r, size_t src,
		  const char *to, size_t n)
{
	const char *from = mb_path_display(s->doc->keys[src].location);
	struct cli_change *c;

	mb_buf_printf(&s->echo, "%s from /%s to /%s\n",
		      r->move ? "moved" : "copied", from, mb_path_display(to));
	c = cli_wsess_change(s, r->cmd);
	if (!c)
		return s->cli->err.status;
	c->path = strdup(from);
	c->to = strdup(mb_path_display(to));
	c->keys = n;
	return MB_OK;
}

/* May the destination's parent hold a key of the source's class? */
static int may_hold(struct cli_wsess *s, const struct copy_req *r,
		    size_t parent, size_t src)
{
	struct cli_contain c = { r->cmd, r->dst_arg, NULL, NULL, NULL,
				r->force };
	char ptype[128], ctype[128];

	c.parent_loc = s->doc->keys[parent].location;
	c.parent_type = cli_keytype(s->doc, parent, ptype, sizeof(ptype));
	c.child_type = cli_keytype(s->doc, src, ctype, sizeof(ctype));
	return cli_contain(s->cli, s->doc->schema, &c);
}

static int plan(struct cli_wsess *s, struct copy_req *r)
{
	char *dparent = strdup(r->dst.location), *slash;
	const char *scope[2] = { r->src.location, dparent };
	size_t src, parent, n = 0;
	char *to;
	int st;

	/* The destination's parent: its neighbours fix where DST goes. */
	if (dparent && (slash = strrchr(dparent, '/')) != NULL)
		slash[slash == dparent] = '\0';
	if (dparent)
		st = cli_wsess_scope(s, scope, 2);
	else
		st = mb_error_set(&s->cli->err, MB_EFILE, r->cmd, NULL,
				  "out of memory");
	free(dparent);
	if (st)
		return st;
	src = mb_doc_find(s->doc, r->src.location);
	if (src == MB_NOKEY)
		return cli_no_path(s->cli, r->cmd, r->src_arg, s->doc,
				   r->src.location);
	if (is_root(s->doc->keys[src].location) || is_root(r->dst.location))
		return cli_usage(s->cli, r->cmd, "the root keys (/, /LM, "
				 "IIS_Global) cannot be copied or moved");
	to = cli_new_location(s->doc, r->dst.location, &parent);
	if (!to)
		return mb_error_set(&s->cli->err, MB_EFILE, r->cmd, NULL,
				    "out of memory");
	if (parent == MB_NOKEY)
		st = mb_error_set(&s->cli->err, MB_ENOPATH, r->cmd, r->dst_arg,
				  "the parent of the destination does not "
				  "exist: create it first");
	else
		st = may_hold(s, r, parent, src);
	if (!st)
		st = mb_edit_copy_tree(s->doc, &s->edits, src, to, &n,
				       &s->cli->err);
	if (!st && r->move)
		st = mb_edit_remove_key(s->doc, &s->edits, src, &s->cli->err);
	if (!st)
		st = record(s, r, src, to, n);
	free(to);
	return st;
}

const struct cli_opt cli_copy_opts[] = {
	{ CLI_O_FORCE, "force", 0, NULL, "even where DST's parent may not hold "
	  "SRC's KeyType; also replace a read-only metabase", 0, NULL },
	CLI_INCLUDE(cli_write_opts),
	CLI_END,
};

int cli_plan_copy(struct cli_wsess *s, int argc, char **argv)
{
	struct copy_req r;
	struct cli_parser p;
	int id, st;

	memset(&r, 0, sizeof(r));
	r.move = strcmp(argv[0], "move") == 0;
	r.cmd = r.move ? "move" : "copy";
	cli_parser_init(&p, r.cmd, cli_copy_opts, argc, argv);
	while ((id = cli_next(&p, &s->cli->err)) != CLI_DONE) {
		if ((st = cli_wsess_option(s, r.cmd, id, p.word)) != 0) {
			if (st < 0)
				return MB_EUSAGE;
		} else if (id == CLI_O_FORCE) {
			r.force = 1;
		} else if (id != CLI_ARG) {
			return cli_unexpected(s->cli, &p, id);
		} else if (!r.src_arg) {
			r.src_arg = p.val;
		} else if (!r.dst_arg) {
			r.dst_arg = p.val;
		} else {
			return cli_usage(s->cli, r.cmd, "wrong number of "
					 "arguments");
		}
	}
	if (!r.dst_arg)
		return cli_usage(s->cli, r.cmd, "missing %s",
				 r.src_arg ? "DST" : "SRC and DST");
	st = mb_path_parse(r.src_arg, 0, &r.src, &s->cli->err);
	if (!st && (st = mb_path_parse(r.dst_arg, 0, &r.dst,
				       &s->cli->err)) == MB_OK)
		st = plan(s, &r);
	mb_path_release(&r.src);
	mb_path_release(&r.dst);
	return st;
}

int cmd_copy(struct cli *cli, struct mb_doc *doc, int argc, char **argv)
{
	return cli_write(cli, doc, argc, argv, cli_plan_copy);
}
