/*
 * config.h - provbox.conf: reading, defaults and validation.
 *
 * provbox.conf is a Kannel configuration file (gwlib cfg syntax) holding one
 * `group = provbox` (keys in provbox-cfg.def). It may `include` the
 * bearerbox's kannel.conf; bearerbox-port and bearerbox-port-ssl then
 * default from core.smsbox-port and core.smsbox-port-ssl. config_load()
 * registers provbox's groups with cfg_add_hooks() before cfg_read(), so a
 * misspelt key or group is an error naming the file, the group and the key.
 * Every problem is logged with error(); NULL means "do not start".
 */
#ifndef PROVBOX_CONFIG_H
#define PROVBOX_CONFIG_H

#include "gwlib/gwlib.h"
#include "spool/send_window.h"
#include "lint/lint.h"

typedef struct ProvboxConfig {
    Octstr *file;
    Octstr *provbox_id;
    /* bearerbox link */
    Octstr *bearerbox_host;
    long bearerbox_port;
    int bearerbox_ssl;
    long heartbeat_freq;      /* seconds */
    long reconnect_delay;     /* seconds, first reconnect backoff */
    long max_pending;         /* segments awaiting their ack */
    long max_held_jobs;       /* jobs worked on at once: max-pending, or fewer
                                 where open files are short (open_files.h) */
    /* spool and jobs */
    Octstr *spool_dir;
    long max_job_size;        /* bytes */
    long max_segments;
    int concatenation_16bit;
    long rescan_interval;     /* seconds */
    long retry_delay;         /* seconds, first retry backoff */
    long max_retry_delay;     /* seconds */
    long keep_done;           /* days a finished job stays in done/, 0 = for ever */
    /* pacing */
    double throughput;        /* SMS segments per second to bearerbox, 0 = no limit */
    SendWindow *send_window;  /* for jobs without a Send-Window:, or NULL */
    LintMode lint;            /* for OMA CP jobs without a Lint: header */
    /* message defaults */
    Octstr *sender;
    Octstr *smsc_id;          /* or NULL */
    long dlr_mask;
    long validity;            /* minutes, -1 = none */
    long priority;            /* -1 = none */
    /* logging */
    Octstr *log_file;         /* or NULL */
    long log_level;
    Octstr *access_log;       /* or NULL */
    /* admin HTTP */
    long admin_port;          /* 0 = off */
    int admin_port_ssl;
    Octstr *admin_interface;
    Octstr *admin_password;   /* or NULL */
    Octstr *status_password;  /* or NULL */
    Octstr *metrics_allow_ip; /* addresses /metrics answers without a password, or NULL */
    long metrics_max_jobs;    /* jobs with series of their own on /metrics */
    long admin_max_clients;   /* connections open at once */
    long admin_max_clients_per_ip;
    long admin_request_timeout;  /* seconds for a request to arrive whole */
    Octstr *ssl_server_cert_file;
    Octstr *ssl_server_key_file;
    CfgGroup *provbox_group;  /* for conn_config_ssl() */
    Cfg *cfg;
} ProvboxConfig;

#define PROVBOX_DEFAULT_BEARERBOX_PORT 13001
/* admin-max-clients at most: within the descriptors open_files.h keeps
 * free for everything but jobs. */
#define ADMIN_MAX_CLIENTS_LIMIT 200
/* metrics-max-jobs at most: a scrape stays a few hundred KB. */
#define METRICS_MAX_JOBS_LIMIT 1000
#define PROVBOX_DEFAULT_DLR_MASK 27     /* delivered, failed, SMSC ack, SMSC nack */

ProvboxConfig *config_load(Octstr *filename);
void config_destroy(ProvboxConfig *config);

#endif
