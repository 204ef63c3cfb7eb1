-- +goose Up
-- The first schema: practices (tenants), people, the catalogue of services,
-- clients and their work, and the invoices that bill it. Every row carries
-- practice_id so every query can be scoped to one practice.

CREATE TABLE practices (
    id               INTEGER PRIMARY KEY,
    name             TEXT    NOT NULL,
    email            TEXT    NOT NULL DEFAULT '',
    phone            TEXT    NOT NULL DEFAULT '',
    address          TEXT    NOT NULL DEFAULT '',
    tax_id           TEXT    NOT NULL DEFAULT '',
    timezone         TEXT    NOT NULL DEFAULT 'UTC',
    locale           TEXT    NOT NULL DEFAULT 'en-US',
    currency         TEXT    NOT NULL DEFAULT 'USD',
    payment_details  TEXT    NOT NULL DEFAULT '',
    invoice_pattern  TEXT    NOT NULL DEFAULT 'INV-{YYYY}-{SEQ:4}',
    default_tax_rate INTEGER NOT NULL DEFAULT 0,
    default_tax_name TEXT    NOT NULL DEFAULT '',
    default_notes    TEXT    NOT NULL DEFAULT '',
    default_footer   TEXT    NOT NULL DEFAULT '',
    logo             BLOB,
    logo_type        TEXT    NOT NULL DEFAULT '',
    created_at       DATETIME NOT NULL,
    updated_at       DATETIME NOT NULL
);
CREATE UNIQUE INDEX practices_name ON practices (name);

CREATE TABLE clients (
    id                 INTEGER PRIMARY KEY,
    practice_id        INTEGER NOT NULL REFERENCES practices (id),
    name               TEXT    NOT NULL,
    company            TEXT    NOT NULL DEFAULT '',
    industry           TEXT    NOT NULL DEFAULT '',
    email              TEXT    NOT NULL DEFAULT '',
    phone              TEXT    NOT NULL DEFAULT '',
    website            TEXT    NOT NULL DEFAULT '',
    address            TEXT    NOT NULL DEFAULT '',
    tax_id             TEXT    NOT NULL DEFAULT '',
    code               TEXT    NOT NULL DEFAULT '',
    currency           TEXT    NOT NULL,
    payment_terms_days INTEGER NOT NULL DEFAULT 14,
    rounding_minutes   INTEGER NOT NULL DEFAULT 0 CHECK (rounding_minutes IN (0, 6, 10, 15, 30, 60)),
    status             TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('prospect', 'active', 'archived')),
    notes              TEXT    NOT NULL DEFAULT '',
    created_at         DATETIME NOT NULL,
    updated_at         DATETIME NOT NULL
);
CREATE INDEX clients_practice_name ON clients (practice_id, name);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    practice_id   INTEGER NOT NULL REFERENCES practices (id),
    email         TEXT    NOT NULL COLLATE NOCASE,
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('owner', 'assistant', 'client')),
    client_id     INTEGER REFERENCES clients (id),
    password_hash TEXT    NOT NULL,
    disabled_at   DATETIME,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);
CREATE INDEX users_practice ON users (practice_id);

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    practice_id  INTEGER NOT NULL REFERENCES practices (id),
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   TEXT    NOT NULL,
    csrf_token   TEXT    NOT NULL,
    created_at   DATETIME NOT NULL,
    last_seen_at DATETIME NOT NULL,
    expires_at   DATETIME NOT NULL
);
CREATE UNIQUE INDEX sessions_token ON sessions (token_hash);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    practice_id  INTEGER NOT NULL REFERENCES practices (id),
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL,
    prefix       TEXT    NOT NULL,
    last_used_at DATETIME,
    revoked_at   DATETIME,
    created_at   DATETIME NOT NULL
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);
CREATE INDEX api_tokens_practice ON api_tokens (practice_id, user_id);

CREATE TABLE contacts (
    id          INTEGER PRIMARY KEY,
    practice_id INTEGER NOT NULL REFERENCES practices (id),
    client_id   INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    email       TEXT    NOT NULL DEFAULT '',
    phone       TEXT    NOT NULL DEFAULT '',
    role        TEXT    NOT NULL DEFAULT '',
    notes       TEXT    NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL
);
CREATE INDEX contacts_client ON contacts (practice_id, client_id);

CREATE TABLE services (
    id                  INTEGER PRIMARY KEY,
    practice_id         INTEGER NOT NULL REFERENCES practices (id),
    name                TEXT    NOT NULL,
    description         TEXT    NOT NULL DEFAULT '',
    default_hourly_rate INTEGER NOT NULL DEFAULT 0 CHECK (default_hourly_rate >= 0),
    billable            BOOLEAN NOT NULL DEFAULT 1,
    archived            BOOLEAN NOT NULL DEFAULT 0,
    created_at          DATETIME NOT NULL,
    updated_at          DATETIME NOT NULL
);
CREATE UNIQUE INDEX services_practice_name ON services (practice_id, name);

CREATE TABLE client_rates (
    practice_id INTEGER NOT NULL REFERENCES practices (id),
    client_id   INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    service_id  INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    hourly_rate INTEGER NOT NULL CHECK (hourly_rate >= 0),
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL,
    PRIMARY KEY (client_id, service_id)
);
CREATE INDEX client_rates_practice ON client_rates (practice_id, client_id);

CREATE TABLE projects (
    id             INTEGER PRIMARY KEY,
    practice_id    INTEGER NOT NULL REFERENCES practices (id),
    client_id      INTEGER NOT NULL REFERENCES clients (id),
    name           TEXT    NOT NULL,
    description    TEXT    NOT NULL DEFAULT '',
    billing        TEXT    NOT NULL DEFAULT 'hourly' CHECK (billing IN ('hourly', 'fixed_fee', 'non_billable')),
    fixed_fee      INTEGER CHECK (fixed_fee IS NULL OR fixed_fee >= 0),
    hourly_rate    INTEGER CHECK (hourly_rate IS NULL OR hourly_rate >= 0),
    budget_minutes INTEGER CHECK (budget_minutes IS NULL OR budget_minutes >= 0),
    status         TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
    invoice_id     INTEGER,
    created_at     DATETIME NOT NULL,
    updated_at     DATETIME NOT NULL
);
CREATE INDEX projects_client ON projects (practice_id, client_id);

CREATE TABLE tasks (
    id              INTEGER PRIMARY KEY,
    practice_id     INTEGER NOT NULL REFERENCES practices (id),
    client_id       INTEGER NOT NULL REFERENCES clients (id),
    project_id      INTEGER REFERENCES projects (id),
    title           TEXT    NOT NULL,
    description     TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL DEFAULT 'todo' CHECK (status IN ('todo', 'in_progress', 'waiting', 'done')),
    due_on          TEXT,
    priority        TEXT    NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    assignee_id     INTEGER REFERENCES users (id),
    service_id      INTEGER REFERENCES services (id),
    requested_by_id INTEGER REFERENCES contacts (id),
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL
);
CREATE INDEX tasks_client ON tasks (practice_id, client_id, status);
CREATE INDEX tasks_assignee ON tasks (practice_id, assignee_id);

CREATE TABLE invoices (
    id            INTEGER PRIMARY KEY,
    practice_id   INTEGER NOT NULL REFERENCES practices (id),
    client_id     INTEGER NOT NULL REFERENCES clients (id),
    number        TEXT,
    status        TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued', 'partially_paid', 'paid', 'void')),
    currency      TEXT    NOT NULL,
    group_by      TEXT    NOT NULL DEFAULT 'service',
    issue_date    TEXT,
    due_date      TEXT,
    period_from   TEXT    NOT NULL,
    period_to     TEXT    NOT NULL,
    subtotal      INTEGER NOT NULL DEFAULT 0,
    discount      INTEGER NOT NULL DEFAULT 0 CHECK (discount >= 0),
    tax_name      TEXT    NOT NULL DEFAULT '',
    tax_rate      INTEGER NOT NULL DEFAULT 0 CHECK (tax_rate >= 0),
    tax_total     INTEGER NOT NULL DEFAULT 0,
    total         INTEGER NOT NULL DEFAULT 0,
    amount_paid   INTEGER NOT NULL DEFAULT 0,
    notes         TEXT    NOT NULL DEFAULT '',
    footer        TEXT    NOT NULL DEFAULT '',
    version       INTEGER NOT NULL DEFAULT 1,
    issued_at     DATETIME,
    voided_at     DATETIME,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);
CREATE UNIQUE INDEX invoices_number ON invoices (practice_id, number) WHERE number IS NOT NULL;
CREATE INDEX invoices_client ON invoices (practice_id, client_id, status);
CREATE INDEX invoices_issue_date ON invoices (practice_id, issue_date);

CREATE TABLE invoice_lines (
    id               INTEGER PRIMARY KEY,
    practice_id      INTEGER NOT NULL REFERENCES practices (id),
    invoice_id       INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    kind             TEXT    NOT NULL CHECK (kind IN ('time', 'expense', 'fixed_fee', 'manual', 'retainer')),
    description      TEXT    NOT NULL,
    service_id       INTEGER,
    project_id       INTEGER,
    task_id          INTEGER,
    quantity_minutes INTEGER,
    quantity_milli   INTEGER,
    unit_price       INTEGER NOT NULL,
    amount           INTEGER NOT NULL,
    taxable          BOOLEAN NOT NULL DEFAULT 1,
    created_at       DATETIME NOT NULL,
    updated_at       DATETIME NOT NULL
);
CREATE INDEX invoice_lines_invoice ON invoice_lines (invoice_id, position);

CREATE TABLE invoice_sequences (
    practice_id INTEGER NOT NULL REFERENCES practices (id),
    scope       TEXT    NOT NULL,
    last_value  INTEGER NOT NULL,
    PRIMARY KEY (practice_id, scope)
);

CREATE TABLE payments (
    id          INTEGER PRIMARY KEY,
    practice_id INTEGER NOT NULL REFERENCES practices (id),
    invoice_id  INTEGER NOT NULL REFERENCES invoices (id),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    date        TEXT    NOT NULL,
    method      TEXT    NOT NULL DEFAULT '',
    reference   TEXT    NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL
);
CREATE INDEX payments_invoice ON payments (invoice_id);
CREATE INDEX payments_practice_date ON payments (practice_id, date);

CREATE TABLE time_entries (
    id               INTEGER PRIMARY KEY,
    practice_id      INTEGER NOT NULL REFERENCES practices (id),
    client_id        INTEGER NOT NULL REFERENCES clients (id),
    service_id       INTEGER NOT NULL REFERENCES services (id),
    project_id       INTEGER REFERENCES projects (id),
    task_id          INTEGER REFERENCES tasks (id),
    user_id          INTEGER NOT NULL REFERENCES users (id),
    started_at       DATETIME NOT NULL,
    minutes          INTEGER NOT NULL CHECK (minutes > 0 AND minutes <= 1440),
    billable         BOOLEAN NOT NULL DEFAULT 1,
    billable_minutes INTEGER NOT NULL,
    hourly_rate      INTEGER NOT NULL,
    amount           INTEGER NOT NULL,
    note             TEXT    NOT NULL DEFAULT '',
    internal_note    TEXT    NOT NULL DEFAULT '',
    invoice_id       INTEGER REFERENCES invoices (id),
    draft_invoice_id INTEGER REFERENCES invoices (id) ON DELETE SET NULL,
    source_key       TEXT,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       DATETIME NOT NULL,
    updated_at       DATETIME NOT NULL
);
CREATE INDEX time_entries_client_started ON time_entries (practice_id, client_id, started_at);
CREATE INDEX time_entries_started ON time_entries (practice_id, started_at);
CREATE INDEX time_entries_user_started ON time_entries (practice_id, user_id, started_at);
CREATE INDEX time_entries_invoice ON time_entries (invoice_id);
CREATE INDEX time_entries_draft ON time_entries (draft_invoice_id);
CREATE UNIQUE INDEX time_entries_source ON time_entries (practice_id, source_key) WHERE source_key IS NOT NULL;

CREATE TABLE timers (
    id          INTEGER PRIMARY KEY,
    practice_id INTEGER NOT NULL REFERENCES practices (id),
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id   INTEGER NOT NULL REFERENCES clients (id),
    service_id  INTEGER NOT NULL REFERENCES services (id),
    project_id  INTEGER REFERENCES projects (id),
    task_id     INTEGER REFERENCES tasks (id),
    billable    BOOLEAN NOT NULL DEFAULT 1,
    note        TEXT    NOT NULL DEFAULT '',
    started_at  DATETIME NOT NULL
);
CREATE UNIQUE INDEX timers_user ON timers (user_id);

CREATE TABLE expenses (
    id               INTEGER PRIMARY KEY,
    practice_id      INTEGER NOT NULL REFERENCES practices (id),
    client_id        INTEGER NOT NULL REFERENCES clients (id),
    project_id       INTEGER REFERENCES projects (id),
    date             TEXT    NOT NULL,
    amount           INTEGER NOT NULL CHECK (amount > 0),
    description      TEXT    NOT NULL,
    billable         BOOLEAN NOT NULL DEFAULT 1,
    invoice_id       INTEGER REFERENCES invoices (id),
    draft_invoice_id INTEGER REFERENCES invoices (id) ON DELETE SET NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       DATETIME NOT NULL,
    updated_at       DATETIME NOT NULL
);
CREATE INDEX expenses_client_date ON expenses (practice_id, client_id, date);
CREATE INDEX expenses_invoice ON expenses (invoice_id);

-- +goose Down
DROP TABLE expenses;
DROP TABLE timers;
DROP TABLE time_entries;
DROP TABLE payments;
DROP TABLE invoice_sequences;
DROP TABLE invoice_lines;
DROP TABLE invoices;
DROP TABLE tasks;
DROP TABLE projects;
DROP TABLE client_rates;
DROP TABLE services;
DROP TABLE contacts;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE clients;
DROP TABLE practices;
