/* SPDX-License-Identifier: MIT */
/*
 * Building the doctor's findings (doctor_priv.h): a finding of a rule
 * from the table, its keys, its fix and check lines (each line's command,
 * note and lead kept apart for --json), every name from the file quoted
 * for the shell its command runs in, and the small questions several
 * rules ask (a number property, a domain account, net user's name).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "doctor_priv.h"
#include "mb/path.h"
#include "mb/samcmd.h"

/* fmt formatted (malloc'd, its size): one vsnprintf pass for the lines
 * that fit line[], nearly all (a hosting file's doctor formats several
 * per account); NULL when out of memory. No password is ever formatted. */
static char *vfmt_raw(const char *fmt, va_list ap)
{
	char line[1024], *s;
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(line, sizeof(line), fmt, cp);
	va_end(cp);
	s = n < 0 ? NULL : malloc((size_t)n + 1);
	if (s && (size_t)n < sizeof(line))
		memcpy(s, line, (size_t)n + 1);
	else if (s)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

/*
 * A line of a finding: control characters from the file shown escaped
 * (\n), so that a name cannot start a line that looks like a fix of its
 * own. Commands never hold any: mb_dr_q refuses them.
 */
static char *vfmt(const char *fmt, va_list ap)
{
	char *s = vfmt_raw(fmt, ap), *shown;

	if (!s || !mb_shellquote_refusal(MB_SHELL_SH, s))
		return s;
	shown = mb_shellquote_show(s);
	free(s);
	return shown;
}

/*
 * p (n elements of size sz) with room for one more: grown by doubling
 * when n is 0 or a power of two, so that appending one at a time stays
 * linear without a capacity field (a hosting file's run appends a check
 * line per account). NULL when out of memory (p is still valid).
 */
static void *grow(void *p, size_t n, size_t sz)
{
	if (n & (n - 1))
		return p;
	return realloc(p, (n ? 2 * n : 1) * sz);
}

/* Append s (taken over) to a string array; 0, or -1 with s freed. */
static int push(char ***v, size_t *n, char *s)
{
	char **nv = s ? grow(*v, *n, sizeof(*nv)) : NULL;

	if (!nv) {
		free(s);
		return -1;
	}
	*v = nv;
	nv[(*n)++] = s;
	return 0;
}

struct mb_finding *mb_dr_new(struct mb_drun *d, const char *id,
			     const char *fmt, ...)
{
	struct mb_findings *o = d->out;
	const struct mb_doctor_rule *r = mb_doctor_rule(id);
	struct mb_finding *v;
	va_list ap;

	if (d->oom || !r)
		return NULL;
	mb_dr_emit(d);
	v = grow(o->v, o->n, sizeof(*v));
	if (!v) {
		d->oom = 1;
		return NULL;
	}
	o->v = v;
	v = &o->v[o->n];
	memset(v, 0, sizeof(*v));
	va_start(ap, fmt);
	v->title = vfmt(fmt, ap);
	va_end(ap);
	if (!v->title) {
		d->oom = 1;
		return NULL;
	}
	v->id = r->id;
	v->severity = r->severity;
	v->why = r->why;
	o->n++;
	o->problems += strcmp(r->severity, "info") != 0;
	return v;
}

void mb_dr_key(struct mb_drun *d, struct mb_finding *f, size_t key,
	       long group)
{
	struct mb_finding_key *k;

	if (!f || d->oom)
		return;
	k = realloc(f->keys, (f->nkeys + 1) * sizeof(*k));
	if (!k) {
		d->oom = 1;
		return;
	}
	f->keys = k;
	k[f->nkeys].path = mb_shellquote_show(mb_path_display(
		d->doc->keys[key].location));
	k[f->nkeys].key = key;
	k[f->nkeys].group = group;
	if (!k[f->nkeys].path)
		d->oom = 1;
	else
		f->nkeys++;
}

/* A new line (parts NULL) at the end of *v; NULL when out of memory. */
static struct mb_fix_line *add_line(struct mb_drun *d,
				    struct mb_fix_line **v, size_t *n)
{
	struct mb_fix_line *nv;

	if (d->oom)
		return NULL;
	nv = grow(*v, *n, sizeof(*nv));
	if (!nv) {
		d->oom = 1;
		return NULL;
	}
	*v = nv;
	memset(&nv[*n], 0, sizeof(nv[*n]));
	nv[*n].shell = -1;
	return &nv[(*n)++];
}

/* One part of a line: s (taken over) into *part, or oom. */
static void set_part(struct mb_drun *d, char **part, char *s)
{
	if (!s)
		d->oom = 1;
	free(*part);
	*part = s;
}

/* l's command for shell sh, or (sh < 0) its prose, from fmt; l. */
static struct mb_fix_line *vline(struct mb_drun *d, struct mb_fix_line *l,
				 int sh, const char *fmt, va_list ap)
{
	if (!l)
		return NULL;
	l->shell = sh;
	set_part(d, sh < 0 ? &l->note : &l->command, vfmt(fmt, ap));
	return l;
}

void mb_dr_fix(struct mb_drun *d, struct mb_finding *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(d, f ? add_line(d, &f->fix, &f->nfix) : NULL, -1, fmt, ap);
	va_end(ap);
}

void mb_dr_check(struct mb_drun *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(d, add_line(d, &d->out->checks, &d->out->nchecks), -1, fmt, ap);
	va_end(ap);
}

struct mb_fix_line *mb_dr_cmd(struct mb_drun *d, struct mb_finding *f,
			      enum mb_shell sh, const char *fmt, ...)
{
	struct mb_fix_line *l;
	va_list ap;

	va_start(ap, fmt);
	l = vline(d, f ? add_line(d, &f->fix, &f->nfix) : NULL, (int)sh, fmt,
		  ap);
	va_end(ap);
	return l;
}

struct mb_fix_line *mb_dr_check_cmd(struct mb_drun *d, enum mb_shell sh,
				    const char *fmt, ...)
{
	struct mb_fix_line *l;
	va_list ap;

	va_start(ap, fmt);
	l = vline(d, add_line(d, &d->out->checks, &d->out->nchecks), (int)sh,
		  fmt, ap);
	va_end(ap);
	return l;
}

void mb_dr_note(struct mb_drun *d, struct mb_fix_line *l, const char *fmt,
		...)
{
	va_list ap;

	if (!l || d->oom)
		return;
	va_start(ap, fmt);
	set_part(d, &l->note, vfmt(fmt, ap));
	va_end(ap);
}

struct mb_fix_line *mb_dr_lead(struct mb_drun *d, struct mb_fix_line *l,
			       const char *lead)
{
	if (l && lead && !d->oom)
		set_part(d, &l->lead, strdup(lead));
	return l;
}

void mb_fix_line_text(struct mb_buf *b, const struct mb_fix_line *l)
{
	/* puts, not printf: report writes a line per account (vfprintf
	 * copies a long note a byte at a time) */
	if (l->lead) {
		mb_buf_puts(b, l->lead);
		mb_buf_putc(b, ' ');
	}
	if (!l->command) {
		mb_buf_puts(b, l->note ? l->note : "");
		return;
	}
	mb_buf_puts(b, l->command);
	if (l->note) {
		mb_buf_puts(b, "  (");
		mb_buf_puts(b, l->note);
		mb_buf_putc(b, ')');
	}
}

const char *mb_fix_line_shell(const struct mb_fix_line *l)
{
	switch (l->shell) {
	case MB_SHELL_SH: return "sh";
	case MB_SHELL_CMD:
	case MB_SHELL_CMDLINE: return "cmd";
	case MB_SHELL_PS: return "powershell";
	}
	return NULL;
}

static const char *hold(struct mb_drun *d, char *q)
{
	if (!q || push(&d->held, &d->nheld, q)) {
		d->oom = 1;
		return NULL;
	}
	return q;
}

const char *mb_dr_q(struct mb_drun *d, struct mb_finding *f,
		    enum mb_shell sh, const char *s, int n, int user)
{
	char *w = n < 0 ? strdup(s) : strndup(s, (size_t)n), *shown;
	const char *why;

	if (d->oom || !w) {
		d->oom = 1;
		free(w);
		return NULL;
	}
	why = user ? mb_samcmd_refusal(sh, w) : mb_shellquote_refusal(sh, w);
	if (!why) {
		shown = mb_shellquote_word(sh, w);
		free(w);
		return hold(d, shown);
	}
	shown = mb_shellquote_show(w);
	free(w);
	if (f)
		mb_dr_fix(d, f, "(no %s command printed for '%s': it %s)",
			  mb_shellquote_shell_name(sh), shown ? shown : "",
			  why);
	else
		mb_dr_check(d, "(no %s command printed for '%s': it %s)",
			    mb_shellquote_shell_name(sh), shown ? shown : "",
			    why);
	free(shown);
	return NULL;
}

const char *mb_dr_qf(struct mb_drun *d, struct mb_finding *f,
		     enum mb_shell sh, const char *fmt, ...)
{
	const char *q;
	va_list ap;
	char *s;

	if (d->oom)
		return NULL;
	va_start(ap, fmt);
	s = vfmt_raw(fmt, ap);
	va_end(ap);
	if (!s) {
		d->oom = 1;
		return NULL;
	}
	q = mb_dr_q(d, f, sh, s, -1, 0);
	free(s);
	return q;
}

/* ---- shared helpers ------------------------------------------------------- */

int mb_dr_domain_account(const char *name)
{
	const char *bs = strrchr(name, '\\');
	size_t n = bs ? (size_t)(bs - name) : 0;

	if (strchr(name, '@'))
		return 1;
	if (!bs || n == 0 || (n == 1 && name[0] == '.'))
		return 0;
	return !((n == 7 && strncasecmp(name, "BUILTIN", 7) == 0) ||
		 (n == 12 && strncasecmp(name, "NT AUTHORITY", 12) == 0));
}

const char *mb_dr_user(const char *name, int *len)
{
	const char *bs = strrchr(name, '\\');
	const char *u = bs ? bs + 1 : name;
	const char *at = strchr(u, '@');

	*len = (int)(at ? (size_t)(at - u) : strlen(u));
	return u;
}

const char *mb_dr_domain_opt(const char *name)
{
	return mb_dr_domain_account(name) ? " /domain" : "";
}

