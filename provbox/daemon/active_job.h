/*
 * active_job.h - a job this process has claimed and is sending.
 *
 * Loading reads the job file, parses it (spool/job.h) and compiles its
 * document once (encode/message.h: a template, or the fixed WBXML of an
 * unsigned legacy type), and lints an OMA CP document (lint/lint.h) unless its
 * Lint: header, or else the config's lint key, says off: under strict, an
 * error refuses the job, naming the first error's line. Both go through
 * the caller's compile cache. For a document with {{NAME}} placeholders
 * it checks that every recipient has a value for each (job_vars_check():
 * one pass over the To: lines). It also encodes the first recipient's
 * message so that a document too large for max-segments fails the job
 * before anything is sent. Each recipient's message is then encoded on
 * demand into ready-to-send bearerbox Msgs (its document filled with its
 * values, then message_encode() with its PIN/IMSI and the job's
 * concatenation reference, message_job_reference(); recipients without
 * options of their own share one cached encoding). A recipient's values are read from its
 * To: line when it is encoded and dropped after, so memory does not grow
 * with them.
 *
 * Every segment's dlr_url is a correlation key "JOB;RECIPIENT;SEGMENT" that
 * any provbox on the spool can act on (active_job_parse_key()).
 *
 * Progress kept here is what this process needs to schedule; what happened
 * is recorded in the status file (job_record.h).
 *
 * The ActiveJob owns its state and its ownership lock: other modules read
 * its fields, and change them only through the functions below, each named
 * for what happened (a recipient taken, a segment acked, a record landed);
 * active_job_destroy() closes the lock. Only its pacer is the dispatcher's,
 * driven through pacer.h.
 */
#ifndef PROVBOX_ACTIVE_JOB_H
#define PROVBOX_ACTIVE_JOB_H

#include <time.h>
#include "gwlib/gwlib.h"
#include "gw/msg.h"
#include "daemon/config.h"
#include "daemon/compile_cache.h"
#include "daemon/job_record.h"
#include "daemon/claimed_file.h"
#include "daemon/pacer.h"
#include "spool/job.h"
#include "spool/job_status.h"
#include "spool/spool.h"

typedef enum {
    PROGRESS_WAITING,      /* not encoded yet */
    PROGRESS_SENDING,      /* segments out, not every ack recorded */
    PROGRESS_FINISHED      /* every segment acked, or failed/expired */
} ProgressState;

/*
 * What scheduling needs of one recipient: 4 bytes, so that a job of a
 * million recipients keeps 4 MB of progress. The rare fields (why a
 * recipient failed, an entry code of its own) are kept aside by index
 * until recorded (active_job_reason()).
 */
typedef struct RecipientProgress {
    unsigned char state;   /* ProgressState */
    unsigned char parts;   /* segments, once encoded (max-segments <= 255) */
    unsigned char acked;   /* acks received in this process */
    unsigned char flags;   /* PROGRESS_F_* */
} RecipientProgress;

#define PROGRESS_F_CHANGED 1     /* listed in ActiveJob.changed */
#define PROGRESS_F_FAILED 2      /* failed or expired in this process */
#define PROGRESS_F_SHARED_CODE 4 /* its entry code is shared_entry_code */

typedef struct ActiveJob {
    Octstr *name;
    Octstr *shown_name;    /* name as log lines show it (escape_text), made once */
    Job *job;
    WbxmlTemplate *doc;    /* the compiled document */
    Octstr *wbxml;         /* the document of recipients without options: the
                            * WBXML, or the template filled with the Var:
                            * defaults; NULL when a placeholder has none */
    List *findings;        /* lint's (LintFinding*), or NULL when lint is off for it */
    List *warnings;        /* the same as its status's Warning lines, or NULL */
    int lock_fd;           /* holds the ownership lock, or -1; closed by destroy */
    ClaimedFile *claimed;  /* the file read at the claim, and its bytes */
    Octstr *tampered;      /* how it changed in active/ since, or NULL */
    time_t started;        /* validity runs from here */
    time_t validity_end;   /* 0 = none */
    long next_recipient;   /* first recipient still WAITING */
    long unfinished;       /* recipients not FINISHED */
    RecipientProgress *progress;
    Dict *rare;            /* "index" -> its failure and own entry code, until recorded; NULL until the first */
    Octstr *first_reason;  /* why recipient 0 failed, or NULL */
    long *changed;         /* recipients whose progress is not yet recorded */
    long changed_count, changed_size;
    long unrecorded;       /* acked segments not yet recorded (window) */
    long in_flight;        /* segments queued or sent, not yet answered */
    long retry_delay;      /* the next backoff for ack_failed_tmp */
    List *shared_segments; /* PushSegment* for recipients without overrides */
    Octstr *shared_entry_code;
    long parts_each;       /* segments of the recipient encoded last */
    /* pacing and send window (the dispatcher's) */
    Pacer pacer;           /* its Rate:, recipients per second (or not paced) */
    time_t window_closes;  /* its send window closes then: no recipient is
                              handed out from then on (0 = never) */
    Octstr *defer_reason;  /* its window closed: why it goes to deferred/ */
    time_t defer_until;    /* and until when */
} ActiveJob;

/* Which check refused a job in active_job_from_text(). */
typedef enum {
    ACTIVE_JOB_TOO_LARGE,    /* more than max-job-size */
    ACTIVE_JOB_UNPARSABLE,   /* job_parse() refused it, or its variables do
                              * not fit its document's placeholders */
    ACTIVE_JOB_UNCOMPILABLE, /* its document does not compile */
    ACTIVE_JOB_LINT_ERROR,   /* linted strict, and its document has an error */
    ACTIVE_JOB_UNENCODABLE   /* cannot be signed, or over max-segments */
} ActiveJobFault;

/*
 * Everything claiming checks in a job file's text: its size (max-job-size),
 * its parse, its document's compilation and lint (through the cache) and the first
 * recipient's encoding (max-segments). NULL + *error (and *where, if not
 * NULL) when the job would fail. The sendota intake runs it on the job it
 * is about to queue, so that it refuses what the loader would reject.
 * The result holds no lock (lock_fd -1).
 */
ActiveJob *active_job_from_text(const ProvboxConfig *config, CompileCache *cache, Octstr *name,
                                Octstr *text, time_t started, ActiveJobFault *where,
                                Octstr **error);

/* Read (through its lock_fd, at most max-job-size bytes) a claimed job (in
 * active/) and check it as active_job_from_text() does. The job takes
 * lock_fd over; on NULL the caller still holds it. */
ActiveJob *active_job_load(const ProvboxConfig *config, CompileCache *cache, Octstr *name,
                           int lock_fd, time_t started, Octstr **error);
/* Frees the job and closes its lock (the job stays where it is, unowned). */
void active_job_destroy(ActiveJob *job);

/*
 * The Msgs for recipient i (one per segment, in order). Sets the progress's
 * parts and entry code. NULL + *error when the recipient cannot be encoded.
 */
List *active_job_encode(ActiveJob *job, const ProvboxConfig *config, long i,
                        Octstr **error);

/* The next recipient still waiting, taken to be encoded and sent (it is not
 * handed out again); -1 when none is left. */
long active_job_take_next(ActiveJob *job);
/* One segment of it is queued to be sent / is answered or dropped: the
 * segments in flight (in_flight), which keep it from moving on. */
void active_job_segment_queued(ActiveJob *job);
void active_job_segment_done(ActiveJob *job);
/* bearerbox asked for a segment to be retried later (ack_failed_tmp): the
 * seconds to wait now; each call doubles the next wait, up to max. */
long active_job_retry_delay(ActiveJob *job, long max);

/* Mark recipient i finished because of a failure. */
void active_job_fail_recipient(ActiveJob *job, long i, RecipientState failure,
                               Octstr *reason);
/* Why recipient i failed, while that is not yet recorded; else NULL. */
Octstr *active_job_reason(const ActiveJob *job, long i);
/* One segment of recipient i acked: it stays unrecorded (in the window)
 * until the next record lands, and counts for recipient i, finishing it
 * when every segment is acked. 1 when this ack finished it, else 0. */
int active_job_segment_acked(ActiveJob *job, long i);

/* Before the job leaves active/: its file there is what was sent (see
 * claimed_file.h); a change is noted in aj->tampered. */
void active_job_keep_sent(ActiveJob *job, Spool *spool);

/* Mark recipients the status file already shows as handed off (resume). */
void active_job_resume_from(ActiveJob *job, const JobStatus *status);
/* The same for one recipient whose recorded state is known (a status read
 * slot by slot). */
void active_job_resume_recipient(ActiveJob *job, long i, RecipientState recorded);

/*
 * Merge this process's progress into a status read from disk (a
 * job_record_apply_fn; ctx is the ActiveJob): recipients listed, parts and
 * acks raised (never lowered), entry codes and failures recorded, states
 * derived. Only the recipients changed since the last record that landed
 * are touched, so a round costs what changed, not the job's size. A job
 * whose every recipient failed gets the first reason; a job going to
 * deferred/ gets its defer_reason; a job that had waited in deferred/
 * says State: active again, without that wait's Reason. The header gets
 * lint's Warning lines, when the job was linted.
 */
void active_job_apply_progress(JobRecord *record, void *ctx);
/* The progress applied last has landed: nothing is left to record. Returns
 * the acked segments that were unrecorded until now. */
long active_job_recorded(ActiveJob *aj);
/* Its send window closes at `when` (0 = never). */
void active_job_window_closes_at(ActiveJob *aj, time_t when);
/* Its window has closed: it hands out no more recipients, and its next
 * record sends it to deferred/, due at `until`, with `reason` (taken over). */
void active_job_defer(ActiveJob *aj, time_t until, Octstr *reason);
/* Its send window has closed (at aj->window_closes, before now). */
int active_job_window_closed(const ActiveJob *aj, time_t now);
/* Recipients left to hand out, its window open, not on its way to deferred/. */
int active_job_handing_out(const ActiveJob *aj, time_t now);
/* Every recipient finished and no segment out: the job can move on. */
int active_job_finished(const ActiveJob *aj);
/* Every recipient failed or expired. */
int active_job_all_failed(const ActiveJob *aj);

/* Parse a dlr_url correlation key. 0, or -1 if it is not one of ours. */
int active_job_parse_key(Octstr *key, Octstr **job, long *recipient, long *segment);

#endif
