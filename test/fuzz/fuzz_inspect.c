/*
 * fuzz_inspect.c - libFuzzer harness for the decoder behind
 * `provctl inspect`: any bytes through capture_read() (raw PDU, hex, SMS
 * lines, fakesmsc and access-log lines), then, for each push found,
 * push_reassemble(), push_pdu_parse(), wbxml_decode() and wbxml_explain(),
 * the path cmd_inspect.c takes. Seeds: test/vectors and test/fuzz/seeds
 * (see run.sh).
 */
#include <stdint.h>
#include <stddef.h>

#include "gwlib/gwlib.h"
#include "encode/push.h"
#include "encode/wbxml.h"
#include "tool/capture.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void) argc;
    (void) argv;
    gwlib_init();
    log_set_output_level(GW_PANIC);
    wbxml_init();
    return 0;
}

static void decode_body(Octstr *body)
{
    Octstr *error = NULL, *text;

    text = wbxml_decode(body, &error);
    octstr_destroy(text);
    octstr_destroy(error);
    error = NULL;
    text = wbxml_explain(body, &error);
    octstr_destroy(text);
    octstr_destroy(error);
}

static void inspect_pdu(Octstr *pdu)
{
    Octstr *error = NULL;
    PushInfo *info = push_pdu_parse(pdu, &error);

    if (info != NULL)
        decode_body(info->body);
    push_info_destroy(info);
    octstr_destroy(error);
}

static void inspect_push(List *captures)
{
    List *segments = gwlist_create();
    Octstr *error = NULL, *pdu;
    PushUdh udh;
    Capture *capture;
    long i;

    for (i = 0; i < gwlist_len(captures); i++) {
        capture = gwlist_get(captures, i);
        if (push_udh_parse(capture->segment->udh, &udh, &error) < 0) {
            octstr_destroy(error);
            error = NULL;
        }
        gwlist_append(segments, capture->segment);
    }
    pdu = push_reassemble(segments, &error);
    gwlist_destroy(segments, NULL);
    if (pdu != NULL)
        inspect_pdu(pdu);
    octstr_destroy(pdu);
    octstr_destroy(error);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Octstr *input = octstr_create_from_data((const char *) data, size);
    Octstr *error = NULL;
    CaptureSet *set = capture_read(input, &error);
    long i;

    if (set != NULL && set->pdu != NULL)
        inspect_pdu(set->pdu);
    for (i = 0; set != NULL && set->pushes != NULL && i < gwlist_len(set->pushes); i++)
        inspect_push(gwlist_get(set->pushes, i));
    capture_set_destroy(set);
    octstr_destroy(error);
    octstr_destroy(input);
    return 0;
}
