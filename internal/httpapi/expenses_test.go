package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vadesk/vadesk/internal/apitest"
)

func (f *wlFixture) expense(clientID int64, extra map[string]any) map[string]any {
	f.t.Helper()
	body := merge(map[string]any{"client_id": clientID, "date": "2026-11-02", "amount": 1299, "description": "Stock photos"}, extra)
	return f.owner.Must(201, "POST", "/api/v1/expenses", body)
}

func TestExpenseCRUD(t *testing.T) {
	f := newWL(t, "Expenses")
	cl := f.client(map[string]any{"currency": "EUR"})
	pr := f.project(cl, nil)
	m := f.expense(cl, map[string]any{"description": "  Canva Pro, November  ", "project_id": pr})
	want := map[string]any{"client_id": float64(cl), "project_id": float64(pr), "date": "2026-11-02", "amount": float64(1299),
		"currency": "EUR", "description": "Canva Pro, November", "billable": true, "invoice_id": nil,
		"draft_invoice_id": nil, "locked": false, "version": float64(1)}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	p := apitest.Path("/api/v1/expenses/%d", num(t, m, "id"))
	if got := f.owner.Must(200, "GET", p, nil); fmt.Sprint(got) != fmt.Sprint(m) {
		t.Errorf("GET %v\nPOST %v", got, m)
	}
	upd := f.owner.Must(200, "PATCH", p, map[string]any{"amount": 1500, "billable": false, "project_id": nil, "version": 1})
	if num(t, upd, "amount") != 1500 || upd["billable"] != false || upd["project_id"] != nil || num(t, upd, "version") != 2 ||
		upd["description"] != "Canva Pro, November" || upd["currency"] != "EUR" {
		t.Errorf("patched: %v", upd)
	}
	f.status(f.owner, 409, "PATCH", p, map[string]any{"amount": 1, "version": 1})
	f.owner.Must(204, "DELETE", p, nil)
	f.status(f.owner, 404, "GET", p, nil)
	f.status(f.owner, 404, "DELETE", p, nil)
	f.status(f.owner, 404, "PATCH", p, map[string]any{"amount": 1})
	f.status(f.owner, 404, "GET", "/api/v1/expenses/abc", nil)
}

func TestExpenseValidation(t *testing.T) {
	f := newWL(t, "ExpenseValidation")
	cl := f.client(nil)
	other := f.client(nil)
	arch := f.client(map[string]any{"status": "archived"})
	otherPr := f.project(other, nil)
	path := "/api/v1/expenses"
	good := func(k string, v any) map[string]any {
		b := map[string]any{"client_id": cl, "date": "2026-11-02", "amount": 500, "description": "Postage"}
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
		return b
	}
	for _, c := range []struct {
		name  string
		body  any
		field string
	}{
		{"no client", good("client_id", nil), "client_id"},
		{"no date", good("date", nil), "date"},
		{"no amount", good("amount", nil), "amount"},
		{"no description", good("description", nil), "description"},
		{"blank description", good("description", "   "), "description"},
		{"long description", good("description", strings.Repeat("d", 501)), "description"},
		{"zero amount", good("amount", 0), "amount"},
		{"negative amount", good("amount", -1), "amount"},
		{"too much money", good("amount", int64(100_000_000_000_001)), "amount"},
		{"fractional amount", good("amount", 12.5), "amount"},
		{"amount as text", good("amount", "500"), "amount"},
		{"bad date", good("date", "2026-13-01"), "date"},
		{"US date", good("date", "11/02/2026"), "date"},
		{"time for a date", good("date", "2026-11-02T09:00:00Z"), "date"},
		{"unknown client", good("client_id", 999999), "client_id"},
		{"archived client", good("client_id", arch), "client_id"},
		{"project of another client", good("project_id", otherPr), "project_id"},
		{"unknown project", good("project_id", 999999), "project_id"},
		{"project 0 for none", good("project_id", 0), "project_id"},
		{"negative project", good("project_id", -1), "project_id"},
		{"unknown field", good("currency", "EUR"), "currency"},
		{"version on create", good("version", 1), "version"},
	} {
		f.invalid(f.owner, "POST", path, c.body, c.field)
	}
	res := f.owner.Do("POST", path, map[string]any{})
	if p := res.Problem(t); res.Status != 422 || !p.HasField("client_id") || !p.HasField("date") || !p.HasField("amount") || !p.HasField("description") {
		t.Errorf("empty body should name every required field: %s", res.Body)
	}
	f.status(f.owner, 400, "POST", path, "{")

	x := f.expense(cl, nil)
	p := apitest.Path("%s/%d", path, num(t, x, "id"))
	for _, c := range []struct {
		body  any
		field string
	}{
		{map[string]any{"amount": 0}, "amount"},
		{map[string]any{"date": "tomorrow"}, "date"},
		{map[string]any{"description": ""}, "description"},
		{map[string]any{"client_id": other, "project_id": otherPr, "amount": -1}, "amount"},
		{map[string]any{"project_id": otherPr}, "project_id"},
		{map[string]any{"project_id": 0}, "project_id"},
		{map[string]any{"client_id": arch}, "client_id"},
	} {
		f.invalid(f.owner, "PATCH", p, c.body, c.field)
	}
	if got := f.owner.Must(200, "GET", p, nil); fmt.Sprint(got) != fmt.Sprint(x) {
		t.Errorf("failed PATCHes changed the expense: %v", got)
	}
	// Moving to another client with that client's project is fine.
	moved := f.owner.Must(200, "PATCH", p, map[string]any{"client_id": other, "project_id": otherPr})
	if num(t, moved, "client_id") != other || num(t, moved, "project_id") != otherPr {
		t.Errorf("moved: %v", moved)
	}
	for _, q := range []string{"limit=0", "cursor=!!!", "cursor=bm9wZQ", "client_id=-1", "invoiced=perhaps", "from=2026-02-30"} {
		f.invalid(f.owner, "GET", path+"?"+q, nil, strings.SplitN(q, "=", 2)[0])
	}
	f.invalid(f.owner, "GET", path+"?from=2026-11-05&to=2026-11-04", nil, "to")
}

func TestExpenseLock(t *testing.T) {
	f := newWL(t, "ExpenseLock")
	cl := f.client(nil)
	id := num(t, f.expense(cl, nil), "id")
	inv := f.invoice(cl, "issued")
	f.exec("UPDATE expenses SET invoice_id = ? WHERE id = ?", inv, id)
	p := apitest.Path("/api/v1/expenses/%d", id)
	got := f.owner.Must(200, "GET", p, nil)
	if got["locked"] != true || num(t, got, "invoice_id") != inv {
		t.Fatalf("locked expense: %v", got)
	}
	res := f.status(f.owner, 409, "PATCH", p, map[string]any{"amount": 1})
	if !strings.Contains(res.Problem(t).Detail, "void the invoice") {
		t.Errorf("lock message: %s", res.Body)
	}
	f.status(f.owner, 409, "DELETE", p, nil)

	held := num(t, f.expense(cl, nil), "id")
	draft := f.invoice(cl, "draft")
	f.exec("UPDATE expenses SET draft_invoice_id = ? WHERE id = ?", draft, held)
	upd := f.owner.Must(200, "PATCH", apitest.Path("/api/v1/expenses/%d", held), map[string]any{"amount": 42})
	if upd["locked"] != false || num(t, upd, "draft_invoice_id") != draft || num(t, upd, "amount") != 42 {
		t.Errorf("draft-held expense: %v", upd)
	}
}

func TestExpenseListFiltersAndCursor(t *testing.T) {
	f := newWL(t, "ExpenseList")
	a := f.client(nil)
	b := f.client(map[string]any{"currency": "GBP"})
	pr := f.project(a, nil)
	mk := func(cl int64, date string, extra map[string]any) int64 {
		return num(t, f.expense(cl, merge(map[string]any{"date": date}, extra)), "id")
	}
	x1 := mk(a, "2026-11-02", nil)
	x2 := mk(b, "2026-11-03", nil)
	x3 := mk(a, "2026-11-02", map[string]any{"project_id": pr})
	x4 := mk(a, "2026-10-31", map[string]any{"billable": false})
	x5 := mk(b, "2026-11-02", nil)
	x6 := mk(a, "2026-12-01", nil)
	inv := f.invoice(a, "issued")
	f.exec("UPDATE expenses SET invoice_id = ? WHERE id = ?", inv, x1)

	for _, c := range []struct {
		query string
		want  []int64
	}{
		{"", []int64{x6, x2, x5, x3, x1, x4}},
		{"client_id=" + fmt.Sprint(a), []int64{x6, x3, x1, x4}},
		{"client_id=" + fmt.Sprint(b), []int64{x2, x5}},
		{"project_id=" + fmt.Sprint(pr), []int64{x3}},
		{"billable=false", []int64{x4}},
		{"invoiced=true", []int64{x1}},
		{"invoiced=false&client_id=" + fmt.Sprint(a), []int64{x6, x3, x4}},
		{"from=2026-11-02&to=2026-11-02", []int64{x5, x3, x1}},
		{"from=2026-11-03", []int64{x6, x2}},
		{"to=2026-11-01", []int64{x4}},
		{"from=2027-01-01", nil},
	} {
		path := "/api/v1/expenses"
		if c.query != "" {
			path += "?" + c.query
		}
		if got := wlWalk(t, f.owner, path); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%q: %v, want %v", c.query, got, c.want)
		}
	}
	var page struct {
		Items []struct {
			ClientID int64  `json:"client_id"`
			Currency string `json:"currency"`
		} `json:"items"`
	}
	f.owner.Do("GET", "/api/v1/expenses", nil).JSON(t, &page)
	for _, it := range page.Items {
		if want := map[int64]string{a: "USD", b: "GBP"}[it.ClientID]; it.Currency != want {
			t.Errorf("client %d: %s, want %s", it.ClientID, it.Currency, want)
		}
	}
}

func TestExpensesOfAnotherPracticeAre404(t *testing.T) {
	f := newWL(t, "MyExpenses")
	g := f.in("TheirExpenses")
	theirCl := g.client(nil)
	theirPr := g.project(theirCl, nil)
	theirs := num(t, g.expense(theirCl, nil), "id")
	cl := f.client(nil)
	mine := num(t, f.expense(cl, nil), "id")
	p := apitest.Path("/api/v1/expenses/%d", theirs)
	f.status(f.owner, 404, "GET", p, nil)
	f.status(f.owner, 404, "PATCH", p, map[string]any{"amount": 1})
	f.status(f.owner, 404, "DELETE", p, nil)
	if got := wlWalk(t, f.owner, "/api/v1/expenses"); fmt.Sprint(got) != fmt.Sprint([]int64{mine}) {
		t.Errorf("list shows %v", got)
	}
	f.invalid(f.owner, "POST", "/api/v1/expenses", map[string]any{"client_id": theirCl, "date": "2026-11-02", "amount": 1, "description": "x"}, "client_id")
	f.invalid(f.owner, "PATCH", apitest.Path("/api/v1/expenses/%d", mine), map[string]any{"project_id": theirPr}, "project_id")
	if got := g.owner.Must(200, "GET", p, nil); num(t, got, "version") != 1 {
		t.Errorf("their expense changed: %v", got)
	}
}
