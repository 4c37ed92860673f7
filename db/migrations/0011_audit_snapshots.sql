-- 0011_audit_snapshots: every audit event also keeps the whole row as it was after the change
-- (secrets left out), so that a report "as of" a moment reads the state of tasks, measurements
-- and pilot sites then: the latest snapshot at or before that moment. Rows that existed before
-- this migration get one baseline snapshot, dated their last change.

ALTER TABLE audit_event ADD COLUMN row jsonb;
CREATE INDEX audit_event_snapshot ON audit_event (entity_type, at, entity_id) WHERE row IS NOT NULL;

CREATE OR REPLACE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    entity_type   text := TG_ARGV[0];
    key_column    text := TG_ARGV[1];
    agency_column text := TG_ARGV[2];
    redacted      text[] := string_to_array(TG_ARGV[3], ',');
    ignored       text[] := string_to_array(TG_ARGV[4], ',') ||
                            ARRAY['version', 'created_at', 'updated_at', 'search_text'];
    old_row jsonb := CASE WHEN TG_OP = 'INSERT' THEN '{}'::jsonb ELSE to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP = 'DELETE' THEN '{}'::jsonb ELSE to_jsonb(NEW) END;
    cur_row jsonb := CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END;
    diff    jsonb := '{}'::jsonb;
    k       text;
    act     text;
BEGIN
    FOR k IN SELECT jsonb_object_keys(old_row || new_row) LOOP
        -- an absent key and a JSON null are the same "no value" (a new row's empty fields are
        -- not changes)
        CONTINUE WHEN k = ANY (ignored) OR
                      coalesce(old_row -> k, 'null'::jsonb) = coalesce(new_row -> k, 'null'::jsonb);
        IF k = ANY (redacted) THEN
            diff := diff || jsonb_build_object(k, jsonb_build_object('redacted', true));
        ELSE
            diff := diff || jsonb_build_object(k, jsonb_build_object('old', old_row -> k, 'new', new_row -> k));
        END IF;
    END LOOP;
    IF TG_OP = 'UPDATE' AND diff = '{}'::jsonb AND
       (old_row -> 'version') IS NOT DISTINCT FROM (new_row -> 'version') THEN
        RETURN NULL;  -- no new version and nothing a reader would see changed
    END IF;
    act := coalesce(audit_setting('planmon.action'),
                    CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'DELETE' THEN 'delete' ELSE 'update' END);
    IF TG_OP = 'UPDATE' AND diff ? 'archived_at' THEN
        act := CASE WHEN new_row ->> 'archived_at' IS NULL THEN 'restore' ELSE 'archive' END;
    END IF;
    INSERT INTO audit_event (username, role, agency, request_id, action, entity_type, entity_id,
                             entity_agency, version, changes, row)
    VALUES (audit_setting('planmon.user'), audit_setting('planmon.role'),
            audit_setting('planmon.agency'), audit_setting('planmon.request_id'), act,
            entity_type, cur_row ->> key_column,
            CASE WHEN agency_column <> '' THEN cur_row ->> agency_column END,
            (cur_row ->> 'version')::integer, diff,
            CASE WHEN TG_OP <> 'DELETE' THEN new_row - redacted - 'search_text' END);
    RETURN NULL;
END $$;

INSERT INTO audit_event (action, entity_type, entity_id, version, at, row)
SELECT 'baseline', 'tasks', t.id::text, t.version, t.updated_at, to_jsonb(t) - 'search_text'
FROM task t;
INSERT INTO audit_event (action, entity_type, entity_id, entity_agency, version, at, row)
SELECT 'baseline', 'measurements', m.id::text, m.agency, m.version, m.updated_at, to_jsonb(m)
FROM measurement m;
INSERT INTO audit_event (action, entity_type, entity_id, entity_agency, version, at, row)
SELECT 'baseline', 'pilot-sites', s.id::text, s.host_agency, s.version, s.updated_at, to_jsonb(s)
FROM pilot_site s;
