/*
 * job_vars.c - var.NAME=VALUE and Var: NAME=VALUE: syntax, percent-
 * encoding, and the job's values against a document's placeholders (see
 * job_vars.h).
 *
 * job_vars_check() reads each recipient's options in place in the job's
 * text (job_recipient_options()): a To: line without options takes every
 * value from the Var: headers, which is checked once; on a line with
 * options the var. words are matched against the names byte for byte, and
 * which names a line gave is kept as that recipient's number in one array
 * for the whole pass, so nothing is allocated or cleared per line.
 */
#include <string.h>
#include <strings.h>

#include "gwlib/gwlib.h"
#include "spool/job.h"
#include "spool/job_vars.h"
#include "common/placeholder_rules.h"
#include "common/hex.h"

#define VAR_PREFIX "var."
#define VAR_PREFIX_LEN 4

void job_var_destroy(void *item)
{
    JobVar *var = item;

    if (var == NULL)
        return;
    octstr_destroy(var->name);
    octstr_destroy(var->value);
    gw_free(var);
}

/* text[from..) percent-decoded, or NULL when a '%' is not followed by two
 * hex digits. */
static Octstr *decode(Octstr *text, long from)
{
    Octstr *out = octstr_create("");
    long i, n = octstr_len(text);
    int c, high, low;

    for (i = from; i < n; i++) {
        c = octstr_get_char(text, i);
        if (c == '%') {
            high = i + 2 < n ? hex_digit_value(octstr_get_char(text, i + 1)) : -1;
            low = i + 2 < n ? hex_digit_value(octstr_get_char(text, i + 2)) : -1;
            if (high < 0 || low < 0) {
                octstr_destroy(out);
                return NULL;
            }
            c = high * 16 + low;
            i += 2;
        }
        octstr_append_char(out, c);
    }
    return out;
}

Octstr *job_var_encode(Octstr *value)
{
    Octstr *out = octstr_create("");
    long i;
    int c;

    for (i = 0; i < octstr_len(value); i++) {
        c = octstr_get_char(value, i);
        if (c <= ' ' || c >= 0x7F || c == '%')
            octstr_format_append(out, "%%%02X", c);
        else
            octstr_append_char(out, c);
    }
    return out;
}

/* The value after "NAME=" at eq: decoded into *value, or why not. */
static Octstr *parse_value(const char *prefix, Octstr *name, Octstr *text, long eq,
                           Octstr **value)
{
    Octstr *why, *reason;

    *value = decode(text, eq + 1);
    if (*value == NULL)
        return octstr_format("%s%S=: bad percent-encoding (a %% must be followed by "
                             "two hex digits)", prefix, name);
    if ((why = placeholder_value_problem(*value)) == NULL)
        return NULL;
    octstr_destroy(*value);
    *value = NULL;
    reason = octstr_format("%s%S=: the value is %S", prefix, name, why);
    octstr_destroy(why);
    return reason;
}

Octstr *job_var_parse(const char *prefix, Octstr *text, JobVar **out)
{
    long eq = octstr_search_char(text, '=', 0);
    const char *s = octstr_get_cstr(text), *label = *prefix != '\0' ? "var. " : "";
    Octstr *name, *value = NULL, *why;

    *out = NULL;
    if (eq < 0)
        return octstr_format("%sneeds NAME=VALUE", label);
    if (!placeholder_name_ok(s, eq))
        return octstr_format("%sneeds a NAME of 1 to %d letters, digits, '_' or '-' "
                             "before its '='", label, PLACEHOLDER_NAME_MAX);
    name = octstr_copy(text, 0, eq);
    if ((why = parse_value(prefix, name, text, eq, &value)) != NULL) {
        octstr_destroy(name);
        return why;
    }
    *out = gw_malloc(sizeof(**out));
    (*out)->name = name;
    (*out)->value = value;
    (*out)->line = 0;
    return NULL;
}

JobVar *job_var_find(List *vars, Octstr *name)
{
    long i;

    for (i = 0; vars != NULL && i < gwlist_len(vars); i++)
        if (octstr_compare(((JobVar *) gwlist_get(vars, i))->name, name) == 0)
            return gwlist_get(vars, i);
    return NULL;
}

/* ---- the job against the document's placeholders ---- */

/* "{{A}}, {{B}}" or "none", for messages. */
static Octstr *listed(List *names)
{
    Octstr *out = octstr_create("");
    long k;

    for (k = 0; names != NULL && k < gwlist_len(names); k++)
        octstr_format_append(out, "%s{{%S}}", k > 0 ? ", " : "", gwlist_get(names, k));
    if (octstr_len(out) == 0)
        octstr_append_cstr(out, "none");
    return out;
}

static long name_count(List *names)
{
    return names != NULL ? gwlist_len(names) : 0;
}

/* The index of s[0..len) among names, or -1. */
static long find_name(List *names, const char *s, long len)
{
    long k;
    Octstr *name;

    for (k = 0; k < name_count(names); k++) {
        name = gwlist_get(names, k);
        if (octstr_len(name) == len && memcmp(octstr_get_cstr(name), s, len) == 0)
            return k;
    }
    return -1;
}

static Octstr *unknown_name(long line, const char *what, const char *s, long len,
                            List *names)
{
    Octstr *shown = listed(names), *name = octstr_create_from_data(s, len);
    Octstr *reason = octstr_format("line %ld: %s%S= names no placeholder of the document "
                                   "(its placeholders: %S)", line, what, name, shown);

    octstr_destroy(shown);
    octstr_destroy(name);
    return reason;
}

/* Every Var: header names a placeholder. */
static Octstr *check_defaults(const Job *job, List *names)
{
    JobVar *var;
    long i;

    for (i = 0; job->vars != NULL && i < gwlist_len(job->vars); i++) {
        var = gwlist_get(job->vars, i);
        if (find_name(names, octstr_get_cstr(var->name), octstr_len(var->name)) < 0)
            return unknown_name(var->line, "Var: ", octstr_get_cstr(var->name),
                                octstr_len(var->name), names);
    }
    return NULL;
}

static Octstr *missing(const Job *job, long i, Octstr *name)
{
    Octstr *msisdn = job_recipient_msisdn(job, i);
    Octstr *reason = octstr_format("line %ld: recipient %S has no value for {{%S}} (give "
                                   "var.%S= on its To: line, or a Var: %S= header)",
                                   job_recipient_line(job, i), msisdn, name, name, name);

    octstr_destroy(msisdn);
    return reason;
}

/* One pass over a recipient's options: each var. word must name a
 * placeholder, which is marked given[k] = i + 1. */
static Octstr *scan_options(const Job *job, long i, List *names, long *given)
{
    long end, pos = job_recipient_options(job, i, &end), word, eq, k;
    const char *text = octstr_get_cstr(job->text);

    while (pos < end) {
        for (word = pos; pos < end && text[pos] != ' ' && text[pos] != '\t'; pos++)
            ;
        if (pos - word > VAR_PREFIX_LEN && strncasecmp(text + word, VAR_PREFIX,
                                                       VAR_PREFIX_LEN) == 0) {
            word += VAR_PREFIX_LEN;
            for (eq = word; eq < pos && text[eq] != '='; eq++)
                ;
            if ((k = find_name(names, text + word, eq - word)) < 0)
                return unknown_name(job_recipient_line(job, i), VAR_PREFIX, text + word,
                                    eq - word, names);
            given[k] = i + 1;
        }
        while (pos < end && (text[pos] == ' ' || text[pos] == '\t'))
            pos++;
    }
    return NULL;
}

/* The first name that neither a Var: header nor the line marked `stamp`
 * in given[] gives a value, or -1. */
static long first_missing(const Job *job, List *names, const long *given, long stamp)
{
    long k;

    for (k = 0; k < name_count(names); k++)
        if (given[k] != stamp && job_var_find(job->vars, gwlist_get(names, k)) == NULL)
            return k;
    return -1;
}

static Octstr *check_recipients(const Job *job, List *names, long *given)
{
    long i, k, shared_missing;
    Octstr *reason;

    shared_missing = first_missing(job, names, given, -1);
    for (i = 0; i < job_recipient_count(job); i++) {
        if (!job_recipient_has_overrides(job, i)) {
            k = shared_missing;
        } else {
            if ((reason = scan_options(job, i, names, given)) != NULL)
                return reason;
            k = first_missing(job, names, given, i + 1);
        }
        if (k >= 0)
            return missing(job, i, gwlist_get(names, k));
    }
    return NULL;
}

Octstr *job_vars_check(const Job *job, List *names)
{
    long n = name_count(names);
    long *given = gw_malloc((n + 1) * sizeof(*given));
    Octstr *reason;

    memset(given, 0, (n + 1) * sizeof(*given));
    reason = check_defaults(job, names);
    if (reason == NULL)
        reason = check_recipients(job, names, given);
    gw_free(given);
    return reason;
}

void job_vars_values_clear(Octstr **values, long count)
{
    long k;

    for (k = 0; k < count; k++) {
        octstr_destroy(values[k]);
        values[k] = NULL;
    }
}

int job_vars_values(const Job *job, long i, const Recipient *r, List *names,
                    Octstr **values, Octstr **error)
{
    JobVar *var;
    Octstr *reason = NULL;
    long k, n = name_count(names);

    for (k = 0; k < n; k++)
        values[k] = NULL;
    for (k = 0; k < n && reason == NULL; k++) {
        var = job_var_find(r->vars, gwlist_get(names, k));
        if (var == NULL)
            var = job_var_find(job->vars, gwlist_get(names, k));
        if (var != NULL)
            values[k] = octstr_duplicate(var->value);
        else
            reason = missing(job, i, gwlist_get(names, k));
    }
    if (reason == NULL)
        return 0;
    job_vars_values_clear(values, n);
    *error = reason;
    return -1;
}
