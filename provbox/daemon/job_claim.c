/*
 * job_claim.c - claiming, deferring, rejecting and adopting jobs
 * (see job_claim.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "gwlib/gwlib.h"
#include "daemon/job_claim.h"
#include "daemon/job_schedule.h"
#include "spool/job_lock.h"
#include "daemon/recent_errors.h"
#include "daemon/job_progress.h"
#include "spool/job_status.h"
#include "common/log_escaped.h"
#include "spool/status_file.h"
#include "spool/status_update.h"
#include "spool/name_clash.h"

/* What the claim says in a job's status: its State and Reason, and how
 * its file was changed after it was claimed (once). */
typedef struct StateChange {
    const char *state;
    Octstr *reason;
    Octstr *tampered;    /* or NULL */
} StateChange;

static void apply_state(JobRecord *record, void *ctx)
{
    const StateChange *change = ctx;
    JobStatus *head = job_record_head(record);

    octstr_destroy(head->state);
    head->state = octstr_create(change->state);
    octstr_destroy(head->reason);
    head->reason = octstr_duplicate(change->reason);
    if (change->tampered != NULL && head->tampered == NULL)
        head->tampered = octstr_duplicate(change->tampered);
}

/* The status says state and reason (status_update.h: under the job's
 * status lock); a status that cannot be read now is left as it is rather
 * than written over (it records what was sent). */
static void write_state(Spool *spool, Octstr *name, SpoolState where,
                        const char *state, Octstr *reason, Octstr *tampered)
{
    StateChange change = { state, reason, tampered };
    Octstr *why = NULL;
    int ret = status_update(spool, where, name, 1, apply_state, &change, &why);

    if (ret == STATUS_UPDATE_UNREADABLE)
        log_escaped_error(0, "Job %S: its status cannot be read now; it does not say %s.",
                          name, state);
    else if (ret == -1)
        log_escaped_error(0, "Job %S: cannot write its status: %S", name, why);
    octstr_destroy(why);
}

/* A move out of `from`; where the name is taken, under a new name. */
static void move_on(Spool *spool, Octstr *name, SpoolState from, SpoolState to)
{
    Octstr *why = NULL, *moved_as = NULL;

    if (name_clash_move(spool, name, from, to, &moved_as, &why) == -1) {
        log_escaped_error(0, "Job %S: cannot move it to %s/: %S", name,
                          spool_state_name(to), why);
        octstr_destroy(why);
    }
    octstr_destroy(moved_as);
}

void job_claim_reject(Spool *spool, Octstr *name, SpoolState from, Octstr *reason)
{
    log_escaped_error(0, "Job %S failed: %S", name, reason);
    recent_errors_add(name, 0, reason);
    job_progress_rejected(name, reason);
    write_state(spool, name, from, "failed", reason, NULL);
    move_on(spool, name, from, SPOOL_FAILED);
}

static time_t file_mtime(int fd)
{
    struct stat st;

    return fstat(fd, &st) == 0 ? st.st_mtime : time(NULL);
}

void job_claim_set_due(Spool *spool, Octstr *name, SpoolState state, time_t when)
{
    Octstr *path = spool_path(spool, state, name);
    struct timeval times[2];

    times[0].tv_sec = times[1].tv_sec = when;
    times[0].tv_usec = times[1].tv_usec = 0;
    if (utimes(octstr_get_cstr(path), times) == -1)
        log_escaped_warning(errno, "Job %S: cannot set its due time.", name);
    octstr_destroy(path);
}

static void defer(Spool *spool, ActiveJob *aj, const long *tally, time_t due, Octstr *reason)
{
    log_escaped_info(0, "Job %S deferred: %S.", aj->name, reason);
    job_progress_claimed(aj->name, aj->job->operator_id, tally, SPOOL_DEFERRED, reason);
    active_job_keep_sent(aj, spool);
    write_state(spool, aj->name, SPOOL_ACTIVE, "deferred", reason, aj->tampered);
    job_claim_set_due(spool, aj->name, SPOOL_ACTIVE, due);
    move_on(spool, aj->name, SPOOL_ACTIVE, SPOOL_DEFERRED);
}

/*
 * A status file next to a job records recipients already handed off (a job
 * resumed after a crash, or requeued by provctl requeue): skip those. A job
 * this process just claimed brought its status along (spool_move moves it
 * first); one adopted from active/ may have left it in a move cut short.
 * A slotted status is read slot by slot, so resuming a job of a million
 * recipients holds one slot at a time.
 *
 * Returns 1 (resumed), 0 (no status, or one that lists no recipient yet:
 * *head is then its head, or NULL), or -1 when the status could not be
 * read just now (the reader logged why): sending the job now would send
 * its recipients again.
 */
static StatusFile *open_status(Spool *spool, Octstr *name, int claimed, int *result)
{
    Octstr *path = spool_status_path(spool, SPOOL_ACTIVE, name), *why = NULL;
    StatusFile *file = status_file_open(path, result, &why);

    if (file == NULL && *result == STATUS_FILE_MISSING && !claimed) {
        spool_fetch_status(spool, SPOOL_ACTIVE, name);
        file = status_file_open(path, result, &why);
    }
    octstr_destroy(why);
    octstr_destroy(path);
    return file;
}

/* The head of a status that lists no recipient yet, for the job's whole
 * status: its Id, Resend-Of, Renamed-From and Tampered kept, the job active. */
static JobStatus *head_of(const JobStatus *status)
{
    JobStatus *head = job_status_head_copy(status);

    octstr_destroy(head->state);
    head->state = octstr_create("active");
    octstr_destroy(head->reason);
    head->reason = NULL;
    return head;
}

static int resume_in_place(ActiveJob *aj, StatusFile *file, JobStatus **head, long *tally)
{
    long i, n = status_file_count(file);
    RecipientStatus *r;
    Octstr *why = NULL;
    int torn;

    if (n == 0) {
        *head = head_of(status_file_head(file));
        return 0;
    }
    for (i = 0; i < n; i++) {
        if ((r = status_file_read(file, i, &torn, &why)) == NULL) {
            log_escaped_error(0, "Job %S: %S", aj->name, why);
            octstr_destroy(why);
            return -1;
        }
        active_job_resume_recipient(aj, i, r->state);
        tally[r->state]++;
        job_status_recipient_destroy(r);
    }
    return 1;
}

/* A status in provbox 1.x's layout, or one that cannot be opened in place. */
static int resume_whole(Spool *spool, ActiveJob *aj, int claimed, JobStatus **head,
                        long *tally)
{
    int unreadable, ret = 0;
    Octstr *text = claimed ? spool_read_status_at(spool, SPOOL_ACTIVE, aj->name, &unreadable)
                           : spool_read_status(spool, SPOOL_ACTIVE, aj->name, &unreadable);
    Octstr *why = NULL;
    JobStatus *status = text != NULL ? job_status_parse(text, &why) : NULL;
    long i;

    if (unreadable)
        ret = -1;
    else if (status != NULL && gwlist_len(status->recipients) == 0)
        *head = head_of(status);
    else if (status != NULL) {
        active_job_resume_from(aj, status);
        for (i = 0; i < gwlist_len(status->recipients); i++)
            tally[((RecipientStatus *) gwlist_get(status->recipients, i))->state]++;
        ret = 1;
    }
    job_status_destroy(status);
    octstr_destroy(text);
    octstr_destroy(why);
    return ret;
}

/* tally[RecipientState]: its recipients by recorded state; those the
 * status does not list yet count as queued. */
static int resume_from_status(Spool *spool, ActiveJob *aj, int claimed, JobStatus **head,
                              long *tally)
{
    int result, ret = 0, k;
    StatusFile *file = open_status(spool, aj->name, claimed, &result);
    long listed = 0;

    *head = NULL;
    memset(tally, 0, JOB_RECORD_STATES * sizeof(*tally));
    if (file != NULL) {
        ret = resume_in_place(aj, file, head, tally);
        status_file_close(file);
    } else if (result != STATUS_FILE_MISSING)
        ret = resume_whole(spool, aj, claimed, head, tally);
    for (k = 0; k < JOB_RECORD_STATES; k++)
        listed += tally[k];
    if (listed < job_recipient_count(aj->job))
        tally[RCPT_QUEUED] += job_recipient_count(aj->job) - listed;
    return ret;
}

/* ---- a big job's status, written at the claim ---- */

/*
 * A job of this many recipients or more gets its whole status written when
 * it is claimed, slot by slot from the job, so that every record after
 * that changes it in place. A smaller job's first status is written with
 * its first record, batched with other jobs' (one sync for many).
 */
#define STATUS_AT_CLAIM_MIN 1000
#define WRITE_CHUNK (64 * 1024)

typedef struct SlotWriter {
    const ActiveJob *aj;
    const JobStatus *head;
    long slot;
} SlotWriter;

static int write_slots(int fd, void *ctx)
{
    const SlotWriter *w = ctx;
    long i, n = job_recipient_count(w->aj->job);
    Octstr *out = job_status_format_head(w->head, w->slot, n), *slot;
    RecipientStatus r;
    int ret = 0;

    memset(&r, 0, sizeof(r));
    r.state = RCPT_QUEUED;
    for (i = 0; ret == 0 && i < n; i++) {
        r.msisdn = job_recipient_msisdn(w->aj->job, i);
        slot = job_status_format_slot(&r, w->slot);
        octstr_destroy(r.msisdn);
        octstr_append(out, slot);
        octstr_destroy(slot);
        if (octstr_len(out) >= WRITE_CHUNK || i == n - 1) {
            ret = spool_write_all(fd, out);
            octstr_truncate(out, 0);
        }
    }
    octstr_destroy(out);
    return ret;
}

/* Staged, synced, installed (over a status that listed no recipient yet),
 * its directory synced: 0, or -1 + *why. */
static int install_whole(Spool *spool, ActiveJob *aj, SlotWriter *w, int fresh, Octstr **why)
{
    SpoolStaged *staged = spool_stage_status_by(spool, SPOOL_ACTIVE, aj->name, write_slots, w,
                                                fresh, why);

    if (staged == NULL)
        return -1;
    if (spool_sync_data(spool, why) == -1) {
        spool_discard_staged(staged);
        return -1;
    }
    if (spool_install_status(staged, why) == -1)
        return -1;
    spool_sync_dirs(spool, 1u << SPOOL_ACTIVE);
    return 0;
}

static void status_at_claim(Spool *spool, ActiveJob *aj, JobStatus *head)
{
    SlotWriter w;
    Octstr *why = NULL;
    int fresh = head == NULL;

    if (job_recipient_count(aj->job) < STATUS_AT_CLAIM_MIN) {
        job_status_destroy(head);
        return;
    }
    if (head == NULL)
        head = job_status_create(aj->name, NULL);
    if (head->id == NULL)
        head->id = octstr_duplicate(aj->job->operator_id);
    if (head->resend_of == NULL)
        head->resend_of = octstr_duplicate(aj->job->resend_of);
    if (aj->warnings != NULL)
        job_status_set_warnings(head, aj->warnings);
    w.aj = aj;
    w.head = head;
    w.slot = aj->job->sec == SEC_USERPINMAC ? STATUS_SLOT_CODES : STATUS_SLOT;
    if (install_whole(spool, aj, &w, fresh, &why) == -1) {
        log_escaped_warning(0, "Job %S: its status is not written at the claim (%S); "
                            "its first record writes it.", aj->name, why);
        octstr_destroy(why);
    }
    job_status_destroy(head);
}

/* The job is fine; this process is short of descriptors or memory. */
static int short_of_resources(int err)
{
    return err == EMFILE || err == ENFILE || err == ENOMEM;
}

static void postpone(Octstr *name, Octstr *why, ClaimResult *result)
{
    log_escaped_warning(0, "Job %S not taken up now: %S. It stays in active/ for a later rescan.",
                        name, why);
    *result = CLAIM_POSTPONED;
}

/* The job's ownership lock: its descriptor, or -1 (lost the race, or the
 * job postponed or rejected). */
static int take_ownership(Spool *spool, Octstr *name, ClaimResult *result)
{
    Octstr *path = spool_path(spool, SPOOL_ACTIVE, name), *why = NULL;
    int fd = job_lock_open(path, &why);
    int err = errno;

    octstr_destroy(path);
    if (fd == -1 && short_of_resources(err)) {
        postpone(name, why, result);
    } else if (fd == -1) {
        *result = CLAIM_REJECTED;
        job_claim_reject(spool, name, SPOOL_ACTIVE, why);
    } else if (job_lock_own(fd) == -1) {
        close(fd);
        fd = -1;
        *result = CLAIM_LOST_RACE;
    }
    octstr_destroy(why);
    return fd;
}

/* Lock and load a job that is in active/: rejected when it cannot be sent,
 * postponed when its status cannot be read now. */
static ActiveJob *load_owned(Spool *spool, const ProvboxConfig *config, CompileCache *cache,
                             Octstr *name, int claimed, long *tally, ClaimResult *result)
{
    Octstr *why = NULL;
    ActiveJob *aj;
    JobStatus *head = NULL;
    int fd = take_ownership(spool, name, result), resumed = 0;

    if (fd == -1)
        return NULL;
    aj = active_job_load(config, cache, name, fd, file_mtime(fd), &why);
    if (aj == NULL) {
        *result = CLAIM_REJECTED;
        job_claim_reject(spool, name, SPOOL_ACTIVE, why);
        close(fd);
    } else if ((resumed = resume_from_status(spool, aj, claimed, &head, tally)) == 0) {
        status_at_claim(spool, aj, head);
    } else if (resumed == -1) {
        why = octstr_create("its status file cannot be read now");
        postpone(name, why, result);
        active_job_destroy(aj);
        aj = NULL;
    }
    octstr_destroy(why);
    if (aj != NULL)
        *result = CLAIM_CLAIMED;
    return aj;
}

/* A job that may not send yet (Not-Before:, send window) goes to
 * deferred/ until it may; one that may knows when its window closes. */
static ActiveJob *defer_unless_due(Spool *spool, const ProvboxConfig *config, ActiveJob *aj,
                                   const long *tally, ClaimResult *result)
{
    time_t now = time(NULL), due;
    Octstr *reason = NULL;

    due = schedule_due(aj->job, config, now, &reason);
    if (due <= now) {
        active_job_window_closes_at(aj, schedule_window_closes(aj->job, config, now));
        job_progress_claimed(aj->name, aj->job->operator_id, tally, SPOOL_ACTIVE, NULL);
        return aj;
    }
    defer(spool, aj, tally, due, reason);
    octstr_destroy(reason);
    active_job_destroy(aj);
    *result = CLAIM_DEFERRED;
    return NULL;
}

static int still_in(Spool *spool, SpoolState state, Octstr *name)
{
    Octstr *path = spool_path(spool, state, name);
    struct stat st;
    int there = lstat(octstr_get_cstr(path), &st) == 0;

    octstr_destroy(path);
    return there;
}

/* Lint's findings on a job about to be sent, a warning line each. */
static void log_findings(const ActiveJob *aj)
{
    Octstr *finding;
    long i;

    for (i = 0; i < gwlist_len(aj->findings); i++) {
        finding = lint_finding_format(gwlist_get(aj->findings, i));
        log_escaped_warning(0, "Job %S: lint: %S", aj->name, finding);
        octstr_destroy(finding);
    }
}

ActiveJob *job_claim(Spool *spool, const ProvboxConfig *config, CompileCache *cache,
                     Octstr *name, SpoolState from, ClaimResult *result)
{
    Octstr *why = NULL, *claimed_as = NULL;
    ActiveJob *aj;
    long tally[JOB_RECORD_STATES];

    if (name_clash_claim(spool, name, from, &claimed_as, &why) == -1) {
        /* Gone: another provbox took it first, or the operator removed it.
         * Still there: the spool refuses the rename (EROFS, EACCES...). */
        if (still_in(spool, from, name))
            log_escaped_warning(0, "Job %S not claimed: %S", name, why);
        else
            log_escaped_debug("provbox.intake", 0, "Job %S not claimed: %S", name, why);
        octstr_destroy(why);
        *result = CLAIM_LOST_RACE;
        return NULL;
    }
    aj = load_owned(spool, config, cache, claimed_as, 1, tally, result);
    octstr_destroy(claimed_as);
    if (aj == NULL)
        return NULL;
    aj = defer_unless_due(spool, config, aj, tally, result);
    if (aj == NULL)
        return NULL;
    info(0, "Job %s claimed: %ld recipient(s), %s.", octstr_get_cstr(aj->shown_name),
         job_recipient_count(aj->job), sec_mode_name(aj->job->sec));
    log_findings(aj);
    return aj;
}

ActiveJob *job_claim_adopt(Spool *spool, const ProvboxConfig *config, CompileCache *cache,
                           Octstr *name, ClaimResult *result)
{
    long tally[JOB_RECORD_STATES];
    ActiveJob *aj = load_owned(spool, config, cache, name, 0, tally, result);

    if (aj != NULL)
        aj = defer_unless_due(spool, config, aj, tally, result);
    if (aj == NULL)
        return NULL;
    log_escaped_info(0, "Job %S resumed from active/: %ld of %ld recipient(s) still to send.",
                     name, aj->unfinished, job_recipient_count(aj->job));
    log_findings(aj);
    return aj;
}

List *job_claim_due(Spool *spool, long max)
{
    List *names = spool_list(spool, SPOOL_DEFERRED, max), *due = gwlist_create();
    Octstr *name, *path;
    struct stat st;
    time_t now = time(NULL);

    while ((name = gwlist_extract_first(names)) != NULL) {
        path = spool_path(spool, SPOOL_DEFERRED, name);
        if (lstat(octstr_get_cstr(path), &st) == 0 && st.st_mtime <= now)
            gwlist_append(due, name);
        else
            octstr_destroy(name);
        octstr_destroy(path);
    }
    gwlist_destroy(names, NULL);
    return due;
}
