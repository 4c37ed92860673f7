-- 0009_indicators: indicators, their targets, and measurements with their approval workflow.
-- Analytics roll measurements up the unit tree at read time (never a table refreshed later).

CREATE TABLE indicator (
    code               text PRIMARY KEY CHECK (code ~ '^[A-Z0-9]+(-[A-Z0-9]+)*$' AND length(code) <= 64),
    name               text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 1000),
    name_en            text CHECK (length(name_en) <= 1000),
    source_clause      text CHECK (length(source_clause) <= 64),
    description        text NOT NULL DEFAULT '' CHECK (length(description) <= 20000),
    plan               bigint REFERENCES plan (id),
    -- where data is collected: the level of the units measurements are entered for
    level              text NOT NULL CHECK (level IN ('commune', 'district', 'province')),
    period_type        text NOT NULL CHECK (period_type IN ('monthly', 'quarterly', 'six_monthly',
                           'yearly', 'vn_six_monthly', 'vn_yearly')),
    value_type         text NOT NULL CHECK (value_type IN ('boolean', 'count', 'number', 'percentage', 'text')),
    direction          text NOT NULL DEFAULT 'increase' CHECK (direction IN ('increase', 'decrease', 'none')),
    rollup             text NOT NULL CHECK (rollup IN ('share', 'sum', 'latest', 'periods_meeting_threshold',
                           'pilot_registry', 'none')),
    -- periods_meeting_threshold: a period counts when its value is at least this
    threshold          numeric,
    -- pilot_registry: the pilot model type whose sites are counted
    pilot_model_type   text CHECK (length(pilot_model_type) <= 32),
    reporting_agencies jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(reporting_agencies) = 'array'),
    version            integer NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    archived_at        timestamptz,
    search_text        text GENERATED ALWAYS AS (planmon_fold(code || ' ' || name || ' ' || coalesce(name_en, ''))) STORED,
    CHECK ((rollup = 'share') <= (value_type IN ('boolean', 'percentage'))),
    CHECK ((rollup = 'periods_meeting_threshold') <= (threshold IS NOT NULL)),
    CHECK ((rollup = 'pilot_registry') = (pilot_model_type IS NOT NULL))
);
CREATE INDEX indicator_reporting ON indicator USING gin (reporting_agencies jsonb_path_ops);

-- A target for one period, for every period of a range of years (applies_from..applies_to), or,
-- with neither, standing for every period (the decision sometimes gives no year: kept visible).
CREATE TABLE indicator_target (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    indicator    text NOT NULL REFERENCES indicator (code) ON UPDATE CASCADE,
    period       text CHECK (length(period) <= 16),
    applies_from integer CHECK (applies_from BETWEEN 1900 AND 2200),
    applies_to   integer CHECK (applies_to BETWEEN 1900 AND 2200),
    operator     text NOT NULL CHECK (operator IN ('>=', '<=', '=')),
    value        numeric NOT NULL,
    -- what the value counts ("percent", "district", ...), as stated
    unit_of_measure text CHECK (length(unit_of_measure) <= 64),
    scope_unit   text REFERENCES admin_unit (code),
    baseline     numeric,
    -- how a share target becomes a number of units: ceil (50 % of 11 is 6), floor, round, or
    -- exact (the percentage itself is compared)
    rounding     text NOT NULL DEFAULT 'exact' CHECK (rounding IN ('ceil', 'floor', 'round', 'exact')),
    note         text CHECK (length(note) <= 5000),
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    archived_at  timestamptz,
    CHECK (period IS NULL OR (applies_from IS NULL AND applies_to IS NULL)),
    CHECK (applies_to IS NULL OR applies_from IS NULL OR applies_to >= applies_from)
);
CREATE INDEX indicator_target_indicator ON indicator_target (indicator, id);

-- One value per indicator x unit x period. The period's dates are kept beside its id so that
-- the database can order and filter periods without knowing their syntax.
CREATE TABLE measurement (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    indicator    text NOT NULL REFERENCES indicator (code) ON UPDATE CASCADE,
    unit         text NOT NULL REFERENCES admin_unit (code),
    period       text NOT NULL CHECK (length(period) <= 16),
    period_start date NOT NULL,
    period_end   date NOT NULL,
    value_bool   boolean,
    value_num    numeric,
    value_text   text CHECK (length(value_text) <= 20000),
    numerator    numeric,
    denominator  numeric CHECK (denominator > 0),
    comment      text CHECK (length(comment) <= 5000),
    evidence     jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(evidence) = 'array'),
    status       text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'approved')),
    review_note  text CHECK (length(review_note) <= 5000),
    entered_by   text NOT NULL,
    agency       text NOT NULL REFERENCES agency (code),
    reviewed_by  text,
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (indicator, unit, period),
    CHECK (period_end >= period_start),
    CHECK (num_nonnulls(value_bool, value_num, value_text, numerator) = 1),
    CHECK ((numerator IS NULL) = (denominator IS NULL))
);
-- Analytics read one indicator and period for many units: this serves them from the index.
CREATE INDEX measurement_rollup ON measurement (indicator, period, status, unit)
    INCLUDE (value_bool, value_num, numerator, denominator);
CREATE INDEX measurement_unit ON measurement (unit, indicator);
CREATE INDEX measurement_updated ON measurement (updated_at);

CREATE TRIGGER indicator_audit AFTER INSERT OR UPDATE OR DELETE ON indicator
    FOR EACH ROW EXECUTE FUNCTION audit_row('indicators', 'code', '', '', '');
CREATE TRIGGER indicator_target_audit AFTER INSERT OR UPDATE OR DELETE ON indicator_target
    FOR EACH ROW EXECUTE FUNCTION audit_row('targets', 'id', '', '', '');
CREATE TRIGGER measurement_audit AFTER INSERT OR UPDATE OR DELETE ON measurement
    FOR EACH ROW EXECUTE FUNCTION audit_row('measurements', 'id', 'agency', '', 'period_start,period_end');

-- Whether a unit (its path) is in an agency's data scope: a People's Committee's unit and
-- everything below it; another agency has no unit scope but reports the indicators that name it.
CREATE FUNCTION planmon_in_scope(unit_path text[], reporting jsonb, agency_unit text, agency text)
    RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN agency_unit IS NOT NULL THEN unit_path @> ARRAY[agency_unit]
                ELSE coalesce(reporting ? agency, false) END;

-- The unit level (1 province, 2 district, 3 commune) of an indicator's level.
CREATE FUNCTION planmon_level(text) RETURNS smallint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE $1 WHEN 'province' THEN 1 WHEN 'district' THEN 2 WHEN 'commune' THEN 3 END;
