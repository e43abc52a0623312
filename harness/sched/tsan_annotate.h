/* Weak declarations of TSan's dynamic annotations, so that non-TSan builds
 * link (the calls become no-ops when the symbols are absent).
 *
 * HR_TSAN_IGNORE_BEGIN/END hide a region from TSan completely: no
 * synchronisation edges (IgnoreSync) and no memory accesses (IgnoreReads,
 * IgnoreWrites). The harness's own bookkeeping must never create
 * happens-before edges between the threads it observes. */
#ifndef HOSTRACE_TSAN_ANNOTATE_H
#define HOSTRACE_TSAN_ANNOTATE_H

void AnnotateIgnoreSyncBegin(const char *file, int line) __attribute__((weak));
void AnnotateIgnoreSyncEnd(const char *file, int line) __attribute__((weak));
void AnnotateIgnoreReadsBegin(const char *file, int line) __attribute__((weak));
void AnnotateIgnoreReadsEnd(const char *file, int line) __attribute__((weak));
void AnnotateIgnoreWritesBegin(const char *file, int line) __attribute__((weak));
void AnnotateIgnoreWritesEnd(const char *file, int line) __attribute__((weak));

/* For code that runs inside a sanitizer's report callback: no
 * instrumentation at all (no memory accesses, no function entry/exit
 * events), since a trace event there can wait on state the report holds.
 * Such code must not call intercepted libc functions either. */
#if defined(__has_attribute)
#if __has_attribute(disable_sanitizer_instrumentation)
#define HR_IN_SANITIZER_REPORT __attribute__((disable_sanitizer_instrumentation))
#endif
#endif
#ifndef HR_IN_SANITIZER_REPORT
#define HR_IN_SANITIZER_REPORT
#endif

/* Memory accesses hidden from TSan (reads and writes; not synchronisation). */
#define HR_TSAN_ACCESSES_BEGIN()                                             \
    do {                                                                     \
        if (AnnotateIgnoreReadsBegin) {                                      \
            AnnotateIgnoreReadsBegin(__FILE__, __LINE__);                    \
            AnnotateIgnoreWritesBegin(__FILE__, __LINE__);                   \
        }                                                                    \
    } while (0)

#define HR_TSAN_ACCESSES_END()                                               \
    do {                                                                     \
        if (AnnotateIgnoreReadsEnd) {                                        \
            AnnotateIgnoreWritesEnd(__FILE__, __LINE__);                     \
            AnnotateIgnoreReadsEnd(__FILE__, __LINE__);                      \
        }                                                                    \
    } while (0)

#define HR_TSAN_IGNORE_BEGIN()                                               \
    do {                                                                     \
        if (AnnotateIgnoreSyncBegin)                                         \
            AnnotateIgnoreSyncBegin(__FILE__, __LINE__);                     \
        HR_TSAN_ACCESSES_BEGIN();                                            \
    } while (0)

#define HR_TSAN_IGNORE_END()                                                 \
    do {                                                                     \
        HR_TSAN_ACCESSES_END();                                              \
        if (AnnotateIgnoreSyncEnd)                                           \
            AnnotateIgnoreSyncEnd(__FILE__, __LINE__);                       \
    } while (0)

/* HR_TSAN_HOST_INTERNAL_BEGIN/END: the region's memory accesses are hidden
 * from TSan (its synchronisation is not): the host model's own races, which
 * Blender has in every run and no script can cause or avoid (the main
 * thread polling a job's plain fields; the shutdown). Decided here in the
 * code, not by a suppression, because TSan matches suppressions against
 * symbolized names: without a symbolizer they would stop applying, and
 * with one a suppressed report still changes what TSan reports later. */
/* hostrace's own detector (sched/hb.c) leaves them out too, annotations
 * included: put a region's SCHED_ACCESS inside it. */
void sched_hb_ignore(int delta);
#define HR_TSAN_HOST_INTERNAL_BEGIN()                                        \
    do {                                                                     \
        HR_TSAN_ACCESSES_BEGIN();                                            \
        sched_hb_ignore(1);                                                  \
    } while (0)
#define HR_TSAN_HOST_INTERNAL_END()                                          \
    do {                                                                     \
        sched_hb_ignore(-1);                                                 \
        HR_TSAN_ACCESSES_END();                                              \
    } while (0)

#endif
