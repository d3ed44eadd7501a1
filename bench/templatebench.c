/*
 * templatebench.c - recipients/s of provbox's per-recipient encoding for a
 * templated job (issue 21) beside plain jobs, in one process, through the
 * daemon's own code (active_job.c, the compile cache): the claim
 * (active_job_from_text: parse, compile, the variables' check over every
 * To: line, the first recipient's encoding) and then active_job_encode()
 * for every recipient, its Msgs made and dropped.
 *
 * usage: templatebench RECIPIENTS DOC.xml
 * DOC.xml must use {{LOGIN}} and {{SECRET}} (bench/run.py makes it from
 * doc/examples/email-imap.xml). Four jobs of RECIPIENTS recipients, USERPIN:
 *   shared     the document with fixed values, no options on the To: lines:
 *              one encoding shared by every recipient
 *   own-pin    the same with pin= on every line: signed per recipient
 *   templated  the template, var.LOGIN= var.SECRET= pin= on every line:
 *              filled and signed per recipient
 *   reparse    what templated would cost without templates: per recipient,
 *              the values put into the XML, wbxml_compile(), signed (the
 *              same encoding path after that; measured on RECIPIENTS / 10)
 * Prints one line per job: name, claim ms, recipients/s, segments, µs per
 * recipient, the job text's size and the process's RSS after the claim and
 * after every recipient was encoded (memory must not grow with them). (That a fill equals the reparse is test_template's business.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "gwlib/gwlib.h"
#include "encode/message.h"
#include "encode/push.h"
#include "encode/wbxml.h"
#include "daemon/active_job.h"
#include "daemon/compile_cache.h"

#define PIN_BASE 100000

static double now(void)
{
    struct timeval tv;

    gettimeofday(&tv, NULL);
    return tv.tv_sec + tv.tv_usec / 1e6;
}

/* This process's resident set now, in MB (/proc/self/status VmRSS). */
static double rss_mb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = 0;

    while (f != NULL && fgets(line, sizeof(line), f) != NULL)
        if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
            break;
    if (f != NULL)
        fclose(f);
    return kb / 1024.0;
}

static ProvboxConfig *bench_config(long max_job_size)
{
    ProvboxConfig *c = gw_malloc(sizeof(*c));

    memset(c, 0, sizeof(*c));
    c->provbox_id = octstr_create("bench");
    c->max_job_size = max_job_size;
    c->max_segments = 20;
    c->sender = octstr_create("1234");
    c->validity = -1;
    c->priority = -1;
    return c;
}

/* Recipient i's values: as long as each other for every i. */
static Octstr *login_of(long i)
{
    return octstr_format("user%07ld@example.com", i);
}

static Octstr *secret_of(long i)
{
    return octstr_format("pw%07ld-x", i);
}

static Octstr *job_text(const char *kind, long n, Octstr *doc)
{
    Octstr *text = octstr_create("Sec: USERPIN\nPin: 1234\nDLR: no\n"), *login, *secret;
    long i;

    for (i = 0; i < n; i++) {
        octstr_format_append(text, "To: 47%08ld", i);
        if (strcmp(kind, "shared") != 0)
            octstr_format_append(text, " pin=%ld", PIN_BASE + i);
        if (strcmp(kind, "templated") == 0) {
            login = login_of(i);
            secret = secret_of(i);
            octstr_format_append(text, " var.LOGIN=%S var.SECRET=%S", login, secret);
            octstr_destroy(login);
            octstr_destroy(secret);
        }
        octstr_append_char(text, '\n');
    }
    octstr_append_char(text, '\n');
    octstr_append(text, doc);
    return text;
}

static Octstr *with_values(Octstr *doc, long i)
{
    Octstr *xml = octstr_duplicate(doc), *login = login_of(i), *secret = secret_of(i);

    octstr_replace(xml, octstr_imm("{{LOGIN}}"), login);
    octstr_replace(xml, octstr_imm("{{SECRET}}"), secret);
    octstr_destroy(login);
    octstr_destroy(secret);
    return xml;
}

/* Claim and encode every recipient; prints the line. */
static void run_job(const char *kind, long n, Octstr *doc, const ProvboxConfig *config)
{
    CompileCache *cache = compile_cache_create();
    Octstr *text = job_text(kind, n, doc), *error = NULL;
    double t0 = now(), t1, t2;
    ActiveJob *aj = active_job_from_text(config, cache, octstr_imm("bench"), text,
                                         time(NULL), NULL, &error);
    long i, segments = 0;
    double rss = rss_mb();
    List *msgs;

    t1 = now();
    if (aj == NULL)
        panic(0, "%s: %s", kind, octstr_get_cstr(error));
    for (i = 0; i < n; i++) {
        if ((msgs = active_job_encode(aj, config, i, &error)) == NULL)
            panic(0, "%s: recipient %ld: %s", kind, i, octstr_get_cstr(error));
        segments += gwlist_len(msgs);
        gwlist_destroy(msgs, msg_destroy_item);
    }
    t2 = now();
    printf("job=%s recipients=%ld claim_ms=%.1f recipients_per_s=%.0f segments=%ld "
           "us_per_recipient=%.2f text_mb=%.1f rss_after_claim_mb=%.1f rss_after_all_mb=%.1f\n",
           kind, n, (t1 - t0) * 1e3, n / (t2 - t1), segments, (t2 - t1) * 1e6 / n,
           octstr_len(text) / 1048576.0, rss, rss_mb());
    active_job_destroy(aj);
    octstr_destroy(text);
    compile_cache_destroy(cache);
}

/* The reparse path: values into the XML, compile, sign, pack, split, Msgs. */
static void run_reparse(long n, Octstr *doc)
{
    Octstr *xml, *pin, *error = NULL;
    MessageSpec spec = { .type = DOC_OMA_SETTINGS, .sec = SEC_USERPIN, .ref = 7,
                         .max_segments = 20 };
    Message *message;
    List *segments;
    double t0 = now(), t1;
    long i, k, count = 0;

    for (i = 0; i < n; i++) {
        xml = with_values(doc, i);
        spec.wbxml = wbxml_compile(xml, &error);
        spec.pin = pin = octstr_format("%ld", PIN_BASE + i);
        message = message_encode(&spec, &error);
        segments = message != NULL ? message->segments : NULL;
        for (k = 0; k < gwlist_len(segments); k++) {
            Msg *m = msg_create(sms);
            PushSegment *s = gwlist_get(segments, k);
            m->sms.udhdata = octstr_duplicate(s->udh);
            m->sms.msgdata = octstr_duplicate(s->payload);
            m->sms.receiver = octstr_format("47%08ld", i);
            msg_destroy(m);
            count++;
        }
        message_destroy(message);
        octstr_destroy(pin);
        octstr_destroy(spec.wbxml);
        octstr_destroy(xml);
    }
    t1 = now();
    printf("job=reparse recipients=%ld claim_ms=0 recipients_per_s=%.0f segments=%ld "
           "us_per_recipient=%.2f\n", n, n / (t1 - t0), count, (t1 - t0) * 1e6 / n);
}

int main(int argc, char **argv)
{
    long n = argc == 3 ? atol(argv[1]) : 0;
    Octstr *doc, *plain;
    ProvboxConfig *config;

    if (n <= 0) {
        fprintf(stderr, "usage: templatebench RECIPIENTS DOC.xml\n");
        return 2;
    }
    gwlib_init();
    log_set_output_level(GW_WARNING);
    wbxml_init();
    doc = octstr_read_file(argv[2]);
    if (doc == NULL)
        panic(0, "cannot read %s", argv[2]);
    config = bench_config(1024L * 1024L * 1024L);
    plain = with_values(doc, 0);
    run_job("shared", n, plain, config);
    run_job("own-pin", n, plain, config);
    run_job("templated", n, doc, config);
    run_reparse(n / 10 > 0 ? n / 10 : 1, doc);
    octstr_destroy(plain);
    octstr_destroy(doc);
    octstr_destroy(config->provbox_id);
    octstr_destroy(config->sender);
    gw_free(config);
    wbxml_shutdown();
    gwlib_shutdown();
    return 0;
}
