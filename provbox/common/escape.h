/*
 * escape.h - showing operator-supplied text (job names, Ids, reasons that
 * quote them, HTTP input, user names) in text, logs, JSON and XML/HTML.
 *
 * A name is data: whatever bytes it holds, it must not add a line to a
 * text page or a log, colour a terminal, or make a JSON or XML document
 * unreadable. So every format shows the same "shown form" of a value:
 *
 *   - printable UTF-8 (ASCII and any other well-formed character, e.g.
 *     "jöb") as it is;
 *   - a backslash as `\\`, so the mapping stays one to one: a name that
 *     holds the four characters `\xE9` is shown `\\xE9`, never like the
 *     byte 0xE9;
 *   - every other byte as `\xHH` (two upper-case hex digits): control
 *     characters (C0, DEL, and C1 U+0080..U+009F, one `\xHH` per byte of
 *     its UTF-8 form), the non-characters U+FFFE and U+FFFF (XML cannot
 *     carry them), and every byte that is not part of well-formed UTF-8
 *     (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
 *
 * The shown form is valid UTF-8 without control characters. JSON and
 * markup then quote it for their syntax ("\\" in JSON source, &amp; in
 * XML), so a JSON or XML reader gets the shown form back, not the raw
 * bytes. Reversing it (`\\` -> `\`, `\xHH` -> the byte) gives the raw value.
 *
 * Escape where text is written out (a renderer, a log line, provctl's
 * output), never where a message is built: messages carry raw text, so a
 * name is escaped exactly once. Log lines go through log_escaped.h.
 *
 * All functions append to or return an Octstr and never fail. Symbol
 * prefix: escape_.
 */
#ifndef PROVBOX_ESCAPE_H
#define PROVBOX_ESCAPE_H

#include "gwlib/gwlib.h"

/* Bytes at pos that make one character shown as it is (1 to 4), or 0 when
 * the byte at pos is shown as \xHH. A backslash counts as shown as it is;
 * the callers double it. */
long escape_plain_length(Octstr *value, long pos);

/* Append the shown form of value. */
void escape_append_text(Octstr *out, Octstr *value);

/* The shown form of value, a new Octstr. */
Octstr *escape_text(Octstr *value);

/* Append the shown form of value as a quoted JSON string. */
void escape_append_json(Octstr *out, Octstr *value);

/* Append text already in its shown form (a message built from shown
 * values) as a quoted JSON string, without escaping it a second time. */
void escape_append_json_shown(Octstr *out, Octstr *shown);

/* Append the shown form of value with &, <, >, " escaped for XML and HTML
 * text or attributes. */
void escape_append_markup(Octstr *out, Octstr *value);

/* Append the shown form of value as a quoted label value of Prometheus'
 * text exposition format (`job="..."`). That format escapes a backslash,
 * a double quote and a line feed; the shown form holds no line feed (it
 * is \x0A there), so its quoting is JSON's: a scraper gets the shown
 * form back, valid UTF-8 whatever the value held. */
void escape_append_label(Octstr *out, Octstr *value);

#endif
