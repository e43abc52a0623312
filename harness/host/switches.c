/* The host switches (--host KEY=VALUE): one table that parses them, and
 * that every writer formats them from (schedule files, reproducer
 * trailers, the run's JSON, the schedule server's command line, regress's
 * case check, triage --fixes). */
#include "host_internal.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const char *const bool_values[] = {"0", "1"};
static const char *const render_values[] = {"invoke", "exec"};

/* Field offsets: each switch is an int of host_switches holding its value's
 * index (drivers_gil_release is held negated, as drivers_gil_keep). */
#define FIELD(f) offsetof(host_switches, f)

static const host_switch_def defs[] = {
    {"lock_interface", bool_values, 1, 1, "1", FIELD(lock_interface), 0},
    {"render", render_values, 0, 1, "exec", FIELD(render), 0},
    {"timers_lock", bool_values, 1, 1, "1", FIELD(timers_lock), 0},
    {"main_thread_guard", bool_values, 1, 1, "1", FIELD(main_thread_guard), 0},
    {"rna_safety", bool_values, 1, 1, "1", FIELD(rna_safety), 0},
    {"drivers_gil_release", bool_values, 1, 1, NULL, FIELD(drivers_gil_keep), 1},
    /* the script-side remedy: written only when on, so that files from
     * before it existed stay valid and the same */
    {"bpy_on_main", bool_values, 1, 0, "1", FIELD(bpy_on_main), 0},
};
#define NDEFS ((int)(sizeof(defs) / sizeof(defs[0])))

int host_switch_count(void) { return NDEFS; }

const host_switch_def *host_switch_at(int i) { return i >= 0 && i < NDEFS ? &defs[i] : NULL; }

int host_switch_get(const host_switches *sw, const host_switch_def *d)
{
    int v = *(const int *)((const char *)sw + d->field);
    return d->negated ? !v : v;
}

const char *host_switch_value_name(const host_switches *sw, const host_switch_def *d)
{
    int v = host_switch_get(sw, d);
    return d->values[v == 1];
}

/* Blender as it is: the field at 0, as in a zeroed host_switches. */
static int host_switch_is_default(const host_switches *sw, const host_switch_def *d)
{
    return *(const int *)((const char *)sw + d->field) == 0;
}

int host_switch_written(const host_switches *sw, const host_switch_def *d)
{
    return d->always || !host_switch_is_default(sw, d);
}

void host_switches_format(const host_switches *sw, char *out, size_t len)
{
    size_t n = 0;
    if (len)
        out[0] = '\0';
    for (int i = 0; i < NDEFS && n < len; i++) {
        if (!host_switch_written(sw, &defs[i]))
            continue;
        int w = snprintf(out + n, len - n, "%s%s=%s", n ? " " : "", defs[i].key,
                         host_switch_value_name(sw, &defs[i]));
        n += w > 0 ? (size_t)w : 0;
    }
}

const char *host_switch_keys(void)
{
    static char keys[256];
    if (!keys[0]) {
        size_t n = 0;
        for (int i = 0; i < NDEFS && n < sizeof(keys); i++)
            n += (size_t)snprintf(keys + n, sizeof(keys) - n, "%s%s", i ? " " : "", defs[i].key);
    }
    return keys;
}

static int parse_bool(const char *v, int *out)
{
    static const char *const yes[] = {"1", "on", "true", "yes"};
    static const char *const no[] = {"0", "off", "false", "no"};
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(v, yes[i]) == 0)
            return *out = 1, 0;
        if (strcmp(v, no[i]) == 0)
            return *out = 0, 0;
    }
    return -1;
}

const host_switch_def *host_switch_find(const char *key, size_t klen)
{
    for (int i = 0; i < NDEFS; i++)
        if (strlen(defs[i].key) == klen && strncmp(key, defs[i].key, klen) == 0)
            return &defs[i];
    return NULL;
}

int host_switch_parse(host_switches *sw, const char *kv, char *err, size_t errlen)
{
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv) {
        snprintf(err, errlen, "host switch '%s' is not KEY=VALUE (keys: %s)", kv,
                 host_switch_keys());
        return -1;
    }
    size_t klen = (size_t)(eq - kv);
    const char *v = eq + 1;
    const host_switch_def *d = host_switch_find(kv, klen);
    if (!d) {
        snprintf(err, errlen, "unknown host switch '%.*s' (keys: %s)", (int)klen, kv,
                 host_switch_keys());
        return -1;
    }
    int value = -1;
    if (d->is_bool) {
        if (parse_bool(v, &value) < 0) {
            snprintf(err, errlen,
                     "host switch %s: '%s' is not a boolean (1/0, on/off, true/false)", d->key, v);
            return -1;
        }
    } else {
        for (int k = 0; k < 2; k++)
            if (strcmp(v, d->values[k]) == 0)
                value = k;
        if (value < 0) {
            snprintf(err, errlen, "host switch %s: '%s' is not %s or %s", d->key, v,
                     d->values[0], d->values[1]);
            return -1;
        }
    }
    *(int *)((char *)sw + d->field) = d->negated ? !value : value;
    return 0;
}
