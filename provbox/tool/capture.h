/*
 * capture.h - finding pushes in what an operator hands `provctl inspect`.
 *
 * The input format is recognised, in this order:
 *   raw      the WSP push PDU bytes (any control byte other than
 *            tab/CR/LF means raw; a PDU always has 06 at offset 1)
 *   sms      `provctl compile --format sms` lines: UDHHEX PAYLOADHEX
 *   hex      the PDU as hex digits, whitespace ignored
 *   log      lines of a log, each recognised on its own and others ignored:
 *            fakesmsc `Got message N: <sender receiver udh U data D>`, the
 *            same without the prefix, or fakesmsc's input form
 *            `sender receiver udh U D` (U, D url-encoded, + = space), and
 *            bearerbox access-log lines in Kannel's default format, which
 *            carry `[to:R]`, `[msg:LEN:HEX]` and `[udh:LEN:HEX]` for 8-bit
 *            messages (custom access-log-format lines must keep %P, %b, %u
 *            in those brackets).
 * In a log, messages without a UDH for port 2948 are not pushes and are
 * only counted; the segments of each push are grouped by recipient,
 * concatenation reference and part count, in order of first appearance (a
 * repeated part starts a new push, as a resend does).
 *
 * Errors say "line N: cause". Single-threaded use; no global state.
 */
#ifndef PROVCTL_CAPTURE_H
#define PROVCTL_CAPTURE_H

#include "gwlib/gwlib.h"
#include "encode/push.h"

/* One SMS found in the input. */
typedef struct Capture {
    PushSegment *segment;
    Octstr *receiver;   /* the recipient when the input names it, or NULL */
    long line;          /* its input line */
} Capture;

typedef struct CaptureSet {
    const char *format;   /* "raw PDU", "hex PDU", "SMS lines", "log lines" */
    Octstr *pdu;          /* raw and hex input: the PDU; otherwise NULL */
    List *pushes;         /* otherwise: List of List of Capture*, per push */
    long skipped;         /* log messages that are not WAP pushes */
} CaptureSet;

/* Recognise the input and collect its pushes; NULL + *error if none. */
CaptureSet *capture_read(Octstr *input, Octstr **error);
void capture_set_destroy(CaptureSet *set);

#endif
