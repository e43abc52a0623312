/* report: findings, their kinds and signatures, and their text and JSON
 * forms.
 *
 * Owns the process-wide list of findings (deduplicated by signature). The
 * capture of sanitizer reports is tsan/capture.h's. Knows nothing of
 * Blender or Python: callers describe accesses with site ids and script
 * locations.
 *
 * A signature is kind + the unordered pair of access keys (site id and
 * script basename:line where known), hashed: stable across runs, builds and
 * machines because it holds no address, thread number or counter.
 */
#ifndef HOSTRACE_REPORT_H
#define HOSTRACE_REPORT_H

#include <stdint.h>
#include <stdio.h>

typedef enum report_kind {
    REPORT_DATA_RACE = 0,
    REPORT_USE_AFTER_FREE,
    REPORT_DEADLOCK,
    REPORT_LOCK_ORDER_INVERSION,
    REPORT_ASSERTION,
    REPORT_HANG,
    REPORT_BLOCKED_OUTSIDE_SCHEDULER,
    REPORT_INVARIANT_BROKEN,
    REPORT_SCRIPT_ERROR,
    REPORT_THREAD_OUTLIVES_SCRIPT,
    REPORT_OPERATOR_REFUSED,
    REPORT_UNSUPPORTED_API,
    REPORT_FORK_WITH_THREADS,
    REPORT_CRASH,
    REPORT_PROCESS_KILLED,
    REPORT_PROCESS_EXIT,
    REPORT_KIND_COUNT,
} report_kind;

typedef enum report_severity { REPORT_WARNING = 0, REPORT_ERROR = 1 } report_severity;

/* DESIGN.md's kind ids: "data-race", "use-after-free", ... */
const char *report_kind_id(report_kind k);
report_severity report_kind_severity(report_kind k);
/* Returns 0 and sets *out when id names a kind. */
int report_kind_parse(const char *id, report_kind *out);

#define REPORT_MAX_FRAMES 8

typedef struct report_frame {
    char func[96];
    char file[160];
    int line;
} report_frame;

typedef struct report_access {
    int is_write;
    int size;
    char thread[64]; /* managed thread name */
    char role[24];   /* sched role name */
    char site[64];   /* access site id, or C function when unknown */
    char call[48];   /* the bpy call it was made in (its C function), or "" */
    int delegated;   /* made by a host thread working for that call of a
                        script thread (sched_call_adopt): the script's side */
    char py_file[192];
    int py_line;
    int has_step;  /* step is known (the access was annotated) */
    uint64_t step; /* scheduling points before the access */
    report_frame frames[REPORT_MAX_FRAMES];
    int nframes;
} report_access;

typedef struct report_finding {
    report_kind kind;
    char signature[17];
    char message[512];
    report_access acc[2];
    int nacc;
    /* free text: a traceback, a sanitizer description */
    char detail[2048];
    /* the thread a finding without accesses happened on (or is about) */
    char thread[64];
    char role[24];
    /* keys hashed into the signature (filled by report_add when empty) */
    char key_a[256];
    char key_b[256];
    int count; /* times seen in this run */
    unsigned found_by; /* data races: REPORT_BY_* of the detectors that saw it */
} report_finding;

#define REPORT_BY_TSAN 1u
#define REPORT_BY_HOSTRACE 2u
/* "tsan", "hostrace", "both"; "none" for 0 (no detector). */
const char *report_found_by_id(unsigned found_by);

/* Adds f (copied); findings with an equal signature are merged and
 * counted. Computes the signature from kind, key_a and key_b (from the
 * accesses when the keys are empty). Thread-safe. */
void report_add(const report_finding *f);
/* Convenience: a finding with a message and up to two keys. */
void report_addf(report_kind kind, const char *key_a, const char *key_b, const char *detail,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The same, naming the thread the finding happened on or is about. */
void report_addf_thread(const char *thread, const char *role, report_kind kind,
                        const char *key_a, const char *key_b, const char *detail,
                        const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* Source generated under this name (a fuzz program, "program.py"): its line
 * numbers are left out of signatures, since two generated programs put
 * the same operation on different lines, and the same race found by two
 * programs is one finding. Set before the run; NULL clears it. */
void report_set_generated_source(const char *name);

/* The key of an access: "site" or "site@file.py:line". */
void report_access_key(const report_access *a, char *out, size_t len);

/* Folds the races hostrace's own detector found since the last call
 * (sched_hb_races_take) into findings, whose signatures are made as for the
 * same pair of accesses from TSan (hb_report.c). Call from a normal
 * context; TSan's own reports are folded by tsan/capture.h. */
void report_collect_hb(void);

int report_count(void);
/* Copies finding i into *out; returns 0, or -1 out of range. */
int report_get(int i, report_finding *out);
int report_error_count(void);
void report_clear(void);

/* Merges a finding that was found elsewhere (another process): a new
 * signature is added with its count, a known one has the count added.
 * Returns its index (report_get), -1 when the list is full; sets *is_new. */
int report_merge(const report_finding *f, int *is_new);

/* Human-readable listing of every finding, and of one. */
void report_print_text(FILE *out);
void report_print_finding(FILE *out, const report_finding *f);

/* ---- causes ------------------------------------------------------------ */

/* A cause groups findings that one change removes: the script-side code
 * that does something against the host, whatever host activity was on the
 * other side. The rule (README, "Causes"):
 *   - data-race and use-after-free (family "memory"): the script side is
 *     the access a script thread made (role "python", or a host thread
 *     working for a script thread's call), else an access made by script
 *     code on a host thread (one with a Python location or inside a bpy
 *     call: a timer, handler or draw callback); the cause is where that code runs (a
 *     Python thread or the main thread) and its file:line, or in generated
 *     source (fuzz programs, whose line numbers vary) the bpy call it was
 *     made in. Both sides when both are script code. With no script side
 *     (host against host) the cause is the pair of host activities.
 *   - every other kind: the finding's own signature keys (one signature,
 *     one cause).
 * The id hashes only those parts, so it is as stable as a signature. */
#define REPORT_CAUSE_SIDES 2

typedef struct report_cause_side {
    char where[16];  /* "thread" (a Python thread), "main" (script code on
                        a host thread), "host" */
    char thread[64];
    char role[24];
    char access[8];  /* "read", "write" */
    char site[64];
    char call[48];   /* the bpy call (C function) or "" */
    char api[64];    /* the bpy API that call implements, or "" */
    char file[192];  /* script file or "" */
    int line;
    char activity[48]; /* host side: what the host thread was doing */
} report_cause_side;

typedef struct report_cause {
    char id[17];
    char family[32]; /* "memory" or the kind id */
    char title[256];
    report_cause_side script[REPORT_CAUSE_SIDES];
    int nscript;
    report_cause_side against[REPORT_CAUSE_SIDES];
    int nagainst;
    char fix[512];   /* the pattern to use instead, for the script's author */
} report_cause;

/* The cause of finding f. */
void report_cause_of(const report_finding *f, report_cause *out);

/* The host model names what a host thread was doing at an access (its
 * role, site and C stack): "viewport draw", "render job". Without a
 * namer, the role is used. */
typedef void (*report_activity_fn)(const report_access *a, char *out, size_t len);
void report_set_activity_namer(report_activity_fn fn);
/* The binding names the API a call (an access's call, its C function)
 * implements: "Scene.frame_set()"; NULL when it does not know it. */
typedef const char *(*report_api_fn)(const char *call);
void report_set_api_namer(report_api_fn fn);

#endif
