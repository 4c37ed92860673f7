/* agencies_repo.c: agencies (see agencies_repo.h). */
#include "resources/agencies_repo.h"

#include <stdio.h>
#include <stdlib.h>

#include "db/params.h"
#include "db/query.h"

const char *const agency_kinds[] = {
    "people_committee",
    "office",
    "steering_committee",
    "department",
    "police",
    "border_guard",
    "media",
    "party",
    "procuracy",
    "court",
    "mass_organisation",
    "foreign_partner",
    "people_council",
    "inspection_team",
    "social_work_centre",
    NULL,
};

const char *const agency_kinds_with_unit[] = {"people_committee", "people_council",
                                              "inspection_team", NULL};
const char *const agency_kinds_may_have_unit[] = {"procuracy", "court", "social_work_centre", NULL};

#define AGENCY_SELECT                                                                     \
    "SELECT a.code, a.name, a.name_en, a.kind, a.unit, a.valid_from::text AS valid_from," \
    "       a.valid_to::text AS valid_to, a.short_name, a.parent, a.version FROM agency a"

/* $1 kind, $2 unit, $3 q, $4 keyset after code, $5 limit + 1. */
#define LIST_FILTERED                                                                         \
    AGENCY_SELECT " WHERE ($1::text IS NULL OR a.kind = $1)"                                  \
                  "   AND ($2::text IS NULL OR a.unit = $2)"                                  \
                  "   AND ($3::text IS NULL OR a.search_text LIKE planmon_search_pattern($3)" \
                  "        AND a.search_text ~ planmon_search_words($3))"
static const char list_sql[] =
    LIST_FILTERED "   AND ($4::text IS NULL OR a.code > $4) ORDER BY a.code LIMIT $5::int";

/* ?sort= keys (agency_sort_names), each ascending then descending; $6 the cursor's sort key. */
#define AGENCY_SORTED(KEY) DB_SORTED_PAGES(LIST_FILTERED, KEY, "l.code", "$6", "$4::text", "$5")
static const char *const sorted_sql[] = {
    AGENCY_SORTED(DB_NAME_KEY("l.name")),
    AGENCY_SORTED("l.code"),
};
const char *const agency_sort_names[] = {"name", "code", NULL};
DB_SORTS_MATCH(sorted_sql, agency_sort_names);

static const char count_sql[] = DB_COUNT(LIST_FILTERED, "$4::text, $5::text, $6::text");

static const char get_sql[] = AGENCY_SELECT " WHERE a.code = $1";
static const char get_locked_sql[] = AGENCY_SELECT " WHERE a.code = $1 FOR UPDATE";

/* $1 code $2 unit $3 creating $4 kind $5 parent: is the code taken (on create), is the unit
 * unknown, does the unit have another agency of the kind, is the parent the agency itself or
 * unknown. */
static const char check_sql[] =
    "SELECT $3::boolean AND EXISTS (SELECT 1 FROM agency WHERE code = $1),"
    "       $2::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM admin_unit WHERE code = $2),"
    "       $2::text IS NOT NULL AND EXISTS (SELECT 1 FROM agency"
    "                                        WHERE unit = $2 AND kind = $4 AND code <> $1),"
    "       $5::text IS NOT NULL AND ($5 = $1 OR NOT EXISTS (SELECT 1 FROM agency"
    "                                                        WHERE code = $5))";

static const char *const columns[] = {"code",       "name",     "name_en",    "kind",  "unit",
                                      "valid_from", "valid_to", "short_name", "parent"};
enum { NCOLUMNS = sizeof columns / sizeof columns[0] };

static const char insert_sql[] =
    "INSERT INTO agency (code, name, name_en, kind, unit, valid_from, valid_to, short_name, parent)"
    " VALUES ($1, $2, $3, $4, $5, $6::date, $7::date, $8, $9)";

/* The columns but code as $1..$8, $9 present fields, $10 code $11 version. */
static const char update_sql[] =
    "UPDATE agency SET"
    "  name = CASE WHEN 'name' = ANY($9::text[]) THEN $1 ELSE name END,"
    "  name_en = CASE WHEN 'name_en' = ANY($9::text[]) THEN $2 ELSE name_en END,"
    "  kind = CASE WHEN 'kind' = ANY($9::text[]) THEN $3 ELSE kind END,"
    "  unit = CASE WHEN 'unit' = ANY($9::text[]) THEN $4 ELSE unit END,"
    "  valid_from = CASE WHEN 'valid_from' = ANY($9::text[]) THEN $5::date ELSE valid_from END,"
    "  valid_to = CASE WHEN 'valid_to' = ANY($9::text[]) THEN $6::date ELSE valid_to END,"
    "  short_name = CASE WHEN 'short_name' = ANY($9::text[]) THEN $7 ELSE short_name END,"
    "  parent = CASE WHEN 'parent' = ANY($9::text[]) THEN $8 ELSE parent END,"
    "  version = version + 1, updated_at = now()"
    " WHERE code = $10 AND version = $11::int RETURNING code";

static const char *const sort_keys[] = {"code"};

pm_status agency_repo_list(PGconn *conn, const agency_filter *filter, const page_request *page,
                           page_result *out, pm_error *err)
{
    static const char *const sorted_keys[] = {"code", "_sort"};
    char limit[16];
    if ((page->sort ? page_bind_sorted(page, false, limit, err)
                    : page_bind(page, 1, 0, limit, err)) != PM_OK)
        return PM_INVALID_PARAMETER;
    const char *params[] = {filter->kind,        filter->unit, filter->q,
                            page_after(page, 0), limit,        page_after(page, 1)};
    pm_status st = page->sort
                       ? db_fetch_page(conn, sorted_sql[db_sorted_index(page)], 6, params, page,
                                       sorted_keys, 2, out, err)
                       : db_fetch_page(conn, list_sql, 5, params, page, sort_keys, 1, out, err);
    return st == PM_OK && page->count ? db_count(conn, count_sql, 6, params, out, err) : st;
}

pm_status agency_repo_get(PGconn *conn, const char *code, json_t **out, pm_error *err)
{
    const char *params[] = {code};
    return db_fetch_one(conn, get_sql, 1, params, MSG("There is no such agency."), out, err);
}

pm_status agency_repo_get_locked(PGconn *conn, const char *code, json_t **out, pm_error *err)
{
    const char *params[] = {code};
    return db_fetch_one(conn, get_locked_sql, 1, params, MSG("There is no such agency."), out, err);
}

pm_status agency_repo_check(PGconn *conn, const char *code, const char *kind, const char *unit,
                            const char *parent, bool creating, pm_error *err)
{
    const char *params[] = {code, unit, creating ? "true" : "false", kind, parent};
    PGresult *res;
    pm_status st = db_exec(conn, check_sql, 5, params, &res, err);
    if (st != PM_OK)
        return st;
    if (PQgetvalue(res, 0, 0)[0] == 't')
        st = pm_fail_field(err, PM_CONFLICT, "code", "taken",
                           MSG("An agency with this code exists."));
    else if (PQgetvalue(res, 0, 1)[0] == 't')
        st = pm_fail_field(err, PM_VALIDATION_FAILED, "unit", "unknown",
                           MSG("unit names no administrative unit"));
    else if (PQgetvalue(res, 0, 2)[0] == 't')
        st = pm_fail_field(err, PM_CONFLICT, "unit", "taken",
                           MSG("Another agency of this kind is tied to this unit."));
    else if (PQgetvalue(res, 0, 3)[0] == 't')
        st = pm_fail_field(err, PM_VALIDATION_FAILED, "parent", "unknown",
                           MSG("parent names no other agency"));
    PQclear(res);
    return st;
}

/* The period CHECK and the kind-unit CHECK, named; a unique violation lost to a race. */
static pm_status refusal(pm_status st, pm_error *err)
{
    if (st == PM_VALIDATION_FAILED) {
        pm_error_reset(err);
        return pm_fail_field(err, PM_VALIDATION_FAILED, "valid_to", "before_start",
                             MSG("valid_to must be after valid_from"));
    }
    if (st == PM_CONFLICT) {
        pm_error_reset(err);
        return pm_fail_field(err, PM_CONFLICT, "code", "taken",
                             MSG("An agency with this code or unit exists."));
    }
    return st;
}

pm_status agency_repo_create(PGconn *conn, const json_t *fields, pm_error *err)
{
    db_params p = {0};
    db_params_add_fields(&p, fields, columns, NCOLUMNS);
    pm_status st = refusal(db_exec(conn, insert_sql, p.count, p.values, NULL, err), err);
    db_params_clear(&p);
    return st;
}

pm_status agency_repo_update(PGconn *conn, const char *code, long long version,
                             const json_t *fields, pm_error *err)
{
    db_params p = {0};
    db_params_add_fields(&p, fields, columns + 1, NCOLUMNS - 1);
    db_params_add_present(&p, fields, columns + 1, NCOLUMNS - 1);
    db_params_add(&p, code);
    db_params_add_int(&p, version);
    pm_status st =
        refusal(db_change_one(conn, update_sql, p.count, p.values,
                              MSG("The agency was changed meanwhile; read it again."), err),
                err);
    db_params_clear(&p);
    return st;
}

/* An agency of db/seed/agencies.json, or, when it exists, the abbreviation it lacks (a database
 * seeded before migration 0020); "inserted" tells which. The province's departments and its
 * Office have its People's Committee as their parent (rule R6 of db/seed/README-plan-1994.md):
 * the bodies of the units are seeded first. */
static const char seed_sql[] =
    "INSERT INTO agency (code, name, name_en, kind, short_name, parent)"
    " VALUES ($1, $2, $3, $4, $5,"
    "         CASE WHEN $4 IN ('department', 'office') THEN"
    "           (SELECT p.code FROM agency p JOIN admin_unit u ON u.code = p.unit"
    "            WHERE p.kind = 'people_committee' AND u.level = 1 AND u.valid_to IS NULL"
    "            ORDER BY p.code LIMIT 1) END)"
    " ON CONFLICT (code) DO UPDATE SET short_name = EXCLUDED.short_name"
    "  WHERE agency.short_name IS NULL AND EXCLUDED.short_name IS NOT NULL"
    " RETURNING xmax = 0 AS inserted";

/* The bodies tied to each current unit (III.2, V.14, II.3.3.b(1)): its People's Committee (every
 * level), the district People's Councils, procuracies and courts, the inter-sector inspection
 * teams of province, districts and communes, and the province's social work centre; each named
 * after its unit ("Ủy ban nhân dân thành phố Long Xuyên", "People's Committee of Long Xuyen
 * City"). */
static const char seed_unit_bodies_sql[] =
    "INSERT INTO agency (code, name, name_en, kind, unit, short_name)"
    " SELECT b.prefix || '-' || u.code,"
    "        b.name || ' ' || lower(left(u.name, 1)) || substr(u.name, 2),"
    "        b.name_en || ' ' || public.unaccent("
    "            regexp_replace(u.name, '^(Tỉnh|Thành phố|Thị xã|Huyện|Phường|Thị trấn|Xã) ', ''))"
    "        || CASE u.type WHEN 'tinh' THEN ' Province' WHEN 'thanh_pho' THEN ' City'"
    "                       WHEN 'thi_xa' THEN ' Town' WHEN 'huyen' THEN ' District'"
    "                       WHEN 'phuong' THEN ' Ward' WHEN 'thi_tran' THEN ' Township'"
    "                       ELSE ' Commune' END,"
    "        b.kind, u.code, b.short_name"
    " FROM (VALUES (1, 'UBND', 'Ủy ban nhân dân', 'People''s Committee of', 'people_committee',"
    "               '{1,2,3}'::int[], 'UBND'),"
    "              (2, 'HDND', 'Hội đồng nhân dân', 'People''s Council of', 'people_council',"
    "               '{2}', 'HĐND'),"
    "              (3, 'VKSND', 'Viện kiểm sát nhân dân', 'People''s Procuracy of', 'procuracy',"
    "               '{2}', 'VKSND'),"
    "              (4, 'TAND', 'Tòa án nhân dân', 'People''s Court of', 'court', '{2}', 'TAND'),"
    "              (5, 'DKTLN', 'Đội kiểm tra liên ngành', 'Inter-sector Inspection Team of',"
    "               'inspection_team', '{1,2,3}', 'ĐKTLN'),"
    "              (6, 'TTCTXH', 'Trung tâm Công tác xã hội', 'Social Work Centre of',"
    "               'social_work_centre', '{1}', 'TTCTXH'))"
    "      AS b (seq, prefix, name, name_en, kind, levels, short_name)"
    " JOIN admin_unit u ON u.level = ANY (b.levels)"
    " WHERE u.valid_to IS NULL"
    " ORDER BY b.seq, u.level, u.code"
    " ON CONFLICT DO NOTHING";

/* Adds the number of rows `res` says were inserted to *added, and clears it. */
static void count_inserted(PGresult *res, int *added)
{
    *added += atoi(PQcmdTuples(res));
    PQclear(res);
}

pm_status agency_repo_seed(PGconn *conn, const json_t *fields, int *added, pm_error *err)
{
    const char *params[] = {
        json_string_value(json_object_get(fields, "code")),
        json_string_value(json_object_get(fields, "name")),
        json_string_value(json_object_get(fields, "name_en")),
        json_string_value(json_object_get(fields, "kind")),
        json_string_value(json_object_get(fields, "short_name")),
    };
    PGresult *res;
    pm_status st = db_exec(conn, seed_sql, 5, params, &res, err);
    if (st != PM_OK)
        return st;
    for (int i = 0; i < PQntuples(res); i++)
        *added += PQgetvalue(res, i, 0)[0] == 't';
    PQclear(res);
    return st;
}

pm_status agency_repo_seed_unit_bodies(PGconn *conn, int *added, pm_error *err)
{
    PGresult *res;
    pm_status st = db_exec(conn, seed_unit_bodies_sql, 0, NULL, &res, err);
    if (st == PM_OK)
        count_inserted(res, added);
    return st;
}
