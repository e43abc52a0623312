/* hostrace promote and hostrace regress: the regression corpus.
 *
 * A regression case is a directory (corpus/regressions/NAME/) holding a
 * finding's input and what is expected of it:
 *
 *   case.json    name, kind, signature, message, expect, switch, sanitizers,
 *                program (the input is a fuzz program) or script (repro.py
 *                is the script and the input its schedule bytes), host
 *   input        the fuzz input (program and schedule bytes), or the
 *                schedule bytes of the script
 *   repro.py     the program as Python, or the script
 *   schedule.txt report.txt   the interleaving and report when promoted
 *
 * Expectations:
 *   race            the finding (any kind) must still show, with the same
 *                   signature: a known bug kept visible on purpose
 *   clean           the bug was fixed in the host: the case must be clean
 *   clean-with K=V  host switch K=V fixes it: with the switch the case must
 *                   be clean, and without it the finding must still show
 *                   (otherwise the case no longer tests the switch)
 *
 * Each run replays the input the way the fuzzer ran it (the bytes
 * strategy), in a fresh `hostrace run` process, so a changed host switch
 * gives a real new interleaving rather than a diverged replay. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "program.h"
#include "py/py.h"
#include "sched/schedule.h"

#ifndef HR_SANITIZER
#define HR_SANITIZER "none"
#endif

#define CASE_VERSION 1
#define DEFAULT_CORPUS "corpus/regressions"

/* ---- shared --------------------------------------------------------------- */

static char g_self[PATH_MAX];

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Which sanitizer builds a case is checked in: a data race hostrace's own
 * detector found (detector "hostrace" or "both") in every build, as its
 * accesses are annotated ones; a race only TSan saw (memory no annotation
 * covers) and a lock-order inversion only under TSan; a use-after-free
 * ASan and TSan both see, but each reports it its own way (ASan names the
 * function, TSan both accesses), so its signature holds in the build that
 * promoted it; the findings the scheduler and the script make (deadlock,
 * hang, assertion, ...) are the same in every build, the release one (no
 * sanitizer) too. */
static json_t *sanitizers_for(const char *kind, const char *detector)
{
    if (strcmp(kind, "data-race") == 0 && detector &&
        (strcmp(detector, "hostrace") == 0 || strcmp(detector, "both") == 0))
        return json_pack("[s, s, s]", "thread", "address", "none");
    if (strcmp(kind, "data-race") == 0 || strcmp(kind, "lock-order-inversion") == 0)
        return json_pack("[s]", "thread");
    if (strcmp(kind, "use-after-free") == 0 &&
        (strcmp(HR_SANITIZER, "thread") == 0 || strcmp(HR_SANITIZER, "address") == 0))
        return json_pack("[s]", HR_SANITIZER);
    return json_pack("[s, s, s]", "thread", "address", "none");
}

/* A host switch "key=value" with a known key. */
static int valid_switch(const char *s)
{
    const char *eq = strchr(s, '=');
    return eq && eq[1] && host_switch_find(s, (size_t)(eq - s)) != NULL;
}

typedef struct case_run {
    int code;              /* exit code of hostrace run */
    json_t *json;          /* its --json output, or NULL */
    char out[PATH_MAX];    /* where it saved findings */
} case_run;

/* Is s one of the '|'-separated signatures in set? */
static int sig_in(const char *s, const char *set)
{
    size_t n = strlen(s);
    for (const char *p = set; *p;) {
        size_t k = strcspn(p, "|");
        if (k == n && strncmp(p, s, n) == 0)
            return 1;
        p += k + (p[k] == '|');
    }
    return 0;
}

/* Does the run show an error-level finding with signature sig (NULL: any;
 * "a|b": either)? */
static int run_has(const case_run *r, const char *sig)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(r->json, "findings"), i, f)
    {
        const char *sev = json_string_value(json_object_get(f, "severity"));
        const char *s = json_string_value(json_object_get(f, "signature"));
        if (sev && strcmp(sev, "error") == 0 && (!sig || (s && sig_in(s, sig))))
            return 1;
    }
    return 0;
}

/* "kind signature, kind signature" of the run's error findings */
static void run_errors(const case_run *r, char *buf, size_t len)
{
    size_t i, o = 0;
    json_t *f;
    buf[0] = 0;
    json_array_foreach(json_object_get(r->json, "findings"), i, f)
    {
        const char *sev = json_string_value(json_object_get(f, "severity"));
        if (!sev || strcmp(sev, "error") != 0 || o + 2 >= len)
            continue;
        o += (size_t)snprintf(buf + o, len - o, "%s%s %s", o ? ", " : "",
                              json_string_value(json_object_get(f, "kind")),
                              json_string_value(json_object_get(f, "signature")));
        if (o >= len)
            o = len - 1;
    }
    if (!buf[0])
        snprintf(buf, len, "none");
}

typedef struct rcase {
    char dir[PATH_MAX];
    char name[256];
    json_t *meta; /* case.json */
} rcase;

/* One run of the case's input with the case's host switches, then extra
 * (NULL-terminated "K=V" list), in a fresh process; its findings are saved
 * under out. Fills r; returns 0, or -1 when hostrace could not run. */
static int run_case(const rcase *c, const char *const *extra, int timeout, const char *out,
                    case_run *r)
{
    memset(r, 0, sizeof(*r));
    snprintf(r->out, sizeof(r->out), "%s", out);
    char input[PATH_MAX + 16], script[PATH_MAX + 16], tbuf[16], frames[16];
    snprintf(input, sizeof(input), "%s/input", c->dir);
    snprintf(tbuf, sizeof(tbuf), "%d", timeout);
    char *av[64];
    int n = 0;
    av[n++] = g_self;
    av[n++] = "run";
    if (json_is_true(json_object_get(c->meta, "program"))) {
        av[n++] = "--program";
        av[n++] = input;
    } else {
        snprintf(script, sizeof(script), "%s/%s", c->dir,
                 json_string_value(json_object_get(c->meta, "script")));
        av[n++] = script;
        av[n++] = "--strategy";
        av[n++] = "bytes";
        av[n++] = "--input";
        av[n++] = input;
    }
    json_int_t fr = json_integer_value(json_object_get(c->meta, "frames"));
    if (fr > 0) {
        snprintf(frames, sizeof(frames), "%lld", (long long)fr);
        av[n++] = "--frames";
        av[n++] = frames;
    }
    size_t i;
    json_t *h;
    json_array_foreach(json_object_get(c->meta, "host"), i, h)
    {
        if (n + 6 >= 60)
            break;
        av[n++] = "--host";
        av[n++] = (char *)json_string_value(h);
    }
    for (; extra && *extra && n + 6 < 60; extra++) {
        av[n++] = "--host";
        av[n++] = (char *)*extra;
    }
    av[n++] = "--json";
    av[n++] = "--timeout";
    av[n++] = tbuf;
    av[n++] = "--out";
    av[n++] = r->out;
    av[n] = NULL;
    char *text = NULL;
    r->code = hr_capture(av, &text);
    if (r->code < 0) {
        free(text);
        return -1;
    }
    r->json = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    return 0;
}

static void run_free(case_run *r)
{
    json_decref(r->json);
    r->json = NULL;
}

/* ---- promote ------------------------------------------------------------ */

static const char promote_usage[] =
    "usage: hostrace promote FINDING_DIR --expect race|clean|clean-with KEY=VALUE\n"
    "                        [--name NAME] [--to DIR] [--check N] [--force]\n"
    "\n"
    "Copies a finding (a directory written by hostrace triage or minimize) into\n"
    "the regression corpus, with what is expected of it from now on:\n"
    "  race              the finding must keep showing with the same signature\n"
    "                    (a known bug kept visible)\n"
    "  clean             the bug is fixed in the host: the case must be clean\n"
    "  clean-with K=V    host switch K=V fixes it: with it the case must be\n"
    "                    clean, without it the finding must still show\n"
    "Before copying, the expectation is checked --check times in fresh\n"
    "processes of this build; a case that does not hold every time is refused.\n"
    "`hostrace regress` runs the corpus; CTest registers every case under the\n"
    "tsan preset, and under asan where ASan can see the kind.\n"
    "\n"
    "  --name NAME       the case's name (default KIND-SIGNATURE); letters,\n"
    "                    digits, '-', '_' and '.'\n"
    "  --to DIR          the corpus (default corpus/regressions)\n"
    "  --check N         times the expectation must hold (default 3)\n"
    "  --force           replace a case of the same name\n"
    "  --timeout S       wall-clock budget per run (default 120)\n"
    "\n"
    "exit codes: 0 promoted, 1 the expectation does not hold, 2 usage or input\n"
    "error, 3 internal error.\n";

static int valid_name(const char *s)
{
    if (!*s || strlen(s) > 200 || s[0] == '.')
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_' || *s == '.'))
            return 0;
    return 1;
}

/* The "host" line of a schedule file as a JSON list of "K=V". */
static json_t *host_list(const char *line)
{
    json_t *l = json_array();
    char buf[512];
    snprintf(buf, sizeof(buf), "%s", line);
    for (char *save = NULL, *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
        json_array_append_new(l, json_string(t));
    return l;
}

/* Checks one expectation on c: 0 holds, 1 does not (why in msg), -1 could
 * not run. overrides: NULL-terminated "K=V" applied last. */
static int check_case(const rcase *c, const char *const *overrides, int timeout,
                      const char *outdir, char *msg, size_t len)
{
    const char *expect = json_string_value(json_object_get(c->meta, "expect"));
    const char *sig = json_string_value(json_object_get(c->meta, "signature"));
    const char *sw = json_string_value(json_object_get(c->meta, "switch"));
    const char *extra[20];
    int ne = 0;
    case_run r;
    char errs[1024], out[PATH_MAX + 32];
    msg[0] = 0;
    if (strcmp(expect, "clean-with") == 0) {
        /* without the switch: the bug must still be there */
        for (int i = 0; overrides && overrides[i] && ne < 18; i++)
            extra[ne++] = overrides[i];
        extra[ne] = NULL;
        snprintf(out, sizeof(out), "%s/without-switch", outdir);
        if (run_case(c, extra, timeout, out, &r) < 0)
            return -1;
        if (!r.json) {
            snprintf(msg, len, "without %s: hostrace run exited %d with no report", sw, r.code);
            run_free(&r);
            return 1;
        }
        if (!run_has(&r, sig)) {
            run_errors(&r, errs, sizeof(errs));
            snprintf(msg, len, "without %s the finding %s no longer shows (errors: %s): the case "
                               "no longer tests the switch",
                     sw, sig, errs);
            run_free(&r);
            return 1;
        }
        run_free(&r);
        ne = 0;
        extra[ne++] = sw;
    }
    for (int i = 0; overrides && overrides[i] && ne < 18; i++)
        extra[ne++] = overrides[i];
    extra[ne] = NULL;
    snprintf(out, sizeof(out), "%s/run", outdir);
    if (run_case(c, extra, timeout, out, &r) < 0)
        return -1;
    int fail = 0;
    if (!r.json || (r.code != CLI_EXIT_CLEAN && r.code != CLI_EXIT_FINDINGS)) {
        snprintf(msg, len, "hostrace run exited %d%s", r.code, r.json ? "" : " with no report");
        fail = 1;
    } else if (strcmp(expect, "race") == 0) {
        if (!run_has(&r, sig)) {
            run_errors(&r, errs, sizeof(errs));
            snprintf(msg, len, "the finding %s %s no longer shows (errors: %s); if the bug was "
                               "fixed, promote it again with --expect clean or clean-with",
                     json_string_value(json_object_get(c->meta, "kind")), sig, errs);
            fail = 1;
        } else if (r.code != CLI_EXIT_FINDINGS) {
            snprintf(msg, len, "the finding shows but hostrace run exited %d, not 1", r.code);
            fail = 1;
        }
    } else if (run_has(&r, NULL) || r.code != CLI_EXIT_CLEAN) {
        run_errors(&r, errs, sizeof(errs));
        snprintf(msg, len, "%s%s%s must be clean but shows: %s (exit %d)",
                 sw ? "with " : "", sw ? sw : "", sw ? "" : "the fixed host", errs, r.code);
        fail = 1;
    }
    run_free(&r);
    return fail;
}

static int load_case(const char *dir, rcase *c, char *err, size_t len)
{
    memset(c, 0, sizeof(*c));
    if (!realpath(dir, c->dir) || !is_dir(c->dir)) {
        snprintf(err, len, "'%s' is not a directory", dir);
        return -1;
    }
    char p[PATH_MAX + 16];
    snprintf(p, sizeof(p), "%s/case.json", c->dir);
    json_error_t jerr;
    c->meta = json_load_file(p, 0, &jerr);
    if (!c->meta) {
        snprintf(err, len, "%s: %s", p, is_file(p) ? jerr.text : "no case.json (not a case)");
        return -1;
    }
    const char *name = json_string_value(json_object_get(c->meta, "name"));
    const char *expect = json_string_value(json_object_get(c->meta, "expect"));
    const char *sig = json_string_value(json_object_get(c->meta, "signature"));
    const char *sw = json_string_value(json_object_get(c->meta, "switch"));
    const char *script = json_string_value(json_object_get(c->meta, "script"));
    int program = json_is_true(json_object_get(c->meta, "program"));
    const char *why = NULL;
    if (json_integer_value(json_object_get(c->meta, "hostrace-regression")) != CASE_VERSION)
        why = "not a version 1 regression case";
    else if (!name || !valid_name(name))
        why = "no valid \"name\"";
    else if (!sig || !json_string_value(json_object_get(c->meta, "kind")))
        why = "no \"kind\" or \"signature\"";
    else if (!expect || (strcmp(expect, "race") && strcmp(expect, "clean") &&
                         strcmp(expect, "clean-with")))
        why = "\"expect\" must be race, clean or clean-with";
    else if (!strcmp(expect, "clean-with") && (!sw || !valid_switch(sw)))
        why = "clean-with needs a \"switch\" KEY=VALUE";
    else if (!program && (!script || strchr(script, '/') || !*script))
        why = "neither \"program\": true nor a \"script\" file name";
    else if (!json_is_array(json_object_get(c->meta, "sanitizers")))
        why = "no \"sanitizers\" list";
    /* "free-threaded": {"signature": ..., "message": ...}: what the case
     * shows without a GIL, where that differs. "a|b" accepts either: which
     * of two races of one access TSan pairs can depend on the free-threaded
     * interpreter's own history (docs/design-notes.md) */
    json_t *ft = json_object_get(c->meta, "free-threaded");
    bpy_interp_info ii;
    bpy_interpreter(&ii);
    if (!why && ft) {
        if (!json_is_object(ft) || !json_is_string(json_object_get(ft, "signature")))
            why = "\"free-threaded\" must be an object with a \"signature\"";
        else if (ii.free_threaded) {
            const char *keys[] = {"kind", "signature", "message"};
            for (int k = 0; k < 3; k++)
                if (json_is_string(json_object_get(ft, keys[k])))
                    json_object_set(c->meta, keys[k], json_object_get(ft, keys[k]));
        }
    }
    if (why) {
        snprintf(err, len, "%s: %s", p, why);
        json_decref(c->meta);
        c->meta = NULL;
        return -1;
    }
    snprintf(p, sizeof(p), "%s/input", c->dir);
    if (!is_file(p)) {
        snprintf(err, len, "%s: missing", p);
        json_decref(c->meta);
        c->meta = NULL;
        return -1;
    }
    snprintf(c->name, sizeof(c->name), "%s", name);
    return 0;
}

static int make_tmp(char *tmp, size_t len, const char *what)
{
    snprintf(tmp, len, "/tmp/hostrace-%s-XXXXXX", what);
    return mkdtemp(tmp) ? 0 : -1;
}

/* Removes one of our own mkdtemp directories. */
static void rm_tree(const char *dir)
{
    if (strncmp(dir, "/tmp/hostrace-", 14) == 0)
        hr_remove_tree(dir);
}

static int copy_into(const char *from_dir, const char *name, const char *to_dir, const char *as)
{
    char a[PATH_MAX + 64], b[PATH_MAX + 64];
    snprintf(a, sizeof(a), "%s/%s", from_dir, name);
    snprintf(b, sizeof(b), "%s/%s", to_dir, as ? as : name);
    return hr_copy_file(a, b);
}

int cli_promote(int argc, char **argv)
{
    enum { O_EXPECT = 1, O_NAME, O_TO, O_CHECK, O_FORCE, O_TIMEOUT, O_HELP };
    static const struct option longopts[] = {
        {"expect", required_argument, NULL, O_EXPECT}, {"name", required_argument, NULL, O_NAME},
        {"to", required_argument, NULL, O_TO},         {"check", required_argument, NULL, O_CHECK},
        {"force", no_argument, NULL, O_FORCE},         {"timeout", required_argument, NULL, O_TIMEOUT},
        {"help", no_argument, NULL, O_HELP},           {NULL, 0, NULL, 0}};
    const char *expect = NULL, *sw = NULL, *name = NULL, *to = DEFAULT_CORPUS;
    long checks = 3, timeout = 120;
    int force = 0;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case O_EXPECT:
            expect = optarg;
            if (strcmp(expect, "clean-with") == 0) {
                if (optind >= argc) {
                    fprintf(stderr, "hostrace promote: --expect clean-with needs KEY=VALUE\n");
                    return CLI_EXIT_USAGE;
                }
                sw = argv[optind++];
            }
            break;
        case O_NAME: name = optarg; break;
        case O_TO: to = optarg; break;
        case O_FORCE: force = 1; break;
        case O_CHECK:
        case O_TIMEOUT:
            if (hr_parse_range("promote", c == O_CHECK ? "check" : "timeout", optarg, 1, 86400,
                               c == O_CHECK ? &checks : &timeout) < 0)
                return CLI_EXIT_USAGE;
            break;
        case 'h':
        case O_HELP: fputs(promote_usage, stdout); return CLI_EXIT_CLEAN;
        default:
            fprintf(stderr, "hostrace promote: unknown or incomplete option '%s' (try 'hostrace "
                            "promote --help')\n", argv[optind - 1]);
            return CLI_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "hostrace promote: give one FINDING_DIR (try 'hostrace promote --help')\n");
        return CLI_EXIT_USAGE;
    }
    if (!expect || (strcmp(expect, "race") && strcmp(expect, "clean") &&
                    strcmp(expect, "clean-with"))) {
        fprintf(stderr, "hostrace promote: --expect race, clean or clean-with KEY=VALUE is "
                        "needed\n");
        return CLI_EXIT_USAGE;
    }
    if (sw && !valid_switch(sw)) {
        fprintf(stderr, "hostrace promote: '%s' is not a host switch KEY=VALUE (see hostrace "
                        "run --help)\n", sw);
        return CLI_EXIT_USAGE;
    }
    if (name && !valid_name(name)) {
        fprintf(stderr, "hostrace promote: --name '%s': use letters, digits, '-', '_', '.'\n",
                name);
        return CLI_EXIT_USAGE;
    }
    const char *fdir = argv[optind];
    char p[PATH_MAX + 32];
    snprintf(p, sizeof(p), "%s/finding.json", fdir);
    json_error_t jerr;
    json_t *finding = json_load_file(p, 0, &jerr);
    hr_schedule sched;
    char err[1024];
    memset(&sched, 0, sizeof(sched));
    snprintf(p, sizeof(p), "%s/schedule.txt", fdir);
    if (!finding) {
        fprintf(stderr, "hostrace promote: '%s' is not a finding directory (%s/finding.json: "
                        "%s)\n", fdir, fdir, jerr.text);
        return CLI_EXIT_USAGE;
    }
    if (hr_schedule_read(p, &sched, err, sizeof(err)) < 0) {
        fprintf(stderr, "hostrace promote: %s\n", err);
        json_decref(finding);
        return CLI_EXIT_USAGE;
    }
    const char *kind = json_string_value(json_object_get(finding, "kind"));
    const char *sig = json_string_value(json_object_get(finding, "signature"));
    const char *message = json_string_value(json_object_get(finding, "message"));
    char input[PATH_MAX + 16], repro[PATH_MAX + 16];
    snprintf(input, sizeof(input), "%s/input", fdir);
    snprintf(repro, sizeof(repro), "%s/repro.py", fdir);
    if (!kind || !sig || !is_file(input) || (!sched.program && !is_file(repro))) {
        fprintf(stderr, "hostrace promote: '%s' lacks %s\n", fdir,
                !kind || !sig ? "a kind and signature in finding.json"
                              : (!is_file(input) ? "its input" : "repro.py"));
        json_decref(finding);
        hr_schedule_free(&sched);
        return CLI_EXIT_USAGE;
    }
    if (!realpath("/proc/self/exe", g_self)) {
        fprintf(stderr, "hostrace promote: internal error: cannot find its own executable\n");
        json_decref(finding);
        hr_schedule_free(&sched);
        return CLI_EXIT_INTERNAL;
    }
    char cname[256];
    snprintf(cname, sizeof(cname), "%s-%s", kind, sig);
    if (!name)
        name = cname;

    char dest[PATH_MAX + 300];
    snprintf(dest, sizeof(dest), "%s/%s", to, name);
    if (is_dir(dest) && !force) {
        fprintf(stderr, "hostrace promote: '%s' exists (--force replaces it)\n", dest);
        json_decref(finding);
        hr_schedule_free(&sched);
        return CLI_EXIT_USAGE;
    }
    /* the case in a temporary directory first: it is checked from there */
    char tmp[64];
    if (make_tmp(tmp, sizeof(tmp), "promote") < 0) {
        fprintf(stderr, "hostrace promote: internal error: mkdtemp: %s\n", strerror(errno));
        json_decref(finding);
        hr_schedule_free(&sched);
        return CLI_EXIT_INTERNAL;
    }
    char cdir[PATH_MAX];
    snprintf(cdir, sizeof(cdir), "%s/case", tmp);
    json_t *meta = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s}", "hostrace-regression", CASE_VERSION,
                             "name", name, "kind", kind, "signature", sig, "message",
                             message ? message : "", "expect", expect);
    if (sw)
        json_object_set_new(meta, "switch", json_string(sw));
    json_t *sans =
        sanitizers_for(kind, json_string_value(json_object_get(finding, "detector")));
    json_object_set_new(meta, "sanitizers", sans);
    json_object_set_new(meta, "promoted-with", json_string(HR_SANITIZER));
    if (sched.program)
        json_object_set_new(meta, "program", json_true());
    else
        json_object_set_new(meta, "script", json_string("repro.py"));
    json_object_set_new(meta, "frames", json_integer(sched.frames));
    json_object_set_new(meta, "host", sched.program ? json_array() : host_list(sched.host));
    int rc = CLI_EXIT_INTERNAL;
    if (hr_mkdirs(cdir) < 0 || copy_into(fdir, "input", cdir, NULL) < 0 ||
        copy_into(fdir, "schedule.txt", cdir, NULL) < 0 ||
        (is_file(repro) && copy_into(fdir, "repro.py", cdir, NULL) < 0)) {
        fprintf(stderr, "hostrace promote: internal error: cannot copy the finding\n");
        goto out;
    }
    snprintf(p, sizeof(p), "%s/report.txt", fdir);
    if (is_file(p))
        copy_into(fdir, "report.txt", cdir, NULL);
    snprintf(p, sizeof(p), "%s/case.json", cdir);
    char *text = json_dumps(meta, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    FILE *cf = text ? fopen(p, "w") : NULL;
    int written = cf && fprintf(cf, "%s\n", text) > 0;
    if (cf && fclose(cf) != 0)
        written = 0;
    free(text);
    if (!written) {
        fprintf(stderr, "hostrace promote: internal error: cannot write case.json\n");
        goto out;
    }
    rcase rc_case;
    if (load_case(cdir, &rc_case, err, sizeof(err)) < 0) {
        fprintf(stderr, "hostrace promote: internal error: %s\n", err);
        goto out;
    }
    for (long i = 0; i < checks; i++) {
        char msg[2048], rdir[PATH_MAX];
        snprintf(rdir, sizeof(rdir), "%s/check-%ld", tmp, i);
        int h = check_case(&rc_case, NULL, (int)timeout, rdir, msg, sizeof(msg));
        fprintf(stderr, "promote: check %ld/%ld: %s\n", i + 1, checks,
                h == 0 ? "holds" : (h < 0 ? "could not run" : msg));
        if (h != 0) {
            fprintf(stderr, "hostrace promote: the expectation '%s%s%s' does not hold%s; not "
                            "promoted\n", expect, sw ? " " : "", sw ? sw : "",
                    h < 0 ? " (hostrace run could not run)" : "");
            rc = h < 0 ? CLI_EXIT_INTERNAL : CLI_EXIT_FINDINGS;
            json_decref(rc_case.meta);
            goto out;
        }
    }
    json_decref(rc_case.meta);
    static const char *const files[] = {"case.json", "input", "schedule.txt", "repro.py",
                                        "report.txt"};
    if (hr_mkdirs(dest) < 0) {
        fprintf(stderr, "hostrace promote: cannot create '%s': %s\n", dest, strerror(errno));
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char f[PATH_MAX + 32];
        snprintf(f, sizeof(f), "%s/%s", cdir, files[i]);
        if (is_file(f) && copy_into(cdir, files[i], dest, NULL) < 0) {
            fprintf(stderr, "hostrace promote: cannot write '%s/%s'\n", dest, files[i]);
            goto out;
        }
    }
    printf("promoted %s to %s (expect %s%s%s; checked %ld time%s; registered by CTest under "
           "%s)\n", name, dest, expect, sw ? " " : "", sw ? sw : "", checks, checks == 1 ? "" : "s",
           json_array_size(sans) == 3                                          ? "tsan, asan and release"
           : strcmp(json_string_value(json_array_get(sans, 0)), "thread") == 0 ? "tsan"
                                                                               : "asan");
    rc = CLI_EXIT_CLEAN;
out:
    rm_tree(tmp);
    json_decref(meta);
    json_decref(finding);
    hr_schedule_free(&sched);
    return rc;
}

/* ---- regress ------------------------------------------------------------ */

static const char regress_usage[] =
    "usage: hostrace regress [DIR...] [--host KEY=VALUE]... [--out DIR]\n"
    "                        [--junit FILE] [--sarif FILE] [--html DIR] [--json]\n"
    "                        [--timeout S]\n"
    "\n"
    "Runs regression cases (hostrace promote) and checks each against its\n"
    "expectation. DIR is a case or a corpus of cases (default\n"
    "corpus/regressions). A case fails when its finding no longer shows or its\n"
    "signature changed (expect race), when it is not clean (expect clean), or\n"
    "when with its switch it is not clean or without it the finding is gone\n"
    "(expect clean-with). Cases whose kind this build's sanitizer cannot see\n"
    "are skipped.\n"
    "\n"
    "  --host K=V    host switch applied to every run after the case's own:\n"
    "                e.g. turn a case's fix switch off to see it fail\n"
    "  --out DIR     the findings the cases showed, as a triage directory\n"
    "                (default hostrace-out/regress)\n"
    "  --junit FILE  JUnit XML, one test case per regression case\n"
    "  --sarif FILE  SARIF 2.1.0 of the findings the cases showed\n"
    "  --html DIR    HTML report of them (hostrace report)\n"
    "  --json        one JSON object on stdout\n"
    "  --timeout S   wall-clock budget per run (default 120)\n"
    "\n"
    "exit codes: 0 every case passed, 1 at least one failed, 2 usage or input\n"
    "error, 3 internal error.\n";

typedef struct rresult {
    rcase c;
    int status; /* 0 pass, 1 fail, 2 skipped, -1 error */
    char msg[2048];
    double seconds;
} rresult;

static int cmp_results(const void *a, const void *b)
{
    return strcmp(((const rresult *)a)->c.name, ((const rresult *)b)->c.name);
}

/* Case directories named by the arguments: a case itself, or a corpus
 * whose subdirectories hold case.json. */
static int collect(const char *arg, rresult **res, int *n, int *cap, char *err, size_t len)
{
    char p[PATH_MAX + 16];
    snprintf(p, sizeof(p), "%s/case.json", arg);
    if (!is_dir(arg)) {
        snprintf(err, len, "'%s' is not a directory", arg);
        return -1;
    }
    const char *one[1];
    char **names = NULL;
    int count = 0;
    if (is_file(p)) {
        one[0] = arg;
        count = 1;
    } else {
        struct dirent **ents = NULL;
        int k = scandir(arg, &ents, NULL, alphasort);
        if (k < 0) {
            snprintf(err, len, "'%s': %s", arg, strerror(errno));
            return -1;
        }
        names = calloc((size_t)k + 1, sizeof(*names));
        for (int i = 0; i < k; i++) {
            char q[PATH_MAX + 300];
            snprintf(q, sizeof(q), "%s/%s/case.json", arg, ents[i]->d_name);
            if (ents[i]->d_name[0] != '.' && is_file(q) && names) {
                names[count] = malloc(PATH_MAX);
                if (names[count])
                    snprintf(names[count++], PATH_MAX, "%s/%s", arg, ents[i]->d_name);
            }
            free(ents[i]);
        }
        free(ents);
        if (count == 0) {
            free(names);
            snprintf(err, len, "'%s' holds no regression case (no */case.json)", arg);
            return -1;
        }
    }
    int rc = 0;
    for (int i = 0; i < count && rc == 0; i++) {
        if (*n == *cap) {
            int nc = *cap ? 2 * *cap : 32;
            rresult *nr = realloc(*res, (size_t)nc * sizeof(*nr));
            if (!nr) {
                snprintf(err, len, "out of memory");
                rc = -1;
                break;
            }
            *res = nr;
            *cap = nc;
        }
        rresult *r = &(*res)[*n];
        memset(r, 0, sizeof(*r));
        if (load_case(names ? names[i] : one[0], &r->c, err, len) < 0)
            rc = -1;
        else
            (*n)++;
    }
    for (int i = 0; names && i < count; i++)
        free(names[i]);
    free(names);
    return rc;
}

static int sanitizer_sees(const rcase *c)
{
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(c->meta, "sanitizers"), i, s)
    {
        if (strcmp(json_string_value(s) ? json_string_value(s) : "", HR_SANITIZER) == 0)
            return 1;
    }
    return 0;
}

static void xml_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default:
            /* XML 1.0 has no place for other control characters */
            if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
                fputc(*s, f);
        }
    }
}

static int write_junit(const char *path, const rresult *res, int n)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int fails = 0, skips = 0, errors = 0;
    double total = 0;
    for (int i = 0; i < n; i++) {
        fails += res[i].status == 1;
        skips += res[i].status == 2;
        errors += res[i].status < 0;
        total += res[i].seconds;
    }
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<testsuites name=\"hostrace regress\" tests=\"%d\" failures=\"%d\" errors=\"%d\" "
               "skipped=\"%d\" time=\"%.3f\">\n", n, fails, errors, skips, total);
    fprintf(f, "  <testsuite name=\"regressions (%s build)\" tests=\"%d\" failures=\"%d\" "
               "errors=\"%d\" skipped=\"%d\" time=\"%.3f\">\n", HR_SANITIZER, n, fails, errors,
            skips, total);
    for (int i = 0; i < n; i++) {
        const rresult *r = &res[i];
        const char *expect = json_string_value(json_object_get(r->c.meta, "expect"));
        const char *sw = json_string_value(json_object_get(r->c.meta, "switch"));
        fputs("    <testcase classname=\"hostrace.regressions\" name=\"", f);
        xml_text(f, r->c.name);
        fprintf(f, "\" time=\"%.3f\">\n", r->seconds);
        fputs("      <properties><property name=\"expect\" value=\"", f);
        xml_text(f, expect);
        if (sw) {
            fputc(' ', f);
            xml_text(f, sw);
        }
        fputs("\"/><property name=\"signature\" value=\"", f);
        xml_text(f, json_string_value(json_object_get(r->c.meta, "signature")));
        fputs("\"/></properties>\n", f);
        const char *tag = r->status == 1 ? "failure" : r->status == 2 ? "skipped"
                                                     : r->status < 0  ? "error"
                                                                      : NULL;
        if (tag) {
            fprintf(f, "      <%s message=\"", tag);
            xml_text(f, r->msg);
            fprintf(f, "\"%s", r->status == 2 ? "/>\n" : ">");
            if (r->status != 2) {
                xml_text(f, r->msg);
                fprintf(f, "</%s>\n", tag);
            }
        }
        fputs("    </testcase>\n", f);
    }
    fputs("  </testsuite>\n</testsuites>\n", f);
    return fclose(f) == 0 ? 0 : -1;
}

/* The findings the failing and race cases showed, as a triage directory
 * (triage.json, KIND-SIGNATURE/ with finding.json, schedule.txt,
 * report.txt, repro.py, input, replay.sh), for hostrace report. */
static int write_findings(const char *out, const rresult *res, int n, const char *runs)
{
    json_t *tri = json_object(), *findings = json_object();
    int count = 0;
    for (int i = 0; i < n; i++) {
        char sdir[PATH_MAX + 300];
        snprintf(sdir, sizeof(sdir), "%s/%s/run", runs, res[i].c.name);
        if (!is_dir(sdir))
            continue;
        /* run --out puts findings under one directory per input */
        struct dirent **ents = NULL;
        int k = scandir(sdir, &ents, NULL, alphasort);
        for (int a = 0; a < k; a++) {
            char idir[PATH_MAX + 600];
            snprintf(idir, sizeof(idir), "%s/%s", sdir, ents[a]->d_name);
            struct dirent **fe = NULL;
            int m = ents[a]->d_name[0] == '.' ? 0 : scandir(idir, &fe, NULL, alphasort);
            for (int b = 0; b < m; b++) {
                char fdir[PATH_MAX + 900], fj[PATH_MAX + 920];
                snprintf(fdir, sizeof(fdir), "%s/%s", idir, fe[b]->d_name);
                snprintf(fj, sizeof(fj), "%s/finding.json", fdir);
                json_t *f = fe[b]->d_name[0] == '.' ? NULL : json_load_file(fj, 0, NULL);
                const char *kind = json_string_value(json_object_get(f, "kind"));
                const char *sig = json_string_value(json_object_get(f, "signature"));
                const char *sev = json_string_value(json_object_get(f, "severity"));
                if (kind && sig && sev && strcmp(sev, "error") == 0 &&
                    !json_object_get(findings, sig)) {
                    char dest[PATH_MAX + 300];
                    snprintf(dest, sizeof(dest), "%s/%s-%s", out, kind, sig);
                    hr_mkdirs(dest);
                    copy_into(fdir, "finding.json", dest, NULL);
                    copy_into(fdir, "schedule.txt", dest, NULL);
                    copy_into(fdir, "report.txt", dest, NULL);
                    copy_into(res[i].c.dir, "input", dest, NULL);
                    const char *script = json_string_value(json_object_get(res[i].c.meta,
                                                                           "script"));
                    char rp[PATH_MAX + 16];
                    snprintf(rp, sizeof(rp), "%s/repro.py", res[i].c.dir);
                    if (is_file(rp))
                        copy_into(res[i].c.dir, "repro.py", dest, NULL);
                    char sh[PATH_MAX + 64];
                    snprintf(sh, sizeof(sh), "%s/replay.sh", dest);
                    FILE *s = fopen(sh, "w");
                    if (s) {
                        fprintf(s, "#!/bin/sh\n# replays this finding's interleaving "
                                   "(HOSTRACE= another hostrace)\nexec \"${HOSTRACE:-%s}\" replay "
                                   "\"$(dirname \"$0\")/schedule.txt\" --script "
                                   "\"$(dirname \"$0\")/%s\" \"$@\"\n",
                                g_self, script ? "repro.py" : "input");
                        fclose(s);
                        chmod(sh, 0755);
                    }
                    json_object_set_new(
                        findings, sig,
                        json_pack("{s:s, s:s, s:i, s:s, s:[s]}", "kind", kind, "message",
                                  json_string_value(json_object_get(f, "message"))
                                      ? json_string_value(json_object_get(f, "message"))
                                      : "",
                                  "count", 1, "case", res[i].c.name, "inputs", res[i].c.dir));
                    count++;
                }
                json_decref(f);
                free(fe[b]);
            }
            free(fe);
            free(ents[a]);
        }
        free(ents);
    }
    json_object_set_new(tri, "findings", findings);
    json_object_set_new(tri, "inputs", json_integer(n));
    json_object_set_new(tri, "flaky", json_array());
    char p[PATH_MAX + 32];
    snprintf(p, sizeof(p), "%s/triage.json", out);
    int rc = json_dump_file(tri, p, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(tri);
    return rc == 0 ? count : -1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int cli_regress(int argc, char **argv)
{
    enum { O_HOST = 1, O_OUT, O_JUNIT, O_SARIF, O_HTML, O_JSON, O_TIMEOUT, O_HELP };
    static const struct option longopts[] = {
        {"host", required_argument, NULL, O_HOST},     {"out", required_argument, NULL, O_OUT},
        {"junit", required_argument, NULL, O_JUNIT},   {"sarif", required_argument, NULL, O_SARIF},
        {"html", required_argument, NULL, O_HTML},     {"json", no_argument, NULL, O_JSON},
        {"timeout", required_argument, NULL, O_TIMEOUT}, {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0}};
    const char *overrides[17];
    int nover = 0, json = 0;
    const char *out = "hostrace-out/regress", *junit = NULL, *sarif = NULL, *html = NULL;
    long timeout = 120;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case O_HOST:
            if (!valid_switch(optarg) || nover == 16) {
                fprintf(stderr, "hostrace regress: --host '%s' is not a host switch KEY=VALUE "
                                "(see hostrace run --help)\n", optarg);
                return CLI_EXIT_USAGE;
            }
            overrides[nover++] = optarg;
            break;
        case O_OUT: out = optarg; break;
        case O_JUNIT: junit = optarg; break;
        case O_SARIF: sarif = optarg; break;
        case O_HTML: html = optarg; break;
        case O_JSON: json = 1; break;
        case O_TIMEOUT:
            if (hr_parse_range("regress", "timeout", optarg, 1, 86400, &timeout) < 0)
                return CLI_EXIT_USAGE;
            break;
        case 'h':
        case O_HELP: fputs(regress_usage, stdout); return CLI_EXIT_CLEAN;
        default:
            fprintf(stderr, "hostrace regress: unknown or incomplete option '%s' (try 'hostrace "
                            "regress --help')\n", argv[optind - 1]);
            return CLI_EXIT_USAGE;
        }
    }
    overrides[nover] = NULL;
    if (!realpath("/proc/self/exe", g_self)) {
        fprintf(stderr, "hostrace regress: internal error: cannot find its own executable\n");
        return CLI_EXIT_INTERNAL;
    }
    rresult *res = NULL;
    int n = 0, cap = 0;
    char err[1024];
    if (optind == argc && !is_dir(DEFAULT_CORPUS)) {
        fprintf(stderr, "hostrace regress: no DIR given and no %s here\n", DEFAULT_CORPUS);
        return CLI_EXIT_USAGE;
    }
    for (int i = optind; i < argc || (i == optind && optind == argc); i++) {
        if (collect(i < argc ? argv[i] : DEFAULT_CORPUS, &res, &n, &cap, err, sizeof(err)) < 0) {
            fprintf(stderr, "hostrace regress: %s\n", err);
            for (int k = 0; k < n; k++)
                json_decref(res[k].c.meta);
            free(res);
            return CLI_EXIT_USAGE;
        }
        if (i >= argc)
            break;
    }
    qsort(res, (size_t)n, sizeof(*res), cmp_results);
    char tmp[64];
    if (make_tmp(tmp, sizeof(tmp), "regress") < 0 || hr_mkdirs(out) < 0) {
        fprintf(stderr, "hostrace regress: cannot create '%s' or a temporary directory: %s\n",
                out, strerror(errno));
        free(res);
        return CLI_EXIT_USAGE;
    }
    int fails = 0, errors = 0, skips = 0;
    for (int i = 0; i < n; i++) {
        rresult *r = &res[i];
        double t0 = now_s();
        if (!sanitizer_sees(&r->c)) {
            r->status = 2;
            snprintf(r->msg, sizeof(r->msg), "a %s is not visible to this build (sanitizer: %s)",
                     json_string_value(json_object_get(r->c.meta, "kind")), HR_SANITIZER);
        } else {
            char rdir[PATH_MAX + 300];
            snprintf(rdir, sizeof(rdir), "%s/%s", tmp, r->c.name);
            r->status = check_case(&r->c, overrides, (int)timeout, rdir, r->msg, sizeof(r->msg));
            if (r->status < 0)
                snprintf(r->msg, sizeof(r->msg), "hostrace run could not be started");
        }
        r->seconds = now_s() - t0;
        fails += r->status == 1;
        errors += r->status < 0;
        skips += r->status == 2;
        const char *expect = json_string_value(json_object_get(r->c.meta, "expect"));
        const char *sw = json_string_value(json_object_get(r->c.meta, "switch"));
        fprintf(json ? stderr : stdout, "%-4s %s (expect %s%s%s, %.1f s)%s%s\n",
                r->status == 0 ? "ok" : r->status == 2 ? "skip" : r->status == 1 ? "FAIL" : "ERR",
                r->c.name, expect, sw ? " " : "", sw ? sw : "", r->seconds, r->msg[0] ? ": " : "",
                r->msg);
        fflush(json ? stderr : stdout);
    }
    int nfound = write_findings(out, res, n, tmp);
    int rc = nfound < 0 ? CLI_EXIT_INTERNAL : CLI_EXIT_CLEAN;
    if (rc == CLI_EXIT_CLEAN && junit && write_junit(junit, res, n) < 0) {
        fprintf(stderr, "hostrace regress: cannot write '%s'\n", junit);
        rc = CLI_EXIT_USAGE;
    }
    if (rc == CLI_EXIT_CLEAN)
        rc = hr_report_outputs(out, sarif, html);
    if (json) {
        json_t *o = json_object(), *cases = json_array();
        for (int i = 0; i < n; i++)
            json_array_append_new(
                cases, json_pack("{s:s, s:s, s:s, s:s, s:f}", "name", res[i].c.name, "status",
                                 res[i].status == 0   ? "pass"
                                 : res[i].status == 1 ? "fail"
                                 : res[i].status == 2 ? "skip"
                                                      : "error",
                                 "message", res[i].msg, "dir", res[i].c.dir, "seconds",
                                 res[i].seconds));
        json_object_set_new(o, "cases", cases);
        json_object_set_new(o, "sanitizer", json_string(HR_SANITIZER));
        char *s = json_dumps(o, JSON_INDENT(2));
        if (s)
            puts(s);
        free(s);
        json_decref(o);
    } else {
        printf("hostrace regress: %d case%s, %d passed, %d failed, %d skipped%s%s\n", n,
               n == 1 ? "" : "s", n - fails - skips - errors, fails, skips,
               errors ? ", errors: " : "", errors ? "some runs could not start" : "");
    }
    rm_tree(tmp);
    for (int i = 0; i < n; i++)
        json_decref(res[i].c.meta);
    free(res);
    if (rc != CLI_EXIT_CLEAN)
        return rc;
    if (errors)
        return CLI_EXIT_INTERNAL;
    return fails ? CLI_EXIT_FINDINGS : CLI_EXIT_CLEAN;
}
