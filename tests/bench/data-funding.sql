-- tests/bench/data-funding.sql: the funding data set of tests/bench/funding (issue 23), set-based,
-- run by the superuser after `planmon migrate` and `planmon seed --demo` on an empty database.
--
--   psql -v plan=1 -v lines=100000 -v entries=1000000 -f data-funding.sql
--
-- `lines` budget lines on plan `plan`, spread evenly over the plan's years (2016-2020 for the
-- seeded plan 1), over every agency of the seed (a line of a task goes to the task's lead agency
-- half the time), the six funding sources (district People's Committees mostly the district
-- budget, the others mostly the provincial one) and the plan's tasks (80 %, the line's section
-- being the task's), sections alone (15 %) or neither (5 %). Statuses: 72 % allocated, 10 %
-- appraised, 8 % proposed, 6 % draft, 4 % rejected; a district line (a People's Committee below
-- the province) is never appraised (V.12: proposed -> allocated), the others are appraised
-- before they are allocated. Amounts: estimates of 10 million to 5 billion đồng in thousands.
--
-- Then `entries` disbursements spread evenly over the allocated lines (about 14 each), each line's
-- entries adding up to 40-75 % of its allocation, dated within the line's year after its
-- decision; about one entry in a hundred is a negative correction of a quarter of the line's
-- usual entry, never first and always right after a positive entry at least twice its size, so
-- that no running total goes below zero. No line goes past its allocation.
--
-- The lines go through their audit trigger as usual (a `create` event each). The disbursements
-- are loaded with their audit and totals triggers off (1,000,000 row-by-row updates of the lines
-- would take most of an hour); the lines' `spent`, `disbursements` and `version` are then set by
-- one UPDATE from the entries' sums, as the totals trigger would have left them (with the lines'
-- audit trigger off for it), and the triggers are switched back on. So the entries have no
-- audit events: the roll-up, the lists and the reports read none.
\set ON_ERROR_STOP on
\if :{?plan}
\else
\set plan 1
\endif
\if :{?lines}
\else
\set lines 100000
\endif
\if :{?entries}
\else
\set entries 1000000
\endif

SELECT setseed(0.23);

-- What a line may be for, numbered from 0: the plan's tasks with their section and lead agency.
CREATE TEMP TABLE bench_task AS
SELECT (row_number() OVER (ORDER BY t.id) - 1)::int AS i, t.id, t.section,
       (SELECT a ->> 'agency' FROM jsonb_array_elements(t.agencies) a
        WHERE a ->> 'role' = 'lead' LIMIT 1) AS lead
FROM task t WHERE t.plan = :plan AND t.archived_at IS NULL;
CREATE TEMP TABLE bench_section AS
SELECT (row_number() OVER (ORDER BY code) - 1)::int AS i, code FROM plan_section WHERE plan = :plan;
-- Every agency, numbered from 0, and whether its lines are a district's (V.12).
CREATE TEMP TABLE bench_agency AS
SELECT (row_number() OVER (ORDER BY a.code) - 1)::int AS i, a.code,
       a.kind = 'people_committee' AND coalesce(u.level, 1) >= 2 AS district
FROM agency a LEFT JOIN admin_unit u ON u.code = a.unit;
SELECT (SELECT count(*) FROM bench_task) AS n_task, (SELECT count(*) FROM bench_section) AS n_section,
       (SELECT count(*) FROM bench_agency) AS n_agency \gset

-- The lines. r* are independent uniform draws per line.
INSERT INTO budget_line (plan, year, agency, source, section, task, description, estimate,
                         status, appraised, appraisal_note, allocated, decision_number,
                         decision_date, status_note, created_by)
SELECT :plan, y.year, a.code,
       CASE WHEN a.district THEN CASE WHEN r.s < 0.70 THEN 'NSHUYEN' WHEN r.s < 0.85 THEN 'CTMT'
                                      WHEN r.s < 0.95 THEN 'TAITRO-TN' ELSE 'DOANHNGHIEP' END
            ELSE CASE WHEN r.s < 0.60 THEN 'NSTINH' WHEN r.s < 0.80 THEN 'CTMT'
                      WHEN r.s < 0.87 THEN 'DOANHNGHIEP' WHEN r.s < 0.94 THEN 'TAITRO-TN'
                      ELSE 'TAITRO-NN' END
       END,
       coalesce(t.section, s.code), t.id,
       format('Kinh phí %s năm %s (dòng thử %s)',
              coalesce('nhiệm vụ ' || t.id, 'mục ' || s.code, 'chung'), y.year, r.g),
       r.estimate, st.status,
       CASE WHEN st.status IN ('appraised', 'allocated') AND NOT a.district
            THEN r.estimate - r.estimate * r.cut / 20000 * 1000 END,
       CASE WHEN st.status IN ('appraised', 'allocated') AND NOT a.district
            THEN 'Thẩm định của Sở Tài chính' END,
       CASE WHEN st.status = 'allocated'
            THEN r.estimate - r.estimate * (r.cut + r.cut2) / 20000 * 1000 END,
       CASE WHEN st.status = 'allocated' THEN format('%s/QĐ-UBND', 1000 + r.g % 9000) END,
       CASE WHEN st.status = 'allocated' THEN make_date(y.year, 1, 1) + (r.day * 90)::int END,
       CASE WHEN st.status = 'rejected' THEN 'Không đủ căn cứ bố trí kinh phí' END,
       'bench'
FROM (SELECT g, random() AS st, random() AS tgt, random() AS ag, random() AS s, random() AS day,
             1000 * (10000 * (1 + floor(random() * 500)))::bigint AS estimate,
             floor(random() * 4)::int AS cut, floor(random() * 3)::int AS cut2,
             floor(random() * 1000000)::int AS pick, floor(random() * 1000000)::int AS pick2
      FROM generate_series(1, :lines) g) r
CROSS JOIN LATERAL (SELECT extract(year FROM p.period_start)::int
                             + r.g % (extract(year FROM p.period_end)
                                      - extract(year FROM p.period_start) + 1)::int AS year
                    FROM plan p WHERE p.id = :plan) y
LEFT JOIN bench_task t ON r.tgt < 0.80 AND t.i = r.pick % :n_task
LEFT JOIN bench_section s ON r.tgt >= 0.80 AND r.tgt < 0.95
                          AND s.i = r.pick % :n_section
JOIN bench_agency ar ON ar.i = r.pick2 % :n_agency
CROSS JOIN LATERAL (SELECT CASE WHEN t.lead IS NOT NULL AND r.ag < 0.5 THEN t.lead
                                ELSE ar.code END AS code) ac
JOIN bench_agency a ON a.code = ac.code
CROSS JOIN LATERAL (SELECT CASE WHEN r.st < 0.72 THEN 'allocated'
                                WHEN r.st < 0.82 THEN CASE WHEN a.district THEN 'allocated' ELSE 'appraised' END
                                WHEN r.st < 0.90 THEN 'proposed' WHEN r.st < 0.96 THEN 'draft'
                                ELSE 'rejected' END AS status) st
ORDER BY r.g;

-- The disbursements: entry k (from 0) goes to allocated line k % n as its (k / n + 1)-th entry.
ALTER TABLE disbursement DISABLE TRIGGER disbursement_audit;
ALTER TABLE disbursement DISABLE TRIGGER disbursement_totals;
CREATE TEMP TABLE bench_alloc AS
SELECT (row_number() OVER (ORDER BY id) - 1)::int AS i, id, agency, allocated, decision_date
FROM budget_line WHERE plan = :plan AND status = 'allocated' AND created_by = 'bench';
CREATE UNIQUE INDEX ON bench_alloc (i);
ANALYZE bench_alloc;
SELECT count(*) AS n_alloc, coalesce((SELECT max(id) FROM disbursement), 0) AS id_base
FROM bench_alloc \gset

INSERT INTO disbursement (id, line, amount, effective, voucher_number, voucher_date, description,
                          corrects, agency, created_by)
OVERRIDING SYSTEM VALUE
SELECT :id_base + e.k + 1, l.id,
       CASE WHEN e.correction THEN -greatest(e.unit / 4, 1)
            ELSE greatest((e.unit * (0.6 + 0.4 * random()))::bigint, 1) END,
       e.day, format('PC-%s-%s', l.id, e.j + 1), e.day,
       CASE WHEN e.correction THEN 'Điều chỉnh giảm khoản chi trước' ELSE format('Chi đợt %s', e.j + 1) END,
       CASE WHEN e.correction THEN :id_base + e.k + 1 - :n_alloc END,
       l.agency, 'bench'
FROM (SELECT k, k % :n_alloc AS i, k / :n_alloc AS j,
             -- the line's entry count and usual amount: 75 % of the allocation over its entries
             :entries / :n_alloc + CASE WHEN k % :n_alloc < :entries % :n_alloc THEN 1 ELSE 0 END AS n,
             random() < 0.02 AS draw
      FROM generate_series(0, :entries - 1) k) x
JOIN bench_alloc l ON l.i = x.i
CROSS JOIN LATERAL (SELECT x.k, x.j, (l.allocated * 3 / 4 / x.n)::bigint AS unit,
                           x.draw AND x.j % 2 = 1 AS correction,
                           l.decision_date + ((x.j + 1) * (make_date(extract(year FROM l.decision_date)::int, 12, 31)
                                                            - l.decision_date) / (x.n + 1))::int AS day) e
ORDER BY e.k;
SELECT setval(pg_get_serial_sequence('disbursement', 'id'), max(id)) FROM disbursement;

-- The lines' totals, as the totals trigger keeps them (a version per entry).
ALTER TABLE budget_line DISABLE TRIGGER budget_line_audit;
UPDATE budget_line l SET spent = d.spent, disbursements = d.n, version = l.version + d.n
FROM (SELECT line, sum(amount) AS spent, count(*)::int AS n FROM disbursement GROUP BY line) d
WHERE l.id = d.line AND l.created_by = 'bench';
ALTER TABLE budget_line ENABLE TRIGGER budget_line_audit;
ALTER TABLE disbursement ENABLE TRIGGER disbursement_totals;
ALTER TABLE disbursement ENABLE TRIGGER disbursement_audit;

-- What was made, for the log.
SELECT status, count(*) AS lines, count(DISTINCT agency) AS agencies, count(DISTINCT source) AS sources,
       count(DISTINCT task) AS tasks, count(DISTINCT section) AS sections, sum(disbursements) AS entries,
       sum(spent) AS spent, sum(allocated) AS allocated
FROM budget_line WHERE plan = :plan GROUP BY ROLLUP (status) ORDER BY status;
