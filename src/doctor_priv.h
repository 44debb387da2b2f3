/* SPDX-License-Identifier: MIT */
/*
 * Shared by the doctor's files (mb/doctor.h): one run's state, the helpers
 * that build findings (doctor_build.c) and the rules' check functions,
 * which the table in doctor.c names (doctor_acct.c MB001-MB009,
 * doctor_logon.c MB010-MB013, doctor_hives.c MB020-MB031). Building is
 * sticky on allocation failure: once oom is set every helper is a no-op,
 * and mb_doctor_run reports it once at the end.
 */
#ifndef MB_DOCTOR_PRIV_H
#define MB_DOCTOR_PRIV_H

#include <stdint.h>

#include "mb/doctor.h"
#include "mb/shellquote.h"

/* The properties the rules read, resolved once per run (doctor_read.c). */
enum mb_dr_prop {
	MB_DR_PATH, MB_DR_AUTHFLAGS, MB_DR_LOGON, MB_DR_PWSYNC, MB_DR_ISO5,
	MB_DR_POOLTYPE, MB_DR_WAMNAME, MB_DR_WAMPASS, MB_DR_UNCNAME,
	MB_DR_ANONNAME, MB_DR_NPROPS
};

#define MB_DR_KINDS 4

struct mb_drun {
	const struct mb_doc *doc;
	const struct mb_accts *accts;   /* every identity (all kinds) */
	const struct mb_secrets *groups; /* numbered (mb_secrets_group_of) */
	const struct mb_wside *ws;      /* --hives: parallel to accts */
	struct mb_findings *out;
	const struct mb_doctor_in *in;  /* its emit: findings streamed */
	char **held;                    /* quoted words, freed at the end */
	size_t nheld;
	int oom;
	/* each service's anonymous accounts (indexes into accts), found
	 * once: every lockout finding names them (0 W3SVC, 1 MSFTPSVC) */
	size_t *svc_anon[2];
	size_t nsvc_anon[2];
	int svc_anon_done;
	/* what the rules read (doctor_read.c): properties by enum
	 * mb_dr_prop; each identity kind's name and password property */
	const struct mb_prop *p[MB_DR_NPROPS];
	const struct mb_prop *kname[MB_DR_KINDS], *kpass[MB_DR_KINDS];
	size_t klen[2 * MB_DR_KINDS];   /* their names' lengths */
	size_t nkinds;
	/* effective AuthFlags: its source key per key, and per source key
	 * 0 not read yet, 1 AuthAnonymous off, 2 on (built on first use) */
	uint32_t *anon_src;             /* (SRC_NONE: MB_NOKEY) */
	unsigned char *anon;
	const struct mb_prop *anon_prop;
	uint32_t anon_flag;
	/* effective LogonMethod: source per key, the last one decoded */
	uint32_t *lm_src;
	size_t lm_last;
	uint32_t lm_val;
	int lm_have;
	size_t sec_next;        /* mb_dr_secrets_at's cursor */
	unsigned char *half;    /* doctor_acct.c's setter bits per key */
};

/*
 * A new finding of rule id (its severity and explanation come from the
 * rule table) with a printf title. The pointer stays valid until the next
 * mb_dr_new; NULL when out of memory (the other helpers accept NULL).
 */
/* The finding being built handed to the run's emit and freed (none
 * without an emit, or when none is pending). */
void mb_dr_emit(struct mb_drun *d);
struct mb_finding *mb_dr_new(struct mb_drun *d, const char *id,
			     const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Add key (an index into doc->keys), with a password group or 0. */
void mb_dr_key(struct mb_drun *d, struct mb_finding *f, size_t key,
	       long group);
/* Add one line of prose to the fix. */
void mb_dr_fix(struct mb_drun *d, struct mb_finding *f, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Add one line of prose to the checks that need Windows. */
void mb_dr_check(struct mb_drun *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * Add a command line for shell sh to f's fix (mb_dr_cmd) or to the checks
 * (mb_dr_check_cmd). The line stays valid until the next line is added;
 * NULL when out of memory or f is NULL (mb_dr_note/mb_dr_lead accept it).
 */
struct mb_fix_line *mb_dr_cmd(struct mb_drun *d, struct mb_finding *f,
			      enum mb_shell sh, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
struct mb_fix_line *mb_dr_check_cmd(struct mb_drun *d, enum mb_shell sh,
				    const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The comment after l's command: the text shows "command  (note)". */
void mb_dr_note(struct mb_drun *d, struct mb_fix_line *l, const char *fmt,
		...)
	__attribute__((format(printf, 3, 4)));
/* The words before l's command ("or offline:"); lead may be NULL. l. */
struct mb_fix_line *mb_dr_lead(struct mb_drun *d, struct mb_fix_line *l,
			       const char *lead);

/*
 * Every name or path from the file that a fix or check line puts into a
 * command goes through here (mb/shellquote.h): s (n bytes, or all of it
 * when n < 0) as one word for sh, valid until the run ends. user: s is a
 * user name given to net user or a WinNT: ADsPath (mb_samcmd_refusal).
 * NULL when sh cannot carry it: then a line saying so has been added
 * instead, to f's fixes (or to the checks when f is NULL), and the caller
 * prints no command.
 */
const char *mb_dr_q(struct mb_drun *d, struct mb_finding *f,
		    enum mb_shell sh, const char *s, int n, int user);
/* As mb_dr_q (user 0) for the word printf makes of fmt. */
const char *mb_dr_qf(struct mb_drun *d, struct mb_finding *f,
		     enum mb_shell sh, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Resolve the properties and kinds above (at the start of a run). */
void mb_dr_resolve(struct mb_drun *d);
/* 1 when key k itself sets p (p may be NULL: not in the schema). */
int mb_dr_has(const struct mb_drun *d, size_t k, const struct mb_prop *p);
/* The decoded value of p at k (local only or effective), or NULL. */
char *mb_dr_text(const struct mb_drun *d, size_t k, const struct mb_prop *p,
		 int local);
/* A DWORD or BOOL property at k, local only or effective; 1 when set. */
int mb_dr_num(const struct mb_drun *d, size_t k, const struct mb_prop *p,
	      int local, uint32_t *v);
/* 1 when AuthAnonymous is on in the effective AuthFlags at k. */
int mb_dr_anon_on(struct mb_drun *d, size_t k);
/* The key whose LogonMethod is in effect at k (k itself when it sets
 * one), or MB_NOKEY: the schema's default. One walk, on first use. */
size_t mb_dr_method_src(struct mb_drun *d, size_t k);
/* The effective LogonMethod at k: set in the file, else the schema's. */
uint32_t mb_dr_method(struct mb_drun *d, size_t k);
/* The Path that k itself sets when it is \\server\share..., else NULL. */
char *mb_dr_unc_path(const struct mb_drun *d, size_t k);
/* The first of d->groups' values at key k or after it. */
size_t mb_dr_secrets_at(struct mb_drun *d, size_t k);
/* The secure value of prop that k itself stores (d->groups), or NULL. */
const struct mb_secret *mb_dr_secret(struct mb_drun *d, size_t k,
				     const char *prop);
/*
 * DOMAIN\name or name@domain (not .\name, BUILTIN\ or NT AUTHORITY\): an
 * account that the domain controller, not this server, knows.
 */
int mb_dr_domain_account(const char *name);
/*
 * The user name as net user takes it: without DOMAIN\ and without
 * @domain (*len characters from the returned pointer).
 */
const char *mb_dr_user(const char *name, int *len);
/* " /domain" for a domain account, else "". */
const char *mb_dr_domain_opt(const char *name);

/* 1 when the hives answered account i's checklist line. */
int mb_dr_hive_answered(const struct mb_drun *d, size_t i);
/* 1 when the hives answered the rights of every anonymous account. */
int mb_dr_hive_rights_answered(const struct mb_drun *d);

/*
 * The rules' checks (mb_doctor_rule.check), by scope: i is an account
 * (index into d->accts), a key (into d->doc->keys) or 0 (the file).
 */
void mb_dr_lockout(struct mb_drun *d, size_t i);      /* MB001 */
void mb_dr_levels(struct mb_drun *d, size_t i);       /* MB002 */
void mb_dr_privileged(struct mb_drun *d, size_t i);   /* MB003 */
void mb_dr_anon_off(struct mb_drun *d, size_t i);     /* MB006 */
void mb_dr_half(struct mb_drun *d, size_t k);         /* MB004 */
void mb_dr_pwsync(struct mb_drun *d, size_t k);       /* MB005 */
void mb_dr_isolation(struct mb_drun *d, size_t k);    /* MB007 */
void mb_dr_pool(struct mb_drun *d, size_t k);         /* MB008 */
void mb_dr_secure(struct mb_drun *d, size_t k);       /* MB009 */
void mb_dr_logon(struct mb_drun *d, size_t i);        /* MB010 */
void mb_dr_empty(struct mb_drun *d, size_t k);        /* MB011 */
void mb_dr_unc(struct mb_drun *d, size_t k);          /* MB012 */
void mb_dr_domain(struct mb_drun *d, size_t i);       /* MB013 */
void mb_dr_missing(struct mb_drun *d, size_t i);      /* MB020 */
void mb_dr_disabled(struct mb_drun *d, size_t i);     /* MB021 */
void mb_dr_locked(struct mb_drun *d, size_t i);       /* MB022 */
void mb_dr_expired(struct mb_drun *d, size_t i);      /* MB023 */
void mb_dr_pwd_expired(struct mb_drun *d, size_t i);  /* MB024 */
void mb_dr_hours(struct mb_drun *d, size_t i);        /* MB025 */
void mb_dr_workstations(struct mb_drun *d, size_t i); /* MB026 */
void mb_dr_guests(struct mb_drun *d, size_t i);       /* MB027 */
void mb_dr_admins(struct mb_drun *d, size_t i);       /* MB028 */
void mb_dr_right(struct mb_drun *d, size_t i);        /* MB029 */
void mb_dr_deny(struct mb_drun *d, size_t i);         /* MB030 */
void mb_dr_password(struct mb_drun *d, size_t i);     /* MB031 */

/* The checks that need Windows: the accounts' (doctor_acct.c), then the
 * user rights', UNC shares' and NTFS's (doctor_logon.c). */
void mb_dr_account_checks(struct mb_drun *d);
void mb_dr_logon_checks(struct mb_drun *d);

#endif
