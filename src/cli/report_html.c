/* SPDX-License-Identifier: MIT */
/*
 * report's sections of one row per account, finding and check, written as
 * HTML straight to the output (report_priv.h), and the writer they and
 * the key tree (report_tree.c) use. The markup is what transforms/
 * report.xsl made of the same facts when it rendered every row: the
 * stylesheet keeps the page around them.
 */
#include <stdlib.h>
#include <string.h>

#include "mb/doctor.h"
#include "mb/path.h"
#include "report_priv.h"

#define HTML_BUF (64 * 1024)

int cli_html_init(struct cli_html *h,
		  int (*write)(void *ctx, const char *p, size_t n), void *ctx)
{
	memset(h, 0, sizeof(*h));
	h->buf = malloc(HTML_BUF);
	h->cap = HTML_BUF;
	h->write = write;
	h->ctx = ctx;
	h->bad = !h->buf;
	mb_buf_init(&h->line);
	return h->bad ? -1 : 0;
}

void cli_html_flush(struct cli_html *h)
{
	if (h->len && !h->bad && h->write(h->ctx, h->buf, h->len))
		h->bad = 1;
	h->len = 0;
}

void cli_html_free(struct cli_html *h)
{
	free(h->buf);
	mb_buf_release(&h->line);
	memset(h, 0, sizeof(*h));
}

void cli_html_rawn(struct cli_html *h, const char *p, size_t n)
{
	size_t c;

	while (n > 0 && !h->bad) {
		if (h->len == h->cap)
			cli_html_flush(h);
		c = h->cap - h->len < n ? h->cap - h->len : n;
		memcpy(h->buf + h->len, p, c);
		h->len += c;
		p += c;
		n -= c;
	}
}

void cli_html_raw(struct cli_html *h, const char *s)
{
	cli_html_rawn(h, s, strlen(s));
}

/*
 * What each byte needs: 1 an entity in text and attributes, 2 only in
 * attributes; 4 ends the string. Runs of other bytes are copied whole.
 */
static const unsigned char esc[256] = {
	[0] = 4, ['&'] = 1, ['<'] = 1, ['>'] = 1, ['\r'] = 1,
	['"'] = 2, ['\n'] = 2, ['\t'] = 2,
};

static const char *entity(unsigned char c)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '\r': return "&#13;";
	case '"': return "&quot;";
	case '\n': return "&#10;";
	default: return "&#9;";
	}
}

/* s with the bytes that need it (mask: 1 text, 3 attribute) as entities. */
static void escaped(struct cli_html *h, const char *s, unsigned mask)
{
	const char *run = s;

	mask |= 4;
	for (;;) {
		while (!(esc[(unsigned char)*s] & mask))
			s++;
		cli_html_rawn(h, run, (size_t)(s - run));
		if (!*s)
			return;
		cli_html_raw(h, entity((unsigned char)*s));
		run = ++s;
	}
}

void cli_html_text(struct cli_html *h, const char *s)
{
	escaped(h, s, 1);
}

void cli_html_attr(struct cli_html *h, const char *s)
{
	escaped(h, s, 3);
}

void cli_html_num(struct cli_html *h, size_t v, int grouped)
{
	char d[32], out[48];
	size_t n = 0, i, o = 0;

	do {
		d[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = n; i-- > 0;) {
		out[o++] = d[i];
		if (grouped && i && i % 3 == 0)
			out[o++] = ',';
	}
	cli_html_rawn(h, out, o);
}

/* The end of a key list that mbtool cut short. */
static void more(struct cli_html *h, size_t n)
{
	if (!n)
		return;
	cli_html_lit(h, "<span class=\"more\"> and ");
	cli_html_num(h, n, 1);
	cli_html_lit(h, " more (each is marked in the key tree)</span>");
}

/* The keys that set account a, with their password groups. */
static void set_at(struct cli_html *h, const struct cli_report *r,
		   const struct mb_acct *a)
{
	size_t j, cap = r->fold ? MB_REPORT_LIST_CAP : (size_t)-1;
	char group[32];

	cli_html_lit(h, "<td>");
	for (j = 0; j < a->nkeys && j < cap; j++) {
		cli_html_lit(h, "<code>");
		cli_html_text(h, mb_path_display(
			r->doc->keys[a->keys[j]].location));
		cli_html_lit(h, "</code> (");
		cli_report_setter_group(r, a, j, group, sizeof(group));
		cli_html_text(h, group);
		cli_html_lit(h, ")<br>");
	}
	more(h, a->nkeys - j);
	cli_html_lit(h, "</td>");
}

/* h->line, filled by the text output's own writer, as escaped text. */
static void put_line(struct cli_html *h)
{
	h->bad |= mb_buf_failed(&h->line);
	cli_html_text(h, h->line.data ? h->line.data : "");
}

/* --hives: the account's Windows side, as accounts --hives prints it. */
static void windows(struct cli_html *h, const struct cli_report *r,
		    size_t i)
{
	mb_buf_reset(&h->line);
	cli_wside_text(&h->line, &r->ws, i, &r->accts.v[i], r->doc);
	cli_html_lit(h, "<td><pre>");
	put_line(h);
	cli_html_lit(h, "</pre></td>");
}

static void account(struct cli_html *h, const struct cli_report *r,
		    size_t i)
{
	const struct mb_acct *a = &r->accts.v[i];
	int risk = a->ngroups > 1;

	cli_html_raw(h, risk ? "<tr class=\"risk\">\n<td><code>" :
			       "<tr>\n<td><code>");
	cli_html_text(h, a->name);
	cli_html_lit(h, "</code>");
	if (risk)
		cli_html_lit(h, " <span class=\"risk\">LOCKOUT-RISK</span>");
	cli_html_lit(h, "</td>\n<td>");
	cli_html_text(h, a->kind);
	cli_html_lit(h, "</td>\n<td>");
	cli_html_num(h, a->used, 0);
	cli_html_lit(h, "</td>\n<td>");
	cli_html_num(h, (size_t)(a->ngroups < 0 ? 0 : a->ngroups), 0);
	cli_html_lit(h, "</td>\n");
	set_at(h, r, a);
	if (r->ws.v) {
		cli_html_lit(h, "\n");
		windows(h, r, i);
	}
	cli_html_lit(h, "\n</tr>\n");
}

void cli_report_accounts(struct cli_html *h, const struct cli_report *r)
{
	size_t i;

	for (i = 0; i < r->accts.n && !h->bad; i++)
		account(h, r, i);
}

/* A fix or check line, as the doctor's text prints it (through h->line,
 * one buffer for every line). */
static void line(struct cli_html *h, const struct mb_fix_line *l)
{
	mb_buf_reset(&h->line);
	mb_fix_line_text(&h->line, l);
	put_line(h);
}

static void finding_keys(struct cli_html *h, const struct cli_report *r,
			 const struct mb_finding *f)
{
	size_t i, cap = r->fold ? MB_REPORT_LIST_CAP : (size_t)-1;
	char group[32];

	cli_html_lit(h, "<dt>Keys</dt>\n<dd>");
	for (i = 0; i < f->nkeys && i < cap; i++) {
		cli_html_raw(h, i ? ", <code>" : "<code>");
		cli_html_text(h, f->keys[i].path);
		cli_html_lit(h, "</code>");
		if (f->keys[i].group) {
			mb_secrets_group_name(f->keys[i].group, group,
					      sizeof(group));
			cli_html_lit(h, " (");
			cli_html_text(h, group);
			cli_html_lit(h, ")");
		}
	}
	more(h, f->nkeys - i);
	cli_html_lit(h, "</dd>\n");
}

static void finding(struct cli_html *h, const struct cli_report *r,
		    size_t fi)
{
	const struct mb_finding *f = &r->finds.v[fi];
	size_t i;

	cli_html_lit(h, "<div id=\"id");
	cli_html_num(h, fi + 1, 0);
	cli_html_lit(h, "\" class=\"finding ");
	cli_html_attr(h, f->severity);
	cli_html_lit(h, "\">\n<h3>");
	cli_html_text(h, f->id);
	cli_html_lit(h, " <span class=\"sev ");
	cli_html_attr(h, f->severity);
	cli_html_lit(h, "\">");
	cli_html_text(h, f->severity);
	cli_html_lit(h, "</span> ");
	cli_html_text(h, f->title);
	cli_html_lit(h, "</h3>\n<dl>\n");
	finding_keys(h, r, f);
	cli_html_lit(h, "<dt>Why</dt>\n<dd>");
	cli_html_text(h, f->why);
	cli_html_lit(h, "</dd>\n<dt>Fix</dt>\n<dd>");
	for (i = 0; i < f->nfix; i++) {
		cli_html_lit(h, "<pre>");
		line(h, &f->fix[i]);
		cli_html_lit(h, "</pre>\n");
	}
	cli_html_lit(h, "</dd>\n</dl>\n</div>\n");
}

void cli_report_findings(struct cli_html *h, const struct cli_report *r)
{
	size_t i;

	for (i = 0; i < r->finds.n && !h->bad; i++)
		finding(h, r, i);
}

void cli_report_checks(struct cli_html *h, const struct cli_report *r)
{
	size_t i;

	for (i = 0; i < r->finds.nchecks && !h->bad; i++) {
		cli_html_lit(h, "<li><code>");
		line(h, &r->finds.checks[i]);
		cli_html_lit(h, "</code></li>\n");
	}
}

int cli_report_section(struct cli_html *h, const struct cli_report *r,
		       const char *name, size_t name_len)
{
	static const struct {
		const char *name;
		void (*write)(struct cli_html *h, const struct cli_report *r);
	} sections[] = {
		{ "accounts", cli_report_accounts },
		{ "findings", cli_report_findings },
		{ "checks", cli_report_checks },
		{ "tree", cli_report_tree },
	};
	size_t i;

	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		if (strlen(sections[i].name) == name_len &&
		    memcmp(sections[i].name, name, name_len) == 0) {
			sections[i].write(h, r);
			return 0;
		}
	}
	return -1;
}
