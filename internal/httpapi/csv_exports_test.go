package httpapi_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/tenant"
)

// readCSV checks what every export promises (a CSV attachment in UTF-8
// with a BOM, CRLF line ends) and parses it.
func parseExport(t *testing.T, res *apitest.Response, wantBOM bool) [][]string {
	t.Helper()
	if res.Status != http.StatusOK {
		t.Fatalf("status %d: %s", res.Status, res.Body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Fatalf("content type %q", ct)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=vadesk-") || !strings.HasSuffix(cd, ".csv") {
		t.Fatalf("content disposition %q", cd)
	}
	body := res.Body
	if hasBOM := bytes.HasPrefix(body, []byte("\xef\xbb\xbf")); hasBOM != wantBOM {
		t.Fatalf("BOM %v, want %v", hasBOM, wantBOM)
	}
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	if !bytes.HasSuffix(body, []byte("\r\n")) {
		t.Fatalf("lines do not end in CRLF: %q", body)
	}
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, body)
	}
	return recs
}

func csvColumn(t *testing.T, header []string, name string) int {
	t.Helper()
	for i, h := range header {
		if h == name {
			return i
		}
	}
	t.Fatalf("no column %q in %v", name, header)
	return -1
}

func TestTimeEntriesCSVExport(t *testing.T) {
	env := apitest.New(t)
	f := newReportFixture(t, env)
	proj := apitest.ID(t, f.owner.Must(201, "POST", "/api/v1/projects", map[string]any{"client_id": f.usd, "name": "Listings, \"spring\""}), "id")
	f.owner.Must(201, "POST", "/api/v1/time-entries", map[string]any{
		"client_id": f.usd, "service_id": f.email, "project_id": proj, "started_at": "2026-10-25T22:30:00Z", "minutes": 50,
		"note": "Inbox zero, \"urgent\" ones first\nthen filters", "internal_note": "=HYPERLINK(\"http://evil\")",
	})
	f.entry(t, f.eur, f.email, "2026-11-02T09:00:00Z", 45, false)

	recs := parseExport(t, f.owner.Do("GET", "/api/v1/exports/time-entries.csv", nil), true)
	if strings.Join(recs[0], ",") != "id,date,started_at,client,service,project,task,user,minutes,billable_minutes,billable,hourly_rate,amount,currency,note,internal_note,invoice_number" {
		t.Fatalf("header %v", recs[0])
	}
	if len(recs) != 3 {
		t.Fatalf("%d records", len(recs))
	}
	h, r := recs[0], recs[1]
	want := map[string]string{
		"date": "2026-10-25", "started_at": "2026-10-25T22:30:00Z", "client": "Dana Realty",
		"project": `Listings, "spring"`, "minutes": "50", "billable_minutes": "60", "billable": "true",
		"hourly_rate": "40.00", "amount": "40.00", "currency": "USD",
		"note":          "Inbox zero, \"urgent\" ones first\nthen filters",
		"internal_note": `'=HYPERLINK("http://evil")`, "invoice_number": "",
	}
	for col, v := range want {
		if got := r[csvColumn(t, h, col)]; got != v {
			t.Errorf("%s = %q, want %q", col, got, v)
		}
	}
	if got := recs[2][csvColumn(t, h, "client")]; got != "Émile Coaching" {
		t.Errorf("UTF-8 name %q", got)
	}

	// Filters, and no BOM when asked.
	recs = parseExport(t, f.owner.Do("GET", apitest.Path("/api/v1/exports/time-entries.csv?client_id=%d&bom=false", f.eur), nil), false)
	if len(recs) != 2 || recs[1][csvColumn(t, h, "currency")] != "EUR" {
		t.Fatalf("client filter: %v", recs)
	}
	for q, n := range map[string]int{"billable=true": 1, "billable=false": 1, "from=2026-10-26": 1, "to=2026-10-25": 1,
		"from=2026-10-26&to=2026-11-01": 0, "invoiced=true": 0, "invoiced=false": 2} {
		if recs := parseExport(t, f.owner.Do("GET", "/api/v1/exports/time-entries.csv?"+q, nil), true); len(recs)-1 != n {
			t.Errorf("%s: %d rows, want %d", q, len(recs)-1, n)
		}
	}
	for q, field := range map[string]string{"from=2026-02-30": "from", "from=2026-11-02&to=2026-11-01": "to",
		"client_id=x": "client_id", "billable=maybe": "billable", "bom=perhaps": "bom"} {
		env.SkipSpec = true
		res := f.owner.Do("GET", "/api/v1/exports/time-entries.csv?"+q, nil)
		env.SkipSpec = false
		if res.Status != http.StatusUnprocessableEntity || !res.Problem(t).HasField(field) {
			t.Errorf("%s: %d %s", q, res.Status, res.Body)
		}
	}
	// Money is the owner's.
	if res := f.owner.NewUser(tenant.Assistant).Do("GET", "/api/v1/exports/time-entries.csv", nil); res.Status != http.StatusForbidden {
		t.Errorf("assistant: %d", res.Status)
	}
	// Another practice exports nothing of this one.
	if recs := parseExport(t, env.NewPractice("Other").Do("GET", "/api/v1/exports/time-entries.csv", nil), true); len(recs) != 1 {
		t.Errorf("another practice exports %d rows", len(recs)-1)
	}
}

// An export longer than one flush streams every row exactly once.
func TestTimeEntriesCSVExportStreamsManyRows(t *testing.T) {
	env := apitest.New(t)
	f := newReportFixture(t, env)
	const n = 1234
	for i := range n {
		reportExec(t, env, `INSERT INTO time_entries (practice_id, client_id, service_id, user_id, started_at, minutes, billable,
billable_minutes, hourly_rate, amount, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 30, 1, 30, 4000, 2000, ?, ?, ?)`,
			f.owner.PracticeID, f.usd, f.email, f.owner.UserID, env.Clock.Now().Add(-time.Duration(i)*time.Hour), fmt.Sprint("entry ", i),
			env.Clock.Now(), env.Clock.Now())
	}
	recs := parseExport(t, f.owner.Do("GET", "/api/v1/exports/time-entries.csv", nil), true)
	if len(recs) != n+1 {
		t.Fatalf("%d rows, want %d", len(recs)-1, n)
	}
	seen := map[string]bool{}
	for _, r := range recs[1:] {
		if seen[r[0]] {
			t.Fatalf("row %s twice", r[0])
		}
		seen[r[0]] = true
	}
}

func TestClientsAndExpensesCSVExports(t *testing.T) {
	env := apitest.New(t)
	f := newReportFixture(t, env)
	f.owner.Must(201, "POST", "/api/v1/expenses", map[string]any{"client_id": f.eur, "date": "2026-10-30", "amount": 1250, "description": "Postage, stamps"})
	f.owner.Must(201, "POST", "/api/v1/expenses", map[string]any{"client_id": f.usd, "date": "2026-10-20", "amount": 1999, "description": "-5 % coupon"})

	recs := parseExport(t, f.owner.Do("GET", "/api/v1/exports/clients.csv", nil), true)
	if len(recs) != 3 || recs[1][csvColumn(t, recs[0], "name")] != "Dana Realty" || recs[2][csvColumn(t, recs[0], "currency")] != "EUR" ||
		recs[1][csvColumn(t, recs[0], "rounding_minutes")] != "15" {
		t.Fatalf("clients %v", recs)
	}
	if recs := parseExport(t, f.owner.Do("GET", "/api/v1/exports/clients.csv?status=archived", nil), true); len(recs) != 1 {
		t.Fatalf("archived clients %v", recs)
	}

	recs = parseExport(t, f.owner.Do("GET", "/api/v1/exports/expenses.csv", nil), true)
	if strings.Join(recs[0], ",") != "id,date,client,project,description,amount,currency,billable,invoice_number" || len(recs) != 3 {
		t.Fatalf("expenses %v", recs)
	}
	first, second := recs[1], recs[2]
	if first[1] != "2026-10-20" || first[4] != "'-5 % coupon" || first[5] != "19.99" || second[5] != "12.50" || second[6] != "EUR" {
		t.Fatalf("expenses %v", recs)
	}
	if recs := parseExport(t, f.owner.Do("GET", "/api/v1/exports/expenses.csv?from=2026-10-25&to=2026-10-31", nil), true); len(recs) != 2 {
		t.Fatalf("expenses by date %v", recs)
	}
}
