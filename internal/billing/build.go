package billing

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/catalog"
	"github.com/vadesk/vadesk/internal/practice"
	"github.com/vadesk/vadesk/internal/projects"
	"github.com/vadesk/vadesk/internal/store"
	"gorm.io/gorm"
)

// work is what a draft bills, sorted out by how it is billed.
type work struct {
	hourly   []entry           // billed by the hour
	fixed    map[int64][]entry // by fixed-fee project: held, billed by the project's fee
	expenses []expense
	projects map[int64]project
	services map[int64]string // service names
	tasks    map[int64]string // task titles
}

// built is a generated line and the work it bills.
type built struct {
	line     Line
	entries  []int64
	expenses []int64
}

// bounds are the UTC instants [start, end) of the invoice's period (its
// dates, both included, in the practice's calendar) that time entries are
// compared with.
func (inv Invoice) bounds(cal practice.Calendar) (start, end time.Time) {
	from, _ := time.Parse(time.DateOnly, inv.PeriodFrom)
	to, _ := time.Parse(time.DateOnly, inv.PeriodTo)
	return cal.PeriodBounds(from, to)
}

// gather reads the client's unbilled billable work in the invoice's period
// that no draft holds yet.
func gather(tx *gorm.DB, inv *Invoice, cal practice.Calendar) (work, error) {
	start, end := inv.bounds(cal)
	es, err := scanEntries(tx.Model(&entry{}).
		Where("client_id = ? AND billable = ? AND invoice_id IS NULL AND draft_invoice_id IS NULL AND started_at >= ? AND started_at < ?",
			inv.ClientID, true, start, end).Order("started_at, id"))
	if err != nil {
		return work{}, err
	}
	var xs []expense
	err = tx.Where("client_id = ? AND billable = ? AND invoice_id IS NULL AND draft_invoice_id IS NULL AND date >= ? AND date <= ?",
		inv.ClientID, true, inv.PeriodFrom, inv.PeriodTo).Order("date, id").Find(&xs).Error
	if err != nil {
		return work{}, store.Translate(err)
	}
	return sortWork(tx, inv, es, xs)
}

// entryColumns are the columns of entry, as scanEntries reads them; the
// start is selected raw for store.ScanTime.
const entryColumns = "time_entries.id, time_entries.practice_id, time_entries.client_id, time_entries.service_id, " +
	"time_entries.project_id, time_entries.task_id, +time_entries.started_at, time_entries.billable, " +
	"time_entries.billable_minutes, time_entries.hourly_rate, time_entries.note, time_entries.invoice_id, " +
	"time_entries.draft_invoice_id"

// scanEntries runs q, a query on entry that GORM scopes to the caller's
// practice, and scans the rows by hand: a year of work is ten thousand
// rows, read when the draft is made and again when it is issued, and
// GORM's reflective scan of them cost more than the queries themselves.
func scanEntries(q *gorm.DB) ([]entry, error) {
	rows, err := q.Select(entryColumns).Rows()
	if err != nil {
		return nil, store.Translate(err)
	}
	defer rows.Close()
	var out []entry
	for rows.Next() {
		var e entry
		if err := rows.Scan(&e.ID, &e.PracticeID, &e.ClientID, &e.ServiceID, &e.ProjectID, &e.TaskID,
			store.ScanTime(&e.StartedAt), &e.Billable, &e.BillableMinutes, &e.HourlyRate, &e.Note,
			&e.InvoiceID, &e.DraftInvoiceID); err != nil {
			return nil, fmt.Errorf("billing: read time entries: %w", err)
		}
		out = append(out, e)
	}
	return out, store.Translate(rows.Err())
}

// sortWork looks up the projects, services and tasks of entries and sorts
// the entries into hourly and fixed-fee work (see classify).
func sortWork(tx *gorm.DB, inv *Invoice, es []entry, xs []expense) (work, error) {
	w, held, err := lookup(tx, inv, es)
	if err != nil {
		return work{}, err
	}
	w.expenses = xs
	w.classify(es, held)
	return w, nil
}

// lookup reads what entries refer to: their projects, service names and
// task titles, and which fixed-fee projects another draft already bills.
func lookup(tx *gorm.DB, inv *Invoice, es []entry) (work, map[int64]bool, error) {
	w := work{fixed: map[int64][]entry{}, projects: map[int64]project{},
		services: map[int64]string{}, tasks: map[int64]string{}}
	var pids, sids, tids []int64
	for _, e := range es {
		if e.ProjectID != nil {
			pids = append(pids, *e.ProjectID)
		}
		if e.TaskID != nil {
			tids = append(tids, *e.TaskID)
		}
		sids = append(sids, e.ServiceID)
	}
	if len(pids) > 0 {
		var ps []project
		if err := tx.Where("id IN ?", uniq(pids)).Find(&ps).Error; err != nil {
			return work{}, nil, store.Translate(err)
		}
		for _, p := range ps {
			w.projects[p.ID] = p
		}
	}
	if len(sids) > 0 {
		var ss []catalog.Service
		if err := tx.Select("id", "name").Where("id IN ?", uniq(sids)).Find(&ss).Error; err != nil {
			return work{}, nil, store.Translate(err)
		}
		for _, s := range ss {
			w.services[s.ID] = s.Name
		}
	}
	if len(tids) > 0 {
		var ts []task
		if err := tx.Select("id", "title").Where("id IN ?", uniq(tids)).Find(&ts).Error; err != nil {
			return work{}, nil, store.Translate(err)
		}
		for _, t := range ts {
			w.tasks[t.ID] = t.Title
		}
	}
	held, err := feesHeldElsewhere(tx, inv, pids)
	if err != nil {
		return work{}, nil, err
	}
	return w, held, nil
}

// classify sorts entries into hourly work and fixed-fee work (by project)
// from the projects already looked up. Entries of non-billable projects,
// and of fixed-fee projects already billed or held by another draft, are
// left out: the fee covers them, and it is billed once.
func (w *work) classify(es []entry, held map[int64]bool) {
	w.hourly, w.fixed = nil, map[int64][]entry{}
	for _, e := range es {
		if e.ProjectID == nil {
			w.hourly = append(w.hourly, e)
			continue
		}
		p, ok := w.projects[*e.ProjectID]
		switch {
		case !ok || p.Billing == projects.BillingHourly:
			w.hourly = append(w.hourly, e)
		case p.Billing == projects.BillingFixedFee:
			if p.InvoiceID == nil && p.FixedFee != nil && !held[p.ID] {
				w.fixed[p.ID] = append(w.fixed[p.ID], e)
			}
		case p.Billing == projects.BillingNonBillable:
		default:
			w.hourly = append(w.hourly, e)
		}
	}
}

// feesHeldElsewhere returns which of the fixed-fee projects are already on
// another draft: projects have no draft column, so the fee lines say it.
func feesHeldElsewhere(tx *gorm.DB, inv *Invoice, projectIDs []int64) (map[int64]bool, error) {
	held := map[int64]bool{}
	if len(projectIDs) == 0 {
		return held, nil
	}
	var ids []int64
	err := tx.Raw(`SELECT l.project_id FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
		WHERE i.practice_id = ? AND i.status = ? AND i.id <> ? AND l.kind = ? AND l.project_id IN ?`,
		inv.PracticeID, StatusDraft, inv.ID, KindFixedFee, uniq(projectIDs)).Scan(&ids).Error
	if err != nil {
		return nil, store.Translate(err)
	}
	for _, id := range ids {
		held[id] = true
	}
	return held, nil
}

func uniq(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// lineKey identifies the line a time entry goes into.
type lineKey struct{ task, service, rate, entry int64 }

func keyOf(groupBy string, e entry) lineKey {
	switch groupBy {
	case GroupByEntry:
		return lineKey{entry: e.ID}
	case GroupByTask:
		return lineKey{task: deref(e.TaskID), service: e.ServiceID, rate: e.HourlyRate}
	}
	return lineKey{service: e.ServiceID, rate: e.HourlyRate}
}

// buildLines makes the generated lines of a draft: time grouped as asked,
// then one line per fixed-fee project, then one per expense. Each time
// line's amount is its grouped minutes at its rate, rounded once.
func buildLines(groupBy string, w work, loc *time.Location) ([]built, error) {
	groups := map[lineKey]*built{}
	var order []lineKey
	firstStart := map[lineKey]time.Time{}
	for _, e := range w.hourly {
		k := keyOf(groupBy, e)
		b, ok := groups[k]
		if !ok {
			svc := e.ServiceID
			b = &built{line: Line{Kind: KindTime, ServiceID: &svc, UnitPrice: e.HourlyRate, QuantityMinutes: new(int64)}}
			switch groupBy {
			case GroupByTask:
				b.line.TaskID = clone(e.TaskID)
			case GroupByEntry:
				b.line.TaskID = clone(e.TaskID)
				b.line.ProjectID = clone(e.ProjectID)
				b.line.Description = entryDescription(e, w.services[e.ServiceID], loc)
			}
			groups[k] = b
			order = append(order, k)
			firstStart[k] = e.StartedAt
		}
		*b.line.QuantityMinutes += e.BillableMinutes
		b.entries = append(b.entries, e.ID)
	}
	tasksWithSeveral := map[int64]int{}
	for _, k := range order {
		if k.task != 0 {
			tasksWithSeveral[k.task]++
		}
	}
	slices.SortStableFunc(order, func(a, b lineKey) int {
		switch groupBy {
		case GroupByEntry:
			return firstStart[a].Compare(firstStart[b])
		case GroupByTask:
			if c := cmp.Compare(boolInt(a.task == 0), boolInt(b.task == 0)); c != 0 {
				return c
			}
			if c := cmp.Compare(w.tasks[a.task], w.tasks[b.task]); c != 0 {
				return c
			}
			if c := cmp.Compare(a.task, b.task); c != 0 {
				return c
			}
		}
		if c := cmp.Compare(w.services[a.service], w.services[b.service]); c != 0 {
			return c
		}
		if c := cmp.Compare(a.service, b.service); c != 0 {
			return c
		}
		return cmp.Compare(a.rate, b.rate)
	})
	out := make([]built, 0, len(order)+len(w.fixed)+len(w.expenses))
	for _, k := range order {
		b := groups[k]
		amount, ok := TimeAmount(*b.line.QuantityMinutes, b.line.UnitPrice)
		if !ok {
			return nil, apperr.Invalid("lines", "the time on this invoice is worth more than this app can bill on one line")
		}
		b.line.Amount = amount
		switch groupBy {
		case GroupByService:
			b.line.Description = w.services[k.service]
		case GroupByTask:
			b.line.Description = w.services[k.service]
			if k.task != 0 {
				b.line.Description = w.tasks[k.task]
				if tasksWithSeveral[k.task] > 1 {
					b.line.Description += " — " + w.services[k.service]
				}
			}
		}
		out = append(out, *b)
	}
	pids := make([]int64, 0, len(w.fixed))
	for id := range w.fixed {
		pids = append(pids, id)
	}
	slices.Sort(pids)
	for _, id := range pids {
		p := w.projects[id]
		pid, fee := p.ID, *p.FixedFee
		b := built{line: Line{Kind: KindFixedFee, Description: p.Name, ProjectID: &pid,
			QuantityMilli: ptr(int64(1000)), UnitPrice: fee, Amount: fee}}
		for _, e := range w.fixed[id] {
			b.entries = append(b.entries, e.ID)
		}
		out = append(out, b)
	}
	for _, x := range w.expenses {
		out = append(out, built{line: Line{Kind: KindExpense, Description: x.Description, ProjectID: clone(x.ProjectID),
			QuantityMilli: ptr(int64(1000)), UnitPrice: x.Amount, Amount: x.Amount}, expenses: []int64{x.ID}})
	}
	return out, nil
}

// entryDescription is the text of a one-entry line: its date in the
// practice's time zone, its service, and the note the client may see (never
// the internal note, which billing does not even read).
func entryDescription(e entry, service string, loc *time.Location) string {
	s := e.StartedAt.In(loc).Format(time.DateOnly) + " · " + service
	if e.Note != "" {
		s += " — " + e.Note
	}
	return s
}

// sameMoney reports whether two lines bill the same thing for the same
// money; descriptions may differ (a service renamed is not new work).
func sameMoney(a, b Line) bool {
	return a.Kind == b.Kind && a.UnitPrice == b.UnitPrice && a.Amount == b.Amount &&
		eqPtr(a.QuantityMinutes, b.QuantityMinutes) && eqPtr(a.QuantityMilli, b.QuantityMilli) &&
		eqPtr(a.ServiceID, b.ServiceID) && eqPtr(a.TaskID, b.TaskID) && eqPtr(a.ProjectID, b.ProjectID)
}

func eqPtr(a, b *int64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func clone(p *int64) *int64 {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func ptr[T any](v T) *T { return &v }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
