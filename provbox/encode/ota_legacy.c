/*
 * ota_legacy.c - OTA 7.0 settings, bookmarks and SyncSettings: XML ->
 * WBXML 1.1 and the WSP push around it (see ota_legacy.h).
 *
 * The compiler walks the tree once, writing tokens as it goes: there is no
 * string table, so nothing has to wait for the end of the document. The
 * structure is checked on the way: CHARACTERISTIC-LIST holds only
 * CHARACTERISTICs, a CHARACTERISTIC only PARMs, a PARM nothing; SyncSettings
 * elements hold text or other SyncSettings elements and no attributes.
 */
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "encode/ota_legacy.h"
#include "encode/ota_legacy_tokens.h"
#include "encode/wbxml_tokens.h"
#include "encode/wbxml_xml.h"

#define OTA_WBXML_VERSION_1_1 0x01
#define OTA_PUBLIC_ID_UNKNOWN 0x01
#define WSP_PDU_PUSH 0x06
#define WSP_LENGTH_QUOTE 0x1F
#define WSP_PARAM_CHARSET 0x81       /* well-known parameter 0x01, short-integer */
#define WSP_CHARSET_UTF8 (0x80 | 106)
#define WSP_SYNCSET_CONTENT_TYPE 0x020B
#define WSP_SHORT_LENGTH_MAX 30

/* Indexed by DocType; the OMA slot is empty (not a legacy type). */
static const struct {
    const char *content_type;
    long dest_port;
    long src_port;
} types[] = {
    [DOC_OTA_SETTINGS] = { "application/x-wap-prov.browser-settings", 49999, 49154 },
    [DOC_OTA_BOOKMARKS] = { "application/x-wap-prov.browser-bookmarks", 49999, 49154 },
    [DOC_OTA_SYNCSETTINGS] = { "application/vnd.nokia.syncset+wbxml", 49996, 49154 },
};

const char *ota_legacy_content_type(DocType type)
{
    return types[type].content_type;
}

long ota_legacy_dest_port(DocType type)
{
    return types[type].dest_port;
}

long ota_legacy_src_port(DocType type)
{
    return types[type].src_port;
}

/* ---- compiler ---------------------------------------------------------- */

typedef struct {
    Octstr *out;
    Octstr *error;
} Compiler;

static long line_of(xmlNodePtr node)
{
    long line = xmlGetLineNo(node);

    return line > 0 ? line : 1;
}

static int fail(Compiler *c, xmlNodePtr node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(Compiler *c, xmlNodePtr node, const char *fmt, ...)
{
    va_list args;
    Octstr *cause;

    va_start(args, fmt);
    cause = octstr_format_valist(fmt, args);
    va_end(args);
    c->error = octstr_format("line %ld: %S", line_of(node), cause);
    octstr_destroy(cause);
    return -1;
}

static int is_text(xmlNodePtr node)
{
    return node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE;
}

static int is_blank_text(xmlNodePtr node)
{
    const xmlChar *p;

    for (p = node->content; p != NULL && *p != '\0'; p++)
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            return 0;
    return 1;
}

/* Elements among the children, or -1 (after failing) on non-blank text. */
static int has_element_children(Compiler *c, xmlNodePtr node, int text_allowed,
                                int *has_text)
{
    xmlNodePtr child;
    int elements = 0;

    *has_text = 0;
    for (child = node->children; child != NULL; child = child->next) {
        if (child->type == XML_ELEMENT_NODE)
            elements = 1;
        else if (is_text(child) && !is_blank_text(child)) {
            if (!text_allowed)
                return fail(c, child, "text inside <%s>, which holds only elements "
                            "and attributes", (const char *) node->name);
            *has_text = 1;
        }
    }
    return elements;
}

static void write_inline(Compiler *c, const xmlChar *text)
{
    octstr_append_char(c->out, WBXML_STR_I);
    octstr_append_cstr(c->out, (const char *) text);
    octstr_append_char(c->out, 0);
}

static int write_attribute(Compiler *c, xmlNodePtr element, xmlAttrPtr attr)
{
    OtaAttribute which;
    xmlChar *value;
    int token, ret = 0;

    if (attr->ns != NULL || ota_token_attribute((const char *) attr->name, &which) < 0)
        return fail(c, element, "unknown attribute '%s' (OTA knows TYPE, NAME and VALUE)",
                    (const char *) attr->name);
    value = xmlNodeListGetString(element->doc, attr->children, 1);
    if (value == NULL)
        value = xmlStrdup((const xmlChar *) "");
    token = ota_token_attr_start(which, (const char *) value);
    if (token >= 0)
        octstr_append_char(c->out, token);
    else if (which == OTA_ATTR_TYPE)
        ret = fail(c, element, "unknown TYPE '%s' (OTA 7.0 defines ADDRESS, URL, NAME, "
                   "MMSURL, ID and BOOKMARK)", (const char *) value);
    else {
        octstr_append_char(c->out, which == OTA_ATTR_NAME ? OTA_ATTR_NAME_INLINE
                                                          : OTA_ATTR_VALUE_INLINE);
        write_inline(c, value);
    }
    xmlFree(value);
    return ret;
}

static int write_attributes(Compiler *c, xmlNodePtr node)
{
    xmlAttrPtr attr;

    for (attr = node->properties; attr != NULL; attr = attr->next)
        if (write_attribute(c, node, attr) < 0)
            return -1;
    octstr_append_char(c->out, WBXML_END);
    return 0;
}

/* The tag a CHARACTERISTIC-LIST document allows below parent_tag, or -1. */
static int list_child_tag(const char *name, int parent_tag)
{
    if (parent_tag < 0)
        return strcasecmp(name, "CHARACTERISTIC-LIST") == 0 ? OTA_TAG_CHARACTERISTIC_LIST : -1;
    if (parent_tag == OTA_TAG_CHARACTERISTIC_LIST)
        return strcasecmp(name, "CHARACTERISTIC") == 0 ? OTA_TAG_CHARACTERISTIC : -1;
    if (parent_tag == OTA_TAG_CHARACTERISTIC)
        return strcasecmp(name, "PARM") == 0 ? OTA_TAG_PARM : -1;
    return -1;
}

static int compile_list_element(Compiler *c, xmlNodePtr node, int parent_tag);

static int compile_list_children(Compiler *c, xmlNodePtr node, int tag)
{
    xmlNodePtr child;

    for (child = node->children; child != NULL; child = child->next)
        if (child->type == XML_ELEMENT_NODE && compile_list_element(c, child, tag) < 0)
            return -1;
    octstr_append_char(c->out, WBXML_END);
    return 0;
}

static int compile_list_element(Compiler *c, xmlNodePtr node, int parent_tag)
{
    int tag = list_child_tag((const char *) node->name, parent_tag);
    int content, text;

    if (tag < 0 || node->ns != NULL)
        return fail(c, node, "<%s> is not allowed here (the OTA structure is "
                    "CHARACTERISTIC-LIST > CHARACTERISTIC > PARM)", (const char *) node->name);
    if ((content = has_element_children(c, node, 0, &text)) < 0)
        return -1;
    if (tag == OTA_TAG_PARM && content)
        return fail(c, node, "PARM cannot hold elements");
    octstr_append_char(c->out, tag | (content ? WBXML_TAG_CONTENT : 0)
                               | (node->properties != NULL ? WBXML_TAG_ATTRS : 0));
    if (node->properties != NULL && write_attributes(c, node) < 0)
        return -1;
    return content ? compile_list_children(c, node, tag) : 0;
}

static int compile_sync_element(Compiler *c, xmlNodePtr node, int root)
{
    int tag = ota_token_sync_tag((const char *) node->name);
    int content, text;
    xmlNodePtr child;

    if (tag < 0 || node->ns != NULL || (tag == OTA_TAG_SYNCSETTINGS) != root)
        return fail(c, node, "<%s> is not allowed here in a SyncSettings document",
                    (const char *) node->name);
    if (node->properties != NULL)
        return fail(c, node, "SyncSettings elements have no attributes");
    if ((content = has_element_children(c, node, 1, &text)) < 0)
        return -1;
    octstr_append_char(c->out, tag | (content || text ? WBXML_TAG_CONTENT : 0));
    if (!content && !text)
        return 0;
    for (child = node->children; child != NULL; child = child->next) {
        if (child->type == XML_ELEMENT_NODE && compile_sync_element(c, child, 0) < 0)
            return -1;
        if (is_text(child) && !is_blank_text(child))
            write_inline(c, child->content);
    }
    octstr_append_char(c->out, WBXML_END);
    return 0;
}

Octstr *ota_legacy_compile(DocType type, Octstr *xml, Octstr **error)
{
    xmlDocPtr doc = wbxml_xml_parse(xml, error);
    xmlNodePtr root;
    Compiler c = { NULL, NULL };
    int ret;

    if (doc == NULL)
        return NULL;
    root = xmlDocGetRootElement(doc);
    c.out = octstr_create("");
    octstr_append_char(c.out, OTA_WBXML_VERSION_1_1);
    octstr_append_char(c.out, OTA_PUBLIC_ID_UNKNOWN);
    octstr_append_char(c.out, WBXML_CHARSET_UTF8);
    octstr_append_char(c.out, 0);           /* empty string table */
    if (type == DOC_OTA_SYNCSETTINGS)
        ret = compile_sync_element(&c, root, 1);
    else
        ret = compile_list_element(&c, root, -1);
    xmlFreeDoc(doc);
    if (ret == 0)
        return c.out;
    octstr_destroy(c.out);
    *error = c.error;
    return NULL;
}

/* ---- WSP push ---------------------------------------------------------- */

static Octstr *content_type_value(DocType type)
{
    Octstr *value = octstr_create("");

    if (type == DOC_OTA_SYNCSETTINGS) {
        octstr_append_char(value, 2);       /* Long-integer of 2 octets */
        octstr_append_char(value, WSP_SYNCSET_CONTENT_TYPE >> 8);
        octstr_append_char(value, WSP_SYNCSET_CONTENT_TYPE & 0xFF);
    } else {
        octstr_append_cstr(value, types[type].content_type);
        octstr_append_char(value, 0);
    }
    octstr_append_char(value, WSP_PARAM_CHARSET);
    octstr_append_char(value, WSP_CHARSET_UTF8);
    return value;
}

Octstr *ota_legacy_pdu_build(DocType type, Octstr *wbxml, int tid)
{
    Octstr *value = content_type_value(type), *headers = octstr_create("");
    Octstr *pdu = octstr_create("");

    if (octstr_len(value) > WSP_SHORT_LENGTH_MAX) {
        octstr_append_char(headers, WSP_LENGTH_QUOTE);
        octstr_append_uintvar(headers, octstr_len(value));
    } else
        octstr_append_char(headers, octstr_len(value));
    octstr_append(headers, value);
    octstr_append_char(pdu, tid);
    octstr_append_char(pdu, WSP_PDU_PUSH);
    octstr_append_uintvar(pdu, octstr_len(headers));
    octstr_append(pdu, headers);
    octstr_append(pdu, wbxml);
    octstr_destroy(headers);
    octstr_destroy(value);
    return pdu;
}
