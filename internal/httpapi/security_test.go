package httpapi_test

import (
	"fmt"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/config"
)

func trustProxies(cidrs ...string) apitest.Option {
	return func(c *config.Config) {
		for _, s := range cidrs {
			c.TrustedProxies = append(c.TrustedProxies, netip.MustParsePrefix(s))
		}
	}
}

// tryLogin logs in, claiming to come from forwardedFor (when not "").
func tryLogin(env *apitest.Env, email, password, forwardedFor string) *apitest.Response {
	h := http.Header{}
	if forwardedFor != "" {
		h.Set("X-Forwarded-For", forwardedFor)
	}
	return env.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/login", Header: h,
		Body: map[string]string{"email": email, "password": password}})
}

func wantThrottled(t *testing.T, res *apitest.Response, retryAfter string) {
	t.Helper()
	if res.Status != http.StatusTooManyRequests {
		t.Fatalf("status %d, want 429; body %s", res.Status, res.Body)
	}
	res.Problem(t)
	if got := res.Header.Get("Retry-After"); got != retryAfter {
		t.Fatalf("Retry-After %q, want %q", got, retryAfter)
	}
}

// Ten failures for one account within 15 minutes lock it, whatever address
// the guesses come from, and even the right password is refused until the
// oldest failure is 15 minutes old. Other accounts are not affected.
func TestLoginThrottlePerAccount(t *testing.T) {
	env := apitest.New(t, trustProxies("192.0.2.0/24"))
	owner := env.NewPractice("Throttle")
	other := env.NewPractice("Bystander")
	for i := range 10 {
		res := tryLogin(env, owner.Email, "wrong password "+fmt.Sprint(i), fmt.Sprintf("198.51.100.%d", i+1))
		if res.Status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d %s", i+1, res.Status, res.Body)
		}
	}
	wantThrottled(t, tryLogin(env, owner.Email, apitest.Password, "198.51.100.50"), "900")
	// The e-mail is case folded: a different spelling is the same account.
	wantThrottled(t, tryLogin(env, " OWNER"+owner.Email[len("owner"):], apitest.Password, "198.51.100.51"), "900")
	if res := tryLogin(env, other.Email, apitest.Password, "198.51.100.52"); res.Status != http.StatusOK {
		t.Fatalf("another account: %d %s", res.Status, res.Body)
	}
	env.Clock.Advance(14 * time.Minute)
	wantThrottled(t, tryLogin(env, owner.Email, apitest.Password, "198.51.100.53"), "60")
	env.Clock.Advance(time.Minute)
	if res := tryLogin(env, owner.Email, apitest.Password, "198.51.100.54"); res.Status != http.StatusOK {
		t.Fatalf("after the window: %d %s", res.Status, res.Body)
	}
	// A success clears the account's count: nine more failures do not lock it.
	for i := range 9 {
		tryLogin(env, owner.Email, "wrong again", fmt.Sprintf("198.51.100.%d", 100+i))
	}
	if res := tryLogin(env, owner.Email, apitest.Password, "198.51.100.120"); res.Status != http.StatusOK {
		t.Fatalf("after a success and 9 failures: %d %s", res.Status, res.Body)
	}
}

// Ten failures from one address lock that address for every account, and
// unknown e-mails count like wrong passwords (the answer is the same for
// both). Without trusted proxies X-Forwarded-For is ignored: a client cannot
// pick a fresh address per guess. The same holds when proxies are trusted
// but the peer is not one of them.
func TestLoginThrottlePerAddressIgnoresUntrustedForwardedFor(t *testing.T) {
	for name, opts := range map[string][]apitest.Option{
		"no trusted proxies": nil,
		"peer not trusted":   {trustProxies("10.0.0.0/8")},
	} {
		t.Run(name, func(t *testing.T) {
			env := apitest.New(t, opts...)
			owner := env.NewPractice("Spray " + name)
			var first string
			for i := range 10 {
				res := tryLogin(env, fmt.Sprintf("nobody%d@example.com", i), "wrong password!", fmt.Sprintf("203.0.113.%d", i+1))
				if res.Status != http.StatusUnauthorized {
					t.Fatalf("failure %d: %d %s", i+1, res.Status, res.Body)
				}
				if p := res.Problem(t); first == "" {
					first = p.Detail
				} else if p.Detail != first {
					t.Fatalf("answers differ: %q vs %q", p.Detail, first)
				}
			}
			wantThrottled(t, tryLogin(env, owner.Email, apitest.Password, "203.0.113.99"), "900")
			wantThrottled(t, tryLogin(env, owner.Email, apitest.Password, ""), "900")
		})
	}
}

// Behind a trusted proxy the client's address is the one the proxy
// forwarded: clients behind one proxy are throttled each on their own.
func TestLoginThrottleBehindTrustedProxy(t *testing.T) {
	env := apitest.New(t, trustProxies("192.0.2.10/32"))
	owner := env.NewPractice("Proxied")
	for i := range 10 {
		tryLogin(env, fmt.Sprintf("guess%d@example.com", i), "wrong password!", "203.0.113.5")
	}
	wantThrottled(t, tryLogin(env, owner.Email, apitest.Password, "203.0.113.5"), "900")
	// A spoofed entry in front of the proxy's does not help: the proxy
	// appends the real client, and that is the address that counts.
	wantThrottled(t, tryLogin(env, owner.Email, apitest.Password, "198.51.100.1, 203.0.113.5"), "900")
	if res := tryLogin(env, owner.Email, apitest.Password, "203.0.113.6"); res.Status != http.StatusOK {
		t.Fatalf("another client behind the proxy: %d %s", res.Status, res.Body)
	}
}

// The session cookie is HttpOnly and SameSite=Lax everywhere it is set, and
// Secure exactly when VADESK_BASE_URL is https.
func TestSessionCookieFlags(t *testing.T) {
	for _, c := range []struct {
		name, base string
		secure     bool
	}{{"no base URL", "", false}, {"http", "http://localhost:8080", false}, {"https", "https://va.example.com", true}} {
		t.Run(c.name, func(t *testing.T) {
			env := apitest.New(t, func(cfg *config.Config) { cfg.BaseURL = c.base })
			owner := env.NewPractice("Cookies")
			cl := secClient(t, owner, "Cookie Co")
			inv := owner.Must(201, "POST", apitest.Path("/api/v1/clients/%d/portal-invites", cl), map[string]any{"email": "pat@cookie.example", "name": "Pat"})
			answers := map[string]*apitest.Response{
				"login": tryLogin(env, owner.Email, apitest.Password, ""),
				"accept": env.Do(apitest.Request{Method: "POST", Path: "/api/v1/portal/accept",
					Body: map[string]any{"token": inv["token"], "password": apitest.Password}}),
				"logout": env.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/logout"}),
			}
			for what, res := range answers {
				if res.Status >= 300 {
					t.Fatalf("%s: %d %s", what, res.Status, res.Body)
				}
				var found bool
				for _, ck := range (&http.Response{Header: res.Header}).Cookies() {
					if ck.Name != "vadesk_session" {
						continue
					}
					found = true
					if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure != c.secure || ck.Path != "/" {
						t.Errorf("%s: cookie %+v (want HttpOnly, SameSite=Lax, Secure=%v, Path=/)", what, ck, c.secure)
					}
				}
				if !found {
					t.Errorf("%s: no session cookie", what)
				}
			}
		})
	}
}

// A session ends after 7 days without use and after 30 days in any case.
func TestSessionIdleAndAbsoluteExpiry(t *testing.T) {
	env := apitest.New(t)
	owner := env.NewPractice("Expiry")
	idle := secLogin(t, env, owner.Email, apitest.Password)
	busy := secLogin(t, env, owner.Email, apitest.Password)
	for day := 6; day <= 30; day += 6 {
		env.Clock.Advance(6 * 24 * time.Hour)
		if res := busy.do("GET", "/api/v1/me", nil); res.Status != http.StatusOK {
			t.Fatalf("day %d: busy session %d", day, res.Status)
		}
		if day == 12 {
			if res := idle.do("GET", "/api/v1/me", nil); res.Status != http.StatusUnauthorized {
				t.Fatalf("idle session after 12 days: %d", res.Status)
			}
		}
	}
	env.Clock.Advance(24*time.Hour + time.Minute) // day 31
	if res := busy.do("GET", "/api/v1/me", nil); res.Status != http.StatusUnauthorized {
		t.Fatalf("session after 31 days: %d", res.Status)
	}
}

// Changing the password ends the user's other sessions, not the one that
// changed it.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	env := apitest.New(t)
	owner := env.NewPractice("Rotate")
	mine := secLogin(t, env, owner.Email, apitest.Password)
	stolen := secLogin(t, env, owner.Email, apitest.Password)
	res := mine.do("POST", "/api/v1/me/password", map[string]string{"current_password": apitest.Password, "new_password": "a brand new passphrase"})
	if res.Status != http.StatusNoContent {
		t.Fatalf("change: %d %s", res.Status, res.Body)
	}
	if res := mine.do("GET", "/api/v1/me", nil); res.Status != http.StatusOK {
		t.Fatalf("own session after change: %d", res.Status)
	}
	if res := stolen.do("GET", "/api/v1/me", nil); res.Status != http.StatusUnauthorized {
		t.Fatalf("other session after change: %d", res.Status)
	}
}

// CSRF: cookie-authenticated writes need the header login returned (a
// wrong one is as bad as none); bearer-token writes never do, since a
// browser does not send the token on its own.
func TestCSRFOnlyForCookies(t *testing.T) {
	env := apitest.New(t)
	owner := env.NewPractice("CSRF")
	b := secLogin(t, env, owner.Email, apitest.Password)
	ck := "vadesk_session=" + b.cookie
	for name, h := range map[string]http.Header{
		"no header":    {"Cookie": {ck}},
		"wrong header": {"Cookie": {ck}, "X-Csrf-Token": {b.csrf + "x"}},
		"empty header": {"Cookie": {ck}, "X-Csrf-Token": {""}},
	} {
		res := env.Do(apitest.Request{Method: "POST", Path: "/api/v1/clients", Header: h, Body: map[string]any{"name": "Forged"}})
		if res.Status != http.StatusForbidden {
			t.Errorf("%s: %d %s", name, res.Status, res.Body)
		}
	}
	if res := b.do("POST", "/api/v1/clients", map[string]any{"name": "Real"}); res.Status != http.StatusCreated {
		t.Fatalf("with CSRF: %d %s", res.Status, res.Body)
	}
	owner.Must(201, "POST", "/api/v1/clients", map[string]any{"name": "Via token"})
	for _, m := range []string{"PATCH", "DELETE"} {
		id := secClient(t, owner, "Token "+m)
		var body any
		if m == "PATCH" {
			body = map[string]any{"name": "Renamed"}
		}
		if res := owner.Do(m, apitest.Path("/api/v1/clients/%d", id), body); res.Status >= 300 {
			t.Errorf("bearer %s without CSRF: %d %s", m, res.Status, res.Body)
		}
	}
	list := owner.Must(200, "GET", "/api/v1/clients", nil)
	for _, it := range list["items"].([]any) {
		if it.(map[string]any)["name"] == "Forged" {
			t.Fatal("a forged request wrote a client")
		}
	}
}

// Security headers go on API answers too, errors included.
func TestSecurityHeadersOnAPI(t *testing.T) {
	env := apitest.New(t)
	owner := env.NewPractice("Headers")
	for _, res := range []*apitest.Response{
		owner.Do("GET", "/api/v1/clients", nil),
		owner.Do("GET", "/api/v1/clients/999999", nil),
		env.Do(apitest.Request{Method: "GET", Path: "/api/v1/portal/me"}),
	} {
		for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"} {
			if got := res.Header.Get(h); got != want {
				t.Errorf("%s = %q, want %q", h, got, want)
			}
		}
		if csp := res.Header.Get("Content-Security-Policy"); csp == "" {
			t.Error("no Content-Security-Policy")
		}
	}
}
