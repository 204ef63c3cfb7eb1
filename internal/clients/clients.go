// Package clients owns the people a VA works for: clients, their contacts,
// and the hourly rates agreed with each client per service.
package clients

import (
	"context"
	"strings"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/money"
	"github.com/vadesk/vadesk/internal/store"
	"gorm.io/gorm"
)

// Statuses a client can have.
const (
	StatusProspect = "prospect"
	StatusActive   = "active"
	StatusArchived = "archived"
)

// Client is a business or person the VA works for.
type Client struct {
	ID               int64 `gorm:"primaryKey"`
	PracticeID       int64
	Name             string
	Company          string
	Industry         string
	Email            string
	Phone            string
	Website          string
	Address          string
	TaxID            string
	Code             string
	Currency         string
	PaymentTermsDays int64
	RoundingMinutes  int64
	Status           string
	Notes            string
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// ClientColumn: a client user sees only the client whose id is theirs.
func (Client) ClientColumn() string { return "id" }

// Clients manages the caller's clients.
type Clients struct{ st *store.Store }

// New returns Clients over st.
func New(st *store.Store) *Clients { return &Clients{st: st} }

// Filter narrows List.
type Filter struct {
	Query   string // matches name, company or email
	Status  string
	AfterID int64
	Limit   int
}

// List returns clients in id order (stable for cursors).
func (s *Clients) List(ctx context.Context, f Filter) ([]Client, error) {
	q := s.st.Read(ctx).Order("id").Where("id > ?", f.AfterID).Limit(f.Limit)
	if f.Query != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(f.Query) + "%"
		q = q.Where(`(name LIKE ? ESCAPE '\' OR company LIKE ? ESCAPE '\' OR email LIKE ? ESCAPE '\')`, like, like, like)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	var out []Client
	return out, store.Translate(q.Find(&out).Error)
}

// Get returns one client.
func (s *Clients) Get(ctx context.Context, id int64) (Client, error) {
	return Get(s.st.Read(ctx), id)
}

// Get returns one client through db (a transaction or the read pool); other
// domains use it to check a client_id they were given.
func Get(db *gorm.DB, id int64) (Client, error) {
	var c Client
	err := db.Take(&c, "id = ?", id).Error
	return c, store.NotFound(err, "client")
}

// Input is a client to create, or the fields to change (nil: unchanged).
type Input struct {
	Name             *string
	Company          *string
	Industry         *string
	Email            *string
	Phone            *string
	Website          *string
	Address          *string
	TaxID            *string
	Code             *string
	Currency         *string
	PaymentTermsDays *int64
	RoundingMinutes  *int64
	Status           *string
	Notes            *string
}

func (in Input) apply(cl *Client, creating bool) error {
	var c apperr.Check
	text := func(field string, dst *string, v *string, max int) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
			c.Text(field, *dst, false, max)
		}
	}
	if in.Name != nil {
		cl.Name = strings.TrimSpace(*in.Name)
	}
	if in.Name != nil || creating {
		c.Text("name", cl.Name, true, 200)
	}
	text("company", &cl.Company, in.Company, 200)
	text("industry", &cl.Industry, in.Industry, 100)
	text("phone", &cl.Phone, in.Phone, 50)
	text("website", &cl.Website, in.Website, 500)
	text("address", &cl.Address, in.Address, 1000)
	text("tax_id", &cl.TaxID, in.TaxID, 100)
	text("code", &cl.Code, in.Code, 20)
	text("notes", &cl.Notes, in.Notes, 10000)
	if in.Email != nil {
		cl.Email = strings.TrimSpace(*in.Email)
		c.Email("email", cl.Email, false)
	}
	if in.Currency != nil {
		cl.Currency = *in.Currency
		c.Currency("currency", cl.Currency)
	}
	if in.PaymentTermsDays != nil {
		cl.PaymentTermsDays = *in.PaymentTermsDays
		c.Range("payment_terms_days", cl.PaymentTermsDays, 0, 365)
	}
	if in.RoundingMinutes != nil {
		cl.RoundingMinutes = *in.RoundingMinutes
		ok := false
		for _, r := range money.RoundingIncrements {
			ok = ok || r == cl.RoundingMinutes
		}
		if !ok {
			c.Add("rounding_minutes", "must be one of 0, 6, 10, 15, 30, 60")
		}
	}
	if in.Status != nil {
		cl.Status = *in.Status
		c.OneOf("status", cl.Status, StatusProspect, StatusActive, StatusArchived)
	}
	return c.Err()
}

// Create adds a client; currency defaults to the practice's.
func (s *Clients) Create(ctx context.Context, in Input, defaultCurrency string) (Client, error) {
	cl := Client{Currency: defaultCurrency, PaymentTermsDays: 14, Status: StatusActive}
	if err := in.apply(&cl, true); err != nil {
		return Client{}, err
	}
	err := s.st.Tx(ctx, func(tx *gorm.DB) error { return tx.Create(&cl).Error })
	return cl, err
}

// Update changes a client. A new rounding rule applies to entries logged
// from then on.
func (s *Clients) Update(ctx context.Context, id int64, in Input) (Client, error) {
	var cl Client
	err := s.st.Tx(ctx, func(tx *gorm.DB) error {
		var err error
		if cl, err = Get(tx, id); err != nil {
			return err
		}
		if err := in.apply(&cl, false); err != nil {
			return err
		}
		return tx.Save(&cl).Error
	})
	return cl, err
}

// Delete removes a client with no history. A client with time, expenses or
// invoices is archived instead, so nothing billed is lost; archived reports
// which happened.
func (s *Clients) Delete(ctx context.Context, id int64) (archived bool, err error) {
	err = s.st.Tx(ctx, func(tx *gorm.DB) error {
		cl, err := Get(tx, id)
		if err != nil {
			return err
		}
		var used int64
		err = tx.Raw(`SELECT (SELECT COUNT(*) FROM time_entries WHERE client_id = ?) +
			(SELECT COUNT(*) FROM expenses WHERE client_id = ?) +
			(SELECT COUNT(*) FROM invoices WHERE client_id = ?) +
			(SELECT COUNT(*) FROM users WHERE client_id = ?)`, cl.ID, cl.ID, cl.ID, cl.ID).Scan(&used).Error
		if err != nil {
			return err
		}
		if used > 0 {
			archived = true
			return tx.Model(&cl).Update("status", StatusArchived).Error
		}
		for _, table := range []string{"timers", "tasks", "projects"} {
			if err := tx.Exec("DELETE FROM "+table+" WHERE client_id = ? AND practice_id = ?", cl.ID, cl.PracticeID).Error; err != nil {
				return err
			}
		}
		return tx.Delete(&cl).Error
	})
	return archived, err
}
