-- Personal API tokens: a person creates them on /account/tokens and sends one as `Authorization: Bearer <token>`.
-- Only a SHA-256 hash of each token is kept (the token is shown once, when it is made); `prefix` is its first few
-- characters, so a person can tell their tokens apart. A revoked token stays, for the record, and is refused.
CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_name     TEXT    NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    name          TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    prefix        TEXT    NOT NULL,
    secret_sha256 TEXT    NOT NULL UNIQUE CHECK (length(secret_sha256) = 64),
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    revoked_at    INTEGER
) STRICT;

CREATE INDEX api_tokens_by_user ON api_tokens (user_name, id);
