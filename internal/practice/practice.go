// Package practice owns the tenant itself: the practice row, its settings
// (name, address, time zone, currency, invoice numbering, defaults), what
// a new practice starts with, and its calendar.
//
// The calendar is the one place where "today", "this month" and "the
// entries of these days" are worked out in the practice's time zone (see
// Calendar): a calendar date is a time.Time at 00:00 UTC of that date,
// written as time.DateOnly; the bounds of some days are the UTC instants
// [lo, hi) where the first begins and the day after the last begins in the
// practice's zone. The practice itself is read once per request (see Of).
package practice

import (
	"context"
	"strings"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/catalog"
	"github.com/vadesk/vadesk/internal/money"
	"github.com/vadesk/vadesk/internal/store"
	"gorm.io/gorm"
)

// Practice is a VA's business: the tenant every other row belongs to.
type Practice struct {
	ID             int64 `gorm:"primaryKey"`
	Name           string
	Email          string
	Phone          string
	Address        string
	TaxID          string
	Timezone       string
	Locale         string
	Currency       string
	PaymentDetails string
	InvoicePattern string
	DefaultTaxRate int64
	DefaultTaxName string
	DefaultNotes   string
	DefaultFooter  string
	Logo           []byte
	LogoType       string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// PracticeColumn tells the store that a practice is scoped by its own id.
func (Practice) PracticeColumn() string { return "id" }

// ClientColumn: a practice is not narrowed for client users.
func (Practice) ClientColumn() string { return "" }

// New describes a practice to create.
type New struct {
	Name     string
	Timezone string
	Currency string
}

// Create inserts a practice and seeds its catalogue of services, inside tx.
// ctx must be tenant.System: the practice does not exist yet.
func Create(ctx context.Context, tx *gorm.DB, in New) (Practice, error) {
	var c apperr.Check
	in.Name = strings.TrimSpace(in.Name)
	c.Text("practice_name", in.Name, true, 200)
	if in.Timezone == "" {
		in.Timezone = "UTC"
	}
	if _, err := time.LoadLocation(in.Timezone); err != nil {
		c.Add("timezone", "must be an IANA time zone such as Europe/Berlin")
	}
	if in.Currency == "" {
		in.Currency = "USD"
	}
	money.CheckCurrency(&c, "currency", in.Currency)
	if err := c.Err(); err != nil {
		return Practice{}, err
	}
	p := Practice{Name: in.Name, Timezone: in.Timezone, Currency: in.Currency, Locale: "en-US",
		InvoicePattern: DefaultInvoicePattern}
	if err := tx.WithContext(ctx).Create(&p).Error; err != nil {
		if store.IsUnique(err) {
			return Practice{}, apperr.Invalid("practice_name", "is already taken")
		}
		return Practice{}, err
	}
	if err := catalog.Seed(ctx, tx, p.ID); err != nil {
		return Practice{}, err
	}
	return p, nil
}

// DefaultInvoicePattern numbers invoices per year: INV-2026-0001.
const DefaultInvoicePattern = "INV-{YYYY}-{SEQ:4}"
