package billing

import (
	"math"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/money"
)

// Totals are the sums of an invoice, all in minor units of its currency.
// DESIGN.md fixes the order: lines are rounded one by one, the subtotal is
// their sum, the discount comes off before tax, and tax is computed on what
// is left and rounded once.
type Totals struct {
	Subtotal   int64
	Discount   int64
	TaxTotal   int64
	Total      int64
	AmountPaid int64
	BalanceDue int64
}

// MaxTaxRate is 100 % in basis points; no tax is higher.
const MaxTaxRate = 10000

// ComputeTotals sums line amounts into an invoice's totals. It refuses a
// discount larger than the subtotal (an invoice never goes negative) and a
// subtotal beyond money.MaxAmount (where tax arithmetic could overflow).
func ComputeTotals(amounts []int64, discount, taxRateBP, paid int64) (Totals, error) {
	var sub int64
	for _, a := range amounts {
		if a < 0 || a > money.MaxAmount || sub > money.MaxAmount-a {
			return Totals{}, apperr.Invalid("lines", "the invoice's lines add up to more than this app can bill on one invoice")
		}
		sub += a
	}
	switch {
	case discount < 0:
		return Totals{}, apperr.Invalid("discount", "must not be negative")
	case discount > sub:
		return Totals{}, apperr.Invalid("discount", "must not be larger than the subtotal of the lines")
	case taxRateBP < 0 || taxRateBP > MaxTaxRate:
		return Totals{}, apperr.Invalid("tax_rate", "must be between 0 and 10000 basis points")
	}
	t := Totals{Subtotal: sub, Discount: discount, AmountPaid: paid}
	t.TaxTotal = money.Tax(sub-discount, taxRateBP)
	t.Total = sub - discount + t.TaxTotal
	t.BalanceDue = t.Total - paid
	return t, nil
}

// TimeAmount is the money for minutes at an hourly rate, rounded half up
// once; ok is false when the product would not fit in int64.
func TimeAmount(minutes, hourlyRate int64) (amount int64, ok bool) {
	if !mulFits(minutes, hourlyRate) {
		return 0, false
	}
	return money.LineAmount(minutes, hourlyRate), true
}

// QuantityAmount is the money for a quantity in thousandths at a unit
// price: round_half_up(quantity_milli × unit_price / 1000); ok is false when
// the product would not fit in int64.
func QuantityAmount(quantityMilli, unitPrice int64) (amount int64, ok bool) {
	if !mulFits(quantityMilli, unitPrice) {
		return 0, false
	}
	return money.RoundHalfUp(quantityMilli*unitPrice, 1000), true
}

// mulFits reports whether a×b fits in int64 for non-negative a and b (and
// keeps 2×a×b + den of RoundHalfUp in range too, hence the halved limit).
func mulFits(a, b int64) bool {
	if a < 0 || b < 0 {
		return false
	}
	return a == 0 || b <= (math.MaxInt64/4)/a
}
