package transfer

import (
	"strings"
	"testing"
	"time"
)

func TestHeaderKey(t *testing.T) {
	for in, want := range map[string]string{
		"Start date": "start date", " START_DATE ": "start date", "Billable?": "billable",
		"Amount (USD)": "amount", "First Name": "first name", "started_at": "started at", "Hours  Rounded": "hours rounded",
	} {
		if got := headerKey(in); got != want {
			t.Errorf("headerKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	ok := map[string]int64{
		"01:30:00": 90, "1:30:00": 90, "0:00:29": 0, "0:00:30": 1, "12:00": 720, "0:45": 45, "25:00:00": 1500,
		"1.5": 90, "1,5": 90, "0.25": 15, "2": 120, ".5": 30, "0.0167": 1, "1.2345": 74,
	}
	for in, want := range ok {
		if got, good := parseDuration(in); !good || got != want {
			t.Errorf("parseDuration(%q) = %d, %v; want %d", in, got, good, want)
		}
	}
	// The second line are fuzz findings: signs after the point, a point
	// alone, thousands separators and spaces in hours were read as numbers.
	for _, in := range []string{"", "abc", "1:60", "1:5", "1:2:3:4", "-1", "1.23456", "1e3", "-0:30",
		"1.-5", "1.+5", ".", ",", "1,234,5", "1,5,0", "1 5", "1000000.0001", "1000001:00"} {
		if got, good := parseDuration(in); good {
			t.Errorf("parseDuration(%q) = %d, want an error", in, got)
		}
	}
}

func TestParseFixed(t *testing.T) {
	for in, want := range map[string]int64{"40": 4000, "40.5": 4050, "40.05": 4005, "1,234.50": 123450, "0.99": 99, " 7 ": 700} {
		if got, ok := parseFixed(in, 2); !ok || got != want {
			t.Errorf("parseFixed(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "x", "1.234", "-1", "+1", "1..2", "5.-1", "5.+1", ".", "1.2,5", "1e3", "1000000000000000"} {
		if got, ok := parseFixed(in, 2); ok {
			t.Errorf("parseFixed(%q) = %d, want an error", in, got)
		}
	}
}

func TestParseDateAndClock(t *testing.T) {
	for in, want := range map[string]string{"2026-11-02": "2026-11-02", "11/2/2026": "2026-11-02", "11/02/2026": "2026-11-02",
		"2.11.2026": "2026-11-02", "2026/11/02": "2026-11-02"} {
		if d, ok := parseDate(in); !ok || d.Format("2006-01-02") != want {
			t.Errorf("parseDate(%q) = %v, %v", in, d, ok)
		}
	}
	for in, want := range map[string][3]int{"09:05:00": {9, 5, 0}, "9:05": {9, 5, 0}, "2:00 PM": {14, 0, 0}, "12:30:15 am": {0, 30, 15}} {
		h, m, s, ok := parseClock(in)
		if !ok || [3]int{h, m, s} != want {
			t.Errorf("parseClock(%q) = %d:%d:%d %v", in, h, m, s, ok)
		}
	}
}

func TestDecimalAndSafeText(t *testing.T) {
	for _, c := range []struct {
		amount   int64
		currency string
		want     string
	}{{123450, "USD", "1234.50"}, {5, "EUR", "0.05"}, {-5, "EUR", "-0.05"}, {1235, "JPY", "1235"}, {1234, "BHD", "1.234"}} {
		if got := decimal(c.amount, c.currency); got != c.want {
			t.Errorf("decimal(%d, %s) = %q, want %q", c.amount, c.currency, got, c.want)
		}
	}
	for in, want := range map[string]string{"=1+1": "'=1+1", "+x": "'+x", "-5 %": "'-5 %", "@home": "'@home", "plain": "plain", "": ""} {
		got := safeText(in)
		if got != want || unsafeText(got) != in {
			t.Errorf("safeText(%q) = %q (back: %q)", in, got, unsafeText(got))
		}
	}
	// Text that starts with an apostrophe before a formula character gets
	// one more, so the import gives back what was exported (a fuzz finding:
	// "'-" came back as "-").
	for in, want := range map[string]string{"'=x": "''=x", "'-": "''-", "''@": "'''@", "'plain": "'plain", "'": "'"} {
		got := safeText(in)
		if got != want || unsafeText(got) != in {
			t.Errorf("safeText(%q) = %q (back: %q)", in, got, unsafeText(got))
		}
	}
	if unsafeText("'quoted") != "'quoted" {
		t.Error("unsafeText took an apostrophe that safeText did not add")
	}
}

// Rows the fuzz tests found taken when they should have been refused, or
// refused when they should have been taken.
func TestImportRowFindings(t *testing.T) {
	rows := func(format, file string) []string {
		t.Helper()
		f, err := readCSV(format, []byte(file))
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		im := importer{format: format, loc: time.UTC, currency: "USD", seen: map[string]int{}}
		var msgs []string
		for i := range f.rows {
			_, msg := im.parse(f.record(i))
			msgs = append(msgs, msg)
		}
		return msgs
	}
	cases := []struct {
		name, format, file, want string
	}{
		// A Harvest or vadesk row without a service made a service with no name.
		{"harvest row without a task", FormatHarvest, "Date,Client,Task,Hours\n2026-11-02,Dana,,1\n", `has no service (column "task")`},
		{"vadesk row without a service", FormatVadesk, "started_at,client,service,minutes\n2026-11-02T09:00:00Z,Dana,,30\n", `has no service (column "service")`},
		// A Harvest rate beyond money.MaxAmount was taken; sums of such
		// amounts overflow.
		{"harvest rate beyond the maximum", FormatHarvest, "Date,Client,Task,Hours,Billable Rate\n2026-11-02,Dana,Design,1,1000000000001.00\n", "billable rate"},
		// The task and the invoice number are kept in the internal note,
		// which then passed the API's 5000 characters.
		{"internal note too long with the task", FormatVadesk, "started_at,client,service,minutes,internal_note,task\n2026-11-02T09:00:00Z,Dana,Design,30," +
			strings.Repeat("i", 4995) + ",Banner\n", "internal_note with the task"},
		// Year 0 and the far future were taken (the API's own dates are
		// 1900 to 2999).
		{"toggl row in year 0", FormatToggl, "Client,Start date,Start time,Duration\nDana,0000-01-01,09:00,0:30\n", "years 1900 to 2999"},
		{"harvest row in 1899", FormatHarvest, "Date,Client,Task,Hours\n12/31/1899,Dana,Design,1\n", "years 1900 to 2999"},
		{"vadesk row in year 1", FormatVadesk, "started_at,client,service,minutes\n0001-01-01T00:00:00Z,Dana,Design,30\n", "years 1900 to 2999"},
		{"vadesk row in 3000", FormatVadesk, "started_at,client,service,minutes\n2999-12-31T23:30:00-01:00,Dana,Design,30\n", "years 1900 to 2999"},
		// A currency vadesk does not know made the client the practice's
		// and kept the rate.
		{"vadesk unknown currency", FormatVadesk, "started_at,client,service,minutes,hourly_rate,currency\n2026-11-02T09:00:00Z,Dana,Design,30,40.00,usd\n", `currency "usd"`},
		{"harvest unknown currency", FormatHarvest, "Date,Client,Task,Hours,Billable Rate,Currency\n2026-11-02,Dana,Design,1,40.00,Dollars\n", `currency "Dollars"`},
		{"internal note too long with the invoice", FormatVadesk, "started_at,client,service,minutes,internal_note,invoice_number\n2026-11-02T09:00:00Z,Dana,Design,30," +
			strings.Repeat("i", 4980) + ",INV-2026-0001\n", "internal_note with the task"},
	}
	for _, c := range cases {
		if got := rows(c.format, c.file); len(got) != 1 || !strings.Contains(got[0], c.want) {
			t.Errorf("%s: %q, want a message with %q", c.name, got, c.want)
		}
	}
	// Just within the limit is fine: 4987 + "\nTask: Banner" is 5000.
	ok := "started_at,client,service,minutes,internal_note,task\n2026-11-02T09:00:00Z,Dana,Design,30," + strings.Repeat("i", 4987) + ",Banner\n"
	if got := rows(FormatVadesk, ok); len(got) != 1 || got[0] != "" {
		t.Errorf("5000 characters with the task: %q", got)
	}
	// A NUL byte in a note (the API stores one) made the whole export
	// unreadable; only a NUL in the header line says "not text" now.
	withNUL := "started_at,client,service,minutes,note\n2026-11-02T09:00:00Z,Dana,Design,30,a\x00b\n"
	if got := rows(FormatVadesk, withNUL); len(got) != 1 || got[0] != "" {
		t.Errorf("NUL in a note: %q", got)
	}
	if _, err := readCSV(FormatVadesk, []byte("started_at,cli\x00ent,service,minutes\n")); err == nil {
		t.Error("a NUL in the header line was read as text")
	}
}

// Harvest names its currency "United States Dollar - USD"; a row's money
// is in the currency its file names, else (for a rate) the practice's.
func TestImportRowCurrency(t *testing.T) {
	for in, want := range map[string]string{"United States Dollar - USD": "USD", "Euro - EUR": "EUR", " JPY ": "JPY",
		"Bosnia and Herzegovina - Convertible Mark - BAM": "BAM", "": "", "Dollars": "", "usd": "", "X - ZZZ": ""} {
		if got := harvestCurrency(in); got != want {
			t.Errorf("harvestCurrency(%q) = %q, want %q", in, got, want)
		}
	}
	cases := []struct {
		name, format, file, currency string
		assumed                      bool
		rate                         int64
	}{
		{"harvest names it", FormatHarvest, "Date,Client,Task,Hours,Billable Rate,Currency\n2026-11-02,Dana,Design,1,5000,Japanese Yen - JPY\n", "JPY", false, 5000},
		{"harvest rate alone", FormatHarvest, "Date,Client,Task,Hours,Billable Rate\n2026-11-02,Dana,Design,1,40.00\n", "USD", true, 4000},
		{"harvest without money", FormatHarvest, "Date,Client,Task,Hours\n2026-11-02,Dana,Design,1\n", "", false, -1},
		{"vadesk names it", FormatVadesk, "started_at,client,service,minutes,hourly_rate,currency\n2026-11-02T09:00:00Z,Dana,Design,30,1.500,BHD\n", "BHD", false, 1500},
		{"vadesk rate alone", FormatVadesk, "started_at,client,service,minutes,hourly_rate\n2026-11-02T09:00:00Z,Dana,Design,30,40.00\n", "USD", true, 4000},
		{"vadesk without money", FormatVadesk, "started_at,client,service,minutes\n2026-11-02T09:00:00Z,Dana,Design,30\n", "", false, -1},
	}
	for _, c := range cases {
		f, err := readCSV(c.format, []byte(c.file))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		im := importer{format: c.format, loc: time.UTC, currency: "USD", seen: map[string]int{}}
		in, msg := im.parse(f.record(0))
		rate := int64(-1)
		if in.rate != nil {
			rate = *in.rate
		}
		if msg != "" || in.currency != c.currency || in.currencyAssumed != c.assumed || rate != c.rate {
			t.Errorf("%s: currency %q (assumed %v), rate %d, %q", c.name, in.currency, in.currencyAssumed, rate, msg)
		}
	}
}
