package httpapi

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/audit"
	"github.com/vadesk/vadesk/internal/auth"
	"github.com/vadesk/vadesk/internal/practice"
	"github.com/vadesk/vadesk/internal/tenant"
)

// SessionCookie is the name of the browser session cookie.
const SessionCookie = "vadesk_session"

// CSRFHeader carries the token that login returned; cookie-authenticated
// unsafe requests must send it.
const CSRFHeader = "X-CSRF-Token"

const principalKey = "vadesk.principal"

func principalOf(c echo.Context) (auth.Principal, bool) {
	p, ok := c.Get(principalKey).(auth.Principal)
	return p, ok
}

// authenticate resolves the caller from a bearer token or the session
// cookie, puts their scope into the request context (where the data layer
// finds it) and enforces CSRF for cookie-authenticated writes.
func authenticate(svc *auth.Service) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			ctx := c.Request().Context()
			var p auth.Principal
			var err error
			if h := c.Request().Header.Get(echo.HeaderAuthorization); h != "" {
				raw, ok := strings.CutPrefix(h, "Bearer ")
				if !ok || raw == "" {
					return apperr.Unauthorized("the Authorization header must be \"Bearer <token>\"")
				}
				p, err = svc.FromToken(ctx, strings.TrimSpace(raw))
			} else if ck, cerr := c.Cookie(SessionCookie); cerr == nil && ck.Value != "" {
				p, err = svc.FromSession(ctx, ck.Value)
			} else {
				return apperr.Unauthorized("log in or send an API token")
			}
			if err != nil {
				return err
			}
			if p.ViaSession && !safeMethod(c.Request().Method) {
				got := c.Request().Header.Get(CSRFHeader)
				if subtle.ConstantTimeCompare([]byte(got), []byte(p.CSRF)) != 1 {
					return apperr.Forbidden("missing or wrong " + CSRFHeader + " header")
				}
			}
			c.Set(principalKey, p)
			// Every service the request calls reads the practice through
			// this one memo (see practice.Of), once.
			c.SetRequest(c.Request().WithContext(practice.WithCache(tenant.With(ctx, p.Scope))))
			return next(c)
		}
	}
}

// clientAddress puts the caller's address (as the IP extractor trusts it)
// into the request context, where the audit log finds it.
func clientAddress(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.SetRequest(c.Request().WithContext(audit.WithIP(c.Request().Context(), c.RealIP())))
		return next(c)
	}
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// allow lets only the given roles through: client users get 403 on the
// staff API, assistants on the owner's money and settings.
func allow(roles ...tenant.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			p, ok := principalOf(c)
			if !ok {
				return apperr.Unauthorized("log in or send an API token")
			}
			for _, r := range roles {
				if p.User.Role == r {
					return next(c)
				}
			}
			return apperr.Forbidden("your account may not do this")
		}
	}
}
