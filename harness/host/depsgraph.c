/* Depsgraph: evaluated copies of the scene's objects, freed and recreated
 * on every evaluation by a pool of worker threads that read the original
 * data without any lock (as Blender's task pool does), then the objects'
 * drivers (anim.c). The pool's threads are started once and wait for work
 * between evaluations. The thread that asked for the evaluation waits for
 * the pool with the GIL released (deg_evaluate_on_refresh's
 * BPy_BEGIN_ALLOW_THREADS), unless host switch drivers_gil_release=0. */
#include "host_internal.h"
#include "tsan/annotate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

HostObject *host_object_copy_eval(const HostObject *ob)
{
    HostObject *copy = calloc(1, sizeof(*copy));
    if (!copy)
        return NULL;
    /* Blender's copy-on-evaluation copies an ID past its header
     * (BKE_libblock_copy_in_lib: memcpy from sizeof(ID)) and takes the
     * header's name and type one by one: the list links, the user count
     * and the Python instance a script's thread may be setting are not
     * read. */
    memcpy((char *)copy + sizeof(HostID), (const char *)ob + sizeof(HostID),
           sizeof(*copy) - sizeof(HostID));
    copy->id.type = ob->id.type;
    memcpy(copy->id.name, ob->id.name, sizeof(copy->id.name));
    return copy;
}

static void copy_slice(HostEvalTask *t)
{
    for (int i = t->begin; i < t->end; i++) {
        HostObject *ob = t->orig[i];
        /* Reads the original object, unlocked (annotated before the copy
         * reads it, so that a race found in the copy is named by them). */
        SCHED_ACCESS("depsgraph.eval.read_original", ob->loc, 3 * sizeof(float), 0);
        SCHED_ACCESS("depsgraph.eval.read_original", ob->rot, 3 * sizeof(float), 0);
        SCHED_ACCESS("depsgraph.eval.read_original", ob->scale, 3 * sizeof(float), 0);
        HostObject *copy = host_object_copy_eval(ob);
        if (!copy)
            continue;
        /* and the ID's properties (IDP_CopyProperty): the group's head */
        SCHED_NOTE("depsgraph.eval.read_idprops", &ob->id.props, sizeof(ob->id.props), 0);
        volatile HostProps props_head = ob->id.props;
        (void)props_head;
        if (ob->data && ob->data->type == HOST_ID_ME) {
            HostMesh *me = (HostMesh *)ob->data;
            SCHED_ACCESS("depsgraph.eval.read_mesh", me, sizeof(*me), 0);
            /* bounding box of the evaluated mesh, from the raw array */
            float acc = 0.0f;
            for (int v = 0; v < me->totvert && me->verts; v++)
                acc += me->verts[v][0];
            volatile float sink = acc; /* keep the reads */
            (void)sink;
        }
        t->eval[i] = copy;
    }
}

static void eval_slice(Host *h, HostEvalTask *t)
{
    if (t->step == 0)
        copy_slice(t);
    else if (t->step == 1)
        host_drivers_compute(h, t->orig, t->eval, t->n, t->begin, t->end);
    else
        host_drivers_apply(h, t->orig, t->eval, t->begin, t->end);
}

typedef struct worker_arg {
    Host *h;
    int index;
} worker_arg;

static void *pool_worker(void *p)
{
    worker_arg *a = p;
    Host *a_host = a->h;
    HostDepsgraph *dg = &a_host->depsgraph;
    int index = a->index;
    host_mem_free(a);
    int seen = 0;
    sched_mutex_lock(&dg->pool_mutex);
    for (;;) {
        while (dg->generation == seen && !dg->quit)
            sched_cond_wait(&dg->work_cond, &dg->pool_mutex, "depsgraph.idle");
        if (dg->quit)
            break;
        seen = dg->generation;
        HostEvalTask *t = &dg->tasks[index];
        sched_mutex_unlock(&dg->pool_mutex);
        /* the origin is hostrace's bookkeeping, not Blender's task: read
         * out of TSan's sight */
        HR_TSAN_IGNORE_BEGIN();
        int adopt = t->has_origin;
        if (adopt)
            sched_call_adopt(&t->origin);
        HR_TSAN_IGNORE_END();
        eval_slice(a_host, t);
        if (adopt)
            sched_call_leave();
        sched_mutex_lock(&dg->pool_mutex);
        if (--dg->pending == 0)
            sched_cond_broadcast(&dg->done_cond);
    }
    sched_mutex_unlock(&dg->pool_mutex);
    return NULL;
}

static void start_workers(Host *h, int want)
{
    HostDepsgraph *dg = &h->depsgraph;
    if (dg->nworkers)
        return;
    sched_mutex_init(&dg->pool_mutex);
    sched_cond_init(&dg->work_cond);
    sched_cond_init(&dg->done_cond);
    for (int w = 0; w < want; w++) {
        worker_arg *a = malloc(sizeof(*a));
        if (!a)
            break;
        *a = (worker_arg){h, w};
        char name[32];
        snprintf(name, sizeof(name), "depsgraph-%d", w);
        if (sched_thread_create(&dg->workers[w], HOST_ROLE_DEPSGRAPH_WORKER, name, pool_worker,
                                a) != 0) {
            host_mem_free(a);
            break;
        }
        dg->nworkers++;
    }
}

void host_depsgraph_stop_workers(Host *h)
{
    HostDepsgraph *dg = &h->depsgraph;
    if (!dg->nworkers)
        return;
    sched_mutex_lock(&dg->pool_mutex);
    dg->quit = 1;
    sched_cond_broadcast(&dg->work_cond);
    sched_mutex_unlock(&dg->pool_mutex);
    for (int w = 0; w < dg->nworkers; w++)
        sched_thread_join(dg->workers[w], NULL);
    dg->nworkers = 0;
    sched_cond_destroy(&dg->work_cond);
    sched_cond_destroy(&dg->done_cond);
    sched_mutex_destroy(&dg->pool_mutex);
}

void host_depsgraph_free(Host *h)
{
    HostDepsgraph *dg = &h->depsgraph;
    SCHED_WRITE("depsgraph.eval.free", &dg->eval);
    for (int i = 0; i < dg->neval; i++)
        host_mem_free(dg->eval[i]);
    host_mem_free(dg->eval);
    dg->eval = NULL;
    dg->neval = 0;
}

void host_depsgraph_evaluate(Host *h)
{
    HostScene *sce = h->scene;
    if (!sce || !sce->master)
        return;
    host_handlers_call(h, HOST_CB_DEPSGRAPH_UPDATE_PRE, sce);
    int n = 0;
    HostObject **all = host_collection_all_objects(h, sce->master, &n);
    HostObject **orig = n ? malloc((size_t)n * sizeof(*orig)) : NULL;
    HostObject **eval = n ? calloc((size_t)n, sizeof(*eval)) : NULL;
    if (n && (!orig || !eval)) {
        host_mem_free(orig);
        host_mem_free(eval);
        return;
    }
    if (n)
        memcpy(orig, all, (size_t)n * sizeof(*orig));

    int workers = h->depsgraph_workers;
    if (workers < 1)
        workers = 1;
    if (workers > HOST_DEPSGRAPH_MAX_WORKERS)
        workers = HOST_DEPSGRAPH_MAX_WORKERS;
    start_workers(h, workers);
    HostDepsgraph *dg = &h->depsgraph;
    /* noted, not a scheduling point: saved schedules still replay */
    SCHED_NOTE("depsgraph.eval.frame", &sce->frame_current, sizeof(sce->frame_current), 0);
    dg->ctime = sce->frame_current;
    void *gil = NULL;
    if (!h->sw.drivers_gil_keep && h->cb.allow_threads)
        gil = h->cb.allow_threads(h->cb.ud);
    /* the copies, then (when any object has drivers) the drivers' values,
     * then their writes: the pool meets between the steps */
    int steps = host_drivers_any(h, orig, n) ? 3 : 1;
    /* a script thread asking for the evaluation: the workers work for its
     * call */
    sched_call_origin origin;
    int has_origin = sched_call_origin_get(&origin);
    for (int step = 0; step < steps; step++) {
        if (dg->nworkers == 0) {
            /* no thread could be started: evaluate here */
            HostEvalTask t = {orig, eval, n, 0, n, step, origin, has_origin};
            eval_slice(h, &t);
            continue;
        }
        sched_mutex_lock(&dg->pool_mutex);
        for (int w = 0; w < dg->nworkers; w++)
            dg->tasks[w] = (HostEvalTask){orig,   eval, n, n * w / dg->nworkers,
                                          n * (w + 1) / dg->nworkers, step, origin,
                                          has_origin};
        dg->pending = dg->nworkers;
        dg->generation++;
        sched_cond_broadcast(&dg->work_cond);
        while (dg->pending > 0)
            sched_cond_wait(&dg->done_cond, &dg->pool_mutex, "depsgraph.wait");
        sched_mutex_unlock(&dg->pool_mutex);
    }
    if (gil && h->cb.end_allow_threads)
        h->cb.end_allow_threads(h->cb.ud, gil);

    host_depsgraph_free(h);
    SCHED_WRITE("depsgraph.eval.swap", &h->depsgraph.eval);
    h->depsgraph.eval = eval;
    h->depsgraph.neval = n;
    h->depsgraph.scene = sce;
    h->depsgraph.updates++;
    host_mem_free(orig);
    host_handlers_call(h, HOST_CB_DEPSGRAPH_UPDATE_POST, sce);
}
