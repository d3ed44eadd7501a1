/*
 * status_model.c - sections and fields of the status page (see
 * status_model.h).
 */
#include "gwlib/gwlib.h"
#include "daemon/status_model.h"

Section *section_create(List *sections, const char *name)
{
    Section *s = gw_malloc(sizeof(*s));

    s->name = name;
    s->fields = gwlist_create();
    s->records = NULL;
    s->record_name = NULL;
    gwlist_append(sections, s);
    return s;
}

Section *section_create_records(List *sections, const char *name, const char *record_name)
{
    Section *s = section_create(sections, name);

    s->records = gwlist_create();
    s->record_name = record_name;
    return s;
}

void field_add(List *fields, const char *name, Octstr *value, int numeric, int bad)
{
    Field *f = gw_malloc(sizeof(*f));

    f->name = name;
    f->value = value;
    f->numeric = numeric;
    f->bad = bad;
    gwlist_append(fields, f);
}

void add_text(Section *s, const char *name, Octstr *value, int bad)
{
    field_add(s->fields, name, value != NULL ? value : octstr_create(""), 0, bad);
}

void add_number(Section *s, const char *name, long value, int bad)
{
    field_add(s->fields, name, octstr_format("%ld", value), 1, bad);
}

static void fields_destroy(List *fields)
{
    Field *f;

    while ((f = gwlist_extract_first(fields)) != NULL) {
        octstr_destroy(f->value);
        gw_free(f);
    }
    gwlist_destroy(fields, NULL);
}

void sections_destroy(List *sections)
{
    Section *s;
    List *record;

    while ((s = gwlist_extract_first(sections)) != NULL) {
        fields_destroy(s->fields);
        while (s->records != NULL && (record = gwlist_extract_first(s->records)) != NULL)
            fields_destroy(record);
        gwlist_destroy(s->records, NULL);
        gw_free(s);
    }
    gwlist_destroy(sections, NULL);
}

Octstr *status_time(time_t t)
{
    struct tm tm;
    char buf[32];

    if (t == 0)
        return octstr_create("");
    tm = gw_gmtime(t);
    gw_strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return octstr_create(buf);
}

Section *section_find(List *sections, const char *name)
{
    long i;

    for (i = 0; i < gwlist_len(sections); i++)
        if (strcmp(((Section *) gwlist_get(sections, i))->name, name) == 0)
            return gwlist_get(sections, i);
    return NULL;
}

Field *field_find(List *fields, const char *name)
{
    long i;

    for (i = 0; fields != NULL && i < gwlist_len(fields); i++)
        if (strcmp(((Field *) gwlist_get(fields, i))->name, name) == 0)
            return gwlist_get(fields, i);
    return NULL;
}

long field_number(List *fields, const char *name)
{
    Field *f = field_find(fields, name);
    long value = 0;

    if (f != NULL)
        octstr_parse_long(&value, f->value, 0, 10);
    return value;
}

Octstr *field_text(List *fields, const char *name)
{
    Field *f = field_find(fields, name);

    return f != NULL ? f->value : octstr_imm("");
}
