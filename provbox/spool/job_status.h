/*
 * job_status.h - the NAME.status file kept next to every job.
 *
 *   Job: NAME
 *   Id: <the job's Id:, if any>
 *   State: active|deferred|done|failed
 *   Reason: <why, for failed/deferred>
 *   Renamed-From: <the name the job came with, when another job had it>
 *   Tampered: <how its file changed in active/ after it was claimed>
 *   Recipient: 4790000001 delivered parts=3 acked=3 delivered=3
 *   Recipient: 4790000002 failed reason="..."
 *   Entry-Code: 4790000003 12348544
 *
 * Formatting and parsing only; spool.c writes it atomically. Recipient
 * states: queued, sent (every segment acknowledged by bearerbox), delivered
 * (a delivery report for every segment), undelivered, failed, expired.
 * A status never carries a PIN or an IMSI (the entry code is what the
 * operator must hand to the user for USERPINMAC).
 */
#ifndef PROVBOX_JOB_STATUS_H
#define PROVBOX_JOB_STATUS_H

#include "gwlib/gwlib.h"

typedef enum {
    RCPT_QUEUED,
    RCPT_SENT,
    RCPT_DELIVERED,
    RCPT_UNDELIVERED,
    RCPT_FAILED,
    RCPT_EXPIRED
} RecipientState;

typedef struct RecipientStatus {
    Octstr *msisdn;
    RecipientState state;
    long parts;        /* segments of this recipient's message */
    long acked;        /* segments acknowledged by bearerbox */
    long delivered;    /* segments with a final positive delivery report */
    long undelivered;  /* segments with a final negative delivery report */
    Octstr *reason;    /* or NULL */
    Octstr *entry_code;/* USERPINMAC only, or NULL */
} RecipientStatus;

typedef struct JobStatus {
    Octstr *job;
    Octstr *id;        /* or NULL */
    Octstr *state;     /* "active", "deferred", "done", "failed" */
    Octstr *reason;    /* or NULL */
    Octstr *renamed_from; /* the job's name before a clash, or NULL */
    Octstr *tampered;  /* its file changed after the claim: how, or NULL */
    List *recipients;  /* RecipientStatus* */
} JobStatus;

const char *recipient_state_name(RecipientState state);
int recipient_state_parse(Octstr *name, RecipientState *state);
int recipient_state_is_final(RecipientState state);

JobStatus *job_status_create(Octstr *job, Octstr *id);
void job_status_destroy(JobStatus *status);
RecipientStatus *job_status_add_recipient(JobStatus *status, Octstr *msisdn);
Octstr *job_status_format(const JobStatus *status);
JobStatus *job_status_parse(Octstr *text, Octstr **error);

#endif
