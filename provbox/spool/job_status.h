/*
 * job_status.h - the NAME.status file kept next to every job.
 *
 *   Job: NAME
 *   Id: <the job's Id:, if any>
 *   Resend-Of: <the job's Resend-Of:, if any: the job it resends to>
 *   Renamed-From: <the name the job came with, when another job had it>
 *   Tampered: <how its file changed in active/ after it was claimed>
 *   Warning: 14: error: <a lint finding on its document>   (0 to 21 lines)
 *   Layout: slot=128 count=3                                  (header end)
 *   #                                          (pad to a 512-byte boundary)
 *   State: active|deferred|done|failed ~CHECK        (the state sector:
 *   Reason: <why, for failed/deferred> ~CHECK         512 bytes, rewritten
 *   #                                                 in place)
 *   Recipient: 4790000001 delivered parts=3 acked=3 delivered=3    ~CHECK
 *   Recipient: 4790000002 failed parts=1 acked=0 delivered=0 reason="..." ~CHECK
 *   Recipient: 4790000003 sent parts=2 acked=2 delivered=0 ~CHECK
 *   Entry-Code: 4790000003 12348544                                ~CHECK
 *
 * The slotted layout: after the header, one 512-byte sector holds the
 * job's state and reason, then every recipient has a slot of `slot` bytes
 * (128; 256 when its slot carries an Entry-Code line, USERPINMAC), its
 * last line padded with blanks to the slot's end. Slots and the state
 * sector start on 512-byte boundaries, so none straddles a disk sector,
 * and each is rewritten in place (status_file.h) by one write that never
 * changes the file's size. Every line rewritten in place ends in ` ~` and
 * eight hex digits, the FNV-1a hash of the bytes before it: a line whose
 * check fails was torn by a power cut mid-write (job_status_parse() then
 * counts it in `torn`; a torn recipient reads as queued with zero counts,
 * so it is sent again: at least once). Reasons are cut ("...") to fit
 * their slot or sector; the log has them whole.
 *
 * A status without a Layout: line is in the layout of provbox 1.x (one
 * line per recipient, Entry-Code lines at the end): it is read as it is,
 * and the next write turns it into the slotted layout.
 *
 * Formatting and parsing only; status_file.c and spool_write.c write. Recipient
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
    Octstr *resend_of; /* the job's Resend-Of:, or NULL */
    Octstr *renamed_from; /* the job's name before a clash, or NULL */
    Octstr *tampered;  /* its file changed after the claim: how, or NULL */
    List *warnings;    /* Octstr*: lint's findings, "LINE: SEVERITY: message"
                          (job_status_set_warnings()); empty when none */
    List *recipients;  /* RecipientStatus* */
    int entry_codes;   /* slots hold an Entry-Code line (USERPINMAC) */
    long torn;         /* lines parse found torn by a crash */
} JobStatus;

/* The slotted layout's geometry (see above). */
#define STATUS_SECTOR 512
#define STATUS_SLOT 128
#define STATUS_SLOT_CODES 256

typedef struct StatusLayout {
    long state_at;     /* offset of the state sector */
    long table_at;     /* offset of slot 0 */
    long slot;         /* bytes per slot */
    long count;        /* recipients (slots) */
} StatusLayout;

const char *recipient_state_name(RecipientState state);
int recipient_state_parse(Octstr *name, RecipientState *state);
int recipient_state_is_final(RecipientState state);

JobStatus *job_status_create(Octstr *job, Octstr *id);
/* Everything but the recipients (Job, Id, State, Reason, Resend-Of,
 * Renamed-From, Tampered, Warning, entry_codes). */
JobStatus *job_status_head_copy(const JobStatus *status);
void job_status_destroy(JobStatus *status);
RecipientStatus *job_status_add_recipient(JobStatus *status, Octstr *msisdn);

/*
 * Warning lines for lint's findings (Octstr*, each as lint_finding_format()
 * gives it): a new List of new Octstrs, at most JOB_STATUS_WARNINGS of
 * them, then one saying how many more there are, so that the header stays
 * small whatever the document.
 */
#define JOB_STATUS_WARNINGS 20
List *job_status_warnings_of(List *findings);
/* Do two lists of Warning lines hold the same lines? */
int job_status_same_warnings(List *a, List *b);
/* The status's Warning lines become a copy of `warnings` (made by
 * job_status_warnings_of()); nothing is copied when they are those. */
void job_status_set_warnings(JobStatus *status, List *warnings);
/* The whole file, in the slotted layout. */
Octstr *job_status_format(const JobStatus *status);
JobStatus *job_status_parse(Octstr *text, Octstr **error);

/*
 * In-place pieces of the slotted layout (status_file.c). The head is the
 * header and the state sector: job_status_parse_head() reads it from the
 * start of a file (at least layout->table_at bytes of it are needed for
 * the state; fewer give the header alone) and returns 1 with the status
 * (no recipients) and the layout, 0 when the text has no Layout: line
 * (the 1.x layout), -1 + *error when it is malformed.
 */
int job_status_parse_head(Octstr *text, JobStatus **status, StatusLayout *layout,
                          Octstr **error);
/* The header and the state sector of a status with `count` recipients in
 * slots of `slot` bytes: what comes before slot 0 (job_status_format()
 * is this and a job_status_format_slot() per recipient). */
Octstr *job_status_format_head(const JobStatus *status, long slot, long count);
/* The state sector's STATUS_SECTOR bytes for status->state and ->reason. */
Octstr *job_status_format_state(const JobStatus *status);
/* Recipient r's slot of `slot` bytes; a slot read back: the recipient,
 * with *torn set (and zero counts) when its check failed, or NULL when
 * the slot holds no recipient at all. */
Octstr *job_status_format_slot(const RecipientStatus *r, long slot);
RecipientStatus *job_status_parse_slot(Octstr *slot, int *torn);
void job_status_recipient_destroy(RecipientStatus *r);
/*
 * The state of the recipient in a slot of `size` bytes, from its bytes,
 * for counting a million slots quickly: 1 (*state set) when every line's
 * check holds, 0 when one fails (torn: *state is RCPT_QUEUED, as
 * job_status_parse_slot() reads it), -1 when the slot holds no recipient.
 * It reads the state word only; a slot whose checks hold but whose fields
 * do not parse (never written by provbox) still counts by that word.
 */
int job_status_slot_state(const char *slot, long size, RecipientState *state);

#endif
