package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/config"
	"github.com/vadesk/vadesk/internal/portal"
	"github.com/vadesk/vadesk/internal/tenant"
)

func acceptInvite(env *apitest.Env, token any, password string) *apitest.Response {
	return env.Do(apitest.Request{Method: "POST", Path: "/api/v1/portal/accept", Body: map[string]any{"token": token, "password": password}})
}

func TestPortalInviteLifecycle(t *testing.T) {
	env := apitest.New(t, func(c *config.Config) { c.BaseURL = "https://va.example.com" })
	owner := env.NewPractice("Invites")
	cl := secClient(t, owner, "Dana Realty")
	invPath := apitest.Path("/api/v1/clients/%d/portal-invites", cl)
	usersPath := apitest.Path("/api/v1/clients/%d/portal-users", cl)
	// A contact with the invitee's e-mail already exists: the invite uses it.
	ct := apitest.ID(t, owner.Must(201, "POST", apitest.Path("/api/v1/clients/%d/contacts", cl), map[string]any{"name": "Dana", "email": "Dana@Realty.example"}), "id")

	inv := owner.Must(201, "POST", invPath, map[string]any{"email": "dana@realty.example", "name": "Dana Reyes"})
	token, _ := inv["token"].(string)
	if !strings.HasPrefix(token, portal.InvitePrefix) || len(token) < 40 {
		t.Fatalf("token %q", token)
	}
	if inv["url"] != "https://va.example.com/portal/accept?token="+token || inv["status"] != "pending" || inv["emailed"] != false {
		t.Fatalf("invite %v", inv)
	}
	if inv["contact_id"] != float64(ct) {
		t.Fatalf("invite not linked to the contact: %v", inv)
	}
	if exp := inv["expires_at"]; exp != apitest.Start.Add(7*24*time.Hour).Format(time.RFC3339) {
		t.Fatalf("expires_at %v", exp)
	}
	// The token is stored hashed and never listed again.
	var stored string
	env.Store.Read(tenant.System(context.Background())).Raw("SELECT token_hash FROM portal_invites WHERE id = ?", inv["id"]).Scan(&stored)
	if stored == "" || strings.Contains(stored, token) || stored == token {
		t.Fatalf("stored token %q", stored)
	}
	if body := string(owner.Do("GET", usersPath, nil).Body); strings.Contains(body, token) || !strings.Contains(body, `"pending"`) {
		t.Fatalf("listing: %s", body)
	}

	for name, c := range map[string]struct {
		body   map[string]any
		status int
	}{
		"bad e-mail":    {map[string]any{"email": "nope", "name": "X"}, 422},
		"no name":       {map[string]any{"email": "x@realty.example", "name": ""}, 422},
		"staff e-mail":  {map[string]any{"email": owner.Email, "name": "X"}, 422},
		"unknown field": {map[string]any{"email": "x@realty.example", "name": "X", "role": "owner"}, 422},
	} {
		if res := owner.Do("POST", invPath, c.body); res.Status != c.status {
			t.Errorf("%s: %d %s", name, res.Status, res.Body)
		}
	}
	if res := owner.Do("POST", "/api/v1/clients/999999/portal-invites", map[string]any{"email": "x@realty.example", "name": "X"}); res.Status != 404 {
		t.Errorf("unknown client: %d", res.Status)
	}

	// Accepting: a weak password is refused and the invite stays usable.
	if res := acceptInvite(env, token, "short"); res.Status != 422 || !res.Problem(t).HasField("password") {
		t.Fatalf("weak password: %d %s", res.Status, res.Body)
	}
	res := acceptInvite(env, token, apitest.Password)
	if res.Status != http.StatusCreated {
		t.Fatalf("accept: %d %s", res.Status, res.Body)
	}
	b := secSession(t, env, res)
	var session struct {
		User struct {
			ID       int64  `json:"id"`
			Role     string `json:"role"`
			ClientID int64  `json:"client_id"`
			Email    string `json:"email"`
		} `json:"user"`
	}
	res.JSON(t, &session)
	if session.User.Role != "client" || session.User.ClientID != cl || session.User.Email != "dana@realty.example" {
		t.Fatalf("accepted user %+v", session.User)
	}
	if r := b.do("GET", "/api/v1/portal/me", nil); r.Status != 200 || !strings.Contains(string(r.Body), "Dana Realty") {
		t.Fatalf("portal me: %d %s", r.Status, r.Body)
	}
	// An invite works once.
	if r := acceptInvite(env, token, apitest.Password); r.Status != http.StatusConflict {
		t.Fatalf("second accept: %d %s", r.Status, r.Body)
	}
	if r := acceptInvite(env, "vpi_not-a-token", apitest.Password); r.Status != 404 {
		t.Fatalf("unknown token: %d", r.Status)
	}
	// The same person logs in with the one login.
	secLogin(t, env, "dana@realty.example", apitest.Password)
	// No second contact was made for them.
	contacts := owner.Must(200, "GET", apitest.Path("/api/v1/clients/%d/contacts", cl), nil)["items"].([]any)
	if len(contacts) != 1 {
		t.Fatalf("contacts after accepting: %v", contacts)
	}

	// Expired and withdrawn invites do not work; a newer invite replaces
	// a pending one.
	old := owner.Must(201, "POST", invPath, map[string]any{"email": "lee@realty.example", "name": "Lee"})
	newer := owner.Must(201, "POST", invPath, map[string]any{"email": "lee@realty.example", "name": "Lee"})
	if r := acceptInvite(env, old["token"], apitest.Password); r.Status != http.StatusConflict {
		t.Fatalf("replaced invite: %d %s", r.Status, r.Body)
	}
	env.Clock.Advance(7*24*time.Hour + time.Second)
	if r := acceptInvite(env, newer["token"], apitest.Password); r.Status != 422 || !r.Problem(t).HasField("token") {
		t.Fatalf("expired invite: %d %s", r.Status, r.Body)
	}
	if body := string(owner.Do("GET", usersPath, nil).Body); !strings.Contains(body, `"expired"`) {
		t.Fatalf("listing shows no expired invite: %s", body)
	}
	gone := owner.Must(201, "POST", invPath, map[string]any{"email": "kim@realty.example", "name": "Kim"})
	owner.Must(204, "DELETE", apitest.Path("/api/v1/clients/%d/portal-invites/%d", cl, apitest.ID(t, gone, "id")), nil)
	if r := acceptInvite(env, gone["token"], apitest.Password); r.Status != http.StatusConflict {
		t.Fatalf("withdrawn invite: %d %s", r.Status, r.Body)
	}
	if r := owner.Do("DELETE", apitest.Path("/api/v1/clients/%d/portal-invites/%d", cl, apitest.ID(t, inv, "id")), nil); r.Status != 409 {
		t.Fatalf("withdrawing an accepted invite: %d", r.Status)
	}

	// Revoking the portal user shuts them out at once.
	access := owner.Must(200, "GET", usersPath, nil)
	users := access["users"].([]any)
	if len(users) != 1 || users[0].(map[string]any)["email"] != "dana@realty.example" {
		t.Fatalf("portal users %v", access)
	}
	owner.Must(204, "DELETE", apitest.Path("/api/v1/clients/%d/portal-users/%d", cl, session.User.ID), nil)
	if r := b.do("GET", "/api/v1/portal/me", nil); r.Status != 401 {
		t.Fatalf("revoked user's session: %d", r.Status)
	}
	if r := tryLogin(env, "dana@realty.example", apitest.Password, ""); r.Status != 401 {
		t.Fatalf("revoked user logs in: %d", r.Status)
	}
	if got := owner.Must(200, "GET", usersPath, nil)["users"].([]any)[0].(map[string]any); got["disabled_at"] == nil {
		t.Fatalf("revoked user %v", got)
	}
	// A user of another client is not found under this one.
	other := secClient(t, owner, "Other Client")
	if r := owner.Do("DELETE", apitest.Path("/api/v1/clients/%d/portal-users/%d", other, session.User.ID), nil); r.Status != 404 {
		t.Fatalf("user under the wrong client: %d", r.Status)
	}
	if r := owner.Do("DELETE", apitest.Path("/api/v1/clients/%d/portal-users/%d", cl, owner.UserID), nil); r.Status != 404 {
		t.Fatalf("staff user as a portal user: %d", r.Status)
	}
}

// Accepting when someone already has an account with the e-mail (here in
// another practice) is a conflict, and nothing is written.
func TestPortalAcceptTakenEmail(t *testing.T) {
	env := apitest.New(t)
	a := env.NewPractice("First")
	b := env.NewPractice("Second")
	secPortalUser(t, a, secClient(t, a, "A client"))
	var email string
	env.Store.Read(tenant.System(context.Background())).Raw("SELECT email FROM users WHERE role = 'client'").Scan(&email)
	cl := secClient(t, b, "B client")
	inv := b.Must(201, "POST", apitest.Path("/api/v1/clients/%d/portal-invites", cl), map[string]any{"email": email, "name": "Same"})
	if r := acceptInvite(env, inv["token"], apitest.Password); r.Status != http.StatusConflict {
		t.Fatalf("taken e-mail: %d %s", r.Status, r.Body)
	}
	if n := len(b.Must(200, "GET", apitest.Path("/api/v1/clients/%d/contacts", cl), nil)["items"].([]any)); n != 0 {
		t.Fatalf("a failed accept wrote %d contacts", n)
	}
}

type fakeMailer struct {
	mu   sync.Mutex
	sent []portal.Message
	err  error
}

func (f *fakeMailer) Send(_ context.Context, m portal.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, m)
	return f.err
}

// With SMTP configured, the invite link also goes out by e-mail; a mail
// failure leaves the invite in place for the owner to pass on.
func TestPortalInviteIsEmailed(t *testing.T) {
	env := apitest.New(t, func(c *config.Config) {
		c.BaseURL = "https://va.example.com"
		c.SMTP.Host = "smtp.example.com"
	})
	mail := &fakeMailer{}
	env.Services.Portal.UseMailer(mail)
	owner := env.NewPractice("Mailing VA")
	cl := secClient(t, owner, "Dana Realty")
	inv := owner.Must(201, "POST", apitest.Path("/api/v1/clients/%d/portal-invites", cl), map[string]any{"email": "dana@realty.example", "name": "Dana Reyes"})
	if inv["emailed"] != true || len(mail.sent) != 1 {
		t.Fatalf("emailed %v, %d messages", inv["emailed"], len(mail.sent))
	}
	m := mail.sent[0]
	if m.To.Address != "dana@realty.example" || m.To.Name != "Dana Reyes" || !strings.Contains(m.Subject, "Mailing VA") {
		t.Fatalf("message %+v", m)
	}
	if !strings.Contains(m.Body, inv["url"].(string)) || !strings.Contains(m.Body, "Dana Realty") {
		t.Fatalf("body %q lacks the link or the client", m.Body)
	}
	mail.err = errors.New("relay down")
	inv = owner.Must(201, "POST", apitest.Path("/api/v1/clients/%d/portal-invites", cl), map[string]any{"email": "lee@realty.example", "name": "Lee"})
	if inv["emailed"] != false {
		t.Fatalf("failed mail reported as sent: %v", inv)
	}
	if r := acceptInvite(env, inv["token"], apitest.Password); r.Status != 201 {
		t.Fatalf("invite after a mail failure: %d %s", r.Status, r.Body)
	}
	// The audit log says which invites went out and why one did not.
	mailed := readAudit(t, owner, "?action=portal.invite_mailed").Items
	if len(mailed) != 2 || mailed[0].Detail["emailed"] != false || mailed[0].Detail["error"] != "relay down" || mailed[1].Detail["emailed"] != true {
		t.Fatalf("mail log %+v", mailed)
	}
}

// Two clients with portal users each see and do exactly their own things.
func TestPortalShowsOnlyTheClientsOwn(t *testing.T) {
	env := apitest.New(t)
	owner := env.NewPractice("Two Clients")
	a := secSeed(t, owner, secClient(t, owner, "Alpha Homes"), "ALPHAMARK")
	b := secSeed(t, owner, secClient(t, owner, "Beta Coaching"), "BETAMARK")
	ua, _ := secPortalUser(t, owner, a.Client)
	ub, _ := secPortalUser(t, owner, b.Client)

	for _, c := range []struct {
		user       *apitest.Actor
		own        secWork
		mark, them string
	}{{ua, a, "ALPHAMARK", "BETAMARK"}, {ub, b, "BETAMARK", "ALPHAMARK"}} {
		get := func(path string) string {
			t.Helper()
			res := c.user.Do("GET", path, nil)
			if res.Status != 200 {
				t.Fatalf("%s: %d %s", path, res.Status, res.Body)
			}
			body := string(res.Body)
			for _, never := range []string{c.them, "INTERNAL", "internal_note", "hourly_rate", "4321", "7777", "Draft "} {
				if strings.Contains(body, never) {
					t.Errorf("%s shows %q: %s", path, never, body)
				}
			}
			return body
		}
		if body := get("/api/v1/portal/projects"); !strings.Contains(body, "Project "+c.mark) {
			t.Errorf("projects: %s", body)
		}
		if body := get("/api/v1/portal/tasks"); !strings.Contains(body, "Task "+c.mark) {
			t.Errorf("tasks: %s", body)
		}
		body := get("/api/v1/portal/time-entries")
		var entries struct {
			Items []map[string]any `json:"items"`
		}
		c.user.Do("GET", "/api/v1/portal/time-entries", nil).JSON(t, &entries)
		if len(entries.Items) != 1 || entries.Items[0]["note"] != "Note "+c.mark || entries.Items[0]["date"] != "2026-11-02" ||
			entries.Items[0]["billable_minutes"] != float64(60) || entries.Items[0]["service_name"] == "" {
			t.Errorf("time entries: %s", body)
		}
		for k := range entries.Items[0] {
			if k == "amount" || k == "user_id" || k == "invoice_id" {
				t.Errorf("time entry shows %s", k)
			}
		}
		body = get("/api/v1/portal/invoices")
		if !strings.Contains(body, "INV-"+c.mark) || !strings.Contains(body, `"balance_due":7500`) || !strings.Contains(body, `"overdue":true`) {
			t.Errorf("invoices: %s", body)
		}
		body = get(apitest.Path("/api/v1/portal/invoices/%d", c.own.Invoice))
		if !strings.Contains(body, "Line "+c.mark) || !strings.Contains(body, `"amount":2500`) {
			t.Errorf("invoice: %s", body)
		}
		res := c.user.Do("GET", apitest.Path("/api/v1/portal/invoices/%d/pdf", c.own.Invoice), nil)
		if res.Status != 200 || res.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(res.Body, []byte("%PDF")) {
			t.Errorf("pdf: %d %s %.40q", res.Status, res.Header.Get("Content-Type"), res.Body)
		}
		if body := get("/api/v1/portal/retainer"); !strings.Contains(body, `"retainer"`) {
			t.Errorf("retainer: %s", body)
		}
		if body := get("/api/v1/portal/me"); !strings.Contains(body, "Two Clients") {
			t.Errorf("me: %s", body)
		}
		// Drafts are not shown, not even by id.
		if res := c.user.Do("GET", apitest.Path("/api/v1/portal/invoices/%d", c.own.Draft), nil); res.Status != 404 {
			t.Errorf("draft by id: %d", res.Status)
		}
		if res := c.user.Do("GET", apitest.Path("/api/v1/portal/invoices/%d/pdf", c.own.Draft), nil); res.Status != 404 {
			t.Errorf("draft pdf: %d", res.Status)
		}
	}
	// The other client's invoice is a 404 (not a 403).
	for _, p := range []string{apitest.Path("/api/v1/portal/invoices/%d", b.Invoice), apitest.Path("/api/v1/portal/invoices/%d/pdf", b.Invoice)} {
		res := ua.Do("GET", p, nil)
		if res.Status != 404 || strings.Contains(string(res.Body), "BETAMARK") {
			t.Errorf("A reads %s: %d %s", p, res.Status, res.Body)
		}
	}
}

// A client asks for a task: it lands on the VA's board as todo, requested
// by the client user's contact (made when the invite was accepted).
func TestPortalTaskRequest(t *testing.T) {
	env := apitest.New(t)
	owner := env.NewPractice("Requests")
	cl := secClient(t, owner, "Dana Realty")
	user, b := secPortalUser(t, owner, cl)

	for name, body := range map[string]map[string]any{
		"no title":      {"description": "x"},
		"long title":    {"title": strings.Repeat("x", 201)},
		"bad due date":  {"title": "x", "due_on": "next week"},
		"status is set": {"title": "x", "status": "done"},
		"client is set": {"title": "x", "client_id": cl},
	} {
		if res := user.Do("POST", "/api/v1/portal/tasks", body); res.Status != 422 {
			t.Errorf("%s: %d %s", name, res.Status, res.Body)
		}
	}
	if res := b.do("POST", "/api/v1/portal/tasks", map[string]any{"title": "Via the browser"}); res.Status != 201 {
		t.Fatalf("request from the browser: %d %s", res.Status, res.Body)
	}
	got := user.Must(201, "POST", "/api/v1/portal/tasks", map[string]any{"title": "Update the listing photos", "description": "12 new photos", "due_on": "2026-11-20"})
	if got["status"] != "todo" || got["requested"] != true || got["due_on"] != "2026-11-20" {
		t.Fatalf("requested %v", got)
	}
	task := owner.Must(200, "GET", apitest.Path("/api/v1/tasks/%d", apitest.ID(t, got, "id")), nil)
	if task["status"] != "todo" || task["client_id"] != float64(cl) || task["requested_by_id"] == nil {
		t.Fatalf("on the board: %v", task)
	}
	ct := owner.Must(200, "GET", apitest.Path("/api/v1/clients/%d/contacts/%d", cl, int64(task["requested_by_id"].(float64))), nil)
	if ct["email"] != user.Email {
		t.Fatalf("requested by %v", ct)
	}
	// The contact was deleted: the next request makes a new one.
	owner.Must(204, "DELETE", apitest.Path("/api/v1/clients/%d/contacts/%d", cl, int64(task["requested_by_id"].(float64))), nil)
	again := user.Must(201, "POST", "/api/v1/portal/tasks", map[string]any{"title": "Another"})
	task = owner.Must(200, "GET", apitest.Path("/api/v1/tasks/%d", apitest.ID(t, again, "id")), nil)
	if task["requested_by_id"] == nil {
		t.Fatalf("no requester after the contact was deleted: %v", task)
	}
	list := user.Must(200, "GET", "/api/v1/portal/tasks?status=todo", nil)["items"].([]any)
	if len(list) != 3 {
		t.Fatalf("client's tasks %v", list)
	}
}

// The portal is for client users and the staff API for staff: each gets
// 403 on the other's routes.
func TestPortalAndStaffAPIsAreSeparate(t *testing.T) {
	env := apitest.New(t)
	owner := env.NewPractice("Separate")
	cl := secClient(t, owner, "Dana Realty")
	user, b := secPortalUser(t, owner, cl)
	asst := owner.NewUser(tenant.Assistant)
	secAssign(t, owner, asst, cl)
	for _, staff := range []*apitest.Actor{owner, asst} {
		for _, p := range []string{"/api/v1/portal/me", "/api/v1/portal/tasks", "/api/v1/portal/invoices", "/api/v1/portal/time-entries"} {
			if res := staff.Do("GET", p, nil); res.Status != 403 {
				t.Errorf("staff GET %s: %d", p, res.Status)
			}
		}
		if res := staff.Do("POST", "/api/v1/portal/tasks", map[string]any{"title": "x"}); res.Status != 403 {
			t.Errorf("staff requests a portal task: %d", res.Status)
		}
	}
	for _, r := range []struct{ method, path string }{
		{"GET", "/api/v1/clients"}, {"GET", apitest.Path("/api/v1/clients/%d", cl)}, {"GET", "/api/v1/tasks"},
		{"GET", "/api/v1/time-entries"}, {"GET", "/api/v1/services"}, {"GET", "/api/v1/settings"}, {"GET", "/api/v1/tokens"},
		{"POST", "/api/v1/tasks"}, {"GET", "/api/v1/invoices"}, {"GET", "/api/v1/users"}, {"GET", "/api/v1/audit"},
	} {
		if res := user.Do(r.method, r.path, map[string]any{}); res.Status != 403 {
			t.Errorf("client user %s %s: %d", r.method, r.path, res.Status)
		}
		if res := b.do(r.method, r.path, map[string]any{}); res.Status != 403 {
			t.Errorf("client session %s %s: %d", r.method, r.path, res.Status)
		}
	}
	// They still have /me and can change their password.
	user.Must(200, "GET", "/api/v1/me", nil)
	if res := b.do("POST", "/api/v1/me/password", map[string]string{"current_password": apitest.Password, "new_password": "another long passphrase"}); res.Status != 204 {
		t.Fatalf("client changes password: %d %s", res.Status, res.Body)
	}
}
