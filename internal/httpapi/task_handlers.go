package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/projects"
)

type taskHandler struct{ svc *projects.Tasks }

type taskJSON struct {
	ID            int64     `json:"id"`
	ClientID      int64     `json:"client_id"`
	ProjectID     *int64    `json:"project_id"`
	Title         string    `json:"title"`
	Description   string    `json:"description"`
	Status        string    `json:"status"`
	DueOn         *string   `json:"due_on"`
	Priority      string    `json:"priority"`
	AssigneeID    *int64    `json:"assignee_id"`
	ServiceID     *int64    `json:"service_id"`
	RequestedByID *int64    `json:"requested_by_id"`
	Version       int64     `json:"version"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

func toTask(t projects.Task) taskJSON {
	return taskJSON{ID: t.ID, ClientID: t.ClientID, ProjectID: t.ProjectID, Title: t.Title, Description: t.Description,
		Status: t.Status, DueOn: t.DueOn, Priority: t.Priority, AssigneeID: t.AssigneeID, ServiceID: t.ServiceID,
		RequestedByID: t.RequestedByID, Version: t.Version, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

// taskRequest is a task body. Every field may be left out; only the
// nullable ones may be null.
type taskRequest struct {
	ClientID    Optional[int64]   `json:"client_id"`
	ProjectID   Optional[*int64]  `json:"project_id"`
	Title       Optional[string]  `json:"title"`
	Description Optional[string]  `json:"description"`
	Status      Optional[string]  `json:"status"`
	DueOn       Optional[*string] `json:"due_on"`
	Priority    Optional[string]  `json:"priority"`
	AssigneeID  Optional[*int64]  `json:"assignee_id"`
	ServiceID   Optional[*int64]  `json:"service_id"`
	Version     Optional[int64]   `json:"version"`
}

func (r taskRequest) toDomain() (projects.TaskInput, error) {
	var c apperr.Check
	in := projects.TaskInput{ClientID: nonNull(&c, "client_id", r.ClientID), ProjectID: r.ProjectID.Ptr(),
		Title: nonNull(&c, "title", r.Title), Description: nonNull(&c, "description", r.Description),
		Status: nonNull(&c, "status", r.Status), DueOn: r.DueOn.Ptr(), Priority: nonNull(&c, "priority", r.Priority),
		AssigneeID: r.AssigneeID.Ptr(), ServiceID: r.ServiceID.Ptr(), Version: nonNull(&c, "version", r.Version)}
	return in, c.Err()
}

func (h *taskHandler) list(c echo.Context) error {
	lp, err := readList(c)
	if err != nil {
		return err
	}
	after, err := lp.afterID()
	if err != nil {
		return err
	}
	f := projects.TaskFilter{DueBefore: c.QueryParam("due_before"), DueAfter: c.QueryParam("due_after"),
		AfterID: after, Limit: lp.Limit + 1}
	for _, q := range []struct {
		name string
		dst  *int64
	}{{"client_id", &f.ClientID}, {"project_id", &f.ProjectID}, {"assignee_id", &f.AssigneeID}} {
		if *q.dst, err = queryID(c, q.name); err != nil {
			return err
		}
	}
	if v := c.QueryParam("status"); v != "" {
		f.Statuses = strings.Split(v, ",")
	}
	rows, err := h.svc.List(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageByID(rows, lp.Limit, func(t projects.Task) int64 { return t.ID }, toTask))
}

func (h *taskHandler) get(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	t, err := h.svc.Get(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toTask(t))
}

func (h *taskHandler) create(c echo.Context) error {
	var r taskRequest
	if err := bind(c, &r); err != nil {
		return err
	}
	in, err := r.toDomain()
	if err != nil {
		return err
	}
	t, err := h.svc.Create(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toTask(t))
}

// update changes a task; a body with "version" is refused with 409 when the
// task changed since that version was read.
func (h *taskHandler) update(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var r taskRequest
	if err := bind(c, &r); err != nil {
		return err
	}
	in, err := r.toDomain()
	if err != nil {
		return err
	}
	t, err := h.svc.Update(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toTask(t))
}

// delete removes a task; one with logged time is a 409 (mark it done).
func (h *taskHandler) delete(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.svc.Delete(c.Request().Context(), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
