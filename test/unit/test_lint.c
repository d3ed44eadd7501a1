/*
 * test_lint.c - unit tests of provbox/lint: one broken document per check,
 * with the exact line and message it must give; documents that must give
 * nothing; every test/corpus and doc/examples document with the exact
 * findings it gives (doc/lint.md explains each); secrets never quoted;
 * values shown escaped; modes parsed.
 */
#include "gwlib/gwlib.h"
#include "encode/wbxml.h"
#include "lint/lint.h"
#include "../lib/tap.h"
#include "../lib/test_data.h"

#define HEAD "<?xml version=\"1.0\"?>\n<wap-provisioningdoc>\n"   /* lines 1-2 */
#define TAIL "</wap-provisioningdoc>\n"
#define NAPDEF(id) \
    "<characteristic type=\"NAPDEF\">\n<parm name=\"NAPID\" value=\"" id "\"/>\n" \
    "<parm name=\"NAME\" value=\"" id " name\"/>\n" \
    "<parm name=\"NAP-ADDRESS\" value=\"internet.example\"/>\n" \
    "<parm name=\"NAP-ADDRTYPE\" value=\"APN\"/>\n</characteristic>\n"   /* 6 lines */
#define PROXY(id, napid) \
    "<characteristic type=\"PXLOGICAL\">\n<parm name=\"PROXY-ID\" value=\"" id "\"/>\n" \
    "<characteristic type=\"PXPHYSICAL\">\n<parm name=\"PHYSICAL-PROXY-ID\" value=\"P1\"/>\n" \
    "<parm name=\"PXADDR\" value=\"10.0.0.1\"/>\n<parm name=\"PXADDRTYPE\" value=\"IPV4\"/>\n" \
    "<parm name=\"TO-NAPID\" value=\"" napid "\"/>\n</characteristic>\n</characteristic>\n"
    /* 9 lines */

static const LintOptions unknown_mode = { 0, SEC_USERPIN };

/* Every finding as "LINE: SEVERITY: MESSAGE", one per line, or the error. */
static Octstr *findings_in(Octstr *xml, const LintOptions *options)
{
    Octstr *error = NULL, *out = octstr_create(""), *line;
    List *findings = lint_document(xml, options, &error);
    long i;

    if (findings == NULL) {
        octstr_format_append(out, "ERROR %S\n", error);
        octstr_destroy(error);
    }
    for (i = 0; i < gwlist_len(findings); i++) {
        line = lint_finding_format(gwlist_get(findings, i));
        octstr_format_append(out, "%S\n", line);
        octstr_destroy(line);
    }
    lint_findings_destroy(findings);
    return out;
}

static Octstr *findings_of(const char *doc, const LintOptions *options)
{
    Octstr *xml = octstr_create(doc), *out = findings_in(xml, options);

    octstr_destroy(xml);
    return out;
}

static void expect_with(const char *what, const char *doc, const LintOptions *options,
                        const char *want)
{
    Octstr *got = findings_of(doc, options);

    ok_str(octstr_get_cstr(got), want, what);
    octstr_destroy(got);
}

static void expect(const char *what, const char *doc, const char *want)
{
    expect_with(what, doc, &unknown_mode, want);
}

static void test_references(void)
{
    expect("dangling TO-NAPID", HEAD NAPDEF("INTERNET1")
           "<characteristic type=\"APPLICATION\">\n<parm name=\"APPID\" value=\"w2\"/>\n"
           "<parm name=\"TO-NAPID\" value=\"INTERNET2\"/>\n</characteristic>\n" TAIL,
           "11: error: TO-NAPID \"INTERNET2\" names no NAPDEF (NAPIDs here: INTERNET1)\n");
    expect("TO-NAPID INTERNET needs no NAPDEF",
           HEAD "<characteristic type=\"APPLICATION\">\n<parm name=\"APPID\" value=\"w2\"/>\n"
           "<parm name=\"TO-NAPID\" value=\"INTERNET\"/>\n</characteristic>\n" TAIL, "");
    expect("dangling TO-NAPID of a PXPHYSICAL, no NAPDEF at all", HEAD PROXY("PX", "NAP9") TAIL,
           "9: error: TO-NAPID \"NAP9\" names no NAPDEF (NAPIDs here: none)\n");
    expect("dangling TO-PROXY", HEAD NAPDEF("N1") PROXY("PX1", "N1")
           "<characteristic type=\"APPLICATION\">\n<parm name=\"APPID\" value=\"w2\"/>\n"
           "<parm name=\"TO-PROXY\" value=\"PX2\"/>\n</characteristic>\n" TAIL,
           "20: error: TO-PROXY \"PX2\" names no PXLOGICAL (PROXY-IDs here: PX1)\n");
    expect("dangling TO-APPREF", HEAD
           "<characteristic type=\"APPLICATION\">\n<parm name=\"APPID\" value=\"w2\"/>\n"
           "<parm name=\"APPREF\" value=\"BROWSER\"/>\n</characteristic>\n"
           "<characteristic type=\"APPLICATION\">\n<parm name=\"APPID\" value=\"w4\"/>\n"
           "<parm name=\"TO-APPREF\" value=\"BROWSR\"/>\n</characteristic>\n" TAIL,
           "9: error: TO-APPREF \"BROWSR\" names no APPLICATION (APPREFs here: BROWSER)\n");
    expect("resolved references give nothing", HEAD NAPDEF("N1") PROXY("PX1", "N1")
           "<characteristic type=\"APPLICATION\">\n<parm name=\"APPID\" value=\"w2\"/>\n"
           "<parm name=\"TO-PROXY\" value=\"PX1\"/>\n<parm name=\"TO-NAPID\" value=\"N1\"/>\n"
           "</characteristic>\n" TAIL, "");
}

static void test_duplicates(void)
{
    expect("NAPID defined twice (and so its NAME)", HEAD NAPDEF("N1") NAPDEF("N1") TAIL,
           "10: error: NAPID \"N1\" is defined twice (first on line 4)\n"
           "11: warning: NAME \"N1 name\" is used by two NAPDEFs (first on line 5); phones "
           "show two entries the user cannot tell apart\n");
    expect("PROXY-ID defined twice", HEAD NAPDEF("N1") PROXY("PX", "N1") PROXY("PX", "N1") TAIL,
           "19: error: PROXY-ID \"PX\" is defined twice (first on line 10)\n");
    expect("APPREF defined twice", HEAD
           "<characteristic type=\"APPLICATION\">\n<parm name=\"APPID\" value=\"w2\"/>\n"
           "<parm name=\"APPREF\" value=\"A\"/>\n</characteristic>\n"
           "<characteristic type=\"APPLICATION\">\n<parm name=\"APPID\" value=\"w4\"/>\n"
           "<parm name=\"APPREF\" value=\"A\"/>\n</characteristic>\n" TAIL,
           "9: error: APPREF \"A\" is defined twice (first on line 5)\n");
    expect("a parm that may occur once, twice", HEAD
           "<characteristic type=\"BOOTSTRAP\">\n<parm name=\"NAME\" value=\"a\"/>\n"
           "<parm name=\"NAME\" value=\"b\"/>\n</characteristic>\n" TAIL,
           "5: error: BOOTSTRAP has a second NAME (the first is on line 4); ProvCont allows one\n");
}

static void test_places(void)
{
    expect("PORTNBR directly in NAPDEF", HEAD
           "<characteristic type=\"NAPDEF\">\n<parm name=\"NAPID\" value=\"N\"/>\n"
           "<parm name=\"NAME\" value=\"n\"/>\n<parm name=\"NAP-ADDRESS\" value=\"apn\"/>\n"
           "<parm name=\"PORTNBR\" value=\"8080\"/>\n</characteristic>\n" TAIL,
           "7: error: parm PORTNBR is not allowed in NAPDEF (it belongs in PORT, ACCESS)\n");
    expect("a parm ProvCont does not know, in NAPDEF", HEAD
           "<characteristic type=\"NAPDEF\">\n<parm name=\"NAPID\" value=\"N\"/>\n"
           "<parm name=\"NAME\" value=\"n\"/>\n<parm name=\"NAP-ADDRESS\" value=\"apn\"/>\n"
           "<parm name=\"APN-TYPE\" value=\"default\"/>\n</characteristic>\n" TAIL,
           "7: error: parm APN-TYPE is not a ProvCont parm of NAPDEF\n");
    expect("PORT under NAPDEF", HEAD
           "<characteristic type=\"NAPDEF\">\n<parm name=\"NAPID\" value=\"N\"/>\n"
           "<parm name=\"NAME\" value=\"n\"/>\n<parm name=\"NAP-ADDRESS\" value=\"apn\"/>\n"
           "<characteristic type=\"PORT\">\n<parm name=\"PORTNBR\" value=\"80\"/>\n"
           "</characteristic>\n</characteristic>\n" TAIL,
           "7: error: characteristic PORT is not allowed in NAPDEF (it belongs in PXLOGICAL, "
           "PXPHYSICAL, APPADDR)\n");
    expect("NAPAUTHINFO at the top level", HEAD
           "<characteristic type=\"NAPAUTHINFO\">\n<parm name=\"AUTHTYPE\" value=\"PAP\"/>\n"
           "</characteristic>\n" TAIL,
           "3: error: characteristic NAPAUTHINFO is not allowed at the top level (it belongs "
           "in NAPDEF)\n");
    expect("APPLICATION inside NAPDEF", HEAD
           "<characteristic type=\"NAPDEF\">\n<parm name=\"NAPID\" value=\"N\"/>\n"
           "<parm name=\"NAME\" value=\"n\"/>\n<parm name=\"NAP-ADDRESS\" value=\"apn\"/>\n"
           "<characteristic type=\"APPLICATION\">\n<parm name=\"APPID\" value=\"w2\"/>\n"
           "</characteristic>\n</characteristic>\n" TAIL,
           "7: error: characteristic APPLICATION is not allowed in NAPDEF (it belongs in the "
           "top level)\n");
}

static void test_mandatory(void)
{
    expect("NAPDEF without NAPID, NAME and NAP-ADDRESS", HEAD
           "<characteristic type=\"NAPDEF\">\n<parm name=\"BEARER\" value=\"GSM-GPRS\"/>\n"
           "</characteristic>\n" TAIL,
           "3: error: NAPDEF without NAPID (ProvCont requires it)\n"
           "3: error: NAPDEF without NAME (ProvCont requires it)\n"
           "3: error: NAPDEF without NAP-ADDRESS (ProvCont requires it)\n");
    expect("PXLOGICAL without PROXY-ID and PXPHYSICAL", HEAD
           "<characteristic type=\"PXLOGICAL\">\n<parm name=\"NAME\" value=\"p\"/>\n"
           "</characteristic>\n" TAIL,
           "3: error: PXLOGICAL without PROXY-ID (ProvCont requires it)\n"
           "3: error: PXLOGICAL without PXPHYSICAL (ProvCont requires at least one)\n");
    expect("APPLICATION without APPID", HEAD
           "<characteristic type=\"APPLICATION\">\n<parm name=\"NAME\" value=\"a\"/>\n"
           "</characteristic>\n" TAIL,
           "3: error: APPLICATION without APPID (ProvCont requires it)\n");
    expect("PORT without PORTNBR, RESOURCE without URI", HEAD
           "<characteristic type=\"APPLICATION\">\n<parm name=\"APPID\" value=\"w2\"/>\n"
           "<characteristic type=\"RESOURCE\">\n<parm name=\"NAME\" value=\"r\"/>\n"
           "</characteristic>\n</characteristic>\n" TAIL,
           "5: error: RESOURCE without URI (ProvCont requires it)\n");
}

/* A NAPDEF with one extra parm line (line 7) and the address pair given. */
#define NAPDEF_WITH(addr, type, extra) \
    HEAD "<characteristic type=\"NAPDEF\">\n<parm name=\"NAPID\" value=\"N\"/>\n" \
    "<parm name=\"NAME\" value=\"n\"/>\n" \
    "<parm name=\"NAP-ADDRESS\" value=\"" addr "\"/>\n" \
    extra "\n<parm name=\"NAP-ADDRTYPE\" value=\"" type "\"/>\n</characteristic>\n" TAIL

static void test_values(void)
{
    expect("BEARER in lower case", NAPDEF_WITH("apn", "APN", "<parm name=\"BEARER\" value=\"gsm-gprs\"/>"),
           "7: error: BEARER \"gsm-gprs\" is not one of the values ProvCont allows (GSM-USSD "
           "GSM-SMS ANSI-136-GUTS IS-95-CDMA-SMS IS-95-CDMA-CSD IS-95-CDMA-PACKET ANSI-136-CSD "
           "ANSI-136-GPRS GSM-CSD GSM-GPRS AMPS-CDPD PDC-CSD PDC-PACKET IDEN-SMS IDEN-CSD "
           "IDEN-PACKET FLEX/REFLEX PHS-SMS PHS-CSD TETRA-SDS TETRA-PACKET ANSI-136-GHOST "
           "MOBITEX-MPAK CDMA2000-1X-SIMPLE-IP CDMA2000-1X-MOBILE-IP; compared "
           "case-sensitively)\n");
    expect("BEARER 3G-GSM is a vendor value", NAPDEF_WITH("apn", "APN", "<parm name=\"BEARER\" value=\"3G-GSM\"/>"),
           "7: warning: BEARER \"3G-GSM\" is a vendor extension, not a ProvCont value; phones "
           "of other makes ignore it\n");
    expect("CALLTYPE outside the enumeration", NAPDEF_WITH("+4712345678", "E164", "<parm name=\"CALLTYPE\" value=\"ISDN\"/>"),
           "7: error: CALLTYPE \"ISDN\" is not one of the values ProvCont allows (ANALOG-MODEM "
           "V.120 V.110 X.31 BIT-TRANSPARENT DIRECT-ASYNCHRONOUS-DATA-SERVICE; compared "
           "case-sensitively)\n");
    expect("NAP-ADDRTYPE ipv4", NAPDEF_WITH("10.1.1.1", "ipv4", ""),
           "8: error: NAP-ADDRTYPE \"ipv4\" is not one of the values ProvCont allows (IPV4 IPV6 "
           "E164 ALPHA APN SCODE TETRA-ITSI MAN; compared case-sensitively)\n");
    expect("AUTHTYPE outside the enumeration", HEAD
           "<characteristic type=\"NAPDEF\">\n<parm name=\"NAPID\" value=\"N\"/>\n"
           "<parm name=\"NAME\" value=\"n\"/>\n<parm name=\"NAP-ADDRESS\" value=\"apn\"/>\n"
           "<characteristic type=\"NAPAUTHINFO\">\n<parm name=\"AUTHTYPE\" value=\"HTTP-BASIC\"/>\n"
           "</characteristic>\n</characteristic>\n" TAIL,
           "8: error: AUTHTYPE \"HTTP-BASIC\" is not one of the values ProvCont allows (PAP CHAP "
           "MD5; compared case-sensitively)\n");
    expect("PXADDRTYPE outside the enumeration", HEAD NAPDEF("N1")
           "<characteristic type=\"PXLOGICAL\">\n<parm name=\"PROXY-ID\" value=\"PX\"/>\n"
           "<characteristic type=\"PXPHYSICAL\">\n<parm name=\"PHYSICAL-PROXY-ID\" value=\"P1\"/>\n"
           "<parm name=\"PXADDR\" value=\"10.0.0.1\"/>\n<parm name=\"PXADDRTYPE\" value=\"IP\"/>\n"
           "<parm name=\"TO-NAPID\" value=\"N1\"/>\n</characteristic>\n</characteristic>\n" TAIL,
           "14: error: PXADDRTYPE \"IP\" is not one of the values ProvCont allows (IPV4 IPV6 "
           "E164 ALPHA APN SCODE TETRA-ITSI MAN; compared case-sensitively)\n");
}

static void test_addresses(void)
{
    expect("IPV4 with a value that is not IPv4", NAPDEF_WITH("10.0.0.300", "IPV4", ""),
           "6: error: NAP-ADDRESS \"10.0.0.300\" is not an address of type IPV4 (NAP-ADDRTYPE "
           "on line 8)\n");
    expect("E164 with letters", NAPDEF_WITH("+47DIALUP", "E164", ""),
           "6: error: NAP-ADDRESS \"+47DIALUP\" is not an address of type E164 (NAP-ADDRTYPE "
           "on line 8)\n");
    expect("IPV6 fits", NAPDEF_WITH("2001:db8::1", "IPV6", ""), "");
    expect("swapped: an address type as the address, an APN as the type",
           NAPDEF_WITH("IPV6", "internet.example", ""),
           "6: error: NAP-ADDRESS \"IPV6\" is an address type, not an address: are NAP-ADDRESS "
           "and NAP-ADDRTYPE swapped?\n"
           "8: error: NAP-ADDRTYPE \"internet.example\" is not one of the values ProvCont allows "
           "(IPV4 IPV6 E164 ALPHA APN SCODE TETRA-ITSI MAN; compared case-sensitively)\n");
    expect("APN type with something that looks like an address type",
           NAPDEF_WITH("APN", "APN", ""),
           "6: error: NAP-ADDRESS \"APN\" is an address type, not an address: are NAP-ADDRESS "
           "and NAP-ADDRTYPE swapped?\n");
    expect("APN with a blank", NAPDEF_WITH("my apn", "APN", ""),
           "6: error: NAP-ADDRESS \"my apn\" is not an address of type APN (NAP-ADDRTYPE on "
           "line 8)\n");
    expect("DNS-ADDR that is not an IP address", NAPDEF_WITH("apn", "APN", "<parm name=\"DNS-ADDR\" value=\"dns.example\"/>"),
           "7: error: DNS-ADDR \"dns.example\" is not an IPv4 or IPv6 address\n");
}

#define PORT_DOC(nbr) HEAD NAPDEF("N1") \
    "<characteristic type=\"PXLOGICAL\">\n<parm name=\"PROXY-ID\" value=\"PX\"/>\n" \
    "<characteristic type=\"PORT\">\n<parm name=\"PORTNBR\" value=\"" nbr "\"/>\n" \
    "</characteristic>\n<characteristic type=\"PXPHYSICAL\">\n" \
    "<parm name=\"PHYSICAL-PROXY-ID\" value=\"P1\"/>\n<parm name=\"PXADDR\" value=\"10.0.0.1\"/>\n" \
    "<parm name=\"TO-NAPID\" value=\"N1\"/>\n</characteristic>\n</characteristic>\n" TAIL

static void test_numbers(void)
{
    expect("PORTNBR 0", PORT_DOC("0"), "12: error: PORTNBR \"0\" is not a port number from 1 to 65535\n");
    expect("PORTNBR 65536", PORT_DOC("65536"),
           "12: error: PORTNBR \"65536\" is not a port number from 1 to 65535\n");
    expect("PORTNBR 80a", PORT_DOC("80a"), "12: error: PORTNBR \"80a\" is not a port number from 1 to 65535\n");
    expect("PORTNBR 65535", PORT_DOC("65535"), "");
    expect("LINKSPEED", NAPDEF_WITH("apn", "APN", "<parm name=\"LINKSPEED\" value=\"fast\"/>"),
           "7: error: LINKSPEED \"fast\" is not AUTOBAUDING or a whole number\n");
}

#define APP(appid, lines) HEAD "<characteristic type=\"APPLICATION\">\n" \
    "<parm name=\"APPID\" value=\"" appid "\"/>\n" lines "</characteristic>\n" TAIL

static void test_applications(void)
{
    expect("SMTP's registered parms and AAUTHTYPE LOGIN", APP("25",
           "<parm name=\"FROM\" value=\"a@example.com\"/>\n<parm name=\"CIDPREFIX\" value=\"x\"/>\n"
           "<characteristic type=\"APPADDR\">\n<parm name=\"ADDR\" value=\"smtp.example.com\"/>\n"
           "<characteristic type=\"PORT\">\n<parm name=\"PORTNBR\" value=\"465\"/>\n"
           "<parm name=\"SERVICE\" value=\"465\"/>\n</characteristic>\n</characteristic>\n"
           "<characteristic type=\"APPAUTH\">\n<parm name=\"AAUTHTYPE\" value=\"LOGIN\"/>\n"
           "</characteristic>\n"), "");
    expect("a parm no OMNA document defines for w4", APP("w4",
           "<parm name=\"ADDR\" value=\"http://mmsc.example\"/>\n<parm name=\"MMS-SIZE\" value=\"300\"/>\n"),
           "6: warning: parm MMS-SIZE is not defined in APPLICATION for APPID w4 (MMS); phones "
           "ignore it\n");
    expect("an AAUTHTYPE IMAP4 does not define", APP("143",
           "<characteristic type=\"APPAUTH\">\n<parm name=\"AAUTHTYPE\" value=\"HTTP-BASIC\"/>\n"
           "</characteristic>\n"),
           "6: warning: AAUTHTYPE \"HTTP-BASIC\" is not defined for APPID 143 (IMAP4: LOGIN PLAIN "
           "CRAM-MD5 DIGEST-MD5 GSSAPI NTLM POPB4SMTP APOP)\n");
    expect("an unknown APPID", APP("zz9", ""),
           "4: warning: APPID \"zz9\" is neither registered with OMNA nor a well-known one; phones "
           "that do not know it may reject the whole message\n");
    expect("a well-known APPID without a rule", APP("ap0004", ""), "");
}

static void test_warnings(void)
{
    const char *secret_doc = HEAD "<characteristic type=\"NAPDEF\">\n"
        "<parm name=\"NAPID\" value=\"N\"/>\n<parm name=\"NAME\" value=\"n\"/>\n"
        "<parm name=\"NAP-ADDRESS\" value=\"apn\"/>\n<characteristic type=\"NAPAUTHINFO\">\n"
        "<parm name=\"AUTHTYPE\" value=\"PAP\"/>\n<parm name=\"AUTHSECRET\" value=\"pw\"/>\n"
        "</characteristic>\n</characteristic>\n" TAIL;
    LintOptions none = { 1, SEC_NONE }, userpin = { 1, SEC_USERPIN };

    expect_with("a password under Sec: NONE", secret_doc, &none,
                "9: warning: a password is sent under Sec: NONE: anyone can read it, and phones "
                "may reject the settings\n");
    expect_with("the same under USERPIN", secret_doc, &userpin, "");
    expect("the same with the mode unknown", secret_doc, "");
    expect("an unknown element", HEAD "<characteristic type=\"BOOTSTRAP\">\n"
           "<parm name=\"NAME\" value=\"b\"/>\n<extra/>\n</characteristic>\n" TAIL,
           "5: warning: element <extra> is not part of ProvCont (sent as a LITERAL); phones that "
           "do not know it ignore it\n");
    expect("a vendor characteristic inside NAPDEF", NAPDEF_WITH("apn", "APN",
           "<characteristic type=\"WLAN\">\n<parm name=\"SSID\" value=\"x\"/>\n</characteristic>"),
           "7: warning: characteristic \"WLAN\" in NAPDEF is not a ProvCont characteristic; only "
           "phones of the vendor that defines it use it\n");
}

static void test_windows_mobile(void)
{
    expect("security policies", HEAD "<characteristic type=\"SecurityPolicy\">\n"
           "<parm name=\"4141\" value=\"0\"/>\n<parm name=\"4200\" value=\"1\"/>\n"
           "<parm name=\"TPS\" value=\"1\"/>\n</characteristic>\n" TAIL,
           "5: warning: SecurityPolicy 4200 is not one of the documented policies (4104 to 4143)\n"
           "6: error: SecurityPolicy parm TPS is not a policy id (a decimal number)\n");
    expect("other CSPs and query elements are tolerated", HEAD
           "<characteristic type=\"Registry\">\n<characteristic-query type=\"HKLM\\Comm\"/>\n"
           "<characteristic type=\"HKLM\\Software\">\n<parm name=\"X\" value=\"1\" datatype=\"integer\"/>\n"
           "</characteristic>\n</characteristic>\n" TAIL, "");
}

static void test_length(void)
{
    Octstr *path = test_data_path("corpus/large_portal.xml");
    Octstr *xml = octstr_read_file(octstr_get_cstr(path)), *error = NULL;
    LintOptions userpin = { 1, SEC_USERPIN };
    List *findings = lint_document(xml, &userpin, &error);
    Octstr *wbxml = wbxml_compile(xml, &error);

    ok(findings != NULL && gwlist_len(findings) == 1
       && octstr_str_compare(((LintFinding *) gwlist_get(findings, 0))->message,
                             "the message needs 20 SMS; some phones drop concatenations "
                             "of more than 3") == 0, "a 20-SMS document is a warning");
    ok(lint_sms_count(wbxml, SEC_USERPIN) == 20 && lint_sms_count(wbxml, SEC_NONE) <= 20,
       "lint_sms_count: 20 with USERPIN, no more unsigned");
    lint_findings_destroy(findings);
    octstr_destroy(wbxml);
    octstr_destroy(xml);
    octstr_destroy(path);
}

static void test_secrets_and_escaping(void)
{
    Octstr *got = findings_of(HEAD "<characteristic type=\"NAPDEF\">\n"
        "<parm name=\"NAPID\" value=\"N\"/>\n<parm name=\"NAME\" value=\"n\"/>\n"
        "<parm name=\"NAP-ADDRESS\" value=\"apn\"/>\n<parm name=\"AUTHSECRET\" value=\"s3cr3tA\"/>\n"
        "<characteristic type=\"NAPAUTHINFO\">\n<parm name=\"AUTHTYPE\" value=\"PAP\"/>\n"
        "<parm name=\"AUTHSECRET\" value=\"s3cr3tB\"/>\n<parm name=\"AUTHSECRET\" value=\"s3cr3tC\"/>\n"
        "<parm name=\"PXAUTH-PW\" value=\"s3cr3tD\"/>\n</characteristic>\n</characteristic>\n" TAIL,
        &unknown_mode);

    ok(octstr_search(got, octstr_imm("s3cr3t"), 0) < 0 && octstr_len(got) > 0,
       "findings about misplaced and repeated secrets never quote them");
    octstr_destroy(got);
    expect("a control character in a value is shown escaped",
           NAPDEF_WITH("apn", "AP\xC2\x85N", ""),
           "8: error: NAP-ADDRTYPE \"AP\\xC2\\x85N\" is not one of the values ProvCont allows (IPV4 "
           "IPV6 E164 ALPHA APN SCODE TETRA-ITSI MAN; compared case-sensitively)\n");
}

static void test_unparsable_and_modes(void)
{
    LintMode mode = LINT_OFF;
    Octstr *got = findings_of("<wap-provisioningdoc><parm name=\"X\"/></wap-provisioningdoc>",
                              &unknown_mode);

    ok(octstr_search(got, octstr_imm("ERROR line 1: parm outside a characteristic"), 0) == 0,
       "a document that does not compile gives the compiler's error");
    octstr_destroy(got);
    ok(lint_mode_parse(octstr_imm("Strict"), &mode) == 0 && mode == LINT_STRICT
       && lint_mode_parse(octstr_imm("warn"), &mode) == 0 && mode == LINT_WARN
       && lint_mode_parse(octstr_imm("OFF"), &mode) == 0 && mode == LINT_OFF,
       "modes parse in any case");
    ok(lint_mode_parse(octstr_imm("on"), &mode) == -1 && lint_mode_parse(NULL, &mode) == -1,
       "other modes do not");
}

/* What each real-world document gives; doc/lint.md explains every line. */
static const struct { const char *file; const char *want; } real_world[] = {
    { "corpus/browser_w2.xml", "1: warning: the message needs 4 SMS when signed; some phones "
      "drop concatenations of more than 3\n" },
    { "corpus/csd_dialup.xml", "13: error: NAPDEF has a second CALLTYPE (the first is on line "
      "12); ProvCont allows one\n" },
    { "corpus/email_imap.xml", "25: warning: AAUTHTYPE \"HTTP-DIGEST\" is not defined for APPID "
      "143 (IMAP4: LOGIN PLAIN CRAM-MD5 DIGEST-MD5 GSSAPI NTLM POPB4SMTP APOP)\n" },
    { "corpus/email_pop3.xml", "1: warning: the message needs 4 SMS when signed; some phones "
      "drop concatenations of more than 3\n" },
    { "corpus/large_portal.xml", "1: warning: the message needs 20 SMS when signed; some phones "
      "drop concatenations of more than 3\n" },
    { "corpus/latin1_names.xml", "9: error: NAP-ADDRESS \"données.exemple.fr\" is not an address "
      "of type APN (NAP-ADDRTYPE on line 10)\n" },
    { "corpus/mms_w4.xml", "" },
    { "corpus/nested_depth3.xml", "28: error: ADDR \"http://dm.example.net/manage\" is not an "
      "address of type IPV6 (ADDRTYPE on line 29)\n" },
    { "corpus/no_doctype.xml", "" },
    { "corpus/operator_apn.xml", "" },
    { "corpus/spaces_in_values.xml", "" },
    { "corpus/sync_ds_w5.xml", "" },
    { "corpus/utf16_bom.xml", "" },
    { "corpus/wm_bootstrap_trust.xml", "" },
    { "corpus/wm_cm_gprs.xml", "1: warning: the message needs 5 SMS when signed; some phones "
      "drop concatenations of more than 3\n" },
    { "corpus/wm_registry_query.xml", "1: warning: the message needs 5 SMS when signed; some "
      "phones drop concatenations of more than 3\n" },
    { "corpus/wm_security_policy.xml", "" },
    { "vectors/spec_appendixC.xml", "1: warning: the message needs 5 SMS when signed; some "
      "phones drop concatenations of more than 3\n" },
    { "../doc/examples/apn-internet.xml", "" },
    { "../doc/examples/browser.xml", "" },
    { "../doc/examples/email-imap.xml", "" },
    { "../doc/examples/mms.xml", "" },
    { "../doc/examples/wm-gprs-connection.xml", "1: warning: the message needs 4 SMS when "
      "signed; some phones drop concatenations of more than 3\n" },
    { "../doc/examples/wm-security-policy.xml", "" },
    { "../doc/examples/wm-trust-bootstrap.xml", "" },
};

static void test_real_world(void)
{
    Octstr *path, *xml, *got;
    long i;

    for (i = 0; i < (long) (sizeof(real_world) / sizeof(real_world[0])); i++) {
        path = test_data_path(real_world[i].file);
        if ((xml = octstr_read_file(octstr_get_cstr(path))) == NULL)
            panic(0, "cannot read %s", octstr_get_cstr(path));
        got = findings_in(xml, &unknown_mode);
        ok_str(octstr_get_cstr(got), real_world[i].want, real_world[i].file);
        octstr_destroy(got);
        octstr_destroy(xml);
        octstr_destroy(path);
    }
}

/* A value holding a {{NAME}} placeholder is filled per recipient: lint does
 * not judge its form nor count it as an id or a reference, but a templated
 * password is still a password. */
static void test_placeholders(void)
{
    static const LintOptions none = { 1, SEC_NONE };

    expect("placeholders in an address, its type and a port are not judged",
           NAPDEF_WITH("{{APN}}", "{{TYPE}}", "<parm name=\"DNS-ADDR\" value=\"{{DNS}}\"/>"),
           "");
    expect("a placeholder that is a whole PORTNBR", PORT_DOC("{{PORT}}"), "");
    expect("a templated TO-NAPID is no dangling reference, a templated NAPID no id",
           HEAD NAPDEF("{{NAPID}}") "<characteristic type=\"APPLICATION\">\n"
           "<parm name=\"APPID\" value=\"w2\"/>\n"
           "<parm name=\"TO-NAPID\" value=\"{{NAPID}}\"/>\n</characteristic>\n" TAIL, "");
    expect_with("a templated password under Sec: NONE is still a password",
                NAPDEF_WITH("apn", "APN", "<characteristic type=\"NAPAUTHINFO\">"
                            "<parm name=\"AUTHTYPE\" value=\"PAP\"/>"
                            "<parm name=\"AUTHSECRET\" value=\"{{PW}}\"/></characteristic>"),
                &none, "7: warning: a password is sent under Sec: NONE: anyone can read it, "
                "and phones may reject the settings\n");
}

int main(void)
{
    gwlib_init();
    log_set_output_level(GW_WARNING);
    wbxml_init();
    test_references();
    test_duplicates();
    test_places();
    test_mandatory();
    test_values();
    test_addresses();
    test_numbers();
    test_applications();
    test_warnings();
    test_windows_mobile();
    test_length();
    test_secrets_and_escaping();
    test_unparsable_and_modes();
    test_real_world();
    test_placeholders();
    wbxml_shutdown();
    gwlib_shutdown();
    return tap_done();
}
