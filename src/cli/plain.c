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

#include <openssl/crypto.h>

#include "winside.h"

/*
 * What cli_plain_at reads, taken from the report, which then goes: its
 * values (bytes, statuses, the texts no command acts on) were a sixth of
 * a hosting file beside the accounts the commands collect next. Equal
 * blobs (one group) share one text: a hosting file repeats a password
 * at every site of an account.
 */
static int keep_values(struct cli_plain *p, struct mb_reveal_report *rep)
{
	struct mb_reveal_value *r;
	size_t i, *owner = calloc(rep->nvalues + 1, sizeof(*owner));

	p->v = calloc(rep->nvalues + 1, sizeof(*p->v));
	if (!p->v || !owner) {
		free(owner);
		return -1;
	}
	for (i = 0; i < rep->nvalues; i++) {
		r = &rep->values[i];
		/* Only a proven value counts: one that merely fits the cribs
		 * may be wrong, and acting on it would cause the very 401.1
		 * in question. */
		p->v[i].fits = r->status == MB_REVEAL_CONSISTENT && !r->proven;
		if (!r->proven || r->type != MB_T_STRING || !r->text)
			continue;
		/* (equal but for a --known, which only this input had) */
		if (r->group < rep->nvalues && owner[r->group] &&
		    strcmp(p->v[owner[r->group] - 1].text, r->text) == 0) {
			p->v[i].text = p->v[owner[r->group] - 1].text;
			continue;
		}
		if (r->group < rep->nvalues && !owner[r->group])
			owner[r->group] = i + 1;
		p->v[i].text = r->text; /* the report's free skips it */
		p->v[i].owns = 1;
		r->text = NULL;
	}
	free(owner);
	return 0;
}

int cli_plain_solve(struct cli *cli, const char *cmd,
		       const struct mb_doc *doc, struct cli_plainsrc *src,
		       struct cli_plain *p)
{
	struct mb_reveal_opts o;
	struct mb_reveal_report rep;
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
	o.text_only = 1;    /* a password is read as its text */
	st = mb_reveal_run(p->items, p->nitems, &o, &rep, &cli->err);
	/* the solver's input: not needed beside what the command builds
	 * next (item_of still maps a secret to its result) */
	free(p->items);
	p->items = NULL;
	if (st && st != MB_ESECRET) {
		mb_reveal_report_free(&rep);
		return st;
	}
	st = cli_plainsrc_conflict(cli, cmd, src, p->item_of, &rep);
	if (keep_values(p, &rep) && !st)
		st = mb_error_set(&cli->err, MB_EFILE, cmd, doc->path,
				  "out of memory");
	mb_reveal_report_free(&rep);
	return st;
}

const char *cli_plain_at(const struct cli_plain *p,
			 const struct mb_doc *doc, size_t key,
			 const char *prop, const char **why)
{
	size_t i = cli_secret_in_effect(&p->s, doc, key, prop);
	const struct cli_plainv *v;

	if (i == (size_t)-1) {
		*why = CLI_PLAIN_NONE;
		return NULL;
	}
	if (!p->v || !p->item_of[i])
		return NULL;
	v = &p->v[p->item_of[i] - 1];
	if (v->fits)
		*why = "its password fits the cribs but is not verified by "
		       "its signature";
	return v->text;
}

void cli_plain_free(struct cli_plain *p)
{
	size_t i;

	for (i = 0; p->v && i < p->nitems; i++)
		if (p->v[i].owns) {
			OPENSSL_cleanse(p->v[i].text, strlen(p->v[i].text));
			free(p->v[i].text);
		}
	free(p->v);
	free(p->items);
	free(p->item_of);
	mb_secrets_free(&p->s);
	memset(p, 0, sizeof(*p));
}
