// Package worklog owns the work a practice records: time entries (with the
// rate resolved and stored when they are logged, so later rate changes never
// rewrite history), the one running timer per user that turns into an entry
// when it stops, and expenses to pass on to clients. Entries and expenses on
// an issued invoice are locked.
package worklog

import (
	"errors"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/catalog"
	"github.com/vadesk/vadesk/internal/clients"
	"github.com/vadesk/vadesk/internal/money"
	"github.com/vadesk/vadesk/internal/projects"
	"github.com/vadesk/vadesk/internal/store"
	"gorm.io/gorm"
)

// Service records the caller's time, timer and expenses.
type Service struct {
	st  *store.Store
	now func() time.Time
}

// New returns a Service over st; now is the clock the timer runs on (tests
// move it).
func New(st *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, now: func() time.Time { return now().UTC() }}
}

// MaxMinutes is the longest single entry: one day.
const MaxMinutes = 24 * 60

// Rate resolves the hourly rate of a piece of work: the client's own rate
// for the service wins, then the project's rate, then the service's default.
// A nil rate is "not set".
func Rate(clientRate, projectRate *int64, serviceDefault int64) int64 {
	switch {
	case clientRate != nil:
		return *clientRate
	case projectRate != nil:
		return *projectRate
	}
	return serviceDefault
}

// Amounts derives what an entry bills: the minutes rounded up to the
// client's increment, and their money at the hourly rate rounded half up.
// Work that is not billable bills nothing, whatever its rate.
func Amounts(minutes, rounding, hourlyRate int64, billable bool) (billableMinutes, amount int64) {
	if !billable {
		return 0, 0
	}
	billableMinutes = money.RoundUp(minutes, rounding)
	return billableMinutes, money.LineAmount(billableMinutes, hourlyRate)
}

// DefaultBillable is whether work is billable when the request does not
// say: when its service is, unless its project is not billed at all.
func DefaultBillable(serviceBillable bool, projectBilling string) bool {
	return serviceBillable && projectBilling != projects.BillingNonBillable
}

// TimerMinutes turns a timer's running time into an entry's minutes:
// rounded to the nearest minute, at least one, at most a day.
func TimerMinutes(d time.Duration) int64 {
	m := int64((d + 30*time.Second) / time.Minute)
	return min(max(m, 1), MaxMinutes)
}

// work is what a piece of time is for; entries and timers share it.
type work struct {
	ClientID  int64
	ServiceID int64
	ProjectID *int64
	TaskID    *int64
}

// refs are the rows a piece of work refers to, loaded and checked.
type refs struct {
	client  clients.Client
	service catalog.Service
	project *projects.Project
	task    *projects.Task
}

// projectBilling is the billing model of the work's project, "" without one.
func (r refs) projectBilling() string {
	if r.project == nil {
		return ""
	}
	return r.project.Billing
}

// fresh says which references are new to the row, so an archived client or
// service is refused for new work but does not block editing old work.
// followTask has the work take its task's project as it is now, for time
// recorded before the task moved (a running timer).
type fresh struct{ client, service, followTask bool }

// resolve loads what w refers to through tx and records on c every id that
// does not exist for the caller or does not fit together (a project or task
// of another client, a task of another project). A task's project becomes
// the work's project when none is given. Only storage failures are
// returned; c carries the rest.
func resolve(tx *gorm.DB, c *apperr.Check, w *work, f fresh) (refs, error) {
	var r refs
	clientOK := false
	if w.ClientID != 0 || !c.Has("client_id") {
		cl, err := clients.Get(tx, w.ClientID)
		switch {
		case errors.Is(err, apperr.ErrNotFound):
			c.Add("client_id", "does not exist")
		case err != nil:
			return r, err
		case f.client && cl.Status == clients.StatusArchived:
			c.Add("client_id", "is archived")
		}
		r.client, clientOK = cl, err == nil
	}
	if w.ServiceID != 0 || !c.Has("service_id") {
		sv, err := catalog.Get(tx, w.ServiceID)
		switch {
		case errors.Is(err, apperr.ErrNotFound):
			c.Add("service_id", "does not exist")
		case err != nil:
			return r, err
		case f.service && sv.Archived:
			c.Add("service_id", "is archived")
		}
		r.service = sv
	}
	if w.TaskID != nil {
		t, err := projects.GetTask(tx, *w.TaskID)
		switch {
		case errors.Is(err, apperr.ErrNotFound):
			c.Add("task_id", "does not exist")
		case err != nil:
			return r, err
		case clientOK && t.ClientID != w.ClientID:
			c.Add("task_id", "belongs to another client")
		case t.ProjectID != nil && (w.ProjectID == nil || f.followTask):
			w.ProjectID = t.ProjectID
			r.task = &t
		case t.ProjectID != nil && *t.ProjectID != *w.ProjectID:
			c.Add("task_id", "belongs to another project")
		default:
			r.task = &t
		}
	}
	if w.ProjectID != nil {
		p, err := projects.Get(tx, *w.ProjectID)
		switch {
		case errors.Is(err, apperr.ErrNotFound):
			c.Add("project_id", "does not exist")
		case err != nil:
			return r, err
		case clientOK && p.ClientID != w.ClientID:
			c.Add("project_id", "belongs to another client")
		default:
			r.project = &p
		}
	}
	return r, nil
}

// rate resolves the hourly rate for work whose references are loaded.
func rate(tx *gorm.DB, r refs) (int64, error) {
	var clientRate, projectRate *int64
	cr, err := clients.GetRate(tx, r.client.ID, r.service.ID)
	switch {
	case err == nil:
		clientRate = &cr.HourlyRate
	case !errors.Is(err, apperr.ErrNotFound):
		return 0, err
	}
	if r.project != nil {
		projectRate = r.project.HourlyRate
	}
	return Rate(clientRate, projectRate, r.service.DefaultHourlyRate), nil
}

// currencies returns the currency of each of the given clients in one
// query, so a page of entries or expenses costs two queries, not n+1.
func currencies(db *gorm.DB, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []clients.Client
	if err := db.Select("id", "currency").Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, store.Translate(err)
	}
	for _, c := range rows {
		out[c.ID] = c.Currency
	}
	return out, nil
}

// distinct returns the distinct values of id over rows, in first-seen order.
func distinct[T any](rows []T, id func(T) int64) []int64 {
	seen := make(map[int64]bool, 8)
	var out []int64
	for _, r := range rows {
		if v := id(r); !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// dateRange checks an inclusive range of calendar dates (either end may be
// empty) and reports it as strings; a reversed range is invalid.
func dateRange(c *apperr.Check, from, to string) {
	var f, t time.Time
	if from != "" {
		f = c.Date("from", from)
	}
	if to != "" {
		t = c.Date("to", to)
	}
	if from != "" && to != "" && !c.Has("from") && !c.Has("to") && t.Before(f) {
		c.Add("to", "must not be before from")
	}
}

func idOrNil(p *int64) *int64 {
	if p == nil || *p == 0 {
		return nil
	}
	return p
}

func sameID(a, b *int64) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}
