/*
 * wbxml_attr.h - how one attribute is coded in OMA ProvCont WBXML.
 *
 * Owns the choice between a token, a string and a LITERAL for an attribute
 * name="value", and the attribute code page it leaves behind:
 *
 *   - an exact start token for name=value (name="NAME", type="PXLOGICAL",
 *     version="1.0"), looked up on the current page, then on the other;
 *   - else, for value=, the generic start 06 and a value token of the same
 *     page, for an exact, case-sensitive match ("IPV4");
 *   - else the generic start token of the name, and the value as a string;
 *   - else (no token names the attribute) LITERAL, the name in the string
 *     table, and the value as a string.
 *
 * SWITCH_PAGE is coded only when the page changes. Whether the value
 * becomes a string does not depend on the page (every lookup tries both),
 * only the bytes and the page left behind do; whether the attribute is a
 * LITERAL depends on its name alone. wbxml_writer.c relies on both.
 * Thread-safe. Symbol prefix: wbxml_attr_.
 */
#ifndef PROVBOX_WBXML_ATTR_H
#define PROVBOX_WBXML_ATTR_H

typedef struct WbxmlAttrCode {
    unsigned char bytes[4];  /* [SWITCH_PAGE page] start token [value token] */
    int length;              /* of bytes; 0 for a LITERAL */
    int value_string;        /* the value follows as a string */
    int literal;             /* LITERAL + name, then the value as a string */
} WbxmlAttrCode;

/* How name="value" is coded when the attribute page is *page; *page is
 * then the page after it. */
void wbxml_attr_code(int *page, const char *name, const char *value, WbxmlAttrCode *code);

#endif
