/* sched: every managed thread, every host lock and every scene-graph access
 * goes through this interface.
 *
 * Owns: the thread registry (name and role of each managed thread), the
 * per-thread ring of recent scene accesses (site, object, script location),
 * and the lock wrappers. It knows nothing of Blender or of Python: the script
 * location of an access comes from a provider that the embedding layer
 * installs (sched_set_location_provider).
 *
 * Two modes. Free (the default until sched_start): threads run on pthreads
 * and a scheduling point only records the access. Scheduled (after
 * sched_start): exactly one managed thread runs at a time, the token holder;
 * the token moves only at scheduling points (accesses, lock operations,
 * thread start/exit/join, sleeps, the Python primitives the embedding
 * interposes), and a strategy (strategy.h) alone picks the next holder.
 * Time is virtual: it advances only when every thread waits on time. The
 * scheduler's own handoff is hidden from TSan. A thread never waits for the
 * token while holding the GIL: the embedding's hooks release it.
 */
#ifndef HOSTRACE_SCHED_H
#define HOSTRACE_SCHED_H

#include "tsan/annotate.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/* A thread's role: what the thread is to the host, by which reports name
 * it. The scheduler knows three, the host's main thread, a Python thread
 * and a thread not registered; a host model names its own threads' roles
 * (sched_roles_set), numbered from SCHED_ROLE_HOST. */
typedef int sched_role;
enum {
    SCHED_ROLE_MAIN = 0, /* "main" */
    SCHED_ROLE_PYTHON,   /* "python" */
    SCHED_ROLE_UNKNOWN,  /* "unknown" */
    SCHED_ROLE_HOST,     /* the host model's first: names[0] of sched_roles_set */
    SCHED_MAX_ROLES = SCHED_ROLE_HOST + 16,
};

/* The host model's roles: role SCHED_ROLE_HOST + i is names[i] (n at most
 * SCHED_MAX_ROLES - SCHED_ROLE_HOST). names is the caller's and must stay
 * (a static table); set it before the host's threads start. */
void sched_roles_set(const char *const *names, int n);
/* The role's name; "unknown" for a role no one named. */
const char *sched_role_name(sched_role role);

/* ---- threads ---------------------------------------------------------- */

typedef struct sched_thread sched_thread;
typedef void *(*sched_thread_fn)(void *arg);

/* Creates a managed host thread. Returns 0 or an errno value. */
int sched_thread_create(sched_thread **out, sched_role role, const char *name,
                        sched_thread_fn fn, void *arg);
/* Joins and frees the handle. Returns 0 or an errno value. */
int sched_thread_join(sched_thread *t, void **ret);

/* Registers the calling thread (main, or a thread created outside sched such
 * as a Python thread) if it is not registered yet; idempotent. */
void sched_thread_register_current(sched_role role, const char *name);
/* True once the calling thread is registered. */
int sched_thread_is_registered(void);
/* Marks the calling thread as finished; its record stays for reports. */
void sched_thread_unregister_current(void);
/* The calling thread's role; SCHED_ROLE_UNKNOWN when not registered. */
sched_role sched_current_role(void);
int sched_is_main_thread(void);

typedef struct sched_thread_info {
    sched_role role;
    char name[64];
    int found;
} sched_thread_info;

/* Looks a thread up by its kernel thread id (gettid). Never blocks. */
sched_thread_info sched_thread_lookup(uint64_t os_tid);

/* ---- locks -------------------------------------------------------------
 * Real pthread locks (TSan sees them as synchronisation). Under the
 * scheduler each operation is a scheduling point and a contended lock blocks
 * in the scheduler, never in pthreads. */

typedef struct sched_mutex { pthread_mutex_t m; int held; } sched_mutex;
typedef struct sched_rwlock { pthread_rwlock_t l; int readers; int writer; } sched_rwlock;
typedef struct sched_spin { pthread_spinlock_t s; int held; } sched_spin;

void sched_mutex_init(sched_mutex *m);
void sched_mutex_destroy(sched_mutex *m);
void sched_mutex_lock(sched_mutex *m);
void sched_mutex_unlock(sched_mutex *m);

void sched_rwlock_init(sched_rwlock *l);
void sched_rwlock_destroy(sched_rwlock *l);
void sched_rwlock_rdlock(sched_rwlock *l);
void sched_rwlock_wrlock(sched_rwlock *l);
void sched_rwlock_unlock(sched_rwlock *l);

/* A condition variable over a sched_mutex. Under the scheduler a wait
 * blocks in the scheduler (no lost wakeup: nothing runs between the unlock
 * and the wait) and re-takes the real mutex, which TSan sees. A label
 * ending in ".idle" marks a thread waiting for work: a deadlock report
 * lists it but leaves it out of the signature. */
typedef struct sched_cond { pthread_cond_t c; } sched_cond;
void sched_cond_init(sched_cond *c);
void sched_cond_destroy(sched_cond *c);
void sched_cond_wait(sched_cond *c, sched_mutex *m, const char *label);
void sched_cond_broadcast(sched_cond *c);

void sched_spin_init(sched_spin *s);
void sched_spin_destroy(sched_spin *s);
void sched_spin_lock(sched_spin *s);
void sched_spin_unlock(sched_spin *s);

/* A bounded sleep (milliseconds): virtual time for a managed thread under
 * the scheduler, real time otherwise. */
void sched_sleep_ms(unsigned ms);
/* The pause between two event-loop frames: virtual_ns of virtual time under
 * the scheduler, real_us of real time when threads run free (so that they
 * get to run alongside the loop). */
void sched_pace(int64_t virtual_ns, unsigned real_us);
/* Explicit scheduling point with no access (a yield). */
void sched_yield_point(const char *label);

/* ---- scene-graph accesses ----------------------------------------------
 * SCHED_ACCESS(site, obj, size, is_write) marks an access to the object at
 * obj (size bytes) by the current thread. site is a string literal naming
 * the access site ("draw.object.loc"); it is the stable part of a finding's
 * signature, so it must not contain addresses or counters.
 */
typedef struct sched_site {
    const char *id;
    const char *func;
} sched_site;

void sched_access(const sched_site *site, const void *obj, size_t size,
                  int is_write);

#define SCHED_ACCESS(site_id, obj, size, is_write)                         \
    do {                                                                   \
        static const sched_site sched_site_ = {(site_id), __func__};       \
        sched_access(&sched_site_, (obj), (size), (is_write));             \
    } while (0)
/* Names an access for reports (the ring lookup) without making it a
 * scheduling point: for accesses added to paths whose saved schedules must
 * replay as before. */
void sched_access_note(const sched_site *site, const void *obj, size_t size, int is_write);
#define SCHED_NOTE(site_id, obj, size, is_write)                           \
    do {                                                                   \
        static const sched_site sched_site_ = {(site_id), __func__};       \
        sched_access_note(&sched_site_, (obj), (size), (is_write));        \
    } while (0)
#define SCHED_READ(site_id, obj) SCHED_ACCESS(site_id, obj, sizeof(*(obj)), 0)
#define SCHED_WRITE(site_id, obj) SCHED_ACCESS(site_id, obj, sizeof(*(obj)), 1)

/* The script location of the current thread's current statement, if any:
 * writes "file:line" style data and returns 1, or returns 0. Called at every
 * access, so it must be cheap and must not block. */
typedef int (*sched_location_fn)(const char **file, int *line);
void sched_set_location_provider(sched_location_fn fn);

typedef struct sched_access_info {
    const char *site;   /* site id, or NULL when not found */
    const char *func;   /* C function of the site */
    const char *file;   /* script file, or NULL */
    int line;
    int is_write;
    uint64_t step;      /* scheduling points before the access (the
                           decision trace's step numbering) */
    const char *call;   /* the bpy call it was made in (its C function), or NULL */
    int delegated;      /* that call was adopted (sched_call_adopt) */
} sched_access_info;

/* The most recent recorded access by thread os_tid that touched addr (for a
 * write, the most recent recorded write, if any). Used
 * by the report module to attach a site and a script location to a sanitizer
 * report. Returns 1 when found. Never blocks; uninstrumented and free of
 * libc calls, so it is safe inside a sanitizer report callback. */
int sched_access_lookup(uint64_t os_tid, uintptr_t addr, int is_write, sched_access_info *out);

/* The current thread enters a call of the scripting API whose C function
 * is func (a static string: __func__), and leaves it. Recorded with the
 * script location and the step, so that an access a sanitizer finds inside
 * the call's C code, where no annotation covers it, still names the script
 * line that made the call (sched_calls_lookup); and an annotated access
 * made inside the call where the script's location cannot be read (the
 * call released the GIL) gets the call's. */
void sched_call_enter(const char *func);
void sched_call_leave(void);

typedef struct sched_call_info {
    const char *func; /* the C function of the call */
    const char *file; /* script file, or NULL */
    int line;
    uint64_t step;    /* scheduling points before the call began */
    int delegated;    /* made by a host thread working for a script thread's
                         call (sched_call_adopt) */
} sched_call_info;

/* Work a host thread does for a script thread's bpy call (the depsgraph's
 * workers evaluating for a Python thread's frame_set): the requester takes
 * its innermost open call with sched_call_origin_get (0 when the calling
 * thread is not a script thread, or is in no call), the worker adopts it
 * for the time of the work (sched_call_adopt ... sched_call_leave). The
 * worker's accesses then name the script line that asked for them, and
 * are the script's side of a race (report_access.delegated). */
typedef struct sched_call_origin {
    const char *func, *file;
    int line;
    uint64_t step;
} sched_call_origin;
int sched_call_origin_get(sched_call_origin *out);
/* The calling thread's innermost open bpy call (of any role, adopted or
 * its own): 1 and *out, or 0. Safe inside a sanitizer report callback. */
int sched_call_current(sched_call_info *out);
void sched_call_adopt(const sched_call_origin *o);

/* The most recent calls of thread os_tid, newest first, at most max of
 * them; returns how many. Safe inside a sanitizer report callback, like
 * sched_access_lookup. */
int sched_calls_lookup(uint64_t os_tid, sched_call_info *out, int max);

/* Kernel thread id of the registered main thread (0 before); safe inside a
 * sanitizer report callback. */
uint64_t sched_main_os_tid(void);

/* Kernel thread id of the caller. */
uint64_t sched_os_tid(void);

/* Forgets all threads but the caller; for tests and the next iteration. */
void sched_reset(void);

/* ---- happens-before (hb.c) ---------------------------------------------
 * hostrace's own race detector over the scheduled run: vector clocks per
 * managed thread joined at the synchronisation the scheduler mediates, and
 * each annotated access checked against its memory's history. Off unless
 * enabled (before sched_start, which resets it); only managed threads are
 * watched, and only while scheduled. */
typedef struct sched_hb_access {
    int slot;
    const sched_site *site;
    const char *file; /* script file, or NULL */
    int line;
    const char *call; /* the bpy call (C function), or NULL */
    int delegated;
    int is_write;
    size_t size;
    uint64_t step;
} sched_hb_access;

typedef struct sched_hb_race {
    sched_hb_access a, b; /* a happened first */
} sched_hb_race;

void sched_hb_enable(int on);
int sched_hb_enabled(void);
/* Forgets every clock, history and race (sched_start calls it).
 * gil_orders: the interpreter has a GIL, and gil_held tells whether the
 * calling thread holds it. */
void sched_hb_reset(int (*gil_held)(void), int gil_orders);
/* The calling thread released / acquires obj (a lock, a join's word). */
void sched_hb_release(const void *obj);
void sched_hb_acquire(const void *obj);
/* An rwlock: a reader acquires what writers released; a writer also what
 * readers released. */
void sched_hb_acquire_rw(const void *obj, int write);
void sched_hb_release_rw(const void *obj, int write);
/* The calling thread starts the thread in slot child / has joined it. */
void sched_hb_fork(int child);
void sched_hb_join(int child);
/* The calling thread took or gave back the GIL outside the scheduler's
 * hooks (PyGILState_Ensure/Release): lets the detector see it now. */
void sched_hb_gil_changed(void);
/* An event with no access: the GIL is looked at. */
void sched_hb_point(void);
/* An annotated access of the calling thread. */
void sched_hb_on_access(const sched_hb_access *a, uintptr_t obj);
/* Memory freed: its history ends (a new object may reuse it). */
void sched_hb_forget(const void *addr, size_t size);
/* The calling thread's accesses are the host's own, which no script can
 * cause or avoid (HR_TSAN_HOST_INTERNAL): +1 to begin, -1 to end. */
void sched_hb_ignore(int delta);

/* HR_TSAN_HOST_INTERNAL_BEGIN/END: the region's memory accesses are hidden
 * from both detectors (its synchronisation is not): the host model's own
 * races, which Blender has in every run and no script can cause or avoid
 * (the main thread polling a job's plain fields; the shutdown). Put a
 * region's SCHED_ACCESS inside it too. Decided here in the code, not by a
 * TSan suppression, because TSan matches suppressions against symbolized
 * names: without a symbolizer they would stop applying, and with one a
 * suppressed report still changes what TSan reports later (tsan/README.md). */
#define HR_TSAN_HOST_INTERNAL_BEGIN()                                        \
    do {                                                                     \
        HR_TSAN_ACCESSES_BEGIN();                                            \
        sched_hb_ignore(1);                                                  \
    } while (0)
#define HR_TSAN_HOST_INTERNAL_END()                                          \
    do {                                                                     \
        sched_hb_ignore(-1);                                                 \
        HR_TSAN_ACCESSES_END();                                              \
    } while (0)
/* Races found since the last call, in the order found, at most max;
 * *dropped: those that did not fit the run's table since the last call. */
int sched_hb_races_take(sched_hb_race *out, int max, int *dropped);

/* ---- the token scheduler -------------------------------------------- */

struct sched_strategy; /* strategy.h */

/* What the embedding provides. All optional. */
typedef struct sched_hooks {
    /* Releases the GIL if the calling thread holds it; returns what
     * gil_acquire needs to take it back (NULL: nothing was held). */
    void *(*gil_release)(void);
    void (*gil_acquire)(void *saved);
    /* True if the calling thread holds the GIL. */
    int (*gil_held)(void);
    /* Writes the script stack of thread os_tid into buf; returns 1 if it
     * had one. Called by the token holder when a run stops. */
    int (*script_stack)(uint64_t os_tid, char *buf, size_t len);
    /* The script location of the calling thread, which does not hold the
     * GIL (it is about to wait in an external call); as the location
     * provider. */
    int (*location_nogil)(const char **file, int *line);
    /* The interpreter has a GIL: holding it orders what its holders do
     * (the race detector, sched_hb_reset). */
    int gil_orders;
} sched_hooks;

typedef enum sched_stop_kind {
    SCHED_STOP_DEADLOCK = 0, /* no runnable thread, none waits on time */
    SCHED_STOP_HANG_STEPS,   /* step budget exceeded */
    SCHED_STOP_HANG_TIME,    /* virtual-time budget exceeded */
    SCHED_STOP_DIVERGED,     /* the replayed schedule does not fit this run */
    SCHED_STOP_HANG_EXTERNAL, /* the main thread blocked in an external call */
} sched_stop_kind;

typedef struct sched_stop {
    sched_stop_kind kind;
    char message[512];
    /* the running thread (hangs) or the thread that found the deadlock */
    char thread[64];
    sched_role role;
    const char *py_file; /* its script location, if any */
    int py_line;
    /* sorted, ';'-joined "label@file:line" of every blocked thread: the
     * stable part of a deadlock's signature */
    char blocked_key[512];
    /* every thread: state, what it waits for, C stack, script stack */
    char threads[8192];
} sched_stop;

/* Called on the thread that detected the stop, holding the token. It must
 * not return (it reports and ends the process). */
typedef void (*sched_stop_fn)(const sched_stop *stop);

typedef struct sched_config {
    struct sched_strategy *strategy; /* owned by the caller */
    uint64_t max_steps;              /* 0: unlimited */
    int64_t max_vtime_ns;            /* 0: unlimited */
    int record;                      /* keep the decision list */
    /* how long the main thread may wait in an external call (virtual and
     * real ns), and the bound on a real wait for another process; 0: 10 s */
    int64_t ext_stall_ns;
    sched_hooks hooks;
    sched_stop_fn on_stop;
} sched_config;

/* Switches to scheduled mode. The caller must be registered (normally
 * main); it becomes the token holder. */
void sched_start(const sched_config *cfg);

/* Interleaving feedback (the fuzz drivers): fn is called once per run for
 * each conflicting access pair (the same object, two managed threads, at
 * least one write) with a hash of the two sites, the same in every build
 * and run. Set before sched_start; NULL turns it off. */
typedef void (*sched_conflict_fn)(uint32_t pair_hash);
void sched_set_conflict_hook(sched_conflict_fn fn);
int sched_active(void);
/* True in a child forked from a scheduled run: nothing is scheduled there. */
int sched_forked_child(void);
/* True if the calling thread takes part in token passing. */
int sched_managed(void);

/* A choice of the run's input that is not a thread: one of n options,
 * taken by the strategy when the caller is managed (the token holder), 0
 * otherwise or when n < 2. It is recorded as a decision whose current is
 * SCHED_VALUE_CHOICE and chosen the index, so a replay makes the same
 * choice; label names the kind of choice ("user.action"). Used for a
 * user's actions in an add-on run. */
#define SCHED_VALUE_CHOICE (-2)
int sched_choose(int n, const char *label);

/* An external call completed (sched_ext_wait): recorded as a decision
 * whose current is SCHED_EXTERNAL_WAKE and chosen the slot of the thread
 * whose call completed at that step; label names the call ("io.recv"). */
#define SCHED_EXTERNAL_WAKE (-3) /* n_enabled: the ready mask (sched_ext.mask) */
/* An external call's immediate outcome (sched_ext_now): a decision whose
 * current is SCHED_EXTERNAL_NOW and chosen the ready mask (0: not ready). */
#define SCHED_EXTERNAL_NOW (-4)

/* One decision: at step `step`, thread `current` (slot) was at scheduling
 * point `label` (script location file:line if known) with n_enabled > 1
 * threads runnable, and the strategy chose `chosen`. */
typedef struct sched_decision {
    uint64_t step;
    int current;
    int chosen;
    int n_enabled;
    const char *label;
    const char *file;
    int line;
} sched_decision;

/* The decisions recorded so far (sched_config.record). */
const sched_decision *sched_decisions(size_t *n);
uint64_t sched_steps(void);
/* Name and role of the thread in slot. */
const char *sched_slot_name(int slot);
sched_role sched_slot_role(int slot);
int sched_slot_count(void);

/* Virtual clock (ns since the run started). sched_clock_read also moves it
 * on by 1 us, so a busy loop that polls the clock terminates. */
int64_t sched_now_ns(void);
int64_t sched_clock_read_ns(void);

/* A scheduling point with a label (a static string). sched_point is one
 * inside host code: a thread holding the GIL keeps it while switched out,
 * so only threads that do not need the GIL run meanwhile. A GIL boundary
 * (sched_point_ex(label, 1)) is where CPython itself could switch Python
 * threads: the entry of a bpy call, a blocking Python primitive. */
void sched_point(const char *label);
void sched_point_ex(const char *label, int gil_boundary);

/* Blocks the calling managed thread on obj until another thread calls
 * sched_wake(obj) or the virtual deadline passes (deadline_ns < 0: none).
 * Returns 1 if it timed out. obj NULL waits on time only. A scheduling
 * point. Must be called without scheduler-visible locks in a bad state:
 * the caller re-checks its condition after it returns. */
int sched_block_until(const void *obj, int64_t deadline_ns, const char *label);
/* The same, at a GIL boundary when gil_boundary (a Python blocking call
 * releases the GIL; a host lock does not). */
int sched_block_until_ex(const void *obj, int64_t deadline_ns, const char *label,
                         int gil_boundary);
/* Call before taking the GIL outside the hooks (PyGILState_Ensure,
 * PyEval_RestoreThread): waits in the scheduler while another thread keeps
 * it switched out, instead of blocking in the GIL itself. */
void sched_gil_wait(void);
/* True when another thread keeps the GIL while it is switched out: the
 * calling token holder cannot take the GIL until that thread runs again
 * (a report built now reads Python stacks without it). */
int sched_gil_kept_elsewhere(void);
/* Makes every thread blocked on obj runnable. */
void sched_wake(const void *obj);

/* Threads the embedding starts itself (Python threads): the parent reserves
 * a slot while it holds the token, starts the thread, and waits (really,
 * briefly; release the GIL around it) until the child registered. The child
 * calls sched_register_reserved first thing, which waits for the token. */
int sched_reserve(sched_role role, const char *name);
void sched_wait_registered(int slot);
void sched_register_reserved(int slot);
/* Gives back a reserved slot whose thread could not be started. */
void sched_cancel_reserved(int slot);
/* The calling thread is done: wakes its joiners and passes the token on.
 * It must not touch managed state afterwards. */
void sched_exit_current(void);
/* Waits (scheduler) until the thread in slot exited; timeout_ns < 0: no
 * limit. Returns 1 when it has exited. */
int sched_wait_exit(int slot, int64_t timeout_ns, int gil_boundary);
int sched_slot_exited(int slot);
/* How many threads of this role are reserved or registered and have not
 * exited (under the scheduler; 0 when it is not active). */
int sched_live_count(sched_role role);

/* ---- external calls ----------------------------------------------------
 * A blocking call the scheduler does not control (a socket, a pipe, a
 * child process, a semaphore another process posts) releases the GIL in
 * CPython, and the host goes on meanwhile. Under the scheduler the calling
 * thread leaves the runnable set for as long as the call would block: the
 * interposed libc functions (extcall.c) describe what the call waits for
 * and call sched_ext_wait first, then the real function, which no longer
 * blocks. The scheduler checks the waiting calls at every scheduling point
 * (poll with no timeout, or the call's own check), so a call that another
 * managed thread completes (the peer of a loopback socket) completes at
 * the same step in every run; when no thread can run and child processes
 * exist, it waits for them in real time, and virtual time waits too. Each
 * completion is a decision (SCHED_EXTERNAL_WAKE), so a replay completes
 * each call at its recorded step. */
struct pollfd;
typedef struct sched_ext {
    const char *label;     /* "io.recv" */
    struct pollfd *fds;    /* ready when poll() reports any of them */
    int nfds;
    /* or, when set, ready when this returns 1 */
    int (*ready)(const struct sched_ext *e);
    /* 1 when only another thread of this process can make it ready (a
     * private semaphore): its answer is the same in every run, and
     * sched_ext_now does not record it */
    int local;
    long arg[3];
    const void *ptr;
    /* set by the scheduler when the call is ready: which of fds are
     * (bit i for fds[i], i < 30; bit 30 for any later one), 1 for a call
     * with a check of its own. A replay makes the same ones ready, and the
     * caller reports only those (sched_ext_filter). */
    int mask;
} sched_ext;

/* 1 when a blocking call by the calling thread must go through
 * sched_ext_wait: the run is scheduled, the thread managed and holding the
 * token, and it does not hold the GIL (CPython released it for the call). */
int sched_ext_candidate(void);
/* Is e ready now? Not a scheduling point, and the caller may hold the
 * GIL. The kernel's answer in a recording run, recorded as a decision
 * (SCHED_EXTERNAL_NOW); a replay gives the recorded answer (waiting, up
 * to --stall, for a recorded "ready" to be true in this run too, so that
 * the call that follows does what it did). -1 when the caller is not the
 * managed token holder of a scheduled run: ask the kernel. */
int sched_ext_now(sched_ext *e);
/* Waits until e is ready or the virtual deadline passes (< 0: none), as a
 * scheduling point: the thread leaves the runnable set, and a later
 * scheduling point completes the call (a recorded decision). Returns 0
 * when ready, 1 on timeout, -1 when the caller is not a candidate (do the
 * real call). Callers ask sched_ext_now first. */
int sched_ext_wait(sched_ext *e, int64_t deadline_ns);
/* Clears the events of fds[i] (i < 30) that are not in mask, after the
 * real call collected them into fds (a poll array); returns how many
 * entries still have events. */
int sched_ext_filter(struct pollfd *fds, int nfds, int mask);
/* From now on every call goes straight to the kernel (the run is ending:
 * its report must not wait in the scheduler). */
void sched_ext_off(void);
/* True while the scheduler waits in real time for another process: the
 * watchdog must not count it as a stall. */
int sched_ext_idle_waiting(void);

/* The managed thread holding the token, for the watchdog: its name, role,
 * kernel thread id and pthread_self() (Python's thread ident); returns 0
 * when not scheduled. Never blocks. */
int sched_token_holder(char *name, size_t len, sched_role *role, uint64_t *os_tid,
                       uint64_t *pthread_id);

#endif
