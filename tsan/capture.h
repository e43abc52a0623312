/* tsan/capture.h: sanitizer reports become findings.
 *
 * TSan calls __tsan_on_report (capture.c) for every report it does not
 * suppress; the hook copies the report into a preallocated slot and looks
 * up each access's site and script location in the scheduler's access ring
 * while they are fresh. sanitizer_collect folds the slots into findings
 * (report_add) later, from a normal context. ASan's error callback makes
 * its finding at once, since ASan ends the process right after. How a race
 * becomes a finding, step by step: tsan/README.md. */
#ifndef HOSTRACE_TSAN_CAPTURE_H
#define HOSTRACE_TSAN_CAPTURE_H

#include <stddef.h>

/* Installs the ASan error callback (TSan's hook needs no installation). */
void sanitizer_install_hooks(void);
/* A hook run when a sanitizer is about to end the process (ASan), so the
 * findings are printed before it dies. */
void sanitizer_set_fatal_hook(void (*fn)(void));
/* Folds the TSan reports captured since the last call into findings
 * (symbolises stacks). Call from a normal context, not from a hook. */
void sanitizer_collect(void);
/* Whether TSan's data races become findings (default 1): off when the run
 * asked for hostrace's detector alone. Its other reports stay. */
void sanitizer_set_tsan_races(int on);
/* True in a ThreadSanitizer build. */
int sanitizer_tsan_build(void);
/* True in a build whose sanitizer (ASan) reports SIGSEGV itself. */
int sanitizer_reports_crashes(void);
/* Whether TSan can name frames in this build (0 in a TSan build without a
 * working symbolizer; 1 elsewhere). */
int sanitizer_symbolizes(void);

/* hostrace's own function covering pc (a name from the executable's symbol
 * table, whatever symbolizer is installed): 1 and *name, *runtime (1 for
 * the sanitizer runtime's own code), or 0 when pc is not in the
 * executable (selfsym.c). */
int selfsym_lookup(const void *pc, const char **name, int *runtime);

#endif
