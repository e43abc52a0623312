/* Schedule files: a run's parameters and every decision the scheduler took,
 * as versioned, line-oriented text (diffable, reviewable), so that
 * `hostrace replay FILE` re-runs exactly that interleaving.
 *
 *   hostrace-schedule 1
 *   script corpus/scripts/render_in_thread.py
 *   script-xxh64 8f2c...            (of the script's bytes)
 *   program 1                       (only when "script" is a program input)
 *   addon 1 / invoke OP[:K=V,..] .. / explore-ui N
 *                                   (only for an add-on: hostrace addon)
 *   strategy pct / seed 0 / pct-depth 3 / pct-steps 2000
 *   frames 240 / host lock_interface=0 ... / max-steps N / max-vtime-ms N
 *   steps N                         (scheduling points in the recorded run)
 *   thread SLOT ROLE NAME           (one per managed thread, for readers)
 *   decisions N
 *   STEP CURRENT CHOSEN N_RUNNABLE LABEL [@FILE:LINE]   (N lines)
 *   end
 */
#ifndef HOSTRACE_SCHED_SCHEDULE_H
#define HOSTRACE_SCHED_SCHEDULE_H

#include <stdint.h>
#include <stdio.h>

#include "sched.h"

#define HR_SCHEDULE_VERSION 1
/* The largest schedule file read (a run at the default --max-steps
 * records well under this) */
#define HR_SCHEDULE_MAX_BYTES (256 << 20)

typedef struct hr_schedule {
    int version;
    char script[4096];
    char script_hash[17];
    int program; /* the script is a program input (hostrace run --program) */
    int addon;   /* the script is an add-on (hostrace addon) */
    char invoke[1024]; /* its --invoke operators, space separated */
    int explore; /* its --explore-ui frames (0: none) */
    char strategy[16];
    uint64_t seed;
    int pct_depth;
    uint64_t pct_steps;
    int frames;
    char host[256];
    uint64_t max_steps;
    int64_t max_vtime_ms;
    uint64_t steps;
    sched_decision *d; /* labels and files point into strings */
    size_t n;
    char **strings; /* owned, freed by hr_schedule_free */
    size_t nstrings;
} hr_schedule;

/* Writes s to fd with the thread table of the current process
 * (sched_slot_*). Allocates nothing: a crash handler may call it. */
int hr_schedule_write(int fd, const hr_schedule *s);
/* Reads path into *s; -1 with a message in err when the file cannot be
 * read, is truncated, is not a schedule or has another version. */
int hr_schedule_read(const char *path, hr_schedule *s, char *err, size_t len);
void hr_schedule_free(hr_schedule *s);

/* xxh64 of a file's bytes as 16 hex digits (of a folder: of its files'
 * relative names and bytes, in name order, __pycache__ left out); -1 when
 * unreadable. */
int hr_file_hash(const char *path, char out[17]);
/* The same hash of a file's first limit bytes (a repro.py's code without
 * its trailer). */
int hr_file_hash_prefix(const char *path, size_t limit, char out[17]);
/* A number as schedule files write it, and as the command's options take
 * it: base 10 (strtoull), not negative, within 64 bits, nothing after it.
 * 0, or -1. */
int hr_parse_u64(const char *s, uint64_t *out);

#endif
