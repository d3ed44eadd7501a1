/*
 * test_wbxml.c - unit tests of provbox/encode/wbxml*: the token tables, the
 * compiler (XML -> WBXML), the decoder and the explainer.
 *
 * Expected bytes are written as B("03 0B 6A 'NAP1' 00"): hex bytes and
 * 'quoted' literal text. Files come from $PROVBOX_SRCDIR/test/vectors (the
 * spec's Appendix C) and $PROVBOX_SRCDIR/test/corpus (realistic documents
 * shared with the signer/push integration test).
 */
#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "gwlib/gwlib.h"
#include "encode/wbxml.h"
#include "encode/wbxml_tokens.h"
#include "../lib/tap.h"

#define PROV_DOCTYPE "<!DOCTYPE wap-provisioningdoc PUBLIC " \
    "\"-//WAPFORUM//DTD PROV 1.0//EN\" \"http://www.wapforum.org/DTD/prov.dtd\">\n"

/* ---------------------------------------------------------------- helpers */

static const char *srcdir(void)
{
    const char *dir = getenv("PROVBOX_SRCDIR");
    return dir != NULL ? dir : ".";
}

static Octstr *read_src_file(const char *relative)
{
    Octstr *path = octstr_format("%s/%s", srcdir(), relative);
    Octstr *data = octstr_read_file(octstr_get_cstr(path));

    if (data == NULL)
        tap_diag("cannot read %s", octstr_get_cstr(path));
    octstr_destroy(path);
    return data;
}

/* "03 0B 'text' 00" -> bytes */
static Octstr *B(const char *spec)
{
    Octstr *out = octstr_create("");
    const char *p = spec;

    while (*p != '\0') {
        if (isspace((unsigned char) *p)) {
            p++;
        } else if (*p == '\'') {
            const char *end = strchr(p + 1, '\'');
            octstr_append_data(out, p + 1, end - p - 1);
            p = end + 1;
        } else {
            char hex[3] = { p[0], p[1], '\0' };
            octstr_append_char(out, (int) strtol(hex, NULL, 16));
            p += 2;
        }
    }
    return out;
}

static int ok_octstr(Octstr *got, Octstr *want, const char *what)
{
    int pass;

    if (got == NULL) {
        ok(0, "%s (got NULL)", what);
        octstr_destroy(want);
        return 0;
    }
    pass = ok_bytes(octstr_get_cstr(got), octstr_len(got),
                    octstr_get_cstr(want), octstr_len(want), what);
    octstr_destroy(want);
    return pass;
}

static Octstr *compile_cstr(const char *xml, Octstr **error)
{
    Octstr *in = octstr_create(xml);
    Octstr *out;

    *error = NULL;
    out = wbxml_compile(in, error);
    octstr_destroy(in);
    return out;
}

/* Compile a document and compare with the expected body (after the
 * 03 0B 6A header); `table` is the string table with its length byte. */
static void check_compile(const char *xml, const char *table,
                          const char *body, const char *what)
{
    Octstr *error;
    Octstr *got = compile_cstr(xml, &error);
    Octstr *spec = octstr_format("03 0B 6A %s %s", table, body);

    if (got == NULL)
        tap_diag("error: %s", octstr_get_cstr(error));
    ok_octstr(got, B(octstr_get_cstr(spec)), what);
    octstr_destroy(spec);
    octstr_destroy(got);
    octstr_destroy(error);
}

static int contains(Octstr *haystack, const char *needle)
{
    return haystack != NULL
           && octstr_search(haystack, octstr_imm(needle), 0) >= 0;
}

static int contains_bytes(Octstr *haystack, const char *spec)
{
    Octstr *needle = B(spec);
    int found = haystack != NULL && octstr_search(haystack, needle, 0) >= 0;

    octstr_destroy(needle);
    return found;
}

/* Compiling fails with NULL and an error starting "line N: " that names
 * the cause. */
static void check_compile_error(Octstr *xml, const char *line_prefix,
                                const char *cause, const char *what)
{
    Octstr *error = NULL;
    Octstr *got = wbxml_compile(xml, &error);
    int pass = got == NULL && error != NULL
               && octstr_str_ncompare(error, line_prefix,
                                      strlen(line_prefix)) == 0
               && contains(error, cause);

    ok(pass, "%s", what);
    if (!pass)
        tap_diag("got %s, error '%s'; want '%s ... %s'",
                 got != NULL ? "output" : "NULL",
                 error != NULL ? octstr_get_cstr(error) : "(none)",
                 line_prefix, cause);
    octstr_destroy(got);
    octstr_destroy(error);
}

static void check_compile_error_cstr(const char *xml, const char *line_prefix,
                                     const char *cause, const char *what)
{
    Octstr *in = octstr_create(xml);

    check_compile_error(in, line_prefix, cause, what);
    octstr_destroy(in);
}

/* Decoding fails with NULL and an error "offset 0x...: ...cause...". */
static void check_decode_error(const char *spec, const char *offset_prefix,
                               const char *cause, const char *what)
{
    Octstr *in = B(spec);
    Octstr *error = NULL;
    Octstr *got = wbxml_decode(in, &error);
    int pass = got == NULL && error != NULL
               && octstr_str_ncompare(error, offset_prefix,
                                      strlen(offset_prefix)) == 0
               && contains(error, cause);

    ok(pass, "%s", what);
    if (!pass)
        tap_diag("got %s, error '%s'", got != NULL ? octstr_get_cstr(got)
                 : "NULL", error != NULL ? octstr_get_cstr(error) : "(none)");
    octstr_destroy(in);
    octstr_destroy(got);
    octstr_destroy(error);
}

static Octstr *decode_spec(const char *spec)
{
    Octstr *in = B(spec);
    Octstr *error = NULL;
    Octstr *got = wbxml_decode(in, &error);

    if (got == NULL)
        tap_diag("decode error: %s", octstr_get_cstr(error));
    octstr_destroy(in);
    octstr_destroy(error);
    return got;
}

/* ---- element trees: names, attributes in order, element children ---- */

static int same_attributes(xmlNodePtr a, xmlNodePtr b)
{
    xmlAttrPtr x = a->properties, y = b->properties;

    for (; x != NULL && y != NULL; x = x->next, y = y->next) {
        xmlChar *vx = xmlNodeListGetString(a->doc, x->children, 1);
        xmlChar *vy = xmlNodeListGetString(b->doc, y->children, 1);
        int same = xmlStrEqual(x->name, y->name)
                   && xmlStrEqual(vx != NULL ? vx : BAD_CAST "",
                                  vy != NULL ? vy : BAD_CAST "");
        xmlFree(vx);
        xmlFree(vy);
        if (!same)
            return 0;
    }
    return x == NULL && y == NULL;
}

static xmlNodePtr next_element(xmlNodePtr node)
{
    while (node != NULL && node->type != XML_ELEMENT_NODE)
        node = node->next;
    return node;
}

static int same_tree(xmlNodePtr a, xmlNodePtr b)
{
    xmlNodePtr x, y;

    if (!xmlStrEqual(a->name, b->name) || !same_attributes(a, b))
        return 0;
    x = next_element(a->children);
    y = next_element(b->children);
    while (x != NULL && y != NULL) {
        if (!same_tree(x, y))
            return 0;
        x = next_element(x->next);
        y = next_element(y->next);
    }
    return x == NULL && y == NULL;
}

static int same_document(Octstr *xml_a, Octstr *xml_b)
{
    xmlDocPtr a, b;
    int same;

    if (xml_a == NULL || xml_b == NULL)
        return 0;
    a = xmlReadMemory(octstr_get_cstr(xml_a), octstr_len(xml_a), NULL, NULL,
                      XML_PARSE_NONET);
    b = xmlReadMemory(octstr_get_cstr(xml_b), octstr_len(xml_b), NULL, NULL,
                      XML_PARSE_NONET);
    same = a != NULL && b != NULL
           && same_tree(xmlDocGetRootElement(a), xmlDocGetRootElement(b));
    xmlFreeDoc(a);
    xmlFreeDoc(b);
    return same;
}

/* --------------------------------------------------------------- tokens */

static void test_token_tables(void)
{
    const WbxmlAttrStart *s;
    const WbxmlAttrValue *v;

    ok(wbxml_token_tag("characteristic") == 0x06
       && wbxml_token_tag("parm") == 0x07
       && wbxml_token_tag("wap-provisioningdoc") == 0x05
       && wbxml_token_tag("characteristic-query") == -1,
       "tag tokens 05/06/07, unknown element -1");
    ok(wbxml_token_tag_name(1, 0x06) != NULL
       && wbxml_token_tag_name(1, 0x05) == NULL
       && wbxml_token_tag_name(2, 0x06) == NULL,
       "page 1 has characteristic but no wap-provisioningdoc; no page 2");
    s = wbxml_token_attr_start(0, "name", "NAME");
    ok(s != NULL && s->token == 0x07, "page 0 name=NAME is 07");
    s = wbxml_token_attr_start(1, "name", "NAME");
    ok(s != NULL && s->token == 0x07, "page 1 duplicates name=NAME as 07");
    ok(wbxml_token_attr_start(1, "name", "DOMAIN") == NULL
       && wbxml_token_attr_start(0, "name", "RULE") == NULL,
       "DOMAIN only on page 0, RULE only on page 1");
    s = wbxml_token_attr_start(0, "name", "SPI");
    ok(s != NULL && s->token == 0x4F, "page 0 name=SPI is 4F");
    s = wbxml_token_attr_start(1, "type", "RESOURCE");
    ok(s != NULL && s->token == 0x59, "page 1 type=RESOURCE is 59");
    ok(wbxml_token_attr_start(0, "name", "name") == NULL
       && wbxml_token_attr_start(0, "name", "Name") == NULL,
       "attribute-start lookup is case-sensitive");
    v = wbxml_token_attr_value(0, "IPV4");
    ok(v != NULL && v->token == 0x85 && wbxml_token_attr_value(0, "ipv4") == NULL
       && wbxml_token_attr_value(1, "IPV4") == NULL,
       "IPV4 is 85 on page 0 only, and 'ipv4' is no token");
    v = wbxml_token_attr_value(0, "HA");
    ok(v != NULL && v->token == 0xE1, "HA (E1) is on page 0");
    ok(wbxml_token_attr_value(1, "BASIC") == NULL
       && wbxml_token_attr_value_of(1, 0x92) != NULL
       && strcmp(wbxml_token_attr_value_of(1, 0x92)->value, "BASIC") == 0,
       "page-1 fragment BASIC (92) is decoded but never emitted");
    ok(wbxml_token_attr_start(1, "name", "APPREF") == NULL
       && wbxml_token_attr_start_of(1, 0x3C) != NULL
       && wbxml_token_attr_start(0, "type", "BEARERINFO") == NULL
       && wbxml_token_attr_start_of(0, 0x5C) != NULL,
       "APPREF (3C) and BEARERINFO (5C) are decode-only");
    ok(wbxml_token_attr_start_of(0, 0x4D) == NULL
       && wbxml_token_attr_start_of(0, 0x5E) == NULL
       && wbxml_token_attr_value_of(0, 0xBC) == NULL,
       "unused 4D and Nokia/Kannel WLAN tokens (5E, BC) are unknown");
}

/* ---------------------------------------------------------- Appendix C */

static void test_appendix_c(void)
{
    Octstr *xml = read_src_file("test/vectors/spec_appendixC.xml");
    Octstr *vector = read_src_file("test/vectors/spec_appendixC.wbxml");
    Octstr *error = NULL, *got, *no_doctype, *decoded, *again, *explained;
    long doctype_start, doctype_end;

    if (xml == NULL || vector == NULL) {
        ok(0, "Appendix C vector files readable");
        return;
    }
    got = wbxml_compile(xml, &error);
    ok(got != NULL && octstr_compare(got, vector) == 0,
       "Appendix C compiles byte for byte to the spec's 473-byte vector");
    if (got != NULL && octstr_compare(got, vector) != 0)
        ok_bytes(octstr_get_cstr(got), octstr_len(got),
                 octstr_get_cstr(vector), octstr_len(vector),
                 "Appendix C bytes (diagnostic)");

    no_doctype = octstr_duplicate(xml);
    doctype_start = octstr_search(no_doctype, octstr_imm("<!DOCTYPE"), 0);
    doctype_end = octstr_search_char(no_doctype, '>', doctype_start);
    octstr_delete(no_doctype, doctype_start, doctype_end - doctype_start + 1);
    octstr_destroy(got);
    got = wbxml_compile(no_doctype, &error);
    ok(doctype_start > 0 && !contains(no_doctype, "DOCTYPE")
       && got != NULL && octstr_compare(got, vector) == 0,
       "without the DOCTYPE the same bytes (same tables)");

    decoded = wbxml_decode(vector, &error);
    ok(same_document(decoded, xml), "decode(vector) has the spec's tree");
    ok(contains(decoded, PROV_DOCTYPE)
       && contains(decoded, "  <characteristic type=\"ACCESS\"/>\n"),
       "decoded text carries the PROV DOCTYPE and is indented");
    again = decoded != NULL ? wbxml_compile(decoded, &error) : NULL;
    ok(again != NULL && octstr_compare(again, vector) == 0,
       "compile(decode(vector)) == vector");

    explained = wbxml_explain(vector, &error);
    ok(contains(explained, "0003  05                        string table, 5 bytes\n")
       && contains(explained, "0004  4E 41 50 31 00              [0] \"NAP1\"\n"),
       "explain lists the string table first");
    ok(contains(explained, "0009  C5                        wap-provisioningdoc (attrs, content)\n")
       && contains(explained, "000A  46                          version=1.0\n")
       && contains(explained, "000D  51                            type=PXLOGICAL\n"),
       "explain: offset, hex, meaning indented by depth");
    ok(contains(explained, "0012  03 31 37 30 2E 31 38 ..         STR_I \"170.187.51.4\"\n")
       && contains(explained, "83 00                           STR_T [0] \"NAP1\"\n")
       && contains(explained, "AA                              GSM-CSD\n")
       && contains(explained, "01D6  01                            END (attributes)\n")
       && contains(explained, "01D8  01                        END </wap-provisioningdoc>\n"),
       "explain: STR_I, STR_T, value tokens and END lines");

    octstr_destroy(xml);
    octstr_destroy(vector);
    octstr_destroy(got);
    octstr_destroy(no_doctype);
    octstr_destroy(decoded);
    octstr_destroy(again);
    octstr_destroy(explained);
}

/* ------------------------------------------------- flags and page state */

static void test_element_flags(void)
{
    check_compile("<wap-provisioningdoc><characteristic type=\"ACCESS\">"
                  "</characteristic></wap-provisioningdoc>",
                  "00", "45 C6 5B 01 01 01",
                  "empty characteristic keeps the content flag (C6 5B 01 01); "
                  "root without attributes is 45");
    check_compile("<wap-provisioningdoc><characteristic type=\"ACCESS\"/>"
                  "</wap-provisioningdoc>",
                  "00", "45 C6 5B 01 01 01",
                  "self-closing characteristic: the same bytes");
    check_compile("<wap-provisioningdoc version=\"1.0\"/>", "00", "C5 46 01 01",
                  "empty root still has content (C5 46 01 01)");
    check_compile("<wap-provisioningdoc><characteristic type=\"NAPDEF\">"
                  "<parm name=\"T-BIT\">  \n </parm><parm name=\"T-BIT\"/>"
                  "</characteristic></wap-provisioningdoc>",
                  "00", "45 C6 55 01 87 4C 01 87 4C 01 01 01",
                  "parm never carries the content flag; whitespace ignored");
    check_compile("<wap-provisioningdoc>\n  <!-- note -->\n  <?pi data?>\n"
                  "  <characteristic type=\"BOOTSTRAP\"/>\n"
                  "</wap-provisioningdoc>",
                  "00", "45 C6 56 01 01 01",
                  "comments, PIs and whitespace text are dropped");
    check_compile("<wap-provisioningdoc version=\"1.1\"/>", "00",
                  "C5 45 03 '1.1' 00 01 01",
                  "version other than 1.0 is 45 + string");
}

static void test_page_switching(void)
{
    check_compile("<wap-provisioningdoc>"
                  "<characteristic type=\"APPLICATION\">"
                  "<parm name=\"APPID\" value=\"w2\"/>"
                  "<parm name=\"NAME\" value=\"Browser\"/>"
                  "<characteristic type=\"APPADDR\">"
                  "<parm name=\"ADDR\" value=\"192.0.2.1\"/>"
                  "<parm name=\"ADDRTYPE\" value=\"IPV4\"/>"
                  "</characteristic></characteristic>"
                  "<characteristic type=\"NAPDEF\">"
                  "<parm name=\"NAPID\" value=\"N\"/>"
                  "</characteristic></wap-provisioningdoc>",
                  "00",
                  "45 C6 00 01 55 01"
                  " 87 36 06 03 'w2' 00 01"
                  " 87 07 06 03 'Browser' 00 01"
                  " C6 56 01 87 34 06 03 '192.0.2.1' 00 01"
                  " 87 35 00 00 06 85 01 01 01"
                  " C6 55 01 87 11 06 03 'N' 00 01 01 01",
                  "APPLICATION switches to page 1 once; NAME stays on page 1; "
                  "IPV4 switches back with 06; NAPDEF needs no switch");
    check_compile("<wap-provisioningdoc>"
                  "<characteristic type=\"APPLICATION\">"
                  "<parm name=\"APPID\" value=\"w4\"/>"
                  "<characteristic type=\"PORT\"><parm name=\"PORTNBR\" value=\"80\"/>"
                  "</characteristic></characteristic>"
                  "<characteristic type=\"NAPDEF\"><parm name=\"NAME\" value=\"x\"/>"
                  "</characteristic></wap-provisioningdoc>",
                  "00",
                  "45 C6 00 01 55 01 87 36 06 03 'w4' 00 01"
                  " C6 53 01 87 23 06 03 '80' 00 01 01 01"
                  " C6 00 00 55 01 87 07 06 03 'x' 00 01 01 01",
                  "page-1 PORT/PORTNBR without a switch; back to page 0 "
                  "for NAPDEF (00 00)");
    check_compile("<wap-provisioningdoc><characteristic type=\"ACCESS\">"
                  "<parm name=\"RULE\" value=\"r\"/>"
                  "<parm name=\"TO-NAPID\" value=\"N\"/>"
                  "<parm name=\"DOMAIN\" value=\"d\"/>"
                  "</characteristic></wap-provisioningdoc>",
                  "00",
                  "45 C6 5B 01 87 00 01 3B 06 03 'r' 00 01"
                  " 87 22 06 03 'N' 00 01"
                  " 87 00 00 17 06 03 'd' 00 01 01 01",
                  "page-1-only RULE switches inside a page-0 characteristic, "
                  "TO-NAPID stays, DOMAIN switches back");
    check_compile("<wap-provisioningdoc><characteristic type=\"NAPDEF\">"
                  "<parm name=\"NAME\" value=\"OBEX\"/>"
                  "<parm name=\"NAPID\" value=\"E164\"/>"
                  "</characteristic></wap-provisioningdoc>",
                  "00",
                  "45 C6 55 01 87 07 00 01 06 8E 01"
                  " 87 00 00 11 06 87 01 01 01",
                  "a value token only page 1 has (OBEX) switches before 06");
    check_compile("<wap-provisioningdoc><characteristic type=\"APPLICATION\">"
                  "<parm name=\"APPREF\" value=\"a\"/>"
                  "<parm name=\"AAUTHTYPE\" value=\"BASIC\"/>"
                  "</characteristic></wap-provisioningdoc>",
                  "00",
                  "45 C6 00 01 55 01 87 05 03 'APPREF' 00 06 03 'a' 00 01"
                  " 87 33 06 03 'BASIC' 00 01 01 01",
                  "decode-only tokens (APPREF 3C, BASIC 92) are never emitted");
}

/* ------------------------------------------------------ values, strings */

static void test_values(void)
{
    Octstr *error, *got;

    got = compile_cstr("<wap-provisioningdoc><characteristic type=\"NAPDEF\">"
                       "<parm name=\"NAME\" value=\"MY    ISP\"/>"
                       "</characteristic></wap-provisioningdoc>", &error);
    ok(contains_bytes(got, "87 07 06 03 'MY    ISP' 00 01"),
       "value=\"MY    ISP\" is kept byte for byte");
    octstr_destroy(got);
    check_compile("<wap-provisioningdoc><characteristic type=\"PXPHYSICAL\">"
                  "<parm name=\"PXADDRTYPE\" value=\"ipv4\"/>"
                  "<parm name=\"PXADDRTYPE\" value=\" IPV4\"/>"
                  "<parm name=\"PXADDRTYPE\" value=\"IPV4\"/>"
                  "</characteristic></wap-provisioningdoc>",
                  "00",
                  "45 C6 52 01 87 21 06 03 'ipv4' 00 01"
                  " 87 21 06 03 ' IPV4' 00 01 87 21 06 85 01 01 01",
                  "only an exact, case-sensitive value is tokenized");
    check_compile("<wap-provisioningdoc><characteristic type=\"Registry\">"
                  "<parm name=\"My Key\" value=\"\"/>"
                  "</characteristic></wap-provisioningdoc>",
                  "00",
                  "45 C6 50 03 'Registry' 00 01"
                  " 87 05 03 'My Key' 00 06 03 00 01 01 01",
                  "unknown type: 50 + STR_I; unknown name: 05 + STR_I; empty value");
    check_compile("<wap-provisioningdoc><characteristic type=\"pxlogical\"/>"
                  "</wap-provisioningdoc>",
                  "00", "45 C6 50 03 'pxlogical' 00 01 01 01",
                  "type match is case-sensitive");
    check_compile("<wap-provisioningdoc><characteristic type=\"X\">"
                  "<parm name=\"A\" value=\"a&#9;b&#10;c &amp; &lt;d&gt; &quot;\"/>"
                  "</characteristic></wap-provisioningdoc>",
                  "00",
                  "45 C6 50 03 'X' 00 01 87 05 03 'A' 00 06"
                  " 03 'a' 09 'b' 0A 'c & <d> \"' 00 01 01 01",
                  "character references arrive as the characters");
}

static void test_string_table_rule(void)
{
    check_compile("<wap-provisioningdoc><characteristic type=\"X\">"
                  "<parm name=\"A\" value=\"1\"/><parm name=\"B\" value=\"1\"/>"
                  "</characteristic></wap-provisioningdoc>",
                  "00",
                  "45 C6 50 03 'X' 00 01 87 05 03 'A' 00 06 03 '1' 00 01"
                  " 87 05 03 'B' 00 06 03 '1' 00 01 01 01",
                  "a string twice stays inline when the table saves nothing");
    check_compile("<wap-provisioningdoc><characteristic type=\"X\">"
                  "<parm name=\"A\" value=\"1\"/><parm name=\"B\" value=\"1\"/>"
                  "<parm name=\"C\" value=\"1\"/>"
                  "</characteristic></wap-provisioningdoc>",
                  "02 '1' 00",
                  "45 C6 50 03 'X' 00 01 87 05 03 'A' 00 06 83 00 01"
                  " 87 05 03 'B' 00 06 83 00 01 87 05 03 'C' 00 06 83 00 01 01 01",
                  "three times it goes to the table (STR_T 83 00)");
    check_compile("<wap-provisioningdoc><characteristic type=\"NAPDEF\">"
                  "<parm name=\"NAME\" value=\"second\"/>"
                  "<parm name=\"NAPID\" value=\"first\"/>"
                  "<parm name=\"NAME\" value=\"second\"/>"
                  "<parm name=\"NAPID\" value=\"first\"/>"
                  "</characteristic></wap-provisioningdoc>",
                  "0D 'second' 00 'first' 00",
                  "45 C6 55 01 87 07 06 83 00 01 87 11 06 83 07 01"
                  " 87 07 06 83 00 01 87 11 06 83 07 01 01 01",
                  "table entries in order of first occurrence");
}

static void test_long_strings(void)
{
    Octstr *xml, *error = NULL, *got, *decoded;
    char long_value[131];

    memset(long_value, 'a', 130);
    long_value[130] = '\0';
    xml = octstr_format("<wap-provisioningdoc><characteristic type=\"X\">"
                        "<parm name=\"A\" value=\"%s\"/>"
                        "<parm name=\"B\" value=\"%s\"/>"
                        "<parm name=\"C\" value=\"NAPX\"/>"
                        "<parm name=\"D\" value=\"NAPX\"/>"
                        "</characteristic></wap-provisioningdoc>",
                        long_value, long_value);
    got = wbxml_compile(xml, &error);
    ok(got != NULL && octstr_get_char(got, 3) == 0x81
       && octstr_get_char(got, 4) == 0x08,
       "string table of 136 bytes: two-byte mb_u_int32 length 81 08");
    ok(contains_bytes(got, "06 83 81 03 01"),
       "STR_T offset 131 as two-byte mb_u_int32 (83 81 03)");
    decoded = got != NULL ? wbxml_decode(got, &error) : NULL;
    ok(same_document(decoded, xml), "multi-byte lengths and offsets decode");
    octstr_destroy(xml);
    octstr_destroy(got);
    octstr_destroy(decoded);
}

/* -------------------------------------------------------------- LITERAL */

static void test_literals(void)
{
    const char *wm =
        "<wap-provisioningdoc><characteristic type=\"Registry\">"
        "<characteristic-query type=\"HKLM\\A\" recursive=\"false\"/>"
        "<parm name=\"x\" value=\"1\" datatype=\"integer\"/>"
        "<noparm name=\"y\"/><nocharacteristic/>"
        "</characteristic></wap-provisioningdoc>";
    Octstr *in = octstr_create(wm), *error = NULL, *got, *decoded, *explained;

    check_compile(wm,
                  "40 'characteristic-query' 00 'recursive' 00 'datatype' 00"
                  " 'noparm' 00 'nocharacteristic' 00",
                  "45 C6 50 03 'Registry' 00 01"
                  " 84 00 50 03 'HKLM\\A' 00 04 15 03 'false' 00 01"
                  " 87 05 03 'x' 00 06 03 '1' 00 04 1F 03 'integer' 00 01"
                  " 84 28 05 03 'y' 00 01 04 2F 01 01",
                  "WM elements and attributes: LITERAL_A / LITERAL + "
                  "string-table offsets");
    got = wbxml_compile(in, &error);
    decoded = got != NULL ? wbxml_decode(got, &error) : NULL;
    ok(same_document(decoded, in), "LITERAL document decodes to its tree");
    explained = got != NULL ? wbxml_explain(got, &error) : NULL;
    ok(contains(explained, "LITERAL_A [0] characteristic-query (attrs)\n")
       && contains(explained, "LITERAL [31] datatype=\n")
       && contains(explained, "LITERAL [47] nocharacteristic\n"),
       "explain names LITERALs and their table offsets");
    check_compile("<wap-provisioningdoc><group><characteristic type=\"X\"/>"
                  "</group><group a=\"1\"><characteristic type=\"X\"/></group>"
                  "</wap-provisioningdoc>",
                  "08 'group' 00 'a' 00",
                  "45 44 00 C6 50 03 'X' 00 01 01 01"
                  " C4 00 04 06 03 '1' 00 01 C6 50 03 'X' 00 01 01 01 01",
                  "unknown elements with children: LITERAL_C (44) and "
                  "LITERAL_AC (C4)");
    check_compile("<wap-provisioningdoc><characteristic type=\"X\" mwid=\"1\"/>"
                  "</wap-provisioningdoc>",
                  "05 'mwid' 00",
                  "45 C6 50 03 'X' 00 04 00 03 '1' 00 01 01 01",
                  "an unknown attribute is kept, never an empty attribute list");
    octstr_destroy(in);
    octstr_destroy(got);
    octstr_destroy(decoded);
    octstr_destroy(explained);
}

/* ------------------------------------------------------------ encodings */

/* UTF-16 with BOM from an ASCII template where '~' stands for U+00E9. */
static Octstr *utf16(const char *ascii, int big_endian)
{
    Octstr *out = B(big_endian ? "FE FF" : "FF FE");
    const char *p;

    for (p = ascii; *p != '\0'; p++) {
        int c = *p == '~' ? 0xE9 : (unsigned char) *p;
        octstr_append_char(out, big_endian ? 0 : c);
        octstr_append_char(out, big_endian ? c : 0);
    }
    return out;
}

static void test_encodings(void)
{
    const char *doc16 =
        "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n"
        "<wap-provisioningdoc><characteristic type=\"NAPDEF\">"
        "<parm name=\"NAME\" value=\"Caf~\"/></characteristic>"
        "</wap-provisioningdoc>";
    const char *want = "87 07 06 03 'Caf' C3 A9 00 01";
    Octstr *in, *error = NULL, *got;

    in = utf16(doc16, 0);
    got = wbxml_compile(in, &error);
    ok(contains_bytes(got, want), "UTF-16LE with BOM -> UTF-8 strings");
    octstr_destroy(in);
    octstr_destroy(got);

    in = utf16(doc16, 1);
    got = wbxml_compile(in, &error);
    ok(contains_bytes(got, want), "UTF-16BE with BOM -> UTF-8 strings");
    octstr_destroy(in);
    octstr_destroy(got);

    in = B("'<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>' 0A"
           "'<wap-provisioningdoc><characteristic type=\"NAPDEF\">'"
           "'<parm name=\"NAME\" value=\"Caf' E9 '\"/></characteristic>'"
           "'</wap-provisioningdoc>'");
    got = wbxml_compile(in, &error);
    ok(contains_bytes(got, want), "ISO-8859-1 declared -> UTF-8 strings");
    octstr_destroy(in);
    octstr_destroy(got);

    in = B("'<?xml version=\"1.0\"?>' 0A '<wap-provisioningdoc>' 0A"
           "'<characteristic type=\"NAPDEF\"><parm name=\"NAME\" value=\"Caf'"
           " E9 '\"/>' 0A '</characteristic></wap-provisioningdoc>'");
    check_compile_error(in, "line 3: ", "UTF-8",
                        "undeclared Latin-1 byte is an error naming line 3");
    octstr_destroy(in);

    in = B("'<?xml version=\"1.0\" encoding=\"UTF-8\"?>' 0A 0A"
           "'<wap-provisioningdoc><characteristic type=\"X\"/>' 0A"
           "'<!-- ' C3 28 ' -->' 0A '</wap-provisioningdoc>'");
    check_compile_error(in, "line 4: ", "UTF-8",
                        "invalid UTF-8 even in a comment is an error (line 4)");
    octstr_destroy(in);
}

/* ------------------------------------------------------------- security */

static Octstr *temp_file_with(const char *content)
{
    char path[] = "/tmp/test_wbxml_XXXXXX";
    int fd = mkstemp(path);

    if (fd < 0 || write(fd, content, strlen(content)) != (ssize_t) strlen(content)) {
        tap_diag("cannot write a temporary file");
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    close(fd);
    return octstr_create(path);
}

static void test_external_resources(void)
{
    const char *body = "<wap-provisioningdoc><characteristic type=\"X\">"
                       "<parm name=\"A\" value=\"1\"/></characteristic>"
                       "</wap-provisioningdoc>";
    Octstr *dtd = temp_file_with("<!ATTLIST parm extra CDATA \"LEAK-DTD\">\n"
                                 "<!ENTITY leak \"LEAK-ENTITY\">\n");
    Octstr *text = temp_file_with("LEAK-FILE");
    Octstr *plain, *xml, *got, *error = NULL;

    plain = compile_cstr(body, &error);

    xml = octstr_format("<?xml version=\"1.0\"?>\n<!DOCTYPE wap-provisioningdoc "
                        "SYSTEM \"%S\">\n%s", dtd, body);
    got = wbxml_compile(xml, &error);
    ok(got != NULL && plain != NULL && octstr_compare(got, plain) == 0,
       "external DTD is not loaded (no default attribute from it)");
    octstr_destroy(xml);
    octstr_destroy(got);

    xml = octstr_format("<?xml version=\"1.0\"?>\n<!DOCTYPE wap-provisioningdoc "
                        "[ <!ENTITY %% ext SYSTEM \"%S\"> %%ext; ]>\n"
                        "<wap-provisioningdoc><characteristic type=\"X\">"
                        "<parm name=\"A\" value=\"&leak;\"/></characteristic>"
                        "</wap-provisioningdoc>", dtd);
    got = wbxml_compile(xml, &error);
    ok(!contains(got, "LEAK"), "external parameter entity is not loaded");
    octstr_destroy(xml);
    octstr_destroy(got);
    octstr_destroy(error);
    error = NULL;

    xml = octstr_format("<?xml version=\"1.0\"?>\n<!DOCTYPE wap-provisioningdoc "
                        "[ <!ENTITY x SYSTEM \"%S\"> ]>\n"
                        "<wap-provisioningdoc><characteristic type=\"X\">\n"
                        "<parm name=\"A\" value=\"&x;\"/></characteristic>"
                        "</wap-provisioningdoc>", text);
    check_compile_error(xml, "line 4: ", "external entity",
                        "external entity in an attribute: error, not loaded");
    octstr_destroy(xml);

    xml = octstr_format("<?xml version=\"1.0\"?>\n<!DOCTYPE wap-provisioningdoc "
                        "[ <!ENTITY x SYSTEM \"%S\"> ]>\n"
                        "<wap-provisioningdoc><characteristic type=\"X\">\n\n"
                        "&x;</characteristic></wap-provisioningdoc>", text);
    check_compile_error(xml, "line 5: ", "entity reference",
                        "external entity in content: error, not loaded");
    octstr_destroy(xml);

    xml = octstr_format("<?xml version=\"1.0\"?>\n<!DOCTYPE wap-provisioningdoc "
                        "SYSTEM \"/etc/hostname\">\n%s", body);
    got = wbxml_compile(xml, &error);
    ok(got != NULL && plain != NULL && octstr_compare(got, plain) == 0,
       "DOCTYPE SYSTEM /etc/hostname: same bytes as without");
    octstr_destroy(xml);
    octstr_destroy(got);

    unlink(octstr_get_cstr(dtd));
    unlink(octstr_get_cstr(text));
    octstr_destroy(dtd);
    octstr_destroy(text);
    octstr_destroy(plain);
}

static Octstr *billion_laughs(const char *use)
{
    Octstr *xml = octstr_create("<?xml version=\"1.0\"?>\n"
                                "<!DOCTYPE wap-provisioningdoc [\n"
                                "<!ENTITY l0 \"ha\">\n");
    int i;

    for (i = 1; i <= 10; i++)
        octstr_format_append(xml, "<!ENTITY l%d \"&l%d;&l%d;&l%d;&l%d;&l%d;"
                             "&l%d;&l%d;&l%d;&l%d;&l%d;\">\n", i, i - 1, i - 1,
                             i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1,
                             i - 1);
    octstr_format_append(xml, "]>\n<wap-provisioningdoc>"
                         "<characteristic type=\"X\">%s</characteristic>"
                         "</wap-provisioningdoc>\n", use);
    return xml;
}

static void test_entity_bombs(void)
{
    Octstr *xml = billion_laughs("<parm name=\"A\" value=\"&l10;\"/>");

    check_compile_error(xml, "line 15: ", "entity",
                        "billion laughs in an attribute: error on line 15");
    octstr_destroy(xml);
    xml = billion_laughs("&l10;");
    check_compile_error(xml, "line 15: ", "entity",
                        "billion laughs in content: error on line 15");
    octstr_destroy(xml);
    check_compile_error_cstr("<?xml version=\"1.0\"?>\n<!DOCTYPE wap-provisioningdoc "
                             "[ <!ENTITY a \"x&b;\"> <!ENTITY b \"&a;\"> ]>\n"
                             "<wap-provisioningdoc><characteristic type=\"X\">"
                             "<parm name=\"A\" value=\"&a;\"/></characteristic>"
                             "</wap-provisioningdoc>", "line 3: ", "entity",
                             "recursive entity: error");
    check_compile("<?xml version=\"1.0\"?>\n<!DOCTYPE wap-provisioningdoc "
                  "[ <!ENTITY isp \"MY ISP\"> ]>\n<wap-provisioningdoc>"
                  "<characteristic type=\"NAPDEF\"><parm name=\"NAME\" "
                  "value=\"&isp;\"/></characteristic></wap-provisioningdoc>",
                  "00", "45 C6 55 01 87 07 06 03 'MY ISP' 00 01 01 01",
                  "a small internal entity in an attribute is expanded");
}

/* --------------------------------------------------------- compile errors */

static void test_compile_errors(void)
{
    check_compile_error_cstr("<wap-provisioningdoc>\n<characteristic type=\"X\">\n"
                             "</wap-provisioningdoc>", "line 3: ", "mismatch",
                             "malformed XML: line and libxml2's cause");
    check_compile_error_cstr("", "line 1: ", "empty", "empty input");
    check_compile_error_cstr("\x03\x0B\x6A\x00\x45\x01", "line 1: ", "",
                             "WBXML fed to the compiler");
    check_compile_error_cstr("<?xml version=\"1.0\"?>\n<provisioning/>",
                             "line 2: ", "root element is 'provisioning', "
                             "expected wap-provisioningdoc", "wrong root");
    check_compile_error_cstr("<wap-provisioningdoc>\n<parm name=\"A\" value=\"1\"/>"
                             "\n</wap-provisioningdoc>", "line 2: ",
                             "parm outside a characteristic",
                             "parm directly under the root");
    check_compile_error_cstr("<wap-provisioningdoc><characteristic type=\"X\">\n"
                             "<group>\n<parm name=\"A\"/></group>"
                             "</characteristic></wap-provisioningdoc>",
                             "line 3: ", "parm outside a characteristic",
                             "parm inside an unknown element");
    check_compile_error_cstr("<wap-provisioningdoc>\n<characteristic type=\"X\">\n"
                             "<characteristic>\n</characteristic>"
                             "</characteristic></wap-provisioningdoc>",
                             "line 3: ", "characteristic without type",
                             "characteristic without type");
    check_compile_error_cstr("<wap-provisioningdoc>\n<characteristic type=\"X\">\n"
                             "\n<parm value=\"1\"/></characteristic>"
                             "</wap-provisioningdoc>",
                             "line 4: ", "parm without name", "parm without name");
    check_compile_error_cstr("<wap-provisioningdoc>\n<characteristic type=\"X\">\n"
                             "  hunter2\n</characteristic></wap-provisioningdoc>",
                             "line 3: ", "unexpected text in 'characteristic'",
                             "text in a characteristic");
    check_compile_error_cstr("<wap-provisioningdoc><characteristic type=\"X\">\n"
                             "<parm name=\"AUTHSECRET\">hunter2</parm>"
                             "</characteristic></wap-provisioningdoc>",
                             "line 2: ", "unexpected text in 'parm'",
                             "text in a parm");
    check_compile_error_cstr("<wap-provisioningdoc>x<characteristic type=\"X\"/>"
                             "</wap-provisioningdoc>",
                             "line 1: ", "unexpected text in 'wap-provisioningdoc'",
                             "text in the root");
    check_compile_error_cstr("<wap-provisioningdoc><characteristic type=\"X\">\n\n"
                             "<![CDATA[data]]></characteristic>"
                             "</wap-provisioningdoc>", "line 3: ",
                             "unexpected text", "CDATA text");
    check_compile_error_cstr("<wap-provisioningdoc><characteristic type=\"X\">\n"
                             "<parm name=\"A\">\n<characteristic type=\"Y\"/>"
                             "</parm></characteristic></wap-provisioningdoc>",
                             "line 3: ", "'characteristic' inside a parm",
                             "element inside a parm");
    check_compile_error_cstr("<wap-provisioningdoc>\n<wap-provisioningdoc/>"
                             "</wap-provisioningdoc>", "line 2: ",
                             "wap-provisioningdoc inside the document",
                             "nested root");
    {
        Octstr *error = NULL;
        Octstr *got = compile_cstr("<wap-provisioningdoc><characteristic "
                                   "type=\"X\"><parm name=\"AUTHSECRET\">"
                                   "hunter2</parm></characteristic>"
                                   "</wap-provisioningdoc>", &error);
        ok(got == NULL && error != NULL && !contains(error, "hunter2"),
           "the error does not quote misplaced text (may be a secret)");
        octstr_destroy(error);
    }
}

/* ---------------------------------------------------------------- corpus */

static int compare_names(const void *a, const void *b)
{
    return octstr_compare(a, b);
}

/* The *.xml files of test/corpus, sorted. */
static List *corpus_names(void)
{
    Octstr *path = octstr_format("%s/test/corpus", srcdir());
    DIR *dir = opendir(octstr_get_cstr(path));
    List *names = gwlist_create();
    struct dirent *entry;

    while (dir != NULL && (entry = readdir(dir)) != NULL) {
        size_t len = strlen(entry->d_name);
        if (len > 4 && strcmp(entry->d_name + len - 4, ".xml") == 0)
            gwlist_append(names, octstr_create(entry->d_name));
    }
    if (dir != NULL)
        closedir(dir);
    gwlist_sort(names, compare_names);
    octstr_destroy(path);
    return names;
}

static void check_corpus_document(const char *name, long *largest)
{
    Octstr *relative = octstr_format("test/corpus/%s", name);
    Octstr *xml = read_src_file(octstr_get_cstr(relative));
    Octstr *error = NULL, *wbxml = NULL, *decoded = NULL, *again = NULL;

    if (xml != NULL)
        wbxml = wbxml_compile(xml, &error);
    if (wbxml == NULL)
        tap_diag("%s: %s", name, error ? octstr_get_cstr(error) : "unreadable");
    else
        decoded = wbxml_decode(wbxml, &error);
    if (decoded != NULL)
        again = wbxml_compile(decoded, &error);
    ok(same_document(decoded, xml), "corpus %s: decode(compile(x)) has x's tree",
       name);
    ok(again != NULL && octstr_compare(again, wbxml) == 0,
       "corpus %s: compile(decode(w)) == w", name);
    if (wbxml != NULL && octstr_len(wbxml) > *largest)
        *largest = octstr_len(wbxml);
    octstr_destroy(relative);
    octstr_destroy(xml);
    octstr_destroy(error);
    octstr_destroy(wbxml);
    octstr_destroy(decoded);
    octstr_destroy(again);
}

static void test_corpus(void)
{
    List *names = corpus_names();
    long largest = 0, i;

    ok(gwlist_len(names) >= 15, "corpus has at least 15 documents (%ld)",
       gwlist_len(names));
    for (i = 0; i < gwlist_len(names); i++)
        check_corpus_document(octstr_get_cstr(gwlist_get(names, i)), &largest);
    ok(largest >= 2000, "a corpus document compiles to >= 2,000 bytes (%ld)",
       largest);
    gwlist_destroy(names, octstr_destroy_item);
}

/* --------------------------------------------------------------- decoder */

static void test_decode_forms(void)
{
    Octstr *got;

    got = decode_spec("01 0B 6A 00 C5 46 01 01");
    ok(contains(got, "<wap-provisioningdoc version=\"1.0\"/>"),
       "WBXML 1.1 (version 01) accepted");
    octstr_destroy(got);
    got = decode_spec("02 0B 6A 00 45 01");
    ok(contains(got, "<wap-provisioningdoc/>"), "WBXML 1.2 (version 02) accepted");
    octstr_destroy(got);
    check_decode_error("00 0B 6A 00 45 01", "offset 0x0000: ", "version",
                       "version 00 rejected with its offset");
    check_decode_error("04 0B 6A 00 45 01", "offset 0x0000: ", "version",
                       "version 04 rejected");
    got = decode_spec("03 00 00 6A 1E '-//WAPFORUM//DTD PROV 1.0//EN' 00 45 01");
    ok(contains(got, "<wap-provisioningdoc/>"),
       "public id as a string-table reference");
    octstr_destroy(got);
    check_decode_error("03 00 00 6A 04 'abc' 00 45 01", "offset 0x0001: ",
                       "public id", "other public id string rejected");
    check_decode_error("03 01 6A 00 45 01", "offset 0x0001: ", "not PROV",
                       "public id 01 rejected");
    got = decode_spec("03 0B 04 00 45 C6 55 01 87 07 06 03 'Caf' E9 00 01 01 01");
    ok(contains_bytes(got, "'value=\"Caf' C3 A9 '\"'"),
       "ISO-8859-1 document: strings converted to UTF-8");
    octstr_destroy(got);
    got = decode_spec("03 0B 6A 00 45 C6 00 01 55 01 87 36 06 C3 02 'w2' 01 01 01");
    ok(contains(got, "<characteristic type=\"APPLICATION\">")
       && contains(got, "<parm name=\"APPID\" value=\"w2\"/>"),
       "page-1 value= (06) as Viettel sends it; OPAQUE shown as its text");
    octstr_destroy(got);
    got = decode_spec("03 0B 6A 00 45 C6 00 01 55 01 87 33 06 91 92 90 91 93 01 "
                      "87 3C 06 03 'a' 00 01 01 01");
    ok(contains(got, "value=\"HTTP-BASIC,HTTP-DIGEST\"")
       && contains(got, "<parm name=\"APPREF\" value=\"a\"/>"),
       "page-1 fragments 90-93 and APPREF (3C) decode");
    octstr_destroy(got);
    got = decode_spec("03 0B 6A 00 45 C6 5C 01 87 07 06 03 'Caf' 00 02 81 69 "
                      "03 '!' 00 01 01 01");
    ok(contains(got, "type=\"BEARERINFO\"")
       && contains_bytes(got, "'value=\"Caf' C3 A9 '!\"'"),
       "vendor type 5C decodes; ENTITY joins strings");
    octstr_destroy(got);
    got = decode_spec("03 0B 6A 00 45 C6 50 03 'a&b<\"c\">' 09 00 01 01 01");
    ok(contains(got, "type=\"a&amp;b&lt;&quot;c&quot;&gt;&#9;\""),
       "decoded values are escaped (& < > \" tab)");
    octstr_destroy(got);
}

static void test_decode_errors(void)
{
    check_decode_error("03 0B 6A 00 45 C6 4D 01 01 01", "offset 0x0006: ",
                       "unknown attribute-start token 0x4D on code page 0",
                       "unknown attribute token: error with its offset");
    check_decode_error("03 0B 6A 00 45 C6 55 01 87 07 06 BC 01 01 01",
                       "offset 0x000B: ", "unknown attribute-value token 0xBC",
                       "Kannel's WLAN value BC is unknown");
    check_decode_error("03 0B 6A 00 45 08 01", "offset 0x0005: ",
                       "unknown tag token 0x08", "unknown tag token");
    check_decode_error("03 0B 6A 00 00 02 45 01", "offset 0x0006: ",
                       "code page 2", "tag page 2 is unknown");
    check_decode_error("03 0B 6A 00 45 C4 'characteristic-query' 01",
                       "offset 0x0005: ", "outside the 0-byte table",
                       "Kannel's broken LITERAL (no string table)");
    check_decode_error("03 0B 6A 00 45 C6 01 01 01", "offset 0x0006: ",
                       "empty attribute list", "Kannel's empty attribute list");
    check_decode_error("03 0B 6A 00 45 C6 50 03 'abc'", "offset 0x0007: ",
                       "no terminating NUL", "unterminated STR_I");
    check_decode_error("03 0B 6A 02 'a' 00 45 C6 50 83 05 01 01 01",
                       "offset 0x0009: ", "outside the 2-byte table",
                       "STR_T beyond the string table");
    check_decode_error("03 0B 6A 00 45 C6 55 01 87 07 07 01 01 01",
                       "offset 0x000A: ", "attribute 'name' repeated",
                       "repeated attribute");
    check_decode_error("03 0B 6A 00 45 C6 50 03 'a' 01 00 01 01 01",
                       "offset 0x0007: ", "U+0001", "control character");
    check_decode_error("03 0B 6A 00 45 C6 50 03 C3 28 00 01 01 01",
                       "offset 0x0007: ", "not valid UTF-8", "invalid UTF-8");
    check_decode_error("03 0B 6A 00 45 01 01", "offset 0x0006: ",
                       "1 bytes after the end", "trailing bytes");
    check_decode_error("03 0B 6A 00 45 C6 03 'x' 00 01 01 01",
                       "offset 0x0006: ", "value before any attribute name",
                       "value without an attribute start");
    check_decode_error("03 0B 6A 00 45 03 'text' 00 01", "offset 0x0005: ",
                       "unexpected STR_I", "text content rejected");
    check_decode_error("03 0B 6A 00 45 C6 55 01 87 07 43 01 01 01",
                       "offset 0x000A: ", "unexpected PI", "PI in attributes");
    check_decode_error("03 0B 6A 8F FF FF FF FF 7F", "offset 0x0003: ",
                       "longer than 32 bits", "oversized mb_u_int32");
    check_decode_error("03 0B 6A 7F 00", "offset 0x0003: ", "runs past the end",
                       "string table longer than the document");
    check_decode_error("03 0B 6A 00 45 C6 50 C3 09 'ab' 01 01 01",
                       "offset 0x0007: ", "OPAQUE of 9 bytes runs past",
                       "OPAQUE longer than the document");
    check_decode_error("03 0B 6A 00 45 C6 55 01", "offset 0x0008: ",
                       "document ends inside <characteristic>",
                       "truncated content");
    check_decode_error("03 0B 6A 00 45 C6 50 02 80 80 80 00 01 01 01",
                       "offset 0x0007: ", "not an XML character", "ENTITY 0");
    {
        Octstr *deep = B("03 0B 6A 02 'x' 00 45");
        Octstr *error = NULL, *got;
        int i;

        for (i = 0; i < 70; i++)
            octstr_append_data(deep, "\x44\x00", 2);   /* LITERAL_C [0] */
        for (i = 0; i <= 70; i++)
            octstr_append_char(deep, 0x01);
        got = wbxml_decode(deep, &error);
        ok(got == NULL && contains(error, "nested deeper than"),
           "nesting deeper than the limit rejected");
        octstr_destroy(deep);
        octstr_destroy(got);
        octstr_destroy(error);
    }
}

/* Every proper prefix and many one-byte mutations of the vector: decode
 * and explain either both succeed or both fail with an "offset 0x" error. */
static int decode_contract_holds(Octstr *input)
{
    Octstr *e1 = NULL, *e2 = NULL;
    Octstr *decoded = wbxml_decode(input, &e1);
    Octstr *explained = wbxml_explain(input, &e2);
    int holds;

    if (decoded != NULL)
        holds = e1 == NULL && explained != NULL && e2 == NULL;
    else
        holds = explained == NULL && e1 != NULL && e2 != NULL
                && octstr_compare(e1, e2) == 0
                && octstr_str_ncompare(e1, "offset 0x", 9) == 0;
    octstr_destroy(decoded);
    octstr_destroy(explained);
    octstr_destroy(e1);
    octstr_destroy(e2);
    return holds;
}

static void test_decode_robustness(void)
{
    static const int replacements[] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x43,
                                        0x44, 0x7F, 0x80, 0x83, 0x84, 0xC3,
                                        0xC4, 0xFF };
    Octstr *vector = read_src_file("test/vectors/spec_appendixC.wbxml");
    long len, i, prefixes_failing = 0, broken = 0, decoded_ok = 0, mutants = 0;
    size_t r;

    if (vector == NULL) {
        ok(0, "Appendix C vector readable");
        return;
    }
    len = octstr_len(vector);
    for (i = 0; i < len; i++) {
        Octstr *prefix = octstr_copy(vector, 0, i);
        Octstr *error = NULL, *got = wbxml_decode(prefix, &error);
        if (got == NULL && error != NULL
            && octstr_str_ncompare(error, "offset 0x", 9) == 0)
            prefixes_failing++;
        octstr_destroy(prefix);
        octstr_destroy(got);
        octstr_destroy(error);
    }
    ok(prefixes_failing == len, "all %ld truncations are errors with an "
       "offset (%ld)", len, prefixes_failing);
    for (i = 0; i < len; i++) {
        for (r = 0; r < sizeof(replacements) / sizeof(replacements[0]); r++) {
            Octstr *mutant = octstr_duplicate(vector);
            Octstr *error = NULL, *got;
            octstr_set_char(mutant, i, replacements[r]);
            mutants++;
            if (!decode_contract_holds(mutant))
                broken++;
            got = wbxml_decode(mutant, &error);
            decoded_ok += got != NULL;
            octstr_destroy(got);
            octstr_destroy(error);
            octstr_destroy(mutant);
        }
    }
    ok(broken == 0, "%ld one-byte mutants: decode and explain agree, errors "
       "carry offsets (%ld broken, %ld still decode)", mutants, broken,
       decoded_ok);
    octstr_destroy(vector);
}

static void test_explain_pages(void)
{
    Octstr *error = NULL;
    Octstr *wbxml = compile_cstr("<wap-provisioningdoc><characteristic "
                                 "type=\"APPLICATION\"><parm name=\"APPID\" "
                                 "value=\"w2\"/></characteristic>"
                                 "</wap-provisioningdoc>", &error);
    Octstr *explained = wbxml != NULL ? wbxml_explain(wbxml, &error) : NULL;

    ok(contains(explained, "0005  C6                          characteristic (attrs, content)\n")
       && contains(explained, "0006  00 01                         SWITCH_PAGE attribute page 1\n")
       && contains(explained, "0008  55                            type=APPLICATION\n")
       && contains(explained, "000C  06                              value=\n"),
       "explain shows the page switch and page-1 tokens");
    octstr_destroy(wbxml);
    octstr_destroy(explained);
}

int main(void)
{
    gwlib_init();
    log_set_output_level(GW_PANIC);
    wbxml_init();

    test_token_tables();
    test_appendix_c();
    test_element_flags();
    test_page_switching();
    test_values();
    test_string_table_rule();
    test_long_strings();
    test_literals();
    test_encodings();
    test_external_resources();
    test_entity_bombs();
    test_compile_errors();
    test_corpus();
    test_decode_forms();
    test_decode_errors();
    test_decode_robustness();
    test_explain_pages();

    wbxml_shutdown();
    gwlib_shutdown();
    return tap_done();
}
