package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/vadesk/vadesk/internal/apperr"
)

// Problem is an RFC 9457 problem document, the body of every error answer.
type Problem struct {
	Type      string              `json:"type"`
	Title     string              `json:"title"`
	Status    int                 `json:"status"`
	Detail    string              `json:"detail,omitempty"`
	Instance  string              `json:"instance,omitempty"`
	RequestID string              `json:"request_id,omitempty"`
	Errors    []apperr.FieldError `json:"errors,omitempty"`
}

var kindStatus = map[apperr.Kind]int{
	apperr.KindInternal:     http.StatusInternalServerError,
	apperr.KindBadRequest:   http.StatusBadRequest,
	apperr.KindUnauthorized: http.StatusUnauthorized,
	apperr.KindForbidden:    http.StatusForbidden,
	apperr.KindNotFound:     http.StatusNotFound,
	apperr.KindConflict:     http.StatusConflict,
	apperr.KindInvalid:      http.StatusUnprocessableEntity,
	apperr.KindTooMany:      http.StatusTooManyRequests,
	apperr.KindUnavailable:  http.StatusServiceUnavailable,
}

// errorHandler is the one place where errors become HTTP answers. Domain
// errors carry their kind; Echo's own errors (no route, wrong method, body
// too large) keep their status; anything else is a bug or an outage, logged
// with the request id and answered with a generic 500.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		p := Problem{Type: "about:blank", Instance: c.Request().URL.Path, RequestID: requestID(c)}
		var ae *apperr.Error
		var he *echo.HTTPError
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &ae):
			p.Status = kindStatus[ae.Kind]
			p.Detail = ae.Message
			p.Errors = ae.Fields
			if ae.Kind == apperr.KindTooMany && ae.RetryAfter > 0 {
				c.Response().Header().Set("Retry-After", strconv.Itoa(ae.RetryAfter))
			}
			if ae.Kind == apperr.KindInternal || ae.Kind == apperr.KindUnavailable {
				log.Error("request failed", "request_id", p.RequestID, "path", logPath(c), "err", err)
			}
			if ae.Kind == apperr.KindInternal {
				p.Detail = "something went wrong on our side; the request id helps us find it"
			}
		case errors.As(err, &mbe):
			p.Status = http.StatusRequestEntityTooLarge
			p.Detail = "the request body is too large"
		case errors.As(err, &he):
			p.Status = he.Code
			switch he.Code {
			case http.StatusNotFound:
				p.Detail = "no such resource"
			case http.StatusMethodNotAllowed:
				p.Detail = "this resource does not support the " + c.Request().Method + " method"
			case http.StatusRequestEntityTooLarge:
				p.Detail = "the request body is too large"
			case http.StatusUnauthorized:
				p.Detail = "authentication required"
			default:
				if m, ok := he.Message.(string); ok {
					p.Detail = m
				}
			}
			if he.Code >= 500 {
				log.Error("request failed", "request_id", p.RequestID, "path", logPath(c), "err", err)
			}
		default:
			p.Status = http.StatusInternalServerError
			p.Detail = "something went wrong on our side; the request id helps us find it"
			log.Error("request failed", "request_id", p.RequestID, "path", logPath(c), "err", err)
		}
		p.Title = http.StatusText(p.Status)
		writeProblem(c, p)
	}
}

func writeProblem(c echo.Context, p Problem) {
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().WriteHeader(p.Status)
	if c.Request().Method == http.MethodHead {
		return
	}
	_ = jsonEncode(c.Response(), p)
}

func requestID(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
}
