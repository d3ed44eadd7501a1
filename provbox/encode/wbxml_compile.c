/*
 * wbxml_compile.c - provisioning XML -> WBXML (wbxml_compile), and the
 * walk a template is compiled with (wbxml_compile.h).
 *
 * Owns the mapping of a wap-provisioningdoc tree onto tokens: where each
 * element may appear, which elements carry the content flag, and which
 * attributes are holes. Parsing is wbxml_xml.c's job; the choice between a
 * token, a string and a LITERAL for an attribute, and its code page, are
 * wbxml_attr.c's; byte layout and the string table are wbxml_writer.c's;
 * the placeholder syntax is placeholder.c's.
 *
 * Rules (doc/encoding.md, "WBXML choices"):
 *   - wap-provisioningdoc and characteristic always carry the content flag,
 *     as the spec's Appendix C codes an empty ACCESS (C6 5B 01 01); parm
 *     never has content; other elements have it when they have children.
 *   - the attribute flag is set only when the element has attributes.
 *   - an attribute is looked up on the current attribute page, then on the
 *     other one; SWITCH_PAGE is written only when the page changes. Exact
 *     name=/type=/version= tokens first, then the generic start token plus a
 *     string. value= uses a value token only for an exact, case-sensitive
 *     match, with 06 and the token taken from the same page.
 *   - unknown elements and attribute names are LITERALs into the string
 *     table. Values are copied byte for byte.
 */
#include <stdarg.h>
#include <string.h>

#include <libxml/tree.h>

#include "encode/wbxml.h"
#include "encode/wbxml_compile.h"
#include "encode/wbxml_tokens.h"
#include "encode/wbxml_writer.h"
#include "encode/wbxml_xml.h"

typedef enum {
    ELEMENT_DOCUMENT,       /* the parent of the root element */
    ELEMENT_ROOT,
    ELEMENT_CHARACTERISTIC,
    ELEMENT_PARM,
    ELEMENT_LITERAL
} ElementKind;

typedef struct {
    xmlDocPtr doc;
    WbxmlWriter *writer;
    Placeholders *placeholders;   /* template mode, else NULL */
    Octstr *error;
} Compiler;

static int compile_element(Compiler *c, xmlNodePtr node, ElementKind parent);

static long line_of(xmlNodePtr node)
{
    while (node != NULL && xmlGetLineNo(node) <= 0)
        node = node->parent;
    return node != NULL ? xmlGetLineNo(node) : 1;
}

/* libxml2 stamps a text node with the line where the text ends; errors
 * name the line of its first non-blank character. */
static long text_line(xmlNodePtr text)
{
    const xmlChar *p = text->content;
    long line = line_of(text);

    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    for (; *p != '\0'; p++)
        if (*p == '\n')
            line--;
    return line;
}

static void fail_valist(Compiler *c, long line, const char *fmt,
                        va_list args)
{
    Octstr *cause = octstr_format_valist(fmt, args);

    c->error = octstr_format("line %ld: %S", line, cause);
    octstr_destroy(cause);
}

static int fail(Compiler *c, xmlNodePtr node, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    fail_valist(c, line_of(node), fmt, args);
    va_end(args);
    return -1;
}

static int fail_text(Compiler *c, xmlNodePtr text, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    fail_valist(c, text_line(text), fmt, args);
    va_end(args);
    return -1;
}

/* "prefix:name" when the node has a namespace prefix, else the name. */
static Octstr *qualified_name(const xmlChar *name, xmlNsPtr ns)
{
    if (ns != NULL && ns->prefix != NULL)
        return octstr_format("%s:%s", (const char *) ns->prefix,
                             (const char *) name);
    return octstr_create((const char *) name);
}

static ElementKind kind_of(xmlNodePtr node)
{
    const char *name = (const char *) node->name;

    if (node->ns != NULL && node->ns->prefix != NULL)
        return ELEMENT_LITERAL;
    if (strcmp(name, "wap-provisioningdoc") == 0)
        return ELEMENT_ROOT;
    if (strcmp(name, "characteristic") == 0)
        return ELEMENT_CHARACTERISTIC;
    if (strcmp(name, "parm") == 0)
        return ELEMENT_PARM;
    return ELEMENT_LITERAL;
}

static int has_element_children(xmlNodePtr node)
{
    xmlNodePtr child;

    for (child = node->children; child != NULL; child = child->next)
        if (child->type == XML_ELEMENT_NODE)
            return 1;
    return 0;
}

static int has_content_flag(xmlNodePtr node, ElementKind kind)
{
    if (kind == ELEMENT_LITERAL)
        return has_element_children(node);
    return kind == ELEMENT_ROOT || kind == ELEMENT_CHARACTERISTIC;
}

/* A placeholder's value is filled in per recipient (template mode):
 * the attribute becomes a hole. */
static int compile_attribute(Compiler *c, xmlAttrPtr attr)
{
    xmlChar *raw = xmlNodeListGetString(c->doc, attr->children, 1);
    Octstr *value = octstr_create(raw != NULL ? (const char *) raw : "");
    Octstr *name = qualified_name(attr->name, attr->ns);
    int holes = 0;

    if (c->placeholders != NULL)
        holes = placeholders_scan(c->placeholders, value, line_of(attr->parent), &c->error);
    if (holes == 0)
        wbxml_writer_attribute(c->writer, name, value);
    else if (holes > 0)
        wbxml_writer_hole(c->writer, name, value);
    octstr_destroy(name);
    octstr_destroy(value);
    xmlFree(raw);
    return holes < 0 ? -1 : 0;
}

static int compile_attributes(Compiler *c, xmlNodePtr node)
{
    xmlAttrPtr attr;

    for (attr = node->properties; attr != NULL; attr = attr->next)
        if (compile_attribute(c, attr) < 0)
            return -1;
    wbxml_writer_byte(c->writer, WBXML_END);
    return 0;
}

static int check_placement(Compiler *c, xmlNodePtr node, ElementKind kind,
                           ElementKind parent)
{
    if (parent == ELEMENT_DOCUMENT && kind != ELEMENT_ROOT) {
        Octstr *name = qualified_name(node->name, node->ns);
        fail(c, node, "root element is '%s', expected wap-provisioningdoc",
             octstr_get_cstr(name));
        octstr_destroy(name);
        return -1;
    }
    if (parent != ELEMENT_DOCUMENT && kind == ELEMENT_ROOT)
        return fail(c, node, "wap-provisioningdoc inside the document");
    if (parent == ELEMENT_PARM)
        return fail(c, node, "'%s' inside a parm (parm has no content)",
                    (const char *) node->name);
    if (kind == ELEMENT_PARM && parent != ELEMENT_CHARACTERISTIC)
        return fail(c, node, "parm outside a characteristic");
    return 0;
}

static int check_required_attribute(Compiler *c, xmlNodePtr node,
                                    ElementKind kind)
{
    if (kind == ELEMENT_CHARACTERISTIC && !xmlHasProp(node, BAD_CAST "type"))
        return fail(c, node, "characteristic without type");
    if (kind == ELEMENT_PARM && !xmlHasProp(node, BAD_CAST "name"))
        return fail(c, node, "parm without name");
    return 0;
}

static void emit_tag(Compiler *c, xmlNodePtr node, ElementKind kind,
                     int content)
{
    int flags = (node->properties != NULL ? WBXML_TAG_ATTRS : 0)
                | (content ? WBXML_TAG_CONTENT : 0);
    Octstr *name;

    if (kind != ELEMENT_LITERAL) {
        wbxml_writer_byte(c->writer,
                          wbxml_token_tag((const char *) node->name) | flags);
        return;
    }
    name = qualified_name(node->name, node->ns);
    wbxml_writer_literal(c->writer, WBXML_LITERAL | flags, name);
    octstr_destroy(name);
}

/* Text is an error (its content is not quoted: it may be a misplaced
 * secret), with a message of its own for a placeholder in template mode. */
static int refuse_text(Compiler *c, xmlNodePtr node, xmlNodePtr text)
{
    if (c->placeholders != NULL && placeholder_in_text((const char *) text->content))
        return fail_text(c, text, "placeholder in the text of '%s' (placeholders are "
                         "filled in attribute values only)", (const char *) node->name);
    return fail_text(c, text, "unexpected text in '%s' (values belong in attributes)",
                     (const char *) node->name);
}

/* Elements are compiled; comments (placeholders in them too), PIs and
 * whitespace are dropped; text is an error. */
static int compile_children(Compiler *c, xmlNodePtr node, ElementKind kind)
{
    xmlNodePtr child;

    for (child = node->children; child != NULL; child = child->next) {
        switch (child->type) {
        case XML_ELEMENT_NODE:
            if (compile_element(c, child, kind) < 0)
                return -1;
            break;
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE:
            if (!xmlIsBlankNode(child))
                return refuse_text(c, node, child);
            break;
        case XML_ENTITY_REF_NODE:
            return fail(c, child, "entity reference '&%s;' where no text is "
                        "allowed", (const char *) child->name);
        default:
            break;
        }
    }
    return 0;
}

static int compile_element(Compiler *c, xmlNodePtr node, ElementKind parent)
{
    ElementKind kind = kind_of(node);
    int content = has_content_flag(node, kind);

    if (check_placement(c, node, kind, parent) < 0
        || check_required_attribute(c, node, kind) < 0)
        return -1;
    emit_tag(c, node, kind, content);
    if (node->properties != NULL && compile_attributes(c, node) < 0)
        return -1;
    if (compile_children(c, node, kind) < 0)
        return -1;
    if (content)
        wbxml_writer_byte(c->writer, WBXML_END);
    return 0;
}

WbxmlWriter *wbxml_compile_writer(Octstr *xml, Placeholders *placeholders, Octstr **error)
{
    Compiler c;

    c.doc = wbxml_xml_parse(xml, error);
    if (c.doc == NULL)
        return NULL;
    c.writer = wbxml_writer_create();
    c.placeholders = placeholders;
    c.error = NULL;
    if (compile_element(&c, xmlDocGetRootElement(c.doc), ELEMENT_DOCUMENT) < 0) {
        *error = c.error;
        wbxml_writer_destroy(c.writer);
        c.writer = NULL;
    }
    xmlFreeDoc(c.doc);
    return c.writer;
}

Octstr *wbxml_compile(Octstr *xml, Octstr **error)
{
    WbxmlWriter *writer = wbxml_compile_writer(xml, NULL, error);
    Octstr *wbxml;

    if (writer == NULL)
        return NULL;
    wbxml = wbxml_writer_document(writer, NULL);
    wbxml_writer_destroy(writer);
    return wbxml;
}
