package transfer

import "testing"

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
	for _, in := range []string{"", "abc", "1:60", "1:5", "1:2:3:4", "-1", "1.23456", "1e3", "-0:30"} {
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
	for _, in := range []string{"", "x", "1.234", "-1", "+1", "1..2"} {
		if got, ok := parseFixed(in, 2); ok && in != "" {
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
	if unsafeText("'quoted") != "'quoted" {
		t.Error("unsafeText took an apostrophe that safeText did not add")
	}
}
