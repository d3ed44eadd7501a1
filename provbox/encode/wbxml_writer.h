/*
 * wbxml_writer.h - builds one WBXML document: header, string table, body,
 * with holes for attribute values that are known only later.
 *
 * The compiler appends the body in document order: token bytes,
 * attributes (coded by wbxml_attr.h on the writer's attribute code page),
 * and LITERAL tokens whose name lives in the string table. Where each
 * string goes is decided only when the document is laid out, because that
 * needs every occurrence:
 *
 *   - a LITERAL name always goes into the string table (WBXML has no other
 *     way to code it);
 *   - any other string goes there when it occurs more than once and one copy
 *     in the table plus STR_T references is strictly shorter than inlining
 *     every occurrence as STR_I; otherwise it stays inline;
 *   - table entries are laid out in order of first occurrence.
 *
 * This reproduces the spec's Appendix C vector (only "NAP1" repeats) and
 * never makes a document longer than inlining would.
 *
 * A hole (wbxml_writer_hole()) is an attribute whose value each call of
 * wbxml_writer_document() gives anew. The document is then exactly what
 * writing that attribute with that value would have given: the value may
 * code as a token, go into the string table (when it repeats another
 * string, or another hole's value), or switch the attribute page, which
 * the attributes after it then follow. So the writer is built once and
 * laid out as often as needed, with no XML parse: what a templated job
 * does for each recipient (encode/template.h).
 *
 * Building belongs to one thread; a finished writer is only read by
 * wbxml_writer_document(), which any number of threads may call at once.
 * Symbol prefix: wbxml_writer_.
 */
#ifndef PROVBOX_WBXML_WRITER_H
#define PROVBOX_WBXML_WRITER_H

#include "gwlib/gwlib.h"

typedef struct WbxmlWriter WbxmlWriter;

WbxmlWriter *wbxml_writer_create(void);
void wbxml_writer_destroy(WbxmlWriter *writer);
WbxmlWriter *wbxml_writer_duplicate(const WbxmlWriter *writer);

/* Append one token byte (0x00-0xFF) to the body. */
void wbxml_writer_byte(WbxmlWriter *writer, int byte);

/* Append a LITERAL-class token followed by the string-table offset of name. */
void wbxml_writer_literal(WbxmlWriter *writer, int token, Octstr *name);

/* Append the attribute name="value" (no NUL bytes in either). */
void wbxml_writer_attribute(WbxmlWriter *writer, Octstr *name, Octstr *value);

/*
 * Append attribute `name` whose value is hole number N (0, 1, ... in the
 * order of these calls; returned). `assumed` is a value that codes as a
 * string (the template's own text, "{{...}}", never matches a token): the
 * attributes after the hole are coded for the page it leaves, and coded
 * again when a real value leaves another.
 */
long wbxml_writer_hole(WbxmlWriter *writer, Octstr *name, Octstr *assumed);

/* How many holes there are. */
long wbxml_writer_holes(const WbxmlWriter *writer);

/* The whole document, 03 0B 6A, string table, body, with values[N] (no
 * NUL bytes) for hole N; values may be NULL when there are no holes.
 * Call it once the body is complete; the writer does not change. */
Octstr *wbxml_writer_document(const WbxmlWriter *writer, Octstr *const *values);

/* Append value as a WBXML mb_u_int32 (7 bits per byte, high bit = more). */
void wbxml_append_mb_u_int32(Octstr *out, unsigned long value);

#endif
