// Package transfer moves a practice's data in and out: streamed CSV exports
// a spreadsheet opens as they are, imports of time from Toggl Track, Harvest
// and vadesk's own export, and the whole practice as one JSON document for
// moving between machines.
//
// Exports are raw SQL over the read pool, read row by row and written as
// they are read, so a million entries never sit in memory. Raw SQL is not
// scoped by the store: every query here filters by the caller's practice.
package transfer

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/money"
	"github.com/vadesk/vadesk/internal/practice"
	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/internal/tenant"
)

// Service exports and imports the caller's data.
type Service struct {
	st  *store.Store
	now func() time.Time
}

// New returns a Service over st.
func New(st *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, now: func() time.Time { return now().UTC() }}
}

// BOM is the UTF-8 byte order mark. Excel reads a CSV file without it in
// the machine's legacy code page and garbles every accented name; Google
// Sheets, Numbers and LibreOffice ignore it, and vadesk's own import skips
// it. Exports start with it unless asked not to.
const BOM = "\ufeff"

// flushEvery is how many rows an export writes between flushes to the
// client: often enough that a download starts at once and memory stays
// flat, rarely enough that the syscalls do not show.
const flushEvery = 500

// Export is a CSV export whose query has run: what could fail before the
// first byte (validation, the query itself) has failed already, so the
// caller can still answer with a problem. WriteTo streams the rows; Close
// releases the query.
type Export struct {
	Name   string // a file name for Content-Disposition
	header []string
	rows   *sql.Rows
	scan   func(*sql.Rows) ([]string, error)
}

// Close releases the export's query; safe to call twice.
func (e *Export) Close() error { return e.rows.Close() }

type flusher interface{ Flush() }

// WriteTo writes the header row and every row as RFC 4180 CSV (CRLF line
// ends, fields quoted when they need it), flushing w every few hundred rows
// when it can be flushed.
func (e *Export) WriteTo(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	out := csv.NewWriter(cw)
	out.UseCRLF = true
	flush := func() error {
		out.Flush()
		if err := out.Error(); err != nil {
			return err
		}
		if f, ok := w.(flusher); ok {
			f.Flush()
		}
		return nil
	}
	if err := out.Write(e.header); err != nil {
		return cw.n, err
	}
	n := 0
	for e.rows.Next() {
		rec, err := e.scan(e.rows)
		if err != nil {
			return cw.n, fmt.Errorf("transfer: export %s: %w", e.Name, err)
		}
		if err := out.Write(rec); err != nil {
			return cw.n, err
		}
		if n++; n%flushEvery == 0 {
			if err := flush(); err != nil {
				return cw.n, err
			}
		}
	}
	if err := e.rows.Err(); err != nil {
		return cw.n, fmt.Errorf("transfer: export %s: %w", e.Name, store.Translate(err))
	}
	return cw.n, flush()
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// safeText keeps a spreadsheet from running a cell as a formula: text that
// starts with =, +, -, @, tab or CR gets a leading apostrophe, which Excel
// and its kin hide and treat as "this is text" (OWASP's advice against CSV
// injection; a task title can come from a client through the portal).
// Text that already starts with apostrophes before such a character gets
// one more, so vadesk's own import, which takes one off again, gives back
// exactly what was exported ("'=x" is written with two apostrophes).
func safeText(s string) string {
	if formulaStart(s) {
		return "'" + s
	}
	return s
}

// unsafeText undoes safeText.
func unsafeText(s string) string {
	if strings.HasPrefix(s, "'") && formulaStart(s) {
		return s[1:]
	}
	return s
}

// formulaStart reports whether s, past any apostrophes it starts with,
// starts as a spreadsheet formula would.
func formulaStart(s string) bool {
	s = strings.TrimLeft(s, "'")
	return s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0]))
}

// decimal writes minor units of a currency as a plain decimal of major
// units ("1234.50", "-0.05", "1235" for yen): what a spreadsheet reads as a
// number in any locale that uses a dot.
func decimal(amount int64, currency string) string {
	digits := money.Lookup(currency).Digits
	if digits == 0 {
		return strconv.FormatInt(amount, 10)
	}
	sign := ""
	if amount < 0 {
		sign, amount = "-", -amount
	}
	div := int64(1)
	for range digits {
		div *= 10
	}
	return fmt.Sprintf("%s%d.%0*d", sign, amount/div, digits, amount%div)
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// ExportFilter narrows the time entry and expense exports. From and To are
// calendar dates (YYYY-MM-DD, inclusive) in the practice's time zone.
type ExportFilter struct {
	ClientID  int64
	ProjectID int64
	From, To  string
	Billable  *bool
	Invoiced  *bool // on an issued invoice (a draft does not count)
}

// prepare checks the filter and returns the practice (for its zone) and the
// caller's practice id.
func (s *Service) prepare(ctx context.Context, f ExportFilter) (practice.Practice, int64, time.Time, time.Time, error) {
	var p practice.Practice
	sc, ok := tenant.From(ctx)
	if !ok {
		return p, 0, time.Time{}, time.Time{}, tenant.ErrNoScope
	}
	var c apperr.Check
	var from, to time.Time
	if f.From != "" {
		from = c.Date("from", f.From)
	}
	if f.To != "" {
		to = c.Date("to", f.To)
	}
	if f.From != "" && f.To != "" && !c.Has("from") && !c.Has("to") && to.Before(from) {
		c.Add("to", "must not be before from")
	}
	if err := c.Err(); err != nil {
		return p, 0, from, to, err
	}
	if err := s.st.Read(ctx).Omit("logo").Take(&p).Error; err != nil {
		return p, 0, from, to, store.NotFound(err, "practice")
	}
	return p, sc.PracticeID, from, to, nil
}

// TimeEntryColumns is the header of time-entries.csv, which vadesk's own
// import reads back.
var TimeEntryColumns = []string{"id", "date", "started_at", "client", "service", "project", "task", "user",
	"minutes", "billable_minutes", "billable", "hourly_rate", "amount", "currency", "note", "internal_note", "invoice_number"}

// TimeEntries prepares the time entry export, oldest first. Money is in
// decimal major units of the client's currency; date is the day in the
// practice's time zone; started_at is RFC 3339 in UTC.
func (s *Service) TimeEntries(ctx context.Context, f ExportFilter) (*Export, error) {
	p, pid, from, to, err := s.prepare(ctx, f)
	if err != nil {
		return nil, err
	}
	loc := p.Location()
	q := `SELECT t.id, t.started_at, c.name, c.currency, s.name, COALESCE(p.name, ''), COALESCE(k.title, ''), u.name,
  t.minutes, t.billable_minutes, t.billable, t.hourly_rate, t.amount, t.note, t.internal_note, COALESCE(i.number, '')
FROM time_entries t
JOIN clients c ON c.id = t.client_id
JOIN services s ON s.id = t.service_id
JOIN users u ON u.id = t.user_id
LEFT JOIN projects p ON p.id = t.project_id
LEFT JOIN tasks k ON k.id = t.task_id
LEFT JOIN invoices i ON i.id = t.invoice_id
WHERE t.practice_id = ?`
	args := []any{pid}
	if f.ClientID != 0 {
		q += " AND t.client_id = ?"
		args = append(args, f.ClientID)
	}
	if f.ProjectID != 0 {
		q += " AND t.project_id = ?"
		args = append(args, f.ProjectID)
	}
	if !from.IsZero() {
		q += " AND t.started_at >= ?"
		args = append(args, time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc).UTC())
	}
	if !to.IsZero() {
		q += " AND t.started_at < ?"
		args = append(args, time.Date(to.Year(), to.Month(), to.Day()+1, 0, 0, 0, 0, loc).UTC())
	}
	if f.Billable != nil {
		q += " AND t.billable = ?"
		args = append(args, *f.Billable)
	}
	if f.Invoiced != nil {
		if *f.Invoiced {
			q += " AND t.invoice_id IS NOT NULL"
		} else {
			q += " AND t.invoice_id IS NULL"
		}
	}
	q += " ORDER BY t.started_at, t.id"
	rows, err := s.st.ReadSQL().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("transfer: export time entries: %w", store.Translate(err))
	}
	return &Export{Name: "time-entries", header: TimeEntryColumns, rows: rows, scan: func(r *sql.Rows) ([]string, error) {
		var e exportedEntry
		if err := r.Scan(&e.id, &e.started, &e.client, &e.currency, &e.service, &e.project, &e.task, &e.user, &e.minutes,
			&e.billableMinutes, &e.billable, &e.rate, &e.amount, &e.note, &e.internal, &e.number); err != nil {
			return nil, err
		}
		return e.record(loc), nil
	}}, nil
}

// exportedEntry is one row of time-entries.csv as the database has it.
type exportedEntry struct {
	id, minutes, billableMinutes, rate, amount                             int64
	started                                                                time.Time
	client, currency, service, project, task, user, note, internal, number string
	billable                                                               bool
}

// record is e as a row under TimeEntryColumns, which vadesk's import reads
// back as the same work (FuzzVadeskRoundTrip holds it to that).
func (e exportedEntry) record(loc *time.Location) []string {
	return []string{strconv.FormatInt(e.id, 10), e.started.In(loc).Format(time.DateOnly),
		e.started.UTC().Format(time.RFC3339), safeText(e.client), safeText(e.service), safeText(e.project), safeText(e.task),
		safeText(e.user), strconv.FormatInt(e.minutes, 10), strconv.FormatInt(e.billableMinutes, 10), boolText(e.billable),
		decimal(e.rate, e.currency), decimal(e.amount, e.currency), e.currency, safeText(e.note), safeText(e.internal),
		safeText(e.number)}
}

// ClientColumns is the header of clients.csv.
var ClientColumns = []string{"id", "name", "company", "industry", "email", "phone", "website", "address", "tax_id",
	"code", "currency", "payment_terms_days", "rounding_minutes", "status", "notes", "created_at"}

// Clients prepares the client export in id order; status narrows it.
func (s *Service) Clients(ctx context.Context, status string) (*Export, error) {
	_, pid, _, _, err := s.prepare(ctx, ExportFilter{})
	if err != nil {
		return nil, err
	}
	q := `SELECT id, name, company, industry, email, phone, website, address, tax_id, code, currency,
  payment_terms_days, rounding_minutes, status, notes, created_at FROM clients WHERE practice_id = ?`
	args := []any{pid}
	if status != "" {
		var c apperr.Check
		c.OneOf("status", status, "prospect", "active", "archived")
		if err := c.Err(); err != nil {
			return nil, err
		}
		q += " AND status = ?"
		args = append(args, status)
	}
	rows, err := s.st.ReadSQL().QueryContext(ctx, q+" ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("transfer: export clients: %w", store.Translate(err))
	}
	return &Export{Name: "clients", header: ClientColumns, rows: rows, scan: func(r *sql.Rows) ([]string, error) {
		var id, terms, rounding int64
		var created time.Time
		v := make([]string, 12)
		if err := r.Scan(&id, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &terms, &rounding,
			&v[10], &v[11], &created); err != nil {
			return nil, err
		}
		for i := range v {
			v[i] = safeText(v[i])
		}
		return []string{strconv.FormatInt(id, 10), v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9],
			strconv.FormatInt(terms, 10), strconv.FormatInt(rounding, 10), v[10], v[11], created.UTC().Format(time.RFC3339)}, nil
	}}, nil
}

// ExpenseColumns is the header of expenses.csv.
var ExpenseColumns = []string{"id", "date", "client", "project", "description", "amount", "currency", "billable", "invoice_number"}

// Expenses prepares the expense export, oldest first.
func (s *Service) Expenses(ctx context.Context, f ExportFilter) (*Export, error) {
	_, pid, _, _, err := s.prepare(ctx, f)
	if err != nil {
		return nil, err
	}
	q := `SELECT e.id, e.date, c.name, COALESCE(p.name, ''), e.description, e.amount, c.currency, e.billable, COALESCE(i.number, '')
FROM expenses e
JOIN clients c ON c.id = e.client_id
LEFT JOIN projects p ON p.id = e.project_id
LEFT JOIN invoices i ON i.id = e.invoice_id
WHERE e.practice_id = ?`
	args := []any{pid}
	if f.ClientID != 0 {
		q += " AND e.client_id = ?"
		args = append(args, f.ClientID)
	}
	if f.ProjectID != 0 {
		q += " AND e.project_id = ?"
		args = append(args, f.ProjectID)
	}
	if f.From != "" {
		q += " AND e.date >= ?"
		args = append(args, f.From)
	}
	if f.To != "" {
		q += " AND e.date <= ?"
		args = append(args, f.To)
	}
	if f.Billable != nil {
		q += " AND e.billable = ?"
		args = append(args, *f.Billable)
	}
	if f.Invoiced != nil {
		if *f.Invoiced {
			q += " AND e.invoice_id IS NOT NULL"
		} else {
			q += " AND e.invoice_id IS NULL"
		}
	}
	rows, err := s.st.ReadSQL().QueryContext(ctx, q+" ORDER BY e.date, e.id", args...)
	if err != nil {
		return nil, fmt.Errorf("transfer: export expenses: %w", store.Translate(err))
	}
	return &Export{Name: "expenses", header: ExpenseColumns, rows: rows, scan: func(r *sql.Rows) ([]string, error) {
		var id, amount int64
		var day, client, project, desc, currency, number string
		var billable bool
		if err := r.Scan(&id, &day, &client, &project, &desc, &amount, &currency, &billable, &number); err != nil {
			return nil, err
		}
		return []string{strconv.FormatInt(id, 10), day, safeText(client), safeText(project), safeText(desc),
			decimal(amount, currency), currency, boolText(billable), safeText(number)}, nil
	}}, nil
}
