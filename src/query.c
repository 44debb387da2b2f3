/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mb/buf.h"
#include "mb/query.h"
#include "mb/suggest.h"
#include "mb/value.h"

/* A <Custom Name="name"> at key or above: the schema does not know it. */
static const struct mb_custom *find_custom(const struct mb_doc *doc,
					   size_t key, const char *name)
{
	for (; key != MB_NOKEY; key = mb_key_parent(&doc->keys[key])) {
		const struct mb_key *k = &doc->keys[key];
		const struct mb_custom *cu = mb_key_customs(doc, k);
		unsigned i;

		for (i = 0; i < k->ncustoms; i++) {
			const struct mb_attr *a;

			a = mb_custom_attr(doc, &cu[i], "Name");
			if (a && a->value.len == strlen(name) &&
			    strncasecmp(doc->buf + a->value.off, name,
					a->value.len) == 0 &&
			    cu[i].has_id)
				return &cu[i];
		}
	}
	return NULL;
}

static void custom_prop(const struct mb_doc *doc, const struct mb_custom *c,
			struct mb_ref *out)
{
	const struct mb_attr *name = mb_custom_attr(doc, c, "Name");
	const struct mb_attr *type = mb_custom_attr(doc, c, "Type");
	char *t;

	memset(&out->custom, 0, sizeof(out->custom));
	out->custom_name = mb_doc_text(doc, name->value);
	out->custom.name = out->custom_name ? out->custom_name : "";
	out->custom.id = c->id;
	out->custom.user_type = "";
	t = type ? mb_doc_text(doc, type->value) : NULL;
	out->custom.type = t ? mb_type_parse(t) : MB_T_STRING;
	if (out->custom.type == MB_T_UNKNOWN)
		out->custom.type = MB_T_STRING;
	free(t);
	out->custom.attrs |= mb_custom_attrs(doc, c);
	out->prop = &out->custom;
}

unsigned mb_custom_attrs(const struct mb_doc *doc, const struct mb_custom *c)
{
	const struct mb_attr *a = mb_custom_attr(doc, c, "Attributes");
	char *t = a ? mb_doc_text(doc, a->value) : NULL;
	unsigned bits = 0;

	if (t && strstr(t, "INHERIT"))
		bits |= MB_ATTR_INHERIT;
	/* Unreadable (out of memory): masked rather than shown. */
	if ((a && !t) || (t && strstr(t, "SECURE")))
		bits |= MB_ATTR_SECURE;
	free(t);
	return bits;
}

enum mb_status mb_query_resolve(const struct mb_doc *doc, size_t key,
				const char *name, struct mb_ref *out,
				struct mb_error *err)
{
	const struct mb_custom *c;
	const char *near;

	memset(out, 0, sizeof(*out));
	out->prop = mb_schema_prop(doc->schema, name);
	if (out->prop)
		return MB_OK;
	out->flag = mb_schema_flag(doc->schema, name, &out->prop);
	if (out->flag)
		return MB_OK;
	c = key == MB_NOKEY ? NULL : find_custom(doc, key, name);
	if (c) {
		custom_prop(doc, c, out);
		return MB_OK;
	}
	out->prop = NULL;
	near = mb_schema_nearest(doc->schema, name);
	return mb_error_set(err, MB_EPROP, "property", name,
			    "unknown property: the IIS 6.0 schema has no "
			    "property or flag by that name%s%s%s",
			    near ? "; did you mean '" : "", near ? near : "",
			    near ? "'?" : "");
}

void mb_ref_release(struct mb_ref *ref)
{
	free(ref->custom_name);
	ref->custom_name = NULL;
}

int mb_query_allowed(const struct mb_doc *doc, size_t key,
		     const struct mb_ref *ref)
{
	if (ref->prop == &ref->custom)
		return 1;
	return mb_schema_class_has(doc->schema, doc->keys[key].cls, ref->prop);
}

char *mb_query_holders(const struct mb_schema *s, const struct mb_prop *p)
{
	struct mb_buf b;
	size_t i, n = mb_schema_nclasses(s);

	mb_buf_init(&b);
	for (i = 0; i < n; i++) {
		const struct mb_class *c = mb_schema_class_at(s, i);

		if (strcmp(c->name, "IIsConfigObject") == 0 ||
		    !mb_schema_class_has(s, c, p))
			continue;
		mb_buf_printf(&b, "%s%s", b.len ? ", " : "", c->name);
	}
	return mb_buf_detach(&b, NULL);
}

/* The bit of a flag, as "TRUE"/"FALSE", from the DWORD's text. */
static char *flag_text(const struct mb_ref *ref, const char *dword)
{
	uint32_t v = 0;

	if (dword && mb_value_dword(ref->prop, dword, &v))
		v = 0;
	return strdup((v & ref->flag->value) == ref->flag->value &&
		      ref->flag->value ? "TRUE" : "FALSE");
}

enum mb_status mb_query_get(const struct mb_doc *doc, size_t key,
			    const struct mb_ref *ref, int local_only,
			    struct mb_result *out, struct mb_error *err)
{
	const char *def = ref->prop->default_value;
	char *text = NULL;

	memset(out, 0, sizeof(*out));
	out->value.key = MB_NOKEY;
	if (local_only ? mb_doc_local(doc, key, ref->prop, &out->value) :
	    mb_doc_effective(doc, key, ref->prop, &out->value)) {
		out->origin = out->value.key == key ? MB_ORIGIN_LOCAL :
			      MB_ORIGIN_INHERITED;
		text = mb_doc_text(doc, out->value.raw);
	} else if (!local_only && def) {
		out->origin = MB_ORIGIN_DEFAULT;
		text = strdup(def);
	} else {
		out->origin = MB_ORIGIN_NONE;
		return MB_OK;
	}
	if (text && ref->flag) {
		out->text = flag_text(ref, text);
		free(text);
	} else {
		out->text = text;
	}
	if (!out->text)
		return mb_error_set(err, MB_EFILE, "get", doc->path,
				    "out of memory");
	return MB_OK;
}

void mb_result_release(struct mb_result *r)
{
	free(r->text);
	r->text = NULL;
}

const struct mb_prop *mb_ref_display_prop(const struct mb_ref *ref,
					  struct mb_prop *storage)
{
	if (!ref->flag)
		return ref->prop;
	memset(storage, 0, sizeof(*storage));
	storage->name = ref->flag->name;
	storage->id = ref->flag->id;
	storage->type = MB_T_BOOL;
	storage->attrs = ref->prop->attrs;
	return storage;
}
