-- 0013_rollup_by_unit: the roll-ups (analytics_repo.c) read each unit's measurements of one
-- indicator over a span of periods. This index serves that as a short range per unit, from the
-- index alone. At national scale (tests/bench: 10.9 million measurements) a province's roll-up of a
-- monthly commune indicator over a year took 45 ms through measurement_period_start, which reads
-- the whole country's 127,000 rows of that year and keeps the province's 2,184; with this index
-- and the per-unit (LATERAL) form it takes 1.8 ms (EXPLAIN ANALYZE, warm).
-- Evidence: tests/bench/results/explain-latest.txt.
CREATE INDEX measurement_unit_period ON measurement (indicator, unit, period_start)
    INCLUDE (period_end, status, value_bool, value_num, numerator, denominator);
