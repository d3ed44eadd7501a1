/*
 * open_files.c - the descriptor budget: raising RLIMIT_NOFILE and sizing
 * the jobs held at once to fit it (see open_files.h).
 */
#include <errno.h>
#include <sys/resource.h>

#include "gwlib/gwlib.h"
#include "daemon/open_files.h"

static long files_needed(long jobs)
{
    return OPEN_FILES_RESERVED + 2 * jobs;
}

static long jobs_fitting(rlim_t limit, long max_pending)
{
    long jobs;

    if (limit == RLIM_INFINITY || limit >= (rlim_t) files_needed(max_pending))
        return max_pending;
    jobs = ((long) limit - OPEN_FILES_RESERVED) / 2;
    return jobs < 1 ? 1 : jobs;
}

/* Soft limit up to need, as far as the hard limit lets it go. */
static void raise_soft_limit(struct rlimit *rl, long need)
{
    struct rlimit raised = *rl;

    if (rl->rlim_cur == RLIM_INFINITY || rl->rlim_cur >= (rlim_t) need)
        return;
    raised.rlim_cur = rl->rlim_max != RLIM_INFINITY && rl->rlim_max < (rlim_t) need
                      ? rl->rlim_max : (rlim_t) need;
    if (raised.rlim_cur <= rl->rlim_cur)
        return;
    if (setrlimit(RLIMIT_NOFILE, &raised) == -1) {
        warning(errno, "Cannot raise the open-files limit from %ld to %ld.",
                (long) rl->rlim_cur, (long) raised.rlim_cur);
        return;
    }
    info(0, "Open-files limit raised from %ld to %ld.", (long) rl->rlim_cur,
         (long) raised.rlim_cur);
    *rl = raised;
}

static void warn_fewer_jobs(long max_pending, const struct rlimit *rl, long jobs)
{
    Octstr *hard = rl->rlim_max == RLIM_INFINITY ? octstr_create("unlimited")
                   : octstr_format("%ld", (long) rl->rlim_max);

    warning(0, "max-pending %ld needs %ld open files, but the limit is %ld (hard limit %s): "
            "provbox works on at most %ld job(s) at once. Raise the limit (systemd: "
            "LimitNOFILE=, shell: ulimit -n) to work on more.",
            max_pending, files_needed(max_pending), (long) rl->rlim_cur,
            octstr_get_cstr(hard), jobs);
    octstr_destroy(hard);
}

long open_files_plan(long max_pending)
{
    struct rlimit rl;
    long jobs;

    if (getrlimit(RLIMIT_NOFILE, &rl) == -1) {
        warning(errno, "Cannot read the open-files limit; assuming it fits max-pending.");
        return max_pending;
    }
    raise_soft_limit(&rl, files_needed(max_pending));
    jobs = jobs_fitting(rl.rlim_cur, max_pending);
    if (jobs < max_pending)
        warn_fewer_jobs(max_pending, &rl, jobs);
    return jobs;
}
