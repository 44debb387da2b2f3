/* SPDX-License-Identifier: MIT */
/*
 * The Windows side of one account as text lines and as a JSON object
 * (winside.h), shared by accounts and report. Never a hash: the password
 * lines say only how the metabase's password compares with the SAM.
 */
#include <string.h>

#include "winside.h"
#include "mb/path.h"

void cli_kstr_or_null(struct mb_json *j, const char *key, const char *s)
{
	mb_json_key(j, key);
	if (s)
		mb_json_str(j, s);
	else
		mb_json_null(j);
}

static const char *scope_json[] = { "local", "domain", "domain_controller",
				    "builtin" };

/* "Guests, Users" from the memberships, "" when none. */
static void groups_text(struct mb_buf *o, const struct mb_hcheck *c)
{
	const char *sep = "";

	if (c->admins)
		mb_buf_printf(o, "%sAdministrators", sep), sep = ", ";
	if (c->guests)
		mb_buf_printf(o, "%sGuests", sep), sep = ", ";
	if (c->users)
		mb_buf_printf(o, "%sUsers", sep), sep = ", ";
	if (c->iis_wpg > 0)
		mb_buf_printf(o, "%sIIS_WPG", sep), sep = ", ";
	if (!*sep)
		mb_buf_puts(o, "none of Administrators, Guests, Users, IIS_WPG");
}

static void flags_text(struct mb_buf *o, const struct mb_hcheck *c)
{
	const struct mb_hs_user *u = c->user;
	char t[64];

	if (c->disabled)
		mb_buf_puts(o, "    DISABLED\n");
	if (c->locked) {
		mb_hcheck_time_text(u->last_bad, t, sizeof(t));
		mb_buf_printf(o, "    LOCKED OUT when the SAM was last written "
			      "(last bad password %s; Windows clears the flag "
			      "lazily%s)\n", t, c->lock_elapsed ?
			      ", and the lockout duration is over by now" : "");
	}
	if (c->acct_expired) {
		mb_hcheck_time_text(u->expires, t, sizeof(t));
		mb_buf_printf(o, "    ACCOUNT EXPIRED on %s\n", t);
	}
	if (c->must_change)
		mb_buf_puts(o, "    MUST CHANGE PASSWORD at next logon\n");
	else if (c->pwd_expired)
		mb_buf_puts(o, "    PASSWORD EXPIRED\n");
	if (c->hours_restricted) {
		mb_buf_puts(o, "    LOGON HOURS deny (UTC): ");
		mb_hcheck_hours_text(u->hours, o);
		mb_buf_putc(o, '\n');
	}
	if (c->ws_restricted)
		mb_buf_printf(o, "    LOG ON TO only %s\n", u->workstations);
}

static void rights_text(struct mb_buf *o, const struct mb_hcheck *c)
{
	if (!c->rights_known) {
		mb_buf_puts(o, "    rights: not checked (no SECURITY hive)\n");
		return;
	}
	if (c->has_right)
		mb_buf_printf(o, "    rights: %s through %s\n",
			      mb_hcheck_right_name(c->need), c->right_via);
	else
		mb_buf_printf(o, "    rights: LACKS %s (\"%s\")\n",
			      mb_hcheck_right_name(c->need),
			      mb_hcheck_right_title(c->need));
	if (c->deny)
		mb_buf_printf(o, "    rights: DENIED by %s through %s\n",
			      mb_hcheck_right_name(c->deny), c->deny_via);
}

void cli_wside_text(struct mb_buf *o, const struct mb_wside *w,
		    size_t i, const struct mb_acct *a,
		    const struct mb_doc *doc)
{
	const struct mb_wacct *v = &w->v[i];
	const struct mb_hcheck *c = &v->c;
	size_t k;

	if (c->scope == MB_HC_DOMAIN || c->scope == MB_HC_DC) {
		mb_buf_printf(o, "  windows: %s: check it there\n",
			      c->scope == MB_HC_DC ? "this server is a domain "
			      "controller, the account lives in Active "
			      "Directory" : "a domain account, it lives in "
			      "the domain, not in these hives");
		return;
	}
	if (c->scope == MB_HC_SYSTEM) {
		mb_buf_puts(o, "  windows: a built-in identity, not a SAM "
			    "user\n");
		return;
	}
	if (!c->user) {
		mb_buf_printf(o, "  windows: NOT IN THE SAM of %s\n",
			      w->hs->computer);
		return;
	}
	mb_buf_printf(o, "  windows: local user %s (RID %lu); groups: ",
		      c->user->name, (unsigned long)c->user->rid);
	groups_text(o, c);
	mb_buf_putc(o, '\n');
	flags_text(o, c);
	rights_text(o, c);
	for (k = 0; k < a->nkeys; k++) {
		if (v->pw[k] == MB_WPW_NONE)
			continue;
		mb_buf_printf(o, "    password at %s: %s%s%s\n",
			      mb_path_display(doc->keys[a->keys[k]].location),
			      cli_pw_text(v->pw[k]),
			      v->pw[k] == MB_WPW_UNKNOWN ? ": " : "",
			      v->pw[k] == MB_WPW_UNKNOWN ? v->why[k] : "");
	}
}

static void json_rights(struct mb_json *j, const struct mb_hcheck *c)
{
	mb_json_key(j, "logon_right");
	mb_json_obj_begin(j);
	mb_json_kstr(j, "needs", mb_hcheck_right_name(c->need));
	mb_json_key(j, "held");
	if (c->rights_known)
		mb_json_bool(j, c->has_right);
	else
		mb_json_null(j);
	cli_kstr_or_null(j, "via", c->has_right ? c->right_via : NULL);
	cli_kstr_or_null(j, "denied_by", c->deny ?
			 mb_hcheck_right_name(c->deny) : NULL);
	cli_kstr_or_null(j, "deny_via", c->deny ? c->deny_via : NULL);
	mb_json_obj_end(j);
}

static void json_user(struct mb_json *j, const struct mb_hcheck *c)
{
	const struct mb_hs_user *u = c->user;
	struct mb_buf h;
	char t[64];

	mb_json_kint(j, "rid", u->rid);
	mb_json_kbool(j, "disabled", c->disabled);
	mb_json_kbool(j, "locked_out", c->locked);
	mb_json_kbool(j, "lockout_duration_over", c->lock_elapsed);
	mb_hcheck_time_text(u->last_bad, t, sizeof(t));
	mb_json_kstr(j, "last_bad_password", t);
	mb_json_kbool(j, "account_expired", c->acct_expired);
	mb_json_kbool(j, "password_expired", c->pwd_expired);
	mb_json_kbool(j, "must_change_password", c->must_change);
	mb_buf_init(&h);
	if (c->hours_restricted)
		mb_hcheck_hours_text(u->hours, &h);
	cli_kstr_or_null(j, "logon_hours_denied_utc",
			 c->hours_restricted ? h.data : NULL);
	mb_buf_release(&h);
	cli_kstr_or_null(j, "workstations", u->workstations);
	mb_json_kbool(j, "workstation_restricted", c->ws_restricted);
	mb_json_kbool(j, "guests", c->guests);
	mb_json_kbool(j, "users", c->users);
	mb_json_kbool(j, "administrators", c->admins);
	mb_json_key(j, "iis_wpg");
	if (c->iis_wpg < 0)
		mb_json_null(j);
	else
		mb_json_bool(j, c->iis_wpg);
	json_rights(j, c);
}

void cli_wside_json(struct mb_json *j, const struct mb_wside *w,
		    size_t i, const struct mb_acct *a,
		    const struct mb_doc *doc)
{
	const struct mb_wacct *v = &w->v[i];
	size_t k;

	mb_json_key(j, "windows");
	mb_json_obj_begin(j);
	mb_json_kstr(j, "scope", scope_json[v->c.scope]);
	mb_json_kbool(j, "exists", v->c.user != NULL);
	if (v->c.user) {
		json_user(j, &v->c);
		mb_json_key(j, "passwords");
		mb_json_arr_begin(j);
		for (k = 0; k < a->nkeys; k++) {
			mb_json_obj_begin(j);
			mb_json_kstr(j, "path", mb_path_display(
				doc->keys[a->keys[k]].location));
			mb_json_kstr(j, "result", cli_pw_text(v->pw[k]));
			cli_kstr_or_null(j, "why", v->pw[k] ==
					 MB_WPW_UNKNOWN ? v->why[k] : NULL);
			mb_json_obj_end(j);
		}
		mb_json_arr_end(j);
	}
	mb_json_obj_end(j);
}
