/*
 * test_message.c - unit tests of provbox/encode/message.c, the one way a
 * document becomes a recipient's SMS segments: an OMA CP document signed
 * in every mode, pushed with TID 1 and split on ports 2948/9200; a legacy
 * type unsigned on its own ports (the credentials not read); the caller's
 * concatenation reference, 8 or 16 bits; the signer's and the splitter's
 * errors; compiling by type; the reference a job's name gives.
 */
#include "gwlib/gwlib.h"
#include "encode/message.h"
#include "encode/ota_legacy.h"
#include "encode/push.h"
#include "encode/wbxml.h"
#include "../lib/tap.h"
#include "../lib/test_data.h"

#define BOOKMARK_XML \
    "<CHARACTERISTIC-LIST><CHARACTERISTIC TYPE=\"BOOKMARK\">" \
    "<PARM NAME=\"NAME\" VALUE=\"Kannel\"/><PARM NAME=\"URL\" VALUE=\"http://www.kannel.org/\"/>" \
    "</CHARACTERISTIC></CHARACTERISTIC-LIST>"
#define PIN "1234"
#define IMSI "242011234567890"

static MessageSpec spec_of(DocType type, Octstr *wbxml, SecMode sec)
{
    MessageSpec spec = {
        .type = type, .wbxml = wbxml, .sec = sec,
        .pin = sec_mode_needs_pin(sec) ? octstr_imm(PIN) : NULL,
        .imsi = sec_mode_needs_imsi(sec) ? octstr_imm(IMSI) : NULL,
        .ref = 0x42, .ref_16bit = 0, .max_segments = PUSH_DEFAULT_MAX_SEGMENTS,
    };

    return spec;
}

static int same_segments(List *a, List *b)
{
    long i;
    PushSegment *x, *y;

    if (a == NULL || b == NULL || gwlist_len(a) != gwlist_len(b))
        return 0;
    for (i = 0; i < gwlist_len(a); i++) {
        x = gwlist_get(a, i);
        y = gwlist_get(b, i);
        if (octstr_compare(x->udh, y->udh) != 0 || octstr_compare(x->payload, y->payload) != 0)
            return 0;
    }
    return 1;
}

/* An OMA CP message is the signer, push_pdu_build(TID 1) and push_split. */
static void signed_in(SecMode sec, Octstr *wbxml)
{
    MessageSpec spec = spec_of(DOC_OMA_SETTINGS, wbxml, sec);
    Octstr *error = NULL, *pdu;
    Message *m = message_encode(&spec, &error);
    Signature *sig = signer_sign(sec, spec.pin, spec.imsi, wbxml, &error);
    List *segments;

    pdu = push_pdu_build(wbxml, sig, 1);
    segments = push_split(pdu, 0x42, 0, PUSH_DEFAULT_MAX_SEGMENTS, &error);
    ok(m != NULL && octstr_compare(m->pdu, pdu) == 0 && same_segments(m->segments, segments)
       && m->sig != NULL && m->sig->mode == sec
       && (sec == SEC_USERPINMAC) == (m->sig->entry_code != NULL)
       && (m->sig->entry_code == NULL
           || octstr_compare(m->sig->entry_code, sig->entry_code) == 0),
       "%s: the signer's signature, TID 1, OMA push ports, the caller's reference",
       sec_mode_name(sec));
    message_destroy(m);
    signature_destroy(sig);
    octstr_destroy(pdu);
    gwlist_destroy(segments, push_segment_destroy);
}

static void test_signed(void)
{
    Octstr *xml = read_vector("spec_appendixC.xml"), *error = NULL;
    Octstr *wbxml = wbxml_compile(xml, &error);
    int sec;

    for (sec = SEC_NONE; sec <= SEC_USERPINMAC; sec++)
        signed_in((SecMode) sec, wbxml);
    octstr_destroy(wbxml);
    octstr_destroy(xml);
}

static void test_legacy(void)
{
    Octstr *error = NULL, *wbxml = ota_legacy_compile(DOC_OTA_BOOKMARKS,
                                                      octstr_imm(BOOKMARK_XML), &error);
    MessageSpec spec = spec_of(DOC_OTA_BOOKMARKS, wbxml, SEC_USERPIN);
    Message *m = message_encode(&spec, &error);
    Octstr *pdu = ota_legacy_pdu_build(DOC_OTA_BOOKMARKS, wbxml, 1);
    PushSegment *s = m != NULL ? gwlist_get(m->segments, 0) : NULL;

    ok(m != NULL && m->sig == NULL && octstr_compare(m->pdu, pdu) == 0
       && gwlist_len(m->segments) == 1,
       "bookmarks: unsigned whatever the mode says, its own WSP header, TID 1");
    ok(s != NULL && octstr_compare(s->udh, octstr_imm("\x06\x05\x04\xc3\x4f\xc0\x02")) == 0,
       "bookmarks: one segment on ports 49999/49154");
    message_destroy(m);
    spec.max_segments = 1;
    spec.ref = 0x1234;
    spec.ref_16bit = 1;
    octstr_append(spec.wbxml, octstr_imm(BOOKMARK_XML));   /* any bytes: longer */
    m = message_encode(&spec, &error);
    ok(m == NULL && error != NULL, "bookmarks: over max-segments is the splitter's error");
    octstr_destroy(error);
    error = NULL;
    spec.max_segments = PUSH_DEFAULT_MAX_SEGMENTS;
    m = message_encode(&spec, &error);
    s = m != NULL ? gwlist_get(m->segments, 1) : NULL;
    ok(s != NULL && octstr_ncompare(s->udh, octstr_imm("\x0c\x05\x04\xc3\x4f\xc0\x02"
                                                       "\x08\x04\x12\x34"), 11) == 0
       && octstr_get_char(s->udh, 11) == gwlist_len(m->segments)
       && octstr_get_char(s->udh, 12) == 2,
       "bookmarks in segments: the caller's 16-bit reference, legacy ports in each");
    message_destroy(m);
    octstr_destroy(pdu);
    octstr_destroy(wbxml);
}

static void test_reference_and_errors(void)
{
    Octstr *xml = read_vector("spec_appendixC.xml"), *error = NULL;
    Octstr *wbxml = wbxml_compile(xml, &error);
    MessageSpec spec = spec_of(DOC_OMA_SETTINGS, wbxml, SEC_USERPIN);
    Message *m;
    PushSegment *s;

    spec.ref = 0xBEEF;
    spec.ref_16bit = 1;
    spec.max_segments = 1;
    m = message_encode(&spec, &error);
    ok(m == NULL && error != NULL && octstr_search(error, octstr_imm("max-segments"), 0) >= 0,
       "too many segments: NULL and the splitter's reason (%s)",
       error != NULL ? octstr_get_cstr(error) : "none");
    octstr_destroy(error);
    error = NULL;
    spec.max_segments = PUSH_DEFAULT_MAX_SEGMENTS;
    spec.wbxml = octstr_create("");
    octstr_append(spec.wbxml, wbxml);
    octstr_append(spec.wbxml, wbxml);
    m = message_encode(&spec, &error);
    s = m != NULL ? gwlist_get(m->segments, 0) : NULL;
    ok(m != NULL && gwlist_len(m->segments) > 1 && octstr_len(s->udh) == 13
       && octstr_get_char(s->udh, 9) == 0xBE && octstr_get_char(s->udh, 10) == 0xEF,
       "a 16-bit reference is the caller's, in every segment");
    message_destroy(m);
    octstr_destroy(spec.wbxml);
    spec.wbxml = wbxml;
    spec.pin = octstr_imm("12a4");
    m = message_encode(&spec, &error);
    ok(m == NULL && error != NULL && octstr_search(error, octstr_imm("12a4"), 0) < 0,
       "bad credentials: NULL and the signer's reason, which never quotes them");
    octstr_destroy(error);
    octstr_destroy(wbxml);
    octstr_destroy(xml);
}

static void test_compile(void)
{
    Octstr *xml = read_vector("spec_appendixC.xml"), *error = NULL;
    Octstr *want = wbxml_compile(xml, &error), *legacy, *got;
    WbxmlTemplate *t = message_compile(DOC_OMA_SETTINGS, xml, &error);

    got = t != NULL ? wbxml_template_fill(t, NULL, &error) : NULL;
    ok(got != NULL && octstr_compare(got, want) == 0, "oma-settings compiles as WBXML");
    wbxml_template_destroy(t);
    octstr_destroy(got);
    legacy = ota_legacy_compile(DOC_OTA_BOOKMARKS, octstr_imm(BOOKMARK_XML), &error);
    t = message_compile(DOC_OTA_BOOKMARKS, octstr_imm(BOOKMARK_XML), &error);
    got = t != NULL ? wbxml_template_fill(t, NULL, &error) : NULL;
    ok(got != NULL && octstr_compare(got, legacy) == 0
       && gwlist_len(wbxml_template_names(t)) == 0,
       "bookmarks compiles as OTA 7.0 WBXML, a template without placeholders");
    wbxml_template_destroy(t);
    octstr_destroy(got);
    t = message_compile(DOC_OTA_SETTINGS, xml, &error);
    ok(t == NULL && error != NULL, "an OMA CP document is no settings document");
    octstr_destroy(error);
    error = NULL;
    t = message_compile(DOC_OMA_SETTINGS, octstr_imm(BOOKMARK_XML), &error);
    ok(t == NULL && error != NULL, "nor a settings document an OMA CP one");
    octstr_destroy(error);
    octstr_destroy(legacy);
    octstr_destroy(want);
    octstr_destroy(xml);
}

/* FNV-1a (32-bit): "" 0x811C9DC5, "a" 0xE40C292C, "foobar" 0xBF9CF968. */
static void test_job_reference(void)
{
    ok(message_job_reference(octstr_imm(""), 0) == 0xC5
       && message_job_reference(octstr_imm(""), 1) == 0x9DC5
       && message_job_reference(octstr_imm("a"), 0) == 0x2C
       && message_job_reference(octstr_imm("a"), 1) == 0x292C
       && message_job_reference(octstr_imm("foobar"), 0) == 0x68
       && message_job_reference(octstr_imm("foobar"), 1) == 0xF968,
       "a job's reference is the low 8 or 16 bits of FNV-1a of its name");
}

int main(void)
{
    gwlib_init();
    log_set_output_level(GW_WARNING);
    wbxml_init();
    test_signed();
    test_legacy();
    test_reference_and_errors();
    test_compile();
    test_job_reference();
    wbxml_shutdown();
    gwlib_shutdown();
    return tap_done();
}
