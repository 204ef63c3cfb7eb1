package practice

import (
	"sync"
	"time"
)

// Calendar is the practice's wall calendar: its time zone and the clock that
// says what "now" is. Every "today", "this month" and "the entries of these
// days" goes through one, so that an entry logged at 23:30 in the practice
// lands on the same day in the Today screen, an invoice, a report, a
// retainer's month and the portal.
//
// Two representations, used everywhere:
//
//   - A calendar date (a day on the practice's wall, such as 2026-11-30) is
//     a time.Time at 00:00 UTC of that date: what time.Parse(time.DateOnly,
//     s) and apperr.Check.Date return. Only its year, month and day mean
//     anything; it is never compared with an instant. It travels as a string
//     in time.DateOnly.
//   - Bounds are UTC instants [lo, hi), half open: lo is where the first day
//     begins in the practice's zone and hi where the day after the last
//     begins. Time entries fall in them when lo <= started_at < hi.
//
// A day's end is the next day's midnight through time.Date, never 24 hours
// on: across a DST change a day is 23 or 25 hours long.
type Calendar struct {
	loc *time.Location
	now func() time.Time
}

// NewCalendar returns the calendar of zone loc (UTC when nil) on clock now
// (the wall clock when nil).
func NewCalendar(loc *time.Location, now func() time.Time) Calendar {
	if loc == nil {
		loc = time.UTC
	}
	if now == nil {
		now = time.Now
	}
	return Calendar{loc: loc, now: now}
}

// Calendar is the practice's calendar on clock now.
func (p Practice) Calendar(now func() time.Time) Calendar { return NewCalendar(p.Location(), now) }

// Location is the calendar's time zone.
func (c Calendar) Location() *time.Location { return c.loc }

// Today is the calendar date it is now in the practice.
func (c Calendar) Today() time.Time { return c.DateOf(c.now()) }

// DateOf is the calendar date in the practice of instant t: of an entry's
// start, of when a row was created.
func (c Calendar) DateOf(t time.Time) time.Time {
	l := t.In(c.loc)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
}

// Start is the UTC instant where calendar date d begins in the practice.
func (c Calendar) Start(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, c.loc).UTC()
}

// DayBounds are the bounds of calendar date d.
func (c Calendar) DayBounds(d time.Time) (lo, hi time.Time) { return c.PeriodBounds(d, d) }

// PeriodBounds are the bounds of the calendar dates from to to, both
// included. A zero from or to leaves that side open: its bound is zero too.
func (c Calendar) PeriodBounds(from, to time.Time) (lo, hi time.Time) {
	if !from.IsZero() {
		lo = c.Start(from)
	}
	if !to.IsZero() {
		hi = time.Date(to.Year(), to.Month(), to.Day()+1, 0, 0, 0, 0, c.loc).UTC()
	}
	return lo, hi
}

// MonthBounds are the bounds of month m of year y.
func (c Calendar) MonthBounds(y int, m time.Month) (lo, hi time.Time) {
	return time.Date(y, m, 1, 0, 0, 0, 0, c.loc).UTC(), time.Date(y, m+1, 1, 0, 0, 0, 0, c.loc).UTC()
}

// zones keeps the zones already read: time.LoadLocation reads and parses
// the zone's file on every call, and every request asks for one.
var zones sync.Map // string → *time.Location

// Location is the practice's time zone, UTC when unset or unknown.
func (p Practice) Location() *time.Location {
	if loc, ok := zones.Load(p.Timezone); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(p.Timezone)
	if err != nil {
		return time.UTC
	}
	zones.Store(p.Timezone, loc)
	return loc
}
