-- 0005_session_version: sessions end by a counter, not by a time.
-- Access tokens carry the user's session version ("sv"); disabling a user or changing its
-- password, role or agency increments it, which refuses every token issued before — including
-- one issued in the same second, which a time of whole seconds could not tell apart.

ALTER TABLE app_user ADD COLUMN session_version integer NOT NULL DEFAULT 1;
ALTER TABLE app_user DROP COLUMN sessions_valid_from;

DROP TRIGGER app_user_audit ON app_user;
CREATE TRIGGER app_user_audit AFTER INSERT OR UPDATE OR DELETE ON app_user
    FOR EACH ROW EXECUTE FUNCTION audit_row('users', 'username', 'agency', 'password_hash', 'id,session_version');
