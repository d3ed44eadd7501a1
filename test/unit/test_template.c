/*
 * test_template.c - unit tests of provbox/encode/template.c and
 * placeholder.c: where placeholders may be and the errors for the rest,
 * the values a placeholder may hold, and the one promise everything rests
 * on: filling a template gives byte for byte what wbxml_compile() gives
 * for the document with each {{NAME}} replaced by its value, XML-escaped.
 *
 * That promise is checked on hand-made documents for each way a value
 * changes the coding (a token, a page switch, the string table, a LITERAL)
 * and on the spec's Appendix C vector, then on every document of
 * test/corpus, test/vectors and doc/examples with random attributes made
 * placeholders and filled from a pool of values that holds tokens, the
 * document's own strings, XML's special characters, non-ASCII, long and
 * empty values and "{{...}}" itself.
 */
#include <string.h>

#include <libxml/tree.h>

#include "gwlib/gwlib.h"
#include "encode/placeholder.h"
#include "encode/template.h"
#include "encode/wbxml.h"
#include "encode/wbxml_xml.h"
#include "../lib/tap.h"
#include "../lib/test_data.h"

#define DOC_START "<?xml version=\"1.0\"?>\n<wap-provisioningdoc version=\"1.1\">\n"
#define DOC_END "</wap-provisioningdoc>\n"

/* ---- helpers ---- */

/* value XML-escaped for an attribute, as the promise says. */
static Octstr *xml_escaped(Octstr *value)
{
    Octstr *out = octstr_create("");
    long i;
    int c;

    for (i = 0; i < octstr_len(value); i++) {
        c = octstr_get_char(value, i);
        switch (c) {
        case '&': octstr_append_cstr(out, "&amp;"); break;
        case '<': octstr_append_cstr(out, "&lt;"); break;
        case '>': octstr_append_cstr(out, "&gt;"); break;
        case '"': octstr_append_cstr(out, "&quot;"); break;
        case '\'': octstr_append_cstr(out, "&apos;"); break;
        case '\t': octstr_append_cstr(out, "&#9;"); break;
        case '\n': octstr_append_cstr(out, "&#10;"); break;
        case '\r': octstr_append_cstr(out, "&#13;"); break;
        default: octstr_append_char(out, c);
        }
    }
    return out;
}

/* The index of the name at xml[at] ("{{NAME}}"), or -1. */
static long placeholder_at(Octstr *xml, long at, List *names, long *length)
{
    long k;
    Octstr *pattern;

    for (k = 0; k < gwlist_len(names); k++) {
        pattern = octstr_format("{{%S}}", gwlist_get(names, k));
        *length = octstr_len(pattern);
        if (octstr_len(xml) - at >= *length
            && memcmp(octstr_get_cstr(xml) + at, octstr_get_cstr(pattern), *length) == 0) {
            octstr_destroy(pattern);
            return k;
        }
        octstr_destroy(pattern);
    }
    return -1;
}

/* The document text with every {{names[k]}} replaced by values[k],
 * escaped, in one pass (a value holding "{{...}}" stays as it is). */
static Octstr *substituted(Octstr *xml, List *names, Octstr **values)
{
    Octstr *out = octstr_create(""), *escaped;
    long pos = 0, at, k, length;

    while ((at = octstr_search(xml, octstr_imm("{{"), pos)) >= 0) {
        octstr_append_data(out, octstr_get_cstr(xml) + pos, at - pos);
        if ((k = placeholder_at(xml, at, names, &length)) < 0) {
            octstr_append_cstr(out, "{{");
            pos = at + 2;
            continue;
        }
        escaped = xml_escaped(values[k]);
        octstr_append(out, escaped);
        octstr_destroy(escaped);
        pos = at + length;
    }
    octstr_append_data(out, octstr_get_cstr(xml) + pos, octstr_len(xml) - pos);
    return out;
}

/* 1 when filling the template of xml with values equals compiling the
 * substituted XML; *why says how not. */
static int fills_as_compiled(Octstr *xml, Octstr **values, Octstr **why)
{
    Octstr *error = NULL, *filled = NULL, *reference = NULL, *compiled = NULL;
    WbxmlTemplate *t = wbxml_template_compile(xml, &error);
    int same = 0;

    if (t != NULL) {
        filled = wbxml_template_fill(t, values, &error);
        reference = substituted(xml, wbxml_template_names(t), values);
    }
    if (filled != NULL)
        compiled = wbxml_compile(reference, &error);
    same = compiled != NULL && octstr_compare(filled, compiled) == 0;
    if (!same && why != NULL && *why == NULL)
        *why = error != NULL ? octstr_duplicate(error)
               : octstr_format("filled %H, compiled %H", filled, compiled);
    wbxml_template_destroy(t);
    octstr_destroy(filled);
    octstr_destroy(reference);
    octstr_destroy(compiled);
    octstr_destroy(error);
    return same;
}

/* fills_as_compiled() for a C document and C values (NULL-terminated). */
static void fills(const char *xml, const char *const *values, const char *what)
{
    Octstr *doc = octstr_create(xml), *why = NULL, *owned[16];
    long n = 0, k;
    int same;

    while (values[n] != NULL)
        n++;
    for (k = 0; k < n; k++)
        owned[k] = octstr_create(values[k]);
    same = fills_as_compiled(doc, owned, &why);
    ok(same, "%s", what);
    if (!same)
        tap_diag("%s", why != NULL ? octstr_get_cstr(why) : "?");
    for (k = 0; k < n; k++)
        octstr_destroy(owned[k]);
    octstr_destroy(why);
    octstr_destroy(doc);
}

/* The compile error for a C document, or NULL. */
static Octstr *template_error(const char *xml)
{
    Octstr *error = NULL;
    WbxmlTemplate *t = wbxml_template_compile(octstr_imm(xml), &error);

    wbxml_template_destroy(t);
    return error;
}

static void refuses(const char *xml, const char *want, const char *what)
{
    Octstr *error = template_error(xml);
    int found = error != NULL && strstr(octstr_get_cstr(error), want) != NULL;

    ok(found, "%s", what);
    if (!found)
        tap_diag("got '%s', want '%s'", error ? octstr_get_cstr(error) : "(compiled)", want);
    octstr_destroy(error);
}

/* ---- placeholders: where, names, errors ---- */

static void test_names_and_lines(void)
{
    const char *xml = DOC_START
        "<characteristic type=\"APPLICATION\">\n"
        "  <parm name=\"AAUTHNAME\" value=\"{{LOGIN}}\"/>\n"
        "  <parm name=\"AAUTHSECRET\" value=\"{{SECRET}}-{{LOGIN}}\"/>\n"
        "  <parm name=\"NAME\" value=\"{{my_name-2}}\"/>\n"
        "</characteristic>\n" DOC_END;
    Octstr *error = NULL;
    WbxmlTemplate *t = wbxml_template_compile(octstr_imm(xml), &error);
    List *names = t != NULL ? wbxml_template_names(t) : NULL;

    ok(names != NULL && gwlist_len(names) == 3
       && octstr_str_compare(gwlist_get(names, 0), "LOGIN") == 0
       && octstr_str_compare(gwlist_get(names, 1), "SECRET") == 0
       && octstr_str_compare(gwlist_get(names, 2), "my_name-2") == 0,
       "distinct names in order of first use (LOGIN twice, names case-sensitive with _ and -)");
    ok(t != NULL && wbxml_template_line(t, 0) == 4 && wbxml_template_line(t, 1) == 5
       && wbxml_template_line(t, 2) == 6, "each name's line of first use");
    wbxml_template_destroy(t);
    octstr_destroy(error);
}

static void test_plain_documents(void)
{
    Octstr *xml = read_vector("spec_appendixC.xml"), *error = NULL;
    Octstr *want = read_vector("spec_appendixC.wbxml");
    WbxmlTemplate *t = wbxml_template_compile(xml, &error), *copy;
    Octstr *got = t != NULL ? wbxml_template_fill(t, NULL, &error) : NULL, *again;

    ok(t != NULL && gwlist_len(wbxml_template_names(t)) == 0,
       "the spec's Appendix C has no placeholders");
    ok_bytes(octstr_get_cstr(got), octstr_len(got), octstr_get_cstr(want), octstr_len(want),
             "a document without placeholders fills to its WBXML (the spec's vector)");
    copy = t != NULL ? wbxml_template_duplicate(t) : NULL;
    again = copy != NULL ? wbxml_template_fill(copy, NULL, &error) : NULL;
    ok(again != NULL && octstr_compare(again, want) == 0, "a duplicate fills the same");
    wbxml_template_destroy(t);
    wbxml_template_destroy(copy);
    octstr_destroy(xml);
    octstr_destroy(want);
    octstr_destroy(got);
    octstr_destroy(again);
    octstr_destroy(error);
}

static void test_placement_errors(void)
{
    refuses(DOC_START "<characteristic type=\"X\">{{LOGIN}}</characteristic>\n" DOC_END,
            "line 3: placeholder in the text of 'characteristic' (placeholders are filled "
            "in attribute values only)", "a placeholder in element text");
    refuses(DOC_START "<characteristic type=\"X\"><![CDATA[{{A}}]]></characteristic>\n" DOC_END,
            "placeholder in the text of 'characteristic'", "a placeholder in CDATA");
    refuses(DOC_START "<{{A}} type=\"X\"/>\n" DOC_END, "line 3:",
            "a placeholder as an element name is not XML");
    refuses(DOC_START "<characteristic {{A}}=\"X\"/>\n" DOC_END, "line 3:",
            "a placeholder as an attribute name is not XML");
    refuses(DOC_START "<characteristic type=\"X\"><parm name=\"A\" value=\"{{}}\"/>"
            "</characteristic>\n" DOC_END,
            "line 3: '{{' in an attribute value starts no placeholder {{NAME}} (NAME: 1 to "
            "64 letters, digits, '_' or '-')", "an empty name");
    refuses(DOC_START "<characteristic type=\"X\">\n<parm name=\"A\" value=\"{{ LOGIN }}\"/>"
            "</characteristic>\n" DOC_END, "line 4: '{{' in an attribute value",
            "blanks in a placeholder");
    refuses(DOC_START "<characteristic type=\"X\"><parm name=\"A\" value=\"{{LOGIN\"/>"
            "</characteristic>\n" DOC_END, "starts no placeholder", "an unclosed placeholder");
    refuses(DOC_START "<characteristic type=\"X\"><parm name=\"A\" value=\"{{a.b}}\"/>"
            "</characteristic>\n" DOC_END, "starts no placeholder", "a '.' in a name");
    refuses(DOC_START "<characteristic type=\"X\"><parm name=\"A\" value=\"{{{A}}}\"/>"
            "</characteristic>\n" DOC_END, "starts no placeholder", "three braces");
    refuses(DOC_START "<characteristic type=\"X\"><parm name=\"A\" value=\""
            "{{A2345678901234567890123456789012345678901234567890123456789012345}}\"/>"
            "</characteristic>\n" DOC_END, "starts no placeholder", "a name of 65 characters");
}

static void test_comments_and_pis_are_left_alone(void)
{
    const char *xml = DOC_START "<!-- per phone: {{LOGIN}} and {{ anything }} -->\n"
                      "<?note {{PI}}?>\n<characteristic type=\"X\"/>\n" DOC_END;
    Octstr *error = NULL, *got, *want = wbxml_compile(octstr_imm(xml), &error);
    WbxmlTemplate *t = wbxml_template_compile(octstr_imm(xml), &error);

    got = t != NULL ? wbxml_template_fill(t, NULL, &error) : NULL;
    ok(t != NULL && gwlist_len(wbxml_template_names(t)) == 0 && got != NULL && want != NULL
       && octstr_compare(got, want) == 0,
       "placeholders in a comment or a PI are neither filled nor errors (neither is sent)");
    wbxml_template_destroy(t);
    octstr_destroy(got);
    octstr_destroy(want);
    octstr_destroy(error);
}

/* ---- values ---- */

static int value_ok(const char *bytes, long len)
{
    Octstr *value = octstr_create_from_data(bytes, len), *why = placeholder_value_problem(value);
    int fine = why == NULL;

    octstr_destroy(why);
    octstr_destroy(value);
    return fine;
}

static void test_value_rule(void)
{
    ok(value_ok("", 0) && value_ok("a b=c", 5) && value_ok("\t\n\r", 3)
       && value_ok("\xC3\xA6\xE2\x9C\x93\xF0\x9D\x84\x9E", 9) && value_ok("\x7F\xC2\x85", 3),
       "values: empty, blanks, tab/LF/CR, 2-, 3- and 4-byte UTF-8, DEL and C1 are XML");
    ok(!value_ok("a\0b", 3) && !value_ok("\x01", 1) && !value_ok("\x1F", 1),
       "NUL and other C0 controls are not");
    ok(!value_ok("\xFF", 1) && !value_ok("\xC3", 1) && !value_ok("\xC0\xAF", 2)
       && !value_ok("\xED\xA0\x80", 3) && !value_ok("\xF4\x90\x80\x80", 4),
       "nor bytes that are not UTF-8 (stray, cut, overlong, surrogate, beyond U+10FFFF)");
    ok(!value_ok("\xEF\xBF\xBE", 3) && !value_ok("\xEF\xBF\xBF", 3)
       && value_ok("\xEF\xBF\xBD", 3), "nor U+FFFE and U+FFFF (U+FFFD is fine)");
}

static void test_fill_errors(void)
{
    const char *xml = DOC_START "<characteristic type=\"{{T}}\"/>\n" DOC_END;
    Octstr *error = NULL, *value = octstr_create("s3cr\xFF"), *got;
    WbxmlTemplate *t = wbxml_template_compile(octstr_imm(xml), &error);

    got = t != NULL ? wbxml_template_fill(t, &value, &error) : NULL;
    ok(got == NULL && error != NULL
       && octstr_str_compare(error, "the value of {{T}}: not UTF-8 (byte 5)") == 0
       && octstr_search(error, octstr_imm("s3cr"), 0) < 0,
       "a value that is not UTF-8 is refused, naming the placeholder, not the value");
    wbxml_template_destroy(t);
    octstr_destroy(got);
    octstr_destroy(value);
    octstr_destroy(error);
}

/* ---- filled == compiled, by hand ---- */

#define APP(parms) DOC_START "<characteristic type=\"APPLICATION\">\n" parms \
                   "</characteristic>\n" DOC_END

static void test_fill_by_hand(void)
{
    static const char *const plain[] = { "alice", NULL };
    static const char *const escapes[] = { "<&\"'>\t\n\r x", NULL };
    static const char *const non_ascii[] = { "J\xC3\xB8rgen \xE2\x9C\x93 \xF0\x9D\x84\x9E", NULL };
    static const char *const empty[] = { "", NULL };
    static const char *const ipv4[] = { "IPV4", NULL };
    static const char *const appsrv[] = { "APPSRV", NULL };
    static const char *const lower[] = { "ipv4", NULL };
    static const char *const repeats[] = { "example-mail", "example-mail", NULL };
    static const char *const braces[] = { "{{LOGIN}}", NULL };
    static const char *const exact[] = { "AAUTHNAME", NULL };
    static const char *const type[] = { "NAPDEF", NULL };
    static const char *const version[] = { "1.0", NULL };
    static const char *const two_same[] = { "bob@example.com", "bob@example.com", NULL };
    static const char *const two[] = { "bob", "s3cret", NULL };
    const char *email = APP("<parm name=\"PROVIDER-ID\" value=\"example-mail\"/>\n"
                            "<parm name=\"AAUTHNAME\" value=\"{{LOGIN}}\"/>\n"
                            "<parm name=\"AAUTHSECRET\" value=\"{{SECRET}}\"/>\n"
                            "<parm name=\"NAME\" value=\"example-mail\"/>\n");

    fills(APP("<parm name=\"AAUTHNAME\" value=\"{{LOGIN}}\"/>\n"), plain, "a plain value");
    fills(APP("<parm name=\"AAUTHNAME\" value=\"{{LOGIN}}\"/>\n"), escapes,
          "a value needing XML escapes (< & \" ' > tab LF CR) is its bytes, not markup");
    fills(APP("<parm name=\"AAUTHNAME\" value=\"{{LOGIN}}\"/>\n"), non_ascii,
          "a non-ASCII value (2-, 3- and 4-byte UTF-8)");
    fills(APP("<parm name=\"AAUTHNAME\" value=\"{{LOGIN}}\"/>\n"), empty, "an empty value");
    fills(APP("<parm name=\"ADDRTYPE\" value=\"{{T}}\"/>\n"
              "<parm name=\"AAUTHNAME\" value=\"x\"/>\n"), ipv4,
          "IPV4 on page 1 switches to page 0 for its token, and the next parm switches back");
    fills(APP("<parm name=\"ADDRTYPE\" value=\"{{T}}\"/>\n"), appsrv,
          "APPSRV is a page-1 value token");
    fills(APP("<parm name=\"ADDRTYPE\" value=\"{{T}}\"/>\n"), lower,
          "'ipv4' is no token: a string");
    fills(email, repeats, "a value equal to the document's own strings goes into the "
          "string table with them");
    fills(APP("<parm name=\"AAUTHNAME\" value=\"{{A}}\"/>\n"
              "<parm name=\"AAUTHDATA\" value=\"{{B}}\"/>\n"), two_same,
          "two placeholders with the same value: one table entry");
    fills(APP("<parm name=\"AAUTHNAME\" value=\"{{A}}\"/>\n"
              "<parm name=\"AAUTHDATA\" value=\"{{A}}\"/>\n"
              "<parm name=\"AAUTHSECRET\" value=\"{{A}}\"/>\n"), plain,
          "one placeholder three times: the table");
    fills(APP("<parm name=\"AAUTHNAME\" value=\"{{A}}@{{B}}.example.com\"/>\n"), two,
          "two placeholders and text in one value");
    fills(APP("<parm name=\"AAUTHNAME\" value=\"{{LOGIN}}\"/>\n"), braces,
          "a value holding {{LOGIN}} is put in as it is (single pass)");
    fills(APP("<parm name=\"{{N}}\" value=\"x\"/>\n"
              "<parm name=\"ADDR\" value=\"y\"/>\n"), exact,
          "a placeholder as a parm name: AAUTHNAME becomes its page-1 exact token");
    fills(DOC_START "<characteristic type=\"{{T}}\">\n"
          "<parm name=\"NAME\" value=\"x\"/></characteristic>\n" DOC_END, type,
          "a placeholder as a characteristic type: NAPDEF becomes its token");
    fills("<wap-provisioningdoc version=\"{{V}}\"/>\n", version,
          "a placeholder as the version: 1.0 becomes its token");
    fills("<wap-provisioningdoc><characteristic type=\"X\">"
          "<parm name=\"A\" value=\"1\" wm:secret=\"{{V}}\" xmlns:wm=\"urn:x\"/>"
          "</characteristic></wap-provisioningdoc>\n", plain,
          "a placeholder in an attribute no token names: LITERAL");
    fills("<wap-provisioningdoc><characteristic type=\"X\">"
          "<parm name=\"A\" value=\"1\" wm:secret=\"{{V}}\" xmlns:wm=\"urn:x\"/>"
          "</characteristic></wap-provisioningdoc>\n", (const char *const[]) { "wm:secret", NULL },
          "a value equal to a LITERAL's name is a reference to its table entry");
}

/* The spec's vector with values made placeholders and filled with the same
 * values: the spec's bytes. */
static void test_spec_vector(void)
{
    Octstr *xml = read_vector("spec_appendixC.xml"), *want = read_vector("spec_appendixC.wbxml");
    static const char *const values[] = { "pxuserpasswd", "NAP1", "GSM-CSD", "wwwmmmsecret" };
    Octstr *error = NULL, *got = NULL, *filled[4];
    WbxmlTemplate *t;
    int k;

    octstr_replace(xml, octstr_imm("\"pxuserpasswd\""), octstr_imm("\"{{PXPW}}\""));
    octstr_replace(xml, octstr_imm("\"NAP1\""), octstr_imm("\"{{NAPID}}\""));
    octstr_replace(xml, octstr_imm("\"GSM-CSD\""), octstr_imm("\"{{BEARER}}\""));
    octstr_replace(xml, octstr_imm("\"wwwmmmsecret\""), octstr_imm("\"{{SECRET}}\""));
    for (k = 0; k < 4; k++)
        filled[k] = octstr_create(values[k]);
    t = wbxml_template_compile(xml, &error);
    if (t != NULL && gwlist_len(wbxml_template_names(t)) == 4)
        got = wbxml_template_fill(t, filled, &error);
    ok_bytes(got ? octstr_get_cstr(got) : "", octstr_len(got), octstr_get_cstr(want),
             octstr_len(want), "Appendix C with NAP1 (twice: the string table), GSM-CSD (a "
             "token) and two secrets as placeholders fills to the spec's 473 bytes");
    wbxml_template_destroy(t);
    octstr_destroy(got);
    octstr_destroy(xml);
    octstr_destroy(want);
    octstr_destroy(error);
    for (k = 0; k < 4; k++)
        octstr_destroy(filled[k]);
}

/* ---- filled == compiled, at random over the corpus ---- */

#define ROUNDS 40
#define NAMES 4

static unsigned long seed = 20261126;

static long random_below(long n)
{
    seed = seed * 6364136223846793005UL + 1442695040888963407UL;
    return (long) ((seed >> 33) % (unsigned long) n);
}

/* Every attribute of the tree, in document order. */
static void collect_attributes(xmlNodePtr node, List *attrs)
{
    xmlAttrPtr attr;

    for (; node != NULL; node = node->next) {
        if (node->type != XML_ELEMENT_NODE)
            continue;
        for (attr = node->properties; attr != NULL; attr = attr->next)
            gwlist_append(attrs, attr);
        collect_attributes(node->children, attrs);
    }
}

/* The pool values are drawn from: tokens of both pages, names, types and
 * "1.0", the document's own values, escapes, non-ASCII, empty, long. */
static List *value_pool(List *attrs)
{
    static const char *const fixed[] = {
        "IPV4", "IPV6", "APN", "APPSRV", "OBEX", "E164", "GSM-GPRS", "NAME", "AAUTHNAME",
        "PORTNBR", "TO-NAPID", "APPLICATION", "NAPDEF", "PXLOGICAL", "PORT", "1.0", "INTERNET",
        "<&\"'>", "a\tb\nc\rd", "\xC3\x86r\xC3\xB8sk\xC3\xB8\x62ing \xE2\x9C\x93 \xF0\x9D\x84\x9E",
        "", " ", "{{V0}}", "x", "user@example.com",
    };
    List *pool = gwlist_create();
    Octstr *longer = octstr_create("");
    size_t i;

    for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        gwlist_append(pool, octstr_create(fixed[i]));
    for (i = 0; i < 40; i++)
        octstr_append_cstr(longer, "long-value-");
    gwlist_append(pool, longer);
    for (i = 0; i < (size_t) gwlist_len(attrs); i++) {
        xmlChar *v = xmlNodeGetContent((xmlNodePtr) gwlist_get(attrs, i));
        gwlist_append(pool, octstr_create((const char *) v));
        xmlFree(v);
    }
    return pool;
}

/* One round: about a third of the attributes get a placeholder (alone, or
 * with text around it, or two of them), serialized as UTF-8. */
static Octstr *templated_copy(xmlDocPtr doc)
{
    static const char *const shapes[] = { "{{V%ld}}", "{{V%ld}}", "pre-{{V%ld}}",
                                          "{{V%ld}}-post", "a{{V%ld}}{{V0}}b" };
    xmlDocPtr copy = xmlCopyDoc(doc, 1);
    List *attrs = gwlist_create();
    xmlChar *bytes = NULL;
    int size = 0;
    Octstr *value, *out;
    long i;

    collect_attributes(xmlDocGetRootElement(copy), attrs);
    for (i = 0; i < gwlist_len(attrs); i++) {
        xmlAttrPtr attr = gwlist_get(attrs, i);
        if (random_below(3) != 0)
            continue;
        value = octstr_format(shapes[random_below(5)], random_below(NAMES));
        xmlSetProp(attr->parent, attr->name, (const xmlChar *) octstr_get_cstr(value));
        octstr_destroy(value);
    }
    xmlDocDumpMemoryEnc(copy, &bytes, &size, "UTF-8");
    out = octstr_create_from_data((const char *) bytes, size);
    xmlFree(bytes);
    gwlist_destroy(attrs, NULL);
    xmlFreeDoc(copy);
    return out;
}

/* Values for the template's names, drawn from the pool. */
static void draw_values(WbxmlTemplate *t, List *pool, Octstr **values)
{
    long k;

    for (k = 0; k < gwlist_len(wbxml_template_names(t)); k++)
        values[k] = gwlist_get(pool, random_below(gwlist_len(pool)));
}

/* ROUNDS templated copies of one document, each filled with 3 value sets. */
static long check_document(Octstr *xml, Octstr *name, long *fills_done, Octstr **why)
{
    Octstr *error = NULL, *templated, *values[NAMES];
    xmlDocPtr doc = wbxml_xml_parse(xml, &error);
    List *attrs = gwlist_create(), *pool;
    WbxmlTemplate *t;
    long round, set, failures = 0;

    if (doc == NULL) {
        *why = octstr_format("%S: %S", name, error);
        octstr_destroy(error);
        gwlist_destroy(attrs, NULL);
        return 1;
    }
    collect_attributes(xmlDocGetRootElement(doc), attrs);
    pool = value_pool(attrs);
    for (round = 0; round < ROUNDS; round++) {
        templated = templated_copy(doc);
        t = wbxml_template_compile(templated, &error);
        for (set = 0; t != NULL && set < 3; set++) {
            draw_values(t, pool, values);
            (*fills_done)++;
            if (!fills_as_compiled(templated, values, why))
                failures++;
        }
        if (t == NULL && *why == NULL)
            *why = octstr_format("%S: %S", name, error);
        failures += t == NULL;
        wbxml_template_destroy(t);
        octstr_destroy(templated);
        octstr_destroy(error);
        error = NULL;
    }
    gwlist_destroy(pool, octstr_destroy_item);
    gwlist_destroy(attrs, NULL);
    xmlFreeDoc(doc);
    return failures;
}

static void test_corpus_at_random(void)
{
    static const char *const files[] = {
        "vectors/spec_appendixC.xml", "corpus/browser_w2.xml", "corpus/csd_dialup.xml",
        "corpus/email_imap.xml", "corpus/email_pop3.xml", "corpus/large_portal.xml",
        "corpus/latin1_names.xml", "corpus/mms_w4.xml", "corpus/nested_depth3.xml",
        "corpus/no_doctype.xml", "corpus/operator_apn.xml", "corpus/spaces_in_values.xml",
        "corpus/sync_ds_w5.xml", "corpus/utf16_bom.xml", "corpus/wm_bootstrap_trust.xml",
        "corpus/wm_cm_gprs.xml", "corpus/wm_registry_query.xml",
        "corpus/wm_security_policy.xml", "../doc/examples/apn-internet.xml",
        "../doc/examples/browser.xml", "../doc/examples/email-imap.xml",
        "../doc/examples/mms.xml", "../doc/examples/wm-gprs-connection.xml",
        "../doc/examples/wm-security-policy.xml", "../doc/examples/wm-trust-bootstrap.xml",
    };
    long failures = 0, done = 0;
    size_t i;
    Octstr *why = NULL, *path, *xml;

    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        path = test_data_path(files[i]);
        xml = octstr_read_file(octstr_get_cstr(path));
        if (xml == NULL)
            panic(0, "cannot read %s", octstr_get_cstr(path));
        failures += check_document(xml, path, &done, &why);
        octstr_destroy(xml);
        octstr_destroy(path);
    }
    ok(failures == 0 && done >= 2000,
       "%ld documents x %d templated copies, %ld fills: each equals wbxml_compile() of "
       "the substituted XML (%ld differ)", (long) (sizeof(files) / sizeof(files[0])),
       ROUNDS, done, failures);
    if (why != NULL)
        tap_diag("first: %s", octstr_get_cstr(why));
    octstr_destroy(why);
}

int main(void)
{
    gwlib_init();
    log_set_output_level(GW_PANIC);
    wbxml_init();
    test_names_and_lines();
    test_plain_documents();
    test_placement_errors();
    test_comments_and_pis_are_left_alone();
    test_value_rule();
    test_fill_errors();
    test_fill_by_hand();
    test_spec_vector();
    test_corpus_at_random();
    wbxml_shutdown();
    gwlib_shutdown();
    return tap_done();
}
