package billing

import (
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/practice"
	"github.com/vadesk/vadesk/internal/projects"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func sampleWork() work {
	t1, t2 := int64(1), int64(2)
	p7 := int64(7)
	fee := int64(150000)
	return work{
		hourly: []entry{
			{ID: 1, ServiceID: 10, TaskID: &t1, StartedAt: at("2026-10-01T08:00:00Z"), BillableMinutes: 7, HourlyRate: 5555, Note: "inbox"},
			{ID: 2, ServiceID: 10, TaskID: &t1, StartedAt: at("2026-10-02T08:00:00Z"), BillableMinutes: 7, HourlyRate: 5555},
			{ID: 3, ServiceID: 20, TaskID: &t2, StartedAt: at("2026-10-03T23:30:00Z"), BillableMinutes: 60, HourlyRate: 4000},
			{ID: 4, ServiceID: 10, StartedAt: at("2026-10-04T08:00:00Z"), BillableMinutes: 30, HourlyRate: 6000},
			{ID: 5, ServiceID: 10, TaskID: &t1, StartedAt: at("2026-10-05T08:00:00Z"), BillableMinutes: 1, HourlyRate: 6000},
		},
		fixed:    map[int64][]entry{7: {{ID: 6, ServiceID: 20, ProjectID: &p7, BillableMinutes: 600, HourlyRate: 4000}}},
		expenses: []expense{{ID: 9, Date: "2026-10-10", Amount: 1299, Description: "Canva Pro"}},
		projects: map[int64]project{7: {ID: 7, Name: "Website relaunch", Billing: projects.BillingFixedFee, FixedFee: &fee}},
		services: map[int64]string{10: "Email and inbox management", 20: "Website updates"},
		tasks:    map[int64]string{1: "Inbox zero", 2: "Landing page"},
	}
}

type lineWant struct {
	desc    string
	minutes int64
	rate    int64
	amount  int64
	entries int
}

func checkLines(t *testing.T, got []built, want []lineWant) {
	t.Helper()
	if len(got) != len(want) {
		for _, b := range got {
			t.Logf("%s %q %v", b.line.Kind, b.line.Description, b.entries)
		}
		t.Fatalf("%d lines, want %d", len(got), len(want))
	}
	for i, w := range want {
		l := got[i].line
		var minutes int64
		if l.QuantityMinutes != nil {
			minutes = *l.QuantityMinutes
		}
		if l.Description != w.desc || minutes != w.minutes || l.UnitPrice != w.rate || l.Amount != w.amount ||
			len(got[i].entries)+len(got[i].expenses) != w.entries {
			t.Errorf("line %d: %q %d min × %d = %d (%d sources); want %+v", i, l.Description, minutes, l.UnitPrice,
				l.Amount, len(got[i].entries)+len(got[i].expenses), w)
		}
	}
}

// Each grouping makes the lines it promises, in a stable order, and a
// grouped line is rounded once on its summed minutes.
func TestBuildLinesGroupings(t *testing.T) {
	loc, _ := time.LoadLocation("America/New_York")
	fixed := lineWant{"Website relaunch", 0, 150000, 150000, 1}
	expense := lineWant{"Canva Pro", 0, 1299, 1299, 1}
	cases := []struct {
		groupBy string
		want    []lineWant
	}{
		{GroupByService, []lineWant{
			{"Email and inbox management", 14, 5555, 1296, 2},
			{"Email and inbox management", 31, 6000, 3100, 2},
			{"Website updates", 60, 4000, 4000, 1},
			fixed, expense,
		}},
		{GroupByTask, []lineWant{
			{"Inbox zero — Email and inbox management", 14, 5555, 1296, 2},
			{"Inbox zero — Email and inbox management", 1, 6000, 100, 1},
			{"Landing page", 60, 4000, 4000, 1},
			{"Email and inbox management", 30, 6000, 3000, 1},
			fixed, expense,
		}},
		{GroupByEntry, []lineWant{
			{"2026-10-01 · Email and inbox management — inbox", 7, 5555, 648, 1},
			{"2026-10-02 · Email and inbox management", 7, 5555, 648, 1},
			// 23:30 UTC is still the 3rd in New York.
			{"2026-10-03 · Website updates", 60, 4000, 4000, 1},
			{"2026-10-04 · Email and inbox management", 30, 6000, 3000, 1},
			{"2026-10-05 · Email and inbox management", 1, 6000, 100, 1},
			fixed, expense,
		}},
	}
	for _, c := range cases {
		t.Run(c.groupBy, func(t *testing.T) {
			got, err := buildLines(c.groupBy, sampleWork(), loc)
			if err != nil {
				t.Fatal(err)
			}
			checkLines(t, got, c.want)
			for _, b := range got {
				if b.line.Kind == KindTime && (b.line.ServiceID == nil || b.line.QuantityMilli != nil) {
					t.Errorf("time line %+v", b.line)
				}
				if b.line.Kind != KindTime && (b.line.QuantityMilli == nil || *b.line.QuantityMilli != 1000) {
					t.Errorf("%s line without quantity 1: %+v", b.line.Kind, b.line)
				}
			}
		})
	}
}

func TestPeriodBoundsFollowTheTimeZone(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Berlin")
	// October 2026 in Berlin: starts at +02:00 and ends at +01:00 (DST ends
	// on the 25th), so the month is 31 days and one hour long.
	start, end := Invoice{PeriodFrom: "2026-10-01", PeriodTo: "2026-10-31"}.bounds(practice.NewCalendar(loc, nil))
	if !start.Equal(at("2026-09-30T22:00:00Z")) || !end.Equal(at("2026-10-31T23:00:00Z")) {
		t.Fatalf("bounds %s – %s", start, end)
	}
}
