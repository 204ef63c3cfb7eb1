package seed_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/seed"
)

// tiny is a data set small enough for a test, with every kind of row.
var tiny = seed.Size{Clients: 4, Entries: 600, Invoices: 12, BigClientEntries: 40, Days: 90, Seed: 3}

func count(t *testing.T, env *apitest.Env, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := env.Store.ReadSQL().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// TestGenerateWritesWhatTheAPIWould checks the generated rows against the
// rules (rates, rounding, amounts, invoice totals and numbers), reads them
// through the API (whose answers are checked against the spec), and rebuilds
// one generated invoice with the real billing code to compare its lines.
func TestGenerateWritesWhatTheAPIWould(t *testing.T) {
	env := apitest.New(t)
	ds, err := seed.Generate(context.Background(), env.Store, tiny)
	if err != nil {
		t.Fatal(err)
	}
	if ds.Entries != int64(tiny.Entries) || len(ds.ClientIDs) != tiny.Clients-1 || ds.BigClientID == 0 {
		t.Fatalf("data set %+v", ds)
	}
	if ds.Invoices == 0 || ds.Invoices > int64(tiny.Invoices) || ds.InvoiceLines < ds.Invoices {
		t.Fatalf("invoices %d, lines %d", ds.Invoices, ds.InvoiceLines)
	}

	for name, q := range map[string]string{
		"billable minutes not rounded up by the client's rule": `SELECT COUNT(*) FROM time_entries e JOIN clients c ON c.id = e.client_id
			WHERE e.billable AND e.billable_minutes <> CASE c.rounding_minutes WHEN 0 THEN e.minutes
				ELSE (e.minutes + c.rounding_minutes - 1) / c.rounding_minutes * c.rounding_minutes END`,
		"amount is not round_half_up(billable minutes × rate / 60)": `SELECT COUNT(*) FROM time_entries
			WHERE amount <> (2 * billable_minutes * hourly_rate + 60) / 120`,
		"non-billable entry bills something": `SELECT COUNT(*) FROM time_entries WHERE NOT billable AND (billable_minutes <> 0 OR amount <> 0)`,
		"rate is not the client's, project's or service's": `SELECT COUNT(*) FROM time_entries e
			JOIN services s ON s.id = e.service_id LEFT JOIN projects p ON p.id = e.project_id
			LEFT JOIN client_rates r ON r.client_id = e.client_id AND r.service_id = e.service_id
			WHERE e.hourly_rate <> COALESCE(r.hourly_rate, p.hourly_rate, s.default_hourly_rate)`,
		"invoiced entry that is not billable or not linked to a line": `SELECT COUNT(*) FROM time_entries e WHERE e.invoice_id IS NOT NULL
			AND (NOT e.billable OR NOT EXISTS (SELECT 1 FROM invoice_line_sources s WHERE s.entry_id = e.id AND s.invoice_id = e.invoice_id))`,
		"invoiced entry outside its invoice's period": `SELECT COUNT(*) FROM time_entries e JOIN invoices i ON i.id = e.invoice_id
			WHERE date(e.started_at) < i.period_from OR date(e.started_at) > i.period_to`,
		"unbilled billable entry inside an issued invoice's period": `SELECT COUNT(*) FROM time_entries e JOIN invoices i
			ON i.client_id = e.client_id AND date(e.started_at) BETWEEN i.period_from AND i.period_to
			WHERE e.billable AND e.invoice_id IS NULL`,
		"line amount is not its minutes at its rate": `SELECT COUNT(*) FROM invoice_lines
			WHERE amount <> (2 * quantity_minutes * unit_price + 60) / 120`,
		"line minutes are not the sum of its entries": `SELECT COUNT(*) FROM invoice_lines l
			WHERE quantity_minutes <> (SELECT SUM(e.billable_minutes) FROM invoice_line_sources s JOIN time_entries e ON e.id = s.entry_id WHERE s.line_id = l.id)`,
		"invoice total is not the sum of its lines": `SELECT COUNT(*) FROM invoices i
			WHERE total <> (SELECT SUM(amount) FROM invoice_lines l WHERE l.invoice_id = i.id) OR subtotal <> total`,
		"amount paid is not the sum of payments": `SELECT COUNT(*) FROM invoices i
			WHERE amount_paid <> COALESCE((SELECT SUM(amount) FROM payments p WHERE p.invoice_id = i.id), 0)`,
		"status does not match payments": `SELECT COUNT(*) FROM invoices WHERE NOT (
			(status = 'paid' AND amount_paid = total) OR (status = 'partially_paid' AND amount_paid > 0 AND amount_paid < total)
			OR (status = 'issued' AND amount_paid = 0))`,
		"invoice without a number": `SELECT COUNT(*) FROM invoices WHERE number IS NULL OR issue_date IS NULL OR due_date IS NULL`,
	} {
		if n := count(t, env, q); n != 0 {
			t.Errorf("%s: %d rows", name, n)
		}
	}
	// Numbers are gapless per year, and the sequences continue after them.
	if n := count(t, env, `SELECT COUNT(*) FROM invoice_sequences s WHERE last_value <>
		(SELECT COUNT(*) FROM invoices i WHERE i.practice_id = s.practice_id AND 'INV-' || substr(i.issue_date, 1, 4) || '-{SEQ}' = s.scope)`); n != 0 {
		t.Errorf("%d sequences do not match their invoices", n)
	}

	owner := &apitest.Actor{Env: env, PracticeID: ds.PracticeID, Email: ds.OwnerEmail, Token: ds.Token}
	var page struct {
		Items []struct {
			ID       int64 `json:"id"`
			ClientID int64 `json:"client_id"`
		} `json:"items"`
	}
	owner.Do("GET", apitest.Path("/api/v1/time-entries?client_id=%d&limit=50", ds.ClientIDs[0]), nil).JSON(t, &page)
	if len(page.Items) == 0 || page.Items[0].ClientID != ds.ClientIDs[0] {
		t.Fatalf("entries of client %d: %+v", ds.ClientIDs[0], page.Items)
	}

	// Void a generated invoice (after taking its payments back) and bill the
	// same period again with the real billing code: the lines must match.
	type line struct {
		Description     string  `json:"description"`
		QuantityMinutes int64   `json:"quantity_minutes"`
		UnitPrice       int64   `json:"unit_price"`
		Amount          int64   `json:"amount"`
		EntryIDs        []int64 `json:"entry_ids"`
	}
	type invoice struct {
		ID         int64  `json:"id"`
		ClientID   int64  `json:"client_id"`
		PeriodFrom string `json:"period_from"`
		PeriodTo   string `json:"period_to"`
		Total      int64  `json:"total"`
		Lines      []line `json:"lines"`
	}
	var id int64
	if err := env.Store.ReadSQL().QueryRow("SELECT MAX(id) FROM invoices").Scan(&id); err != nil {
		t.Fatal(err)
	}
	var gen invoice
	owner.Do("GET", apitest.Path("/api/v1/invoices/%d", id), nil).JSON(t, &gen)
	var pays struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	res := owner.Do("GET", apitest.Path("/api/v1/invoices/%d/payments", id), nil)
	if err := json.Unmarshal(res.Body, &pays); err != nil || pays.Items == nil {
		// A bare list rather than a page.
		var items []struct {
			ID int64 `json:"id"`
		}
		res.JSON(t, &items)
		pays.Items = items
	}
	for _, p := range pays.Items {
		owner.Must(204, "DELETE", apitest.Path("/api/v1/invoices/%d/payments/%d", id, p.ID), nil)
	}
	owner.Must(200, "POST", apitest.Path("/api/v1/invoices/%d/void", id), nil)
	var again invoice
	res = owner.Do("POST", "/api/v1/invoices", map[string]any{"client_id": gen.ClientID, "from": gen.PeriodFrom, "to": gen.PeriodTo})
	if res.Status != 201 {
		t.Fatalf("draft of the voided period: %d %s", res.Status, res.Body)
	}
	res.JSON(t, &again)
	for i := range again.Lines {
		slices.Sort(again.Lines[i].EntryIDs)
	}
	for i := range gen.Lines {
		slices.Sort(gen.Lines[i].EntryIDs)
	}
	if again.Total != gen.Total || len(again.Lines) != len(gen.Lines) {
		t.Fatalf("billing made %+v, the generator %+v", again, gen)
	}
	for i := range gen.Lines {
		a, g := again.Lines[i], gen.Lines[i]
		if a.Description != g.Description || a.QuantityMinutes != g.QuantityMinutes || a.UnitPrice != g.UnitPrice ||
			a.Amount != g.Amount || !slices.Equal(a.EntryIDs, g.EntryIDs) {
			t.Errorf("line %d: billing made %+v, the generator %+v", i+1, a, g)
		}
	}

	// The big client's unbilled work makes one draft, issued and printed.
	inv := owner.Must(201, "POST", "/api/v1/invoices", map[string]any{"client_id": ds.BigClientID, "from": ds.BigFrom, "to": ds.BigTo})
	invID := apitest.ID(t, inv, "id")
	owner.Must(200, "POST", apitest.Path("/api/v1/invoices/%d/issue", invID), nil)
	if res := owner.Do("GET", apitest.Path("/api/v1/invoices/%d/pdf", invID), nil); res.Status != 200 {
		t.Fatalf("pdf: %d", res.Status)
	}
}

func TestGenerateIsReproducible(t *testing.T) {
	sums := make([]string, 2)
	for i := range sums {
		env := apitest.New(t)
		if _, err := seed.Generate(context.Background(), env.Store, tiny); err != nil {
			t.Fatal(err)
		}
		err := env.Store.ReadSQL().QueryRow(`SELECT COUNT(*) || ':' || SUM(minutes) || ':' || SUM(amount) || ':' ||
			SUM(client_id * id) || ':' || (SELECT group_concat(number) FROM invoices) FROM time_entries`).Scan(&sums[i])
		if err != nil {
			t.Fatal(err)
		}
	}
	if sums[0] != sums[1] {
		t.Fatalf("two runs differ:\n%s\n%s", sums[0], sums[1])
	}
}

func TestDemo(t *testing.T) {
	env := apitest.New(t)
	res, err := seed.Demo(context.Background(), env.Store, seed.DemoOptions{API: env.Echo, Now: env.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if res.Email != seed.DemoEmail || len(res.Password) < 12 || res.Practice == "" {
		t.Fatalf("login %+v", res)
	}
	if res.Clients != 6 || res.Entries < 80 || res.Expenses != 5 || res.Projects != 3 || res.Tasks != 8 || res.Retainers != 1 {
		t.Fatalf("made %+v", res)
	}
	for q, want := range map[string]int64{
		"SELECT COUNT(*) FROM clients":                                                      6,
		"SELECT COUNT(*) FROM contacts":                                                     8,
		"SELECT COUNT(*) FROM retainers":                                                    1,
		"SELECT COUNT(*) FROM client_rates":                                                 4,
		"SELECT COUNT(*) FROM expenses":                                                     5,
		"SELECT COUNT(*) FROM invoices":                                                     7,
		"SELECT COUNT(*) FROM invoices WHERE status = 'draft'":                              1,
		"SELECT COUNT(*) FROM invoices WHERE status = 'paid'":                               1,
		"SELECT COUNT(*) FROM invoices WHERE status = 'partially_paid'":                     1,
		"SELECT COUNT(*) FROM invoices WHERE status = 'void'":                               1,
		"SELECT COUNT(*) FROM invoices WHERE status = 'issued'":                             3,
		"SELECT COUNT(*) FROM invoices WHERE status = 'issued' AND due_date < '2026-11-02'": 1,
		"SELECT COUNT(*) FROM invoices WHERE status <> 'draft' AND number IS NULL":          0,
		"SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NULL":                          0,
		"SELECT COUNT(*) FROM time_entries WHERE started_at > '2026-11-02 09:00:00'":        0,
	} {
		if n := count(t, env, q); n != want {
			t.Errorf("%s = %d, want %d", q, n, want)
		}
	}
	if n := count(t, env, "SELECT COUNT(*) FROM time_entries"); n != int64(res.Entries) {
		t.Errorf("%d entries stored, %d reported", n, res.Entries)
	}
	if n := count(t, env, "SELECT COUNT(*) FROM time_entries WHERE invoice_id IS NOT NULL"); n == 0 {
		t.Error("no entry is locked by an issued invoice")
	}

	// The owner can log in with the password it printed.
	login := env.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/login",
		Body: map[string]string{"email": res.Email, "password": res.Password}})
	if login.Status != 200 {
		t.Fatalf("login: %d %s", login.Status, login.Body)
	}

	// A second run refuses, unless forced.
	if _, err := seed.Demo(context.Background(), env.Store, seed.DemoOptions{API: env.Echo, Now: env.Clock.Now}); !errors.Is(err, seed.ErrHasClients) {
		t.Fatalf("second run: %v", err)
	}
	again, err := seed.Demo(context.Background(), env.Store, seed.DemoOptions{API: env.Echo, Now: env.Clock.Now, Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if again.Password != "" || again.Email != seed.DemoEmail || again.Clients != 6 {
		t.Fatalf("forced run %+v", again)
	}
	if n := count(t, env, "SELECT COUNT(*) FROM clients"); n != 12 {
		t.Errorf("%d clients after a forced second run", n)
	}
}
