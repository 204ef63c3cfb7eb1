package worklog

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/clients"
	"github.com/vadesk/vadesk/internal/practice"
	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/internal/tenant"
	"gorm.io/gorm"
)

// Entry is time worked for a client on a service. HourlyRate is the rate
// resolved when the entry was logged; BillableMinutes and Amount derive
// from it and the client's rounding, and are stored so invoices and reports
// add up what the VA saw.
type Entry struct {
	ID              int64 `gorm:"primaryKey"`
	PracticeID      int64
	ClientID        int64
	ServiceID       int64
	ProjectID       *int64
	TaskID          *int64
	UserID          int64
	StartedAt       time.Time
	Minutes         int64
	Billable        bool
	BillableMinutes int64
	HourlyRate      int64
	Amount          int64
	// Note is what the client sees (portal, invoice timesheet);
	// InternalNote only staff see.
	Note         string
	InternalNote string
	// InvoiceID is set while the entry is on an issued invoice, which locks
	// it; DraftInvoiceID while a draft holds it (billing owns both).
	InvoiceID      *int64
	DraftInvoiceID *int64
	SourceKey      *string
	// Version grows on every change, for optimistic locking; a row
	// created without one (an import) starts at 1.
	Version   int64 `gorm:"default:1"`
	CreatedAt time.Time
	UpdatedAt time.Time
	// Currency is the client's: joined in by lists, filled in by the other
	// reads, never written.
	Currency string `gorm:"->"`
}

// TableName maps Entry to its table.
func (Entry) TableName() string { return "time_entries" }

// Locked reports whether the entry is on an issued invoice.
func (e Entry) Locked() bool { return e.InvoiceID != nil }

// entryColumns are what the API shows of an entry; lists select only these,
// and the client's currency through a join on its primary key (one query
// per page, no n+1). ListEntries scans them in this order. The times are
// selected raw ("+col" has no declared type, so the driver leaves the text
// alone) and read by store.Row, which is cheaper than the driver's parsing;
// ORDER BY still names the column, and so the index.
const entryColumns = "time_entries.id, time_entries.client_id, time_entries.service_id, time_entries.project_id, " +
	"time_entries.task_id, time_entries.user_id, +time_entries.started_at, time_entries.minutes, time_entries.billable, " +
	"time_entries.billable_minutes, time_entries.hourly_rate, time_entries.amount, time_entries.note, " +
	"time_entries.internal_note, time_entries.invoice_id, time_entries.draft_invoice_id, time_entries.version, " +
	"+time_entries.created_at, +time_entries.updated_at, clients.currency"

// EntryInput is an entry to log, or the fields to change (nil: unchanged).
// A pointer to 0 in ProjectID or TaskID clears it.
type EntryInput struct {
	ClientID     *int64
	ServiceID    *int64
	ProjectID    *int64
	TaskID       *int64
	StartedAt    *time.Time
	Minutes      *int64
	Billable     *bool
	Note         *string
	InternalNote *string
	// Version, when set on update, must be the entry's current version.
	Version *int64
}

// checkText validates and applies the entry's free-text and time fields.
func (in EntryInput) checkText(c *apperr.Check, e *Entry) {
	if in.StartedAt != nil {
		e.StartedAt = in.StartedAt.UTC().Truncate(time.Second)
	}
	if in.Minutes != nil {
		e.Minutes = *in.Minutes
		c.Range("minutes", e.Minutes, 1, MaxMinutes)
	}
	if in.Note != nil {
		e.Note = strings.TrimSpace(*in.Note)
		c.Text("note", e.Note, false, 2000)
	}
	if in.InternalNote != nil {
		e.InternalNote = strings.TrimSpace(*in.InternalNote)
		c.Text("internal_note", e.InternalNote, false, 5000)
	}
}

// EntryCursor is the sort key of the last entry of a page.
type EntryCursor struct {
	StartedAt time.Time
	ID        int64
}

// EntryFilter narrows ListEntries. From and To are calendar dates
// (YYYY-MM-DD, inclusive) in the practice's time zone.
type EntryFilter struct {
	ClientID  int64
	ServiceID int64
	ProjectID int64
	TaskID    int64
	UserID    int64
	Billable  *bool
	// Invoiced: on an issued invoice (true) or not (false); a draft does
	// not count.
	Invoiced *bool
	From, To string
	After    *EntryCursor
	Limit    int
}

// ListEntries returns entries newest first (started_at, then id, both
// descending). It is a hot path: the filters map onto the indexes on
// (practice_id, client_id | user_id, started_at), which also give the order.
func (s *Service) ListEntries(ctx context.Context, f EntryFilter) ([]Entry, error) {
	var c apperr.Check
	dateRange(&c, f.From, f.To)
	if err := c.Err(); err != nil {
		return nil, err
	}
	// The dates are the practice's; zero bounds are open.
	var start, end time.Time
	if f.From != "" || f.To != "" {
		p, err := practice.Of(ctx, s.st.Read(ctx))
		if err != nil {
			return nil, err
		}
		from, _ := time.Parse(time.DateOnly, f.From)
		to, _ := time.Parse(time.DateOnly, f.To)
		start, end = p.Calendar(s.now).PeriodBounds(from, to)
	}
	// The rows are read by hand (see store.Row), at a fraction of the cost
	// of GORM's reflective scan.
	scope, scopeArgs, err := s.st.ScopeSQL(ctx, &Entry{}, "time_entries")
	if err != nil {
		return nil, err
	}
	query, args := entrySQL(f, start, end, scope, scopeArgs)
	rows, err := s.st.Query(ctx, query, args...)
	if err != nil {
		return nil, store.Translate(err)
	}
	defer rows.Close()
	out := make([]Entry, 0, f.Limit)
	r := store.NewRow(20)
	for rows.Next() {
		if err := rows.Scan(r.Dest()...); err != nil {
			return nil, fmt.Errorf("worklog: list entries: %w", err)
		}
		out = append(out, Entry{ID: r.Int(0), ClientID: r.Int(1), ServiceID: r.Int(2), ProjectID: r.IntPtr(3),
			TaskID: r.IntPtr(4), UserID: r.Int(5), StartedAt: r.Time(6), Minutes: r.Int(7), Billable: r.Bool(8),
			BillableMinutes: r.Int(9), HourlyRate: r.Int(10), Amount: r.Int(11), Note: r.Text(12),
			InternalNote: r.Text(13), InvoiceID: r.IntPtr(14), DraftInvoiceID: r.IntPtr(15), Version: r.Int(16),
			CreatedAt: r.Time(17), UpdatedAt: r.Time(18), Currency: r.Text(19)})
	}
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("worklog: list entries: %w", err)
	}
	return out, store.Translate(rows.Err())
}

// entrySQL builds the list query: scope (from store.ScopeSQL) and the
// filters, newest first; start and end bound started_at (half-open, zero
// for none). It is plain SQL rather than GORM's: building the query took as
// long as running it. Parameters are "+?" for the reason the store's
// dialector gives.
func entrySQL(f EntryFilter, start, end time.Time, scope string, scopeArgs []any) (string, []any) {
	var q strings.Builder
	q.WriteString("SELECT " + entryColumns + " FROM time_entries JOIN clients ON clients.id = time_entries.client_id WHERE ")
	q.WriteString(scope)
	args := append(make([]any, 0, len(scopeArgs)+8), scopeArgs...)
	cond := func(sql string, vs ...any) {
		q.WriteString(" AND ")
		q.WriteString(sql)
		args = append(args, vs...)
	}
	// A fixed order of conditions keeps the SQL text, and so the prepared
	// statement, the same for the same set of filters.
	for _, eq := range []struct {
		col string
		v   int64
	}{{"client_id", f.ClientID}, {"user_id", f.UserID}, {"service_id", f.ServiceID},
		{"project_id", f.ProjectID}, {"task_id", f.TaskID}} {
		if eq.v != 0 {
			cond("time_entries."+eq.col+" = +?", eq.v)
		}
	}
	if f.Billable != nil {
		cond("time_entries.billable = +?", *f.Billable)
	}
	if f.Invoiced != nil {
		if *f.Invoiced {
			cond("time_entries.invoice_id IS NOT NULL")
		} else {
			cond("time_entries.invoice_id IS NULL")
		}
	}
	if !start.IsZero() {
		cond("time_entries.started_at >= +?", start)
	}
	if !end.IsZero() {
		cond("time_entries.started_at < +?", end)
	}
	if f.After != nil {
		// Written as a range on started_at plus a tie-break, so the index
		// seeks to the cursor instead of scanning from the top.
		t := f.After.StartedAt.UTC()
		cond("time_entries.started_at <= +? AND (time_entries.started_at < +? OR time_entries.id < +?)", t, t, f.After.ID)
	}
	q.WriteString(" ORDER BY time_entries.started_at DESC, time_entries.id DESC LIMIT ")
	q.WriteString(strconv.Itoa(f.Limit))
	return q.String(), args
}

// GetEntry returns one entry.
func (s *Service) GetEntry(ctx context.Context, id int64) (Entry, error) {
	db := s.st.Read(ctx)
	e, err := getEntry(db, id)
	if err != nil {
		return Entry{}, err
	}
	return e, withCurrency(db, &e)
}

func getEntry(db *gorm.DB, id int64) (Entry, error) {
	var e Entry
	err := db.Take(&e, "id = ?", id).Error
	return e, store.NotFound(err, "time entry")
}

func withCurrency(db *gorm.DB, e *Entry) error {
	cl, err := clients.Get(db, e.ClientID)
	e.Currency = cl.Currency
	return err
}

// CreateEntry logs time for the caller. The hourly rate is resolved now and
// stored; billable defaults to the service's and project's billing.
func (s *Service) CreateEntry(ctx context.Context, in EntryInput) (Entry, error) {
	sc, _ := tenant.From(ctx)
	var e Entry
	err := s.st.Tx(ctx, func(tx *gorm.DB) error {
		var err error
		e, err = createEntry(tx, in, sc.UserID, fresh{client: true, service: true})
		return err
	})
	return e, err
}

// createEntry validates in and inserts the entry for userID inside tx.
func createEntry(tx *gorm.DB, in EntryInput, userID int64, f fresh) (Entry, error) {
	var c apperr.Check
	var w work
	if in.ClientID == nil {
		c.Add("client_id", "is required")
	} else {
		w.ClientID = *in.ClientID
	}
	if in.ServiceID == nil {
		c.Add("service_id", "is required")
	} else {
		w.ServiceID = *in.ServiceID
	}
	w.ProjectID, w.TaskID = idOrNil(in.ProjectID), idOrNil(in.TaskID)
	if in.StartedAt == nil {
		c.Add("started_at", "is required")
	}
	if in.Minutes == nil {
		c.Add("minutes", "is required")
	}
	e := Entry{UserID: userID, Version: 1}
	in.checkText(&c, &e)
	r, err := resolve(tx, &c, &w, f)
	if err != nil {
		return Entry{}, err
	}
	if err := c.Err(); err != nil {
		return Entry{}, err
	}
	e.ClientID, e.ServiceID, e.ProjectID, e.TaskID = w.ClientID, w.ServiceID, w.ProjectID, w.TaskID
	e.Billable = DefaultBillable(r.service.Billable, r.projectBilling())
	if in.Billable != nil {
		e.Billable = *in.Billable
	}
	if e.HourlyRate, err = rate(tx, r); err != nil {
		return Entry{}, err
	}
	e.BillableMinutes, e.Amount = Amounts(e.Minutes, r.client.RoundingMinutes, e.HourlyRate, e.Billable)
	if err := tx.Create(&e).Error; err != nil {
		return Entry{}, err
	}
	e.Currency = r.client.Currency
	return e, nil
}

// UpdateEntry changes an entry that is not on an issued invoice. A new
// client, service or project is a different piece of work: its rate (and,
// unless given, its billable flag) is resolved again. Other changes keep the
// stored rate, so a rate change in between never rewrites the entry.
func (s *Service) UpdateEntry(ctx context.Context, id int64, in EntryInput) (Entry, error) {
	var e Entry
	err := s.st.Tx(ctx, func(tx *gorm.DB) error {
		var err error
		if e, err = getEntry(tx, id); err != nil {
			return err
		}
		if err := editable(e.Locked(), e.Version, in.Version, "time entry"); err != nil {
			return err
		}
		var c apperr.Check
		w := work{ClientID: e.ClientID, ServiceID: e.ServiceID, ProjectID: e.ProjectID, TaskID: e.TaskID}
		if in.ClientID != nil {
			w.ClientID = *in.ClientID
		}
		if in.ServiceID != nil {
			w.ServiceID = *in.ServiceID
		}
		if in.ProjectID != nil {
			w.ProjectID = idOrNil(in.ProjectID)
		}
		if in.TaskID != nil {
			w.TaskID = idOrNil(in.TaskID)
		}
		in.checkText(&c, &e)
		f := fresh{client: w.ClientID != e.ClientID, service: w.ServiceID != e.ServiceID}
		r, err := resolve(tx, &c, &w, f)
		if err != nil {
			return err
		}
		if err := c.Err(); err != nil {
			return err
		}
		rerate := f.client || f.service || !sameID(w.ProjectID, e.ProjectID)
		e.ClientID, e.ServiceID, e.ProjectID, e.TaskID = w.ClientID, w.ServiceID, w.ProjectID, w.TaskID
		if rerate {
			if e.HourlyRate, err = rate(tx, r); err != nil {
				return err
			}
			e.Billable = DefaultBillable(r.service.Billable, r.projectBilling())
		}
		if in.Billable != nil {
			e.Billable = *in.Billable
		}
		if rerate || in.Minutes != nil || in.Billable != nil || in.StartedAt != nil {
			e.BillableMinutes, e.Amount = Amounts(e.Minutes, r.client.RoundingMinutes, e.HourlyRate, e.Billable)
		}
		e.Currency = r.client.Currency
		return saveVersioned(tx, &e, &e.Version, "time entry", "client_id", "service_id", "project_id", "task_id",
			"started_at", "minutes", "billable", "billable_minutes", "hourly_rate", "amount", "note", "internal_note")
	})
	return e, err
}

// DeleteEntry removes an entry that is not on an issued invoice.
func (s *Service) DeleteEntry(ctx context.Context, id int64) error {
	return s.st.Tx(ctx, func(tx *gorm.DB) error {
		e, err := getEntry(tx, id)
		if err != nil {
			return err
		}
		if err := editable(e.Locked(), e.Version, nil, "time entry"); err != nil {
			return err
		}
		return tx.Delete(&e).Error
	})
}

// editable refuses changes to locked rows and to rows whose version moved
// on since the caller read them.
func editable(locked bool, current int64, want *int64, what string) error {
	if locked {
		return apperr.Conflict("the %s is on an issued invoice; void the invoice to change it", what)
	}
	if want != nil && *want != current {
		return apperr.Conflict("the %s was changed by someone else (it is at version %d, not %d); reload it and try again", what, current, *want)
	}
	return nil
}

// saveVersioned writes the named columns of row (a pointer to a model whose
// version is *version) and bumps the version; the write only lands when the
// stored version is still the one read, so a concurrent change is a 409,
// never a lost update.
func saveVersioned(tx *gorm.DB, row any, version *int64, what string, cols ...string) error {
	old := *version
	*version = old + 1
	res := tx.Model(row).Where("version = ?", old).Select(append(cols, "version", "updated_at")).Updates(row)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return apperr.Conflict("the %s was changed by someone else; reload it and try again", what)
	}
	return nil
}
