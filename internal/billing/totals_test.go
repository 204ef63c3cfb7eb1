package billing

import (
	"errors"
	"math/big"
	"math/rand"
	"testing"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/money"
)

func TestComputeTotals(t *testing.T) {
	type want struct{ sub, tax, total, balance int64 }
	ok := []struct {
		name                 string
		amounts              []int64
		discount, rate, paid int64
		want                 want
	}{
		{"no lines", nil, 0, 0, 0, want{0, 0, 0, 0}},
		{"one line no tax", []int64{12345}, 0, 0, 0, want{12345, 0, 12345, 12345}},
		{"sum of rounded lines", []int64{1, 1, 1}, 0, 0, 0, want{3, 0, 3, 3}},
		{"20 % tax", []int64{10000}, 0, 2000, 0, want{10000, 2000, 12000, 12000}},
		// 0.5 cent of tax rounds up; 0.49.. rounds down.
		{"tax half rounds up", []int64{25}, 0, 2000, 0, want{25, 5, 30, 30}},
		{"tax 2.5 cents rounds up", []int64{125}, 0, 200, 0, want{125, 3, 128, 128}},
		{"tax 2.49 cents rounds down", []int64{83}, 0, 300, 0, want{83, 2, 85, 85}},
		{"tax rounded once on the sum, not per line", []int64{25, 25}, 0, 1000, 0, want{50, 5, 55, 55}},
		{"discount before tax", []int64{10000}, 1000, 2000, 0, want{10000, 1800, 10800, 10800}},
		{"discount equals subtotal", []int64{10000}, 10000, 2000, 0, want{10000, 0, 0, 0}},
		{"100 % tax", []int64{999}, 0, 10000, 0, want{999, 999, 1998, 1998}},
		{"8.25 % tax", []int64{1999}, 0, 825, 0, want{1999, 165, 2164, 2164}},
		{"part paid", []int64{10000}, 0, 0, 2500, want{10000, 0, 10000, 7500}},
		{"fully paid", []int64{10000}, 0, 2000, 12000, want{10000, 2000, 12000, 0}},
		{"zero lines", []int64{0, 0}, 0, 2000, 0, want{0, 0, 0, 0}},
		{"largest subtotal", []int64{money.MaxAmount}, 0, 10000, 0, want{money.MaxAmount, money.MaxAmount, 2 * money.MaxAmount, 2 * money.MaxAmount}},
	}
	for _, c := range ok {
		t.Run(c.name, func(t *testing.T) {
			got, err := ComputeTotals(c.amounts, c.discount, c.rate, c.paid)
			if err != nil {
				t.Fatal(err)
			}
			if g := (want{got.Subtotal, got.TaxTotal, got.Total, got.BalanceDue}); g != c.want {
				t.Fatalf("got %+v, want %+v", g, c.want)
			}
			if got.Discount != c.discount || got.AmountPaid != c.paid {
				t.Fatalf("discount/paid not carried: %+v", got)
			}
		})
	}
	bad := []struct {
		name                 string
		amounts              []int64
		discount, rate, paid int64
		field                string
	}{
		{"discount above subtotal", []int64{100}, 101, 0, 0, "discount"},
		{"discount on nothing", nil, 1, 0, 0, "discount"},
		{"negative discount", []int64{100}, -1, 0, 0, "discount"},
		{"negative tax", []int64{100}, 0, -1, 0, "tax_rate"},
		{"tax over 100 %", []int64{100}, 0, 10001, 0, "tax_rate"},
		{"negative line", []int64{100, -1}, 0, 0, 0, "lines"},
		{"subtotal overflow", []int64{money.MaxAmount, 1}, 0, 0, 0, "lines"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := ComputeTotals(c.amounts, c.discount, c.rate, c.paid)
			e, ok := apperr.As(err)
			if !errors.Is(err, apperr.ErrInvalid) || !ok || e.Fields[0].Field != c.field {
				t.Fatalf("err %v, want 422 on %s", err, c.field)
			}
		})
	}
}

func TestLineAmounts(t *testing.T) {
	cases := []struct {
		name       string
		fn         func(a, b int64) (int64, bool)
		a, b, want int64
		ok         bool
	}{
		{"time: 1 min at 1.00/h is 1.67 → 2 cents", TimeAmount, 1, 100, 2, true},
		{"time: 1 min at 0.30/h is 0.5 → 1 cent", TimeAmount, 1, 30, 1, true},
		{"time: 1 min at 0.29/h is 0.48 → 0", TimeAmount, 1, 29, 0, true},
		{"time: 90 min at 45.00/h", TimeAmount, 90, 4500, 6750, true},
		{"time: 7 min at 55.55/h is 648.08 → 648", TimeAmount, 7, 5555, 648, true},
		{"time: zero rate", TimeAmount, 600, 0, 0, true},
		{"time: overflow refused", TimeAmount, 1 << 40, 1 << 30, 0, false},
		{"qty: 1.5 × 10.00", QuantityAmount, 1500, 1000, 1500, true},
		{"qty: 0.001 × 5.00 is 0.5 → 1 cent", QuantityAmount, 1, 500, 1, true},
		{"qty: 0.333 × 0.01 → 0", QuantityAmount, 333, 1, 0, true},
		{"qty: 2 × 0", QuantityAmount, 2000, 0, 0, true},
		{"qty: overflow refused", QuantityAmount, MaxQuantityMilli, money.MaxAmount, 0, false},
		{"qty: negative refused", QuantityAmount, -1, 100, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := c.fn(c.a, c.b)
			if ok != c.ok || (ok && got != c.want) {
				t.Fatalf("got %d, %v; want %d, %v", got, ok, c.want, c.ok)
			}
		})
	}
}

// roundHalfUp is the independent reference: floor(x + 1/2) for x ≥ 0.
func roundHalfUp(x *big.Rat) *big.Int {
	h := new(big.Rat).Add(x, big.NewRat(1, 2))
	return new(big.Int).Quo(h.Num(), h.Denom()) // both positive: Quo truncates = floors
}

// TestTotalsProperty checks a thousand random invoices against the same
// rules computed with exact rationals: each line rounded half up once, the
// subtotal their sum, tax on (subtotal − discount) rounded half up once.
func TestTotalsProperty(t *testing.T) {
	rng := rand.New(rand.NewSource(20261102))
	for i := range 1000 {
		n := rng.Intn(40)
		amounts := make([]int64, 0, n)
		exactSub := new(big.Int)
		for range n {
			var amount int64
			var exact *big.Int
			if rng.Intn(3) > 0 {
				minutes, rate := int64(1+rng.Intn(1440*5)), int64(rng.Intn(50000))
				var ok bool
				if amount, ok = TimeAmount(minutes, rate); !ok {
					t.Fatalf("time %d × %d refused", minutes, rate)
				}
				exact = roundHalfUp(big.NewRat(minutes*rate, 60))
			} else {
				q, price := int64(1+rng.Intn(100000)), int64(rng.Intn(1000000))
				var ok bool
				if amount, ok = QuantityAmount(q, price); !ok {
					t.Fatalf("quantity %d × %d refused", q, price)
				}
				exact = roundHalfUp(new(big.Rat).Mul(big.NewRat(q, 1000), big.NewRat(price, 1)))
			}
			if exact.Int64() != amount {
				t.Fatalf("invoice %d: line %d, want %s", i, amount, exact)
			}
			amounts = append(amounts, amount)
			exactSub.Add(exactSub, exact)
		}
		sub := exactSub.Int64()
		var discount int64
		if sub > 0 && rng.Intn(2) == 0 {
			discount = rng.Int63n(sub + 1)
		}
		rate := int64(rng.Intn(MaxTaxRate + 1))
		taxable := new(big.Rat).SetInt64(sub - discount)
		exactTax := roundHalfUp(new(big.Rat).Mul(taxable, big.NewRat(rate, 10000)))
		exactTotal := new(big.Int).Add(big.NewInt(sub-discount), exactTax)
		var paid int64
		if exactTotal.Sign() > 0 {
			paid = rng.Int63n(exactTotal.Int64() + 1)
		}
		got, err := ComputeTotals(amounts, discount, rate, paid)
		if err != nil {
			t.Fatalf("invoice %d: %v", i, err)
		}
		if got.Subtotal != sub || got.TaxTotal != exactTax.Int64() || got.Total != exactTotal.Int64() ||
			got.BalanceDue != exactTotal.Int64()-paid || got.Total != got.Subtotal-got.Discount+got.TaxTotal {
			t.Fatalf("invoice %d (%v, discount %d, rate %d, paid %d): got %+v; want subtotal %d tax %s total %s",
				i, amounts, discount, rate, paid, got, sub, exactTax, exactTotal)
		}
	}
}
