/* measurements_import_http.h: POST /v1/measurements/import — many measurements in one request,
 * as JSON {"rows": [...]} or CSV (indicator,unit,period,value[,comment]), each row checked like a
 * single entry; ?dry_run=true writes nothing, ?atomic=false writes the valid rows. A row that
 * changes nothing is ignored, one that repeats an earlier row or would change approved data is
 * rejected by its index. */
#ifndef PLANMON_MEASUREMENTS_IMPORT_HTTP_H
#define PLANMON_MEASUREMENTS_IMPORT_HTTP_H

#include "http/context.h"

/* A column of an import file and the header names it goes by: its field's own name, the field's
 * Vietnamese name in ASCII, and the caption of the entry template (GET
 * /v1/measurements/template); a NULL field is a column of the template a file may keep, which is
 * not read back (the names of the indicator and the unit, the status). */
typedef struct {
    const char *field;
    const char *names[3];
} import_column;

/* The columns, indicator, unit, period, value and comment first, then the template's own; ended
 * by an entry with no names. */
extern const import_column measurement_import_columns[];

pm_status measurements_import(http_ctx *ctx, pm_error *err);

#endif
