-- 0021_measurement_imports: an import that wrote is a resource (issue 21, item 6): who ran it, in
-- what form, its summary, and the measurements it created or changed, so that a reviewer can
-- submit or approve them as one (POST /v1/measurements/submit, /approve with {"import": id}).
CREATE TABLE measurement_import (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username     text NOT NULL,
    agency       text REFERENCES agency (code),
    format       text NOT NULL CHECK (format IN ('json', 'csv', 'xlsx')),
    summary      jsonb NOT NULL CHECK (jsonb_typeof(summary) = 'object'),
    measurements bigint[] NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX measurement_import_agency ON measurement_import (agency, id);
