/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mb/path.h"

static int is_location_form(const char *s)
{
	return strncasecmp(s, "/LM", 3) == 0 && (s[3] == '\0' || s[3] == '/');
}

/* adsutil's sanitising: trim spaces, '\' -> '/', then the caller strips. */
static char *sanitise(const char *arg, int *trailing)
{
	size_t n;
	char *s, *p;

	while (*arg == ' ' || *arg == '\t')
		arg++;
	s = strdup(arg);
	if (!s)
		return NULL;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	for (p = s; *p; p++)
		if (*p == '\\')
			*p = '/';
	*trailing = n > 0 && s[n - 1] == '/';
	if (*trailing && n > 1)
		s[--n] = '\0';
	return s;
}

/*
 * The two keys outside /LM by the names the file gives them (their element
 * names), since "/" already means /LM: "IIS_ROOT[/...]" is Location "/...",
 * "IIS_Global" is ".". 1 when s (n bytes) is one, *out set.
 */
static int special_key(const char *s, size_t n, char **out)
{
	static const size_t root = sizeof("IIS_ROOT") - 1;

	if (*s == '/') {
		s++;
		n = n ? n - 1 : 0;
	}
	if (n == sizeof("IIS_Global") - 1 &&
	    strncasecmp(s, "IIS_Global", n) == 0) {
		*out = strdup(".");
		return 1;
	}
	if (n < root || strncasecmp(s, "IIS_ROOT", root) != 0 ||
	    (n > root && s[root] != '/'))
		return 0;
	*out = n > root ? strndup(s + root, n - root) : strdup("/");
	return 1;
}

static enum mb_status set_location(struct mb_path *out, const char *s,
				   size_t n, struct mb_error *err)
{
	if (special_key(s, n, &out->location)) {
		/* out->location set (NULL when out of memory) */
	} else if (is_location_form(s)) {
		out->location = strndup(s, n);
	} else {
		if (*s == '/') {
			s++;
			n = n ? n - 1 : 0;
		}
		out->location = malloc(n + 5);
		if (out->location) {
			memcpy(out->location, "/LM", 3);
			if (n) {
				out->location[3] = '/';
				memcpy(out->location + 4, s, n);
				out->location[n + 4] = '\0';
			} else {
				out->location[3] = '\0';
			}
		}
	}
	if (!out->location)
		return mb_error_set(err, MB_EFILE, "path", s, "out of memory");
	return MB_OK;
}

enum mb_status mb_path_parse(const char *arg, unsigned flags,
			     struct mb_path *out, struct mb_error *err)
{
	char *s, *slash;
	enum mb_status st;
	size_t n;

	memset(out, 0, sizeof(*out));
	s = sanitise(arg, &out->trailing_slash);
	if (!s)
		return mb_error_set(err, MB_EFILE, "path", arg, "out of memory");
	if (strcmp(s, "/") == 0)
		s[0] = '\0';
	n = strlen(s);
	if (flags & MB_PATH_PROP) {
		slash = strrchr(s, '/');
		out->prop = strdup(slash ? slash + 1 : s);
		n = slash ? (size_t)(slash - s) : 0;
		if (!out->prop || !out->prop[0]) {
			free(s);
			mb_path_release(out);
			return mb_error_set(err, MB_EUSAGE, "path", arg,
				"no property name: write PATH/PROPERTY, e.g. "
				"w3svc/1/root/AnonymousUserName");
		}
	}
	st = set_location(out, s, n, err);
	free(s);
	if (st)
		mb_path_release(out);
	return st;
}

void mb_path_release(struct mb_path *p)
{
	free(p->location);
	free(p->prop);
	p->location = p->prop = NULL;
}

const char *mb_path_display(const char *location)
{
	if (strncasecmp(location, "/LM/", 4) == 0 && location[4])
		return location + 4;
	if (strcmp(location, "/") == 0)
		return "IIS_ROOT";
	if (strcmp(location, ".") == 0)
		return "IIS_Global";
	return location;
}
