-- 0027_funding_totals: the funding roll-up reads sums kept with each change, not every line.
-- GET /v1/funding summed the plan-year's lines on each call (about 18,000 a year at 100,000
-- lines: p99 63 ms for a coordinator, tests/bench/funding). funding_total keeps, per plan, year,
-- dimension (agency, source, section, task), key and status, what the roll-up sums of the lines
-- it counts (proposed, appraised, allocated): their number, estimates, appraisals, allocations
-- and spending. Statement triggers on budget_line keep it in the same transaction as every
-- change of a line, a disbursement's included (it updates its line's `spent`), so an answer is
-- never stale. Grouping by year, and the total, read the `source` rows: every line has a source.
--
-- Sums are numeric: 100,000 lines of 10^15 đồng pass bigint's range. A key that names nothing
-- (a line without section or task) is '' here and null in the answer. Rows whose lines all
-- left stay with zero sums and are not answered.
--
-- Writers of lines of one plan-year update the same few rows (its `source` rows above all) and
-- so queue on them from the trigger to their commit; a statement's rows are taken in key order,
-- so two writers never wait on each other crosswise. Lines change at the pace of people
-- (drafting, appraising, recording a payment). tests/bench/funding measures a payment at 8
-- connections: 1,147/s without these sums, 687/s with them (p99 17 -> 41 ms). Should payments
-- ever need more, docs/design/maintained-rollups.md has writers append deltas instead.

CREATE TABLE funding_total (
    plan      bigint NOT NULL REFERENCES plan (id),
    year      smallint NOT NULL,
    dim       text NOT NULL CHECK (dim IN ('agency', 'source', 'section', 'task')),
    key       text NOT NULL,
    status    text NOT NULL CHECK (status IN ('proposed', 'appraised', 'allocated')),
    lines     bigint NOT NULL DEFAULT 0,
    estimate  numeric NOT NULL DEFAULT 0,
    appraised numeric NOT NULL DEFAULT 0,
    allocated numeric NOT NULL DEFAULT 0,
    spent     numeric NOT NULL DEFAULT 0,
    PRIMARY KEY (plan, year, dim, key, status)
);

-- What the roll-up sums of lines, one row per line and dimension: its key in each dimension and
-- its amounts, signed (+1 for a line counted now, -1 for a line no longer counted as it was).
CREATE FUNCTION funding_line_parts(l budget_line, sign int)
RETURNS TABLE (plan bigint, year smallint, dim text, key text, status text, lines bigint,
               estimate numeric, appraised numeric, allocated numeric, spent numeric)
LANGUAGE sql IMMUTABLE AS $$
    SELECT l.plan, l.year, d.dim, d.key, l.status, sign::bigint, sign * l.estimate::numeric,
           sign * coalesce(l.appraised, 0)::numeric, sign * coalesce(l.allocated, 0)::numeric,
           sign * l.spent::numeric
    FROM (VALUES ('agency', l.agency), ('source', l.source), ('section', coalesce(l.section, '')),
                 ('task', coalesce(l.task::text, ''))) AS d (dim, key)
    WHERE l.status IN ('proposed', 'appraised', 'allocated')
$$;

-- The sums from the lines themselves, as funding_total should hold them.
CREATE VIEW funding_total_expected AS
    SELECT p.plan, p.year, p.dim, p.key, p.status, sum(p.lines)::bigint AS lines,
           sum(p.estimate) AS estimate, sum(p.appraised) AS appraised,
           sum(p.allocated) AS allocated, sum(p.spent) AS spent
    FROM budget_line l CROSS JOIN LATERAL funding_line_parts(l, 1) p
    GROUP BY p.plan, p.year, p.dim, p.key, p.status;

-- Adds lines to funding_total and takes others out of it (one statement's new and old rows), in
-- key order. PL/pgSQL, so that each session plans the statement once (a LANGUAGE sql function is
-- planned at every call: 554 payments/s instead of 687 in tests/bench/funding).
CREATE FUNCTION funding_totals_add(added budget_line[], removed budget_line[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO funding_total AS t (plan, year, dim, key, status, lines, estimate, appraised,
                                    allocated, spent)
    SELECT c.plan, c.year, c.dim, c.key, c.status, sum(c.lines), sum(c.estimate),
           sum(c.appraised), sum(c.allocated), sum(c.spent)
    FROM (SELECT p.* FROM unnest(added) l CROSS JOIN LATERAL funding_line_parts(l, 1) p
          UNION ALL
          SELECT p.* FROM unnest(removed) l CROSS JOIN LATERAL funding_line_parts(l, -1) p) c
    GROUP BY c.plan, c.year, c.dim, c.key, c.status
    HAVING sum(c.lines) <> 0 OR sum(c.estimate) <> 0 OR sum(c.appraised) <> 0
        OR sum(c.allocated) <> 0 OR sum(c.spent) <> 0
    ORDER BY c.plan, c.year, c.dim, c.key, c.status
    ON CONFLICT (plan, year, dim, key, status) DO UPDATE
    SET lines = t.lines + excluded.lines, estimate = t.estimate + excluded.estimate,
        appraised = t.appraised + excluded.appraised, allocated = t.allocated + excluded.allocated,
        spent = t.spent + excluded.spent;
END $$;

-- The statement triggers' function: a statement's lines, from its transition tables.
CREATE FUNCTION funding_totals_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM funding_totals_add(ARRAY(SELECT n::budget_line FROM new_rows n), '{}');
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM funding_totals_add(ARRAY(SELECT n::budget_line FROM new_rows n),
                                   ARRAY(SELECT o::budget_line FROM old_rows o));
    ELSE
        PERFORM funding_totals_add('{}', ARRAY(SELECT o::budget_line FROM old_rows o));
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER budget_line_funding_inserted AFTER INSERT ON budget_line
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION funding_totals_kept();
CREATE TRIGGER budget_line_funding_updated AFTER UPDATE ON budget_line
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION funding_totals_kept();
CREATE TRIGGER budget_line_funding_deleted AFTER DELETE ON budget_line
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION funding_totals_kept();

-- Where funding_total and the lines disagree (nothing, unless a writer bypassed the triggers):
-- each key with what is kept and what the lines give. Zero rows count as absent.
CREATE FUNCTION funding_total_diff()
RETURNS TABLE (plan bigint, year smallint, dim text, key text, status text, kept jsonb,
               expected jsonb)
LANGUAGE sql STABLE AS $$
    SELECT coalesce(k.plan, e.plan), coalesce(k.year, e.year), coalesce(k.dim, e.dim),
           coalesce(k.key, e.key), coalesce(k.status, e.status),
           to_jsonb(k) - ARRAY['plan', 'year', 'dim', 'key', 'status'],
           to_jsonb(e) - ARRAY['plan', 'year', 'dim', 'key', 'status']
    FROM (SELECT * FROM funding_total
          WHERE lines <> 0 OR estimate <> 0 OR appraised <> 0 OR allocated <> 0 OR spent <> 0) k
    FULL JOIN funding_total_expected e USING (plan, year, dim, key, status)
    WHERE k IS DISTINCT FROM e
$$;

-- Puts funding_total right from the lines (after a load that bypassed the triggers).
CREATE FUNCTION funding_total_rebuild() RETURNS void LANGUAGE sql AS $$
    DELETE FROM funding_total;
    INSERT INTO funding_total SELECT * FROM funding_total_expected;
$$;

SELECT funding_total_rebuild();
