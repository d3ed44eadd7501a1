/*
 * provbox.c - the provbox daemon: wiring only.
 *
 *   provbox [gwlib options] provbox.conf
 *
 * Reads the configuration, opens the logs and the spool, then runs the
 * bearerbox link and the job dispatcher until SIGTERM/SIGINT or a shutdown
 * from bearerbox. Jobs still in flight stay in active/ for the next start.
 * SIGHUP reopens the log files (for logrotate). With -u USER it opens the
 * admin port and the spool first, then runs as USER (privileges.h).
 */
#include <signal.h>
#include <unistd.h>
#include <libxml/xmlversion.h>
#include <openssl/crypto.h>

#include "gw/shared.h"
#include "daemon/config.h"
#include "daemon/access_log.h"
#include "daemon/box_link.h"
#include "daemon/dispatcher.h"
#include "daemon/admin_http.h"
#include "daemon/recent_errors.h"
#include "daemon/job_progress.h"
#include "daemon/spool_census.h"
#include "daemon/stats.h"
#include "daemon/privileges.h"
#include "daemon/open_files.h"
#include "daemon/done_sweeper.h"
#include "spool/spool.h"
#include "encode/wbxml.h"
#include "common/log_escaped.h"

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reopen_requested;

static void print_versions(void)
{
    printf("provbox %s\n", PROVBOX_VERSION);
    printf("Kannel %s (built against %s)\n", GW_VERSION, KANNEL_VERSION);
    printf("libxml2 %s\n", LIBXML_DOTTED_VERSION);
    printf("%s\n", OpenSSL_version(OPENSSL_VERSION));
}

static void usage(void)
{
    fprintf(stderr,
            "usage: provbox [-v level] [-F logfile] [-V level] [-D places] [-d] [-P]\n"
            "               [-p pidfile] [-u user] provbox.conf\n"
            "       provbox --version\n");
}

static void on_signal(int signum)
{
    if (signum == SIGHUP)
        reopen_requested = 1;
    else
        stop_requested = 1;
}

static void install_signal_handlers(void)
{
    struct sigaction act;

    memset(&act, 0, sizeof(act));
    act.sa_handler = on_signal;
    sigemptyset(&act.sa_mask);
    sigaction(SIGTERM, &act, NULL);
    sigaction(SIGINT, &act, NULL);
    sigaction(SIGHUP, &act, NULL);
    act.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &act, NULL);
}

static void open_logs(const ProvboxConfig *config)
{
    if (config->log_file != NULL)
        log_open(octstr_get_cstr(config->log_file), config->log_level, GW_NON_EXCL);
    if (config->access_log != NULL)
        access_log_open(config->access_log);
}

static void request_stop(void)
{
    stop_requested = 1;
}

static void wait_for_stop(Dispatcher *dispatcher, Stats *stats)
{
    DispatcherCounters counters;

    while (!stop_requested) {
        gwthread_sleep(0.5);
        counters = dispatcher_counters(dispatcher);
        stats_sample(stats, &counters);
        if (reopen_requested) {
            reopen_requested = 0;
            info(0, "SIGHUP: reopening log files.");
            log_reopen();
            alog_reopen();
        }
    }
}

static int run(ProvboxConfig *config, Octstr *user)
{
    Octstr *why = NULL;
    Spool *spool = spool_open(config->spool_dir, &why);
    Dispatcher *dispatcher;
    BoxLinkHandlers handlers;
    BoxLink *link;
    Stats *stats;
    StatusSources sources;
    AdminHttp *admin = NULL;
    DoneSweeper *sweeper = NULL;
    SpoolCensus *census;
    int failed = 0;

    if (spool == NULL) {
        log_escaped_error(0, "Cannot use spool-dir: %S", why);
        octstr_destroy(why);
        return 1;
    }
    config->max_held_jobs = open_files_plan(config->max_pending);
    census = spool_census_start(spool);
    dispatcher = dispatcher_create(config, spool, request_stop);
    handlers = dispatcher_handlers(dispatcher);
    link = box_link_start(config, &handlers);
    stats = stats_create();
    sources = (StatusSources) { config, link, dispatcher, stats, spool, census };
    if (config->admin_port != 0 && (admin = admin_http_start(&sources, request_stop)) == NULL)
        stop_requested = failed = 1;
    if (user != NULL && !failed && privileges_drop(user, spool) < 0)
        stop_requested = failed = 1;
    if (!failed) {
        dispatcher_start(dispatcher, link);
        sweeper = done_sweeper_start(spool, config->keep_done);
        info(0, "provbox %s running as '%s', spool %s.", PROVBOX_VERSION,
             octstr_get_cstr(config->provbox_id), octstr_get_cstr(config->spool_dir));
        wait_for_stop(dispatcher, stats);
    }
    info(0, "provbox shutting down.");
    admin_http_stop(admin);
    done_sweeper_stop(sweeper);
    dispatcher_stop(dispatcher);
    program_status = shutting_down;
    box_link_stop(link);
    dispatcher_destroy(dispatcher);
    spool_census_stop(census);
    stats_destroy(stats);
    spool_close(spool);
    return failed;
}

int main(int argc, char **argv)
{
    ProvboxConfig *config;
    Octstr *filename, *user, *why = NULL;
    int cf_index, i, status;

    for (i = 1; i < argc; i++)
        if (strcmp(argv[i], "--version") == 0) {
            print_versions();
            return 0;
        }
    gwlib_init();
    user = privileges_take_user(&argc, argv, &why);
    cf_index = why == NULL ? get_and_set_debugs(argc, argv, NULL) : argc;
    if (cf_index >= argc) {
        if (why != NULL)
            fprintf(stderr, "provbox: %s\n", octstr_get_cstr(why));
        usage();
        octstr_destroy(why);
        gwlib_shutdown();
        return 2;
    }
    install_signal_handlers();
    filename = octstr_create(argv[cf_index]);
    config = config_load(filename);
    octstr_destroy(filename);
    if (config == NULL) {
        octstr_destroy(user);
        gwlib_shutdown();
        return 1;
    }
    open_logs(config);
    report_versions("provbox");
    program_status = running;
    wbxml_init();
    recent_errors_init();
    job_progress_init();
    status = run(config, user);
    octstr_destroy(user);
    job_progress_shutdown();
    recent_errors_shutdown();
    alog_close();
    config_destroy(config);
    wbxml_shutdown();
    gwlib_shutdown();
    return status;
}
