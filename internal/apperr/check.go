package apperr

import (
	"fmt"
	"net/mail"
	"time"
	"unicode/utf8"
)

// Check collects field errors so a request reports all its problems at once.
// The zero value is ready to use.
type Check struct {
	fields []FieldError
}

// Add records a problem with field.
func (c *Check) Add(field, format string, args ...any) {
	c.fields = append(c.fields, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Has reports whether field already has a problem.
func (c *Check) Has(field string) bool {
	for _, f := range c.fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// Err returns the collected problems as one KindInvalid error, or nil.
func (c *Check) Err() error {
	if len(c.fields) == 0 {
		return nil
	}
	return &Error{Kind: KindInvalid, Message: "validation failed", Fields: c.fields}
}

// Text checks a free-text field: valid UTF-8, at most max characters, and
// present when required.
func (c *Check) Text(field, v string, required bool, max int) {
	switch {
	case !utf8.ValidString(v):
		c.Add(field, "must be valid UTF-8")
	case required && len(v) == 0:
		c.Add(field, "is required")
	case utf8.RuneCountInString(v) > max:
		c.Add(field, "must be at most %d characters", max)
	}
}

// Email checks an optional e-mail address.
func (c *Check) Email(field, v string, required bool) {
	c.Text(field, v, required, 254)
	if v == "" || c.Has(field) {
		return
	}
	if a, err := mail.ParseAddress(v); err != nil || a.Address != v {
		c.Add(field, "must be an e-mail address")
	}
}

// OneOf checks that v is one of the allowed values.
func (c *Check) OneOf(field, v string, allowed ...string) {
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	c.Add(field, "must be one of %v", allowed)
}

// Range checks lo <= v <= hi.
func (c *Check) Range(field string, v, lo, hi int64) {
	if v < lo || v > hi {
		c.Add(field, "must be between %d and %d", lo, hi)
	}
}

// MinYear and MaxYear bound the calendar years of every date and time
// vadesk accepts. No one logs work, an expense or an invoice before 1900 or
// after 2999: such a year is a typo (0026 for 2026) or a probe, and years
// near the ends of what time.Time writes as JSON (0 to 9999) could fall
// outside it once moved into a time zone, failing every answer that
// carries them.
const (
	MinYear = 1900
	MaxYear = 2999
)

// InYears reports whether t falls in the years vadesk accepts, in t's own
// location.
func InYears(t time.Time) bool { return t.Year() >= MinYear && t.Year() <= MaxYear }

// Date checks a YYYY-MM-DD date of the years MinYear to MaxYear and
// returns it parsed; the zero time when it is not one.
func (c *Check) Date(field, v string) time.Time {
	t, err := time.Parse(time.DateOnly, v)
	switch {
	case err != nil:
		c.Add(field, "must be a date as YYYY-MM-DD")
		return time.Time{}
	case !InYears(t):
		c.Add(field, "must be a date in the years %d to %d", MinYear, MaxYear)
		return time.Time{}
	}
	return t
}

// Time checks that the instant t falls in the years MinYear to MaxYear in
// UTC, as it is stored.
func (c *Check) Time(field string, t time.Time) {
	if !InYears(t.UTC()) {
		c.Add(field, "must be in the years %d to %d (UTC)", MinYear, MaxYear)
	}
}
