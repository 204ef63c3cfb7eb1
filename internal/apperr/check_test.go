package apperr

import (
	"testing"
	"time"
)

// Dates are calendar dates of the years 1900 to 2999: year 0, a typo's
// year 20266 or a year 9999 is never a day anyone worked or billed.
func TestCheckDate(t *testing.T) {
	accepted := []string{"1900-01-01", "1969-12-31", "2026-11-02", "2028-02-29", "2999-12-31"}
	refused := map[string]string{
		"0000-01-01":  "must be a date in the years 1900 to 2999",
		"0001-01-01":  "must be a date in the years 1900 to 2999",
		"1899-12-31":  "must be a date in the years 1900 to 2999",
		"3000-01-01":  "must be a date in the years 1900 to 2999",
		"9999-12-31":  "must be a date in the years 1900 to 2999",
		"2026-02-29":  "must be a date as YYYY-MM-DD",
		"2026-13-01":  "must be a date as YYYY-MM-DD",
		"20266-01-01": "must be a date as YYYY-MM-DD",
		"-001-01-01":  "must be a date as YYYY-MM-DD",
		"2026-11-2":   "must be a date as YYYY-MM-DD",
		"":            "must be a date as YYYY-MM-DD",
	}
	for _, v := range accepted {
		var c Check
		if d := c.Date("on", v); c.Err() != nil || d.Format(time.DateOnly) != v {
			t.Errorf("Date(%q) = %v, %v", v, d, c.Err())
		}
	}
	for v, msg := range refused {
		var c Check
		d := c.Date("on", v)
		ae, _ := As(c.Err())
		if ae == nil || len(ae.Fields) != 1 || ae.Fields[0].Field != "on" || ae.Fields[0].Message != msg || !d.IsZero() {
			t.Errorf("Date(%q) = %v, %v; want %q on the field", v, d, c.Err(), msg)
		}
	}
}

// Times are instants of the years 1900 to 2999 in UTC, as they are stored.
func TestCheckTime(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for s, ok := range map[string]bool{
		"1900-01-01T00:00:00Z":      true,
		"2026-11-02T09:00:00Z":      true,
		"2999-12-31T23:59:59Z":      true,
		"2999-12-31T20:00:00-03:00": true,
		"0000-01-01T00:00:00Z":      false,
		"1899-12-31T23:59:59Z":      false,
		"1900-01-01T00:30:00+01:00": false, // 1899 in UTC
		"2999-12-31T23:00:00-05:00": false, // 3000 in UTC
		"3000-01-01T00:00:00Z":      false,
		"9999-12-31T23:59:59Z":      false,
	} {
		var c Check
		c.Time("started_at", at(s))
		if (c.Err() == nil) != ok {
			t.Errorf("Time(%s): %v, want ok %v", s, c.Err(), ok)
		}
		if !ok && (!c.Has("started_at") || c.fields[0].Message != "must be in the years 1900 to 2999 (UTC)") {
			t.Errorf("Time(%s): %+v", s, c.fields)
		}
	}
	if !InYears(time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)) || InYears(time.Time{}) {
		t.Error("InYears")
	}
}
