/* tsan/annotate.h: weak declarations of TSan's dynamic annotations, so
 * that non-TSan builds link (the calls become no-ops when the symbols are
 * absent). A leaf: it includes nothing of the tree, and every part may
 * include it.
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

#endif
