/* sched: thread registry, access ring and lock wrappers (free-running
 * pthreads for now). Everything the registry does is hidden from TSan: its
 * own locking would otherwise order the threads it watches and hide races. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "sched.h"
#include "tsan_annotate.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define SCHED_MAX_THREADS 1024
#define SCHED_RING 64

typedef struct sched_ring_entry {
    const sched_site *site;
    uintptr_t obj;
    size_t size;
    const char *file;
    int line;
    int is_write;
} sched_ring_entry;

typedef struct sched_record {
    uint64_t os_tid;
    sched_role role;
    int alive;
    char name[64];
    unsigned ring_next;
    sched_ring_entry ring[SCHED_RING];
} sched_record;

struct sched_thread {
    pthread_t pt;
    sched_role role;
    char name[64];
    sched_thread_fn fn;
    void *arg;
};

static sched_record g_records[SCHED_MAX_THREADS];
static atomic_int g_nrecords;
static pthread_mutex_t g_reg_lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local sched_record *t_record;
static sched_location_fn g_location;

static const char *const role_names[] = {
    "main", "render-job", "depsgraph-worker", "job", "python", "unknown",
};

const char *sched_role_name(sched_role role)
{
    if ((unsigned)role > SCHED_ROLE_UNKNOWN)
        role = SCHED_ROLE_UNKNOWN;
    return role_names[role];
}

uint64_t sched_os_tid(void) { return (uint64_t)syscall(SYS_gettid); }

static void hidden_begin(void)
{
    HR_TSAN_IGNORE_BEGIN();
}

static void hidden_end(void)
{
    HR_TSAN_IGNORE_END();
}

void sched_thread_register_current(sched_role role, const char *name)
{
    if (t_record)
        return;
    hidden_begin();
    pthread_mutex_lock(&g_reg_lock);
    int n = atomic_load(&g_nrecords);
    sched_record *r = NULL;
    if (n < SCHED_MAX_THREADS) {
        r = &g_records[n];
    } else {
        /* Full: reuse the oldest finished record so the newest threads
         * still get names in reports. */
        for (int i = 0; i < SCHED_MAX_THREADS; i++)
            if (!g_records[i].alive) {
                r = &g_records[i];
                break;
            }
    }
    if (r) {
        memset(r, 0, sizeof(*r));
        r->os_tid = sched_os_tid();
        r->role = role;
        r->alive = 1;
        snprintf(r->name, sizeof(r->name), "%s", name ? name : "");
        if (n < SCHED_MAX_THREADS)
            atomic_store(&g_nrecords, n + 1);
    }
    pthread_mutex_unlock(&g_reg_lock);
    t_record = r;
    hidden_end();
}

int sched_thread_is_registered(void) { return t_record != NULL; }

void sched_thread_unregister_current(void)
{
    if (!t_record)
        return;
    hidden_begin();
    t_record->alive = 0;
    hidden_end();
    t_record = NULL;
}

sched_role sched_current_role(void)
{
    return t_record ? t_record->role : SCHED_ROLE_UNKNOWN;
}

int sched_is_main_thread(void)
{
    return t_record && t_record->role == SCHED_ROLE_MAIN;
}

/* Newest record of a kernel thread id (ids are reused by the kernel).
 * Uninstrumented, so the report hook may use it too. */
HR_IN_SANITIZER_REPORT
static sched_record *find_record(uint64_t os_tid)
{
    int n = atomic_load_explicit(&g_nrecords, memory_order_relaxed);
    sched_record *best = NULL;
    for (int i = 0; i < n; i++)
        if (g_records[i].os_tid == os_tid) {
            best = &g_records[i];
            if (best->alive)
                break;
        }
    return best;
}

sched_thread_info sched_thread_lookup(uint64_t os_tid)
{
    sched_thread_info info = {.role = SCHED_ROLE_UNKNOWN};
    hidden_begin();
    sched_record *r = find_record(os_tid);
    if (r) {
        info.found = 1;
        info.role = r->role;
        memcpy(info.name, r->name, sizeof(info.name));
    }
    hidden_end();
    return info;
}

static void *trampoline(void *p)
{
    sched_thread *t = p;
    char short_name[16];
    snprintf(short_name, sizeof(short_name), "%s", t->name);
    pthread_setname_np(pthread_self(), short_name);
    sched_thread_register_current(t->role, t->name);
    void *ret = t->fn(t->arg);
    sched_thread_unregister_current();
    return ret;
}

int sched_thread_create(sched_thread **out, sched_role role, const char *name,
                        sched_thread_fn fn, void *arg)
{
    sched_thread *t = calloc(1, sizeof(*t));
    if (!t)
        return ENOMEM;
    t->role = role;
    snprintf(t->name, sizeof(t->name), "%s", name ? name : "");
    t->fn = fn;
    t->arg = arg;
    int rc = pthread_create(&t->pt, NULL, trampoline, t);
    if (rc) {
        free(t);
        return rc;
    }
    *out = t;
    return 0;
}

int sched_thread_join(sched_thread *t, void **ret)
{
    int rc = pthread_join(t->pt, ret);
    free(t);
    return rc;
}

/* ---- locks ---------------------------------------------------------- */

void sched_mutex_init(sched_mutex *m) { pthread_mutex_init(&m->m, NULL); }
void sched_mutex_destroy(sched_mutex *m) { pthread_mutex_destroy(&m->m); }
void sched_mutex_lock(sched_mutex *m) { pthread_mutex_lock(&m->m); }
void sched_mutex_unlock(sched_mutex *m) { pthread_mutex_unlock(&m->m); }

void sched_rwlock_init(sched_rwlock *l) { pthread_rwlock_init(&l->l, NULL); }
void sched_rwlock_destroy(sched_rwlock *l) { pthread_rwlock_destroy(&l->l); }
void sched_rwlock_rdlock(sched_rwlock *l) { pthread_rwlock_rdlock(&l->l); }
void sched_rwlock_wrlock(sched_rwlock *l) { pthread_rwlock_wrlock(&l->l); }
void sched_rwlock_unlock(sched_rwlock *l) { pthread_rwlock_unlock(&l->l); }

void sched_spin_init(sched_spin *s) { pthread_spin_init(&s->s, PTHREAD_PROCESS_PRIVATE); }
void sched_spin_destroy(sched_spin *s) { pthread_spin_destroy(&s->s); }
void sched_spin_lock(sched_spin *s) { pthread_spin_lock(&s->s); }
void sched_spin_unlock(sched_spin *s) { pthread_spin_unlock(&s->s); }

void sched_sleep_ms(unsigned ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
    }
}

void sched_yield_point(void) {}

/* ---- accesses ------------------------------------------------------- */

void sched_set_location_provider(sched_location_fn fn) { g_location = fn; }

void sched_access(const sched_site *site, const void *obj, size_t size,
                  int is_write)
{
    sched_record *r = t_record;
    if (!r)
        return;
    const char *file = NULL;
    int line = 0;
    if (g_location && !g_location(&file, &line))
        file = NULL;
    hidden_begin();
    sched_ring_entry *e = &r->ring[r->ring_next % SCHED_RING];
    e->site = site;
    e->obj = (uintptr_t)obj;
    e->size = size;
    e->file = file;
    e->line = line;
    e->is_write = is_write;
    r->ring_next++;
    hidden_end();
}

HR_IN_SANITIZER_REPORT
static int ring_lookup(sched_record *r, uintptr_t addr, sched_access_info *out)
{
    unsigned n = r->ring_next < SCHED_RING ? r->ring_next : SCHED_RING;
    for (unsigned k = 1; k <= n; k++) {
        const sched_ring_entry *e = &r->ring[(r->ring_next - k) % SCHED_RING];
        if (e->site && addr >= e->obj && addr < e->obj + e->size) {
            out->site = e->site->id;
            out->func = e->site->func;
            out->file = e->file;
            out->line = e->line;
            out->is_write = e->is_write;
            return 1;
        }
    }
    return 0;
}

HR_IN_SANITIZER_REPORT
int sched_access_lookup(uint64_t os_tid, uintptr_t addr, sched_access_info *out)
{
    sched_record *r = find_record(os_tid);
    return r ? ring_lookup(r, addr, out) : 0;
}

void sched_reset(void)
{
    hidden_begin();
    pthread_mutex_lock(&g_reg_lock);
    sched_record keep;
    int have = 0;
    if (t_record) {
        keep = *t_record;
        have = 1;
    }
    atomic_store(&g_nrecords, 0);
    if (have) {
        g_records[0] = keep;
        t_record = &g_records[0];
        atomic_store(&g_nrecords, 1);
    }
    pthread_mutex_unlock(&g_reg_lock);
    hidden_end();
}
