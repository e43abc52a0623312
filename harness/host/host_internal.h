/* Functions shared between the host's own files; not part of its
 * interface. */
#ifndef HOSTRACE_HOST_INTERNAL_H
#define HOSTRACE_HOST_INTERNAL_H

#include "host.h"
#include "sched/sched.h"

#include <malloc.h>
#include <stdlib.h>

/* free() and realloc() of memory the host annotates: its access history
 * ends there, as TSan's does when the allocator hands it out again. */
__attribute__((always_inline)) static inline void host_mem_free(void *p)
{
    if (p && sched_hb_enabled())
        sched_hb_forget(p, malloc_usable_size(p));
    free(p);
}

__attribute__((always_inline)) static inline void *host_mem_realloc(void *p,
                                                                            size_t n)
{
    size_t old = p && sched_hb_enabled() ? malloc_usable_size(p) : 0;
    void *q = realloc(p, n);
    if (q && q != p && old)
        sched_hb_forget(p, old);
    return q;
}

/* Type-specific initialisation after allocation (defaults, arrays). */
void host_id_init_data(Host *h, HostID *id);
/* Frees type-specific arrays (not the ID itself). */
void host_id_free_data(Host *h, HostID *id);
/* Drops every pointer other IDs and the host hold to id. */
void host_id_unlink_everywhere(Host *h, HostID *id);
/* Frees every ID of Main. */
void host_main_free_all(Host *h);
/* Clears every driver variable's target that is id (being freed). */
void host_drivers_drop_target(Host *h, HostID *id);
/* An evaluated copy of ob (calloc'd; NULL when out of memory), made as
 * copy-on-evaluation makes it; the caller annotates its reads. */
HostObject *host_object_copy_eval(const HostObject *ob);
/* Frees the depsgraph's evaluated copies. */
void host_depsgraph_free(Host *h);
/* Runs handlers of type t if the mirrored list is not empty. */
void host_handlers_call(Host *h, host_handler_type t, HostScene *scene);
/* Renders the scene on the calling thread (blocking); used by the exec
 * path and by the render job. job may be NULL. */
void host_render_pipeline(Host *h, HostJob *job, int animation, int write_still);
/* The 3D view's render engine (shading RENDERED): draws it, or frees it
 * when the view no longer uses it. Main thread. */
void host_view_engine_draw(Host *h, HostScene *sce);
/* Frees the 3D view's engine (shutdown). Main thread. */
void host_view_engine_stop(Host *h);
/* Polls jobs on main: joins finished ones and runs endjob. */
void host_jobs_poll(Host *h);
/* Draws every region (main thread). */
void host_draw(Host *h);

#endif
