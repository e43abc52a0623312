/* replay: the decisions of a recorded run, in order. Each recorded
 * decision also names the step, the thread and the scheduling point it was
 * taken at; when the run in front of it does not match (another script,
 * other host switches, a changed harness), the replay stops and says where
 * it diverged instead of going on with a different interleaving. */
#include "strategy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct replay_strategy {
    sched_strategy base;
    const sched_decision *d;
    size_t n, pos;
} replay_strategy;

/* strcmp without the C library: TSan intercepts strcmp, and every
 * intercepted call is an event in the deciding thread's trace, which the
 * other strategies do not make */
static int same_label(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static int replay_pick(sched_strategy *s, const sched_choice *c)
{
    replay_strategy *r = (replay_strategy *)s;
    if (r->pos >= r->n) {
        snprintf(s->error, sizeof(s->error),
                 "the run reached a choice point at step %llu (%s) after all %zu recorded "
                 "decisions were used",
                 (unsigned long long)c->step, c->label, r->n);
        return -1;
    }
    const sched_decision *d = &r->d[r->pos];
    if (d->current == SCHED_EXTERNAL_NOW) {
        snprintf(s->error, sizeof(s->error),
                 "decision %zu: the recorded run made an external call (%s) at step %llu; this "
                 "run is at step %llu, point %s, without it",
                 r->pos + 1, d->label, (unsigned long long)d->step, (unsigned long long)c->step,
                 c->label);
        return -1;
    }
    if (d->current == SCHED_EXTERNAL_WAKE) {
        snprintf(s->error, sizeof(s->error),
                 "decision %zu: the recorded run completed an external call (%s) of thread %d at "
                 "step %llu; this run is at step %llu, point %s, without that call waiting",
                 r->pos + 1, d->label, d->chosen, (unsigned long long)d->step,
                 (unsigned long long)c->step, c->label);
        return -1;
    }
    if (d->step != c->step || d->current != c->current || !same_label(d->label, c->label)) {
        snprintf(s->error, sizeof(s->error),
                 "decision %zu: recorded at step %llu, thread %d, point %s; this run is at "
                 "step %llu, thread %d, point %s",
                 r->pos + 1, (unsigned long long)d->step, d->current, d->label,
                 (unsigned long long)c->step, c->current, c->label);
        return -1;
    }
    for (int i = 0; i < c->n; i++)
        if (c->enabled[i] == d->chosen) {
            r->pos++;
            return i;
        }
    snprintf(s->error, sizeof(s->error),
             "decision %zu at step %llu (%s): recorded thread %d is not runnable in this run",
             r->pos + 1, (unsigned long long)c->step, c->label, d->chosen);
    return -1;
}

static int replay_choose(sched_strategy *s, const sched_choice *c)
{
    replay_strategy *r = (replay_strategy *)s;
    const sched_decision *d = r->pos < r->n ? &r->d[r->pos] : NULL;
    if (!d || d->step != c->step || d->current != SCHED_VALUE_CHOICE ||
        !same_label(d->label, c->label) || d->chosen < 0 || d->chosen >= c->n) {
        if (d)
            snprintf(s->error, sizeof(s->error),
                     "decision %zu: recorded at step %llu, thread %d, point %s; this run makes a "
                     "value choice (%s, one of %d) at step %llu",
                     r->pos + 1, (unsigned long long)d->step, d->current, d->label, c->label,
                     c->n, (unsigned long long)c->step);
        else
            snprintf(s->error, sizeof(s->error),
                     "the run made a value choice at step %llu (%s) after all %zu recorded "
                     "decisions were used",
                     (unsigned long long)c->step, c->label, r->n);
        return -1;
    }
    r->pos++;
    return d->chosen;
}

static int replay_wake(sched_strategy *s, uint64_t step, int *mask)
{
    replay_strategy *r = (replay_strategy *)s;
    if (r->pos >= r->n)
        return -1;
    const sched_decision *d = &r->d[r->pos];
    if (d->current != SCHED_EXTERNAL_WAKE || d->step != step)
        return -1;
    r->pos++;
    *mask = d->n_enabled > 0 ? d->n_enabled : 1;
    return d->chosen;
}

static int replay_outcome(sched_strategy *s, uint64_t step, const char *label)
{
    replay_strategy *r = (replay_strategy *)s;
    const sched_decision *d = r->pos < r->n ? &r->d[r->pos] : NULL;
    if (!d || d->current != SCHED_EXTERNAL_NOW || d->step != step ||
        !same_label(d->label, label)) {
        if (d)
            snprintf(s->error, sizeof(s->error),
                     "decision %zu: recorded at step %llu, thread %d, point %s; this run makes an "
                     "external call (%s) at step %llu",
                     r->pos + 1, (unsigned long long)d->step, d->current, d->label, label,
                     (unsigned long long)step);
        else
            snprintf(s->error, sizeof(s->error),
                     "the run made an external call (%s) at step %llu after all %zu recorded "
                     "decisions were used",
                     label, (unsigned long long)step, r->n);
        return -1;
    }
    r->pos++;
    return d->chosen > 0 ? d->chosen : 0;
}

static size_t replay_remaining(const sched_strategy *s)
{
    const replay_strategy *r = (const replay_strategy *)s;
    return r->n - r->pos;
}

static void replay_destroy(sched_strategy *s) { free(s); }

sched_strategy *sched_strategy_replay_new(const sched_strategy_params *p)
{
    replay_strategy *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->base.name = "replay";
    r->base.pick = replay_pick;
    r->base.choose = replay_choose;
    r->base.wake = replay_wake;
    r->base.outcome = replay_outcome;
    r->base.remaining = replay_remaining;
    r->base.destroy = replay_destroy;
    r->d = p->replay;
    r->n = p->replay ? p->nreplay : 0;
    return &r->base;
}
