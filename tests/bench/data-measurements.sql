-- tests/bench/data-measurements.sql: the measurements of one indicator (:ind) for every unit at its
-- level and every period of its type over :months months from January 2016, set-based. Run by
-- tests/bench/run, several at once, after data-units.sql, with the measurement audit trigger
-- disabled (data-audit.sql writes each row's baseline snapshot afterwards). :status_sql is the
-- status of a row ('approved' for most; BENCH-PATCH's are drafts).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET synchronous_commit = off;

INSERT INTO measurement (indicator, unit, period, period_start, period_end, value_bool, value_num,
                         status, entered_by, agency, reviewed_by, created_at, updated_at)
SELECT i.code, u.code, p.id, p.s, p.e,
       CASE WHEN i.value_type = 'boolean' THEN random() < 0.7 END,
       CASE WHEN i.value_type <> 'boolean' THEN floor(random() * 7) END,
       CASE WHEN :'ind' = 'BENCH-PATCH' THEN 'draft'
            WHEN p.s >= date '2020-12-01' AND random() < 0.1 THEN 'submitted' ELSE 'approved' END,
       'bench-loader', a.code, CASE WHEN :'ind' <> 'BENCH-PATCH' THEN 'bench-reviewer' END,
       p.e + interval '5 days 9 hours', p.e + interval '12 days 9 hours'
FROM indicator i
CROSS JOIN LATERAL (
    SELECT to_char(m, 'YYYYMM') AS id, m::date AS s, (m + interval '1 month - 1 day')::date AS e
    FROM generate_series(timestamp '2016-01-01', timestamp '2016-01-01' + (:months - 1) * interval '1 month',
                         interval '1 month') m
    WHERE i.period_type = 'monthly'
    UNION ALL
    SELECT y::text, make_date(y, 1, 1), make_date(y, 12, 31)
    FROM generate_series(2016, 2016 + (:months - 1) / 12) y
    WHERE i.period_type = 'yearly') p
JOIN admin_unit u ON u.level = planmon_level(i.level)
JOIN agency a ON a.unit = u.code
WHERE i.code = :'ind'
ORDER BY p.s, u.code;
