/*
 * test_hostile_jobs.c - runs job_parse() over the hostile-input corpus in
 * test/hostile/ as listed in test/hostile/EXPECTED: every `job` case must
 * be refused with a reason containing the expected text and none of the
 * corpus's PINs or IMSIs; every later-stage case (xml, encode, ok) must get
 * past job_parse(), so that the daemon reaches the stage that decides. Also
 * checks that EXPECTED and the directory list the same files.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "gwlib/gwlib.h"
#include "spool/job.h"
#include "../lib/tap.h"
#include "../lib/test_data.h"

#define MIN_JOB_CASES 30

static const char *const corpus_secrets[] = {
    "1234", "5678", "242011234567890", "242011234567891", "24201ABCD567890",
    "2420112345678901", "2420112345O7891", "12a4",
};

static Octstr *corpus_dir(void)
{
    return test_data_path("hostile");
}

static int leaks_secret(Octstr *reason)
{
    size_t i;

    for (i = 0; i < sizeof(corpus_secrets) / sizeof(corpus_secrets[0]); i++)
        if (octstr_search(reason, octstr_imm(corpus_secrets[i]), 0) >= 0)
            return 1;
    return 0;
}

static void check_case(Octstr *dir, Octstr *file, Octstr *stage, Octstr *want)
{
    Octstr *path = octstr_format("%S/%S", dir, file);
    Octstr *text = octstr_read_file(octstr_get_cstr(path)), *reason = NULL;
    Job *job = text != NULL ? job_parse(file, text, &reason) : NULL;
    int is_job = octstr_str_compare(stage, "job") == 0;

    if (text == NULL)
        ok(0, "%s: readable", octstr_get_cstr(file));
    else if (is_job)
        ok(job == NULL && octstr_search(reason, want, 0) >= 0 && !leaks_secret(reason),
           "%s: refused by job_parse: %s", octstr_get_cstr(file), octstr_get_cstr(want));
    else
        ok(job != NULL, "%s: passes job_parse (decided at stage %s)",
           octstr_get_cstr(file), octstr_get_cstr(stage));
    if (reason != NULL && (!is_job || octstr_search(reason, want, 0) < 0
                           || leaks_secret(reason)))
        tap_diag("reason: %s", octstr_get_cstr(reason));
    job_destroy(job);
    octstr_destroy(reason);
    octstr_destroy(text);
    octstr_destroy(path);
}

/* "FILE STAGE SUBSTRING..." -> the three parts; 0 for comments and blanks. */
static int split_row(Octstr *line, Octstr **file, Octstr **stage, Octstr **want)
{
    List *words = octstr_split_words(line);
    long after_stage;

    *file = *stage = *want = NULL;
    if (gwlist_len(words) < 3 || octstr_get_char(line, 0) == '#') {
        gwlist_destroy(words, octstr_destroy_item);
        return 0;
    }
    *file = gwlist_extract_first(words);
    *stage = gwlist_extract_first(words);
    after_stage = octstr_search(line, *stage, octstr_len(*file)) + octstr_len(*stage);
    *want = octstr_copy(line, after_stage, octstr_len(line));
    octstr_strip_blanks(*want);
    gwlist_destroy(words, octstr_destroy_item);
    return 1;
}

static long count_job_files(Octstr *dir)
{
    DIR *d = opendir(octstr_get_cstr(dir));
    struct dirent *e;
    long n = 0;
    size_t len;

    while (d != NULL && (e = readdir(d)) != NULL) {
        len = strlen(e->d_name);
        n += len > 4 && strcmp(e->d_name + len - 4, ".job") == 0;
    }
    if (d != NULL)
        closedir(d);
    return n;
}

int main(void)
{
    Octstr *dir, *expected_path, *expected, *file, *stage, *want;
    List *lines;
    long i, rows = 0, job_rows = 0;

    gwlib_init();
    log_set_output_level(GW_PANIC);
    dir = corpus_dir();
    expected_path = octstr_format("%S/EXPECTED", dir);
    expected = octstr_read_file(octstr_get_cstr(expected_path));
    if (expected == NULL)
        panic(0, "cannot read %s (set PROVBOX_SRCDIR)", octstr_get_cstr(expected_path));
    lines = octstr_split(expected, octstr_imm("\n"));
    for (i = 0; i < gwlist_len(lines); i++) {
        if (!split_row(gwlist_get(lines, i), &file, &stage, &want))
            continue;
        rows++;
        job_rows += octstr_str_compare(stage, "job") == 0;
        check_case(dir, file, stage, want);
        octstr_destroy(file);
        octstr_destroy(stage);
        octstr_destroy(want);
    }
    ok(rows == count_job_files(dir), "EXPECTED lists every .job file of the corpus "
       "(%ld rows, %ld files)", rows, count_job_files(dir));
    ok(job_rows >= MIN_JOB_CASES, "at least %d job-level cases (%ld)",
       MIN_JOB_CASES, job_rows);
    gwlist_destroy(lines, octstr_destroy_item);
    octstr_destroy(expected);
    octstr_destroy(expected_path);
    octstr_destroy(dir);
    gwlib_shutdown();
    return tap_done();
}
