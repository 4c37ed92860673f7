/* access.c: the access rules by name (see access.h). */
#include "auth/access.h"

#include <string.h>

static bool has(const principal *who, unsigned roles)
{
    return who && who->authenticated && (ROLE_BIT(who->role) & roles);
}

static bool own_agency(const principal *who, const char *agency)
{
    return agency && strcmp(agency, who->agency) == 0;
}

bool access_edits_plan(const principal *who)
{
    return has(who, ACCESS_PLAN_EDITORS);
}

bool access_sees_archived(const principal *who)
{
    return access_edits_plan(who);
}

bool access_may_post_update(const principal *who, const char *role_on_task)
{
    return access_edits_plan(who) || (has(who, ACCESS_AGENCY_STAFF) && role_on_task);
}

bool access_may_edit_task(const principal *who, const char *role_on_task)
{
    return access_edits_plan(who) ||
           (has(who, ACCESS_AGENCY_STAFF) && role_on_task && strcmp(role_on_task, "lead") == 0);
}

bool access_may_edit_task_definition(const principal *who)
{
    return access_edits_plan(who);
}

bool access_reads_all_drafts(const principal *who)
{
    return has(who, ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_AUDITOR));
}

bool access_reads_own_drafts(const principal *who)
{
    return has(who, ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_OFFICER));
}

bool access_rolls_up_unapproved(const principal *who)
{
    return access_edits_plan(who);
}

bool access_may_enter(const principal *who, bool in_scope)
{
    return access_edits_plan(who) || (has(who, ACCESS_AGENCY_STAFF) && in_scope);
}

bool access_may_review(const principal *who, int indicator_level, const char *unit_parent,
                       const char *own_unit)
{
    return access_edits_plan(who) ||
           (has(who, ROLE_BIT(ROLE_MANAGER)) && indicator_level == 3 && unit_parent && own_unit &&
            strcmp(unit_parent, own_unit) == 0);
}

bool access_may_manage_site(const principal *who, const char *host_agency)
{
    return access_edits_plan(who) ||
           (has(who, ACCESS_AGENCY_STAFF) && own_agency(who, host_agency));
}

bool access_may_issue_report_as(const principal *who, const char *agency)
{
    return access_edits_plan(who) || (has(who, ROLES_ALL) && own_agency(who, agency));
}

bool access_may_hand_in_for(const principal *who, const char *agency, const char *recipient)
{
    return access_may_date_submission(who, recipient) ||
           (has(who, ACCESS_AGENCY_STAFF) && own_agency(who, agency));
}

bool access_may_date_submission(const principal *who, const char *recipient)
{
    return access_edits_plan(who) || (has(who, ACCESS_AGENCY_STAFF) && own_agency(who, recipient));
}

bool access_manages_all_users(const principal *who)
{
    return has(who, ROLE_BIT(ROLE_ADMIN));
}

bool access_manages_user_of(const principal *who, const char *user_agency)
{
    return access_manages_all_users(who) ||
           (has(who, ROLE_BIT(ROLE_MANAGER)) && own_agency(who, user_agency));
}

bool access_may_grant(const principal *who, const char *role)
{
    return access_manages_all_users(who) ||
           (has(who, ROLE_BIT(ROLE_MANAGER)) && role &&
            (strcmp(role, "officer") == 0 || strcmp(role, "manager") == 0));
}

bool access_manages_webhook(const principal *who, const char *agency)
{
    return has(who, ROLE_BIT(ROLE_ADMIN)) ||
           (has(who, ROLE_BIT(ROLE_MANAGER)) && agency && own_agency(who, agency));
}

/* The Department of Finance (decision 1994, V.9): it appraises the provincial lines and checks
 * how the money is used, so it reads every line. */
static const char finance_agency[] = "STC";

bool access_reads_all_budget_lines(const principal *who)
{
    return has(who, ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_AUDITOR)) ||
           (has(who, ROLES_ALL) && own_agency(who, finance_agency));
}

bool access_may_write_budget_line(const principal *who, const char *agency)
{
    return access_edits_plan(who) ||
           (has(who, ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_OFFICER)) && own_agency(who, agency));
}

bool access_may_propose_budget_line(const principal *who, const char *agency)
{
    return access_edits_plan(who) || (has(who, ROLE_BIT(ROLE_MANAGER)) && own_agency(who, agency));
}

bool access_may_appraise_budget_line(const principal *who)
{
    return has(who, ROLE_BIT(ROLE_ADMIN)) ||
           (has(who, ROLE_BIT(ROLE_MANAGER)) && own_agency(who, finance_agency));
}

bool access_may_allocate_budget_line(const principal *who, bool district_line,
                                     bool callers_district)
{
    if (has(who, ROLE_BIT(ROLE_ADMIN)))
        return true;
    if (district_line)
        return has(who, ROLE_BIT(ROLE_MANAGER)) && callers_district;
    return access_edits_plan(who);
}
