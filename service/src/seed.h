/* seed.h: the `planmon seed` command — loads the reference data the decision needs (db/seed/,
 * embedded in the binary) through the resources' repositories. An application command like
 * main.c, above every layer. */
#ifndef PLANMON_SEED_H
#define PLANMON_SEED_H

#include <libpq-fe.h>

#include "status.h"

typedef struct {
    int units;      /* administrative units inserted */
    int agencies;   /* agencies inserted (People's Committees included) */
    int documents;  /* legal documents inserted */
    int plans;      /* plans inserted */
    int sections;   /* plan sections inserted */
    int tasks;      /* tasks inserted */
    int indicators; /* indicators inserted */
    int targets;    /* indicator targets inserted */
    int pilot_model_types;
    int obligations; /* reporting obligations inserted */
} seed_counts;

/* Inserts what is missing of the reference data in one transaction: the administrative units
 * of db/seed/admin-units.json, the bodies of db/seed/agencies.json, one People's Committee
 * per unit, and the legal documents, plan, sections, tasks, indicators and targets of
 * db/seed/plan-1994.json (a task's agency group, such as UBND-DISTRICTS, stands for its member
 * agencies). Idempotent, and it never overwrites a row that exists (an edit made through the API
 * stays; a seeded task lacking the provenance of its dates receives it). Then derives every
 * recurring task's occurrences, due `due_days` (REPORT_DUE_DAYS) after their periods unless
 * their obligation says otherwise. `conn` is borrowed. */
pm_status seed_load(PGconn *conn, int due_days, seed_counts *counts, pm_error *err);

/* Adds the demo users of db/seed/demo-users.json that are missing, all with `password`
 * (already checked against the password rule); *added counts the new ones. */
pm_status seed_demo_users(PGconn *conn, const char *password, int *added, pm_error *err);

#endif
