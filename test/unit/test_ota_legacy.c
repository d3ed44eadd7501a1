/*
 * test_ota_legacy.c - unit tests of provbox/encode/ota_legacy*.c and of the
 * legacy types in job files: exact WBXML bytes (the bookmark vector is what
 * Kannel 1.4.5's sendota sent in sendota_compare.py), WSP headers and WDP
 * ports per type, names in any case, every refusal naming its cause, and
 * Type:/Sec: rules in job_parse().
 */
#include "gwlib/gwlib.h"
#include "encode/ota_legacy.h"
#include "encode/push.h"
#include "encode/wbxml.h"
#include "spool/job.h"
#include "../lib/tap.h"
#include "../lib/test_data.h"

#define BOOKMARK_XML \
    "<CHARACTERISTIC-LIST><CHARACTERISTIC TYPE=\"BOOKMARK\">" \
    "<PARM NAME=\"NAME\" VALUE=\"Kannel\"/><PARM NAME=\"URL\" VALUE=\"http://www.kannel.org/\"/>" \
    "</CHARACTERISTIC></CHARACTERISTIC-LIST>"
#define BOOKMARK_WBXML \
    "01016a0045c67f01871511034b616e6e656c000187171103687474703a2f2f7777772e6b616e6e656c" \
    "2e6f72672f00010101"

static void ok_octstr(Octstr *got, Octstr *want, const char *what)
{
    ok_bytes(got ? octstr_get_cstr(got) : "", got ? (size_t) octstr_len(got) : 0,
             octstr_get_cstr(want), octstr_len(want), what);
}

static void compiles_to(DocType type, const char *xml, const char *want_hex,
                        const char *what)
{
    Octstr *error = NULL, *want = from_hex(want_hex);
    Octstr *got = ota_legacy_compile(type, octstr_imm(xml), &error);

    ok_octstr(got, want, what);
    if (error != NULL)
        tap_diag("error: %s", octstr_get_cstr(error));
    octstr_destroy(got);
    octstr_destroy(want);
    octstr_destroy(error);
}

static void refuses(DocType type, const char *xml, const char *want, const char *what)
{
    Octstr *error = NULL, *got = ota_legacy_compile(type, octstr_imm(xml), &error);

    ok(got == NULL && error != NULL && octstr_search(error, octstr_imm(want), 0) >= 0,
       "refused: %s", what);
    if (error != NULL && octstr_search(error, octstr_imm(want), 0) < 0)
        tap_diag("error: %s (want '%s')", octstr_get_cstr(error), want);
    octstr_destroy(got);
    octstr_destroy(error);
}

static void test_compile(void)
{
    compiles_to(DOC_OTA_BOOKMARKS, BOOKMARK_XML, BOOKMARK_WBXML,
                "bookmark: the bytes Kannel's sendota sends");
    compiles_to(DOC_OTA_BOOKMARKS,
                "<characteristic-list><characteristic type=\"bookmark\">"
                "<parm name=\"NAME\" value=\"Kannel\"/><parm Name=\"URL\" Value=\"http://www.kannel.org/\"/>"
                "</characteristic></characteristic-list>", BOOKMARK_WBXML,
                "element and attribute names and TYPE in any case");
    compiles_to(DOC_OTA_SETTINGS,
                "<CHARACTERISTIC-LIST><CHARACTERISTIC TYPE=\"URL\" VALUE=\"http://a/\"/>"
                "<CHARACTERISTIC TYPE=\"ADDRESS\"><PARM NAME=\"BEARER\" VALUE=\"GPRS\"/>"
                "<PARM NAME=\"X\" VALUE=\"a  b\"/></CHARACTERISTIC></CHARACTERISTIC-LIST>",
                "01016a0045" "8607110368747470" "3a2f2f612f0001"
                "c60601" "87124901" "871003580011036120206200" "01" "0101",
                "settings: TYPE=URL with VALUE, value tokens, inline name and value kept byte for byte");
    compiles_to(DOC_OTA_SETTINGS, "<CHARACTERISTIC-LIST><CHARACTERISTIC TYPE=\"ADDRESS\">"
                "<PARM NAME=\"BEARER\" VALUE=\"gprs\"/></CHARACTERISTIC></CHARACTERISTIC-LIST>",
                "01016a0045c606018712110367707273000101" "01",
                "values match exactly: 'gprs' stays an inline string");
    compiles_to(DOC_OTA_SYNCSETTINGS, "<SyncSettings>\n <Version>1.0</Version>\n"
                " <RemoteDB><URI>c</URI></RemoteDB><Auth/></SyncSettings>",
                "01016a00" "55" "5803312e300001" "54" "5603630001" "01" "07" "01",
                "SyncSettings: text inline, blanks between elements ignored, empty element");
}

static void test_refusals(void)
{
    refuses(DOC_OTA_SETTINGS, "<CHARACTERISTIC-LIST><CHARACTERISTIC TYPE=\"PROXY\"/>"
            "</CHARACTERISTIC-LIST>", "unknown TYPE 'PROXY'", "an unknown TYPE");
    refuses(DOC_OTA_SETTINGS, "<CHARACTERISTIC-LIST><CHARACTERISTIC TYPE=\"URL\" X=\"1\"/>"
            "</CHARACTERISTIC-LIST>", "unknown attribute 'X'", "an unknown attribute");
    refuses(DOC_OTA_SETTINGS, "<CHARACTERISTIC-LIST>\n<CHARACTERISTIC TYPE=\"ADDRESS\">\n"
            "<PARM NAME=\"PROXY\">1.2.3.4</PARM></CHARACTERISTIC></CHARACTERISTIC-LIST>",
            "line 3: text inside <PARM>", "text in a PARM, with its line");
    refuses(DOC_OTA_SETTINGS, "<CHARACTERISTIC-LIST><PARM NAME=\"PROXY\"/></CHARACTERISTIC-LIST>",
            "<PARM> is not allowed here", "a PARM outside a CHARACTERISTIC");
    refuses(DOC_OTA_BOOKMARKS, "<wap-provisioningdoc/>", "<wap-provisioningdoc> is not allowed",
            "an OMA document as bookmarks");
    refuses(DOC_OTA_SYNCSETTINGS, "<SyncSettings><Name x=\"1\">a</Name></SyncSettings>",
            "no attributes", "a SyncSettings attribute");
    refuses(DOC_OTA_SYNCSETTINGS, "<SyncSettings><Host>a</Host></SyncSettings>",
            "<Host> is not allowed", "an unknown SyncSettings element");
    refuses(DOC_OTA_SETTINGS, "<CHARACTERISTIC-LIST><CHARACTERISTIC", "line 1",
            "malformed XML");
}

static void test_push(void)
{
    Octstr *body = from_hex(BOOKMARK_WBXML), *pdu, *want, *error = NULL;
    List *segments;
    PushSegment *s;

    pdu = ota_legacy_pdu_build(DOC_OTA_BOOKMARKS, body, 1);
    want = octstr_format("%s%s%c%s%S", "\x01\x06\x2d\x1f\x2b",
                         "application/x-wap-prov.browser-bookmarks", 0, "\x81\xea", body);
    ok_octstr(pdu, want, "bookmarks: TID 06 2D 1F 2B type NUL 81 EA body");
    segments = push_split_ports(pdu, ota_legacy_dest_port(DOC_OTA_BOOKMARKS),
                                ota_legacy_src_port(DOC_OTA_BOOKMARKS), 0, 0, 1, &error);
    s = segments != NULL ? gwlist_get(segments, 0) : NULL;
    ok_octstr(s != NULL ? s->udh : NULL, octstr_imm("\x06\x05\x04\xc3\x4f\xc0\x02"),
              "bookmarks: UDH ports 49999/49154");
    gwlist_destroy(segments, push_segment_destroy);
    octstr_destroy(pdu);
    octstr_destroy(want);

    pdu = ota_legacy_pdu_build(DOC_OTA_SETTINGS, body, 1);
    ok(octstr_get_char(pdu, 2) == 0x2c && octstr_search(pdu, octstr_imm(
           "application/x-wap-prov.browser-settings"), 0) == 5,
       "settings: HdrLen 2C, browser-settings content type");
    octstr_destroy(pdu);
    pdu = ota_legacy_pdu_build(DOC_OTA_SYNCSETTINGS, body, 1);
    want = from_hex("010606050202" "0b81ea");
    octstr_append(want, body);
    ok_octstr(pdu, want, "syncsettings: Content-Type 0x020B (vnd.nokia.syncset+wbxml), charset");
    ok(ota_legacy_dest_port(DOC_OTA_SYNCSETTINGS) == 49996
       && ota_legacy_src_port(DOC_OTA_SYNCSETTINGS) == 49154,
       "syncsettings: ports 49996/49154");
    octstr_destroy(pdu);
    octstr_destroy(want);
    octstr_destroy(body);
}

static void job_case(const char *text, const char *want_error, const char *what)
{
    Octstr *error = NULL;
    Job *job = job_parse(octstr_imm("j"), octstr_imm(text), &error);

    if (want_error == NULL)
        ok(job != NULL, "job: %s", what);
    else
        ok(job == NULL && error != NULL && octstr_search(error, octstr_imm(want_error), 0) >= 0,
           "job refused: %s", what);
    if ((want_error == NULL) != (job != NULL) && error != NULL)
        tap_diag("%s", octstr_get_cstr(error));
    job_destroy(job);
    octstr_destroy(error);
}

static void test_job_types(void)
{
    Octstr *error = NULL, *again;
    Job *job;

    job_case("To: 4790000001\nType: Settings\n\n" BOOKMARK_XML, NULL, "Type: settings without Sec:");
    job_case("To: 4790000001\nType: bookmarks\nSec: NONE\n\n" BOOKMARK_XML, NULL,
             "Type: bookmarks with Sec: NONE");
    job_case("To: 4790000001\nType: bookmarks\nSec: USERPIN\nPin: 1234\n\n" BOOKMARK_XML,
             "line 3: Type: bookmarks is unsigned by design", "a legacy type with Sec: USERPIN");
    job_case("To: 4790000001\nType: syncsettings\nPin: 1234\n\n<SyncSettings/>",
             "Pin: given", "a legacy type with a Pin:");
    job = job_parse(NULL, octstr_imm("To: 4790000001\nType: SYNCSETTINGS\n\n<SyncSettings/>"), &error);
    ok(job != NULL && job->type == DOC_OTA_SYNCSETTINGS, "Type: is canonical, legacy type known");
    again = job != NULL ? job_format(job) : NULL;
    ok(again != NULL && octstr_search(again, octstr_imm("Type: syncsettings\n"), 0) >= 0
       && octstr_search(again, octstr_imm("Sec: NONE\n"), 0) >= 0, "job_format keeps the type");
    octstr_destroy(again);
    octstr_destroy(error);
    job_destroy(job);
}

int main(void)
{
    gwlib_init();
    log_set_output_level(GW_WARNING);
    wbxml_init();
    test_compile();
    test_refusals();
    test_push();
    test_job_types();
    wbxml_shutdown();
    gwlib_shutdown();
    return tap_done();
}
