/*
 * job_vars.h - per-recipient values in a job file: `var.NAME=VALUE` on a
 * To: line, and the job-wide default `Var: NAME=VALUE` (repeatable).
 *
 * They fill the {{NAME}} placeholders of the job's document
 * (encode/template.h). NAME follows the placeholder rule (1 to 64 ASCII
 * letters, digits, '_', '-'; case-sensitive; "var." in any case). VALUE is
 * percent-encoded: %HH is the byte 0xHH, every other byte stands for
 * itself, so a value holds blanks (%20), '%' (%25), non-ASCII (UTF-8,
 * %C3%A9) and '=' (as it is or %3D). Decoded, it must be UTF-8 made of XML
 * characters (placeholder_value_problem()); it may be empty. A recipient's
 * own value wins over the Var: default.
 *
 * Values are secrets, like PINs: no message here quotes one. A name is
 * quoted only when it is a valid name.
 *
 * The job-level functions read recipients from the job's text on demand
 * (job.h), so a job of a million recipients keeps no value in memory:
 * job_vars_check() streams over the To: lines without allocating per line.
 */
#ifndef PROVBOX_JOB_VARS_H
#define PROVBOX_JOB_VARS_H

#include "gwlib/gwlib.h"

struct Job;
struct Recipient;

/* One variable: its name, its decoded value, and the line of its Var:
 * header (0 on a To: line). */
typedef struct JobVar {
    Octstr *name;
    Octstr *value;
    long line;
} JobVar;

void job_var_destroy(void *var);

/*
 * "NAME=VALUE" (what follows "var." or "Var: ") -> a new JobVar in *out.
 * NULL, or why it is wrong ("var.NAME=: bad percent-encoding ..." with
 * prefix "var.", "NAME=: ..." with prefix ""), *out then NULL.
 */
Octstr *job_var_parse(const char *prefix, Octstr *text, JobVar **out);

/* The variable named name in vars (JobVar*, may be NULL), or NULL. */
JobVar *job_var_find(List *vars, Octstr *name);

/* The value percent-encoded as job files write it: bytes up to blank,
 * '%' and from 0x7F as %HH. A new Octstr. */
Octstr *job_var_encode(Octstr *value);

/*
 * Are the job's variables right for a document whose placeholders are
 * `names` (Octstr*; empty or NULL: none)? Every Var: and var. must name a
 * placeholder, and every recipient needs a value for every placeholder (its
 * own or a Var:). NULL, or "line N: ..." naming the line, the recipient
 * and the variable (never a value). One pass over the To: lines.
 */
Octstr *job_vars_check(const struct Job *job, List *names);

/*
 * The values for names of recipient i, read into r (job_recipient_get()):
 * values[k] (new Octstrs) for names[k], its own or the Var: default. 0, or
 * -1 + *error when one has none (which job_vars_check() rules out);
 * values[] is then all NULL.
 */
int job_vars_values(const struct Job *job, long i, const struct Recipient *r, List *names,
                    Octstr **values, Octstr **error);

/* Destroy values[0..count). */
void job_vars_values_clear(Octstr **values, long count);

#endif
