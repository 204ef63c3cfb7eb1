package retainers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/billing"
	"github.com/vadesk/vadesk/internal/clients"
	"github.com/vadesk/vadesk/internal/money"
	"github.com/vadesk/vadesk/internal/practice"
	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/internal/tenant"
	"gorm.io/gorm"
)

// KindRetainer is the kind of the lines a retainer bills. Billing does not
// build such lines from work: it has them rebuilt here when it refreshes
// the draft (see remake), and checked here when it issues the invoice (see
// current), after it checked that the entries they hold are unbilled.
const KindRetainer = "retainer"

var billingTimeAmount = billing.TimeAmount

// Invoiced is an invoice a retainer made for a period.
type Invoiced struct {
	PracticeID int64
	ClientID   int64
	RetainerID int64
	Period     string
	InvoiceID  int64
	Status     string
	Total      int64
	Currency   string
}

// Invoice bills a period of a retainer: one line for the fee, one for the
// overage at the overage rate when the period went over, and the period's
// covered entries held by the invoice (so billing locks them when it is
// issued and no hourly draft bills them again). The client's other
// unbilled work of the period (services the retainer does not cover,
// fixed-fee projects, expenses) joins the same invoice, billed as usual. A
// period is invoiced once; it can be invoiced again only after its invoice
// was deleted or voided. With issue, the draft is issued at once.
func (s *Service) Invoice(ctx context.Context, clientID, id int64, period string, issue bool) (Invoiced, error) {
	var c apperr.Check
	checkPeriod(&c, "period", period)
	if err := c.Err(); err != nil {
		return Invoiced{}, err
	}
	out, err := s.draft(ctx, clientID, id, period, false, "")
	if err != nil {
		return Invoiced{}, err
	}
	if out, err = s.rest(ctx, out); err != nil {
		return out, err
	}
	if issue {
		return s.issue(ctx, out)
	}
	return out, nil
}

// rest adds the client's other unbilled work of the period to a retainer's
// draft, billed as usual (by the hour, fixed fees, expenses): billing's
// refresh has the retainer's lines remade (to the same lines), then builds
// lines for the work no draft holds.
func (s *Service) rest(ctx context.Context, out Invoiced) (Invoiced, error) {
	inv, err := s.billing.Refresh(ctx, out.InvoiceID)
	if err != nil {
		return out, fmt.Errorf("retainers: add the other work to invoice %d (the retainer's draft is kept): %w", out.InvoiceID, err)
	}
	out.Status, out.Total = inv.Status, inv.Total
	return out, nil
}

func (s *Service) issue(ctx context.Context, out Invoiced) (Invoiced, error) {
	inv, err := s.billing.Issue(ctx, out.InvoiceID)
	if err != nil {
		return out, fmt.Errorf("retainers: issue invoice %d (a draft is kept): %w", out.InvoiceID, err)
	}
	out.Status, out.Total = inv.Status, inv.Total
	return out, nil
}

// errAlready says the period has its invoice; the scheduler takes it as
// "nothing to do".
var errAlready = errors.New("retainers: period already invoiced")

// draft makes the draft of a period in one transaction, with the row that
// marks the period invoiced. auto is the scheduler: any earlier row, even
// of a deleted draft, means the period is done. today (YYYY-MM-DD, "" for
// the clock's) is the day the draft is made on; a period that has not
// begun by then has nothing to bill.
func (s *Service) draft(ctx context.Context, clientID, id int64, period string, auto bool, today string) (Invoiced, error) {
	var out Invoiced
	err := s.st.Tx(ctx, func(tx *gorm.DB) error {
		cl, err := clients.Get(tx, clientID)
		if err != nil {
			return err
		}
		r, err := s.get(tx, clientID, id)
		if err != nil {
			return err
		}
		p, err := practice.Of(ctx, tx)
		if err != nil {
			return err
		}
		if !r.Runs(period) {
			return errOutside(r, period)
		}
		current := p.Calendar(s.now).Today().Format(PeriodLayout)
		if today != "" {
			current = today[:7]
		}
		if period > current {
			return apperr.Invalid("period", "has not begun yet")
		}
		var prior periodInvoice
		err = tx.Take(&prior, "retainer_id = ? AND period = ?", r.ID, period).Error
		switch {
		case err == nil && auto:
			return errAlready
		case err == nil:
			live, err := liveInvoice(tx, r.ID, period)
			if err != nil {
				return err
			}
			if live != nil {
				return apperr.Conflict("%s of this retainer is invoiced already (invoice %d); void or delete that invoice first", period, *live)
			}
			if err := tx.Where("retainer_id = ? AND period = ?", r.ID, period).Delete(&periodInvoice{}).Error; err != nil {
				return err
			}
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return err
		}
		inv, err := s.write(tx, p, cl, r, period)
		if err != nil {
			return err
		}
		if err := tx.Create(&periodInvoice{RetainerID: r.ID, Period: period, InvoiceID: &inv.ID, CreatedAt: s.now()}).Error; err != nil {
			if store.IsUnique(err) {
				return errAlready
			}
			return err
		}
		out = Invoiced{PracticeID: inv.PracticeID, ClientID: cl.ID, RetainerID: r.ID, Period: period, InvoiceID: inv.ID,
			Status: inv.Status, Total: inv.Total, Currency: inv.Currency}
		return nil
	})
	return out, err
}

// coveredEntries returns the ids of the entries a period's usage counted,
// refusing when any is on an invoice or on a draft other than self (the
// draft being billed): billed twice, or the overage wrong.
func coveredEntries(tx *gorm.DB, r Retainer, t Terms, cal practice.Calendar, period string, self int64) ([]int64, error) {
	m := periodStart(period)
	lo, hi := cal.MonthBounds(m.Year(), m.Month())
	q := `SELECT t.id, t.service_id, t.invoice_id IS NOT NULL OR (t.draft_invoice_id IS NOT NULL AND t.draft_invoice_id <> ?)
FROM time_entries t WHERE ` + retainedWork + ` AND t.started_at >= ? AND t.started_at < ? ORDER BY t.started_at, t.id`
	rows, err := tx.Raw(q, self, r.PracticeID, r.ClientID, lo, hi).Rows()
	if err != nil {
		return nil, store.Translate(err)
	}
	defer rows.Close()
	var ids []int64
	busy := 0
	for rows.Next() {
		var id, service int64
		var taken bool
		if err := rows.Scan(&id, &service, &taken); err != nil {
			return nil, err
		}
		if !t.covers(service) {
			continue
		}
		if taken {
			busy++
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, store.Translate(err)
	}
	if busy > 0 {
		return nil, apperr.Conflict("%d time entries of %s that the retainer covers are on another invoice or draft; take them off it first", busy, period)
	}
	return ids, nil
}

// write inserts the draft of a period with its lines (see addLines), and
// totals as billing computes them.
func (s *Service) write(tx *gorm.DB, p practice.Practice, cl clients.Client, r Retainer, period string) (billing.Invoice, error) {
	inv := billing.Invoice{ClientID: cl.ID, Status: billing.StatusDraft, Currency: cl.Currency, GroupBy: billing.GroupByService,
		PeriodFrom: period + "-01", PeriodTo: lastDay(period), TaxName: p.DefaultTaxName, TaxRate: p.DefaultTaxRate,
		Notes: p.DefaultNotes, Footer: p.DefaultFooter, Version: 1}
	if err := tx.Create(&inv).Error; err != nil {
		return inv, err
	}
	lines, err := addLines(tx, p.Calendar(s.now), r, period, &inv)
	if err != nil {
		return inv, err
	}
	amounts := make([]int64, len(lines))
	for i, l := range lines {
		amounts[i] = l.Amount
	}
	tot, err := billing.ComputeTotals(amounts, 0, inv.TaxRate, 0)
	if err != nil {
		return inv, err
	}
	inv.Subtotal, inv.TaxTotal, inv.Total = tot.Subtotal, tot.TaxTotal, tot.Total
	return inv, tx.Select("subtotal", "tax_total", "total", "updated_at").Updates(&inv).Error
}

// addLines bills a period of r on the draft inv from position 1 on: one
// line for the fee, which holds every entry the period's usage counted (so
// billing locks them when it issues the draft, and no hourly line bills
// them), and one for the overage at the overage rate when the period went
// beyond its hours. Making a draft and refreshing one both go through it,
// so a refreshed draft bills what a new one would.
func addLines(tx *gorm.DB, cal practice.Calendar, r Retainer, period string, inv *billing.Invoice) ([]billing.Line, error) {
	lines, entries, err := planLines(tx, cal, r, period, inv)
	if err != nil {
		return nil, err
	}
	if err := tx.Create(&lines).Error; err != nil {
		return nil, err
	}
	// The entries hang on the fee line; billing checks at issue that they
	// are still unbilled, then locks them.
	srcs := make([]billing.Source, len(entries))
	for i, id := range entries {
		srcs[i] = billing.Source{LineID: lines[0].ID, EntryID: ptr(id)}
	}
	if err := billing.InsertSources(tx, inv, srcs); err != nil {
		return nil, err
	}
	if err := billing.Hold(tx, inv, int64(len(entries)), 0); err != nil {
		return nil, err
	}
	return lines, nil
}

// planLines works out, without writing, what addLines bills for a period
// of r on the draft inv: the lines (the fee, then any overage) and the
// entries the fee line holds. Entries held by inv itself count as free:
// issuing compares them with what the draft holds (see current).
func planLines(tx *gorm.DB, cal practice.Calendar, r Retainer, period string, inv *billing.Invoice) ([]billing.Line, []int64, error) {
	u, err := usage(tx, r, cal, period)
	if err != nil {
		return nil, nil, err
	}
	t, _ := r.TermsFor(period)
	entries, err := coveredEntries(tx, r, t, cal, period, inv.ID)
	if err != nil {
		return nil, nil, err
	}
	month := periodStart(u.Period).Format("January 2006")
	lines := []billing.Line{{InvoiceID: inv.ID, Position: 1, Kind: KindRetainer, Taxable: true,
		Description:   fmt.Sprintf("%s, %s: %s included", r.Name, month, hoursText(u.IncludedMinutes)),
		QuantityMilli: ptr(int64(1000)), UnitPrice: u.Fee, Amount: u.Fee}}
	if u.OverageMinutes > 0 {
		lines = append(lines, billing.Line{InvoiceID: inv.ID, Position: 2, Kind: KindRetainer, Taxable: true,
			Description: fmt.Sprintf("Beyond %s in %s: %s at %s an hour", r.Name, month, hoursText(u.OverageMinutes),
				money.Format(u.OverageHourlyRate, inv.Currency)),
			QuantityMinutes: ptr(u.OverageMinutes), UnitPrice: u.OverageHourlyRate, Amount: u.OverageAmount})
	}
	return lines, entries, nil
}

// remake rebuilds the lines of a retainer's draft when billing refreshes
// it (see billing.Remaker): it lets go of the old lines and the entries
// they hold, and bills the period again through addLines, as making the
// draft did, so work logged, changed or deleted since is counted against
// the hours (and any rollover) and shows as overage, never by the hour.
// Billing has released the work of its own lines by then, so an entry the
// draft billed by the hour before can join the fee line. Drafts that no
// retainer made are left alone.
func (s *Service) remake(tx *gorm.DB, inv *billing.Invoice) error {
	d, ok, err := s.madeDraft(tx, inv)
	if err != nil || !ok {
		return err
	}
	if err := billing.DropLines(tx, inv, KindRetainer); err != nil {
		return err
	}
	_, err = addLines(tx, d.cal, d.r, d.period, inv)
	return err
}

// current tells billing, when it issues a draft (see billing.Checker),
// whether the draft's retainer lines still bill what addLines would bill
// now: the same fee and overage, to the minute and the cent, with the fee
// line holding exactly the entries the period's usage counts, and the
// overage line none. Work logged, changed or deleted since the draft was
// made or refreshed makes it stale, and so does a retainer line deleted
// from it (a refresh brings it back). Descriptions are not compared, as
// billing does not compare those of its own lines: renaming the retainer
// changes no money. Drafts that no retainer made are current.
func (s *Service) current(tx *gorm.DB, inv *billing.Invoice, lines []billing.Line) (bool, error) {
	d, ok, err := s.madeDraft(tx, inv)
	if err != nil {
		return false, err
	}
	if !ok {
		return true, nil
	}
	want, entries, err := planLines(tx, d.cal, d.r, d.period, inv)
	if err != nil {
		return false, err
	}
	var have []billing.Line
	for _, l := range lines {
		if l.Kind == KindRetainer {
			have = append(have, l)
		}
	}
	if len(have) != len(want) {
		return false, nil
	}
	for i, l := range have {
		w := want[i]
		if l.UnitPrice != w.UnitPrice || l.Amount != w.Amount || !sameQuantity(l.QuantityMinutes, w.QuantityMinutes) ||
			!sameQuantity(l.QuantityMilli, w.QuantityMilli) || len(l.ExpenseIDs) > 0 || (i > 0 && len(l.EntryIDs) > 0) {
			return false, nil
		}
	}
	held := slices.Clone(have[0].EntryIDs)
	slices.Sort(held)
	slices.Sort(entries)
	return slices.Equal(held, entries), nil
}

func sameQuantity(a, b *int64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// retainerDraft is what a draft a retainer made bills: a period of the
// retainer, in the practice's calendar.
type retainerDraft struct {
	r      Retainer
	period string
	cal    practice.Calendar
}

// madeDraft finds the retainer period inv was made for; ok is false for a
// draft that no retainer made.
func (s *Service) madeDraft(tx *gorm.DB, inv *billing.Invoice) (d retainerDraft, ok bool, err error) {
	var pi periodInvoice
	err = tx.Take(&pi, "invoice_id = ?", inv.ID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return d, false, nil
	}
	if err != nil {
		return d, false, fmt.Errorf("retainers: retainer of invoice %d: %w", inv.ID, store.Translate(err))
	}
	r, err := s.get(tx, inv.ClientID, pi.RetainerID)
	if err != nil {
		return d, false, err
	}
	// billing hands over only the transaction, which carries the request's
	// context.
	p, err := practice.Of(tx.Statement.Context, tx)
	if err != nil {
		return d, false, err
	}
	return retainerDraft{r: r, period: pi.Period, cal: p.Calendar(s.now)}, true, nil
}

func ptr[T any](v T) *T { return &v }

// hoursText writes minutes as people say them: "10 h", "2 h 30 min", "45 min".
func hoursText(m int64) string {
	switch {
	case m%60 == 0:
		return fmt.Sprintf("%d h", m/60)
	case m < 60:
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d h %d min", m/60, m%60)
}

// RecurResult is what one run of the recurring invoices did.
type RecurResult struct {
	Made   []Invoiced
	Failed []string
}

// Recur makes the invoices of every practice's retainers that invoice
// themselves: for each month that has ended by day (YYYY-MM-DD, taken in
// each practice's own time zone; today when empty) since the retainer
// began, or since it was created if that is later, one draft or issued
// invoice. It is idempotent: a month with an invoice (or whose draft was
// deleted) is never billed again, so running it twice, or after a restart,
// or from two processes at once makes each invoice once. A month that
// cannot be billed (its work is on another draft) is reported and tried
// again next run.
func (s *Service) Recur(ctx context.Context, day string) (RecurResult, error) {
	var res RecurResult
	if day != "" {
		var c apperr.Check
		c.Date("date", day)
		if err := c.Err(); err != nil {
			return res, err
		}
	}
	type due struct {
		ID, PracticeID, ClientID int64
		StartsOn                 string
		EndsOn                   *string
		AutoInvoice              string
		CreatedAt                time.Time
		Timezone                 string
	}
	var rs []due
	sys := tenant.System(ctx)
	err := s.st.Read(sys).Raw(`SELECT r.id, r.practice_id, r.client_id, r.starts_on, r.ends_on, r.auto_invoice, r.created_at, p.timezone
FROM retainers r JOIN practices p ON p.id = r.practice_id WHERE r.auto_invoice <> 'off' ORDER BY r.practice_id, r.id`).Scan(&rs).Error
	if err != nil {
		return res, fmt.Errorf("retainers: recur: %w", store.Translate(err))
	}
	for _, d := range rs {
		cal := practice.Practice{Timezone: d.Timezone}.Calendar(s.now)
		today := day
		if today == "" {
			today = cal.Today().Format(time.DateOnly)
		}
		r := Retainer{StartsOn: d.StartsOn, EndsOn: d.EndsOn}
		first := max(r.FirstPeriod(), cal.DateOf(d.CreatedAt).Format(PeriodLayout))
		var done []string
		if err := s.st.Read(sys).Raw("SELECT period FROM retainer_invoices WHERE retainer_id = ?", d.ID).Scan(&done).Error; err != nil {
			return res, fmt.Errorf("retainers: recur: %w", store.Translate(err))
		}
		skip := map[string]bool{}
		for _, p := range done {
			skip[p] = true
		}
		scoped := tenant.With(ctx, tenant.Scope{PracticeID: d.PracticeID, Role: tenant.Owner})
		for p := first; p < today[:7] && r.Runs(p); p = nextPeriod(p) {
			if skip[p] {
				continue
			}
			out, err := s.draft(scoped, d.ClientID, d.ID, p, true, today)
			if errors.Is(err, errAlready) {
				continue
			}
			if err == nil {
				out, err = s.rest(scoped, out)
			}
			if err == nil && d.AutoInvoice == AutoIssue {
				out, err = s.issue(scoped, out)
			}
			if err != nil {
				res.Failed = append(res.Failed, fmt.Sprintf("practice %d, retainer %d, %s: %v", d.PracticeID, d.ID, p, err))
				if ctx.Err() != nil {
					return res, ctx.Err()
				}
				continue
			}
			res.Made = append(res.Made, out)
		}
	}
	return res, nil
}

// Run makes recurring invoices now and then every interval until ctx ends:
// the in-process scheduler. Each run is idempotent, so a restart, a missed
// tick or a second process only ever catch up.
func (s *Service) Run(ctx context.Context, every time.Duration, log *slog.Logger) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		res, err := s.Recur(ctx, "")
		if err != nil && ctx.Err() == nil {
			log.Error("recurring invoices", "err", err)
		}
		for _, m := range res.Made {
			log.Info("recurring invoice", "practice_id", m.PracticeID, "retainer_id", m.RetainerID, "period", m.Period,
				"invoice_id", m.InvoiceID, "status", m.Status)
		}
		for _, f := range res.Failed {
			log.Warn("recurring invoice failed", "detail", f)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
