package httpapi

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/vadesk/vadesk/internal/audit"
)

// auditHandler lets the owner read the practice's audit log.
type auditHandler struct{ svc *audit.Log }

type auditJSON struct {
	ID         int64           `json:"id"`
	UserID     *int64          `json:"user_id"`
	UserName   string          `json:"user_name"`
	UserEmail  string          `json:"user_email"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   *int64          `json:"object_id"`
	Detail     json.RawMessage `json:"detail"`
	IP         string          `json:"ip"`
	CreatedAt  time.Time       `json:"created_at"`
}

func toAudit(e audit.EntryWithUser) auditJSON {
	detail := json.RawMessage(e.Detail)
	if !json.Valid(detail) {
		detail = json.RawMessage("{}")
	}
	return auditJSON{ID: e.ID, UserID: e.UserID, UserName: e.UserName, UserEmail: e.UserEmail, Action: e.Action,
		ObjectType: e.ObjectType, ObjectID: e.ObjectID, Detail: detail, IP: e.IP, CreatedAt: e.CreatedAt}
}

// list answers the log newest first; the cursor is the id of the last entry
// seen, and the next page holds older ones.
func (h *auditHandler) list(c echo.Context) error {
	lp, err := readList(c)
	if err != nil {
		return err
	}
	before, err := lp.afterID()
	if err != nil {
		return err
	}
	f := audit.Filter{Action: c.QueryParam("action"), BeforeID: before, Limit: lp.Limit + 1}
	if v := c.QueryParam("from"); v != "" {
		if f.From, err = parseTime("from", v); err != nil {
			return err
		}
	}
	if v := c.QueryParam("to"); v != "" {
		if f.To, err = parseTime("to", v); err != nil {
			return err
		}
	}
	es, err := h.svc.List(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageByID(es, lp.Limit, func(e audit.EntryWithUser) int64 { return e.ID }, toAudit))
}
