/* SPDX-License-Identifier: MIT */
/*
 * A write transaction: the one way to change a metabase file.
 *
 *   plan     edits collected against a loaded document (edit.h, splice.h)
 *   preview  the unified diff of the change (diff.h), streamed to a sink
 *   commit   the atomic, locked, backed-up write (write.h)
 *
 * Both preview and commit first apply the edits and check that the bytes
 * parse again: a file that would not read back is neither written nor
 * shown as a change. What is replaced is orig, the file as loaded; a
 * write refuses a file that changed on disk since (write.h).
 *
 * Memory (SPEC section 5, peak <= 3x the file): with shed, the caller is
 * done with its documents, and the transaction lets their indexes go
 * before the splice, and orig's bytes once the new ones are built: the
 * bytes the edits replaced are kept, and the new bytes with the edits
 * undone are the old file, for the preview's diff (mb_diff_splice) and
 * the commit's check that the file did not change (mb_write_opts.undo).
 * The check's index goes as soon as the check is done.
 */
#ifndef MB_TXN_H
#define MB_TXN_H

#include "mb/diff.h"
#include "mb/doc.h"
#include "mb/err.h"
#include "mb/splice.h"
#include "mb/write.h"

struct mb_txn {
	struct mb_doc *orig;    /* the file as loaded */
	struct mb_doc *doc;     /* orig, or orig with earlier edits applied
				   and parsed again (a batch); edits are
				   against it */
	struct mb_edits *edits;
	int shed;               /* the caller reads orig and doc no more */
};

/* A transaction of edits (against doc) that replace orig's file. */
void mb_txn_init(struct mb_txn *t, struct mb_doc *orig, struct mb_doc *doc,
		 struct mb_edits *edits);

/*
 * The change as a unified diff through fn (nothing when nothing changes);
 * res->changed says whether anything would.
 */
enum mb_status mb_txn_preview(struct mb_txn *t, mb_diff_sink *fn, void *ctx,
			      struct mb_write_result *res,
			      struct mb_error *err);

/* Write the change (opts as mb_write_replace; dry_run is ignored). */
enum mb_status mb_txn_commit(struct mb_txn *t,
			     const struct mb_write_opts *opts,
			     struct mb_write_result *res,
			     struct mb_error *err);

/*
 * bytes (malloc'd, len + 1) parsed as a document named like orig, taken
 * over (freed on failure): what a transaction checks, and what a batch
 * re-reads between dependent lines. r: where the splice that made bytes
 * changed the file (mb_doc_recheck_plan; NULL: check it all). A failure
 * is an internal error: the edits made a file that does not parse;
 * nothing is written.
 */
enum mb_status mb_txn_reparse(const struct mb_doc *orig, char *bytes,
			      size_t len, const struct mb_doc_recheck *r,
			      struct mb_doc **out, struct mb_error *err);

#endif
