/* Depsgraph: evaluated copies of the scene's objects, freed and recreated
 * on every evaluation by a pool of worker threads that read the original
 * data without any lock (as Blender's task pool does). */
#include "host_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEPSGRAPH_MAX_WORKERS 4

typedef struct eval_task {
    Host *h;
    HostObject **orig;
    HostObject **eval;
    int begin, end;
} eval_task;

static void *eval_worker(void *p)
{
    eval_task *t = p;
    for (int i = t->begin; i < t->end; i++) {
        HostObject *ob = t->orig[i];
        HostObject *copy = calloc(1, sizeof(*copy));
        if (!copy)
            continue;
        /* Reads the original object, unlocked. */
        SCHED_ACCESS("depsgraph.eval.read_original", ob->loc, 3 * sizeof(float), 0);
        SCHED_ACCESS("depsgraph.eval.read_original", ob->rot, 3 * sizeof(float), 0);
        SCHED_ACCESS("depsgraph.eval.read_original", ob->scale, 3 * sizeof(float), 0);
        memcpy(copy, ob, sizeof(*copy));
        copy->id.next = copy->id.prev = NULL;
        copy->id.py_wrapper = NULL;
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
    return NULL;
}

void host_depsgraph_free(Host *h)
{
    HostDepsgraph *dg = &h->depsgraph;
    SCHED_WRITE("depsgraph.eval.free", &dg->eval);
    for (int i = 0; i < dg->neval; i++)
        free(dg->eval[i]);
    free(dg->eval);
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
        free(orig);
        free(eval);
        return;
    }
    if (n)
        memcpy(orig, all, (size_t)n * sizeof(*orig));

    int workers = h->depsgraph_workers;
    if (workers < 1)
        workers = 1;
    if (workers > DEPSGRAPH_MAX_WORKERS)
        workers = DEPSGRAPH_MAX_WORKERS;
    if (workers > n)
        workers = n;
    eval_task tasks[DEPSGRAPH_MAX_WORKERS];
    sched_thread *threads[DEPSGRAPH_MAX_WORKERS] = {0};
    for (int w = 0; w < workers; w++) {
        tasks[w] = (eval_task){h, orig, eval, n * w / workers, n * (w + 1) / workers};
        char name[32];
        snprintf(name, sizeof(name), "depsgraph-%d", w);
        if (sched_thread_create(&threads[w], SCHED_ROLE_DEPSGRAPH_WORKER, name, eval_worker,
                                &tasks[w]) != 0) {
            threads[w] = NULL;
            eval_worker(&tasks[w]);
        }
    }
    for (int w = 0; w < workers; w++)
        if (threads[w])
            sched_thread_join(threads[w], NULL);

    host_depsgraph_free(h);
    SCHED_WRITE("depsgraph.eval.swap", &h->depsgraph.eval);
    h->depsgraph.eval = eval;
    h->depsgraph.neval = n;
    h->depsgraph.scene = sce;
    h->depsgraph.updates++;
    free(orig);
    host_handlers_call(h, HOST_CB_DEPSGRAPH_UPDATE_POST, sce);
}
