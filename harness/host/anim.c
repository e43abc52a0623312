/* Drivers: FCurve drivers on object channels, evaluated by the depsgraph's
 * pool workers as Blender's animation system evaluates them.
 *
 * A driver's fields are written by bpy (any thread a script runs on) and
 * read by the workers without a lock, as Blender's ChannelDriver is. The
 * evaluation has two steps after the copies are made: every worker
 * computes the drivers of its slice (a simple expression in C, any other
 * through cb.driver_exec, one at a time under python_driver_lock, which
 * takes the GIL), then every worker writes the values into the evaluated
 * copies and back into the originals (the active depsgraph's
 * animsys_write_orig_anim_rna). Between the steps the pool meets, so a
 * variable reads its target's copy while no worker writes it: Blender
 * orders a driver after its targets by the graph's relations; a driver
 * reading another driven value here sees the previous evaluation's. */
#include "host_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static float *channel_of(HostObject *ob, int channel)
{
    return channel == HOST_VEC_ROT ? ob->rot : channel == HOST_VEC_SCALE ? ob->scale : ob->loc;
}

HostDriver *host_driver_find(Host *h, HostObject *ob, int channel, int index, int create)
{
    SCHED_READ("anim.drivers", &ob->drivers);
    HostDriver **pp = &ob->drivers;
    for (; *pp; pp = &(*pp)->next)
        if ((*pp)->channel == channel && (*pp)->index == index)
            return *pp;
    if (!create)
        return NULL;
    HostDriver *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->owner = ob;
    d->channel = channel;
    d->index = index;
    d->type = HOST_DRIVER_SCRIPTED;
    /* appended, as the FCurve is to animation_data.drivers */
    SCHED_WRITE("anim.drivers", pp);
    *pp = d;
    (void)h;
    return d;
}

static void driver_free(Host *h, HostDriver *d)
{
    (void)h;
    host_mem_free(d);
}

int host_driver_remove(Host *h, HostObject *ob, int channel, int index)
{
    SCHED_WRITE("anim.drivers", &ob->drivers);
    for (HostDriver **pp = &ob->drivers; *pp; pp = &(*pp)->next) {
        HostDriver *d = *pp;
        if (d->channel == channel && d->index == index) {
            *pp = d->next;
            driver_free(h, d);
            return 1;
        }
    }
    return 0;
}

HostDriver *host_driver_at(Host *h, HostObject *ob, int n)
{
    (void)h;
    SCHED_READ("anim.drivers", &ob->drivers);
    HostDriver *d = ob->drivers;
    while (d && n-- > 0)
        d = d->next;
    return d;
}

void host_drivers_free(Host *h, HostObject *ob)
{
    while (ob->drivers) {
        HostDriver *d = ob->drivers;
        ob->drivers = d->next;
        driver_free(h, d);
    }
}

void host_drivers_drop_target(Host *h, HostID *id)
{
    for (HostID *it = h->main.lists[HOST_ID_OB].first; it; it = it->next)
        for (HostDriver *d = ((HostObject *)it)->drivers; d; d = d->next)
            for (int i = 0; i < d->nvars; i++)
                if (d->vars[i].target == id) {
                    SCHED_WRITE("anim.driver.variables", &d->vars[i].target);
                    d->vars[i].target = NULL;
                }
}

void host_driver_set_type(Host *h, HostDriver *d, host_driver_type t)
{
    (void)h;
    SCHED_WRITE("anim.driver.type", &d->type);
    d->type = t;
    d->invalid = 0;
}

void host_driver_set_expression(Host *h, HostDriver *d, const char *expr,
                                const HostSimpleOp *simple, int n)
{
    (void)h;
    if (n < 0 || n > HOST_SIMPLE_MAX_OPS)
        n = 0;
    SCHED_ACCESS("anim.driver.expression", d->expression, sizeof(d->expression), 1);
    snprintf(d->expression, sizeof(d->expression), "%s", expr);
    SCHED_WRITE("anim.driver.simple", &d->nsimple);
    if (n)
        memcpy(d->simple, simple, (size_t)n * sizeof(*simple));
    d->nsimple = n;
    d->invalid = 0;
}

void host_driver_set_use_self(Host *h, HostDriver *d, int use_self)
{
    (void)h;
    SCHED_WRITE("anim.driver.use_self", &d->use_self);
    d->use_self = use_self;
}

int host_driver_var_add(Host *h, HostDriver *d)
{
    (void)h;
    SCHED_WRITE("anim.driver.variables", &d->nvars);
    if (d->nvars >= HOST_DRIVER_MAX_VARS)
        return -1;
    HostDriverVar *v = &d->vars[d->nvars];
    memset(v, 0, sizeof(*v));
    /* "var", then "var_001", ... (BLI_uniquename with '_') */
    for (int k = 0;; k++) {
        if (k == 0)
            snprintf(v->name, sizeof(v->name), "var");
        else
            snprintf(v->name, sizeof(v->name), "var_%03d", k);
        int taken = 0;
        for (int i = 0; i < d->nvars && !taken; i++)
            taken = strcmp(d->vars[i].name, v->name) == 0;
        if (!taken)
            break;
    }
    v->type = HOST_DVAR_SINGLE_PROP;
    d->invalid = 0;
    return d->nvars++;
}

int host_driver_var_remove(Host *h, HostDriver *d, int i)
{
    (void)h;
    SCHED_WRITE("anim.driver.variables", &d->nvars);
    if (i < 0 || i >= d->nvars)
        return 0;
    SCHED_ACCESS("anim.driver.variables", &d->vars[i], sizeof(d->vars[0]) * (size_t)(d->nvars - i),
                 1);
    memmove(&d->vars[i], &d->vars[i + 1], (size_t)(d->nvars - i - 1) * sizeof(d->vars[0]));
    d->nvars--;
    d->invalid = 0;
    return 1;
}

void host_driver_var_set(Host *h, HostDriver *d, int i, const HostDriverVar *v)
{
    (void)h;
    if (i < 0 || i >= d->nvars)
        return;
    SCHED_ACCESS("anim.driver.variables", &d->vars[i], sizeof(d->vars[i]), 1);
    double keep = d->vars[i].curval;
    d->vars[i] = *v;
    d->vars[i].curval = keep;
    d->invalid = 0;
}

/* ---- evaluation ------------------------------------------------------------ */

/* The copy of target among the evaluated objects, or the original itself
 * when it is not in the scene. */
static HostObject *eval_of(HostObject *target, HostObject **orig, HostObject **eval, int n)
{
    for (int i = 0; eval && i < n; i++)
        if (orig[i] == target)
            return eval[i] ? eval[i] : target;
    return target;
}

static double var_value(Host *h, HostDriverVar *v, HostObject **orig, HostObject **eval, int n)
{
    HostID *id = v->target;
    if (!id || v->channel == HOST_CH_NONE)
        return 0.0;
    if (v->channel == HOST_CH_FRAME) {
        if (id->type != HOST_ID_SCE)
            return 0.0;
        HostScene *sce = (HostScene *)id;
        SCHED_READ("depsgraph.driver.read_frame", &sce->frame_current);
        return sce->frame_current;
    }
    if (v->channel == HOST_CH_IDPROP) {
        HostProp *p = host_prop_find(h, &id->props, v->prop);
        if (!p || p->kind != HOST_PROP_NUM)
            return 0.0;
        char t;
        double num[HOST_PROP_MAX_ARRAY];
        return host_prop_get_num(h, p, &t, num) > 0 ? num[0] : 0.0;
    }
    if (id->type != HOST_ID_OB)
        return 0.0;
    HostObject *ob = (HostObject *)id;
    HostObject *src = eval_of(ob, orig, eval, n);
    int ch = v->channel == HOST_CH_ROT ? HOST_VEC_ROT
             : v->channel == HOST_CH_SCALE ? HOST_VEC_SCALE : HOST_VEC_LOC;
    const float *vec = channel_of(src, ch);
    if (src == ob) /* an original: another thread may write it */
        SCHED_ACCESS("depsgraph.driver.read_target", vec, 3 * sizeof(float), 0);
    if (v->index == 3)
        return (vec[0] + vec[1] + vec[2]) / 3.0;
    return vec[v->index < 0 || v->index > 2 ? 0 : v->index];
}

static double fn1(int f, double a)
{
    switch (f) {
    case HOST_SFN_RADIANS: return a * M_PI / 180.0;
    case HOST_SFN_DEGREES: return a * 180.0 / M_PI;
    case HOST_SFN_ABS: return fabs(a);
    case HOST_SFN_FLOOR: return floor(a);
    case HOST_SFN_CEIL: return ceil(a);
    case HOST_SFN_TRUNC: return trunc(a);
    case HOST_SFN_ROUND: return round(a);
    case HOST_SFN_SIN: return sin(a);
    case HOST_SFN_COS: return cos(a);
    case HOST_SFN_TAN: return tan(a);
    case HOST_SFN_ASIN: return asin(a);
    case HOST_SFN_ACOS: return acos(a);
    case HOST_SFN_ATAN: return atan(a);
    case HOST_SFN_EXP: return exp(a);
    case HOST_SFN_LOG: return log(a);
    case HOST_SFN_SQRT: return sqrt(a);
    case HOST_SFN_CLAMP: return a < 0.0 ? 0.0 : a > 1.0 ? 1.0 : a;
    default: return NAN;
    }
}

static double fn2(int f, double a, double b)
{
    switch (f) {
    case HOST_SFN_ATAN2: return atan2(a, b);
    case HOST_SFN_LOG2: return log(a) / log(b);
    case HOST_SFN_POW: return pow(a, b);
    case HOST_SFN_FMOD: return fmod(a, b);
    default: return NAN;
    }
}

static double fn3(int f, double a, double b, double c)
{
    switch (f) {
    case HOST_SFN_LERP: return a * (1.0 - c) + b * c;
    case HOST_SFN_CLAMP3: return a < b ? b : a > c ? c : a;
    case HOST_SFN_SMOOTHSTEP: {
        if (a >= b)
            return NAN;
        double t = (c - a) / (b - a);
        t = t < 0.0 ? 0.0 : t > 1.0 ? 1.0 : t;
        return t * t * (3.0 - 2.0 * t);
    }
    default: return NAN;
    }
}

static double bin(int op, double a, double b, int *div0)
{
    switch (op) {
    case HOST_SBIN_ADD: return a + b;
    case HOST_SBIN_SUB: return a - b;
    case HOST_SBIN_MUL: return a * b;
    case HOST_SBIN_DIV:
        if (b == 0.0)
            *div0 = 1;
        return b == 0.0 ? 0.0 : a / b;
    case HOST_SBIN_POW: return pow(a, b);
    case HOST_SBIN_EQ: return a == b;
    case HOST_SBIN_NE: return a != b;
    case HOST_SBIN_LT: return a < b;
    case HOST_SBIN_LE: return a <= b;
    case HOST_SBIN_GT: return a > b;
    case HOST_SBIN_GE: return a >= b;
    default: return NAN;
    }
}

/* Blender's simple-expression evaluator: no Python, no GIL. Returns 0 and
 * the value, or -1 for a division by zero or a math domain error (the
 * driver becomes invalid, as Blender logs and flags it). */
static int simple_eval(const HostSimpleOp *ops, int n, const double *vals, int nvals, double *out)
{
    double st[HOST_SIMPLE_MAX_OPS];
    int sp = 0, div0 = 0;
    for (int i = 0; i < n; i++) {
        int a = (int)ops[i].arg;
        switch (ops[i].op) {
        case HOST_SOP_CONST:
            st[sp++] = ops[i].arg;
            break;
        case HOST_SOP_VAR:
            st[sp++] = a >= 0 && a < nvals ? vals[a] : 0.0;
            break;
        case HOST_SOP_NEG:
            if (sp < 1) return -1;
            st[sp - 1] = -st[sp - 1];
            break;
        case HOST_SOP_NOT:
            if (sp < 1) return -1;
            st[sp - 1] = st[sp - 1] == 0.0;
            break;
        case HOST_SOP_BIN:
            if (sp < 2) return -1;
            st[sp - 2] = bin(a, st[sp - 2], st[sp - 1], &div0);
            sp--;
            break;
        case HOST_SOP_FN1:
            if (sp < 1) return -1;
            st[sp - 1] = fn1(a, st[sp - 1]);
            break;
        case HOST_SOP_FN2:
            if (sp < 2) return -1;
            st[sp - 2] = fn2(a, st[sp - 2], st[sp - 1]);
            sp--;
            break;
        case HOST_SOP_FN3:
            if (sp < 3) return -1;
            st[sp - 3] = fn3(a, st[sp - 3], st[sp - 2], st[sp - 1]);
            sp -= 2;
            break;
        case HOST_SOP_MIN:
        case HOST_SOP_MAX: {
            if (a < 1 || sp < a) return -1;
            double r = st[sp - a];
            for (int k = sp - a + 1; k < sp; k++)
                r = ops[i].op == HOST_SOP_MIN ? fmin(r, st[k]) : fmax(r, st[k]);
            sp -= a;
            st[sp++] = r;
            break;
        }
        case HOST_SOP_IFELSE:
            if (sp < 3) return -1;
            st[sp - 3] = st[sp - 2] != 0.0 ? st[sp - 3] : st[sp - 1];
            sp -= 2;
            break;
        case HOST_SOP_AND:
            if (sp < 2) return -1;
            st[sp - 2] = st[sp - 2] != 0.0 ? st[sp - 1] : st[sp - 2];
            sp--;
            break;
        case HOST_SOP_OR:
            if (sp < 2) return -1;
            st[sp - 2] = st[sp - 2] != 0.0 ? st[sp - 2] : st[sp - 1];
            sp--;
            break;
        default:
            return -1;
        }
        if (div0)
            return -1;
    }
    if (sp != 1 || !isfinite(st[0]))
        return -1;
    *out = st[0];
    return 0;
}

/* The value of driver d (0 when it cannot be evaluated). active: the
 * view's depsgraph, which records the values in the driver (curval, as
 * Blender's copy-on-evaluation driver does); the render's depsgraph has
 * copies of its own and leaves them alone. */
static double driver_compute(Host *h, HostDriver *d, HostObject **orig, HostObject **eval, int n,
                             double ctime, int active)
{
    SCHED_READ("anim.driver.type", &d->type);
    host_driver_type type = d->type;
    SCHED_READ("anim.driver.variables", &d->nvars);
    int nvars = d->nvars;
    double vals[HOST_DRIVER_MAX_VARS + 1];
    vals[0] = ctime;
    if (nvars)
        SCHED_ACCESS("anim.driver.variables", d->vars, sizeof(d->vars[0]) * (size_t)nvars, 0);
    for (int i = 0; i < nvars; i++) {
        vals[i + 1] = var_value(h, &d->vars[i], orig, eval, n);
        if (active)
            d->vars[i].curval = vals[i + 1];
    }
    double value = 0.0;
    if (type != HOST_DRIVER_SCRIPTED) {
        for (int i = 0; i < nvars; i++) {
            double x = vals[i + 1];
            if (i == 0)
                value = x;
            else if (type == HOST_DRIVER_MIN)
                value = fmin(value, x);
            else if (type == HOST_DRIVER_MAX)
                value = fmax(value, x);
            else
                value += x;
        }
        if (type == HOST_DRIVER_AVERAGE && nvars > 1)
            value /= nvars;
        return value;
    }
    /* the flag of the original driver, written by whichever depsgraph
     * found the expression failing (as BPY_driver_exec flags driver_orig) */
    SCHED_READ("anim.driver.invalid", &d->invalid);
    SCHED_ACCESS("anim.driver.expression", d->expression, sizeof(d->expression), 0);
    if (d->invalid || !d->expression[0])
        return 0.0;
    SCHED_READ("anim.driver.simple", &d->nsimple);
    int rc;
    if (d->nsimple) {
        rc = simple_eval(d->simple, d->nsimple, vals, nvars + 1, &value);
    } else if (h->cb.driver_exec) {
        sched_mutex_lock(&h->python_driver_lock);
        rc = h->cb.driver_exec(h->cb.ud, d, vals, nvars + 1, &value);
        sched_mutex_unlock(&h->python_driver_lock);
    } else {
        return 0.0;
    }
    if (rc != 0) {
        SCHED_WRITE("anim.driver.invalid", &d->invalid);
        d->invalid = 1;
        return 0.0;
    }
    return value;
}

int host_drivers_any(Host *h, HostObject **orig, int n)
{
    (void)h;
    /* noted, not scheduling points: every evaluation makes these reads,
     * and the saved schedules of scripts without drivers still replay */
    for (int i = 0; i < n; i++) {
        SCHED_NOTE("anim.drivers", &orig[i]->drivers, sizeof(orig[i]->drivers), 0);
        if (orig[i]->drivers)
            return 1;
    }
    return 0;
}

void host_drivers_compute(Host *h, HostObject **orig, HostObject **eval, int n, int begin,
                          int end)
{
    for (int i = begin; i < end; i++) {
        if (!eval[i])
            continue;
        SCHED_READ("anim.drivers", &orig[i]->drivers);
        for (HostDriver *d = orig[i]->drivers; d; d = d->next)
            d->curval = driver_compute(h, d, orig, eval, n, h->depsgraph.ctime, 1);
    }
}

void host_drivers_apply(Host *h, HostObject **orig, HostObject **eval, int begin, int end)
{
    (void)h;
    for (int i = begin; i < end; i++) {
        if (!eval[i])
            continue;
        SCHED_READ("anim.drivers", &orig[i]->drivers);
        for (HostDriver *d = orig[i]->drivers; d; d = d->next) {
            float v = (float)d->curval;
            int k = d->index < 0 || d->index > 2 ? 0 : d->index;
            channel_of(eval[i], d->channel)[k] = v;
            /* the active depsgraph writes the value back to the original,
             * where the interface (and a script) reads it */
            float *o = channel_of(orig[i], d->channel);
            SCHED_ACCESS("depsgraph.driver.write_original", &o[k], sizeof(float), 1);
            o[k] = v;
        }
    }
}

void host_drivers_evaluate_render(Host *h, HostObject **orig, HostObject **eval, int n,
                                  double ctime)
{
    /* one thread: no step has to wait for another, and a driver reading a
     * driven channel of an object before it sees this evaluation's value */
    for (int i = 0; i < n; i++) {
        SCHED_NOTE("anim.drivers", &orig[i]->drivers, sizeof(orig[i]->drivers), 0);
        if (!orig[i]->drivers)
            continue;
        for (HostDriver *d = orig[i]->drivers; d; d = d->next) {
            double v = driver_compute(h, d, orig, eval, n, ctime, 0);
            if (eval && eval[i])
                channel_of(eval[i], d->channel)[d->index < 0 || d->index > 2 ? 0 : d->index] =
                    (float)v;
        }
    }
}
