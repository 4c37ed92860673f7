-- 0003_write_safety: the audit trail (append-only, written by triggers in the same transaction as
-- each change), and the stored answers of idempotent POSTs.

CREATE TABLE audit_event (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The writing transaction: the change feed serves only events of transactions older than
    -- every transaction still running, so a cursor never passes an event that commits later.
    txid          xid8 NOT NULL DEFAULT pg_current_xact_id(),
    at            timestamptz NOT NULL DEFAULT clock_timestamp(),
    username      text,          -- NULL: the system (seed, migration)
    role          text,
    agency        text,
    request_id    text,
    action        text NOT NULL,
    entity_type   text NOT NULL, -- the collection: users, agencies, admin-units, ...
    entity_id     text NOT NULL,
    entity_agency text,          -- the agency the entity belongs to, for scoping who may read it
    version       integer,
    changes       jsonb NOT NULL DEFAULT '{}'::jsonb  -- {"field": {"old": .., "new": ..}}
);
CREATE INDEX audit_event_entity ON audit_event (entity_type, entity_id, id);
CREATE INDEX audit_event_feed ON audit_event (txid, id);
CREATE INDEX audit_event_username ON audit_event (username, id);
CREATE INDEX audit_event_agency ON audit_event (agency, id);
CREATE INDEX audit_event_at ON audit_event (at, id);

-- Append-only, for the service's own role too (it owns the table, so grants alone would not
-- bind it).
CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();

-- Who is acting: transaction-local settings the service sets at the start of every write
-- transaction (set_config(..., true), so they work through PgBouncer in transaction mode).
-- They read back as '' once set in an earlier transaction, hence NULLIF.
CREATE FUNCTION audit_setting(name text) RETURNS text
    LANGUAGE sql STABLE RETURN NULLIF(current_setting(name, true), '');

-- One audit event per changed row, with the before and after of each changed field.
-- Arguments: entity type, key column, agency column ('' for none), columns recorded only as
-- "changed" without values (secrets), columns not recorded at all.
CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
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
        CONTINUE WHEN k = ANY (ignored) OR (old_row -> k) IS NOT DISTINCT FROM (new_row -> k);
        IF k = ANY (redacted) THEN
            diff := diff || jsonb_build_object(k, jsonb_build_object('redacted', true));
        ELSE
            diff := diff || jsonb_build_object(k, jsonb_build_object('old', old_row -> k, 'new', new_row -> k));
        END IF;
    END LOOP;
    IF TG_OP = 'UPDATE' AND diff = '{}'::jsonb THEN
        RETURN NULL;  -- nothing a reader would see changed
    END IF;
    act := coalesce(audit_setting('planmon.action'),
                    CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'DELETE' THEN 'delete' ELSE 'update' END);
    IF TG_OP = 'UPDATE' AND diff ? 'archived_at' THEN
        act := CASE WHEN new_row ->> 'archived_at' IS NULL THEN 'restore' ELSE 'archive' END;
    END IF;
    INSERT INTO audit_event (username, role, agency, request_id, action, entity_type, entity_id,
                             entity_agency, version, changes)
    VALUES (audit_setting('planmon.user'), audit_setting('planmon.role'),
            audit_setting('planmon.agency'), audit_setting('planmon.request_id'), act,
            entity_type, cur_row ->> key_column,
            CASE WHEN agency_column <> '' THEN cur_row ->> agency_column END,
            (cur_row ->> 'version')::integer, diff);
    RETURN NULL;
END $$;

CREATE TRIGGER admin_unit_audit AFTER INSERT OR UPDATE OR DELETE ON admin_unit
    FOR EACH ROW EXECUTE FUNCTION audit_row('admin-units', 'code', '', '', 'path');
CREATE TRIGGER agency_audit AFTER INSERT OR UPDATE OR DELETE ON agency
    FOR EACH ROW EXECUTE FUNCTION audit_row('agencies', 'code', 'code', '', '');
CREATE TRIGGER app_user_audit AFTER INSERT OR UPDATE OR DELETE ON app_user
    FOR EACH ROW EXECUTE FUNCTION audit_row('users', 'username', 'agency', 'password_hash', 'id,sessions_valid_from');

-- The answers of POSTs sent with an Idempotency-Key, per caller, kept 24 hours.
CREATE TABLE idempotency_key (
    username     text NOT NULL,
    key          text NOT NULL,
    request_hash bytea NOT NULL,
    status       integer,
    headers      jsonb,
    body         text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (username, key)
);
CREATE INDEX idempotency_key_created ON idempotency_key (created_at);
