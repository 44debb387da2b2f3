/* SPDX-License-Identifier: MIT */
/*
 * doctor [--hives DIR|auto]: print the findings of mb_doctor_run
 * (mb/doctor.h; with --hives the Windows side of winside.h too):
 * per finding its rule ID, severity and title, the keys involved, why it
 * matters and the fix; then the checks that only Windows can answer.
 * Exit 1 (MB_EFOUND) when any finding is a warning or an error ("info"
 * findings are things to check, not problems found).
 */
#include <string.h>

#include "cli.h"
#include "winside.h"
#include "mb/json.h"

static void key_text(struct mb_buf *o, const struct mb_finding_key *k)
{
	char g[32];

	mb_buf_puts(o, k->path);
	mb_secrets_group_name(k->group, g, sizeof(g));
	if (k->group)
		mb_buf_printf(o, " (%s)", g);
}

static void print_finding(struct mb_buf *o, const struct mb_finding *f)
{
	size_t i;

	mb_buf_printf(o, "%s %-7s %s\n", f->id, f->severity, f->title);
	mb_buf_puts(o, "  keys: ");
	for (i = 0; i < f->nkeys; i++) {
		mb_buf_puts(o, i ? ", " : "");
		key_text(o, &f->keys[i]);
	}
	mb_buf_printf(o, "\n  why:  %s\n", f->why);
	for (i = 0; i < f->nfix; i++) {
		mb_buf_printf(o, "  %s ", i ? "     " : "fix: ");
		mb_fix_line_text(o, &f->fix[i]);
		mb_buf_putc(o, '\n');
	}
	mb_buf_putc(o, '\n');
}

/*
 * The printing as the doctor runs: each finding goes out as it is made
 * (mb_doctor_in's emit), after what comes before the findings (the
 * hives, JSON's opening), so that a hosting file's thousands of findings
 * are not held beside its accounts.
 */
struct printer {
	struct cli *cli;
	const struct cli_hives *h;
	struct mb_json j;
	int begun;
	int groups;  /* a finding names password groups: the legend follows */
};

static void json_finding(struct mb_json *j, const struct mb_finding *f);

static void begin(struct printer *pr)
{
	if (pr->begun++)
		return;
	if (!pr->cli->json) {
		if (pr->h->hs)
			cli_hives_text(&pr->cli->out, pr->h);
		return;
	}
	mb_json_init(&pr->j, &pr->cli->out);
	mb_json_obj_begin(&pr->j);
	if (pr->h->hs)
		cli_hives_json(&pr->j, pr->h);
	mb_json_key(&pr->j, "findings");
	mb_json_arr_begin(&pr->j);
}

static void emit(void *ctx, const struct mb_finding *f)
{
	struct printer *pr = ctx;
	size_t k;

	begin(pr);
	for (k = 0; k < f->nkeys; k++)
		pr->groups |= f->keys[k].group != 0;
	/* JSON is one value the run wraps per file: it never goes out early */
	if (pr->cli->json) {
		json_finding(&pr->j, f);
		return;
	}
	print_finding(&pr->cli->out, f);
	cli_out_flush(pr->cli);
}

static void print_text(struct printer *pr, const struct mb_findings *f)
{
	struct mb_buf *o = &pr->cli->out;
	size_t i;

	if (!f->problems)
		mb_buf_puts(o, "no problems found in the metabase\n\n");
	mb_buf_puts(o, "Checks that need Windows:\n");
	for (i = 0; i < f->nchecks; i++) {
		mb_buf_puts(o, "  [ ] ");
		mb_fix_line_text(o, &f->checks[i]);
		mb_buf_putc(o, '\n');
	}
	mb_buf_printf(o, "\n%zu finding%s\n", f->emitted,
		      f->emitted == 1 ? "" : "s");
	if (pr->groups)
		mb_buf_printf(o, "%s\n", CLI_GROUP_LEGEND);
}

/* The keys of one password group: the keys holding one stored password. */
static void json_group(struct mb_json *j, const struct mb_finding *f, char g)
{
	size_t i;

	mb_json_obj_begin(j);
	mb_json_key(j, "group");
	mb_json_strn(j, &g, 1);
	mb_json_key(j, "paths");
	mb_json_arr_begin(j);
	for (i = 0; i < f->nkeys; i++)
		if (f->keys[i].group == g)
			mb_json_str(j, f->keys[i].path);
	mb_json_arr_end(j);
	mb_json_obj_end(j);
}

/* The groups the text shows after the keys ("W3SVC/1 (A)"), in order. */
static void json_groups(struct mb_json *j, const struct mb_finding *f)
{
	char seen[256];
	size_t i;
	unsigned char g;

	memset(seen, 0, sizeof(seen));
	mb_json_key(j, "password_groups");
	mb_json_arr_begin(j);
	for (i = 0; i < f->nkeys; i++) {
		g = (unsigned char)f->keys[i].group;
		if (g && g != '-' && !seen[g]) {
			seen[g] = 1;
			json_group(j, f, (char)g);
		}
	}
	mb_json_arr_end(j);
}

/* A fix or check line by its parts: {command, shell, note, lead}. */
static void json_lines(struct mb_json *j, const char *key,
		       const struct mb_fix_line *v, size_t n)
{
	size_t i;

	mb_json_key(j, key);
	mb_json_arr_begin(j);
	for (i = 0; i < n; i++) {
		mb_json_obj_begin(j);
		mb_json_kstr(j, "command", v[i].command);
		mb_json_kstr(j, "shell", mb_fix_line_shell(&v[i]));
		mb_json_kstr(j, "note", v[i].note);
		mb_json_kstr(j, "lead", v[i].lead);
		mb_json_obj_end(j);
	}
	mb_json_arr_end(j);
}

static void json_finding(struct mb_json *j, const struct mb_finding *f)
{
	size_t i;

	mb_json_obj_begin(j);
	mb_json_kstr(j, "id", f->id);
	mb_json_kstr(j, "severity", f->severity);
	mb_json_kstr(j, "title", f->title);
	mb_json_key(j, "keys");
	mb_json_arr_begin(j);
	for (i = 0; i < f->nkeys; i++)
		mb_json_str(j, f->keys[i].path);
	mb_json_arr_end(j);
	json_groups(j, f);
	mb_json_kstr(j, "why", f->why);
	json_lines(j, "fix", f->fix, f->nfix);
	mb_json_obj_end(j);
}

static void print_json(struct printer *pr, const struct mb_findings *f)
{
	mb_json_arr_end(&pr->j);
	json_lines(&pr->j, "windows_checks", f->checks, f->nchecks);
	mb_json_obj_end(&pr->j);
}

/* The Windows side for the doctor: the hives' checks per account, and
 * the passwords the solver recovers compared with the SAM. */
static int wside(struct cli *cli, const struct mb_doc *doc,
		 struct cli_hives *h, const struct mb_accts *a,
		 struct mb_wside *ws)
{
	struct cli_plain p;
	int st;

	memset(&p, 0, sizeof(p));
	st = cli_plain_solve(cli, "doctor", doc, &h->src, &p);
	if (!st)
		st = cli_wside_build(cli, doc, h->hs, a, &p, ws);
	cli_plain_free(&p);
	return st;
}

/* --hives: the hives, their side of the accounts, then the rules. */
static int run(struct printer *pr, struct mb_doc *doc,
	       struct cli_hives *h, struct mb_findings *f)
{
	struct cli *cli = pr->cli;
	struct mb_doctor_in in = { doc, NULL, NULL, NULL, emit, pr };
	struct mb_wside ws = { 0 };
	struct mb_accts a = { 0 };
	int st = cli_hives_load(cli, "doctor", doc, h);

	if (!st)
		st = cli_hives_unused(cli, "doctor", h);
	if (st || !h->hs)
		return st ? st : mb_doctor_run(&in, f, &cli->err);
	if (mb_accts_collect(doc, NULL, 1, &a))
		st = mb_error_set(&cli->err, MB_EFILE, "doctor", NULL,
				  "out of memory");
	if (!st)
		st = wside(cli, doc, h, &a, &ws);
	in.accts = &a;
	in.ws = &ws;
	if (!st)
		st = mb_doctor_run(&in, f, &cli->err);
	mb_wside_free(&ws);
	mb_accts_free(&a);
	return st;
}

const struct cli_opt cli_doctor_opts[] = {
	CLI_INCLUDE(cli_hives_opts),
	CLI_END,
};

static int parse(struct cli *cli, int argc, char **argv,
		 struct cli_hives *h)
{
	struct cli_parser p;
	int st, id;

	cli_parser_init(&p, "doctor", cli_doctor_opts, argc, argv);
	while ((id = cli_next(&p, &cli->err)) != CLI_DONE) {
		if (!cli_hives_option(cli, "doctor", h, id, p.val, &st))
			return id == CLI_ARG ? cli_usage(cli, "doctor",
				"takes no arguments") :
			       cli_unexpected(cli, &p, id);
		if (st)
			return st;
	}
	return MB_OK;
}

int cmd_doctor(struct cli *cli, struct mb_doc *doc, int argc,
	       char **argv)
{
	struct cli_hives h = { 0 };
	struct printer pr = { cli, &h, { 0 }, 0, 0 };
	struct mb_findings f;
	int st;

	st = parse(cli, argc, argv, &h);
	if (!st)
		st = run(&pr, doc, &h, &f);
	if (st) {
		cli_hives_free(&h);
		return st;
	}
	begin(&pr);
	if (cli->json)
		print_json(&pr, &f);
	else
		print_text(&pr, &f);
	cli_hives_free(&h);
	if (f.problems)
		st = mb_error_set(&cli->err, MB_EFOUND, "doctor", NULL,
				  "%zu problem%s found", f.problems,
				  f.problems == 1 ? "" : "s");
	mb_findings_free(&f);
	return st;
}
