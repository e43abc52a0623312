/* report: functions for the harness's own start-up, not for callers that
 * only add findings. */
#ifndef HOSTRACE_REPORT_INTERNAL_H
#define HOSTRACE_REPORT_INTERNAL_H

/* Installs the ASan error callback (TSan's hook needs no installation). */
void report_install_sanitizer_hooks(void);
/* True in a build whose sanitizer (ASan) reports SIGSEGV itself. */
int report_sanitizer_reports_crashes(void);

#endif
