/*
 * wbxml_writer.c - WBXML output: token bytes, attributes, holes, the
 * string table and the layout of one document (see wbxml_writer.h).
 *
 * Owns the byte layout of a compiled document and the string-table rule.
 * The body is kept as a list of operations until wbxml_writer_document()
 * has seen every string and can lay out the table:
 *
 *   OP_BYTES         token bytes, as they are
 *   OP_STRING        a value string (STR_I or STR_T, decided at the layout)
 *   OP_LITERAL_NAME  the table offset of a LITERAL's name
 *   OP_ATTRIBUTE     an attribute after a hole: its tokens as coded from the
 *                    page it was built on, and its name and value to code it
 *                    again when a hole before it leaves another page
 *   OP_HOLE          an attribute whose value comes with each layout
 *
 * Before the first hole the page is known, so attributes are plain bytes
 * and strings: a document without holes is laid out as it always was. The
 * distinct strings are counted as they are appended (a Dict keyed by the
 * text), so a layout only adds what the holes' values bring: a value that
 * repeats a string of the document, or another hole's value, counts as one
 * more occurrence of it. Whether a value is a string or a token does not
 * depend on the page (wbxml_attr.h), so the strings are counted, then
 * placed in order of first occurrence, then the body is written following
 * the pages.
 */
#include <string.h>

#include "encode/wbxml_attr.h"
#include "encode/wbxml_tokens.h"
#include "encode/wbxml_writer.h"

typedef enum {
    OP_BYTES,
    OP_STRING,
    OP_LITERAL_NAME,
    OP_ATTRIBUTE,
    OP_HOLE
} OpKind;

typedef struct Op {
    OpKind kind;
    Octstr *bytes;   /* OP_BYTES; OP_ATTRIBUTE: its tokens as coded from `page` */
    long string;     /* index in strings (OP_STRING, OP_LITERAL_NAME, OP_ATTRIBUTE
                      * with a value string), else -1 */
    int page;        /* OP_ATTRIBUTE, OP_HOLE: the attribute page before it, as built */
    int end_page;    /* OP_ATTRIBUTE: the page after it, as built */
    Octstr *name;    /* OP_ATTRIBUTE, OP_HOLE */
    Octstr *value;   /* OP_ATTRIBUTE */
    long hole;       /* OP_HOLE: its number */
    int literal;     /* OP_HOLE: LITERAL and the name were appended before it */
} Op;

/* One distinct string of the document as built. */
typedef struct StringUse {
    Octstr *text;
    long index;             /* in strings */
    long string_uses;       /* occurrences as an attribute-value string */
    int is_literal_name;    /* some LITERAL names it: must be in the table */
} StringUse;

struct WbxmlWriter {
    Op *ops;
    long op_count, op_room;
    List *strings;          /* StringUse*, in order of first occurrence */
    Dict *index;            /* text -> StringUse* (owned by strings) */
    int page;               /* attribute page after the last op, as built */
    int first_hole_page;    /* the page at the first hole */
    long holes;
};

/* A string's place in one layout. */
#define NOT_PLACED (-2)
#define INLINE (-1)

typedef struct Entry {
    Octstr *text;           /* borrowed: the writer's, or a hole's value */
    long uses;              /* as a value string, with the holes' */
    int is_literal_name;
    long offset;            /* in the table, INLINE or NOT_PLACED */
} Entry;

/* One wbxml_writer_document() call. */
typedef struct Layout {
    const WbxmlWriter *writer;
    Octstr *const *values;
    Entry *entries;         /* the writer's strings, then new hole values */
    long count;
    long *hole_entry;       /* per hole: its value's entry, or -1 (a token) */
    Octstr *table;
} Layout;

WbxmlWriter *wbxml_writer_create(void)
{
    WbxmlWriter *writer = gw_malloc(sizeof(*writer));

    memset(writer, 0, sizeof(*writer));
    writer->strings = gwlist_create();
    writer->index = dict_create(64, NULL);
    writer->page = WBXML_PAGE_CONNECTIVITY;
    return writer;
}

static void string_use_destroy(void *p)
{
    StringUse *use = p;

    octstr_destroy(use->text);
    gw_free(use);
}

void wbxml_writer_destroy(WbxmlWriter *writer)
{
    long i;

    if (writer == NULL)
        return;
    for (i = 0; i < writer->op_count; i++) {
        octstr_destroy(writer->ops[i].bytes);
        octstr_destroy(writer->ops[i].name);
        octstr_destroy(writer->ops[i].value);
    }
    gw_free(writer->ops);
    dict_destroy(writer->index);
    gwlist_destroy(writer->strings, string_use_destroy);
    gw_free(writer);
}

static Op *add_op(WbxmlWriter *writer, OpKind kind)
{
    Op *op;

    if (writer->op_count == writer->op_room) {
        writer->op_room = writer->op_room * 2 + 32;
        writer->ops = gw_realloc(writer->ops, writer->op_room * sizeof(*writer->ops));
    }
    op = &writer->ops[writer->op_count++];
    memset(op, 0, sizeof(*op));
    op->kind = kind;
    op->string = -1;
    op->hole = -1;
    return op;
}

/* The index of text among the distinct strings, counting this occurrence. */
static long use_string(WbxmlWriter *writer, Octstr *text, int as_literal_name)
{
    StringUse *use = dict_get(writer->index, text);

    if (use == NULL) {
        use = gw_malloc(sizeof(*use));
        use->text = octstr_duplicate(text);
        use->index = gwlist_len(writer->strings);
        use->string_uses = 0;
        use->is_literal_name = 0;
        dict_put(writer->index, text, use);
        gwlist_append(writer->strings, use);
    }
    if (as_literal_name)
        use->is_literal_name = 1;
    else
        use->string_uses++;
    return use->index;
}

void wbxml_writer_byte(WbxmlWriter *writer, int byte)
{
    Op *last = writer->op_count > 0 ? &writer->ops[writer->op_count - 1] : NULL;

    if (last == NULL || last->kind != OP_BYTES) {
        last = add_op(writer, OP_BYTES);
        last->bytes = octstr_create("");
    }
    octstr_append_char(last->bytes, byte);
}

static void add_string(WbxmlWriter *writer, Octstr *text)
{
    long index = use_string(writer, text, 0);

    add_op(writer, OP_STRING)->string = index;
}

void wbxml_writer_literal(WbxmlWriter *writer, int token, Octstr *name)
{
    long index;

    wbxml_writer_byte(writer, token);
    index = use_string(writer, name, 1);
    add_op(writer, OP_LITERAL_NAME)->string = index;
}

void wbxml_writer_attribute(WbxmlWriter *writer, Octstr *name, Octstr *value)
{
    WbxmlAttrCode code;
    int page = writer->page;
    Op *op;
    long i;

    wbxml_attr_code(&page, octstr_get_cstr(name), octstr_get_cstr(value), &code);
    if (code.literal) {
        wbxml_writer_literal(writer, WBXML_LITERAL, name);
        add_string(writer, value);
        return;
    }
    if (writer->holes == 0) {
        for (i = 0; i < code.length; i++)
            wbxml_writer_byte(writer, code.bytes[i]);
        if (code.value_string)
            add_string(writer, value);
    } else {
        op = add_op(writer, OP_ATTRIBUTE);
        op->bytes = octstr_create_from_data((char *) code.bytes, code.length);
        op->page = writer->page;
        op->end_page = page;
        op->name = octstr_duplicate(name);
        op->value = octstr_duplicate(value);
        if (code.value_string)
            op->string = use_string(writer, value, 0);
    }
    writer->page = page;
}

long wbxml_writer_hole(WbxmlWriter *writer, Octstr *name, Octstr *assumed)
{
    WbxmlAttrCode code;
    int page = writer->page;
    Op *op;

    wbxml_attr_code(&page, octstr_get_cstr(name), octstr_get_cstr(assumed), &code);
    if (writer->holes == 0)
        writer->first_hole_page = writer->page;
    if (code.literal)
        wbxml_writer_literal(writer, WBXML_LITERAL, name);
    op = add_op(writer, OP_HOLE);
    op->hole = writer->holes;
    op->literal = code.literal;
    op->page = writer->page;
    op->name = octstr_duplicate(name);
    writer->page = page;
    return writer->holes++;
}

long wbxml_writer_holes(const WbxmlWriter *writer)
{
    return writer->holes;
}

WbxmlWriter *wbxml_writer_duplicate(const WbxmlWriter *writer)
{
    WbxmlWriter *copy = wbxml_writer_create();
    StringUse *use, *copied;
    long i;

    for (i = 0; i < gwlist_len(writer->strings); i++) {
        use = gwlist_get(writer->strings, i);
        copied = gw_malloc(sizeof(*copied));
        *copied = *use;
        copied->text = octstr_duplicate(use->text);
        dict_put(copy->index, copied->text, copied);
        gwlist_append(copy->strings, copied);
    }
    copy->ops = gw_malloc((writer->op_count + 1) * sizeof(*copy->ops));
    copy->op_count = copy->op_room = writer->op_count;
    for (i = 0; i < writer->op_count; i++) {
        copy->ops[i] = writer->ops[i];
        copy->ops[i].bytes = octstr_duplicate(writer->ops[i].bytes);
        copy->ops[i].name = octstr_duplicate(writer->ops[i].name);
        copy->ops[i].value = octstr_duplicate(writer->ops[i].value);
    }
    copy->page = writer->page;
    copy->first_hole_page = writer->first_hole_page;
    copy->holes = writer->holes;
    return copy;
}

void wbxml_append_mb_u_int32(Octstr *out, unsigned long value)
{
    unsigned char bytes[5];
    int n = 0;

    value &= 0xFFFFFFFFUL;
    do {
        bytes[n++] = value & 0x7F;
        value >>= 7;
    } while (value != 0);
    while (n > 1)
        octstr_append_char(out, bytes[--n] | 0x80);
    octstr_append_char(out, bytes[0]);
}

static long mb_u_int32_size(unsigned long value)
{
    long n = 1;

    while (value >= 0x80) {
        value >>= 7;
        n++;
    }
    return n;
}

/* ---- one layout ---- */

static void layout_init(Layout *l, const WbxmlWriter *writer, Octstr *const *values)
{
    long i, n = gwlist_len(writer->strings);
    StringUse *use;

    l->writer = writer;
    l->values = values;
    l->entries = gw_malloc((n + writer->holes + 1) * sizeof(*l->entries));
    l->hole_entry = gw_malloc((writer->holes + 1) * sizeof(*l->hole_entry));
    l->count = n;
    for (i = 0; i < n; i++) {
        use = gwlist_get(writer->strings, i);
        l->entries[i].text = use->text;
        l->entries[i].uses = use->string_uses;
        l->entries[i].is_literal_name = use->is_literal_name;
        l->entries[i].offset = NOT_PLACED;
    }
    l->table = octstr_create("");
}

static void layout_destroy(Layout *l)
{
    gw_free(l->entries);
    gw_free(l->hole_entry);
    octstr_destroy(l->table);
}

/* The entry of a hole's value string: the document's own string, an
 * earlier hole's value, or a new entry. */
static long entry_of(Layout *l, Octstr *value)
{
    StringUse *use = dict_get(l->writer->index, value);
    long first_new = gwlist_len(l->writer->strings), i;

    if (use != NULL)
        return use->index;
    for (i = first_new; i < l->count; i++)
        if (octstr_compare(l->entries[i].text, value) == 0)
            return i;
    l->entries[l->count].text = value;
    l->entries[l->count].uses = 0;
    l->entries[l->count].is_literal_name = 0;
    l->entries[l->count].offset = NOT_PLACED;
    return l->count++;
}

/* Is the value of the hole op a string (not a token)? */
static int hole_is_string(const Op *op, Octstr *value)
{
    WbxmlAttrCode code;
    int page = op->page;

    if (op->literal)
        return 1;
    wbxml_attr_code(&page, octstr_get_cstr(op->name), octstr_get_cstr(value), &code);
    return code.value_string;
}

/* Add the holes' value strings to the counts. */
static void count_holes(Layout *l)
{
    const WbxmlWriter *w = l->writer;
    long i, e;

    for (i = 0; i < w->op_count; i++) {
        const Op *op = &w->ops[i];
        Octstr *value;

        if (op->kind != OP_HOLE)
            continue;
        value = l->values[op->hole];
        e = hole_is_string(op, value) ? entry_of(l, value) : -1;
        if (e >= 0)
            l->entries[e].uses++;
        l->hole_entry[op->hole] = e;
    }
}

/* The entry an op's string occurrence is, or -1 when it has none. */
static long occurrence(const Layout *l, const Op *op)
{
    return op->kind == OP_HOLE ? l->hole_entry[op->hole]
           : op->kind == OP_BYTES ? -1 : op->string;
}

/* Would putting this string at `offset` in the table shorten the body? */
static int saves_bytes_in_table(const Entry *e, long offset)
{
    long len = octstr_len(e->text);
    long table_cost = len + 1 + e->uses * (1 + mb_u_int32_size(offset));
    long inline_cost = e->uses * (len + 2);

    return e->uses > 1 && table_cost < inline_cost;
}

/* Lay out the table: every distinct string in order of first occurrence. */
static void place_strings(Layout *l)
{
    const WbxmlWriter *w = l->writer;
    long i, e;
    Entry *entry;

    for (i = 0; i < w->op_count; i++) {
        if ((e = occurrence(l, &w->ops[i])) < 0 || l->entries[e].offset != NOT_PLACED)
            continue;
        entry = &l->entries[e];
        entry->offset = INLINE;
        if (entry->is_literal_name || saves_bytes_in_table(entry, octstr_len(l->table))) {
            entry->offset = octstr_len(l->table);
            octstr_append(l->table, entry->text);
            octstr_append_char(l->table, '\0');
        }
    }
}

static void append_string(Octstr *out, const Entry *e)
{
    if (e->offset >= 0) {
        octstr_append_char(out, WBXML_STR_T);
        wbxml_append_mb_u_int32(out, e->offset);
    } else {
        octstr_append_char(out, WBXML_STR_I);
        octstr_append(out, e->text);
        octstr_append_char(out, '\0');
    }
}

/* An attribute after a hole: as built when the page is the one it was
 * built on, else coded again from this one. */
static void append_attribute(Octstr *out, const Op *op, int *page)
{
    WbxmlAttrCode code;

    if (*page == op->page) {
        octstr_append(out, op->bytes);
        *page = op->end_page;
        return;
    }
    wbxml_attr_code(page, octstr_get_cstr(op->name), octstr_get_cstr(op->value), &code);
    octstr_append_data(out, (char *) code.bytes, code.length);
}

static void append_hole(Octstr *out, const Layout *l, const Op *op, int *page)
{
    WbxmlAttrCode code;
    long e = l->hole_entry[op->hole];

    if (!op->literal) {
        wbxml_attr_code(page, octstr_get_cstr(op->name),
                        octstr_get_cstr(l->values[op->hole]), &code);
        octstr_append_data(out, (char *) code.bytes, code.length);
    }
    if (e >= 0)
        append_string(out, &l->entries[e]);
}

static void append_body(Octstr *out, const Layout *l)
{
    const WbxmlWriter *w = l->writer;
    int page = w->first_hole_page;
    long i;

    for (i = 0; i < w->op_count; i++) {
        const Op *op = &w->ops[i];

        if (op->kind == OP_BYTES)
            octstr_append(out, op->bytes);
        else if (op->kind == OP_LITERAL_NAME)
            wbxml_append_mb_u_int32(out, l->entries[op->string].offset);
        else if (op->kind == OP_STRING)
            append_string(out, &l->entries[op->string]);
        else if (op->kind == OP_HOLE)
            append_hole(out, l, op, &page);
        else {
            append_attribute(out, op, &page);
            if (op->string >= 0)
                append_string(out, &l->entries[op->string]);
        }
    }
}

Octstr *wbxml_writer_document(const WbxmlWriter *writer, Octstr *const *values)
{
    Layout l;
    Octstr *out = octstr_create("");

    layout_init(&l, writer, values);
    count_holes(&l);
    place_strings(&l);
    octstr_append_char(out, WBXML_VERSION_1_3);
    octstr_append_char(out, WBXML_PUBLIC_ID_PROV);
    wbxml_append_mb_u_int32(out, WBXML_CHARSET_UTF8);
    wbxml_append_mb_u_int32(out, octstr_len(l.table));
    octstr_append(out, l.table);
    append_body(out, &l);
    layout_destroy(&l);
    return out;
}
