-- 0008_plan: plans, their sections, tasks with lead and coordinating agencies, progress updates;
-- validity dates on agencies and the former names and types of administrative units.
-- Plan data is archived (archived_at), never deleted through the API.

-- Today in the province: what "overdue" is measured against.
CREATE FUNCTION planmon_today() RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date;

-- A timestamp as the API writes it: RFC 3339 in UTC, to the second.
CREATE FUNCTION planmon_utc(timestamptz) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN to_char($1 AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');

CREATE TABLE plan (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code             text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9]+(-[A-Z0-9]+)*$' AND length(code) <= 32),
    title            text NOT NULL CHECK (btrim(title) <> '' AND length(title) <= 1000),
    title_en         text CHECK (length(title_en) <= 1000),
    period_start     date NOT NULL,
    period_end       date NOT NULL,
    document         text REFERENCES document (number) ON UPDATE CASCADE,
    lead_agency      text REFERENCES agency (code),
    parent_programme text REFERENCES document (number) ON UPDATE CASCADE,
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    archived_at      timestamptz,
    search_text      text GENERATED ALWAYS AS (planmon_fold(code || ' ' || title || ' ' || coalesce(title_en, ''))) STORED,
    CHECK (period_end >= period_start)
);

CREATE TABLE plan_section (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan         bigint NOT NULL REFERENCES plan (id),
    code         text NOT NULL CHECK (code ~ '^[A-Z0-9]+(\.[A-Za-z0-9]+)*$' AND length(code) <= 32),
    ref          text GENERATED ALWAYS AS (plan::text || ':' || code) STORED,
    seq          integer NOT NULL DEFAULT 0 CHECK (seq >= 0),
    kind         text NOT NULL CHECK (kind IN ('purpose', 'goal', 'scope', 'objective', 'solution',
                     'funding', 'responsibility', 'other')),
    title        text NOT NULL CHECK (btrim(title) <> '' AND length(title) <= 1000),
    text         text NOT NULL DEFAULT '' CHECK (length(text) <= 100000),
    targets_text text CHECK (length(targets_text) <= 20000),
    heading_path jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(heading_path) = 'array'),
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    archived_at  timestamptz,
    search_text  text GENERATED ALWAYS AS (planmon_fold(code || ' ' || title || ' ' || text)) STORED,
    UNIQUE (plan, code)
);
CREATE INDEX plan_section_order ON plan_section (plan, seq, code);

-- A task's agencies are one JSON array of {"agency", "role", "mode", "source", "note"}: the task's
-- row holds its whole state, so one audited row version is one change of the responsibility
-- matrix; the GIN index answers "the tasks this agency leads" by containment.
CREATE TABLE task (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan          bigint NOT NULL REFERENCES plan (id),
    section       text,
    parent_id     bigint REFERENCES task (id),
    key           text CHECK (key ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(key) <= 64),
    source_clause text CHECK (length(source_clause) <= 64),
    title         text NOT NULL CHECK (btrim(title) <> '' AND length(title) <= 1000),
    title_en      text CHECK (length(title_en) <= 1000),
    description   text NOT NULL DEFAULT '' CHECK (length(description) <= 20000),
    agencies      jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(agencies) = 'array'),
    start_date    date,
    due_date      date,
    recurrence    text NOT NULL DEFAULT 'none' CHECK (recurrence IN ('none', 'monthly', 'six_monthly', 'yearly')),
    status        text NOT NULL DEFAULT 'not_started'
                  CHECK (status IN ('not_started', 'in_progress', 'done', 'cancelled')),
    percent_done  smallint NOT NULL DEFAULT 0 CHECK (percent_done BETWEEN 0 AND 100),
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    archived_at   timestamptz,
    search_text   text GENERATED ALWAYS AS (planmon_fold(coalesce(key, '') || ' ' || coalesce(source_clause, '') || ' ' ||
                      title || ' ' || coalesce(title_en, '') || ' ' || description)) STORED,
    UNIQUE (plan, key),
    FOREIGN KEY (plan, section) REFERENCES plan_section (plan, code),
    CHECK (due_date IS NULL OR start_date IS NULL OR due_date >= start_date),
    CHECK (status <> 'done' OR percent_done = 100),
    CHECK (parent_id <> id)
);
CREATE INDEX task_agencies ON task USING gin (agencies jsonb_path_ops);
CREATE INDEX task_plan ON task (plan, id);
CREATE INDEX task_parent ON task (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX task_due ON task (due_date, id);
CREATE INDEX task_updated ON task (updated_at);
CREATE INDEX task_search ON task USING gin (search_text gin_trgm_ops);

-- A task's agencies as stored: every entry with all its keys, mode and source defaulted.
CREATE FUNCTION planmon_task_agencies(jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (SELECT coalesce(jsonb_agg(jsonb_build_object(
                'agency', e ->> 'agency', 'role', e ->> 'role',
                'mode', coalesce(e ->> 'mode', 'assigned'), 'source', coalesce(e ->> 'source', 'text'),
                'note', e -> 'note') ORDER BY n), '[]'::jsonb)
            FROM jsonb_array_elements(coalesce($1, '[]'::jsonb)) WITH ORDINALITY AS a (e, n));

-- A task's agencies as the API shows them: the keys in the order of the Task shape.
CREATE FUNCTION planmon_task_agencies_json(jsonb) RETURNS json
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN (SELECT coalesce(json_agg(json_build_object(
                'agency', e ->> 'agency', 'role', e ->> 'role', 'mode', e ->> 'mode',
                'source', e ->> 'source', 'note', e -> 'note') ORDER BY n), '[]'::json)
            FROM jsonb_array_elements($1) WITH ORDINALITY AS a (e, n));

-- The progress journal: append-only for the API (no route changes or removes an entry).
CREATE TABLE task_update (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id               bigint NOT NULL REFERENCES task (id),
    note                  text CHECK (length(note) <= 5000),
    percent_done          smallint CHECK (percent_done BETWEEN 0 AND 100),
    status                text CHECK (status IN ('not_started', 'in_progress', 'done', 'cancelled')),
    previous_status       text NOT NULL,
    previous_percent_done smallint NOT NULL,
    evidence              jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(evidence) = 'array'),
    author                text NOT NULL,
    agency                text NOT NULL REFERENCES agency (code),
    created_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX task_update_task ON task_update (task_id, id);

CREATE TRIGGER plan_audit AFTER INSERT OR UPDATE OR DELETE ON plan
    FOR EACH ROW EXECUTE FUNCTION audit_row('plans', 'id', '', '', '');
CREATE TRIGGER plan_section_audit AFTER INSERT OR UPDATE OR DELETE ON plan_section
    FOR EACH ROW EXECUTE FUNCTION audit_row('sections', 'ref', '', '', 'id,ref');
CREATE TRIGGER task_audit AFTER INSERT OR UPDATE OR DELETE ON task
    FOR EACH ROW EXECUTE FUNCTION audit_row('tasks', 'id', '', '', '');
CREATE TRIGGER task_update_audit AFTER INSERT OR UPDATE OR DELETE ON task_update
    FOR EACH ROW EXECUTE FUNCTION audit_row('task-updates', 'id', 'agency', '', '');

-- Agencies exist from and until a date (valid_to exclusive), like units.
ALTER TABLE agency ADD COLUMN valid_from date, ADD COLUMN valid_to date,
    ADD CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to > valid_from);

-- A unit's name and type may change in law while its code stays (a xã becoming a thị trấn): the
-- current ones hold since current_since (NULL: since valid_from), the earlier ones are kept in
-- former, oldest first, as [{"name", "type", "valid_from", "valid_to"}].
ALTER TABLE admin_unit ADD COLUMN current_since date, ADD COLUMN former jsonb NOT NULL DEFAULT '[]',
    ADD CHECK (current_since IS NULL OR current_since > valid_from);
