package httpapi_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/vadesk/vadesk/internal/apitest"
)

var paramRE = regexp.MustCompile(`:([a-z_]+)`)

// Every route the router serves must be in api/openapi.yaml, and every
// operation in the spec must be served: the contract is kept true by test.
func TestEveryRouteIsInTheSpec(t *testing.T) {
	env := apitest.New(t)
	spec, _, err := apitest.Spec()
	if err != nil {
		t.Fatal(err)
	}
	served := map[string]bool{}
	for _, r := range env.Echo.Routes() {
		if r.Path == "/" || r.Path == "/*" || strings.HasSuffix(r.Method, "echo_route_not_found") || r.Method == "echo_route_any" {
			continue
		}
		path := paramRE.ReplaceAllString(r.Path, "{$1}")
		key := r.Method + " " + path
		served[key] = true
		specPath := strings.TrimPrefix(path, "/api/v1")
		item := spec.Paths.Find(specPath)
		if item == nil || item.GetOperation(r.Method) == nil {
			t.Errorf("route %s is not in api/openapi.yaml", key)
		}
	}
	for path, item := range spec.Paths.Map() {
		for method := range item.Operations() {
			full := path
			if path != "/healthz" {
				full = "/api/v1" + path
			}
			if !served[method+" "+full] {
				t.Errorf("api/openapi.yaml has %s %s but the router does not serve it", method, full)
			}
		}
	}
}

func TestUnknownRoutesAndMethodsAreProblems(t *testing.T) {
	env := apitest.New(t)
	owner := env.NewPractice("Routes")
	res := owner.Do(http.MethodGet, "/api/v1/nope", nil)
	if res.Status != http.StatusNotFound {
		t.Fatalf("status %d", res.Status)
	}
	res.Problem(t)
	res = owner.Do(http.MethodPut, "/api/v1/clients", map[string]any{})
	if res.Status != http.StatusMethodNotAllowed {
		t.Fatalf("status %d", res.Status)
	}
	res.Problem(t)
}

func TestHealthz(t *testing.T) {
	env := apitest.New(t)
	res := env.Do(apitest.Request{Method: http.MethodGet, Path: "/healthz"})
	if res.Status != http.StatusOK || !strings.Contains(string(res.Body), `"ok"`) {
		t.Fatalf("healthz: %d %s", res.Status, res.Body)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Request-Id"} {
		if res.Header.Get(h) == "" {
			t.Errorf("missing header %s", h)
		}
	}
	if !strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("CSP %q lacks frame-ancestors 'none'", res.Header.Get("Content-Security-Policy"))
	}
}
