/*
 * placeholder_rules.h - what a {{NAME}} placeholder's NAME and a value
 * filled into one may be: the rules the job format (Var: headers and
 * var.NAME= on To: lines, spool/job_vars.c) and the encoder
 * (encode/placeholder.h) share, so that neither includes the other.
 *
 * A NAME is 1 to PLACEHOLDER_NAME_MAX ASCII letters, digits, '_' or '-'
 * (case-sensitive). Messages never quote a value.
 */
#ifndef PROVBOX_PLACEHOLDER_RULES_H
#define PROVBOX_PLACEHOLDER_RULES_H

#include "gwlib/gwlib.h"

#define PLACEHOLDER_NAME_MAX 64

/* May c be in a NAME? */
int placeholder_name_char(int c);
/* Is s[0..len) a valid NAME? */
int placeholder_name_ok(const char *s, long len);

/*
 * Can value be filled in? It must be well-formed UTF-8 made of XML
 * characters: no NUL or other C0 control character but tab, LF and CR,
 * no U+FFFE or U+FFFF. NULL, or why not (a new Octstr that quotes none
 * of its bytes).
 */
Octstr *placeholder_value_problem(Octstr *value);

#endif
