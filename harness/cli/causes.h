/* cli: causes in JSON and text, the same in every output (run, triage,
 * report, the campaign's findings.json). The rule that groups findings is
 * report_cause_of's (report.h); each finding's JSON carries its cause, and
 * these functions group findings by it. */
#ifndef HOSTRACE_CLI_CAUSES_H
#define HOSTRACE_CLI_CAUSES_H

#include <jansson.h>
#include <stdio.h>

#include "report/report.h"

/* The cause object of one finding's JSON. code(file, line, ud) returns the
 * source text of a script line (or NULL) for the script side. */
typedef const char *(*hr_code_fn)(const char *file, int line, void *ud);
json_t *hr_cause_json(const report_cause *c, hr_code_fn code, void *ud);

/* Groups findings (an array of finding objects, each with "cause",
 * "kind", "signature", "count") into causes: an array, most signatures
 * first, then by id, each
 *   {id, family, title, fix, script[], against[], signatures[],
 *    findings (indices into the array), count}
 * where script and against are the distinct sides of its findings. A
 * finding without a cause (written by an older hostrace) is a cause of
 * its own. New reference. */
json_t *hr_causes_group(json_t *findings);

/* The text listing: "N causes, M signatures", then each cause with its
 * script side, what it is against, its signatures and the fix. sig_line
 * (may be NULL) prints extra lines after each signature (its replay
 * command). */
typedef void (*hr_sig_line_fn)(FILE *out, json_t *finding, void *ud);
/* cause_end (may be NULL) prints extra lines after each cause. A cause's
 * "reproducer" (a finding directory), where it has one, is printed. */
typedef void (*hr_cause_fn)(FILE *out, json_t *cause, void *ud);
void hr_causes_print(FILE *out, json_t *causes, json_t *findings, hr_sig_line_fn sig_line,
                     hr_cause_fn cause_end, void *ud);

#endif
