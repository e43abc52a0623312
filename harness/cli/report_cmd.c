/* hostrace report: the SARIF and HTML forms of a triage directory. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "html.h"
#include "sarif.h"

static const char usage[] =
    "usage: hostrace report FINDINGS_DIR [--sarif FILE] [--html DIR]\n"
    "\n"
    "Writes the findings of a `hostrace triage` output directory as SARIF 2.1.0\n"
    "(one result per cause: its script line, the other sites as related\n"
    "locations; for code-scanning user interfaces) and as a static HTML report\n"
    "(index.html of the causes, a page per cause with the pattern to use instead\n"
    "and the fixes `triage --fixes` measured, and a page per finding with its\n"
    "interleaving drawn as a timeline: one lane per thread, scheduling steps\n"
    "left to right, the racing accesses marked). At least one of --sarif and\n"
    "--html is needed. `hostrace triage --sarif/--html` does the same as it\n"
    "writes the findings.\n"
    "\n"
    "  --sarif FILE     the SARIF log\n"
    "  --html DIR       the HTML report (created; its pages are rewritten)\n"
    "\n"
    "exit codes: 0 written, 2 usage or input error, 3 internal error.\n";

int hr_report_outputs(const char *findings, const char *sarif, const char *html)
{
    char err[1024];
    if (sarif && hr_sarif_write(findings, sarif, err, sizeof(err)) != 0) {
        fprintf(stderr, "hostrace: --sarif: %s\n", err);
        return CLI_EXIT_USAGE;
    }
    if (html && hr_html_write(findings, html, err, sizeof(err)) != 0) {
        fprintf(stderr, "hostrace: --html: %s\n", err);
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_CLEAN;
}

int cli_report(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"sarif", required_argument, NULL, 's'},
        {"html", required_argument, NULL, 'H'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *sarif = NULL, *html = NULL;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 's': sarif = optarg; break;
        case 'H': html = optarg; break;
        case 'h': fputs(usage, stdout); return CLI_EXIT_CLEAN;
        default:
            fprintf(stderr, "hostrace report: bad option '%s' (try 'hostrace report --help')\n",
                    argv[optind - 1]);
            return CLI_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "hostrace report: give one FINDINGS_DIR (try 'hostrace report --help')\n");
        return CLI_EXIT_USAGE;
    }
    if (!sarif && !html) {
        fprintf(stderr, "hostrace report: nothing to write: give --sarif FILE and/or --html DIR\n");
        return CLI_EXIT_USAGE;
    }
    const char *dir = argv[optind];
    char idx[4096];
    struct stat st;
    snprintf(idx, sizeof(idx), "%s/triage.json", dir);
    if (stat(idx, &st) != 0) {
        fprintf(stderr, "hostrace report: %s: no triage.json (not a `hostrace triage` output)\n",
                dir);
        return CLI_EXIT_USAGE;
    }
    return hr_report_outputs(dir, sarif, html);
}
