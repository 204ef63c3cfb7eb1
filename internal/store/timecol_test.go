package store_test

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-sqlite3"
	"github.com/vadesk/vadesk/internal/store"
)

// driverTime is how the SQLite driver reads a DATETIME stored as text.
func driverTime(s string) time.Time {
	s = strings.TrimSuffix(s, "Z")
	for _, layout := range sqlite3.SQLiteTimestampFormats {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.In(time.UTC)
		}
	}
	return time.Time{}
}

func scanTime(t *testing.T, src any) time.Time {
	t.Helper()
	var got time.Time
	if err := store.ScanTime(&got).Scan(src); err != nil {
		t.Fatalf("scan %v: %v", src, err)
	}
	return got
}

// ScanTime reads whatever the driver reads, to the nanosecond and in UTC.
func TestScanTimeReadsWhatTheDriverReads(t *testing.T) {
	texts := []string{
		"2026-11-02 09:00:00+00:00",
		"2026-11-02 09:00:00.123456789+00:00",
		"2026-11-02 09:00:00.5+00:00",
		"2026-11-02 09:00:00.000000001-07:00",
		"2026-11-02T23:59:59.99+05:30",
		"2026-11-02 09:00:00",
		"2026-11-02T09:00:00.25",
		"2026-11-02T09:00:00Z",
		"2026-11-02 09:00:00.123Z",
		"2024-02-29 12:00:00+00:00",
		"0001-01-01 00:00:00+00:00",
		"0000-02-29 23:59:59+00:00",
		"1969-12-31 23:59:59.999999999+00:00",
		"2000-02-29 00:00:00-01:00",
		"2100-02-28 23:00:00+00:00",
		"9999-12-31 23:59:59.999999999+00:00",
		// Not the driver's favourite, but the driver reads them.
		"2026-11-02 09:00",
		"2026-11-02",
		"2026-11-02 09:00:00.1234567891+00:00",
		"2026-11-02 09:00:00+24:00",
		// Nothing the driver can read: the zero time.
		"2023-02-29 12:00:00+00:00",
		"2026-13-02 09:00:00+00:00",
		"2026-11-02 24:00:00+00:00",
		"2026-11-02 09:60:00+00:00",
		"2026-11-02 09:00:00.+00:00",
		"2026-11-02 09:00:00 +00:00",
		"2026-11-02 09:00:00+0000",
		"2026-11-02 09:00:00+00:00 ",
		"2026-11-02 09:0a:00+00:00",
		"",
		"yesterday",
	}
	for _, s := range texts {
		want := driverTime(s)
		for _, src := range []any{s, []byte(s)} {
			if got := scanTime(t, src); got != want || !got.Equal(want) {
				t.Errorf("%q: %v, the driver reads %v", s, got, want)
			}
		}
	}
	// Random times in the driver's own layout, as GORM writes them.
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		at := time.Unix(rng.Int64N(400<<30)-200<<30, rng.Int64N(1e9)).In(time.FixedZone("", (rng.IntN(48)-24)*1800))
		s := at.Format(sqlite3.SQLiteTimestampFormats[0])
		if got, want := scanTime(t, s), driverTime(s); got != want {
			t.Fatalf("%q: %v, the driver reads %v", s, got, want)
		}
	}
	for src, want := range map[int64]time.Time{
		1_700_000_000:     time.Unix(1_700_000_000, 0).UTC(),
		1_700_000_000_123: time.UnixMilli(1_700_000_000_123).UTC(),
	} {
		if got := scanTime(t, src); got != want {
			t.Errorf("%d: %v, want %v", src, got, want)
		}
	}
	if err := store.ScanTime(new(time.Time)).Scan(nil); err == nil {
		t.Error("NULL scanned into a time")
	}
}

// A time written through the driver and selected raw reads back as the
// driver reads it.
func TestScanTimeOfStoredTimes(t *testing.T) {
	st := open(t)
	db := st.SQL()
	if _, err := db.Exec("CREATE TABLE times (at DATETIME)"); err != nil {
		t.Fatal(err)
	}
	ins := []any{
		time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 2, 9, 0, 0, 123456789, time.UTC),
		time.Date(2026, 3, 29, 2, 30, 0, 0, time.FixedZone("", 3600)),
		"2026-11-02T09:00:00Z",
		int64(1_700_000_000),
	}
	for _, v := range ins {
		if _, err := db.Exec("INSERT INTO times (at) VALUES (?)", v); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.QueryContext(context.Background(), "SELECT at, +at FROM times ORDER BY rowid")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var viaDriver, raw time.Time
		if err := rows.Scan(&viaDriver, store.ScanTime(&raw)); err != nil {
			t.Fatal(err)
		}
		if raw != viaDriver.UTC() {
			t.Errorf("row %d: raw %v, through the driver %v", n, raw, viaDriver)
		}
		n++
	}
	if n != len(ins) {
		t.Fatalf("read %d rows", n)
	}
}
