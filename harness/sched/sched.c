/* sched: the thread registry and the access ring. Everything here is hidden
 * from TSan: the registry's own locking would otherwise order the threads it
 * watches and hide races. The token scheduler is in sched_core.c. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "sched_internal.h"
#include "tsan/annotate.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

sched_record sched_records_[SCHED_MAX_THREADS];
atomic_int sched_nrecords_;
_Thread_local sched_record *sched_self_;
sched_location_fn sched_location_;

#define g_records sched_records_
#define g_nrecords sched_nrecords_
#define t_record sched_self_
#define g_location sched_location_

static const char *const role_names[SCHED_ROLE_HOST] = {"main", "python", "unknown"};
static const char *const *host_role_names;
static int host_nroles;

void sched_roles_set(const char *const *names, int n)
{
    host_role_names = names;
    host_nroles = n < 0 ? 0 : n > SCHED_MAX_ROLES - SCHED_ROLE_HOST ? SCHED_MAX_ROLES - SCHED_ROLE_HOST : n;
}

const char *sched_role_name(sched_role role)
{
    if (role >= 0 && role < SCHED_ROLE_HOST)
        return role_names[role];
    if (role >= SCHED_ROLE_HOST && role < SCHED_ROLE_HOST + host_nroles &&
        host_role_names[role - SCHED_ROLE_HOST])
        return host_role_names[role - SCHED_ROLE_HOST];
    return role_names[SCHED_ROLE_UNKNOWN];
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

sched_record *sched_record_alloc_locked(sched_role role, const char *name)
{
    int n = atomic_load(&g_nrecords);
    sched_record *r = NULL;
    if (n < SCHED_MAX_THREADS) {
        r = &g_records[n];
        atomic_store(&g_nrecords, n + 1);
    } else if (!sched_active()) {
        /* Full: reuse the oldest finished record so the newest threads
         * still get names in reports. (Scheduled runs never reuse a slot:
         * slot numbers are part of the schedule.) */
        for (int i = 0; i < SCHED_MAX_THREADS; i++)
            if (!g_records[i].alive) {
                r = &g_records[i];
                break;
            }
    }
    if (!r)
        return NULL;
    memset(r, 0, sizeof(*r));
    r->slot = (int)(r - g_records);
    r->role = role;
    r->alive = 1;
    r->deadline = -1;
    snprintf(r->name, sizeof(r->name), "%s", name ? name : "");
    return r;
}

static uint64_t g_main_tid;

HR_IN_SANITIZER_REPORT
uint64_t sched_main_os_tid(void) { return g_main_tid; }

void sched_thread_register_current(sched_role role, const char *name)
{
    if (t_record)
        return;
    if (role == SCHED_ROLE_MAIN)
        g_main_tid = sched_os_tid();
    hidden_begin();
    sched_lock();
    sched_record *r = sched_record_alloc_locked(role, name);
    if (r) {
        r->os_tid = sched_os_tid();
        r->pthread_id = (uint64_t)pthread_self();
        r->state = SCHED_T_RUNNABLE;
    }
    sched_unlock();
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

/* ---- accesses ------------------------------------------------------- */

void sched_set_location_provider(sched_location_fn fn) { g_location = fn; }

static int access_record(const sched_site *site, const void *obj, size_t size, int is_write)
{
    sched_record *r = t_record;
    if (!r)
        return 0;
    const char *file = NULL, *call = NULL;
    int line = 0;
    if (g_location && !g_location(&file, &line))
        file = NULL;
    hidden_begin();
    int delegated = 0;
    if (r->call_depth > 0 && r->call_depth <= SCHED_CALLS) {
        const sched_call_entry *c = &r->call_open[r->call_depth - 1];
        call = c->func;
        delegated = c->delegated;
        if (delegated) {
            /* work for a script thread's call: its line, not the line of
             * Python this host thread may be running for it (a driver) */
            file = c->file;
            line = c->line;
        }
    }
    if (!file && r->call_depth > 0 && r->call_depth <= SCHED_CALLS) {
        /* inside a bpy call that let the script's frames go (the GIL):
         * the call's line */
        const sched_call_entry *c = &r->call_open[r->call_depth - 1];
        file = c->file;
        line = c->line;
    }
    sched_ring_entry *e = &r->ring[r->ring_next % SCHED_RING];
    e->site = site;
    e->obj = (uintptr_t)obj;
    e->size = size;
    e->file = file;
    e->line = line;
    e->is_write = is_write;
    e->step = sched_steps();
    e->call = call;
    e->delegated = delegated;
    r->ring_next++;
    int managed = r->managed;
    if (managed && sched_hb_enabled()) {
        sched_hb_access a = {.site = site, .file = file, .line = line, .call = call,
                             .delegated = delegated, .is_write = is_write, .size = size,
                             .step = e->step};
        sched_hb_on_access(&a, (uintptr_t)obj);
    }
    hidden_end();
    return managed;
}

void sched_access(const sched_site *site, const void *obj, size_t size,
                  int is_write)
{
    if (access_record(site, obj, size, is_write)) {
        sched_conflict_note(t_record->slot, site, obj, is_write);
        sched_core_access_point(site);
    }
}

void sched_access_note(const sched_site *site, const void *obj, size_t size, int is_write)
{
    (void)access_record(site, obj, size, is_write);
}

HR_IN_SANITIZER_REPORT
/* The most recent annotation of r covering addr; for a write, the most
 * recent write annotation (a read annotated since, of the same object,
 * did not make the write), falling back to any. */
static int ring_lookup(sched_record *r, uintptr_t addr, int is_write, sched_access_info *out)
{
    unsigned n = r->ring_next < SCHED_RING ? r->ring_next : SCHED_RING;
    const sched_ring_entry *any = NULL;
    for (unsigned k = 1; k <= n; k++) {
        const sched_ring_entry *e = &r->ring[(r->ring_next - k) % SCHED_RING];
        if (!e->site || addr < e->obj || addr >= e->obj + e->size)
            continue;
        if (is_write && !e->is_write) {
            if (!any)
                any = e;
            continue;
        }
        any = e;
        break;
    }
    if (!any)
        return 0;
    out->site = any->site->id;
    out->func = any->site->func;
    out->file = any->file;
    out->line = any->line;
    out->is_write = any->is_write;
    out->step = any->step;
    out->call = any->call;
    out->delegated = any->delegated;
    return 1;
}

HR_IN_SANITIZER_REPORT
int sched_access_lookup(uint64_t os_tid, uintptr_t addr, int is_write, sched_access_info *out)
{
    sched_record *r = find_record(os_tid);
    return r ? ring_lookup(r, addr, is_write, out) : 0;
}

/* The thread's calls are kept one per C function, the latest of each (a
 * thread calls few distinct functions, however often): an access TSan
 * reports long after it was made still finds its call, where a ring of
 * the last calls had forgotten it. */
static void call_push(sched_record *r, const char *func, const char *file, int line,
                      uint64_t step, int delegated);

void sched_call_enter(const char *func)
{
    sched_record *r = t_record;
    if (!r)
        return;
    const char *file = NULL;
    int line = 0;
    if (g_location && !g_location(&file, &line))
        file = NULL;
    call_push(r, func, file, line, sched_steps(), 0);
}

int sched_call_origin_get(sched_call_origin *out)
{
    sched_record *r = t_record;
    memset(out, 0, sizeof(*out));
    if (!r || r->role != SCHED_ROLE_PYTHON || r->call_depth <= 0 ||
        r->call_depth > SCHED_CALLS)
        return 0;
    hidden_begin();
    const sched_call_entry *c = &r->call_open[r->call_depth - 1];
    out->func = c->func;
    out->file = c->file;
    out->line = c->line;
    out->step = c->step;
    hidden_end();
    return out->func != NULL;
}

HR_IN_SANITIZER_REPORT
int sched_call_current(sched_call_info *out)
{
    sched_record *r = t_record;
    if (!r || r->call_depth <= 0 || r->call_depth > SCHED_CALLS)
        return 0;
    const sched_call_entry *c = &r->call_open[r->call_depth - 1];
    out->func = c->func;
    out->file = c->file;
    out->line = c->line;
    out->step = c->step;
    out->delegated = c->delegated;
    return c->func != NULL;
}

void sched_call_adopt(const sched_call_origin *o)
{
    sched_record *r = t_record;
    if (!r || !o->func)
        return;
    call_push(r, o->func, o->file, o->line, o->step, 1);
}

static void call_push(sched_record *r, const char *func, const char *file, int line,
                      uint64_t step, int delegated)
{
    hidden_begin();
    sched_call_entry *e = NULL, *oldest = &r->calls[0];
    for (int i = 0; i < SCHED_CALLS && !e; i++) {
        if (r->calls[i].func == func || !r->calls[i].func)
            e = &r->calls[i];
        else if (r->calls[i].seq < oldest->seq)
            oldest = &r->calls[i];
    }
    if (!e)
        e = oldest;
    e->func = func;
    e->file = file;
    e->line = line;
    e->step = step;
    e->delegated = delegated;
    e->seq = ++r->calls_next;
    if (r->call_depth < SCHED_CALLS)
        r->call_open[r->call_depth] = *e;
    r->call_depth++;
    hidden_end();
}

void sched_call_leave(void)
{
    sched_record *r = t_record;
    if (r && r->call_depth > 0)
        r->call_depth--;
}

HR_IN_SANITIZER_REPORT
int sched_calls_lookup(uint64_t os_tid, sched_call_info *out, int max)
{
    sched_record *r = find_record(os_tid);
    if (!r)
        return 0;
    /* newest first: each round takes the newest not yet taken */
    int k = 0;
    uint64_t below = UINT64_MAX;
    while (k < max) {
        const sched_call_entry *best = NULL;
        for (int i = 0; i < SCHED_CALLS; i++) {
            const sched_call_entry *e = &r->calls[i];
            if (e->func && e->seq < below && (!best || e->seq > best->seq))
                best = e;
        }
        if (!best)
            break;
        out[k].func = best->func;
        out[k].file = best->file;
        out[k].line = best->line;
        out[k].step = best->step;
        out[k].delegated = best->delegated;
        k++;
        below = best->seq;
    }
    return k;
}

void sched_reset(void)
{
    hidden_begin();
    sched_lock();
    sched_record keep;
    int have = 0;
    if (t_record) {
        keep = *t_record;
        have = 1;
    }
    atomic_store(&g_nrecords, 0);
    if (have) {
        keep.slot = 0;
        g_records[0] = keep;
        t_record = &g_records[0];
        atomic_store(&g_nrecords, 1);
    }
    sched_unlock();
    hidden_end();
}
