package money

import (
	"regexp"

	"github.com/vadesk/vadesk/internal/apperr"
)

// MaxAmount is the largest amount of money (in minor units) vadesk accepts
// in one field: a trillion units, far beyond any VA's invoice, and small
// enough that sums of many such amounts cannot overflow int64.
const MaxAmount = 1_000_000_000_000_00

// CheckAmount records on c a problem with a non-negative amount in minor
// units beyond MaxAmount.
func CheckAmount(c *apperr.Check, field string, v int64) { c.Range(field, v, 0, MaxAmount) }

var currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)

// CheckCurrency records on c a problem with v unless it is an active ISO
// 4217 code (see Known), written in capitals.
func CheckCurrency(c *apperr.Check, field, v string) {
	if !currencyRE.MatchString(v) || !Known(v) {
		c.Add(field, "must be an ISO 4217 code such as USD")
	}
}
