//go:build unix

package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// ledger records every write the server acknowledged with a 2xx answer.
type ledger struct {
	mu       sync.Mutex
	clients  map[int64]string // id → name
	entries  map[int64]int64  // id → minutes
	invoices map[int64]invoiceAck
	day      int // the next day the invoice worker logs time on
}

type invoiceAck struct {
	issued  bool
	number  string
	entries []int64 // the time entries its lines bill
}

func entryIDs(inv map[string]any) []int64 {
	var out []int64
	lines, _ := inv["lines"].([]any)
	for _, l := range lines {
		ids, _ := l.(map[string]any)["entry_ids"].([]any)
		for _, id := range ids {
			out = append(out, int64(id.(float64)))
		}
	}
	return out
}

// A 2xx answer means the write is committed: the real binary is killed
// with SIGKILL while clients, time entries and invoices are being written,
// and after each kill the database holds every acknowledged write, passes
// SQLite's integrity and foreign-key checks, and holds nothing
// half-written: no issued invoice without lines or number, no entry locked
// to a missing or unissued invoice. Three rounds on one database, each
// checked beside the restarted server, then a clean stop.
func TestDurabilityUnderKill(t *testing.T) {
	db := filepath.Join(t.TempDir(), "vadesk.db")
	env := map[string]string{"VADESK_DB": db}
	token := newOwnerToken(t, env)
	api := newAPIClient(token)
	l := &ledger{clients: map[int64]string{}, entries: map[int64]int64{}, invoices: map[int64]invoiceAck{}}

	srv := startServer(t, env)
	must := func(path string, body map[string]any) int64 {
		code, m, err := api.do(context.Background(), http.MethodPost, srv.url(path), body)
		if err != nil || code != http.StatusCreated {
			t.Fatalf("POST %s: %d %v %v", path, code, m, err)
		}
		return num(m, "id")
	}
	service := must("/api/v1/services", map[string]any{"name": "Inbox", "default_hourly_rate": 6000})
	workClient := must("/api/v1/clients", map[string]any{"name": "Work"})
	billedClient := must("/api/v1/clients", map[string]any{"name": "Billed"})
	for round := 1; round <= 3; round++ {
		n := l.load(t, api, srv, round, service, workClient, billedClient)
		var wal int64
		if fi, err := os.Stat(db + "-wal"); err == nil {
			wal = fi.Size()
		}
		t.Logf("round %d: killed with SIGKILL after %d acknowledged writes, leaving a %d-byte WAL", round, n, wal)
		// The restarted server recovers the WAL the killed one left; the
		// check runs beside it, as a second process would.
		srv = startServer(t, env)
		l.verify(t, db)
	}
	code, _, err := api.do(context.Background(), http.MethodGet, srv.url("/api/v1/clients/"+fmt.Sprint(billedClient)), nil)
	if err != nil || code != http.StatusOK {
		t.Fatalf("GET client after the kills: %d %v", code, err)
	}
	srv.cmd.Process.Signal(syscall.SIGTERM)
	if c := srv.exitCode(30 * time.Second); c != 0 {
		t.Fatalf("exit code %d after SIGTERM\n%s", c, srv.logText())
	}
	l.verify(t, db)
	issued := 0
	for _, inv := range l.invoices {
		if inv.issued {
			issued++
		}
	}
	t.Logf("acknowledged and found after 3 kills: %d clients, %d time entries, %d invoices (%d issued)", len(l.clients), len(l.entries), len(l.invoices), issued)
}

// load runs concurrent writers against srv and kills it with SIGKILL at a
// random moment once it has acknowledged some writes; it returns how many
// writes it acknowledged.
func (l *ledger) load(t *testing.T, api *apiClient, srv *server, round int, service, workClient, billedClient int64) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	acks := 0
	ack := func() {
		mu.Lock()
		acks++
		mu.Unlock()
	}
	post := func(path string, body any) (map[string]any, bool) {
		code, m, err := api.do(ctx, http.MethodPost, srv.url(path), body)
		if err != nil {
			return nil, false // no answer: the write may or may not have happened
		}
		if code >= 500 {
			t.Errorf("POST %s: %d %v", path, code, m)
		}
		if code < 200 || code > 299 {
			if ctx.Err() == nil {
				t.Errorf("POST %s: %d %v", path, code, m)
			}
			return nil, false
		}
		return m, true
	}
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				name := fmt.Sprintf("Client r%d w%d #%d", round, w, i)
				if m, ok := post("/api/v1/clients", map[string]any{"name": name, "notes": "durable"}); ok {
					l.mu.Lock()
					l.clients[num(m, "id")] = name
					l.mu.Unlock()
					ack()
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ctx.Err() == nil; i++ {
			minutes := 1 + (round*1000+i)%600
			body := map[string]any{"client_id": workClient, "service_id": service, "minutes": minutes,
				"started_at": time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(i%500) * time.Hour).Format(time.RFC3339)}
			if m, ok := post("/api/v1/time-entries", body); ok {
				l.mu.Lock()
				l.entries[num(m, "id")] = int64(minutes)
				l.mu.Unlock()
				ack()
			}
		}
	}()
	// The invoice worker bills one day of work at a time: two entries, a
	// draft from them, then the issue that numbers it and locks them.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			l.mu.Lock()
			day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, l.day)
			l.day++
			l.mu.Unlock()
			for h := range 2 {
				body := map[string]any{"client_id": billedClient, "service_id": service, "minutes": 30 + h,
					"started_at": day.Add(time.Duration(9+h) * time.Hour).Format(time.RFC3339)}
				m, ok := post("/api/v1/time-entries", body)
				if !ok {
					return
				}
				l.mu.Lock()
				l.entries[num(m, "id")] = int64(30 + h)
				l.mu.Unlock()
				ack()
			}
			d := day.Format("2006-01-02")
			inv, ok := post("/api/v1/invoices", map[string]any{"client_id": billedClient, "from": d, "to": d})
			if !ok {
				return
			}
			id := num(inv, "id")
			l.mu.Lock()
			l.invoices[id] = invoiceAck{entries: entryIDs(inv)}
			l.mu.Unlock()
			ack()
			issued, ok := post(fmt.Sprintf("/api/v1/invoices/%d/issue", id), nil)
			if !ok {
				return
			}
			number, _ := issued["number"].(string)
			l.mu.Lock()
			l.invoices[id] = invoiceAck{issued: true, number: number, entries: entryIDs(issued)}
			l.mu.Unlock()
			ack()
		}
	}()
	// Kill at a random moment after the first few acknowledgements, with
	// every writer mid-request.
	deadline := time.Now().Add(15 * time.Second)
	after := time.Now().Add(time.Duration(150+rand.IntN(500)) * time.Millisecond)
	for {
		mu.Lock()
		n := acks
		mu.Unlock()
		if n >= 10 && time.Now().After(after) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d writes acknowledged in 15s\n%s", n, srv.logText())
		}
		time.Sleep(2 * time.Millisecond)
	}
	srv.kill()
	cancel()
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	return acks
}

// verify checks the database file against the ledger.
func (l *ledger) verify(t *testing.T, path string) {
	t.Helper()
	db := openDB(t, path)
	defer db.Close()
	checkIntegrity(t, db)
	l.mu.Lock()
	defer l.mu.Unlock()
	for id, name := range l.clients {
		var got string
		if err := db.QueryRow("SELECT name FROM clients WHERE id = ?", id).Scan(&got); err != nil || got != name {
			t.Errorf("acknowledged client %d %q: found %q, %v", id, name, got, err)
		}
	}
	for id, minutes := range l.entries {
		var got int64
		if err := db.QueryRow("SELECT minutes FROM time_entries WHERE id = ?", id).Scan(&got); err != nil || got != minutes {
			t.Errorf("acknowledged time entry %d (%d min): found %d, %v", id, minutes, got, err)
		}
	}
	for id, inv := range l.invoices {
		var status string
		var number sql.NullString
		if err := db.QueryRow("SELECT status, number FROM invoices WHERE id = ?", id).Scan(&status, &number); err != nil {
			t.Errorf("acknowledged invoice %d: %v", id, err)
			continue
		}
		if inv.issued && (status != "issued" || number.String != inv.number) {
			t.Errorf("invoice %d was acknowledged as issued %s, is %s %q", id, inv.number, status, number.String)
		}
		if inv.issued {
			var n int
			db.QueryRow("SELECT count(*) FROM time_entries WHERE invoice_id = ?", id).Scan(&n)
			if n != len(inv.entries) {
				t.Errorf("issued invoice %d bills %d entries, %d are locked to it", id, len(inv.entries), n)
			}
		}
	}
	// Nothing half-written, acknowledged or not.
	for _, c := range []struct{ what, query string }{
		{"issued invoices without lines", `SELECT count(*) FROM invoices i WHERE status <> 'draft'
			AND NOT EXISTS (SELECT 1 FROM invoice_lines l WHERE l.invoice_id = i.id)`},
		{"issued invoices without a number", `SELECT count(*) FROM invoices WHERE status <> 'draft' AND number IS NULL`},
		{"entries locked to a missing invoice", `SELECT count(*) FROM time_entries e WHERE invoice_id IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.id = e.invoice_id)`},
		{"entries locked to a draft invoice", `SELECT count(*) FROM time_entries e JOIN invoices i ON i.id = e.invoice_id WHERE i.status = 'draft'`},
		{"invoice lines of a missing invoice", `SELECT count(*) FROM invoice_lines l WHERE NOT EXISTS (SELECT 1 FROM invoices i WHERE i.id = l.invoice_id)`},
		{"issued invoices whose subtotal is not the sum of their lines", `SELECT count(*) FROM invoices i WHERE status <> 'draft'
			AND subtotal <> (SELECT COALESCE(SUM(amount), 0) FROM invoice_lines l WHERE l.invoice_id = i.id)`},
	} {
		var n int
		if err := db.QueryRow(c.query).Scan(&n); err != nil {
			t.Errorf("%s: %v", c.what, err)
		} else if n != 0 {
			t.Errorf("%d %s", n, c.what)
		}
	}
}
