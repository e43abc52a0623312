/* fuzz/coverage.h: the drivers' coverage handoff to AFL++ or libFuzzer
 * (coverage.c). Every function does nothing in a build for neither. */
#ifndef HR_FUZZ_COVERAGE_H
#define HR_FUZZ_COVERAGE_H
#include <stdint.h>

/* once, in the parent before the first fork: 0, or -1 when the shared
 * memory for libFuzzer's counters could not be mapped */
int hr_cov_setup(void);
/* the interleaving feedback: one conflicting access pair (hash of its two
 * sites); called in the child, by the thread that made the second access */
void hr_cov_conflict(uint32_t h);
/* the child, as its run ends: its counters to shared memory */
void hr_cov_child_out(void);
/* the parent, after the child ended: the child's counters into its own */
void hr_cov_parent_in(void);

#endif
