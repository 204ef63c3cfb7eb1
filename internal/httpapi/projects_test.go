package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/tenant"
)

// pjFixture is a practice with an owner, for the project and task tests.
type pjFixture struct {
	t     *testing.T
	env   *apitest.Env
	owner *apitest.Actor
}

func newPJFixture(t *testing.T, name string) *pjFixture {
	env := apitest.New(t)
	return &pjFixture{t: t, env: env, owner: env.NewPractice(name)}
}

func (f *pjFixture) client(name string) int64 {
	f.t.Helper()
	return apitest.ID(f.t, f.owner.Must(201, "POST", "/api/v1/clients", map[string]any{"name": name}), "id")
}

func (f *pjFixture) service() int64 {
	f.t.Helper()
	items := f.owner.Must(200, "GET", "/api/v1/services?limit=1", nil)["items"].([]any)
	return apitest.ID(f.t, items[0].(map[string]any), "id")
}

// project creates a project of clientID with body's extra fields.
func (f *pjFixture) project(clientID int64, extra map[string]any) map[string]any {
	f.t.Helper()
	body := map[string]any{"client_id": clientID, "name": "Website refresh"}
	for k, v := range extra {
		body[k] = v
	}
	return f.owner.Must(201, "POST", "/api/v1/projects", body)
}

// task creates a task of clientID with body's extra fields.
func (f *pjFixture) task(clientID int64, extra map[string]any) map[string]any {
	f.t.Helper()
	body := map[string]any{"client_id": clientID, "title": "Clean up the inbox"}
	for k, v := range extra {
		body[k] = v
	}
	return f.owner.Must(201, "POST", "/api/v1/tasks", body)
}

// logTime writes a time entry straight into the database, so these tests
// do not depend on the time-entry API.
func (f *pjFixture) logTime(clientID int64, projectID, taskID any) {
	f.t.Helper()
	err := f.env.Store.Write(tenant.System(context.Background())).Exec(`INSERT INTO time_entries
		(practice_id, client_id, service_id, project_id, task_id, user_id, started_at, minutes, billable_minutes,
		 hourly_rate, amount, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 30, 30, 4000, 2000, ?, ?)`,
		f.owner.PracticeID, clientID, f.service(), projectID, taskID, f.owner.UserID,
		apitest.Start, apitest.Start, apitest.Start).Error
	if err != nil {
		f.t.Fatal(err)
	}
}

// clientUser adds a portal user of clientID with an API token.
func (f *pjFixture) clientUser(clientID int64) *apitest.Actor {
	f.t.Helper()
	email := fmt.Sprintf("portal%d@example.com", clientID)
	err := f.env.Store.Write(tenant.System(context.Background())).Exec(`INSERT INTO users
		(practice_id, email, name, role, client_id, password_hash, created_at, updated_at)
		VALUES (?, ?, 'Portal', 'client', ?, 'x', ?, ?)`, f.owner.PracticeID, email, clientID, apitest.Start, apitest.Start).Error
	if err != nil {
		f.t.Fatal(err)
	}
	_, raw, err := f.env.Services.Auth.CreateTokenFor(context.Background(), email, "test")
	if err != nil {
		f.t.Fatal(err)
	}
	return &apitest.Actor{Env: f.env, PracticeID: f.owner.PracticeID, Email: email, Token: raw}
}

// assign gives an assistant the clients they work for (assistants see only
// those), through the owner's API.
func (f *pjFixture) assign(asst *apitest.Actor, clientIDs ...int64) {
	f.t.Helper()
	f.owner.Must(200, "PATCH", apitest.Path("/api/v1/users/%d", asst.UserID), map[string]any{"client_ids": clientIDs})
}

// invalid checks that a call is a 422 naming field.
func (f *pjFixture) invalid(a *apitest.Actor, method, path string, body any, field string) {
	f.t.Helper()
	res := a.Do(method, path, body)
	if res.Status != http.StatusUnprocessableEntity {
		f.t.Errorf("%s %s %v: status %d, want 422; body %s", method, path, body, res.Status, res.Body)
		return
	}
	if p := res.Problem(f.t); !p.HasField(field) {
		f.t.Errorf("%s %s %v: 422 does not name %q: %s", method, path, body, field, res.Body)
	}
}

// pjWalk pages through a list with limit=2 and returns the ids in order.
func pjWalk(t *testing.T, a *apitest.Actor, path string) []int64 {
	t.Helper()
	var ids []int64
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	next := path + sep + "limit=2"
	for pages := 0; ; pages++ {
		if pages > 50 {
			t.Fatal("pagination does not end")
		}
		var page struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
			NextCursor *string `json:"next_cursor"`
		}
		res := a.Do("GET", next, nil)
		if res.Status != 200 {
			t.Fatalf("GET %s: %d %s", next, res.Status, res.Body)
		}
		res.JSON(t, &page)
		if len(page.Items) > 2 {
			t.Fatalf("page of %d items with limit=2", len(page.Items))
		}
		for _, it := range page.Items {
			ids = append(ids, it.ID)
		}
		if page.NextCursor == nil {
			return ids
		}
		next = path + sep + "limit=2&cursor=" + *page.NextCursor
	}
}

func pjSameIDs(got, want []int64) bool {
	return fmt.Sprint(got) == fmt.Sprint(want)
}

func TestProjectCRUD(t *testing.T) {
	f := newPJFixture(t, "Projects CRUD")
	cl := f.client("Dana Realty")

	p := f.project(cl, nil)
	id := apitest.ID(t, p, "id")
	want := map[string]any{"client_id": float64(cl), "name": "Website refresh", "description": "", "billing": "hourly",
		"currency": "USD", "fixed_fee": nil, "hourly_rate": nil, "budget_minutes": nil, "status": "active", "invoice_id": nil}
	for k, v := range want {
		if got, ok := p[k]; !ok || got != v {
			t.Errorf("created %s = %v (present %v), want %v", k, got, ok, v)
		}
	}

	got := f.owner.Must(200, "GET", apitest.Path("/api/v1/projects/%d", id), nil)
	if got["name"] != "Website refresh" || got["currency"] != "USD" {
		t.Fatalf("get: %v", got)
	}

	got = f.owner.Must(200, "PATCH", apitest.Path("/api/v1/projects/%d", id),
		map[string]any{"name": "  Site refresh  ", "hourly_rate": 6000, "budget_minutes": 600, "description": "Q4"})
	if got["name"] != "Site refresh" || got["hourly_rate"] != float64(6000) || got["budget_minutes"] != float64(600) || got["description"] != "Q4" {
		t.Fatalf("patch: %v", got)
	}
	// Null clears a nullable field; fields left out stay.
	got = f.owner.Must(200, "PATCH", apitest.Path("/api/v1/projects/%d", id), map[string]any{"hourly_rate": nil})
	if got["hourly_rate"] != nil || got["budget_minutes"] != float64(600) || got["name"] != "Site refresh" {
		t.Fatalf("clear hourly_rate: %v", got)
	}
	// Switching to a fixed fee needs the fee; with it, it works.
	got = f.owner.Must(200, "PATCH", apitest.Path("/api/v1/projects/%d", id), map[string]any{"billing": "fixed_fee", "fixed_fee": 150000})
	if got["billing"] != "fixed_fee" || got["fixed_fee"] != float64(150000) {
		t.Fatalf("fixed fee: %v", got)
	}
	got = f.owner.Must(200, "PATCH", apitest.Path("/api/v1/projects/%d", id), map[string]any{"status": "archived"})
	if got["status"] != "archived" {
		t.Fatalf("archive: %v", got)
	}

	fixed := f.project(cl, map[string]any{"name": "Launch", "billing": "fixed_fee", "fixed_fee": 99900, "budget_minutes": 0})
	if fixed["fixed_fee"] != float64(99900) || fixed["budget_minutes"] != float64(0) {
		t.Fatalf("create fixed fee: %v", fixed)
	}
	f.project(cl, map[string]any{"name": "Pro bono", "billing": "non_billable"})

	f.owner.Must(204, "DELETE", apitest.Path("/api/v1/projects/%d", id), nil)
	if res := f.owner.Do("GET", apitest.Path("/api/v1/projects/%d", id), nil); res.Status != 404 {
		t.Fatalf("deleted project: %d", res.Status)
	}
}

func TestProjectValidation(t *testing.T) {
	f := newPJFixture(t, "Projects invalid")
	cl := f.client("Dana Realty")
	other := newPJFixtureIn(f, "Other practice")
	foreign := other.client("Not yours")

	create := []struct {
		name  string
		body  any
		field string
	}{
		{"missing name", map[string]any{"client_id": cl}, "name"},
		{"blank name", map[string]any{"client_id": cl, "name": "   "}, "name"},
		{"long name", map[string]any{"client_id": cl, "name": strings.Repeat("n", 201)}, "name"},
		{"long description", map[string]any{"client_id": cl, "name": "x", "description": strings.Repeat("d", 10001)}, "description"},
		{"missing client", map[string]any{"name": "x"}, "client_id"},
		{"unknown client", map[string]any{"client_id": 999999, "name": "x"}, "client_id"},
		{"zero client", map[string]any{"client_id": 0, "name": "x"}, "client_id"},
		{"other practice's client", map[string]any{"client_id": foreign, "name": "x"}, "client_id"},
		{"bad billing", map[string]any{"client_id": cl, "name": "x", "billing": "weekly"}, "billing"},
		{"fixed fee without fee", map[string]any{"client_id": cl, "name": "x", "billing": "fixed_fee"}, "fixed_fee"},
		{"fixed fee with null fee", map[string]any{"client_id": cl, "name": "x", "billing": "fixed_fee", "fixed_fee": nil}, "fixed_fee"},
		{"negative fee", map[string]any{"client_id": cl, "name": "x", "fixed_fee": -1}, "fixed_fee"},
		{"negative rate", map[string]any{"client_id": cl, "name": "x", "hourly_rate": -5}, "hourly_rate"},
		{"negative budget", map[string]any{"client_id": cl, "name": "x", "budget_minutes": -1}, "budget_minutes"},
		{"huge budget", map[string]any{"client_id": cl, "name": "x", "budget_minutes": 6000001}, "budget_minutes"},
		{"bad status", map[string]any{"client_id": cl, "name": "x", "status": "deleted"}, "status"},
		{"read-only invoice_id", map[string]any{"client_id": cl, "name": "x", "invoice_id": 1}, "invoice_id"},
		{"unknown field", map[string]any{"client_id": cl, "name": "x", "colour": "red"}, "colour"},
		{"rate as string", map[string]any{"client_id": cl, "name": "x", "hourly_rate": "50"}, "hourly_rate"},
		{"rate with cents", map[string]any{"client_id": cl, "name": "x", "hourly_rate": 50.5}, "hourly_rate"},
		{"client as string", map[string]any{"client_id": "1", "name": "x"}, "client_id"},
		{"name as number", map[string]any{"client_id": cl, "name": 7}, "name"},
	}
	for _, tc := range create {
		t.Run("create "+tc.name, func(t *testing.T) {
			f.invalid(f.owner, "POST", "/api/v1/projects", tc.body, tc.field)
		})
	}
	if list := f.owner.Must(200, "GET", "/api/v1/projects", nil)["items"].([]any); len(list) != 0 {
		t.Fatalf("invalid creates wrote %d projects", len(list))
	}

	hourly := apitest.ID(t, f.project(cl, nil), "id")
	fixed := apitest.ID(t, f.project(cl, map[string]any{"billing": "fixed_fee", "fixed_fee": 1000}), "id")
	update := []struct {
		name  string
		id    int64
		body  any
		field string
	}{
		{"empty name", hourly, map[string]any{"name": ""}, "name"},
		{"null name", hourly, map[string]any{"name": nil}, "name"},
		{"to fixed fee without fee", hourly, map[string]any{"billing": "fixed_fee"}, "fixed_fee"},
		{"clear fee of fixed-fee project", fixed, map[string]any{"fixed_fee": nil}, "fixed_fee"},
		{"unknown client", hourly, map[string]any{"client_id": 999999}, "client_id"},
		{"other practice's client", hourly, map[string]any{"client_id": foreign}, "client_id"},
	}
	for _, tc := range update {
		t.Run("update "+tc.name, func(t *testing.T) {
			f.invalid(f.owner, "PATCH", apitest.Path("/api/v1/projects/%d", tc.id), tc.body, tc.field)
		})
	}
	if got := f.owner.Must(200, "GET", apitest.Path("/api/v1/projects/%d", hourly), nil); got["name"] != "Website refresh" || got["billing"] != "hourly" {
		t.Fatalf("invalid updates changed the project: %v", got)
	}

	for _, body := range []string{"not json", "[1,2]", ""} {
		res := f.owner.Do("POST", "/api/v1/projects", body)
		if res.Status != http.StatusBadRequest {
			t.Errorf("body %q: %d, want 400", body, res.Status)
		}
		res.Problem(t)
	}
	f.invalid(f.owner, "GET", "/api/v1/projects?status=gone", nil, "status")
	f.invalid(f.owner, "GET", "/api/v1/projects?client_id=abc", nil, "client_id")
	f.invalid(f.owner, "GET", "/api/v1/projects?limit=0", nil, "limit")
	f.invalid(f.owner, "GET", "/api/v1/projects?cursor=%25%25", nil, "cursor")
}

// newPJFixtureIn adds a second practice to f's server.
func newPJFixtureIn(f *pjFixture, name string) *pjFixture {
	return &pjFixture{t: f.t, env: f.env, owner: f.env.NewPractice(name)}
}

func TestProjectDeleteArchivesWhatHasHistory(t *testing.T) {
	f := newPJFixture(t, "Projects delete")
	cl := f.client("Dana Realty")

	unused := apitest.ID(t, f.project(cl, nil), "id")
	f.owner.Must(204, "DELETE", apitest.Path("/api/v1/projects/%d", unused), nil)

	withTask := apitest.ID(t, f.project(cl, map[string]any{"name": "With a task"}), "id")
	f.task(cl, map[string]any{"project_id": withTask})
	withTime := apitest.ID(t, f.project(cl, map[string]any{"name": "With time"}), "id")
	f.logTime(cl, withTime, nil)

	for _, id := range []int64{withTask, withTime} {
		got := f.owner.Must(200, "DELETE", apitest.Path("/api/v1/projects/%d", id), nil)
		if got["status"] != "archived" || apitest.ID(t, got, "id") != id {
			t.Fatalf("delete of used project %d: %v", id, got)
		}
		// Deleting again is harmless: it stays archived.
		f.owner.Must(200, "DELETE", apitest.Path("/api/v1/projects/%d", id), nil)
		f.owner.Must(200, "GET", apitest.Path("/api/v1/projects/%d", id), nil)
	}
	if ids := pjWalk(t, f.owner, "/api/v1/projects?status=archived"); !pjSameIDs(ids, []int64{withTask, withTime}) {
		t.Fatalf("archived projects %v", ids)
	}
}

func TestProjectClientChange(t *testing.T) {
	f := newPJFixture(t, "Projects move")
	a, b := f.client("A"), f.client("B")

	p := apitest.ID(t, f.project(a, nil), "id")
	task := f.task(a, map[string]any{"project_id": p})
	got := f.owner.Must(200, "PATCH", apitest.Path("/api/v1/projects/%d", p), map[string]any{"client_id": b})
	if apitest.ID(t, got, "client_id") != b {
		t.Fatalf("move: %v", got)
	}
	// Its tasks move with it, so a task's project stays its client's.
	moved := f.owner.Must(200, "GET", apitest.Path("/api/v1/tasks/%d", apitest.ID(t, task, "id")), nil)
	if apitest.ID(t, moved, "client_id") != b || moved["version"] != float64(2) {
		t.Fatalf("task after move: %v", moved)
	}

	f.logTime(b, p, nil)
	res := f.owner.Do("PATCH", apitest.Path("/api/v1/projects/%d", p), map[string]any{"client_id": a})
	if res.Status != http.StatusConflict || !strings.Contains(res.Problem(t).Detail, "logged time") {
		t.Fatalf("move with logged time: %d %s", res.Status, res.Body)
	}
	// Sending the current client is not a change.
	f.owner.Must(200, "PATCH", apitest.Path("/api/v1/projects/%d", p), map[string]any{"client_id": b, "name": "Same client"})
}

func TestProjectListFiltersAndPages(t *testing.T) {
	f := newPJFixture(t, "Projects list")
	a, b := f.client("A"), f.client("B")
	var all, ofA, active []int64
	for i := range 5 {
		cl := a
		if i%2 == 1 {
			cl = b
		}
		status := "active"
		if i == 3 {
			status = "archived"
		}
		id := apitest.ID(t, f.project(cl, map[string]any{"name": fmt.Sprintf("P%d", i), "status": status}), "id")
		all = append(all, id)
		if cl == a {
			ofA = append(ofA, id)
		}
		if status == "active" {
			active = append(active, id)
		}
	}
	cases := map[string][]int64{
		"/api/v1/projects": all,
		apitest.Path("/api/v1/projects?client_id=%d", a):                 ofA,
		"/api/v1/projects?status=active":                                 active,
		apitest.Path("/api/v1/projects?client_id=%d&status=archived", b): {all[3]},
		"/api/v1/projects?client_id=999999":                              nil,
	}
	for path, want := range cases {
		if got := pjWalk(t, f.owner, path); !pjSameIDs(got, want) {
			t.Errorf("%s: %v, want %v", path, got, want)
		}
	}
}

func TestProjectPermissions(t *testing.T) {
	f := newPJFixture(t, "Projects roles")
	cl := f.client("Dana Realty")
	p := apitest.ID(t, f.project(cl, map[string]any{"billing": "fixed_fee", "fixed_fee": 5000, "hourly_rate": 7000}), "id")
	path := apitest.Path("/api/v1/projects/%d", p)

	asst := f.owner.NewUser(tenant.Assistant)
	f.assign(asst, cl)
	// Assistants see their clients' projects but not the practice's prices.
	got := asst.Must(200, "GET", path, nil)
	for _, k := range []string{"fixed_fee", "hourly_rate"} {
		if _, ok := got[k]; ok {
			t.Errorf("assistant sees %s: %v", k, got)
		}
	}
	list := asst.Do("GET", "/api/v1/projects", nil)
	if list.Status != 200 || strings.Contains(string(list.Body), `"fixed_fee":`) || strings.Contains(string(list.Body), `"hourly_rate":`) {
		t.Errorf("assistant list: %d %s", list.Status, list.Body)
	}
	portal := f.clientUser(cl)
	for _, who := range []struct {
		name  string
		actor *apitest.Actor
		calls [][2]string
	}{
		{"assistant", asst, [][2]string{{"POST", "/api/v1/projects"}, {"PATCH", path}, {"DELETE", path}}},
		{"client user", portal, [][2]string{{"GET", "/api/v1/projects"}, {"GET", path}, {"POST", "/api/v1/projects"}, {"PATCH", path}, {"DELETE", path}}},
	} {
		for _, call := range who.calls {
			var body any
			if call[0] != "GET" && call[0] != "DELETE" {
				body = map[string]any{"client_id": cl, "name": "Mine now"}
			}
			res := who.actor.Do(call[0], call[1], body)
			if res.Status != http.StatusForbidden {
				t.Errorf("%s %s %s: %d, want 403", who.name, call[0], call[1], res.Status)
			}
			res.Problem(t)
		}
	}
	if got := f.owner.Must(200, "GET", path, nil); got["name"] != "Website refresh" || got["status"] != "active" {
		t.Fatalf("forbidden calls changed the project: %v", got)
	}
}

func TestProjectsOfAnotherPracticeAre404(t *testing.T) {
	f := newPJFixture(t, "Projects A")
	cl := f.client("Dana Realty")
	p := apitest.ID(t, f.project(cl, map[string]any{"name": "Secret project"}), "id")
	other := newPJFixtureIn(f, "Projects B")
	path := apitest.Path("/api/v1/projects/%d", p)

	for _, call := range []struct {
		method string
		body   any
	}{{"GET", nil}, {"PATCH", map[string]any{"name": "Stolen"}}, {"DELETE", nil}} {
		res := other.owner.Do(call.method, path, call.body)
		if res.Status != http.StatusNotFound {
			t.Errorf("%s %s from another practice: %d, want 404", call.method, path, res.Status)
		}
		if pr := res.Problem(t); strings.Contains(string(res.Body), "Secret") || pr.Status != 404 {
			t.Errorf("404 leaks: %s", res.Body)
		}
	}
	for _, q := range []string{"", apitest.Path("?client_id=%d", cl)} {
		if ids := pjWalk(t, other.owner, "/api/v1/projects"+q); len(ids) != 0 {
			t.Errorf("other practice lists %v", ids)
		}
	}
	if got := f.owner.Must(200, "GET", path, nil); got["name"] != "Secret project" {
		t.Fatalf("other practice changed the project: %v", got)
	}
}

// Once invoicing has billed a fixed-fee project (it sets invoice_id), the
// fee, billing and client are locked and the project can only be archived.
func TestInvoicedProjectIsLocked(t *testing.T) {
	f := newPJFixture(t, "Projects invoiced")
	a, b := f.client("A"), f.client("B")
	p := apitest.ID(t, f.project(a, map[string]any{"billing": "fixed_fee", "fixed_fee": 250000}), "id")
	if err := f.env.Store.Write(tenant.System(context.Background())).Exec("UPDATE projects SET invoice_id = 77 WHERE id = ?", p).Error; err != nil {
		t.Fatal(err)
	}
	path := apitest.Path("/api/v1/projects/%d", p)
	for _, body := range []map[string]any{{"fixed_fee": 1}, {"billing": "hourly"}, {"client_id": b}} {
		res := f.owner.Do("PATCH", path, body)
		if res.Status != http.StatusConflict {
			t.Errorf("PATCH %v of invoiced project: %d %s", body, res.Status, res.Body)
		}
		res.Problem(t)
	}
	got := f.owner.Must(200, "PATCH", path, map[string]any{"name": "Launch (billed)", "fixed_fee": 250000})
	if got["invoice_id"] != float64(77) || got["name"] != "Launch (billed)" {
		t.Fatalf("rename of invoiced project: %v", got)
	}
	if got := f.owner.Must(200, "DELETE", path, nil); got["status"] != "archived" {
		t.Fatalf("delete of invoiced project: %v", got)
	}
}
