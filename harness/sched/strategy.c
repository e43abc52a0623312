/* The strategy factory and the PRNG the strategies share. */
#include "strategy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t sched_prng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t sched_prng_below(uint64_t *state, uint64_t n)
{
    if (n <= 1)
        return 0;
    /* rejection sampling: no modulo bias */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t v;
    do
        v = sched_prng_next(state);
    while (v >= limit);
    return v % n;
}

const char *sched_strategy_names(void) { return "bytes random pct rr replay"; }

sched_strategy *sched_strategy_new(const sched_strategy_params *p, char *err, size_t len)
{
    sched_strategy *s = NULL;
    const char *n = p->name ? p->name : "";
    if (strcmp(n, "bytes") == 0)
        s = sched_strategy_bytes_new(p);
    else if (strcmp(n, "random") == 0)
        s = sched_strategy_random_new(p);
    else if (strcmp(n, "pct") == 0) {
        if (p->pct_depth < 0 || p->pct_depth > 64) {
            snprintf(err, len, "pct depth must be from 1 to 64");
            return NULL;
        }
        s = sched_strategy_pct_new(p);
    } else if (strcmp(n, "rr") == 0)
        s = sched_strategy_rr_new(p);
    else if (strcmp(n, "replay") == 0)
        s = sched_strategy_replay_new(p);
    else {
        snprintf(err, len, "unknown strategy '%s' (one of: %s)", n, sched_strategy_names());
        return NULL;
    }
    if (!s)
        snprintf(err, len, "out of memory creating strategy '%s'", n);
    return s;
}

void sched_strategy_free(sched_strategy *s)
{
    if (s)
        s->destroy(s);
}
