-- 0020_document_frame: what the administrative frame of a report document needs of an agency
-- (issue 20, Decree 30/2020/NĐ-CP Appendix I): the abbreviation in a document's symbol
-- ("Số: …/BC-SLĐTBXH") and the direct parent printed above its name ("ỦY BAN NHÂN DÂN TỈNH AN
-- GIANG" over "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI").
ALTER TABLE agency
    ADD COLUMN short_name text
        CHECK (short_name IS NULL OR (length(short_name) BETWEEN 1 AND 20
                                      AND short_name !~ '[[:space:]/-]')),
    ADD COLUMN parent text REFERENCES agency (code) CHECK (parent <> code);

CREATE INDEX agency_parent ON agency (parent) WHERE parent IS NOT NULL;

-- A database seeded before this migration gets what `planmon seed` now gives (db/seed/README-
-- plan-1994.md, rule R6): the bodies tied to a unit are abbreviated by their kind; the
-- province's departments and the Office have the province's People's Committee as parent. The
-- other bodies' abbreviations come from db/seed/agencies.json when `planmon seed` runs again.
UPDATE agency SET short_name = CASE kind WHEN 'people_committee' THEN 'UBND'
                                         WHEN 'people_council' THEN 'HĐND'
                                         WHEN 'procuracy' THEN 'VKSND'
                                         WHEN 'court' THEN 'TAND'
                                         WHEN 'inspection_team' THEN 'ĐKTLN'
                                         WHEN 'social_work_centre' THEN 'TTCTXH' END
 WHERE unit IS NOT NULL AND short_name IS NULL;

UPDATE agency SET parent = p.code
  FROM agency p JOIN admin_unit u ON u.code = p.unit
 WHERE p.kind = 'people_committee' AND u.level = 1 AND u.valid_to IS NULL
   AND agency.kind IN ('department', 'office') AND agency.parent IS NULL;
