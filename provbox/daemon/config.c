/*
 * config.c - reads and validates provbox.conf (see config.h).
 *
 * Owns the cfg hooks generated from provbox-cfg.def and the defaults of
 * every key. Nothing here keeps running state; the result is a plain struct.
 */
#include "daemon/config.h"
#include "encode/push.h"
#include "common/log_escaped.h"
#include "spool/job.h"

static int provbox_is_allowed_in_group(Octstr *group, Octstr *variable)
{
    Octstr *groupstr = octstr_imm("group");

    #define OCTSTR(name) \
        if (octstr_compare(octstr_imm(#name), variable) == 0) \
            return 1;
    #define SINGLE_GROUP(name, fields) \
        if (octstr_compare(octstr_imm(#name), group) == 0) { \
            if (octstr_compare(groupstr, variable) == 0) \
                return 1; \
            fields \
            return 0; \
        }
    #define MULTI_GROUP(name, fields) SINGLE_GROUP(name, fields)
    #include "provbox-cfg.def"
    #undef OCTSTR
    #undef SINGLE_GROUP
    #undef MULTI_GROUP

    return -1;
}

static int provbox_is_single_group(Octstr *query)
{
    #define OCTSTR(name)
    #define SINGLE_GROUP(name, fields) \
        if (octstr_compare(octstr_imm(#name), query) == 0) \
            return 1;
    #define MULTI_GROUP(name, fields) \
        if (octstr_compare(octstr_imm(#name), query) == 0) \
            return 0;
    #include "provbox-cfg.def"
    #undef OCTSTR
    #undef SINGLE_GROUP
    #undef MULTI_GROUP

    return 0;
}

/* The value of an optional string key, or a copy of the default. */
static Octstr *get_string(CfgGroup *grp, const char *key, const char *dflt)
{
    Octstr *value = cfg_get(grp, octstr_imm(key));

    if (value == NULL && dflt != NULL)
        value = octstr_create(dflt);
    return value;
}

/* An optional integer key within [min, max]; -1 on a bad value. */
static int get_number(CfgGroup *grp, const char *key, long dflt, long min,
                      long max, long *out)
{
    Octstr *raw = cfg_get(grp, octstr_imm(key)), *file;
    long value;

    *out = dflt;
    if (raw == NULL)
        return 0;
    if (octstr_parse_long(&value, raw, 0, 10) != octstr_len(raw)
        || value < min || value > max) {
        file = cfg_get_configfile(grp);     /* a copy */
        log_escaped_error(0, "%S: group 'provbox': key '%s' must be a number from %ld to %ld, "
                          "not '%S'.", file, key, min, max, raw);
        octstr_destroy(file);
        octstr_destroy(raw);
        return -1;
    }
    octstr_destroy(raw);
    *out = value;
    return 0;
}

/* An optional rate key (job_rate_parse()'s syntax); 0 when absent, -1 on a
 * bad value. */
static int get_rate(CfgGroup *grp, const char *key, double *out)
{
    Octstr *raw = cfg_get(grp, octstr_imm(key)), *why, *file;

    *out = 0;
    if (raw == NULL)
        return 0;
    if ((why = job_rate_parse(raw, out)) != NULL) {
        file = cfg_get_configfile(grp);
        log_escaped_error(0, "%S: group 'provbox': key '%s' %S, not '%S'.", file, key, why, raw);
        octstr_destroy(file);
    }
    octstr_destroy(raw);
    octstr_destroy(why);
    return why != NULL ? -1 : 0;
}

/* An optional send window key; NULL when absent, -1 on a bad value. */
static int get_window(CfgGroup *grp, const char *key, SendWindow **out)
{
    Octstr *raw = cfg_get(grp, octstr_imm(key)), *why = NULL, *file;

    *out = NULL;
    if (raw == NULL)
        return 0;
    if ((*out = send_window_parse(raw, &why)) == NULL) {
        file = cfg_get_configfile(grp);
        log_escaped_error(0, "%S: group 'provbox': key '%s' is not a send window ('%S'): %S.",
                          file, key, raw, why);
        octstr_destroy(file);
    }
    octstr_destroy(raw);
    octstr_destroy(why);
    return *out == NULL ? -1 : 0;
}

/* An optional yes/no key. cfg_get_bool() sets 0 when the key is absent,
 * so the default is kept aside. */
static int get_flag(CfgGroup *grp, const char *key, int dflt)
{
    int value;

    if (grp == NULL || cfg_get_bool(&value, grp, octstr_imm(key)) == -1)
        return dflt;
    return value;
}

/* The lint key: off, warn (the default) or strict; -1 on a bad value. */
static int get_lint_mode(CfgGroup *grp, LintMode *out)
{
    Octstr *raw = cfg_get(grp, octstr_imm("lint")), *file;
    int ret = 0;

    *out = LINT_WARN;
    if (raw != NULL && lint_mode_parse(raw, out) < 0) {
        file = cfg_get_configfile(grp);     /* a copy */
        log_escaped_error(0, "%S: group 'provbox': key 'lint' must be strict, warn or off, "
                          "not '%S'.", file, raw);
        octstr_destroy(file);
        ret = -1;
    }
    octstr_destroy(raw);
    return ret;
}

/* bearerbox-port(-ssl) default from the included kannel.conf's core group. */
static int read_bearerbox_link(ProvboxConfig *c, CfgGroup *grp, CfgGroup *core)
{
    long core_port = PROVBOX_DEFAULT_BEARERBOX_PORT;

    if (core != NULL && cfg_get_integer(&core_port, core, octstr_imm("smsbox-port")) == -1)
        core_port = PROVBOX_DEFAULT_BEARERBOX_PORT;
    c->bearerbox_host = get_string(grp, "bearerbox-host", "127.0.0.1");
    c->bearerbox_ssl = get_flag(grp, "bearerbox-port-ssl",
                                get_flag(core, "smsbox-port-ssl", 0));
    return get_number(grp, "bearerbox-port", core_port, 1, 65535, &c->bearerbox_port)
         | get_number(grp, "heartbeat-freq", 30, 1, 3600, &c->heartbeat_freq)
         | get_number(grp, "reconnect-delay", 1, 1, 3600, &c->reconnect_delay)
         | get_number(grp, "max-pending", 100, 1, 100000, &c->max_pending);
}

static int read_spool_settings(ProvboxConfig *c, CfgGroup *grp)
{
    c->spool_dir = get_string(grp, "spool-dir", NULL);
    c->concatenation_16bit = get_flag(grp, "concatenation-16bit", 0);
    return get_number(grp, "max-job-size", 1024 * 1024, 64, 1024L * 1024 * 1024, &c->max_job_size)
         | get_number(grp, "max-segments", PUSH_DEFAULT_MAX_SEGMENTS, 1,
                      PUSH_MAX_SEGMENTS_LIMIT, &c->max_segments)
         | get_number(grp, "rescan-interval", 10, 1, 3600, &c->rescan_interval)
         | get_number(grp, "retry-delay", 10, 1, 86400, &c->retry_delay)
         | get_number(grp, "max-retry-delay", 600, 1, 7 * 86400, &c->max_retry_delay)
         | get_number(grp, "keep-done", 30, 0, 36500, &c->keep_done)
         | get_lint_mode(grp, &c->lint);
}

static int read_pacing(ProvboxConfig *c, CfgGroup *grp)
{
    return get_rate(grp, "throughput", &c->throughput)
         | get_window(grp, "send-window", &c->send_window);
}

static int read_message_defaults(ProvboxConfig *c, CfgGroup *grp)
{
    c->sender = get_string(grp, "sender", NULL);
    c->smsc_id = get_string(grp, "smsc-id", NULL);
    return get_number(grp, "dlr-mask", PROVBOX_DEFAULT_DLR_MASK, 0, 127, &c->dlr_mask)
         | get_number(grp, "validity", -1, 1, 10 * 365 * 1440L, &c->validity)
         | get_number(grp, "priority", -1, 0, 3, &c->priority);
}

static int read_logging_and_admin(ProvboxConfig *c, CfgGroup *grp)
{
    c->log_file = get_string(grp, "log-file", NULL);
    c->access_log = get_string(grp, "access-log", NULL);
    c->admin_interface = get_string(grp, "admin-interface", "127.0.0.1");
    c->admin_password = get_string(grp, "admin-password", NULL);
    c->status_password = get_string(grp, "status-password", NULL);
    c->metrics_allow_ip = get_string(grp, "metrics-allow-ip", NULL);
    c->ssl_server_cert_file = get_string(grp, "ssl-server-cert-file", NULL);
    c->ssl_server_key_file = get_string(grp, "ssl-server-key-file", NULL);
    c->admin_port_ssl = get_flag(grp, "admin-port-ssl", 0);
    return get_number(grp, "log-level", 0, 0, 4, &c->log_level)
         | get_number(grp, "admin-port", 0, 0, 65535, &c->admin_port)
         | get_number(grp, "admin-max-clients", 64, 1, ADMIN_MAX_CLIENTS_LIMIT,
                      &c->admin_max_clients)
         | get_number(grp, "admin-max-clients-per-ip", 8, 1, ADMIN_MAX_CLIENTS_LIMIT,
                      &c->admin_max_clients_per_ip)
         | get_number(grp, "admin-request-timeout", 10, 1, 3600, &c->admin_request_timeout)
         | get_number(grp, "metrics-max-jobs", 50, 0, METRICS_MAX_JOBS_LIMIT,
                      &c->metrics_max_jobs);
}

/* Cross-key rules: what must be present, what must go together. */
static int has_sendota_users(Cfg *cfg)
{
    List *groups = cfg_get_multi_group(cfg, octstr_imm("sendota-user"));
    int found = gwlist_len(groups) > 0;

    gwlist_destroy(groups, NULL);
    return found;
}

static int check_required(ProvboxConfig *c)
{
    const char *file = octstr_get_cstr(c->file);
    int ok = 1;

    if (c->provbox_id == NULL || octstr_len(c->provbox_id) == 0) {
        error(0, "%s: group 'provbox' needs 'provbox-id': the id provbox identifies with to bearerbox.", file);
        ok = 0;
    }
    if (c->spool_dir == NULL) {
        error(0, "%s: group 'provbox' needs 'spool-dir'.", file);
        ok = 0;
    }
    if (c->sender == NULL) {
        error(0, "%s: group 'provbox' needs 'sender': the default originator of provisioning messages.", file);
        ok = 0;
    }
    if (c->admin_port_ssl && (c->ssl_server_cert_file == NULL || c->ssl_server_key_file == NULL)) {
        error(0, "%s: 'admin-port-ssl' needs 'ssl-server-cert-file' and 'ssl-server-key-file'.", file);
        ok = 0;
    }
    if (c->admin_port != 0 && c->admin_password == NULL) {
        error(0, "%s: 'admin-port' needs 'admin-password' (as bearerbox's does).", file);
        ok = 0;
    }
    if (c->admin_port == 0 && has_sendota_users(c->cfg)) {
        error(0, "%s: 'sendota-user' groups need 'admin-port': the sendota intake is "
              "served there.", file);
        ok = 0;
    }
    return ok ? 0 : -1;
}

static int read_provbox_group(ProvboxConfig *c)
{
    CfgGroup *grp = cfg_get_single_group(c->cfg, octstr_imm("provbox"));
    CfgGroup *core = cfg_get_single_group(c->cfg, octstr_imm("core"));

    if (grp == NULL) {
        error(0, "%s: no 'group = provbox' found.", octstr_get_cstr(c->file));
        return -1;
    }
    c->provbox_group = grp;
    c->provbox_id = get_string(grp, "provbox-id", NULL);
    if ((read_bearerbox_link(c, grp, core) | read_spool_settings(c, grp)
         | read_pacing(c, grp) | read_message_defaults(c, grp)
         | read_logging_and_admin(c, grp)) != 0)
        return -1;
    c->max_held_jobs = c->max_pending;
    return check_required(c);
}

ProvboxConfig *config_load(Octstr *filename)
{
    static int hooks_added;
    ProvboxConfig *c = gw_malloc(sizeof(*c));

    memset(c, 0, sizeof(*c));
    c->file = octstr_duplicate(filename);
    if (!hooks_added) {
        cfg_add_hooks(provbox_is_allowed_in_group, provbox_is_single_group);
        hooks_added = 1;
    }
    c->cfg = cfg_create(filename);
    if (cfg_read(c->cfg) == -1) {
        error(0, "Cannot use configuration file `%s' (see the error above).",
              octstr_get_cstr(filename));
        config_destroy(c);
        return NULL;
    }
    if (read_provbox_group(c) == -1) {
        config_destroy(c);
        return NULL;
    }
    return c;
}

void config_destroy(ProvboxConfig *c)
{
    if (c == NULL)
        return;
    octstr_destroy(c->file);
    octstr_destroy(c->provbox_id);
    octstr_destroy(c->bearerbox_host);
    octstr_destroy(c->spool_dir);
    octstr_destroy(c->sender);
    octstr_destroy(c->smsc_id);
    octstr_destroy(c->log_file);
    octstr_destroy(c->access_log);
    octstr_destroy(c->admin_interface);
    octstr_destroy(c->admin_password);
    octstr_destroy(c->status_password);
    octstr_destroy(c->metrics_allow_ip);
    octstr_destroy(c->ssl_server_cert_file);
    octstr_destroy(c->ssl_server_key_file);
    send_window_destroy(c->send_window);
    if (c->cfg != NULL)
        cfg_destroy(c->cfg);
    gw_free(c);
}
