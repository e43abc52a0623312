/* report: causes, the groups of findings one change removes (report.h
 * states the rule; README's "Causes" section says it for users). */
#include "report.h"
#include "report_internal.h"

#include <string.h>

static report_activity_fn g_namer;
static report_api_fn g_api;

void report_set_activity_namer(report_activity_fn fn) { g_namer = fn; }
void report_set_api_namer(report_api_fn fn) { g_api = fn; }

static const char *basename_of(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* a script thread's access, or one a host thread made for a script
 * thread's call (the depsgraph's workers in a thread's frame_set) */
static int is_script_thread(const report_access *a)
{
    return strcmp(a->role, "python") == 0 || a->delegated;
}

static void fill_side(report_cause_side *s, const report_access *a, const char *where)
{
    memset(s, 0, sizeof(*s));
    snprintf(s->where, sizeof(s->where), "%s", where);
    snprintf(s->thread, sizeof(s->thread), "%s", a->thread);
    snprintf(s->role, sizeof(s->role), "%s", a->role);
    snprintf(s->access, sizeof(s->access), "%s", a->is_write ? "write" : "read");
    snprintf(s->site, sizeof(s->site), "%s", a->site);
    snprintf(s->call, sizeof(s->call), "%s", a->call);
    const char *api = a->call[0] && g_api ? g_api(a->call) : NULL;
    snprintf(s->api, sizeof(s->api), "%s", api ? api : "");
    if (a->py_file[0]) {
        snprintf(s->file, sizeof(s->file), "%s", a->py_file);
        s->line = a->py_line;
    }
    if (strcmp(where, "host") == 0) {
        if (g_namer)
            g_namer(a, s->activity, sizeof(s->activity));
        if (!s->activity[0])
            snprintf(s->activity, sizeof(s->activity), "%s", a->role);
    }
}

/* The part of a script side the cause id hashes: where it runs and its
 * file:line; when the line is not the script's own (generated source, or
 * no Python location), the bpy call the access was made in (one script
 * operation touches several host sites), else its site. */
static void side_key(const report_cause_side *s, char *out, size_t len)
{
    if (s->file[0] && !report_is_generated(s->file))
        snprintf(out, len, "%s@%s:%d", s->where, basename_of(s->file), s->line);
    else if (s->call[0])
        snprintf(out, len, "%s@call:%s", s->where, s->call);
    else
        snprintf(out, len, "%s@%s", s->where, s->site);
}

/* "file.py:12", or what it did in generated source */
static void side_place(const report_cause_side *s, char *out, size_t len)
{
    if (s->file[0] && !report_is_generated(s->file))
        snprintf(out, len, "%s:%d", s->file, s->line);
    else if (s->api[0])
        snprintf(out, len, "%s", s->api);
    else if (s->call[0])
        snprintf(out, len, "bpy call %s", s->call);
    else
        snprintf(out, len, "%s %s", s->access, s->site);
}

static void hash_id(report_cause *c, const char *a, const char *b)
{
    report_pair_hash("cause", c->family, a, b, c->id);
}

static const char *kind_fix(report_kind k)
{
    switch (k) {
    case REPORT_DEADLOCK:
        return "threads wait for each other: never wait on the main thread (join, Event.wait, "
               "Queue.get without timeout) from code that runs on it (timers, operators, "
               "handlers, draw callbacks) for a thread that needs the main thread to go on";
    case REPORT_LOCK_ORDER_INVERSION:
        return "two locks are taken in opposite orders by two threads: take them in one order "
               "everywhere";
    case REPORT_HANG:
        return "the main thread (the interface) stops or a thread never ends: keep long work in "
               "threads, poll from a timer instead of waiting, and end every thread before the "
               "script or add-on does";
    case REPORT_ASSERTION:
        return "the script's own check failed: where threads change what it checks, an "
               "update was lost (a read-modify-write of host data from several threads is not "
               "atomic, even under the GIL): do it on the main thread or under one "
               "threading.Lock";
    case REPORT_SCRIPT_ERROR:
        return "the script raised an exception: see its traceback";
    case REPORT_THREAD_OUTLIVES_SCRIPT:
        return "end every thread the script starts before the script ends (join it), or, in "
               "an add-on, stop and join it in unregister()";
    case REPORT_FORK_WITH_THREADS:
        return "fork with threads running copies their locks held: use multiprocessing's "
               "spawn or forkserver start method";
    case REPORT_UNSUPPORTED_API:
        return "hostrace does not model this API: the result does not cover what it does";
    case REPORT_OPERATOR_REFUSED:
        return "the operator's poll() refused the call in this context: call it where its "
               "context holds, from the main thread";
    case REPORT_CRASH:
    case REPORT_USE_AFTER_FREE:
    case REPORT_DATA_RACE:
        return "host data touched from a thread: do the bpy work on the main thread";
    default:
        return "";
    }
}

void report_cause_of(const report_finding *f, report_cause *c)
{
    memset(c, 0, sizeof(*c));
    int memory = (f->kind == REPORT_DATA_RACE || f->kind == REPORT_USE_AFTER_FREE) && f->nacc > 0;
    if (!memory) {
        /* one signature, one cause: the signature's own keys */
        snprintf(c->family, sizeof(c->family), "%s", report_kind_id(f->kind));
        char ka[sizeof(f->key_a)], kb[sizeof(f->key_b)], raw[sizeof(f->key_a)];
        /* the keys as the signature hashes them (report_add fills them) */
        if (f->key_a[0] || !f->nacc)
            snprintf(raw, sizeof(raw), "%s", f->key_a);
        else
            report_access_key(&f->acc[0], raw, sizeof(raw));
        report_strip_generated(raw, ka, sizeof(ka));
        if (f->key_b[0] || f->nacc < 2)
            snprintf(raw, sizeof(raw), "%s", f->key_b);
        else
            report_access_key(&f->acc[1], raw, sizeof(raw));
        report_strip_generated(raw, kb, sizeof(kb));
        hash_id(c, ka, kb);
        /* most messages begin with their kind already */
        size_t fl = strlen(c->family);
        if (strncmp(f->message, c->family, fl) == 0 && f->message[fl] == ':')
            snprintf(c->title, sizeof(c->title), "%.220s", f->message);
        else
            snprintf(c->title, sizeof(c->title), "%s: %.200s", c->family, f->message);
        for (int k = 0; k < f->nacc && k < REPORT_CAUSE_SIDES; k++)
            fill_side(&c->against[c->nagainst++], &f->acc[k], "host");
        snprintf(c->fix, sizeof(c->fix), "%s", kind_fix(f->kind));
        return;
    }
    snprintf(c->family, sizeof(c->family), "memory");
    /* the script side: script threads' accesses; failing those, script
     * code on a host thread */
    int side[2] = {0, 0};
    /* script code on a host thread: a Python location, or a bpy call (the
     * script on main called it) */
    for (int k = 0; k < f->nacc && k < 2; k++)
        side[k] = is_script_thread(&f->acc[k])                     ? 2
                  : f->acc[k].py_file[0] || f->acc[k].call[0] ? 1
                                                                : 0;
    int best = side[0] > side[1] ? side[0] : side[1];
    for (int k = 0; k < f->nacc && k < 2; k++) {
        if (best && side[k] == best)
            fill_side(&c->script[c->nscript++], &f->acc[k], best == 2 ? "thread" : "main");
        else
            fill_side(&c->against[c->nagainst++], &f->acc[k], "host");
    }
    char ka[320] = "", kb[320] = "", pa[256] = "", pb[256] = "";
    if (c->nscript) {
        side_key(&c->script[0], ka, sizeof(ka));
        side_place(&c->script[0], pa, sizeof(pa));
        if (c->nscript > 1) {
            side_key(&c->script[1], kb, sizeof(kb));
            side_place(&c->script[1], pb, sizeof(pb));
            if (strcmp(ka, kb) == 0)
                kb[0] = 0;
        }
    } else {
        /* host against host: what the two threads were doing (a render
         * job against the depsgraph update is one cause, whatever memory
         * they met on) */
        snprintf(ka, sizeof(ka), "host@%s", c->against[0].activity);
        if (c->nagainst > 1)
            snprintf(kb, sizeof(kb), "host@%s", c->against[1].activity);
    }
    hash_id(c, ka, kb);
    if (c->nscript == 2 && kb[0]) {
        /* the title lists the two places in key order, as the id does */
        const char *x = pa, *y = pb;
        char kx[320];
        side_key(&c->script[0], kx, sizeof(kx));
        if (strcmp(kx, kb) > 0) {
            x = pb;
            y = pa;
        }
        snprintf(c->title, sizeof(c->title), "Python threads at %s and %s", x, y);
        snprintf(c->fix, sizeof(c->fix),
                 "two script threads touch the same host data with no order between them: do "
                 "the bpy work on the main thread (a queue.Queue the threads fill, drained by a "
                 "timer registered from the main thread), or at least under one threading.Lock "
                 "(which does not protect it from the host's own threads)");
    } else if (c->nscript) {
        const report_cause_side *s = &c->script[0];
        int thread = strcmp(s->where, "thread") == 0;
        snprintf(c->title, sizeof(c->title), "%s at %s",
                 thread ? (c->nscript == 2 ? "Python threads" : "a Python thread")
                        : "script code on the main thread",
                 pa);
        if (thread && strncmp(s->site, "wm.timer", 8) == 0)
            snprintf(c->fix, sizeof(c->fix),
                     "bpy.app.timers.register from a thread races with the timer walk of the "
                     "main thread: register the timer once, from the main thread, and let the "
                     "thread hand its results over through a queue.Queue the timer drains "
                     "(or bpy.app.run_on_main(fn) where the host provides it)");
        else if (thread)
            snprintf(c->fix, sizeof(c->fix),
                     "bpy is not thread-safe: this line touches host data from a Python thread "
                     "while the host uses it. Keep only non-bpy work (I/O, computation) in the "
                     "thread; hand the bpy part to the main thread: put it on a queue.Queue "
                     "that a function registered with bpy.app.timers.register from the main "
                     "thread drains (or bpy.app.run_on_main(fn) where the host provides it)");
        else
            snprintf(c->fix, sizeof(c->fix),
                     "this code runs on the main thread while a host thread (a render job, "
                     "the depsgraph's workers) uses the same data: change it before the job "
                     "starts or after it ends (render_complete and render_cancel handlers), "
                     "or render with EXEC_DEFAULT, which blocks until the render is done");
    } else {
        snprintf(c->title, sizeof(c->title), "host against host: %s vs %s",
                 strcmp(ka, kb) <= 0 || !kb[0] ? ka + 5 : kb + 5,
                 !kb[0] ? "" : strcmp(ka, kb) <= 0 ? kb + 5 : ka + 5);
        snprintf(c->fix, sizeof(c->fix),
                 "both sides are the host's own threads, started by what the script did (a "
                 "render, a driver, a depsgraph update): only a change in the host removes it; "
                 "`hostrace triage --fixes` names the host switch that does");
    }
}
