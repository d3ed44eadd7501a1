/*
 * wbxml_tokens.c - the OMA ProvCont token tables and their lookups.
 *
 * Owns the data of omacp-wire-facts.md §1.2-1.5 (tags, attribute starts and
 * attribute values of code pages 0 and 1) and nothing else. The tables are
 * small, so lookups are linear scans.
 */
#include <string.h>

#include "encode/wbxml_tokens.h"

#define P0 WBXML_PAGE_CONNECTIVITY
#define P1 WBXML_PAGE_APPLICATION
#define ENC TOKEN_ENCODE
#define DEC TOKEN_DECODE_ONLY

static const struct {
    int token;
    const char *name;
    int on_page[WBXML_PAGES];
} tags[] = {
    { 0x05, "wap-provisioningdoc", { 1, 0 } },
    { 0x06, "characteristic", { 1, 1 } },
    { 0x07, "parm", { 1, 1 } },
};

static const WbxmlAttrStart attr_starts[] = {
    /* code page 0: connectivity */
    { P0, 0x05, "name", NULL, ENC },
    { P0, 0x06, "value", NULL, ENC },
    { P0, 0x07, "name", "NAME", ENC },
    { P0, 0x08, "name", "NAP-ADDRESS", ENC },
    { P0, 0x09, "name", "NAP-ADDRTYPE", ENC },
    { P0, 0x0A, "name", "CALLTYPE", ENC },
    { P0, 0x0B, "name", "VALIDUNTIL", ENC },
    { P0, 0x0C, "name", "AUTHTYPE", ENC },
    { P0, 0x0D, "name", "AUTHNAME", ENC },
    { P0, 0x0E, "name", "AUTHSECRET", ENC },
    { P0, 0x0F, "name", "LINGER", ENC },
    { P0, 0x10, "name", "BEARER", ENC },
    { P0, 0x11, "name", "NAPID", ENC },
    { P0, 0x12, "name", "COUNTRY", ENC },
    { P0, 0x13, "name", "NETWORK", ENC },
    { P0, 0x14, "name", "INTERNET", ENC },
    { P0, 0x15, "name", "PROXY-ID", ENC },
    { P0, 0x16, "name", "PROXY-PROVIDER-ID", ENC },
    { P0, 0x17, "name", "DOMAIN", ENC },
    { P0, 0x18, "name", "PROVURL", ENC },
    { P0, 0x19, "name", "PXAUTH-TYPE", ENC },
    { P0, 0x1A, "name", "PXAUTH-ID", ENC },
    { P0, 0x1B, "name", "PXAUTH-PW", ENC },
    { P0, 0x1C, "name", "STARTPAGE", ENC },
    { P0, 0x1D, "name", "BASAUTH-ID", ENC },
    { P0, 0x1E, "name", "BASAUTH-PW", ENC },
    { P0, 0x1F, "name", "PUSHENABLED", ENC },
    { P0, 0x20, "name", "PXADDR", ENC },
    { P0, 0x21, "name", "PXADDRTYPE", ENC },
    { P0, 0x22, "name", "TO-NAPID", ENC },
    { P0, 0x23, "name", "PORTNBR", ENC },
    { P0, 0x24, "name", "SERVICE", ENC },
    { P0, 0x25, "name", "LINKSPEED", ENC },
    { P0, 0x26, "name", "DNLINKSPEED", ENC },
    { P0, 0x27, "name", "LOCAL-ADDR", ENC },
    { P0, 0x28, "name", "LOCAL-ADDRTYPE", ENC },
    { P0, 0x29, "name", "CONTEXT-ALLOW", ENC },
    { P0, 0x2A, "name", "TRUST", ENC },
    { P0, 0x2B, "name", "MASTER", ENC },
    { P0, 0x2C, "name", "SID", ENC },
    { P0, 0x2D, "name", "SOC", ENC },
    { P0, 0x2E, "name", "WSP-VERSION", ENC },
    { P0, 0x2F, "name", "PHYSICAL-PROXY-ID", ENC },
    { P0, 0x30, "name", "CLIENT-ID", ENC },
    { P0, 0x31, "name", "DELIVERY-ERR-SDU", ENC },
    { P0, 0x32, "name", "DELIVERY-ORDER", ENC },
    { P0, 0x33, "name", "TRAFFIC-CLASS", ENC },
    { P0, 0x34, "name", "MAX-SDU-SIZE", ENC },
    { P0, 0x35, "name", "MAX-BITRATE-UPLINK", ENC },
    { P0, 0x36, "name", "MAX-BITRATE-DNLINK", ENC },
    { P0, 0x37, "name", "RESIDUAL-BER", ENC },
    { P0, 0x38, "name", "SDU-ERROR-RATIO", ENC },
    { P0, 0x39, "name", "TRAFFIC-HANDL-PRIO", ENC },
    { P0, 0x3A, "name", "TRANSFER-DELAY", ENC },
    { P0, 0x3B, "name", "GUARANTEED-BITRATE-UPLINK", ENC },
    { P0, 0x3C, "name", "GUARANTEED-BITRATE-DNLINK", ENC },
    { P0, 0x3D, "name", "PXADDR-FQDN", ENC },
    { P0, 0x3E, "name", "PROXY-PW", ENC },
    { P0, 0x3F, "name", "PPGAUTH-TYPE", ENC },
    { P0, 0x45, "version", NULL, ENC },
    { P0, 0x46, "version", "1.0", ENC },
    { P0, 0x47, "name", "PULLENABLED", ENC },
    { P0, 0x48, "name", "DNS-ADDR", ENC },
    { P0, 0x49, "name", "MAX-NUM-RETRY", ENC },
    { P0, 0x4A, "name", "FIRST-RETRY-TIMEOUT", ENC },
    { P0, 0x4B, "name", "REREG-THRESHOLD", ENC },
    { P0, 0x4C, "name", "T-BIT", ENC },
    { P0, 0x4E, "name", "AUTH-ENTITY", ENC },
    { P0, 0x4F, "name", "SPI", ENC },
    { P0, 0x50, "type", NULL, ENC },
    { P0, 0x51, "type", "PXLOGICAL", ENC },
    { P0, 0x52, "type", "PXPHYSICAL", ENC },
    { P0, 0x53, "type", "PORT", ENC },
    { P0, 0x54, "type", "VALIDITY", ENC },
    { P0, 0x55, "type", "NAPDEF", ENC },
    { P0, 0x56, "type", "BOOTSTRAP", ENC },
    { P0, 0x57, "type", "VENDORCONFIG", ENC },
    { P0, 0x58, "type", "CLIENTIDENTITY", ENC },
    { P0, 0x59, "type", "PXAUTHINFO", ENC },
    { P0, 0x5A, "type", "NAPAUTHINFO", ENC },
    { P0, 0x5B, "type", "ACCESS", ENC },
    { P0, 0x5C, "type", "BEARERINFO", DEC },
    { P0, 0x5D, "type", "DNS-ADDRINFO", DEC },

    /* code page 1: applications */
    { P1, 0x05, "name", NULL, ENC },
    { P1, 0x06, "value", NULL, ENC },
    { P1, 0x07, "name", "NAME", ENC },
    { P1, 0x14, "name", "INTERNET", ENC },
    { P1, 0x1C, "name", "STARTPAGE", ENC },
    { P1, 0x22, "name", "TO-NAPID", ENC },
    { P1, 0x23, "name", "PORTNBR", ENC },
    { P1, 0x24, "name", "SERVICE", ENC },
    { P1, 0x2E, "name", "AACCEPT", ENC },
    { P1, 0x2F, "name", "AAUTHDATA", ENC },
    { P1, 0x30, "name", "AAUTHLEVEL", ENC },
    { P1, 0x31, "name", "AAUTHNAME", ENC },
    { P1, 0x32, "name", "AAUTHSECRET", ENC },
    { P1, 0x33, "name", "AAUTHTYPE", ENC },
    { P1, 0x34, "name", "ADDR", ENC },
    { P1, 0x35, "name", "ADDRTYPE", ENC },
    { P1, 0x36, "name", "APPID", ENC },
    { P1, 0x37, "name", "APROTOCOL", ENC },
    { P1, 0x38, "name", "PROVIDER-ID", ENC },
    { P1, 0x39, "name", "TO-PROXY", ENC },
    { P1, 0x3A, "name", "URI", ENC },
    { P1, 0x3B, "name", "RULE", ENC },
    { P1, 0x3C, "name", "APPREF", DEC },
    { P1, 0x3D, "name", "TO-APPREF", DEC },
    { P1, 0x50, "type", NULL, ENC },
    { P1, 0x53, "type", "PORT", ENC },
    { P1, 0x55, "type", "APPLICATION", ENC },
    { P1, 0x56, "type", "APPADDR", ENC },
    { P1, 0x57, "type", "APPAUTH", ENC },
    { P1, 0x58, "type", "CLIENTIDENTITY", ENC },
    { P1, 0x59, "type", "RESOURCE", ENC },
};

static const WbxmlAttrValue attr_values[] = {
    /* code page 0 */
    { P0, 0x85, "IPV4", ENC },
    { P0, 0x86, "IPV6", ENC },
    { P0, 0x87, "E164", ENC },
    { P0, 0x88, "ALPHA", ENC },
    { P0, 0x89, "APN", ENC },
    { P0, 0x8A, "SCODE", ENC },
    { P0, 0x8B, "TETRA-ITSI", ENC },
    { P0, 0x8C, "MAN", ENC },
    { P0, 0x90, "ANALOG-MODEM", ENC },
    { P0, 0x91, "V.120", ENC },
    { P0, 0x92, "V.110", ENC },
    { P0, 0x93, "X.31", ENC },
    { P0, 0x94, "BIT-TRANSPARENT", ENC },
    { P0, 0x95, "DIRECT-ASYNCHRONOUS-DATA-SERVICE", ENC },
    { P0, 0x9A, "PAP", ENC },
    { P0, 0x9B, "CHAP", ENC },
    { P0, 0x9C, "HTTP-BASIC", ENC },
    { P0, 0x9D, "HTTP-DIGEST", ENC },
    { P0, 0x9E, "WTLS-SS", ENC },
    { P0, 0x9F, "MD5", ENC },
    { P0, 0xA2, "GSM-USSD", ENC },
    { P0, 0xA3, "GSM-SMS", ENC },
    { P0, 0xA4, "ANSI-136-GUTS", ENC },
    { P0, 0xA5, "IS-95-CDMA-SMS", ENC },
    { P0, 0xA6, "IS-95-CDMA-CSD", ENC },
    { P0, 0xA7, "IS-95-CDMA-PACKET", ENC },
    { P0, 0xA8, "ANSI-136-CSD", ENC },
    { P0, 0xA9, "ANSI-136-GPRS", ENC },
    { P0, 0xAA, "GSM-CSD", ENC },
    { P0, 0xAB, "GSM-GPRS", ENC },
    { P0, 0xAC, "AMPS-CDPD", ENC },
    { P0, 0xAD, "PDC-CSD", ENC },
    { P0, 0xAE, "PDC-PACKET", ENC },
    { P0, 0xAF, "IDEN-SMS", ENC },
    { P0, 0xB0, "IDEN-CSD", ENC },
    { P0, 0xB1, "IDEN-PACKET", ENC },
    { P0, 0xB2, "FLEX/REFLEX", ENC },
    { P0, 0xB3, "PHS-SMS", ENC },
    { P0, 0xB4, "PHS-CSD", ENC },
    { P0, 0xB5, "TETRA-SDS", ENC },
    { P0, 0xB6, "TETRA-PACKET", ENC },
    { P0, 0xB7, "ANSI-136-GHOST", ENC },
    { P0, 0xB8, "MOBITEX-MPAK", ENC },
    { P0, 0xB9, "CDMA2000-1X-SIMPLE-IP", ENC },
    { P0, 0xBA, "CDMA2000-1X-MOBILE-IP", ENC },
    { P0, 0xC5, "AUTOBAUDING", ENC },
    { P0, 0xCA, "CL-WSP", ENC },
    { P0, 0xCB, "CO-WSP", ENC },
    { P0, 0xCC, "CL-SEC-WSP", ENC },
    { P0, 0xCD, "CO-SEC-WSP", ENC },
    { P0, 0xCE, "CL-SEC-WTA", ENC },
    { P0, 0xCF, "CO-SEC-WTA", ENC },
    { P0, 0xD0, "OTA-HTTP-TO", ENC },
    { P0, 0xD1, "OTA-HTTP-TLS-TO", ENC },
    { P0, 0xD2, "OTA-HTTP-PO", ENC },
    { P0, 0xD3, "OTA-HTTP-TLS-PO", ENC },
    { P0, 0xE0, "AAA", ENC },
    { P0, 0xE1, "HA", ENC },

    /* code page 1 */
    { P1, 0x86, "IPV6", ENC },
    { P1, 0x87, "E164", ENC },
    { P1, 0x88, "ALPHA", ENC },
    { P1, 0x8D, "APPSRV", ENC },
    { P1, 0x8E, "OBEX", ENC },
    { P1, 0x90, ",", DEC },
    { P1, 0x91, "HTTP-", DEC },
    { P1, 0x92, "BASIC", DEC },
    { P1, 0x93, "DIGEST", DEC },
};

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

int wbxml_token_tag(const char *element)
{
    size_t i;

    for (i = 0; i < COUNT(tags); i++)
        if (strcmp(tags[i].name, element) == 0)
            return tags[i].token;
    return -1;
}

const char *wbxml_token_tag_name(int page, int token)
{
    size_t i;

    if (page < 0 || page >= WBXML_PAGES)
        return NULL;
    for (i = 0; i < COUNT(tags); i++)
        if (tags[i].token == token && tags[i].on_page[page])
            return tags[i].name;
    return NULL;
}

static int same_value(const char *table_value, const char *value)
{
    if (table_value == NULL || value == NULL)
        return table_value == value;
    return strcmp(table_value, value) == 0;
}

const WbxmlAttrStart *wbxml_token_attr_start(int page, const char *attribute,
                                             const char *value)
{
    size_t i;

    for (i = 0; i < COUNT(attr_starts); i++) {
        const WbxmlAttrStart *s = &attr_starts[i];
        if (s->page == page && s->use == TOKEN_ENCODE
            && strcmp(s->attribute, attribute) == 0
            && same_value(s->value, value))
            return s;
    }
    return NULL;
}

const WbxmlAttrValue *wbxml_token_attr_value(int page, const char *value)
{
    size_t i;

    for (i = 0; i < COUNT(attr_values); i++) {
        const WbxmlAttrValue *v = &attr_values[i];
        if (v->page == page && v->use == TOKEN_ENCODE
            && strcmp(v->value, value) == 0)
            return v;
    }
    return NULL;
}

const WbxmlAttrStart *wbxml_token_attr_start_of(int page, int token)
{
    size_t i;

    for (i = 0; i < COUNT(attr_starts); i++)
        if (attr_starts[i].page == page && attr_starts[i].token == token)
            return &attr_starts[i];
    return NULL;
}

const WbxmlAttrValue *wbxml_token_attr_value_of(int page, int token)
{
    size_t i;

    for (i = 0; i < COUNT(attr_values); i++)
        if (attr_values[i].page == page && attr_values[i].token == token)
            return &attr_values[i];
    return NULL;
}
