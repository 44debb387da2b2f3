/* SPDX-License-Identifier: MIT */
/* The option parser over the commands' option tables (parseopt.h). */
#include <stdio.h>
#include <string.h>

#include "mb/suggest.h"
#include "parseopt.h"

#define WIDTH 79

const struct cli_opt cli_write_opts[] = {
	{ CLI_O_DRY_RUN, "dry-run", 0, NULL,
	  "print what the run would say, then a unified diff; write nothing",
	  0, NULL },
	{ CLI_O_NO_BACKUP, "no-backup", 0, NULL,
	  "keep no .bak copy of the file", 0, NULL },
	{ CLI_O_BREAK_LOCK, "break-lock", 0, NULL,
	  "take over a lock nobody holds that is not plainly stale "
	  "(another host's, or not mbtool's); a lock in use never", 0,
	  NULL },
	CLI_END,
};

const struct cli_opt cli_key_opts[] = {
	{ CLI_O_SIGNING_KEY, "signing-key", 0, "FILE",
	  "the machine's signing key (exported, PEM or blob)", 0, NULL },
	{ CLI_O_EXCHANGE_KEY, "exchange-key", 0, "FILE",
	  "the machine's key exchange key", 0, NULL },
	CLI_END,
};

static const struct cli_opt *find_in(const struct cli_opt *t,
				      const char *name, size_t n, char letter)
{
	const struct cli_opt *o;

	for (; t && (t->name || t->include); t++) {
		if (t->include) {
			if ((o = find_in(t->include, name, n, letter)) != NULL)
				return o;
		} else if (name ? strlen(t->name) == n &&
				  strncmp(t->name, name, n) == 0 :
				  letter && t->letter == letter) {
			return t;
		}
	}
	return NULL;
}

const struct cli_opt *cli_opt_find(const struct cli_opt *t, const char *name,
				   size_t n, char letter)
{
	return find_in(t, name, n, letter);
}

void cli_opt_each(const struct cli_opt *t,
		  void (*fn)(const struct cli_opt *o, void *ctx), void *ctx)
{
	for (; t && (t->name || t->include); t++) {
		if (t->include)
			cli_opt_each(t->include, fn, ctx);
		else
			fn(t, ctx);
	}
}

void cli_parser_init(struct cli_parser *p, const char *cmd,
		     const struct cli_opt *opts, int argc, char **argv)
{
	memset(p, 0, sizeof(*p));
	p->cmd = cmd;
	p->opts = opts;
	p->argc = argc;
	p->argv = argv;
	p->i = 1;
}

/* The long names of both tables, for "did you mean". */
struct names {
	const char *v[64];
	size_t n;
};

static void add_name(const struct cli_opt *o, void *ctx)
{
	struct names *nm = ctx;

	if (nm->n < sizeof(nm->v) / sizeof(nm->v[0]))
		nm->v[nm->n++] = o->name;
}

static int unknown(struct cli_parser *p, const char *word,
		   struct mb_error *err)
{
	struct names nm;
	const char *near;
	char typed[64];

	nm.n = 0;
	cli_opt_each(p->opts, add_name, &nm);
	cli_opt_each(p->more, add_name, &nm);
	snprintf(typed, sizeof(typed), "%.*s", (int)strcspn(word + 2, "="),
		 word + 2);
	near = word[1] == '-' ? mb_suggest(typed, nm.v, nm.n) : NULL;
	if (near)
		mb_error_set(err, MB_EUSAGE, p->cmd, word, "unknown option; "
			     "did you mean '--%s'?", near);
	else
		mb_error_set(err, MB_EUSAGE, p->cmd, word, "unknown option "
			     "(the options: mbtool help %s)", p->cmd);
	return CLI_ERR;
}

static const struct cli_opt *lookup(const struct cli_parser *p,
				    const char *name, size_t n, char letter)
{
	const struct cli_opt *o = find_in(p->opts, name, n, letter);

	return o ? o : find_in(p->more, name, n, letter);
}

/* The value of option o: attached (inline, may be NULL) or the next word. */
static int take_value(struct cli_parser *p, const char *inl,
		      struct mb_error *err)
{
	if (!p->opt->arg) {
		if (!inl)
			return p->opt->id;
		mb_error_set(err, MB_EUSAGE, p->cmd, p->word,
			     "--%s takes no value", p->opt->name);
		return CLI_ERR;
	}
	if (inl) {
		p->val = inl;
		return p->opt->id;
	}
	if (p->i >= p->argc) {
		mb_error_set(err, MB_EUSAGE, p->cmd, p->word,
			     "needs a value: %s", p->opt->arg);
		return CLI_ERR;
	}
	p->val = p->argv[p->i++];
	return p->opt->id;
}

static int long_opt(struct cli_parser *p, const char *w,
		    struct mb_error *err)
{
	const char *eq = strchr(w + 2, '=');
	size_t n = eq ? (size_t)(eq - w - 2) : strlen(w + 2);

	if ((n == 4 && strncmp(w + 2, "help", 4) == 0) && !eq)
		return CLI_HELP;
	p->opt = lookup(p, w + 2, n, 0);
	if (!p->opt)
		return unknown(p, w, err);
	return take_value(p, eq ? eq + 1 : NULL, err);
}

static int short_opt(struct cli_parser *p, const char *w,
		     struct mb_error *err)
{
	if (w[1] == 'h' && !w[2])
		return CLI_HELP;
	p->opt = lookup(p, NULL, 0, w[1]);
	if (!p->opt) {
		if (p->dash_args) {
			p->val = w;
			return CLI_ARG;
		}
		return unknown(p, w, err);
	}
	if (!p->opt->arg && w[2]) {
		mb_error_set(err, MB_EUSAGE, p->cmd, w, "-%c takes no value",
			     w[1]);
		return CLI_ERR;
	}
	return take_value(p, w[2] ? w + 2 : NULL, err);
}

int cli_next(struct cli_parser *p, struct mb_error *err)
{
	const char *w;

	p->opt = NULL;
	p->val = NULL;
	if (p->i >= p->argc)
		return CLI_DONE;
	w = p->word = p->argv[p->i++];
	if (p->no_opts || w[0] != '-' || !w[1]) {
		p->val = w;
		return CLI_ARG;
	}
	if (w[1] != '-')
		return short_opt(p, w, err);
	if (!w[2]) {
		p->no_opts = 1;
		return cli_next(p, err);
	}
	return long_opt(p, w, err);
}

/* ---- help text ----------------------------------------------------------- */

void cli_opt_label(struct mb_buf *b, const struct cli_opt *o)
{
	if (o->letter)
		mb_buf_printf(b, "-%c, --%s", o->letter, o->name);
	else
		mb_buf_printf(b, "--%s", o->name);
	if (o->arg)
		mb_buf_printf(b, " %s", o->arg);
}

void cli_wrap(struct mb_buf *b, const char *text, size_t indent,
	      size_t first)
{
	size_t col = first, n;
	int start = 1;

	for (;;) {
		while (*text == ' ')
			text++;
		n = strcspn(text, " ");
		if (!n)
			break;
		if (!start && col + 1 + n > WIDTH) {
			mb_buf_printf(b, "\n%*s", (int)indent, "");
			col = indent;
		} else if (!start) {
			mb_buf_puts(b, " ");
			col++;
		}
		mb_buf_append(b, text, n);
		col += n;
		text += n;
		start = 0;
	}
	mb_buf_puts(b, "\n");
}
