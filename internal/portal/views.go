package portal

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/audit"
	"github.com/vadesk/vadesk/internal/auth"
	"github.com/vadesk/vadesk/internal/billing"
	"github.com/vadesk/vadesk/internal/clients"
	"github.com/vadesk/vadesk/internal/practice"
	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/internal/tenant"
	"gorm.io/gorm"
)

// The portal's own views of the practice's tables. Each carries PracticeID
// and ClientID so the store narrows every query on it to the client user's
// client, and each selects only what a client may see.

// Project is a project as its client sees it (no rates, fees or budgets).
type Project struct {
	ID          int64
	PracticeID  int64
	ClientID    int64
	Name        string
	Description string
	Status      string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// TableName maps Project to its table.
func (Project) TableName() string { return "projects" }

// Task is a task as its client sees it (no assignee).
type Task struct {
	ID            int64 `gorm:"primaryKey"`
	PracticeID    int64
	ClientID      int64
	ProjectID     *int64
	Title         string
	Description   string
	Status        string
	DueOn         *string
	Priority      string
	RequestedByID *int64
	Version       int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// TableName maps Task to its table.
func (Task) TableName() string { return "tasks" }

// Entry is billable time as its client sees it: never the internal note,
// the rate or the amount, which are not even read.
type Entry struct {
	ID              int64
	PracticeID      int64
	ClientID        int64
	ProjectID       *int64
	TaskID          *int64
	StartedAt       time.Time
	Minutes         int64
	BillableMinutes int64
	Note            string
	ServiceName     string `gorm:"->"`
}

// TableName maps Entry to its table.
func (Entry) TableName() string { return "time_entries" }

// entryColumns are the only columns of time_entries the portal reads.
var entryColumns = []string{"time_entries.id", "time_entries.practice_id", "time_entries.client_id",
	"time_entries.project_id", "time_entries.task_id", "time_entries.started_at", "time_entries.minutes",
	"time_entries.billable_minutes", "time_entries.note", "services.name AS service_name"}

// Invoice is an issued invoice as its client sees it. It is not
// billing.Invoice on purpose: the portal reads only the columns a client
// may see, and never a draft (VisibleInvoiceStatuses); the statuses and
// the overdue rule are billing's.
type Invoice struct {
	ID         int64
	PracticeID int64
	ClientID   int64
	Number     *string
	Status     string
	Currency   string
	IssueDate  *string
	DueDate    *string
	PeriodFrom string
	PeriodTo   string
	Subtotal   int64
	Discount   int64
	TaxName    string
	TaxRate    int64
	TaxTotal   int64
	Total      int64
	AmountPaid int64
	Notes      string
	Footer     string
	IssuedAt   *time.Time
	VoidedAt   *time.Time

	// Overdue is derived from the practice's today.
	Overdue bool `gorm:"-"`
	// Lines and Payments are filled by Invoice (one invoice), not by the list.
	Lines    []Line    `gorm:"-"`
	Payments []Payment `gorm:"-"`
}

// TableName maps Invoice to its table.
func (Invoice) TableName() string { return "invoices" }

// Balance is what is still owed; nothing for a void invoice.
func (i Invoice) Balance() int64 {
	if i.Status == billing.StatusVoid {
		return 0
	}
	return i.Total - i.AmountPaid
}

// VisibleInvoiceStatuses are the invoices a client sees: never drafts.
var VisibleInvoiceStatuses = []string{billing.StatusIssued, billing.StatusPartiallyPaid, billing.StatusPaid, billing.StatusVoid}

// Line is an invoice line. Lines have no client column: they are read only
// for an invoice that was itself found through the client's scope.
type Line struct {
	ID              int64
	PracticeID      int64
	InvoiceID       int64
	Position        int64
	Kind            string
	Description     string
	QuantityMinutes *int64
	QuantityMilli   *int64
	UnitPrice       int64
	Amount          int64
}

// TableName maps Line to its table.
func (Line) TableName() string { return "invoice_lines" }

// Payment is money received against an invoice; read like Line.
type Payment struct {
	ID         int64
	PracticeID int64
	InvoiceID  int64
	Amount     int64
	Date       string
}

// TableName maps Payment to its table.
func (Payment) TableName() string { return "payments" }

// clientScope returns the caller's scope, refusing anyone but a client user:
// the portal's views are only safe narrowed to one client.
func clientScope(ctx context.Context) (tenant.Scope, error) {
	sc, ok := tenant.From(ctx)
	if !ok || sc.Role != tenant.Client || sc.ClientID == 0 {
		return tenant.Scope{}, apperr.Forbidden("the portal is for client users")
	}
	return sc, nil
}

// Me is the client user with their client's and practice's names.
type Me struct {
	User         auth.User
	ClientName   string
	PracticeName string
	// Currency is the client's; Locale and Timezone the practice's, so the
	// portal writes money and dates as the VA's invoices do.
	Currency string
	Locale   string
	Timezone string
}

// Me returns who the caller is in the portal.
func (s *Service) Me(ctx context.Context) (Me, error) {
	sc, err := clientScope(ctx)
	if err != nil {
		return Me{}, err
	}
	u, err := s.auth.Me(ctx)
	if err != nil {
		return Me{}, err
	}
	db := s.st.Read(ctx)
	cl, err := clients.Get(db, sc.ClientID)
	if err != nil {
		return Me{}, err
	}
	p, err := practice.Of(ctx, db)
	if err != nil {
		return Me{}, err
	}
	return Me{User: u, ClientName: cl.Name, PracticeName: p.Name, Currency: cl.Currency, Locale: p.Locale, Timezone: p.Timezone}, nil
}

// Page is how far a list reads: ids after AfterID (ascending lists) or
// before BeforeID (newest-first lists), at most Limit rows.
type Page struct {
	AfterID  int64
	BeforeID int64
	Limit    int
}

func (p Page) limit() int {
	if p.Limit <= 0 {
		return 50
	}
	return p.Limit
}

// Projects lists the client's projects in id order.
func (s *Service) Projects(ctx context.Context, pg Page) ([]Project, error) {
	if _, err := clientScope(ctx); err != nil {
		return nil, err
	}
	var out []Project
	err := s.st.Read(ctx).Where("id > ?", pg.AfterID).Order("id").Limit(pg.limit()).Find(&out).Error
	return out, store.Translate(err)
}

// TaskFilter narrows Tasks.
type TaskFilter struct {
	Status string
	Page
}

// Tasks lists the client's tasks in id order.
func (s *Service) Tasks(ctx context.Context, f TaskFilter) ([]Task, error) {
	if _, err := clientScope(ctx); err != nil {
		return nil, err
	}
	q := s.st.Read(ctx).Where("id > ?", f.AfterID).Order("id").Limit(f.limit())
	if f.Status != "" {
		var c apperr.Check
		c.OneOf("status", f.Status, "todo", "in_progress", "waiting", "done")
		if err := c.Err(); err != nil {
			return nil, err
		}
		q = q.Where("status = ?", f.Status)
	}
	var out []Task
	return out, store.Translate(q.Find(&out).Error)
}

// TaskRequest is a task a client asks for.
type TaskRequest struct {
	Title       string
	Description string
	DueOn       *string
}

// RequestTask puts a task the client asks for on the VA's board: status
// todo, requested by the client user's contact.
func (s *Service) RequestTask(ctx context.Context, in TaskRequest) (Task, error) {
	sc, err := clientScope(ctx)
	if err != nil {
		return Task{}, err
	}
	var c apperr.Check
	in.Title = strings.TrimSpace(in.Title)
	in.Description = strings.TrimSpace(in.Description)
	c.Text("title", in.Title, true, 200)
	c.Text("description", in.Description, false, 10000)
	if in.DueOn != nil {
		d := c.Date("due_on", *in.DueOn)
		if !c.Has("due_on") && d.Year() < 2000 {
			c.Add("due_on", "must be a date after 2000")
		}
	}
	if err := c.Err(); err != nil {
		return Task{}, err
	}
	u, err := s.auth.Me(ctx)
	if err != nil {
		return Task{}, err
	}
	t := Task{ClientID: sc.ClientID, Title: in.Title, Description: in.Description, DueOn: in.DueOn,
		Status: "todo", Priority: "normal", Version: 1}
	err = s.st.Tx(ctx, func(tx *gorm.DB) error {
		ct, err := s.contactOf(tx, u)
		if err != nil {
			return err
		}
		t.RequestedByID = &ct.ID
		if err := tx.Create(&t).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.PortalTask, "task", t.ID, map[string]any{"title": t.Title})
	})
	return t, err
}

// contactOf is the contact a client user acts as: the one their invite
// linked, else one with their e-mail, else a new one.
func (s *Service) contactOf(tx *gorm.DB, u auth.User) (clients.Contact, error) {
	var inv Invite
	err := tx.Where("user_id = ? AND contact_id IS NOT NULL", u.ID).Order("id DESC").Take(&inv).Error
	if err == nil {
		var ct clients.Contact
		err = tx.Take(&ct, "id = ?", *inv.ContactID).Error
		if err == nil {
			return ct, nil
		}
	}
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return clients.Contact{}, err
	}
	return ensureContact(tx, *u.ClientID, u.Email, u.Name)
}

// EntryFilter narrows TimeEntries: From and To are dates (YYYY-MM-DD, in
// the practice's time zone), both inclusive.
type EntryFilter struct {
	From, To string
	Page
}

// TimeEntries lists the client's billable time, newest first. Location is
// the practice's time zone, in which the entries' dates are told.
func (s *Service) TimeEntries(ctx context.Context, f EntryFilter) ([]Entry, *time.Location, error) {
	if _, err := clientScope(ctx); err != nil {
		return nil, nil, err
	}
	db := s.st.Read(ctx)
	p, err := practice.Of(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	cal := p.Calendar(s.now)
	var c apperr.Check
	var from, to time.Time
	if f.From != "" {
		from = c.Date("from", f.From)
	}
	if f.To != "" {
		to = c.Date("to", f.To)
	}
	if err := c.Err(); err != nil {
		return nil, nil, err
	}
	q := db.Select(entryColumns).Joins("JOIN services ON services.id = time_entries.service_id").
		Where("time_entries.billable = ?", true).
		Order("time_entries.id DESC").Limit(f.limit())
	if f.BeforeID > 0 {
		q = q.Where("time_entries.id < ?", f.BeforeID)
	}
	start, end := cal.PeriodBounds(from, to)
	if !start.IsZero() {
		q = q.Where("time_entries.started_at >= ?", start)
	}
	if !end.IsZero() {
		q = q.Where("time_entries.started_at < ?", end)
	}
	var out []Entry
	return out, cal.Location(), store.Translate(q.Find(&out).Error)
}

// InvoiceFilter narrows Invoices.
type InvoiceFilter struct {
	Status string
	Page
}

// Invoices lists the client's issued (and paid or void) invoices, newest
// first; drafts are never shown.
func (s *Service) Invoices(ctx context.Context, f InvoiceFilter) ([]Invoice, error) {
	if _, err := clientScope(ctx); err != nil {
		return nil, err
	}
	db := s.st.Read(ctx)
	p, err := practice.Of(ctx, db)
	if err != nil {
		return nil, err
	}
	q := db.Where("status IN ?", VisibleInvoiceStatuses).Order("id DESC").Limit(f.limit())
	if f.Status != "" {
		var c apperr.Check
		c.OneOf("status", f.Status, VisibleInvoiceStatuses...)
		if err := c.Err(); err != nil {
			return nil, err
		}
		q = q.Where("status = ?", f.Status)
	}
	if f.BeforeID > 0 {
		q = q.Where("id < ?", f.BeforeID)
	}
	var out []Invoice
	if err := q.Find(&out).Error; err != nil {
		return nil, store.Translate(err)
	}
	today := p.Calendar(s.now).Today().Format(time.DateOnly)
	for i := range out {
		out[i].Overdue = overdue(out[i], today)
	}
	return out, nil
}

// overdue is billing's rule, so the client and the practice see the same
// invoices overdue.
func overdue(inv Invoice, today string) bool {
	return billing.Overdue(inv.Status, inv.DueDate, inv.Balance(), today)
}

// Invoice returns one of the client's invoices with its lines and payments,
// and records in the audit log that the client looked at it.
func (s *Service) Invoice(ctx context.Context, id int64) (Invoice, error) {
	inv, err := s.visibleInvoice(ctx, id)
	if err != nil {
		return Invoice{}, err
	}
	db := s.st.Read(ctx)
	// Lines and payments have no client column; they are read by the id of
	// the invoice the scoped query above found, never by a caller's id.
	if err := db.Where("invoice_id = ?", inv.ID).Order("position, id").Find(&inv.Lines).Error; err != nil {
		return Invoice{}, store.Translate(err)
	}
	if err := db.Where("invoice_id = ?", inv.ID).Order("date, id").Find(&inv.Payments).Error; err != nil {
		return Invoice{}, store.Translate(err)
	}
	err = s.st.Tx(ctx, func(tx *gorm.DB) error {
		return audit.Record(ctx, tx, audit.PortalInvoice, "invoice", inv.ID, map[string]any{"number": inv.Number})
	})
	return inv, err
}

// InvoiceForPDF checks that the client may download invoice id and records
// the download; the caller then renders it with the billing package.
func (s *Service) InvoiceForPDF(ctx context.Context, id int64) (Invoice, error) {
	inv, err := s.visibleInvoice(ctx, id)
	if err != nil {
		return Invoice{}, err
	}
	err = s.st.Tx(ctx, func(tx *gorm.DB) error {
		return audit.Record(ctx, tx, audit.PortalPDF, "invoice", inv.ID, map[string]any{"number": inv.Number})
	})
	return inv, err
}

func (s *Service) visibleInvoice(ctx context.Context, id int64) (Invoice, error) {
	if _, err := clientScope(ctx); err != nil {
		return Invoice{}, err
	}
	db := s.st.Read(ctx)
	p, err := practice.Of(ctx, db)
	if err != nil {
		return Invoice{}, err
	}
	var inv Invoice
	err = db.Take(&inv, "id = ? AND status IN ?", id, VisibleInvoiceStatuses).Error
	if err != nil {
		return Invoice{}, store.NotFound(err, "invoice")
	}
	inv.Overdue = overdue(inv, p.Calendar(s.now).Today().Format(time.DateOnly))
	return inv, nil
}
