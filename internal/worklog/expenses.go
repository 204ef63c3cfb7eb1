package worklog

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/clients"
	"github.com/vadesk/vadesk/internal/money"
	"github.com/vadesk/vadesk/internal/projects"
	"github.com/vadesk/vadesk/internal/store"
	"gorm.io/gorm"
)

// Expense is money spent for a client (a stock photo, a postage label) to
// pass on at cost, in the client's currency.
type Expense struct {
	ID         int64 `gorm:"primaryKey"`
	PracticeID int64
	ClientID   int64
	ProjectID  *int64
	// Date is a calendar date, YYYY-MM-DD.
	Date        string
	Amount      int64
	Description string
	Billable    bool
	// InvoiceID locks the expense while it is on an issued invoice;
	// DraftInvoiceID marks a draft holding it (billing owns both).
	InvoiceID      *int64
	DraftInvoiceID *int64
	// Version grows on every change, for optimistic locking; a row
	// created without one (an import) starts at 1.
	Version   int64 `gorm:"default:1"`
	CreatedAt time.Time
	UpdatedAt time.Time
	// Currency is the client's, filled in on every read.
	Currency string `gorm:"-"`
}

// TableName maps Expense to its table.
func (Expense) TableName() string { return "expenses" }

// Locked reports whether the expense is on an issued invoice.
func (x Expense) Locked() bool { return x.InvoiceID != nil }

// ExpenseInput is an expense to record or the fields to change (nil:
// unchanged). A pointer to 0 in ProjectID clears it.
type ExpenseInput struct {
	ClientID    *int64
	ProjectID   *int64
	Date        *string
	Amount      *int64
	Description *string
	Billable    *bool
	// Version, when set on update, must be the expense's current version.
	Version *int64
}

// ExpenseCursor is the sort key of the last expense of a page.
type ExpenseCursor struct {
	Date string
	ID   int64
}

// ExpenseFilter narrows ListExpenses; From and To are inclusive dates.
type ExpenseFilter struct {
	ClientID  int64
	ProjectID int64
	Billable  *bool
	Invoiced  *bool
	From, To  string
	After     *ExpenseCursor
	Limit     int
}

// ListExpenses returns expenses newest first (date, then id, descending).
func (s *Service) ListExpenses(ctx context.Context, f ExpenseFilter) ([]Expense, error) {
	var c apperr.Check
	dateRange(&c, f.From, f.To)
	if err := c.Err(); err != nil {
		return nil, err
	}
	db := s.st.Read(ctx)
	q := db.Model(&Expense{}).Omit("practice_id")
	if f.ClientID != 0 {
		q = q.Where("client_id = ?", f.ClientID)
	}
	if f.ProjectID != 0 {
		q = q.Where("project_id = ?", f.ProjectID)
	}
	if f.Billable != nil {
		q = q.Where("billable = ?", *f.Billable)
	}
	if f.Invoiced != nil {
		if *f.Invoiced {
			q = q.Where("invoice_id IS NOT NULL")
		} else {
			q = q.Where("invoice_id IS NULL")
		}
	}
	if f.From != "" {
		q = q.Where("date >= ?", f.From)
	}
	if f.To != "" {
		q = q.Where("date <= ?", f.To)
	}
	if f.After != nil {
		q = q.Where("date <= ? AND (date < ? OR id < ?)", f.After.Date, f.After.Date, f.After.ID)
	}
	var out []Expense
	if err := q.Order("date DESC, id DESC").Limit(f.Limit).Find(&out).Error; err != nil {
		return nil, store.Translate(err)
	}
	cur, err := currencies(db, distinct(out, func(x Expense) int64 { return x.ClientID }))
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Currency = cur[out[i].ClientID]
	}
	return out, nil
}

// GetExpense returns one expense.
func (s *Service) GetExpense(ctx context.Context, id int64) (Expense, error) {
	db := s.st.Read(ctx)
	x, err := getExpense(db, id)
	if err != nil {
		return Expense{}, err
	}
	cl, err := clients.Get(db, x.ClientID)
	x.Currency = cl.Currency
	return x, err
}

func getExpense(db *gorm.DB, id int64) (Expense, error) {
	var x Expense
	err := db.Take(&x, "id = ?", id).Error
	return x, store.NotFound(err, "expense")
}

// apply validates in onto x and checks its client and project through tx;
// a client new to the expense must not be archived.
func (in ExpenseInput) apply(tx *gorm.DB, x *Expense, creating bool) error {
	var c apperr.Check
	newClient := creating
	if in.ClientID != nil {
		newClient = newClient || *in.ClientID != x.ClientID
		x.ClientID = *in.ClientID
	} else if creating {
		c.Add("client_id", "is required")
	}
	if in.ProjectID != nil {
		x.ProjectID = idOrNil(in.ProjectID)
	}
	if in.Date != nil {
		x.Date = *in.Date
		c.Date("date", x.Date)
	} else if creating {
		c.Add("date", "is required")
	}
	if in.Amount != nil {
		x.Amount = *in.Amount
		c.Range("amount", x.Amount, 1, money.MaxAmount)
	} else if creating {
		c.Add("amount", "is required")
	}
	if in.Description != nil {
		x.Description = strings.TrimSpace(*in.Description)
	}
	if in.Description != nil || creating {
		c.Text("description", x.Description, true, 500)
	}
	if in.Billable != nil {
		x.Billable = *in.Billable
	}
	var cl clients.Client
	var err error
	if !c.Has("client_id") {
		cl, err = clients.Get(tx, x.ClientID)
		switch {
		case errors.Is(err, apperr.ErrNotFound):
			c.Add("client_id", "does not exist")
		case err != nil:
			return err
		case newClient && cl.Status == clients.StatusArchived:
			c.Add("client_id", "is archived")
		}
	}
	if x.ProjectID != nil {
		p, perr := projects.Get(tx, *x.ProjectID)
		switch {
		case errors.Is(perr, apperr.ErrNotFound):
			c.Add("project_id", "does not exist")
		case perr != nil:
			return perr
		case err == nil && !c.Has("client_id") && p.ClientID != x.ClientID:
			c.Add("project_id", "belongs to another client")
		}
	}
	x.Currency = cl.Currency
	return c.Err()
}

// CreateExpense records an expense; billable unless said otherwise.
func (s *Service) CreateExpense(ctx context.Context, in ExpenseInput) (Expense, error) {
	x := Expense{Billable: true, Version: 1}
	err := s.st.Tx(ctx, func(tx *gorm.DB) error {
		if err := in.apply(tx, &x, true); err != nil {
			return err
		}
		return tx.Create(&x).Error
	})
	if err != nil {
		return Expense{}, err
	}
	return x, nil
}

// UpdateExpense changes an expense that is not on an issued invoice.
func (s *Service) UpdateExpense(ctx context.Context, id int64, in ExpenseInput) (Expense, error) {
	var x Expense
	err := s.st.Tx(ctx, func(tx *gorm.DB) error {
		var err error
		if x, err = getExpense(tx, id); err != nil {
			return err
		}
		if err := editable(x.Locked(), x.Version, in.Version, "expense"); err != nil {
			return err
		}
		if err := in.apply(tx, &x, false); err != nil {
			return err
		}
		return saveVersioned(tx, &x, &x.Version, "expense", "client_id", "project_id", "date", "amount", "description", "billable")
	})
	return x, err
}

// DeleteExpense removes an expense that is not on an issued invoice.
func (s *Service) DeleteExpense(ctx context.Context, id int64) error {
	return s.st.Tx(ctx, func(tx *gorm.DB) error {
		x, err := getExpense(tx, id)
		if err != nil {
			return err
		}
		if err := editable(x.Locked(), x.Version, nil, "expense"); err != nil {
			return err
		}
		return tx.Delete(&x).Error
	})
}
