/*
 * sec_mode.c - security mode names and the form of their credentials
 * (see sec_mode.h).
 */
#include "common/sec_mode.h"

#define IMSI_MIN_DIGITS 6
#define IMSI_MAX_DIGITS 15
#define PIN_MIN_DIGITS 4
#define PIN_MAX_DIGITS 16

static const char *const mode_names[] = {
    "NETWPIN", "USERPIN", "USERNETWPIN", "USERPINMAC"
};

int sec_mode_parse(Octstr *name, SecMode *mode)
{
    int i;

    if (name == NULL)
        return -1;
    if (octstr_str_case_compare(name, "NONE") == 0) {
        *mode = SEC_NONE;
        return 0;
    }
    for (i = SEC_NETWPIN; i <= SEC_USERPINMAC; i++) {
        if (octstr_str_case_compare(name, mode_names[i]) == 0) {
            *mode = (SecMode) i;
            return 0;
        }
    }
    return -1;
}

const char *sec_mode_name(SecMode mode)
{
    if (mode >= SEC_NETWPIN && mode <= SEC_USERPINMAC)
        return mode_names[mode];
    return "NONE";
}

int sec_mode_needs_pin(SecMode mode)
{
    return mode == SEC_USERPIN || mode == SEC_USERNETWPIN
           || mode == SEC_USERPINMAC;
}

int sec_mode_needs_imsi(SecMode mode)
{
    return mode == SEC_NETWPIN || mode == SEC_USERNETWPIN;
}

static int all_digits(Octstr *s)
{
    long i;

    for (i = 0; i < octstr_len(s); i++)
        if (!gw_isdigit(octstr_get_char(s, i)))
            return 0;
    return 1;
}

/* Checks a decimal credential; the message names `what`, never the value. */
static int check_digits(Octstr *value, const char *what, long min, long max,
                        Octstr **error)
{
    if (value == NULL || octstr_len(value) == 0) {
        *error = octstr_format("%s is missing", what);
        return -1;
    }
    if (!all_digits(value)) {
        *error = octstr_format("%s must be %ld-%ld decimal digits; the one "
                               "given contains other characters", what, min, max);
        return -1;
    }
    if (octstr_len(value) < min || octstr_len(value) > max) {
        *error = octstr_format("%s must be %ld-%ld decimal digits; the one "
                               "given has %ld", what, min, max, octstr_len(value));
        return -1;
    }
    return 0;
}

int sec_mode_check_credentials(SecMode mode, Octstr *pin, Octstr *imsi,
                               Octstr **error)
{
    const char *pin_name = mode == SEC_USERPINMAC ? "USERPINMAC PIN" : "PIN";

    if (sec_mode_needs_imsi(mode)
        && check_digits(imsi, "IMSI", IMSI_MIN_DIGITS, IMSI_MAX_DIGITS, error) < 0)
        return -1;
    if (sec_mode_needs_pin(mode)
        && check_digits(pin, pin_name, PIN_MIN_DIGITS, PIN_MAX_DIGITS, error) < 0)
        return -1;
    return 0;
}
