package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vadesk/vadesk/internal/apitest"
)

// A row's money is never moved into another currency: a vadesk row whose
// currency is not its client's, or a Harvest row whose Currency is not,
// is listed as an error with the reason and creates nothing (a dry run
// says the same); a new client is made in the row's currency.
func TestImportRefusesRowsInAnotherCurrency(t *testing.T) {
	env := apitest.New(t)
	f := newReportFixture(t, env) // Dana Realty bills in USD, Émile Coaching in EUR
	head := "id,date,started_at,client,service,project,task,user,minutes,billable_minutes,billable,hourly_rate,amount,currency,note,internal_note,invoice_number\n"
	vadesk := head +
		",2026-10-05,2026-10-05T09:00:00Z,Dana Realty,Email and inbox management,,,,60,60,true,40.00,40.00,USD,same currency,,\n" +
		",2026-10-05,2026-10-05T10:00:00Z,Émile Coaching,Bookkeeping,Year end,,,60,60,true,40.00,40.00,USD,dollars for a euro client,,\n" +
		",2026-10-05,2026-10-05T11:00:00Z,Tokyo Office,Email and inbox management,,,,60,60,true,5000,5000,JPY,a new client in yen,,\n" +
		",2026-10-05,2026-10-05T12:00:00Z,Dana Realty,Email and inbox management,,,,60,60,true,40.00,40.00,XYZ,no such currency,,\n" +
		",2026-10-05,2026-10-05T13:00:00Z,Émile Coaching,Email and inbox management,,,,60,60,true,40.00,40.00,,no currency: the practice's,,\n" +
		",2026-10-05,2026-10-05T14:00:00Z,Dana Realty,Email and inbox management,,,,60,60,true,40.00,40.00,,no currency for a dollar client,,\n" +
		",2026-10-05,2026-10-05T15:00:00Z,Émile Coaching,Email and inbox management,,,,60,60,true,,,,no money at all,,\n"
	check := func(r importResult) {
		t.Helper()
		if r.Imported != 4 || r.ErrorCount != 3 || len(r.Errors) != 3 || r.Errors[0].Row != 3 || r.Errors[1].Row != 5 || r.Errors[2].Row != 6 {
			t.Fatalf("currency mismatch: %+v", r)
		}
		if m := r.Errors[0].Message; !strings.Contains(m, "USD") || !strings.Contains(m, "EUR") || !strings.Contains(m, "Émile Coaching") ||
			!strings.Contains(m, "never converts") {
			t.Errorf("mismatch message: %q", m)
		}
		if m := r.Errors[1].Message; !strings.Contains(m, `currency "XYZ"`) {
			t.Errorf("unknown currency message: %q", m)
		}
		if m := r.Errors[2].Message; !strings.Contains(m, "the practice's currency") || !strings.Contains(m, "EUR") {
			t.Errorf("assumed currency message: %q", m)
		}
		// The refused row's service and project were not made for it.
		if strings.Join(r.CreatedClients, ",") != "Tokyo Office" || len(r.CreatedServices) != 0 || len(r.CreatedProjects) != 0 {
			t.Errorf("created for refused rows: %+v", r)
		}
	}
	dry := mustImport(t, f.owner, "format=vadesk&dry_run=true", vadesk)
	check(dry)
	if n := len(listedEntries(t, f.owner)); n != 0 {
		t.Fatalf("the dry run wrote %d entries", n)
	}
	r := mustImport(t, f.owner, "format=vadesk", vadesk)
	check(r)
	for _, e := range listedEntries(t, f.owner) {
		want := map[string]string{"same currency": "USD", "a new client in yen": "JPY", "no currency for a dollar client": "USD",
			"no money at all": "EUR"}[e.Note]
		if want == "" || e.Currency != want {
			t.Errorf("entry %q in %s", e.Note, e.Currency)
		}
		if e.Note == "a new client in yen" && (e.HourlyRate != 5000 || e.Amount != 5000) {
			t.Errorf("yen entry %+v", e)
		}
	}
	if again := mustImport(t, f.owner, "format=vadesk", vadesk); again.Imported != 0 || again.Skipped != 4 || again.ErrorCount != 3 {
		t.Errorf("the same file again: %+v", again)
	}

	// Harvest's detailed report names its currency; its Billable Rate is
	// read in it. A row without a rate states no currency of its own.
	harvest := "Date,Client,Project,Task,Notes,Hours,Billable?,Invoiced?,First Name,Last Name,Billable Rate,Currency\n" +
		"2026-09-01,Dana Realty,,Design,In dollars,1.0,Yes,No,X,Y,60.00,United States Dollar - USD\n" +
		"2026-09-02,Émile Coaching,,Design,Dollars for a euro client,1.0,Yes,No,X,Y,60.00,United States Dollar - USD\n" +
		"2026-09-03,Émile Coaching,,Design,In euros,1.0,Yes,No,X,Y,55.00,Euro - EUR\n" +
		"2026-09-04,Dana Realty,,Design,Unknown money,1.0,Yes,No,X,Y,60.00,Galactic Credits\n" +
		"2026-09-05,New Zurich Client,,Design,New client in francs,1.0,Yes,No,X,Y,80.00,Swiss Franc - CHF\n"
	r = mustImport(t, f.owner, "format=harvest", harvest)
	if r.Imported != 3 || r.ErrorCount != 2 || r.Errors[0].Row != 3 || r.Errors[1].Row != 5 ||
		!strings.Contains(r.Errors[0].Message, "never converts") || !strings.Contains(r.Errors[1].Message, "Galactic Credits") {
		t.Fatalf("harvest currencies: %+v", r)
	}
	rates := map[string]string{}
	for _, e := range listedEntries(t, f.owner) {
		rates[e.Note] = fmt.Sprint(e.Currency, " ", e.HourlyRate)
	}
	if rates["In dollars"] != "USD 6000" || rates["In euros"] != "EUR 5500" || rates["New client in francs"] != "CHF 8000" {
		t.Errorf("harvest entries: %v", rates)
	}
}

// The names an import answer lists are the first 100; the counts beside
// them are always exact, dry run or not.
func TestImportAnswerListsAreCapped(t *testing.T) {
	env := apitest.New(t)
	f := newReportFixture(t, env)
	var b strings.Builder
	b.WriteString("Date,Client,Project,Task,Notes,Hours,First name,Last name\n")
	for i := range 150 {
		fmt.Fprintf(&b, "2026-10-05,Client %03d,Project %03d,Service %03d,,1,Person,%03d\n", i, i, i, i)
	}
	for _, q := range []string{"format=harvest&dry_run=true", "format=harvest"} {
		r := mustImport(t, f.owner, q, b.String())
		if r.Imported != 150 {
			t.Fatalf("%s: %+v", q, r)
		}
		for _, l := range []struct {
			name  string
			items []string
			count int
			first string
		}{
			{"created_clients", r.CreatedClients, r.CreatedClientCount, "Client 000"},
			{"created_services", r.CreatedServices, r.CreatedServiceCount, "Service 000"},
			{"created_projects", r.CreatedProjects, r.CreatedProjectCount, "Client 000: Project 000"},
			{"unmatched_people", r.UnmatchedPeople, r.UnmatchedPersonCount, "Person 000"},
		} {
			if len(l.items) != 100 || l.count != 150 || l.items[0] != l.first || !strings.HasSuffix(l.items[99], "099") {
				t.Errorf("%s %s: %d listed (%q…), count %d", q, l.name, len(l.items), l.items[:min(1, len(l.items))], l.count)
			}
		}
	}
	// A small import lists everything, and counts it.
	r := mustImport(t, f.owner, "format=harvest", "Date,Client,Task,Hours\n2026-10-06,One More,Design,1\n")
	if len(r.CreatedClients) != 1 || r.CreatedClientCount != 1 || r.CreatedServiceCount != 1 || r.CreatedProjectCount != 0 ||
		r.UnmatchedPersonCount != 0 || r.UnmatchedPeople == nil {
		t.Errorf("small import: %+v", r)
	}
}
