-- 0010_pilots_obligations: the pilot models of II.3.3.b and their sites; who reports what to
-- whom and when (reporting obligations) and the reports handed in (submissions).

CREATE TABLE pilot_model_type (
    code          text PRIMARY KEY CHECK (code ~ '^[A-Z0-9]+(-[A-Z0-9]+)*$' AND length(code) <= 32),
    name          text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 1000),
    name_en       text CHECK (length(name_en) <= 1000),
    source_clause text CHECK (length(source_clause) <= 64),
    description   text NOT NULL DEFAULT '' CHECK (length(description) <= 20000),
    -- the target as the decision states it, and as a number: `target_count` of `target_unit`
    -- (sites, or districts with a site) by `target_date`
    target_text   text CHECK (length(target_text) <= 5000),
    target_count  integer CHECK (target_count >= 0),
    target_unit   text CHECK (target_unit IN ('model', 'district')),
    target_districts integer CHECK (target_districts >= 0),
    target_date   date,
    lead_agency   text REFERENCES agency (code),
    task          bigint REFERENCES task (id),
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    archived_at   timestamptz
);

-- A site where a model is piloted. Its status moves planned -> piloting -> evaluated ->
-- scaled_up, or to stopped from any of them; the service enforces the moves.
CREATE TABLE pilot_site (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    model_type      text NOT NULL REFERENCES pilot_model_type (code) ON UPDATE CASCADE,
    name            text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 300),
    district        text NOT NULL REFERENCES admin_unit (code),
    host_agency     text NOT NULL REFERENCES agency (code),
    status          text NOT NULL DEFAULT 'planned'
                    CHECK (status IN ('planned', 'piloting', 'evaluated', 'scaled_up', 'stopped')),
    start_date      date,
    evaluation_date date,
    beneficiaries   integer NOT NULL DEFAULT 0 CHECK (beneficiaries >= 0),
    evidence        jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(evidence) = 'array'),
    notes           text CHECK (length(notes) <= 5000),
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    archived_at     timestamptz,
    CHECK (evaluation_date IS NULL OR start_date IS NULL OR evaluation_date >= start_date)
);
CREATE INDEX pilot_site_type ON pilot_site (model_type, id);

CREATE TABLE reporting_obligation (
    code          text PRIMARY KEY CHECK (code ~ '^[A-Z0-9]+(-[A-Z0-9]+)*$' AND length(code) <= 64),
    source_clause text CHECK (length(source_clause) <= 64),
    task          bigint REFERENCES task (id),
    description   text NOT NULL CHECK (btrim(description) <> '' AND length(description) <= 5000),
    -- the agencies that each report (a group such as the district committees, expanded)
    reporters     jsonb NOT NULL CHECK (jsonb_typeof(reporters) = 'array' AND jsonb_array_length(reporters) > 0),
    recipient     text REFERENCES agency (code),
    mode          text NOT NULL DEFAULT 'assigned' CHECK (mode IN ('assigned', 'requested')),
    frequency     text NOT NULL CHECK (frequency IN ('once', 'monthly', 'quarterly', 'six_monthly', 'yearly')),
    -- the period type of the submissions; NULL for a report made once
    period_type   text CHECK (period_type IN ('monthly', 'quarterly', 'six_monthly', 'yearly',
                      'vn_six_monthly', 'vn_yearly')),
    -- days after a period's end a report is due (NULL: REPORT_DUE_DAYS)
    due_days      integer CHECK (due_days BETWEEN 0 AND 365),
    due_rule      text CHECK (length(due_rule) <= 2000),
    note          text CHECK (length(note) <= 5000),
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    archived_at   timestamptz,
    CHECK ((frequency = 'once') = (period_type IS NULL))
);
CREATE INDEX reporting_obligation_reporters ON reporting_obligation USING gin (reporters jsonb_path_ops);

-- A report handed in: one per obligation, reporting agency and period. `due` is the period's
-- due date by the obligation's rule, kept so that timeliness needs no period arithmetic in SQL.
CREATE TABLE submission (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    obligation    text NOT NULL REFERENCES reporting_obligation (code) ON UPDATE CASCADE,
    agency        text NOT NULL REFERENCES agency (code),
    period        text NOT NULL DEFAULT '' CHECK (length(period) <= 16),
    due           date,
    submitted_at  timestamptz NOT NULL DEFAULT now(),
    document_link text CHECK (length(document_link) <= 2000),
    note          text CHECK (length(note) <= 5000),
    submitted_by  text NOT NULL,
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (obligation, agency, period)
);

CREATE TRIGGER pilot_model_type_audit AFTER INSERT OR UPDATE OR DELETE ON pilot_model_type
    FOR EACH ROW EXECUTE FUNCTION audit_row('pilot-model-types', 'code', '', '', '');
CREATE TRIGGER pilot_site_audit AFTER INSERT OR UPDATE OR DELETE ON pilot_site
    FOR EACH ROW EXECUTE FUNCTION audit_row('pilot-sites', 'id', 'host_agency', '', '');
CREATE TRIGGER reporting_obligation_audit AFTER INSERT OR UPDATE OR DELETE ON reporting_obligation
    FOR EACH ROW EXECUTE FUNCTION audit_row('reporting-obligations', 'code', '', '', '');
CREATE TRIGGER submission_audit AFTER INSERT OR UPDATE OR DELETE ON submission
    FOR EACH ROW EXECUTE FUNCTION audit_row('submissions', 'id', 'agency', '', '');
