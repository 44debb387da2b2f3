/* SPDX-License-Identifier: MIT */
/*
 * Write transactions (txn.h): the edits applied once, checked by parsing
 * the result (libxml2 sees again only what the edits changed: splice.h),
 * then shown as a diff or written. The order of what is let
 * go keeps a hosting-size file near two copies: indexes before the splice,
 * the old bytes (commit, remembered as a SHA-256) right after it, the
 * check's index once it has parsed.
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

/* The new bytes: the checked document's, or the splice's (no edits). */
struct built {
	struct mb_buf out;
	struct mb_doc *check;
	const char *data;
	size_t len;
};

/* With drop_old, orig's and doc's bytes go once the splice is done. */
static enum mb_status build(struct mb_txn *t, struct built *b, int drop_old,
			    struct mb_error *err)
{
	struct mb_doc_recheck rc;
	enum mb_status st;
	size_t len;

	mb_buf_init(&b->out);
	b->check = NULL;
	/* Where the edits fall, while the keys are known (see splice.h). */
	mb_doc_recheck_plan(t->doc, t->edits, &rc);
	if (t->shed) {
		mb_doc_drop_index(t->doc);
		mb_doc_drop_index(t->orig);
	}
	st = mb_doc_splice(t->doc, t->edits, &b->out, err);
	if (drop_old) {
		mb_doc_drop_bytes(t->doc);
		mb_doc_drop_bytes(t->orig);
	}
	/* Whatever was planned, the file written must read back. */
	if (!st && t->edits->n) {
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

/*
 * The old bytes again, from the file, once the check has let its index
 * go: while the new file is parsed, only one copy of the file is held.
 * They must be what was loaded (len bytes, that SHA-256).
 */
static char *read_again(const char *path, size_t len,
			const unsigned char sha[32], struct mb_error *err)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(len + 1);
	unsigned char now[32];
	size_t n = f && buf ? fread(buf, 1, len + 1, f) : 0;

	if (f)
		fclose(f);
	if (buf && n == len && mb_write_sha256(buf, len, now) == 0 &&
	    memcmp(now, sha, 32) == 0)
		return buf;
	free(buf);
	mb_error_set(err, MB_EFILE, "write", path, "the file changed since "
		     "mbtool read it (another program wrote it): run the "
		     "command again");
	return NULL;
}

static enum mb_status show(const struct mb_txn *t, const char *old,
			   size_t oldlen, const struct built *b,
			   mb_diff_sink *fn, void *ctx,
			   struct mb_write_result *res, struct mb_error *err)
{
	res->changed = b->len != oldlen || memcmp(b->data, old, oldlen) != 0;
	if (mb_diff_unified(base_name(t->orig->path), old, oldlen, b->data,
			    b->len, fn, ctx))
		return mb_error_set(err, MB_EFILE, "write", t->orig->path,
				    "out of memory for the diff");
	return MB_OK;
}

enum mb_status mb_txn_preview(struct mb_txn *t, mb_diff_sink *fn, void *ctx,
			      struct mb_write_result *res,
			      struct mb_error *err)
{
	unsigned char sha[32];
	size_t oldlen = t->orig->len;
	int shed = t->shed && mb_write_sha256(t->orig->buf, oldlen, sha) == 0;
	struct built b;
	enum mb_status st = build(t, &b, shed, err);
	char *old = NULL;

	memset(res, 0, sizeof(*res));
	if (!st && shed && !(old = read_again(t->orig->path, oldlen, sha,
					      err)))
		st = err->status;
	if (!st)
		st = show(t, shed ? old : t->orig->buf, oldlen, &b, fn, ctx,
			  res, err);
	free(old);
	release(&b);
	return st;
}

enum mb_status mb_txn_commit(struct mb_txn *t,
			     const struct mb_write_opts *opts,
			     struct mb_write_result *res,
			     struct mb_error *err)
{
	struct mb_write_opts o = *opts;
	unsigned char sha[32];
	size_t oldlen = t->orig->len;
	int shed = t->shed && mb_write_sha256(t->orig->buf, oldlen, sha) == 0;
	struct built b;
	enum mb_status st = build(t, &b, shed, err);

	memset(res, 0, sizeof(*res));
	o.dry_run = 0;
	o.old_sha256 = shed ? sha : NULL;
	if (!st)
		st = mb_write_replace(t->orig->path, shed ? NULL :
				      t->orig->buf, oldlen, b.data, b.len,
				      &o, res, err);
	release(&b);
	return st;
}
