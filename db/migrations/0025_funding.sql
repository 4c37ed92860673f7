-- 0025_funding: the plan's money (issue 23; decision 1994, sections IV, V.9 and V.12). Amounts
-- are whole Vietnamese đồng in bigint, at most 10^15 each; sums are taken in numeric.

CREATE DOMAIN planmon_money AS bigint CHECK (VALUE BETWEEN 0 AND 1000000000000000);

-- Where money comes from. The code is the id; the decision's own sources are here from the
-- start, and admins may add more.
CREATE TABLE funding_source (
    code        text PRIMARY KEY CHECK (code ~ '^[A-Z0-9]+(-[A-Z0-9]+)*$' AND length(code) <= 32),
    name        text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 200),
    name_en     text CHECK (length(name_en) <= 200),
    kind        text NOT NULL CHECK (kind IN ('state_budget', 'enterprise', 'sponsor', 'other')),
    cited       text CHECK (length(cited) <= 64),
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    archived_at timestamptz
);

CREATE TRIGGER funding_source_audit AFTER INSERT OR UPDATE OR DELETE ON funding_source
    FOR EACH ROW EXECUTE FUNCTION audit_row('funding-sources', 'code', '', '', '');

INSERT INTO funding_source (code, name, name_en, kind, cited) VALUES
    ('NSTINH', 'Ngân sách tỉnh', 'Provincial budget', 'state_budget', 'IV'),
    ('NSHUYEN', 'Ngân sách huyện, thị xã, thành phố', 'District budget', 'state_budget', 'IV, V.12'),
    ('CTMT', 'Kinh phí Chương trình mục tiêu quốc gia', 'National target programme funds',
     'state_budget', 'IV'),
    ('DOANHNGHIEP', 'Đóng góp của doanh nghiệp', 'Enterprise contributions', 'enterprise',
     'II.3.2'),
    ('TAITRO-TN', 'Tài trợ của tổ chức, cá nhân trong nước', 'Domestic sponsors', 'sponsor', 'IV'),
    ('TAITRO-NN', 'Tài trợ của tổ chức, cá nhân nước ngoài', 'Foreign sponsors', 'sponsor', 'IV');

-- A budget line: what an agency proposes to spend in a year from a source, on a task or a
-- section of a plan, and what becomes of it: draft → proposed → appraised (by the Department
-- of Finance) → allocated, or rejected; a district's own line goes from proposed to allocated
-- (V.12). `spent` and `disbursements` are kept by the trigger on disbursement, in the same
-- transaction as each entry, so that a roll-up reads lines, not entries.
CREATE TABLE budget_line (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan            bigint NOT NULL REFERENCES plan (id),
    year            smallint NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    agency          text NOT NULL REFERENCES agency (code),
    source          text NOT NULL REFERENCES funding_source (code) ON UPDATE CASCADE,
    section         text,
    task            bigint REFERENCES task (id),
    description     text NOT NULL CHECK (btrim(description) <> '' AND length(description) <= 2000),
    estimate        planmon_money NOT NULL,
    status          text NOT NULL DEFAULT 'draft'
                    CHECK (status IN ('draft', 'proposed', 'appraised', 'allocated', 'rejected')),
    appraised       planmon_money,
    appraisal_note  text CHECK (length(appraisal_note) <= 2000),
    allocated       planmon_money,
    decision_number text CHECK (length(decision_number) <= 64),
    decision_date   date,
    status_note     text CHECK (length(status_note) <= 2000),
    spent           bigint NOT NULL DEFAULT 0 CHECK (spent >= 0),
    disbursements   integer NOT NULL DEFAULT 0,
    over_allocation boolean NOT NULL DEFAULT false,
    created_by      text NOT NULL,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (plan, section) REFERENCES plan_section (plan, code),
    CHECK (status NOT IN ('appraised', 'allocated') OR appraised IS NOT NULL OR status = 'allocated'),
    CHECK (status <> 'allocated' OR (allocated IS NOT NULL AND decision_number IS NOT NULL
                                     AND decision_date IS NOT NULL))
);
CREATE INDEX budget_line_plan ON budget_line (plan, year, id);
-- The roll-up's: a plan's year's lines by status, with what it sums and groups by, read from the
-- index alone where the visibility map allows.
CREATE INDEX budget_line_rollup ON budget_line (plan, year, status)
    INCLUDE (agency, source, section, task, estimate, appraised, allocated, spent);
CREATE INDEX budget_line_agency ON budget_line (agency, id);
CREATE INDEX budget_line_task ON budget_line (task) WHERE task IS NOT NULL;

CREATE TRIGGER budget_line_audit AFTER INSERT OR UPDATE OR DELETE ON budget_line
    FOR EACH ROW EXECUTE FUNCTION audit_row('budget-lines', 'id', 'agency', '', '');

-- The Department of Finance (V.9): it appraises the provincial lines and checks how the money
-- is used, so its people read every line (service/src/auth/access.c names the same agency).
CREATE FUNCTION planmon_finance_agency() RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN 'STC';

-- Who reads a budget line: appraised and allocated lines are plan data, everyone's; the others
-- (draft, proposed, rejected) are their agency's, its district's when the agency is a commune
-- of it, the Department of Finance's, and those who see all (`sees_all`: admins, coordinators,
-- auditors). `viewer_unit` is the reader's People's Committee's unit (planmon_scope_unit),
-- `line_unit_path` the path of the line's agency's unit. A deleted draft's change has no
-- status: only those who read drafts of that agency see it.
CREATE FUNCTION planmon_budget_line_visible(status text, agency text, line_unit_path text[],
                                            viewer text, viewer_unit text, sees_all boolean)
    RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN coalesce(status IN ('appraised', 'allocated'), false) OR sees_all OR agency = viewer
           OR viewer = planmon_finance_agency()
           OR (viewer_unit IS NOT NULL AND coalesce(viewer_unit = ANY (line_unit_path), false));

-- Spending on a line: append-only. A correction is an entry with a negative amount; the line's
-- total never goes below zero, and goes past the allocation only with `over_allocation` and a
-- reason. `effective` is when the money was spent (the day it counts for in reports).
CREATE TABLE disbursement (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    line           bigint NOT NULL REFERENCES budget_line (id),
    amount         bigint NOT NULL CHECK (amount BETWEEN -1000000000000000 AND 1000000000000000
                                          AND amount <> 0),
    effective      date NOT NULL,
    voucher_number text NOT NULL CHECK (btrim(voucher_number) <> '' AND length(voucher_number) <= 64),
    voucher_date   date NOT NULL,
    description    text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    evidence       jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(evidence) = 'array'),
    over_allocation boolean NOT NULL DEFAULT false,
    reason         text CHECK (length(reason) <= 2000),
    corrects       bigint REFERENCES disbursement (id),
    agency         text NOT NULL,
    created_by     text NOT NULL,
    version        integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (NOT over_allocation OR btrim(coalesce(reason, '')) <> '')
);
CREATE INDEX disbursement_line ON disbursement (line, id);
CREATE INDEX disbursement_effective ON disbursement (effective, line);

CREATE TRIGGER disbursement_audit AFTER INSERT OR UPDATE OR DELETE ON disbursement
    FOR EACH ROW EXECUTE FUNCTION audit_row('disbursements', 'id', 'agency', '', '');

CREATE FUNCTION disbursement_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'disbursements are append-only: record a correction instead'
        USING ERRCODE = 'P0001';
END $$;

CREATE TRIGGER disbursement_no_change BEFORE UPDATE OR DELETE ON disbursement
    FOR EACH ROW EXECUTE FUNCTION disbursement_append_only();

-- The line's totals, kept with each entry (the line's row is locked by the update, so entries
-- on one line are counted one after another).
CREATE FUNCTION disbursement_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE budget_line
    SET spent = spent + NEW.amount, disbursements = disbursements + 1,
        over_allocation = over_allocation OR NEW.over_allocation,
        version = version + 1, updated_at = now()
    WHERE id = NEW.line;
    RETURN NULL;
END $$;

CREATE TRIGGER disbursement_totals AFTER INSERT ON disbursement
    FOR EACH ROW EXECUTE FUNCTION disbursement_totals();
