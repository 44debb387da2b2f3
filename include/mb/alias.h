/* SPDX-License-Identifier: MIT */
/*
 * adsutil 6.0's special property names (reference/metabase-format.md §3.7),
 * kept from MDUTIL:
 *
 *   AccessPerm     GET/FIND read AccessFlags; SET takes a number or the
 *                  words Read Write Execute Script and writes AccessFlags
 *   Authorization  GET/FIND read AuthFlags; SET takes NT Anonymous Basic
 *   VRPath         GET/FIND/SET Path
 *   ServerCommand  SET only: start/stop/pause/continue a running web site
 *   AppPoolCommand SET only: start/stop a running application pool
 *
 *   a = mb_alias_find("accessperm");                 (case-insensitive)
 *   mb_alias_note(&out, a, "accessperm");            GET/FIND's notes
 *   mb_alias_flags(schema, a, args, n, &v, &tail, &err);
 *   mb_alias_echo(&out, a, tail.data);               SET's echo line
 *
 * The words name schema flags (Read -> AccessRead): their bits come from
 * the schema in use, never from this table.
 */
#ifndef MB_ALIAS_H
#define MB_ALIAS_H

#include <stddef.h>
#include <stdint.h>

#include "mb/buf.h"
#include "mb/err.h"
#include "mb/schema.h"

enum mb_alias_kind {
	MB_ALIAS_FLAGS,    /* a flag DWORD, set by words (AccessPerm) */
	MB_ALIAS_NAME,     /* another name for a property (VRPath) */
	MB_ALIAS_COMMAND,  /* an order to a running server (ServerCommand) */
};

struct mb_alias_word {
	const char *word;  /* as SET takes it (any case) and echoes it */
	const char *flag;  /* the schema flag it sets: "AccessRead" */
};

struct mb_alias_verb {
	const char *verb;       /* what code i+1 does: "start" */
	const char *autostart;  /* the *AutoStart value with that effect
				 * after the next start, NULL if none */
};

struct mb_alias {
	const char *name;       /* as adsutil spells it: "AccessPerm" */
	enum mb_alias_kind kind;
	const char *target;     /* the schema property: "AccessFlags" */
	const char *note;       /* GET/FIND's second note line, or NULL */
	const char *echo;       /* SET echo's name: "AccessFlags (AccessPerm)" */
	const char *vbtype;     /* SET echo's type: "Long", "String" */
	int numbers;            /* SET also takes a number (AccessPerm) */
	const struct mb_alias_word *words;
	size_t nwords;
	/* MB_ALIAS_COMMAND */
	const char *keytype;    /* the only KeyType adsutil accepts */
	const char *autostart;  /* the stored setting: "ServerAutoStart" */
	const struct mb_alias_verb *verbs;  /* verbs[code - 1] */
	size_t nverbs;
};

/* The special name, case-insensitive; NULL for every other name. */
const struct mb_alias *mb_alias_find(const char *name);

/*
 * Does GET/FIND read a->target in place of the typed name? (AccessPerm,
 * Authorization, VRPath; not the commands, which only SET knows.)
 */
int mb_alias_maps(const struct mb_alias *a);

/*
 * The note lines adsutil prints before GET/FIND of an alias, with the
 * name as typed: "Note: Your parameter "AccessPerm" is being mapped to
 * AccessFlags" and a "Check individual ..." line. Nothing for VRPath.
 */
void mb_alias_note(struct mb_buf *b, const struct mb_alias *a,
		   const char *typed);

/*
 * SET a flag alias: the new DWORD (all other bits zero) from one number
 * (decimal or 0x hex, when a->numbers) or from words. tail receives what
 * adsutil echoes after the type: " 513 (0x201)" or " Read Script". An
 * unknown word is MB_EUSAGE "Setting not supported: <w>"; a word whose
 * flag the schema lacks is MB_EPROP.
 */
enum mb_status mb_alias_flags(const struct mb_schema *s,
			      const struct mb_alias *a,
			      const char *const *args, size_t n,
			      uint32_t *value, struct mb_buf *tail,
			      struct mb_error *err);

/* SET's echo: "AccessFlags (AccessPerm)<pad>: (Long) <tail>\n". */
void mb_alias_echo(struct mb_buf *b, const struct mb_alias *a,
		   const char *tail);

/*
 * SET a command alias: the code (1..a->nverbs) from arg, a number as
 * adsutil's CLng reads it. MB_EUSAGE "Invalid ServerCommand: <arg>".
 */
enum mb_status mb_alias_command(const struct mb_alias *a, const char *arg,
				unsigned *code, struct mb_error *err);

#endif
