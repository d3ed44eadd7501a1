/*
 * compile_cache.h - the documents compiled last, and lint's findings on
 * them.
 *
 * A campaign drops one job per phone with the same document; compiling it
 * (XML parse, tokenise) once instead of once per job is most of the cost
 * of loading a job, and linting it (lint/lint.h: another parse, a walk and
 * a trial encoding) would cost as much again. A document is compiled by
 * message_compile() (encode/message.h) as a template: its WBXML, or for a
 * document with {{NAME}} placeholders the compiled form each recipient's
 * values are filled into, so a templated document too is parsed once, not
 * once per job or recipient. The cache keeps the last COMPILE_CACHE_ENTRIES documents that
 * compiled, keyed by their exact bytes and document type; each entry keeps
 * the findings of every Sec: mode it was linted for (the SMS count and the
 * Sec: NONE check depend on the mode), so a document is linted once per
 * mode while it stays cached.
 * A document that fails is compiled (and fails, with its error) every
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

/*
 * The job's document compiled (a new template; a legacy type's is a fixed
 * WBXML), or NULL + *error. With `findings` not NULL, also lint's findings
 * on it under the job's Sec: mode (a new List for lint_findings_destroy();
 * empty for the legacy types, which lint does not read); a document lint
 * cannot read gives NULL + *error too.
 */
WbxmlTemplate *compile_cache_compile(CompileCache *cache, const Job *job, List **findings,
                                     Octstr **error);

/* Lookups answered from the cache, compilations done, and lint runs done,
 * so far. */
long compile_cache_hits(const CompileCache *cache);
long compile_cache_misses(const CompileCache *cache);
long compile_cache_lints(const CompileCache *cache);

#endif
