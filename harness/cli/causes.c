/* cli: causes in JSON and text (causes.h). */
#include "causes.h"

#include <string.h>

static json_t *side_json(const report_cause_side *s, int script, hr_code_fn code, void *ud)
{
    json_t *o = json_object();
    json_object_set_new(o, "where", json_string(s->where));
    json_object_set_new(o, "thread", json_string(s->thread));
    json_object_set_new(o, "role", json_string(s->role));
    json_object_set_new(o, "access", json_string(s->access));
    json_object_set_new(o, "site", json_string(s->site));
    if (s->call[0])
        json_object_set_new(o, "call", json_string(s->call));
    if (s->api[0])
        json_object_set_new(o, "api", json_string(s->api));
    if (s->file[0]) {
        json_object_set_new(o, "file", json_string(s->file));
        json_object_set_new(o, "line", json_integer(s->line));
        const char *text = script && code ? code(s->file, s->line, ud) : NULL;
        if (text && *text)
            json_object_set_new(o, "code", json_string(text));
    }
    if (s->activity[0])
        json_object_set_new(o, "activity", json_string(s->activity));
    return o;
}

json_t *hr_cause_json(const report_cause *c, hr_code_fn code, void *ud)
{
    json_t *o = json_object(), *script = json_array(), *against = json_array();
    json_object_set_new(o, "id", json_string(c->id));
    json_object_set_new(o, "family", json_string(c->family));
    json_object_set_new(o, "title", json_string(c->title));
    json_object_set_new(o, "fix", json_string(c->fix));
    for (int i = 0; i < c->nscript; i++)
        json_array_append_new(script, side_json(&c->script[i], 1, code, ud));
    for (int i = 0; i < c->nagainst; i++)
        json_array_append_new(against, side_json(&c->against[i], 0, code, ud));
    json_object_set_new(o, "script", script);
    json_object_set_new(o, "against", against);
    return o;
}

static const char *str(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* Two sides are the same when they say the same thing to the reader:
 * place and operation for the script side, activity and operation for
 * the host side (not the thread's name, which varies). */
static int same_side(json_t *a, json_t *b)
{
    static const char *const keys[] = {"where", "access", "site", "call", "file", "activity"};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (strcmp(str(a, keys[i]), str(b, keys[i])) != 0)
            return 0;
    return json_integer_value(json_object_get(a, "line")) ==
           json_integer_value(json_object_get(b, "line"));
}

static void add_sides(json_t *into, json_t *from)
{
    size_t i, k;
    json_t *s, *t;
    json_array_foreach(from, i, s)
    {
        int have = 0;
        json_array_foreach(into, k, t) have |= same_side(s, t);
        if (!have)
            json_array_append(into, s);
    }
}

static int side_cmp(json_t *a, json_t *b)
{
    static const char *const keys[] = {"activity", "file", "site", "access", "where"};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        int c = strcmp(str(a, keys[i]), str(b, keys[i]));
        if (c)
            return c;
    }
    json_int_t x = json_integer_value(json_object_get(a, "line")),
               y = json_integer_value(json_object_get(b, "line"));
    return x < y ? -1 : x > y;
}

/* sorts a small array of sides in place (insertion sort) */
static void sort_sides(json_t *arr)
{
    size_t n = json_array_size(arr);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0; j--) {
            json_t *a = json_array_get(arr, j - 1), *b = json_array_get(arr, j);
            if (side_cmp(a, b) <= 0)
                break;
            json_incref(a);
            json_incref(b);
            json_array_set_new(arr, j - 1, b);
            json_array_set_new(arr, j, a);
        }
}

static int cause_cmp(const void *x, const void *y)
{
    json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
    size_t na = json_array_size(json_object_get(a, "signatures")),
           nb = json_array_size(json_object_get(b, "signatures"));
    if (na != nb)
        return na > nb ? -1 : 1;
    return strcmp(str(a, "id"), str(b, "id"));
}

json_t *hr_causes_group(json_t *findings)
{
    json_t *byid = json_object();
    size_t i;
    json_t *f;
    json_array_foreach(findings, i, f)
    {
        json_t *c = json_object_get(f, "cause");
        char own[64];
        const char *id = str(c, "id");
        if (!c || !*id) {
            snprintf(own, sizeof(own), "%s", str(f, "signature"));
            id = own;
        }
        json_t *g = json_object_get(byid, id);
        if (!g) {
            g = json_object();
            json_object_set_new(g, "id", json_string(id));
            json_object_set_new(g, "family", json_string(c ? str(c, "family") : str(f, "kind")));
            json_object_set_new(g, "title",
                                json_string(c ? str(c, "title") : str(f, "message")));
            json_object_set_new(g, "fix", json_string(c ? str(c, "fix") : ""));
            json_object_set_new(g, "script", json_array());
            json_object_set_new(g, "against", json_array());
            json_object_set_new(g, "signatures", json_array());
            json_object_set_new(g, "findings", json_array());
            json_object_set_new(g, "count", json_integer(0));
            json_object_set_new(byid, id, g);
        }
        add_sides(json_object_get(g, "script"), json_object_get(c, "script"));
        add_sides(json_object_get(g, "against"), json_object_get(c, "against"));
        char sig[128];
        snprintf(sig, sizeof(sig), "%s-%s", str(f, "kind"), str(f, "signature"));
        json_array_append_new(json_object_get(g, "signatures"), json_string(sig));
        json_array_append_new(json_object_get(g, "findings"), json_integer((json_int_t)i));
        json_int_t n = json_integer_value(json_object_get(f, "count"));
        json_object_set_new(g, "count",
                            json_integer(json_integer_value(json_object_get(g, "count")) +
                                         (n > 0 ? n : 1)));
    }
    size_t n = json_object_size(byid), k = 0;
    json_t **v = calloc(n + 1, sizeof(*v));
    const char *key;
    json_t *g;
    json_object_foreach(byid, key, g)
    {
        sort_sides(json_object_get(g, "script"));
        sort_sides(json_object_get(g, "against"));
        if (v)
            v[k++] = g;
    }
    if (v)
        qsort(v, k, sizeof(*v), cause_cmp);
    json_t *out = json_array();
    for (size_t j = 0; j < k; j++)
        json_array_append(out, v[j]);
    free(v);
    json_decref(byid);
    return out;
}

static void print_side(FILE *out, json_t *s, int script)
{
    const char *file = str(s, "file"), *code = str(s, "code");
    if (script) {
        if (*file)
            fprintf(out, "      %s:%lld  %s %s%s%s%s%s%s\n", file,
                    (long long)json_integer_value(json_object_get(s, "line")), str(s, "access"),
                    str(s, "site"), *str(s, "api") ? " in " : "", str(s, "api"),
                    *code ? "  `" : "", code, *code ? "`" : "");
        else if (*str(s, "call"))
            fprintf(out, "      %s %s in %s\n", str(s, "access"), str(s, "site"),
                    *str(s, "api") ? str(s, "api") : str(s, "call"));
        else
            fprintf(out, "      %s %s\n", str(s, "access"), str(s, "site"));
    } else {
        fprintf(out, "      %s: %s %s", *str(s, "activity") ? str(s, "activity") : str(s, "role"),
                str(s, "access"), str(s, "site"));
        if (*file)
            fprintf(out, " (%s:%lld)", file,
                    (long long)json_integer_value(json_object_get(s, "line")));
        fputc('\n', out);
    }
}

/* A cause found by many fuzz programs has as many script lines: the
 * listing shows the first few, the JSON all of them. */
#define SIDES_SHOWN 8

static void print_more(FILE *out, json_t *sides)
{
    size_t n = json_array_size(sides);
    if (n > SIDES_SHOWN)
        fprintf(out, "      ... and %zu more (in the JSON)\n", n - SIDES_SHOWN);
}

/* text after first, wrapped at 96 columns, later lines after indent */
static void print_wrapped(FILE *out, const char *first, const char *indent, const char *text)
{
    const int width = 96;
    int col = fprintf(out, "%s", first);
    int start = col;
    const char *p = text;
    while (*p) {
        size_t w = strcspn(p, " ");
        if (col > start && col + 1 + (int)w > width) {
            col = fprintf(out, "\n%s", indent) - 1;
            start = col;
        } else if (col > start) {
            fputc(' ', out);
            col++;
        }
        col += fprintf(out, "%.*s", (int)w, p);
        p += w;
        while (*p == ' ')
            p++;
    }
    fputc('\n', out);
}

void hr_causes_print(FILE *out, json_t *causes, json_t *findings, hr_sig_line_fn sig_line,
                     hr_cause_fn cause_end, void *ud)
{
    size_t nc = json_array_size(causes), nf = json_array_size(findings);
    fprintf(out, "%zu cause%s, %zu signature%s\n", nc, nc == 1 ? "" : "s", nf,
            nf == 1 ? "" : "s");
    size_t i, k;
    json_t *c, *s;
    json_array_foreach(causes, i, c)
    {
        fprintf(out, "cause %zu [%s] %s\n", i + 1, str(c, "id"), str(c, "title"));
        json_t *script = json_object_get(c, "script"), *against = json_object_get(c, "against");
        if (json_array_size(script)) {
            fprintf(out, "    script side:\n");
            json_array_foreach(script, k, s) if (k < SIDES_SHOWN) print_side(out, s, 1);
            print_more(out, script);
        }
        if (json_array_size(against)) {
            fprintf(out, "    %s:\n", json_array_size(script) ? "against" : "host side");
            json_array_foreach(against, k, s) if (k < SIDES_SHOWN) print_side(out, s, 0);
            print_more(out, against);
        }
        json_t *idx = json_object_get(c, "findings");
        fprintf(out, "    %zu signature%s:\n", json_array_size(idx),
                json_array_size(idx) == 1 ? "" : "s");
        json_array_foreach(idx, k, s)
        {
            json_t *f = json_array_get(findings, (size_t)json_integer_value(s));
            json_int_t cnt = json_integer_value(json_object_get(f, "count"));
            fprintf(out, "      %-16s %s", str(f, "kind"), str(f, "signature"));
            if (cnt > 1)
                fprintf(out, "  (%lld)", (long long)cnt);
            fputc('\n', out);
            if (sig_line)
                sig_line(out, f, ud);
        }
        if (*str(c, "reproducer"))
            fprintf(out, "    reproducer (smallest input): %s/repro.py\n", str(c, "reproducer"));
        if (*str(c, "fix"))
            print_wrapped(out, "    fix: ", "         ", str(c, "fix"));
        if (cause_end)
            cause_end(out, c, ud);
    }
}
