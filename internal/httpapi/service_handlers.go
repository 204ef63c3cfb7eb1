package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/vadesk/vadesk/internal/catalog"
)

type serviceHandler struct{ svc *catalog.Catalog }

// serviceJSON is a service on the wire. DefaultHourlyRate is null for
// callers who do not see the practice's money (seesMoney).
type serviceJSON struct {
	ID                int64     `json:"id"`
	Name              string    `json:"name"`
	Description       string    `json:"description"`
	DefaultHourlyRate *int64    `json:"default_hourly_rate"`
	Billable          bool      `json:"billable"`
	Archived          bool      `json:"archived"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

// serviceView returns the converter for the caller: owners see the
// default rate, assistants do not.
func serviceView(c echo.Context) func(catalog.Service) serviceJSON {
	prices := seesMoney(c.Request().Context())
	return func(s catalog.Service) serviceJSON {
		out := serviceJSON{ID: s.ID, Name: s.Name, Description: s.Description, Billable: s.Billable,
			Archived: s.Archived, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
		if prices {
			out.DefaultHourlyRate = &s.DefaultHourlyRate
		}
		return out
	}
}

type serviceRequest struct {
	Name              *string `json:"name"`
	Description       *string `json:"description"`
	DefaultHourlyRate *int64  `json:"default_hourly_rate"`
	Billable          *bool   `json:"billable"`
	Archived          *bool   `json:"archived"`
}

func (r serviceRequest) toDomain() catalog.Input {
	return catalog.Input{Name: r.Name, Description: r.Description, DefaultHourlyRate: r.DefaultHourlyRate, Billable: r.Billable, Archived: r.Archived}
}

func (h *serviceHandler) list(c echo.Context) error {
	lp, err := readList(c)
	if err != nil {
		return err
	}
	after, err := lp.afterID()
	if err != nil {
		return err
	}
	archived, err := queryBool(c, "archived")
	if err != nil {
		return err
	}
	rows, err := h.svc.List(c.Request().Context(), catalog.Filter{Archived: archived, AfterID: after, Limit: lp.Limit + 1})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageByID(rows, lp.Limit, func(s catalog.Service) int64 { return s.ID }, serviceView(c)))
}

func (h *serviceHandler) get(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	s, err := h.svc.Get(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, serviceView(c)(s))
}

func (h *serviceHandler) create(c echo.Context) error {
	var r serviceRequest
	if err := bind(c, &r); err != nil {
		return err
	}
	s, err := h.svc.Create(c.Request().Context(), r.toDomain())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, serviceView(c)(s))
}

func (h *serviceHandler) update(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var r serviceRequest
	if err := bind(c, &r); err != nil {
		return err
	}
	s, err := h.svc.Update(c.Request().Context(), id, r.toDomain())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, serviceView(c)(s))
}

// delete removes an unused service; a used one is archived and returned.
func (h *serviceHandler) delete(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	archived, err := h.svc.Delete(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if archived {
		s, err := h.svc.Get(c.Request().Context(), id)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, serviceView(c)(s))
	}
	return c.NoContent(http.StatusNoContent)
}
