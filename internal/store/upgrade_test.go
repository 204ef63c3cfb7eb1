package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/vadesk/vadesk/internal/app"
	"github.com/vadesk/vadesk/internal/auth"
	"github.com/vadesk/vadesk/internal/config"
	"github.com/vadesk/vadesk/internal/httpapi"
	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/migrations"
)

// v1Fixture is a database made by the first release: the schema of
// migration 00001 and a practice's worth of rows, including an issued,
// partly paid invoice. It is a committed binary file so it stays what that
// release wrote even if someone edits migrations they should not.
const v1Fixture = "testdata/v1.db"

// v1Rows are the fixture's rows, as the first release's code stored them.
var v1Rows = []string{
	`INSERT INTO practices (id, name, email, timezone, currency, invoice_pattern, default_tax_rate, default_tax_name, created_at, updated_at)
	 VALUES (1, 'Fixture VA', 'olive@fixture.example', 'Europe/London', 'EUR', 'F-{YYYY}-{SEQ:3}', 2000, 'VAT', '2026-05-01 08:00:00+00:00', '2026-05-01 08:00:00+00:00')`,
	`INSERT INTO users (id, practice_id, email, name, role, password_hash, created_at, updated_at) VALUES
	 (1, 1, 'olive@fixture.example', 'Olive Owner', 'owner', '%s', '2026-05-01 08:00:00+00:00', '2026-05-01 08:00:00+00:00'),
	 (2, 1, 'ash@fixture.example', 'Ash Assistant', 'assistant', '%s', '2026-05-01 08:05:00+00:00', '2026-05-01 08:05:00+00:00')`,
	`INSERT INTO clients (id, practice_id, name, company, email, code, currency, payment_terms_days, rounding_minutes, status, notes, created_at, updated_at) VALUES
	 (1, 1, 'Harbour Homes', 'Harbour Homes Ltd', 'office@harbour.example', 'HH', 'EUR', 14, 15, 'active', 'Prefers e-mail', '2026-05-01 09:00:00+00:00', '2026-05-01 09:00:00+00:00'),
	 (2, 1, 'Old Coach', '', '', 'OC', 'EUR', 30, 0, 'archived', '', '2026-05-01 09:10:00+00:00', '2026-05-02 09:10:00+00:00')`,
	`INSERT INTO contacts (id, practice_id, client_id, name, email, role, created_at, updated_at)
	 VALUES (1, 1, 1, 'Hana Harbour', 'hana@harbour.example', 'Director', '2026-05-01 09:01:00+00:00', '2026-05-01 09:01:00+00:00')`,
	`INSERT INTO services (id, practice_id, name, description, default_hourly_rate, billable, archived, created_at, updated_at) VALUES
	 (1, 1, 'Inbox management', '', 4000, 1, 0, '2026-05-01 08:10:00+00:00', '2026-05-01 08:10:00+00:00'),
	 (2, 1, 'Social media', 'Posts and replies', 5000, 1, 0, '2026-05-01 08:11:00+00:00', '2026-05-01 08:11:00+00:00'),
	 (3, 1, 'Internal admin', '', 0, 0, 0, '2026-05-01 08:12:00+00:00', '2026-05-01 08:12:00+00:00')`,
	`INSERT INTO client_rates (practice_id, client_id, service_id, hourly_rate, created_at, updated_at)
	 VALUES (1, 1, 1, 4500, '2026-05-01 09:02:00+00:00', '2026-05-01 09:02:00+00:00')`,
	`INSERT INTO projects (id, practice_id, client_id, name, billing, hourly_rate, budget_minutes, status, created_at, updated_at)
	 VALUES (1, 1, 1, 'Listings', 'hourly', NULL, 600, 'active', '2026-05-01 09:05:00+00:00', '2026-05-01 09:05:00+00:00')`,
	`INSERT INTO tasks (id, practice_id, client_id, project_id, title, status, due_on, priority, assignee_id, service_id, requested_by_id, version, created_at, updated_at)
	 VALUES (1, 1, 1, 1, 'Update listings', 'done', '2026-05-10', 'high', 2, 1, 1, 3, '2026-05-01 09:06:00+00:00', '2026-05-09 16:00:00+00:00')`,
	`INSERT INTO invoices (id, practice_id, client_id, number, status, currency, group_by, issue_date, due_date, period_from, period_to,
	   subtotal, discount, tax_name, tax_rate, tax_total, total, amount_paid, notes, version, issued_at, created_at, updated_at)
	 VALUES (1, 1, 1, 'F-2026-001', 'partially_paid', 'EUR', 'service', '2026-05-31', '2026-06-14', '2026-05-01', '2026-05-31',
	   13500, 0, 'VAT', 2000, 2700, 16200, 5000, 'Thank you', 3, '2026-05-31 17:00:00+00:00', '2026-05-31 16:00:00+00:00', '2026-06-01 10:00:00+00:00')`,
	`INSERT INTO invoice_lines (id, practice_id, invoice_id, position, kind, description, service_id, quantity_minutes, unit_price, amount, taxable, created_at, updated_at)
	 VALUES (1, 1, 1, 1, 'time', 'Inbox management', 1, 180, 4500, 13500, 1, '2026-05-31 16:00:00+00:00', '2026-05-31 16:00:00+00:00')`,
	`INSERT INTO invoice_sequences (practice_id, scope, last_value) VALUES (1, 'F-2026-{SEQ}', 1)`,
	`INSERT INTO payments (id, practice_id, invoice_id, amount, date, method, reference, created_at)
	 VALUES (1, 1, 1, 5000, '2026-06-01', 'bank transfer', 'HH-0601', '2026-06-01 10:00:00+00:00')`,
	`INSERT INTO time_entries (id, practice_id, client_id, service_id, project_id, task_id, user_id, started_at, minutes, billable,
	   billable_minutes, hourly_rate, amount, note, internal_note, invoice_id, version, created_at, updated_at) VALUES
	 (1, 1, 1, 1, 1, 1, 2, '2026-05-04 09:00:00+00:00', 100, 1, 105, 4500, 7875, 'Inbox triage', 'slow week', 1, 1, '2026-05-04 10:40:00+00:00', '2026-05-04 10:40:00+00:00'),
	 (2, 1, 1, 1, NULL, NULL, 1, '2026-05-20 13:00:00+00:00', 70, 1, 75, 4500, 5625, 'Newsletter', '', 1, 1, '2026-05-20 14:10:00+00:00', '2026-05-20 14:10:00+00:00'),
	 (3, 1, 1, 2, 1, NULL, 2, '2026-06-02 09:00:00+00:00', 45, 1, 45, 5000, 3750, 'Posts', '', NULL, 2, '2026-06-02 09:45:00+00:00', '2026-06-02 11:00:00+00:00'),
	 (4, 1, 1, 3, NULL, NULL, 1, '2026-06-02 12:00:00+00:00', 30, 0, 30, 0, 0, '', 'bookkeeping', NULL, 1, '2026-06-02 12:30:00+00:00', '2026-06-02 12:30:00+00:00')`,
	`INSERT INTO timers (id, practice_id, user_id, client_id, service_id, project_id, billable, note, started_at)
	 VALUES (1, 1, 2, 1, 2, 1, 1, 'Instagram', '2026-06-03 08:00:00+00:00')`,
	`INSERT INTO expenses (id, practice_id, client_id, project_id, date, amount, description, billable, version, created_at, updated_at)
	 VALUES (1, 1, 1, 1, '2026-06-03', 1999, 'Stamps', 1, 1, '2026-06-03 09:00:00+00:00', '2026-06-03 09:00:00+00:00')`,
}

// TestWriteV1Fixture rebuilds testdata/v1.db. It runs only when asked
// (VADESK_WRITE_FIXTURE=1): the point of the fixture is that it does not
// change with the code.
func TestWriteV1Fixture(t *testing.T) {
	if os.Getenv("VADESK_WRITE_FIXTURE") == "" {
		t.Skip("set VADESK_WRITE_FIXTURE=1 to rebuild " + v1Fixture)
	}
	ctx := context.Background()
	tmp := filepath.Join(t.TempDir(), "v1.db")
	db, err := sql.Open("sqlite3", "file:"+tmp+"?_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	first, _ := fs.ReadFile(migrations.FS, "00001_init.sql")
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fstest.MapFS{"00001_init.sql": {Data: first}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	hash := auth.HashPassword("fixture password 1")
	for _, q := range v1Rows {
		if strings.Contains(q, "%s") {
			q = fmt.Sprintf(q, hash, hash)
		}
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	os.Remove(v1Fixture)
	if _, err := db.Exec("VACUUM INTO ?", v1Fixture); err != nil {
		t.Fatal(err)
	}
}

// columns reads every row of every table as column → value.
func columns(t *testing.T, path string) map[string]map[int64]map[string]string {
	t.Helper()
	out := map[string]map[int64]map[string]string{}
	for table, rows := range dump(t, path) {
		out[table] = map[int64]map[string]string{}
		for _, r := range rows {
			m := map[string]string{}
			for _, kv := range strings.Split(strings.TrimSuffix(r.val, "|"), "|") {
				k, v, _ := strings.Cut(kv, "=")
				m[k] = v
			}
			out[table][r.id] = m
		}
	}
	return out
}

// A database made by the first release upgrades to the current schema with
// every row intact, and the current code serves it: lists, the old
// invoice, voiding it, and new work billed on top of the old.
func TestUpgradeFromFirstRelease(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "vadesk.db")
	b, err := os.ReadFile(v1Fixture)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, b, 0o600)
	info, err := store.Inspect(ctx, path)
	if err != nil || info.Version != 1 {
		t.Fatalf("fixture: %+v %v", info, err)
	}
	before := columns(t, path)

	clock := func() time.Time { return time.Date(2026, 6, 10, 9, 0, 0, 0, time.UTC) }
	st, err := store.Open(ctx, path, store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	latest, _ := store.LatestVersion()
	if v, err := st.Version(ctx); err != nil || v != latest {
		t.Fatalf("version %d %v, want %d", v, err, latest)
	}
	var ic string
	st.SQL().QueryRow("PRAGMA integrity_check").Scan(&ic)
	var fk int
	st.SQL().QueryRow("SELECT count(*) FROM pragma_foreign_key_check").Scan(&fk)
	if ic != "ok" || fk != 0 {
		t.Fatalf("after the upgrade: integrity %q, %d foreign key violations", ic, fk)
	}
	after := columns(t, path)
	for table, rows := range before {
		if table == "goose_db_version" {
			continue
		}
		for id, cols := range rows {
			now, ok := after[table][id]
			if !ok {
				t.Errorf("%s row %d is gone after the upgrade", table, id)
				continue
			}
			for c, v := range cols {
				if now[c] != v {
					t.Errorf("%s row %d: %s was %q, is %q", table, id, c, v, now[c])
				}
			}
		}
	}

	// The current code serves the upgraded data.
	cfg, _ := config.FromEnv(func(string) string { return "" })
	svcs := app.New(cfg, st, clock)
	e := httpapi.New(httpapi.Deps{Config: cfg, Store: st, Services: svcs, Now: clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	_, token, err := svcs.Auth.CreateTokenFor(ctx, "olive@fixture.example", "upgrade test")
	if err != nil {
		t.Fatal(err)
	}
	call := func(method, path string, body any) (int, map[string]any) {
		var rd io.Reader
		if body != nil {
			j, _ := json.Marshal(body)
			rd = strings.NewReader(string(j))
		}
		req := httptest.NewRequest(method, path, rd)
		req.Header.Set("Authorization", "Bearer "+token)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		var m map[string]any
		json.Unmarshal(rec.Body.Bytes(), &m)
		if rec.Code >= 500 {
			t.Errorf("%s %s on the upgraded database: %d %s", method, path, rec.Code, rec.Body)
		}
		return rec.Code, m
	}
	for _, p := range []string{"/api/v1/me", "/api/v1/settings", "/api/v1/clients", "/api/v1/clients/1", "/api/v1/clients/1/contacts",
		"/api/v1/clients/1/rates", "/api/v1/services", "/api/v1/projects", "/api/v1/tasks", "/api/v1/time-entries",
		"/api/v1/expenses", "/api/v1/timer", "/api/v1/invoices", "/api/v1/invoices/1", "/api/v1/invoices/1/payments",
		"/api/v1/invoices/1/pdf", "/api/v1/reports/unbilled", "/api/v1/reports/aging"} {
		if code, m := call("GET", p, nil); code != http.StatusOK {
			t.Errorf("GET %s on the upgraded database: %d %v", p, code, m)
		}
	}
	if code, m := call("GET", "/api/v1/invoices/1", nil); code == http.StatusOK && (m["number"] != "F-2026-001" || m["total"] != float64(16200)) {
		t.Errorf("the old invoice reads as %v", m)
	}
	// New work is billed beside the old, and numbered after it.
	if code, m := call("POST", "/api/v1/time-entries", map[string]any{"client_id": 1, "service_id": 1, "started_at": "2026-06-08T09:00:00Z", "minutes": 30}); code != http.StatusCreated {
		t.Fatalf("new entry on the upgraded database: %d %v", code, m)
	}
	code, inv := call("POST", "/api/v1/invoices", map[string]any{"client_id": 1, "from": "2026-06-01", "to": "2026-06-30"})
	if code != http.StatusCreated {
		t.Fatalf("new invoice on the upgraded database: %d %v", code, inv)
	}
	code, issued := call("POST", fmt.Sprintf("/api/v1/invoices/%v/issue", inv["id"]), nil)
	if code != http.StatusOK || issued["number"] != "F-2026-002" {
		t.Errorf("issue after the upgrade: %d number %v, want F-2026-002", code, issued["number"])
	}
	// Its payment removed, voiding the old invoice releases the entries it
	// billed (the first release had no invoice_line_sources rows).
	if code, m := call("DELETE", "/api/v1/invoices/1/payments/1", nil); code/100 != 2 {
		t.Fatalf("delete the pre-upgrade payment: %d %v", code, m)
	}
	if code, m := call("POST", "/api/v1/invoices/1/void", nil); code/100 != 2 {
		t.Fatalf("void the pre-upgrade invoice: %d %v", code, m)
	}
	var locked int
	st.SQL().QueryRow("SELECT count(*) FROM time_entries WHERE invoice_id = 1").Scan(&locked)
	if locked != 0 {
		t.Errorf("voiding the pre-upgrade invoice left %d entries locked to it", locked)
	}
}
