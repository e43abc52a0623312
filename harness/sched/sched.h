/* sched: every managed thread, every host lock and every scene-graph access
 * goes through this interface.
 *
 * Owns: the thread registry (name and role of each managed thread), the
 * per-thread ring of recent scene accesses (site, object, script location),
 * and the lock wrappers. It knows nothing of Blender or of Python: the script
 * location of an access comes from a provider that the embedding layer
 * installs (sched_set_location_provider).
 *
 * Today threads run free on pthreads and a scheduling point only records the
 * access. The deterministic scheduler replaces the bodies of these functions
 * without changing their callers.
 */
#ifndef HOSTRACE_SCHED_H
#define HOSTRACE_SCHED_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

typedef enum sched_role {
    SCHED_ROLE_MAIN = 0,
    SCHED_ROLE_RENDER_JOB,
    SCHED_ROLE_DEPSGRAPH_WORKER,
    SCHED_ROLE_JOB,
    SCHED_ROLE_PYTHON,
    SCHED_ROLE_UNKNOWN,
} sched_role;

/* "main", "render-job", "depsgraph-worker", "job", "python", "unknown". */
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
 * Thin wrappers today; each operation will be a scheduling point. */

typedef struct sched_mutex { pthread_mutex_t m; } sched_mutex;
typedef struct sched_rwlock { pthread_rwlock_t l; } sched_rwlock;
typedef struct sched_spin { pthread_spinlock_t s; } sched_spin;

void sched_mutex_init(sched_mutex *m);
void sched_mutex_destroy(sched_mutex *m);
void sched_mutex_lock(sched_mutex *m);
void sched_mutex_unlock(sched_mutex *m);

void sched_rwlock_init(sched_rwlock *l);
void sched_rwlock_destroy(sched_rwlock *l);
void sched_rwlock_rdlock(sched_rwlock *l);
void sched_rwlock_wrlock(sched_rwlock *l);
void sched_rwlock_unlock(sched_rwlock *l);

void sched_spin_init(sched_spin *s);
void sched_spin_destroy(sched_spin *s);
void sched_spin_lock(sched_spin *s);
void sched_spin_unlock(sched_spin *s);

/* A bounded sleep in host time (milliseconds). A scheduling point. */
void sched_sleep_ms(unsigned ms);
/* Explicit scheduling point with no access (a yield). */
void sched_yield_point(void);

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
} sched_access_info;

/* The most recent recorded access by thread os_tid that touched addr. Used
 * by the report module to attach a site and a script location to a sanitizer
 * report. Returns 1 when found. Never blocks; uninstrumented and free of
 * libc calls, so it is safe inside a sanitizer report callback. */
int sched_access_lookup(uint64_t os_tid, uintptr_t addr, sched_access_info *out);

/* Kernel thread id of the caller. */
uint64_t sched_os_tid(void);

/* Forgets all threads but the caller; for tests and the next iteration. */
void sched_reset(void);

#endif
