-- +goose Up
-- The client portal and security: invites that let a client's contact set a
-- password, the clients each assistant may work for, and the audit log.
-- (Login throttling is kept in memory: one process serves a database.)

CREATE TABLE portal_invites (
    id          INTEGER PRIMARY KEY,
    practice_id INTEGER NOT NULL REFERENCES practices (id),
    client_id   INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    contact_id  INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
    email       TEXT    NOT NULL COLLATE NOCASE,
    name        TEXT    NOT NULL,
    token_hash  TEXT    NOT NULL,
    expires_at  DATETIME NOT NULL,
    accepted_at DATETIME,
    revoked_at  DATETIME,
    user_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  DATETIME NOT NULL
);
CREATE UNIQUE INDEX portal_invites_token ON portal_invites (token_hash);
CREATE INDEX portal_invites_client ON portal_invites (practice_id, client_id);

CREATE TABLE assistant_clients (
    practice_id INTEGER NOT NULL REFERENCES practices (id),
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id   INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    created_at  DATETIME NOT NULL,
    PRIMARY KEY (user_id, client_id)
);
CREATE INDEX assistant_clients_practice ON assistant_clients (practice_id, client_id);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    practice_id INTEGER NOT NULL REFERENCES practices (id),
    user_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    action      TEXT    NOT NULL,
    object_type TEXT    NOT NULL DEFAULT '',
    object_id   INTEGER,
    detail      TEXT    NOT NULL DEFAULT '{}',
    ip          TEXT    NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL
);
CREATE INDEX audit_log_practice_created ON audit_log (practice_id, created_at);
CREATE INDEX audit_log_practice_action ON audit_log (practice_id, action, id);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE assistant_clients;
DROP TABLE portal_invites;
