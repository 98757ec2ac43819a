-- Notifications (issue 22). A notification is written by the engine in the same transaction as the job state change
-- that caused it; `event_key` names the event (e.g. job:42:ended) so the same event is never recorded twice.
-- Each email or webhook delivery of it is a row of notification_outbox, with an idempotency key per event and channel
-- target: the delivery worker sends due rows and marks each delivered once (delivered_at), retrying with backoff.
CREATE TABLE notifications (
    id           INTEGER PRIMARY KEY,
    event_key    TEXT    NOT NULL UNIQUE,
    recipient    TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    job_id       INTEGER,
    title        TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    link         TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    in_dashboard INTEGER NOT NULL CHECK (in_dashboard IN (0, 1)),
    read_at      INTEGER
) STRICT;

CREATE INDEX notifications_by_recipient ON notifications (recipient, id) WHERE in_dashboard = 1;

CREATE TABLE notification_outbox (
    id              INTEGER PRIMARY KEY,
    notification_id INTEGER NOT NULL REFERENCES notifications (id),
    channel         TEXT    NOT NULL CHECK (channel IN ('email', 'webhook')),
    target          TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL UNIQUE,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    delivered_at    INTEGER,
    given_up_at     INTEGER
) STRICT;

CREATE INDEX notification_outbox_due ON notification_outbox (next_attempt_at, id) WHERE delivered_at IS NULL AND given_up_at IS NULL;

-- A person's choices: per event kind and channel on or off (a missing row is the default), the email address, how long
-- a job may wait before they are told, and their webhooks (the secret signs each POST; shown once when made).
CREATE TABLE notification_choices (
    user_name TEXT    NOT NULL,
    kind      TEXT    NOT NULL,
    channel   TEXT    NOT NULL CHECK (channel IN ('dashboard', 'email', 'webhook')),
    enabled   INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    PRIMARY KEY (user_name, kind, channel)
) STRICT;

CREATE TABLE notification_settings (
    user_name       TEXT    PRIMARY KEY,
    email           TEXT,
    waiting_minutes INTEGER NOT NULL CHECK (waiting_minutes >= 0)
) STRICT;

CREATE TABLE notification_webhooks (
    id         INTEGER PRIMARY KEY,
    user_name  TEXT    NOT NULL,
    url        TEXT    NOT NULL,
    secret     TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    removed_at INTEGER
) STRICT;

CREATE INDEX notification_webhooks_by_user ON notification_webhooks (user_name, id);
