/* Value choices (sched_choose) in each strategy: what the user of an
 * add-on run does is the strategy's, deterministic, replayable, and it
 * leaves the thread decisions of pct unchanged. Drives the strategies
 * directly (no threads). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched/strategy.h"

static int failures;

#define CHECK(cond)                                                                \
    do {                                                                           \
        if (!(cond)) {                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                            \
        }                                                                          \
    } while (0)

static sched_strategy *make(const char *name, uint64_t seed, const uint8_t *bytes, size_t n,
                            const sched_decision *d, size_t nd)
{
    char err[256];
    sched_strategy_params p = {.name = name, .seed = seed, .bytes = bytes, .nbytes = n,
                               .replay = d, .nreplay = nd};
    sched_strategy *s = sched_strategy_new(&p, err, sizeof(err));
    if (!s) {
        fprintf(stderr, "cannot make strategy %s: %s\n", name, err);
        exit(1);
    }
    return s;
}

static int choose(sched_strategy *s, uint64_t step, int n, const char *label)
{
    sched_choice c = {.step = step, .current = SCHED_VALUE_CHOICE, .n = n, .label = label};
    return s->choose(s, &c);
}

static int pick(sched_strategy *s, uint64_t step, uint64_t index, int current)
{
    static const int enabled[3] = {0, 1, 2};
    sched_choice c = {.step = step, .index = index, .current = current, .enabled = enabled,
                      .n = 3, .label = "point"};
    return s->pick(s, &c);
}

/* bytes: each value choice takes one byte, modulo n, like a thread pick */
static void test_bytes(void)
{
    const uint8_t in[] = {7, 2, 255};
    sched_strategy *s = make("bytes", 0, in, sizeof(in), NULL, 0);
    CHECK(choose(s, 1, 4, "user.action") == 3);
    CHECK(pick(s, 2, 0, 0) == 2);
    CHECK(choose(s, 3, 2, "user.click") == 1);
    int a = choose(s, 4, 5, "user.action"); /* past the input: the PRNG */
    CHECK(a >= 0 && a < 5);
    sched_strategy_free(s);
}

/* every strategy: in range, and the same sequence for the same seed */
static void test_deterministic(void)
{
    const char *names[] = {"random", "pct", "rr"};
    for (int k = 0; k < 3; k++) {
        sched_strategy *a = make(names[k], 42, NULL, 0, NULL, 0);
        sched_strategy *b = make(names[k], 42, NULL, 0, NULL, 0);
        int seen[7] = {0};
        for (int i = 0; i < 200; i++) {
            int x = choose(a, (uint64_t)i, 7, "user.action");
            int y = choose(b, (uint64_t)i, 7, "user.action");
            CHECK(x == y);
            CHECK(x >= 0 && x < 7);
            if (x >= 0 && x < 7)
                seen[x] = 1;
        }
        for (int v = 0; v < 7; v++)
            CHECK(seen[v]); /* every option is reachable */
        sched_strategy_free(a);
        sched_strategy_free(b);
    }
}

/* pct: value choices draw from a stream of their own, so the threads'
 * priorities (and so every thread decision) are the same with or without
 * a user */
static void test_pct_threads_unchanged(void)
{
    sched_strategy *plain = make("pct", 9, NULL, 0, NULL, 0);
    sched_strategy *user = make("pct", 9, NULL, 0, NULL, 0);
    for (uint64_t i = 0; i < 300; i++) {
        int cur = (int)(i % 3);
        int x = pick(plain, i, i, cur);
        if (i % 5 == 0)
            choose(user, i, 6, "user.action");
        int y = pick(user, i, i, cur);
        CHECK(x == y);
    }
    sched_strategy_free(plain);
    sched_strategy_free(user);
}

/* replay: the recorded option at the same step and label; anything else
 * is a divergence with a message */
static void test_replay(void)
{
    sched_decision d[3] = {
        {.step = 5, .current = SCHED_VALUE_CHOICE, .chosen = 2, .n_enabled = 4, .label = "user.action"},
        {.step = 6, .current = 0, .chosen = 1, .n_enabled = 3, .label = "point"},
        {.step = 9, .current = SCHED_VALUE_CHOICE, .chosen = 1, .n_enabled = 3, .label = "user.value"},
    };
    sched_strategy *s = make("replay", 0, NULL, 0, d, 3);
    CHECK(choose(s, 5, 4, "user.action") == 2);
    CHECK(pick(s, 6, 0, 0) == 1);
    CHECK(choose(s, 9, 3, "user.value") == 1);
    CHECK(choose(s, 10, 3, "user.value") == -1); /* past the end */
    CHECK(strstr(s->error, "after all 3 recorded decisions") != NULL);
    sched_strategy_free(s);

    s = make("replay", 0, NULL, 0, d, 3);
    CHECK(choose(s, 5, 4, "user.click") == -1); /* another label */
    CHECK(strstr(s->error, "value choice") != NULL);
    sched_strategy_free(s);

    s = make("replay", 0, NULL, 0, d, 3);
    CHECK(choose(s, 5, 2, "user.action") == -1); /* option 2 of only 2 */
    sched_strategy_free(s);

    s = make("replay", 0, NULL, 0, d, 3);
    CHECK(pick(s, 5, 0, 0) == -1); /* a thread decision where a value was recorded */
    sched_strategy_free(s);
}

int main(void)
{
    test_bytes();
    test_deterministic();
    test_pct_threads_unchanged();
    test_replay();
    if (failures) {
        fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    printf("strategy value choices: ok\n");
    return 0;
}
