/*
 * describe.h - human-readable lines about a push, shared by
 * `provctl compile --format explain` and `provctl inspect`, so that both
 * show a push the same way: each SMS segment (UDH bytes and meaning,
 * payload size), the WSP header (TID, PDU type, header bytes, content
 * type, SEC, MAC) and USERPINMAC entry codes with the PIN masked.
 *
 * Every function appends to `out`; none prints.
 */
#ifndef PROVCTL_DESCRIBE_H
#define PROVCTL_DESCRIBE_H

#include "gwlib/gwlib.h"
#include "encode/push.h"

/* "  segment 2/3 ORIGIN: UDH ... (meaning), N payload octets". */
void describe_segment(Octstr *out, const PushSegment *segment, long index,
                      long count, const char *origin);

/* WSP header lines for a parsed push. */
void describe_push(Octstr *out, const PushInfo *info);

/* An entry code with its first pin_len digits masked unless show_secrets. */
Octstr *describe_entry_code(Octstr *code, long pin_len, int show_secrets);

/* A secret as "N bytes" or, with show_secrets, as spaced hex. */
Octstr *describe_key(Octstr *key, int show_secrets);

#endif
