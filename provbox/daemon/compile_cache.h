/*
 * compile_cache.h - the documents compiled last.
 *
 * A campaign drops one job per phone with the same document; compiling it
 * (XML parse, tokenise) once instead of once per job is most of the cost
 * of loading a job. A document is compiled as a template
 * (encode/template.h): its WBXML, or for a document with {{NAME}}
 * placeholders the compiled form each recipient's values are filled into,
 * so a templated document too is parsed once, not once per job or
 * recipient. The cache keeps the last COMPILE_CACHE_ENTRIES
 * documents that compiled, keyed by their exact bytes and document type;
 * a document that fails is compiled (and fails, with its error) every
 * time. Signing stays per job: keys and MACs are never cached. Not
 * thread-safe: one cache per thread that loads jobs.
 */
#ifndef PROVBOX_COMPILE_CACHE_H
#define PROVBOX_COMPILE_CACHE_H

#include "gwlib/gwlib.h"
#include "encode/template.h"
#include "spool/job.h"

#define COMPILE_CACHE_ENTRIES 16

typedef struct CompileCache CompileCache;

CompileCache *compile_cache_create(void);
void compile_cache_destroy(CompileCache *cache);

/* The job's document compiled (a new template; a legacy type's is a fixed
 * WBXML), or NULL + *error. */
WbxmlTemplate *compile_cache_compile(CompileCache *cache, const Job *job, Octstr **error);

/* Lookups answered from the cache, and compilations done, so far. */
long compile_cache_hits(const CompileCache *cache);
long compile_cache_misses(const CompileCache *cache);

#endif
