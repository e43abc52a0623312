/* bytes: each choice consumes one input byte (byte mod n picks the
 * thread), so a fuzzer's mutations steer the interleaving directly. When
 * the bytes run out, choices come from a PRNG seeded with the seed and the
 * input length, so a short input still gives a complete, fixed run. */
#include "strategy.h"

#include <stdlib.h>

typedef struct bytes_strategy {
    sched_strategy base;
    const uint8_t *bytes;
    size_t n, pos;
    uint64_t prng;
} bytes_strategy;

static int bytes_pick(sched_strategy *s, const sched_choice *c)
{
    bytes_strategy *b = (bytes_strategy *)s;
    if (b->pos < b->n)
        return b->bytes[b->pos++] % c->n;
    return (int)sched_prng_below(&b->prng, (uint64_t)c->n);
}

static int bytes_choose(sched_strategy *s, const sched_choice *c)
{
    return bytes_pick(s, c); /* a byte, as for a thread */
}

static void bytes_destroy(sched_strategy *s) { free(s); }

sched_strategy *sched_strategy_bytes_new(const sched_strategy_params *p)
{
    bytes_strategy *b = calloc(1, sizeof(*b));
    if (!b)
        return NULL;
    b->base.name = "bytes";
    b->base.pick = bytes_pick;
    b->base.choose = bytes_choose;
    b->base.destroy = bytes_destroy;
    b->bytes = p->bytes;
    b->n = p->bytes ? p->nbytes : 0;
    b->prng = p->seed ^ ((uint64_t)b->n * 0x9e3779b97f4a7c15ULL);
    return &b->base;
}
