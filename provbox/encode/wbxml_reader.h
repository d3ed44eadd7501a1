/*
 * wbxml_reader.h - reads an untrusted WBXML provisioning document into a
 * flat list of tokens, checking everything on the way.
 *
 * One reader serves the decoder (tokens -> XML) and the explainer (tokens
 * -> one line each), so both accept and reject exactly the same input.
 * Accepted: WBXML 1.1-1.3 (version 01-03), public id 0x0B or the PROV
 * public id as a string-table reference, charset UTF-8, US-ASCII,
 * ISO-8859-1 or unknown (read as UTF-8); multi-byte mb_u_int32; STR_I,
 * STR_T, ENTITY and OPAQUE in attribute values; LITERAL, LITERAL_A,
 * LITERAL_C and LITERAL_AC elements; LITERAL attribute names; SWITCH_PAGE
 * for tags and attributes. Everything else (unknown tokens, PI, EXT_*,
 * text content, truncation, offsets outside the string table, invalid
 * UTF-8, control characters, a repeated attribute, an empty attribute
 * list, nesting deeper than WBXML_READER_MAX_DEPTH, bytes after the root
 * element) is an error "offset 0x1A2: cause".
 *
 * Every token's text is already converted to UTF-8. Thread-safe.
 * Symbol prefix: wbxml_read / WbxmlToken.
 */
#ifndef PROVBOX_WBXML_READER_H
#define PROVBOX_WBXML_READER_H

#include "gwlib/gwlib.h"

#define WBXML_READER_MAX_DEPTH 64

typedef enum {
    WBXML_TOK_VERSION,          /* number = version byte */
    WBXML_TOK_PUBLIC_ID,        /* number = id; 0: table_offset names it */
    WBXML_TOK_CHARSET,          /* number = MIBenum */
    WBXML_TOK_STRING_TABLE,     /* number = length in bytes */
    WBXML_TOK_TABLE_STRING,     /* table_offset; text = raw bytes, no NUL */
    WBXML_TOK_TAG_PAGE,         /* SWITCH_PAGE in content: number = page */
    WBXML_TOK_ATTR_PAGE,        /* SWITCH_PAGE in attributes: number = page */
    WBXML_TOK_ELEMENT,          /* name, has_attrs, has_content; LITERAL*
                                   when table_offset >= 0 */
    WBXML_TOK_ATTR_START,       /* name, text = value prefix or NULL;
                                   LITERAL when table_offset >= 0 */
    WBXML_TOK_VALUE_TOKEN,      /* text; number = token */
    WBXML_TOK_STR_I,            /* text */
    WBXML_TOK_STR_T,            /* text, table_offset */
    WBXML_TOK_ENTITY,           /* text; number = code point */
    WBXML_TOK_OPAQUE,           /* text; number = data length */
    WBXML_TOK_ATTRS_END,        /* END of an attribute list */
    WBXML_TOK_ELEMENT_END       /* END of content: name of the element */
} WbxmlTokenKind;

typedef struct {
    WbxmlTokenKind kind;
    long offset;        /* first byte of the token in the document */
    long length;        /* bytes it spans, operands included */
    int depth;          /* element nesting; the root element is 0 */
    long number;
    long table_offset;  /* -1 unless the token refers to the string table */
    int has_attrs;
    int has_content;
    Octstr *name;
    Octstr *text;
} WbxmlToken;

/* The tokens of a whole document in order, or NULL + *error. */
List *wbxml_read(Octstr *wbxml, Octstr **error);
void wbxml_tokens_destroy(List *tokens);

#endif
