-- 0017_obligations_in_force: reporting obligations as Decision 1994 sets them (issue 17) and in
-- force for a window of their own (issue 18).
--
-- An obligation is in force from applies_from to applies_to (NULL: open); a period is expected
-- of it when the period's end falls within that window. A six-monthly obligation may expect only
-- the first half of each year (expected_periods 'first_half': V.1's "Định kỳ 6 tháng, hàng năm" is
-- a mid-year report and an annual report, which covers the second half). Its recipient and its
-- frequency say whether the text states them or the seed inferred them, with the basis. A report
-- made at a council's sessions ('per_session', III.2) has, like one made once, no period.
ALTER TABLE reporting_obligation
    ADD COLUMN applies_from date,
    ADD COLUMN applies_to date,
    ADD COLUMN expected_periods text NOT NULL DEFAULT 'all'
        CHECK (expected_periods IN ('all', 'first_half')),
    ADD COLUMN recipient_source text NOT NULL DEFAULT 'text'
        CHECK (recipient_source IN ('text', 'inferred')),
    ADD COLUMN recipient_note text CHECK (length(recipient_note) <= 2000),
    ADD COLUMN frequency_source text NOT NULL DEFAULT 'text'
        CHECK (frequency_source IN ('text', 'inferred')),
    ADD COLUMN frequency_note text CHECK (length(frequency_note) <= 2000),
    ADD CONSTRAINT reporting_obligation_window
        CHECK (applies_to IS NULL OR applies_from IS NULL OR applies_to >= applies_from),
    ADD CONSTRAINT reporting_obligation_halves
        CHECK (expected_periods = 'all' OR period_type IN ('six_monthly', 'vn_six_monthly')),
    ADD CONSTRAINT reporting_obligation_inferred_recipient_has_a_basis
        CHECK (recipient_source = 'text' OR btrim(coalesce(recipient_note, '')) <> ''),
    ADD CONSTRAINT reporting_obligation_inferred_frequency_has_a_basis
        CHECK (frequency_source = 'text' OR btrim(coalesce(frequency_note, '')) <> '');

ALTER TABLE reporting_obligation DROP CONSTRAINT reporting_obligation_frequency_check,
    ADD CONSTRAINT reporting_obligation_frequency_check
        CHECK (frequency IN ('once', 'per_session', 'monthly', 'quarterly', 'six_monthly',
                             'yearly'));
ALTER TABLE reporting_obligation DROP CONSTRAINT reporting_obligation_check,
    ADD CONSTRAINT reporting_obligation_periodic
        CHECK ((frequency IN ('once', 'per_session')) = (period_type IS NULL));

-- The 1994 plan's obligations in a database seeded before this migration (a new database gets
-- them from the seed file): V.1's reports in force from the decision's signature (15/07/2016,
-- its effective date by Điều 3) to the plan's end, the 6-month one for the first half only; the
-- V.12 plans and the V.14 statistics are duties, which stay tasks, not reports with a recipient
-- and a frequency: archived (kept and restorable, as all plan data). Audited as the system's.
UPDATE reporting_obligation
   SET applies_from = '2016-07-15', applies_to = '2020-12-31',
       expected_periods = CASE code WHEN 'RO-V1-6M' THEN 'first_half' ELSE 'all' END,
       version = version + 1, updated_at = now()
 WHERE code IN ('RO-V1-6M', 'RO-V1-YEAR') AND applies_from IS NULL;
UPDATE reporting_obligation
   SET archived_at = now(), version = version + 1, updated_at = now()
 WHERE code IN ('RO-V12-PLAN-5Y', 'RO-V12-PLAN-YEAR', 'RO-V14-STATS-VKSND', 'RO-V14-STATS-TAND')
   AND archived_at IS NULL;

-- DOLISA-REPORT-6M counts on-time mid-year reports: a target for each year whose mid-year period
-- ends in RO-V1-6M's window (2017VNS1 to 2020VNS1), instead of one for every half-year of
-- 2016-2020 (2016VNS1 ends before the signature; the second half is the annual report's).
WITH old AS (
    UPDATE indicator_target
       SET archived_at = now(), version = version + 1, updated_at = now()
     WHERE indicator = 'DOLISA-REPORT-6M' AND period IS NULL AND applies_from = 2016
       AND applies_to = 2020 AND archived_at IS NULL
    RETURNING indicator, operator, value, unit_of_measure, scope_unit, baseline, rounding)
INSERT INTO indicator_target (indicator, period, operator, value, unit_of_measure, scope_unit,
                              baseline, rounding, note)
SELECT o.indicator, y || 'VNS1', o.operator, o.value, o.unit_of_measure, o.scope_unit,
       o.baseline, o.rounding,
       'One on-time mid-year report for each year whose mid-year period ends in RO-V1-6M''s '
       'window (15/07/2016 to 31/12/2020): 2016VNS1 ends before the decision was signed; the '
       'second half is covered by the annual report (DOLISA-REPORT-YEAR). The measure (one '
       'report on time) is the seed''s, not a number in the text.'
  FROM old o CROSS JOIN generate_series(2017, 2020) AS y;
