package billing

import (
	"context"
	"regexp"
	"strconv"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/catalog"
	"github.com/vadesk/vadesk/internal/clients"
	"github.com/vadesk/vadesk/internal/pdf"
	"github.com/vadesk/vadesk/internal/practice"
	"github.com/vadesk/vadesk/internal/store"
	"gorm.io/gorm"
)

// Document is an invoice ready to print: what the PDF shows and the name
// its file goes by. Reading it is separate from rendering it so the PDF is
// drawn outside any transaction.
type Document struct {
	PDF      pdf.Invoice
	Filename string
}

// DocumentOptions choose what a document includes.
type DocumentOptions struct {
	// Timesheet adds a page listing each time entry the invoice bills
	// (date, service, the note the client may see, minutes).
	Timesheet bool
}

// Document reads one invoice for printing.
func (s *Service) Document(ctx context.Context, id int64, opt DocumentOptions) (Document, error) {
	db := s.st.Read(ctx)
	var p practice.Practice
	if err := db.Take(&p).Error; err != nil {
		return Document{}, store.NotFound(err, "practice")
	}
	// The entries of each line only matter for the timesheet.
	lines, err := getLines(db, id, opt.Timesheet)
	if err != nil {
		return Document{}, err
	}
	inv, err := s.loadWith(db, p, id, lines)
	if err != nil {
		return Document{}, err
	}
	return document(db, p, inv, opt)
}

// Documents reads several invoices for printing, in the order of ids.
func (s *Service) Documents(ctx context.Context, ids []int64, opt DocumentOptions) ([]Document, error) {
	db := s.st.Read(ctx)
	var p practice.Practice
	if err := db.Take(&p).Error; err != nil {
		return nil, store.NotFound(err, "practice")
	}
	out := make([]Document, 0, len(ids))
	for _, id := range ids {
		inv, err := s.load(db, p, id)
		if err != nil {
			return nil, err
		}
		d, err := document(db, p, inv, opt)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Filename is the name an invoice's PDF is saved under: its number, or
// draft-<id> before it has one. Characters a file system may not like are
// replaced.
func Filename(inv Invoice) string {
	name := "draft-" + strconv.FormatInt(inv.ID, 10)
	if inv.Number != nil && *inv.Number != "" {
		name = unsafeFileChars.ReplaceAllString(*inv.Number, "-")
	}
	return name + ".pdf"
}

func document(db *gorm.DB, p practice.Practice, inv Invoice, opt DocumentOptions) (Document, error) {
	cl, err := clients.Get(db, inv.ClientID)
	if err != nil {
		return Document{}, err
	}
	d := pdf.Invoice{
		Title:      "Invoice",
		Status:     inv.Status,
		PeriodFrom: inv.PeriodFrom,
		PeriodTo:   inv.PeriodTo,
		Currency:   inv.Currency,
		From:       pdf.Party{Name: p.Name, Address: p.Address, Email: p.Email, Phone: p.Phone, TaxID: p.TaxID},
		To: pdf.Party{Name: cl.Name, Company: cl.Company, Address: cl.Address, Email: cl.Email, Phone: cl.Phone,
			TaxID: cl.TaxID},
		PaymentDetails: p.PaymentDetails,
		Subtotal:       inv.Subtotal,
		Discount:       inv.Discount,
		TaxName:        inv.TaxName,
		TaxRateBP:      inv.TaxRate,
		TaxTotal:       inv.TaxTotal,
		Total:          inv.Total,
		AmountPaid:     inv.AmountPaid,
		BalanceDue:     inv.BalanceDue(),
		Notes:          inv.Notes,
		Footer:         inv.Footer,
		Logo:           p.Logo,
		LogoType:       p.LogoType,
	}
	if inv.Status == StatusDraft {
		d.Title = "Draft invoice"
	}
	if inv.Number != nil {
		d.Number = *inv.Number
	}
	if inv.IssueDate != nil {
		d.IssueDate = *inv.IssueDate
	}
	if inv.DueDate != nil {
		d.DueDate = *inv.DueDate
	}
	var entryIDs []int64
	for _, l := range inv.Lines {
		pl := pdf.Line{Description: l.Description, UnitPrice: l.UnitPrice, Amount: l.Amount,
			QuantityMinutes: clone(l.QuantityMinutes), QuantityMilli: clone(l.QuantityMilli)}
		d.Lines = append(d.Lines, pl)
		entryIDs = append(entryIDs, l.EntryIDs...)
	}
	if opt.Timesheet && len(entryIDs) > 0 {
		if d.Timesheet, err = timesheet(db, p, inv.ID); err != nil {
			return Document{}, err
		}
	}
	return Document{PDF: d, Filename: Filename(inv)}, nil
}

// timesheet lists the time entries an invoice bills, oldest first, with
// the note the client may see; the internal note is never read.
func timesheet(db *gorm.DB, p practice.Practice, invoiceID int64) ([]pdf.TimesheetRow, error) {
	var es []entry
	err := db.Select("id", "service_id", "started_at", "billable_minutes", "note").
		Where("id IN (SELECT entry_id FROM invoice_line_sources WHERE invoice_id = ? AND entry_id IS NOT NULL)", invoiceID).
		Order("started_at, id").Find(&es).Error
	if err != nil {
		return nil, store.Translate(err)
	}
	var sids []int64
	for _, e := range es {
		sids = append(sids, e.ServiceID)
	}
	var ss []catalog.Service
	if err := db.Select("id", "name").Where("id IN ?", uniq(sids)).Find(&ss).Error; err != nil {
		return nil, store.Translate(err)
	}
	names := make(map[int64]string, len(ss))
	for _, s := range ss {
		names[s.ID] = s.Name
	}
	loc := p.Location()
	rows := make([]pdf.TimesheetRow, 0, len(es))
	for _, e := range es {
		rows = append(rows, pdf.TimesheetRow{Date: e.StartedAt.In(loc).Format(time.DateOnly),
			Service: names[e.ServiceID], Note: e.Note, Minutes: e.BillableMinutes})
	}
	return rows, nil
}

// ExportIDs returns the invoices an accountant receives for a period:
// every issued, partially paid, paid and void invoice whose issue date is
// in [from, to] (either may be empty: open-ended), by issue date and number.
func (s *Service) ExportIDs(ctx context.Context, from, to string) ([]int64, error) {
	var c apperr.Check
	if from != "" {
		c.Date("from", from)
	}
	if to != "" {
		c.Date("to", to)
	}
	if from != "" && to != "" && !c.Has("from") && !c.Has("to") && to < from {
		c.Add("to", "must not be before from")
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	q := s.st.Read(ctx).Model(&Invoice{}).Where("status <> ?", StatusDraft).Order("issue_date, number, id")
	if from != "" {
		q = q.Where("issue_date >= ?", from)
	}
	if to != "" {
		q = q.Where("issue_date <= ?", to)
	}
	var ids []int64
	return ids, store.Translate(q.Pluck("id", &ids).Error)
}

// Summaries reads invoices without their lines (with client names and
// codes), in the order of ids, for exports.
func (s *Service) Summaries(ctx context.Context, ids []int64) ([]Summary, error) {
	db := s.st.Read(ctx)
	var invs []Invoice
	if err := db.Where("id IN ?", ids).Find(&invs).Error; err != nil {
		return nil, store.Translate(err)
	}
	var cids []int64
	for _, inv := range invs {
		cids = append(cids, inv.ClientID)
	}
	var cls []clients.Client
	if len(cids) > 0 {
		if err := db.Select("id", "name", "code").Where("id IN ?", uniq(cids)).Find(&cls).Error; err != nil {
			return nil, store.Translate(err)
		}
	}
	byClient := make(map[int64]clients.Client, len(cls))
	for _, c := range cls {
		byClient[c.ID] = c
	}
	byID := make(map[int64]Invoice, len(invs))
	for _, inv := range invs {
		inv.ClientName = byClient[inv.ClientID].Name
		byID[inv.ID] = inv
	}
	out := make([]Summary, 0, len(ids))
	for _, id := range ids {
		if inv, ok := byID[id]; ok {
			out = append(out, Summary{Invoice: inv, ClientCode: byClient[inv.ClientID].Code})
		}
	}
	return out, nil
}

// Summary is an invoice with its client's code, for exports.
type Summary struct {
	Invoice
	ClientCode string
}
