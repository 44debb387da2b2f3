/* SPDX-License-Identifier: MIT */
/*
 * enum [PATH] [--effective] [/P] and enum_all: the properties a key sets
 * (KeyType first, then attributes and <Custom> values in file order), then
 * one "[/path/child]" line per child key, as adsutil ENUM prints them.
 * --effective adds the values inherited from above, with their origin.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "mb/json.h"
#include "mb/path.h"
#include "mb/query.h"
#include "mb/value.h"

/*
 * The inherited lines an ancestor gives (--effective, text output): each
 * rendered once while enum_all walks below it, then copied for every key
 * under it that does not set the property itself. One level per depth of
 * the walk, so memory is that of one path, not of the tree.
 */
struct inh_line {
	uint32_t id;
	size_t off, len;
};

struct inh_level {
	size_t key;          /* MB_NOKEY when empty */
	struct mb_buf text;
	struct inh_line *v;
	size_t n, cap;
};

struct seen_slot;

struct enum_run {
	struct cli *cli;
	const struct mb_doc *doc;
	struct mb_json j;
	int effective;
	int paths_only;
	int all;
	struct seen_slot *seen; /* property IDs listed for the current key */
	size_t nseen, cseen;
	uint32_t gen;
	struct inh_level *lv;  /* by depth below the root, for --effective */
	size_t nlv;
};

/*
 * The property IDs listed for the current key: an open-addressed set whose
 * slots count as empty unless stamped with the key's generation, so a new
 * key starts empty without clearing (a list searched per property was a
 * tenth of enum_all --effective's time).
 */
struct seen_slot {
	uint32_t id;
	uint32_t gen;
};

static size_t seen_probe(const struct seen_slot *t, size_t cap, uint32_t gen,
			 uint32_t id)
{
	size_t i = (size_t)(id * 2654435761u) & (cap - 1);

	while (t[i].gen == gen && t[i].id != id)
		i = (i + 1) & (cap - 1);
	return i;
}

/* Twice the slots, the current key's IDs moved over; -1 without memory. */
static int seen_grow(struct enum_run *e)
{
	size_t cap = e->cseen ? e->cseen * 2 : 64, i;
	struct seen_slot *t = calloc(cap, sizeof(*t)), *old = e->seen;

	if (!t)
		return -1;
	for (i = 0; i < e->cseen; i++)
		if (old[i].gen == e->gen)
			t[seen_probe(t, cap, e->gen, old[i].id)] = old[i];
	free(old);
	e->seen = t;
	e->cseen = cap;
	return 0;
}

/* 1 when id was listed for this key already; else it is now. */
static int seen(struct enum_run *e, uint32_t id)
{
	size_t i;

	if (2 * (e->nseen + 1) > e->cseen && seen_grow(e))
		return 0;
	i = seen_probe(e->seen, e->cseen, e->gen, id);
	if (e->seen[i].gen == e->gen)
		return 1;
	e->seen[i].id = id;
	e->seen[i].gen = e->gen;
	e->nseen++;
	return 0;
}

/* A new key: every slot empty again (generation 0 is never current). */
static void seen_reset(struct enum_run *e)
{
	e->nseen = 0;
	if (++e->gen == 0) {
		if (e->seen)
			memset(e->seen, 0, e->cseen * sizeof(*e->seen));
		e->gen = 1;
	}
}

static void line(struct enum_run *e, struct mb_buf *to, const char *name,
		 const struct mb_prop *p, const char *text, const char *from)
{
	char suffix[1100];

	if (e->cli->json) {
		mb_json_obj_begin(&e->j);
		mb_json_kstr(&e->j, "name", name);
		mb_json_kstr(&e->j, "type", mb_value_tag(p));
		mb_json_key(&e->j, "value");
		mb_value_json(&e->j, p, text);
		if (from)
			mb_json_kstr(&e->j, "inherited_from", from);
		mb_json_obj_end(&e->j);
		return;
	}
	if (from)
		snprintf(suffix, sizeof(suffix), "  (inherited from %s)", from);
	mb_value_render(to, MB_STYLE_ENUM, name, p, text,
			from ? suffix : NULL);
}

/* The span's bytes into name (size bytes, cut if longer), no printf. */
static void copy_span(char *name, size_t size, const struct mb_doc *doc,
		      struct mb_span sp)
{
	size_t n = sp.len < size ? sp.len : size - 1;

	memcpy(name, doc->buf + sp.off, n);
	name[n] = '\0';
}

/* A property as the file names it: the schema's, or a plain STRING. */
static const struct mb_prop *attr_prop(const struct mb_doc *doc,
				       const struct mb_attr *a,
				       struct mb_prop *tmp, char *name,
				       size_t size)
{
	const struct mb_prop *p = mb_doc_attr_prop(doc, a);

	copy_span(name, size, doc, a->name);
	if (p)
		return p;
	memset(tmp, 0, sizeof(*tmp));
	tmp->name = name;
	tmp->type = MB_T_STRING;
	return tmp;
}

static const struct mb_prop *custom_prop(const struct mb_doc *doc,
					 const struct mb_custom *c,
					 struct mb_prop *tmp, char *name,
					 size_t size)
{
	const struct mb_attr *n = mb_custom_attr(doc, c, "Name");
	const struct mb_attr *t = mb_custom_attr(doc, c, "Type");
	const struct mb_prop *p;
	unsigned secure;
	char *type;

	copy_span(name, size, doc, n ? n->value : (struct mb_span){ 0, 0 });
	p = c->has_id ? mb_schema_prop_by_id(doc->schema, c->id) : NULL;
	/* The element's own SECURE masks it even where the schema does not. */
	secure = mb_custom_attrs(doc, c) & MB_ATTR_SECURE;
	if (p && (!secure || (p->attrs & MB_ATTR_SECURE)))
		return p;
	if (p) {
		*tmp = *p;
		tmp->attrs |= MB_ATTR_SECURE;
		return tmp;
	}
	memset(tmp, 0, sizeof(*tmp));
	tmp->name = name;
	tmp->id = c->id;
	tmp->attrs = mb_custom_attrs(doc, c);
	type = t ? mb_doc_text(doc, t->value) : NULL;
	tmp->type = type ? mb_type_parse(type) : MB_T_STRING;
	if (tmp->type == MB_T_UNKNOWN)
		tmp->type = MB_T_STRING;
	free(type);
	return tmp;
}

/* Keep an ancestor's inherited line, rendered, for the keys below it. */
static void keep(struct enum_run *e, struct inh_level *l, const char *name,
		 const struct mb_prop *p, const char *text, const char *from)
{
	struct inh_line *x;
	size_t off = l->text.len;

	if (l->n == l->cap) {
		size_t c = l->cap ? l->cap * 2 : 32;

		x = realloc(l->v, c * sizeof(*x));
		if (!x) {
			e->cli->out.failed = 1;
			return;
		}
		l->v = x;
		l->cap = c;
	}
	if (text)
		line(e, &l->text, name, p, text, from);
	x = &l->v[l->n++];
	x->id = p->id;
	x->off = off;
	x->len = l->text.len - off;
}

/*
 * The values a key sets. For an ancestor (from != NULL) only inheritable
 * ones that no nearer key has already given; with a level (l), all the
 * inheritable ones, kept for replay().
 */
static void key_values(struct enum_run *e, size_t key, const char *from,
		       struct inh_level *l)
{
	const struct mb_doc *doc = e->doc;
	const struct mb_key *k = &doc->keys[key];
	struct mb_prop tmp;
	char name[256];
	unsigned i;

	for (i = 0; i < k->nattrs + k->ncustoms; i++) {
		const struct mb_prop *p;
		struct mb_span raw;
		char *text;
		int unknown;

		if (i < k->nattrs) {
			p = attr_prop(doc, &k->attrs[i], &tmp, name,
				      sizeof(name));
			raw = k->attrs[i].value;
		} else {
			const struct mb_custom *c =
				&mb_key_customs(doc, k)[i - k->nattrs];
			const struct mb_attr *v = mb_custom_attr(doc, c,
								 "Value");

			p = custom_prop(doc, c, &tmp, name, sizeof(name));
			raw = v ? v->value : (struct mb_span){ 0, 0 };
		}
		/* Unknown to the schema (not a masked copy of a known one). */
		unknown = p == &tmp && tmp.name == name;
		if (from && (!(p->attrs & MB_ATTR_INHERIT) || unknown))
			continue;
		if (!l && !unknown && seen(e, p->id))
			continue;
		text = mb_doc_text(doc, raw);
		if (l)
			keep(e, l, name, p, text, from);
		else if (text)
			line(e, &e->cli->out, name, p, text, from);
		free(text);
	}
}

static void key_type_line(struct enum_run *e, size_t key)
{
	const struct mb_key *k = &e->doc->keys[key];
	const struct mb_prop *p = mb_schema_prop(e->doc->schema, "KeyType");
	char type[256];

	copy_span(type, sizeof(type), e->doc, mb_key_elem(k));
	line(e, &e->cli->out, "KeyType", p, type, NULL);
}

/* The level for ancestor a at depth d, rendered if it holds another key. */
static struct inh_level *level(struct enum_run *e, size_t a, size_t d)
{
	struct inh_level *l;

	if (d >= e->nlv) {
		size_t n = d + 8, i;

		l = realloc(e->lv, n * sizeof(*l));
		if (!l)
			return NULL;
		for (i = e->nlv; i < n; i++) {
			memset(&l[i], 0, sizeof(l[i]));
			l[i].key = MB_NOKEY;
		}
		e->lv = l;
		e->nlv = n;
	}
	l = &e->lv[d];
	if (l->key != a) {
		mb_buf_reset(&l->text);
		l->n = 0;
		l->key = a;
		key_values(e, a, mb_path_display(e->doc->keys[a].location), l);
	}
	return l;
}

/* An ancestor's inherited lines that no nearer key has given. */
static void replay(struct enum_run *e, const struct inh_level *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!seen(e, l->v[i].id) && l->v[i].len)
			mb_buf_append(&e->cli->out, l->text.data + l->v[i].off,
				      l->v[i].len);
}

static size_t depth(const struct mb_doc *doc, size_t key)
{
	size_t d = 0;

	for (key = mb_key_parent(&doc->keys[key]); key != MB_NOKEY;
	     key = mb_key_parent(&doc->keys[key]))
		d++;
	return d;
}

static void inherited(struct enum_run *e, size_t key)
{
	size_t a, d;

	if (e->cli->json) {
		for (a = mb_key_parent(&e->doc->keys[key]); a != MB_NOKEY;
		     a = mb_key_parent(&e->doc->keys[a]))
			key_values(e, a, mb_path_display(e->doc->keys[a].location),
				   NULL);
		return;
	}
	d = depth(e->doc, key);
	for (a = mb_key_parent(&e->doc->keys[key]); a != MB_NOKEY;
	     a = mb_key_parent(&e->doc->keys[a])) {
		struct inh_level *l = level(e, a, --d);

		if (!l) {
			e->cli->out.failed = 1;
			return;
		}
		replay(e, l);
	}
}

static void properties(struct enum_run *e, size_t key)
{
	seen_reset(e);
	if (e->cli->json) {
		mb_json_key(&e->j, "properties");
		mb_json_arr_begin(&e->j);
	}
	key_type_line(e, key);
	key_values(e, key, NULL, NULL);
	if (e->effective)
		inherited(e, key);
	if (e->cli->json)
		mb_json_arr_end(&e->j);
}

static char *child_path(const char *typed, const struct mb_doc *doc,
			size_t child)
{
	const char *loc = doc->keys[child].location;
	const char *last = strrchr(loc, '/');
	const char *name = last ? last + 1 : loc;
	size_t t, n;
	char *s;

	/* below IIS_ROOT is /LM, whose name is its Location ("[/LM]") */
	if (strcmp(loc, "/LM") == 0)
		typed = "";
	t = strlen(typed);
	n = strlen(name);
	s = malloc(t + n + 2);
	if (!s)
		return NULL;
	memcpy(s, typed, t);
	if (t)
		s[t++] = '/';
	memcpy(s + t, name, n + 1);
	return s;
}

static void block(struct enum_run *e, size_t key, const char *typed);

/* "[/path]" (no printf: enum_all prints one per key). */
static void put_child(struct mb_buf *out, const char *p)
{
	mb_buf_puts(out, "[/");
	mb_buf_puts(out, p);
	mb_buf_puts(out, "]\n");
}

static void children(struct enum_run *e, size_t key, const char *typed)
{
	size_t c;

	if (e->cli->json && !e->all) {
		mb_json_key(&e->j, "children");
		mb_json_arr_begin(&e->j);
	}
	for (c = mb_key_first_child(&e->doc->keys[key]); c != MB_NOKEY;
	     c = mb_key_next_sibling(&e->doc->keys[c])) {
		char *p = child_path(typed, e->doc, c);

		if (!p)
			continue;
		if (e->cli->json && !e->all)
			mb_json_str(&e->j, p);
		else if (!e->cli->json)
			put_child(&e->cli->out, p);
		if (e->all) {
			block(e, c, p);
			cli_out_flush(e->cli);
		}
		free(p);
	}
	if (e->cli->json && !e->all)
		mb_json_arr_end(&e->j);
}

static void block(struct enum_run *e, size_t key, const char *typed)
{
	const struct mb_key *k = &e->doc->keys[key];

	if (e->cli->json) {
		mb_json_obj_begin(&e->j);
		mb_json_kstr(&e->j, "path", mb_path_display(k->location));
		mb_json_key(&e->j, "keytype");
		mb_json_strn(&e->j, e->doc->buf + mb_key_elem(k).off,
			     k->elem_len);
		if (!e->paths_only)
			properties(e, key);
	} else if (!e->paths_only) {
		properties(e, key);
		if (e->all)
			mb_buf_putc(&e->cli->out, '\n');
	}
	if (!e->all)
		children(e, key, typed);
	if (e->cli->json)
		mb_json_obj_end(&e->j);
	else if (!e->all)
		mb_buf_putc(&e->cli->out, '\n');
	if (e->all)
		children(e, key, typed);
}

static int run(struct enum_run *e, const char *arg, const char *cmd)
{
	struct mb_path path;
	const char *typed;
	size_t key;
	int st;

	st = cli_find_key(e->cli, e->doc, cmd, arg, 0, &path, &key);
	if (st)
		return st;
	typed = strcasecmp(path.location, "/LM") == 0 ? "" :
		mb_path_display(path.location);
	mb_json_init(&e->j, &e->cli->out);
	if (e->cli->json && e->all) {
		mb_json_obj_begin(&e->j);
		mb_json_key(&e->j, "keys");
		mb_json_arr_begin(&e->j);
	}
	block(e, key, typed);
	if (e->cli->json && e->all) {
		mb_json_arr_end(&e->j);
		mb_json_obj_end(&e->j);
	}
	mb_path_release(&path);
	return MB_OK;
}

static int enum_main(struct cli *cli, struct mb_doc *doc, int argc,
		     char **argv, int all)
{
	struct enum_run e;
	const char *arg = NULL;
	struct cli_parser p;
	int id, st;

	memset(&e, 0, sizeof(e));
	e.cli = cli;
	e.doc = doc;
	e.all = all;
	cli_parser_init(&p, argv[0], cli_enum_opts, argc, argv);
	while ((id = cli_next(&p, &cli->err)) != CLI_DONE) {
		if (id == CLI_O_EFFECTIVE)
			e.effective = 1;
		else if (id != CLI_ARG)
			return cli_unexpected(cli, &p, id);
		else if (strcasecmp(p.val, "/P") == 0)
			e.paths_only = 1;
		else if ((st = cli_take_arg(cli, &p, &arg)) != 0)
			return st;
	}
	st = run(&e, arg, argv[0]);
	free(e.seen);
	for (id = 0; (size_t)id < e.nlv; id++) {
		mb_buf_release(&e.lv[id].text);
		free(e.lv[id].v);
	}
	free(e.lv);
	return st;
}

const struct cli_opt cli_enum_opts[] = {
	{ CLI_O_EFFECTIVE, "effective", 0, NULL, "also the inherited values "
	  "in effect at each key, marked with where they come from", 0, NULL },
	CLI_END,
};

int cmd_enum(struct cli *cli, struct mb_doc *doc, int argc, char **argv)
{
	return enum_main(cli, doc, argc, argv, 0);
}

int cmd_enum_all(struct cli *cli, struct mb_doc *doc, int argc,
		 char **argv)
{
	return enum_main(cli, doc, argc, argv, 1);
}
