/* SPDX-License-Identifier: MIT */
/*
 * The unified diff that --dry-run shows (diff.c): `--- a/NAME`, `+++
 * b/NAME`, hunks with three lines of context, "\ No newline at end of
 * file" as diff(1) prints it.
 *
 * Patience diff (anchors on lines that occur once on each side, which
 * every key's Location line does), with an exact LCS for small gaps
 * between anchors: linear in practice on metabases. The lines the two
 * texts share at their start and end are skipped before any line is
 * indexed, so a small change to a large file costs the change, and the
 * text goes out hunk by hunk through a sink as it is made.
 *
 * A splice's diff (mb_diff_splice) needs neither the old text nor an
 * index of every line: each cluster of edits is diffed alone (its lines,
 * with and without the edits), and the lines between clusters are
 * counted, not indexed. Memory is one hunk and one cluster's lines, even
 * when the edits reach every key of a hosting-size file.
 */
#ifndef MB_DIFF_H
#define MB_DIFF_H

#include <stddef.h>

#include "mb/buf.h"
#include "mb/splice.h"

/* Where the diff text goes, piece by piece. */
typedef void mb_diff_sink(void *ctx, const char *p, size_t n);

/* The diff of a (old) and b (new) into out: 0, or -1 out of memory. */
int mb_diff_unified(const char *name, const char *a, size_t alen,
		    const char *b, size_t blen, mb_diff_sink *out, void *ctx);

/*
 * The diff of a splice: the old text is data (the spliced bytes, len) with
 * e undone (splice.h: e as mb_doc_splice left it, with mb_edits_keep_old).
 * 0, or -1 out of memory.
 */
int mb_diff_splice(const char *name, const struct mb_edits *e,
		   const char *data, size_t len, mb_diff_sink *out,
		   void *ctx);

/* The same, appended to buf (buf->failed set on failure). */
void mb_diff_to_buf(struct mb_buf *buf, const char *name, const char *a,
		    size_t alen, const char *b, size_t blen);

#endif
