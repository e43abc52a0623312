/* host: what a host thread was doing at an access, in Blender's terms, for
 * the "against" side of a cause (report.h). Decided from the access's
 * role, its site id and, on the main thread, the host functions on its C
 * stack (names from the binary's own symbols, so it does not depend on a
 * symbolizer). */
#include "host.h"
#include "report/report.h"

#include <string.h>

typedef struct name_pair {
    const char *key;
    const char *activity;
} name_pair;

/* threads that do one thing, by role */
static const name_pair roles[] = {
    {"render-job", "render job"},
    {"depsgraph-worker", "depsgraph evaluation"},
    {"job", "window-manager job"},
    {"python", "Python thread"},
};

/* the main thread: the innermost host function of the loop that says what
 * it was doing */
static const name_pair main_funcs[] = {
    {"draw_view3d", "viewport draw"},
    {"draw_header", "header draw"},
    {"draw_addon_ui", "panel draw"},
    {"draw_image_editor", "image editor draw"},
    {"host_draw", "viewport draw"},
    {"timers_run", "timer walk"},
    {"host_timer_register", "timer registration"},
    {"modal_run", "modal operators"},
    {"queue_run", "run_on_main queue"},
    {"host_jobs_poll", "job notifications"},
    {"host_depsgraph_evaluate", "depsgraph update"},
    {"host_handlers_call", "handlers"},
    {"host_shutdown", "shutdown"},
};

/* the main thread: site prefixes, when the stack names none of the above */
static const name_pair main_sites[] = {
    {"draw.", "viewport draw"},     {"region.", "viewport draw"},
    {"wm.timer", "timer walk"},     {"wm.event_timers", "timer walk"},
    {"wm.modal", "modal operators"}, {"wm.job", "job notifications"},
    {"depsgraph.", "depsgraph update"}, {"anim.", "driver evaluation"},
    {"handlers.", "handlers"},
};

#define NPAIRS(t) (sizeof(t) / sizeof((t)[0]))

/* the activity of the pair whose key is s (prefix: whose key begins s) */
static const char *find(const name_pair *t, size_t n, const char *s, int prefix)
{
    for (size_t k = 0; k < n; k++)
        if (prefix ? strncmp(s, t[k].key, strlen(t[k].key)) == 0 : strcmp(s, t[k].key) == 0)
            return t[k].activity;
    return NULL;
}

void host_activity_of(const report_access *a, char *out, size_t len)
{
    const char *act = find(roles, NPAIRS(roles), a->role, 0);
    if (!act && strcmp(a->role, "main") != 0) {
        snprintf(out, len, "%s thread", a->role);
        return;
    }
    if (!act && a->py_file[0])
        act = "script code on main";
    for (int i = 0; !act && i < a->nframes; i++)
        act = find(main_funcs, NPAIRS(main_funcs), a->frames[i].func, 0);
    if (!act)
        act = find(main_sites, NPAIRS(main_sites), a->site, 1);
    snprintf(out, len, "%s", act ? act : "main loop");
}
