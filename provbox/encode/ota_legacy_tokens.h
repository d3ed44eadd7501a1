/*
 * ota_legacy_tokens.h - the token tables of the Nokia/Ericsson OTA 7.0
 * formats that predate OMA Client Provisioning.
 *
 * Data only, as the OTA Settings specification 7.0 gives them:
 *   - browser settings and bookmarks (CHARACTERISTIC-LIST): tags
 *     CHARACTERISTIC-LIST 05, CHARACTERISTIC 06, PARM 07; every attribute
 *     is one attribute-start token (all below 0x80): TYPE=ADDRESS 06 ...,
 *     NAME=BEARER 12 ..., VALUE=GSM/CSD 45 ..., plus NAME= 10 and VALUE= 11
 *     followed by an inline string for names and values without a token.
 *     TYPE has no inline form: only the listed types exist.
 *   - SyncSettings (chapter 11): one tag code page, SyncSettings 15 and its
 *     children Addr 05 ... Version 18; their text content is inline.
 *
 * Lookups compare element and attribute names case-insensitively (OTA 7.0
 * documents were written either way and sendota accepted both) and values
 * exactly, except TYPE values, which are tokens only. Symbol prefix:
 * ota_token_. Thread-safe: constant tables.
 */
#ifndef PROVBOX_OTA_LEGACY_TOKENS_H
#define PROVBOX_OTA_LEGACY_TOKENS_H

#define OTA_TAG_CHARACTERISTIC_LIST 0x05
#define OTA_TAG_CHARACTERISTIC      0x06
#define OTA_TAG_PARM                0x07
#define OTA_TAG_SYNCSETTINGS        0x15

#define OTA_ATTR_NAME_INLINE  0x10
#define OTA_ATTR_VALUE_INLINE 0x11

typedef enum { OTA_ATTR_TYPE, OTA_ATTR_NAME, OTA_ATTR_VALUE } OtaAttribute;

/* "TYPE"/"NAME"/"VALUE" (any case) -> attribute; -1 for anything else. */
int ota_token_attribute(const char *name, OtaAttribute *attribute);
const char *ota_token_attribute_name(OtaAttribute attribute);

/* The start token coding attribute=value, or -1 (then NAME and VALUE
 * use their inline token; TYPE is an error). */
int ota_token_attr_start(OtaAttribute attribute, const char *value);

/* SyncSettings tag of an element name (any case), or -1. */
int ota_token_sync_tag(const char *element);

#endif
