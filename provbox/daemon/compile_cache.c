/*
 * compile_cache.c - the documents compiled last (see compile_cache.h).
 */
#include "gwlib/gwlib.h"
#include "encode/ota_legacy.h"
#include "daemon/compile_cache.h"

struct CompileCache {
    Dict *compiled;  /* key -> WbxmlTemplate* */
    List *keys;      /* oldest first, for eviction */
    long hits, misses;
};

static void template_destroy_item(void *t)
{
    wbxml_template_destroy(t);
}

CompileCache *compile_cache_create(void)
{
    CompileCache *c = gw_malloc(sizeof(*c));

    c->compiled = dict_create(COMPILE_CACHE_ENTRIES * 2, template_destroy_item);
    c->keys = gwlist_create();
    c->hits = c->misses = 0;
    return c;
}

void compile_cache_destroy(CompileCache *c)
{
    if (c == NULL)
        return;
    dict_destroy(c->compiled);
    gwlist_destroy(c->keys, octstr_destroy_item);
    gw_free(c);
}

static WbxmlTemplate *compile(const Job *job, Octstr **error)
{
    OtaLegacyType legacy;
    Octstr *wbxml;

    if (!job_legacy_type(job, &legacy))
        return wbxml_template_compile(job->document, error);
    wbxml = ota_legacy_compile(legacy, job->document, error);
    return wbxml != NULL ? wbxml_template_fixed(wbxml) : NULL;
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

static void remember(CompileCache *c, Octstr *key, WbxmlTemplate *compiled)
{
    Octstr *oldest;

    if (gwlist_len(c->keys) >= COMPILE_CACHE_ENTRIES) {
        oldest = gwlist_extract_first(c->keys);
        wbxml_template_destroy(dict_remove(c->compiled, oldest));
        octstr_destroy(oldest);
    }
    dict_put(c->compiled, key, wbxml_template_duplicate(compiled));
    gwlist_append(c->keys, key);
}

WbxmlTemplate *compile_cache_compile(CompileCache *c, const Job *job, Octstr **error)
{
    Octstr *key;
    WbxmlTemplate *cached, *compiled;

    key = key_of(job);
    cached = dict_get(c->compiled, key);
    if (cached != NULL) {
        c->hits++;
        octstr_destroy(key);
        return wbxml_template_duplicate(cached);
    }
    c->misses++;
    compiled = compile(job, error);
    if (compiled != NULL)
        remember(c, key, compiled);
    else
        octstr_destroy(key);
    return compiled;
}

long compile_cache_hits(const CompileCache *c)
{
    return c->hits;
}

long compile_cache_misses(const CompileCache *c)
{
    return c->misses;
}
