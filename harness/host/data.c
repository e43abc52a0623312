/* Objects, meshes, images, materials, collections and scenes: the
 * per-type data behind an ID, and the operations bpy performs on it. */
#include "host_internal.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Vertex arrays are mappings of their own, unmapped when freed, as a large
 * block of Blender's allocator is: reading one through a stale pointer
 * faults in every build, whatever the heap went through before (glibc
 * would keep a freed block mapped once it raised its thresholds, which
 * depends on everything the process freed earlier). Under ASan they stay
 * on the heap, where ASan names the use after free itself. */
#if defined(__SANITIZE_ADDRESS__)
#define HR_VERTS_ON_HEAP 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HR_VERTS_ON_HEAP 1
#endif
#endif

#define VERTS_HEAD 16 /* the mapping's size, keeping 16-byte alignment */

/* The last vertex mappings freed, for the crash handler: a fault inside
 * one is a use after free, with evidence (host_freed_memory). A ring
 * written by whichever thread frees, read by a crashing one. */
#define FREED_RING 256
#ifndef HR_VERTS_ON_HEAP
static struct {
    _Atomic uintptr_t base, end;
} freed_ring[FREED_RING];
static _Atomic unsigned freed_next;
#endif

static void verts_free(void *p)
{
#ifdef HR_VERTS_ON_HEAP
    host_mem_free(p);
#else
    if (!p)
        return;
    char *base = (char *)p - VERTS_HEAD;
    size_t len = *(size_t *)base;
    unsigned slot = atomic_fetch_add(&freed_next, 1) % FREED_RING;
    atomic_store(&freed_ring[slot].base, 0);
    atomic_store(&freed_ring[slot].end, (uintptr_t)base + len);
    atomic_store(&freed_ring[slot].base, (uintptr_t)base);
    sched_hb_forget(base, len);
    munmap(base, len);
#endif
}

int host_freed_memory(const void *addr)
{
#ifdef HR_VERTS_ON_HEAP
    (void)addr; /* ASan names a use after free on the heap itself */
    return 0;
#else
    uintptr_t a = (uintptr_t)addr;
    for (unsigned i = 0; i < FREED_RING; i++) {
        uintptr_t b = atomic_load(&freed_ring[i].base);
        if (b && a >= b && a < atomic_load(&freed_ring[i].end))
            return 1;
    }
    return 0;
#endif
}

/* n bytes, the first keep of them copied from old (which is freed) */
static void *verts_realloc(void *old, size_t keep, size_t n)
{
#ifdef HR_VERTS_ON_HEAP
    (void)keep;
    return host_mem_realloc(old, n);
#else
    size_t len = n + VERTS_HEAD;
    char *base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED)
        return NULL;
    *(size_t *)base = len;
    if (old && keep)
        memcpy(base + VERTS_HEAD, old, keep < n ? keep : n);
    verts_free(old);
    return base + VERTS_HEAD;
#endif
}

/* ---- lifecycle ------------------------------------------------------- */

void host_id_init_data(Host *h, HostID *id)
{
    (void)h;
    switch (id->type) {
    case HOST_ID_OB: {
        HostObject *ob = (HostObject *)id;
        ob->scale[0] = ob->scale[1] = ob->scale[2] = 1.0f;
        break;
    }
    case HOST_ID_MA: {
        HostMaterial *ma = (HostMaterial *)id;
        ma->diffuse[0] = ma->diffuse[1] = ma->diffuse[2] = 0.8f;
        ma->diffuse[3] = 1.0f;
        break;
    }
    case HOST_ID_SCE: {
        HostScene *sce = (HostScene *)id;
        sce->frame_current = 1;
        sce->frame_start = 1;
        sce->frame_end = 250;
        sce->resolution_x = 1920;
        sce->resolution_y = 1080;
        sce->resolution_percentage = 100;
        snprintf(sce->filepath, sizeof(sce->filepath), "/tmp/");
        snprintf(sce->engine, sizeof(sce->engine), "BLENDER_EEVEE_NEXT");
        sce->master = calloc(1, sizeof(HostCollection));
        if (sce->master) {
            sce->master->id.type = HOST_ID_GR;
            snprintf(sce->master->id.name, sizeof(sce->master->id.name), "Scene Collection");
        }
        break;
    }
    default:
        break;
    }
}

static void collection_free_arrays(HostCollection *c)
{
    host_mem_free(c->objects);
    host_mem_free(c->children);
    host_mem_free(c->all_cache);
    c->objects = NULL;
    c->children = NULL;
    c->all_cache = NULL;
    c->nobjects = c->cap = c->nchildren = c->ccap = c->all_count = 0;
    c->all_valid = 0;
}

void host_id_free_data(Host *h, HostID *id)
{
    host_props_clear(h, &id->props);
    switch (id->type) {
    case HOST_ID_OB:
        host_drivers_free(h, (HostObject *)id);
        break;
    case HOST_ID_ME: {
        HostMesh *me = (HostMesh *)id;
        SCHED_WRITE("mesh.verts.free", me);
        verts_free(me->verts);
        host_mem_free(me->polys);
        me->verts = NULL;
        me->polys = NULL;
        me->totvert = me->totpoly = 0;
        me->verts_gen++;
        if (h->cb.subdata_moved)
            h->cb.subdata_moved(h->cb.ud, id);
        break;
    }
    case HOST_ID_IM: {
        HostImage *im = (HostImage *)id;
        if (im == h->render_result) {
            sched_rwlock_wrlock(&h->rr_lock);
            h->render_result = NULL;
            sched_rwlock_unlock(&h->rr_lock);
        }
        SCHED_WRITE("image.pixels.free", im);
        host_mem_free(im->pixels);
        im->pixels = NULL;
        host_mem_free(im->packed);
        im->packed = NULL;
        im->npacked = 0;
        im->w = im->h = 0;
        im->pixels_gen++;
        if (h->cb.subdata_moved)
            h->cb.subdata_moved(h->cb.ud, id);
        break;
    }
    case HOST_ID_GR:
        collection_free_arrays((HostCollection *)id);
        break;
    case HOST_ID_TXT: {
        HostText *t = (HostText *)id;
        SCHED_WRITE("text.body", &t->body);
        host_mem_free(t->body);
        t->body = NULL;
        t->len = 0;
        break;
    }
    case HOST_ID_SCE: {
        HostScene *sce = (HostScene *)id;
        if (sce->master) {
            collection_free_arrays(sce->master);
            host_mem_free(sce->master);
            sce->master = NULL;
        }
        break;
    }
    default:
        break;
    }
}

static void collection_invalidate(HostCollection *c)
{
    SCHED_WRITE("collection.all_objects.valid", &c->all_valid);
    c->all_valid = 0;
}

/* Invalidates the all_objects cache of every collection (parents included). */
static void invalidate_all_caches(Host *h)
{
    for (HostID *id = h->main.lists[HOST_ID_GR].first; id; id = id->next)
        collection_invalidate((HostCollection *)id);
    for (HostID *id = h->main.lists[HOST_ID_SCE].first; id; id = id->next)
        if (((HostScene *)id)->master)
            collection_invalidate(((HostScene *)id)->master);
}

static void collection_drop_object(HostCollection *c, HostObject *ob)
{
    for (int i = 0; i < c->nobjects; i++)
        if (c->objects[i] == ob) {
            memmove(&c->objects[i], &c->objects[i + 1],
                    (size_t)(c->nobjects - i - 1) * sizeof(*c->objects));
            c->nobjects--;
            i--;
        }
}

static void collection_drop_child(HostCollection *c, HostCollection *child)
{
    for (int i = 0; i < c->nchildren; i++)
        if (c->children[i] == child) {
            memmove(&c->children[i], &c->children[i + 1],
                    (size_t)(c->nchildren - i - 1) * sizeof(*c->children));
            c->nchildren--;
            i--;
        }
}

void host_id_unlink_everywhere(Host *h, HostID *id)
{
    if (id->type == HOST_ID_OB || id->type == HOST_ID_SCE)
        host_drivers_drop_target(h, id);
    if (id->type == HOST_ID_OB) {
        HostObject *ob = (HostObject *)id;
        for (HostID *it = h->main.lists[HOST_ID_GR].first; it; it = it->next)
            collection_drop_object((HostCollection *)it, ob);
        for (HostID *it = h->main.lists[HOST_ID_SCE].first; it; it = it->next) {
            HostScene *sce = (HostScene *)it;
            if (sce->master)
                collection_drop_object(sce->master, ob);
            if (sce->active == ob)
                sce->active = NULL;
        }
        for (HostID *it = h->main.lists[HOST_ID_OB].first; it; it = it->next)
            if (((HostObject *)it)->parent == ob)
                ((HostObject *)it)->parent = NULL;
        if (ob->data)
            ob->data->users--;
        ob->data = NULL;
        host_depsgraph_free(h);
        invalidate_all_caches(h);
    } else if (id->type == HOST_ID_ME) {
        for (HostID *it = h->main.lists[HOST_ID_OB].first; it; it = it->next)
            if (((HostObject *)it)->data == id)
                ((HostObject *)it)->data = NULL;
    } else if (id->type == HOST_ID_GR) {
        HostCollection *c = (HostCollection *)id;
        for (HostID *it = h->main.lists[HOST_ID_GR].first; it; it = it->next)
            collection_drop_child((HostCollection *)it, c);
        for (HostID *it = h->main.lists[HOST_ID_SCE].first; it; it = it->next)
            if (((HostScene *)it)->master)
                collection_drop_child(((HostScene *)it)->master, c);
        invalidate_all_caches(h);
    } else if (id->type == HOST_ID_SCE) {
        if (h->scene == (HostScene *)id) {
            HostID *other = h->main.lists[HOST_ID_SCE].first;
            while (other == id)
                other = other->next;
            h->scene = (HostScene *)other;
            h->ctx.scene = h->scene;
        }
    }
}

/* ---- objects --------------------------------------------------------- */

static float *vec_of(HostObject *ob, int which)
{
    return which == HOST_VEC_ROT ? ob->rot : which == HOST_VEC_SCALE ? ob->scale : ob->loc;
}

void host_object_set_vec(Host *h, HostObject *ob, int which, const float v[3])
{
    (void)h;
    float *dst = vec_of(ob, which);
    SCHED_ACCESS("object.transform.write", dst, 3 * sizeof(float), 1);
    dst[0] = v[0];
    dst[1] = v[1];
    dst[2] = v[2];
}

void host_object_get_vec(Host *h, HostObject *ob, int which, float v[3])
{
    (void)h;
    const float *src = vec_of(ob, which);
    SCHED_ACCESS("object.transform.read", src, 3 * sizeof(float), 0);
    v[0] = src[0];
    v[1] = src[1];
    v[2] = src[2];
}

void host_object_set_axis(Host *h, HostObject *ob, int which, int axis, float v)
{
    (void)h;
    float *dst = vec_of(ob, which);
    SCHED_ACCESS("object.transform.write", dst, 3 * sizeof(float), 1);
    dst[axis] = v;
}

float host_object_get_axis(Host *h, HostObject *ob, int which, int axis)
{
    (void)h;
    const float *src = vec_of(ob, which);
    SCHED_ACCESS("object.transform.read", src, 3 * sizeof(float), 0);
    return src[axis];
}

void host_object_set_data(Host *h, HostObject *ob, HostID *data)
{
    (void)h;
    SCHED_WRITE("object.data", &ob->data);
    if (ob->data)
        ob->data->users--;
    ob->data = data;
    if (data)
        data->users++;
}

void host_object_set_hide(Host *h, HostObject *ob, int hide)
{
    SCHED_WRITE("object.hide_viewport", &ob->hide_viewport);
    ob->hide_viewport = hide;
    invalidate_all_caches(h);
}

/* ---- meshes ---------------------------------------------------------- */



void host_mesh_add_verts(Host *h, HostMesh *me, int n)
{
    if (n <= 0)
        return;
    SCHED_ACCESS("mesh.verts.realloc", me, sizeof(*me), 1);
    float(*nv)[3] = verts_realloc(me->verts, (size_t)me->totvert * sizeof(*nv),
                                  (size_t)(me->totvert + n) * sizeof(*nv));
    if (!nv)
        return;
    memset(nv + me->totvert, 0, (size_t)n * sizeof(*nv));
    me->verts = nv;
    me->totvert += n;
    me->bb_valid = 0;
    me->verts_gen++;
    if (h->cb.subdata_moved)
        h->cb.subdata_moved(h->cb.ud, &me->id);
}

float *host_mesh_vert_co(Host *h, HostMesh *me, int i)
{
    (void)h;
    SCHED_ACCESS("mesh.verts.read", me, sizeof(*me), 0);
    if (i < 0 || i >= me->totvert)
        return NULL;
    return me->verts[i];
}

void host_mesh_update(Host *h, HostMesh *me)
{
    (void)h;
    SCHED_ACCESS("mesh.bbox.write", me, sizeof(*me), 1);
    float lo[3] = {0, 0, 0}, hi[3] = {0, 0, 0};
    for (int i = 0; i < me->totvert; i++)
        for (int k = 0; k < 3; k++) {
            float c = me->verts[i][k];
            if (i == 0 || c < lo[k])
                lo[k] = c;
            if (i == 0 || c > hi[k])
                hi[k] = c;
        }
    memcpy(me->bb[0], lo, sizeof(lo));
    memcpy(me->bb[1], hi, sizeof(hi));
    me->bb_valid = 1;
}

void host_mesh_set_edit_mode(Host *h, HostMesh *me, int on)
{
    if (!!on == !!me->edit_mode)
        return;
    /* Entering or leaving edit mode converts the mesh: the arrays are freed
     * and rebuilt, so every raw vertex pointer handed out dangles. */
    SCHED_ACCESS("mesh.verts.rebuild", me, sizeof(*me), 1);
    float(*nv)[3] = NULL;
    if (me->totvert) {
        nv = verts_realloc(NULL, 0, (size_t)me->totvert * sizeof(*nv));
        if (!nv)
            return;
        memcpy(nv, me->verts, (size_t)me->totvert * sizeof(*nv));
    }
    verts_free(me->verts);
    me->verts = nv;
    me->edit_mode = !!on;
    me->bb_valid = 0;
    me->verts_gen++;
    if (h->cb.subdata_moved)
        h->cb.subdata_moved(h->cb.ud, &me->id);
}

void host_mesh_make_cube(Host *h, HostMesh *me)
{
    static const float co[8][3] = {{1, 1, 1},   {1, 1, -1},  {1, -1, 1},  {1, -1, -1},
                                   {-1, 1, 1},  {-1, 1, -1}, {-1, -1, 1}, {-1, -1, -1}};
    static const int quads[6][4] = {{0, 4, 6, 2}, {3, 2, 6, 7}, {7, 6, 4, 5},
                                    {5, 1, 3, 7}, {1, 0, 2, 3}, {5, 4, 0, 1}};
    host_mesh_add_verts(h, me, 8);
    if (me->totvert != 8)
        return;
    memcpy(me->verts, co, sizeof(co));
    me->polys = malloc(sizeof(quads));
    if (me->polys) {
        memcpy(me->polys, quads, sizeof(quads));
        me->totpoly = 6;
    }
    host_mesh_update(h, me);
}

/* ---- images ---------------------------------------------------------- */

void host_image_alloc(Host *h, HostImage *im, int w, int h_, const float rgba[4])
{
    if (w < 1)
        w = 1;
    if (h_ < 1)
        h_ = 1;
    float *px = malloc((size_t)w * (size_t)h_ * 4 * sizeof(float));
    if (!px)
        return;
    for (size_t i = 0; i < (size_t)w * (size_t)h_; i++)
        memcpy(px + 4 * i, rgba, 4 * sizeof(float));
    SCHED_ACCESS("image.pixels.realloc", im, sizeof(*im), 1);
    host_mem_free(im->pixels);
    im->pixels = px;
    im->w = w;
    im->h = h_;
    im->pixels_gen++;
    if (h->cb.subdata_moved)
        h->cb.subdata_moved(h->cb.ud, &im->id);
}

void host_image_scale(Host *h, HostImage *im, int w, int h_)
{
    if (w < 1 || h_ < 1)
        return;
    float *px = malloc((size_t)w * (size_t)h_ * 4 * sizeof(float));
    if (!px)
        return;
    SCHED_ACCESS("image.pixels.realloc", im, sizeof(*im), 1);
    /* nearest-neighbour resample */
    for (int y = 0; y < h_; y++)
        for (int x = 0; x < w; x++) {
            int sx = im->w ? x * im->w / w : 0, sy = im->h ? y * im->h / h_ : 0;
            for (int c = 0; c < 4; c++)
                px[4 * ((size_t)y * w + x) + c] =
                    im->pixels ? im->pixels[4 * ((size_t)sy * im->w + sx) + c] : 0.0f;
        }
    host_mem_free(im->pixels);
    im->pixels = px;
    im->w = w;
    im->h = h_;
    im->pixels_gen++;
    if (h->cb.subdata_moved)
        h->cb.subdata_moved(h->cb.ud, &im->id);
}

void host_image_set_filepath(Host *h, HostImage *im, const char *path)
{
    (void)h;
    SCHED_WRITE("image.filepath", &im->filepath);
    snprintf(im->filepath, sizeof(im->filepath), "%s", path);
}

void host_image_get_filepath(Host *h, HostImage *im, char *out, size_t len)
{
    (void)h;
    SCHED_READ("image.filepath", &im->filepath);
    snprintf(out, len, "%s", im->filepath);
}

int host_image_pack(Host *h, HostImage *im)
{
    (void)h;
    SCHED_ACCESS("image.pack.read", im, sizeof(*im), 0);
    size_t n = (size_t)im->w * (size_t)im->h * 4;
    float *copy = malloc((n ? n : 1) * sizeof(float));
    if (!copy)
        return -1;
    if (im->pixels) {
        SCHED_ACCESS("image.pack.read", im->pixels, n * sizeof(float), 0);
        memcpy(copy, im->pixels, n * sizeof(float));
    } else {
        n = 0;
    }
    SCHED_WRITE("image.packed", &im->packed);
    host_mem_free(im->packed);
    im->packed = copy;
    im->npacked = n;
    return 0;
}

int host_image_unpack(Host *h, HostImage *im)
{
    (void)h;
    SCHED_WRITE("image.packed", &im->packed);
    if (!im->packed)
        return 0;
    host_mem_free(im->packed);
    im->packed = NULL;
    im->npacked = 0;
    return 1;
}

long host_image_packed_size(Host *h, HostImage *im)
{
    (void)h;
    SCHED_READ("image.packed", &im->packed);
    return im->packed ? (long)(im->npacked * sizeof(float)) : -1;
}

void host_image_reload(Host *h, HostImage *im)
{
    static const float black[4] = {0, 0, 0, 1};
    host_image_alloc(h, im, im->w, im->h, black);
}

/* ---- texts ------------------------------------------------------------- */

int host_text_write(Host *h, HostText *t, const char *s, size_t n, int append)
{
    (void)h;
    SCHED_WRITE("text.body", &t->body);
    size_t keep = append ? t->len : 0;
    char *body = malloc(keep + n + 1);
    if (!body)
        return -1;
    if (keep)
        memcpy(body, t->body, keep);
    memcpy(body + keep, s, n);
    body[keep + n] = '\0';
    host_mem_free(t->body);
    t->body = body;
    t->len = keep + n;
    return 0;
}

char *host_text_read(Host *h, HostText *t, size_t *n)
{
    (void)h;
    SCHED_READ("text.body", &t->body);
    char *copy = malloc(t->len + 1);
    if (!copy)
        return NULL;
    if (t->len)
        memcpy(copy, t->body, t->len);
    copy[t->len] = '\0';
    *n = t->len;
    return copy;
}

/* ---- collections ----------------------------------------------------- */

int host_collection_has(Host *h, HostCollection *c, HostObject *ob)
{
    (void)h;
    SCHED_READ("collection.objects", &c->objects);
    for (int i = 0; i < c->nobjects; i++)
        if (c->objects[i] == ob)
            return 1;
    return 0;
}

/* arr with room for one more element (count n, capacity *cap, growing by
 * doubling from first); NULL when out of memory (arr is then unchanged). */
static void *grow_array(void *arr, int n, int *cap, int first, size_t elem)
{
    if (n < *cap)
        return arr;
    int ncap = *cap ? *cap * 2 : first;
    void *na = host_mem_realloc(arr, (size_t)ncap * elem);
    if (na)
        *cap = ncap;
    return na;
}

int host_collection_link(Host *h, HostCollection *c, HostObject *ob)
{
    if (host_collection_has(h, c, ob))
        return -1;
    SCHED_WRITE("collection.objects", &c->objects);
    HostObject **objects = grow_array(c->objects, c->nobjects, &c->cap, 8, sizeof(*objects));
    if (!objects)
        return -1;
    c->objects = objects;
    c->objects[c->nobjects++] = ob;
    ob->id.users++;
    invalidate_all_caches(h);
    return 0;
}

int host_collection_unlink(Host *h, HostCollection *c, HostObject *ob)
{
    if (!host_collection_has(h, c, ob))
        return -1;
    SCHED_WRITE("collection.objects", &c->objects);
    collection_drop_object(c, ob);
    ob->id.users--;
    invalidate_all_caches(h);
    return 0;
}

/* True when c is node or a descendant of node. */
static int collection_contains(HostCollection *node, HostCollection *c, int depth)
{
    if (node == c)
        return 1;
    if (depth > 64)
        return 1; /* deeper than any sane hierarchy: refuse */
    for (int i = 0; i < node->nchildren; i++)
        if (collection_contains(node->children[i], c, depth + 1))
            return 1;
    return 0;
}

int host_collection_link_child(Host *h, HostCollection *parent, HostCollection *child)
{
    if (parent == child || collection_contains(child, parent, 0))
        return -1; /* already linked, or a cycle */
    for (int i = 0; i < parent->nchildren; i++)
        if (parent->children[i] == child)
            return -1;
    SCHED_WRITE("collection.children", &parent->children);
    HostCollection **children =
        grow_array(parent->children, parent->nchildren, &parent->ccap, 4, sizeof(*children));
    if (!children)
        return -1;
    parent->children = children;
    parent->children[parent->nchildren++] = child;
    child->id.users++;
    invalidate_all_caches(h);
    return 0;
}

static void cache_add(HostCollection *root, HostObject *ob, int *cap)
{
    for (int i = 0; i < root->all_count; i++)
        if (root->all_cache[i] == ob)
            return;
    HostObject **cache = grow_array(root->all_cache, root->all_count, cap, 16, sizeof(*cache));
    if (!cache)
        return;
    root->all_cache = cache;
    root->all_cache[root->all_count++] = ob;
}

static void cache_collect(HostCollection *root, HostCollection *c, int *cap, int depth)
{
    if (depth > 64)
        return;
    for (int i = 0; i < c->nobjects; i++)
        cache_add(root, c->objects[i], cap);
    for (int i = 0; i < c->nchildren; i++)
        cache_collect(root, c->children[i], cap, depth + 1);
}

HostObject **host_collection_all_objects(Host *h, HostCollection *c, int *n)
{
    (void)h;
    SCHED_READ("collection.all_objects.valid", &c->all_valid);
    if (!c->all_valid) {
        /* Rebuilt in place by whichever thread reads it first. */
        SCHED_WRITE("collection.all_objects", &c->all_cache);
        host_mem_free(c->all_cache);
        c->all_cache = NULL;
        c->all_count = 0;
        int cap = 0;
        cache_collect(c, c, &cap, 0);
        c->all_valid = 1;
    }
    SCHED_READ("collection.all_objects", &c->all_cache);
    *n = c->all_count;
    return c->all_cache;
}

void host_collection_set_hide(Host *h, HostCollection *c, int hide)
{
    SCHED_WRITE("collection.hide_viewport", &c->hide_viewport);
    c->hide_viewport = hide;
    invalidate_all_caches(h);
}

/* ---- scene ----------------------------------------------------------- */

void host_scene_frame_set(Host *h, HostScene *sce, int frame)
{
    host_handlers_call(h, HOST_CB_FRAME_CHANGE_PRE, sce);
    SCHED_WRITE("scene.frame_current", &sce->frame_current);
    sce->frame_current = frame;
    if (sce == h->scene) {
        /* rna_Scene_frame_set updates for the new frame with the GIL
         * released, in every Blender version */
        void *gil = h->cb.allow_threads ? h->cb.allow_threads(h->cb.ud) : NULL;
        host_depsgraph_evaluate(h);
        if (gil && h->cb.end_allow_threads)
            h->cb.end_allow_threads(h->cb.ud, gil);
    }
    host_handlers_call(h, HOST_CB_FRAME_CHANGE_POST, sce);
}
