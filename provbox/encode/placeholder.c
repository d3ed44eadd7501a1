/*
 * placeholder.c - a document's placeholders and holes (see placeholder.h);
 * what a NAME and a filled value may be is common/placeholder_rules.c's.
 *
 * A hole is kept as a list of pieces: literal text (name -1) or a name's
 * index. Filling appends the pieces with the values in place of names.
 */
#include <string.h>

#include "encode/placeholder.h"

typedef struct Piece {
    Octstr *text;   /* literal text, or NULL */
    long name;      /* index in names, or -1 for text */
} Piece;

struct Placeholders {
    List *names;    /* Octstr*, distinct, in order of first use */
    long *lines;    /* document line of each name's first use */
    List *holes;    /* List* of Piece*, one a hole */
};

int placeholder_in_text(const char *text)
{
    return strstr(text, "{{") != NULL;
}

Placeholders *placeholders_create(void)
{
    Placeholders *p = gw_malloc(sizeof(*p));

    p->names = gwlist_create();
    p->lines = NULL;
    p->holes = gwlist_create();
    return p;
}

static void piece_destroy(void *item)
{
    Piece *piece = item;

    octstr_destroy(piece->text);
    gw_free(piece);
}

static void hole_destroy(void *item)
{
    gwlist_destroy(item, piece_destroy);
}

void placeholders_destroy(Placeholders *p)
{
    if (p == NULL)
        return;
    gwlist_destroy(p->names, octstr_destroy_item);
    gw_free(p->lines);
    gwlist_destroy(p->holes, hole_destroy);
    gw_free(p);
}

static void add_piece(List *hole, Octstr *text, long name)
{
    Piece *piece = gw_malloc(sizeof(*piece));

    piece->text = text;
    piece->name = name;
    gwlist_append(hole, piece);
}

Placeholders *placeholders_duplicate(const Placeholders *p)
{
    Placeholders *copy = placeholders_create();
    long i, k, n = gwlist_len(p->names);

    for (i = 0; i < n; i++)
        gwlist_append(copy->names, octstr_duplicate(gwlist_get(p->names, i)));
    copy->lines = gw_malloc((n + 1) * sizeof(*copy->lines));
    memcpy(copy->lines, p->lines, n * sizeof(*copy->lines));
    for (i = 0; i < gwlist_len(p->holes); i++) {
        List *hole = gwlist_get(p->holes, i), *copied = gwlist_create();
        for (k = 0; k < gwlist_len(hole); k++) {
            Piece *piece = gwlist_get(hole, k);
            add_piece(copied, octstr_duplicate(piece->text), piece->name);
        }
        gwlist_append(copy->holes, copied);
    }
    return copy;
}

/* The index of name among the names, added (first used on line) if new. */
static long name_index(Placeholders *p, Octstr *name, long line)
{
    long i, n = gwlist_len(p->names);

    for (i = 0; i < n; i++)
        if (octstr_compare(gwlist_get(p->names, i), name) == 0)
            return i;
    p->lines = gw_realloc(p->lines, (n + 1) * sizeof(*p->lines));
    p->lines[n] = line;
    gwlist_append(p->names, octstr_duplicate(name));
    return n;
}

/* The length of the placeholder at value[at] ("{{NAME}}"), or -1. */
static long placeholder_length(Octstr *value, long at)
{
    const char *s = octstr_get_cstr(value) + at;
    long n = 2, left = octstr_len(value) - at;

    while (n < left && placeholder_name_char((unsigned char) s[n]))
        n++;
    if (n == 2 || n - 2 > PLACEHOLDER_NAME_MAX || n + 2 > left || s[n] != '}' || s[n + 1] != '}')
        return -1;
    return n + 2;
}

/* Cut value into pieces from its first "{{" at `at`: 0, or -1 + *why. */
static int cut(Placeholders *p, List *hole, Octstr *value, long at, long line, Octstr **why)
{
    long from = 0, n;
    Octstr *name;

    while (at >= 0) {
        if ((n = placeholder_length(value, at)) < 0) {
            *why = octstr_format("line %ld: '{{' in an attribute value starts no placeholder "
                                 "{{NAME}} (NAME: 1 to %d letters, digits, '_' or '-')",
                                 line, PLACEHOLDER_NAME_MAX);
            return -1;
        }
        if (at > from)
            add_piece(hole, octstr_copy(value, from, at - from), -1);
        name = octstr_copy(value, at + 2, n - 4);
        add_piece(hole, NULL, name_index(p, name, line));
        octstr_destroy(name);
        from = at + n;
        at = octstr_search(value, octstr_imm("{{"), from);
    }
    if (from < octstr_len(value))
        add_piece(hole, octstr_copy(value, from, octstr_len(value) - from), -1);
    return 0;
}

int placeholders_scan(Placeholders *p, Octstr *value, long line, Octstr **why)
{
    long at = octstr_search(value, octstr_imm("{{"), 0);
    List *hole;

    if (at < 0)
        return 0;
    hole = gwlist_create();
    if (cut(p, hole, value, at, line, why) < 0) {
        hole_destroy(hole);
        return -1;
    }
    gwlist_append(p->holes, hole);
    return 1;
}

List *placeholders_names(const Placeholders *p)
{
    return p->names;
}

long placeholders_line(const Placeholders *p, long k)
{
    return p->lines[k];
}

long placeholders_holes(const Placeholders *p)
{
    return gwlist_len(p->holes);
}

Octstr *placeholders_hole_value(const Placeholders *p, long h, Octstr *const *values)
{
    List *hole = gwlist_get(p->holes, h);
    Octstr *out = octstr_create("");
    long i;

    for (i = 0; i < gwlist_len(hole); i++) {
        Piece *piece = gwlist_get(hole, i);
        octstr_append(out, piece->name < 0 ? piece->text : values[piece->name]);
    }
    return out;
}
