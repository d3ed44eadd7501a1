/*
 * wbxml_explain.c - WBXML -> one line per token (wbxml_explain).
 *
 * Owns the listing format of `provctl compile --format explain` and
 * `provctl inspect`: offset (hex), the token's bytes (at most eight shown),
 * and its meaning, indented by element depth; the header and the string
 * table come first, as they do in the document:
 *
 *   0009  C5                        wap-provisioningdoc (attrs, content)
 *   000A  46                          version=1.0
 *   000C  C6                          characteristic (attrs, content)
 *   000D  51                            type=PXLOGICAL
 *
 * Strings are quoted; quotes, backslashes and control bytes are shown as
 * \" \\ \xNN (and string-table bytes above 0x7F too, since the table is
 * shown before its charset is applied).
 */
#include "encode/wbxml.h"
#include "encode/wbxml_reader.h"
#include "encode/wbxml_tokens.h"

#define HEX_BYTES_SHOWN 8
#define HEX_COLUMN_WIDTH 24

static void append_hex(Octstr *line, Octstr *wbxml, WbxmlToken *token)
{
    long i, shown = token->length;
    long start = octstr_len(line);

    if (shown > HEX_BYTES_SHOWN)
        shown = HEX_BYTES_SHOWN - 1;
    for (i = 0; i < shown; i++)
        octstr_format_append(line, "%s%02X", i > 0 ? " " : "",
                             octstr_get_char(wbxml, token->offset + i));
    if (shown < token->length)
        octstr_append_cstr(line, " ..");
    while (octstr_len(line) - start < HEX_COLUMN_WIDTH)
        octstr_append_char(line, ' ');
}

static void append_quoted(Octstr *line, Octstr *text, int escape_high)
{
    long i;

    octstr_append_char(line, '"');
    for (i = 0; i < octstr_len(text); i++) {
        int c = octstr_get_char(text, i);
        if (c == '"' || c == '\\')
            octstr_format_append(line, "\\%c", c);
        else if (c < 0x20 || c == 0x7F || (escape_high && c >= 0x80))
            octstr_format_append(line, "\\x%02X", c);
        else
            octstr_append_char(line, c);
    }
    octstr_append_char(line, '"');
}

static const char *charset_name(long mibenum)
{
    switch (mibenum) {
    case WBXML_CHARSET_UTF8: return "UTF-8";
    case WBXML_CHARSET_LATIN1: return "ISO-8859-1";
    case WBXML_CHARSET_US_ASCII: return "US-ASCII";
    default: return "unknown, read as UTF-8";
    }
}

static const char *element_flags(WbxmlToken *token)
{
    if (token->has_attrs && token->has_content)
        return " (attrs, content)";
    if (token->has_attrs)
        return " (attrs)";
    if (token->has_content)
        return " (content)";
    return "";
}

static const char *literal_tag_name(WbxmlToken *token)
{
    if (token->has_attrs && token->has_content)
        return "LITERAL_AC";
    if (token->has_attrs)
        return "LITERAL_A";
    if (token->has_content)
        return "LITERAL_C";
    return "LITERAL";
}

static void explain_header(Octstr *line, WbxmlToken *token)
{
    switch (token->kind) {
    case WBXML_TOK_VERSION:
        octstr_format_append(line, "WBXML version 1.%ld", token->number);
        break;
    case WBXML_TOK_PUBLIC_ID:
        if (token->table_offset >= 0)
            octstr_format_append(line, "public id: string table [%ld]",
                                 token->table_offset);
        else
            octstr_format_append(line, "public id 0x%02lX %s", token->number,
                                 WBXML_PROV_PUBLIC_ID);
        break;
    case WBXML_TOK_CHARSET:
        octstr_format_append(line, "charset %s (MIBenum %ld)",
                             charset_name(token->number), token->number);
        break;
    case WBXML_TOK_STRING_TABLE:
        octstr_format_append(line, "string table, %ld bytes", token->number);
        break;
    default:
        octstr_format_append(line, "  [%ld] ", token->table_offset);
        append_quoted(line, token->text, 1);
        break;
    }
}

static void explain_element(Octstr *line, WbxmlToken *token)
{
    if (token->table_offset >= 0)
        octstr_format_append(line, "%s [%ld] %S%s", literal_tag_name(token),
                             token->table_offset, token->name,
                             element_flags(token));
    else
        octstr_format_append(line, "%S%s", token->name, element_flags(token));
}

static void explain_attribute_start(Octstr *line, WbxmlToken *token)
{
    if (token->table_offset >= 0)
        octstr_format_append(line, "LITERAL [%ld] ", token->table_offset);
    octstr_format_append(line, "%S=", token->name);
    if (token->text != NULL)
        octstr_append(line, token->text);
}

static void explain_value(Octstr *line, WbxmlToken *token)
{
    switch (token->kind) {
    case WBXML_TOK_VALUE_TOKEN:
        octstr_append(line, token->text);
        return;
    case WBXML_TOK_STR_I:
        octstr_append_cstr(line, "STR_I ");
        break;
    case WBXML_TOK_STR_T:
        octstr_format_append(line, "STR_T [%ld] ", token->table_offset);
        break;
    case WBXML_TOK_ENTITY:
        octstr_format_append(line, "ENTITY &#%ld; ", token->number);
        break;
    default:
        octstr_format_append(line, "OPAQUE %ld bytes ", token->number);
        break;
    }
    append_quoted(line, token->text, 0);
}

/* Attribute tokens are shown one level deeper than their element. */
static int indent_level(WbxmlToken *token)
{
    switch (token->kind) {
    case WBXML_TOK_VERSION:
    case WBXML_TOK_PUBLIC_ID:
    case WBXML_TOK_CHARSET:
    case WBXML_TOK_STRING_TABLE:
    case WBXML_TOK_TABLE_STRING:
        return 0;
    case WBXML_TOK_ELEMENT:
    case WBXML_TOK_ELEMENT_END:
    case WBXML_TOK_TAG_PAGE:
        return token->depth;
    default:
        return token->depth + 1;
    }
}

static void explain_meaning(Octstr *line, WbxmlToken *token)
{
    switch (token->kind) {
    case WBXML_TOK_TAG_PAGE:
        octstr_format_append(line, "SWITCH_PAGE tag page %ld", token->number);
        break;
    case WBXML_TOK_ATTR_PAGE:
        octstr_format_append(line, "SWITCH_PAGE attribute page %ld",
                             token->number);
        break;
    case WBXML_TOK_ELEMENT:
        explain_element(line, token);
        break;
    case WBXML_TOK_ATTR_START:
        explain_attribute_start(line, token);
        break;
    case WBXML_TOK_ATTRS_END:
        octstr_append_cstr(line, "END (attributes)");
        break;
    case WBXML_TOK_ELEMENT_END:
        octstr_format_append(line, "END </%S>", token->name);
        break;
    case WBXML_TOK_VALUE_TOKEN:
    case WBXML_TOK_STR_I:
    case WBXML_TOK_STR_T:
    case WBXML_TOK_ENTITY:
    case WBXML_TOK_OPAQUE:
        explain_value(line, token);
        break;
    default:
        explain_header(line, token);
        break;
    }
}

static void explain_token(Octstr *out, Octstr *wbxml, WbxmlToken *token)
{
    int i;

    octstr_format_append(out, "%04lX  ", token->offset);
    append_hex(out, wbxml, token);
    octstr_append_cstr(out, "  ");
    for (i = 0; i < indent_level(token); i++)
        octstr_append_cstr(out, "  ");
    explain_meaning(out, token);
    octstr_append_char(out, '\n');
}

Octstr *wbxml_explain(Octstr *wbxml, Octstr **error)
{
    List *tokens = wbxml_read(wbxml, error);
    Octstr *out;
    long i;

    if (tokens == NULL)
        return NULL;
    out = octstr_create("");
    for (i = 0; i < gwlist_len(tokens); i++)
        explain_token(out, wbxml, gwlist_get(tokens, i));
    wbxml_tokens_destroy(tokens);
    return out;
}
