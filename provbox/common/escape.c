/*
 * escape.c - JSON and markup escaping (see escape.h).
 */
#include "gwlib/gwlib.h"
#include "common/escape.h"

void escape_append_json(Octstr *out, Octstr *value)
{
    long i;
    int c;

    octstr_append_char(out, '"');
    for (i = 0; i < octstr_len(value); i++) {
        c = octstr_get_char(value, i);
        if (c == '"' || c == '\\')
            octstr_format_append(out, "\\%c", c);
        else if (c < 0x20)
            octstr_format_append(out, "\\u%04x", c);
        else
            octstr_append_char(out, c);
    }
    octstr_append_char(out, '"');
}

void escape_append_markup(Octstr *out, Octstr *value)
{
    long i;
    int c;

    for (i = 0; i < octstr_len(value); i++) {
        c = octstr_get_char(value, i);
        switch (c) {
        case '<': octstr_append_cstr(out, "&lt;"); break;
        case '>': octstr_append_cstr(out, "&gt;"); break;
        case '&': octstr_append_cstr(out, "&amp;"); break;
        case '"': octstr_append_cstr(out, "&quot;"); break;
        default:
            octstr_append_char(out, c < 0x20 && c != '\t' ? ' ' : c);
        }
    }
}
