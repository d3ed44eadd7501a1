/*
 * pacer.c - token buckets and the share of the box's throughput (see
 * pacer.h).
 */
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "gwlib/gwlib.h"
#include "daemon/pacer.h"

void pacer_init(Pacer *p, double rate, double now)
{
    p->rate = rate > 0 ? rate : 0;
    p->capacity = 1 + p->rate * PACER_SLACK;
    p->tokens = 1;
    p->last = now;
}

int pacer_paced(const Pacer *p)
{
    return p->rate > 0;
}

static void refill(Pacer *p, double now)
{
    if (now > p->last) {
        p->tokens += (now - p->last) * p->rate;
        if (p->tokens > p->capacity)
            p->tokens = p->capacity;
    }
    p->last = now;
}

double pacer_wait(Pacer *p, double now)
{
    if (!pacer_paced(p))
        return 0;
    refill(p, now);
    return p->tokens >= 1 ? 0 : (1 - p->tokens) / p->rate;
}

void pacer_take(Pacer *p)
{
    if (pacer_paced(p))
        p->tokens -= 1;
}

double pacer_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A job's limit, none (0) being the highest. */
static double limit_of(const double *limit)
{
    return *limit > 0 ? *limit : HUGE_VAL;
}

static int by_limit(const void *a, const void *b)
{
    double x = limit_of(*(const double *const *) a), y = limit_of(*(const double *const *) b);

    return x < y ? -1 : x > y;
}

/*
 * Water filling: the jobs in order of their limits. While the next limit
 * is below the share of what is left among the jobs left, that job gets
 * its limit and the others share the rest.
 */
double pacer_share(double total, const double *limits, const double *weights, long n)
{
    const double **order;
    double weight = 0, level;
    long i, k;

    if (total <= 0 || n == 0)
        return 0;
    order = gw_malloc(n * sizeof(*order));
    for (i = 0; i < n; i++) {
        order[i] = &limits[i];
        weight += weights[i];
    }
    qsort(order, n, sizeof(*order), by_limit);
    for (i = 0; i < n; i++) {
        k = order[i] - limits;
        if (limit_of(order[i]) * weight >= total)
            break;
        total -= limits[k] * weights[k];
        weight -= weights[k];
    }
    level = i < n ? total / weight : HUGE_VAL;
    gw_free(order);
    return level;
}
