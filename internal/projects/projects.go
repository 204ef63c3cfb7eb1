// Package projects owns how a VA organises the work for each client:
// projects (with their billing model, rate override and budget) and tasks
// (with status, due date, priority, assignee, and a version for optimistic
// locking so two people editing one task do not silently lose changes).
package projects

import (
	"context"
	"strings"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/clients"
	"github.com/vadesk/vadesk/internal/money"
	"github.com/vadesk/vadesk/internal/store"
	"gorm.io/gorm"
)

// Billing models a project can have.
const (
	BillingHourly      = "hourly"
	BillingFixedFee    = "fixed_fee"
	BillingNonBillable = "non_billable"
)

// Statuses a project can have.
const (
	StatusActive   = "active"
	StatusArchived = "archived"
)

// MaxBudgetMinutes bounds a project's budget: 100,000 hours is far beyond
// any VA project and keeps sums of minutes well inside int64.
const MaxBudgetMinutes = 6_000_000

// Project is a piece of work for one client, billed by the hour, for a fixed
// fee, or not at all.
type Project struct {
	ID          int64 `gorm:"primaryKey"`
	PracticeID  int64
	ClientID    int64
	Name        string
	Description string
	Billing     string
	// FixedFee is the price in minor units; required when Billing is fixed_fee.
	FixedFee *int64
	// HourlyRate overrides the service's default rate for time on this
	// project; a client's own rate for the service still wins.
	HourlyRate    *int64
	BudgetMinutes *int64
	Status        string
	// InvoiceID is set by billing when a fixed-fee project is invoiced.
	InvoiceID *int64
	// Currency is the client's, read along so money fields can be shown with
	// it; it is not a column of projects and is never written.
	Currency  string `gorm:"->"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// withCurrency selects a project with its client's currency.
func withCurrency(db *gorm.DB) *gorm.DB {
	return db.Select("projects.*, (SELECT currency FROM clients WHERE clients.id = projects.client_id) AS currency")
}

// Get returns one project through db (a transaction or the read pool); other
// domains use it to check a project_id they were given and to read its rate
// and billing model.
func Get(db *gorm.DB, id int64) (Project, error) {
	var p Project
	err := withCurrency(db).Take(&p, "projects.id = ?", id).Error
	return p, store.NotFound(err, "project")
}

// Projects manages the caller's projects.
type Projects struct{ st *store.Store }

// New returns Projects over st.
func New(st *store.Store) *Projects { return &Projects{st: st} }

// Filter narrows List.
type Filter struct {
	ClientID int64
	Status   string
	AfterID  int64
	Limit    int
}

// List returns projects in id order (stable for cursors).
func (s *Projects) List(ctx context.Context, f Filter) ([]Project, error) {
	if f.Status != "" {
		var c apperr.Check
		c.OneOf("status", f.Status, StatusActive, StatusArchived)
		if err := c.Err(); err != nil {
			return nil, err
		}
	}
	q := withCurrency(s.st.Read(ctx)).Order("projects.id").Where("projects.id > ?", f.AfterID).Limit(f.Limit)
	if f.ClientID != 0 {
		q = q.Where("projects.client_id = ?", f.ClientID)
	}
	if f.Status != "" {
		q = q.Where("projects.status = ?", f.Status)
	}
	var out []Project
	return out, store.Translate(q.Find(&out).Error)
}

// Get returns one project.
func (s *Projects) Get(ctx context.Context, id int64) (Project, error) {
	return Get(s.st.Read(ctx), id)
}

// Input is a project to create, or the fields to change (nil: unchanged).
// The nullable fields are pointers to pointers: nil leaves the field as it
// is, a pointer to nil clears it.
type Input struct {
	ClientID      *int64
	Name          *string
	Description   *string
	Billing       *string
	FixedFee      **int64
	HourlyRate    **int64
	BudgetMinutes **int64
	Status        *string
}

func (in Input) apply(p *Project, creating bool) error {
	var c apperr.Check
	if creating && in.ClientID == nil {
		c.Add("client_id", "is required")
	}
	if in.ClientID != nil && *in.ClientID <= 0 {
		c.Add("client_id", "does not exist")
	}
	if in.Name != nil {
		p.Name = strings.TrimSpace(*in.Name)
	}
	if in.Name != nil || creating {
		c.Text("name", p.Name, true, 200)
	}
	if in.Description != nil {
		p.Description = *in.Description
		c.Text("description", p.Description, false, 10000)
	}
	if in.Billing != nil {
		p.Billing = *in.Billing
		c.OneOf("billing", p.Billing, BillingHourly, BillingFixedFee, BillingNonBillable)
	}
	if in.FixedFee != nil {
		p.FixedFee = *in.FixedFee
		if p.FixedFee != nil {
			money.CheckAmount(&c, "fixed_fee", *p.FixedFee)
		}
	}
	if in.HourlyRate != nil {
		p.HourlyRate = *in.HourlyRate
		if p.HourlyRate != nil {
			money.CheckAmount(&c, "hourly_rate", *p.HourlyRate)
		}
	}
	if in.BudgetMinutes != nil {
		p.BudgetMinutes = *in.BudgetMinutes
		if p.BudgetMinutes != nil {
			c.Range("budget_minutes", *p.BudgetMinutes, 0, MaxBudgetMinutes)
		}
	}
	if in.Status != nil {
		p.Status = *in.Status
		c.OneOf("status", p.Status, StatusActive, StatusArchived)
	}
	if p.Billing == BillingFixedFee && p.FixedFee == nil && !c.Has("fixed_fee") && !c.Has("billing") {
		c.Add("fixed_fee", "is required when billing is fixed_fee")
	}
	return c.Err()
}

// Create adds a project for one of the caller's clients; it bills hourly and
// is active unless said otherwise.
func (s *Projects) Create(ctx context.Context, in Input) (Project, error) {
	p := Project{Billing: BillingHourly, Status: StatusActive}
	if err := in.apply(&p, true); err != nil {
		return Project{}, err
	}
	err := s.st.Tx(ctx, func(tx *gorm.DB) error {
		cl, err := clients.Get(tx, *in.ClientID)
		if err != nil {
			return refersTo(err, "client_id")
		}
		p.ClientID = cl.ID
		if err := tx.Create(&p).Error; err != nil {
			return err
		}
		p.Currency = cl.Currency
		return nil
	})
	if err != nil {
		return Project{}, err
	}
	return p, nil
}

// Update changes a project. Its client can change only while nothing was
// logged, spent or invoiced on it (the time and money already belong to
// the old client); its tasks move with it. The billing of an invoiced
// fixed-fee project is locked.
func (s *Projects) Update(ctx context.Context, id int64, in Input) (Project, error) {
	var p Project
	err := s.st.Tx(ctx, func(tx *gorm.DB) error {
		var err error
		if p, err = Get(tx, id); err != nil {
			return err
		}
		old := p
		if err := in.apply(&p, false); err != nil {
			return err
		}
		if p.InvoiceID != nil && (p.Billing != old.Billing || !sameInt(p.FixedFee, old.FixedFee)) {
			return apperr.Conflict("the project's fixed fee is on an invoice; its billing and fee cannot change")
		}
		if in.ClientID != nil && *in.ClientID != old.ClientID {
			cl, err := clients.Get(tx, *in.ClientID)
			if err != nil {
				return refersTo(err, "client_id")
			}
			if err := moveClient(tx, &p, cl); err != nil {
				return err
			}
		}
		return tx.Save(&p).Error
	})
	if err != nil {
		return Project{}, err
	}
	return p, nil
}

// moveClient gives p (and its tasks) to cl, unless time, expenses, a running
// timer or an invoice already tie it to its current client.
func moveClient(tx *gorm.DB, p *Project, cl clients.Client) error {
	if p.InvoiceID != nil {
		return apperr.Conflict("the project is on an invoice; its client cannot be changed")
	}
	var used int64
	err := tx.Raw(`SELECT (SELECT COUNT(*) FROM time_entries WHERE project_id = ?) +
		(SELECT COUNT(*) FROM expenses WHERE project_id = ?) +
		(SELECT COUNT(*) FROM timers WHERE project_id = ?)`, p.ID, p.ID, p.ID).Scan(&used).Error
	if err != nil {
		return err
	}
	if used > 0 {
		return apperr.Conflict("the project has logged time or expenses; its client cannot be changed (create a new project instead)")
	}
	var requested int64
	if err := tx.Model(&Task{}).Where("project_id = ? AND requested_by_id IS NOT NULL", p.ID).Count(&requested).Error; err != nil {
		return err
	}
	if requested > 0 {
		return apperr.Conflict("the project has tasks requested by the client's contacts; its client cannot be changed")
	}
	err = tx.Model(&Task{}).Where("project_id = ?", p.ID).
		Updates(map[string]any{"client_id": cl.ID, "version": gorm.Expr("version + 1")}).Error
	if err != nil {
		return err
	}
	p.ClientID = cl.ID
	p.Currency = cl.Currency
	return nil
}

// Delete removes a project nothing refers to. A project with time, expenses,
// tasks, a running timer or an invoice is archived instead, so no history is
// lost; archived reports which happened.
func (s *Projects) Delete(ctx context.Context, id int64) (archived bool, err error) {
	err = s.st.Tx(ctx, func(tx *gorm.DB) error {
		p, err := Get(tx, id)
		if err != nil {
			return err
		}
		var used int64
		err = tx.Raw(`SELECT (SELECT COUNT(*) FROM time_entries WHERE project_id = ?) +
			(SELECT COUNT(*) FROM expenses WHERE project_id = ?) +
			(SELECT COUNT(*) FROM tasks WHERE project_id = ?) +
			(SELECT COUNT(*) FROM timers WHERE project_id = ?) +
			(SELECT COUNT(*) FROM invoice_lines WHERE project_id = ?)`, p.ID, p.ID, p.ID, p.ID, p.ID).Scan(&used).Error
		if err != nil {
			return err
		}
		if used > 0 || p.InvoiceID != nil {
			archived = true
			return tx.Model(&p).Update("status", StatusArchived).Error
		}
		return tx.Delete(&p).Error
	})
	return archived, err
}

// refersTo turns "not found" for an id given in a body field into a 422
// naming the field: the request is wrong, not the URL.
func refersTo(err error, field string) error {
	if isNotFound(err) {
		return apperr.Invalid(field, "does not exist")
	}
	return err
}

func sameInt(a, b *int64) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}
