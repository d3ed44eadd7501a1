/*
 * access_log.c - access-log lines for recipients and reports (access_log.h).
 */
#include "gwlib/gwlib.h"
#include "gw/msg.h"
#include "gw/dlr.h"
#include "daemon/access_log.h"
#include "encode/signer.h"
#include "common/log_escaped.h"

static int opened;

void access_log_open(Octstr *path)
{
    alog_open(octstr_get_cstr(path), 0, 1);
    opened = 1;
}

static const char *or_dash(Octstr *s)
{
    return s != NULL && octstr_len(s) > 0 ? octstr_get_cstr(s) : "-";
}

void access_log_recipient(const ActiveJob *aj, const ProvboxConfig *config, long i)
{
    Octstr *reason, *msisdn, *smsc;

    if (!opened)
        return;
    reason = active_job_reason(aj, i);
    msisdn = job_recipient_msisdn(aj->job, i);
    smsc = aj->job->smsc_id != NULL ? aj->job->smsc_id : config->smsc_id;

    log_escaped_access("%s OMA-CP [job:%s] [to:%s] [segments:%ld] [SMSC:%s] [sec:%s] [result:%s]",
         reason == NULL ? "Sent" : "Failed", octstr_get_cstr(aj->name),
         octstr_get_cstr(msisdn), (long) aj->progress[i].parts, or_dash(smsc),
         sec_mode_name(aj->job->sec),
         reason == NULL ? "handed to bearerbox" : octstr_get_cstr(reason));
    octstr_destroy(msisdn);
}

static const char *report_result(long mask)
{
    if (mask & DLR_SUCCESS)
        return "delivered";
    if (mask & (DLR_FAIL | DLR_SMSC_FAIL))
        return "undelivered";
    if (mask & DLR_SMSC_SUCCESS)
        return "accepted by SMSC";
    if (mask & DLR_BUFFERED)
        return "buffered";
    return "unknown";
}

void access_log_report(Msg *report, Octstr *job, long recipient, long segment)
{
    (void) recipient;
    if (!opened)
        return;
    log_escaped_access("DLR OMA-CP [job:%s] [to:%s] [segment:%ld] [SMSC:%s] [type:%ld] [result:%s] [text:%s]",
         or_dash(job), or_dash(report->sms.receiver), segment + 1, or_dash(report->sms.smsc_id),
         report->sms.dlr_mask, report_result(report->sms.dlr_mask), or_dash(report->sms.msgdata));
}
