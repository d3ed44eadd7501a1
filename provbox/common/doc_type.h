/*
 * doc_type.h - the document types a job's Type: header and a sendota
 * request's type= name:
 *
 *   oma-settings   an OMA Client Provisioning document, signed as its
 *                  security mode says (the default)
 *   settings, bookmarks, syncsettings
 *                  the Nokia/Ericsson OTA 7.0 formats ("legacy"): unsigned
 *                  by design (encode/ota_legacy.h)
 *
 * The names only: how each type is compiled and sent is encode/message.h's.
 * It sits in common/ so that the job format (spool/job.h) names a type
 * without depending on the encoder. Symbol prefix: doc_type_.
 */
#ifndef PROVBOX_DOC_TYPE_H
#define PROVBOX_DOC_TYPE_H

#include "gwlib/gwlib.h"

typedef enum {
    DOC_OMA_SETTINGS,
    DOC_OTA_SETTINGS,
    DOC_OTA_BOOKMARKS,
    DOC_OTA_SYNCSETTINGS
} DocType;

/* A type's name (any case) -> type. Returns 0, or -1 for an unknown name. */
int doc_type_parse(Octstr *name, DocType *type);
/* Its name as written back: lower case. */
const char *doc_type_name(DocType type);
/* True for the OTA 7.0 types. */
int doc_type_is_legacy(DocType type);

#endif
