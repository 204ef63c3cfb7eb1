package money

import (
	"regexp"
	"testing"

	"github.com/vadesk/vadesk/internal/apperr"
)

// The messages are part of the API: clients show them next to the field.
func TestCheckMessages(t *testing.T) {
	var c apperr.Check
	CheckAmount(&c, "fee", -1)
	CheckAmount(&c, "rate", MaxAmount+1)
	CheckAmount(&c, "discount", MaxAmount)
	CheckCurrency(&c, "currency", "usd")
	CheckCurrency(&c, "currency2", "USD")
	ae, ok := apperr.As(c.Err())
	if !ok {
		t.Fatalf("Err() = %v", c.Err())
	}
	want := []apperr.FieldError{
		{Field: "fee", Message: "must be between 0 and 100000000000000"},
		{Field: "rate", Message: "must be between 0 and 100000000000000"},
		{Field: "currency", Message: "must be an ISO 4217 code such as USD"},
	}
	if len(ae.Fields) != len(want) {
		t.Fatalf("fields %+v, want %+v", ae.Fields, want)
	}
	for i := range want {
		if ae.Fields[i] != want[i] {
			t.Errorf("field %d = %+v, want %+v", i, ae.Fields[i], want[i])
		}
	}
}

// FuzzCheck holds the money validators to their rules for any input.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{"", "USD", "usd", "EURO", "JPY", "XXX", "ZZZ", "\xff\xfe"} {
		f.Add(s, int64(0))
		f.Add(s, int64(MaxAmount))
	}
	f.Add("EUR", int64(-1))
	f.Add("EUR", int64(MaxAmount+1))
	currency := regexp.MustCompile(`^[A-Z]{3}$`)
	f.Fuzz(func(t *testing.T, s string, n int64) {
		var c apperr.Check
		CheckCurrency(&c, "f", s)
		if (c.Err() == nil) != (currency.MatchString(s) && Known(s)) {
			t.Fatalf("CheckCurrency(%q): %v", s, c.Err())
		}
		c = apperr.Check{}
		CheckAmount(&c, "f", n)
		if (c.Err() != nil) != (n < 0 || n > MaxAmount) {
			t.Fatalf("CheckAmount(%d): %v", n, c.Err())
		}
	})
}
