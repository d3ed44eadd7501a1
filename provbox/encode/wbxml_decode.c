/*
 * wbxml_decode.c - WBXML -> indented XML text (wbxml_decode).
 *
 * Owns the rendering of the reader's tokens (wbxml_reader.c) as an XML
 * document with the PROV DOCTYPE: two spaces per level, one element per
 * line, empty elements as <x/>, attribute values escaped so that parsing
 * the text gives back the exact bytes (tab, CR and LF as character
 * references). compile(decode(x)) gives the same element tree as x.
 */
#include "encode/wbxml.h"
#include "encode/wbxml_reader.h"
#include "encode/wbxml_tokens.h"

typedef struct {
    Octstr *out;
    int start_tag_open;     /* "<name attrs" written, no '>' yet */
    int attribute_open;     /* inside name="... */
    int element_has_content;
} XmlText;

static void indent(XmlText *x, int depth)
{
    int i;

    for (i = 0; i < depth; i++)
        octstr_append_cstr(x->out, "  ");
}

static void append_escaped(Octstr *out, Octstr *text)
{
    long i;

    for (i = 0; i < octstr_len(text); i++) {
        int c = octstr_get_char(text, i);
        switch (c) {
        case '&': octstr_append_cstr(out, "&amp;"); break;
        case '<': octstr_append_cstr(out, "&lt;"); break;
        case '>': octstr_append_cstr(out, "&gt;"); break;
        case '"': octstr_append_cstr(out, "&quot;"); break;
        case '\t': octstr_append_cstr(out, "&#9;"); break;
        case '\n': octstr_append_cstr(out, "&#10;"); break;
        case '\r': octstr_append_cstr(out, "&#13;"); break;
        default: octstr_append_char(out, c); break;
        }
    }
}

static void append_prologue(XmlText *x, Octstr *root_name)
{
    octstr_format_append(x->out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                         "<!DOCTYPE %S PUBLIC \"%s\" \"%s\">\n", root_name,
                         WBXML_PROV_PUBLIC_ID, WBXML_PROV_SYSTEM_ID);
}

/* A child element follows: the parent's start tag gets its '>'. */
static void close_parent_start_tag(XmlText *x)
{
    if (x->start_tag_open) {
        octstr_append_cstr(x->out, ">\n");
        x->start_tag_open = 0;
    }
}

/* After the attributes: "/>" now, or wait to see whether children come. */
static void finish_start_tag(XmlText *x, int has_content)
{
    if (has_content)
        x->start_tag_open = 1;
    else
        octstr_append_cstr(x->out, "/>\n");
}

static void close_attribute(XmlText *x)
{
    if (x->attribute_open) {
        octstr_append_char(x->out, '"');
        x->attribute_open = 0;
    }
}

static void render_element(XmlText *x, WbxmlToken *token)
{
    if (token->depth == 0)
        append_prologue(x, token->name);
    close_parent_start_tag(x);
    indent(x, token->depth);
    octstr_format_append(x->out, "<%S", token->name);
    x->element_has_content = token->has_content;
    if (!token->has_attrs)
        finish_start_tag(x, token->has_content);
}

static void render_attribute_start(XmlText *x, WbxmlToken *token)
{
    close_attribute(x);
    octstr_format_append(x->out, " %S=\"", token->name);
    if (token->text != NULL)
        append_escaped(x->out, token->text);
    x->attribute_open = 1;
}

static void render_element_end(XmlText *x, WbxmlToken *token)
{
    if (x->start_tag_open) {
        octstr_append_cstr(x->out, "/>\n");
        x->start_tag_open = 0;
        return;
    }
    indent(x, token->depth);
    octstr_format_append(x->out, "</%S>\n", token->name);
}

static void render_token(XmlText *x, WbxmlToken *token)
{
    switch (token->kind) {
    case WBXML_TOK_ELEMENT:
        render_element(x, token);
        break;
    case WBXML_TOK_ATTR_START:
        render_attribute_start(x, token);
        break;
    case WBXML_TOK_VALUE_TOKEN:
    case WBXML_TOK_STR_I:
    case WBXML_TOK_STR_T:
    case WBXML_TOK_ENTITY:
    case WBXML_TOK_OPAQUE:
        append_escaped(x->out, token->text);
        break;
    case WBXML_TOK_ATTRS_END:
        close_attribute(x);
        finish_start_tag(x, x->element_has_content);
        break;
    case WBXML_TOK_ELEMENT_END:
        render_element_end(x, token);
        break;
    default:
        break;   /* header, string table and page switches: no XML */
    }
}

Octstr *wbxml_decode(Octstr *wbxml, Octstr **error)
{
    List *tokens = wbxml_read(wbxml, error);
    XmlText x = { NULL, 0, 0, 0 };
    long i;

    if (tokens == NULL)
        return NULL;
    x.out = octstr_create("");
    for (i = 0; i < gwlist_len(tokens); i++)
        render_token(&x, gwlist_get(tokens, i));
    wbxml_tokens_destroy(tokens);
    return x.out;
}
