/*
 * wbxml_reader.c - WBXML bytes -> checked token list (wbxml_read).
 *
 * Owns the WBXML grammar as provbox accepts it (see wbxml_reader.h): every
 * read is bounds-checked, every offset into the string table is checked,
 * every string is converted to UTF-8 and checked for characters XML cannot
 * carry. Nothing here trusts the input; it is fuzzed.
 */
#include <stdarg.h>

#include "encode/wbxml_reader.h"
#include "encode/wbxml_tokens.h"

/* The largest document read (a 255-segment push is about 32 KiB). */
#define MAX_DOCUMENT_BYTES (1024L * 1024L)

typedef struct {
    Octstr *data;
    long pos;
    long token_start;
    Octstr *string_table;
    long charset;
    int tag_page;
    int attr_page;
    List *tokens;
    Octstr *error;
} Reader;

static int read_element(Reader *r, int depth);

static int fail_at(Reader *r, long offset, const char *fmt, ...)
{
    va_list args;
    Octstr *cause;

    if (r->error != NULL)
        return -1;
    va_start(args, fmt);
    cause = octstr_format_valist(fmt, args);
    va_end(args);
    r->error = octstr_format("offset 0x%04lX: %S", offset, cause);
    octstr_destroy(cause);
    return -1;
}

static const char *global_token_name(int byte)
{
    static const char *const names[4][5] = {
        { "SWITCH_PAGE", "END", "ENTITY", "STR_I", "LITERAL" },
        { "EXT_I_0", "EXT_I_1", "EXT_I_2", "PI", "LITERAL_C" },
        { "EXT_T_0", "EXT_T_1", "EXT_T_2", "STR_T", "LITERAL_A" },
        { "EXT_0", "EXT_1", "EXT_2", "OPAQUE", "LITERAL_AC" },
    };

    if ((byte & WBXML_TAG_MASK) > 4)
        return NULL;
    return names[byte >> 6][byte & WBXML_TAG_MASK];
}

static int is_literal_tag(int byte)
{
    return byte == WBXML_LITERAL || byte == WBXML_LITERAL_A
           || byte == WBXML_LITERAL_C || byte == WBXML_LITERAL_AC;
}

/* ---- raw input ---- */

static int read_byte(Reader *r, int *byte)
{
    if (r->pos >= octstr_len(r->data))
        return fail_at(r, r->pos, "document ends early");
    *byte = octstr_get_char(r->data, r->pos++);
    return 0;
}

static int read_mb_u_int32(Reader *r, long *value)
{
    unsigned long v = 0;
    long start = r->pos;
    int byte, n;

    for (n = 0; n < 5; n++) {
        if (read_byte(r, &byte) < 0)
            return -1;
        v = (v << 7) | (byte & 0x7F);
        if (!(byte & 0x80)) {
            if (v > 0xFFFFFFFFUL)
                break;
            *value = (long) v;
            return 0;
        }
    }
    return fail_at(r, start, "mb_u_int32 longer than 32 bits");
}

/* ---- text ---- */

static int is_xml_char(long cp)
{
    return cp == 0x09 || cp == 0x0A || cp == 0x0D
           || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD)
           || (cp >= 0x10000 && cp <= 0x10FFFF);
}

static void append_utf8(Octstr *out, long cp)
{
    if (cp < 0x80) {
        octstr_append_char(out, cp);
    } else if (cp < 0x800) {
        octstr_append_char(out, 0xC0 | (cp >> 6));
        octstr_append_char(out, 0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        octstr_append_char(out, 0xE0 | (cp >> 12));
        octstr_append_char(out, 0x80 | ((cp >> 6) & 0x3F));
        octstr_append_char(out, 0x80 | (cp & 0x3F));
    } else {
        octstr_append_char(out, 0xF0 | (cp >> 18));
        octstr_append_char(out, 0x80 | ((cp >> 12) & 0x3F));
        octstr_append_char(out, 0x80 | ((cp >> 6) & 0x3F));
        octstr_append_char(out, 0x80 | (cp & 0x3F));
    }
}

/* Decode one UTF-8 sequence at s[0..len); bytes used, or 0 if invalid
 * (truncated, overlong, surrogate or beyond U+10FFFF). */
static long utf8_decode(const unsigned char *s, long len, long *cp)
{
    static const long min_for_length[5] = { 0, 0, 0x80, 0x800, 0x10000 };
    long need, i;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        need = 2;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        need = 3;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        need = 4;
    else
        return 0;
    if (need > len)
        return 0;
    *cp = s[0] & (0x7F >> need);
    for (i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3F);
    }
    if (*cp < min_for_length[need] || *cp > 0x10FFFF
        || (*cp >= 0xD800 && *cp <= 0xDFFF))
        return 0;
    return need;
}

/* The document's charset -> UTF-8, refusing what XML cannot carry. */
static Octstr *text_to_utf8(Reader *r, Octstr *raw, long offset)
{
    const unsigned char *s = (const unsigned char *) octstr_get_cstr(raw);
    long len = octstr_len(raw), i = 0, used, cp;
    Octstr *out = octstr_create("");

    while (i < len) {
        if (r->charset == WBXML_CHARSET_LATIN1) {
            cp = s[i];
            used = 1;
        } else {
            used = utf8_decode(s + i, len - i, &cp);
            if (used == 0 || (r->charset == WBXML_CHARSET_US_ASCII && cp >= 0x80)) {
                fail_at(r, offset, "string is not valid %s",
                        r->charset == WBXML_CHARSET_US_ASCII ? "US-ASCII" : "UTF-8");
                break;
            }
        }
        if (!is_xml_char(cp)) {
            fail_at(r, offset, "string contains character U+%04lX, which "
                    "XML cannot carry", cp);
            break;
        }
        append_utf8(out, cp);
        i += used;
    }
    if (i < len) {
        octstr_destroy(out);
        return NULL;
    }
    return out;
}

static Octstr *read_inline_string(Reader *r)
{
    long start = r->pos;
    long nul = octstr_search_char(r->data, '\0', start);
    Octstr *raw, *text;

    if (nul < 0) {
        fail_at(r, r->token_start, "inline string has no terminating NUL");
        return NULL;
    }
    raw = octstr_copy(r->data, start, nul - start);
    r->pos = nul + 1;
    text = text_to_utf8(r, raw, r->token_start);
    octstr_destroy(raw);
    return text;
}

static Octstr *table_string(Reader *r, long table_offset, long at)
{
    long nul;
    Octstr *raw, *text;

    if (table_offset >= octstr_len(r->string_table)) {
        fail_at(r, at, "string-table offset %ld is outside the %ld-byte "
                "table", table_offset, octstr_len(r->string_table));
        return NULL;
    }
    nul = octstr_search_char(r->string_table, '\0', table_offset);
    if (nul < 0) {
        fail_at(r, at, "string at table offset %ld has no terminating NUL",
                table_offset);
        return NULL;
    }
    raw = octstr_copy(r->string_table, table_offset, nul - table_offset);
    text = text_to_utf8(r, raw, at);
    octstr_destroy(raw);
    return text;
}

/* Names become XML element and attribute names: no space, quote or markup. */
static int is_xml_name(Octstr *name)
{
    long i, len = octstr_len(name);

    for (i = 0; i < len; i++) {
        int c = octstr_get_char(name, i);
        int start_char = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
                         || c == '_' || c == ':' || c >= 0x80;
        int name_char = (c >= '0' && c <= '9') || c == '-' || c == '.';
        if (!start_char && !(i > 0 && name_char))
            return 0;
    }
    return len > 0;
}

static Octstr *table_name(Reader *r, long table_offset, long at)
{
    Octstr *name = table_string(r, table_offset, at);

    if (name != NULL && !is_xml_name(name)) {
        fail_at(r, at, "LITERAL name at table offset %ld is not an XML name",
                table_offset);
        octstr_destroy(name);
        return NULL;
    }
    return name;
}

/* ---- tokens ---- */

static void begin_token(Reader *r)
{
    r->token_start = r->pos;
}

static WbxmlToken *add_token(Reader *r, WbxmlTokenKind kind, int depth)
{
    WbxmlToken *token = gw_malloc(sizeof(*token));

    token->kind = kind;
    token->offset = r->token_start;
    token->length = r->pos - r->token_start;
    token->depth = depth;
    token->number = 0;
    token->table_offset = -1;
    token->has_attrs = 0;
    token->has_content = 0;
    token->name = NULL;
    token->text = NULL;
    gwlist_append(r->tokens, token);
    return token;
}

static void token_destroy(void *p)
{
    WbxmlToken *token = p;

    octstr_destroy(token->name);
    octstr_destroy(token->text);
    gw_free(token);
}

void wbxml_tokens_destroy(List *tokens)
{
    gwlist_destroy(tokens, token_destroy);
}

/* ---- header ---- */

static int read_version(Reader *r)
{
    int version;

    begin_token(r);
    if (read_byte(r, &version) < 0)
        return -1;
    if (version < 0x01 || version > 0x03)
        return fail_at(r, r->token_start, "WBXML version byte 0x%02X is "
                       "not supported (01-03)", version);
    add_token(r, WBXML_TOK_VERSION, 0)->number = version;
    return 0;
}

static int read_public_id(Reader *r, long *index)
{
    long id;
    WbxmlToken *token;

    begin_token(r);
    *index = -1;
    if (read_mb_u_int32(r, &id) < 0
        || (id == 0 && read_mb_u_int32(r, index) < 0))
        return -1;
    if (id != 0 && id != WBXML_PUBLIC_ID_PROV)
        return fail_at(r, r->token_start, "public id 0x%02lX is not PROV "
                       "(0x0B)", id);
    token = add_token(r, WBXML_TOK_PUBLIC_ID, 0);
    token->number = id;
    token->table_offset = *index;
    return 0;
}

static int read_charset(Reader *r)
{
    long charset;

    begin_token(r);
    if (read_mb_u_int32(r, &charset) < 0)
        return -1;
    if (charset != WBXML_CHARSET_UTF8 && charset != WBXML_CHARSET_UNKNOWN
        && charset != WBXML_CHARSET_US_ASCII && charset != WBXML_CHARSET_LATIN1)
        return fail_at(r, r->token_start, "charset MIBenum %ld is not "
                       "supported (UTF-8, US-ASCII, ISO-8859-1)", charset);
    r->charset = charset;
    add_token(r, WBXML_TOK_CHARSET, 0)->number = charset;
    return 0;
}

static void add_table_strings(Reader *r, long table_start)
{
    long len = octstr_len(r->string_table), at = 0;

    while (at < len) {
        long nul = octstr_search_char(r->string_table, '\0', at);
        long end = nul >= 0 ? nul : len;
        WbxmlToken *token;

        r->token_start = table_start + at;
        r->pos = table_start + (nul >= 0 ? nul + 1 : len);
        token = add_token(r, WBXML_TOK_TABLE_STRING, 0);
        token->table_offset = at;
        token->text = octstr_copy(r->string_table, at, end - at);
        at = end + 1;
    }
    r->pos = table_start + len;
}

static int read_string_table(Reader *r)
{
    long len;

    begin_token(r);
    if (read_mb_u_int32(r, &len) < 0)
        return -1;
    if (len > octstr_len(r->data) - r->pos)
        return fail_at(r, r->token_start, "string table of %ld bytes runs "
                       "past the end of the document", len);
    add_token(r, WBXML_TOK_STRING_TABLE, 0)->number = len;
    r->string_table = octstr_copy(r->data, r->pos, len);
    add_table_strings(r, r->pos);
    return 0;
}

static int check_public_id_string(Reader *r, long index, long at)
{
    Octstr *id;
    int is_prov;

    if (index < 0)
        return 0;
    id = table_string(r, index, at);
    if (id == NULL)
        return -1;
    is_prov = octstr_str_compare(id, WBXML_PROV_PUBLIC_ID) == 0;
    octstr_destroy(id);
    if (!is_prov)
        return fail_at(r, at, "public id string is not '%s'",
                       WBXML_PROV_PUBLIC_ID);
    return 0;
}

static int read_header(Reader *r)
{
    long public_id_index, public_id_at;

    if (read_version(r) < 0)
        return -1;
    public_id_at = r->pos;
    if (read_public_id(r, &public_id_index) < 0 || read_charset(r) < 0
        || read_string_table(r) < 0)
        return -1;
    return check_public_id_string(r, public_id_index, public_id_at);
}

/* ---- attributes ---- */

typedef struct {
    Dict *seen;         /* attribute names of this element (values unused) */
    int depth;
    int in_attribute;   /* a start token has been read: values may follow */
} AttrList;

static int start_attribute(Reader *r, AttrList *list, const char *name,
                           const char *prefix, long table_offset)
{
    Octstr *key = octstr_create(name);
    int first_time = dict_put_once(list->seen, key, list);  /* dict copies key */
    WbxmlToken *token;

    octstr_destroy(key);
    if (!first_time)
        return fail_at(r, r->token_start, "attribute '%s' repeated", name);
    token = add_token(r, WBXML_TOK_ATTR_START, list->depth);
    token->name = octstr_create(name);
    token->text = prefix != NULL ? octstr_create(prefix) : NULL;
    token->table_offset = table_offset;
    list->in_attribute = 1;
    return 0;
}

static int read_literal_attribute(Reader *r, AttrList *list)
{
    long index;
    Octstr *name;
    int result;

    if (read_mb_u_int32(r, &index) < 0
        || (name = table_name(r, index, r->token_start)) == NULL)
        return -1;
    result = start_attribute(r, list, octstr_get_cstr(name), NULL, index);
    octstr_destroy(name);
    return result;
}

static int add_value_text(Reader *r, AttrList *list, WbxmlTokenKind kind,
                          Octstr *text, long number, long table_offset)
{
    WbxmlToken *token;

    if (text == NULL)
        return -1;
    token = add_token(r, kind, list->depth);
    token->text = text;
    token->number = number;
    token->table_offset = table_offset;
    return 0;
}

static int read_entity(Reader *r, AttrList *list)
{
    long cp;
    Octstr *text;

    if (read_mb_u_int32(r, &cp) < 0)
        return -1;
    if (!is_xml_char(cp))
        return fail_at(r, r->token_start, "ENTITY &#%ld; is not an XML "
                       "character", cp);
    text = octstr_create("");
    append_utf8(text, cp);
    return add_value_text(r, list, WBXML_TOK_ENTITY, text, cp, -1);
}

static int read_opaque(Reader *r, AttrList *list)
{
    long len;
    Octstr *raw, *text;

    if (read_mb_u_int32(r, &len) < 0)
        return -1;
    if (len > octstr_len(r->data) - r->pos)
        return fail_at(r, r->token_start, "OPAQUE of %ld bytes runs past "
                       "the end of the document", len);
    raw = octstr_copy(r->data, r->pos, len);
    r->pos += len;
    text = text_to_utf8(r, raw, r->token_start);
    octstr_destroy(raw);
    return add_value_text(r, list, WBXML_TOK_OPAQUE, text, len, -1);
}

static int read_string_value(Reader *r, AttrList *list, int byte)
{
    long index;

    if (byte == WBXML_STR_I)
        return add_value_text(r, list, WBXML_TOK_STR_I,
                              read_inline_string(r), 0, -1);
    if (read_mb_u_int32(r, &index) < 0)
        return -1;
    return add_value_text(r, list, WBXML_TOK_STR_T,
                          table_string(r, index, r->token_start), 0, index);
}

static int read_attribute_token(Reader *r, AttrList *list, int byte)
{
    const WbxmlAttrStart *start;
    const WbxmlAttrValue *value;

    if (byte < 0x80) {
        start = wbxml_token_attr_start_of(r->attr_page, byte);
        if (start == NULL)
            return fail_at(r, r->token_start, "unknown attribute-start token "
                           "0x%02X on code page %d", byte, r->attr_page);
        return start_attribute(r, list, start->attribute, start->value, -1);
    }
    value = wbxml_token_attr_value_of(r->attr_page, byte);
    if (value == NULL)
        return fail_at(r, r->token_start, "unknown attribute-value token "
                       "0x%02X on code page %d", byte, r->attr_page);
    return add_value_text(r, list, WBXML_TOK_VALUE_TOKEN,
                          octstr_create(value->value), byte, -1);
}

static int is_value_part(int byte)
{
    return byte == WBXML_STR_I || byte == WBXML_STR_T || byte == WBXML_ENTITY
           || byte == WBXML_OPAQUE || (byte >= 0x80 && !global_token_name(byte));
}

static int read_attribute_item(Reader *r, AttrList *list, int byte)
{
    int page;

    if (is_value_part(byte) && !list->in_attribute)
        return fail_at(r, r->token_start, "attribute value before any "
                       "attribute name");
    switch (byte) {
    case WBXML_SWITCH_PAGE:
        if (read_byte(r, &page) < 0)
            return -1;
        r->attr_page = page;
        add_token(r, WBXML_TOK_ATTR_PAGE, list->depth)->number = page;
        return 0;
    case WBXML_LITERAL:
        return read_literal_attribute(r, list);
    case WBXML_STR_I:
    case WBXML_STR_T:
        return read_string_value(r, list, byte);
    case WBXML_ENTITY:
        return read_entity(r, list);
    case WBXML_OPAQUE:
        return read_opaque(r, list);
    }
    if (global_token_name(byte) != NULL)
        return fail_at(r, r->token_start, "unexpected %s (0x%02X) in an "
                       "attribute list", global_token_name(byte), byte);
    return read_attribute_token(r, list, byte);
}

static int read_attributes(Reader *r, int depth)
{
    AttrList list;
    int byte, result = 0;

    list.seen = dict_create(8, NULL);
    list.depth = depth;
    list.in_attribute = 0;
    for (;;) {
        begin_token(r);
        if (read_byte(r, &byte) < 0) {
            result = -1;
            break;
        }
        if (byte == WBXML_END) {
            if (dict_key_count(list.seen) == 0)
                result = fail_at(r, r->token_start, "empty attribute list");
            else
                add_token(r, WBXML_TOK_ATTRS_END, depth);
            break;
        }
        if (read_attribute_item(r, &list, byte) < 0) {
            result = -1;
            break;
        }
    }
    dict_destroy(list.seen);
    return result;
}

/* ---- elements ---- */

static int read_content(Reader *r, int depth, Octstr *name)
{
    int byte, page;

    for (;;) {
        if (r->pos >= octstr_len(r->data))
            return fail_at(r, r->pos, "document ends inside <%S>", name);
        byte = octstr_get_char(r->data, r->pos);
        if (byte != WBXML_END && byte != WBXML_SWITCH_PAGE) {
            if (read_element(r, depth + 1) < 0)
                return -1;
            continue;
        }
        begin_token(r);
        r->pos++;
        if (byte == WBXML_END) {
            add_token(r, WBXML_TOK_ELEMENT_END, depth)->name =
                octstr_duplicate(name);
            return 0;
        }
        if (read_byte(r, &page) < 0)
            return -1;
        r->tag_page = page;
        add_token(r, WBXML_TOK_TAG_PAGE, depth + 1)->number = page;
    }
}

static Octstr *read_tag_name(Reader *r, int byte, long *table_offset)
{
    const char *name;

    *table_offset = -1;
    if (is_literal_tag(byte)) {
        if (read_mb_u_int32(r, table_offset) < 0)
            return NULL;
        return table_name(r, *table_offset, r->token_start);
    }
    if (global_token_name(byte) != NULL) {
        fail_at(r, r->token_start, "unexpected %s (0x%02X) where an element "
                "was expected", global_token_name(byte), byte);
        return NULL;
    }
    name = wbxml_token_tag_name(r->tag_page, byte & WBXML_TAG_MASK);
    if (name == NULL) {
        fail_at(r, r->token_start, "unknown tag token 0x%02X on code page %d",
                byte & WBXML_TAG_MASK, r->tag_page);
        return NULL;
    }
    return octstr_create(name);
}

static int read_element(Reader *r, int depth)
{
    int byte, result = 0;
    long table_offset;
    Octstr *name;
    WbxmlToken *token;

    begin_token(r);
    if (depth > WBXML_READER_MAX_DEPTH)
        return fail_at(r, r->pos, "elements nested deeper than %d",
                       WBXML_READER_MAX_DEPTH);
    if (read_byte(r, &byte) < 0
        || (name = read_tag_name(r, byte, &table_offset)) == NULL)
        return -1;
    token = add_token(r, WBXML_TOK_ELEMENT, depth);
    token->name = octstr_duplicate(name);
    token->table_offset = table_offset;
    token->has_attrs = (byte & WBXML_TAG_ATTRS) != 0;
    token->has_content = (byte & WBXML_TAG_CONTENT) != 0;
    if (token->has_attrs)
        result = read_attributes(r, depth);
    if (result == 0 && token->has_content)
        result = read_content(r, depth, name);
    octstr_destroy(name);
    return result;
}

static int read_body(Reader *r)
{
    int page;

    while (r->pos < octstr_len(r->data)
           && octstr_get_char(r->data, r->pos) == WBXML_SWITCH_PAGE) {
        begin_token(r);
        r->pos++;
        if (read_byte(r, &page) < 0)
            return -1;
        r->tag_page = page;
        add_token(r, WBXML_TOK_TAG_PAGE, 0)->number = page;
    }
    if (read_element(r, 0) < 0)
        return -1;
    if (r->pos < octstr_len(r->data))
        return fail_at(r, r->pos, "%ld bytes after the end of the document",
                       octstr_len(r->data) - r->pos);
    return 0;
}

List *wbxml_read(Octstr *wbxml, Octstr **error)
{
    Reader r;

    if (octstr_len(wbxml) > MAX_DOCUMENT_BYTES) {
        *error = octstr_format("offset 0x0000: document is %ld bytes, more "
                               "than the %ld read", octstr_len(wbxml),
                               MAX_DOCUMENT_BYTES);
        return NULL;
    }
    r.data = wbxml;
    r.pos = 0;
    r.token_start = 0;
    r.string_table = NULL;
    r.charset = WBXML_CHARSET_UTF8;
    r.tag_page = 0;
    r.attr_page = 0;
    r.tokens = gwlist_create();
    r.error = NULL;
    if (read_header(&r) < 0 || read_body(&r) < 0) {
        *error = r.error;
        wbxml_tokens_destroy(r.tokens);
        r.tokens = NULL;
    }
    octstr_destroy(r.string_table);
    return r.tokens;
}
