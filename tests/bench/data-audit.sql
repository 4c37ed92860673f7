-- tests/bench/data-audit.sql: one baseline audit event, with the row's snapshot, for each loaded
-- measurement of indicator :ind — what migration 0011 wrote for rows that predate the snapshots,
-- so that reports and analytics "as of" a moment see the loaded data. Run by tests/bench/run after
-- data-measurements.sql (unless BENCH_AUDIT=none).
\set ON_ERROR_STOP 1
SET synchronous_commit = off;
INSERT INTO audit_event (action, entity_type, entity_id, entity_agency, version, at, row)
SELECT 'baseline', 'measurements', m.id::text, m.agency, m.version, m.updated_at, to_jsonb(m)
FROM measurement m WHERE m.indicator = :'ind' AND m.entered_by = 'bench-loader';
