/*
 * lint_values.h - is one value of the right form: numbers, ports, IP
 * addresses, E.164 numbers, APNs, and the quoted form lint shows values
 * in. Internal to provbox/lint.
 */
#ifndef PROVBOX_LINT_VALUES_H
#define PROVBOX_LINT_VALUES_H

#include "gwlib/gwlib.h"

int lint_is_number(Octstr *value);          /* decimal digits only */
int lint_is_port(Octstr *value);            /* 1-65535, no sign or blank */
int lint_is_ipv4(Octstr *value);            /* dotted quad, 0-255 each */
int lint_is_ipv6(Octstr *value);
int lint_is_e164(Octstr *value);            /* an optional + and digits */
int lint_is_apn(Octstr *value);             /* letters, digits, '-' and '.' */

/* `value` fits the address type (one of ProvCont's): 1 or 0. Types with no
 * form to check (ALPHA, SCODE, MAN, TETRA-ITSI) fit anything. */
int lint_fits_addrtype(Octstr *value, const char *type);

/* Append the value's shown form (escape.h), cut to 64 characters. */
void lint_append_shown(Octstr *out, Octstr *value);

/* The same in double quotes, a new Octstr. */
Octstr *lint_quoted(Octstr *value);

#endif
