/* hostrace triage: fuzzer crash inputs to a short list of distinct
 * findings. Every input found in AFL++ output directories (each instance's
 * crashes/ and hangs/) and libFuzzer artifacts (crash-*, timeout-*, oom-*,
 * leak-*) is replayed with `hostrace run` in the build whose driver found it
 * (read from the instance's fuzzer_stats), its error-level findings are
 * grouped by signature, and one directory per signature is written with
 * the smallest input that shows it. Inputs that show no error when
 * replayed are listed as flaky, never dropped. The output depends only on
 * the inputs, so triaging the same directories again rewrites the same
 * files. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "causes.h"
#include "program.h"

static const char usage[] =
    "usage: hostrace triage DIR... [--out DIR] [--script SCRIPT.py] [--timeout S]\n"
    "                       [--json] [--sarif FILE] [--html DIR] [--fixes[=N]]\n"
    "\n"
    "Replays every crash and hang input in the given fuzzer output directories\n"
    "and groups them into distinct findings by signature. DIR may be an AFL++\n"
    "output or sync directory (every instance's crashes/ and hangs/; a\n"
    "campaign's DIR/afl), one instance, or a directory of libFuzzer artifacts\n"
    "(crash-*, timeout-*, oom-*, leak-*). Each input is replayed by the\n"
    "hostrace of the build whose driver found it (from the instance's\n"
    "fuzzer_stats; this hostrace for libFuzzer artifacts).\n"
    "\n"
    "For every distinct error-level finding, --out gets KIND-SIGNATURE/ with:\n"
    "  input        the smallest input that shows it\n"
    "  schedule.txt its interleaving, report.txt, finding.json\n"
    "  repro.py     the program as Python source (fuzz_schedule: the script)\n"
    "  replay.sh    one line: re-runs the interleaving\n"
    "  inputs.txt   every input that showed it\n"
    "and --out gets triage.json (all of it) and flaky.txt (inputs that showed\n"
    "no error when replayed, with their exit code).\n"
    "\n"
    "The findings are listed by cause (README, \"Causes\"): the script-side code\n"
    "that one change removes, with the host activities it meets, its signatures,\n"
    "the smallest reproducer and the pattern to use instead.\n"
    "\n"
    "  --out DIR        where the findings go (default hostrace-out/triage)\n"
    "  --script S       the script of fuzz_schedule inputs where fuzzer_stats\n"
    "                   does not name it (libFuzzer artifacts of fuzz_schedule)\n"
    "  --timeout S      wall-clock budget per replay (default 120)\n"
    "  --json           print triage.json on stdout instead of the listing\n"
    "  --sarif FILE     also write the findings as SARIF 2.1.0 (hostrace report)\n"
    "  --html DIR       also write the HTML report (hostrace report)\n"
    "  --fixes[=N]      for each error cause, run its reproducer and N schedules\n"
    "                   (pct from seed 0; default 5) as it is and with each host\n"
    "                   switch and the script-side remedy (bpy_on_main=1: every\n"
    "                   bpy call of a script thread on the main thread), and say\n"
    "                   which make the cause disappear\n"
    "\n"
    "exit codes: 0 no error-level finding, 1 at least one, 2 usage or input\n"
    "error, 3 internal error.\n";

/* ---- inputs ------------------------------------------------------------------ */

typedef struct tr_input {
    char path[PATH_MAX];
    char hostrace[PATH_MAX]; /* the build's hostrace */
    char script[PATH_MAX];   /* fuzz_schedule's script, or "" for a program */
    off_t size;
} tr_input;

static tr_input *g_in;
static int g_nin, g_capin;
static char g_self[PATH_MAX];

static int add_input(const char *path, const char *hostrace, const char *script)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    if (g_nin == g_capin) {
        int cap = g_capin ? 2 * g_capin : 64;
        tr_input *n = realloc(g_in, (size_t)cap * sizeof(*n));
        if (!n)
            return -1;
        g_in = n;
        g_capin = cap;
    }
    tr_input *in = &g_in[g_nin++];
    memset(in, 0, sizeof(*in));
    snprintf(in->path, sizeof(in->path), "%s", path);
    snprintf(in->hostrace, sizeof(in->hostrace), "%s", hostrace);
    snprintf(in->script, sizeof(in->script), "%s", script ? script : "");
    in->size = st.st_size;
    return 0;
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_artifact(const char *name)
{
    static const char *const prefixes[] = {"crash-", "timeout-", "oom-", "leak-"};
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
            return 1;
    return 0;
}

/* The driver an AFL++ instance ran (fuzzer_stats' command_line, after
 * "--"): the build's hostrace next to it, and fuzz_schedule's script.
 * Falls back to this hostrace when the file or the build is missing. */
static void instance_build(const char *inst, const char *script_opt, char *hostrace, size_t hlen,
                           char *script, size_t slen)
{
    snprintf(hostrace, hlen, "%s", g_self);
    snprintf(script, slen, "%s", script_opt ? script_opt : "");
    char p[PATH_MAX + 32], line[8192];
    snprintf(p, sizeof(p), "%s/fuzzer_stats", inst);
    FILE *f = fopen(p, "r");
    if (!f)
        return;
    char cmd[8192] = "";
    while (fgets(line, sizeof(line), f))
        if (strncmp(line, "command_line", 12) == 0) {
            char *c = strchr(line, ':');
            if (c)
                snprintf(cmd, sizeof(cmd), "%s", c + 1);
        }
    fclose(f);
    char *save = NULL, *tok = strtok_r(cmd, " \t\n", &save);
    while (tok && strcmp(tok, "--") != 0)
        tok = strtok_r(NULL, " \t\n", &save);
    char *driver = tok ? strtok_r(NULL, " \t\n", &save) : NULL;
    if (!driver)
        return;
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s", driver);
    char *slash = strrchr(dir, '/');
    const char *base = slash ? slash + 1 : dir;
    int schedule = strcmp(base, "fuzz_schedule") == 0;
    if (slash) {
        *slash = 0;
        char h[PATH_MAX + 16];
        snprintf(h, sizeof(h), "%s/hostrace", dir);
        if (access(h, X_OK) == 0)
            snprintf(hostrace, hlen, "%s", h);
    }
    if (!schedule)
        return;
    /* fuzz_schedule [--frames N] [--timeout S] [--trace] SCRIPT */
    for (tok = strtok_r(NULL, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
        if (strcmp(tok, "--frames") == 0 || strcmp(tok, "--timeout") == 0) {
            tok = strtok_r(NULL, " \t\n", &save);
            if (!tok)
                break;
            continue;
        }
        if (tok[0] == '-')
            continue;
        if (!script_opt)
            snprintf(script, slen, "%s", tok);
        break;
    }
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of dir, sorted (readdir's order is the file system's). */
static char **sorted_entries(const char *dir, int *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    char **v = NULL;
    int cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 32;
            char **nv = realloc(v, (size_t)cap * sizeof(*nv));
            if (!nv)
                break;
            v = nv;
        }
        v[(*n)++] = strdup(e->d_name);
    }
    closedir(d);
    if (v)
        qsort(v, (size_t)*n, sizeof(*v), cmp_names);
    return v;
}

static void free_entries(char **v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Collects the inputs under dir (up to depth levels down): returns how
 * many fuzzer outputs (instances or artifact directories) it recognised. */
static int scan(const char *dir, const char *script_opt, int depth)
{
    int found = 0;
    char p[PATH_MAX];
    snprintf(p, sizeof(p), "%s/crashes", dir);
    int instance = is_dir(p);
    snprintf(p, sizeof(p), "%s/hangs", dir);
    instance |= is_dir(p);
    if (instance) {
        char hostrace[PATH_MAX], script[PATH_MAX];
        instance_build(dir, script_opt, hostrace, sizeof(hostrace), script, sizeof(script));
        for (int k = 0; k < 2; k++) {
            char sub[PATH_MAX];
            snprintf(sub, sizeof(sub), "%s/%s", dir, k ? "hangs" : "crashes");
            int n;
            char **names = sorted_entries(sub, &n);
            for (int i = 0; i < n; i++)
                if (strncmp(names[i], "id:", 3) == 0) {
                    char f[PATH_MAX + 300];
                    snprintf(f, sizeof(f), "%s/%s", sub, names[i]);
                    add_input(f, hostrace, script);
                }
            free_entries(names, n);
        }
        return 1;
    }
    int n;
    char **names = sorted_entries(dir, &n);
    int artifacts = 0;
    for (int i = 0; i < n; i++) {
        char f[PATH_MAX + 300];
        snprintf(f, sizeof(f), "%s/%s", dir, names[i]);
        if (is_artifact(names[i])) {
            add_input(f, g_self, script_opt);
            artifacts = 1;
        } else if (depth > 0 && is_dir(f)) {
            found += scan(f, script_opt, depth - 1);
        }
    }
    free_entries(names, n);
    return found + artifacts;
}

/* ---- replays ------------------------------------------------------------------- */

/* Runs argv, its stdout into a malloc'd string; returns the exit code (or
 * 128+signal), -1 when it could not run. */
typedef struct tr_group {
    char signature[32];
    char kind[64];
    char message[1024];
    char saved[PATH_MAX]; /* the best input's saved finding directory */
    int best;             /* index into g_in: smallest size, then path */
    int *inputs, ninputs;
} tr_group;

static tr_group *g_groups;
static int g_ngroups;

static tr_group *group_of(const char *sig)
{
    for (int i = 0; i < g_ngroups; i++)
        if (strcmp(g_groups[i].signature, sig) == 0)
            return &g_groups[i];
    tr_group *n = realloc(g_groups, (size_t)(g_ngroups + 1) * sizeof(*n));
    if (!n)
        return NULL;
    g_groups = n;
    tr_group *g = &g_groups[g_ngroups++];
    memset(g, 0, sizeof(*g));
    snprintf(g->signature, sizeof(g->signature), "%s", sig);
    g->best = -1;
    return g;
}

static int smaller(int a, int b)
{
    if (g_in[a].size != g_in[b].size)
        return g_in[a].size < g_in[b].size;
    return strcmp(g_in[a].path, g_in[b].path) < 0;
}

/* ---- output -------------------------------------------------------------------- */

static int write_text(const char *path, const char *text, int executable)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int ok = fputs(text, f) >= 0;
    if (fclose(f) != 0)
        ok = 0;
    if (ok && executable)
        chmod(path, 0755);
    return ok ? 0 : -1;
}

/* One finding's directory. */
static int write_group(const char *out, const tr_group *g, char *dir, size_t dlen)
{
    const tr_input *in = &g_in[g->best];
    snprintf(dir, dlen, "%s/%s-%s", out, g->kind, g->signature);
    if (hr_mkdirs(dir) < 0)
        return -1;
    char p[PATH_MAX + 64], q[PATH_MAX + 64];
    snprintf(p, sizeof(p), "%s/input", dir);
    if (hr_copy_file(in->path, p) < 0)
        return -1;
    static const char *const saved_files[] = {"schedule.txt", "report.txt", "finding.json"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(p, sizeof(p), "%s/%s", g->saved, saved_files[i]);
        snprintf(q, sizeof(q), "%s/%s", dir, saved_files[i]);
        if (hr_copy_file(p, q) < 0)
            return -1;
    }
    /* repro.py: the code (the script, or the program as Python), then the
     * trailer that makes `hostrace run repro.py` run it as this finding
     * ran (hostrace run --help): its source name, host switches and frames
     * (the saved schedule's), and schedule bytes */
    snprintf(p, sizeof(p), "%s/repro.py", dir);
    char err[512];
    size_t nbytes = 0;
    uint8_t *bytes = NULL;
    char *src = NULL;
    if (in->script[0]) {
        src = hr_script_code(in->script);
        bytes = hr_read_file(in->path, &nbytes, err, sizeof(err));
    } else {
        prog_program *prog = prog_new();
        if (prog && hr_program_load(in->path, prog, err, sizeof(err)) == 0) {
            src = hr_program_python(prog);
            const uint8_t *sb = prog_schedule(prog, &nbytes);
            bytes = malloc(nbytes + 1);
            if (bytes)
                memcpy(bytes, sb, nbytes);
        }
        prog_free(prog);
    }
    char host[256] = "", line[512];
    int frames = -1;
    snprintf(q, sizeof(q), "%s/schedule.txt", g->saved);
    FILE *sf = fopen(q, "r");
    while (sf && fgets(line, sizeof(line), sf) && strncmp(line, "decisions ", 10) != 0) {
        line[strcspn(line, "\n")] = 0;
        if (strncmp(line, "host ", 5) == 0)
            snprintf(host, sizeof(host), "%s", line + 5);
        else if (strncmp(line, "frames ", 7) == 0)
            frames = atoi(line + 7);
    }
    if (sf)
        fclose(sf);
    const char *base = strrchr(in->script, '/');
    int rc = src && bytes && host[0] && frames >= 0
                 ? hr_write_repro(p, src,
                                  in->script[0] ? (base ? base + 1 : in->script) : "program.py",
                                  !in->script[0], host, frames, bytes, nbytes)
                 : -1;
    free(src);
    free(bytes);
    if (rc < 0)
        return -1;
    char sh[PATH_MAX * 2 + 256];
    snprintf(sh, sizeof(sh),
             "#!/bin/sh\n"
             "# replays this finding's interleaving (HOSTRACE= another hostrace)\n"
             "exec \"${HOSTRACE:-%s}\" replay \"$(dirname \"$0\")/schedule.txt\" --script "
             "\"$(dirname \"$0\")/%s\" \"$@\"\n",
             in->hostrace, in->script[0] ? "repro.py" : "input");
    snprintf(p, sizeof(p), "%s/replay.sh", dir);
    if (write_text(p, sh, 1) < 0)
        return -1;
    snprintf(p, sizeof(p), "%s/inputs.txt", dir);
    FILE *f = fopen(p, "w");
    if (!f)
        return -1;
    for (int i = 0; i < g->ninputs; i++)
        fprintf(f, "%s\n", g_in[g->inputs[i]].path);
    return fclose(f) == 0 ? 0 : -1;
}

static int cmp_groups(const void *a, const void *b)
{
    const tr_group *x = a, *y = b;
    int c = strcmp(x->kind, y->kind);
    return c ? c : strcmp(x->signature, y->signature);
}

/* ---- fixes --------------------------------------------------------------------- */

/* A new directory $TMPDIR/hostrace-WHAT-XXXXXX (or under /tmp) in tmp;
 * 0, or -1 with errno. */
static int make_tmp(char *tmp, size_t len, const char *what)
{
    const char *root = getenv("TMPDIR");
    snprintf(tmp, len, "%s/hostrace-%s-XXXXXX", root && *root ? root : "/tmp", what);
    return mkdtemp(tmp) ? 0 : -1;
}

/* Whether arr holds a value equal to v. */
static int json_holds(json_t *arr, json_t *v)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x) if (json_equal(x, v)) return 1;
    return 0;
}

/* One `hostrace run` of the reproducer (pct > 0: that many pct schedules
 * from seed 0, else its own schedule bytes) with host switch sw (or
 * none): how many schedules showed the cause (-1 when the run failed),
 * and the other error-level causes it showed into others. */
static int fix_run(const char *hostrace, const char *repro, const char *sw, int pct,
                   int timeout, const char *cause_id, json_t *others)
{
    char tmp[PATH_MAX], tbuf[16], nbuf[16];
    if (make_tmp(tmp, sizeof(tmp), "fixes") < 0)
        return -1;
    snprintf(tbuf, sizeof(tbuf), "%d", timeout);
    snprintf(nbuf, sizeof(nbuf), "%d", pct);
    char *av[24];
    int n = 0;
    av[n++] = (char *)hostrace;
    av[n++] = "run";
    av[n++] = (char *)repro;
    if (pct > 0) {
        av[n++] = "--strategy";
        av[n++] = "pct";
        av[n++] = "--seed";
        av[n++] = "0";
        av[n++] = "--schedules";
        av[n++] = nbuf;
    }
    if (sw) {
        av[n++] = "--host";
        av[n++] = (char *)sw;
    }
    av[n++] = "--keep-going";
    av[n++] = "--json";
    av[n++] = "--out";
    av[n++] = tmp;
    av[n++] = "--timeout";
    av[n++] = tbuf;
    av[n] = NULL;
    char *text = NULL;
    hr_capture(av, &text);
    hr_remove_tree(tmp);
    json_t *root = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    if (!root)
        return -1;
    int seen = 0;
    size_t k;
    json_t *f;
    json_array_foreach(json_object_get(root, "findings"), k, f)
    {
        const char *sev = json_string_value(json_object_get(f, "severity"));
        if (!sev || strcmp(sev, "error") != 0)
            continue;
        json_t *c = json_object_get(f, "cause");
        const char *id = json_string_value(json_object_get(c, "id"));
        if (id && strcmp(id, cause_id) == 0) {
            json_int_t cnt = json_integer_value(json_object_get(f, "count"));
            seen += cnt > 0 ? (int)cnt : 1;
        } else if (others) {
            const char *title = json_string_value(json_object_get(c, "title"));
            json_t *t = json_string(title ? title : json_string_value(json_object_get(f, "message")));
            if (!json_holds(others, t))
                json_array_append(others, t);
            json_decref(t);
        }
    }
    json_int_t sched = json_integer_value(json_object_get(root, "schedules"));
    json_decref(root);
    if (seen > sched && sched > 0)
        seen = (int)sched; /* counts are per signature; a schedule shows a cause once */
    return seen;
}

/* The host switches the reproducer already runs with: its trailer's last
 * "# host: k=v k=v" line. */
static void repro_host(const char *repro, char *host, size_t len)
{
    host[0] = 0;
    FILE *f = fopen(repro, "r");
    char line[1024];
    while (f && fgets(line, sizeof(line), f))
        if (strncmp(line, "# host:", 7) == 0) {
            snprintf(host, len, "%s", line + 7 + strspn(line + 7, " "));
            host[strcspn(host, "\n")] = 0;
        }
    if (f)
        fclose(f);
}

/* Whether the space-separated host line holds the switch sw ("k=v"). */
static int host_has(const char *host, const char *sw)
{
    size_t n = strlen(sw);
    for (const char *p = host; (p = strstr(p, sw)) != NULL; p += n)
        if ((p == host || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0))
            return 1;
    return 0;
}

/* --fixes for one cause: {"runs": 1 + N, "as_is": {...}, "variants": [...]}
 * where each entry is {"switch", "reproducer": shown by the reproducer's own
 * schedule, "seen": runs that showed it (of 1 + N), "other_errors": titles of
 * error causes these runs showed that the runs as it is did not, "verdict":
 * "gone" (in none of the runs) | "still there" | "already on" (the
 * reproducer runs with it) | "failed" (hostrace could not run it) |
 * "not reproduced" (the runs as it is did not show it either: no
 * comparison)}. */
static json_t *cause_fixes(const char *hostrace, const char *dir, const char *cause_id, int n,
                           int timeout, int index, int ncauses)
{
    char repro[PATH_MAX + 16], host[512];
    snprintf(repro, sizeof(repro), "%s/repro.py", dir);
    repro_host(repro, host, sizeof(host));
    json_t *res = json_object(), *vars = json_array(), *base_others = json_array();
    json_object_set_new(res, "runs", json_integer(n + 1));
    int base_seen = 0;
    /* the runs as it is (v = -1), then the variants from the host
     * switches' table: each switch with a fix value, away from Blender as it
     * is, the script-side remedy last */
    for (int v = -1; v < host_switch_count() && !hr_interrupted(); v++) {
        const host_switch_def *d = v < 0 ? NULL : host_switch_at(v);
        if (d && !d->fix)
            continue;
        char swbuf[96];
        if (d)
            snprintf(swbuf, sizeof(swbuf), "%s=%s", d->key, d->fix);
        const char *sw = d ? swbuf : NULL;
        fprintf(stderr, "triage: fixes [%d/%d] %s: %s\n", index + 1, ncauses, cause_id,
                sw ? sw : "as it is");
        json_t *o = json_object(), *others = json_array();
        json_object_set_new(o, "switch", json_string(sw ? sw : ""));
        if (sw && host_has(host, sw)) {
            json_object_set_new(o, "verdict", json_string("already on"));
            json_decref(others);
            json_array_append_new(vars, o);
            continue;
        }
        int r = fix_run(hostrace, repro, sw, 0, timeout, cause_id, others);
        int k = r < 0 ? -1 : fix_run(hostrace, repro, sw, n, timeout, cause_id, others);
        int seen = r < 0 || k < 0 ? 0 : (r > 0) + k;
        const char *verdict = r < 0 || k < 0     ? "failed"
                              : v < 0            ? (seen ? "reproduced" : "not reproduced")
                              : base_seen == 0   ? "not reproduced"
                              : seen == 0        ? "gone"
                                                 : "still there";
        json_object_set_new(o, "reproducer", json_boolean(r > 0));
        json_object_set_new(o, "seen", json_integer(seen));
        if (v < 0) {
            base_seen = seen;
            json_array_extend(base_others, others);
        } else {
            /* only the errors the runs as it is did not show */
            json_t *fresh = json_array();
            size_t i;
            json_t *t;
            json_array_foreach(others, i, t) if (!json_holds(base_others, t))
                json_array_append(fresh, t);
            json_decref(others);
            others = fresh;
        }
        json_object_set_new(o, "other_errors", others);
        json_object_set_new(o, "verdict", json_string(verdict));
        if (v < 0)
            json_object_set_new(res, "as_is", o);
        else
            json_array_append_new(vars, o);
    }
    json_decref(base_others);
    json_object_set_new(res, "variants", vars);
    return res;
}

/* "fixed by: a, b; gone, but with other errors, with: c [...]; still there
 * with: d (3/6)" */
static void print_fixes(FILE *out, json_t *fx)
{
    int n = (int)json_integer_value(json_object_get(fx, "runs"));
    json_t *as = json_object_get(fx, "as_is");
    fprintf(out, "    fixes (the reproducer and %d pct schedules each): as it is %lld/%d%s\n",
            n - 1, (long long)json_integer_value(json_object_get(as, "seen")), n,
            json_is_true(json_object_get(as, "reproducer")) ? "" : " (its own schedule did not "
                                                                   "show it)");
    static const char *const groups[] = {"gone", "gone, other errors", "still there",
                                         "already on", "not reproduced", "failed"};
    static const char *const labels[] = {"fixed by", "gone, but with other errors, with",
                                         "still there with", "already on in the reproducer",
                                         "no comparison (not reproduced as it is)",
                                         "could not run"};
    for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
        int first = 1;
        size_t i;
        json_t *o;
        json_array_foreach(json_object_get(fx, "variants"), i, o)
        {
            const char *v = json_string_value(json_object_get(o, "verdict"));
            int other = json_array_size(json_object_get(o, "other_errors")) > 0;
            const char *grp = strcmp(v, "gone") == 0 ? (other ? groups[1] : groups[0]) : v;
            if (strcmp(grp, groups[g]) != 0)
                continue;
            fprintf(out, "%s%s%s", first ? "      " : ", ", first ? labels[g] : "",
                    first ? ": " : "");
            fputs(json_string_value(json_object_get(o, "switch")), out);
            if (strcmp(v, "gone") == 0 || strcmp(v, "still there") == 0)
                fprintf(out, " (%lld/%d)", (long long)json_integer_value(json_object_get(o, "seen")),
                        n);
            if (g == 1) {
                size_t j;
                json_t *t;
                fputs(" [", out);
                json_array_foreach(json_object_get(o, "other_errors"), j, t)
                    fprintf(out, "%s%.100s", j ? "; " : "", json_string_value(t));
                fputs("]", out);
            }
            first = 0;
        }
        if (!first)
            fputc('\n', out);
    }
}

static void print_cause_fixes(FILE *out, json_t *cause, void *ud)
{
    (void)ud;
    json_t *fx = json_object_get(cause, "fixes");
    if (fx)
        print_fixes(out, fx);
}

/* after each signature of the listing: its inputs and replay command */
static void print_replay(FILE *out, json_t *f, void *ud)
{
    (void)ud;
    char rp[PATH_MAX + 160], q[2 * PATH_MAX + 400];
    snprintf(rp, sizeof(rp), "%s/replay.sh", json_string_value(json_object_get(f, "dir")));
    fprintf(out, "        replay: %s\n", hr_shell_quote(rp, q, sizeof(q)));
}

int cli_triage(int argc, char **argv)
{
    const char *out = "hostrace-out/triage", *script = NULL, *sarif = NULL, *html = NULL;
    int timeout = 120, json = 0, fixes = 0;
    enum { O_OUT = 1, O_SCRIPT, O_TIMEOUT, O_JSON, O_HELP, O_SARIF, O_HTML, O_FIXES };
    static const struct option longopts[] = {{"out", required_argument, NULL, O_OUT},
                                             {"script", required_argument, NULL, O_SCRIPT},
                                             {"timeout", required_argument, NULL, O_TIMEOUT},
                                             {"json", no_argument, NULL, O_JSON},
                                             {"sarif", required_argument, NULL, O_SARIF},
                                             {"html", required_argument, NULL, O_HTML},
                                             {"fixes", optional_argument, NULL, O_FIXES},
                                             {"help", no_argument, NULL, O_HELP},
                                             {NULL, 0, NULL, 0}};
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case O_OUT:
            out = optarg;
            break;
        case O_SCRIPT:
            script = optarg;
            break;
        case O_TIMEOUT: {
            long v;
            if (hr_parse_range("triage", "timeout", optarg, 1, 86400, &v) < 0)
                return CLI_EXIT_USAGE;
            timeout = (int)v;
            break;
        }
        case O_JSON:
            json = 1;
            break;
        case O_SARIF:
            sarif = optarg;
            break;
        case O_HTML:
            html = optarg;
            break;
        case O_FIXES: {
            long v = 5;
            if (optarg && hr_parse_range("triage", "fixes", optarg, 1, 10000, &v) < 0)
                return CLI_EXIT_USAGE;
            fixes = (int)v;
            break;
        }
        case 'h':
        case O_HELP:
            fputs(usage, stdout);
            return CLI_EXIT_CLEAN;
        default:
            fprintf(stderr, "hostrace triage: unknown or incomplete option '%s' (try 'hostrace "
                            "triage --help')\n", argv[optind - 1]);
            return CLI_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "hostrace triage: missing DIR (try 'hostrace triage --help')\n");
        return CLI_EXIT_USAGE;
    }
    char script_abs[PATH_MAX];
    if (script) {
        if (!realpath(script, script_abs) || access(script_abs, R_OK) != 0) {
            fprintf(stderr, "hostrace triage: cannot read script '%s': %s\n", script,
                    strerror(errno));
            return CLI_EXIT_USAGE;
        }
        script = script_abs;
    }
    ssize_t sl = readlink("/proc/self/exe", g_self, sizeof(g_self) - 1);
    if (sl <= 0) {
        fprintf(stderr, "hostrace triage: internal error: cannot find this executable\n");
        return CLI_EXIT_INTERNAL;
    }
    g_self[sl] = 0;
    for (int i = optind; i < argc; i++) {
        char abs[PATH_MAX];
        if (!realpath(argv[i], abs) || !is_dir(abs)) {
            fprintf(stderr, "hostrace triage: '%s' is not a directory\n", argv[i]);
            return CLI_EXIT_USAGE;
        }
        if (scan(abs, script, 3) == 0) {
            fprintf(stderr, "hostrace triage: '%s' holds no AFL++ instance (crashes/, hangs/) "
                            "and no libFuzzer artifact (crash-*, timeout-*, oom-*, leak-*)\n",
                    argv[i]);
            return CLI_EXIT_USAGE;
        }
    }
    if (hr_mkdirs(out) < 0) {
        fprintf(stderr, "hostrace triage: cannot create '%s': %s\n", out, strerror(errno));
        return CLI_EXIT_USAGE;
    }
    char tmp[PATH_MAX];
    if (make_tmp(tmp, sizeof(tmp), "triage") < 0) {
        fprintf(stderr, "hostrace triage: internal error: mkdtemp: %s\n", strerror(errno));
        return CLI_EXIT_INTERNAL;
    }
    int *flaky = calloc((size_t)g_nin + 1, sizeof(int)), nflaky = 0;
    int *flaky_code = calloc((size_t)g_nin + 1, sizeof(int));
    int internal = !flaky || !flaky_code;
    hr_capture_interruptible();
    int replayed = 0;
    /* one schedule server per build replays its inputs (their interpreter
     * starts once, not once per input); an input whose switches are not
     * the server's first input's is run with a server of its own */
    pid_t server = -1;
    const char *server_for = NULL;
    for (int i = 0; i < g_nin && !internal && !hr_interrupted(); i++) {
        tr_input *in = &g_in[i];
        char rdir[PATH_MAX], tbuf[16];
        snprintf(rdir, sizeof(rdir), "%s/%d", tmp, i);
        snprintf(tbuf, sizeof(tbuf), "%d", timeout);
        char *av[16];
        int n = 0;
        av[n++] = in->hostrace;
        av[n++] = "run";
        if (in->script[0]) {
            av[n++] = in->script;
            av[n++] = "--strategy";
            av[n++] = "bytes";
            av[n++] = "--input";
            av[n++] = in->path;
        } else {
            av[n++] = "--program";
            av[n++] = in->path;
        }
        av[n++] = "--json";
        av[n++] = "--out";
        av[n++] = rdir;
        av[n++] = "--timeout";
        av[n++] = tbuf;
        av[n] = NULL;
        if (!server_for || strcmp(server_for, in->hostrace) != 0) {
            if (server > 0)
                cli_shared_server_stop(server);
            char sdir[PATH_MAX + 16];
            snprintf(sdir, sizeof(sdir), "%s/server", tmp);
            server = cli_shared_server_start(in->hostrace, av + 2, sdir);
            server_for = in->hostrace;
        }
        char *text = NULL;
        int code = hr_capture(av, &text);
        if (hr_interrupted()) { /* this input's replay was cut short */
            free(text);
            break;
        }
        replayed++;
        json_error_t jerr;
        json_t *root = text ? json_loads(text, 0, &jerr) : NULL;
        free(text);
        json_t *list = root ? json_object_get(root, "findings") : NULL;
        int errors = 0;
        size_t k;
        json_t *f;
        json_array_foreach(list, k, f)
        {
            const char *sev = json_string_value(json_object_get(f, "severity"));
            const char *sig = json_string_value(json_object_get(f, "signature"));
            if (!sev || strcmp(sev, "error") != 0 || !sig)
                continue;
            errors++;
            tr_group *g = group_of(sig);
            int *ni = g ? realloc(g->inputs, (size_t)(g->ninputs + 1) * sizeof(int)) : NULL;
            if (!ni) {
                internal = 1;
                break;
            }
            g->inputs = ni;
            g->inputs[g->ninputs++] = i;
            if (g->best < 0 || smaller(i, g->best)) {
                const char *kind = json_string_value(json_object_get(f, "kind"));
                const char *msg = json_string_value(json_object_get(f, "message"));
                const char *saved = json_string_value(json_object_get(f, "saved"));
                g->best = i;
                snprintf(g->kind, sizeof(g->kind), "%s", kind ? kind : "unknown");
                snprintf(g->message, sizeof(g->message), "%s", msg ? msg : "");
                snprintf(g->saved, sizeof(g->saved), "%s", saved ? saved : "");
            }
        }
        json_decref(root);
        if (!errors) {
            flaky_code[nflaky] = code;
            flaky[nflaky++] = i;
        }
        fprintf(stderr, "triage: [%d/%d] %s: %s\n", i + 1, g_nin, in->path,
                errors ? "reproduces" : "no error when replayed (flaky)");
    }
    if (server > 0)
        cli_shared_server_stop(server);
    qsort(g_groups, (size_t)g_ngroups, sizeof(*g_groups), cmp_groups);

    json_t *res = json_object(), *groups = json_object(), *fl = json_array();
    json_object_set_new(res, "inputs", json_integer(g_nin));
    json_object_set_new(res, "replayed", json_integer(replayed));
    if (hr_interrupted())
        json_object_set_new(res, "interrupted", json_true());
    /* each finding's saved JSON (its cause), in g_groups' order */
    json_t *flist = json_array();
    for (int i = 0; i < g_ngroups && !internal; i++) {
        tr_group *g = &g_groups[i];
        char dir[PATH_MAX + 128];
        if (!g->saved[0] || write_group(out, g, dir, sizeof(dir)) < 0) {
            fprintf(stderr, "hostrace triage: cannot write the finding %s-%s under '%s'\n",
                    g->kind, g->signature, out);
            internal = 1;
            break;
        }
        json_t *o = json_object(), *ins = json_array();
        json_object_set_new(o, "kind", json_string(g->kind));
        json_object_set_new(o, "message", json_string(g->message));
        json_object_set_new(o, "count", json_integer(g->ninputs));
        json_object_set_new(o, "smallest", json_string(g_in[g->best].path));
        json_object_set_new(o, "dir", json_string(dir));
        for (int k = 0; k < g->ninputs; k++)
            json_array_append_new(ins, json_string(g_in[g->inputs[k]].path));
        json_object_set_new(o, "inputs", ins);
        char fj[PATH_MAX + 160];
        snprintf(fj, sizeof(fj), "%s/finding.json", dir);
        json_t *fo = json_load_file(fj, 0, NULL);
        if (!fo)
            fo = json_pack("{s:s, s:s}", "kind", g->kind, "message", g->message);
        json_object_set_new(fo, "signature", json_string(g->signature));
        json_object_set_new(fo, "count", json_integer(g->ninputs));
        json_object_set_new(fo, "dir", json_string(dir));
        json_object_set_new(fo, "smallest_size", json_integer((json_int_t)g_in[g->best].size));
        json_object_set_new(fo, "hostrace", json_string(g_in[g->best].hostrace));
        json_array_append_new(flist, fo);
        json_t *cid = json_object_get(json_object_get(fo, "cause"), "id");
        json_object_set_new(o, "cause", json_string(json_string_value(cid) ? json_string_value(cid)
                                                                           : g->signature));
        json_object_set_new(groups, g->signature, o);
    }
    json_object_set_new(res, "findings", groups);
    json_t *causes = hr_causes_group(flist);
    size_t ci;
    json_t *cause;
    int nerr_causes = 0;
    json_array_foreach(causes, ci, cause)
    {
        /* the cause's reproducer: its smallest input's finding */
        json_t *best = NULL;
        int error = 0;
        size_t k;
        json_t *ix;
        json_array_foreach(json_object_get(cause, "findings"), k, ix)
        {
            json_t *fo = json_array_get(flist, (size_t)json_integer_value(ix));
            const char *sev = json_string_value(json_object_get(fo, "severity"));
            error |= !sev || strcmp(sev, "error") == 0;
            if (!best || json_integer_value(json_object_get(fo, "smallest_size")) <
                             json_integer_value(json_object_get(best, "smallest_size")))
                best = fo;
        }
        if (best) {
            json_object_set(cause, "reproducer", json_object_get(best, "dir"));
            json_object_set(cause, "reproducer_build", json_object_get(best, "hostrace"));
        }
        json_object_set_new(cause, "severity", json_string(error ? "error" : "warning"));
        nerr_causes += error;
    }
    if (fixes && !internal) {
        /* each error cause's reproducer, as it is and with each variant */
        int idx = 0;
        json_array_foreach(causes, ci, cause)
        {
            if (hr_interrupted())
                break;
            const char *dir = json_string_value(json_object_get(cause, "reproducer"));
            const char *hr = json_string_value(json_object_get(cause, "reproducer_build"));
            if (!dir || strcmp(json_string_value(json_object_get(cause, "severity")), "error"))
                continue;
            json_object_set_new(cause, "fixes",
                                cause_fixes(hr ? hr : g_self, dir,
                                            json_string_value(json_object_get(cause, "id")),
                                            fixes, timeout, idx++, nerr_causes));
        }
    }
    /* triage.json: each cause's signatures by name */
    json_t *saved_causes = json_deep_copy(causes);
    json_array_foreach(saved_causes, ci, cause)
    {
        json_t *sigs = json_array();
        size_t k;
        json_t *ix;
        json_array_foreach(json_object_get(cause, "findings"), k, ix)
            json_array_append(sigs, json_object_get(
                                        json_array_get(flist, (size_t)json_integer_value(ix)),
                                        "signature"));
        json_object_set_new(cause, "signatures", sigs);
        json_object_del(cause, "findings");
        json_object_del(cause, "reproducer_build");
    }
    json_object_set_new(res, "causes", saved_causes);
    for (int i = 0; i < nflaky; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "input", json_string(g_in[flaky[i]].path));
        json_object_set_new(o, "exit", json_integer(flaky_code[i]));
        json_array_append_new(fl, o);
    }
    json_object_set_new(res, "flaky", fl);
    char p[PATH_MAX + 32];
    snprintf(p, sizeof(p), "%s/triage.json", out);
    if (!internal && json_dump_file(res, p, JSON_INDENT(2) | JSON_SORT_KEYS) != 0)
        internal = 1;
    snprintf(p, sizeof(p), "%s/flaky.txt", out);
    FILE *ff = internal ? NULL : fopen(p, "w");
    for (int i = 0; ff && i < nflaky; i++)
        fprintf(ff, "%s exit %d\n", g_in[flaky[i]].path, flaky_code[i]);
    if (!internal && (!ff || fclose(ff) != 0))
        internal = 1;
    hr_remove_tree(tmp);
    if (internal) {
        fprintf(stderr, "hostrace triage: internal error while writing '%s'\n", out);
        json_decref(res);
        json_decref(flist);
        json_decref(causes);
        return CLI_EXIT_INTERNAL;
    }
    if (json) {
        char *s = json_dumps(res, JSON_INDENT(2) | JSON_SORT_KEYS);
        if (s)
            puts(s);
        free(s);
    } else {
        printf("hostrace triage: %d input%s, %zu cause%s, %d distinct finding%s, %d flaky\n",
               g_nin, g_nin == 1 ? "" : "s", json_array_size(causes),
               json_array_size(causes) == 1 ? "" : "s", g_ngroups, g_ngroups == 1 ? "" : "s",
               nflaky);
        hr_causes_print(stdout, causes, flist, print_replay, print_cause_fixes, NULL);
        if (nflaky)
            printf("  flaky (no error when replayed): %d input%s, listed in %s/flaky.txt\n",
                   nflaky, nflaky == 1 ? "" : "s", out);
    }
    fflush(stdout);
    if (hr_interrupted())
        fprintf(stderr,
                "hostrace triage: interrupted after replaying %d of %d input%s; the list above "
                "covers those, and `hostrace triage` of the same directories replays them all\n",
                replayed, g_nin, g_nin == 1 ? "" : "s");
    json_decref(res);
    json_decref(flist);
    json_decref(causes);
    free(flaky);
    free(flaky_code);
    int rc = hr_report_outputs(out, sarif, html);
    if (rc != CLI_EXIT_CLEAN)
        return rc;
    if (hr_interrupted())
        return CLI_EXIT_INTERRUPTED;
    return g_ngroups ? CLI_EXIT_FINDINGS : CLI_EXIT_CLEAN;
}
