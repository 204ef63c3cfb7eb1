package httpapi

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// logPath is the request path as the log may keep it. A path parameter that
// is a credential (the calendar feed's :token, which is all a calendar app
// sends) is replaced, so whoever reads the log cannot use it.
func logPath(c echo.Context) string {
	p := c.Request().URL.Path
	for _, name := range c.ParamNames() {
		if !strings.Contains(name, "token") {
			continue
		}
		if v := c.Param(name); v != "" {
			p = strings.Replace(p, v, "[redacted]", 1)
		}
	}
	return p
}
