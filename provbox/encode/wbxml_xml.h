/*
 * wbxml_xml.h - reads untrusted XML bytes into a libxml2 tree, safely.
 *
 * The parser never touches the network or the file system: no external
 * DTD, no external entities (XML_PARSE_NONET, no DTDLOAD/NOENT, and a
 * per-parse entity resolver that refuses everything). libxml2's default
 * limits stay on (no XML_PARSE_HUGE), so an entity-expansion bomb is an
 * error, not a memory blow-up. The encoding is whatever the XML declaration
 * or BOM says (UTF-8 when nothing is said); the tree is always UTF-8.
 *
 * Errors never reach stderr: the first one is returned as a new Octstr
 * "line N: cause". Thread-safe after wbxml_init(). Symbol prefix: wbxml_xml_.
 */
#ifndef PROVBOX_WBXML_XML_H
#define PROVBOX_WBXML_XML_H

#include <libxml/tree.h>

#include "gwlib/gwlib.h"

/* The largest document accepted (far beyond what fits in 255 SMS). */
#define WBXML_XML_MAX_BYTES (1024L * 1024L)

/* Parse; returns the tree (free with xmlFreeDoc) or NULL + *error. */
xmlDocPtr wbxml_xml_parse(Octstr *xml, Octstr **error);

#endif
