/*
 * test_spool.c - unit tests of provbox/spool/spool.c in a scratch directory:
 * creation of the state directories (a setgid spool's keep the bit),
 * refusal of symlinked and world-writable spools, atomic writes that leave
 * no temp file, reads that refuse symlinks, FIFOs, directories, hard links
 * and oversize files, bounded listing, moves with the status file (and the
 * repair of a move cut in half), staged status writes (unnamed until
 * installed, no temp file left), unique, sortable names, a listing cursor
 * that goes on where it stopped, and keep-done's removal of old jobs from
 * done/.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "gwlib/gwlib.h"
#include "spool/spool.h"
#include "spool/job_lock.h"
#include "spool/retention.h"
#include "spool/requeue.h"
#include "spool/name_clash.h"
#include "../lib/tap.h"
#include "../lib/descriptors.h"

static char scratch[] = "/tmp/test_spool.XXXXXX";

static Octstr *scratch_path(const char *rel)
{
    return octstr_format("%s/%s", scratch, rel);
}

static int contains(Octstr *s, const char *want)
{
    return s != NULL && strstr(octstr_get_cstr(s), want) != NULL;
}

static void diag_error(Octstr *error)
{
    if (error != NULL)
        tap_diag("error: %s", octstr_get_cstr(error));
}

static mode_t mode_of(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0 ? st.st_mode : 0;
}

/* gwlist_sort hands over the items themselves. */
static int by_name(const void *a, const void *b)
{
    return octstr_compare(a, b);
}

/* Names of every entry in dir except . and .., sorted, ", "-joined. */
static Octstr *entries(Octstr *dir)
{
    DIR *d = opendir(octstr_get_cstr(dir));
    List *names = gwlist_create();
    Octstr *joined = octstr_create(""), *name;
    struct dirent *e;

    while (d != NULL && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            gwlist_append(names, octstr_create(e->d_name));
    if (d != NULL)
        closedir(d);
    gwlist_sort(names, by_name);
    while ((name = gwlist_extract_first(names)) != NULL) {
        octstr_format_append(joined, "%s%S", octstr_len(joined) ? ", " : "", name);
        octstr_destroy(name);
    }
    gwlist_destroy(names, NULL);
    return joined;
}

static void write_plain(Octstr *path, const char *content)
{
    int fd = open(octstr_get_cstr(path), O_WRONLY | O_CREAT | O_TRUNC, 0660);

    if (fd < 0 || write(fd, content, strlen(content)) != (ssize_t) strlen(content))
        panic(errno, "cannot write %s", octstr_get_cstr(path));
    close(fd);
}

static Spool *open_spool(const char *rel)
{
    Octstr *dir = scratch_path(rel), *error = NULL;
    Spool *spool;

    mkdir(octstr_get_cstr(dir), 0750);
    spool = spool_open(dir, &error);
    if (spool == NULL)
        panic(0, "spool_open %s: %s", octstr_get_cstr(dir), octstr_get_cstr(error));
    octstr_destroy(dir);
    return spool;
}

/* ---- opening ---- */

static void test_open_creates_states(void)
{
    Spool *spool = open_spool("s1");
    Octstr *dir = scratch_path("s1");
    Octstr *listed = entries(dir);
    int s, modes_ok = 1;

    ok_str(octstr_get_cstr(listed), "active, deferred, done, failed, new, tmp",
           "spool_open creates the six state directories");
    for (s = 0; s < SPOOL_STATES; s++) {
        Octstr *p = octstr_format("%S/%s", dir, spool_state_name((SpoolState) s));
        modes_ok &= (mode_of(octstr_get_cstr(p)) & 07777) == 0770;
        octstr_destroy(p);
    }
    ok(modes_ok, "state directories are mode 0770 whatever the umask");
    ok(octstr_compare(spool_dir(spool), dir) == 0, "spool_dir is the directory given");
    spool_close(spool);
    spool = open_spool("s1");
    ok(spool != NULL, "spool_open accepts an existing spool again");
    spool_close(spool);
    octstr_destroy(listed);
    octstr_destroy(dir);
}

/* A setgid spool, as the package and the unit make it: its state
 * directories keep the bit, so a job root or an operator writes into new/
 * gets the spool's group, which provbox reads it by. */
static void test_open_setgid_spool(void)
{
    Octstr *dir = scratch_path("sgid");
    Octstr *new_dir = octstr_format("%S/new", dir);
    Spool *spool;

    mkdir(octstr_get_cstr(dir), 0750);
    if (chmod(octstr_get_cstr(dir), 02770) < 0)
        panic(errno, "chmod %s", octstr_get_cstr(dir));
    spool = open_spool("sgid");
    ok((mode_of(octstr_get_cstr(new_dir)) & 07777) == 02770,
       "the state directories of a setgid spool are 2770");
    spool_close(spool);
    octstr_destroy(new_dir);
    octstr_destroy(dir);
}

static void refuses_open(Octstr *dir, const char *want, const char *what)
{
    Octstr *error = NULL;
    Spool *spool = spool_open(dir, &error);

    ok(spool == NULL && contains(error, want) && contains(error, octstr_get_cstr(dir)),
       "spool_open refuses %s", what);
    if (spool != NULL || !contains(error, want))
        diag_error(error);
    spool_close(spool);
    octstr_destroy(error);
}

static void test_open_refusals(void)
{
    Octstr *missing = scratch_path("no-such-spool");
    Octstr *deep = scratch_path("no-such-parent/spool");
    Octstr *real = scratch_path("real"), *link = scratch_path("link");
    Octstr *open_dir = scratch_path("open"), *file = scratch_path("file");
    Octstr *bad_new = scratch_path("badnew"), *bad_new_link = scratch_path("badnew/new");

    {
        Octstr *error = NULL;
        Spool *spool = spool_open_existing(missing, &error);
        ok(spool == NULL && contains(error, "no-such-spool: No such file or directory"),
           "spool_open_existing refuses a missing directory");
        octstr_destroy(error);
        spool = spool_open(missing, NULL);
        ok(spool != NULL && S_ISDIR(mode_of(octstr_get_cstr(missing))),
           "spool_open creates a missing spool directory");
        spool_close(spool);
    }
    refuses_open(deep, "cannot create", "a spool whose parent is missing");
    mkdir(octstr_get_cstr(real), 0750);
    symlink(octstr_get_cstr(real), octstr_get_cstr(link));
    refuses_open(link, "is a symlink; refusing it", "a spool directory that is a symlink");
    mkdir(octstr_get_cstr(open_dir), 0750);
    chmod(octstr_get_cstr(open_dir), 0777);
    refuses_open(open_dir, "is world-writable (mode 0777); refusing it",
                 "a world-writable spool directory");
    write_plain(file, "x");
    refuses_open(file, "is a regular file, not a directory", "a regular file");
    mkdir(octstr_get_cstr(bad_new), 0750);
    symlink(octstr_get_cstr(real), octstr_get_cstr(bad_new_link));
    refuses_open(bad_new, "/new is a symlink", "a spool whose new/ is a symlink");
    octstr_destroy(missing);
    octstr_destroy(deep);
    octstr_destroy(real);
    octstr_destroy(link);
    octstr_destroy(open_dir);
    octstr_destroy(file);
    octstr_destroy(bad_new);
    octstr_destroy(bad_new_link);
}

static void test_state_names(void)
{
    SpoolState st;
    int s, all = 1;

    for (s = 0; s < SPOOL_STATES; s++)
        all &= spool_state_parse(octstr_imm(spool_state_name((SpoolState) s)), &st) == 0
               && st == (SpoolState) s;
    ok(all && strcmp(spool_state_name(SPOOL_DEFERRED), "deferred") == 0,
       "state names round trip");
    ok(spool_state_parse(octstr_imm("corrupt"), &st) < 0, "unknown state names refused");
}

/* ---- names ---- */

static int name_shape_ok(Octstr *name)
{
    const char *n = octstr_get_cstr(name);

    return octstr_len(name) > 32 && n[8] == 'T' && n[15] == '.' && n[22] == '.'
           && octstr_check_range(name, 0, 8, gw_isdigit)
           && octstr_check_range(name, 16, 6, gw_isdigit) && spool_name_ok(name);
}

static void test_new_names(void)
{
    Spool *spool = open_spool("names");
    Dict *seen = dict_create(20000, NULL);
    Octstr *name, *previous = NULL;
    long i, unique = 0, sorted = 1, shaped = 1;

    for (i = 0; i < 10000; i++) {
        name = spool_new_name(spool);
        unique += dict_put_once(seen, name, seen);
        shaped &= name_shape_ok(name);
        sorted &= previous == NULL || octstr_compare(previous, name) < 0;
        octstr_destroy(previous);
        previous = name;
    }
    ok(unique == 10000, "10000 names from spool_new_name are unique (%ld)", unique);
    ok(sorted, "each new name sorts after the previous one");
    ok(shaped, "names look like YYYYMMDDTHHMMSS.uuuuuu.PID.NNNNNN.HOST and are valid");
    tap_diag("a name: %s", octstr_get_cstr(previous));
    octstr_destroy(previous);
    dict_destroy(seen);
    spool_close(spool);
}

static void test_name_ok(void)
{
    Octstr *long_name = octstr_create("");
    int i;

    for (i = 0; i < 249; i++)
        octstr_append_char(long_name, 'a');
    ok(spool_name_ok(octstr_imm("job-1")) && spool_name_ok(octstr_imm("my job.txt")),
       "spool_name_ok accepts operators' names");
    ok(!spool_name_ok(octstr_imm("")) && !spool_name_ok(octstr_imm(".hidden"))
       && !spool_name_ok(octstr_imm("../x")) && !spool_name_ok(octstr_imm("a/b"))
       && !spool_name_ok(octstr_imm("job.status")) && !spool_name_ok(long_name),
       "spool_name_ok refuses empty, dot, '/', .status and 249-byte names");
    octstr_destroy(long_name);
}

/* ---- writing ---- */

static void test_atomic_write(void)
{
    Spool *spool = open_spool("w");
    Octstr *path = spool_path(spool, SPOOL_DONE, octstr_imm("J1"));
    Octstr *dir = scratch_path("w/done"), *error = NULL, *listed, *back;
    int first = spool_write_file_atomic(path, octstr_imm("first"), &error);
    int second = spool_write_file_atomic(path, octstr_imm("second version"), &error);

    back = octstr_read_file(octstr_get_cstr(path));
    ok(first == 0 && second == 0 && back != NULL
       && octstr_str_compare(back, "second version") == 0,
       "spool_write_file_atomic writes, then replaces the whole file");
    listed = entries(dir);
    ok_str(octstr_get_cstr(listed), "J1", "no temp file is left behind");
    ok((mode_of(octstr_get_cstr(path)) & 0777) == 0640 || (mode_of(octstr_get_cstr(path)) & 0777) == 0660,
       "the file is a regular file, group-readable, not world-readable");
    octstr_destroy(path);
    octstr_destroy(back);
    octstr_destroy(listed);
    octstr_destroy(dir);
    octstr_destroy(error);
    spool_close(spool);
}

static void test_write_errors(void)
{
    Spool *spool = open_spool("we");
    Octstr *active = scratch_path("we/active"), *error = NULL;
    int result;

    rmdir(octstr_get_cstr(active));
    result = spool_write_status(spool, SPOOL_ACTIVE, octstr_imm("J9"),
                                octstr_imm("x"), &error);
    ok(result == -1 && contains(error, "we/active/J9.status")
       && contains(error, "No such file or directory"),
       "a failed write names the file (so the job) and the errno cause");
    if (result != -1 || !contains(error, "No such file or directory"))
        diag_error(error);
    octstr_destroy(error);
    error = NULL;
    ok(spool_write_status(spool, SPOOL_DONE, octstr_imm("../x"), octstr_imm("x"),
                          &error) == -1 && contains(error, "invalid job name"),
       "spool_write_status refuses a name with '/'");
    octstr_destroy(error);
    octstr_destroy(active);
    spool_close(spool);
}

static void test_submit(void)
{
    Spool *spool = open_spool("sub");
    Octstr *error = NULL, *name = spool_submit(spool, octstr_imm("To: 1\n"), &error);
    Octstr *tmp = scratch_path("sub/tmp"), *new_dir = scratch_path("sub/new");
    Octstr *tmp_list = entries(tmp), *new_list = entries(new_dir), *back = NULL;

    if (name != NULL)
        back = spool_read(spool, SPOOL_NEW, name, 100, &error);
    ok(name != NULL && octstr_compare(new_list, name) == 0 && back != NULL
       && octstr_str_compare(back, "To: 1\n") == 0,
       "spool_submit puts the whole job into new/ under the name it returns");
    ok(octstr_len(tmp_list) == 0, "spool_submit leaves nothing in tmp/");
    octstr_destroy(name);
    octstr_destroy(back);
    octstr_destroy(tmp);
    octstr_destroy(new_dir);
    octstr_destroy(tmp_list);
    octstr_destroy(new_list);
    octstr_destroy(error);
    spool_close(spool);
}

/* ---- reading ---- */

static void refuses_read(Spool *spool, const char *name, long max, const char *want,
                         const char *what)
{
    Octstr *error = NULL;
    Octstr *content = spool_read(spool, SPOOL_NEW, octstr_imm(name), max, &error);

    ok(content == NULL && contains(error, want), "spool_read refuses %s", what);
    if (content != NULL || !contains(error, want))
        diag_error(error);
    octstr_destroy(content);
    octstr_destroy(error);
}

static void test_read(void)
{
    Spool *spool = open_spool("r");
    Octstr *job = scratch_path("r/new/good"), *error = NULL, *content;
    Octstr *p;
    int fd;

    write_plain(job, "0123456789");
    content = spool_read(spool, SPOOL_NEW, octstr_imm("good"), 10, &error);
    ok(content != NULL && octstr_str_compare(content, "0123456789") == 0,
       "spool_read reads a regular file of exactly max_size bytes");
    octstr_destroy(content);
    refuses_read(spool, "good", 9, "job good in new/ is 10 bytes, more than the limit of 9",
                 "a file one byte over max_size");

    p = scratch_path("r/new/big");
    fd = open(octstr_get_cstr(p), O_WRONLY | O_CREAT, 0660);
    if (fd < 0 || ftruncate(fd, 50L * 1024 * 1024) < 0)
        panic(errno, "cannot make a 50 MB file");
    close(fd);
    octstr_destroy(p);
    refuses_read(spool, "big", 1024 * 1024, "is 52428800 bytes, more than the limit of 1048576",
                 "a 50 MB file (max-job-size 1 MB)");

    p = scratch_path("r/new/link");
    symlink(octstr_get_cstr(job), octstr_get_cstr(p));
    octstr_destroy(p);
    refuses_read(spool, "link", 100, "job link in new/ is a symlink, not a regular file",
                 "a symlink to a good job");

    p = scratch_path("r/new/fifo");
    mkfifo(octstr_get_cstr(p), 0660);
    octstr_destroy(p);
    refuses_read(spool, "fifo", 100, "job fifo in new/ is a FIFO, not a regular file",
                 "a FIFO (without blocking)");

    p = scratch_path("r/new/dir");
    mkdir(octstr_get_cstr(p), 0750);
    octstr_destroy(p);
    refuses_read(spool, "dir", 100, "job dir in new/ is a directory, not a regular file",
                 "a directory");

    p = scratch_path("r/new/hardlink");
    link(octstr_get_cstr(job), octstr_get_cstr(p));
    octstr_destroy(p);
    refuses_read(spool, "hardlink", 100, "has 2 hard links", "a hard-linked file");
    refuses_read(spool, "missing", 100, "job missing in new/: No such file or directory",
                 "a job that is not there");
    refuses_read(spool, "../r/new/good", 100, "invalid job name", "a name with '/'");

    p = scratch_path("r/new/secret");
    write_plain(p, "x");
    chmod(octstr_get_cstr(p), 0);
    if (geteuid() == 0)
        ok(1, "spool_read refuses an unreadable file # SKIP root reads everything");
    else
        refuses_read(spool, "secret", 100, "cannot open it: Permission denied",
                     "an unreadable file");
    octstr_destroy(p);
    octstr_destroy(job);
    octstr_destroy(error);
    spool_close(spool);
}

/* ---- listing, counting, moving ---- */

static void make_job(Spool *spool, SpoolState state, const char *name, int with_status)
{
    Octstr *error = NULL;
    Octstr *path = spool_path(spool, state, octstr_imm(name));

    if (spool_write_file_atomic(path, octstr_imm("job"), &error) < 0
        || (with_status && spool_write_status(spool, state, octstr_imm(name),
                                              octstr_imm("Job: x\n"), &error) < 0))
        panic(0, "%s", octstr_get_cstr(error));
    octstr_destroy(path);
}

static Octstr *joined_list(Spool *spool, SpoolState state, long max)
{
    List *names = spool_list(spool, state, max);
    Octstr *joined = octstr_create(""), *name;

    gwlist_sort(names, by_name);
    while ((name = gwlist_extract_first(names)) != NULL) {
        octstr_format_append(joined, "%s%S", octstr_len(joined) ? " " : "", name);
        octstr_destroy(name);
    }
    gwlist_destroy(names, NULL);
    return joined;
}

/* Jobs a to e in new/ (a and c with a status), a dot file and a stray status. */
static void five_jobs_and_strays(Spool *spool, Octstr *dot, Octstr *stray)
{
    make_job(spool, SPOOL_NEW, "a", 1);
    make_job(spool, SPOOL_NEW, "b", 0);
    make_job(spool, SPOOL_NEW, "c", 1);
    make_job(spool, SPOOL_NEW, "d", 0);
    make_job(spool, SPOOL_NEW, "e", 0);
    write_plain(dot, "not a job");
    write_plain(stray, "status");
}

static void test_list_and_count(void)
{
    Spool *spool = open_spool("l");
    Octstr *listed, *dot = scratch_path("l/new/.tmp.123"), *stray = scratch_path("l/new/x.status");
    long age = -2, n;
    List *three;

    five_jobs_and_strays(spool, dot, stray);
    listed = joined_list(spool, SPOOL_NEW, 100);
    ok_str(octstr_get_cstr(listed), "a b c d e",
           "spool_list gives the jobs, not .status or dot files");
    three = spool_list(spool, SPOOL_NEW, 3);
    ok(gwlist_len(three) == 3, "spool_list stops at max (3 of 5)");
    gwlist_destroy(three, octstr_destroy_item);
    n = spool_count(spool, SPOOL_NEW, &age);
    ok(n == 5 && age >= 0 && age < 60, "spool_count: 5 jobs, the oldest just made (%ld s)", age);
    n = spool_count(spool, SPOOL_DONE, &age);
    ok(n == 0 && age == -1, "spool_count of an empty state: 0, age -1");
    octstr_destroy(listed);
    octstr_destroy(dot);
    octstr_destroy(stray);
    spool_close(spool);
}

static void free_count(void *count)
{
    gw_free(count);
}

/* Names from the cursor into `seen` (counted); returns how many came. */
static long take_names(SpoolCursor *cursor, long max, int *whole, Dict *seen)
{
    List *names = spool_cursor_next(cursor, max, whole);
    Octstr *name;
    long n = gwlist_len(names);
    long *count;

    while ((name = gwlist_extract_first(names)) != NULL) {
        if ((count = dict_get(seen, name)) == NULL) {
            count = gw_malloc(sizeof(*count));
            *count = 0;
            dict_put(seen, name, count);
        }
        ++*count;
        octstr_destroy(name);
    }
    gwlist_destroy(names, NULL);
    return n;
}

static void test_cursor(void)
{
    Spool *spool = open_spool("cur");
    Octstr *dot = scratch_path("cur/new/.hidden"), *stray = scratch_path("cur/new/x.status");
    SpoolCursor *cursor = spool_cursor_create(spool, SPOOL_NEW);
    Dict *seen = dict_create(16, free_count);
    long first, second, third, all;
    int whole1, whole2, whole3, whole4;

    five_jobs_and_strays(spool, dot, stray);
    first = take_names(cursor, 2, &whole1, seen);
    second = take_names(cursor, 2, &whole2, seen);
    third = take_names(cursor, 2, &whole3, seen);
    ok(first == 2 && second == 2 && third == 1 && dict_key_count(seen) == 5,
       "a cursor goes on where it stopped: 2 + 2 + 1 names, 5 different ones");
    ok(!whole1 && !whole2 && !whole3,
       "no call that began mid-way says it saw the whole directory");
    make_job(spool, SPOOL_NEW, "f", 0);
    dict_destroy(seen);
    seen = dict_create(16, free_count);
    all = take_names(cursor, 100, &whole4, seen);
    ok(all == 6 && whole4, "at the end it starts over: the next call lists all 6 (a new job "
       "too), and says it saw the whole directory");
    take_names(cursor, 2, &whole1, seen);
    spool_cursor_rewind(cursor);
    dict_destroy(seen);
    seen = dict_create(16, free_count);
    all = take_names(cursor, 100, &whole1, seen);
    ok(all == 6 && whole1, "after spool_cursor_rewind the next call starts at the top");
    dict_destroy(seen);
    spool_cursor_destroy(cursor);
    octstr_destroy(dot);
    octstr_destroy(stray);
    spool_close(spool);
}

/* A job is found in every state directory, whatever the order of the search. */
static void test_find_everywhere(void)
{
    Spool *spool = open_spool("find");
    char name[16];
    int s, found = 0;

    for (s = 0; s < SPOOL_STATES; s++) {
        sprintf(name, "F%d", s);
        make_job(spool, (SpoolState) s, name, 0);
    }
    for (s = 0; s < SPOOL_STATES; s++) {
        sprintf(name, "F%d", s);
        found += spool_find(spool, octstr_imm(name)) == s;
    }
    ok(found == SPOOL_STATES, "spool_find finds a job in each of the %d state directories",
       SPOOL_STATES);
    spool_close(spool);
}

static void test_move(void)
{
    Spool *spool = open_spool("m");
    Octstr *error = NULL, *active, *done, *status;

    make_job(spool, SPOOL_ACTIVE, "J1", 1);
    make_job(spool, SPOOL_ACTIVE, "J2", 0);
    ok(spool_move(spool, octstr_imm("J1"), SPOOL_ACTIVE, SPOOL_DONE, &error) == 0,
       "spool_move active -> done");
    active = scratch_path("m/active");
    done = scratch_path("m/done");
    {
        Octstr *a = entries(active), *d = entries(done);
        ok(octstr_str_compare(a, "J2") == 0 && octstr_str_compare(d, "J1, J1.status") == 0,
           "the job and its status file moved together");
        octstr_destroy(a);
        octstr_destroy(d);
    }
    ok(spool_find(spool, octstr_imm("J1")) == SPOOL_DONE
       && spool_find(spool, octstr_imm("J2")) == SPOOL_ACTIVE
       && spool_find(spool, octstr_imm("J3")) == -1,
       "spool_find says where each job is (-1 when nowhere)");
    ok(spool_move(spool, octstr_imm("J2"), SPOOL_ACTIVE, SPOOL_FAILED, &error) == 0
       && spool_find(spool, octstr_imm("J2")) == SPOOL_FAILED,
       "spool_move of a job without a status file");
    ok(spool_move(spool, octstr_imm("J2"), SPOOL_ACTIVE, SPOOL_DONE, &error) == -1
       && contains(error, "job J2 is not in active/"),
       "spool_move of a job that is gone: -1, naming job and directory");
    status = spool_read_status(spool, SPOOL_DONE, octstr_imm("J1"), NULL);
    ok(status != NULL && octstr_str_compare(status, "Job: x\n") == 0,
       "spool_read_status reads the moved status");
    octstr_destroy(status);
    ok(spool_read_status(spool, SPOOL_FAILED, octstr_imm("J2"), NULL) == NULL,
       "spool_read_status of a job without status: NULL");
    octstr_destroy(active);
    octstr_destroy(done);
    octstr_destroy(error);
    spool_close(spool);
}

/* A crash between the two renames of a move: job in done/, status in active/. */
static void test_interrupted_move(void)
{
    Spool *spool = open_spool("crash");
    Octstr *from = spool_path(spool, SPOOL_ACTIVE, octstr_imm("J1"));
    Octstr *to = spool_path(spool, SPOOL_DONE, octstr_imm("J1"));
    Octstr *left = spool_status_path(spool, SPOOL_ACTIVE, octstr_imm("J1"));
    Octstr *kept = spool_status_path(spool, SPOOL_ACTIVE, octstr_imm("J2"));
    Octstr *text;

    make_job(spool, SPOOL_ACTIVE, "J1", 1);
    make_job(spool, SPOOL_ACTIVE, "J2", 1);
    make_job(spool, SPOOL_DONE, "J2", 0);
    rename(octstr_get_cstr(from), octstr_get_cstr(to));
    ok(spool_read_status(spool, SPOOL_DONE, octstr_imm("J2"), NULL) == NULL
       && S_ISREG(mode_of(octstr_get_cstr(kept))),
       "a status is never taken from a directory that holds its job");
    ok(spool_read_status(spool, SPOOL_FAILED, octstr_imm("J1"), NULL) == NULL
       && S_ISREG(mode_of(octstr_get_cstr(left))),
       "nor fetched for a job that is not where the caller says");
    text = spool_read_status(spool, SPOOL_DONE, octstr_imm("J1"), NULL);
    ok(text != NULL && octstr_str_compare(text, "Job: x\n") == 0
       && mode_of(octstr_get_cstr(left)) == 0,
       "spool_read_status finishes the move: the status follows its job to done/");
    octstr_destroy(text);
    octstr_destroy(from);
    octstr_destroy(to);
    octstr_destroy(left);
    octstr_destroy(kept);
    spool_close(spool);
}

/* A move cut short after its first rename (the status's): job in active/,
 * status already in done/. Who may bring it back, and who only reads it. */
static void test_status_moves_first(void)
{
    Spool *spool = open_spool("first");
    Octstr *in_active = spool_status_path(spool, SPOOL_ACTIVE, octstr_imm("J1"));
    Octstr *in_done = spool_status_path(spool, SPOOL_DONE, octstr_imm("J1"));
    Octstr *text, *error = NULL;

    make_job(spool, SPOOL_ACTIVE, "J1", 1);
    rename(octstr_get_cstr(in_active), octstr_get_cstr(in_done));
    ok(spool_read_status_at(spool, SPOOL_ACTIVE, octstr_imm("J1"), NULL) == NULL,
       "spool_read_status_at looks only where it is told");
    text = spool_peek_status(spool, SPOOL_ACTIVE, octstr_imm("J1"));
    ok(text != NULL && octstr_str_compare(text, "Job: x\n") == 0
       && S_ISREG(mode_of(octstr_get_cstr(in_done))) && mode_of(octstr_get_cstr(in_active)) == 0,
       "spool_peek_status reads the stray status where it is and moves nothing");
    octstr_destroy(text);
    text = spool_read_status(spool, SPOOL_ACTIVE, octstr_imm("J1"), NULL);
    ok(text != NULL && S_ISREG(mode_of(octstr_get_cstr(in_active)))
       && mode_of(octstr_get_cstr(in_done)) == 0,
       "spool_read_status brings the status back to the job that stayed behind");
    octstr_destroy(text);
    ok(spool_move(spool, octstr_imm("J1"), SPOOL_ACTIVE, SPOOL_DONE, &error) == 0
       && S_ISREG(mode_of(octstr_get_cstr(in_done))), "then the move completes");
    make_job(spool, SPOOL_ACTIVE, "J2", 0);
    spool_write_status(spool, SPOOL_DONE, octstr_imm("J2"), octstr_imm("Job: y\n"), &error);
    ok(spool_move_job(spool, octstr_imm("J2"), SPOOL_ACTIVE, SPOOL_DONE, &error) == 0
       && (text = spool_read_status_at(spool, SPOOL_DONE, octstr_imm("J2"), NULL)) != NULL
       && octstr_str_compare(text, "Job: y\n") == 0,
       "spool_move_job moves the job to the status already written there");
    octstr_destroy(text);
    octstr_destroy(in_active);
    octstr_destroy(in_done);
    spool_close(spool);
}

/* Bigger than one read buffer: every byte, through a path and through a descriptor. */
static void test_read_large(void)
{
    Spool *spool = open_spool("readlarge");
    Octstr *big = octstr_create(""), *path, *text, *error = NULL;
    long i;
    int fd;

    for (i = 0; i < 40000; i++)
        octstr_append_char(big, 'a' + i % 26);
    path = spool_path(spool, SPOOL_ACTIVE, octstr_imm("BIG"));
    if (spool_write_file_atomic(path, big, &error) < 0)
        panic(0, "%s", octstr_get_cstr(error));
    text = spool_read(spool, SPOOL_ACTIVE, octstr_imm("BIG"), 100000, &error);
    ok(text != NULL && octstr_compare(text, big) == 0,
       "spool_read reads a 40,000-byte job whole");
    octstr_destroy(text);
    fd = open(octstr_get_cstr(path), O_RDONLY);
    text = spool_read_open(fd, SPOOL_ACTIVE, octstr_imm("BIG"), 100000, &error);
    ok(text != NULL && octstr_compare(text, big) == 0,
       "spool_read_open reads a 40,000-byte job whole");
    octstr_destroy(text);
    text = spool_read_open(fd, SPOOL_ACTIVE, octstr_imm("BIG"), 39999, &error);
    ok(text == NULL && error != NULL, "one byte over the limit is refused");
    octstr_destroy(error);
    close(fd);
    octstr_destroy(path);
    octstr_destroy(big);
    spool_close(spool);
}

static void test_read_open(void)
{
    Spool *spool = open_spool("readfd");
    Octstr *path, *text, *error = NULL;
    char skipped[2];
    int fd;

    make_job(spool, SPOOL_ACTIVE, "J1", 0);
    path = spool_path(spool, SPOOL_ACTIVE, octstr_imm("J1"));
    fd = open(octstr_get_cstr(path), O_RDONLY);
    ok(read(fd, skipped, 2) == 2, "the descriptor's offset is moved past the start");
    text = spool_read_open(fd, SPOOL_ACTIVE, octstr_imm("J1"), 100, &error);
    ok(text != NULL && octstr_str_compare(text, "job") == 0,
       "spool_read_open reads an open job from its start");
    octstr_destroy(text);
    text = spool_read_open(fd, SPOOL_ACTIVE, octstr_imm("J1"), 2, &error);
    ok(text == NULL && error != NULL && octstr_search(error, octstr_imm("J1"), 0) >= 0
       && octstr_search(error, octstr_imm("limit"), 0) >= 0,
       "spool_read_open keeps the size limit, naming the job");
    octstr_destroy(error);
    close(fd);
    octstr_destroy(path);
    spool_close(spool);
}

static int exists(Octstr *path)
{
    struct stat st;

    return lstat(octstr_get_cstr(path), &st) == 0;
}

static void test_stale_temps(void)
{
    Spool *spool = open_spool("t");
    Octstr *old_new = scratch_path("t/new/.tmp.1.2.3"), *old_done = scratch_path("t/done/.tmp.4.5.6");
    Octstr *young = scratch_path("t/active/.tmp.7.8.9"), *other_dot = scratch_path("t/new/.keep");
    Octstr *job = scratch_path("t/new/job-1");
    struct timeval hour_ago[2];

    write_plain(old_new, "half");
    write_plain(old_done, "half");
    write_plain(young, "being written");
    write_plain(other_dot, "not ours");
    make_job(spool, SPOOL_NEW, "job-1", 1);
    hour_ago[0].tv_sec = hour_ago[1].tv_sec = time(NULL) - 3600;
    hour_ago[0].tv_usec = hour_ago[1].tv_usec = 0;
    utimes(octstr_get_cstr(old_new), hour_ago);
    utimes(octstr_get_cstr(old_done), hour_ago);
    utimes(octstr_get_cstr(other_dot), hour_ago);
    ok(spool_remove_stale_temps(spool, 600) == 2, "spool_remove_stale_temps removes the 2 old temp files");
    ok(!exists(old_new) && !exists(old_done), "old .tmp.* files in new/ and done/ are gone");
    ok(exists(young), "a young temp file (a write under way) stays");
    ok(exists(other_dot) && exists(job), "other dot files and jobs are not touched");
    octstr_destroy(old_new);
    octstr_destroy(old_done);
    octstr_destroy(young);
    octstr_destroy(other_dot);
    octstr_destroy(job);
    spool_close(spool);
}

/* ---- keep-done ---- */

/* The job's file, or its status file. */
static Octstr *job_file(Spool *spool, SpoolState state, const char *name, int status)
{
    return status ? spool_status_path(spool, state, octstr_imm(name))
                  : spool_path(spool, state, octstr_imm(name));
}

static void age_file(Spool *spool, SpoolState state, const char *name, int status, long days)
{
    Octstr *path = job_file(spool, state, name, status);
    struct timeval then[2];

    then[0].tv_sec = then[1].tv_sec = time(NULL) - days * 86400;
    then[0].tv_usec = then[1].tv_usec = 0;
    if (utimes(octstr_get_cstr(path), then) == -1)
        panic(errno, "utimes %s", octstr_get_cstr(path));
    octstr_destroy(path);
}

/* A job (and, if it has one, its status) last changed `days` ago. */
static void old_job(Spool *spool, SpoolState state, const char *name, int with_status, long days)
{
    make_job(spool, state, name, with_status);
    age_file(spool, state, name, 0, days);
    if (with_status)
        age_file(spool, state, name, 1, days);
}

static int job_there(Spool *spool, SpoolState state, const char *name, int status)
{
    Octstr *path = job_file(spool, state, name, status);
    int there = exists(path);

    octstr_destroy(path);
    return there;
}

static void test_keep_done(void)
{
    Spool *spool = open_spool("k");
    long month = 30 * 86400;

    old_job(spool, SPOOL_DONE, "old", 1, 40);
    old_job(spool, SPOOL_DONE, "old-no-status", 0, 40);
    old_job(spool, SPOOL_DONE, "late-report", 1, 40);
    age_file(spool, SPOOL_DONE, "late-report", 1, 2);    /* a DLR two days ago */
    make_job(spool, SPOOL_DONE, "fresh", 1);
    old_job(spool, SPOOL_FAILED, "old-failed", 1, 40);
    old_job(spool, SPOOL_NEW, "old-new", 0, 40);
    ok(retention_sweep_done(spool, month, 100) == 2, "keep-done 30 days removes the 2 jobs "
       "of done/ unchanged for 40 days");
    ok(!job_there(spool, SPOOL_DONE, "old", 0) && !job_there(spool, SPOOL_DONE, "old", 1)
       && !job_there(spool, SPOOL_DONE, "old-no-status", 0),
       "they are gone, each with its status file");
    ok(job_there(spool, SPOOL_DONE, "late-report", 0) && job_there(spool, SPOOL_DONE, "late-report", 1),
       "a job whose status changed 2 days ago (a delivery report) stays");
    ok(job_there(spool, SPOOL_DONE, "fresh", 0), "a job finished now stays");
    ok(job_there(spool, SPOOL_FAILED, "old-failed", 0) && job_there(spool, SPOOL_NEW, "old-new", 0),
       "old jobs in failed/ and new/ are never touched");
    old_job(spool, SPOOL_DONE, "old-1", 1, 40);
    old_job(spool, SPOOL_DONE, "old-2", 1, 40);
    old_job(spool, SPOOL_DONE, "old-3", 1, 40);
    ok(retention_sweep_done(spool, month, 2) == 2 && spool_count(spool, SPOOL_DONE, NULL) == 3,
       "a sweep removes at most max jobs (2 of 3; done/ keeps 3)");
    ok(retention_sweep_done(spool, 50 * 86400, 100) == 0,
       "with keep-done 50 days none of the 40-day-old jobs goes");
    spool_close(spool);
}

/* ---- batched status writes ---- */

static int status_is(Spool *spool, SpoolState state, const char *name, const char *want)
{
    Octstr *got = spool_read_status_at(spool, state, octstr_imm(name), NULL);
    int same = got != NULL && strcmp(octstr_get_cstr(got), want) == 0;

    octstr_destroy(got);
    return same;
}

static SpoolStaged *stage(Spool *spool, const char *name, const char *text, int fresh)
{
    Octstr *error = NULL;
    SpoolStaged *staged = spool_stage_status(spool, SPOOL_DONE, octstr_imm(name),
                                             octstr_imm(text), fresh, &error);

    diag_error(error);
    octstr_destroy(error);
    return staged;
}

static int install(SpoolStaged *staged)
{
    Octstr *error = NULL;
    int ret = spool_install_status(staged, &error);

    diag_error(error);
    octstr_destroy(error);
    return ret;
}

/* A new status is staged unnamed: nothing shows in the directory until it
 * is installed, and nothing is left over after. */
static void test_stage_new_status(void)
{
    Spool *spool = open_spool("sn");
    Octstr *done = scratch_path("sn/done"), *file = scratch_path("sn/done/job-1.status"), *listed;
    SpoolStaged *staged = stage(spool, "job-1", "state: done\n", 1);

    listed = entries(done);
    ok(staged != NULL && octstr_len(listed) == 0,
       "a new status staged: no name in done/ yet (unnamed temp file)");
    octstr_destroy(listed);
    ok(install(staged) == 0, "the staged status is installed");
    listed = entries(done);
    ok_str(octstr_get_cstr(listed), "job-1.status", "done/ holds the status file and no temp file");
    octstr_destroy(listed);
    ok(status_is(spool, SPOOL_DONE, "job-1", "state: done\n"), "the status file holds the staged text");
    ok(mode_of(octstr_get_cstr(file)) == (S_IFREG | 0640),
       "it has the spool's file mode (0660 less the umask)");
    octstr_destroy(file);
    octstr_destroy(done);
    spool_close(spool);
}

/* A status thought new that is there after all, and one staged to replace
 * another: either way the new text replaces the old, no temp file stays. */
static void test_stage_replaces(void)
{
    Spool *spool = open_spool("sr");
    Octstr *done = scratch_path("sr/done"), *old = scratch_path("sr/done/job-1.status"), *listed;
    SpoolStaged *staged;

    write_plain(old, "old\n");
    ok(install(stage(spool, "job-1", "fresh after all\n", 1)) == 0
       && status_is(spool, SPOOL_DONE, "job-1", "fresh after all\n"),
       "a new status meeting an old file replaces it");
    staged = stage(spool, "job-1", "replaced\n", 0);
    listed = entries(done);
    ok(staged != NULL && contains(listed, ".tmp."), "a replacing status is staged under a temp name");
    octstr_destroy(listed);
    ok(install(staged) == 0 && status_is(spool, SPOOL_DONE, "job-1", "replaced\n"),
       "the replacing status is renamed over the old one");
    listed = entries(done);
    ok_str(octstr_get_cstr(listed), "job-1.status", "no temp file is left in done/");
    octstr_destroy(listed);
    octstr_destroy(old);
    octstr_destroy(done);
    spool_close(spool);
}

/* ---- moves never replace a file ---- */

static int file_is(const char *rel, const char *want)
{
    Octstr *path = scratch_path(rel), *got = octstr_read_file(octstr_get_cstr(path));
    int same = got != NULL && octstr_str_compare(got, want) == 0;

    octstr_destroy(got);
    octstr_destroy(path);
    return same;
}

static int exists_rel(const char *rel)
{
    Octstr *path = scratch_path(rel);
    int there = access(octstr_get_cstr(path), F_OK) == 0;

    octstr_destroy(path);
    return there;
}

static void put(const char *rel, const char *content)
{
    Octstr *path = scratch_path(rel);

    write_plain(path, content);
    octstr_destroy(path);
}

static int renames(int (*fn)(const char *, const char *), const char *src, const char *dst)
{
    Octstr *s = scratch_path(src), *d = scratch_path(dst);
    int ret = fn(octstr_get_cstr(s), octstr_get_cstr(d));

    ret = ret == 0 ? 0 : -errno;
    octstr_destroy(s);
    octstr_destroy(d);
    return ret;
}

/* The rename itself, and the link() + unlink() it falls back on. */
static void test_rename_noreplace(void)
{
    Spool *spool = open_spool("nr");

    put("nr/new/a", "job a");
    put("nr/active/a", "another job a");
    ok(renames(spool_rename_noreplace, "nr/new/a", "nr/active/a") == -EEXIST
       && file_is("nr/new/a", "job a") && file_is("nr/active/a", "another job a"),
       "spool_rename_noreplace onto a taken name: EEXIST, both files as they were");
    ok(renames(spool_rename_by_link, "nr/new/a", "nr/active/a") == -EEXIST
       && file_is("nr/new/a", "job a") && file_is("nr/active/a", "another job a"),
       "the link() + unlink() fallback too");
    ok(renames(spool_rename_by_link, "nr/new/a", "nr/done/a") == 0
       && file_is("nr/done/a", "job a") && !file_is("nr/new/a", "job a"),
       "the fallback moves a file to a free name");
    ok(renames(spool_rename_by_link, "nr/new/a", "nr/failed/a") == -ENOENT
       && !file_is("nr/failed/a", "job a"),
       "and leaves nothing behind when the source is gone (another process moved it)");
    spool_close(spool);
}

/* A job whose name is taken in `to`, by a job or by a status alone. */
static void test_move_never_replaces(void)
{
    Spool *spool = open_spool("mt");
    Octstr *error = NULL;

    put("mt/active/J", "job J");
    put("mt/active/J.status", "Job: J\nState: active\n");
    put("mt/done/J", "the old J");
    put("mt/done/J.status", "Job: J\nState: done\n");
    ok(spool_move(spool, octstr_imm("J"), SPOOL_ACTIVE, SPOOL_DONE, &error) == SPOOL_TAKEN
       && contains(error, "the name is taken in done/"),
       "spool_move onto a job's name: SPOOL_TAKEN, saying so");
    ok(file_is("mt/done/J", "the old J") && file_is("mt/done/J.status", "Job: J\nState: done\n")
       && file_is("mt/active/J", "job J") && file_is("mt/active/J.status", "Job: J\nState: active\n"),
       "nothing moved, nothing replaced");
    octstr_destroy(error);
    error = NULL;
    put("mt/failed/J.status", "Job: J\nState: failed\n");
    ok(spool_move(spool, octstr_imm("J"), SPOOL_ACTIVE, SPOOL_FAILED, &error) == SPOOL_TAKEN
       && file_is("mt/failed/J.status", "Job: J\nState: failed\n")
       && file_is("mt/active/J.status", "Job: J\nState: active\n"),
       "a status of another job there is never replaced either");
    octstr_destroy(error);
    error = NULL;
    ok(spool_move_job(spool, octstr_imm("J"), SPOOL_ACTIVE, SPOOL_DONE, &error) == SPOOL_TAKEN
       && file_is("mt/done/J", "the old J") && file_is("mt/active/J", "job J"),
       "spool_move_job onto a taken name: SPOOL_TAKEN, nothing replaced");
    octstr_destroy(error);
    spool_close(spool);
}

/* The job goes on under a new name, its record with it; the old one stays. */
static void test_name_clash_move(void)
{
    Spool *spool = open_spool("nc");
    Octstr *error = NULL, *as = NULL, *status, *long_name, *unique;

    put("nc/active/J", "job J");
    put("nc/active/J.status", "Job: J\nState: active\nRecipient: 4790000001 sent parts=1 acked=1 delivered=0\n");
    put("nc/done/J", "the old J");
    put("nc/done/J.status", "Job: J\nState: done\n");
    ok(name_clash_move(spool, octstr_imm("J"), SPOOL_ACTIVE, SPOOL_DONE, &as, &error) == 0
       && as != NULL && octstr_search(as, octstr_imm("J~"), 0) == 0,
       "name_clash_move onto a taken name moves the job as J~...");
    diag_error(error);
    status = as != NULL ? spool_read_status_at(spool, SPOOL_DONE, as, NULL) : NULL;
    ok(status != NULL && contains(status, "\nRenamed-From: J\n")
       && contains(status, "\nState: done ") && contains(status, "4790000001 sent"),
       "its status goes with it, saying Renamed-From: J");
    ok(file_is("nc/done/J", "the old J") && file_is("nc/done/J.status", "Job: J\nState: done\n")
       && spool_find(spool, octstr_imm("J")) == SPOOL_DONE
       && !exists_rel("nc/active/J.status"),
       "the old job and record are untouched; nothing is left in active/");
    octstr_destroy(status);
    long_name = octstr_create("");
    while (octstr_len(long_name) < 248)
        octstr_append_char(long_name, 'n');
    unique = spool_unique_name(long_name);
    ok(spool_name_ok(unique) && octstr_len(unique) == 248 && octstr_search_char(unique, '~', 0) > 200,
       "a new name for a 248-byte name is cut to fit");
    octstr_destroy(unique);
    octstr_destroy(long_name);
    octstr_destroy(as);
    spool_close(spool);
}

static void test_stage_discard(void)
{
    Spool *spool = open_spool("sd");
    Octstr *done = scratch_path("sd/done"), *listed, *error = NULL;

    spool_discard_staged(stage(spool, "job-1", "unnamed\n", 1));
    spool_discard_staged(stage(spool, "job-2", "named\n", 0));
    listed = entries(done);
    ok(octstr_len(listed) == 0, "discarded staged files leave nothing behind");
    octstr_destroy(listed);
    ok(spool_stage_status(spool, SPOOL_DONE, octstr_imm("../x"), octstr_imm("t"), 1, &error) == NULL
       && contains(error, "invalid job name"), "an invalid name is refused");
    octstr_destroy(error);
    octstr_destroy(done);
    spool_close(spool);
}

/* ---- status locks ---- */

/* A job name whose status lock `set` cannot take because another holds
 * it: the first of job-0, job-1, ... found busy (NULL if none is). */
static Octstr *busy_name(int set)
{
    Octstr *name, *error = NULL;
    long i;
    int ret;

    for (i = 0; i < 1000000; i++) {
        name = octstr_format("job-%ld", i);
        ret = job_lock_status_add(set, name, 0, &error);
        if (ret == JOB_LOCK_BUSY)
            return name;
        octstr_destroy(name);
        if (ret == -1)
            break;
    }
    diag_error(error);
    octstr_destroy(error);
    return NULL;
}

/* One set holds two jobs whose names share a lock byte without waiting;
 * other sets wait for both until the set is released. */
static void test_status_lock_sets(void)
{
    Spool *spool = open_spool("locks");
    Octstr *error = NULL, *twin;
    int a = job_lock_status_set_open(spool, &error), b = job_lock_status_set_open(spool, &error);
    int c = job_lock_status_set_open(spool, &error);

    diag_error(error);
    ok(a >= 0 && b >= 0 && c >= 0 && job_lock_status_add(a, octstr_imm("job-a"), 0, &error) == 0,
       "a set takes a free status lock without waiting");
    twin = busy_name(b);
    job_lock_status_set_release(b);
    ok(twin != NULL, "another set finds a name whose lock byte job-a's holds");
    if (twin != NULL) {
        ok(job_lock_status_add(a, twin, 0, &error) == 0,
           "the holding set takes that job's lock too, without waiting");
        ok(job_lock_status_add(c, twin, 0, &error) == JOB_LOCK_BUSY
           && job_lock_status_add(c, octstr_imm("job-a"), 0, &error) == JOB_LOCK_BUSY,
           "a third set finds both busy");
        job_lock_status_set_release(a);
        ok(job_lock_status_add(c, twin, 0, &error) == 0
           && job_lock_status_add(c, octstr_imm("job-a"), 0, &error) == 0,
           "releasing the set drops both");
    }
    diag_error(error);
    octstr_destroy(error);
    octstr_destroy(twin);
    job_lock_status_set_release(c);
    spool_close(spool);
}

static void test_paths(void)
{
    Spool *spool = open_spool("p");
    Octstr *path = spool_path(spool, SPOOL_DEFERRED, octstr_imm("N"));
    Octstr *status = spool_status_path(spool, SPOOL_FAILED, octstr_imm("N"));
    Octstr *want = octstr_format("%s/p/deferred/N", scratch);
    Octstr *want_status = octstr_format("%s/p/failed/N.status", scratch);

    ok(octstr_compare(path, want) == 0 && octstr_compare(status, want_status) == 0,
       "spool_path and spool_status_path");
    octstr_destroy(path);
    octstr_destroy(status);
    octstr_destroy(want);
    octstr_destroy(want_status);
    spool_close(spool);
}

static void remove_scratch(void)
{
    Octstr *cmd = octstr_format("chmod -R u+rwx %s && rm -rf %s", scratch, scratch);

    if (system(octstr_get_cstr(cmd)) != 0)
        tap_diag("could not remove %s", scratch);
    octstr_destroy(cmd);
}

/* ---- a status that cannot be read just now ---- */

static void test_unreadable_status(void)
{
    Spool *spool = open_spool("u");
    Octstr *fifo = spool_status_path(spool, SPOOL_DONE, octstr_imm("piped"));
    Octstr *text, *summary = NULL, *error = NULL;
    struct rlimit before;
    int unreadable = -1, ok_read, ok_requeue;

    make_job(spool, SPOOL_DONE, "bare", 0);
    text = spool_read_status(spool, SPOOL_DONE, octstr_imm("bare"), &unreadable);
    ok(text == NULL && unreadable == 0, "no status file: NULL, and not 'unreadable'");
    make_job(spool, SPOOL_DONE, "piped", 0);
    mkfifo(octstr_get_cstr(fifo), 0660);
    text = spool_read_status_at(spool, SPOOL_DONE, octstr_imm("piped"), &unreadable);
    ok(text == NULL && unreadable == 0,
       "a status that is a FIFO is refused, not 'unreadable' (a new one may replace it)");
    make_job(spool, SPOOL_FAILED, "kept", 1);
    before = limit_descriptors(0);
    text = spool_read_status_at(spool, SPOOL_FAILED, octstr_imm("kept"), &unreadable);
    ok_read = text == NULL && unreadable == 1;
    restore_descriptors(before);
    before = limit_descriptors(1);     /* the status lock's */
    ok_requeue = spool_requeue(spool, octstr_imm("kept"), 0, &summary, &error) == -1;
    restore_descriptors(before);
    ok(ok_read, "out of descriptors: NULL and 'unreadable'");
    ok(ok_requeue && error != NULL && contains(error, "cannot be read now"),
       "requeue refuses then, instead of sending every recipient again");
    diag_error(error);
    ok(status_is(spool, SPOOL_FAILED, "kept", "Job: x\n"), "and the record is intact");
    octstr_destroy(fifo);
    octstr_destroy(summary);
    octstr_destroy(error);
    spool_close(spool);
}

int main(void)
{
    gwlib_init();
    log_set_output_level(GW_PANIC);
    umask(022);
    if (mkdtemp(scratch) == NULL)
        panic(errno, "mkdtemp");
    test_open_creates_states();
    test_open_setgid_spool();
    test_open_refusals();
    test_state_names();
    test_new_names();
    test_name_ok();
    test_atomic_write();
    test_write_errors();
    test_submit();
    test_read();
    test_list_and_count();
    test_cursor();
    test_move();
    test_interrupted_move();
    test_status_moves_first();
    test_read_open();
    test_find_everywhere();
    test_read_large();
    test_stale_temps();
    test_keep_done();
    test_unreadable_status();
    test_stage_new_status();
    test_stage_replaces();
    test_stage_discard();
    test_rename_noreplace();
    test_move_never_replaces();
    test_name_clash_move();
    test_status_lock_sets();
    test_paths();
    remove_scratch();
    gwlib_shutdown();
    return tap_done();
}
