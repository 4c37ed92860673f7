/* access.h: the access rules of the product by name — who may call a route at all (the role
 * masks of the route table), and one check per row of the access table (README, "Access") over
 * the caller and the facts of the object at hand, so that a handler reads like that table.
 *
 * Pure functions of their arguments: no I/O, thread-safe. An object the caller may not read is
 * answered 404 by the handler, not 403 (ids cannot be probed); these checks only decide. */
#ifndef PLANMON_ACCESS_H
#define PLANMON_ACCESS_H

#include <stdbool.h>

#include "auth/principal.h"

/* --- who may call a route (the route table's `roles`) ---------------------------------------- */

#define ACCESS_PUBLIC 0u /* no token needed */
#define ACCESS_ANYONE ROLES_ALL
#define ACCESS_ADMINS ROLE_BIT(ROLE_ADMIN)
/* Admins manage every user, managers those of their own agency (the handler checks which). */
#define ACCESS_USER_ADMINS (ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_MANAGER))
/* Create and edit plans, sections, tasks, indicators, targets and pilot model types. */
#define ACCESS_PLAN_EDITORS (ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_COORDINATOR))
#define ACCESS_AUDIT_READERS \
    (ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_AUDITOR))
/* Act for an agency: on tasks it leads or coordinates, data in its scope, sites it hosts (the
 * handler checks the agency). */
#define ACCESS_AGENCY_STAFF (ACCESS_PLAN_EDITORS | ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_OFFICER))
/* Register and manage webhooks: admins any, a manager its own agency's (access_manages_webhook). */
#define ACCESS_WEBHOOK_OWNERS (ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_MANAGER))
/* Review measurements (a manager only its district's communes: access_may_review). */
#define ACCESS_REVIEWERS (ACCESS_PLAN_EDITORS | ROLE_BIT(ROLE_MANAGER))

/* --- plan data ----------------------------------------------------------------------------------
 */

/* Creates and edits plans, sections, tasks, indicators, targets and pilot model types. */
bool access_edits_plan(const principal *who);

/* Sees archived plan data (and may restore it): those who edit plan data. */
bool access_sees_archived(const principal *who);

/* --- tasks -------------------------------------------------------------------------------------
 */

/* Posts a progress update on a task where the caller's agency has `role_on_task` ("lead",
 * "coordinate", or NULL when it has none). */
bool access_may_post_update(const principal *who, const char *role_on_task);

/* Changes a task's own fields (dates, status, percent), also through an update: editors, and
 * the people of its lead agency. */
bool access_may_edit_task(const principal *who, const char *role_on_task);

/* Changes any field of a task, beyond dates, status and percent: editors. */
bool access_may_edit_task_definition(const principal *who);

/* --- measurements ---------------------------------------------------------------------------- */

/* Reads draft and submitted measurements everywhere. */
bool access_reads_all_drafts(const principal *who);

/* Reads draft and submitted measurements of its own scope (units in the agency's scope, or
 * indicators the agency is named to report). */
bool access_reads_own_drafts(const principal *who);

/* Rolls up data not yet approved (analytics' include_unapproved). */
bool access_rolls_up_unapproved(const principal *who);

/* Enters or submits a measurement that is (`in_scope`) or is not in the caller's scope. */
bool access_may_enter(const principal *who, bool in_scope);

/* Approves, returns or un-approves a measurement of an indicator collected at
 * `indicator_level` (3: commune) for a unit whose parent is `unit_parent`, the caller's agency
 * being tied to `own_unit` (NULL: none). Editors all; a district committee's manager its
 * communes' data. */
bool access_may_review(const principal *who, int indicator_level, const char *unit_parent,
                       const char *own_unit);

/* --- pilot sites, submissions ----------------------------------------------------------------- */

/* Manages a pilot site hosted by `host_agency`: editors, and the host agency's people. */
bool access_may_manage_site(const principal *who, const char *host_agency);

/* Records a report handed in by `agency` to `recipient` (an agency code, or NULL): editors for
 * any agency, the recipient's people the reports it received, others their own. */
bool access_may_hand_in_for(const principal *who, const char *agency, const char *recipient);

/* Records when a report sent to `recipient` was received (a time other than now, such as a
 * report received in the past): editors and the recipient's people. The reporting agency's own
 * record is dated now. */
bool access_may_date_submission(const principal *who, const char *recipient);

/* Issues a report document in the name of `agency` (GET /v1/reports/{period}?agency=): editors
 * for any agency, everyone else only for their own. */
bool access_may_issue_report_as(const principal *who, const char *agency);

/* --- users --------------------------------------------------------------------------------------
 */

/* Manages every user, of any agency and role: the admin. */
bool access_manages_all_users(const principal *who);

/* Reads and manages the users of agency `user_agency`: the admin any, a manager its own
 * agency's. */
bool access_manages_user_of(const principal *who, const char *user_agency);

/* Gives a user `role`: the admin any; a manager officer or manager only. */
bool access_may_grant(const principal *who, const char *role);

/* --- webhooks -----------------------------------------------------------------------------------
 */

/* Registers, reads and manages a webhook with the read rights of `agency` (NULL: a viewer's): the
 * admin any; a manager one of its own agency. */
bool access_manages_webhook(const principal *who, const char *agency);

/* --- funding ---------------------------------------------------------------------------------- */

/* Reads every budget line, whatever its status: admins, coordinators, auditors and the people of
 * the Department of Finance (V.9). Others read appraised and allocated lines, and the rest of
 * their own agency's and, a district's People's Committee, its communes' (migration 0025). */
bool access_reads_all_budget_lines(const principal *who);

/* Drafts and edits a line of `agency`, and records spending on it: editors for any agency,
 * managers and officers for their own. */
bool access_may_write_budget_line(const principal *who, const char *agency);

/* Proposes a line of `agency`: editors, and the agency's managers. */
bool access_may_propose_budget_line(const principal *who, const char *agency);

/* Appraises a provincial line (or rejects it before appraisal): admins and the Department of
 * Finance's managers. */
bool access_may_appraise_budget_line(const principal *who);

/* Allocates a line (or rejects it at that step). A provincial line: editors, after appraisal. A
 * district line (`district_line`: its agency is a People's Committee), which skips appraisal
 * (V.12): admins, and the managers of the district's People's Committee (`callers_district`:
 * the caller's agency is the People's Committee of the district that holds the line's agency's
 * unit). */
bool access_may_allocate_budget_line(const principal *who, bool district_line,
                                     bool callers_district);

#endif
