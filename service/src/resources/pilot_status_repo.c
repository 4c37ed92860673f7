/* pilot_status_repo.c: a pilot site's status history (see pilot_status_repo.h). */
#include "resources/pilot_status_repo.h"

#include "db/query.h"

/* $1 site $2 status $3 previous $4 effective on $5 note $6 late entry $7 author $8 agency */
static const char add_sql[] =
    "INSERT INTO pilot_site_status (site, status, previous_status, effective_on, note,"
    "                               late_entry, author, agency)"
    " VALUES ($1::bigint, $2, $3, $4::date, $5, $6::boolean, $7, $8)";

/* $1 site */
static const char last_day_sql[] =
    "SELECT coalesce(max(effective_on)::text, '') AS day FROM pilot_site_status"
    " WHERE site = $1::bigint";

/* $1 site */
static const char history_sql[] =
    "SELECT h.id, h.status, h.previous_status, h.effective_on::text AS effective_on, h.note,"
    "       h.late_entry, h.author, h.agency, planmon_utc(h.created_at) AS created_at"
    " FROM pilot_site_status h WHERE h.site = $1::bigint ORDER BY h.effective_on, h.id";

pm_status pilot_status_repo_add(PGconn *conn, const char *site, const char *status,
                                const char *previous, const char *effective_on, const char *note,
                                bool late_entry, const char *author, const char *agency,
                                pm_error *err)
{
    const char *params[] = {
        site, status, previous, effective_on, note, late_entry ? "true" : "false", author, agency};
    return db_exec(conn, add_sql, 8, params, NULL, err);
}

pm_status pilot_status_repo_last_day(PGconn *conn, const char *site, char *day, pm_error *err)
{
    const char *params[] = {site};
    return db_fetch_text(conn, last_day_sql, 1, params, MSG("There is no such pilot site."), day,
                         11, err);
}

pm_status pilot_status_repo_history(PGconn *conn, const char *site, json_t **out, pm_error *err)
{
    const char *params[] = {site};
    return db_fetch_all(conn, history_sql, 1, params, out, err);
}
