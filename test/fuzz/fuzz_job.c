/*
 * fuzz_job.c - libFuzzer harness for the job-file parser: any bytes as a
 * job file through job_parse(); every job it accepts must survive
 * job_format() and parse again (job.h promises the round trip), and no
 * refusal may be empty. Seeds: test/hostile (see run.sh).
 */
#include <stdint.h>
#include <stddef.h>

#include "gwlib/gwlib.h"
#include "spool/job.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void) argc;
    (void) argv;
    gwlib_init();
    log_set_output_level(GW_PANIC);
    return 0;
}

static void parse_again(Octstr *name, const Job *job)
{
    Octstr *text = job_format(job), *error = NULL;
    Job *again = job_parse(name, text, &error);

    if (again == NULL)
        panic(0, "job_format output refused: %s", octstr_get_cstr(error));
    job_destroy(again);
    octstr_destroy(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Octstr *name = octstr_imm("fuzz.job");
    Octstr *text = octstr_create_from_data((const char *) data, size);
    Octstr *error = NULL;
    Job *job = job_parse(name, text, &error);

    if (job != NULL)
        parse_again(name, job);
    else if (error == NULL || octstr_len(error) == 0)
        panic(0, "job refused without a reason");
    job_destroy(job);
    octstr_destroy(error);
    octstr_destroy(text);
    return 0;
}
