package httpapi_test

import (
	"strings"
	"testing"

	"github.com/vadesk/vadesk/internal/apitest"
)

// Dates and times are of the years 1900 to 2999: year 0 or 9999 is a typo
// or a probe, never work, an expense, an invoice or a report's range. Every
// place that takes one answers 422 naming the field; the edges pass.
func TestDatesOutsideTheYearsAreRefused(t *testing.T) {
	f := newWL(t, "Years")
	cl := f.client(nil)
	svc := f.service(6000, true)
	entry := func(at string) map[string]any {
		return map[string]any{"client_id": cl, "service_id": svc, "started_at": at, "minutes": 30}
	}
	expense := func(on string) map[string]any {
		return map[string]any{"client_id": cl, "date": on, "amount": 100, "description": "Stamps"}
	}
	task := func(on string) map[string]any { return map[string]any{"client_id": cl, "title": "Post", "due_on": on} }
	invoice := func(from, to string) map[string]any { return map[string]any{"client_id": cl, "from": from, "to": to} }
	e := f.entry(cl, svc, nil)

	refused := []struct {
		name, method, path string
		body               any
		field              string
	}{
		{"entry in year 0", "POST", "/api/v1/time-entries", entry("0000-01-01T00:00:00Z"), "started_at"},
		{"entry in year 1", "POST", "/api/v1/time-entries", entry("0001-01-01T00:00:00Z"), "started_at"},
		{"entry in 1899", "POST", "/api/v1/time-entries", entry("1899-12-31T23:59:59Z"), "started_at"},
		{"entry in 3000", "POST", "/api/v1/time-entries", entry("3000-01-01T00:00:00Z"), "started_at"},
		{"entry in 9999", "POST", "/api/v1/time-entries", entry("9999-12-31T23:59:59Z"), "started_at"},
		{"entry moved to year 0", "PATCH", apitest.Path("/api/v1/time-entries/%d", num(t, e, "id")),
			map[string]any{"started_at": "0000-06-01T09:00:00Z"}, "started_at"},
		{"entries from year 0", "GET", "/api/v1/time-entries?from=0000-01-01", nil, "from"},
		{"entries to 3000", "GET", "/api/v1/time-entries?to=3000-01-01", nil, "to"},
		{"expense in year 0", "POST", "/api/v1/expenses", expense("0000-01-01"), "date"},
		{"expense in 9999", "POST", "/api/v1/expenses", expense("9999-12-31"), "date"},
		{"expenses from year 0", "GET", "/api/v1/expenses?from=0000-01-01", nil, "from"},
		{"task due in year 0", "POST", "/api/v1/tasks", task("0000-01-01"), "due_on"},
		{"invoice from year 0", "POST", "/api/v1/invoices", invoice("0000-01-01", "2026-11-30"), "from"},
		{"invoice to 3000", "POST", "/api/v1/invoices", invoice("2026-11-01", "3000-01-01"), "to"},
		{"invoices from year 0", "GET", "/api/v1/invoices?from=0000-01-01", nil, "from"},
		{"hours report from year 0", "GET", "/api/v1/reports/hours?from=0000-01-01&to=2026-01-01", nil, "from"},
		{"revenue report to 3000", "GET", "/api/v1/reports/revenue?from=2026-01-01&to=3000-01-01", nil, "to"},
		{"aging as of year 0", "GET", "/api/v1/reports/aging?as_of=0000-01-01", nil, "as_of"},
		{"export from year 0", "GET", "/api/v1/exports/time-entries.csv?from=0000-01-01", nil, "from"},
		{"audit from year 0", "GET", "/api/v1/audit?from=0000-01-01T00:00:00Z", nil, "from"},
	}
	for _, c := range refused {
		res := f.owner.Do(c.method, c.path, c.body)
		if res.Status != 422 || !res.Problem(t).HasField(c.field) {
			t.Errorf("%s: %d %s; want 422 on %s", c.name, res.Status, res.Body, c.field)
		}
	}

	// The edges of the range are fine.
	f.owner.Must(201, "POST", "/api/v1/time-entries", entry("1900-01-01T00:00:00Z"))
	f.owner.Must(201, "POST", "/api/v1/time-entries", entry("2999-12-31T23:00:00Z"))
	f.owner.Must(201, "POST", "/api/v1/expenses", expense("1900-01-01"))
	f.owner.Must(201, "POST", "/api/v1/expenses", expense("2999-12-31"))
	f.owner.Must(200, "GET", "/api/v1/time-entries?from=1900-01-01&to=2999-12-31", nil)
	f.owner.Must(200, "GET", "/api/v1/audit?from=1900-01-01T00:00:00Z&to=2999-12-31T23:59:59Z", nil)
}

// An imported row is held to the same years as the API's own dates.
func TestImportRefusesRowsOutsideTheYears(t *testing.T) {
	env := apitest.New(t)
	f := newReportFixture(t, env)
	harvest := "Date,Client,Task,Hours\n2026-10-05,Dana Realty,Design,1\n0000-01-01,Dana Realty,Design,1\n12/31/1899,Dana Realty,Design,1\n1/1/3000,Dana Realty,Design,1\n"
	r := mustImport(t, f.owner, "format=harvest", harvest)
	if r.Imported != 1 || r.ErrorCount != 3 || !strings.Contains(r.Errors[0].Message, "1900 to 2999") {
		t.Errorf("harvest: %+v", r)
	}
	vadesk := "started_at,client,service,minutes\n0000-01-01T09:00:00Z,Dana Realty,Design,30\n2999-12-31T23:00:00Z,Dana Realty,Design,30\n"
	if r := mustImport(t, f.owner, "format=vadesk", vadesk); r.Imported != 1 || r.ErrorCount != 1 || r.Errors[0].Row != 2 {
		t.Errorf("vadesk: %+v", r)
	}
	toggl := "Client,Start date,Start time,Duration\nDana Realty,0001-01-01,09:00:00,0:30\n"
	if r := mustImport(t, f.owner, "format=toggl", toggl); r.Imported != 0 || r.ErrorCount != 1 {
		t.Errorf("toggl: %+v", r)
	}
}
