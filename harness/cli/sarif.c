/* SARIF 2.1.0 of a findings directory (`hostrace triage` output): one run,
 * one rule per finding kind, one result per cause (below, by_cause), built
 * from the result of each finding it groups.
 *
 * Where a result points:
 *  - a finding with accesses (data race, use-after-free, lock-order
 *    inversion): one location per access, the innermost C frame with a
 *    file, and the access's Python line as a related location;
 *  - a finding without (deadlock, hang, assertion, script error): the
 *    Python lines its message and detail name ("at FILE:LINE"), i.e. where
 *    each blocked thread waits or where the exception was raised.
 * program.py is generated source: it is the finding's repro.py, whose lines
 * are program.py's lines. C files under hostrace's source tree are given
 * relative to SRCROOT, the finding's own files relative to FINDINGS, so a
 * code-scanning UI can map them onto a checkout. partialFingerprints carry
 * the cause's id, which is what makes two runs' results the same result. */
#include "sarif.h"
#include "report/report.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#ifndef HR_SOURCE_DIR
#define HR_SOURCE_DIR ""
#endif

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

typedef struct rule_info {
    const char *id, *name, *text;
} rule_info;

/* What each kind means, for the rule's description (kinds we do not know
 * get a generic one, so a newer hostrace's findings still convert). */
static const rule_info rules[] = {
    {"data-race", "DataRace", "Two threads access the same host data without synchronization, "
                              "at least one of them writing."},
    {"use-after-free", "UseAfterFree", "Host memory is used after it was freed or moved."},
    {"lock-order-inversion", "LockOrderInversion",
     "Two locks are taken in opposite orders by two threads: a potential deadlock."},
    {"deadlock", "Deadlock", "No thread can run and none waits on a timeout."},
    {"hang", "Hang", "The run made no progress within its step, virtual-time or wall-clock "
                     "budget."},
    {"blocked-outside-scheduler", "BlockedOutsideScheduler",
     "A thread blocked in something the scheduler does not control."},
    {"assertion", "Assertion", "An assertion in the script failed (e.g. a lost update)."},
    {"script-error", "ScriptError", "The script, a thread, a timer or a handler raised."},
    {"invariant-broken", "InvariantBroken", "The host's data structures are inconsistent."},
    {"thread-outlives-script", "ThreadOutlivesScript",
     "A Python thread was still alive when the script returned."},
    {"operator-refused", "OperatorRefused", "An operator returned {'CANCELLED'}."},
    {"unsupported-api", "UnsupportedApi",
     "The script used bpy API that hostrace does not model: the result does not cover it."},
    {"fork-with-threads", "ForkWithThreads",
     "The process forked while other Python threads ran: locks they held stay held in the "
     "child."},
    {"crash", "Crash", "The host faulted (SIGSEGV, SIGBUS, SIGFPE, SIGILL) or aborted, with no "
                       "evidence that the memory had been freed."},
    {"process-killed", "ProcessKilled",
     "The process died of a signal (sent by the script to its own process, or from outside)."},
    {"process-exit", "ProcessExit",
     "The script ended the process itself (os._exit, or exit() in C code): the host quits "
     "without saving."},
};

static int kind_is_warning(const char *kind)
{
    report_kind k;
    return report_kind_parse(kind, &k) == 0 && report_kind_severity(k) == REPORT_WARNING;
}

static const rule_info *rule_of(const char *kind)
{
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
        if (strcmp(rules[i].id, kind) == 0)
            return &rules[i];
    return NULL;
}

/* The artifact location of a file: relative to SRCROOT when it lies under
 * hostrace's source tree, to FINDINGS for program.py (the finding's
 * repro.py), an absolute file URI otherwise. */
static json_t *artifact(const char *file, const char *finding_rel)
{
    size_t n = strlen(HR_SOURCE_DIR);
    char uri[PATH_MAX + 64];
    if (strcmp(file, "program.py") == 0) {
        snprintf(uri, sizeof(uri), "%s/repro.py", finding_rel);
        return json_pack("{s:s, s:s}", "uri", uri, "uriBaseId", "FINDINGS");
    }
    if (n && strncmp(file, HR_SOURCE_DIR, n) == 0 && file[n] == '/')
        return json_pack("{s:s, s:s}", "uri", file + n + 1, "uriBaseId", "SRCROOT");
    if (file[0] == '/') {
        snprintf(uri, sizeof(uri), "file://%s", file);
        return json_pack("{s:s}", "uri", uri);
    }
    return json_pack("{s:s}", "uri", file);
}

static json_t *location(const char *file, int line, const char *text, const char *finding_rel)
{
    json_t *phys = json_pack("{s:o}", "artifactLocation", artifact(file, finding_rel));
    if (line > 0)
        json_object_set_new(phys, "region", json_pack("{s:i}", "startLine", line));
    json_t *loc = json_pack("{s:o}", "physicalLocation", phys);
    if (text)
        json_object_set_new(loc, "message", json_pack("{s:s}", "text", text));
    return loc;
}

/* Innermost C frame of an access that has a real file and line. */
static json_t *c_frame(json_t *access)
{
    json_t *stack = json_object_get(access, "stack");
    size_t i;
    json_t *fr;
    json_array_foreach(stack, i, fr)
    {
        const char *file = json_string_value(json_object_get(fr, "file"));
        if (file && strcmp(file, "??") != 0 && json_integer_value(json_object_get(fr, "line")) > 0)
            return fr;
    }
    return NULL;
}

static void add_access_locations(json_t *result, json_t *finding, const char *rel, int *next_id)
{
    json_t *locs = json_array(), *related = json_array();
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(finding, "accesses"), i, a)
    {
        const char *kind = json_string_value(json_object_get(a, "access"));
        const char *site = json_string_value(json_object_get(a, "site"));
        const char *thread = json_string_value(json_object_get(a, "thread"));
        const char *role = json_string_value(json_object_get(a, "role"));
        char text[512];
        snprintf(text, sizeof(text), "%s of %s by thread '%s' (%s)", kind ? kind : "access",
                 site ? site : "?", thread ? thread : "?", role ? role : "?");
        json_t *fr = c_frame(a);
        json_t *py = json_object_get(a, "python");
        const char *pyfile = json_string_value(json_object_get(py, "file"));
        int pyline = (int)json_integer_value(json_object_get(py, "line"));
        if (fr)
            json_array_append_new(
                locs, location(json_string_value(json_object_get(fr, "file")),
                               (int)json_integer_value(json_object_get(fr, "line")), text, rel));
        else if (pyfile)
            json_array_append_new(locs, location(pyfile, pyline, text, rel));
        if (pyfile) {
            char ptext[600];
            snprintf(ptext, sizeof(ptext), "Python line of the %s", text);
            json_t *loc = location(pyfile, pyline, ptext, rel);
            json_object_set_new(loc, "id", json_integer((*next_id)++));
            json_array_append_new(related, loc);
        }
    }
    json_object_set_new(result, "locations", locs);
    if (json_array_size(related))
        json_object_set_new(result, "relatedLocations", related);
    else
        json_decref(related);
}

/* "at FILE:LINE" mentions in s (the message or detail of a finding without
 * accesses), each once, in order. */
static void add_text_locations(json_t *locs, const char *s, const char *rel)
{
    for (const char *p = s ? strstr(s, " at ") : NULL; p; p = strstr(p + 1, " at ")) {
        const char *f = p + 4;
        size_t len = strcspn(f, ": \n");
        if (f[len] != ':' || len == 0 || len >= 256 || f[len + 1] < '1' || f[len + 1] > '9')
            continue;
        char file[256];
        memcpy(file, f, len);
        file[len] = 0;
        if (!strstr(file, ".py"))
            continue;
        int line = atoi(f + len + 1);
        int dup = 0;
        size_t i;
        json_t *l;
        json_array_foreach(locs, i, l)
        {
            json_t *phys = json_object_get(l, "physicalLocation");
            json_t *want = artifact(file, rel);
            dup |= json_equal(json_object_get(phys, "artifactLocation"), want) &&
                   json_integer_value(json_object_get(json_object_get(phys, "region"),
                                                      "startLine")) == line;
            json_decref(want);
        }
        if (!dup)
            json_array_append_new(locs, location(file, line, NULL, rel));
    }
}

/* A sanitizer's own report in a finding's detail (ASan: no structured
 * accesses): the innermost frame with a source file ("#N 0x... in FUNC
 * FILE:LINE:COL") of each of its stacks (the bad access, where the memory
 * was freed, where it was allocated), with the line that introduces the
 * stack as the message. */
static void add_stack_locations(json_t *locs, const char *s, const char *rel)
{
    char intro[256] = "";
    int taken = 0; /* this stack has its location */
    for (const char *l = s; l && *l;) {
        const char *nl = strchr(l, '\n');
        size_t len = nl ? (size_t)(nl - l) : strlen(l);
        char line[1024];
        snprintf(line, sizeof(line), "%.*s", (int)(len < sizeof(line) ? len : sizeof(line) - 1), l);
        const char *t = line + strspn(line, " ");
        const char *in = strstr(t, " in ");
        if (t[0] == '#' && in) {
            char func[256], file[512];
            int ln = 0;
            if (!taken && sscanf(in + 4, "%255s %511[^:]:%d", func, file, &ln) == 3 && ln > 0 &&
                file[0] == '/') {
                json_array_append_new(locs, location(file, ln, intro[0] ? intro : NULL, rel));
                taken = 1;
            }
        } else if (*t) {
            snprintf(intro, sizeof(intro), "%s", t);
            taken = 0;
        }
        l = nl ? nl + 1 : NULL;
    }
}

/* One finding directory to a result; NULL (and a message) when its
 * finding.json cannot be read. */
static json_t *result_of(const char *dir, const char *sig, json_t *entry, json_t *rule_index,
                         char *err, size_t errlen)
{
    const char *kind = json_string_value(json_object_get(entry, "kind"));
    if (!kind) {
        snprintf(err, errlen, "finding %s in triage.json has no kind", sig);
        return NULL;
    }
    char rel[256], path[PATH_MAX + 300];
    snprintf(rel, sizeof(rel), "%s-%s", kind, sig);
    snprintf(path, sizeof(path), "%s/%s/finding.json", dir, rel);
    json_error_t jerr;
    json_t *f = json_load_file(path, 0, &jerr);
    if (!f || !json_is_object(f)) {
        snprintf(err, errlen, "%s: %s", path, f ? "not a JSON object" : jerr.text);
        json_decref(f);
        return NULL;
    }
    const char *msg = json_string_value(json_object_get(f, "message"));
    const char *sev = json_string_value(json_object_get(f, "severity"));
    json_t *r = json_object();
    json_object_set_new(r, "ruleId", json_string(kind));
    json_object_set(r, "ruleIndex", json_object_get(rule_index, kind));
    json_object_set_new(r, "level", json_string(sev && strcmp(sev, "warning") == 0 ? "warning"
                                                                                    : "error"));
    json_object_set_new(r, "message", json_pack("{s:s}", "text", msg ? msg : kind));
    int next_id = 1;
    /* accesses with a C stack (TSan's); ASan's bad access has none, and its
     * report's stacks (in the detail) are the locations */
    int stacks = 0;
    size_t ai;
    json_t *acc;
    json_array_foreach(json_object_get(f, "accesses"), ai, acc)
        stacks += json_array_size(json_object_get(acc, "stack")) > 0;
    if (stacks) {
        add_access_locations(r, f, rel, &next_id);
    } else {
        json_t *locs = json_array();
        add_text_locations(locs, msg, rel);
        add_text_locations(locs, json_string_value(json_object_get(f, "detail")), rel);
        if (!json_array_size(locs))
            add_stack_locations(locs, json_string_value(json_object_get(f, "detail")), rel);
        json_object_set_new(r, "locations", locs);
    }
    json_object_set_new(r, "partialFingerprints", json_pack("{s:s}", "hostraceSignature/v1", sig));
    json_int_t count = json_integer_value(json_object_get(entry, "count"));
    json_t *props = json_pack("{s:s, s:s, s:I}", "signature", sig, "findingDir", rel, "count",
                              count > 0 ? count : 1);
    json_t *host = json_object_get(f, "host");
    if (host)
        json_object_set(props, "host", host);
    json_object_set_new(r, "properties", props);
    json_decref(f);
    return r;
}

/* Appends every location of r (its locations and related ones) to related,
 * except those already there, numbering them from *next_id. */
static void add_related(json_t *related, json_t *r, int *next_id)
{
    static const char *const keys[] = {"locations", "relatedLocations"};
    for (size_t k = 0; k < 2; k++) {
        size_t i, j;
        json_t *l, *m;
        json_array_foreach(json_object_get(r, keys[k]), i, l)
        {
            json_t *phys = json_object_get(l, "physicalLocation");
            int dup = 0;
            json_array_foreach(related, j, m) dup |= json_equal(
                json_object_get(m, "physicalLocation"), phys);
            if (dup)
                continue;
            json_t *c = json_deep_copy(l);
            json_object_set_new(c, "id", json_integer((*next_id)++));
            json_array_append_new(related, c);
        }
    }
}

/* One result per cause (triage.json's "causes"): the result of the cause's
 * reproducer (its smallest input's signature), its message the cause's
 * title and fix; its location the script line where the cause has one,
 * every other site of every signature of the cause a related location;
 * partialFingerprints the cause's id. sig_results are the per-signature
 * results in sorted signature order (consumed). A triage.json without
 * causes (an older hostrace) keeps one result per signature. */
static json_t *by_cause(json_t *tri, json_t *sig_results)
{
    json_t *causes = json_object_get(tri, "causes");
    if (!json_array_size(causes))
        return sig_results;
    /* signature -> its result */
    json_t *of = json_object();
    size_t i;
    json_t *r;
    json_array_foreach(sig_results, i, r)
    {
        const char *sig = json_string_value(
            json_object_get(json_object_get(r, "properties"), "signature"));
        if (sig)
            json_object_set(of, sig, r);
    }
    json_t *out = json_array();
    json_t *c;
    json_array_foreach(causes, i, c)
    {
        json_t *sigs = json_object_get(c, "signatures");
        const char *repro = json_string_value(json_object_get(c, "reproducer"));
        const char *rsig = repro ? strrchr(repro, '-') : NULL;
        json_t *base = rsig ? json_object_get(of, rsig + 1) : NULL;
        if (!base)
            base = json_object_get(of, json_string_value(json_array_get(sigs, 0)) ?: "");
        if (!base)
            continue;
        json_t *res = json_deep_copy(base);
        json_t *related = json_array();
        int next_id = 1;
        /* the script line first, when the cause has one */
        json_t *locs = json_array();
        size_t k;
        json_t *side;
        const char *brel = json_string_value(
            json_object_get(json_object_get(base, "properties"), "findingDir"));
        json_array_foreach(json_object_get(c, "script"), k, side)
        {
            const char *file = json_string_value(json_object_get(side, "file"));
            if (!file || json_array_size(locs))
                continue;
            char text[512];
            snprintf(text, sizeof(text), "%s of %s by a %s",
                     json_string_value(json_object_get(side, "access")) ?: "access",
                     json_string_value(json_object_get(side, "site")) ?: "?",
                     strcmp(json_string_value(json_object_get(side, "where")) ?: "", "thread")
                             == 0 ? "Python thread" : "script callback on the main thread");
            json_array_append_new(locs, location(file,
                                                 (int)json_integer_value(
                                                     json_object_get(side, "line")),
                                                 text, brel ? brel : ""));
        }
        if (json_array_size(locs)) {
            add_related(related, base, &next_id);
            json_object_set_new(res, "locations", locs);
        } else {
            json_decref(locs);
            json_t *rel0 = json_pack("{s:O?}", "relatedLocations",
                                     json_object_get(base, "relatedLocations"));
            add_related(related, rel0, &next_id);
            json_decref(rel0);
        }
        /* the other signatures' sites */
        int error = strcmp(json_string_value(json_object_get(base, "level")) ?: "", "error") == 0;
        json_t *sv;
        json_array_foreach(sigs, k, sv)
        {
            json_t *o = json_object_get(of, json_string_value(sv) ?: "");
            if (!o || o == base)
                continue;
            add_related(related, o, &next_id);
            error |= strcmp(json_string_value(json_object_get(o, "level")) ?: "", "error") == 0;
        }
        if (json_array_size(related))
            json_object_set_new(res, "relatedLocations", related);
        else {
            json_decref(related);
            json_object_del(res, "relatedLocations");
        }
        json_object_set_new(res, "level", json_string(error ? "error" : "warning"));
        char msg[2048];
        snprintf(msg, sizeof(msg), "%s (%zu signature%s). Fix: %s",
                 json_string_value(json_object_get(c, "title")) ?: "",
                 json_array_size(sigs), json_array_size(sigs) == 1 ? "" : "s",
                 json_string_value(json_object_get(c, "fix")) ?: "");
        json_object_set_new(res, "message", json_pack("{s:s}", "text", msg));
        const char *id = json_string_value(json_object_get(c, "id")) ?: "";
        json_object_set_new(res, "partialFingerprints", json_pack("{s:s}", "hostraceCause/v1", id));
        json_t *props = json_object_get(res, "properties");
        json_object_set_new(props, "cause", json_string(id));
        json_object_set(props, "signatures", sigs);
        json_object_set(props, "count", json_object_get(c, "count"));
        json_array_append_new(out, res);
    }
    json_decref(of);
    json_decref(sig_results);
    return out;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int hr_sarif_write(const char *findings_dir, const char *path, char *err, size_t errlen)
{
    char p[PATH_MAX + 32];
    snprintf(p, sizeof(p), "%s/triage.json", findings_dir);
    json_error_t jerr;
    json_t *tri = json_load_file(p, 0, &jerr);
    json_t *findings = json_object_get(tri, "findings");
    if (!json_is_object(findings)) {
        snprintf(err, errlen, "%s: %s", p, tri ? "no \"findings\" object" : jerr.text);
        json_decref(tri);
        return -1;
    }
    /* signatures in a fixed order: the same directory, the same file */
    size_t n = json_object_size(findings), k = 0;
    const char **sigs = calloc(n ? n : 1, sizeof(*sigs));
    const char *sig;
    json_t *entry;
    json_object_foreach(findings, sig, entry) sigs[k++] = sig;
    qsort(sigs, n, sizeof(*sigs), cmp_str);

    /* one rule per kind present, in order of first use */
    json_t *rule_list = json_array(), *rule_index = json_object(), *results = json_array();
    int rc = 0;
    for (k = 0; k < n && rc == 0; k++) {
        entry = json_object_get(findings, sigs[k]);
        const char *kind = json_string_value(json_object_get(entry, "kind"));
        if (kind && !json_object_get(rule_index, kind)) {
            const rule_info *ri = rule_of(kind);
            json_object_set_new(rule_index, kind, json_integer((json_int_t)json_array_size(rule_list)));
            json_array_append_new(
                rule_list,
                json_pack("{s:s, s:s, s:{s:s}, s:{s:s}}", "id", kind, "name",
                          ri ? ri->name : kind, "shortDescription", "text", ri ? ri->text : kind,
                          "defaultConfiguration", "level",
                          kind_is_warning(kind) ? "warning" : "error"));
        }
        json_t *r = result_of(findings_dir, sigs[k], entry, rule_index, err, errlen);
        if (!r)
            rc = -1;
        else
            json_array_append_new(results, r);
    }
    free(sigs);
    if (rc == 0)
        results = by_cause(tri, results);
    json_decref(tri);
    if (rc != 0) {
        json_decref(rule_list);
        json_decref(rule_index);
        json_decref(results);
        return -1;
    }
    char abs[PATH_MAX], uri_findings[PATH_MAX + 16], uri_src[PATH_MAX + 16];
    if (!realpath(findings_dir, abs))
        snprintf(abs, sizeof(abs), "%s", findings_dir);
    snprintf(uri_findings, sizeof(uri_findings), "file://%s/", abs);
    snprintf(uri_src, sizeof(uri_src), "file://%s/", HR_SOURCE_DIR);
    json_t *driver = json_pack("{s:s, s:s, s:o}", "name", "hostrace", "version",
                               HOSTRACE_VERSION, "rules", rule_list);
    json_t *run = json_pack("{s:{s:o}, s:{s:{s:s}, s:{s:s}}, s:o, s:{s:s}}", "tool", "driver",
                            driver, "originalUriBaseIds", "SRCROOT", "uri", uri_src, "FINDINGS",
                            "uri", uri_findings, "results", results, "automationDetails", "id",
                            "hostrace/");
    json_t *log = json_pack("{s:s, s:s, s:[o]}", "$schema", SARIF_SCHEMA, "version", "2.1.0",
                            "runs", run);
    json_decref(rule_index);
    rc = json_dump_file(log, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(log);
    if (rc != 0) {
        snprintf(err, errlen, "cannot write '%s'", path);
        return -1;
    }
    return 0;
}
