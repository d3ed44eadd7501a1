/*
 * capture.c - recognises the input of `provctl inspect` (raw PDU, SMS
 * lines, hex, fakesmsc and bearerbox access-log lines) and groups the SMS
 * it finds into pushes (see capture.h).
 */
#include <string.h>

#include "tool/capture.h"
#include "common/hex.h"

/* What one log line turned out to be. */
typedef enum {
    LINE_OTHER,       /* not a message line: ignored */
    LINE_NOT_PUSH,    /* a message, but not to port 2948: counted */
    LINE_CAPTURED,
    LINE_FAILED
} LineKind;

/* A push being collected: its segments and the parts it has. */
typedef struct Group {
    List *captures;
    Octstr *receiver;
    PushUdh key;
    unsigned char seen[256];
} Group;

static void capture_destroy(void *item)
{
    Capture *capture = item;

    push_segment_destroy(capture->segment);
    octstr_destroy(capture->receiver);
    gw_free(capture);
}

static Capture *capture_create(Octstr *udh, Octstr *payload, Octstr *receiver,
                               long line)
{
    Capture *capture = gw_malloc(sizeof(*capture));

    capture->segment = push_segment_create(udh, payload);
    capture->receiver = receiver;
    capture->line = line;
    return capture;
}

static void destroy_push(void *item)
{
    gwlist_destroy(item, capture_destroy);
}

void capture_set_destroy(CaptureSet *set)
{
    if (set == NULL)
        return;
    octstr_destroy(set->pdu);
    gwlist_destroy(set->pushes, destroy_push);
    gw_free(set);
}

/* ------------------------------------------------------------ decoding */

/* Hex digits -> bytes; NULL unless the text is an even number of them. */
static Octstr *hex_decode(Octstr *hex)
{
    Octstr *bytes;
    long i;
    int high, low;

    if (octstr_len(hex) % 2 != 0)
        return NULL;
    bytes = octstr_create("");
    for (i = 0; i < octstr_len(hex); i += 2) {
        high = hex_digit_value(octstr_get_char(hex, i));
        low = hex_digit_value(octstr_get_char(hex, i + 1));
        if (high < 0 || low < 0) {
            octstr_destroy(bytes);
            return NULL;
        }
        octstr_append_char(bytes, (high << 4) | low);
    }
    return bytes;
}

/* %XX and + (space) decoding; NULL on a broken escape. */
static Octstr *url_decode(Octstr *text)
{
    Octstr *bytes = octstr_create("");
    long i;
    int c, high, low;

    for (i = 0; i < octstr_len(text); i++) {
        c = octstr_get_char(text, i);
        if (c == '%') {
            high = hex_digit_value(octstr_get_char(text, i + 1));
            low = hex_digit_value(octstr_get_char(text, i + 2));
            if (high < 0 || low < 0) {
                octstr_destroy(bytes);
                return NULL;
            }
            c = (high << 4) | low;
            i += 2;
        } else if (c == '+') {
            c = ' ';
        }
        octstr_append_char(bytes, c);
    }
    return bytes;
}

static int is_binary(Octstr *input)
{
    long i;
    int c;

    for (i = 0; i < octstr_len(input); i++) {
        c = octstr_get_char(input, i);
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
            return 1;
    }
    return 0;
}

/* The input's lines without their CR/LF, blank lines kept for numbering. */
static List *input_lines(Octstr *input)
{
    List *lines = gwlist_create();
    long start = 0, end;
    Octstr *line;

    while (start < octstr_len(input)) {
        end = octstr_search_char(input, '\n', start);
        if (end < 0)
            end = octstr_len(input);
        line = octstr_copy(input, start, end - start);
        if (octstr_get_char(line, octstr_len(line) - 1) == '\r')
            octstr_truncate(line, octstr_len(line) - 1);
        gwlist_append(lines, line);
        start = end + 1;
    }
    return lines;
}

static int is_push_udh(Octstr *udh)
{
    PushUdh info;
    Octstr *error = NULL;
    int parsed = push_udh_parse(udh, &info, &error) == 0;

    octstr_destroy(error);
    return !parsed || info.dest_port == PUSH_PORT_DEST;
}

/* ----------------------------------------------------- SMS lines, hex */

/* "UDHHEX PAYLOADHEX" with a UDH whose length byte fits, or NULL. */
static Capture *sms_line_capture(Octstr *line, long number)
{
    List *words = octstr_split_words(line);
    Octstr *udh = NULL, *payload = NULL;
    Capture *capture = NULL;

    if (gwlist_len(words) == 2) {
        udh = hex_decode(gwlist_get(words, 0));
        payload = hex_decode(gwlist_get(words, 1));
    }
    if (udh != NULL && payload != NULL && octstr_len(udh) > 0
        && octstr_get_char(udh, 0) == octstr_len(udh) - 1) {
        capture = capture_create(udh, payload, NULL, number);
    } else {
        octstr_destroy(udh);
        octstr_destroy(payload);
    }
    gwlist_destroy(words, octstr_destroy_item);
    return capture;
}

/* All non-blank lines are SMS lines (at least one): their captures. */
static List *read_sms_lines(List *lines)
{
    List *captures = gwlist_create();
    Octstr *line;
    Capture *capture;
    long i;

    for (i = 0; i < gwlist_len(lines); i++) {
        line = octstr_duplicate(gwlist_get(lines, i));
        octstr_strip_blanks(line);
        if (octstr_len(line) == 0) {
            octstr_destroy(line);
            continue;
        }
        capture = sms_line_capture(line, i + 1);
        octstr_destroy(line);
        if (capture == NULL) {
            gwlist_destroy(captures, capture_destroy);
            return NULL;
        }
        gwlist_append(captures, capture);
    }
    if (gwlist_len(captures) == 0) {
        gwlist_destroy(captures, NULL);
        return NULL;
    }
    return captures;
}

/* The whole input as hex digits with whitespace ignored, or NULL. */
static Octstr *read_hex(Octstr *input)
{
    Octstr *digits = octstr_create(""), *bytes;
    long i;
    int c;

    for (i = 0; i < octstr_len(input); i++) {
        c = octstr_get_char(input, i);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            octstr_append_char(digits, c);
    }
    bytes = octstr_len(digits) ? hex_decode(digits) : NULL;
    octstr_destroy(digits);
    return bytes;
}

/* ---------------------------------------------------------------- logs */

/* The text between "[tag" and the next "]", or NULL. */
static Octstr *bracket_field(Octstr *line, const char *tag)
{
    long start = octstr_search(line, octstr_imm(tag), 0), end;

    if (start < 0)
        return NULL;
    start += strlen(tag);
    end = octstr_search_char(line, ']', start);
    return end < 0 ? NULL : octstr_copy(line, start, end - start);
}

/* "[name:LEN:HEX]" -> the bytes, checked against LEN; NULL otherwise. */
static Octstr *access_log_bytes(Octstr *line, const char *tag)
{
    Octstr *field = bracket_field(line, tag), *hex, *bytes = NULL;
    long colon, length;

    if (field == NULL)
        return NULL;
    colon = octstr_search_char(field, ':', 0);
    if (colon > 0 && octstr_parse_long(&length, field, 0, 10) == colon) {
        hex = octstr_copy(field, colon + 1, octstr_len(field));
        bytes = hex_decode(hex);
        octstr_destroy(hex);
        if (bytes != NULL && octstr_len(bytes) != length) {
            octstr_destroy(bytes);
            bytes = NULL;
        }
    }
    octstr_destroy(field);
    return bytes;
}

static LineKind access_log_line(Octstr *line, long number, List *captures,
                                Octstr **error)
{
    Octstr *udh = access_log_bytes(line, "[udh:"), *msg;

    if (udh == NULL || octstr_len(udh) == 0 || !is_push_udh(udh)) {
        octstr_destroy(udh);
        return LINE_NOT_PUSH;
    }
    msg = access_log_bytes(line, "[msg:");
    if (msg == NULL) {
        *error = octstr_format("line %ld: an access-log line for port %d "
                               "whose [msg:] is not hex: was it logged with "
                               "8-bit coding?", number, PUSH_PORT_DEST);
        octstr_destroy(udh);
        return LINE_FAILED;
    }
    gwlist_append(captures, capture_create(udh, msg,
                                           bracket_field(line, "[to:"), number));
    return LINE_CAPTURED;
}

/* fakesmsc: "sender receiver udh U data D" or "sender receiver udh U D". */
static LineKind fakesmsc_message(List *words, long number, List *captures,
                                 Octstr **error)
{
    long n = gwlist_len(words), data_at;
    Octstr *udh, *data;

    if (n < 3 || octstr_str_compare(gwlist_get(words, 2), "udh") != 0)
        return LINE_NOT_PUSH;
    data_at = n > 5 && octstr_str_compare(gwlist_get(words, 4), "data") == 0
              ? 5 : 4;
    if (n <= data_at) {
        *error = octstr_format("line %ld: fakesmsc message with a udh but no "
                               "data", number);
        return LINE_FAILED;
    }
    udh = url_decode(gwlist_get(words, 3));
    data = url_decode(gwlist_get(words, data_at));
    if (udh == NULL || data == NULL) {
        *error = octstr_format("line %ld: broken %%-escape in the fakesmsc "
                               "%s", number, udh == NULL ? "udh" : "data");
        octstr_destroy(udh);
        octstr_destroy(data);
        return LINE_FAILED;
    }
    if (!is_push_udh(udh)) {
        octstr_destroy(udh);
        octstr_destroy(data);
        return LINE_NOT_PUSH;
    }
    gwlist_append(captures, capture_create(udh, data,
                  octstr_duplicate(gwlist_get(words, 1)), number));
    return LINE_CAPTURED;
}

/* The message of a "Got message N: <...>" line, or the line itself. */
static Octstr *fakesmsc_text(Octstr *line)
{
    long got = octstr_search(line, octstr_imm("Got message "), 0), start;

    if (got < 0)
        return octstr_duplicate(line);
    start = octstr_search(line, octstr_imm(": <"), got);
    if (start < 0 || octstr_get_char(line, octstr_len(line) - 1) != '>')
        return octstr_duplicate(line);
    return octstr_copy(line, start + 3, octstr_len(line) - start - 4);
}

static LineKind fakesmsc_line(Octstr *line, long number, List *captures,
                              Octstr **error)
{
    Octstr *text = fakesmsc_text(line);
    List *words = octstr_split_words(text);
    LineKind kind = LINE_OTHER;
    Octstr *type = gwlist_len(words) >= 3 ? gwlist_get(words, 2) : NULL;

    if (type != NULL && (octstr_str_compare(type, "udh") == 0
                         || octstr_str_compare(type, "data") == 0
                         || octstr_str_compare(type, "text") == 0
                         || octstr_str_compare(type, "ucs-2") == 0))
        kind = fakesmsc_message(words, number, captures, error);
    gwlist_destroy(words, octstr_destroy_item);
    octstr_destroy(text);
    return kind;
}

static LineKind log_line(Octstr *line, long number, List *captures,
                         Octstr **error)
{
    if (octstr_search(line, octstr_imm("[udh:"), 0) >= 0
        && octstr_search(line, octstr_imm("[msg:"), 0) >= 0)
        return access_log_line(line, number, captures, error);
    return fakesmsc_line(line, number, captures, error);
}

/* Captures from every log line; NULL + *error on a broken one. */
static List *read_log_lines(List *lines, long *skipped, Octstr **error)
{
    List *captures = gwlist_create();
    long i;

    for (i = 0; i < gwlist_len(lines); i++) {
        switch (log_line(gwlist_get(lines, i), i + 1, captures, error)) {
        case LINE_FAILED:
            gwlist_destroy(captures, capture_destroy);
            return NULL;
        case LINE_NOT_PUSH:
            ++*skipped;
            break;
        default:
            break;
        }
    }
    return captures;
}

/* ------------------------------------------------------------ grouping */

static int same_receiver(Octstr *a, Octstr *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return octstr_compare(a, b) == 0;
}

static int group_accepts(const Group *g, const Capture *c, const PushUdh *u)
{
    return u->concat_bits != 0 && g->key.concat_bits == u->concat_bits
           && g->key.ref == u->ref && g->key.total == u->total
           && !g->seen[u->seq] && same_receiver(g->receiver, c->receiver);
}

static Group *group_create(List *groups, Capture *c, const PushUdh *u)
{
    Group *g = gw_malloc(sizeof(*g));

    g->captures = gwlist_create();
    g->receiver = c->receiver;
    g->key = *u;
    memset(g->seen, 0, sizeof(g->seen));
    gwlist_append(groups, g);
    return g;
}

/* Segments that do not parse form a push of their own, so the error shows. */
static void add_to_group(List *groups, Capture *c)
{
    PushUdh u;
    Octstr *error = NULL;
    Group *g = NULL;
    long i;

    if (push_udh_parse(c->segment->udh, &u, &error) < 0)
        u.concat_bits = 0;
    octstr_destroy(error);
    for (i = 0; g == NULL && i < gwlist_len(groups); i++)
        if (group_accepts(gwlist_get(groups, i), c, &u))
            g = gwlist_get(groups, i);
    if (g == NULL)
        g = group_create(groups, c, &u);
    if (u.concat_bits != 0)
        g->seen[u.seq] = 1;
    gwlist_append(g->captures, c);
}

/* List of Capture* -> List of pushes (List of Capture*); takes the items. */
static List *group_pushes(List *captures)
{
    List *groups = gwlist_create(), *pushes = gwlist_create();
    Capture *c;
    Group *g;

    while ((c = gwlist_extract_first(captures)) != NULL)
        add_to_group(groups, c);
    while ((g = gwlist_extract_first(groups)) != NULL) {
        gwlist_append(pushes, g->captures);
        gw_free(g);
    }
    gwlist_destroy(groups, NULL);
    gwlist_destroy(captures, NULL);
    return pushes;
}

/* --------------------------------------------------------------- entry */

static CaptureSet *capture_set_create(const char *format)
{
    CaptureSet *set = gw_malloc(sizeof(*set));

    set->format = format;
    set->pdu = NULL;
    set->pushes = NULL;
    set->skipped = 0;
    return set;
}

static CaptureSet *read_text(Octstr *input, Octstr **error)
{
    List *lines = input_lines(input);
    List *captures = read_sms_lines(lines);
    Octstr *pdu = NULL;
    CaptureSet *set;

    if (captures != NULL) {
        set = capture_set_create("SMS lines");
    } else if ((pdu = read_hex(input)) != NULL) {
        set = capture_set_create("hex PDU");
        set->pdu = pdu;
    } else {
        set = capture_set_create("log lines");
        captures = read_log_lines(lines, &set->skipped, error);
        if (captures == NULL) {
            capture_set_destroy(set);
            set = NULL;
        }
    }
    if (captures != NULL)
        set->pushes = group_pushes(captures);
    gwlist_destroy(lines, octstr_destroy_item);
    return set;
}

CaptureSet *capture_read(Octstr *input, Octstr **error)
{
    CaptureSet *set;

    if (is_binary(input)) {
        set = capture_set_create("raw PDU");
        set->pdu = octstr_duplicate(input);
        return set;
    }
    set = read_text(input, error);
    if (set != NULL && set->pdu == NULL && gwlist_len(set->pushes) == 0) {
        *error = octstr_format("no WAP push found (%ld messages without a "
                               "UDH for port %d); inspect reads a raw or hex "
                               "PDU, `provctl compile --format sms` lines, "
                               "fakesmsc lines or bearerbox access-log lines "
                               "with [msg:] and [udh:]", set->skipped,
                               PUSH_PORT_DEST);
        capture_set_destroy(set);
        return NULL;
    }
    return set;
}
