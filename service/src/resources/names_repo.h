/* names_repo.h: the names behind codes, for the exports and documents that show a name beside
 * each code (agencies, administrative units, indicators). */
#ifndef PLANMON_NAMES_REPO_H
#define PLANMON_NAMES_REPO_H

#include <jansson.h>
#include <libpq-fe.h>

#include "status.h"

/* {code: name} of the agencies, units or indicators whose codes `codes` holds (a JSON array;
 * anything but strings ignored; borrowed); a code that names nothing is left out. *out is new. */
pm_status names_repo_agencies(PGconn *conn, const json_t *codes, json_t **out, pm_error *err);
pm_status names_repo_units(PGconn *conn, const json_t *codes, json_t **out, pm_error *err);
pm_status names_repo_indicators(PGconn *conn, const json_t *codes, json_t **out, pm_error *err);

#endif
