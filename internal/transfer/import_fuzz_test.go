package transfer_test

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"testing"
	"unicode/utf8"

	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/money"
	"github.com/vadesk/vadesk/internal/tenant"
	"github.com/vadesk/vadesk/internal/transfer"
	"github.com/vadesk/vadesk/internal/worklog"
)

var importFormats = []string{transfer.FormatToggl, transfer.FormatHarvest, transfer.FormatVadesk}

// FuzzImportTimeEntries runs arbitrary files through the whole import, on
// a real database with a client, service, project and task for rows to
// match. Whatever the file, the import never panics and never fails with
// anything but a 422 on "file" (a storage error here would be a 500); a
// refused file or a dry run writes nothing; otherwise every data row is
// imported, skipped or listed with its row number (2 and up, in order),
// every entry written is one the API would accept, and importing the same
// file again imports nothing and reports the same rows.
func FuzzImportTimeEntries(f *testing.F) {
	for i, format := range importFormats {
		for _, s := range transfer.CSVSeeds[format] {
			f.Add(uint8(i), []byte(s), false)
			f.Add(uint8(i), []byte(s), true)
		}
	}
	env := apitest.New(f)
	owner := env.NewPractice("Fuzz import")
	cl := apitest.ID(f, owner.Must(201, "POST", "/api/v1/clients", map[string]any{"name": "Dana Realty", "rounding_minutes": 15}), "id")
	owner.Must(201, "POST", "/api/v1/clients", map[string]any{"name": "Émile Coaching", "currency": "EUR"})
	owner.Must(201, "POST", "/api/v1/services", map[string]any{"name": "Design", "default_hourly_rate": 6000})
	pr := apitest.ID(f, owner.Must(201, "POST", "/api/v1/projects", map[string]any{"client_id": cl, "name": "Spring listings"}), "id")
	owner.Must(201, "POST", "/api/v1/tasks", map[string]any{"client_id": cl, "project_id": pr, "title": "Banner"})
	ctx := tenant.With(context.Background(), tenant.Scope{PracticeID: owner.PracticeID, UserID: owner.UserID, Role: tenant.Owner})
	db := env.Store.ReadSQL()

	f.Fuzz(func(t *testing.T, which uint8, data []byte, dryRun bool) {
		if len(data) > transfer.MaxImportBytes {
			t.Skip("larger than an upload may be")
		}
		format := importFormats[int(which)%len(importFormats)]
		before := counts(t, db)
		res, err := env.Services.Transfer.ImportTimeEntries(ctx, format, data, dryRun)
		rows, readErr := transfer.ReadRows(format, data)
		if err != nil {
			ae, ok := apperr.As(err)
			if !ok || ae.Kind != apperr.KindInvalid || len(ae.Fields) != 1 || ae.Fields[0].Field != "file" || readErr == nil {
				t.Fatalf("%s import failed with %v (read: %v); want a 422 on file", format, err, readErr)
			}
			if after := counts(t, db); after != before {
				t.Fatalf("a refused file wrote: %v → %v", before, after)
			}
			return
		}
		if readErr != nil {
			t.Fatalf("imported a file the reader refuses: %v", readErr)
		}
		checkResult(t, res, rows)
		after := counts(t, db)
		if dryRun {
			if after != before {
				t.Fatalf("a dry run wrote: %v → %v", before, after)
			}
			return
		}
		if after.entries-before.entries != int64(res.Imported) {
			t.Fatalf("imported %d but %d entries were written", res.Imported, after.entries-before.entries)
		}
		checkEntries(t, db, before.maxEntry)
		again, err := env.Services.Transfer.ImportTimeEntries(ctx, format, data, false)
		if err != nil {
			t.Fatalf("second import: %v", err)
		}
		if again.Imported != 0 || again.Skipped != res.Imported+res.Skipped || again.ErrorCount != res.ErrorCount ||
			again.CreatedClientCount+again.CreatedServiceCount+again.CreatedProjectCount != 0 {
			t.Fatalf("the same file again: %+v after %+v", again, res)
		}
	})
}

type tableCounts struct{ entries, maxEntry, clients, services, projects int64 }

func counts(t *testing.T, db *sql.DB) tableCounts {
	t.Helper()
	var c tableCounts
	err := db.QueryRow(`SELECT (SELECT count(*) FROM time_entries), (SELECT coalesce(max(id), 0) FROM time_entries),
  (SELECT count(*) FROM clients), (SELECT count(*) FROM services), (SELECT count(*) FROM projects)`).
		Scan(&c.entries, &c.maxEntry, &c.clients, &c.services, &c.projects)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkResult holds an import's answer to its rows.
func checkResult(t *testing.T, res transfer.ImportResult, rows int) {
	t.Helper()
	if res.Imported < 0 || res.Skipped < 0 || res.Imported+res.Skipped+res.ErrorCount != rows {
		t.Fatalf("%d rows came out as %d imported, %d skipped, %d errors", rows, res.Imported, res.Skipped, res.ErrorCount)
	}
	if len(res.Errors) != min(res.ErrorCount, 1000) {
		t.Fatalf("%d errors counted, %d listed", res.ErrorCount, len(res.Errors))
	}
	if !sort.SliceIsSorted(res.Errors, func(i, j int) bool { return res.Errors[i].Row < res.Errors[j].Row }) {
		t.Fatalf("errors out of order: %+v", res.Errors)
	}
	last := 1
	for _, e := range res.Errors {
		if e.Row <= last || e.Row > rows+1 || e.Message == "" || !utf8.ValidString(e.Message) {
			t.Fatalf("row error %+v in a file of %d rows (after row %d)", e, rows, last)
		}
		last = e.Row
	}
	for _, l := range []struct {
		names []string
		count int
	}{{res.CreatedClients, res.CreatedClientCount}, {res.CreatedServices, res.CreatedServiceCount},
		{res.CreatedProjects, res.CreatedProjectCount}, {res.UnmatchedPeople, res.UnmatchedPersonCount}} {
		if len(l.names) != min(l.count, 100) {
			t.Fatalf("%d names counted, %d listed", l.count, len(l.names))
		}
		for _, n := range l.names {
			if n == "" || !utf8.ValidString(n) {
				t.Fatalf("listed %q", n)
			}
		}
	}
}

// checkEntries holds the entries written after id to what the API would
// write: minutes, notes and money within its limits, amounts that follow
// from billable minutes and rate.
func checkEntries(t *testing.T, db *sql.DB, after int64) {
	t.Helper()
	rows, err := db.Query(`SELECT id, minutes, billable, billable_minutes, hourly_rate, amount, note, internal_note
FROM time_entries WHERE id > ? ORDER BY id`, after)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, minutes, bm, rate, amount int64
		var billable bool
		var note, internal string
		if err := rows.Scan(&id, &minutes, &billable, &bm, &rate, &amount, &note, &internal); err != nil {
			t.Fatal(err)
		}
		e := fmt.Sprintf("entry %d (%d min, billable %v, %d billable min at %d: %d)", id, minutes, billable, bm, rate, amount)
		switch {
		case minutes < 1 || minutes > worklog.MaxMinutes:
			t.Fatalf("%s: minutes", e)
		case rate < 0 || rate > money.MaxAmount:
			t.Fatalf("%s: rate", e)
		case !billable && (bm != 0 || amount != 0):
			t.Fatalf("%s: not billable but billed", e)
		case billable && (bm < 0 || amount != money.LineAmount(bm, rate)):
			t.Fatalf("%s: amount does not follow", e)
		case utf8.RuneCountInString(note) > 2000 || utf8.RuneCountInString(internal) > 5000 ||
			!utf8.ValidString(note) || !utf8.ValidString(internal):
			t.Fatalf("%s: note of %d and internal note of %d characters", e, utf8.RuneCountInString(note), utf8.RuneCountInString(internal))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}
