/*
 * lint_rules.h - what OMA ProvCont 1.1 and OMNA's application
 * characteristics allow where: the facts lint checks against, as tables.
 * Internal to provbox/lint; doc/lint.md lists the same rules for people.
 *
 * Parm lists are space-separated names, each optionally marked: `NAME!`
 * must occur exactly once, `NAME*` may occur any number of times, a bare
 * `NAME` at most once. Type lists are space-separated characteristic
 * types, `-` standing for the top level.
 */
#ifndef PROVBOX_LINT_RULES_H
#define PROVBOX_LINT_RULES_H

#include "gwlib/gwlib.h"

/* One ProvCont characteristic. */
typedef struct LintCharRule {
    const char *type;
    const char *parents;      /* where it may be */
    const char *parms;        /* the parms it may hold (marked, see above) */
    const char *children;     /* the characteristics it may hold (marked) */
    int any_parm;             /* VENDORCONFIG: any other parm too */
} LintCharRule;

typedef enum {
    VALUE_ANY,
    VALUE_ENUM,               /* one of `values` (case-sensitive) */
    VALUE_ADDRTYPE,           /* an address type: one of `values` */
    VALUE_PORT,               /* 1-65535 */
    VALUE_NUMBER,             /* decimal digits */
    VALUE_IP,                 /* an IPv4 or IPv6 address */
    VALUE_SPEED,              /* AUTOBAUDING or decimal digits */
    VALUE_FLAG01              /* 0 or 1 */
} LintValueKind;

/* One ProvCont parm. */
typedef struct LintParmRule {
    const char *name;
    LintValueKind kind;
    const char *values;       /* VALUE_ENUM / VALUE_ADDRTYPE: the allowed ones */
    const char *vendor;       /* values vendors added (a warning, not an error) */
    int secret;               /* its value is never quoted */
} LintParmRule;

/* One OMNA application characteristic: parms it adds beyond ProvCont's. */
typedef struct LintAppRule {
    const char *appid;
    const char *what;         /* "SMTP", "MMS", ... */
    const char *application;  /* extra parms in APPLICATION */
    const char *appaddr;      /* ... in APPADDR */
    const char *port;         /* ... in APPADDR's PORT */
    const char *appauth;      /* ... in APPAUTH */
    const char *resource;     /* ... in RESOURCE */
    const char *aauthtype;    /* AAUTHTYPE values it defines, or NULL */
} LintAppRule;

const LintCharRule *lint_char_rule(const char *type);
const LintParmRule *lint_parm_rule(const char *name);
const LintAppRule *lint_app_rule(const char *appid);

/* The parm names an app adds in characteristic `type`, or NULL. */
const char *lint_app_parms(const LintAppRule *app, const char *type);

/* APPIDs registered with OMNA or well known, beyond those with a rule. */
int lint_appid_known(const char *appid);

/* A parm whose value is a password or key, in any document (Windows
 * Mobile's too): its value is never quoted. */
int lint_parm_is_secret(const char *name);

/* Elements Windows Mobile defines (characteristic-query and the like). */
int lint_wm_element(const char *name);

/* Lists (see above): 0 when `name` is in `list`, with *marks (when not
 * NULL) its LINT_REQUIRED and LINT_MANY bits; -1 when it is not there. */
#define LINT_REQUIRED 1
#define LINT_MANY 2
int lint_list_find(const char *list, const char *name, int *marks);

/* The types whose parm list names `parm` ("PORT, ACCESS"), a new Octstr,
 * empty when none does. */
Octstr *lint_where_parm_belongs(const char *parm);

#endif
