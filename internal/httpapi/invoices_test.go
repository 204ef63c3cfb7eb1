package httpapi_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/money"
	"github.com/vadesk/vadesk/internal/tenant"
)

// billingDesk is a practice with one client and two services, in New York
// time, ready to log work and bill it.
type billingDesk struct {
	t        *testing.T
	env      *apitest.Env
	owner    *apitest.Actor
	client   int64
	email    int64 // "Email and inbox management", 40.00/h by default
	website  int64 // "Website updates", 50.00/h
	clientNm string
}

func newBillingDesk(t *testing.T, name string) *billingDesk {
	t.Helper()
	env := apitest.New(t)
	return billingDeskIn(t, env, env.NewPractice(name))
}

func billingDeskIn(t *testing.T, env *apitest.Env, owner *apitest.Actor) *billingDesk {
	t.Helper()
	owner.Must(200, "PATCH", "/api/v1/settings", map[string]any{
		"timezone": "America/New_York", "address": "1 Main St\nSpringfield", "tax_id": "US-123",
		"payment_details": "IBAN DE00 1234", "default_footer": "Thank you!",
	})
	d := &billingDesk{t: t, env: env, owner: owner, clientNm: "Zoë Łukasiewicz"}
	d.client = d.newClient(d.clientNm, "ZL")
	for _, s := range owner.Must(200, "GET", "/api/v1/services", nil)["items"].([]any) {
		m := s.(map[string]any)
		switch m["name"] {
		case "Email and inbox management":
			d.email = apitest.ID(t, m, "id")
		case "Website updates":
			d.website = apitest.ID(t, m, "id")
		}
	}
	if d.email == 0 || d.website == 0 {
		t.Fatal("seeded services missing")
	}
	return d
}

func (d *billingDesk) newClient(name, code string) int64 {
	d.t.Helper()
	return apitest.ID(d.t, d.owner.Must(201, "POST", "/api/v1/clients", map[string]any{
		"name": name, "company": "Łukasiewicz Realty", "address": "Rynek 1\nKraków", "code": code, "payment_terms_days": 30,
	}), "id")
}

// entry logs billable time for the desk's client and returns its id.
func (d *billingDesk) entry(startedAt string, minutes int, service int64, extra ...map[string]any) int64 {
	d.t.Helper()
	body := map[string]any{"client_id": d.client, "service_id": service, "started_at": startedAt, "minutes": minutes}
	for _, e := range extra {
		for k, v := range e {
			body[k] = v
		}
	}
	return apitest.ID(d.t, d.owner.Must(201, "POST", "/api/v1/time-entries", body), "id")
}

func (d *billingDesk) expense(date string, amount int64, desc string) int64 {
	d.t.Helper()
	return apitest.ID(d.t, d.owner.Must(201, "POST", "/api/v1/expenses", map[string]any{
		"client_id": d.client, "date": date, "amount": amount, "description": desc,
	}), "id")
}

func (d *billingDesk) draft(from, to string, extra ...map[string]any) map[string]any {
	d.t.Helper()
	body := map[string]any{"client_id": d.client, "from": from, "to": to}
	for _, e := range extra {
		for k, v := range e {
			body[k] = v
		}
	}
	return d.owner.Must(201, "POST", "/api/v1/invoices", body)
}

func invPath(id int64, rest ...string) string {
	return fmt.Sprintf("/api/v1/invoices/%d", id) + strings.Join(rest, "")
}

func invNum(m map[string]any, field string) int64 {
	v, _ := m[field].(float64)
	return int64(v)
}

func invLines(m map[string]any) []map[string]any {
	var out []map[string]any
	for _, l := range m["lines"].([]any) {
		out = append(out, l.(map[string]any))
	}
	return out
}

func invIDs(v any) []int64 {
	var out []int64
	for _, x := range v.([]any) {
		out = append(out, int64(x.(float64)))
	}
	return out
}

// A month of work becomes an exact invoice: drafted, issued with the first
// number, its entries locked, paid in two parts.
func TestInvoiceMonthJourney(t *testing.T) {
	d := newBillingDesk(t, "Journey")
	o := d.owner
	a := d.entry("2026-10-05T14:00:00Z", 90, d.email, map[string]any{"note": "Inbox zero", "internal_note": "client was rude"})
	b := d.entry("2026-10-12T14:00:00Z", 45, d.email)
	c := d.entry("2026-10-20T14:00:00Z", 60, d.website)
	// 23:30 in New York on October 31 is November 1 in UTC: still October.
	late := d.entry("2026-11-01T03:30:00Z", 15, d.website)
	// 22:00 in New York on September 30 is October 1 in UTC: not October.
	d.entry("2026-10-01T02:00:00Z", 30, d.email)
	d.entry("2026-10-07T14:00:00Z", 30, d.email, map[string]any{"billable": false})
	x := d.expense("2026-10-15", 1299, "Canva Pro")
	d.expense("2026-11-01", 500, "next month")

	inv := d.draft("2026-10-01", "2026-10-31", map[string]any{"tax_rate": 2000, "tax_name": "VAT"})
	id := apitest.ID(t, inv, "id")
	if inv["status"] != "draft" || inv["number"] != nil || inv["currency"] != "USD" || inv["issue_date"] != nil {
		t.Fatalf("draft %v", inv)
	}
	ls := invLines(inv)
	// Email 135 min at 40.00 = 90.00; Website 75 min at 50.00 = 62.50;
	// the expense 12.99.
	want := []struct {
		kind    string
		minutes int64
		amount  int64
		sources []int64
	}{
		{"time", 135, 9000, []int64{a, b}},
		{"time", 75, 6250, []int64{c, late}},
		{"expense", 0, 1299, []int64{x}},
	}
	if len(ls) != len(want) {
		t.Fatalf("lines %v", ls)
	}
	for i, w := range want {
		l := ls[i]
		src := append(invIDs(l["entry_ids"]), invIDs(l["expense_ids"])...)
		slices.Sort(src)
		if l["kind"] != w.kind || invNum(l, "quantity_minutes") != w.minutes || invNum(l, "amount") != w.amount || !slices.Equal(src, w.sources) {
			t.Errorf("line %d: %v, want %+v", i, l, w)
		}
	}
	// 165.49 + 20 % VAT (33.098 → 33.10) = 198.59
	if invNum(inv, "subtotal") != 16549 || invNum(inv, "tax_total") != 3310 || invNum(inv, "total") != 19859 || invNum(inv, "balance_due") != 19859 {
		t.Fatalf("totals %v", inv)
	}
	if inv["footer"] != "Thank you!" {
		t.Fatalf("default footer not taken: %v", inv["footer"])
	}

	// Work logged after the draft was made is not silently added.
	after := d.entry("2026-10-25T14:00:00Z", 30, d.email)
	if got := o.Must(200, "GET", invPath(id), nil); invNum(got, "total") != 19859 {
		t.Fatalf("draft changed by a later entry: %v", got)
	}
	// A second draft of the same period gets only what the first left.
	second := d.draft("2026-10-01", "2026-10-31")
	if ls := invLines(second); len(ls) != 1 || !slices.Equal(invIDs(ls[0]["entry_ids"]), []int64{after}) {
		t.Fatalf("second draft %v", second)
	}
	o.Must(204, "DELETE", invPath(apitest.ID(t, second, "id")), nil)

	issued := o.Must(200, "POST", invPath(id, "/issue"), nil)
	if issued["number"] != "INV-2026-0001" || issued["status"] != "issued" || issued["issue_date"] != "2026-11-02" ||
		issued["due_date"] != "2026-12-02" || invNum(issued, "total") != 19859 || issued["overdue"] != false {
		t.Fatalf("issued %v", issued)
	}
	// Its work is locked; the later entry is not.
	for _, e := range []int64{a, b, c, late} {
		got := o.Must(200, "GET", fmt.Sprintf("/api/v1/time-entries/%d", e), nil)
		if invNum(got, "invoice_id") != id || got["draft_invoice_id"] != nil {
			t.Fatalf("entry %d after issue: %v", e, got)
		}
		if res := o.Do("PATCH", fmt.Sprintf("/api/v1/time-entries/%d", e), map[string]any{"note": "changed"}); res.Status != http.StatusConflict {
			t.Fatalf("PATCH of a billed entry: %d %s", res.Status, res.Body)
		}
	}
	if res := o.Do("DELETE", fmt.Sprintf("/api/v1/expenses/%d", x), nil); res.Status != http.StatusConflict {
		t.Fatalf("DELETE of a billed expense: %d", res.Status)
	}
	if got := o.Must(200, "GET", fmt.Sprintf("/api/v1/time-entries/%d", after), nil); got["invoice_id"] != nil {
		t.Fatalf("later entry was billed: %v", got)
	}
	// Issued invoices are locked too.
	for _, r := range []struct{ method, path string }{
		{"PATCH", invPath(id)}, {"POST", invPath(id, "/issue")}, {"POST", invPath(id, "/refresh")},
		{"DELETE", invPath(id)}, {"POST", invPath(id, "/lines")},
	} {
		var body any
		if r.method != "DELETE" && !strings.HasSuffix(r.path, "issue") && !strings.HasSuffix(r.path, "refresh") {
			body = map[string]any{"notes": "x"}
			if strings.HasSuffix(r.path, "lines") {
				body = map[string]any{"description": "x", "unit_price": 1}
			}
		}
		if res := o.Do(r.method, r.path, body); res.Status != http.StatusConflict {
			t.Errorf("%s %s on an issued invoice: %d %s", r.method, r.path, res.Status, res.Body)
		}
	}

	// Payments: part, an over-payment refused, the rest.
	p1 := o.Must(201, "POST", invPath(id, "/payments"), map[string]any{"amount": 10000, "method": "bank transfer", "reference": "TX-1"})
	if p1["date"] != "2026-11-02" {
		t.Fatalf("payment date %v", p1)
	}
	got := o.Must(200, "GET", invPath(id), nil)
	if got["status"] != "partially_paid" || invNum(got, "amount_paid") != 10000 || invNum(got, "balance_due") != 9859 {
		t.Fatalf("after part payment %v", got)
	}
	res := o.Do("POST", invPath(id, "/payments"), map[string]any{"amount": 9860})
	if p := res.Problem(t); res.Status != http.StatusUnprocessableEntity || !p.HasField("amount") {
		t.Fatalf("over-payment: %d %s", res.Status, res.Body)
	}
	o.Must(201, "POST", invPath(id, "/payments"), map[string]any{"amount": 9859, "date": "2026-11-20"})
	got = o.Must(200, "GET", invPath(id), nil)
	if got["status"] != "paid" || invNum(got, "balance_due") != 0 {
		t.Fatalf("after full payment %v", got)
	}
	if ps := o.Must(200, "GET", invPath(id, "/payments"), nil)["items"].([]any); len(ps) != 2 {
		t.Fatalf("payments %v", ps)
	}
	if res := o.Do("POST", invPath(id, "/payments"), map[string]any{"amount": 1}); res.Status != http.StatusConflict {
		t.Fatalf("payment on a paid invoice: %d", res.Status)
	}
	// A paid invoice is not voided while it has payments.
	if res := o.Do("POST", invPath(id, "/void"), nil); res.Status != http.StatusConflict || !strings.Contains(res.Problem(t).Detail, "payment") {
		t.Fatalf("void with payments: %d %s", res.Status, res.Body)
	}

	// The PDF names the number, the client and the total.
	pdfRes := o.Do("GET", invPath(id, "/pdf?timesheet=true"), nil)
	if pdfRes.Status != 200 || pdfRes.Header.Get("Content-Type") != "application/pdf" ||
		!strings.Contains(pdfRes.Header.Get("Content-Disposition"), `filename=INV-2026-0001.pdf`) {
		t.Fatalf("pdf: %d %v", pdfRes.Status, pdfRes.Header)
	}
	text := invoicePDFText(t, pdfRes.Body)
	for _, s := range []string{"INV-2026-0001", d.clientNm, money.Format(19859, "USD"), "Inbox zero", "Canva Pro", "IBAN DE00 1234"} {
		if text != "" && !strings.Contains(text, s) {
			t.Errorf("PDF text lacks %q:\n%s", s, text)
		}
	}
	if strings.Contains(text, "client was rude") {
		t.Error("the internal note is on the PDF")
	}
}

// pdfText checks a PDF with qpdf and returns its text by pdftotext; both
// tools missing skips the check loudly (required with VADESK_PDF_TOOLS=required).
func invoicePDFText(t *testing.T, b []byte) string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.40q", b)
	}
	_, errText := exec.LookPath("pdftotext")
	if errText != nil {
		if os.Getenv("VADESK_PDF_TOOLS") == "required" {
			t.Fatal("pdftotext is not installed and VADESK_PDF_TOOLS=required")
		}
		t.Log("!!! pdftotext is not installed: PDF text NOT checked (install poppler-utils)")
		return ""
	}
	path := filepath.Join(t.TempDir(), "invoice.pdf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("qpdf"); err == nil {
		if out, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil {
			t.Fatalf("qpdf --check: %v\n%s", err, out)
		}
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func TestInvoiceGroupBy(t *testing.T) {
	d := newBillingDesk(t, "Grouping")
	o := d.owner
	task := apitest.ID(t, o.Must(201, "POST", "/api/v1/tasks", map[string]any{"client_id": d.client, "title": "Newsletter"}), "id")
	// 7 minutes at 40.00 is 4.6667: per entry 4.67 each, grouped 9.33 for 14.
	d.entry("2026-10-05T14:00:00Z", 7, d.email, map[string]any{"task_id": task, "note": "draft"})
	d.entry("2026-10-06T14:00:00Z", 7, d.email, map[string]any{"task_id": task})
	d.entry("2026-10-07T14:00:00Z", 20, d.email)
	d.entry("2026-10-08T14:00:00Z", 30, d.website)
	cases := []struct {
		groupBy  string
		descs    []string
		amounts  []int64
		subtotal int64
	}{
		{"service", []string{"Email and inbox management", "Website updates"}, []int64{2267, 2500}, 4767},
		{"task", []string{"Newsletter", "Email and inbox management", "Website updates"}, []int64{933, 1333, 2500}, 4766},
		{"entry", []string{"2026-10-05 · Email and inbox management — draft", "2026-10-06 · Email and inbox management",
			"2026-10-07 · Email and inbox management", "2026-10-08 · Website updates"}, []int64{467, 467, 1333, 2500}, 4767},
	}
	for _, c := range cases {
		t.Run(c.groupBy, func(t *testing.T) {
			inv := d.draft("2026-10-01", "2026-10-31", map[string]any{"group_by": c.groupBy})
			var descs []string
			var amounts []int64
			for _, l := range invLines(inv) {
				descs = append(descs, l["description"].(string))
				amounts = append(amounts, invNum(l, "amount"))
			}
			if !slices.Equal(descs, c.descs) || !slices.Equal(amounts, c.amounts) || invNum(inv, "subtotal") != c.subtotal || inv["group_by"] != c.groupBy {
				t.Fatalf("got %q %v subtotal %d", descs, amounts, invNum(inv, "subtotal"))
			}
			o.Must(204, "DELETE", invPath(apitest.ID(t, inv, "id")), nil)
		})
	}
	res := o.Do("POST", "/api/v1/invoices", map[string]any{"client_id": d.client, "from": "2026-10-01", "to": "2026-10-31", "group_by": "month"})
	if p := res.Problem(t); res.Status != 422 || !p.HasField("group_by") {
		t.Fatalf("bad group_by: %d %s", res.Status, res.Body)
	}
}

func TestInvoiceCreateValidation(t *testing.T) {
	d := newBillingDesk(t, "Validation")
	other := billingDeskIn(t, d.env, d.env.NewPractice("Elsewhere"))
	d.entry("2026-10-05T14:00:00Z", 60, d.email)
	base := func(kv ...any) map[string]any {
		m := map[string]any{"client_id": d.client, "from": "2026-10-01", "to": "2026-10-31"}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == nil {
				delete(m, kv[i].(string))
			} else {
				m[kv[i].(string)] = kv[i+1]
			}
		}
		return m
	}
	cases := []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"no client", base("client_id", nil), "client_id"},
		{"client of another practice", base("client_id", other.client), "client_id"},
		{"no from", base("from", nil), "from"},
		{"bad date", base("to", "31/10/2026"), "to"},
		{"to before from", base("to", "2026-09-30"), "to"},
		{"period too long", base("from", "2020-01-01"), "to"},
		{"negative discount", base("discount", -1), "discount"},
		{"discount above subtotal", base("discount", 4001), "discount"},
		{"tax over 100 %", base("tax_rate", 10001), "tax_rate"},
		{"due before issue", base("issue_date", "2026-11-10", "due_date", "2026-11-01"), "due_date"},
		{"unknown field", base("colour", "red"), "colour"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := d.owner.Do("POST", "/api/v1/invoices", c.body)
			if p := res.Problem(t); res.Status != 422 || !p.HasField(c.field) {
				t.Fatalf("%d %s", res.Status, res.Body)
			}
		})
	}
	// Nothing to bill says so, and a failed draft holds nothing.
	res := d.owner.Do("POST", "/api/v1/invoices", base("from", "2026-09-01", "to", "2026-09-30"))
	if p := res.Problem(t); res.Status != 422 || !strings.Contains(p.Detail, "nothing to bill") {
		t.Fatalf("nothing to bill: %d %s", res.Status, res.Body)
	}
	inv := d.draft("2026-10-01", "2026-10-31")
	if invNum(inv, "total") != 4000 {
		t.Fatalf("draft after failures %v", inv)
	}
	res = d.owner.Do("POST", "/api/v1/invoices", base())
	if p := res.Problem(t); res.Status != 422 || !strings.Contains(p.Detail, "nothing to bill") {
		t.Fatalf("second draft of held work: %d %s", res.Status, res.Body)
	}
}

func TestDraftEditing(t *testing.T) {
	d := newBillingDesk(t, "Editing")
	o := d.owner
	e1 := d.entry("2026-10-05T14:00:00Z", 60, d.email)
	e2 := d.entry("2026-10-06T14:00:00Z", 30, d.website)
	inv := d.draft("2026-10-01", "2026-10-31")
	id := apitest.ID(t, inv, "id")
	if invNum(inv, "subtotal") != 6500 || invNum(inv, "version") != 1 {
		t.Fatalf("draft %v", inv)
	}

	// A manual line: 1.5 × 33.33 = 49.995 → 50.00.
	inv = o.Must(201, "POST", invPath(id, "/lines"), map[string]any{"description": "Setup fee", "quantity_milli": 1500, "unit_price": 3333})
	ls := invLines(inv)
	manual := ls[len(ls)-1]
	if manual["kind"] != "manual" || invNum(manual, "amount") != 5000 || manual["quantity_minutes"] != nil || invNum(inv, "subtotal") != 11500 {
		t.Fatalf("manual line %v", inv)
	}
	mid := apitest.ID(t, manual, "id")
	inv = o.Must(200, "PATCH", invPath(id, fmt.Sprintf("/lines/%d", mid)), map[string]any{"unit_price": 2000})
	if invNum(inv, "subtotal") != 9500 {
		t.Fatalf("after line change %v", inv)
	}
	// Generated lines follow their work.
	timeLine := apitest.ID(t, ls[0], "id")
	if res := o.Do("PATCH", invPath(id, fmt.Sprintf("/lines/%d", timeLine)), map[string]any{"unit_price": 1}); res.Status != http.StatusConflict {
		t.Fatalf("PATCH of a time line: %d", res.Status)
	}

	// Discount, tax and the version check.
	v := invNum(inv, "version")
	inv = o.Must(200, "PATCH", invPath(id), map[string]any{"discount": 500, "tax_rate": 1000, "tax_name": "GST", "notes": "Thanks", "version": v})
	// (9500 − 500) × 10 % = 900 → total 9900
	if invNum(inv, "tax_total") != 900 || invNum(inv, "total") != 9900 || inv["notes"] != "Thanks" || invNum(inv, "version") != v+1 {
		t.Fatalf("patched %v", inv)
	}
	if res := o.Do("PATCH", invPath(id), map[string]any{"notes": "stale", "version": v}); res.Status != http.StatusConflict {
		t.Fatalf("stale version: %d", res.Status)
	}
	if res := o.Do("PATCH", invPath(id), map[string]any{"discount": 9501}); res.Status != 422 {
		t.Fatalf("discount above subtotal: %d", res.Status)
	}
	inv = o.Must(200, "PATCH", invPath(id), map[string]any{"issue_date": "2026-11-05", "due_date": "2026-11-20"})
	if inv["issue_date"] != "2026-11-05" || inv["due_date"] != "2026-11-20" {
		t.Fatalf("dates %v", inv)
	}
	inv = o.Must(200, "PATCH", invPath(id), map[string]any{"due_date": nil})
	if inv["due_date"] != nil {
		t.Fatalf("due date not cleared %v", inv)
	}

	// Deleting a time line releases its entries.
	inv = o.Must(200, "DELETE", invPath(id, fmt.Sprintf("/lines/%d", timeLine)), nil)
	if len(invLines(inv)) != 2 || invNum(inv, "subtotal") != 5500 {
		t.Fatalf("after deleting the time line %v", inv)
	}
	if got := o.Must(200, "GET", fmt.Sprintf("/api/v1/time-entries/%d", e1), nil); got["draft_invoice_id"] != nil {
		t.Fatalf("entry still held: %v", got)
	}
	if got := o.Must(200, "GET", fmt.Sprintf("/api/v1/time-entries/%d", e2), nil); invNum(got, "draft_invoice_id") != id {
		t.Fatalf("other entry released: %v", got)
	}
	// Refresh brings the work back and keeps the manual line last.
	inv = o.Must(200, "POST", invPath(id, "/refresh"), nil)
	ls = invLines(inv)
	if len(ls) != 3 || ls[2]["kind"] != "manual" || invNum(inv, "subtotal") != 9500 {
		t.Fatalf("refreshed %v", inv)
	}

	// A held entry that changes blocks the issue until the draft is refreshed.
	o.Must(200, "PATCH", fmt.Sprintf("/api/v1/time-entries/%d", e1), map[string]any{"minutes": 90})
	res := o.Do("POST", invPath(id, "/issue"), nil)
	if p := res.Problem(t); res.Status != http.StatusConflict || !strings.Contains(p.Detail, "refresh") {
		t.Fatalf("issue of changed work: %d %s", res.Status, res.Body)
	}
	inv = o.Must(200, "POST", invPath(id, "/refresh"), nil)
	if invNum(inv, "subtotal") != 11500 {
		t.Fatalf("refreshed after change %v", inv)
	}
	// A deleted held entry blocks it too.
	e3 := d.entry("2026-10-07T14:00:00Z", 60, d.email)
	o.Must(200, "POST", invPath(id, "/refresh"), nil)
	o.Must(204, "DELETE", fmt.Sprintf("/api/v1/time-entries/%d", e3), nil)
	if res := o.Do("POST", invPath(id, "/issue"), nil); res.Status != http.StatusConflict {
		t.Fatalf("issue after a held entry was deleted: %d %s", res.Status, res.Body)
	}
	o.Must(200, "POST", invPath(id, "/refresh"), nil)
	issued := o.Must(200, "POST", invPath(id, "/issue"), nil)
	if issued["issue_date"] != "2026-11-05" || issued["due_date"] != "2026-12-05" || invNum(issued, "subtotal") != 11500 {
		t.Fatalf("issued %v", issued)
	}
}

// Twelve drafts issued at the same instant get twelve consecutive numbers.
func TestConcurrentIssueNumbersGaplessly(t *testing.T) {
	d := newBillingDesk(t, "Concurrent")
	var drafts []int64
	for day := 1; day <= 12; day++ {
		date := fmt.Sprintf("2026-10-%02d", day)
		d.entry(date+"T14:00:00Z", 30+day, d.email)
		drafts = append(drafts, apitest.ID(t, d.draft(date, date), "id"))
	}
	var wg sync.WaitGroup
	numbers := make([]string, len(drafts))
	for i, id := range drafts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := d.owner.Do("POST", invPath(id, "/issue"), nil)
			if res.Status != 200 {
				t.Errorf("issue %d: %d %s", id, res.Status, res.Body)
				return
			}
			numbers[i] = res.Map(t)["number"].(string)
		}()
	}
	wg.Wait()
	slices.Sort(numbers)
	for i, n := range numbers {
		if want := fmt.Sprintf("INV-2026-%04d", i+1); n != want {
			t.Fatalf("numbers %v: #%d is %q, want %q", numbers, i, n, want)
		}
	}
}

func TestVoidReleasesWorkAndKeepsTheNumber(t *testing.T) {
	d := newBillingDesk(t, "Void")
	o := d.owner
	e := d.entry("2026-10-05T14:00:00Z", 60, d.email)
	x := d.expense("2026-10-06", 700, "Stock photo")
	id := apitest.ID(t, d.draft("2026-10-01", "2026-10-31"), "id")
	if res := o.Do("POST", invPath(id, "/void"), nil); res.Status != http.StatusConflict {
		t.Fatalf("void of a draft: %d", res.Status)
	}
	if res := o.Do("POST", invPath(id, "/payments"), map[string]any{"amount": 100}); res.Status != http.StatusConflict {
		t.Fatalf("payment on a draft: %d", res.Status)
	}
	first := o.Must(200, "POST", invPath(id, "/issue"), nil)
	// A payment recorded by mistake is deleted before voiding.
	p := o.Must(201, "POST", invPath(id, "/payments"), map[string]any{"amount": 100})
	o.Must(204, "DELETE", invPath(id, fmt.Sprintf("/payments/%d", apitest.ID(t, p, "id"))), nil)
	if got := o.Must(200, "GET", invPath(id), nil); got["status"] != "issued" || invNum(got, "amount_paid") != 0 {
		t.Fatalf("after deleting the payment %v", got)
	}
	void := o.Must(200, "POST", invPath(id, "/void"), nil)
	if void["status"] != "void" || void["number"] != first["number"] || void["voided_at"] == nil {
		t.Fatalf("void %v", void)
	}
	if res := o.Do("POST", invPath(id, "/void"), nil); res.Status != http.StatusConflict {
		t.Fatalf("second void: %d", res.Status)
	}
	for _, path := range []string{fmt.Sprintf("/api/v1/time-entries/%d", e), fmt.Sprintf("/api/v1/expenses/%d", x)} {
		if got := o.Must(200, "GET", path, nil); got["invoice_id"] != nil || got["locked"] != false {
			t.Fatalf("%s after void: %v", path, got)
		}
	}
	o.Must(200, "PATCH", fmt.Sprintf("/api/v1/time-entries/%d", e), map[string]any{"note": "fixed"})
	again := d.draft("2026-10-01", "2026-10-31")
	second := o.Must(200, "POST", invPath(apitest.ID(t, again, "id"), "/issue"), nil)
	if first["number"] != "INV-2026-0001" || second["number"] != "INV-2026-0002" || invNum(second, "total") != 4700 {
		t.Fatalf("numbers %v then %v", first["number"], second["number"])
	}
	if res := o.Do("DELETE", invPath(id), nil); res.Status != http.StatusConflict {
		t.Fatalf("DELETE of a void invoice: %d", res.Status)
	}
}

func TestDeleteDraftOnly(t *testing.T) {
	d := newBillingDesk(t, "Delete")
	o := d.owner
	e := d.entry("2026-10-05T14:00:00Z", 60, d.email)
	id := apitest.ID(t, d.draft("2026-10-01", "2026-10-31"), "id")
	o.Must(204, "DELETE", invPath(id), nil)
	if got := o.Must(200, "GET", fmt.Sprintf("/api/v1/time-entries/%d", e), nil); got["draft_invoice_id"] != nil {
		t.Fatalf("entry still held after the draft was deleted: %v", got)
	}
	o.Must(404, "GET", invPath(id), nil)
	id = apitest.ID(t, d.draft("2026-10-01", "2026-10-31"), "id")
	o.Must(200, "POST", invPath(id, "/issue"), nil)
	if res := o.Do("DELETE", invPath(id), nil); res.Status != http.StatusConflict {
		t.Fatalf("DELETE of an issued invoice: %d", res.Status)
	}
}

func TestFixedFeeProject(t *testing.T) {
	d := newBillingDesk(t, "Fixed fee")
	o := d.owner
	proj := apitest.ID(t, o.Must(201, "POST", "/api/v1/projects", map[string]any{
		"client_id": d.client, "name": "Website relaunch", "billing": "fixed_fee", "fixed_fee": 150000,
	}), "id")
	in := d.entry("2026-10-05T14:00:00Z", 600, d.website, map[string]any{"project_id": proj})
	d.entry("2026-10-06T14:00:00Z", 60, d.email)
	inv := d.draft("2026-10-01", "2026-10-31")
	ls := invLines(inv)
	if len(ls) != 2 || ls[1]["kind"] != "fixed_fee" || invNum(ls[1], "amount") != 150000 || invNum(ls[1], "project_id") != proj ||
		!slices.Equal(invIDs(ls[1]["entry_ids"]), []int64{in}) || invNum(inv, "subtotal") != 154000 {
		t.Fatalf("draft %v", inv)
	}
	id := apitest.ID(t, inv, "id")
	o.Must(200, "POST", invPath(id, "/issue"), nil)
	if got := o.Must(200, "GET", fmt.Sprintf("/api/v1/projects/%d", proj), nil); invNum(got, "invoice_id") != id {
		t.Fatalf("project after issue %v", got)
	}
	// More time on the billed project is covered by its fee: never billed by the hour.
	d.entry("2026-11-03T14:00:00Z", 60, d.website, map[string]any{"project_id": proj})
	res := o.Do("POST", "/api/v1/invoices", map[string]any{"client_id": d.client, "from": "2026-11-01", "to": "2026-11-30"})
	if res.Status != 422 {
		t.Fatalf("draft of time on a billed fixed-fee project: %d %s", res.Status, res.Body)
	}
	o.Must(200, "POST", invPath(id, "/void"), nil)
	if got := o.Must(200, "GET", fmt.Sprintf("/api/v1/projects/%d", proj), nil); got["invoice_id"] != nil {
		t.Fatalf("project after void %v", got)
	}
}

func TestInvoiceAccess(t *testing.T) {
	d := newBillingDesk(t, "Mine")
	d.entry("2026-10-05T14:00:00Z", 60, d.email)
	id := apitest.ID(t, d.draft("2026-10-01", "2026-10-31"), "id")
	assistant := d.owner.NewUser(tenant.Assistant)
	if res := assistant.Do("GET", "/api/v1/invoices", nil); res.Status != http.StatusForbidden {
		t.Fatalf("assistant list: %d", res.Status)
	}
	if res := assistant.Do("GET", invPath(id, "/pdf"), nil); res.Status != http.StatusForbidden {
		t.Fatalf("assistant pdf: %d", res.Status)
	}
	if res := assistant.Do("GET", "/api/v1/exports/invoices.csv", nil); res.Status != http.StatusForbidden {
		t.Fatalf("assistant export: %d", res.Status)
	}
	stranger := d.env.NewPractice("Theirs")
	for _, r := range []struct {
		method, path string
		body         any
	}{
		{"GET", invPath(id), nil},
		{"PATCH", invPath(id), map[string]any{"notes": "mine now"}},
		{"DELETE", invPath(id), nil},
		{"POST", invPath(id, "/issue"), nil},
		{"POST", invPath(id, "/refresh"), nil},
		{"POST", invPath(id, "/void"), nil},
		{"POST", invPath(id, "/lines"), map[string]any{"description": "x", "unit_price": 1}},
		{"GET", invPath(id, "/payments"), nil},
		{"POST", invPath(id, "/payments"), map[string]any{"amount": 1}},
		{"GET", invPath(id, "/pdf"), nil},
	} {
		if res := stranger.Do(r.method, r.path, r.body); res.Status != http.StatusNotFound {
			t.Errorf("stranger %s %s: %d %s", r.method, r.path, res.Status, res.Body)
		}
	}
	if items := stranger.Must(200, "GET", "/api/v1/invoices", nil)["items"].([]any); len(items) != 0 {
		t.Fatalf("stranger lists %v", items)
	}
	if got := d.owner.Must(200, "GET", invPath(id), nil); got["notes"] == "mine now" || got["status"] != "draft" {
		t.Fatalf("stranger changed the invoice: %v", got)
	}
}

func TestInvoiceListAndOverdue(t *testing.T) {
	d := newBillingDesk(t, "Listing")
	o := d.owner
	var issued []int64
	for day := 1; day <= 3; day++ {
		date := fmt.Sprintf("2026-10-%02d", day)
		d.entry(date+"T14:00:00Z", 60, d.email)
		id := apitest.ID(t, d.draft(date, date), "id")
		if day < 3 {
			o.Must(200, "POST", invPath(id, "/issue"), nil)
			issued = append(issued, id)
		}
	}
	o.Must(201, "POST", invPath(issued[0], "/payments"), map[string]any{"amount": 4000})
	page := o.Must(200, "GET", "/api/v1/invoices?limit=2", nil)
	items := page["items"].([]any)
	if len(items) != 2 || page["next_cursor"] == nil || items[0].(map[string]any)["client_name"] != d.clientNm {
		t.Fatalf("page 1 %v", page)
	}
	rest := o.Must(200, "GET", "/api/v1/invoices?limit=2&cursor="+page["next_cursor"].(string), nil)
	if len(rest["items"].([]any)) != 1 || rest["next_cursor"] != nil {
		t.Fatalf("page 2 %v", rest)
	}
	count := func(query string) int {
		return len(o.Must(200, "GET", "/api/v1/invoices?"+query, nil)["items"].([]any))
	}
	if n := count("status=draft"); n != 1 {
		t.Fatalf("drafts: %d", n)
	}
	if n := count("status=overdue"); n != 0 {
		t.Fatalf("overdue before the due date: %d", n)
	}
	// Due 2026-12-02; on December 3 in New York the unpaid one is overdue.
	d.env.Clock.Set(time.Date(2026, 12, 3, 4, 0, 0, 0, time.UTC))
	if n := count("status=overdue"); n != 0 {
		t.Fatalf("overdue while still December 2 in New York: %d", n)
	}
	d.env.Clock.Set(time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC))
	if n := count("status=overdue"); n != 1 {
		t.Fatalf("overdue: %d", n)
	}
	if got := o.Must(200, "GET", invPath(issued[1]), nil); got["overdue"] != true {
		t.Fatalf("not flagged overdue: %v", got)
	}
	if n := count(fmt.Sprintf("client_id=%d&from=2026-11-02&to=2026-11-02", d.client)); n != 2 {
		t.Fatalf("by issue date: %d", n)
	}
	if n := count("from=2026-11-03"); n != 0 {
		t.Fatalf("after: %d", n)
	}
	res := o.Do("GET", "/api/v1/invoices?status=late", nil)
	if res.Status != 422 {
		t.Fatalf("bad status filter: %d", res.Status)
	}
}

func TestInvoiceExports(t *testing.T) {
	d := newBillingDesk(t, "Exports")
	o := d.owner
	o.Must(200, "PATCH", fmt.Sprintf("/api/v1/clients/%d", d.client), map[string]any{"name": "=HYPERLINK(\"x\")"})
	d.entry("2026-10-05T14:00:00Z", 61, d.email)
	d.entry("2026-10-06T14:00:00Z", 30, d.email)
	a := apitest.ID(t, d.draft("2026-10-05", "2026-10-05", map[string]any{"tax_rate": 1900, "tax_name": "MwSt"}), "id")
	b := apitest.ID(t, d.draft("2026-10-06", "2026-10-06"), "id")
	o.Must(200, "POST", invPath(a, "/issue"), nil)
	o.Must(200, "POST", invPath(b, "/issue"), nil)
	o.Must(200, "POST", invPath(b, "/void"), nil)
	d.entry("2026-10-07T14:00:00Z", 30, d.email)
	d.draft("2026-10-07", "2026-10-07") // drafts are not exported

	res := o.Do("GET", "/api/v1/exports/invoices.csv?from=2026-11-01&to=2026-11-30", nil)
	if res.Status != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %v", res.Status, res.Header)
	}
	rows, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
	if err != nil {
		t.Fatalf("csv does not parse: %v\n%s", err, res.Body)
	}
	if len(rows) != 3 || rows[0][0] != "number" {
		t.Fatalf("rows %q", rows)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	// 61 min at 40.00 = 40.67; 19 % = 7.7273 → 7.73; total 48.40.
	r := rows[1]
	if r[col["number"]] != "INV-2026-0001" || r[col["status"]] != "issued" || r[col["subtotal"]] != "40.67" ||
		r[col["tax_total"]] != "7.73" || r[col["total"]] != "48.40" || r[col["tax_rate_percent"]] != "19.00" ||
		r[col["currency"]] != "USD" || r[col["client"]] != `'=HYPERLINK("x")` || r[col["client_code"]] != "ZL" {
		t.Fatalf("row %q", r)
	}
	if rows[2][col["status"]] != "void" || rows[2][col["number"]] != "INV-2026-0002" {
		t.Fatalf("void row %q", rows[2])
	}
	if empty := o.Do("GET", "/api/v1/exports/invoices.csv?from=2027-01-01", nil); strings.Count(string(empty.Body), "\n") != 1 {
		t.Fatalf("empty export %q", empty.Body)
	}
	if bad := o.Do("GET", "/api/v1/exports/invoices.csv?from=yesterday", nil); bad.Status != 422 {
		t.Fatalf("bad from: %d", bad.Status)
	}

	res = o.Do("GET", "/api/v1/exports/invoices.zip?from=2026-11-01&to=2026-11-30", nil)
	if res.Status != 200 || res.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("zip: %d %v", res.Status, res.Header)
	}
	zr, err := zip.NewReader(bytes.NewReader(res.Body), int64(len(res.Body)))
	if err != nil {
		t.Fatalf("zip does not open: %v", err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		switch {
		case f.Name == "invoices.csv":
			if rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll(); err != nil || len(rows) != 3 {
				t.Fatalf("zipped csv: %v %q", err, rows)
			}
		case f.Name == "INV-2026-0001.pdf":
			if text := invoicePDFText(t, body); text != "" && !strings.Contains(text, money.Format(4840, "USD")) {
				t.Errorf("zipped PDF lacks the total:\n%s", text)
			}
		default:
			if !bytes.HasPrefix(body, []byte("%PDF-")) {
				t.Errorf("%s is not a PDF", f.Name)
			}
		}
	}
	if !slices.Equal(names, []string{"invoices.csv", "INV-2026-0001.pdf", "INV-2026-0002.pdf"}) {
		t.Fatalf("zip holds %v", names)
	}
}

func TestDraftPDF(t *testing.T) {
	d := newBillingDesk(t, "Draft PDF")
	d.entry("2026-10-05T14:00:00Z", 60, d.email, map[string]any{"note": "Weekly newsletter"})
	id := apitest.ID(t, d.draft("2026-10-01", "2026-10-31"), "id")
	res := d.owner.Do("GET", invPath(id, "/pdf"), nil)
	if res.Status != 200 || !strings.Contains(res.Header.Get("Content-Disposition"), fmt.Sprintf("draft-%d.pdf", id)) {
		t.Fatalf("draft pdf: %d %v", res.Status, res.Header)
	}
	text := invoicePDFText(t, res.Body)
	if text != "" && (!strings.Contains(text, "Draft") || strings.Contains(text, "Weekly newsletter")) {
		t.Errorf("draft PDF text:\n%s", text)
	}
	// With the timesheet, the client-visible note is listed.
	res = d.owner.Do("GET", invPath(id, "/pdf?timesheet=1"), nil)
	if text := invoicePDFText(t, res.Body); text != "" && !strings.Contains(text, "Weekly newsletter") {
		t.Errorf("timesheet lacks the note:\n%s", text)
	}
	if res := d.owner.Do("GET", invPath(id, "/pdf?timesheet=maybe"), nil); res.Status != 422 {
		t.Fatalf("bad timesheet flag: %d", res.Status)
	}
}

// upload sends a logo the way a browser or curl would; env.Do only speaks
// JSON, so the request goes to the router directly and is checked against
// the spec here.
func upload(t *testing.T, d *billingDesk, contentType string, body []byte) *apitest.Response {
	t.Helper()
	req := httptest.NewRequest("PUT", "/api/v1/settings/logo", bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+d.owner.Token)
	rec := httptest.NewRecorder()
	d.env.Echo.ServeHTTP(rec, req)
	res := &apitest.Response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	if err := apitest.CheckContract(req, body, res); err != nil {
		t.Errorf("PUT /settings/logo → %d breaks the spec: %v", res.Status, err)
	}
	return res
}

func encodeImage(t *testing.T, format string, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		img.Set(x, h/2, color.RGBA{200, 30, 30, 255})
	}
	var buf bytes.Buffer
	var err error
	if format == "png" {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestLogoUpload(t *testing.T) {
	d := newBillingDesk(t, "Logo")
	pngLogo := encodeImage(t, "png", 120, 40)
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("logo", "logo.jpg")
	fw.Write(encodeImage(t, "jpeg", 120, 40))
	mw.Close()

	bad := []struct {
		name, contentType string
		body              []byte
	}{
		{"not an image", "image/png", []byte("definitely not a PNG")},
		{"truncated", "image/png", pngLogo[:len(pngLogo)/2]},
		{"a GIF", "application/octet-stream", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")},
		{"too many pixels", "image/png", encodeImage(t, "png", 2001, 10)},
		{"too large", "application/octet-stream", append(bytes.Clone(pngLogo), make([]byte, 512<<10)...)},
		{"empty", "image/png", nil},
		{"wrong content type", "text/plain", pngLogo},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			res := upload(t, d, c.contentType, c.body)
			if p := res.Problem(t); res.Status != 422 || !p.HasField("logo") {
				t.Fatalf("%d %s", res.Status, res.Body)
			}
		})
	}
	if got := d.owner.Must(200, "GET", "/api/v1/settings", nil); got["has_logo"] != false {
		t.Fatal("a rejected logo was stored")
	}
	for _, c := range []struct {
		contentType string
		body        []byte
	}{{"image/png", pngLogo}, {mw.FormDataContentType(), form.Bytes()}} {
		res := upload(t, d, c.contentType, c.body)
		if res.Status != 200 || res.Map(t)["has_logo"] != true {
			t.Fatalf("%s upload: %d %s", c.contentType, res.Status, res.Body)
		}
		// Every invoice now prints with it.
		d.entry("2026-10-05T14:00:00Z", 60, d.email)
		id := apitest.ID(t, d.draft("2026-10-01", "2026-10-31"), "id")
		pdfRes := d.owner.Do("GET", invPath(id, "/pdf"), nil)
		if pdfRes.Status != 200 || !bytes.Contains(pdfRes.Body, []byte("/Subtype /Image")) {
			t.Fatalf("PDF with logo: %d, %d bytes", pdfRes.Status, len(pdfRes.Body))
		}
		invoicePDFText(t, pdfRes.Body)
		d.owner.Must(204, "DELETE", invPath(id), nil)
	}
	if assistant := d.owner.NewUser(tenant.Assistant); upload(t, &billingDesk{t: t, env: d.env, owner: assistant}, "image/png", pngLogo).Status != 403 {
		t.Fatal("an assistant changed the logo")
	}
	d.owner.Must(204, "DELETE", "/api/v1/settings/logo", nil)
	if got := d.owner.Must(200, "GET", "/api/v1/settings", nil); got["has_logo"] != false {
		t.Fatal("logo not removed")
	}
}

// Numbers follow the practice's pattern; the sequence counts per scope (a
// new year, or a new month with {MM} in the pattern, starts again at 1).
func TestInvoiceNumberPatterns(t *testing.T) {
	d := newBillingDesk(t, "Patterns")
	o := d.owner
	issue := func(day string, issueDate string) string {
		t.Helper()
		d.entry(day+"T14:00:00Z", 60, d.email)
		id := apitest.ID(t, d.draft(day, day, map[string]any{"issue_date": issueDate}), "id")
		return o.Must(200, "POST", invPath(id, "/issue"), nil)["number"].(string)
	}
	if n := issue("2026-10-01", "2026-12-31"); n != "INV-2026-0001" {
		t.Fatalf("first: %s", n)
	}
	if n := issue("2026-10-02", "2027-01-02"); n != "INV-2027-0001" {
		t.Fatalf("new year: %s", n)
	}
	o.Must(200, "PATCH", "/api/v1/settings", map[string]any{"invoice_pattern": "{CLIENT}/{YY}{MM}-{SEQ:3}"})
	for i, want := range []string{"ZL/2611-001", "ZL/2611-002"} {
		if n := issue(fmt.Sprintf("2026-10-%02d", 3+i), "2026-11-20"); n != want {
			t.Fatalf("pattern: %s, want %s", n, want)
		}
	}
	if n := issue("2026-10-05", "2026-12-01"); n != "ZL/2612-001" {
		t.Fatalf("new month: %s", n)
	}
	// A client without a code is numbered by its id; '/' is not in file names.
	d.client = d.newClient("No Code Ltd", "")
	n := issue("2026-10-06", "2026-12-01")
	if n != fmt.Sprintf("%d/2612-001", d.client) {
		t.Fatalf("no code: %s", n)
	}
	list := o.Must(200, "GET", "/api/v1/invoices?limit=1", nil)["items"].([]any)
	id := apitest.ID(t, list[0].(map[string]any), "id")
	res := o.Do("GET", invPath(id, "/pdf"), nil)
	if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, fmt.Sprintf("%d-2612-001.pdf", d.client)) {
		t.Fatalf("file name: %s", cd)
	}
}

// Lines made elsewhere (a retainer's) keep the work they hold through a
// refresh, are not rebuilt, and their work is locked on issue like any.
func TestRefreshKeepsOtherLinesAndTheirWork(t *testing.T) {
	d := newBillingDesk(t, "Retainer lines")
	o := d.owner
	e1 := d.entry("2026-10-05T14:00:00Z", 60, d.email)
	e2 := d.entry("2026-10-06T14:00:00Z", 30, d.email)
	inv := d.draft("2026-10-01", "2026-10-31")
	id := apitest.ID(t, inv, "id")
	db := d.env.Store.Write(tenant.System(context.Background()))
	var line int64
	err := db.Raw(`INSERT INTO invoice_lines (practice_id, invoice_id, position, kind, description, quantity_milli, unit_price, amount, created_at, updated_at)
		VALUES (?, ?, 9, 'retainer', 'October package', 1000, 10000, 10000, datetime(), datetime()) RETURNING id`, d.owner.PracticeID, id).Scan(&line).Error
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Exec("UPDATE invoice_line_sources SET line_id = ? WHERE entry_id = ?", line, e2).Error; err != nil {
		t.Fatal(err)
	}
	inv = o.Must(200, "POST", invPath(id, "/refresh"), nil)
	ls := invLines(inv)
	if len(ls) != 2 || ls[0]["kind"] != "retainer" || !slices.Equal(invIDs(ls[0]["entry_ids"]), []int64{e2}) ||
		ls[1]["kind"] != "time" || !slices.Equal(invIDs(ls[1]["entry_ids"]), []int64{e1}) || invNum(inv, "subtotal") != 14000 {
		t.Fatalf("refreshed %v", inv)
	}
	o.Must(200, "POST", invPath(id, "/issue"), nil)
	for _, e := range []int64{e1, e2} {
		if got := o.Must(200, "GET", fmt.Sprintf("/api/v1/time-entries/%d", e), nil); invNum(got, "invoice_id") != id {
			t.Fatalf("entry %d not locked: %v", e, got)
		}
	}
}
