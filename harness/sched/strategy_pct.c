/* pct: probabilistic concurrency testing with depth d (Burckhardt,
 * Kothari, Musuvathi, Nagarakatte, ASPLOS 2010).
 *
 * Every thread gets a random priority >= d when it first shows up at a
 * choice point; the highest-priority runnable thread always runs. d - 1
 * change points are drawn uniformly from the first k choice points; at
 * change point i (1-based) the thread that was running drops to priority
 * i, below every initial priority. A bug that needs d ordering constraints
 * is found with probability at least 1 / (n * k^(d-1)) per schedule. Here
 * k counts choice points (points with more than one runnable thread), not
 * every scheduling point, which keeps k small for the same program. */
#include "strategy.h"

#include <stdlib.h>

#define PCT_MAX_DEPTH 64

typedef struct pct_strategy {
    sched_strategy base;
    uint64_t prng;
    uint64_t values; /* PRNG of value choices, apart from the priorities' */
    int depth;
    uint64_t change[PCT_MAX_DEPTH]; /* choice indices, 1-based order */
    /* priority per slot; 0 = not seen yet */
    uint64_t *prio;
    int nprio;
    int last;
} pct_strategy;

static uint64_t *prio_of(pct_strategy *p, int slot)
{
    if (slot >= p->nprio) {
        int n = p->nprio ? p->nprio : 16;
        while (n <= slot)
            n *= 2;
        uint64_t *np = realloc(p->prio, (size_t)n * sizeof(*np));
        if (!np)
            return NULL;
        for (int i = p->nprio; i < n; i++)
            np[i] = 0;
        p->prio = np;
        p->nprio = n;
    }
    if (p->prio[slot] == 0) {
        /* initial priorities live above d; the low 16 bits break ties by
         * slot, so no two threads share a priority */
        uint64_t r = sched_prng_next(&p->prng) >> 24;
        p->prio[slot] = ((uint64_t)(p->depth + 1) << 56) + (r << 16) + (uint64_t)slot;
    }
    return &p->prio[slot];
}

static int pct_pick(sched_strategy *s, const sched_choice *c)
{
    pct_strategy *p = (pct_strategy *)s;
    for (int i = 0; i < p->depth - 1; i++)
        if (p->change[i] == c->index + 1) {
            int victim = c->current >= 0 ? c->current : p->last;
            uint64_t *pr = victim >= 0 ? prio_of(p, victim) : NULL;
            if (pr)
                *pr = (uint64_t)(i + 1);
        }
    int best = 0;
    uint64_t best_prio = 0;
    for (int i = 0; i < c->n; i++) {
        uint64_t *pr = prio_of(p, c->enabled[i]);
        uint64_t v = pr ? *pr : 0;
        if (v > best_prio) {
            best_prio = v;
            best = i;
        }
    }
    p->last = c->enabled[best];
    return best;
}

/* value choices (a user's actions) are uniform: PCT's depth bounds thread
 * orderings, not what the user does */
static int pct_choose(sched_strategy *s, const sched_choice *c)
{
    pct_strategy *p = (pct_strategy *)s;
    return (int)sched_prng_below(&p->values, (uint64_t)c->n);
}

static void pct_destroy(sched_strategy *s)
{
    pct_strategy *p = (pct_strategy *)s;
    free(p->prio);
    free(p);
}

sched_strategy *sched_strategy_pct_new(const sched_strategy_params *params)
{
    pct_strategy *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->base.name = "pct";
    p->base.pick = pct_pick;
    p->base.choose = pct_choose;
    p->base.destroy = pct_destroy;
    p->prng = params->seed;
    p->values = params->seed ^ 0x7573657273ULL; /* "users" */
    p->depth = params->pct_depth > 0 ? params->pct_depth : 3;
    if (p->depth > PCT_MAX_DEPTH)
        p->depth = PCT_MAX_DEPTH;
    uint64_t k = params->pct_steps ? params->pct_steps : 2000;
    for (int i = 0; i < p->depth - 1; i++)
        p->change[i] = 1 + sched_prng_below(&p->prng, k);
    p->last = -1;
    return &p->base;
}
