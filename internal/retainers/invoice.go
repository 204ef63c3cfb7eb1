package retainers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
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

// KindRetainer is the kind of the lines a retainer bills. Billing keeps
// such lines as they are (they are not rebuilt from work) and still checks,
// when it issues the invoice, that the entries they hold are unbilled.
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
// refresh keeps the retainer's lines and the entries they hold, and builds
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
		p, err := thePractice(tx)
		if err != nil {
			return err
		}
		if !r.Runs(period) {
			return errOutside(r, period)
		}
		current := s.currentPeriod(p.Location())
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
		u, err := usage(tx, r, p.Location(), period)
		if err != nil {
			return err
		}
		t, _ := r.TermsFor(period)
		entries, err := coveredEntries(tx, r, t, p.Location(), period)
		if err != nil {
			return err
		}
		inv, err := s.write(tx, p, cl, r, u, entries)
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
// refusing when any is on another invoice or draft: billed twice, or the
// overage wrong.
func coveredEntries(tx *gorm.DB, r Retainer, t Terms, loc *time.Location, period string) ([]int64, error) {
	lo, hi := bounds(period, loc)
	q := `SELECT t.id, t.service_id, t.invoice_id IS NOT NULL OR t.draft_invoice_id IS NOT NULL FROM time_entries t
WHERE ` + retainedWork + ` AND t.started_at >= ? AND t.started_at < ? ORDER BY t.started_at, t.id`
	rows, err := tx.Raw(q, r.PracticeID, r.ClientID, lo, hi).Rows()
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

// write inserts the draft: its lines, their links to the entries, and the
// hold on those entries, with totals as billing computes them.
func (s *Service) write(tx *gorm.DB, p practice.Practice, cl clients.Client, r Retainer, u Usage, entries []int64) (billing.Invoice, error) {
	inv := billing.Invoice{ClientID: cl.ID, Status: billing.StatusDraft, Currency: cl.Currency, GroupBy: billing.GroupByService,
		PeriodFrom: u.From, PeriodTo: u.To, TaxName: p.DefaultTaxName, TaxRate: p.DefaultTaxRate,
		Notes: p.DefaultNotes, Footer: p.DefaultFooter, Version: 1}
	if err := tx.Create(&inv).Error; err != nil {
		return inv, err
	}
	month := periodStart(u.Period).Format("January 2006")
	lines := []billing.Line{{InvoiceID: inv.ID, Position: 1, Kind: KindRetainer, Taxable: true,
		Description:   fmt.Sprintf("%s, %s: %s included", r.Name, month, hoursText(u.IncludedMinutes)),
		QuantityMilli: ptr(int64(1000)), UnitPrice: u.Fee, Amount: u.Fee}}
	if u.OverageMinutes > 0 {
		lines = append(lines, billing.Line{InvoiceID: inv.ID, Position: 2, Kind: KindRetainer, Taxable: true,
			Description: fmt.Sprintf("Beyond %s in %s: %s at %s an hour", r.Name, month, hoursText(u.OverageMinutes),
				money.Format(u.OverageHourlyRate, cl.Currency)),
			QuantityMinutes: ptr(u.OverageMinutes), UnitPrice: u.OverageHourlyRate, Amount: u.OverageAmount})
	}
	if err := tx.Create(&lines).Error; err != nil {
		return inv, err
	}
	// The entries hang on the fee line; billing checks at issue that they
	// are still unbilled, then locks them.
	for start := 0; start < len(entries); start += 300 {
		chunk := entries[start:min(start+300, len(entries))]
		var sb strings.Builder
		args := make([]any, 0, 4*len(chunk))
		sb.WriteString("INSERT INTO invoice_line_sources (practice_id, invoice_id, line_id, entry_id) VALUES ")
		for i, id := range chunk {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString("(?,?,?,?)")
			args = append(args, inv.PracticeID, inv.ID, lines[0].ID, id)
		}
		if err := tx.Exec(sb.String(), args...).Error; err != nil {
			return inv, err
		}
	}
	res := tx.Exec(`UPDATE time_entries SET draft_invoice_id = ? WHERE practice_id = ? AND invoice_id IS NULL AND draft_invoice_id IS NULL
AND id IN (SELECT entry_id FROM invoice_line_sources WHERE invoice_id = ? AND entry_id IS NOT NULL)`, inv.ID, inv.PracticeID, inv.ID)
	if res.Error != nil {
		return inv, res.Error
	}
	if res.RowsAffected != int64(len(entries)) {
		return inv, fmt.Errorf("retainers: hold entries: %d of %d were free", res.RowsAffected, len(entries))
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
		loc := practice.Practice{Timezone: d.Timezone}.Location()
		today := day
		if today == "" {
			today = s.now().In(loc).Format(apperr.DateLayout)
		}
		r := Retainer{StartsOn: d.StartsOn, EndsOn: d.EndsOn}
		first := max(r.FirstPeriod(), d.CreatedAt.In(loc).Format(PeriodLayout))
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
