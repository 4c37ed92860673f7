/* pilots_repo.c: pilot model types and sites (see pilots_repo.h). */
#include "resources/pilots_repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/params.h"
#include "db/query.h"
#include "db/references.h"

const char *const pilot_site_statuses[] = {"planned",   "piloting", "evaluated",
                                           "scaled_up", "stopped",  NULL};
const char *const pilot_target_units[] = {"model", "district", NULL};

#define TYPE_SELECT                                                                               \
    "SELECT p.code, p.name, p.name_en, p.source_clause, p.description, p.target_text,"            \
    "       p.target_count, p.target_unit, p.target_districts, p.target_date::text AS"            \
    "       target_date, p.lead_agency, p.lead_agency_source, p.lead_agency_note, p.task,"        \
    "       p.version,"                                                                           \
    "       planmon_utc(p.created_at) AS created_at, planmon_utc(p.updated_at) AS updated_at,"    \
    "       (SELECT count(*) FROM pilot_site s WHERE s.model_type = p.code"                       \
    "          AND s.archived_at IS NULL AND s.status IN ('piloting', 'evaluated', 'scaled_up'))" \
    "       AS sites_active,"                                                                     \
    "       (SELECT count(DISTINCT s.district) FROM pilot_site s WHERE s.model_type = p.code"     \
    "          AND s.archived_at IS NULL AND s.status IN ('piloting', 'evaluated', 'scaled_up'))" \
    "       AS districts_active"                                                                  \
    " FROM pilot_model_type p"

/* $1 after code $2 limit + 1 */
static const char type_list_sql[] =
    TYPE_SELECT " WHERE ($1::text IS NULL OR p.code > $1) ORDER BY p.code LIMIT $2::int";
static const char type_get_sql[] = TYPE_SELECT " WHERE p.code = $1";
static const char type_get_locked_sql[] = TYPE_SELECT " WHERE p.code = $1 FOR UPDATE OF p";

/* $1 lead agency $2 task: which present references do not exist. */
static const char type_references_sql[] =
    "SELECT $1::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM agency WHERE code = $1)"
    "         AS lead_agency,"
    "       $2::bigint IS NOT NULL AND NOT EXISTS (SELECT 1 FROM task WHERE id = $2::bigint)"
    "         AS task";
static const db_reference type_references[] = {
    {"lead_agency", "lead_agency", NULL, "unknown", MSG("names nothing that exists")},
    {"task", "task", NULL, "unknown", MSG("names nothing that exists")},
};

static const char *const type_columns[] = {"code",
                                           "name",
                                           "name_en",
                                           "source_clause",
                                           "description",
                                           "target_text",
                                           "target_count",
                                           "target_unit",
                                           "target_districts",
                                           "target_date",
                                           "lead_agency",
                                           "lead_agency_source",
                                           "lead_agency_note",
                                           "task"};
enum { NTYPE_COLUMNS = sizeof type_columns / sizeof type_columns[0] };

#define TYPE_INSERT(TASK)                                                                     \
    "INSERT INTO pilot_model_type (code, name, name_en, source_clause, description,"          \
    "                              target_text, target_count, target_unit, target_districts," \
    "                              target_date, lead_agency, lead_agency_source,"             \
    "                              lead_agency_note, task)"                                   \
    " VALUES ($1, $2, $3, $4, coalesce($5, ''), $6, $7::int, $8, $9::int, $10::date, $11,"    \
    "         coalesce($12, 'text'), $13, " TASK ")"

/* $1..$14 the columns */
static const char type_insert_sql[] = TYPE_INSERT("$14::bigint");

/* As the insert, with $14 the task's key in plan $15. A model type that exists keeps what it
 * has, but receives the basis of its lead where it has none (seeded before migration 0019). */
#define TASK_OF_KEY "(SELECT id FROM task WHERE plan = $15::bigint AND key = $14)"
static const char type_seed_sql[] =
    TYPE_INSERT(TASK_OF_KEY) " ON CONFLICT (code) DO UPDATE"
                             " SET lead_agency_source = excluded.lead_agency_source,"
                             "     lead_agency_note = excluded.lead_agency_note"
                             " WHERE pilot_model_type.lead_agency_note IS NULL"
                             "   AND excluded.lead_agency_note IS NOT NULL";

/* The columns but code as $1..$13, $14 present fields, $15 code $16 version. */
static const char type_update_sql[] =
    "UPDATE pilot_model_type SET"
    "  name = CASE WHEN 'name' = ANY($14::text[]) THEN $1 ELSE name END,"
    "  name_en = CASE WHEN 'name_en' = ANY($14::text[]) THEN $2 ELSE name_en END,"
    "  source_clause = CASE WHEN 'source_clause' = ANY($14::text[]) THEN $3"
    "                  ELSE source_clause END,"
    "  description = CASE WHEN 'description' = ANY($14::text[]) THEN coalesce($4, '')"
    "                ELSE description END,"
    "  target_text = CASE WHEN 'target_text' = ANY($14::text[]) THEN $5 ELSE target_text END,"
    "  target_count = CASE WHEN 'target_count' = ANY($14::text[]) THEN $6::int"
    "                 ELSE target_count END,"
    "  target_unit = CASE WHEN 'target_unit' = ANY($14::text[]) THEN $7 ELSE target_unit END,"
    "  target_districts = CASE WHEN 'target_districts' = ANY($14::text[]) THEN $8::int"
    "                     ELSE target_districts END,"
    "  target_date = CASE WHEN 'target_date' = ANY($14::text[]) THEN $9::date"
    "                ELSE target_date END,"
    "  lead_agency = CASE WHEN 'lead_agency' = ANY($14::text[]) THEN $10 ELSE lead_agency END,"
    "  lead_agency_source = CASE WHEN 'lead_agency_source' = ANY($14::text[])"
    "                       THEN coalesce($11, 'text') ELSE lead_agency_source END,"
    "  lead_agency_note = CASE WHEN 'lead_agency_note' = ANY($14::text[]) THEN $12"
    "                     ELSE lead_agency_note END,"
    "  task = CASE WHEN 'task' = ANY($14::text[]) THEN $13::bigint ELSE task END,"
    "  version = version + 1, updated_at = now()"
    " WHERE code = $15 AND version = $16::int RETURNING code";

#define SITE_SELECT                                                                            \
    "SELECT s.id, s.model_type, s.name, s.district, s.host_agency, s.status,"                  \
    "       s.start_date::text AS start_date, s.evaluation_date::text AS evaluation_date,"     \
    "       s.beneficiaries, s.evidence, s.notes, s.version,"                                  \
    "       planmon_utc(s.created_at) AS created_at, planmon_utc(s.updated_at) AS updated_at," \
    "       planmon_utc(s.archived_at) AS archived_at"                                         \
    " FROM pilot_site s"

/* $1 model type $2 district $3 status $4 host $5 include archived $6 after id $7 limit + 1 */
static const char site_list_sql[] = SITE_SELECT " WHERE ($1::text IS NULL OR s.model_type = $1)"
                                                "   AND ($2::text IS NULL OR s.district = $2)"
                                                "   AND ($3::text IS NULL OR s.status = $3)"
                                                "   AND ($4::text IS NULL OR s.host_agency = $4)"
                                                "   AND ($5::boolean OR s.archived_at IS NULL)"
                                                "   AND ($6::bigint IS NULL OR s.id > $6::bigint)"
                                                " ORDER BY s.id LIMIT $7::int";
static const char site_get_sql[] = SITE_SELECT " WHERE s.id = $1::bigint";
static const char site_get_locked_sql[] = SITE_SELECT " WHERE s.id = $1::bigint FOR UPDATE";

/* $1 model type $2 district $3 host agency: which present references fail. */
static const char site_references_sql[] =
    "SELECT $1::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pilot_model_type WHERE code = $1"
    "                                              AND archived_at IS NULL) AS model_type,"
    "       $2::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM admin_unit WHERE code = $2"
    "                                              AND level = 2) AS district,"
    "       $3::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM agency WHERE code = $3)"
    "         AS host_agency";
static const char *const site_references[] = {"model_type", "district", "host_agency"};
static const db_reference site_reference_checks[] = {
    {"model_type", "model_type", NULL, "unknown", MSG("names no pilot model type")},
    {"district", "district", NULL, "unknown", MSG("names no district-level unit")},
    {"host_agency", "host_agency", NULL, "unknown", MSG("names no agency")},
};

/* $1 district $2 host agency: a People's Committee hosts sites only within its unit (the site's
 * district is its unit, under it, or holds it); other hosts anywhere. */
static const char site_territory_sql[] =
    "SELECT coalesce((SELECT a.kind = 'people_committee' AND NOT EXISTS ("
    "           SELECT 1 FROM admin_unit d JOIN admin_unit h ON h.code = a.unit"
    "           WHERE d.code = $1 AND (d.path @> ARRAY[h.code] OR h.path @> ARRAY[d.code]))"
    "         FROM agency a WHERE a.code = $2 AND a.unit IS NOT NULL), false) AS outside_host";
static const db_reference site_territory_checks[] = {
    {"outside_host", "district", NULL, "outside_host",
     MSG("lies outside the unit of the People's Committee that hosts the site")},
};

static const char *const site_columns[] = {
    "model_type",      "name",          "district", "host_agency", "status", "start_date",
    "evaluation_date", "beneficiaries", "evidence", "notes"};
enum { NSITE_COLUMNS = sizeof site_columns / sizeof site_columns[0] };

static const char site_insert_sql[] =
    "INSERT INTO pilot_site (model_type, name, district, host_agency, status, start_date,"
    "                        evaluation_date, beneficiaries, evidence, notes)"
    " VALUES ($1, $2, $3, $4, coalesce($5, 'planned'), $6::date, $7::date,"
    "         coalesce($8::int, 0), coalesce($9::jsonb, '[]'), $10) RETURNING id";

/* The columns as $1..$10, $11 present fields, $12 id $13 version. */
static const char site_update_sql[] =
    "UPDATE pilot_site SET"
    "  model_type = CASE WHEN 'model_type' = ANY($11::text[]) THEN $1 ELSE model_type END,"
    "  name = CASE WHEN 'name' = ANY($11::text[]) THEN $2 ELSE name END,"
    "  district = CASE WHEN 'district' = ANY($11::text[]) THEN $3 ELSE district END,"
    "  host_agency = CASE WHEN 'host_agency' = ANY($11::text[]) THEN $4 ELSE host_agency END,"
    "  status = CASE WHEN 'status' = ANY($11::text[]) THEN $5 ELSE status END,"
    "  start_date = CASE WHEN 'start_date' = ANY($11::text[]) THEN $6::date ELSE start_date END,"
    "  evaluation_date = CASE WHEN 'evaluation_date' = ANY($11::text[]) THEN $7::date"
    "                    ELSE evaluation_date END,"
    "  beneficiaries = CASE WHEN 'beneficiaries' = ANY($11::text[]) THEN coalesce($8::int, 0)"
    "                  ELSE beneficiaries END,"
    "  evidence = CASE WHEN 'evidence' = ANY($11::text[]) THEN coalesce($9::jsonb, '[]')"
    "             ELSE evidence END,"
    "  notes = CASE WHEN 'notes' = ANY($11::text[]) THEN $10 ELSE notes END,"
    "  version = version + 1, updated_at = now()"
    " WHERE id = $12::bigint AND version = $13::int AND archived_at IS NULL RETURNING id";

static const char site_archive_sql[] =
    "UPDATE pilot_site SET archived_at = CASE WHEN $3::boolean THEN now() END,"
    "       version = version + 1, updated_at = now()"
    " WHERE id = $1::bigint AND version = $2::int AND (archived_at IS NULL) = $3::boolean"
    " RETURNING id";

static const char *const code_key[] = {"code"};
static const char *const id_key[] = {"id"};

pm_status pilot_type_repo_list(PGconn *conn, const page_request *page, page_result *out,
                               pm_error *err)
{
    char limit[16];
    if (page_bind(page, 1, 0, limit, err) != PM_OK)
        return PM_INVALID_PARAMETER;
    const char *params[] = {page_after(page, 0), limit};
    return db_fetch_page(conn, type_list_sql, 2, params, page, code_key, 1, out, err);
}

pm_status pilot_type_repo_get(PGconn *conn, const char *code, bool lock, json_t **out,
                              pm_error *err)
{
    const char *params[] = {code};
    return db_fetch_one(conn, lock ? type_get_locked_sql : type_get_sql, 1, params,
                        MSG("There is no such pilot model type."), out, err);
}

pm_status pilot_type_repo_check_references(PGconn *conn, const json_t *fields, pm_error *err)
{
    static const char *const checked[] = {"lead_agency", "task"};
    db_params p = {0};
    db_params_add_fields(&p, fields, checked, 2);
    pm_status st =
        db_check_references(conn, type_references_sql, p.count, p.values, type_references,
                            sizeof type_references / sizeof type_references[0], err);
    db_params_clear(&p);
    return st;
}

/* A taken code. */
static pm_status type_refusal(pm_status st, pm_error *err)
{
    if (st != PM_CONFLICT)
        return st;
    pm_error_reset(err);
    return pm_fail_field(err, PM_CONFLICT, "code", "taken",
                         MSG("A pilot model type with this code exists."));
}

pm_status pilot_type_repo_create(PGconn *conn, const json_t *fields, pm_error *err)
{
    db_params p = {0};
    db_params_add_fields(&p, fields, type_columns, NTYPE_COLUMNS);
    pm_status st = type_refusal(db_exec(conn, type_insert_sql, p.count, p.values, NULL, err), err);
    db_params_clear(&p);
    return st;
}

pm_status pilot_type_repo_update(PGconn *conn, const char *code, long long version,
                                 const json_t *fields, pm_error *err)
{
    db_params p = {0};
    db_params_add_fields(&p, fields, type_columns + 1, NTYPE_COLUMNS - 1);
    db_params_add_present(&p, fields, type_columns + 1, NTYPE_COLUMNS - 1);
    db_params_add(&p, code);
    db_params_add_int(&p, version);
    pm_status st = type_refusal(
        db_change_one(conn, type_update_sql, p.count, p.values,
                      MSG("The pilot model type was changed meanwhile; read it again."), err),
        err);
    db_params_clear(&p);
    return st;
}

pm_status pilot_type_repo_seed(PGconn *conn, const char *plan, const json_t *item, int *added,
                               pm_error *err)
{
    const json_t *target = json_object_get(item, "target");
    json_t *fields = json_pack(
        "{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "code",
        json_object_get(item, "code"), "name", json_object_get(item, "name"), "name_en",
        json_object_get(item, "name_en"), "source_clause", json_object_get(item, "source_clause"),
        "description", json_object_get(item, "description"), "target_text",
        json_object_get(item, "target_text"), "target_count", json_object_get(target, "count"),
        "target_unit", json_object_get(target, "unit"), "target_districts",
        json_object_get(target, "districts"), "target_date", json_object_get(target, "by"),
        "lead_agency", json_object_get(item, "lead_agency"), "lead_agency_source",
        json_object_get(item, "lead_agency_source"), "lead_agency_note",
        json_object_get(item, "lead_agency_note"));
    db_params p = {0};
    if (fields) {
        db_params_add_fields(&p, fields, type_columns, NTYPE_COLUMNS - 1);
        db_params_add(&p, json_string_value(json_object_get(item, "task")));
        db_params_add(&p, plan);
    }
    PGresult *res;
    pm_status st =
        fields ? db_exec(conn, type_seed_sql, p.count, p.values, &res, err)
               : pm_fail(err, PM_INTERNAL, MSG("A pilot model type of the seed is malformed."));
    db_params_clear(&p);
    json_decref(fields);
    if (st == PM_OK) {
        *added += atoi(PQcmdTuples(res));
        PQclear(res);
    }
    return st;
}

pm_status pilot_site_repo_list(PGconn *conn, const pilot_site_filter *f, const page_request *page,
                               page_result *out, pm_error *err)
{
    char limit[16];
    if (page_bind(page, 1, 1, limit, err) != PM_OK)
        return PM_INVALID_PARAMETER;
    const char *params[] = {f->model_type,
                            f->district,
                            f->status,
                            f->host_agency,
                            f->include_archived ? "true" : "false",
                            page_after(page, 0),
                            limit};
    return db_fetch_page(conn, site_list_sql, 7, params, page, id_key, 1, out, err);
}

pm_status pilot_site_repo_get(PGconn *conn, const char *id, bool lock, json_t **out, pm_error *err)
{
    const char *params[] = {id};
    return db_fetch_one(conn, lock ? site_get_locked_sql : site_get_sql, 1, params,
                        MSG("There is no such pilot site."), out, err);
}

pm_status pilot_site_repo_check_references(PGconn *conn, const json_t *fields, pm_error *err)
{
    db_params p = {0};
    db_params_add_fields(&p, fields, site_references, 3);
    pm_status st =
        db_check_references(conn, site_references_sql, p.count, p.values, site_reference_checks,
                            sizeof site_reference_checks / sizeof site_reference_checks[0], err);
    db_params_clear(&p);
    return st;
}

pm_status pilot_site_repo_check_territory(PGconn *conn, const char *district,
                                          const char *host_agency, pm_error *err)
{
    const char *params[] = {district, host_agency};
    return db_check_references(conn, site_territory_sql, 2, params, site_territory_checks, 1, err);
}

pm_status pilot_site_repo_create(PGconn *conn, const json_t *fields, char *id_out, pm_error *err)
{
    db_params p = {0};
    db_params_add_fields(&p, fields, site_columns, NSITE_COLUMNS);
    PGresult *res;
    pm_status st = db_exec(conn, site_insert_sql, p.count, p.values, &res, err);
    db_params_clear(&p);
    if (st == PM_OK) {
        snprintf(id_out, 24, "%s", PQgetvalue(res, 0, 0));
        PQclear(res);
    }
    return st;
}

pm_status pilot_site_repo_update(PGconn *conn, const char *id, long long version,
                                 const json_t *fields, pm_error *err)
{
    db_params p = {0};
    db_params_add_fields(&p, fields, site_columns, NSITE_COLUMNS);
    db_params_add_present(&p, fields, site_columns, NSITE_COLUMNS);
    db_params_add(&p, id);
    db_params_add_int(&p, version);
    pm_status st = db_change_one(conn, site_update_sql, p.count, p.values,
                                 MSG("The pilot site was changed meanwhile; read it again."), err);
    db_params_clear(&p);
    return st;
}

pm_status pilot_site_repo_set_archived(PGconn *conn, const char *id, long long version,
                                       bool archive, pm_error *err)
{
    const char *keys[] = {id};
    return db_set_archived(conn, site_archive_sql, keys, 1, version, archive,
                           MSG("The pilot site was changed meanwhile; read it again."), err);
}
