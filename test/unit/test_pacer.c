/*
 * test_pacer.c - unit tests of provbox/daemon/pacer.c: a bucket driven by
 * a simulated dispatcher (woken when pacer_wait() says, and late by up to
 * 45 ms) keeps its rate over 10 simulated seconds; no second holds more
 * than one second's worth and a pause brings no burst; the shares of the
 * box's throughput by water filling; and paced_jobs.c: the paces the
 * status page lists.
 */
#include <math.h>

#include "gwlib/gwlib.h"
#include "daemon/pacer.h"
#include "daemon/paced_jobs.h"
#include "daemon/active_job.h"
#include "../lib/tap.h"

#define SIM_SECONDS 10.0
#define MAX_SENDS 200000

/* A dispatcher that takes a token whenever one is there, else sleeps as
 * long as pacer_wait() says plus up to `late` seconds, for 10 seconds
 * and what is there when it wakes after them. Fills times[] with the
 * instants it took tokens; returns how many, and in *elapsed the time
 * it ran. */
static long simulate(double rate, double late, double *times, double *elapsed)
{
    Pacer p;
    double now = 100.0, wait;
    long n = 0;

    pacer_init(&p, rate, now);
    while (n < MAX_SENDS) {
        wait = pacer_wait(&p, now);
        if (wait == 0) {
            pacer_take(&p);
            times[n++] = now - 100.0;
        } else if (now < 100.0 + SIM_SECONDS) {
            now += wait + late * (gw_rand() % 1000) / 1000.0;
        } else {
            break;
        }
    }
    *elapsed = now - 100.0;
    return n;
}

/* The most tokens taken in any one second (a window starting at a take). */
static long busiest_second(const double *times, long n)
{
    long i, j = 0, most = 0;

    for (i = 0; i < n; i++) {
        while (j < n && times[j] < times[i] + 1.0)
            j++;
        if (j - i > most)
            most = j - i;
    }
    return most;
}

static void test_rate_kept(void)
{
    static const double rates[] = { 0.5, 1, 5, 37.5, 1000 };
    double *times = gw_malloc(MAX_SENDS * sizeof(*times)), elapsed;
    size_t k;
    long n, want;

    for (k = 0; k < sizeof(rates) / sizeof(rates[0]); k++) {
        n = simulate(rates[k], 0.045, times, &elapsed);
        want = 1 + (long) floor(rates[k] * elapsed);
        ok(n <= want && n >= want - 1, "rate %g/s, dispatcher up to 45 ms late: %ld tokens "
           "in %.2f s (want %ld: the first and one every 1/rate s; one less for rounding)",
           rates[k], n, elapsed, want);
        ok(busiest_second(times, n) <= floor(rates[k] * (1 + PACER_SLACK)) + 1,
           "rate %g/s: no second holds more than its rate (and the slack)", rates[k]);
    }
    gw_free(times);
}

/* After a long pause: how many may go at once. */
static long burst_after_pause(double rate)
{
    Pacer p;
    long n = 0;

    pacer_init(&p, rate, 0);
    while (pacer_wait(&p, 3600) == 0 && n < MAX_SENDS) {
        pacer_take(&p);
        n++;
    }
    return n;
}

static void test_bursts(void)
{
    Pacer p;

    ok(burst_after_pause(0.5) == 1, "rate 0.5/s: one at a time after an hour's pause");
    ok(burst_after_pause(1) == 1, "rate 1/s: one after a pause");
    ok(burst_after_pause(5) == 1, "rate 5/s: one after a pause (slack 0.25)");
    ok(burst_after_pause(100) == 6, "rate 100/s: 6 after a pause (50 ms' worth and one)");
    ok(burst_after_pause(10000) == 501, "rate 10000/s: 501 after a pause, not 10000");
    pacer_init(&p, 4, 0);
    ok(pacer_wait(&p, 0) == 0, "a new bucket holds a token");
    pacer_take(&p);
    ok(fabs(pacer_wait(&p, 0) - 0.25) < 1e-9 && fabs(pacer_wait(&p, 0.1) - 0.15) < 1e-9,
       "rate 4/s: the next token in 0.25 s, 0.15 s a tenth later");
    pacer_init(&p, 0, 0);
    ok(!pacer_paced(&p) && pacer_wait(&p, 0) == 0 && (pacer_take(&p), pacer_wait(&p, 0)) == 0,
       "rate 0: never holds anything back");
}

static void share_is(double total, const double *limits, const double *weights, long n,
                     double want, const char *what)
{
    double got = pacer_share(total, limits, weights, n);

    ok(got == want || fabs(got - want) < 1e-9, "%s", what);
    if (!(got == want || fabs(got - want) < 1e-9))
        tap_diag("got %g, want %g", got, want);
}

static void test_shares(void)
{
    double none[3] = { 0, 0, 0 }, ones[3] = { 1, 1, 1 };
    double two_one[2] = { 2, 1 }, low[2] = { 2, 0 }, high[2] = { 20, 0 };
    double both_low[2] = { 1, 2 }, mixed[3] = { 3, 1, 0 }, mixed_w[3] = { 2, 1, 1 };

    share_is(10, none, ones, 2, 5, "two jobs without a Rate: 5 recipients/s each");
    share_is(10, none, two_one, 2, 10.0 / 3, "two segments a recipient weigh twice");
    share_is(10, low, ones, 2, 8, "a job held to Rate: 2 leaves 8/s to the other");
    share_is(10, high, ones, 2, 5, "a Rate: above the share does not count");
    share_is(10, both_low, ones, 2, HUGE_VAL, "limits below the throughput: no share holds");
    share_is(12, mixed, mixed_w, 3, 5, "three jobs: 1x1 + 3x2 + 5x1 = 12 segments/s");
    share_is(0, none, ones, 2, 0, "no throughput: no share");
}

/* A job as the dispatcher holds it, enough for paced_jobs_of(). */
static ActiveJob *sending_job(const char *name, const char *headers, long parts)
{
    ActiveJob *aj = gw_malloc(sizeof(*aj));
    Octstr *text = octstr_format("To: 4790000001\nTo: 4790000002\nSec: NONE\n%s\n"
                                 "<wap-provisioningdoc/>\n", headers);

    memset(aj, 0, sizeof(*aj));
    aj->lock_fd = -1;
    aj->name = octstr_create(name);
    aj->job = job_parse(aj->name, text, NULL);
    aj->parts_each = parts;
    pacer_init(&aj->pacer, aj->job->rate, 0);
    octstr_destroy(text);
    return aj;
}

static const PacedJob *find(List *paced, const char *name)
{
    long i;

    for (i = 0; i < gwlist_len(paced); i++)
        if (octstr_str_compare(((PacedJob *) gwlist_get(paced, i))->name, name) == 0)
            return gwlist_get(paced, i);
    return NULL;
}

static void test_paced_jobs(void)
{
    List *jobs = gwlist_create(), *paced;
    const PacedJob *a, *b;
    ActiveJob *aj;

    gwlist_append(jobs, sending_job("wide", "", 5));
    gwlist_append(jobs, sending_job("slow", "Rate: 0.2\n", 5));
    gwlist_append(jobs, sending_job("closed", "", 5));
    ((ActiveJob *) gwlist_get(jobs, 2))->window_closes = 100;
    paced = paced_jobs_of(jobs, 8, 200);
    a = find(paced, "wide");
    b = find(paced, "slow");
    ok(gwlist_len(paced) == 2 && a != NULL && b != NULL && fabs(a->pace - 1.4) < 1e-9
       && !a->by_rate && fabs(b->pace - 0.2) < 1e-9 && b->by_rate,
       "throughput 8, 5 segments a recipient: Rate: 0.2 held by its Rate, the other at 1.4 "
       "by throughput, the job whose window closed not listed");
    paced_jobs_destroy(paced);
    paced = paced_jobs_of(jobs, 0, 200);
    b = find(paced, "slow");
    ok(gwlist_len(paced) == 1 && b != NULL && b->by_rate && b->pace == 0.2,
       "no throughput: only the job with a Rate: is paced");
    paced_jobs_destroy(paced);
    while ((aj = gwlist_extract_first(jobs)) != NULL)
        active_job_destroy(aj);
    gwlist_destroy(jobs, NULL);
}

int main(void)
{
    gwlib_init();
    test_rate_kept();
    test_bursts();
    test_shares();
    test_paced_jobs();
    gwlib_shutdown();
    return tap_done();
}
