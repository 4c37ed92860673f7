/* references.h: the one decoder of the queries that check what a write refers to.
 *
 * A repository's check query answers one row; each of its columns answers one reference of the
 * body, read by name: a boolean that is true when the reference names nothing that may be named,
 * or, for a list (a task's agencies, an indicator's reporting agencies), a text array of the
 * 0-based indexes of the elements that name nothing ("{0,3}"). */
#ifndef PLANMON_DB_REFERENCES_H
#define PLANMON_DB_REFERENCES_H

#include <libpq-fe.h>
#include <stddef.h>

#include "status.h"

typedef struct {
    const char *column;  /* the check query's column */
    const char *field;   /* the field it checks: "plan"; for a list, the list: "agencies" */
    const char *element; /* NULL for a single reference; for a list, what follows each element's
                            index in its field name: ".agency" gives agencies[3].agency */
    const char *code;    /* the field error's code: "unknown", "cycle" */
    const char *message; /* what is wrong, after the field's name: "names no agency" */
} db_reference;

/* Runs `sql` (constant, one row) with `params` and adds a PM_VALIDATION_FAILED field error to
 * `err` for every reference of `refs` that fails. PM_OK when none does; PM_INTERNAL when the
 * query lacks a column `refs` names. */
pm_status db_check_references(PGconn *conn, const char *sql, int nparams, const char *const *params,
                              const db_reference *refs, size_t nrefs, pm_error *err);

#endif
