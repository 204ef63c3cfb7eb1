// Package tenant carries who is asking through a request's context, so the
// data layer can scope every query to the caller's practice (and a client
// user to their client) in one place instead of in every handler.
package tenant

import (
	"context"
	"errors"
)

// Role is what a user is to the practice.
type Role string

// The roles a user can have.
const (
	Owner     Role = "owner"
	Assistant Role = "assistant"
	Client    Role = "client"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool { return r == Owner || r == Assistant || r == Client }

// Scope is the caller as the data layer sees it. PracticeID is always set for
// a scoped caller; ClientID is set only for client users and narrows every
// query on client-owned rows to that client.
type Scope struct {
	PracticeID int64
	UserID     int64
	Role       Role
	ClientID   int64
	// Restricted narrows every query on client-owned rows to AssignedClients:
	// it is set for assistants, who see only the clients the owner gave them
	// (none when the list is empty, so a forgotten assignment fails closed).
	Restricted      bool
	AssignedClients []int64
}

// IsStaff reports whether the caller is the owner or an assistant.
func (s Scope) IsStaff() bool { return s.Role == Owner || s.Role == Assistant }

// ClientLimit returns the clients the caller may see and whether they are
// limited at all: a client user sees their own client, a restricted
// assistant their assigned ones, the owner every client of the practice.
func (s Scope) ClientLimit() (ids []int64, limited bool) {
	switch {
	case s.ClientID != 0:
		return []int64{s.ClientID}, true
	case s.Restricted:
		return s.AssignedClients, true
	}
	return nil, false
}

// ClientCondition is the same narrowing for raw SQL, which the data layer
// does not scope on its own: "" when the caller sees every client, else a
// condition such as "t.client_id IN ?" and its argument. An empty list
// matches nothing (GORM writes IN (NULL)).
func (s Scope) ClientCondition(column string) (string, []any) {
	ids, limited := s.ClientLimit()
	if !limited {
		return "", nil
	}
	if ids == nil {
		ids = []int64{}
	}
	return column + " IN ?", []any{ids}
}

// MaySeeClient reports whether the caller may see the client with id.
func (s Scope) MaySeeClient(id int64) bool {
	ids, limited := s.ClientLimit()
	if !limited {
		return true
	}
	for _, c := range ids {
		if c == id {
			return true
		}
	}
	return false
}

type scopeKey struct{}
type systemKey struct{}

// With returns ctx carrying s.
func With(ctx context.Context, s Scope) context.Context {
	return context.WithValue(ctx, scopeKey{}, s)
}

// From returns the scope in ctx, if any.
func From(ctx context.Context) (Scope, bool) {
	s, ok := ctx.Value(scopeKey{}).(Scope)
	return s, ok && s.PracticeID != 0
}

// ErrNoScope is returned when a query on practice data runs without a scope;
// the data layer fails closed rather than reading across practices.
var ErrNoScope = errors.New("tenant: query on practice data without a scope")

// System marks ctx as deliberately unscoped: logins, setup and the CLI, which
// must find a user before anyone's practice is known. Use sparingly.
func System(ctx context.Context) context.Context {
	return context.WithValue(ctx, systemKey{}, true)
}

// IsSystem reports whether ctx was marked by System.
func IsSystem(ctx context.Context) bool {
	v, _ := ctx.Value(systemKey{}).(bool)
	return v
}
