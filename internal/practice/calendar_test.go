package practice_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/practice"
	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/internal/tenant"
	"gorm.io/gorm"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func instant(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// A day is where its midnight falls in the practice's zone, to the next
// midnight: 23 or 25 hours across a DST change, never 24 hours added.
func TestDayBoundsAcrossDST(t *testing.T) {
	cases := []struct {
		zone, day, lo, hi string
		hours             float64
	}{
		{"Pacific/Auckland", "2026-09-26", "2026-09-25T12:00:00Z", "2026-09-26T12:00:00Z", 24},
		{"Pacific/Auckland", "2026-09-27", "2026-09-26T12:00:00Z", "2026-09-27T11:00:00Z", 23}, // NZDT begins
		{"Pacific/Auckland", "2026-04-05", "2026-04-04T11:00:00Z", "2026-04-05T12:00:00Z", 25}, // NZDT ends
		{"America/Los_Angeles", "2026-03-08", "2026-03-08T08:00:00Z", "2026-03-09T07:00:00Z", 23},
		{"America/Los_Angeles", "2026-11-01", "2026-11-01T07:00:00Z", "2026-11-02T08:00:00Z", 25},
		{"America/Los_Angeles", "2026-11-30", "2026-11-30T08:00:00Z", "2026-12-01T08:00:00Z", 24},
		{"UTC", "2026-11-30", "2026-11-30T00:00:00Z", "2026-12-01T00:00:00Z", 24},
	}
	for _, c := range cases {
		cal := practice.NewCalendar(zone(t, c.zone), nil)
		lo, hi := cal.DayBounds(day(c.day))
		if !lo.Equal(instant(c.lo)) || !hi.Equal(instant(c.hi)) || lo.Location() != time.UTC || hi.Location() != time.UTC {
			t.Errorf("%s %s: [%v, %v), want [%s, %s)", c.zone, c.day, lo, hi, c.lo, c.hi)
		}
		if got := hi.Sub(lo).Hours(); got != c.hours {
			t.Errorf("%s %s: %v hours, want %v", c.zone, c.day, got, c.hours)
		}
	}
}

// Months and periods end where the next one begins in the zone, DST
// between them or not.
func TestMonthAndPeriodBounds(t *testing.T) {
	auckland, la := zone(t, "Pacific/Auckland"), zone(t, "America/Los_Angeles")
	cases := []struct {
		loc    *time.Location
		y      int
		m      time.Month
		lo, hi string
	}{
		{auckland, 2026, time.September, "2026-08-31T12:00:00Z", "2026-09-30T11:00:00Z"},
		{auckland, 2026, time.April, "2026-03-31T11:00:00Z", "2026-04-30T12:00:00Z"},
		{auckland, 2026, time.December, "2026-11-30T11:00:00Z", "2026-12-31T11:00:00Z"},
		{la, 2026, time.November, "2026-11-01T07:00:00Z", "2026-12-01T08:00:00Z"},
		{la, 2026, time.March, "2026-03-01T08:00:00Z", "2026-04-01T07:00:00Z"},
	}
	for _, c := range cases {
		cal := practice.NewCalendar(c.loc, nil)
		lo, hi := cal.MonthBounds(c.y, c.m)
		if !lo.Equal(instant(c.lo)) || !hi.Equal(instant(c.hi)) {
			t.Errorf("%s %d-%02d: [%v, %v), want [%s, %s)", c.loc, c.y, c.m, lo, hi, c.lo, c.hi)
		}
		first := time.Date(c.y, c.m, 1, 0, 0, 0, 0, time.UTC)
		plo, phi := cal.PeriodBounds(first, first.AddDate(0, 1, -1))
		if !plo.Equal(lo) || !phi.Equal(hi) {
			t.Errorf("%s %d-%02d: period of its days [%v, %v), month [%v, %v)", c.loc, c.y, c.m, plo, phi, lo, hi)
		}
	}
}

// A period with no start or no end is open on that side.
func TestOpenPeriodBounds(t *testing.T) {
	cal := practice.NewCalendar(zone(t, "Pacific/Auckland"), nil)
	if lo, hi := cal.PeriodBounds(time.Time{}, time.Time{}); !lo.IsZero() || !hi.IsZero() {
		t.Errorf("open both sides: [%v, %v)", lo, hi)
	}
	if lo, hi := cal.PeriodBounds(day("2026-11-30"), time.Time{}); !lo.Equal(instant("2026-11-29T11:00:00Z")) || !hi.IsZero() {
		t.Errorf("open end: [%v, %v)", lo, hi)
	}
	if lo, hi := cal.PeriodBounds(time.Time{}, day("2026-11-30")); !lo.IsZero() || !hi.Equal(instant("2026-11-30T11:00:00Z")) {
		t.Errorf("open start: [%v, %v)", lo, hi)
	}
}

// Every day of two years tiles time: each begins where the one before
// ends, and every instant in it is of that date.
func TestDaysTileTime(t *testing.T) {
	for _, name := range []string{"Pacific/Auckland", "America/Los_Angeles", "Australia/Lord_Howe", "UTC"} {
		cal := practice.NewCalendar(zone(t, name), nil)
		for d := day("2025-01-01"); d.Year() < 2027; d = d.AddDate(0, 0, 1) {
			lo, hi := cal.DayBounds(d)
			if _, next := cal.DayBounds(d.AddDate(0, 0, -1)); !next.Equal(lo) {
				t.Fatalf("%s %s begins at %v, the day before ends at %v", name, d.Format(time.DateOnly), lo, next)
			}
			if !cal.DateOf(lo).Equal(d) || !cal.DateOf(hi.Add(-time.Nanosecond)).Equal(d) || cal.DateOf(hi).Equal(d) {
				t.Fatalf("%s %s: [%v, %v) holds instants of other dates", name, d.Format(time.DateOnly), lo, hi)
			}
		}
	}
}

// Today is the practice's date, as a date (00:00 UTC), whatever the date
// in UTC.
func TestToday(t *testing.T) {
	cases := []struct {
		zone, now, today string
	}{
		{"Pacific/Auckland", "2026-11-30T10:30:00Z", "2026-11-30"}, // 23:30 NZDT
		{"Pacific/Auckland", "2026-11-30T11:30:00Z", "2026-12-01"}, // 00:30 NZDT
		{"America/Los_Angeles", "2026-12-01T07:30:00Z", "2026-11-30"},
		{"America/Los_Angeles", "2026-12-01T08:30:00Z", "2026-12-01"},
		{"America/Los_Angeles", "2026-11-01T08:30:00Z", "2026-11-01"}, // 01:30 PST, the hour that happens twice
	}
	for _, c := range cases {
		now := instant(c.now)
		cal := practice.Practice{Timezone: c.zone}.Calendar(func() time.Time { return now })
		got := cal.Today()
		if !got.Equal(day(c.today)) || got.Location() != time.UTC {
			t.Errorf("%s at %s: today %v, want %s", c.zone, c.now, got, c.today)
		}
		if cal.Location().String() != c.zone {
			t.Errorf("%s: location %s", c.zone, cal.Location())
		}
	}
}

// An unknown or empty zone is UTC, as it always was.
func TestUnknownZoneIsUTC(t *testing.T) {
	for _, tz := range []string{"", "Mars/Olympus", "UTC"} {
		if loc := (practice.Practice{Timezone: tz}).Location(); loc != time.UTC {
			t.Errorf("%q: %v", tz, loc)
		}
	}
}

// A request reads its practice once; a change of the settings in the
// request is seen by what it reads next, and a context of another practice
// never sees it.
func TestOfReadsOncePerRequest(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "vadesk.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var a, b practice.Practice
	err = st.Tx(tenant.System(ctx), func(tx *gorm.DB) error {
		if a, err = practice.Create(tenant.System(ctx), tx, practice.New{Name: "Kiwi VA", Timezone: "Pacific/Auckland"}); err != nil {
			return err
		}
		b, err = practice.Create(tenant.System(ctx), tx, practice.New{Name: "LA VA", Timezone: "America/Los_Angeles"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	req := practice.WithCache(tenant.With(ctx, tenant.Scope{PracticeID: a.ID, Role: tenant.Owner}))
	p, err := practice.Of(req, st.Read(req))
	if err != nil || p.ID != a.ID || p.Timezone != "Pacific/Auckland" {
		t.Fatalf("first read: %+v %v", p, err)
	}
	// Behind the request's back: the request keeps what it read.
	if err := st.Write(req).Exec("UPDATE practices SET timezone = 'UTC' WHERE id = ?", a.ID).Error; err != nil {
		t.Fatal(err)
	}
	if p, _ := practice.Of(req, st.Read(req)); p.Timezone != "Pacific/Auckland" {
		t.Errorf("second read in the request: %s", p.Timezone)
	}
	// Another practice's context made from it reads its own.
	other := tenant.With(req, tenant.Scope{PracticeID: b.ID, Role: tenant.Owner})
	if p, err := practice.Of(other, st.Read(other)); err != nil || p.ID != b.ID {
		t.Errorf("another practice: %+v %v", p, err)
	}
	// A change through the settings is seen next.
	zone := "Europe/Berlin"
	if _, err := practice.NewService(st).Update(req, practice.Update{Timezone: &zone}); err != nil {
		t.Fatal(err)
	}
	if p, _ := practice.Of(req, st.Read(req)); p.Timezone != zone {
		t.Errorf("after the update: %s", p.Timezone)
	}
	// Without a cache, every read reads.
	plain := tenant.With(ctx, tenant.Scope{PracticeID: a.ID, Role: tenant.Owner})
	if err := st.Write(plain).Exec("UPDATE practices SET timezone = 'UTC' WHERE id = ?", a.ID).Error; err != nil {
		t.Fatal(err)
	}
	if p, _ := practice.Of(plain, st.Read(plain)); p.Timezone != "UTC" {
		t.Errorf("no cache: %s", p.Timezone)
	}
}
