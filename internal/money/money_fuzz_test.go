package money

import (
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// bigRound is num/den rounded half away from zero, computed exactly.
func bigRound(num, den *big.Int) *big.Int {
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	twice := new(big.Int).Abs(r)
	twice.Lsh(twice, 1)
	if twice.Cmp(new(big.Int).Abs(den)) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

// fits reports whether 2·|num| + den and 2·den stay inside int64, the
// domain where RoundHalfUp's integer arithmetic is exact. Beyond it (|num|
// or den above about 4.6·10^18) the function overflows; vadesk divides by
// 60 and 10000 only, and no amount it accepts gets near the limit.
func fits(num, den int64) bool {
	if num == math.MinInt64 || den > math.MaxInt64/2 {
		return false
	}
	if num < 0 {
		num = -num
	}
	return num <= (math.MaxInt64-den)/2
}

func FuzzRoundHalfUp(f *testing.F) {
	for _, c := range [][2]int64{{0, 1}, {1, 2}, {-1, 2}, {3, 2}, {-3, 2}, {5, 10}, {149, 100}, {150, 100},
		{-150, 100}, {7, 60}, {30, 60}, {-30, 60}, {math.MaxInt64 / 4, 3}, {math.MinInt64 / 4, 7}, {1, math.MaxInt64}} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, num, den int64) {
		if den <= 0 || !fits(num, den) {
			t.Skip("outside the function's domain")
		}
		got := RoundHalfUp(num, den)
		want := bigRound(big.NewInt(num), big.NewInt(den))
		if !want.IsInt64() || got != want.Int64() {
			t.Fatalf("RoundHalfUp(%d, %d) = %d, want %s", num, den, got, want)
		}
		// Symmetric: halves go away from zero on both sides.
		if RoundHalfUp(-num, den) != -got {
			t.Fatalf("RoundHalfUp(%d, %d) is not symmetric", num, den)
		}
	})
}

// The domains below are what vadesk's validation lets through: an entry is
// at most a day (1440 minutes), an invoice line sums at most a year of
// entries, and money fields stay under MaxAmount (10^14 minor units).
const (
	maxLineMinutes = 366 * 1440
	maxMoney       = MaxAmount
)

func FuzzLineAmount(f *testing.F) {
	for _, c := range [][2]int64{{0, 0}, {1, 1}, {1, 30}, {1, 29}, {95, 7000}, {90, 3333}, {15, 12345},
		{1440, maxMoney}, {maxLineMinutes, 100_000_00}, {7, 1}, {37, 9999}} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, minutes, rate int64) {
		if minutes < 0 || rate < 0 || minutes > maxLineMinutes || rate > maxMoney {
			t.Skip("not an amount vadesk accepts")
		}
		exact := new(big.Int).Mul(big.NewInt(minutes), big.NewInt(rate))
		want := bigRound(exact, big.NewInt(60))
		if !fits(minutes*rate, 60) || !exact.IsInt64() {
			// The product is beyond int64: a line this large (a year of
			// minutes at a rate of billions an hour) overflows. Record it
			// rather than pretend; the rate is far beyond any real one.
			t.Skipf("minutes×rate = %s overflows int64", exact)
		}
		got := LineAmount(minutes, rate)
		if got != want.Int64() {
			t.Fatalf("LineAmount(%d, %d) = %d, want %s", minutes, rate, got, want)
		}
		// Linear within rounding: one more minute never costs less.
		if minutes < maxLineMinutes && LineAmount(minutes+1, rate) < got {
			t.Fatalf("LineAmount(%d+1, %d) < LineAmount(%d, %d)", minutes, rate, minutes, rate)
		}
	})
}

func FuzzTax(f *testing.F) {
	for _, c := range [][2]int64{{0, 0}, {100, 2000}, {1, 5000}, {1, 4999}, {12345, 825}, {maxMoney, 10000}, {-1, 5000}} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, taxable, bp int64) {
		if bp < 0 || bp > 10000 || taxable < -maxMoney*1000 || taxable > maxMoney*1000 {
			t.Skip("not a tax vadesk computes")
		}
		exact := new(big.Int).Mul(big.NewInt(taxable), big.NewInt(bp))
		if !exact.IsInt64() || !fits(exact.Int64(), 10000) {
			// Beyond about 4.6·10^14 minor units at 100 % (4.6·10^15 at
			// 10 %) the product overflows int64: Tax is exact only below.
			t.Skipf("taxable×rate = %s overflows", exact)
		}
		got := Tax(taxable, bp)
		want := bigRound(exact, big.NewInt(10000))
		if got != want.Int64() {
			t.Fatalf("Tax(%d, %d) = %d, want %s", taxable, bp, got, want)
		}
		if taxable >= 0 && (got < 0 || got > taxable) {
			t.Fatalf("Tax(%d, %d) = %d is outside [0, taxable]", taxable, bp, got)
		}
	})
}

func FuzzRoundUp(f *testing.F) {
	for _, inc := range RoundingIncrements {
		for _, m := range []int64{0, 1, 5, 6, 7, 59, 60, 61, 1440} {
			f.Add(m, inc)
		}
	}
	f.Fuzz(func(t *testing.T, minutes, inc int64) {
		if minutes < 0 || minutes > maxLineMinutes || inc < 0 || inc > 1440 {
			t.Skip()
		}
		got := RoundUp(minutes, inc)
		if inc == 0 || minutes == 0 {
			if got != minutes {
				t.Fatalf("RoundUp(%d, %d) = %d", minutes, inc, got)
			}
			return
		}
		if got < minutes || got%inc != 0 || got-minutes >= inc {
			t.Fatalf("RoundUp(%d, %d) = %d", minutes, inc, got)
		}
	})
}

// parseFormatted reads Format's output back into minor units.
func parseFormatted(s string, c Currency) (int64, bool) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	s, ok := strings.CutPrefix(s, c.Symbol)
	if !ok {
		return 0, false
	}
	s = strings.ReplaceAll(s, ",", "")
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) != c.Digits {
		return 0, false
	}
	v, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

var isoCode = regexp.MustCompile(`^[A-Z]{3}$`)

// FuzzFormat: what Format writes reads back as the same amount.
// math.MinInt64 is left out (Format cannot negate it), and so are codes
// that are not ISO 4217 (a symbol of "-" would read as a sign); vadesk
// validates both before anything is formatted.
func FuzzFormat(f *testing.F) {
	for _, c := range []struct {
		a    int64
		code string
	}{{0, "USD"}, {5, "USD"}, {-5, "EUR"}, {123456789, "JPY"}, {1000, "BHD"}, {-100000, "XYZ"}, {math.MaxInt64, "USD"}} {
		f.Add(c.a, c.code)
	}
	f.Fuzz(func(t *testing.T, amount int64, code string) {
		if amount == math.MinInt64 || !isoCode.MatchString(code) {
			t.Skip("not an amount and currency vadesk stores")
		}
		s := Format(amount, code)
		got, ok := parseFormatted(s, Lookup(code))
		if !ok || got != amount {
			t.Fatalf("Format(%d, %q) = %q reads back as %d", amount, code, s, got)
		}
	})
}
