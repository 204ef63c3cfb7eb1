package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/vadesk/vadesk/internal/apperr"
)

// bind decodes a JSON request body into dst strictly: unknown fields, wrong
// types and numbers out of range are 422s that name the field; bodies that
// are not JSON at all are 400s. Nothing is written before this succeeds.
func bind(c echo.Context, dst any) error {
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return apperr.BadRequest("the request body could not be read")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return apperr.BadRequest("a JSON body is required")
	}
	if !utf8.Valid(body) {
		return apperr.BadRequest("the request body must be UTF-8")
	}
	// A top-level null would decode into a struct as "nothing sent" and
	// turn a malformed PATCH into a silent no-op write.
	if t := reflect.TypeOf(dst); t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct && bytes.TrimSpace(body)[0] != '{' {
		return apperr.BadRequest("the request body must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if dec.More() {
		return apperr.BadRequest("the request body holds more than one JSON value")
	}
	return refuseNulls(body, dst)
}

// refuseNulls answers 422 for a top-level field sent as null that cannot
// be null. encoding/json reads null into a pointer as "not sent", so
// {"name": null} on a PATCH would silently change nothing where the client
// meant to clear it, and the spec says such fields are never null. Fields
// that may be cleared are Optional, which records the null for the
// handler to judge.
func refuseNulls(body []byte, dst any) error {
	t := reflect.TypeOf(dst)
	if t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct || !bytes.Contains(body, []byte("null")) {
		return nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return nil // not an object: decoding it already succeeded into the struct's own rules
	}
	var c apperr.Check
	for name, raw := range fields {
		if string(bytes.TrimSpace(raw)) != "null" {
			continue
		}
		if f, ok := jsonField(t.Elem(), name); ok && !nullable(f.Type) {
			c.Add(name, "must not be null; leave it out to keep it as it is")
		}
	}
	return c.Err()
}

// jsonField finds the field of struct type t that encoding/json fills from
// the key name, looking into embedded structs as encoding/json does.
func jsonField(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == "-" {
			continue
		}
		if f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct {
			if g, ok := jsonField(f.Type, name); ok {
				return g, true
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if tag == "" {
			tag = f.Name
		}
		if strings.EqualFold(tag, name) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// nullable reports whether a field of type t takes null as a value of its
// own: Optional, and raw JSON the handler reads itself.
func nullable(t reflect.Type) bool {
	if t == reflect.TypeFor[json.RawMessage]() || t.Kind() == reflect.Interface {
		return true
	}
	_, ok := reflect.New(t).Interface().(interface{ optional() })
	return ok
}

func decodeError(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			return apperr.BadRequest("the request body must be a JSON object")
		}
		what := te.Type.String()
		switch {
		case strings.Contains(what, "int"):
			what = "a whole number"
			if strings.HasPrefix(te.Value, "number") {
				what += " in range"
			}
		case strings.Contains(what, "string"):
			what = "a string"
		case strings.Contains(what, "bool"):
			what = "true or false"
		case strings.HasPrefix(what, "[]"):
			what = "a list"
		default:
			what = "of another type"
		}
		return apperr.Invalid(field, "must be "+what)
	case errors.As(err, &se), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return apperr.BadRequest("the request body is not valid JSON")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return apperr.Invalid(field, "is not a known field")
	case errors.As(err, new(*fieldError)):
		var fe *fieldError
		errors.As(err, &fe)
		return apperr.Invalid(fe.field, fe.msg)
	}
	return apperr.BadRequest("the request body is not valid JSON: " + err.Error())
}

type fieldError struct{ field, msg string }

func (e *fieldError) Error() string { return e.field + " " + e.msg }

// Optional is a JSON field that can be absent, null or a value, for PATCH
// bodies where "absent" means "leave as it is" and null means "clear it".
type Optional[T any] struct {
	Set   bool
	Null  bool
	Value T
}

func (*Optional[T]) optional() {}

// UnmarshalJSON records that the field was present.
func (o *Optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Null = true
		return nil
	}
	return json.Unmarshal(b, &o.Value)
}

// Ptr returns nil when absent, a pointer to the zero value when null (the
// domain's "clear"), and a pointer to the value otherwise.
func (o Optional[T]) Ptr() *T {
	if !o.Set {
		return nil
	}
	return &o.Value
}

// OrNil returns nil when the field was absent or null, for bodies where
// both mean "none", and a pointer to the value otherwise.
func (o Optional[T]) OrNil() *T {
	if !o.Set || o.Null {
		return nil
	}
	return &o.Value
}

// refID reads a nullable reference to another object for the domain, whose
// "none" is a pointer to 0: absent stays nil (unchanged), null becomes that
// 0, and a value must be a positive id, so that an explicit 0 (often a
// client's stand-in for "no project") is refused instead of silently read
// as none.
func refID(c *apperr.Check, field string, o Optional[int64]) *int64 {
	if o.Set && !o.Null && o.Value <= 0 {
		c.Add(field, "must be a positive id; leave it out or send null for none")
		return nil
	}
	return o.Ptr()
}

// parseTime reads an RFC 3339 time for field, in UTC; it must fall in the
// years apperr.Check.Time accepts.
func parseTime(field, v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, apperr.Invalid(field, "must be an RFC 3339 time such as 2026-11-02T09:00:00Z")
	}
	var c apperr.Check
	if c.Time(field, t); c.Err() != nil {
		return time.Time{}, c.Err()
	}
	return t.UTC(), nil
}

// pathID reads a positive integer path parameter; anything else is a 404,
// since no such object can exist.
func pathID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.NotFound(strings.TrimSuffix(name, "_id"))
	}
	return id, nil
}

func invalid(field, msg string) error { return apperr.Invalid(field, msg) }
