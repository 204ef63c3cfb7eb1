package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/vadesk/vadesk/internal/apitest"
)

// secBrowser is a cookie-authenticated caller, as the web UI is.
type secBrowser struct {
	env    *apitest.Env
	cookie string
	csrf   string
}

// secSession reads the session cookie and CSRF token of a login-like
// answer.
func secSession(t *testing.T, env *apitest.Env, res *apitest.Response) *secBrowser {
	t.Helper()
	var body struct {
		CSRFToken string `json:"csrf_token"`
	}
	res.JSON(t, &body)
	return &secBrowser{env: env, cookie: cookieFrom(t, res), csrf: body.CSRFToken}
}

func secLogin(t *testing.T, env *apitest.Env, email, password string) *secBrowser {
	t.Helper()
	res := env.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"email": email, "password": password}})
	if res.Status != http.StatusOK {
		t.Fatalf("login %s: %d %s", email, res.Status, res.Body)
	}
	return secSession(t, env, res)
}

// do sends a request with the session cookie and, for unsafe methods, the
// CSRF header.
func (b *secBrowser) do(method, path string, body any) *apitest.Response {
	h := http.Header{"Cookie": {"vadesk_session=" + b.cookie}}
	if method != "GET" && method != "HEAD" {
		h.Set("X-CSRF-Token", b.csrf)
	}
	return b.env.Do(apitest.Request{Method: method, Path: path, Body: body, Header: h})
}

// secAssign gives an assistant the clients they work for, through the API.
func secAssign(t *testing.T, owner, asst *apitest.Actor, clientIDs ...int64) {
	t.Helper()
	if clientIDs == nil {
		clientIDs = []int64{}
	}
	owner.Must(200, "PATCH", apitest.Path("/api/v1/users/%d", asst.UserID), map[string]any{"client_ids": clientIDs})
}

var secInviteSeq atomic.Int64

// secPortalUser invites a person to a client's portal and accepts the invite,
// returning the client user with a bearer token and with a secBrowser session.
func secPortalUser(t *testing.T, owner *apitest.Actor, clientID int64) (*apitest.Actor, *secBrowser) {
	t.Helper()
	env := owner.Env
	email := fmt.Sprintf("portal%d@client.example", secInviteSeq.Add(1))
	inv := owner.Must(201, "POST", apitest.Path("/api/v1/clients/%d/portal-invites", clientID), map[string]any{"email": email, "name": "Pat Client"})
	res := env.Do(apitest.Request{Method: "POST", Path: "/api/v1/portal/accept", Body: map[string]any{"token": inv["token"], "password": apitest.Password}})
	if res.Status != http.StatusCreated {
		t.Fatalf("accept: %d %s", res.Status, res.Body)
	}
	b := secSession(t, env, res)
	var body struct {
		User struct {
			ID int64 `json:"id"`
		} `json:"user"`
	}
	res.JSON(t, &body)
	_, raw, err := env.Services.Auth.CreateTokenFor(context.Background(), email, "test")
	if err != nil {
		t.Fatal(err)
	}
	return &apitest.Actor{Env: env, UserID: body.User.ID, PracticeID: owner.PracticeID, Email: email, Token: raw}, b
}

// secClient creates a client as owner and returns its id.
func secClient(t *testing.T, owner *apitest.Actor, name string) int64 {
	t.Helper()
	return apitest.ID(t, owner.Must(201, "POST", "/api/v1/clients", map[string]any{"name": name}), "id")
}
