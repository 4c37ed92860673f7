-- 0002_auth: users, refresh tokens, failed logins.

CREATE TABLE app_user (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username            text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,62}$'),
    display_name        text NOT NULL DEFAULT '' CHECK (length(display_name) <= 200),
    agency              text NOT NULL REFERENCES agency (code),
    role                text NOT NULL CHECK (role IN ('admin', 'coordinator', 'manager', 'officer', 'viewer', 'auditor')),
    active              boolean NOT NULL DEFAULT true,
    password_hash       text NOT NULL,
    -- Access tokens issued before this instant are refused (a password change or a disable
    -- ends every session at once, not at the token's expiry).
    sessions_valid_from timestamptz NOT NULL DEFAULT now(),
    version             integer NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX app_user_agency ON app_user (agency, username);

-- Refresh tokens are random; only their SHA-256 is stored. Each login starts a family; a refresh
-- rotates the token within its family; presenting a rotated token again revokes the family.
CREATE TABLE refresh_token (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash  bytea NOT NULL UNIQUE,
    family      bigint NOT NULL,
    user_id     bigint NOT NULL REFERENCES app_user (id),
    issued_at   timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    rotated_at  timestamptz,
    revoked_at  timestamptz
);
CREATE INDEX refresh_token_family ON refresh_token (family);
CREATE INDEX refresh_token_user ON refresh_token (user_id) WHERE revoked_at IS NULL;
CREATE SEQUENCE refresh_token_family_seq;

-- Failed logins, by username and by client address, for throttling across instances.
CREATE TABLE login_failure (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username  text NOT NULL,
    address   text NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failure_username ON login_failure (username, failed_at);
CREATE INDEX login_failure_address ON login_failure (address, failed_at);
