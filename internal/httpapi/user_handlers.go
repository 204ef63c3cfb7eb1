package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/vadesk/vadesk/internal/auth"
	"github.com/vadesk/vadesk/internal/tenant"
)

// userHandler lets the owner manage the practice's staff: assistants and
// the clients each may work for.
type userHandler struct{ svc *auth.Service }

type memberJSON struct {
	userJSON
	DisabledAt *time.Time `json:"disabled_at"`
	// ClientIDs are an assistant's clients; null for owners, who see all.
	ClientIDs []int64 `json:"client_ids"`
}

func toMember(m auth.Member) memberJSON {
	out := memberJSON{userJSON: toUser(m.User), DisabledAt: m.DisabledAt}
	if m.Role == tenant.Assistant {
		out.ClientIDs = m.Clients
		if out.ClientIDs == nil {
			out.ClientIDs = []int64{}
		}
	}
	return out
}

func (h *userHandler) list(c echo.Context) error {
	lp, err := readList(c)
	if err != nil {
		return err
	}
	after, err := lp.afterID()
	if err != nil {
		return err
	}
	ms, err := h.svc.ListMembers(c.Request().Context(), after, lp.Limit+1)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageByID(ms, lp.Limit, func(m auth.Member) int64 { return m.ID }, toMember))
}

func (h *userHandler) get(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	m, err := h.svc.Member(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toMember(m))
}

type newMemberRequest struct {
	Email     string  `json:"email"`
	Name      string  `json:"name"`
	Password  string  `json:"password"`
	Role      string  `json:"role"`
	ClientIDs []int64 `json:"client_ids"`
}

func (h *userHandler) create(c echo.Context) error {
	var r newMemberRequest
	if err := bind(c, &r); err != nil {
		return err
	}
	m, err := h.svc.CreateMember(c.Request().Context(), auth.NewMember{Email: r.Email, Name: r.Name, Password: r.Password,
		Role: tenant.Role(r.Role), Clients: r.ClientIDs})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/users/"+strconv.FormatInt(m.ID, 10))
	return c.JSON(http.StatusCreated, toMember(m))
}

type memberRequest struct {
	Name      *string  `json:"name"`
	Disabled  *bool    `json:"disabled"`
	ClientIDs *[]int64 `json:"client_ids"`
}

func (h *userHandler) update(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var r memberRequest
	if err := bind(c, &r); err != nil {
		return err
	}
	m, err := h.svc.UpdateMember(c.Request().Context(), id, auth.MemberInput{Name: r.Name, Disabled: r.Disabled, Clients: r.ClientIDs})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toMember(m))
}

// disable is DELETE: staff users are never deleted (their time and history
// name them), only disabled.
func (h *userHandler) disable(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	yes := true
	if _, err := h.svc.UpdateMember(c.Request().Context(), id, auth.MemberInput{Disabled: &yes}); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
