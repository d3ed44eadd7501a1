/*
 * wbxml_writer.c - WBXML output: token bytes, deferred strings, string table.
 *
 * Owns the byte layout of a compiled document and the string-table rule
 * described in wbxml_writer.h. The body is kept as a list of pieces (token
 * bytes, a string, a LITERAL name) until wbxml_writer_document() has seen
 * every string and can lay out the table.
 */
#include "encode/wbxml_tokens.h"
#include "encode/wbxml_writer.h"

typedef enum {
    PIECE_BYTES,
    PIECE_STRING,
    PIECE_LITERAL_NAME
} PieceKind;

typedef struct {
    PieceKind kind;
    Octstr *data;
} Piece;

/* One distinct string of the document and where it ends up. */
typedef struct {
    Octstr *text;
    long string_uses;       /* occurrences as an attribute-value string */
    int is_literal_name;    /* some LITERAL names it: must be in the table */
    long table_offset;      /* -1: coded inline */
} StringUse;

struct WbxmlWriter {
    List *pieces;
};

WbxmlWriter *wbxml_writer_create(void)
{
    WbxmlWriter *writer = gw_malloc(sizeof(*writer));

    writer->pieces = gwlist_create();
    return writer;
}

static void piece_destroy(void *p)
{
    Piece *piece = p;

    octstr_destroy(piece->data);
    gw_free(piece);
}

void wbxml_writer_destroy(WbxmlWriter *writer)
{
    if (writer == NULL)
        return;
    gwlist_destroy(writer->pieces, piece_destroy);
    gw_free(writer);
}

static void add_piece(WbxmlWriter *writer, PieceKind kind, Octstr *data)
{
    Piece *piece = gw_malloc(sizeof(*piece));

    piece->kind = kind;
    piece->data = data;
    gwlist_append(writer->pieces, piece);
}

void wbxml_writer_byte(WbxmlWriter *writer, int byte)
{
    long n = gwlist_len(writer->pieces);
    Piece *last = n > 0 ? gwlist_get(writer->pieces, n - 1) : NULL;

    if (last == NULL || last->kind != PIECE_BYTES) {
        add_piece(writer, PIECE_BYTES, octstr_create(""));
        last = gwlist_get(writer->pieces, n);
    }
    octstr_append_char(last->data, byte);
}

void wbxml_writer_string(WbxmlWriter *writer, Octstr *text)
{
    add_piece(writer, PIECE_STRING, octstr_duplicate(text));
}

void wbxml_writer_literal(WbxmlWriter *writer, int token, Octstr *name)
{
    wbxml_writer_byte(writer, token);
    add_piece(writer, PIECE_LITERAL_NAME, octstr_duplicate(name));
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

static void string_use_destroy(void *p)
{
    StringUse *use = p;

    octstr_destroy(use->text);
    gw_free(use);
}

/* The distinct strings in order of first occurrence; `index` maps text ->
 * StringUse and owns them. */
static List *count_string_uses(WbxmlWriter *writer, Dict *index)
{
    List *order = gwlist_create();
    long i;

    for (i = 0; i < gwlist_len(writer->pieces); i++) {
        Piece *piece = gwlist_get(writer->pieces, i);
        StringUse *use;

        if (piece->kind == PIECE_BYTES)
            continue;
        use = dict_get(index, piece->data);
        if (use == NULL) {
            use = gw_malloc(sizeof(*use));
            use->text = octstr_duplicate(piece->data);
            use->string_uses = 0;
            use->is_literal_name = 0;
            use->table_offset = -1;
            dict_put(index, piece->data, use);
            gwlist_append(order, use);
        }
        if (piece->kind == PIECE_STRING)
            use->string_uses++;
        else
            use->is_literal_name = 1;
    }
    return order;
}

/* Would putting this string at `offset` in the table shorten the body? */
static int saves_bytes_in_table(StringUse *use, long offset)
{
    long len = octstr_len(use->text);
    long table_cost = len + 1 + use->string_uses * (1 + mb_u_int32_size(offset));
    long inline_cost = use->string_uses * (len + 2);

    return use->string_uses > 1 && table_cost < inline_cost;
}

static Octstr *lay_out_string_table(List *order)
{
    Octstr *table = octstr_create("");
    long i;

    for (i = 0; i < gwlist_len(order); i++) {
        StringUse *use = gwlist_get(order, i);

        if (use->is_literal_name
            || saves_bytes_in_table(use, octstr_len(table))) {
            use->table_offset = octstr_len(table);
            octstr_append(table, use->text);
            octstr_append_char(table, '\0');
        }
    }
    return table;
}

static void append_piece(Octstr *out, Piece *piece, Dict *index)
{
    StringUse *use;

    if (piece->kind == PIECE_BYTES) {
        octstr_append(out, piece->data);
        return;
    }
    use = dict_get(index, piece->data);
    if (piece->kind == PIECE_LITERAL_NAME) {
        wbxml_append_mb_u_int32(out, use->table_offset);
    } else if (use->table_offset >= 0) {
        octstr_append_char(out, WBXML_STR_T);
        wbxml_append_mb_u_int32(out, use->table_offset);
    } else {
        octstr_append_char(out, WBXML_STR_I);
        octstr_append(out, piece->data);
        octstr_append_char(out, '\0');
    }
}

Octstr *wbxml_writer_document(WbxmlWriter *writer)
{
    Dict *index = dict_create(64, string_use_destroy);
    List *order = count_string_uses(writer, index);
    Octstr *table = lay_out_string_table(order);
    Octstr *out = octstr_create("");
    long i;

    octstr_append_char(out, WBXML_VERSION_1_3);
    octstr_append_char(out, WBXML_PUBLIC_ID_PROV);
    wbxml_append_mb_u_int32(out, WBXML_CHARSET_UTF8);
    wbxml_append_mb_u_int32(out, octstr_len(table));
    octstr_append(out, table);
    for (i = 0; i < gwlist_len(writer->pieces); i++)
        append_piece(out, gwlist_get(writer->pieces, i), index);

    octstr_destroy(table);
    gwlist_destroy(order, NULL);
    dict_destroy(index);
    return out;
}
