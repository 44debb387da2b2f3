// SPDX-License-Identifier: MIT
/*
 * The command and option tables against what is made from them or written
 * about them: help fits 80 columns, every option of every command is in
 * its man page entry (and the entry names no option the command does not
 * take), the parser's forms (--opt=value, --, -h), stdin capabilities,
 * adsutil command names and "did you mean".
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mb/suggest.h"

static void assert_width(const struct mb_buf *b, const char *what)
{
	const char *p = b->data, *nl;

	while (p && *p) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		if (nl - p > 80)
			fail_msg("%s: a line of %d columns: %.*s", what,
				 (int)(nl - p), (int)(nl - p), p);
		p = *nl ? nl + 1 : nl;
	}
}

static void help_fits_80_columns(void **state)
{
	size_t i, n;
	const struct cli_cmd *c = cli_commands(&n);
	struct mb_buf b;

	(void)state;
	mb_buf_init(&b);
	cli_help_all(&b);
	assert_width(&b, "help");
	for (i = 0; i < n; i++) {
		mb_buf_reset(&b);
		cli_help_cmd(&b, &c[i]);
		assert_width(&b, c[i].name);
		/* every option of the table has its line */
		assert_non_null(strstr(b.data, "-h, --help"));
	}
	mb_buf_release(&b);
}

/* ---- the man page -------------------------------------------------------- */

static char *read_man(void)
{
	const char *src = getenv("MB_SRCDIR");
	char path[4096];
	FILE *f;
	char *text;
	long n;

	snprintf(path, sizeof(path), "%s/doc/mbtool.1", src ? src : ".");
	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)n + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return text;
}

/* The text of name's entries: each ".TP" whose next line is ".BR name"
 * or ".B name", up to the next .TP, .SS or .SH. */
static void man_entry(const char *man, const char *name, struct mb_buf *out)
{
	char head[128];
	const char *p = man, *end;
	size_t hn = (size_t)snprintf(head, sizeof(head), ".TP\n.BR %s ", name);

	for (;;) {
		const char *a = strstr(p, head), *b;

		snprintf(head, sizeof(head), ".TP\n.B %s\n", name);
		b = strstr(p, head);
		snprintf(head, sizeof(head), ".TP\n.BR %s ", name);
		if (!a || (b && b < a))
			a = b;
		if (!a)
			return;
		end = a + hn;
		while (*end && strncmp(end, "\n.TP", 4) &&
		       strncmp(end, "\n.SS", 4) && strncmp(end, "\n.SH", 4))
			end++;
		mb_buf_append(out, a, (size_t)(end - a));
		mb_buf_puts(out, "\n");
		p = end;
	}
}

struct man_check {
	const char *cmd;
	const char *entry;
	const char *man;
};

/* The option's long name as roff writes it: \-\-dry\-run. */
static void roff_name(char *buf, size_t size, const char *name)
{
	size_t n = 0;

	n += (size_t)snprintf(buf, size, "\\-\\-");
	for (; *name && n + 3 < size; name++) {
		if (*name == '-')
			buf[n++] = '\\';
		buf[n++] = *name;
	}
	buf[n] = '\0';
}

/* "\-o" not followed by a letter (not \-out..., not \-\-o...). */
static int has_short(const char *entry, char letter)
{
	const char *p = entry;

	while (letter && (p = strstr(p, "\\-")) != NULL) {
		p += 2;
		if (p[0] == letter && !strchr("abcdefghijklmnopqrstuvwxyz\\",
					      p[1]))
			return 1;
	}
	return 0;
}

static void option_documented(const struct cli_opt *o, void *ctx)
{
	const struct man_check *m = ctx;
	char want[128];

	roff_name(want, sizeof(want), o->name);
	/* shared groups are described once, for their section */
	if (cli_opt_find(cli_write_opts, o->name, strlen(o->name), 0)) {
		if (!strstr(m->man, want))
			fail_msg("%s: the man page never names %s", m->cmd,
				 want);
		return;
	}
	if (!strstr(m->entry, want) && !has_short(m->entry, o->letter))
		fail_msg("man page: the entry of '%s' does not name its "
			 "option --%s", m->cmd, o->name);
}

/* An option of a batchable command (a batch line may give it). */
static int line_option(const char *name, size_t len)
{
	size_t i, n;
	const struct cli_cmd *c = cli_commands(&n);

	for (i = 0; i < n; i++)
		if (c[i].plan && cli_opt_find(c[i].opts, name, len, 0))
			return 1;
	return 0;
}

/* Every \-\-name in the entry is an option of the command or global. */
static void no_foreign_options(const struct cli_cmd *c, const char *entry)
{
	const char *p = entry;
	char name[64];
	size_t n;

	while ((p = strstr(p, "\\-\\-")) != NULL) {
		p += 4;
		for (n = 0; *p && n + 1 < sizeof(name); p++) {
			if (p[0] == '\\' && p[1] == '-')
				continue;
			if (!strchr("abcdefghijklmnopqrstuvwxyz-", *p))
				break;
			name[n++] = *p;
		}
		name[n] = '\0';
		if (!cli_opt_find(c->opts, name, n, 0) &&
		    !cli_opt_find(cli_global_opts, name, n, 0) &&
		    !(strcmp(c->name, "batch") == 0 && line_option(name, n)))
			fail_msg("man page: the entry of '%s' names --%s, "
				 "which it does not take", c->name, name);
	}
}

static void man_matches_tables(void **state)
{
	size_t i, n;
	const struct cli_cmd *c = cli_commands(&n);
	char *man = read_man();
	struct mb_buf entry;

	(void)state;
	mb_buf_init(&entry);
	for (i = 0; i < n; i++) {
		struct man_check m;
		char *esc = NULL;
		const char *name = c[i].name;

		mb_buf_reset(&entry);
		if (strchr(name, '-')) {  /* sync-passwords: sync\-passwords */
			esc = malloc(strlen(name) * 2 + 1);
			roff_name(esc, strlen(name) * 2 + 5, name);
			name = esc + 4;
		}
		man_entry(man, name, &entry);
		if (!entry.len)
			fail_msg("man page: no entry for '%s'", c[i].name);
		m.cmd = c[i].name;
		m.entry = entry.data;
		m.man = man;
		cli_opt_each(c[i].opts, option_documented, &m);
		no_foreign_options(&c[i], entry.data);
		free(esc);
	}
	mb_buf_release(&entry);
	free(man);
}

/* ---- the parser ---------------------------------------------------------- */

static int parse(const char *cmd, const struct cli_opt *opts, char **argv,
		 int argc, int *ids, const char **vals, int max)
{
	struct cli_parser p;
	struct mb_error err;
	int id, n = 0;

	cli_parser_init(&p, cmd, opts, argc, argv);
	while ((id = cli_next(&p, &err)) != CLI_DONE && n < max) {
		ids[n] = id;
		vals[n++] = p.val;
		if (id == CLI_ERR)
			break;
	}
	return n;
}

static void parser_forms(void **state)
{
	char *argv[] = { "collapse", "--account=IUSR_A", "--service", "all",
			 "--", "--dry-run", "-", NULL };
	int ids[8];
	const char *vals[8];
	int n;

	(void)state;
	n = parse("collapse", cli_collapse_opts, argv, 7, ids, vals, 8);
	assert_int_equal(n, 4);
	assert_int_equal(ids[0], CLI_O_ACCOUNT);
	assert_string_equal(vals[0], "IUSR_A");
	assert_int_equal(ids[1], CLI_O_SERVICE);
	assert_string_equal(vals[1], "all");
	assert_int_equal(ids[2], CLI_ARG);           /* after -- */
	assert_string_equal(vals[2], "--dry-run");
	assert_int_equal(ids[3], CLI_ARG);
	assert_string_equal(vals[3], "-");
}

static void parser_errors(void **state)
{
	char *a1[] = { "get", "--lcoal", NULL };
	char *a2[] = { "collapse", "--account", NULL };
	char *a3[] = { "get", "--local=1", NULL };
	char *a4[] = { "get", "-h", NULL };
	struct cli_parser p;
	struct mb_error err;

	(void)state;
	cli_parser_init(&p, "get", cli_get_opts, 2, a1);
	assert_int_equal(cli_next(&p, &err), CLI_ERR);
	assert_non_null(strstr(err.reason, "did you mean '--local'"));
	cli_parser_init(&p, "collapse", cli_collapse_opts, 2, a2);
	assert_int_equal(cli_next(&p, &err), CLI_ERR);
	assert_non_null(strstr(err.reason, "needs a value: NAME"));
	cli_parser_init(&p, "get", cli_get_opts, 2, a3);
	assert_int_equal(cli_next(&p, &err), CLI_ERR);
	cli_parser_init(&p, "get", cli_get_opts, 2, a4);
	assert_int_equal(cli_next(&p, &err), CLI_HELP);
}

static void stdin_from_tables(void **state)
{
	char *b1[] = { "batch", NULL };
	char *b2[] = { "batch", "--dry-run", "script.txt", NULL };
	char *b3[] = { "batch", "-", NULL };
	char *s1[] = { "set", "W3SVC/AnonymousUserPass", "--password-file",
		       "-", NULL };
	char *s2[] = { "set", "W3SVC/AnonymousUserPass",
		       "--password-file=pw.txt", NULL };
	char *g1[] = { "get", "-", NULL };

	(void)state;
	assert_true(cli_reads_stdin(cli_command("batch"), 1, b1));
	assert_false(cli_reads_stdin(cli_command("batch"), 3, b2));
	assert_true(cli_reads_stdin(cli_command("batch"), 2, b3));
	assert_true(cli_reads_stdin(cli_command("set"), 4, s1));
	assert_false(cli_reads_stdin(cli_command("set"), 3, s2));
	assert_false(cli_reads_stdin(cli_command("get"), 2, g1));
}

static void command_names(void **state)
{
	char *v[] = { "create_vdir", "W3SVC/1/ROOT/x", NULL };
	char **argv = v;
	int argc = 2;
	const struct cli_cmd *c;
	struct mb_error err;

	(void)state;
	assert_ptr_equal(cli_command("GET"), cli_command("get"));
	assert_int_equal(cli_resolve("ENUMALL", &argc, &argv, &c, &err),
			 MB_OK);
	assert_string_equal(c->name, "enum_all");
	assert_int_equal(cli_resolve("CREATE_VDIR", &argc, &argv, &c,
				     &err), MB_OK);
	assert_string_equal(c->name, "create");
	assert_int_equal(argc, 3);
	assert_string_equal(argv[2], "IIsWebVirtualDir");
	free(argv);
	assert_int_equal(cli_resolve("appunload", &argc, &argv, &c, &err),
			 MB_EUSAGE);
	assert_null(c);
	assert_non_null(strstr(err.reason, "APPUNLOAD"));
	assert_int_equal(cli_resolve("colapse", &argc, &argv, &c, &err),
			 MB_EUSAGE);
	assert_non_null(strstr(err.reason, "did you mean 'collapse'"));
	assert_int_equal(cli_resolve("xyzzy", &argc, &argv, &c, &err),
			 MB_EUSAGE);
	assert_null(strstr(err.reason, "did you mean"));
}

static void suggestions(void **state)
{
	static const char *const names[] = { "get", "set", "secrets" };

	(void)state;
	assert_int_equal(mb_suggest_distance("AnonymousUserNme",
					     "AnonymousUserName"), 1);
	assert_int_equal(mb_suggest_distance("ab", "ba"), 1); /* swap */
	assert_int_equal(mb_suggest_distance("GET", "get"), 0);
	assert_string_equal(mb_suggest("secrest", names, 3), "secrets");
	assert_null(mb_suggest("delete", names, 3));
	assert_string_equal(mb_schema_nearest(mb_schema_builtin(),
					      "anonymoususernam"),
			    "AnonymousUserName");
	assert_string_equal(mb_schema_nearest(mb_schema_builtin(),
					      "AuthAnonymus"),
			    "AuthAnonymous");
	assert_null(mb_schema_nearest(mb_schema_builtin(), "Zq"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(help_fits_80_columns),
		cmocka_unit_test(man_matches_tables),
		cmocka_unit_test(parser_forms),
		cmocka_unit_test(parser_errors),
		cmocka_unit_test(stdin_from_tables),
		cmocka_unit_test(command_names),
		cmocka_unit_test(suggestions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
