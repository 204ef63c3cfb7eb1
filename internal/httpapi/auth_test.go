package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/config"
)

func cookieFrom(t *testing.T, res *apitest.Response) string {
	t.Helper()
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if c.Name == "vadesk_session" {
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
				t.Errorf("session cookie not HttpOnly/SameSite=Lax: %+v", c)
			}
			return c.Value
		}
	}
	t.Fatalf("no session cookie in %v", res.Header)
	return ""
}

func TestSetupLoginCSRFLogout(t *testing.T) {
	env := apitest.New(t)
	res := env.Do(apitest.Request{Method: "GET", Path: "/api/v1/setup"})
	if !strings.Contains(string(res.Body), `"needs_setup":true`) {
		t.Fatalf("setup status: %s", res.Body)
	}
	owner := map[string]any{"practice_name": "Ana VA", "name": "Ana", "email": "ana@example.com", "password": "short"}
	res = env.Do(apitest.Request{Method: "POST", Path: "/api/v1/setup", Body: owner})
	if p := res.Problem(t); res.Status != 422 || !p.HasField("password") {
		t.Fatalf("short password: %d %s", res.Status, res.Body)
	}
	owner["password"] = apitest.Password
	res = env.Do(apitest.Request{Method: "POST", Path: "/api/v1/setup", Body: owner})
	if res.Status != http.StatusCreated {
		t.Fatalf("setup: %d %s", res.Status, res.Body)
	}
	cookieFrom(t, res)
	// Setup works once.
	owner["email"] = "eve@example.com"
	res = env.Do(apitest.Request{Method: "POST", Path: "/api/v1/setup", Body: owner})
	if res.Status != http.StatusConflict {
		t.Fatalf("second setup: %d %s", res.Status, res.Body)
	}

	// Wrong password and unknown user get the same answer.
	bad1 := env.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"email": "ana@example.com", "password": "wrong password!"}})
	bad2 := env.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"email": "nobody@example.com", "password": "wrong password!"}})
	if bad1.Status != 401 || bad2.Status != 401 || bad1.Problem(t).Detail != bad2.Problem(t).Detail {
		t.Fatalf("login failures differ: %s / %s", bad1.Body, bad2.Body)
	}

	res = env.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"email": "ana@example.com", "password": apitest.Password}})
	if res.Status != 200 {
		t.Fatalf("login: %d %s", res.Status, res.Body)
	}
	sess := cookieFrom(t, res)
	var login struct {
		CSRFToken string `json:"csrf_token"`
		User      struct {
			Role string `json:"role"`
		} `json:"user"`
	}
	res.JSON(t, &login)
	if login.CSRFToken == "" || login.User.Role != "owner" {
		t.Fatalf("login body %s", res.Body)
	}
	ck := http.Header{"Cookie": {"vadesk_session=" + sess}}
	res = env.Do(apitest.Request{Method: "GET", Path: "/api/v1/me", Header: ck})
	if res.Status != 200 || !strings.Contains(string(res.Body), "ana@example.com") || !strings.Contains(string(res.Body), login.CSRFToken) {
		t.Fatalf("me (with the session's CSRF token): %d %s", res.Status, res.Body)
	}
	// Cookie-authenticated writes need the CSRF header.
	res = env.Do(apitest.Request{Method: "POST", Path: "/api/v1/clients", Header: ck, Body: map[string]string{"name": "Dana Realty"}})
	if res.Status != http.StatusForbidden {
		t.Fatalf("write without CSRF: %d %s", res.Status, res.Body)
	}
	withCSRF := http.Header{"Cookie": {"vadesk_session=" + sess}, "X-Csrf-Token": {login.CSRFToken}}
	res = env.Do(apitest.Request{Method: "POST", Path: "/api/v1/clients", Header: withCSRF, Body: map[string]string{"name": "Dana Realty"}})
	if res.Status != http.StatusCreated {
		t.Fatalf("write with CSRF: %d %s", res.Status, res.Body)
	}
	res = env.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/logout", Header: ck})
	if res.Status != http.StatusNoContent {
		t.Fatalf("logout: %d", res.Status)
	}
	res = env.Do(apitest.Request{Method: "GET", Path: "/api/v1/me", Header: ck})
	if res.Status != http.StatusUnauthorized {
		t.Fatalf("me after logout: %d", res.Status)
	}
}

func TestUnauthenticatedIs401(t *testing.T) {
	env := apitest.New(t)
	for _, p := range []string{"/api/v1/me", "/api/v1/clients", "/api/v1/services", "/api/v1/settings"} {
		res := env.Do(apitest.Request{Method: "GET", Path: p})
		if res.Status != http.StatusUnauthorized {
			t.Errorf("%s: %d", p, res.Status)
		}
		res.Problem(t)
	}
	res := env.Do(apitest.Request{Method: "GET", Path: "/api/v1/me", Header: http.Header{"Authorization": {"Bearer vad_nope"}}})
	if res.Status != http.StatusUnauthorized {
		t.Errorf("bad token: %d", res.Status)
	}
}

func TestTokensListAndRevoke(t *testing.T) {
	env := apitest.New(t)
	owner := env.NewPractice("Tokens")
	m := owner.Must(201, "POST", "/api/v1/tokens", map[string]string{"name": "zapier"})
	raw, _ := m["token"].(string)
	if !strings.HasPrefix(raw, "vad_") {
		t.Fatalf("token %q", raw)
	}
	id := apitest.ID(t, m, "id")
	list := owner.Must(200, "GET", "/api/v1/tokens", nil)
	if items := list["items"].([]any); len(items) != 2 {
		t.Fatalf("tokens: %v", items)
	}
	if strings.Contains(string(owner.Do("GET", "/api/v1/tokens", nil).Body), raw) {
		t.Fatal("listing shows a raw token")
	}
	zap := &apitest.Actor{Env: env, Token: raw}
	zap.Must(200, "GET", "/api/v1/me", nil)
	owner.Must(204, "DELETE", apitest.Path("/api/v1/tokens/%d", id), nil)
	if res := zap.Do("GET", "/api/v1/me", nil); res.Status != 401 {
		t.Fatalf("revoked token: %d", res.Status)
	}
}

func TestSignupIsClosedByDefault(t *testing.T) {
	body := map[string]any{"practice_name": "New VA", "name": "Bo", "email": "bo@example.com", "password": apitest.Password}
	env := apitest.New(t)
	if res := env.Do(apitest.Request{Method: "POST", Path: "/api/v1/signup", Body: body}); res.Status != 403 {
		t.Fatalf("closed signup: %d %s", res.Status, res.Body)
	}
	open := apitest.New(t, func(c *config.Config) { c.Signup = true })
	if res := open.Do(apitest.Request{Method: "POST", Path: "/api/v1/signup", Body: body}); res.Status != 201 {
		t.Fatalf("open signup: %d %s", res.Status, res.Body)
	}
}

func TestChangePassword(t *testing.T) {
	env := apitest.New(t)
	owner := env.NewPractice("Pw")
	res := owner.Do("POST", "/api/v1/me/password", map[string]string{"current_password": "nope", "new_password": "another long password"})
	if res.Status != 422 || !res.Problem(t).HasField("current_password") {
		t.Fatalf("wrong current: %d %s", res.Status, res.Body)
	}
	res = owner.Do("POST", "/api/v1/me/password", map[string]string{"current_password": apitest.Password, "new_password": "password1234"})
	if res.Status != 422 || !res.Problem(t).HasField("new_password") {
		t.Fatalf("common password: %d %s", res.Status, res.Body)
	}
	owner.Must(204, "POST", "/api/v1/me/password", map[string]string{"current_password": apitest.Password, "new_password": "another long password"})
	res = env.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"email": owner.Email, "password": "another long password"}})
	if res.Status != 200 {
		t.Fatalf("login with new password: %d", res.Status)
	}
}
