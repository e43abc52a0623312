/* sched/hb.c: hostrace's own race detector, happens-before over the
 * scheduled run.
 *
 * Every managed thread has a vector clock. The synchronisation the
 * scheduler mediates joins them, exactly where TSan sees the same
 * synchronisation: a host lock's release and acquire (mutex, rwlock, spin,
 * a condition wait's unlock and relock), a thread's creation (the parent's
 * clock so far) and its join (the child's clock at its end), the GIL of a
 * build that has one, and the edges the embedding names itself
 * (sched_hb_release / sched_hb_acquire: a Python lock or a join without a
 * GIL). The scheduler's own hand-off of the token is not synchronisation,
 * as for TSan.
 *
 * Each annotated access (SCHED_ACCESS, SCHED_NOTE) is checked against the
 * history of its memory, kept per 8-byte granule of its range (the first
 * HB_GRANULES of them): the last accesses of distinct keys (thread, site,
 * script line, read or write), HB_KEEP per granule. A pair of accesses to
 * one granule from two threads, at least one a write, neither ordered
 * before the other, is a race. Every such pair is recorded once per run,
 * not only the first per address (TSan's shadow keeps a few cells and
 * reports a pair once per process), so a run reports the same races
 * whatever the order of earlier reports was.
 *
 * The GIL. A thread is seen to take it at the first of its events (an
 * access, a synchronisation, a scheduling point) at which it holds it and
 * the previous holder was another thread; the previous holder's release
 * is placed at its last event before that (it made none since), and a
 * thread seen not to hold it at an event releases it there. The
 * embedding also reports each GIL hand-off it makes itself
 * (sched_hb_gil_changed), so that a thread that takes and gives it back
 * between two events still orders what it did before.
 *
 * Everything runs on the token holder (one thread at a time) and is
 * hostrace's bookkeeping: like the scheduler it is built without TSan
 * instrumentation. */
#include "sched.h"
#include "sched_internal.h"

#include <stdlib.h>
#include <string.h>

#define HB_GRANULES 64 /* granules checked per access: its first 512 bytes */
#define HB_KEEP 8      /* accesses kept per granule */
#define HB_RACES 4096  /* distinct racing pairs kept per run */

typedef uint32_t hb_clk;

typedef struct hb_vc {
    hb_clk *c;
    int n;
} hb_vc;

typedef struct hb_acc {
    int slot;
    hb_clk clk; /* the thread's own clock at the access */
    sched_hb_access info;
} hb_acc;

typedef struct hb_cell {
    uintptr_t granule; /* address / 8, 0: empty */
    int n;
    hb_acc a[HB_KEEP]; /* oldest first */
} hb_cell;

typedef struct hb_sync {
    uintptr_t addr; /* 0: empty */
    hb_vc w;        /* released by writers / lock holders */
    hb_vc r;        /* released by readers of an rwlock */
} hb_sync;

/* Entries of size bytes whose first member is their uintptr_t key (0:
 * empty); a new entry is all zero but its key. */
typedef struct hb_table {
    char *e;
    size_t size, n, used;
} hb_table;

static int g_on;
static int g_gil_orders;
static int (*g_gil_held)(void);
static int g_gil_owner = -1;
static hb_vc g_gil;
static hb_vc g_thr[SCHED_MAX_THREADS];
static int g_nthr; /* slots with a clock */

static hb_table g_cells = {.size = sizeof(hb_cell)};
static hb_table g_syncs = {.size = sizeof(hb_sync)};

static sched_hb_race g_races[HB_RACES];
static int g_nraces, g_races_taken, g_races_dropped;

static _Thread_local int t_ignore;

/* ---- vector clocks ------------------------------------------------------- */

static void vc_grow(hb_vc *v, int n)
{
    if (n <= v->n)
        return;
    int m = v->n ? v->n : 8;
    while (m < n)
        m *= 2;
    hb_clk *c = realloc(v->c, sizeof(*c) * (size_t)m);
    if (!c)
        abort();
    memset(c + v->n, 0, sizeof(*c) * (size_t)(m - v->n));
    v->c = c;
    v->n = m;
}

static hb_clk vc_get(const hb_vc *v, int i) { return i < v->n ? v->c[i] : 0; }

static void vc_join(hb_vc *dst, const hb_vc *src)
{
    vc_grow(dst, src->n);
    for (int i = 0; i < src->n; i++)
        if (src->c[i] > dst->c[i])
            dst->c[i] = src->c[i];
}

static void vc_free(hb_vc *v)
{
    free(v->c);
    v->c = NULL;
    v->n = 0;
}

/* The clock of slot (its own component starts at 1). */
static hb_vc *thr(int slot)
{
    hb_vc *v = &g_thr[slot];
    if (vc_get(v, slot) == 0) {
        vc_grow(v, slot + 1);
        v->c[slot] = 1;
        if (slot >= g_nthr)
            g_nthr = slot + 1;
    }
    return v;
}

/* slot releases into s: s learns everything slot did so far, and slot's
 * later events are new. */
static void release_into(hb_vc *s, int slot)
{
    hb_vc *t = thr(slot);
    vc_join(s, t);
    t->c[slot]++;
}

/* ---- hash tables (open addressing, linear probing, never shrink) -------- */

static uintptr_t *table_key(const hb_table *t, char *e, size_t i)
{
    return (uintptr_t *)(e + i * t->size);
}

static size_t mix(uintptr_t k)
{
    uint64_t h = (uint64_t)k * 0x9e3779b97f4a7c15ull;
    return (size_t)(h ^ (h >> 29));
}

static void *table_find(hb_table *t, uintptr_t key, int create)
{
    if (create && (t->used + 1) * 2 > t->n) {
        size_t n = t->n ? t->n * 2 : 256;
        char *e = calloc(n, t->size);
        if (!e)
            abort();
        for (size_t i = 0; i < t->n; i++) {
            uintptr_t k = *table_key(t, t->e, i);
            if (!k)
                continue;
            size_t j = mix(k) & (n - 1);
            while (*table_key(t, e, j))
                j = (j + 1) & (n - 1);
            memcpy(e + j * t->size, t->e + i * t->size, t->size);
        }
        free(t->e);
        t->e = e;
        t->n = n;
    }
    if (!t->n)
        return NULL;
    for (size_t j = mix(key) & (t->n - 1);; j = (j + 1) & (t->n - 1)) {
        uintptr_t *k = table_key(t, t->e, j);
        if (*k == key)
            return k;
        if (!*k) {
            if (!create)
                return NULL;
            *k = key;
            t->used++;
            return k;
        }
    }
}

static void table_free(hb_table *t)
{
    free(t->e);
    t->e = NULL;
    t->n = t->used = 0;
}

/* keyed by granule + 1 (the key 0 means empty) */
static hb_cell *cell_find(uintptr_t g, int create) { return table_find(&g_cells, g, create); }

static hb_sync *sync_find(const void *addr) { return table_find(&g_syncs, (uintptr_t)addr, 1); }

/* ---- the run ----------------------------------------------------------- */

void sched_hb_enable(int on) { g_on = on; }
int sched_hb_enabled(void) { return g_on; }

void sched_hb_reset(int (*gil_held)(void), int gil_orders)
{
    for (int i = 0; i < g_nthr; i++)
        vc_free(&g_thr[i]);
    g_nthr = 0;
    vc_free(&g_gil);
    g_gil_owner = -1;
    g_gil_held = gil_held;
    g_gil_orders = gil_orders;
    for (size_t i = 0; i < g_syncs.n; i++) {
        hb_sync *y = (hb_sync *)(g_syncs.e + i * g_syncs.size);
        vc_free(&y->w);
        vc_free(&y->r);
    }
    table_free(&g_syncs);
    table_free(&g_cells);
    g_nraces = g_races_taken = g_races_dropped = 0;
}

/* The calling thread's slot when the detector watches it, else -1. */
static int me(void)
{
    sched_record *r = sched_self_;
    if (!g_on || !r || !r->managed || t_ignore)
        return -1;
    return r->slot;
}

/* The GIL's hand-offs as far as the thread's events show them. */
static void gil_observe(int slot)
{
    if (!g_gil_orders || !g_gil_held)
        return;
    int held = g_gil_held();
    if (held && g_gil_owner != slot) {
        if (g_gil_owner >= 0)
            release_into(&g_gil, g_gil_owner);
        vc_join(thr(slot), &g_gil);
        g_gil_owner = slot;
    } else if (!held && g_gil_owner == slot) {
        release_into(&g_gil, slot);
        g_gil_owner = -1;
    }
}

void sched_hb_gil_changed(void)
{
    sched_record *r = sched_self_;
    if (g_on && r && r->managed)
        gil_observe(r->slot);
}

void sched_hb_ignore(int delta) { t_ignore += delta; }

/* ---- synchronisation ----------------------------------------------------- */

void sched_hb_acquire_rw(const void *obj, int write)
{
    int s = me();
    if (s < 0 || !obj)
        return;
    gil_observe(s);
    hb_sync *y = sync_find(obj);
    vc_join(thr(s), &y->w);
    if (write)
        vc_join(thr(s), &y->r);
}

void sched_hb_release_rw(const void *obj, int write)
{
    int s = me();
    if (s < 0 || !obj)
        return;
    gil_observe(s);
    hb_sync *y = sync_find(obj);
    release_into(write ? &y->w : &y->r, s);
}

/* a lock (or a join's word): an rwlock's writer side */
void sched_hb_acquire(const void *obj) { sched_hb_acquire_rw(obj, 0); }
void sched_hb_release(const void *obj) { sched_hb_release_rw(obj, 1); }

void sched_hb_fork(int child)
{
    int s = me();
    if (s < 0 || child < 0 || child >= SCHED_MAX_THREADS)
        return;
    gil_observe(s);
    release_into(thr(child), s);
}

void sched_hb_join(int child)
{
    int s = me();
    if (s < 0 || child < 0 || child >= SCHED_MAX_THREADS)
        return;
    gil_observe(s);
    vc_join(thr(s), thr(child));
}

void sched_hb_point(void)
{
    int s = me();
    if (s >= 0)
        gil_observe(s);
}

/* ---- accesses ------------------------------------------------------------- */

static int same_key(const sched_hb_access *a, const sched_hb_access *b)
{
    return a->site == b->site && a->file == b->file && a->line == b->line &&
           a->is_write == b->is_write && a->call == b->call && a->delegated == b->delegated;
}

static void record_race(const hb_acc *prev, const hb_acc *cur)
{
    for (int i = 0; i < g_nraces; i++) {
        sched_hb_race *r = &g_races[i];
        if ((same_key(&r->a, &prev->info) && same_key(&r->b, &cur->info)) ||
            (same_key(&r->a, &cur->info) && same_key(&r->b, &prev->info)))
            return;
    }
    if (g_nraces >= HB_RACES) {
        g_races_dropped++;
        return;
    }
    sched_hb_race *r = &g_races[g_nraces++];
    r->a = prev->info;
    r->b = cur->info;
}

void sched_hb_on_access(const sched_hb_access *info, uintptr_t obj)
{
    int s = me();
    if (s < 0 || !obj)
        return;
    gil_observe(s);
    hb_vc *t = thr(s);
    hb_acc cur = {.slot = s, .clk = t->c[s], .info = *info};
    cur.info.slot = s;
    size_t size = info->size ? info->size : 1;
    uintptr_t g0 = obj >> 3, g1 = (obj + size - 1) >> 3;
    if (g1 - g0 >= HB_GRANULES)
        g1 = g0 + HB_GRANULES - 1;
    for (uintptr_t g = g0; g <= g1; g++) {
        hb_cell *c = cell_find(g + 1, 1);
        int same = -1;
        for (int i = 0; i < c->n; i++) {
            const hb_acc *p = &c->a[i];
            if (p->slot == s) {
                if (same < 0 && same_key(&p->info, &cur.info))
                    same = i;
                continue;
            }
            if ((p->info.is_write || cur.info.is_write) && p->clk > vc_get(t, p->slot))
                record_race(p, &cur);
        }
        if (same < 0 && c->n == HB_KEEP) {
            /* full: forget the oldest access ordered before this one, or
             * else the oldest */
            same = 0;
            for (int i = 0; i < c->n; i++)
                if (c->a[i].clk <= vc_get(t, c->a[i].slot)) {
                    same = i;
                    break;
                }
        }
        if (same >= 0) {
            memmove(&c->a[same], &c->a[same + 1], sizeof(c->a[0]) * (size_t)(c->n - same - 1));
            c->n--;
        }
        c->a[c->n++] = cur;
    }
}

void sched_hb_forget(const void *addr, size_t size)
{
    /* only the token holder touches the tables (a free by a thread the
     * scheduler does not run is not forgotten); inside a host-internal
     * region too */
    sched_record *r = sched_self_;
    if (!g_on || !r || !r->managed || !addr || !g_cells.n)
        return;
    uintptr_t a = (uintptr_t)addr, g0 = a >> 3, g1 = (a + (size ? size : 1) - 1) >> 3;
    if (g1 - g0 > g_cells.n) {
        for (size_t i = 0; i < g_cells.n; i++) {
            hb_cell *c = (hb_cell *)(g_cells.e + i * g_cells.size);
            if (c->granule && c->granule - 1 >= g0 && c->granule - 1 <= g1)
                c->n = 0;
        }
        return;
    }
    for (uintptr_t g = g0; g <= g1; g++) {
        hb_cell *c = cell_find(g + 1, 0);
        if (c)
            c->n = 0;
    }
}

int sched_hb_races_take(sched_hb_race *out, int max, int *dropped)
{
    int k = 0;
    while (g_races_taken < g_nraces && k < max)
        out[k++] = g_races[g_races_taken++];
    if (dropped) {
        *dropped = g_races_dropped;
        g_races_dropped = 0;
    }
    return k;
}
