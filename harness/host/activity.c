/* host: what a host thread was doing at an access, in Blender's terms, for
 * the "against" side of a cause (report.h). Decided from the access's
 * role, its site id and, on the main thread, the host functions on its C
 * stack (names from the binary's own symbols, so it does not depend on a
 * symbolizer). */
#include "host.h"
#include "report/report.h"

#include <string.h>

/* main thread: the innermost host function of the loop that says what it
 * was doing */
static const struct {
    const char *func;
    const char *activity;
} main_funcs[] = {
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

/* site prefixes, when the stack names none of the above */
static const struct {
    const char *prefix;
    const char *activity;
} main_sites[] = {
    {"draw.", "viewport draw"},     {"region.", "viewport draw"},
    {"wm.timer", "timer walk"},     {"wm.event_timers", "timer walk"},
    {"wm.modal", "modal operators"}, {"wm.job", "job notifications"},
    {"depsgraph.", "depsgraph update"}, {"anim.", "driver evaluation"},
    {"handlers.", "handlers"},
};

void host_activity_of(const report_access *a, char *out, size_t len)
{
    if (strcmp(a->role, "render-job") == 0) {
        snprintf(out, len, "render job");
        return;
    }
    if (strcmp(a->role, "depsgraph-worker") == 0) {
        snprintf(out, len, "depsgraph evaluation");
        return;
    }
    if (strcmp(a->role, "job") == 0) {
        snprintf(out, len, "window-manager job");
        return;
    }
    if (strcmp(a->role, "python") == 0) {
        snprintf(out, len, "Python thread");
        return;
    }
    if (strcmp(a->role, "main") != 0) {
        snprintf(out, len, "%s thread", a->role);
        return;
    }
    if (a->py_file[0]) {
        snprintf(out, len, "script code on main");
        return;
    }
    for (int i = 0; i < a->nframes; i++)
        for (size_t k = 0; k < sizeof(main_funcs) / sizeof(main_funcs[0]); k++)
            if (strcmp(a->frames[i].func, main_funcs[k].func) == 0) {
                snprintf(out, len, "%s", main_funcs[k].activity);
                return;
            }
    for (size_t k = 0; k < sizeof(main_sites) / sizeof(main_sites[0]); k++)
        if (strncmp(a->site, main_sites[k].prefix, strlen(main_sites[k].prefix)) == 0) {
            snprintf(out, len, "%s", main_sites[k].activity);
            return;
        }
    snprintf(out, len, "main loop");
}
