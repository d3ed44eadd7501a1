/*
 * cmd_status.c - `provctl status`: how provisioning is flowing.
 *
 *   provctl status --url URL [--password P] [--format txt|xml|json|html]
 *       the daemon's own status page (from its admin port)
 *   provctl status --spool DIR
 *       the same spool summary straight from the directories, for when the
 *       daemon is down
 *   provctl status --spool DIR --job NAME [--watch]
 *       one job: its state and a progress bar of its recipients, its
 *       reason and lint's findings on its document (the status's Warning
 *       lines); --watch redraws every second until the job is finished
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "gwlib/gwlib.h"
#include "spool/spool.h"
#include "spool/job_status.h"
#include "spool/status_view.h"
#include "common/escape.h"
#include "tool/cmdline.h"
#include "tool/commands.h"

#define BAR_WIDTH 40
#define WATCH_INTERVAL 1

static const char usage_text[] =
"usage: provctl status --url URL [--password P] [--format txt|xml|json|html]\n"
"       provctl status --spool DIR\n"
"       provctl status --spool DIR --job NAME [--watch]\n"
"\n"
"  --url URL       provbox's admin interface, e.g. http://127.0.0.1:13080\n"
"  --password P    its status-password (or admin-password)\n"
"  --spool DIR     read the spool directly (works while provbox is down)\n"
"  --job NAME      one job's progress; --watch follows it until it finishes\n"
"\n"
"Exit status: 0 ok, 1 not reachable / no such job / job failed, 2 usage error.\n";

typedef struct StatusArgs {
    const char *url, *password, *format, *spool, *job;
    int watch;
} StatusArgs;

static int parse_args(int argc, char **argv, StatusArgs *a)
{
    int i, found;

    memset(a, 0, sizeof(*a));
    a->format = "txt";
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--watch") == 0) {
            a->watch = 1;
            continue;
        }
        if (strcmp(argv[i], "--help") == 0) {
            fputs(usage_text, stdout);
            return 0;
        }
        if ((found = cmdline_option(argc, argv, &i, "--url", &a->url)) == 0
            && (found = cmdline_option(argc, argv, &i, "--password", &a->password)) == 0
            && (found = cmdline_option(argc, argv, &i, "--format", &a->format)) == 0
            && (found = cmdline_option(argc, argv, &i, "--spool", &a->spool)) == 0
            && (found = cmdline_option(argc, argv, &i, "--job", &a->job)) == 0)
            return cmdline_usage_error("status", "unknown argument %s", argv[i]);
        if (found < 0)
            return cmdline_usage_error("status", "an option is missing its value");
    }
    if ((a->url == NULL) == (a->spool == NULL))
        return cmdline_usage_error("status", "give either --url or --spool");
    if ((a->job != NULL || a->watch) && a->spool == NULL)
        return cmdline_usage_error("status", "--job and --watch need --spool");
    return -1;
}

static int status_from_daemon(const StatusArgs *a)
{
    Octstr *url = octstr_format("%s/status.%s", a->url, a->format), *final = NULL, *body = NULL;
    List *reply_headers = NULL;
    int code;

    if (a->password != NULL)
        octstr_format_append(url, "?password=%E", octstr_imm(a->password));
    code = http_get_real(HTTP_METHOD_GET, url, NULL, &final, &reply_headers, &body);
    if (code == HTTP_OK && body != NULL)
        fputs(octstr_get_cstr(body), stdout);
    else if (code == HTTP_FORBIDDEN)
        fprintf(stderr, "provctl status: %s refused the password (403)\n", a->url);
    else
        fprintf(stderr, "provctl status: no answer from %s (is provbox running with admin-port?)\n", a->url);
    octstr_destroy(url);
    octstr_destroy(final);
    octstr_destroy(body);
    http_destroy_headers(reply_headers);
    return code == HTTP_OK ? 0 : 1;
}

static int status_from_spool(Spool *spool)
{
    static const SpoolState shown[] = {
        SPOOL_NEW, SPOOL_ACTIVE, SPOOL_DEFERRED, SPOOL_DONE, SPOOL_FAILED
    };
    long age, i;

    printf("spool: %s\n", octstr_get_cstr(spool_dir(spool)));
    for (i = 0; i < (long) (sizeof(shown) / sizeof(shown[0])); i++) {
        int aged = shown[i] == SPOOL_NEW || shown[i] == SPOOL_DEFERRED || shown[i] == SPOOL_ACTIVE;
        long count = spool_count(spool, shown[i], aged ? &age : NULL);
        printf("  %-9s %8ld", spool_state_name(shown[i]), count);
        if (aged && age >= 0)
            printf("   oldest %lds", age);
        printf("\n");
    }
    return 0;
}

typedef struct Tally {
    long total, sent, delivered, failed, queued;
} Tally;

/* The progress bar's counts from the status's counts by state. */
static Tally tally(const StatusTally *counts)
{
    Tally t;

    t.total = counts->total;
    t.queued = counts->by_state[RCPT_QUEUED];
    t.delivered = counts->by_state[RCPT_DELIVERED];
    t.sent = counts->by_state[RCPT_SENT] + t.delivered;
    t.failed = t.total - t.sent - t.queued;
    return t;
}

static void print_progress(Octstr *name, const char *state, const Tally *t)
{
    char bar[BAR_WIDTH + 1];
    long done = t->total > 0 ? (t->sent + t->failed) * BAR_WIDTH / t->total : 0, i;
    Octstr *shown = escape_text(name);

    for (i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < done ? '#' : '.';
    bar[BAR_WIDTH] = '\0';
    printf("%s  %-8s [%s] %ld/%ld sent, %ld delivered, %ld failed\n", octstr_get_cstr(shown),
           state, bar, t->sent, t->total, t->delivered, t->failed);
    fflush(stdout);
    octstr_destroy(shown);
}

/* The reason and the Warning lines under the progress bar, escaped. */
static void print_head(const JobStatus *head)
{
    long i;

    if (head->reason != NULL)
        cmdline_print_shown(stdout, "  reason: ", head->reason);
    for (i = 0; i < gwlist_len(head->warnings); i++)
        cmdline_print_shown(stdout, "  warning: ", gwlist_get(head->warnings, i));
}

/* One look at the job; 1 when it is finished, -1 when it is not there. A
 * slotted status is counted in order, never read whole (status_view.h). */
static int show_job(Spool *spool, Octstr *name, int *failed)
{
    int state = spool_find(spool, name);
    Octstr *why = NULL;
    StatusView *view;
    StatusTally counts;
    Tally t = { 0, 0, 0, 0, 0 };

    if (state == -1)
        return -1;
    view = status_view_open(spool, state, name, &why);
    if (view != NULL && status_view_tally(view, &counts, &why) == 0)
        t = tally(&counts);
    print_progress(name, spool_state_name(state), &t);
    if (view != NULL)
        print_head(status_view_head(view));
    *failed = state == SPOOL_FAILED;
    status_view_close(view);
    octstr_destroy(why);
    return state == SPOOL_FAILED || (state == SPOOL_DONE && t.queued == 0);
}

static int follow_job(Spool *spool, const StatusArgs *a)
{
    Octstr *name = octstr_create(a->job), *message;
    int finished, failed = 0;

    while ((finished = show_job(spool, name, &failed)) == 0 && a->watch)
        sleep(WATCH_INTERVAL);
    if (finished == -1) {
        message = octstr_format("no job %S in %s", name, a->spool);
        cmdline_print_shown(stderr, "provctl status: ", message);
        octstr_destroy(message);
    }
    octstr_destroy(name);
    return finished == -1 || failed ? 1 : 0;
}

int cmd_status(int argc, char **argv)
{
    StatusArgs a;
    Spool *spool;
    Octstr *dir, *why = NULL;
    int ret = parse_args(argc, argv, &a);

    if (ret != -1)
        return ret;
    if (a.url != NULL)
        return status_from_daemon(&a);
    dir = octstr_create(a.spool);
    spool = spool_open(dir, &why);
    octstr_destroy(dir);
    if (spool == NULL) {
        cmdline_print_shown(stderr, "provctl status: ", why);
        octstr_destroy(why);
        return 1;
    }
    ret = a.job != NULL ? follow_job(spool, &a) : status_from_spool(spool);
    spool_close(spool);
    return ret;
}
