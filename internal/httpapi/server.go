// Package httpapi maps HTTP onto vadesk's domain: one route table, the
// middleware of each group (staff API, portal API, static UI), small handler
// structs with request and response types of their own, and the one error
// handler that writes problem+json. It never builds SQL.
package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/vadesk/vadesk/internal/app"
	"github.com/vadesk/vadesk/internal/config"
	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/internal/transfer"
)

// Deps is everything the HTTP layer needs.
type Deps struct {
	Config config.Config
	Store  *store.Store
	// Services come from app.New over the same store and clock: the
	// mailer and the services' links to each other are wired there.
	Services app.Services
	Log      *slog.Logger
	Now      func() time.Time
	// Web is the static UI; nil serves none.
	Web fs.FS
}

// New returns the router with every route and middleware in place.
func New(d Deps) *echo.Echo {
	if d.Now == nil {
		d.Now = time.Now
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.JSONSerializer = jsonSerializer{}
	e.HTTPErrorHandler = errorHandler(d.Log)
	e.IPExtractor = ipExtractor(d.Config)

	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{
		Skipper: func(c echo.Context) bool { return c.Request().URL.Path == "/" },
	}))
	e.Use(middleware.RequestID())
	e.Use(requestLogger(d.Log))
	e.Use(recoverer(d.Log))
	e.Use(securityHeaders)
	e.Use(bodyLimit(d.Config.MaxBodyBytes))

	e.GET("/healthz", func(c echo.Context) error {
		ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
		defer cancel()
		if err := d.Store.Ping(ctx); err != nil {
			return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		}
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	})

	routes(e, d)

	if d.Web != nil {
		serveWeb(e, d.Web)
	}
	return e
}

// ipExtractor decides which address a request came from. Echo's default
// trusts X-Forwarded-For and X-Real-IP from anyone, which would let a client
// pick its own address and dodge the login throttle; vadesk uses the direct
// peer unless the peer is a proxy named in VADESK_TRUSTED_PROXIES.
func ipExtractor(cfg config.Config) echo.IPExtractor {
	if len(cfg.TrustedProxies) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range cfg.TrustedProxies {
		_, n, err := net.ParseCIDR(p.String())
		if err == nil {
			opts = append(opts, echo.TrustIPRange(n))
		}
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

func requestLogger(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			status := c.Response().Status
			level := slog.LevelInfo
			if status >= 500 {
				level = slog.LevelError
			}
			attrs := []any{
				"request_id", requestID(c), "method", c.Request().Method,
				"path", logPath(c), "status", status,
				"duration_ms", float64(time.Since(start).Microseconds()) / 1000,
				"bytes", c.Response().Size, "ip", c.RealIP(),
			}
			if p, ok := principalOf(c); ok {
				attrs = append(attrs, "user_id", p.User.ID, "practice_id", p.User.PracticeID)
			}
			log.Log(c.Request().Context(), level, "request", attrs...)
			return nil
		}
	}
}

func recoverer(log *slog.Logger) echo.MiddlewareFunc {
	return middleware.RecoverWithConfig(middleware.RecoverConfig{
		DisablePrintStack: true,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			log.Error("panic", "request_id", requestID(c), "err", err, "stack", string(stack))
			return err
		},
	})
}

// securityHeaders go on every answer. The CSP allows no inline script, no
// framing and no third-party origin. The values are set as ready-made
// slices under canonical keys: Header.Set would allocate a slice for each
// on every request.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		for k, v := range securityHeaderValues {
			h[k] = v
		}
		return next(c)
	}
}

var securityHeaderValues = map[string][]string{
	"Content-Security-Policy":    {"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
	"X-Content-Type-Options":     {"nosniff"},
	"Referrer-Policy":            {"same-origin"},
	"X-Frame-Options":            {"DENY"},
	"Cross-Origin-Opener-Policy": {"same-origin"},
}

// uploadLimits are the body caps of the routes that take files, by route
// path; every other route keeps the configured cap, which suits JSON.
var uploadLimits = map[string]int64{
	"/api/v1/imports/time-entries": transfer.MaxImportBytes + 64<<10, // the file and its multipart envelope
}

// bodyLimit caps every request body; reading past it fails with a
// *http.MaxBytesError that the error handler answers with 413. (Echo runs
// Use middleware after routing, so c.Path() names the route.)
func bodyLimit(n int64) echo.MiddlewareFunc {
	if n <= 0 {
		n = 1 << 20
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			limit := n
			if l, ok := uploadLimits[c.Path()]; ok {
				limit = l
			}
			r := c.Request()
			if r.ContentLength > limit {
				return echo.NewHTTPError(http.StatusRequestEntityTooLarge)
			}
			r.Body = http.MaxBytesReader(c.Response(), r.Body, limit)
			return next(c)
		}
	}
}

// jsonSerializer writes compact JSON without HTML escaping of <, > and &,
// which would only garble notes and names for API clients.
type jsonSerializer struct{}

func (jsonSerializer) Serialize(c echo.Context, i any, indent string) error {
	if a, ok := i.(jsonAppender); ok {
		return writeAppended(c.Response(), a)
	}
	return jsonEncode(c.Response(), i)
}

func (jsonSerializer) Deserialize(c echo.Context, i any) error { return bind(c, i) }

func jsonEncode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
