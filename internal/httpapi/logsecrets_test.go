package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/app"
	"github.com/vadesk/vadesk/internal/config"
	"github.com/vadesk/vadesk/internal/httpapi"
	"github.com/vadesk/vadesk/internal/store"
)

// syncBuffer is a log sink shared by the handlers' goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// No secret reaches the log: passwords (right and wrong), session ids,
// CSRF tokens, API tokens, invite tokens and calendar feed tokens pass
// through a whole day of logins, tokens, invites and errors at debug
// level, and none of them appears in what was logged.
func TestNoSecretsInLogs(t *testing.T) {
	var logs syncBuffer
	log := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg, err := config.FromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DB = filepath.Join(t.TempDir(), "vadesk.db")
	clock := &apitest.Clock{}
	clock.Set(apitest.Start)
	st, err := store.Open(context.Background(), cfg.DB, store.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	e := httpapi.New(httpapi.Deps{Config: cfg, Store: st, Services: app.New(cfg, st, clock.Now), Log: log, Now: clock.Now})

	var secrets []string
	secret := func(what, v string) {
		if len(v) < 8 {
			t.Fatalf("%s %q is too short to search for", what, v)
		}
		secrets = append(secrets, v)
	}
	type call struct {
		method, path string
		body         any
		bearer       string
		cookie       string
		csrf         string
	}
	do := func(c call) (int, map[string]any, []*http.Cookie) {
		t.Helper()
		var rd *bytes.Reader
		if c.body != nil {
			b, _ := json.Marshal(c.body)
			rd = bytes.NewReader(b)
		} else {
			rd = bytes.NewReader(nil)
		}
		req := httptest.NewRequest(c.method, c.path, rd)
		req.RemoteAddr = "192.0.2.7:5555"
		if c.body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if c.bearer != "" {
			req.Header.Set("Authorization", "Bearer "+c.bearer)
		}
		if c.cookie != "" {
			req.AddCookie(&http.Cookie{Name: httpapi.SessionCookie, Value: c.cookie})
		}
		if c.csrf != "" {
			req.Header.Set(httpapi.CSRFHeader, c.csrf)
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		var m map[string]any
		json.Unmarshal(rec.Body.Bytes(), &m)
		return rec.Code, m, rec.Result().Cookies()
	}
	session := func(cookies []*http.Cookie) string {
		for _, ck := range cookies {
			if ck.Name == httpapi.SessionCookie {
				return ck.Value
			}
		}
		t.Fatal("no session cookie")
		return ""
	}
	must := func(want int, c call) (map[string]any, []*http.Cookie) {
		t.Helper()
		code, m, cookies := do(c)
		if code != want {
			t.Fatalf("%s %s: %d %v, want %d", c.method, c.path, code, m, want)
		}
		return m, cookies
	}

	pw1, pw2, wrong, portalPW := "first secret password 1", "second secret password 2", "wrong guess password 3", "portal secret password 4"
	for _, p := range []string{pw1, pw2, wrong, portalPW} {
		secret("password", p)
	}
	m, cookies := must(201, call{method: "POST", path: "/api/v1/setup", body: map[string]any{"practice_name": "Secret VA", "name": "Ana", "email": "ana@example.com", "password": pw1}})
	s1, csrf1 := session(cookies), m["csrf_token"].(string)
	secret("session", s1)
	secret("csrf", csrf1)
	do(call{method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": "ana@example.com", "password": wrong}})
	do(call{method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": "nobody@example.com", "password": wrong}})
	m, cookies = must(200, call{method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": "ana@example.com", "password": pw1}})
	s2, csrf2 := session(cookies), m["csrf_token"].(string)
	secret("session", s2)
	secret("csrf", csrf2)
	m, _ = must(201, call{method: "POST", path: "/api/v1/tokens", body: map[string]any{"name": "cli"}, cookie: s2, csrf: csrf2})
	token := m["token"].(string)
	secret("api token", token)
	must(200, call{method: "GET", path: "/api/v1/me", bearer: token})
	do(call{method: "GET", path: "/api/v1/me", bearer: token + "x"})
	do(call{method: "GET", path: "/api/v1/me", cookie: s2 + "x"})
	do(call{method: "POST", path: "/api/v1/clients", body: map[string]any{"name": "x"}, cookie: s2, csrf: csrf2 + "x"})
	must(204, call{method: "POST", path: "/api/v1/me/password", body: map[string]any{"current_password": pw1, "new_password": pw2}, cookie: s2, csrf: csrf2})
	do(call{method: "POST", path: "/api/v1/me/password", body: map[string]any{"current_password": wrong, "new_password": wrong}, bearer: token})

	m, _ = must(201, call{method: "POST", path: "/api/v1/clients", body: map[string]any{"name": "Dana Realty"}, bearer: token})
	client := int64(m["id"].(float64))
	m, _ = must(201, call{method: "POST", path: fmt.Sprintf("/api/v1/clients/%d/portal-invites", client), body: map[string]any{"email": "dana@example.com", "name": "Dana"}, bearer: token})
	invite, _ := m["token"].(string)
	secret("invite token", invite)
	if u, _ := m["url"].(string); u != "" {
		secret("invite url", u)
	}
	do(call{method: "POST", path: "/api/v1/portal/accept", body: map[string]any{"token": invite + "x", "password": portalPW}})
	_, cookies = must(201, call{method: "POST", path: "/api/v1/portal/accept", body: map[string]any{"token": invite, "password": portalPW}})
	s3 := session(cookies)
	secret("portal session", s3)
	must(200, call{method: "GET", path: "/api/v1/portal/me", cookie: s3})
	do(call{method: "POST", path: "/api/v1/portal/accept", body: map[string]any{"token": invite, "password": portalPW}})

	m, _ = must(201, call{method: "POST", path: "/api/v1/calendar-tokens", body: map[string]any{"name": "phone"}, bearer: token})
	feed, _ := m["token"].(string)
	secret("calendar token", feed)
	must(200, call{method: "GET", path: "/api/v1/calendar/" + feed + ".ics"})
	do(call{method: "GET", path: "/api/v1/calendar/" + feed + "x.ics"})
	must(204, call{method: "POST", path: "/api/v1/auth/logout", cookie: s2, csrf: csrf2})

	out := logs.String()
	if !strings.Contains(out, `"msg":"request"`) {
		t.Fatalf("nothing was logged:\n%s", out)
	}
	for _, s := range secrets {
		// A prefix long enough to identify the secret counts as a leak too.
		probe := s
		if len(probe) > 16 {
			probe = probe[len(probe)-16:]
		}
		if strings.Contains(out, probe) {
			for _, line := range strings.Split(out, "\n") {
				if strings.Contains(line, probe) {
					t.Errorf("a secret reached the log: %s", line)
					break
				}
			}
		}
	}
}
