/* hostrace minimize: shrinks a triaged finding while its signature holds.
 *
 * A finding directory (hostrace triage's KIND-SIGNATURE/) holds an input:
 * a fuzz program followed by schedule bytes, or (fuzz_schedule findings)
 * schedule bytes for a script. Every candidate is re-run as a fresh
 * process (`hostrace run ... --json`, this executable) and counts when the
 * finding's signature shows in its findings. The runs' schedules fork from
 * one schedule server minimize starts (cli_shared_server_start): the
 * interpreter starts once, not once per candidate. Three phases, in a fixed
 * order, so the same finding always minimizes to the same result:
 *
 *   program   drop top-level operations (halves, quarters, ... single
 *             ones, from the end), then operations of thread/timer/pool
 *             bodies, then lower loop/workers/runs counts (to 1, else by
 *             halves); each with the current schedule bytes, then with as
 *             many zero bytes
 *   schedule  fewer preemptions (a decision where the running thread could
 *             go on but another was chosen). First all-zero schedule bytes
 *             (zero picks the lowest runnable slot, the main thread when
 *             it can run), then each preempting decision in turn: the
 *             bytes strategy picks enabled[b % n], so a decision keeps the
 *             current thread when its byte is that thread's index among
 *             the runnable slots. The slots are not in the schedule file,
 *             but they are distinct and ascending, so the index lies above
 *             the chosen one when the chosen slot is lower (below it
 *             otherwise) and within the slot numbers: for two runnable
 *             threads that leaves one value, and each remaining value is
 *             tried. The bytes before the decision spell out the decisions
 *             as they were (past the input's bytes, the bytes strategy's
 *             PRNG, seeded from the input length, is replayed here); after
 *             it, three tails: the bytes as they were, the last run's
 *             picks, zeros.
 *   bytes     drop trailing schedule bytes, then other chunks of them
 *
 * A change is kept when the signature holds and the input is no longer
 * than the original; program edits may not take preemptions above the
 * original's, schedule changes must lower them and byte drops may not
 * raise them. Only schedule bytes the original length leaves room for
 * are used, so decisions past them stay the PRNG's. The result is a
 * finding directory of the same layout. */
#include "cli.h"
#include "program.h"
#include "sched/schedule.h"
#include "sched/strategy.h"

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

static const char usage[] =
    "usage: hostrace minimize FINDING_DIR [--out DIR] [--max-runs N] [--timeout S] [--json]\n"
    "\n"
    "Shrinks a finding of hostrace triage while its signature still shows:\n"
    "the program (fewer operations, body operations, threads and loop counts),\n"
    "the schedule (fewer preemptions: decisions that switch away from a thread\n"
    "that could go on) and the input's bytes. Every candidate is re-run as its\n"
    "own process, forked from one interpreter started for the whole minimize;\n"
    "the same finding always gives the same result.\n"
    "\n"
    "The result is a finding directory of the same layout (input, schedule.txt,\n"
    "report.txt, finding.json, repro.py, replay.sh, inputs.txt) in --out; the\n"
    "finding's own files are never changed.\n"
    "\n"
    "  --out DIR        where the result goes (default FINDING_DIR/minimized)\n"
    "  --max-runs N     at most N re-runs (default 300)\n"
    "  --timeout S      wall-clock budget per re-run (default 120)\n"
    "  --json           print one JSON object (before, after, runs) on stdout\n"
    "\n"
    "exit codes: 0 minimized (the signature held), 1 the finding does not\n"
    "reproduce, 2 usage or input error, 3 internal error.\n";

/* ---- the finding and the candidates ------------------------------------------ */

/* One run's decisions, reduced to what minimizing needs. */
typedef struct mz_trace {
    int *cur, *chosen, *n; /* per decision: current slot (-1 blocked), chosen, runnable */
    size_t len;
    int threads;     /* managed threads of the run */
    int max_slot;    /* their highest slot */
    int preemptions; /* decisions with cur >= 0 and chosen != cur */
    uint64_t seed;   /* the bytes strategy's seed */
} mz_trace;

/* A candidate: the program (program findings) and its schedule bytes. */
typedef struct mz_cand {
    prog_program *prog; /* NULL for script findings */
    uint8_t *sched;     /* schedule bytes (scripts: the whole input) */
    size_t nsched;
} mz_cand;

typedef struct mz_ctx {
    char self[PATH_MAX];
    char dir[PATH_MAX];    /* the finding */
    char out[PATH_MAX];    /* the result */
    char tmp[PATH_MAX];    /* scratch, removed at the end */
    char script[PATH_MAX]; /* script findings: the script that runs */
    char kind[64];
    char signature[64];
    char host[256]; /* the finding's host switches and frames */
    int frames;
    int program;
    int timeout;
    int max_runs, runs;
    size_t max_len; /* the original input's length: never exceeded */
    mz_cand cur;    /* the accepted candidate */
    mz_trace tr;    /* its run */
    char saved[PATH_MAX]; /* its run's saved finding (schedule.txt, ...) */
    int internal;   /* an internal error happened */
    pid_t server;   /* the runs' shared schedule server; 0 before the first run, -1 none */
    int served;     /* runs it served */
} mz_ctx;

static void trace_free(mz_trace *t)
{
    free(t->cur);
    free(t->chosen);
    free(t->n);
    memset(t, 0, sizeof(*t));
}

static void cand_free(mz_cand *c)
{
    prog_free(c->prog);
    free(c->sched);
    memset(c, 0, sizeof(*c));
}

/* A deep copy of c with the schedule bytes replaced by bytes[0..n). */
static int cand_with(const mz_cand *c, const uint8_t *bytes, size_t n, mz_cand *out)
{
    memset(out, 0, sizeof(*out));
    out->sched = malloc(n ? n : 1);
    if (!out->sched)
        return -1;
    if (n)
        memcpy(out->sched, bytes, n);
    out->nsched = n;
    if (c->prog) {
        out->prog = prog_new();
        if (!out->prog) {
            cand_free(out);
            return -1;
        }
        size_t len = prog_encode(c->prog, NULL, 0);
        uint8_t *b = malloc(len + 1);
        if (!b) {
            cand_free(out);
            return -1;
        }
        prog_encode(c->prog, b, len);
        prog_decode(b, len, out->prog);
        free(b);
        prog_set_schedule(out->prog, bytes, n);
    }
    return 0;
}

static int cand_copy(const mz_cand *c, mz_cand *out)
{
    return cand_with(c, c->sched, c->nsched, out);
}

/* The candidate's input bytes (malloc'd), in *len. */
static uint8_t *cand_bytes(const mz_cand *c, size_t *len)
{
    if (!c->prog) {
        *len = c->nsched;
        uint8_t *b = malloc(c->nsched ? c->nsched : 1);
        if (b && c->nsched)
            memcpy(b, c->sched, c->nsched);
        return b;
    }
    *len = prog_encode(c->prog, NULL, 0);
    uint8_t *b = malloc(*len + 1);
    if (b)
        prog_encode(c->prog, b, *len);
    return b;
}

static size_t cand_len(const mz_cand *c)
{
    return c->prog ? prog_encode(c->prog, NULL, 0) : c->nsched;
}

/* Bytes of the program alone (0 for scripts). */
static size_t program_len(const mz_cand *c)
{
    return c->prog ? prog_encode(c->prog, NULL, 0) - c->nsched : 0;
}

static int write_bytes(const char *path, const uint8_t *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fwrite(b, 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* ---- running a candidate ----------------------------------------------------- */


/* Reads a run's schedule file into t. */
static int trace_load(const char *schedule, mz_trace *t)
{
    hr_schedule s;
    char err[512];
    memset(t, 0, sizeof(*t));
    if (hr_schedule_read(schedule, &s, err, sizeof(err)) < 0)
        return -1;
    size_t n = s.n ? s.n : 1;
    t->cur = malloc(n * sizeof(int));
    t->chosen = malloc(n * sizeof(int));
    t->n = malloc(n * sizeof(int));
    if (!t->cur || !t->chosen || !t->n) {
        hr_schedule_free(&s);
        trace_free(t);
        return -1;
    }
    size_t len = 0;
    for (size_t i = 0; i < s.n; i++) {
        /* an external call's outcome or completion takes no schedule byte */
        if (s.d[i].current == SCHED_EXTERNAL_WAKE || s.d[i].current == SCHED_EXTERNAL_NOW)
            continue;
        t->cur[len] = s.d[i].current;
        t->chosen[len] = s.d[i].chosen;
        t->n[len] = s.d[i].n_enabled;
        t->preemptions += s.d[i].current >= 0 && s.d[i].chosen != s.d[i].current;
        len++;
    }
    t->len = len;
    t->seed = s.seed;
    hr_schedule_free(&s);
    /* the thread table: "thread SLOT ROLE NAME" lines */
    FILE *f = fopen(schedule, "r");
    char line[1024];
    while (f && fgets(line, sizeof(line), f))
        if (strncmp(line, "thread ", 7) == 0) {
            int slot = atoi(line + 7);
            t->threads++;
            t->max_slot = slot > t->max_slot ? slot : t->max_slot;
        }
    if (f)
        fclose(f);
    return 0;
}

/* The command line of a run of the input at path (program or script
 * finding) with its results under rdir: av[0] this executable, av[1]
 * "run". a holds its strings. */
typedef struct mz_args {
    char tbuf[16], fbuf[16], hostbuf[256];
    char *av[40];
} mz_args;

static void run_args(mz_ctx *c, const char *path, const char *rdir, mz_args *a)
{
    snprintf(a->tbuf, sizeof(a->tbuf), "%d", c->timeout);
    snprintf(a->fbuf, sizeof(a->fbuf), "%d", c->frames);
    snprintf(a->hostbuf, sizeof(a->hostbuf), "%s", c->host);
    char **av = a->av;
    int n = 0;
    av[n++] = c->self;
    av[n++] = "run";
    if (c->program) {
        av[n++] = "--program";
        av[n++] = (char *)path;
    } else {
        av[n++] = c->script;
        av[n++] = "--strategy";
        av[n++] = "bytes";
        av[n++] = "--input";
        av[n++] = (char *)path;
    }
    /* the finding's host switches and frames (a program's own switches
     * are among them) */
    for (char *save = NULL, *tok = strtok_r(a->hostbuf, " ", &save); tok && n < 30;
         tok = strtok_r(NULL, " ", &save)) {
        av[n++] = "--host";
        av[n++] = tok;
    }
    av[n++] = "--frames";
    av[n++] = a->fbuf;
    av[n++] = "--json";
    av[n++] = "--out";
    av[n++] = (char *)rdir;
    av[n++] = "--timeout";
    av[n++] = a->tbuf;
    av[n] = NULL;
}

/* Runs the input at path (program or script finding) with its results
 * under rdir. Returns 1 when the signature shows (saved: where its finding
 * was saved), 0 when not, -1 on an internal error. The first run starts
 * the schedule server every run of this minimize uses (the runs'
 * interpreter starts once, not once per candidate). */
static int run_input(mz_ctx *c, const char *path, const char *rdir, char *saved, size_t slen)
{
    mz_args a;
    run_args(c, path, rdir, &a);
    char **av = a.av;
    if (!c->server) {
        char sdir[PATH_MAX + 32];
        snprintf(sdir, sizeof(sdir), "%s/server", c->tmp);
        c->server = cli_shared_server_start(c->self, av + 2, sdir);
    }
    hr_remove_tree(rdir);
    char *text = NULL;
    c->runs++;
    hr_capture(av, &text);
    json_error_t jerr;
    json_t *root = text ? json_loads(text, 0, &jerr) : NULL;
    free(text);
    if (!root)
        return 0; /* a run that printed no report shows nothing */
    int holds = 0;
    size_t k;
    json_t *f;
    c->served += (int)json_integer_value(json_object_get(root, "shared_server_schedules"));
    json_array_foreach(json_object_get(root, "findings"), k, f)
    {
        const char *sig = json_string_value(json_object_get(f, "signature"));
        const char *kind = json_string_value(json_object_get(f, "kind"));
        const char *sv = json_string_value(json_object_get(f, "saved"));
        if (sig && kind && sv && strcmp(sig, c->signature) == 0 && strcmp(kind, c->kind) == 0) {
            snprintf(saved, slen, "%s", sv);
            holds = 1;
            break;
        }
    }
    json_decref(root);
    return holds;
}

/* Runs candidate x; 1 when the signature shows (its trace in t, which the
 * caller frees), 0 when not or past the budget, -1 internal error. */
static int try_cand(mz_ctx *c, const mz_cand *x, mz_trace *t, char *saved, size_t slen)
{
    memset(t, 0, sizeof(*t));
    if (c->runs >= c->max_runs)
        return 0;
    size_t len;
    uint8_t *b = cand_bytes(x, &len);
    char path[PATH_MAX + 32], rdir[PATH_MAX + 32], sched[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s/candidate", c->tmp);
    snprintf(rdir, sizeof(rdir), "%s/run", c->tmp);
    if (!b || write_bytes(path, b, len) < 0) {
        free(b);
        c->internal = 1;
        return -1;
    }
    free(b);
    int holds = run_input(c, path, rdir, saved, slen);
    if (holds != 1)
        return holds;
    snprintf(sched, sizeof(sched), "%s/schedule.txt", saved);
    if (trace_load(sched, t) < 0) {
        c->internal = 1;
        return -1;
    }
    return 1;
}

/* ---- accepting changes ------------------------------------------------------- */

static void status_line(const mz_ctx *c, const char *what)
{
    fprintf(stderr, "minimize: run %d: %s: %d ops, %d threads, %d preemptions, %zu bytes\n",
            c->runs, what, c->cur.prog ? prog_op_count(c->cur.prog) : 0, c->tr.threads,
            c->tr.preemptions, cand_len(&c->cur));
}

/* Runs x and makes it the current candidate when the signature holds, it
 * is no longer than the original and its preemptions are at most
 * max_preempt. Takes x either way. 1 accepted, 0 not. */
static int accept(mz_ctx *c, mz_cand *x, int max_preempt, const char *what)
{
    if (cand_len(x) > c->max_len || c->internal) {
        cand_free(x);
        return 0;
    }
    mz_trace t;
    char saved[PATH_MAX];
    int r = try_cand(c, x, &t, saved, sizeof(saved));
    if (r != 1 || t.preemptions > max_preempt) {
        trace_free(&t);
        cand_free(x);
        return 0;
    }
    cand_free(&c->cur);
    trace_free(&c->tr);
    c->cur = *x;
    c->tr = t;
    snprintf(c->saved, sizeof(c->saved), "%s", saved);
    memset(x, 0, sizeof(*x));
    status_line(c, what);
    return 1;
}

/* A program edit: tried with the current schedule bytes, then with as
 * many zero bytes (zeros pick the lowest runnable slot: the main thread
 * whenever it can run). Takes x. */
static int accept_edit(mz_ctx *c, mz_cand *x, int max_preempt, const char *what)
{
    int zeros_differ = 0;
    for (size_t i = 0; i < x->nsched; i++)
        zeros_differ |= x->sched[i] != 0;
    mz_cand z;
    uint8_t *zb = calloc(x->nsched ? x->nsched : 1, 1);
    int have_z = zeros_differ && zb && cand_with(x, zb, x->nsched, &z) == 0;
    free(zb);
    if (accept(c, x, max_preempt, what)) {
        if (have_z)
            cand_free(&z);
        return 1;
    }
    if (!have_z)
        return 0;
    char w[256];
    snprintf(w, sizeof(w), "%s (schedule bytes zeroed)", what);
    return accept(c, &z, max_preempt, w);
}

/* ---- phase 1: the program ----------------------------------------------------- */

/* Drops chunks of top-level operations: halves, quarters, ... single ones,
 * each size from the end of the program backwards (the chunk ending at e,
 * then the one before it). */
static int drop_ops(mz_ctx *c, int max_preempt)
{
    int changed = 0;
    int k = prog_op_count(c->cur.prog) / 2;
    for (k = k < 1 ? 1 : k;; k /= 2) {
        for (int e = prog_op_count(c->cur.prog); e > 0 && c->runs < c->max_runs; e -= k) {
            int s = e - k < 0 ? 0 : e - k;
            mz_cand x;
            if (cand_copy(&c->cur, &x) < 0) {
                c->internal = 1;
                return changed;
            }
            /* from the chunk's end: a cascade only removes later joins */
            for (int i = e - 1; i >= s; i--)
                if (i < prog_op_count(x.prog))
                    prog_remove_op(x.prog, i);
            char what[96];
            if (e - s > 1)
                snprintf(what, sizeof(what), "dropped operations %d..%d", s, e - 1);
            else
                snprintf(what, sizeof(what), "dropped operation %d", s);
            if (accept_edit(c, &x, max_preempt, what)) {
                changed = 1;
                /* a cascade may have removed later joins too */
                if (e > prog_op_count(c->cur.prog) + k)
                    e = prog_op_count(c->cur.prog) + k;
            }
        }
        if (k <= 1)
            break;
    }
    return changed;
}

/* Drops single operations of every body, last ones first. */
static int drop_body_ops(mz_ctx *c, int max_preempt)
{
    int changed = 0;
    for (int i = prog_op_count(c->cur.prog) - 1; i >= 0; i--)
        for (int j = prog_body_count(c->cur.prog, i) - 1; j >= 0 && c->runs < c->max_runs;
             j--) {
            mz_cand x;
            if (cand_copy(&c->cur, &x) < 0) {
                c->internal = 1;
                return changed;
            }
            prog_remove_body_op(x.prog, i, j);
            char what[96];
            snprintf(what, sizeof(what), "dropped operation %d of the body of operation %d", j,
                     i);
            changed |= accept_edit(c, &x, max_preempt, what);
        }
    return changed;
}

/* Lowers one count of operation i: to 1, else by halves while it holds. */
static int lower_count(mz_ctx *c, int i, const char *key, int max_preempt)
{
    int v = prog_op_param(c->cur.prog, i, key), changed = 0;
    for (int to = 1; v > 1 && to >= 1 && to < v && c->runs < c->max_runs;) {
        mz_cand x;
        if (cand_copy(&c->cur, &x) < 0) {
            c->internal = 1;
            return changed;
        }
        if (prog_set_op_param(x.prog, i, key, to) < 0) {
            cand_free(&x);
            break;
        }
        char what[96];
        snprintf(what, sizeof(what), "%s of operation %d: %d -> %d", key, i, v, to);
        if (accept_edit(c, &x, max_preempt, what)) {
            changed = 1;
            v = to;
            to = v / 2;
        } else {
            /* 1 did not hold: half-way (when that is more than 1); a
             * half that did not: stop */
            to = to == 1 && v / 2 > 1 ? v / 2 : 0;
        }
    }
    return changed;
}

/* Lowers the counts of every operation (loops, pool workers, runs). */
static int lower_counts(mz_ctx *c, int max_preempt)
{
    static const char *const keys[] = {"loop", "workers", "runs"};
    int changed = 0;
    for (int i = 0; i < prog_op_count(c->cur.prog) && !c->internal; i++)
        for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
            changed |= lower_count(c, i, keys[k], max_preempt);
    return changed;
}

static void minimize_program(mz_ctx *c, int max_preempt)
{
    for (int pass = 0; pass < 4 && c->runs < c->max_runs && !c->internal; pass++) {
        int changed = drop_ops(c, max_preempt);
        changed |= drop_body_ops(c, max_preempt);
        changed |= lower_counts(c, max_preempt);
        if (!changed)
            break;
    }
}

/* ---- phase 2: preemptions ------------------------------------------------------ */

/* The index each decision of trace t picked among its runnable slots,
 * under the bytes strategy over sched[0..len): the byte's, then the
 * PRNG's (seeded from the seed and the input length, as strategy_bytes.c
 * does). malloc'd. */
static int *picked_indices(const mz_trace *t, const uint8_t *sched, size_t len)
{
    int *idx = malloc((t->len ? t->len : 1) * sizeof(int));
    if (!idx)
        return NULL;
    uint64_t prng = t->seed ^ ((uint64_t)len * 0x9e3779b97f4a7c15ULL);
    for (size_t i = 0; i < t->len; i++)
        idx[i] = i < len ? sched[i] % t->n[i]
                         : (int)sched_prng_below(&prng, (uint64_t)t->n[i]);
    return idx;
}

/* The bytes after a changed decision: what changing one decision does
 * to the rest of the run is not known before it runs, so three guesses. */
enum {
    TAIL_KEEP,  /* the schedule bytes after it as they are */
    TAIL_PICKS, /* up to the cap: what the last run picked there */
    TAIL_ZEROS, /* up to the cap: zeros (the lowest runnable slot) */
    TAIL_MODES,
};

/* Candidate schedule bytes into b (room for cap): decision i picks index
 * g, the decisions before it are spelled out as they were (idx: what the
 * last run picked), the ones after it as mode says. Returns the length. */
static size_t keep_bytes(const mz_ctx *c, const int *idx, size_t i, int g, int mode, size_t cap,
                         uint8_t *b)
{
    const mz_trace *t = &c->tr;
    size_t len = mode == TAIL_KEEP ? (i + 1 > c->cur.nsched ? i + 1 : c->cur.nsched) : cap;
    if (len > cap)
        len = cap;
    for (size_t k = 0; k < len; k++) {
        if (k < i)
            b[k] = k < c->cur.nsched ? c->cur.sched[k] : (uint8_t)idx[k];
        else if (k == i)
            b[k] = (uint8_t)g;
        else if (mode == TAIL_KEEP)
            b[k] = c->cur.sched[k];
        else if (mode == TAIL_PICKS)
            b[k] = k < c->cur.nsched ? c->cur.sched[k] : k < t->len ? (uint8_t)idx[k] : 0;
        else
            b[k] = 0;
    }
    return len;
}

/* Makes decision i of the current run keep its thread: tries each index
 * the current thread can have among the runnable slots, with each tail.
 * 1 when a candidate was accepted. */
static int keep_thread_at(mz_ctx *c, size_t i, size_t cap)
{
    const mz_trace *t = &c->tr;
    int n = t->n[i], cur = t->cur[i], before = t->preemptions;
    int *idx = picked_indices(t, c->cur.sched, c->cur.nsched);
    uint8_t *b = malloc(cap + 1), *prev = malloc(cap + 1);
    if (!idx || !b || !prev) {
        free(idx);
        free(b);
        free(prev);
        c->internal = 1;
        return 0;
    }
    /* runnable slots are distinct and ascending: cur's index is at most
     * cur, leaves room for the slots above it, and lies on the chosen
     * slot's side */
    int lo = n - 1 - (t->max_slot - cur), hi = cur < n - 1 ? cur : n - 1;
    if (lo < 0)
        lo = 0;
    if (t->chosen[i] < cur)
        lo = lo > idx[i] + 1 ? lo : idx[i] + 1;
    else
        hi = hi < idx[i] - 1 ? hi : idx[i] - 1;
    int accepted = 0;
    size_t nprev = (size_t)-1;
    for (int g = lo; g <= hi && !accepted; g++)
        for (int mode = 0; mode < TAIL_MODES && !accepted && c->runs < c->max_runs; mode++) {
            size_t len = keep_bytes(c, idx, i, g, mode, cap, b);
            /* a tail that gives the bytes the last guess gave: no run */
            if (len == nprev && memcmp(b, prev, len) == 0)
                continue;
            memcpy(prev, b, len);
            nprev = len;
            mz_cand x;
            if (cand_with(&c->cur, b, len, &x) < 0) {
                c->internal = 1;
                break;
            }
            char what[128];
            snprintf(what, sizeof(what), "decision %zu keeps its thread", i + 1);
            /* a run that loses the signature leaves no schedule to tell
             * whether g was the thread's index: the next one is tried */
            accepted = accept(c, &x, before - 1, what);
        }
    free(prev);
    free(b);
    free(idx);
    return accepted;
}

static void minimize_preemptions(mz_ctx *c)
{
    size_t plen = program_len(&c->cur);
    size_t cap = c->max_len > plen ? c->max_len - plen : 0;
    /* whole-schedule candidates first: all zeros, as long as allowed and as
     * long as now (zeros pick the lowest slot, the main thread first) */
    size_t lens[2] = {cap, c->cur.nsched};
    for (int k = 0; k < 2 && c->tr.preemptions > 0; k++) {
        if (k == 1 && lens[1] == lens[0])
            break;
        size_t nz = 0;
        while (nz < c->cur.nsched && c->cur.sched[nz] == 0)
            nz++;
        if (lens[k] == c->cur.nsched && nz == c->cur.nsched)
            continue; /* zeros already */
        uint8_t *z = calloc(lens[k] ? lens[k] : 1, 1);
        mz_cand x;
        if (!z || cand_with(&c->cur, z, lens[k], &x) < 0) {
            free(z);
            c->internal = 1;
            return;
        }
        free(z);
        accept(c, &x, c->tr.preemptions - 1, "schedule bytes zeroed");
    }
    /* then one decision at a time, first to last, as passes until none
     * changes */
    for (int progress = 1; progress && c->runs < c->max_runs && !c->internal;) {
        progress = 0;
        for (size_t i = 0; i < c->tr.len && i < cap && c->runs < c->max_runs && !c->internal;
             i++) {
            if (c->tr.cur[i] < 0 || c->tr.chosen[i] == c->tr.cur[i])
                continue;
            if (keep_thread_at(c, i, cap))
                progress = 1;
        }
    }
}

/* ---- phase 3: bytes ---------------------------------------------------------- */

static void minimize_bytes(mz_ctx *c)
{
    /* trailing bytes: all of them, then halves, quarters, ... */
    for (size_t k = c->cur.nsched; k >= 1 && c->runs < c->max_runs && !c->internal;) {
        mz_cand x;
        if (cand_with(&c->cur, c->cur.sched, c->cur.nsched - k, &x) < 0) {
            c->internal = 1;
            return;
        }
        char what[96];
        snprintf(what, sizeof(what), "dropped %zu trailing schedule byte%s", k, k > 1 ? "s" : "");
        if (!accept(c, &x, c->tr.preemptions, what))
            k /= 2;
        else if (k > c->cur.nsched)
            k = c->cur.nsched;
    }
    /* other chunks, from the end backwards */
    for (size_t k = c->cur.nsched / 2; k >= 1 && c->runs < c->max_runs && !c->internal;
         k /= 2) {
        for (size_t s = c->cur.nsched >= k ? c->cur.nsched - k + 1 : 0; s-- > 0;) {
            if (c->runs >= c->max_runs || c->internal || s + k > c->cur.nsched)
                continue;
            size_t n = c->cur.nsched - k;
            uint8_t *b = malloc(n ? n : 1);
            if (!b) {
                c->internal = 1;
                return;
            }
            memcpy(b, c->cur.sched, s);
            memcpy(b + s, c->cur.sched + s + k, c->cur.nsched - s - k);
            mz_cand x;
            int ok = cand_with(&c->cur, b, n, &x);
            free(b);
            if (ok < 0) {
                c->internal = 1;
                return;
            }
            char what[96];
            snprintf(what, sizeof(what), "dropped schedule bytes %zu..%zu", s, s + k - 1);
            accept(c, &x, c->tr.preemptions, what);
        }
    }
}

/* ---- the finding directory -------------------------------------------------------- */

/* Reads FINDING/finding.json and schedule.txt: 0, or -1 with a message. */
static int load_finding(mz_ctx *c, char *err, size_t errlen)
{
    char p[PATH_MAX + 32];
    snprintf(p, sizeof(p), "%s/finding.json", c->dir);
    json_error_t jerr;
    json_t *f = json_load_file(p, 0, &jerr);
    if (!f) {
        snprintf(err, errlen, "%s: %s", p, access(p, R_OK) ? strerror(errno) : jerr.text);
        return -1;
    }
    const char *kind = json_string_value(json_object_get(f, "kind"));
    const char *sig = json_string_value(json_object_get(f, "signature"));
    if (!kind || !sig) {
        json_decref(f);
        snprintf(err, errlen, "%s has no kind and signature", p);
        return -1;
    }
    snprintf(c->kind, sizeof(c->kind), "%s", kind);
    snprintf(c->signature, sizeof(c->signature), "%s", sig);
    json_decref(f);
    snprintf(p, sizeof(p), "%s/schedule.txt", c->dir);
    hr_schedule s;
    char e[512];
    if (hr_schedule_read(p, &s, e, sizeof(e)) < 0) {
        snprintf(err, errlen, "%s", e);
        return -1;
    }
    c->program = s.program;
    c->frames = s.frames;
    snprintf(c->host, sizeof(c->host), "%s", s.host);
    /* a script finding runs its script: the recorded one while it is
     * unchanged, else the finding's copy (repro.py) */
    if (!c->program) {
        char h[17];
        if (hr_file_hash(s.script, h) == 0 && strcmp(h, s.script_hash) == 0 &&
            realpath(s.script, c->script))
            ;
        else
            snprintf(c->script, sizeof(c->script), "%s/repro.py", c->dir);
        if (access(c->script, R_OK) != 0) {
            hr_schedule_free(&s);
            snprintf(err, errlen, "cannot read the finding's script '%s'", c->script);
            return -1;
        }
    }
    hr_schedule_free(&s);
    snprintf(p, sizeof(p), "%s/input", c->dir);
    size_t len;
    uint8_t *in = hr_read_file(p, &len, e, sizeof(e));
    if (!in) {
        snprintf(err, errlen, "%s", e);
        return -1;
    }
    c->max_len = len;
    memset(&c->cur, 0, sizeof(c->cur));
    if (c->program) {
        c->cur.prog = prog_new();
        if (!c->cur.prog || hr_program_load(p, c->cur.prog, e, sizeof(e)) < 0) {
            free(in);
            snprintf(err, errlen, "%s", e);
            return -1;
        }
        /* text-form inputs count as their bytes */
        c->max_len = prog_encode(c->cur.prog, NULL, 0);
        size_t n;
        const uint8_t *sb = prog_schedule(c->cur.prog, &n);
        c->cur.sched = malloc(n ? n : 1);
        if (c->cur.sched && n)
            memcpy(c->cur.sched, sb, n);
        c->cur.nsched = n;
        free(in);
    } else {
        c->cur.sched = in;
        c->cur.nsched = len;
    }
    return c->cur.sched ? 0 : -1;
}

/* repro.py: the code, then the trailer `hostrace run` reads (hostrace run
 * --help): it runs as the finding ran. */
static int write_repro(const mz_ctx *c, const char *path)
{
    char *code = c->program ? hr_program_python(c->cur.prog) : hr_script_code(c->script);
    const char *base = strrchr(c->script, '/');
    int rc = code ? hr_write_repro(path, code,
                                   c->program ? "program.py" : base ? base + 1 : c->script,
                                   c->program, c->host, c->frames, c->cur.sched, c->cur.nsched)
                  : -1;
    free(code);
    return rc;
}

/* Copies the files of a saved run into the result and writes the rest. */
static int write_result(mz_ctx *c)
{
    char p[PATH_MAX + 64], q[PATH_MAX + 64];
    static const char *const saved_files[] = {"schedule.txt", "report.txt", "finding.json"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(p, sizeof(p), "%s/%s", c->saved, saved_files[i]);
        snprintf(q, sizeof(q), "%s/%s", c->out, saved_files[i]);
        if (hr_copy_file(p, q) < 0)
            return -1;
    }
    snprintf(p, sizeof(p), "%s/repro.py", c->out);
    if (write_repro(c, p) < 0)
        return -1;
    snprintf(p, sizeof(p), "%s/replay.sh", c->out);
    FILE *f = fopen(p, "w");
    if (!f)
        return -1;
    fprintf(f,
            "#!/bin/sh\n"
            "# replays this finding's interleaving (HOSTRACE= another hostrace)\n"
            "exec \"${HOSTRACE:-%s}\" replay \"$(dirname \"$0\")/schedule.txt\" --script "
            "\"$(dirname \"$0\")/%s\" \"$@\"\n",
            c->self, c->program ? "input" : "repro.py");
    if (fclose(f) != 0 || chmod(p, 0755) != 0)
        return -1;
    snprintf(p, sizeof(p), "%s/inputs.txt", c->out);
    f = fopen(p, "w");
    if (!f)
        return -1;
    fprintf(f, "%s/input\n", c->dir);
    return fclose(f) == 0 ? 0 : -1;
}

/* Writes OUT/input and re-runs it from there, so that the schedule and
 * report name the result's own input; then the rest of the result. */
static int finish(mz_ctx *c)
{
    if (hr_mkdirs(c->out) < 0) {
        fprintf(stderr, "hostrace minimize: cannot create '%s': %s\n", c->out, strerror(errno));
        return -1;
    }
    char p[PATH_MAX + 32], rdir[PATH_MAX + 32];
    snprintf(p, sizeof(p), "%s/input", c->out);
    snprintf(rdir, sizeof(rdir), "%s/final", c->tmp);
    size_t len;
    uint8_t *b = cand_bytes(&c->cur, &len);
    if (!b || write_bytes(p, b, len) < 0) {
        free(b);
        return -1;
    }
    free(b);
    if (run_input(c, p, rdir, c->saved, sizeof(c->saved)) != 1) {
        fprintf(stderr, "hostrace minimize: the result did not show the signature when run "
                        "from '%s'\n", p);
        return -1;
    }
    return write_result(c);
}

/* ---- the command ---------------------------------------------------------------- */

typedef struct mz_figures {
    int ops, threads, preemptions, runs;
    size_t bytes;
} mz_figures;

static mz_figures figures(const mz_ctx *c)
{
    mz_figures f = {c->cur.prog ? prog_op_count(c->cur.prog) : 0, c->tr.threads,
                    c->tr.preemptions, c->runs, cand_len(&c->cur)};
    return f;
}

static json_t *figures_json(const mz_figures *f)
{
    return json_pack("{s:i, s:i, s:i, s:I}", "ops", f->ops, "threads", f->threads, "preemptions",
                     f->preemptions, "bytes", (json_int_t)f->bytes);
}

static int parse_opts(int argc, char **argv, mz_ctx *c, const char **out, int *json)
{
    enum { O_OUT = 1, O_RUNS, O_TIMEOUT, O_JSON, O_HELP };
    static const struct option longopts[] = {{"out", required_argument, NULL, O_OUT},
                                             {"max-runs", required_argument, NULL, O_RUNS},
                                             {"timeout", required_argument, NULL, O_TIMEOUT},
                                             {"json", no_argument, NULL, O_JSON},
                                             {"help", no_argument, NULL, O_HELP},
                                             {NULL, 0, NULL, 0}};
    opterr = 0;
    optind = 1;
    int o;
    while ((o = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        long v = 0;
        switch (o) {
        case O_OUT:
            *out = optarg;
            break;
        case O_RUNS:
            if (hr_parse_range("minimize", "max-runs", optarg, 1, 1000000, &v) < 0)
                return CLI_EXIT_USAGE;
            c->max_runs = (int)v;
            break;
        case O_TIMEOUT:
            if (hr_parse_range("minimize", "timeout", optarg, 1, 86400, &v) < 0)
                return CLI_EXIT_USAGE;
            c->timeout = (int)v;
            break;
        case O_JSON:
            *json = 1;
            break;
        case 'h':
        case O_HELP:
            fputs(usage, stdout);
            return -1;
        default:
            fprintf(stderr, "hostrace minimize: unknown or incomplete option '%s' (try "
                            "'hostrace minimize --help')\n", argv[optind - 1]);
            return CLI_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "hostrace minimize: missing FINDING_DIR (try 'hostrace minimize "
                        "--help')\n");
        return CLI_EXIT_USAGE;
    }
    if (argc - optind > 1) {
        fprintf(stderr, "hostrace minimize: unexpected argument '%s'\n", argv[optind + 1]);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

/* Where things are: the finding, the result (never the finding itself),
 * this executable and a scratch directory. */
static int setup_paths(mz_ctx *c, const char *finding, const char *out)
{
    struct stat st;
    if (!realpath(finding, c->dir) || stat(c->dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "hostrace minimize: '%s' is not a directory\n", finding);
        return CLI_EXIT_USAGE;
    }
    char def[PATH_MAX + 16];
    snprintf(def, sizeof(def), "%s/minimized", c->dir);
    if (!out)
        out = def;
    /* created only once there is a result: an absolute path for now */
    char cwd[PATH_MAX];
    if (!realpath(out, c->out)) {
        if (out[0] != '/' && !getcwd(cwd, sizeof(cwd))) {
            fprintf(stderr, "hostrace minimize: cannot resolve '%s'\n", out);
            return CLI_EXIT_USAGE;
        }
        if ((size_t)snprintf(c->out, sizeof(c->out), "%s%s%s", out[0] == '/' ? "" : cwd,
                             out[0] == '/' ? "" : "/", out) >= sizeof(c->out)) {
            fprintf(stderr, "hostrace minimize: --out path too long\n");
            return CLI_EXIT_USAGE;
        }
    }
    if (strcmp(c->out, c->dir) == 0) {
        fprintf(stderr, "hostrace minimize: --out must not be the finding's own directory\n");
        return CLI_EXIT_USAGE;
    }
    ssize_t sl = readlink("/proc/self/exe", c->self, sizeof(c->self) - 1);
    if (sl <= 0) {
        fprintf(stderr, "hostrace minimize: internal error: cannot find this executable\n");
        return CLI_EXIT_INTERNAL;
    }
    c->self[sl] = 0;
    snprintf(c->tmp, sizeof(c->tmp), "/tmp/hostrace-minimize-XXXXXX");
    if (!mkdtemp(c->tmp)) {
        fprintf(stderr, "hostrace minimize: internal error: mkdtemp: %s\n", strerror(errno));
        return CLI_EXIT_INTERNAL;
    }
    return 0;
}

static void print_result(const mz_ctx *c, const mz_figures *before, const mz_figures *after,
                         int json)
{
    if (json) {
        json_t *o = json_object();
        json_object_set_new(o, "kind", json_string(c->kind));
        json_object_set_new(o, "signature", json_string(c->signature));
        json_object_set_new(o, "program", json_boolean(c->program));
        json_object_set_new(o, "before", figures_json(before));
        json_object_set_new(o, "after", figures_json(after));
        json_object_set_new(o, "runs", json_integer(c->runs));
        /* the runs whose schedules the shared server ran (the others
         * started a server of their own) */
        json_object_set_new(o, "shared_server_runs", json_integer(c->served));
        json_object_set_new(o, "out", json_string(c->out));
        char *s = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS);
        if (s)
            puts(s);
        free(s);
        json_decref(o);
        return;
    }
    printf("hostrace minimize: %s %s still shows after %d run%s\n", c->kind, c->signature,
           c->runs, c->runs == 1 ? "" : "s");
    if (c->program)
        printf("  operations   %3d -> %d\n", before->ops, after->ops);
    printf("  threads      %3d -> %d\n  preemptions  %3d -> %d\n  input bytes  %3zu -> %zu\n",
           before->threads, after->threads, before->preemptions, after->preemptions,
           before->bytes, after->bytes);
    printf("  result: %s (replay: %s/replay.sh)\n", c->out, c->out);
}

/* Stops the runs' schedule server and removes the scratch directory. */
static void cleanup(mz_ctx *c)
{
    if (c->server > 0)
        cli_shared_server_stop(c->server);
    c->server = -1;
    hr_remove_tree(c->tmp);
}

int cli_minimize(int argc, char **argv)
{
    static mz_ctx ctx;
    mz_ctx *c = &ctx;
    memset(c, 0, sizeof(*c));
    c->max_runs = 300;
    c->timeout = 120;
    const char *out = NULL;
    int json = 0;
    int rc = parse_opts(argc, argv, c, &out, &json);
    if (rc)
        return rc < 0 ? CLI_EXIT_CLEAN : rc;
    char err[1024];
    const char *finding = argv[optind];
    struct stat st;
    char fj[PATH_MAX + 32];
    snprintf(fj, sizeof(fj), "%s/finding.json", finding);
    if (stat(finding, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "hostrace minimize: '%s' is not a directory\n", finding);
        return CLI_EXIT_USAGE;
    }
    if (access(fj, R_OK) != 0) {
        fprintf(stderr, "hostrace minimize: '%s' is not a finding directory (no finding.json)\n",
                finding);
        return CLI_EXIT_USAGE;
    }
    snprintf(c->dir, sizeof(c->dir), "%s", finding);
    if (load_finding(c, err, sizeof(err)) < 0) {
        fprintf(stderr, "hostrace minimize: %s\n", err);
        return CLI_EXIT_USAGE;
    }
    if ((rc = setup_paths(c, finding, out)) != 0)
        return rc;
    /* the finding as it is */
    mz_cand x;
    if (cand_copy(&c->cur, &x) < 0) {
        cleanup(c);
        return CLI_EXIT_INTERNAL;
    }
    int r = try_cand(c, &x, &c->tr, c->saved, sizeof(c->saved));
    cand_free(&x);
    if (r != 1) {
        cleanup(c);
        if (r < 0) {
            fprintf(stderr, "hostrace minimize: internal error while running the finding\n");
            return CLI_EXIT_INTERNAL;
        }
        fprintf(stderr, "hostrace minimize: the finding does not reproduce: %s %s does not "
                        "show when its input is run again\n", c->kind, c->signature);
        return CLI_EXIT_FINDINGS;
    }
    mz_figures before = figures(c);
    status_line(c, "the finding reproduces");
    if (c->program)
        minimize_program(c, before.preemptions);
    if (!c->internal)
        minimize_preemptions(c);
    if (!c->internal)
        minimize_bytes(c);
    mz_figures after = figures(c);
    if (c->internal || finish(c) < 0) {
        cleanup(c);
        fprintf(stderr, "hostrace minimize: internal error while writing '%s'\n", c->out);
        return CLI_EXIT_INTERNAL;
    }
    after.runs = c->runs;
    cleanup(c);
    print_result(c, &before, &after, json);
    cand_free(&c->cur);
    trace_free(&c->tr);
    return CLI_EXIT_CLEAN;
}
