-- 0001_foundation: search folding, administrative units, agencies.
-- Applied by `planmon migrate` in one transaction; see service/src/db/migrate_repo.c.

DO $$
BEGIN
    IF pg_encoding_to_char((SELECT encoding FROM pg_database WHERE datname = current_database())) <> 'UTF8' THEN
        RAISE EXCEPTION 'planmon needs a UTF8 database (create it with ENCODING ''UTF8'')';
    END IF;
END $$;

CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Folds text for diacritic-insensitive search: NFC first (so decomposed input folds like
-- composed), then unaccent with the dictionary named (unaccent(text) alone is only STABLE, since
-- it looks the dictionary up through search_path), then lower case. "Đông Xuyên" -> "dong xuyen",
-- "Hoà" and "Hòa" -> "hoa".
CREATE FUNCTION planmon_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN lower(public.unaccent('public.unaccent'::regdictionary, normalize($1, NFC)));

-- The LIKE pattern for a search text: folded, LIKE's own wildcards escaped, wrapped in %...%.
-- IMMUTABLE, so for a bound parameter it is computed once at planning time and the trigram
-- indexes below serve the match.
CREATE FUNCTION planmon_search_pattern(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN '%' || replace(replace(replace(planmon_fold($1), '\', '\\'), '%', '\%'), '_', '\_') || '%';

CREATE TABLE admin_unit (
    code        text PRIMARY KEY CHECK (code ~ '^[0-9]{2,5}$'),
    name        text NOT NULL CHECK (btrim(name) <> ''),
    type        text NOT NULL CHECK (type IN ('tinh', 'thanh_pho', 'thi_xa', 'huyen', 'phuong', 'thi_tran', 'xa')),
    level       smallint NOT NULL CHECK (level BETWEEN 1 AND 3),
    parent      text REFERENCES admin_unit (code),
    path        text[] NOT NULL,
    valid_from  date NOT NULL,
    valid_to    date,          -- exclusive: the first day the unit no longer exists
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    search_text text GENERATED ALWAYS AS (planmon_fold(name)) STORED,
    CHECK ((level = 1) = (parent IS NULL)),
    CHECK (valid_to IS NULL OR valid_to > valid_from),
    CHECK (path[array_length(path, 1)] = code AND array_length(path, 1) = level)
);

-- The path is derived from the parent, never taken from a writer.
CREATE FUNCTION admin_unit_set_path() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.parent IS NULL THEN
        NEW.path := ARRAY[NEW.code];
    ELSE
        SELECT p.path || NEW.code INTO NEW.path FROM admin_unit p WHERE p.code = NEW.parent;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER admin_unit_path BEFORE INSERT OR UPDATE OF parent, code ON admin_unit
    FOR EACH ROW EXECUTE FUNCTION admin_unit_set_path();

CREATE INDEX admin_unit_level_code ON admin_unit (level, code);
CREATE INDEX admin_unit_parent_order ON admin_unit (parent, level, code);
CREATE INDEX admin_unit_path_gin ON admin_unit USING gin (path);
CREATE INDEX admin_unit_search ON admin_unit USING gin (search_text gin_trgm_ops);

CREATE TABLE agency (
    code        text PRIMARY KEY CHECK (code ~ '^[A-Z0-9]+(-[A-Z0-9]+)*$' AND length(code) <= 32),
    name        text NOT NULL CHECK (btrim(name) <> ''),
    name_en     text,
    kind        text NOT NULL CHECK (kind IN ('people_committee', 'office', 'steering_committee',
                    'department', 'police', 'border_guard', 'media', 'party', 'procuracy', 'court',
                    'mass_organisation', 'foreign_partner')),
    unit        text UNIQUE REFERENCES admin_unit (code),
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    search_text text GENERATED ALWAYS AS (planmon_fold(code || ' ' || name || ' ' || coalesce(name_en, ''))) STORED,
    -- Only People's Committees are tied to a unit; that tie is their data scope.
    CHECK ((kind = 'people_committee') = (unit IS NOT NULL))
);

CREATE INDEX agency_kind_code ON agency (kind, code);
CREATE INDEX agency_search ON agency USING gin (search_text gin_trgm_ops);
