package httpapi_test

import (
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/apitest"
)

// writes are one write of each kind, for the storage-failure tests.
func pressureWrites(t *testing.T, owner *apitest.Actor) []struct {
	method, path string
	body         any
} {
	client := apitest.ID(t, owner.Must(http.StatusCreated, "POST", "/api/v1/clients", map[string]any{"name": "Steady"}), "id")
	service := apitest.ID(t, owner.Must(http.StatusCreated, "POST", "/api/v1/services", map[string]any{"name": "Admin", "default_hourly_rate": 5000}), "id")
	return []struct {
		method, path string
		body         any
	}{
		{"POST", "/api/v1/clients", map[string]any{"name": "New", "notes": strings.Repeat("n", 3000)}},
		{"PATCH", fmt.Sprintf("/api/v1/clients/%d", client), map[string]any{"notes": strings.Repeat("m", 3000)}},
		{"POST", "/api/v1/time-entries", map[string]any{"client_id": client, "service_id": service, "started_at": "2026-11-02T09:00:00Z", "minutes": 60, "note": strings.Repeat("e", 1500)}},
		{"POST", "/api/v1/auth/login", map[string]any{"email": owner.Email, "password": apitest.Password}},
	}
}

// expect503 checks that a write failed as "storage unavailable": a 503
// problem that says the change was not saved, never a 500.
func expect503(t *testing.T, res *apitest.Response, what string) {
	t.Helper()
	if res.Status != http.StatusServiceUnavailable {
		t.Fatalf("%s: %d %s, want 503", what, res.Status, res.Body)
	}
	if p := res.Problem(t); !strings.Contains(p.Detail, "not saved") {
		t.Errorf("%s: detail %q does not say the change was not saved", what, p.Detail)
	}
}

// A read-only database (a remounted disk, a permission change, SQLite's
// query_only on the writer) answers writes with 503, keeps serving reads,
// and takes writes again as soon as it is writable. Root ignores file
// permissions, so the test makes the one writer connection query-only.
func TestReadOnlyDatabaseAnswers503AndRecovers(t *testing.T) {
	env := apitest.New(t)
	owner := env.NewPractice("Read Only")
	writes := pressureWrites(t, owner)
	if _, err := env.Store.SQL().Exec("PRAGMA query_only = 1"); err != nil {
		t.Fatal(err)
	}
	for _, w := range writes {
		expect503(t, owner.Do(w.method, w.path, w.body), w.method+" "+w.path)
	}
	owner.Must(http.StatusOK, "GET", "/api/v1/clients", nil)
	if res := env.Do(apitest.Request{Method: "GET", Path: "/healthz"}); res.Status != http.StatusOK {
		t.Errorf("healthz on a read-only database: %d", res.Status)
	}
	if _, err := env.Store.SQL().Exec("PRAGMA query_only = 0"); err != nil {
		t.Fatal(err)
	}
	for _, w := range writes {
		if res := owner.Do(w.method, w.path, w.body); res.Status/100 != 2 {
			t.Errorf("%s %s after recovery: %d %s", w.method, w.path, res.Status, res.Body)
		}
	}
}

// A full disk answers writes with 503 and nothing half-written; when space
// returns, writes succeed again. SQLite's max_page_count on the writer
// stands in for the disk: growing the file past it fails with SQLITE_FULL,
// exactly as a full disk does.
func TestFullDiskAnswers503AndRecovers(t *testing.T) {
	env := apitest.New(t)
	owner := env.NewPractice("Full Disk")
	writes := pressureWrites(t, owner)
	var pages int64
	if err := env.Store.SQL().QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.SQL().Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
		t.Fatal(err)
	}
	full := 0
	for i := range 6 {
		w := writes[0]
		res := owner.Do(w.method, w.path, map[string]any{"name": fmt.Sprintf("Big %d", i), "notes": strings.Repeat("n", 3000)})
		switch res.Status {
		case http.StatusCreated:
			if full > 0 {
				t.Fatalf("write %d succeeded on a full disk", i)
			}
		case http.StatusServiceUnavailable:
			expect503(t, res, "POST /api/v1/clients on a full disk")
			full++
		default:
			t.Fatalf("write %d on a full disk: %d %s", i, res.Status, res.Body)
		}
	}
	if full == 0 {
		t.Fatal("the disk never filled up")
	}
	for _, w := range writes[1:] {
		if res := owner.Do(w.method, w.path, w.body); res.Status/100 != 2 {
			expect503(t, res, w.method+" "+w.path)
		}
	}
	if _, err := env.Store.SQL().Exec("PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatal(err)
	}
	for _, w := range writes {
		if res := owner.Do(w.method, w.path, w.body); res.Status/100 != 2 {
			t.Errorf("%s %s after space returned: %d %s", w.method, w.path, res.Status, res.Body)
		}
	}
	var ic string
	if err := env.Store.ReadSQL().QueryRow("PRAGMA integrity_check").Scan(&ic); err != nil || ic != "ok" {
		t.Fatalf("integrity_check after a full disk: %q %v", ic, err)
	}
}

// Another process holding the write lock (the CLI, a backup tool) makes
// API writes wait, not fail: "database is locked" never reaches a client
// while the lock is shorter than the busy timeout.
func TestWritesWaitForAnotherProcessLock(t *testing.T) {
	env := apitest.New(t)
	owner := env.NewPractice("Locked")
	other, err := sql.Open("sqlite3", "file:"+env.Store.Path()+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	other.SetMaxOpenConns(1)
	tx, err := other.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("INSERT INTO audit_log (practice_id, action, created_at) VALUES (?, 'test.lock', datetime())", owner.PracticeID); err != nil {
		t.Fatal(err)
	}
	held := 700 * time.Millisecond
	go func() {
		time.Sleep(held)
		tx.Commit()
	}()
	start := time.Now()
	owner.Must(http.StatusCreated, "POST", "/api/v1/clients", map[string]any{"name": "Patient"})
	if waited := time.Since(start); waited < held/2 {
		t.Logf("the write did not wait for the lock (%s): did the other transaction hold it?", waited)
	}
}
