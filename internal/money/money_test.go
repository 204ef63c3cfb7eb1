package money

import "testing"

func TestRoundHalfUp(t *testing.T) {
	for _, c := range []struct{ num, den, want int64 }{
		{0, 60, 0}, {29, 60, 0}, {30, 60, 1}, {31, 60, 1}, {89, 60, 1}, {90, 60, 2},
		{-29, 60, 0}, {-30, 60, -1}, {-90, 60, -2}, {5, 10, 1}, {4, 10, 0}, {14999, 10000, 1}, {15000, 10000, 2},
	} {
		if got := RoundHalfUp(c.num, c.den); got != c.want {
			t.Errorf("RoundHalfUp(%d, %d) = %d, want %d", c.num, c.den, got, c.want)
		}
	}
}

func TestLineAmountAndTax(t *testing.T) {
	for _, c := range []struct{ minutes, rate, want int64 }{
		{60, 5000, 5000},   // an hour at $50
		{1, 4999, 83},      // 83.316… cents
		{3, 50, 3},         // 2.5 cents rounds up
		{90, 3333, 5000},   // 4999.5 rounds up
		{7, 1, 0},          // 0.116… cents
		{1440, 0, 0},       // free work
		{45, 6000, 4500},   // three quarters of $60
		{1, 100_000, 1667}, // 1666.66…
	} {
		if got := LineAmount(c.minutes, c.rate); got != c.want {
			t.Errorf("LineAmount(%d, %d) = %d, want %d", c.minutes, c.rate, got, c.want)
		}
	}
	for _, c := range []struct{ taxable, bp, want int64 }{
		{10000, 2000, 2000}, {999, 1900, 190}, {100_000_000_000_000_000, 10000, 100_000_000_000_000_000}, {-25, 2000, -5}, {25, 2000, 5}, {1, 5000, 1}, {1, 4999, 0}, {0, 2000, 0},
	} {
		if got := Tax(c.taxable, c.bp); got != c.want {
			t.Errorf("Tax(%d, %d) = %d, want %d", c.taxable, c.bp, got, c.want)
		}
	}
}

func TestRoundUp(t *testing.T) {
	for _, c := range []struct{ minutes, inc, want int64 }{
		{1, 0, 1}, {1, 6, 6}, {6, 6, 6}, {7, 6, 12}, {59, 15, 60}, {61, 15, 75}, {61, 60, 120},
		{30, 30, 30}, {31, 30, 60}, {11, 10, 20}, {1440, 60, 1440},
	} {
		if got := RoundUp(c.minutes, c.inc); got != c.want {
			t.Errorf("RoundUp(%d, %d) = %d, want %d", c.minutes, c.inc, got, c.want)
		}
	}
}

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		amount int64
		code   string
		want   string
	}{
		{123450, "USD", "$1,234.50"}, {5, "EUR", "€0.05"}, {-5, "EUR", "-€0.05"},
		{1235, "JPY", "¥1,235"}, {1235, "ISK", "ISK 1,235"}, {1234567, "BHD", "BD 1,234.567"},
		{100000000, "GBP", "£1,000,000.00"}, {99, "XYZ", "XYZ 0.99"},
	} {
		if got := Format(c.amount, c.code); got != c.want {
			t.Errorf("Format(%d, %s) = %q, want %q", c.amount, c.code, got, c.want)
		}
	}
	if !Known("EUR") || Known("EURO") || Known("XYZ") || Digits("CLP") != 0 || Digits("OMR") != 3 || Digits("USD") != 2 {
		t.Error("ISO 4217 table is wrong")
	}
}
