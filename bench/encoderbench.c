/*
 * encoderbench.c - documents per second for provbox's encoder (compile +
 * sign + segment) against Kannel's ota_pack_message + sms_split, in one
 * process, on the same documents.
 *
 * usage: encoderbench SECONDS DOC.xml...
 * A document takes part only when Kannel encodes it right: its push parses,
 * its WBXML decodes to the same document as provbox's, and its MAC is the
 * USERPIN HMAC of its own body. Prints one "skip" line per other document,
 * then: docs=N provbox_docs_per_s=X kannel_docs_per_s=Y ratio=R.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

#include "gwlib/gwlib.h"
#include "gw/msg.h"
#include "gw/sms.h"
#include "gw/ota_prov.h"
#include "encode/wbxml.h"
#include "encode/message.h"
#include "encode/push.h"

#define PIN "1234"
#define MAX_OCTETS 140

static double now(void)
{
    struct timeval tv;

    gettimeofday(&tv, NULL);
    return tv.tv_sec + tv.tv_usec / 1e6;
}

/* compile + sign + segment, as provbox does for a job; segment count */
static long provbox_encode(Octstr *xml)
{
    Octstr *error = NULL, *wbxml = wbxml_compile(xml, &error);
    MessageSpec spec = {
        .type = DOC_OMA_SETTINGS, .wbxml = wbxml, .sec = SEC_USERPIN, .pin = octstr_imm(PIN),
        .ref = 7, .max_segments = PUSH_MAX_SEGMENTS_LIMIT,
    };
    Message *m;
    long n;

    if (wbxml == NULL) {
        octstr_destroy(error);
        return -1;
    }
    m = message_encode(&spec, &error);
    n = m != NULL ? gwlist_len(m->segments) : -1;
    message_destroy(m);
    octstr_destroy(error);
    octstr_destroy(wbxml);
    return n;
}

static Msg *kannel_pack(Octstr *xml)
{
    Msg *msg = NULL;
    Octstr *receiver = octstr_create("4790000001");
    int ret = ota_pack_message(&msg, octstr_duplicate(xml), octstr_create("oma-settings"),
                               octstr_create("1234"), receiver,
                               octstr_create("userpin"), octstr_create(PIN));

    octstr_destroy(receiver);   /* the only argument it does not take over */
    if (ret < 0) {
        msg_destroy(msg);
        return NULL;
    }
    return msg;
}

/* ota_pack_message + sms_split, as sendota and bearerbox do; segment count */
static long kannel_encode(Octstr *xml)
{
    Msg *msg = kannel_pack(xml);
    List *parts;
    long n;

    if (msg == NULL)
        return -1;
    parts = sms_split(msg, NULL, NULL, NULL, NULL, 1, 7, 255, MAX_OCTETS);
    n = gwlist_len(parts);
    gwlist_destroy(parts, msg_destroy_item);
    msg_destroy(msg);
    return n;
}

static Octstr *decoded(Octstr *wbxml)
{
    Octstr *error = NULL, *xml = wbxml_decode(wbxml, &error);

    octstr_destroy(error);
    return xml;
}

/* Kannel's push for xml parses, decodes like ours and carries a good MAC. */
static int kannel_right(Octstr *xml)
{
    Msg *msg = kannel_pack(xml);
    Octstr *error = NULL, *ours = wbxml_compile(xml, &error), *mac = NULL;
    Octstr *want = ours != NULL ? decoded(ours) : NULL, *got = NULL;
    PushInfo *info = msg != NULL ? push_pdu_parse(msg->sms.msgdata, &error) : NULL;
    int right = 0;

    if (info != NULL && info->body != NULL && info->mac_hex != NULL) {
        got = decoded(info->body);
        mac = signer_mac(SEC_USERPIN, octstr_imm(PIN), NULL, info->body, &error);
        right = want != NULL && got != NULL && mac != NULL
                && octstr_compare(want, got) == 0
                && octstr_case_compare(mac, info->mac_hex) == 0;
    }
    if (info != NULL)
        push_info_destroy(info);
    octstr_destroy(mac);
    octstr_destroy(got);
    octstr_destroy(want);
    octstr_destroy(ours);
    octstr_destroy(error);
    msg_destroy(msg);
    return right;
}

/* Runs encode over docs for about `seconds`; documents per second. */
static double rate(long (*encode)(Octstr *), List *docs, double seconds)
{
    double start = now(), elapsed;
    long done = 0, i;

    do {
        for (i = 0; i < gwlist_len(docs); i++)
            if (encode(gwlist_get(docs, i)) < 1)
                panic(0, "an encoder failed on a document it passed before");
        done += gwlist_len(docs);
        elapsed = now() - start;
    } while (elapsed < seconds);
    return done / elapsed;
}

int main(int argc, char **argv)
{
    List *docs;
    Octstr *xml;
    double seconds, ours, theirs;
    int i;

    if (argc < 3) {
        fprintf(stderr, "usage: %s SECONDS DOC.xml...\n", argv[0]);
        return 2;
    }
    gwlib_init();
    log_set_output_level(GW_PANIC);
    wbxml_init();
    seconds = atof(argv[1]);
    docs = gwlist_create();
    for (i = 2; i < argc; i++) {
        xml = octstr_read_file(argv[i]);
        if (xml != NULL && provbox_encode(xml) > 0 && kannel_right(xml)) {
            gwlist_append(docs, xml);
            continue;
        }
        printf("skip %s\n", argv[i]);
        octstr_destroy(xml);
    }
    if (gwlist_len(docs) == 0)
        panic(0, "Kannel encodes none of the documents right");
    ours = rate(provbox_encode, docs, seconds);
    theirs = rate(kannel_encode, docs, seconds);
    printf("docs=%ld provbox_docs_per_s=%.0f kannel_docs_per_s=%.0f ratio=%.2f\n",
           gwlist_len(docs), ours, theirs, ours / theirs);
    gwlist_destroy(docs, octstr_destroy_item);
    wbxml_shutdown();
    gwlib_shutdown();
    return 0;
}
