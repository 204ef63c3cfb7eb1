-- +goose Up
-- Most entries are either long invoiced or not on any draft, so the indexes
-- that find the work of one invoice or one draft only need the rows that
-- have one. As partial indexes they stay small and the planner prefers them
-- (SQLite proves "col = ?" implies "col IS NOT NULL"), which keeps issuing a
-- 10,000-entry invoice from scanning a practice's whole history.
DROP INDEX time_entries_invoice;
DROP INDEX time_entries_draft;
DROP INDEX expenses_invoice;
CREATE INDEX time_entries_invoice ON time_entries (invoice_id) WHERE invoice_id IS NOT NULL;
CREATE INDEX time_entries_draft ON time_entries (draft_invoice_id) WHERE draft_invoice_id IS NOT NULL;
CREATE INDEX expenses_invoice ON expenses (invoice_id) WHERE invoice_id IS NOT NULL;
CREATE INDEX expenses_draft ON expenses (draft_invoice_id) WHERE draft_invoice_id IS NOT NULL;

-- +goose Down
DROP INDEX expenses_draft;
DROP INDEX expenses_invoice;
DROP INDEX time_entries_draft;
DROP INDEX time_entries_invoice;
CREATE INDEX time_entries_invoice ON time_entries (invoice_id);
CREATE INDEX time_entries_draft ON time_entries (draft_invoice_id);
CREATE INDEX expenses_invoice ON expenses (invoice_id);
