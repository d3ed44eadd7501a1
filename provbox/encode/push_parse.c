/*
 * push_parse.c - the receiving side of push.h, behind `provctl inspect`:
 * UDH parsing, reassembly of SMS segments and WSP Push PDU decoding.
 *
 * Input comes from captures and logs, so nothing is trusted: every length
 * is checked against the bytes that are really there before it is used,
 * and each failure is reported with the offset or segment it concerns.
 */
#include "encode/push.h"

#define WSP_PDU_PUSH        0x06
#define WSP_PARAM_SEC       0x11
#define WSP_PARAM_MAC       0x12
#define WSP_SHORT_LENGTH_MAX 30
#define WSP_LENGTH_QUOTE    0x1F
#define WSP_QUOTE           0x22

#define IEI_CONCAT_8BIT     0x00
#define IEI_PORTS_8BIT      0x04
#define IEI_PORTS_16BIT     0x05
#define IEI_CONCAT_16BIT    0x08

/* ---------------------------------------------------------------- UDH */

static int parse_concat_ie(Octstr *udh, long pos, long len, int bits,
                           PushUdh *out, Octstr **error)
{
    if (out->concat_bits != 0) {
        *error = octstr_format("UDH has two concatenation IEs");
        return -1;
    }
    if (len != (bits == 8 ? 3 : 4)) {
        *error = octstr_format("%d-bit concatenation IE has length %ld, "
                               "not %d", bits, len, bits == 8 ? 3 : 4);
        return -1;
    }
    out->concat_bits = bits;
    out->ref = octstr_get_char(udh, pos);
    if (bits == 16)
        out->ref = (out->ref << 8) | octstr_get_char(udh, ++pos);
    out->total = octstr_get_char(udh, pos + 1);
    out->seq = octstr_get_char(udh, pos + 2);
    if (out->total == 0 || out->seq == 0 || out->seq > out->total) {
        *error = octstr_format("concatenation IE says part %ld of %ld",
                               out->seq, out->total);
        return -1;
    }
    return 0;
}

static int parse_ports_ie(Octstr *udh, long pos, long len, int bits,
                          PushUdh *out, Octstr **error)
{
    if (out->dest_port != -1) {
        *error = octstr_format("UDH has two port addressing IEs");
        return -1;
    }
    if (len != (bits == 8 ? 2 : 4)) {
        *error = octstr_format("%d-bit port IE has length %ld, not %d",
                               bits, len, bits == 8 ? 2 : 4);
        return -1;
    }
    if (bits == 8) {
        out->dest_port = octstr_get_char(udh, pos);
        out->src_port = octstr_get_char(udh, pos + 1);
    } else {
        out->dest_port = (octstr_get_char(udh, pos) << 8)
                         | octstr_get_char(udh, pos + 1);
        out->src_port = (octstr_get_char(udh, pos + 2) << 8)
                        | octstr_get_char(udh, pos + 3);
    }
    return 0;
}

static int parse_ie(Octstr *udh, int iei, long pos, long len, PushUdh *out,
                    Octstr **error)
{
    switch (iei) {
    case IEI_CONCAT_8BIT:
        return parse_concat_ie(udh, pos, len, 8, out, error);
    case IEI_CONCAT_16BIT:
        return parse_concat_ie(udh, pos, len, 16, out, error);
    case IEI_PORTS_8BIT:
        return parse_ports_ie(udh, pos, len, 8, out, error);
    case IEI_PORTS_16BIT:
        return parse_ports_ie(udh, pos, len, 16, out, error);
    default:
        return 0;   /* other IEs do not concern a push */
    }
}

int push_udh_parse(Octstr *udh, PushUdh *out, Octstr **error)
{
    long pos, ie_len, len = octstr_len(udh);
    int iei;

    out->dest_port = out->src_port = -1;
    out->concat_bits = 0;
    out->ref = out->total = out->seq = 0;
    if (len == 0 || octstr_get_char(udh, 0) != len - 1) {
        *error = octstr_format("UDH length byte says %d octets, %ld follow",
                               len ? octstr_get_char(udh, 0) : 0,
                               len ? len - 1 : 0);
        return -1;
    }
    for (pos = 1; pos < len; pos += 2 + ie_len) {
        iei = octstr_get_char(udh, pos);
        ie_len = octstr_get_char(udh, pos + 1);
        if (ie_len < 0 || pos + 2 + ie_len > len) {
            *error = octstr_format("UDH IE 0x%02X at offset %ld runs past "
                                   "the end of the UDH", iei, pos);
            return -1;
        }
        if (parse_ie(udh, iei, pos + 2, ie_len, out, error) < 0)
            return -1;
    }
    return 0;
}

/* --------------------------------------------------------- reassembly */

static int check_push_ports(const PushUdh *udh, long index, Octstr **error)
{
    if (udh->dest_port == -1) {
        *error = octstr_format("segment %ld: no port addressing IE, so "
                               "not a WAP push", index + 1);
        return -1;
    }
    if (udh->dest_port != PUSH_PORT_DEST) {
        *error = octstr_format("segment %ld: destination port %ld, not %d "
                               "(WAP push)", index + 1, udh->dest_port,
                               PUSH_PORT_DEST);
        return -1;
    }
    return 0;
}

/* Parse every UDH; all must address port 2948. Returns a new array. */
static PushUdh *parse_all_udhs(List *segments, Octstr **error)
{
    long i, n = gwlist_len(segments);
    PushUdh *udhs = gw_malloc(n * sizeof(*udhs));
    PushSegment *segment;
    Octstr *cause = NULL;

    for (i = 0; i < n; i++) {
        segment = gwlist_get(segments, i);
        if (push_udh_parse(segment->udh, &udhs[i], &cause) < 0) {
            *error = octstr_format("segment %ld: %S", i + 1, cause);
            octstr_destroy(cause);
            gw_free(udhs);
            return NULL;
        }
        if (check_push_ports(&udhs[i], i, error) < 0) {
            gw_free(udhs);
            return NULL;
        }
    }
    return udhs;
}

/* All segments must carry the same kind of reference, reference and total. */
static int check_same_message(const PushUdh *udhs, long n, Octstr **error)
{
    long i;

    for (i = 0; i < n; i++) {
        if (udhs[i].concat_bits == 0) {
            *error = octstr_format("segment %ld has no concatenation IE but "
                                   "%ld segments were given", i + 1, n);
            return -1;
        }
        if (udhs[i].concat_bits != udhs[0].concat_bits
            || udhs[i].ref != udhs[0].ref || udhs[i].total != udhs[0].total) {
            *error = octstr_format("segment %ld (%d-bit reference %ld, %ld "
                                   "parts) does not belong with segment 1 "
                                   "(%d-bit reference %ld, %ld parts)", i + 1,
                                   udhs[i].concat_bits, udhs[i].ref,
                                   udhs[i].total, udhs[0].concat_bits,
                                   udhs[0].ref, udhs[0].total);
            return -1;
        }
    }
    return 0;
}

/* Put segments in sequence order; every part exactly once. */
static PushSegment **order_segments(List *segments, const PushUdh *udhs,
                                    Octstr **error)
{
    long i, total = udhs[0].total, n = gwlist_len(segments);
    PushSegment **slots = gw_malloc(total * sizeof(*slots));

    for (i = 0; i < total; i++)
        slots[i] = NULL;
    for (i = 0; i < n; i++) {
        if (slots[udhs[i].seq - 1] != NULL) {
            *error = octstr_format("part %ld of %ld appears twice",
                                   udhs[i].seq, total);
            gw_free(slots);
            return NULL;
        }
        slots[udhs[i].seq - 1] = gwlist_get(segments, i);
    }
    for (i = 0; i < total; i++) {
        if (slots[i] == NULL) {
            *error = octstr_format("part %ld of %ld is missing (%ld of %ld "
                                   "parts present)", i + 1, total, n, total);
            gw_free(slots);
            return NULL;
        }
    }
    return slots;
}

static Octstr *join_parts(List *segments, const PushUdh *udhs, Octstr **error)
{
    PushSegment **slots;
    Octstr *pdu;
    long i;

    if (check_same_message(udhs, gwlist_len(segments), error) < 0)
        return NULL;
    slots = order_segments(segments, udhs, error);
    if (slots == NULL)
        return NULL;
    pdu = octstr_create("");
    for (i = 0; i < udhs[0].total; i++)
        octstr_append(pdu, slots[i]->payload);
    gw_free(slots);
    return pdu;
}

Octstr *push_reassemble(List *segments, Octstr **error)
{
    PushUdh *udhs;
    Octstr *pdu;

    if (segments == NULL || gwlist_len(segments) == 0) {
        *error = octstr_create("no segments");
        return NULL;
    }
    udhs = parse_all_udhs(segments, error);
    if (udhs == NULL)
        return NULL;
    if (gwlist_len(segments) == 1 && udhs[0].concat_bits == 0)
        pdu = octstr_duplicate(((PushSegment *) gwlist_get(segments, 0))->payload);
    else
        pdu = join_parts(segments, udhs, error);
    gw_free(udhs);
    return pdu;
}

/* ---------------------------------------------------------- WSP PDU */

/* Reads one octet at *pos (< end) or fails naming what was expected. */
static int take_octet(Octstr *pdu, long *pos, long end, const char *what,
                      Octstr **error)
{
    if (*pos >= end) {
        *error = octstr_format("offset %ld: the PDU ends where %s should be",
                               *pos, what);
        return -1;
    }
    return octstr_get_char(pdu, (*pos)++);
}

/* A uintvar: up to 5 octets of 7 bits, high bit set on all but the last. */
static int take_uintvar(Octstr *pdu, long *pos, long end, const char *what,
                        unsigned long *value, Octstr **error)
{
    long start = *pos;
    int c, count;

    for (*value = 0, count = 0; count < 5; count++) {
        c = take_octet(pdu, pos, end, what, error);
        if (c < 0)
            return -1;
        *value = (*value << 7) | (c & 0x7F);
        if (!(c & 0x80))
            return 0;
    }
    *error = octstr_format("offset %ld: %s is not a valid uintvar", start,
                           what);
    return -1;
}

/* A NUL-terminated text before end; returns it without the NUL. */
static Octstr *take_text(Octstr *pdu, long *pos, long end, const char *what,
                         Octstr **error)
{
    long nul = octstr_search_char(pdu, 0, *pos);
    Octstr *text;

    if (nul < 0 || nul >= end) {
        *error = octstr_format("offset %ld: %s has no terminating NUL",
                               *pos, what);
        return NULL;
    }
    text = octstr_copy(pdu, *pos, nul - *pos);
    *pos = nul + 1;
    return text;
}

/* Value-length: a short length (0-30) or 1F + uintvar; must fit before end. */
static int take_value_length(Octstr *pdu, long *pos, long end,
                             const char *what, long *length, Octstr **error)
{
    unsigned long value;
    int c = take_octet(pdu, pos, end, what, error);

    if (c < 0)
        return -1;
    if (c == WSP_LENGTH_QUOTE) {
        if (take_uintvar(pdu, pos, end, what, &value, error) < 0)
            return -1;
    } else {
        value = c;
    }
    if (value > (unsigned long) (end - *pos)) {
        *error = octstr_format("offset %ld: %s says %lu octets, only %ld "
                               "remain", *pos, what, value, end - *pos);
        return -1;
    }
    *length = value;
    return 0;
}

/* Integer-value: Short-integer (80-FF) or Long-integer (length 1-8 + bytes). */
static int take_integer(Octstr *pdu, long *pos, long end, const char *what,
                        unsigned long *value, Octstr **error)
{
    int c = take_octet(pdu, pos, end, what, error);
    long i;

    if (c < 0)
        return -1;
    if (c & 0x80) {
        *value = c & 0x7F;
        return 0;
    }
    if (c == 0 || c > 8 || c > end - *pos) {
        *error = octstr_format("offset %ld: %s is not a valid integer",
                               *pos - 1, what);
        return -1;
    }
    for (*value = 0, i = 0; i < c; i++)
        *value = (*value << 8) | octstr_get_char(pdu, (*pos)++);
    return 0;
}

/* Skips any WSP value: short integer, length-prefixed data or text. */
static int skip_value(Octstr *pdu, long *pos, long end, Octstr **error)
{
    int c;
    long length;
    Octstr *text;

    if (*pos >= end) {
        *error = octstr_format("offset %ld: a parameter has no value", *pos);
        return -1;
    }
    c = octstr_get_char(pdu, *pos);
    if (c & 0x80) {
        (*pos)++;
    } else if (c <= WSP_LENGTH_QUOTE) {
        if (take_value_length(pdu, pos, end, "a value length", &length,
                              error) < 0)
            return -1;
        *pos += length;
    } else {
        text = take_text(pdu, pos, end, "a text value", error);
        if (text == NULL)
            return -1;
        octstr_destroy(text);
    }
    return 0;
}

static int take_sec(Octstr *pdu, long *pos, long end, PushInfo *info,
                    Octstr **error)
{
    unsigned long value;

    if (take_integer(pdu, pos, end, "the SEC value", &value, error) < 0)
        return -1;
    if (value > SEC_USERPINMAC) {
        *error = octstr_format("offset %ld: SEC value %lu is not a known "
                               "security mode (0-3)", *pos - 1, value);
        return -1;
    }
    info->sec = (SecMode) value;
    return 0;
}

/* MAC is a Text-value: No-value (00), or text with an optional quote. */
static int take_mac(Octstr *pdu, long *pos, long end, PushInfo *info,
                    Octstr **error)
{
    if (*pos < end && octstr_get_char(pdu, *pos) == WSP_QUOTE)
        (*pos)++;
    octstr_destroy(info->mac_hex);
    info->mac_hex = take_text(pdu, pos, end, "the MAC value", error);
    return info->mac_hex == NULL ? -1 : 0;
}

/* One parameter: well-known (SEC, MAC or skipped) or untyped (skipped). */
static int take_parameter(Octstr *pdu, long *pos, long end, PushInfo *info,
                          Octstr **error)
{
    unsigned long token;
    Octstr *name;
    int c = octstr_get_char(pdu, *pos);

    if (c >= 0x20 && c < 0x80) {
        name = take_text(pdu, pos, end, "a parameter name", error);
        if (name == NULL)
            return -1;
        octstr_destroy(name);
        return skip_value(pdu, pos, end, error);
    }
    if (take_integer(pdu, pos, end, "a parameter token", &token, error) < 0)
        return -1;
    if (token == WSP_PARAM_SEC)
        return take_sec(pdu, pos, end, info, error);
    if (token == WSP_PARAM_MAC)
        return take_mac(pdu, pos, end, info, error);
    return skip_value(pdu, pos, end, error);
}

static Octstr *media_name(unsigned long code)
{
    static const struct { unsigned long code; const char *name; } known[] = {
        { 0x2E, "application/vnd.wap.sic" },
        { 0x30, "application/vnd.wap.slc" },
        { 0x35, "text/vnd.wap.connectivity-xml" },
        { 0x36, "application/vnd.wap.connectivity-wbxml" },
        { 0x42, "application/vnd.syncml.dm+wbxml" },
        { 0x44, "application/vnd.syncml.notification" },
    };
    size_t i;

    for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (known[i].code == code)
            return octstr_create(known[i].name);
    return octstr_format("well-known media type 0x%02lX", code);
}

/* Media-type: a well-known integer or an extension text. */
static Octstr *take_media(Octstr *pdu, long *pos, long end, Octstr **error)
{
    unsigned long code;
    int c;

    if (*pos >= end) {
        *error = octstr_format("offset %ld: Content-Type has no media type",
                               *pos);
        return NULL;
    }
    c = octstr_get_char(pdu, *pos);
    if (c >= 0x20 && c < 0x80)
        return take_text(pdu, pos, end, "the media type", error);
    if (take_integer(pdu, pos, end, "the media type", &code, error) < 0)
        return NULL;
    return media_name(code);
}

/* Content-Type: constrained form (short integer or text) or general form. */
static int take_content_type(Octstr *pdu, long *pos, long end,
                             PushInfo *info, Octstr **error)
{
    long length, value_end;
    int c;

    if (*pos >= end) {
        *error = octstr_format("offset %ld: the headers are empty; a push "
                               "starts with its Content-Type", *pos);
        return -1;
    }
    c = octstr_get_char(pdu, *pos);
    if (c > WSP_LENGTH_QUOTE) {
        info->content_type = take_media(pdu, pos, end, error);
        return info->content_type == NULL ? -1 : 0;
    }
    if (take_value_length(pdu, pos, end, "the Content-Type length", &length,
                          error) < 0)
        return -1;
    value_end = *pos + length;
    info->content_type = take_media(pdu, pos, value_end, error);
    if (info->content_type == NULL)
        return -1;
    while (*pos < value_end)
        if (take_parameter(pdu, pos, value_end, info, error) < 0)
            return -1;
    return 0;
}

static PushInfo *push_info_create(void)
{
    PushInfo *info = gw_malloc(sizeof(*info));

    info->tid = -1;
    info->pdu_type = -1;
    info->content_type = NULL;
    info->sec = SEC_NONE;
    info->mac_hex = NULL;
    info->headers_hex = NULL;
    info->body = NULL;
    return info;
}

static int take_pdu(Octstr *pdu, PushInfo *info, Octstr **error)
{
    long pos = 0, end = octstr_len(pdu), headers_start;
    unsigned long headers_len;

    if ((info->tid = take_octet(pdu, &pos, end, "the TID", error)) < 0
        || (info->pdu_type = take_octet(pdu, &pos, end, "the PDU type", error)) < 0)
        return -1;
    if (info->pdu_type != WSP_PDU_PUSH) {
        *error = octstr_format("offset 1: PDU type 0x%02X is not a WSP Push "
                               "(0x06)", info->pdu_type);
        return -1;
    }
    if (take_uintvar(pdu, &pos, end, "the header length", &headers_len,
                     error) < 0)
        return -1;
    if (headers_len > (unsigned long) (end - pos)) {
        *error = octstr_format("offset 2: header length %lu is longer than "
                               "the %ld octets that follow", headers_len,
                               end - pos);
        return -1;
    }
    headers_start = pos;
    if (take_content_type(pdu, &pos, headers_start + headers_len, info,
                          error) < 0)
        return -1;
    info->headers_hex = octstr_copy(pdu, headers_start, headers_len);
    octstr_binary_to_hex(info->headers_hex, 1);
    info->body = octstr_copy(pdu, headers_start + headers_len, end);
    if (octstr_len(info->body) == 0) {
        *error = octstr_format("the PDU ends after its headers: no document");
        return -1;
    }
    return 0;
}

PushInfo *push_pdu_parse(Octstr *pdu, Octstr **error)
{
    PushInfo *info = push_info_create();

    if (take_pdu(pdu, info, error) < 0) {
        push_info_destroy(info);
        return NULL;
    }
    return info;
}

void push_info_destroy(PushInfo *info)
{
    if (info == NULL)
        return;
    octstr_destroy(info->content_type);
    octstr_destroy(info->mac_hex);
    octstr_destroy(info->headers_hex);
    octstr_destroy(info->body);
    gw_free(info);
}
