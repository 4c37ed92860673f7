/* report_indicators.h: section III of a report's document (report_document.h): each indicator
 * of the report against its target with the rule in words ("117/156 xã, phường, thị trấn, đạt
 * 75% (chỉ tiêu ≥ 75%): đạt"; "chưa có số liệu" where the data lacks), a bar chart per district
 * of each share the communes report (a province's report), and a line chart of the share
 * indicators across the plan's years. */
#ifndef PLANMON_REPORT_INDICATORS_H
#define PLANMON_REPORT_INDICATORS_H

#include <jansson.h>

#include "domain/document.h"
#include "http/context.h"
#include "resources/report_document.h"

/* Appends section III to `doc` (the caller's). `indicators` are the plan's indicators
 * (report_repo_indicators), `districts` the names of the units under the report's unit
 * (report_doc_repo_unit_names); all borrowed. Reads the roll-ups per district and per year
 * through analytics_items. */
pm_status report_indicators_section(http_ctx *ctx, const report_facts *facts, document *doc,
                                    const json_t *indicators, const json_t *districts,
                                    int plan_first_year, pm_error *err);

/* A JSON number as a double, NAN for null or anything else. */
double report_doc_number(const json_t *v);

/* The member `key` of `o` in the Vietnamese number format (at most one decimal) into `buf`
 * (returned); "" for null. */
const char *report_doc_num(char *buf, size_t size, const json_t *o, const char *key);

/* A target's operator as a document writes it: ">=" → "≥", "<=" → "≤", others as they are.
 * Static or borrowed. */
const char *report_doc_operator(const char *op);

#endif
