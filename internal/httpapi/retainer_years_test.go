package httpapi_test

import (
	"strings"
	"testing"

	"github.com/vadesk/vadesk/internal/apitest"
)

// A retainer's periods (YYYY-MM) are of the years 1900 to 2999, like every
// other date: a period the API is given outside them, in a query or a
// body, is a 422 naming the field, even on a retainer that runs on without
// an end; the edges pass.
func TestRetainerPeriodsOutsideTheYearsAreRefused(t *testing.T) {
	env := apitest.New(t)
	f := newReportFixture(t, env)
	// From the first month vadesk knows, running on: every period in the
	// years is one of its own.
	rid := newRetainer(t, f, f.usd, map[string]any{"starts_on": "1900-01-01"})
	ret := apitest.Path("/api/v1/clients/%d/retainers/%d", f.usd, rid)
	usage := func(p string) string { return ret + "/usage?period=" + p }
	terms := func(from string) map[string]any { return map[string]any{"fee": 55000, "effective_from": from} }

	refused := []struct {
		name, method, path string
		body               any
		field              string
	}{
		{"usage of year 0", "GET", usage("0000-01"), nil, "period"},
		{"usage of 1899", "GET", usage("1899-12"), nil, "period"},
		{"usage of 3000", "GET", usage("3000-01"), nil, "period"},
		{"usage of 9999", "GET", usage("9999-12"), nil, "period"},
		{"invoice for year 0", "POST", ret + "/invoices", map[string]any{"period": "0000-01"}, "period"},
		{"invoice for 1899", "POST", ret + "/invoices", map[string]any{"period": "1899-12"}, "period"},
		{"invoice for 3000", "POST", ret + "/invoices", map[string]any{"period": "3000-01"}, "period"},
		{"invoice for 9999", "POST", ret + "/invoices", map[string]any{"period": "9999-12"}, "period"},
		{"terms from year 0", "PATCH", ret, terms("0000-01"), "effective_from"},
		{"terms from 3000", "PATCH", ret, terms("3000-01"), "effective_from"},
		{"terms from 9999", "PATCH", ret, terms("9999-12"), "effective_from"},
	}
	for _, c := range refused {
		res := f.owner.Do(c.method, c.path, c.body)
		if res.Status != 422 || !res.Problem(t).HasField(c.field) {
			t.Errorf("%s: %d %s; want 422 on %s", c.name, res.Status, res.Body, c.field)
			continue
		}
		if !strings.Contains(string(res.Body), "1900 to 2999") {
			t.Errorf("%s: the problem does not name the years: %s", c.name, res.Body)
		}
	}
	if got := f.owner.Must(200, "GET", ret, nil); len(got["terms"].([]any)) != 1 {
		t.Errorf("a refused change of terms was kept: %v", got["terms"])
	}

	// The edges of the range are fine.
	if u := getUsage(t, f.owner, f.usd, rid, "1900-01"); u.Period != "1900-01" {
		t.Errorf("usage of 1900-01: %+v", u)
	}
	if u := getUsage(t, f.owner, f.usd, rid, "2999-12"); u.Period != "2999-12" {
		t.Errorf("usage of 2999-12: %+v", u)
	}
	f.owner.Must(200, "PATCH", ret, terms("2999-12"))
	f.owner.Must(201, "POST", ret+"/invoices", map[string]any{"period": "1900-01"})
}
