package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/tenant"
)

func TestClientCRUD(t *testing.T) {
	env := apitest.New(t)
	owner := env.NewPractice("Clients")
	m := owner.Must(201, "POST", "/api/v1/clients", map[string]any{
		"name": "Dana Realty", "company": "Dana Realty LLC", "industry": "real estate", "email": "dana@example.com",
		"rounding_minutes": 15, "payment_terms_days": 30, "status": "active",
	})
	id := apitest.ID(t, m, "id")
	if m["currency"] != "USD" || m["rounding_minutes"].(float64) != 15 {
		t.Fatalf("created %v", m)
	}
	got := owner.Must(200, "GET", apitest.Path("/api/v1/clients/%d", id), nil)
	if got["name"] != "Dana Realty" {
		t.Fatalf("got %v", got)
	}
	// PATCH changes only what is sent.
	upd := owner.Must(200, "PATCH", apitest.Path("/api/v1/clients/%d", id), map[string]any{"notes": "prefers Slack", "currency": "EUR"})
	if upd["notes"] != "prefers Slack" || upd["currency"] != "EUR" || upd["company"] != "Dana Realty LLC" {
		t.Fatalf("patched %v", upd)
	}
	owner.Must(204, "DELETE", apitest.Path("/api/v1/clients/%d", id), nil)
	if res := owner.Do("GET", apitest.Path("/api/v1/clients/%d", id), nil); res.Status != 404 {
		t.Fatalf("deleted client: %d", res.Status)
	}
}

func TestClientValidation(t *testing.T) {
	env := apitest.New(t)
	owner := env.NewPractice("Validation")
	cases := []struct {
		name  string
		body  any
		field string
	}{
		{"missing name", map[string]any{"company": "x"}, "name"},
		{"blank name", map[string]any{"name": "   "}, "name"},
		{"long name", map[string]any{"name": strings.Repeat("x", 201)}, "name"},
		{"bad currency", map[string]any{"name": "A", "currency": "usd"}, "currency"},
		{"bad rounding", map[string]any{"name": "A", "rounding_minutes": 7}, "rounding_minutes"},
		{"bad status", map[string]any{"name": "A", "status": "gone"}, "status"},
		{"bad email", map[string]any{"name": "A", "email": "not an email"}, "email"},
		{"terms too long", map[string]any{"name": "A", "payment_terms_days": 1000}, "payment_terms_days"},
		{"wrong type", map[string]any{"name": 42}, "name"},
		{"wrong type number", map[string]any{"name": "A", "rounding_minutes": "15"}, "rounding_minutes"},
		{"huge number", `{"name":"A","payment_terms_days":1e99}`, "payment_terms_days"},
		{"unknown field", map[string]any{"name": "A", "colour": "red"}, "colour"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := owner.Do("POST", "/api/v1/clients", c.body)
			if res.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d: %s", res.Status, res.Body)
			}
			if p := res.Problem(t); !p.HasField(c.field) {
				t.Fatalf("problem does not name %q: %s", c.field, res.Body)
			}
		})
	}
	for _, body := range []string{`{"name": "A"`, `not json`, `[1,2]`, ``, `{"name":"A"} {"name":"B"}`} {
		res := owner.Do("POST", "/api/v1/clients", body)
		if res.Status != http.StatusBadRequest {
			t.Errorf("body %q: status %d, want 400", body, res.Status)
		}
		res.Problem(t)
	}
	list := owner.Must(200, "GET", "/api/v1/clients", nil)
	if n := len(list["items"].([]any)); n != 0 {
		t.Fatalf("invalid requests wrote %d clients", n)
	}
}

func TestClientListSearchAndCursor(t *testing.T) {
	env := apitest.New(t)
	owner := env.NewPractice("List")
	names := []string{"Dana Realty", "Coach Carla", "Bright Bakery", "Dana's Dogs", "Evergreen Homes"}
	for _, n := range names {
		owner.Must(201, "POST", "/api/v1/clients", map[string]any{"name": n})
	}
	seen := map[string]int{}
	path := "/api/v1/clients?limit=2"
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("cursor does not end")
		}
		var page struct {
			Items      []struct{ Name string }
			NextCursor *string `json:"next_cursor"`
		}
		res := owner.Do("GET", path, nil)
		res.JSON(t, &page)
		for _, it := range page.Items {
			seen[it.Name]++
		}
		if page.NextCursor == nil {
			break
		}
		path = "/api/v1/clients?limit=2&cursor=" + *page.NextCursor
	}
	for _, n := range names {
		if seen[n] != 1 {
			t.Errorf("%s seen %d times", n, seen[n])
		}
	}
	res := owner.Do("GET", "/api/v1/clients?q=dana", nil)
	var page struct{ Items []struct{ Name string } }
	res.JSON(t, &page)
	if len(page.Items) != 2 {
		t.Fatalf("search dana: %s", res.Body)
	}
	for _, bad := range []string{"limit=0", "limit=501", "limit=x", "cursor=!!!", "cursor=eHl6"} {
		if res := owner.Do("GET", "/api/v1/clients?"+bad, nil); res.Status != 422 {
			t.Errorf("%s: %d", bad, res.Status)
		}
	}
}

func TestContactsAndRates(t *testing.T) {
	env := apitest.New(t)
	owner := env.NewPractice("Rates")
	cl := apitest.ID(t, owner.Must(201, "POST", "/api/v1/clients", map[string]any{"name": "Coach Carla"}), "id")
	ct := owner.Must(201, "POST", apitest.Path("/api/v1/clients/%d/contacts", cl), map[string]any{"name": "Zoë Łukasiewicz", "email": "zoe@example.com"})
	ctID := apitest.ID(t, ct, "id")
	owner.Must(200, "PATCH", apitest.Path("/api/v1/clients/%d/contacts/%d", cl, ctID), map[string]any{"role": "assistant to Carla"})
	list := owner.Must(200, "GET", apitest.Path("/api/v1/clients/%d/contacts", cl), nil)
	if items := list["items"].([]any); len(items) != 1 || items[0].(map[string]any)["name"] != "Zoë Łukasiewicz" {
		t.Fatalf("contacts %v", items)
	}

	svc := apitest.ID(t, owner.Must(200, "GET", "/api/v1/services", nil)["items"].([]any)[0].(map[string]any), "id")
	ratePath := apitest.Path("/api/v1/clients/%d/rates/%d", cl, svc)
	if res := owner.Do("GET", ratePath, nil); res.Status != 404 {
		t.Fatalf("unset rate: %d", res.Status)
	}
	owner.Must(201, "PUT", ratePath, map[string]any{"hourly_rate": 6000})
	r := owner.Must(200, "PUT", ratePath, map[string]any{"hourly_rate": 6500})
	if r["hourly_rate"].(float64) != 6500 {
		t.Fatalf("rate %v", r)
	}
	if res := owner.Do("PUT", ratePath, map[string]any{"hourly_rate": -1}); res.Status != 422 || !res.Problem(t).HasField("hourly_rate") {
		t.Fatalf("negative rate: %d %s", res.Status, res.Body)
	}
	if res := owner.Do("PUT", ratePath, map[string]any{}); res.Status != 422 {
		t.Fatalf("missing rate: %d", res.Status)
	}
	if res := owner.Do("PUT", apitest.Path("/api/v1/clients/%d/rates/999999", cl), map[string]any{"hourly_rate": 1}); res.Status != 404 {
		t.Fatalf("unknown service: %d", res.Status)
	}
	rates := owner.Must(200, "GET", apitest.Path("/api/v1/clients/%d/rates", cl), nil)
	if len(rates["items"].([]any)) != 1 {
		t.Fatalf("rates %v", rates)
	}
	owner.Must(204, "DELETE", ratePath, nil)
	owner.Must(204, "DELETE", apitest.Path("/api/v1/clients/%d/contacts/%d", cl, ctID), nil)

	// Assistants may not see or set rates.
	asst := owner.NewUser(tenant.Assistant)
	if res := asst.Do("PUT", ratePath, map[string]any{"hourly_rate": 1}); res.Status != 403 {
		t.Fatalf("assistant sets rate: %d", res.Status)
	}
	// Assistants see only the clients the owner gives them.
	if res := asst.Do("GET", apitest.Path("/api/v1/clients/%d", cl), nil); res.Status != 404 {
		t.Fatalf("assistant reads a client not theirs: %d", res.Status)
	}
	secAssign(t, owner, asst, cl)
	if res := asst.Do("GET", apitest.Path("/api/v1/clients/%d", cl), nil); res.Status != 200 {
		t.Fatalf("assistant reads client: %d", res.Status)
	}
}

func TestServicesSeededAndEditable(t *testing.T) {
	env := apitest.New(t)
	owner := env.NewPractice("Services")
	var page struct {
		Items []struct {
			ID                int64  `json:"id"`
			Name              string `json:"name"`
			DefaultHourlyRate int64  `json:"default_hourly_rate"`
		}
	}
	owner.Do("GET", "/api/v1/services", nil).JSON(t, &page)
	want := []string{"Email and inbox management", "Website updates", "Social media management", "Project management", "Administrative support"}
	if len(page.Items) != len(want) {
		t.Fatalf("seeded %d services", len(page.Items))
	}
	for i, w := range want {
		if page.Items[i].Name != w || page.Items[i].DefaultHourlyRate <= 0 {
			t.Errorf("service %d = %+v, want %s with a rate", i, page.Items[i], w)
		}
	}
	id := page.Items[0].ID
	owner.Must(200, "PATCH", apitest.Path("/api/v1/services/%d", id), map[string]any{"default_hourly_rate": 4200, "description": "Inbox zero"})
	if res := owner.Do("POST", "/api/v1/services", map[string]any{"name": "Website updates"}); res.Status != 422 || !res.Problem(t).HasField("name") {
		t.Fatalf("duplicate name: %d %s", res.Status, res.Body)
	}
	nid := apitest.ID(t, owner.Must(201, "POST", "/api/v1/services", map[string]any{"name": "Bookkeeping", "default_hourly_rate": 4800}), "id")
	owner.Must(204, "DELETE", apitest.Path("/api/v1/services/%d", nid), nil)
	archived := owner.Must(200, "GET", "/api/v1/services?archived=false", nil)
	if len(archived["items"].([]any)) != 5 {
		t.Fatalf("after delete: %v", archived)
	}
}

func TestSettings(t *testing.T) {
	env := apitest.New(t)
	owner := env.NewPractice("Settings")
	s := owner.Must(200, "GET", "/api/v1/settings", nil)
	if s["invoice_pattern"] != "INV-{YYYY}-{SEQ:4}" || s["timezone"] != "UTC" {
		t.Fatalf("defaults %v", s)
	}
	s = owner.Must(200, "PATCH", "/api/v1/settings", map[string]any{"timezone": "Europe/Berlin", "currency": "EUR", "invoice_pattern": "{CLIENT}-{YY}{MM}-{SEQ:3}", "default_tax_rate": 1900})
	if s["timezone"] != "Europe/Berlin" || s["default_tax_rate"].(float64) != 1900 {
		t.Fatalf("patched %v", s)
	}
	for field, v := range map[string]any{"timezone": "Mars/Olympus", "currency": "EURO", "invoice_pattern": "INV-{YYYY}", "default_tax_rate": 10001, "locale": "english"} {
		res := owner.Do("PATCH", "/api/v1/settings", map[string]any{field: v})
		if res.Status != 422 || !res.Problem(t).HasField(field) {
			t.Errorf("%s=%v: %d %s", field, v, res.Status, res.Body)
		}
	}
	asst := owner.NewUser(tenant.Assistant)
	if res := asst.Do("PATCH", "/api/v1/settings", map[string]any{"name": "mine"}); res.Status != 403 {
		t.Fatalf("assistant changes settings: %d", res.Status)
	}
}

// A second practice's token sees none of the first's objects: every id of
// practice A is a 404 for practice B, and lists are empty.
func TestPracticesAreIsolated(t *testing.T) {
	env := apitest.New(t)
	a := env.NewPractice("Practice A")
	b := env.NewPractice("Practice B")
	cl := apitest.ID(t, a.Must(201, "POST", "/api/v1/clients", map[string]any{"name": "A's client", "notes": "secret-a"}), "id")
	ct := apitest.ID(t, a.Must(201, "POST", apitest.Path("/api/v1/clients/%d/contacts", cl), map[string]any{"name": "A's contact"}), "id")
	svc := apitest.ID(t, a.Must(200, "GET", "/api/v1/services", nil)["items"].([]any)[0].(map[string]any), "id")
	a.Must(201, "PUT", apitest.Path("/api/v1/clients/%d/rates/%d", cl, svc), map[string]any{"hourly_rate": 7000})
	tok := apitest.ID(t, a.Must(201, "POST", "/api/v1/tokens", map[string]any{"name": "a"}), "id")

	paths := []struct{ method, path string }{
		{"GET", fmt.Sprintf("/api/v1/clients/%d", cl)},
		{"PATCH", fmt.Sprintf("/api/v1/clients/%d", cl)},
		{"DELETE", fmt.Sprintf("/api/v1/clients/%d", cl)},
		{"GET", fmt.Sprintf("/api/v1/clients/%d/contacts", cl)},
		{"POST", fmt.Sprintf("/api/v1/clients/%d/contacts", cl)},
		{"GET", fmt.Sprintf("/api/v1/clients/%d/contacts/%d", cl, ct)},
		{"PATCH", fmt.Sprintf("/api/v1/clients/%d/contacts/%d", cl, ct)},
		{"DELETE", fmt.Sprintf("/api/v1/clients/%d/contacts/%d", cl, ct)},
		{"GET", fmt.Sprintf("/api/v1/clients/%d/rates", cl)},
		{"GET", fmt.Sprintf("/api/v1/clients/%d/rates/%d", cl, svc)},
		{"PUT", fmt.Sprintf("/api/v1/clients/%d/rates/%d", cl, svc)},
		{"DELETE", fmt.Sprintf("/api/v1/clients/%d/rates/%d", cl, svc)},
		{"GET", fmt.Sprintf("/api/v1/services/%d", svc)},
		{"PATCH", fmt.Sprintf("/api/v1/services/%d", svc)},
		{"DELETE", fmt.Sprintf("/api/v1/services/%d", svc)},
		{"DELETE", fmt.Sprintf("/api/v1/tokens/%d", tok)},
	}
	bodies := map[string]any{"POST": map[string]any{"name": "x"}, "PATCH": map[string]any{"name": "x"}, "PUT": map[string]any{"hourly_rate": 1}}
	for _, p := range paths {
		res := b.Do(p.method, p.path, bodies[p.method])
		if res.Status != http.StatusNotFound {
			t.Errorf("B %s %s: %d %s", p.method, p.path, res.Status, res.Body)
		}
		if strings.Contains(string(res.Body), "secret-a") || strings.Contains(string(res.Body), "A's") {
			t.Errorf("B %s %s leaks: %s", p.method, p.path, res.Body)
		}
	}
	for _, p := range []string{"/api/v1/clients", "/api/v1/tokens"} {
		body := string(b.Do("GET", p, nil).Body)
		if strings.Contains(body, "A's client") || strings.Contains(body, `"name":"a"`) {
			t.Errorf("B lists A's objects at %s: %s", p, body)
		}
	}
	// A's objects are untouched.
	if got := a.Must(200, "GET", apitest.Path("/api/v1/clients/%d", cl), nil); got["name"] != "A's client" {
		t.Fatalf("A's client changed: %v", got)
	}
	a.Must(200, "GET", apitest.Path("/api/v1/clients/%d/rates/%d", cl, svc), nil)
}
