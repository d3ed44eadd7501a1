/*
 * placeholder.h - {{NAME}} placeholders in a document's attribute values,
 * and what may be filled into one.
 *
 * A placeholder is `{{`, a NAME of 1 to PLACEHOLDER_NAME_MAX ASCII
 * letters, digits, '_' or '-' (case-sensitive), and `}}`. It is looked for
 * in attribute values as the XML parser read them (after entity and
 * character references), and may be all of a value or part of it
 * ("{{USER}}@example.com"). A `{{` that does not start one is an error, so
 * a typo such as `{{ USER }}` is never sent as it is.
 *
 * Placeholders collects the placeholders of one document: the distinct
 * names in order of first use (with that line), and each attribute value
 * holding any as a "hole": its text cut into literal pieces and names.
 * Filling is single-pass: a value is put in as its bytes and never looked
 * at for placeholders itself.
 *
 * Messages never quote a value or a document's text. Not thread-safe while
 * being built; once built, only read. Symbol prefix: placeholder(s)_.
 */
#ifndef PROVBOX_PLACEHOLDER_H
#define PROVBOX_PLACEHOLDER_H

#include "gwlib/gwlib.h"
#include "common/placeholder_rules.h"   /* the NAME and value rules */

/* Does text hold "{{"? For text where no placeholder can be filled in. */
int placeholder_in_text(const char *text);

typedef struct Placeholders Placeholders;

Placeholders *placeholders_create(void);
void placeholders_destroy(Placeholders *p);
Placeholders *placeholders_duplicate(const Placeholders *p);

/*
 * An attribute value on document line `line`: 1 when it holds
 * placeholders (it is then the next hole), 0 when it holds none, -1 and
 * *why when a `{{` in it starts no placeholder.
 */
int placeholders_scan(Placeholders *p, Octstr *value, long line, Octstr **why);

/* The distinct names (Octstr*, the Placeholders' own: do not change the
 * list), in order of first use, and the document line of each first use. */
List *placeholders_names(const Placeholders *p);
long placeholders_line(const Placeholders *p, long k);

/* How many holes (attribute values with placeholders) were scanned. */
long placeholders_holes(const Placeholders *p);

/* Hole h's value with values[k] filled in for name k (a new Octstr). */
Octstr *placeholders_hole_value(const Placeholders *p, long h, Octstr *const *values);

#endif
