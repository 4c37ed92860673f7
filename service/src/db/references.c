/* references.c: the decoder of reference checks (see references.h). */
#include "db/references.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "db/query.h"
#include "messages.h"

/* The error of `field` failing `ref`: the field, then what is wrong ("plan names no plan"), in
 * both languages. */
static pm_status fail_field(pm_error *err, const char *field, const db_reference *ref)
{
    char en[PM_DETAIL_MAX], vi[PM_DETAIL_MAX];
    snprintf(en, sizeof en, "%s %s", field, ref->message);
    snprintf(vi, sizeof vi, "%s %s", field, msg_vi(ref->message));
    return pm_fail_field_pair(err, PM_VALIDATION_FAILED, field, ref->code, en, vi);
}

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
        fail_field(err, field, ref);
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
            st = pm_fail(err, PM_INTERNAL, MSG("The references could not be checked."));
        } else if (ref->element) {
            if (fail_elements(ref, PQgetvalue(res, 0, col), err))
                st = PM_VALIDATION_FAILED;
        } else if (PQgetvalue(res, 0, col)[0] == 't') {
            st = fail_field(err, ref->field, ref);
        }
    }
    PQclear(res);
    return st;
}
