package billing

import (
	"context"
	"fmt"
	"github.com/vadesk/vadesk/internal/audit"
	"strconv"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/clients"
	"github.com/vadesk/vadesk/internal/practice"
	"github.com/vadesk/vadesk/internal/store"
	"gorm.io/gorm"
)

// errWorkChanged is the answer when a draft no longer shows what would be
// billed: issuing it anyway would bill something the VA has not seen.
var errWorkChanged = apperr.Conflict("the work on this draft changed since it was built; refresh it (POST /invoices/{id}/refresh), check it and issue again")

// Issue turns a draft into an issued invoice in one transaction: it checks
// that the work the draft holds is still exactly what its lines show (and
// has the lines made elsewhere checked by their maker, see CheckWith),
// assigns the next number of the practice's pattern, fills in the issue
// date (today in the practice's time zone) and due date (plus the client's
// payment terms) where the draft has none, and locks the work: its entries,
// expenses and fixed-fee projects get the invoice's id.
func (s *Service) Issue(ctx context.Context, id int64) (Invoice, error) {
	var out Invoice
	err := s.st.Tx(ctx, func(tx *gorm.DB) error {
		p, err := practice.Of(ctx, tx)
		if err != nil {
			return err
		}
		inv, err := getInvoice(tx, id)
		if err != nil {
			return err
		}
		if inv.Status != StatusDraft {
			return apperr.Conflict("the invoice is already %s; only a draft can be issued", humanStatus(inv.Status))
		}
		lines, err := getLines(tx, inv.ID, true)
		if err != nil {
			return err
		}
		if len(lines) == 0 {
			return &apperr.Error{Kind: apperr.KindInvalid, Message: "the draft has no lines: refresh it or add a line before issuing it",
				Fields: []apperr.FieldError{{Field: "lines", Message: "must not be empty"}}}
		}
		cl, err := clients.Get(tx, inv.ClientID)
		if err != nil {
			return err
		}
		if cl.Currency != inv.Currency {
			return apperr.Conflict("the client's currency is now %s but this draft is in %s; refresh it and check it before issuing", cl.Currency, inv.Currency)
		}
		nEntries, nExpenses, err := verify(tx, &inv, lines, p.Calendar(s.now))
		if err != nil {
			return err
		}
		if s.check != nil {
			current, err := s.check(tx, &inv, lines)
			if err != nil {
				return err
			}
			if !current {
				return errWorkChanged
			}
		}
		if err := retotal(tx, &inv); err != nil {
			return err
		}

		issue := p.Calendar(s.now).Today()
		if inv.IssueDate != nil {
			issue, _ = time.Parse(time.DateOnly, *inv.IssueDate)
		}
		issueStr := issue.Format(time.DateOnly)
		if inv.DueDate == nil {
			inv.DueDate = ptr(issue.AddDate(0, 0, int(cl.PaymentTermsDays)).Format(time.DateOnly))
		}
		if *inv.DueDate < issueStr {
			return apperr.Invalid("due_date", "must not be before the issue date "+issueStr)
		}
		code := cl.Code
		if code == "" {
			code = strconv.FormatInt(cl.ID, 10)
		}
		number, err := nextNumber(tx, p, issue, code)
		if err != nil {
			return err
		}

		now := s.st.Now()
		if err := lock(tx, &inv, now, nEntries, nExpenses); err != nil {
			return err
		}
		inv.Number, inv.IssueDate, inv.IssuedAt = &number, &issueStr, &now
		inv.Status = StatusIssued
		if inv.BalanceDue() == 0 {
			inv.Status = StatusPaid // nothing is owed: a fully discounted invoice
		}
		inv.Version++
		if err := tx.Save(&inv).Error; err != nil {
			if store.IsUnique(err) {
				return apperr.Conflict("invoice number %s is already used; the number pattern in settings produces numbers an earlier pattern used, so change it", number)
			}
			return err
		}
		if err := audit.Record(ctx, tx, audit.InvoiceIssued, "invoice", inv.ID, map[string]any{
			"number": number, "client_id": inv.ClientID, "total": inv.Total, "currency": inv.Currency,
		}); err != nil {
			return err
		}
		// Issuing changed no line and no source: the lines read above are
		// the invoice's.
		out, err = s.loadWith(tx, p, id, lines)
		return err
	})
	return out, err
}

// nextNumber takes the next value of the sequence the pattern counts under
// for this date and client, inside the caller's transaction: if the issue
// rolls back, so does the sequence, so numbers have no gaps; and SQLite's
// single writer makes concurrent issues take turns, so none repeats.
func nextNumber(tx *gorm.DB, p practice.Practice, date time.Time, clientCode string) (string, error) {
	pattern := p.InvoicePattern
	if practice.CheckPattern(pattern) != "" {
		pattern = practice.DefaultInvoicePattern
	}
	scope := practice.SequenceScope(pattern, date, clientCode)
	var n int64
	err := tx.Raw(`INSERT INTO invoice_sequences (practice_id, scope, last_value) VALUES (?, ?, 1)
		ON CONFLICT (practice_id, scope) DO UPDATE SET last_value = last_value + 1
		RETURNING last_value`, p.ID, scope).Scan(&n).Error
	if err != nil {
		return "", fmt.Errorf("billing: next invoice number: %w", err)
	}
	if n < 1 {
		return "", fmt.Errorf("billing: next invoice number: sequence %q returned %d", scope, n)
	}
	return practice.FormatNumber(pattern, date, clientCode, n), nil
}

// verify checks that every generated line of a draft still bills exactly
// what it shows: each entry and expense it holds still exists, belongs to
// the client, is billable, unbilled, held by this draft and in its period,
// and rebuilding the line from them gives the same quantities, rates and
// amounts. It returns how many entries and expenses the draft holds.
func verify(tx *gorm.DB, inv *Invoice, lines []Line, cal practice.Calendar) (nEntries, nExpenses int64, err error) {
	es, err := scanEntries(tx.Model(&entry{}).
		Joins("JOIN invoice_line_sources s ON s.entry_id = time_entries.id").Where("s.invoice_id = ?", inv.ID))
	if err != nil {
		return 0, 0, err
	}
	var xs []expense
	if err := tx.Where("id IN (SELECT expense_id FROM invoice_line_sources WHERE invoice_id = ? AND expense_id IS NOT NULL)", inv.ID).Find(&xs).Error; err != nil {
		return 0, 0, store.Translate(err)
	}
	var nHeld, nHeldX int64
	if err := tx.Model(&entry{}).Where("draft_invoice_id = ?", inv.ID).Count(&nHeld).Error; err != nil {
		return 0, 0, store.Translate(err)
	}
	if err := tx.Model(&expense{}).Where("draft_invoice_id = ?", inv.ID).Count(&nHeldX).Error; err != nil {
		return 0, 0, store.Translate(err)
	}
	start, end := inv.bounds(cal)
	entries := make(map[int64]entry, len(es))
	for _, e := range es {
		if e.ClientID != inv.ClientID || !e.Billable || e.InvoiceID != nil || e.DraftInvoiceID == nil ||
			*e.DraftInvoiceID != inv.ID || e.StartedAt.Before(start) || !e.StartedAt.Before(end) {
			return 0, 0, errWorkChanged
		}
		entries[e.ID] = e
	}
	expenses := make(map[int64]expense, len(xs))
	for _, x := range xs {
		if x.ClientID != inv.ClientID || !x.Billable || x.InvoiceID != nil || x.DraftInvoiceID == nil ||
			*x.DraftInvoiceID != inv.ID || x.Date < inv.PeriodFrom || x.Date > inv.PeriodTo {
			return 0, 0, errWorkChanged
		}
		expenses[x.ID] = x
	}
	base, held, err := lookup(tx, inv, es)
	if err != nil {
		return 0, 0, err
	}
	for _, l := range lines {
		if !generated(l.Kind) {
			continue
		}
		var les []entry
		for _, id := range l.EntryIDs {
			e, ok := entries[id]
			if !ok {
				return 0, 0, errWorkChanged
			}
			les = append(les, e)
		}
		var lxs []expense
		for _, id := range l.ExpenseIDs {
			x, ok := expenses[id]
			if !ok {
				return 0, 0, errWorkChanged
			}
			lxs = append(lxs, x)
		}
		w := base
		w.expenses = lxs
		w.classify(les, held)
		bs, err := buildLines(inv.GroupBy, w, cal.Location())
		if err != nil {
			return 0, 0, err
		}
		if len(bs) != 1 || !sameMoney(bs[0].line, l) || len(bs[0].entries) != len(les) || len(bs[0].expenses) != len(lxs) {
			return 0, 0, errWorkChanged
		}
	}
	// Every held row is on a line (a row held but on no line would stay
	// held by an issued invoice forever).
	if nHeld != int64(len(es)) || nHeldX != int64(len(xs)) {
		return 0, 0, errWorkChanged
	}
	return nHeld, nHeldX, nil
}

// lock marks the draft's work as billed by it.
func lock(tx *gorm.DB, inv *Invoice, now time.Time, nEntries, nExpenses int64) error {
	for _, u := range []struct {
		table string
		want  int64
	}{{"time_entries", nEntries}, {"expenses", nExpenses}} {
		res := tx.Exec("UPDATE "+u.table+` SET invoice_id = ?, draft_invoice_id = NULL, version = version + 1, updated_at = ?
			WHERE practice_id = ? AND draft_invoice_id = ? AND invoice_id IS NULL`, inv.ID, now, inv.PracticeID, inv.ID)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != u.want {
			return errWorkChanged
		}
	}
	var fees int64
	if err := tx.Model(&Line{}).Where("invoice_id = ? AND kind = ?", inv.ID, KindFixedFee).Count(&fees).Error; err != nil {
		return err
	}
	res := tx.Exec(`UPDATE projects SET invoice_id = ?, updated_at = ? WHERE practice_id = ? AND invoice_id IS NULL
		AND id IN (SELECT project_id FROM invoice_lines WHERE invoice_id = ? AND kind = ?)`, inv.ID, now, inv.PracticeID, inv.ID, KindFixedFee)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != fees {
		return errWorkChanged
	}
	return nil
}

// Void cancels an issued invoice: its entries, expenses and fixed-fee
// projects are released to be billed again, and its number stays used (the
// sequence never goes back). An invoice with payments is not voided: the
// money received must be dealt with first (delete the payments).
func (s *Service) Void(ctx context.Context, id int64) (Invoice, error) {
	var out Invoice
	err := s.st.Tx(ctx, func(tx *gorm.DB) error {
		p, err := practice.Of(ctx, tx)
		if err != nil {
			return err
		}
		inv, err := getInvoice(tx, id)
		if err != nil {
			return err
		}
		switch inv.Status {
		case StatusIssued, StatusPartiallyPaid, StatusPaid:
		case StatusDraft:
			return apperr.Conflict("a draft cannot be voided; delete it instead")
		default:
			return apperr.Conflict("the invoice is already void")
		}
		var payments int64
		if err := tx.Model(&Payment{}).Where("invoice_id = ?", inv.ID).Count(&payments).Error; err != nil {
			return err
		}
		if payments > 0 {
			return apperr.Conflict("the invoice has %d payment(s); delete them before voiding it", payments)
		}
		now := s.st.Now()
		for _, table := range []string{"time_entries", "expenses"} {
			err := tx.Exec("UPDATE "+table+" SET invoice_id = NULL, version = version + 1, updated_at = ? WHERE practice_id = ? AND invoice_id = ?",
				now, inv.PracticeID, inv.ID).Error
			if err != nil {
				return err
			}
		}
		err = tx.Exec("UPDATE projects SET invoice_id = NULL, updated_at = ? WHERE practice_id = ? AND invoice_id = ?", now, inv.PracticeID, inv.ID).Error
		if err != nil {
			return err
		}
		inv.Status, inv.VoidedAt = StatusVoid, &now
		inv.Version++
		if err := tx.Save(&inv).Error; err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.InvoiceVoided, "invoice", inv.ID, map[string]any{
			"number": inv.Number, "client_id": inv.ClientID, "total": inv.Total, "currency": inv.Currency,
		}); err != nil {
			return err
		}
		out, err = s.load(tx, p, id)
		return err
	})
	return out, err
}
