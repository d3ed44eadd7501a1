/*
 * test_templated_job.c - a job whose document has {{NAME}} placeholders,
 * as the daemon loads and encodes it (provbox/daemon/active_job.c through
 * the compile cache): each recipient's segments carry its document filled
 * with its own values (or the Var: defaults), byte for byte what compiling
 * the substituted XML gives, signed with its own PIN; recipients without
 * options share one encoding; a job with a missing or unknown variable is
 * refused at the claim, naming the line and the variable, never a value;
 * the document is compiled once for many jobs.
 */
#include <string.h>

#include "gwlib/gwlib.h"
#include "encode/push.h"
#include "encode/signer.h"
#include "encode/wbxml.h"
#include "daemon/active_job.h"
#include "daemon/compile_cache.h"
#include "../lib/tap.h"

#define DOC \
    "<?xml version=\"1.0\"?>\n" \
    "<wap-provisioningdoc version=\"1.1\">\n" \
    "  <characteristic type=\"APPLICATION\">\n" \
    "    <parm name=\"APPID\" value=\"143\"/>\n" \
    "    <parm name=\"NAME\" value=\"Mail for {{LOGIN}}\"/>\n" \
    "    <characteristic type=\"APPAUTH\">\n" \
    "      <parm name=\"AAUTHNAME\" value=\"{{LOGIN}}\"/>\n" \
    "      <parm name=\"AAUTHSECRET\" value=\"{{SECRET}}\"/>\n" \
    "    </characteristic>\n" \
    "  </characteristic>\n" \
    "</wap-provisioningdoc>\n"

/* Recipient i's values and PIN, as the job below gives them. */
static const struct {
    const char *to, *login, *secret, *pin;
} recipients[] = {
    { "4790000001 pin=1111 var.LOGIN=alice", "alice", "guest-pw", "1111" },
    { "4790000002 var.LOGIN=bob var.SECRET=b%26b%20%3C%22%27%3E", "bob", "b&b <\"'>", "9999" },
    { "4790000003", "guest", "guest-pw", "9999" },
    { "4790000004 var.SECRET=%C3%A6%C3%B8 pin=4444 var.LOGIN=IPV4", "IPV4",
      "\xC3\xA6\xC3\xB8", "4444" },
};
#define RECIPIENTS ((long) (sizeof(recipients) / sizeof(recipients[0])))

static ProvboxConfig *test_config(void)
{
    ProvboxConfig *c = gw_malloc(sizeof(*c));

    memset(c, 0, sizeof(*c));
    c->provbox_id = octstr_create("pb-test");
    c->max_job_size = 65536;
    c->max_segments = 20;
    c->sender = octstr_create("1234");
    c->validity = -1;
    c->priority = -1;
    return c;
}

static Octstr *job_text(void)
{
    Octstr *text = octstr_create("Sec: USERPIN\nPin: 9999\nVar: SECRET=guest-pw\n"
                                 "Var: LOGIN=guest\n");
    long i;

    for (i = 0; i < RECIPIENTS; i++)
        octstr_format_append(text, "To: %s\n", recipients[i].to);
    octstr_append_cstr(text, "\n" DOC);
    return text;
}

static Octstr *xml_escaped(const char *value)
{
    Octstr *out = octstr_create("");

    for (; *value != '\0'; value++) {
        if (*value == '&')
            octstr_append_cstr(out, "&amp;");
        else if (*value == '<')
            octstr_append_cstr(out, "&lt;");
        else if (*value == '"')
            octstr_append_cstr(out, "&quot;");
        else
            octstr_append_char(out, (unsigned char) *value);
    }
    return out;
}

/* wbxml_compile() of the document with recipient i's values put in. */
static Octstr *expected_wbxml(long i)
{
    Octstr *xml = octstr_create(DOC), *login = xml_escaped(recipients[i].login);
    Octstr *secret = xml_escaped(recipients[i].secret), *error = NULL, *wbxml;

    octstr_replace(xml, octstr_imm("{{LOGIN}}"), login);
    octstr_replace(xml, octstr_imm("{{SECRET}}"), secret);
    wbxml = wbxml_compile(xml, &error);
    octstr_destroy(xml);
    octstr_destroy(login);
    octstr_destroy(secret);
    octstr_destroy(error);
    return wbxml;
}

/* The push its Msgs carry, or NULL. */
static PushInfo *push_of(List *msgs)
{
    List *segments = gwlist_create();
    Octstr *pdu, *error = NULL;
    PushInfo *info = NULL;
    long k;

    for (k = 0; k < gwlist_len(msgs); k++) {
        Msg *m = gwlist_get(msgs, k);
        gwlist_append(segments, push_segment_create(octstr_duplicate(m->sms.udhdata),
                                                    octstr_duplicate(m->sms.msgdata)));
    }
    pdu = push_reassemble(segments, &error);
    if (pdu != NULL)
        info = push_pdu_parse(pdu, &error);
    gwlist_destroy(segments, push_segment_destroy);
    octstr_destroy(pdu);
    octstr_destroy(error);
    return info;
}

/* Recipient i's message: its own document, its own PIN's MAC. */
static int right_message(ActiveJob *aj, const ProvboxConfig *config, long i)
{
    Octstr *error = NULL, *want = expected_wbxml(i), *mac = NULL;
    List *msgs = active_job_encode(aj, config, i, &error);
    PushInfo *info = msgs != NULL ? push_of(msgs) : NULL;
    int right;

    if (info != NULL)
        mac = signer_mac(SEC_USERPIN, octstr_imm(recipients[i].pin), NULL, info->body, &error);
    right = info != NULL && want != NULL && octstr_compare(info->body, want) == 0
            && mac != NULL && info->mac_hex != NULL && octstr_compare(mac, info->mac_hex) == 0;
    if (!right && error != NULL)
        tap_diag("recipient %ld: %s", i, octstr_get_cstr(error));
    if (msgs != NULL)
        gwlist_destroy(msgs, msg_destroy_item);
    push_info_destroy(info);
    octstr_destroy(want);
    octstr_destroy(mac);
    octstr_destroy(error);
    return right;
}

static void test_each_recipient_gets_its_own(const ProvboxConfig *config)
{
    CompileCache *cache = compile_cache_create();
    Octstr *text = job_text(), *error = NULL;
    ActiveJob *aj = active_job_from_text(config, cache, octstr_imm("tmpl"), text, time(NULL),
                                         NULL, &error);
    long i;

    ok(aj != NULL, "a templated job with values, defaults and PINs of its own loads");
    if (aj == NULL) {
        tap_diag("%s", octstr_get_cstr(error));
    } else {
        for (i = 0; i < RECIPIENTS; i++)
            ok(right_message(aj, config, i), "recipient %ld (%s): the document filled with its "
               "values is the substituted XML compiled, its MAC verifies with its PIN", i,
               recipients[i].to);
        ok(aj->shared_segments != NULL && !job_recipient_has_overrides(aj->job, 2),
           "the recipient without options uses the shared encoding (the defaults, Pin:)");
    }
    active_job_destroy(aj);
    octstr_destroy(text);
    octstr_destroy(error);
    compile_cache_destroy(cache);
}

/* A job's claim error, or NULL when it loads; *where is its fault. */
static Octstr *claim_error(const ProvboxConfig *config, CompileCache *cache, const char *text,
                           ActiveJobFault *where)
{
    Octstr *error = NULL;
    ActiveJob *aj = active_job_from_text(config, cache, octstr_imm("j"), octstr_imm(text),
                                         time(NULL), where, &error);

    active_job_destroy(aj);
    return error;
}

static void refused(const ProvboxConfig *config, const char *text, const char *want,
                    const char *what)
{
    CompileCache *cache = compile_cache_create();
    ActiveJobFault where = ACTIVE_JOB_TOO_LARGE;
    Octstr *error = claim_error(config, cache, text, &where);
    int right = error != NULL && octstr_str_compare(error, want) == 0
                && where == ACTIVE_JOB_UNPARSABLE
                && octstr_search(error, octstr_imm("s3cr3t"), 0) < 0;

    ok(right, "refused at the claim: %s", what);
    if (!right)
        tap_diag("got '%s' (fault %d), want '%s'", error ? octstr_get_cstr(error) : "(loads)",
                 (int) where, want);
    octstr_destroy(error);
    compile_cache_destroy(cache);
}

static void test_refusals(const ProvboxConfig *config)
{
    refused(config, "Sec: USERPIN\nPin: 9999\nTo: 4790000001 var.LOGIN=a var.SECRET=s3cr3t\n"
            "To: 4790000002 var.LOGIN=b\n\n" DOC,
            "line 4: recipient 4790000002 has no value for {{SECRET}} (give var.SECRET= on "
            "its To: line, or a Var: SECRET= header)", "a recipient without a value");
    refused(config, "Sec: USERPIN\nPin: 9999\nVar: LOGIN=x\nTo: 4790000001 var.SECRET=s3cr3t "
            "var.SECERT=s3cr3t\n\n" DOC,
            "line 4: var.SECERT= names no placeholder of the document (its placeholders: "
            "{{LOGIN}}, {{SECRET}})", "a misspelt variable");
    refused(config, "Sec: USERPIN\nPin: 9999\nVar: LOGIN=s3cr3t\nTo: 4790000001\n\n"
            "<wap-provisioningdoc/>\n",
            "line 3: Var: LOGIN= names no placeholder of the document (its placeholders: "
            "none)", "a variable for a document without placeholders");
}

static void test_compiled_once(const ProvboxConfig *config)
{
    CompileCache *cache = compile_cache_create();
    Octstr *text = job_text(), *error = NULL;
    ActiveJob *aj;
    int i, loaded = 1;

    for (i = 0; i < 5; i++) {
        aj = active_job_from_text(config, cache, octstr_imm("tmpl"), text, time(NULL), NULL,
                                  &error);
        loaded = loaded && aj != NULL;
        active_job_destroy(aj);
    }
    ok(loaded && compile_cache_misses(cache) == 1 && compile_cache_hits(cache) == 4,
       "five templated jobs of one document: one compile (misses %ld, hits %ld)",
       compile_cache_misses(cache), compile_cache_hits(cache));
    octstr_destroy(text);
    octstr_destroy(error);
    compile_cache_destroy(cache);
}

int main(void)
{
    ProvboxConfig *config;

    gwlib_init();
    log_set_output_level(GW_PANIC);
    wbxml_init();
    config = test_config();
    test_each_recipient_gets_its_own(config);
    test_refusals(config);
    test_compiled_once(config);
    octstr_destroy(config->provbox_id);
    octstr_destroy(config->sender);
    gw_free(config);
    wbxml_shutdown();
    gwlib_shutdown();
    return tap_done();
}
