/* SPDX-License-Identifier: MIT */
/*
 * Key containment for create, copy and move (and their batch lines): a
 * new key must be of a class its parent's ContainerClassList names, as ADSI
 * checks when it creates a key (mb_schema_may_contain). A file that breaks
 * the rule holds a key IIS would never have made; --force writes it anyway.
 * IIS's own setup breaks it (/LM/Logging below IIsComputer, the templates
 * below a generic key), so only new keys are checked, never existing ones.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mb/path.h"

/* What --force does, for the message: "--force creates it anyway". */
static const char *force_text(const char *cmd)
{
	if (strcmp(cmd, "copy") == 0)
		return "--force copies it anyway";
	if (strcmp(cmd, "move") == 0)
		return "--force moves it anyway";
	return "--force creates it anyway";
}

/* A ContainerClassList as "A, B, C" (blanks of a loaded schema dropped). */
static void list_text(struct mb_buf *b, const char *list)
{
	const char *p;
	int item = 0, any = 0;

	for (p = list; *p; p++) {
		if (*p == ',') {
			item = 0;
			continue;
		}
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			continue;
		if (!item && any)
			mb_buf_append(b, ", ", 2);
		mb_buf_append(b, p, 1);
		item = any = 1;
	}
}

static int generic(const char *type)
{
	return strcmp(type, "IIsConfigObject") == 0;
}

/* "the parent P (T) may hold A, B, not C", the generic key said plainly. */
static int refuse(struct cli *cli, const struct cli_contain *c,
		  const char *list)
{
	struct mb_buf b;
	int st;

	mb_buf_init(&b);
	mb_buf_printf(&b, "the parent %s (%s%s) may hold ",
		      mb_path_display(c->parent_loc), c->parent_type,
		      generic(c->parent_type) ? ", a key without KeyType: "
		      "ADSI's IIsObject" : "");
	list_text(&b, list);
	if (!*list)
		mb_buf_printf(&b, "no keys");
	else if (generic(c->child_type))
		mb_buf_printf(&b, ", not a key without KeyType (%s)",
			      c->child_type);
	else
		mb_buf_printf(&b, ", not %s", c->child_type);
	st = mb_error_set(&cli->err, MB_EPROP, c->cmd, c->arg, "%s: IIS "
			  "refuses such a key (%s)", mb_buf_failed(&b) ?
			  "the parent may not hold it" : b.data,
			  force_text(c->cmd));
	mb_buf_release(&b);
	return st;
}

int cli_contain(struct cli *cli, const struct mb_schema *sc,
		const struct cli_contain *c)
{
	const char *list = mb_schema_containers(sc, c->parent_type);
	int may = mb_schema_may_contain(sc, c->parent_type, c->child_type);

	if (may == 1 || c->force)
		return MB_OK;
	if (!list)
		return mb_error_set(&cli->err, MB_EPROP, c->cmd, c->arg,
				    "the parent %s (%s) is of a KeyType the "
				    "schema does not know, so what it may hold "
				    "cannot be checked (%s)",
				    mb_path_display(c->parent_loc),
				    c->parent_type, force_text(c->cmd));
	if (may < 0)
		return mb_error_set(&cli->err, MB_EPROP, c->cmd, c->arg,
				    "%s is a KeyType the schema does not know, "
				    "so where it may go cannot be checked (%s)",
				    c->child_type, force_text(c->cmd));
	return refuse(cli, c, list);
}

const char *cli_keytype(const struct mb_doc *doc, size_t key, char *buf,
			size_t size)
{
	const struct mb_key *k = &doc->keys[key];

	snprintf(buf, size, "%.*s", (int)k->elem_len,
		 doc->buf + mb_key_elem(k).off);
	return buf;
}
