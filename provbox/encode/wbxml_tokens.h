/*
 * wbxml_tokens.h - the OMA ProvCont WBXML token tables (public id 0x0B).
 *
 * Data only: the tag tokens, the attribute-start tokens and the
 * attribute-value tokens of code pages 0 and 1, as listed in the wire facts
 * (omacp-wire-facts.md §1.2-1.5), with lookups in both directions. The
 * compiler asks "which token codes this name/value on this page?", the
 * decoder asks "what does this token mean on this page?".
 *
 * Some entries are decode-only: they are known to one or two
 * implementations only (APPREF/TO-APPREF, the BEARERINFO/DNS-ADDRINFO
 * vendor types) or are fragments of a value rather than whole values (the
 * page-1 AAUTHTYPE pieces "," "HTTP-" "BASIC" "DIGEST"). The encoder never
 * emits them, so every document it writes decodes with any ProvCont table;
 * the decoder still names them when a captured push carries them. The
 * Nokia/Kannel WLAN vendor tokens are absent altogether.
 *
 * Lookups are exact and case-sensitive ("ipv4" is not IPV4). The tables are
 * constant; all functions are thread-safe. Symbol prefix: wbxml_token_.
 */
#ifndef PROVBOX_WBXML_TOKENS_H
#define PROVBOX_WBXML_TOKENS_H

/* Attribute code pages. The tag tokens are the same on both pages. */
#define WBXML_PAGE_CONNECTIVITY 0
#define WBXML_PAGE_APPLICATION  1
#define WBXML_PAGES             2

/* Global tokens (WBXML 1.3) and the tag flag bits. */
enum {
    WBXML_SWITCH_PAGE = 0x00,
    WBXML_END = 0x01,
    WBXML_ENTITY = 0x02,
    WBXML_STR_I = 0x03,
    WBXML_LITERAL = 0x04,
    WBXML_EXT_I_0 = 0x40,
    WBXML_EXT_I_2 = 0x42,
    WBXML_PI = 0x43,
    WBXML_LITERAL_C = 0x44,
    WBXML_EXT_T_0 = 0x80,
    WBXML_EXT_T_2 = 0x82,
    WBXML_STR_T = 0x83,
    WBXML_LITERAL_A = 0x84,
    WBXML_EXT_0 = 0xC0,
    WBXML_EXT_2 = 0xC2,
    WBXML_OPAQUE = 0xC3,
    WBXML_LITERAL_AC = 0xC4
};
#define WBXML_TAG_ATTRS   0x80
#define WBXML_TAG_CONTENT 0x40
#define WBXML_TAG_MASK    0x3F

/* Header constants the compiler writes. */
#define WBXML_VERSION_1_3    0x03
#define WBXML_PUBLIC_ID_PROV 0x0B
#define WBXML_CHARSET_UTF8   106

/* Other charsets (IANA MIBenum) the decoder accepts; 0 means unknown. */
#define WBXML_CHARSET_UNKNOWN  0
#define WBXML_CHARSET_US_ASCII 3
#define WBXML_CHARSET_LATIN1   4
#define WBXML_PROV_PUBLIC_ID "-//WAPFORUM//DTD PROV 1.0//EN"
#define WBXML_PROV_SYSTEM_ID "http://www.wapforum.org/DTD/prov.dtd"

typedef enum {
    TOKEN_ENCODE,       /* standard: emitted and decoded */
    TOKEN_DECODE_ONLY   /* recognised when decoding, never emitted */
} WbxmlTokenUse;

/* An attribute-start token: attribute name, plus the start of its value
 * (NULL when the whole value follows as strings or value tokens). */
typedef struct {
    int page;
    int token;
    const char *attribute;
    const char *value;
    WbxmlTokenUse use;
} WbxmlAttrStart;

/* An attribute-value token. */
typedef struct {
    int page;
    int token;
    const char *value;
    WbxmlTokenUse use;
} WbxmlAttrValue;

/* Tag token (0x05-0x07) of a ProvCont element name, or -1. */
int wbxml_token_tag(const char *element);

/* Element name of a tag token (without flag bits) on a page, or NULL. */
const char *wbxml_token_tag_name(int page, int token);

/* The emittable start token on `page` for attribute=value exactly
 * (value != NULL), or for attribute with any value (value == NULL). */
const WbxmlAttrStart *wbxml_token_attr_start(int page, const char *attribute,
                                             const char *value);

/* The emittable value token on `page` whose value equals `value`. */
const WbxmlAttrValue *wbxml_token_attr_value(int page, const char *value);

/* Decoding: the meaning of an attribute-start (< 0x80) or attribute-value
 * (>= 0x80) token on a page, decode-only entries included, or NULL. */
const WbxmlAttrStart *wbxml_token_attr_start_of(int page, int token);
const WbxmlAttrValue *wbxml_token_attr_value_of(int page, int token);

#endif
