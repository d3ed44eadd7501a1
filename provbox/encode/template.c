/*
 * template.c - a document compiled once and filled per recipient (see
 * template.h).
 *
 * Owns the WbxmlTemplate: the compiled form (a writer with holes) and the
 * placeholders, kept only when there are placeholders; a plain document
 * keeps just its WBXML, so that duplicating it for a job costs one copy.
 */
#include "encode/placeholder.h"
#include "encode/template.h"
#include "encode/wbxml_compile.h"
#include "encode/wbxml_writer.h"

struct WbxmlTemplate {
    Octstr *wbxml;              /* without placeholders: the document */
    WbxmlWriter *writer;        /* with placeholders: the compiled form */
    Placeholders *placeholders;
};

static WbxmlTemplate *template_create(void)
{
    WbxmlTemplate *t = gw_malloc(sizeof(*t));

    t->wbxml = NULL;
    t->writer = NULL;
    t->placeholders = NULL;
    return t;
}

WbxmlTemplate *wbxml_template_compile(Octstr *xml, Octstr **error)
{
    Placeholders *placeholders = placeholders_create();
    WbxmlWriter *writer = wbxml_compile_writer(xml, placeholders, error);
    WbxmlTemplate *t;

    if (writer == NULL) {
        placeholders_destroy(placeholders);
        return NULL;
    }
    if (wbxml_writer_holes(writer) == 0) {
        t = wbxml_template_fixed(wbxml_writer_document(writer, NULL));
        wbxml_writer_destroy(writer);
        placeholders_destroy(placeholders);
        return t;
    }
    t = template_create();
    t->writer = writer;
    t->placeholders = placeholders;
    return t;
}

WbxmlTemplate *wbxml_template_fixed(Octstr *wbxml)
{
    WbxmlTemplate *t = template_create();

    t->placeholders = placeholders_create();
    t->wbxml = wbxml;
    return t;
}

WbxmlTemplate *wbxml_template_duplicate(const WbxmlTemplate *t)
{
    WbxmlTemplate *copy = template_create();

    copy->wbxml = octstr_duplicate(t->wbxml);
    copy->writer = t->writer != NULL ? wbxml_writer_duplicate(t->writer) : NULL;
    copy->placeholders = placeholders_duplicate(t->placeholders);
    return copy;
}

void wbxml_template_destroy(WbxmlTemplate *t)
{
    if (t == NULL)
        return;
    octstr_destroy(t->wbxml);
    wbxml_writer_destroy(t->writer);
    placeholders_destroy(t->placeholders);
    gw_free(t);
}

List *wbxml_template_names(const WbxmlTemplate *t)
{
    return placeholders_names(t->placeholders);
}

long wbxml_template_line(const WbxmlTemplate *t, long k)
{
    return placeholders_line(t->placeholders, k);
}

/* Every value can be filled in: 0, or -1 + *error naming the first that cannot. */
static int check_values(const WbxmlTemplate *t, Octstr *const *values, Octstr **error)
{
    List *names = placeholders_names(t->placeholders);
    Octstr *why;
    long k;

    for (k = 0; k < gwlist_len(names); k++) {
        if ((why = placeholder_value_problem(values[k])) != NULL) {
            *error = octstr_format("the value of {{%S}}: %S", gwlist_get(names, k), why);
            octstr_destroy(why);
            return -1;
        }
    }
    return 0;
}

Octstr *wbxml_template_fill(const WbxmlTemplate *t, Octstr *const *values, Octstr **error)
{
    long h, holes;
    Octstr **filled, *wbxml;

    if (t->writer == NULL)
        return octstr_duplicate(t->wbxml);
    if (check_values(t, values, error) < 0)
        return NULL;
    holes = placeholders_holes(t->placeholders);
    filled = gw_malloc(holes * sizeof(*filled));
    for (h = 0; h < holes; h++)
        filled[h] = placeholders_hole_value(t->placeholders, h, values);
    wbxml = wbxml_writer_document(t->writer, filled);
    for (h = 0; h < holes; h++)
        octstr_destroy(filled[h]);
    gw_free(filled);
    return wbxml;
}
