/*
 * compile_cache.c - the documents compiled last, and lint's findings on
 * them (see compile_cache.h).
 */
#include "gwlib/gwlib.h"
#include "encode/message.h"
#include "lint/lint.h"
#include "daemon/compile_cache.h"

/* Findings by Sec: mode, SEC_NONE first. */
#define SEC_MODES (SEC_USERPINMAC - SEC_NONE + 1)

typedef struct Entry {
    WbxmlTemplate *compiled;
    List *findings[SEC_MODES];   /* NULL until linted for that mode */
} Entry;

struct CompileCache {
    Dict *entries;   /* key -> Entry* */
    List *keys;      /* oldest first, for eviction */
    long hits, misses, lints;
};

static void entry_destroy(void *item)
{
    Entry *e = item;
    int i;

    if (e == NULL)
        return;
    wbxml_template_destroy(e->compiled);
    for (i = 0; i < SEC_MODES; i++)
        lint_findings_destroy(e->findings[i]);
    gw_free(e);
}

CompileCache *compile_cache_create(void)
{
    CompileCache *c = gw_malloc(sizeof(*c));

    c->entries = dict_create(COMPILE_CACHE_ENTRIES * 2, entry_destroy);
    c->keys = gwlist_create();
    c->hits = c->misses = c->lints = 0;
    return c;
}

void compile_cache_destroy(CompileCache *c)
{
    if (c == NULL)
        return;
    dict_destroy(c->entries);
    gwlist_destroy(c->keys, octstr_destroy_item);
    gw_free(c);
}

/* The document type and the document: what the WBXML depends on. */
static Octstr *key_of(const Job *job)
{
    Octstr *key = octstr_format("%s\n", doc_type_name(job->type));

    octstr_append(key, job->document);
    return key;
}

/* A new entry for key (which it takes over); the oldest goes when full. */
static Entry *remember(CompileCache *c, Octstr *key, WbxmlTemplate *compiled)
{
    Entry *e = gw_malloc(sizeof(*e));
    Octstr *oldest;

    if (gwlist_len(c->keys) >= COMPILE_CACHE_ENTRIES) {
        oldest = gwlist_extract_first(c->keys);
        entry_destroy(dict_remove(c->entries, oldest));
        octstr_destroy(oldest);
    }
    memset(e, 0, sizeof(*e));
    e->compiled = compiled;
    dict_put(c->entries, key, e);
    gwlist_append(c->keys, key);
    return e;
}

/* The job's document's entry (the cache's), compiled on a miss; NULL +
 * *error when it does not compile. */
static Entry *entry_for(CompileCache *c, const Job *job, Octstr **error)
{
    Octstr *key = key_of(job);
    Entry *e = dict_get(c->entries, key);
    WbxmlTemplate *compiled;

    if (e != NULL) {
        c->hits++;
        octstr_destroy(key);
        return e;
    }
    c->misses++;
    if ((compiled = message_compile(job->type, job->document, error)) == NULL) {
        octstr_destroy(key);
        return NULL;
    }
    return remember(c, key, compiled);
}

/* The entry's findings under the job's mode (a copy), linted on the first
 * ask; NULL + *error when lint cannot read the document. */
static List *findings_for(CompileCache *c, Entry *e, const Job *job, Octstr **error)
{
    List **kept = &e->findings[job->sec - SEC_NONE];
    LintOptions options = { .sec_known = 1, .sec = job->sec };

    if (doc_type_is_legacy(job->type))
        return gwlist_create();
    if (*kept == NULL) {
        c->lints++;
        if ((*kept = lint_document(job->document, &options, error)) == NULL)
            return NULL;
    }
    return lint_findings_duplicate(*kept);
}

WbxmlTemplate *compile_cache_compile(CompileCache *c, const Job *job, List **findings,
                                     Octstr **error)
{
    Entry *e = entry_for(c, job, error);

    if (e == NULL)
        return NULL;
    if (findings != NULL && (*findings = findings_for(c, e, job, error)) == NULL)
        return NULL;
    return wbxml_template_duplicate(e->compiled);
}

long compile_cache_hits(const CompileCache *c)
{
    return c->hits;
}

long compile_cache_misses(const CompileCache *c)
{
    return c->misses;
}

long compile_cache_lints(const CompileCache *c)
{
    return c->lints;
}
