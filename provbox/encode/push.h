/*
 * push.h - WSP connectionless push and WDP-over-SMS segmentation.
 *
 * push_pdu_build() wraps a WBXML document into a WSP Push PDU:
 *   TID 06 HdrLen Content-Type(application/vnd.wap.connectivity-wbxml
 *   [; SEC=n; MAC=hex]) body
 * push_split() cuts a PDU into SMS segments, each a UDH (with UDHL byte,
 * the 16-bit port IE dest 2948 src 9200 in every segment, plus an 8-bit or
 * 16-bit concatenation IE when there is more than one segment) and up to
 * 133/128/127 payload octets.
 *
 * Unsigned pushes (no Signature, or SEC_NONE) use the short form
 * `TID 06 01 B6`; a Signature without mac_hex (USERPINMAC) sends SEC alone.
 *
 * The parse side (push_udh_parse, push_pdu_parse, push_reassemble; in
 * push_parse.c) is the decoder behind `provctl inspect`: it never trusts
 * its input, checks every length against the bytes present and reports
 * what is wrong. Thread-safe; no global state.
 */
#ifndef PROVBOX_PUSH_H
#define PROVBOX_PUSH_H

#include "gwlib/gwlib.h"
#include "encode/signer.h"

#define PUSH_PORT_DEST 2948
#define PUSH_PORT_SRC  9200
#define PUSH_MAX_SEGMENTS_LIMIT 255
#define PUSH_DEFAULT_MAX_SEGMENTS 20

Octstr *push_pdu_build(Octstr *wbxml, const Signature *sig, int tid);

typedef struct PushSegment {
    Octstr *udh;       /* including the UDHL byte */
    Octstr *payload;
} PushSegment;

/*
 * Split a PDU. ref is the concatenation reference (0-255, or 0-65535 with
 * ref_16bit). Returns a List of PushSegment*, or NULL + *error when the PDU
 * needs more than max_segments segments.
 */
List *push_split(Octstr *pdu, long ref, int ref_16bit, long max_segments,
                 Octstr **error);
/* The same for other WDP ports (the legacy OTA formats, ota_legacy.h). */
List *push_split_ports(Octstr *pdu, long dest_port, long src_port, long ref,
                       int ref_16bit, long max_segments, Octstr **error);
/* A segment owning udh and payload. */
PushSegment *push_segment_create(Octstr *udh, Octstr *payload);
void push_segment_destroy(void *segment);

/* What one segment's UDH says. */
typedef struct PushUdh {
    long dest_port;    /* -1 when there is no port IE */
    long src_port;
    int concat_bits;   /* 0 = no concatenation IE, else 8 or 16 */
    long ref;          /* the rest only when concat_bits != 0 */
    long total;
    long seq;
} PushUdh;

/* Parse a UDH (starting with its UDHL byte). 0, or -1 + *error. */
int push_udh_parse(Octstr *udh, PushUdh *out, Octstr **error);

/* What the parser found in a PDU. */
typedef struct PushInfo {
    int tid;
    int pdu_type;
    Octstr *content_type;   /* e.g. "application/vnd.wap.connectivity-wbxml" */
    SecMode sec;            /* SEC_NONE when absent */
    Octstr *mac_hex;        /* NULL when absent */
    Octstr *headers_hex;    /* the raw header bytes, hex */
    Octstr *body;           /* the WBXML document */
} PushInfo;

PushInfo *push_pdu_parse(Octstr *pdu, Octstr **error);
void push_info_destroy(PushInfo *info);

/*
 * Reassemble segments (List of PushSegment*, any order) into one PDU,
 * checking ports, references, totals and sequence numbers.
 */
Octstr *push_reassemble(List *segments, Octstr **error);

#endif
