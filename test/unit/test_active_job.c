/*
 * test_active_job.c - unit tests of provbox/daemon/active_job.c: the
 * correlation keys every segment carries as its dlr_url
 * ("JOB;RECIPIENT;SEGMENT") and every delivery report is matched by; and
 * the progress a job keeps as the dispatcher tells it what happened:
 * recipients handed out once each and in order, a recipient finished by
 * its last segment's ack, acks counted in the window until their record
 * lands, segments in flight holding a finished job back, the retry delay
 * doubling up to max-retry-delay, a deferred job handing out nothing, and
 * the ownership lock closed by destroy (left with the caller when the job
 * does not load).
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "gwlib/gwlib.h"
#include "encode/wbxml.h"
#include "daemon/active_job.h"
#include "../lib/tap.h"
#include "../lib/scratch.h"
#include "../lib/daemon_config.h"

static char scratch[] = "/tmp/test_active_job.XXXXXX";

/* A document of three segments: its long NAME does not fit in two. */
#define LONG_NAME "An APN whose name runs on and on, so that the document it is in " \
                  "needs three SMS segments however it is packed: the first, the " \
                  "second, and a third for what is left of this sentence at the end, " \
                  "which goes on for a while longer still, past where two segments " \
                  "of one hundred and forty bytes each would have had to stop."
#define DOC "<?xml version=\"1.0\"?>\n<wap-provisioningdoc><characteristic " \
            "type=\"NAPDEF\"><parm name=\"NAME\" value=\"" LONG_NAME "\"/>" \
            "</characteristic></wap-provisioningdoc>\n"
#define THREE_RECIPIENTS "To: 4790000001\nTo: 4790000002\nTo: 4790000003\nSec: NONE\n\n" DOC

static void parses(const char *key, const char *job, long recipient, long segment)
{
    Octstr *got = NULL;
    long r = -1, s = -1;
    int ret = active_job_parse_key(octstr_imm(key), &got, &r, &s);

    ok(ret == 0 && got != NULL && octstr_str_compare(got, job) == 0 && r == recipient
       && s == segment, "key '%s' is job %s, recipient %ld, segment %ld", key, job,
       recipient, segment);
    octstr_destroy(got);
}

static void refuses(const char *key, const char *why)
{
    Octstr *got = NULL;
    long r, s;

    ok(active_job_parse_key(octstr_imm(key), &got, &r, &s) == -1 && got == NULL,
       "key '%s' is refused: %s", key, why);
}

/* ---- progress ---- */

static ActiveJob *three_recipients(const ProvboxConfig *config, CompileCache *cache)
{
    Octstr *error = NULL;
    ActiveJob *aj = active_job_from_text(config, cache, octstr_imm("j"),
                                         octstr_imm(THREE_RECIPIENTS), time(NULL), NULL, &error);

    if (aj == NULL)
        panic(0, "the test job does not load: %s", octstr_get_cstr(error));
    return aj;
}

static void test_take_next(const ProvboxConfig *config, CompileCache *cache)
{
    ActiveJob *aj = three_recipients(config, cache);
    long first, second, third;

    active_job_resume_recipient(aj, 1, RCPT_SENT);
    first = active_job_take_next(aj);
    second = active_job_take_next(aj);
    third = active_job_take_next(aj);
    ok(first == 0 && second == 2 && third == -1 && active_job_take_next(aj) == -1,
       "recipients are handed out in order, once each, skipping one already sent "
       "(%ld, %ld, %ld)", first, second, third);
    active_job_destroy(aj);
}

/* Recipient i encoded, as the dispatcher does before sending: its parts. */
static long encode(ActiveJob *aj, const ProvboxConfig *config, long i)
{
    Octstr *error = NULL;
    List *msgs = active_job_encode(aj, config, i, &error);
    long parts = msgs != NULL ? gwlist_len(msgs) : 0;

    if (msgs == NULL)
        panic(0, "recipient %ld does not encode: %s", i, octstr_get_cstr(error));
    gwlist_destroy(msgs, msg_destroy_item);
    return parts;
}

static void test_acks(const ProvboxConfig *config, CompileCache *cache)
{
    ActiveJob *aj = three_recipients(config, cache);
    long parts = encode(aj, config, active_job_take_next(aj));
    int first = active_job_segment_acked(aj, 0), second = active_job_segment_acked(aj, 0);

    ok(parts == 3, "the test document takes three segments (%ld)", parts);
    ok(!first && !second && aj->unfinished == 3, "two acks of three: the recipient is not "
       "finished");
    ok(active_job_segment_acked(aj, 0) && aj->unfinished == 2,
       "the third ack finishes it, and says so");
    ok(!active_job_segment_acked(aj, 0) && aj->unfinished == 2,
       "an ack for a finished recipient finishes nothing");
    ok(aj->unrecorded == 4, "every ack counts in the window until recorded (%ld)",
       aj->unrecorded);
    ok(active_job_recorded(aj) == 4 && aj->unrecorded == 0 && aj->changed_count == 0,
       "the record landed: its four acks leave the window, nothing is left to record");
    active_job_destroy(aj);
}

static void test_in_flight(const ProvboxConfig *config, CompileCache *cache)
{
    ActiveJob *aj = three_recipients(config, cache);
    long i, k;

    while ((i = active_job_take_next(aj)) != -1) {
        for (k = encode(aj, config, i); k > 0; k--) {
            active_job_segment_queued(aj);
            active_job_segment_acked(aj, i);
        }
    }
    active_job_segment_done(aj);
    ok(aj->unfinished == 0 && aj->in_flight == 8 && !active_job_finished(aj),
       "every recipient acked, segments still in flight: the job is not finished");
    for (k = 0; k < 8; k++)
        active_job_segment_done(aj);
    ok(aj->in_flight == 0 && active_job_finished(aj), "the last one answered: it is");
    active_job_destroy(aj);
}

static void test_retry_delay(CompileCache *cache)
{
    ProvboxConfig *config = daemon_config(scratch, "retry-delay = 10\nmax-retry-delay = 60\n");
    ActiveJob *aj = three_recipients(config, cache);
    long d[5], k;

    for (k = 0; k < 5; k++)
        d[k] = active_job_retry_delay(aj, config->max_retry_delay);
    ok(d[0] == 10 && d[1] == 20 && d[2] == 40 && d[3] == 60 && d[4] == 60,
       "retry delays double from retry-delay up to max-retry-delay: %ld %ld %ld %ld %ld",
       d[0], d[1], d[2], d[3], d[4]);
    active_job_destroy(aj);
    config_destroy(config);
}

static void test_deferred(const ProvboxConfig *config, CompileCache *cache)
{
    ActiveJob *aj = three_recipients(config, cache);
    time_t now = time(NULL);

    active_job_window_closes_at(aj, now + 60);
    ok(active_job_handing_out(aj, now) && !active_job_handing_out(aj, now + 60),
       "a job hands out recipients until its window closes");
    active_job_window_closes_at(aj, 0);
    active_job_defer(aj, now + 3600, octstr_create("waiting for its window"));
    ok(!active_job_handing_out(aj, now) && aj->defer_until == now + 3600
       && octstr_str_compare(aj->defer_reason, "waiting for its window") == 0,
       "a job on its way to deferred/ hands out nothing, with its due time and reason");
    active_job_destroy(aj);
}

/* A job file in the scratch directory, open as its ownership lock is. */
static int open_job(const char *name, const char *text)
{
    Octstr *path = octstr_format("%s/%s", scratch, name);
    FILE *f = fopen(octstr_get_cstr(path), "w");
    int fd;

    if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0
        || (fd = open(octstr_get_cstr(path), O_RDONLY)) == -1)
        panic(errno, "cannot write %s", octstr_get_cstr(path));
    octstr_destroy(path);
    return fd;
}

static void test_lock_closed(const ProvboxConfig *config, CompileCache *cache)
{
    int fd = open_job("good", THREE_RECIPIENTS), bad = open_job("bad", "Sec: NONE\n\n" DOC);
    Octstr *error = NULL;
    ActiveJob *aj = active_job_load(config, cache, octstr_imm("good"), fd, time(NULL), &error);

    ok(aj != NULL && aj->lock_fd == fd, "a job loaded through its lock holds it");
    active_job_destroy(aj);
    ok(fcntl(fd, F_GETFD) == -1 && errno == EBADF, "destroy closes the lock");
    aj = active_job_load(config, cache, octstr_imm("bad"), bad, time(NULL), &error);
    ok(aj == NULL && fcntl(bad, F_GETFD) != -1,
       "a job that does not load leaves its lock with the caller");
    close(bad);
    octstr_destroy(error);
}

static void test_progress(void)
{
    ProvboxConfig *config;
    CompileCache *cache = compile_cache_create();

    scratch_create(scratch);
    config = daemon_config(scratch, "");
    test_take_next(config, cache);
    test_acks(config, cache);
    test_in_flight(config, cache);
    test_retry_delay(cache);
    test_deferred(config, cache);
    test_lock_closed(config, cache);
    config_destroy(config);
    compile_cache_destroy(cache);
    scratch_remove(scratch);
}

int main(void)
{
    gwlib_init();
    log_set_output_level(GW_WARNING);
    wbxml_init();
    parses("20261126T142233.123456.4242.000001.gw1;0;0",
           "20261126T142233.123456.4242.000001.gw1", 0, 0);
    parses("j;999999;12", "j", 999999, 12);
    parses("job with blanks;7;1", "job with blanks", 7, 1);
    refuses("j;1", "two parts");
    refuses("j;1;2;3", "four parts");
    refuses(";1;2", "no job name");
    refuses("j;;2", "no recipient");
    refuses("j;1;", "no segment");
    refuses("j;-1;2", "a sign");
    refuses("j;+1;2", "a plus sign");
    refuses("j; 1;2", "a blank");
    refuses("j;1;2x", "text after the segment");
    refuses("j;1x;2", "text after the recipient");
    refuses("j;99999999999999999999;2", "a recipient that overflows");
    ok(active_job_parse_key(NULL, NULL, NULL, NULL) == -1, "no key is refused");
    test_progress();
    wbxml_shutdown();
    gwlib_shutdown();
    return tap_done();
}
