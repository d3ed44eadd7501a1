/*
 * pacer.h - smooth pacing: token buckets, and each job's share of the
 * box's throughput.
 *
 * The dispatcher keeps one bucket for the box (provbox.conf's throughput:
 * SMS segments per second handed to bearerbox, across all jobs) and one
 * per job with a Rate: (recipients per second). A bucket fills at its rate
 * and something may go when it holds a whole token. It holds at most
 * 1 + rate x PACER_SLACK tokens: what the rate brings in PACER_SLACK
 * seconds, so that a dispatcher woken a little late loses nothing, and no
 * burst after a pause is more than one second's worth (or one token,
 * where the rate is below one a second). A new bucket holds one token.
 *
 * pacer_share() gives the pace each job gets: the dispatcher hands out
 * recipients round robin, one per job in turn, so that under the box's
 * throughput each job gets the same number of recipients per second
 * (their segments counted by the box's bucket), except a job whose own
 * Rate: is lower, which leaves the rest to the others.
 *
 * Times are seconds of the monotonic clock (pacer_now()), passed in, so
 * that the arithmetic is tested without waiting. Not thread-safe: each
 * bucket belongs to the dispatcher thread.
 */
#ifndef PROVBOX_PACER_H
#define PROVBOX_PACER_H

#define PACER_SLACK 0.05     /* seconds */

typedef struct Pacer {
    double rate;        /* tokens per second; 0 = not paced */
    double capacity;    /* the most it holds */
    double tokens;
    double last;        /* when tokens was last brought up to date */
} Pacer;

/* rate 0: a pacer that never holds anything back. */
void pacer_init(Pacer *p, double rate, double now);
int pacer_paced(const Pacer *p);

/* Seconds from now until a token is there; 0 when one is (always, for a
 * pacer that is not paced). */
double pacer_wait(Pacer *p, double now);
/* Take a token (after pacer_wait() said 0). */
void pacer_take(Pacer *p);

/* Seconds of the monotonic clock. */
double pacer_now(void);

/*
 * The pace of the jobs sharing `total` segments per second, job i sending
 * weights[i] segments a recipient, at most limits[i] recipients per second
 * (0: no limit of its own): the level L (recipients per second) at which
 * every job sends min(limits[i], L) and all of them together `total`.
 * Weights are positive. 0 when total is 0 (no throughput: only the limits
 * hold); HUGE_VAL when the limits leave part of total unused.
 */
double pacer_share(double total, const double *limits, const double *weights, long n);

#endif
