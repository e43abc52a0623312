/* wm jobs and the render pipeline.
 *
 * 'INVOKE_DEFAULT' starts a render job thread that calls the render
 * handlers holding only the GIL and writes the original scene's frame;
 * 'EXEC_DEFAULT' runs the same pipeline blocking on the calling thread.
 * render_complete runs at the end of the pipeline, on the job thread, while
 * the job is still registered: a render started from it is refused. */
#include "host_internal.h"

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
        SCHED_READ("wm.job.progress", &job->progress);
        float progress = job->progress;
        (void)progress;
        SCHED_READ("wm.job.ready", &job->ready);
        if (!job->ready) {
            pp = &job->next;
            continue;
        }
        sched_thread_join(job->thread, NULL);
        SCHED_WRITE("wm.jobs", &h->jobs);
        *pp = job->next;
        if (job->endjob)
            job->endjob(job, job->data);
        free(job);
    }
}

void host_jobs_kill_all(Host *h)
{
    for (HostJob *job = h->jobs; job; job = job->next) {
        SCHED_WRITE("wm.job.stop", &job->stop);
        job->stop = 1;
    }
    while (h->jobs) {
        HostJob *job = h->jobs;
        sched_thread_join(job->thread, NULL);
        h->jobs = job->next;
        if (job->endjob)
            job->endjob(job, job->data);
        free(job);
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

void host_render_pipeline(Host *h, HostJob *job, int animation, int write_still)
{
    HostScene *sce = h->scene;
    if (!sce)
        return;
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
        ok = render_frame(h, job, sce, f);
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
    free(data);
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
            free(job);
            free(rd);
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
        if (jobs_start(h, job, "render-job", SCHED_ROLE_RENDER_JOB) != 0) {
            render_endjob(job, rd);
            free(job);
            return HOST_OP_CANCELLED;
        }
        return HOST_OP_RUNNING_MODAL;
    }
    host_render_pipeline(h, NULL, animation, write_still);
    SCHED_WRITE("G.is_rendering", &h->G.is_rendering);
    h->G.is_rendering = 0;
    return HOST_OP_FINISHED;
}
