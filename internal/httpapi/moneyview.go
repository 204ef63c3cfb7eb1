package httpapi

import (
	"context"

	"github.com/vadesk/vadesk/internal/tenant"
)

// seesMoney reports whether the caller may see the practice's money
// settings (service, project and client rates, fixed fees, tax) and the
// amounts derived from them, such as an entry's rate and amount. Only the
// owner does: an assistant logs time and works tasks but never sees what
// the practice charges, not even on their own entries. Anyone else, or no
// scope at all, fails closed.
//
// Every answer that carries such a field asks this once, in its converter,
// and writes the field as null (never a misleading 0) when it is false.
func seesMoney(ctx context.Context) bool {
	sc, ok := tenant.From(ctx)
	return ok && sc.Role == tenant.Owner
}
