/*
 * ota_legacy.h - the Nokia/Ericsson OTA 7.0 formats sendota also sends:
 * browser settings, browser bookmarks and SyncSettings.
 *
 * These predate OMA ProvBoot and are unsigned by design: there is no SEC
 * or MAC, a phone shows them to the user, who accepts or not.
 *
 *   type          root element          WSP Content-Type                              ports (dest/src)
 *   settings      CHARACTERISTIC-LIST   application/x-wap-prov.browser-settings      49999/49154
 *   bookmarks     CHARACTERISTIC-LIST   application/x-wap-prov.browser-bookmarks     49999/49154
 *   syncsettings  SyncSettings          application/vnd.nokia.syncset+wbxml (0x020B) 49996/49154
 *
 * The WBXML is version 1.1, public id 0x01 (unknown: the OTA formats have
 * none), charset UTF-8, an empty string table, every string inline, with
 * the tables of ota_legacy_tokens.h. Content-Types carry charset=utf-8.
 * Values are copied byte for byte; an unknown element, attribute or TYPE
 * is an error naming its line, never silently dropped.
 *
 * The types are common/doc_type.h's DOC_OTA_SETTINGS, DOC_OTA_BOOKMARKS and
 * DOC_OTA_SYNCSETTINGS; every function here takes one of them.
 * Thread-safe (libxml2 through wbxml_xml.h). Symbol prefix: ota_legacy_.
 */
#ifndef PROVBOX_OTA_LEGACY_H
#define PROVBOX_OTA_LEGACY_H

#include "gwlib/gwlib.h"
#include "common/doc_type.h"

const char *ota_legacy_content_type(DocType type);
long ota_legacy_dest_port(DocType type);
long ota_legacy_src_port(DocType type);

/* XML document -> WBXML, or NULL + *error ("line N: cause"). */
Octstr *ota_legacy_compile(DocType type, Octstr *xml, Octstr **error);

/* WSP Push PDU: TID 06 HdrLen Content-Type body. */
Octstr *ota_legacy_pdu_build(DocType type, Octstr *wbxml, int tid);

#endif
