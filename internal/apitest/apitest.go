// Package apitest runs the real router over a real SQLite file in a temp
// dir, for tests of every package that speaks HTTP. Every answer is checked
// against api/openapi.yaml, so the spec and the code cannot drift apart
// without a test failing.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/labstack/echo/v4"
	"github.com/vadesk/vadesk/internal/app"
	"github.com/vadesk/vadesk/internal/config"
	"github.com/vadesk/vadesk/internal/httpapi"
	"github.com/vadesk/vadesk/internal/store"
)

// Clock is a settable clock for tests.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) { c.Set(c.Now().Add(d)) }

// Env is one test's server: a fresh database, the real router, a clock.
type Env struct {
	T        testing.TB
	Store    *store.Store
	Echo     *echo.Echo
	Clock    *Clock
	Config   config.Config
	Services app.Services
	// SkipSpec turns off the contract check (for tests that send garbage).
	SkipSpec bool
}

// Start is the fixed instant every Env's clock starts at: a Monday.
var Start = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// Option changes the configuration of a new Env.
type Option func(*config.Config)

// New opens a fresh database in t.TempDir(), migrates it and builds the
// router exactly as the server does.
func New(t testing.TB, opts ...Option) *Env {
	t.Helper()
	cfg, err := config.FromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DB = filepath.Join(t.TempDir(), "vadesk.db")
	for _, o := range opts {
		o(&cfg)
	}
	clock := &Clock{t: Start}
	st, err := store.Open(context.Background(), cfg.DB, store.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("VADESK_TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	svcs := app.New(cfg, st, clock.Now)
	e := httpapi.New(httpapi.Deps{Config: cfg, Store: st, Services: svcs, Log: log, Now: clock.Now})
	return &Env{T: t, Store: st, Echo: e, Clock: clock, Config: cfg, Services: svcs}
}

// Response is a recorded answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test if it cannot.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Map decodes the body as a JSON object.
func (r *Response) Map(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// Problem is the decoded problem document of an error answer.
type Problem struct {
	Status int    `json:"status"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

// Problem decodes an error answer and checks its content type.
func (r *Response) Problem(t testing.TB) Problem {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q, want application/problem+json; body %s", ct, r.Body)
	}
	var p Problem
	r.JSON(t, &p)
	return p
}

// HasField reports whether a 422 problem names field.
func (p Problem) HasField(field string) bool {
	for _, e := range p.Errors {
		if e.Field == field {
			return true
		}
	}
	return false
}

// Request describes one call.
type Request struct {
	Method string
	Path   string
	Body   any // marshalled as JSON; a string or []byte is sent as it is
	Header http.Header
}

// Do sends req through the router and checks the answer against the spec.
func (e *Env) Do(req Request) *Response {
	e.T.Helper()
	var body io.Reader
	var raw []byte
	switch b := req.Body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			e.T.Fatal(err)
		}
	}
	if raw != nil {
		body = bytes.NewReader(raw)
	}
	hr := httptest.NewRequest(req.Method, req.Path, body)
	hr.RemoteAddr = "192.0.2.10:4321"
	if raw != nil && req.Header.Get("Content-Type") == "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	for k, vs := range req.Header {
		for _, v := range vs {
			hr.Header.Add(k, v)
		}
	}
	rec := httptest.NewRecorder()
	e.Echo.ServeHTTP(rec, hr)
	res := &Response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	if !e.SkipSpec {
		if err := CheckContract(hr, raw, res); err != nil {
			e.T.Errorf("%s %s → %d breaks api/openapi.yaml: %v\nbody: %.600s", req.Method, req.Path, res.Status, err, res.Body)
		}
	}
	return res
}

var (
	specOnce sync.Once
	spec     *openapi3.T
	router   routers.Router
	specErr  error
)

// SpecPath is the path of api/openapi.yaml in the source tree.
func SpecPath() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "api", "openapi.yaml")
}

// Spec loads and validates api/openapi.yaml once per test binary.
func Spec() (*openapi3.T, routers.Router, error) {
	specOnce.Do(func() {
		loader := openapi3.NewLoader()
		spec, specErr = loader.LoadFromFile(SpecPath())
		if specErr != nil {
			return
		}
		if specErr = spec.Validate(loader.Context); specErr != nil {
			specErr = fmt.Errorf("api/openapi.yaml is not a valid OpenAPI document: %w", specErr)
			return
		}
		router, specErr = gorillamux.NewRouter(spec)
	})
	return spec, router, specErr
}

// CheckContract validates a response (and, when it succeeded, the request
// that caused it) against the spec. Routes the spec lacks are errors.
func CheckContract(req *http.Request, reqBody []byte, res *Response) error {
	_, r, err := Spec()
	if err != nil {
		return err
	}
	vreq := req.Clone(context.Background())
	vreq.URL.Host = ""
	vreq.Host = ""
	if reqBody != nil {
		vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	route, params, err := r.FindRoute(vreq)
	if err != nil {
		if res.Status == http.StatusNotFound || res.Status == http.StatusMethodNotAllowed {
			return nil // the router agrees there is no such route
		}
		return fmt.Errorf("route not in spec: %w", err)
	}
	in := &openapi3filter.RequestValidationInput{
		Request: vreq, PathParams: params, Route: route,
		Options: &openapi3filter.Options{
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
			MultiError:         false,
		},
	}
	if res.Status < 300 && reqBody != nil && route.Operation.RequestBody == nil {
		return fmt.Errorf("accepted a request body the spec does not describe")
	}
	if res.Status < 300 && reqBody != nil {
		if err := openapi3filter.ValidateRequestBody(context.Background(), in, route.Operation.RequestBody.Value); err != nil {
			return fmt.Errorf("accepted request body the spec rejects: %w", err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 res.Status,
		Header:                 res.Header,
		Body:                   io.NopCloser(bytes.NewReader(res.Body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/pdf") ||
		strings.HasPrefix(res.Header.Get("Content-Type"), "application/zip") ||
		strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
		strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") {
		out.Options.ExcludeResponseBody = true
	}
	return openapi3filter.ValidateResponse(context.Background(), out)
}
