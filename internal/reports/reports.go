// Package reports answers "where did my time go and where is my money":
// hours per client, service, project or user over days, weeks or months;
// unbilled work; the aging of unpaid invoices; revenue issued and paid.
//
// Reports are aggregates over a practice's whole history, so they are raw
// SQL on the read pool, written to run as one range scan over an index.
// Raw SQL is not scoped by the store: every query here filters by the
// caller's practice itself, and nothing here writes.
package reports

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/practice"
	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/internal/tenant"
)

// Service runs the caller's reports.
type Service struct {
	st  *store.Store
	now func() time.Time
}

// New returns a Service over st; now decides "today" for default ranges.
func New(st *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, now: now}
}

// Amount is money in one currency. Reports never add up different
// currencies: a sum is a list of these, one per currency, sorted by code.
type Amount struct {
	Currency string
	Amount   int64
}

// amounts accumulates money per currency.
type amounts map[string]int64

func (a amounts) add(cur string, v int64) { a[cur] += v }

func (a amounts) list() []Amount {
	out := make([]Amount, 0, len(a))
	for c, v := range a {
		out = append(out, Amount{Currency: c, Amount: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Currency < out[j].Currency })
	return out
}

// scope returns the caller's practice id; reports never run unscoped.
func scope(ctx context.Context) (int64, error) {
	sc, ok := tenant.From(ctx)
	if !ok {
		return 0, tenant.ErrNoScope
	}
	return sc.PracticeID, nil
}

// calendar is the caller's practice's calendar, for its time zone.
func (s *Service) calendar(ctx context.Context) (practice.Calendar, error) {
	p, err := practice.Of(ctx, s.st.Read(ctx))
	return p.Calendar(s.now), err
}

// dateRange reads an inclusive range of calendar dates (see
// practice.Calendar) for the report, with defaults for missing ends, and
// checks its order and length (maxDays of 0 is unlimited); Check.Date
// keeps each end within apperr's years.
func dateRange(c *apperr.Check, fromS, toS string, defFrom, defTo time.Time, maxDays int, why string) (from, to time.Time) {
	from, to = defFrom, defTo
	parse := func(field, v string) (time.Time, bool) {
		t := c.Date(field, v)
		return t, !c.Has(field)
	}
	okF, okT := true, true
	if fromS != "" {
		from, okF = parse("from", fromS)
	}
	if toS != "" {
		to, okT = parse("to", toS)
	}
	if !okF || !okT {
		return from, to
	}
	if to.Before(from) {
		c.Add("to", "must not be before from")
		return from, to
	}
	if maxDays > 0 && days(from, to) >= maxDays {
		c.Add("to", "the range is too long: %s", why)
	}
	return from, to
}

// days counts calendar days from a to b.
func days(a, b time.Time) int {
	ua := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	ub := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(ub.Sub(ua).Hours() / 24)
}

func date(t time.Time) string { return t.Format(time.DateOnly) }

// parseDBTime reads a DATETIME that SQLite handed back as text (aggregates
// lose the column type, so the driver does not parse it).
func parseDBTime(v any) (time.Time, error) {
	switch t := v.(type) {
	case time.Time:
		return t.UTC(), nil
	case []byte:
		v = string(t)
	}
	s, ok := v.(string)
	if !ok {
		return time.Time{}, fmt.Errorf("reports: not a time: %T", v)
	}
	s = strings.TrimSuffix(s, "Z")
	for _, f := range sqlite3.SQLiteTimestampFormats {
		if t, err := time.Parse(f, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("reports: cannot read time %q", s)
}

// labels reads the names of the given ids from table, within the practice.
func labels(ctx context.Context, db *sql.DB, practiceID int64, table, col string, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), 500)
		chunk := ids[:n]
		ids = ids[n:]
		args := make([]any, 0, n+1)
		args = append(args, practiceID)
		for _, id := range chunk {
			args = append(args, id)
		}
		q := "SELECT id, " + col + " FROM " + table + " WHERE practice_id = ? AND id IN (?" + strings.Repeat(",?", n-1) + ")"
		rows, err := db.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("reports: %s names: %w", table, store.Translate(err))
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return nil, fmt.Errorf("reports: %s names: %w", table, err)
			}
			out[id] = name
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("reports: %s names: %w", table, store.Translate(err))
		}
	}
	return out, nil
}

// clientInfo is what reports show of a client.
type clientInfo struct {
	Name     string
	Currency string
}

// clientsOf reads name and currency of every client of the practice; a
// practice has hundreds at most, and one query beats many.
func clientsOf(ctx context.Context, db *sql.DB, practiceID int64) (map[int64]clientInfo, error) {
	rows, err := db.QueryContext(ctx, "SELECT id, name, currency FROM clients WHERE practice_id = ?", practiceID)
	if err != nil {
		return nil, fmt.Errorf("reports: clients: %w", store.Translate(err))
	}
	defer rows.Close()
	out := map[int64]clientInfo{}
	for rows.Next() {
		var id int64
		var ci clientInfo
		if err := rows.Scan(&id, &ci.Name, &ci.Currency); err != nil {
			return nil, fmt.Errorf("reports: clients: %w", err)
		}
		out[id] = ci
	}
	return out, store.Translate(rows.Err())
}
