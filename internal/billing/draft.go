package billing

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/clients"
	"github.com/vadesk/vadesk/internal/money"
	"github.com/vadesk/vadesk/internal/practice"
	"github.com/vadesk/vadesk/internal/store"
	"gorm.io/gorm"
)

// MaxPeriodDays bounds a draft's period: two years is more than any VA
// invoices at once and keeps one draft's work a sane size.
const MaxPeriodDays = 731

// Draft asks for a draft invoice of a client's unbilled work in a period.
// Nil options take the practice's defaults.
type Draft struct {
	ClientID  int64
	From, To  string // YYYY-MM-DD, inclusive, in the practice's time zone
	GroupBy   string // GroupByService when empty
	Notes     *string
	Footer    *string
	Discount  *int64
	TaxRate   *int64
	TaxName   *string
	IssueDate *string
	DueDate   *string
}

// Patch changes a draft; nil fields stay as they are, and an empty
// IssueDate or DueDate clears it (issuing then picks the default).
type Patch struct {
	Notes     *string
	Footer    *string
	Discount  *int64
	TaxRate   *int64
	TaxName   *string
	IssueDate *string
	DueDate   *string
	// Version, when set, must be the invoice's current version: a stale
	// editor gets a conflict instead of overwriting someone else's change.
	Version *int64
}

// LineInput is a manual line, or the fields of one to change.
type LineInput struct {
	Description   *string
	QuantityMilli *int64 // thousandths: 1500 is 1.5; 1000 when left out
	UnitPrice     *int64
}

// MaxQuantityMilli is a million units, far beyond any manual line.
const MaxQuantityMilli = 1_000_000_000

func checkTexts(c *apperr.Check, notes, footer, taxName *string) {
	if notes != nil {
		c.Text("notes", *notes, false, 5000)
	}
	if footer != nil {
		c.Text("footer", *footer, false, 2000)
	}
	if taxName != nil {
		c.Text("tax_name", *taxName, false, 50)
	}
}

func checkDates(c *apperr.Check, issue, due *string) {
	if issue != nil && *issue != "" {
		c.Date("issue_date", *issue)
	}
	if due != nil && *due != "" {
		c.Date("due_date", *due)
	}
	if issue != nil && due != nil && *issue != "" && *due != "" && !c.Has("issue_date") && !c.Has("due_date") && *due < *issue {
		c.Add("due_date", "must not be before the issue date")
	}
}

// errNothingToBill is the 422 of a draft with nothing in it.
func errNothingToBill(client string, from, to string) error {
	return &apperr.Error{Kind: apperr.KindInvalid,
		Message: fmt.Sprintf("nothing to bill: %s has no unbilled billable time or expenses from %s to %s", client, from, to),
		Fields:  []apperr.FieldError{{Field: "client_id", Message: "has nothing unbilled in this period"}}}
}

// Create builds a draft from every unbilled billable time entry of the
// client that started in the period, every unbilled billable expense dated
// in it, and the fee of each fixed-fee project with time in it, and holds
// that work (draft_invoice_id) so no other draft takes it and work logged
// later is not silently added.
func (s *Service) Create(ctx context.Context, d Draft) (Invoice, error) {
	var c apperr.Check
	if d.ClientID <= 0 {
		c.Add("client_id", "is required")
	}
	from, to := c.Date("from", d.From), c.Date("to", d.To)
	if !c.Has("from") && !c.Has("to") {
		if to.Before(from) {
			c.Add("to", "must not be before from")
		} else if to.Sub(from) > MaxPeriodDays*24*time.Hour {
			c.Add("to", "the period may be at most %d days", MaxPeriodDays)
		}
	}
	if d.GroupBy == "" {
		d.GroupBy = GroupByService
	}
	c.OneOf("group_by", d.GroupBy, GroupByService, GroupByTask, GroupByEntry)
	if d.Discount != nil {
		money.CheckAmount(&c, "discount", *d.Discount)
	}
	if d.TaxRate != nil {
		c.Range("tax_rate", *d.TaxRate, 0, MaxTaxRate)
	}
	checkTexts(&c, d.Notes, d.Footer, d.TaxName)
	checkDates(&c, d.IssueDate, d.DueDate)
	if err := c.Err(); err != nil {
		return Invoice{}, err
	}
	var out Invoice
	err := s.st.Tx(ctx, func(tx *gorm.DB) error {
		p, err := practice.Of(ctx, tx)
		if err != nil {
			return err
		}
		cl, err := clients.Get(tx, d.ClientID)
		if errors.Is(err, apperr.ErrNotFound) {
			return apperr.Invalid("client_id", "is not a client of this practice")
		} else if err != nil {
			return err
		}
		if err := refuseRetained(tx, cl, d.From, d.To); err != nil {
			return err
		}
		inv := Invoice{ClientID: cl.ID, Status: StatusDraft, Currency: cl.Currency, GroupBy: d.GroupBy,
			PeriodFrom: d.From, PeriodTo: d.To, TaxName: p.DefaultTaxName, TaxRate: p.DefaultTaxRate,
			Notes: p.DefaultNotes, Footer: p.DefaultFooter, Version: 1}
		setIf(&inv.Notes, d.Notes)
		setIf(&inv.Footer, d.Footer)
		setIf(&inv.TaxName, d.TaxName)
		setIf(&inv.TaxRate, d.TaxRate)
		setIf(&inv.Discount, d.Discount)
		inv.IssueDate, inv.DueDate = dateOrNil(d.IssueDate), dateOrNil(d.DueDate)
		w, err := gather(tx, &inv, p.Calendar(s.now))
		if err != nil {
			return err
		}
		bs, err := buildLines(inv.GroupBy, w, p.Location())
		if err != nil {
			return err
		}
		if len(bs) == 0 {
			return errNothingToBill(cl.Name, inv.PeriodFrom, inv.PeriodTo)
		}
		if err := tx.Create(&inv).Error; err != nil {
			return err
		}
		if err := insertGenerated(tx, &inv, bs, 1); err != nil {
			return err
		}
		if err := retotal(tx, &inv); err != nil {
			return err
		}
		if err := tx.Save(&inv).Error; err != nil {
			return err
		}
		out, err = s.load(tx, p, inv.ID)
		return err
	})
	return out, err
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func dateOrNil(v *string) *string {
	if v == nil || *v == "" {
		return nil
	}
	d := *v
	return &d
}

// insertGenerated writes built lines from position first on, links them to
// their work, and holds that work for the draft. Lines and links go in
// batches: a draft of a year of work, one line per entry, is ten thousand
// of each.
func insertGenerated(tx *gorm.DB, inv *Invoice, bs []built, first int64) error {
	if len(bs) == 0 {
		return nil
	}
	var nEntries, nExpenses int64
	lines := make([]Line, len(bs))
	for i := range bs {
		lines[i] = bs[i].line
		lines[i].InvoiceID = inv.ID
		lines[i].Position = first + int64(i)
		lines[i].Taxable = true
	}
	if err := tx.CreateInBatches(&lines, 500).Error; err != nil {
		return err
	}
	var srcs []Source
	for i := range bs {
		bs[i].line = lines[i]
		for _, id := range bs[i].entries {
			srcs = append(srcs, Source{LineID: lines[i].ID, EntryID: ptr(id)})
		}
		for _, id := range bs[i].expenses {
			srcs = append(srcs, Source{LineID: lines[i].ID, ExpenseID: ptr(id)})
		}
		nEntries += int64(len(bs[i].entries))
		nExpenses += int64(len(bs[i].expenses))
	}
	if err := InsertSources(tx, inv, srcs); err != nil {
		return err
	}
	// The work was read as unheld in this same transaction, and SQLite has
	// one writer, so every row must still be free; Hold's count proves it.
	return Hold(tx, inv, nEntries, nExpenses)
}

// retotal recomputes inv's totals from its stored lines (it does not save).
func retotal(tx *gorm.DB, inv *Invoice) error {
	var amounts []int64
	if err := tx.Model(&Line{}).Where("invoice_id = ?", inv.ID).Pluck("amount", &amounts).Error; err != nil {
		return store.Translate(err)
	}
	t, err := ComputeTotals(amounts, inv.Discount, inv.TaxRate, inv.AmountPaid)
	if err != nil {
		return err
	}
	inv.Subtotal, inv.TaxTotal, inv.Total = t.Subtotal, t.TaxTotal, t.Total
	return nil
}

// editDraft runs fn on a draft inside a transaction, then recomputes its
// totals, bumps its version and saves it, and returns it as it now is.
func (s *Service) editDraft(ctx context.Context, id int64, fn func(tx *gorm.DB, p practice.Practice, inv *Invoice) error) (Invoice, error) {
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
			return apperr.Conflict("the invoice is %s; only a draft can be changed", humanStatus(inv.Status))
		}
		if err := fn(tx, p, &inv); err != nil {
			return err
		}
		if err := retotal(tx, &inv); err != nil {
			return err
		}
		inv.Version++
		if err := tx.Save(&inv).Error; err != nil {
			return err
		}
		out, err = s.load(tx, p, id)
		return err
	})
	return out, err
}

func humanStatus(s string) string { return strings.ReplaceAll(s, "_", " ") }

// Update changes a draft's notes, footer, discount, tax and dates.
func (s *Service) Update(ctx context.Context, id int64, u Patch) (Invoice, error) {
	var c apperr.Check
	if u.Discount != nil {
		money.CheckAmount(&c, "discount", *u.Discount)
	}
	if u.TaxRate != nil {
		c.Range("tax_rate", *u.TaxRate, 0, MaxTaxRate)
	}
	checkTexts(&c, u.Notes, u.Footer, u.TaxName)
	checkDates(&c, u.IssueDate, u.DueDate)
	if err := c.Err(); err != nil {
		return Invoice{}, err
	}
	return s.editDraft(ctx, id, func(tx *gorm.DB, _ practice.Practice, inv *Invoice) error {
		if u.Version != nil && *u.Version != inv.Version {
			return apperr.Conflict("the invoice was changed since you loaded it (version %d, yours %d); reload it and try again", inv.Version, *u.Version)
		}
		setIf(&inv.Notes, u.Notes)
		setIf(&inv.Footer, u.Footer)
		setIf(&inv.TaxName, u.TaxName)
		setIf(&inv.TaxRate, u.TaxRate)
		setIf(&inv.Discount, u.Discount)
		if u.IssueDate != nil {
			inv.IssueDate = dateOrNil(u.IssueDate)
		}
		if u.DueDate != nil {
			inv.DueDate = dateOrNil(u.DueDate)
		}
		if inv.IssueDate != nil && inv.DueDate != nil && *inv.DueDate < *inv.IssueDate {
			return apperr.Invalid("due_date", "must not be before the issue date")
		}
		return nil
	})
}

func (in LineInput) apply(l *Line, creating bool) error {
	var c apperr.Check
	if in.Description != nil {
		l.Description = strings.TrimSpace(*in.Description)
	}
	if in.Description != nil || creating {
		c.Text("description", l.Description, true, 1000)
	}
	if in.QuantityMilli != nil {
		l.QuantityMilli = ptr(*in.QuantityMilli)
		c.Range("quantity_milli", *in.QuantityMilli, 1, MaxQuantityMilli)
	} else if creating {
		l.QuantityMilli = ptr(int64(1000))
	}
	if in.UnitPrice != nil {
		l.UnitPrice = *in.UnitPrice
		money.CheckAmount(&c, "unit_price", l.UnitPrice)
	} else if creating {
		c.Add("unit_price", "is required")
	}
	if err := c.Err(); err != nil {
		return err
	}
	amount, ok := QuantityAmount(deref(l.QuantityMilli), l.UnitPrice)
	if !ok || amount > money.MaxAmount {
		return apperr.Invalid("unit_price", "quantity times unit price is more than one line can bill")
	}
	l.Amount = amount
	return nil
}

// AddLine adds a manual line at the end of a draft.
func (s *Service) AddLine(ctx context.Context, id int64, in LineInput) (Invoice, error) {
	l := Line{Kind: KindManual, Taxable: true}
	if err := in.apply(&l, true); err != nil {
		return Invoice{}, err
	}
	return s.editDraft(ctx, id, func(tx *gorm.DB, _ practice.Practice, inv *Invoice) error {
		var last *int64
		if err := tx.Model(&Line{}).Where("invoice_id = ?", inv.ID).Select("MAX(position)").Scan(&last).Error; err != nil {
			return store.Translate(err)
		}
		l.InvoiceID, l.Position = inv.ID, deref(last)+1
		return tx.Create(&l).Error
	})
}

func getLine(tx *gorm.DB, invoiceID, lineID int64) (Line, error) {
	var l Line
	err := tx.Take(&l, "id = ? AND invoice_id = ?", lineID, invoiceID).Error
	return l, store.NotFound(err, "line")
}

// UpdateLine changes a manual line of a draft. Generated lines follow the
// work they bill: change the work and refresh the draft instead.
func (s *Service) UpdateLine(ctx context.Context, id, lineID int64, in LineInput) (Invoice, error) {
	return s.editDraft(ctx, id, func(tx *gorm.DB, _ practice.Practice, inv *Invoice) error {
		l, err := getLine(tx, inv.ID, lineID)
		if err != nil {
			return err
		}
		if l.Kind != KindManual {
			return apperr.Conflict("this %s line is built from work; change the work and refresh the draft, or delete the line", strings.ReplaceAll(l.Kind, "_", "-"))
		}
		if err := in.apply(&l, false); err != nil {
			return err
		}
		return tx.Save(&l).Error
	})
}

// DeleteLine removes a line from a draft; the time entries and expenses it
// billed are released (a refresh would bring them back).
func (s *Service) DeleteLine(ctx context.Context, id, lineID int64) (Invoice, error) {
	return s.editDraft(ctx, id, func(tx *gorm.DB, _ practice.Practice, inv *Invoice) error {
		l, err := getLine(tx, inv.ID, lineID)
		if err != nil {
			return err
		}
		err = tx.Exec(`UPDATE time_entries SET draft_invoice_id = NULL WHERE practice_id = ? AND draft_invoice_id = ?
			AND id IN (SELECT entry_id FROM invoice_line_sources WHERE line_id = ? AND entry_id IS NOT NULL)`, inv.PracticeID, inv.ID, l.ID).Error
		if err != nil {
			return err
		}
		err = tx.Exec(`UPDATE expenses SET draft_invoice_id = NULL WHERE practice_id = ? AND draft_invoice_id = ?
			AND id IN (SELECT expense_id FROM invoice_line_sources WHERE line_id = ? AND expense_id IS NOT NULL)`, inv.PracticeID, inv.ID, l.ID).Error
		if err != nil {
			return err
		}
		if err := tx.Where("line_id = ?", l.ID).Delete(&Source{}).Error; err != nil {
			return err
		}
		return tx.Delete(&l).Error
	})
}

// release lets go of all the work a draft holds.
func release(tx *gorm.DB, inv *Invoice) error {
	for _, table := range []string{"time_entries", "expenses"} {
		err := tx.Exec("UPDATE "+table+" SET draft_invoice_id = NULL WHERE practice_id = ? AND draft_invoice_id = ?", inv.PracticeID, inv.ID).Error
		if err != nil {
			return err
		}
	}
	return nil
}

// Refresh rebuilds a draft's generated lines from the client's unbilled
// work in its period as it is now, and takes up the client's current
// currency. Lines made elsewhere (a retainer's) are rebuilt first by their
// maker (see RemakeWith), so the work they count is never billed by the
// hour, and stay before the generated ones; manual lines stay as they are,
// after them.
func (s *Service) Refresh(ctx context.Context, id int64) (Invoice, error) {
	return s.editDraft(ctx, id, func(tx *gorm.DB, p practice.Practice, inv *Invoice) error {
		cl, err := clients.Get(tx, inv.ClientID)
		if err != nil {
			return err
		}
		inv.Currency = cl.Currency
		// Release all held work except what the kept lines hold.
		for _, u := range []struct{ table, column string }{{"time_entries", "entry_id"}, {"expenses", "expense_id"}} {
			err := tx.Exec("UPDATE "+u.table+` SET draft_invoice_id = NULL WHERE practice_id = ? AND draft_invoice_id = ?
				AND id NOT IN (SELECT s.`+u.column+` FROM invoice_line_sources s JOIN invoice_lines l ON l.id = s.line_id
					WHERE s.invoice_id = ? AND s.`+u.column+` IS NOT NULL AND l.kind NOT IN ?)`,
				inv.PracticeID, inv.ID, inv.ID, generatedKinds).Error
			if err != nil {
				return err
			}
		}
		err = tx.Where("invoice_id = ? AND line_id IN (SELECT id FROM invoice_lines WHERE invoice_id = ? AND kind IN ?)",
			inv.ID, inv.ID, generatedKinds).Delete(&Source{}).Error
		if err != nil {
			return err
		}
		if err := tx.Where("invoice_id = ? AND kind IN ?", inv.ID, generatedKinds).Delete(&Line{}).Error; err != nil {
			return err
		}
		if s.remake != nil {
			if err := s.remake(tx, inv); err != nil {
				return err
			}
		}
		var kept []Line
		if err := tx.Where("invoice_id = ?", inv.ID).Order("position, id").Find(&kept).Error; err != nil {
			return err
		}
		var before, after []Line
		for _, l := range kept {
			if l.Kind == KindManual {
				after = append(after, l)
			} else {
				before = append(before, l)
			}
		}
		w, err := gather(tx, inv, p.Calendar(s.now))
		if err != nil {
			return err
		}
		bs, err := buildLines(inv.GroupBy, w, p.Location())
		if err != nil {
			return err
		}
		if err := insertGenerated(tx, inv, bs, int64(len(before))+1); err != nil {
			return err
		}
		for i, l := range append(before, after...) {
			pos := int64(i + 1)
			if i >= len(before) {
				pos += int64(len(bs))
			}
			if err := tx.Model(&Line{}).Where("id = ?", l.ID).Update("position", pos).Error; err != nil {
				return err
			}
		}
		return nil
	})
}

// Delete removes a draft and releases the work it held. Issued invoices are
// never deleted: void them.
func (s *Service) Delete(ctx context.Context, id int64) error {
	return s.st.Tx(ctx, func(tx *gorm.DB) error {
		inv, err := getInvoice(tx, id)
		if err != nil {
			return err
		}
		if inv.Status != StatusDraft {
			return apperr.Conflict("the invoice is %s; only a draft can be deleted (void an issued invoice instead)", humanStatus(inv.Status))
		}
		if err := release(tx, &inv); err != nil {
			return err
		}
		if err := tx.Where("invoice_id = ?", inv.ID).Delete(&Source{}).Error; err != nil {
			return err
		}
		if err := tx.Where("invoice_id = ?", inv.ID).Delete(&Line{}).Error; err != nil {
			return err
		}
		return tx.Delete(&inv).Error
	})
}

// refuseRetained stops an hourly draft over a period in which the client
// has a retainer: its months are billed from the retainer (the fee, the
// overage, then the client's other work), and an hourly draft first would
// bill the retained hours by the hour and then block the retainer invoice.
// The retainers table belongs to the retainers package, which builds on
// this one, so it is read here with plain SQL scoped to the practice.
func refuseRetained(tx *gorm.DB, cl clients.Client, from, to string) error {
	var r struct {
		ID   int64
		Name string
	}
	err := tx.Raw(`SELECT id, name FROM retainers WHERE practice_id = ? AND client_id = ?
		AND starts_on <= ? AND (ends_on IS NULL OR ends_on >= ?) ORDER BY id LIMIT 1`,
		cl.PracticeID, cl.ID, to, from).Scan(&r).Error
	if err != nil || r.ID == 0 {
		return err
	}
	return apperr.Conflict("%s has the retainer %q in this period: invoice its months from the retainer "+
		"(POST /api/v1/clients/%d/retainers/%d/invoices), which bills the fee, any overage and the other work of the month",
		cl.Name, r.Name, cl.ID, r.ID)
}
