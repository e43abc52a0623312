/* Main: per-type ID lists sorted by name, the lazily rebuilt name map, and
 * the writers-only spin lock. Readers (lookups, iteration) take no lock. */
#include "host_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const id_type_names[HOST_ID_TYPE_COUNT] = {
    "Object", "Mesh", "Image", "Material", "Collection", "Scene", "Text",
};

const char *host_id_type_name(host_id_type t)
{
    return (unsigned)t < HOST_ID_TYPE_COUNT ? id_type_names[t] : "ID";
}

static const size_t id_sizes[HOST_ID_TYPE_COUNT] = {
    sizeof(HostObject), sizeof(HostMesh),       sizeof(HostImage),
    sizeof(HostMaterial), sizeof(HostCollection), sizeof(HostScene), sizeof(HostText),
};

static HostListBase *list_of(Host *h, host_id_type t) { return &h->main.lists[t]; }

static HostID *find_linear(Host *h, host_id_type t, const char *name)
{
    for (HostID *id = list_of(h, t)->first; id; id = id->next)
        if (strcmp(id->name, name) == 0)
            return id;
    return NULL;
}

/* Blender's unique-name rule: "Name", then "Name.001", "Name.002", ... */
static void unique_name(Host *h, host_id_type t, HostID *self, const char *want,
                        char out[HOST_MAX_NAME])
{
    snprintf(out, HOST_MAX_NAME, "%s", want);
    HostID *other = find_linear(h, t, out);
    if (!other || other == self)
        return;
    char base[HOST_MAX_NAME];
    snprintf(base, sizeof(base), "%s", want);
    size_t n = strlen(base);
    /* strip an existing numeric suffix ".NNN" */
    if (n > 4 && base[n - 4] == '.' && base[n - 3] >= '0' && base[n - 3] <= '9' &&
        base[n - 2] >= '0' && base[n - 2] <= '9' && base[n - 1] >= '0' && base[n - 1] <= '9')
        base[n - 4] = '\0';
    for (int i = 1; i < 1000000; i++) {
        char suffix[16];
        int sl = snprintf(suffix, sizeof(suffix), ".%03d", i);
        size_t keep = strlen(base);
        if (keep + (size_t)sl > HOST_MAX_NAME - 1)
            keep = HOST_MAX_NAME - 1 - (size_t)sl;
        snprintf(out, HOST_MAX_NAME, "%.*s%s", (int)keep, base, suffix);
        other = find_linear(h, t, out);
        if (!other || other == self)
            return;
    }
}

static void list_remove(HostListBase *lb, HostID *id)
{
    if (id->prev)
        id->prev->next = id->next;
    else
        lb->first = id->next;
    if (id->next)
        id->next->prev = id->prev;
    else
        lb->last = id->prev;
    id->next = id->prev = NULL;
}

/* Inserts keeping the list sorted by name. */
static void list_insert_sorted(HostListBase *lb, HostID *id)
{
    HostID *after = NULL;
    for (HostID *it = lb->first; it; it = it->next) {
        SCHED_READ("main.id.name", it);
        if (strcmp(it->name, id->name) > 0)
            break;
        after = it;
    }
    id->prev = after;
    id->next = after ? after->next : lb->first;
    if (id->next)
        id->next->prev = id;
    else
        lb->last = id;
    if (after)
        after->next = id;
    else
        lb->first = id;
}

static void map_invalidate(Host *h)
{
    SCHED_WRITE("main.namemap.valid", &h->main.map_valid);
    h->main.map_valid = 0;
}

HostID *host_id_new(Host *h, host_id_type t, const char *name)
{
    HostID *id = calloc(1, id_sizes[t]);
    if (!id)
        return NULL;
    id->type = t;
    id->users = 0;
    sched_spin_lock(&h->main.lock);
    unique_name(h, t, NULL, name, id->name);
    SCHED_WRITE("main.list", list_of(h, t));
    list_insert_sorted(list_of(h, t), id);
    map_invalidate(h);
    sched_spin_unlock(&h->main.lock);
    host_id_init_data(h, id);
    return id;
}

void host_id_rename(Host *h, HostID *id, const char *name)
{
    sched_spin_lock(&h->main.lock);
    char newname[HOST_MAX_NAME];
    unique_name(h, id->type, id, name, newname);
    SCHED_WRITE("main.id.name", id);
    snprintf(id->name, sizeof(id->name), "%s", newname);
    SCHED_WRITE("main.list", list_of(h, id->type));
    list_remove(list_of(h, id->type), id);
    list_insert_sorted(list_of(h, id->type), id);
    map_invalidate(h);
    sched_spin_unlock(&h->main.lock);
}

void host_id_remove(Host *h, HostID *id)
{
    host_id_unlink_everywhere(h, id);
    if (h->cb.id_freed)
        h->cb.id_freed(h->cb.ud, id);
    sched_spin_lock(&h->main.lock);
    SCHED_WRITE("main.list", list_of(h, id->type));
    list_remove(list_of(h, id->type), id);
    map_invalidate(h);
    sched_spin_unlock(&h->main.lock);
    host_id_free_data(h, id);
    SCHED_WRITE("main.id.free", id);
    host_mem_free(id);
}

static unsigned name_hash(host_id_type t, const char *s)
{
    unsigned x = 2166136261u ^ (unsigned)t;
    for (; *s; s++)
        x = (x ^ (unsigned char)*s) * 16777619u;
    return x;
}

/* Rebuilt by whichever reader finds it stale, without a lock. */
static void map_rebuild(Host *h)
{
    int n = 0;
    for (int t = 0; t < HOST_ID_TYPE_COUNT; t++)
        for (HostID *id = list_of(h, t)->first; id; id = id->next)
            n++;
    int cap = 16;
    while (cap < n * 2)
        cap *= 2;
    SCHED_WRITE("main.namemap", &h->main.map);
    if (cap != h->main.map_cap) {
        host_mem_free(h->main.map);
        h->main.map = calloc((size_t)cap, sizeof(HostID *));
        h->main.map_cap = h->main.map ? cap : 0;
    } else {
        memset(h->main.map, 0, (size_t)cap * sizeof(HostID *));
    }
    if (!h->main.map)
        return;
    for (int t = 0; t < HOST_ID_TYPE_COUNT; t++)
        for (HostID *id = list_of(h, t)->first; id; id = id->next) {
            unsigned i = name_hash(id->type, id->name) & (unsigned)(cap - 1);
            while (h->main.map[i])
                i = (i + 1) & (unsigned)(cap - 1);
            h->main.map[i] = id;
        }
    h->main.map_valid = 1;
}

HostID *host_id_find(Host *h, host_id_type t, const char *name)
{
    SCHED_READ("main.namemap.valid", &h->main.map_valid);
    if (!h->main.map_valid)
        map_rebuild(h);
    if (!h->main.map_cap)
        return find_linear(h, t, name);
    SCHED_READ("main.namemap", &h->main.map);
    unsigned mask = (unsigned)(h->main.map_cap - 1);
    for (unsigned i = name_hash(t, name) & mask;; i = (i + 1) & mask) {
        HostID *id = h->main.map[i];
        if (!id)
            return NULL;
        if (id->type == t && strcmp(id->name, name) == 0)
            return id;
    }
}

int host_id_count(Host *h, host_id_type t)
{
    int n = 0;
    SCHED_READ("main.list", list_of(h, t));
    for (HostID *id = list_of(h, t)->first; id; id = id->next)
        n++;
    return n;
}

HostID *host_id_at(Host *h, host_id_type t, int i)
{
    SCHED_READ("main.list", list_of(h, t));
    HostID *id = list_of(h, t)->first;
    while (id && i-- > 0)
        id = id->next;
    return id;
}

int host_main_check(Host *h, char *msg, size_t len)
{
    int problems = 0;
    if (len)
        msg[0] = '\0';
#define PROBLEM(...)                                                         \
    do {                                                                     \
        if (!problems++ && len)                                              \
            snprintf(msg, len, __VA_ARGS__);                                 \
    } while (0)
    for (int t = 0; t < HOST_ID_TYPE_COUNT; t++) {
        HostID *prev = NULL;
        int n = 0;
        for (HostID *id = list_of(h, t)->first; id; id = id->next) {
            if (id->prev != prev)
                PROBLEM("%s list: bad prev link at \"%s\"", host_id_type_name(t), id->name);
            if (id->type != (host_id_type)t)
                PROBLEM("%s list: \"%s\" has type %s", host_id_type_name(t), id->name,
                        host_id_type_name(id->type));
            if (prev && strcmp(prev->name, id->name) >= 0)
                PROBLEM("%s list: \"%s\" sorted before \"%s\"", host_id_type_name(t),
                        prev->name, id->name);
            if (id->users < 0)
                PROBLEM("%s \"%s\": negative users (%d)", host_id_type_name(t), id->name,
                        id->users);
            if (host_id_find(h, (host_id_type)t, id->name) != id)
                PROBLEM("%s \"%s\": name map does not find it", host_id_type_name(t), id->name);
            prev = id;
            if (++n > 10000000) {
                PROBLEM("%s list: cycle", host_id_type_name(t));
                break;
            }
        }
        if (list_of(h, t)->last != prev)
            PROBLEM("%s list: bad last pointer", host_id_type_name(t));
    }
#undef PROBLEM
    return problems;
}

void host_main_free_all(Host *h)
{
    for (int t = 0; t < HOST_ID_TYPE_COUNT; t++) {
        HostID *id = list_of(h, t)->first;
        while (id) {
            HostID *next = id->next;
            if (h->cb.id_freed)
                h->cb.id_freed(h->cb.ud, id);
            host_id_free_data(h, id);
            host_mem_free(id);
            id = next;
        }
        list_of(h, t)->first = list_of(h, t)->last = NULL;
    }
    host_mem_free(h->main.map);
    h->main.map = NULL;
    h->main.map_cap = 0;
    h->main.map_valid = 0;
}
