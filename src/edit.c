/* SPDX-License-Identifier: MIT */
/*
 * Metabase edits as byte splices in IIS 6's layout (edit.h). Nothing here
 * modifies the document: every function only adds to a struct mb_edits,
 * so a command that fails half-way has changed nothing.
 *
 * The layout written (reference/metabase-format.md §1.6):
 *   <KeyType\tLocation ="/LM/X"          key: column 0, TAB, space before =
 *   \t\tName="Value"                     attribute: two TABs, ordinal order
 *   \t\tList="a                          MULTISZ: continuation lines
 *   \t\t\tb"                               indented with three TABs
 *   \t>                                  end of the start tag
 *   \t<Custom ... \t/>                   Customs, by Name
 *   </KeyType>
 * with the file's own line ends.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mb/edit.h"
#include "mb/value.h"

static const char *eol(const struct mb_doc *doc)
{
	return doc->crlf ? "\r\n" : "\n";
}

static enum mb_status oom(const struct mb_doc *doc, struct mb_error *err)
{
	return mb_error_set(err, MB_EFILE, "edit", doc->path, "out of memory");
}

/* Never touch IIS_Global: IIS's own bookkeeping (session key, counters). */
static enum mb_status refuse_global(const struct mb_doc *doc, size_t key,
				    struct mb_error *err)
{
	if (key == MB_NOKEY || strcmp(doc->keys[key].location, ".") != 0)
		return MB_OK;
	return mb_error_set(err, MB_EPROP, "edit", "IIS_Global",
			    "IIS_Global holds IIS's own bookkeeping (the "
			    "session key, change and version numbers): mbtool "
			    "never changes it");
}

/* Add b's text as one edit; b is released. */
static enum mb_status add(const struct mb_doc *doc, struct mb_edits *e,
			  uint32_t start, uint32_t end, struct mb_buf *b,
			  struct mb_error *err)
{
	int bad = mb_buf_failed(b) ||
		  mb_edits_add(e, start, end, b->data ? b->data : "", b->len);

	mb_buf_release(b);
	return bad ? oom(doc, err) : MB_OK;
}

void mb_edit_escape(struct mb_buf *b, const char *text)
{
	for (; *text; text++) {
		switch (*text) {
		case '&': mb_buf_puts(b, "&amp;"); break;
		case '<': mb_buf_puts(b, "&lt;"); break;
		case '>': mb_buf_puts(b, "&gt;"); break;
		case '"': mb_buf_puts(b, "&quot;"); break;
		default: mb_buf_putc(b, *text); break;
		}
	}
}

static int is_list(const struct mb_prop *p)
{
	return p->type == MB_T_MULTISZ || p->type == MB_T_MIMEMAP;
}

/*
 * A value as attribute text. List items go on continuation lines; other
 * line breaks and TABs become character references, because a reader that
 * normalises attribute values (XML 1.0 §3.3.3) would turn them into spaces.
 */
static void put_value(struct mb_buf *b, const struct mb_doc *doc,
		      const struct mb_prop *p, const char *text)
{
	char one[2] = { 0, 0 };

	for (; *text; text++) {
		if (*text == '\n' && is_list(p)) {
			mb_buf_puts(b, eol(doc));
			mb_buf_puts(b, "\t\t\t");
		} else if (*text == '\n') {
			mb_buf_puts(b, "&#10;");
		} else if (*text == '\r') {
			mb_buf_puts(b, "&#13;");
		} else if (*text == '\t') {
			mb_buf_puts(b, "&#9;");
		} else {
			one[0] = *text;
			mb_edit_escape(b, one);
		}
	}
}

/* ---- values ------------------------------------------------------------ */

char *mb_edit_dword_text(const struct mb_prop *p, uint32_t v)
{
	struct mb_buf b;
	uint32_t rest = v;
	unsigned i;

	mb_buf_init(&b);
	for (i = 0; p && i < p->nflags; i++) {
		uint32_t f = p->flags[i].value;

		if (!f || (v & f) != f || !(rest & f))
			continue;
		mb_buf_printf(&b, "%s%s", b.len ? " | " : "",
			      p->flags[i].name);
		rest &= ~f;
	}
	if (rest || !b.len)
		mb_buf_printf(&b, "%s%u", b.len ? " | " : "", rest);
	return mb_buf_detach(&b, NULL);
}

static enum mb_status bad_dword(const struct mb_prop *p, const char *arg,
				struct mb_error *err)
{
	struct mb_buf names;
	unsigned i;
	enum mb_status st;

	mb_buf_init(&names);
	for (i = 0; i < p->nflags; i++)
		mb_buf_printf(&names, "%s%s", i ? ", " : "", p->flags[i].name);
	st = mb_error_set(err, MB_EUSAGE, "set", p->name,
			  "'%s' is not a DWORD value: give a number "
			  "0..4294967295 (decimal or 0x hex)%s%s", arg,
			  p->nflags ? " or flag names joined by '|': " : "",
			  names.data ? names.data : "");
	mb_buf_release(&names);
	return st;
}

static enum mb_status format_dword(const struct mb_prop *p, const char *arg,
				   char **out, struct mb_error *err)
{
	uint32_t v, lo = p->has_start ? p->start : 0;

	if (mb_value_dword(p, arg, &v))
		return bad_dword(p, arg, err);
	/* EndingNumber="0" is the schema's way of saying "no range". */
	if (!p->nflags && p->has_end && p->end && (v < lo || v > p->end))
		return mb_error_set(err, MB_EUSAGE, "set", p->name,
				    "%u is out of range: the schema allows "
				    "%u..%u", v, lo, p->end);
	*out = mb_edit_dword_text(p, v);
	return MB_OK;
}

static enum mb_status format_hex(const struct mb_prop *p, const char *arg,
				 char **out, struct mb_error *err)
{
	size_t n, i;
	char *s;

	if (arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X'))
		arg += 2;
	n = strlen(arg);
	for (i = 0; i < n && isxdigit((unsigned char)arg[i]); i++)
		;
	if (i < n || n % 2)
		return mb_error_set(err, MB_EUSAGE, "set", p->name,
				    "a %s value is hex bytes (an even number "
				    "of 0-9a-f digits, e.g. 0a1b2c)",
				    mb_type_name(p->type));
	s = strdup(arg);
	for (i = 0; s && i < n; i++)
		s[i] = (char)tolower((unsigned char)s[i]);
	*out = s;
	return MB_OK;
}

static enum mb_status format_list(const struct mb_prop *p,
				  const char *const *args, size_t nargs,
				  char **out, struct mb_error *err)
{
	struct mb_buf b;
	size_t i;

	mb_buf_init(&b);
	for (i = 0; i < nargs; i++) {
		/* adsutil splits each MimeMap item at its first comma and
		 * fails ("Error trying to Create the Mime Map List.") on an
		 * item that has none */
		if (p->type == MB_T_MIMEMAP && !strchr(args[i], ',')) {
			mb_buf_release(&b);
			return mb_error_set(err, MB_EUSAGE, "set", p->name,
					    "'%s' is not a MimeMap entry: give "
					    "each as \".ext,type\" (e.g. "
					    "\".htm,text/html\")", args[i]);
		}
		if (strpbrk(args[i], "\r\n")) {
			mb_buf_release(&b);
			return mb_error_set(err, MB_EUSAGE, "set", p->name,
					    "a list item cannot hold a line "
					    "break: give each item as its own "
					    "argument");
		}
		mb_buf_printf(&b, "%s%s", i ? "\n" : "", args[i]);
	}
	*out = mb_buf_detach(&b, NULL);
	if (!*out)
		*out = strdup("");
	return MB_OK;
}

static enum mb_status format_scalar(const struct mb_prop *p, const char *arg,
				    char **out, struct mb_error *err)
{
	int bv;

	switch (p->type) {
	case MB_T_DWORD:
		return format_dword(p, arg, out, err);
	case MB_T_BOOL:
		if (mb_value_bool(arg, &bv))
			return mb_error_set(err, MB_EUSAGE, "set", p->name,
					    "'%s' is not a BOOL value: give "
					    "TRUE or FALSE", arg);
		*out = strdup(bv ? "TRUE" : "FALSE");
		return MB_OK;
	case MB_T_BINARY:
	case MB_T_IPSECLIST:
	case MB_T_NTACL:
		return format_hex(p, arg, out, err);
	default:
		*out = strdup(arg);
		return MB_OK;
	}
}

enum mb_status mb_edit_format(const struct mb_prop *prop,
			      const char *const *args, size_t nargs,
			      char **out, struct mb_error *err)
{
	enum mb_status st;

	*out = NULL;
	if (is_list(prop))
		st = format_list(prop, args, nargs, out, err);
	else if (nargs != 1)
		return mb_error_set(err, MB_EUSAGE, "set", prop->name,
				    "%s takes one value, not %zu (quote a "
				    "value that has spaces)",
				    mb_type_name(prop->type), nargs);
	else
		st = format_scalar(prop, args[0], out, err);
	if (!st && !*out)
		return mb_error_set(err, MB_EFILE, "set", prop->name,
				    "out of memory");
	return st;
}

/* ---- attributes and Customs -------------------------------------------- */

/* Ordinal (case-sensitive ASCII) comparison of a name span with a string. */
static int span_cmp(const struct mb_doc *doc, struct mb_span s,
		    const char *str)
{
	size_t n = strlen(str), m = s.len < n ? s.len : n;
	int c = memcmp(doc->buf + s.off, str, m);

	if (c)
		return c;
	return s.len < n ? -1 : (s.len > n);
}

static enum mb_status insert_attr(const struct mb_doc *doc,
				  struct mb_edits *e, size_t key,
				  const struct mb_prop *prop, const char *text,
				  struct mb_error *err)
{
	const struct mb_key *k = &doc->keys[key];
	uint32_t at = mb_attr_end(mb_key_loc(k));
	struct mb_buf b;
	unsigned i;

	for (i = 0; i < k->nattrs; i++) {
		if (span_cmp(doc, k->attrs[i].name, prop->name) > 0)
			break;
		if (mb_attr_end(&k->attrs[i]) > at)
			at = mb_attr_end(&k->attrs[i]);
	}
	mb_buf_init(&b);
	if (i < k->nattrs) {
		/* before the next name's leading white space: its line */
		at = mb_attr_start(doc, &k->attrs[i]);
	}
	mb_buf_printf(&b, "%s\t\t%s=\"", eol(doc), prop->name);
	put_value(&b, doc, prop, text);
	mb_buf_putc(&b, '"');
	return add(doc, e, at, at, &b, err);
}

static void attributes_text(struct mb_buf *b, unsigned attrs)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ MB_ATTR_INHERIT, "INHERIT" }, { MB_ATTR_SECURE, "SECURE" },
		{ MB_ATTR_REFERENCE, "REFERENCE" },
		{ MB_ATTR_VOLATILE, "VOLATILE" },
	};
	size_t i, n = 0;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (attrs & names[i].bit)
			mb_buf_printf(b, "%s%s", n++ ? " | " : "",
				      names[i].name);
	if (!n)
		mb_buf_puts(b, "NO_ATTRIBUTES");
}

/* The <Custom> element text, starting with a line end. */
static void custom_text(struct mb_buf *b, const struct mb_doc *doc,
			const struct mb_prop *p, const char *text)
{
	const char *nl = eol(doc);

	mb_buf_printf(b, "%s\t<Custom%s\t\tName=\"", nl, nl);
	mb_edit_escape(b, p->name);
	mb_buf_printf(b, "\"%s\t\tID=\"%u\"%s\t\tValue=\"", nl, p->id, nl);
	put_value(b, doc, p, text);
	mb_buf_printf(b, "\"%s\t\tType=\"%s\"", nl,
		      mb_type_name(p->type == MB_T_UNKNOWN ? MB_T_STRING :
				   p->type));
	if (p->user_type && *p->user_type)
		mb_buf_printf(b, "%s\t\tUserType=\"%s\"", nl, p->user_type);
	mb_buf_printf(b, "%s\t\tAttributes=\"", nl);
	attributes_text(b, p->attrs);
	mb_buf_printf(b, "\"%s\t/>", nl);
}

static int custom_name_cmp(const struct mb_doc *doc, const struct mb_custom *c,
			   const char *name)
{
	const struct mb_attr *a = mb_custom_attr(doc, c, "Name");

	return a ? span_cmp(doc, a->value, name) : -1;
}

static enum mb_status insert_custom(const struct mb_doc *doc,
				    struct mb_edits *e, size_t key,
				    const struct mb_prop *prop, const char *text,
				    struct mb_error *err)
{
	const struct mb_key *k = &doc->keys[key];
	const struct mb_custom *cu = mb_key_customs(doc, k);
	uint32_t at = k->tag_end, end;
	struct mb_buf b;
	unsigned i;

	for (i = 0; i < k->ncustoms; i++) {
		if (custom_name_cmp(doc, &cu[i], prop->name) > 0) {
			at = cu[i].start;
			break;
		}
		at = cu[i].end;
	}
	end = at;
	mb_buf_init(&b);
	if (k->empty) {
		/* <X .../> has no room for children: give it an end tag */
		at = k->tag_end - 2;
		end = k->tag_end;
		mb_buf_putc(&b, '>');
	}
	custom_text(&b, doc, prop, text);
	if (k->empty)
		mb_buf_printf(&b, "%s</%.*s>", eol(doc), (int)k->elem_len,
			      doc->buf + mb_key_elem(k).off);
	return add(doc, e, at, end, &b, err);
}

static enum mb_status replace_value(const struct mb_doc *doc,
				    struct mb_edits *e,
				    const struct mb_value *v,
				    const struct mb_prop *prop, const char *text,
				    struct mb_error *err)
{
	const struct mb_attr *id;
	struct mb_buf b;

	mb_buf_init(&b);
	if (v->attr || mb_custom_attr(doc, v->custom, "Value")) {
		put_value(&b, doc, prop, text);
		return add(doc, e, v->raw.off, v->raw.off + v->raw.len, &b,
			   err);
	}
	/* A Custom without Value (the schema default applied): add one. */
	id = mb_custom_attr(doc, v->custom, "ID");
	mb_buf_printf(&b, "%s\t\tValue=\"", eol(doc));
	put_value(&b, doc, prop, text);
	mb_buf_putc(&b, '"');
	return add(doc, e, mb_attr_end(id), mb_attr_end(id), &b, err);
}

enum mb_status mb_edit_set(const struct mb_doc *doc, struct mb_edits *e,
			   size_t key, const struct mb_prop *prop,
			   const char *text, int as_custom,
			   struct mb_error *err)
{
	struct mb_value v;
	enum mb_status st = refuse_global(doc, key, err);

	if (st)
		return st;
	if (mb_doc_local(doc, key, prop, &v))
		return replace_value(doc, e, &v, prop, text, err);
	if (as_custom)
		return insert_custom(doc, e, key, prop, text, err);
	return insert_attr(doc, e, key, prop, text, err);
}

enum mb_status mb_edit_unset(const struct mb_doc *doc, struct mb_edits *e,
			     size_t key, const struct mb_prop *prop,
			     int *removed, struct mb_error *err)
{
	const struct mb_key *k = &doc->keys[key];
	const struct mb_custom *cu = mb_key_customs(doc, k);
	enum mb_status st = refuse_global(doc, key, err);
	unsigned i;

	*removed = 0;
	if (st)
		return st;
	/* every local instance: a file may hold both forms of one ID */
	for (i = 0; i < k->nattrs; i++)
		if (mb_span_eq(doc, k->attrs[i].name, prop->name)) {
			if (mb_edits_add(e, mb_attr_start(doc, &k->attrs[i]),
					 mb_attr_end(&k->attrs[i]), "", 0))
				return oom(doc, err);
			(*removed)++;
		}
	for (i = 0; i < k->ncustoms; i++)
		if (cu[i].has_id && cu[i].id == prop->id) {
			if (mb_edits_add(e, cu[i].start, cu[i].end, "", 0))
				return oom(doc, err);
			(*removed)++;
		}
	return MB_OK;
}

enum mb_status mb_edit_set_flag(const struct mb_doc *doc, struct mb_edits *e,
				size_t key, const struct mb_prop *prop,
				const struct mb_flag *flag, int on,
				int as_custom, char **text,
				struct mb_error *err)
{
	struct mb_value v;
	uint32_t cur = 0;
	char *old = NULL, *now;
	enum mb_status st;

	if (mb_doc_effective(doc, key, prop, &v))
		old = mb_doc_text(doc, v.raw);
	else if (prop->default_value)
		old = strdup(prop->default_value);
	if (old && mb_value_dword(prop, old, &cur)) {
		st = mb_error_set(err, MB_EFILE, "set", prop->name,
				  "the current value '%s' is not a DWORD, so "
				  "one flag cannot be changed: set %s as a "
				  "whole", old, prop->name);
		free(old);
		return st;
	}
	free(old);
	cur = on ? (cur | flag->value) : (cur & ~flag->value);
	now = mb_edit_dword_text(prop, cur);
	if (!now)
		return oom(doc, err);
	st = mb_edit_set(doc, e, key, prop, now, as_custom, err);
	if (!st && text)
		*text = now;
	else
		free(now);
	return st;
}

/* ---- keys -------------------------------------------------------------- */

static int sort_char(const char *p)
{
	unsigned char c = (unsigned char)*p;

	if (!c)
		return 0;
	if (c == '/')
		return 1;   /* lowest: a parent sorts before its children */
	return tolower(c) + 2;
}

int mb_edit_loccmp(const char *a, const char *b)
{
	int ga = strcmp(a, ".") == 0, gb = strcmp(b, ".") == 0;

	if (ga || gb)
		return gb - ga;
	for (;; a++, b++) {
		int ca = sort_char(a), cb = sort_char(b);

		if (ca != cb || !ca)
			return ca - cb;
	}
}

int mb_edit_loc_under(const char *location, const char *ancestor)
{
	size_t n = strlen(ancestor);

	if (strcmp(ancestor, "/") == 0)
		return location[0] == '/';
	if (strncasecmp(location, ancestor, n) != 0)
		return 0;
	return location[n] == '\0' || location[n] == '/';
}

/* After the last key (file order) that sorts before location. */
static uint32_t key_position(const struct mb_doc *doc, const char *location)
{
	uint32_t at = doc->mbprop_open;
	size_t k;

	for (k = 0; k < doc->nkeys; k++)
		if (mb_edit_loccmp(doc->keys[k].location, location) < 0 &&
		    doc->keys[k].end > at)
			at = doc->keys[k].end;
	return at;
}

static void key_text(struct mb_buf *b, const struct mb_doc *doc,
		     const char *location, const char *keytype)
{
	const char *nl = eol(doc);

	mb_buf_printf(b, "%s<%s\tLocation =\"", nl, keytype);
	mb_edit_escape(b, location);
	mb_buf_printf(b, "\"%s\t>%s</%s>", nl, nl, keytype);
}

/*
 * A KeyType is written as an element name: an ASCII XML name (no ':', so
 * no namespace), and none of the names the file uses for its own frame.
 */
static int keytype_ok(const char *t)
{
	static const char *const frame[] = {
		"configuration", "MBProperty", "Custom", "IIS_Global",
	};
	size_t i;

	if (!isalpha((unsigned char)*t) && *t != '_')
		return 0;
	for (i = 1; t[i]; i++)
		if (!isalnum((unsigned char)t[i]) && !strchr("_-.", t[i]))
			return 0;
	for (i = 0; i < sizeof(frame) / sizeof(frame[0]); i++)
		if (strcasecmp(t, frame[i]) == 0)
			return 0;
	return 1;
}

enum mb_status mb_edit_add_key(const struct mb_doc *doc, struct mb_edits *e,
			       const char *location, const char *keytype,
			       struct mb_error *err)
{
	struct mb_buf b;
	uint32_t at;

	if (strcmp(location, ".") == 0)
		return refuse_global(doc, mb_doc_find(doc, "."), err);
	if (!keytype_ok(keytype))
		return mb_error_set(err, MB_EUSAGE, "create", keytype,
				    "not a KeyType the file can hold: a "
				    "KeyType is written as an element name "
				    "(letters, digits, '_', '-', '.')");
	at = key_position(doc, location);
	mb_buf_init(&b);
	key_text(&b, doc, location, keytype);
	return add(doc, e, at, at, &b, err);
}

/* Start of a key's line: back over its indent and the line end before. */
static uint32_t line_start(const struct mb_doc *doc, uint32_t at)
{
	while (at > 0 && (doc->buf[at - 1] == ' ' || doc->buf[at - 1] == '\t'))
		at--;
	if (at > 0 && doc->buf[at - 1] == '\n')
		at--;
	if (at > 0 && doc->buf[at - 1] == '\r')
		at--;
	return at;
}

enum mb_status mb_edit_remove_key(const struct mb_doc *doc,
				  struct mb_edits *e, size_t key,
				  struct mb_error *err)
{
	size_t k, first = MB_NOKEY;
	enum mb_status st = refuse_global(doc, key, err);

	/* Runs of consecutive subtree keys, each removed as one span. */
	for (k = 0; !st && k <= doc->nkeys; k++) {
		int in = k < doc->nkeys && mb_doc_is_under(doc, key, k);

		if (in && first == MB_NOKEY)
			first = k;
		if (in || first == MB_NOKEY)
			continue;
		if (mb_edits_add(e, line_start(doc, doc->keys[first].start),
				 doc->keys[k - 1].end, "", 0))
			st = oom(doc, err);
		first = MB_NOKEY;
	}
	return st;
}

/* ---- copy -------------------------------------------------------------- */

struct relocate {
	const char *from;   /* source Location */
	const char *to;     /* destination Location */
};

/* loc (decoded) moved from r->from to r->to, escaped, into b. */
static void relocated(struct mb_buf *b, const struct relocate *r,
		      const char *loc)
{
	mb_edit_escape(b, r->to);
	mb_edit_escape(b, loc + strlen(r->from));
}

/* An AppRoot of the key that points into the source subtree, or NULL. */
static const struct mb_attr *app_root(const struct mb_doc *doc,
				      const struct mb_key *k,
				      const struct relocate *r, char **text)
{
	unsigned i;

	*text = NULL;
	for (i = 0; i < k->nattrs; i++) {
		if (!mb_span_eq(doc, k->attrs[i].name, "AppRoot"))
			continue;
		*text = mb_doc_text(doc, k->attrs[i].value);
		if (*text && mb_edit_loc_under(*text, r->from))
			return &k->attrs[i];
		free(*text);
		*text = NULL;
	}
	return NULL;
}

/* The bytes of one key with its Location (and AppRoot) relocated. */
static void copy_key(struct mb_buf *b, const struct mb_doc *doc,
		     const struct mb_key *k, const struct relocate *r)
{
	const struct mb_span *loc = &mb_key_loc(k)->value;
	char *root;
	const struct mb_attr *ar = app_root(doc, k, r, &root);
	uint32_t pos = k->start;
	int root_first = ar && ar->value.off < loc->off;

	mb_buf_puts(b, eol(doc));
	if (root_first) {
		mb_buf_append(b, doc->buf + pos, ar->value.off - pos);
		relocated(b, r, root);
		pos = ar->value.off + ar->value.len;
	}
	mb_buf_append(b, doc->buf + pos, loc->off - pos);
	relocated(b, r, k->location);
	pos = loc->off + loc->len;
	if (ar && !root_first) {
		mb_buf_append(b, doc->buf + pos, ar->value.off - pos);
		relocated(b, r, root);
		pos = ar->value.off + ar->value.len;
	}
	mb_buf_append(b, doc->buf + pos, k->end - pos);
	free(root);
}

static enum mb_status check_copy(const struct mb_doc *doc, size_t src,
				 const char *dst, struct mb_error *err)
{
	const char *from = doc->keys[src].location;
	size_t k;

	if (mb_edit_loc_under(dst, from))
		return mb_error_set(err, MB_EUSAGE, "copy", dst,
				    "the destination lies inside the source "
				    "%s: a key cannot be copied into itself",
				    from);
	for (k = 0; k < doc->nkeys; k++)
		if (mb_edit_loc_under(doc->keys[k].location, dst))
			return mb_error_set(err, MB_EUSAGE, "copy", dst,
					    "the destination exists (key %s): "
					    "delete it first or choose a new "
					    "name", doc->keys[k].location);
	return MB_OK;
}

enum mb_status mb_edit_copy_tree(const struct mb_doc *doc, struct mb_edits *e,
				 size_t src, const char *dst, size_t *count,
				 struct mb_error *err)
{
	struct relocate r = { doc->keys[src].location, dst };
	enum mb_status st = refuse_global(doc, src, err);
	struct mb_buf b;
	size_t k, n = 0;
	uint32_t at;

	if (!st && strcmp(dst, ".") == 0)
		st = refuse_global(doc, mb_doc_find(doc, "."), err);
	if (!st)
		st = check_copy(doc, src, dst, err);
	if (st)
		return st;
	mb_buf_init(&b);
	for (k = 0; k < doc->nkeys; k++)
		if (mb_doc_is_under(doc, src, k)) {
			copy_key(&b, doc, &doc->keys[k], &r);
			n++;
		}
	at = key_position(doc, dst);
	if (count)
		*count = n;
	return add(doc, e, at, at, &b, err);
}
