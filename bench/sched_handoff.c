/* sched_handoff: what one scheduling point of the token scheduler costs.
 *
 *   noswitch  main is the only managed thread: every sched_point is a
 *             scheduling point without a switch (lock, reschedule, unlock).
 *   handoff   main and one managed worker ping-pong under rr: every
 *             sched_point hands the token to the other thread (futex wake of
 *             the other thread, futex wait for the token to come back).
 *   access    main alone makes annotated accesses (SCHED_WRITE, a
 *             scheduling point each) to 64 objects in turn, with hostrace's
 *             race detector off (access_ns) and on (access_hb_ns): what the
 *             detector adds to each access.
 *
 * Each is measured over several repetitions; the median (and min/max) ns per
 * point or per handoff is printed. Figures only: nothing is asserted.
 *
 * usage: hr_bench_sched [--points N] [--handoffs N] [--reps R]
 * The last lines are machine-readable: "RESULT noswitch_ns <median>" and
 * "RESULT handoff_ns <median>", "RESULT access_ns <median>" and
 * "RESULT access_hb_ns <median>" (bench/run reads them).
 */
#include "sched/sched.h"
#include "sched/strategy.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_REPS 101

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(v[0]), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The worker does one point more than main, so that main's timed loop ends
 * when the worker's last point hands the token back, not at its exit (whose
 * handoff waits for the exiting thread to leave the kernel). */
static void *worker(void *arg)
{
    uint64_t n = *(const uint64_t *)arg;
    for (uint64_t i = 0; i < n + 1; i++)
        sched_point("bench.point");
    return NULL;
}

static uint64_t parse_u64(const char *s, const char *opt)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end || v == 0) {
        fprintf(stderr, "hr_bench_sched: %s needs a positive number\n", opt);
        exit(2);
    }
    return (uint64_t)v;
}

int main(int argc, char **argv)
{
    uint64_t points = 2000000, handoffs = 200000;
    int reps = 7;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--points") && i + 1 < argc)
            points = parse_u64(argv[++i], "--points");
        else if (!strcmp(argv[i], "--handoffs") && i + 1 < argc)
            handoffs = parse_u64(argv[++i], "--handoffs");
        else if (!strcmp(argv[i], "--reps") && i + 1 < argc) {
            uint64_t r = parse_u64(argv[++i], "--reps");
            reps = r > MAX_REPS ? MAX_REPS : (int)r;
        } else {
            fprintf(stderr, "usage: hr_bench_sched [--points N] [--handoffs N] [--reps R]\n");
            return 2;
        }
    }
    /* main's loop does half the points; each of its points and each of the
     * worker's is one handoff */
    uint64_t half = handoffs / 2 ? handoffs / 2 : 1;

    sched_thread_register_current(SCHED_ROLE_MAIN, "main");
    char err[256];
    sched_strategy_params p = {.name = "rr", .seed = 0};
    sched_strategy *st = sched_strategy_new(&p, err, sizeof err);
    if (!st) {
        fprintf(stderr, "hr_bench_sched: %s\n", err);
        return 1;
    }
    sched_config cfg = {0};
    cfg.strategy = st;
    cfg.record = 0; /* no decision list: it would grow by one per handoff */
    static const char *const roles[] = {"worker"}; /* a host model's one role */
    sched_roles_set(roles, 1);
    sched_start(&cfg);

    double ns_noswitch[MAX_REPS], ns_handoff[MAX_REPS], ns_access[2][MAX_REPS];
    static float objs[64][3];

    /* warm-up: page in the scheduler's state */
    for (uint64_t i = 0; i < 10000; i++)
        sched_point("bench.warmup");

    /* (a) no switch: main alone */
    for (int r = 0; r < reps; r++) {
        uint64_t s0 = sched_steps();
        int64_t t0 = now_ns();
        for (uint64_t i = 0; i < points; i++)
            sched_point("bench.point");
        int64_t t1 = now_ns();
        uint64_t steps = sched_steps() - s0;
        if (steps != points) {
            fprintf(stderr, "hr_bench_sched: %llu scheduling points counted, %llu made\n",
                    (unsigned long long)steps, (unsigned long long)points);
            return 1;
        }
        ns_noswitch[r] = (double)(t1 - t0) / (double)points;
    }

    /* (b) handoff: main and a fresh worker per repetition, rr */
    for (int r = 0; r < reps; r++) {
        sched_thread *t;
        int rc = sched_thread_create(&t, SCHED_ROLE_HOST, "w1", worker, &half);
        if (rc) {
            fprintf(stderr, "hr_bench_sched: sched_thread_create: %s\n", strerror(rc));
            return 1;
        }
        uint64_t s0 = sched_steps();
        int64_t t0 = now_ns();
        for (uint64_t i = 0; i < half; i++)
            sched_point("bench.point");
        int64_t t1 = now_ns();
        uint64_t steps = sched_steps() - s0; /* each one a handoff */
        sched_thread_join(t, NULL);
        if (steps != 2 * half) {
            fprintf(stderr,
                    "hr_bench_sched: %llu scheduling points in the ping-pong, expected %llu\n",
                    (unsigned long long)steps, (unsigned long long)(2 * half));
            return 1;
        }
        ns_handoff[r] = (double)(t1 - t0) / (double)steps;
    }

    /* (c) annotated accesses, main alone: detector off, then on */
    for (int hb = 0; hb < 2; hb++) {
        sched_hb_enable(hb);
        for (int r = 0; r < reps; r++) {
            int64_t t0 = now_ns();
            for (uint64_t i = 0; i < points; i++)
                SCHED_WRITE("bench.access", &objs[i % 64]);
            int64_t t1 = now_ns();
            ns_access[hb][r] = (double)(t1 - t0) / (double)points;
        }
    }
    sched_hb_enable(0);

    double a_min = ns_noswitch[0], a_max = ns_noswitch[0];
    double b_min = ns_handoff[0], b_max = ns_handoff[0];
    for (int r = 1; r < reps; r++) {
        a_min = ns_noswitch[r] < a_min ? ns_noswitch[r] : a_min;
        a_max = ns_noswitch[r] > a_max ? ns_noswitch[r] : a_max;
        b_min = ns_handoff[r] < b_min ? ns_handoff[r] : b_min;
        b_max = ns_handoff[r] > b_max ? ns_handoff[r] : b_max;
    }
    double a_med = median(ns_noswitch, reps);
    double b_med = median(ns_handoff, reps);

    printf("%-10s %12s %10s %10s %10s %5s\n", "what", "per rep", "median ns", "min ns",
           "max ns", "reps");
    printf("%-10s %12llu %10.1f %10.1f %10.1f %5d\n", "noswitch", (unsigned long long)points,
           a_med, a_min, a_max, reps);
    printf("%-10s %12llu %10.1f %10.1f %10.1f %5d\n", "handoff",
           (unsigned long long)(2 * half), b_med, b_min, b_max, reps);
    double c_med = median(ns_access[0], reps), d_med = median(ns_access[1], reps);
    printf("%-10s %12llu %10.1f %10s %10s %5d\n", "access", (unsigned long long)points, c_med,
           "", "", reps);
    printf("%-10s %12llu %10.1f %10s %10s %5d\n", "access+hb", (unsigned long long)points,
           d_med, "", "", reps);
    printf("RESULT noswitch_ns %.1f\n", a_med);
    printf("RESULT handoff_ns %.1f\n", b_med);
    printf("RESULT access_ns %.1f\n", c_med);
    printf("RESULT access_hb_ns %.1f\n", d_med);

    sched_strategy_free(st);
    return 0;
}
