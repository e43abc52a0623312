/* host: the mock Blender. A C library that knows nothing of Python.
 *
 * Owns the scene graph (Main and its ID lists), the wm (window manager) with
 * its jobs, timers, modal handlers, draw handlers and the one global context,
 * the depsgraph, and the render pipeline. It calls scripting code only
 * through the function pointers in host_callbacks, so every structure can be
 * tested from C alone.
 *
 * It is unsafe exactly where Blender is unsafe: readers iterate ID lists
 * without a lock, the name map and the all_objects cache are rebuilt lazily
 * by whoever reads them, sub-data pointers (vertices, pixels) are handed out
 * raw, the timer list is unlocked, job fields are plain ints, and the render
 * job runs handlers holding only the GIL. Each of these sites is marked with
 * SCHED_READ/SCHED_WRITE so the scheduler and reports can name it.
 */
#ifndef HOSTRACE_HOST_H
#define HOSTRACE_HOST_H

#include "sched/sched.h"

#include <stddef.h>

#define HOST_MAX_NAME 64

typedef enum host_id_type {
    HOST_ID_OB = 0,
    HOST_ID_ME,
    HOST_ID_IM,
    HOST_ID_MA,
    HOST_ID_GR,
    HOST_ID_SCE,
    HOST_ID_TXT,
    HOST_ID_TYPE_COUNT,
} host_id_type;

/* "Object", "Mesh", "Image", "Material", "Collection", "Scene". */
const char *host_id_type_name(host_id_type t);

/* True when addr lies in host memory that was freed (a vertex array of
 * the last few hundred freed): a fault there is a use after free. For
 * the crash handler; async-signal-safe. */
int host_freed_memory(const void *addr);

/* ---- properties (props.c) ----------------------------------------------
 * An IDProperty group: the custom properties of an ID (id["key"]) and the
 * values of add-on properties (bpy.props) defined on its type, the window
 * manager's, and each add-on's preferences. */
typedef enum host_prop_kind {
    HOST_PROP_NUM = 0, /* bool/int/float, scalar or array */
    HOST_PROP_STR,     /* reallocated on every write */
    HOST_PROP_OBJ,     /* a scripting value (an ID pointer) */
    HOST_PROP_GROUP,   /* a nested group (PointerProperty to a PropertyGroup) */
    HOST_PROP_COLL,    /* an array of groups (CollectionProperty) */
} host_prop_kind;

#define HOST_PROP_MAX_ARRAY 32
#define HOST_PROP_MAX_NAME 64

typedef struct HostProps HostProps;

typedef struct HostProp {
    struct HostProp *next;
    char name[HOST_PROP_MAX_NAME];
    host_prop_kind kind;
    int len;      /* NUM: values; STR: bytes */
    char numtype; /* NUM: 'b', 'i' or 'f' */
    double num[HOST_PROP_MAX_ARRAY];
    char *str;
    void *obj;
    HostProps *group;
    HostProps **items;
    int nitems, cap;
} HostProp;

struct HostProps {
    HostProp *first; /* walked unlocked by readers */
    int count;
};

typedef struct HostID {
    struct HostID *next, *prev;
    host_id_type type;
    char name[HOST_MAX_NAME];
    int users;
    /* Cached scripting wrapper. Freeing the ID invalidates only this one
     * (host_callbacks.id_freed). */
    void *py_wrapper;
    HostProps props; /* custom and add-on properties */
} HostID;

typedef struct HostMesh {
    HostID id;
    float (*verts)[3];
    int totvert;
    int *polys; /* vertex indices, 4 per quad */
    int totpoly;
    int edit_mode;
    int bb_valid;
    float bb[2][3];
    /* Bumped whenever verts is reallocated or freed; rna_safety uses it. */
    unsigned verts_gen;
} HostMesh;

typedef struct HostDriver HostDriver;

typedef struct HostObject {
    HostID id;
    float loc[3];
    float rot[3];
    float scale[3];
    HostID *data; /* a HostMesh or NULL (empty) */
    struct HostObject *parent;
    int hide_viewport;
    HostDriver *drivers; /* animation_data.drivers (anim.c); walked unlocked */
} HostObject;

typedef struct HostImage {
    HostID id;
    int w, h;
    float *pixels; /* w*h*4 floats, RGBA */
    int is_render_result;
    unsigned pixels_gen;
    char filepath[1024]; /* written in place, as Image.filepath is */
    char file_format[16];
    int source;          /* an index of bpy's Image.source items */
    float *packed;       /* the packed copy (Image.pack), or NULL */
    size_t npacked;      /* floats in packed */
} HostImage;

typedef struct HostMaterial {
    HostID id;
    float diffuse[4];
} HostMaterial;

typedef struct HostCollection {
    HostID id;
    HostObject **objects;
    int nobjects, cap;
    struct HostCollection **children;
    int nchildren, ccap;
    int hide_viewport;
    /* Lazily rebuilt: objects of this collection and its children. */
    HostObject **all_cache;
    int all_count;
    int all_valid;
} HostCollection;

/* A text datablock (bpy.data.texts): its body is reallocated on every
 * write, as Blender's text lines are. */
typedef struct HostText {
    HostID id;
    char *body;
    size_t len;
} HostText;

typedef struct HostScene {
    HostID id;
    int frame_current, frame_start, frame_end;
    int resolution_x, resolution_y, resolution_percentage;
    char filepath[256];
    HostCollection *master; /* not in Main's collection list */
    HostObject *active;
    char engine[32]; /* RenderData.engine: the render engine's id, in place */
} HostScene;

typedef struct HostListBase {
    HostID *first, *last;
} HostListBase;

typedef struct HostMain {
    HostListBase lists[HOST_ID_TYPE_COUNT];
    sched_spin lock; /* taken by writers only; readers iterate unlocked */
    /* Lazily rebuilt name map: open addressing over (type, name). */
    HostID **map;
    int map_cap;
    int map_valid;
} HostMain;

/* ---- handlers (bpy.app.handlers) ---- */
typedef enum host_handler_type {
    HOST_CB_RENDER_INIT = 0,
    HOST_CB_RENDER_PRE,
    HOST_CB_RENDER_POST,
    HOST_CB_RENDER_WRITE,
    HOST_CB_RENDER_STATS,
    HOST_CB_RENDER_COMPLETE,
    HOST_CB_RENDER_CANCEL,
    HOST_CB_FRAME_CHANGE_PRE,
    HOST_CB_FRAME_CHANGE_POST,
    HOST_CB_DEPSGRAPH_UPDATE_PRE,
    HOST_CB_DEPSGRAPH_UPDATE_POST,
    HOST_CB_LOAD_PRE,
    HOST_CB_LOAD_POST,
    HOST_CB_SAVE_PRE,
    HOST_CB_SAVE_POST,
    HOST_CB_COUNT,
} host_handler_type;

/* "render_init", "render_pre", ... as in bpy.app.handlers. */
const char *host_handler_name(host_handler_type t);

typedef struct Host Host;
typedef struct HostRenderEngine HostRenderEngine;

/* The roles of Blender's own threads (host_new names them to the
 * scheduler: "render-job", "depsgraph-worker", "job"). */
enum {
    HOST_ROLE_RENDER_JOB = SCHED_ROLE_HOST,
    HOST_ROLE_DEPSGRAPH_WORKER,
    HOST_ROLE_JOB,
};

/* Calls into the scripting layer. Any may be NULL. Each callee takes the
 * GIL itself. */
typedef struct host_callbacks {
    void *ud;
    /* Runs the handler list of type t with the scene (and depsgraph). */
    void (*call_handlers)(void *ud, host_handler_type t, HostScene *scene);
    /* Runs a bpy.app.timers function; returns 1 and sets *next to
     * reschedule, 0 to remove it. */
    int (*call_timer)(void *ud, void *fn, double *next);
    /* Delivers an event to a modal operator; returns 1 while it stays
     * modal, 0 when finished or cancelled. */
    int (*call_modal)(void *ud, void *op, const char *event_type);
    /* Called on main when the modal operator is dropped at shutdown. */
    void (*cancel_modal)(void *ud, void *op);
    /* A Python draw handler of the 3D view. */
    void (*call_draw)(void *ud, void *handler);
    /* One queued run_on_main call; runs on main. */
    void (*call_queued)(void *ud, void *item);
    /* Drops the reference the host held on a timer/modal/draw/queue
     * object; called on main with no GIL held. */
    void (*release)(void *ud, void *obj);
    /* The wrapper of id is no longer valid (the ID is being freed). */
    void (*id_freed)(void *ud, HostID *id);
    /* A sub-data array of owner (vertices, pixels) was freed or moved. */
    void (*subdata_moved)(void *ud, HostID *owner);
    /* A property value (HOST_PROP_OBJ) is freed with its property. */
    void (*drop_value)(void *ud, void *obj);
    /* Draws the add-on UI of a region (registered panels, headers, menus):
     * records the properties it shows with host_ui_button. Main thread. */
    void (*draw_ui)(void *ud, const char *space, const char *region);
    /* The user's turn of a frame (events to buttons and operators, at the
     * frame's start, right after the last draw), while h->user_pending;
     * returns 1 while the user has actions left. Main thread. */
    int (*user_input)(void *ud);
    /* An operator was refused (message says why). */
    void (*operator_refused)(void *ud, const char *op, const char *why);
    /* Evaluates a driver's Python expression on the calling thread (a
     * depsgraph worker, holding python_driver_lock): takes the GIL itself.
     * vals[0] is the frame, vals[1..] the variables' values. Returns 0 and
     * sets *out, or -1 when the expression failed (the driver is then
     * marked invalid). */
    int (*driver_exec)(void *ud, HostDriver *drv, const double *vals, int nvals, double *out);
    /* BPy_BEGIN/END_ALLOW_THREADS: releases the GIL if the calling thread
     * holds it (returns what end_allow_threads needs, or NULL). */
    void *(*allow_threads)(void *ud);
    void (*end_allow_threads)(void *ud, void *saved);
    /* One step of a Python render engine (struct HostRenderEngine, render
     * engines below): on the render thread for a render, on main for the
     * 3D view. Returns 0 when the step failed (an exception). */
    int (*engine_call)(void *ud, HostRenderEngine *re, int step);
} host_callbacks;

/* ---- host switches (--host KEY=VALUE) ---- */
typedef enum host_render_mode { HOST_RENDER_INVOKE = 0, HOST_RENDER_EXEC } host_render_mode;

typedef struct host_switches {
    int lock_interface;       /* lock the UI while a render job runs */
    host_render_mode render;  /* exec: INVOKE renders block on the caller */
    int timers_lock;          /* a mutex around the timer list */
    int main_thread_guard;    /* bpy raises RuntimeError off main */
    int rna_safety;           /* sub-data wrappers tracked and invalidated */
    /* drivers_gil_release=0: depsgraph evaluation keeps the GIL of the
     * thread that asked for it (Blender before 3.0, #91046); the default
     * (0 here, the key's 1) releases it as deg_evaluate_on_refresh does */
    int drivers_gil_keep;
    /* bpy_on_main=1: not a host change but the script-side remedy applied
     * to every call: each bpy call a script's Python thread makes runs on
     * the main thread, as bpy.app.run_on_main(fn, wait=True) would run it
     * (harness/py/lib/bpy.py). `triage --fixes` measures it. */
    int bpy_on_main;
} host_switches;

/* One host switch (switches.c holds the table, in the order they are
 * written). Its value is one of two, values[0] or values[1]; its default,
 * Blender as it is, is the field's 0 (a zeroed host_switches). */
typedef struct host_switch_def {
    const char *key;
    const char *const *values; /* {"0", "1"}, {"invoke", "exec"} */
    int is_bool;               /* parses 1/0, on/off, true/false; JSON true/false */
    int always;                /* written at its default too (else only when on) */
    const char *fix;           /* the value `triage --fixes` tries, or NULL */
    size_t field;              /* offset of its int in host_switches */
    int negated;               /* the field holds the value negated */
} host_switch_def;
int host_switch_count(void);
const host_switch_def *host_switch_at(int i);
/* The switch called key (klen bytes of it), or NULL. */
const host_switch_def *host_switch_find(const char *key, size_t klen);
/* The switch's value in sw: 0 or 1, the index into d->values. */
int host_switch_get(const host_switches *sw, const host_switch_def *d);
const char *host_switch_value_name(const host_switches *sw, const host_switch_def *d);
/* Whether writers show the switch: always, or only when away from its
 * default (so that files from before it existed stay the same). */
int host_switch_written(const host_switches *sw, const host_switch_def *d);
/* "key=value key=value ...": the switches written, in table order (the
 * form of schedule files and trailers). */
void host_switches_format(const host_switches *sw, char *out, size_t len);
/* Parses "key=value" into sw. Returns 0, or -1 with a message in err. */
int host_switch_parse(host_switches *sw, const char *kv, char *err, size_t errlen);
/* The keys host_switch_parse accepts, space separated. */
const char *host_switch_keys(void);

/* ---- wm: jobs, timers, modal handlers, draw ---- */
typedef struct HostJob HostJob;
typedef void (*host_job_fn)(HostJob *job, void *data);

struct HostJob {
    HostJob *next;
    const char *type; /* "RENDER", ... */
    void *owner;
    /* Plain fields, as in wm_jobs: written by one thread, polled by
     * another without synchronisation. */
    int stop;
    int ready;
    float progress;
    host_job_fn startjob; /* on the job thread */
    host_job_fn endjob;   /* on main, after the thread is joined */
    void *data;
    sched_thread *thread;
};

typedef struct HostTimer {
    struct HostTimer *next;
    void *fn;
    double due;
    int removed;
} HostTimer;

typedef struct HostModal {
    struct HostModal *next;
    void *op;
    int finished;
} HostModal;

typedef struct HostEventTimer {
    struct HostEventTimer *next;
    double step;
    double due;
    int removed;
} HostEventTimer;

typedef struct HostDrawHandler {
    struct HostDrawHandler *next;
    void *handler;
    int removed;
} HostDrawHandler;

typedef struct HostQueued {
    struct HostQueued *next;
    void *item;
} HostQueued;

/* A property the UI shows in a region (UILayout.prop, template_list):
 * recorded while the Python draw() runs, drawn from C after it returned. */
typedef struct HostUIButton {
    HostProps *props;
    char name[HOST_PROP_MAX_NAME];
} HostUIButton;

typedef struct HostRegion {
    const char *type; /* "WINDOW", "HEADER", "UI" */
    const char *space;
    int do_lock; /* checked at draw entry only */
    int do_draw; /* set by tag_redraw, read and cleared by the draw */
    int draws;
    HostUIButton *buttons; /* this frame's add-on UI (main thread only) */
    int nbuttons, bcap;
} HostRegion;

/* VIEW_3D WINDOW, IMAGE_EDITOR WINDOW, VIEW_3D HEADER, VIEW_3D UI (the
 * sidebar, drawn only once an add-on registered UI classes). */
#define HOST_NREGIONS 4
#define HOST_REGION_UI 3

/* The one global context (bContext). */
typedef struct HostContext {
    HostScene *scene;
    HostRegion *region;
    const char *area_type;
    int py_call_level; /* static in Blender: shared by every caller */
} HostContext;

#define HOST_DEPSGRAPH_MAX_WORKERS 4

/* One slice of an evaluation, for one pool worker. */
typedef struct HostEvalTask {
    HostObject **orig;
    HostObject **eval;
    int n; /* all objects (driver variables look up their targets) */
    int begin, end;
    int step; /* 0: copy, 1: compute the drivers, 2: apply them */
    /* the script thread's call the evaluation is for (frame_set from a
     * Python thread), adopted by the worker: its accesses are that call's */
    sched_call_origin origin;
    int has_origin;
} HostEvalTask;

typedef struct HostDepsgraph {
    HostScene *scene;
    /* evaluated copies, freed and recreated on each evaluation */
    HostObject **eval;
    int neval;
    int updates;
    /* the worker pool, started at the first evaluation and kept, as
     * Blender's task scheduler keeps its threads */
    sched_thread *workers[HOST_DEPSGRAPH_MAX_WORKERS];
    int nworkers;
    sched_mutex pool_mutex;
    sched_cond work_cond, done_cond;
    HostEvalTask tasks[HOST_DEPSGRAPH_MAX_WORKERS];
    int generation; /* bumped for every step of an evaluation */
    double ctime;   /* the frame being evaluated (drivers' "frame") */
    int pending;    /* workers still evaluating */
    int quit;
} HostDepsgraph;

typedef struct HostGlobals {
    int is_rendering;
    int is_break;
    int is_interface_locked;
} HostGlobals;

struct Host {
    HostMain main;
    HostScene *scene; /* context scene */
    HostContext ctx;
    HostGlobals G;
    host_switches sw;
    host_callbacks cb;
    HostDepsgraph depsgraph;
    HostRegion regions[HOST_NREGIONS];

    HostJob *jobs; /* touched on main only */
    HostTimer *timers; /* unlocked unless sw.timers_lock */
    sched_mutex timers_mutex;
    HostModal *modals;
    HostEventTimer *event_timers;
    HostDrawHandler *draw_handlers;
    /* run_on_main queue: properly locked (the recommended path) */
    HostQueued *queue;
    HostQueued **queue_tail;
    sched_mutex queue_mutex;

    /* handler list lengths mirrored from the scripting layer; read before
     * the GIL is taken */
    int handler_count[HOST_CB_COUNT];

    /* custom properties of the window manager (wm["key"], properties
     * defined on bpy.types.WindowManager) */
    HostProps wm_props;
    /* what the status bar and headers show: progress, status text, header
     * text (written by wm.progress_update, status_text_set, ...) */
    HostProps wm_ui;
    /* set once by the scripting layer: add-on UI classes are registered
     * (the sidebar region is drawn), a redraw was tagged, the status bar
     * shows wm_ui. Until then the draw reads none of it, so scripts that
     * use none of it interleave as before. Relaxed atomics. */
    int ui_classes;
    /* the user of an add-on run (hostrace addon --invoke/--explore-ui) has
     * actions left: the loop calls cb.user_input each frame, and is not
     * quiescent. Main thread only. */
    int user_pending;
    int redraw_tagged;
    int wm_ui_used;

    sched_rwlock rr_lock; /* render result */
    HostImage *render_result;

    /* render engines registered by add-ons (RE_engines: written on main,
     * read unlocked by whoever renders), the 3D view's shading is
     * RENDERED (main only), and the view's engine while it draws */
    char engines[16][32];
    int nengines;
    int view_rendered;
    HostRenderEngine *view_engine;

    double time;     /* wm clock in seconds; advanced per frame */
    double frame_dt; /* seconds per wm frame */
    int frame_sleep_us; /* real time slept per frame so threads run */
    long frames_done;
    int shutting_down;
    /* threads inside a long host call with the GIL released; relaxed
     * atomics, so counting them orders nothing */
    int busy_outside;
    int depsgraph_workers;
    /* Blender's python_driver_lock (fcurve_driver.cc): one Python driver
     * expression at a time, on whichever worker evaluates it */
    sched_mutex python_driver_lock;
};

/* ---- drivers (anim.c) ----------------------------------------------------
 * FCurve drivers on an object's location/rotation_euler/scale channels.
 * Each evaluation of the depsgraph evaluates them on the pool's workers
 * once the evaluated copies exist: variables read the targets' evaluated
 * copies (the original when the target is not in the scene), a simple
 * expression is computed in C, any other expression runs as Python
 * (cb.driver_exec) under one process-wide python_driver_lock, and the
 * result goes into the evaluated copy and, as for Blender's active
 * depsgraph, back into the original object. */
typedef enum host_driver_type {
    HOST_DRIVER_AVERAGE = 0,
    HOST_DRIVER_SUM,
    HOST_DRIVER_SCRIPTED,
    HOST_DRIVER_MIN,
    HOST_DRIVER_MAX,
} host_driver_type;

typedef enum host_dvar_type { HOST_DVAR_SINGLE_PROP = 0, HOST_DVAR_TRANSFORMS } host_dvar_type;

/* What a variable reads: a vector channel (index 0-2; 3 = the mean, for
 * SCALE_AVG), a numeric custom property of the ID, or the scene's frame. */
typedef enum host_channel {
    HOST_CH_NONE = 0, /* invalid target: the value is 0 */
    HOST_CH_LOC,
    HOST_CH_ROT,
    HOST_CH_SCALE,
    HOST_CH_IDPROP,
    HOST_CH_FRAME,
} host_channel;

#define HOST_DRIVER_MAX_VARS 32
#define HOST_SIMPLE_MAX_OPS 128

typedef struct HostDriverVar {
    char name[64];
    host_dvar_type type;
    HostID *target; /* an object or a scene; NULL: no target */
    host_channel channel;
    int index;
    char prop[HOST_PROP_MAX_NAME];
    double curval;
} HostDriverVar;

/* A compiled simple expression (Blender's BLI_expr_pylike): postfix
 * operations over doubles. */
typedef struct HostSimpleOp {
    int op;
    double arg;
} HostSimpleOp;

struct HostDriver {
    HostDriver *next;
    HostObject *owner;
    int channel; /* HOST_VEC_LOC/ROT/SCALE */
    int index;   /* 0-2 */
    host_driver_type type;
    char expression[256];
    int use_self;
    int invalid; /* the expression failed: evaluates to 0 until changed */
    HostSimpleOp simple[HOST_SIMPLE_MAX_OPS];
    int nsimple; /* 0: not a simple expression (Python) */
    HostDriverVar vars[HOST_DRIVER_MAX_VARS];
    int nvars;
    double curval;
};

enum {
    HOST_SOP_CONST = 0, /* arg: the value */
    HOST_SOP_VAR,       /* arg: 0 = frame, k = variable k-1 */
    HOST_SOP_NEG,
    HOST_SOP_NOT,
    HOST_SOP_BIN, /* arg: one of HOST_SBIN_* */
    HOST_SOP_FN1, /* arg: one of HOST_SFN_* */
    HOST_SOP_FN2,
    HOST_SOP_FN3,
    HOST_SOP_MIN, /* arg: argument count */
    HOST_SOP_MAX,
    HOST_SOP_IFELSE, /* pops else, test, then */
    HOST_SOP_AND,
    HOST_SOP_OR,
    HOST_SOP_COUNT,
};
enum {
    HOST_SBIN_ADD = 0, HOST_SBIN_SUB, HOST_SBIN_MUL, HOST_SBIN_DIV, HOST_SBIN_POW,
    HOST_SBIN_EQ, HOST_SBIN_NE, HOST_SBIN_LT, HOST_SBIN_LE, HOST_SBIN_GT, HOST_SBIN_GE,
    HOST_SBIN_COUNT,
};
/* one-argument functions, then two, then three; the names are bpy's table */
enum {
    HOST_SFN_RADIANS = 0, HOST_SFN_DEGREES, HOST_SFN_ABS, HOST_SFN_FLOOR, HOST_SFN_CEIL,
    HOST_SFN_TRUNC, HOST_SFN_ROUND, HOST_SFN_SIN, HOST_SFN_COS, HOST_SFN_TAN, HOST_SFN_ASIN,
    HOST_SFN_ACOS, HOST_SFN_ATAN, HOST_SFN_EXP, HOST_SFN_LOG, HOST_SFN_SQRT, HOST_SFN_CLAMP,
    HOST_SFN_ATAN2, HOST_SFN_LOG2, HOST_SFN_POW, HOST_SFN_FMOD,
    HOST_SFN_LERP, HOST_SFN_CLAMP3, HOST_SFN_SMOOTHSTEP,
    HOST_SFN_COUNT,
};

/* The driver of ob's channel/index; create makes it (a SCRIPTED driver
 * with an empty expression, as driver_add does). */
HostDriver *host_driver_find(Host *h, HostObject *ob, int channel, int index, int create);
/* Removes it; 0 when there was none. */
int host_driver_remove(Host *h, HostObject *ob, int channel, int index);
/* The n-th driver of ob, or NULL. */
HostDriver *host_driver_at(Host *h, HostObject *ob, int n);
/* Setters: each writes the driver's field as Blender's RNA does (unlocked,
 * read by the workers). Changing the expression or the variables clears
 * invalid. set_simple with n == 0 makes the expression run as Python. */
void host_driver_set_type(Host *h, HostDriver *d, host_driver_type t);
void host_driver_set_expression(Host *h, HostDriver *d, const char *expr,
                                const HostSimpleOp *simple, int n);
void host_driver_set_use_self(Host *h, HostDriver *d, int use_self);
/* Adds a variable named uniquely from "var"; its index, or -1 when full. */
int host_driver_var_add(Host *h, HostDriver *d);
int host_driver_var_remove(Host *h, HostDriver *d, int i);
void host_driver_var_set(Host *h, HostDriver *d, int i, const HostDriverVar *v);
/* Evaluates the drivers of the evaluated copies eval[begin..end) (their
 * originals orig[]): the depsgraph's second and third steps. */
void host_drivers_compute(Host *h, HostObject **orig, HostObject **eval, int n, int begin,
                          int end);
void host_drivers_apply(Host *h, HostObject **orig, HostObject **eval, int begin, int end);
/* The render's depsgraph: evaluates the drivers of orig[0..n) on the
 * calling thread (the render thread) into their copies eval[] (NULL: the
 * values are computed and dropped, as by an engine that reads originals),
 * with "frame" ctime. Nothing is written back to the originals: that
 * depsgraph is not the active one. */
void host_drivers_evaluate_render(Host *h, HostObject **orig, HostObject **eval, int n,
                                  double ctime);
/* Does any object of orig[0..n) have a driver? */
int host_drivers_any(Host *h, HostObject **orig, int n);
/* Frees an object's drivers (the ID is being freed). */
void host_drivers_free(Host *h, HostObject *ob);

/* Creates a host with Blender's startup scene: "Scene", a "Cube" mesh
 * object, "Camera" and "Light" empties, the "Collection" collection and a
 * "Material". */
Host *host_new(const host_switches *sw, const host_callbacks *cb);
/* Frees everything. Call only when no other thread is inside the host. */
void host_free(Host *h);

/* ---- Main / IDs ---- */
HostID *host_id_new(Host *h, host_id_type t, const char *name);
/* Unlinks, invalidates the wrapper and frees the ID. */
void host_id_remove(Host *h, HostID *id);
/* Renames and re-sorts; a taken name gets a ".001" style suffix. */
void host_id_rename(Host *h, HostID *id, const char *name);
/* Looks up through the lazily rebuilt name map. */
HostID *host_id_find(Host *h, host_id_type t, const char *name);
int host_id_count(Host *h, host_id_type t);
/* i-th ID of the list (walks the list unlocked); NULL past the end. */
HostID *host_id_at(Host *h, host_id_type t, int i);
/* Integrity check of Main: lists, order, name map, users. Returns the
 * number of problems and writes the first into msg. */
int host_main_check(Host *h, char *msg, size_t len);

/* ---- objects ---- */
void host_object_set_vec(Host *h, HostObject *ob, int which, const float v[3]);
void host_object_get_vec(Host *h, HostObject *ob, int which, float v[3]);
void host_object_set_axis(Host *h, HostObject *ob, int which, int axis, float v);
float host_object_get_axis(Host *h, HostObject *ob, int which, int axis);
enum { HOST_VEC_LOC = 0, HOST_VEC_ROT, HOST_VEC_SCALE };
void host_object_set_data(Host *h, HostObject *ob, HostID *data);
void host_object_set_hide(Host *h, HostObject *ob, int hide);

/* ---- meshes ---- */
void host_mesh_add_verts(Host *h, HostMesh *me, int n);
float *host_mesh_vert_co(Host *h, HostMesh *me, int i); /* raw pointer */
void host_mesh_update(Host *h, HostMesh *me);           /* recompute caches */
void host_mesh_set_edit_mode(Host *h, HostMesh *me, int on); /* rebuilds arrays */
void host_mesh_make_cube(Host *h, HostMesh *me);

/* ---- images ---- */
void host_image_alloc(Host *h, HostImage *im, int w, int h_, const float rgba[4]);
void host_image_scale(Host *h, HostImage *im, int w, int h_);
/* Image.filepath / filepath_raw: in place, as Blender's char array */
void host_image_set_filepath(Host *h, HostImage *im, const char *path);
void host_image_get_filepath(Host *h, HostImage *im, char *out, size_t len);
/* Image.pack(): a copy of the pixels becomes the packed data (the old one
 * is freed); unpack() frees it (0 when not packed); the packed size or -1 */
int host_image_pack(Host *h, HostImage *im);
int host_image_unpack(Host *h, HostImage *im);
long host_image_packed_size(Host *h, HostImage *im);
/* Image.reload(): the pixel buffer is freed and a new one allocated (the
 * caller fills it from the file) */
void host_image_reload(Host *h, HostImage *im);

/* ---- texts ---- */
/* Replaces (append 0) or extends the body with s. -1 when out of memory. */
int host_text_write(Host *h, HostText *t, const char *s, size_t n, int append);
/* A copy of the body (malloc'd, NUL-terminated; *n its length), or NULL. */
char *host_text_read(Host *h, HostText *t, size_t *n);

/* ---- collections ---- */
int host_collection_link(Host *h, HostCollection *c, HostObject *ob); /* 0, or -1 if linked */
int host_collection_unlink(Host *h, HostCollection *c, HostObject *ob);
int host_collection_has(Host *h, HostCollection *c, HostObject *ob);
/* The lazily rebuilt all_objects cache (rebuilt by the caller if stale). */
HostObject **host_collection_all_objects(Host *h, HostCollection *c, int *n);
void host_collection_set_hide(Host *h, HostCollection *c, int hide);
int host_collection_link_child(Host *h, HostCollection *parent, HostCollection *child);

/* ---- scene ---- */
/* frame_set: frame_change_pre, set, depsgraph evaluation, frame_change_post,
 * on the calling thread. */
void host_scene_frame_set(Host *h, HostScene *sce, int frame);

/* ---- depsgraph ---- */
/* Evaluates every object of the scene on a worker pool; frees and
 * recreates the evaluated copies. */
void host_depsgraph_evaluate(Host *h);
/* Stops and joins the worker pool (host_free does it too). */
void host_depsgraph_stop_workers(Host *h);

/* ---- properties (props.c) ---- */
HostProps *host_props_new(void);
void host_props_free(Host *h, HostProps *g);
/* Removes every property of g (an ID being freed, unregister). */
void host_props_clear(Host *h, HostProps *g);
HostProp *host_prop_find(Host *h, HostProps *g, const char *name);
/* Finds name, or appends it; an existing property of another kind is
 * cleared and retyped. NULL when out of memory. */
HostProp *host_prop_ensure(Host *h, HostProps *g, const char *name, host_prop_kind kind);
/* Unlinks and frees name (and everything below it); 1 when it existed. */
int host_prop_remove(Host *h, HostProps *g, const char *name);
void host_prop_set_num(Host *h, HostProp *p, char numtype, const double *v, int n);
int host_prop_get_num(Host *h, HostProp *p, char *numtype, double *v); /* count */
/* Replaces the string: the old buffer is freed. */
void host_prop_set_str(Host *h, HostProp *p, const char *s, size_t len);
const char *host_prop_get_str(Host *h, HostProp *p, size_t *len);
/* Returns the previous value (the caller drops it). */
void *host_prop_set_obj(Host *h, HostProp *p, void *obj);
void *host_prop_get_obj(Host *h, HostProp *p);
/* The nested group of a HOST_PROP_GROUP property (created on first use). */
HostProps *host_prop_group(Host *h, HostProp *p);
int host_prop_coll_len(Host *h, HostProp *p);
HostProps *host_prop_coll_at(Host *h, HostProp *p, int i);
/* Appends an item; the item array may move. */
HostProps *host_prop_coll_add(Host *h, HostProp *p);
int host_prop_coll_remove(Host *h, HostProp *p, int i); /* frees the item */
int host_prop_coll_move(Host *h, HostProp *p, int from, int to);
void host_prop_coll_clear(Host *h, HostProp *p);
/* The UI's read of the value of name in g (from C, no GIL). */
void host_prop_draw(Host *h, HostProps *g, const char *name);

/* ---- add-on UI (wm.c) ---- */
/* Records a property shown in region r during its Python draw. */
void host_ui_button(Host *h, HostRegion *r, HostProps *props, const char *name);
/* tag_redraw of a region, from any thread. */
void host_region_tag_redraw(Host *h, HostRegion *r);
/* The region of space/type ("VIEW_3D", "UI"), or NULL. */
HostRegion *host_region_find(Host *h, const char *space, const char *type);

/* ---- render ---- */
typedef enum host_op_result {
    HOST_OP_FINISHED = 0,
    HOST_OP_CANCELLED,
    HOST_OP_RUNNING_MODAL,
} host_op_result;

/* bpy.ops.render.render: invoke starts the render job (or blocks with
 * render=exec); exec blocks on the calling thread. */
host_op_result host_render(Host *h, int invoke, int animation, int write_still);
/* True while a job of that type is registered (WM_jobs_test). */
int host_jobs_test(Host *h, const char *type);
void host_jobs_kill_all(Host *h);

/* ---- render engines (render.c) ----
 * A render engine an add-on wrote in Python (bpy.types.RenderEngine): the
 * render pipeline calls it instead of the built-in shader when the scene's
 * engine is one of them, on the render thread, taking the GIL per step; the
 * 3D view calls it on main while its shading is RENDERED. */
enum {
    HOST_ENGINE_CREATE = 0, /* the Python instance (py_instance) */
    HOST_ENGINE_UPDATE,     /* update(data, depsgraph) */
    HOST_ENGINE_RENDER,     /* render(depsgraph) */
    HOST_ENGINE_FRAME_FINISH, /* render_frame_finish() */
    HOST_ENGINE_VIEW_UPDATE,  /* view_update(context, depsgraph) */
    HOST_ENGINE_VIEW_DRAW,    /* view_draw(context, depsgraph) */
    HOST_ENGINE_FREE,         /* drops py_instance */
};

struct HostRenderEngine {
    Host *h;
    HostJob *job;     /* NULL for a blocking render and for the view */
    HostScene *scene; /* the original scene */
    char idname[32];
    int is_view, is_animation, frame;
    int resolution_x, resolution_y; /* the render size, read at the start */
    void *py_instance;
    /* the render's own depsgraph: evaluated copies made on the render
     * thread for this frame, freed after it (not the view's depsgraph) */
    HostScene *scene_eval;
    HostCollection *coll_eval;
    HostObject **orig, **eval;
    int neval;
};

/* RE_engines_register: 0, or -1 when the table is full. Main thread. */
int host_engine_register(Host *h, const char *idname);
void host_engine_unregister(Host *h, const char *idname);
/* 2 for an add-on's engine, 1 for a built-in one, 0 for an unknown id. */
int host_engine_known(Host *h, const char *idname);
/* scene.render.engine: -1 (nothing written) for an unknown id. */
int host_scene_set_engine(Host *h, HostScene *sce, const char *idname);
void host_scene_get_engine(Host *h, HostScene *sce, char *out, size_t len);
/* RenderEngine.test_break: the job's stop flag or G.is_break. */
int host_engine_test_break(HostRenderEngine *re);
/* RenderEngine.update_progress: the job's plain progress field. */
void host_engine_update_progress(HostRenderEngine *re, float value);
/* update_result/end_result: w*h RGBA floats placed at (x, y) of the
 * render result, clipped, under the render-result write lock. */
void host_engine_merge_result(HostRenderEngine *re, int x, int y, int w, int h_,
                              const float *rgba);
/* The 3D view's shading is RENDERED (1) or not; main thread. */
void host_view_set_rendered(Host *h, int on);

/* ---- wm ---- */
void host_timer_register(Host *h, void *fn, double first_interval);
/* Returns 1 if fn was registered and is now removed. */
int host_timer_unregister(Host *h, void *fn);
int host_timer_is_registered(Host *h, void *fn);
void host_modal_add(Host *h, void *op);
HostEventTimer *host_event_timer_add(Host *h, double step);
void host_event_timer_remove(Host *h, HostEventTimer *t);
HostDrawHandler *host_draw_handler_add(Host *h, void *handler);
int host_draw_handler_remove(Host *h, HostDrawHandler *dh);
/* Queues item for host_callbacks.call_queued on main (thread-safe). */
void host_queue_on_main(Host *h, void *item);

/* Entering/leaving the host for a long call with the GIL released, so that
 * shutdown can wait for such threads to leave. */
void host_busy_enter(Host *h);
void host_busy_leave(Host *h);

/* Runs one wm frame on main: queued calls, job notifications, timers,
 * modal TIMER events, depsgraph update, draw. */
void host_wm_frame(Host *h);
/* Runs up to n frames, fewer when the host becomes quiescent; returns how
 * many ran. */
int host_wm_run(Host *h, int frames);
/* True, under the scheduler, when no script code can run again: no script
 * thread is alive (or starting), and no job, timer, modal operator, event
 * timer, draw handler, queued call or app handler is registered. The
 * frames after that would only run the host against itself, which the
 * model keeps correct, so they cannot find anything in the script. */
int host_quiescent(Host *h);
/* Starts shutdown: sets is_break and stops jobs, drops timers and modal
 * operators (calling cancel). Returns 0 once no thread is inside the host,
 * -1 if some still are after timeout_ms. */
int host_shutdown(Host *h, int timeout_ms);

/* Context bookkeeping for operator calls (bpy.ops): touches the global
 * context as Blender's pyop_call does. */
void host_ctx_op_enter(Host *h);
void host_ctx_op_exit(Host *h);
HostScene *host_ctx_scene(Host *h);
HostObject *host_ctx_active_object(Host *h);
void host_ctx_set_active_object(Host *h, HostObject *ob);

/* What a host thread was doing at access a ("viewport draw", "render job",
 * "timer walk"): the report's activity namer (report_set_activity_namer). */
struct report_access;
void host_activity_of(const struct report_access *a, char *out, size_t len);

#endif
