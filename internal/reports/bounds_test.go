package reports

import (
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/practice"
)

// Interval edges are the practice's midnights in UTC, so a day across a
// change of daylight saving time is 23 or 25 hours long, and weeks start on
// Monday.
func TestBoundsAcrossDST(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	cal := practice.NewCalendar(berlin, nil)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	utc := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }

	ivs, edges := bounds(cal, day(2026, 10, 24), day(2026, 10, 26), Day)
	if len(ivs) != 3 || ivs[1].Start != "2026-10-25" || ivs[1].End != "2026-10-25" {
		t.Fatalf("days %v", ivs)
	}
	want := []time.Time{utc("2026-10-23T22:00:00Z"), utc("2026-10-24T22:00:00Z"), utc("2026-10-25T23:00:00Z"), utc("2026-10-26T23:00:00Z")}
	for i := range want {
		if !edges[i].Equal(want[i]) {
			t.Errorf("edge %d = %v, want %v", i, edges[i], want[i])
		}
	}
	if h := edges[2].Sub(edges[1]).Hours(); h != 25 {
		t.Errorf("25 October lasts %v hours", h)
	}

	// Wednesday to the next Wednesday: two weeks from Monday 19 October.
	ivs, edges = bounds(cal, day(2026, 10, 21), day(2026, 10, 28), Week)
	if len(ivs) != 2 || ivs[0].Start != "2026-10-19" || ivs[0].End != "2026-10-25" || ivs[1].Start != "2026-10-26" {
		t.Fatalf("weeks %v", ivs)
	}
	if !edges[1].Equal(utc("2026-10-25T23:00:00Z")) {
		t.Errorf("week edge %v", edges[1])
	}
	// A Sunday starts no week of its own.
	if ivs, _ := bounds(cal, day(2026, 11, 1), day(2026, 11, 1), Week); len(ivs) != 1 || ivs[0].Start != "2026-10-26" {
		t.Fatalf("Sunday's week %v", ivs)
	}

	ivs, edges = bounds(cal, day(2026, 1, 31), day(2026, 3, 1), Month)
	if len(ivs) != 3 || ivs[0].Start != "2026-01-01" || ivs[1].End != "2026-02-28" || ivs[2].Start != "2026-03-01" {
		t.Fatalf("months %v", ivs)
	}
	if !edges[3].Equal(utc("2026-03-31T22:00:00Z")) { // April starts in summer time
		t.Errorf("month edge %v", edges[3])
	}
}
