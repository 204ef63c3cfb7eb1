// Package apperr is vadesk's one error type. Domain code returns these (or
// wraps the sentinels); the HTTP layer maps each Kind to a status code and an
// RFC 9457 problem in one place. Anything else becomes a logged 500.
package apperr

import (
	"errors"
	"fmt"
)

// Kind classifies an error for the caller.
type Kind int

// The kinds of error the API can answer with.
const (
	KindInternal     Kind = iota // a bug or an outage: 500
	KindBadRequest               // malformed request: 400
	KindUnauthorized             // no or bad credentials: 401
	KindForbidden                // known caller, not allowed: 403
	KindNotFound                 // absent or not visible to the caller: 404
	KindConflict                 // state forbids it (locked, stale, duplicate): 409
	KindInvalid                  // well-formed but invalid input: 422
	KindTooMany                  // throttled: 429
	KindUnavailable              // storage full or read-only: 503
)

// FieldError names one invalid input field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is an error with a kind, a human message and, for KindInvalid, the
// fields at fault.
type Error struct {
	Kind    Kind
	Message string
	Fields  []FieldError
	// RetryAfter is seconds to wait, for KindTooMany.
	RetryAfter int
	Err        error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s %s", e.Message, e.Fields[0].Field, e.Fields[0].Message)
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Is lets errors.Is match the sentinels below by kind.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Kind == e.Kind
}

// Sentinels for errors.Is checks by kind.
var (
	ErrNotFound = &Error{Kind: KindNotFound}
	ErrConflict = &Error{Kind: KindConflict}
	ErrInvalid  = &Error{Kind: KindInvalid}
)

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// NotFound says the named thing does not exist for this caller.
func NotFound(what string) *Error {
	return &Error{Kind: KindNotFound, Message: what + " not found"}
}

// Conflict says the current state forbids the change.
func Conflict(format string, args ...any) *Error {
	return &Error{Kind: KindConflict, Message: fmt.Sprintf(format, args...)}
}

// Forbidden says the caller may not do this.
func Forbidden(msg string) *Error { return &Error{Kind: KindForbidden, Message: msg} }

// Unauthorized says the caller is not authenticated.
func Unauthorized(msg string) *Error { return &Error{Kind: KindUnauthorized, Message: msg} }

// BadRequest says the request could not be read at all.
func BadRequest(msg string) *Error { return &Error{Kind: KindBadRequest, Message: msg} }

// Invalid says one field is invalid.
func Invalid(field, msg string) *Error {
	return &Error{Kind: KindInvalid, Message: "validation failed", Fields: []FieldError{{field, msg}}}
}

// Unavailable says storage cannot take writes right now.
func Unavailable(msg string, err error) *Error {
	return &Error{Kind: KindUnavailable, Message: msg, Err: err}
}
