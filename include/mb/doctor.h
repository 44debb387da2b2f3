/* SPDX-License-Identifier: MIT */
/*
 * The doctor: the causes of HTTP 401.1 that a metabase shows, as findings
 * with stable rule IDs (MB001...), each with a severity, the keys
 * involved, why it matters and the fix (mbtool or Windows Server 2003
 * commands, one a line), plus the checks that only Windows can answer.
 * doctor prints the findings and report renders them, both from these
 * structures; the library never prints.
 *
 * The rules are one table (mb_doctor_rules): its ID, severity, what it
 * looks at (an account, a key, the whole file, or an account's Windows
 * side from the hives), its check function and its texts. A run walks the
 * table in order; consecutive rules of one scope share one walk of the
 * accounts or keys, so findings come out in table order per walk.
 *
 *   struct mb_doctor_in in = { doc, NULL, NULL, NULL };
 *   struct mb_findings f;
 *   if (mb_doctor_run(&in, &f, &err)) ... out of memory (err filled)
 *   for (i = 0; i < f.n; i++) f.v[i].id, f.v[i].title, ...
 *   mb_findings_free(&f);
 */
#ifndef MB_DOCTOR_H
#define MB_DOCTOR_H

#include <stddef.h>

#include "mb/accounts.h"
#include "mb/buf.h"
#include "mb/doc.h"
#include "mb/err.h"
#include "mb/secrets.h"
#include "mb/wside.h"

/* A key a finding names. */
struct mb_finding_key {
	char *path;   /* adsutil display path (control characters shown) */
	size_t key;   /* index into doc->keys (report marks the key tree) */
	long group;   /* its password group G<n> (mb_secrets_group_of), -1
		       * none, 0 not shown */
};

/*
 * One line of a fix or of the checks that need Windows, its parts kept
 * apart for --json: [lead ]command[  (note)], or note alone (prose).
 */
struct mb_fix_line {
	char *lead;     /* before the command ("or offline:"), or NULL */
	char *command;  /* one command line, quoted for shell; NULL: prose */
	char *note;     /* the comment after the command, or the prose line */
	int shell;      /* the command's enum mb_shell; -1 without one */
};

struct mb_finding {
	const char *id;         /* the rule's ID, "MB001" */
	const char *severity;   /* "error", "warning" or "info" */
	const char *why;        /* the rule's explanation */
	char *title;
	struct mb_finding_key *keys;
	size_t nkeys;
	struct mb_fix_line *fix;
	size_t nfix;
};

/* problems counts the findings that are not "info": doctor exits 1 when
 * it is not 0. */
struct mb_findings {
	struct mb_finding *v;
	size_t n;
	size_t problems;
	struct mb_fix_line *checks;
	size_t nchecks;
	size_t emitted;  /* findings handed to mb_doctor_in's emit (not in v) */
};

/* What a rule looks at: its check runs once per account, key or file. */
enum mb_doctor_scope {
	MB_DOCTOR_ACCOUNT,  /* i: an index into the accounts */
	MB_DOCTOR_KEY,      /* i: an index into doc->keys */
	MB_DOCTOR_FILE,     /* once, i = 0 */
	MB_DOCTOR_HIVES,    /* per account, only with the Windows side */
};

struct mb_drun;  /* one run's state (private) */

struct mb_doctor_rule {
	const char *id;         /* stable: "MB001" */
	const char *severity;   /* "error", "warning", "info" */
	enum mb_doctor_scope scope;
	void (*check)(struct mb_drun *d, size_t i);
	const char *title;      /* what it finds, in one line */
	const char *why;        /* why it matters (every finding's why) */
	const char *fix;        /* what its fix lines do, in one line */
};

/* The rules in run order; n set to their number. */
const struct mb_doctor_rule *mb_doctor_rules(size_t *n);
/* A rule by ID, or NULL. */
const struct mb_doctor_rule *mb_doctor_rule(const char *id);

/*
 * A run's input. accts: every identity (mb_accts_collect(doc, NULL, 1));
 * NULL: collected by the run. groups: the numbered secure values
 * (mb_secrets_groups); NULL: loaded by the run. ws: the Windows side from
 * the server's hives, parallel to accts (which must then be given), or
 * NULL: with it the checklist items the hives answer become findings
 * MB020-MB031 and leave the checklist.
 */
struct mb_doctor_in {
	const struct mb_doc *doc;
	const struct mb_accts *accts;
	const struct mb_secrets *groups;
	const struct mb_wside *ws;
	/* NULL, or each finding handed over once it is complete, in order,
	 * and then freed instead of kept in out->v (out->emitted counts
	 * them): a hosting file's thousands of findings are printed as they
	 * are made, not held beside the accounts (SPEC 5: memory). */
	void (*emit)(void *ctx, const struct mb_finding *f);
	void *ctx;
};

/* Run every rule; MB_OK, or MB_EFILE (out of memory) with out empty. */
int mb_doctor_run(const struct mb_doctor_in *in, struct mb_findings *out,
		  struct mb_error *err);
void mb_findings_free(struct mb_findings *f);

/* The line as the text output prints it, appended to b. */
void mb_fix_line_text(struct mb_buf *b, const struct mb_fix_line *l);
/* "sh", "cmd" or "powershell" for a line's shell; NULL without one. */
const char *mb_fix_line_shell(const struct mb_fix_line *l);

#endif
