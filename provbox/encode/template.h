/*
 * template.h - one provisioning document, many recipients: {{NAME}}
 * placeholders in attribute values, filled per recipient.
 *
 * wbxml_template_compile() parses and compiles the document once, as
 * wbxml_compile() does, keeping every attribute value that holds a
 * placeholder (encode/placeholder.h) as a hole in the compiled form
 * (encode/wbxml_writer.h). wbxml_template_fill() then lays out one
 * recipient's WBXML with its values, without parsing any XML: the result
 * is byte for byte what wbxml_compile() gives for the document with each
 * placeholder replaced by its value, XML-escaped (&amp; &lt; &gt; &quot;
 * &apos; and &#9; &#10; &#13; for tab, LF and CR). A value is put in as
 * its bytes, so it can never change the document's structure, and is
 * never scanned for placeholders itself.
 *
 * A placeholder in element text is an error; in a comment or processing
 * instruction it is left alone (neither is sent). A document without
 * placeholders is a template too, whose fill is its WBXML; so is a fixed
 * WBXML (wbxml_template_fixed(), the legacy OTA types).
 *
 * Errors are new Octstrs "line N: cause" (compile) or naming the
 * placeholder (fill); they never quote a value. A template is only read
 * once compiled: fills may run in several threads at once. Symbol prefix:
 * wbxml_template_.
 */
#ifndef PROVBOX_TEMPLATE_H
#define PROVBOX_TEMPLATE_H

#include "gwlib/gwlib.h"

typedef struct WbxmlTemplate WbxmlTemplate;

/* The document compiled with its placeholders as holes, or NULL + *error. */
WbxmlTemplate *wbxml_template_compile(Octstr *xml, Octstr **error);

/* A template without placeholders whose WBXML is wbxml (taken over). */
WbxmlTemplate *wbxml_template_fixed(Octstr *wbxml);

WbxmlTemplate *wbxml_template_duplicate(const WbxmlTemplate *t);
void wbxml_template_destroy(WbxmlTemplate *t);

/* The placeholders' distinct names (Octstr*), in order of first use: the
 * template's own list, not to be changed. Empty for a plain document. */
List *wbxml_template_names(const WbxmlTemplate *t);

/* The document line where name k is first used. */
long wbxml_template_line(const WbxmlTemplate *t, long k);

/*
 * The WBXML with values[k] for name k (values may be NULL when there are
 * no names), or NULL + *error when a value cannot be filled in
 * (placeholder_value_problem(): "{{NAME}}: not UTF-8 (byte 3)").
 */
Octstr *wbxml_template_fill(const WbxmlTemplate *t, Octstr *const *values, Octstr **error);

#endif
