/*
 * status_model.h - the status page's content as data: sections of named
 * values, some with repeated records (a job, an error), built once per
 * request by status_page.c and rendered by it (txt, xml, json) or by
 * status_html.c. Values are raw text; renderers escape them.
 */
#ifndef PROVBOX_STATUS_MODEL_H
#define PROVBOX_STATUS_MODEL_H

#include "gwlib/gwlib.h"

typedef struct Field {
    const char *name;
    Octstr *value;
    int numeric;
    int bad;            /* highlight: something is wrong */
} Field;

typedef struct Section {
    const char *name;
    List *fields;       /* Field* */
    List *records;      /* List* of Field*, for repeated entries; or NULL */
    const char *record_name;
} Section;

Section *section_create(List *sections, const char *name);
/* The same, holding records named record_name. */
Section *section_create_records(List *sections, const char *name, const char *record_name);
void field_add(List *fields, const char *name, Octstr *value, int numeric, int bad);
/* value taken over; NULL is the empty text. */
void add_text(Section *s, const char *name, Octstr *value, int bad);
void add_number(Section *s, const char *name, long value, int bad);
void sections_destroy(List *sections);
/* A time as the page shows it: "2026-11-26T15:02:42Z" (UTC), "" for 0. */
Octstr *status_time(time_t t);

/* Lookups for renderers: NULL when absent. */
Section *section_find(List *sections, const char *name);
Field *field_find(List *fields, const char *name);
/* A field's value as a number (0 when absent) or text ("" when absent). */
long field_number(List *fields, const char *name);
Octstr *field_text(List *fields, const char *name);

#endif
