package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/vadesk/vadesk/internal/practice"
)

type settingsHandler struct{ svc *practice.Service }

// settingsJSON is the practice's settings on the wire. The money settings
// (the default tax and the payment details printed on invoices) are null
// for callers who do not see the practice's money (seesMoney).
type settingsJSON struct {
	ID             int64     `json:"id"`
	Name           string    `json:"name"`
	Email          string    `json:"email"`
	Phone          string    `json:"phone"`
	Address        string    `json:"address"`
	TaxID          string    `json:"tax_id"`
	Timezone       string    `json:"timezone"`
	Locale         string    `json:"locale"`
	Currency       string    `json:"currency"`
	PaymentDetails *string   `json:"payment_details"`
	InvoicePattern string    `json:"invoice_pattern"`
	DefaultTaxRate *int64    `json:"default_tax_rate"`
	DefaultTaxName *string   `json:"default_tax_name"`
	DefaultNotes   string    `json:"default_notes"`
	DefaultFooter  string    `json:"default_footer"`
	HasLogo        bool      `json:"has_logo"`
	UpdatedAt      time.Time `json:"updated_at"`
}

func toSettings(p practice.Practice, money bool) settingsJSON {
	out := settingsJSON{ID: p.ID, Name: p.Name, Email: p.Email, Phone: p.Phone, Address: p.Address, TaxID: p.TaxID,
		Timezone: p.Timezone, Locale: p.Locale, Currency: p.Currency, InvoicePattern: p.InvoicePattern,
		DefaultNotes: p.DefaultNotes, DefaultFooter: p.DefaultFooter, HasLogo: len(p.Logo) > 0, UpdatedAt: p.UpdatedAt}
	if money {
		out.PaymentDetails, out.DefaultTaxRate, out.DefaultTaxName = &p.PaymentDetails, &p.DefaultTaxRate, &p.DefaultTaxName
	}
	return out
}

type settingsRequest struct {
	Name           *string `json:"name"`
	Email          *string `json:"email"`
	Phone          *string `json:"phone"`
	Address        *string `json:"address"`
	TaxID          *string `json:"tax_id"`
	Timezone       *string `json:"timezone"`
	Locale         *string `json:"locale"`
	Currency       *string `json:"currency"`
	PaymentDetails *string `json:"payment_details"`
	InvoicePattern *string `json:"invoice_pattern"`
	DefaultTaxRate *int64  `json:"default_tax_rate"`
	DefaultTaxName *string `json:"default_tax_name"`
	DefaultNotes   *string `json:"default_notes"`
	DefaultFooter  *string `json:"default_footer"`
}

func (h *settingsHandler) get(c echo.Context) error {
	p, err := h.svc.Get(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toSettings(p, seesMoney(c.Request().Context())))
}

func (h *settingsHandler) update(c echo.Context) error {
	var r settingsRequest
	if err := bind(c, &r); err != nil {
		return err
	}
	p, err := h.svc.Update(c.Request().Context(), practice.Update{
		Name: r.Name, Email: r.Email, Phone: r.Phone, Address: r.Address, TaxID: r.TaxID, Timezone: r.Timezone,
		Locale: r.Locale, Currency: r.Currency, PaymentDetails: r.PaymentDetails, InvoicePattern: r.InvoicePattern,
		DefaultTaxRate: r.DefaultTaxRate, DefaultTaxName: r.DefaultTaxName, DefaultNotes: r.DefaultNotes, DefaultFooter: r.DefaultFooter,
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toSettings(p, seesMoney(c.Request().Context())))
}
