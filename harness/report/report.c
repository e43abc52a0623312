/* report: the list of findings, signatures, and the text listing. */
#include "report.h"
#include "report_internal.h"
#include "tsan/annotate.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

static const struct {
    const char *id;
    report_severity sev;
} kinds[REPORT_KIND_COUNT] = {
    [REPORT_DATA_RACE] = {"data-race", REPORT_ERROR},
    [REPORT_USE_AFTER_FREE] = {"use-after-free", REPORT_ERROR},
    [REPORT_DEADLOCK] = {"deadlock", REPORT_ERROR},
    [REPORT_LOCK_ORDER_INVERSION] = {"lock-order-inversion", REPORT_ERROR},
    [REPORT_ASSERTION] = {"assertion", REPORT_ERROR},
    [REPORT_HANG] = {"hang", REPORT_ERROR},
    [REPORT_BLOCKED_OUTSIDE_SCHEDULER] = {"blocked-outside-scheduler", REPORT_ERROR},
    [REPORT_INVARIANT_BROKEN] = {"invariant-broken", REPORT_ERROR},
    [REPORT_SCRIPT_ERROR] = {"script-error", REPORT_ERROR},
    [REPORT_THREAD_OUTLIVES_SCRIPT] = {"thread-outlives-script", REPORT_WARNING},
    [REPORT_OPERATOR_REFUSED] = {"operator-refused", REPORT_WARNING},
    [REPORT_UNSUPPORTED_API] = {"unsupported-api", REPORT_WARNING},
    [REPORT_FORK_WITH_THREADS] = {"fork-with-threads", REPORT_WARNING},
    [REPORT_CRASH] = {"crash", REPORT_ERROR},
    [REPORT_PROCESS_KILLED] = {"process-killed", REPORT_ERROR},
    [REPORT_PROCESS_EXIT] = {"process-exit", REPORT_WARNING},
};

const char *report_kind_id(report_kind k)
{
    return (unsigned)k < REPORT_KIND_COUNT ? kinds[k].id : "unknown";
}

report_severity report_kind_severity(report_kind k)
{
    return (unsigned)k < REPORT_KIND_COUNT ? kinds[k].sev : REPORT_ERROR;
}

int report_kind_parse(const char *id, report_kind *out)
{
    for (int k = 0; k < REPORT_KIND_COUNT; k++)
        if (strcmp(kinds[k].id, id) == 0) {
            *out = (report_kind)k;
            return 0;
        }
    return -1;
}

#define REPORT_MAX_FINDINGS 256

static report_finding g_findings[REPORT_MAX_FINDINGS];
static int g_nfindings;
static int g_dropped;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

/* The findings list is harness bookkeeping: hidden from TSan so that adding
 * a finding from two threads does not order them. */
static void lock(void)
{
    HR_TSAN_IGNORE_BEGIN();
    pthread_mutex_lock(&g_lock);
}

static void unlock(void)
{
    pthread_mutex_unlock(&g_lock);
    HR_TSAN_IGNORE_END();
}

static const char *basename_of(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

void report_access_key(const report_access *a, char *out, size_t len)
{
    if (a->py_file[0])
        snprintf(out, len, "%s@%s:%d", a->site, basename_of(a->py_file), a->py_line);
    else
        snprintf(out, len, "%s", a->site);
}

static char g_generated[64];

void report_set_generated_source(const char *name)
{
    lock();
    snprintf(g_generated, sizeof(g_generated), "%s", name ? name : "");
    unlock();
}

int report_is_generated(const char *file)
{
    return g_generated[0] && strcmp(basename_of(file), g_generated) == 0;
}

/* key without the line numbers of generated source: every "NAME:123"
 * becomes "NAME" */
void report_strip_generated(const char *key, char *out, size_t len)
{
    size_t n = strlen(g_generated), o = 0;
    for (const char *p = key; *p && o + 1 < len;) {
        if (n && strncmp(p, g_generated, n) == 0 && p[n] == ':' && p[n + 1] >= '0' &&
            p[n + 1] <= '9') {
            for (size_t i = 0; i < n && o + 1 < len; i++)
                out[o++] = p[i];
            p += n + 1;
            while (*p >= '0' && *p <= '9')
                p++;
            continue;
        }
        out[o++] = *p++;
    }
    out[o] = 0;
}

void report_order_accesses(report_finding *f)
{
    if (f->nacc != 2)
        return;
    char ka[256], kb[256];
    report_access_key(&f->acc[0], ka, sizeof(ka));
    report_access_key(&f->acc[1], kb, sizeof(kb));
    if (strcmp(ka, kb) > 0) {
        report_access t = f->acc[0];
        f->acc[0] = f->acc[1];
        f->acc[1] = t;
    }
}

void report_access_message(report_finding *f, const char *what)
{
    const report_access *x = &f->acc[0];
    const report_access *y = f->nacc > 1 ? &f->acc[1] : NULL;
    if (y)
        snprintf(f->message, sizeof(f->message), "%s: %s %s in '%s' (%s) vs %s %s in '%s' (%s)",
                 what, x->is_write ? "write" : "read", x->site, x->thread, x->role,
                 y->is_write ? "write" : "read", y->site, y->thread, y->role);
    else
        snprintf(f->message, sizeof(f->message), "%s: %s %s in '%s' (%s)", what,
                 x->is_write ? "write" : "read", x->site, x->thread, x->role);
}

static void compute_signature(report_finding *f)
{
    if (!f->key_a[0] && f->nacc > 0)
        report_access_key(&f->acc[0], f->key_a, sizeof(f->key_a));
    if (!f->key_b[0] && f->nacc > 1)
        report_access_key(&f->acc[1], f->key_b, sizeof(f->key_b));
    char ka[sizeof(f->key_a)], kb[sizeof(f->key_b)];
    report_strip_generated(f->key_a, ka, sizeof(ka));
    report_strip_generated(f->key_b, kb, sizeof(kb));
    report_pair_hash(report_kind_id(f->kind), NULL, ka, kb, f->signature);
}

void report_pair_hash(const char *tag_a, const char *tag_b, const char *a, const char *b,
                      char out[17])
{
    /* unordered pair: sort the two keys */
    if (strcmp(a, b) > 0) {
        const char *t = a;
        a = b;
        b = t;
    }
    XXH64_state_t *st = XXH64_createState();
    if (!st) {
        snprintf(out, 17, "0000000000000000");
        return;
    }
    XXH64_reset(st, 0);
    XXH64_update(st, tag_a, strlen(tag_a) + 1);
    if (tag_b)
        XXH64_update(st, tag_b, strlen(tag_b) + 1);
    XXH64_update(st, a, strlen(a) + 1);
    XXH64_update(st, b, strlen(b) + 1);
    snprintf(out, 17, "%016llx", (unsigned long long)XXH64_digest(st));
    XXH64_freeState(st);
}

/* Adds f, or merges it into the finding with its signature; count is
 * added (f->count, at least 1). Returns the finding's index, or -1 when the
 * list is full; *is_new tells whether it was new. */
static int add_counted(const report_finding *in, int count, int *is_new)
{
    report_finding f = *in;
    compute_signature(&f);
    if (count < 1)
        count = 1;
    *is_new = 0;
    lock();
    for (int i = 0; i < g_nfindings; i++)
        if (strcmp(g_findings[i].signature, f.signature) == 0) {
            g_findings[i].count += count;
            g_findings[i].found_by |= f.found_by;
            unlock();
            return i;
        }
    int idx = -1;
    if (g_nfindings < REPORT_MAX_FINDINGS) {
        f.count = count;
        idx = g_nfindings;
        g_findings[g_nfindings++] = f;
        *is_new = 1;
    } else {
        g_dropped++;
    }
    unlock();
    return idx;
}

void report_add(const report_finding *in)
{
    int is_new;
    add_counted(in, 1, &is_new);
}

int report_merge(const report_finding *f, int *is_new) { return add_counted(f, f->count, is_new); }

static void vaddf(const char *thread, const char *role, report_kind kind, const char *key_a,
                  const char *key_b, const char *detail, const char *fmt, va_list ap)
{
    report_finding *f = calloc(1, sizeof(*f));
    if (!f)
        return;
    f->kind = kind;
    vsnprintf(f->message, sizeof(f->message), fmt, ap);
    snprintf(f->key_a, sizeof(f->key_a), "%s", key_a ? key_a : "");
    snprintf(f->key_b, sizeof(f->key_b), "%s", key_b ? key_b : "");
    if (detail)
        snprintf(f->detail, sizeof(f->detail), "%s", detail);
    if (thread) {
        snprintf(f->thread, sizeof(f->thread), "%s", thread);
        snprintf(f->role, sizeof(f->role), "%s", role ? role : "unknown");
    }
    report_add(f);
    free(f);
}

void report_addf(report_kind kind, const char *key_a, const char *key_b, const char *detail,
                 const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vaddf(NULL, NULL, kind, key_a, key_b, detail, fmt, ap);
    va_end(ap);
}

void report_addf_thread(const char *thread, const char *role, report_kind kind,
                        const char *key_a, const char *key_b, const char *detail,
                        const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vaddf(thread, role, kind, key_a, key_b, detail, fmt, ap);
    va_end(ap);
}

int report_count(void)
{
    lock();
    int n = g_nfindings;
    unlock();
    return n;
}

int report_get(int i, report_finding *out)
{
    lock();
    int ok = i >= 0 && i < g_nfindings;
    if (ok)
        *out = g_findings[i];
    unlock();
    return ok ? 0 : -1;
}

int report_error_count(void)
{
    int n = 0;
    lock();
    for (int i = 0; i < g_nfindings; i++)
        if (report_kind_severity(g_findings[i].kind) == REPORT_ERROR)
            n++;
    unlock();
    return n;
}

void report_clear(void)
{
    lock();
    g_nfindings = 0;
    g_dropped = 0;
    unlock();
}

static void print_access(FILE *out, const char *label, const report_access *a)
{
    fprintf(out, "    %s: %s of %d bytes at %s by thread '%s' (%s)\n", label,
            a->is_write ? "write" : "read", a->size, a->site, a->thread, a->role);
    if (a->has_step)
        fprintf(out, "      at step %llu of the interleaving\n", (unsigned long long)a->step);
    if (a->py_file[0])
        fprintf(out, "      python: %s:%d%s%s%s\n", a->py_file, a->py_line,
                a->call[0] ? ", in bpy call " : "", a->call,
                a->delegated ? " (this host thread works for that call of a Python thread)"
                             : "");
    for (int i = 0; i < a->nframes; i++)
        fprintf(out, "      #%d %s %s:%d\n", i, a->frames[i].func, a->frames[i].file,
                a->frames[i].line);
}

const char *report_found_by_id(unsigned found_by)
{
    switch (found_by) {
    case REPORT_BY_TSAN:
        return "tsan";
    case REPORT_BY_HOSTRACE:
        return "hostrace";
    case REPORT_BY_TSAN | REPORT_BY_HOSTRACE:
        return "both";
    default:
        return "none";
    }
}

void report_print_finding(FILE *out, const report_finding *f)
{
    fprintf(out, "%s [%s] %s: %s",
            report_kind_severity(f->kind) == REPORT_ERROR ? "ERROR" : "WARNING", f->signature,
            report_kind_id(f->kind), f->message);
    if (f->count > 1)
        fprintf(out, " (seen %d times)", f->count);
    fputc('\n', out);
    if (f->found_by)
        fprintf(out, "    found by: %s\n",
                f->found_by == REPORT_BY_TSAN       ? "TSan"
                : f->found_by == REPORT_BY_HOSTRACE ? "hostrace's happens-before detector"
                                                    : "TSan and hostrace's detector (confirmed)");
    for (int k = 0; k < f->nacc; k++)
        print_access(out, k == 0 ? "access" : "other access", &f->acc[k]);
    if (!f->nacc && f->thread[0])
        fprintf(out, "    thread: '%s' (%s)\n", f->thread, f->role);
    if (f->detail[0]) {
        const char *p = f->detail;
        while (*p) {
            const char *nl = strchr(p, '\n');
            int len = nl ? (int)(nl - p) : (int)strlen(p);
            fprintf(out, "    | %.*s\n", len, p);
            p += len + (nl ? 1 : 0);
        }
    }
}

void report_print_text(FILE *out)
{
    report_finding *f = malloc(sizeof(*f));
    if (!f)
        return;
    int n = report_count();
    for (int i = 0; i < n; i++) {
        if (report_get(i, f) != 0)
            break;
        report_print_finding(out, f);
    }
    lock();
    int dropped = g_dropped;
    unlock();
    if (dropped)
        fprintf(out, "WARNING: %d more distinct findings were not kept (limit %d)\n", dropped,
                REPORT_MAX_FINDINGS);
    free(f);
}
