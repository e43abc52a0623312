/* sched/conflict.c: interleaving feedback for the fuzz drivers. Under the
 * scheduler, every scene access of a managed thread comes through here; a
 * conflicting pair (the same object, two different managed threads, at
 * least one write) is reported once per run as a hash of its two access
 * sites, so a fuzzer keeps inputs that reach new interleavings even when
 * they reach no new code. Runs with the token held (one thread at a time),
 * and is built without TSan instrumentation like the token scheduler: it is
 * hostrace's bookkeeping, not the host's. */
#include "sched.h"
#include "sched_internal.h"

#include <stdint.h>
#include <string.h>

#define OBJ_SLOTS 16384 /* direct-mapped by address; a collision forgets */
#define SEEN_SLOTS 4096 /* pairs already reported this run */

typedef struct obj_entry {
    uintptr_t obj;
    uint32_t w_site, r_site; /* site hashes of the last write / read */
    int w_slot, r_slot;      /* their threads, -1 none */
} obj_entry;

static sched_conflict_fn g_hook;
static obj_entry g_obj[OBJ_SLOTS];
static uint32_t g_seen[SEEN_SLOTS];

static uint32_t site_hash(const sched_site *site, int is_write)
{
    uint32_t h = 2166136261u; /* FNV-1a of the site id: the same in every build */
    for (const char *p = site->id; p && *p; p++)
        h = (h ^ (uint8_t)*p) * 16777619u;
    return (h ^ (uint32_t)is_write) * 0x9e3779b1u;
}

static void report_pair(uint32_t a, uint32_t b)
{
    if (a > b) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    uint32_t h = a * 0x85ebca6bu ^ (b + 0x7f4a7c15u) * 0xc2b2ae35u;
    h ^= h >> 15;
    if (h == 0)
        h = 1;
    /* once per run: open addressing over the pairs seen */
    for (uint32_t i = 0; i < SEEN_SLOTS; i++) {
        uint32_t *e = &g_seen[(h + i) % SEEN_SLOTS];
        if (*e == h)
            return;
        if (*e == 0) {
            *e = h;
            g_hook(h);
            return;
        }
    }
}

void sched_set_conflict_hook(sched_conflict_fn fn)
{
    g_hook = fn;
    memset(g_obj, 0, sizeof(g_obj));
    memset(g_seen, 0, sizeof(g_seen));
}

void sched_conflict_note(int slot, const sched_site *site, const void *obj, int is_write)
{
    if (!g_hook || !obj)
        return;
    uintptr_t a = (uintptr_t)obj;
    obj_entry *e = &g_obj[((a >> 3) * 0x9e3779b97f4a7c15ull >> 50) % OBJ_SLOTS];
    if (e->obj != a) {
        e->obj = a;
        e->w_slot = e->r_slot = -1;
    }
    uint32_t h = site_hash(site, is_write);
    if (e->w_slot >= 0 && e->w_slot != slot)
        report_pair(e->w_site, h);
    if (is_write && e->r_slot >= 0 && e->r_slot != slot)
        report_pair(e->r_site, h);
    if (is_write) {
        e->w_slot = slot;
        e->w_site = h;
    } else {
        e->r_slot = slot;
        e->r_site = h;
    }
}
