package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/vadesk/vadesk/internal/apperr"
)

// bindTargets are the request types of the API's JSON endpoints. The fuzz
// input picks one by index.
var bindTargets = []func() any{
	func() any { return new(clientRequest) },
	func() any { return new(contactRequest) },
	func() any { return new(serviceRequest) },
	func() any { return new(settingsRequest) },
	func() any { return new(projectRequest) },
	func() any { return new(taskRequest) },
	func() any { return new(timeEntryRequest) },
	func() any { return new(timerRequest) },
	func() any { return new(expenseRequest) },
	func() any { return new(invoiceCreateRequest) },
	func() any { return new(invoicePatchRequest) },
	func() any { return new(invoiceLineRequest) },
	func() any { return new(paymentRequest) },
	func() any { return new(retainerRequest) },
	func() any { return new(newOwnerRequest) },
	func() any { return new(loginRequest) },
	func() any { return new(passwordRequest) },
	func() any { return new(newMemberRequest) },
	func() any { return new(memberRequest) },
}

func bindBody(body []byte, dst any) error {
	e := echo.New()
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	c := e.NewContext(req, httptest.NewRecorder())
	return bind(c, dst)
}

// FuzzBind feeds arbitrary bytes to the strict JSON decoder of every
// request type. It must never panic, must answer anything it refuses with
// a 400 or a 422 (never a kind that becomes a 500), must refuse what is not
// a UTF-8 JSON object, and must decide the same way twice.
func FuzzBind(f *testing.F) {
	for _, seed := range []string{
		`{}`, `{"name": "Dana"}`, `{"name": null}`, `null`, `[]`, `"x"`, `1`,
		`{"name": "a"}{"name": "b"}`, `{"name": "Dana"`, `{"minutes": 1e400}`,
		`{"minutes": 99999999999999999999}`, `{"minutes": -1}`, `{"minutes": 1.5}`,
		`{"client_id": "1"}`, `{"billable": "true"}`, `{"project_id": null}`,
		`{"ends_on": null}`, `{"service_ids": [1, "2"]}`, `{"unknown": 1}`,
		"{\"name\": \"\xff\"}", "\xef\xbb\xbf{}", `{"name": [[[[[[[[]]]]]]]]}`,
		`{"started_at": "2026-11-02T09:00:00Z", "minutes": 95}`,
		`{"from": "2026-12-31", "to": "2026-01-01"}`, `{"amount": -100}`,
		`{"fixed_fee": null, "hourly_rate": 5000}`, `{"email": "a@b", "password": ""}`,
	} {
		for i := range bindTargets {
			f.Add([]byte(seed), uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, body []byte, which uint8) {
		newDst := bindTargets[int(which)%len(bindTargets)]
		err := bindBody(body, newDst())
		if err == nil {
			trimmed := bytes.TrimSpace(body)
			if !utf8.Valid(body) || !json.Valid(body) || len(trimmed) == 0 || trimmed[0] != '{' {
				t.Fatalf("accepted %q, which is not a UTF-8 JSON object", body)
			}
		} else {
			ae, ok := apperr.As(err)
			var mbe *http.MaxBytesError
			switch {
			case errors.As(err, &mbe):
			case !ok:
				t.Fatalf("%q: %T %v is not an apperr (it would be a 500)", body, err, err)
			case ae.Kind != apperr.KindBadRequest && ae.Kind != apperr.KindInvalid:
				t.Fatalf("%q: kind %v, want bad request or invalid", body, ae.Kind)
			case ae.Kind == apperr.KindInvalid && len(ae.Fields) == 0:
				t.Fatalf("%q: a 422 that names no field", body)
			}
		}
		again := bindBody(body, newDst())
		if (err == nil) != (again == nil) || (err != nil && err.Error() != again.Error()) {
			t.Fatalf("%q decided twice differently: %v / %v", body, err, again)
		}
	})
}

// Every request type is a struct, so bind's object check applies to each.
func TestBindTargetsAreStructs(t *testing.T) {
	for i, mk := range bindTargets {
		if k := reflect.TypeOf(mk()).Elem().Kind(); k != reflect.Struct {
			t.Errorf("target %d is a %s", i, k)
		}
	}
}
