/* harness/prog/prog.c: the program codec (interface and guarantees in prog.h).
 *
 * A program is a header (host switches, scene frame range and render size),
 * up to PROG_MAX_OPS top-level operations and the schedule bytes. Every
 * operation is one kind and up to three small parameters, each an index
 * into its range; operations that carry a body (threads, Timers, pools,
 * bpy.app.timers functions, handlers, draw handlers, modal operators) hold
 * up to PROG_MAX_BODY simple operations run `loop` times.
 *
 * Bytes, in order (a byte past the end of the input reads as 0):
 *
 *   header  sw       host switches: none unless the byte is >= 0xE0, then
 *                    its low five bits: lock_interface, render=exec,
 *                    timers_lock, main_thread_guard, rna_safety
 *           frames   scene.frame_end = 1 + byte % 8
 *           percent  render.resolution_percentage = 1 + byte % 16
 *           nops     byte % (PROG_MAX_OPS + 1)
 *   op      kind     byte % 27 (the 19 simple kinds, then the 8 below)
 *           params   one byte each, reduced modulo the parameter's range;
 *                    a `wait` parameter is 1 only for a byte whose low three
 *                    bits are all set; a join's target is byte % (spawns so
 *                    far), or none when there is no spawn yet
 *           body     (kinds with a body) byte % (PROG_MAX_BODY + 1) simple
 *                    operations, each a kind byte % 19 and its params
 *   schedule the rest of the input, at most PROG_MAX_SCHED bytes
 *
 * The kinds and their parameters are the table prog_kinds below; the text
 * form writes each operation as its name and key=value for every
 * parameter, so the table is the grammar too. */
#include "prog.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the operations -------------------------------------------------- */

enum prog_kind_id {
    /* simple: top level and in bodies */
    PK_LOC_RMW = 0,
    PK_NEW,
    PK_REMOVE,
    PK_RENAME,
    PK_VERTS_ADD,
    PK_VERT_RMW,
    PK_PIXELS_READ,
    PK_PIXELS_WRITE,
    PK_FRAME_SET,
    PK_HIDE,
    PK_HIDE_COLLECTION,
    PK_RENDER,
    PK_TIMER_CALL,
    PK_RUN_ON_MAIN,
    PK_POST,
    PK_DRAIN,
    PK_SLEEP,
    PK_ITERATE,
    PK_EDITMODE,
    PK_NSIMPLE,
    /* top level only */
    PK_THREAD = PK_NSIMPLE,
    PK_TIMER,
    PK_POOL,
    PK_JOIN,
    PK_APP_TIMER,
    PK_HANDLER,
    PK_DRAW,
    PK_MODAL,
    PK_NTOP,
};

enum prog_param_type {
    PROG_P_INT,    /* lo + idx * step, written in decimal */
    PROG_P_ENUM,   /* names[idx] */
    PROG_P_RARE,   /* 0 or 1; 1 only from a byte with its low three bits set */
    PROG_P_TARGET, /* an earlier spawn (join): op index, or PROG_NONE */
};

#define PROG_MAX_PARAMS 3
#define PROG_NONE 255
#define PROG_NOBJ 6
#define PROG_NORACLE 3 /* the startup objects Cube, Camera, Light */
#define PROG_RENDER_BUDGET 4
#define PROG_MAX_OBJECTS 12 /* `new` adds none past this: renames cannot grow Main */
#define PROG_NHANDLERS 11

typedef struct prog_param {
    const char *key;
    int type;
    int n; /* number of values */
    int lo, step;
    const char *const *names;
} prog_param;

typedef struct prog_kind_def {
    const char *name;
    int nparams;
    prog_param p[PROG_MAX_PARAMS];
    int body;
} prog_kind_def;

static const char *const prog_obj_names[PROG_NOBJ] = {"Cube", "Camera", "Light",
                                                      "Obj0", "Obj1", "Obj2"};
static const char *const prog_axis_names[3] = {"x", "y", "z"};
static const char *const prog_form_names[2] = {"axis", "vector"};
static const char *const prog_im_names[2] = {"img", "render_result"};
static const char *const prog_im_py[2] = {"Img", "Render Result"};
static const char *const prog_mode_names[2] = {"invoke", "exec"};
/* the bpy.app.handlers lists the model fires (load_* and save_* exist but
 * never run) */
static const char *const prog_handler_names[PROG_NHANDLERS] = {
    "render_init",       "render_pre",        "render_post",          "render_write",
    "render_stats",      "render_complete",   "render_cancel",        "frame_change_pre",
    "frame_change_post", "depsgraph_update_pre", "depsgraph_update_post",
};

#define P_OB(k) {k, PROG_P_ENUM, PROG_NOBJ, 0, 0, prog_obj_names}
#define P_AXIS {"axis", PROG_P_ENUM, 3, 0, 0, prog_axis_names}
#define P_BOOL(k) {k, PROG_P_INT, 2, 0, 1, NULL}
#define P_LOOP {"loop", PROG_P_INT, 16, 1, 1, NULL}
#define P_RUNS {"runs", PROG_P_INT, 8, 1, 1, NULL}
#define P_MS10(k) {k, PROG_P_INT, 51, 0, 10, NULL}

static const prog_kind_def prog_kinds[PK_NTOP] = {
    [PK_LOC_RMW] = {"loc_rmw", 3, {P_OB("ob"), P_AXIS, {"form", PROG_P_ENUM, 2, 0, 0, prog_form_names}}, 0},
    [PK_NEW] = {"new", 2, {P_OB("ob"), P_BOOL("mesh")}, 0},
    [PK_REMOVE] = {"remove", 1, {P_OB("ob")}, 0},
    [PK_RENAME] = {"rename", 2, {P_OB("ob"), P_OB("to")}, 0},
    [PK_VERTS_ADD] = {"verts_add", 1, {{"n", PROG_P_INT, 8, 1, 1, NULL}}, 0},
    [PK_VERT_RMW] = {"vert_rmw", 2, {{"index", PROG_P_INT, 8, 0, 1, NULL}, P_AXIS}, 0},
    [PK_PIXELS_READ] = {"pixels_read", 1, {{"im", PROG_P_ENUM, 2, 0, 0, prog_im_names}}, 0},
    [PK_PIXELS_WRITE] = {"pixels_write", 1, {{"im", PROG_P_ENUM, 2, 0, 0, prog_im_names}}, 0},
    [PK_FRAME_SET] = {"frame_set", 1, {{"frame", PROG_P_INT, 16, 1, 1, NULL}}, 0},
    [PK_HIDE] = {"hide", 1, {P_OB("ob")}, 0},
    [PK_HIDE_COLLECTION] = {"hide_collection", 0, {{0}}, 0},
    [PK_RENDER] = {"render", 2, {{"mode", PROG_P_ENUM, 2, 0, 0, prog_mode_names}, P_BOOL("animation")}, 0},
    [PK_TIMER_CALL] = {"timer_call", 2, {P_OB("ob"), P_AXIS}, 0},
    [PK_RUN_ON_MAIN] = {"run_on_main", 3, {P_OB("ob"), P_AXIS, {"wait", PROG_P_RARE, 2, 0, 1, NULL}}, 0},
    [PK_POST] = {"post", 2, {P_OB("ob"), P_AXIS}, 0},
    [PK_DRAIN] = {"drain", 0, {{0}}, 0},
    [PK_SLEEP] = {"sleep", 1, {{"ms", PROG_P_INT, 51, 0, 1, NULL}}, 0},
    [PK_ITERATE] = {"iterate", 0, {{0}}, 0},
    [PK_EDITMODE] = {"editmode_toggle", 0, {{0}}, 0},
    [PK_THREAD] = {"thread", 2, {P_BOOL("daemon"), P_LOOP}, 1},
    [PK_TIMER] = {"timer", 3, {P_MS10("delay_ms"), P_BOOL("daemon"), P_LOOP}, 1},
    [PK_POOL] = {"pool", 2, {{"workers", PROG_P_INT, 8, 1, 1, NULL}, P_LOOP}, 1},
    [PK_JOIN] = {"join", 1, {{"target", PROG_P_TARGET, 0, 0, 0, NULL}}, 0},
    [PK_APP_TIMER] = {"app_timer", 3, {P_MS10("interval_ms"), P_RUNS, P_LOOP}, 1},
    [PK_HANDLER] = {"handler", 3, {{"on", PROG_P_ENUM, PROG_NHANDLERS, 0, 0, prog_handler_names}, P_RUNS, P_LOOP}, 1},
    [PK_DRAW] = {"draw_handler", 2, {P_RUNS, P_LOOP}, 1},
    [PK_MODAL] = {"modal", 3, {P_MS10("interval_ms"), P_RUNS, P_LOOP}, 1},
};

/* host switch bits, in header order */
enum {
    PROG_SW_LOCK_INTERFACE = 1 << 0,
    PROG_SW_RENDER_EXEC = 1 << 1,
    PROG_SW_TIMERS_LOCK = 1 << 2,
    PROG_SW_MAIN_THREAD_GUARD = 1 << 3,
    PROG_SW_RNA_SAFETY = 1 << 4,
    PROG_SW_ALL = 0x1F,
};

#define PROG_NFRAMES 8
#define PROG_NPERCENT 16

/* ---- the program ----------------------------------------------------- */

typedef struct prog_sop {
    uint8_t kind;
    uint8_t v[PROG_MAX_PARAMS];
} prog_sop;

typedef struct prog_top {
    uint8_t kind;
    uint8_t v[PROG_MAX_PARAMS]; /* join: v[0] is the target's op index or PROG_NONE */
    uint8_t nbody;
    prog_sop body[PROG_MAX_BODY];
} prog_top;

struct prog_program {
    uint8_t sw;      /* PROG_SW_* bits */
    uint8_t frames;  /* frame_end = 1 + frames */
    uint8_t percent; /* resolution_percentage = 1 + percent */
    int nops;
    prog_top ops[PROG_MAX_OPS];
    size_t nsched;
    uint8_t sched[PROG_MAX_SCHED];
};

static void prog_reset(prog_program *p)
{
    p->sw = 0;
    p->frames = 0;
    p->percent = 0;
    p->nops = 0;
    memset(p->ops, 0, sizeof(p->ops));
    p->nsched = 0;
}

prog_program *prog_new(void)
{
    prog_program *p = malloc(sizeof(*p));
    if (p)
        prog_reset(p);
    return p;
}

void prog_free(prog_program *p) { free(p); }

static int prog_is_spawn(int kind)
{
    return kind == PK_THREAD || kind == PK_TIMER || kind == PK_POOL;
}

/* ---- bytes ----------------------------------------------------------- */

typedef struct prog_reader {
    const uint8_t *d;
    size_t len, pos;
} prog_reader;

static uint8_t prog_rd(prog_reader *r)
{
    return r->pos < r->len ? r->d[r->pos++] : 0;
}

typedef struct prog_writer {
    uint8_t *out;
    size_t cap, len;
} prog_writer;

static void prog_wr(prog_writer *w, uint8_t b)
{
    if (w->out && w->len < w->cap)
        w->out[w->len] = b;
    w->len++;
}

/* The op index of the k-th spawn before op `before`, or PROG_NONE. */
static int prog_spawn_at(const prog_program *p, int before, int k)
{
    for (int i = 0; i < before; i++)
        if (prog_is_spawn(p->ops[i].kind) && k-- == 0)
            return i;
    return PROG_NONE;
}

static int prog_spawns_before(const prog_program *p, int before)
{
    int n = 0;
    for (int i = 0; i < before; i++)
        n += prog_is_spawn(p->ops[i].kind);
    return n;
}

static uint8_t prog_param_decode(const prog_program *p, int opi, const prog_param *pp, uint8_t b)
{
    switch (pp->type) {
    case PROG_P_RARE:
        return (b & 7) == 7;
    case PROG_P_TARGET: {
        int n = prog_spawns_before(p, opi);
        return n ? (uint8_t)prog_spawn_at(p, opi, b % n) : PROG_NONE;
    }
    default:
        return (uint8_t)(b % pp->n);
    }
}

static uint8_t prog_param_encode(const prog_program *p, const prog_param *pp, uint8_t v)
{
    switch (pp->type) {
    case PROG_P_RARE:
        return v ? 7 : 0;
    case PROG_P_TARGET:
        return v == PROG_NONE ? 0 : (uint8_t)prog_spawns_before(p, v);
    default:
        return v;
    }
}

void prog_decode(const uint8_t *data, size_t len, prog_program *p)
{
    prog_reader r = {data, data ? len : 0, 0};
    prog_reset(p);
    uint8_t b = prog_rd(&r);
    p->sw = b >= 0xE0 ? (uint8_t)(b & PROG_SW_ALL) : 0;
    p->frames = prog_rd(&r) % PROG_NFRAMES;
    p->percent = prog_rd(&r) % PROG_NPERCENT;
    int n = prog_rd(&r) % (PROG_MAX_OPS + 1);
    for (int i = 0; i < n; i++) {
        prog_top *op = &p->ops[i];
        op->kind = prog_rd(&r) % PK_NTOP;
        const prog_kind_def *k = &prog_kinds[op->kind];
        for (int j = 0; j < k->nparams; j++)
            op->v[j] = prog_param_decode(p, i, &k->p[j], prog_rd(&r));
        if (!k->body)
            continue;
        op->nbody = prog_rd(&r) % (PROG_MAX_BODY + 1);
        for (int j = 0; j < op->nbody; j++) {
            prog_sop *s = &op->body[j];
            s->kind = prog_rd(&r) % PK_NSIMPLE;
            const prog_kind_def *sk = &prog_kinds[s->kind];
            for (int m = 0; m < sk->nparams; m++)
                s->v[m] = prog_param_decode(p, i, &sk->p[m], prog_rd(&r));
        }
    }
    p->nops = n;
    size_t rest = r.pos < r.len ? r.len - r.pos : 0;
    if (rest > PROG_MAX_SCHED)
        rest = PROG_MAX_SCHED;
    if (rest)
        memcpy(p->sched, data + r.pos, rest);
    p->nsched = rest;
}

size_t prog_encode(const prog_program *p, uint8_t *out, size_t cap)
{
    prog_writer w = {out, cap, 0};
    prog_wr(&w, p->sw ? (uint8_t)(0xE0 | (p->sw & PROG_SW_ALL)) : 0);
    prog_wr(&w, p->frames);
    prog_wr(&w, p->percent);
    prog_wr(&w, (uint8_t)p->nops);
    for (int i = 0; i < p->nops; i++) {
        const prog_top *op = &p->ops[i];
        const prog_kind_def *k = &prog_kinds[op->kind];
        prog_wr(&w, op->kind);
        for (int j = 0; j < k->nparams; j++)
            prog_wr(&w, prog_param_encode(p, &k->p[j], op->v[j]));
        if (!k->body)
            continue;
        prog_wr(&w, op->nbody);
        for (int j = 0; j < op->nbody; j++) {
            const prog_sop *s = &op->body[j];
            const prog_kind_def *sk = &prog_kinds[s->kind];
            prog_wr(&w, s->kind);
            for (int m = 0; m < sk->nparams; m++)
                prog_wr(&w, prog_param_encode(p, &sk->p[m], s->v[m]));
        }
    }
    for (size_t i = 0; i < p->nsched; i++)
        prog_wr(&w, p->sched[i]);
    return w.len;
}

/* ---- accessors ------------------------------------------------------- */

int prog_equal(const prog_program *a, const prog_program *b)
{
    if (a->sw != b->sw || a->frames != b->frames || a->percent != b->percent ||
        a->nops != b->nops || a->nsched != b->nsched)
        return 0;
    for (int i = 0; i < a->nops; i++) {
        const prog_top *x = &a->ops[i], *y = &b->ops[i];
        if (x->kind != y->kind)
            return 0;
        const prog_kind_def *k = &prog_kinds[x->kind];
        for (int j = 0; j < k->nparams; j++)
            if (x->v[j] != y->v[j])
                return 0;
        if (!k->body)
            continue;
        if (x->nbody != y->nbody)
            return 0;
        for (int j = 0; j < x->nbody; j++) {
            if (x->body[j].kind != y->body[j].kind)
                return 0;
            const prog_kind_def *sk = &prog_kinds[x->body[j].kind];
            for (int m = 0; m < sk->nparams; m++)
                if (x->body[j].v[m] != y->body[j].v[m])
                    return 0;
        }
    }
    return memcmp(a->sched, b->sched, a->nsched) == 0;
}

void prog_host_switches(const prog_program *p, host_switches *sw)
{
    if (p->sw & PROG_SW_LOCK_INTERFACE)
        sw->lock_interface = 1;
    if (p->sw & PROG_SW_RENDER_EXEC)
        sw->render = HOST_RENDER_EXEC;
    if (p->sw & PROG_SW_TIMERS_LOCK)
        sw->timers_lock = 1;
    if (p->sw & PROG_SW_MAIN_THREAD_GUARD)
        sw->main_thread_guard = 1;
    if (p->sw & PROG_SW_RNA_SAFETY)
        sw->rna_safety = 1;
}

const uint8_t *prog_schedule(const prog_program *p, size_t *len)
{
    if (len)
        *len = p->nsched;
    return p->sched;
}

int prog_op_count(const prog_program *p) { return p->nops; }

/* ---- editing (for hostrace minimize) ---------------------------------- */

/* Drops top-level op i and renumbers the join targets after it. The
 * caller has removed the joins of op i already. */
static void prog_drop_top(prog_program *p, int i)
{
    for (int k = i + 1; k < p->nops; k++) {
        prog_top *op = &p->ops[k];
        if (op->kind == PK_JOIN && op->v[0] != PROG_NONE && op->v[0] > i)
            op->v[0]--;
    }
    memmove(&p->ops[i], &p->ops[i + 1], (size_t)(p->nops - i - 1) * sizeof(p->ops[0]));
    p->nops--;
    memset(&p->ops[p->nops], 0, sizeof(p->ops[0]));
}

int prog_remove_op(prog_program *p, int i)
{
    if (i < 0 || i >= p->nops)
        return -1;
    int removed = 0;
    if (prog_is_spawn(p->ops[i].kind)) {
        /* joins of op i come after it: drop them from the end backwards */
        for (int k = p->nops - 1; k > i; k--)
            if (p->ops[k].kind == PK_JOIN && p->ops[k].v[0] == i) {
                prog_drop_top(p, k);
                removed++;
            }
    }
    prog_drop_top(p, i);
    return removed + 1;
}

int prog_body_count(const prog_program *p, int i)
{
    if (i < 0 || i >= p->nops || !prog_kinds[p->ops[i].kind].body)
        return -1;
    return p->ops[i].nbody;
}

int prog_remove_body_op(prog_program *p, int i, int j)
{
    int n = prog_body_count(p, i);
    if (n < 0 || j < 0 || j >= n)
        return -1;
    prog_top *op = &p->ops[i];
    memmove(&op->body[j], &op->body[j + 1], (size_t)(n - j - 1) * sizeof(op->body[0]));
    op->nbody--;
    memset(&op->body[op->nbody], 0, sizeof(op->body[0]));
    return 0;
}

int prog_op_is_spawn(const prog_program *p, int i)
{
    return i >= 0 && i < p->nops && prog_is_spawn(p->ops[i].kind);
}

/* The index of integer parameter key in op i's kind, or -1. */
static int prog_int_param(const prog_program *p, int i, const char *key)
{
    if (i < 0 || i >= p->nops || !key)
        return -1;
    const prog_kind_def *k = &prog_kinds[p->ops[i].kind];
    for (int j = 0; j < k->nparams; j++)
        if (k->p[j].type == PROG_P_INT && strcmp(k->p[j].key, key) == 0)
            return j;
    return -1;
}

int prog_op_param(const prog_program *p, int i, const char *key)
{
    int j = prog_int_param(p, i, key);
    if (j < 0)
        return -1;
    const prog_param *pp = &prog_kinds[p->ops[i].kind].p[j];
    return pp->lo + p->ops[i].v[j] * pp->step;
}

int prog_set_op_param(prog_program *p, int i, const char *key, int value)
{
    int j = prog_int_param(p, i, key);
    if (j < 0)
        return -1;
    const prog_param *pp = &prog_kinds[p->ops[i].kind].p[j];
    int off = value - pp->lo;
    /* a step of 0 (none in the table) would make every value the same */
    if (off < 0 || (pp->step > 0 && off % pp->step != 0))
        return -1;
    int idx = pp->step > 0 ? off / pp->step : 0;
    if (idx >= pp->n)
        return -1;
    p->ops[i].v[j] = (uint8_t)idx;
    return 0;
}

void prog_set_schedule(prog_program *p, const uint8_t *bytes, size_t len)
{
    if (len > PROG_MAX_SCHED)
        len = PROG_MAX_SCHED;
    if (len && bytes)
        memmove(p->sched, bytes, len);
    p->nsched = bytes ? len : 0;
}

/* ---- bounded text output -------------------------------------------- */

/* snprintf semantics over a whole document: len counts every character
 * asked for, at most cap - 1 are stored, and the buffer stays terminated. */
typedef struct prog_out {
    char *buf;
    size_t cap, len;
} prog_out;

static void prog_vprintf(prog_out *o, const char *fmt, va_list ap)
{
    char *dst = NULL;
    size_t room = 0;
    if (o->buf && o->len < o->cap) {
        dst = o->buf + o->len;
        room = o->cap - o->len;
    }
    int n = vsnprintf(dst, room, fmt, ap);
    if (n > 0)
        o->len += (size_t)n;
}

static void prog_printf(prog_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void prog_printf(prog_out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    prog_vprintf(o, fmt, ap);
    va_end(ap);
}

/* One line indented by ind spaces. */
static void prog_line(prog_out *o, int ind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void prog_line(prog_out *o, int ind, const char *fmt, ...)
{
    prog_printf(o, "%*s", ind, "");
    va_list ap;
    va_start(ap, fmt);
    prog_vprintf(o, fmt, ap);
    va_end(ap);
    prog_printf(o, "\n");
}

static size_t prog_out_end(prog_out *o)
{
    if (o->buf && o->cap)
        o->buf[o->len < o->cap ? o->len : o->cap - 1] = '\0';
    return o->len;
}

/* "t3" or "pool3": the name of the spawn at op index i. */
static void prog_spawn_name(const prog_program *p, int i, char *out, size_t len)
{
    snprintf(out, len, "%s%d", p->ops[i].kind == PK_POOL ? "pool" : "t", i);
}

/* "name key=value ..." of one operation. */
static void prog_op_words(prog_out *o, const prog_program *p, int kind, const uint8_t *v)
{
    const prog_kind_def *k = &prog_kinds[kind];
    prog_printf(o, "%s", k->name);
    for (int j = 0; j < k->nparams; j++) {
        const prog_param *pp = &k->p[j];
        switch (pp->type) {
        case PROG_P_ENUM:
            prog_printf(o, " %s=%s", pp->key, pp->names[v[j]]);
            break;
        case PROG_P_TARGET:
            if (v[j] == PROG_NONE) {
                prog_printf(o, " %s=none", pp->key);
            } else {
                char name[16];
                prog_spawn_name(p, v[j], name, sizeof(name));
                prog_printf(o, " %s=%s", pp->key, name);
            }
            break;
        default:
            prog_printf(o, " %s=%d", pp->key, pp->lo + v[j] * pp->step);
            break;
        }
    }
}

static void prog_switch_words(prog_out *o, uint8_t sw, int text)
{
    if (text) {
        prog_printf(o, " lock_interface=%d render=%s timers_lock=%d main_thread_guard=%d "
                       "rna_safety=%d",
                    !!(sw & PROG_SW_LOCK_INTERFACE), sw & PROG_SW_RENDER_EXEC ? "exec" : "invoke",
                    !!(sw & PROG_SW_TIMERS_LOCK), !!(sw & PROG_SW_MAIN_THREAD_GUARD),
                    !!(sw & PROG_SW_RNA_SAFETY));
        return;
    }
    if (sw & PROG_SW_LOCK_INTERFACE)
        prog_printf(o, " --host lock_interface=1");
    if (sw & PROG_SW_RENDER_EXEC)
        prog_printf(o, " --host render=exec");
    if (sw & PROG_SW_TIMERS_LOCK)
        prog_printf(o, " --host timers_lock=1");
    if (sw & PROG_SW_MAIN_THREAD_GUARD)
        prog_printf(o, " --host main_thread_guard=1");
    if (sw & PROG_SW_RNA_SAFETY)
        prog_printf(o, " --host rna_safety=1");
}

/* ---- text form ----------------------------------------------------- */

size_t prog_to_text(const prog_program *p, char *out, size_t cap)
{
    prog_out o = {out, cap, 0};
    prog_printf(&o, "hostrace-program 1\n");
    prog_printf(&o, "host");
    prog_switch_words(&o, p->sw, 1);
    prog_printf(&o, "\nscene frames=%d percent=%d\n", 1 + p->frames, 1 + p->percent);
    for (int i = 0; i < p->nops; i++) {
        const prog_top *op = &p->ops[i];
        prog_op_words(&o, p, op->kind, op->v);
        if (prog_is_spawn(op->kind)) {
            char name[16];
            prog_spawn_name(p, i, name, sizeof(name));
            prog_printf(&o, "  # %s", name);
        }
        prog_printf(&o, "\n");
        if (!prog_kinds[op->kind].body)
            continue;
        for (int j = 0; j < op->nbody; j++) {
            prog_printf(&o, "  ");
            prog_op_words(&o, p, op->body[j].kind, op->body[j].v);
            prog_printf(&o, "\n");
        }
    }
    for (size_t i = 0; i < p->nsched; i += 32) {
        prog_printf(&o, "schedule ");
        for (size_t j = i; j < i + 32 && j < p->nsched; j++)
            prog_printf(&o, "%02x", p->sched[j]);
        prog_printf(&o, "\n");
    }
    return prog_out_end(&o);
}

/* ---- parser ----------------------------------------------------------- */

typedef struct prog_span {
    const char *s;
    size_t n;
} prog_span;

#define PROG_MAX_WORDS 8

static int prog_span_is(prog_span w, const char *lit)
{
    size_t n = strlen(lit);
    return w.n == n && memcmp(w.s, lit, n) == 0;
}

static int prog_is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* Splits a line (comment already cut) into at most PROG_MAX_WORDS words;
 * returns the count, or PROG_MAX_WORDS + 1 when there are more. */
static int prog_words(const char *s, size_t n, prog_span *w)
{
    int k = 0;
    size_t i = 0;
    while (i < n) {
        while (i < n && prog_is_space(s[i]))
            i++;
        if (i >= n)
            break;
        size_t b = i;
        while (i < n && !prog_is_space(s[i]))
            i++;
        if (k == PROG_MAX_WORDS)
            return PROG_MAX_WORDS + 1;
        w[k].s = s + b;
        w[k].n = i - b;
        k++;
    }
    return k;
}

typedef struct prog_parse {
    char *err;
    size_t errlen;
    int line;
} prog_parse;

static int prog_fail(prog_parse *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int prog_fail(prog_parse *ps, const char *fmt, ...)
{
    if (ps->err && ps->errlen) {
        int n = snprintf(ps->err, ps->errlen, "line %d: ", ps->line);
        if (n >= 0 && (size_t)n < ps->errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return -1;
}

/* A decimal number without sign or leading zero, at most 9 digits. */
static int prog_number(prog_span s, long *out)
{
    if (s.n == 0 || s.n > 9 || (s.n > 1 && s.s[0] == '0'))
        return -1;
    long v = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (s.s[i] < '0' || s.s[i] > '9')
            return -1;
        v = v * 10 + (s.s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Shows at most 40 characters of a word in a message. */
#define PROG_SHOW(w) (int)((w).n > 40 ? 40 : (w).n), (w).s

/* key=value words of one line against the params of a kind (or of a
 * header line): every key once, no other key. vals[j] gets the span. */
static int prog_keyvals(prog_parse *ps, const char *what, const prog_span *w, int nw,
                        const char *const *keys, int nkeys, int required, prog_span *vals,
                        int *have)
{
    for (int j = 0; j < nkeys; j++)
        have[j] = 0;
    for (int i = 0; i < nw; i++) {
        const char *eq = memchr(w[i].s, '=', w[i].n);
        if (!eq)
            return prog_fail(ps, "%s: '%.*s' is not key=value", what, PROG_SHOW(w[i]));
        prog_span key = {w[i].s, (size_t)(eq - w[i].s)};
        prog_span val = {eq + 1, w[i].n - key.n - 1};
        int j = 0;
        while (j < nkeys && !prog_span_is(key, keys[j]))
            j++;
        if (j == nkeys)
            return prog_fail(ps, "%s: unknown key '%.*s'", what, PROG_SHOW(key));
        if (have[j])
            return prog_fail(ps, "%s: key '%s' given twice", what, keys[j]);
        if (val.n == 0)
            return prog_fail(ps, "%s: key '%s' has no value", what, keys[j]);
        have[j] = 1;
        vals[j] = val;
    }
    if (required)
        for (int j = 0; j < nkeys; j++)
            if (!have[j])
                return prog_fail(ps, "%s: missing %s=", what, keys[j]);
    return 0;
}

/* Parses the value of one operation parameter into *v. */
static int prog_param_parse(prog_parse *ps, const prog_program *p, int opi, const char *opname,
                            const prog_param *pp, prog_span val, uint8_t *v)
{
    if (pp->type == PROG_P_ENUM) {
        for (int i = 0; i < pp->n; i++)
            if (prog_span_is(val, pp->names[i])) {
                *v = (uint8_t)i;
                return 0;
            }
        return prog_fail(ps, "%s: %s=%.*s is not one of the allowed values (%s, ...)", opname,
                         pp->key, PROG_SHOW(val), pp->names[0]);
    }
    if (pp->type == PROG_P_TARGET) {
        int nsp = prog_spawns_before(p, opi);
        if (prog_span_is(val, "none")) {
            if (nsp)
                return prog_fail(ps, "%s: target=none, but a thread or pool was spawned before",
                                 opname);
            *v = PROG_NONE;
            return 0;
        }
        int pool = val.n > 4 && memcmp(val.s, "pool", 4) == 0;
        int thr = !pool && val.n > 1 && val.s[0] == 't';
        long idx;
        prog_span num = {val.s + (pool ? 4 : 1), val.n - (pool ? 4 : 1)};
        if ((!pool && !thr) || prog_number(num, &idx) < 0)
            return prog_fail(ps, "%s: target=%.*s is not none, tN or poolN", opname,
                             PROG_SHOW(val));
        if (idx >= opi)
            return prog_fail(ps, "%s: target=%.*s is not an earlier operation", opname,
                             PROG_SHOW(val));
        int kind = p->ops[idx].kind;
        if (pool ? kind != PK_POOL : kind != PK_THREAD && kind != PK_TIMER)
            return prog_fail(ps, "%s: operation %ld is not a %s", opname, idx,
                             pool ? "pool" : "thread or timer");
        *v = (uint8_t)idx;
        return 0;
    }
    long x;
    long max = pp->lo + (long)(pp->n - 1) * pp->step;
    if (prog_number(val, &x) < 0)
        return prog_fail(ps, "%s: %s=%.*s is not a number", opname, pp->key, PROG_SHOW(val));
    if (x < pp->lo || x > max || (x - pp->lo) % pp->step != 0) {
        if (pp->step > 1)
            return prog_fail(ps, "%s: %s=%ld is out of range (%d to %ld in steps of %d)", opname,
                             pp->key, x, pp->lo, max, pp->step);
        return prog_fail(ps, "%s: %s=%ld is out of range (%d to %ld)", opname, pp->key, x,
                         pp->lo, max);
    }
    *v = (uint8_t)((x - pp->lo) / pp->step);
    return 0;
}

/* One operation line: kind and params into *kind and v. */
static int prog_op_parse(prog_parse *ps, const prog_program *p, int opi, const prog_span *w,
                         int nw, int simple_only, uint8_t *kind, uint8_t *v)
{
    int k = 0;
    int nk = simple_only ? PK_NSIMPLE : PK_NTOP;
    while (k < PK_NTOP && !prog_span_is(w[0], prog_kinds[k].name))
        k++;
    if (k == PK_NTOP)
        return prog_fail(ps, "unknown operation '%.*s'", PROG_SHOW(w[0]));
    if (k >= nk)
        return prog_fail(ps, "'%s' cannot be in a body (only at top level)", prog_kinds[k].name);
    const prog_kind_def *kd = &prog_kinds[k];
    const char *keys[PROG_MAX_PARAMS];
    prog_span vals[PROG_MAX_PARAMS];
    int have[PROG_MAX_PARAMS];
    for (int j = 0; j < kd->nparams; j++)
        keys[j] = kd->p[j].key;
    if (prog_keyvals(ps, kd->name, w + 1, nw - 1, keys, kd->nparams, 1, vals, have) < 0)
        return -1;
    for (int j = 0; j < kd->nparams; j++)
        if (prog_param_parse(ps, p, opi, kd->name, &kd->p[j], vals[j], &v[j]) < 0)
            return -1;
    *kind = (uint8_t)k;
    return 0;
}

static int prog_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int prog_header_host(prog_parse *ps, prog_program *p, const prog_span *w, int nw)
{
    static const char *const keys[5] = {"lock_interface", "render", "timers_lock",
                                        "main_thread_guard", "rna_safety"};
    static const int bits[5] = {PROG_SW_LOCK_INTERFACE, PROG_SW_RENDER_EXEC, PROG_SW_TIMERS_LOCK,
                                PROG_SW_MAIN_THREAD_GUARD, PROG_SW_RNA_SAFETY};
    prog_span vals[5];
    int have[5];
    if (prog_keyvals(ps, "host", w, nw, keys, 5, 0, vals, have) < 0)
        return -1;
    p->sw = 0;
    for (int j = 0; j < 5; j++) {
        if (!have[j])
            continue;
        const char *on = j == 1 ? "exec" : "1";
        const char *off = j == 1 ? "invoke" : "0";
        if (prog_span_is(vals[j], on))
            p->sw |= (uint8_t)bits[j];
        else if (!prog_span_is(vals[j], off))
            return prog_fail(ps, "host: %s=%.*s is not %s or %s", keys[j], PROG_SHOW(vals[j]),
                             off, on);
    }
    return 0;
}

static int prog_header_scene(prog_parse *ps, prog_program *p, const prog_span *w, int nw)
{
    static const char *const keys[2] = {"frames", "percent"};
    static const int range[2] = {PROG_NFRAMES, PROG_NPERCENT};
    prog_span vals[2];
    int have[2];
    if (prog_keyvals(ps, "scene", w, nw, keys, 2, 0, vals, have) < 0)
        return -1;
    for (int j = 0; j < 2; j++) {
        if (!have[j])
            continue;
        long x;
        if (prog_number(vals[j], &x) < 0 || x < 1 || x > range[j])
            return prog_fail(ps, "scene: %s=%.*s is not a number from 1 to %d", keys[j],
                             PROG_SHOW(vals[j]), range[j]);
        if (j == 0)
            p->frames = (uint8_t)(x - 1);
        else
            p->percent = (uint8_t)(x - 1);
    }
    return 0;
}

static int prog_schedule_line(prog_parse *ps, prog_program *p, const prog_span *w, int nw)
{
    if (nw != 1)
        return prog_fail(ps, "schedule: expected one hexadecimal string");
    if (w[0].n % 2)
        return prog_fail(ps, "schedule: odd number of hexadecimal digits");
    for (size_t i = 0; i < w[0].n; i += 2) {
        int hi = prog_hex(w[0].s[i]), lo = prog_hex(w[0].s[i + 1]);
        if (hi < 0 || lo < 0)
            return prog_fail(ps, "schedule: '%c%c' is not a hexadecimal byte", w[0].s[i],
                             w[0].s[i + 1]);
        if (p->nsched >= PROG_MAX_SCHED)
            return prog_fail(ps, "schedule: more than %d bytes", PROG_MAX_SCHED);
        p->sched[p->nsched++] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

static int prog_parse_text(prog_parse *ps, const char *text, prog_program *p)
{
    const char *s = text;
    int seen_magic = 0, seen_host = 0, seen_scene = 0;
    int body_of = -1; /* the top-level op that indented lines belong to */
    ps->line = 0;
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        const char *line = s;
        s = nl ? nl + 1 : s + n;
        ps->line++;
        const char *hash = memchr(line, '#', n);
        if (hash)
            n = (size_t)(hash - line);
        int indented = n > 0 && (line[0] == ' ' || line[0] == '\t');
        prog_span w[PROG_MAX_WORDS];
        int nw = prog_words(line, n, w);
        if (nw == 0)
            continue;
        if (nw > PROG_MAX_WORDS)
            return prog_fail(ps, "too many words (at most %d)", PROG_MAX_WORDS);
        if (!seen_magic) {
            if (indented || nw != 2 || !prog_span_is(w[0], "hostrace-program") ||
                !prog_span_is(w[1], "1"))
                return prog_fail(ps, "expected 'hostrace-program 1' first");
            seen_magic = 1;
            continue;
        }
        if (indented) {
            if (body_of < 0)
                return prog_fail(ps, "indented operation is not under a thread, timer, pool, "
                                     "app_timer, handler, draw_handler or modal");
            prog_top *op = &p->ops[body_of];
            if (op->nbody >= PROG_MAX_BODY)
                return prog_fail(ps, "more than %d operations in one body", PROG_MAX_BODY);
            prog_sop *so = &op->body[op->nbody];
            if (prog_op_parse(ps, p, body_of, w, nw, 1, &so->kind, so->v) < 0)
                return -1;
            op->nbody++;
            continue;
        }
        body_of = -1;
        if (prog_span_is(w[0], "hostrace-program"))
            return prog_fail(ps, "'hostrace-program' given twice");
        if (prog_span_is(w[0], "host") || prog_span_is(w[0], "scene")) {
            int host = w[0].n == 4;
            if (p->nops)
                return prog_fail(ps, "'%s' must come before the operations", host ? "host" : "scene");
            if (host ? seen_host : seen_scene)
                return prog_fail(ps, "'%s' given twice", host ? "host" : "scene");
            if (host) {
                seen_host = 1;
                if (prog_header_host(ps, p, w + 1, nw - 1) < 0)
                    return -1;
            } else {
                seen_scene = 1;
                if (prog_header_scene(ps, p, w + 1, nw - 1) < 0)
                    return -1;
            }
            continue;
        }
        if (prog_span_is(w[0], "schedule")) {
            if (prog_schedule_line(ps, p, w + 1, nw - 1) < 0)
                return -1;
            continue;
        }
        if (p->nops >= PROG_MAX_OPS)
            return prog_fail(ps, "more than %d operations", PROG_MAX_OPS);
        prog_top *op = &p->ops[p->nops];
        memset(op, 0, sizeof(*op));
        if (prog_op_parse(ps, p, p->nops, w, nw, 0, &op->kind, op->v) < 0)
            return -1;
        if (prog_kinds[op->kind].body)
            body_of = p->nops;
        p->nops++;
    }
    if (!seen_magic) {
        ps->line++;
        return prog_fail(ps, "expected 'hostrace-program 1' first");
    }
    return 0;
}

int prog_from_text(const char *text, prog_program *p, char *err, size_t errlen)
{
    prog_parse ps = {err, errlen, 0};
    if (err && errlen)
        err[0] = '\0';
    prog_reset(p);
    if (!text) {
        ps.line = 1;
        return prog_fail(&ps, "no text");
    }
    if (prog_parse_text(&ps, text, p) < 0) {
        prog_reset(p);
        return -1;
    }
    return 0;
}

/* ---- analysis for the Python form ------------------------------------ */

typedef struct prog_info {
    int joined[PROG_MAX_OPS]; /* a join op names this spawn */
    int uses[PK_NTOP];        /* kinds used anywhere */
    int vector, img;          /* loc_rmw form=vector; pixels of "Img" */
    /* the oracle: location adds per startup object and axis that surely
     * happen before the script's end, and whether anything else (a daemon
     * thread, a callback, a run_on_main call, a remove or rename) makes the
     * final value unknown */
    long count[PROG_NORACLE][3];
    int unknown[PROG_NORACLE];
} prog_info;

static void prog_note(prog_info *in, const prog_sop *s, int sure, long times)
{
    const uint8_t *v = s->v;
    in->uses[s->kind] = 1;
    switch (s->kind) {
    case PK_LOC_RMW:
        if (v[0] < PROG_NORACLE) {
            if (sure)
                in->count[v[0]][v[1]] += times;
            else
                in->unknown[v[0]] = 1;
        }
        if (v[2])
            in->vector = 1;
        break;
    case PK_NEW:
    case PK_REMOVE:
    case PK_TIMER_CALL:
    case PK_RUN_ON_MAIN:
    case PK_POST:
        if (v[0] < PROG_NORACLE)
            in->unknown[v[0]] = 1;
        break;
    case PK_RENAME:
        if (v[0] < PROG_NORACLE)
            in->unknown[v[0]] = 1;
        if (v[1] < PROG_NORACLE)
            in->unknown[v[1]] = 1;
        break;
    case PK_PIXELS_READ:
    case PK_PIXELS_WRITE:
        if (v[0] == 0)
            in->img = 1;
        break;
    default:
        break;
    }
}

static void prog_analyze(const prog_program *p, prog_info *in)
{
    memset(in, 0, sizeof(*in));
    int guard = !!(p->sw & PROG_SW_MAIN_THREAD_GUARD);
    for (int i = 0; i < p->nops; i++)
        if (p->ops[i].kind == PK_JOIN && p->ops[i].v[0] != PROG_NONE)
            in->joined[p->ops[i].v[0]] = 1;
    for (int i = 0; i < p->nops; i++) {
        const prog_top *op = &p->ops[i];
        in->uses[op->kind] = 1;
        if (op->kind < PK_NSIMPLE) {
            prog_sop s = {op->kind, {op->v[0], op->v[1], op->v[2]}};
            prog_note(in, &s, 1, 1);
            continue;
        }
        if (!prog_kinds[op->kind].body)
            continue;
        int sure = 0;
        long times = 0;
        switch (op->kind) {
        case PK_THREAD: /* daemon, loop */
            sure = !guard && (!op->v[0] || in->joined[i]);
            times = 1 + op->v[1];
            break;
        case PK_TIMER: /* delay, daemon, loop */
            sure = !guard && (!op->v[1] || in->joined[i]);
            times = 1 + op->v[2];
            break;
        case PK_POOL: /* workers, loop */
            sure = !guard;
            times = (long)(1 + op->v[0]) * (1 + op->v[1]);
            break;
        default: /* callbacks run after the script, or an unknown number of times */
            break;
        }
        for (int j = 0; j < op->nbody; j++)
            prog_note(in, &op->body[j], sure, times);
    }
}

/* ---- Python ------------------------------------------------------------ */

/* One simple operation at indentation ind, after a comment with its text
 * form (and its op index at top level, top >= 0). */
static void prog_py_simple(prog_out *o, const prog_program *p, int ind, int top, const prog_sop *s)
{
    const uint8_t *v = s->v;
    if (top >= 0)
        prog_printf(o, "# [%d] ", top);
    else
        prog_printf(o, "%*s# ", ind, "");
    prog_op_words(o, p, s->kind, v);
    prog_printf(o, "\n");
    const char *ob = prog_obj_names[v[0] % PROG_NOBJ];
    switch (s->kind) {
    case PK_LOC_RMW:
        prog_line(o, ind, "ob = bpy.data.objects.get(\"%s\")", ob);
        prog_line(o, ind, "if ob is not None:");
        if (v[2])
            prog_line(o, ind + 4, "ob.location += Vector((%s, %s, %s))", v[1] == 0 ? "1.0" : "0.0",
                      v[1] == 1 ? "1.0" : "0.0", v[1] == 2 ? "1.0" : "0.0");
        else
            prog_line(o, ind + 4, "ob.location.%s += 1.0", prog_axis_names[v[1]]);
        break;
    case PK_NEW:
        prog_line(o, ind, "if bpy.data.objects.get(\"%s\") is None and len(bpy.data.objects) < %d:",
                  ob, PROG_MAX_OBJECTS);
        prog_line(o, ind + 4, "ob = bpy.data.objects.new(\"%s\", %s)", ob,
                  v[1] ? "bpy.data.meshes.get(\"Cube\")" : "None");
        prog_line(o, ind + 4, "bpy.context.scene.collection.objects.link(ob)");
        break;
    case PK_REMOVE:
        prog_line(o, ind, "ob = bpy.data.objects.get(\"%s\")", ob);
        prog_line(o, ind, "if ob is not None:");
        prog_line(o, ind + 4, "bpy.data.objects.remove(ob)");
        break;
    case PK_RENAME:
        prog_line(o, ind, "ob = bpy.data.objects.get(\"%s\")", ob);
        prog_line(o, ind, "if ob is not None:");
        prog_line(o, ind + 4, "ob.name = \"%s\"", prog_obj_names[v[1] % PROG_NOBJ]);
        break;
    case PK_VERTS_ADD:
        prog_line(o, ind, "me = bpy.data.meshes.get(\"Cube\")");
        prog_line(o, ind, "if me is not None:");
        prog_line(o, ind + 4, "me.vertices.add(%d)", 1 + v[0]);
        break;
    case PK_VERT_RMW:
        prog_line(o, ind, "me = bpy.data.meshes.get(\"Cube\")");
        prog_line(o, ind, "if me is not None:");
        prog_line(o, ind + 4, "me.vertices[%d].co.%s += 1.0", v[0], prog_axis_names[v[1] % 3]);
        break;
    case PK_PIXELS_READ:
    case PK_PIXELS_WRITE:
        prog_line(o, ind, "im = bpy.data.images.get(\"%s\")", prog_im_py[v[0] % 2]);
        prog_line(o, ind, "if im is not None:");
        if (s->kind == PK_PIXELS_READ)
            prog_line(o, ind + 4, "px = im.pixels[0:4]");
        else
            prog_line(o, ind + 4, "im.pixels[0:4] = (1.0, 0.5, 0.25, 1.0)");
        break;
    case PK_FRAME_SET:
        prog_line(o, ind, "bpy.context.scene.frame_set(%d)", 1 + v[0]);
        break;
    case PK_HIDE:
        prog_line(o, ind, "ob = bpy.data.objects.get(\"%s\")", ob);
        prog_line(o, ind, "if ob is not None:");
        prog_line(o, ind + 4, "ob.hide_viewport = not ob.hide_viewport");
        break;
    case PK_HIDE_COLLECTION:
        prog_line(o, ind, "coll = bpy.data.collections.get(\"Collection\")");
        prog_line(o, ind, "if coll is not None:");
        prog_line(o, ind + 4, "coll.hide_viewport = not coll.hide_viewport");
        break;
    case PK_RENDER:
        prog_line(o, ind, "if take(renders):");
        prog_line(o, ind + 4, "bpy.ops.render.render('%s', animation=%s)",
                  v[0] ? "EXEC_DEFAULT" : "INVOKE_DEFAULT", v[1] ? "True" : "False");
        break;
    case PK_TIMER_CALL:
        prog_line(o, ind, "bpy.app.timers.register(lambda: nudge(\"%s\", %d))", ob, v[1] % 3);
        break;
    case PK_RUN_ON_MAIN:
        if (!v[2]) {
            prog_line(o, ind, "bpy.app.run_on_main(lambda: nudge(\"%s\", %d))", ob, v[1] % 3);
            break;
        }
        prog_line(o, ind, "try:");
        prog_line(o, ind + 4, "bpy.app.run_on_main(lambda: nudge(\"%s\", %d), wait=True)", ob,
                  v[1] % 3);
        prog_line(o, ind, "except RuntimeError:  # the host shut down before the call ran");
        prog_line(o, ind + 4, "pass");
        break;
    case PK_POST:
        prog_line(o, ind, "todo.append((\"%s\", %d))", ob, v[1] % 3);
        break;
    case PK_DRAIN:
        prog_line(o, ind, "drain()");
        break;
    case PK_SLEEP:
        prog_line(o, ind, "time.sleep(0.%03d)", v[0]);
        break;
    case PK_ITERATE:
        prog_line(o, ind, "names = [o.name for o in bpy.data.objects]");
        break;
    case PK_EDITMODE:
        prog_line(o, ind, "bpy.ops.object.editmode_toggle()");
        break;
    default:
        break;
    }
}

static void prog_py_body(prog_out *o, const prog_program *p, int i, int loop)
{
    const prog_top *op = &p->ops[i];
    prog_line(o, 0, "def body_%d(i=0):", i);
    if (!op->nbody) {
        prog_line(o, 4, "pass");
        prog_printf(o, "\n\n");
        return;
    }
    /* under main_thread_guard the host refuses bpy off the main thread:
     * that is the switch working, so the thread stops there quietly, as an
     * add-on written for such a host would; any other error still shows */
    int guard = !!(p->sw & PROG_SW_MAIN_THREAD_GUARD);
    int ind = guard ? 12 : 8;
    if (guard)
        prog_line(o, 4, "try:");
    prog_line(o, ind - 4, "for _ in range(%d):", loop);
    for (int j = 0; j < op->nbody; j++)
        prog_py_simple(o, p, ind, -1, &op->body[j]);
    if (guard) {
        prog_line(o, 4, "except RuntimeError as e:  # main_thread_guard refused a call");
        prog_line(o, 8, "if \"not the main thread\" not in str(e):");
        prog_line(o, 12, "raise");
    }
    prog_printf(o, "\n\n");
}

static void prog_py_seconds(char *out, size_t len, int ms)
{
    snprintf(out, len, "%d.%03d", ms / 1000, ms % 1000);
}

static void prog_py_top_code(prog_out *o, const prog_program *p, int i);

static void prog_py_top(prog_out *o, const prog_program *p, int i)
{
    prog_py_top_code(o, p, i);
    if (prog_kinds[p->ops[i].kind].body && i + 1 < p->nops)
        prog_printf(o, "\n\n");
}

static void prog_py_top_code(prog_out *o, const prog_program *p, int i)
{
    const prog_top *op = &p->ops[i];
    const uint8_t *v = op->v;
    char secs[32];
    if (op->kind < PK_NSIMPLE) {
        prog_sop s = {op->kind, {v[0], v[1], v[2]}};
        prog_py_simple(o, p, 0, i, &s);
        return;
    }
    /* a definition: two blank lines around it (the preamble and every
     * other definition already end with them) */
    if (i > 0 && (p->ops[i - 1].kind < PK_NSIMPLE || p->ops[i - 1].kind == PK_JOIN) &&
        prog_kinds[op->kind].body)
        prog_printf(o, "\n\n");
    prog_printf(o, "# [%d] ", i);
    prog_op_words(o, p, op->kind, v);
    prog_printf(o, "\n");
    switch (op->kind) {
    case PK_THREAD:
        prog_py_body(o, p, i, 1 + v[1]);
        prog_line(o, 0, "t%d = threading.Thread(target=body_%d, name=\"t%d\", daemon=%s)", i, i,
                  i, v[0] ? "True" : "False");
        prog_line(o, 0, "t%d.start()", i);
        break;
    case PK_TIMER:
        prog_py_body(o, p, i, 1 + v[2]);
        prog_py_seconds(secs, sizeof(secs), v[0] * 10);
        prog_line(o, 0, "t%d = threading.Timer(%s, body_%d)", i, secs, i);
        prog_line(o, 0, "t%d.name = \"t%d\"", i, i);
        prog_line(o, 0, "t%d.daemon = %s", i, v[1] ? "True" : "False");
        prog_line(o, 0, "t%d.start()", i);
        break;
    case PK_POOL:
        prog_py_body(o, p, i, 1 + v[1]);
        prog_line(o, 0, "pool%d = ThreadPoolExecutor(max_workers=%d, thread_name_prefix=\"pool%d\")",
                  i, 1 + v[0], i);
        prog_line(o, 0, "pool%d_map = pool%d.map(body_%d, range(%d))", i, i, i, 1 + v[0]);
        prog_line(o, 0, "pool%d.shutdown(wait=False)  # no more work: its threads end after the map",
                  i);
        break;
    case PK_JOIN:
        if (v[0] == PROG_NONE)
            prog_line(o, 0, "pass  # nothing was spawned before");
        else if (p->ops[v[0]].kind == PK_POOL)
            prog_line(o, 0, "pool%d.shutdown(wait=True)", v[0]);
        else
            prog_line(o, 0, "t%d.join()", v[0]);
        break;
    case PK_APP_TIMER:
        prog_py_body(o, p, i, 1 + v[2]);
        prog_py_seconds(secs, sizeof(secs), v[0] * 10);
        prog_line(o, 0, "timer_%d_runs = [%d]", i, 1 + v[1]);
        prog_printf(o, "\n\n");
        prog_line(o, 0, "def timer_%d():", i);
        prog_line(o, 4, "if not take(timer_%d_runs):", i);
        prog_line(o, 8, "return None");
        prog_line(o, 4, "body_%d()", i);
        prog_line(o, 4, "return %s if timer_%d_runs[0] > 0 else None", secs, i);
        prog_printf(o, "\n\n");
        prog_line(o, 0, "bpy.app.timers.register(timer_%d, first_interval=%s)", i, secs);
        break;
    case PK_HANDLER:
        prog_py_body(o, p, i, 1 + v[2]);
        prog_line(o, 0, "handler_%d_runs = [%d]", i, 1 + v[1]);
        prog_printf(o, "\n\n");
        prog_line(o, 0, "@persistent");
        prog_line(o, 0, "def handler_%d(scene, depsgraph=None):", i);
        prog_line(o, 4, "if getattr(reentry, \"handler_%d\", False) or not take(handler_%d_runs):",
                  i, i);
        prog_line(o, 8, "return");
        prog_line(o, 4, "reentry.handler_%d = True", i);
        prog_line(o, 4, "try:");
        prog_line(o, 8, "body_%d()", i);
        prog_line(o, 4, "finally:");
        prog_line(o, 8, "reentry.handler_%d = False", i);
        prog_printf(o, "\n\n");
        prog_line(o, 0, "bpy.app.handlers.%s.append(handler_%d)",
                  prog_handler_names[v[0] % PROG_NHANDLERS], i);
        break;
    case PK_DRAW:
        prog_py_body(o, p, i, 1 + v[1]);
        prog_line(o, 0, "draw_%d_runs = [%d]", i, 1 + v[0]);
        prog_printf(o, "\n\n");
        prog_line(o, 0, "def draw_%d():", i);
        prog_line(o, 4, "if take(draw_%d_runs):", i);
        prog_line(o, 8, "body_%d()", i);
        prog_printf(o, "\n\n");
        prog_line(o, 0, "draw_%d_handle = bpy.types.SpaceView3D.draw_handler_add(draw_%d, (), "
                        "'WINDOW', 'POST_PIXEL')", i, i);
        break;
    case PK_MODAL:
        prog_py_body(o, p, i, 1 + v[2]);
        prog_py_seconds(secs, sizeof(secs), v[0] * 10);
        prog_line(o, 0, "class WM_OT_modal_%d(bpy.types.Operator):", i);
        prog_line(o, 4, "bl_idname = \"wm.modal_%d\"", i);
        prog_line(o, 4, "bl_label = \"modal_%d\"", i);
        prog_printf(o, "\n");
        prog_line(o, 4, "def invoke(self, context, event):");
        prog_line(o, 8, "self.runs = %d", 1 + v[1]);
        prog_line(o, 8, "self.timer = context.window_manager.event_timer_add(%s, "
                        "window=context.window)", secs);
        prog_line(o, 8, "context.window_manager.modal_handler_add(self)");
        prog_line(o, 8, "return {'RUNNING_MODAL'}");
        prog_printf(o, "\n");
        prog_line(o, 4, "def modal(self, context, event):");
        prog_line(o, 8, "if event.type != 'TIMER':");
        prog_line(o, 12, "return {'PASS_THROUGH'}");
        prog_line(o, 8, "body_%d()", i);
        prog_line(o, 8, "self.runs -= 1");
        prog_line(o, 8, "if self.runs > 0:");
        prog_line(o, 12, "return {'RUNNING_MODAL'}");
        prog_line(o, 8, "context.window_manager.event_timer_remove(self.timer)");
        prog_line(o, 8, "return {'FINISHED'}");
        prog_printf(o, "\n\n");
        prog_line(o, 0, "bpy.utils.register_class(WM_OT_modal_%d)", i);
        prog_line(o, 0, "bpy.ops.wm.modal_%d('INVOKE_DEFAULT')", i);
        break;
    default:
        break;
    }
}

size_t prog_to_python(const prog_program *p, char *out, size_t cap)
{
    prog_out o = {out, cap, 0};
    prog_info in;
    prog_analyze(p, &in);
    int threads = in.uses[PK_THREAD] || in.uses[PK_TIMER] || in.uses[PK_HANDLER];
    int take = in.uses[PK_RENDER] || in.uses[PK_APP_TIMER] || in.uses[PK_HANDLER] ||
               in.uses[PK_DRAW];
    int nudge = in.uses[PK_TIMER_CALL] || in.uses[PK_RUN_ON_MAIN] || in.uses[PK_DRAIN];
    int todo = in.uses[PK_POST] || in.uses[PK_DRAIN];

    prog_printf(&o, "# hostrace program: %d operation%s, %zu schedule byte%s "
                    "(written by the program codec, prog/prog.c)\n",
                p->nops, p->nops == 1 ? "" : "s", p->nsched, p->nsched == 1 ? "" : "s");
    if (p->sw) {
        prog_printf(&o, "# host switches:");
        prog_switch_words(&o, p->sw, 0);
        prog_printf(&o, "\n");
    } else {
        prog_printf(&o, "# host switches: none (Blender as it is)\n");
    }
    prog_printf(&o, "# Every loop is bounded and every thread that is not a daemon is joined at\n"
                    "# the end; run alone, one thread at a time, the program raises nothing.\n");
    if (todo)
        prog_printf(&o, "import collections\n");
    if (threads)
        prog_printf(&o, "import threading\n");
    if (in.uses[PK_SLEEP])
        prog_printf(&o, "import time\n");
    if (in.uses[PK_POOL])
        prog_printf(&o, "from concurrent.futures import ThreadPoolExecutor\n");
    prog_printf(&o, "\nimport bpy\n");
    if (in.uses[PK_HANDLER])
        prog_printf(&o, "from bpy.app.handlers import persistent\n");
    if (in.vector)
        prog_printf(&o, "from mathutils import Vector\n");

    prog_printf(&o, "\nscene = bpy.context.scene\n");
    prog_printf(&o, "scene.render.resolution_percentage = %d\n", 1 + p->percent);
    prog_printf(&o, "scene.frame_start = 1\n");
    prog_printf(&o, "scene.frame_end = %d\n", 1 + p->frames);
    if (in.img)
        prog_printf(&o, "bpy.data.images.new(\"Img\", 8, 8)\n");
    if (in.uses[PK_RENDER])
        prog_printf(&o, "renders = [%d]  # render budget: keeps every program short\n",
                    PROG_RENDER_BUDGET);
    if (todo)
        prog_printf(&o, "todo = collections.deque()  # (object name, axis) posted for drain()\n");
    if (in.uses[PK_HANDLER])
        prog_printf(&o, "reentry = threading.local()  # a handler's own frame_set does not "
                        "re-enter it\n");
    int oracle = 0;
    for (int k = 0; k < PROG_NORACLE; k++) {
        if (in.unknown[k] || !(in.count[k][0] || in.count[k][1] || in.count[k][2]))
            continue;
        if (!oracle)
            prog_printf(&o, "# the oracle's baseline: objects whose final location is known\n");
        oracle = 1;
        prog_printf(&o, "bpy.data.objects[\"%s\"].location = (0.0, 0.0, 0.0)\n",
                    prog_obj_names[k]);
    }
    if (take) {
        prog_printf(&o, "\n\ndef take(budget):\n"
                        "    \"\"\"Takes one run from a budget [n]; False once it is spent.\"\"\"\n"
                        "    if budget[0] <= 0:\n"
                        "        return False\n"
                        "    budget[0] -= 1\n"
                        "    return True\n");
    }
    if (nudge) {
        prog_printf(&o, "\n\ndef nudge(name, axis):\n"
                        "    \"\"\"Location read-modify-write, on the thread that calls it.\"\"\"\n"
                        "    ob = bpy.data.objects.get(name)\n"
                        "    if ob is not None:\n"
                        "        ob.location[axis] += 1.0\n");
    }
    if (in.uses[PK_DRAIN]) {
        prog_printf(&o, "\n\ndef drain():\n"
                        "    \"\"\"Applies every posted (name, axis) with nudge().\"\"\"\n"
                        "    while True:\n"
                        "        try:\n"
                        "            name, axis = todo.popleft()\n"
                        "        except IndexError:\n"
                        "            return\n"
                        "        nudge(name, axis)\n");
    }
    prog_printf(&o, "\n\n");
    for (int i = 0; i < p->nops; i++)
        prog_py_top(&o, p, i);

    int ends = 0;
    for (int i = 0; i < p->nops; i++) {
        const prog_top *op = &p->ops[i];
        int daemon = (op->kind == PK_THREAD && op->v[0]) || (op->kind == PK_TIMER && op->v[1]);
        if (!prog_is_spawn(op->kind) || daemon)
            continue;
        if (!ends++)
            prog_printf(&o, "\n# end: every thread that is not a daemon joined, every pool shut "
                            "down\n");
        if (op->kind == PK_POOL)
            prog_printf(&o, "pool%d.shutdown(wait=True)\n", i);
        else
            prog_printf(&o, "t%d.join()\n", i);
    }
    for (int i = 0; i < p->nops; i++)
        if (p->ops[i].kind == PK_POOL)
            prog_printf(&o, "list(pool%d_map)  # raises what a worker raised\n", i);
    if (oracle)
        prog_printf(&o, "\n# final state oracle: every location read-modify-write on these "
                        "objects\n# ran on main or on a thread joined above (lost updates show "
                        "here)\n");
    for (int k = 0; k < PROG_NORACLE; k++) {
        const long *c = in.count[k];
        if (in.unknown[k] || !(c[0] || c[1] || c[2]))
            continue;
        prog_printf(&o, "loc = tuple(bpy.data.objects[\"%s\"].location)\n", prog_obj_names[k]);
        prog_printf(&o, "assert loc == (%ld.0, %ld.0, %ld.0), \"lost update: %s.location is %%r, "
                        "expected (%ld.0, %ld.0, %ld.0)\" %% (loc,)\n",
                    c[0], c[1], c[2], prog_obj_names[k], c[0], c[1], c[2]);
    }
    return prog_out_end(&o);
}
