// SPDX-License-Identifier: MIT
/*
 * A machine's hive set (include/mb/hiveset.h): finding the files, the
 * SYSTEM part (current control set, boot key, product type, computer
 * name) and the SECURITY part (logon rights). The SAM part is in
 * hiveset_sam.c. Offsets and algorithms: reference/windows-hives.md 3.2
 * and 3.6.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "hiveset_priv.h"
#include "mb/blob.h"

char *mb_hs_utf16(const unsigned char *p, size_t len)
{
	struct mb_buf b;

	mb_buf_init(&b);
	while (len >= 2 && p[len - 1] == 0 && p[len - 2] == 0)
		len -= 2;
	if (mb_blob_utf16_to_utf8(p, len, NULL, &b) || mb_buf_putc(&b, 0)) {
		mb_buf_release(&b);
		return NULL;
	}
	return mb_buf_detach(&b, NULL);
}

int mb_hs_sid(const unsigned char *p, size_t len, char *out, size_t cap)
{
	uint64_t auth = 0;
	size_t n, i, used;

	if (len < 8 || p[0] != 1 || p[1] > 15 || len < 8 + 4u * p[1])
		return -1;
	n = p[1];
	for (i = 2; i < 8; i++)
		auth = auth << 8 | p[i];
	used = (size_t)snprintf(out, cap, "S-1-%llu", (unsigned long long)auth);
	for (i = 0; i < n && used < cap; i++)
		used += (size_t)snprintf(out + used, cap - used, "-%lu",
					 (unsigned long)hs_rd32(p + 8 + 4 * i));
	return used < cap ? (int)(8 + 4 * n) : -1;
}

/* ---- finding the files ----------------------------------------------- */

/* dir/name matched case-insensitively, malloc'd; NULL when absent. */
static char *ci_path(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *p = NULL;

	if (!d)
		return NULL;
	while (!p && (e = readdir(d)))
		if (strcasecmp(e->d_name, name) == 0) {
			size_t n = strlen(dir) + strlen(e->d_name) + 2;

			if ((p = malloc(n)))
				snprintf(p, n, "%s/%s", dir, e->d_name);
		}
	closedir(d);
	return p;
}

/* dir followed by the components of rel ("a/b"), each matched
 * case-insensitively. */
static char *ci_walk(const char *dir, const char *rel)
{
	char *cur = strdup(dir), part[64];

	while (cur && *rel) {
		size_t n = strcspn(rel, "/");
		char *next;

		snprintf(part, sizeof(part), "%.*s", (int)n, rel);
		next = ci_path(cur, part);
		free(cur);
		cur = next;
		rel += n + (rel[n] == '/');
	}
	return cur;
}

static const char *const places[] = {
	"", "system32/config", "WINDOWS/system32/config",
};

enum mb_status mb_hiveset_find(const char *dir, char **sam, char **system,
			       char **security, struct mb_error *err)
{
	size_t i;

	*sam = *system = *security = NULL;
	for (i = 0; i < sizeof(places) / sizeof(places[0]) && !*sam; i++) {
		char *d = ci_walk(dir, places[i]);

		if (d && (*sam = ci_path(d, "SAM"))) {
			*system = ci_path(d, "SYSTEM");
			*security = ci_path(d, "SECURITY");
		}
		free(d);
	}
	if (!*sam)
		return mb_error_set(err, MB_EFILE, "hives", dir,
				    "no SAM hive here, in system32/config or "
				    "in WINDOWS/system32/config; give the "
				    "folder that holds SAM and SYSTEM (copy "
				    "them from C:\\WINDOWS\\system32\\config "
				    "of the server)");
	if (!*system) {
		enum mb_status st = mb_error_set(err, MB_EFILE, "hives", *sam,
			"there is no SYSTEM hive beside this SAM: the "
			"password hashes are encrypted with the boot key in "
			"SYSTEM; copy SYSTEM from the same server's "
			"WINDOWS\\system32\\config");

		free(*sam);
		free(*security);
		*sam = *security = NULL;
		return st;
	}
	return MB_OK;
}

/* ---- SYSTEM ---------------------------------------------------------- */

/* "ControlSet00N" from Select\Current (Default as a fallback). */
static enum mb_status control_set(struct mb_hive *h, char *out, size_t cap,
				  struct mb_error *err)
{
	static const char *const sel[] = { "Current", "Default" };
	struct mb_buf v;
	enum mb_status st = MB_ENOPATH;
	size_t i;

	mb_buf_init(&v);
	for (i = 0; i < 2 && st; i++) {
		st = mb_hive_value(h, "Select", sel[i], &v, err);
		if (!st && (v.len != 4 || hs_rd32((unsigned char *)v.data) == 0 ||
			    hs_rd32((unsigned char *)v.data) > 999))
			st = MB_ENOPATH;
		if (!st)
			snprintf(out, cap, "ControlSet%03u",
				 (unsigned)hs_rd32((unsigned char *)v.data));
	}
	mb_buf_release(&v);
	if (st)
		return mb_error_set(err, MB_EFILE, "read hive",
				    mb_hive_name(h),
				    "no Select\\Current control set: this is "
				    "not a SYSTEM hive; give the file named "
				    "SYSTEM from WINDOWS\\system32\\config");
	return MB_OK;
}

/* The boot key: the class names of Lsa\{JD,Skew1,GBG,Data} as 16 bytes,
 * permuted. */
static enum mb_status boot_key(struct mb_hive *h, const char *cs,
			       unsigned char key[16], struct mb_error *err)
{
	static const char *const parts[] = { "JD", "Skew1", "GBG", "Data" };
	static const unsigned char perm[16] = {
		8, 5, 4, 2, 11, 9, 13, 3, 0, 6, 1, 12, 14, 10, 15, 7,
	};
	unsigned char *s = NULL;
	char path[96], cls[64], hex[33];
	size_t i, n = 0;

	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s\\Control\\Lsa\\%s", cs,
			 parts[i]);
		if (mb_hive_class(h, path, cls, sizeof(cls), err) ||
		    strlen(cls) != 8)
			return mb_error_set(err, MB_EFILE, "read hive",
				mb_hive_name(h), "%s has no 8-digit class "
				"name: the boot key cannot be read; give an "
				"undamaged SYSTEM hive", path);
		memcpy(hex + 8 * i, cls, 8);
	}
	hex[32] = '\0';
	if (mb_blob_hex_decode(hex, 32, &s, &n, NULL) || n != 16) {
		free(s);
		return mb_error_set(err, MB_EFILE, "read hive",
				    mb_hive_name(h), "the Lsa class names are "
				    "not hexadecimal: the boot key cannot be "
				    "read; give an undamaged SYSTEM hive");
	}
	for (i = 0; i < 16; i++)
		key[i] = s[perm[i]];
	OPENSSL_cleanse(s, 16);
	OPENSSL_cleanse(hex, sizeof(hex));
	free(s);
	return MB_OK;
}

/* A REG_SZ value as UTF-8 into out ("" when absent). */
static void sz_value(struct mb_hive *h, const char *key, const char *val,
		     char *out, size_t cap)
{
	struct mb_buf v;
	char *s;

	mb_buf_init(&v);
	out[0] = '\0';
	if (!mb_hive_value(h, key, val, &v, NULL) &&
	    (s = mb_hs_utf16((unsigned char *)v.data, v.len))) {
		snprintf(out, cap, "%s", s);
		free(s);
	}
	mb_buf_release(&v);
}

static enum mb_status read_system(struct mb_hiveset *hs, struct mb_hive *h,
				  struct mb_error *err)
{
	char cs[32], path[160];
	enum mb_status st = control_set(h, cs, sizeof(cs), err);

	if (!st)
		st = boot_key(h, cs, hs->bootkey, err);
	if (st)
		return st;
	snprintf(path, sizeof(path), "%s\\Control\\ProductOptions", cs);
	sz_value(h, path, "ProductType", hs->product, sizeof(hs->product));
	hs->dc = strcasecmp(hs->product, "LanmanNt") == 0;
	snprintf(path, sizeof(path),
		 "%s\\Control\\ComputerName\\ComputerName", cs);
	sz_value(h, path, "ComputerName", hs->computer, sizeof(hs->computer));
	return MB_OK;
}

/* ---- SECURITY -------------------------------------------------------- */

static enum mb_status vista(const char *file, const char *what,
			    struct mb_error *err)
{
	return mb_error_set(err, MB_EFILE, "read hive", file,
			    "%s: this hive comes from Windows Vista or later "
			    "(AES-encrypted secrets); IIS 6 runs on Windows "
			    "Server 2003, so these are not the IIS server's "
			    "hives; give the SAM, SYSTEM and SECURITY of the "
			    "Windows Server 2003 machine", what);
}

struct rwalk {
	struct mb_hiveset *hs;
	struct mb_buf v;
};

static enum mb_status add_right(void *ctx, const char *sid,
				struct mb_hive_node *node,
				struct mb_error *err)
{
	struct rwalk *w = ctx;
	struct mb_hiveset *hs = w->hs;
	struct mb_hs_right *n;

	if (mb_hive_node_value(node, "ActSysAc", NULL, &w->v, NULL) ||
	    w->v.len < 4)
		return MB_OK; /* an account object with privileges only */
	n = realloc(hs->rights, (hs->nrights + 1) * sizeof(*n));
	if (n)
		hs->rights = n;
	if (!n || !(n[hs->nrights].sid = strdup(sid)))
		return mb_error_set(err, MB_EFILE, "read hive", hs->security,
				    "out of memory");
	n[hs->nrights++].access = hs_rd32((unsigned char *)w->v.data);
	return MB_OK;
}

static enum mb_status read_security(struct mb_hiveset *hs,
				    struct mb_hive *h, struct mb_error *err)
{
	struct rwalk w = { hs, { 0 } };
	enum mb_status st;

	mb_buf_init(&w.v);
	if (!mb_hive_value(h, "Policy\\PolEKList", NULL, &w.v, NULL)) {
		mb_buf_release(&w.v);
		return vista(mb_hive_name(h), "Policy\\PolEKList", err);
	}
	st = mb_hive_visit(h, "Policy\\Accounts", add_right, &w, err);
	if (st == MB_ENOPATH)
		st = mb_error_set(err, MB_EFILE, "read hive", mb_hive_name(h),
				  "no Policy\\Accounts key: this is not a "
				  "SECURITY hive; give the file named "
				  "SECURITY from WINDOWS\\system32\\config");
	mb_buf_release(&w.v);
	hs->have_rights = !st;
	return st;
}

/* ---- loading ------------------------------------------------------------ */

struct mb_hiveset *mb_hiveset_new(const char *sam, const char *system,
				  const char *security)
{
	struct mb_hiveset *hs = calloc(1, sizeof(*hs));

	if (hs && (!(hs->sam = strdup(sam)) || !(hs->system = strdup(system)) ||
		   (security && !(hs->security = strdup(security))))) {
		mb_hiveset_free(hs);
		hs = NULL;
	}
	return hs;
}

enum mb_status mb_hiveset_read(struct mb_hiveset *hs, struct mb_hive *h,
			       enum mb_hive_role role, struct mb_error *err)
{
	if (role == MB_HIVE_SYSTEM)
		return read_system(hs, h, err);
	if (role == MB_HIVE_SECURITY)
		return read_security(hs, h, err);
	return mb_hs_read_sam(hs, h, err);
}

static enum mb_status with_hive(struct mb_hiveset *hs, const char *path,
				enum mb_hive_role role, struct mb_error *err)
{
	struct mb_hive *h;
	enum mb_status st = mb_hive_open(path, &h, err);

	if (st)
		return st;
	st = mb_hiveset_read(hs, h, role, err);
	mb_hive_close(h);
	return st;
}

enum mb_status mb_hiveset_load(const char *sam, const char *system,
			       const char *security, struct mb_hiveset **out,
			       struct mb_error *err)
{
	struct mb_hiveset *hs = mb_hiveset_new(sam, system, security);
	enum mb_status st = MB_OK;

	*out = NULL;
	if (!hs)
		return mb_error_set(err, MB_EFILE, "hives", sam,
				    "out of memory");
	st = with_hive(hs, system, MB_HIVE_SYSTEM, err);
	/* SECURITY before the SAM: a Vista-or-later set is named as such
	 * rather than as a checksum failure. */
	if (!st && security)
		st = with_hive(hs, security, MB_HIVE_SECURITY, err);
	if (!st)
		st = with_hive(hs, sam, MB_HIVE_SAM, err);
	if (st) {
		mb_hiveset_free(hs);
		return st;
	}
	*out = hs;
	return MB_OK;
}

enum mb_status mb_hiveset_open(const char *dir, struct mb_hiveset **out,
			       struct mb_error *err)
{
	char *sam, *system, *security;
	enum mb_status st = mb_hiveset_find(dir, &sam, &system, &security,
					    err);

	*out = NULL;
	if (st)
		return st;
	st = mb_hiveset_load(sam, system, security, out, err);
	free(sam);
	free(system);
	free(security);
	return st;
}

void mb_hiveset_free(struct mb_hiveset *hs)
{
	size_t i, j;

	if (!hs)
		return;
	for (i = 0; i < hs->nusers; i++) {
		free(hs->users[i].name);
		free(hs->users[i].workstations);
	}
	if (hs->users)
		OPENSSL_cleanse(hs->users, hs->nusers * sizeof(*hs->users));
	free(hs->users);
	for (i = 0; i < hs->naliases; i++) {
		for (j = 0; j < hs->aliases[i].nmembers; j++)
			free(hs->aliases[i].members[j]);
		free(hs->aliases[i].members);
		free(hs->aliases[i].name);
	}
	free(hs->aliases);
	for (i = 0; i < hs->nrights; i++)
		free(hs->rights[i].sid);
	free(hs->rights);
	free(hs->sam);
	free(hs->system);
	free(hs->security);
	OPENSSL_cleanse(hs, sizeof(*hs));
	free(hs);
}
