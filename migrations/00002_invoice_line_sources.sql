-- +goose Up
-- Which time entries and expenses each invoice line bills. Lines grouped by
-- service or task sum many entries, and a line per entry has no column that
-- names its entry, so without this table a draft could not release the work
-- of one deleted line, list what a line is made of, or check at issue that
-- the work it shows has not changed since the draft was built. Rows stay
-- when an invoice is voided: they are its history.
CREATE TABLE invoice_line_sources (
    id          INTEGER PRIMARY KEY,
    practice_id INTEGER NOT NULL REFERENCES practices (id),
    invoice_id  INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    line_id     INTEGER NOT NULL REFERENCES invoice_lines (id) ON DELETE CASCADE,
    entry_id    INTEGER REFERENCES time_entries (id) ON DELETE CASCADE,
    expense_id  INTEGER REFERENCES expenses (id) ON DELETE CASCADE,
    CHECK ((entry_id IS NULL) <> (expense_id IS NULL))
);
CREATE INDEX invoice_line_sources_line ON invoice_line_sources (line_id);
CREATE INDEX invoice_line_sources_invoice ON invoice_line_sources (invoice_id);
CREATE INDEX invoice_line_sources_entry ON invoice_line_sources (entry_id) WHERE entry_id IS NOT NULL;
CREATE INDEX invoice_line_sources_expense ON invoice_line_sources (expense_id) WHERE expense_id IS NOT NULL;

-- +goose Down
DROP TABLE invoice_line_sources;
