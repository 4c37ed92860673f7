-- 0023_mail: e-mail for people (issue 22, item 3). A user may give an address and choose the
-- parts of the daily digest it receives; the digest is queued once per user and day whatever the
-- instances, and sent over SMTP with retries like a webhook's deliveries.

-- The address is personal data: the user, its agency's managers and admins read it (the user
-- routes' own rule); the audit trail records only that it changed.
ALTER TABLE app_user
    ADD COLUMN email text CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'
                                 AND length(email) <= 254),
    ADD COLUMN mail_digest text[] NOT NULL DEFAULT ARRAY['due_soon', 'overdue', 'review']
        CHECK (mail_digest <@ ARRAY['due_soon', 'overdue', 'review']);

DROP TRIGGER app_user_audit ON app_user;
CREATE TRIGGER app_user_audit AFTER INSERT OR UPDATE OR DELETE ON app_user
    FOR EACH ROW EXECUTE FUNCTION audit_row('users', 'username', 'agency', 'password_hash,email',
                                            'id,session_version');

-- What waits to be sent. A digest is made once per user and day (the unique index); a worker
-- claims a mail with a lease, sends it outside any transaction, and records the outcome.
CREATE TABLE mail_outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username        text NOT NULL,
    to_address      text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('digest')),
    day             date NOT NULL,
    subject         text NOT NULL,
    body_text       text NOT NULL,
    body_html       text NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    locked_until    timestamptz,
    last_error      text CHECK (length(last_error) <= 500),
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE UNIQUE INDEX mail_outbox_once ON mail_outbox (username, kind, day);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE status = 'pending';

-- The occurrences due within [from_day, to_day] that are not done as of `today`: the current
-- occurrences of recurring tasks and the due dates of one-off tasks, of tasks and plans in
-- force, each with the agencies it concerns (the task's, and the reporters of its obligation).
-- The deadline events (notify/outbox_repo.c) and the daily digest (notify/mail_repo.c) read it.
CREATE FUNCTION planmon_open_occurrences(from_day date, to_day date, today date, zone text)
    RETURNS TABLE (task bigint, period text, period_start date, period_end date, due date,
                   obligation text, subject text, title text, plan bigint, agencies jsonb)
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT o.task, o.period, o.period_start, o.period_end, o.due, o.obligation, o.subject, t.title,
       t.plan,
       (SELECT coalesce(jsonb_agg(DISTINCT x.agency), '[]'::jsonb) FROM (
            SELECT g ->> 'agency' AS agency FROM jsonb_array_elements(t.agencies) g
            UNION SELECT r.agency FROM reporting_obligation ob
            CROSS JOIN jsonb_array_elements_text(ob.reporters) r (agency)
            WHERE ob.code = o.obligation) x
        WHERE x.agency IS NOT NULL)
FROM (SELECT o.task, o.period, o.period_start, o.period_end, o.due, o.obligation,
             'tasks/' || o.task || '/occurrences/' || o.period AS subject
      FROM task_occurrence o
      WHERE o.retired_at IS NULL AND o.due BETWEEN from_day AND to_day
      UNION ALL
      SELECT t.id, NULL, t.start_date, t.due_date, t.due_date, NULL, 'tasks/' || t.id
      FROM task t WHERE t.recurrence = 'none' AND t.due_date BETWEEN from_day AND to_day) o
JOIN task t ON t.id = o.task AND t.archived_at IS NULL AND t.status NOT IN ('done', 'cancelled')
JOIN plan p ON p.id = t.plan AND p.archived_at IS NULL
WHERE o.period IS NULL
   OR NOT planmon_occurrence_done(o.task, o.period, o.obligation, today, 'infinity', zone)
$$;
