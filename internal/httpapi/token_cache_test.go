package httpapi_test

import (
	"testing"

	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/tenant"
)

// The server remembers resolved API tokens for a few seconds; every change
// that shuts a token out must still do so on the very next request, even
// for a token that was just used.
func TestCachedTokensAreShutOutAtOnce(t *testing.T) {
	env := apitest.New(t)
	owner := env.NewPractice("Token cache")
	cl := secClient(t, owner, "Dana Realty")

	t.Run("revoked token", func(t *testing.T) {
		m := owner.Must(201, "POST", "/api/v1/tokens", map[string]string{"name": "zapier"})
		zap := &apitest.Actor{Env: env, Token: m["token"].(string)}
		zap.Must(200, "GET", "/api/v1/me", nil)
		zap.Must(200, "GET", "/api/v1/me", nil)
		owner.Must(204, "DELETE", apitest.Path("/api/v1/tokens/%d", apitest.ID(t, m, "id")), nil)
		if res := zap.Do("GET", "/api/v1/me", nil); res.Status != 401 {
			t.Fatalf("revoked token: %d", res.Status)
		}
	})

	t.Run("disabled and enabled assistant", func(t *testing.T) {
		asst := owner.NewUser(tenant.Assistant)
		asst.Must(200, "GET", "/api/v1/me", nil)
		owner.Must(204, "DELETE", apitest.Path("/api/v1/users/%d", asst.UserID), nil)
		if res := asst.Do("GET", "/api/v1/me", nil); res.Status != 401 {
			t.Fatalf("token of a disabled assistant: %d", res.Status)
		}
		owner.Must(200, "PATCH", apitest.Path("/api/v1/users/%d", asst.UserID), map[string]any{"disabled": false})
		asst.Must(200, "GET", "/api/v1/me", nil)
	})

	t.Run("assistant's clients", func(t *testing.T) {
		asst := owner.NewUser(tenant.Assistant)
		path := apitest.Path("/api/v1/clients/%d", cl)
		if res := asst.Do("GET", path, nil); res.Status != 404 {
			t.Fatalf("unassigned client: %d", res.Status)
		}
		owner.Must(200, "PATCH", apitest.Path("/api/v1/users/%d", asst.UserID), map[string]any{"client_ids": []int64{cl}})
		asst.Must(200, "GET", path, nil)
		owner.Must(200, "PATCH", apitest.Path("/api/v1/users/%d", asst.UserID), map[string]any{"client_ids": []int64{}})
		if res := asst.Do("GET", path, nil); res.Status != 404 {
			t.Fatalf("client taken away: %d", res.Status)
		}
	})

	t.Run("revoked portal user", func(t *testing.T) {
		portal, _ := secPortalUser(t, owner, cl)
		portal.Must(200, "GET", "/api/v1/portal/me", nil)
		owner.Must(204, "DELETE", apitest.Path("/api/v1/clients/%d/portal-users/%d", cl, portal.UserID), nil)
		if res := portal.Do("GET", "/api/v1/portal/me", nil); res.Status != 401 {
			t.Fatalf("token of a revoked portal user: %d", res.Status)
		}
	})
}
