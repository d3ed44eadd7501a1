/*
 * ota_legacy_tokens.c - OTA 7.0 token tables and lookups
 * (see ota_legacy_tokens.h).
 */
#include <string.h>
#include <strings.h>
#include <stddef.h>

#include "encode/ota_legacy_tokens.h"

typedef struct {
    int token;
    OtaAttribute attribute;
    const char *value;
} OtaStart;

static const OtaStart starts[] = {
    { 0x06, OTA_ATTR_TYPE, "ADDRESS" },
    { 0x07, OTA_ATTR_TYPE, "URL" },
    { 0x08, OTA_ATTR_TYPE, "NAME" },
    { 0x7C, OTA_ATTR_TYPE, "MMSURL" },
    { 0x7D, OTA_ATTR_TYPE, "ID" },
    { 0x7F, OTA_ATTR_TYPE, "BOOKMARK" },
    { 0x12, OTA_ATTR_NAME, "BEARER" },
    { 0x13, OTA_ATTR_NAME, "PROXY" },
    { 0x14, OTA_ATTR_NAME, "PORT" },
    { 0x15, OTA_ATTR_NAME, "NAME" },
    { 0x16, OTA_ATTR_NAME, "PROXY_TYPE" },
    { 0x17, OTA_ATTR_NAME, "URL" },
    { 0x18, OTA_ATTR_NAME, "PROXY_AUTHNAME" },
    { 0x19, OTA_ATTR_NAME, "PROXY_AUTHSECRET" },
    { 0x1A, OTA_ATTR_NAME, "SMS_SMSC_ADDRESS" },
    { 0x1B, OTA_ATTR_NAME, "USSD_SERVICE_CODE" },
    { 0x1C, OTA_ATTR_NAME, "GPRS_ACCESSPOINTNAME" },
    { 0x1D, OTA_ATTR_NAME, "PPP_LOGINTYPE" },
    { 0x1E, OTA_ATTR_NAME, "PROXY_LOGINTYPE" },
    { 0x21, OTA_ATTR_NAME, "CSD_DIALSTRING" },
    { 0x22, OTA_ATTR_NAME, "PPP_AUTHTYPE" },
    { 0x23, OTA_ATTR_NAME, "PPP_AUTHNAME" },
    { 0x24, OTA_ATTR_NAME, "PPP_AUTHSECRET" },
    { 0x28, OTA_ATTR_NAME, "CSD_CALLTYPE" },
    { 0x29, OTA_ATTR_NAME, "CSD_CALLSPEED" },
    { 0x7E, OTA_ATTR_NAME, "ISP_NAME" },
    { 0x45, OTA_ATTR_VALUE, "GSM/CSD" },
    { 0x46, OTA_ATTR_VALUE, "GSM/SMS" },
    { 0x47, OTA_ATTR_VALUE, "GSM/USSD" },
    { 0x48, OTA_ATTR_VALUE, "IS-136/CSD" },
    { 0x49, OTA_ATTR_VALUE, "GPRS" },
    { 0x60, OTA_ATTR_VALUE, "9200" },
    { 0x61, OTA_ATTR_VALUE, "9201" },
    { 0x62, OTA_ATTR_VALUE, "9202" },
    { 0x63, OTA_ATTR_VALUE, "9203" },
    { 0x64, OTA_ATTR_VALUE, "AUTOMATIC" },
    { 0x65, OTA_ATTR_VALUE, "MANUAL" },
    { 0x6A, OTA_ATTR_VALUE, "AUTO" },
    { 0x6B, OTA_ATTR_VALUE, "9600" },
    { 0x6C, OTA_ATTR_VALUE, "14400" },
    { 0x6D, OTA_ATTR_VALUE, "19200" },
    { 0x6E, OTA_ATTR_VALUE, "28800" },
    { 0x6F, OTA_ATTR_VALUE, "38400" },
    { 0x70, OTA_ATTR_VALUE, "PAP" },
    { 0x71, OTA_ATTR_VALUE, "CHAP" },
    { 0x72, OTA_ATTR_VALUE, "ANALOGUE" },
    { 0x73, OTA_ATTR_VALUE, "ISDN" },
    { 0x74, OTA_ATTR_VALUE, "43200" },
    { 0x75, OTA_ATTR_VALUE, "57600" },
    { 0x76, OTA_ATTR_VALUE, "MSISDN_NO" },
    { 0x77, OTA_ATTR_VALUE, "IPV4" },
    { 0x78, OTA_ATTR_VALUE, "MS_CHAP" },
};

static const struct {
    int token;
    const char *element;
} sync_tags[] = {
    { 0x05, "Addr" }, { 0x06, "AddrType" }, { 0x07, "Auth" },
    { 0x08, "AuthLevel" }, { 0x09, "AuthScheme" }, { 0x0A, "Bearer" },
    { 0x0B, "ConRef" }, { 0x0C, "ConType" }, { 0x0D, "Cred" },
    { 0x0E, "CTType" }, { 0x0F, "CTVer" }, { 0x10, "HostAddr" },
    { 0x11, "Name" }, { 0x12, "Port" }, { 0x13, "RefID" },
    { 0x14, "RemoteDB" }, { 0x15, "SyncSettings" }, { 0x16, "URI" },
    { 0x17, "Username" }, { 0x18, "Version" },
};

#define COUNT(table) (sizeof(table) / sizeof((table)[0]))

static const char *const attribute_names[] = { "TYPE", "NAME", "VALUE" };

int ota_token_attribute(const char *name, OtaAttribute *attribute)
{
    size_t i;

    for (i = 0; i < COUNT(attribute_names); i++)
        if (strcasecmp(name, attribute_names[i]) == 0) {
            *attribute = (OtaAttribute) i;
            return 0;
        }
    return -1;
}

const char *ota_token_attribute_name(OtaAttribute attribute)
{
    return attribute_names[attribute];
}

int ota_token_attr_start(OtaAttribute attribute, const char *value)
{
    size_t i;

    for (i = 0; i < COUNT(starts); i++) {
        if (starts[i].attribute != attribute || starts[i].value == NULL)
            continue;
        if (attribute == OTA_ATTR_TYPE ? strcasecmp(value, starts[i].value) == 0
                                       : strcmp(value, starts[i].value) == 0)
            return starts[i].token;
    }
    return -1;
}

int ota_token_sync_tag(const char *element)
{
    size_t i;

    for (i = 0; i < COUNT(sync_tags); i++)
        if (strcasecmp(element, sync_tags[i].element) == 0)
            return sync_tags[i].token;
    return -1;
}
