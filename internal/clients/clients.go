// Package clients owns the people a VA works for: clients, their contacts,
// and the hourly rates agreed with each client per service.
package clients

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/money"
	"github.com/vadesk/vadesk/internal/store"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
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

// List returns clients in id order (stable for cursors). The query
// matches regardless of case in every script, accents kept: SQLite's LIKE
// folds ASCII only, so a query outside ASCII is matched in Go (see search).
func (s *Clients) List(ctx context.Context, f Filter) ([]Client, error) {
	db := s.st.Read(ctx)
	if !isASCII(f.Query) {
		return search(db, f)
	}
	q := db.Order("id").Where("id > ?", f.AfterID).Limit(f.Limit)
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

// searchBatch is how many clients search reads at a time.
const searchBatch = 500

// search is List for a query outside ASCII. It reads the name, company
// and e-mail of the clients after f.AfterID in id order, a batch at a
// time, and keeps those whose Unicode case folding (in NFC, so a
// decomposed é is an é) contains the query's, until f.Limit match: a
// practice has a few thousand clients at most, and no SQL this app can
// count on folds case beyond ASCII. The scope narrows every read as it
// does List's.
func search(db *gorm.DB, f Filter) ([]Client, error) {
	fold := cases.Fold()
	key := func(s string) string { return fold.String(norm.NFC.String(s)) }
	want := key(f.Query)
	var ids []int64
	for after := f.AfterID; len(ids) < f.Limit; {
		var batch []Client
		q := db.Select("id", "name", "company", "email").Where("id > ?", after).Order("id").Limit(searchBatch)
		if f.Status != "" {
			q = q.Where("status = ?", f.Status)
		}
		if err := q.Find(&batch).Error; err != nil {
			return nil, store.Translate(err)
		}
		for _, c := range batch {
			if strings.Contains(key(c.Name), want) || strings.Contains(key(c.Company), want) || strings.Contains(key(c.Email), want) {
				if ids = append(ids, c.ID); len(ids) == f.Limit {
					break
				}
			}
		}
		if len(batch) < searchBatch {
			break
		}
		after = batch[len(batch)-1].ID
	}
	var out []Client
	if len(ids) == 0 {
		return out, nil
	}
	return out, store.Translate(db.Where("id IN ?", ids).Order("id").Find(&out).Error)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
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
		money.CheckCurrency(&c, "currency", cl.Currency)
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
