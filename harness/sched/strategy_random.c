/* random: every choice uniform among the runnable threads (a random walk
 * over interleavings), from a seeded PRNG. */
#include "strategy.h"

#include <stdlib.h>

typedef struct random_strategy {
    sched_strategy base;
    uint64_t prng;
} random_strategy;

static int random_pick(sched_strategy *s, const sched_choice *c)
{
    random_strategy *r = (random_strategy *)s;
    return (int)sched_prng_below(&r->prng, (uint64_t)c->n);
}

static void random_destroy(sched_strategy *s) { free(s); }

sched_strategy *sched_strategy_random_new(const sched_strategy_params *p)
{
    random_strategy *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->base.name = "random";
    r->base.pick = random_pick;
    r->base.choose = random_pick;
    r->base.destroy = random_destroy;
    r->prng = p->seed;
    return &r->base;
}
