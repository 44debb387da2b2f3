/* SPDX-License-Identifier: MIT */
/*
 * The metabase passwords the solver recovers, by key (winside.h): the
 * secrets of the file go to mb_reveal_run as reveal --all sends them, and
 * a level's password is the value in effect there, with what the
 * administrator knows (plainsrc.h: --known, the machine keys) added. sam
 * prints commands from them; --hives compares them with the SAM.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "winside.h"

int cli_plain_solve(struct cli *cli, const char *cmd,
		       const struct mb_doc *doc, struct cli_plainsrc *src,
		       struct cli_plain *p)
{
	struct mb_reveal_opts o;
	int st;

	st = mb_secrets_gather(doc, &p->s, &cli->err);
	if (!st && mb_secrets_items(&p->s, &p->items, &p->item_of,
				    &p->nitems))
		st = mb_error_set(&cli->err, MB_EFILE, cmd, doc->path,
				  "out of memory");
	if (!st)
		st = cli_plainsrc_apply(cli, cmd, src, doc, &p->s, p->items,
					p->item_of);
	if (!st)
		st = cli_solver_opts(cli, &p->s, src, &o);
	if (st)
		return st;
	o.strings_only = 1; /* passwords only: an AdminACL is a crib here */
	st = mb_reveal_run(p->items, p->nitems, &o, &p->rep, &cli->err);
	if (st && st != MB_ESECRET)
		return st;
	p->have_rep = 1;
	return cli_plainsrc_conflict(cli, cmd, src, p->item_of, &p->rep);
}

const char *cli_plain_at(const struct cli_plain *p,
			 const struct mb_doc *doc, size_t key,
			 const char *prop, const char **why)
{
	size_t i = cli_secret_in_effect(&p->s, doc, key, prop);
	const struct mb_reveal_value *v;

	if (i == (size_t)-1) {
		*why = CLI_PLAIN_NONE;
		return NULL;
	}
	if (!p->have_rep || !p->item_of[i])
		return NULL;
	v = &p->rep.values[p->item_of[i] - 1];
	/* Only a proven value counts: one that merely fits the cribs may be
	 * wrong, and acting on it would cause the very 401.1 in question. */
	if (v->status == MB_REVEAL_CONSISTENT && !v->proven)
		*why = "its password fits the cribs but is not verified by "
		       "its signature";
	if (!v->proven || v->type != MB_T_STRING || !v->text)
		return NULL;
	return v->text;
}

void cli_plain_free(struct cli_plain *p)
{
	if (p->have_rep)
		mb_reveal_report_free(&p->rep);
	free(p->items);
	free(p->item_of);
	mb_secrets_free(&p->s);
	memset(p, 0, sizeof(*p));
}
