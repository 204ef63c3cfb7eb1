package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/tenant"
)

// A field the spec never makes null, sent as null, is a 422 naming it
// (encoding/json would read it as "not sent" and change nothing); fields
// that may be cleared still take null.
func TestNullOnlyWhereTheSpecAllowsIt(t *testing.T) {
	f := newWL(t, "Nulls")
	cl := f.client(nil)
	svc := f.service(6000, true)
	e := f.entry(cl, svc, nil)
	asst := f.owner.NewUser(tenant.Assistant)
	entry := apitest.Path("/api/v1/time-entries/%d", apitest.ID(t, e, "id"))

	for _, c := range []struct {
		method, path string
		body         map[string]any
		field        string
	}{
		{"PATCH", apitest.Path("/api/v1/clients/%d", cl), map[string]any{"name": nil}, "name"},
		{"PATCH", entry, map[string]any{"note": nil, "version": e["version"]}, "note"},
		{"PATCH", entry, map[string]any{"minutes": nil, "version": e["version"]}, "minutes"},
		{"POST", "/api/v1/time-entries", map[string]any{"client_id": cl, "service_id": svc, "started_at": "2026-11-02T10:00:00Z", "minutes": 30, "billable": nil}, "billable"},
		{"PATCH", apitest.Path("/api/v1/users/%d", asst.UserID), map[string]any{"client_ids": nil}, "client_ids"},
		{"PATCH", "/api/v1/settings", map[string]any{"currency": nil}, "currency"},
	} {
		res := f.owner.Do(c.method, c.path, c.body)
		if res.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s %s %v: %d %s", c.method, c.path, c.body, res.Status, res.Body)
			continue
		}
		if p := res.Problem(t); len(p.Errors) != 1 || p.Errors[0].Field != c.field {
			t.Errorf("%s %s %v: problem %+v", c.method, c.path, c.body, p)
		}
	}
	// Nothing above was written.
	if got := f.owner.Must(200, "GET", entry, nil); got["version"] != e["version"] || got["note"] != e["note"] {
		t.Errorf("entry after refused nulls: %v", got)
	}
	// Nullable fields take null: a portal request's date, an entry's
	// project, a project's fee.
	if got := f.clientUser(cl).Must(201, "POST", "/api/v1/portal/tasks", map[string]any{"title": "Flyer", "due_on": nil}); got["due_on"] != nil {
		t.Errorf("requested task with a null date: %v", got)
	}
	pr := f.project(cl, map[string]any{"billing": "fixed_fee", "fixed_fee": 50000})
	f.owner.Must(200, "PATCH", entry, map[string]any{"project_id": nil, "version": e["version"]})
	if got := f.owner.Must(200, "PATCH", apitest.Path("/api/v1/projects/%d", pr), map[string]any{"billing": "hourly", "fixed_fee": nil}); got["fixed_fee"] != nil {
		t.Errorf("fixed fee after null: %v", got)
	}
}
