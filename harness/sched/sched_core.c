/* sched_core: the token scheduler, virtual time, the lock wrappers and
 * managed host threads.
 *
 * One lock guards all scheduler state; each managed thread waits for the
 * token on a futex word of its own. The handoff must be invisible to TSan:
 * a happens-before edge between the threads it passes the token between
 * would make every access look ordered, and any TSan event whose count
 * depends on real timing (a mutex taken once more after a spurious wakeup)
 * changes TSan's history and so which races it reports. So this file is
 * compiled without TSan instrumentation (CMakeLists.txt), and its lock and
 * waits are raw futex system calls, which TSan does not intercept. The only
 * pthread calls left are the real host locks (which TSan must see) and
 * thread creation. A thread releases the GIL (through the embedding's
 * hooks) before it passes the token on, and takes it back after it got
 * the token back.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "sched_internal.h"
#include "strategy.h"
#include "tsan/annotate.h"

#include <errno.h>
#include <fcntl.h>
#include <execinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

void __sanitizer_symbolize_pc(void *pc, const char *fmt, char *out_buf, size_t out_buf_size)
    __attribute__((weak));

static int g_active;
static sched_config g_cfg;
static int g_current = -1;   /* slot holding the token */
static int64_t g_now;        /* virtual ns */
static uint64_t g_step;      /* scheduling points */
static uint64_t g_choices;   /* choice points */
static int g_live[SCHED_MAX_THREADS]; /* managed, not exited, ascending */
static int g_nlive;
static sched_decision *g_dec;
static size_t g_ndec, g_capdec;
static int g_gil_slot = -1; /* a thread switched out holding the GIL */
static uint32_t g_reg_seq; /* futex word: bumped when a thread registered */
static uint32_t g_lock_word;
/* kernel ids of threads that left the scheduler and are still tearing
 * down (Python's thread state, TSan's thread finish) */
#define MAX_EXITING 64
static uint64_t g_exiting[MAX_EXITING];
static int g_nexiting;
/* external calls (see sched.h) */
static int g_n_ext;          /* managed threads inside sched_ext_wait */
static int g_ext_off;        /* the run is ending: no more waits */
static int g_ext_idle;       /* waiting in real time for another process */
static pid_t g_pid;          /* the scheduled process (not a forked child) */
static int g_forked;         /* this is a child forked from a scheduled run */
static int64_t g_fork_vnow, g_fork_real;

static void futex_wait(uint32_t *addr, uint32_t val)
{
    syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(uint32_t *addr, int n)
{
    syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
}

/* 0 free, 1 taken, 2 taken with waiters (Drepper, "Futexes are tricky") */
void sched_lock(void)
{
    uint32_t c = 0;
    if (__atomic_compare_exchange_n(&g_lock_word, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return;
    if (c != 2)
        c = __atomic_exchange_n(&g_lock_word, 2, __ATOMIC_ACQUIRE);
    while (c != 0) {
        futex_wait(&g_lock_word, 2);
        c = __atomic_exchange_n(&g_lock_word, 2, __ATOMIC_ACQUIRE);
    }
}

void sched_unlock(void)
{
    if (__atomic_fetch_sub(&g_lock_word, 1, __ATOMIC_RELEASE) != 1) {
        __atomic_store_n(&g_lock_word, 0, __ATOMIC_RELEASE);
        futex_wake(&g_lock_word, 1);
    }
}

/* Inside the lock TSan also ignores every memory access and sync event:
 * the strategies and the allocator (malloc's interceptor) run there. */
#define LOCK()                                                               \
    do {                                                                     \
        HR_TSAN_IGNORE_BEGIN();                                              \
        sched_lock();                                                        \
    } while (0)
#define UNLOCK()                                                             \
    do {                                                                     \
        sched_unlock();                                                      \
        HR_TSAN_IGNORE_END();                                                \
    } while (0)

int sched_active(void)
{
    return g_active;
}

int sched_forked_child(void)
{
    return g_forked;
}

int sched_managed(void)
{
    sched_record *me = sched_self_;
    if (!me)
        return 0;
    return me->managed;
}

/* ---- live list -------------------------------------------------------- */

static void live_add(int slot)
{
    int i = g_nlive;
    while (i > 0 && g_live[i - 1] > slot) {
        g_live[i] = g_live[i - 1];
        i--;
    }
    g_live[i] = slot;
    g_nlive++;
}

static void live_remove(int slot)
{
    for (int i = 0; i < g_nlive; i++)
        if (g_live[i] == slot) {
            memmove(&g_live[i], &g_live[i + 1], (size_t)(g_nlive - i - 1) * sizeof(int));
            g_nlive--;
            return;
        }
}

/* ---- start ------------------------------------------------------------- */

static int64_t real_ns(void)
{
    struct timespec ts;
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A child forked from a scheduled run (multiprocessing's fork, os.fork)
 * has one thread: nothing is scheduled there, threads run free, and its
 * clock goes on from the virtual time of the fork in real time. */
static void after_fork_child(void)
{
    if (!g_active)
        return;
    g_forked = 1;
    g_fork_vnow = g_now;
    g_fork_real = real_ns();
    g_active = 0;
    g_ext_off = 1;
    g_lock_word = 0;
    int n = atomic_load(&sched_nrecords_);
    for (int i = 0; i < n && i < SCHED_MAX_THREADS; i++)
        sched_records_[i].managed = 0;
}

void sched_start(const sched_config *cfg)
{
    sched_record *me = sched_self_;
    if (!me)
        return;
    static int atfork_done;
    if (!atfork_done) {
        atfork_done = 1;
        pthread_atfork(NULL, NULL, after_fork_child);
    }
    g_pid = (pid_t)syscall(SYS_getpid);
    LOCK();
    g_cfg = *cfg;
    g_active = 1;
    g_now = 0;
    g_step = 0;
    g_choices = 0;
    g_ndec = 0;
    g_nlive = 0;
    me->managed = 1;
    me->state = SCHED_T_RUNNABLE;
    live_add(me->slot);
    g_current = me->slot;
    UNLOCK();
    sched_hb_reset(cfg->hooks.gil_held, cfg->hooks.gil_orders);
}

/* ---- stopping ------------------------------------------------------------ */

static void capture_location(const char **file, int *line)
{
    *file = NULL;
    *line = 0;
    if (sched_location_ && !sched_location_(file, line))
        *file = NULL;
}

static void symbolize(void *pc, char *out, size_t len)
{
    char buf[512];
    buf[0] = '\0';
    if (__sanitizer_symbolize_pc) {
        __sanitizer_symbolize_pc(pc, "%f %S", buf, sizeof(buf));
    } else {
        char **s = backtrace_symbols(&pc, 1);
        if (s) {
            snprintf(buf, sizeof(buf), "%s", s[0]);
            free(s);
        }
    }
    snprintf(out, len, "%s", buf[0] ? buf : "??");
}

static size_t append(char *buf, size_t len, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static size_t append(char *buf, size_t len, size_t at, const char *fmt, ...)
{
    if (at >= len)
        return at;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + at, len - at, fmt, ap);
    va_end(ap);
    if (n < 0)
        return at;
    return at + (size_t)n >= len ? len : at + (size_t)n;
}

static const char *state_name(const sched_record *r)
{
    switch (r->state) {
    case SCHED_T_RESERVED:
        return "starting";
    case SCHED_T_RUNNABLE:
        return "runnable";
    case SCHED_T_BLOCKED:
        if (r->ext)
            return r->deadline >= 0 ? "in an external call (timed)" : "in an external call";
        return r->deadline >= 0 ? "waiting (timed)" : "blocked";
    case SCHED_T_EXITED:
        return "exited";
    }
    return "?";
}

/* Blocked waiting for work (a label ending in ".idle": the depsgraph
 * workers): listed last, and left out of a deadlock's signature. */
static int waits_for_work(const sched_record *r)
{
    size_t wl = r->state == SCHED_T_BLOCKED && r->block_what ? strlen(r->block_what) : 0;
    return wl >= 5 && strcmp(r->block_what + wl - 5, ".idle") == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Fills *st from the current state. Called by the token holder with the
 * scheduler lock released: every other managed thread is waiting. */
static void build_stop(sched_stop *st, sched_stop_kind kind, sched_record *me,
                       const char *message)
{
    memset(st, 0, sizeof(*st));
    st->kind = kind;
    snprintf(st->message, sizeof(st->message), "%s", message);
    snprintf(st->thread, sizeof(st->thread), "%s", me->name);
    st->role = me->role;
    capture_location(&st->py_file, &st->py_line);

    /* the running thread's own C stack, for the listing */
    if (me->state != SCHED_T_BLOCKED) {
        me->ncstack = backtrace(me->cstack, SCHED_CSTACK);
        me->block_what = NULL;
    }

    static char keys[64][160];
    const char *sorted[64];
    int nkeys = 0;
    size_t at = 0;
    char *out = st->threads;
    size_t len = sizeof(st->threads);
    /* the threads that matter first: those waiting for work (".idle", the
     * depsgraph workers) last, so that a report cut to its first
     * kilobytes still shows what the others wait in */
    static int order[SCHED_MAX_THREADS];
    int norder = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < g_nlive; i++)
            if (waits_for_work(&sched_records_[g_live[i]]) == pass)
                order[norder++] = g_live[i];
    for (int i = 0; i < norder; i++) {
        sched_record *r = &sched_records_[order[i]];
        at = append(out, len, at, "thread %s (%s)%s: %s", r->name, sched_role_name(r->role),
                    r == me && r->state == SCHED_T_RUNNABLE ? " [running]" : "", state_name(r));
        if (r->state == SCHED_T_BLOCKED) {
            at = append(out, len, at, " in %s", r->block_what ? r->block_what : "?");
            if (r->block_file)
                at = append(out, len, at, " at %s:%d", r->block_file, r->block_line);
            if (nkeys < 64 && !waits_for_work(r)) {
                const char *base = r->block_file ? strrchr(r->block_file, '/') : NULL;
                base = base ? base + 1 : r->block_file;
                if (base)
                    snprintf(keys[nkeys], sizeof(keys[nkeys]), "%s@%s:%d",
                             r->block_what ? r->block_what : "?", base, r->block_line);
                else
                    snprintf(keys[nkeys], sizeof(keys[nkeys]), "%s@%s",
                             r->block_what ? r->block_what : "?", sched_role_name(r->role));
                sorted[nkeys] = keys[nkeys];
                nkeys++;
            }
        }
        at = append(out, len, at, "\n");
        /* skip the scheduler's own frames */
        int first = 0;
        while (first < r->ncstack) {
            char fn[256];
            symbolize(r->cstack[first], fn, sizeof(fn));
            if (!strstr(fn, "sched_core.c") && !strstr(fn, "extcall.c") && !strstr(fn, "build_stop") &&
                !strstr(fn, "block_until") && !strstr(fn, "reschedule"))
                break;
            first++;
        }
        for (int k = first; k < r->ncstack && k < first + 10; k++) {
            char fn[256];
            symbolize(r->cstack[k], fn, sizeof(fn));
            at = append(out, len, at, "    C  #%d %s\n", k - first, fn);
        }
        if (g_cfg.hooks.script_stack && r->os_tid) {
            char py[2048];
            if (g_cfg.hooks.script_stack(r->os_tid, py, sizeof(py)))
                at = append(out, len, at, "%s", py);
        }
    }
    qsort(sorted, (size_t)nkeys, sizeof(sorted[0]), cmp_str);
    size_t kat = 0;
    for (int i = 0; i < nkeys; i++) {
        if (i > 0 && strcmp(sorted[i], sorted[i - 1]) == 0)
            continue;
        kat = append(st->blocked_key, sizeof(st->blocked_key), kat, "%s%s", kat ? ";" : "",
                     sorted[i]);
    }
}

/* Ends the run: reports through on_stop, which does not return. Called
 * with the lock held; drops it. */
static void stop_run_on(sched_stop_kind kind, sched_record *me, const sched_record *subject,
                        const char *message) __attribute__((noreturn));
static void stop_run_on(sched_stop_kind kind, sched_record *me, const sched_record *subject,
                        const char *message)
{
    static sched_stop st;
    g_current = me->slot; /* nobody else runs from here on */
    g_ext_off = 1;        /* the report goes straight to the kernel */
    UNLOCK();
    build_stop(&st, kind, me, message);
    if (subject && subject != me) {
        /* the thread the stop is about, not the one that noticed it */
        snprintf(st.thread, sizeof(st.thread), "%s", subject->name);
        st.role = subject->role;
        st.py_file = subject->block_file;
        st.py_line = subject->block_line;
    }
    if (g_cfg.on_stop)
        g_cfg.on_stop(&st);
    fprintf(stderr, "hostrace: %s\n", st.message);
    abort();
}

static void stop_run(sched_stop_kind kind, sched_record *me, const char *message)
    __attribute__((noreturn));
static void stop_run(sched_stop_kind kind, sched_record *me, const char *message)
{
    stop_run_on(kind, me, NULL, message);
}

/* ---- the decision --------------------------------------------------------- */

static void record_decision(const sched_choice *c, int chosen)
{
    if (!g_cfg.record)
        return;
    if (g_ndec == g_capdec) {
        size_t n = g_capdec ? g_capdec * 2 : 1024;
        sched_decision *d = realloc(g_dec, n * sizeof(*d));
        if (!d)
            return;
        g_dec = d;
        g_capdec = n;
    }
    sched_decision *d = &g_dec[g_ndec++];
    d->step = c->step;
    d->current = c->current;
    d->chosen = chosen;
    d->n_enabled = c->n;
    d->label = c->label;
    capture_location(&d->file, &d->line);
}

/* Wakes threads whose virtual deadline has passed. */
static void expire_deadlines(void)
{
    for (int i = 0; i < g_nlive; i++) {
        sched_record *r = &sched_records_[g_live[i]];
        if (r->state == SCHED_T_BLOCKED && r->deadline >= 0 && r->deadline <= g_now) {
            r->state = SCHED_T_RUNNABLE;
            r->timed_out = 1;
            r->deadline = -1;
        }
    }
}

static int earliest_deadline(int64_t *out)
{
    int found = 0;
    for (int i = 0; i < g_nlive; i++) {
        sched_record *r = &sched_records_[g_live[i]];
        if (r->state == SCHED_T_BLOCKED && r->deadline >= 0 && (!found || r->deadline < *out)) {
            *out = r->deadline;
            found = 1;
        }
    }
    return found;
}

/* ---- external calls: completion ------------------------------------------ */

static int64_t ext_stall_ns(void)
{
    return g_cfg.ext_stall_ns > 0 ? g_cfg.ext_stall_ns : 10000000000LL;
}

/* Is e's call ready now? Raw system calls only (here and in the ready
 * functions of extcall.c): TSan sees none of it, so checking adds nothing
 * to any thread's history. */
#define EXT_MASK_REST (1 << 30)

/* Which of e's fds have events now, as sched_ext.mask (0: none). */
static int ext_ready(const sched_ext *e)
{
    if (e->ready)
        return e->ready(e) ? 1 : 0;
    if (e->nfds <= 0)
        return 0; /* nothing but a timeout */
    struct timespec zero = {0, 0};
    long n = syscall(SYS_ppoll, e->fds, (unsigned long)e->nfds, &zero, NULL, 0);
    if (n < 0)
        return 1; /* the real call reports the error */
    int mask = 0;
    for (int i = 0; n > 0 && i < e->nfds; i++)
        if (e->fds[i].revents)
            mask |= i < 30 ? 1 << i : EXT_MASK_REST;
    return mask;
}

/* Are (at least) the calls of mask ready? */
static int ext_ready_as(const sched_ext *e, int mask)
{
    int now = ext_ready(e);
    return (now & mask) == mask;
}

/* Waits in real time, up to budget_ns, until (at least) mask of e is
 * ready (lock held; dropped while waiting). Returns 1 when it is. */
static int ext_await_ready(const sched_ext *e, int mask, int64_t budget_ns)
{
    int64_t start = real_ns();
    for (;;) {
        if (ext_ready_as(e, mask))
            return 1;
        int64_t left = budget_ns - (real_ns() - start);
        if (left <= 0)
            return 0;
        int64_t slice = left > 1000000 ? 1000000 : left;
        struct timespec ts = {0, slice};
        g_ext_idle = 1;
        sched_unlock();
        syscall(SYS_nanosleep, &ts, NULL);
        sched_lock();
        g_ext_idle = 0;
    }
}

int sched_ext_filter(struct pollfd *fds, int nfds, int mask)
{
    int n = 0;
    for (int i = 0; i < nfds; i++) {
        if (i < 30 && !(mask & (1 << i)))
            fds[i].revents = 0;
        n += fds[i].revents != 0;
    }
    return n;
}

/* A decision about an external call (current SCHED_EXTERNAL_*), not a
 * strategy's: recorded at this step for replays. */
static void record_external(int current, int chosen, int n, const char *label)
{
    sched_choice c = {
        .step = g_step,
        .index = g_choices,
        .current = current,
        .enabled = NULL,
        .n = n,
        .label = label,
    };
    record_decision(&c, chosen);
}

static void ext_complete(sched_record *r, int mask)
{
    r->state = SCHED_T_RUNNABLE;
    r->deadline = -1;
    r->ext->mask = mask;
    record_external(SCHED_EXTERNAL_WAKE, r->slot, mask, r->ext->label);
}

static int ext_waiting(const sched_record *r)
{
    return r->state == SCHED_T_BLOCKED && r->ext != NULL;
}

/* Reads path (raw system calls) into buf, NUL-terminated; -1 if unreadable. */
static long raw_read_file(const char *path, char *buf, size_t size)
{
    long fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    long n = syscall(SYS_read, (int)fd, buf, size - 1);
    syscall(SYS_close, (int)fd);
    if (n < 0)
        return -1;
    buf[n] = '\0';
    return n;
}

/* Is process pid a sanitizer's symbolizer? TSan starts llvm-symbolizer
 * (or addr2line) as a child at its first report and keeps it to the end;
 * it completes no call of the script's, so it must not make the scheduler
 * wait in real time (it made every schedule with a finding 4 s slower,
 * and runs differ with what is installed). comm is cut at 15 bytes. */
static int ext_is_symbolizer(long pid)
{
    char path[64], comm[64];
    snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
    if (raw_read_file(path, comm, sizeof(comm)) <= 0)
        return 0;
    return strncmp(comm, "llvm-symbolizer", 15) == 0 || strncmp(comm, "addr2line", 9) == 0;
}

/* Does some thread of the process have a child that is not a symbolizer?
 * (/proc/self/task/TID/children; 1 when that cannot be read: waiting for
 * nothing costs time, never a finding.) */
static int ext_other_children(void)
{
    long dir = syscall(SYS_openat, AT_FDCWD, "/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return 1;
    int found = 0, readable = 0;
    char ents[4096];
    long n;
    while (!found && (n = syscall(SYS_getdents64, (int)dir, ents, sizeof(ents))) > 0) {
        for (long off = 0; off < n && !found;) {
            struct {
                unsigned long long ino;
                long long off;
                unsigned short reclen;
                unsigned char type;
                char name[];
            } *d = (void *)(ents + off);
            off += d->reclen;
            if (d->name[0] < '0' || d->name[0] > '9')
                continue;
            char path[96], kids[1024];
            snprintf(path, sizeof(path), "/proc/self/task/%s/children", d->name);
            if (raw_read_file(path, kids, sizeof(kids)) < 0)
                continue;
            readable = 1;
            for (char *p = kids; *p && !found;) {
                char *end;
                long pid = strtol(p, &end, 10);
                if (end == p)
                    break;
                found = !ext_is_symbolizer(pid);
                p = end;
            }
        }
    }
    syscall(SYS_close, (int)dir);
    return found || !readable;
}

/* Live child processes (running or not yet reaped), other than a
 * sanitizer's symbolizer: someone outside the process that can complete a
 * call. */
static int ext_children(void)
{
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    if (syscall(SYS_waitid, P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT, NULL) != 0)
        return 0;
    /* an exited child not yet reaped is still someone's to wait for */
    return si.si_pid != 0 || ext_other_children();
}

/* Waits in real time, at most budget_ns, until some waiting call is ready;
 * completes those. Returns how many. */
static int ext_wait_real(int64_t budget_ns)
{
    int64_t start = real_ns();
    g_ext_idle = 1;
    int done = 0;
    for (;;) {
        struct pollfd fds[64];
        int nfds = 0, other = 0;
        for (int i = 0; i < g_nlive; i++) {
            sched_record *r = &sched_records_[g_live[i]];
            if (!ext_waiting(r))
                continue;
            int mask = ext_ready(r->ext);
            if (mask) {
                ext_complete(r, mask);
                done++;
                continue;
            }
            if (r->ext->ready || r->ext->nfds + nfds > 64)
                other = 1;
            else
                for (int k = 0; k < r->ext->nfds; k++)
                    fds[nfds++] = (struct pollfd){r->ext->fds[k].fd, r->ext->fds[k].events, 0};
        }
        int64_t left = budget_ns - (real_ns() - start);
        if (done || left <= 0)
            break;
        /* calls with a check of their own are checked every millisecond */
        int64_t slice = other && left > 1000000 ? 1000000 : left;
        struct timespec ts = {slice / 1000000000, slice % 1000000000};
        sched_unlock();
        syscall(SYS_ppoll, nfds ? fds : NULL, (unsigned long)nfds, &ts, NULL, 0);
        sched_lock();
    }
    g_ext_idle = 0;
    return done;
}

/* At every scheduling point: completes the external calls that are ready
 * (or, in a replay, those the recorded run completed at this step). */
static void ext_check(sched_record *me)
{
    sched_strategy *s = g_cfg.strategy;
    if (s && s->wake) {
        int slot, mask;
        while ((slot = s->wake(s, g_step, &mask)) >= 0) {
            sched_record *r = slot < atomic_load(&sched_nrecords_) ? &sched_records_[slot] : NULL;
            char msg[512];
            if (!r || !ext_waiting(r)) {
                snprintf(msg, sizeof(msg),
                         "the schedule diverges from this run: the recorded run completed an "
                         "external call of thread %d at step %llu; in this run that thread is "
                         "not waiting in one",
                         slot, (unsigned long long)g_step);
                stop_run(SCHED_STOP_DIVERGED, me, msg);
            }
            if (!ext_await_ready(r->ext, mask, ext_stall_ns())) {
                snprintf(msg, sizeof(msg),
                         "the schedule diverges from this run: thread %s's %s completed at "
                         "step %llu in the recorded run; in this run it did not complete "
                         "within %.0f s",
                         r->name, r->ext->label, (unsigned long long)g_step,
                         (double)ext_stall_ns() / 1e9);
                stop_run(SCHED_STOP_DIVERGED, me, msg);
            }
            ext_complete(r, mask);
        }
        return;
    }
    if (!g_n_ext)
        return;
    for (int i = 0; i < g_nlive; i++) {
        sched_record *r = &sched_records_[g_live[i]];
        int mask = ext_waiting(r) ? ext_ready(r->ext) : 0;
        if (mask)
            ext_complete(r, mask);
    }
}

/* The main thread waiting in an external call, or NULL. */
static sched_record *ext_main(void)
{
    if (!g_n_ext)
        return NULL;
    for (int i = 0; i < g_nlive; i++) {
        sched_record *r = &sched_records_[g_live[i]];
        if (r->role == SCHED_ROLE_MAIN && ext_waiting(r))
            return r;
    }
    return NULL;
}

static void stop_main_frozen(sched_record *me, sched_record *m, const char *why)
    __attribute__((noreturn));
static void stop_main_frozen(sched_record *me, sched_record *m, const char *why)
{
    char msg[512];
    if (m->block_file)
        snprintf(msg, sizeof(msg),
                 "hang: the main thread is blocked in %s at %s:%d %s; the interface is frozen",
                 m->ext->label, m->block_file, m->block_line, why);
    else
        snprintf(msg, sizeof(msg), "hang: the main thread is blocked in %s %s; the interface "
                 "is frozen", m->ext->label, why);
    stop_run_on(SCHED_STOP_HANG_EXTERNAL, me, m, msg);
}

/* One scheduling point of the token holder me (lock held). Picks the next
 * holder (the caller hands the token over: pass_token); stops the run on
 * deadlock, hang or a diverged replay. */
static int reschedule(sched_record *me, const char *label)
{
    g_step++;
    if (g_cfg.max_steps && g_step > g_cfg.max_steps) {
        char msg[256];
        snprintf(msg, sizeof(msg),
                 "hang: the run exceeded its budget of %llu scheduling points; thread %s (%s) "
                 "was running",
                 (unsigned long long)g_cfg.max_steps, me->name, sched_role_name(me->role));
        stop_run(SCHED_STOP_HANG_STEPS, me, msg);
    }
    ext_check(me);
    sched_record *frozen = ext_main();
    if (frozen && g_now - frozen->ext_since > ext_stall_ns()) {
        char why[96];
        snprintf(why, sizeof(why), "for %.0f s of the host's time",
                 (double)(g_now - frozen->ext_since) / 1e9);
        stop_main_frozen(me, frozen, why);
    }
    expire_deadlines();
    static int enabled[SCHED_MAX_THREADS]; /* only the token holder is here */
    int n;
    for (;;) {
        n = 0;
        for (int i = 0; i < g_nlive; i++) {
            const sched_record *r = &sched_records_[g_live[i]];
            /* a thread that gave the GIL up cannot go on while another
             * keeps it */
            if (r->state == SCHED_T_RUNNABLE &&
                !(r->needs_gil && g_gil_slot >= 0 && g_gil_slot != r->slot))
                enabled[n++] = g_live[i];
        }
        if (n > 0)
            break;
        int64_t next;
        int has_next = earliest_deadline(&next);
        /* Nothing in the process can run: another process may still
         * complete a call. Wait for it in real time, as long as the
         * earliest virtual deadline is away (so virtual time keeps pace
         * with real time while children work), or --stall at most. */
        if (g_n_ext && !(g_cfg.strategy && g_cfg.strategy->wake) && ext_children()) {
            int64_t budget = has_next ? next - g_now : ext_stall_ns();
            if (budget > ext_stall_ns())
                budget = ext_stall_ns();
            if (ext_wait_real(budget))
                continue;
        }
        sched_record *m = ext_main();
        if (m && has_next && next - m->ext_since > ext_stall_ns()) {
            /* time would pass the bound with the main thread still blocked */
            char why[96];
            snprintf(why, sizeof(why), "for more than %.0f s of the host's time (--stall)",
                     (double)ext_stall_ns() / 1e9);
            stop_main_frozen(me, m, why);
        }
        if (!has_next) {
            if (m)
                stop_main_frozen(me, m, "and nothing can complete the call");
            char msg[256];
            snprintf(msg, sizeof(msg),
                     "deadlock: no thread can run and none waits on a timeout (%d thread%s "
                     "blocked)",
                     g_nlive, g_nlive == 1 ? "" : "s");
            stop_run(SCHED_STOP_DEADLOCK, me, msg);
        }
        if (next > g_now)
            g_now = next;
        if (g_cfg.max_vtime_ns && g_now > g_cfg.max_vtime_ns) {
            char msg[256];
            snprintf(msg, sizeof(msg),
                     "hang: virtual time passed its budget of %.0f s; every thread waits on "
                     "time; thread %s (%s) ran last",
                     (double)g_cfg.max_vtime_ns / 1e9, me->name, sched_role_name(me->role));
            stop_run(SCHED_STOP_HANG_TIME, me, msg);
        }
        expire_deadlines();
    }
    int pick = enabled[0];
    if (n > 1 && g_cfg.strategy) {
        sched_choice c = {
            .step = g_step,
            .index = g_choices++,
            .current = me->state == SCHED_T_RUNNABLE ? me->slot : -1,
            .enabled = enabled,
            .n = n,
            .label = label,
        };
        int idx = g_cfg.strategy->pick(g_cfg.strategy, &c);
        if (idx < 0 || idx >= n) {
            char msg[512];
            snprintf(msg, sizeof(msg), "the schedule diverges from this run: %s",
                     g_cfg.strategy->error[0] ? g_cfg.strategy->error : "bad decision");
            stop_run(SCHED_STOP_DIVERGED, me, msg);
        }
        pick = enabled[idx];
        record_decision(&c, pick);
    }
    return pick;
}

/* Labels of value choices live as long as the decisions that point at
 * them: a small interned set. */
static const char *intern_label(const char *label)
{
    static char *labels[32];
    static int nlabels;
    for (int i = 0; i < nlabels; i++)
        if (strcmp(labels[i], label) == 0)
            return labels[i];
    if (nlabels == (int)(sizeof(labels) / sizeof(labels[0])))
        return "value";
    char *copy = strdup(label);
    if (!copy)
        return "value";
    labels[nlabels++] = copy;
    return copy;
}

int sched_choose(int n, const char *label)
{
    sched_record *me = sched_self_;
    if (n < 2 || !me)
        return 0;
    LOCK();
    if (!me->managed || !g_active || !g_cfg.strategy || g_current != me->slot) {
        UNLOCK();
        return 0;
    }
    sched_choice c = {
        .step = g_step,
        .index = g_choices,
        .current = SCHED_VALUE_CHOICE,
        .enabled = NULL,
        .n = n,
        .label = intern_label(label),
    };
    int idx = g_cfg.strategy->choose ? g_cfg.strategy->choose(g_cfg.strategy, &c) : 0;
    if (idx < 0 || idx >= n) {
        char msg[512];
        snprintf(msg, sizeof(msg), "the schedule diverges from this run: %s",
                 g_cfg.strategy->error[0] ? g_cfg.strategy->error : "bad value choice");
        stop_run(SCHED_STOP_DIVERGED, me, msg);
    }
    record_decision(&c, idx);
    UNLOCK();
    return idx;
}

/* Hands the token to slot (lock held). */
static void pass_token(int slot)
{
    g_current = slot;
    sched_record *r = &sched_records_[slot];
    __atomic_fetch_add(&r->wake_seq, 1, __ATOMIC_RELEASE);
    futex_wake(&r->wake_seq, 1);
}

/* Waits until every thread that left the scheduler has also left the
 * kernel. A thread's teardown after its last scheduling point (Python's
 * thread state, TSan's thread finish, which recycles TSan's per-thread
 * slots and trace parts) would otherwise overlap the next thread's run by
 * real timing, and TSan would see a different history from run to run.
 * Lock held; the caller holds the token and not the GIL, which a Python
 * thread's teardown needs. */
static void reap_exiting(void)
{
    while (g_nexiting > 0) {
        uint64_t tid = g_exiting[--g_nexiting];
        pid_t pid = getpid();
        for (int spins = 0; spins < 250000; spins++) {
            if (syscall(SYS_tgkill, pid, (pid_t)tid, 0) == -1 && errno == ESRCH)
                break;
            /* the raw syscall: TSan's nanosleep interceptor records sleeps */
            struct timespec ts = {0, 20000};
            syscall(SYS_nanosleep, &ts, NULL);
        }
    }
}

/* Sleeps on a futex word with the scheduler lock released (held on entry
 * and on return). The TSan ignore region that LOCK() opened stays open
 * across the sleep: TSan's annotation calls are events in the calling
 * thread's trace, and how many rounds a wait loop makes depends on real
 * timing (whether the waker came first), so annotating each round would
 * move the thread's trace position by a different amount every run. TSan
 * picks the shadow slot a new access overwrites by that position, so
 * which earlier access it keeps, and which race it reports, would vary. */
static void wait_word(uint32_t *word, uint32_t seq)
{
    sched_unlock();
    futex_wait(word, seq);
    sched_lock();
}

/* Waits until me holds the token (lock held on entry and exit). */
static void await_token(sched_record *me)
{
    while (g_current != me->slot)
        wait_word(&me->wake_seq, __atomic_load_n(&me->wake_seq, __ATOMIC_ACQUIRE));
    reap_exiting();
}

/* Wakes every thread blocked on obj (lock held). */
static void wake_locked(const void *obj)
{
    for (int i = 0; i < g_nlive; i++) {
        sched_record *r = &sched_records_[g_live[i]];
        if (r->state == SCHED_T_BLOCKED && r->block_obj == obj) {
            r->state = SCHED_T_RUNNABLE;
            r->deadline = -1;
        }
    }
}

/* One scheduling point of me (lock held on entry, released on exit).
 *
 * The GIL: a Python thread switches to another Python thread only where
 * CPython could (boundary: between bytecodes, as at the entry of a bpy
 * call, or in a blocking call). At any other point (a scene access inside
 * a bpy call) it keeps the GIL while it is switched out, as it would in
 * the host, so only threads that do not need the GIL can run meanwhile
 * (g_gil_slot marks the keeper; see thread_enabled and sched_gil_wait).
 *
 * If the token goes elsewhere, the GIL is released first, then the token
 * passed (in that order, so the next holder never waits for the GIL: how
 * long it would wait is real timing, and TSan would record a different
 * history each run); the GIL is taken back after the token came back. */
static void switch_point(sched_record *me, const char *label, int boundary)
{
    int holds = g_cfg.hooks.gil_held ? g_cfg.hooks.gil_held() : 0;
    int keep = holds && !boundary;
    if (holds)
        g_gil_slot = keep ? me->slot : -1;
    int pick = reschedule(me, label);
    if (pick == me->slot) {
        if (holds)
            g_gil_slot = -1; /* runs on, holding it */
        UNLOCK();
        return;
    }
    void *gil = NULL;
    if (holds && !keep) {
        UNLOCK();
        gil = g_cfg.hooks.gil_release ? g_cfg.hooks.gil_release() : NULL;
        LOCK();
    }
    /* a thread in an external call comes back through CPython, which
     * takes the GIL right after the call */
    me->needs_gil = gil != NULL || (me->ext && g_cfg.hooks.gil_acquire &&
                                    (me->role == SCHED_ROLE_PYTHON || me->role == SCHED_ROLE_MAIN));
    pass_token(pick);
    await_token(me);
    me->needs_gil = 0;
    if (keep) {
        /* running again with the GIL; threads waiting for it re-check
         * when they next run */
        g_gil_slot = -1;
        wake_locked(&g_gil_slot);
    }
    UNLOCK();
    if (gil && g_cfg.hooks.gil_acquire)
        g_cfg.hooks.gil_acquire(gil);
}

void sched_point_ex(const char *label, int gil_boundary)
{
    sched_record *me = sched_self_;
    if (!me)
        return;
    sched_hb_point();
    LOCK();
    if (!me->managed) {
        UNLOCK();
        return;
    }
    switch_point(me, label, gil_boundary);
}

void sched_point(const char *label) { sched_point_ex(label, 0); }

void sched_core_access_point(const sched_site *site) { sched_point_ex(site->id, 0); }

void sched_yield_point(const char *label) { sched_point_ex(label ? label : "yield", 0); }

int sched_block_until_ex(const void *obj, int64_t deadline_ns, const char *label,
                         int gil_boundary)
{
    sched_record *me = sched_self_;
    if (!me || !sched_managed()) {
        /* not scheduled: the caller re-checks its condition */
        struct timespec ts = {0, 100000};
        nanosleep(&ts, NULL);
        return 0;
    }
    const char *file;
    int line;
    capture_location(&file, &line);
    void *stack[SCHED_CSTACK];
    int nstack = backtrace(stack, SCHED_CSTACK);
    LOCK();
    me->state = SCHED_T_BLOCKED;
    me->block_obj = obj;
    me->block_what = label;
    me->deadline = deadline_ns;
    me->timed_out = 0;
    me->block_file = file;
    me->block_line = line;
    memcpy(me->cstack, stack, sizeof(stack[0]) * (size_t)nstack);
    me->ncstack = nstack;
    /* switch_point drops the lock; read the outcome once the token is back */
    switch_point(me, label, gil_boundary);
    LOCK();
    int timed_out = me->timed_out;
    me->timed_out = 0;
    me->block_obj = NULL;
    me->block_what = NULL;
    UNLOCK();
    return timed_out;
}

int sched_block_until(const void *obj, int64_t deadline_ns, const char *label)
{
    return sched_block_until_ex(obj, deadline_ns, label, 0);
}

/* ---- external calls: the calling side ------------------------------------- */

int sched_ext_candidate(void)
{
    sched_record *me = sched_self_;
    if (!me || !me->managed || !g_active || g_ext_off)
        return 0;
    if (__atomic_load_n(&g_current, __ATOMIC_RELAXED) != me->slot)
        return 0;
    if ((pid_t)syscall(SYS_getpid) != g_pid)
        return 0; /* a vfork child, between fork and exec */
    if (g_cfg.hooks.gil_held && g_cfg.hooks.gil_held())
        return 0; /* CPython did not release the GIL: not a blocking call it knows */
    return 1;
}

int sched_ext_now(sched_ext *e)
{
    sched_record *me = sched_self_;
    if (!me || !me->managed || !g_active || g_ext_off ||
        __atomic_load_n(&g_current, __ATOMIC_RELAXED) != me->slot ||
        (pid_t)syscall(SYS_getpid) != g_pid)
        return -1;
    if (e->local) {
        e->mask = ext_ready(e);
        return e->mask;
    }
    LOCK();
    sched_strategy *s = g_cfg.strategy;
    int ready;
    if (s && s->outcome) {
        ready = s->outcome(s, g_step, e->label);
        char msg[512];
        if (ready < 0) {
            snprintf(msg, sizeof(msg), "the schedule diverges from this run: %s", s->error);
            stop_run(SCHED_STOP_DIVERGED, me, msg);
        }
        if (ready && !ext_await_ready(e, ready, ext_stall_ns())) {
            snprintf(msg, sizeof(msg),
                     "the schedule diverges from this run: %s was ready at step %llu in the "
                     "recorded run; in this run it did not become ready within %.0f s",
                     e->label, (unsigned long long)g_step, (double)ext_stall_ns() / 1e9);
            stop_run(SCHED_STOP_DIVERGED, me, msg);
        }
    } else {
        ready = ext_ready(e);
    }
    record_external(SCHED_EXTERNAL_NOW, ready, 0, e->label);
    e->mask = ready;
    UNLOCK();
    return ready;
}

int sched_ext_wait(sched_ext *e, int64_t deadline_ns)
{
    if (!sched_ext_candidate())
        return -1;
    sched_record *me = sched_self_;
    const char *file = NULL;
    int line = 0;
    if (!g_cfg.hooks.location_nogil || !g_cfg.hooks.location_nogil(&file, &line))
        file = NULL;
    void *stack[SCHED_CSTACK];
    int nstack = backtrace(stack, SCHED_CSTACK);
    LOCK();
    if (deadline_ns >= 0 && deadline_ns <= g_now) {
        UNLOCK();
        return 1;
    }
    me->state = SCHED_T_BLOCKED;
    me->block_obj = e;
    me->block_what = e->label;
    me->deadline = deadline_ns;
    me->timed_out = 0;
    me->block_file = file;
    me->block_line = line;
    memcpy(me->cstack, stack, sizeof(stack[0]) * (size_t)nstack);
    me->ncstack = nstack;
    me->ext = e;
    me->ext_since = g_now;
    g_n_ext++;
    switch_point(me, e->label, 1);
    LOCK();
    int timed_out = me->timed_out;
    me->timed_out = 0;
    me->block_obj = NULL;
    me->block_what = NULL;
    me->ext = NULL;
    g_n_ext--;
    UNLOCK();
    return timed_out;
}

void sched_ext_off(void)
{
    __atomic_store_n(&g_ext_off, 1, __ATOMIC_RELAXED);
}

int sched_ext_idle_waiting(void)
{
    return __atomic_load_n(&g_ext_idle, __ATOMIC_RELAXED);
}

void sched_gil_wait(void)
{
    sched_record *me = sched_self_;
    if (!me || !sched_managed())
        return;
    for (;;) {
        LOCK();
        int busy = g_gil_slot >= 0 && g_gil_slot != me->slot;
        UNLOCK();
        if (!busy)
            return;
        sched_block_until_ex(&g_gil_slot, -1, "gil.wait", 0);
    }
}

int sched_gil_kept_elsewhere(void)
{
    sched_record *me = sched_self_;
    /* changed only by the token holder, which is the caller */
    int keeper = __atomic_load_n(&g_gil_slot, __ATOMIC_RELAXED);
    return keeper >= 0 && (!me || keeper != me->slot);
}

void sched_wake(const void *obj)
{
    if (!obj || !sched_active())
        return;
    LOCK();
    wake_locked(obj);
    UNLOCK();
}

/* ---- clock ---------------------------------------------------------------- */

int64_t sched_now_ns(void)
{
    if (g_forked)
        return g_fork_vnow + (real_ns() - g_fork_real);
    return g_now;
}

int64_t sched_clock_read_ns(void)
{
    if (!sched_managed())
        return sched_now_ns();
    LOCK();
    g_now += 1000;
    int64_t v = g_now;
    UNLOCK();
    return v;
}

void sched_sleep_ms(unsigned ms)
{
    if (sched_managed()) {
        sched_block_until(NULL, sched_now_ns() + (int64_t)ms * 1000000, "sleep");
        return;
    }
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
    }
}

void sched_pace(int64_t virtual_ns, unsigned real_us)
{
    if (sched_managed()) {
        sched_block_until(NULL, sched_now_ns() + virtual_ns, "frame.wait");
        return;
    }
    struct timespec ts = {real_us / 1000000, (long)(real_us % 1000000) * 1000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
    }
}

/* ---- threads ------------------------------------------------------------- */

int sched_reserve(sched_role role, const char *name)
{
    LOCK();
    sched_record *r = sched_record_alloc_locked(role, name);
    int slot = -1;
    if (r) {
        r->state = SCHED_T_RESERVED;
        r->managed = 1;
        live_add(r->slot);
        slot = r->slot;
    }
    UNLOCK();
    /* the thread is made now (pthread_create follows): it starts with
     * everything its parent did so far */
    if (slot >= 0)
        sched_hb_fork(slot);
    return slot;
}

void sched_wait_registered(int slot)
{
    if (slot < 0)
        return;
    sched_record *r = &sched_records_[slot];
    LOCK();
    while (r->state == SCHED_T_RESERVED)
        wait_word(&g_reg_seq, __atomic_load_n(&g_reg_seq, __ATOMIC_ACQUIRE));
    UNLOCK();
}

void sched_cancel_reserved(int slot)
{
    sched_record *r = &sched_records_[slot];
    LOCK();
    r->state = SCHED_T_EXITED;
    r->alive = 0;
    r->managed = 0;
    live_remove(slot);
    UNLOCK();
}

void sched_register_reserved(int slot)
{
    sched_record *r = &sched_records_[slot];
    /* the GIL first: the parent takes it back as soon as it sees us */
    void *gil = g_cfg.hooks.gil_release ? g_cfg.hooks.gil_release() : NULL;
    LOCK();
    r->os_tid = sched_os_tid();
    r->pthread_id = (uint64_t)pthread_self();
    r->state = SCHED_T_RUNNABLE;
    sched_self_ = r;
    __atomic_fetch_add(&g_reg_seq, 1, __ATOMIC_RELEASE);
    futex_wake(&g_reg_seq, INT32_MAX);
    await_token(r);
    UNLOCK();
    if (gil && g_cfg.hooks.gil_acquire)
        g_cfg.hooks.gil_acquire(gil);
}

void sched_exit_current(void)
{
    sched_record *me = sched_self_;
    if (!me)
        return;
    sched_hb_point();
    LOCK();
    if (!me->managed) {
        me->alive = 0;
        UNLOCK();
        return;
    }
    me->state = SCHED_T_EXITED;
    me->alive = 0;
    live_remove(me->slot);
    if (g_nexiting < MAX_EXITING)
        g_exiting[g_nexiting++] = me->os_tid;
    for (int i = 0; i < g_nlive; i++) {
        sched_record *r = &sched_records_[g_live[i]];
        if (r->state == SCHED_T_BLOCKED && r->block_obj == me) {
            r->state = SCHED_T_RUNNABLE;
            r->deadline = -1;
        }
    }
    /* The token passes on while this thread may still hold the GIL (a
     * Python thread returning into its bootstrap): the next holder first
     * waits for this thread to leave the kernel (reap_exiting), so it never
     * contends for the GIL with it. */
    pass_token(reschedule(me, "thread.exit"));
    me->managed = 0;
    UNLOCK();
}

int sched_slot_exited(int slot)
{
    if (slot < 0 || slot >= SCHED_MAX_THREADS)
        return 1;
    return sched_records_[slot].state == SCHED_T_EXITED;
}

int sched_live_count(sched_role role)
{
    if (!sched_active())
        return 0;
    int n = 0, nrec = atomic_load(&sched_nrecords_);
    LOCK();
    for (int i = 0; i < nrec && i < SCHED_MAX_THREADS; i++) {
        sched_record *r = &sched_records_[i];
        if (r->role == role && r->managed && r->state != SCHED_T_EXITED)
            n++;
    }
    UNLOCK();
    return n;
}

int sched_wait_exit(int slot, int64_t timeout_ns, int gil_boundary)
{
    if (slot < 0 || slot >= SCHED_MAX_THREADS)
        return 1;
    sched_point_ex("thread.join", gil_boundary);
    int64_t deadline = timeout_ns < 0 ? -1 : sched_now_ns() + timeout_ns;
    for (;;) {
        if (sched_slot_exited(slot)) {
            sched_hb_join(slot);
            return 1;
        }
        if (deadline >= 0 && sched_now_ns() >= deadline)
            return 0;
        sched_block_until_ex(&sched_records_[slot], deadline, "thread.join", gil_boundary);
    }
}

struct sched_thread {
    pthread_t pt;
    sched_role role;
    char name[64];
    sched_thread_fn fn;
    void *arg;
    int slot; /* -1 when free-running */
};

static void set_os_name(const char *name)
{
    char short_name[16];
    snprintf(short_name, sizeof(short_name), "%s", name);
    pthread_setname_np(pthread_self(), short_name);
}

static void *trampoline_free(void *p)
{
    sched_thread *t = p;
    set_os_name(t->name);
    sched_thread_register_current(t->role, t->name);
    void *ret = t->fn(t->arg);
    sched_thread_unregister_current();
    return ret;
}

static void *trampoline_managed(void *p)
{
    sched_thread *t = p;
    set_os_name(t->name);
    sched_register_reserved(t->slot);
    void *ret = t->fn(t->arg);
    sched_exit_current();
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
    t->slot = -1;
    int rc;
    if (sched_managed()) {
        t->slot = sched_reserve(role, t->name);
        if (t->slot < 0) {
            free(t);
            return EAGAIN;
        }
        rc = pthread_create(&t->pt, NULL, trampoline_managed, t);
        if (rc) {
            sched_cancel_reserved(t->slot);
            free(t);
            return rc;
        }
        sched_wait_registered(t->slot);
        sched_point("thread.create");
    } else {
        rc = pthread_create(&t->pt, NULL, trampoline_free, t);
        if (rc) {
            free(t);
            return rc;
        }
    }
    *out = t;
    return 0;
}

int sched_thread_join(sched_thread *t, void **ret)
{
    if (t->slot >= 0 && sched_managed())
        sched_wait_exit(t->slot, -1, 0); /* the join's edge (sched_hb_join) */
    /* bounded: the thread has left the scheduler and only returns */
    int rc = pthread_join(t->pt, ret);
    free(t);
    return rc;
}

/* ---- locks ----------------------------------------------------------------- */

/* The held/readers/writer fields are the scheduler's view of each lock;
 * like the rest of its state they live in this uninstrumented file, so TSan
 * never sees them. TSan sees the real pthread lock, which is never
 * contended under the scheduler. */
void sched_mutex_init(sched_mutex *m)
{
    pthread_mutex_init(&m->m, NULL);
    m->held = 0;
}
void sched_mutex_destroy(sched_mutex *m) { pthread_mutex_destroy(&m->m); }

void sched_mutex_lock(sched_mutex *m)
{
    if (sched_managed()) {
        sched_point("mutex.lock");
        while (m->held)
            sched_block_until(m, -1, "mutex.lock");
        m->held++;
    }
    pthread_mutex_lock(&m->m);
    sched_hb_acquire(m);
}

void sched_mutex_unlock(sched_mutex *m)
{
    sched_hb_release(m);
    pthread_mutex_unlock(&m->m);
    if (sched_managed()) {
        m->held--;
        sched_wake(m);
    }
}

void sched_cond_init(sched_cond *c) { pthread_cond_init(&c->c, NULL); }
void sched_cond_destroy(sched_cond *c) { pthread_cond_destroy(&c->c); }

void sched_cond_wait(sched_cond *c, sched_mutex *m, const char *label)
{
    if (!sched_managed()) {
        pthread_cond_wait(&c->c, &m->m);
        return;
    }
    sched_mutex_unlock(m);
    sched_block_until(c, -1, label ? label : "cond.wait");
    sched_mutex_lock(m);
}

void sched_cond_broadcast(sched_cond *c)
{
    sched_wake(c);
    pthread_cond_broadcast(&c->c);
}

void sched_rwlock_init(sched_rwlock *l)
{
    pthread_rwlock_init(&l->l, NULL);
    l->readers = l->writer = 0;
}
void sched_rwlock_destroy(sched_rwlock *l) { pthread_rwlock_destroy(&l->l); }

void sched_rwlock_rdlock(sched_rwlock *l)
{
    if (sched_managed()) {
        sched_point("rwlock.rdlock");
        while (l->writer)
            sched_block_until(l, -1, "rwlock.rdlock");
        l->readers++;
    }
    pthread_rwlock_rdlock(&l->l);
    sched_hb_acquire_rw(l, 0);
}

void sched_rwlock_wrlock(sched_rwlock *l)
{
    if (sched_managed()) {
        sched_point("rwlock.wrlock");
        while (l->writer || l->readers)
            sched_block_until(l, -1, "rwlock.wrlock");
        l->writer++;
    }
    pthread_rwlock_wrlock(&l->l);
    sched_hb_acquire_rw(l, 1);
}

void sched_rwlock_unlock(sched_rwlock *l)
{
    if (sched_managed())
        sched_hb_release_rw(l, l->writer != 0);
    pthread_rwlock_unlock(&l->l);
    if (sched_managed()) {
        if (l->writer)
            l->writer--;
        else
            l->readers--;
        sched_wake(l);
    }
}

void sched_spin_init(sched_spin *s)
{
    pthread_spin_init(&s->s, PTHREAD_PROCESS_PRIVATE);
    s->held = 0;
}
void sched_spin_destroy(sched_spin *s) { pthread_spin_destroy(&s->s); }

void sched_spin_lock(sched_spin *s)
{
    if (sched_managed()) {
        sched_point("spin.lock");
        while (s->held)
            sched_block_until(s, -1, "spin.lock");
        s->held++;
    }
    pthread_spin_lock(&s->s);
    sched_hb_acquire(s);
}

void sched_spin_unlock(sched_spin *s)
{
    sched_hb_release(s);
    pthread_spin_unlock(&s->s);
    if (sched_managed()) {
        s->held--;
        sched_wake(s);
    }
}

/* ---- introspection -------------------------------------------------------- */

const sched_decision *sched_decisions(size_t *n)
{
    *n = g_ndec;
    return g_dec;
}

uint64_t sched_steps(void)
{
    return g_step;
}

const char *sched_slot_name(int slot)
{
    if (slot < 0 || slot >= atomic_load(&sched_nrecords_))
        return "?";
    return sched_records_[slot].name;
}

sched_role sched_slot_role(int slot)
{
    if (slot < 0 || slot >= atomic_load(&sched_nrecords_))
        return SCHED_ROLE_UNKNOWN;
    return sched_records_[slot].role;
}

int sched_slot_count(void) { return atomic_load(&sched_nrecords_); }

int sched_token_holder(char *name, size_t len, sched_role *role, uint64_t *os_tid,
                       uint64_t *pthread_id)
{
    if (!sched_active())
        return 0;
    HR_TSAN_IGNORE_BEGIN();
    int cur = g_current;
    int ok = cur >= 0 && cur < SCHED_MAX_THREADS;
    if (ok) {
        sched_record *r = &sched_records_[cur];
        snprintf(name, len, "%s", r->name);
        *role = r->role;
        *os_tid = r->os_tid;
        *pthread_id = r->pthread_id;
    }
    HR_TSAN_IGNORE_END();
    return ok;
}
