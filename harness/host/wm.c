/* The window manager: host creation with Blender's startup scene,
 * handlers, timers (an unlocked list unless timers_lock), modal operators
 * with TIMER events, draw handlers, the run_on_main queue, the global
 * context, the per-frame loop on main, and shutdown. The host switches
 * are in switches.c. */
#include "host_internal.h"
#include "tsan/annotate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const handler_names[HOST_CB_COUNT] = {
    "render_init",         "render_pre",           "render_post",          "render_write",
    "render_stats",        "render_complete",      "render_cancel",        "frame_change_pre",
    "frame_change_post",   "depsgraph_update_pre", "depsgraph_update_post", "load_pre",
    "load_post",           "save_pre",             "save_post",
};

const char *host_handler_name(host_handler_type t)
{
    return (unsigned)t < HOST_CB_COUNT ? handler_names[t] : "unknown";
}

/* The length of the handler list is read here, before the callee takes the
 * GIL, as Blender's callback dispatch does. */
void host_handlers_call(Host *h, host_handler_type t, HostScene *scene)
{
    SCHED_READ("handlers.count", &h->handler_count[t]);
    if (h->handler_count[t] > 0 && h->cb.call_handlers)
        h->cb.call_handlers(h->cb.ud, t, scene);
}

/* ---- creation --------------------------------------------------------- */

static HostObject *startup_object(Host *h, HostCollection *coll, const char *name, float x,
                                  float y, float z)
{
    HostObject *ob = (HostObject *)host_id_new(h, HOST_ID_OB, name);
    if (!ob)
        return NULL;
    float loc[3] = {x, y, z};
    host_object_set_vec(h, ob, HOST_VEC_LOC, loc);
    if (coll)
        host_collection_link(h, coll, ob);
    return ob;
}

static const char *const host_role_names[] = {
    [HOST_ROLE_RENDER_JOB - SCHED_ROLE_HOST] = "render-job",
    [HOST_ROLE_DEPSGRAPH_WORKER - SCHED_ROLE_HOST] = "depsgraph-worker",
    [HOST_ROLE_JOB - SCHED_ROLE_HOST] = "job",
};

Host *host_new(const host_switches *sw, const host_callbacks *cb)
{
    Host *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    sched_roles_set(host_role_names, (int)(sizeof(host_role_names) / sizeof(*host_role_names)));
    if (sw)
        h->sw = *sw;
    if (cb)
        h->cb = *cb;
    sched_spin_init(&h->main.lock);
    sched_mutex_init(&h->timers_mutex);
    sched_mutex_init(&h->queue_mutex);
    sched_mutex_init(&h->python_driver_lock);
    sched_rwlock_init(&h->rr_lock);
    h->queue_tail = &h->queue;
    h->frame_dt = 1.0 / 60.0;
    h->frame_sleep_us = 2000;
    h->depsgraph_workers = 2;
    h->regions[0] = (HostRegion){.type = "WINDOW", .space = "VIEW_3D"};
    h->regions[1] = (HostRegion){.type = "WINDOW", .space = "IMAGE_EDITOR"};
    h->regions[2] = (HostRegion){.type = "HEADER", .space = "VIEW_3D"};
    h->regions[3] = (HostRegion){.type = "UI", .space = "VIEW_3D"};

    HostScene *sce = (HostScene *)host_id_new(h, HOST_ID_SCE, "Scene");
    h->scene = sce;
    h->ctx.scene = sce;
    HostCollection *coll = (HostCollection *)host_id_new(h, HOST_ID_GR, "Collection");
    if (sce && sce->master && coll)
        host_collection_link_child(h, sce->master, coll);
    HostMesh *me = (HostMesh *)host_id_new(h, HOST_ID_ME, "Cube");
    if (me)
        host_mesh_make_cube(h, me);
    host_id_new(h, HOST_ID_MA, "Material");
    startup_object(h, coll, "Camera", 7.3589f, -6.9258f, 4.9583f);
    HostObject *cube = startup_object(h, coll, "Cube", 0, 0, 0);
    startup_object(h, coll, "Light", 4.0762f, 1.0054f, 5.9039f);
    if (cube && me)
        host_object_set_data(h, cube, &me->id);
    if (sce)
        sce->active = cube;
    /* Blender has evaluated the startup file (and so built its lazy caches)
     * before a --python script runs. */
    host_depsgraph_evaluate(h);
    return h;
}

static void release(Host *h, void *obj)
{
    if (obj && h->cb.release)
        h->cb.release(h->cb.ud, obj);
}

static void drop_wm_lists(Host *h)
{
    while (h->timers) {
        HostTimer *t = h->timers;
        h->timers = t->next;
        release(h, t->fn); /* removed entries are released by the sweep only */
        host_mem_free(t);
    }
    while (h->modals) {
        HostModal *m = h->modals;
        h->modals = m->next;
        if (!m->finished) {
            if (h->cb.cancel_modal)
                h->cb.cancel_modal(h->cb.ud, m->op);
            release(h, m->op);
        }
        host_mem_free(m);
    }
    while (h->event_timers) {
        HostEventTimer *t = h->event_timers;
        h->event_timers = t->next;
        host_mem_free(t);
    }
    while (h->draw_handlers) {
        HostDrawHandler *d = h->draw_handlers;
        h->draw_handlers = d->next;
        if (!d->removed)
            release(h, d->handler);
        host_mem_free(d);
    }
    sched_mutex_lock(&h->queue_mutex);
    HostQueued *q = h->queue;
    h->queue = NULL;
    h->queue_tail = &h->queue;
    sched_mutex_unlock(&h->queue_mutex);
    while (q) {
        HostQueued *next = q->next;
        release(h, q->item);
        host_mem_free(q);
        q = next;
    }
}

void host_free(Host *h)
{
    if (!h)
        return;
    host_jobs_kill_all(h);
    host_view_engine_stop(h);
    drop_wm_lists(h);
    host_depsgraph_stop_workers(h);
    host_depsgraph_free(h);
    host_main_free_all(h);
    host_props_clear(h, &h->wm_props);
    host_props_clear(h, &h->wm_ui);
    for (int i = 0; i < HOST_NREGIONS; i++)
        host_mem_free(h->regions[i].buttons);
    sched_spin_destroy(&h->main.lock);
    sched_mutex_destroy(&h->timers_mutex);
    sched_mutex_destroy(&h->queue_mutex);
    sched_mutex_destroy(&h->python_driver_lock);
    sched_rwlock_destroy(&h->rr_lock);
    host_mem_free(h);
}

/* ---- timers ----------------------------------------------------------- */

static void timers_lock(Host *h)
{
    if (h->sw.timers_lock)
        sched_mutex_lock(&h->timers_mutex);
}

static void timers_unlock(Host *h)
{
    if (h->sw.timers_lock)
        sched_mutex_unlock(&h->timers_mutex);
}

void host_timer_register(Host *h, void *fn, double first_interval)
{
    HostTimer *t = calloc(1, sizeof(*t));
    if (!t)
        return;
    t->fn = fn;
    timers_lock(h);
    SCHED_READ("wm.clock", &h->time);
    t->due = h->time + (first_interval > 0 ? first_interval : 0);
    SCHED_WRITE("wm.timers", &h->timers);
    t->next = h->timers;
    h->timers = t;
    timers_unlock(h);
}

static HostTimer *timer_find(Host *h, void *fn)
{
    SCHED_READ("wm.timers", &h->timers);
    for (HostTimer *t = h->timers; t; t = t->next)
        if (!t->removed && t->fn == fn)
            return t;
    return NULL;
}

int host_timer_unregister(Host *h, void *fn)
{
    timers_lock(h);
    HostTimer *t = timer_find(h, fn);
    if (t) {
        SCHED_WRITE("wm.timer.removed", &t->removed);
        t->removed = 1;
    }
    timers_unlock(h);
    /* The reference is dropped when the loop sweeps the entry. */
    return t != NULL;
}

int host_timer_is_registered(Host *h, void *fn)
{
    timers_lock(h);
    int r = timer_find(h, fn) != NULL;
    timers_unlock(h);
    return r;
}

static void timers_run(Host *h)
{
    /* Snapshot the due timers, then call each with no lock held: a
     * callback may register or unregister timers. */
    enum { MAX_DUE = 256 };
    HostTimer *due[MAX_DUE];
    int ndue = 0;
    timers_lock(h);
    SCHED_READ("wm.timers", &h->timers);
    for (HostTimer *t = h->timers; t && ndue < MAX_DUE; t = t->next)
        if (!t->removed && t->due <= h->time + 1e-9)
            due[ndue++] = t;
    timers_unlock(h);
    for (int i = ndue - 1; i >= 0; i--) { /* oldest registration first */
        HostTimer *t = due[i];
        double next = 0.0;
        int again = h->cb.call_timer ? h->cb.call_timer(h->cb.ud, t->fn, &next) : 0;
        timers_lock(h);
        SCHED_WRITE("wm.timer", t);
        if (t->removed) {
            /* unregistered by its own callback */
        } else if (again) {
            t->due = h->time + (next > 0 ? next : 0);
        } else {
            t->removed = 1;
        }
        timers_unlock(h);
    }
    /* sweep */
    timers_lock(h);
    SCHED_WRITE("wm.timers", &h->timers);
    HostTimer **pp = &h->timers;
    HostTimer *dead = NULL;
    while (*pp) {
        HostTimer *t = *pp;
        if (t->removed) {
            *pp = t->next;
            t->next = dead;
            dead = t;
        } else {
            pp = &t->next;
        }
    }
    timers_unlock(h);
    while (dead) {
        HostTimer *next = dead->next;
        release(h, dead->fn);
        host_mem_free(dead);
        dead = next;
    }
}

/* ---- modal operators and event timers --------------------------------- */

void host_modal_add(Host *h, void *op)
{
    HostModal *m = calloc(1, sizeof(*m));
    if (!m)
        return;
    m->op = op;
    SCHED_WRITE("wm.modal_handlers", &h->modals);
    HostModal **pp = &h->modals;
    while (*pp)
        pp = &(*pp)->next;
    *pp = m;
}

HostEventTimer *host_event_timer_add(Host *h, double step)
{
    HostEventTimer *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->step = step > 0 ? step : 0;
    SCHED_WRITE("wm.event_timers", &h->event_timers);
    t->due = h->time + t->step;
    t->next = h->event_timers;
    h->event_timers = t;
    return t;
}

void host_event_timer_remove(Host *h, HostEventTimer *t)
{
    SCHED_WRITE("wm.event_timers", &h->event_timers);
    for (HostEventTimer *it = h->event_timers; it; it = it->next)
        if (it == t)
            it->removed = 1;
}

static void modal_run(Host *h)
{
    int fired = 0;
    SCHED_READ("wm.event_timers", &h->event_timers);
    for (HostEventTimer *t = h->event_timers; t; t = t->next)
        if (!t->removed && t->due <= h->time + 1e-9) {
            t->due = h->time + t->step;
            fired++;
        }
    for (int k = 0; k < fired; k++) {
        SCHED_READ("wm.modal_handlers", &h->modals);
        for (HostModal *m = h->modals; m; m = m->next) {
            if (m->finished)
                continue;
            int keep = h->cb.call_modal ? h->cb.call_modal(h->cb.ud, m->op, "TIMER") : 0;
            if (!keep) {
                m->finished = 1;
                release(h, m->op);
            }
        }
    }
    HostModal **pp = &h->modals;
    while (*pp) {
        HostModal *m = *pp;
        if (m->finished) {
            *pp = m->next;
            host_mem_free(m);
        } else {
            pp = &m->next;
        }
    }
    HostEventTimer **tp = &h->event_timers;
    while (*tp) {
        HostEventTimer *t = *tp;
        if (t->removed) {
            *tp = t->next;
            host_mem_free(t);
        } else {
            tp = &t->next;
        }
    }
}

/* ---- draw ------------------------------------------------------------- */

HostDrawHandler *host_draw_handler_add(Host *h, void *handler)
{
    HostDrawHandler *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->handler = handler;
    SCHED_WRITE("wm.draw_handlers", &h->draw_handlers);
    HostDrawHandler **pp = &h->draw_handlers;
    while (*pp)
        pp = &(*pp)->next;
    *pp = d;
    return d;
}

int host_draw_handler_remove(Host *h, HostDrawHandler *dh)
{
    SCHED_WRITE("wm.draw_handlers", &h->draw_handlers);
    for (HostDrawHandler *d = h->draw_handlers; d; d = d->next)
        if (d == dh && !d->removed) {
            d->removed = 1;
            release(h, d->handler);
            return 1;
        }
    return 0;
}

static void draw_view3d(Host *h, HostScene *sce)
{
    int n = 0;
    HostObject **obs = host_collection_all_objects(h, sce->master, &n);
    float acc = 0.0f;
    for (int i = 0; i < n; i++) {
        HostObject *ob = obs[i];
        SCHED_READ("draw.object.hide_viewport", &ob->hide_viewport);
        if (ob->hide_viewport)
            continue;
        /* object origins and overlays are drawn from the original data */
        SCHED_ACCESS("draw.object.transform", ob->loc, 3 * sizeof(float), 0);
        acc += ob->loc[0] + ob->loc[1] + ob->loc[2];
        SCHED_ACCESS("draw.object.transform", ob->rot, 3 * sizeof(float), 0);
        acc += ob->rot[2];
        SCHED_ACCESS("draw.object.transform", ob->scale, 3 * sizeof(float), 0);
        acc += ob->scale[0];
        SCHED_READ("draw.object.data", &ob->data);
        if (ob->data && ob->data->type == HOST_ID_ME) {
            HostMesh *me = (HostMesh *)ob->data;
            SCHED_ACCESS("draw.mesh.verts", me, sizeof(*me), 0);
            if (!me->bb_valid)
                host_mesh_update(h, me);
            for (int v = 0; v < me->totvert && me->verts; v++)
                acc += me->verts[v][2];
        }
    }
    SCHED_READ("draw.depsgraph.eval", &h->depsgraph.eval);
    for (int i = 0; i < h->depsgraph.neval; i++)
        if (h->depsgraph.eval[i])
            acc += h->depsgraph.eval[i]->loc[0];
    /* The scene camera's frame is drawn with the aspect of the render
     * size (BKE_camera_view_frame reads scene->r.xsch/ysch): noted, not a
     * scheduling point, so that saved schedules replay as before. */
    SCHED_NOTE("draw.camera.render_size", &sce->resolution_x, 2 * sizeof(int), 0);
    int res_x = *(volatile int *)&sce->resolution_x, res_y = *(volatile int *)&sce->resolution_y;
    acc += res_y > 0 ? (float)res_x / (float)res_y : 0.0f;
    volatile float sink = acc;
    (void)sink;

    /* shading RENDERED: an add-on's render engine draws the view (its
     * view_update/view_draw, on main), before the POST_VIEW handlers */
    SCHED_NOTE("draw.view3d.shading.type", &h->view_rendered, sizeof(h->view_rendered), 0);
    if (h->view_rendered || h->view_engine)
        host_view_engine_draw(h, sce);

    SCHED_READ("wm.draw_handlers", &h->draw_handlers);
    for (HostDrawHandler *d = h->draw_handlers; d; d = d->next)
        if (!d->removed && h->cb.call_draw)
            h->cb.call_draw(h->cb.ud, d->handler);
    /* drop removed draw handlers (their reference is already released) */
    HostDrawHandler **pp = &h->draw_handlers;
    while (*pp) {
        HostDrawHandler *d = *pp;
        if (d->removed) {
            *pp = d->next;
            host_mem_free(d);
        } else {
            pp = &d->next;
        }
    }
}

static void draw_image_editor(Host *h)
{
    sched_rwlock_rdlock(&h->rr_lock);
    HostImage *im = h->render_result;
    if (im && im->pixels) {
        SCHED_ACCESS("draw.render_result.pixels", im->pixels,
                     (size_t)im->w * (size_t)im->h * 4 * sizeof(float), 0);
        volatile float sink = im->pixels[0] + im->pixels[(size_t)im->w * im->h * 4 - 1];
        (void)sink;
    }
    sched_rwlock_unlock(&h->rr_lock);
}

static void draw_header(Host *h, HostScene *sce)
{
    SCHED_READ("draw.header.frame_current", &sce->frame_current);
    volatile int frame = sce->frame_current;
    SCHED_READ("draw.header.is_rendering", &h->G.is_rendering);
    volatile int rendering = h->G.is_rendering;
    (void)frame;
    (void)rendering;
    /* the status bar: progress, status and header text */
    if (__atomic_load_n(&h->wm_ui_used, __ATOMIC_RELAXED)) {
        host_prop_draw(h, &h->wm_ui, "progress");
        host_prop_draw(h, &h->wm_ui, "status_text");
        host_prop_draw(h, &h->wm_ui, "header_text");
        host_prop_draw(h, &h->wm_ui, "report"); /* the last operator report */
    }
}

/* ---- add-on UI --------------------------------------------------------- */

HostRegion *host_region_find(Host *h, const char *space, const char *type)
{
    for (int i = 0; i < HOST_NREGIONS; i++)
        if (strcmp(h->regions[i].space, space) == 0 && strcmp(h->regions[i].type, type) == 0)
            return &h->regions[i];
    return NULL;
}

void host_ui_button(Host *h, HostRegion *r, HostProps *props, const char *name)
{
    (void)h;
    if (r->nbuttons == r->bcap) {
        int cap = r->bcap ? r->bcap * 2 : 16;
        HostUIButton *b = host_mem_realloc(r->buttons, (size_t)cap * sizeof(*b));
        if (!b)
            return;
        r->buttons = b;
        r->bcap = cap;
    }
    HostUIButton *b = &r->buttons[r->nbuttons++];
    b->props = props;
    snprintf(b->name, sizeof(b->name), "%s", name);
}

void host_region_tag_redraw(Host *h, HostRegion *r)
{
    __atomic_store_n(&h->redraw_tagged, 1, __ATOMIC_RELAXED);
    /* ED_region_tag_redraw: a plain flag the draw loop reads and clears */
    SCHED_WRITE("region.do_draw", &r->do_draw);
    r->do_draw = 1;
}

/* The add-on UI of a region: the Python draw() of every panel, header or
 * menu records what it shows; the buttons are then drawn from C, reading
 * each property's value with no GIL, as Blender's UI does. */
static void draw_addon_ui(Host *h, HostRegion *r)
{
    r->nbuttons = 0;
    if (h->cb.draw_ui)
        h->cb.draw_ui(h->cb.ud, r->space, r->type);
    for (int i = 0; i < r->nbuttons; i++)
        host_prop_draw(h, r->buttons[i].props, r->buttons[i].name);
}

void host_draw(Host *h)
{
    HostScene *sce = h->scene;
    if (!sce || !sce->master)
        return;
    int ui = __atomic_load_n(&h->ui_classes, __ATOMIC_RELAXED) > 0;
    int tagged = __atomic_load_n(&h->redraw_tagged, __ATOMIC_RELAXED);
    for (int i = 0; i < HOST_NREGIONS; i++) {
        HostRegion *r = &h->regions[i];
        if (i == HOST_REGION_UI && !ui)
            continue;
        if (tagged) {
            /* wm_draw_update: every region's flag is read, then cleared */
            SCHED_READ("region.do_draw", &r->do_draw);
            if (r->do_draw) {
                SCHED_WRITE("region.do_draw", &r->do_draw);
                r->do_draw = 0;
            }
        }
        SCHED_WRITE("ctx.region", &h->ctx.region);
        h->ctx.region = r;
        h->ctx.area_type = r->space;
        /* The lock flag is checked at entry only. */
        SCHED_READ("region.do_lock", &r->do_lock);
        if (r->do_lock)
            continue;
        if (strcmp(r->space, "VIEW_3D") == 0 && strcmp(r->type, "WINDOW") == 0)
            draw_view3d(h, sce);
        else if (strcmp(r->space, "IMAGE_EDITOR") == 0)
            draw_image_editor(h);
        else if (strcmp(r->type, "HEADER") == 0)
            draw_header(h, sce);
        if (ui && strcmp(r->space, "VIEW_3D") == 0 && strcmp(r->type, "WINDOW") != 0)
            draw_addon_ui(h, r);
        r->draws++;
    }
    SCHED_WRITE("ctx.region", &h->ctx.region);
    h->ctx.region = NULL;
    h->ctx.area_type = NULL;
}

/* ---- run_on_main queue ------------------------------------------------- */

void host_queue_on_main(Host *h, void *item)
{
    HostQueued *q = calloc(1, sizeof(*q));
    if (!q)
        return;
    q->item = item;
    sched_mutex_lock(&h->queue_mutex);
    *h->queue_tail = q;
    h->queue_tail = &q->next;
    sched_mutex_unlock(&h->queue_mutex);
}

static void queue_run(Host *h)
{
    sched_mutex_lock(&h->queue_mutex);
    HostQueued *q = h->queue;
    h->queue = NULL;
    h->queue_tail = &h->queue;
    sched_mutex_unlock(&h->queue_mutex);
    while (q) {
        HostQueued *next = q->next;
        if (h->cb.call_queued)
            h->cb.call_queued(h->cb.ud, q->item);
        release(h, q->item);
        host_mem_free(q);
        q = next;
    }
}

/* ---- context ------------------------------------------------------------ */

void host_ctx_op_enter(Host *h)
{
    SCHED_WRITE("ctx.py_call_level", &h->ctx.py_call_level);
    h->ctx.py_call_level++;
    SCHED_READ("ctx.region", &h->ctx.region);
    volatile const void *region = h->ctx.region;
    (void)region;
}

void host_ctx_op_exit(Host *h)
{
    SCHED_WRITE("ctx.py_call_level", &h->ctx.py_call_level);
    h->ctx.py_call_level--;
}

HostScene *host_ctx_scene(Host *h)
{
    /* off the main thread Blender's ctx_data_get skips the UI lookup and
     * CTX_data_scene falls back to the context's own scene pointer */
    SCHED_READ("ctx.scene", &h->ctx.scene);
    return h->ctx.scene;
}

HostObject *host_ctx_active_object(Host *h)
{
    HostScene *sce = host_ctx_scene(h);
    if (!sce)
        return NULL;
    SCHED_READ("scene.active_object", &sce->active);
    return sce->active;
}

void host_ctx_set_active_object(Host *h, HostObject *ob)
{
    HostScene *sce = host_ctx_scene(h);
    if (!sce)
        return;
    SCHED_WRITE("scene.active_object", &sce->active);
    sce->active = ob;
}

/* ---- the loop ------------------------------------------------------------ */

void host_busy_enter(Host *h) { __atomic_fetch_add(&h->busy_outside, 1, __ATOMIC_RELAXED); }
void host_busy_leave(Host *h) { __atomic_fetch_sub(&h->busy_outside, 1, __ATOMIC_RELAXED); }

void host_wm_frame(Host *h)
{
    /* The user's events come first, on the buttons the last frame drew:
     * nothing on main changes the data those buttons show in between (a
     * timer that removed an item would otherwise leave the user clicking a
     * freed one, which Blender's redraw after the change prevents). */
    if (h->user_pending && h->cb.user_input)
        h->user_pending = h->cb.user_input(h->cb.ud);
    /* timers.register reads the clock: with timers_lock it is written
     * under the same lock */
    timers_lock(h);
    SCHED_WRITE("wm.clock", &h->time);
    h->time += h->frame_dt;
    timers_unlock(h);
    queue_run(h);
    host_jobs_poll(h);
    timers_run(h);
    modal_run(h);
    /* While the interface is locked (a render job with lock_interface),
     * the view depsgraph is not updated: the render reads original data. */
    SCHED_READ("G.is_interface_locked", &h->G.is_interface_locked);
    if (!h->G.is_interface_locked)
        host_depsgraph_evaluate(h);
    host_draw(h);
    h->frames_done++;
    /* under the scheduler: one frame of virtual time; free-running: a short
     * real sleep so script threads get to run alongside the loop */
    sched_pace((int64_t)(h->frame_dt * 1e9), (unsigned)h->frame_sleep_us);
}

int host_quiescent(Host *h)
{
    if (!sched_active() || sched_live_count(SCHED_ROLE_PYTHON) > 0)
        return 0;
    /* No script thread is left to write these lists, and main is the one
     * reading them: hidden from TSan, so that the check adds no access
     * that other runs' reports could pair with. */
    HR_TSAN_IGNORE_BEGIN();
    int busy = h->jobs || h->timers || h->modals || h->event_timers || h->draw_handlers ||
               h->queue || h->user_pending || h->view_engine ||
               (h->view_rendered && h->nengines > 0);
    for (int i = 0; !busy && i < HOST_CB_COUNT; i++)
        busy = h->handler_count[i] != 0;
    HR_TSAN_IGNORE_END();
    return !busy;
}

int host_wm_run(Host *h, int frames)
{
    int done = 0;
    while (done < frames && !host_quiescent(h)) {
        host_wm_frame(h);
        done++;
    }
    return done;
}

int host_shutdown(Host *h, int timeout_ms)
{
    /* the shutdown's writes (the break flag the jobs poll, the lists it
     * drops while threads that outlived the script may still run) are the
     * host's, in every run: the thread-outlives-script warning is the
     * finding there, not each race */
    HR_TSAN_HOST_INTERNAL_BEGIN();
    SCHED_WRITE("G.is_break", &h->G.is_break);
    h->shutting_down = 1;
    h->G.is_break = 1;
    host_jobs_kill_all(h);
    host_view_engine_stop(h);
    drop_wm_lists(h);
    HR_TSAN_HOST_INTERNAL_END();
    for (int waited = 0; waited < timeout_ms; waited += 5) {
        if (__atomic_load_n(&h->busy_outside, __ATOMIC_RELAXED) == 0)
            return 0;
        sched_sleep_ms(5);
    }
    return __atomic_load_n(&h->busy_outside, __ATOMIC_RELAXED) == 0 ? 0 : -1;
}
