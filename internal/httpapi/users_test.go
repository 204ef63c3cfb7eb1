package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/tenant"
)

func TestOwnerManagesAssistants(t *testing.T) {
	env := apitest.New(t)
	owner := env.NewPractice("Team")
	a := secClient(t, owner, "Alpha Homes")
	b := secClient(t, owner, "Beta Coaching")

	m := owner.Must(201, "POST", "/api/v1/users", map[string]any{"email": "sam@team.example", "name": "Sam", "password": apitest.Password, "client_ids": []int64{a}})
	id := apitest.ID(t, m, "id")
	if m["role"] != "assistant" || len(m["client_ids"].([]any)) != 1 || m["disabled_at"] != nil {
		t.Fatalf("created %v", m)
	}
	list := owner.Must(200, "GET", "/api/v1/users", nil)["items"].([]any)
	if len(list) != 2 || list[0].(map[string]any)["client_ids"] != nil {
		t.Fatalf("users %v", list)
	}
	if strings.Contains(string(owner.Do("GET", "/api/v1/users", nil).Body), "argon2") {
		t.Fatal("the list shows password hashes")
	}

	for name, c := range map[string]struct {
		body  map[string]any
		field string
	}{
		"short password":   {map[string]any{"email": "x@team.example", "name": "X", "password": "short"}, "password"},
		"common password":  {map[string]any{"email": "x@team.example", "name": "X", "password": "password1234"}, "password"},
		"owner role":       {map[string]any{"email": "x@team.example", "name": "X", "password": apitest.Password, "role": "owner"}, "role"},
		"client role":      {map[string]any{"email": "x@team.example", "name": "X", "password": apitest.Password, "role": "client"}, "role"},
		"taken e-mail":     {map[string]any{"email": "SAM@team.example", "name": "X", "password": apitest.Password}, "email"},
		"unknown client":   {map[string]any{"email": "x@team.example", "name": "X", "password": apitest.Password, "client_ids": []int64{999}}, "client_ids"},
		"bad e-mail":       {map[string]any{"email": "nope", "name": "X", "password": apitest.Password}, "email"},
		"no name":          {map[string]any{"email": "x@team.example", "name": " ", "password": apitest.Password}, "name"},
		"unknown field":    {map[string]any{"email": "x@team.example", "name": "X", "password": apitest.Password, "admin": true}, "admin"},
		"client of others": {map[string]any{"email": "x@team.example", "name": "X", "password": apitest.Password, "client_ids": []int64{secClient(t, env.NewPractice("Others"), "Theirs")}}, "client_ids"},
	} {
		res := owner.Do("POST", "/api/v1/users", c.body)
		if res.Status != http.StatusUnprocessableEntity || !res.Problem(t).HasField(c.field) {
			t.Errorf("%s: %d %s", name, res.Status, res.Body)
		}
	}

	// The assistant works for Alpha only, until the owner adds Beta.
	sam := secLogin(t, env, "sam@team.example", apitest.Password)
	names := func() string {
		res := sam.do("GET", "/api/v1/clients", nil)
		if res.Status != 200 {
			t.Fatalf("assistant lists clients: %d", res.Status)
		}
		return string(res.Body)
	}
	if got := names(); !strings.Contains(got, "Alpha") || strings.Contains(got, "Beta") {
		t.Fatalf("assistant of Alpha sees %s", got)
	}
	if res := sam.do("GET", apitest.Path("/api/v1/clients/%d", b), nil); res.Status != 404 {
		t.Fatalf("assistant reads Beta: %d", res.Status)
	}
	owner.Must(200, "PATCH", apitest.Path("/api/v1/users/%d", id), map[string]any{"client_ids": []int64{a, b, b}})
	if got := names(); !strings.Contains(got, "Beta") {
		t.Fatalf("after adding Beta: %s", got)
	}
	got := owner.Must(200, "PATCH", apitest.Path("/api/v1/users/%d", id), map[string]any{"client_ids": []int64{}, "name": "Samira"})
	if got["name"] != "Samira" || len(got["client_ids"].([]any)) != 0 {
		t.Fatalf("patched %v", got)
	}
	if got := names(); strings.Contains(got, "Alpha") || strings.Contains(got, "Beta") {
		t.Fatalf("assistant without clients sees %s", got)
	}
	if res := owner.Do("PATCH", apitest.Path("/api/v1/users/%d", owner.UserID), map[string]any{"client_ids": []int64{a}}); res.Status != 422 {
		t.Fatalf("clients for an owner: %d", res.Status)
	}

	// Assistants manage nothing of the practice's: users, settings, rates,
	// invoices, the audit log.
	for _, r := range []struct{ method, path string }{
		{"GET", "/api/v1/users"}, {"POST", "/api/v1/users"}, {"PATCH", apitest.Path("/api/v1/users/%d", id)},
		{"PATCH", "/api/v1/settings"}, {"GET", apitest.Path("/api/v1/clients/%d/rates", a)}, {"GET", "/api/v1/invoices"},
		{"GET", "/api/v1/audit"}, {"POST", apitest.Path("/api/v1/clients/%d/portal-invites", a)},
	} {
		if res := sam.do(r.method, r.path, map[string]any{}); res.Status != http.StatusForbidden {
			t.Errorf("assistant %s %s: %d", r.method, r.path, res.Status)
		}
	}

	// Disabling ends the sessions at once and stops API tokens; enabling
	// lets the assistant log in again.
	asstToken := &apitest.Actor{Env: env, Token: func() string {
		res := sam.do("POST", "/api/v1/tokens", map[string]any{"name": "cli"})
		if res.Status != 201 {
			t.Fatalf("token: %d %s", res.Status, res.Body)
		}
		return res.Map(t)["token"].(string)
	}()}
	owner.Must(204, "DELETE", apitest.Path("/api/v1/users/%d", id), nil)
	if res := sam.do("GET", "/api/v1/me", nil); res.Status != 401 {
		t.Fatalf("session of a disabled user: %d", res.Status)
	}
	if res := asstToken.Do("GET", "/api/v1/me", nil); res.Status != 401 {
		t.Fatalf("token of a disabled user: %d", res.Status)
	}
	if res := tryLogin(env, "sam@team.example", apitest.Password, ""); res.Status != 401 {
		t.Fatalf("login of a disabled user: %d", res.Status)
	}
	if got := owner.Must(200, "GET", apitest.Path("/api/v1/users/%d", id), nil); got["disabled_at"] == nil {
		t.Fatalf("disabled user %v", got)
	}
	owner.Must(200, "PATCH", apitest.Path("/api/v1/users/%d", id), map[string]any{"disabled": false})
	secLogin(t, env, "sam@team.example", apitest.Password)

	// Nobody disables themselves; client users and other practices' users
	// are not managed here.
	if res := owner.Do("DELETE", apitest.Path("/api/v1/users/%d", owner.UserID), nil); res.Status != 422 {
		t.Fatalf("owner disables themselves: %d %s", res.Status, res.Body)
	}
	portal, _ := secPortalUser(t, owner, a)
	stranger := env.NewPractice("Strangers").NewUser(tenant.Assistant)
	for _, uid := range []int64{portal.UserID, stranger.UserID, 999999} {
		for _, method := range []string{"GET", "PATCH", "DELETE"} {
			if res := owner.Do(method, apitest.Path("/api/v1/users/%d", uid), map[string]any{"name": "x"}); res.Status != 404 {
				t.Errorf("%s user %d: %d", method, uid, res.Status)
			}
		}
	}
}

// An assistant sees only their clients' clients, contacts, projects, tasks,
// time and expenses, and cannot write to anyone else's: the data layer
// narrows every query, so each list and each id agrees.
func TestAssistantSeesOnlyAssignedClients(t *testing.T) {
	env := apitest.New(t)
	owner := env.NewPractice("Assigned")
	mine := secSeed(t, owner, secClient(t, owner, "Mine Realty"), "MINEMARK")
	theirs := secSeed(t, owner, secClient(t, owner, "Theirs Coaching"), "THEIRMARK")
	asst := owner.NewUser(tenant.Assistant)
	secAssign(t, owner, asst, mine.Client)

	for _, p := range []string{"/api/v1/clients", "/api/v1/projects", "/api/v1/tasks", "/api/v1/time-entries", "/api/v1/expenses",
		apitest.Path("/api/v1/clients/%d/contacts", mine.Client)} {
		res := asst.Do("GET", p, nil)
		if res.Status != 200 {
			t.Errorf("%s: %d %s", p, res.Status, res.Body)
			continue
		}
		if !strings.Contains(string(res.Body), "MINEMARK") && !strings.Contains(string(res.Body), "Mine Realty") {
			t.Errorf("%s misses the assistant's own client: %s", p, res.Body)
		}
		if strings.Contains(string(res.Body), "THEIRMARK") || strings.Contains(string(res.Body), "Theirs Coaching") {
			t.Errorf("%s shows another client's: %s", p, res.Body)
		}
		// Filtering by the other client shows nothing rather than leaking.
		if res := asst.Do("GET", p+apitest.Path("?client_id=%d", theirs.Client), nil); strings.Contains(string(res.Body), "THEIRMARK") {
			t.Errorf("%s?client_id= leaks: %s", p, res.Body)
		}
	}
	for _, p := range []string{
		apitest.Path("/api/v1/clients/%d", theirs.Client), apitest.Path("/api/v1/clients/%d/contacts", theirs.Client),
		apitest.Path("/api/v1/clients/%d/contacts/%d", theirs.Client, theirs.Contact), apitest.Path("/api/v1/projects/%d", theirs.Project),
		apitest.Path("/api/v1/tasks/%d", theirs.Task), apitest.Path("/api/v1/time-entries/%d", theirs.Entry),
		apitest.Path("/api/v1/expenses/%d", theirs.Expense),
	} {
		res := asst.Do("GET", p, nil)
		if res.Status != 404 || strings.Contains(string(res.Body), "THEIRMARK") {
			t.Errorf("GET %s: %d %s", p, res.Status, res.Body)
		}
	}
	for _, c := range []struct {
		method, path string
		body         map[string]any
	}{
		{"PATCH", apitest.Path("/api/v1/tasks/%d", theirs.Task), map[string]any{"title": "Stolen", "version": 1}},
		{"DELETE", apitest.Path("/api/v1/tasks/%d", theirs.Task), nil},
		{"PATCH", apitest.Path("/api/v1/time-entries/%d", theirs.Entry), map[string]any{"note": "Stolen", "version": 1}},
		{"DELETE", apitest.Path("/api/v1/time-entries/%d", theirs.Entry), nil},
		{"POST", "/api/v1/tasks", map[string]any{"client_id": theirs.Client, "title": "Planted"}},
		{"POST", "/api/v1/time-entries", map[string]any{"client_id": theirs.Client, "service_id": theirs.Service,
			"started_at": "2026-11-02T10:00:00Z", "minutes": 30}},
		{"POST", "/api/v1/time-entries", map[string]any{"client_id": mine.Client, "service_id": mine.Service, "task_id": theirs.Task,
			"started_at": "2026-11-02T10:00:00Z", "minutes": 30}},
		{"POST", "/api/v1/timer/start", map[string]any{"client_id": theirs.Client, "service_id": theirs.Service}},
	} {
		var body any
		if c.body != nil {
			body = c.body
		}
		res := asst.Do(c.method, c.path, body)
		if res.Status != 404 && res.Status != 422 {
			t.Errorf("%s %s: %d %s", c.method, c.path, res.Status, res.Body)
		}
	}
	// What the owner sees of the other client is untouched.
	if got := owner.Must(200, "GET", apitest.Path("/api/v1/tasks/%d", theirs.Task), nil); got["title"] != "Task THEIRMARK" {
		t.Fatalf("other client's task changed: %v", got)
	}
	owner.Must(200, "GET", apitest.Path("/api/v1/time-entries/%d", theirs.Entry), nil)
	// The assistant does work for their own client.
	asst.Must(201, "POST", "/api/v1/tasks", map[string]any{"client_id": mine.Client, "title": "Mine to do"})
	asst.Must(201, "POST", "/api/v1/time-entries", map[string]any{"client_id": mine.Client, "service_id": mine.Service,
		"started_at": "2026-11-02T10:00:00Z", "minutes": 30})
}
