/* report/hb_report.c: the races hostrace's own detector (sched/hb.c) found,
 * as findings. A race's two accesses are described as a TSan report's
 * would be for the same two annotated accesses (site, script line, bpy
 * call, thread, role, step), ordered by key and with the same message, so
 * both detectors give one pair of accesses one signature and merge into
 * one finding (found_by says which saw it). */
#include "report.h"
#include "report_internal.h"
#include "sched/sched.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void describe(const sched_hb_access *h, report_access *a)
{
    memset(a, 0, sizeof(*a));
    a->is_write = h->is_write;
    a->size = (int)h->size;
    snprintf(a->thread, sizeof(a->thread), "%s", sched_slot_name(h->slot));
    snprintf(a->role, sizeof(a->role), "%s", sched_role_name(sched_slot_role(h->slot)));
    snprintf(a->site, sizeof(a->site), "%s", h->site && h->site->id ? h->site->id : "??");
    if (h->call)
        snprintf(a->call, sizeof(a->call), "%s", h->call);
    a->delegated = h->delegated;
    if (h->file) {
        snprintf(a->py_file, sizeof(a->py_file), "%s", h->file);
        a->py_line = h->line;
    }
    a->has_step = 1;
    a->step = h->step;
    if (h->site && h->site->func) {
        /* the annotation's C function: the one frame the detector knows */
        snprintf(a->frames[0].func, sizeof(a->frames[0].func), "%s", h->site->func);
        snprintf(a->frames[0].file, sizeof(a->frames[0].file), "??");
        a->nframes = 1;
    }
}

void report_collect_hb(void)
{
    enum { BATCH = 64 };
    sched_hb_race *races = malloc(sizeof(*races) * BATCH);
    report_finding *f = malloc(sizeof(*f));
    int n, dropped = 0;
    while (races && f && (n = sched_hb_races_take(races, BATCH, &dropped)) > 0) {
        for (int i = 0; i < n; i++) {
            memset(f, 0, sizeof(*f));
            f->kind = REPORT_DATA_RACE;
            f->found_by = REPORT_BY_HOSTRACE;
            f->nacc = 2;
            describe(&races[i].a, &f->acc[0]);
            describe(&races[i].b, &f->acc[1]);
            report_order_accesses(f);
            report_access_message(f, report_kind_id(REPORT_DATA_RACE));
            report_add(f);
        }
    }
    if (dropped)
        report_addf(REPORT_DATA_RACE, "hostrace-race-table-full", "", NULL,
                    "%d further racing pairs did not fit hostrace's race table in one run",
                    dropped);
    free(races);
    free(f);
}
