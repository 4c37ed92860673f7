/* references.c: the decoder of reference checks (see references.h). */
#include "db/references.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "db/query.h"

/* Adds an error for each index listed in `list` ("{0,3}") of the list reference `ref`. */
static bool fail_elements(const db_reference *ref, const char *list, pm_error *err)
{
    bool failed = false;
    for (const char *p = list; *p;) {
        char *end;
        long i = strtol(p, &end, 10);
        if (end == p) {
            p++;
            continue;
        }
        char field[96];
        snprintf(field, sizeof field, "%s[%ld]%s", ref->field, i, ref->element);
        pm_fail_field(err, PM_VALIDATION_FAILED, field, ref->code, "%s %s", field, ref->message);
        failed = true;
        p = end;
    }
    return failed;
}

pm_status db_check_references(PGconn *conn, const char *sql, int nparams, const char *const *params,
                              const db_reference *refs, size_t nrefs, pm_error *err)
{
    PGresult *res;
    pm_status st = db_exec(conn, sql, nparams, params, &res, err); /* sql-constant: forwarded */
    if (st != PM_OK)
        return st;
    for (size_t i = 0; i < nrefs && st != PM_INTERNAL; i++) {
        const db_reference *ref = &refs[i];
        int col = PQfnumber(res, ref->column);
        if (col < 0 || PQntuples(res) != 1) {
            st = pm_fail(err, PM_INTERNAL, "The references could not be checked.");
        } else if (ref->element) {
            if (fail_elements(ref, PQgetvalue(res, 0, col), err))
                st = PM_VALIDATION_FAILED;
        } else if (PQgetvalue(res, 0, col)[0] == 't') {
            st = pm_fail_field(err, PM_VALIDATION_FAILED, ref->field, ref->code, "%s %s",
                               ref->field, ref->message);
        }
    }
    PQclear(res);
    return st;
}
