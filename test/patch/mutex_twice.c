/*
 * mutex_twice.c - reproducer for gwlib's false "Managed to lock the mutex
 * twice!" panic (issue 6, gw-patch/gwlib-mutex-owner.patch).
 *
 * Usage: mutex_twice [plain|gwthread|recursive|recursive-trylock|contend|
 *                     mixed|plain-list]
 *
 *   plain      (default) a thread made with plain pthread_create() locks and
 *              unlocks one gwlib Mutex LOOPS times, then trylocks and unlocks
 *              it. Stock gwlib 1.4.5 panics ("Managed to lock the mutex
 *              twice!") on the first lock: the thread has no gwthread id, so
 *              gwthread_self() returns -1, the "no owner" value. The patched
 *              gwlib lets it finish.
 *   gwthread   the same from a thread made with gwthread_create(): finishes
 *              with both the stock and the patched gwlib.
 *   recursive  a gwthread locks a Mutex twice whose pthread mutex has been
 *              made recursive (as on a platform whose default mutex type is
 *              recursive). The second lock must panic with both libraries:
 *              the patch keeps the check for threads that have a gwthread id.
 *   recursive-trylock  the same, with mutex_trylock() as the second lock.
 *   contend    4 gwthreads increment one counter under the Mutex (lock, or
 *              trylock with lock as the fallback) CONTEND_LOOPS times each;
 *              the total must be exact. Finishes with both libraries.
 *   mixed      the same with 2 gwthreads and 2 plain pthreads: patched only.
 *   plain-list a plain pthread consumes from a gwlib List that the main
 *              thread produces into: gwlist_consume() waits on the List's
 *              condition variable (list.c sets the owner around the wait).
 *              Patched only.
 *
 * Each mode prints TAP ("ok 1 - ..." and the plan) when it finishes; a mode
 * that panics prints no "ok" line and exits with a failure status, and the
 * panic text goes to stderr. gw-patch.sh runs it against both libraries.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gwlib/gwlib.h"
#include "tap.h"

#define LOOPS 5

static Mutex *shared;
static int loops_done;
static int trylock_ret = -2;

/* Lock and unlock the shared Mutex LOOPS times, then trylock it once. */
static void lock_unlock_loop(const char *who)
{
    int i;

    for (i = 1; i <= LOOPS; i++) {
        printf("# %s: lock %d\n", who, i);
        fflush(stdout);
        mutex_lock(shared);
        mutex_unlock(shared);
        loops_done = i;
    }
    printf("# %s: trylock\n", who);
    fflush(stdout);
    trylock_ret = mutex_trylock(shared);
    if (trylock_ret == 0)
        mutex_unlock(shared);
}

static void *plain_thread(void *arg)
{
    (void) arg;
    printf("# plain pthread: gwthread_self() = %ld\n", gwthread_self());
    lock_unlock_loop("plain pthread");
    return NULL;
}

static void gw_thread(void *arg)
{
    (void) arg;
    printf("# gwthread: gwthread_self() = %ld\n", gwthread_self());
    lock_unlock_loop("gwthread");
}

/* Replace the Mutex's pthread mutex by a recursive one. */
static void make_recursive(Mutex *m)
{
    pthread_mutexattr_t attr;

    pthread_mutex_destroy(&m->mutex);
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&m->mutex, &attr);
    pthread_mutexattr_destroy(&attr);
}

#define CONTEND_THREADS 4
#define CONTEND_LOOPS 20000
static long counter;

static void contend_body(void)
{
    long i;

    for (i = 0; i < CONTEND_LOOPS; i++) {
        if (i % 3 == 0 || mutex_trylock(shared) != 0)
            mutex_lock(shared);
        counter++;
        mutex_unlock(shared);
    }
}

static void contend_gw(void *arg)
{
    (void) arg;
    contend_body();
}

static void *contend_plain(void *arg)
{
    (void) arg;
    contend_body();
    return NULL;
}

/* CONTEND_THREADS threads, the first `plain` of them plain pthreads. */
static void contend(int plain)
{
    pthread_t pt[CONTEND_THREADS];
    long gt[CONTEND_THREADS];
    int i;

    for (i = 0; i < CONTEND_THREADS; i++) {
        if (i < plain) {
            if (pthread_create(&pt[i], NULL, contend_plain, NULL) != 0)
                panic(0, "pthread_create failed");
        } else if ((gt[i] = gwthread_create(contend_gw, NULL)) < 0)
            panic(0, "gwthread_create failed");
    }
    for (i = 0; i < CONTEND_THREADS; i++) {
        if (i < plain)
            pthread_join(pt[i], NULL);
        else
            gwthread_join(gt[i]);
    }
    ok(counter == (long) CONTEND_THREADS * CONTEND_LOOPS,
       "%d threads (%d plain pthreads) counted to %ld under one Mutex",
       CONTEND_THREADS, plain, counter);
    if (counter != (long) CONTEND_THREADS * CONTEND_LOOPS)
        tap_diag("want %ld", (long) CONTEND_THREADS * CONTEND_LOOPS);
}

#define LIST_ITEMS 100
static List *list;
static long consumed;

static void *list_consumer(void *arg)
{
    long *item;

    (void) arg;
    while ((item = gwlist_consume(list)) != NULL) {
        if (*item == consumed)
            consumed++;
        gw_free(item);
    }
    return NULL;
}

static void plain_list(void)
{
    pthread_t t;
    long i, *item;

    list = gwlist_create();
    gwlist_add_producer(list);
    if (pthread_create(&t, NULL, list_consumer, NULL) != 0)
        panic(0, "pthread_create failed");
    for (i = 0; i < LIST_ITEMS; i++) {
        item = gw_malloc(sizeof(*item));
        *item = i;
        gwlist_produce(list, item);
        if (i % 10 == 0)
            gwthread_sleep(0.01);  /* let the consumer wait on the List */
    }
    gwlist_remove_producer(list);
    pthread_join(t, NULL);
    gwlist_destroy(list, NULL);
    ok(consumed == LIST_ITEMS, "plain pthread consumed %ld of %d List items "
       "in order", consumed, LIST_ITEMS);
}

static int use_trylock;
static int relocked;

static void relock_thread(void *arg)
{
    (void) arg;
    mutex_lock(shared);
    printf("# gwthread %ld: first lock done, locking again\n", gwthread_self());
    fflush(stdout);
    if (use_trylock) {
        if (mutex_trylock(shared) == 0)
            relocked = 1;
    } else {
        mutex_lock(shared);
        relocked = 1;
    }
    /* Only reached when the second lock was not caught. */
    if (relocked)
        mutex_unlock(shared);
    mutex_unlock(shared);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "plain";
    int status;

    gwlib_init();
    log_set_output_level(GW_INFO);
    shared = mutex_create();

    if (strcmp(mode, "plain") == 0) {
        pthread_t t;
        if (pthread_create(&t, NULL, plain_thread, NULL) != 0)
            panic(0, "pthread_create failed");
        pthread_join(t, NULL);
        ok(loops_done == LOOPS && trylock_ret == 0,
           "plain pthread locked and unlocked a gwlib Mutex %d times "
           "and trylocked it", LOOPS);
    } else if (strcmp(mode, "gwthread") == 0) {
        long t = gwthread_create(gw_thread, NULL);
        if (t < 0)
            panic(0, "gwthread_create failed");
        gwthread_join(t);
        ok(loops_done == LOOPS && trylock_ret == 0,
           "gwthread locked and unlocked a gwlib Mutex %d times "
           "and trylocked it", LOOPS);
    } else if (strcmp(mode, "recursive") == 0
               || strcmp(mode, "recursive-trylock") == 0) {
        long t;
        use_trylock = strcmp(mode, "recursive-trylock") == 0;
        make_recursive(shared);
        t = gwthread_create(relock_thread, NULL);
        if (t < 0)
            panic(0, "gwthread_create failed");
        gwthread_join(t);
        /* Reaching this point means the relock was not caught. */
        ok(!relocked, "a gwthread's relock of a recursive Mutex (%s) "
           "is caught", use_trylock ? "trylock" : "lock");
    } else if (strcmp(mode, "contend") == 0) {
        contend(0);
    } else if (strcmp(mode, "mixed") == 0) {
        contend(2);
    } else if (strcmp(mode, "plain-list") == 0) {
        plain_list();
    } else {
        fprintf(stderr, "usage: %s [plain|gwthread|recursive|"
                "recursive-trylock|contend|mixed|plain-list]\n", argv[0]);
        return 2;
    }

    mutex_destroy(shared);
    status = tap_done();
    gwlib_shutdown();
    return status;
}
