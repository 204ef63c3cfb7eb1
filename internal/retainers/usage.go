package retainers

import (
	"context"
	"fmt"
	"strings"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/clients"
	"github.com/vadesk/vadesk/internal/practice"
	"github.com/vadesk/vadesk/internal/store"
	"gorm.io/gorm"
)

// Usage is one period of a retainer: what it includes, what was carried in
// from the period before, what was used (billable minutes after the
// client's rounding, on the services it covers), what is left, and what
// went beyond it.
type Usage struct {
	RetainerID        int64
	Name              string
	Period            string // YYYY-MM
	From, To          string // its first and last day
	IncludedMinutes   int64
	RolledOverMinutes int64
	UsedMinutes       int64
	RemainingMinutes  int64
	OverageMinutes    int64
	Fee               int64
	OverageHourlyRate int64
	OverageAmount     int64
	Currency          string
	// InvoiceID is the invoice made for the period, if any (and not void).
	InvoiceID *int64
}

// Usage returns a period (YYYY-MM; this month when empty) of a retainer.
func (s *Service) Usage(ctx context.Context, clientID, id int64, period string) (Usage, error) {
	db := s.st.Read(ctx)
	if _, err := clients.Get(db, clientID); err != nil {
		return Usage{}, err
	}
	r, err := s.get(db, clientID, id)
	if err != nil {
		return Usage{}, err
	}
	p, err := practice.Of(ctx, db)
	if err != nil {
		return Usage{}, err
	}
	if period == "" {
		period = p.Calendar(s.now).Today().Format(PeriodLayout)
	}
	var c apperr.Check
	checkPeriod(&c, "period", period)
	if err := c.Err(); err != nil {
		return Usage{}, err
	}
	if !r.Runs(period) {
		return Usage{}, errOutside(r, period)
	}
	return usage(db, r, p.Calendar(s.now), period)
}

// Current returns this month's usage of each of a client's retainers that
// runs this month: what the portal shows a client.
func (s *Service) Current(ctx context.Context, clientID int64) ([]Usage, error) {
	rs, err := s.List(ctx, clientID)
	if err != nil {
		return nil, err
	}
	db := s.st.Read(ctx)
	p, err := practice.Of(ctx, db)
	if err != nil {
		return nil, err
	}
	period := p.Calendar(s.now).Today().Format(PeriodLayout)
	out := []Usage{}
	for _, r := range rs {
		if !r.Runs(period) {
			continue
		}
		u, err := usage(db, r, p.Calendar(s.now), period)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// usage computes a period of r through db (the read pool or a
// transaction). Minutes carried over depend on every earlier period, so
// when the terms allow rollover the months since the start are summed too,
// all in one query.
func usage(db *gorm.DB, r Retainer, cal practice.Calendar, period string) (Usage, error) {
	periods := []string{period}
	for _, t := range r.Terms {
		if t.RolloverMinutes > 0 && t.EffectiveFrom < period {
			periods = periods[:0]
			for p := r.FirstPeriod(); p <= period; p = nextPeriod(p) {
				periods = append(periods, p)
			}
			break
		}
	}
	used, err := usedMinutes(db, r, cal, periods)
	if err != nil {
		return Usage{}, err
	}
	var rolled int64
	for i, p := range periods {
		t, _ := r.TermsFor(p)
		if i == len(periods)-1 {
			u := Usage{RetainerID: r.ID, Name: r.Name, Period: p, From: p + "-01", To: lastDay(p),
				IncludedMinutes: t.IncludedMinutes, RolledOverMinutes: rolled, UsedMinutes: used[i],
				Fee: t.Fee, OverageHourlyRate: t.OverageHourlyRate, Currency: r.Currency}
			avail := u.IncludedMinutes + u.RolledOverMinutes
			u.RemainingMinutes = max(0, avail-u.UsedMinutes)
			u.OverageMinutes = max(0, u.UsedMinutes-avail)
			amount, ok := overageAmount(u.OverageMinutes, u.OverageHourlyRate)
			if !ok {
				return Usage{}, apperr.Invalid("period", "the overage of this period is worth more than this app can bill")
			}
			u.OverageAmount = amount
			inv, err := liveInvoice(db, r.ID, p)
			if err != nil {
				return Usage{}, err
			}
			u.InvoiceID = inv
			return u, nil
		}
		left := max(0, t.IncludedMinutes+rolled-used[i])
		rolled = min(left, t.RolloverMinutes)
	}
	return Usage{}, fmt.Errorf("retainers: usage: no periods")
}

// liveInvoice returns the invoice of a retainer's period unless it was
// deleted or voided.
func liveInvoice(db *gorm.DB, retainerID int64, period string) (*int64, error) {
	var ids []int64
	err := db.Raw(`SELECT ri.invoice_id FROM retainer_invoices ri JOIN invoices i ON i.id = ri.invoice_id
WHERE ri.retainer_id = ? AND ri.period = ? AND i.status <> 'void'`, retainerID, period).Scan(&ids).Error
	if err != nil || len(ids) == 0 {
		return nil, store.Translate(err)
	}
	return &ids[0], nil
}

// retainedWork is the SQL condition of the work a retainer counts: the
// client's billable entries, minus those of fixed-fee projects (their fee
// covers them).
const retainedWork = `t.practice_id = ? AND t.client_id = ? AND t.billable = 1
  AND (t.project_id IS NULL OR NOT EXISTS (SELECT 1 FROM projects p WHERE p.id = t.project_id AND p.billing = 'fixed_fee'))`

// usedMinutes sums the billable minutes each period's terms cover. The
// months' UTC bounds are computed here, in the practice's zone, and joined
// to the client's entries by a range on (practice_id, client_id,
// started_at), as the hours report does.
func usedMinutes(db *gorm.DB, r Retainer, cal practice.Calendar, periods []string) ([]int64, error) {
	used := make([]int64, len(periods))
	// A retainer with rollover from 1900 asked for 2999 spans some 13,000
	// months, three bound parameters each: more than SQLite takes in one
	// statement, so the months go in batches.
	for lo := 0; lo < len(periods); lo += usageBatch {
		if err := usedBatch(db, r, cal, periods, lo, min(lo+usageBatch, len(periods)), used); err != nil {
			return nil, err
		}
	}
	return used, nil
}

// usageBatch is how many months one usage query bounds.
const usageBatch = 2000

// usedBatch adds to used the minutes of periods[from:to].
func usedBatch(db *gorm.DB, r Retainer, cal practice.Calendar, periods []string, from, to int, used []int64) error {
	var sb strings.Builder
	args := make([]any, 0, 3*(to-from)+2)
	sb.WriteString("WITH b(i, lo, hi) AS (VALUES ")
	for i := from; i < to; i++ {
		if i > from {
			sb.WriteByte(',')
		}
		sb.WriteString("(?,?,?)")
		m := periodStart(periods[i])
		lo, hi := cal.MonthBounds(m.Year(), m.Month())
		args = append(args, i, lo, hi)
	}
	sb.WriteString(`)
SELECT b.i, t.service_id, SUM(t.billable_minutes) FROM b CROSS JOIN time_entries t
WHERE ` + retainedWork + ` AND t.started_at >= b.lo AND t.started_at < b.hi
GROUP BY b.i, t.service_id`)
	args = append(args, r.PracticeID, r.ClientID)
	rows, err := db.Raw(sb.String(), args...).Rows()
	if err != nil {
		return fmt.Errorf("retainers: usage: %w", store.Translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var i int
		var service, minutes int64
		if err := rows.Scan(&i, &service, &minutes); err != nil {
			return fmt.Errorf("retainers: usage: %w", err)
		}
		if t, _ := r.TermsFor(periods[i]); t.covers(service) {
			used[i] += minutes
		}
	}
	return store.Translate(rows.Err())
}

// overageAmount is overage minutes at the overage rate, rounded half up
// once, as every time line is.
func overageAmount(minutes, rate int64) (int64, bool) {
	if minutes == 0 {
		return 0, true
	}
	return billingTimeAmount(minutes, rate)
}
