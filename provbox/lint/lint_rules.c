/*
 * lint_rules.c - the tables of lint_rules.h: OMA ProvCont 1.1's
 * characteristics and parms (OMA-WAP-TS-ProvCont-V1_1, section 5, and the
 * value tokens of its code pages, see ../shared omacp-wire-facts.md 1.3 to
 * 1.5), and the parms OMNA's application characteristics documents add per
 * APPID (ac_w2, ac_w4, ac_w5, ac_w7, ac_25, ac_110, ac_143, ac_554).
 */
#include <string.h>

#include "gwlib/gwlib.h"
#include "lint/lint_rules.h"

#define ADDRTYPES "IPV4 IPV6 E164 ALPHA APN SCODE TETRA-ITSI MAN"

static const LintCharRule char_rules[] = {
    { "PXLOGICAL", "-",
      "PROXY-ID! PROXY-PW PPGAUTH-TYPE PROXY-PROVIDER-ID NAME DOMAIN* TRUST MASTER "
      "STARTPAGE BASAUTH-ID BASAUTH-PW WSP-VERSION PUSHENABLED PULLENABLED",
      "PXAUTHINFO* PORT* PXPHYSICAL!*", 0 },
    { "PXPHYSICAL", "PXLOGICAL",
      "PHYSICAL-PROXY-ID! DOMAIN* PXADDR! PXADDRTYPE PXADDR-FQDN WSP-VERSION "
      "PUSHENABLED PULLENABLED TO-NAPID!*",
      "PORT*", 0 },
    { "PXAUTHINFO", "PXLOGICAL", "PXAUTH-TYPE! PXAUTH-ID PXAUTH-PW", "", 0 },
    { "PORT", "PXLOGICAL PXPHYSICAL APPADDR", "PORTNBR! SERVICE*", "", 0 },
    { "NAPDEF", "-",
      "NAPID! BEARER* NAME! INTERNET NAP-ADDRESS! NAP-ADDRTYPE DNS-ADDR* CALLTYPE "
      "LOCAL-ADDR LOCAL-ADDRTYPE LINKSPEED DNLINKSPEED LINGER DELIVERY-ERR-SDU "
      "DELIVERY-ORDER TRAFFIC-CLASS MAX-SDU-SIZE MAX-BITRATE-UPLINK MAX-BITRATE-DNLINK "
      "RESIDUAL-BER SDU-ERROR-RATIO TRAFFIC-HANDL-PRIO TRANSFER-DELAY "
      "GUARANTEED-BITRATE-UPLINK GUARANTEED-BITRATE-DNLINK MAX-NUM-RETRY "
      "FIRST-RETRY-TIMEOUT REREG-THRESHOLD T-BIT",
      "NAPAUTHINFO* VALIDITY*", 0 },
    { "NAPAUTHINFO", "NAPDEF", "AUTHTYPE! AUTHNAME AUTHSECRET AUTH-ENTITY* SPI", "", 0 },
    { "VALIDITY", "NAPDEF", "COUNTRY NETWORK SID SOC VALIDUNTIL", "", 0 },
    { "BOOTSTRAP", "-", "NAME NETWORK* COUNTRY PROXY-ID* PROVURL CONTEXT-ALLOW", "", 0 },
    { "CLIENTIDENTITY", "-", "CLIENT-ID!", "", 0 },
    { "VENDORCONFIG", "-", "NAME!", "", 1 },
    { "APPLICATION", "-",
      "APPID! PROVIDER-ID NAME AACCEPT APROTOCOL TO-PROXY* TO-NAPID* ADDR* APPREF TO-APPREF*",
      "APPADDR* APPAUTH* RESOURCE*", 0 },
    { "APPADDR", "APPLICATION", "ADDR! ADDRTYPE", "PORT*", 0 },
    { "APPAUTH", "APPLICATION", "AAUTHLEVEL AAUTHTYPE AAUTHNAME AAUTHSECRET AAUTHDATA", "", 0 },
    { "RESOURCE", "APPLICATION",
      "URI! NAME AACCEPT AAUTHTYPE AAUTHNAME AAUTHSECRET AAUTHDATA STARTPAGE", "", 0 },
    { "ACCESS", "-", "RULE APPID* PORTNBR* DOMAIN* TO-NAPID* TO-PROXY*", "", 0 },
};

static const LintParmRule parm_rules[] = {
    { "NAP-ADDRTYPE", VALUE_ADDRTYPE, ADDRTYPES, NULL, 0 },
    { "PXADDRTYPE", VALUE_ADDRTYPE, ADDRTYPES, NULL, 0 },
    { "LOCAL-ADDRTYPE", VALUE_ADDRTYPE, "IPV4 IPV6", NULL, 0 },
    { "ADDRTYPE", VALUE_ADDRTYPE, "IPV4 IPV6 E164 ALPHA", NULL, 0 },
    { "BEARER", VALUE_ENUM,
      "GSM-USSD GSM-SMS ANSI-136-GUTS IS-95-CDMA-SMS IS-95-CDMA-CSD IS-95-CDMA-PACKET "
      "ANSI-136-CSD ANSI-136-GPRS GSM-CSD GSM-GPRS AMPS-CDPD PDC-CSD PDC-PACKET IDEN-SMS "
      "IDEN-CSD IDEN-PACKET FLEX/REFLEX PHS-SMS PHS-CSD TETRA-SDS TETRA-PACKET "
      "ANSI-136-GHOST MOBITEX-MPAK CDMA2000-1X-SIMPLE-IP CDMA2000-1X-MOBILE-IP",
      "3G-GSM WLAN", 0 },
    { "CALLTYPE", VALUE_ENUM,
      "ANALOG-MODEM V.120 V.110 X.31 BIT-TRANSPARENT DIRECT-ASYNCHRONOUS-DATA-SERVICE",
      NULL, 0 },
    { "AUTHTYPE", VALUE_ENUM, "PAP CHAP MD5", NULL, 0 },
    { "PXAUTH-TYPE", VALUE_ENUM, "HTTP-BASIC HTTP-DIGEST WTLS-SS", NULL, 0 },
    { "PPGAUTH-TYPE", VALUE_ENUM, "HTTP-BASIC HTTP-DIGEST WTLS-SS", NULL, 0 },
    { "AUTH-ENTITY", VALUE_ENUM, "AAA HA", NULL, 0 },
    { "SERVICE", VALUE_ENUM,
      "CL-WSP CO-WSP CL-SEC-WSP CO-SEC-WSP CL-SEC-WTA CO-SEC-WTA OTA-HTTP-TO "
      "OTA-HTTP-TLS-TO OTA-HTTP-PO OTA-HTTP-TLS-PO", NULL, 0 },
    { "PORTNBR", VALUE_PORT, NULL, NULL, 0 },
    { "DNS-ADDR", VALUE_IP, NULL, NULL, 0 },
    { "LINKSPEED", VALUE_SPEED, NULL, NULL, 0 },
    { "DNLINKSPEED", VALUE_SPEED, NULL, NULL, 0 },
    { "LINGER", VALUE_NUMBER, NULL, NULL, 0 },
    { "CONTEXT-ALLOW", VALUE_NUMBER, NULL, NULL, 0 },
    { "MAX-NUM-RETRY", VALUE_NUMBER, NULL, NULL, 0 },
    { "FIRST-RETRY-TIMEOUT", VALUE_NUMBER, NULL, NULL, 0 },
    { "REREG-THRESHOLD", VALUE_NUMBER, NULL, NULL, 0 },
    { "PUSHENABLED", VALUE_FLAG01, NULL, NULL, 0 },
    { "PULLENABLED", VALUE_FLAG01, NULL, NULL, 0 },
    { "AUTHSECRET", VALUE_ANY, NULL, NULL, 1 },
    { "PXAUTH-PW", VALUE_ANY, NULL, NULL, 1 },
    { "PROXY-PW", VALUE_ANY, NULL, NULL, 1 },
    { "BASAUTH-PW", VALUE_ANY, NULL, NULL, 1 },
    { "AAUTHSECRET", VALUE_ANY, NULL, NULL, 1 },
    { "AAUTHDATA", VALUE_ANY, NULL, NULL, 1 },
};

/* The extras OMNA's documents define. Parms ProvCont already allows in
 * the characteristic are not repeated. */
#define MAIL_AUTH "LOGIN PLAIN CRAM-MD5 DIGEST-MD5 GSSAPI NTLM POPB4SMTP APOP"

static const LintAppRule app_rules[] = {
    { "w2", "browser", "", "", "", "", "", NULL },
    { "w4", "MMS", "CM RM MS PC-ADDR Ma", "", "", "", "", NULL },
    { "w5", "SyncML data synchronisation", "", "", "", "", "CLIURI SYNCTYPE", NULL },
    { "w7", "SyncML device management", "INIT", "", "", "", "", NULL },
    { "25", "SMTP", "FROM RT-ADDR CIDPREFIX SERVICES", "", "", "", "", MAIL_AUTH },
    { "110", "POP3", "", "", "", "", "", MAIL_AUTH },
    { "143", "IMAP4", "", "", "", "", "", MAIL_AUTH },
    { "554", "RTSP streaming", "MAX-BANDWIDTH NETINFO MIN-UDP-PORT MAX-UDP-PORT",
      "", "", "", "", NULL },
};

/* Registered with OMNA (ap0001 on: OMA enablers) or in wide use. */
static const char known_appids[] =
    "w1 w2 w3 w4 w5 w6 w7 w8 w9 wA 25 110 143 554 "
    "ap0001 ap0002 ap0003 ap0004 ap0005 ap0006 ap0007 ap0008 ap0009 ap0010";

static const char secret_parms[] =
    "AUTHSECRET PXAUTH-PW PROXY-PW BASAUTH-PW AAUTHSECRET AAUTHDATA "
    "WPAPRESHAREDKEY DATA WEPKEY PASSWORD Password Pwd PIN";

static const char wm_elements[] =
    "characteristic-query parm-query nocharacteristic noparm "
    "characteristic-error parm-error nocharacteristic-error noparm-error";

#define COUNT(a) ((long) (sizeof(a) / sizeof((a)[0])))

int lint_list_find(const char *list, const char *name, int *marks)
{
    size_t n = strlen(name);
    const char *p = list, *end;

    while (*p != '\0') {
        while (*p == ' ')
            p++;
        end = p + strcspn(p, " ");
        if ((size_t) (end - p) >= n && strncmp(p, name, n) == 0
            && strspn(p + n, "!*") == (size_t) (end - p - n)) {
            if (marks != NULL)
                *marks = (memchr(p + n, '!', end - p - n) ? LINT_REQUIRED : 0)
                         | (memchr(p + n, '*', end - p - n) ? LINT_MANY : 0);
            return 0;
        }
        p = end;
    }
    return -1;
}

const LintCharRule *lint_char_rule(const char *type)
{
    long i;

    for (i = 0; i < COUNT(char_rules); i++)
        if (strcmp(char_rules[i].type, type) == 0)
            return &char_rules[i];
    return NULL;
}

const LintParmRule *lint_parm_rule(const char *name)
{
    long i;

    for (i = 0; i < COUNT(parm_rules); i++)
        if (strcmp(parm_rules[i].name, name) == 0)
            return &parm_rules[i];
    return NULL;
}

const LintAppRule *lint_app_rule(const char *appid)
{
    long i;

    for (i = 0; i < COUNT(app_rules); i++)
        if (strcmp(app_rules[i].appid, appid) == 0)
            return &app_rules[i];
    return NULL;
}

const char *lint_app_parms(const LintAppRule *app, const char *type)
{
    if (app == NULL)
        return NULL;
    if (strcmp(type, "APPLICATION") == 0)
        return app->application;
    if (strcmp(type, "APPADDR") == 0)
        return app->appaddr;
    if (strcmp(type, "PORT") == 0)
        return app->port;
    if (strcmp(type, "APPAUTH") == 0)
        return app->appauth;
    if (strcmp(type, "RESOURCE") == 0)
        return app->resource;
    return NULL;
}

int lint_appid_known(const char *appid)
{
    return lint_list_find(known_appids, appid, NULL) == 0;
}

int lint_parm_is_secret(const char *name)
{
    const LintParmRule *rule = lint_parm_rule(name);

    return (rule != NULL && rule->secret) || lint_list_find(secret_parms, name, NULL) == 0
           || strstr(name, "PASSWORD") != NULL || strstr(name, "Password") != NULL;
}

int lint_wm_element(const char *name)
{
    return lint_list_find(wm_elements, name, NULL) == 0;
}

Octstr *lint_where_parm_belongs(const char *parm)
{
    Octstr *out = octstr_create("");
    long i;

    for (i = 0; i < COUNT(char_rules); i++) {
        if (lint_list_find(char_rules[i].parms, parm, NULL) != 0)
            continue;
        if (octstr_len(out) > 0)
            octstr_append_cstr(out, ", ");
        octstr_append_cstr(out, char_rules[i].type);
    }
    return out;
}
