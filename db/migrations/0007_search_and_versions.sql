-- 0007_search_and_versions: every new version of a row is in its history (a PATCH that sets
-- the values it had still makes a version, so followers must hear of it); search words match
-- across the punctuation between them ("phong chong mai dam" finds "phòng, chống mại dâm").

CREATE OR REPLACE FUNCTION planmon_search_pattern(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE
        -- words: each run of other characters between them may be any text
        WHEN planmon_fold($1) ~ '[[:alnum:]]'
        THEN '%' || regexp_replace(btrim(regexp_replace(planmon_fold($1), '[^[:alnum:]]+', ' ', 'g')),
                                   ' ', '%', 'g') || '%'
        -- only punctuation: taken literally, LIKE's own wildcards escaped
        ELSE '%' || replace(replace(replace(planmon_fold($1), '\', '\\'), '%', '\%'), '_', '\_') || '%'
    END;

-- The same words, adjacent but for punctuation and spaces, as a regular expression that the
-- LIKE pattern above prefilters through the trigram index ('' when the text has no word).
CREATE FUNCTION planmon_search_words(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN regexp_replace(btrim(regexp_replace(planmon_fold($1), '[^[:alnum:]]+', ' ', 'g')),
                          ' ', '[^[:alnum:]]+', 'g');

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
                             entity_agency, version, changes)
    VALUES (audit_setting('planmon.user'), audit_setting('planmon.role'),
            audit_setting('planmon.agency'), audit_setting('planmon.request_id'), act,
            entity_type, cur_row ->> key_column,
            CASE WHEN agency_column <> '' THEN cur_row ->> agency_column END,
            (cur_row ->> 'version')::integer, diff);
    RETURN NULL;
END $$;
