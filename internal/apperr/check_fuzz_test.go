package apperr

import (
	"net/mail"
	"testing"
	"time"
	"unicode/utf8"
)

// maxRange is a large bound for Range seeds: money's largest amount, which
// apperr does not import.
const maxRange = 1_000_000_000_000_00

// FuzzCheck holds each validator of Check to what it promises, for any
// input: never a panic, an error exactly when the rule is broken, and
// values that pass really are what the rule says. The money validators,
// which live with money's rules, have their own (money.FuzzCheck).
func FuzzCheck(f *testing.F) {
	for _, s := range []string{"", "a", "Dana Realty", "dana@example.com", "Dana <dana@example.com>",
		"USD", "usd", "EURO", "2026-11-02", "2026-02-30", "02/11/2026", "\xff\xfe", "é", "a\x00b",
		"x@y", "@", "a@b@c", " 2026-11-02", "2026-11-02T09:00:00Z"} {
		f.Add(s, int64(0), int64(-5), int64(5), true)
		f.Add(s, int64(3), int64(0), int64(maxRange), false)
	}
	f.Add("x", int64(-1), int64(9), int64(-9), false)
	f.Add("x", int64(maxRange+1), int64(-1<<63), int64(1<<63-1), true)
	f.Fuzz(func(t *testing.T, s string, n, lo, hi int64, required bool) {
		// Text
		max := int(uint64(n) % 300)
		var c Check
		c.Text("f", s, required, max)
		broken := !utf8.ValidString(s) || (required && s == "") || utf8.RuneCountInString(s) > max
		if (c.Err() != nil) != broken {
			t.Fatalf("Text(%q, required=%v, max=%d): err %v, broken %v", s, required, max, c.Err(), broken)
		}
		// Email: what passes is a plain address of at most 254 characters.
		c = Check{}
		c.Email("f", s, required)
		if c.Err() == nil && s != "" {
			a, err := mail.ParseAddress(s)
			if err != nil || a.Address != s || utf8.RuneCountInString(s) > 254 {
				t.Fatalf("Email accepted %q", s)
			}
		}
		if c.Err() == nil && s == "" && required {
			t.Fatal("Email accepted a missing required address")
		}
		// Date: what passes reads back as itself and is of the years
		// vadesk accepts; what time.Parse reads in those years passes.
		c = Check{}
		d := c.Date("f", s)
		if c.Err() == nil {
			if d.Format(time.DateOnly) != s || d.Year() < MinYear || d.Year() > MaxYear {
				t.Fatalf("Date(%q) = %v", s, d)
			}
		} else if !d.IsZero() {
			t.Fatalf("Date refused %q but returned %v", s, d)
		}
		if p, err := time.Parse(time.DateOnly, s); (err == nil && InYears(p)) != (c.Err() == nil) {
			t.Fatalf("Date(%q) disagrees with time.Parse and the years", s)
		}
		// Time: an instant passes exactly when its UTC year is accepted.
		at := time.Unix(n%(400*366*86400), 0).In(time.FixedZone("", int(lo%(14*3600))))
		c = Check{}
		c.Time("f", at)
		if y := at.UTC().Year(); (c.Err() == nil) != (y >= MinYear && y <= MaxYear) {
			t.Fatalf("Time(%v): %v", at, c.Err())
		}
		// Range
		c = Check{}
		c.Range("f", n, lo, hi)
		if (c.Err() != nil) != (n < lo || n > hi) {
			t.Fatalf("Range(%d, %d, %d): %v", n, lo, hi, c.Err())
		}
		// OneOf
		c = Check{}
		c.OneOf("f", s, "a", "b")
		if (c.Err() == nil) != (s == "a" || s == "b") {
			t.Fatalf("OneOf(%q): %v", s, c.Err())
		}
		// A failed check is one 422 naming its field.
		if err := c.Err(); err != nil {
			ae, ok := As(err)
			if !ok || ae.Kind != KindInvalid || len(ae.Fields) != 1 || ae.Fields[0].Field != "f" || !c.Has("f") {
				t.Fatalf("Err() = %#v", err)
			}
		}
	})
}
