package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/vadesk/vadesk/internal/clients"
	"github.com/vadesk/vadesk/internal/practice"
)

type clientHandler struct {
	svc      *clients.Clients
	practice *practice.Service
}

type clientJSON struct {
	ID               int64     `json:"id"`
	Name             string    `json:"name"`
	Company          string    `json:"company"`
	Industry         string    `json:"industry"`
	Email            string    `json:"email"`
	Phone            string    `json:"phone"`
	Website          string    `json:"website"`
	Address          string    `json:"address"`
	TaxID            string    `json:"tax_id"`
	Code             string    `json:"code"`
	Currency         string    `json:"currency"`
	PaymentTermsDays int64     `json:"payment_terms_days"`
	RoundingMinutes  int64     `json:"rounding_minutes"`
	Status           string    `json:"status"`
	Notes            string    `json:"notes"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

func toClient(c clients.Client) clientJSON {
	return clientJSON{ID: c.ID, Name: c.Name, Company: c.Company, Industry: c.Industry, Email: c.Email, Phone: c.Phone,
		Website: c.Website, Address: c.Address, TaxID: c.TaxID, Code: c.Code, Currency: c.Currency,
		PaymentTermsDays: c.PaymentTermsDays, RoundingMinutes: c.RoundingMinutes, Status: c.Status, Notes: c.Notes,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

type clientRequest struct {
	Name             *string `json:"name"`
	Company          *string `json:"company"`
	Industry         *string `json:"industry"`
	Email            *string `json:"email"`
	Phone            *string `json:"phone"`
	Website          *string `json:"website"`
	Address          *string `json:"address"`
	TaxID            *string `json:"tax_id"`
	Code             *string `json:"code"`
	Currency         *string `json:"currency"`
	PaymentTermsDays *int64  `json:"payment_terms_days"`
	RoundingMinutes  *int64  `json:"rounding_minutes"`
	Status           *string `json:"status"`
	Notes            *string `json:"notes"`
}

func (r clientRequest) toDomain() clients.Input {
	return clients.Input{Name: r.Name, Company: r.Company, Industry: r.Industry, Email: r.Email, Phone: r.Phone,
		Website: r.Website, Address: r.Address, TaxID: r.TaxID, Code: r.Code, Currency: r.Currency,
		PaymentTermsDays: r.PaymentTermsDays, RoundingMinutes: r.RoundingMinutes, Status: r.Status, Notes: r.Notes}
}

func (h *clientHandler) list(c echo.Context) error {
	lp, err := readList(c)
	if err != nil {
		return err
	}
	after, err := lp.afterID()
	if err != nil {
		return err
	}
	f := clients.Filter{Query: c.QueryParam("q"), Status: c.QueryParam("status"), AfterID: after, Limit: lp.Limit + 1}
	rows, err := h.svc.List(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageByID(rows, lp.Limit, func(c clients.Client) int64 { return c.ID }, toClient))
}

func (h *clientHandler) get(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	cl, err := h.svc.Get(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toClient(cl))
}

func (h *clientHandler) create(c echo.Context) error {
	var r clientRequest
	if err := bind(c, &r); err != nil {
		return err
	}
	p, err := h.practice.Current(c.Request().Context())
	if err != nil {
		return err
	}
	cl, err := h.svc.Create(c.Request().Context(), r.toDomain(), p.Currency)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toClient(cl))
}

func (h *clientHandler) update(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var r clientRequest
	if err := bind(c, &r); err != nil {
		return err
	}
	cl, err := h.svc.Update(c.Request().Context(), id, r.toDomain())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toClient(cl))
}

// delete removes a client without history (204) or archives one with time,
// expenses or invoices and returns it (200), so nothing billed is lost.
func (h *clientHandler) delete(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	archived, err := h.svc.Delete(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if archived {
		cl, err := h.svc.Get(c.Request().Context(), id)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, toClient(cl))
	}
	return c.NoContent(http.StatusNoContent)
}

type contactJSON struct {
	ID        int64     `json:"id"`
	ClientID  int64     `json:"client_id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Phone     string    `json:"phone"`
	Role      string    `json:"role"`
	Notes     string    `json:"notes"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toContact(c clients.Contact) contactJSON {
	return contactJSON{ID: c.ID, ClientID: c.ClientID, Name: c.Name, Email: c.Email, Phone: c.Phone, Role: c.Role,
		Notes: c.Notes, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

type contactRequest struct {
	Name  *string `json:"name"`
	Email *string `json:"email"`
	Phone *string `json:"phone"`
	Role  *string `json:"role"`
	Notes *string `json:"notes"`
}

func (r contactRequest) toDomain() clients.ContactInput {
	return clients.ContactInput{Name: r.Name, Email: r.Email, Phone: r.Phone, Role: r.Role, Notes: r.Notes}
}

func (h *clientHandler) listContacts(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	cs, err := h.svc.Contacts(c.Request().Context(), id)
	if err != nil {
		return err
	}
	out := Page[contactJSON]{Items: make([]contactJSON, len(cs))}
	for i, ct := range cs {
		out.Items[i] = toContact(ct)
	}
	return c.JSON(http.StatusOK, out)
}

func (h *clientHandler) getContact(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	cid, err := pathID(c, "contact_id")
	if err != nil {
		return err
	}
	ct, err := h.svc.Contact(c.Request().Context(), id, cid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toContact(ct))
}

func (h *clientHandler) createContact(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var r contactRequest
	if err := bind(c, &r); err != nil {
		return err
	}
	ct, err := h.svc.CreateContact(c.Request().Context(), id, r.toDomain())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toContact(ct))
}

func (h *clientHandler) updateContact(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	cid, err := pathID(c, "contact_id")
	if err != nil {
		return err
	}
	var r contactRequest
	if err := bind(c, &r); err != nil {
		return err
	}
	ct, err := h.svc.UpdateContact(c.Request().Context(), id, cid, r.toDomain())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toContact(ct))
}

func (h *clientHandler) deleteContact(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	cid, err := pathID(c, "contact_id")
	if err != nil {
		return err
	}
	if err := h.svc.DeleteContact(c.Request().Context(), id, cid); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type rateJSON struct {
	ClientID   int64     `json:"client_id"`
	ServiceID  int64     `json:"service_id"`
	HourlyRate int64     `json:"hourly_rate"`
	UpdatedAt  time.Time `json:"updated_at"`
}

func toRate(r clients.Rate) rateJSON {
	return rateJSON{ClientID: r.ClientID, ServiceID: r.ServiceID, HourlyRate: r.HourlyRate, UpdatedAt: r.UpdatedAt}
}

func (h *clientHandler) listRates(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	rs, err := h.svc.Rates(c.Request().Context(), id)
	if err != nil {
		return err
	}
	out := Page[rateJSON]{Items: make([]rateJSON, len(rs))}
	for i, r := range rs {
		out.Items[i] = toRate(r)
	}
	return c.JSON(http.StatusOK, out)
}

func (h *clientHandler) getRate(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	sid, err := pathID(c, "service_id")
	if err != nil {
		return err
	}
	r, err := h.svc.Rate(c.Request().Context(), id, sid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toRate(r))
}

func (h *clientHandler) putRate(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	sid, err := pathID(c, "service_id")
	if err != nil {
		return err
	}
	var r struct {
		HourlyRate *int64 `json:"hourly_rate"`
	}
	if err := bind(c, &r); err != nil {
		return err
	}
	if r.HourlyRate == nil {
		return invalid("hourly_rate", "is required")
	}
	rate, created, err := h.svc.SetRate(c.Request().Context(), id, sid, *r.HourlyRate)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return c.JSON(status, toRate(rate))
}

func (h *clientHandler) deleteRate(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	sid, err := pathID(c, "service_id")
	if err != nil {
		return err
	}
	if err := h.svc.DeleteRate(c.Request().Context(), id, sid); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
