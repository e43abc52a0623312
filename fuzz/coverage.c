/* fuzz/coverage.c: how a run's coverage reaches the fuzzer. The drivers
 * run each input in a forked child (driver.c), so whatever the child
 * counts must end up where the fuzzer reads it.
 *
 * AFL++: its map is shared memory, so the child writes it directly; this
 * file adds the interleaving feedback (conflicting access pairs) to it.
 *
 * libFuzzer: its code counters and the extra counters (the interleaving
 * feedback) are the process's own memory; the child copies them to shared
 * memory as it ends, and the parent copies them back after waitpid().
 *
 * This file is kept out of both fuzzers' instrumentation
 * (coverage-denylist.txt): an instrumented module gets its own definitions
 * of __afl_area_ptr and __start___sancov_cntrs from the instrumentation
 * pass, which would shadow the ones referred to here. It is out of TSan's
 * too (CMakeLists.txt): the counters are written by whichever managed
 * thread made an access, ordered only by the scheduler, which TSan does
 * not see. */
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

#include "coverage.h"

#ifdef __AFL_COMPILER
extern uint8_t *__afl_area_ptr;
extern uint32_t __afl_map_size;
#endif

#ifdef HR_LIBFUZZER
#define EXTRA 8192
__attribute__((section("__libfuzzer_extra_counters"))) static uint8_t g_extra[EXTRA];
extern uint8_t __start___sancov_cntrs[] __attribute__((weak, visibility("hidden")));
extern uint8_t __stop___sancov_cntrs[] __attribute__((weak, visibility("hidden")));
static uint8_t *g_shared_extra, *g_shared_cntrs;
static size_t g_ncntrs;

static void *shared(size_t n)
{
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

int hr_cov_setup(void)
{
    g_shared_extra = shared(EXTRA);
    if (__start___sancov_cntrs && __stop___sancov_cntrs > __start___sancov_cntrs) {
        g_ncntrs = (size_t)(__stop___sancov_cntrs - __start___sancov_cntrs);
        g_shared_cntrs = shared(g_ncntrs);
    }
    return g_shared_extra && g_shared_cntrs ? 0 : -1;
}

/* plain loops (the file is built with -fno-builtin): no memcpy that a
 * sanitizer's interceptor would check against the threads' writes */
static void move(uint8_t *to, uint8_t *from, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        to[i] = from[i];
        from[i] = 0;
    }
}

void hr_cov_child_out(void)
{
    if (g_shared_cntrs)
        for (size_t i = 0; i < g_ncntrs; i++)
            g_shared_cntrs[i] = __start___sancov_cntrs[i];
}

void hr_cov_parent_in(void)
{
    if (g_shared_cntrs)
        move(__start___sancov_cntrs, g_shared_cntrs, g_ncntrs);
    if (g_shared_extra)
        move(g_extra, g_shared_extra, EXTRA);
}
#else
int hr_cov_setup(void) { return 0; }
void hr_cov_child_out(void) {}
void hr_cov_parent_in(void) {}
#endif

void hr_cov_conflict(uint32_t h)
{
#ifdef __AFL_COMPILER
    if (__afl_area_ptr && __afl_map_size) {
        uint8_t *c = &__afl_area_ptr[h % __afl_map_size];
        if (*c < 255)
            (*c)++;
    }
#endif
#ifdef HR_LIBFUZZER
    if (g_shared_extra) {
        uint8_t *c = &g_shared_extra[h % EXTRA];
        if (*c < 255)
            (*c)++;
    }
#endif
    (void)h;
}
