/* The static HTML report of a `hostrace triage` output directory:
 * index.html (the causes, then every finding in kind then signature
 * order), one page per cause (cause-ID.html: the script line and what it
 * does, the host activities it meets, the pattern to use instead, what
 * `triage --fixes` measured, its signatures) and one page per finding with
 * its facts, both accesses, replay line, repro.py, report.txt and the
 * interleaving drawn as a timeline.
 *
 * Pages are self-contained (inline CSS and JavaScript, no network) and
 * deterministic: they depend only on the files they are made from, so the
 * same findings always give byte-identical pages. Every text taken from the
 * inputs is HTML-escaped (and invalid UTF-8 replaced), because scripts,
 * labels and messages can contain anything.
 *
 * The timeline is drawn in the browser from JSON embedded in the page (the
 * schedule's thread table, its decisions and the accesses' steps); the C
 * side only gathers and escapes the data, and also writes the same facts as
 * plain HTML (decision table, access list) so the page reads without
 * JavaScript too. */
#include "html.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "program.h"
#include "sched/schedule.h"

/* ---- growing text buffer ----------------------------------------------------- */

typedef struct sbuf {
    char *p;
    size_t n, cap;
    int oom; /* a failed allocation: the page is not written */
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t c = b->cap ? b->cap : 8192;
        while (c < b->n + n + 1)
            c *= 2;
        char *q = realloc(b->p, c);
        if (!q) {
            b->oom = 1;
            return;
        }
        b->p = q;
        b->cap = c;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void sb_puts(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(small)) {
        sb_add(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->oom = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb_add(b, big, (size_t)n);
    free(big);
}

/* ---- escaping ------------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s (1 for ASCII), or 0 when the bytes
 * there are not valid UTF-8 (overlong, surrogate, truncated, > U+10FFFF).
 * s is NUL-terminated, so a truncated sequence stops at the NUL. */
static size_t utf8_seq(const unsigned char *s)
{
    static const unsigned min_cp[5] = {0, 0, 0x80, 0x800, 0x10000};
    size_t n;
    if (s[0] < 0x80)
        return 1;
    if ((s[0] & 0xE0) == 0xC0)
        n = 2;
    else if ((s[0] & 0xF0) == 0xE0)
        n = 3;
    else if ((s[0] & 0xF8) == 0xF0)
        n = 4;
    else
        return 0;
    unsigned cp = s[0] & (0x7Fu >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if (cp < min_cp[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

#define REPLACEMENT_CHAR "\xEF\xBF\xBD"

/* s as HTML text or attribute value. Control characters other than tab and
 * newlines, and invalid UTF-8, become U+FFFD so every page is valid UTF-8. */
static void sb_html(sbuf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    const unsigned char *run = p; /* start of bytes copied as they are */
    while (*p) {
        const char *rep = NULL;
        size_t adv = 1;
        switch (*p) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default:
            if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
                rep = REPLACEMENT_CHAR;
            else if ((adv = utf8_seq(p)) == 0) {
                rep = REPLACEMENT_CHAR;
                adv = 1;
            }
        }
        if (rep) {
            sb_add(b, (const char *)run, (size_t)(p - run));
            sb_puts(b, rep);
            p += adv;
            run = p;
        } else {
            p += adv;
        }
    }
    sb_add(b, (const char *)run, (size_t)(p - run));
}

/* s as a JSON string literal that is also safe inside a <script> element:
 * < > & are \u-escaped, so no "</script>" or "<!--" can appear. */
static void sb_json_str(sbuf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    sb_puts(b, "\"");
    while (*p) {
        size_t n = 1;
        if (*p == '"' || *p == '\\') {
            sb_printf(b, "\\%c", *p);
        } else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&') {
            sb_printf(b, "\\u%04x", *p);
        } else if ((n = utf8_seq(p)) == 0) {
            sb_puts(b, "\\ufffd");
            n = 1;
        } else {
            sb_add(b, (const char *)p, n);
        }
        p += n;
    }
    sb_puts(b, "\"");
}

/* ---- small readers ------------------------------------------------------------- */

static const char *jstr(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* An integer member, or def when absent or not an integer. */
static long long jint(const json_t *o, const char *key, long long def)
{
    json_t *v = json_object_get(o, key);
    return json_is_integer(v) ? (long long)json_integer_value(v) : def;
}

/* The whole text file dir/name (malloc'd), or NULL. */
static char *read_text(const char *dir, const char *name)
{
    char path[4096], err[256];
    size_t len;
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
        return NULL;
    return (char *)hr_read_file(path, &len, err, sizeof(err));
}

/* Kinds and signatures become file names: only a plain name (letters,
 * digits, '.', '_', '-', not starting with '.') can never leave html_dir. */
static int safe_name(const char *s)
{
    if (!s || !*s || *s == '.' || strlen(s) > 200)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '.' || *s == '_' || *s == '-'))
            return 0;
    return 1;
}

/* ---- the schedule's thread table ----------------------------------------------- */

typedef struct sthread {
    int slot;
    char role[64];
    char name[192];
} sthread;

/* The `thread SLOT ROLE NAME` lines of a schedule file; hr_schedule_read
 * does not keep them. Count in *n; NULL (and 0) when there are none. */
static sthread *read_thread_table(const char *path, size_t *n)
{
    *n = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    sthread *t = NULL;
    size_t cap = 0;
    char line[512];
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, "decisions ", 10) == 0)
            break; /* the table comes before the decisions */
        sthread x;
        if (sscanf(line, "thread %d %63s %191[^\n]", &x.slot, x.role, x.name) != 3)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            sthread *q = realloc(t, cap * sizeof(*t));
            if (!q)
                break;
            t = q;
        }
        t[(*n)++] = x;
    }
    fclose(f);
    return t;
}

/* ---- one finding ---------------------------------------------------------------- */

typedef struct entry {
    const char *kind, *sig, *message; /* owned by the triage.json tree */
    long long count;
    char page[512]; /* KIND-SIGNATURE.html */
    const json_t *cause; /* its cause in triage.json, or NULL */
    int cause_no;        /* 1-based position of that cause */
} entry;

/* What a finding page is made of: finding.json (may be NULL), the schedule
 * (have_sched 0 when missing or unreadable) and its thread table. */
typedef struct finding {
    const entry *e;
    char dir[4096];
    json_t *fj;
    char fj_err[512];
    hr_schedule sched;
    int have_sched;
    char sched_err[512];
    sthread *threads;
    size_t nthreads;
} finding;

/* A reader's error message without the findings directory's path in front,
 * so that pages do not depend on where the directory is. */
static void strip_prefix(char *msg, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncmp(msg, prefix, n) == 0 && msg[n] == '/')
        memmove(msg, msg + n + 1, strlen(msg + n + 1) + 1);
}

static void finding_load(finding *f, const char *findings_dir, const entry *e)
{
    memset(f, 0, sizeof(*f));
    f->e = e;
    snprintf(f->dir, sizeof(f->dir), "%s/%s-%s", findings_dir, e->kind, e->sig);
    char path[4200];
    json_error_t jerr;
    snprintf(path, sizeof(path), "%s/finding.json", f->dir);
    /* opened here rather than by json_load_file, whose message would carry
     * the directory's absolute path into the page */
    FILE *in = fopen(path, "r");
    if (!in) {
        snprintf(f->fj_err, sizeof(f->fj_err), "finding.json: %s", strerror(errno));
    } else {
        f->fj = json_loadf(in, 0, &jerr);
        fclose(in);
        if (!f->fj)
            snprintf(f->fj_err, sizeof(f->fj_err), "finding.json: line %d: %s", jerr.line,
                     jerr.text);
        else if (!json_is_object(f->fj)) {
            json_decref(f->fj);
            f->fj = NULL;
            snprintf(f->fj_err, sizeof(f->fj_err), "finding.json: not a JSON object");
        }
    }
    snprintf(path, sizeof(path), "%s/schedule.txt", f->dir);
    in = fopen(path, "r");
    if (!in) { /* said here: the reader's message would name the full path */
        snprintf(f->sched_err, sizeof(f->sched_err), "schedule.txt: %s", strerror(errno));
        return;
    }
    fclose(in);
    if (hr_schedule_read(path, &f->sched, f->sched_err, sizeof(f->sched_err)) == 0) {
        f->have_sched = 1;
        f->threads = read_thread_table(path, &f->nthreads);
    } else {
        strip_prefix(f->sched_err, f->dir);
    }
}

static void finding_free(finding *f)
{
    json_decref(f->fj);
    if (f->have_sched)
        hr_schedule_free(&f->sched);
    free(f->threads);
}

/* The accesses array of finding.json (an empty array when absent). */
static json_t *accesses_of(const finding *f)
{
    json_t *a = f->fj ? json_object_get(f->fj, "accesses") : NULL;
    return json_is_array(a) ? a : NULL;
}

/* "file:line" of an access's Python location, or "" */
static void python_loc(const json_t *acc, char *out, size_t len)
{
    json_t *py = json_object_get(acc, "python");
    const char *file = jstr(py, "file");
    out[0] = '\0';
    if (file)
        snprintf(out, len, "%s:%lld", file, jint(py, "line", 0));
}

/* qsort comparator of C strings */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ---- page frame ----------------------------------------------------------------- */

static const char css[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1d232a;background:#fbfbfc}\n"
    "h1{font-size:1.35em;margin:0 0 .3em}h2{font-size:1.1em;margin:1.6em 0 .5em;"
    "border-bottom:1px solid #d5dae0}\n"
    "pre{background:#f1f3f5;border:1px solid #dde1e5;padding:.6em;overflow:auto;max-height:40em;"
    "white-space:pre}\n"
    ".msg{white-space:pre-wrap;font-weight:600}\n"
    "table{border-collapse:collapse}td,th{border:1px solid #d5dae0;padding:.25em .6em;"
    "text-align:left;vertical-align:top}th{background:#eef1f4}\n"
    ".kind{white-space:nowrap}\n"
    "code,.mono{font-family:ui-monospace,monospace;font-size:.95em}\n"
    ".note{color:#8a4b00;background:#fff4e0;border:1px solid #f0c890;padding:.4em .6em}\n"
    ".tl{display:flex;gap:1em;align-items:flex-start;flex-wrap:wrap}\n"
    ".tl-draw{display:flex;flex:1 1 40em;min-width:20em;border:1px solid #d5dae0;background:#fff}\n"
    ".tl-labels{flex:none;font-size:12px;border-right:1px solid #d5dae0;background:#f6f7f9}\n"
    ".tl-labels div{white-space:nowrap;padding:0 .5em;overflow:hidden}\n"
    ".tl-scroll{flex:1;overflow-x:auto}\n"
    ".tl-side{flex:0 1 24em;font-size:13px}.tl-side li{margin-bottom:.5em}\n"
    ".legend{font-size:12px;color:#444;margin:.4em 0}\n"
    ".legend span{display:inline-block;margin-right:1.2em}\n"
    "svg text{font:11px ui-monospace,monospace;fill:#333}\n"
    ".dec{fill:#1d232a}.dec:hover,.mark:hover{stroke:#000;stroke-width:2}\n"
    ".sw{stroke:#1d232a;stroke-width:1}.blk{stroke:#b00;stroke-width:2}\n"
    ".mark.write{fill:#d62828}.mark.read{fill:#f77f00}\n"
    ".brk{fill:#e9ecef}\n"
    "details summary{cursor:pointer}\n"
    ".fix{background:#eef7ee;border:1px solid #b9dcb9;padding:.5em .7em}\n"
    ".code{margin:.2em 0;max-height:none}\n"
    "td.gone{color:#1b6e1b;font-weight:600}td.still{color:#a01818}\n";

/* Installed first in every page: JavaScript errors are kept in
 * document.body.dataset.errors, where a headless browser test sees them. */
static const char js_errors[] =
    "window.onerror=function(msg,src,line){var b=document.body;"
    "b.dataset.errors=(b.dataset.errors?b.dataset.errors+'\\n':'')+msg+' (line '+line+')';};\n";

static void page_begin(sbuf *b, const char *title)
{
    sb_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
               "<title>");
    sb_html(b, title);
    sb_puts(b, "</title>\n<style>\n");
    sb_puts(b, css);
    sb_puts(b, "</style>\n</head>\n<body>\n<script>\n");
    sb_puts(b, js_errors);
    sb_puts(b, "</script>\n");
}

static void page_end(sbuf *b) { sb_puts(b, "</body>\n</html>\n"); }

static int write_page(const char *html_dir, const char *name, const sbuf *b, char *err,
                      size_t errlen)
{
    char path[4096];
    if (b->oom) {
        snprintf(err, errlen, "%s: out of memory", name);
        return -1;
    }
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", html_dir, name) >= sizeof(path)) {
        snprintf(err, errlen, "%s/%s: path too long", html_dir, name);
        return -1;
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    size_t w = fwrite(b->p, 1, b->n, f);
    if (fclose(f) != 0 || w != b->n) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* ---- finding page sections -------------------------------------------------------- */

/* A <pre> with the text of one of the finding's files, or a note. */
static void file_section(sbuf *b, const finding *f, const char *title, const char *name)
{
    sb_printf(b, "<h2>%s</h2>\n", title);
    char *text = read_text(f->dir, name);
    if (!text) {
        sb_printf(b, "<p class=\"note\">%s is missing or unreadable.</p>\n", name);
        return;
    }
    sb_puts(b, "<pre>");
    sb_html(b, text);
    sb_puts(b, "</pre>\n");
    free(text);
}

static void facts_section(sbuf *b, const finding *f)
{
    const entry *e = f->e;
    const json_t *fj = f->fj;
    sb_puts(b, "<table class=\"facts\">\n<tr><th>kind</th><td>");
    sb_html(b, e->kind);
    sb_puts(b, "</td></tr>\n<tr><th>signature</th><td class=\"mono\">");
    sb_html(b, e->sig);
    sb_printf(b, "</td></tr>\n<tr><th>inputs</th><td>%lld</td></tr>\n", e->count);
    if (!fj) {
        sb_puts(b, "</table>\n");
        return;
    }
    if (jstr(fj, "severity")) {
        sb_puts(b, "<tr><th>severity</th><td>");
        sb_html(b, jstr(fj, "severity"));
        sb_puts(b, "</td></tr>\n");
    }
    if (jstr(fj, "strategy")) {
        sb_puts(b, "<tr><th>strategy</th><td>");
        sb_html(b, jstr(fj, "strategy"));
        sb_printf(b, ", seed %lld</td></tr>\n", jint(fj, "seed", 0));
    }
    if (json_is_integer(json_object_get(fj, "frames")))
        sb_printf(b, "<tr><th>frames</th><td>%lld</td></tr>\n", jint(fj, "frames", 0));
    json_t *threads = json_object_get(fj, "threads"), *t;
    size_t i;
    if (json_is_array(threads) && json_array_size(threads)) {
        sb_puts(b, "<tr><th>threads involved</th><td>");
        json_array_foreach(threads, i, t)
        {
            sb_puts(b, i ? ", " : "");
            sb_html(b, jstr(t, "name"));
            sb_puts(b, " (");
            sb_html(b, jstr(t, "role"));
            sb_puts(b, ")");
        }
        sb_puts(b, "</td></tr>\n");
    }
    json_t *host = json_object_get(fj, "host");
    if (json_is_object(host)) {
        /* sorted keys: the page must not depend on the file's key order */
        char *s = json_dumps(host, JSON_COMPACT | JSON_SORT_KEYS);
        sb_puts(b, "<tr><th>host switches</th><td class=\"mono\">");
        sb_html(b, s);
        sb_puts(b, "</td></tr>\n");
        free(s);
    }
    sb_puts(b, "</table>\n");
}

static void access_item(sbuf *b, size_t i, const json_t *a, int full_stack)
{
    char py[1200];
    python_loc(a, py, sizeof(py));
    sb_printf(b, "<b>#%zu</b> ", i + 1);
    sb_html(b, jstr(a, "access"));
    if (json_is_integer(json_object_get(a, "size")))
        sb_printf(b, " of %lld bytes", jint(a, "size", 0));
    sb_puts(b, " at <code>");
    sb_html(b, jstr(a, "site") ? jstr(a, "site") : "(unknown site)");
    sb_puts(b, "</code> by thread <b>");
    sb_html(b, jstr(a, "thread"));
    sb_puts(b, "</b> (");
    sb_html(b, jstr(a, "role"));
    sb_puts(b, ")");
    long long step = jint(a, "step", -1);
    if (step >= 0)
        sb_printf(b, ", after step %lld", step);
    else
        sb_puts(b, ", step unknown (not on the timeline)");
    sb_puts(b, "<br>Python: <code>");
    sb_html(b, py[0] ? py : "(no Python frame)");
    sb_puts(b, "</code>");
    json_t *stack = json_object_get(a, "stack"), *fr;
    size_t k;
    if (!json_is_array(stack) || !json_array_size(stack))
        return;
    if (!full_stack) {
        fr = json_array_get(stack, 0);
        sb_puts(b, "<br>C: <code>");
        sb_html(b, jstr(fr, "function"));
        sb_puts(b, " ");
        sb_html(b, jstr(fr, "file"));
        sb_printf(b, ":%lld</code>", jint(fr, "line", 0));
        return;
    }
    sb_puts(b, "<ol start=\"0\" class=\"mono\">\n");
    json_array_foreach(stack, k, fr)
    {
        sb_puts(b, "<li>");
        sb_html(b, jstr(fr, "function"));
        sb_puts(b, " &mdash; ");
        sb_html(b, jstr(fr, "file"));
        sb_printf(b, ":%lld</li>\n", jint(fr, "line", 0));
    }
    sb_puts(b, "</ol>\n");
}

static void accesses_section(sbuf *b, const finding *f)
{
    json_t *acc = accesses_of(f), *a;
    size_t i;
    sb_puts(b, "<h2>Accesses</h2>\n");
    if (!acc || !json_array_size(acc)) {
        sb_puts(b, "<p>No memory accesses recorded for this finding.</p>\n");
        return;
    }
    sb_puts(b, "<ul class=\"accesses\">\n");
    json_array_foreach(acc, i, a)
    {
        sb_puts(b, "<li>");
        access_item(b, i, a, 1);
        sb_puts(b, "</li>\n");
    }
    sb_puts(b, "</ul>\n");
}

/* Members of finding.json not shown elsewhere (a deadlock's "detail", the
 * blocked "thread", whatever later versions add), as they are. */
static void other_fields_section(sbuf *b, const finding *f)
{
    static const char *shown[] = {"kind",     "severity", "signature", "message", "count", "threads",
                                  "accesses", "host",     "strategy",  "seed",    "frames"};
    if (!f->fj)
        return;
    /* jansson iterates in hash order: sort the keys for stable pages */
    size_t n = json_object_size(f->fj), m = 0;
    const char **keys = calloc(n ? n : 1, sizeof(*keys));
    const char *k;
    json_t *v;
    if (!keys) {
        b->oom = 1;
        return;
    }
    json_object_foreach(f->fj, k, v)
    {
        int known = 0;
        for (size_t i = 0; i < sizeof(shown) / sizeof(*shown); i++)
            known |= strcmp(k, shown[i]) == 0;
        if (!known)
            keys[m++] = k;
    }
    qsort(keys, m, sizeof(*keys), cmp_str);
    if (m)
        sb_puts(b, "<h2>Details</h2>\n");
    for (size_t i = 0; i < m; i++) {
        v = json_object_get(f->fj, keys[i]);
        sb_puts(b, "<h3>");
        sb_html(b, keys[i]);
        sb_puts(b, "</h3>\n<pre>");
        if (json_is_string(v)) {
            sb_html(b, json_string_value(v));
        } else {
            char *s = json_dumps(v, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENCODE_ANY);
            sb_html(b, s);
            free(s);
        }
        sb_puts(b, "</pre>\n");
    }
    free(keys);
}

/* ---- the timeline ------------------------------------------------------------------ */

/* Draws #timeline from #timeline-data into an SVG: one lane per thread of
 * the schedule, steps left to right. Steps where nothing is known (no
 * decision, no access) are compressed, so schedules of thousands of steps
 * keep a readable width; wider drawings scroll. Sets data-drawn, data-lanes
 * and data-marks on #timeline when done. */
static const char js_timeline[] =
    "(function () {\n"
    "  var root = document.getElementById('timeline');\n"
    "  if (!root) return;\n"
    "  var data = JSON.parse(document.getElementById('timeline-data').textContent);\n"
    "  var NS = 'http://www.w3.org/2000/svg';\n"
    "  var AXIS = 34, LANE = 34, U = 10, CAP = 6, PAD = 12;\n"
    "  var COLORS = ['#3a86ff', '#8338ec', '#2a9d8f', '#bc6c25', '#ff006e', '#6a994e',\n"
    "                '#577590', '#b5838d'];\n"
    "  function el(tag, attrs, parent) {\n"
    "    var e = document.createElementNS(NS, tag);\n"
    "    for (var k in attrs) e.setAttribute(k, attrs[k]);\n"
    "    if (parent) parent.appendChild(e);\n"
    "    return e;\n"
    "  }\n"
    "  function tip(e, text) { el('title', {}, e).textContent = text; }\n"
    "  function finish(lanes, marks) {\n"
    "    root.dataset.lanes = String(lanes);\n"
    "    root.dataset.marks = String(marks);\n"
    "    root.dataset.drawn = '1';\n"
    "  }\n"
    "  var th = data.threads || [], ds = data.decisions || [], ms = data.marks || [];\n"
    "  if (!th.length) { finish(0, 0); return; }\n"
    "  var laneOf = {};\n"
    "  th.forEach(function (t, i) { laneOf[t.slot] = i; });\n"
    "  function tname(slot) {\n"
    "    var i = laneOf[slot];\n"
    "    return i === undefined ? 'slot ' + slot : th[i].name + ' (' + th[i].role + ')';\n"
    "  }\n"
    "  function top(lane) { return AXIS + lane * LANE; }\n"
    "  function mid(lane) { return top(lane) + 21; }\n"
    "\n"
    "  /* The steps where something is known; the runs between them longer than\n"
    "     CAP steps are drawn CAP steps wide (compressed). */\n"
    "  var keys = [0, Math.max(data.steps, 1)];\n"
    "  ds.forEach(function (d) { keys.push(d[0], d[0] + 1); });\n"
    "  ms.forEach(function (m) { keys.push(m.step, m.step + 1); });\n"
    "  keys.sort(function (a, b) { return a - b; });\n"
    "  keys = keys.filter(function (k, i) { return i === 0 || k !== keys[i - 1]; });\n"
    "  var xs = [0], gaps = [];\n"
    "  for (var i = 1; i < keys.length; i++) {\n"
    "    var len = keys[i] - keys[i - 1];\n"
    "    xs.push(xs[i - 1] + Math.min(len, CAP) * U);\n"
    "    if (len > CAP) gaps.push(i - 1);\n"
    "  }\n"
    "  var scroller = root.querySelector('.tl-scroll');\n"
    "  var avail = Math.max(scroller.clientWidth - 2 * PAD - 4, 600);\n"
    "  var scale = Math.max(1, avail / xs[xs.length - 1]);  /* short runs fill the width */\n"
    "  function X(s) {\n"
    "    var lo = 0, hi = keys.length - 1;\n"
    "    if (s <= keys[lo]) return PAD;\n"
    "    if (s >= keys[hi]) return PAD + xs[hi] * scale;\n"
    "    while (hi - lo > 1) {\n"
    "      var m = (lo + hi) >> 1;\n"
    "      if (keys[m] <= s) lo = m; else hi = m;\n"
    "    }\n"
    "    var f = (s - keys[lo]) / (keys[hi] - keys[lo]);\n"
    "    return PAD + (xs[lo] + f * (xs[hi] - xs[lo])) * scale;\n"
    "  }\n"
    "\n"
    "  /* Who held the token: decision i gives it to d[2] at step d[0]; the next\n"
    "     decision says who was at its point (d[1], -1: the running thread\n"
    "     blocked or exited). When that is another thread, the hand-off happened\n"
    "     at an unrecorded point in between: both lanes are hatched there. The\n"
    "     run starts on the main thread (slot 0). */\n"
    "  var segs = [], blocks = [];\n"
    "  function seg(slot, a, b, hatch, why) {\n"
    "    var l = laneOf[slot], last = segs[segs.length - 1];\n"
    "    if (l === undefined || b <= a) return;\n"
    "    if (!hatch && last && !last.hatch && last.lane === l && last.b === a) { last.b = b; return; }\n"
    "    segs.push({lane: l, a: a, b: b, hatch: hatch, why: why});\n"
    "  }\n"
    "  var prev = (0 in laneOf) ? 0 : th[0].slot, from = 0;\n"
    "  ds.forEach(function (d) {\n"
    "    var s = d[0], cur = d[1];\n"
    "    if (cur === prev || cur < 0) {\n"
    "      seg(prev, from, s, false);\n"
    "      if (cur < 0) blocks.push({slot: prev, step: s, label: d[4]});\n"
    "    } else {\n"
    "      var why = 'hand-off from ' + tname(prev) + ' to ' + tname(cur) + ' somewhere in steps ' +\n"
    "                from + '-' + s + ' (only one thread was runnable: not recorded)';\n"
    "      seg(prev, from, s, true, why);\n"
    "      seg(cur, from, s, true, why);\n"
    "    }\n"
    "    prev = d[2];\n"
    "    from = s;\n"
    "  });\n"
    "  if (ds.length) seg(prev, from, Math.max(data.steps, from + 1), false);\n"
    "  else seg(prev, 0, Math.max(data.steps, 1), true,\n"
    "           'no decision recorded: which thread ran when is not known');\n"
    "\n"
    "  var width = Math.ceil(X(keys[keys.length - 1]) + PAD);\n"
    "  var height = AXIS + th.length * LANE + 6;\n"
    "  var svg = el('svg', {width: width, height: height, viewBox: '0 0 ' + width + ' ' + height});\n"
    "  var defs = el('defs', {}, svg);\n"
    "  th.forEach(function (t, i) {\n"
    "    var p = el('pattern', {id: 'hatch' + i, patternUnits: 'userSpaceOnUse', width: 6, height: 6,\n"
    "                           patternTransform: 'rotate(45)'}, defs);\n"
    "    el('rect', {width: 2.5, height: 6, fill: COLORS[i % COLORS.length]}, p);\n"
    "  });\n"
    "  th.forEach(function (t, i) {\n"
    "    el('rect', {x: 0, y: top(i), width: width, height: LANE, fill: i % 2 ? '#f6f7f9' : '#fff'}, svg);\n"
    "  });\n"
    "  gaps.forEach(function (g) {\n"
    "    var a = X(keys[g]), b = X(keys[g + 1]), n = keys[g + 1] - keys[g];\n"
    "    var r = el('rect', {class: 'brk', x: a + 2, y: AXIS - 10, width: Math.max(b - a - 4, 1),\n"
    "                        height: height - AXIS + 10}, svg);\n"
    "    tip(r, n + ' steps without a decision or access (compressed)');\n"
    "    var t = el('text', {x: (a + b) / 2, y: AXIS - 12, 'text-anchor': 'middle'}, svg);\n"
    "    t.textContent = '\\u2248';\n"
    "    tip(t, n + ' steps compressed');\n"
    "  });\n"
    "  var lastx = -1e9;\n"
    "  keys.forEach(function (k) {\n"
    "    var x = X(k);\n"
    "    el('line', {x1: x, x2: x, y1: AXIS - 4, y2: AXIS, stroke: '#999'}, svg);\n"
    "    if (x - lastx < 44) return;\n"
    "    var t = el('text', {x: x, y: 12, 'text-anchor': 'middle'}, svg);\n"
    "    t.textContent = String(k);\n"
    "    lastx = x;\n"
    "  });\n"
    "  el('line', {x1: 0, x2: width, y1: AXIS, y2: AXIS, stroke: '#999'}, svg);\n"
    "  segs.forEach(function (s) {\n"
    "    var x = X(s.a), w = Math.max(X(s.b) - x, 1.5), c = COLORS[s.lane % COLORS.length];\n"
    "    var r = el('rect', {x: x, y: top(s.lane) + 14, width: w, height: 14, rx: 2,\n"
    "                        fill: s.hatch ? 'url(#hatch' + s.lane + ')' : c,\n"
    "                        stroke: c, 'stroke-width': s.hatch ? 1 : 0}, svg);\n"
    "    tip(r, s.why || th[s.lane].name + ' (' + th[s.lane].role + ') holds the token, steps ' +\n"
    "             s.a + '-' + s.b);\n"
    "  });\n"
    "  blocks.forEach(function (b) {\n"
    "    var l = laneOf[b.slot], x = X(b.step);\n"
    "    var t = el('line', {class: 'blk', x1: x, x2: x, y1: top(l) + 11, y2: top(l) + 31}, svg);\n"
    "    tip(t, 'step ' + b.step + ': the running thread blocked or exited (' + b.label + ')');\n"
    "  });\n"
    "  ds.forEach(function (d) {\n"
    "    var x = X(d[0]), lc = laneOf[d[2]], lp = d[1] >= 0 ? laneOf[d[1]] : undefined;\n"
    "    if (lc === undefined) return;\n"
    "    if (lp !== undefined && lp !== lc)\n"
    "      el('line', {class: 'sw', x1: x, x2: x, y1: mid(lp), y2: mid(lc)}, svg);\n"
    "    var c = el('circle', {class: 'dec', cx: x, cy: mid(lc), r: 3.5}, svg);\n"
    "    tip(c, 'step ' + d[0] + ': ' + d[4] + (d[5] ? ' @' + d[5] : '') + '\\n' +\n"
    "           (d[1] < 0 ? 'the running thread blocked or exited' : 'at the point: ' + tname(d[1])) +\n"
    "           '\\n' + d[3] + ' runnable, chosen: ' + tname(d[2]));\n"
    "  });\n"
    "  var marks = 0;\n"
    "  ms.forEach(function (m) {\n"
    "    var l = -1;\n"
    "    th.forEach(function (t, i) { if (l < 0 && t.name === m.thread && t.role === m.role) l = i; });\n"
    "    th.forEach(function (t, i) { if (l < 0 && t.name === m.thread) l = i; });\n"
    "    var x = X(m.step + 0.5), y = l < 0 ? AXIS - 14 : top(l) + 2;\n"
    "    el('line', {x1: x, x2: x, y1: AXIS, y2: height, stroke: '#d62828', 'stroke-dasharray': '2,3',\n"
    "                'stroke-width': 0.8}, svg);\n"
    "    var p = el('path', {class: 'mark ' + (m.access === 'write' ? 'write' : 'read'),\n"
    "                        d: 'M' + (x - 6) + ',' + y + 'h12l-6,11z'}, svg);\n"
    "    tip(p, '#' + m.id + ' ' + m.access + (m.size ? ' of ' + m.size + ' bytes' : '') + ' at ' +\n"
    "           m.site + '\\nthread ' + m.thread + ' (' + m.role + '), after step ' + m.step +\n"
    "           (l < 0 ? ' (thread not in the schedule)' : '') + '\\nPython: ' + (m.py || '(none)') +\n"
    "           '\\nC: ' + (m.c.length ? m.c.join('\\n   ') : '(no stack)'));\n"
    "    var t = el('text', {x: x + 8, y: y + 9}, svg);\n"
    "    t.textContent = '#' + m.id;\n"
    "    marks++;\n"
    "  });\n"
    "  scroller.appendChild(svg);\n"
    "  /* wide drawings open at the first racing access */\n"
    "  var first = ms.reduce(function (a, m) { return Math.min(a, m.step); }, Infinity);\n"
    "  if (first !== Infinity) scroller.scrollLeft = Math.max(0, X(first) - scroller.clientWidth / 3);\n"
    "  var labels = root.querySelector('.tl-labels');\n"
    "  function label(text, h, title) {\n"
    "    var d = document.createElement('div');\n"
    "    d.style.height = d.style.lineHeight = h + 'px';\n"
    "    d.textContent = text;\n"
    "    if (title) d.title = title;\n"
    "    labels.appendChild(d);\n"
    "  }\n"
    "  label('step \\u2192', AXIS);\n"
    "  th.forEach(function (t) { label(t.name + ' (' + t.role + ')', LANE, 'slot ' + t.slot); });\n"
    "  finish(th.length, marks);\n"
    "})();\n";

/* The data the drawing is made from, as JSON (see js_timeline). Only
 * accesses with a step become marks. */
static void timeline_json(sbuf *b, const finding *f)
{
    sb_printf(b, "{\"steps\":%llu,\"threads\":[",
              f->have_sched ? (unsigned long long)f->sched.steps : 0ULL);
    for (size_t i = 0; i < f->nthreads; i++) {
        sb_printf(b, "%s{\"slot\":%d,\"role\":", i ? "," : "", f->threads[i].slot);
        sb_json_str(b, f->threads[i].role);
        sb_puts(b, ",\"name\":");
        sb_json_str(b, f->threads[i].name);
        sb_puts(b, "}");
    }
    sb_puts(b, "],\n\"decisions\":[");
    int first_d = 1;
    for (size_t i = 0; f->have_sched && i < f->sched.n; i++) {
        const sched_decision *d = &f->sched.d[i];
        if (d->current == SCHED_VALUE_CHOICE || d->current == SCHED_EXTERNAL_WAKE ||
            d->current == SCHED_EXTERNAL_NOW)
            continue; /* a user's action or an external call, not a hand-off: the table lists it */
        char loc[1200] = "";
        if (d->file)
            snprintf(loc, sizeof(loc), "%s:%d", d->file, d->line);
        sb_printf(b, "%s[%llu,%d,%d,%d,", first_d ? "" : ",\n", (unsigned long long)d->step,
                  d->current, d->chosen, d->n_enabled);
        first_d = 0;
        sb_json_str(b, d->label);
        sb_puts(b, ",");
        sb_json_str(b, loc);
        sb_puts(b, "]");
    }
    sb_puts(b, "],\n\"marks\":[");
    json_t *acc = accesses_of(f), *a;
    size_t i;
    int first = 1;
    json_array_foreach(acc, i, a)
    {
        long long step = jint(a, "step", -1);
        char py[1200];
        if (step < 0)
            continue;
        python_loc(a, py, sizeof(py));
        sb_printf(b, "%s{\"id\":%zu,\"step\":%lld,\"size\":%lld,\"thread\":", first ? "" : ",\n",
                  i + 1, step, jint(a, "size", 0));
        first = 0;
        sb_json_str(b, jstr(a, "thread"));
        sb_puts(b, ",\"role\":");
        sb_json_str(b, jstr(a, "role"));
        sb_puts(b, ",\"access\":");
        sb_json_str(b, jstr(a, "access"));
        sb_puts(b, ",\"site\":");
        sb_json_str(b, jstr(a, "site"));
        sb_puts(b, ",\"py\":");
        sb_json_str(b, py);
        sb_puts(b, ",\"c\":[");
        json_t *stack = json_object_get(a, "stack"), *fr;
        size_t k;
        json_array_foreach(stack, k, fr)
        {
            char c[1400];
            snprintf(c, sizeof(c), "%s %s:%lld", jstr(fr, "function") ? jstr(fr, "function") : "?",
                     jstr(fr, "file") ? jstr(fr, "file") : "?", jint(fr, "line", 0));
            sb_puts(b, k ? "," : "");
            sb_json_str(b, c);
        }
        sb_puts(b, "]}");
    }
    sb_puts(b, "]}");
}

static const char *slot_name(const finding *f, int slot)
{
    for (size_t i = 0; i < f->nthreads; i++)
        if (f->threads[i].slot == slot)
            return f->threads[i].name;
    return slot < 0 ? "(blocked or exited)" : "?";
}

/* Every decision as a table, for reading without the drawing. */
static void decisions_table(sbuf *b, const finding *f)
{
    sb_printf(b, "<details><summary>The %zu decisions of the schedule (%llu steps)</summary>\n",
              f->sched.n, (unsigned long long)f->sched.steps);
    sb_puts(b, "<table class=\"mono\">\n<tr><th>step</th><th>at the point</th><th>chosen</th>"
               "<th>runnable</th><th>label</th><th>location</th></tr>\n");
    for (size_t i = 0; i < f->sched.n; i++) {
        const sched_decision *d = &f->sched.d[i];
        sb_printf(b, "<tr><td>%llu</td><td>", (unsigned long long)d->step);
        if (d->current == SCHED_VALUE_CHOICE) {
            sb_printf(b, "(a value choice)</td><td>option %d", d->chosen);
        } else if (d->current == SCHED_EXTERNAL_WAKE) {
            sb_puts(b, "(an external call completed)</td><td>");
            sb_html(b, slot_name(f, d->chosen));
        } else if (d->current == SCHED_EXTERNAL_NOW) {
            sb_printf(b, "(an external call starts)</td><td>%s", d->chosen ? "ready" : "not ready");
        } else {
            sb_html(b, slot_name(f, d->current));
            sb_puts(b, "</td><td>");
            sb_html(b, slot_name(f, d->chosen));
        }
        sb_printf(b, "</td><td>%d</td><td>", d->n_enabled);
        sb_html(b, d->label);
        sb_puts(b, "</td><td>");
        if (d->file) {
            sb_html(b, d->file);
            sb_printf(b, ":%d", d->line);
        }
        sb_puts(b, "</td></tr>\n");
    }
    sb_puts(b, "</table>\n</details>\n");
}

static const char legend[] =
    "<p class=\"legend\">One lane per thread of the schedule; scheduling steps run left to "
    "right, and runs of steps with no decision and no access are compressed "
    "(&#8776;, hover for their length). A <b>solid bar</b>: the thread held the token at both "
    "ends of the interval. <b>Hatched</b> on two lanes: the token passed from one to the other "
    "somewhere inside the interval. Hand-offs while only one thread was runnable are not "
    "recorded, so a solid bar may hide some too. <b>Dots</b>: decisions (two or more threads "
    "runnable) on the chosen thread's lane, with a line from the thread that was at the "
    "point; a <b>red tick</b>: the running thread blocked or exited there. <b>Triangles</b>: "
    "the accesses (write red, read orange) just after their step. Hover anything for its "
    "label, Python and C locations.</p>\n";

static void timeline_section(sbuf *b, const finding *f)
{
    sb_puts(b, "<h2>Interleaving</h2>\n");
    if (!f->have_sched) {
        sb_puts(b, "<p class=\"note\">No schedule recorded (");
        sb_html(b, f->sched_err);
        sb_puts(b, ").</p>\n");
    } else {
        sb_puts(b, legend);
    }
    sb_puts(b, "<div class=\"tl\">\n<div class=\"tl-draw\" id=\"timeline\" data-drawn=\"0\">"
               "<div class=\"tl-labels\"></div><div class=\"tl-scroll\"></div></div>\n"
               "<div class=\"tl-side\"><b>Racing accesses</b>\n");
    json_t *acc = accesses_of(f), *a;
    size_t i;
    if (!acc || !json_array_size(acc))
        sb_puts(b, "<p>none recorded</p>\n");
    else
        sb_puts(b, "<ul>\n");
    json_array_foreach(acc, i, a)
    {
        sb_puts(b, "<li>");
        access_item(b, i, a, 0);
        sb_puts(b, "</li>\n");
    }
    if (acc && json_array_size(acc))
        sb_puts(b, "</ul>\n");
    sb_puts(b, "</div>\n</div>\n<script type=\"application/json\" id=\"timeline-data\">");
    timeline_json(b, f);
    sb_puts(b, "</script>\n");
    if (f->have_sched)
        decisions_table(b, f);
}

static int write_finding_page(const char *findings_dir, const char *html_dir, const entry *e,
                              char *err, size_t errlen)
{
    finding f;
    finding_load(&f, findings_dir, e);
    sbuf b = {0};
    char title[600];
    snprintf(title, sizeof(title), "%s %s", e->kind, e->sig);
    page_begin(&b, title);
    sb_puts(&b, "<p><a href=\"index.html\">&larr; all findings</a></p>\n<h1>");
    sb_html(&b, title);
    sb_puts(&b, "</h1>\n<p class=\"msg\">");
    sb_html(&b, f.fj && jstr(f.fj, "message") ? jstr(f.fj, "message") : e->message);
    sb_puts(&b, "</p>\n");
    if (e->cause && jstr(e->cause, "id")) {
        sb_printf(&b, "<p class=\"cause\">Part of <a href=\"cause-%s.html\">cause %d</a>: ",
                  jstr(e->cause, "id"), e->cause_no);
        sb_html(&b, jstr(e->cause, "title") ? jstr(e->cause, "title") : "");
        sb_puts(&b, "</p>\n");
    }
    if (!f.fj) {
        sb_puts(&b, "<p class=\"note\">No finding.json (");
        sb_html(&b, f.fj_err);
        sb_puts(&b, "): only what triage.json says is shown.</p>\n");
    }
    facts_section(&b, &f);
    timeline_section(&b, &f);
    accesses_section(&b, &f);
    other_fields_section(&b, &f);
    file_section(&b, &f, "Replay", "replay.sh");
    file_section(&b, &f, "repro.py", "repro.py");
    file_section(&b, &f, "report.txt", "report.txt");
    file_section(&b, &f, "Inputs that show it", "inputs.txt");
    sb_puts(&b, "<script>\n");
    sb_puts(&b, js_timeline);
    sb_puts(&b, "</script>\n");
    page_end(&b);
    int rc = write_page(html_dir, e->page, &b, err, errlen);
    free(b.p);
    finding_free(&f);
    return rc;
}

/* ---- index and entry point ------------------------------------------------------------ */

static int entry_cmp(const void *pa, const void *pb)
{
    const entry *a = pa, *b = pb;
    int c = strcmp(a->kind, b->kind);
    return c ? c : strcmp(a->sig, b->sig);
}

/* A finding in a table of signatures (the index's, a cause page's). */
static void signature_head(sbuf *b)
{
    sb_puts(b, "<tr><th>kind</th><th>signature</th><th>message</th><th>inputs</th>"
               "<th>page</th></tr>\n");
}

static void signature_row(sbuf *b, const entry *e)
{
    sb_puts(b, "<tr><td class=\"kind\">");
    sb_html(b, e->kind);
    sb_puts(b, "</td><td class=\"mono\">");
    sb_html(b, e->sig);
    sb_puts(b, "</td><td>");
    sb_html(b, e->message);
    sb_printf(b, "</td><td>%lld</td><td><a href=\"", e->count);
    sb_html(b, e->page);
    sb_puts(b, "\">details</a></td></tr>\n");
}

/* One side of a cause (triage.json causes[].script / .against) as a list
 * item. */
static void cause_side(sbuf *b, const json_t *s, int script)
{
    const char *file = jstr(s, "file"), *code = jstr(s, "code"), *api = jstr(s, "api");
    sb_puts(b, "<li>");
    if (!script) {
        sb_puts(b, "<b>");
        sb_html(b, jstr(s, "activity") ? jstr(s, "activity") : jstr(s, "role") ? jstr(s, "role")
                                                                                 : "");
        sb_puts(b, "</b>: ");
    }
    if (file) {
        sb_puts(b, "<span class=\"mono\">");
        sb_html(b, file);
        sb_printf(b, ":%lld</span> ", jint(s, "line", 0));
    }
    sb_html(b, jstr(s, "access") ? jstr(s, "access") : "");
    sb_puts(b, " <span class=\"mono\">");
    sb_html(b, jstr(s, "site") ? jstr(s, "site") : "");
    sb_puts(b, "</span>");
    if (api) {
        sb_puts(b, " in <span class=\"mono\">");
        sb_html(b, api);
        sb_puts(b, "</span>");
    }
    if (code) {
        sb_puts(b, "<pre class=\"code\">");
        sb_html(b, code);
        sb_puts(b, "</pre>");
    }
    sb_puts(b, "</li>\n");
}

/* What `triage --fixes` measured for a cause, as a table. */
static void cause_fixes(sbuf *b, const json_t *fx)
{
    long long runs = jint(fx, "runs", 0);
    const json_t *as = json_object_get(fx, "as_is");
    sb_printf(b,
              "<h2>Fixes, measured</h2>\n<p>The reproducer's own schedule and %lld pct "
              "schedules, as it is and with each variant: as it is, the cause shows in "
              "<b>%lld of %lld</b> runs.</p>\n<table class=\"fixes\">\n<tr><th>variant</th>"
              "<th>runs that show it</th><th>verdict</th><th>errors it brings</th></tr>\n",
              runs - 1, jint(as, "seen", 0), runs);
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(fx, "variants"), i, v)
    {
        const char *verdict = jstr(v, "verdict") ? jstr(v, "verdict") : "";
        sb_puts(b, "<tr><td class=\"mono\">");
        sb_html(b, jstr(v, "switch") ? jstr(v, "switch") : "");
        if (strcmp(verdict, "gone") == 0 || strcmp(verdict, "still there") == 0)
            sb_printf(b, "</td><td>%lld / %lld</td><td class=\"%s\">", jint(v, "seen", 0), runs,
                      strcmp(verdict, "gone") == 0 ? "gone" : "still");
        else
            sb_puts(b, "</td><td></td><td>");
        sb_html(b, strcmp(verdict, "gone") == 0 ? "fixed" : verdict);
        sb_puts(b, "</td><td>");
        size_t j;
        json_t *t;
        json_array_foreach(json_object_get(v, "other_errors"), j, t)
        {
            if (j)
                sb_puts(b, "<br>");
            sb_html(b, json_string_value(t) ? json_string_value(t) : "");
        }
        sb_puts(b, "</td></tr>\n");
    }
    sb_puts(b, "</table>\n<p class=\"note\">bpy_on_main=1 is the script-side remedy applied to "
               "every call: each bpy call of a script thread runs on the main thread, as "
               "<code>bpy.app.run_on_main(fn, wait=True)</code> would run it. The others are "
               "host switches (a fixed Blender).</p>\n");
}

static int write_cause_page(const char *html_dir, const json_t *c, int no, const entry *es,
                            size_t n, char *err, size_t errlen)
{
    const char *id = jstr(c, "id");
    if (!id || !safe_name(id)) {
        snprintf(err, errlen, "triage.json: a cause has no usable id");
        return -1;
    }
    sbuf b = {0};
    char title[600], page[128];
    snprintf(title, sizeof(title), "cause %d: %s", no, jstr(c, "title") ? jstr(c, "title") : "");
    snprintf(page, sizeof(page), "cause-%s.html", id);
    page_begin(&b, title);
    sb_puts(&b, "<p><a href=\"index.html\">&larr; all causes</a></p>\n<h1>");
    sb_html(&b, title);
    sb_printf(&b, "</h1>\n<p class=\"mono\">cause %s</p>\n", id);
    size_t i;
    json_t *s;
    if (json_array_size(json_object_get(c, "script"))) {
        sb_puts(&b, "<h2>The script's side</h2>\n<ul class=\"sides\">\n");
        json_array_foreach(json_object_get(c, "script"), i, s) cause_side(&b, s, 1);
        sb_puts(&b, "</ul>\n");
    }
    if (json_array_size(json_object_get(c, "against"))) {
        sb_printf(&b, "<h2>%s</h2>\n<ul class=\"sides\">\n",
                  json_array_size(json_object_get(c, "script")) ? "Against the host"
                                                                 : "The host's sides");
        json_array_foreach(json_object_get(c, "against"), i, s) cause_side(&b, s, 0);
        sb_puts(&b, "</ul>\n");
    }
    if (jstr(c, "fix")) {
        sb_puts(&b, "<h2>Instead</h2>\n<p class=\"fix\">");
        sb_html(&b, jstr(c, "fix"));
        sb_puts(&b, "</p>\n");
    }
    if (json_object_get(c, "fixes"))
        cause_fixes(&b, json_object_get(c, "fixes"));
    const char *repro = jstr(c, "reproducer");
    if (repro) {
        const char *base = strrchr(repro, '/');
        sb_puts(&b, "<h2>Reproducer</h2>\n<p>The smallest input: <a href=\"");
        sb_html(&b, base ? base + 1 : repro);
        sb_puts(&b, ".html\">");
        sb_html(&b, base ? base + 1 : repro);
        sb_puts(&b, "</a> (<span class=\"mono\">hostrace run ");
        sb_html(&b, repro);
        sb_puts(&b, "/repro.py</span>)</p>\n");
    }
    sb_puts(&b, "<h2>Signatures</h2>\n<table>\n");
    signature_head(&b);
    for (i = 0; i < n; i++)
        if (es[i].cause == c)
            signature_row(&b, &es[i]);
    sb_puts(&b, "</table>\n");
    page_end(&b);
    int rc = write_page(html_dir, page, &b, err, errlen);
    free(b.p);
    return rc;
}

static int write_index(const char *html_dir, const json_t *triage, const entry *es, size_t n,
                       char *err, size_t errlen)
{
    json_t *flaky = json_object_get(triage, "flaky"), *fl;
    size_t nflaky = json_is_array(flaky) ? json_array_size(flaky) : 0, i;
    sbuf b = {0};
    page_begin(&b, "hostrace findings");
    sb_puts(&b, "<h1>hostrace findings</h1>\n");
    json_t *causes = json_object_get(triage, "causes");
    size_t ncauses = json_array_size(causes);
    sb_printf(&b,
              "<p>%lld inputs replayed: <b>%zu cause%s</b>, %zu distinct finding%s, %zu flaky "
              "input%s (no error when replayed).</p>\n",
              jint(triage, "inputs", 0), ncauses, ncauses == 1 ? "" : "s", n, n == 1 ? "" : "s",
              nflaky, nflaky == 1 ? "" : "s");
    if (ncauses) {
        sb_puts(&b, "<h2>Causes</h2>\n<table id=\"causes\">\n<tr><th>#</th><th>cause</th>"
                    "<th>severity</th><th>signatures</th><th>inputs</th><th>fixed by</th></tr>\n");
        json_t *c;
        json_array_foreach(causes, i, c)
        {
            sb_printf(&b, "<tr><td>%zu</td><td><a href=\"cause-", i + 1);
            sb_html(&b, jstr(c, "id") ? jstr(c, "id") : "");
            sb_puts(&b, ".html\">");
            sb_html(&b, jstr(c, "title") ? jstr(c, "title") : "");
            sb_puts(&b, "</a></td><td>");
            sb_html(&b, jstr(c, "severity") ? jstr(c, "severity") : "");
            sb_printf(&b, "</td><td>%zu</td><td>%lld</td><td class=\"mono\">",
                      json_array_size(json_object_get(c, "signatures")), jint(c, "count", 0));
            size_t k;
            json_t *v;
            int any = 0;
            json_array_foreach(json_object_get(json_object_get(c, "fixes"), "variants"), k, v)
                if (jstr(v, "verdict") && strcmp(jstr(v, "verdict"), "gone") == 0 &&
                    !json_array_size(json_object_get(v, "other_errors"))) {
                    if (any++)
                        sb_puts(&b, ", ");
                    sb_html(&b, jstr(v, "switch") ? jstr(v, "switch") : "");
                }
            sb_puts(&b, "</td></tr>\n");
        }
        sb_puts(&b, "</table>\n<h2>Signatures</h2>\n");
    }
    if (n) {
        sb_puts(&b, "<table id=\"findings\">\n");
        signature_head(&b);
    }
    for (i = 0; i < n; i++)
        signature_row(&b, &es[i]);
    if (n)
        sb_puts(&b, "</table>\n");
    if (nflaky) {
        sb_puts(&b, "<h2>Flaky inputs</h2>\n<table>\n<tr><th>input</th><th>exit</th></tr>\n");
        json_array_foreach(flaky, i, fl)
        {
            sb_puts(&b, "<tr><td class=\"mono\">");
            sb_html(&b, jstr(fl, "input"));
            sb_printf(&b, "</td><td>%lld</td></tr>\n", jint(fl, "exit", 0));
        }
        sb_puts(&b, "</table>\n");
    }
    page_end(&b);
    int rc = write_page(html_dir, "index.html", &b, err, errlen);
    free(b.p);
    return rc;
}

/* The findings of triage.json, sorted by kind then signature. NULL (and a
 * message) when an entry is malformed or its name is not a plain file name. */
static entry *collect_entries(const json_t *findings, size_t *n, char *err, size_t errlen)
{
    entry *es = calloc(json_object_size(findings) + 1, sizeof(*es));
    const char *sig;
    json_t *v;
    *n = 0;
    if (!es) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    json_object_foreach((json_t *)findings, sig, v)
    {
        entry *e = &es[*n];
        e->sig = sig;
        e->kind = jstr(v, "kind");
        e->message = jstr(v, "message") ? jstr(v, "message") : "";
        e->count = jint(v, "count", 0);
        if (!json_is_object(v) || !safe_name(e->kind) || !safe_name(sig)) {
            snprintf(err, errlen, "triage.json: finding '%.100s' has no kind or an unusable name",
                     sig);
            free(es);
            return NULL;
        }
        snprintf(e->page, sizeof(e->page), "%s-%s.html", e->kind, sig);
        (*n)++;
    }
    qsort(es, *n, sizeof(*es), entry_cmp);
    return es;
}

int hr_html_write(const char *findings_dir, const char *html_dir, char *err, size_t errlen)
{
    char path[4096];
    json_error_t jerr;
    if ((size_t)snprintf(path, sizeof(path), "%s/triage.json", findings_dir) >= sizeof(path)) {
        snprintf(err, errlen, "%s: path too long", findings_dir);
        return -1;
    }
    json_t *triage = json_load_file(path, 0, &jerr);
    if (!triage) {
        snprintf(err, errlen, "%s: %s", path, jerr.text);
        return -1;
    }
    json_t *findings = json_object_get(triage, "findings");
    if (!json_is_object(findings)) {
        snprintf(err, errlen, "%s: no \"findings\" object (not a `hostrace triage` output)", path);
        json_decref(triage);
        return -1;
    }
    size_t n;
    entry *es = collect_entries(findings, &n, err, errlen);
    int rc = es ? 0 : -1;
    if (rc == 0 && hr_mkdirs(html_dir) < 0) {
        snprintf(err, errlen, "cannot create %s: %s", html_dir, strerror(errno));
        rc = -1;
    }
    /* each finding's cause */
    json_t *causes = json_object_get(triage, "causes"), *c;
    size_t ci;
    json_array_foreach(causes, ci, c)
    {
        size_t k;
        json_t *sv;
        json_array_foreach(json_object_get(c, "signatures"), k, sv)
            for (size_t i = 0; es && i < n; i++)
                if (json_string_value(sv) && strcmp(es[i].sig, json_string_value(sv)) == 0) {
                    es[i].cause = c;
                    es[i].cause_no = (int)ci + 1;
                }
    }
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = write_finding_page(findings_dir, html_dir, &es[i], err, errlen);
    json_array_foreach(causes, ci, c)
    {
        if (rc != 0)
            break;
        rc = write_cause_page(html_dir, c, (int)ci + 1, es, n, err, errlen);
    }
    if (rc == 0)
        rc = write_index(html_dir, triage, es, n, err, errlen);
    free(es);
    json_decref(triage);
    return rc;
}
