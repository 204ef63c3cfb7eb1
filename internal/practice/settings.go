package practice

import (
	"context"
	"regexp"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/money"
	"github.com/vadesk/vadesk/internal/store"
	"gorm.io/gorm"
)

// Service reads and changes the caller's practice.
type Service struct{ st *store.Store }

// NewService returns a Service over st.
func NewService(st *store.Store) *Service { return &Service{st: st} }

// Get returns the caller's practice.
func (s *Service) Get(ctx context.Context) (Practice, error) {
	var p Practice
	err := s.st.Read(ctx).Take(&p).Error
	return p, store.NotFound(err, "practice")
}

// Current returns the caller's practice without its logo, read once per
// request (see Of): for handlers that need a setting, not the settings.
func (s *Service) Current(ctx context.Context) (Practice, error) {
	return Of(ctx, s.st.Read(ctx))
}

// Update changes the settings that are set in u; nil fields stay as they are.
type Update struct {
	Name           *string
	Email          *string
	Phone          *string
	Address        *string
	TaxID          *string
	Timezone       *string
	Locale         *string
	Currency       *string
	PaymentDetails *string
	InvoicePattern *string
	DefaultTaxRate *int64
	DefaultTaxName *string
	DefaultNotes   *string
	DefaultFooter  *string
}

var localeRE = regexp.MustCompile(`^[a-z]{2,3}(-[A-Z]{2})?$`)

// Update applies u to the caller's practice.
func (s *Service) Update(ctx context.Context, u Update) (Practice, error) {
	var c apperr.Check
	set := map[string]any{}
	text := func(field string, v *string, required bool, max int) {
		if v != nil {
			c.Text(field, *v, required, max)
			set[field] = *v
		}
	}
	text("name", u.Name, true, 200)
	text("phone", u.Phone, false, 50)
	text("address", u.Address, false, 1000)
	text("tax_id", u.TaxID, false, 100)
	text("payment_details", u.PaymentDetails, false, 2000)
	text("default_tax_name", u.DefaultTaxName, false, 50)
	text("default_notes", u.DefaultNotes, false, 5000)
	text("default_footer", u.DefaultFooter, false, 2000)
	if u.Email != nil {
		c.Email("email", *u.Email, false)
		set["email"] = *u.Email
	}
	if u.Timezone != nil {
		if _, err := time.LoadLocation(*u.Timezone); err != nil || *u.Timezone == "" || *u.Timezone == "Local" {
			c.Add("timezone", "must be an IANA time zone such as Europe/Berlin")
		}
		set["timezone"] = *u.Timezone
	}
	if u.Locale != nil {
		if !localeRE.MatchString(*u.Locale) {
			c.Add("locale", "must be a language tag such as en-US")
		}
		set["locale"] = *u.Locale
	}
	if u.Currency != nil {
		money.CheckCurrency(&c, "currency", *u.Currency)
		set["currency"] = *u.Currency
	}
	if u.InvoicePattern != nil {
		if msg := CheckPattern(*u.InvoicePattern); msg != "" {
			c.Add("invoice_pattern", "%s", msg)
		}
		set["invoice_pattern"] = *u.InvoicePattern
	}
	if u.DefaultTaxRate != nil {
		c.Range("default_tax_rate", *u.DefaultTaxRate, 0, 10000)
		set["default_tax_rate"] = *u.DefaultTaxRate
	}
	if err := c.Err(); err != nil {
		return Practice{}, err
	}
	if len(set) > 0 {
		set["updated_at"] = s.st.Now()
		err := s.st.Tx(ctx, func(tx *gorm.DB) error {
			return tx.Model(&Practice{}).Where("1 = 1").Updates(set).Error
		})
		if err != nil {
			if store.IsUnique(err) {
				return Practice{}, apperr.Invalid("name", "is already taken")
			}
			return Practice{}, err
		}
		forget(ctx)
	}
	return s.Get(ctx)
}
