// Package money holds vadesk's arithmetic of money and billable time. Money
// is an integer count of a currency's minor unit; nothing here uses floats.
package money

import (
	"fmt"
	"math"
	"math/bits"
	"strings"
)

// RoundHalfUp returns num/den rounded to the nearest integer, halves away
// from zero (so 0.5 cent becomes 1 cent and -0.5 becomes -1). den must be > 0.
func RoundHalfUp(num, den int64) int64 {
	if num >= 0 {
		return (2*num + den) / (2 * den)
	}
	return -((-2*num + den) / (2 * den))
}

// MulDivRound returns a×b/den rounded half away from zero, with a 128-bit
// intermediate product so that a×b may exceed int64 as long as the result
// does not (a large invoice subtotal times a tax rate in basis points, say).
// den must be > 0; a result beyond int64 saturates.
func MulDivRound(a, b, den int64) int64 {
	neg := (a < 0) != (b < 0)
	hi, lo := bits.Mul64(absU(a), absU(b))
	// (2·a·b + den) / (2·den), in 128 bits.
	hi, lo = hi<<1|lo>>63, lo<<1
	var carry uint64
	lo, carry = bits.Add64(lo, uint64(den), 0)
	hi += carry
	d := 2 * uint64(den)
	if hi >= d {
		if neg {
			return math.MinInt64
		}
		return math.MaxInt64
	}
	q, _ := bits.Div64(hi, lo, d)
	if q > math.MaxInt64 {
		q = math.MaxInt64
	}
	if neg {
		return -int64(q)
	}
	return int64(q)
}

func absU(v int64) uint64 {
	if v < 0 {
		return uint64(-(v + 1)) + 1
	}
	return uint64(v)
}

// LineAmount is the money for minutes of work at an hourly rate:
// round_half_up(minutes × rate / 60).
func LineAmount(minutes, hourlyRate int64) int64 {
	return MulDivRound(minutes, hourlyRate, 60)
}

// Tax is the tax on a taxable amount at rate basis points (1 bp = 0.01 %),
// rounded half up once.
func Tax(taxable, rateBP int64) int64 {
	return MulDivRound(taxable, rateBP, 10000)
}

// RoundingIncrements are the billing increments a client may use; 0 means
// none.
var RoundingIncrements = []int64{0, 6, 10, 15, 30, 60}

// RoundUp returns minutes rounded up to the next multiple of increment
// (unchanged when increment is 0).
func RoundUp(minutes, increment int64) int64 {
	if increment <= 0 || minutes <= 0 {
		return minutes
	}
	return (minutes + increment - 1) / increment * increment
}

// Currency describes how to write amounts of one ISO 4217 currency.
type Currency struct {
	Code   string
	Symbol string
	Digits int
}

var currencies = map[string]Currency{
	"USD": {"USD", "$", 2}, "EUR": {"EUR", "€", 2}, "GBP": {"GBP", "£", 2},
	"CAD": {"CAD", "CA$", 2}, "AUD": {"AUD", "A$", 2}, "NZD": {"NZD", "NZ$", 2},
	"CHF": {"CHF", "CHF ", 2}, "JPY": {"JPY", "¥", 0}, "KRW": {"KRW", "₩", 0},
	"INR": {"INR", "₹", 2}, "PHP": {"PHP", "₱", 2}, "SEK": {"SEK", "kr ", 2},
	"NOK": {"NOK", "kr ", 2}, "DKK": {"DKK", "kr ", 2}, "PLN": {"PLN", "zł ", 2},
	"ZAR": {"ZAR", "R ", 2}, "MXN": {"MXN", "MX$", 2}, "BRL": {"BRL", "R$", 2},
	"SGD": {"SGD", "S$", 2}, "HKD": {"HKD", "HK$", 2}, "BHD": {"BHD", "BD ", 3},
	"KWD": {"KWD", "KD ", 3}, "CZK": {"CZK", "Kč ", 2}, "HUF": {"HUF", "Ft ", 2},
}

// Lookup returns what is known of code; other codes are written with the
// code itself as symbol and their ISO 4217 minor-unit digits.
func Lookup(code string) Currency {
	if c, ok := currencies[code]; ok {
		return c
	}
	return Currency{Code: code, Symbol: code + " ", Digits: Digits(code)}
}

// Format writes amount (minor units) of currency code, e.g. "$1,234.50",
// "¥1,235", "-€0.05".
func Format(amount int64, code string) string {
	c := Lookup(code)
	neg := amount < 0
	abs := absU(amount) // math.MinInt64 has no int64 negation
	div := uint64(1)
	for range c.Digits {
		div *= 10
	}
	whole, frac := abs/div, abs%div
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	b.WriteString(c.Symbol)
	b.WriteString(GroupThousands(whole))
	if c.Digits > 0 {
		fmt.Fprintf(&b, ".%0*d", c.Digits, frac)
	}
	return b.String()
}

// GroupThousands writes n with comma thousands separators, as Format
// writes amounts (the PDF writes quantities the same way).
func GroupThousands(n uint64) string {
	s := fmt.Sprint(n)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}
