/*
 * compile_cache.c - the WBXML of the documents compiled last
 * (see compile_cache.h).
 */
#include "gwlib/gwlib.h"
#include "encode/wbxml.h"
#include "encode/ota_legacy.h"
#include "daemon/compile_cache.h"

struct CompileCache {
    Dict *wbxml;     /* key -> Octstr* WBXML */
    List *keys;      /* oldest first, for eviction */
    long hits, misses;
};

CompileCache *compile_cache_create(void)
{
    CompileCache *c = gw_malloc(sizeof(*c));

    c->wbxml = dict_create(COMPILE_CACHE_ENTRIES * 2, octstr_destroy_item);
    c->keys = gwlist_create();
    c->hits = c->misses = 0;
    return c;
}

void compile_cache_destroy(CompileCache *c)
{
    if (c == NULL)
        return;
    dict_destroy(c->wbxml);
    gwlist_destroy(c->keys, octstr_destroy_item);
    gw_free(c);
}

static Octstr *compile(const Job *job, Octstr **error)
{
    OtaLegacyType legacy;

    if (job_legacy_type(job, &legacy))
        return ota_legacy_compile(legacy, job->document, error);
    return wbxml_compile(job->document, error);
}

/* The document type and the document: what the WBXML depends on. */
static Octstr *key_of(const Job *job)
{
    OtaLegacyType legacy;
    Octstr *key = job_legacy_type(job, &legacy)
                  ? octstr_format("legacy %d\n", (int) legacy) : octstr_create("oma\n");

    octstr_append(key, job->document);
    return key;
}

static void remember(CompileCache *c, Octstr *key, Octstr *wbxml)
{
    Octstr *oldest;

    if (gwlist_len(c->keys) >= COMPILE_CACHE_ENTRIES) {
        oldest = gwlist_extract_first(c->keys);
        octstr_destroy(dict_remove(c->wbxml, oldest));
        octstr_destroy(oldest);
    }
    dict_put(c->wbxml, key, octstr_duplicate(wbxml));
    gwlist_append(c->keys, key);
}

Octstr *compile_cache_compile(CompileCache *c, const Job *job, Octstr **error)
{
    Octstr *key, *cached, *wbxml;

    key = key_of(job);
    cached = dict_get(c->wbxml, key);
    if (cached != NULL) {
        c->hits++;
        octstr_destroy(key);
        return octstr_duplicate(cached);
    }
    c->misses++;
    wbxml = compile(job, error);
    if (wbxml != NULL)
        remember(c, key, wbxml);
    else
        octstr_destroy(key);
    return wbxml;
}

long compile_cache_hits(const CompileCache *c)
{
    return c->hits;
}

long compile_cache_misses(const CompileCache *c)
{
    return c->misses;
}
