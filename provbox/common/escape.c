/*
 * escape.c - the shown form of operator-supplied text, and its JSON,
 * markup and Prometheus label quoting (see escape.h).
 */
#include "gwlib/gwlib.h"
#include "common/escape.h"

/* Length of the well-formed UTF-8 sequence at s (1 to 4), 0 if there is
 * none: RFC 3629's table, which leaves out overlong forms, surrogates and
 * everything above U+10FFFF. */
static long utf8_length(const unsigned char *s, long left)
{
    unsigned char low = 0x80, high = 0xBF;
    long n, i;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        n = 2;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        n = 3;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        n = 4;
    else
        return 0;
    if (s[0] == 0xE0)
        low = 0xA0;         /* overlong */
    else if (s[0] == 0xED)
        high = 0x9F;        /* surrogates */
    else if (s[0] == 0xF0)
        low = 0x90;         /* overlong */
    else if (s[0] == 0xF4)
        high = 0x8F;        /* above U+10FFFF */
    if (n > left || s[1] < low || s[1] > high)
        return 0;
    for (i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

/* escape_plain_length() on raw bytes: left of them from s on. */
static long plain_length(const unsigned char *s, long left)
{
    long n = utf8_length(s, left);

    if (n == 1 && (s[0] < 0x20 || s[0] == 0x7F))
        return 0;           /* C0, DEL */
    if (n == 2 && s[0] == 0xC2 && s[1] < 0xA0)
        return 0;           /* C1 */
    if (n == 3 && s[0] == 0xEF && s[1] == 0xBF && s[2] >= 0xBE)
        return 0;           /* U+FFFE, U+FFFF */
    return n;
}

long escape_plain_length(Octstr *value, long pos)
{
    return plain_length((const unsigned char *) octstr_get_cstr(value) + pos,
                        octstr_len(value) - pos);
}

/* Runs of text shown as it is go out in one append each (log lines pass
 * through here: most of them have nothing to escape). */
void escape_append_text(Octstr *out, Octstr *value)
{
    const unsigned char *s = (const unsigned char *) octstr_get_cstr(value);
    long len = octstr_len(value), i = 0, run = 0, n;

    while (i < len) {
        n = plain_length(s + i, len - i);
        if (n > 0 && s[i] != '\\') {
            i += n;
            continue;
        }
        octstr_append_data(out, (const char *) s + run, i - run);
        if (n == 0) {
            octstr_format_append(out, "\\x%02X", s[i]);
            n = 1;
        } else
            octstr_append_cstr(out, "\\\\");
        i += n;
        run = i;
    }
    octstr_append_data(out, (const char *) s + run, i - run);
}

Octstr *escape_text(Octstr *value)
{
    Octstr *out = octstr_create("");

    escape_append_text(out, value);
    return out;
}

void escape_append_json_shown(Octstr *out, Octstr *shown)
{
    long i;
    int c;

    octstr_append_char(out, '"');
    for (i = 0; i < octstr_len(shown); i++) {
        c = octstr_get_char(shown, i);
        if (c == '"' || c == '\\')
            octstr_append_char(out, '\\');
        octstr_append_char(out, c);
    }
    octstr_append_char(out, '"');
}

void escape_append_json(Octstr *out, Octstr *value)
{
    Octstr *shown = escape_text(value);

    escape_append_json_shown(out, shown);
    octstr_destroy(shown);
}

void escape_append_label(Octstr *out, Octstr *value)
{
    escape_append_json(out, value);
}

void escape_append_markup(Octstr *out, Octstr *value)
{
    Octstr *shown = escape_text(value);
    long i;
    int c;

    for (i = 0; i < octstr_len(shown); i++) {
        c = octstr_get_char(shown, i);
        switch (c) {
        case '<': octstr_append_cstr(out, "&lt;"); break;
        case '>': octstr_append_cstr(out, "&gt;"); break;
        case '&': octstr_append_cstr(out, "&amp;"); break;
        case '"': octstr_append_cstr(out, "&quot;"); break;
        default: octstr_append_char(out, c);
        }
    }
    octstr_destroy(shown);
}
