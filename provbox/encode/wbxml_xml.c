/*
 * wbxml_xml.c - libxml2 set up for untrusted provisioning documents.
 *
 * Owns the parser options, the per-parse error capture and the refusal of
 * external resources, plus the process-wide libxml2 start-up and shutdown
 * (wbxml_init / wbxml_shutdown).
 */
#include <stdarg.h>
#include <stdio.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "encode/wbxml.h"
#include "encode/wbxml_xml.h"

/* Never DTDLOAD, NOENT, DTDATTR or HUGE: see wbxml_xml.h. */
#define PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_BIG_LINES)

/* The errors one parse reported; the fatal one explains the failure best. */
typedef struct {
    xmlParserCtxtPtr document;  /* the context reading the document itself */
    Octstr *first_fatal;
    Octstr *first_error;
} ParseErrors;

void wbxml_init(void)
{
    xmlInitParser();
}

void wbxml_shutdown(void)
{
    xmlCleanupParser();
}

/* The line in the document itself. Inside an entity's replacement text
 * libxml2 counts lines from the start of that text, sometimes in a context
 * of its own; the document's context then still stands at the reference. */
static int document_line(ParseErrors *errors, xmlParserCtxtPtr reporter,
                         xmlErrorPtr err)
{
    xmlParserCtxtPtr document = errors->document;

    if ((reporter != document || document->inputNr > 1)
        && document->inputNr > 0 && document->inputTab[0] != NULL)
        return document->inputTab[0]->line;
    return err->line;
}

/* "line N: first line of libxml2's message" */
static Octstr *describe_error(int line, xmlErrorPtr err)
{
    Octstr *text = octstr_create(err->message != NULL ? err->message
                                                       : "malformed XML");
    long newline = octstr_search_char(text, '\n', 0);
    Octstr *described;

    if (newline >= 0)
        octstr_truncate(text, newline);
    octstr_strip_blanks(text);
    described = octstr_format("line %d: %S", line, text);
    octstr_destroy(text);
    return described;
}

static void record_error(void *user_data, xmlErrorPtr err)
{
    xmlParserCtxtPtr ctxt = user_data;
    ParseErrors *errors = ctxt->_private;
    int line = document_line(errors, ctxt, err);

    if (err->level == XML_ERR_FATAL && errors->first_fatal == NULL)
        errors->first_fatal = describe_error(line, err);
    else if (err->level == XML_ERR_ERROR && errors->first_error == NULL)
        errors->first_error = describe_error(line, err);
}

static xmlParserInputPtr refuse_external_entity(void *ctx,
                                                const xmlChar *public_id,
                                                const xmlChar *system_id)
{
    (void) ctx;
    (void) public_id;
    (void) system_id;
    return NULL;
}

/*
 * libxml2 reports a few problems (failed encoding conversions) through its
 * generic, per-thread handler rather than the parser context, which would
 * print them on stderr. The context records the parse error that follows;
 * the generic text goes to the debug log only.
 */
static void generic_to_debug(void *ctx, const char *fmt, ...)
{
    char text[256];
    va_list args;

    (void) ctx;
    va_start(args, fmt);
    vsnprintf(text, sizeof(text), fmt, args);
    va_end(args);
    debug("provbox.xml", 0, "libxml2: %s", text);
}

static xmlParserCtxtPtr new_safe_context(ParseErrors *errors)
{
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();

    if (ctxt == NULL)
        return NULL;
    errors->document = ctxt;
    ctxt->_private = errors;
    ctxt->sax->serror = record_error;
    ctxt->sax->resolveEntity = refuse_external_entity;
    ctxt->sax->externalSubset = NULL;
    return ctxt;
}

static Octstr *take_parse_error(ParseErrors *errors)
{
    Octstr *error;

    if (errors->first_fatal != NULL) {
        error = errors->first_fatal;
        errors->first_fatal = NULL;
    } else if (errors->first_error != NULL) {
        error = errors->first_error;
        errors->first_error = NULL;
    } else {
        error = octstr_create("line 1: malformed XML");
    }
    return error;
}

xmlDocPtr wbxml_xml_parse(Octstr *xml, Octstr **error)
{
    ParseErrors errors = { NULL, NULL, NULL };
    xmlParserCtxtPtr ctxt;
    xmlDocPtr doc;
    int well_formed;

    if (octstr_len(xml) > WBXML_XML_MAX_BYTES) {
        *error = octstr_format("line 1: document is %ld bytes, more than "
                               "the %ld allowed", octstr_len(xml),
                               WBXML_XML_MAX_BYTES);
        return NULL;
    }
    xmlSetGenericErrorFunc(NULL, generic_to_debug);
    ctxt = new_safe_context(&errors);
    if (ctxt == NULL) {
        *error = octstr_create("line 1: cannot create an XML parser");
        return NULL;
    }
    doc = xmlCtxtReadMemory(ctxt, octstr_get_cstr(xml), octstr_len(xml),
                            NULL, NULL, PARSE_OPTIONS);
    well_formed = ctxt->wellFormed;
    xmlFreeParserCtxt(ctxt);
    if (doc != NULL && !well_formed) {
        xmlFreeDoc(doc);
        doc = NULL;
    }
    if (doc == NULL)
        *error = take_parse_error(&errors);
    octstr_destroy(errors.first_fatal);
    octstr_destroy(errors.first_error);
    return doc;
}
