-- 0024_outbox_listened: a write no webhook listens to does not even call the outbox trigger.
-- 0022 let planmon's write transactions switch the trigger off when no webhook was enabled at
-- all; one enabled webhook for deadlines then cost every row of a 10,000-row import a call of
-- outbox_from_audit, to find that no one wanted it. planmon.outbox now names the entity types
-- whose events an enabled webhook asks for, and the trigger's WHEN clause (evaluated without
-- entering PL/pgSQL) lets only those rows through.

-- The entity type of the audit events a kind of event comes from; NULL for deadline kinds,
-- which the scheduler writes. The inverse of the kinds outbox_from_audit makes.
CREATE FUNCTION outbox_kind_entity_type(kind text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT CASE
        WHEN kind LIKE '%.changed' THEN left(kind, -length('.changed'))
        WHEN kind LIKE 'measurement.%' THEN 'measurements'
        WHEN kind LIKE 'submission.%' THEN 'submissions'
    END
$$;

-- What planmon.outbox is set to at the start of planmon's write transactions (db_set_actor):
-- ',measurements,tasks,' for the entity types someone listens to, 'off' when none.
CREATE FUNCTION outbox_listened_entity_types() RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce(',' || string_agg(DISTINCT t.entity_type, ',') || ',', 'off')
    FROM webhook w, unnest(w.events) AS k (kind),
         LATERAL (SELECT outbox_kind_entity_type(k.kind) AS entity_type) t
    WHERE w.enabled AND t.entity_type IS NOT NULL
$$;

-- Writers other than planmon (psql, the migrations) leave planmon.outbox unset (NULL, or '' once
-- a transaction of the session has set it locally): the trigger runs for every row and looks
-- for itself.
DROP TRIGGER audit_event_outbox ON audit_event;
CREATE TRIGGER audit_event_outbox AFTER INSERT ON audit_event
    FOR EACH ROW WHEN (coalesce(current_setting('planmon.outbox', true), '') = ''
                       OR strpos(current_setting('planmon.outbox', true),
                                 ',' || NEW.entity_type || ',') > 0)
    EXECUTE FUNCTION outbox_from_audit();
