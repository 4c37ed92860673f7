/* measurements_import_http.h: POST /v1/measurements/import — many measurements in one request,
 * as JSON {"rows": [...]} or CSV (indicator,unit,period,value[,comment]), each row checked like a
 * single entry; ?dry_run=true writes nothing, ?atomic=false writes the valid rows. A row that
 * changes nothing is ignored, one that repeats an earlier row or would change approved data is
 * rejected by its index. */
#ifndef PLANMON_MEASUREMENTS_IMPORT_HTTP_H
#define PLANMON_MEASUREMENTS_IMPORT_HTTP_H

#include "http/context.h"

pm_status measurements_import(http_ctx *ctx, pm_error *err);

#endif
