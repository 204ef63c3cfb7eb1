package store

import (
	"fmt"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
)

// ScanTime returns a destination for rows.Scan that reads a DATETIME column
// into t, in UTC, exactly as the SQLite driver would, only faster. It is
// meant for hot lists that select the column raw, as "+started_at": an
// expression has no declared type, so the driver hands over the stored text
// instead of trying layout after layout with time.Parse, which was a tenth
// of the cost of a page of time entries.
func ScanTime(t *time.Time) interface{ Scan(any) error } { return timeDest{t} }

type timeDest struct{ t *time.Time }

// Scan reads the stored forms the driver knows: text in one of
// sqlite3.SQLiteTimestampFormats, or unix seconds (milliseconds beyond
// 1e12) as an integer.
func (d timeDest) Scan(src any) error {
	switch v := src.(type) {
	case string:
		*d.t = parseStoredTime(v)
	case []byte:
		*d.t = parseStoredTime(string(v))
	case int64:
		if v > 1e12 || v < -1e12 {
			*d.t = time.Unix(0, v*int64(time.Millisecond)).UTC()
		} else {
			*d.t = time.Unix(v, 0).UTC()
		}
	case time.Time:
		*d.t = v.UTC()
	default:
		return fmt.Errorf("store: scan %T into a time", src)
	}
	return nil
}

// parseStoredTime reads a DATETIME stored as text. The layout the driver
// writes ("2006-01-02 15:04:05.999999999-07:00") and its close relatives
// are read by hand; anything else, or anything out of range, goes through
// the driver's own loop, so the result is always the driver's (the zero time
// for text it cannot read).
func parseStoredTime(s string) time.Time {
	if t, ok := parseTimeFast(s); ok {
		return t
	}
	s = strings.TrimSuffix(s, "Z")
	for _, layout := range sqlite3.SQLiteTimestampFormats {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// parseTimeFast reads "YYYY-MM-DD HH:MM:SS" (or with a T), an optional
// fraction of 1 to 9 digits, and an optional "Z" or "±HH:MM" offset. It
// reports false for anything else and for values out of range.
func parseTimeFast(s string) (time.Time, bool) {
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	year, ok1 := digits(s[0:4])
	month, ok2 := digits(s[5:7])
	day, ok3 := digits(s[8:10])
	hour, ok4 := digits(s[11:13])
	minute, ok5 := digits(s[14:16])
	sec, ok6 := digits(s[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || month < 1 || month > 12 || day < 1 ||
		day > daysIn(time.Month(month), year) || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	rest := s[19:]
	nsec := 0
	if len(rest) > 0 && rest[0] == '.' {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 1 || n > 10 {
			return time.Time{}, false
		}
		frac, _ := digits(rest[1:n])
		for range 10 - n {
			frac *= 10
		}
		nsec, rest = frac, rest[n:]
	}
	offset := 0
	switch {
	case rest == "" || rest == "Z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := digits(rest[1:3])
		om, ok2 := digits(rest[4:6])
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return time.Time{}, false
		}
		offset = oh*3600 + om*60
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return time.Time{}, false
	}
	// The same instant time.Date would give, without its normalising:
	// parsing was the largest cost of reading a page of entries in Go.
	secs := daysFromCivil(year, month, day)*86400 + int64(hour*3600+minute*60+sec-offset)
	return time.Unix(secs, int64(nsec)).UTC(), true
}

// daysFromCivil is the number of days from 1970-01-01 to a valid date of
// the proleptic Gregorian calendar (Howard Hinnant's days_from_civil).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// digits reads an unsigned decimal of ASCII digits only.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(m time.Month, year int) int {
	if m == time.February {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	const long = 1<<time.January | 1<<time.March | 1<<time.May | 1<<time.July | 1<<time.August | 1<<time.October | 1<<time.December
	return 30 + int(long>>uint(m)&1)
}
