/*
 * describe.c - push, segment and secret descriptions for provctl's
 * compile and inspect commands (see describe.h).
 */
#include "tool/describe.h"

static void append_hex(Octstr *out, Octstr *bytes)
{
    Octstr *hex = octstr_duplicate(bytes);

    octstr_binary_to_hex(hex, 1);
    octstr_append(out, hex);
    octstr_destroy(hex);
}

static void append_udh_meaning(Octstr *out, Octstr *udh)
{
    PushUdh info;
    Octstr *error = NULL;

    if (push_udh_parse(udh, &info, &error) < 0) {
        octstr_format_append(out, "malformed: %S", error);
        octstr_destroy(error);
        return;
    }
    if (info.dest_port >= 0)
        octstr_format_append(out, "port %ld <- %ld", info.dest_port,
                             info.src_port);
    else
        octstr_append_cstr(out, "no port IE");
    if (info.concat_bits != 0)
        octstr_format_append(out, ", %d-bit reference 0x%0*lX, part %ld of %ld",
                             info.concat_bits, info.concat_bits / 4, info.ref,
                             info.seq, info.total);
}

void describe_segment(Octstr *out, const PushSegment *segment, long index,
                      long count, const char *origin)
{
    octstr_format_append(out, "  segment %ld/%ld%s%s: UDH ", index + 1,
                         count, origin ? " " : "", origin ? origin : "");
    append_hex(out, segment->udh);
    octstr_append_cstr(out, " (");
    append_udh_meaning(out, segment->udh);
    octstr_format_append(out, "), %ld payload octets\n",
                         octstr_len(segment->payload));
}

void describe_push(Octstr *out, const PushInfo *info)
{
    octstr_format_append(out, "WSP: TID 0x%02X, PDU type 0x%02X (Push), "
                         "headers (%ld octets): %S\n", info->tid,
                         info->pdu_type, octstr_len(info->headers_hex) / 2,
                         info->headers_hex);
    octstr_format_append(out, "content type: %S\n", info->content_type);
    if (info->sec == SEC_NONE)
        octstr_append_cstr(out, "SEC: none (unsigned)\n");
    else
        octstr_format_append(out, "SEC: %s (0x%02X)\n",
                             sec_mode_name(info->sec), 0x80 | info->sec);
    if (info->mac_hex != NULL)
        octstr_format_append(out, "MAC: %S\n", info->mac_hex);
    else if (info->sec == SEC_USERPINMAC)
        octstr_append_cstr(out, "MAC: none in the header (USERPINMAC: the "
                           "entry code the user types authenticates)\n");
    else
        octstr_append_cstr(out, "MAC: none\n");
}

Octstr *describe_entry_code(Octstr *code, long pin_len, int show_secrets)
{
    Octstr *shown = octstr_duplicate(code);
    long i;

    for (i = 0; !show_secrets && i < pin_len && i < octstr_len(shown); i++)
        octstr_set_char(shown, i, '*');
    return shown;
}

Octstr *describe_key(Octstr *key, int show_secrets)
{
    Octstr *shown;
    long i;

    if (!show_secrets)
        return octstr_format("%ld bytes", octstr_len(key));
    shown = octstr_create("");
    for (i = 0; i < octstr_len(key); i++)
        octstr_format_append(shown, "%s%02X", i ? " " : "",
                             octstr_get_char(key, i));
    return shown;
}
