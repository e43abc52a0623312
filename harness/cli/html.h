/* The HTML report of a findings directory (html.c): index.html and one
 * page per finding with its interleaving drawn as a timeline. */
#ifndef HOSTRACE_CLI_HTML_H
#define HOSTRACE_CLI_HTML_H

#include <stddef.h>

/* findings_dir: a `hostrace triage` output directory (triage.json and one
 * KIND-SIGNATURE/ directory per finding). Writes html_dir/index.html and
 * html_dir/KIND-SIGNATURE.html. 0, or -1 with a one-line message in err. */
int hr_html_write(const char *findings_dir, const char *html_dir, char *err, size_t errlen);

#endif
