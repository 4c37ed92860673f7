-- 0004_documents: legal documents (the decision, the texts it cites, the reporting decree).
-- Plan data is never deleted through the API: DELETE archives (archived_at), restore clears it.

CREATE TABLE document (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number      text NOT NULL UNIQUE CHECK (btrim(number) <> '' AND length(number) <= 64),
    type        text NOT NULL CHECK (type IN ('luat', 'nghi_quyet', 'nghi_dinh', 'quyet_dinh',
                    'chi_thi', 'thong_tu', 'ke_hoach', 'cong_van', 'other')),
    issuer      text NOT NULL DEFAULT '' CHECK (length(issuer) <= 200),
    signer      text CHECK (length(signer) <= 200),
    issued      date,
    effective   date,
    title       text NOT NULL CHECK (btrim(title) <> '' AND length(title) <= 1000),
    title_en    text CHECK (length(title_en) <= 1000),
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    archived_at timestamptz,
    search_text text GENERATED ALWAYS AS (planmon_fold(number || ' ' || title || ' ' || coalesce(title_en, ''))) STORED,
    CHECK (effective IS NULL OR issued IS NULL OR effective >= issued)
);
CREATE INDEX document_search ON document USING gin (search_text gin_trgm_ops);

CREATE TRIGGER document_audit AFTER INSERT OR UPDATE OR DELETE ON document
    FOR EACH ROW EXECUTE FUNCTION audit_row('documents', 'id', '', '', '');
