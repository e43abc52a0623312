/* Scheduling strategies: who gets the token at a choice point.
 *
 * A choice point is a scheduling point where more than one managed thread
 * could run. The scheduler asks its strategy to pick one of them; nothing
 * else decides. A value choice (sched_choose: what a user does next) is
 * also the strategy's, so that a schedule stays the run's whole input. Each strategy lives in its own file (strategy_NAME.c) and
 * implements this one interface. All are deterministic functions of their
 * parameters and the sequence of choices they are shown.
 */
#ifndef HOSTRACE_STRATEGY_H
#define HOSTRACE_STRATEGY_H

#include <stddef.h>
#include <stdint.h>

#include "sched.h"

typedef struct sched_choice {
    uint64_t step;      /* scheduling points so far in this run */
    uint64_t index;     /* choice points so far (0 for the first) */
    int current;        /* slot of the thread at the point, or -1 when it
                           cannot go on (it blocked or exited) */
    const int *enabled; /* runnable slots, ascending */
    int n;              /* >= 2 */
    const char *label;  /* the scheduling point */
} sched_choice;

typedef struct sched_strategy sched_strategy;
struct sched_strategy {
    const char *name;
    /* Index into c->enabled, or -1 when the strategy cannot go on (a replay
     * that diverged: the reason is in error). */
    int (*pick)(sched_strategy *s, const sched_choice *c);
    /* A value choice (sched_choose): an index in [0, c->n); c->enabled is
     * NULL and c->current SCHED_VALUE_CHOICE. -1 when the strategy cannot go
     * on (error says why). */
    int (*choose)(sched_strategy *s, const sched_choice *c);
    /* A replay: the slot of a thread whose external call the recorded run
     * completed at this step (its next decision is a SCHED_EXTERNAL_WAKE
     * at `step`: consumed), or -1. NULL for the other strategies, which
     * complete calls as the kernel does. */
    int (*wake)(sched_strategy *s, uint64_t step, int *mask);
    /* A replay: the recorded immediate outcome (the ready mask, 0: not) of the
     * external call `label` at `step` (its next decision must be a
     * SCHED_EXTERNAL_NOW there: consumed), or -1 with error set when the
     * recorded run made no such call there. NULL for the others, which ask
     * the kernel. */
    int (*outcome)(sched_strategy *s, uint64_t step, const char *label);
    /* Decisions a replay has not used yet (NULL for the others). */
    size_t (*remaining)(const sched_strategy *s);
    void (*destroy)(sched_strategy *s);
    char error[256];
};

typedef struct sched_strategy_params {
    const char *name;     /* bytes, random, pct, rr, replay */
    uint64_t seed;
    int pct_depth;        /* pct: d (bug depth); default 3 */
    uint64_t pct_steps;   /* pct: k, expected choice points; default 2000 */
    const uint8_t *bytes; /* bytes: the input (not copied: keep it alive) */
    size_t nbytes;
    const sched_decision *replay; /* replay: the recorded decisions */
    size_t nreplay;
} sched_strategy_params;

/* NULL with a message in err for an unknown name or bad parameters. */
sched_strategy *sched_strategy_new(const sched_strategy_params *p, char *err, size_t len);
void sched_strategy_free(sched_strategy *s);
/* "bytes random pct rr replay" */
const char *sched_strategy_names(void);

/* splitmix64: the one PRNG every strategy uses. */
uint64_t sched_prng_next(uint64_t *state);
/* Uniform in [0, n). */
uint64_t sched_prng_below(uint64_t *state, uint64_t n);

/* Constructors, one per file. */
sched_strategy *sched_strategy_bytes_new(const sched_strategy_params *p);
sched_strategy *sched_strategy_random_new(const sched_strategy_params *p);
sched_strategy *sched_strategy_pct_new(const sched_strategy_params *p);
sched_strategy *sched_strategy_rr_new(const sched_strategy_params *p);
sched_strategy *sched_strategy_replay_new(const sched_strategy_params *p);

#endif
