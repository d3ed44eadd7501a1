/*
 * wbxml_attr.c - the token, string or LITERAL of one attribute and its
 * code page (see wbxml_attr.h).
 */
#include <string.h>

#include "encode/wbxml_attr.h"
#include "encode/wbxml_tokens.h"

/* The current attribute page first, then the other one. */
static int page_by_preference(int page, int i)
{
    return i == 0 ? page : 1 - page;
}

static void put(WbxmlAttrCode *code, int byte)
{
    code->bytes[code->length++] = (unsigned char) byte;
}

static void switch_page(int *page, int to, WbxmlAttrCode *code)
{
    if (to == *page)
        return;
    put(code, WBXML_SWITCH_PAGE);
    put(code, to);
    *page = to;
}

/* name="NAME", type="PXLOGICAL", version="1.0": one token for both. */
static int exact_start(int *page, const char *name, const char *value, WbxmlAttrCode *code)
{
    int i;

    for (i = 0; i < WBXML_PAGES; i++) {
        int p = page_by_preference(*page, i);
        const WbxmlAttrStart *start = wbxml_token_attr_start(p, name, value);
        if (start != NULL) {
            switch_page(page, p, code);
            put(code, start->token);
            return 1;
        }
    }
    return 0;
}

/* value="IPV4": the generic start 06 and the value token of one page. */
static int value_token(int *page, const char *name, const char *value, WbxmlAttrCode *code)
{
    int i;

    if (strcmp(name, "value") != 0)
        return 0;
    for (i = 0; i < WBXML_PAGES; i++) {
        int p = page_by_preference(*page, i);
        const WbxmlAttrValue *token = wbxml_token_attr_value(p, value);
        const WbxmlAttrStart *start = wbxml_token_attr_start(p, name, NULL);
        if (token != NULL && start != NULL) {
            switch_page(page, p, code);
            put(code, start->token);
            put(code, token->token);
            return 1;
        }
    }
    return 0;
}

/* name="MY-NAME": the generic start token, then the value as a string. */
static int generic_start(int *page, const char *name, WbxmlAttrCode *code)
{
    int i;

    for (i = 0; i < WBXML_PAGES; i++) {
        int p = page_by_preference(*page, i);
        const WbxmlAttrStart *start = wbxml_token_attr_start(p, name, NULL);
        if (start != NULL) {
            switch_page(page, p, code);
            put(code, start->token);
            code->value_string = 1;
            return 1;
        }
    }
    return 0;
}

void wbxml_attr_code(int *page, const char *name, const char *value, WbxmlAttrCode *code)
{
    memset(code, 0, sizeof(*code));
    if (exact_start(page, name, value, code) || value_token(page, name, value, code)
        || generic_start(page, name, code))
        return;
    code->literal = 1;
    code->value_string = 1;
}
