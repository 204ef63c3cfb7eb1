package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/tenant"
)

// reportFixture is a practice in Berlin with two clients in two currencies
// and entries placed around the end of daylight saving time (2026-10-25).
type reportFixture struct {
	owner          *apitest.Actor
	usd, eur       int64 // clients
	email, website int64 // services
}

func newReportFixture(t *testing.T, env *apitest.Env) reportFixture {
	t.Helper()
	owner := env.NewPractice("Reports")
	owner.Must(200, "PATCH", "/api/v1/settings", map[string]any{"timezone": "Europe/Berlin"})
	f := reportFixture{owner: owner}
	f.usd = apitest.ID(t, owner.Must(201, "POST", "/api/v1/clients", map[string]any{"name": "Dana Realty", "rounding_minutes": 15}), "id")
	f.eur = apitest.ID(t, owner.Must(201, "POST", "/api/v1/clients", map[string]any{"name": "Émile Coaching", "currency": "EUR"}), "id")
	svcs := owner.Must(200, "GET", "/api/v1/services", nil)["items"].([]any)
	f.email = int64(svcs[0].(map[string]any)["id"].(float64))   // 40.00/h
	f.website = int64(svcs[1].(map[string]any)["id"].(float64)) // 50.00/h
	return f
}

func (f reportFixture) entry(t *testing.T, client, service int64, at string, minutes int, billable bool) map[string]any {
	t.Helper()
	return f.owner.Must(201, "POST", "/api/v1/time-entries", map[string]any{
		"client_id": client, "service_id": service, "started_at": at, "minutes": minutes, "billable": billable,
	})
}

type hoursReport struct {
	From      string `json:"from"`
	To        string `json:"to"`
	Timezone  string `json:"timezone"`
	Intervals []struct {
		Start string `json:"start"`
		End   string `json:"end"`
	} `json:"intervals"`
	Groups []struct {
		ID              *int64 `json:"id"`
		Label           string `json:"label"`
		Minutes         int64  `json:"minutes"`
		BillableMinutes int64  `json:"billable_minutes"`
		Amounts         []struct {
			Currency string `json:"currency"`
			Amount   int64  `json:"amount"`
		} `json:"amounts"`
	} `json:"groups"`
	Rows []struct {
		Start           string `json:"start"`
		GroupID         *int64 `json:"group_id"`
		Minutes         int64  `json:"minutes"`
		BillableMinutes int64  `json:"billable_minutes"`
		Amounts         []struct {
			Currency string `json:"currency"`
			Amount   int64  `json:"amount"`
		} `json:"amounts"`
	} `json:"rows"`
	Minutes         int64 `json:"minutes"`
	BillableMinutes int64 `json:"billable_minutes"`
}

func getHours(t *testing.T, a *apitest.Actor, query string) hoursReport {
	t.Helper()
	res := a.Do("GET", "/api/v1/reports/hours?"+query, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("hours?%s: %d %s", query, res.Status, res.Body)
	}
	var r hoursReport
	res.JSON(t, &r)
	return r
}

// Intervals are days, ISO weeks and months in the practice's time zone,
// also across a change of daylight saving time.
func TestHoursReportBucketsInThePracticeTimeZone(t *testing.T) {
	env := apitest.New(t)
	f := newReportFixture(t, env)
	// Sunday 25 October 23:30 in Berlin (CET, after the clocks went back).
	f.entry(t, f.usd, f.email, "2026-10-25T22:30:00Z", 50, true) // 60 billable, 40.00
	// Monday 26 October 00:30 in Berlin.
	f.entry(t, f.usd, f.website, "2026-10-25T23:30:00Z", 30, true) // 30 billable, 25.00
	// Saturday 31 October 23:30 UTC is Sunday 1 November 00:30 in Berlin.
	f.entry(t, f.eur, f.email, "2026-10-31T23:30:00Z", 90, true) // 90, 60.00 EUR
	f.entry(t, f.eur, f.email, "2026-11-02T09:00:00Z", 45, false)
	// Outside the range asked for below.
	f.entry(t, f.usd, f.email, "2026-10-18T21:59:00Z", 10, true) // 18 Oct 23:59 CEST

	days := getHours(t, f.owner, "from=2026-10-19&to=2026-11-02&interval=day&group_by=client")
	if days.Timezone != "Europe/Berlin" || len(days.Intervals) != 15 || days.Intervals[0].Start != "2026-10-19" || days.Intervals[14].End != "2026-11-02" {
		t.Fatalf("day intervals %+v", days)
	}
	byDay := map[string]int64{}
	for _, r := range days.Rows {
		byDay[r.Start] += r.Minutes
	}
	want := map[string]int64{"2026-10-25": 50, "2026-10-26": 30, "2026-11-01": 90, "2026-11-02": 45}
	for d, m := range want {
		if byDay[d] != m {
			t.Errorf("day %s: %d minutes, want %d (rows %+v)", d, byDay[d], m, days.Rows)
		}
	}
	if len(byDay) != len(want) || days.Minutes != 215 || days.BillableMinutes != 180 {
		t.Errorf("days: %v, total %d/%d", byDay, days.Minutes, days.BillableMinutes)
	}

	weeks := getHours(t, f.owner, "from=2026-10-21&to=2026-11-04&interval=week&group_by=client")
	if len(weeks.Intervals) != 3 || weeks.Intervals[0].Start != "2026-10-19" || weeks.Intervals[0].End != "2026-10-25" ||
		weeks.Intervals[2].Start != "2026-11-02" {
		t.Fatalf("week intervals %+v", weeks.Intervals)
	}
	type cell struct {
		start  string
		client int64
	}
	got := map[cell]int64{}
	for _, r := range weeks.Rows {
		got[cell{r.Start, *r.GroupID}] = r.Minutes
	}
	for c, m := range map[cell]int64{{"2026-10-19", f.usd}: 50, {"2026-10-26", f.usd}: 30, {"2026-10-26", f.eur}: 90, {"2026-11-02", f.eur}: 45} {
		if got[c] != m {
			t.Errorf("week %v: %d minutes, want %d (%v)", c, got[c], m, got)
		}
	}
	// Groups carry labels and their money in their own currency.
	for _, g := range weeks.Groups {
		switch *g.ID {
		case f.usd:
			if g.Label != "Dana Realty" || g.BillableMinutes != 90 || len(g.Amounts) != 1 || g.Amounts[0].Currency != "USD" || g.Amounts[0].Amount != 6500 {
				t.Errorf("USD group %+v", g)
			}
		case f.eur:
			if g.Label != "Émile Coaching" || g.Minutes != 135 || g.BillableMinutes != 90 || g.Amounts[0].Currency != "EUR" || g.Amounts[0].Amount != 6000 {
				t.Errorf("EUR group %+v", g)
			}
		default:
			t.Errorf("unexpected group %+v", g)
		}
	}

	months := getHours(t, f.owner, "from=2026-10-01&to=2026-11-30&interval=month&group_by=service")
	if len(months.Intervals) != 2 || months.Intervals[0].End != "2026-10-31" {
		t.Fatalf("month intervals %+v", months.Intervals)
	}
	for _, r := range months.Rows {
		switch {
		case r.Start == "2026-10-01" && *r.GroupID == f.email:
			// 18 Oct and 25 Oct; both USD.
			if r.Minutes != 60 || len(r.Amounts) != 1 || r.Amounts[0].Amount != 4000+1000 {
				t.Errorf("October email %+v", r)
			}
		case r.Start == "2026-11-01" && *r.GroupID == f.email:
			if r.Minutes != 135 || len(r.Amounts) != 1 || r.Amounts[0].Currency != "EUR" {
				t.Errorf("November email %+v", r)
			}
		case r.Start == "2026-10-01" && *r.GroupID == f.website:
			if r.Minutes != 30 {
				t.Errorf("October website %+v", r)
			}
		default:
			t.Errorf("unexpected row %+v", r)
		}
	}

	// A service with clients in two currencies keeps the amounts apart.
	f.entry(t, f.usd, f.email, "2026-11-03T09:00:00Z", 60, true)
	svc := getHours(t, f.owner, "from=2026-11-01&to=2026-11-30&interval=month&group_by=service")
	if len(svc.Groups) != 1 || len(svc.Groups[0].Amounts) != 2 {
		t.Fatalf("mixed currencies %+v", svc.Groups)
	}

	byUser := getHours(t, f.owner, "from=2026-10-01&to=2026-11-30&interval=month&group_by=user")
	if len(byUser.Groups) != 1 || *byUser.Groups[0].ID != f.owner.UserID || byUser.Groups[0].Label == "" {
		t.Fatalf("by user %+v", byUser.Groups)
	}
	byProject := getHours(t, f.owner, "from=2026-10-01&to=2026-11-30&interval=month&group_by=project")
	if len(byProject.Groups) != 1 || byProject.Groups[0].ID != nil || byProject.Groups[0].Label != "No project" {
		t.Fatalf("by project %+v", byProject.Groups)
	}

	// Defaults: weeks by client, ending today (the clock's 2026-11-02).
	def := getHours(t, f.owner, "")
	if def.To != "2026-11-02" || len(def.Intervals) != 12 || def.Intervals[0].Start != "2026-08-17" {
		t.Fatalf("default range %s..%s, %d intervals", def.From, def.To, len(def.Intervals))
	}
}

func TestReportValidation(t *testing.T) {
	env := apitest.New(t)
	owner := env.NewPractice("Report validation")
	cases := []struct {
		path, field string
	}{
		{"/api/v1/reports/hours?from=2026-13-01", "from"},
		{"/api/v1/reports/hours?to=yesterday", "to"},
		{"/api/v1/reports/hours?from=2026-11-02&to=2026-11-01", "to"},
		{"/api/v1/reports/hours?group_by=colour", "group_by"},
		{"/api/v1/reports/hours?interval=year", "interval"},
		{"/api/v1/reports/hours?interval=day&from=2020-01-01&to=2026-01-01", "to"},
		{"/api/v1/reports/hours?interval=month&from=0001-01-01&to=2026-01-01", "from"},
		{"/api/v1/reports/aging?as_of=2026-02-30", "as_of"},
		{"/api/v1/reports/revenue?from=2026-11-01&to=2026-10-01", "to"},
		{"/api/v1/reports/revenue?interval=week", "interval"},
	}
	env.SkipSpec = true // the spec's enums already reject some of these
	for _, c := range cases {
		res := owner.Do("GET", c.path, nil)
		if res.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", c.path, res.Status)
			continue
		}
		if p := res.Problem(t); !p.HasField(c.field) {
			t.Errorf("%s: problem does not name %q: %s", c.path, c.field, res.Body)
		}
	}
}

// Reports are money: the owner's alone, and never another practice's.
func TestReportsAreTheOwnersAndScoped(t *testing.T) {
	env := apitest.New(t)
	f := newReportFixture(t, env)
	f.entry(t, f.usd, f.email, "2026-11-02T09:00:00Z", 60, true)
	assistant := f.owner.NewUser(tenant.Assistant)
	for _, p := range []string{"/api/v1/reports/hours", "/api/v1/reports/unbilled", "/api/v1/reports/aging", "/api/v1/reports/revenue"} {
		if res := assistant.Do("GET", p, nil); res.Status != http.StatusForbidden {
			t.Errorf("assistant %s: %d", p, res.Status)
		}
		if res := env.Do(apitest.Request{Method: "GET", Path: p}); res.Status != http.StatusUnauthorized {
			t.Errorf("anonymous %s: %d", p, res.Status)
		}
	}
	other := env.NewPractice("Other")
	if r := getHours(t, other, "from=2026-11-01&to=2026-11-30"); r.Minutes != 0 || len(r.Groups) != 0 {
		t.Fatalf("another practice sees %+v", r)
	}
	un := other.Must(200, "GET", "/api/v1/reports/unbilled", nil)
	if len(un["clients"].([]any)) != 0 {
		t.Fatalf("another practice sees unbilled %v", un)
	}
}

func TestUnbilledReport(t *testing.T) {
	env := apitest.New(t)
	f := newReportFixture(t, env)
	f.entry(t, f.usd, f.email, "2026-10-25T22:30:00Z", 50, true) // 60 min, 40.00; 25 Oct in Berlin
	f.entry(t, f.usd, f.email, "2026-11-01T09:00:00Z", 10, true) // 15 min, 10.00
	f.entry(t, f.usd, f.email, "2026-11-01T10:00:00Z", 60, false)
	f.owner.Must(201, "POST", "/api/v1/expenses", map[string]any{"client_id": f.usd, "date": "2026-10-20", "amount": 1999, "description": "Stock photos"})
	f.owner.Must(201, "POST", "/api/v1/expenses", map[string]any{"client_id": f.eur, "date": "2026-10-30", "amount": 500, "description": "Postage"})
	// An entry on an issued invoice is billed, not unbilled.
	inv := reportInvoice(t, env, f.owner, f.usd, "issued", "USD", "2026-10-01", "2026-10-15", 9999, 0)
	billed := f.entry(t, f.usd, f.email, "2026-10-02T09:00:00Z", 60, true)
	reportExec(t, env, "UPDATE time_entries SET invoice_id = ? WHERE id = ?", inv, apitest.ID(t, billed, "id"))

	var rep struct {
		Clients []struct {
			ClientID        int64   `json:"client_id"`
			Currency        string  `json:"currency"`
			Entries         int64   `json:"entries"`
			BillableMinutes int64   `json:"billable_minutes"`
			TimeAmount      int64   `json:"time_amount"`
			OldestEntry     *string `json:"oldest_entry_date"`
			Expenses        int64   `json:"expenses"`
			ExpenseAmount   int64   `json:"expense_amount"`
			OldestExpense   *string `json:"oldest_expense_date"`
			Total           int64   `json:"total"`
		} `json:"clients"`
		Totals []struct {
			Currency string `json:"currency"`
			Amount   int64  `json:"amount"`
		} `json:"totals"`
	}
	f.owner.Do("GET", "/api/v1/reports/unbilled", nil).JSON(t, &rep)
	if len(rep.Clients) != 2 {
		t.Fatalf("clients %+v", rep.Clients)
	}
	u, e := rep.Clients[0], rep.Clients[1]
	if u.ClientID != f.usd || u.Entries != 2 || u.BillableMinutes != 75 || u.TimeAmount != 5000 || *u.OldestEntry != "2026-10-25" ||
		u.Expenses != 1 || u.ExpenseAmount != 1999 || *u.OldestExpense != "2026-10-20" || u.Total != 6999 {
		t.Errorf("USD client %+v", u)
	}
	if e.ClientID != f.eur || e.Entries != 0 || e.OldestEntry != nil || e.ExpenseAmount != 500 || e.Currency != "EUR" {
		t.Errorf("EUR client %+v", e)
	}
	if len(rep.Totals) != 2 || rep.Totals[0].Currency != "EUR" || rep.Totals[0].Amount != 500 || rep.Totals[1].Amount != 6999 {
		t.Errorf("totals %+v", rep.Totals)
	}
}

func TestAgingReport(t *testing.T) {
	env := apitest.New(t)
	f := newReportFixture(t, env)
	// As of 2026-11-02: due in the future, 1 day late, 30, 31, 61, 91 days.
	reportInvoice(t, env, f.owner, f.usd, "issued", "USD", "2026-10-20", "2026-11-03", 1000, 0)
	reportInvoice(t, env, f.owner, f.usd, "issued", "USD", "2026-10-01", "2026-11-01", 2000, 0)
	p := reportInvoice(t, env, f.owner, f.usd, "partially_paid", "USD", "2026-09-01", "2026-10-03", 3000, 1000)
	reportPayment(t, env, f.owner, p, 1000, "2026-10-10")
	reportInvoice(t, env, f.owner, f.usd, "issued", "USD", "2026-09-01", "2026-10-02", 4000, 0)
	reportInvoice(t, env, f.owner, f.eur, "issued", "EUR", "2026-08-01", "2026-09-02", 5000, 0)
	reportInvoice(t, env, f.owner, f.eur, "issued", "EUR", "2026-07-01", "2026-08-03", 6000, 0)
	// Paid in full, void, draft and future invoices owe nothing today.
	paid := reportInvoice(t, env, f.owner, f.usd, "paid", "USD", "2026-06-01", "2026-06-15", 7000, 7000)
	reportPayment(t, env, f.owner, paid, 7000, "2026-10-30")
	reportInvoice(t, env, f.owner, f.usd, "void", "USD", "2026-06-01", "2026-06-15", 8000, 0)
	reportInvoice(t, env, f.owner, f.usd, "draft", "USD", "", "", 9000, 0)
	reportInvoice(t, env, f.owner, f.usd, "issued", "USD", "2026-11-05", "2026-11-20", 10000, 0)

	type buckets struct {
		Current    int64 `json:"current"`
		Days1To30  int64 `json:"days_1_30"`
		Days31To60 int64 `json:"days_31_60"`
		Days61To90 int64 `json:"days_61_90"`
		Over90     int64 `json:"days_over_90"`
		Total      int64 `json:"total"`
	}
	var rep struct {
		AsOf    string `json:"as_of"`
		Clients []struct {
			ClientID int64  `json:"client_id"`
			Currency string `json:"currency"`
			Invoices int64  `json:"invoices"`
			buckets
		} `json:"clients"`
		Totals []struct {
			Currency string `json:"currency"`
			buckets
		} `json:"totals"`
	}
	f.owner.Do("GET", "/api/v1/reports/aging", nil).JSON(t, &rep)
	if rep.AsOf != "2026-11-02" || len(rep.Clients) != 2 {
		t.Fatalf("aging %+v", rep)
	}
	eur, usd := rep.Clients[0], rep.Clients[1] // oldest debt first
	if eur.ClientID != f.eur || eur.Days61To90 != 5000 || eur.Over90 != 6000 || eur.Total != 11000 || eur.Invoices != 2 {
		t.Errorf("EUR %+v", eur)
	}
	if usd.ClientID != f.usd || usd.Current != 1000 || usd.Days1To30 != 2000+2000 || usd.Days31To60 != 4000 || usd.Total != 9000 || usd.Invoices != 4 {
		t.Errorf("USD %+v", usd)
	}
	if len(rep.Totals) != 2 || rep.Totals[1].Currency != "USD" || rep.Totals[1].Total != 9000 {
		t.Errorf("totals %+v", rep.Totals)
	}
	// As of an earlier date: the paid invoice was still open then, the
	// partial payment not yet made, later invoices not yet issued.
	f.owner.Do("GET", "/api/v1/reports/aging?as_of=2026-10-05", nil).JSON(t, &rep)
	if len(rep.Clients) != 2 {
		t.Fatalf("as of 2026-10-05: %+v", rep.Clients)
	}
	want := map[int64]buckets{
		f.usd: {Current: 2000, Days1To30: 3000 + 4000, Over90: 7000, Total: 16000},
		f.eur: {Days31To60: 5000, Days61To90: 6000, Total: 11000},
	}
	for _, c := range rep.Clients {
		if c.buckets != want[c.ClientID] {
			t.Errorf("client %d as of 2026-10-05: %+v, want %+v", c.ClientID, c.buckets, want[c.ClientID])
		}
	}
}

func TestRevenueReport(t *testing.T) {
	env := apitest.New(t)
	f := newReportFixture(t, env)
	a := reportInvoice(t, env, f.owner, f.usd, "paid", "USD", "2026-09-10", "2026-09-24", 12000, 12000)
	reportPayment(t, env, f.owner, a, 2000, "2026-09-20")
	reportPayment(t, env, f.owner, a, 10000, "2026-10-05")
	e1 := f.entry(t, f.usd, f.email, "2026-09-01T09:00:00Z", 120, true)
	e2 := f.entry(t, f.usd, f.email, "2026-09-02T09:00:00Z", 60, true)
	reportExec(t, env, "UPDATE time_entries SET invoice_id = ? WHERE id IN (?, ?)", a, apitest.ID(t, e1, "id"), apitest.ID(t, e2, "id"))
	b := reportInvoice(t, env, f.owner, f.eur, "partially_paid", "EUR", "2026-10-15", "2026-10-29", 5000, 1000)
	reportPayment(t, env, f.owner, b, 1000, "2026-10-20")
	reportInvoice(t, env, f.owner, f.eur, "void", "EUR", "2026-10-16", "2026-10-29", 7777, 0)

	var rep struct {
		Months []struct {
			Month  string `json:"month"`
			Issued []struct {
				Currency string
				Amount   int64
			} `json:"issued"`
			Paid []struct {
				Currency string
				Amount   int64
			} `json:"paid"`
		} `json:"months"`
		Clients []struct {
			ClientID            int64  `json:"client_id"`
			Invoiced            int64  `json:"invoiced"`
			Paid                int64  `json:"paid"`
			BilledMinutes       int64  `json:"billed_minutes"`
			EffectiveHourlyRate *int64 `json:"effective_hourly_rate"`
		} `json:"clients"`
	}
	f.owner.Do("GET", "/api/v1/reports/revenue?from=2026-09-01&to=2026-11-30", nil).JSON(t, &rep)
	if len(rep.Months) != 3 || rep.Months[0].Month != "2026-09" {
		t.Fatalf("months %+v", rep.Months)
	}
	sep, oct := rep.Months[0], rep.Months[1]
	if len(sep.Issued) != 1 || sep.Issued[0].Amount != 12000 || len(sep.Paid) != 1 || sep.Paid[0].Amount != 2000 {
		t.Errorf("September %+v", sep)
	}
	if len(oct.Issued) != 1 || oct.Issued[0].Currency != "EUR" || oct.Issued[0].Amount != 5000 || len(oct.Paid) != 2 {
		t.Errorf("October %+v", oct)
	}
	if len(rep.Clients) != 2 || rep.Clients[0].ClientID != f.usd || rep.Clients[0].BilledMinutes != 180 ||
		*rep.Clients[0].EffectiveHourlyRate != 4000 || rep.Clients[1].EffectiveHourlyRate != nil {
		t.Errorf("clients %+v", rep.Clients)
	}
}

// insertInvoice writes an invoice row directly: the reports read what
// billing writes, and these tests fix every number by hand.
func reportInvoice(t *testing.T, env *apitest.Env, a *apitest.Actor, client int64, status, currency, issue, due string, total, paid int64) int64 {
	t.Helper()
	var issueV, dueV, number any
	if issue != "" {
		var n int64
		if err := env.Store.Read(tenant.System(context.Background())).Raw("SELECT COUNT(*) FROM invoices").Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		issueV, dueV, number = issue, due, fmt.Sprintf("T-%d", n+1)
	}
	now := env.Clock.Now()
	res, err := env.Store.SQL().Exec(`INSERT INTO invoices (practice_id, client_id, number, status, currency, issue_date, due_date,
period_from, period_to, subtotal, total, amount_paid, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, '2026-01-01', '2026-01-31', ?, ?, ?, ?, ?)`,
		a.PracticeID, client, number, status, currency, issueV, dueV, total, total, paid, now, now)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := res.LastInsertId()
	return id
}

func reportPayment(t *testing.T, env *apitest.Env, a *apitest.Actor, invoice, amount int64, date string) {
	t.Helper()
	reportExec(t, env, "INSERT INTO payments (practice_id, invoice_id, amount, date, created_at) VALUES (?, ?, ?, ?, ?)",
		a.PracticeID, invoice, amount, date, env.Clock.Now())
}

func reportExec(t *testing.T, env *apitest.Env, q string, args ...any) {
	t.Helper()
	if _, err := env.Store.SQL().Exec(q, args...); err != nil {
		t.Fatal(err)
	}
}
