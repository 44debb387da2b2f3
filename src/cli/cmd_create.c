/* SPDX-License-Identifier: MIT */
/*
 * create [--parents] [--force] PATH [KeyType], as adsutil CREATE: a new
 * empty key at its place in IIS's Location order, echoed as created "PATH".
 * The parent must exist, or --parents creates the missing ones. A key
 * created without a KeyType is an IIsConfigObject: adsutil's default class
 * has no KeyType, and the file writes such a key as the generic
 * IIsConfigObject (reference/metabase-format.md §1.2). The new Location
 * keeps the case of the existing parent as the file spells it, and the
 * typed case below it.
 * Each new key must be of a class its parent may hold (contain.c): the
 * nearest existing key for the first, the generic key above for the rest
 * of a --parents chain. --force creates it anyway, and also takes a
 * KeyType the schema does not know.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "mb/edit.h"
#include "mb/path.h"

#define GENERIC_KEYTYPE "IIsConfigObject"

struct create_req {
	const char *arg;
	const char *type_arg;
	const char *keytype;
	int parents;
	int force;
	struct mb_path path;
};

/* The schema's spelling of a KeyType typed in any case, or NULL. */
static const char *key_type(const struct mb_schema *sc, const char *typed)
{
	size_t i, n = mb_schema_nclasses(sc);

	if (strcasecmp(typed, "IIS_Global") == 0)
		return NULL;
	for (i = 0; i < n; i++) {
		const struct mb_class *c = mb_schema_class_at(sc, i);

		if (strcasecmp(c->name, typed) == 0)
			return c->name;
	}
	return NULL;
}

/* Length of the longest proper prefix (ending before a '/') that is a key. */
static size_t nearest(const struct mb_doc *doc, const char *loc, size_t *key)
{
	size_t n = strlen(loc);

	while (n > 0) {
		while (n > 0 && loc[n - 1] != '/')
			n--;
		if (n-- == 0)
			break;
		*key = n ? mb_doc_find_n(doc, loc, n) : mb_doc_find(doc, "/");
		if (*key != MB_NOKEY)
			return n;
	}
	*key = MB_NOKEY;
	return 0;
}

static int create_one(struct cli_wsess *s, const char *loc, const char *type)
{
	struct cli_change *c;
	int st;

	st = mb_edit_add_key(s->doc, &s->edits, loc, type, &s->cli->err);
	if (st)
		return st;
	mb_buf_printf(&s->echo, "created \"%s\"\n", mb_path_display(loc));
	c = cli_wsess_change(s, "create");
	if (!c)
		return s->cli->err.status;
	c->path = strdup(mb_path_display(loc));
	c->keytype = strdup(type);
	c->keys = 1;
	return MB_OK;
}

/*
 * One key of the chain below c's parent (none: the file has no ancestor
 * to check against); the key then becomes the parent of the next.
 */
static int link_key(struct cli_wsess *s, struct cli_contain *c, char **ploc,
		    const char *loc, const char *type)
{
	int st = MB_OK;

	c->child_type = type;
	if (c->parent_type)
		st = cli_contain(s->cli, s->doc->schema, c);
	if (!st)
		st = create_one(s, loc, type);
	free(*ploc);
	c->parent_loc = *ploc = strdup(loc);
	c->parent_type = GENERIC_KEYTYPE;
	if (!st && !*ploc)
		st = mb_error_set(&s->cli->err, MB_EFILE, "create", c->arg,
				  "out of memory");
	return st;
}

/* The missing keys from the nearest existing ancestor down to the path. */
static int create_chain(struct cli_wsess *s, struct create_req *r)
{
	const char *typed = r->path.location, *base = "";
	size_t key, n = nearest(s->doc, typed, &key), i;
	struct cli_contain c = { "create", r->arg, NULL, NULL, NULL, r->force };
	char ptype[128], *ploc = NULL;
	struct mb_buf loc;
	int st = MB_OK;

	if (key != MB_NOKEY) {
		c.parent_loc = s->doc->keys[key].location;
		c.parent_type = cli_keytype(s->doc, key, ptype,
					    sizeof(ptype));
		if (strcmp(c.parent_loc, "/") != 0)
			base = c.parent_loc;
	}
	if (!r->parents && strchr(typed + n + 1, '/'))
		return mb_error_set(&s->cli->err, MB_ENOPATH, "create", r->arg,
				    "the parent key %.*s does not exist: "
				    "create it first, or add --parents",
				    (int)(strrchr(typed, '/') - typed), typed);
	mb_buf_init(&loc);
	for (i = n + 1; !st; i++) {
		if (typed[i] != '/' && typed[i] != '\0')
			continue;
		mb_buf_reset(&loc);
		mb_buf_printf(&loc, "%s%.*s", base, (int)(i - n), typed + n);
		if (mb_buf_failed(&loc))
			st = mb_error_set(&s->cli->err, MB_EFILE, "create",
					  r->arg, "out of memory");
		else
			st = link_key(s, &c, &ploc, loc.data, typed[i] ?
				      GENERIC_KEYTYPE : r->keytype);
		if (!typed[i])
			break;
	}
	free(ploc);
	mb_buf_release(&loc);
	return st;
}

static int plan(struct cli_wsess *s, struct create_req *r)
{
	const char *loc = r->path.location;
	char *parent = strdup(loc), *slash;
	size_t have;
	int st;

	if (!parent)
		return mb_error_set(&s->cli->err, MB_EFILE, "create", r->arg,
				    "out of memory");
	slash = strrchr(parent, '/');
	if (slash) /* the parent of "/LM" is "/", not "" */
		slash[slash == parent] = '\0';
	st = cli_wsess_scope(s, (const char *const *)&parent, 1);
	free(parent);
	if (st)
		return st;
	if (!slash || strcmp(loc, "/") == 0 || strcmp(loc, "/LM") == 0)
		return cli_usage(s->cli, "create", "'%s' names no key to "
				 "create below /LM", r->arg);
	have = mb_doc_find(s->doc, loc);
	if (have != MB_NOKEY)
		return mb_error_set(&s->cli->err, MB_EUSAGE, "create", r->arg,
				    "the key already exists (%s)",
				    s->doc->keys[have].location);
	return create_chain(s, r);
}

/*
 * The KeyType as the schema spells it; one it does not know only with
 * --force, as typed (IIS would not know it either, so it must be meant).
 */
static int resolve_type(struct cli_wsess *s, struct create_req *r)
{
	if (!r->type_arg) {
		r->keytype = GENERIC_KEYTYPE;
		return MB_OK;
	}
	r->keytype = key_type(s->doc->schema, r->type_arg);
	if (r->keytype)
		return MB_OK;
	if (strcasecmp(r->type_arg, "IIS_Global") == 0)
		return cli_usage(s->cli, "create", "IIS_Global is the "
				 "file's own header key, not a KeyType to "
				 "create");
	r->keytype = r->type_arg;
	if (r->force)
		return MB_OK;
	return mb_error_set(&s->cli->err, MB_EPROP, "create", r->type_arg,
			    "unknown KeyType: not a class of the IIS schema; "
			    "use one such as IIsWebVirtualDir, "
			    "IIsWebDirectory, IIsWebServer, IIsApplicationPool "
			    "(--force creates it anyway)");
}

const struct cli_opt cli_create_opts[] = {
	{ CLI_O_PARENTS, "parents", 'p', NULL, "create missing parent keys "
	  "too (without KeyType)", 0, NULL },
	{ CLI_O_FORCE, "force", 0, NULL, "even where the parent may not hold "
	  "the KeyType, or the KeyType is unknown; also replace a read-only "
	  "metabase", 0, NULL },
	CLI_INCLUDE(cli_write_opts),
	CLI_END,
};

static int parse_args(struct cli_wsess *s, struct create_req *r, int argc,
		      char **argv)
{
	struct cli_parser p;
	int id, st;

	cli_parser_init(&p, "create", cli_create_opts, argc, argv);
	while ((id = cli_next(&p, &s->cli->err)) != CLI_DONE) {
		if ((st = cli_wsess_option(s, "create", id, p.word)) != 0) {
			if (st < 0)
				return MB_EUSAGE;
		} else if (id == CLI_O_PARENTS) {
			r->parents = 1;
		} else if (id == CLI_O_FORCE) {
			r->force = 1;
		} else if (id != CLI_ARG) {
			return cli_unexpected(s->cli, &p, id);
		} else if (!r->arg) {
			r->arg = p.val;
		} else if (!r->type_arg) {
			r->type_arg = p.val;
		} else {
			return cli_usage(s->cli, "create", "wrong number "
					 "of arguments");
		}
	}
	if (!r->arg)
		return cli_usage(s->cli, "create", "missing PATH");
	return resolve_type(s, r);
}

int cli_plan_create(struct cli_wsess *s, int argc, char **argv)
{
	struct create_req r;
	int st;

	memset(&r, 0, sizeof(r));
	st = parse_args(s, &r, argc, argv);
	if (!st)
		st = mb_path_parse(r.arg, 0, &r.path, &s->cli->err);
	if (st)
		return st;
	st = plan(s, &r);
	mb_path_release(&r.path);
	return st;
}

int cmd_create(struct cli *cli, struct mb_doc *doc, int argc,
	       char **argv)
{
	return cli_write(cli, doc, argc, argv, cli_plan_create);
}
