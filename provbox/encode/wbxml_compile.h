/*
 * wbxml_compile.h - the compiler's walk over a document, shared by
 * wbxml_compile() (wbxml.h) and wbxml_template_compile() (template.h).
 * Internal to provbox/encode.
 */
#ifndef PROVBOX_WBXML_COMPILE_H
#define PROVBOX_WBXML_COMPILE_H

#include "gwlib/gwlib.h"
#include "encode/placeholder.h"
#include "encode/wbxml_writer.h"

/*
 * The document's body in a writer, or NULL + *error. With placeholders
 * (template mode), every attribute value holding a {{NAME}} becomes the
 * writer's next hole and placeholders' next hole, and a placeholder in
 * element text gets a message of its own; without, values are as they
 * are.
 */
WbxmlWriter *wbxml_compile_writer(Octstr *xml, Placeholders *placeholders, Octstr **error);

#endif
