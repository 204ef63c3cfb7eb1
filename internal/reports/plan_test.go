package reports

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/internal/tenant"
)

func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "vadesk.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

func plan(t *testing.T, st *store.Store, q string, args ...any) string {
	t.Helper()
	p, err := st.QueryPlan(context.Background(), q, args...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The hours report must read time_entries through an index on
// (practice_id, started_at) that covers every column it reads, one range
// per interval, never by scanning the table or looking up its rows.
func TestHoursReportReadsACoveringIndex(t *testing.T) {
	st := openStore(t)
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, groupBy := range []string{ByClient, ByService, ByProject, ByUser} {
		for _, n := range []int{1, 30, 1000} {
			ranges := make([][2]time.Time, n)
			for i := range ranges {
				ranges[i] = [2]time.Time{from.AddDate(0, 0, i), from.AddDate(0, 0, i+1)}
			}
			q, args := hoursSQL(1, groupBy, ranges)
			p := plan(t, st, q, args...)
			if !strings.Contains(p, "SEARCH t USING COVERING INDEX time_entries_report (practice_id=? AND started_at>? AND started_at<?)") {
				t.Errorf("group_by=%s, %d intervals: plan does not range-scan the covering index time_entries_report:\n%s", groupBy, n, p)
			}
			if strings.Contains(p, "SCAN t") {
				t.Errorf("group_by=%s, %d intervals: plan scans time_entries:\n%s", groupBy, n, p)
			}
		}
	}
	// The unbilled report reads the partial index of the unbilled tail.
	p := plan(t, st, `SELECT client_id, COUNT(*), SUM(billable_minutes), SUM(amount), MIN(started_at)
FROM time_entries WHERE practice_id = ? AND invoice_id IS NULL AND billable = 1 GROUP BY client_id`, 1)
	if !strings.Contains(p, "time_entries_unbilled") {
		t.Errorf("unbilled report does not use time_entries_unbilled:\n%s", p)
	}
}

// BenchmarkHours compares the hours report on a million entries with the
// same aggregate written as one plain SQL query (which buckets by month
// with strftime in UTC, so it is not even DST-correct). Run with
//
//	go test ./internal/reports -run '^$' -bench Hours -benchtime 5x
func BenchmarkHours(b *testing.B) {
	st := openStore(b)
	const n = 1_000_000
	ctx := tenant.System(context.Background())
	w := st.SQL()
	must := func(_ any, err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	must(w.ExecContext(ctx, `INSERT INTO practices (id, name, timezone, created_at, updated_at) VALUES (1, 'Bench', 'America/New_York', ?, ?)`, now, now))
	must(w.ExecContext(ctx, `INSERT INTO users (id, practice_id, email, name, role, password_hash, created_at, updated_at) VALUES (1, 1, 'b@example.com', 'B', 'owner', 'x', ?, ?)`, now, now))
	must(w.ExecContext(ctx, `INSERT INTO services (id, practice_id, name, created_at, updated_at) VALUES (1, 1, 'S1', ?, ?), (2, 1, 'S2', ?, ?)`, now, now, now, now))
	for c := 1; c <= 50; c++ {
		must(w.ExecContext(ctx, `INSERT INTO clients (id, practice_id, name, currency, created_at, updated_at) VALUES (?, 1, ?, 'USD', ?, ?)`, c, fmt.Sprint("Client ", c), now, now))
	}
	tx, err := w.Begin()
	if err != nil {
		b.Fatal(err)
	}
	ins, err := tx.Prepare(`INSERT INTO time_entries (practice_id, client_id, service_id, user_id, started_at, minutes, billable, billable_minutes, hourly_rate, amount, created_at, updated_at)
VALUES (1, ?, ?, 1, ?, ?, 1, ?, 6000, ?, ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	span := int64(4 * 365 * 24 * 60)
	for range n {
		m := 1 + r.Int64N(240)
		at := start.Add(time.Duration(r.Int64N(span)) * time.Minute)
		must(ins.Exec(1+r.IntN(50), 1+r.IntN(2), at, m, m, m*100, now, now))
	}
	must(nil, tx.Commit())
	must(w.Exec("ANALYZE"))

	s := New(st, func() time.Time { return time.Date(2025, 12, 31, 12, 0, 0, 0, time.UTC) })
	owner := tenant.With(context.Background(), tenant.Scope{PracticeID: 1, UserID: 1, Role: tenant.Owner})
	b.Run("report/month/client/1y", func(b *testing.B) {
		for b.Loop() {
			rep, err := s.Hours(owner, HoursQuery{From: "2025-01-01", To: "2025-12-31", GroupBy: ByClient, Interval: Month})
			if err != nil || rep.Minutes == 0 {
				b.Fatal(err, rep.Minutes)
			}
		}
	})
	b.Run("raw/month/client/1y", func(b *testing.B) {
		for b.Loop() {
			rows, err := st.ReadSQL().Query(`SELECT strftime('%Y-%m', started_at), client_id, SUM(minutes), SUM(billable_minutes), SUM(amount)
FROM time_entries WHERE practice_id = ? AND started_at >= ? AND started_at < ? GROUP BY 1, 2`,
				1, time.Date(2025, 1, 1, 5, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 5, 0, 0, 0, time.UTC))
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
			}
			rows.Close()
		}
	})
	b.Run("report/day/service/3y", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Hours(owner, HoursQuery{From: "2023-01-01", To: "2025-12-31", GroupBy: ByService, Interval: Day}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw/day/service/3y", func(b *testing.B) {
		for b.Loop() {
			rows, err := st.ReadSQL().Query(`SELECT date(started_at), service_id, client_id, SUM(minutes), SUM(billable_minutes), SUM(amount)
FROM time_entries WHERE practice_id = ? AND started_at >= ? AND started_at < ? GROUP BY 1, 2, 3`,
				1, time.Date(2023, 1, 1, 5, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 5, 0, 0, 0, time.UTC))
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
			}
			rows.Close()
		}
	})
}
