/*
 * lint_refs.h - the ids a document defines (NAPID, PROXY-ID, APPREF, the
 * NAME of each NAPDEF) and the references it makes (TO-NAPID, TO-PROXY,
 * TO-APPREF), noted during the walk and matched once it is done: ids
 * defined twice, references that lead nowhere, one NAME on two NAPDEFs.
 * Internal to provbox/lint.
 */
#ifndef PROVBOX_LINT_REFS_H
#define PROVBOX_LINT_REFS_H

#include "gwlib/gwlib.h"
#include "lint/lint_walk.h"

typedef struct LintRefs LintRefs;

LintRefs *lint_refs_create(void);
void lint_refs_destroy(LintRefs *refs);

/* A parm with a value, in a characteristic of type `holder`: kept when it
 * defines an id or references one. */
void lint_refs_note(LintRefs *refs, const char *holder, const char *parm, Octstr *value,
                    long line);

/* Report what does not match, to the walk. */
void lint_refs_check(LintRefs *refs, LintWalk *walk);

#endif
