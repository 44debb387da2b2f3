/* SPDX-License-Identifier: MIT */
/*
 * reveal [PATH/PROP]... | reveal --all: the plaintext of secure values
 * (SPEC section 4). Every secure value of the file goes to the solver (they
 * are cribs for each other); the requested ones are printed with how much
 * was recovered. Known plaintexts come from --password-file (never argv);
 * -o FILE writes the plaintext to a new file of mode 0600. Exit 6 when a
 * requested value is damaged in the file; exit 7 when one is not fully
 * recovered (under --all: a password; an AdminACL only when named).
 * Printed strings escape \ and ".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli.h"
#include "plainsrc.h"
#include "winside.h"
#include "mb/crypt.h"
#include "mb/json.h"
#include "mb/path.h"
#include "mb/reveal.h"

#define MAX_ARGS 64

struct rv {
	struct cli *cli;
	struct mb_doc *doc;
	int all;
	const char *out_file;
	struct cli_hives h;     /* --hives; src: --known, the machine keys,
				   --no-cache */
	const char *want[MAX_ARGS];
	size_t nwant;
	size_t sel[MAX_ARGS];   /* secret index per want */
	struct mb_secrets s;
	struct mb_reveal_item *items;
	size_t *item_of;        /* secret index -> item index + 1, 0 = none */
	size_t nitems;
	struct mb_reveal_report rep;
	int have_rep;
};

const struct cli_opt cli_reveal_opts[] = {
	{ CLI_O_ALL, "all", 0, NULL, "every secure value of the file", 0,
	  NULL },
	{ CLI_O_HIVES, "hives", 0, "DIR|auto", "the server's SAM and SYSTEM "
	  "hives (or a Windows root): its own SIDs, which an AdminACL may "
	  "name and no other value of the file supplies", 0, NULL },
	CLI_INCLUDE(cli_plainsrc_opts),
	{ CLI_O_OUTPUT, "output", 'o', "FILE", "write the plaintexts to FILE "
	  "(created mode 0600)", 0, NULL },
	CLI_END,
};

static int take_option(struct rv *r, int id, const char *v)
{
	int st;

	if (id == CLI_O_OUTPUT)
		r->out_file = v;
	else if (id == CLI_O_ALL)
		r->all = 1;
	else if (!cli_hives_option(r->cli, "reveal", &r->h, id, v, &st))
		return cli_usage(r->cli, "reveal", "'%s' is not handled "
				    "here", v ? v : "?");
	else
		return st;
	return MB_OK;
}

static int parse_args(struct rv *r, int argc, char **argv)
{
	struct cli_parser p;
	int id, st;

	cli_parser_init(&p, "reveal", cli_reveal_opts, argc, argv);
	while ((id = cli_next(&p, &r->cli->err)) != CLI_DONE) {
		if (id < CLI_ARG)
			return cli_unexpected(r->cli, &p, id);
		if (id > 0 && (st = take_option(r, id, p.val)) != 0)
			return st;
		if (id == CLI_ARG && r->nwant == MAX_ARGS)
			return cli_usage(r->cli, "reveal", "too many paths");
		if (id == CLI_ARG)
			r->want[r->nwant++] = p.val;
	}
	if ((st = cli_plainsrc_check(r->cli, "reveal", &r->h.src)))
		return st;
	if (!r->all && !r->nwant)
		return cli_usage(r->cli, "reveal", "name PATH/PROP values "
				 "or --all");
	return MB_OK;
}

/*
 * The values the arguments name (the key's own, or inherited); adsutil's
 * own line first when the property is real but not set there.
 */
static int resolve_all(struct rv *r)
{
	size_t i;
	int st;

	for (i = 0; i < r->nwant; i++)
		if ((st = cli_secret_resolve(r->cli, "reveal", r->doc, &r->s,
					     r->want[i], 1, &r->sel[i])))
			return st;
	return MB_OK;
}

static int build_items(struct rv *r)
{
	if (mb_secrets_items(&r->s, &r->items, &r->item_of, &r->nitems))
		return mb_error_set(&r->cli->err, MB_EFILE, "reveal",
				    r->doc->path, "out of memory");
	return cli_plainsrc_apply(r->cli, "reveal", &r->h.src, r->doc, &r->s,
				  r->items, r->item_of);
}

/* A password-protected backup or export: say so (SPEC 4.5). */
static void check_session(struct rv *r, const struct mb_blob *b,
			  struct mb_buf *note)
{
	struct mb_simpleblob sb;
	struct mb_error e;

	mb_error_clear(&e);
	if (!b)
		return;
	if (mb_blob_session_info(b, &sb, &e) == MB_OK &&
	    mb_blob_session_check(&sb, &e) == MB_OK)
		return;
	mb_buf_printf(note, "note: %s\n", e.reason);
	(void)r;
}

static int solve(struct rv *r, struct mb_buf *note)
{
	struct mb_reveal_opts o;
	int st;

	st = cli_hives_load(r->cli, "reveal", r->doc, &r->h);
	if (!st)
		st = cli_solver_opts(r->cli, &r->s, &r->h.src, &o);
	if (st)
		return st;
	check_session(r, o.session, note);
	o.text_only = 1; /* what is printed is each value's text */
	st = mb_reveal_run(r->items, r->nitems, &o, &r->rep, &r->cli->err);
	/* the solver's input: not needed beside the lines made next */
	free(r->items);
	r->items = NULL;
	if (st && st != MB_ESECRET)
		return st;
	r->have_rep = 1;
	return MB_OK;
}

static void value_name(const struct mb_secret *e, char *out, size_t n)
{
	size_t l = strlen(e->label);

	snprintf(out, n, "%s%s%s", e->label,
		 l && e->label[l - 1] == '/' ? "" : "/", e->prop);
}

/* The report entry of secret i, or NULL (damaged blob). */
static const struct mb_reveal_value *value_of(const struct rv *r, size_t i)
{
	return r->item_of[i] ? &r->rep.values[r->item_of[i] - 1] : NULL;
}

static int recovered(const struct mb_reveal_value *v)
{
	return v && (v->status == MB_REVEAL_VERIFIED ||
		     v->status == MB_REVEAL_CONSISTENT);
}

/* "text" with \ and " escaped, so that the quotes end the value. */
static void quoted(struct mb_buf *b, const char *text)
{
	mb_buf_putc(b, '"');
	for (; *text; text++) {
		if (*text == '"' || *text == '\\')
			mb_buf_putc(b, '\\');
		mb_buf_putc(b, *text);
	}
	mb_buf_putc(b, '"');
}

static void text_line(const struct rv *r, size_t i, int width,
		      struct mb_buf *b)
{
	const struct mb_secret *e = &r->s.v[i];
	const struct mb_reveal_value *v = value_of(r, i);
	char name[1200];

	value_name(e, name, sizeof(name));
	if (!v) {
		mb_buf_printf(b, "%-*s  error  -  (%s)\n", width, name,
			      e->error);
		return;
	}
	mb_buf_printf(b, "%-*s  %-10s  %zu/%zu  ", width, name,
		      mb_reveal_status_name(v->status), v->units_known,
		      v->units_total);
	if (v->type == MB_T_STRING)
		quoted(b, v->text ? v->text : "");
	else
		mb_buf_puts(b, v->text ? v->text : "");
	mb_buf_putc(b, '\n');
	if (v->status != MB_REVEAL_VERIFIED && v->reason)
		mb_buf_printf(b, "    %s\n", v->reason);
}

static void json_value(const struct rv *r, size_t i, struct mb_json *j)
{
	const struct mb_secret *e = &r->s.v[i];
	const struct mb_reveal_value *v = value_of(r, i);

	mb_json_obj_begin(j);
	mb_json_kstr(j, "path", e->label);
	mb_json_kstr(j, "property", e->prop);
	mb_json_kstr(j, "status", v ? mb_reveal_status_name(v->status)
				   : "error");
	mb_json_kint(j, "known", v ? (long long)v->units_known : 0);
	mb_json_kint(j, "total", v ? (long long)v->units_total : 0);
	mb_json_kstr(j, "unit", v && v->type == MB_T_STRING ? "chars"
							    : "bytes");
	mb_json_key(j, "text");
	if (v && v->text)
		mb_json_str(j, v->text);
	else
		mb_json_null(j);
	mb_json_key(j, "method");
	if (v && v->method)
		mb_json_str(j, v->method);
	else
		mb_json_null(j);
	mb_json_kstr(j, "reason", !v ? e->error : v->reason ? v->reason : "");
	mb_json_obj_end(j);
}

/* Indexes of the values to print: the requested ones, or all. */
static size_t shown(const struct rv *r, size_t *out)
{
	size_t i, n = 0;

	if (!r->all) {
		memcpy(out, r->sel, r->nwant * sizeof(*out));
		return r->nwant;
	}
	for (i = 0; i < r->s.n; i++)
		if (r->s.v[i].blob.kind != MB_BLOB_SESSION)
			out[n++] = i;
	return n;
}

static void summary(const struct rv *r, const struct mb_buf *note,
		    struct mb_buf *b)
{
	const struct mb_reveal_report *p = &r->rep;

	mb_buf_printf(b, "keystream: %zu of %zu bytes known (%zu from byte "
		      "0); modulus: %s%s\n", p->ks_known, p->ks_len,
		      p->ks_prefix, mb_reveal_modsrc_name(p->modsrc),
		      p->machine_key ? "; machine key" : "");
	if (note->len)
		mb_buf_puts(b, note->data);
	if (p->notes && *p->notes)
		mb_buf_printf(b, "%s%s", p->notes,
			      p->notes[strlen(p->notes) - 1] == '\n' ? ""
								      : "\n");
}

static void render_text(const struct rv *r, const size_t *idx, size_t n,
			struct mb_buf *b)
{
	size_t i;
	int width = 0;
	char name[1200];

	for (i = 0; i < n; i++) {
		value_name(&r->s.v[idx[i]], name, sizeof(name));
		if ((int)strlen(name) > width)
			width = (int)strlen(name);
	}
	for (i = 0; i < n; i++) {
		text_line(r, idx[i], width, b);
		if (b == &r->cli->out)
			cli_out_flush(r->cli);
	}
}

static void render_json(const struct rv *r, const size_t *idx, size_t n,
			const struct mb_buf *note, struct mb_buf *b)
{
	struct mb_json j;
	size_t i;

	mb_json_init(&j, b);
	mb_json_obj_begin(&j);
	mb_json_kstr(&j, "modulus_source",
		     mb_reveal_modsrc_name(r->rep.modsrc));
	mb_json_kint(&j, "keystream_known", (long long)r->rep.ks_known);
	mb_json_kint(&j, "keystream_len", (long long)r->rep.ks_len);
	mb_json_kbool(&j, "password_protected", r->rep.password_protected);
	mb_json_key(&j, "notes");
	mb_json_lines(&j, note->len ? note->data :
		      (r->rep.notes ? r->rep.notes : ""));
	mb_json_key(&j, "values");
	mb_json_arr_begin(&j);
	for (i = 0; i < n; i++)
		json_value(r, idx[i], &j);
	mb_json_arr_end(&j);
	mb_json_obj_end(&j);
}

/* -o FILE: created 0600, never over an existing file (as sam -o). */
static int write_private(struct rv *r, const struct mb_buf *b)
{
	return cli_sam_write_file(r->cli, "reveal", r->out_file, b);
}

static int named(const struct rv *r, size_t i)
{
	size_t k;

	for (k = 0; k < r->nwant; k++)
		if (r->sel[k] == i)
			return 1;
	return 0;
}

/* A blob the solver cannot work on (damaged, or another server's key):
 * a fault of the file, not a secret the cribs fell short of. */
static int damaged(const struct mb_reveal_value *v)
{
	return !v || v->status == MB_REVEAL_ERROR;
}

/* Exit 6 (SPEC section 2): no --known or key would recover such a value. */
static int damaged_error(struct rv *r, size_t broken, size_t bad)
{
	char also[96] = "";

	if (bad)
		snprintf(also, sizeof(also), " (and %zu not fully recovered)",
			 bad);
	return mb_error_set(&r->cli->err, MB_EFILE, "reveal", r->doc->path,
		"%zu value%s cannot be decoded from the file%s: damaged, or "
		"not encrypted with this file's key (its line says which); "
		"restore the file from a backup, or set the value anew on the "
		"live server", broken, broken == 1 ? "" : "s", also);
}

/*
 * Exit 6 for a requested value that is damaged, else 7 for one not
 * recovered. Under --all only strings
 * count: a descriptor partial because the keystream ends before it is
 * reported, and fails the run only when named.
 */
static int check_status(struct rv *r, const size_t *idx, size_t n,
			struct mb_buf *out)
{
	size_t i, bad = 0, acl = 0, broken = 0;

	for (i = 0; i < n; i++) {
		if (recovered(value_of(r, idx[i])))
			continue;
		if (damaged(value_of(r, idx[i])))
			broken++;
		else if (r->all && r->s.v[idx[i]].type != MB_T_STRING &&
		    !named(r, idx[i]))
			acl++;
		else
			bad++;
	}
	if (acl && !r->cli->json)
		mb_buf_printf(out, "%zu AdminACL value%s not fully recovered "
			      "(reveal --all fails only for passwords; name "
			      "one to require it)\n", acl, acl == 1 ? "" : "s");
	if (broken)
		return damaged_error(r, broken, bad);
	if (!bad)
		return MB_OK;
	return mb_error_set(&r->cli->err, MB_ESECRET, "reveal", r->doc->path,
		"%zu of %zu value%s not fully recovered; add what you know "
		"with --known PATH/PROP --password-file F, or give the "
		"machine keys (--signing-key, --exchange-key)", bad, n,
		n == 1 ? "" : "s");
}

static int output(struct rv *r, const struct mb_buf *note)
{
	struct mb_buf body, *b;
	size_t *idx = calloc(r->s.n + MAX_ARGS + 1, sizeof(*idx));
	size_t n;
	int st = MB_OK;

	if (!idx)
		return mb_error_set(&r->cli->err, MB_EFILE, "reveal",
				    r->doc->path, "out of memory");
	n = shown(r, idx);
	mb_buf_init(&body);
	/* Printed, the lines are made in the output itself (text goes out
	 * as it is made): a copy beside it was a tenth of the file. */
	b = r->out_file ? &body : &r->cli->out;
	if (r->cli->json)
		render_json(r, idx, n, note, b);
	else
		render_text(r, idx, n, b);
	if (r->out_file) {
		st = write_private(r, &body);
		if (!st)
			mb_buf_printf(&r->cli->out, "wrote %zu value%s to %s "
				      "(mode 0600)\n", n, n == 1 ? "" : "s",
				      r->out_file);
	}
	if (!r->cli->json || r->out_file)
		summary(r, note, &r->cli->out);
	mb_buf_wipe(&body);
	if (!st)
		st = check_status(r, idx, n, &r->cli->out);
	free(idx);
	return st;
}

static void release(struct rv *r)
{
	if (r->have_rep)
		mb_reveal_report_free(&r->rep);
	cli_hives_free(&r->h);
	free(r->items);
	free(r->item_of);
	mb_secrets_free(&r->s);
}

int cmd_reveal(struct cli *cli, struct mb_doc *doc, int argc,
	       char **argv)
{
	struct rv r;
	struct mb_buf note;
	int st;

	memset(&r, 0, sizeof(r));
	r.cli = cli;
	r.doc = doc;
	mb_buf_init(&note);
	st = parse_args(&r, argc, argv);
	if (!st)
		st = mb_secrets_gather(doc, &r.s, &cli->err);
	if (!st)
		st = resolve_all(&r);
	if (!st)
		st = build_items(&r);
	if (!st)
		st = solve(&r, &note);
	if (!st)
		st = output(&r, &note);
	mb_buf_release(&note);
	release(&r);
	return st;
}
