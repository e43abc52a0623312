/* Unit tests of the mock Blender host (harness/host), from C alone.
 *
 * Each test builds its own Host with recording stubs for every callback and
 * frees it at the end. By default every test runs in a forked child so that a
 * crash or a hang (alarm) in one case is reported as that case's failure and
 * the others still run. Set HR_TEST_NOFORK=1 to run in-process (debuggers).
 *
 * Usage: hr_test_host [CASE-PREFIX]
 *   With an argument, only tests whose name starts with it run.
 *   The last line of output is always "N passed, M failed".
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "host/host.h"
#include "sched/sched.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Under TSan (the project's main build variant) the invoke-render cases
 * exercise races the host has on purpose, as Blender does. This binary
 * tests structures, not race detection, so those sites (and only those)
 * are suppressed, by the list in tsan/host_tests.supp; any other race
 * still fails it. */
#if defined(__SANITIZE_THREAD__)
#define HR_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define HR_TEST_TSAN 1
#endif
#endif
#ifdef HR_TEST_TSAN
const char *__tsan_default_options(void);
const char *__tsan_default_options(void) { return "suppressions=" HR_TSAN_HOST_TEST_SUPPRESSIONS; }
#endif

/* ---- tiny check framework ------------------------------------------- */

static const char *g_cur_test = "";
static int g_cur_failed;
static int g_checks_run, g_checks_failed;

#define CHECK(expr)                                                          \
    do {                                                                     \
        g_checks_run++;                                                      \
        if (!(expr)) {                                                       \
            g_checks_failed++;                                               \
            g_cur_failed = 1;                                                \
            fprintf(stderr, "%s:%d: [%s] CHECK failed: %s\n", __FILE__,      \
                    __LINE__, g_cur_test, #expr);                            \
        }                                                                    \
    } while (0)

/* Guard for pointers a test dereferences next: fails and returns. */
#define REQUIRE(expr)                                                        \
    do {                                                                     \
        CHECK(expr);                                                         \
        if (!(expr))                                                         \
            return;                                                          \
    } while (0)

#define REQUIRE_H(expr, h)                                                   \
    do {                                                                     \
        CHECK(expr);                                                         \
        if (!(expr)) {                                                       \
            host_free(h);                                                    \
            return;                                                          \
        }                                                                    \
    } while (0)

/* ---- recording stubs ------------------------------------------------- */

static pthread_mutex_t g_log_mu = PTHREAD_MUTEX_INITIALIZER;

typedef struct hlog_entry {
    host_handler_type t;
    sched_role role;
    HostScene *scene;
} hlog_entry;

#define HLOG_MAX 4096
static hlog_entry g_hlog[HLOG_MAX];
static int g_hn;

static int g_timer_calls;
static void *g_timer_last_fn;
static int g_timer_ret;      /* what call_timer returns */
static double g_timer_next;  /* what call_timer writes to *next */

#define EV_MAX 256
static int g_modal_calls;
static char g_modal_events[EV_MAX][32];
static void *g_modal_ops[EV_MAX];
static int g_modal_ret; /* what call_modal returns */

static int g_cancel_calls;
static void *g_cancel_last;

static int g_draw_calls;
static void *g_draw_last;

static int g_queued_calls;
static void *g_queued_items[EV_MAX];
static sched_role g_queued_role;

static int g_release_calls;
#define REL_MAX 64
static void *g_release_objs[REL_MAX];
static int g_release_nobjs;

static int g_id_freed_calls;
static HostID *g_id_freed_last;

static int g_subdata_calls;
static HostID *g_subdata_last;

static int g_refused_calls;
static char g_refused_op[128];
static char g_refused_why[256];

/* A gate the render job thread can be held at, inside one handler type. */
static pthread_mutex_t g_gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_gate_cv = PTHREAD_COND_INITIALIZER;
static int g_gate_closed;
static host_handler_type g_gate_type;
static int g_gate_waited;

static void gate_close(host_handler_type t)
{
    pthread_mutex_lock(&g_gate_mu);
    g_gate_closed = 1;
    g_gate_type = t;
    g_gate_waited = 0;
    pthread_mutex_unlock(&g_gate_mu);
}

static void gate_open(void)
{
    pthread_mutex_lock(&g_gate_mu);
    g_gate_closed = 0;
    pthread_cond_broadcast(&g_gate_cv);
    pthread_mutex_unlock(&g_gate_mu);
}

static void gate_maybe_wait(host_handler_type t)
{
    if (sched_current_role() == SCHED_ROLE_MAIN)
        return; /* never block main */
    pthread_mutex_lock(&g_gate_mu);
    if (g_gate_closed && t == g_gate_type) {
        g_gate_waited = 1;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 10; /* bounded: a broken test must not hang */
        while (g_gate_closed) {
            if (pthread_cond_timedwait(&g_gate_cv, &g_gate_mu, &ts) == ETIMEDOUT)
                break;
        }
    }
    pthread_mutex_unlock(&g_gate_mu);
}

static void stub_call_handlers(void *ud, host_handler_type t, HostScene *scene)
{
    (void)ud;
    pthread_mutex_lock(&g_log_mu);
    if (g_hn < HLOG_MAX) {
        g_hlog[g_hn].t = t;
        g_hlog[g_hn].role = sched_current_role();
        g_hlog[g_hn].scene = scene;
        g_hn++;
    }
    pthread_mutex_unlock(&g_log_mu);
    gate_maybe_wait(t);
}

static int stub_call_timer(void *ud, void *fn, double *next)
{
    (void)ud;
    pthread_mutex_lock(&g_log_mu);
    g_timer_calls++;
    g_timer_last_fn = fn;
    int ret = g_timer_ret;
    if (ret && next)
        *next = g_timer_next;
    pthread_mutex_unlock(&g_log_mu);
    return ret;
}

static int stub_call_modal(void *ud, void *op, const char *event_type)
{
    (void)ud;
    pthread_mutex_lock(&g_log_mu);
    if (g_modal_calls < EV_MAX) {
        snprintf(g_modal_events[g_modal_calls], sizeof(g_modal_events[0]), "%s",
                 event_type ? event_type : "(null)");
        g_modal_ops[g_modal_calls] = op;
    }
    g_modal_calls++;
    int ret = g_modal_ret;
    pthread_mutex_unlock(&g_log_mu);
    return ret;
}

static void stub_cancel_modal(void *ud, void *op)
{
    (void)ud;
    pthread_mutex_lock(&g_log_mu);
    g_cancel_calls++;
    g_cancel_last = op;
    pthread_mutex_unlock(&g_log_mu);
}

static void stub_call_draw(void *ud, void *handler)
{
    (void)ud;
    pthread_mutex_lock(&g_log_mu);
    g_draw_calls++;
    g_draw_last = handler;
    pthread_mutex_unlock(&g_log_mu);
}

static void stub_call_queued(void *ud, void *item)
{
    (void)ud;
    pthread_mutex_lock(&g_log_mu);
    if (g_queued_calls < EV_MAX)
        g_queued_items[g_queued_calls] = item;
    g_queued_calls++;
    g_queued_role = sched_current_role();
    pthread_mutex_unlock(&g_log_mu);
}

static void stub_release(void *ud, void *obj)
{
    (void)ud;
    pthread_mutex_lock(&g_log_mu);
    g_release_calls++;
    if (g_release_nobjs < REL_MAX)
        g_release_objs[g_release_nobjs++] = obj;
    pthread_mutex_unlock(&g_log_mu);
}

static void stub_id_freed(void *ud, HostID *id)
{
    (void)ud;
    pthread_mutex_lock(&g_log_mu);
    g_id_freed_calls++;
    g_id_freed_last = id;
    pthread_mutex_unlock(&g_log_mu);
}

static void stub_subdata_moved(void *ud, HostID *owner)
{
    (void)ud;
    pthread_mutex_lock(&g_log_mu);
    g_subdata_calls++;
    g_subdata_last = owner;
    pthread_mutex_unlock(&g_log_mu);
}

static void stub_operator_refused(void *ud, const char *op, const char *why)
{
    (void)ud;
    pthread_mutex_lock(&g_log_mu);
    g_refused_calls++;
    snprintf(g_refused_op, sizeof(g_refused_op), "%s", op ? op : "");
    snprintf(g_refused_why, sizeof(g_refused_why), "%s", why ? why : "");
    pthread_mutex_unlock(&g_log_mu);
}

static host_callbacks g_cb = {
    .ud = NULL,
    .call_handlers = stub_call_handlers,
    .call_timer = stub_call_timer,
    .call_modal = stub_call_modal,
    .cancel_modal = stub_cancel_modal,
    .call_draw = stub_call_draw,
    .call_queued = stub_call_queued,
    .release = stub_release,
    .id_freed = stub_id_freed,
    .subdata_moved = stub_subdata_moved,
    .operator_refused = stub_operator_refused,
};

static void reset_stubs(void)
{
    pthread_mutex_lock(&g_log_mu);
    g_hn = 0;
    g_timer_calls = 0;
    g_timer_last_fn = NULL;
    g_timer_ret = 0;
    g_timer_next = 0.0;
    g_modal_calls = 0;
    g_modal_ret = 1;
    g_cancel_calls = 0;
    g_cancel_last = NULL;
    g_draw_calls = 0;
    g_draw_last = NULL;
    g_queued_calls = 0;
    g_queued_role = SCHED_ROLE_UNKNOWN;
    g_release_calls = 0;
    g_release_nobjs = 0;
    g_id_freed_calls = 0;
    g_id_freed_last = NULL;
    g_subdata_calls = 0;
    g_subdata_last = NULL;
    g_refused_calls = 0;
    g_refused_op[0] = g_refused_why[0] = '\0';
    pthread_mutex_unlock(&g_log_mu);
    gate_open();
}

/* A host with the given switches (NULL: all zero) and the recording stubs. */
static Host *mk_host(const host_switches *swp)
{
    host_switches sw;
    memset(&sw, 0, sizeof(sw));
    if (swp)
        sw = *swp;
    host_callbacks cb = g_cb;
    reset_stubs();
    return host_new(&sw, &cb);
}

/* ---- log helpers (take the mutex: the job thread may still append) --- */

static int hlog_len(void)
{
    pthread_mutex_lock(&g_log_mu);
    int n = g_hn;
    pthread_mutex_unlock(&g_log_mu);
    return n;
}

static void hlog_clear(void)
{
    pthread_mutex_lock(&g_log_mu);
    g_hn = 0;
    pthread_mutex_unlock(&g_log_mu);
}

static int hlog_count(host_handler_type t)
{
    int n = 0;
    pthread_mutex_lock(&g_log_mu);
    for (int i = 0; i < g_hn; i++)
        if (g_hlog[i].t == t)
            n++;
    pthread_mutex_unlock(&g_log_mu);
    return n;
}

/* Index of the k-th (0-based) entry of type t, or -1. */
static int hlog_index(host_handler_type t, int k)
{
    int r = -1;
    pthread_mutex_lock(&g_log_mu);
    for (int i = 0; i < g_hn; i++)
        if (g_hlog[i].t == t && k-- == 0) {
            r = i;
            break;
        }
    pthread_mutex_unlock(&g_log_mu);
    return r;
}

static int is_render_type(host_handler_type t)
{
    return t >= HOST_CB_RENDER_INIT && t <= HOST_CB_RENDER_CANCEL;
}

/* Number of render_* entries not run with role `role`. */
static int hlog_render_not_on(sched_role role)
{
    int bad = 0;
    pthread_mutex_lock(&g_log_mu);
    for (int i = 0; i < g_hn; i++)
        if (is_render_type(g_hlog[i].t) && g_hlog[i].role != role)
            bad++;
    pthread_mutex_unlock(&g_log_mu);
    return bad;
}

/* Copies the entries whose types are in `keep` (mask of 1u << type). */
static int hlog_filtered(unsigned keep, host_handler_type *out, int max)
{
    int n = 0;
    pthread_mutex_lock(&g_log_mu);
    for (int i = 0; i < g_hn && n < max; i++)
        if (keep & (1u << g_hlog[i].t))
            out[n++] = g_hlog[i].t;
    pthread_mutex_unlock(&g_log_mu);
    return n;
}

static void hlog_dump(const char *why)
{
    pthread_mutex_lock(&g_log_mu);
    fprintf(stderr, "  [%s] handler log (%d):", why, g_hn);
    for (int i = 0; i < g_hn; i++)
        fprintf(stderr, " %s@%s", host_handler_name(g_hlog[i].t),
                sched_role_name(g_hlog[i].role));
    fprintf(stderr, "\n");
    pthread_mutex_unlock(&g_log_mu);
}

static int read_int(int *p)
{
    pthread_mutex_lock(&g_log_mu);
    int v = *p;
    pthread_mutex_unlock(&g_log_mu);
    return v;
}

static int release_count(const void *obj)
{
    int n = 0;
    pthread_mutex_lock(&g_log_mu);
    for (int i = 0; i < g_release_nobjs; i++)
        if (g_release_objs[i] == obj)
            n++;
    pthread_mutex_unlock(&g_log_mu);
    return n;
}

/* ---- misc helpers ---------------------------------------------------- */

static int list_sorted(Host *h, host_id_type t)
{
    int n = host_id_count(h, t);
    for (int i = 1; i < n; i++) {
        HostID *a = host_id_at(h, t, i - 1), *b = host_id_at(h, t, i);
        if (!a || !b || strcmp(a->name, b->name) >= 0)
            return 0;
    }
    return 1;
}

static int list_contains(Host *h, host_id_type t, const HostID *id)
{
    for (int i = 0;; i++) {
        HostID *x = host_id_at(h, t, i);
        if (!x)
            return 0;
        if (x == id)
            return 1;
    }
}

static HostObject *find_ob(Host *h, const char *name)
{
    return (HostObject *)host_id_find(h, HOST_ID_OB, name);
}

static HostRegion *view3d_window(Host *h)
{
    for (int i = 0; i < HOST_NREGIONS; i++) {
        HostRegion *r = &h->regions[i];
        if (r->space && r->type && strcmp(r->space, "VIEW_3D") == 0 &&
            strcmp(r->type, "WINDOW") == 0)
            return r;
    }
    return NULL;
}

static int feq(float a, float b) { return fabsf(a - b) < 1e-6f; }

/* Runs wm frames until no RENDER job is registered; returns frames run or -1. */
static int run_until_render_done(Host *h, int max_frames)
{
    for (int i = 0; i < max_frames; i++) {
        if (!host_jobs_test(h, "RENDER"))
            return i;
        host_wm_frame(h);
    }
    return host_jobs_test(h, "RENDER") ? -1 : max_frames;
}

static void set_small_render(HostScene *sce)
{
    sce->resolution_x = 16;
    sce->resolution_y = 8;
    sce->resolution_percentage = 100;
}

static void set_render_handler_counts(Host *h)
{
    for (int t = HOST_CB_RENDER_INIT; t <= HOST_CB_RENDER_CANCEL; t++)
        h->handler_count[t] = 1;
}

/* ==== tests =========================================================== */

static void test_names(void)
{
    CHECK(strcmp(host_id_type_name(HOST_ID_OB), "Object") == 0);
    CHECK(strcmp(host_id_type_name(HOST_ID_ME), "Mesh") == 0);
    CHECK(strcmp(host_id_type_name(HOST_ID_IM), "Image") == 0);
    CHECK(strcmp(host_id_type_name(HOST_ID_MA), "Material") == 0);
    CHECK(strcmp(host_id_type_name(HOST_ID_GR), "Collection") == 0);
    CHECK(strcmp(host_id_type_name(HOST_ID_SCE), "Scene") == 0);
    CHECK(strcmp(host_handler_name(HOST_CB_RENDER_INIT), "render_init") == 0);
    CHECK(strcmp(host_handler_name(HOST_CB_RENDER_PRE), "render_pre") == 0);
    CHECK(strcmp(host_handler_name(HOST_CB_RENDER_COMPLETE), "render_complete") == 0);
    CHECK(strcmp(host_handler_name(HOST_CB_FRAME_CHANGE_PRE), "frame_change_pre") == 0);
    CHECK(strcmp(host_handler_name(HOST_CB_FRAME_CHANGE_POST), "frame_change_post") == 0);
    CHECK(strcmp(host_handler_name(HOST_CB_DEPSGRAPH_UPDATE_POST), "depsgraph_update_post") == 0);
    CHECK(strcmp(host_handler_name(HOST_CB_SAVE_POST), "save_post") == 0);
}

static void test_startup_objects(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    CHECK(host_id_count(h, HOST_ID_OB) == 3);
    HostID *a = host_id_at(h, HOST_ID_OB, 0);
    HostID *b = host_id_at(h, HOST_ID_OB, 1);
    HostID *c = host_id_at(h, HOST_ID_OB, 2);
    REQUIRE_H(a && b && c, h);
    CHECK(strcmp(a->name, "Camera") == 0);
    CHECK(strcmp(b->name, "Cube") == 0);
    CHECK(strcmp(c->name, "Light") == 0);
    CHECK(a->type == HOST_ID_OB && b->type == HOST_ID_OB);
    CHECK(host_id_at(h, HOST_ID_OB, 3) == NULL);
    CHECK(host_id_at(h, HOST_ID_OB, 100) == NULL);
    /* Camera and Light are empties; Cube carries the "Cube" mesh. */
    HostObject *cube = (HostObject *)b;
    REQUIRE_H(cube->data, h);
    CHECK(cube->data->type == HOST_ID_ME);
    CHECK(strcmp(cube->data->name, "Cube") == 0);
    CHECK(((HostObject *)a)->data == NULL);
    CHECK(((HostObject *)c)->data == NULL);
    CHECK(host_id_find(h, HOST_ID_OB, "Cube") == b);
    CHECK(host_id_find(h, HOST_ID_OB, "Nope") == NULL);
    char msg[256] = "";
    CHECK(host_main_check(h, msg, sizeof(msg)) == 0);
    host_free(h);
}

static void test_startup_data(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    CHECK(host_id_count(h, HOST_ID_ME) == 1);
    HostMesh *me = (HostMesh *)host_id_find(h, HOST_ID_ME, "Cube");
    REQUIRE_H(me, h);
    CHECK(me->totvert == 8);
    CHECK(me->verts != NULL);
    CHECK(me->totpoly == 6);
    CHECK(me->edit_mode == 0);

    CHECK(host_id_count(h, HOST_ID_SCE) == 1);
    HostScene *sce = (HostScene *)host_id_find(h, HOST_ID_SCE, "Scene");
    REQUIRE_H(sce, h);
    CHECK(sce->frame_start == 1);
    CHECK(sce->frame_end == 250);
    CHECK(sce->frame_current == 1);
    CHECK(sce->master != NULL);
    CHECK(h->scene == sce);
    CHECK(host_ctx_scene(h) == sce);

    CHECK(host_id_count(h, HOST_ID_GR) == 1);
    HostCollection *coll = (HostCollection *)host_id_find(h, HOST_ID_GR, "Collection");
    CHECK(coll != NULL);
    /* The master collection is not in Main's collection list. */
    CHECK(!list_contains(h, HOST_ID_GR, (HostID *)sce->master));

    CHECK(host_id_count(h, HOST_ID_MA) == 1);
    CHECK(host_id_find(h, HOST_ID_MA, "Material") != NULL);

    CHECK(host_id_count(h, HOST_ID_IM) == 0);
    CHECK(host_id_at(h, HOST_ID_IM, 0) == NULL);
    CHECK(h->render_result == NULL);
    CHECK(h->G.is_rendering == 0);
    CHECK(h->G.is_break == 0);
    CHECK(h->jobs == NULL);
    CHECK(!host_jobs_test(h, "RENDER"));
    host_free(h);
}

static void test_startup_scene_collections(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    HostScene *sce = h->scene;
    HostCollection *coll = (HostCollection *)host_id_find(h, HOST_ID_GR, "Collection");
    REQUIRE_H(sce && sce->master && coll, h);
    /* As in Blender's startup file: the three objects live in "Collection",
     * a child of the scene's master collection. */
    CHECK(host_collection_has(h, coll, find_ob(h, "Cube")));
    CHECK(host_collection_has(h, coll, find_ob(h, "Camera")));
    CHECK(host_collection_has(h, coll, find_ob(h, "Light")));
    int n = -1;
    HostObject **all = host_collection_all_objects(h, sce->master, &n);
    CHECK(n == 3);
    CHECK(n == 0 || all != NULL);
    host_free(h);
}

static void test_id_new_suffix(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    HostID *a = host_id_new(h, HOST_ID_OB, "Cube");
    REQUIRE_H(a, h);
    CHECK(a->type == HOST_ID_OB);
    CHECK(strcmp(a->name, "Cube.001") == 0);
    HostID *b = host_id_new(h, HOST_ID_OB, "Cube");
    REQUIRE_H(b, h);
    CHECK(strcmp(b->name, "Cube.002") == 0);
    CHECK(host_id_count(h, HOST_ID_OB) == 5);
    CHECK(host_id_find(h, HOST_ID_OB, "Cube.001") == a);
    CHECK(host_id_find(h, HOST_ID_OB, "Cube.002") == b);
    /* Same name in another type's list is not taken. */
    HostID *m = host_id_new(h, HOST_ID_MA, "Cube");
    REQUIRE_H(m, h);
    CHECK(strcmp(m->name, "Cube") == 0);
    CHECK(list_sorted(h, HOST_ID_OB));
    char msg[256] = "";
    CHECK(host_main_check(h, msg, sizeof(msg)) == 0);
    host_free(h);
}

static void test_id_sorted_after_new(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    const char *names[] = {"Zeta", "Apple", "Banana", "Cube.5", "a_lower", "Light2", "B"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        CHECK(host_id_new(h, HOST_ID_OB, names[i]) != NULL);
    CHECK(host_id_count(h, HOST_ID_OB) == 10);
    CHECK(list_sorted(h, HOST_ID_OB));
    HostID *first = host_id_at(h, HOST_ID_OB, 0);
    HostID *last = host_id_at(h, HOST_ID_OB, 9);
    CHECK(first && strcmp(first->name, "Apple") == 0);
    CHECK(last && strcmp(last->name, "a_lower") == 0); /* strcmp order */
    CHECK(h->main.lists[HOST_ID_OB].first == first);
    CHECK(h->main.lists[HOST_ID_OB].last == last);
    /* prev links agree with next links */
    int ok = 1;
    for (HostID *x = h->main.lists[HOST_ID_OB].first; x; x = x->next)
        if (x->next && x->next->prev != x)
            ok = 0;
    CHECK(ok);
    char msg[256] = "";
    CHECK(host_main_check(h, msg, sizeof(msg)) == 0);
    host_free(h);
}

static void test_id_rename(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    HostID *cam = host_id_find(h, HOST_ID_OB, "Camera");
    REQUIRE_H(cam, h);
    host_id_rename(h, cam, "Zoom");
    CHECK(strcmp(cam->name, "Zoom") == 0);
    CHECK(list_sorted(h, HOST_ID_OB));
    CHECK(host_id_at(h, HOST_ID_OB, 2) == cam);
    /* name map invalidated: old name gone, new name found */
    CHECK(host_id_find(h, HOST_ID_OB, "Zoom") == cam);
    CHECK(host_id_find(h, HOST_ID_OB, "Camera") == NULL);
    CHECK(host_id_count(h, HOST_ID_OB) == 3);

    host_id_rename(h, cam, "Aardvark");
    CHECK(host_id_at(h, HOST_ID_OB, 0) == cam);
    CHECK(host_id_find(h, HOST_ID_OB, "Aardvark") == cam);
    CHECK(host_id_find(h, HOST_ID_OB, "Zoom") == NULL);
    CHECK(list_sorted(h, HOST_ID_OB));

    /* rename to a taken name gets a suffix */
    host_id_rename(h, cam, "Light");
    CHECK(strcmp(cam->name, "Light.001") == 0);
    HostID *light = host_id_find(h, HOST_ID_OB, "Light");
    CHECK(light != NULL && light != cam);
    CHECK(host_id_find(h, HOST_ID_OB, "Light.001") == cam);
    CHECK(list_sorted(h, HOST_ID_OB));
    char msg[256] = "";
    CHECK(host_main_check(h, msg, sizeof(msg)) == 0);
    host_free(h);
}

static void test_id_name_truncation(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    char longname[200];
    memset(longname, 'x', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    HostID *a = host_id_new(h, HOST_ID_OB, longname);
    REQUIRE_H(a, h);
    CHECK(strlen(a->name) == HOST_MAX_NAME - 1);
    CHECK(strncmp(a->name, longname, HOST_MAX_NAME - 1) == 0);
    CHECK(host_id_find(h, HOST_ID_OB, a->name) == a);

    HostID *cube = host_id_find(h, HOST_ID_OB, "Cube");
    REQUIRE_H(cube, h);
    char other[100];
    memset(other, 'y', sizeof(other) - 1);
    other[sizeof(other) - 1] = '\0';
    host_id_rename(h, cube, other);
    CHECK(strlen(cube->name) == HOST_MAX_NAME - 1);
    CHECK(strncmp(cube->name, other, HOST_MAX_NAME - 1) == 0);
    CHECK(list_sorted(h, HOST_ID_OB));

    /* a taken 63-char name still yields a unique name that fits */
    HostID *b = host_id_new(h, HOST_ID_OB, longname);
    REQUIRE_H(b, h);
    CHECK(strlen(b->name) <= HOST_MAX_NAME - 1);
    CHECK(strcmp(a->name, b->name) != 0);
    CHECK(list_sorted(h, HOST_ID_OB));
    char msg[256] = "";
    CHECK(host_main_check(h, msg, sizeof(msg)) == 0);
    host_free(h);
}

static void test_main_check_corrupt(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    char msg[256] = "";
    CHECK(host_main_check(h, msg, sizeof(msg)) == 0);
    HostObject *cam = find_ob(h, "Camera");
    REQUIRE_H(cam, h);
    /* Break the order behind the host's back: "Zzz" now sorts first. */
    strcpy(cam->id.name, "Zzz");
    msg[0] = '\0';
    CHECK(host_main_check(h, msg, sizeof(msg)) > 0);
    CHECK(msg[0] != '\0');
    strcpy(cam->id.name, "Camera");
    host_free(h);
}

static void test_id_remove(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    HostObject *cube = find_ob(h, "Cube");
    REQUIRE_H(cube, h);
    HostMesh *me = (HostMesh *)host_id_find(h, HOST_ID_ME, "Cube");
    REQUIRE_H(me, h);
    HostCollection *coll = (HostCollection *)host_id_find(h, HOST_ID_GR, "Collection");
    host_id_remove(h, &cube->id);
    CHECK(g_id_freed_calls == 1);
    CHECK(g_id_freed_last == (HostID *)cube);
    CHECK(host_id_count(h, HOST_ID_OB) == 2);
    CHECK(host_id_find(h, HOST_ID_OB, "Cube") == NULL);
    /* the mesh survives its object */
    CHECK(host_id_count(h, HOST_ID_ME) == 1);
    CHECK(host_id_find(h, HOST_ID_ME, "Cube") == (HostID *)me);
    CHECK(me->totvert == 8);
    /* the object left its collections */
    if (coll) {
        int n = -1;
        host_collection_all_objects(h, coll, &n);
        CHECK(n == 2);
        CHECK(coll->nobjects == 2);
    }
    char msg[256] = "";
    CHECK(host_main_check(h, msg, sizeof(msg)) == 0);
    /* removing a fresh image also reports exactly one id_freed */
    HostID *im = host_id_new(h, HOST_ID_IM, "img");
    REQUIRE_H(im, h);
    g_id_freed_calls = 0;
    host_id_remove(h, im);
    CHECK(g_id_freed_calls == 1);
    CHECK(host_id_count(h, HOST_ID_IM) == 0);
    host_free(h);
}

static void test_id_count(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    for (int i = 0; i < 20; i++)
        host_id_new(h, HOST_ID_MA, "Mat");
    CHECK(host_id_count(h, HOST_ID_MA) == 21);
    CHECK(host_id_find(h, HOST_ID_MA, "Mat") != NULL);
    CHECK(host_id_find(h, HOST_ID_MA, "Mat.019") != NULL);
    CHECK(host_id_find(h, HOST_ID_MA, "Mat.020") == NULL);
    CHECK(list_sorted(h, HOST_ID_MA));
    HostID *x = host_id_find(h, HOST_ID_MA, "Mat.007");
    REQUIRE_H(x, h);
    host_id_remove(h, x);
    CHECK(host_id_count(h, HOST_ID_MA) == 20);
    CHECK(host_id_find(h, HOST_ID_MA, "Mat.007") == NULL);
    /* the freed name can be taken again */
    HostID *y = host_id_new(h, HOST_ID_MA, "Mat.007");
    CHECK(y && strcmp(y->name, "Mat.007") == 0);
    char msg[256] = "";
    CHECK(host_main_check(h, msg, sizeof(msg)) == 0);
    host_free(h);
}

static void test_mesh_add_verts(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    HostMesh *me = (HostMesh *)host_id_find(h, HOST_ID_ME, "Cube");
    REQUIRE_H(me, h);
    float *p0 = host_mesh_vert_co(h, me, 0);
    REQUIRE_H(p0, h);
    CHECK(p0 == me->verts[0]);
    float v7[3];
    memcpy(v7, host_mesh_vert_co(h, me, 7), sizeof(v7));
    unsigned gen = me->verts_gen;
    g_subdata_calls = 0;
    host_mesh_add_verts(h, me, 100000);
    CHECK(me->totvert == 100008);
    CHECK(me->verts_gen != gen);
    CHECK(g_subdata_calls >= 1);
    CHECK(g_subdata_last == (HostID *)me);
    float *p7 = host_mesh_vert_co(h, me, 7);
    REQUIRE_H(p7, h);
    CHECK(feq(p7[0], v7[0]) && feq(p7[1], v7[1]) && feq(p7[2], v7[2]));
    CHECK(host_mesh_vert_co(h, me, 100007) == me->verts[100007]);
    gen = me->verts_gen;
    host_mesh_add_verts(h, me, 5);
    CHECK(me->totvert == 100013);
    CHECK(me->verts_gen != gen);
    host_free(h);
}

static void test_mesh_edit_mode(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    HostMesh *me = (HostMesh *)host_id_find(h, HOST_ID_ME, "Cube");
    REQUIRE_H(me && me->totvert == 8, h);
    float before[8][3];
    memcpy(before, me->verts, sizeof(before));
    unsigned gen0 = me->verts_gen;
    g_subdata_calls = 0;
    host_mesh_set_edit_mode(h, me, 1);
    CHECK(me->edit_mode == 1);
    unsigned gen1 = me->verts_gen;
    CHECK(gen1 != gen0);
    host_mesh_set_edit_mode(h, me, 0);
    CHECK(me->edit_mode == 0);
    CHECK(me->verts_gen != gen1);
    CHECK(g_subdata_calls >= 2);
    CHECK(g_subdata_last == (HostID *)me);
    CHECK(me->totvert == 8);
    int same = 1;
    for (int i = 0; i < 8; i++)
        for (int k = 0; k < 3; k++)
            if (!feq(me->verts[i][k], before[i][k]))
                same = 0;
    CHECK(same);
    host_free(h);
}

static void test_mesh_update_bbox(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    HostMesh *me = (HostMesh *)host_id_find(h, HOST_ID_ME, "Cube");
    REQUIRE_H(me, h);
    float *co = host_mesh_vert_co(h, me, 3);
    REQUIRE_H(co, h);
    co[0] = 5.0f;
    host_mesh_update(h, me);
    CHECK(me->bb_valid);
    int inside = 1;
    for (int i = 0; i < me->totvert; i++)
        for (int k = 0; k < 3; k++)
            if (me->verts[i][k] < me->bb[0][k] - 1e-6f || me->verts[i][k] > me->bb[1][k] + 1e-6f)
                inside = 0;
    CHECK(inside);
    CHECK(feq(me->bb[1][0], 5.0f));
    /* make_cube fills a fresh, empty mesh (the implementation only supports
     * an empty mesh; the header does not say more) */
    HostMesh *fresh = (HostMesh *)host_id_new(h, HOST_ID_ME, "Fresh");
    REQUIRE_H(fresh, h);
    CHECK(fresh->totvert == 0);
    host_mesh_make_cube(h, fresh);
    CHECK(fresh->totvert == 8);
    CHECK(fresh->totpoly == 6);
    CHECK(fresh->bb_valid);
    CHECK(feq(fresh->bb[0][0], -1) && feq(fresh->bb[1][2], 1));
    host_free(h);
}

static void test_image_alloc_scale(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    HostImage *im = (HostImage *)host_id_new(h, HOST_ID_IM, "img");
    REQUIRE_H(im, h);
    CHECK(im->id.type == HOST_ID_IM);
    CHECK(strcmp(im->id.name, "img") == 0);
    CHECK(host_id_count(h, HOST_ID_IM) == 1);
    CHECK(im->is_render_result == 0);
    const float rgba[4] = {0, 0, 0, 1};
    host_image_alloc(h, im, 4, 2, rgba);
    CHECK(im->w == 4 && im->h == 2);
    REQUIRE_H(im->pixels, h);
    int ok = 1;
    for (int i = 0; i < 4 * 2; i++)
        for (int k = 0; k < 4; k++)
            if (!feq(im->pixels[i * 4 + k], rgba[k]))
                ok = 0;
    CHECK(ok);
    unsigned gen = im->pixels_gen;
    g_subdata_calls = 0;
    host_image_scale(h, im, 8, 3);
    CHECK(im->w == 8 && im->h == 3);
    CHECK(im->pixels != NULL);
    CHECK(im->pixels_gen != gen);
    CHECK(g_subdata_calls >= 1);
    CHECK(g_subdata_last == (HostID *)im);
    host_free(h);
}

static void test_collection_link_unlink(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    HostCollection *coll = (HostCollection *)host_id_find(h, HOST_ID_GR, "Collection");
    HostObject *ob = (HostObject *)host_id_new(h, HOST_ID_OB, "Extra");
    REQUIRE_H(coll && ob, h);
    int n0 = -1;
    host_collection_all_objects(h, coll, &n0);
    CHECK(!host_collection_has(h, coll, ob));
    CHECK(host_collection_link(h, coll, ob) == 0);
    CHECK(host_collection_has(h, coll, ob));
    CHECK(host_collection_link(h, coll, ob) == -1);
    int n1 = -1;
    HostObject **all = host_collection_all_objects(h, coll, &n1);
    CHECK(n1 == n0 + 1); /* cache rebuilt after link */
    int found = 0;
    for (int i = 0; all && i < n1; i++)
        if (all[i] == ob)
            found = 1;
    CHECK(found);
    CHECK(host_collection_unlink(h, coll, ob) == 0);
    CHECK(!host_collection_has(h, coll, ob));
    /* assumption (header silent): unlinking an unlinked object fails */
    CHECK(host_collection_unlink(h, coll, ob) != 0);
    int n2 = -1;
    host_collection_all_objects(h, coll, &n2);
    CHECK(n2 == n0);
    host_free(h);
}

static void test_collection_children(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    HostCollection *coll = (HostCollection *)host_id_find(h, HOST_ID_GR, "Collection");
    HostCollection *child = (HostCollection *)host_id_new(h, HOST_ID_GR, "Child");
    HostObject *ob = (HostObject *)host_id_new(h, HOST_ID_OB, "InChild");
    REQUIRE_H(coll && child && ob, h);
    int n0 = -1;
    host_collection_all_objects(h, coll, &n0);
    CHECK(host_collection_link_child(h, coll, child) == 0);
    CHECK(coll->nchildren == 1);
    CHECK(host_collection_link(h, child, ob) == 0);
    int n1 = -1;
    HostObject **all = host_collection_all_objects(h, coll, &n1);
    CHECK(n1 == n0 + 1);
    int found = 0;
    for (int i = 0; all && i < n1; i++)
        if (all[i] == ob)
            found = 1;
    CHECK(found);
    CHECK(!host_collection_has(h, coll, ob)); /* direct membership only */
    CHECK(coll->all_valid);
    /* the hide flag sets the field and invalidates the cache */
    host_collection_set_hide(h, child, 1);
    CHECK(child->hide_viewport == 1);
    host_collection_set_hide(h, coll, 1);
    CHECK(coll->hide_viewport == 1);
    CHECK(coll->all_valid == 0);
    int n2 = -1;
    host_collection_all_objects(h, coll, &n2);
    CHECK(coll->all_valid);
    host_collection_set_hide(h, coll, 0);
    CHECK(coll->hide_viewport == 0);
    host_free(h);
}

static void test_object_vectors(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    HostObject *ob = (HostObject *)host_id_new(h, HOST_ID_OB, "Vec");
    HostObject *cube = find_ob(h, "Cube");
    REQUIRE_H(ob && cube, h);
    float v[3] = {9, 9, 9};
    host_object_get_vec(h, ob, HOST_VEC_SCALE, v);
    CHECK(feq(v[0], 1) && feq(v[1], 1) && feq(v[2], 1));
    host_object_get_vec(h, cube, HOST_VEC_SCALE, v);
    CHECK(feq(v[0], 1) && feq(v[1], 1) && feq(v[2], 1));
    host_object_get_vec(h, ob, HOST_VEC_LOC, v);
    CHECK(feq(v[0], 0) && feq(v[1], 0) && feq(v[2], 0));

    const float loc[3] = {1, 2, 3}, rot[3] = {0.1f, 0.2f, 0.3f}, sc[3] = {2, 3, 4};
    host_object_set_vec(h, ob, HOST_VEC_LOC, loc);
    host_object_set_vec(h, ob, HOST_VEC_ROT, rot);
    host_object_set_vec(h, ob, HOST_VEC_SCALE, sc);
    host_object_get_vec(h, ob, HOST_VEC_LOC, v);
    CHECK(feq(v[0], 1) && feq(v[1], 2) && feq(v[2], 3));
    CHECK(feq(ob->loc[0], 1) && feq(ob->loc[2], 3));
    host_object_get_vec(h, ob, HOST_VEC_ROT, v);
    CHECK(feq(v[0], 0.1f) && feq(v[1], 0.2f) && feq(v[2], 0.3f));
    host_object_get_vec(h, ob, HOST_VEC_SCALE, v);
    CHECK(feq(v[0], 2) && feq(v[1], 3) && feq(v[2], 4));

    host_object_set_axis(h, ob, HOST_VEC_LOC, 1, -7.5f);
    CHECK(feq(host_object_get_axis(h, ob, HOST_VEC_LOC, 1), -7.5f));
    CHECK(feq(host_object_get_axis(h, ob, HOST_VEC_LOC, 0), 1));
    host_object_set_axis(h, ob, HOST_VEC_ROT, 2, 1.25f);
    CHECK(feq(host_object_get_axis(h, ob, HOST_VEC_ROT, 2), 1.25f));
    CHECK(feq(ob->rot[2], 1.25f));
    host_object_set_axis(h, ob, HOST_VEC_SCALE, 0, 0.5f);
    CHECK(feq(host_object_get_axis(h, ob, HOST_VEC_SCALE, 0), 0.5f));
    CHECK(feq(host_object_get_axis(h, ob, HOST_VEC_SCALE, 1), 3));

    host_object_set_hide(h, ob, 1);
    CHECK(ob->hide_viewport == 1);
    host_object_set_data(h, ob, host_id_find(h, HOST_ID_ME, "Cube"));
    CHECK(ob->data == host_id_find(h, HOST_ID_ME, "Cube"));

    host_ctx_set_active_object(h, ob);
    CHECK(host_ctx_active_object(h) == ob);
    host_free(h);
}

static void test_frame_set_handlers(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    HostScene *sce = h->scene;
    REQUIRE_H(sce, h);
    /* no handlers registered: the host must not call in at all */
    host_scene_frame_set(h, sce, 4);
    CHECK(sce->frame_current == 4);
    CHECK(hlog_count(HOST_CB_FRAME_CHANGE_PRE) == 0);
    CHECK(hlog_count(HOST_CB_FRAME_CHANGE_POST) == 0);

    h->handler_count[HOST_CB_FRAME_CHANGE_PRE] = 1;
    h->handler_count[HOST_CB_FRAME_CHANGE_POST] = 1;
    hlog_clear();
    host_scene_frame_set(h, sce, 7);
    CHECK(sce->frame_current == 7);
    host_handler_type seq[16];
    int n = hlog_filtered((1u << HOST_CB_FRAME_CHANGE_PRE) | (1u << HOST_CB_FRAME_CHANGE_POST),
                          seq, 16);
    CHECK(n == 2);
    CHECK(n >= 2 && seq[0] == HOST_CB_FRAME_CHANGE_PRE && seq[1] == HOST_CB_FRAME_CHANGE_POST);
    int pre = hlog_index(HOST_CB_FRAME_CHANGE_PRE, 0);
    CHECK(pre >= 0 && g_hlog[pre].role == SCHED_ROLE_MAIN);
    CHECK(pre >= 0 && g_hlog[pre].scene == sce);

    /* only the post list non-empty */
    h->handler_count[HOST_CB_FRAME_CHANGE_PRE] = 0;
    hlog_clear();
    host_scene_frame_set(h, sce, 9);
    CHECK(hlog_count(HOST_CB_FRAME_CHANGE_PRE) == 0);
    CHECK(hlog_count(HOST_CB_FRAME_CHANGE_POST) == 1);
    CHECK(sce->frame_current == 9);
    host_free(h);
}

static void test_render_exec_still(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    HostScene *sce = h->scene;
    REQUIRE_H(sce, h);
    set_small_render(sce);
    set_render_handler_counts(h);
    CHECK(host_render(h, 0, 0, 0) == HOST_OP_FINISHED);
    host_handler_type seq[32];
    unsigned mask = (1u << HOST_CB_RENDER_INIT) | (1u << HOST_CB_RENDER_PRE) |
                    (1u << HOST_CB_RENDER_POST) | (1u << HOST_CB_RENDER_WRITE) |
                    (1u << HOST_CB_RENDER_COMPLETE) | (1u << HOST_CB_RENDER_CANCEL);
    int n = hlog_filtered(mask, seq, 32);
    CHECK(n == 4);
    CHECK(n >= 4 && seq[0] == HOST_CB_RENDER_INIT && seq[1] == HOST_CB_RENDER_PRE &&
          seq[2] == HOST_CB_RENDER_POST && seq[3] == HOST_CB_RENDER_COMPLETE);
    CHECK(hlog_count(HOST_CB_RENDER_WRITE) == 0);
    CHECK(hlog_count(HOST_CB_RENDER_CANCEL) == 0);
    CHECK(hlog_render_not_on(SCHED_ROLE_MAIN) == 0);
    if (n != 4)
        hlog_dump("exec still");
    HostImage *rr = h->render_result;
    REQUIRE_H(rr, h);
    CHECK(strcmp(rr->id.name, "Render Result") == 0);
    CHECK(rr->w == 16 && rr->h == 8);
    CHECK(rr->is_render_result);
    CHECK(rr->pixels != NULL);
    CHECK(host_id_find(h, HOST_ID_IM, "Render Result") == (HostID *)rr);
    CHECK(h->G.is_rendering == 0);
    CHECK(!host_jobs_test(h, "RENDER"));
    char msg[256] = "";
    CHECK(host_main_check(h, msg, sizeof(msg)) == 0);
    host_free(h);
}

static void test_render_exec_write_still(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    set_small_render(h->scene);
    set_render_handler_counts(h);
    CHECK(host_render(h, 0, 0, 1) == HOST_OP_FINISHED);
    CHECK(hlog_count(HOST_CB_RENDER_WRITE) == 1);
    int pre = hlog_index(HOST_CB_RENDER_PRE, 0);
    int wr = hlog_index(HOST_CB_RENDER_WRITE, 0);
    int done = hlog_index(HOST_CB_RENDER_COMPLETE, 0);
    CHECK(pre >= 0 && wr > pre && done > wr);
    CHECK(hlog_render_not_on(SCHED_ROLE_MAIN) == 0);
    /* a second render reuses the one "Render Result" image */
    CHECK(host_render(h, 0, 0, 0) == HOST_OP_FINISHED);
    CHECK(host_id_count(h, HOST_ID_IM) == 1);
    CHECK(h->G.is_rendering == 0);
    host_free(h);
}

static void test_render_exec_animation(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    HostScene *sce = h->scene;
    REQUIRE_H(sce, h);
    set_small_render(sce);
    set_render_handler_counts(h);
    h->handler_count[HOST_CB_FRAME_CHANGE_PRE] = 1;
    h->handler_count[HOST_CB_FRAME_CHANGE_POST] = 1;
    sce->frame_start = 1;
    sce->frame_end = 3;
    sce->frame_current = 2;
    CHECK(host_render(h, 0, 1, 0) == HOST_OP_FINISHED);
    CHECK(hlog_count(HOST_CB_RENDER_INIT) == 1);
    CHECK(hlog_count(HOST_CB_RENDER_PRE) == 3);
    CHECK(hlog_count(HOST_CB_RENDER_POST) == 3);
    CHECK(hlog_count(HOST_CB_FRAME_CHANGE_PRE) == 3);
    CHECK(hlog_count(HOST_CB_FRAME_CHANGE_POST) == 3);
    CHECK(hlog_count(HOST_CB_RENDER_COMPLETE) == 1);
    CHECK(hlog_count(HOST_CB_RENDER_CANCEL) == 0);
    CHECK(hlog_render_not_on(SCHED_ROLE_MAIN) == 0);
    /* render_complete comes last among render handlers */
    CHECK(hlog_index(HOST_CB_RENDER_COMPLETE, 0) > hlog_index(HOST_CB_RENDER_POST, 2));
    CHECK(sce->frame_current == 2); /* restored */
    CHECK(h->G.is_rendering == 0);
    if (hlog_count(HOST_CB_RENDER_PRE) != 3)
        hlog_dump("exec animation");
    host_free(h);
}

static void test_render_invoke_job(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    set_small_render(h->scene);
    set_render_handler_counts(h);
    /* hold the job in render_pre so the second invoke surely overlaps */
    gate_close(HOST_CB_RENDER_PRE);
    CHECK(host_render(h, 1, 0, 0) == HOST_OP_RUNNING_MODAL);
    CHECK(host_jobs_test(h, "RENDER"));
    CHECK(!host_jobs_test(h, "OTHER"));
    CHECK(host_render(h, 1, 0, 0) == HOST_OP_CANCELLED);
    CHECK(g_refused_calls == 1);
    CHECK(g_refused_why[0] != '\0');
    CHECK(host_jobs_test(h, "RENDER"));
    gate_open();
    int frames = run_until_render_done(h, 2000);
    CHECK(frames >= 0);
    CHECK(!host_jobs_test(h, "RENDER"));
    CHECK(hlog_count(HOST_CB_RENDER_INIT) == 1);
    CHECK(hlog_count(HOST_CB_RENDER_PRE) == 1);
    CHECK(hlog_count(HOST_CB_RENDER_POST) == 1);
    CHECK(hlog_count(HOST_CB_RENDER_COMPLETE) == 1);
    CHECK(hlog_count(HOST_CB_RENDER_CANCEL) == 0);
    /* every render handler of an invoke render runs on the job thread */
    CHECK(hlog_len() > 0 && hlog_render_not_on(HOST_ROLE_RENDER_JOB) == 0);
    if (hlog_render_not_on(HOST_ROLE_RENDER_JOB) != 0)
        hlog_dump("invoke");
    CHECK(h->G.is_rendering == 0);
    CHECK(h->render_result && h->render_result->w == 16 && h->render_result->h == 8);
    /* after the job ends a new invoke is accepted again */
    CHECK(host_render(h, 1, 0, 0) == HOST_OP_RUNNING_MODAL);
    CHECK(run_until_render_done(h, 2000) >= 0);
    CHECK(hlog_count(HOST_CB_RENDER_COMPLETE) == 2);
    CHECK(host_shutdown(h, 2000) == 0);
    host_free(h);
}

static void test_render_invoke_as_exec_switch(void)
{
    host_switches sw;
    memset(&sw, 0, sizeof(sw));
    sw.render = HOST_RENDER_EXEC;
    Host *h = mk_host(&sw);
    REQUIRE(h);
    CHECK(h->sw.render == HOST_RENDER_EXEC);
    set_small_render(h->scene);
    set_render_handler_counts(h);
    CHECK(host_render(h, 1, 0, 0) == HOST_OP_FINISHED);
    CHECK(!host_jobs_test(h, "RENDER"));
    CHECK(hlog_count(HOST_CB_RENDER_COMPLETE) == 1);
    CHECK(hlog_count(HOST_CB_RENDER_PRE) == 1);
    CHECK(hlog_render_not_on(SCHED_ROLE_MAIN) == 0);
    CHECK(h->G.is_rendering == 0);
    CHECK(h->render_result && h->render_result->w == 16);
    host_free(h);
}

static void test_render_kill(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    set_small_render(h->scene);
    set_render_handler_counts(h);
    CHECK(host_render(h, 1, 0, 0) == HOST_OP_RUNNING_MODAL);
    host_jobs_kill_all(h);
    CHECK(!host_jobs_test(h, "RENDER"));
    CHECK(h->jobs == NULL);
    CHECK(h->G.is_rendering == 0);
    /* exactly one of complete/cancel, depending on how far it got */
    CHECK(hlog_count(HOST_CB_RENDER_COMPLETE) + hlog_count(HOST_CB_RENDER_CANCEL) == 1);
    host_free(h);
}

static int g_timer_fn_a, g_timer_fn_b;

static void test_timers(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    void *fa = &g_timer_fn_a, *fb = &g_timer_fn_b;
    CHECK(!host_timer_is_registered(h, fa));
    host_timer_register(h, fa, 0.0);
    CHECK(host_timer_is_registered(h, fa));
    g_timer_ret = 0; /* returns None: removed */
    host_wm_frame(h);
    CHECK(g_timer_calls == 1);
    CHECK(g_timer_last_fn == fa);
    CHECK(!host_timer_is_registered(h, fa));
    host_wm_frame(h);
    CHECK(g_timer_calls == 1);

    host_timer_register(h, fb, 0.0);
    g_timer_ret = 1;
    g_timer_next = 0.0; /* reschedule immediately */
    host_wm_frame(h);
    CHECK(g_timer_calls == 2);
    CHECK(g_timer_last_fn == fb);
    CHECK(host_timer_is_registered(h, fb));
    host_wm_frame(h);
    CHECK(g_timer_calls == 3);
    CHECK(host_timer_is_registered(h, fb));
    CHECK(host_timer_unregister(h, fb) == 1);
    CHECK(!host_timer_is_registered(h, fb));
    CHECK(host_timer_unregister(h, fb) == 0);
    host_wm_frame(h);
    CHECK(g_timer_calls == 3);
    host_free(h);
}

static void test_timer_interval(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    void *fa = &g_timer_fn_a;
    /* a timer due far in the future is not called by the next frame */
    host_timer_register(h, fa, 1000.0);
    g_timer_ret = 0;
    host_wm_frame(h);
    CHECK(g_timer_calls == 0);
    CHECK(host_timer_is_registered(h, fa));
    CHECK(host_timer_unregister(h, fa) == 1);
    /* with timers_lock the behaviour is the same */
    host_free(h);

    host_switches sw;
    memset(&sw, 0, sizeof(sw));
    sw.timers_lock = 1;
    h = mk_host(&sw);
    REQUIRE(h);
    host_timer_register(h, fa, 0.0);
    g_timer_ret = 0;
    host_wm_frame(h);
    CHECK(g_timer_calls == 1);
    CHECK(!host_timer_is_registered(h, fa));
    host_free(h);
}

static int g_op_a, g_op_b;

static void test_modal_timer_events(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    host_modal_add(h, &g_op_a);
    HostEventTimer *et = host_event_timer_add(h, 0.0);
    CHECK(et != NULL);
    g_modal_ret = 1;
    host_wm_frame(h);
    CHECK(g_modal_calls >= 1);
    CHECK(g_modal_calls >= 1 && strcmp(g_modal_events[0], "TIMER") == 0);
    CHECK(g_modal_calls >= 1 && g_modal_ops[0] == &g_op_a);
    int after1 = g_modal_calls;
    host_wm_frame(h);
    CHECK(g_modal_calls > after1); /* still modal: gets the next TIMER */
    g_modal_ret = 0;                /* finished */
    host_wm_frame(h);
    int after_finish = g_modal_calls;
    host_wm_frame(h);
    host_wm_frame(h);
    CHECK(g_modal_calls == after_finish); /* removed */
    if (et)
        host_event_timer_remove(h, et);
    CHECK(host_shutdown(h, 2000) == 0);
    CHECK(g_cancel_calls == 0); /* nothing left to cancel */
    host_free(h);
}

static void test_modal_cancel_at_shutdown(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    host_modal_add(h, &g_op_b);
    g_modal_ret = 1;
    CHECK(host_shutdown(h, 2000) == 0);
    CHECK(g_cancel_calls == 1);
    CHECK(g_cancel_last == &g_op_b);
    host_free(h);
}

static int g_draw_a;

static void test_draw_handlers(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    HostDrawHandler *dh = host_draw_handler_add(h, &g_draw_a);
    REQUIRE_H(dh, h);
    host_wm_frame(h);
    CHECK(g_draw_calls == 1);
    CHECK(g_draw_last == &g_draw_a);
    host_wm_frame(h);
    host_wm_frame(h);
    CHECK(g_draw_calls == 3);
    host_draw_handler_remove(h, dh);
    host_wm_frame(h);
    host_wm_frame(h);
    CHECK(g_draw_calls == 3);
    host_free(h);
}

static void test_draw_lock_interface(void)
{
    host_switches sw;
    memset(&sw, 0, sizeof(sw));
    sw.lock_interface = 1;
    Host *h = mk_host(&sw);
    REQUIRE(h);
    HostRegion *v3d = view3d_window(h);
    REQUIRE_H(v3d, h);
    set_small_render(h->scene);
    set_render_handler_counts(h);
    host_draw_handler_add(h, &g_draw_a);
    host_wm_frame(h);
    CHECK(g_draw_calls == 1);
    CHECK(v3d->do_lock == 0);
    /* hold the job thread inside render_pre so it is surely still running */
    gate_close(HOST_CB_RENDER_PRE);
    CHECK(host_render(h, 1, 0, 0) == HOST_OP_RUNNING_MODAL);
    CHECK(v3d->do_lock != 0);
    CHECK(h->G.is_interface_locked != 0);
    host_wm_frame(h);
    CHECK(read_int(&g_draw_calls) == 1); /* locked region: no draw */
    host_wm_frame(h);
    CHECK(read_int(&g_draw_calls) == 1);
    CHECK(host_jobs_test(h, "RENDER"));
    gate_open();
    CHECK(run_until_render_done(h, 2000) >= 0);
    CHECK(v3d->do_lock == 0);
    CHECK(h->G.is_interface_locked == 0);
    int before = read_int(&g_draw_calls);
    host_wm_frame(h);
    CHECK(read_int(&g_draw_calls) == before + 1);
    host_free(h);
}

static void test_draw_unlocked_during_render(void)
{
    /* Blender as it is: without lock_interface the viewport keeps drawing
     * while the render job runs. */
    Host *h = mk_host(NULL);
    REQUIRE(h);
    HostRegion *v3d = view3d_window(h);
    REQUIRE_H(v3d, h);
    set_small_render(h->scene);
    set_render_handler_counts(h);
    host_draw_handler_add(h, &g_draw_a);
    gate_close(HOST_CB_RENDER_PRE);
    CHECK(host_render(h, 1, 0, 0) == HOST_OP_RUNNING_MODAL);
    CHECK(v3d->do_lock == 0);
    CHECK(h->G.is_interface_locked == 0);
    host_wm_frame(h);
    CHECK(read_int(&g_draw_calls) == 1);
    gate_open();
    CHECK(run_until_render_done(h, 2000) >= 0);
    host_free(h);
}

static int g_items[4];

static void *queue_from_thread(void *arg)
{
    host_queue_on_main((Host *)arg, &g_items[3]);
    return NULL;
}

static void test_queue_on_main(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    host_queue_on_main(h, &g_items[0]);
    host_queue_on_main(h, &g_items[1]);
    host_queue_on_main(h, &g_items[2]);
    CHECK(g_queued_calls == 0); /* nothing before the next frame */
    host_wm_frame(h);
    CHECK(g_queued_calls == 3);
    CHECK(g_queued_items[0] == &g_items[0]);
    CHECK(g_queued_items[1] == &g_items[1]);
    CHECK(g_queued_items[2] == &g_items[2]);
    CHECK(g_queued_role == SCHED_ROLE_MAIN);
    host_wm_frame(h);
    CHECK(g_queued_calls == 3);
    /* from another thread: still delivered on main */
    sched_thread *t = NULL;
    CHECK(sched_thread_create(&t, SCHED_ROLE_PYTHON, "py-queue", queue_from_thread, h) == 0);
    if (t)
        sched_thread_join(t, NULL);
    host_wm_frame(h);
    CHECK(g_queued_calls == 4);
    CHECK(g_queued_items[3] == &g_items[3]);
    CHECK(g_queued_role == SCHED_ROLE_MAIN);
    host_free(h);
}

static void test_switch_parse(void)
{
    host_switches sw;
    memset(&sw, 0, sizeof(sw));
    char err[256];
    err[0] = '\0';
    CHECK(host_switch_parse(&sw, "lock_interface=1", err, sizeof(err)) == 0);
    CHECK(sw.lock_interface == 1);
    CHECK(host_switch_parse(&sw, "render=exec", err, sizeof(err)) == 0);
    CHECK(sw.render == HOST_RENDER_EXEC);
    CHECK(host_switch_parse(&sw, "render=invoke", err, sizeof(err)) == 0);
    CHECK(sw.render == HOST_RENDER_INVOKE);
    CHECK(host_switch_parse(&sw, "timers_lock=on", err, sizeof(err)) == 0);
    CHECK(sw.timers_lock == 1);
    CHECK(host_switch_parse(&sw, "timers_lock=off", err, sizeof(err)) == 0);
    CHECK(sw.timers_lock == 0);
    CHECK(host_switch_parse(&sw, "main_thread_guard=true", err, sizeof(err)) == 0);
    CHECK(sw.main_thread_guard == 1);
    sw.rna_safety = 1;
    CHECK(host_switch_parse(&sw, "rna_safety=0", err, sizeof(err)) == 0);
    CHECK(sw.rna_safety == 0);
    CHECK(sw.drivers_gil_keep == 0); /* the default releases the GIL */
    CHECK(host_switch_parse(&sw, "drivers_gil_release=0", err, sizeof(err)) == 0);
    CHECK(sw.drivers_gil_keep == 1);
    CHECK(host_switch_parse(&sw, "drivers_gil_release=on", err, sizeof(err)) == 0);
    CHECK(sw.drivers_gil_keep == 0);
    CHECK(sw.lock_interface == 1); /* earlier switches untouched */

    host_switches before = sw;
    err[0] = '\0';
    CHECK(host_switch_parse(&sw, "bogus=1", err, sizeof(err)) == -1);
    CHECK(err[0] != '\0');
    err[0] = '\0';
    CHECK(host_switch_parse(&sw, "render=fast", err, sizeof(err)) == -1);
    CHECK(err[0] != '\0');
    err[0] = '\0';
    CHECK(host_switch_parse(&sw, "lock_interface", err, sizeof(err)) == -1);
    CHECK(err[0] != '\0');
    CHECK(memcmp(&before, &sw, sizeof(sw)) == 0);

    const char *keys = host_switch_keys();
    REQUIRE(keys);
    CHECK(strstr(keys, "lock_interface") != NULL);
    CHECK(strstr(keys, "render") != NULL);
    CHECK(strstr(keys, "timers_lock") != NULL);
    CHECK(strstr(keys, "main_thread_guard") != NULL);
    CHECK(strstr(keys, "rna_safety") != NULL);
    CHECK(strstr(keys, "drivers_gil_release") != NULL);
}

static void test_depsgraph_evaluate(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    HostObject *cube = find_ob(h, "Cube");
    REQUIRE_H(cube, h);
    const float loc[3] = {1, 2, 3};
    host_object_set_vec(h, cube, HOST_VEC_LOC, loc);
    host_depsgraph_evaluate(h);
    CHECK(h->depsgraph.neval == 3);
    REQUIRE_H(h->depsgraph.eval, h);
    int matched = 0, distinct = 1, ok = 1;
    for (int i = 0; i < h->depsgraph.neval; i++) {
        HostObject *ev = h->depsgraph.eval[i];
        if (!ev) {
            ok = 0;
            continue;
        }
        HostObject *orig = find_ob(h, ev->id.name);
        if (!orig) {
            ok = 0;
            continue;
        }
        if (orig == ev)
            distinct = 0;
        matched++;
        for (int k = 0; k < 3; k++)
            if (!feq(ev->loc[k], orig->loc[k]))
                ok = 0;
    }
    CHECK(ok);
    CHECK(distinct);
    CHECK(matched == 3);
    /* re-evaluation picks up the new location */
    const float loc2[3] = {-4, 5, 6};
    host_object_set_vec(h, cube, HOST_VEC_LOC, loc2);
    host_depsgraph_evaluate(h);
    CHECK(h->depsgraph.neval == 3);
    int seen = 0;
    for (int i = 0; h->depsgraph.eval && i < h->depsgraph.neval; i++) {
        HostObject *ev = h->depsgraph.eval[i];
        if (ev && strcmp(ev->id.name, "Cube") == 0) {
            seen = 1;
            CHECK(feq(ev->loc[0], -4) && feq(ev->loc[1], 5) && feq(ev->loc[2], 6));
        }
    }
    CHECK(seen);
    /* a new object linked into the scene is evaluated too */
    HostCollection *coll = (HostCollection *)host_id_find(h, HOST_ID_GR, "Collection");
    HostObject *ob = (HostObject *)host_id_new(h, HOST_ID_OB, "Extra");
    if (coll && ob) {
        host_collection_link(h, coll, ob);
        host_depsgraph_evaluate(h);
        CHECK(h->depsgraph.neval == 4);
    }
    host_free(h);
}

static void test_context_op(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    int lvl = h->ctx.py_call_level;
    host_ctx_op_enter(h);
    host_ctx_op_exit(h);
    CHECK(h->ctx.py_call_level == lvl);
    CHECK(host_ctx_scene(h) == h->scene);
    host_free(h);
}

static void test_wm_run_and_shutdown(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    long f0 = h->frames_done;
    double t0 = h->time;
    host_wm_run(h, 5);
    CHECK(h->frames_done == f0 + 5);
    CHECK(h->time > t0);
    host_busy_enter(h);
    host_busy_leave(h);
    CHECK(h->busy_outside == 0);
    CHECK(host_shutdown(h, 1000) == 0);
    CHECK(h->shutting_down);
    host_free(h);
}

static void test_shutdown_drops_timers(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    host_timer_register(h, &g_timer_fn_a, 0.0);
    host_queue_on_main(h, &g_items[0]);
    CHECK(host_shutdown(h, 1000) == 0);
    CHECK(!host_timer_is_registered(h, &g_timer_fn_a));
    host_free(h);
}

static void test_collection_cycle_refused(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    HostCollection *a = (HostCollection *)host_id_new(h, HOST_ID_GR, "A");
    HostCollection *b = (HostCollection *)host_id_new(h, HOST_ID_GR, "B");
    REQUIRE_H(a && b, h);
    CHECK(host_collection_link_child(h, a, a) != 0);
    CHECK(host_collection_link_child(h, a, b) == 0);
    CHECK(host_collection_link_child(h, a, b) == -1); /* already a child */
    /* Blender refuses a link that would make a cycle ("is it a child?");
     * a cycle makes the all_objects rebuild recurse without end. */
    CHECK(host_collection_link_child(h, b, a) != 0);
    CHECK(b->nchildren == 0);
    host_free(h);
}

static void test_render_result_name_taken(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    set_small_render(h->scene);
    /* a user image that happens to be called "Render Result" */
    HostImage *user = (HostImage *)host_id_new(h, HOST_ID_IM, "Render Result");
    REQUIRE_H(user, h);
    CHECK(host_render(h, 0, 0, 0) == HOST_OP_FINISHED);
    HostImage *rr1 = h->render_result;
    CHECK(rr1 != NULL && rr1 != user);
    CHECK(host_render(h, 0, 0, 0) == HOST_OP_FINISHED);
    CHECK(h->render_result == rr1); /* the one render result is reused */
    CHECK(host_id_count(h, HOST_ID_IM) == 2);
    CHECK(user->is_render_result == 0);
    host_free(h);
}

static int g_rel_t1, g_rel_t2, g_rel_t3, g_rel_d1, g_rel_d2, g_rel_m1, g_rel_q1;

static void test_release_once(void)
{
    /* Every timer/modal/draw/queue reference the host holds is dropped
     * through cb.release exactly once, whichever way it goes away. */
    Host *h = mk_host(NULL);
    REQUIRE(h);
    host_timer_register(h, &g_rel_t1, 0.0); /* runs and returns None */
    host_timer_register(h, &g_rel_t2, 1000.0);
    host_timer_register(h, &g_rel_t3, 1000.0); /* still registered at shutdown */
    HostDrawHandler *d1 = host_draw_handler_add(h, &g_rel_d1);
    host_draw_handler_add(h, &g_rel_d2); /* still registered at shutdown */
    host_modal_add(h, &g_rel_m1);
    HostEventTimer *et = host_event_timer_add(h, 0.0);
    host_queue_on_main(h, &g_rel_q1);
    g_timer_ret = 0;
    g_modal_ret = 0;
    host_wm_frame(h);
    CHECK(release_count(&g_rel_t1) == 1);
    CHECK(release_count(&g_rel_m1) == 1);
    CHECK(release_count(&g_rel_q1) == 1);
    CHECK(release_count(&g_rel_t2) == 0);
    CHECK(host_draw_handler_remove(h, d1) == 1);
    CHECK(host_draw_handler_remove(h, d1) == 0);
    CHECK(release_count(&g_rel_d1) == 1);
    if (et)
        host_event_timer_remove(h, et);
    /* unregistered, then shut down before another frame sweeps it */
    CHECK(host_timer_unregister(h, &g_rel_t2) == 1);
    CHECK(host_shutdown(h, 1000) == 0);
    CHECK(release_count(&g_rel_t2) == 1);
    CHECK(release_count(&g_rel_t3) == 1);
    CHECK(release_count(&g_rel_d2) == 1);
    host_free(h);
    CHECK(release_count(&g_rel_t1) == 1);
    CHECK(release_count(&g_rel_t2) == 1);
    CHECK(release_count(&g_rel_d1) == 1);
    CHECK(release_count(&g_rel_d2) == 1);
    CHECK(release_count(&g_rel_m1) == 1);
}

static void test_shutdown_during_render(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    HostScene *sce = h->scene;
    REQUIRE_H(sce, h);
    sce->resolution_x = 1024;
    sce->resolution_y = 1024;
    sce->resolution_percentage = 100;
    set_render_handler_counts(h);
    CHECK(host_render(h, 1, 0, 0) == HOST_OP_RUNNING_MODAL);
    CHECK(host_shutdown(h, 2000) == 0);
    CHECK(h->G.is_break != 0);
    CHECK(!host_jobs_test(h, "RENDER"));
    CHECK(h->G.is_rendering == 0);
    /* the job ended one way or the other, exactly once, on its thread */
    CHECK(hlog_count(HOST_CB_RENDER_COMPLETE) + hlog_count(HOST_CB_RENDER_CANCEL) == 1);
    CHECK(hlog_render_not_on(HOST_ROLE_RENDER_JOB) == 0);
    host_free(h);
}

static void test_shutdown_waits_for_busy(void)
{
    Host *h = mk_host(NULL);
    REQUIRE(h);
    host_busy_enter(h);
    CHECK(host_shutdown(h, 20) == -1); /* a thread is still inside */
    host_busy_leave(h);
    CHECK(host_shutdown(h, 20) == 0);
    host_free(h);
}

/* ==== runner ========================================================== */

typedef struct test_case {
    const char *name;
    void (*fn)(void);
} test_case;

#define T(x) {#x, test_##x}

/* ---- drivers (anim.c) ---- */

static int g_drv_exec_calls;
static int g_drv_exec_locked;
static Host *g_drv_host;

/* the Python expression's stand-in: frame + 10 * first variable; fails
 * for an expression "fail" */
static int stub_driver_exec(void *ud, HostDriver *d, const double *vals, int nvals, double *out)
{
    (void)ud;
    g_drv_exec_calls++;
    /* called with python_driver_lock held: a trylock must fail */
    if (pthread_mutex_trylock(&g_drv_host->python_driver_lock.m) == 0)
        pthread_mutex_unlock(&g_drv_host->python_driver_lock.m);
    else
        g_drv_exec_locked++;
    if (strcmp(d->expression, "fail") == 0)
        return -1;
    *out = vals[0] + (nvals > 1 ? 10.0 * vals[1] : 0.0);
    return 0;
}

static void test_drivers_evaluate(void)
{
    host_callbacks cb = g_cb;
    cb.driver_exec = stub_driver_exec;
    host_switches sw;
    memset(&sw, 0, sizeof(sw));
    reset_stubs();
    Host *h = host_new(&sw, &cb);
    REQUIRE(h);
    g_drv_host = h;
    g_drv_exec_calls = g_drv_exec_locked = 0;
    HostObject *cube = (HostObject *)host_id_find(h, HOST_ID_OB, "Cube");
    HostObject *light = (HostObject *)host_id_find(h, HOST_ID_OB, "Light");
    REQUIRE_H(cube && light, h);
    /* location.x = lx * 2 + frame, a simple expression */
    HostDriver *d = host_driver_find(h, cube, HOST_VEC_LOC, 0, 1);
    REQUIRE_H(d, h);
    CHECK(host_driver_find(h, cube, HOST_VEC_LOC, 0, 1) == d);
    CHECK(host_driver_var_add(h, d) == 0);
    HostDriverVar v = {.type = HOST_DVAR_TRANSFORMS, .target = &light->id,
                       .channel = HOST_CH_LOC, .index = 0};
    snprintf(v.name, sizeof(v.name), "lx");
    host_driver_var_set(h, d, 0, &v);
    const HostSimpleOp prog[] = {{HOST_SOP_VAR, 1}, {HOST_SOP_CONST, 2}, {HOST_SOP_BIN, HOST_SBIN_MUL},
                                 {HOST_SOP_VAR, 0}, {HOST_SOP_BIN, HOST_SBIN_ADD}};
    host_driver_set_expression(h, d, "lx * 2 + frame", prog, 5);
    /* scale.y: the MAX of two variables */
    HostDriver *m = host_driver_find(h, cube, HOST_VEC_SCALE, 1, 1);
    REQUIRE_H(m, h);
    host_driver_set_type(h, m, HOST_DRIVER_MAX);
    host_driver_var_add(h, m);
    host_driver_var_add(h, m);
    CHECK(strcmp(m->vars[1].name, "var_001") == 0);
    HostDriverVar a = {.type = HOST_DVAR_TRANSFORMS, .target = &light->id,
                       .channel = HOST_CH_LOC, .index = 2};
    HostDriverVar b = {.type = HOST_DVAR_SINGLE_PROP, .target = &h->scene->id,
                       .channel = HOST_CH_FRAME};
    host_driver_var_set(h, m, 0, &a);
    host_driver_var_set(h, m, 1, &b);
    /* rotation.z: Python (the stub) */
    HostDriver *p = host_driver_find(h, cube, HOST_VEC_ROT, 2, 1);
    REQUIRE_H(p, h);
    host_driver_var_add(h, p);
    host_driver_var_set(h, p, 0, &v);
    host_driver_set_expression(h, p, "py(lx)", NULL, 0);

    host_scene_frame_set(h, h->scene, 3);
    float lx = light->loc[0], lz = light->loc[2];
    CHECK(fabsf(cube->loc[0] - (lx * 2 + 3)) < 1e-4f);
    CHECK(fabsf(cube->scale[1] - (lz > 3 ? lz : 3)) < 1e-4f);
    CHECK(fabsf(cube->rot[2] - (3 + 10 * lx)) < 1e-3f);
    CHECK(g_drv_exec_calls == 1 && g_drv_exec_locked == 1);
    CHECK(host_driver_at(h, cube, 0) == d && host_driver_at(h, cube, 3) == NULL);

    /* a division by zero and a failing Python expression disable their
     * drivers; a new expression enables them again */
    const HostSimpleOp div0[] = {{HOST_SOP_CONST, 1}, {HOST_SOP_CONST, 0},
                                 {HOST_SOP_BIN, HOST_SBIN_DIV}};
    host_driver_set_expression(h, d, "1 / 0", div0, 3);
    host_driver_set_expression(h, p, "fail", NULL, 0);
    host_scene_frame_set(h, h->scene, 4);
    CHECK(d->invalid && p->invalid);
    CHECK(cube->rot[2] == 0.0f);
    host_scene_frame_set(h, h->scene, 5);
    CHECK(g_drv_exec_calls == 2); /* not called again while invalid */
    host_driver_set_expression(h, p, "py(lx)", NULL, 0);
    CHECK(!p->invalid);

    /* removing the target object clears the variables that read it */
    host_id_remove(h, &light->id);
    CHECK(d->vars[0].target == NULL && m->vars[0].target == NULL);
    CHECK(m->vars[1].target == &h->scene->id);
    host_depsgraph_evaluate(h);
    CHECK(fabsf(cube->rot[2] - 5.0f) < 1e-4f); /* frame 5 + 10 * 0 */
    CHECK(host_driver_remove(h, cube, HOST_VEC_ROT, 2) == 1);
    CHECK(host_driver_remove(h, cube, HOST_VEC_ROT, 2) == 0);
    host_free(h);
}

static const test_case g_tests[] = {
    T(names),
    T(drivers_evaluate),
    T(startup_objects),
    T(startup_data),
    T(startup_scene_collections),
    T(id_new_suffix),
    T(id_sorted_after_new),
    T(id_rename),
    T(id_name_truncation),
    T(main_check_corrupt),
    T(id_remove),
    T(id_count),
    T(mesh_add_verts),
    T(mesh_edit_mode),
    T(mesh_update_bbox),
    T(image_alloc_scale),
    T(collection_link_unlink),
    T(collection_children),
    T(collection_cycle_refused),
    T(object_vectors),
    T(frame_set_handlers),
    T(render_exec_still),
    T(render_exec_write_still),
    T(render_exec_animation),
    T(render_invoke_job),
    T(render_invoke_as_exec_switch),
    T(render_kill),
    T(render_result_name_taken),
    T(timers),
    T(timer_interval),
    T(modal_timer_events),
    T(modal_cancel_at_shutdown),
    T(draw_handlers),
    T(draw_lock_interface),
    T(draw_unlocked_during_render),
    T(queue_on_main),
    T(switch_parse),
    T(depsgraph_evaluate),
    T(context_op),
    T(wm_run_and_shutdown),
    T(shutdown_drops_timers),
    T(release_once),
    T(shutdown_during_render),
    T(shutdown_waits_for_busy),
};
#undef T

static int run_one_inproc(const test_case *tc)
{
    g_cur_test = tc->name;
    g_cur_failed = 0;
    tc->fn();
    return g_cur_failed;
}

/* Runs a case in a child so that a crash or hang fails only that case. */
static int run_one_forked(const test_case *tc)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        return run_one_inproc(tc);
    if (pid == 0) {
        alarm(60);
        int failed = run_one_inproc(tc);
        fflush(stdout);
        fflush(stderr);
        _exit(failed ? 1 : 0);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(st))
        return WEXITSTATUS(st) != 0;
    if (WIFSIGNALED(st))
        fprintf(stderr, "[%s] crashed: signal %d%s\n", tc->name, WTERMSIG(st),
                WTERMSIG(st) == SIGALRM ? " (timeout)" : "");
    return 1;
}

int main(int argc, char **argv)
{
    sched_thread_register_current(SCHED_ROLE_MAIN, "main");
    const char *filter = argc > 1 ? argv[1] : NULL;
    const char *nofork = getenv("HR_TEST_NOFORK");
    int use_fork = !(nofork && *nofork && strcmp(nofork, "0") != 0);
    int passed = 0, failed = 0;
    size_t ntests = sizeof(g_tests) / sizeof(g_tests[0]);
    for (size_t i = 0; i < ntests; i++) {
        const test_case *tc = &g_tests[i];
        if (filter && strncmp(tc->name, filter, strlen(filter)) != 0)
            continue;
        int f = use_fork ? run_one_forked(tc) : run_one_inproc(tc);
        printf("%s %s\n", f ? "FAIL" : "ok  ", tc->name);
        fflush(stdout);
        if (f)
            failed++;
        else
            passed++;
    }
    if (!use_fork)
        printf("%d checks, %d failed\n", g_checks_run, g_checks_failed);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : (passed ? 0 : 1);
}
