/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mb/alias.h"
#include "mb/value.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* adsutil's words; each names the schema flag whose bit it sets. */
static const struct mb_alias_word perm_words[] = {
	{ "Read", "AccessRead" }, { "Write", "AccessWrite" },
	{ "Execute", "AccessExecute" }, { "Script", "AccessScript" },
};
static const struct mb_alias_word auth_words[] = {
	{ "NT", "AuthNTLM" }, { "Anonymous", "AuthAnonymous" },
	{ "Basic", "AuthBasic" },
};

/*
 * ServerCommand 1..4 and AppPoolCommand 1..2 as adsutil maps them to
 * Start/Stop/Pause/Continue. A paused site starts running after a
 * restart, so pause has no stored equivalent.
 */
static const struct mb_alias_verb server_verbs[] = {
	{ "start", "TRUE" }, { "stop", "FALSE" }, { "pause", NULL },
	{ "continue", "TRUE" },
};
static const struct mb_alias_verb pool_verbs[] = {
	{ "start", "TRUE" }, { "stop", "FALSE" },
};

static const struct mb_alias aliases[] = {
	{ .name = "AccessPerm", .kind = MB_ALIAS_FLAGS,
	  .target = "AccessFlags",
	  .note = "      Check individual perms using \"GET AccessRead\", "
		  "\"GET AccessWrite\", etc.",
	  .echo = "AccessFlags (AccessPerm)", .vbtype = "Long",
	  .numbers = 1, .words = perm_words, .nwords = COUNT(perm_words) },
	{ .name = "Authorization", .kind = MB_ALIAS_FLAGS,
	  .target = "AuthFlags",
	  .note = "      Check individual auths using \"GET AuthNTLM\", "
		  "\"GET AuthBasic\", etc.",
	  .echo = "Authorization", .vbtype = "Long",
	  .words = auth_words, .nwords = COUNT(auth_words) },
	{ .name = "VRPath", .kind = MB_ALIAS_NAME, .target = "Path",
	  .echo = "Path (VRPath)", .vbtype = "String" },
	{ .name = "ServerCommand", .kind = MB_ALIAS_COMMAND,
	  .target = "ServerCommand", .keytype = "IIsWebServer",
	  .autostart = "ServerAutoStart", .verbs = server_verbs,
	  .nverbs = COUNT(server_verbs) },
	{ .name = "AppPoolCommand", .kind = MB_ALIAS_COMMAND,
	  .target = "AppPoolCommand", .keytype = "IIsApplicationPool",
	  .autostart = "AppPoolAutoStart", .verbs = pool_verbs,
	  .nverbs = COUNT(pool_verbs) },
};

const struct mb_alias *mb_alias_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < COUNT(aliases); i++)
		if (strcasecmp(aliases[i].name, name) == 0)
			return &aliases[i];
	return NULL;
}

int mb_alias_maps(const struct mb_alias *a)
{
	return a && a->kind != MB_ALIAS_COMMAND;
}

void mb_alias_note(struct mb_buf *b, const struct mb_alias *a,
		   const char *typed)
{
	if (!a || !a->note)
		return;
	mb_buf_printf(b, "Note: Your parameter \"%s\" is being mapped to "
		      "%s\n%s\n", typed, a->target, a->note);
}

static const struct mb_alias_word *find_word(const struct mb_alias *a,
					     const char *word)
{
	size_t i;

	for (i = 0; i < a->nwords; i++)
		if (strcasecmp(a->words[i].word, word) == 0)
			return &a->words[i];
	return NULL;
}

/* "Setting not supported: w", and what the alias does take. */
static enum mb_status unsupported(const struct mb_alias *a, const char *word,
				  struct mb_error *err)
{
	char list[128];
	size_t i, n = 0;

	list[0] = '\0';
	for (i = 0; i < a->nwords && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
				      i ? " " : "", a->words[i].word);
	/* adsutil quits with GENERAL_FAILURE (2): a bad value, as SPEC's 2 */
	return mb_error_set(err, MB_EUSAGE, "set", a->name,
			    "Setting not supported: %s (%s takes %sthe words "
			    "%s; for any other bits set %s by number or flag "
			    "names)", word, a->name,
			    a->numbers ? "one number or " : "", list,
			    a->target);
}

/* The word's bit, from the schema in use (built in or --schema). */
static enum mb_status word_bit(const struct mb_schema *s,
			       const struct mb_alias *a,
			       const struct mb_alias_word *w, uint32_t *bit,
			       struct mb_error *err)
{
	const struct mb_prop *parent = NULL;
	const struct mb_flag *f = mb_schema_flag(s, w->flag, &parent);

	if (!f || !parent || strcasecmp(parent->name, a->target) != 0)
		return mb_error_set(err, MB_EPROP, "set", a->name,
				    "the schema in use has no flag %s of %s, "
				    "which the word %s sets", w->flag,
				    a->target, w->word);
	*bit = f->value;
	return MB_OK;
}

enum mb_status mb_alias_flags(const struct mb_schema *s,
			      const struct mb_alias *a,
			      const char *const *args, size_t n,
			      uint32_t *value, struct mb_buf *tail,
			      struct mb_error *err)
{
	uint32_t v = 0, bit = 0;
	size_t i;

	if (a->kind != MB_ALIAS_FLAGS || n == 0)
		return mb_error_set(err, MB_EUSAGE, "set", a->name,
				    "give %s a value", a->name);
	if (a->numbers && mb_value_number(args[0], &v) == 0) {
		/* adsutil would ignore the rest: say so instead */
		if (n > 1)
			return mb_error_set(err, MB_EUSAGE, "set", a->name,
					    "a number is the whole value: give "
					    "either %s or words, not both",
					    args[0]);
		*value = v;
		mb_buf_printf(tail, " %lu (0x%lX)", (unsigned long)v,
			      (unsigned long)v);
		return MB_OK;
	}
	for (i = 0; i < n; i++) {
		const struct mb_alias_word *w = find_word(a, args[i]);
		enum mb_status st;

		if (!w)
			return unsupported(a, args[i], err);
		st = word_bit(s, a, w, &bit, err);
		if (st)
			return st;
		v |= bit;
		mb_buf_printf(tail, " %s", w->word);
	}
	*value = v;
	return MB_OK;
}

void mb_alias_echo(struct mb_buf *b, const struct mb_alias *a,
		   const char *tail)
{
	size_t n = strlen(a->echo);

	mb_buf_printf(b, "%s%*s: (%s) %s\n", a->echo, n < 32 ? (int)(32 - n) :
		      0, "", a->vbtype ? a->vbtype : "String", tail);
}

enum mb_status mb_alias_command(const struct mb_alias *a, const char *arg,
				unsigned *code, struct mb_error *err)
{
	uint32_t v;
	char list[96];
	size_t i, n = 0;

	if (a->kind == MB_ALIAS_COMMAND && mb_value_number(arg, &v) == 0 &&
	    v >= 1 && v <= a->nverbs) {
		*code = (unsigned)v;
		return MB_OK;
	}
	list[0] = '\0';
	for (i = 0; i < a->nverbs && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%zu %s",
				      i ? ", " : "", i + 1, a->verbs[i].verb);
	/* adsutil: "Invalid ServerCommand: <n>" and GENERAL_FAILURE (2) */
	return mb_error_set(err, MB_EUSAGE, "set", a->name,
			    "Invalid %s: %s (%s)", a->name, arg, list);
}
