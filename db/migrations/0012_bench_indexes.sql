-- 0012_bench_indexes: the roll-ups (analytics_repo.c: the threshold and latest forms, and the
-- period form for a period of another type) select one indicator's measurements by period_start,
-- which no index led with: at national scale (10.9 million measurements, tests/bench) the
-- province roll-up of a monthly commune indicator over a year read all 636,000 rows of the
-- indicator through the unique index, 182 times over (24.3 s); with this index it reads the
-- year's 127,000 from the index alone (50 ms; the national roll-up 57 ms).
-- Evidence: tests/bench/results/explain-latest.txt (EXPLAIN (ANALYZE, BUFFERS), trial rolled back).
CREATE INDEX measurement_period_start ON measurement (indicator, period_start)
    INCLUDE (unit, period_end, status, value_bool, value_num, numerator, denominator);
