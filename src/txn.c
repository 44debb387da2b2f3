/* SPDX-License-Identifier: MIT */
/*
 * Write transactions (txn.h): the edits applied once, checked by parsing
 * the result (the keys the edits changed, alone, when they are still the
 * keys they were; else the whole new file, where libxml2 sees again only
 * what the edits changed: splice.h), then shown as a diff or written. The order of what is let go keeps a
 * hosting-size file near one copy and its index: indexes before the
 * splice, the old bytes right after it (what the edits replaced is kept:
 * the new bytes with the edits undone are the old file, for the diff and
 * for the write's check under the lock), the check's index once it has
 * parsed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mb/txn.h"

void mb_txn_init(struct mb_txn *t, struct mb_doc *orig, struct mb_doc *doc,
		 struct mb_edits *edits)
{
	memset(t, 0, sizeof(*t));
	t->orig = orig;
	t->doc = doc;
	t->edits = edits;
}

enum mb_status mb_txn_reparse(const struct mb_doc *orig, char *bytes,
			      size_t len, const struct mb_doc_recheck *r,
			      struct mb_doc **out, struct mb_error *err)
{
	struct mb_error e;

	mb_error_clear(&e);
	if (!bytes)
		return mb_error_set(err, MB_EFILE, "write", orig->path,
				    "out of memory");
	if (mb_doc_parse_spliced(orig->path, bytes, len, orig->schema, r, out,
				 &e) == MB_OK)
		return MB_OK;
	return mb_error_set(err, MB_EFILE, "write", orig->path,
			    "internal error: the edited file would not parse "
			    "(%s: %s); nothing written", e.subject, e.reason);
}

/*
 * The new bytes: the checked document's, or the splice's (no edits).
 * undo: the old bytes are gone, and are the new ones with the edits undone
 * (splice.h); otherwise orig still holds them.
 */
struct built {
	struct mb_buf out;
	struct mb_doc *check;
	const char *data;
	size_t len;
	int undo;
};

/*
 * With shed, orig's bytes go once the splice is done, when the edits can
 * give them back (edits against orig itself: not a batch's later
 * document); a batch keeps orig's and lets the later document's go.
 */
static void shed_bytes(struct mb_txn *t, struct built *b)
{
	b->undo = t->doc == t->orig && t->edits->n &&
		  mb_edits_keep_old(t->edits, t->orig) == 0;
	if (t->doc != t->orig)
		mb_doc_drop_bytes(t->doc);
	else if (b->undo)
		mb_doc_drop_bytes(t->orig);
}

static enum mb_status build(struct mb_txn *t, struct built *b,
			    struct mb_error *err)
{
	struct mb_doc_recheck rc;
	enum mb_status st;
	size_t len;

	mb_buf_init(&b->out);
	b->check = NULL;
	b->undo = 0;
	/* Where the edits fall, while the keys are known (see splice.h). */
	mb_doc_recheck_plan(t->doc, t->edits, &rc);
	if (t->shed) {
		mb_doc_drop_index(t->doc);
		mb_doc_drop_index(t->orig);
	}
	st = mb_doc_splice(t->doc, t->edits, &b->out, err);
	if (!st && t->shed)
		shed_bytes(t, b);
	/*
	 * Whatever was planned, the file written must read back: checked as
	 * its changed keys alone when they are the keys they were, or whole.
	 */
	if (!st && t->edits->n &&
	    mb_doc_recheck_alone(t->orig->path, b->out.data, b->out.len,
				 t->orig->schema, &rc) != 0) {
		char *data = mb_buf_detach(&b->out, &len);

		st = mb_txn_reparse(t->orig, data, len, &rc, &b->check, err);
		if (!st)
			mb_doc_drop_index(b->check);
	}
	mb_doc_recheck_free(&rc);
	b->data = b->check ? b->check->buf : b->out.data ? b->out.data : "";
	b->len = b->check ? b->check->len : b->out.len;
	return st;
}

static void release(struct built *b)
{
	mb_doc_free(b->check);
	mb_buf_release(&b->out);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

enum mb_status mb_txn_preview(struct mb_txn *t, mb_diff_sink *fn, void *ctx,
			      struct mb_write_result *res,
			      struct mb_error *err)
{
	const char *name = base_name(t->orig->path);
	struct built b;
	enum mb_status st = build(t, &b, err);
	int r;

	memset(res, 0, sizeof(*res));
	if (!st && b.undo) {
		res->changed = mb_edits_changed(t->edits, b.data);
		r = mb_diff_splice(name, t->edits, b.data, b.len, fn, ctx);
	} else if (!st) {
		res->changed = b.len != t->orig->len ||
			       memcmp(b.data, t->orig->buf, b.len) != 0;
		r = mb_diff_unified(name, t->orig->buf, t->orig->len, b.data,
				    b.len, fn, ctx);
	}
	if (!st && r)
		st = mb_error_set(err, MB_EFILE, "write", t->orig->path,
				  "out of memory for the diff");
	release(&b);
	return st;
}

enum mb_status mb_txn_commit(struct mb_txn *t,
			     const struct mb_write_opts *opts,
			     struct mb_write_result *res,
			     struct mb_error *err)
{
	struct mb_write_opts o = *opts;
	size_t oldlen = t->orig->len;
	struct built b;
	enum mb_status st = build(t, &b, err);

	memset(res, 0, sizeof(*res));
	o.dry_run = 0;
	o.undo = b.undo ? t->edits : NULL;
	if (!st)
		st = mb_write_replace(t->orig->path, b.undo ? NULL :
				      t->orig->buf, oldlen, b.data, b.len,
				      &o, res, err);
	release(&b);
	return st;
}
