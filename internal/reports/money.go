package reports

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/money"
	"github.com/vadesk/vadesk/internal/store"
)

// UnbilledClient is one client's work not on an issued invoice yet: billable
// time (minutes after rounding, and their stored amounts) and billable
// expenses, with the oldest of each so the VA sees what is going stale.
// Work held by a draft still counts: a draft bills nothing until issued.
type UnbilledClient struct {
	ClientID        int64
	ClientName      string
	Currency        string
	Entries         int64
	BillableMinutes int64
	TimeAmount      int64
	OldestEntry     *string // date in the practice's time zone
	Expenses        int64
	ExpenseAmount   int64
	OldestExpense   *string
	Total           int64
}

// UnbilledReport is what the practice is owed for work not invoiced yet.
type UnbilledReport struct {
	Clients []UnbilledClient
	Totals  []Amount
}

// Unbilled runs the unbilled report, biggest amount first.
func (s *Service) Unbilled(ctx context.Context) (UnbilledReport, error) {
	pid, err := scope(ctx)
	if err != nil {
		return UnbilledReport{}, err
	}
	cal, err := s.calendar(ctx)
	if err != nil {
		return UnbilledReport{}, err
	}
	db := s.st.ReadSQL()
	cls, err := clientsOf(ctx, db, pid)
	if err != nil {
		return UnbilledReport{}, err
	}
	byClient := map[int64]*UnbilledClient{}
	get := func(id int64) *UnbilledClient {
		u := byClient[id]
		if u == nil {
			u = &UnbilledClient{ClientID: id, ClientName: cls[id].Name, Currency: cls[id].Currency}
			byClient[id] = u
		}
		return u
	}
	// Both read the partial indexes on the unbilled tail (invoice_id IS NULL).
	rows, err := db.QueryContext(ctx, `SELECT client_id, COUNT(*), SUM(billable_minutes), SUM(amount), MIN(started_at)
FROM time_entries WHERE practice_id = ? AND invoice_id IS NULL AND billable = 1
GROUP BY client_id`, pid)
	if err != nil {
		return UnbilledReport{}, fmt.Errorf("reports: unbilled time: %w", store.Translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var id, n, minutes, amount int64
		var oldest any
		if err := rows.Scan(&id, &n, &minutes, &amount, &oldest); err != nil {
			return UnbilledReport{}, fmt.Errorf("reports: unbilled time: %w", err)
		}
		t, err := parseDBTime(oldest)
		if err != nil {
			return UnbilledReport{}, err
		}
		u := get(id)
		d := date(cal.DateOf(t))
		u.Entries, u.BillableMinutes, u.TimeAmount, u.OldestEntry = n, minutes, amount, &d
	}
	if err := rows.Err(); err != nil {
		return UnbilledReport{}, fmt.Errorf("reports: unbilled time: %w", store.Translate(err))
	}
	rows.Close()
	rows, err = db.QueryContext(ctx, `SELECT client_id, COUNT(*), SUM(amount), MIN(date)
FROM expenses WHERE practice_id = ? AND invoice_id IS NULL AND billable = 1
GROUP BY client_id`, pid)
	if err != nil {
		return UnbilledReport{}, fmt.Errorf("reports: unbilled expenses: %w", store.Translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var id, n, amount int64
		var oldest string
		if err := rows.Scan(&id, &n, &amount, &oldest); err != nil {
			return UnbilledReport{}, fmt.Errorf("reports: unbilled expenses: %w", err)
		}
		u := get(id)
		u.Expenses, u.ExpenseAmount, u.OldestExpense = n, amount, &oldest
	}
	if err := rows.Err(); err != nil {
		return UnbilledReport{}, fmt.Errorf("reports: unbilled expenses: %w", store.Translate(err))
	}
	rep := UnbilledReport{Clients: make([]UnbilledClient, 0, len(byClient))}
	tot := amounts{}
	for _, u := range byClient {
		u.Total = u.TimeAmount + u.ExpenseAmount
		tot.add(u.Currency, u.Total)
		rep.Clients = append(rep.Clients, *u)
	}
	sort.Slice(rep.Clients, func(i, j int) bool {
		a, b := rep.Clients[i], rep.Clients[j]
		if a.Total != b.Total {
			return a.Total > b.Total
		}
		return a.ClientID < b.ClientID
	})
	rep.Totals = tot.list()
	return rep, nil
}

// AgingBuckets are outstanding money by how long past due it is.
type AgingBuckets struct {
	Current    int64 // not yet due
	Days1To30  int64
	Days31To60 int64
	Days61To90 int64
	Over90     int64
	Total      int64
}

func (b *AgingBuckets) add(daysLate int, v int64) {
	switch {
	case daysLate <= 0:
		b.Current += v
	case daysLate <= 30:
		b.Days1To30 += v
	case daysLate <= 60:
		b.Days31To60 += v
	case daysLate <= 90:
		b.Days61To90 += v
	default:
		b.Over90 += v
	}
	b.Total += v
}

// AgingClient is one client's open balance in one currency.
type AgingClient struct {
	ClientID   int64
	ClientName string
	Currency   string
	Invoices   int64
	AgingBuckets
}

// AgingTotal is the open balance of all clients in one currency.
type AgingTotal struct {
	Currency string
	AgingBuckets
}

// AgingReport answers "who owes me what, and for how long" on a date.
type AgingReport struct {
	AsOf    string
	Clients []AgingClient
	Totals  []AgingTotal
}

// Aging runs the aging report as of a date (YYYY-MM-DD; today in the
// practice's zone when empty). An invoice counts when it was issued on or
// before that date; its balance is its total less the payments dated on or
// before it, so a past date shows what was open then. Void invoices are
// never owed and never count.
func (s *Service) Aging(ctx context.Context, asOf string) (AgingReport, error) {
	pid, err := scope(ctx)
	if err != nil {
		return AgingReport{}, err
	}
	cal, err := s.calendar(ctx)
	if err != nil {
		return AgingReport{}, err
	}
	day := cal.Today()
	if asOf != "" {
		var c apperr.Check
		day = c.Date("as_of", asOf)
		if err := c.Err(); err != nil {
			return AgingReport{}, err
		}
	}
	as := date(day)
	rows, err := s.st.ReadSQL().QueryContext(ctx, `SELECT i.client_id, c.name, i.currency, COALESCE(i.due_date, i.issue_date),
  i.total - COALESCE((SELECT SUM(p.amount) FROM payments p WHERE p.invoice_id = i.id AND p.date <= ?), 0)
FROM invoices i JOIN clients c ON c.id = i.client_id
WHERE i.practice_id = ? AND i.status IN ('issued', 'partially_paid', 'paid') AND i.issue_date <= ?`, as, pid, as)
	if err != nil {
		return AgingReport{}, fmt.Errorf("reports: aging: %w", store.Translate(err))
	}
	defer rows.Close()
	type key struct {
		client   int64
		currency string
	}
	byClient := map[key]*AgingClient{}
	totals := map[string]*AgingTotal{}
	for rows.Next() {
		var k key
		var name, due string
		var balance int64
		if err := rows.Scan(&k.client, &name, &k.currency, &due, &balance); err != nil {
			return AgingReport{}, fmt.Errorf("reports: aging: %w", err)
		}
		if balance <= 0 {
			continue
		}
		dueDay, err := time.Parse(time.DateOnly, due)
		if err != nil {
			return AgingReport{}, fmt.Errorf("reports: aging: due date %q: %w", due, err)
		}
		late := days(dueDay, day)
		a := byClient[k]
		if a == nil {
			a = &AgingClient{ClientID: k.client, ClientName: name, Currency: k.currency}
			byClient[k] = a
		}
		a.Invoices++
		a.add(late, balance)
		t := totals[k.currency]
		if t == nil {
			t = &AgingTotal{Currency: k.currency}
			totals[k.currency] = t
		}
		t.add(late, balance)
	}
	if err := rows.Err(); err != nil {
		return AgingReport{}, fmt.Errorf("reports: aging: %w", store.Translate(err))
	}
	rep := AgingReport{AsOf: as, Clients: make([]AgingClient, 0, len(byClient)), Totals: make([]AgingTotal, 0, len(totals))}
	for _, a := range byClient {
		rep.Clients = append(rep.Clients, *a)
	}
	// Oldest debt first: that is the call to make today.
	sort.Slice(rep.Clients, func(i, j int) bool {
		a, b := rep.Clients[i], rep.Clients[j]
		for _, d := range [][2]int64{{a.Over90, b.Over90}, {a.Days61To90, b.Days61To90}, {a.Days31To60, b.Days31To60},
			{a.Days1To30, b.Days1To30}, {a.Total, b.Total}} {
			if d[0] != d[1] {
				return d[0] > d[1]
			}
		}
		if a.ClientID != b.ClientID {
			return a.ClientID < b.ClientID
		}
		return a.Currency < b.Currency
	})
	for _, t := range totals {
		rep.Totals = append(rep.Totals, *t)
	}
	sort.Slice(rep.Totals, func(i, j int) bool { return rep.Totals[i].Currency < rep.Totals[j].Currency })
	return rep, nil
}

// RevenueMonth is money issued (invoice totals by issue date) and received
// (payments by payment date) in one month, per currency.
type RevenueMonth struct {
	Month  string // YYYY-MM
	Issued []Amount
	Paid   []Amount
}

// RevenueClient is what one client was invoiced in the range and has paid
// of it, and the hourly rate that works out to: paid ÷ the billable hours on
// those invoices. EffectiveHourlyRate is nil when the invoices bill no time.
type RevenueClient struct {
	ClientID            int64
	ClientName          string
	Currency            string
	Invoices            int64
	Invoiced            int64
	Paid                int64
	BilledMinutes       int64
	EffectiveHourlyRate *int64
}

// RevenueReport is revenue per month and per client.
type RevenueReport struct {
	From, To    string
	Interval    string
	Months      []RevenueMonth
	TotalIssued []Amount
	TotalPaid   []Amount
	Clients     []RevenueClient
}

// Revenue runs the revenue report over an inclusive range of dates (the
// last twelve months by default). Void invoices count neither as issued nor
// in the per-client figures.
func (s *Service) Revenue(ctx context.Context, fromS, toS, interval string) (RevenueReport, error) {
	pid, err := scope(ctx)
	if err != nil {
		return RevenueReport{}, err
	}
	cal, err := s.calendar(ctx)
	if err != nil {
		return RevenueReport{}, err
	}
	var c apperr.Check
	if interval == "" {
		interval = Month
	}
	c.OneOf("interval", interval, Month)
	today := cal.Today()
	defFrom := time.Date(today.Year(), today.Month()-11, 1, 0, 0, 0, 0, time.UTC)
	from, to := dateRange(&c, fromS, toS, defFrom, today, 20*366, "at most 20 years")
	if err := c.Err(); err != nil {
		return RevenueReport{}, err
	}
	rep := RevenueReport{From: date(from), To: date(to), Interval: interval}
	months := map[string]*RevenueMonth{}
	issued, paid := map[string]amounts{}, map[string]amounts{}
	for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(to); m = m.AddDate(0, 1, 0) {
		k := m.Format("2006-01")
		rep.Months = append(rep.Months, RevenueMonth{Month: k})
		issued[k], paid[k] = amounts{}, amounts{}
	}
	for i := range rep.Months {
		months[rep.Months[i].Month] = &rep.Months[i]
	}
	db := s.st.ReadSQL()
	sum := func(what, q string, into map[string]amounts, tot amounts) error {
		rows, err := db.QueryContext(ctx, q, pid, rep.From, rep.To)
		if err != nil {
			return fmt.Errorf("reports: revenue %s: %w", what, store.Translate(err))
		}
		defer rows.Close()
		for rows.Next() {
			var month, cur string
			var v int64
			if err := rows.Scan(&month, &cur, &v); err != nil {
				return fmt.Errorf("reports: revenue %s: %w", what, err)
			}
			if into[month] != nil {
				into[month].add(cur, v)
				tot.add(cur, v)
			}
		}
		return store.Translate(rows.Err())
	}
	totIssued, totPaid := amounts{}, amounts{}
	if err := sum("issued", `SELECT substr(issue_date, 1, 7), currency, SUM(total) FROM invoices
WHERE practice_id = ? AND status IN ('issued', 'partially_paid', 'paid') AND issue_date BETWEEN ? AND ?
GROUP BY 1, 2`, issued, totIssued); err != nil {
		return RevenueReport{}, err
	}
	if err := sum("paid", `SELECT substr(p.date, 1, 7), i.currency, SUM(p.amount)
FROM payments p JOIN invoices i ON i.id = p.invoice_id
WHERE p.practice_id = ? AND p.date BETWEEN ? AND ?
GROUP BY 1, 2`, paid, totPaid); err != nil {
		return RevenueReport{}, err
	}
	for k, m := range months {
		m.Issued, m.Paid = issued[k].list(), paid[k].list()
	}
	rep.TotalIssued, rep.TotalPaid = totIssued.list(), totPaid.list()

	rows, err := db.QueryContext(ctx, `SELECT i.client_id, c.name, i.currency, COUNT(*), SUM(i.total), SUM(i.amount_paid),
  SUM((SELECT COALESCE(SUM(t.billable_minutes), 0) FROM time_entries t WHERE t.invoice_id = i.id))
FROM invoices i JOIN clients c ON c.id = i.client_id
WHERE i.practice_id = ? AND i.status IN ('issued', 'partially_paid', 'paid') AND i.issue_date BETWEEN ? AND ?
GROUP BY i.client_id, i.currency`, pid, rep.From, rep.To)
	if err != nil {
		return RevenueReport{}, fmt.Errorf("reports: revenue per client: %w", store.Translate(err))
	}
	defer rows.Close()
	rep.Clients = []RevenueClient{}
	for rows.Next() {
		var rc RevenueClient
		if err := rows.Scan(&rc.ClientID, &rc.ClientName, &rc.Currency, &rc.Invoices, &rc.Invoiced, &rc.Paid, &rc.BilledMinutes); err != nil {
			return RevenueReport{}, fmt.Errorf("reports: revenue per client: %w", err)
		}
		if rc.BilledMinutes > 0 {
			r := money.RoundHalfUp(rc.Paid*60, rc.BilledMinutes)
			rc.EffectiveHourlyRate = &r
		}
		rep.Clients = append(rep.Clients, rc)
	}
	if err := rows.Err(); err != nil {
		return RevenueReport{}, fmt.Errorf("reports: revenue per client: %w", store.Translate(err))
	}
	sort.Slice(rep.Clients, func(i, j int) bool {
		a, b := rep.Clients[i], rep.Clients[j]
		if a.Paid != b.Paid {
			return a.Paid > b.Paid
		}
		return a.ClientID < b.ClientID
	})
	return rep, nil
}
