package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/tenant"
)

type retainerUsage struct {
	Period            string `json:"period"`
	IncludedMinutes   int64  `json:"included_minutes"`
	RolledOverMinutes int64  `json:"rolled_over_minutes"`
	UsedMinutes       int64  `json:"used_minutes"`
	RemainingMinutes  int64  `json:"remaining_minutes"`
	OverageMinutes    int64  `json:"overage_minutes"`
	OverageAmount     int64  `json:"overage_amount"`
	Fee               int64  `json:"fee"`
	InvoiceID         *int64 `json:"invoice_id"`
}

func getUsage(t *testing.T, a *apitest.Actor, client, rid int64, period string) retainerUsage {
	t.Helper()
	res := a.Do("GET", apitest.Path("/api/v1/clients/%d/retainers/%d/usage?period=%s", client, rid, period), nil)
	if res.Status != http.StatusOK {
		t.Fatalf("usage %s: %d %s", period, res.Status, res.Body)
	}
	var u retainerUsage
	res.JSON(t, &u)
	return u
}

// newRetainer sells "Dana Realty" (rounding to 15 minutes) ten hours of
// e-mail work a month from October, 500.00 a month, overage at 60.00 an
// hour, up to two unused hours carried over.
func newRetainer(t *testing.T, f reportFixture, client int64, extra map[string]any) int64 {
	t.Helper()
	body := map[string]any{"name": "Inbox 10", "included_minutes": 600, "fee": 50000, "overage_hourly_rate": 6000,
		"rollover_minutes": 120, "service_ids": []int64{f.email}, "starts_on": "2026-10-01"}
	for k, v := range extra {
		body[k] = v
	}
	return apitest.ID(t, f.owner.Must(201, "POST", apitest.Path("/api/v1/clients/%d/retainers", client), body), "id")
}

func TestRetainerUsageAndInvoices(t *testing.T) {
	env := apitest.New(t)
	f := newReportFixture(t, env)
	rid := newRetainer(t, f, f.usd, nil)
	ret := f.owner.Must(200, "GET", apitest.Path("/api/v1/clients/%d/retainers/%d", f.usd, rid), nil)
	if ret["currency"] != "USD" || ret["included_minutes"].(float64) != 600 || ret["auto_invoice"] != "off" ||
		len(ret["terms"].([]any)) != 1 || ret["ends_on"] != nil {
		t.Fatalf("retainer %v", ret)
	}

	// October: six 85-minute sessions round to 90 each: 540 of 600 used.
	for d := 5; d < 11; d++ {
		f.entry(t, f.usd, f.email, time.Date(2026, 10, d, 9, 0, 0, 0, time.UTC).Format(time.RFC3339), 85, true)
	}
	f.entry(t, f.usd, f.website, "2026-10-12T09:00:00Z", 60, true) // not covered
	f.entry(t, f.usd, f.email, "2026-10-13T09:00:00Z", 60, false)  // not billable
	f.entry(t, f.usd, f.email, "2026-09-30T21:59:00Z", 60, true)   // 23:59 on 30 September in Berlin
	oct := getUsage(t, f.owner, f.usd, rid, "2026-10")
	if oct.IncludedMinutes != 600 || oct.RolledOverMinutes != 0 || oct.UsedMinutes != 540 || oct.RemainingMinutes != 60 || oct.OverageMinutes != 0 {
		t.Fatalf("October %+v", oct)
	}
	// November: 60 minutes carried in; 660 + 30 used is 30 over.
	f.entry(t, f.usd, f.email, "2026-11-02T08:00:00Z", 660, true)
	f.entry(t, f.usd, f.email, "2026-11-02T20:00:00Z", 20, true) // rounds to 30
	nov := getUsage(t, f.owner, f.usd, rid, "")
	if nov.Period != "2026-11" || nov.RolledOverMinutes != 60 || nov.UsedMinutes != 690 || nov.RemainingMinutes != 0 ||
		nov.OverageMinutes != 30 || nov.OverageAmount != 3000 {
		t.Fatalf("November %+v", nov)
	}

	// October bills the fee once, not each entry at its rate; the website
	// work the retainer does not cover joins the invoice at its own rate.
	inv := f.owner.Must(201, "POST", apitest.Path("/api/v1/clients/%d/retainers/%d/invoices", f.usd, rid), map[string]any{"period": "2026-10"})
	invID := apitest.ID(t, inv, "invoice_id")
	if inv["status"] != "draft" || inv["total"].(float64) != 50000+5000 {
		t.Fatalf("October invoice %v", inv)
	}
	got := f.owner.Must(200, "GET", apitest.Path("/api/v1/invoices/%d", invID), nil)
	lines := got["lines"].([]any)
	if len(lines) != 2 || lines[0].(map[string]any)["kind"] != "retainer" || len(lines[0].(map[string]any)["entry_ids"].([]any)) != 6 ||
		lines[1].(map[string]any)["kind"] != "time" || lines[1].(map[string]any)["amount"].(float64) != 5000 ||
		got["period_from"] != "2026-10-01" || got["period_to"] != "2026-10-31" {
		t.Fatalf("October invoice %v", got)
	}
	// Refreshing the draft keeps the retainer's lines as they are.
	if got := f.owner.Must(200, "POST", apitest.Path("/api/v1/invoices/%d/refresh", invID), nil); got["total"].(float64) != 55000 {
		t.Fatalf("refreshed %v", got)
	}
	if res := f.owner.Do("POST", apitest.Path("/api/v1/clients/%d/retainers/%d/invoices", f.usd, rid), map[string]any{"period": "2026-10"}); res.Status != http.StatusConflict {
		t.Fatalf("second October invoice: %d %s", res.Status, res.Body)
	}
	issued := f.owner.Must(200, "POST", apitest.Path("/api/v1/invoices/%d/issue", invID), nil)
	if issued["status"] != "issued" || issued["total"].(float64) != 55000 {
		t.Fatalf("issued %v", issued)
	}
	if u := getUsage(t, f.owner, f.usd, rid, "2026-10"); u.InvoiceID == nil || *u.InvoiceID != invID {
		t.Fatalf("October usage after invoicing %+v", u)
	}
	// Every billable entry of October is locked, and nothing is left to bill.
	var locked int
	for _, e := range listedEntries(t, f.owner) {
		if e.StartedAt >= "2026-10-05" && e.StartedAt < "2026-10-13" && e.Billable {
			if !e.Locked {
				t.Errorf("October entry not locked %+v", e)
			}
			locked++
		}
	}
	if locked != 7 {
		t.Fatalf("locked %d", locked)
	}
	if res := f.owner.Do("POST", "/api/v1/invoices", map[string]any{"client_id": f.usd, "from": "2026-10-01", "to": "2026-10-31"}); res.Status != 409 || !strings.Contains(res.Problem(t).Detail, "retainer") {
		t.Fatalf("an hourly draft over a retained month must be refused: %d %s", res.Status, res.Body)
	}

	// November, issued at once: fee plus 30 minutes at 60.00.
	inv = f.owner.Must(201, "POST", apitest.Path("/api/v1/clients/%d/retainers/%d/invoices", f.usd, rid), map[string]any{"period": "2026-11", "issue": true})
	if inv["status"] != "issued" || inv["total"].(float64) != 53000 {
		t.Fatalf("November invoice %v", inv)
	}
	for period, want := range map[string]int{"2026-12": 422, "2026-09": 422, "2026-1": 422} {
		res := f.owner.Do("POST", apitest.Path("/api/v1/clients/%d/retainers/%d/invoices", f.usd, rid), map[string]any{"period": period})
		if res.Status != want {
			t.Errorf("invoice %s: %d %s", period, res.Status, res.Body)
		}
	}
	// What the portal shows a client user: this month of their own
	// retainers, and nothing of another client's.
	asClient := func(client int64) context.Context {
		return tenant.With(context.Background(), tenant.Scope{PracticeID: f.owner.PracticeID, UserID: f.owner.UserID,
			Role: tenant.Client, ClientID: client})
	}
	cur, err := env.Services.Retainers.Current(asClient(f.usd), f.usd)
	if err != nil || len(cur) != 1 || cur[0].UsedMinutes != 690 || cur[0].RemainingMinutes != 0 || cur[0].Period != "2026-11" {
		t.Fatalf("portal view %+v %v", cur, err)
	}
	if _, err := env.Services.Retainers.Current(asClient(f.eur), f.usd); err == nil {
		t.Fatal("a client user read another client's retainer")
	}
	// Voiding November frees the month to be invoiced again.
	novID := apitest.ID(t, inv, "invoice_id")
	f.owner.Must(200, "POST", apitest.Path("/api/v1/invoices/%d/void", novID), nil)
	again := f.owner.Must(201, "POST", apitest.Path("/api/v1/clients/%d/retainers/%d/invoices", f.usd, rid), map[string]any{"period": "2026-11"})
	if again["total"].(float64) != 53000 {
		t.Fatalf("November again %v", again)
	}
}

func TestRetainerChangesApplyFromAFuturePeriod(t *testing.T) {
	env := apitest.New(t)
	f := newReportFixture(t, env)
	rid := newRetainer(t, f, f.usd, nil)
	path := apitest.Path("/api/v1/clients/%d/retainers/%d", f.usd, rid)
	// Today is 2 November 2026: new terms start in December by default.
	upd := f.owner.Must(200, "PATCH", path, map[string]any{"included_minutes": 1200, "fee": 90000, "name": "Inbox 20"})
	terms := upd["terms"].([]any)
	if upd["name"] != "Inbox 20" || upd["included_minutes"].(float64) != 600 || len(terms) != 2 ||
		terms[1].(map[string]any)["effective_from"] != "2026-12" || terms[1].(map[string]any)["fee"].(float64) != 90000 ||
		terms[1].(map[string]any)["overage_hourly_rate"].(float64) != 6000 {
		t.Fatalf("changed %v", upd)
	}
	if u := getUsage(t, f.owner, f.usd, rid, "2026-12"); u.IncludedMinutes != 1200 || u.Fee != 90000 {
		t.Fatalf("December %+v", u)
	}
	if u := getUsage(t, f.owner, f.usd, rid, "2026-11"); u.IncludedMinutes != 600 {
		t.Fatalf("November %+v", u)
	}
	// Services change from a period on too.
	upd = f.owner.Must(200, "PATCH", path, map[string]any{"service_ids": []int64{}, "effective_from": "2027-02"})
	if terms := upd["terms"].([]any); len(terms) != 3 || len(terms[2].(map[string]any)["service_ids"].([]any)) != 0 ||
		terms[2].(map[string]any)["included_minutes"].(float64) != 1200 {
		t.Fatalf("services change %v", upd)
	}
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"fee": 1, "effective_from": "2026-11"}, "effective_from"},
		{map[string]any{"fee": 1, "effective_from": "2026-10"}, "effective_from"},
		{map[string]any{"fee": 1, "effective_from": "next"}, "effective_from"},
		{map[string]any{"effective_from": "2027-01"}, "effective_from"},
		{map[string]any{"starts_on": "2026-11-01"}, "starts_on"},
		{map[string]any{"ends_on": "2026-11-15"}, "ends_on"},
		{map[string]any{"fee": -1}, "fee"},
		{map[string]any{"auto_invoice": "weekly"}, "auto_invoice"},
		{map[string]any{"service_ids": []int64{999999}}, "service_ids"},
	} {
		env.SkipSpec = true
		res := f.owner.Do("PATCH", path, c.body)
		env.SkipSpec = false
		if res.Status != http.StatusUnprocessableEntity || !res.Problem(t).HasField(c.field) {
			t.Errorf("%v: %d %s", c.body, res.Status, res.Body)
		}
	}
}

func TestRetainerLifecycleAndValidation(t *testing.T) {
	env := apitest.New(t)
	f := newReportFixture(t, env)
	base := apitest.Path("/api/v1/clients/%d/retainers", f.usd)
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"included_minutes": 600, "fee": 1, "overage_hourly_rate": 1}, "name"},
		{map[string]any{"name": "x", "fee": 1, "overage_hourly_rate": 1}, "included_minutes"},
		{map[string]any{"name": "x", "included_minutes": 600, "overage_hourly_rate": 1}, "fee"},
		{map[string]any{"name": "x", "included_minutes": 600, "fee": 1, "overage_hourly_rate": 1, "starts_on": "2026-11-15"}, "starts_on"},
		{map[string]any{"name": "x", "included_minutes": 600, "fee": 1, "overage_hourly_rate": 1, "ends_on": "2026-11-15"}, "ends_on"},
		{map[string]any{"name": "x", "included_minutes": 600, "fee": 1, "overage_hourly_rate": 1, "starts_on": "2026-11-01", "ends_on": "2026-10-31"}, "ends_on"},
		{map[string]any{"name": "x", "included_minutes": 600, "fee": 1, "overage_hourly_rate": 1, "period": "week"}, "period"},
		{map[string]any{"name": "x", "included_minutes": 600, "fee": 1, "overage_hourly_rate": 1, "effective_from": "2026-12"}, "effective_from"},
	} {
		env.SkipSpec = true
		res := f.owner.Do("POST", base, c.body)
		env.SkipSpec = false
		if res.Status != http.StatusUnprocessableEntity || !res.Problem(t).HasField(c.field) {
			t.Errorf("%v: %d %s", c.body, res.Status, res.Body)
		}
	}
	rid := newRetainer(t, f, f.usd, nil)
	// One retainer per client and month.
	if res := f.owner.Do("POST", base, map[string]any{"name": "Second", "included_minutes": 60, "fee": 1, "overage_hourly_rate": 1,
		"starts_on": "2027-01-01"}); res.Status != http.StatusConflict {
		t.Fatalf("overlapping retainer: %d %s", res.Status, res.Body)
	}
	ended := f.owner.Must(200, "DELETE", apitest.Path("%s/%d", base, rid), nil)
	if ended["ends_on"] != "2026-11-30" {
		t.Fatalf("ended %v", ended)
	}
	next := apitest.ID(t, f.owner.Must(201, "POST", base, map[string]any{"name": "Second", "included_minutes": 60, "fee": 1,
		"overage_hourly_rate": 1, "starts_on": "2026-12-01"}), "id")
	if res := f.owner.Do("GET", apitest.Path("%s/%d/usage?period=2026-11", base, next), nil); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("usage before the start: %d", res.Status)
	}
	if res := f.owner.Do("GET", apitest.Path("%s/%d/usage?period=2026-13", base, next), nil); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad period: %d", res.Status)
	}
	// Not begun, never billed: deleted.
	f.owner.Must(204, "DELETE", apitest.Path("%s/%d", base, next), nil)
	list := f.owner.Must(200, "GET", base, nil)["items"].([]any)
	if len(list) != 1 {
		t.Fatalf("list %v", list)
	}
	// Owner only, and scoped.
	if res := f.owner.NewUser(tenant.Assistant).Do("GET", base, nil); res.Status != http.StatusForbidden {
		t.Errorf("assistant: %d", res.Status)
	}
	other := env.NewPractice("Other")
	if res := other.Do("GET", apitest.Path("%s/%d", base, rid), nil); res.Status != http.StatusNotFound {
		t.Errorf("other practice: %d", res.Status)
	}
	if res := other.Do("GET", apitest.Path("%s/%d/usage", base, rid), nil); res.Status != http.StatusNotFound {
		t.Errorf("other practice usage: %d", res.Status)
	}
	if res := f.owner.Do("GET", apitest.Path("/api/v1/clients/%d/retainers/%d", f.eur, rid), nil); res.Status != http.StatusNotFound {
		t.Errorf("retainer under another client: %d", res.Status)
	}
}

// The scheduler makes each month's invoice once, on the first day of the
// next month, however often it runs.
func TestRecurringRetainerInvoices(t *testing.T) {
	env := apitest.New(t)
	f := newReportFixture(t, env)
	// Created on 2 November: October is before it and is billed by hand.
	newRetainer(t, f, f.usd, map[string]any{"auto_invoice": "draft"})
	newRetainer(t, f, f.eur, map[string]any{"auto_invoice": "issue", "service_ids": []int64{}, "starts_on": "2026-11-01",
		"ends_on": "2026-12-31"})
	f.entry(t, f.usd, f.email, "2026-11-03T09:00:00Z", 800, true) // 810 after rounding; 600 + 120 carried from October: 90 over
	run := func(day string) int {
		t.Helper()
		res, err := env.Services.Retainers.Recur(context.Background(), day)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Failed) > 0 {
			t.Fatalf("recur %s failed: %v", day, res.Failed)
		}
		return len(res.Made)
	}
	for _, c := range []struct {
		day  string
		made int
	}{{"2026-11-30", 0}, {"2026-12-01", 2}, {"2026-12-01", 0}, {"2026-12-31", 0}, {"2027-01-15", 2}, {"2027-02-01", 1}, {"2027-02-01", 0}} {
		if n := run(c.day); n != c.made {
			t.Fatalf("on %s made %d, want %d", c.day, n, c.made)
		}
	}
	usd := f.owner.Must(200, "GET", apitest.Path("/api/v1/invoices?client_id=%d", f.usd), nil)["items"].([]any)
	eur := f.owner.Must(200, "GET", apitest.Path("/api/v1/invoices?client_id=%d", f.eur), nil)["items"].([]any)
	if len(usd) != 3 || len(eur) != 2 {
		t.Fatalf("usd %d, eur %d invoices", len(usd), len(eur))
	}
	// Newest first: January, December, November.
	nov := usd[2].(map[string]any)
	if nov["status"] != "draft" || nov["period_from"] != "2026-11-01" || nov["total"].(float64) != 50000+9000 {
		t.Fatalf("November draft %v", nov)
	}
	for _, inv := range eur {
		if inv := inv.(map[string]any); inv["status"] != "issued" || inv["total"].(float64) != 50000 || inv["number"] == nil {
			t.Fatalf("EUR invoice %v", inv)
		}
	}
	// A deleted draft is not made again by the scheduler.
	f.owner.Must(204, "DELETE", apitest.Path("/api/v1/invoices/%d", int64(nov["id"].(float64))), nil)
	if n := run("2027-02-02"); n != 0 {
		t.Fatalf("after deleting a draft made %d", n)
	}
}
