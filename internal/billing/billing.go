// Package billing turns unbilled work into invoices: drafts built from a
// client's billable time entries, expenses and fixed-fee projects in a
// period, their lines and totals, issuing with a gapless number, payments,
// voiding, and the documents (PDF, CSV) an accountant receives.
//
// Billing does not use the services that own time entries and projects:
// it reads and locks their rows through small models of its own, the only
// columns it needs, and takes only the names of a project's billing models
// from the projects package. Every change to money happens in one transaction; PDFs
// are rendered after it, outside.
package billing

import (
	"context"
	"fmt"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/clients"
	"github.com/vadesk/vadesk/internal/practice"
	"github.com/vadesk/vadesk/internal/store"
	"gorm.io/gorm"
)

// Statuses an invoice can have.
const (
	StatusDraft         = "draft"
	StatusIssued        = "issued"
	StatusPartiallyPaid = "partially_paid"
	StatusPaid          = "paid"
	StatusVoid          = "void"
	// StatusOverdue is not stored: it filters issued and partially paid
	// invoices past their due date with a balance.
	StatusOverdue = "overdue"
)

// How a draft groups its time into lines.
const (
	GroupByService = "service" // one line per service and rate
	GroupByTask    = "task"    // one line per task (or service, for time without a task) and rate
	GroupByEntry   = "entry"   // one line per time entry
)

// Kinds of invoice line.
const (
	KindTime     = "time"
	KindExpense  = "expense"
	KindFixedFee = "fixed_fee"
	KindManual   = "manual"
)

// generatedKinds are the kinds of line built from work, which Refresh
// rebuilds and Issue checks against the work; other lines (manual, and
// retainer lines made elsewhere, which their maker rebuilds through a
// Remaker and checks through a Checker) are left as they are.
var generatedKinds = []string{KindTime, KindExpense, KindFixedFee}

func generated(kind string) bool {
	return kind == KindTime || kind == KindExpense || kind == KindFixedFee
}

// Invoice is a bill to one client for one period: a draft while it is
// being prepared, then issued with a number, paid, or void.
type Invoice struct {
	ID         int64 `gorm:"primaryKey"`
	PracticeID int64
	ClientID   int64
	Number     *string
	Status     string
	Currency   string
	GroupBy    string
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
	Version    int64
	IssuedAt   *time.Time
	VoidedAt   *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time

	// Lines are filled by Get, in position order.
	Lines []Line `gorm:"-"`
	// ClientName is filled by Get and List.
	ClientName string `gorm:"-"`
	// Overdue is filled by Get and List from the practice's today.
	Overdue bool `gorm:"-"`
}

// BalanceDue is what the client still owes.
func (inv Invoice) BalanceDue() int64 { return inv.Total - inv.AmountPaid }

// overdue reports whether inv is unpaid past its due date on today
// (YYYY-MM-DD in the practice's time zone).
func (inv Invoice) overdue(today string) bool {
	return Overdue(inv.Status, inv.DueDate, inv.BalanceDue(), today)
}

// Overdue is the one rule for "overdue", for billing's invoices and the
// portal's view of them alike: an issued or partially paid invoice with a
// balance still owed, past its due date (none: never overdue) on today
// (YYYY-MM-DD in the practice's time zone). List's status filter says the
// same in SQL.
func Overdue(status string, due *string, balance int64, today string) bool {
	return (status == StatusIssued || status == StatusPartiallyPaid) &&
		due != nil && *due < today && balance > 0
}

// Line is one row of an invoice. Generated lines (time, expense, fixed fee)
// come from work and are rebuilt by Refresh; manual lines are the VA's own.
type Line struct {
	ID              int64 `gorm:"primaryKey"`
	PracticeID      int64
	InvoiceID       int64
	Position        int64
	Kind            string
	Description     string
	ServiceID       *int64
	ProjectID       *int64
	TaskID          *int64
	QuantityMinutes *int64
	QuantityMilli   *int64
	UnitPrice       int64
	Amount          int64
	Taxable         bool
	CreatedAt       time.Time
	UpdatedAt       time.Time

	// EntryIDs and ExpenseIDs are the work the line bills, filled by Get.
	EntryIDs   []int64 `gorm:"-"`
	ExpenseIDs []int64 `gorm:"-"`
}

// TableName maps Line to its table.
func (Line) TableName() string { return "invoice_lines" }

// Payment is money received against an issued invoice.
type Payment struct {
	ID         int64 `gorm:"primaryKey"`
	PracticeID int64
	InvoiceID  int64
	Amount     int64
	Date       string
	Method     string
	Reference  string
	CreatedAt  time.Time
}

// Source links a line to one time entry or expense it bills, and so holds
// that work for the line's invoice (see Hold). Lines made outside billing
// (a retainer's) link their work through it too, so issuing, refreshing
// and deleting treat their work as billing's own.
type Source struct {
	ID         int64 `gorm:"primaryKey"`
	PracticeID int64
	InvoiceID  int64
	LineID     int64
	EntryID    *int64
	ExpenseID  *int64
}

// TableName maps Source to its table.
func (Source) TableName() string { return "invoice_line_sources" }

// entry is the part of a time entry billing reads and locks. The worklog
// package owns the row; billing only ever sets invoice_id and
// draft_invoice_id on it.
type entry struct {
	ID              int64 `gorm:"primaryKey"`
	PracticeID      int64
	ClientID        int64
	ServiceID       int64
	ProjectID       *int64
	TaskID          *int64
	StartedAt       time.Time
	Billable        bool
	BillableMinutes int64
	HourlyRate      int64
	Note            string
	InvoiceID       *int64
	DraftInvoiceID  *int64
}

func (entry) TableName() string { return "time_entries" }

// expense is the part of an expense billing reads and locks.
type expense struct {
	ID             int64 `gorm:"primaryKey"`
	PracticeID     int64
	ClientID       int64
	ProjectID      *int64
	Date           string
	Amount         int64
	Description    string
	Billable       bool
	InvoiceID      *int64
	DraftInvoiceID *int64
}

func (expense) TableName() string { return "expenses" }

// project is the part of a project billing reads; a fixed-fee project is
// billed once, and billing sets its invoice_id when it is. Billing is one
// of the projects package's Billing* models.
type project struct {
	ID         int64 `gorm:"primaryKey"`
	PracticeID int64
	ClientID   int64
	Name       string
	Billing    string
	FixedFee   *int64
	InvoiceID  *int64
}

func (project) TableName() string { return "projects" }

// task is the title of a task, for lines grouped by task.
type task struct {
	ID         int64 `gorm:"primaryKey"`
	PracticeID int64
	ClientID   int64
	Title      string
}

func (task) TableName() string { return "tasks" }

// Service manages the caller's invoices.
type Service struct {
	st     *store.Store
	now    func() time.Time
	remake Remaker
	check  Checker
}

// Remaker rebuilds, inside a draft's refresh and its transaction, the
// lines another package made on the draft from rules billing does not know
// (a retainer's fee and overage), from the work as it is now. Refresh runs
// it after removing the draft's generated lines and releasing their work,
// and before it gathers the work no line holds, so what the remade lines
// hold is not billed again by the hour. It leaves drafts it did not make as
// they are.
type Remaker func(tx *gorm.DB, inv *Invoice) error

// RemakeWith has Refresh rebuild lines made elsewhere through fn. The
// retainers package installs its own when it is built on s; set it before
// s serves requests.
func (s *Service) RemakeWith(fn Remaker) { s.remake = fn }

// Checker reports, inside a draft's issue and its transaction, whether the
// lines another package made on the draft (a retainer's fee and overage)
// still bill what its Remaker would make of the work now: lines holds
// every line of the draft with its sources. A draft whose lines are not
// current is refused as one whose generated lines changed is, and nothing
// is issued: otherwise work logged, changed or deleted since would be
// billed at the old money, or left unbilled in a period that is invoiced.
// It reports drafts it did not make as current.
type Checker func(tx *gorm.DB, inv *Invoice, lines []Line) (current bool, err error)

// CheckWith has Issue check lines made elsewhere through fn. The retainers
// package installs its own beside its Remaker; set it before s serves
// requests.
func (s *Service) CheckWith(fn Checker) { s.check = fn }

// New returns a Service over st; now is the clock that decides "today" in
// the practice's time zone (issue dates, overdue).
func New(st *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, now: now}
}

// Get returns one invoice with its lines.
func (s *Service) Get(ctx context.Context, id int64) (Invoice, error) {
	db := s.st.Read(ctx)
	p, err := practice.Of(ctx, db)
	if err != nil {
		return Invoice{}, err
	}
	return s.load(db, p, id)
}

// load reads an invoice, its lines with their sources, and what is derived
// for display, through db (a transaction or the read pool).
func (s *Service) load(db *gorm.DB, p practice.Practice, id int64) (Invoice, error) {
	lines, err := getLines(db, id, true)
	if err != nil {
		return Invoice{}, err
	}
	return s.loadWith(db, p, id, lines)
}

// loadWith is load with the lines already read: a draft of a year of work
// has ten thousand sources, and reading them once more was a large part of
// issuing it.
func (s *Service) loadWith(db *gorm.DB, p practice.Practice, id int64, lines []Line) (Invoice, error) {
	inv, err := getInvoice(db, id)
	if err != nil {
		return Invoice{}, err
	}
	inv.Lines = lines
	cl, err := clients.Get(db, inv.ClientID)
	if err != nil {
		return Invoice{}, err
	}
	inv.ClientName = cl.Name
	inv.Overdue = inv.overdue(p.Calendar(s.now).Today().Format(time.DateOnly))
	return inv, nil
}

func getInvoice(db *gorm.DB, id int64) (Invoice, error) {
	var inv Invoice
	err := db.Take(&inv, "id = ?", id).Error
	return inv, store.NotFound(err, "invoice")
}

// getLines reads an invoice's lines in order, each with the ids of the
// entries and expenses it bills when sources is true.
func getLines(db *gorm.DB, invoiceID int64, sources bool) ([]Line, error) {
	var lines []Line
	if err := db.Where("invoice_id = ?", invoiceID).Order("position, id").Find(&lines).Error; err != nil {
		return nil, store.Translate(err)
	}
	if !sources || len(lines) == 0 {
		return lines, nil
	}
	byLine := make(map[int64]int, len(lines))
	for i, l := range lines {
		byLine[l.ID] = i
	}
	// Thousands of rows: scanned by hand, only the three columns needed.
	rows, err := db.Model(&Source{}).Select("line_id, entry_id, expense_id").Where("invoice_id = ?", invoiceID).Order("id").Rows()
	if err != nil {
		return nil, store.Translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var lineID int64
		var entryID, expenseID *int64
		if err := rows.Scan(&lineID, &entryID, &expenseID); err != nil {
			return nil, fmt.Errorf("billing: read line sources: %w", err)
		}
		i, ok := byLine[lineID]
		if !ok {
			continue
		}
		if entryID != nil {
			lines[i].EntryIDs = append(lines[i].EntryIDs, *entryID)
		}
		if expenseID != nil {
			lines[i].ExpenseIDs = append(lines[i].ExpenseIDs, *expenseID)
		}
	}
	return lines, store.Translate(rows.Err())
}

// Filter narrows List.
type Filter struct {
	ClientID int64
	Status   string // one of the statuses, or StatusOverdue
	From, To string // issue dates, inclusive (YYYY-MM-DD)
	BeforeID int64  // cursor: newest first, so the next page is below it
	Limit    int
}

// List returns invoices newest first (by id), without their lines.
func (s *Service) List(ctx context.Context, f Filter) ([]Invoice, error) {
	var c apperr.Check
	if f.Status != "" {
		c.OneOf("status", f.Status, StatusDraft, StatusIssued, StatusPartiallyPaid, StatusPaid, StatusVoid, StatusOverdue)
	}
	if f.From != "" {
		c.Date("from", f.From)
	}
	if f.To != "" {
		c.Date("to", f.To)
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	db := s.st.Read(ctx)
	p, err := practice.Of(ctx, db)
	if err != nil {
		return nil, err
	}
	today := p.Calendar(s.now).Today().Format(time.DateOnly)
	q := db.Order("id DESC").Limit(f.Limit)
	if f.BeforeID > 0 {
		q = q.Where("id < ?", f.BeforeID)
	}
	if f.ClientID > 0 {
		q = q.Where("client_id = ?", f.ClientID)
	}
	switch f.Status {
	case "":
	case StatusOverdue:
		q = q.Where("status IN ? AND due_date < ? AND total > amount_paid", []string{StatusIssued, StatusPartiallyPaid}, today)
	default:
		q = q.Where("status = ?", f.Status)
	}
	if f.From != "" {
		q = q.Where("issue_date >= ?", f.From)
	}
	if f.To != "" {
		q = q.Where("issue_date <= ?", f.To)
	}
	var out []Invoice
	if err := q.Find(&out).Error; err != nil {
		return nil, store.Translate(err)
	}
	if err := fillClientNames(db, out); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Overdue = out[i].overdue(today)
	}
	return out, nil
}

func fillClientNames(db *gorm.DB, invs []Invoice) error {
	if len(invs) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(invs))
	for _, inv := range invs {
		ids = append(ids, inv.ClientID)
	}
	var cls []clients.Client
	if err := db.Select("id", "name").Where("id IN ?", ids).Find(&cls).Error; err != nil {
		return store.Translate(err)
	}
	names := make(map[int64]string, len(cls))
	for _, c := range cls {
		names[c.ID] = c.Name
	}
	for i := range invs {
		invs[i].ClientName = names[invs[i].ClientID]
	}
	return nil
}
