/*
 * wbxml_writer.h - builds one WBXML document: header, string table, body.
 *
 * The compiler appends the body in document order: plain token bytes,
 * strings, and LITERAL tokens whose name lives in the string table. Where
 * each string goes is decided only when the document is finished, because
 * that needs every occurrence:
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
 * A writer belongs to one thread. Symbol prefix: wbxml_writer_.
 */
#ifndef PROVBOX_WBXML_WRITER_H
#define PROVBOX_WBXML_WRITER_H

#include "gwlib/gwlib.h"

typedef struct WbxmlWriter WbxmlWriter;

WbxmlWriter *wbxml_writer_create(void);
void wbxml_writer_destroy(WbxmlWriter *writer);

/* Append one token byte (0x00-0xFF) to the body. */
void wbxml_writer_byte(WbxmlWriter *writer, int byte);

/* Append a string (no NUL bytes): STR_I or STR_T, decided at the end. */
void wbxml_writer_string(WbxmlWriter *writer, Octstr *text);

/* Append a LITERAL-class token followed by the string-table offset of name. */
void wbxml_writer_literal(WbxmlWriter *writer, int token, Octstr *name);

/* The whole document: 03 0B 6A, string table, body. Call it once the body
 * is complete; the writer still has to be destroyed. */
Octstr *wbxml_writer_document(WbxmlWriter *writer);

/* Append value as a WBXML mb_u_int32 (7 bits per byte, high bit = more). */
void wbxml_append_mb_u_int32(Octstr *out, unsigned long value);

#endif
