/* report_document_repo.h: what a report's document needs beyond the report's own tables
 * (reports_repo.h): the issuing agency and its frame, the names behind the codes, the plan's
 * sections in order, the recipients of the report, the pilot sites (the names behind codes are
 * names_repo.h's). */
#ifndef PLANMON_REPORT_DOCUMENT_REPO_H
#define PLANMON_REPORT_DOCUMENT_REPO_H

#include <jansson.h>
#include <libpq-fe.h>

#include "status.h"

/* The agency that issues the report of unit `unit` for plan `plan` (ids as text): `agency` when
 * not NULL, else the People's Committee of the unit below the province, else the plan's lead.
 * *out {"code", "name", "kind", "short_name" (the code when it has none), "parent_name" (or
 * null), "unit_name" (a People's Committee's unit, or null), "place" (the name of the unit where
 * it sits, without its type: "An Giang", "Long Xuyên"), "plan_first_year" (the year the plan
 * begins)}. PM_INVALID_PARAMETER (field agency)
 * when there is no such agency, or none by default. *out is new. */
pm_status report_doc_repo_issuer(PGconn *conn, const char *agency, const char *unit,
                                 const char *plan, json_t **out, pm_error *err);

/* {code: name without its type ("Long Xuyên")} of the current units under `parent`. *out is
 * new. */
pm_status report_doc_repo_unit_names(PGconn *conn, const char *parent, json_t **out, pm_error *err);

/* The plan's sections that are not archived, in the plan's order: {"code", "title", "kind"}.
 * *out is new. */
pm_status report_doc_repo_sections(PGconn *conn, const char *plan, json_t **out, pm_error *err);

/* The names of the agencies that receive the reports of type `period_type` agency `agency` makes
 * under an obligation not archived, in code order, without repeats: [name]. *out is new. */
pm_status report_doc_repo_recipients(PGconn *conn, const char *agency, const char *period_type,
                                     json_t **out, pm_error *err);

/* The plan's pilot sites within unit `unit` that existed at moment `moment` (RFC 3339), with
 * their status at the end of `day` as known then: {"model_type", "model_name", "name",
 * "district", "status"}, by model type, district and name. *out is new. */
pm_status report_doc_repo_pilot_sites(PGconn *conn, const char *plan, const char *unit,
                                      const char *day, const char *moment, json_t **out,
                                      pm_error *err);

#endif
