/*
 * doc_type.c - document type names (see doc_type.h).
 */
#include "common/doc_type.h"

static const char *const names[] = {
    [DOC_OMA_SETTINGS] = "oma-settings",
    [DOC_OTA_SETTINGS] = "settings",
    [DOC_OTA_BOOKMARKS] = "bookmarks",
    [DOC_OTA_SYNCSETTINGS] = "syncsettings",
};

int doc_type_parse(Octstr *name, DocType *type)
{
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (octstr_str_case_compare(name, names[i]) == 0) {
            *type = (DocType) i;
            return 0;
        }
    return -1;
}

const char *doc_type_name(DocType type)
{
    return names[type];
}

int doc_type_is_legacy(DocType type)
{
    return type != DOC_OMA_SETTINGS;
}
