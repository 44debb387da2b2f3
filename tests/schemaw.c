/* SPDX-License-Identifier: MIT */
/*
 * The MBSchema.xml twin writer (schemaw.h). The master collection
 * (IIsConfigObject) defines every property with its flags; every other
 * collection refers to its members as IIS's own file does
 * (InheritsPropertiesFrom="IIsConfigObject:NAME"). Reading the result back
 * must give the built-in table again (test_schema), which checks the
 * loader and this writer against each other without the real file.
 */
#include <string.h>

#include "schemaw.h"

#define MASTER "IIsConfigObject"

/* name="value" with XML's attribute escapes (line breaks kept). */
static void attr(FILE *f, const char *name, const char *v)
{
	fprintf(f, " %s=\"", name);
	for (; *v; v++) {
		switch (*v) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\n': fputs("&#10;", f); break;
		case '\r': fputs("&#13;", f); break;
		case '\t': fputs("&#9;", f); break;
		default: fputc(*v, f);
		}
	}
	fputc('"', f);
}

static void attr_bits(FILE *f, unsigned attrs)
{
	static const struct { unsigned bit; const char *name; } t[] = {
		{ MB_ATTR_INHERIT, "INHERIT" }, { MB_ATTR_SECURE, "SECURE" },
		{ MB_ATTR_REFERENCE, "REFERENCE" },
		{ MB_ATTR_VOLATILE, "VOLATILE" },
	};
	const char *sep = "";
	size_t i;

	fputs(" Attributes=\"", f);
	if (!attrs)
		fputs("NO_ATTRIBUTES", f);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (attrs & t[i].bit) {
			fprintf(f, "%s%s", sep, t[i].name);
			sep = " | ";
		}
	fputc('"', f);
}

static void meta_bits(FILE *f, unsigned meta)
{
	if (!meta)
		return;
	fprintf(f, " MetaFlags=\"%s%s%s\"",
		meta & MB_META_PRIMARYKEY ? "PRIMARYKEY" : "",
		(meta & MB_META_PRIMARYKEY) &&
		(meta & MB_META_CASEINSENSITIVE) ? " | " : "",
		meta & MB_META_CASEINSENSITIVE ? "CASEINSENSITIVE" : "");
}

static void prop(FILE *f, const struct mb_prop *p)
{
	unsigned i;

	fputs("\t\t\t<Property", f);
	attr(f, "InternalName", p->name);
	fprintf(f, " ID=\"%u\"", (unsigned)p->id);
	attr(f, "Type", mb_type_name(p->type));
	attr(f, "UserType", p->user_type);
	attr_bits(f, p->attrs);
	meta_bits(f, p->meta);
	if (p->default_value)
		attr(f, "DefaultValue", p->default_value);
	if (p->has_start)
		fprintf(f, " StartingNumber=\"%u\"", (unsigned)p->start);
	if (p->has_end)
		fprintf(f, " EndingNumber=\"%u\"", (unsigned)p->end);
	if (!p->nflags) {
		fputs("/>\n", f);
		return;
	}
	fputs(">\n", f);
	for (i = 0; i < p->nflags; i++) {
		fputs("\t\t\t\t<Flag", f);
		attr(f, "InternalName", p->flags[i].name);
		fprintf(f, " Value=\"%u\" ID=\"%u\"/>\n",
			(unsigned)p->flags[i].value, (unsigned)p->flags[i].id);
	}
	fputs("\t\t\t</Property>\n", f);
}

static void member(FILE *f, const char *name)
{
	char ref[512];

	snprintf(ref, sizeof(ref), MASTER ":%s", name);
	fputs("\t\t\t<Property", f);
	attr(f, "InheritsPropertiesFrom", ref);
	fputs("/>\n", f);
}

/* 1 when the comma-separated list names cls. */
static int listed(const char *list, const char *cls)
{
	size_t n = strlen(cls);
	const char *p;

	for (p = list; (p = strstr(p, cls)) != NULL; p += n)
		if ((p == list || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return 1;
	return 0;
}

static void master(FILE *f, const struct mb_schema *s,
		   const struct schemaw_extra *x, size_t nx)
{
	size_t i;

	for (i = 0; i < mb_schema_nprops(s); i++)
		prop(f, mb_schema_prop_at(s, i));
	for (i = 0; i < nx; i++) {
		fputs("\t\t\t<Property", f);
		attr(f, "InternalName", x[i].name);
		fprintf(f, " ID=\"%u\"", x[i].id);
		attr(f, "Type", x[i].type);
		attr(f, "UserType", "IIS_MD_UT_SERVER");
		attr(f, "Attributes", x[i].attrs);
		fputs("/>\n", f);
	}
}

static void collection(FILE *f, const struct mb_schema *s,
		       const struct mb_class *c,
		       const struct schemaw_extra *x, size_t nx)
{
	size_t i;

	fputs("\t\t<Collection", f);
	attr(f, "InternalName", c->name);
	if (*c->container_list)
		attr(f, "ContainerClassList", c->container_list);
	fputs(">\n", f);
	if (strcmp(c->name, MASTER) == 0)
		master(f, s, x, nx);
	for (i = 0; strcmp(c->name, MASTER) && i < c->nprops; i++)
		member(f, mb_schema_prop_at(s, c->props[i])->name);
	for (i = 0; strcmp(c->name, MASTER) && i < nx; i++)
		if (listed(x[i].classes, c->name))
			member(f, x[i].name);
	fputs("\t\t</Collection>\n", f);
}

int schemaw_write(FILE *f, const struct mb_schema *s,
		  const struct schemaw_extra *x, size_t nx)
{
	size_t i;

	fputs("<?xml version=\"1.0\"?>\n<!-- An MBSchema.xml twin written by "
	      "mbtool's tests (tests/schemaw.c) from the built-in table. "
	      "-->\n<MetaData xmlns=\"x-urn:microsoft-catalog:"
	      "MetaData_V7\">\n\t<DatabaseMeta InternalName=\"METABASE\">\n",
	      f);
	for (i = 0; i < mb_schema_nclasses(s); i++)
		collection(f, s, mb_schema_class_at(s, i), x, nx);
	fputs("\t</DatabaseMeta>\n</MetaData>\n", f);
	return ferror(f) ? -1 : 0;
}
