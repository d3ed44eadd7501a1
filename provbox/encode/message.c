/*
 * message.c - one recipient's message (see message.h): the only place that
 * tells an OMA CP document from a legacy OTA type when compiling and
 * encoding.
 */
#include "gwlib/gwlib.h"
#include "encode/message.h"
#include "encode/ota_legacy.h"
#include "encode/push.h"

WbxmlTemplate *message_compile(DocType type, Octstr *xml, Octstr **error)
{
    Octstr *wbxml;

    if (!doc_type_is_legacy(type))
        return wbxml_template_compile(xml, error);
    wbxml = ota_legacy_compile(type, xml, error);
    return wbxml != NULL ? wbxml_template_fixed(wbxml) : NULL;
}

/* The legacy OTA 7.0 types: unsigned, their own WSP header and ports. */
static int encode_legacy(Message *m, const MessageSpec *spec, Octstr **error)
{
    m->pdu = ota_legacy_pdu_build(spec->type, spec->wbxml, MESSAGE_WSP_TID);
    m->segments = push_split_ports(m->pdu, ota_legacy_dest_port(spec->type),
                                   ota_legacy_src_port(spec->type), spec->ref,
                                   spec->ref_16bit, spec->max_segments, error);
    return m->segments != NULL ? 0 : -1;
}

/* An OMA CP document: signed, on the OMA push ports. */
static int encode_signed(Message *m, const MessageSpec *spec, Octstr **error)
{
    m->sig = signer_sign(spec->sec, spec->pin, spec->imsi, spec->wbxml, error);
    if (m->sig == NULL)
        return -1;
    m->pdu = push_pdu_build(spec->wbxml, m->sig, MESSAGE_WSP_TID);
    m->segments = push_split(m->pdu, spec->ref, spec->ref_16bit, spec->max_segments, error);
    return m->segments != NULL ? 0 : -1;
}

Message *message_encode(const MessageSpec *spec, Octstr **error)
{
    Message *m = gw_malloc(sizeof(*m));
    int ret;

    memset(m, 0, sizeof(*m));
    if (doc_type_is_legacy(spec->type))
        ret = encode_legacy(m, spec, error);
    else
        ret = encode_signed(m, spec, error);
    if (ret == 0)
        return m;
    message_destroy(m);
    return NULL;
}

void message_destroy(Message *m)
{
    if (m == NULL)
        return;
    octstr_destroy(m->pdu);
    signature_destroy(m->sig);
    gwlist_destroy(m->segments, push_segment_destroy);
    gw_free(m);
}

long message_job_reference(Octstr *job_name, int ref_16bit)
{
    unsigned long h = 2166136261u;
    long i;

    for (i = 0; i < octstr_len(job_name); i++)
        h = (h ^ (unsigned char) octstr_get_char(job_name, i)) * 16777619u;
    return ref_16bit ? (long) (h & 0xffff) : (long) (h & 0xff);
}
