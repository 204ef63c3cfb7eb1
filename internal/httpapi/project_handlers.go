package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/projects"
)

type projectHandler struct{ svc *projects.Projects }

// projectJSON is a project on the wire. The prices (fixed_fee, hourly_rate)
// are pointers to nullable values so they can be left out entirely for
// assistants, who never see the practice's money settings: nil omits the
// field, a pointer to nil is JSON null.
type projectJSON struct {
	ID            int64     `json:"id"`
	ClientID      int64     `json:"client_id"`
	Name          string    `json:"name"`
	Description   string    `json:"description"`
	Billing       string    `json:"billing"`
	Currency      string    `json:"currency"`
	FixedFee      **int64   `json:"fixed_fee,omitempty"`
	HourlyRate    **int64   `json:"hourly_rate,omitempty"`
	BudgetMinutes *int64    `json:"budget_minutes"`
	Status        string    `json:"status"`
	InvoiceID     *int64    `json:"invoice_id"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// projectView returns the converter for the caller: owners see prices,
// assistants do not (seesMoney).
func projectView(c echo.Context) func(projects.Project) projectJSON {
	prices := seesMoney(c.Request().Context())
	return func(p projects.Project) projectJSON {
		out := projectJSON{ID: p.ID, ClientID: p.ClientID, Name: p.Name, Description: p.Description, Billing: p.Billing,
			Currency: p.Currency, BudgetMinutes: p.BudgetMinutes, Status: p.Status, InvoiceID: p.InvoiceID,
			CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
		if prices {
			out.FixedFee, out.HourlyRate = &p.FixedFee, &p.HourlyRate
		}
		return out
	}
}

// projectRequest is a project body. Every field may be left out; only the
// nullable ones may be null.
type projectRequest struct {
	ClientID      Optional[int64]  `json:"client_id"`
	Name          Optional[string] `json:"name"`
	Description   Optional[string] `json:"description"`
	Billing       Optional[string] `json:"billing"`
	FixedFee      Optional[*int64] `json:"fixed_fee"`
	HourlyRate    Optional[*int64] `json:"hourly_rate"`
	BudgetMinutes Optional[*int64] `json:"budget_minutes"`
	Status        Optional[string] `json:"status"`
}

func (r projectRequest) toDomain() (projects.Input, error) {
	var c apperr.Check
	in := projects.Input{ClientID: nonNull(&c, "client_id", r.ClientID), Name: nonNull(&c, "name", r.Name),
		Description: nonNull(&c, "description", r.Description), Billing: nonNull(&c, "billing", r.Billing),
		FixedFee: r.FixedFee.Ptr(), HourlyRate: r.HourlyRate.Ptr(), BudgetMinutes: r.BudgetMinutes.Ptr(),
		Status: nonNull(&c, "status", r.Status)}
	return in, c.Err()
}

// nonNull reads a field that may be left out (nil) but not be null.
func nonNull[T any](c *apperr.Check, field string, o Optional[T]) *T {
	if o.Null {
		c.Add(field, "must not be null")
	}
	if !o.Set || o.Null {
		return nil
	}
	v := o.Value
	return &v
}

func (h *projectHandler) list(c echo.Context) error {
	lp, err := readList(c)
	if err != nil {
		return err
	}
	after, err := lp.afterID()
	if err != nil {
		return err
	}
	clientID, err := queryID(c, "client_id")
	if err != nil {
		return err
	}
	f := projects.Filter{ClientID: clientID, Status: c.QueryParam("status"), AfterID: after, Limit: lp.Limit + 1}
	rows, err := h.svc.List(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageByID(rows, lp.Limit, func(p projects.Project) int64 { return p.ID }, projectView(c)))
}

func (h *projectHandler) get(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, err := h.svc.Get(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, projectView(c)(p))
}

func (h *projectHandler) create(c echo.Context) error {
	var r projectRequest
	if err := bind(c, &r); err != nil {
		return err
	}
	in, err := r.toDomain()
	if err != nil {
		return err
	}
	p, err := h.svc.Create(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, projectView(c)(p))
}

func (h *projectHandler) update(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var r projectRequest
	if err := bind(c, &r); err != nil {
		return err
	}
	in, err := r.toDomain()
	if err != nil {
		return err
	}
	p, err := h.svc.Update(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, projectView(c)(p))
}

// delete removes an unused project (204) or archives one with time,
// expenses or tasks and returns it (200), so no history is lost.
func (h *projectHandler) delete(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	archived, err := h.svc.Delete(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if archived {
		p, err := h.svc.Get(c.Request().Context(), id)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, projectView(c)(p))
	}
	return c.NoContent(http.StatusNoContent)
}
