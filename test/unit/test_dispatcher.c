/*
 * test_dispatcher.c - unit tests of provbox/daemon/dispatcher.c's
 * decisions, on a real spool in a scratch directory, the loader thread
 * claiming the jobs. This test stands in for bearerbox at the link
 * boundary: it defines box_link.h's box_link_send(), box_link_flush() and
 * box_link_ack() (so libdaemon.a's box_link.o, the real connection, is
 * not linked in), keeps a copy of every segment sent, and answers through
 * the handlers the dispatcher gives the link (dispatcher_handlers()), as
 * the link thread does. Checked:
 *   - the window: max-pending segments out and no more while none is
 *     answered; an acked segment keeps its place until its record lands;
 *   - half the window acked is recorded at once: ten times over, two acks
 *     with max-pending 4 reopen the window within seconds, where the
 *     once-a-second record alone would take ten;
 *   - acks out of order: a recipient finishes with the last of its
 *     segments' acks, whichever that is;
 *   - a recipient finishing across rounds: one ack recorded, then the
 *     others, the status counting each ack once;
 *   - the retry delay doubling: a segment bearerbox asks to retry
 *     (ack_failed_tmp) three times goes out again after retry-delay (1 s),
 *     then 2 s, then 4 s, each time the same segment.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "gwlib/gwlib.h"
#include "encode/wbxml.h"
#include "daemon/box_link.h"
#include "daemon/dispatcher.h"
#include "daemon/active_job.h"
#include "spool/job_status.h"
#include "../lib/tap.h"
#include "../lib/scratch.h"
#include "../lib/daemon_config.h"

#define WAIT_LIMIT 10.0      /* seconds for what the dispatcher should do soon */
#define POLL 0.005           /* seconds between looks */
#define SHORT_DOC "<?xml version=\"1.0\"?>\n<wap-provisioningdoc><characteristic " \
                  "type=\"BOOTSTRAP\"><parm name=\"NAME\" value=\"T\"/></characteristic>" \
                  "</wap-provisioningdoc>\n"

static char scratch[] = "/tmp/test_dispatcher.XXXXXX";

/* Each test's one job. */
#define JOB "job"

/* ---- bearerbox, at the link boundary ---- */

struct BoxLink {
    Mutex *lock;
    List *sent;    /* Msg*: a copy of each segment sent, in order */
};

int box_link_send(BoxLink *link, Msg *msg)
{
    mutex_lock(link->lock);
    gwlist_append(link->sent, msg_duplicate(msg));
    mutex_unlock(link->lock);
    return 0;
}

int box_link_flush(BoxLink *link)
{
    (void) link;
    return 0;
}

void box_link_ack(BoxLink *link, Msg *sms, long nack)
{
    (void) link;
    (void) sms;
    (void) nack;
    panic(0, "box_link_ack(): no delivery report or MO is sent in these tests");
}

/* ---- one dispatcher on its own spool ---- */

typedef struct Lab {
    Octstr *dir;             /* scratch/NAME: provbox.conf and spool/ */
    ProvboxConfig *config;
    Spool *spool;
    Dispatcher *d;
    BoxLinkHandlers link_events;
    BoxLink link;
} Lab;

static double now(void)
{
    struct timeval tv;

    gettimeofday(&tv, NULL);
    return tv.tv_sec + tv.tv_usec / 1e6;
}

static void lab_open(Lab *lab, const char *name, const char *conf_lines)
{
    Octstr *error = NULL, *spool_dir;

    lab->dir = octstr_format("%s/%s", scratch, name);
    if (mkdir(octstr_get_cstr(lab->dir), 0700) == -1)
        panic(errno, "mkdir %s", octstr_get_cstr(lab->dir));
    lab->config = daemon_config(octstr_get_cstr(lab->dir), conf_lines);
    spool_dir = octstr_format("%S/spool", lab->dir);
    if ((lab->spool = spool_open(spool_dir, &error)) == NULL)
        panic(0, "spool_open: %s", octstr_get_cstr(error));
    octstr_destroy(spool_dir);
    lab->link.lock = mutex_create();
    lab->link.sent = gwlist_create();
}

/* The job dropped into new/ the way operators do: written in tmp/, renamed. */
static void drop(Lab *lab, Octstr *text)
{
    Octstr *tmp = octstr_format("%S/spool/tmp/" JOB, lab->dir);
    Octstr *new = octstr_format("%S/spool/new/" JOB, lab->dir);
    FILE *f = fopen(octstr_get_cstr(tmp), "w");

    if (f == NULL || fwrite(octstr_get_cstr(text), 1, octstr_len(text), f)
                     != (size_t) octstr_len(text) || fclose(f) != 0
        || rename(octstr_get_cstr(tmp), octstr_get_cstr(new)) == -1)
        panic(errno, "cannot drop %s", octstr_get_cstr(new));
    octstr_destroy(tmp);
    octstr_destroy(new);
    octstr_destroy(text);
}

/* Recipients 4790000000.. of a document, unsigned. */
static Octstr *job_text(long recipients, Octstr *doc)
{
    Octstr *text = octstr_create("");
    long i;

    for (i = 0; i < recipients; i++)
        octstr_format_append(text, "To: 47900%05ld\n", i);
    octstr_format_append(text, "Sec: NONE\n\n%S", doc);
    return text;
}

/* A job of recipients, each to get three segments: its document's NAME
 * alone is 300 bytes. */
static Octstr *three_segment_job(long recipients)
{
    Octstr *doc = octstr_create("<?xml version=\"1.0\"?>\n<wap-provisioningdoc>"
                                "<characteristic type=\"NAPDEF\"><parm name=\"NAME\" value=\"");
    Octstr *text;
    long i;

    for (i = 0; i < 30; i++)
        octstr_append_cstr(doc, "Name part ");
    octstr_append_cstr(doc, "\"/></characteristic></wap-provisioningdoc>\n");
    text = job_text(recipients, doc);
    octstr_destroy(doc);
    return text;
}

static void lab_start(Lab *lab)
{
    lab->d = dispatcher_create(lab->config, lab->spool, NULL);
    lab->link_events = dispatcher_handlers(lab->d);
    dispatcher_start(lab->d, &lab->link);
    lab->link_events.on_connect(lab->link_events.ctx);
}

/* The link goes down first, so that the stop does not wait for acks. */
static void lab_close(Lab *lab)
{
    lab->link_events.on_disconnect(lab->link_events.ctx);
    dispatcher_stop(lab->d);
    dispatcher_destroy(lab->d);
    spool_close(lab->spool);
    config_destroy(lab->config);
    gwlist_destroy(lab->link.sent, msg_destroy_item);
    mutex_destroy(lab->link.lock);
    octstr_destroy(lab->dir);
}

static long sent_count(Lab *lab)
{
    long n;

    mutex_lock(lab->link.lock);
    n = gwlist_len(lab->link.sent);
    mutex_unlock(lab->link.lock);
    return n;
}

/* Segment k as sent: its recipient and segment, from its correlation key. */
static void sent_key(Lab *lab, long k, long *recipient, long *segment)
{
    Octstr *job = NULL;
    Msg *msg;

    mutex_lock(lab->link.lock);
    msg = gwlist_get(lab->link.sent, k);
    if (active_job_parse_key(msg->sms.dlr_url, &job, recipient, segment) == -1)
        panic(0, "segment %ld carries no correlation key", k);
    mutex_unlock(lab->link.lock);
    octstr_destroy(job);
}

/* bearerbox answers segment k (in the order sent). */
static void answer(Lab *lab, long k, long nack)
{
    Msg *reply = msg_create(ack), *msg;

    mutex_lock(lab->link.lock);
    msg = gwlist_get(lab->link.sent, k);
    uuid_copy(reply->ack.id, msg->sms.id);
    mutex_unlock(lab->link.lock);
    reply->ack.nack = nack;
    reply->ack.time = time(NULL);
    lab->link_events.on_ack(reply, lab->link_events.ctx);
}

/* The segment sent as recipient's segment-th, in the order sent. */
static long sent_index(Lab *lab, long recipient, long segment)
{
    long k, r, s;

    for (k = 0; k < sent_count(lab); k++) {
        sent_key(lab, k, &r, &s);
        if (r == recipient && s == segment)
            return k;
    }
    panic(0, "recipient %ld's segment %ld was not sent", recipient, segment);
    return -1;
}

static int sent_at_least(Lab *lab, long n) { return sent_count(lab) >= n; }

static int acked_at_least(Lab *lab, long n)
{
    return dispatcher_counters(lab->d).segments_acked >= n;
}

static int job_in(Lab *lab, long state)
{
    return spool_find(lab->spool, octstr_imm(JOB)) == state;
}

/* Waits until what(lab, n) holds, at most `limit` seconds: 1, or 0. */
static int wait_for(int (*what)(Lab *lab, long n), Lab *lab, long n, double limit)
{
    double deadline = now() + limit;

    while (!what(lab, n)) {
        if (now() > deadline)
            return 0;
        gwthread_sleep(POLL);
    }
    return 1;
}

/* The job's status where it is now, or NULL when there is none. */
static JobStatus *status_now(Lab *lab)
{
    int state = spool_find(lab->spool, octstr_imm(JOB));
    Octstr *text = state == -1 ? NULL
                   : spool_peek_status(lab->spool, state, octstr_imm(JOB));
    Octstr *why = NULL;
    JobStatus *status = text != NULL ? job_status_parse(text, &why) : NULL;

    octstr_destroy(text);
    octstr_destroy(why);
    return status;
}

/* Recipient i in a status, or NULL. */
static RecipientStatus *recipient_in(JobStatus *status, long i)
{
    return status != NULL && i < gwlist_len(status->recipients)
           ? gwlist_get(status->recipients, i) : NULL;
}

/* Recipient i's acked segments as the status records them (-1: not listed). */
static long recorded_acks(Lab *lab, long i)
{
    JobStatus *status = status_now(lab);
    RecipientStatus *r = recipient_in(status, i);
    long acked = r != NULL ? r->acked : -1;

    job_status_destroy(status);
    return acked;
}

static int recorded_at_least(Lab *lab, long acks)
{
    return recorded_acks(lab, 0) >= acks;
}

/* Recipient i is recorded sent with parts and acked of its segments. */
static int recorded_sent(Lab *lab, long i, long parts, long acked)
{
    JobStatus *status = status_now(lab);
    RecipientStatus *r = recipient_in(status, i);
    int sent = r != NULL && r->state == RCPT_SENT && r->parts == parts && r->acked == acked;

    if (r != NULL && !sent)
        tap_diag("recipient %ld: %s parts=%ld acked=%ld", i, recipient_state_name(r->state),
                 r->parts, r->acked);
    job_status_destroy(status);
    return sent;
}

/* ---- the window ---- */

static void test_window(void)
{
    Lab lab;
    long before, k, cycles;
    double start;

    lab_open(&lab, "window", "max-pending = 4\n");
    drop(&lab, job_text(40, octstr_imm(SHORT_DOC)));
    lab_start(&lab);
    wait_for(sent_at_least, &lab, 4, WAIT_LIMIT);
    gwthread_sleep(0.5);
    ok(sent_count(&lab) == 4, "max-pending = 4: four segments out, no fifth while none is "
       "answered (%ld)", sent_count(&lab));

    answer(&lab, 0, ack_success);
    ok(wait_for(sent_at_least, &lab, 5, WAIT_LIMIT) && recorded_acks(&lab, 0) == 1,
       "one acked: the fifth goes out only once the status records that ack");

    start = now();
    for (cycles = 0, k = 1; cycles < 10; cycles++, k += 2) {
        before = sent_count(&lab);
        answer(&lab, k, ack_success);
        answer(&lab, k + 1, ack_success);
        if (!wait_for(sent_at_least, &lab, before + 2, WAIT_LIMIT))
            break;
    }
    ok(cycles == 10 && now() - start < 5.0 && sent_count(&lab) == 25,
       "half the window acked is recorded at once: ten times two acks reopened it, "
       "two by two, in %.2f s", now() - start);
    lab_close(&lab);
}

/* ---- acks ---- */

static void test_acks_out_of_order(void)
{
    static const long order[][2] = { { 0, 2 }, { 1, 0 }, { 0, 0 }, { 1, 2 }, { 0, 1 } };
    Lab lab;
    long k;

    lab_open(&lab, "order", "max-pending = 10\n");
    drop(&lab, three_segment_job(2));
    lab_start(&lab);
    ok(wait_for(sent_at_least, &lab, 6, WAIT_LIMIT) && sent_count(&lab) == 6,
       "two recipients of three segments: six out");
    for (k = 0; k < 5; k++)
        answer(&lab, sent_index(&lab, order[k][0], order[k][1]), ack_success);
    wait_for(acked_at_least, &lab, 5, WAIT_LIMIT);
    ok(dispatcher_counters(lab.d).recipients_sent == 1,
       "acked 3rd, 1st, 2nd: the first recipient is sent; the second, 1st and 3rd acked, not");
    answer(&lab, sent_index(&lab, 1, 1), ack_success);
    ok(wait_for(job_in, &lab, SPOOL_DONE, WAIT_LIMIT)
       && dispatcher_counters(lab.d).recipients_sent == 2,
       "its 2nd acked last: the second recipient is sent, the job done");
    ok(recorded_sent(&lab, 0, 3, 3) && recorded_sent(&lab, 1, 3, 3),
       "its status: both sent, 3 of 3 segments acked");
    lab_close(&lab);
}

static void test_recipient_across_rounds(void)
{
    Lab lab;
    long s;

    lab_open(&lab, "rounds", "max-pending = 10\n");
    drop(&lab, three_segment_job(2));
    lab_start(&lab);
    wait_for(sent_at_least, &lab, 6, WAIT_LIMIT);
    answer(&lab, sent_index(&lab, 0, 0), ack_success);
    ok(wait_for(recorded_at_least, &lab, 1, WAIT_LIMIT) && recorded_acks(&lab, 0) == 1
       && spool_find(lab.spool, octstr_imm(JOB)) == SPOOL_ACTIVE,
       "one ack of three recorded while the job is active");
    for (s = 1; s < 3; s++) {
        answer(&lab, sent_index(&lab, 0, s), ack_success);
        answer(&lab, sent_index(&lab, 1, s), ack_success);
    }
    answer(&lab, sent_index(&lab, 1, 0), ack_success);
    ok(wait_for(job_in, &lab, SPOOL_DONE, WAIT_LIMIT) && recorded_sent(&lab, 0, 3, 3)
       && recorded_sent(&lab, 1, 3, 3),
       "the rest acked in a later round: done, each ack counted once (3 of 3)");
    lab_close(&lab);
}

/* ---- retries ---- */

static void test_retry_doubles(void)
{
    Lab lab;
    double asked, waited[3];
    long k, r, s, same = 1;

    lab_open(&lab, "retry", "retry-delay = 1\nmax-retry-delay = 60\n");
    drop(&lab, job_text(1, octstr_imm(SHORT_DOC)));
    lab_start(&lab);
    wait_for(sent_at_least, &lab, 1, WAIT_LIMIT);
    for (k = 0; k < 3; k++) {
        answer(&lab, k, ack_failed_tmp);
        asked = now();
        waited[k] = wait_for(sent_at_least, &lab, k + 2, WAIT_LIMIT) ? now() - asked : -1;
        sent_key(&lab, k + 1, &r, &s);
        same = same && r == 0 && s == 0;
    }
    ok(waited[0] >= 0 && waited[1] > 1.0 && waited[2] > 3.0 && waited[2] < 6.0,
       "retried after 1 s, then 2 s, then 4 s (waited %.1f, %.1f and %.1f s)",
       waited[0], waited[1], waited[2]);
    ok(same && dispatcher_counters(lab.d).segments_retried == 3,
       "the same segment each time, counted as retried 3 times");
    answer(&lab, 3, ack_success);
    ok(wait_for(job_in, &lab, SPOOL_DONE, WAIT_LIMIT) && recorded_sent(&lab, 0, 1, 1),
       "acked at last: done, its recipient sent");
    lab_close(&lab);
}

int main(void)
{
    gwlib_init();
    log_set_output_level(GW_PANIC);
    wbxml_init();
    scratch_create(scratch);
    test_window();
    test_acks_out_of_order();
    test_recipient_across_rounds();
    test_retry_doubles();
    scratch_remove(scratch);
    wbxml_shutdown();
    gwlib_shutdown();
    return tap_done();
}
