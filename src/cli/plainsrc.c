/* SPDX-License-Identifier: MIT */
/*
 * Where the metabase plaintexts come from beyond the file's own cribs
 * (plainsrc.h): --known PATH/PROP --password-file F|- (repeatable), the
 * machine keys and --no-cache. reveal, sam, and accounts/doctor/report
 * with --hives share one table and one reading of them, so a value the
 * administrator knows counts the same everywhere.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plainsrc.h"
#include "mb/path.h"

#define MAX_SECRET (64 * 1024)

const struct cli_opt cli_plainsrc_opts[] = {
	{ CLI_O_KNOWN, "known", 0, "PATH/PROP", "a value whose plaintext you "
	  "know (repeatable; each followed by --password-file)", 0, NULL },
	{ CLI_O_PASSWORD_FILE, "password-file", 0, "FILE|-", "the plaintext "
	  "of the --known before it", CLI_OPT_STDIN, NULL },
	CLI_INCLUDE(cli_key_opts),
	{ CLI_O_NO_CACHE, "no-cache", 0, NULL, "do not read or write the "
	  "signing-modulus cache", 0, NULL },
	CLI_END,
};

static int take_known(struct cli *cli, const char *cmd,
		      struct cli_plainsrc *s, int id, const char *val)
{
	struct cli_known *k = s->nknown ? &s->known[s->nknown - 1] : NULL;

	if (id == CLI_O_KNOWN) {
		if (s->nknown == CLI_MAX_KNOWN)
			return cli_usage(cli, cmd, "too many --known");
		s->known[s->nknown++].arg = val;
		return MB_OK;
	}
	if (!k || k->value)
		return cli_usage(cli, cmd, "--password-file F must follow "
				    "--known PATH/PROP");
	return cli_secret_file(cli, cmd, val, MAX_SECRET, &k->value,
				  &k->len);
}

int cli_plainsrc_option(struct cli *cli, const char *cmd,
			struct cli_plainsrc *s, int id, const char *val,
			int *st)
{
	*st = MB_OK;
	if (id == CLI_O_KNOWN || id == CLI_O_PASSWORD_FILE)
		*st = take_known(cli, cmd, s, id, val);
	else if (id == CLI_O_NO_CACHE)
		s->no_cache = 1;
	else if (!cli_keys_option(&s->keys, id, val))
		return 0;
	return 1;
}

int cli_plainsrc_check(struct cli *cli, const char *cmd,
		       const struct cli_plainsrc *s)
{
	size_t i;

	for (i = 0; i < s->nknown; i++)
		if (!s->known[i].value)
			return cli_usage(cli, cmd, "--known %s needs "
					    "--password-file F (or - for "
					    "stdin)", s->known[i].arg);
	return MB_OK;
}

int cli_plainsrc_given(const struct cli_plainsrc *s)
{
	return s->nknown || s->keys.signing || s->keys.exchange ||
	       s->no_cache;
}

void cli_plainsrc_free(struct cli_plainsrc *s)
{
	size_t i;

	for (i = 0; i < s->nknown; i++)
		cli_secret_free(s->known[i].value, s->known[i].len);
	cli_keys_free(&s->keys);
	free(s->msids);
	memset(s, 0, sizeof(*s));
}

/* The value of prop in effect at key (its own or inherited), or -1. */
size_t cli_secret_in_effect(const struct mb_secrets *s,
			    const struct mb_doc *doc, size_t key,
			    const char *prop)
{
	size_t i;

	for (; key != MB_NOKEY; key = mb_key_parent(&doc->keys[key]))
		for (i = mb_secrets_at(s, key);
		     i < s->n && s->v[i].key == key; i++)
			if (s->v[i].blob.kind != MB_BLOB_SESSION &&
			    strcasecmp(s->v[i].prop, prop) == 0)
				return i;
	return (size_t)-1;
}

int cli_secret_resolve(struct cli *cli, const char *cmd,
		       const struct mb_doc *doc, const struct mb_secrets *s,
		       const char *arg, int adsutil, size_t *out)
{
	struct mb_path path;
	size_t key;
	int st, known_prop;

	*out = (size_t)-1;
	st = mb_path_parse(arg, MB_PATH_PROP, &path, &cli->err);
	if (st)
		return st;
	key = mb_doc_find(doc, path.location);
	known_prop = mb_schema_prop(doc->schema, path.prop) != NULL;
	if (key == MB_NOKEY)
		st = cli_no_path(cli, cmd, arg, doc, path.location);
	else if ((*out = cli_secret_in_effect(s, doc, key, path.prop)) ==
		 (size_t)-1 && adsutil && known_prop)
		mb_buf_printf(&cli->out, "The parameter \"%s\" is not set "
			      "at this node.\n", path.prop);
	if (key != MB_NOKEY && *out == (size_t)-1)
		st = mb_error_set(&cli->err, known_prop ? MB_ENOTSET :
				  MB_EPROP, cmd, arg, "no secure value %s is "
				  "set at this key or above it", path.prop);
	mb_path_release(&path);
	return st;
}

int cli_plainsrc_apply(struct cli *cli, const char *cmd,
		       struct cli_plainsrc *src, const struct mb_doc *doc,
		       const struct mb_secrets *s, struct mb_reveal_item *items,
		       const size_t *item_of)
{
	size_t i;
	int st;

	for (i = 0; i < src->nknown; i++) {
		st = cli_secret_resolve(cli, cmd, doc, s, src->known[i].arg,
					0, &src->known[i].idx);
		if (st)
			return st;
		if (item_of[src->known[i].idx])
			items[item_of[src->known[i].idx] - 1].known =
				src->known[i].value;
	}
	return MB_OK;
}

/*
 * A --known the file contradicts: the administrator's premise is wrong,
 * and every comparison or command built on it would be too (exit 7, as
 * reveal's conflict).
 */
int cli_plainsrc_conflict(struct cli *cli, const char *cmd,
			  const struct cli_plainsrc *src,
			  const size_t *item_of,
			  const struct mb_reveal_report *rep)
{
	const struct mb_reveal_value *v;
	size_t i, it;

	for (i = 0; i < src->nknown; i++) {
		it = item_of[src->known[i].idx];
		if (!it)
			continue;
		v = &rep->values[it - 1];
		if (v->status == MB_REVEAL_CONFLICT)
			return mb_error_set(&cli->err, MB_ESECRET, cmd,
				src->known[i].arg, "the plaintext given with "
				"--known is not the stored value (%s); "
				"check it, or run without this --known",
				v->reason ? v->reason : "the file "
				"contradicts it");
	}
	return MB_OK;
}
