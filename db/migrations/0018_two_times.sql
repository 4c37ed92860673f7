-- 0018_two_times: every fact keeps two times apart (issue 18). Its effective time, when it
-- happened or was true, a date in the province given by the caller: a progress update's
-- occurred_on, a pilot site status change's effective_on, a submission's submitted_at. Its record
-- time, when planmon learned it: created_at and the audit trail, never editable. A report of
-- period P as of moment A counts the facts effective in P (or the state at P's end) that were
-- recorded by A.
--
-- Migrated rows had no effective time: they take the day they were recorded, in the province's
-- default zone (PROVINCE_TIME_ZONE defaults to Asia/Ho_Chi_Minh; migrations cannot read the
-- service's settings).

-- A task's dates and title say their basis (the seed's provenance: due_basis 'text' when the
-- decision gives the date, 'plan_end' when it does not and the plan's end stands in); due_days is
-- how many days after an occurrence's period a recurring task's occurrence falls due (NULL: the
-- linked reporting obligation's, else REPORT_DUE_DAYS).
ALTER TABLE task
    ADD COLUMN due_basis text CHECK (due_basis IN ('text', 'plan_end')),
    ADD COLUMN start_basis text CHECK (start_basis IN ('text', 'decision_date')),
    ADD COLUMN title_basis text CHECK (title_basis IN ('text', 'excerpt', 'elided')),
    ADD COLUMN due_days integer CHECK (due_days BETWEEN 0 AND 365);

-- A progress update happened on occurred_on; late_entry: it was recorded after the due date of
-- the Vietnamese 6-month report period (Decree 09/2019) that contains occurred_on; occurrence:
-- the occurrence of a recurring task (its period id) the update reports done.
ALTER TABLE task_update
    ADD COLUMN occurred_on date,
    ADD COLUMN late_entry boolean NOT NULL DEFAULT false,
    ADD COLUMN occurrence text CHECK (length(occurrence) <= 16);
UPDATE task_update SET occurred_on = planmon_local_date(created_at, 'Asia/Ho_Chi_Minh');
ALTER TABLE task_update ALTER COLUMN occurred_on SET NOT NULL;
CREATE INDEX task_update_state ON task_update (task_id, occurred_on, id);

-- A task's status and percent at the end of `day`, as planmon knew them at `moment`: the latest
-- status and the latest percent given by the updates that occurred by that day and were recorded
-- by that moment (latest by occurred_on, then by record order); a task no update moved is not
-- started.
CREATE FUNCTION planmon_task_state(task bigint, day date, moment timestamptz,
                                   OUT status text, OUT percent_done smallint)
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
    SELECT coalesce((SELECT u.status FROM task_update u
                     WHERE u.task_id = $1 AND u.status IS NOT NULL AND u.occurred_on <= $2
                       AND u.created_at <= $3
                     ORDER BY u.occurred_on DESC, u.id DESC LIMIT 1), 'not_started'),
           coalesce((SELECT u.percent_done FROM task_update u
                     WHERE u.task_id = $1 AND u.percent_done IS NOT NULL AND u.occurred_on <= $2
                       AND u.created_at <= $3
                     ORDER BY u.occurred_on DESC, u.id DESC LIMIT 1), 0::smallint)
    $$;

-- Every change of a task's state has an effective date: a task whose state no update explains
-- (set by a PATCH before this migration) receives the update that explains it, dated the day
-- the task last changed and recorded then, in the name of its lead agency (or its plan's).
INSERT INTO task_update (task_id, note, percent_done, status, previous_status,
                         previous_percent_done, author, agency, occurred_on, created_at)
SELECT t.id, 'Recorded by migration 0018: the state the task had without an update.',
       t.percent_done, t.status, s.status, s.percent_done, 'planmon',
       coalesce((SELECT e ->> 'agency' FROM jsonb_array_elements(t.agencies) AS e
                 WHERE e ->> 'role' = 'lead' LIMIT 1), p.lead_agency),
       planmon_local_date(t.updated_at, 'Asia/Ho_Chi_Minh'), t.updated_at
FROM task t JOIN plan p ON p.id = t.plan
CROSS JOIN LATERAL planmon_task_state(t.id, 'infinity', 'infinity') AS s
WHERE (s.status, s.percent_done) IS DISTINCT FROM (t.status, t.percent_done)
  AND coalesce((SELECT e ->> 'agency' FROM jsonb_array_elements(t.agencies) AS e
                WHERE e ->> 'role' = 'lead' LIMIT 1), p.lead_agency) IS NOT NULL;

-- The occurrences of a recurring task: one per period of its rhythm (its linked reporting
-- obligation's periods, else the calendar periods of its recurrence) whose end falls within the
-- task's life and the obligation's window, each with its own due date. The service derives them
-- (domain/period.c) whenever the task or its obligation changes; an occurrence that no longer
-- follows is retired, never deleted, so that a report as of an earlier moment reads the
-- occurrences planmon knew then.
CREATE TABLE task_occurrence (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task         bigint NOT NULL REFERENCES task (id),
    period       text NOT NULL CHECK (length(period) <= 16),
    period_start date NOT NULL,
    period_end   date NOT NULL,
    due          date NOT NULL,
    obligation   text REFERENCES reporting_obligation (code) ON UPDATE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    retired_at   timestamptz,
    CHECK (period_end >= period_start AND due > period_end)
);
CREATE UNIQUE INDEX task_occurrence_current ON task_occurrence (task, period)
    WHERE retired_at IS NULL;
CREATE INDEX task_occurrence_task ON task_occurrence (task, due);

-- Whether occurrence `period` of `task` (linked to `obligation`, or NULL) was done by the end of
-- `day`, as planmon knew at `moment`: an update that occurred by then names it, or every reporter
-- of the obligation handed in its report for the period by then (`zone`: the province's).
CREATE FUNCTION planmon_occurrence_done(task bigint, period text, obligation text, day date,
                                        moment timestamptz, zone text)
    RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE
    RETURN EXISTS (SELECT 1 FROM task_update u
                   WHERE u.task_id = $1 AND u.occurrence = $2 AND u.occurred_on <= $4
                     AND u.created_at <= $5)
        OR ($3 IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM reporting_obligation o
               CROSS JOIN jsonb_array_elements_text(o.reporters) AS r (agency)
               WHERE o.code = $3 AND NOT EXISTS (
                   SELECT 1 FROM submission s
                   WHERE s.obligation = o.code AND s.agency = r.agency AND s.period = $2
                     AND planmon_local_date(s.submitted_at, $6) <= $4 AND s.created_at <= $5)));

-- The occurrences of `task` known at `moment` that fell due before `day` and were not done by
-- then: what makes a recurring task overdue.
CREATE FUNCTION planmon_overdue_occurrences(task bigint, day date, moment timestamptz, zone text)
    RETURNS SETOF task_occurrence LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
    SELECT o.* FROM task_occurrence o
    WHERE o.task = $1 AND o.due < $2 AND o.created_at <= $3
      AND (o.retired_at IS NULL OR o.retired_at > $3)
      AND NOT planmon_occurrence_done(o.task, o.period, o.obligation, $2, $3, $4)
    $$;

-- Whether a task in `status` is overdue at the end of `day` as known at `moment`: a one-off task
-- (recurrence 'none') when its due date has passed; a recurring task when it has an overdue
-- occurrence. Done and cancelled tasks are never overdue.
CREATE FUNCTION planmon_task_overdue(task bigint, recurrence text, status text, due_date date,
                                     day date, moment timestamptz, zone text)
    RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE
    RETURN $3 IN ('not_started', 'in_progress') AND CASE
        WHEN $2 = 'none' THEN coalesce($4 < $5, false)
        ELSE EXISTS (SELECT 1 FROM planmon_overdue_occurrences($1, $5, $6, $7)) END;

-- A pilot site's status over time: each change effective from effective_on, recorded at
-- created_at by author of agency; late_entry as for task updates. The site's own status column
-- is the latest of them.
CREATE TABLE pilot_site_status (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site            bigint NOT NULL REFERENCES pilot_site (id),
    status          text NOT NULL
                    CHECK (status IN ('planned', 'piloting', 'evaluated', 'scaled_up', 'stopped')),
    previous_status text
                    CHECK (previous_status IN ('planned', 'piloting', 'evaluated', 'scaled_up',
                                               'stopped')),
    effective_on    date NOT NULL,
    note            text CHECK (length(note) <= 5000),
    late_entry      boolean NOT NULL DEFAULT false,
    author          text NOT NULL,
    agency          text REFERENCES agency (code),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pilot_site_status_site ON pilot_site_status (site, effective_on, id);
CREATE TRIGGER pilot_site_status_audit AFTER INSERT OR UPDATE OR DELETE ON pilot_site_status
    FOR EACH ROW EXECUTE FUNCTION audit_row('pilot-site-statuses', 'id', 'agency', '', '');

-- Existing sites: their status, effective from the day piloting started (start_date) when they
-- had moved on from planned, else from the day they were recorded.
INSERT INTO pilot_site_status (site, status, effective_on, author, agency, created_at)
SELECT s.id, s.status,
       CASE WHEN s.status <> 'planned' AND s.start_date IS NOT NULL
            THEN least(s.start_date, planmon_local_date(s.updated_at, 'Asia/Ho_Chi_Minh'))
            ELSE planmon_local_date(s.created_at, 'Asia/Ho_Chi_Minh') END,
       'planmon', s.host_agency, s.updated_at
FROM pilot_site s;

-- A pilot site's status at the end of `day`, as planmon knew it at `moment` (NULL: not yet
-- recorded or not yet in effect).
CREATE FUNCTION planmon_site_status(site bigint, day date, moment timestamptz)
    RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (SELECT h.status FROM pilot_site_status h
            WHERE h.site = $1 AND h.effective_on <= $2 AND h.created_at <= $3
            ORDER BY h.effective_on DESC, h.id DESC LIMIT 1);

-- A measurement recorded after its period's due date (by the rule in force when it was written)
-- is a late entry.
ALTER TABLE measurement ADD COLUMN late_entry boolean NOT NULL DEFAULT false;
