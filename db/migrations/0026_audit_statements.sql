-- 0026_audit_statements: a bulk write is audited once per statement, not once per row.
-- A 10,000-row import spent most of its INSERT in audit_row: a PL/pgSQL call per row that walked
-- the row's keys one by one. What an audit event records is now said once, in audit_diff (its
-- changes) and audit_action (its action); audit_row applies them to one row, and the statement
-- trigger audit_rows to all the rows of a statement at once, read from its transition tables,
-- when the writer asks for it (audit_by_statement). audit_rows pairs an UPDATE's old and new
-- rows by the key column, so it serves only tables whose key never changes: measurement (its
-- id), the table imports write.

-- The changes an audit event records between two versions of a row (to_jsonb; '{}' for none):
-- {column: {"old": …, "new": …}} for each column that differs, {column: {"redacted": true}}
-- for a secret, nothing for the ignored columns (nor version, created_at, updated_at and
-- search_text). An absent key and a JSON null are the same "no value", so a new row's empty
-- fields are not changes.
CREATE FUNCTION audit_diff(old_row jsonb, new_row jsonb, redacted text[], ignored text[])
RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(jsonb_object_agg(k, CASE WHEN k = ANY (redacted)
                                             THEN '{"redacted": true}'::jsonb
                                             ELSE jsonb_build_object('old', old_row -> k,
                                                                     'new', new_row -> k) END),
                    '{}'::jsonb)
    FROM jsonb_object_keys(old_row || new_row) AS k
    WHERE k <> ALL (ignored || ARRAY['version', 'created_at', 'updated_at', 'search_text'])
      AND coalesce(old_row -> k, 'null'::jsonb) <> coalesce(new_row -> k, 'null'::jsonb)
$$;

-- The action an audit event names: archive or restore when archived_at changed, else what the
-- writer declared (planmon.action), else create, update or delete by the operation.
CREATE FUNCTION audit_action(op text, diff jsonb, new_row jsonb) RETURNS text
LANGUAGE sql STABLE
RETURN CASE
    WHEN op = 'UPDATE' AND diff ? 'archived_at'
        THEN CASE WHEN new_row ->> 'archived_at' IS NULL THEN 'restore' ELSE 'archive' END
    ELSE coalesce(audit_setting('planmon.action'),
                  CASE op WHEN 'INSERT' THEN 'create' WHEN 'DELETE' THEN 'delete'
                          ELSE 'update' END)
END;

-- Whether an update is worth no audit event: it made no new version and changed nothing a
-- reader sees.
CREATE FUNCTION audit_skips(op text, diff jsonb, old_row jsonb, new_row jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE
RETURN op = 'UPDATE' AND diff = '{}'::jsonb
       AND (old_row -> 'version') IS NOT DISTINCT FROM (new_row -> 'version');

-- Whether the statement triggers audit this transaction's writes rather than the row triggers:
-- planmon sets planmon.audit to 'statement' around a bulk write (the import's one INSERT), and
-- back to '' after it.
CREATE FUNCTION audit_by_statement() RETURNS boolean LANGUAGE sql STABLE
RETURN audit_setting('planmon.audit') IS NOT DISTINCT FROM 'statement';

-- One audit event per changed row (a row trigger). Arguments: entity type, key column, agency
-- column ('' for none), columns recorded only as "changed" without values (secrets), columns not
-- recorded at all. The event's row is the row after the change, secrets left out.
CREATE OR REPLACE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    redacted text[] := string_to_array(TG_ARGV[3], ',');
    old_row  jsonb := CASE WHEN TG_OP = 'INSERT' THEN '{}'::jsonb ELSE to_jsonb(OLD) END;
    new_row  jsonb := CASE WHEN TG_OP = 'DELETE' THEN '{}'::jsonb ELSE to_jsonb(NEW) END;
    cur_row  jsonb := CASE WHEN TG_OP = 'DELETE' THEN old_row ELSE new_row END;
    diff     jsonb := audit_diff(old_row, new_row, redacted, string_to_array(TG_ARGV[4], ','));
BEGIN
    IF audit_skips(TG_OP, diff, old_row, new_row) THEN
        RETURN NULL;
    END IF;
    INSERT INTO audit_event (username, role, agency, request_id, action, entity_type, entity_id,
                             entity_agency, version, changes, row)
    VALUES (audit_setting('planmon.user'), audit_setting('planmon.role'),
            audit_setting('planmon.agency'), audit_setting('planmon.request_id'),
            audit_action(TG_OP, diff, new_row), TG_ARGV[0], cur_row ->> TG_ARGV[1],
            CASE WHEN TG_ARGV[2] <> '' THEN cur_row ->> TG_ARGV[2] END,
            (cur_row ->> 'version')::integer, diff,
            CASE WHEN TG_OP <> 'DELETE' THEN new_row - redacted - 'search_text' END);
    RETURN NULL;
END $$;

-- The same events as audit_row for all the rows of a statement at once (a statement trigger
-- whose transition tables are named old_rows and new_rows), in the key's order. The same
-- arguments; an UPDATE's rows are paired by the key column, which must never change. Static SQL
-- only, so that PL/pgSQL keeps each query's plan: a statement that writes one row pays no more
-- than audit_row does.
CREATE FUNCTION audit_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    redacted text[] := string_to_array(TG_ARGV[3], ',');
    olds     jsonb[];
    news     jsonb[];
BEGIN
    IF NOT audit_by_statement() THEN
        RETURN NULL;  -- the row trigger has audited each row
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(n ORDER BY n -> TG_ARGV[1]) INTO news
        FROM (SELECT to_jsonb(t) AS n FROM new_rows t) v;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(o ORDER BY o -> TG_ARGV[1]) INTO olds
        FROM (SELECT to_jsonb(t) AS o FROM old_rows t) v;
    ELSE
        SELECT array_agg(o ORDER BY o -> TG_ARGV[1]), array_agg(n ORDER BY o -> TG_ARGV[1])
        INTO olds, news
        FROM (SELECT to_jsonb(t) AS o FROM old_rows t) o
        JOIN (SELECT to_jsonb(t) AS n FROM new_rows t) n ON n -> TG_ARGV[1] = o -> TG_ARGV[1];
    END IF;
    INSERT INTO audit_event (username, role, agency, request_id, action, entity_type, entity_id,
                             entity_agency, version, changes, row)
    SELECT audit_setting('planmon.user'), audit_setting('planmon.role'),
           audit_setting('planmon.agency'), audit_setting('planmon.request_id'),
           audit_action(TG_OP, e.diff, e.n), TG_ARGV[0], e.cur ->> TG_ARGV[1],
           CASE WHEN TG_ARGV[2] <> '' THEN e.cur ->> TG_ARGV[2] END,
           (e.cur ->> 'version')::integer, e.diff,
           CASE WHEN TG_OP <> 'DELETE' THEN e.n - redacted - 'search_text' END
    FROM (SELECT v.o, v.n, v.i, CASE WHEN TG_OP = 'DELETE' THEN v.o ELSE v.n END AS cur,
                 audit_diff(v.o, v.n, redacted, string_to_array(TG_ARGV[4], ',')) AS diff
          FROM (SELECT coalesce(o, '{}') AS o, coalesce(n, '{}') AS n, i
                FROM unnest(olds, news) WITH ORDINALITY AS u (o, n, i)) v
          OFFSET 0) e  -- a fence: each row's diff is computed once, not once per use
    WHERE NOT audit_skips(TG_OP, e.diff, e.o, e.n)
    ORDER BY e.i;
    RETURN NULL;
END $$;

-- Measurements keep their row trigger, for the single rows that most writes change, and gain
-- statement triggers for planmon's bulk writes (audit_by_statement).

DROP TRIGGER measurement_audit ON measurement;
CREATE TRIGGER measurement_audit AFTER INSERT OR UPDATE OR DELETE ON measurement
    FOR EACH ROW WHEN (NOT audit_by_statement())
    EXECUTE FUNCTION audit_row('measurements', 'id', 'agency', '', 'period_start,period_end');
CREATE TRIGGER measurement_audit_inserted AFTER INSERT ON measurement
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION audit_rows('measurements', 'id', 'agency', '', 'period_start,period_end');
CREATE TRIGGER measurement_audit_updated AFTER UPDATE ON measurement
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION audit_rows('measurements', 'id', 'agency', '', 'period_start,period_end');
