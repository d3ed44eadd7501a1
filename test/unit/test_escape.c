/*
 * test_escape.c - unit tests of provbox/common/escape.c: the shown form of
 * operator-supplied text (printable UTF-8 as it is, a backslash doubled,
 * control characters and bytes that are not UTF-8 as \xHH), that it maps
 * one to one, and its JSON, markup and Prometheus label quoting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gwlib/gwlib.h"
#include "common/escape.h"
#include "../lib/tap.h"

static Octstr *bytes(const char *s, long n)
{
    return octstr_create_from_data(s, n);
}

static void shows(const char *raw, long n, const char *want, const char *what)
{
    Octstr *value = bytes(raw, n), *shown = escape_text(value);

    ok_str(octstr_get_cstr(shown), want, what);
    octstr_destroy(shown);
    octstr_destroy(value);
}

#define SHOWS(raw, want, what) shows(raw, (long) sizeof(raw) - 1, want, what)

static void test_plain_text(void)
{
    SHOWS("job-2024.01_a b", "job-2024.01_a b", "ASCII names are shown as they are");
    SHOWS("j\xC3\xB6" "b", "j\xC3\xB6" "b", "valid UTF-8 (j\xC3\xB6" "b) is shown as it is");
    SHOWS("\xE2\x82\xAC \xF0\x9F\x98\x80 \xEF\xBF\xBD \xC2\xA0",
          "\xE2\x82\xAC \xF0\x9F\x98\x80 \xEF\xBF\xBD \xC2\xA0",
          "3- and 4-byte characters, U+FFFD and U+00A0 pass");
    SHOWS("", "", "the empty value stays empty");
}

static void test_controls(void)
{
    SHOWS("x\n  state: connected\n", "x\\x0A  state: connected\\x0A",
          "LF cannot start a new line");
    SHOWS("\r\t\x01", "\\x0D\\x09\\x01", "CR, TAB and other C0 bytes");
    SHOWS("a\0b", "a\\x00b", "a NUL byte");
    SHOWS("\x1B[31mred", "\\x1B[31mred", "ESC cannot colour a terminal");
    SHOWS("del\x7F", "del\\x7F", "DEL");
    SHOWS("c1\xC2\x85\xC2\x9B", "c1\\xC2\\x85\\xC2\\x9B", "C1 characters (NEL, CSI), byte by byte");
    SHOWS("\xEF\xBF\xBE\xEF\xBF\xBF", "\\xEF\\xBF\\xBE\\xEF\\xBF\\xBF",
          "U+FFFE and U+FFFF (not XML characters)");
}

static void test_invalid_utf8(void)
{
    SHOWS("latin\xE9\xFF", "latin\\xE9\\xFF", "Latin-1 bytes and 0xFF");
    SHOWS("\xC0\xAF\xE0\x80\xAF", "\\xC0\\xAF\\xE0\\x80\\xAF", "overlong forms");
    SHOWS("\xED\xA0\x80", "\\xED\\xA0\\x80", "a UTF-16 surrogate");
    SHOWS("\xF4\x90\x80\x80\xF5\x80", "\\xF4\\x90\\x80\\x80\\xF5\\x80", "above U+10FFFF");
    SHOWS("\x80 \xBF", "\\x80 \\xBF", "lone continuation bytes");
    SHOWS("ab\xE2\x82", "ab\\xE2\\x82", "a character cut off at the end");
    SHOWS("\xE2\x82" "A\xC3", "\\xE2\\x82A\\xC3", "a character cut off by ASCII");
}

static void test_backslash(void)
{
    SHOWS("a\\b", "a\\\\b", "a backslash is doubled");
    SHOWS("\\xE9", "\\\\xE9", "the text \\xE9 is not shown like the byte 0xE9");
}

/* Every single byte: printable ASCII but the backslash as it is, the
 * others \xHH (a lone byte >= 0x80 is never UTF-8). */
static void test_every_byte(void)
{
    char raw, want[8];
    Octstr *value, *shown;
    int b, bad = 0;

    for (b = 0; b < 256; b++) {
        raw = (char) b;
        if (b == '\\')
            strcpy(want, "\\\\");
        else if (b >= 0x20 && b < 0x7F)
            sprintf(want, "%c", b);
        else
            sprintf(want, "\\x%02X", b);
        value = bytes(&raw, 1);
        shown = escape_text(value);
        if (octstr_str_compare(shown, want) != 0) {
            tap_diag("byte 0x%02X shown as '%s'", b, octstr_get_cstr(shown));
            bad++;
        }
        octstr_destroy(shown);
        octstr_destroy(value);
    }
    ok(bad == 0, "each of the 256 bytes alone is shown as expected");
}

static int hex_value(Octstr *text, long pos)
{
    int c = octstr_get_char(text, pos);

    return c >= 'A' ? c - 'A' + 10 : c - '0';
}

/* The test's own reading of the shown form: \\ and \xHH back to bytes. */
static Octstr *unshow(Octstr *shown)
{
    Octstr *raw = octstr_create("");
    long i;
    int c;

    for (i = 0; i < octstr_len(shown); i++) {
        c = octstr_get_char(shown, i);
        if (c == '\\' && octstr_get_char(shown, i + 1) == 'x') {
            octstr_append_char(raw, (hex_value(shown, i + 2) * 16 + hex_value(shown, i + 3)) & 0xFF);
            i += 3;
        } else if (c == '\\' && i + 1 < octstr_len(shown))
            octstr_append_char(raw, octstr_get_char(shown, ++i));
        else
            octstr_append_char(raw, c);
    }
    return raw;
}

static int clean(Octstr *shown)
{
    long i;
    int c;

    for (i = 0; i < octstr_len(shown); i++) {
        c = octstr_get_char(shown, i);
        if (c < 0x20 || c == 0x7F)
            return 0;
    }
    return 1;
}

static void test_one_to_one(void)
{
    static const char pieces[][4] = {
        "a", "\\", "x", "E", "9", "\xE9", "\xC3", "\xB6", "\n", "\x1B", "\x7F",
        "\xC2", "\x85", "\xF0", "\x9F", "\x98", "\x80", "\xEF", "\xBF", " "
    };
    Octstr *value, *shown, *back;
    int round, k, bad = 0, dirty = 0;

    srandom(25);
    for (round = 0; round < 5000; round++) {
        value = octstr_create("");
        for (k = random() % 12; k > 0; k--)
            octstr_append_cstr(value, pieces[random() % (sizeof(pieces) / sizeof(pieces[0]))]);
        shown = escape_text(value);
        back = unshow(shown);
        bad += octstr_compare(back, value) != 0;
        dirty += !clean(shown);
        octstr_destroy(back);
        octstr_destroy(shown);
        octstr_destroy(value);
    }
    ok(bad == 0, "5000 random mixes of bytes read back exactly from their shown form");
    ok(dirty == 0, "no shown form holds a control byte");
}

static void test_json_and_markup(void)
{
    Octstr *value = octstr_create("a\"b\\c<&>\n\xE9j\xC3\xB6" "b"), *out = octstr_create("");

    escape_append_json(out, value);
    ok_str(octstr_get_cstr(out), "\"a\\\"b\\\\\\\\c<&>\\\\x0A\\\\xE9j\xC3\xB6" "b\"",
           "JSON: the shown form, quoted (a reader gets \\x0A, \\xE9 and \\\\ as text)");
    octstr_truncate(out, 0);
    escape_append_markup(out, value);
    ok_str(octstr_get_cstr(out), "a&quot;b\\\\c&lt;&amp;&gt;\\x0A\\xE9j\xC3\xB6" "b",
           "markup: the shown form with & < > \" as entities");
    octstr_truncate(out, 0);
    escape_append_label(out, value);
    ok_str(octstr_get_cstr(out), "\"a\\\"b\\\\\\\\c<&>\\\\x0A\\\\xE9j\xC3\xB6" "b\"",
           "Prometheus label: \\ and \\\" escaped, no raw line feed, valid UTF-8");
    octstr_destroy(out);
    octstr_destroy(value);
}

static void test_plain_length(void)
{
    Octstr *value = octstr_create("a\xC3\xB6\xF0\x9F\x98\x80\n\xE9");

    ok(escape_plain_length(value, 0) == 1 && escape_plain_length(value, 1) == 2
       && escape_plain_length(value, 3) == 4 && escape_plain_length(value, 7) == 0
       && escape_plain_length(value, 8) == 0,
       "escape_plain_length: 1, 2 and 4 bytes for characters, 0 for LF and 0xE9");
    octstr_destroy(value);
}

int main(void)
{
    gwlib_init();
    log_set_output_level(GW_PANIC);
    test_plain_text();
    test_controls();
    test_invalid_utf8();
    test_backslash();
    test_every_byte();
    test_one_to_one();
    test_json_and_markup();
    test_plain_length();
    gwlib_shutdown();
    return tap_done();
}
