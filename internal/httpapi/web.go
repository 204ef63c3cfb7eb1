package httpapi

import (
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
)

// serveWeb serves the embedded UI. Assets get long cache lifetimes; the
// HTML shell is revalidated so a new release shows at once. Unknown paths
// outside /api fall back to index.html so the app can route on the client.
func serveWeb(e *echo.Echo, web fs.FS) {
	files := http.FileServer(http.FS(web))
	h := func(c echo.Context) error {
		p := strings.TrimPrefix(path.Clean(c.Request().URL.Path), "/")
		if strings.HasPrefix(p, "api/") || p == "api" {
			return echo.ErrNotFound
		}
		if p == "" || p == "." {
			p = "index.html"
		}
		if _, err := fs.Stat(web, p); err != nil {
			p = "index.html"
		}
		r := c.Request().Clone(c.Request().Context())
		r.URL.Path = "/" + p
		if p == "index.html" {
			r.URL.Path = "/"
			c.Response().Header().Set("Cache-Control", "no-cache")
		} else {
			c.Response().Header().Set("Cache-Control", "public, max-age=3600")
		}
		files.ServeHTTP(c.Response(), r)
		return nil
	}
	e.GET("/", h)
	e.GET("/*", h)
	e.HEAD("/*", h)
}
