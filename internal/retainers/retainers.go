// Package retainers owns the monthly packages of hours VAs sell: a fee for
// so many included minutes, overage at an hourly rate, and optionally some
// unused minutes carried into the next month. It answers how much of a
// month is used and left, bills a month as the fee plus overage (not each
// entry at its hourly rate), and makes those invoices by itself on the
// first day of the next month, exactly once.
//
// The money terms (included minutes, fee, overage rate, rollover, the
// services covered) are versioned by the period they start in, so changing
// them "from next month on" never rewrites a month already billed.
package retainers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/billing"
	"github.com/vadesk/vadesk/internal/catalog"
	"github.com/vadesk/vadesk/internal/clients"
	"github.com/vadesk/vadesk/internal/money"
	"github.com/vadesk/vadesk/internal/practice"
	"github.com/vadesk/vadesk/internal/store"
	"gorm.io/gorm"
)

// PeriodMonth is the one period length there is: calendar months in the
// practice's time zone.
const PeriodMonth = "month"

// How a retainer makes its invoices.
const (
	AutoOff   = "off"   // the VA invoices each month by hand
	AutoDraft = "draft" // a draft on the first day of the next month
	AutoIssue = "issue" // an issued invoice on the first day of the next month
)

// MaxMinutes bounds included and rollover minutes: every minute of a
// 31-day month.
const MaxMinutes = 31 * 24 * 60

// PeriodLayout is how periods travel: YYYY-MM.
const PeriodLayout = "2006-01"

// Retainer is one client's package of hours.
type Retainer struct {
	ID          int64 `gorm:"primaryKey"`
	PracticeID  int64
	ClientID    int64
	Name        string
	Period      string
	StartsOn    string  // the first day of a month
	EndsOn      *string // the last day of a month; nil runs on
	AutoInvoice string
	CreatedAt   time.Time
	UpdatedAt   time.Time

	// Terms are every version of the terms, oldest first; filled on read.
	Terms []Terms `gorm:"-"`
	// Current are the terms of this month in the practice's time zone (of
	// the first month, before it starts); filled on read.
	Current Terms `gorm:"-"`
	// Currency is the client's; filled on read.
	Currency string `gorm:"-"`
}

// Terms are what a retainer sells from a period on.
type Terms struct {
	ID                int64 `gorm:"primaryKey"`
	PracticeID        int64
	RetainerID        int64
	EffectiveFrom     string // YYYY-MM
	IncludedMinutes   int64
	Fee               int64
	OverageHourlyRate int64
	RolloverMinutes   int64
	CreatedAt         time.Time
	UpdatedAt         time.Time

	// ServiceIDs are the services covered, sorted; empty covers all work.
	ServiceIDs []int64 `gorm:"-"`
}

// TableName maps Terms to its table.
func (Terms) TableName() string { return "retainer_terms" }

// covers reports whether the terms count work on a service.
func (t Terms) covers(serviceID int64) bool {
	return len(t.ServiceIDs) == 0 || slices.Contains(t.ServiceIDs, serviceID)
}

type termsService struct {
	PracticeID int64
	TermsID    int64 `gorm:"primaryKey;autoIncrement:false"`
	ServiceID  int64 `gorm:"primaryKey;autoIncrement:false"`
}

func (termsService) TableName() string { return "retainer_services" }

// periodInvoice records the invoice made for a retainer's period; its key
// is what keeps the scheduler from billing a month twice.
type periodInvoice struct {
	PracticeID int64
	RetainerID int64  `gorm:"primaryKey;autoIncrement:false"`
	Period     string `gorm:"primaryKey"`
	InvoiceID  *int64
	CreatedAt  time.Time
}

func (periodInvoice) TableName() string { return "retainer_invoices" }

// TermsFor returns the terms in force in a period (YYYY-MM); ok is false
// before the first.
func (r Retainer) TermsFor(period string) (Terms, bool) {
	var out Terms
	ok := false
	for _, t := range r.Terms {
		if t.EffectiveFrom <= period {
			out, ok = t, true
		}
	}
	return out, ok
}

// FirstPeriod is the month the retainer starts in.
func (r Retainer) FirstPeriod() string { return r.StartsOn[:7] }

// LastPeriod is the month it ends in, "" when it runs on.
func (r Retainer) LastPeriod() string {
	if r.EndsOn == nil {
		return ""
	}
	return (*r.EndsOn)[:7]
}

// Runs reports whether the retainer covers a period.
func (r Retainer) Runs(period string) bool {
	return period >= r.FirstPeriod() && (r.EndsOn == nil || period <= r.LastPeriod())
}

// Service manages the caller's retainers.
type Service struct {
	st      *store.Store
	billing *billing.Service
	now     func() time.Time
}

// New returns a Service over st; issuing recurring invoices goes through
// bill, so numbering and locking stay billing's. It teaches bill to rebuild
// a retainer's lines when it refreshes the retainer's draft, and to check
// them when it issues it: build the API's billing and retainers on the
// same bill.
func New(st *store.Store, bill *billing.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	s := &Service{st: st, billing: bill, now: func() time.Time { return now().UTC() }}
	bill.RemakeWith(s.remake)
	bill.CheckWith(s.current)
	return s
}

// get reads a retainer of a client with its terms.
func (s *Service) get(db *gorm.DB, clientID, id int64) (Retainer, error) {
	var r Retainer
	if err := db.Take(&r, "id = ? AND client_id = ?", id, clientID).Error; err != nil {
		return Retainer{}, store.NotFound(err, "retainer")
	}
	rs := []Retainer{r}
	if err := fill(db, rs, s.now); err != nil {
		return Retainer{}, err
	}
	return rs[0], nil
}

// fill reads the terms, services and currency of retainers; now decides
// which terms are current.
func fill(db *gorm.DB, rs []Retainer, now func() time.Time) error {
	if len(rs) == 0 {
		return nil
	}
	// db carries the request's context, as every scoped handle does.
	p, err := practice.Of(db.Statement.Context, db)
	if err != nil {
		return err
	}
	period := p.Calendar(now).Today().Format(PeriodLayout)
	ids := make([]int64, len(rs))
	cids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i], cids[i] = r.ID, r.ClientID
	}
	var ts []Terms
	if err := db.Where("retainer_id IN ?", ids).Order("retainer_id, effective_from").Find(&ts).Error; err != nil {
		return store.Translate(err)
	}
	tids := make([]int64, len(ts))
	for i, t := range ts {
		tids[i] = t.ID
	}
	var links []termsService
	if len(tids) > 0 {
		if err := db.Where("terms_id IN ?", tids).Order("terms_id, service_id").Find(&links).Error; err != nil {
			return store.Translate(err)
		}
	}
	svcs := map[int64][]int64{}
	for _, l := range links {
		svcs[l.TermsID] = append(svcs[l.TermsID], l.ServiceID)
	}
	var cls []clients.Client
	if err := db.Select("id", "currency").Where("id IN ?", cids).Find(&cls).Error; err != nil {
		return store.Translate(err)
	}
	cur := map[int64]string{}
	for _, c := range cls {
		cur[c.ID] = c.Currency
	}
	byRetainer := map[int64][]Terms{}
	for _, t := range ts {
		t.ServiceIDs = svcs[t.ID]
		byRetainer[t.RetainerID] = append(byRetainer[t.RetainerID], t)
	}
	for i := range rs {
		rs[i].Terms = byRetainer[rs[i].ID]
		rs[i].Currency = cur[rs[i].ClientID]
		rs[i].Current, _ = rs[i].TermsFor(max(period, rs[i].FirstPeriod()))
	}
	return nil
}

// List returns a client's retainers, newest start first.
func (s *Service) List(ctx context.Context, clientID int64) ([]Retainer, error) {
	db := s.st.Read(ctx)
	if _, err := clients.Get(db, clientID); err != nil {
		return nil, err
	}
	var rs []Retainer
	if err := db.Where("client_id = ?", clientID).Order("starts_on DESC, id DESC").Find(&rs).Error; err != nil {
		return nil, store.Translate(err)
	}
	return rs, fill(db, rs, s.now)
}

// Get returns one retainer of a client.
func (s *Service) Get(ctx context.Context, clientID, id int64) (Retainer, error) {
	db := s.st.Read(ctx)
	if _, err := clients.Get(db, clientID); err != nil {
		return Retainer{}, err
	}
	return s.get(db, clientID, id)
}

// Input is a retainer to create or the fields to change (nil: unchanged).
// On change, the terms (IncludedMinutes, Fee, OverageHourlyRate,
// RolloverMinutes, ServiceIDs) apply from EffectiveFrom (YYYY-MM, the next
// period by default) on; the rest applies at once.
type Input struct {
	Name              *string
	Period            *string
	IncludedMinutes   *int64
	Fee               *int64
	OverageHourlyRate *int64
	RolloverMinutes   *int64
	ServiceIDs        *[]int64
	StartsOn          *string
	EndsOn            **string
	AutoInvoice       *string
	EffectiveFrom     *string
}

func (in Input) termsChanged() bool {
	return in.IncludedMinutes != nil || in.Fee != nil || in.OverageHourlyRate != nil || in.RolloverMinutes != nil || in.ServiceIDs != nil
}

// applyTerms checks and sets the terms fields of in on t.
func (in Input) applyTerms(c *apperr.Check, t *Terms, creating bool) {
	req := func(field string, v *int64) {
		if creating && v == nil {
			c.Add(field, "is required")
		}
	}
	req("included_minutes", in.IncludedMinutes)
	req("fee", in.Fee)
	req("overage_hourly_rate", in.OverageHourlyRate)
	if in.IncludedMinutes != nil {
		t.IncludedMinutes = *in.IncludedMinutes
		c.Range("included_minutes", t.IncludedMinutes, 0, MaxMinutes)
	}
	if in.Fee != nil {
		t.Fee = *in.Fee
		money.CheckAmount(c, "fee", t.Fee)
	}
	if in.OverageHourlyRate != nil {
		t.OverageHourlyRate = *in.OverageHourlyRate
		money.CheckAmount(c, "overage_hourly_rate", t.OverageHourlyRate)
	}
	if in.RolloverMinutes != nil {
		t.RolloverMinutes = *in.RolloverMinutes
		c.Range("rollover_minutes", t.RolloverMinutes, 0, MaxMinutes)
	}
	if in.ServiceIDs != nil {
		ids := slices.Clone(*in.ServiceIDs)
		slices.Sort(ids)
		t.ServiceIDs = slices.Compact(ids)
		if len(t.ServiceIDs) > 100 {
			c.Add("service_ids", "must list at most 100 services")
		}
	}
}

// applyPlain checks and sets the fields that are not terms.
func (in Input) applyPlain(c *apperr.Check, r *Retainer, creating bool) {
	if in.Name != nil {
		r.Name = strings.TrimSpace(*in.Name)
	}
	if in.Name != nil || creating {
		c.Text("name", r.Name, true, 200)
	}
	if in.Period != nil {
		r.Period = *in.Period
		c.OneOf("period", r.Period, PeriodMonth)
	}
	if in.AutoInvoice != nil {
		r.AutoInvoice = *in.AutoInvoice
		c.OneOf("auto_invoice", r.AutoInvoice, AutoOff, AutoDraft, AutoIssue)
	}
	if in.StartsOn != nil {
		r.StartsOn = *in.StartsOn
		if d := c.Date("starts_on", r.StartsOn); !c.Has("starts_on") && d.Day() != 1 {
			c.Add("starts_on", "must be the first day of a month")
		}
	}
	if in.EndsOn != nil {
		r.EndsOn = *in.EndsOn
		if r.EndsOn != nil {
			if d := c.Date("ends_on", *r.EndsOn); !c.Has("ends_on") && d.AddDate(0, 0, 1).Day() != 1 {
				c.Add("ends_on", "must be the last day of a month")
			}
		}
	}
	if r.EndsOn != nil && !c.Has("ends_on") && !c.Has("starts_on") && *r.EndsOn < r.StartsOn {
		c.Add("ends_on", "must not be before starts_on")
	}
}

// checkServices records service ids that are not the caller's.
func checkServices(tx *gorm.DB, c *apperr.Check, ids []int64) error {
	for _, id := range ids {
		_, err := catalog.Get(tx, id)
		if errors.Is(err, apperr.ErrNotFound) {
			c.Add("service_ids", "service %d does not exist", id)
			continue
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// overlaps refuses a second retainer for the same months of one client:
// two packages counting the same hours would bill them twice.
func overlaps(tx *gorm.DB, r Retainer) error {
	var others []Retainer
	if err := tx.Where("client_id = ? AND id <> ?", r.ClientID, r.ID).Find(&others).Error; err != nil {
		return store.Translate(err)
	}
	for _, o := range others {
		if (o.EndsOn == nil || *o.EndsOn >= r.StartsOn) && (r.EndsOn == nil || *r.EndsOn >= o.StartsOn) {
			return apperr.Conflict("the client's retainer %q already covers some of these months; end it first", o.Name)
		}
	}
	return nil
}

func saveServices(tx *gorm.DB, t Terms) error {
	if err := tx.Where("terms_id = ?", t.ID).Delete(&termsService{}).Error; err != nil {
		return err
	}
	for _, id := range t.ServiceIDs {
		if err := tx.Create(&termsService{TermsID: t.ID, ServiceID: id}).Error; err != nil {
			return err
		}
	}
	return nil
}

// Create adds a retainer to a client. It starts this month unless told.
func (s *Service) Create(ctx context.Context, clientID int64, in Input) (Retainer, error) {
	var out Retainer
	err := s.st.Tx(ctx, func(tx *gorm.DB) error {
		if _, err := clients.Get(tx, clientID); err != nil {
			return err
		}
		p, err := practice.Of(ctx, tx)
		if err != nil {
			return err
		}
		r := Retainer{ClientID: clientID, Period: PeriodMonth, AutoInvoice: AutoOff,
			StartsOn: p.Calendar(s.now).Today().Format(PeriodLayout) + "-01"}
		var c apperr.Check
		in.applyPlain(&c, &r, true)
		var t Terms
		in.applyTerms(&c, &t, true)
		if in.EffectiveFrom != nil {
			c.Add("effective_from", "is only for changes; a new retainer's terms start with it")
		}
		if err := checkServices(tx, &c, t.ServiceIDs); err != nil {
			return err
		}
		if err := c.Err(); err != nil {
			return err
		}
		if err := overlaps(tx, r); err != nil {
			return err
		}
		if err := tx.Create(&r).Error; err != nil {
			return err
		}
		t.RetainerID, t.EffectiveFrom = r.ID, r.FirstPeriod()
		if err := tx.Create(&t).Error; err != nil {
			return err
		}
		if err := saveServices(tx, t); err != nil {
			return err
		}
		out, err = s.get(tx, clientID, r.ID)
		return err
	})
	return out, err
}

// invoicedFrom returns the latest period of the retainer with a live
// (not deleted, not void) invoice, "" when none.
func invoicedFrom(tx *gorm.DB, retainerID int64) (string, error) {
	var latest *string
	err := tx.Raw(`SELECT MAX(ri.period) FROM retainer_invoices ri JOIN invoices i ON i.id = ri.invoice_id
WHERE ri.retainer_id = ? AND i.status <> 'void'`, retainerID).Scan(&latest).Error
	if err != nil || latest == nil {
		return "", err
	}
	return *latest, nil
}

// Update changes a retainer. New terms apply from EffectiveFrom (by default
// the next period) on, which must come after every period already
// invoiced, and after this one: a running month keeps the terms it started
// with.
func (s *Service) Update(ctx context.Context, clientID, id int64, in Input) (Retainer, error) {
	var out Retainer
	err := s.st.Tx(ctx, func(tx *gorm.DB) error {
		r, err := s.get(tx, clientID, id)
		if err != nil {
			return err
		}
		p, err := practice.Of(ctx, tx)
		if err != nil {
			return err
		}
		var c apperr.Check
		if in.StartsOn != nil && *in.StartsOn != r.StartsOn {
			c.Add("starts_on", "cannot change; end this retainer and start a new one")
		}
		if in.Period != nil && *in.Period != r.Period {
			c.Add("period", "cannot change")
		}
		in.StartsOn, in.Period = nil, nil
		in.applyPlain(&c, &r, false)
		billed, err := invoicedFrom(tx, r.ID)
		if err != nil {
			return err
		}
		if in.EndsOn != nil && r.EndsOn != nil && billed != "" && r.LastPeriod() < billed {
			c.Add("ends_on", "must not be before %s, which is invoiced already", billed)
		}
		var t Terms
		next := nextPeriod(p.Calendar(s.now).Today().Format(PeriodLayout))
		from := max(next, r.FirstPeriod())
		if in.EffectiveFrom != nil {
			from = *in.EffectiveFrom
			checkPeriod(&c, "effective_from", from)
			if earliest := max(next, r.FirstPeriod()); !c.Has("effective_from") && from < earliest {
				c.Add("effective_from", "must be %s or later: a period that has begun keeps its terms", earliest)
			}
		}
		if in.EffectiveFrom != nil && !in.termsChanged() {
			c.Add("effective_from", "is only for changes of the terms")
		}
		if in.termsChanged() && !c.Has("effective_from") {
			if billed != "" && from <= billed {
				c.Add("effective_from", "must be after %s, which is invoiced already", billed)
			}
			base, _ := r.TermsFor(from)
			if base.ID == 0 {
				base = r.Terms[0]
			}
			t = base
			t.ID, t.CreatedAt, t.UpdatedAt = 0, time.Time{}, time.Time{}
			in.applyTerms(&c, &t, false)
			if err := checkServices(tx, &c, t.ServiceIDs); err != nil {
				return err
			}
		}
		if err := c.Err(); err != nil {
			return err
		}
		if err := overlaps(tx, r); err != nil {
			return err
		}
		if err := tx.Select("name", "ends_on", "auto_invoice", "updated_at").Updates(&r).Error; err != nil {
			return err
		}
		if in.termsChanged() {
			t.EffectiveFrom = from
			var existing Terms
			err := tx.Where("retainer_id = ? AND effective_from = ?", r.ID, from).Take(&existing).Error
			switch {
			case err == nil:
				t.ID, t.CreatedAt = existing.ID, existing.CreatedAt
				if err := tx.Save(&t).Error; err != nil {
					return err
				}
			case errors.Is(err, gorm.ErrRecordNotFound):
				if err := tx.Create(&t).Error; err != nil {
					return err
				}
			default:
				return err
			}
			if err := saveServices(tx, t); err != nil {
				return err
			}
		}
		out, err = s.get(tx, clientID, r.ID)
		return err
	})
	return out, err
}

// End stops a retainer after the current period. One that has not begun
// and never billed is deleted instead (deleted is true).
func (s *Service) End(ctx context.Context, clientID, id int64) (r Retainer, deleted bool, err error) {
	err = s.st.Tx(ctx, func(tx *gorm.DB) error {
		if r, err = s.get(tx, clientID, id); err != nil {
			return err
		}
		p, err := practice.Of(ctx, tx)
		if err != nil {
			return err
		}
		cur := p.Calendar(s.now).Today().Format(PeriodLayout)
		var n int64
		if err := tx.Model(&periodInvoice{}).Where("retainer_id = ?", r.ID).Count(&n).Error; err != nil {
			return err
		}
		if r.FirstPeriod() > cur && n == 0 {
			deleted = true
			return tx.Delete(&r).Error
		}
		end := lastDay(cur)
		if r.EndsOn != nil && *r.EndsOn <= end {
			return nil // ends already
		}
		r.EndsOn = &end
		if err := tx.Select("ends_on", "updated_at").Updates(&r).Error; err != nil {
			return err
		}
		r, err = s.get(tx, clientID, r.ID)
		return err
	})
	return r, deleted, err
}

// periodStart is the first day of a period as a date.
func periodStart(period string) time.Time {
	t, _ := time.Parse(PeriodLayout, period)
	return t
}

func nextPeriod(period string) string {
	return periodStart(period).AddDate(0, 1, 0).Format(PeriodLayout)
}

// lastDay is the last date of a period.
func lastDay(period string) string {
	return periodStart(period).AddDate(0, 1, -1).Format(time.DateOnly)
}

// checkPeriod reads a YYYY-MM period for field, of the years
// apperr.MinYear to apperr.MaxYear like every date: beyond them a period
// is a typo or a probe, and periods are compared as strings, so one past
// 9999 would sort before the months it follows.
func checkPeriod(c *apperr.Check, field, v string) {
	t, err := time.Parse(PeriodLayout, v)
	switch {
	case err != nil || len(v) != 7:
		c.Add(field, "must be a month as YYYY-MM")
	case !apperr.InYears(t):
		c.Add(field, "must be a month in the years %d to %d", apperr.MinYear, apperr.MaxYear)
	}
}

func errOutside(r Retainer, period string) error {
	span := r.FirstPeriod() + " on"
	if r.EndsOn != nil {
		span = r.FirstPeriod() + " to " + r.LastPeriod()
	}
	return apperr.Invalid("period", fmt.Sprintf("%s is not a period of this retainer (%s)", period, span))
}
