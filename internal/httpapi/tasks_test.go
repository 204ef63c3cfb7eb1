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

func TestTaskCRUD(t *testing.T) {
	f := newPJFixture(t, "Tasks CRUD")
	cl := f.client("Dana Realty")
	proj := apitest.ID(t, f.project(cl, nil), "id")
	svc := f.service()
	asst := f.owner.NewUser(tenant.Assistant)
	f.assign(asst, cl)

	plain := f.task(cl, nil)
	want := map[string]any{"client_id": float64(cl), "project_id": nil, "title": "Clean up the inbox", "description": "",
		"status": "todo", "due_on": nil, "priority": "normal", "assignee_id": nil, "service_id": nil,
		"requested_by_id": nil, "version": float64(1)}
	for k, v := range want {
		if got, ok := plain[k]; !ok || got != v {
			t.Errorf("created %s = %v (present %v), want %v", k, got, ok, v)
		}
	}

	full := f.task(cl, map[string]any{"title": "  Post listing photos ", "description": "All 12 photos", "project_id": proj,
		"status": "in_progress", "due_on": "2026-11-06", "priority": "urgent", "assignee_id": asst.UserID, "service_id": svc})
	id := apitest.ID(t, full, "id")
	path := apitest.Path("/api/v1/tasks/%d", id)
	got := f.owner.Must(200, "GET", path, nil)
	if got["title"] != "Post listing photos" || apitest.ID(t, got, "project_id") != proj || got["due_on"] != "2026-11-06" ||
		apitest.ID(t, got, "assignee_id") != asst.UserID || apitest.ID(t, got, "service_id") != svc || got["priority"] != "urgent" {
		t.Fatalf("get: %v", got)
	}

	// The assistant works the task: each change bumps the version.
	got = asst.Must(200, "PATCH", path, map[string]any{"status": "waiting", "description": "Waiting on photographer"})
	if got["status"] != "waiting" || got["version"] != float64(2) || got["title"] != "Post listing photos" {
		t.Fatalf("patch: %v", got)
	}
	// Null clears each nullable field.
	got = f.owner.Must(200, "PATCH", path, map[string]any{"project_id": nil, "due_on": nil, "assignee_id": nil, "service_id": nil})
	for _, k := range []string{"project_id", "due_on", "assignee_id", "service_id"} {
		if got[k] != nil {
			t.Errorf("%s not cleared: %v", k, got[k])
		}
	}
	if got["version"] != float64(3) {
		t.Fatalf("version after clearing: %v", got["version"])
	}
	// The owner can be the assignee too.
	got = f.owner.Must(200, "PATCH", path, map[string]any{"assignee_id": f.owner.UserID, "status": "done"})
	if apitest.ID(t, got, "assignee_id") != f.owner.UserID || got["status"] != "done" {
		t.Fatalf("assign owner: %v", got)
	}

	asst.Must(204, "DELETE", path, nil)
	if res := f.owner.Do("GET", path, nil); res.Status != 404 {
		t.Fatalf("deleted task: %d", res.Status)
	}
	if res := f.owner.Do("DELETE", path, nil); res.Status != 404 {
		t.Fatalf("delete twice: %d", res.Status)
	}
}

func TestTaskValidation(t *testing.T) {
	f := newPJFixture(t, "Tasks invalid")
	cl, otherCl := f.client("Dana Realty"), f.client("Coach Kim")
	otherProj := apitest.ID(t, f.project(otherCl, nil), "id")
	portal := f.clientUser(cl)
	var portalID int64
	if err := f.env.Store.Read(tenant.System(context.Background())).Raw("SELECT id FROM users WHERE email = ?", portal.Email).Scan(&portalID).Error; err != nil {
		t.Fatal(err)
	}
	disabled := f.owner.NewUser(tenant.Assistant)
	if err := f.env.Store.Write(tenant.System(context.Background())).Exec("UPDATE users SET disabled_at = ? WHERE id = ?", apitest.Start, disabled.UserID).Error; err != nil {
		t.Fatal(err)
	}
	other := newPJFixtureIn(f, "Tasks elsewhere")
	foreignCl := other.client("Not yours")
	foreignProj := apitest.ID(t, other.project(foreignCl, nil), "id")
	foreignSvc := other.service()

	body := func(kv ...any) map[string]any {
		m := map[string]any{"client_id": cl, "title": "Task"}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	create := []struct {
		name  string
		body  any
		field string
	}{
		{"missing title", map[string]any{"client_id": cl}, "title"},
		{"blank title", body("title", "  "), "title"},
		{"null title", body("title", nil), "title"},
		{"long title", body("title", strings.Repeat("t", 301)), "title"},
		{"long description", body("description", strings.Repeat("d", 10001)), "description"},
		{"missing client", map[string]any{"title": "x"}, "client_id"},
		{"unknown client", body("client_id", 999999), "client_id"},
		{"other practice's client", body("client_id", foreignCl), "client_id"},
		{"bad status", body("status", "blocked"), "status"},
		{"null status", body("status", nil), "status"},
		{"bad priority", body("priority", "asap"), "priority"},
		{"bad date", body("due_on", "2026-13-01"), "due_on"},
		{"date in words", body("due_on", "tomorrow"), "due_on"},
		{"date and time", body("due_on", "2026-11-06T10:00:00Z"), "due_on"},
		{"date as number", body("due_on", 20261106), "due_on"},
		{"project of another client", body("project_id", otherProj), "project_id"},
		{"unknown project", body("project_id", 999999), "project_id"},
		{"other practice's project", body("project_id", foreignProj), "project_id"},
		{"unknown assignee", body("assignee_id", 999999), "assignee_id"},
		{"client user as assignee", body("assignee_id", portalID), "assignee_id"},
		{"disabled assignee", body("assignee_id", disabled.UserID), "assignee_id"},
		{"other practice's owner", body("assignee_id", other.owner.UserID), "assignee_id"},
		{"unknown service", body("service_id", 999999), "service_id"},
		{"other practice's service", body("service_id", foreignSvc), "service_id"},
		{"read-only requested_by_id", body("requested_by_id", 1), "requested_by_id"},
		{"version on create", body("version", 1), "version"},
		{"unknown field", body("colour", "red"), "colour"},
		{"title as number", body("title", 5), "title"},
		{"client as string", body("client_id", "1"), "client_id"},
		{"project as string", body("project_id", "1"), "project_id"},
		{"assignee as float", body("assignee_id", 1.5), "assignee_id"},
	}
	for _, tc := range create {
		t.Run("create "+tc.name, func(t *testing.T) {
			f.invalid(f.owner, "POST", "/api/v1/tasks", tc.body, tc.field)
		})
	}
	if ids := pjWalk(t, f.owner, "/api/v1/tasks"); len(ids) != 0 {
		t.Fatalf("invalid creates wrote tasks %v", ids)
	}
	// Several problems are reported at once.
	res := f.owner.Do("POST", "/api/v1/tasks", map[string]any{"client_id": cl, "title": "", "status": "x", "due_on": "x"})
	if p := res.Problem(t); res.Status != 422 || !p.HasField("title") || !p.HasField("status") || !p.HasField("due_on") {
		t.Fatalf("several problems: %d %s", res.Status, res.Body)
	}

	task := apitest.ID(t, f.task(cl, nil), "id")
	path := apitest.Path("/api/v1/tasks/%d", task)
	update := []struct {
		name  string
		body  any
		field string
	}{
		{"empty title", map[string]any{"title": ""}, "title"},
		{"project of another client", map[string]any{"project_id": otherProj}, "project_id"},
		{"move to a client its project is not", map[string]any{"client_id": otherCl, "project_id": apitest.ID(t, f.project(cl, nil), "id")}, "project_id"},
		{"zero version", map[string]any{"title": "x", "version": 0}, "version"},
		{"null version", map[string]any{"title": "x", "version": nil}, "version"},
		{"bad date", map[string]any{"due_on": "2026-02-30"}, "due_on"},
	}
	for _, tc := range update {
		t.Run("update "+tc.name, func(t *testing.T) {
			f.invalid(f.owner, "PATCH", path, tc.body, tc.field)
		})
	}
	if got := f.owner.Must(200, "GET", path, nil); got["version"] != float64(1) || got["title"] != "Clean up the inbox" {
		t.Fatalf("invalid updates changed the task: %v", got)
	}

	for _, q := range []string{"status=todo,nope", "status=todo,", "due_before=soon", "due_after=2026-1-1", "assignee_id=x", "project_id=-1", "client_id=0.5"} {
		field := strings.SplitN(q, "=", 2)[0]
		f.invalid(f.owner, "GET", "/api/v1/tasks?"+q, nil, field)
	}
}

func TestTaskOptimisticLocking(t *testing.T) {
	f := newPJFixture(t, "Tasks locking")
	cl := f.client("Dana Realty")
	asst := f.owner.NewUser(tenant.Assistant)
	f.assign(asst, cl)
	path := apitest.Path("/api/v1/tasks/%d", apitest.ID(t, f.task(cl, nil), "id"))

	// Both read version 1; the owner saves first.
	got := f.owner.Must(200, "PATCH", path, map[string]any{"title": "Owner's title", "version": 1})
	if got["version"] != float64(2) {
		t.Fatalf("first save: %v", got)
	}
	res := asst.Do("PATCH", path, map[string]any{"title": "Assistant's title", "version": 1})
	if res.Status != http.StatusConflict {
		t.Fatalf("stale save: %d %s", res.Status, res.Body)
	}
	if p := res.Problem(t); !strings.Contains(p.Detail, "version 2") {
		t.Errorf("conflict detail %q does not say the current version", p.Detail)
	}
	if got := f.owner.Must(200, "GET", path, nil); got["title"] != "Owner's title" || got["version"] != float64(2) {
		t.Fatalf("stale save changed the task: %v", got)
	}
	// Reloaded, the assistant's save goes through; without a version, a
	// save always does.
	asst.Must(200, "PATCH", path, map[string]any{"title": "Assistant's title", "version": 2})
	got = asst.Must(200, "PATCH", path, map[string]any{"status": "done"})
	if got["version"] != float64(4) || got["title"] != "Assistant's title" {
		t.Fatalf("after reload: %v", got)
	}
	// A version from the future is as stale as one from the past.
	if res := f.owner.Do("PATCH", path, map[string]any{"status": "todo", "version": 9}); res.Status != http.StatusConflict {
		t.Fatalf("future version: %d", res.Status)
	}
}

func TestTaskWithLoggedTime(t *testing.T) {
	f := newPJFixture(t, "Tasks time")
	a, b := f.client("A"), f.client("B")
	task := apitest.ID(t, f.task(a, nil), "id")
	path := apitest.Path("/api/v1/tasks/%d", task)

	// Before time is logged a task can change client.
	got := f.owner.Must(200, "PATCH", path, map[string]any{"client_id": b})
	if apitest.ID(t, got, "client_id") != b {
		t.Fatalf("move: %v", got)
	}
	f.logTime(b, nil, task)
	res := f.owner.Do("DELETE", path, nil)
	if res.Status != http.StatusConflict || !strings.Contains(res.Problem(t).Detail, "mark it done") {
		t.Fatalf("delete with time: %d %s", res.Status, res.Body)
	}
	res = f.owner.Do("PATCH", path, map[string]any{"client_id": a})
	if res.Status != http.StatusConflict {
		t.Fatalf("move with time: %d %s", res.Status, res.Body)
	}
	res.Problem(t)
	f.owner.Must(200, "PATCH", path, map[string]any{"status": "done"})
}

func TestTaskListFiltersAndPages(t *testing.T) {
	f := newPJFixture(t, "Tasks list")
	a, b := f.client("A"), f.client("B")
	pa := apitest.ID(t, f.project(a, nil), "id")
	asst := f.owner.NewUser(tenant.Assistant)

	type row struct {
		client   int64
		project  any
		status   string
		due      any
		assignee any
	}
	rows := []row{
		{a, pa, "todo", "2026-11-01", asst.UserID},
		{a, nil, "in_progress", "2026-11-02", nil},
		{b, nil, "waiting", "2026-11-03", asst.UserID},
		{a, pa, "done", nil, f.owner.UserID},
		{b, nil, "todo", "2026-11-05", nil},
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = apitest.ID(t, f.task(r.client, map[string]any{"title": fmt.Sprintf("T%d", i), "project_id": r.project,
			"status": r.status, "due_on": r.due, "assignee_id": r.assignee}), "id")
	}
	pick := func(is ...int) []int64 {
		var out []int64
		for _, i := range is {
			out = append(out, ids[i])
		}
		return out
	}
	cases := map[string][]int64{
		"/api/v1/tasks": pick(0, 1, 2, 3, 4),
		apitest.Path("/api/v1/tasks?client_id=%d", a):                                   pick(0, 1, 3),
		apitest.Path("/api/v1/tasks?project_id=%d", pa):                                 pick(0, 3),
		"/api/v1/tasks?status=todo":                                                     pick(0, 4),
		"/api/v1/tasks?status=todo,in_progress,waiting":                                 pick(0, 1, 2, 4),
		apitest.Path("/api/v1/tasks?assignee_id=%d", asst.UserID):                       pick(0, 2),
		"/api/v1/tasks?due_before=2026-11-03":                                           pick(0, 1),
		"/api/v1/tasks?due_after=2026-11-02":                                            pick(2, 4),
		"/api/v1/tasks?due_after=2026-11-01&due_before=2026-11-05":                      pick(1, 2),
		apitest.Path("/api/v1/tasks?client_id=%d&status=todo&due_before=2026-12-01", b): pick(4),
		"/api/v1/tasks?assignee_id=999999":                                              nil,
	}
	for path, want := range cases {
		if got := pjWalk(t, f.owner, path); !pjSameIDs(got, want) {
			t.Errorf("%s: %v, want %v", path, got, want)
		}
	}
}

func TestTaskPermissions(t *testing.T) {
	f := newPJFixture(t, "Tasks roles")
	cl := f.client("Dana Realty")
	task := apitest.ID(t, f.task(cl, nil), "id")
	path := apitest.Path("/api/v1/tasks/%d", task)

	// Assistants read and write the tasks of the clients they are assigned;
	// other clients' tasks do not exist for them.
	other := f.client("Not assigned")
	hidden := apitest.ID(t, f.task(other, nil), "id")
	asst := f.owner.NewUser(tenant.Assistant)
	f.assign(asst, cl)
	for _, call := range []struct {
		method string
		body   any
	}{{"GET", nil}, {"PATCH", map[string]any{"title": "Peek"}}, {"DELETE", nil}} {
		if res := asst.Do(call.method, apitest.Path("/api/v1/tasks/%d", hidden), call.body); res.Status != http.StatusNotFound {
			t.Errorf("assistant %s of an unassigned client's task: %d, want 404", call.method, res.Status)
		}
	}
	f.invalid(asst, "POST", "/api/v1/tasks", map[string]any{"client_id": other, "title": "Sneak"}, "client_id")
	f.invalid(asst, "PATCH", apitest.Path("/api/v1/tasks/%d", task), map[string]any{"client_id": other}, "client_id")
	id := apitest.ID(t, asst.Must(201, "POST", "/api/v1/tasks", map[string]any{"client_id": cl, "title": "Mine"}), "id")
	asst.Must(200, "GET", path, nil)
	asst.Must(200, "PATCH", path, map[string]any{"assignee_id": asst.UserID})
	if ids := pjWalk(t, asst, "/api/v1/tasks"); !pjSameIDs(ids, []int64{task, id}) {
		t.Fatalf("assistant lists %v", ids)
	}
	asst.Must(204, "DELETE", apitest.Path("/api/v1/tasks/%d", id), nil)

	portal := f.clientUser(cl)
	for _, call := range [][2]string{{"GET", "/api/v1/tasks"}, {"POST", "/api/v1/tasks"}, {"GET", path}, {"PATCH", path}, {"DELETE", path}} {
		var body any
		if call[0] == "POST" || call[0] == "PATCH" {
			body = map[string]any{"client_id": cl, "title": "From the portal"}
		}
		res := portal.Do(call[0], call[1], body)
		if res.Status != http.StatusForbidden {
			t.Errorf("client user %s %s: %d, want 403", call[0], call[1], res.Status)
		}
		res.Problem(t)
	}
	if got := f.owner.Must(200, "GET", path, nil); got["version"] != float64(2) {
		t.Fatalf("forbidden calls changed the task: %v", got)
	}
}

func TestTasksOfAnotherPracticeAre404(t *testing.T) {
	f := newPJFixture(t, "Tasks A")
	cl := f.client("Dana Realty")
	proj := apitest.ID(t, f.project(cl, nil), "id")
	task := apitest.ID(t, f.task(cl, map[string]any{"title": "Secret task", "project_id": proj, "assignee_id": f.owner.UserID}), "id")
	path := apitest.Path("/api/v1/tasks/%d", task)
	other := newPJFixtureIn(f, "Tasks B")
	asstB := other.owner.NewUser(tenant.Assistant)
	other.assign(asstB, other.client("B's client"))

	for _, who := range []*apitest.Actor{other.owner, asstB} {
		for _, call := range []struct {
			method string
			body   any
		}{{"GET", nil}, {"PATCH", map[string]any{"title": "Stolen"}}, {"PATCH", map[string]any{"title": "Stolen", "version": 1}}, {"DELETE", nil}} {
			res := who.Do(call.method, path, call.body)
			if res.Status != http.StatusNotFound {
				t.Errorf("%s %s from another practice: %d, want 404", call.method, path, res.Status)
			}
			if res.Problem(t); strings.Contains(string(res.Body), "Secret") {
				t.Errorf("404 leaks: %s", res.Body)
			}
		}
		for _, q := range []string{"", apitest.Path("?client_id=%d", cl), apitest.Path("?project_id=%d", proj), apitest.Path("?assignee_id=%d", f.owner.UserID)} {
			if ids := pjWalk(t, who, "/api/v1/tasks"+q); len(ids) != 0 {
				t.Errorf("other practice lists %v for %q", ids, q)
			}
		}
	}
	if got := f.owner.Must(200, "GET", path, nil); got["title"] != "Secret task" || got["version"] != float64(1) {
		t.Fatalf("other practice changed the task: %v", got)
	}
}
