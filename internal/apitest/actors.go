package apitest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/vadesk/vadesk/internal/auth"
	"github.com/vadesk/vadesk/internal/tenant"
)

// Actor is a logged-in caller: a user with an API token.
type Actor struct {
	Env        *Env
	UserID     int64
	PracticeID int64
	Email      string
	Token      string
}

// Password is what every test user's password is.
const Password = "correct horse battery staple"

var practiceSeq atomic.Int64

// NewPractice creates a practice with an owner and returns the owner with
// an API token.
func (e *Env) NewPractice(name string) *Actor {
	e.T.Helper()
	n := practiceSeq.Add(1)
	email := fmt.Sprintf("owner%d@example.com", n)
	u, _, err := e.Services.Auth.CreateUser(context.Background(), auth.NewUser{
		Email: email, Name: "Owner " + name, Role: tenant.Owner, Practice: name, Password: Password,
	})
	if err != nil {
		e.T.Fatal(err)
	}
	return e.actor(u)
}

// NewUser adds a user with role to the practice of a.
func (a *Actor) NewUser(role tenant.Role) *Actor {
	e := a.Env
	e.T.Helper()
	n := practiceSeq.Add(1)
	var practiceName string
	if err := e.Store.Read(tenant.System(context.Background())).Raw("SELECT name FROM practices WHERE id = ?", a.PracticeID).Scan(&practiceName).Error; err != nil {
		e.T.Fatal(err)
	}
	u, _, err := e.Services.Auth.CreateUser(context.Background(), auth.NewUser{
		Email: fmt.Sprintf("user%d@example.com", n), Name: fmt.Sprintf("User %d", n), Role: role, Practice: practiceName, Password: Password,
	})
	if err != nil {
		e.T.Fatal(err)
	}
	return e.actor(u)
}

func (e *Env) actor(u auth.User) *Actor {
	_, raw, err := e.Services.Auth.CreateTokenFor(context.Background(), u.Email, "test")
	if err != nil {
		e.T.Fatal(err)
	}
	return &Actor{Env: e, UserID: u.ID, PracticeID: u.PracticeID, Email: u.Email, Token: raw}
}

// Do sends a request as the actor (bearer token).
func (a *Actor) Do(method, path string, body any) *Response {
	a.Env.T.Helper()
	return a.Env.Do(Request{Method: method, Path: path, Body: body,
		Header: http.Header{"Authorization": {"Bearer " + a.Token}}})
}

// Must sends a request and fails the test unless the status is want; it
// decodes a JSON answer into a map.
func (a *Actor) Must(want int, method, path string, body any) map[string]any {
	a.Env.T.Helper()
	res := a.Do(method, path, body)
	if res.Status != want {
		a.Env.T.Fatalf("%s %s: status %d, want %d; body %s", method, path, res.Status, want, res.Body)
	}
	if len(res.Body) == 0 || res.Header.Get("Content-Type") == "" {
		return nil
	}
	var m map[string]any
	_ = json.Unmarshal(res.Body, &m) // not every answer is an object; callers check what they need
	return m
}

// ID reads a numeric id field from a decoded answer.
func ID(t testing.TB, m map[string]any, field string) int64 {
	t.Helper()
	v, ok := m[field].(float64)
	if !ok {
		t.Fatalf("no numeric %q in %v", field, m)
	}
	return int64(v)
}

// Path formats a path like fmt.Sprintf.
func Path(format string, args ...any) string { return fmt.Sprintf(format, args...) }
