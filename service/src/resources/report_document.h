/* report_document.h: a report (GET /v1/reports/{period}) as a document (domain/document.h) in the
 * form of Decree 30/2020/NĐ-CP: the administrative frame of its issuing agency, then the body in
 * the plan's order: I. the general situation, II. the results per section of the plan, III. the
 * indicators against their targets, IV. the pilot models and their sites, V. reporting
 * completeness, VI. what falls due in the next period. Everything is computed from the report and
 * the database; what the data lacks reads "chưa có số liệu". */
#ifndef PLANMON_REPORT_DOCUMENT_H
#define PLANMON_REPORT_DOCUMENT_H

#include <jansson.h>
#include <stdbool.h>

#include "domain/document.h"
#include "domain/period.h"
#include "http/context.h"
#include "resources/analytics_http.h"
#include "resources/reports_repo.h"

/* What the JSON report was built from. Borrowed. */
typedef struct {
    const json_t *body;           /* the report as GET /v1/reports/{period} answers it */
    const period *period;         /* the report's period */
    const analytics_scope *scope; /* its unit (with unit_level), as_of moment and today */
    const report_moment *moment;  /* plan id, moment, state day, first day */
    bool as_of_given;             /* as_of was asked for: the document says which moment */
} report_facts;

/* What the caller chose for the document (query parameters; each NULL when not given).
 * Borrowed. */
typedef struct {
    const char *agency;       /* the issuing agency (else the default: report_doc_repo_issuer) */
    const char *number;       /* the document's number ("Số: 12/BC-…"); blank for the clerk */
    const char *date;         /* YYYY-MM-DD, the date line; blank for the clerk */
    const char *signer_title; /* "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC": lines parted by '/' */
    const char *signer_name;
} report_doc_options;

/* Builds the document of the report `facts` describes, reading what it lacks through the
 * request's connection (ctx_db); the issuing agency's code goes into `issuer` (`issuer_size`
 * bytes, for the file's name). *out is new (document_free). PM_INVALID_PARAMETER (field agency)
 * when no agency issues it; PM_INTERNAL when memory ran out. */
pm_status report_document_build(http_ctx *ctx, const report_facts *facts,
                                const report_doc_options *options, document **out, char *issuer,
                                size_t issuer_size, pm_error *err);

#endif
