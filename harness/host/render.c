/* wm jobs and the render pipeline.
 *
 * 'INVOKE_DEFAULT' starts a render job thread that calls the render
 * handlers holding only the GIL and writes the original scene's frame;
 * 'EXEC_DEFAULT' runs the same pipeline blocking on the calling thread.
 * render_complete runs at the end of the pipeline, on the job thread, while
 * the job is still registered: a render started from it is refused. */
#include "host_internal.h"
#include "tsan/annotate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RENDER_TILE 32

/* ---- jobs ------------------------------------------------------------- */

int host_jobs_test(Host *h, const char *type)
{
    SCHED_READ("wm.jobs", &h->jobs);
    for (HostJob *j = h->jobs; j; j = j->next)
        if (!type || strcmp(j->type, type) == 0)
            return 1;
    return 0;
}

static void *job_thread(void *p)
{
    HostJob *job = p;
    job->startjob(job, job->data);
    SCHED_WRITE("wm.job.ready", &job->ready);
    job->ready = 1;
    return NULL;
}

static int jobs_start(Host *h, HostJob *job, const char *thread_name, sched_role role)
{
    SCHED_WRITE("wm.jobs", &h->jobs);
    job->next = h->jobs;
    h->jobs = job;
    if (sched_thread_create(&job->thread, role, thread_name, job_thread, job) != 0) {
        h->jobs = job->next;
        return -1;
    }
    return 0;
}

/* Main thread, every frame: notices finished jobs through the plain ready
 * field, joins their thread and runs endjob. */
void host_jobs_poll(Host *h)
{
    HostJob **pp = &h->jobs;
    while (*pp) {
        HostJob *job = *pp;
        /* plain fields the job thread writes: Blender's own race */
        HR_TSAN_HOST_INTERNAL_BEGIN();
        SCHED_READ("wm.job.progress", &job->progress);
        SCHED_READ("wm.job.ready", &job->ready);
        float progress = job->progress;
        int ready = job->ready;
        HR_TSAN_HOST_INTERNAL_END();
        (void)progress;
        if (!ready) {
            pp = &job->next;
            continue;
        }
        sched_thread_join(job->thread, NULL);
        SCHED_WRITE("wm.jobs", &h->jobs);
        *pp = job->next;
        if (job->endjob)
            job->endjob(job, job->data);
        host_mem_free(job);
    }
}

void host_jobs_kill_all(Host *h)
{
    for (HostJob *job = h->jobs; job; job = job->next) {
        HR_TSAN_HOST_INTERNAL_BEGIN(); /* the job thread polls it, plainly */
        SCHED_WRITE("wm.job.stop", &job->stop);
        job->stop = 1;
        HR_TSAN_HOST_INTERNAL_END();
    }
    while (h->jobs) {
        HostJob *job = h->jobs;
        sched_thread_join(job->thread, NULL);
        h->jobs = job->next;
        if (job->endjob)
            job->endjob(job, job->data);
        host_mem_free(job);
    }
}

/* ---- render ----------------------------------------------------------- */

typedef struct render_data {
    int animation;
    int write_still;
} render_data;

static int render_size(int res, int pct)
{
    long v = (long)res * pct / 100;
    if (v < 1)
        v = 1;
    if (v > 16384)
        v = 16384;
    return (int)v;
}

/* On the calling thread: the "Render Result" image, sized for this render,
 * created if missing, reallocated under the render-result write lock. */
static void render_result_ensure(Host *h, HostScene *sce)
{
    int w = render_size(sce->resolution_x, sce->resolution_percentage);
    int hh = render_size(sce->resolution_y, sce->resolution_percentage);
    /* found by type, not by name: a user image may be called "Render Result" */
    HostImage *im = NULL;
    SCHED_READ("main.list", &h->main.lists[HOST_ID_IM]);
    for (HostID *id = h->main.lists[HOST_ID_IM].first; id && !im; id = id->next)
        if (((HostImage *)id)->is_render_result)
            im = (HostImage *)id;
    if (!im) {
        im = (HostImage *)host_id_new(h, HOST_ID_IM, "Render Result");
        if (!im)
            return;
        im->is_render_result = 1;
    }
    sched_rwlock_wrlock(&h->rr_lock);
    h->render_result = im;
    if (im->w != w || im->h != hh || !im->pixels) {
        static const float black[4] = {0, 0, 0, 1};
        host_image_alloc(h, im, w, hh, black);
    }
    sched_rwlock_unlock(&h->rr_lock);
}

static int render_stopped(Host *h, HostJob *job)
{
    if (job) {
        SCHED_READ("wm.job.stop", &job->stop);
        if (job->stop)
            return 1;
    }
    SCHED_READ("G.is_break", &h->G.is_break);
    return h->G.is_break;
}

/* Renders one frame tile by tile. The shading reads the original objects
 * without any lock, as a render engine syncing scene data does. */
static int render_frame(Host *h, HostJob *job, HostScene *sce, int frame)
{
    int n = 0;
    HostObject **obs = host_collection_all_objects(h, sce->master, &n);
    /* the render's depsgraph evaluates the drivers for this frame on the
     * render thread (a Python one takes the GIL here); this engine then
     * shades from the originals */
    host_drivers_evaluate_render(h, obs, NULL, n, frame);
    float tint = 0.0f;
    for (int i = 0; i < n; i++) {
        float loc[3];
        host_object_get_vec(h, obs[i], HOST_VEC_LOC, loc);
        tint += loc[0] * 0.01f;
    }
    sched_rwlock_rdlock(&h->rr_lock);
    HostImage *im = h->render_result;
    int w = im ? im->w : 0, hh = im ? im->h : 0;
    sched_rwlock_unlock(&h->rr_lock);
    int tiles_x = (w + RENDER_TILE - 1) / RENDER_TILE;
    int tiles_y = (hh + RENDER_TILE - 1) / RENDER_TILE;
    int total = tiles_x * tiles_y, done = 0;
    for (int ty = 0; ty < tiles_y; ty++)
        for (int tx = 0; tx < tiles_x; tx++) {
            if (render_stopped(h, job))
                return 0;
            sched_rwlock_wrlock(&h->rr_lock);
            im = h->render_result;
            if (im && im->pixels && im->w == w && im->h == hh) {
                SCHED_ACCESS("render.result.write_tile", im->pixels,
                             (size_t)w * (size_t)hh * 4 * sizeof(float), 1);
                for (int y = ty * RENDER_TILE; y < (ty + 1) * RENDER_TILE && y < hh; y++)
                    for (int x = tx * RENDER_TILE; x < (tx + 1) * RENDER_TILE && x < w; x++) {
                        float *px = im->pixels + 4 * ((size_t)y * w + x);
                        px[0] = (float)x / (float)w;
                        px[1] = (float)y / (float)hh;
                        px[2] = (float)(frame % 100) / 100.0f + tint;
                        px[3] = 1.0f;
                    }
            }
            sched_rwlock_unlock(&h->rr_lock);
            done++;
            if (job) {
                SCHED_WRITE("wm.job.progress", &job->progress);
                job->progress = (float)done / (float)total;
            }
        }
    return 1;
}

/* Writes the original scene's frame and runs the frame-change handlers on
 * the render thread, as an animation render does. */
static void render_set_frame(Host *h, HostScene *sce, int frame)
{
    host_handlers_call(h, HOST_CB_FRAME_CHANGE_PRE, sce);
    SCHED_WRITE("render.scene.frame_current", &sce->frame_current);
    sce->frame_current = frame;
    host_handlers_call(h, HOST_CB_FRAME_CHANGE_POST, sce);
}

static int engine_render_frame(Host *h, HostJob *job, HostScene *sce, const char *idname,
                               int frame, int animation);

/* RE_engines_find on the render thread: the scene's engine id and the
 * registered engines are read unlocked. Noted, not scheduling points, so
 * that a render with a built-in engine schedules as it did before engines
 * existed. 1 (and the id in out) when an add-on's engine renders. */
static int scene_python_engine(Host *h, HostScene *sce, char out[32])
{
    SCHED_NOTE("render.scene.engine", sce->engine, sizeof(sce->engine), 0);
    memcpy(out, sce->engine, 32);
    out[31] = '\0';
    SCHED_NOTE("render.engines", &h->nengines, sizeof(h->nengines), 0);
    for (int i = 0; i < h->nengines; i++)
        if (strcmp(h->engines[i], out) == 0)
            return h->cb.engine_call != NULL;
    return 0;
}

void host_render_pipeline(Host *h, HostJob *job, int animation, int write_still)
{
    HostScene *sce = h->scene;
    if (!sce)
        return;
    char engine[32];
    int python = scene_python_engine(h, sce, engine);
    host_handlers_call(h, HOST_CB_RENDER_INIT, sce);
    SCHED_READ("scene.frame_range", &sce->frame_start);
    int first = animation ? sce->frame_start : sce->frame_current;
    int last = animation ? sce->frame_end : sce->frame_current;
    int saved = sce->frame_current;
    int ok = 1;
    for (int f = first; f <= last && ok; f++) {
        if (render_stopped(h, job)) {
            ok = 0;
            break;
        }
        if (animation)
            render_set_frame(h, sce, f);
        host_handlers_call(h, HOST_CB_RENDER_PRE, sce);
        ok = python ? engine_render_frame(h, job, sce, engine, f, animation)
                    : render_frame(h, job, sce, f);
        if (!ok)
            break;
        host_handlers_call(h, HOST_CB_RENDER_POST, sce);
        if (write_still || animation)
            host_handlers_call(h, HOST_CB_RENDER_WRITE, sce);
        host_handlers_call(h, HOST_CB_RENDER_STATS, sce);
    }
    if (animation) {
        SCHED_WRITE("render.scene.frame_current", &sce->frame_current);
        sce->frame_current = saved;
    }
    host_handlers_call(h, ok ? HOST_CB_RENDER_COMPLETE : HOST_CB_RENDER_CANCEL, sce);
}

static void render_startjob(HostJob *job, void *data)
{
    Host *h = job->owner;
    render_data *rd = data;
    host_render_pipeline(h, job, rd->animation, rd->write_still);
}

static void set_interface_locked(Host *h, int locked)
{
    SCHED_WRITE("G.is_interface_locked", &h->G.is_interface_locked);
    h->G.is_interface_locked = locked;
    for (int i = 0; i < HOST_NREGIONS; i++) {
        SCHED_WRITE("region.do_lock", &h->regions[i].do_lock);
        h->regions[i].do_lock = locked;
    }
}

static void render_endjob(HostJob *job, void *data)
{
    Host *h = job->owner;
    if (h->sw.lock_interface)
        set_interface_locked(h, 0);
    SCHED_WRITE("G.is_rendering", &h->G.is_rendering);
    h->G.is_rendering = 0;
    host_mem_free(data);
}

host_op_result host_render(Host *h, int invoke, int animation, int write_still)
{
    if (host_jobs_test(h, "RENDER")) {
        if (h->cb.operator_refused)
            h->cb.operator_refused(h->cb.ud, "render.render",
                                   "a render job is still registered (render_complete runs "
                                   "before the job ends)");
        return HOST_OP_CANCELLED;
    }
    SCHED_READ("G.is_rendering", &h->G.is_rendering);
    if (h->G.is_rendering) {
        if (h->cb.operator_refused)
            h->cb.operator_refused(h->cb.ud, "render.render", "a render is already in progress");
        return HOST_OP_CANCELLED;
    }
    HostScene *sce = h->scene;
    if (!sce)
        return HOST_OP_CANCELLED;
    SCHED_WRITE("G.is_rendering", &h->G.is_rendering);
    h->G.is_rendering = 1;
    render_result_ensure(h, sce);

    if (invoke && h->sw.render == HOST_RENDER_INVOKE) {
        HostJob *job = calloc(1, sizeof(*job));
        render_data *rd = calloc(1, sizeof(*rd));
        if (!job || !rd) {
            host_mem_free(job);
            host_mem_free(rd);
            h->G.is_rendering = 0;
            return HOST_OP_CANCELLED;
        }
        rd->animation = animation;
        rd->write_still = write_still;
        job->type = "RENDER";
        job->owner = h;
        job->startjob = render_startjob;
        job->endjob = render_endjob;
        job->data = rd;
        if (h->sw.lock_interface)
            set_interface_locked(h, 1);
        if (jobs_start(h, job, "render-job", HOST_ROLE_RENDER_JOB) != 0) {
            render_endjob(job, rd);
            host_mem_free(job);
            return HOST_OP_CANCELLED;
        }
        return HOST_OP_RUNNING_MODAL;
    }
    host_render_pipeline(h, NULL, animation, write_still);
    SCHED_WRITE("G.is_rendering", &h->G.is_rendering);
    h->G.is_rendering = 0;
    return HOST_OP_FINISHED;
}

/* ---- render engines written in Python ----------------------------------
 * RE_engines: the ids of the engines add-ons registered, written on main
 * (register_class) and read unlocked by whoever renders. A render with one
 * of them calls it for each frame on the render thread (RE_engine_render):
 * the engine instance is created, its depsgraph built and evaluated on the
 * render thread, then update(), render(), the depsgraph freed,
 * render_frame_finish(), and the instance freed (persistent data is not
 * modelled). Each step takes the GIL on its own, as bpy_class_call does. */

static const char *const builtin_engines[] = {"BLENDER_EEVEE_NEXT", "BLENDER_WORKBENCH",
                                              "CYCLES"};

int host_engine_known(Host *h, const char *idname)
{
    SCHED_READ("render.engines", &h->nengines);
    for (int i = 0; i < h->nengines; i++)
        if (strcmp(h->engines[i], idname) == 0)
            return 2;
    for (size_t i = 0; i < sizeof(builtin_engines) / sizeof(builtin_engines[0]); i++)
        if (strcmp(builtin_engines[i], idname) == 0)
            return 1;
    return 0;
}

int host_engine_register(Host *h, const char *idname)
{
    if (host_engine_known(h, idname) == 2)
        return 0;
    if (h->nengines >= (int)(sizeof(h->engines) / sizeof(h->engines[0])))
        return -1;
    SCHED_WRITE("render.engines", &h->nengines);
    snprintf(h->engines[h->nengines], sizeof(h->engines[0]), "%s", idname);
    h->nengines++;
    return 0;
}

void host_engine_unregister(Host *h, const char *idname)
{
    SCHED_WRITE("render.engines", &h->nengines);
    for (int i = 0; i < h->nengines; i++)
        if (strcmp(h->engines[i], idname) == 0) {
            memmove(h->engines[i], h->engines[i + 1],
                    (size_t)(h->nengines - i - 1) * sizeof(h->engines[0]));
            h->nengines--;
            return;
        }
}

int host_scene_set_engine(Host *h, HostScene *sce, const char *idname)
{
    if (!host_engine_known(h, idname))
        return -1;
    SCHED_WRITE("scene.render.engine", sce->engine);
    snprintf(sce->engine, sizeof(sce->engine), "%s", idname);
    return 0;
}

void host_scene_get_engine(Host *h, HostScene *sce, char *out, size_t len)
{
    (void)h;
    SCHED_READ("scene.render.engine", sce->engine);
    snprintf(out, len, "%s", sce->engine);
}

int host_engine_test_break(HostRenderEngine *re)
{
    if (re->is_view)
        return 0;
    return render_stopped(re->h, re->job);
}

void host_engine_update_progress(HostRenderEngine *re, float value)
{
    if (!re->job)
        return;
    if (value < 0.0f)
        value = 0.0f;
    if (value > 1.0f)
        value = 1.0f;
    SCHED_WRITE("wm.job.progress", &re->job->progress);
    re->job->progress = value;
}

void host_engine_merge_result(HostRenderEngine *re, int x, int y, int w, int h_,
                              const float *rgba)
{
    Host *h = re->h;
    sched_rwlock_wrlock(&h->rr_lock);
    HostImage *im = h->render_result;
    if (im && im->pixels) {
        SCHED_ACCESS("render.engine.merge_result", im->pixels,
                     (size_t)im->w * (size_t)im->h * 4 * sizeof(float), 1);
        for (int row = 0; row < h_; row++) {
            int ty = y + row;
            if (ty < 0 || ty >= im->h)
                continue;
            for (int col = 0; col < w; col++) {
                int tx = x + col;
                if (tx < 0 || tx >= im->w)
                    continue;
                memcpy(im->pixels + 4 * ((size_t)ty * im->w + tx),
                       rgba + 4 * ((size_t)row * w + col), 4 * sizeof(float));
            }
        }
    }
    sched_rwlock_unlock(&h->rr_lock);
}

/* The render's depsgraph (DEG_graph_build_for_render_pipeline and its
 * evaluation, on the render thread): copies of the scene and its objects
 * read from the original data without a lock, and a master collection
 * listing the copies. */
static void engine_depsgraph_build(Host *h, HostRenderEngine *re)
{
    HostScene *sce = re->scene;
    int n = 0;
    HostObject **all = host_collection_all_objects(h, sce->master, &n);
    re->orig = n ? malloc((size_t)n * sizeof(*re->orig)) : NULL;
    re->eval = n ? calloc((size_t)n, sizeof(*re->eval)) : NULL;
    if (n && (!re->orig || !re->eval)) {
        host_mem_free(re->orig);
        host_mem_free(re->eval);
        re->orig = re->eval = NULL;
        n = 0;
    }
    int m = 0;
    for (int i = 0; i < n; i++) {
        HostObject *ob = all[i];
        SCHED_ACCESS("render.depsgraph.read_original", ob->loc, 3 * sizeof(float), 0);
        SCHED_ACCESS("render.depsgraph.read_original", ob->rot, 3 * sizeof(float), 0);
        SCHED_ACCESS("render.depsgraph.read_original", ob->scale, 3 * sizeof(float), 0);
        HostObject *copy = host_object_copy_eval(ob);
        if (!copy)
            continue;
        re->orig[m] = ob;
        re->eval[m] = copy;
        m++;
    }
    re->neval = m;
    for (int i = 0; i < m; i++) {
        HostObject *parent = re->eval[i]->parent;
        re->eval[i]->parent = NULL;
        for (int j = 0; j < m && parent; j++)
            if (re->orig[j] == parent)
                re->eval[i]->parent = re->eval[j];
    }
    HostCollection *coll = calloc(1, sizeof(*coll));
    HostScene *sc = calloc(1, sizeof(*sc));
    if (!coll || !sc) {
        host_mem_free(coll);
        host_mem_free(sc);
        return;
    }
    coll->id.type = HOST_ID_GR;
    snprintf(coll->id.name, sizeof(coll->id.name), "Scene Collection");
    if (m) {
        coll->objects = malloc((size_t)m * sizeof(*coll->objects));
        if (coll->objects) {
            memcpy(coll->objects, re->eval, (size_t)m * sizeof(*coll->objects));
            coll->nobjects = coll->cap = m;
        }
    }
    SCHED_ACCESS("render.depsgraph.read_original", (char *)sce + sizeof(HostID),
                 sizeof(*sce) - sizeof(HostID), 0);
    memcpy((char *)sc + sizeof(HostID), (const char *)sce + sizeof(HostID),
           sizeof(*sc) - sizeof(HostID));
    sc->id.type = HOST_ID_SCE;
    memcpy(sc->id.name, sce->id.name, sizeof(sc->id.name));
    sc->master = coll;
    HostObject *active = sc->active;
    sc->active = NULL;
    for (int j = 0; j < m && active; j++)
        if (re->orig[j] == active)
            sc->active = re->eval[j];
    re->scene_eval = sc;
    re->coll_eval = coll;
    /* and evaluated: the drivers, into these copies */
    host_drivers_evaluate_render(h, re->orig, re->eval, m, re->frame);
}

static void engine_id_freed(Host *h, HostID *id)
{
    if (h->cb.id_freed)
        h->cb.id_freed(h->cb.ud, id);
}

static void engine_depsgraph_free(Host *h, HostRenderEngine *re)
{
    for (int i = 0; i < re->neval; i++) {
        engine_id_freed(h, &re->eval[i]->id);
        host_mem_free(re->eval[i]);
    }
    host_mem_free(re->eval);
    host_mem_free(re->orig);
    re->eval = re->orig = NULL;
    re->neval = 0;
    if (re->coll_eval) {
        engine_id_freed(h, &re->coll_eval->id);
        host_mem_free(re->coll_eval->objects);
        host_mem_free(re->coll_eval->all_cache);
        host_mem_free(re->coll_eval->children);
        host_mem_free(re->coll_eval);
        re->coll_eval = NULL;
    }
    if (re->scene_eval) {
        engine_id_freed(h, &re->scene_eval->id);
        host_mem_free(re->scene_eval);
        re->scene_eval = NULL;
    }
}

static int engine_call(Host *h, HostRenderEngine *re, int step)
{
    return h->cb.engine_call ? h->cb.engine_call(h->cb.ud, re, step) : 0;
}

static int engine_render_frame(Host *h, HostJob *job, HostScene *sce, const char *idname,
                               int frame, int animation)
{
    HostRenderEngine re;
    memset(&re, 0, sizeof(re));
    re.h = h;
    re.job = job;
    re.scene = sce;
    snprintf(re.idname, sizeof(re.idname), "%s", idname);
    re.is_animation = animation;
    re.frame = frame;
    /* engine->resolution_x/y: the size the render was set up with */
    sched_rwlock_rdlock(&h->rr_lock);
    if (h->render_result) {
        re.resolution_x = h->render_result->w;
        re.resolution_y = h->render_result->h;
    }
    sched_rwlock_unlock(&h->rr_lock);
    if (!engine_call(h, &re, HOST_ENGINE_CREATE))
        return !render_stopped(h, job);
    engine_depsgraph_build(h, &re);
    if (engine_call(h, &re, HOST_ENGINE_UPDATE) && !render_stopped(h, job))
        engine_call(h, &re, HOST_ENGINE_RENDER);
    engine_depsgraph_free(h, &re);
    engine_call(h, &re, HOST_ENGINE_FRAME_FINISH);
    engine_call(h, &re, HOST_ENGINE_FREE);
    return !render_stopped(h, job);
}

/* ---- the 3D view's engine (main thread) ---- */

void host_view_set_rendered(Host *h, int on)
{
    SCHED_WRITE("view3d.shading.type", &h->view_rendered);
    h->view_rendered = on ? 1 : 0;
}

static void view_engine_free(Host *h)
{
    HostRenderEngine *re = h->view_engine;
    if (!re)
        return;
    h->view_engine = NULL;
    if (re->py_instance)
        engine_call(h, re, HOST_ENGINE_FREE);
    host_mem_free(re);
}

/* view3d_main_region_draw with shading RENDERED and an add-on's engine:
 * the region's engine is created at its first draw and kept while the
 * view draws with it (rv3d->view_render); view_update runs after every
 * evaluation of the view's depsgraph, view_draw at every draw. */
void host_view_engine_draw(Host *h, HostScene *sce)
{
    char engine[32] = "";
    int python = h->view_rendered && scene_python_engine(h, sce, engine);
    HostRenderEngine *re = h->view_engine;
    if (re && (!python || strcmp(re->idname, engine) != 0 || re->scene != sce)) {
        view_engine_free(h);
        re = NULL;
    }
    if (!python)
        return;
    if (!re) {
        re = calloc(1, sizeof(*re));
        if (!re)
            return;
        re->h = h;
        re->scene = sce;
        re->is_view = 1;
        re->frame = -1; /* the depsgraph evaluation last seen */
        snprintf(re->idname, sizeof(re->idname), "%s", engine);
        re->resolution_x = 1280; /* the VIEW_3D area's size */
        re->resolution_y = 720;
        h->view_engine = re;
        if (!engine_call(h, re, HOST_ENGINE_CREATE))
            return; /* kept without an instance: not retried every frame */
    }
    if (!re->py_instance)
        return;
    if (re->frame != h->depsgraph.updates) {
        re->frame = h->depsgraph.updates;
        engine_call(h, re, HOST_ENGINE_VIEW_UPDATE);
    }
    if (h->view_engine == re && re->py_instance)
        engine_call(h, re, HOST_ENGINE_VIEW_DRAW);
}

void host_view_engine_stop(Host *h) { view_engine_free(h); }
