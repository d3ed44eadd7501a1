/*
 * spoolfloor.c - the benchmark's floor for the spool: the least file-system
 * work that any spool of one file per job, with the job's state shown by
 * its directory, does to take a job and finish it durably.
 *
 * It takes every file in SPOOL/new/ (listed before the clock starts) in
 * batches of BATCH, as provbox's loader and dispatcher do, and for each
 * batch:
 *   claim   rename each job new/ -> active/, fsync new/ and active/
 *           (a claim is on disk before anything is sent);
 *   read    open and read each job;
 *   record  (mode "status") write each job's final status as an unnamed
 *           file in done/ and make the data durable with one syncfs();
 *   finish  link each status in as done/NAME.status (mode "status"),
 *           rename each job active/ -> done/, fsync active/ and done/.
 * Mode "renames" leaves the status out: a claim, a read and a finish.
 * Mode "dlr" adds what a job with delivery reports needs at least once
 * more: its status rewritten (a named temp file in done/, one syncfs() for
 * the batch, renamed over the status, fsync done/), as a final report does.
 * No parsing, no sending, no locks, no logging: whatever a real spool does
 * costs at least this. The CPU it uses is what matters on a machine whose
 * cores bearerbox and fakesmsc share with the spool's owner.
 *
 * usage: spoolfloor SPOOL BATCH renames|status|dlr
 * Prints one line: jobs=N seconds=S jobs_per_s=R cpu_s_per_1000_jobs=C
 * user_s_per_1000_jobs=U sys_s_per_1000_jobs=Y.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

#define MAX_BATCH 4096
#define STATUS_TEXT "state: done\nrecipient: +4790000000 acked 2/2\n"

static void die(const char *what, const char *name)
{
    fprintf(stderr, "spoolfloor: %s %s: %s\n", what, name ? name : "", strerror(errno));
    exit(1);
}

static int open_dir(const char *spool, const char *state)
{
    char path[PATH_MAX];
    int fd;

    snprintf(path, sizeof(path), "%s/%s", spool, state);
    if ((fd = open(path, O_RDONLY | O_DIRECTORY)) == -1)
        die("cannot open", path);
    return fd;
}

/* The names waiting in new/, read before the clock starts. */
static char **list_new(const char *spool, long *count)
{
    char path[PATH_MAX];
    DIR *dir;
    struct dirent *e;
    char **names = NULL;
    long n = 0, room = 0;

    snprintf(path, sizeof(path), "%s/new", spool);
    if ((dir = opendir(path)) == NULL)
        die("cannot list", path);
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == room) {
            char **more = realloc(names, (room = room * 2 + 1024) * sizeof(*names));

            if (more == NULL)
                die("out of memory", NULL);
            names = more;
        }
        if ((names[n++] = strdup(e->d_name)) == NULL)
            die("out of memory", NULL);
    }
    closedir(dir);
    *count = n;
    return names;
}

static void sync_dir(int fd, const char *what)
{
    if (fsync(fd) == -1)
        die("cannot fsync", what);
}

static void claim(char **names, long n, int new_dir, int active_dir)
{
    for (long i = 0; i < n; i++)
        if (renameat(new_dir, names[i], active_dir, names[i]) == -1)
            die("cannot claim", names[i]);
    sync_dir(new_dir, "new/");
    sync_dir(active_dir, "active/");
}

static void read_jobs(char **names, long n, int active_dir, int *job_fd)
{
    char buf[8192];

    for (long i = 0; i < n; i++) {
        if ((job_fd[i] = openat(active_dir, names[i], O_RDONLY)) == -1)
            die("cannot open", names[i]);
        while (read(job_fd[i], buf, sizeof(buf)) > 0)
            ;
    }
}

static void stage_statuses(long n, int done_dir, int *status_fd)
{
    for (long i = 0; i < n; i++) {
        if ((status_fd[i] = openat(done_dir, ".", O_TMPFILE | O_WRONLY, 0644)) == -1)
            die("cannot create a status in", "done/");
        if (write(status_fd[i], STATUS_TEXT, strlen(STATUS_TEXT)) == -1)
            die("cannot write a status in", "done/");
    }
    if (syncfs(done_dir) == -1)
        die("cannot syncfs", "done/");
}

static void link_status(int status_fd, int done_dir, const char *name)
{
    char proc_path[64], status_name[NAME_MAX + 1];

    snprintf(proc_path, sizeof(proc_path), "/proc/self/fd/%d", status_fd);
    snprintf(status_name, sizeof(status_name), "%s.status", name);
    if (linkat(AT_FDCWD, proc_path, done_dir, status_name, AT_SYMLINK_FOLLOW) == -1)
        die("cannot link the status of", name);
    close(status_fd);
}

static void finish(char **names, long n, int active_dir, int done_dir,
                   int *job_fd, int *status_fd)
{
    for (long i = 0; i < n; i++) {
        if (status_fd != NULL)
            link_status(status_fd[i], done_dir, names[i]);
        if (renameat(active_dir, names[i], done_dir, names[i]) == -1)
            die("cannot finish", names[i]);
        close(job_fd[i]);
    }
    sync_dir(active_dir, "active/");
    sync_dir(done_dir, "done/");
}

static void rewrite_statuses(char **names, long n, int done_dir)
{
    char temp[NAME_MAX + 1], status_name[NAME_MAX + 1];
    int fd;

    for (long i = 0; i < n; i++) {
        snprintf(temp, sizeof(temp), ".%s.status.tmp", names[i]);
        if ((fd = openat(done_dir, temp, O_WRONLY | O_CREAT | O_EXCL, 0644)) == -1)
            die("cannot create", temp);
        if (write(fd, STATUS_TEXT, strlen(STATUS_TEXT)) == -1)
            die("cannot write", temp);
        close(fd);
    }
    if (syncfs(done_dir) == -1)
        die("cannot syncfs", "done/");
    for (long i = 0; i < n; i++) {
        snprintf(temp, sizeof(temp), ".%s.status.tmp", names[i]);
        snprintf(status_name, sizeof(status_name), "%s.status", names[i]);
        if (renameat(done_dir, temp, done_dir, status_name) == -1)
            die("cannot install", status_name);
    }
    sync_dir(done_dir, "done/");
}

static double seconds_of(struct timeval tv)
{
    return tv.tv_sec + tv.tv_usec / 1e6;
}

static double now(void)
{
    struct timeval tv;

    gettimeofday(&tv, NULL);
    return seconds_of(tv);
}

int main(int argc, char **argv)
{
    static int job_fd[MAX_BATCH], status_fd[MAX_BATCH];
    struct rusage before, after;
    char **names;
    long count, batch;
    int with_status, with_dlr, new_dir, active_dir, done_dir;
    double t0, seconds, user, sys;

    if (argc != 4 || (batch = atol(argv[2])) < 1 || batch > MAX_BATCH
        || (strcmp(argv[3], "renames") != 0 && strcmp(argv[3], "status") != 0
            && strcmp(argv[3], "dlr") != 0)) {
        fprintf(stderr, "usage: spoolfloor SPOOL BATCH(1-%d) renames|status|dlr\n", MAX_BATCH);
        return 2;
    }
    with_dlr = strcmp(argv[3], "dlr") == 0;
    with_status = with_dlr || strcmp(argv[3], "status") == 0;
    new_dir = open_dir(argv[1], "new");
    active_dir = open_dir(argv[1], "active");
    done_dir = open_dir(argv[1], "done");
    names = list_new(argv[1], &count);

    getrusage(RUSAGE_SELF, &before);
    t0 = now();
    for (long first = 0; first < count; first += batch) {
        long n = count - first < batch ? count - first : batch;

        claim(names + first, n, new_dir, active_dir);
        read_jobs(names + first, n, active_dir, job_fd);
        if (with_status)
            stage_statuses(n, done_dir, status_fd);
        finish(names + first, n, active_dir, done_dir, job_fd, with_status ? status_fd : NULL);
        if (with_dlr)
            rewrite_statuses(names + first, n, done_dir);
    }
    seconds = now() - t0;
    getrusage(RUSAGE_SELF, &after);
    user = seconds_of(after.ru_utime) - seconds_of(before.ru_utime);
    sys = seconds_of(after.ru_stime) - seconds_of(before.ru_stime);
    printf("jobs=%ld seconds=%.3f jobs_per_s=%.0f cpu_s_per_1000_jobs=%.4f "
           "user_s_per_1000_jobs=%.4f sys_s_per_1000_jobs=%.4f\n",
           count, seconds, count / seconds, (user + sys) * 1000.0 / count,
           user * 1000.0 / count, sys * 1000.0 / count);
    return 0;
}
