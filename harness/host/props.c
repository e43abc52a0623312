/* Properties: the IDProperty groups Blender keeps on every ID, on the
 * window manager and on add-on preferences. Add-on properties declared
 * with bpy.props live here too, as in Blender (an RNA property an add-on
 * defines on a type is stored in its owner's IDProperty group).
 *
 * Unsafe exactly as Blender's are: a group is a plain linked list that
 * readers walk unlocked, a string value is freed and reallocated on every
 * write, a collection's item array is reallocated by add() and its items
 * freed by remove(), and the UI draws values from C, after the Python
 * draw() returned, with no lock and no GIL. */
#include "host_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

HostProps *host_props_new(void)
{
    return calloc(1, sizeof(HostProps));
}

static void prop_clear_value(Host *h, HostProp *p)
{
    host_mem_free(p->str);
    p->str = NULL;
    if (p->obj && h->cb.drop_value)
        h->cb.drop_value(h->cb.ud, p->obj);
    p->obj = NULL;
    if (p->group) {
        host_props_free(h, p->group);
        p->group = NULL;
    }
    for (int i = 0; i < p->nitems; i++)
        host_props_free(h, p->items[i]);
    host_mem_free(p->items);
    p->items = NULL;
    p->nitems = p->cap = 0;
    p->len = 0;
}

void host_props_clear(Host *h, HostProps *g)
{
    /* most IDs never have a property: freeing them adds no access */
    if (!__atomic_load_n(&g->first, __ATOMIC_RELAXED))
        return;
    SCHED_WRITE("idprop.group", &g->first);
    HostProp *p = g->first;
    g->first = NULL;
    g->count = 0;
    while (p) {
        HostProp *next = p->next;
        prop_clear_value(h, p);
        host_mem_free(p);
        p = next;
    }
}

void host_props_free(Host *h, HostProps *g)
{
    if (!g)
        return;
    host_props_clear(h, g);
    host_mem_free(g);
}

HostProp *host_prop_find(Host *h, HostProps *g, const char *name)
{
    (void)h;
    SCHED_READ("idprop.group", &g->first);
    for (HostProp *p = g->first; p; p = p->next)
        if (strcmp(p->name, name) == 0)
            return p;
    return NULL;
}

HostProp *host_prop_ensure(Host *h, HostProps *g, const char *name, host_prop_kind kind)
{
    HostProp *p = host_prop_find(h, g, name);
    if (p) {
        if (p->kind != kind) {
            SCHED_WRITE("idprop.value", &p->kind);
            prop_clear_value(h, p);
            p->kind = kind;
        }
        return p;
    }
    p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    snprintf(p->name, sizeof(p->name), "%s", name);
    p->kind = kind;
    /* appended at the end, as IDP_AddToGroup does */
    SCHED_WRITE("idprop.group", &g->first);
    HostProp **pp = &g->first;
    while (*pp)
        pp = &(*pp)->next;
    if (pp != &g->first) /* the link readers follow: the last one's next */
        SCHED_WRITE("idprop.group", pp);
    *pp = p;
    g->count++;
    return p;
}

int host_prop_remove(Host *h, HostProps *g, const char *name)
{
    SCHED_WRITE("idprop.group", &g->first);
    for (HostProp **pp = &g->first; *pp; pp = &(*pp)->next) {
        HostProp *p = *pp;
        if (strcmp(p->name, name) == 0) {
            *pp = p->next;
            g->count--;
            prop_clear_value(h, p);
            host_mem_free(p);
            return 1;
        }
    }
    return 0;
}

void host_prop_set_num(Host *h, HostProp *p, char numtype, const double *v, int n)
{
    (void)h;
    if (n > HOST_PROP_MAX_ARRAY)
        n = HOST_PROP_MAX_ARRAY;
    SCHED_ACCESS("idprop.value", p->num, sizeof(p->num), 1);
    p->numtype = numtype;
    p->len = n;
    memcpy(p->num, v, (size_t)n * sizeof(double));
}

int host_prop_get_num(Host *h, HostProp *p, char *numtype, double *v)
{
    (void)h;
    SCHED_ACCESS("idprop.value", p->num, sizeof(p->num), 0);
    *numtype = p->numtype;
    memcpy(v, p->num, (size_t)p->len * sizeof(double));
    return p->len;
}

void host_prop_set_str(Host *h, HostProp *p, const char *s, size_t len)
{
    (void)h;
    char *copy = malloc(len + 1);
    if (!copy)
        return;
    memcpy(copy, s, len);
    copy[len] = '\0';
    /* the new text: named for reports of an unlocked reader of it */
    SCHED_NOTE("idprop.string", copy, len + 1, 1);
    /* IDP_AssignString: the old buffer is freed */
    SCHED_WRITE("idprop.string", &p->str);
    char *old = p->str;
    p->str = copy;
    p->len = (int)len;
    host_mem_free(old);
}

const char *host_prop_get_str(Host *h, HostProp *p, size_t *len)
{
    (void)h;
    SCHED_READ("idprop.string", &p->str);
    *len = p->str ? (size_t)p->len : 0;
    return p->str ? p->str : "";
}

void *host_prop_set_obj(Host *h, HostProp *p, void *obj)
{
    (void)h;
    SCHED_WRITE("idprop.value", &p->obj);
    void *old = p->obj;
    p->obj = obj;
    return old;
}

void *host_prop_get_obj(Host *h, HostProp *p)
{
    (void)h;
    SCHED_READ("idprop.value", &p->obj);
    return p->obj;
}

HostProps *host_prop_group(Host *h, HostProp *p)
{
    (void)h;
    SCHED_READ("idprop.value", &p->group);
    if (p->group)
        return p->group;
    HostProps *g = host_props_new();
    SCHED_WRITE("idprop.value", &p->group);
    p->group = g;
    return g;
}

int host_prop_coll_len(Host *h, HostProp *p)
{
    (void)h;
    SCHED_READ("idprop.collection", &p->nitems);
    return p->nitems;
}

HostProps *host_prop_coll_at(Host *h, HostProp *p, int i)
{
    (void)h;
    SCHED_READ("idprop.collection", &p->nitems);
    if (i < 0 || i >= p->nitems)
        return NULL;
    SCHED_READ("idprop.collection.items", &p->items);
    return p->items[i];
}

HostProps *host_prop_coll_add(Host *h, HostProp *p)
{
    (void)h;
    HostProps *item = host_props_new();
    if (!item)
        return NULL;
    SCHED_WRITE("idprop.collection", &p->nitems);
    if (p->nitems == p->cap) {
        /* the array moves: a reader holding the old one reads freed memory */
        int cap = p->cap ? p->cap * 2 : 4;
        HostProps **items = malloc((size_t)cap * sizeof(*items));
        if (!items) {
            host_mem_free(item);
            return NULL;
        }
        SCHED_WRITE("idprop.collection.items", &p->items);
        if (p->nitems)
            memcpy(items, p->items, (size_t)p->nitems * sizeof(*items));
        host_mem_free(p->items);
        p->items = items;
        p->cap = cap;
    }
    p->items[p->nitems++] = item;
    return item;
}

int host_prop_coll_remove(Host *h, HostProp *p, int i)
{
    SCHED_WRITE("idprop.collection", &p->nitems);
    if (i < 0 || i >= p->nitems)
        return -1;
    SCHED_WRITE("idprop.collection.items", &p->items);
    HostProps *item = p->items[i];
    memmove(p->items + i, p->items + i + 1, (size_t)(p->nitems - i - 1) * sizeof(*p->items));
    p->nitems--;
    host_props_free(h, item);
    return 0;
}

int host_prop_coll_move(Host *h, HostProp *p, int from, int to)
{
    (void)h;
    SCHED_WRITE("idprop.collection", &p->nitems);
    if (from < 0 || from >= p->nitems || to < 0 || to >= p->nitems)
        return -1;
    SCHED_WRITE("idprop.collection.items", &p->items);
    HostProps *item = p->items[from];
    if (from < to)
        memmove(p->items + from, p->items + from + 1, (size_t)(to - from) * sizeof(*p->items));
    else
        memmove(p->items + to + 1, p->items + to, (size_t)(from - to) * sizeof(*p->items));
    p->items[to] = item;
    return 0;
}

void host_prop_coll_clear(Host *h, HostProp *p)
{
    SCHED_WRITE("idprop.collection", &p->nitems);
    SCHED_WRITE("idprop.collection.items", &p->items);
    for (int i = 0; i < p->nitems; i++)
        host_props_free(h, p->items[i]);
    p->nitems = 0;
}

/* The UI's read of a value it draws (ui_but_update): from C, no GIL. A
 * collection drawn as a list reads every item's values. */
static void draw_props(Host *h, HostProps *g, int depth);

static void draw_prop(Host *h, HostProp *p, int depth)
{
    volatile char sink = 0;
    switch (p->kind) {
    case HOST_PROP_NUM:
        SCHED_ACCESS("draw.ui.prop", p->num, sizeof(p->num), 0);
        sink = (char)p->num[0];
        break;
    case HOST_PROP_STR: {
        SCHED_READ("draw.ui.prop", &p->str);
        const char *s = p->str;
        if (s) {
            SCHED_NOTE("draw.ui.prop", s, 1, 0);
            sink = s[0] ^ s[strlen(s) / 2]; /* the text is measured and drawn */
        }
        break;
    }
    case HOST_PROP_OBJ:
        SCHED_READ("draw.ui.prop", &p->obj);
        sink = p->obj != NULL;
        break;
    case HOST_PROP_GROUP:
        SCHED_READ("draw.ui.prop", &p->group);
        if (p->group && depth < 4)
            draw_props(h, p->group, depth + 1);
        break;
    case HOST_PROP_COLL:
        SCHED_READ("draw.ui.list", &p->nitems);
        SCHED_READ("draw.ui.list", &p->items);
        for (int i = 0; i < p->nitems && i < 64 && depth < 4; i++)
            draw_props(h, p->items[i], depth + 1);
        break;
    }
    (void)sink;
}

static void draw_props(Host *h, HostProps *g, int depth)
{
    SCHED_READ("draw.ui.group", &g->first);
    for (HostProp *p = g->first; p; p = p->next) {
        draw_prop(h, p, depth);
        SCHED_READ("draw.ui.group", &p->next);
    }
}

/* The UI finds the property by name, walking the group's links (each one
 * a read a thread's append or remove races with). */
void host_prop_draw(Host *h, HostProps *g, const char *name)
{
    SCHED_READ("draw.ui.group", &g->first);
    for (HostProp *p = g->first; p; p = p->next) {
        if (strcmp(p->name, name) == 0) {
            draw_prop(h, p, 0);
            return;
        }
        SCHED_READ("draw.ui.group", &p->next);
    }
}
