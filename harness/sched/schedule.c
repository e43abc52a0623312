/* Schedule files: writing and strict reading (see schedule.h). */
#include "schedule.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

/* The file's first limit bytes (SIZE_MAX: all). It reads to the end
 * either way: a run hashes its script on its own thread, and the same
 * reads for a script and for its repro.py keep their counts of TSan
 * events equal (docs/design-notes.md, "Which race TSan reports"). */
static int hash_file_into(XXH64_state_t *st, const char *path, size_t limit)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char buf[65536];
    size_t n, at = 0;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
        if (at < limit)
            XXH64_update(st, buf, limit - at < n ? limit - at : n);
        at += n;
    }
    int bad = ferror(f);
    fclose(f);
    return bad ? -1 : 0;
}

static int cmp_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* A folder's files in name order: each one's path below root and bytes. */
static int hash_tree_into(XXH64_state_t *st, const char *dir, const char *rel, int depth)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, cmp_name);
    if (n < 0)
        return -1;
    int bad = 0;
    for (int i = 0; i < n; i++) {
        const char *e = names[i]->d_name;
        if (!bad && strcmp(e, ".") != 0 && strcmp(e, "..") != 0 &&
            strcmp(e, "__pycache__") != 0 && depth < 16) {
            char path[4096], sub[4096];
            struct stat sb;
            snprintf(path, sizeof(path), "%s/%s", dir, e);
            snprintf(sub, sizeof(sub), "%s%s%s", rel, rel[0] ? "/" : "", e);
            if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
                bad = hash_tree_into(st, path, sub, depth + 1) < 0;
            } else if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
                XXH64_update(st, sub, strlen(sub) + 1);
                bad = hash_file_into(st, path, SIZE_MAX) < 0;
            }
        }
        free(names[i]);
    }
    free(names);
    return bad ? -1 : 0;
}

int hr_file_hash(const char *path, char out[17])
{
    return hr_file_hash_prefix(path, SIZE_MAX, out);
}

int hr_file_hash_prefix(const char *path, size_t limit, char out[17])
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return -1;
    XXH64_state_t *st = XXH64_createState();
    XXH64_reset(st, 0);
    int bad = S_ISDIR(sb.st_mode) ? hash_tree_into(st, path, "", 0) : hash_file_into(st, path, limit);
    snprintf(out, 17, "%016llx", (unsigned long long)XXH64_digest(st));
    XXH64_freeState(st);
    return bad;
}

/* Output through a buffer on the stack and write(2): no allocation, so a
 * crashed run whose heap is corrupted can still write its schedule. */
typedef struct fdbuf {
    int fd;
    int failed;
    size_t len;
    char buf[8192]; /* longer than any line: a path, a label and numbers */
} fdbuf;

static void fd_flush(fdbuf *o)
{
    size_t off = 0;
    while (off < o->len && !o->failed) {
        ssize_t w = write(o->fd, o->buf + off, o->len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            o->failed = 1;
        else
            off += (size_t)w;
    }
    o->len = 0;
}

static void fd_printf(fdbuf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fd_printf(fdbuf *o, const char *fmt, ...)
{
    if (o->failed)
        return;
    for (int attempt = 0; attempt < 2; attempt++) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(o->buf + o->len, sizeof(o->buf) - o->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            o->failed = 1;
            return;
        }
        if ((size_t)n < sizeof(o->buf) - o->len) {
            o->len += (size_t)n;
            return;
        }
        if (o->len == 0) { /* longer than the buffer: the file stops before "end" */
            o->failed = 1;
            return;
        }
        fd_flush(o);
    }
}

int hr_schedule_write(int fd, const hr_schedule *s)
{
    fdbuf o;
    o.fd = fd;
    o.failed = 0;
    o.len = 0;
    fd_printf(&o, "hostrace-schedule %d\n", HR_SCHEDULE_VERSION);
    fd_printf(&o, "script %s\n", s->script);
    fd_printf(&o, "script-xxh64 %s\n", s->script_hash);
    if (s->program)
        fd_printf(&o, "program 1\n");
    if (s->addon)
        fd_printf(&o, "addon 1\n");
    if (s->invoke[0])
        fd_printf(&o, "invoke %s\n", s->invoke);
    if (s->explore)
        fd_printf(&o, "explore-ui %d\n", s->explore);
    fd_printf(&o, "strategy %s\n", s->strategy);
    fd_printf(&o, "seed %" PRIu64 "\n", s->seed);
    fd_printf(&o, "pct-depth %d\n", s->pct_depth);
    fd_printf(&o, "pct-steps %" PRIu64 "\n", s->pct_steps);
    fd_printf(&o, "frames %d\n", s->frames);
    fd_printf(&o, "host %s\n", s->host);
    fd_printf(&o, "max-steps %" PRIu64 "\n", s->max_steps);
    fd_printf(&o, "max-vtime-ms %" PRId64 "\n", s->max_vtime_ms);
    fd_printf(&o, "steps %" PRIu64 "\n", s->steps);
    int nt = sched_slot_count();
    for (int i = 0; i < nt; i++)
        fd_printf(&o, "thread %d %s %s\n", i, sched_role_name(sched_slot_role(i)),
                  sched_slot_name(i));
    fd_printf(&o, "decisions %zu\n", s->n);
    for (size_t i = 0; i < s->n; i++) {
        const sched_decision *d = &s->d[i];
        if (d->file)
            fd_printf(&o, "%" PRIu64 " %d %d %d %s @%s:%d\n", d->step, d->current, d->chosen,
                      d->n_enabled, d->label, d->file, d->line);
        else
            fd_printf(&o, "%" PRIu64 " %d %d %d %s\n", d->step, d->current, d->chosen,
                      d->n_enabled, d->label);
    }
    fd_printf(&o, "end\n");
    fd_flush(&o);
    return o.failed ? -1 : 0;
}

static char *keep(hr_schedule *s, const char *text, size_t len)
{
    if (s->nstrings % 256 == 0) {
        char **ns = realloc(s->strings, (s->nstrings + 256) * sizeof(*ns));
        if (!ns)
            return NULL;
        s->strings = ns;
    }
    char *c = malloc(len + 1);
    if (!c)
        return NULL;
    memcpy(c, text, len);
    c[len] = '\0';
    s->strings[s->nstrings++] = c;
    return c;
}

void hr_schedule_free(hr_schedule *s)
{
    for (size_t i = 0; i < s->nstrings; i++)
        free(s->strings[i]);
    free(s->strings);
    free(s->d);
    memset(s, 0, sizeof(*s));
}

/* One line without its newline; 0 at end of file. *cut: the file ended
 * inside the line (no newline). */
static int read_line(FILE *f, char **buf, size_t *cap, size_t *len, int *cut)
{
    ssize_t n = getline(buf, cap, f);
    if (n < 0)
        return 0;
    *cut = n == 0 || (*buf)[n - 1] != '\n';
    while (n > 0 && ((*buf)[n - 1] == '\n' || (*buf)[n - 1] == '\r'))
        (*buf)[--n] = '\0';
    *len = (size_t)n;
    return 1;
}

/* Text from a file, for a message: at most 60 characters, control and
 * non-ASCII bytes as \xNN (a garbage file must not reach the terminal). */
static const char *shown(const char *s)
{
    static char bufs[2][256]; /* two in one message */
    static int next;
    char *out = bufs[next++ & 1];
    const size_t outlen = sizeof(bufs[0]);
    size_t o = 0;
    for (size_t i = 0; s[i] && o < outlen - 8; i++) {
        unsigned char c = (unsigned char)s[i];
        if (i >= 60) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (c >= 0x20 && c < 0x7f)
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
    }
    out[o] = '\0';
    return out;
}

int hr_parse_u64(const char *v, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 10);
    if (errno || end == v || *end || v[0] == '-')
        return -1;
    *out = x;
    return 0;
}

int hr_schedule_read(const char *path, hr_schedule *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof(*s));
    /* O_NONBLOCK: a FIFO must not block the open; it is refused below */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, errlen, "cannot open schedule '%s': %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "schedule '%s' is not a regular file (%s)", path,
                 S_ISDIR(st.st_mode)    ? "a directory"
                 : S_ISFIFO(st.st_mode) ? "a FIFO"
                 : S_ISCHR(st.st_mode)  ? "a character device"
                 : S_ISBLK(st.st_mode)  ? "a block device"
                 : S_ISSOCK(st.st_mode) ? "a socket"
                                        : "not a file");
        close(fd);
        return -1;
    }
    if (st.st_size > HR_SCHEDULE_MAX_BYTES) {
        snprintf(err, errlen,
                 "schedule '%s' is %lld bytes; hostrace reads schedules of up to %d MiB",
                 path, (long long)st.st_size, HR_SCHEDULE_MAX_BYTES >> 20);
        close(fd);
        return -1;
    }
    FILE *f = fdopen(fd, "r");
    if (!f) {
        snprintf(err, errlen, "cannot open schedule '%s': %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0, len = 0;
    int lineno = 0, ok = 0, have_decisions = 0, cut = 0;
    size_t want = 0;
#define FAIL(...)                                                              \
    do {                                                                       \
        int n_ = snprintf(err, errlen, "%s:%d: ", path, lineno);               \
        if (n_ > 0 && (size_t)n_ < errlen)                                     \
            snprintf(err + n_, errlen - (size_t)n_, __VA_ARGS__);              \
        goto out;                                                              \
    } while (0)
    if (!read_line(f, &line, &cap, &len, &cut)) {
        lineno = 1;
        FAIL("empty file: not a hostrace schedule");
    }
    lineno = 1;
    if (memchr(line, '\0', len) || (cut && strncmp(line, "hostrace-schedule ", 18) != 0))
        FAIL("not a hostrace schedule (it must start with 'hostrace-schedule %d')",
             HR_SCHEDULE_VERSION);
    if (strncmp(line, "hostrace-schedule ", 18) != 0)
        FAIL("not a hostrace schedule (it must start with 'hostrace-schedule %d')",
             HR_SCHEDULE_VERSION);
    uint64_t ver;
    if (hr_parse_u64(line + 18, &ver) < 0 || ver != HR_SCHEDULE_VERSION)
        FAIL("schedule format version '%s' is not supported (this hostrace reads version %d)",
             shown(line + 18), HR_SCHEDULE_VERSION);
    s->version = (int)ver;
    s->pct_depth = 3;
    while (read_line(f, &line, &cap, &len, &cut)) {
        lineno++;
        if (cut)
            FAIL("truncated: the file ends inside line %d", lineno);
        if (memchr(line, '\0', len))
            FAIL("a NUL byte in line %d: not a hostrace schedule", lineno);
        if (have_decisions && s->n < want) {
            if (strcmp(line, "end") == 0)
                FAIL("truncated: %zu of %zu decisions before 'end'", s->n, want);
            unsigned long long step;
            int cur, chosen, n_en, consumed = 0;
            if (sscanf(line, "%llu %d %d %d %n", &step, &cur, &chosen, &n_en, &consumed) != 4 ||
                consumed == 0)
                FAIL("decision %zu is malformed: '%s'", s->n + 1, shown(line));
            const char *label = line + consumed;
            const char *sp = strchr(label, ' ');
            size_t llen = sp ? (size_t)(sp - label) : strlen(label);
            if (llen == 0)
                FAIL("decision %zu has no scheduling point", s->n + 1);
            sched_decision *d = &s->d[s->n];
            d->step = step;
            d->current = cur;
            d->chosen = chosen;
            d->n_enabled = n_en;
            d->label = keep(s, label, llen);
            d->file = NULL;
            d->line = 0;
            if (sp && sp[1] == '@') {
                const char *loc = sp + 2;
                const char *colon = strrchr(loc, ':');
                if (colon) {
                    d->file = keep(s, loc, (size_t)(colon - loc));
                    d->line = atoi(colon + 1);
                }
            }
            if (!d->label)
                FAIL("out of memory");
            s->n++;
            continue;
        }
        if (strcmp(line, "end") == 0) {
            if (!have_decisions)
                FAIL("'end' before the decisions");
            ok = 1;
            break;
        }
        char *sp = strchr(line, ' ');
        if (!sp)
            FAIL("unexpected line '%s'", shown(line));
        *sp = '\0';
        const char *key = line, *v = sp + 1;
        uint64_t u;
        if (strcmp(key, "script") == 0)
            snprintf(s->script, sizeof(s->script), "%s", v);
        else if (strcmp(key, "script-xxh64") == 0)
            snprintf(s->script_hash, sizeof(s->script_hash), "%s", v);
        else if (strcmp(key, "strategy") == 0)
            snprintf(s->strategy, sizeof(s->strategy), "%s", v);
        else if (strcmp(key, "host") == 0)
            snprintf(s->host, sizeof(s->host), "%s", v);
        else if (strcmp(key, "invoke") == 0)
            snprintf(s->invoke, sizeof(s->invoke), "%s", v);
        else if (strcmp(key, "thread") == 0)
            ; /* for readers */
        else if (hr_parse_u64(v, &u) < 0)
            FAIL("'%s' needs a whole number, not '%s'", shown(key), shown(v));
        else if (strcmp(key, "seed") == 0)
            s->seed = u;
        else if (strcmp(key, "program") == 0)
            s->program = u != 0;
        else if (strcmp(key, "addon") == 0)
            s->addon = u != 0;
        else if (strcmp(key, "explore-ui") == 0)
            s->explore = u > 100000 ? 100000 : (int)u;
        else if (strcmp(key, "pct-depth") == 0) {
            if (u < 1 || u > 64) /* as --pct-depth */
                FAIL("pct-depth must be from 1 to 64, not %llu", (unsigned long long)u);
            s->pct_depth = (int)u;
        } else if (strcmp(key, "pct-steps") == 0) {
            if (u < 1)
                FAIL("pct-steps must be at least 1");
            s->pct_steps = u;
        } else if (strcmp(key, "frames") == 0) {
            if (u > 1000000) /* as --frames */
                FAIL("frames must be from 0 to 1000000, not %llu", (unsigned long long)u);
            s->frames = (int)u;
        }
        else if (strcmp(key, "max-steps") == 0)
            s->max_steps = u;
        else if (strcmp(key, "max-vtime-ms") == 0) {
            if (u > 100000000ull * 1000) /* as --max-vtime */
                FAIL("max-vtime-ms must be at most %llu, not %llu", 100000000ull * 1000,
                     (unsigned long long)u);
            s->max_vtime_ms = (int64_t)u;
        }
        else if (strcmp(key, "steps") == 0)
            s->steps = u;
        else if (strcmp(key, "decisions") == 0) {
            /* a decision's line takes at least 8 bytes: no more are
             * allocated than the file can hold */
            if (u > 100000000 || u > (uint64_t)st.st_size / 8)
                FAIL("'decisions %llu' is more than a file of %lld bytes can hold",
                     (unsigned long long)u, (long long)st.st_size);
            want = (size_t)u;
            s->d = calloc(want ? want : 1, sizeof(*s->d));
            if (!s->d)
                FAIL("out of memory for %zu decisions", want);
            have_decisions = 1;
        } else
            FAIL("unknown field '%s'", shown(key));
    }
    if (!ok) {
        if (have_decisions && s->n < want)
            FAIL("truncated: %zu of %zu decisions, and no 'end' line", s->n, want);
        FAIL("truncated: no 'end' line");
    }
    if (!s->script[0])
        FAIL("no 'script' line");
out:
#undef FAIL
    free(line);
    fclose(f);
    if (!ok)
        hr_schedule_free(s);
    return ok ? 0 : -1;
}
