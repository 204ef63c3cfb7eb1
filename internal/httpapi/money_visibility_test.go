package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/tenant"
)

// The practice's money in the money tests: odd numbers that appear nowhere
// else in an answer (ids, minutes, times), so a leak shows in the raw body.
const (
	mvServiceRate = 6123
	mvClientRate  = 7345
	mvProjectRate = 8567
	mvFixedFee    = 150987
	mvTaxRate     = 1975
)

var mvSecrets = []string{"6123", "7345", "8567", "150987", "1975", "IBAN GB33 BUKB", "Sales tax"}

// mvDesk is a practice whose owner set up money an assistant must not see.
type mvDesk struct {
	owner, asst *apitest.Actor
	env         *apitest.Env
	client      int64
	service     int64
	project     int64
}

func newMVDesk(t *testing.T) *mvDesk {
	t.Helper()
	env := apitest.New(t)
	owner := env.NewPractice("Money views")
	owner.Must(200, "PATCH", "/api/v1/settings", map[string]any{
		"default_tax_rate": mvTaxRate, "default_tax_name": "Sales tax", "payment_details": "IBAN GB33 BUKB 2020 1555 5555 55"})
	cl := apitest.ID(t, owner.Must(201, "POST", "/api/v1/clients", map[string]any{"name": "Dana Realty"}), "id")
	svc := apitest.ID(t, owner.Must(201, "POST", "/api/v1/services", map[string]any{"name": "Inbox care", "default_hourly_rate": mvServiceRate}), "id")
	owner.Must(201, "PUT", apitest.Path("/api/v1/clients/%d/rates/%d", cl, svc), map[string]any{"hourly_rate": mvClientRate})
	proj := apitest.ID(t, owner.Must(201, "POST", "/api/v1/projects", map[string]any{
		"client_id": cl, "name": "Listing launch", "billing": "fixed_fee", "fixed_fee": mvFixedFee, "hourly_rate": mvProjectRate}), "id")
	asst := owner.NewUser(tenant.Assistant)
	owner.Must(200, "PATCH", apitest.Path("/api/v1/users/%d", asst.UserID), map[string]any{"client_ids": []int64{cl}})
	return &mvDesk{owner: owner, asst: asst, env: env, client: cl, service: svc, project: proj}
}

// mvHidden checks that every field is in m and null.
func mvHidden(t *testing.T, what string, m map[string]any, fields ...string) {
	t.Helper()
	for _, f := range fields {
		if v, ok := m[f]; !ok || v != nil {
			t.Errorf("%s: %s = %v (present %v), want null", what, f, v, ok)
		}
	}
}

// mvShown checks that fields of m hold the wanted values.
func mvShown(t *testing.T, what string, m map[string]any, want map[string]any) {
	t.Helper()
	for f, w := range want {
		if n, ok := w.(int); ok {
			w = float64(n)
		}
		if m[f] != w {
			t.Errorf("%s: %s = %v, want %v", what, f, m[f], w)
		}
	}
}

// mvNoSecrets fails when an assistant's answer carries any of the money.
func mvNoSecrets(t *testing.T, what string, body []byte) {
	t.Helper()
	for _, s := range mvSecrets {
		if strings.Contains(string(body), s) {
			t.Errorf("%s leaks %q: %s", what, s, body)
		}
	}
}

// get answers GET path as a, checked for 200 and, for the assistant, for
// leaks.
func (d *mvDesk) get(t *testing.T, a *apitest.Actor, path string) map[string]any {
	t.Helper()
	res := a.Do("GET", path, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, res.Status, res.Body)
	}
	if a == d.asst {
		mvNoSecrets(t, "GET "+path, res.Body)
	}
	return res.Map(t)
}

func mvItems(t *testing.T, page map[string]any) []map[string]any {
	t.Helper()
	raw, ok := page["items"].([]any)
	if !ok {
		t.Fatalf("not a page: %v", page)
	}
	out := make([]map[string]any, len(raw))
	for i, it := range raw {
		out[i] = it.(map[string]any)
	}
	return out
}

// mvFind returns the item of a page with id.
func mvFind(t *testing.T, page map[string]any, id int64) map[string]any {
	t.Helper()
	for _, it := range mvItems(t, page) {
		if apitest.ID(t, it, "id") == id {
			return it
		}
	}
	t.Fatalf("no item %d in %v", id, page)
	return nil
}

// An assistant logs and reads their own time without ever seeing a rate or
// an amount, while the owner sees both on the very same entries.
func TestAssistantTimeCarriesNoMoney(t *testing.T) {
	d := newMVDesk(t)
	money := []string{"hourly_rate", "amount"}

	body := map[string]any{"client_id": d.client, "service_id": d.service, "project_id": d.project,
		"started_at": "2026-11-02T09:00:00Z", "minutes": 30, "note": "Inbox zero"}
	res := d.asst.Do("POST", "/api/v1/time-entries", body)
	if res.Status != http.StatusCreated {
		t.Fatalf("assistant logs time: %d %s", res.Status, res.Body)
	}
	mvNoSecrets(t, "POST /time-entries", res.Body)
	created := res.Map(t)
	mvHidden(t, "created entry", created, money...)
	id := apitest.ID(t, created, "id")
	if created["billable"] != true || num(t, created, "minutes") != 30 || num(t, created, "billable_minutes") != 30 || created["currency"] != "USD" {
		t.Errorf("the assistant still needs minutes, billable and currency: %v", created)
	}
	entryPath := apitest.Path("/api/v1/time-entries/%d", id)
	mvHidden(t, "entry", d.get(t, d.asst, entryPath), money...)

	res = d.asst.Do("PATCH", entryPath, map[string]any{"minutes": 45, "version": num(t, created, "version")})
	if res.Status != http.StatusOK {
		t.Fatalf("assistant edits time: %d %s", res.Status, res.Body)
	}
	mvNoSecrets(t, "PATCH /time-entries/:id", res.Body)
	mvHidden(t, "updated entry", res.Map(t), money...)

	// The timer's answers that embed an entry follow the same rule.
	timer := func(path string, body any) map[string]any {
		t.Helper()
		res := d.asst.Do("POST", path, body)
		if res.Status != http.StatusCreated {
			t.Fatalf("POST %s: %d %s", path, res.Status, res.Body)
		}
		mvNoSecrets(t, "POST "+path, res.Body)
		return res.Map(t)
	}
	if first := timer("/api/v1/timer/start", map[string]any{"client_id": d.client, "service_id": d.service}); first["stopped_entry"] != nil {
		t.Fatalf("first start stopped something: %v", first)
	}
	d.env.Clock.Advance(20 * time.Minute)
	d.get(t, d.asst, "/api/v1/timer")
	second := timer("/api/v1/timer/start", map[string]any{"client_id": d.client, "service_id": d.service})
	stopped, ok := second["stopped_entry"].(map[string]any)
	if !ok {
		t.Fatalf("a start over a running timer returns the stopped entry: %v", second)
	}
	mvHidden(t, "stopped_entry", stopped, money...)
	d.env.Clock.Advance(10 * time.Minute)
	mvHidden(t, "stop", timer("/api/v1/timer/stop", nil), money...)

	list := mvItems(t, d.get(t, d.asst, "/api/v1/time-entries"))
	if len(list) != 3 {
		t.Fatalf("assistant lists %d entries, want 3", len(list))
	}
	for _, e := range list {
		mvHidden(t, "listed entry", e, money...)
	}

	// The owner sees the money on the same entries: the client's rate won.
	for _, e := range mvItems(t, d.get(t, d.owner, apitest.Path("/api/v1/time-entries?user_id=%d", d.asst.UserID))) {
		if num(t, e, "hourly_rate") != mvClientRate || num(t, e, "amount") <= 0 {
			t.Errorf("owner sees entry %v", e)
		}
	}
	mvShown(t, "owner's entry", d.get(t, d.owner, entryPath), map[string]any{"hourly_rate": mvClientRate, "amount": 5509}) // 45 min at 73.45

	// Nor can an assistant put a rate on an entry.
	res = d.asst.Do("POST", "/api/v1/time-entries", merge(body, map[string]any{"hourly_rate": 1}))
	if res.Status != http.StatusUnprocessableEntity || !res.Problem(t).HasField("hourly_rate") {
		t.Errorf("assistant sets an entry's rate: %d %s", res.Status, res.Body)
	}
}

// The catalog, the practice's settings, projects and clients: the assistant
// reads what they need to work, by name, without the money settings.
func TestAssistantReadsNoMoneySettings(t *testing.T) {
	d := newMVDesk(t)
	svcPath := apitest.Path("/api/v1/services/%d", d.service)
	projPath := apitest.Path("/api/v1/projects/%d", d.project)

	for _, tc := range []struct {
		what  string
		page  bool
		path  string
		null  []string
		owner map[string]any
	}{
		{"service", false, svcPath, []string{"default_hourly_rate"}, map[string]any{"default_hourly_rate": mvServiceRate}},
		{"services", true, "/api/v1/services", []string{"default_hourly_rate"}, map[string]any{"default_hourly_rate": mvServiceRate}},
		{"settings", false, "/api/v1/settings", []string{"default_tax_rate", "default_tax_name", "payment_details"},
			map[string]any{"default_tax_rate": mvTaxRate, "default_tax_name": "Sales tax", "payment_details": "IBAN GB33 BUKB 2020 1555 5555 55"}},
	} {
		a, o := d.get(t, d.asst, tc.path), d.get(t, d.owner, tc.path)
		if tc.page {
			a, o = mvFind(t, a, d.service), mvFind(t, o, d.service)
		}
		mvHidden(t, "assistant's "+tc.what, a, tc.null...)
		mvShown(t, "owner's "+tc.what, o, tc.owner)
	}
	if s := d.get(t, d.asst, svcPath); s["name"] != "Inbox care" || s["billable"] != true {
		t.Errorf("the assistant still picks services by name: %v", s)
	}
	if s := d.get(t, d.asst, "/api/v1/settings"); s["currency"] != "USD" || s["timezone"] == nil {
		t.Errorf("the assistant still needs currency and time zone: %v", s)
	}

	// Projects leave their prices out for assistants (null is a price:
	// "none"), and the owner sees them.
	for _, p := range []map[string]any{d.get(t, d.asst, projPath), mvFind(t, d.get(t, d.asst, "/api/v1/projects"), d.project)} {
		for _, k := range []string{"fixed_fee", "hourly_rate"} {
			if _, ok := p[k]; ok {
				t.Errorf("assistant's project has %s: %v", k, p)
			}
		}
	}
	mvShown(t, "owner's project", d.get(t, d.owner, projPath), map[string]any{"fixed_fee": mvFixedFee, "hourly_rate": mvProjectRate})

	// Clients carry no money of their own; their rates are the owner's.
	d.get(t, d.asst, "/api/v1/clients")
	d.get(t, d.asst, apitest.Path("/api/v1/clients/%d", d.client))
	for _, path := range []string{apitest.Path("/api/v1/clients/%d/rates", d.client), apitest.Path("/api/v1/clients/%d/rates/%d", d.client, d.service)} {
		if res := d.asst.Do("GET", path, nil); res.Status != http.StatusForbidden {
			t.Errorf("assistant GET %s: %d, want 403", path, res.Status)
		} else {
			res.Problem(t)
		}
	}
}

// An expense is what was spent, typed in by whoever spent it, not a rate of
// the practice: the assistant sees its amount.
func TestAssistantSeesExpenseAmounts(t *testing.T) {
	d := newMVDesk(t)
	x := d.asst.Must(201, "POST", "/api/v1/expenses", map[string]any{"client_id": d.client, "date": "2026-11-02", "amount": 1250, "description": "Stock photo"})
	mvShown(t, "assistant's expense", x, map[string]any{"amount": 1250})
	mvShown(t, "assistant's expense", mvItems(t, d.get(t, d.asst, "/api/v1/expenses"))[0], map[string]any{"amount": 1250})
}

// Every write that sets money is the owner's: the assistant gets a 403
// problem, and nothing changes.
func TestAssistantCannotSetMoney(t *testing.T) {
	d := newMVDesk(t)
	ratePath := apitest.Path("/api/v1/clients/%d/rates/%d", d.client, d.service)
	for _, call := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/api/v1/services", map[string]any{"name": "Cheap", "default_hourly_rate": 1}},
		{"PATCH", apitest.Path("/api/v1/services/%d", d.service), map[string]any{"default_hourly_rate": 1}},
		{"PUT", ratePath, map[string]any{"hourly_rate": 1}},
		{"DELETE", ratePath, nil},
		{"POST", "/api/v1/projects", map[string]any{"client_id": d.client, "name": "Mine", "billing": "fixed_fee", "fixed_fee": 1}},
		{"PATCH", apitest.Path("/api/v1/projects/%d", d.project), map[string]any{"fixed_fee": 1, "hourly_rate": 1}},
		{"PATCH", "/api/v1/settings", map[string]any{"default_tax_rate": 0}},
		{"PATCH", apitest.Path("/api/v1/clients/%d", d.client), map[string]any{"payment_terms_days": 1}},
		{"POST", apitest.Path("/api/v1/clients/%d/retainers", d.client), map[string]any{"name": "x", "included_minutes": 60, "fee": 1, "overage_hourly_rate": 1}},
	} {
		res := d.asst.Do(call.method, call.path, call.body)
		if res.Status != http.StatusForbidden {
			t.Errorf("assistant %s %s: %d, want 403; %s", call.method, call.path, res.Status, res.Body)
			continue
		}
		res.Problem(t)
	}
	mvShown(t, "service", d.get(t, d.owner, apitest.Path("/api/v1/services/%d", d.service)), map[string]any{"default_hourly_rate": mvServiceRate})
	mvShown(t, "rate", d.get(t, d.owner, ratePath), map[string]any{"hourly_rate": mvClientRate})
	mvShown(t, "project", d.get(t, d.owner, apitest.Path("/api/v1/projects/%d", d.project)), map[string]any{"fixed_fee": mvFixedFee, "hourly_rate": mvProjectRate})
	mvShown(t, "settings", d.get(t, d.owner, "/api/v1/settings"), map[string]any{"default_tax_rate": mvTaxRate})
}
