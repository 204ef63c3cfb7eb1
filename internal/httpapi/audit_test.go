package httpapi_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/tenant"
)

type auditPage struct {
	Items []struct {
		ID         int64          `json:"id"`
		UserID     *int64         `json:"user_id"`
		UserEmail  string         `json:"user_email"`
		Action     string         `json:"action"`
		ObjectType string         `json:"object_type"`
		ObjectID   *int64         `json:"object_id"`
		Detail     map[string]any `json:"detail"`
		IP         string         `json:"ip"`
		CreatedAt  time.Time      `json:"created_at"`
	} `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

func readAudit(t *testing.T, owner *apitest.Actor, query string) auditPage {
	t.Helper()
	var p auditPage
	res := owner.Do("GET", "/api/v1/audit"+query, nil)
	if res.Status != 200 {
		t.Fatalf("audit%s: %d %s", query, res.Status, res.Body)
	}
	res.JSON(t, &p)
	return p
}

// Logins, failed logins, invites, portal invoice views and rate changes are
// in the owner's audit log with who, when, from where and what.
func TestAuditLog(t *testing.T) {
	env := apitest.New(t)
	owner := env.NewPractice("Audited")
	w := secSeed(t, owner, secClient(t, owner, "Dana Realty"), "AUDITMARK")

	tryLogin(env, owner.Email, "wrong password!", "")
	tryLogin(env, "nobody@example.com", "wrong password!", "")
	secLogin(t, env, owner.Email, apitest.Password)
	env.Clock.Advance(time.Hour)
	owner.Must(201, "PUT", apitest.Path("/api/v1/clients/%d/rates/%d", w.Client, w.Service), map[string]any{"hourly_rate": 6000})
	owner.Must(200, "PUT", apitest.Path("/api/v1/clients/%d/rates/%d", w.Client, w.Service), map[string]any{"hourly_rate": 6500})
	owner.Must(204, "DELETE", apitest.Path("/api/v1/clients/%d/rates/%d", w.Client, w.Service), nil)
	user, _ := secPortalUser(t, owner, w.Client)
	user.Must(200, "GET", apitest.Path("/api/v1/portal/invoices/%d", w.Invoice), nil)
	user.Do("GET", apitest.Path("/api/v1/portal/invoices/%d/pdf", w.Invoice), nil)

	all := readAudit(t, owner, "")
	var actions []string
	for _, e := range all.Items {
		actions = append(actions, e.Action)
	}
	want := []string{"portal.invoice_pdf", "portal.invoice_viewed", "portal.invite_accepted", "portal.invite_created",
		"rate.deleted", "rate.set", "rate.set", "auth.login", "auth.login_failed"}
	if strings.Join(actions, " ") != strings.Join(want, " ") {
		t.Fatalf("actions newest first:\n got %v\nwant %v", actions, want)
	}
	for _, e := range all.Items {
		if e.IP != "192.0.2.10" {
			t.Errorf("%s from %q", e.Action, e.IP)
		}
	}
	byAction := map[string]int{}
	for i, e := range all.Items {
		byAction[e.Action] = i
	}
	failed := all.Items[byAction["auth.login_failed"]]
	if failed.UserID == nil || *failed.UserID != owner.UserID || failed.UserEmail != owner.Email {
		t.Errorf("failed login %+v", failed)
	}
	rate := all.Items[byAction["rate.deleted"]]
	if rate.ObjectType != "client" || *rate.ObjectID != w.Client || rate.Detail["previous_hourly_rate"] != float64(6500) {
		t.Errorf("rate change %+v", rate)
	}
	view := all.Items[byAction["portal.invoice_viewed"]]
	if *view.UserID != user.UserID || *view.ObjectID != w.Invoice || view.Detail["number"] != "INV-AUDITMARK" {
		t.Errorf("invoice view %+v", view)
	}
	if body := string(owner.Do("GET", "/api/v1/audit", nil).Body); strings.Contains(body, apitest.Password) || strings.Contains(body, "vpi_") {
		t.Fatalf("the log holds a secret: %s", body)
	}

	// Filters: an action, a prefix, a time range; pages by cursor.
	if p := readAudit(t, owner, "?action=rate.set"); len(p.Items) != 2 {
		t.Errorf("action filter: %+v", p)
	}
	if p := readAudit(t, owner, "?action=portal."); len(p.Items) != 4 {
		t.Errorf("prefix filter: %+v", p)
	}
	if p := readAudit(t, owner, "?to="+url.QueryEscape(apitest.Start.Add(30*time.Minute).Format(time.RFC3339))); len(p.Items) != 2 {
		t.Errorf("to filter: %+v", p)
	}
	if p := readAudit(t, owner, "?from="+url.QueryEscape(apitest.Start.Add(30*time.Minute).Format(time.RFC3339))); len(p.Items) != 7 {
		t.Errorf("from filter: %+v", p)
	}
	var seen []int64
	cursor := ""
	for range 10 {
		p := readAudit(t, owner, "?limit=4"+cursor)
		for _, e := range p.Items {
			seen = append(seen, e.ID)
		}
		if p.NextCursor == nil {
			break
		}
		cursor = "&cursor=" + *p.NextCursor
	}
	if len(seen) != len(all.Items) {
		t.Fatalf("paged %d entries, want %d", len(seen), len(all.Items))
	}
	for _, q := range []string{"?from=yesterday", "?to=2026-13-01T00:00:00Z", "?limit=0", "?cursor=bm90IGEgbnVtYmVy"} {
		if res := owner.Do("GET", "/api/v1/audit"+q, nil); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d", q, res.Status)
		}
	}

	// Only the owner reads it, and only their practice's.
	asst := owner.NewUser(tenant.Assistant)
	if res := asst.Do("GET", "/api/v1/audit", nil); res.Status != 403 {
		t.Errorf("assistant reads the log: %d", res.Status)
	}
	if res := user.Do("GET", "/api/v1/audit", nil); res.Status != 403 {
		t.Errorf("client reads the log: %d", res.Status)
	}
	other := env.NewPractice("Elsewhere")
	if p := readAudit(t, other, ""); len(p.Items) != 0 {
		t.Errorf("another practice sees %+v", p.Items)
	}
}
