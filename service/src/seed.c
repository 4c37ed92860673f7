/* seed.c: reference data loading (see seed.h). */
#include "seed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/password.h"
#include "db/query.h"
#include "embedded.h"
#include "resources/admin_units_repo.h"
#include "resources/agencies_repo.h"
#include "resources/documents_repo.h"
#include "resources/indicators_repo.h"
#include "resources/obligations_repo.h"
#include "resources/occurrences_repo.h"
#include "resources/pilots_repo.h"
#include "resources/plans_repo.h"
#include "resources/sections_repo.h"
#include "resources/tasks_repo.h"
#include "resources/users_repo.h"

static const struct {
    const char *vi, *code;
} unit_types[] = {
    {"Tỉnh", "tinh"},     {"Thành phố", "thanh_pho"}, {"Thị xã", "thi_xa"}, {"Huyện", "huyen"},
    {"Phường", "phuong"}, {"Thị trấn", "thi_tran"},   {"Xã", "xa"},
};

static const char *unit_type(const char *vi)
{
    for (size_t i = 0; vi && i < sizeof unit_types / sizeof unit_types[0]; i++)
        if (strcmp(unit_types[i].vi, vi) == 0)
            return unit_types[i].code;
    return NULL;
}

/* Parses the embedded seed file `name` into *doc (a new reference). */
static pm_status seed_json(const char *name, json_t **doc, pm_error *err)
{
    const struct embedded_file *file = embedded_find(embedded_seed, embedded_seed_count, name);
    *doc = file ? json_loadb(file->data, file->len, 0, NULL) : NULL;
    return *doc ? PM_OK : pm_fail(err, PM_INTERNAL, MSG("%s is missing or not JSON"), name);
}

/* Inserts one unit described by `obj` ({"gso_code","name","type"}); adds 1 to *count if new. */
static pm_status insert_unit(PGconn *conn, json_t *obj, int level, const char *parent,
                             const char *valid_from, int *count, pm_error *err)
{
    const char *code = json_string_value(json_object_get(obj, "gso_code"));
    const char *name = json_string_value(json_object_get(obj, "name"));
    const char *type = unit_type(json_string_value(json_object_get(obj, "type")));
    if (!code || !name || !type)
        return pm_fail(err, PM_VALIDATION_FAILED,
                       MSG("admin-units.json: a unit lacks a code, a name or a known type"));
    return admin_unit_repo_seed(conn, code, name, type, level, parent, valid_from, count, err);
}

/* The first day the unit list is known to hold: the earliest snapshot the file was checked
 * against (YYYYMMDD keys), as YYYY-MM-DD. */
static void earliest_snapshot(json_t *doc, char out[11])
{
    const char *best =
        json_string_value(json_object_get(json_object_get(doc, "source"), "snapshot_key"));
    json_t *also = json_object_get(json_object_get(doc, "source"), "verified_equal_at");
    size_t i;
    json_t *v;
    json_array_foreach(also, i, v)
    {
        const char *s = json_string_value(v);
        if (s && strlen(s) == 8 && (!best || strcmp(s, best) < 0))
            best = s;
    }
    if (!best || strlen(best) != 8)
        best = "20160101";
    snprintf(out, 11, "%.4s-%.2s-%.2s", best, best + 4, best + 6);
}

static pm_status load_units(PGconn *conn, int *count, pm_error *err)
{
    json_t *doc;
    if (seed_json("admin-units.json", &doc, err) != PM_OK)
        return PM_INTERNAL;
    char valid_from[11];
    earliest_snapshot(doc, valid_from);
    json_t *province = json_object_get(doc, "province");
    const char *province_code = json_string_value(json_object_get(province, "gso_code"));
    pm_status st = insert_unit(conn, province, 1, NULL, valid_from, count, err);
    size_t i, j;
    json_t *district, *commune;
    json_array_foreach(json_object_get(doc, "districts"), i, district)
    {
        if (st != PM_OK)
            break;
        const char *district_code = json_string_value(json_object_get(district, "gso_code"));
        st = insert_unit(conn, district, 2, province_code, valid_from, count, err);
        json_array_foreach(json_object_get(district, "communes"), j, commune)
        {
            if (st != PM_OK)
                break;
            st = insert_unit(conn, commune, 3, district_code, valid_from, count, err);
        }
    }
    json_decref(doc);
    return st;
}

/* Seeds each item of the array `key` of the seed file `file` with `seed`. */
static pm_status seed_each(PGconn *conn, const char *file, const char *key,
                           pm_status (*seed)(PGconn *, const json_t *, int *, pm_error *),
                           int *count, pm_error *err)
{
    json_t *doc;
    if (seed_json(file, &doc, err) != PM_OK)
        return PM_INTERNAL;
    pm_status st = PM_OK;
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(doc, key), i, item)
    {
        if ((st = seed(conn, item, count, err)) != PM_OK)
            break;
    }
    json_decref(doc);
    return st;
}

static pm_status load_agencies(PGconn *conn, int *count, pm_error *err)
{
    /* the bodies of the units first: a department's parent is the province's committee */
    pm_status st = agency_repo_seed_unit_bodies(conn, count, err);
    return st == PM_OK ? seed_each(conn, "agencies.json", "agencies", agency_repo_seed, count, err)
                       : st;
}

static pm_status load_documents(PGconn *conn, int *count, pm_error *err)
{
    return seed_each(conn, "plan-1994.json", "documents", document_repo_seed, count, err);
}

/* The members of agency group `code` in `groups` (the file's agency_groups), or NULL when
 * `code` is an agency of its own. Borrowed. */
static const json_t *group_members(const json_t *groups, const char *code)
{
    size_t i;
    json_t *g;
    json_array_foreach(groups, i, g)
    {
        if (strcmp(json_string_value(json_object_get(g, "code")), code) == 0)
            return json_object_get(g, "members");
    }
    return NULL;
}

/* The agencies `codes` names, each group (such as UBND-DISTRICTS) replaced by its members. New. */
static json_t *expand_codes(const json_t *doc, const json_t *codes)
{
    json_t *out = json_array();
    size_t i;
    json_t *code;
    json_array_foreach(codes, i, code)
    {
        const json_t *members =
            group_members(json_object_get(doc, "agency_groups"), json_string_value(code));
        if (members)
            json_array_extend(out, (json_t *)members);
        else
            json_array_append(out, code);
    }
    return out;
}

/* The agencies of a seed task with each group entry replaced by one entry per member. New. */
static json_t *expand_agencies(const json_t *entries, const json_t *groups)
{
    json_t *out = json_array();
    size_t i, j;
    json_t *e, *member;
    json_array_foreach(entries, i, e)
    {
        const json_t *members =
            group_members(groups, json_string_value(json_object_get(e, "agency")));
        if (!members) {
            json_array_append(out, e);
            continue;
        }
        json_array_foreach(members, j, member)
        {
            json_t *copy = json_copy(e);
            json_object_set(copy, "agency", member);
            json_array_append_new(out, copy);
        }
    }
    return out;
}

/* The period type of a seed indicator: the file's period_type, or the Decree 09 type its
 * period_id_form names (YYYYVNS1|YYYYVNS2, YYYYVN). */
static const char *indicator_period_type(const json_t *indicator)
{
    const char *form = json_string_value(json_object_get(indicator, "period_id_form"));
    if (form && strstr(form, "VNS"))
        return "vn_six_monthly";
    if (form && strstr(form, "VN"))
        return "vn_yearly";
    return json_string_value(json_object_get(indicator, "period_type"));
}

/* The pilot model type (PM1..PM3) whose source clause is the indicator's, or NULL. */
static const char *indicator_model_type(const json_t *doc, const json_t *indicator)
{
    const char *clause = json_string_value(json_object_get(indicator, "source_clause"));
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(doc, "pilot_model_types"), i, m)
    {
        const char *c = json_string_value(json_object_get(m, "source_clause"));
        if (clause && c && strcmp(c, clause) == 0)
            return json_string_value(json_object_get(m, "code"));
    }
    return NULL;
}

/* A seed indicator as the indicator table holds it; the targets are seeded on their own. */
static json_t *indicator_fields(const json_t *doc, const json_t *item, const char *plan)
{
    json_t *f = json_object();
    static const char *const copied[] = {"code",   "name",       "name_en",   "source_clause",
                                         "level",  "value_type", "direction", "rollup",
                                         "source", "note"};
    for (size_t i = 0; i < sizeof copied / sizeof copied[0]; i++)
        json_object_set(f, copied[i], json_object_get(item, copied[i]));
    json_object_set_new(f, "plan", json_string(plan));
    json_object_set_new(f, "period_type", json_string(indicator_period_type(item)));
    const json_t *text = json_object_get(item, "target_text");
    json_object_set(f, "description", json_is_string(text) ? (json_t *)text : json_string(""));
    const char *rollup = json_string_value(json_object_get(item, "rollup"));
    if (rollup && strcmp(rollup, "periods_meeting_threshold") == 0)
        json_object_set(
            f, "threshold",
            json_object_get(json_array_get(json_object_get(item, "targets"), 0), "value"));
    if (rollup && strcmp(rollup, "pilot_registry") == 0) {
        const char *model = indicator_model_type(doc, item);
        json_object_set_new(f, "pilot_model_type", model ? json_string(model) : json_null());
    }
    json_object_set_new(f, "reporting_agencies",
                        expand_codes(doc, json_object_get(item, "reporting_agencies")));
    return f;
}

/* A seed reporting obligation as the table holds it. */
static json_t *obligation_fields(const json_t *doc, const json_t *item)
{
    static const char *const copied[] = {"code",
                                         "source_clause",
                                         "description",
                                         "recipient",
                                         "mode",
                                         "frequency",
                                         "due_rule",
                                         "note",
                                         "applies_from",
                                         "applies_to",
                                         "recipient_source",
                                         "recipient_note",
                                         "frequency_source",
                                         "frequency_note"};
    json_t *f = json_object();
    for (size_t i = 0; i < sizeof copied / sizeof copied[0]; i++)
        json_object_set(f, copied[i], json_object_get(item, copied[i]));
    json_object_set(f, "task_key", json_object_get(item, "task"));
    json_t *reporter = json_pack("[O]", json_object_get(item, "reporter"));
    json_object_set_new(f, "reporters", expand_codes(doc, reporter));
    json_decref(reporter);
    /* The file writes the period forms: VNS1 (the mid-year report alone), VNS1/VNS2, VN, YYYY,
     * or null for a report with no period (made once, or at a council's sessions). */
    const char *form = json_string_value(json_object_get(item, "period_type"));
    const char *type = !form                     ? NULL
                       : strstr(form, "VNS")     ? "vn_six_monthly"
                       : strcmp(form, "VN") == 0 ? "vn_yearly"
                                                 : "yearly";
    json_object_set_new(f, "period_type", type ? json_string(type) : json_null());
    json_object_set_new(f, "expected_periods",
                        json_string(form && strcmp(form, "VNS1") == 0 ? "first_half" : "all"));
    return f;
}

static pm_status load_plan(PGconn *conn, seed_counts *counts, pm_error *err)
{
    json_t *doc;
    if (seed_json("plan-1994.json", &doc, err) != PM_OK)
        return PM_INTERNAL;
    char plan[24];
    const json_t *groups = json_object_get(doc, "agency_groups");
    pm_status st = plan_repo_seed(conn, json_object_get(doc, "plan"), plan, &counts->plans, err);
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(doc, "sections"), i, item)
    {
        if (st != PM_OK)
            break;
        json_t *section = json_copy(item);
        json_object_set_new(section, "addressees",
                            expand_agencies(json_object_get(item, "addressees"), groups));
        st = section_repo_seed(conn, plan, section, &counts->sections, err);
        json_decref(section);
    }
    json_array_foreach(json_object_get(doc, "tasks"), i, item)
    {
        if (st != PM_OK)
            break;
        json_t *task = json_copy(item);
        json_object_set_new(task, "agencies",
                            expand_agencies(json_object_get(item, "agencies"), groups));
        st = task_repo_seed(conn, plan, task, json_string_value(json_object_get(item, "parent")),
                            &counts->tasks, err);
        json_decref(task);
    }
    json_array_foreach(json_object_get(doc, "indicators"), i, item)
    {
        if (st != PM_OK)
            break;
        json_t *fields = indicator_fields(doc, item, plan);
        const char *code = json_string_value(json_object_get(item, "code"));
        st = indicator_repo_seed(conn, fields, &counts->indicators, err);
        if (st == PM_OK)
            st = target_repo_seed(conn, code, json_object_get(item, "targets"), &counts->targets,
                                  err);
        json_decref(fields);
    }
    json_array_foreach(json_object_get(doc, "pilot_model_types"), i, item)
    {
        if (st != PM_OK)
            break;
        st = pilot_type_repo_seed(conn, plan, item, &counts->pilot_model_types, err);
    }
    json_array_foreach(json_object_get(doc, "reporting_obligations"), i, item)
    {
        if (st != PM_OK)
            break;
        json_t *fields = obligation_fields(doc, item);
        st = obligation_repo_seed(conn, plan, fields, &counts->obligations, err);
        json_decref(fields);
    }
    json_decref(doc);
    return st;
}

pm_status seed_load(PGconn *conn, int due_days, seed_counts *counts, pm_error *err)
{
    int derived = 0;
    memset(counts, 0, sizeof *counts);
    pm_status st = db_begin(conn, err);
    if (st == PM_OK)
        st = load_units(conn, &counts->units, err);
    if (st == PM_OK)
        st = load_agencies(conn, &counts->agencies, err);
    if (st == PM_OK)
        st = load_documents(conn, &counts->documents, err);
    if (st == PM_OK)
        st = load_plan(conn, counts, err);
    if (st == PM_OK)
        st = occurrence_repo_derive_all(conn, due_days, &derived, err);
    if (st == PM_OK)
        st = db_commit(conn, err);
    else
        db_rollback(conn, NULL);
    return st;
}

pm_status seed_demo_users(PGconn *conn, const char *password, int *added, pm_error *err)
{
    json_t *doc;
    if (seed_json("demo-users.json", &doc, err) != PM_OK)
        return PM_INTERNAL;
    char hash[PASSWORD_HASH_MAX];
    pm_status st = password_hash(password, hash, err);
    if (st == PM_OK)
        st = db_begin(conn, err);
    size_t i;
    json_t *u;
    *added = 0;
    json_array_foreach(json_object_get(doc, "users"), i, u)
    {
        if (st != PM_OK)
            break;
        user_new user = {
            .username = json_string_value(json_object_get(u, "username")),
            .display_name = json_string_value(json_object_get(u, "display_name")),
            .agency = json_string_value(json_object_get(u, "agency")),
            .role = json_string_value(json_object_get(u, "role")),
            .password_hash = hash,
            .active = true,
        };
        int one = 0;
        st = user_repo_create_if_missing(conn, &user, &one, err);
        *added += one;
    }
    json_decref(doc);
    if (st == PM_OK)
        st = db_commit(conn, err);
    return st;
}
