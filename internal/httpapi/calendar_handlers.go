package httpapi

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/calendar"
)

type calendarHandler struct {
	svc     *calendar.Service
	baseURL string
}

type calendarTokenJSON struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	// Token and URL only in the answer that created the token.
	Token string `json:"token,omitempty"`
	URL   string `json:"url,omitempty"`
}

func toCalendarToken(t calendar.Token) calendarTokenJSON {
	return calendarTokenJSON{ID: t.ID, Name: t.Name, Prefix: t.Prefix, CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt}
}

func (h *calendarHandler) list(c echo.Context) error {
	ts, err := h.svc.List(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]calendarTokenJSON, len(ts))
	for i, t := range ts {
		out[i] = toCalendarToken(t)
	}
	return c.JSON(http.StatusOK, map[string]any{"items": out})
}

func (h *calendarHandler) create(c echo.Context) error {
	var req struct {
		Name *string `json:"name"`
	}
	if err := bind(c, &req); err != nil {
		return err
	}
	name := ""
	if req.Name != nil {
		name = *req.Name
	}
	t, raw, err := h.svc.Create(c.Request().Context(), name)
	if err != nil {
		return err
	}
	out := toCalendarToken(t)
	out.Token = raw
	// The feed's address: absolute when the public base URL is known, so it
	// can be pasted into a calendar app as it is.
	out.URL = h.baseURL + "/api/v1/calendar/" + raw + ".ics"
	return c.JSON(http.StatusCreated, out)
}

func (h *calendarHandler) revoke(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.svc.Revoke(c.Request().Context(), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// feed serves /calendar/{token}.ics without a session: the token is the
// credential, so an unknown or revoked one is a plain 404.
func (h *calendarHandler) feed(c echo.Context) error {
	raw, ok := strings.CutSuffix(c.Param("token.ics"), ".ics")
	if !ok {
		return apperr.NotFound("calendar")
	}
	var buf bytes.Buffer
	if err := h.svc.Feed(c.Request().Context(), raw, h.baseURL, &buf); err != nil {
		return err
	}
	hd := c.Response().Header()
	hd.Set("Cache-Control", "private, max-age=900")
	hd.Set(echo.HeaderContentLength, strconv.Itoa(buf.Len()))
	hd.Set("Referrer-Policy", "no-referrer")
	return c.Blob(http.StatusOK, "text/calendar; charset=utf-8", buf.Bytes())
}
