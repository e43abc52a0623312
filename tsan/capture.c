/* tsan/capture.c: sanitizer capture (capture.h). TSan: __tsan_on_report is
 * called for every report that is not suppressed; inside it the report is
 * read through TSan's debugging API and copied into a preallocated slot
 * (no locks, no malloc), with each access's site and script location
 * looked up in the sched access ring while they are fresh.
 * sanitizer_collect turns the slots into findings later, symbolising the
 * stacks. ASan: the error report
 * callback turns the report into a finding and runs the fatal hook, since
 * ASan ends the process right after. */
#include "annotate.h"
#include "capture.h"
#include "report/report.h"
#include "report/report_internal.h"
#include "sched/sched.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- the sanitizer runtimes' interfaces (weak: absent in other builds) -- */
void *__tsan_get_current_report(void) __attribute__((weak));
int __tsan_get_report_data(void *report, const char **description, int *count,
                           int *stack_count, int *mop_count, int *loc_count,
                           int *mutex_count, int *thread_count, int *unique_tid_count,
                           void **sleep_trace, unsigned long trace_size)
    __attribute__((weak));
int __tsan_get_report_mop(void *report, unsigned long idx, int *tid, void **addr, int *size,
                          int *write, int *atomic, void **trace, unsigned long trace_size)
    __attribute__((weak));
int __tsan_get_report_thread(void *report, unsigned long idx, int *tid, uint64_t *os_id,
                             int *running, const char **name, int *parent_tid, void **trace,
                             unsigned long trace_size) __attribute__((weak));
void __sanitizer_symbolize_pc(void *pc, const char *fmt, char *out_buf, size_t out_buf_size)
    __attribute__((weak));
void __asan_set_error_report_callback(void (*callback)(const char *)) __attribute__((weak));

#define SLOTS 64
#define SLOT_FRAMES 16
#define SLOT_CALLS 32

typedef struct raw_access {
    int tid;
    uint64_t os_id;
    uintptr_t addr;
    int size, write;
    void *trace[SLOT_FRAMES];
    int found; /* ring lookup hit */
    const char *site;
    const char *func;
    const char *file;
    const char *call;
    int delegated;
    int line;
    uint64_t step;
    /* the thread's latest call of each bpy function, newest first, when
     * the hook ran */
    int ncalls;
    sched_call_info calls[SLOT_CALLS];
} raw_access;

typedef struct raw_report {
    char description[48];
    int nmops;
    raw_access mops[2];
} raw_report;

static raw_report g_slots[SLOTS];
static atomic_int g_slot_next;   /* slots claimed */
static atomic_int g_slot_ready[SLOTS];
static int g_slot_done;          /* slots folded (main only) */
static atomic_int g_slot_overflow;
static void (*g_fatal_hook)(void);

void sanitizer_set_fatal_hook(void (*fn)(void)) { g_fatal_hook = fn; }

/* TSan's runtime options unless the user's TSAN_OPTIONS say otherwise:
 * tsan/options.txt, where each is explained, joined by CMake into
 * HR_TSAN_DEFAULT_OPTIONS. Called during TSan's own start-up, before its
 * thread state exists: no instrumentation (clang 14, which AFL++ uses,
 * would trace the function's entry and crash). */
HR_IN_SANITIZER_REPORT const char *__tsan_default_options(void)
{
    return HR_TSAN_DEFAULT_OPTIONS
#ifdef HR_TSAN_SUPPRESSIONS
        /* the free-threaded interpreter's known internal reports, from
         * CPython's own source tree (scripts/setup-free-threaded) */
        ":suppressions=" HR_TSAN_SUPPRESSIONS
#endif
        ;
}

/* No suppressions of the host model's races: they are hidden from TSan
 * where they happen (HR_TSAN_HOST_INTERNAL_BEGIN in harness/host), because
 * TSan matches suppressions by symbolized names, which depend on a
 * symbolizer being installed (tsan/README.md). */

/* Runs inside TSan's report path: uninstrumented, no libc calls, no locks,
 * no allocation (see HR_IN_SANITIZER_REPORT). */
HR_IN_SANITIZER_REPORT
void __tsan_on_report(void *report)
{
    if (!__tsan_get_report_data)
        return;
    int slot = atomic_fetch_add(&g_slot_next, 1);
    if (slot >= SLOTS) {
        atomic_fetch_add(&g_slot_overflow, 1);
        return;
    }
    raw_report *r = &g_slots[slot];
    r->nmops = 0;
    r->description[0] = '\0';
    const char *desc = NULL;
    int count = 0, nstack = 0, nmop = 0, nloc = 0, nmutex = 0, nthread = 0, nuniq = 0;
    void *sleep_trace[1];
    if (!__tsan_get_report_data(report, &desc, &count, &nstack, &nmop, &nloc, &nmutex,
                                &nthread, &nuniq, sleep_trace, 1)) {
        atomic_store(&g_slot_ready[slot], -1);
        return;
    }
    int d = 0;
    for (; desc && desc[d] && d < (int)sizeof(r->description) - 1; d++)
        r->description[d] = desc[d];
    r->description[d] = '\0';
    for (int i = 0; i < nmop && i < 2; i++) {
        raw_access *a = &r->mops[i];
        void *addr = NULL;
        int atomic = 0;
        for (int k = 0; k < SLOT_FRAMES; k++)
            a->trace[k] = NULL;
        a->tid = -1;
        a->os_id = 0;
        a->size = a->write = 0;
        a->found = 0;
        a->site = a->func = a->file = a->call = NULL;
        a->line = 0;
        __tsan_get_report_mop(report, (unsigned long)i, &a->tid, &addr, &a->size, &a->write,
                              &atomic, a->trace, SLOT_FRAMES);
        a->addr = (uintptr_t)addr;
        for (int t = 0; t < nthread; t++) {
            int tid = -1, running = 0, parent = 0;
            uint64_t os_id = 0;
            const char *name = NULL;
            void *ttrace[1];
            __tsan_get_report_thread(report, (unsigned long)t, &tid, &os_id, &running, &name,
                                     &parent, ttrace, 1);
            if (tid == a->tid) {
                a->os_id = os_id;
                break;
            }
        }
        /* TSan's main thread keeps the kernel id it had before a fork: in a
         * forked schedule process it is the parent's */
        if (a->tid == 0 && sched_main_os_tid())
            a->os_id = sched_main_os_tid();
        a->ncalls = a->os_id ? sched_calls_lookup(a->os_id, a->calls, SLOT_CALLS) : 0;
        sched_access_info info;
        if (a->os_id && sched_access_lookup(a->os_id, a->addr, a->write, &info)) {
            a->found = 1;
            a->site = info.site;
            a->func = info.func;
            a->file = info.file;
            a->call = info.call;
            a->delegated = info.delegated;
            a->line = info.line;
            a->step = info.step;
        }
        r->nmops++;
    }
    atomic_store(&g_slot_ready[slot], 1);
}

static int is_runtime_frame(const char *func)
{
    return strncmp(func, "__tsan", 6) == 0 || strncmp(func, "__interceptor", 13) == 0 ||
           strncmp(func, "__sanitizer", 11) == 0;
}

/* The symbolizer's name, file and line for pc ("??" where it has none). */
static void symbolize(void *pc, report_frame *fr)
{
    char buf[512];
    buf[0] = '\0';
    if (__sanitizer_symbolize_pc)
        __sanitizer_symbolize_pc(pc, "%f\t%s\t%l", buf, sizeof(buf));
    char *f1 = strchr(buf, '\t');
    char *f2 = f1 ? strchr(f1 + 1, '\t') : NULL;
    if (f1)
        *f1 = '\0';
    if (f2)
        *f2 = '\0';
    int named = buf[0] && strcmp(buf, "<null>") != 0 && strcmp(buf, "??") != 0;
    snprintf(fr->func, sizeof(fr->func), "%s", named ? buf : "??");
    snprintf(fr->file, sizeof(fr->file), "%s",
             f1 && f1[1] && strcmp(f1 + 1, "<null>") != 0 ? f1 + 1 : "??");
    fr->line = f2 ? atoi(f2 + 1) : 0;
}

/* The frames of an access as the finding lists them, and the name of the
 * nearest frame of hostrace's own code (own[0] = '\0' if none): the
 * access's site when no annotation covers it. Both come from the
 * executable's own symbols where the frame is ours, so neither depends on
 * the symbolizer; the symbolizer adds file and line (and inlined callees'
 * names) where it works. names gets the names of our frames. */
static void access_frames(const raw_access *ra, report_access *a, char *own, size_t own_len,
                         const char **names, int *nnames)
{
    own[0] = '\0';
    *nnames = 0;
    for (int k = 0; k < SLOT_FRAMES && ra->trace[k]; k++) {
        /* frames below the top hold return addresses: step back into the
         * call instruction */
        void *pc = k ? (char *)ra->trace[k] - 1 : ra->trace[k];
        const char *name = NULL;
        int runtime = 0;
        int ours = selfsym_lookup(pc, &name, &runtime);
        if (ours && runtime)
            continue;
        if (ours) {
            names[(*nnames)++] = name;
            if (!own[0])
                snprintf(own, own_len, "%s", name);
        }
        if (a->nframes >= REPORT_MAX_FRAMES)
            continue;
        report_frame fr;
        symbolize(pc, &fr);
        if (strcmp(fr.func, "??") == 0) {
            if (!ours)
                continue; /* another module's, and nothing names it */
            snprintf(fr.func, sizeof(fr.func), "%s", name);
        } else if (is_runtime_frame(fr.func)) {
            continue;
        }
        a->frames[a->nframes++] = fr;
    }
}

static report_kind kind_of(const char *desc)
{
    if (strncmp(desc, "heap-use-after-free", 19) == 0)
        return REPORT_USE_AFTER_FREE;
    if (strcmp(desc, "lock-order-inversion") == 0)
        return REPORT_LOCK_ORDER_INVERSION;
    return REPORT_DATA_RACE;
}

/* The bpy call an unannotated access was made in: the thread's most recent
 * call whose C function is on the access's stack (names: its frames of
 * hostrace's own code). TSan keeps the last access to each memory cell, so
 * a later call of the same function that touched the same memory would
 * have replaced this one. NULL when the access was made outside any call
 * (the host's own threads, the interpreter). */
static const sched_call_info *call_of(const raw_access *ra, const char **names, int nnames)
{
    for (int c = 0; c < ra->ncalls; c++)
        for (int k = 0; k < nnames; k++)
            if (ra->calls[c].func && strcmp(ra->calls[c].func, names[k]) == 0)
                return &ra->calls[c];
    /* a host thread working for a script thread's call (sched_call_adopt):
     * its stack holds the host's work, not the call; the newest adopted
     * call */
    for (int c = 0; c < ra->ncalls; c++)
        if (ra->calls[c].func && ra->calls[c].delegated)
            return &ra->calls[c];
    return NULL;
}

static void fold(const raw_report *r, report_finding *f)
{
    memset(f, 0, sizeof(*f));
    f->kind = kind_of(r->description);
    for (int i = 0; i < r->nmops; i++) {
        const raw_access *ra = &r->mops[i];
        report_access *a = &f->acc[f->nacc++];
        a->is_write = ra->write;
        a->size = ra->size;
        sched_thread_info ti = sched_thread_lookup(ra->os_id);
        snprintf(a->thread, sizeof(a->thread), "%s", ti.found ? ti.name : "unregistered");
        snprintf(a->role, sizeof(a->role), "%s", sched_role_name(ti.role));
        char own[sizeof(a->site)];
        const char *names[SLOT_FRAMES];
        int nnames;
        access_frames(ra, a, own, sizeof(own), names, &nnames);
        const sched_call_info *call = ra->found ? NULL : call_of(ra, names, nnames);
        if (call) {
            /* no annotation covers it: the script line of the bpy call it
             * was made in, and the step that call began at */
            a->has_step = 1;
            a->step = call->step;
            snprintf(a->call, sizeof(a->call), "%s", call->func);
            a->delegated = call->delegated;
            if (call->file) {
                snprintf(a->py_file, sizeof(a->py_file), "%s", call->file);
                a->py_line = call->line;
            }
        }
        if (ra->found) {
            snprintf(a->site, sizeof(a->site), "%s", ra->site);
            if (ra->call)
                snprintf(a->call, sizeof(a->call), "%s", ra->call);
            a->delegated = ra->delegated;
            a->has_step = 1;
            a->step = ra->step;
            if (ra->file) {
                snprintf(a->py_file, sizeof(a->py_file), "%s", ra->file);
                a->py_line = ra->line;
            }
        } else {
            snprintf(a->site, sizeof(a->site), "%s", own[0] ? own : "??");
        }
    }
    /* which of the two TSan caught second is real timing inside TSan's
     * shadow memory, not part of the finding */
    report_order_accesses(f);
    report_access_message(f, r->description);
}

static int g_tsan_races = 1;

void sanitizer_set_tsan_races(int on) { g_tsan_races = on; }

void sanitizer_collect(void)
{
    int claimed = atomic_load(&g_slot_next);
    if (claimed > SLOTS)
        claimed = SLOTS;
    report_finding *f = malloc(sizeof(*f));
    if (!f)
        return;
    while (g_slot_done < claimed) {
        int ready = atomic_load(&g_slot_ready[g_slot_done]);
        if (ready == 0)
            break; /* still being written by its hook; next call */
        if (ready > 0) {
            fold(&g_slots[g_slot_done], f);
            if (f->kind == REPORT_DATA_RACE)
                f->found_by = REPORT_BY_TSAN;
            if (f->kind != REPORT_DATA_RACE || g_tsan_races)
                report_add(f);
        }
        g_slot_done++;
    }
    free(f);
    int overflow = atomic_exchange(&g_slot_overflow, 0);
    if (overflow)
        report_addf(REPORT_DATA_RACE, "sanitizer-overflow", "", NULL,
                    "%d further sanitizer reports arrived after %d were captured; rerun with "
                    "fewer frames to see them",
                    overflow, SLOTS);
}

/* ---- ASan ------------------------------------------------------------ */

static void asan_report(const char *text)
{
    const char *e = strstr(text, "AddressSanitizer: ");
    char what[64] = "unknown";
    if (e)
        sscanf(e + 18, "%63s", what);
    /* a deadly signal ("SEGV on unknown address", "ABRT", ...) is a crash
     * with no evidence of freed memory, as without ASan */
    report_kind kind = strstr(what, "use-after-free") ? REPORT_USE_AFTER_FREE
                       : (strcmp(what, "SEGV") == 0 || strcmp(what, "BUS") == 0 ||
                          strcmp(what, "ABRT") == 0 || strcmp(what, "FPE") == 0 ||
                          strcmp(what, "ILL") == 0)
                           ? REPORT_CRASH
                           : REPORT_INVARIANT_BROKEN;
    /* the first frame in the project's code names the site */
    char site[128] = "";
    const char *p = text;
    while ((p = strstr(p, "    #")) != NULL) {
        const char *in = strstr(p, " in ");
        const char *nl = strchr(p, '\n');
        if (in && (!nl || in < nl)) {
            char func[128];
            if (sscanf(in + 4, "%127s", func) == 1 && !is_runtime_frame(func) &&
                strncmp(func, "__asan", 6) != 0 && strcmp(func, "free") != 0 &&
                strcmp(func, "malloc") != 0 && strcmp(func, "realloc") != 0) {
                snprintf(site, sizeof(site), "%s", func);
                break;
            }
        }
        p += 5;
    }
    /* the bad access, made by this thread (ASan reports on it): its
     * thread, and the bpy call it was made in, so that its cause is the
     * script's. The signature keeps its keys (the error and the site). */
    static report_finding f;
    memset(&f, 0, sizeof(f));
    f.kind = kind;
    snprintf(f.message, sizeof(f.message), "AddressSanitizer %s in %s", what,
             site[0] ? site : "??");
    snprintf(f.detail, sizeof(f.detail), "%s", text);
    snprintf(f.key_a, sizeof(f.key_a), "%s", what);
    snprintf(f.key_b, sizeof(f.key_b), "%s", site);
    sched_thread_info ti = sched_thread_lookup(sched_os_tid());
    if (ti.found) {
        report_access *a = &f.acc[f.nacc++];
        a->is_write = strstr(text, "WRITE of size") != NULL;
        const char *sz = strstr(text, " of size ");
        a->size = sz ? atoi(sz + 9) : 0;
        snprintf(a->thread, sizeof(a->thread), "%s", ti.name);
        snprintf(a->role, sizeof(a->role), "%s", sched_role_name(ti.role));
        snprintf(a->site, sizeof(a->site), "%s", site[0] ? site : "??");
        sched_call_info call;
        if (sched_call_current(&call)) {
            snprintf(a->call, sizeof(a->call), "%s", call.func);
            a->delegated = call.delegated;
            a->has_step = 1;
            a->step = call.step;
            if (call.file) {
                snprintf(a->py_file, sizeof(a->py_file), "%s", call.file);
                a->py_line = call.line;
            }
        }
    }
    report_add(&f);
    if (g_fatal_hook)
        g_fatal_hook();
}

int sanitizer_tsan_build(void) { return __tsan_get_current_report != NULL; }

int sanitizer_reports_crashes(void) { return __asan_set_error_report_callback != NULL; }

/* A program counter inside the caller (the call instruction). */
__attribute__((noinline)) static void *caller_pc(void)
{
    return (char *)__builtin_return_address(0) - 1;
}

int sanitizer_symbolizes(void)
{
    if (!__tsan_get_current_report || !__sanitizer_symbolize_pc)
        return 1;
    report_frame fr;
    symbolize(caller_pc(), &fr);
    return strcmp(fr.func, "sanitizer_symbolizes") == 0;
}

void sanitizer_install_hooks(void)
{
    if (__asan_set_error_report_callback)
        __asan_set_error_report_callback(asan_report);
}
