/* report: functions for the harness's own start-up, not for callers that
 * only add findings. */
#ifndef HOSTRACE_REPORT_INTERNAL_H
#define HOSTRACE_REPORT_INTERNAL_H

#include "report.h"

#include <stddef.h>

/* Installs the ASan error callback (TSan's hook needs no installation). */
void report_install_sanitizer_hooks(void);
/* True in a build whose sanitizer (ASan) reports SIGSEGV itself. */
int report_sanitizer_reports_crashes(void);

/* hostrace's own function covering pc (a name from the executable's symbol
 * table, whatever symbolizer is installed): 1 and *name, *runtime (1 for
 * the sanitizer runtime's own code), or 0 when pc is not in the
 * executable. */
int selfsym_lookup(const void *pc, const char **name, int *runtime);
/* Whether TSan can name frames in this build (0 in a TSan build without a
 * working symbolizer; 1 elsewhere). */
int report_sanitizer_symbolizes(void);

/* key with the line numbers of generated source left out ("NAME:12" ->
 * "NAME"); whether file is that generated source. */
void report_strip_generated(const char *key, char *out, size_t len);
/* 16 hex digits of XXH64 over tag_a, tag_b (each with its NUL; tag_b may
 * be NULL) and the unordered pair of keys a and b: signatures and cause
 * ids. */
void report_pair_hash(const char *tag_a, const char *tag_b, const char *a, const char *b,
                      char out[17]);
int report_is_generated(const char *file);
/* Puts a finding's two accesses in a fixed order (by key), as every
 * detector reports them. */
void report_order_accesses(report_finding *f);
/* The message of a finding made of accesses: "WHAT: write SITE in 'THREAD'
 * (ROLE) vs read ..." (what: TSan's description, "data-race"). */
void report_access_message(report_finding *f, const char *what);
/* Folds the races hostrace's detector found since the last call into
 * findings (hb_report.c); report_collect_sanitizer calls it. */
void report_collect_hb(void);

#endif
