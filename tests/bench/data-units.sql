-- tests/bench/data-units.sql: the national skeleton, after `planmon migrate` and `planmon seed`:
-- 62 synthetic provinces beside the seeded An Giang (89), their districts and communes, a
-- People's Committee for each unit, each province's own departments and bodies, each province's
-- copy of the seeded plan (sections and tasks, agencies renamed to the province's), yearly plan
-- tasks of every district (V.12), progress updates, the synthetic indicators and their targets.
-- Set-based (generate_series, INSERT ... SELECT); run by tests/bench/run as superuser with
--   psql -v n_prov=62 -v n_dist=689 -v n_comm=10444 -v updates=10
-- Codes: provinces 10.., districts 100.., communes 40000.. (no clash with An Giang's 89, 883-894,
-- 30xxx). The audit triggers stay on here (some 100,000 rows): every row gets its 'create' event
-- and snapshot as if the seed had written it. Measurements are loaded by data-measurements.sql.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;


BEGIN;
-- units: province p (0-based) has code 10+p; district d belongs to province d % n_prov; commune c
-- to district c % n_dist.
CREATE TEMP TABLE bench_prov AS
    SELECT p, (10 + p)::text AS code FROM generate_series(0, :n_prov - 1) p;
CREATE TEMP TABLE bench_dist AS
    SELECT d, (100 + d)::text AS code, (10 + d % :n_prov)::text AS prov
    FROM generate_series(0, :n_dist - 1) d;
INSERT INTO admin_unit (code, name, type, level, parent, path, valid_from)
SELECT code, 'Tỉnh Thử Nghiệm ' || code, 'tinh', 1, NULL, ARRAY[code], date '2000-01-01' FROM bench_prov;
INSERT INTO admin_unit (code, name, type, level, parent, path, valid_from)
SELECT code, 'Huyện Thử Nghiệm ' || code, 'huyen', 2, prov, ARRAY[code], date '2000-01-01' FROM bench_dist;
INSERT INTO admin_unit (code, name, type, level, parent, path, valid_from)
SELECT (40000 + c)::text, 'Xã Thử Nghiệm ' || (40000 + c), 'xa', 3, (100 + c % :n_dist)::text,
       ARRAY[(40000 + c)::text], date '2000-01-01'
FROM generate_series(0, :n_comm - 1) c;

-- a People's Committee for every synthetic unit; each province's own bodies, named as An Giang's
-- with the province's suffix (SLDTBXH-P10)
INSERT INTO agency (code, name, kind, unit)
SELECT 'UBND-' || u.code, 'Ủy ban nhân dân ' || u.name, 'people_committee', u.code
FROM admin_unit u WHERE NOT EXISTS (SELECT 1 FROM agency a WHERE a.unit = u.code);
INSERT INTO agency (code, name, name_en, kind)
SELECT a.code || '-P' || p.code, a.name || ' (tỉnh ' || p.code || ')', a.name_en, a.kind
FROM agency a CROSS JOIN bench_prov p
WHERE a.kind NOT IN ('people_committee', 'foreign_partner');

-- how An Giang's agency codes map to province p's
CREATE TEMP TABLE bench_agency_map AS
SELECT p.code AS prov, a.code AS old, a.code || '-P' || p.code AS new
FROM agency a CROSS JOIN bench_prov p
WHERE a.kind NOT IN ('people_committee', 'foreign_partner') AND a.code NOT LIKE '%-P%';
INSERT INTO bench_agency_map SELECT code, 'UBND-89', 'UBND-' || code FROM bench_prov;
-- An Giang's k-th district committee becomes the province's (k mod its districts)-th one
INSERT INTO bench_agency_map
SELECT p.code, ag.old, 'UBND-' || d.code
FROM bench_prov p
CROSS JOIN LATERAL (SELECT 'UBND-' || u.code AS old, row_number() OVER (ORDER BY u.code) - 1 AS k
                    FROM admin_unit u WHERE u.parent = '89') ag
CROSS JOIN LATERAL (SELECT count(*) AS n FROM bench_dist WHERE prov = p.code) nd
JOIN LATERAL (SELECT code, row_number() OVER (ORDER BY d) - 1 AS k FROM bench_dist
              WHERE prov = p.code) d ON d.k = ag.k % nd.n;
CREATE INDEX ON bench_agency_map (prov, old);
ANALYZE bench_agency_map;

-- each province's copy of the seeded plan: plan p+2, task ids 1000*(p+1) + the seeded id
INSERT INTO plan (id, code, title, title_en, period_start, period_end, document, lead_agency,
                  parent_programme)
OVERRIDING SYSTEM VALUE
SELECT 2 + p.p, 'KH-P' || p.code, s.title || ' (tỉnh ' || p.code || ')', s.title_en, s.period_start,
       s.period_end, s.document, 'SLDTBXH-P' || p.code, s.parent_programme
FROM plan s CROSS JOIN bench_prov p WHERE s.id = 1;
DO $$BEGIN PERFORM setval(pg_get_serial_sequence('plan', 'id'), (SELECT max(id) FROM plan)); END$$;
INSERT INTO plan_section (plan, code, seq, kind, title, text, targets_text, heading_path)
SELECT 2 + p.p, s.code, s.seq, s.kind, s.title, s.text, s.targets_text, s.heading_path
FROM plan_section s CROSS JOIN bench_prov p WHERE s.plan = 1;
INSERT INTO task (id, plan, section, parent_id, key, source_clause, title, title_en, description,
                  agencies, start_date, due_date, recurrence, status, percent_done)
OVERRIDING SYSTEM VALUE
SELECT 1000 * (p.p + 1) + t.id, 2 + p.p, t.section, 1000 * (p.p + 1) + t.parent_id, t.key,
       t.source_clause, t.title, t.title_en, t.description,
       (SELECT coalesce(jsonb_agg(e || jsonb_build_object('agency', coalesce(m.new, e ->> 'agency'))
                                  ORDER BY n), '[]')
        FROM jsonb_array_elements(t.agencies) WITH ORDINALITY AS x (e, n)
        LEFT JOIN bench_agency_map m ON m.prov = p.code AND m.old = e ->> 'agency'),
       t.start_date, t.due_date, t.recurrence, t.status, t.percent_done
FROM task t CROSS JOIN bench_prov p WHERE t.plan = 1
ORDER BY p.p, t.parent_id NULLS FIRST, t.id;
DO $$BEGIN PERFORM setval(pg_get_serial_sequence('task', 'id'), (SELECT max(id) FROM task)); END$$;

-- every district's yearly plan (V.12), 2016-2020, led by its committee with the province's DOLISA
INSERT INTO task (plan, section, title, description, agencies, start_date, due_date, recurrence,
                  status, percent_done)
SELECT pl.id, 'V.12', 'Kế hoạch năm ' || y || ' của ' || d.name, 'Xây dựng và thực hiện kế hoạch năm ' || y,
       jsonb_build_array(
           jsonb_build_object('agency', 'UBND-' || d.code, 'role', 'lead', 'mode', 'assigned',
                              'source', 'inferred', 'note', NULL),
           jsonb_build_object('agency', CASE WHEN d.parent = '89' THEN 'SLDTBXH' ELSE 'SLDTBXH-P' || d.parent END,
                              'role', 'coordinate', 'mode', 'assigned', 'source', 'inferred', 'note', NULL)),
       make_date(y, 1, 1), make_date(y, 12, 31), 'none',
       CASE WHEN y < 2020 THEN 'done' ELSE 'in_progress' END, CASE WHEN y < 2020 THEN 100 ELSE 60 END
FROM admin_unit d
JOIN plan pl ON pl.code = CASE WHEN d.parent = '89' THEN 'KH-1994-2016' ELSE 'KH-P' || d.parent END
CROSS JOIN generate_series(2016, 2020) y
WHERE d.level = 2
ORDER BY d.code, y;

-- progress updates: :updates per task, spread over the plan's years, by the task's lead
INSERT INTO task_update (task_id, note, percent_done, status, previous_status,
                         previous_percent_done, author, agency, created_at)
SELECT t.id, 'Báo cáo tiến độ lần ' || k, least(100, k * 10), 'in_progress', 'in_progress',
       least(100, (k - 1) * 10), 'bench-loader',
       coalesce((SELECT e ->> 'agency' FROM jsonb_array_elements(t.agencies) e
                 WHERE e ->> 'role' = 'lead' AND EXISTS (SELECT 1 FROM agency a WHERE a.code = e ->> 'agency')
                 LIMIT 1), 'SLDTBXH'),
       timestamptz '2016-08-01 09:00+07' + (k * interval '150 days')
FROM task t CROSS JOIN generate_series(1, :updates) k;

-- the synthetic monthly commune indicators: 6 counted by months meeting a threshold, 6 summed,
-- 4 shares of communes; BENCH-WRITE (the POST scenario's, empty) and BENCH-PATCH (drafts for the
-- PATCH scenario)
INSERT INTO indicator (code, name, plan, level, period_type, value_type, rollup, threshold,
                       reporting_agencies)
SELECT 'BENCH-M' || lpad(k::text, 2, '0'), 'Chỉ tiêu thử nghiệm hằng tháng ' || k, 1, 'commune',
       'monthly', CASE WHEN k > 12 THEN 'boolean' ELSE 'count' END,
       CASE WHEN k <= 6 THEN 'periods_meeting_threshold' WHEN k <= 12 THEN 'sum' ELSE 'share' END,
       CASE WHEN k <= 6 THEN 1 END, '["SLDTBXH"]'
FROM generate_series(1, 16) k;
INSERT INTO indicator (code, name, plan, level, period_type, value_type, rollup, reporting_agencies)
VALUES ('BENCH-WRITE', 'Chỉ tiêu thử nghiệm ghi', 1, 'commune', 'monthly', 'count', 'sum', '["SLDTBXH"]'),
       ('BENCH-PATCH', 'Chỉ tiêu thử nghiệm sửa', 1, 'commune', 'monthly', 'count', 'sum', '["SLDTBXH"]');
INSERT INTO indicator_target (indicator, applies_from, applies_to, operator, value, unit_of_measure,
                              rounding)
SELECT code, 2016, 2020, '>=',
       CASE rollup WHEN 'share' THEN 75 WHEN 'sum' THEN 100 ELSE 10 END,
       CASE rollup WHEN 'share' THEN 'percent' END, CASE rollup WHEN 'share' THEN 'ceil' ELSE 'exact' END
FROM indicator WHERE code LIKE 'BENCH-M%';
COMMIT;

