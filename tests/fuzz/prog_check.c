/* tests/fuzz/prog_check.c: checks of the program codec (harness/prog/prog.h).
 *
 *   hr_prog_check [N]              N random inputs (default 100000) and the
 *                                  edge cases: decode -> text -> from_text and
 *                                  encode -> decode give the same program, the
 *                                  Python form is whole; then bad, truncated
 *                                  and mutated text forms must be refused (or,
 *                                  when a mutation stays valid, round-trip)
 *   hr_prog_check --python DIR N   writes the first N random programs as
 *                                  DIR/prog_NNNNN.py (for a Python compile check)
 *   hr_prog_check --seeds DIR [OUT] parses every .txt file of DIR (each carries a
 *                                  "# expect:" line); with OUT, writes OUT/NAME.py
 *   hr_prog_check --dump K         prints random program K as text and Python
 *
 * The inputs come from a fixed-seed splitmix64, so every run checks the same
 * programs. Exit status 0 only when every check passed. */
#include "prog/prog.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_CAP (1u << 20)
#define PY_CAP (256u * 1024u)
#define BYTES_CAP (PROG_MAX_SCHED + 4096u)
#define RAND_MAX_LEN 512
#define SEED 0x686f737472616365ull /* "hostrace" */

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

typedef struct ctx {
    prog_program *a, *b, *c;
    char *text, *text2, *py;
    uint8_t *bytes, *bytes2;
    long checks, failures;
} ctx;

static void fail(ctx *x, const char *what, const uint8_t *data, size_t len)
{
    x->failures++;
    if (x->failures > 20)
        return;
    fprintf(stderr, "hr_prog_check: FAIL: %s (input of %zu bytes:", what, len);
    for (size_t i = 0; i < len && i < 48; i++)
        fprintf(stderr, " %02x", data[i]);
    fprintf(stderr, "%s)\n", len > 48 ? " ..." : "");
}

/* One input through every encoding. */
static void check_input(ctx *x, const uint8_t *data, size_t len, int deep)
{
    char err[256];
    x->checks++;
    prog_decode(data, len, x->a);
    int nops = prog_op_count(x->a);
    if (nops < 0 || nops > PROG_MAX_OPS)
        fail(x, "op count out of range", data, len);
    size_t slen;
    prog_schedule(x->a, &slen);
    if (slen > PROG_MAX_SCHED || slen > len)
        fail(x, "schedule longer than possible", data, len);

    /* decode -> text -> from_text */
    size_t n = prog_to_text(x->a, x->text, TEXT_CAP);
    if (n == 0 || n >= TEXT_CAP || strlen(x->text) != n ||
        strncmp(x->text, "hostrace-program 1\n", 19) != 0) {
        fail(x, "to_text output truncated, empty or without its first line", data, len);
        return;
    }
    if (prog_from_text(x->text, x->b, err, sizeof(err)) != 0) {
        char msg[400];
        snprintf(msg, sizeof(msg), "from_text refused to_text output: %s", err);
        fail(x, msg, data, len);
        return;
    }
    if (!prog_equal(x->a, x->b))
        fail(x, "decode -> to_text -> from_text gives another program", data, len);
    size_t n2 = prog_to_text(x->b, x->text2, TEXT_CAP);
    if (n2 != n || memcmp(x->text, x->text2, n) != 0)
        fail(x, "to_text is not deterministic", data, len);

    /* encode -> decode */
    size_t m = prog_encode(x->a, x->bytes, BYTES_CAP);
    if (m > BYTES_CAP) {
        fail(x, "encoding larger than any program can be", data, len);
        return;
    }
    prog_decode(x->bytes, m, x->c);
    if (!prog_equal(x->a, x->c))
        fail(x, "encode -> decode gives another program", data, len);
    size_t m2 = prog_encode(x->c, x->bytes2, BYTES_CAP);
    if (m2 != m || memcmp(x->bytes, x->bytes2, m) != 0)
        fail(x, "encoding is not canonical (encode(decode(encode(p))) differs)", data, len);

    /* Python */
    size_t k = prog_to_python(x->a, x->py, PY_CAP);
    if (k == 0 || k >= PY_CAP || strlen(x->py) != k)
        fail(x, "to_python output empty or truncated in 256 KiB", data, len);

    if (!deep)
        return;
    /* snprintf semantics with small buffers: the same length asked for,
     * nothing written past cap, always terminated */
    static const size_t caps[] = {1, 2, 17, 100, 1000};
    for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
        size_t cap = caps[i];
        memset(x->text2, 0x7f, cap + 8);
        if (prog_to_python(x->a, x->text2, cap) != k || x->text2[cap] != 0x7f ||
            strlen(x->text2) != (k < cap ? k : cap - 1))
            fail(x, "to_python with a small buffer", data, len);
        memset(x->text2, 0x7f, cap + 8);
        if (prog_to_text(x->a, x->text2, cap) != n || x->text2[cap] != 0x7f ||
            strlen(x->text2) != (n < cap ? n : cap - 1))
            fail(x, "to_text with a small buffer", data, len);
        memset(x->bytes2, 0x7f, cap + 8);
        if (prog_encode(x->a, x->bytes2, cap) != m || x->bytes2[cap] != 0x7f ||
            memcmp(x->bytes2, x->bytes, cap < m ? cap : m) != 0)
            fail(x, "encode with a small buffer", data, len);
    }
    if (prog_to_python(x->a, NULL, 0) != k || prog_to_text(x->a, NULL, 0) != n ||
        prog_encode(x->a, NULL, 0) != m)
        fail(x, "length query with a NULL buffer", data, len);
    host_switches sw;
    memset(&sw, 0, sizeof(sw));
    prog_host_switches(x->a, &sw);
}

static void random_input(rng *r, uint8_t *buf, size_t *len)
{
    *len = (size_t)(rng_next(r) % (RAND_MAX_LEN + 1));
    for (size_t i = 0; i < *len; i++)
        buf[i] = (uint8_t)rng_next(r);
}

/* ---- text that must be refused ------------------------------------------ */

static const char *const bad_texts[] = {
    "",
    "\n\n# only a comment\n",
    "hostrace-program 2\n",
    "hostrace-program\n",
    "hostrace-program 1 extra\n",
    "  hostrace-program 1\n",
    "thread daemon=0 loop=1\nhostrace-program 1\n",
    "hostrace-program 1\nhostrace-program 1\n",
    "hostrace-program 1\nfrobnicate\n",
    "hostrace-program 1\nloc_rmw ob=Cube axis=x\n",
    "hostrace-program 1\nloc_rmw ob=Cube axis=w form=axis\n",
    "hostrace-program 1\nloc_rmw ob=cube axis=x form=axis\n",
    "hostrace-program 1\nloc_rmw ob=Cube axis=x form=axis ob=Cube\n",
    "hostrace-program 1\nloc_rmw ob=Cube axis=x form=axis extra=1\n",
    "hostrace-program 1\nloc_rmw ob=Cube axis=x form=\n",
    "hostrace-program 1\nloc_rmw ob=Cube axis=x form\n",
    "hostrace-program 1\nloc_rmw =Cube axis=x form=axis\n",
    "hostrace-program 1\nthread daemon=0 loop=17\n",
    "hostrace-program 1\nthread daemon=0 loop=0\n",
    "hostrace-program 1\nthread daemon=0 loop=010\n",
    "hostrace-program 1\nthread daemon=0 loop=-1\n",
    "hostrace-program 1\nthread daemon=0 loop=+1\n",
    "hostrace-program 1\nthread daemon=0 loop=1.0\n",
    "hostrace-program 1\nthread daemon=0 loop=99999999999999999999999\n",
    "hostrace-program 1\nthread daemon=2 loop=1\n",
    "hostrace-program 1\ntimer delay_ms=15 daemon=0 loop=1\n",
    "hostrace-program 1\ntimer delay_ms=510 daemon=0 loop=1\n",
    "hostrace-program 1\nrun_on_main ob=Cube axis=x wait=2\n",
    "hostrace-program 1\nhandler on=load_post runs=1 loop=1\n",
    "hostrace-program 1\nsleep ms=1\n  sleep ms=1\n",
    "  sleep ms=1\n",
    "hostrace-program 1\n  sleep ms=1\n",
    "hostrace-program 1\nthread daemon=0 loop=1\n  thread daemon=0 loop=1\n",
    "hostrace-program 1\nthread daemon=0 loop=1\n  join target=t0\n",
    "hostrace-program 1\nthread daemon=0 loop=1\nschedule 00\n  sleep ms=1\n",
    ("hostrace-program 1\nthread daemon=0 loop=1\n  sleep ms=1\n  sleep ms=1\n  sleep ms=1\n"
     "  sleep ms=1\n  sleep ms=1\n  sleep ms=1\n  sleep ms=1\n"),
    "hostrace-program 1\njoin target=t0\n",
    "hostrace-program 1\njoin target=t1\nthread daemon=0 loop=1\n",
    "hostrace-program 1\nthread daemon=0 loop=1\njoin target=none\n",
    "hostrace-program 1\nthread daemon=0 loop=1\njoin target=pool0\n",
    "hostrace-program 1\npool workers=2 loop=1\njoin target=t0\n",
    "hostrace-program 1\nthread daemon=0 loop=1\njoin target=t00\n",
    "hostrace-program 1\nthread daemon=0 loop=1\njoin target=t1\n",
    "hostrace-program 1\nthread daemon=0 loop=1\njoin target=x0\n",
    "hostrace-program 1\nthread daemon=0 loop=1\njoin target=t\n",
    "hostrace-program 1\nthread daemon=0 loop=1\njoin target=pool\n",
    "hostrace-program 1\nsleep ms=1\njoin target=t0\n",
    "hostrace-program 1\nschedule 0\n",
    "hostrace-program 1\nschedule 0g\n",
    "hostrace-program 1\nschedule\n",
    "hostrace-program 1\nschedule 00 11\n",
    "hostrace-program 1\nhost lock_interface=2\n",
    "hostrace-program 1\nhost render=fast\n",
    "hostrace-program 1\nhost lock_interface=1 lock_interface=1\n",
    "hostrace-program 1\nhost fast=1\n",
    "hostrace-program 1\nhost\nhost\n",
    "hostrace-program 1\nsleep ms=1\nhost lock_interface=1\n",
    "hostrace-program 1\nsleep ms=1\nscene frames=2\n",
    "hostrace-program 1\nscene frames=9\n",
    "hostrace-program 1\nscene frames=0\n",
    "hostrace-program 1\nscene percent=17\n",
    "hostrace-program 1\nscene percent=01\n",
    "hostrace-program 1\nscene frames=1 frames=1\n",
    "hostrace-program 1\nloc_rmw ob=Cube axis=x form=axis a=1 b=2 c=3 d=4 e=5 f=6\n",
    "hostrace-program 1\ndrain now=1\n",
    "hostrace-program 1\nsleep ms=51\n",
    "hostrace-program 1\nverts_add n=0\n",
    "hostrace-program 1\nvert_rmw index=8 axis=x\n",
    "hostrace-program 1\nframe_set frame=17\n",
    "hostrace-program 1\npixels_read im=Img\n",
    "hostrace-program 1\nrender mode=INVOKE animation=1\n",
};

/* Text that must be accepted. */
static const char *const good_texts[] = {
    "hostrace-program 1\n",
    "# a comment first\n\nhostrace-program 1 # and one here\n",
    ("hostrace-program 1\r\nhost render=exec\r\nthread daemon=1 loop=16\r\n\tloc_rmw ob=Cube "
     "axis=x form=vector\r\n"),
    ("hostrace-program 1\nscene frames=8 percent=16\nhost\npool workers=8 loop=16 # pool0\n"
     "  loc_rmw ob=Cube axis=x form=axis\n  sleep ms=50\njoin target=pool0\nschedule 00FFaa\n"
     "schedule 12\n"),
    ("hostrace-program 1\nthread daemon=0 loop=1\ntimer delay_ms=500 daemon=1 loop=2\n"
     "join target=t1\njoin target=t0\n"),
    "hostrace-program 1\njoin target=none\nthread daemon=0 loop=1\n",
    ("hostrace-program 1\nhandler on=render_complete runs=8 loop=1\n  render mode=invoke "
     "animation=1\n  run_on_main ob=Obj2 axis=z wait=1\n"),
    ("hostrace-program 1\nhost lock_interface=1 render=exec timers_lock=1 main_thread_guard=1 "
     "rna_safety=1\n"),
};

static void check_bad(ctx *x, const char *text, int want_fail)
{
    char err[300];
    x->checks++;
    memset(err, 0x7f, sizeof(err));
    int r = prog_from_text(text, x->b, err, 256);
    if (want_fail && r != -1) {
        x->failures++;
        fprintf(stderr, "hr_prog_check: FAIL: accepted bad text:\n%s\n", text);
        return;
    }
    if (!want_fail && r != 0) {
        x->failures++;
        fprintf(stderr, "hr_prog_check: FAIL: refused good text (%s):\n%s\n", err, text);
        return;
    }
    if (r == -1 && (strncmp(err, "line ", 5) != 0 || strlen(err) >= 256 ||
                    (unsigned char)err[256] != 0x7f)) {
        x->failures++;
        fprintf(stderr, "hr_prog_check: FAIL: error message '%.*s' for:\n%s\n", 255, err, text);
    }
    if (r == 0) {
        /* whatever was accepted must round-trip */
        prog_to_text(x->b, x->text2, TEXT_CAP);
        if (prog_from_text(x->text2, x->c, err, sizeof(err)) != 0 || !prog_equal(x->b, x->c)) {
            x->failures++;
            fprintf(stderr, "hr_prog_check: FAIL: accepted text does not round-trip:\n%s\n", text);
        }
    }
}

static const char *const vocab[] = {
    "hostrace-program", "1", "0", "host", "scene", "schedule", "thread", "timer", "pool",
    "join", "app_timer", "handler", "draw_handler", "modal", "loc_rmw", "new", "remove",
    "rename", "verts_add", "vert_rmw", "pixels_read", "pixels_write", "frame_set", "hide",
    "hide_collection", "render", "timer_call", "run_on_main", "post", "drain", "sleep",
    "iterate", "editmode_toggle", "ob=Cube", "ob=Obj1", "axis=x", "form=vector", "loop=16",
    "loop=3", "daemon=1", "workers=8", "target=t0", "target=pool2", "target=none", "wait=1",
    "runs=8", "on=render_pre", "interval_ms=20", "delay_ms=500", "ms=0", "n=8", "index=7",
    "im=img", "frame=16", "mode=exec", "animation=0", "mesh=1", "to=Light", "=", "#", " ",
    "  ", "\t", "\n", "\n  ", "\r\n", "00ff", "abc", "lock_interface=1", "frames=8",
    "percent=16", "render=exec", "99999999999", "-", "t1", "pool",
};

/* Mutations of valid text and token soup: never a crash; refused with a
 * "line N:" message, or accepted and then round-tripping. */
static void check_mutations(ctx *x, rng *r, long count)
{
    char *buf = malloc(TEXT_CAP);
    uint8_t *data = malloc(RAND_MAX_LEN);
    if (!buf || !data) {
        x->failures++;
        free(buf);
        free(data);
        return;
    }
    char err[300];
    for (long i = 0; i < count; i++) {
        size_t len = 0;
        int mode = (int)(rng_next(r) % 4);
        if (mode < 2) {
            size_t dl;
            random_input(r, data, &dl);
            prog_decode(data, dl, x->a);
            len = prog_to_text(x->a, buf, TEXT_CAP / 2);
            if (len >= TEXT_CAP / 2)
                len = TEXT_CAP / 2 - 1;
            int edits = 1 + (int)(rng_next(r) % 4);
            for (int e = 0; e < edits && len > 0; e++) {
                size_t at = (size_t)(rng_next(r) % len);
                switch (rng_next(r) % 6) {
                case 0: /* replace one character (never by NUL) */
                    buf[at] = (char)(1 + rng_next(r) % 255);
                    break;
                case 1: /* truncate */
                    len = at;
                    break;
                case 2: { /* delete a range */
                    size_t k = 1 + (size_t)(rng_next(r) % 16);
                    if (at + k > len)
                        k = len - at;
                    memmove(buf + at, buf + at + k, len - at - k);
                    len -= k;
                    break;
                }
                case 3: { /* insert a vocabulary word */
                    const char *w = vocab[rng_next(r) % (sizeof(vocab) / sizeof(vocab[0]))];
                    size_t k = strlen(w);
                    if (len + k < TEXT_CAP / 2) {
                        memmove(buf + at + k, buf + at, len - at);
                        memcpy(buf + at, w, k);
                        len += k;
                    }
                    break;
                }
                case 4: /* a digit changed */
                    if (buf[at] >= '0' && buf[at] <= '9')
                        buf[at] = (char)('0' + rng_next(r) % 10);
                    break;
                default: { /* duplicate a span */
                    size_t k = 1 + (size_t)(rng_next(r) % 64);
                    if (at + k > len)
                        k = len - at;
                    if (len + k < TEXT_CAP / 2) {
                        memmove(buf + at + k, buf + at, len - at);
                        len += k;
                    }
                    break;
                }
                }
            }
        } else if (mode == 2) {
            if (rng_next(r) % 2) {
                memcpy(buf, "hostrace-program 1\n", 19);
                len = 19;
            }
            int words = (int)(rng_next(r) % 64);
            for (int k = 0; k < words; k++) {
                const char *w = vocab[rng_next(r) % (sizeof(vocab) / sizeof(vocab[0]))];
                size_t wl = strlen(w);
                memcpy(buf + len, w, wl);
                len += wl;
                if (rng_next(r) % 2)
                    buf[len++] = ' ';
            }
        } else {
            len = (size_t)(rng_next(r) % 300);
            for (size_t k = 0; k < len; k++)
                buf[k] = (char)(1 + rng_next(r) % 255);
        }
        buf[len] = '\0';
        static const size_t errlens[] = {0, 1, 6, 256};
        size_t el = errlens[rng_next(r) % 4];
        memset(err, 0x7f, sizeof(err));
        x->checks++;
        int rc = prog_from_text(buf, x->b, el ? err : NULL, el);
        if (rc != 0 && rc != -1) {
            x->failures++;
            fprintf(stderr, "hr_prog_check: FAIL: from_text returned %d\n", rc);
        } else if ((unsigned char)err[el] != 0x7f && el < sizeof(err)) {
            x->failures++;
            fprintf(stderr, "hr_prog_check: FAIL: from_text wrote past errlen %zu\n", el);
        } else if (rc == -1 && el == 256 && strncmp(err, "line ", 5) != 0) {
            x->failures++;
            fprintf(stderr, "hr_prog_check: FAIL: error without 'line N:': %.200s\n", err);
        } else if (rc == 0) {
            prog_to_text(x->b, x->text2, TEXT_CAP);
            if (prog_from_text(x->text2, x->c, err, sizeof(err)) != 0 || !prog_equal(x->b, x->c)) {
                x->failures++;
                fprintf(stderr, "hr_prog_check: FAIL: an accepted mutation does not round-trip\n");
            }
        }
    }
    /* a schedule longer than PROG_MAX_SCHED is refused */
    size_t len = (size_t)snprintf(buf, TEXT_CAP, "hostrace-program 1\n");
    for (size_t k = 0; k < PROG_MAX_SCHED / 32 + 1; k++) {
        len += (size_t)snprintf(buf + len, TEXT_CAP - len, "schedule ");
        for (int j = 0; j < 32; j++)
            len += (size_t)snprintf(buf + len, TEXT_CAP - len, "a5");
        len += (size_t)snprintf(buf + len, TEXT_CAP - len, "\n");
    }
    check_bad(x, buf, 1);
    /* a very long line */
    memcpy(buf, "hostrace-program 1\nsleep ms=", 28);
    memset(buf + 28, '7', 100000);
    buf[100028] = '\0';
    check_bad(x, buf, 1);
    free(buf);
    free(data);
}

/* ---- files ----------------------------------------------------------------- */

static int write_file(const char *path, const char *s, size_t n)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "hr_prog_check: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    int bad = fwrite(s, 1, n, f) != n;
    if (fclose(f) != 0)
        bad = 1;
    if (bad)
        fprintf(stderr, "hr_prog_check: cannot write %s\n", path);
    return bad ? -1 : 0;
}

static int cmd_python(ctx *x, const char *dir, long n)
{
    rng r = {SEED};
    uint8_t data[RAND_MAX_LEN];
    char path[4096];
    for (long i = 0; i < n; i++) {
        size_t len;
        random_input(&r, data, &len);
        prog_decode(data, len, x->a);
        size_t k = prog_to_python(x->a, x->py, PY_CAP);
        if (k >= PY_CAP) {
            fprintf(stderr, "hr_prog_check: program %ld does not fit in 256 KiB\n", i);
            return 1;
        }
        snprintf(path, sizeof(path), "%s/prog_%05ld.py", dir, i);
        if (write_file(path, x->py, k) < 0)
            return 1;
    }
    printf("hr_prog_check: wrote %ld programs to %s\n", n, dir);
    return 0;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmd_seeds(ctx *x, const char *dir, const char *outdir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "hr_prog_check: cannot open %s: %s\n", dir, strerror(errno));
        return 1;
    }
    char *names[1024];
    int nnames = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && nnames < 1024) {
        size_t l = strlen(e->d_name);
        if (l > 4 && strcmp(e->d_name + l - 4, ".txt") == 0)
            names[nnames++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)nnames, sizeof(names[0]), name_cmp);
    int bad = 0;
    char path[4096], err[300];
    for (int i = 0; i < nnames; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        FILE *f = fopen(path, "r");
        size_t n = f ? fread(x->text, 1, TEXT_CAP - 1, f) : 0;
        if (f)
            fclose(f);
        x->text[n] = '\0';
        if (!f || n == 0) {
            fprintf(stderr, "hr_prog_check: %s: unreadable or empty\n", path);
            bad++;
            continue;
        }
        if (prog_from_text(x->text, x->a, err, sizeof(err)) != 0) {
            fprintf(stderr, "hr_prog_check: %s: %s\n", path, err);
            bad++;
            continue;
        }
        if (!strstr(x->text, "# expect: ")) {
            fprintf(stderr, "hr_prog_check: %s: no '# expect: ...' line\n", path);
            bad++;
        }
        prog_to_text(x->a, x->text2, TEXT_CAP);
        if (prog_from_text(x->text2, x->b, err, sizeof(err)) != 0 || !prog_equal(x->a, x->b)) {
            fprintf(stderr, "hr_prog_check: %s: does not round-trip\n", path);
            bad++;
        }
        size_t m = prog_encode(x->a, x->bytes, BYTES_CAP);
        prog_decode(x->bytes, m, x->b);
        if (m > BYTES_CAP || !prog_equal(x->a, x->b)) {
            fprintf(stderr, "hr_prog_check: %s: encode -> decode differs\n", path);
            bad++;
        }
        size_t k = prog_to_python(x->a, x->py, PY_CAP);
        if (k >= PY_CAP) {
            fprintf(stderr, "hr_prog_check: %s: Python form truncated\n", path);
            bad++;
        } else if (outdir) {
            char stem[1024];
            snprintf(stem, sizeof(stem), "%.*s", (int)(strlen(names[i]) - 4), names[i]);
            snprintf(path, sizeof(path), "%s/%s.py", outdir, stem);
            if (write_file(path, x->py, k) < 0)
                bad++;
        }
    }
    for (int i = 0; i < nnames; i++)
        free(names[i]);
    if (!nnames) {
        fprintf(stderr, "hr_prog_check: no *.txt seed in %s\n", dir);
        return 1;
    }
    printf("hr_prog_check: %d seed%s in %s, %d bad\n", nnames, nnames == 1 ? "" : "s", dir, bad);
    return bad ? 1 : 0;
}

static int cmd_dump(ctx *x, long which)
{
    rng r = {SEED};
    uint8_t data[RAND_MAX_LEN];
    size_t len = 0;
    for (long i = 0; i <= which; i++)
        random_input(&r, data, &len);
    prog_decode(data, len, x->a);
    prog_to_text(x->a, x->text, TEXT_CAP);
    prog_to_python(x->a, x->py, PY_CAP);
    printf("%s\n----\n%s", x->text, x->py);
    return 0;
}

/* ---- main ------------------------------------------------------------------ */

static int cmd_check(ctx *x, long n);

static int usage(void)
{
    fprintf(stderr, "usage: hr_prog_check [N] | --python DIR N | --seeds DIR [OUTDIR] | "
                    "--dump K\n");
    return 2;
}

static long parse_count(const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    return errno || *end || end == s || v < 0 ? -1 : v;
}

int main(int argc, char **argv)
{
    ctx x;
    memset(&x, 0, sizeof(x));
    x.a = prog_new();
    x.b = prog_new();
    x.c = prog_new();
    x.text = malloc(TEXT_CAP);
    x.text2 = malloc(TEXT_CAP);
    x.py = malloc(PY_CAP);
    x.bytes = malloc(BYTES_CAP);
    x.bytes2 = malloc(BYTES_CAP);
    if (!x.a || !x.b || !x.c || !x.text || !x.text2 || !x.py || !x.bytes || !x.bytes2) {
        fprintf(stderr, "hr_prog_check: out of memory\n");
        return 1;
    }
    int rc;
    if (argc >= 2 && strcmp(argv[1], "--python") == 0) {
        long n = argc == 4 ? parse_count(argv[3]) : -1;
        rc = n < 0 ? usage() : cmd_python(&x, argv[2], n);
    } else if (argc >= 2 && strcmp(argv[1], "--seeds") == 0) {
        rc = argc != 3 && argc != 4 ? usage() : cmd_seeds(&x, argv[2], argc == 4 ? argv[3] : NULL);
    } else if (argc >= 2 && strcmp(argv[1], "--dump") == 0) {
        long k = argc == 3 ? parse_count(argv[2]) : -1;
        rc = k < 0 ? usage() : cmd_dump(&x, k);
    } else {
        long n = 100000;
        if (argc > 2 || (argc == 2 && (n = parse_count(argv[1])) < 0))
            rc = usage();
        else
            rc = cmd_check(&x, n);
    }
    prog_free(x.a);
    prog_free(x.b);
    prog_free(x.c);
    free(x.text);
    free(x.text2);
    free(x.py);
    free(x.bytes);
    free(x.bytes2);
    return rc;
}

/* (a) random inputs and edge cases, (b) text that must be refused or
 * accepted and mutated text. */
static int cmd_check(ctx *x, long n)
{
    /* (a) random inputs and edge cases */
    rng r = {SEED};
    uint8_t data[RAND_MAX_LEN];
    for (long i = 0; i < n; i++) {
        size_t len;
        random_input(&r, data, &len);
        check_input(x, data, len, i % 97 == 0);
    }
    size_t big = PROG_MAX_SCHED + 2048;
    uint8_t *edge = malloc(big);
    if (!edge) {
        fprintf(stderr, "hr_prog_check: out of memory\n");
        return 1;
    }
    check_input(x, NULL, 0, 1);
    check_input(x, edge, 0, 1);
    memset(edge, 0x00, big);
    check_input(x, edge, 4096, 1);
    check_input(x, edge, big, 1);
    memset(edge, 0xff, big);
    check_input(x, edge, 4096, 1);
    check_input(x, edge, big, 1);
    for (size_t i = 0; i < big; i++)
        edge[i] = (uint8_t)rng_next(&r);
    check_input(x, edge, 65536, 1);
    check_input(x, edge, big, 1);
    for (size_t len = 1; len < 64; len++) /* every short prefix of a random input */
        check_input(x, edge, len, 1);
    free(edge);

    /* (b) text that must be refused, text that must be accepted, mutations */
    for (size_t i = 0; i < sizeof(bad_texts) / sizeof(bad_texts[0]); i++)
        check_bad(x, bad_texts[i], 1);
    for (size_t i = 0; i < sizeof(good_texts) / sizeof(good_texts[0]); i++)
        check_bad(x, good_texts[i], 0);
    check_mutations(x, &r, n / 4 + 100);
    char err[8];
    x->checks++;
    if (prog_from_text(NULL, x->a, err, sizeof(err)) != -1) {
        x->failures++;
        fprintf(stderr, "hr_prog_check: FAIL: NULL text accepted\n");
    }

    printf("hr_prog_check: %ld random inputs, %ld checks, %ld failure%s\n", n, x->checks,
           x->failures, x->failures == 1 ? "" : "s");
    return x->failures ? 1 : 0;
}
