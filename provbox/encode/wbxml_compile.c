/*
 * wbxml_compile.c - provisioning XML -> WBXML (wbxml_compile).
 *
 * Owns the mapping of a wap-provisioningdoc tree onto tokens: where each
 * element may appear, which elements carry the content flag, the attribute
 * code-page state, and the choice between a token, a string and a LITERAL
 * for every attribute. Parsing is wbxml_xml.c's job, byte layout and the
 * string table are wbxml_writer.c's.
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
    int attr_page;
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

static void switch_attr_page(Compiler *c, int page)
{
    if (page == c->attr_page)
        return;
    wbxml_writer_byte(c->writer, WBXML_SWITCH_PAGE);
    wbxml_writer_byte(c->writer, page);
    c->attr_page = page;
}

/* The current attribute page first, then the other one. */
static int page_by_preference(Compiler *c, int i)
{
    return i == 0 ? c->attr_page : 1 - c->attr_page;
}

/* name="NAME", type="PXLOGICAL", version="1.0": one token for both. */
static int emit_exact_start(Compiler *c, const char *name, const char *value)
{
    int i;

    for (i = 0; i < WBXML_PAGES; i++) {
        int page = page_by_preference(c, i);
        const WbxmlAttrStart *start = wbxml_token_attr_start(page, name, value);
        if (start != NULL) {
            switch_attr_page(c, page);
            wbxml_writer_byte(c->writer, start->token);
            return 1;
        }
    }
    return 0;
}

/* value="IPV4": the generic start 06 and the value token of one page. */
static int emit_value_token(Compiler *c, const char *name, const char *value)
{
    int i;

    if (strcmp(name, "value") != 0)
        return 0;
    for (i = 0; i < WBXML_PAGES; i++) {
        int page = page_by_preference(c, i);
        const WbxmlAttrValue *token = wbxml_token_attr_value(page, value);
        const WbxmlAttrStart *start = wbxml_token_attr_start(page, name, NULL);
        if (token != NULL && start != NULL) {
            switch_attr_page(c, page);
            wbxml_writer_byte(c->writer, start->token);
            wbxml_writer_byte(c->writer, token->token);
            return 1;
        }
    }
    return 0;
}

/* name="MY-NAME": the generic start token, then the value as a string. */
static int emit_generic_start(Compiler *c, const char *name, Octstr *value)
{
    int i;

    for (i = 0; i < WBXML_PAGES; i++) {
        int page = page_by_preference(c, i);
        const WbxmlAttrStart *start = wbxml_token_attr_start(page, name, NULL);
        if (start != NULL) {
            switch_attr_page(c, page);
            wbxml_writer_byte(c->writer, start->token);
            wbxml_writer_string(c->writer, value);
            return 1;
        }
    }
    return 0;
}

static void compile_attribute(Compiler *c, xmlAttrPtr attr)
{
    xmlChar *raw = xmlNodeListGetString(c->doc, attr->children, 1);
    Octstr *value = octstr_create(raw != NULL ? (const char *) raw : "");
    Octstr *name = qualified_name(attr->name, attr->ns);
    const char *name_cstr = octstr_get_cstr(name);
    const char *value_cstr = octstr_get_cstr(value);

    if (!emit_exact_start(c, name_cstr, value_cstr)
        && !emit_value_token(c, name_cstr, value_cstr)
        && !emit_generic_start(c, name_cstr, value)) {
        wbxml_writer_literal(c->writer, WBXML_LITERAL, name);
        wbxml_writer_string(c->writer, value);
    }
    octstr_destroy(name);
    octstr_destroy(value);
    xmlFree(raw);
}

static void compile_attributes(Compiler *c, xmlNodePtr node)
{
    xmlAttrPtr attr;

    for (attr = node->properties; attr != NULL; attr = attr->next)
        compile_attribute(c, attr);
    wbxml_writer_byte(c->writer, WBXML_END);
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

/* Elements are compiled; comments, PIs and whitespace are dropped; text is
 * an error (its content is not quoted: it may be a misplaced secret). */
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
                return fail_text(c, child, "unexpected text in '%s' (values "
                            "belong in attributes)", (const char *) node->name);
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
    if (node->properties != NULL)
        compile_attributes(c, node);
    if (compile_children(c, node, kind) < 0)
        return -1;
    if (content)
        wbxml_writer_byte(c->writer, WBXML_END);
    return 0;
}

Octstr *wbxml_compile(Octstr *xml, Octstr **error)
{
    Compiler c;
    Octstr *wbxml = NULL;

    c.doc = wbxml_xml_parse(xml, error);
    if (c.doc == NULL)
        return NULL;
    c.writer = wbxml_writer_create();
    c.attr_page = WBXML_PAGE_CONNECTIVITY;
    c.error = NULL;
    if (compile_element(&c, xmlDocGetRootElement(c.doc), ELEMENT_DOCUMENT) == 0)
        wbxml = wbxml_writer_document(c.writer);
    else
        *error = c.error;
    wbxml_writer_destroy(c.writer);
    xmlFreeDoc(c.doc);
    return wbxml;
}
