/*
 * fuzz_wbxml.c - libFuzzer harness for the WBXML compiler: any bytes as a
 * provisioning document through wbxml_compile(); what compiles is decoded
 * and explained again, so the decoder also sees every compiler output.
 * Seeds: test/corpus, test/corpus-bad and the XML in test/vectors (run.sh).
 */
#include <stdint.h>
#include <stddef.h>

#include "gwlib/gwlib.h"
#include "encode/wbxml.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void) argc;
    (void) argv;
    gwlib_init();
    log_set_output_level(GW_PANIC);
    wbxml_init();
    return 0;
}

static void decode_again(Octstr *wbxml)
{
    Octstr *error = NULL, *text;

    text = wbxml_decode(wbxml, &error);
    if (text == NULL)
        panic(0, "compiler output does not decode: %s", octstr_get_cstr(error));
    octstr_destroy(text);
    text = wbxml_explain(wbxml, &error);
    if (text == NULL)
        panic(0, "compiler output does not explain: %s", octstr_get_cstr(error));
    octstr_destroy(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Octstr *xml = octstr_create_from_data((const char *) data, size);
    Octstr *error = NULL, *wbxml = wbxml_compile(xml, &error);

    if (wbxml != NULL)
        decode_again(wbxml);
    octstr_destroy(wbxml);
    octstr_destroy(error);
    octstr_destroy(xml);
    return 0;
}
