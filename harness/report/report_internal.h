/* report: what the detectors' folding of accesses into findings shares
 * (hb_report.c here, tsan/capture.c), not for callers that only add
 * findings. */
#ifndef HOSTRACE_REPORT_INTERNAL_H
#define HOSTRACE_REPORT_INTERNAL_H

#include "report.h"

#include <stddef.h>

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

#endif
