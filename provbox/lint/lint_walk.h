/*
 * lint_walk.h - one pass of lint over one document: the libxml2 tree
 * walked with its line numbers, every rule of lint_rules.h applied, the
 * findings collected in line order. Internal to provbox/lint.
 */
#ifndef PROVBOX_LINT_WALK_H
#define PROVBOX_LINT_WALK_H

#include "gwlib/gwlib.h"
#include "lint/lint.h"

typedef struct LintWalk LintWalk;

LintWalk *lint_walk_create(const LintOptions *options);
void lint_walk_destroy(LintWalk *walk);

/* Parse and check; 0, or -1 + *error when the XML does not parse. */
int lint_walk_document(LintWalk *walk, Octstr *xml, Octstr **error);

/* A finding; fmt is octstr_format()'s (%S for an Octstr). */
void lint_walk_report(LintWalk *walk, long line, LintSeverity severity,
                      const char *fmt, ...);

/* The findings so far, sorted by line (the walk gives them up). */
List *lint_walk_findings(LintWalk *walk);

#endif
