/*
 * test_active_job.c - unit tests of provbox/daemon/active_job.c's
 * correlation keys: what every segment carries as its dlr_url
 * ("JOB;RECIPIENT;SEGMENT") and every delivery report is matched by.
 */
#include "gwlib/gwlib.h"
#include "daemon/active_job.h"
#include "../lib/tap.h"

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

int main(void)
{
    gwlib_init();
    log_set_output_level(GW_WARNING);
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
    gwlib_shutdown();
    return tap_done();
}
