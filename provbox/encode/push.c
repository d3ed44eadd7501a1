/*
 * push.c - the sending side of push.h: a signed WBXML document becomes a
 * WSP connectionless Push PDU, and the PDU becomes WDP-over-SMS segments
 * (port IE 2948/9200 in every segment, 8- or 16-bit concatenation IE when
 * there is more than one). The parse side is push_parse.c.
 */
#include "encode/push.h"

#define WSP_PDU_PUSH            0x06
#define WSP_CT_CONNECTIVITY     0xB6   /* 0x36 | 0x80 */
#define WSP_PARAM_SEC           0x91   /* 0x11 | 0x80 */
#define WSP_PARAM_MAC           0x92   /* 0x12 | 0x80 */
#define WSP_SHORT_LENGTH_MAX    30
#define WSP_LENGTH_QUOTE        0x1F

#define SMS_MAX_OCTETS          140
#define IEI_CONCAT_8BIT         0x00
#define IEI_CONCAT_16BIT        0x08
#define IEI_PORTS_16BIT         0x05

/* Media type and parameters: B6 [91 8s [92 hex 00]]. */
static Octstr *content_type_value(const Signature *sig)
{
    Octstr *value = octstr_create("");

    octstr_append_char(value, WSP_CT_CONNECTIVITY);
    octstr_append_char(value, WSP_PARAM_SEC);
    octstr_append_char(value, 0x80 | sig->mode);
    if (sig->mac_hex != NULL) {
        octstr_append_char(value, WSP_PARAM_MAC);
        octstr_append(value, sig->mac_hex);
        octstr_append_char(value, 0x00);
    }
    return value;
}

/* Content-Type in general form: Value-length (short or 1F uintvar) + value. */
static Octstr *signed_content_type(const Signature *sig)
{
    Octstr *value = content_type_value(sig);
    Octstr *field = octstr_create("");

    if (octstr_len(value) > WSP_SHORT_LENGTH_MAX) {
        octstr_append_char(field, WSP_LENGTH_QUOTE);
        octstr_append_uintvar(field, octstr_len(value));
    } else {
        octstr_append_char(field, octstr_len(value));
    }
    octstr_append(field, value);
    octstr_destroy(value);
    return field;
}

Octstr *push_pdu_build(Octstr *wbxml, const Signature *sig, int tid)
{
    Octstr *pdu, *headers;

    gw_assert(tid >= 0 && tid <= 0xFF);
    if (sig == NULL || sig->mode == SEC_NONE) {
        headers = octstr_create("");
        octstr_append_char(headers, WSP_CT_CONNECTIVITY);
    } else {
        headers = signed_content_type(sig);
    }
    pdu = octstr_create("");
    octstr_append_char(pdu, tid);
    octstr_append_char(pdu, WSP_PDU_PUSH);
    octstr_append_uintvar(pdu, octstr_len(headers));
    octstr_append(pdu, headers);
    octstr_append(pdu, wbxml);
    octstr_destroy(headers);
    return pdu;
}

PushSegment *push_segment_create(Octstr *udh, Octstr *payload)
{
    PushSegment *segment = gw_malloc(sizeof(*segment));

    segment->udh = udh;
    segment->payload = payload;
    return segment;
}

void push_segment_destroy(void *segment)
{
    PushSegment *s = segment;

    if (s == NULL)
        return;
    octstr_destroy(s->udh);
    octstr_destroy(s->payload);
    gw_free(s);
}

static void append_port_ie(Octstr *udh, long dest_port, long src_port)
{
    octstr_append_char(udh, IEI_PORTS_16BIT);
    octstr_append_char(udh, 4);
    octstr_append_char(udh, (dest_port >> 8) & 0xFF);
    octstr_append_char(udh, dest_port & 0xFF);
    octstr_append_char(udh, (src_port >> 8) & 0xFF);
    octstr_append_char(udh, src_port & 0xFF);
}

static void append_concat_ie(Octstr *udh, long ref, int ref_16bit,
                             long total, long seq)
{
    if (ref_16bit) {
        octstr_append_char(udh, IEI_CONCAT_16BIT);
        octstr_append_char(udh, 4);
        octstr_append_char(udh, (ref >> 8) & 0xFF);
    } else {
        octstr_append_char(udh, IEI_CONCAT_8BIT);
        octstr_append_char(udh, 3);
    }
    octstr_append_char(udh, ref & 0xFF);
    octstr_append_char(udh, total);
    octstr_append_char(udh, seq);
}

/* UDHL byte + port IE [+ concatenation IE when total > 1]. */
static Octstr *segment_udh(long dest_port, long src_port, long ref,
                           int ref_16bit, long total, long seq)
{
    Octstr *udh = octstr_create("");

    octstr_append_char(udh, 0);
    append_port_ie(udh, dest_port, src_port);
    if (total > 1)
        append_concat_ie(udh, ref, ref_16bit, total, seq);
    octstr_set_char(udh, 0, octstr_len(udh) - 1);
    return udh;
}

/* Payload octets per segment: 140 minus the whole UDH. */
static long segment_capacity(int concatenated, int ref_16bit)
{
    Octstr *udh = segment_udh(PUSH_PORT_DEST, PUSH_PORT_SRC, 0, ref_16bit,
                              concatenated ? 2 : 1, 1);
    long capacity = SMS_MAX_OCTETS - octstr_len(udh);

    octstr_destroy(udh);
    return capacity;
}

static int check_split_arguments(long ref, int ref_16bit, long max_segments,
                                 Octstr **error)
{
    long max_ref = ref_16bit ? 0xFFFF : 0xFF;

    if (max_segments < 1 || max_segments > PUSH_MAX_SEGMENTS_LIMIT) {
        *error = octstr_format("max-segments is %ld; it must be 1-%d",
                               max_segments, PUSH_MAX_SEGMENTS_LIMIT);
        return -1;
    }
    if (ref < 0 || ref > max_ref) {
        *error = octstr_format("concatenation reference %ld is outside "
                               "0-%ld", ref, max_ref);
        return -1;
    }
    return 0;
}

List *push_split(Octstr *pdu, long ref, int ref_16bit, long max_segments,
                 Octstr **error)
{
    return push_split_ports(pdu, PUSH_PORT_DEST, PUSH_PORT_SRC, ref, ref_16bit,
                            max_segments, error);
}

List *push_split_ports(Octstr *pdu, long dest_port, long src_port, long ref,
                       int ref_16bit, long max_segments, Octstr **error)
{
    List *segments;
    long capacity, total, seq, len = octstr_len(pdu);

    if (check_split_arguments(ref, ref_16bit, max_segments, error) < 0)
        return NULL;
    if (len <= segment_capacity(0, ref_16bit)) {
        total = 1;
        capacity = len;
    } else {
        capacity = segment_capacity(1, ref_16bit);
        total = (len + capacity - 1) / capacity;
    }
    if (total > max_segments) {
        *error = octstr_format("document needs %ld segments, max-segments "
                               "is %ld", total, max_segments);
        return NULL;
    }
    segments = gwlist_create();
    for (seq = 1; seq <= total; seq++)
        gwlist_append(segments, push_segment_create(
            segment_udh(dest_port, src_port, ref, ref_16bit, total, seq),
            octstr_copy(pdu, (seq - 1) * capacity, capacity)));
    return segments;
}
