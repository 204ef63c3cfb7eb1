package seed

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// api calls the real router in-process as one user, so the demo practice
// is made by the same handlers, rules and numbering as anything a person
// does in the app.
type api struct {
	ctx  context.Context
	h    http.Handler
	auth string
}

// recorder is the smallest http.ResponseWriter that keeps the answer.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.body.Write(b)
}

// call sends a request and returns the status and body.
func (a *api) call(method, path string, body any) (int, []byte, error) {
	var rd *bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequestWithContext(a.ctx, method, "http://vadesk.internal/api/v1"+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.RemoteAddr = "127.0.0.1:1"
	req.Header.Set("Authorization", a.auth)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := &recorder{header: http.Header{}}
	a.h.ServeHTTP(rec, req)
	return rec.status, rec.body.Bytes(), nil
}

// do sends a request that must answer want, and decodes the answer into
// out (when not nil).
func (a *api) do(want int, method, path string, body, out any) error {
	status, b, err := a.call(method, path, body)
	if err != nil {
		return fmt.Errorf("seed: %s %s: %w", method, path, err)
	}
	if status != want {
		return fmt.Errorf("seed: %s %s: %d: %s", method, path, status, strings.TrimSpace(string(b)))
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("seed: %s %s: %w", method, path, err)
		}
	}
	return nil
}

// routed reports whether the router knows path for method. An unknown
// route is the router's own 404 ("no such resource") or 405, not a
// domain's "... not found".
func (a *api) routed(method, path string) bool {
	status, b, err := a.call(method, path, nil)
	return err == nil && !RouteMissing(status, b)
}

// RouteMissing reports whether an answer of the API says that the route
// itself does not exist (yet), as opposed to a missing object.
func RouteMissing(status int, body []byte) bool {
	if status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
		return false
	}
	var p struct {
		Detail string `json:"detail"`
	}
	_ = json.Unmarshal(body, &p)
	return p.Detail == "no such resource" || strings.HasPrefix(p.Detail, "this resource does not support")
}

// idOf is the id field of an answer.
type idOf struct {
	ID int64 `json:"id"`
}
