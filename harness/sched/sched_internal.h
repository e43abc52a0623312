/* Shared between the registry (sched.c) and the token scheduler
 * (sched_core.c); not part of sched's interface. */
#ifndef HOSTRACE_SCHED_INTERNAL_H
#define HOSTRACE_SCHED_INTERNAL_H

#include "sched.h"

#include <pthread.h>
#include <stdatomic.h>

#define SCHED_MAX_THREADS 4096
#define SCHED_RING 64
#define SCHED_CSTACK 24
#define SCHED_CALLS 32

/* A call of the scripting API (bpy) by the thread: its C function, the
 * script line that made it, the step it began at, and its number among
 * the thread's calls (seq, from 1). */
typedef struct sched_call_entry {
    const char *func;
    const char *file;
    int line;
    uint64_t step;
    uint64_t seq;
    int delegated; /* adopted from a script thread (sched_call_adopt) */
} sched_call_entry;

typedef struct sched_ring_entry {
    const sched_site *site;
    uintptr_t obj;
    size_t size;
    const char *file;
    int line;
    int is_write;
    uint64_t step; /* scheduling points before this access */
    const char *call; /* the innermost bpy call open (its C function), or NULL */
    int delegated;    /* that call was adopted (sched_call_adopt) */
} sched_ring_entry;

/* A managed thread's scheduling state. */
typedef enum sched_tstate {
    SCHED_T_RESERVED = 0, /* slot taken by the parent, thread not running yet */
    SCHED_T_RUNNABLE,
    SCHED_T_BLOCKED,
    SCHED_T_EXITED,
} sched_tstate;

typedef struct sched_record {
    uint64_t os_tid;
    uint64_t pthread_id; /* pthread_self(): Python's thread ident */
    sched_role role;
    int alive;
    char name[64];
    unsigned ring_next;
    sched_ring_entry ring[SCHED_RING];
    uint64_t calls_next; /* calls made */
    sched_call_entry calls[SCHED_CALLS]; /* the latest call of each C function */
    int call_depth; /* bpy calls it is inside */
    sched_call_entry call_open[SCHED_CALLS]; /* the innermost SCHED_CALLS of them */

    /* token scheduler (all under g_mu) */
    int slot;
    sched_tstate state;
    int managed;               /* takes part in token passing */
    const void *block_obj;     /* what it waits for (NULL: nothing but time) */
    const char *block_what;    /* label of the blocking operation */
    int64_t deadline;          /* virtual ns, or -1 */
    int timed_out;
    const char *block_file;    /* script location where it blocked */
    int block_line;
    void *cstack[SCHED_CSTACK];
    int ncstack;
    int needs_gil;             /* gave the GIL up when it was switched out */
    sched_ext *ext;            /* the external call it waits in, or NULL */
    int64_t ext_since;         /* virtual ns when that wait began */
    uint32_t wake_seq; /* futex word: bumped when the token is passed here */
} sched_record;

extern sched_record sched_records_[SCHED_MAX_THREADS];
extern atomic_int sched_nrecords_;
/* The scheduler lock: a futex lock in uninstrumented code, invisible to
 * TSan (no interceptor, no trace event), see sched_core.c. */
void sched_lock(void);
void sched_unlock(void);
extern _Thread_local sched_record *sched_self_;

/* The location provider, or NULL. */
extern sched_location_fn sched_location_;

/* Takes a fresh record (scheduler lock held). NULL when full. */
sched_record *sched_record_alloc_locked(sched_role role, const char *name);

/* A scheduling point at an access (sched_core.c). */
void sched_core_access_point(const sched_site *site);

/* conflict.c: a managed thread's scene access, for the conflict hook. */
void sched_conflict_note(int slot, const sched_site *site, const void *obj, int is_write);

#endif
