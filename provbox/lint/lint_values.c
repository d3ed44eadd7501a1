/*
 * lint_values.c - the forms of values lint checks (see lint_values.h).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>

#include "gwlib/gwlib.h"
#include "common/escape.h"
#include "lint/lint_values.h"

#define QUOTE_MAX 64

static int all_digits(Octstr *value, long from)
{
    long i;

    if (octstr_len(value) <= from)
        return 0;
    for (i = from; i < octstr_len(value); i++)
        if (!isdigit(octstr_get_char(value, i)))
            return 0;
    return 1;
}

int lint_is_number(Octstr *value)
{
    return all_digits(value, 0);
}

int lint_is_port(Octstr *value)
{
    long n;

    if (!all_digits(value, 0) || octstr_len(value) > 5)
        return 0;
    n = atol(octstr_get_cstr(value));
    return n >= 1 && n <= 65535;
}

int lint_is_ipv4(Octstr *value)
{
    struct in_addr addr;

    /* inet_pton takes exactly four decimal parts of 0-255, no leading 0s. */
    return inet_pton(AF_INET, octstr_get_cstr(value), &addr) == 1;
}

int lint_is_ipv6(Octstr *value)
{
    struct in6_addr addr;

    return inet_pton(AF_INET6, octstr_get_cstr(value), &addr) == 1;
}

int lint_is_e164(Octstr *value)
{
    return all_digits(value, octstr_get_char(value, 0) == '+' ? 1 : 0);
}

int lint_is_apn(Octstr *value)
{
    long i;
    int c;

    if (octstr_len(value) == 0)
        return 0;
    for (i = 0; i < octstr_len(value); i++) {
        c = octstr_get_char(value, i);
        if (!isalnum(c) && c != '-' && c != '.')
            return 0;
    }
    return 1;
}

int lint_fits_addrtype(Octstr *value, const char *type)
{
    if (octstr_search_char(value, '\0', 0) >= 0)
        return 0;
    if (strcmp(type, "IPV4") == 0)
        return lint_is_ipv4(value);
    if (strcmp(type, "IPV6") == 0)
        return lint_is_ipv6(value);
    if (strcmp(type, "E164") == 0)
        return lint_is_e164(value);
    if (strcmp(type, "APN") == 0)
        return lint_is_apn(value);
    return 1;
}

void lint_append_shown(Octstr *out, Octstr *value)
{
    Octstr *cut = octstr_copy(value, 0, QUOTE_MAX);

    escape_append_text(out, cut);
    if (octstr_len(value) > QUOTE_MAX)
        octstr_append_cstr(out, "...");
    octstr_destroy(cut);
}

Octstr *lint_quoted(Octstr *value)
{
    Octstr *out = octstr_create("\"");

    lint_append_shown(out, value);
    octstr_append_char(out, '"');
    return out;
}
