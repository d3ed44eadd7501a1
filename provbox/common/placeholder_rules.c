/*
 * placeholder_rules.c - what a placeholder's NAME and a filled value may
 * be (see placeholder_rules.h).
 */
#include "common/placeholder_rules.h"

int placeholder_name_char(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
           || c == '_' || c == '-';
}

int placeholder_name_ok(const char *s, long len)
{
    long i;

    if (len < 1 || len > PLACEHOLDER_NAME_MAX)
        return 0;
    for (i = 0; i < len; i++)
        if (!placeholder_name_char((unsigned char) s[i]))
            return 0;
    return 1;
}

/* The code point of the well-formed UTF-8 sequence at s (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF) and its length in
 * *n; -1 when there is none. */
static long utf8_char(const unsigned char *s, long left, long *n)
{
    static const struct {
        unsigned char first, last, bits;
        long length, min;
    } leads[] = {
        { 0xC2, 0xDF, 0x1F, 2, 0x80 },
        { 0xE0, 0xEF, 0x0F, 3, 0x800 },
        { 0xF0, 0xF4, 0x07, 4, 0x10000 },
    };
    long c, i, k;

    *n = 1;
    if (s[0] < 0x80)
        return s[0];
    for (k = 0; k < 3 && (s[0] < leads[k].first || s[0] > leads[k].last); k++)
        ;
    if (k == 3 || leads[k].length > left)
        return -1;
    *n = leads[k].length;
    c = s[0] & leads[k].bits;
    for (i = 1; i < *n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return -1;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < leads[k].min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return -1;
    return c;
}

Octstr *placeholder_value_problem(Octstr *value)
{
    const unsigned char *s = (const unsigned char *) octstr_get_cstr(value);
    long pos = 0, n, c, len = octstr_len(value);

    while (pos < len) {
        c = utf8_char(s + pos, len - pos, &n);
        if (c < 0)
            return octstr_format("not UTF-8 (byte %ld)", pos + 1);
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xFFFE || c == 0xFFFF)
            return octstr_format("a control character or non-character (byte %ld), "
                                 "which XML cannot carry", pos + 1);
        pos += n;
    }
    return NULL;
}
