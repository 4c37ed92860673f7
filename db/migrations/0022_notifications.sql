-- 0022_notifications: events for systems and people (issue 22). The outbox holds every event
-- a webhook may be told of; a webhook's deliveries, and each attempt of them, are rows too, so
-- that at-least-once survives restarts and any number of instances.

-- The outbox. Object changes and workflow steps are written by a trigger on audit_event, so in
-- the transaction of the change itself: a change rolled back leaves no event. Only the kinds an
-- enabled webhook asks for are written: a bulk import no one listens to costs no events. Deadline events
-- are written by the scheduler (service/src/notify/), at most once per occurrence and kind
-- (and, for due_soon, per number of days ahead) whatever the instances and restarts.
CREATE TABLE outbox_event (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    txid        xid8 NOT NULL DEFAULT pg_current_xact_id(),
    -- when the event was written (not when its transaction began): a webhook hears of the
    -- events written after it was registered
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    kind        text NOT NULL CHECK (length(kind) <= 64),
    audit_event bigint,              -- the change (audit_event.id), for object and workflow events
    subject     text,                -- a deadline's occurrence: tasks/42/occurrences/2017Q1
    lead_days   integer NOT NULL DEFAULT 0, -- due_soon: this many days ahead
    data        jsonb NOT NULL DEFAULT '{}'::jsonb,
    CHECK ((audit_event IS NULL) <> (subject IS NULL))
);
CREATE INDEX outbox_event_order ON outbox_event (txid, id);
CREATE UNIQUE INDEX outbox_event_once ON outbox_event (subject, kind, lead_days)
    WHERE subject IS NOT NULL;

-- An instance that LISTENs (DATABASE_LISTEN_URL) is woken when events commit; one notification
-- per statement (NOTIFY folds the same one within a transaction).
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('planmon_outbox', '');
    RETURN NULL;
END $$;

CREATE TRIGGER outbox_event_notify AFTER INSERT ON outbox_event
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- The audit trigger's session settings carry the province's zone (db_set_actor), for the one
-- judgement an event needs a date for: a submission handed in after its due day is late.
CREATE FUNCTION outbox_from_audit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    zone   text := coalesce(audit_setting('planmon.zone'), 'Asia/Ho_Chi_Minh');
    kinds  text[];
    wanted text[];
BEGIN
    IF NEW.action IN ('login', 'login_failed', 'token_refresh', 'token_revoke', 'baseline')
       OR NEW.entity_type IN ('webhooks', 'users') THEN  -- never sent to webhooks
        RETURN NULL;
    END IF;
    kinds := ARRAY[NEW.entity_type || '.changed'];
    IF NEW.entity_type = 'measurements' AND NEW.action IN ('submit', 'approve', 'return') THEN
        kinds := kinds || ('measurement.' || CASE NEW.action WHEN 'submit' THEN 'submitted'
                                                             WHEN 'approve' THEN 'approved'
                                                             ELSE 'returned' END);
    ELSIF NEW.entity_type = 'submissions' AND NEW.action = 'create' THEN
        kinds := kinds || 'submission.received'::text;
        IF planmon_local_date((NEW.row ->> 'submitted_at')::timestamptz, zone)
           > (NEW.row ->> 'due')::date THEN
            kinds := kinds || 'submission.late'::text;
        END IF;
    END IF;
    -- only the kinds an enabled webhook asks for: a write no one listens to makes no event (a
    -- webhook hears of what is written after it is registered, and not while it is disabled)
    SELECT array_agg(u.k ORDER BY u.n) INTO wanted
    FROM unnest(kinds) WITH ORDINALITY AS u (k, n)
    WHERE EXISTS (SELECT 1 FROM webhook w WHERE w.enabled AND u.k = ANY (w.events));
    IF wanted IS NOT NULL THEN
        INSERT INTO outbox_event (kind, audit_event) SELECT k, NEW.id FROM unnest(wanted) k;
    END IF;
    RETURN NULL;
END $$;

-- planmon's write transactions set planmon.outbox to off when they begin with no webhook
-- enabled (db_set_actor): the trigger then does not run at all. Other writers (psql, the
-- migrations) leave it unset, and the trigger runs and looks for itself.
CREATE TRIGGER audit_event_outbox AFTER INSERT ON audit_event
    FOR EACH ROW WHEN (current_setting('planmon.outbox', true) IS DISTINCT FROM 'off')
    EXECUTE FUNCTION outbox_from_audit();

-- A receiver of events. `agency` names whose read rights it has (NULL: a viewer's — approved
-- data and plan data). The secret signs every delivery (HMAC-SHA256) and is shown once: it is
-- redacted in the audit trail like a password hash. `failures` counts the deliveries in a row
-- that failed for good; at WEBHOOK_DISABLE_AFTER the webhook is disabled with the reason.
CREATE TABLE webhook (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url             text NOT NULL CHECK (url ~* '^https?://' AND length(url) <= 2000),
    events          text[] NOT NULL CHECK (cardinality(events) BETWEEN 1 AND 64),
    agency          text REFERENCES agency (code),
    due_soon_days   integer NOT NULL DEFAULT 3 CHECK (due_soon_days BETWEEN 1 AND 60),
    description     text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
    secret          text NOT NULL,
    created_by      text NOT NULL,
    enabled         boolean NOT NULL DEFAULT true,
    disabled_reason text,
    failures        integer NOT NULL DEFAULT 0,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_agency ON webhook (agency, id);

CREATE TRIGGER webhook_audit AFTER INSERT OR UPDATE OR DELETE ON webhook
    FOR EACH ROW EXECUTE FUNCTION audit_row('webhooks', 'id', 'agency', 'secret', 'failures');

-- One event for one webhook. A worker claims it by setting `locked_until` and committing, then
-- sends it outside any transaction; a worker that dies leaves a lease that runs out, and another
-- sends it again (at least once). `attempts` is the number of the attempt claimed last: a result
-- is recorded only for the attempt it belongs to.
CREATE TABLE webhook_delivery (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook         bigint NOT NULL REFERENCES webhook (id) ON DELETE CASCADE,
    event           bigint NOT NULL REFERENCES outbox_event (id),
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    locked_until    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    UNIQUE (webhook, event)
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_delivery_list ON webhook_delivery (webhook, id);

CREATE TABLE webhook_attempt (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery    bigint NOT NULL REFERENCES webhook_delivery (id) ON DELETE CASCADE,
    attempt     integer NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    http_status integer,
    duration_ms integer NOT NULL,
    error       text CHECK (length(error) <= 500)
);
CREATE INDEX webhook_attempt_delivery ON webhook_attempt (delivery, id);

-- How far the fan-out has read the outbox, in its (txid, id) order. One row.
CREATE TABLE outbox_position (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    txid     xid8 NOT NULL DEFAULT '0',
    id       bigint NOT NULL DEFAULT 0
);
INSERT INTO outbox_position DEFAULT VALUES;
