/* SARIF 2.1.0 of a findings directory (sarif.c): one result per finding,
 * with both accesses as locations, for code-scanning user interfaces. */
#ifndef HOSTRACE_CLI_SARIF_H
#define HOSTRACE_CLI_SARIF_H

#include <stddef.h>

/* findings_dir: a `hostrace triage` output directory. 0, or -1 with a
 * one-line message in err. */
int hr_sarif_write(const char *findings_dir, const char *path, char *err, size_t errlen);

#endif
