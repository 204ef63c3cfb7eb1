package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/vadesk/vadesk/internal/retainers"
)

type retainerHandler struct{ svc *retainers.Service }

type retainerTermsJSON struct {
	EffectiveFrom     string  `json:"effective_from"`
	IncludedMinutes   int64   `json:"included_minutes"`
	Fee               int64   `json:"fee"`
	OverageHourlyRate int64   `json:"overage_hourly_rate"`
	RolloverMinutes   int64   `json:"rollover_minutes"`
	ServiceIDs        []int64 `json:"service_ids"`
}

type retainerJSON struct {
	ID          int64   `json:"id"`
	ClientID    int64   `json:"client_id"`
	Name        string  `json:"name"`
	Period      string  `json:"period"`
	Currency    string  `json:"currency"`
	StartsOn    string  `json:"starts_on"`
	EndsOn      *string `json:"ends_on"`
	AutoInvoice string  `json:"auto_invoice"`
	// The terms in force this month (or in the first month, before it
	// starts), flattened for the common case.
	retainerTermsJSON
	Terms     []retainerTermsJSON `json:"terms"`
	CreatedAt time.Time           `json:"created_at"`
	UpdatedAt time.Time           `json:"updated_at"`
}

func toTerms(t retainers.Terms) retainerTermsJSON {
	ids := t.ServiceIDs
	if ids == nil {
		ids = []int64{}
	}
	return retainerTermsJSON{EffectiveFrom: t.EffectiveFrom, IncludedMinutes: t.IncludedMinutes, Fee: t.Fee,
		OverageHourlyRate: t.OverageHourlyRate, RolloverMinutes: t.RolloverMinutes, ServiceIDs: ids}
}

func toRetainer(r retainers.Retainer) retainerJSON {
	out := retainerJSON{ID: r.ID, ClientID: r.ClientID, Name: r.Name, Period: r.Period, Currency: r.Currency,
		StartsOn: r.StartsOn, EndsOn: r.EndsOn, AutoInvoice: r.AutoInvoice, Terms: make([]retainerTermsJSON, len(r.Terms)),
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	for i, t := range r.Terms {
		out.Terms[i] = toTerms(t)
	}
	out.retainerTermsJSON = toTerms(r.Current)
	return out
}

type retainerRequest struct {
	Name              *string          `json:"name"`
	Period            *string          `json:"period"`
	IncludedMinutes   *int64           `json:"included_minutes"`
	Fee               *int64           `json:"fee"`
	OverageHourlyRate *int64           `json:"overage_hourly_rate"`
	RolloverMinutes   *int64           `json:"rollover_minutes"`
	ServiceIDs        *[]int64         `json:"service_ids"`
	StartsOn          *string          `json:"starts_on"`
	EndsOn            Optional[string] `json:"ends_on"`
	AutoInvoice       *string          `json:"auto_invoice"`
	EffectiveFrom     *string          `json:"effective_from"`
}

func (r retainerRequest) toDomain() retainers.Input {
	in := retainers.Input{Name: r.Name, Period: r.Period, IncludedMinutes: r.IncludedMinutes, Fee: r.Fee,
		OverageHourlyRate: r.OverageHourlyRate, RolloverMinutes: r.RolloverMinutes, ServiceIDs: r.ServiceIDs,
		StartsOn: r.StartsOn, AutoInvoice: r.AutoInvoice, EffectiveFrom: r.EffectiveFrom}
	if r.EndsOn.Set {
		var v *string
		if !r.EndsOn.Null {
			v = &r.EndsOn.Value
		}
		in.EndsOn = &v
	}
	return in
}

// ids reads the client id and, when the route has one, the retainer id.
func (h *retainerHandler) ids(c echo.Context) (client, retainer int64, err error) {
	if client, err = pathID(c, "id"); err != nil {
		return
	}
	if c.Param("rid") != "" {
		retainer, err = pathID(c, "rid")
	}
	return
}

func (h *retainerHandler) list(c echo.Context) error {
	client, _, err := h.ids(c)
	if err != nil {
		return err
	}
	rs, err := h.svc.List(c.Request().Context(), client)
	if err != nil {
		return err
	}
	out := make([]retainerJSON, len(rs))
	for i, r := range rs {
		out[i] = toRetainer(r)
	}
	return c.JSON(http.StatusOK, map[string]any{"items": out})
}

func (h *retainerHandler) get(c echo.Context) error {
	client, id, err := h.ids(c)
	if err != nil {
		return err
	}
	r, err := h.svc.Get(c.Request().Context(), client, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toRetainer(r))
}

func (h *retainerHandler) create(c echo.Context) error {
	client, _, err := h.ids(c)
	if err != nil {
		return err
	}
	var req retainerRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	r, err := h.svc.Create(c.Request().Context(), client, req.toDomain())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toRetainer(r))
}

func (h *retainerHandler) update(c echo.Context) error {
	client, id, err := h.ids(c)
	if err != nil {
		return err
	}
	var req retainerRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	r, err := h.svc.Update(c.Request().Context(), client, id, req.toDomain())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toRetainer(r))
}

// end stops a retainer after this month (200 with it), or deletes one that
// has not begun and never billed (204).
func (h *retainerHandler) end(c echo.Context) error {
	client, id, err := h.ids(c)
	if err != nil {
		return err
	}
	r, deleted, err := h.svc.End(c.Request().Context(), client, id)
	if err != nil {
		return err
	}
	if deleted {
		return c.NoContent(http.StatusNoContent)
	}
	return c.JSON(http.StatusOK, toRetainer(r))
}

type usageJSON struct {
	RetainerID        int64  `json:"retainer_id"`
	Name              string `json:"name"`
	Period            string `json:"period"`
	From              string `json:"from"`
	To                string `json:"to"`
	IncludedMinutes   int64  `json:"included_minutes"`
	RolledOverMinutes int64  `json:"rolled_over_minutes"`
	UsedMinutes       int64  `json:"used_minutes"`
	RemainingMinutes  int64  `json:"remaining_minutes"`
	OverageMinutes    int64  `json:"overage_minutes"`
	Fee               int64  `json:"fee"`
	OverageHourlyRate int64  `json:"overage_hourly_rate"`
	OverageAmount     int64  `json:"overage_amount"`
	Currency          string `json:"currency"`
	InvoiceID         *int64 `json:"invoice_id"`
}

func toUsage(u retainers.Usage) usageJSON {
	return usageJSON{RetainerID: u.RetainerID, Name: u.Name, Period: u.Period, From: u.From, To: u.To,
		IncludedMinutes: u.IncludedMinutes, RolledOverMinutes: u.RolledOverMinutes, UsedMinutes: u.UsedMinutes,
		RemainingMinutes: u.RemainingMinutes, OverageMinutes: u.OverageMinutes, Fee: u.Fee,
		OverageHourlyRate: u.OverageHourlyRate, OverageAmount: u.OverageAmount, Currency: u.Currency, InvoiceID: u.InvoiceID}
}

func (h *retainerHandler) usage(c echo.Context) error {
	client, id, err := h.ids(c)
	if err != nil {
		return err
	}
	u, err := h.svc.Usage(c.Request().Context(), client, id, c.QueryParam("period"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toUsage(u))
}

type retainerInvoiceRequest struct {
	Period *string `json:"period"`
	Issue  *bool   `json:"issue"`
}

type retainerInvoiceJSON struct {
	RetainerID int64  `json:"retainer_id"`
	Period     string `json:"period"`
	InvoiceID  int64  `json:"invoice_id"`
	Status     string `json:"status"`
	Total      int64  `json:"total"`
	Currency   string `json:"currency"`
}

// invoice bills a period of the retainer: fee plus overage.
func (h *retainerHandler) invoice(c echo.Context) error {
	client, id, err := h.ids(c)
	if err != nil {
		return err
	}
	var req retainerInvoiceRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if req.Period == nil {
		return invalid("period", "is required")
	}
	out, err := h.svc.Invoice(c.Request().Context(), client, id, *req.Period, req.Issue != nil && *req.Issue)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, retainerInvoiceJSON{RetainerID: out.RetainerID, Period: out.Period,
		InvoiceID: out.InvoiceID, Status: out.Status, Total: out.Total, Currency: out.Currency})
}
