package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/tenant"
)

// A practice moves to another database, one that hosts a practice already
// (so every id changes), and is the same practice there: its clients,
// rates, work, invoices, payments and retainers, and its people can log in.
func TestExportImportPracticeJSON(t *testing.T) {
	src := apitest.New(t)
	owner := src.NewPractice("Moving VA")
	owner.Must(200, "PATCH", "/api/v1/settings", map[string]any{"timezone": "Europe/Berlin", "invoice_pattern": "MV-{SEQ:3}"})
	asst := owner.NewUser(tenant.Assistant)
	cl := apitest.ID(t, owner.Must(201, "POST", "/api/v1/clients", map[string]any{"name": "Dana Realty", "rounding_minutes": 15}), "id")
	svc := apitest.ID(t, owner.Must(201, "POST", "/api/v1/services", map[string]any{"name": "Listings", "default_hourly_rate": 4500}), "id")
	owner.Must(201, "PUT", apitest.Path("/api/v1/clients/%d/rates/%d", cl, svc), map[string]any{"hourly_rate": 5000})
	proj := apitest.ID(t, owner.Must(201, "POST", "/api/v1/projects", map[string]any{"client_id": cl, "name": "Spring", "billing": "fixed_fee", "fixed_fee": 90000}), "id")
	owner.Must(201, "POST", "/api/v1/tasks", map[string]any{"client_id": cl, "project_id": proj, "title": "Photos", "assignee_id": asst.UserID, "due_on": "2026-11-20"})
	for i, at := range []string{"2026-10-05T09:00:00Z", "2026-10-06T09:00:00Z"} {
		body := map[string]any{"client_id": cl, "service_id": svc, "started_at": at, "minutes": 50 + i, "note": "ünïcode, \"quoted\""}
		if i == 1 {
			body["project_id"] = proj
		}
		owner.Must(201, "POST", "/api/v1/time-entries", body)
	}
	owner.Must(201, "POST", "/api/v1/expenses", map[string]any{"client_id": cl, "date": "2026-10-07", "amount": 1999, "description": "Stock photos"})
	inv := apitest.ID(t, owner.Must(201, "POST", "/api/v1/invoices", map[string]any{"client_id": cl, "from": "2026-10-01", "to": "2026-10-31"}), "id")
	owner.Must(200, "POST", apitest.Path("/api/v1/invoices/%d/issue", inv), nil)
	owner.Must(201, "POST", apitest.Path("/api/v1/invoices/%d/payments", inv), map[string]any{"amount": 1000, "date": "2026-11-01"})
	owner.Must(201, "POST", apitest.Path("/api/v1/clients/%d/retainers", cl), map[string]any{"name": "Inbox", "included_minutes": 600,
		"fee": 50000, "overage_hourly_rate": 6000, "service_ids": []int64{svc}, "starts_on": "2026-11-01"})

	file := filepath.Join(t.TempDir(), "practice.json")
	if r := runCLI(t, map[string]string{"VADESK_DB": src.Config.DB}, "", "export", "--json", file); r.code != 0 {
		t.Fatalf("export: %+v", r)
	}
	var doc map[string]any
	raw, _ := os.ReadFile(file)
	if err := json.Unmarshal(raw, &doc); err != nil || doc["format"] != "vadesk.practice" {
		t.Fatalf("document: %v %.200s", err, raw)
	}

	dst := apitest.New(t)
	dst.NewPractice("Already here")
	dstEnv := map[string]string{"VADESK_DB": dst.Config.DB}
	r := runCLI(t, dstEnv, "", "import", "--json", file)
	if r.code != 0 || !strings.Contains(r.stdout, `imported practice "Moving VA"`) {
		t.Fatalf("import: %+v", r)
	}
	// Again: the name is taken. Under another name: the people's e-mail
	// addresses are. Neither writes anything.
	if r := runCLI(t, dstEnv, "", "import", "--json", file); r.code == 0 || !strings.Contains(r.stderr, "exists") {
		t.Fatalf("second import: %+v", r)
	}
	if r := runCLI(t, dstEnv, "", "import", "--json", file, "--name", "Copy"); r.code == 0 || !strings.Contains(r.stderr, "exists") {
		t.Fatalf("import under another name: %+v", r)
	}

	_, tok, err := dst.Services.Auth.CreateTokenFor(context.Background(), owner.Email, "moved")
	if err != nil {
		t.Fatal(err)
	}
	moved := &apitest.Actor{Env: dst, Email: owner.Email, Token: tok}
	for _, path := range []string{"/api/v1/settings", "/api/v1/clients", "/api/v1/services", "/api/v1/projects", "/api/v1/tasks",
		"/api/v1/time-entries", "/api/v1/expenses", "/api/v1/invoices", "/api/v1/reports/unbilled",
		"/api/v1/reports/hours?from=2026-10-01&to=2026-10-31&interval=month"} {
		a, b := strip(owner.Must(200, "GET", path, nil)), strip(moved.Must(200, "GET", path, nil))
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s differs after the move:\n%v\n%v", path, a, b)
		}
	}
	got := moved.Must(200, "GET", "/api/v1/invoices", nil)["items"].([]any)[0].(map[string]any)
	if got["number"] != "MV-001" || got["amount_paid"].(float64) != 1000 {
		t.Errorf("invoice after the move %v", got)
	}
	clients := moved.Must(200, "GET", "/api/v1/clients", nil)["items"].([]any)
	newCl := int64(clients[0].(map[string]any)["id"].(float64))
	rets := moved.Must(200, "GET", apitest.Path("/api/v1/clients/%d/retainers", newCl), nil)["items"].([]any)
	if len(rets) != 1 || len(rets[0].(map[string]any)["service_ids"].([]any)) != 1 {
		t.Errorf("retainers after the move %v", rets)
	}
	// The owner logs in with the old password.
	res := dst.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]any{"email": owner.Email, "password": apitest.Password}})
	if res.Status != 200 {
		t.Errorf("login after the move: %d %s", res.Status, res.Body)
	}
	// A file that is not a document is refused.
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"format":"something else"}`), 0o600)
	if r := runCLI(t, dstEnv, "", "import", "--json", bad); r.code == 0 {
		t.Fatalf("bad document: %+v", r)
	}
}

// strip removes what differs by nature after a move: ids (and references
// by id), so the rest can be compared.
func strip(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, val := range x {
			if k == "id" || strings.HasSuffix(k, "_id") || strings.HasSuffix(k, "_ids") || k == "next_cursor" || k == "version" {
				continue
			}
			out[k] = strip(val)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = strip(x[i])
		}
		return out
	}
	return v
}
