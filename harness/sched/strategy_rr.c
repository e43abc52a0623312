/* rr: round robin. At every choice point the token goes to the next
 * runnable thread after the current one in slot order, so every thread
 * runs one scheduling point at a time in turn. The seed is not used. */
#include "strategy.h"

#include <stdlib.h>

typedef struct rr_strategy {
    sched_strategy base;
    int last; /* slot chosen last time */
    unsigned values; /* value choices so far */
} rr_strategy;

static int rr_pick(sched_strategy *s, const sched_choice *c)
{
    rr_strategy *r = (rr_strategy *)s;
    int after = c->current >= 0 ? c->current : r->last;
    int pick = 0; /* wrap around to the lowest slot */
    for (int i = 0; i < c->n; i++)
        if (c->enabled[i] > after) {
            pick = i;
            break;
        }
    r->last = c->enabled[pick];
    return pick;
}

/* value choices in turn: 0, 1, 2, ... modulo n */
static int rr_choose(sched_strategy *s, const sched_choice *c)
{
    rr_strategy *r = (rr_strategy *)s;
    return (int)(r->values++ % (unsigned)c->n);
}

static void rr_destroy(sched_strategy *s) { free(s); }

sched_strategy *sched_strategy_rr_new(const sched_strategy_params *p)
{
    (void)p;
    rr_strategy *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->base.name = "rr";
    r->base.pick = rr_pick;
    r->base.choose = rr_choose;
    r->base.destroy = rr_destroy;
    r->last = -1;
    return &r->base;
}
