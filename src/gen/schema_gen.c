/* SPDX-License-Identifier: MIT */
/*
 * schema_gen: print the built-in schema table (src/schema_table.c) as C.
 *
 *   schema_gen [-o OUT] MBSchema.xml
 *
 * The schema is read with mb_schema_load(), and the indexes it computed are
 * written out as they are, so that the built-in table and a loaded schema
 * can never sort differently. Without -o the source goes to stdout; with -o
 * it replaces OUT atomically (a half-written table would break the build).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schema_priv.h"

/*
 * This program is built from the schema sources, not from libmb, so that it
 * never needs the table it makes; schema.c still refers to the table.
 */
const struct mb_schema mb_schema_builtin_table;

/* A C string literal. '?' is escaped too: -std=c11 enables trigraphs. */
static void put_str(FILE *f, const char *s)
{
	const unsigned char *p;

	if (!s) {
		fputs("NULL", f);
		return;
	}
	fputc('"', f);
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\' || *p == '?')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\%03o", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void put_bits(FILE *f, unsigned v, const char *const *names,
		     const unsigned *bits, size_t n)
{
	const char *sep = "";
	size_t i;

	if (!v) {
		fputc('0', f);
		return;
	}
	for (i = 0; i < n; i++) {
		if (v & bits[i]) {
			fprintf(f, "%s%s", sep, names[i]);
			sep = " | ";
			v &= ~bits[i];
		}
	}
	if (v)
		fprintf(f, "%s0x%xu", sep, v);
}

static void put_attrs(FILE *f, unsigned v)
{
	static const char *const names[] = { "MB_ATTR_INHERIT",
		"MB_ATTR_SECURE", "MB_ATTR_REFERENCE", "MB_ATTR_VOLATILE" };
	static const unsigned bits[] = { MB_ATTR_INHERIT, MB_ATTR_SECURE,
		MB_ATTR_REFERENCE, MB_ATTR_VOLATILE };

	put_bits(f, v, names, bits, 4);
}

static void put_meta(FILE *f, unsigned v)
{
	static const char *const names[] = { "MB_META_CASEINSENSITIVE",
		"MB_META_PRIMARYKEY" };
	static const unsigned bits[] = { MB_META_CASEINSENSITIVE,
		MB_META_PRIMARYKEY };

	put_bits(f, v, names, bits, 2);
}

static void put_u16s(FILE *f, const char *name, const uint16_t *v, size_t n)
{
	size_t i;

	fprintf(f, "static const uint16_t %s[%zu] = {", name, n ? n : 1);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%u,", i % 12 ? " " : "\n\t", (unsigned)v[i]);
	fputs(n ? "\n};\n\n" : "\n\t0\n};\n\n", f);
}

static void put_flags(FILE *f, const struct mb_schema *s)
{
	size_t i;

	fprintf(f, "/* Every flag, grouped by parent, in declaration order. */\n"
		"static const struct mb_flag flags[%zu] = {\n",
		s->nflags ? s->nflags : 1);
	for (i = 0; i < s->nflags; i++) {
		fputs("\t{ ", f);
		put_str(f, s->flags[i].name);
		fprintf(f, ", %u, %u },\n", s->flags[i].value,
			s->flags[i].id);
	}
	fputs(s->nflags ? "};\n\n" : "\t{ NULL, 0, 0 }\n};\n\n", f);
	put_u16s(f, "flag_parent", s->flag_parent, s->nflags);
	put_u16s(f, "flag_by_name", s->flag_by_name, s->nflags);
}

static void put_prop(FILE *f, const struct mb_schema *s,
		     const struct mb_prop *p)
{
	fputs("\t{ ", f);
	put_str(f, p->name);
	fprintf(f, ", %u, MB_T_%s, ", p->id, mb_type_name(p->type));
	put_str(f, p->user_type);
	fputs(", ", f);
	put_attrs(f, p->attrs);
	fputs(", ", f);
	put_meta(f, p->meta);
	fputs(",\n\t  ", f);
	put_str(f, p->default_value);
	fprintf(f, ", %d, %d, %u, %u, ", p->has_start, p->has_end, p->start,
		p->end);
	if (p->nflags)
		fprintf(f, "&flags[%zu], %u },\n",
			(size_t)(p->flags - s->flags), p->nflags);
	else
		fputs("NULL, 0 },\n", f);
}

static void put_props(FILE *f, const struct mb_schema *s)
{
	size_t i;

	fprintf(f, "/*\n * IIsConfigObject, in file order: name, ID, type, "
		"user type, attributes,\n * meta flags; default, has_start, "
		"has_end, start, end, flags, nflags.\n */\n"
		"static const struct mb_prop props[%zu] = {\n", s->nprops);
	for (i = 0; i < s->nprops; i++)
		put_prop(f, s, &s->props[i]);
	fputs("};\n\n", f);
	put_u16s(f, "prop_by_name", s->prop_by_name, s->nprops);
	put_u16s(f, "prop_by_id", s->prop_by_id, s->nprops);
	put_u16s(f, "prop_hash", s->prop_hash, s->prop_hash_size);
}

static void put_classes(FILE *f, const struct mb_schema *s)
{
	size_t i, j, k = 0, total = 0;

	for (i = 0; i < s->nclasses; i++)
		total += s->classes[i].nprops;
	fprintf(f, "/* Class members: prop positions, ascending per class. */\n"
		"static const uint16_t members[%zu] = {", total ? total : 1);
	for (i = 0; i < s->nclasses; i++)
		for (j = 0; j < s->classes[i].nprops; j++, k++)
			fprintf(f, "%s%u,", k % 12 ? " " : "\n\t",
				(unsigned)s->classes[i].props[j]);
	fprintf(f, "%s\n};\n\n/* Collections, in file order. */\n"
		"static const struct mb_class classes[%zu] = {\n",
		total ? "" : "\n\t0", s->nclasses);
	for (i = 0, k = 0; i < s->nclasses; i++) {
		fputs("\t{ ", f);
		put_str(f, s->classes[i].name);
		fputs(",\n\t  ", f);
		put_str(f, s->classes[i].container_list);
		fprintf(f, ",\n\t  &members[%zu], %u },\n", k,
			s->classes[i].nprops);
		k += s->classes[i].nprops;
	}
	fputs("};\n\n", f);
	put_u16s(f, "class_by_name", s->class_by_name, s->nclasses);
}

static void put_table(FILE *f, const struct mb_schema *s, const char *src)
{
	const char *base = strrchr(src, '/');

	fputs("/* SPDX-License-Identifier: MIT */\n/*\n"
	      " * The built-in IIS 6.0 schema: generated by "
	      "src/gen/schema_gen.c; do not edit.\n * From ", f);
	fputs(base ? base + 1 : src, f);
	fprintf(f, ": %zu properties, %zu flags, %zu collections.\n"
		" * Regenerate with: meson compile -C BUILD regen-schema\n"
		" */\n#include <stddef.h>\n#include <stdint.h>\n\n"
		"#include \"schema_priv.h\"\n\n", s->nprops, s->nflags,
		s->nclasses);
	put_flags(f, s);
	put_props(f, s);
	put_classes(f, s);
	fputs("const struct mb_schema mb_schema_builtin_table = {\n"
	      "\t.props = props,\n", f);
	fprintf(f, "\t.nprops = %zu,\n", s->nprops);
	fputs("\t.prop_by_name = prop_by_name,\n\t.prop_by_id = prop_by_id,\n"
	      "\t.prop_hash = prop_hash,\n", f);
	fprintf(f, "\t.prop_hash_size = %zu,\n", s->prop_hash_size);
	fputs("\t.flags = flags,\n\t.flag_parent = flag_parent,\n"
	      "\t.flag_by_name = flag_by_name,\n", f);
	fprintf(f, "\t.nflags = %zu,\n\t.classes = classes,\n"
		"\t.nclasses = %zu,\n", s->nflags, s->nclasses);
	fputs("\t.class_by_name = class_by_name,\n\t.pool = NULL,\n};\n", f);
}

/* Write to a temporary beside out, then rename over it. */
static int write_atomic(const char *out, const struct mb_schema *s,
			const char *src)
{
	size_t n = strlen(out) + 5;
	char *tmp = malloc(n);
	FILE *f;
	int ok;

	if (!tmp)
		return 0;
	snprintf(tmp, n, "%s.tmp", out);
	f = fopen(tmp, "w");
	if (!f) {
		perror(tmp);
		free(tmp);
		return 0;
	}
	put_table(f, s, src);
	ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
	ok = (fclose(f) == 0) && ok && rename(tmp, out) == 0;
	if (!ok) {
		perror(out);
		remove(tmp);
	}
	free(tmp);
	return ok;
}

int main(int argc, char **argv)
{
	const char *out = NULL, *src;
	struct mb_schema *s;
	struct mb_error err;
	int ok = 1;

	if (argc == 4 && strcmp(argv[1], "-o") == 0)
		out = argv[2];
	else if (argc != 2) {
		fputs("usage: schema_gen [-o OUT] MBSchema.xml\n", stderr);
		return 2;
	}
	src = argv[argc - 1];
	mb_error_clear(&err);
	if (mb_schema_load(src, &s, &err) != MB_OK) {
		fprintf(stderr, "schema_gen: %s '%s': %s\n", err.what,
			err.subject, err.reason);
		return 6;
	}
	if (out)
		ok = write_atomic(out, s, src);
	else
		put_table(stdout, s, src);
	mb_schema_free(s);
	if (!out && fflush(stdout) != 0)
		ok = 0;
	return ok ? 0 : 6;
}
