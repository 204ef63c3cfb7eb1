package httpapi_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/tenant"
)

type importResult struct {
	Format   string `json:"format"`
	DryRun   bool   `json:"dry_run"`
	Imported int    `json:"imported"`
	Skipped  int    `json:"skipped"`
	Errors   []struct {
		Row     int    `json:"row"`
		Message string `json:"message"`
	} `json:"errors"`
	ErrorCount           int      `json:"error_count"`
	CreatedClients       []string `json:"created_clients"`
	CreatedClientCount   int      `json:"created_client_count"`
	CreatedServices      []string `json:"created_services"`
	CreatedServiceCount  int      `json:"created_service_count"`
	CreatedProjects      []string `json:"created_projects"`
	CreatedProjectCount  int      `json:"created_project_count"`
	UnmatchedPeople      []string `json:"unmatched_people"`
	UnmatchedPersonCount int      `json:"unmatched_person_count"`
	InvoicedElsewhere    int      `json:"invoiced_elsewhere"`
}

// upload posts a file as multipart/form-data; apitest.Do speaks JSON only.
func importUpload(t *testing.T, a *apitest.Actor, query string, file []byte) *apitest.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", "export.csv")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(file)
	mw.Close()
	raw := body.Bytes()
	req := httptest.NewRequest(http.MethodPost, "/api/v1/imports/time-entries?"+query, bytes.NewReader(raw))
	req.RemoteAddr = "192.0.2.10:4321"
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+a.Token)
	rec := httptest.NewRecorder()
	a.Env.Echo.ServeHTTP(rec, req)
	res := &apitest.Response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	if !a.Env.SkipSpec {
		if err := apitest.CheckContract(req, raw, res); err != nil {
			t.Errorf("import → %d breaks api/openapi.yaml: %v\nbody: %s", res.Status, err, res.Body)
		}
	}
	return res
}

func mustImport(t *testing.T, a *apitest.Actor, query string, file string) importResult {
	t.Helper()
	res := importUpload(t, a, query, []byte(file))
	if res.Status != http.StatusOK {
		t.Fatalf("import %s: %d %s", query, res.Status, res.Body)
	}
	var r importResult
	res.JSON(t, &r)
	return r
}

type listedEntry struct {
	ID              int64   `json:"id"`
	ClientID        int64   `json:"client_id"`
	ServiceID       int64   `json:"service_id"`
	ProjectID       *int64  `json:"project_id"`
	UserID          int64   `json:"user_id"`
	StartedAt       string  `json:"started_at"`
	Minutes         int64   `json:"minutes"`
	Billable        bool    `json:"billable"`
	BillableMinutes int64   `json:"billable_minutes"`
	HourlyRate      int64   `json:"hourly_rate"`
	Amount          int64   `json:"amount"`
	Currency        string  `json:"currency"`
	Note            string  `json:"note"`
	InternalNote    string  `json:"internal_note"`
	InvoiceID       *int64  `json:"invoice_id"`
	TaskID          *int64  `json:"task_id"`
	Locked          bool    `json:"locked"`
	Version         int64   `json:"version"`
	Extra           *string `json:"-"`
}

// entries lists the practice's entries oldest first.
func listedEntries(t *testing.T, a *apitest.Actor) []listedEntry {
	t.Helper()
	var page struct {
		Items []listedEntry `json:"items"`
	}
	a.Do("GET", "/api/v1/time-entries?limit=500", nil).JSON(t, &page)
	for i, j := 0, len(page.Items)-1; i < j; i, j = i+1, j-1 {
		page.Items[i], page.Items[j] = page.Items[j], page.Items[i]
	}
	return page.Items
}

func TestImportToggl(t *testing.T) {
	env := apitest.New(t)
	f := newReportFixture(t, env) // Berlin; "Dana Realty" rounds to 15 minutes
	toggl := "\ufeffUser,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,Tags,Amount (USD)\r\n" +
		"Owner Reports," + f.owner.Email + ",dana realty,Email and inbox management,,Inbox zero,Yes,2026-10-05,09:00:00,2026-10-05,10:20:00,01:20:00,,53.33\r\n" +
		"Jo Doe,jo@elsewhere.example,Brand New Co,Bookkeeping,Receipts,\"Receipts, March\",No,10/06/2026,2:00 PM,10/06/2026,2:45 PM,00:45:00,\"admin, q1\",\r\n" +
		",,,Bookkeeping,,no client,Yes,2026-10-07,09:00:00,,,00:30:00,,\r\n" +
		"x,,Dana Realty,,,bad date,Yes,2026-13-07,09:00:00,,,00:30:00,,\r\n" +
		"x,,Dana Realty,,,,Yes,2026-10-08,09:00:00,,,1.5,,\r\n"

	dry := mustImport(t, f.owner, "format=toggl&dry_run=true", toggl)
	if !dry.DryRun || dry.Imported != 3 || len(listedEntries(t, f.owner)) != 0 {
		t.Fatalf("dry run %+v wrote %d entries", dry, len(listedEntries(t, f.owner)))
	}
	if clients := f.owner.Must(200, "GET", "/api/v1/clients", nil)["items"].([]any); len(clients) != 2 {
		t.Fatalf("dry run created clients: %v", clients)
	}

	r := mustImport(t, f.owner, "format=toggl", toggl)
	if r.Imported != 3 || r.Skipped != 0 || r.ErrorCount != 2 || len(r.Errors) != 2 || r.Errors[0].Row != 4 || r.Errors[1].Row != 5 {
		t.Fatalf("import %+v", r)
	}
	if !strings.Contains(r.Errors[0].Message, "no client") || !strings.Contains(r.Errors[1].Message, "2026-13-07") {
		t.Errorf("messages %+v", r.Errors)
	}
	if strings.Join(r.CreatedClients, ",") != "Brand New Co" || strings.Join(r.CreatedServices, ",") != "Bookkeeping,General" ||
		strings.Join(r.UnmatchedPeople, ",") != "jo@elsewhere.example,x" {
		t.Errorf("created %+v", r)
	}
	es := listedEntries(t, f.owner)
	if len(es) != 3 {
		t.Fatalf("%d entries", len(es))
	}
	a, b, c := es[0], es[1], es[2]
	// 09:00 in Berlin (CEST) is 07:00 UTC; 80 minutes round up to 90 at
	// the client's 15, billed at the service's 40.00 an hour.
	if a.ClientID != f.usd || a.ServiceID != f.email || a.StartedAt != "2026-10-05T07:00:00Z" || a.Minutes != 80 ||
		a.BillableMinutes != 90 || a.HourlyRate != 4000 || a.Amount != 6000 || !a.Billable || a.Note != "Inbox zero" || a.UserID != f.owner.UserID {
		t.Errorf("first entry %+v", a)
	}
	if b.StartedAt != "2026-10-06T12:00:00Z" || b.Minutes != 45 || b.Billable || b.Amount != 0 || b.Note != "Receipts, March" ||
		b.InternalNote != "Toggl tags: admin, q1\nTask: Receipts" || b.Currency != "USD" {
		t.Errorf("second entry %+v", b)
	}
	if c.Minutes != 90 || c.ClientID != f.usd {
		t.Errorf("decimal duration %+v", c)
	}

	// The same file again imports nothing new.
	again := mustImport(t, f.owner, "format=toggl", toggl)
	if again.Imported != 0 || again.Skipped != 3 || len(listedEntries(t, f.owner)) != 3 || len(again.CreatedClients) != 0 {
		t.Fatalf("second import %+v", again)
	}
	// Two identical rows are two entries, also on re-import.
	twice := "Client,Project,Description,Start date,Start time,Duration\n" +
		"Dana Realty,Website updates,Same,2026-10-09,09:00,0:30\n" +
		"Dana Realty,Website updates,Same,2026-10-09,09:00,0:30\n"
	if r := mustImport(t, f.owner, "format=toggl", twice); r.Imported != 2 {
		t.Fatalf("identical rows %+v", r)
	}
	if r := mustImport(t, f.owner, "format=toggl", twice); r.Imported != 0 || r.Skipped != 2 {
		t.Fatalf("identical rows again %+v", r)
	}
}

func TestImportHarvest(t *testing.T) {
	env := apitest.New(t)
	f := newReportFixture(t, env)
	asst := f.owner.NewUser(tenant.Assistant)
	me := f.owner.Must(200, "GET", "/api/v1/users/"+fmt.Sprint(asst.UserID), nil)
	name := me["name"].(string)
	first, last, _ := strings.Cut(name, " ")

	layout := "Date,Client,Project,Task,Notes,Hours,First name,Last name\n" +
		"2026-10-05,Dana Realty,Spring listings,Website updates,New photos,1.25," + first + "," + last + "\n" +
		"10/6/2026,Émile Coaching,,Email and inbox management,,0.5,Nobody,Here\n" +
		"2026-10-07,Dana Realty,Spring listings,Website updates,,lots,,\n"
	r := mustImport(t, f.owner, "format=harvest", layout)
	if r.Imported != 2 || r.ErrorCount != 1 || r.Errors[0].Row != 4 || strings.Join(r.CreatedProjects, ",") != "Dana Realty: Spring listings" {
		t.Fatalf("harvest layout %+v", r)
	}
	es := listedEntries(t, f.owner)
	if len(es) != 2 || es[0].Minutes != 75 || es[0].BillableMinutes != 75 || es[0].UserID != asst.UserID || es[0].ProjectID == nil ||
		es[0].StartedAt != "2026-10-05T10:00:00Z" || es[0].HourlyRate != 5000 {
		t.Fatalf("harvest entries %+v", es)
	}
	if es[1].Minutes != 30 || es[1].Currency != "EUR" || es[1].UserID != f.owner.UserID {
		t.Fatalf("harvest entry 2 %+v", es[1])
	}

	// The detailed time report: invoiced work is not billed again, and a
	// new task's rate comes from the file.
	detailed := "Date,Client,Project,Project Code,Task,Notes,Hours,Hours Rounded,Billable?,Invoiced?,Approved?,First Name,Last Name,Roles,Employee?,Billable Rate,Billable Amount,Cost Rate,Cost Amount,Currency,External Reference URL\n" +
		"2026-09-01,Dana Realty,Spring listings,SL,Design,Banner,2.0,2.0,Yes,Yes,No,X,Y,,Yes,60.00,120.00,0,0,United States Dollar - USD,\n" +
		"2026-09-02,Dana Realty,Spring listings,SL,Design,Flyer,1.0,1.0,Yes,No,No,X,Y,,Yes,60.00,60.00,0,0,United States Dollar - USD,\n" +
		"2026-09-03,Dana Realty,,,Design,Call,0.5,0.5,No,No,No,X,Y,,Yes,60.00,0,0,0,United States Dollar - USD,\n"
	r = mustImport(t, f.owner, "format=harvest", detailed)
	if r.Imported != 3 || r.InvoicedElsewhere != 1 || strings.Join(r.CreatedServices, ",") != "Design" {
		t.Fatalf("harvest detailed %+v", r)
	}
	es = listedEntries(t, f.owner)
	banner, flyer, call := es[0], es[1], es[2]
	if banner.Billable || banner.Amount != 0 || !strings.HasPrefix(banner.InternalNote, "Invoiced before import") {
		t.Errorf("invoiced entry %+v", banner)
	}
	if !flyer.Billable || flyer.HourlyRate != 6000 || flyer.Amount != 6000 || call.Billable {
		t.Errorf("detailed entries %+v %+v", flyer, call)
	}
}

// A VA moves out and in again without losing a minute: the export of one
// practice imports into another as the same work; into itself, as nothing.
func TestExportImportRoundTrip(t *testing.T) {
	env := apitest.New(t)
	f := newReportFixture(t, env)
	f.owner.Must(201, "POST", "/api/v1/time-entries", map[string]any{"client_id": f.usd, "service_id": f.email,
		"started_at": "2026-10-25T22:30:00Z", "minutes": 50, "note": "Inbox, \"urgent\"\nfirst", "internal_note": "=1+1"})
	f.entry(t, f.eur, f.website, "2026-11-01T08:00:00Z", 61, true)
	f.entry(t, f.eur, f.website, "2026-11-01T10:00:00Z", 20, false)
	// A rate change after the fact must not change the history moved.
	f.owner.Must(200, "PATCH", apitest.Path("/api/v1/services/%d", f.email), map[string]any{"default_hourly_rate": 9900})
	csvFile := f.owner.Do("GET", "/api/v1/exports/time-entries.csv", nil).Body

	if r := mustImport(t, f.owner, "format=vadesk", string(csvFile)); r.Imported != 0 || r.Skipped != 3 {
		t.Fatalf("own export into itself %+v", r)
	}
	other := env.NewPractice("Elsewhere")
	other.Must(200, "PATCH", "/api/v1/settings", map[string]any{"timezone": "America/New_York"})
	r := mustImport(t, other, "format=vadesk", string(csvFile))
	if r.Imported != 3 || r.ErrorCount != 0 || len(r.CreatedClients) != 2 {
		t.Fatalf("into another practice %+v", r)
	}
	src, dst := listedEntries(t, f.owner), listedEntries(t, other)
	for i := range src {
		s, d := src[i], dst[i]
		if s.StartedAt != d.StartedAt || s.Minutes != d.Minutes || s.BillableMinutes != d.BillableMinutes || s.Billable != d.Billable ||
			s.HourlyRate != d.HourlyRate || s.Amount != d.Amount || s.Note != d.Note || s.InternalNote != d.InternalNote || s.Currency != d.Currency {
			t.Errorf("entry %d moved as\n%+v\nfrom\n%+v", i, d, s)
		}
	}
	if again := mustImport(t, other, "format=vadesk", string(csvFile)); again.Imported != 0 || again.Skipped != 3 {
		t.Fatalf("second import %+v", again)
	}
}

func TestImportRefusesWhatItCannotRead(t *testing.T) {
	env := apitest.New(t)
	f := newReportFixture(t, env)
	harvest := "Date,Client,Project,Task,Notes,Hours,First name,Last name\n2026-10-05,Dana Realty,,Website updates,,1,,\n"
	cases := []struct {
		name, query, file, field string
	}{
		{"harvest file as toggl", "format=toggl", harvest, "file"},
		{"empty file", "format=harvest", "", "file"},
		{"binary", "format=vadesk", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "file"},
		{"broken quotes", "format=harvest", harvest + "2026-10-06,\"Dana,,Website updates,,1,,\n", "file"},
		{"no format", "", harvest, "format"},
		{"unknown format", "format=clockify", harvest, "format"},
	}
	env.SkipSpec = true // the spec's enum already refuses some of these
	for _, c := range cases {
		res := importUpload(t, f.owner, c.query, []byte(c.file))
		if res.Status != http.StatusUnprocessableEntity || !res.Problem(t).HasField(c.field) {
			t.Errorf("%s: %d %s", c.name, res.Status, res.Body)
		}
	}
	env.SkipSpec = false
	if n := len(listedEntries(t, f.owner)); n != 0 {
		t.Fatalf("refused files wrote %d entries", n)
	}
	if clients := f.owner.Must(200, "GET", "/api/v1/clients", nil)["items"].([]any); len(clients) != 2 {
		t.Fatalf("refused files created clients: %v", clients)
	}
	// No file at all.
	res := f.owner.Do("POST", "/api/v1/imports/time-entries?format=toggl", map[string]any{})
	if res.Status != http.StatusUnprocessableEntity || !res.Problem(t).HasField("file") {
		t.Errorf("JSON body: %d %s", res.Status, res.Body)
	}
	// Larger than 10 MiB, though the default body cap is 1 MiB: 413.
	big := harvest + strings.Repeat("2026-10-05,Dana Realty,,Website updates,"+strings.Repeat("x", 200)+",1,,\n", 11<<20/240)
	if res := importUpload(t, f.owner, "format=harvest", []byte(big)); res.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("11 MiB: %d", res.Status)
	}
	// Between 1 and 10 MiB is fine.
	mid := harvest + strings.Repeat("2026-10-05,Dana Realty,,Website updates,"+strings.Repeat("x", 200)+",1,,\n", 2<<20/240)
	if r := mustImport(t, f.owner, "format=harvest&dry_run=true", mid); r.Imported == 0 {
		t.Errorf("2 MiB: %+v", r)
	}
	// Imports are the owner's.
	if res := importUpload(t, f.owner.NewUser(tenant.Assistant), "format=harvest", []byte(harvest)); res.Status != http.StatusForbidden {
		t.Errorf("assistant: %d", res.Status)
	}
}
