-- 0019_fidelity: what the decision says that the schema could not hold (issue 17).
--
-- Bodies tied to a unit besides its People's Committee: the district People's Councils, the
-- district procuracies and courts (V.14), the inter-sector inspection teams of province,
-- districts and communes (III.2) and the social work centre of pilot model 1. They are tied to
-- a unit, but only a People's Committee has the unit as its data scope (planmon_scope_unit).
DO $$
DECLARE c text;
BEGIN
    FOR c IN SELECT conname FROM pg_constraint
             WHERE conrelid = 'agency'::regclass
               AND ((contype = 'c' AND (pg_get_constraintdef(oid) LIKE '%foreign_partner%'
                                        OR pg_get_constraintdef(oid) LIKE '%unit IS NOT NULL%'))
                    OR (contype = 'u' AND pg_get_constraintdef(oid) = 'UNIQUE (unit)'))
    LOOP
        EXECUTE format('ALTER TABLE agency DROP CONSTRAINT %I', c);
    END LOOP;
END $$;

ALTER TABLE agency
    ADD CONSTRAINT agency_kind_check CHECK (kind IN ('people_committee', 'office',
        'steering_committee', 'department', 'police', 'border_guard', 'media', 'party',
        'procuracy', 'court', 'mass_organisation', 'foreign_partner', 'people_council',
        'inspection_team', 'social_work_centre')),
    -- a committee, a council and an inspection team are each a unit's; a procuracy, a court or a
    -- social work centre may be (a district's) or not (the province's own bodies in agencies.json)
    ADD CONSTRAINT agency_unit_needed
        CHECK (kind NOT IN ('people_committee', 'people_council', 'inspection_team')
               OR unit IS NOT NULL),
    ADD CONSTRAINT agency_unit_allowed
        CHECK (unit IS NULL OR kind IN ('people_committee', 'people_council', 'procuracy',
                                        'court', 'inspection_team', 'social_work_centre')),
    ADD CONSTRAINT agency_one_of_a_kind_per_unit UNIQUE (kind, unit);

-- The unit that is agency `code`'s data scope: a People's Committee's own; none for any other.
-- (Not inlined, as its body is a query: callers write (SELECT planmon_scope_unit($n)), which runs
-- once per statement, not once per row.)
CREATE FUNCTION planmon_scope_unit(code text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (SELECT a.unit FROM agency a WHERE a.code = $1 AND a.kind = 'people_committee');

-- The bodies a section of the plan addresses, as its heading or text names them:
-- [{"agency", "role", "mode", "source", "note"}], like a task's agencies.
ALTER TABLE plan_section ADD COLUMN addressees jsonb NOT NULL DEFAULT '[]'
    CHECK (jsonb_typeof(addressees) = 'array');

-- A pilot model type's lead: whether the text names it or the seed inferred it, and the basis.
ALTER TABLE pilot_model_type
    ADD COLUMN lead_agency_source text NOT NULL DEFAULT 'text'
        CHECK (lead_agency_source IN ('text', 'inferred')),
    ADD COLUMN lead_agency_note text CHECK (length(lead_agency_note) <= 2000),
    ADD CONSTRAINT pilot_model_type_inferred_lead_has_a_basis
        CHECK (lead_agency_source = 'text' OR btrim(coalesce(lead_agency_note, '')) <> '');

-- An indicator: whether it is the text's (its name, period, reporter and scope as written) or
-- holds an inference of the seed, and the basis (note).
ALTER TABLE indicator
    ADD COLUMN source text NOT NULL DEFAULT 'text' CHECK (source IN ('text', 'inferred')),
    ADD COLUMN note text CHECK (length(note) <= 5000),
    ADD CONSTRAINT indicator_inferred_has_a_basis
        CHECK (source = 'text' OR btrim(coalesce(note, '')) <> '');

-- Whether a task holds an inference: an agency the text does not name for it, or a due date the
-- text does not give (the plan's end stands in). A start on the decision's date is the text's:
-- Điều 3, "có hiệu lực thi hành kể từ ngày ký".
CREATE FUNCTION planmon_task_inferred(agencies jsonb, due_basis text)
    RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN coalesce($2 = 'plan_end', false) OR $1 @> '[{"source": "inferred"}]';

-- The positions (from 0) of the entries of a list of agencies ({"agency", ...}, a task's agencies
-- or a section's addressees) that name no agency, as the text of an int array ('{}': none).
CREATE FUNCTION planmon_unknown_agencies(entries jsonb) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (SELECT coalesce(array_agg(n - 1 ORDER BY n), '{}')
            FROM jsonb_array_elements(coalesce($1, '[]')) WITH ORDINALITY AS a (e, n)
            WHERE NOT EXISTS (SELECT 1 FROM agency WHERE code = e ->> 'agency'))::text;
