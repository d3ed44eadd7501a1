/*
 * job.h - the job file: the operator's interface to provbox.
 *
 * A job is header lines `Name: value` (names case-insensitive), an empty
 * line, then the XML document in whatever encoding its declaration names:
 *
 *   To: 4790000001                       (repeat for a bulk job)
 *   To: 4790000002 imsi=242011234567890 pin=5678
 *   To: 4790000003 var.LOGIN=alice var.SECRET=s%20cr3t   (job_vars.h)
 *   Var: LOGIN=guest    (repeatable: a default for {{LOGIN}})
 *   Sec: USERPIN        Pin: 1234        IMSI: ...
 *   From: ...  Type: oma-settings  SMSC: ...  DLR: yes|no
 *   (Type: settings, bookmarks or syncsettings are the unsigned OTA 7.0
 *   formats of common/doc_type.h: Sec: absent or NONE)
 *   Validity: minutes  Priority: 0-3  Not-Before: 2026-11-26T10:00:00Z
 *   Rate: recipients per second (2.5)  Send-Window: 08:00-21:00 Europe/Oslo
 *   Id: operator's reference
 *   Resend-Of: NAME   (written by provctl resend: the job it resends to)
 *   Lint: strict|warn|off   (the semantic check at intake, lint/lint.h;
 *                            Type: oma-settings only: an error on a
 *                            legacy type, which is never linted)
 *
 * job_parse() checks everything that can be checked without compiling the
 * document (unknown, duplicate, missing and conflicting headers, numbers,
 * credentials for the security mode) and names the cause on failure;
 * messages never contain a PIN, an IMSI or a variable's value (whether
 * the variables fit the document's placeholders is checked once it is
 * compiled: job_vars_check()). job_format() writes the same
 * format back: job_parse(job_format(job)) gives the same job.
 *
 * Recipients are not kept as objects: a Job keeps the file's text and, per
 * recipient, the offset of its To: value in it (4 bytes), so a job of a
 * million recipients costs its text plus 4 MB. Each accessor below parses
 * that one line again on demand (it was validated by job_parse()).
 */
#ifndef PROVBOX_JOB_H
#define PROVBOX_JOB_H

#include <stdint.h>
#include <time.h>
#include "gwlib/gwlib.h"
#include "common/sec_mode.h"
#include "common/doc_type.h"
#include "spool/send_window.h"
#include "lint/lint.h"
#include "spool/job_vars.h"

/* One recipient as read back from its To: line (job_recipient_get()). */
typedef struct Recipient {
    Octstr *msisdn;
    Octstr *imsi;     /* per-recipient override, or NULL */
    Octstr *pin;      /* per-recipient override, or NULL */
    List *vars;       /* its var.NAME=VALUE (JobVar*), or NULL when none */
} Recipient;

typedef struct Job {
    Octstr *name;          /* file name in the spool */
    Octstr *text;          /* the file as parsed (owned); recipients live here */
    uint32_t *to_values;   /* offset in text of each To: value, in file order */
    long recipient_count;
    SecMode sec;
    Octstr *pin;           /* job-wide, or NULL */
    Octstr *imsi;          /* job-wide, or NULL */
    Octstr *sender;        /* From:, or NULL for the config default */
    DocType type;          /* Type: (DOC_OMA_SETTINGS when absent) */
    Octstr *smsc_id;       /* or NULL */
    int dlr;               /* 1 = ask for delivery reports (default) */
    long validity;         /* minutes, -1 = unset */
    long priority;         /* 0-3, -1 = unset */
    time_t not_before;     /* 0 = unset */
    double rate;           /* Rate: most recipients per second, 0 = unset */
    SendWindow *send_window; /* Send-Window:, or NULL (config send-window) */
    int lint;              /* LintMode of Lint:, -1 = unset (the config's) */
    Octstr *operator_id;   /* Id:, or NULL */
    Octstr *resend_of;     /* Resend-Of:, or NULL */
    List *vars;            /* Var: headers (JobVar*), in order, or NULL */
    Octstr *document;      /* the XML bytes, as in the file */
} Job;

/* The job in text (which stays the caller's: the Job keeps a copy), or
 * NULL + *error. */
Job *job_parse(Octstr *name, Octstr *text, Octstr **error);
/* The same, taking text over: the Job owns it (job->text), and it is
 * destroyed on failure. No copy: what a large job's loader uses. */
Job *job_parse_adopt(Octstr *name, Octstr *text, Octstr **error);
void job_destroy(Job *job);
Octstr *job_format(const Job *job);

long job_recipient_count(const Job *job);

/*
 * Recipient i (0 <= i < job_recipient_count()) read back from its To:
 * line into *out, whose fields are then new Octstrs the caller owns:
 * release them with job_recipient_clear(). 0, or -1 (and *out all NULL)
 * when there is no recipient i.
 */
int job_recipient_get(const Job *job, long i, Recipient *out);
void job_recipient_clear(Recipient *r);

/* Recipient i's MSISDN: a new Octstr (the caller destroys it), or NULL. */
Octstr *job_recipient_msisdn(const Job *job, long i);
/* Does recipient i have options of its own (pin=, imsi= or var.)? */
int job_recipient_has_overrides(const Job *job, long i);

/* The effective credentials of recipient i (its override or the job's):
 * a new Octstr the caller destroys, or NULL when there is none. */
Octstr *job_recipient_pin(const Job *job, long i);
Octstr *job_recipient_imsi(const Job *job, long i);

/* Where recipient i's options (what follows its MSISDN on its To: line)
 * are in job->text: from the return value to *end (blanks around them and
 * the line end excluded; an empty span when there are none). */
long job_recipient_options(const Job *job, long i, long *end);

/* The line of the job file recipient i is on (counted: for messages). */
long job_recipient_line(const Job *job, long i);

/* True when s is a plausible MSISDN: optional '+', then 3 to 20 digits. */
int job_msisdn_ok(Octstr *s);

/*
 * A rate as Rate: and provbox.conf's throughput write it: a number above
 * 0 of digits with at most one point and at most 6 digits after it, up
 * to JOB_MAX_RATE (no sign, no exponent, no blanks). NULL (and *rate
 * set), or why s is not one, in words that do not repeat it.
 */
#define JOB_MAX_RATE 1000000
Octstr *job_rate_parse(Octstr *s, double *rate);

#endif
