/*
 * wbxml.h - OMA ProvCont documents <-> WBXML.
 *
 * The compiler turns a `wap-provisioningdoc` (OMA ProvCont 1.0/1.1) into
 * WBXML 1.3 with public id 0x0B (PROV 1.0) and charset UTF-8, using the
 * attribute-start and attribute-value tables of code pages 0 and 1 (see
 * wbxml_tokens.h). It always uses these tables, with or without the PROV
 * DOCTYPE. Unknown characteristic types and parm names become inline
 * strings; unknown elements and attribute names become LITERAL tokens that
 * point into the string table. Values are copied byte for byte.
 *
 * The input may be in any encoding its XML declaration names; external
 * DTDs and entities are never loaded. The decoder and the explainer are the
 * inverse, used by `provctl inspect` and `provctl compile --format explain`.
 *
 * All functions are thread-safe (libxml2 must have been initialised by
 * wbxml_init(), which gwlib-using programs call once at start-up).
 * On failure they return NULL and set *error to a new Octstr such as
 * "line 12: parm outside a characteristic" (compile) or "offset 0x01A2:
 * unknown attribute-start token 0x4D on code page 0" (decode, explain);
 * the caller destroys it. The encoding rules (content flag, code pages,
 * string table) are explained in doc/encoding.md, "WBXML choices".
 */
#ifndef PROVBOX_WBXML_H
#define PROVBOX_WBXML_H

#include "gwlib/gwlib.h"

void wbxml_init(void);
void wbxml_shutdown(void);

/* XML document bytes -> WBXML document (header 03 0B 6A, string table, body). */
Octstr *wbxml_compile(Octstr *xml, Octstr **error);

/* WBXML document -> indented UTF-8 XML text. */
Octstr *wbxml_decode(Octstr *wbxml, Octstr **error);

/* WBXML document -> one line per token: offset, hex bytes, meaning. */
Octstr *wbxml_explain(Octstr *wbxml, Octstr **error);

#endif
