/*
 * lint_refs.c - ids and references of one document (see lint_refs.h).
 */
#include <string.h>

#include "gwlib/gwlib.h"
#include "lint/lint_refs.h"
#include "lint/lint_values.h"

/* An id a document defines, or a reference to one. */
typedef struct Mention {
    Octstr *value;
    long line;
} Mention;

/* What an id kind is called, where it is defined and referenced. */
typedef struct IdKind {
    const char *defined_by;   /* parm that defines it */
    const char *holder;       /* characteristic that holds that parm */
    const char *referenced_by;/* parm that names it */
    const char *plural;       /* "NAPIDs" */
    List *defs;               /* Mention*, in document order */
    List *refs;
} IdKind;

enum { ID_NAPID, ID_PROXY, ID_APPREF, ID_KINDS };

struct LintRefs {
    IdKind ids[ID_KINDS];
    List *napdef_names;       /* Mention*: NAME of every NAPDEF */
};

static void mention_destroy(void *item)
{
    Mention *m = item;

    octstr_destroy(m->value);
    gw_free(m);
}

static void mention_add(List *list, Octstr *value, long line)
{
    Mention *m = gw_malloc(sizeof(*m));

    m->value = octstr_duplicate(value);
    m->line = line;
    gwlist_append(list, m);
}

static void id_kind_init(IdKind *kind, const char *defined_by, const char *holder,
                         const char *referenced_by, const char *plural)
{
    kind->defined_by = defined_by;
    kind->holder = holder;
    kind->referenced_by = referenced_by;
    kind->plural = plural;
    kind->defs = gwlist_create();
    kind->refs = gwlist_create();
}

LintRefs *lint_refs_create(void)
{
    LintRefs *refs = gw_malloc(sizeof(*refs));

    id_kind_init(&refs->ids[ID_NAPID], "NAPID", "NAPDEF", "TO-NAPID", "NAPIDs");
    id_kind_init(&refs->ids[ID_PROXY], "PROXY-ID", "PXLOGICAL", "TO-PROXY", "PROXY-IDs");
    id_kind_init(&refs->ids[ID_APPREF], "APPREF", "APPLICATION", "TO-APPREF", "APPREFs");
    refs->napdef_names = gwlist_create();
    return refs;
}

void lint_refs_destroy(LintRefs *refs)
{
    int i;

    if (refs == NULL)
        return;
    for (i = 0; i < ID_KINDS; i++) {
        gwlist_destroy(refs->ids[i].defs, mention_destroy);
        gwlist_destroy(refs->ids[i].refs, mention_destroy);
    }
    gwlist_destroy(refs->napdef_names, mention_destroy);
    gw_free(refs);
}

void lint_refs_note(LintRefs *refs, const char *holder, const char *parm, Octstr *value,
                    long line)
{
    IdKind *kind;
    int k;

    for (k = 0; k < ID_KINDS; k++) {
        kind = &refs->ids[k];
        if (strcmp(parm, kind->defined_by) == 0 && strcmp(holder, kind->holder) == 0)
            mention_add(kind->defs, value, line);
        else if (strcmp(parm, kind->referenced_by) == 0)
            mention_add(kind->refs, value, line);
    }
    if (strcmp(holder, "NAPDEF") == 0 && strcmp(parm, "NAME") == 0)
        mention_add(refs->napdef_names, value, line);
}

static const Mention *find_mention(List *list, Octstr *value, long before)
{
    long i;
    Mention *m;

    for (i = 0; i < before && i < gwlist_len(list); i++)
        if (octstr_compare((m = gwlist_get(list, i))->value, value) == 0)
            return m;
    return NULL;
}

/* "A, B" (shown, at most 8), or "none". */
static Octstr *list_of(List *defs)
{
    Octstr *out = octstr_create("");
    long i;

    for (i = 0; i < gwlist_len(defs) && i < 8; i++) {
        if (i > 0)
            octstr_append_cstr(out, ", ");
        lint_append_shown(out, ((Mention *) gwlist_get(defs, i))->value);
    }
    if (gwlist_len(defs) > 8)
        octstr_append_cstr(out, ", ...");
    if (gwlist_len(defs) == 0)
        octstr_append_cstr(out, "none");
    return out;
}

static void check_id_kind(LintWalk *walk, const IdKind *kind)
{
    long i;
    Mention *m;
    const Mention *first;
    Octstr *shown, *here;

    for (i = 0; i < gwlist_len(kind->defs); i++) {
        m = gwlist_get(kind->defs, i);
        if ((first = find_mention(kind->defs, m->value, i)) == NULL)
            continue;
        shown = lint_quoted(m->value);
        lint_walk_report(walk, m->line, LINT_ERROR, "%s %S is defined twice (first on line %ld)",
                         kind->defined_by, shown, first->line);
        octstr_destroy(shown);
    }
    for (i = 0; i < gwlist_len(kind->refs); i++) {
        m = gwlist_get(kind->refs, i);
        if (find_mention(kind->defs, m->value, gwlist_len(kind->defs)) != NULL
            || (strcmp(kind->referenced_by, "TO-NAPID") == 0
                && octstr_str_compare(m->value, "INTERNET") == 0))
            continue;
        shown = lint_quoted(m->value);
        here = list_of(kind->defs);
        lint_walk_report(walk, m->line, LINT_ERROR, "%s %S names no %s (%s here: %S)",
                         kind->referenced_by, shown, kind->holder, kind->plural, here);
        octstr_destroy(here);
        octstr_destroy(shown);
    }
}

static void check_napdef_names(LintRefs *refs, LintWalk *walk)
{
    long i;
    Mention *m;
    const Mention *first;
    Octstr *shown;

    for (i = 0; i < gwlist_len(refs->napdef_names); i++) {
        m = gwlist_get(refs->napdef_names, i);
        if ((first = find_mention(refs->napdef_names, m->value, i)) == NULL)
            continue;
        shown = lint_quoted(m->value);
        lint_walk_report(walk, m->line, LINT_WARNING, "NAME %S is used by two NAPDEFs (first "
                         "on line %ld); phones show two entries the user cannot tell apart",
                         shown, first->line);
        octstr_destroy(shown);
    }
}

void lint_refs_check(LintRefs *refs, LintWalk *walk)
{
    int k;

    for (k = 0; k < ID_KINDS; k++)
        check_id_kind(walk, &refs->ids[k]);
    check_napdef_names(refs, walk);
}
