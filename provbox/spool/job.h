/*
 * job.h - the job file: the operator's interface to provbox.
 *
 * A job is header lines `Name: value` (names case-insensitive), an empty
 * line, then the XML document in whatever encoding its declaration names:
 *
 *   To: 4790000001                       (repeat for a bulk job)
 *   To: 4790000002 imsi=242011234567890 pin=5678
 *   Sec: USERPIN        Pin: 1234        IMSI: ...
 *   From: ...  Type: oma-settings  SMSC: ...  DLR: yes|no
 *   (Type: settings, bookmarks or syncsettings are the unsigned OTA 7.0
 *   formats of encode/ota_legacy.h: Sec: absent or NONE)
 *   Validity: minutes  Priority: 0-3  Not-Before: 2026-11-26T10:00:00Z
 *   Id: operator's reference
 *
 * job_parse() checks everything that can be checked without compiling the
 * document (unknown, duplicate, missing and conflicting headers, numbers,
 * credentials for the security mode) and names the cause on failure;
 * messages never contain a PIN or an IMSI. job_format() writes the same
 * format back: job_parse(job_format(job)) gives the same job.
 */
#ifndef PROVBOX_JOB_H
#define PROVBOX_JOB_H

#include <time.h>
#include "gwlib/gwlib.h"
#include "encode/signer.h"
#include "encode/ota_legacy.h"

typedef struct Recipient {
    Octstr *msisdn;
    Octstr *imsi;     /* per-recipient override, or NULL */
    Octstr *pin;      /* per-recipient override, or NULL */
} Recipient;

typedef struct Job {
    Octstr *name;          /* file name in the spool */
    List *recipients;      /* Recipient*, in file order */
    SecMode sec;
    Octstr *pin;           /* job-wide, or NULL */
    Octstr *imsi;          /* job-wide, or NULL */
    Octstr *sender;        /* From:, or NULL for the config default */
    Octstr *type;          /* "oma-settings", or a legacy type (lower case) */
    Octstr *smsc_id;       /* or NULL */
    int dlr;               /* 1 = ask for delivery reports (default) */
    long validity;         /* minutes, -1 = unset */
    long priority;         /* 0-3, -1 = unset */
    time_t not_before;     /* 0 = unset */
    Octstr *operator_id;   /* Id:, or NULL */
    Octstr *document;      /* the XML bytes, as in the file */
} Job;

Job *job_parse(Octstr *name, Octstr *text, Octstr **error);
void job_destroy(Job *job);
Octstr *job_format(const Job *job);

/* True (and *type, when not NULL) for the legacy OTA 7.0 types. */
int job_legacy_type(const Job *job, OtaLegacyType *type);

/* The effective credentials of recipient i (its override or the job's). */
Octstr *job_recipient_pin(const Job *job, long i);
Octstr *job_recipient_imsi(const Job *job, long i);

/* True when s is a plausible MSISDN: optional '+', then 3 to 20 digits. */
int job_msisdn_ok(Octstr *s);

#endif
